"""The hypernetwork's forward pass in numpy: graph encoder + weight emission, without torch.

`nscc` runs the hypernetwork once per compile, on one program. Importing torch alone takes longer
than the whole compile should, so this module reads the torch module's state dict (by parameter
name, from safetensors via `safetensors.numpy`) and repeats `GGNNEncoder.forward` and
`Hypernetwork.forward` for a single program in float32 numpy: the GRU cell, LayerNorm and SiLU by
hand, per-target means of messages with one sorted `np.add.reduceat` (faster than `np.add.at`
here; see benchmarks/bench_nscc.py). A test checks it against the torch forward to ~1e-5.

A model is a folder holding `config.json` (a `HypernetConfig`), `vocab.json` and
`model.safetensors`, or a training checkpoint (one .safetensors file, see `load_hypernet`).
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np

from nsc.backend.arrays import FLOWS, ProgramTensors, Slots
from nsc.backend.vocab import Vocab
from nsc.diagnostics import NscError
from nsc.fileio import check_tensors_digest, safetensors_metadata

CONFIG_FILE = "config.json"
VOCAB_FILE = "vocab.json"
WEIGHTS_FILE = "model.safetensors"
CHECKPOINT_PREFIX = "model/"  # nsc.backend.checkpoint.MODEL
SHIPPED_FILE = "default.safetensors"  # nsc.backend.model.DEFAULT_MODEL's name
BASELINES_FILE = "baselines.safetensors"  # nsc.backend.model.BASELINES_FILE
_TOKEN_TABLE = "encoder.token.weight"  # one row per vocabulary token
BASE_PREFIX = "base_"
EDGE_TYPES = 2 * len(FLOWS)
MAX_POSITION = 4096
MAX_FIELDS = 16
MAX_STEPS = 256  # GGNN message-passing steps a model may take (the shipped ones take 4 to 6)
LAYER_NORM_EPS = 1e-5


@dataclass(frozen=True)
class EmittedArrays:
    """One program's surrogate weights `[out, in]` and biases `[out]` (float32 numpy)."""

    weights: list[np.ndarray]
    biases: list[np.ndarray]


@dataclass(frozen=True)
class NumpyHypernet:
    """A trained hypernetwork as numpy arrays: its config (as JSON data), vocabulary, params."""

    config: dict[str, Any]
    vocab: Vocab
    params: dict[str, np.ndarray]
    model_id: str

    @property
    def dim(self) -> int:
        return int(self.config["encoder_options"].get("dim", 128))

    @property
    def steps(self) -> int:
        return int(self.config["encoder_options"].get("steps", 6))

    @property
    def ranges(self) -> bool:
        return bool(self.config["encoder_options"].get("ranges", False))

    @property
    def fusion_dim(self) -> int:
        return int(self.config.get("fusion_dim", 0))

    @property
    def touches(self) -> bool:
        return bool(self.config.get("touches", False))

    @property
    def units(self) -> int:
        return int(self.config.get("units", 0))

    @property
    def context(self) -> bool:
        return bool(self.config["encoder_options"].get("context", False))

    @property
    def hidden(self) -> tuple[int, ...]:
        return tuple(int(h) for h in self.config["surrogate_options"].get("hidden", (32, 32)))

    @property
    def activation(self) -> str:
        return str(self.config["surrogate_options"].get("activation", "tanh"))

    def __getitem__(self, name: str) -> np.ndarray:
        try:
            return self.params[name]
        except KeyError:
            raise NscError(f"model {self.model_id}: no parameter {name!r} in the weights") from None


def load_hypernet(path: str | Path) -> NumpyHypernet:
    """Read a model without torch: a folder (config, vocabulary, weights) or a training
    checkpoint (`nsc.backend.checkpoint`: `model/` tensors, config and vocabulary in metadata)."""
    from safetensors import SafetensorError

    path = Path(path)
    if path.is_dir() and not (path / CONFIG_FILE).exists() and (path / SHIPPED_FILE).is_file():
        path = path / SHIPPED_FILE
    try:
        if path.is_dir():
            config, vocab, params = _read_folder(path)
            raw = (path / WEIGHTS_FILE).read_bytes()
        else:
            if not path.is_file():
                raise NscError(f"model {path}: no such file or folder")
            raw = path.read_bytes()
            config, vocab, params = _read_checkpoint(path, raw)
    except (OSError, ValueError, KeyError, TypeError, SafetensorError) as err:
        raise NscError(f"model {path}: cannot read it ({err})") from None
    if not isinstance(config, dict):
        raise NscError(f"model {path}: the hypernetwork config is damaged (not a JSON object)")
    if config.get("encoder", "ggnn") != "ggnn" or config.get("surrogate", "mlp") != "mlp":
        raise NscError(
            f"model {path}: the numpy forward knows the ggnn encoder and mlp surrogate, "
            f"not {config.get('encoder')!r}/{config.get('surrogate')!r}"
        )
    digest = hashlib.sha256(raw).hexdigest()[:12]
    model = NumpyHypernet(config, vocab, params, f"{path.stem}@sha256:{digest}")
    _check_config(path, model)
    _check_weights(path, model)
    return model


def _check_weights(path: Path, model: NumpyHypernet) -> None:
    """Weights a surrogate can come from: finite (a diverged run's are NaN, and every surrogate
    emitted from them would compute NaN), and a token table the size of the vocabulary."""
    broken = sorted(name for name, value in model.params.items() if not np.isfinite(value).all())
    if broken:
        more = f" and {len(broken) - 1} more" if len(broken) > 1 else ""
        raise NscError(
            f"model {path}: its weights are not finite ({broken[0]}{more}): the run that wrote "
            "them diverged",
            hints=("train again with a lower --lr, or use another checkpoint of the run",),
        )
    table = model.params.get(_TOKEN_TABLE)
    if table is not None and table.shape[0] != len(model.vocab.tokens):
        raise NscError(
            f"model {path}: the vocabulary has {len(model.vocab.tokens)} tokens and the token "
            f"table {table.shape[0]} rows: the model is damaged"
        )


def _check_config(path: Path, model: NumpyHypernet) -> None:
    """Every setting the forward reads must be there, of its type: a damaged config is an
    error naming the model, not a KeyError in the middle of a compile."""
    try:
        steps, hidden = model.steps, model.hidden
        _ = (model.dim, model.ranges, model.fusion_dim, model.touches, model.activation)
        _ = (model.units, model.context)
        _ = int(model.config.get("max_slots", 64))
    except (KeyError, TypeError, ValueError, AttributeError) as err:
        raise NscError(
            f"model {path}: the hypernetwork config is damaged ({type(err).__name__}: {err})"
        ) from None
    if not 1 <= steps <= MAX_STEPS or not hidden or min(hidden) < 1:
        raise NscError(
            f"model {path}: the hypernetwork config is damaged (steps {steps}, hidden {hidden})"
        )


def with_bases(model: NumpyHypernet, path: Path, name: str) -> NumpyHypernet:
    """`model` with its `base_*` parameters replaced by the set `name` of a baselines file
    (`nsc.backend.baselines.save_baselines`); emit it with `modulate=False`."""
    from safetensors import SafetensorError
    from safetensors.numpy import load

    prefix = f"{CHECKPOINT_PREFIX}{name}/"
    try:
        raw = Path(path).read_bytes()
        tensors = load(raw)
        metadata = safetensors_metadata(raw)
    except (OSError, ValueError, SafetensorError) as err:
        raise NscError(f"{path}: cannot read the baselines ({err})") from None
    check_tensors_digest(raw, metadata, path)
    bases = {k[len(prefix) :]: v for k, v in tensors.items() if k.startswith(prefix)}
    if not bases:
        raise NscError(f"{path}: no {name!r} baseline in this file")
    ours = {k for k in model.params if k.startswith(BASE_PREFIX)}
    if set(bases) != ours or any(bases[k].shape != model.params[k].shape for k in ours):
        raise NscError(f"{path}: the {name!r} baseline does not fit the model's shapes")
    return NumpyHypernet(
        model.config, model.vocab, {**model.params, **_float32(bases)}, model.model_id
    )


def _read_folder(folder: Path) -> tuple[dict[str, Any], Vocab, dict[str, np.ndarray]]:
    for name in (CONFIG_FILE, VOCAB_FILE, WEIGHTS_FILE):
        if not (folder / name).is_file():
            raise NscError(f"model {folder}: missing {folder / name}")
    from safetensors.numpy import load_file

    config = json.loads((folder / CONFIG_FILE).read_text())
    try:
        vocab = Vocab.from_json((folder / VOCAB_FILE).read_text())
    except NscError as err:
        raise NscError(f"model {folder}: {folder / VOCAB_FILE}: {err.message}") from None
    return config, vocab, _float32(load_file(folder / WEIGHTS_FILE))


def _read_checkpoint(path: Path, raw: bytes) -> tuple[dict[str, Any], Vocab, dict[str, np.ndarray]]:
    """A training checkpoint's config, vocabulary and model tensors, from its bytes (whose
    tensor digest, when recorded, must match)."""
    from safetensors.numpy import load

    try:
        metadata = safetensors_metadata(raw)
    except ValueError:  # the 8-byte length and JSON header of a safetensors file are missing
        what = "an ONNX surrogate, " if path.suffix == ".onnx" else ""
        raise NscError(
            f"model {path}: {what}not a hypernetwork model (no readable safetensors header)",
            hints=(
                "--model takes a model name (default, fused), a model folder, a training run's "
                "folder or its .safetensors checkpoint",
            ),
        ) from None
    document = json.loads(metadata.get("nsc", "{}"))
    if "hypernet" not in document or "vocab" not in document:
        raise NscError(f"model {path}: not an nsc checkpoint (no hypernet config or vocab)")
    check_tensors_digest(raw, metadata, path)
    tensors = load(raw)
    params = {
        k[len(CHECKPOINT_PREFIX) :]: v
        for k, v in tensors.items()
        if k.startswith(CHECKPOINT_PREFIX)
    }
    return document["hypernet"], Vocab(tuple(document["vocab"])), _float32(params)


def _float32(params: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in params.items()}


def emit(model: NumpyHypernet, program: ProgramTensors, *, modulate: bool = True) -> EmittedArrays:
    """The surrogate weights the hypernetwork emits for one program (`Hypernetwork.forward`)."""
    if program.fusion.shape[1] != model.fusion_dim:
        raise NscError(
            f"the program has {program.fusion.shape[1]} fusion features per node; "
            f"the model expects {model.fusion_dim}"
        )
    hidden = model.hidden
    n_in, n_out = program.inputs.width, program.outputs.width
    if modulate:
        deltas = _deltas(model, program)
    else:
        shapes = [(n_in, hidden[0]), (n_out, hidden[-1] + 1), (hidden[0],)]
        shapes += [(b * a + b,) for a, b in pairwise(hidden)]
        deltas = [np.zeros(s, dtype=np.float32) for s in shapes]
    in_delta, out_delta, bias_delta, *middle_delta = deltas
    cap = int(model.config.get("max_slots", 64)) - 1
    in_scale = np.float32(n_in**-0.5)
    columns = (model["base_in"][np.minimum(np.arange(n_in), cap)] + in_delta) * in_scale
    weights = [columns.T]
    biases = [(model["base_first_bias"] + bias_delta) * in_scale]
    for i, ((a, b), delta) in enumerate(zip(pairwise(hidden), middle_delta, strict=True)):
        flat = (model[f"base_middle.{i}"] + delta) * np.float32(a**-0.5)
        weights.append(flat[: b * a].reshape(b, a))
        biases.append(flat[b * a :])
    rows = model["base_out"][np.minimum(np.arange(n_out), cap)] + out_delta
    weights.append(rows[:, :-1] * np.float32(hidden[-1] ** -0.5))
    biases.append(rows[:, -1])
    as32 = lambda xs: [np.ascontiguousarray(x, dtype=np.float32) for x in xs]  # noqa: E731
    return EmittedArrays(as32(weights), as32(biases))


def _deltas(model: NumpyHypernet, program: ProgramTensors) -> list[np.ndarray]:
    nodes, graph = encode(model, program)
    ins, outs = program.inputs, program.outputs
    touches = model.touches
    in_feat = _slot_features(ins, nodes, graph, _identity(model, "in_identity", ins), touches)
    out_feat = _slot_features(outs, nodes, graph, _identity(model, "out_identity", outs), touches)
    in_delta = _head(model, "in_head", in_feat)
    out_delta = _head(model, "out_head", out_feat)
    code = _silu(_linear(model, "code.1", _layer_norm(model, "code.0", graph)))
    middle = [_linear(model, f"middle.{i}", code)[0] for i in range(len(model.hidden) - 1)]
    deltas = [in_delta, out_delta, _linear(model, "first_bias", code)[0], *middle]
    if model.units:
        extra = _unit_deltas(model, nodes, graph, in_feat, out_feat)
        deltas = [d + e for d, e in zip(deltas, extra, strict=True)]
    return deltas


def _unit_deltas(
    model: NumpyHypernet,
    nodes: np.ndarray,
    graph: np.ndarray,
    in_feat: np.ndarray,
    out_feat: np.ndarray,
) -> list[np.ndarray]:
    """`UnitEmitter.forward` of `nsc.backend.hypernet`, for one program."""
    p, depth = model, len(model.hidden)
    scale = np.float32(float(model.config.get("delta_gain", 0.3)) * model.units**-0.5)
    keys, values = nodes @ p["units.key.weight"].T, nodes @ p["units.value.weight"].T
    context = _linear(p, "units.graph", graph)  # [1, dim]
    units = []
    for i in range(depth):
        queries = p[f"units.queries.{i}"]  # [H, dim]
        scores = keys @ queries.T * np.float32(nodes.shape[1] ** -0.5)  # [N, H]
        weights = np.exp(scores - scores.max(axis=0, keepdims=True))
        weights /= weights.sum(axis=0, keepdims=True)
        units.append(_layer_norm(p, "units.norm", weights.T @ values + queries + context))
    project = lambda kind, i: units[i] @ p[f"units.{kind}.{i}.weight"].T  # noqa: E731
    in_slots = _linear(p, "units.in_slot.1", _layer_norm(p, "units.in_slot.0", in_feat))
    in_delta = in_slots @ project("dst", 0).T * scale
    out_slots = _linear(p, "units.out_slot.1", _layer_norm(p, "units.out_slot.0", out_feat))
    rows = out_slots @ project("src", depth - 1).T * scale
    out_delta = np.concatenate([rows, np.zeros((rows.shape[0], 1), dtype=np.float32)], axis=1)
    first_bias = _linear(p, "units.bias.0", units[0])[:, 0]
    middle = []
    for i in range(1, depth):
        w = project("dst", i) @ project("src", i - 1).T * scale  # [b, a]
        b = _linear(p, f"units.bias.{i}", units[i])[:, 0]
        middle.append(np.concatenate([w.reshape(-1), b]))
    return [in_delta, out_delta, first_bias, *middle]


def encode(model: NumpyHypernet, program: ProgramTensors) -> tuple[np.ndarray, np.ndarray]:
    """Node states `[N, dim]` and the graph embedding `[1, dim]` (`GGNNEncoder.forward`)."""
    p = model
    h = p[_TOKEN_TABLE][program.tokens] + p["encoder.role.weight"][program.roles]
    h = h + _linear(p, "encoder.constant", program.constants)
    if model.ranges:
        h = h + program.ranges @ p["encoder.range.weight"].T
    if model.fusion_dim:
        extra = np.concatenate([program.fusion, program.fusion_mask[:, None]], axis=1)
        h = h + extra @ p["encoder.fusion.weight"].T
    src, dst, gate, bounds = _typed_edges(model, program)
    n = program.num_nodes
    aggregate = SegmentMean(dst, n)
    layers = [
        (p[f"encoder.messages.{t}.weight"].T, p[f"encoder.messages.{t}.bias"])
        for t in range(EDGE_TYPES)
    ]
    for _ in range(model.steps):
        gated = h[src] * gate
        message = np.empty_like(gated)
        for (w, b), lo, hi in zip(layers, bounds[:-1], bounds[1:], strict=True):
            message[lo:hi] = gated[lo:hi] @ w + b
        incoming = aggregate(message)
        if model.context:
            incoming = incoming + _linear(p, "encoder.context", h.mean(axis=0, keepdims=True))
        h = _gru(model, incoming, h)
    pooled = np.concatenate([h.mean(axis=0), h.max(axis=0)])[None, :]
    return h, _linear(p, "encoder.readout", pooled)


class SegmentMean:
    """Mean of message rows per target node, for fixed targets: sort once, then `reduceat`."""

    def __init__(self, index: np.ndarray, count: int):
        self.order = np.argsort(index, kind="stable")
        ordered = index[self.order]
        self.starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]]) if len(index) else []
        self.targets = ordered[self.starts] if len(index) else np.zeros(0, dtype=np.int64)
        counts = np.bincount(index, minlength=count).astype(np.float32)
        self.inverse = (1.0 / np.maximum(counts, 1.0))[:, None]
        self.count = count

    def __call__(self, values: np.ndarray) -> np.ndarray:
        out = np.zeros((self.count, values.shape[1]), dtype=values.dtype)
        if len(self.targets):
            out[self.targets] = np.add.reduceat(values[self.order], self.starts, axis=0)
        return out * self.inverse


def _typed_edges(
    model: NumpyHypernet, program: ProgramTensors
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Forward then reversed edges, sorted by type; per-edge gates; type boundaries."""
    src = np.concatenate([program.edge_src, program.edge_dst])
    dst = np.concatenate([program.edge_dst, program.edge_src])
    kind = np.concatenate([program.edge_flow, program.edge_flow + len(FLOWS)])
    angles = sinusoid(program.edge_pos, model.dim)
    gate = 2.0 * _sigmoid(_linear(model, "encoder.gate", angles))
    gate = np.concatenate([gate, gate])
    order = np.argsort(kind, kind="stable")
    bounds = np.r_[0, np.cumsum(np.bincount(kind, minlength=EDGE_TYPES))]
    return src[order], dst[order], gate[order], bounds


def sinusoid(positions: np.ndarray, dim: int) -> np.ndarray:
    """Transformer-style sinusoidal embedding of integer positions: [E] -> [E, dim]."""
    half = dim // 2
    steps = np.arange(half, dtype=np.float32)
    freqs = np.exp(np.float32(-math.log(10000.0)) * steps / np.float32(max(half, 1)))
    angles = np.clip(positions, 0, MAX_POSITION).astype(np.float32)[:, None] * freqs[None, :]
    out = np.concatenate([np.sin(angles), np.cos(angles)], axis=1)
    if dim % 2:
        out = np.concatenate([out, np.zeros((out.shape[0], 1), dtype=np.float32)], axis=1)
    return out


def _gru(model: NumpyHypernet, x: np.ndarray, h: np.ndarray) -> np.ndarray:
    """`torch.nn.GRUCell`: gates ordered reset, update, new."""
    gi = x @ model["encoder.update.weight_ih"].T + model["encoder.update.bias_ih"]
    gh = h @ model["encoder.update.weight_hh"].T + model["encoder.update.bias_hh"]
    i_r, i_z, i_n = np.split(gi, 3, axis=1)
    h_r, h_z, h_n = np.split(gh, 3, axis=1)
    r = _sigmoid(i_r + h_r)
    z = _sigmoid(i_z + h_z)
    new = np.tanh(i_n + r * h_n)
    return (1.0 - z) * new + z * h


def _identity(model: NumpyHypernet, prefix: str, slots: Slots) -> np.ndarray:
    cap = int(model.config.get("max_slots", 64)) - 1
    return (
        model[f"{prefix}.port.weight"][np.minimum(slots.port, cap)]
        + model[f"{prefix}.element.weight"][np.minimum(slots.element, cap)]
        + sinusoid(slots.element, model.dim) @ model[f"{prefix}.element_far.weight"].T
        + model[f"{prefix}.field.weight"][np.minimum(slots.field, MAX_FIELDS - 1)]
    )


def _slot_features(
    slots: Slots, nodes: np.ndarray, graph: np.ndarray, identity: np.ndarray, touches: bool
) -> np.ndarray:
    """Per slot: mean state of its port's nodes, the program's embedding, its identity, and
    with `touches` the mean state of the instructions that touch its scalar (`_slot_features`
    of `nsc.backend.hypernet`)."""
    state = SegmentMean(slots.pair_slot, slots.width)(nodes[slots.pair_node])
    parts = [state, np.repeat(graph, slots.width, axis=0), identity]
    if touches:
        parts.append(SegmentMean(slots.touch_slot, slots.width)(nodes[slots.touch_node]))
    return np.concatenate(parts, axis=1)


def _head(model: NumpyHypernet, prefix: str, x: np.ndarray) -> np.ndarray:
    """LayerNorm -> Linear -> SiLU -> Linear (`hypernet._head`)."""
    x = _silu(_linear(model, f"{prefix}.1", _layer_norm(model, f"{prefix}.0", x)))
    return _linear(model, f"{prefix}.3", x)


def _linear(model: NumpyHypernet, prefix: str, x: np.ndarray) -> np.ndarray:
    return x @ model[f"{prefix}.weight"].T + model[f"{prefix}.bias"]


def _layer_norm(model: NumpyHypernet, prefix: str, x: np.ndarray) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    normed = (x - mean) / np.sqrt(var + np.float32(LAYER_NORM_EPS))
    return normed * model[f"{prefix}.weight"] + model[f"{prefix}.bias"]


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (np.tanh(0.5 * x) + 1.0)


def _silu(x: np.ndarray) -> np.ndarray:
    return x * _sigmoid(x)


def random_init(hidden: tuple[int, ...], in_width: int, out_width: int, seed: int) -> EmittedArrays:
    """`MLPFamily.init` in numpy: N(0, 1/fan_in) weights and biases (LeCun), seeded."""
    if in_width < 1 or out_width < 1:
        raise NscError(f"a surrogate needs inputs and outputs, not {in_width} -> {out_width}")
    rng = np.random.default_rng(seed)
    widths = [in_width, *hidden, out_width]
    weights, biases = [], []
    for fan_in, fan_out in pairwise(widths):
        scale = fan_in**-0.5
        weights.append((rng.standard_normal((fan_out, fan_in)) * scale).astype(np.float32))
        biases.append((rng.standard_normal(fan_out) * scale).astype(np.float32))
    return EmittedArrays(weights, biases)
