"""Load an nsc ONNX surrogate and run it with ONNX Runtime, by port name.

    s = Surrogate("prog.onnx")
    s(x=0.5, y=0.2)                       # one row: {"return": array(0.61, dtype=float32)}
    s(x=np.linspace(0, 1, 100), y=0.2)    # 100 rows; single-row inputs broadcast

A value of shape `port.shape` is one row; `[n, *port.shape]` is n rows. Outputs come back keyed by
output *port* name (an inout port `p` is `p`, although its ONNX output is `p:out`), as float32
arrays with the batch dimension only when some input had one. This module imports no torch.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import onnx

from nsc.backend.onnx_writer import (
    ACTIVATIONS,
    MODEL_KEYS,
    SurrogateMetadata,
    output_name,
    read_initializers,
    read_metadata,
)
from nsc.diagnostics import NscError, require_file
from nsc.signature import Port, Signature

CHUNK_ROWS = 65_536  # rows per ONNX Runtime call (a 64-wide layer of them is 16 MiB)


@dataclass(frozen=True)
class ArrayParams:
    """Surrogate weights `[out, in]` and biases `[out]` as numpy arrays (float32)."""

    weights: list[np.ndarray]
    biases: list[np.ndarray]

    def to_torch(self):
        """`nsc.backend.surrogate.SurrogateParams` with trainable float32 leaves."""
        import torch

        from nsc.backend.surrogate import SurrogateParams

        cast = lambda a: torch.tensor(np.asarray(a, dtype=np.float32))  # noqa: E731
        return SurrogateParams([cast(w) for w in self.weights], [cast(b) for b in self.biases])


@dataclass(frozen=True)
class FamilySpec:
    """The MLP family recorded in the file (same fields as `nsc.backend.surrogate.MLPFamily`)."""

    hidden: tuple[int, ...]
    activation: str


@dataclass(frozen=True)
class NormalizationSpec:
    """The normalization recorded in the file (same fields as `backend.surrogate.Normalization`)."""

    in_low: np.ndarray
    in_high: np.ndarray
    out_center: np.ndarray
    out_scale: np.ndarray


class Surrogate:
    """An nsc surrogate loaded from ONNX: call it with arrays named after the input ports."""

    def __init__(self, path: str | Path, providers: list[str] | None = None):
        self.path = Path(path)
        self.model = _load_model(self.path)
        self.metadata = read_metadata(self.model)
        self.signature = _signature(self.path, self.metadata)
        self.family = _family(self.path, self.metadata)
        self.normalization = _normalization(self.path, self.metadata)
        _check_graph(self.path, self.model, self.signature)
        _check_widths(self.path, self.signature, self.normalization)
        self.session = _session(self.model, providers)
        self._output_names = [output_name(self.signature, p) for p in self.signature.outputs]

    @property
    def params(self) -> ArrayParams:
        """The weights read back from the initializers, `[out, in]` like the torch forward."""
        tensors = read_initializers(self.model)
        layers = len(self.family.hidden) + 1
        try:
            weights = [tensors[f"layer{i}/weight"].T.copy() for i in range(layers)]
            biases = [tensors[f"layer{i}/bias"].copy() for i in range(layers)]
        except KeyError as err:
            raise NscError(f"{self.path}: the model has no initializer {err.args[0]!r}") from None
        widths = [
            _width(self.signature.inputs),
            *self.family.hidden,
            _width(self.signature.outputs),
        ]
        for i, (w, b) in enumerate(zip(weights, biases, strict=True)):
            if w.shape != (widths[i + 1], widths[i]) or b.shape != (widths[i + 1],):
                raise NscError(
                    f"{self.path}: layer {i}'s weights {list(w.shape)} do not fit the widths "
                    f"{widths} its nsc.family and nsc.signature metadata give"
                )
        return ArrayParams(weights, biases)

    def provenance(self) -> SurrogateMetadata:
        """The provenance fields of the metadata, to carry into a fine-tuned copy."""
        meta = self.metadata
        extra = {k: v for k, v in meta.items() if k.startswith("nsc.") and k not in MODEL_KEYS}
        return SurrogateMetadata(
            source_sha256=meta.get("nsc.source_sha256", ""),
            model_id=meta.get("nsc.model_id", "none"),
            calibration_samples=self._count("nsc.calibration_samples"),
            finetune_samples=self._count("nsc.finetune_samples"),
            extra=extra,
        )

    def _count(self, key: str) -> int:
        try:
            return int(self.metadata.get(key, 0))
        except ValueError:
            raise NscError(f"{self.path}: the {key} metadata is damaged") from None

    def __call__(self, **inputs: Any) -> dict[str, np.ndarray]:
        return self.run(inputs)

    def run(self, inputs: Mapping[str, Any], chunk_rows: int = CHUNK_ROWS) -> dict[str, np.ndarray]:
        """Outputs keyed by port name; see the module docstring for shapes.

        ONNX Runtime sees `chunk_rows` rows at a time, so the memory it takes beyond the input
        and output arrays stays bounded however many rows there are."""
        feeds, batched = batch_inputs(self.signature, inputs)
        rows = len(next(iter(feeds.values()))) if feeds else 1
        outputs = {p.name: np.empty((rows, *p.shape), np.float32) for p in self.signature.outputs}
        for start in range(0, rows, chunk_rows):
            chunk = {name: feed[start : start + chunk_rows] for name, feed in feeds.items()}
            results = self._run_session(chunk)
            for port, result in zip(self.signature.outputs, results, strict=True):
                outputs[port.name][start : start + chunk_rows] = result
        if not batched:
            return {name: array[0] for name, array in outputs.items()}
        return outputs

    def _run_session(self, feeds: Mapping[str, np.ndarray]) -> list[np.ndarray]:
        """One run of the ONNX session; its allocation failures raise MemoryError."""
        try:
            return self.session.run(self._output_names, dict(feeds))
        except Exception as err:  # onnxruntime raises its own exception types
            if "Failed to allocate memory" in str(err):
                raise MemoryError("ONNX Runtime could not allocate memory") from None
            raise

    def __repr__(self) -> str:
        ins = ", ".join(p.name for p in self.signature.inputs)
        outs = ", ".join(p.name for p in self.signature.outputs)
        return f"Surrogate({str(self.path)!r}: {self.signature.entry}({ins}) -> {outs})"


def batch_inputs(
    signature: Signature, inputs: Mapping[str, Any]
) -> tuple[dict[str, np.ndarray], bool]:
    """float32 `[n, *shape]` feeds for every input port, and whether any input was batched."""
    names = [p.name for p in signature.inputs]
    for name in inputs:
        if name not in names:
            hints = tuple(f"did you mean {m!r}?" for m in difflib.get_close_matches(name, names, 1))
            raise NscError(f"unknown input {name!r} (the inputs are: {', '.join(names)})", hints)
    missing = [n for n in names if n not in inputs]
    if missing:
        raise NscError(f"missing input(s): {', '.join(missing)}")
    arrays = {p.name: _as_float32(p, inputs[p.name]) for p in signature.inputs}
    rows = {
        p.name: len(arrays[p.name]) for p in signature.inputs if arrays[p.name].shape != p.shape
    }
    sizes = set(rows.values())
    if len(sizes) > 1:
        found = ", ".join(f"{k}: {n}" for k, n in rows.items())
        raise NscError(f"inputs disagree on the number of rows ({found})")
    n = sizes.pop() if sizes else 1
    feeds = {}
    for port in signature.inputs:
        a = arrays[port.name]
        single = port.name not in rows
        feeds[port.name] = np.ascontiguousarray(
            np.broadcast_to(a, (n, *port.shape)) if single else a
        )
    return feeds, bool(rows)


def _as_float32(port: Port, value: Any) -> np.ndarray:
    try:
        with np.errstate(over="raise"):  # finite values beyond float32 raise
            array = np.asarray(value, dtype=np.float32)
        beyond = bool(np.isinf(array).any())  # the surrogate computes in float32: inf is beyond
    except (TypeError, ValueError):
        raise NscError(f"input {port.name!r} is not numeric") from None
    except FloatingPointError:
        beyond = True
    if beyond:
        largest = float(np.finfo(np.float32).max)
        raise NscError(
            f"input {port.name!r} has values outside the surrogate's float32 range (finite "
            f"values up to about ±{largest:.6g})"
        )
    if array.shape != port.shape and array.shape[1:] != port.shape:
        expect = f"{list(port.shape)} for one row or [rows, {', '.join(map(str, port.shape))}]"
        if not port.shape:
            expect = "a scalar or a 1-D array of rows"
        raise NscError(f"input {port.name!r} has shape {list(array.shape)}, expected {expect}")
    return array


def _load_model(path: Path) -> onnx.ModelProto:
    require_file(path)
    raw = path.read_bytes()
    if not raw:
        raise NscError(f"{path}: empty file (expected an ONNX surrogate written by nscc)")
    try:
        return onnx.load_model_from_string(raw)
    except Exception as err:  # protobuf raises DecodeError and friends
        raise NscError(f"{path}: not an ONNX file ({type(err).__name__})") from None


def _signature(path: Path, metadata: Mapping[str, str]) -> Signature:
    if "nsc.signature" not in metadata:
        raise NscError(
            f"{path}: not an nsc surrogate (no nsc.signature in its metadata)",
            hints=("nsc runs ONNX files written by nscc or nsc finetune",),
        )
    try:
        return Signature.from_json(metadata["nsc.signature"])
    except (ValueError, KeyError, TypeError) as err:
        raise NscError(f"{path}: the nsc.signature metadata is damaged ({err})") from None


def _check_graph(path: Path, model: onnx.ModelProto, signature: Signature) -> None:
    """The graph's inputs and outputs must be the ports the signature names, with their shapes
    (`[batch, *shape]`): a file whose metadata describes another graph is refused, not run."""
    expected = {
        "inputs": {p.name: p.shape for p in signature.inputs},
        "outputs": {output_name(signature, p): p.shape for p in signature.outputs},
    }
    found = {
        "inputs": _value_shapes(model.graph.input),
        "outputs": _value_shapes(model.graph.output),
    }
    for kind, ports in expected.items():
        if set(found[kind]) != set(ports):
            raise NscError(
                f"{path}: the graph's {kind} ({', '.join(found[kind]) or 'none'}) are not the "
                f"ports its nsc.signature metadata names ({', '.join(ports) or 'none'})",
                hints=("nsc runs ONNX files written by nscc or nsc finetune",),
            )
        for name, shape in ports.items():
            dims = found[kind][name]
            if len(dims) != len(shape) + 1 or any(
                d is not None and d != n for d, n in zip(dims[1:], shape, strict=True)
            ):
                found_shape = ["batch", *(str(d) if d is not None else "?" for d in dims[1:])]
                given = ", ".join(["batch", *map(str, shape)])
                raise NscError(
                    f"{path}: the graph's {name!r} has shape [{', '.join(found_shape[: len(dims)])}]"
                    f", but the nsc.signature metadata gives it [{given}]"
                )
    for port in (*signature.inputs, *signature.outputs):
        if _kind(port.dtype) not in "biuf":
            raise NscError(f"{path}: the nsc.signature metadata gives {port.name!r} no number type")


def _value_shapes(values) -> dict[str, tuple[int | None, ...]]:
    """Each graph input's or output's dimensions, None where not a fixed size."""
    return {
        v.name: tuple(
            d.dim_value if d.HasField("dim_value") else None for d in v.type.tensor_type.shape.dim
        )
        for v in values
    }


def _kind(dtype: str) -> str:
    try:
        return np.dtype(dtype).kind
    except TypeError:
        return "?"


def _width(ports: tuple[Port, ...]) -> int:
    return sum(port.size for port in ports)


def _check_widths(path: Path, signature: Signature, norm: NormalizationSpec) -> None:
    """The normalization has one column per input and output scalar."""
    columns = {
        "in_low": _width(signature.inputs),
        "in_high": _width(signature.inputs),
        "out_center": _width(signature.outputs),
        "out_scale": _width(signature.outputs),
    }
    for key, width in columns.items():
        if getattr(norm, key).shape != (width,):
            raise NscError(
                f"{path}: the nsc.normalization metadata's {key} has {getattr(norm, key).size} "
                f"columns, not the {width} the signature has"
            )


def _family(path: Path, metadata: Mapping[str, str]) -> FamilySpec:
    try:
        data = json.loads(metadata["nsc.family"])
        family = FamilySpec(tuple(int(h) for h in data["hidden"]), str(data["activation"]))
    except (KeyError, ValueError, TypeError):
        raise NscError(f"{path}: the nsc.family metadata is missing or damaged") from None
    if family.activation not in ACTIVATIONS:
        raise NscError(f"{path}: unknown activation {family.activation!r}")
    return family


def _normalization(path: Path, metadata: Mapping[str, str]) -> NormalizationSpec:
    try:
        data = json.loads(metadata["nsc.normalization"])
        arrays = {
            k: np.asarray(data[k], dtype=np.float64) for k in NormalizationSpec.__annotations__
        }
    except (KeyError, ValueError, TypeError):
        raise NscError(f"{path}: the nsc.normalization metadata is missing or damaged") from None
    return NormalizationSpec(**arrays)


def _session(model: onnx.ModelProto, providers: list[str] | None):
    import onnxruntime as ort

    if providers is None:
        available = ort.get_available_providers()
        providers = [p for p in ("CUDAExecutionProvider", "CPUExecutionProvider") if p in available]
    options = ort.SessionOptions()
    options.log_severity_level = 4  # fatal only: its errors reach nsc as exceptions
    try:
        return ort.InferenceSession(model.SerializeToString(), options, providers=providers)
    except Exception as err:  # onnxruntime raises its own exception types
        raise NscError(f"ONNX Runtime cannot load the model: {err}") from None


def range_warnings(signature: Signature, inputs: Mapping[str, Any]) -> list[str]:
    """One line per input holding NaN, whose outputs are NaN, and one per input holding values
    outside the range the surrogate was compiled for: there it extrapolates from what it learned,
    and its outputs are guesses."""
    lines = []
    for port in signature.inputs:
        if port.name not in inputs:
            continue
        values = np.asarray(inputs[port.name], dtype=np.float64).reshape(-1)
        nan = np.isnan(values)
        if nan.any():
            lines.append(
                f"nsc: warning: input {port.name}: {int(nan.sum())} of {values.size} values are "
                "NaN; the surrogate's outputs for them are NaN"
            )
        if port.range is None:
            continue
        lo, hi = port.range
        outside = (values < lo) | (values > hi)
        if outside.any():
            count = int(outside.sum())
            lines.append(
                f"nsc: warning: input {port.name}: {count} of {values.size} values outside "
                f"the range [{lo:g}, {hi:g}] the surrogate was compiled for; its outputs "
                "there are extrapolations"
            )
    return lines


def format_outputs(signature: Signature, outputs: Mapping[str, np.ndarray]) -> str:
    """A readable listing of each row's outputs; for more than 8 rows, a summary per port."""
    rows = len(next(iter(outputs.values()))) if outputs else 0
    if rows > 8:
        lines = [f"{rows} rows"]
        for port in signature.outputs:
            column = outputs[port.name]
            lines.append(
                f"{port.name}: mean {np.mean(column):.6g}, "
                f"min {np.min(column):.6g}, max {np.max(column):.6g}"
            )
        return "\n".join(lines)
    lines = []
    for row in range(rows):
        prefix = f"[{row}] " if rows > 1 else ""
        for port in signature.outputs:
            value = np.asarray(outputs[port.name][row])
            shown = np.array2string(value, precision=6) if value.ndim else f"{value.item():.7g}"
            lines.append(f"{prefix}{port.name} = {shown}")
    return "\n".join(lines)
