"""Lowering of a pycparser AST to an llvmlite module, one mixin per kind of construct."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import llvmlite.binding as llvm
from llvmlite import ir
from pycparser import c_ast

from nsc.diagnostics import CompileError, SourceLocation, printable_name
from nsc.frontend.codegen.addresses import AddressConstants
from nsc.frontend.codegen.bitbuiltins import BitBuiltins
from nsc.frontend.codegen.bitfields import BitFieldAccess
from nsc.frontend.codegen.calls import CallLowering
from nsc.frontend.codegen.complex import ComplexLowering
from nsc.frontend.codegen.constants import ConstantEvaluation
from nsc.frontend.codegen.context import (
    FunctionInfo,
    FunctionState,
    Scope,
    Symbol,
    Variable,
    error,
    node_location,
)
from nsc.frontend.codegen.declarations import DeclarationLowering
from nsc.frontend.codegen.expressions import ExpressionLowering
from nsc.frontend.codegen.fpbuiltins import FloatBuiltins
from nsc.frontend.codegen.generic import GenericSelections
from nsc.frontend.codegen.gnuexpr import GnuExpressions
from nsc.frontend.codegen.heapcalls import HeapCalls
from nsc.frontend.codegen.initializers import InitializerLowering
from nsc.frontend.codegen.instrument import Instrumentation, declare_globals
from nsc.frontend.codegen.libcalls import LibraryCalls
from nsc.frontend.codegen.members import MemberAccess
from nsc.frontend.codegen.operators import OperatorLowering
from nsc.frontend.codegen.overflow import OverflowBuiltins
from nsc.frontend.codegen.prelude import declare_prelude
from nsc.frontend.codegen.reach import compiled_names, declares_tag
from nsc.frontend.codegen.statements import StatementLowering, SwitchState
from nsc.frontend.codegen.strcalls import StringCalls
from nsc.frontend.codegen.strings import StringLiterals
from nsc.frontend.codegen.typenames import TypeResolution
from nsc.frontend.codegen.vla import VariableLengthArrays
from nsc.frontend.codegen.vmtypes import VariablyModifiedTypes
from nsc.frontend.ctypes import CType
from nsc.frontend.preprocess import system_header

__all__ = ["CodeGenerator", "FunctionInfo", "LoweredModule", "generate"]


@dataclass
class LoweredModule:
    """The lowered translation unit and what the signature extraction needs to know about it."""

    module: ir.Module
    functions: list[FunctionInfo]
    symbols: dict[str, Symbol] = field(default_factory=dict)  # the file scope's, by name


class CodeGenerator(
    DeclarationLowering,
    InitializerLowering,
    AddressConstants,
    StatementLowering,
    CallLowering,
    LibraryCalls,
    HeapCalls,
    StringCalls,
    BitBuiltins,
    FloatBuiltins,
    OverflowBuiltins,
    OperatorLowering,
    ComplexLowering,
    ExpressionLowering,
    MemberAccess,
    GenericSelections,
    GnuExpressions,
    StringLiterals,
    ConstantEvaluation,
    TypeResolution,
    VariableLengthArrays,
    VariablyModifiedTypes,
    BitFieldAccess,
    Instrumentation,
):
    """Lowers one translation unit; create one per compilation."""

    def __init__(
        self,
        filename: str,
        *,
        instrument: bool = False,
        entry: str | None = None,
        entry_shapes: dict[str, tuple[int, ...]] | None = None,
        linked: frozenset[str] = frozenset(),
        exports: frozenset[str] = frozenset(),
        define_check_state: bool = True,
    ):
        self.filename = filename
        self.instrument = instrument
        self.entry = entry
        # functions and objects that another translation unit of the program defines (nscc
        # a.c b.c): calls and uses here reach them through declarations, which linking resolves
        self.linked = linked
        self.exports = exports  # what this unit defines for the others: lowered even if unused
        # the instrumentation's fuel and trap globals: one unit defines them, the others declare
        self.define_check_state = define_check_state
        self.entry_shapes = dict(entry_shapes or {})
        self.module = ir.Module(name=printable_name(filename))
        self.module.triple = llvm.get_process_triple()
        self.scope = Scope()
        self.functions: list[FunctionInfo] = []
        self.defined_functions: set[str] = set()
        self.initialized: set[str] = set()
        self.extern_locations: dict[str, SourceLocation] = {}  # first `extern` declarations
        self.discarded_calls: set[int] = set()  # ids of calls whose value is not used
        # struct and enum definitions already lowered, by node: `struct P {...} a, *b;` gives
        # each declarator the same definition node
        self.defined_types: dict[int, tuple[c_ast.Node, CType]] = {}
        self.file_literals: dict = {}  # file-scope compound literals' objects, by node
        self.fn: FunctionState | None = None
        self.builder: ir.IRBuilder | None = None
        self.switches: list[SwitchState] = []
        self.statement: c_ast.Node | None = None  # the innermost statement being lowered
        self.unit: c_ast.FileAST | None = None  # the translation unit being lowered

    def error(self, message: str, node: c_ast.Node | None, hints=()) -> CompileError:
        return error(message, node, self.filename, hints)

    def location(self, node: c_ast.Node | None) -> SourceLocation:
        return node_location(node, self.filename)

    def lower(self, ast: c_ast.FileAST) -> LoweredModule:
        self.unit = ast
        if self.instrument:
            declare_globals(self.module, define=self.define_check_state)
        self.defined_functions = {
            ext.decl.name for ext in ast.ext or [] if isinstance(ext, c_ast.FuncDef)
        }
        ext = ast.ext or []
        start = declare_prelude(ext, self.filename, self.scope, self.external)
        needed = None
        if self.entry is not None:
            needed = compiled_names(ext, self.entry, self.exports)
        try:
            for node in ext[start:]:
                if needed is not None and not self._needed(node, needed):
                    continue
                self.statement = node
                self.external(node)
        except RecursionError:
            # deep nesting that parsed (a long flat `a + b + ...` is a left-deep tree): blame
            # the statement (or top-level declaration) that was being lowered
            raise self.error(
                "expression or statement nested too deeply to compile", self.statement
            ) from None
        self._check_externs()
        return LoweredModule(self.module, self.functions, self.scope.names)

    def _needed(self, node: c_ast.Node, needed: set[str]) -> bool:
        """Whether a file-scope node is lowered: a definition or declaration of a name in
        `needed`, a prototype of a function from outside the file (checked where it is called),
        a declaration that may define a tag, and every typedef and static assertion."""
        if isinstance(node, c_ast.FuncDef):
            return node.decl.name in needed
        if not isinstance(node, c_ast.Decl) or node.name is None or node.name in needed:
            return True
        if declares_tag(node):
            return True
        return isinstance(node.type, c_ast.FuncDecl) and node.name not in self.defined_functions

    def _check_externs(self) -> None:
        """Refuse a used object that is declared `extern` and never defined; drop unused ones."""
        undefined = [
            symbol
            for symbol in self.scope.names.values()
            if isinstance(symbol, Variable)
            and symbol.address.initializer is None
            and symbol.name not in self.linked
        ]
        if not undefined:
            return
        text = str(self.module)  # rare: only files with such declarations pay for printing
        for symbol in undefined:
            uses = re.findall(rf'@"?{re.escape(symbol.name)}(?:"|(?![\w.$]))', text)
            if len(uses) <= 1:  # the declaration alone
                del self.module.globals[symbol.name]
                continue
            location = self.extern_locations.get(symbol.name)
            header = system_header(location.file if location else None)
            if header is None:
                raise CompileError(
                    f"variable '{symbol.name}' is declared 'extern' but never defined", location
                )
            raise CompileError(
                f"'{symbol.name}' (from <{header}>) cannot be used in compiled code: nsc compiles "
                "the entry function and what it calls, without the C library's input and output",
                location,
                ("keep input and output in main or in functions the entry does not call",),
            )


def generate(
    ast: c_ast.FileAST,
    filename: str,
    *,
    instrument: bool = False,
    entry: str | None = None,
    entry_shapes: dict[str, tuple[int, ...]] | None = None,
    linked: frozenset[str] = frozenset(),
    exports: frozenset[str] = frozenset(),
    define_check_state: bool = True,
) -> LoweredModule:
    """Lower a parsed translation unit to an llvmlite module (`linked`: the names other units
    of the program define; `exports`: the names this unit defines for them;
    `define_check_state`: whether this unit defines the fuel and trap globals that
    instrumented code shares)."""
    generator = CodeGenerator(
        filename,
        instrument=instrument,
        entry=entry,
        entry_shapes=entry_shapes,
        linked=linked,
        exports=exports,
        define_check_state=define_check_state,
    )
    return generator.lower(ast)
