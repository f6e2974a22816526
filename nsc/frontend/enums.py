"""Enumerated types as gcc types them (C mode, x86-64): the enum's integer type and its constants'.

An enum is compatible with an integer type that gcc chooses from the range of its enumerators:
`unsigned int` when none is negative and all fit in 32 bits, `int` when one is negative and all
fit in `int`, else `unsigned long` or `long` (a range wider than 64 bits, which gcc only warns
about before going to `__int128`, is refused). nsc gives the enum that very type, marked with an
id of its own (`IntType.enum_id`): two enums are then equal to their integer type, as far as
conversions and arithmetic go, yet distinct types for `_Generic`, as in gcc.

An enumeration constant whose value fits in `int` is an `int` (C99 6.4.4.3). One that does not
(a GNU extension) has the type of the expression that gave it inside its enumerator list, widened
to 32 or 64 bits (`long` before `long long`, as gcc's `c_common_type_for_size`), so that a later
enumerator computes with it in that type; after the list it has the enum's type. An enumerator
without a value is the previous one plus one, in the previous one's type; when that overflows,
gcc 12 gives an error ("overflow in enumeration values"), and so does nsc.
"""

from __future__ import annotations

from nsc.frontend.ctypes import INT, LONG, UINT, ULONG, CType, IntType


def fits_int(value: int) -> bool:
    return INT.min <= value <= INT.max


def constant_type(value: int, ctype: CType) -> IntType:
    """The type of an enumeration constant inside its list, `ctype` the type of its value."""
    if fits_int(value):
        return INT
    assert isinstance(ctype, IntType)
    if ctype.bits > 32:
        return LONG if ctype.signed else ULONG
    return UINT  # a 32-bit value outside `int`'s range


def next_value(value: int, ctype: IntType) -> int | None:
    """The value of the enumerator after one of `value` and `ctype`; None when it overflows."""
    return value + 1 if value < ctype.max else None


def enum_type(low: int, high: int) -> IntType | None:
    """The integer type of an enum whose enumerators range from `low` to `high` (None: there is
    none of 64 bits)."""
    for ctype in (UINT, ULONG) if low >= 0 else (INT, LONG):
        if ctype.min <= low and high <= ctype.max:
            return ctype
    return None
