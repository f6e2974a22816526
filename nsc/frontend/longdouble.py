"""C's rules for `long double` (the x87 80-bit type, `nsc.frontend.x86fp80`) that the code
generator and the signature call on: folding conversions of constants from and to it, and
refusing it in the entry function's signature."""

from __future__ import annotations

from typing import Any

from nsc.diagnostics import CompileError, SourceLocation
from nsc.frontend.ctypes import ArrayType, BoolType, CType, FloatType, IntType, StructType
from nsc.frontend.x86fp80 import extended, is_extended, narrow, truncate


def is_long_double(ctype: CType) -> bool:
    return isinstance(ctype, FloatType) and ctype.bits == 80


def convert_constant(value: Any, to: CType) -> Any:
    """A folded constant converted to `to` where the value or `to` is a long double (the
    caller converts to _Bool): rounded once, as C converts; NaN and the infinities become 0 in
    an integer type (C leaves that undefined; nsc's other constants do the same)."""
    if isinstance(to, FloatType):
        return extended(value) if to.bits == 80 else narrow(value, to.bits)
    whole = truncate(value)
    return 0 if whole is None else to.wrap(whole)


def fold_conversion(number: Any, src: CType, to: CType) -> Any | None:
    """The constant that converting the literal `number` from `src` to `to` gives, where one
    of them is a long double, when that is exact or rounds once as the conversion does; None
    leaves the conversion to the code (a value outside the integer type: C leaves it
    undefined, and the program gets what the machine gives, as with gcc)."""
    if not (isinstance(number, int | float) or is_extended(number)):
        return None
    if isinstance(to, FloatType) and isinstance(src, FloatType | IntType | BoolType):
        return extended(number) if to.bits == 80 else narrow(extended(number), to.bits)
    if isinstance(to, IntType) and is_long_double(src):
        whole = truncate(extended(number))
        return whole if whole is not None and to.min <= whole <= to.max else None
    return None


def refuse_in_entry(ctype: CType, where: SourceLocation, what: str) -> None:
    """A long double (or a struct or array holding one) is no input or output of the entry:
    its ports are float, double and integer arrays in the oracle, the surrogate and `nsc exec`,
    and double already holds all a float32 surrogate can give back."""
    place = _long_double_in(ctype, "")
    if place is None:
        return
    if not place:
        holds = "is a 'long double'"
    elif not place.replace("[0]", ""):
        holds = f"is an array of 'long double' ('{ctype}')"
    else:
        holds = f"has type '{ctype}', which holds a 'long double' ('{place}')"
    raise CompileError(
        f"{what} {holds}: an entry function's inputs and outputs are float, double or integers",
        where,
        ("compute in long double inside the function; take and return double",),
    )


def _long_double_in(ctype: CType, place: str) -> str | None:
    """The member path (`v[0].x`) to the first long double in a value of `ctype`, or None."""
    if is_long_double(ctype):
        return place
    if isinstance(ctype, ArrayType):
        return _long_double_in(ctype.elem, f"{place}[0]")
    if isinstance(ctype, StructType):
        for name, ftype in ctype.fields:
            found = _long_double_in(ftype, f"{place}.{name or '<anonymous>'}".lstrip("."))
            if found is not None:
                return found
    return None
