"""The x87 80-bit extended type that is `long double` on x86-64: LLVM's `x86_fp80`.

llvmlite.ir has no such type, so `X86FP80Type` is one, printing its constants in LLVM's `0xK`
form (sign and exponent, then the 64-bit significand with its explicit integer bit, as 20 hex
digits). Folded values are `numpy.longdouble`, which is this same type on x86-64 Linux: its
arithmetic is the x87's, correctly rounded at 64 significand bits. numpy is imported only where
a long double is folded or printed, so programs without one do not pay for importing it.
"""

from __future__ import annotations

import contextlib
import math
import sys
from collections.abc import Iterator
from fractions import Fraction
from typing import Any

from llvmlite import ir

SIGNIFICAND_BITS = 64  # the integer bit is explicit
MIN_EXPONENT = -16382  # of a normal number; subnormals reach 2**(MIN_EXPONENT - 63)
MAX_EXPONENT = 16383


class X86FP80Type(ir.types._BaseFloatType):
    """LLVM's `x86_fp80`: stored in 10 bytes, allocated in 16 and aligned to 16 on x86-64."""

    null = "0xK00000000000000000000"
    intrinsic_name = "f80"

    def __str__(self) -> str:
        return "x86_fp80"

    def format_constant(self, value: Any) -> str:
        return hex_constant(value)


X86FP80Type._create_instance()  # one shared instance, as llvmlite's float types have
X86_FP80 = X86FP80Type()


def is_extended(value: object) -> bool:
    """Whether a folded value is a long double (a `numpy.longdouble`)."""
    numpy = sys.modules.get("numpy")  # not imported: no value can be one
    return numpy is not None and isinstance(value, numpy.longdouble)


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """numpy's floating-point warnings off: folding overflows to infinity as C does."""
    import numpy

    with numpy.errstate(all="ignore"):
        yield


def extended(value: int | float | Fraction | Any) -> Any:
    """`value` as a long double, rounded once to nearest, ties to even (C's conversion of an
    integer or a constant's exact value; a double or a long double converts exactly)."""
    import numpy

    if is_extended(value):
        return value
    if isinstance(value, float):
        return numpy.longdouble(value)
    return _round_exact(Fraction(value))


def _round_exact(value: Fraction) -> Any:
    import numpy

    if value == 0:
        return numpy.longdouble(0.0)
    magnitude = abs(value)
    exponent = magnitude.numerator.bit_length() - magnitude.denominator.bit_length()
    if magnitude < Fraction(2) ** exponent:
        exponent -= 1
    if exponent > MAX_EXPONENT:
        return numpy.longdouble(-math.inf if value < 0 else math.inf)
    step = max(exponent, MIN_EXPONENT) - (SIGNIFICAND_BITS - 1)  # the ulp's exponent
    significand = round(magnitude / Fraction(2) ** step)  # round() of a Fraction ties to even
    # two exact halves: numpy's conversion of an int past 2**63 is not promised to be exact
    high = numpy.longdouble(significand >> 32) * numpy.longdouble(2**32)
    whole = high + numpy.longdouble(significand & 0xFFFFFFFF)
    with quiet():  # a significand rounded up to 2**64 at the top exponent overflows to inf
        result = numpy.ldexp(whole, step)
    return -result if value < 0 else result


def literal(body: str) -> Any:
    """The value of a floating constant's digits (decimal or hexadecimal, no suffix), rounded
    once from its exact value, as gcc does for an `L` constant."""
    if body[:2].lower() == "0x":
        digits, _, exponent = body[2:].lower().partition("p")
        whole, _, fraction = digits.partition(".")
        mantissa = Fraction(int(whole + fraction or "0", 16), 16 ** len(fraction))
        return extended(mantissa * Fraction(2) ** int(exponent or "0"))
    return extended(Fraction(body))


def narrow(value: Any, bits: int) -> float:
    """A long double converted to float (`bits` 32) or double, rounded once."""
    import numpy

    with quiet():
        return float(numpy.float32(value) if bits == 32 else numpy.float64(value))


def truncate(value: Any) -> int | None:
    """A long double truncated toward zero; None for NaN and the infinities."""
    import numpy

    if not numpy.isfinite(value):
        return None
    return int(value)  # numpy's conversion of a long double to a Python int is exact


def to_bytes(value: Any) -> bytes:
    """The 16 bytes a long double occupies in memory: 10 of value (little-endian), then 6 of
    padding, zero as gcc emits them for static data (numpy leaves them undefined)."""
    return extended(value).tobytes()[:10] + bytes(6)


def hex_constant(value: Any) -> str:
    """LLVM's spelling of a long double constant: `0xK` and the 10 bytes, most significant
    first (a Python float or int is converted exactly or, past 64 bits, rounded once)."""
    return "0xK" + to_bytes(value)[9::-1].hex().upper()


__all__ = [
    "X86_FP80",
    "X86FP80Type",
    "extended",
    "hex_constant",
    "is_extended",
    "literal",
    "narrow",
    "quiet",
    "to_bytes",
    "truncate",
]
