"""Values, symbols, scopes and per-function state shared by the lowering mixins."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from llvmlite import ir
from pycparser import c_ast

from nsc.diagnostics import CompileError, SourceLocation
from nsc.frontend.bitfields import BitField
from nsc.frontend.ctypes import CType, FunctionType, IntType


@dataclass(frozen=True)
class Region:
    """The bytes of the object a pointer points into, for the oracle's checks of reads and
    writes through pointers that move (`p++`, `p = q`): from `start` bytes past `base` (an
    address, or an i64 holding one) to `end`, bytes past `base` or an i64 address itself.
    Nothing is emitted for it until a check or a pointer's shadow needs the two addresses."""

    base: ir.Value
    start: int
    end: int | ir.Value
    read_only: bool = False  # a string literal's bytes: a store known to land there traps


@dataclass(frozen=True)
class Shadow:
    """The two i64 slots beside a pointer variable that hold its `Region`'s first and end
    addresses (0 and 2**64 - 1 when it is not known), kept up to date by every store to it."""

    lo: ir.Value
    hi: ir.Value


@dataclass
class RValue:
    """A computed C value held in an LLVM register."""

    ctype: CType
    value: ir.Value
    region: Region | None = None  # a pointer's object, when known (only the oracle checks it)


@dataclass
class LValue:
    """An object in memory: its C type and its address."""

    ctype: CType
    address: ir.Value
    bound: int | None = None  # element count reachable from `address`, when it is a known pointer
    before: int = 0  # elements before that a pointer of known bound may reach (`tab + 2`)
    element_bound: int | None = None  # the bound of each pointer in an array of pointers
    temporary: bool = False  # an array member of a struct value, spilled: indexable, no lvalue
    region: Region | None = None  # the object the lvalue lies in, when known
    shadow: Shadow | None = None  # a pointer variable's shadow: stores to it update it
    length: ir.Value | None = None  # a variable-length array's element count, an i64
    bitfield: BitField | None = None  # a bit-field: `address` is its storage unit's


@dataclass
class Variable:
    name: str
    ctype: CType
    address: ir.Value
    bound: int | None = None  # for pointers of known extent (array params, shape pragmas, statics)
    before: int = 0  # for a pointer of known bound into an array: elements before it
    element_bound: int | None = None  # for arrays of pointers with static storage, all alike
    shadow: Shadow | None = None  # for local pointers that move, with the oracle's checks on
    length: ir.Value | None = None  # a variable-length array's element count, an i64
    region: Region | None = None  # a variable-length array's bytes, with the checks on


@dataclass
class FunctionSymbol:
    name: str
    ctype: FunctionType
    static: bool
    location: SourceLocation
    defined: bool = False
    ir_function: ir.Function | None = None


@dataclass
class EnumConstant:
    """An enumeration constant: `int` when its value fits, else its enum's type (gcc's rule)."""

    name: str
    value: int
    ctype: IntType


@dataclass
class Typedef:
    name: str
    ctype: CType


Symbol = Variable | FunctionSymbol | EnumConstant | Typedef


@dataclass
class Scope:
    """One block scope: ordinary identifiers and struct/enum tags."""

    parent: Scope | None = None
    names: dict[str, Symbol] = field(default_factory=dict)
    tags: dict[str, CType] = field(default_factory=dict)

    def lookup(self, name: str) -> Symbol | None:
        scope: Scope | None = self
        while scope is not None:
            if name in scope.names:
                return scope.names[name]
            scope = scope.parent
        return None

    def lookup_tag(self, name: str) -> CType | None:
        scope: Scope | None = self
        while scope is not None:
            if name in scope.tags:
                return scope.tags[name]
            scope = scope.parent
        return None

    def visible_names(self) -> set[str]:
        names: set[str] = set()
        scope: Scope | None = self
        while scope is not None:
            names.update(scope.names)
            scope = scope.parent
        return names


@dataclass
class FunctionState:
    """What the statement and expression lowering needs while inside one function body."""

    name: str
    ctype: FunctionType
    function: ir.Function
    alloca_builder: ir.IRBuilder
    break_targets: list[ir.Block] = field(default_factory=list)
    continue_targets: list[ir.Block] = field(default_factory=list)
    trap_blocks: dict[int, ir.Block] = field(default_factory=dict)
    unwind_block: ir.Block | None = None
    modified: frozenset[str] = frozenset()  # names the body assigns, increments or takes `&` of
    labels: dict[str, ir.Block] = field(default_factory=dict)  # goto targets, placed or not
    placed: set[str] = field(default_factory=set)  # labels lowered so far (a goto to one loops)
    gotos: dict[str, c_ast.Node] = field(default_factory=dict)  # first goto to each label
    address_taken: frozenset[str] = frozenset()  # names the body takes `&` of


@dataclass
class FunctionInfo:
    """What the signature extraction needs to know about a defined function."""

    name: str
    ctype: FunctionType
    param_names: tuple[str, ...]
    declared_params: tuple[CType, ...]  # before array-to-pointer decay
    static: bool
    location: SourceLocation
    param_locations: tuple[SourceLocation, ...]
    variable_lengths: dict[str, str] = field(default_factory=dict)  # `x[n]` params: x -> "n"


def opaque(value: ir.Value) -> ir.Value:
    """Give an address llvmlite's opaque `ptr` type (allocas, globals and GEPs are typed there)."""
    value.type = ir.PointerType()
    return value


def node_location(node: c_ast.Node | None, filename: str) -> SourceLocation:
    """The source location of a pycparser node (the file named by its line markers)."""
    coord = getattr(node, "coord", None)
    if coord is None:
        return SourceLocation(filename, 1, 1)
    return SourceLocation(coord.file or filename, coord.line or 1, coord.column or 1)


def did_you_mean(name: str, candidates: set[str] | list[str]) -> tuple[str, ...]:
    """A 'did you mean' hint for a misspelled identifier, if a close match exists."""
    visible = [c for c in candidates if not c.startswith("__")]
    close = difflib.get_close_matches(name, visible, n=1, cutoff=0.6)
    return (f"did you mean '{close[0]}'?",) if close else ()


def error(message: str, node: c_ast.Node | None, filename: str, hints=()) -> CompileError:
    return CompileError(message, node_location(node, filename), tuple(hints))
