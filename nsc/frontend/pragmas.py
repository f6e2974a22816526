"""`#pragma nsc ...` directives: what the source says about the entry and its signature.

    #pragma nsc entry(f)              args: ("f",)
    #pragma nsc range(x, lo, hi)      args: ("x", lo, hi) as floats; x may be dotted (p.r)
    #pragma nsc shape(p, 3, 3)        args: ("p", 3, 3) as positive ints
    #pragma nsc input(a, b)           args: ("a", "b"); likewise output(...) and inout(...)

Numbers may be simple constant expressions such as `-2*3.14159` or `(1.0/3)`: literals with
+ - * / and parentheses, evaluated here (never with eval). Macros in nsc pragmas are expanded
by `preprocess`, so `M_PI` or a `-D N=4` arrive as numbers. Other pragmas are ignored.
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass

from pycparser import c_ast

from nsc.diagnostics import CompileError, SourceLocation
from nsc.frontend.parse import location
from nsc.signature import MAX_SCALARS

ROLE_KINDS = ("input", "output", "inout")
KINDS = ("entry", "range", "shape", *ROLE_KINDS)
MAX_DIMENSION = MAX_SCALARS  # a larger dimension alone exceeds what a parameter may hold

_TOKEN = re.compile(
    r"\s*(?:(?P<num>0[xX][0-9a-fA-F]+[uUlL]*|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[fFlLuU]*)"
    r"|(?P<name>[A-Za-z_]\w*(?:\s*\.\s*[A-Za-z_]\w*)*)|(?P<punct>[(),+\-*/]))"
)
_MAX_EXPRESSION_DEPTH = 64


@dataclass(frozen=True)
class Pragma:
    """One `#pragma nsc` directive."""

    kind: str
    args: tuple
    location: SourceLocation


def collect_pragmas(ast: c_ast.Node, default_file: str = "<input>") -> list[Pragma]:
    """Every `#pragma nsc` in the AST, at file scope or inside function bodies, in source order.

    Only file-scope pragmas and function definitions are searched: declarations (the headers'
    many prototypes among them) hold no statements, so walking them would only cost time.
    """
    found = []
    tops = ast.ext if isinstance(ast, c_ast.FileAST) else [ast]
    searched = [n for n in tops or () if isinstance(n, c_ast.Pragma | c_ast.FuncDef)]
    for node in (inner for top in searched for inner in _preorder(top)):
        if isinstance(node, c_ast.Pragma):
            pragma = parse_pragma(node.string or "", location(node, default_file))
            if pragma is not None:
                found.append(pragma)
    return found


def parse_pragma(text: str, where: SourceLocation) -> Pragma | None:
    """The nsc pragma in a pragma's text (after `#pragma`), or None for other pragmas."""
    text = _unquote(text.strip())
    if re.match(r"nsc\b", text) is None:
        return None
    body = text[3:].strip()
    kind = re.match(r"\w*", body).group()  # type: ignore[union-attr]
    if not kind:
        raise CompileError("empty #pragma nsc", where, (f"expected one of: {', '.join(KINDS)}",))
    if kind not in KINDS:
        raise CompileError(f"unknown #pragma nsc '{kind}'", where, _did_you_mean(kind))
    tokens = _tokenize(body[len(kind) :], where)
    args = _arguments(tokens, kind, where)
    return Pragma(kind, _check(kind, args, where), where)


def _preorder(root: c_ast.Node):
    """Nodes in source order, without recursion (ASTs may be deep)."""
    stack = [root]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(child for _, child in reversed(node.children()))


def _unquote(text: str) -> str:
    """The text of `_Pragma("...")`, which pycparser keeps as a string literal."""
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return re.sub(r"\\(.)", r"\1", text[1:-1]).strip()
    return text


def _did_you_mean(kind: str) -> tuple[str, ...]:
    close = difflib.get_close_matches(kind, KINDS, n=1, cutoff=0.5)
    if close:
        return (f"did you mean '{close[0]}'?",)
    return (f"known pragmas: {', '.join(KINDS)}",)


def _tokenize(text: str, where: SourceLocation) -> list[tuple[str, str]]:
    tokens, pos = [], 0
    while pos < len(text):
        if not text[pos:].strip():
            break
        match = _TOKEN.match(text, pos)
        if match is None:
            bad = text[pos:].strip()[:1]
            raise CompileError(f"unexpected '{bad}' in #pragma nsc", where)
        kind = match.lastgroup or "punct"
        tokens.append((kind, re.sub(r"\s+", "", match.group(kind))))
        pos = match.end()
    return tokens


def _arguments(tokens: list[tuple[str, str]], kind: str, where: SourceLocation) -> list[list]:
    """The comma-separated arguments inside `kind( ... )`, each a token list."""
    if len(tokens) < 2 or tokens[0][1] != "(" or tokens[-1][1] != ")":
        raise CompileError(f"#pragma nsc {kind} expects {_usage(kind)}", where)
    args: list[list] = [[]]
    depth = 0
    for token in tokens[1:-1]:
        depth += {"(": 1, ")": -1}.get(token[1], 0) if token[0] == "punct" else 0
        if depth < 0:
            raise CompileError(f"unbalanced ')' in #pragma nsc {kind}", where)
        if token == ("punct", ",") and depth == 0:
            args.append([])
        else:
            args[-1].append(token)
    if depth != 0:
        raise CompileError(f"unbalanced '(' in #pragma nsc {kind}", where)
    return args


def _usage(kind: str) -> str:
    return {
        "entry": "one function name: entry(f)",
        "range": "a name and two numbers: range(x, lo, hi)",
        "shape": "a name and one or more dimensions: shape(p, 3, 3)",
    }.get(kind, f"one or more parameter names: {kind}(a, b)")


def _check(kind: str, args: list[list], where: SourceLocation) -> tuple:
    if kind == "entry":
        if len(args) != 1:
            raise CompileError(f"#pragma nsc entry expects {_usage(kind)}", where)
        name = _name(args[0], kind, where)
        if "." in name:
            raise CompileError(f"entry '{name}' must be a function name", where)
        return (name,)
    if kind == "range":
        return _check_range(args, where)
    if kind == "shape":
        return _check_shape(args, where)
    return tuple(_name(arg, kind, where) for arg in args)


def _check_range(args: list[list], where: SourceLocation) -> tuple:
    if len(args) != 3:
        raise CompileError(f"#pragma nsc range expects {_usage('range')}", where)
    name = _name(args[0], "range", where)
    lo, hi = (_number(arg, "range", where) for arg in args[1:])
    if lo > hi:
        raise CompileError(f"range of '{name}' is empty: {lo:g} > {hi:g}", where)
    return (name, lo, hi)


def _check_shape(args: list[list], where: SourceLocation) -> tuple:
    if len(args) < 2:
        raise CompileError(f"#pragma nsc shape expects {_usage('shape')}", where)
    name = _name(args[0], "shape", where)
    dims = []
    for arg in args[1:]:
        value = _number(arg, "shape", where)
        if value != int(value) or value < 1:
            raise CompileError(
                f"shape of '{name}': dimension {value:g} is not a positive integer", where
            )
        if value > MAX_DIMENSION:
            shown = f"{int(value):,}" if value < 1e15 else f"{value:g}"
            raise CompileError(
                f"shape of '{name}': dimension {shown} is too large for a surrogate "
                f"(a parameter holds at most {MAX_SCALARS:,} scalars)",
                where,
            )
        dims.append(int(value))
    return (name, *dims)


def _name(arg: list[tuple[str, str]], kind: str, where: SourceLocation) -> str:
    if not arg:
        raise CompileError(f"#pragma nsc {kind}: expected a name", where)
    if len(arg) != 1 or arg[0][0] != "name":
        shown = " ".join(text for _, text in arg)
        raise CompileError(f"#pragma nsc {kind}: expected a name, got '{shown}'", where)
    return arg[0][1]


def _number(arg: list[tuple[str, str]], kind: str, where: SourceLocation) -> float:
    """Evaluate a constant number expression with + - * / and parentheses."""
    if not arg:
        raise CompileError(f"#pragma nsc {kind}: expected a number", where)
    shown = "".join(text for _, text in arg)
    evaluator = _Evaluator(arg)
    try:
        value = evaluator.expression(0)
        if evaluator.pos != len(arg):
            raise ValueError
    except (ValueError, IndexError, ZeroDivisionError, OverflowError, RecursionError):
        raise CompileError(f"#pragma nsc {kind}: '{shown}' is not a number", where) from None
    if not math.isfinite(value):
        raise CompileError(f"#pragma nsc {kind}: '{shown}' is not finite", where)
    return value


class _Evaluator:
    """Recursive descent over number tokens; depth-bounded."""

    def __init__(self, tokens: list[tuple[str, str]]):
        self.tokens = tokens
        self.pos = 0

    def expression(self, depth: int) -> float:
        value = self.term(depth)
        while self._peek() in ("+", "-"):
            op = self._next()
            right = self.term(depth)
            value = value + right if op == "+" else value - right
        return value

    def term(self, depth: int) -> float:
        value = self.unary(depth)
        while self._peek() in ("*", "/"):
            op = self._next()
            right = self.unary(depth)
            value = value * right if op == "*" else value / right
        return value

    def unary(self, depth: int) -> float:
        if depth > _MAX_EXPRESSION_DEPTH:
            raise ValueError("too deep")
        if self._peek() in ("+", "-"):
            sign = -1.0 if self._next() == "-" else 1.0
            return sign * self.unary(depth + 1)
        if self._peek() == "(":
            self._next()
            value = self.expression(depth + 1)
            if self._next() != ")":
                raise ValueError("expected )")
            return value
        kind, text = self.tokens[self.pos]
        if kind != "num":
            raise ValueError("expected a number")
        self.pos += 1
        return _literal(text)

    def _peek(self) -> str | None:
        return self.tokens[self.pos][1] if self.pos < len(self.tokens) else None

    def _next(self) -> str:
        text = self.tokens[self.pos][1]
        self.pos += 1
        return text


def _literal(text: str) -> float:
    """A C integer or floating literal (suffixes dropped)."""
    if text[:2].lower() == "0x":
        return float(int(text.rstrip("uUlL"), 16))
    digits = text.rstrip("uUlL")
    if re.fullmatch(r"0[0-7]+", digits):
        return float(int(digits, 8))
    return float(text.rstrip("fFlLuU"))
