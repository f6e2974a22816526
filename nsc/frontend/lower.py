"""The frontend driver: preprocess, parse, read pragmas, lower to IR, extract the signature."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace
from pathlib import Path

import llvmlite.binding as llvm
from pycparser import c_ast

from nsc.diagnostics import CompileError, NscError, SourceLocation, printable_name
from nsc.frontend import gnu, knr
from nsc.frontend.codegen import LoweredModule, generate
from nsc.frontend.codegen.instrument import strip_checks
from nsc.frontend.options import CompiledC, FrontendOptions
from nsc.frontend.parse import call_deep, location, parse
from nsc.frontend.pragmas import Pragma, collect_pragmas
from nsc.frontend.preprocess import decode_source, preprocess
from nsc.frontend.signature_rules import (
    choose_entry,
    extract_signature,
    range_warnings,
    shape_pragmas,
)
from nsc.signature import Signature

UTF8_BOM = "\ufeff"

_initialized = False


class IRVerificationError(RuntimeError):
    """The frontend produced invalid IR: a bug in nsc, not in the user's program."""


@dataclass(frozen=True)
class ParsedC:
    """A preprocessed and parsed C file with its pragmas and entry, ready to lower (any times)."""

    ast: c_ast.FileAST
    pragmas: tuple[Pragma, ...]
    entry: str
    options: FrontendOptions
    filename: str
    # the program's other translation units, parsed (`FrontendOptions.units`); this one
    # defines the entry, and its `pragmas` are every unit's
    others: tuple[ParsedC, ...] = ()


def compile_c(
    source: str | Path, options: FrontendOptions, filename: str | None = None
) -> CompiledC:
    """Lower C source (a path, or text with `filename`) to verified LLVM IR and a signature."""
    return lower_parsed(parse_c(source, options, filename), instrument=options.instrument)


def parse_c(source: str | Path, options: FrontendOptions, filename: str | None = None) -> ParsedC:
    """Preprocess and parse C source, read its pragmas and choose the entry (with
    `options.units`, of every translation unit: see `nsc.frontend.units`)."""
    if options.units:
        from nsc.frontend.units import parse_units

        return parse_units(parse_unit(source, options, filename), options)
    return parse_unit(source, options, filename, choose=True)


def parse_unit(
    source: str | Path, options: FrontendOptions, filename: str | None = None, choose: bool = False
) -> ParsedC:
    """One translation unit, preprocessed and parsed, with its pragmas; its entry is chosen
    with `choose`, else left empty."""
    text, filename = _read(source, filename)
    expanded = preprocess(
        text, filename, options.defines, options.include_dirs, quote_dir=options.quote_dir
    )
    return parse_preprocessed(expanded, options, filename, choose)


def parse_preprocessed(
    expanded: str, options: FrontendOptions, filename: str, choose: bool = True
) -> ParsedC:
    """Parse text as `preprocess` returns it, read its pragmas and choose the entry."""
    ast = knr.to_prototypes(parse(gnu.translate(expanded, filename), filename), filename)
    pragmas = collect_pragmas(ast, filename)
    entry = choose_entry(ast, pragmas, options, filename) if choose else ""
    return ParsedC(ast, tuple(pragmas), entry, options, filename)


def lower_parsed(parsed: ParsedC, *, instrument: bool) -> CompiledC:
    """Lower a parsed program to verified IR, with or without the oracle's checks."""
    module, signature = lower_module(parsed, instrument=instrument)
    warnings = range_warnings(signature, parsed.pragmas)
    return CompiledC(ir_text(module), signature, parsed.filename, warnings)


def lower_module(parsed: ParsedC, *, instrument: bool) -> tuple[llvm.ModuleRef, Signature]:
    """Like `lower_parsed`, but hand over LLVM's parsed module instead of its text.

    The caller owns the module (the oracle and the passes take it as it is, without printing
    and parsing it again); `ir_text(module)` is the text `lower_parsed` returns.
    """
    from nsc.frontend.units import library_units, lower_units

    library = library_units(parsed)
    if parsed.others or library:
        return lower_units(replace(parsed, others=parsed.others + library), instrument=instrument)
    lowered = generate_unit(parsed, parsed, instrument=instrument)
    signature = entry_signature(parsed, lowered)
    return verified_module(lowered, parsed.filename), signature


def generate_unit(
    unit: ParsedC,
    program: ParsedC,
    *,
    instrument: bool,
    linked: frozenset[str] = frozenset(),
    exports: frozenset[str] = frozenset(),
    define_check_state: bool = True,
) -> LoweredModule:
    """Lower one translation unit of `program` (whose entry and pragmas count) to llvmlite IR."""

    def lower():
        return generate(
            unit.ast,
            unit.filename,
            instrument=instrument,
            entry=program.entry,
            entry_shapes=shape_pragmas(program.pragmas) if unit is program else None,
            linked=linked,
            exports=exports,
            define_check_state=define_check_state,
        )

    try:
        return call_deep(lower)
    except RecursionError:  # the generator locates its own; this is a last resort
        where = _entry_location(unit) if unit is program else SourceLocation(unit.filename, 1)
        raise CompileError("expression or statement nested too deeply to compile", where) from None


def entry_signature(parsed: ParsedC, lowered: LoweredModule) -> Signature:
    """The entry's signature (the entry defined in `parsed`'s unit, `lowered`), and the entry
    made external."""
    info = next(f for f in lowered.functions if f.name == parsed.entry)
    definition = _entry_definition(parsed)
    body = definition.body if definition is not None else None
    signature = extract_signature(info, parsed.pragmas, parsed.options, body)
    lowered.module.get_global(parsed.entry).linkage = ""  # the entry is always external
    return signature


def verified_module(lowered: LoweredModule, filename: str) -> llvm.ModuleRef:
    """LLVM's module of a lowered unit, for the host target, verified."""
    lowered.module.triple, lowered.module.data_layout = _host_target()
    # LLVM's own printing of the verified module: unquoted names, like clang -S -emit-llvm
    module = verify_ir(str(lowered.module))
    module.name = printable_name(filename)
    return module


def _entry_definition(parsed: ParsedC) -> c_ast.FuncDef | None:
    for ext in parsed.ast.ext or []:
        if isinstance(ext, c_ast.FuncDef) and ext.decl.name == parsed.entry:
            return ext
    return None


def _entry_location(parsed: ParsedC) -> SourceLocation:
    definition = _entry_definition(parsed)
    if definition is None:
        return SourceLocation(parsed.filename, 1)
    return location(definition.decl, parsed.filename)


def strip_lowered(module: llvm.ModuleRef) -> llvm.ModuleRef | None:
    """The clean module of an instrumented one from `lower_module`, without lowering again.

    After the optimizer and `canonicalize` it is the clean lowering's module (see
    `strip_checks`); None when the checks cannot be taken out, and the caller lowers again.
    """
    text = strip_checks(str(module))
    if text is None:
        return None
    try:
        clean = llvm.parse_assembly(text)
        clean.verify()
    except RuntimeError:
        return None
    clean.name = module.name
    return clean


def ir_text(module: llvm.ModuleRef) -> str:
    """LLVM's printing of a module from `lower_module`, naming its source file."""
    escaped = "".join(
        c if c.isprintable() and c not in '"\\' else f"\\{ord(c):02X}" for c in module.name
    )
    return str(module).replace('source_filename = "<string>"', f'source_filename = "{escaped}"', 1)


@functools.cache
def _host_target() -> tuple[str, str]:
    """The host's target triple and data layout, which the JIT and the passes assume."""
    from nsc.ir.jit import target_machine

    machine = target_machine()
    return machine.triple, str(machine.target_data)


def _read(source: str | Path, filename: str | None) -> tuple[str, str]:
    """The source text and its file name; a leading UTF-8 byte-order mark is dropped, as gcc
    does (it precedes line 1, so no line or column moves)."""
    if isinstance(source, Path) or (filename is None and _looks_like_path(source)):
        path = Path(source)
        try:
            data = path.read_bytes()
        except OSError as err:
            raise NscError(f"cannot read {path}: {err.strerror or err}") from None
        data = data.removeprefix(UTF8_BOM.encode())
        return decode_source(data, filename or str(path)), filename or str(path)
    return source.removeprefix(UTF8_BOM), filename or "<input>"


def _looks_like_path(source: str) -> bool:
    return "\n" not in source and len(source) < 4096 and source.endswith((".c", ".h", ".i"))


def verify_ir(text: str) -> llvm.ModuleRef:
    """Parse and verify IR text; a failure names the function and is an internal error."""
    global _initialized
    if not _initialized:
        llvm.initialize_native_target()
        llvm.initialize_native_asmprinter()
        _initialized = True
    try:
        module = llvm.parse_assembly(text)
        module.verify()
        return module
    except RuntimeError as err:
        message = str(err)
        raise IRVerificationError(
            f"internal error: the C frontend produced invalid IR in {_culprit(text, message)}: "
            f"{message.strip()}"
        ) from None


def _culprit(text: str, message: str) -> str:
    """The function an LLVM error message points into (by IR line, or by name)."""
    lines = text.splitlines()
    match = re.search(r":(\d+):\d+:", message)
    if match:
        for row in reversed(lines[: int(match.group(1))]):
            if row.startswith("define "):
                return _function_name(row)
    for name in re.findall(r'@"?([\w.$]+)"?', message):
        if any(row.startswith("define ") and f'@"{name}"(' in row for row in lines):
            return f"function '{name}'"
    return "the module"


def _function_name(define_line: str) -> str:
    match = re.search(r'@"?([^"(]+)"?\(', define_line)
    return f"function '{match.group(1)}'" if match else "the module"
