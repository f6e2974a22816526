"""`_Generic` (C11 6.5.1.1): the association whose type matches the controlling expression's.

The controlling expression is typed, never evaluated (in a function, by lowering it into a
scratch block that is then thrown away; at file scope, as sizeof's operand is typed). Its type
after lvalue conversion (arrays and functions decay, top-level qualifiers go) selects the one
association whose type is compatible with it (C99 6.2.7), else `default`; the selection is the
selected expression itself, an lvalue or a constant when that is one. A call through a
selection (`_Generic(x, float: sinf, default: sin)(x)`, how <tgmath.h> is written) calls the
selected function directly, as a call by its name does.

An enumerated type is compatible with its integer type (`nsc.frontend.enums`), two distinct
enums not with each other; a controlling expression that matches two associations so (an
`unsigned int` beside two enums of that type) is an error, as in gcc. `volatile` (and
`restrict`, `_Atomic`) are kept only at an association's top level, where they make it one
that no controlling type matches.
"""

from __future__ import annotations

from pycparser import c_ast

from nsc.frontend.ctypes import (
    ArrayType,
    CType,
    FunctionType,
    IntType,
    PointerType,
    VoidType,
)

# An association's type and its top-level qualifiers other than const (which the type holds).
AssociationType = tuple[CType, frozenset[str]]


class GenericSelections:
    """Mixin: choose and lower `_Generic` selections."""

    def expr_GenericSelection(self, node: c_ast.GenericSelection):
        return self.expr(self.selected(node))

    def _const_GenericSelection(self, node: c_ast.GenericSelection):
        return self.const_eval(self.selected(node))

    def through_generic(self, node: c_ast.Node) -> c_ast.Node:
        """`node`, or the expression it selects through `_Generic` selections (nested in
        <tgmath.h>'s functions of two and three arguments): a callee, an address constant."""
        while isinstance(node, c_ast.GenericSelection):
            node = self.selected(node)
        return node

    def selected(self, node: c_ast.GenericSelection) -> c_ast.Node:
        """The expression a `_Generic` selection chooses, after checking its associations."""
        control = self._controlling_type(node.expr)
        default: c_ast.GenericAssociation | None = None
        chosen: c_ast.GenericAssociation | None = None
        seen: list[tuple[AssociationType, c_ast.GenericAssociation]] = []
        for association in node.associations:
            if association.type is None:
                if default is not None:
                    raise self.error(
                        "duplicate 'default' case in '_Generic'",
                        association,
                        (f"the first 'default' is at {self.location(default)}",),
                    )
                default = association
                continue
            key = self._association_type(association)
            for other, earlier in seen:
                if key[1] == other[1] and compatible(key[0], other[0]):
                    raise self.error(
                        "'_Generic' specifies two compatible types",
                        association,
                        (f"the compatible type is at {self.location(earlier)}",),
                    )
            seen.append((key, association))
            if not key[1] and compatible(key[0], control):
                if chosen is not None:
                    raise self.error(
                        "'_Generic' selector matches multiple associations",
                        association,
                        (f"the other match is at {self.location(chosen)}",),
                    )
                chosen = association
        chosen = chosen or default
        if chosen is None:
            raise self.error(
                f"'_Generic' selector of type '{control}' is not compatible with any association",
                node.expr,
            )
        return chosen.expr

    def _controlling_type(self, expr: c_ast.Node) -> CType:
        """The controlling expression's type after lvalue conversion, found without code."""
        if getattr(self, "fn", None) is None:
            ctype = self.static_type(expr)
        else:
            ctype = self._type_without_code(expr)
        if isinstance(ctype, ArrayType):
            return PointerType(ctype.elem)
        if isinstance(ctype, FunctionType):
            return PointerType(ctype)
        return ctype.qualified(False)

    def _association_type(self, association: c_ast.GenericAssociation) -> AssociationType:
        typename = association.type
        ctype = self.resolve_typename(typename)
        if isinstance(ctype, FunctionType):
            raise self.error("'_Generic' association has function type", association)
        if isinstance(ctype, VoidType) or not ctype.is_complete:
            raise self.error("'_Generic' association has incomplete type", association)
        declarator = typename.type
        quals = declarator.quals if isinstance(declarator, c_ast.TypeDecl | c_ast.PtrDecl) else []
        return ctype, frozenset(quals or ()) - {"const"}


def compatible(a: CType, b: CType) -> bool:
    """Whether two types are compatible (C99 6.2.7), qualifiers included at every level."""
    if isinstance(a, ArrayType) and isinstance(b, ArrayType):
        same_length = a.n is None or b.n is None or a.n == b.n
        return same_length and compatible(a.elem, b.elem)
    if a.const != b.const:
        return False
    if isinstance(a, PointerType) and isinstance(b, PointerType):
        return compatible(a.pointee, b.pointee)
    if isinstance(a, FunctionType) and isinstance(b, FunctionType):
        return (
            a.variadic == b.variadic
            and len(a.params) == len(b.params)
            and compatible(a.ret, b.ret)
            and all(compatible(p, q) for p, q in zip(a.params, b.params, strict=True))
        )
    if isinstance(a, IntType) and isinstance(b, IntType) and None not in (a.enum_id, b.enum_id):
        return a.enum_id == b.enum_id  # two enums: the same one
    return a == b
