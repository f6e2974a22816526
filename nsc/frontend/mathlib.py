"""The C math library nsc knows: every function its math.h and stdlib.h declare.

Each entry gives the C prototype (type names 'double', 'float', 'long double', 'int', 'long',
and 'int*', 'double*', 'float*' or 'long double*' for the out-parameters of frexp, modf and
remquo;
`long long` is listed as 'long', both are i64 on LP64) and, where one exists with exactly libm's
semantics for every input, the LLVM intrinsic's base name without the type suffix (`llvm.sin`
-> `llvm.sin.f64` / `llvm.sin.f32` / `llvm.sin.f80`). Functions without an intrinsic are called
by their libm symbol, which the JIT resolves from the running process (libm loaded). For
x86_fp80 LLVM's code generator turns most intrinsics back into the `l` libm call (`sinl`,
`powl`, `floorl`) and `llvm.sqrt`/`llvm.fabs` into the x87 instructions, as gcc -O0 does.

`llvm.minnum`/`llvm.maxnum` return the other operand when one is NaN, as C's fmin/fmax do, but
for -0.0 and +0.0 they may return either zero, where glibc returns the second argument (C leaves
the sign unspecified). The clean IR keeps them; the oracle computes the float and double forms
with glibc's rules (`nsc.ir.libm`), and calls `pow` where LLVM would rewrite `llvm.pow`.
The integer functions abs, labs and llabs come from libc (header 'stdlib.h'; imaxabs from
'inttypes.h'); they have no intrinsic here, and the code generator may lower them inline
(compare and select).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MathFunc:
    """One library function: its C prototype and the LLVM intrinsic that may replace the call."""

    name: str
    ret: str
    args: tuple[str, ...]
    intrinsic: str | None = None
    header: str = "math.h"

    @property
    def symbol(self) -> str:
        """The C library symbol the call resolves to when no intrinsic is used."""
        return self.name


# name: (argument kinds, intrinsic). 'F' is the floating type of the variant (double, float or
# long double); 'F*' a pointer to it; any other kind is a C type name kept as is in every
# variant.
_FLOATING: dict[str, tuple[tuple[str, ...], str | None]] = {
    "sin": (("F",), "llvm.sin"),
    "cos": (("F",), "llvm.cos"),
    "tan": (("F",), None),
    "asin": (("F",), None),
    "acos": (("F",), None),
    "atan": (("F",), None),
    "atan2": (("F", "F"), None),
    "sinh": (("F",), None),
    "cosh": (("F",), None),
    "tanh": (("F",), None),
    "asinh": (("F",), None),
    "acosh": (("F",), None),
    "atanh": (("F",), None),
    "exp": (("F",), "llvm.exp"),
    "exp2": (("F",), "llvm.exp2"),
    "expm1": (("F",), None),
    "log": (("F",), "llvm.log"),
    "log2": (("F",), "llvm.log2"),
    "log10": (("F",), "llvm.log10"),
    "log1p": (("F",), None),
    "pow": (("F", "F"), "llvm.pow"),
    "sqrt": (("F",), "llvm.sqrt"),
    "cbrt": (("F",), None),
    "hypot": (("F", "F"), None),
    "fabs": (("F",), "llvm.fabs"),
    "floor": (("F",), "llvm.floor"),
    "ceil": (("F",), "llvm.ceil"),
    "trunc": (("F",), "llvm.trunc"),
    "round": (("F",), "llvm.round"),
    "rint": (("F",), None),
    "nearbyint": (("F",), None),
    "fmod": (("F", "F"), None),
    "remainder": (("F", "F"), None),
    "fmin": (("F", "F"), "llvm.minnum"),
    "fmax": (("F", "F"), "llvm.maxnum"),
    "fdim": (("F", "F"), None),
    "fma": (("F", "F", "F"), "llvm.fma"),
    "copysign": (("F", "F"), "llvm.copysign"),
    "erf": (("F",), None),
    "erfc": (("F",), None),
    "tgamma": (("F",), None),
    "lgamma": (("F",), None),
    "ldexp": (("F", "int"), None),
    "scalbn": (("F", "int"), None),
    "frexp": (("F", "int*"), None),
    "modf": (("F", "F*"), None),
    "logb": (("F",), None),
    "nextafter": (("F", "F"), None),
    "nexttoward": (("F", "long double"), None),
    "remquo": (("F", "F", "int*"), None),
    "scalbln": (("F", "long"), None),
}

# name: return type, the rest as in _FLOATING; the result is not the floating type.
_TO_INTEGER: dict[str, str] = {
    "lround": "long",
    "lrint": "long",
    "llround": "long",
    "llrint": "long",
    "ilogb": "int",
}

_INTEGER: tuple[MathFunc, ...] = (
    MathFunc("abs", "int", ("int",), header="stdlib.h"),
    MathFunc("labs", "long", ("long",), header="stdlib.h"),
    MathFunc("llabs", "long", ("long",), header="stdlib.h"),
    MathFunc("imaxabs", "long", ("long",), header="inttypes.h"),
)


def _variants(name: str, kinds: tuple[str, ...], intrinsic: str | None) -> list[MathFunc]:
    out = []
    for suffix, floating in (("", "double"), ("f", "float"), ("l", "long double")):
        args = tuple(kind.replace("F", floating) if kind[0] == "F" else kind for kind in kinds)
        ret = _TO_INTEGER.get(name, floating)
        out.append(MathFunc(name + suffix, ret, args, intrinsic))
    return out


def _build_table() -> dict[str, MathFunc]:
    funcs = [f for name, (k, i) in _FLOATING.items() for f in _variants(name, k, i)]
    funcs += [f for name in _TO_INTEGER for f in _variants(name, ("F",), None)]
    funcs += _INTEGER
    return {f.name: f for f in funcs}


MATH_FUNCTIONS: dict[str, MathFunc] = _build_table()


def lookup(name: str) -> MathFunc | None:
    """The library function called `name`, or None if nsc does not know it."""
    return MATH_FUNCTIONS.get(name)
