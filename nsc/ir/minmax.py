"""C's fmin and fmax as the C library computes them, for the oracle.

The frontend lowers `fmin`/`fmax` (and `fminf`/`fmaxf`) to `llvm.minnum`/`llvm.maxnum`, which the
optimizer understands, and the clean IR keeps them, so the graph sees those intrinsics. But LLVM
leaves open which operand they return when the two compare equal (+0.0 and -0.0), and its x86
lowering returns the first, where glibc's x86-64 fmin and fmax (`minsd`/`maxsd`) return the
second. The oracle must compute what the program built by gcc computes, so `interpose` renames
the module's declarations of those intrinsics to the functions here, which compute what glibc's
do: the first operand if it is strictly smaller (fmin) or larger (fmax) than the second, else
the second; where exactly one operand is a quiet NaN, the other; otherwise (both NaN, or a
signalling NaN) the sum of the two, which quiets the NaN as glibc's `addsd` does. The long
double forms are left alone: LLVM lowers them to calls of glibc's `fminl` and `fmaxl`.
"""

from __future__ import annotations

import llvmlite.binding as llvm

PREFIX = "__nsc.libm."
# intrinsic -> (LLVM type, integer type of its bits, quiet-NaN bit, ordered comparison)
_FORMS = {
    "llvm.minnum.f64": ("double", "i64", 1 << 51, "olt"),
    "llvm.maxnum.f64": ("double", "i64", 1 << 51, "ogt"),
    "llvm.minnum.f32": ("float", "i32", 1 << 22, "olt"),
    "llvm.maxnum.f32": ("float", "i32", 1 << 22, "ogt"),
}


def interpose(module: llvm.ModuleRef) -> tuple[str, ...]:
    """Rename the module's declarations of the float and double min/max intrinsics to the
    functions `minmax_ir` defines; returns the intrinsics renamed."""
    found = [fn for fn in module.functions if fn.name in _FORMS and fn.is_declaration]
    names = tuple(sorted(fn.name for fn in found))
    for fn in found:
        fn.name = PREFIX + fn.name
    return names


def minmax_ir(names: tuple[str, ...]) -> str:
    """Definitions of the renamed intrinsics `names` (external until the oracle internalizes
    them, so the renamed declarations link to them)."""
    return "".join(_define(name, *_FORMS[name]) for name in names)


def _define(name: str, ty: str, bits: str, quiet: int, order: str) -> str:
    return f"""
define {ty} @"{PREFIX}{name}"({ty} %x, {ty} %y) {{
entry:
  %ordered = fcmp ord {ty} %x, %y
  br i1 %ordered, label %numbers, label %nan
numbers:
  %first = fcmp {order} {ty} %x, %y
  %pick = select i1 %first, {ty} %x, {ty} %y
  ret {ty} %pick
nan:
  %xnan = fcmp uno {ty} %x, %x
  %ynan = fcmp uno {ty} %y, %y
  %both = and i1 %xnan, %ynan
  br i1 %both, label %sum, label %one
one:
  %n = select i1 %xnan, {ty} %x, {ty} %y
  %other = select i1 %xnan, {ty} %y, {ty} %x
  %nbits = bitcast {ty} %n to {bits}
  %qbit = and {bits} %nbits, {quiet}
  %isquiet = icmp ne {bits} %qbit, 0
  br i1 %isquiet, label %take, label %sum
take:
  ret {ty} %other
sum:
  %s = fadd {ty} %x, %y
  ret {ty} %s
}}
"""
