"""Bit-fields in code: their declarations, reads, writes and the operands C refuses.

A bit-field is an `LValue` whose `address` is its storage unit's (the unit of its declared type
that holds it) and whose `bitfield` says where in the unit it lies. A read loads the unit,
shifts the field to the bottom and sign- or zero-extends it; a write loads the unit, replaces
the field's bits and stores the unit back (the other bits of the unit are other members, or
padding, and keep their values). The value of an assignment is the one stored, truncated to
the width, as gcc gives it. Records with bit-fields are words in LLVM (see `StructType`), so
every member of one is reached by its byte offset.
"""

from __future__ import annotations

from llvmlite import ir
from pycparser import c_ast

from nsc.frontend.bitfields import BitField, RecordMember
from nsc.frontend.codegen.context import LValue, RValue, opaque
from nsc.frontend.codegen.conversions import cast
from nsc.frontend.ctypes import (
    LLONG,
    ULLONG,
    ArrayType,
    BoolType,
    IntType,
    PointerType,
    StructType,
)

I8, I64 = ir.IntType(8), ir.IntType(64)


class BitFieldAccess:
    """Mixin: declare bit-fields, and read and write them."""

    def bit_field(self, decl: c_ast.Decl) -> RecordMember:
        """A bit-field's declaration, checked as gcc checks it (errors at the member's name;
        an unnamed one's at its width)."""
        name = decl.name
        what = f"'{name or '<anonymous>'}'"  # gcc's name for an unnamed one
        at = decl if name else decl.bitsize
        declared = self.resolve_type(decl.type)
        if not isinstance(declared, IntType | BoolType):
            raise self.error(f"bit-field {what} has invalid type '{declared}'", at)
        if isinstance(declared, IntType) and declared.bits > 64:
            raise self.error(f"bit-field {what} of type '{declared}' is not supported", at)
        if decl.align:
            raise self.error(f"alignment specified for bit-field {what}", at)
        width_type, width = (
            self.const_eval(decl.bitsize) if self._is_constant(decl.bitsize) else (None, 0)
        )
        if not isinstance(width_type, IntType | BoolType):
            raise self.error(f"bit-field {what} width not an integer constant", decl.bitsize)
        if width < 0:
            raise self.error(f"negative width in bit-field {what}", at)
        if width == 0 and name:
            raise self.error(f"zero width for bit-field {what}", at)
        bits = 1 if isinstance(declared, BoolType) else declared.bits
        if width > bits:
            raise self.error(f"width of {what} exceeds its type ('{declared}', {bits} bits)", at)
        return RecordMember(name, declared, width)

    def record_member(self, base: LValue, record: StructType, index: int) -> LValue:
        """Field `index` of a record with bit-fields: at its byte offset from the record."""
        declared = record.fields[index][1]
        const = declared.const or record.const
        offset = record.field_offset(index)
        address = base.address
        if offset:
            step = [ir.Constant(I64, offset)]
            address = opaque(self.builder.gep(address, step, source_etype=I8))
        bitfield = record.bitfield(index)
        if bitfield is not None:
            ctype = bitfield.value_type.qualified(const)
            return LValue(
                ctype, address, temporary=base.temporary, region=base.region, bitfield=bitfield
            )
        ftype = declared.qualified(const)
        # an array member is an object of its own, as in any struct
        region = self.object_region(address, ftype) if isinstance(ftype, ArrayType) else base.region
        return LValue(ftype, address, temporary=base.temporary, region=region)

    def load_bitfield(self, target: LValue) -> RValue:
        """The value of a bit-field: its bits, extended to its value's type."""
        field = target.bitfield
        unit = self.builder.load(target.address, typ=ir.IntType(8 * field.unit))
        return RValue(target.ctype.qualified(False), self._extend(unit, field.shift, field))

    def store_bitfield(self, target: LValue, rv: RValue) -> RValue:
        """Write a value of the bit-field's type into its bits; the value it then holds."""
        field = target.bitfield
        unit_type = ir.IntType(8 * field.unit)
        value = self._resize(rv.value, unit_type, signed=False)
        if field.width == unit_type.width:  # the whole unit: nothing else to keep
            self.builder.store(value, target.address)
            return rv
        mask = ((1 << field.width) - 1) << field.shift
        old = self.builder.load(target.address, typ=unit_type)
        kept = self.builder.and_(old, ir.Constant(unit_type, ~mask & ((1 << unit_type.width) - 1)))
        placed = self.builder.shl(value, ir.Constant(unit_type, field.shift))
        placed = self.builder.and_(placed, ir.Constant(unit_type, mask))
        self.builder.store(self.builder.or_(kept, placed), target.address)
        return RValue(rv.ctype, self._extend(value, 0, field))

    def _extend(self, unit: ir.Value, shift: int, field: BitField) -> ir.Value:
        """The `field.width` bits at `shift` in `unit`, sign- or zero-extended to the type of
        the field's value."""
        bits, width = unit.type.width, field.width
        value = unit
        if width < bits and field.signed:  # to the top, then back down with the sign
            if bits - width - shift:
                value = self.builder.shl(value, ir.Constant(unit.type, bits - width - shift))
            value = self.builder.ashr(value, ir.Constant(unit.type, bits - width))
        elif width < bits:
            if shift:
                value = self.builder.lshr(value, ir.Constant(unit.type, shift))
            value = self.builder.and_(value, ir.Constant(unit.type, (1 << width) - 1))
        return self._resize(value, field.value_type.llvm, field.signed)

    def _resize(self, value: ir.Value, to: ir.IntType, signed: bool) -> ir.Value:
        if value.type.width == to.width:
            return value
        if value.type.width > to.width:
            return self.builder.trunc(value, to)
        return self.builder.sext(value, to) if signed else self.builder.zext(value, to)

    def shift_odd_width(
        self, op: str, lhs: RValue, rhs: RValue, ltype: IntType, node: c_ast.Node
    ) -> RValue:
        """`<<` or `>>` of a wide bit-field's value (`unsigned long long:40`): in 64 bits, the
        count masked as x86 does, then back to the field's width, as gcc computes it (a count
        masked to the odd width would be wrong, and one past it poison)."""
        wide = LLONG if ltype.signed else ULLONG
        shifted = self.binary(op, cast(self.builder, lhs, wide), rhs, node)
        return cast(self.builder, shifted, ltype)

    # --- operands that must be objects --------------------------------------------------

    def refuse_bitfield_operand(self, node: c_ast.Node, op: str) -> None:
        """sizeof and _Alignof do not apply to a bit-field (C11 6.5.3.4p1), as gcc says; at
        file scope, where the operand is typed from the objects it names (in a function,
        `sizeof_operand` sees the bit-field in what the operand lowers to)."""
        if not isinstance(node, c_ast.StructRef):
            return
        record = self.object_type(node.name)
        if node.type == "->" and isinstance(record, PointerType | ArrayType):
            record = record.pointee if isinstance(record, PointerType) else record.elem
        if not isinstance(record, StructType) or not record.is_complete:
            return
        member = record.member(node.field.name)
        if member is not None and member.bitfield is not None:
            raise self.error(f"'{op}' applied to a bit-field", node)

    def refuse_bitfield_address(self, bitfield: BitField | None, node: c_ast.Node) -> None:
        """`&s.a`: a bit-field has no address."""
        if bitfield is not None:
            raise self.error(f"cannot take address of bit-field '{bitfield.name}'", node)
