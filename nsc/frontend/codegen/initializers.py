"""Initializers: brace lists with elision and zero fill, as constants (globals) or stores (locals)."""

from __future__ import annotations

from dataclasses import dataclass

from llvmlite import ir
from pycparser import c_ast

from nsc.frontend.caseranges import CaseRange
from nsc.frontend.codegen.constants import convert_constant
from nsc.frontend.codegen.context import LValue, RValue, did_you_mean, opaque
from nsc.frontend.codegen.strings import StringInit, is_character_array, is_string
from nsc.frontend.codegen.unions import record_constant, union_constant
from nsc.frontend.complextypes import is_complex
from nsc.frontend.ctypes import ArrayType, CType, PointerType, StructType, UnionType


@dataclass(eq=False)
class SharedInit:
    """A scalar's initializer that a GNU range (`[0 ... 7] = f(x)`) gives several elements:
    evaluated once, as gcc does, where a local's elements are stored."""

    node: c_ast.Node
    value: RValue | None = None


# An initializer tree: a scalar's expression node (or one shared by a range), a character
# array's string literal, or the given sub-objects of an aggregate.
InitTree = c_ast.Node | SharedInit | StringInit | dict[int, "InitTree"]


def _shared(tree: InitTree) -> InitTree:
    """The tree with every scalar initializer shared (once evaluated, for every copy)."""
    if isinstance(tree, dict):
        return {index: _shared(sub) for index, sub in tree.items()}
    return tree if isinstance(tree, SharedInit | StringInit) else SharedInit(tree)


def _copy(tree: InitTree) -> InitTree:
    """A copy of the tree's aggregates (a later designator may change one copy), its leaves
    shared."""
    return {index: _copy(sub) for index, sub in tree.items()} if isinstance(tree, dict) else tree


I8, I32, I64 = ir.IntType(8), ir.IntType(32), ir.IntType(64)


def _members(ctype: CType) -> tuple[int | None, list[CType]]:
    if isinstance(ctype, ArrayType):
        return ctype.n, [ctype.elem]
    assert isinstance(ctype, StructType)
    return len(ctype.fields), [t for _, t in ctype.fields]


def _stored_type(record: StructType, index: int) -> CType:
    """The type a member's initializer is converted to: a bit-field's value's (then truncated
    to its width where it is placed)."""
    bitfield = record.bitfield(index)
    return record.fields[index][1] if bitfield is None else bitfield.value_type


class InitializerLowering:
    """Mixin: shape initializers to their types and lower them."""

    def init_tree(self, ctype: CType, init: c_ast.Node) -> InitTree:
        """Match an initializer to a type: nested braces, brace elision, excess-element errors."""
        string = self.string_initializer(ctype, init)
        if string is not None:
            return string
        if not isinstance(init, c_ast.InitList):
            if isinstance(ctype, ArrayType):
                raise self.error(f"array '{ctype}' must be initialized with a brace list", init)
            return init
        if not isinstance(ctype, ArrayType | StructType):
            if len(init.exprs) != 1:
                raise self.error(f"a scalar of type '{ctype}' needs exactly one initializer", init)
            return self.init_tree(ctype, init.exprs[0])
        tree, used = self._fill(ctype, list(init.exprs), 0, braced=True)
        if used < len(init.exprs):
            raise self.error("excess elements in initializer", init.exprs[used])
        return tree

    def _fill(
        self, ctype: CType, items: list, pos: int, *, braced: bool, tree: dict | None = None
    ) -> tuple[dict, int]:
        """Initialize the members of `ctype` from `items[pos:]`, in order or where designators
        say (C99 6.7.9): a brace list (`braced`) takes every designator in it; a member filled
        by brace elision takes only a designator that leads into it, at its first item."""
        count, types = _members(ctype)
        tree = {} if tree is None else tree
        index, first = 0, True
        while pos < len(items):
            item, last = items[pos], None
            if isinstance(item, c_ast.NamedInitializer):
                if not (braced or first):
                    break  # the designator belongs to the enclosing brace list
                index, last, items[pos] = self._designated(ctype, item)
                item = items[pos]
                if isinstance(ctype, UnionType) and index not in tree:
                    tree.clear()  # a union holds the member named last
            elif count is not None and index >= count:
                break
            elif isinstance(ctype, UnionType) and not first:
                break  # a union takes one initializer, for its first member or a named one
            first = False
            sub = types[0] if isinstance(ctype, ArrayType) else types[index]
            if isinstance(item, c_ast.InitList):
                tree[index] = self.init_tree(sub, item)
                pos += 1
            elif is_string(item) and is_character_array(sub):  # `{"ab", "cd"}`: a row each
                tree[index] = self.init_tree(sub, item)
                pos += 1
            elif isinstance(sub, ArrayType | StructType) and (
                isinstance(item, c_ast.NamedInitializer) or not self._is_struct_value(sub, item)
            ):
                inner = tree.get(index)
                inner = inner if isinstance(inner, dict) else None
                tree[index], pos = self._fill(sub, items, pos, braced=False, tree=inner)
            elif isinstance(item, c_ast.NamedInitializer):
                raise self.error(f"designator used for non-aggregate type '{sub}'", item.name[0])
            else:
                tree[index] = item
                pos += 1
            if last is not None:  # `[LO ... HI] = value`: the same value in each element
                tree[index] = _shared(tree[index])
                for k in range(index + 1, last + 1):
                    tree[k] = _copy(tree[index])
                index = last
            index += 1
        return tree, pos

    def _designated(
        self, ctype: CType, item: c_ast.NamedInitializer
    ) -> tuple[int, int | None, c_ast.Node]:
        """The member index the first designator of `item` names (the last index too, for a
        GNU range `[LO ... HI]`), and what is left of `item` for that member: the rest of the
        designators, or the initializer itself."""
        designator, rest = item.name[0], item.name[1:]
        last = None
        if isinstance(ctype, ArrayType):
            if not isinstance(designator, c_ast.ArrayDesignator):
                raise self.error(f"field designator used for array type '{ctype}'", designator)
            bounds = designator.expr
            bounds = (bounds.lo, bounds.hi) if isinstance(bounds, CaseRange) else (bounds,)
            indices = [self.const_int(bound, "array designator") for bound in bounds]
            for index, bound in zip(indices, bounds, strict=True):
                if index < 0 or (ctype.n is not None and index >= ctype.n):
                    raise self.error(
                        f"array designator index {index} is outside array '{ctype}'", bound
                    )
            index = indices[0]
            if len(indices) == 2:
                last = indices[1]
                if last < index:
                    raise self.error("empty index range in initializer", designator.expr)
        else:
            if not isinstance(designator, c_ast.ID):
                raise self.error(f"array designator used for type '{ctype}'", designator)
            member = ctype.member(designator.name)
            if member is None:
                hints = did_you_mean(designator.name, ctype.member_names())
                raise self.error(
                    f"no member named '{designator.name}' in '{ctype}'", designator, hints
                )
            index = member.path[0]
            if len(member.path) > 1:  # in an anonymous member, which takes the designator
                rest = item.name
        remaining = c_ast.NamedInitializer(rest, item.expr, item.coord) if rest else item.expr
        return index, last, remaining

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
        if isinstance(tree, StringInit):
            return len(tree.data)
        return max(tree) + 1 if isinstance(tree, dict) and tree else 0

    # --- globals: constants ---------------------------------------------------------------

    def const_initializer(self, ctype: CType, tree: InitTree | None) -> ir.Constant:
        if tree is None:
            return ir.Constant(ctype.llvm, None)
        if isinstance(tree, SharedInit):
            tree = tree.node
        if isinstance(tree, StringInit):
            return self.string_constant(ctype, tree)
        if isinstance(tree, dict) and isinstance(ctype, StructType) and ctype.has_bitfields:
            values = {
                index: self.const_initializer(_stored_type(ctype, index), sub)
                for index, sub in tree.items()
            }
            return record_constant(ctype, values)
        if isinstance(tree, dict) and isinstance(ctype, UnionType):
            if not tree:
                return ir.Constant(ctype.llvm, None)
            ((index, sub),) = tree.items()
            member_type = ctype.fields[index][1]
            return union_constant(ctype, member_type, self.const_initializer(member_type, sub))
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
            return self.pointer_constant(ctype, tree).constant()
        if is_complex(ctype):  # complex.py
            return self.complex_constant(ctype, tree)
        if not ctype.is_arithmetic:
            raise self.error(
                f"initializer element of type '{ctype}' is not a compile-time constant", tree
            )
        _, value = self.const_eval(tree)
        return ir.Constant(ctype.llvm, convert_constant(value, ctype))

    # --- locals: stores -------------------------------------------------------------------

    def store_initializer(self, target: LValue, tree: InitTree) -> None:
        if isinstance(tree, StringInit):
            self.store_string(target, tree, zeroed=False)
            return
        if isinstance(tree, SharedInit):
            if tree.value is None:
                tree.value = self.rvalue(tree.node)
            value, tree = tree.value, tree.node
        elif not isinstance(tree, dict):
            value = self.rvalue(tree)
        if not isinstance(tree, dict):
            value = self.convert_for_assignment(value, target.ctype, tree, "initialization")
            self.store(target, value)
            return
        self._zero_fill(target)
        self._store_members(target, tree)

    def _store_members(self, target: LValue, tree: dict) -> None:
        ctype = target.ctype
        for index, sub in sorted(tree.items()):
            if isinstance(ctype, StructType) and ctype.has_bitfields:
                member = self.record_member(target, ctype, index)
            elif isinstance(ctype, UnionType):  # the member lies at the union's start
                member = LValue(ctype.fields[index][1], target.address)
            else:
                member = self._member_object(target, index)
            if isinstance(sub, dict):
                self._store_members(member, sub)
            elif isinstance(sub, StringInit):
                self.store_string(member, sub, zeroed=True)
            else:
                self.store_initializer(member, sub)

    def _member_object(self, target: LValue, index: int) -> LValue:
        """Element or field `index` of an array or struct object."""
        ctype = target.ctype
        if isinstance(ctype, ArrayType):
            indices = [ir.Constant(I64, 0), ir.Constant(I64, index)]
            member_type = ctype.elem
        else:
            indices = [ir.Constant(I32, 0), ir.Constant(I32, index)]
            member_type = ctype.fields[index][1]
        address = opaque(self.builder.gep(target.address, indices, source_etype=ctype.llvm))
        return LValue(member_type, address)

    def _zero_fill(self, target: LValue) -> None:
        memset = self.module.globals.get("llvm.memset.p0.i64")
        if memset is None:
            fnty = ir.FunctionType(ir.VoidType(), [ir.PointerType(), I8, I64, ir.IntType(1)])
            memset = ir.Function(self.module, fnty, "llvm.memset.p0.i64")
        size = ir.Constant(I64, target.ctype.size)
        self.builder.call(
            memset, [target.address, ir.Constant(I8, 0), size, ir.Constant(ir.IntType(1), 0)]
        )
