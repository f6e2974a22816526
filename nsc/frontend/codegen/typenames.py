"""Turning pycparser type declarators into C types: specifiers, typedefs, structs, enums."""

from __future__ import annotations

import itertools
from dataclasses import replace

from pycparser import c_ast

from nsc.frontend.bitfields import RecordMember, lay_out
from nsc.frontend.codegen.context import EnumConstant, Typedef
from nsc.frontend.codegen.gnuexpr import AUTO_TYPE
from nsc.frontend.complextypes import complex_specifiers
from nsc.frontend.ctypes import (
    INT,
    UINT,
    VOID,
    ArrayType,
    CType,
    FunctionType,
    IntType,
    PointerType,
    StructType,
    UnionType,
    VoidType,
    from_specifiers,
)
from nsc.frontend.enums import constant_type, enum_type, fits_int, next_value

_struct_ids = itertools.count(1)
_enum_ids = itertools.count(1)


class TypeResolution:
    """Mixin: resolve declarators against the current scope's typedefs and tags."""

    def resolve_type(self, node: c_ast.Node) -> CType:
        """The C type of a declarator (TypeDecl, PtrDecl, ArrayDecl, FuncDecl)."""
        if isinstance(node, c_ast.TypeDecl):
            base = self.resolve_specifier(node.type)
            return base.qualified(base.const or "const" in (node.quals or []))
        if isinstance(node, c_ast.PtrDecl):
            pointee = self.resolve_type(node.type)
            return PointerType(pointee, const="const" in (node.quals or []))
        if isinstance(node, c_ast.ArrayDecl):
            return self._array_type(node)
        if isinstance(node, c_ast.FuncDecl):
            return self.function_type(node)[0]
        raise self.error(f"unsupported declarator {type(node).__name__}", node)

    def resolve_typename(self, node: c_ast.Typename) -> CType:
        return self.resolve_type(node.type)

    def _array_type(self, node: c_ast.ArrayDecl) -> CType:
        elem = self.resolve_type(node.type)
        if isinstance(elem, FunctionType):
            raise self.error("arrays of functions are not allowed", node)
        if not elem.is_complete:
            raise self.error(f"array has incomplete element type '{elem}'", node)
        if node.dim is None:
            return ArrayType(elem, None)
        if not self._is_constant(node.dim):
            return self.variable_array_type(node, elem)  # vmtypes.py
        n = self.const_int(node.dim, "array size")
        if n <= 0:
            raise self.error(f"array size must be positive, got {n}", node.dim)
        return ArrayType(elem, n)

    def _is_constant(self, node: c_ast.Node) -> bool:
        try:
            self.const_eval(node)
        except Exception:  # noqa: BLE001 - any failure means "not a constant" here
            return False
        return True

    def function_type(
        self, node: c_ast.FuncDecl
    ) -> tuple[FunctionType, list[str | None], list[CType], list[c_ast.Node]]:
        """The function type, parameter names, declared (undecayed) types and parameter nodes."""
        ret = self.resolve_type(node.type)
        if isinstance(ret, ArrayType | FunctionType):
            raise self.error(f"function cannot return '{ret}'", node)
        names: list[str | None] = []
        declared: list[CType] = []
        nodes: list[c_ast.Node] = []
        params = node.args.params if node.args is not None else []
        variadic = bool(params) and isinstance(params[-1], c_ast.EllipsisParam)
        for param in params[:-1] if variadic else params:
            if isinstance(param, c_ast.ID):
                raise self.error("old-style (K&R) parameter lists are not supported", param)
            with self.prototype_sizes(names):  # `double a[n][m]`: `m` known when called
                ptype = self.variable_parameter(param, names)
                if ptype is None:
                    ptype = self.resolve_type(param.type)
            if isinstance(ptype, VoidType) and len(params) == 1 and param.name is None:
                break
            if isinstance(ptype, FunctionType):  # a function parameter is a function pointer
                ptype = PointerType(ptype)
            if isinstance(ptype, VoidType):
                raise self.error("parameter has type void", param)
            names.append(param.name)
            declared.append(ptype)
            nodes.append(param)
        decayed = tuple(
            PointerType(t.elem) if isinstance(t, ArrayType) else t.qualified(False)
            for t in declared
        )
        return FunctionType(ret.qualified(False), decayed, variadic), names, declared, nodes

    def resolve_specifier(self, node: c_ast.Node) -> CType:
        if isinstance(node, c_ast.IdentifierType):
            return self._identifier_type(node)
        if isinstance(node, c_ast.TypeOf):
            return self.typeof_type(node)
        if isinstance(node, c_ast.Struct | c_ast.Union | c_ast.Enum):
            defined = self.defined_types.get(id(node))
            if defined is not None and defined[0] is node:  # another declarator of one definition
                return defined[1]
            if isinstance(node, c_ast.Struct | c_ast.Union):
                ctype = self.resolve_struct(node)
                defining = node.decls is not None
            else:
                ctype = self.resolve_enum(node)
                defining = node.values is not None
            if defining:
                self.defined_types[id(node)] = (node, ctype)
            return ctype
        raise self.error(f"unsupported type specifier {type(node).__name__}", node)

    def _identifier_type(self, node: c_ast.IdentifierType) -> CType:
        names = list(node.names)
        if "_Complex" in names:  # complextypes.py
            complex_type = complex_specifiers(names)
            if isinstance(complex_type, str):
                raise self.error(complex_type, node)
            return complex_type
        if len(names) == 1:
            symbol = self.scope.lookup(names[0])
            if isinstance(symbol, Typedef):
                return symbol.ctype
        if AUTO_TYPE in names:  # gnuexpr.py: a declaration of one variable, initialized
            raise self.error(
                f"'{AUTO_TYPE}' declares a variable from its initializer: '{AUTO_TYPE} x = e;'",
                node,
            )
        ctype = from_specifiers(names)
        if ctype is not None:
            return ctype
        spelled = " ".join(names)
        if len(names) == 1:
            raise self.error(f"unknown type name '{spelled}'", node)
        raise self.error(f"invalid type specifier '{spelled}'", node)

    def resolve_struct(self, node: c_ast.Struct | c_ast.Union) -> StructType:
        """A struct or union type (a union is a StructType whose members share offset 0)."""
        kind = "union" if isinstance(node, c_ast.Union) else "struct"
        if node.decls is None:
            if node.name is None:
                raise self.error(f"anonymous {kind} without fields", node)
            known = self.scope.lookup_tag(node.name)
            if known is not None:
                return self._same_kind_tag(known, kind, node)
            return self._declare_tag(node.name, kind)
        existing = self.scope.tags.get(node.name) if node.name else None
        if isinstance(existing, StructType) and not existing.is_complete:
            struct = self._same_kind_tag(existing, kind, node)
        elif existing is not None:
            raise self.error(f"redefinition of '{kind} {node.name}'", node)
        else:
            struct = self._declare_tag(node.name, kind)
        fields: list[tuple[str, CType]] = []
        members: list[RecordMember] = []  # unnamed bit-fields too: they take room
        asserts = [decl for decl in node.decls if isinstance(decl, c_ast.StaticAssert)]
        decls = [decl for decl in node.decls if not isinstance(decl, c_ast.StaticAssert)]
        for position, decl in enumerate(decls, 1):
            if isinstance(decl, c_ast.Decl) and decl.bitsize is not None:
                member = self.bit_field(decl)
                if member.name in _reachable_names(fields):
                    raise self.error(f"duplicate member '{member.name}'", decl)
            else:
                last = position == len(decls)
                member = RecordMember(*self._struct_field(decl, struct, fields, last), None)
            if member.name is not None:
                fields.append((member.name, member.ctype))
            members.append(member)
        if not fields:
            raise self.error(f"{kind}s without fields are not supported", node)
        for check in asserts:  # C11: a member declaration; the record is still incomplete
            self.static_assert(check)
        struct.fields.extend(fields)
        if any(member.width is not None for member in members):
            struct.bit_layout[0] = lay_out(members, isinstance(struct, UnionType))
        struct.complete[0] = True
        return struct

    def _same_kind_tag(self, known: CType, kind: str, node: c_ast.Node) -> CType:
        """A tag used again: `union U` must not name a struct, nor `struct S` a union."""
        if isinstance(known, StructType) and isinstance(known, UnionType) != (kind == "union"):
            raise self.error(f"'{node.name}' defined as wrong kind of tag", node)
        return known

    def _struct_field(
        self,
        decl: c_ast.Node,
        struct: StructType,
        fields: list[tuple[str, CType]],
        last: bool = False,
    ) -> tuple[str, CType]:
        kind = "union" if isinstance(struct, UnionType) else "struct"
        if not isinstance(decl, c_ast.Decl):
            raise self.error(f"unsupported {kind} member", decl)
        if decl.name is None:
            return self._anonymous_member(decl, struct, fields)
        with self.sizes_read(f"a {kind} member cannot have a variably modified type"):
            ftype = self.resolve_type(decl.type)
        if isinstance(ftype, FunctionType):
            raise self.error(f"a {kind} member cannot be a function", decl)
        if isinstance(ftype, ArrayType) and ftype.n is None and ftype.elem.is_complete:
            return decl.name, self._flexible_member(decl, kind, fields, last, ftype.elem)
        if not ftype.is_complete:
            raise self.error(f"field '{decl.name}' has incomplete type '{ftype}'", decl)
        if decl.name in _reachable_names(fields):
            raise self.error(f"duplicate member '{decl.name}'", decl)
        if decl.align:
            self._check_member_alignment(decl, ftype)
        return decl.name, ftype

    def _flexible_member(
        self, decl: c_ast.Decl, kind: str, fields: list, last: bool, elem: CType
    ) -> ArrayType:
        """`double c[];` ending a struct (C99 6.7.2.1p16): an array of no elements here, at
        its element's alignment, so the struct's size and alignment are gcc's. Compiled code
        may declare such structs and use their other members, but not this one: its elements lie
        past the struct, where the bounds checks of an array of no elements would refuse them."""
        if kind == "union":
            raise self.error(f"flexible array member '{decl.name}' in a union", decl)
        if not last:
            raise self.error(f"flexible array member '{decl.name}' not at end of struct", decl)
        if not fields:
            raise self.error(
                f"flexible array member '{decl.name}' in a struct with no named members", decl
            )
        return ArrayType(elem, 0)

    def _anonymous_member(
        self, decl: c_ast.Decl, struct: StructType, fields: list[tuple[str, CType]]
    ) -> tuple[str, CType]:
        """C11's anonymous struct or union member (`union { float f; int i; };` in a struct):
        a field named "" whose members are reached as if they were the enclosing one's."""
        spec = decl.type
        if not isinstance(spec, c_ast.Struct | c_ast.Union):
            raise self.error("a member needs a name", decl)
        if spec.name is not None or spec.decls is None:
            raise self.error(
                "a tagged struct or union member needs a name (anonymous members are untagged)",
                decl,
            )
        ftype = self.resolve_specifier(spec)
        taken = _reachable_names(fields)
        for name in ftype.member_names():
            if name in taken:
                raise self.error(f"duplicate member '{name}'", decl)
        return "", ftype

    def requested_alignment(self, decl: c_ast.Decl, ctype: CType) -> int:
        """The strictest alignment `_Alignas` asks of a declaration (0 if none); asking for
        less than its type's own is an error, as in gcc."""
        wanted = 0
        for spec in decl.align or ():
            if isinstance(spec.alignment, c_ast.Typename):
                value = self.sizeof_operand(spec.alignment, "_Alignas").align
            else:
                value = self.const_int(spec.alignment, "requested alignment")
            if value < 0 or value & (value - 1):
                raise self.error(
                    f"requested alignment {value} is not a positive power of 2", spec.alignment
                )
            wanted = max(wanted, value)
        if wanted and wanted < ctype.align:
            raise self.error(f"'_Alignas' cannot reduce the alignment of '{decl.name}'", decl)
        return wanted

    def _check_member_alignment(self, decl: c_ast.Decl, ftype: CType) -> None:
        """`_Alignas` on a member: its natural alignment (or 0) is all the layout can give."""
        wanted = self.requested_alignment(decl, ftype)
        if wanted > ftype.align:
            raise self.error(
                f"'_Alignas({wanted})' on member '{decl.name}' (alignment {ftype.align}) "
                "is not supported",
                decl,
            )

    def _declare_tag(self, name: str | None, kind: str) -> StructType:
        record = UnionType if kind == "union" else StructType
        struct = record(name, next(_struct_ids))
        if name is not None:
            self.scope.tags[name] = struct
        return struct

    def resolve_enum(self, node: c_ast.Enum) -> CType:
        """An enum's type and constants, as gcc gives them (`nsc.frontend.enums`)."""
        if node.values is None:  # `enum E`: the type its definition gave, if one was seen
            known = self.scope.lookup_tag(node.name) if node.name else None
            return known if isinstance(known, IntType) else INT
        constants: list[EnumConstant] = []
        value: int | None = 0
        ctype: CType = INT  # the type of `value`
        low, high = 0, 0  # the range of the values so far (a 0 in it changes no choice)
        integer = UINT
        for item in node.values.enumerators:
            if item.value is not None:
                ctype, value = self.const_eval(item.value)
                if not isinstance(value, int) or not ctype.is_integer:
                    raise self.error("enumerator value must be an integer constant", item.value)
            elif value is None:
                raise self.error("overflow in enumeration values", item)
            if item.name in self.scope.names:
                raise self.error(f"redefinition of '{item.name}'", item)
            constant = EnumConstant(item.name, value, constant_type(value, ctype))
            self.scope.names[item.name] = constant
            constants.append(constant)
            low, high = min(low, value), max(high, value)
            integer = enum_type(low, high)
            if integer is None:
                raise self.error(
                    f"enumerator value {value} of '{item.name}' puts the enumeration out of "
                    "the range of a 64-bit integer",
                    item,
                )
            ctype, value = constant.ctype, next_value(value, constant.ctype)
        enum = replace(integer, enum_id=next(_enum_ids))
        for constant in constants:
            if not fits_int(constant.value):
                constant.ctype = enum
        if node.name:
            self.scope.tags[node.name] = enum
        return enum


def _reachable_names(fields: list[tuple[str, CType]]) -> set[str]:
    """The member names the fields so far make reachable, through anonymous members too."""
    names = {name for name, _ in fields if name}
    for name, ftype in fields:
        if not name and isinstance(ftype, StructType):
            names.update(ftype.member_names())
    return names


__all__ = ["VOID", "TypeResolution"]
