"""Turning pycparser type declarators into C types: specifiers, typedefs, structs, enums."""

from __future__ import annotations

import itertools

from pycparser import c_ast

from nsc.frontend.codegen.context import EnumConstant, Typedef
from nsc.frontend.ctypes import (
    VOID,
    ArrayType,
    CType,
    FunctionType,
    PointerType,
    StructType,
    VoidType,
    from_specifiers,
)

_struct_ids = itertools.count(1)

_UNSUPPORTED_SPECIFIERS = {
    "_Complex": "complex types are not supported",
    "__int128": "__int128 is not supported",
}


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
            raise self.error(
                "variable-length array not supported here: only a local array or a parameter "
                "may have a variable length, in its outermost dimension",
                node.dim,
            )
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
        if isinstance(node, c_ast.Struct | c_ast.Enum):
            defined = self.defined_types.get(id(node))
            if defined is not None and defined[0] is node:  # another declarator of one definition
                return defined[1]
            if isinstance(node, c_ast.Struct):
                ctype = self.resolve_struct(node)
                defining = node.decls is not None
            else:
                ctype = self.resolve_enum(node)
                defining = node.values is not None
            if defining:
                self.defined_types[id(node)] = (node, ctype)
            return ctype
        if isinstance(node, c_ast.Union):
            raise self.error("unions are not supported", node)
        raise self.error(f"unsupported type specifier {type(node).__name__}", node)

    def _identifier_type(self, node: c_ast.IdentifierType) -> CType:
        names = list(node.names)
        for name in names:
            if name in _UNSUPPORTED_SPECIFIERS:
                raise self.error(_UNSUPPORTED_SPECIFIERS[name], node)
        if len(names) == 1:
            symbol = self.scope.lookup(names[0])
            if isinstance(symbol, Typedef):
                return symbol.ctype
        ctype = from_specifiers(names)
        if ctype is not None:
            return ctype
        spelled = " ".join(names)
        if "double" in names and "long" in names:
            raise self.error("long double is not supported", node)
        if len(names) == 1:
            raise self.error(f"unknown type name '{spelled}'", node)
        raise self.error(f"invalid type specifier '{spelled}'", node)

    def resolve_struct(self, node: c_ast.Struct) -> StructType:
        if node.decls is None:
            if node.name is None:
                raise self.error("anonymous struct without fields", node)
            known = self.scope.lookup_tag(node.name)
            if known is not None:
                return known
            return self._declare_tag(node.name)
        existing = self.scope.tags.get(node.name) if node.name else None
        if isinstance(existing, StructType) and not existing.is_complete:
            struct = existing
        elif existing is not None:
            raise self.error(f"redefinition of 'struct {node.name}'", node)
        else:
            struct = self._declare_tag(node.name)
        fields: list[tuple[str, CType]] = []
        for decl in node.decls:
            fields.append(self._struct_field(decl, struct, fields))
        if not fields:
            raise self.error("structs without fields are not supported", node)
        struct.fields.extend(fields)
        struct.complete[0] = True
        return struct

    def _struct_field(
        self, decl: c_ast.Node, struct: StructType, fields: list[tuple[str, CType]]
    ) -> tuple[str, CType]:
        if not isinstance(decl, c_ast.Decl) or decl.name is None:
            raise self.error("anonymous struct members are not supported", decl)
        if decl.bitsize is not None:
            raise self.error("bit-fields are not supported", decl)
        ftype = self.resolve_type(decl.type)
        if isinstance(ftype, FunctionType):
            raise self.error("a struct member cannot be a function", decl)
        if not ftype.is_complete:
            what = "flexible array members are" if isinstance(ftype, ArrayType) else None
            message = (
                f"{what} not supported"
                if what
                else f"field '{decl.name}' has incomplete type '{ftype}'"
            )
            raise self.error(message, decl)
        if any(name == decl.name for name, _ in fields):
            raise self.error(f"duplicate member '{decl.name}'", decl)
        if decl.align:
            self._check_member_alignment(decl, ftype)
        return decl.name, ftype

    def _check_member_alignment(self, decl: c_ast.Decl, ftype: CType) -> None:
        """`_Alignas` on a member: its natural alignment (or 0) is all the layout can give."""
        wanted = 0
        for spec in decl.align:
            if isinstance(spec.alignment, c_ast.Typename):
                value = self.sizeof_operand(spec.alignment, "_Alignas").align
            else:
                value = self.const_int(spec.alignment, "requested alignment")
            if value < 0 or value & (value - 1):
                raise self.error(
                    f"requested alignment {value} is not a positive power of 2", spec.alignment
                )
            wanted = max(wanted, value)
        if wanted and wanted < ftype.align:
            raise self.error(f"'_Alignas' cannot reduce the alignment of '{decl.name}'", decl)
        if wanted > ftype.align:
            raise self.error(
                f"'_Alignas({wanted})' on member '{decl.name}' (alignment {ftype.align}) "
                "is not supported",
                decl,
            )

    def _declare_tag(self, name: str | None) -> StructType:
        struct = StructType(name, next(_struct_ids))
        if name is not None:
            self.scope.tags[name] = struct
        return struct

    def resolve_enum(self, node: c_ast.Enum) -> CType:
        from nsc.frontend.ctypes import INT

        if node.values is None:
            return INT
        value = 0
        for item in node.values.enumerators:
            if item.value is not None:
                value = self.const_int(item.value, "enumerator value")
            if not INT.min <= value <= INT.max:  # gcc would give the enum a wider type
                raise self.error(
                    f"enumerator value {value} of '{item.name}' is outside the range of 'int'",
                    item,
                )
            if item.name in self.scope.names:
                raise self.error(f"redefinition of '{item.name}'", item)
            self.scope.names[item.name] = EnumConstant(item.name, value)
            value += 1
        if node.name:
            self.scope.tags[node.name] = INT
        return INT


__all__ = ["VOID", "TypeResolution"]
