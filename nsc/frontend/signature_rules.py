"""The entry function's signature, by the rules of DESIGN.md "Contracts / Signature".

- entry: options.entry, else `#pragma nsc entry(f)`, else the only external function defined;
- by-value scalars and structs are inputs, const pointers/arrays are inputs, non-const
  pointers/arrays are outputs, a non-void return is the output `return`;
- shapes come from array parameter types or `#pragma nsc shape(p, ...)`; an unshaped pointer
  reaches one element;
- roles are overridden by `#pragma nsc input/output/inout` and then by options.inputs/outputs;
- ranges come from `#pragma nsc range` and then options.ranges, for a whole parameter or one port.
"""

from __future__ import annotations

from collections.abc import Sequence

from pycparser import c_ast

from nsc.diagnostics import CompileError, NscError, SourceLocation
from nsc.frontend.codegen.context import FunctionInfo, did_you_mean, node_location
from nsc.frontend.ctypes import ArrayType, CType, PointerType, StructType, VoidType, array_dims
from nsc.frontend.options import FrontendOptions
from nsc.frontend.pragmas import Pragma
from nsc.signature import DEFAULT_RANGE, Layout, Param, Port, Role, Signature, leaf_ports

Range = tuple[float, float]


def choose_entry(
    ast: c_ast.FileAST, pragmas: Sequence[Pragma], options: FrontendOptions, filename: str
) -> str:
    """The name of the entry function."""
    defined = {ext.decl.name: ext for ext in ast.ext or [] if isinstance(ext, c_ast.FuncDef)}
    if options.entry is not None:
        if options.entry not in defined:
            hints = did_you_mean(options.entry, list(defined))
            raise NscError(f"entry function '{options.entry}' is not defined in {filename}", hints)
        return options.entry
    named = [p for p in pragmas if p.kind == "entry"]
    for pragma in named:
        if pragma.args[0] != named[0].args[0]:
            raise CompileError(
                f"conflicting entry pragmas: '{named[0].args[0]}' and '{pragma.args[0]}'",
                pragma.location,
            )
        if pragma.args[0] not in defined:
            hints = did_you_mean(pragma.args[0], list(defined))
            raise CompileError(
                f"entry function '{pragma.args[0]}' is not defined", pragma.location, hints
            )
    if named:
        return named[0].args[0]
    static = _static_names(ast)
    external = [name for name in defined if name not in static]
    if len(external) == 1:
        return external[0]
    if not external:
        raise CompileError(
            "no external function is defined, so there is no entry function",
            SourceLocation(filename, 1),
            ("define a non-static function, or name one with --entry",),
        )
    candidates = ", ".join(f"'{n}'" for n in external)
    raise CompileError(
        f"cannot choose the entry function among {candidates}",
        node_location(defined[external[1]], filename),
        ("name it with --entry NAME or '#pragma nsc entry(NAME)'",),
    )


def _static_names(ast: c_ast.FileAST) -> set[str]:
    names = set()
    for ext in ast.ext or []:
        decl = ext.decl if isinstance(ext, c_ast.FuncDef) else ext
        if isinstance(decl, c_ast.Decl) and "static" in (decl.storage or []):
            names.add(decl.name)
    return names


def shape_pragmas(pragmas: Sequence[Pragma]) -> dict[str, tuple[int, ...]]:
    return {p.args[0]: tuple(int(d) for d in p.args[1:]) for p in pragmas if p.kind == "shape"}


def extract_signature(
    info: FunctionInfo, pragmas: Sequence[Pragma], options: FrontendOptions
) -> Signature:
    """The entry's signature from its C types, the pragmas and the command-line options."""
    names = info.param_names
    _check_pragma_names(info, pragmas)
    shapes = shape_pragmas(pragmas)
    roles = _roles(info, pragmas, options)
    params: list[Param] = []
    for i, name in enumerate(names):
        params.append(_param(info, i, shapes.get(name), roles.get(name)))
    ranges = _ranges(info, params, pragmas, options)
    inputs: list[Port] = []
    outputs: list[Port] = []
    returns = (
        _layout(info.ctype.ret, info.location, "the return value")
        if not isinstance(info.ctype.ret, VoidType)
        else None
    )
    if returns is not None:
        outputs += leaf_ports("return", returns, -1)
    for i, param in enumerate(params):
        if param.role in ("input", "inout"):
            for port in leaf_ports(param.name, param.layout, i):
                rng = _range_for(port.name, param.name, ranges)
                inputs.append(Port(port.name, port.dtype, port.shape, i, port.path, tuple(rng)))
        if param.role in ("output", "inout"):
            outputs += leaf_ports(param.name, param.layout, i)
    if not outputs:
        raise CompileError(
            f"entry function '{info.name}' has no outputs",
            info.location,
            ("return a value, or write results through a non-const pointer parameter",),
        )
    return Signature(info.name, tuple(params), tuple(inputs), tuple(outputs), returns)


def _param(info: FunctionInfo, i: int, shape: tuple[int, ...] | None, role: Role | None) -> Param:
    name, declared, where = info.param_names[i], info.declared_params[i], info.param_locations[i]
    if not isinstance(declared, PointerType | ArrayType):
        if shape is not None:
            raise CompileError(
                f"shape pragma names '{name}', which is not a pointer or array", where
            )
        layout = _layout(declared, where, f"parameter '{name}'")
        if role not in (None, "input"):
            raise CompileError(
                f"parameter '{name}' is passed by value, so it cannot be an {role}", where
            )
        return Param(name, "value", layout, "input", declared.const)
    pointee = declared.pointee if isinstance(declared, PointerType) else declared.elem
    dims, leaf = array_dims(declared if isinstance(declared, ArrayType) else pointee)
    if isinstance(leaf, PointerType):
        raise CompileError(
            f"parameter '{name}' is a pointer to a pointer, which nsc cannot map to an array", where
        )
    if isinstance(leaf, VoidType):
        raise CompileError(f"parameter '{name}' is a 'void *'; give it an element type", where)
    const = leaf.const
    if shape is not None:
        layout = _layout(_nest(leaf, shape), where, f"parameter '{name}'")
    elif isinstance(declared, ArrayType) and declared.n is not None:
        layout = _layout(declared, where, f"parameter '{name}'")
    else:
        layout = _layout(pointee, where, f"parameter '{name}'")
    default: Role = "input" if const else "output"
    if const and role in ("output", "inout"):
        raise CompileError(
            f"parameter '{name}' points to const data, so it cannot be an {role}", where
        )
    return Param(name, "pointer", layout, role or default, const)


def _nest(leaf: CType, shape: tuple[int, ...]) -> CType:
    for dim in reversed(shape):
        leaf = ArrayType(leaf, dim)
    return leaf


def _layout(ctype: CType, where: SourceLocation, what: str) -> Layout:
    if isinstance(ctype, StructType) and not ctype.is_complete:
        raise CompileError(f"{what} has incomplete type '{ctype}'", where)
    try:
        return ctype.layout()
    except TypeError:
        raise CompileError(
            f"{what} has type '{ctype}', which holds pointers or has no fixed size", where
        ) from None


def _check_pragma_names(info: FunctionInfo, pragmas: Sequence[Pragma]) -> None:
    known = list(info.param_names)
    for pragma in pragmas:
        if pragma.kind == "entry":
            continue
        names = pragma.args if pragma.kind in ("input", "output", "inout") else pragma.args[:1]
        for name in names:
            base = str(name).split(".")[0]
            if base not in known:
                hints = did_you_mean(base, known)
                raise CompileError(
                    f"#pragma nsc {pragma.kind} names '{name}', which is not a parameter of '{info.name}'",
                    pragma.location,
                    hints,
                )
        if pragma.kind == "range" and not pragma.args[1] < pragma.args[2]:
            raise CompileError(
                f"empty range for '{pragma.args[0]}': {pragma.args[1]} >= {pragma.args[2]}",
                pragma.location,
            )


def _roles(
    info: FunctionInfo, pragmas: Sequence[Pragma], options: FrontendOptions
) -> dict[str, Role]:
    roles: dict[str, Role] = {}
    for pragma in pragmas:
        if pragma.kind in ("input", "output", "inout"):
            for name in pragma.args:
                roles[name] = pragma.kind
    known = list(info.param_names)
    for name in (*options.inputs, *options.outputs):
        if name not in known:
            raise NscError(
                f"--input/--output name '{name}', which is not a parameter of '{info.name}'",
                did_you_mean(name, known),
            )
    for name in options.inputs:
        roles[name] = "inout" if name in options.outputs else "input"
    for name in options.outputs:
        if name not in options.inputs:
            roles[name] = "output"
    return roles


def _ranges(
    info: FunctionInfo, params: list[Param], pragmas: Sequence[Pragma], options: FrontendOptions
) -> list[dict[str, Range]]:
    """Ranges by name, most binding first: CLI over pragmas, a port over its parameter."""
    ports = {
        p.name for i, param in enumerate(params) for p in leaf_ports(param.name, param.layout, i)
    }
    known = set(info.param_names) | ports
    ranges: dict[str, Range] = {}
    cli: dict[str, Range] = {}
    for pragma in pragmas:
        if pragma.kind == "range":
            name = pragma.args[0]
            if name not in known:
                raise CompileError(
                    f"#pragma nsc range names '{name}', which is not a parameter or port",
                    pragma.location,
                    did_you_mean(name, known),
                )
            ranges[name] = (float(pragma.args[1]), float(pragma.args[2]))
    for name, (lo, hi) in options.ranges.items():
        if name not in known:
            raise NscError(
                f"--range names '{name}', which is not a parameter or port of '{info.name}'",
                did_you_mean(name, known),
            )
        if not float(lo) < float(hi):
            raise NscError(f"empty range for '{name}': {lo} >= {hi}")
        cli[name] = (float(lo), float(hi))
    return [cli, ranges]


def _range_for(port: str, param: str, ranges: list[dict[str, Range]]) -> Range:
    for table in ranges:
        for name in (port, param):
            if name in table:
                return table[name]
    return DEFAULT_RANGE
