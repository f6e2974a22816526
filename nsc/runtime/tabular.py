"""Arrays named after ports, read from and written to .npz or .csv files.

An .npz holds one array per port: `[rows]` for a scalar port, `[rows, *shape]` for an array port.
A .csv has a header row of column names and one row per example; a scalar port is one column
named after it, an array port one column per element, named with C-style indices in row-major
order (`w[0][0]`, `w[0][1]`, ..., `w[2][2]`). Columns may come in any order; extra ones are an
error. In a file holding inputs *and* outputs (fine-tuning examples), the output of an inout port
`p` is named `p:out`, as in the ONNX file.

Values must be numbers; those of an integer input must be integers its C type holds, as for
NAME=VALUE on the command line: 2.5, NaN or 1e30 for an `int n` is an error naming the value.
"""

from __future__ import annotations

import csv
import io
import itertools
import math
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path

import numpy as np

from nsc.backend.onnx_writer import output_name
from nsc.diagnostics import NscError, require_file
from nsc.fileio import atomic_savez, atomic_write_text, load_npz
from nsc.signature import Port, Signature

SUFFIXES = (".npz", ".csv")


def column_names(name: str, shape: tuple[int, ...]) -> list[str]:
    """The CSV columns of a port named `name` with `shape`, row-major."""
    if not shape:
        return [name]
    return [
        name + "".join(f"[{i}]" for i in index) for index in itertools.product(*map(range, shape))
    ]


def read_table(
    path: Path, ports: Mapping[str, Port], *, inputs: Collection[str] | None = None
) -> dict[str, np.ndarray]:
    """Arrays for the keys of `ports` (file names -> ports giving shapes) from an .npz or .csv.

    `inputs` names the C inputs among `ports` (default: all of them), whose values must fit
    their type: the one place that checks what `nsc run`, `exec` and `finetune` read from files.
    """
    _check_suffix(path)
    require_file(path)
    if path.suffix == ".npz":
        try:
            arrays = load_npz(path)
        except (ValueError, OSError) as err:
            raise NscError(f"{path}: not a readable .npz file ({err})") from None
    else:
        arrays = _read_csv(path, ports)
    _check_names(path, arrays, ports)
    for name in ports:  # outputs too: a fine-tuning target must be a number
        if arrays[name].dtype.kind not in "biuf":
            role = "input" if inputs is None or name in inputs else "output"
            raise NscError(
                f"{path}: {role} {name} holds {arrays[name].dtype} values, not real numbers"
            )
    for name in ports if inputs is None else inputs:
        _check_input_values(path, ports[name], name, arrays[name])
    return {name: arrays[name] for name in ports}


def write_table(path: Path, arrays: Mapping[str, np.ndarray]) -> None:
    """Write `[rows, *shape]` arrays to an .npz or .csv (atomically)."""
    _check_suffix(path)
    if path.suffix == ".npz":
        atomic_savez(path, arrays)
        return
    header: list[str] = []
    columns = []
    for name, array in arrays.items():
        array = np.asarray(array)
        header += column_names(name, array.shape[1:])
        columns.append(array.reshape(len(array), math.prod(array.shape[1:])))  # even 0 rows
    rows = np.concatenate(columns, axis=1) if columns else np.zeros((0, 0))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([[_cell(v) for v in row] for row in rows])
    atomic_write_text(path, buffer.getvalue())


def _cell(value) -> str:
    if isinstance(value, (bool, np.bool_)):
        return str(int(value))
    return repr(float(value)) if np.asarray(value).dtype.kind == "f" else str(value)


def _read_csv(path: Path, ports: Mapping[str, Port]) -> dict[str, np.ndarray]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:  # spreadsheets write a BOM
            reader = csv.reader(handle)
            rows = [(reader.line_num, row) for row in reader]  # the line each row ends on
    except (OSError, UnicodeDecodeError) as err:
        raise NscError(f"{path}: cannot read ({err})") from None
    if not rows:
        raise NscError(f"{path}: empty file (expected a header row of column names)")
    header = [h.strip() for h in rows[0][1]]
    twice = sorted(name for name, n in Counter(header).items() if n > 1)
    if twice:
        raise NscError(f"{path}: duplicate column(s) in the header: {', '.join(twice[:5])}")
    known = {col for name, port in ports.items() for col in column_names(name, port.shape)}
    extra = [col for col in header if col not in known]
    if extra:
        raise NscError(
            f"{path}: unknown column(s) {', '.join(extra[:5])}", _known_hint(ports, extra)
        )
    body = [(number, row) for number, row in rows[1:] if row]
    for number, row in body:
        if len(row) != len(header):
            raise NscError(f"{path}:{number}: {len(row)} values, but the header has {len(header)}")
    table = _numbers(path, body, header)
    where = {name: i for i, name in enumerate(header)}
    arrays = {}
    for name, port in ports.items():
        cols = column_names(name, port.shape)
        missing = [c for c in cols if c not in where]
        if len(missing) == len(cols):
            continue  # reported by _check_names
        if missing:
            raise NscError(f"{path}: port {name!r} lacks column(s) {', '.join(missing[:5])}")
        arrays[name] = table[:, [where[c] for c in cols]].reshape(len(body), *port.shape)
    return arrays


def _numbers(path: Path, body: list[tuple[int, list[str]]], header: list[str]) -> np.ndarray:
    """The CSV's values as a `[rows, columns]` array; an error names the first that is not a
    number, with its line and column."""
    try:
        return np.array([row for _, row in body], dtype=np.float64).reshape(len(body), len(header))
    except ValueError as err:
        for number, row in body:
            for column, value in zip(header, row, strict=True):
                try:
                    float(value)
                except ValueError:
                    raise NscError(
                        f"{path}:{number}: {column} is {value.strip()!r}, not a number"
                    ) from None
        raise NscError(f"{path}: not all values are numbers ({err})") from None


def _check_names(path: Path, arrays: Mapping[str, np.ndarray], ports: Mapping[str, Port]) -> None:
    missing = [name for name in ports if name not in arrays]
    if missing:
        raise NscError(f"{path}: no data for {', '.join(missing)}", _known_hint(ports))
    extra = [name for name in arrays if name not in ports]
    if extra:
        raise NscError(f"{path}: unknown array(s) {', '.join(extra)}", _known_hint(ports))
    for name, port in ports.items():
        shape = np.shape(arrays[name])
        if not shape:
            want = "[" + ", ".join(["rows", *map(str, port.shape)]) + "]"
            raise NscError(f"{path}: {name!r} is a single value, expected an array {want}")
        if shape[1:] != port.shape:
            want = "[" + ", ".join(["rows", *map(str, port.shape)]) + "]"
            raise NscError(f"{path}: {name!r} has shape {list(shape)}, expected {want}")
    rows = {len(arrays[name]) for name in ports}
    if len(rows) > 1:
        raise NscError(f"{path}: the arrays disagree on the number of rows ({sorted(rows)})")


def _check_input_values(path: Path, port: Port, name: str, values: np.ndarray) -> None:
    """For an integer input, finite integers within its type's range."""
    if not port.is_integer or values.dtype.kind == "b":
        return
    dtype = np.dtype(port.dtype)
    lo, hi = (0, 1) if dtype.kind == "b" else (int(np.iinfo(dtype).min), int(np.iinfo(dtype).max))
    if values.dtype.kind == "f":
        wide = values.astype(np.float64).reshape(-1)  # holds lo and hi + 1 (a power of 2) exactly
        integral = np.isfinite(wide) & (wide == np.floor(wide))
        bad = ~integral | (wide < lo) | (wide >= float(hi + 1))
    else:
        wide = values.reshape(-1)
        integral = np.ones(wide.shape, dtype=bool)
        bad = (wide < lo) | (wide > hi)
    if not bad.any():
        return
    first = int(np.argmax(bad))
    row, *index = np.unravel_index(first, values.shape)
    value = wide[first]
    text = repr(float(value)) if values.dtype.kind == "f" else str(int(value))
    if index:
        text += f" in {name}" + "".join(f"[{i}]" for i in index)
    why = "not an integer" if not integral[first] else f"outside its range [{lo}, {hi}]"
    count = int(bad.sum())
    hints = (
        (f"{count} values of {name} do not fit {dtype}; this is the first",) if count > 1 else ()
    )
    raise NscError(
        f"{path}: input {name} is {dtype}: row {row} holds {text}, which is {why}", hints
    )


def _known_hint(ports: Mapping[str, Port], unknown: Sequence[str] = ()) -> tuple[str, ...]:
    """What the columns should be named; for a header split by another delimiter, that a
    .csv's is a comma."""
    hints = [f"expected: {', '.join(ports)}"]
    if any(sep in name for name in unknown for sep in ";\t|"):
        hints.append("the values of a .csv are separated by commas")
    return tuple(hints)


def _check_suffix(path: Path) -> None:
    if path.suffix not in SUFFIXES:
        raise NscError(f"{path}: data files end in .npz or .csv")


def by_name(ports: Sequence[Port]) -> dict[str, Port]:
    return {port.name: port for port in ports}


def example_ports(signature: Signature) -> dict[str, Port]:
    """The names in a file of input/output examples: inputs, then outputs (inout as `p:out`)."""
    outputs = {output_name(signature, port): port for port in signature.outputs}
    return {**by_name(signature.inputs), **outputs}
