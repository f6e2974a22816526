"""GNU ranges, `case LO ... HI:` and `[LO ... HI] = value` in an initializer, read by
pycparser's own parser.

pycparser parses C99, where a case label and an array designator hold one constant expression,
so `case 1 ... 5:` was a syntax error before `...`. The lexer already reads `...` as one token
(it ends a variadic parameter list), so the parser is taught the two places: in a case label or
an array designator, a constant expression followed by `...` and a second one is a `CaseRange`
node, which the `Case` or the `ArrayDesignator` holds as its `expr`. Everything else is
pycparser's, so every coordinate is the one it gives, and `...` anywhere else (a variadic
prototype, or a stray one) parses, or fails, as before.
"""

from __future__ import annotations

from pycparser import c_ast


class CaseRange(c_ast.Node):
    """`LO ... HI` in a case label or an array designator: the values from LO to HI, both
    included."""

    __slots__ = ("lo", "hi", "coord", "__weakref__")
    attr_names = ()

    def __init__(self, lo: c_ast.Node, hi: c_ast.Node, coord=None):
        self.lo = lo
        self.hi = hi
        self.coord = coord

    def children(self):
        return (("lo", self.lo), ("hi", self.hi))

    def __iter__(self):
        yield self.lo
        yield self.hi


class CaseRangeParsing:
    """Mixin for pycparser 3's CParser: a case label or an array designator may be a range
    (GNU C).

    `_parse_labeled_statement` notes that a case label begins; the first constant expression
    parsed after that is the label's, and only there may `...` follow. Expressions nested in
    LO (a statement expression with case labels of its own, say) find the note already taken.
    """

    _case_label = False

    def _parse_labeled_statement(self) -> c_ast.Node:
        self._case_label = self._peek_type() == "CASE"
        return super()._parse_labeled_statement()

    def _parse_constant_expression(self) -> c_ast.Node:
        in_label, self._case_label = self._case_label, False
        lo = super()._parse_constant_expression()
        if not in_label or self._peek_type() != "ELLIPSIS":
            return lo
        self._advance()
        return CaseRange(lo, super()._parse_constant_expression(), lo.coord)

    def _parse_designator(self) -> c_ast.Node:
        if self._peek_type() != "LBRACKET":
            return super()._parse_designator()
        tok = self._advance()
        lo = super()._parse_constant_expression()
        if self._accept("ELLIPSIS"):
            lo = CaseRange(lo, super()._parse_constant_expression(), lo.coord)
        self._expect("RBRACKET")
        return c_ast.ArrayDesignator(lo, self._tok_coord(tok))
