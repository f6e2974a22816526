"""C99 complex types (`float _Complex`, `double _Complex`): the type, how specifiers name it,
the common type of the usual arithmetic conversions, the functions of <complex.h> nsc knows,
and the refusal of a complex value in the entry function's signature.

A complex value is two of its real type, real part first, as gcc lays it out on x86-64 (size
8 or 16, aligned as the real type); in LLVM a `{float, float}` or `{double, double}`. It is an
arithmetic type in C, but `CType.is_arithmetic` stays False for it: the code generator's real
paths would treat it as a number, so each operator checks for it first and hands it to
`nsc.frontend.codegen.complex`.
"""

from __future__ import annotations

from dataclasses import dataclass

from llvmlite import ir

from nsc.diagnostics import CompileError, SourceLocation
from nsc.frontend.ctypes import (
    DOUBLE,
    FLOAT,
    ArrayType,
    BoolType,
    CType,
    FloatType,
    IntType,
    StructType,
    _const,
)

# <complex.h>'s functions: (complex arguments, the result is complex); each has an `f` form.
COMPLEX_LIBRARY: dict[str, tuple[int, bool]] = {
    "cabs": (1, False),
    "cexp": (1, True),
    "clog": (1, True),
    "csqrt": (1, True),
    "cpow": (2, True),
    "csin": (1, True),
    "ccos": (1, True),
    "ctan": (1, True),
    "casin": (1, True),
    "cacos": (1, True),
    "catan": (1, True),
    "csinh": (1, True),
    "ccosh": (1, True),
    "ctanh": (1, True),
    "casinh": (1, True),
    "cacosh": (1, True),
    "catanh": (1, True),
    "cproj": (1, True),
}
COMPLEX_INLINE = ("creal", "cimag", "conj", "carg")
COMPLEX_FUNCTIONS = frozenset(
    name + suffix for name in (*COMPLEX_LIBRARY, *COMPLEX_INLINE) for suffix in ("", "f")
)


@dataclass(frozen=True)
class ComplexType(CType):
    """`float _Complex` or `double _Complex`: `part` is the type of each of its two parts."""

    part: FloatType

    @property
    def llvm(self) -> ir.Type:
        return ir.LiteralStructType([self.part.llvm, self.part.llvm])

    @property
    def size(self) -> int:
        return 2 * self.part.size

    @property
    def align(self) -> int:
        return self.part.align

    def __str__(self) -> str:
        return _const(f"{self.part.qualified(False)} _Complex", self.const)


COMPLEX_FLOAT = ComplexType(FLOAT)
COMPLEX_DOUBLE = ComplexType(DOUBLE)


def is_complex(ctype: CType) -> bool:
    return isinstance(ctype, ComplexType)


def is_real(ctype: CType) -> bool:
    """An arithmetic type that is not complex (nsc's `is_arithmetic`)."""
    return isinstance(ctype, IntType | BoolType | FloatType)


def complex_specifiers(names: list[str]) -> CType | str:
    """The complex type that specifiers holding `_Complex` name, or why there is none.

    `_Complex` alone is `double _Complex`, as gcc reads it (C99 requires the real type)."""
    words = sorted(n for n in names if n != "_Complex")
    if names.count("_Complex") > 1:
        return "duplicate '_Complex'"
    if words in ([], ["double"]):
        return COMPLEX_DOUBLE
    if words == ["float"]:
        return COMPLEX_FLOAT
    if words == ["double", "long"]:
        return "'long double _Complex' is not supported; use 'double _Complex'"
    return f"'_Complex' needs 'float' or 'double', not '{' '.join(words)}'"


def complex_of(real: CType) -> ComplexType | None:
    """The complex type whose parts have the real type `real` (a common real type of the
    usual arithmetic conversions, C99 6.3.1.8); None for long double, which has none here."""
    if not isinstance(real, FloatType) or real.bits == 80:
        return None
    return COMPLEX_FLOAT if real.bits == 32 else COMPLEX_DOUBLE


def real_type(ctype: CType) -> CType:
    """The corresponding real type of a complex type; any other type as it is."""
    return ctype.part if isinstance(ctype, ComplexType) else ctype


def refuse_in_entry(ctype: CType, where: SourceLocation, what: str) -> None:
    """A complex value (or a struct or array holding one) is no input or output of the entry:
    its ports are real numbers, one per scalar, in the oracle, the surrogate and `nsc exec`."""
    place = _complex_in(ctype, "")
    if place is None:
        return
    if not place:
        holds = f"is a '{ctype.qualified(False)}'"
    elif not place.replace("[0]", ""):
        holds = f"is an array of complex numbers ('{ctype}')"
    else:
        holds = f"has type '{ctype}', which holds a complex number ('{place}')"
    raise CompileError(
        f"{what} {holds}: an entry function's inputs and outputs are real numbers",
        where,
        (
            "take the real and imaginary parts as doubles (or arrays of doubles) and return results the same way",
        ),
    )


def _complex_in(ctype: CType, place: str) -> str | None:
    """The member path (`v[0].z`) to the first complex value in a value of `ctype`, or None."""
    if isinstance(ctype, ComplexType):
        return place
    if isinstance(ctype, ArrayType):
        return _complex_in(ctype.elem, f"{place}[0]")
    if isinstance(ctype, StructType):
        for name, ftype in ctype.fields:
            found = _complex_in(ftype, f"{place}.{name or '<anonymous>'}".lstrip("."))
            if found is not None:
                return found
    return None
