"""Distribution statistics of a C program, from its pycparser AST.

`program_stats(source_or_ast)` counts what a corpus should match in real numeric code: size,
expression depth, the operator mix, math.h calls, loops (with their trip counts when constant),
branches, functions, and the entry's inputs and outputs. Definitions:

- lines: distinct lines of the user's file holding an AST node (not blanks, comments, lone braces);
- statements: items of blocks and bodies of if/for/while/do/case/label, without `{}` and `;`;
- expression depth: a name or constant is 1, any operator, call, cast or subscript is 1 + its
  deepest operand; measured on each expression that a statement holds (conditions, initializers,
  returns, expression statements, for clauses);
- operators: arith (+ - * / %, unary -/+, ++/--), compare, logical (&& || !), bitwise
  (& | ^ << >> ~); compound assignments count in the class of their operator, plain `=` as assign;
- trip counts: `for (i = a; i < b; i++)`-shaped loops with constant bounds; None otherwise.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from pycparser import c_ast

from nsc.diagnostics import NscError

ARITH = {"+", "-", "*", "/", "%", "++", "--", "p++", "p--", "-u", "+u"}
COMPARE = {"<", ">", "<=", ">=", "==", "!="}
LOGICAL = {"&&", "||", "!"}
BITWISE = {"&", "|", "^", "<<", ">>", "~"}
MATH_BASE = (
    "acos asin atan atan2 cos sin tan acosh asinh atanh cosh sinh tanh exp exp2 expm1 log log10 "
    "log1p log2 pow sqrt cbrt hypot fabs floor ceil round trunc rint nearbyint lrint lround fmod "
    "remainder fmin fmax fdim fma copysign erf erfc lgamma tgamma ldexp frexp scalbn modf logb "
    "ilogb nextafter llround llrint"
).split()
MATH_FUNCS = frozenset(MATH_BASE) | {f + "f" for f in MATH_BASE}
LOOPS = (c_ast.For, c_ast.While, c_ast.DoWhile)
STMT_HOLDERS = ("iftrue", "iffalse", "stmt")
STATEMENTS = (
    c_ast.If,
    c_ast.Switch,
    c_ast.Case,
    c_ast.Default,
    c_ast.Return,
    c_ast.Break,
    c_ast.Continue,
    c_ast.Goto,
    c_ast.Label,
)


def program_stats(source_or_ast: str | c_ast.FileAST, filename: str = "<input>") -> dict[str, Any]:
    """Statistics of a C translation unit (source text, or an already parsed AST)."""
    ast = _parse(source_or_ast, filename) if isinstance(source_or_ast, str) else source_or_ast
    if not isinstance(ast, c_ast.FileAST):
        raise NscError(f"program_stats needs C source or a pycparser FileAST, not {type(ast)}")
    user = _user_file(ast)
    funcs = [n for n in ast.ext if isinstance(n, c_ast.FuncDef) and _in(n, user)]
    if not funcs:
        raise NscError("no function definitions in the program")
    walker = _Walker(set(f.decl.name for f in funcs))
    for f in funcs:
        walker.function(f)
    entry = _entry(ast, funcs)
    inputs, outputs = _interface(entry)
    globals_ = [n for n in ast.ext if isinstance(n, c_ast.Decl) and _in(n, user)]
    lines = {
        n.coord.line
        for f in funcs
        for n in _nodes(f)
        if n.coord is not None and not isinstance(n, c_ast.Compound)
    }
    lines |= {g.coord.line for g in globals_ if not isinstance(g.type, c_ast.FuncDecl)}
    return {
        "lines": len(lines),
        "functions": len(funcs),
        "entry": entry.decl.name,
        "inputs": inputs,
        "outputs": outputs,
        "globals": sum(not isinstance(g.type, c_ast.FuncDecl) for g in globals_),
        "statements": walker.statements,
        "max_expr_depth": max(walker.depths, default=0),
        "mean_expr_depth": sum(walker.depths) / len(walker.depths) if walker.depths else 0.0,
        "ops": dict(walker.ops),
        "math_calls": sum(walker.math.values()),
        "math_funcs": dict(sorted(walker.math.items())),
        "calls": walker.calls,
        "loops": len(walker.trips),
        "trip_counts": walker.trips,
        "max_loop_nesting": walker.max_nesting,
        "ifs": walker.ifs,
        "switches": walker.switches,
        "ternaries": walker.ternaries,
        "branches": walker.ifs + walker.switches + walker.ternaries,
        "casts": walker.casts,
        "local_arrays": walker.local_arrays,
    }


def _parse(source: str, filename: str) -> c_ast.FileAST:
    from nsc.frontend.parse import parse
    from nsc.frontend.preprocess import preprocess

    return parse(preprocess(source, filename), filename)


def _user_file(ast: c_ast.FileAST) -> str | None:
    """The file of the last top-level node: the program, not a header it includes."""
    for node in reversed(ast.ext):
        if node.coord is not None:
            return node.coord.file
    return None


def _in(node: c_ast.Node, user: str | None) -> bool:
    return node.coord is None or user is None or node.coord.file == user


def _nodes(node: c_ast.Node):
    yield node
    for _, child in node.children():
        yield from _nodes(child)


def _entry(ast: c_ast.FileAST, funcs: list[c_ast.FuncDef]) -> c_ast.FuncDef:
    """The entry: named by `#pragma nsc entry(f)`, else the only non-static, else the last."""
    by_name = {f.decl.name: f for f in funcs}
    for node in ast.ext:
        if isinstance(node, c_ast.Pragma):
            m = re.match(r"\s*nsc\s+entry\s*\(\s*(\w+)\s*\)", node.string)
            if m and m.group(1) in by_name:
                return by_name[m.group(1)]
    external = [f for f in funcs if "static" not in (f.decl.storage or [])]
    return external[0] if len(external) == 1 else funcs[-1]


def _interface(func: c_ast.FuncDef) -> tuple[int, int]:
    """(inputs, outputs) by the signature rules: const pointers/arrays in, others out."""
    inputs, outputs = 0, 0
    ftype = func.decl.type
    for param in ftype.args.params if ftype.args else []:
        if not isinstance(param, c_ast.Decl):
            continue
        t = param.type
        if isinstance(t, (c_ast.PtrDecl, c_ast.ArrayDecl)):
            inner = t
            while isinstance(inner, (c_ast.PtrDecl, c_ast.ArrayDecl)):
                inner = inner.type
            const = "const" in (getattr(inner, "quals", None) or [])
            inputs, outputs = (inputs + 1, outputs) if const else (inputs, outputs + 1)
        else:
            inputs += 1
    returns = ftype.type
    names = getattr(returns.type, "names", None) if isinstance(returns, c_ast.TypeDecl) else None
    is_void = names == ["void"]
    return inputs, outputs + (0 if is_void else 1)


class _Walker:
    """Counts over function bodies."""

    def __init__(self, defined: set[str]):
        self.defined = defined
        self.statements = 0
        self.depths: list[int] = []
        self.ops: Counter[str] = Counter()
        self.math: Counter[str] = Counter()
        self.calls = 0
        self.trips: list[int | None] = []
        self.nesting = 0
        self.max_nesting = 0
        self.ifs = self.switches = self.ternaries = self.casts = self.local_arrays = 0

    def function(self, func: c_ast.FuncDef) -> None:
        self.stmt(func.body)

    def stmt(self, node: c_ast.Node | None) -> None:
        if node is None or isinstance(node, c_ast.EmptyStatement):
            return
        if isinstance(node, c_ast.Compound):
            for item in node.block_items or []:
                self.stmt(item)
            return
        if isinstance(node, c_ast.DeclList):
            for decl in node.decls:
                self.stmt(decl)
            return
        self.statements += 1
        if isinstance(node, c_ast.Decl):
            self.local_arrays += isinstance(node.type, c_ast.ArrayDecl)
            if node.init is not None and not isinstance(node.init, c_ast.InitList):
                self.expr_root(node.init)
            return
        if isinstance(node, LOOPS):
            self.loop(node)
            return
        if not isinstance(node, STATEMENTS):
            self.expr_root(node)
            return
        self.ifs += isinstance(node, c_ast.If)
        self.switches += isinstance(node, c_ast.Switch)
        for name, child in node.children():
            if name in STMT_HOLDERS or name.startswith("stmts"):
                self.stmt(child)
            elif isinstance(node, c_ast.Case) and name == "expr":
                continue
            else:
                self.expr_root(child)

    def loop(self, node: c_ast.Node) -> None:
        self.trips.append(trip_count(node) if isinstance(node, c_ast.For) else None)
        self.nesting += 1
        self.max_nesting = max(self.max_nesting, self.nesting)
        for name, child in node.children():
            if name == "stmt":
                self.stmt(child)
            elif name == "init" and isinstance(child, c_ast.DeclList):
                for decl in child.decls:
                    if decl.init is not None:
                        self.expr_root(decl.init)
            else:
                self.expr_root(child)
        self.nesting -= 1

    def expr_root(self, node: c_ast.Node) -> None:
        self.depths.append(self.expr(node))

    def expr(self, node: c_ast.Node) -> int:
        """Count operators and calls below `node`; return its depth."""
        if isinstance(node, (c_ast.ID, c_ast.Constant)):
            return 1
        if isinstance(node, c_ast.BinaryOp):
            self.ops[_op_class(node.op)] += 1
        elif isinstance(node, c_ast.UnaryOp) and node.op not in ("sizeof", "&", "*"):
            op = {"-": "-u", "+": "+u"}.get(node.op, node.op)
            self.ops[_op_class(op)] += 1
        elif isinstance(node, c_ast.Assignment):
            self.ops[_op_class(node.op[:-1]) if node.op != "=" else "assign"] += 1
        elif isinstance(node, c_ast.TernaryOp):
            self.ternaries += 1
        elif isinstance(node, c_ast.Cast):
            self.casts += 1
            return 1 + self.expr(node.expr)
        elif isinstance(node, c_ast.FuncCall):
            self._call(node)
        elif isinstance(node, (c_ast.Typename, c_ast.InitList)):
            return 1
        elif isinstance(node, c_ast.ExprList):
            return max((self.expr(child) for _, child in node.children()), default=0)
        depths = [self.expr(child) for _, child in node.children()]
        return 1 + max(depths, default=0)

    def _call(self, node: c_ast.FuncCall) -> None:
        name = node.name.name if isinstance(node.name, c_ast.ID) else None
        if name in MATH_FUNCS and name not in self.defined:
            self.math[name] += 1
        else:
            self.calls += 1


def _op_class(op: str) -> str:
    if op in ARITH:
        return "arith"
    if op in COMPARE:
        return "compare"
    if op in LOGICAL:
        return "logical"
    if op in BITWISE:
        return "bitwise"
    return "other"


def trip_count(loop: c_ast.For) -> int | None:
    """Iterations of `for (i = a; i OP b; i += s)` with integer constants a, b, s; else None."""
    var, start = _loop_start(loop.init)
    cond, step = loop.cond, _loop_step(loop.next, var)
    if var is None or start is None or step in (None, 0) or not isinstance(cond, c_ast.BinaryOp):
        return None
    if not (isinstance(cond.left, c_ast.ID) and cond.left.name == var):
        return None
    end = _int_const(cond.right)
    if end is None or cond.op not in ("<", "<=", ">", ">=", "!="):
        return None
    end += {"<=": 1, ">=": -1}.get(cond.op, 0)
    span = end - start
    if cond.op == "!=" and span % step:
        return None
    if (span > 0) != (step > 0) or span == 0:
        return 0
    return -(-abs(span) // abs(step))


def _loop_start(init: c_ast.Node | None) -> tuple[str | None, int | None]:
    if isinstance(init, c_ast.DeclList) and len(init.decls) == 1:
        decl = init.decls[0]
        return decl.name, _int_const(decl.init) if decl.init is not None else None
    if isinstance(init, c_ast.Assignment) and init.op == "=" and isinstance(init.lvalue, c_ast.ID):
        return init.lvalue.name, _int_const(init.rvalue)
    return None, None


def _loop_step(node: c_ast.Node | None, var: str | None) -> int | None:
    if (
        isinstance(node, c_ast.UnaryOp)
        and isinstance(node.expr, c_ast.ID)
        and node.expr.name == var
    ):
        return {"++": 1, "p++": 1, "--": -1, "p--": -1}.get(node.op)
    if isinstance(node, c_ast.Assignment) and isinstance(node.lvalue, c_ast.ID):
        if node.lvalue.name != var or node.op not in ("+=", "-="):
            return None
        step = _int_const(node.rvalue)
        return None if step is None else (step if node.op == "+=" else -step)
    return None


def _int_const(node: c_ast.Node | None) -> int | None:
    if isinstance(node, c_ast.UnaryOp) and node.op == "-":
        inner = _int_const(node.expr)
        return None if inner is None else -inner
    if isinstance(node, c_ast.Constant) and ("int" in node.type or "long" in node.type):
        try:
            return int(node.value.rstrip("uUlL"), 0)
        except ValueError:
            return None
    return None
