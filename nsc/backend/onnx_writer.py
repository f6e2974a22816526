"""Write a surrogate (MLP weights + normalization + signature) as a self-contained ONNX file.

The graph, for a signature with input ports a, b and output ports c, d:

    a [batch, *shape_a] -> Flatten -+
    b [batch, *shape_b] -> Flatten -+-> Concat -> Mul/Add (range -> [-1, 1])
        -> (MatMul, Add, activation) x hidden layers -> MatMul, Add
        -> Mul/Add (standardized -> raw) -> Split -> Reshape/Squeeze -> c, d

Conventions, all float32 and with a dynamic first dimension named "batch":
- inputs are named after the C input ports (`x`, `w`, `p.r`); integer and bool C inputs are fed as
  float32 too (the surrogate regresses; it never sees C types);
- outputs are named after the C output ports (`return`, `out`, `p.r`), with one exception: ONNX
  forbids an output named like an input, so the output of an *inout* port `p` is named `p:out`
  (`:` cannot occur in a C name, so this never collides with another port);
- integer and bool C outputs come out as float32 regressed values, not rounded;
- an input range or calibrated output scale that float32 cannot hold (beyond about ±3.4e38, or
  a range too narrow to normalize) is an error naming the port, not inf or NaN in the graph.

`metadata_props` hold every `nsc.*` key of `MODEL_KEYS`; JSON values where a key holds a structure.
Every internal tensor name holds a `/`, which no C name can, so none collides with a port.
Weights are stored as initializers named `layer{i}/weight` ([in, out], transposed from the torch
`[out, in]`) and `layer{i}/bias`, so the runtime can read them back for fine-tuning.

The graph is laid out once as plain values (`nsc.backend.onnx_wire.Model`). `write_onnx` encodes
them itself, so writing never imports the onnx package (`nscc` would spend more time importing it
than compiling); `build_onnx` makes the same model with `onnx.helper` and runs `onnx.checker`, and
the tests hold the two to the same bytes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from nsc import __version__
from nsc.backend.onnx_wire import FLOAT, Model, Node, ValueInfo, encode_model
from nsc.diagnostics import NscError
from nsc.fileio import atomic_write_bytes
from nsc.signature import Port, Signature

if TYPE_CHECKING:
    import onnx

OPSET = 17  # ONNX Runtime 1.32 runs opsets up to 23; 17 keeps older runtimes working too
IR_VERSION = 8  # the IR version that goes with opset 17
INOUT_SUFFIX = ":out"
BATCH = "batch"
FLOAT32_MAX = float(np.finfo(np.float32).max)
ACTIVATIONS = ("tanh", "silu")
MODEL_KEYS = (
    "nsc.version",
    "nsc.entry",
    "nsc.signature",
    "nsc.source_sha256",
    "nsc.model_id",
    "nsc.family",
    "nsc.normalization",
    "nsc.calibration_samples",
    "nsc.finetune_samples",
)


class ParamsLike(Protocol):
    """`SurrogateParams` (torch) or `ArrayParams` (numpy): weights `[out, in]`, biases `[out]`."""

    weights: Sequence[Any]
    biases: Sequence[Any]


class FamilyLike(Protocol):
    hidden: tuple[int, ...]
    activation: str


class NormalizationLike(Protocol):
    in_low: np.ndarray
    in_high: np.ndarray
    out_center: np.ndarray
    out_scale: np.ndarray


@dataclass(frozen=True)
class SurrogateMetadata:
    """Provenance recorded in the ONNX file; `extra` holds further `nsc.*` keys (JSON text)."""

    source_sha256: str = ""
    model_id: str = "none"
    calibration_samples: int = 0
    finetune_samples: int = 0
    extra: dict[str, str] = field(default_factory=dict)


def source_sha256(source: str | bytes | Path) -> str:
    """The sha256 of a C file's bytes (a Path) or of source text."""
    if isinstance(source, Path):
        source = source.read_bytes()
    data = source.encode() if isinstance(source, str) else source
    return hashlib.sha256(data).hexdigest()


def output_name(signature: Signature, port: Port) -> str:
    """The ONNX name of an output port: its own name, or `name:out` for an inout port."""
    inputs = {p.name for p in signature.inputs}
    return port.name + INOUT_SUFFIX if port.name in inputs else port.name


def to_numpy(tensor: Any) -> np.ndarray:
    """A float64 numpy copy of a torch tensor or array-like (no torch import needed)."""
    if hasattr(tensor, "detach"):
        tensor = tensor.detach().cpu().double().numpy()
    return np.array(tensor, dtype=np.float64)


def write_onnx(
    path: str | Path,
    signature: Signature,
    params: ParamsLike,
    family: FamilyLike,
    normalization: NormalizationLike,
    metadata: SurrogateMetadata,
) -> None:
    """Lay out and atomically write the surrogate's ONNX file (the bytes `build_onnx` checks).

    Like a C compiler's output, it is not forced to the disk (no fsync): readers still see the
    old file or the new one, and one `nscc` run recreates it."""
    model = surrogate_model(signature, params, family, normalization, metadata)
    atomic_write_bytes(path, encode_model(model), sync=False)


def build_onnx(
    signature: Signature,
    params: ParamsLike,
    family: FamilyLike,
    normalization: NormalizationLike,
    metadata: SurrogateMetadata,
) -> onnx.ModelProto:
    """The surrogate as an ONNX model, checked with `onnx.checker` (full_check)."""
    import onnx

    model = to_proto(surrogate_model(signature, params, family, normalization, metadata))
    try:
        onnx.checker.check_model(model, full_check=True)
    except onnx.checker.ValidationError as err:  # a bug in this writer, not a user error
        raise RuntimeError(f"nsc wrote an invalid ONNX model: {err}") from err
    return model


def surrogate_model(
    signature: Signature,
    params: ParamsLike,
    family: FamilyLike,
    normalization: NormalizationLike,
    metadata: SurrogateMetadata,
) -> Model:
    """The surrogate's graph, initializers and metadata as plain values."""
    weights, biases = _check_params(signature, params, family)
    builder = _GraphBuilder()
    x = builder.gather_inputs(signature.inputs)
    x = builder.affine(x, *_input_affine(normalization, signature.inputs), "nsc/normalized_inputs")
    x = builder.mlp(x, weights, biases, family.activation)
    x = builder.affine(x, *_output_affine(normalization, signature.outputs), "nsc/raw_outputs")
    builder.scatter_outputs(x, signature)
    return Model(
        graph_name=signature.entry,
        nodes=builder.nodes,
        initializers=builder.initializers,
        inputs=builder.inputs,
        outputs=builder.outputs,
        ir_version=IR_VERSION,
        opset=OPSET,
        producer_name="nsc",
        producer_version=__version__,
        doc_string=f"nsc surrogate of {signature.entry}",
        metadata=metadata_props(signature, family, normalization, metadata),
    )


def to_proto(model: Model) -> onnx.ModelProto:
    """The same model built with `onnx.helper` (imports onnx)."""
    from onnx import helper, numpy_helper

    def value_info(v: ValueInfo) -> onnx.ValueInfoProto:
        return helper.make_tensor_value_info(v.name, FLOAT, list(v.shape))

    nodes = [
        helper.make_node(n.op, list(n.inputs), list(n.outputs), name=n.name, **dict(n.attributes))
        for n in model.nodes
    ]
    graph = helper.make_graph(
        nodes,
        model.graph_name,
        [value_info(v) for v in model.inputs],
        [value_info(v) for v in model.outputs],
        [numpy_helper.from_array(array, name) for name, array in model.initializers],
    )
    proto = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", model.opset)],
        ir_version=model.ir_version,
        producer_name=model.producer_name,
        producer_version=model.producer_version,
        doc_string=model.doc_string,
    )
    helper.set_model_props(proto, dict(model.metadata))
    return proto


def metadata_props(
    signature: Signature,
    family: FamilyLike,
    normalization: NormalizationLike,
    metadata: SurrogateMetadata,
) -> dict[str, str]:
    """The `nsc.*` metadata of a surrogate, as ONNX `metadata_props` strings."""
    norm = {
        name: to_numpy(getattr(normalization, name)).tolist()
        for name in ("in_low", "in_high", "out_center", "out_scale")
    }
    props = {
        "nsc.version": __version__,
        "nsc.entry": signature.entry,
        "nsc.signature": signature.to_json(),
        "nsc.source_sha256": metadata.source_sha256,
        "nsc.model_id": metadata.model_id,
        "nsc.family": json.dumps({"hidden": list(family.hidden), "activation": family.activation}),
        "nsc.normalization": json.dumps(norm),
        "nsc.calibration_samples": str(int(metadata.calibration_samples)),
        "nsc.finetune_samples": str(int(metadata.finetune_samples)),
    }
    for key, value in metadata.extra.items():
        if not key.startswith("nsc.") or key in props:
            raise ValueError(f"extra metadata keys start with 'nsc.' and are new, not {key!r}")
        props[key] = value
    return props


def _check_params(
    signature: Signature, params: ParamsLike, family: FamilyLike
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Numpy weights and biases whose shapes chain from the inputs' width to the outputs'."""
    if family.activation not in ACTIVATIONS:
        raise NscError(f"the ONNX writer has no activation {family.activation!r}")
    weights = [to_numpy(w) for w in params.weights]
    biases = [to_numpy(b) for b in params.biases]
    in_width = sum(p.size for p in signature.inputs)
    out_width = sum(p.size for p in signature.outputs)
    widths = [in_width, *family.hidden, out_width]
    if len(weights) != len(widths) - 1 or len(biases) != len(weights):
        raise NscError(f"expected {len(widths) - 1} layers for widths {widths}, got {len(weights)}")
    for i, (w, b) in enumerate(zip(weights, biases, strict=True)):
        if w.shape != (widths[i + 1], widths[i]) or b.shape != (widths[i + 1],):
            raise NscError(
                f"layer {i} has weight {list(w.shape)} and bias {list(b.shape)}, "
                f"expected [{widths[i + 1]}, {widths[i]}] and [{widths[i + 1]}] for widths {widths}"
            )
    return weights, biases


def _input_affine(norm: NormalizationLike, ports: Sequence[Port]) -> tuple[np.ndarray, np.ndarray]:
    """`2 (x - lo) / (hi - lo) - 1` as `x * a + b`; an error for a range float32 cannot hold."""
    low, high = to_numpy(norm.in_low), to_numpy(norm.in_high)
    width = sum(p.size for p in ports)
    if low.shape != (width,) or high.shape != (width,):
        raise NscError(f"the input normalization has {low.size} columns, the inputs {width}")
    with np.errstate(divide="ignore", over="ignore"):
        a = 2.0 / (high - low)
    column = _first_beyond_float32(low, high, a)
    if column is not None:
        port = _port_at(ports, column)
        raise NscError(
            f"input {port.name!r} has the range [{low[column]:g}, {high[column]:g}], beyond what "
            f"the surrogate's float32 inputs hold (values up to about ±{FLOAT32_MAX:.3g}, "
            f"ranges wider than about {2 / FLOAT32_MAX:.2g})",
            hints=(f"give it a range float32 holds (--range {port.name}=LO:HI)",),
        )
    return a, -low * a - 1.0


def _output_affine(norm: NormalizationLike, ports: Sequence[Port]) -> tuple[np.ndarray, np.ndarray]:
    """`y * scale + center`; an error for a calibrated scale float32 cannot hold."""
    center, scale = to_numpy(norm.out_center), to_numpy(norm.out_scale)
    width = sum(p.size for p in ports)
    if center.shape != (width,) or scale.shape != (width,):
        raise NscError(f"the output normalization has {center.size} columns, the outputs {width}")
    column = _first_beyond_float32(center, scale)
    if column is not None:
        port = _port_at(ports, column)
        raise NscError(
            f"output {port.name!r} has values of about {center[column]:.3g} (scale "
            f"{scale[column]:.3g}) on the calibration inputs, beyond the surrogate's float32 "
            f"outputs (about ±{FLOAT32_MAX:.3g})",
            hints=(
                "scale the result in the C code, or narrow the input ranges (--range NAME=LO:HI)",
            ),
        )
    return scale, center


def _first_beyond_float32(*columns: np.ndarray) -> int | None:
    """The first column where a value is NaN or beyond float32, which the graph computes in."""
    fits = np.all([np.abs(c) <= FLOAT32_MAX for c in columns], axis=0)
    bad = np.flatnonzero(~fits)
    return int(bad[0]) if bad.size else None


def _port_at(ports: Sequence[Port], column: int) -> Port:
    """The port that holds flattened column `column` of the ports' concatenated scalars."""
    ends = np.cumsum([p.size for p in ports])
    return ports[int(np.searchsorted(ends, column, side="right"))]


class _GraphBuilder:
    """Collects nodes, initializers and value infos; names every tensor it makes."""

    def __init__(self) -> None:
        self.nodes: list[Node] = []
        self.initializers: list[tuple[str, np.ndarray]] = []
        self.inputs: list[ValueInfo] = []
        self.outputs: list[ValueInfo] = []

    def constant(self, name: str, value: np.ndarray, dtype=np.float32) -> str:
        self.initializers.append((name, np.asarray(value, dtype=dtype)))
        return name

    def node(self, op: str, inputs: list[str], output: str, **attrs: int) -> str:
        self.nodes.append(Node(op, tuple(inputs), (output,), output, tuple(attrs.items())))
        return output

    def gather_inputs(self, ports: Sequence[Port]) -> str:
        """Every input port flattened to `[batch, size]`, concatenated in signature order."""
        columns = []
        for port in ports:
            self.inputs.append(ValueInfo(port.name, (BATCH, *port.shape)))
            columns.append(self.node("Flatten", [port.name], f"flat/{port.name}", axis=1))
        if len(columns) == 1:
            return columns[0]
        return self.node("Concat", columns, "nsc/inputs", axis=1)

    def affine(self, x: str, scale: np.ndarray, shift: np.ndarray, name: str) -> str:
        x = self.node("Mul", [x, self.constant(f"{name}/scale", scale)], f"{name}/mul")
        return self.node("Add", [x, self.constant(f"{name}/shift", shift)], name)

    def mlp(
        self, x: str, weights: list[np.ndarray], biases: list[np.ndarray], activation: str
    ) -> str:
        last = len(weights) - 1
        for i, (w, b) in enumerate(zip(weights, biases, strict=True)):
            x = self.node("MatMul", [x, self.constant(f"layer{i}/weight", w.T)], f"layer{i}/matmul")
            x = self.node("Add", [x, self.constant(f"layer{i}/bias", b)], f"layer{i}/add")
            if i == last:
                break
            if activation == "tanh":
                x = self.node("Tanh", [x], f"layer{i}/tanh")
            else:
                gate = self.node("Sigmoid", [x], f"layer{i}/sigmoid")
                x = self.node("Mul", [x, gate], f"layer{i}/silu")
        return x

    def scatter_outputs(self, y: str, signature: Signature) -> None:
        """Split `[batch, out_width]` into the output ports, each in its own shape."""
        ports = signature.outputs
        sizes = [p.size for p in ports]
        if len(ports) == 1:
            parts = [y]
        else:
            split = self.constant("nsc/split_sizes", np.array(sizes), dtype=np.int64)
            parts = [f"part/{p.name}" for p in ports]
            self.nodes.append(Node("Split", (y, split), tuple(parts), "nsc/split", (("axis", 1),)))
        for port, part in zip(ports, parts, strict=True):
            name = output_name(signature, port)
            if port.shape:
                shape = self.constant(f"shape/{port.name}", np.array([0, *port.shape]), np.int64)
                self.node("Reshape", [part, shape], name)
            else:
                axes = self.constant(f"axes/{port.name}", np.array([1]), np.int64)
                self.node("Squeeze", [part, axes], name)
            self.outputs.append(ValueInfo(name, (BATCH, *port.shape)))


def read_metadata(model: onnx.ModelProto) -> dict[str, str]:
    """The model's `metadata_props` as a dict."""
    return {prop.key: prop.value for prop in model.metadata_props}


def read_initializers(model: onnx.ModelProto) -> Mapping[str, np.ndarray]:
    from onnx import numpy_helper

    return {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
