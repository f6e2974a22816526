"""Initializers: brace lists with elision and zero fill, as constants (globals) or stores (locals)."""

from __future__ import annotations

from llvmlite import ir
from pycparser import c_ast

from nsc.frontend.codegen.constants import convert_constant
from nsc.frontend.codegen.context import LValue, opaque
from nsc.frontend.ctypes import ArrayType, CType, PointerType, StructType

# An initializer tree: a scalar's expression node, or the given sub-objects of an aggregate.
InitTree = c_ast.Node | dict[int, "InitTree"]

I8, I32, I64 = ir.IntType(8), ir.IntType(32), ir.IntType(64)


def _members(ctype: CType) -> tuple[int | None, list[CType]]:
    if isinstance(ctype, ArrayType):
        return ctype.n, [ctype.elem]
    assert isinstance(ctype, StructType)
    return len(ctype.fields), [t for _, t in ctype.fields]


class InitializerLowering:
    """Mixin: shape initializers to their types and lower them."""

    def init_tree(self, ctype: CType, init: c_ast.Node) -> InitTree:
        """Match an initializer to a type: nested braces, brace elision, excess-element errors."""
        if not isinstance(init, c_ast.InitList):
            if isinstance(ctype, ArrayType):
                raise self.error(f"array '{ctype}' must be initialized with a brace list", init)
            return init
        if not isinstance(ctype, ArrayType | StructType):
            if len(init.exprs) != 1:
                raise self.error(f"a scalar of type '{ctype}' needs exactly one initializer", init)
            return self.init_tree(ctype, init.exprs[0])
        tree, used = self._fill(ctype, init.exprs, 0, init)
        if used < len(init.exprs):
            raise self.error("excess elements in initializer", init.exprs[used])
        return tree

    def _fill(self, ctype: CType, items: list, pos: int, where: c_ast.Node) -> tuple[dict, int]:
        count, types = _members(ctype)
        tree: dict[int, InitTree] = {}
        index = 0
        while pos < len(items) and (count is None or index < count):
            item = items[pos]
            if isinstance(item, c_ast.NamedInitializer):
                where = item if item.coord else (item.name or [item.expr])[0]
                raise self.error("designated initializers are not supported", where)
            sub = types[0] if len(types) == 1 and isinstance(ctype, ArrayType) else types[index]
            if isinstance(item, c_ast.InitList):
                tree[index] = self.init_tree(sub, item)
                pos += 1
            elif isinstance(sub, ArrayType | StructType) and not self._is_struct_value(sub, item):
                tree[index], pos = self._fill(sub, items, pos, item)
            else:
                tree[index] = item
                pos += 1
            index += 1
        return tree, pos

    def _is_struct_value(self, sub: CType, item: c_ast.Node) -> bool:
        """Whether a non-brace item initializes a whole struct (`struct P q[2] = {p, p}`)."""
        if not isinstance(sub, StructType) or getattr(self, "fn", None) is None:
            return False
        try:
            return self._type_without_code(item) == sub
        except Exception:  # noqa: BLE001 - errors are reported when the item is lowered
            return False

    @staticmethod
    def array_length(tree: InitTree) -> int:
        """The element count an initializer gives an array of unknown size."""
        return max(tree) + 1 if isinstance(tree, dict) and tree else 0

    # --- globals: constants ---------------------------------------------------------------

    def const_initializer(self, ctype: CType, tree: InitTree | None) -> ir.Constant:
        if tree is None:
            return ir.Constant(ctype.llvm, None)
        if isinstance(tree, dict):
            count, types = _members(ctype)
            items = [
                self.const_initializer(
                    types[0] if isinstance(ctype, ArrayType) else types[i], tree.get(i)
                )
                for i in range(count or 0)
            ]
            return ir.Constant(ctype.llvm, items)
        if isinstance(ctype, PointerType):
            value = self.const_int(tree, "pointer initializer")
            if value != 0:
                raise self.error("only a null pointer may initialize a global pointer", tree)
            return ir.Constant(ctype.llvm, None)
        if not ctype.is_arithmetic:
            raise self.error(
                f"initializer element of type '{ctype}' is not a compile-time constant", tree
            )
        _, value = self.const_eval(tree)
        return ir.Constant(ctype.llvm, convert_constant(value, ctype))

    # --- locals: stores -------------------------------------------------------------------

    def store_initializer(self, target: LValue, tree: InitTree) -> None:
        if not isinstance(tree, dict):
            value = self.rvalue(tree)
            value = self.convert_for_assignment(value, target.ctype, tree, "initialization")
            self.store(target, value)
            return
        self._zero_fill(target)
        self._store_members(target, tree)

    def _store_members(self, target: LValue, tree: dict) -> None:
        ctype = target.ctype
        for index, sub in sorted(tree.items()):
            if isinstance(ctype, ArrayType):
                indices = [ir.Constant(I64, 0), ir.Constant(I64, index)]
                member_type = ctype.elem
            else:
                indices = [ir.Constant(I32, 0), ir.Constant(I32, index)]
                member_type = ctype.fields[index][1]
            address = opaque(self.builder.gep(target.address, indices, source_etype=ctype.llvm))
            member = LValue(member_type, address)
            if isinstance(sub, dict):
                self._store_members(member, sub)
            else:
                self.store_initializer(member, sub)

    def _zero_fill(self, target: LValue) -> None:
        memset = self.module.globals.get("llvm.memset.p0.i64")
        if memset is None:
            fnty = ir.FunctionType(ir.VoidType(), [ir.PointerType(), I8, I64, ir.IntType(1)])
            memset = ir.Function(self.module, fnty, "llvm.memset.p0.i64")
        size = ir.Constant(I64, target.ctype.size)
        self.builder.call(
            memset, [target.address, ir.Constant(I8, 0), size, ir.Constant(ir.IntType(1), 0)]
        )
