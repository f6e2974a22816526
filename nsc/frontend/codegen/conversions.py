"""C conversions: integer promotions, usual arithmetic conversions, casts and truth values."""

from __future__ import annotations

from dataclasses import replace

from llvmlite import ir

from nsc.frontend.codegen.complexvalues import complex_cast, complex_truth
from nsc.frontend.codegen.context import RValue
from nsc.frontend.complextypes import ComplexType, is_real
from nsc.frontend.ctypes import (
    BOOL,
    INT,
    ArrayType,
    BoolType,
    CType,
    FloatType,
    FunctionType,
    IntType,
    PointerType,
    StructType,
    VoidType,
    make_unsigned,
)
from nsc.frontend.longdouble import fold_conversion, is_long_double
from nsc.frontend.variable_types import is_variably_modified

I1 = ir.IntType(1)


def promote(ctype: CType) -> CType:
    """C integer promotions: types of rank below int become int (all of them fit in int); an
    enum becomes its integer type (an operator's result is no enum, as in gcc)."""
    if isinstance(ctype, BoolType) or (isinstance(ctype, IntType) and ctype.rank < INT.rank):
        return INT
    if isinstance(ctype, IntType) and ctype.enum_id is not None:
        return replace(ctype, enum_id=None, const=False)
    return ctype.qualified(False)


def usual_arithmetic(a: CType, b: CType) -> CType:
    """The common type of two arithmetic operands (C99 6.3.1.8)."""
    floats = [t for t in (a, b) if isinstance(t, FloatType)]
    if floats:  # the wider one: long double, then double, then float
        return max(floats, key=lambda t: t.bits).qualified(False)
    pa, pb = promote(a), promote(b)
    assert isinstance(pa, IntType) and isinstance(pb, IntType)
    if pa == pb:
        return pa
    if pa.signed == pb.signed:
        return pa if pa.rank >= pb.rank else pb
    unsigned, signed = (pa, pb) if not pa.signed else (pb, pa)
    if unsigned.rank >= signed.rank:
        return unsigned
    if signed.bits > unsigned.bits:
        return signed
    return make_unsigned(signed)


def truth(builder: ir.IRBuilder, rv: RValue) -> ir.Value:
    """The i1 truth value of a scalar (nonzero, non-null)."""
    ctype, value = rv.ctype, rv.value
    if isinstance(ctype, ComplexType):
        return complex_truth(builder, rv)
    if isinstance(ctype, FloatType):
        return builder.fcmp_unordered("!=", value, ir.Constant(ctype.llvm, 0.0))
    if isinstance(ctype, PointerType):
        return builder.icmp_unsigned("!=", value, ir.Constant(value.type, None))
    if value.type == I1:
        return value
    return builder.icmp_unsigned("!=", value, ir.Constant(value.type, 0))


def cast(builder: ir.IRBuilder, rv: RValue, to: CType) -> RValue:
    """Convert a value to another scalar type with C semantics (the caller checks legality)."""
    if rv.ctype is to:
        return rv  # every branch below would return the same value
    if isinstance(to, ComplexType) or isinstance(rv.ctype, ComplexType):
        return complex_cast(builder, rv, to, cast)
    folded = _fold(rv, to)
    if folded is not None:
        return folded
    src, value = rv.ctype, rv.value
    if isinstance(to, VoidType):
        return RValue(to, value)
    if isinstance(to, BoolType):
        if isinstance(src, BoolType):
            return RValue(to, value)
        return RValue(to, builder.zext(truth(builder, rv), to.llvm))
    if isinstance(to, StructType):
        return RValue(to, value)
    if isinstance(to, PointerType):
        if isinstance(src, PointerType):
            return RValue(to, value, rv.region)  # the same object, in other units
        return RValue(to, builder.inttoptr(value, to.llvm))
    if isinstance(to, IntType):
        return RValue(to, _to_int(builder, src, value, to))
    if isinstance(to, FloatType):
        return RValue(to, _to_float(builder, src, value, to))
    raise TypeError(f"cannot convert to {to}")


def _to_int(builder: ir.IRBuilder, src: CType, value: ir.Value, to: IntType) -> ir.Value:
    if isinstance(src, FloatType):
        return builder.fptosi(value, to.llvm) if to.signed else builder.fptoui(value, to.llvm)
    if isinstance(src, PointerType):
        return builder.ptrtoint(value, to.llvm)
    src_bits = value.type.width
    if src_bits == to.bits:
        return value
    if src_bits > to.bits:
        return builder.trunc(value, to.llvm)
    signed = isinstance(src, IntType) and src.signed
    return builder.sext(value, to.llvm) if signed else builder.zext(value, to.llvm)


def _to_float(builder: ir.IRBuilder, src: CType, value: ir.Value, to: FloatType) -> ir.Value:
    if isinstance(src, FloatType):
        if src.bits == to.bits:
            return value
        if src.bits < to.bits:
            return builder.fpext(value, to.llvm)
        return builder.fptrunc(value, to.llvm)
    signed = isinstance(src, IntType) and src.signed
    return builder.sitofp(value, to.llvm) if signed else builder.uitofp(value, to.llvm)


def bool_to_int(builder: ir.IRBuilder, bit: ir.Value) -> RValue:
    """An i1 condition as a C `int` 0 or 1."""
    return RValue(INT, builder.zext(bit, INT.llvm))


def assignment_problem(to: CType, src: CType, is_null_constant: bool) -> str | None:
    """Why a value of type `src` cannot be implicitly converted to `to`, or None if it can."""
    if to.is_arithmetic and src.is_arithmetic:
        return None
    if isinstance(to, ComplexType) or isinstance(src, ComplexType):  # complex and arithmetic
        numbers = all(is_real(t) or isinstance(t, ComplexType) for t in (to, src))
        return None if numbers else f"cannot convert '{src}' to '{to}'"
    if isinstance(to, BoolType) and isinstance(src, PointerType):
        return None
    if isinstance(to, PointerType):
        if isinstance(src, PointerType):
            if _pointers_compatible(to, src):
                return None
            return f"incompatible pointer types: '{src}' and '{to}'"
        if is_null_constant:
            return None
    if isinstance(to, StructType) and to == src:
        return None
    if isinstance(to, ArrayType):
        return f"cannot assign to an array of type '{to}'"
    return f"cannot convert '{src}' to '{to}'"


def _pointers_compatible(a: PointerType, b: PointerType) -> bool:
    pa, pb = a.pointee, b.pointee
    if isinstance(pa, VoidType) or isinstance(pb, VoidType):
        return True
    if isinstance(pa, FunctionType) or isinstance(pb, FunctionType):
        return pa == pb  # the same return and parameter types
    if pa == pb:
        return True
    if isinstance(pa, ArrayType) and isinstance(pb, ArrayType):
        if is_variably_modified(pa) or is_variably_modified(pb):  # `double (*)[m]`, `[3]`
            return _arrays_compatible(pa, pb)
    return (
        isinstance(pa, PointerType) and isinstance(pb, PointerType) and _pointers_compatible(pa, pb)
    )


def _arrays_compatible(a: CType, b: CType) -> bool:
    """Array types one of which has a variable length: compatible when their elements are
    and lengths that are both constants agree (C99 6.7.5.2p6)."""
    if not (isinstance(a, ArrayType) and isinstance(b, ArrayType)):
        return a == b
    if a.n is not None and b.n is not None and a.n != b.n:
        return False
    return _arrays_compatible(a.elem, b.elem)


def conditional_pointer_type(a: RValue, b: RValue) -> CType | None:
    """The type of `c ? a : b` with a pointer operand (C99 6.5.15p6), None without one: beside
    a null pointer constant, the other operand's; else `void *` if either points to void, else
    the first's; its pointee has the qualifiers of both."""
    ta, tb = a.ctype, b.ctype
    if isinstance(ta, PointerType) and _is_null_pointer(b):
        return ta
    if isinstance(tb, PointerType) and _is_null_pointer(a):
        return tb
    if not (isinstance(ta, PointerType) and isinstance(tb, PointerType)):
        return None
    to_void = isinstance(tb.pointee, VoidType) and not isinstance(ta.pointee, VoidType)
    keep, other = (tb, ta) if to_void else (ta, tb)
    if other.pointee.const and not keep.pointee.const:
        return PointerType(keep.pointee.qualified(True))
    return keep


def _is_null_pointer(rv: RValue) -> bool:
    """A null pointer constant: an integer constant 0, or one cast to `void *` (`NULL`)."""
    value = rv.value
    if isinstance(rv.ctype, PointerType):
        pointee = rv.ctype.pointee
        if not isinstance(pointee, VoidType) or pointee.const:
            return False
        if not (isinstance(value, ir.CastInstr) and value.opname == "inttoptr"):
            return False
        value = value.operands[0]  # the cast is an instruction: its operand is the constant
    elif not isinstance(rv.ctype, IntType):
        return False
    return isinstance(value, ir.Constant) and value.constant == 0


__all__ = [
    "BOOL",
    "assignment_problem",
    "bool_to_int",
    "cast",
    "conditional_pointer_type",
    "promote",
    "truth",
    "usual_arithmetic",
]


def _fold(rv: RValue, to: CType) -> RValue | None:
    """Fold the conversion of an integer or float literal when the result is exact or rounds once."""
    value = rv.value
    if isinstance(value, ir.Constant) and (is_long_double(rv.ctype) or is_long_double(to)):
        folded = fold_conversion(value.constant, rv.ctype, to)
        return None if folded is None else RValue(to, ir.Constant(to.llvm, folded))
    if not isinstance(value, ir.Constant) or not isinstance(value.constant, int | float):
        return None
    number, src = value.constant, rv.ctype
    if isinstance(src, IntType | BoolType) and isinstance(number, int):
        if isinstance(to, IntType | BoolType):
            return RValue(to, ir.Constant(to.llvm, to.wrap(number)))
        if isinstance(to, FloatType) and abs(number) <= 1 << (24 if to.bits == 32 else 53):
            return RValue(to, ir.Constant(to.llvm, float(number)))
    if isinstance(src, FloatType) and isinstance(to, FloatType) and isinstance(number, float):
        if to.bits >= src.bits:
            return RValue(to, ir.Constant(to.llvm, number))
        return RValue(to, ir.Constant(to.llvm, _round_float(number)))
    return None


def _round_float(value: float) -> float:
    from nsc.frontend.codegen.constants import round_float

    return round_float(value)
