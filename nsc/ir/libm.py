"""C library functions the oracle computes as glibc computes them, where LLVM would not.

fmin and fmax: the frontend lowers `fmin`/`fmax` (and `fminf`/`fmaxf`) to
`llvm.minnum`/`llvm.maxnum`, which the optimizer understands, and the clean IR keeps them, so the
graph sees those intrinsics. But LLVM leaves open which operand they return when the two compare
equal (+0.0 and -0.0), and its x86 lowering returns the first, where glibc's x86-64 fmin and fmax
(`minsd`/`maxsd`) return the second. The functions here compute what glibc's do: the first
operand if it is strictly smaller (fmin) or larger (fmax) than the second, else the second;
where exactly one operand is a quiet NaN, the other; otherwise (both NaN, or a signalling NaN)
the sum of the two, which quiets the NaN as glibc's `addsd` does. The long double forms are left
alone: LLVM lowers them to calls of glibc's `fminl` and `fmaxl`.

pow: `llvm.pow` is libm's `pow`, but LLVM's optimizer rewrites it into what is equal in exact
arithmetic and not always in the last bit: `pow(2.0, x)` and `pow(8.0, x)` into `exp2`,
`pow(x, 2.0)` into `x * x`, `pow(x, 0.5)` into `sqrt` (with +NaN for negative x, where glibc
gives -NaN). gcc -O0 calls `pow`, so the functions here call it too, marked `nobuiltin` so that
the optimizer leaves the call as written. The clean IR keeps `llvm.pow` and LLVM's rewrites of
it, which say the same thing to the graph.

The oracle must compute what the program built by gcc computes, so `interpose` renames the
module's declarations of these intrinsics to the functions `libm_ir` defines.
"""

from __future__ import annotations

import llvmlite.binding as llvm

PREFIX = "__nsc.libm."
# intrinsic -> (LLVM type, integer type of its bits, quiet-NaN bit, ordered comparison)
_EXTREMES = {
    "llvm.minnum.f64": ("double", "i64", 1 << 51, "olt"),
    "llvm.maxnum.f64": ("double", "i64", 1 << 51, "ogt"),
    "llvm.minnum.f32": ("float", "i32", 1 << 22, "olt"),
    "llvm.maxnum.f32": ("float", "i32", 1 << 22, "ogt"),
}


# intrinsic -> (LLVM type, the libm function called as written)
_CALLS = {
    "llvm.pow.f64": ("double", "pow"),
    "llvm.pow.f32": ("float", "powf"),
    "llvm.pow.f80": ("x86_fp80", "powl"),
}


def interpose(module: llvm.ModuleRef) -> tuple[str, ...]:
    """Rename the module's declarations of the intrinsics handled here to the functions
    `libm_ir` defines; returns the intrinsics renamed."""
    handled = _EXTREMES.keys() | _CALLS.keys()
    found = [fn for fn in module.functions if fn.name in handled and fn.is_declaration]
    names = tuple(sorted(fn.name for fn in found))
    for fn in found:
        fn.name = PREFIX + fn.name
    return names


def libm_ir(names: tuple[str, ...]) -> str:
    """Definitions of the renamed intrinsics `names` (external until the oracle internalizes
    them, so the renamed declarations link to them)."""
    return "".join(
        _define_call(name, *_CALLS[name])
        if name in _CALLS
        else _define_extreme(name, *_EXTREMES[name])
        for name in names
    )


def _define_call(name: str, ty: str, symbol: str) -> str:
    return f"""
declare {ty} @{symbol}({ty}, {ty})

define {ty} @"{PREFIX}{name}"({ty} %x, {ty} %y) {{
entry:
  %r = call {ty} @{symbol}({ty} %x, {ty} %y) nobuiltin
  ret {ty} %r
}}
"""


def _define_extreme(name: str, ty: str, bits: str, quiet: int, order: str) -> str:
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
