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
from nsc.frontend import bitfields
from nsc.frontend.codegen.context import FunctionInfo, did_you_mean, node_location
from nsc.frontend.codegen.reach import reachable
from nsc.frontend.complextypes import refuse_in_entry as refuse_complex_in_entry
from nsc.frontend.ctypes import (
    ArrayType,
    CType,
    FunctionType,
    PointerType,
    StructType,
    VoidType,
    array_dims,
)
from nsc.frontend.entry_refusals import refuse_flexible, refuse_union
from nsc.frontend.longdouble import refuse_in_entry
from nsc.frontend.options import FrontendOptions, FrontendWarning
from nsc.frontend.pragmas import Pragma
from nsc.frontend.variable_types import refuse_in_entry as refuse_variable_in_entry
from nsc.signature import (
    DEFAULT_RANGE,
    MAX_SCALARS,
    MAX_SIGNATURE_SCALARS,
    Layout,
    Param,
    Port,
    Role,
    Signature,
    leaf_ports,
)

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
    if len(external) > 1 and "main" in external:
        external.remove("main")  # the file's own test harness, not the function to compile
    if len(external) > 1:  # helpers that another candidate calls are not the entry
        reached = {name: names - {name} for name, names in reachable(ast.ext, external).items()}
        roots = [n for n in external if not any(n in reached[m] for m in external if m != n)]
        external = roots or external
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
    info: FunctionInfo,
    pragmas: Sequence[Pragma],
    options: FrontendOptions,
    body: c_ast.Node | None = None,
) -> Signature:
    """The entry's signature from its C types, the pragmas and the command-line options.

    `body` (the entry's body) lets the error for an entry without inputs say which output
    parameters it reads."""
    names = info.param_names
    _check_pragma_names(info, pragmas)
    shapes = shape_pragmas(pragmas)
    roles = _roles(info, pragmas, options)
    params: list[Param] = []
    for i, name in enumerate(names):
        params.append(_param(info, i, shapes.get(name), roles.get(name)))
        _check_size(params[-1], i, info, pragmas)
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
    _check_total_size(info, inputs, outputs)
    if not inputs and options.require_inputs:
        raise _no_inputs(info, params, body)
    return Signature(info.name, tuple(params), tuple(inputs), tuple(outputs), returns)


def _scalars(ports: Sequence[Port]) -> int:
    return sum(port.size for port in ports)


def _check_size(param: Param, i: int, info: FunctionInfo, pragmas: Sequence[Pragma]) -> None:
    """A parameter holds at most MAX_SCALARS scalars (located at its shape pragma, if any)."""
    count = _scalars(leaf_ports(param.name, param.layout, i))
    if count <= MAX_SCALARS:
        return
    shaped = [p for p in pragmas if p.kind == "shape" and p.args[0] == param.name]
    where = shaped[-1].location if shaped else info.param_locations[i]
    raise CompileError(
        f"parameter '{param.name}' is too large for a surrogate: {count:,} scalars "
        f"(at most {MAX_SCALARS:,})",
        where,
    )


def _check_total_size(info: FunctionInfo, inputs: Sequence[Port], outputs: Sequence[Port]) -> None:
    """The return value holds at most MAX_SCALARS scalars, all ports MAX_SIGNATURE_SCALARS."""
    returned = [port for port in outputs if port.param < 0]
    if _scalars(returned) > MAX_SCALARS:
        raise CompileError(
            f"the return value of '{info.name}' is too large for a surrogate: "
            f"{_scalars(returned):,} scalars (at most {MAX_SCALARS:,})",
            info.location,
        )
    total = _scalars(inputs) + _scalars(outputs)
    if total > MAX_SIGNATURE_SCALARS:
        raise CompileError(
            f"the inputs and outputs of '{info.name}' are too large for a surrogate: "
            f"{total:,} scalars together (at most {MAX_SIGNATURE_SCALARS:,})",
            info.location,
        )


def _no_inputs(
    info: FunctionInfo, params: Sequence[Param], body: c_ast.Node | None
) -> CompileError:
    """The error for an entry without inputs: an output it reads was likely meant as inout."""
    outputs = [p.name for p in params if p.passing == "pointer" and p.role == "output"]
    read = [name for name in outputs if name in _names_read(body, set(outputs))]
    if read:
        quoted, flags = ", ".join(f"'{n}'" for n in read), ",".join(read)
        return CompileError(
            f"entry function '{info.name}' has no inputs, but it reads '{read[0]}', "
            "which is only an output",
            info.param_locations[info.param_names.index(read[0])],
            (
                f"to read {quoted} as an input too, mark it '#pragma nsc inout({', '.join(read)})' "
                f"(or pass --input {flags} --output {flags})",
            ),
        )
    return CompileError(
        f"entry function '{info.name}' has no inputs, so it computes a constant: "
        "there is nothing for a surrogate to learn",
        info.location,
        (
            "give it a parameter its results depend on: by value, through a const pointer, "
            "or marked '#pragma nsc input(NAME)'",
        ),
    )


def _names_read(body: c_ast.Node | None, names: set[str]) -> set[str]:
    """Which of `names` the body uses other than as the target of a plain `=` (`*y = ...`,
    `y[i] = ...`, `y->f = ...`). Walked without recursion: bodies may nest deeply."""
    if body is None:
        return set()
    written: set[int] = set()
    used: list[c_ast.ID] = []
    stack = [body]
    while stack:
        node = stack.pop()
        if isinstance(node, c_ast.Assignment) and node.op == "=":
            target = node.lvalue
            while True:
                if isinstance(target, c_ast.UnaryOp) and target.op == "*":
                    target = target.expr
                elif isinstance(target, c_ast.ArrayRef | c_ast.StructRef):
                    target = target.name
                else:
                    break
            if isinstance(target, c_ast.ID):
                written.add(id(target))
        elif isinstance(node, c_ast.ID) and node.name in names:
            used.append(node)
        stack.extend(node)  # a node iterates over its children
    return {node.name for node in used if id(node) not in written}


def _param(info: FunctionInfo, i: int, shape: tuple[int, ...] | None, role: Role | None) -> Param:
    name, declared, where = info.param_names[i], info.declared_params[i], info.param_locations[i]
    refuse_variable_in_entry(name, declared, where)  # `double a[n][m]`, `double (*a)[m]`
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
    elif name in info.variable_lengths:
        length = info.variable_lengths[name]
        raise CompileError(
            f"parameter '{name}' of the entry has a variable length ('{length}'), known only as "
            "it runs; the oracle passes an array of fixed extent",
            where,
            (f"give its largest extent with '#pragma nsc shape({name}, N)'",),
        )
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
    if isinstance(ctype, FunctionType):
        raise CompileError(
            f"{what} is a function pointer; a surrogate's inputs and outputs are numbers",
            where,
            (
                "compile a function that names the one to call: double f(double x) { return apply(g, x); }",
            ),
        )
    refuse_union(ctype, where, what)
    refuse_in_entry(ctype, where, what)  # a long double, or a struct or array holding one
    refuse_complex_in_entry(ctype, where, what)  # the same for a complex number
    bitfields.refuse_in_entry(ctype, where, what)  # a struct with bit-fields, or one holding one
    refuse_flexible(ctype, where, what)
    try:
        layout = ctype.layout()
    except TypeError:
        raise CompileError(
            f"{what} has type '{ctype}', which holds pointers or has no fixed size", where
        ) from None
    if _holds_int128(layout):
        raise CompileError(
            f"{what} has type '{ctype}', which holds a 128-bit integer: an entry function's "
            "inputs and outputs are float, double or integers of up to 64 bits",
            where,
            ("compute in __int128 inside the function; take and return long long",),
        )
    return layout


def _holds_int128(layout: Layout) -> bool:
    if layout["kind"] == "array":
        return _holds_int128(layout["of"])
    if layout["kind"] == "struct":
        return any(_holds_int128(field) for _, field in layout["fields"])
    return layout["kind"] == "int" and layout["bits"] > 64


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
    """Ranges by name, most binding first: CLI over pragmas, a port over its parameter.

    Ranges say where inputs are sampled, so one on an output is an error where the same
    source (`#pragma nsc output`) or command line (`--range`) made it one. A range pragma on a
    pointer that is an output by default (or by `--output`) is kept for a command line that
    makes it an input, as examples/inversek2j_plain.c expects; `range_warnings` tells when
    none does."""
    role_of = {param.name: param.role for param in params}
    for i, param in enumerate(params):
        role_of.update({p.name: param.role for p in leaf_ports(param.name, param.layout, i)})
    known = set(role_of)
    marked = {name for p in pragmas if p.kind == "output" for name in p.args}
    ranges: dict[str, Range] = {}
    cli: dict[str, Range] = {}
    seen: dict[str, Pragma] = {}
    for pragma in pragmas:
        if pragma.kind == "range":
            name = pragma.args[0]
            if name in seen:  # one range per name: a later one silently replacing it hides a slip
                first = seen[name]
                raise CompileError(
                    f"#pragma nsc range gives '{name}' a second range",
                    pragma.location,
                    (
                        f"'{name}' has the range [{first.args[1]:g}, {first.args[2]:g}] from "
                        f"{first.location}",
                    ),
                )
            seen[name] = pragma
            if name not in known:
                raise CompileError(
                    f"#pragma nsc range names '{name}', which is not a parameter or port",
                    pragma.location,
                    did_you_mean(name, known),
                )
            base = name.split(".")[0]
            if role_of[name] == "output" and base in marked:
                raise CompileError(
                    f"#pragma nsc range names '{name}', which is marked an output of "
                    f"'{info.name}': ranges apply to inputs only",
                    pragma.location,
                    (f"if '{base}' is read as well, mark it 'inout' instead of 'output'",),
                )
            ranges[name] = (float(pragma.args[1]), float(pragma.args[2]))
    for name, (lo, hi) in options.ranges.items():
        if name not in known:
            raise NscError(
                f"--range names '{name}', which is not a parameter or port of '{info.name}'",
                did_you_mean(name, known),
            )
        if role_of[name] == "output":
            base = name.split(".")[0]
            raise NscError(
                f"--range names '{name}', an output of '{info.name}': ranges apply to inputs only",
                (f"if '{base}' is read as well, pass --input {base} --output {base}",),
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


def range_warnings(signature: Signature, pragmas: Sequence[Pragma]) -> tuple[FrontendWarning, ...]:
    """Range pragmas on parameters that are outputs only: they take effect only when a command
    line makes the parameter an input (`--input x --output x`), so here they do nothing."""
    outputs = {param.name for param in signature.params if param.role == "output"}
    found = []
    for pragma in pragmas:
        if pragma.kind != "range" or pragma.args[0].split(".")[0] not in outputs:
            continue
        name, base = pragma.args[0], pragma.args[0].split(".")[0]
        found.append(
            FrontendWarning(
                f"#pragma nsc range names '{name}', an output of '{signature.entry}', "
                "so it has no effect: ranges apply to inputs",
                pragma.location,
                (
                    f"if '{base}' is read as well, mark it '#pragma nsc inout({base})' "
                    f"(or pass --input {base} --output {base})",
                ),
            )
        )
    return tuple(found)
