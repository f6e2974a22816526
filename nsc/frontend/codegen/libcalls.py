"""Calls from compiled code to the C library's exits, printing, heap and integer division.

`exit`, `_Exit`, `quick_exit` and `abort` end the row: the oracle gives it the status `exit`
(the code is evaluated, not kept) or `abort`, and clean code has `unreachable` there. The
printing functions evaluate their arguments and print nothing: a surrogate has no output
besides its signature, so their results are not available either, and a call whose value is
used is an error. `stdin`, `stdout` and `stderr` as arguments are not evaluated (reading them
has no effect), nor are string literals (no `.str` global for text that is never printed).
The heap functions and `div`, `ldiv`, `lldiv`, `imaxdiv` are heapcalls.py's.
"""

from __future__ import annotations

from llvmlite import ir
from pycparser import c_ast

from nsc.frontend.codegen.context import FunctionSymbol, RValue, Variable
from nsc.frontend.codegen.conversions import assignment_problem
from nsc.frontend.codegen.expressions import is_null_constant
from nsc.frontend.codegen.heapcalls import DIVISIONS, HEAP
from nsc.frontend.codegen.instrument import ABORT, EXIT
from nsc.frontend.ctypes import VOID, VoidType
from nsc.frontend.preprocess import system_header

EXITS = {"exit": EXIT, "_Exit": EXIT, "quick_exit": EXIT, "abort": ABORT}
PRINTS = frozenset(
    ("printf", "fprintf", "puts", "putchar", "fputs", "fputc", "putc", "fflush", "perror")
)
STREAMS = frozenset(("stdin", "stdout", "stderr"))


class LibraryCalls:
    """Mixin: lower calls to the exits and the printing functions; know where a value is unused."""

    def call_library(
        self, symbol: FunctionSymbol, args: list[c_ast.Node], node: c_ast.FuncCall
    ) -> RValue | None:
        """The call, when `symbol` is one of the exits, printing, heap or division functions;
        else None."""
        if symbol.name in HEAP:
            return self.call_heap(symbol, args, node)  # heapcalls.py
        if symbol.name in DIVISIONS:
            return self.call_division(symbol, args, node)
        status = EXITS.get(symbol.name)
        if status is not None:
            self._library_arguments(symbol, args, node)  # `exit(code)`: computed, not kept
            self.end_row(status, "exit" if status == EXIT else "abort")
            return RValue(VOID, None)
        if symbol.name not in PRINTS:
            return None
        if id(node) not in self.discarded_calls:
            raise self.error(
                f"the value of '{symbol.name}' is not available in compiled code: nsc evaluates "
                "the arguments of the C library's printing functions and prints nothing",
                node,
                ("call it as a statement of its own, or cast it to void",),
            )
        self._library_arguments(symbol, args, node)
        ret = symbol.ctype.ret
        if isinstance(ret, VoidType):
            return RValue(VOID, None)
        return RValue(ret, ir.Constant(ret.llvm, 0))  # never used: the call's value is discarded

    def _library_arguments(
        self, symbol: FunctionSymbol, args: list[c_ast.Node], node: c_ast.FuncCall
    ) -> None:
        """Evaluate the arguments for their effects, each checked against its parameter."""
        params = symbol.ctype.params
        variadic = symbol.ctype.variadic
        if len(args) < len(params) or (len(args) > len(params) and not variadic):
            few = "few" if len(args) < len(params) else "many"
            raise self.error(
                f"too {few} arguments to function '{symbol.name}' (expected {len(params)}, "
                f"have {len(args)})",
                node,
            )
        for i, arg in enumerate(args):
            if _is_string(arg) or self._is_stream(arg):
                continue
            value = self.rvalue(arg)
            what = f"argument {i + 1} of '{symbol.name}'"
            if isinstance(value.ctype, VoidType):
                raise self.error(f"void value not ignored as it ought to be in {what}", arg)
            if i < len(params):
                problem = assignment_problem(params[i], value.ctype, is_null_constant(value))
                if problem:
                    raise self.error(f"{problem} in {what}", arg)

    def _is_stream(self, arg: c_ast.Node) -> bool:
        """Whether `arg` names stdio.h's `stdin`, `stdout` or `stderr`."""
        if not isinstance(arg, c_ast.ID) or arg.name not in STREAMS:
            return False
        location = self.extern_locations.get(arg.name)
        if not isinstance(self.scope.lookup(arg.name), Variable) or location is None:
            return False
        return system_header(location.file) is not None

    def discard(self, node: c_ast.Node) -> None:
        """Lower an expression whose value is not used: an expression statement, a `for`
        loop's first and third clauses."""
        self.mark_discarded(node)
        self.expr(node)

    def mark_discarded(self, node: c_ast.Node) -> None:
        """Note the calls whose value `node`, itself discarded, does not use: itself, the
        items of a comma expression, the arms of a conditional."""
        if isinstance(node, c_ast.FuncCall):
            self.discarded_calls.add(id(node))
        elif isinstance(node, c_ast.ExprList):
            for item in node.exprs:
                self.mark_discarded(item)
        elif isinstance(node, c_ast.TernaryOp):
            self.mark_discarded(node.iftrue)
            self.mark_discarded(node.iffalse)


def _is_string(node: c_ast.Node) -> bool:
    return isinstance(node, c_ast.Constant) and node.type == "string"
