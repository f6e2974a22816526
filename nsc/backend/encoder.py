"""A gated graph neural network over program graphs, in plain torch (ProGraML-style).

Initial node state: a vocabulary embedding, plus a signature-role embedding, plus a projection of
the numeric constant encoding, plus (with `ranges`) a projection of the declared ranges of the
input ports a node carries, plus a projection of the fusion features (with their presence flag).
Edges come in six types: each flow (control, data, call) forward and reversed. The message
along an edge is `W_type(h_src * p(e)) + b_type`, where `p(e) = 2 sigmoid(A sin(pos))` is a
learned gate on a sinusoidal embedding of the edge's position (1 at init). Messages are averaged
per target node and a GRU cell updates the state; T steps share weights. Readout: per-node
states, and a per-graph embedding from mean and max pooling.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import nn

from nsc.backend.tensors import CONSTANT_WIDTH, FLOWS, RANGE_WIDTH, Batch
from nsc.diagnostics import NscError

NUM_ROLES = 4
EDGE_TYPES = 2 * len(FLOWS)  # forward flows, then the same flows reversed
MAX_POSITION = 4096


def sinusoid(positions: torch.Tensor, dim: int) -> torch.Tensor:
    """Transformer-style sinusoidal embedding of integer positions: [E] -> [E, dim]."""
    half = dim // 2
    steps = torch.arange(half, dtype=torch.float32, device=positions.device)
    freqs = torch.exp(-math.log(10000.0) * steps / max(half, 1))
    angles = positions.clamp(0, MAX_POSITION).float()[:, None] * freqs[None, :]
    out = torch.cat([torch.sin(angles), torch.cos(angles)], dim=1)
    if dim % 2:
        out = torch.cat([out, out.new_zeros(out.shape[0], 1)], dim=1)
    return out


def segment_mean(values: torch.Tensor, index: torch.Tensor, count: int) -> torch.Tensor:
    """Mean of the rows of `values` per segment id in `index`; 0 for empty segments."""
    total = values.new_zeros(count, values.shape[1]).index_add_(0, index, values)
    n = values.new_zeros(count).index_add_(0, index, values.new_ones(index.shape[0]))
    return total / n.clamp(min=1.0)[:, None]


def segment_max(values: torch.Tensor, index: torch.Tensor, count: int) -> torch.Tensor:
    """Max of the rows of `values` per segment id; 0 for empty segments."""
    out = values.new_zeros(count, values.shape[1])
    expanded = index[:, None].expand_as(values)
    return out.scatter_reduce(0, expanded, values, reduce="amax", include_self=False)


@dataclass
class Encoded:
    """The encoder's output: one state per node and one embedding per graph."""

    nodes: torch.Tensor  # [N, dim]
    graphs: torch.Tensor  # [G, dim]


class GGNNEncoder(nn.Module):
    """Typed, position-gated message passing with mean aggregation and a GRU update."""

    def __init__(
        self,
        vocab_size: int,
        *,
        dim: int = 128,
        steps: int = 6,
        fusion_dim: int = 0,
        ranges: bool = False,
        context: bool = False,
    ):
        super().__init__()
        if vocab_size < 1 or dim < 2 or steps < 1 or fusion_dim < 0:
            raise NscError(
                f"bad GGNN options: vocab_size={vocab_size}, dim={dim}, steps={steps}, "
                f"fusion_dim={fusion_dim}"
            )
        self.dim, self.steps, self.fusion_dim, self.ranges = dim, steps, fusion_dim, ranges
        # with `context`, every step also hands each node its graph's mean state (a virtual
        # node), so facts travel across the whole program in one step instead of one edge
        self.context = nn.Linear(dim, dim) if context else None
        self.token = nn.Embedding(vocab_size, dim)
        self.role = nn.Embedding(NUM_ROLES, dim)
        self.constant = nn.Linear(CONSTANT_WIDTH, dim)
        self.range = nn.Linear(RANGE_WIDTH, dim, bias=False) if ranges else None
        self.fusion = nn.Linear(fusion_dim + 1, dim, bias=False)
        self.messages = nn.ModuleList(nn.Linear(dim, dim) for _ in range(EDGE_TYPES))
        self.gate = nn.Linear(dim, dim)
        self.update = nn.GRUCell(dim, dim)
        self.readout = nn.Linear(2 * dim, dim)
        self._init()

    def _init(self) -> None:
        nn.init.normal_(self.token.weight, std=1.0)
        nn.init.normal_(self.role.weight, std=1.0)
        nn.init.zeros_(self.gate.weight)  # every gate starts at exactly 1
        nn.init.zeros_(self.gate.bias)

    def initial_state(self, batch: Batch) -> torch.Tensor:
        h = self.token(batch.tokens) + self.role(batch.roles) + self.constant(batch.constants)
        if self.range is not None:
            h = h + self.range(batch.ranges)
        if self.fusion_dim:
            extra = torch.cat([batch.fusion, batch.fusion_mask[:, None]], dim=1)
            h = h + self.fusion(extra)
        return h

    def _typed_edges(self, batch: Batch) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, list]:
        """Forward and reverse edges sorted by type: sources, targets, gates, count per type."""
        src = torch.cat([batch.edge_src, batch.edge_dst])
        dst = torch.cat([batch.edge_dst, batch.edge_src])
        kind = torch.cat([batch.edge_flow, batch.edge_flow + len(FLOWS)])
        gate = 2.0 * torch.sigmoid(self.gate(sinusoid(batch.edge_pos, self.dim))).repeat(2, 1)
        order = torch.argsort(kind, stable=True)
        counts = torch.bincount(kind, minlength=EDGE_TYPES).tolist()
        return src[order], dst[order], gate[order], counts

    def forward(self, batch: Batch) -> Encoded:
        if batch.fusion.shape[1] != self.fusion_dim:
            raise NscError(
                f"the batch has {batch.fusion.shape[1]} fusion features per node; "
                f"the encoder expects {self.fusion_dim}"
            )
        src, dst, gate, counts = self._typed_edges(batch)
        n = batch.num_nodes
        h = self.initial_state(batch)
        for _ in range(self.steps):
            gated = (h[src] * gate).split(counts)
            message = torch.cat([layer(x) for layer, x in zip(self.messages, gated, strict=True)])
            incoming = segment_mean(message, dst, n)
            if self.context is not None:
                mean = segment_mean(h, batch.graph_index, batch.num_graphs)
                incoming = incoming + self.context(mean)[batch.graph_index]
            h = self.update(incoming, h)
        pooled = torch.cat(
            [
                segment_mean(h, batch.graph_index, batch.num_graphs),
                segment_max(h, batch.graph_index, batch.num_graphs),
            ],
            dim=1,
        )
        return Encoded(nodes=h, graphs=self.readout(pooled))
