"""Binary operators: arithmetic, bitwise, shifts, comparisons, pointer arithmetic, && and ||."""

from __future__ import annotations

from llvmlite import ir
from pycparser import c_ast

from nsc.frontend.codegen.context import RValue, opaque
from nsc.frontend.codegen.conversions import bool_to_int, cast, promote, truth, usual_arithmetic
from nsc.frontend.complextypes import is_complex
from nsc.frontend.ctypes import (
    INT,
    LONG,
    PTRDIFF_T,
    ULONG,
    FloatType,
    FunctionType,
    IntType,
    PointerType,
)
from nsc.frontend.variable_types import is_variably_sized

I64 = ir.IntType(64)
COMPARISONS = ("<", ">", "<=", ">=", "==", "!=")
_FLOAT_OPS = {"+": "fadd", "-": "fsub", "*": "fmul", "/": "fdiv"}
_INT_OPS = {"+": "add", "-": "sub", "*": "mul", "&": "and_", "|": "or_", "^": "xor"}


class OperatorLowering:
    """Mixin: lower binary operators over already evaluated operands."""

    def expr_BinaryOp(self, node: c_ast.BinaryOp) -> RValue:
        if node.op in ("&&", "||"):
            return self._logical(node)
        lhs = self.rvalue(node.left)
        rhs = self.rvalue(node.right)
        if node.op in COMPARISONS:
            return self.compare(node.op, lhs, rhs, node)
        return self.binary(node.op, lhs, rhs, node)

    def binary(self, op: str, lhs: RValue, rhs: RValue, node: c_ast.Node) -> RValue:
        """An arithmetic, bitwise or shift operator, or pointer arithmetic for + and -."""
        if op in ("+", "-") and (
            isinstance(lhs.ctype, PointerType) or isinstance(rhs.ctype, PointerType)
        ):
            return self._pointer_arith(op, lhs, rhs, node)
        if is_complex(lhs.ctype) or is_complex(rhs.ctype):  # complex.py
            return self.complex_binary(op, lhs, rhs, node)
        if not (lhs.ctype.is_arithmetic and rhs.ctype.is_arithmetic):
            raise self._invalid_operands(op, lhs, rhs, node)
        if op in ("<<", ">>"):
            return self._shift(op, lhs, rhs, node)
        ctype = usual_arithmetic(lhs.ctype, rhs.ctype)
        a = cast(self.builder, lhs, ctype).value
        b = cast(self.builder, rhs, ctype).value
        if isinstance(ctype, FloatType):
            if op not in _FLOAT_OPS:
                raise self._invalid_operands(op, lhs, rhs, node)
            return RValue(ctype, getattr(self.builder, _FLOAT_OPS[op])(a, b))
        if op in _INT_OPS:
            return RValue(ctype, getattr(self.builder, _INT_OPS[op])(a, b))
        if op in ("/", "%"):
            self.check_division(a, b, ctype.signed)
            if op == "/":
                value = self.builder.sdiv(a, b) if ctype.signed else self.builder.udiv(a, b)
            else:
                value = self.builder.srem(a, b) if ctype.signed else self.builder.urem(a, b)
            return RValue(ctype, value)
        raise self.error(f"unsupported operator '{op}'", node)

    def _shift(self, op: str, lhs: RValue, rhs: RValue, node: c_ast.Node) -> RValue:
        if not (lhs.ctype.is_integer and rhs.ctype.is_integer):
            raise self._invalid_operands(op, lhs, rhs, node)
        ltype = promote(lhs.ctype)
        assert isinstance(ltype, IntType)
        if ltype.bits & (ltype.bits - 1):  # a wide bit-field's odd width (bitfields.py)
            return self.shift_odd_width(op, lhs, rhs, ltype, node)
        a = cast(self.builder, lhs, ltype).value
        amount = cast(self.builder, rhs, ltype).value
        # Shift counts >= the width are undefined in C; mask them like x86 does instead of poison.
        amount = self.builder.and_(amount, ir.Constant(ltype.llvm, ltype.bits - 1))
        if op == "<<":
            return RValue(ltype, self.builder.shl(a, amount))
        shifted = self.builder.ashr(a, amount) if ltype.signed else self.builder.lshr(a, amount)
        return RValue(ltype, shifted)

    def _pointer_arith(self, op: str, lhs: RValue, rhs: RValue, node: c_ast.Node) -> RValue:
        lp, rp = isinstance(lhs.ctype, PointerType), isinstance(rhs.ctype, PointerType)
        if lp and rp:
            if op != "-" or lhs.ctype.pointee != rhs.ctype.pointee:
                raise self._invalid_operands(op, lhs, rhs, node)
            if is_variably_sized(lhs.ctype.pointee):  # rows of a size known as it runs
                return self._variable_difference(lhs, rhs)
            size = self._element_size(lhs.ctype, node)
            a = self.builder.ptrtoint(lhs.value, I64)
            b = self.builder.ptrtoint(rhs.value, I64)
            diff = self.builder.sdiv(self.builder.sub(a, b), ir.Constant(I64, size))
            return RValue(PTRDIFF_T, diff)
        pointer, offset = (lhs, rhs) if lp else (rhs, lhs)
        if not offset.ctype.is_integer or (op == "-" and not lp):
            raise self._invalid_operands(op, lhs, rhs, node)
        index = self.index_value(offset)
        if op == "-":
            index = self.builder.neg(index)
        return RValue(pointer.ctype, self.element_address(pointer, index, node), pointer.region)

    def _variable_difference(self, lhs: RValue, rhs: RValue) -> RValue:
        """`p - q` for pointers to a variably sized type: bytes over the size as it runs."""
        b = self.builder
        size = self.variable_bytes(lhs.ctype.pointee)
        bytes_ = b.sub(b.ptrtoint(lhs.value, I64), b.ptrtoint(rhs.value, I64))
        self.check_division(bytes_, size, True)  # rows of length 0 (a parameter's)
        return RValue(PTRDIFF_T, b.sdiv(bytes_, size))

    def _element_size(self, ptype: PointerType, node: c_ast.Node) -> int:
        if isinstance(ptype.pointee, FunctionType):
            raise self.error(f"arithmetic on a pointer to a function ('{ptype}')", node)
        if not ptype.pointee.is_complete:
            raise self.error(f"arithmetic on a pointer to incomplete type '{ptype.pointee}'", node)
        return ptype.pointee.size

    def element_address(self, pointer: RValue, index: ir.Value, node: c_ast.Node) -> ir.Value:
        """The address `pointer + index` for a pointer to a complete type."""
        if is_variably_sized(pointer.ctype.pointee):
            return self.element_pointer(pointer.value, index, pointer.ctype.pointee)
        self._element_size(pointer.ctype, node)
        etype = pointer.ctype.pointee.llvm
        return opaque(self.builder.gep(pointer.value, [index], source_etype=etype))

    def index_value(self, rv: RValue) -> ir.Value:
        """An integer index widened to i64 (sign- or zero-extended by its C type)."""
        signed = isinstance(promote(rv.ctype), IntType) and promote(rv.ctype).signed
        return cast(self.builder, rv, LONG if signed else ULONG).value

    def compare(self, op: str, lhs: RValue, rhs: RValue, node: c_ast.Node) -> RValue:
        lt, rt = lhs.ctype, rhs.ctype
        if is_complex(lt) or is_complex(rt):  # complex.py
            return self.complex_compare(op, lhs, rhs, node)
        if lt.is_arithmetic and rt.is_arithmetic:
            ctype = usual_arithmetic(lt, rt)
            a = cast(self.builder, lhs, ctype).value
            b = cast(self.builder, rhs, ctype).value
            if isinstance(ctype, FloatType):
                fcmp = self.builder.fcmp_unordered if op == "!=" else self.builder.fcmp_ordered
                return bool_to_int(self.builder, fcmp(op, a, b))
            icmp = self.builder.icmp_signed if ctype.signed else self.builder.icmp_unsigned
            return bool_to_int(self.builder, icmp(op, a, b))
        if isinstance(lt, PointerType) or isinstance(rt, PointerType):
            a = self._as_pointer(lhs, op, lhs, rhs, node)
            b = self._as_pointer(rhs, op, lhs, rhs, node)
            return bool_to_int(self.builder, self.builder.icmp_unsigned(op, a, b))
        raise self._invalid_operands(op, lhs, rhs, node)

    def _as_pointer(self, rv: RValue, op, lhs, rhs, node) -> ir.Value:
        if isinstance(rv.ctype, PointerType):
            return rv.value
        if rv.ctype.is_integer and isinstance(rv.value, ir.Constant) and rv.value.constant == 0:
            return ir.Constant(ir.PointerType(), None)
        raise self._invalid_operands(op, lhs, rhs, node)

    def _logical(self, node: c_ast.BinaryOp) -> RValue:
        lhs = self.scalar(self.rvalue(node.left), node.left)
        left_bit = truth(self.builder, lhs)
        start = self.builder.block
        right_block = self.new_block("logic.rhs")
        merge = self.new_block("logic.end")
        if node.op == "&&":
            self.builder.cbranch(left_bit, right_block, merge)
        else:
            self.builder.cbranch(left_bit, merge, right_block)
        self.builder.position_at_end(right_block)
        right_bit = truth(self.builder, self.scalar(self.rvalue(node.right), node.right))
        right_end = self.builder.block
        self.builder.branch(merge)
        self.builder.position_at_end(merge)
        phi = self.builder.phi(ir.IntType(1))
        phi.add_incoming(ir.Constant(ir.IntType(1), node.op == "||"), start)
        phi.add_incoming(right_bit, right_end)
        return bool_to_int(self.builder, phi)

    def scalar(self, rv: RValue, node: c_ast.Node) -> RValue:
        """Require a scalar (a value that can be tested for truth)."""
        if not rv.ctype.is_scalar and not is_complex(rv.ctype):
            raise self.error(f"used type '{rv.ctype}' where a scalar is required", node)
        return rv

    def _invalid_operands(self, op: str, lhs: RValue, rhs: RValue, node: c_ast.Node):
        return self.error(
            f"invalid operands to binary {op} (have '{lhs.ctype}' and '{rhs.ctype}')", node
        )


__all__ = ["INT", "OperatorLowering"]
