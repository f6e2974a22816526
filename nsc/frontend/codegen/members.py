"""Members of structs and unions: `s.m`, `p->m`, through anonymous members, of objects and of
values (a member of a struct value that is an array gets a temporary object, C11 6.2.4p8)."""

from __future__ import annotations

from llvmlite import ir
from pycparser import c_ast

from nsc.frontend.codegen.context import LValue, RValue, did_you_mean, opaque
from nsc.frontend.ctypes import ArrayType, PointerType, StructType, UnionType

Result = RValue | LValue
I32 = ir.IntType(32)


class MemberAccess:
    """Mixin: lower member access."""

    def expr_StructRef(self, node: c_ast.StructRef) -> Result:
        if node.type == "->":
            pointer = self.rvalue(node.name)
            if not isinstance(pointer.ctype, PointerType) or not isinstance(
                pointer.ctype.pointee, StructType
            ):
                raise self.error(
                    f"member reference type '{pointer.ctype}' is not a pointer to a struct", node
                )
            base: Result = LValue(pointer.ctype.pointee, pointer.value, region=pointer.region)
            self.check_region(pointer.value, pointer.ctype.pointee, pointer.region)
        else:
            base = self.expr(node.name)
        struct = base.ctype
        if not isinstance(struct, StructType):
            raise self.error(f"member reference base type '{struct}' is not a struct", node)
        if not struct.is_complete:
            raise self.error(f"incomplete type '{struct}' has no members", node)
        member = struct.member(node.field.name)
        if member is None:
            hints = did_you_mean(node.field.name, struct.member_names())
            raise self.error(
                f"no member named '{node.field.name}' in '{struct}'", node.field, hints
            )
        if isinstance(member.ctype, ArrayType) and member.ctype.n == 0:
            raise self.error(
                f"flexible array member '{node.field.name}' cannot be used in compiled code: "
                "nsc knows it as an array of no elements, so its bounds checks would refuse "
                "every element (the struct's other members can be used)",
                node.field,
            )
        result = base
        for index in member.path:  # more than one step through anonymous members
            result = self._field(result, index)
        if isinstance(base, RValue) and not isinstance(result.ctype, ArrayType):
            return self.load(result, node)  # a member of a union value, spilled to be read
        return result

    def _field(self, base: Result, index: int) -> Result:
        """The field at `index` of a struct or union object or value."""
        record = base.ctype
        ftype = record.fields[index][1].qualified(record.fields[index][1].const or record.const)
        if isinstance(base, RValue):
            if not isinstance(record, UnionType) and not record.has_bitfields:
                value = self.builder.extract_value(base.value, index)
                if isinstance(ftype, ArrayType):
                    return self._temporary_array(ftype, value)
                return RValue(ftype.qualified(False), value)
            # a union value's members (and a record's held as words) are views of its bytes:
            # they are read from a copy
            slot = self.alloca(record, "member.tmp")
            self.builder.store(base.value, slot)
            base = LValue(record, slot, temporary=True)
        if record.has_bitfields:
            return self.record_member(base, record, index)
        if isinstance(record, UnionType):
            address = base.address  # every member of a union lies at its start
        else:
            zero = ir.Constant(I32, 0)
            address = opaque(
                self.builder.gep(
                    base.address, [zero, ir.Constant(I32, index)], source_etype=record.llvm
                )
            )
        # an array member is an object of its own (a pointer into `s.v` stays in `v`); any other
        # member lies in the enclosing object, which `&pts[0].x` may stride through
        if isinstance(ftype, ArrayType):
            region = self.object_region(address, ftype)
            return LValue(ftype, address, temporary=base.temporary, region=region)
        return LValue(ftype, address, temporary=base.temporary, region=base.region)

    def _temporary_array(self, ctype: ArrayType, value: ir.Value) -> LValue:
        """An array member of a struct value (`f(x).v`, `(c ? s : t).v`): C11 gives it an
        object that lives to the end of the full expression, so it is stored to a slot of its
        own and indexed (and bounds checked) there; `&` and assignment still refuse it."""
        slot = self.alloca(ctype, "member.tmp")
        self.builder.store(value, slot)
        return LValue(ctype, slot, temporary=True, region=self.object_region(slot, ctype))
