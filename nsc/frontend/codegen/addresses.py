"""Address constants: the initializers of pointers with static storage (C99 6.6p9).

`&g`, `tab`, `tab + 2`, `&tab[3]`, `&m[1][2]`, `&s.x`, `(T *)0`, and at file scope a compound
literal (`(int[]){1, 2}`, `&(struct T){...}`: an unnamed global of its own) fold to a global and
a byte offset, with where in an array the address lies. A pointer that nothing in the file changes
keeps the element count it reaches as its `bound`, so the oracle checks `p[i]` through it as it
checks an entry's array parameter. An address outside its array (`tab + 9` for 8 elements,
which gcc accepts and is undefined behavior) is an error here, not a silent wild pointer.
"""

from __future__ import annotations

from dataclasses import dataclass

from llvmlite import ir
from pycparser import c_ast

from nsc.frontend.codegen.context import EnumConstant, FunctionSymbol, Variable, opaque
from nsc.frontend.codegen.conversions import assignment_problem
from nsc.frontend.codegen.strings import is_string
from nsc.frontend.ctypes import (
    CHAR,
    VOID,
    ArrayType,
    CType,
    FunctionType,
    PointerType,
    StructType,
)

_CHANGING_UNARY = ("++", "--", "p++", "p--", "&")


@dataclass(frozen=True)
class Address:
    """`offset` bytes into the global `base` (None: the null pointer), at an object of type
    `ctype` that is element `index` of an array of `count` of them (a lone object is element
    0 of 1); a converted address (`(char *)&g`) knows neither."""

    base: ir.GlobalVariable | ir.FormattedConstant | None  # a global, or a function's address
    offset: int
    ctype: CType
    index: int | None
    count: int | None

    @property
    def reach(self) -> int | None:
        """How many elements of `ctype` the address reaches, when that is known."""
        if self.base is None or self.index is None or self.count is None:
            return None
        return self.count - self.index

    def constant(self) -> ir.Constant:
        if self.base is None:
            return ir.Constant(ir.PointerType(), None)
        if self.offset == 0:
            return self.base
        gep = f"getelementptr inbounds (i8, ptr {self.base.get_reference()}, i64 {self.offset})"
        return ir.FormattedConstant(ir.PointerType(), gep)


NULL = Address(None, 0, VOID, None, None)


class AddressConstants:
    """Mixin: fold address constants and find the bounds of pointers with static storage."""

    stored_names: tuple[set[str], set[str]] | None = None  # see `_changes`; found when needed
    file_literals: dict[int, Address]  # the objects of file-scope compound literals, by node

    def pointer_constant(self, ctype: PointerType, node: c_ast.Node) -> Address:
        """The address a pointer with static storage is initialized with, type-checked."""
        node = self.through_generic(node)  # `_Generic(x, int: "int", default: "other")`
        if self._is_address(node):
            address = self._address_value(node)
        else:
            value = self.const_int(node, "pointer initializer")
            if value != 0:
                raise self.error(
                    f"integer {value} cannot initialize a pointer with static storage "
                    "(only 0, the null pointer, or an address)",
                    node,
                )
            address = NULL
        if address is not NULL:
            problem = assignment_problem(ctype, PointerType(address.ctype), False)
            if problem:
                raise self.error(f"{problem} in initialization", node)
        return address

    def static_bounds(
        self, name: str, ctype: CType, tree: c_ast.Node | dict | None
    ) -> tuple[int | None, int, int | None]:
        """The bound of a pointer with static storage and the elements before it that it may
        also reach (`tab + 2`: 6 and 2), or the common bound of the elements of an array of
        pointers that all point at an array's start, where nothing in the file may change
        what they point at."""
        if tree is None:
            return None, 0, None
        if isinstance(ctype, PointerType) and not isinstance(tree, dict):
            address = self.pointer_constant(ctype, tree)
            if address.ctype == ctype.pointee and address.reach is not None:
                if ctype.const or self._pointers_kept(name, False):
                    return address.reach, address.index, None
        elem = ctype.elem if isinstance(ctype, ArrayType) else None
        if isinstance(elem, PointerType) and isinstance(tree, dict) and tree:
            addresses = [self.pointer_constant(elem, sub) for sub in tree.values()]
            reaches = {
                a.reach if a.ctype == elem.pointee and a.index == 0 else None
                for a in addresses
                if a.base is not None
            }
            if len(reaches) == 1 and None not in reaches:
                if elem.const or self._pointers_kept(name, True):
                    return None, 0, reaches.pop()
        return None, 0, None

    def _pointers_kept(self, name: str, array: bool) -> bool:
        """Whether no code in the file may store to the pointer `name` (or, for an array of
        pointers, to one of its elements). Judged by name alone: a local of the same name that
        is changed costs the global its bound, which is safe."""
        if self.stored_names is None:
            self.stored_names = _changes(self.unit)
        changed, exposed = self.stored_names
        return name not in changed and not (array and name in exposed)

    # --- folding --------------------------------------------------------------------------

    def _is_address(self, node: c_ast.Node) -> bool:
        """Whether an initializer (or an operand of `+`, `-`) is a pointer, not an integer."""
        if isinstance(node, c_ast.UnaryOp) and node.op == "&":
            return True
        if isinstance(node, c_ast.Cast):
            to = self.resolve_typename(node.to_type)
            return isinstance(to, PointerType) or self._is_address(node.expr)
        if isinstance(node, c_ast.BinaryOp):
            return self._is_address(node.left) or self._is_address(node.right)
        if isinstance(node, c_ast.ID) and isinstance(self.scope.lookup(node.name), FunctionSymbol):
            return True
        if is_string(node):
            return True
        if isinstance(node, c_ast.CompoundLiteral):  # `(int[]){1, 2}` decays; a struct's does not
            return isinstance(self.resolve_typename(node.type), ArrayType)
        return isinstance(self.object_type(node), ArrayType | PointerType)

    def _address_value(self, node: c_ast.Node) -> Address:
        """The value of an address expression (arrays decay to their first element)."""
        if isinstance(node, c_ast.UnaryOp) and node.op == "&":
            inner = node.expr
            if isinstance(inner, c_ast.ArrayRef):
                return self._element(inner, one_past=True)
            return self._object(inner)
        if isinstance(node, c_ast.Cast):
            return self._converted(node)
        if isinstance(node, c_ast.BinaryOp):
            if node.op not in ("+", "-"):
                raise self.error(
                    f"operator '{node.op}' on an address is not allowed in an initializer", node
                )
            pointer, offset = node.left, node.right
            if node.op == "+" and not self._is_address(pointer):
                pointer, offset = offset, pointer
            elif self._is_address(offset):
                raise self.error("a difference of addresses is not an address constant", node)
            step = self.const_int(offset, "a pointer offset")
            return self._step(self._address_value(pointer), -step if node.op == "-" else step, node)
        if isinstance(node, c_ast.ID) and isinstance(self.scope.lookup(node.name), FunctionSymbol):
            return self._function_address(node)
        target = self._object(node)
        if not isinstance(target.ctype, ArrayType):
            what = f"the value of '{node.name}'" if isinstance(node, c_ast.ID) else "the value"
            raise self.error(f"{what} is not a compile-time constant", node)
        return _decayed(target)

    def _converted(self, node: c_ast.Cast) -> Address:
        to = self.resolve_typename(node.to_type)
        if not isinstance(to, PointerType):
            raise self.error(f"cannot cast an address to '{to}' in an initializer", node)
        if not self._is_address(node.expr):
            if self.const_int(node.expr, "a pointer cast's operand") != 0:
                raise self.error("only 0 converts to a pointer in an initializer", node.expr)
            return Address(None, 0, to.pointee, None, None)
        address = self._address_value(node.expr)
        if address.base is None or to.pointee == address.ctype:
            return Address(address.base, address.offset, to.pointee, address.index, address.count)
        return Address(address.base, address.offset, to.pointee, None, None)

    def _object(self, node: c_ast.Node) -> Address:
        """Where an object with static storage lies (the operand of `&`, a decaying array)."""
        if isinstance(node, c_ast.ID):
            return self._named_object(node)
        if is_string(node):  # a string literal's unnamed array
            data = self.string_bytes(node)
            return Address(self.string_object(data), 0, ArrayType(CHAR, len(data)), 0, 1)
        if isinstance(node, c_ast.CompoundLiteral):
            return self._literal_object(node)
        if isinstance(node, c_ast.ArrayRef):
            return self._element(node, one_past=False)
        if isinstance(node, c_ast.StructRef):
            return self._member(node)
        if isinstance(node, c_ast.UnaryOp) and node.op == "*":
            pointer = self._address_value(node.expr)
            if pointer.base is None:
                raise self.error("dereferencing a null pointer in an initializer", node)
            if pointer.reach == 0:
                raise self.error("dereferencing an address one past its array", node)
            return pointer
        raise self.error("initializer element is not a compile-time constant", node)

    def _literal_object(self, node: c_ast.CompoundLiteral) -> Address:
        """A compound literal at file scope: an unnamed object with static storage (C99
        6.5.2.5p6), made once however often its initializer is folded."""
        if self.fn is not None:
            raise self.error(
                "the address of a compound literal in a function is not a compile-time constant",
                node,
            )
        made = self.file_literals.get(id(node))
        if made is not None:
            return made
        ctype, tree = self.compound_literal(node)
        name = self.module.get_unique_name(".compoundliteral")
        var = opaque(ir.GlobalVariable(self.module, ctype.llvm, name))
        var.linkage = "internal"
        var.global_constant = ctype.const
        var.initializer = self.const_initializer(ctype, tree)
        made = self.file_literals[id(node)] = Address(var, 0, ctype, 0, 1)
        return made

    def _function_address(self, node: c_ast.ID) -> Address:
        """A function's address (`fp = f`, `&f`, a table of them): no element of an array."""
        designator = self.function_designator(node.name, self.scope.lookup(node.name), node)
        return Address(designator.address, 0, designator.ctype, None, None)

    def _named_object(self, node: c_ast.ID) -> Address:
        symbol = self.scope.lookup(node.name)
        if isinstance(symbol, Variable):
            if not isinstance(symbol.address, ir.GlobalVariable):
                raise self.error(
                    f"the address of '{node.name}', a variable with automatic storage, is not "
                    "a compile-time constant",
                    node,
                )
            return Address(symbol.address, 0, symbol.ctype, 0, 1)
        if isinstance(symbol, FunctionSymbol):
            return self._function_address(node)
        if isinstance(symbol, EnumConstant):
            raise self.error(f"cannot take the address of enumerator '{node.name}'", node)
        if symbol is None:
            raise self.undeclared(node)
        raise self.error(f"unexpected type name '{node.name}'", node)

    def _element(self, node: c_ast.ArrayRef, one_past: bool) -> Address:
        array, subscript = node.name, node.subscript
        if not self._is_address(array):
            array, subscript = subscript, array
        element = self._step(
            self._address_value(array), self.const_int(subscript, "array subscript"), node
        )
        if element.reach == 0 and not one_past:
            raise self.error("array element one past the end in an initializer", node)
        return element

    def _member(self, node: c_ast.StructRef) -> Address:
        if node.type == "->":
            struct = self._object(c_ast.UnaryOp("*", node.name, node.coord))
        else:
            struct = self._object(node.name)
        stype = struct.ctype
        if not isinstance(stype, StructType) or not stype.is_complete:
            raise self.error(f"member reference base type '{stype}' is not a struct", node)
        found = stype.member(node.field.name)
        if found is None:
            raise self.error(f"no member named '{node.field.name}' in '{stype}'", node.field)
        self.refuse_bitfield_address(found.bitfield, node)
        member = found.ctype.qualified(found.ctype.const or stype.const)
        return Address(struct.base, struct.offset + found.offset, member, 0, 1)

    def _step(self, address: Address, step: int, node: c_ast.Node) -> Address:
        """`address + step` elements, inside its array or one past its end (C99 6.5.6p8)."""
        if address.base is None:
            raise self.error("arithmetic on a null pointer is not an address constant", node)
        if isinstance(address.ctype, FunctionType):
            raise self.error("arithmetic on a function's address is not allowed", node)
        if not address.ctype.is_complete:
            raise self.error(f"arithmetic on a pointer to incomplete type '{address.ctype}'", node)
        if address.index is None:
            raise self.error(
                "arithmetic on a converted address is not supported in an initializer", node
            )
        index = address.index + step
        if address.count is None:  # an array of unknown size (`extern double t[];`)
            if index < 0:
                raise self.error(
                    f"address in initializer is before the start of its array (element {index})",
                    node,
                )
            return Address(
                address.base, address.offset + step * address.ctype.size, address.ctype, index, None
            )
        if not 0 <= index <= address.count:
            within = (
                f"array '{ArrayType(address.ctype, address.count)}'"
                if address.count > 1
                else f"object '{address.ctype}'"
            )
            where = "before the start" if index < 0 else "past the end"
            raise self.error(
                f"address in initializer is {where} of {within} (element {index})", node
            )
        offset = address.offset + step * address.ctype.size
        return Address(address.base, offset, address.ctype, index, address.count)


def _decayed(array: Address) -> Address:
    ctype = array.ctype
    assert isinstance(ctype, ArrayType)
    return Address(array.base, array.offset, ctype.elem, 0, ctype.n)


def _changes(unit: c_ast.Node | None) -> tuple[set[str], set[str]]:
    """Names stored to (assigned, incremented, address taken), and names used other than read
    through a subscript: an array of pointers used so may have an element stored to (`r[i] = q`,
    `*r = q`) or escape where it decays (`g(r)`)."""
    changed: set[str] = set()
    exposed: set[str] = set()
    stack: list[tuple[c_ast.Node, c_ast.Node | None]] = [(unit, None)] if unit else []
    while stack:
        node, parent = stack.pop()
        if isinstance(node, c_ast.ID):
            if _stores_to(parent, node):
                changed.add(node.name)
            elif not (isinstance(parent, c_ast.ArrayRef) and parent.name is node):
                exposed.add(node.name)
        elif isinstance(node, c_ast.ArrayRef) and isinstance(node.name, c_ast.ID):
            if _stores_to(parent, node):
                exposed.add(node.name.name)
        stack.extend((child, node) for child in node)  # a node iterates over its children
    return changed, exposed


def _stores_to(parent: c_ast.Node | None, node: c_ast.Node) -> bool:
    if isinstance(parent, c_ast.Assignment):
        return parent.lvalue is node
    return isinstance(parent, c_ast.UnaryOp) and parent.op in _CHANGING_UNARY
