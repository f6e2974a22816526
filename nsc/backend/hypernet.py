"""The hypernetwork: a program graph in, the weights of a surrogate MLP sized to its signature out.

Every emitted tensor is `scale * (base + delta)`. The *base* is a learned, program-independent
init (per slot position for the first and last layers, one per hidden layer): with every delta
at zero the hypernetwork is the dataset-tailored baseline. The *delta* is the program-specific
modulation, emitted from the graph encoding by heads whose last layer starts small (`delta_gain`),
and `EmittedWeights.penalty` (the mean squared delta) lets training keep it in check. The scale
is 1/sqrt(fan_in) of the layer in *this* program, so a fresh hypernetwork emits LeCun-scaled
weights whatever the signature's width.

- first layer, column j (input scalar j): base[j] + head_in(node state of j's port, graph
  embedding, identity of j: port ordinal, element index, struct field);
- first-layer bias and the hidden layers: base + linear heads on a program code from the graph
  embedding (`hidden_layers`: "fixed-base" keeps the hidden layers' base and head biases at their
  random init, "fixed" also zeroes their heads, so every program gets the same random draw);
- last layer, row k and bias k (output scalar k): base[k] + head_out(the same three parts for k).
Programs of a batch have different widths: weights are padded with zeros to the widest, and
`EmittedWeights` carries the masks and true widths.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from itertools import pairwise
from typing import Any

import torch
from torch import nn

from nsc.backend.encoder import Encoded, segment_mean, sinusoid
from nsc.backend.registry import build_encoder, build_surrogate
from nsc.backend.surrogate import MLPFamily, SurrogateParams
from nsc.backend.tensors import Batch, SlotBatch
from nsc.diagnostics import NscError

MAX_FIELDS = 16
HIDDEN_LAYERS = ("learned", "fixed-base", "fixed")


@dataclass(frozen=True)
class HypernetConfig:
    """Everything needed to rebuild a hypernetwork; JSON for checkpoints."""

    vocab_size: int
    encoder: str = "ggnn"
    encoder_options: dict[str, Any] = field(default_factory=lambda: {"dim": 128, "steps": 6})
    surrogate: str = "mlp"
    surrogate_options: dict[str, Any] = field(
        default_factory=lambda: {"hidden": [32, 32], "activation": "tanh"}
    )
    fusion_dim: int = 0
    head_dim: int = 256
    max_slots: int = 64
    delta_gain: float = 0.3
    touches: bool = False  # slots also see the instructions that read or write their scalar
    units: int = 0  # > 0: hidden units attend over the nodes; weights also from unit pairs (rank)
    # "learned"; "fixed-base": the hidden layers' program-independent part stays at its random
    # init (bases and head biases untrained); "fixed": the hidden layers are that draw alone
    hidden_layers: str = "learned"

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> HypernetConfig:
        try:
            return cls(**json.loads(text))
        except (ValueError, TypeError) as exc:
            raise NscError(f"not a hypernetwork config: {exc}") from exc


@dataclass
class EmittedWeights:
    """Surrogate weights for a batch of programs, padded to the widest signature."""

    params: SurrogateParams  # weights [P, out, in], biases [P, out]
    in_widths: torch.Tensor  # [P]
    out_widths: torch.Tensor  # [P]
    in_mask: torch.Tensor  # [P, max_in]
    out_mask: torch.Tensor  # [P, max_out]
    penalty: torch.Tensor  # scalar: mean squared delta, in units of the base

    def program(self, index: int) -> SurrogateParams:
        """One program's unpadded surrogate weights (still attached to the graph)."""
        ins, outs = int(self.in_widths[index]), int(self.out_widths[index])
        return self.params.program(index, ins, outs)


def _head(in_dim: int, hidden: int, out_dim: int, gain: float) -> nn.Sequential:
    """LayerNorm -> Linear -> SiLU -> Linear whose output starts at about `gain` std."""
    last = nn.Linear(hidden, out_dim)
    nn.init.normal_(last.weight, std=gain * (2.0 / hidden) ** 0.5)
    nn.init.zeros_(last.bias)
    return nn.Sequential(nn.LayerNorm(in_dim), nn.Linear(in_dim, hidden), nn.SiLU(), last)


class SlotIdentity(nn.Module):
    """Which scalar of the signature a slot is: port ordinal, element index, struct field."""

    def __init__(self, dim: int, max_slots: int):
        super().__init__()
        self.dim, self.max_slots = dim, max_slots
        self.port = nn.Embedding(max_slots, dim)
        self.element = nn.Embedding(max_slots, dim)
        self.element_far = nn.Linear(dim, dim, bias=False)  # sinusoidal, for any index
        self.field = nn.Embedding(MAX_FIELDS, dim)

    def forward(self, slots: SlotBatch) -> torch.Tensor:
        cap = self.max_slots - 1
        return (
            self.port(slots.port.clamp(max=cap))
            + self.element(slots.element.clamp(max=cap))
            + self.element_far(sinusoid(slots.element, self.dim))
            + self.field(slots.field.clamp(max=MAX_FIELDS - 1))
        )


class Hypernetwork(nn.Module):
    """Graph encoder + heads that emit an MLP surrogate per program."""

    def __init__(self, config: HypernetConfig):
        super().__init__()
        if config.max_slots < 1 or config.head_dim < 1 or config.delta_gain < 0:
            raise NscError(f"bad hypernetwork config: {config}")
        if config.hidden_layers not in HIDDEN_LAYERS or (
            config.hidden_layers == "fixed" and config.units
        ):
            raise NscError(
                f"hidden layers {config.hidden_layers!r}: one of {', '.join(HIDDEN_LAYERS)} "
                "('fixed' without --units)"
            )
        self.config = config
        self.encoder = build_encoder(
            config.encoder, config.vocab_size, config.fusion_dim, config.encoder_options
        )
        self.family: MLPFamily = build_surrogate(config.surrogate, config.surrogate_options)
        dim, head, gain = self.encoder.dim, config.head_dim, config.delta_gain
        hidden = self.family.hidden
        self.in_identity = SlotIdentity(dim, config.max_slots)
        self.out_identity = SlotIdentity(dim, config.max_slots)
        parts = 4 if config.touches else 3
        self.in_head = _head(parts * dim, head, hidden[0], gain)
        self.out_head = _head(parts * dim, head, hidden[-1] + 1, gain)
        self.code = nn.Sequential(nn.LayerNorm(dim), nn.Linear(dim, head), nn.SiLU())
        self.first_bias = _last_linear(head, hidden[0], gain)
        self.middle = nn.ModuleList(
            _last_linear(head, b * a + b, gain) for a, b in pairwise(hidden)
        )
        self.base_in = nn.Parameter(torch.randn(config.max_slots, hidden[0]))
        self.base_first_bias = nn.Parameter(torch.randn(hidden[0]))
        self.base_middle = nn.ParameterList(
            nn.Parameter(torch.randn(b * a + b)) for a, b in pairwise(hidden)
        )
        self.base_out = nn.Parameter(torch.randn(config.max_slots, hidden[-1] + 1))
        with torch.no_grad():
            self.base_out[:, -1] = 0.0  # output biases start at the standardized mean
        self.units = (
            UnitEmitter(dim, parts * dim, hidden, config.units, gain) if config.units else None
        )
        if config.hidden_layers != "learned":
            # every program's hidden layers are one fixed LeCun-normal draw plus (fixed-base)
            # its own delta: nothing program-independent in them is trained
            frozen = [*self.base_middle, *(head.bias for head in self.middle)]
            if config.hidden_layers == "fixed":
                frozen += [head.weight for head in self.middle]
                with torch.no_grad():
                    for head in self.middle:
                        head.weight.zero_()
            for tensor in frozen:
                tensor.requires_grad_(False)

    def forward(self, batch: Batch, *, modulate: bool = True) -> EmittedWeights:
        """Emit every program's surrogate; `modulate=False` gives the bases alone (the
        dataset-tailored baseline: the same surrogate for every program of a given shape)."""
        return self.emit(batch, self.encoder(batch) if modulate else None)

    def emit(self, batch: Batch, encoded: Encoded | None) -> EmittedWeights:
        """The surrogates the heads emit from a given encoding of `batch` (the encoder's, or
        latent codes in its place); `None` gives the bases alone."""
        deltas = self.deltas(batch, encoded) if encoded is not None else self.zero_deltas(batch)
        in_delta, out_delta, bias_delta, *middle_delta = deltas
        p = batch.num_graphs
        cap = self.config.max_slots - 1
        ins, outs = batch.inputs, batch.outputs
        hidden = self.family.hidden
        in_scale = ins.widths.float().rsqrt()  # [P]
        columns = (self.base_in[ins.column.clamp(max=cap)] + in_delta) * in_scale[ins.program, None]
        first = columns.new_zeros(p, ins.max_width, hidden[0])
        first = first.index_put((ins.program, ins.column), columns).transpose(1, 2)
        weights = [first]
        biases = [(self.base_first_bias + bias_delta) * in_scale[:, None]]
        layers = zip(pairwise(hidden), self.base_middle, middle_delta, strict=True)
        for (a, b), base, delta in layers:
            flat = (base + delta) * a**-0.5
            weights.append(flat[:, : b * a].reshape(p, b, a))
            biases.append(flat[:, b * a :])
        rows = self.base_out[outs.column.clamp(max=cap)] + out_delta
        last = rows.new_zeros(p, outs.max_width, hidden[-1])
        weights.append(
            last.index_put((outs.program, outs.column), rows[:, :-1] * hidden[-1] ** -0.5)
        )
        last_bias = rows.new_zeros(p, outs.max_width)
        biases.append(last_bias.index_put((outs.program, outs.column), rows[:, -1]))
        return EmittedWeights(
            params=SurrogateParams(weights, biases),
            in_widths=ins.widths,
            out_widths=outs.widths,
            in_mask=ins.mask(),
            out_mask=outs.mask(),
            penalty=torch.stack([d.pow(2).mean() for d in deltas]).mean(),
        )

    def deltas(self, batch: Batch, encoded: Encoded | None = None) -> list[torch.Tensor]:
        """Program-specific modulations: input columns [S_in, H0], output rows and biases
        [S_out, H-1 + 1], first-layer biases [P, H0], then each hidden layer flat [P, b*a + b];
        from `encoded`, or from the encoder's output when it is `None`."""
        encoded = self.encoder(batch) if encoded is None else encoded
        nodes, graphs = encoded.nodes, encoded.graphs
        ins, outs = batch.inputs, batch.outputs
        touches = self.config.touches
        ins_features = _slot_features(ins, nodes, graphs, self.in_identity(ins), touches)
        in_delta = self.in_head(ins_features)
        out_features = _slot_features(outs, nodes, graphs, self.out_identity(outs), touches)
        out_delta = self.out_head(out_features)
        code = self.code(graphs)
        deltas = [in_delta, out_delta, self.first_bias(code), *[head(code) for head in self.middle]]
        if self.units is not None:
            extra = self.units(batch, encoded, ins_features, out_features)
            deltas = [d + e for d, e in zip(deltas, extra, strict=True)]
        return deltas

    def zero_deltas(self, batch: Batch) -> list[torch.Tensor]:
        """All-zero modulations shaped like `deltas`, without running the encoder."""
        p, hidden = batch.num_graphs, self.family.hidden
        shapes = [
            (batch.inputs.program.shape[0], hidden[0]),
            (batch.outputs.program.shape[0], hidden[-1] + 1),
            (p, hidden[0]),
            *[(p, b * a + b) for a, b in pairwise(hidden)],
        ]
        return [self.base_in.new_zeros(shape) for shape in shapes]

    def parameter_counts(self) -> dict[str, int]:
        """Trainable parameters per top-level part, and the total."""
        counts: dict[str, int] = {}
        for name, param in self.named_parameters():
            part = name.split(".")[0]
            counts[part] = counts.get(part, 0) + param.numel()
        counts["total"] = sum(counts.values())
        return counts


class UnitEmitter(nn.Module):
    """Hidden units anchored in the program: each unit of each hidden layer is a learned query
    that attends over its program's node states, and a weight between two units (or a unit and
    an input or output scalar) adds the inner product of their rank-`rank` projections. The
    pooled emission reads the whole program through one vector; here every weight reads the two
    things it connects."""

    def __init__(self, dim: int, slot_dim: int, hidden: list[int], rank: int, gain: float):
        super().__init__()
        self.queries = nn.ParameterList(nn.Parameter(torch.randn(h, dim)) for h in hidden)
        self.key = nn.Linear(dim, dim, bias=False)
        self.value = nn.Linear(dim, dim, bias=False)
        self.graph = nn.Linear(dim, dim)
        self.norm = nn.LayerNorm(dim)
        self.src = nn.ModuleList(nn.Linear(dim, rank, bias=False) for _ in hidden)
        self.dst = nn.ModuleList(nn.Linear(dim, rank, bias=False) for _ in hidden)
        self.bias = nn.ModuleList(_last_linear(dim, 1, gain) for _ in hidden)
        self.in_slot = nn.Sequential(nn.LayerNorm(slot_dim), nn.Linear(slot_dim, rank))
        self.out_slot = nn.Sequential(nn.LayerNorm(slot_dim), nn.Linear(slot_dim, rank))
        self.scale = gain * rank**-0.5

    def forward(
        self, batch: Batch, encoded: Encoded, in_features: torch.Tensor, out_features: torch.Tensor
    ) -> list[torch.Tensor]:
        """Deltas shaped like `Hypernetwork.deltas`: input columns, output rows (+ bias 0),
        first-layer biases, each hidden layer flat."""
        units = [self._attend(batch, encoded, q) for q in self.queries]  # [P, H, dim] each
        ins, outs = batch.inputs, batch.outputs
        dst0 = self.dst[0](units[0])[ins.program]  # [S_in, H0, r]
        in_delta = torch.einsum("sr,shr->sh", self.in_slot(in_features), dst0) * self.scale
        src_last = self.src[-1](units[-1])[outs.program]  # [S_out, H-1, r]
        rows = torch.einsum("sr,shr->sh", self.out_slot(out_features), src_last) * self.scale
        out_delta = torch.cat([rows, rows.new_zeros(rows.shape[0], 1)], dim=1)
        first_bias = self.bias[0](units[0]).squeeze(-1)
        middle = []
        for i in range(1, len(units)):
            w = torch.einsum("pbr,par->pba", self.dst[i](units[i]), self.src[i - 1](units[i - 1]))
            b = self.bias[i](units[i]).squeeze(-1)
            middle.append(torch.cat([w.flatten(1) * self.scale, b], dim=1))
        return [in_delta, out_delta, first_bias, *middle]

    def _attend(self, batch: Batch, encoded: Encoded, queries: torch.Tensor) -> torch.Tensor:
        """Per program, each query's attention-weighted mean of its nodes' values."""
        nodes, index, p = encoded.nodes, batch.graph_index, batch.num_graphs
        scores = self.key(nodes) @ queries.T * nodes.shape[1] ** -0.5  # [N, H]
        top = scores.new_full((p, scores.shape[1]), -torch.inf)
        top = top.scatter_reduce(0, index[:, None].expand_as(scores), scores, "amax")
        weights = torch.exp(scores - top[index].detach())
        total = weights.new_zeros(p, scores.shape[1]).index_add_(0, index, weights)
        weights = weights / total[index]
        values = self.value(nodes)  # [N, dim]
        pooled = values.new_zeros(p, scores.shape[1], values.shape[1])
        pooled = pooled.index_add_(0, index, weights[:, :, None] * values[:, None, :])
        return self.norm(pooled + queries[None] + self.graph(encoded.graphs)[:, None])


def _last_linear(in_dim: int, out_dim: int, gain: float) -> nn.Linear:
    layer = nn.Linear(in_dim, out_dim)
    nn.init.normal_(layer.weight, std=gain * (2.0 / in_dim) ** 0.5)
    nn.init.zeros_(layer.bias)
    return layer


def _slot_features(
    slots: SlotBatch,
    nodes: torch.Tensor,
    graphs: torch.Tensor,
    identity: torch.Tensor,
    touches: bool = False,
) -> torch.Tensor:
    """Per slot: mean state of its port's nodes, its program's embedding, its identity; with
    `touches`, also the mean state of the instructions that touch its scalar (0 if none)."""
    count = slots.program.shape[0]
    parts = [segment_mean(nodes[slots.pair_node], slots.pair_slot, count)]
    parts += [graphs[slots.program], identity]
    if touches:
        parts.append(segment_mean(nodes[slots.touch_node], slots.touch_slot, count))
    return torch.cat(parts, dim=1)
