"""GNU's statement expressions, `({ int t = a; t * t; })`, and `typeof` (C23; `__typeof__`).

pycparser parses both: a statement expression is a `Compound` where an expression stands, and
`typeof(x)` a `TypeOf` type specifier. A statement expression runs its block in a scope of its
own; its value is that of the last item when it is an expression statement (an array decays, a
struct is copied), and it is `void` otherwise, as gcc says. Jumps out of it (`break`, `return`,
`goto`) work as from any block. `typeof` takes a type name, or an expression that it types
without evaluating (as `sizeof` does, so its code is dropped); the type keeps its qualifiers and
does not decay (`typeof(a)` of an array is the array type); `typeof_unqual` drops the top-level
qualifiers. `__auto_type x = e;` (which the parser reads as a typedef name, see
`parse.BUILTIN_TYPEDEFS`) declares x with the type of e after lvalue conversion: an array or a
function decays to a pointer and qualifiers go, as `typeof_unqual((0, e))` gives it.
"""

from __future__ import annotations

from pycparser import c_ast

from nsc.frontend.codegen.context import LValue, RValue
from nsc.frontend.ctypes import VOID, CType

_STATEMENTS = (
    c_ast.Decl,
    c_ast.DeclList,
    c_ast.Typedef,
    c_ast.Compound,
    c_ast.If,
    c_ast.For,
    c_ast.While,
    c_ast.DoWhile,
    c_ast.Switch,
    c_ast.Case,
    c_ast.Default,
    c_ast.Label,
    c_ast.Goto,
    c_ast.Break,
    c_ast.Continue,
    c_ast.Return,
    c_ast.EmptyStatement,
    c_ast.Pragma,
    c_ast.StaticAssert,
)


AUTO_TYPE = "__auto_type"


class GnuExpressions:
    """Mixin: statement expressions, `typeof` and `__auto_type`."""

    def infer_auto_type(self, node: c_ast.Decl) -> None:
        """Give a declaration `__auto_type x = e;` the type of e (its `TypeDecl` then holds
        `typeof_unqual((0, e))`; e itself is evaluated once, by the initialization)."""
        typedecl = node.type
        if not (
            isinstance(typedecl, c_ast.TypeDecl)
            and isinstance(typedecl.type, c_ast.IdentifierType)
            and typedecl.type.names == [AUTO_TYPE]
        ):
            return
        init = node.init
        if init is None or isinstance(init, c_ast.InitList):
            raise self.error(f"'{AUTO_TYPE}' needs an initializer expression", node)
        decayed = c_ast.ExprList([c_ast.Constant("int", "0", init.coord), init], init.coord)
        typedecl.type = c_ast.TypeOf("typeof_unqual", decayed, typedecl.type.coord)

    def expr_Compound(self, node: c_ast.Compound) -> RValue:
        """`({ ...; value; })`: the block, then the value of its last expression statement."""
        if getattr(self, "fn", None) is None:
            raise self.error("braced-group within expression allowed only inside a function", node)
        statement = self.statement
        items = list(node.block_items or [])
        last = items.pop() if items and not isinstance(items[-1], _STATEMENTS) else None
        with self.new_scope():
            for item in items:
                self.stmt(item)
            if last is None:
                result = RValue(VOID, None)
            else:
                if self.builder.block.is_terminated:
                    self.builder.position_at_end(self.new_block("dead"))
                result = self.rvalue(last)
        self.statement = statement
        return result

    def typeof_type(self, node: c_ast.TypeOf) -> CType:
        """The type `typeof(...)` or `typeof_unqual(...)` names."""
        operand = node.expr
        if isinstance(operand, c_ast.Typename):
            ctype = self.resolve_typename(operand)
        elif getattr(self, "fn", None) is None:
            ctype = self.static_type(operand)
        else:
            result = self._result_without_code(operand)
            if isinstance(result, LValue) and result.bitfield is not None:
                raise self.error("'typeof' applied to a bit-field", operand)
            ctype = result.ctype
        if node.op == "typeof_unqual":
            ctype = ctype.qualified(False)
        return ctype
