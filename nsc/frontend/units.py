"""Programs of several translation units: `nscc kernel.c helpers.c -o kernel.onnx`.

Each file is preprocessed, parsed and lowered on its own, as a C compiler does; the modules are
then linked, as a linker does. Between the two the frontend checks what a linker would: a
function or object defined (with external linkage) in two files is an error, and so is a
function declared in one file with another type than its definition in another (which C calls
undefined behaviour and a linker does not see). The entry is chosen among all files by the
usual rules (`--entry`, `#pragma nsc entry`, the one external function no other calls), and the
file that defines it is the program's first unit: its file name names the IR, and every file's
pragmas apply to it. When instrumented, that unit defines the fuel and trap globals and the
others declare them.

A call to a function that no file defines stays an error, located at the call, as in a single
file. The C library functions nsc implements in C (`nsc/frontend/libc/`: qsort, bsearch, rand,
srand, string.h's string functions, ctype.h's classes) are units of their own, compiled by nsc
and linked into the programs whose entry reaches them (`library_units`), unless the program
defines a function of that name itself; of each such unit, only the functions reached are
lowered (and, of string.c, the two that the oracle's checks call).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import llvmlite.binding as llvm
from llvmlite import ir
from pycparser import c_ast

from nsc.diagnostics import CompileError, NscError
from nsc.frontend.codegen.context import FunctionSymbol, node_location
from nsc.frontend.codegen.reach import reachable
from nsc.frontend.lower import (
    ParsedC,
    entry_signature,
    generate_unit,
    parse_unit,
    verified_module,
)
from nsc.frontend.options import FrontendOptions
from nsc.frontend.signature_rules import choose_entry
from nsc.signature import Signature


def parse_units(first: ParsedC, options: FrontendOptions) -> ParsedC:
    """Parse `options.units` beside `first`, choose the entry among them all, and return the
    unit that defines it, holding the others."""
    units = [first] + [parse_unit(Path(path), options) for path in options.units]
    names = [unit.filename for unit in units]
    if len(set(names)) < len(names):
        twice = next(name for name in names if names.count(name) > 1)
        raise NscError(f"{twice} is named twice among the files to compile")
    defined = [external_definitions(unit.ast) for unit in units]
    _check_one_definition(units, defined)
    pragmas = tuple(p for unit in units for p in unit.pragmas)
    merged = c_ast.FileAST([node for unit in units for node in unit.ast.ext or []])
    where = " or ".join(names)
    entry = choose_entry(merged, pragmas, options, where)
    home = next((k for k, exported in enumerate(defined) if entry in exported), None)
    if home is None:  # defined only `static` somewhere: no file exports it
        raise NscError(f"entry function '{entry}' is static in {where}; it must be external")
    others = tuple(unit for k, unit in enumerate(units) if k != home)  # lowered for the entry
    return replace(units[home], entry=entry, pragmas=pragmas, others=others)


def lower_units(parsed: ParsedC, *, instrument: bool) -> tuple[llvm.ModuleRef, Signature]:
    """Lower every unit of the program (`parsed`, the entry's, and `parsed.others`) and link
    them into the entry unit's module."""
    units = (parsed, *parsed.others)
    defined = [external_definitions(unit.ast) for unit in units]
    # nsc's library units name none of the program's functions: a program of one file lowers
    # what it would alone (not the functions only its `main` uses)
    alone = all(Path(unit.filename).parent == LIBRARY for unit in parsed.others)
    lowered = []
    for k, unit in enumerate(units):
        elsewhere = frozenset(name for j, names in enumerate(defined) if j != k for name in names)
        lowered.append(
            generate_unit(
                unit,
                parsed,
                instrument=instrument,
                linked=elsewhere,
                exports=frozenset() if alone and k == 0 else frozenset(defined[k]),
                define_check_state=k == 0,
            )
        )
    _check_types(units, lowered, defined)
    for one in lowered:
        _not_builtins(one.module)
    signature = entry_signature(parsed, lowered[0])
    module = verified_module(lowered[0], parsed.filename)
    for unit, one in zip(units[1:], lowered[1:], strict=True):
        try:
            module.link_in(verified_module(one, unit.filename))
        except RuntimeError as err:
            raise NscError(f"cannot link {unit.filename} with {parsed.filename}: {err}") from None
    module.verify()
    return module, signature


LIBRARY = Path(__file__).parent / "libc"
# the C library's functions that nsc compiles from its own C source, by the file defining them
LIBRARY_FILES = {"qsort": "qsort.c", "bsearch": "bsearch.c", "rand": "rand.c", "srand": "rand.c"}
LIBRARY_FILES |= dict.fromkeys(
    "strlen strnlen strcmp strncmp memcmp memchr strchr strrchr strcpy strncpy strcat strncat "
    "strstr strspn strcspn strpbrk".split(),
    "string.c",
)
LIBRARY_FILES |= dict.fromkeys(
    "isalnum isalpha isblank iscntrl isdigit isgraph islower isprint ispunct isspace isupper "
    "isxdigit tolower toupper".split(),
    "ctype.c",
)
# what a unit keeps whenever it is linked: string.c's functions the oracle's checks call
_ALWAYS = {"string.c": frozenset(("strnlen", "memchr"))}
_NOT_BUILTIN_FILES = ("string.c", "ctype.c")  # the files whose functions LLVM knows


def library_units(program: ParsedC) -> tuple[ParsedC, ...]:
    """The units of nsc's C library that the program's entry reaches (none for nearly every
    program: only a file-scope declaration of one of their functions starts the search)."""
    units = (program, *program.others)
    declared = {
        node.name
        for unit in units
        for node in unit.ast.ext or ()
        if isinstance(node, c_ast.Decl) and node.name in LIBRARY_FILES
    }
    if not declared:
        return ()
    merged = [node for unit in units for node in unit.ast.ext or ()]
    defined = {node.decl.name for node in merged if isinstance(node, c_ast.FuncDef)}
    used = reachable(merged, [program.entry])[program.entry] & declared - defined
    files = sorted({LIBRARY_FILES[n] for n in used})
    own = frozenset(defined & LIBRARY_FILES.keys())
    return tuple(
        _library_part(file, frozenset(n for n in used if LIBRARY_FILES[n] == file), own)
        for file in files
    )


def _not_builtins(module: ir.Module) -> None:
    """Mark the string and character functions `nobuiltin`: LLVM's optimizer knows them by
    name and would fold their calls to other values than glibc's (strcmp of known strings to
    -1, 0 or 1, not the difference of bytes; isdigit to 0 or 1, not 2048) or expand them."""
    for name, file in LIBRARY_FILES.items():
        function = module.globals.get(name)
        if file in _NOT_BUILTIN_FILES and isinstance(function, ir.Function):
            function.attributes.add("nobuiltin")


@functools.cache
def _library_part(file: str, used: frozenset[str], own: frozenset[str]) -> ParsedC:
    """A library unit with only the functions `used` reaches (and what it always keeps),
    without those the program defines itself (`own`)."""
    unit = _library_unit(file)
    ext = unit.ast.ext or []
    wanted = used | _ALWAYS.get(file, frozenset())
    keep = wanted.union(*reachable(ext, wanted).values()) - own
    kept = [node for node in ext if not isinstance(node, c_ast.FuncDef) or node.decl.name in keep]
    if len(kept) == len(ext):
        return unit
    return replace(unit, ast=c_ast.FileAST(kept, unit.ast.coord))


@functools.cache
def _library_unit(name: str) -> ParsedC:
    return parse_unit(LIBRARY / name, FrontendOptions())


def external_definitions(ast: c_ast.FileAST) -> dict[str, c_ast.Node]:
    """The functions and objects a unit defines with external linkage, by name (the first
    definition of each): not `static`, and for an object, not an `extern` declaration without
    an initializer (a tentative definition `double t[4];` counts, as with gcc's -fno-common)."""
    found: dict[str, c_ast.Node] = {}
    for node in ast.ext or []:
        if isinstance(node, c_ast.FuncDef):
            decl = node.decl
            if "static" not in (decl.storage or []):
                found.setdefault(decl.name, decl)
        elif isinstance(node, c_ast.Decl) and node.name is not None:
            storage = node.storage or []
            if isinstance(node.type, c_ast.FuncDecl) or "static" in storage:
                continue
            if "extern" not in storage or node.init is not None:
                found.setdefault(node.name, node)
    return found


def _check_one_definition(units: Sequence[ParsedC], defined: Sequence[dict]) -> None:
    first: dict[str, tuple[ParsedC, c_ast.Node]] = {}
    for unit, names in zip(units, defined, strict=True):
        for name, node in names.items():
            if name not in first:
                first[name] = (unit, node)
                continue
            earlier, node0 = first[name]
            raise CompileError(
                f"multiple definition of '{name}'",
                node_location(node, unit.filename),
                (f"first defined at {node_location(node0, earlier.filename)}",),
            )


def _check_types(units: Sequence[ParsedC], lowered: Sequence, defined: Sequence[dict]) -> None:
    """A function declared in one unit must have the type of its definition in another."""
    home = {name: k for k, names in enumerate(defined) for name in names}
    for k, one in enumerate(lowered):
        for name, symbol in one.symbols.items():
            owner = home.get(name)
            if owner is None or owner == k or not isinstance(symbol, FunctionSymbol):
                continue
            definition = lowered[owner].symbols.get(name)
            # by spelling: each unit has its own struct types, equal only to themselves
            if not isinstance(definition, FunctionSymbol) or str(definition.ctype) == str(
                symbol.ctype
            ):
                continue
            raise CompileError(
                f"conflicting types for '{name}': '{symbol.ctype}' here, '{definition.ctype}' "
                f"where {units[owner].filename} defines it",
                symbol.location,
                (f"the definition is at {definition.location}",),
            )
