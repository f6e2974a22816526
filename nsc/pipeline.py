"""The driver: runs nsc's stages in order. Each stage is a plain function of typed values.

`nsc ir`, `nsc exec` and `nsc graph` run from here; `nscc` (`compile_c`) lives in `nsc.nscc`,
`nsc.nscc_worker` and `nsc.nscc_backend`, and its names are importable from here too.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from nsc.diagnostics import NscError, require_file
from nsc.fileio import atomic_savez, atomic_write_text
from nsc.frontend import CompiledC, FrontendOptions, c_to_ir
from nsc.nscc import (  # noqa: F401  (nscc's driver, where callers import it from)
    BASELINE_SETS,
    BASELINES_FILE,
    DEFAULT_MODEL,
    INITS,
    MODELS_DIR,
    CompileOptions,
    StageTimes,
    check_compile_options,
    compile_c,
    find_model,
    frontend_stage,
    graph_format,
    model_path,
    pipeline_for,
)
from nsc.nscc_backend import (  # noqa: F401
    Calibration,
    compile_rest,
    emit_weights,
    encode_program,
    finetune,
    finished_rows,
    graph_passes,
    load_model,
    oracle_samples,
    program_graph,
    surrogate_metadata,
    write_surrogate,
)
from nsc.signature import Port, Signature


@dataclass(frozen=True)
class PassOptions:
    """Which passes run after the frontend, and how the pass manager reports on them."""

    pipeline: str = ""
    print_after_all: bool = False
    time_passes: bool = False
    verify_each: bool = False


def lower(source: Path, options: FrontendOptions, passes: PassOptions) -> CompiledC:
    """C source -> LLVM IR (optionally optimized) and the entry's signature."""
    require_file(source)
    compiled = c_to_ir(source, options)
    for warning in compiled.warnings:
        print(warning.render(), file=sys.stderr)
    if not passes.pipeline:
        return compiled
    from nsc.ir.passes import run_passes

    result = run_passes(
        compiled.ir,
        passes.pipeline,
        print_after_all=sys.stderr if passes.print_after_all else None,
        time_passes=passes.time_passes,
        verify_each=passes.verify_each,
        verify_output=True,
    )
    if passes.time_passes:
        print(result.timing_table(), file=sys.stderr)
    return replace(compiled, ir=result.module.text)


def write_text(path: Path | None, text: str) -> None:
    """Write to a file atomically, or to stdout when no path is given."""
    if path is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    else:
        atomic_write_text(path, text)


def save_arrays(path: Path, arrays: dict[str, np.ndarray]) -> None:
    check_arrays_path(path)
    atomic_savez(path, arrays)


def check_arrays_path(path: Path) -> None:
    """`save_arrays` writes .npz files only."""
    if path.suffix != ".npz":
        raise NscError(f"{path}: outputs are written as .npz; name the file *.npz")


def gather_inputs(
    signature: Signature,
    assignments: tuple[str, ...],
    inputs_file: Path | None,
    samples: int | None,
    seed: int,
) -> dict[str, np.ndarray]:
    """Inputs from exactly one source: NAME=VALUE pairs, an .npz or .csv file, or sampling."""
    given = [bool(assignments), inputs_file is not None, samples is not None]
    if sum(given) != 1:
        raise NscError("give the inputs one way: NAME=VALUE pairs, --inputs FILE, or --samples N")
    if samples is not None:
        from nsc.ir.sampling import sample_inputs

        return sample_inputs(signature, samples, seed)
    if inputs_file is not None:
        from nsc.runtime.tabular import by_name, read_table

        return read_table(inputs_file, by_name(signature.inputs))
    return _parse_assignments(signature, assignments)


def _parse_assignments(signature: Signature, assignments: tuple[str, ...]) -> dict[str, np.ndarray]:
    values: dict[str, np.ndarray] = {}
    given: dict[str, str] = {}
    for item in assignments:
        name, sep, text = item.partition("=")
        if not sep:
            raise NscError(f"bad input {item!r}: expected NAME=VALUE")
        try:
            port = signature.input(name)
        except KeyError as err:
            raise NscError(str(err.args[0])) from None
        if name in given:
            raise NscError(f"input {name} is given twice ({given[name]} and {item})")
        given[name] = item
        values[name] = _parse_value(port, text)
    missing = [p.name for p in signature.inputs if p.name not in values]
    if missing:
        raise NscError(f"missing inputs: {', '.join(missing)}")
    return values


def _parse_value(port: Port, text: str) -> np.ndarray:
    """One row of `port` from comma-separated numbers, each of which must fit the port's type."""
    try:
        flat = [_parse_number(port, v) for v in text.split(",")]
    except ValueError:
        raise NscError(f"input {port.name}: {text!r} is not a number or list of numbers") from None
    if len(flat) != port.size:
        shape = "x".join(map(str, port.shape)) or "scalar"
        raise NscError(f"input {port.name} takes {port.size} value(s) ({shape}), got {len(flat)}")
    return np.array(flat, dtype=port.dtype).reshape((1, *port.shape))


def _parse_number(port: Port, text: str) -> int | float:
    """A number of the port's type: an integer type takes integers within its range (integers
    written as floats too, `1e3`), a float type finite values within its range, inf or nan."""
    dtype = np.dtype(port.dtype)
    if dtype.kind == "f":
        value, largest = float(text), float(np.finfo(dtype).max)
        if math.isfinite(value) and abs(value) > largest:
            raise _does_not_fit(port, text, f"outside its range, about ±{largest:.6g}")
        return value
    try:
        value = int(text)
    except ValueError:
        number = float(text)
        if not number.is_integer():  # also nan and inf
            raise _does_not_fit(port, text, "not an integer") from None
        value = int(number)
    lo, hi = (0, 1) if dtype.kind == "b" else (np.iinfo(dtype).min, np.iinfo(dtype).max)
    if not lo <= value <= hi:
        raise _does_not_fit(port, text, f"outside its range [{lo}, {hi}]")
    return value


def _does_not_fit(port: Port, text: str, why: str) -> NscError:
    return NscError(f"input {port.name} is {port.dtype}: {text.strip()!r} is {why}")


def execute(compiled: CompiledC, inputs: dict[str, np.ndarray], *, fuel: int, timeout: float):
    """Run the oracle in a worker process, so nothing the program does can take nsc down."""
    from nsc.ir.oracle import run_isolated

    return run_isolated(compiled.ir, compiled.signature, inputs, fuel=fuel, timeout=timeout)


def status_summary(status: np.ndarray) -> str:
    from nsc.ir.oracle import Status

    counts = np.bincount(status.astype(np.int64), minlength=len(Status))
    parts = [
        f"{Status(code).name.lower().replace('_', ' ')}: {n}"
        for code, n in enumerate(counts)
        if code and n
    ]
    return ", ".join(parts)


def format_execution(signature: Signature, inputs: dict[str, np.ndarray], execution) -> str:
    """A readable listing of each row's outputs; for many rows, a short summary instead."""
    rows = len(execution.status)
    if rows > 8:
        lines = [f"{rows} rows"]
        for port in signature.outputs:
            column = execution.outputs[port.name]
            lines.append(
                f"{port.name}: mean {np.nanmean(column):.6g}, "
                f"min {np.nanmin(column):.6g}, max {np.nanmax(column):.6g}"
            )
        return "\n".join(lines)
    lines = []
    for row in range(rows):
        prefix = f"[{row}] " if rows > 1 else ""
        for port in signature.outputs:
            value = np.asarray(execution.outputs[port.name][row])
            shown = np.array2string(value, precision=9) if value.ndim else _scalar_text(value)
            lines.append(f"{prefix}{port.name} = {shown}")
    return "\n".join(lines)


def _scalar_text(value: np.ndarray) -> str:
    """An output scalar exactly: integers in full, floats as the shortest text that reads back
    as the same value of their type (`long` 123456789012345, not 1.23456789e+14)."""
    scalar = value[()]
    return str(int(scalar)) if value.dtype.kind == "b" else str(scalar)


def run_pipeline(ir: str, pipeline: str) -> str:
    """The IR after `pipeline` (unchanged for an empty one)."""
    if not pipeline:
        return ir
    from nsc.ir.passes import run_passes

    return run_passes(ir, pipeline, verify_output=True).module.text
