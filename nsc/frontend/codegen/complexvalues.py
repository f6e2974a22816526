"""Complex values in LLVM registers: taking them apart, putting them together, converting them
(C99 6.3.1.6, 6.3.1.7) and testing them for truth. The operators are in `complex.py`; this
module knows only the builder, so `conversions.cast` can call it."""

from __future__ import annotations

from collections.abc import Callable

from llvmlite import ir

from nsc.frontend.codegen.context import RValue
from nsc.frontend.complextypes import ComplexType
from nsc.frontend.ctypes import BoolType, CType

RealCast = Callable[[ir.IRBuilder, RValue, CType], RValue]


def parts(builder: ir.IRBuilder, rv: RValue) -> tuple[RValue, RValue]:
    """The real and imaginary parts of a complex value, as values of its real type."""
    ctype = rv.ctype
    assert isinstance(ctype, ComplexType)
    part = ctype.part.qualified(False)
    if isinstance(rv.value, ir.Constant) and isinstance(rv.value.constant, list | tuple):
        re, im = rv.value.constant  # a folded constant stays one (`I`, `CMPLX(1, 2)`)
        return RValue(part, re), RValue(part, im)
    return (
        RValue(part, builder.extract_value(rv.value, 0)),
        RValue(part, builder.extract_value(rv.value, 1)),
    )


def real_part(builder: ir.IRBuilder, rv: RValue) -> RValue:
    """The real part of a complex value alone (a conversion to a real type drops the other)."""
    ctype = rv.ctype
    assert isinstance(ctype, ComplexType)
    if isinstance(rv.value, ir.Constant) and isinstance(rv.value.constant, list | tuple):
        return RValue(ctype.part.qualified(False), rv.value.constant[0])
    return RValue(ctype.part.qualified(False), builder.extract_value(rv.value, 0))


def make(builder: ir.IRBuilder, ctype: ComplexType, re: ir.Value, im: ir.Value) -> RValue:
    """The complex value with parts `re` and `im` (values of its real type)."""
    if isinstance(re, ir.Constant) and isinstance(im, ir.Constant):
        return RValue(ctype, ir.Constant(ctype.llvm, [re, im]))
    value = builder.insert_value(ir.Constant(ctype.llvm, ir.Undefined), re, 0)
    return RValue(ctype, builder.insert_value(value, im, 1))


def complex_cast(builder: ir.IRBuilder, rv: RValue, to: CType, real_cast: RealCast) -> RValue:
    """Convert to or from a complex type: a real value becomes the real part (the imaginary
    part +0.0); a complex value converts part by part to another complex type, to its real
    part for a real type, and to whether either part is non-zero for _Bool."""
    src = rv.ctype
    if src == to:  # the same type, maybe qualified otherwise
        return RValue(to.qualified(False), rv.value)
    if isinstance(to, ComplexType):
        part = to.part.qualified(False)
        if isinstance(src, ComplexType):
            re, im = parts(builder, rv)
            re, im = real_cast(builder, re, part), real_cast(builder, im, part)
            return make(builder, to.qualified(False), re.value, im.value)
        re = real_cast(builder, rv, part)
        return make(builder, to.qualified(False), re.value, ir.Constant(part.llvm, 0.0))
    if isinstance(to, BoolType):
        return RValue(to, builder.zext(complex_truth(builder, rv), to.llvm))
    return real_cast(builder, real_part(builder, rv), to)


def complex_truth(builder: ir.IRBuilder, rv: RValue) -> ir.Value:
    """The i1 truth of a complex value: `z != 0`, either part non-zero (NaN counts)."""
    re, im = parts(builder, rv)
    zero = ir.Constant(re.value.type, 0.0)
    if isinstance(re.value, ir.Constant) and isinstance(im.value, ir.Constant):
        truth = re.value.constant != 0.0 or im.value.constant != 0.0
        return ir.Constant(ir.IntType(1), truth)
    return builder.or_(
        builder.fcmp_unordered("!=", re.value, zero), builder.fcmp_unordered("!=", im.value, zero)
    )
