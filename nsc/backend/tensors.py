"""Many programs' arrays -> one disjoint batch of torch tensors.

`collate` offsets node and slot indices to build one disjoint graph with a `graph_index` per node
and a program index per slot. The per-program arrays come from `nsc.backend.arrays` (torch-free);
its names are re-exported here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch

from nsc.backend.arrays import (
    CONSTANT_WIDTH,
    FLOWS,
    MANTISSA_BITS,
    RANGE_WIDTH,
    ROLES,
    ProgramTensors,
    Slots,
    encode_constant,
    encode_range,
    program_tensors,
    value_stats,
)
from nsc.diagnostics import NscError

__all__ = [
    "CONSTANT_WIDTH",
    "FLOWS",
    "MANTISSA_BITS",
    "RANGE_WIDTH",
    "ROLES",
    "Batch",
    "ProgramTensors",
    "SlotBatch",
    "Slots",
    "collate",
    "encode_constant",
    "encode_range",
    "program_tensors",
    "value_stats",
]


@dataclass
class SlotBatch:
    """Slots of many programs: each slot's program and column, and (slot, node) pairs: the
    nodes that carry its port, and the instructions that touch exactly this scalar."""

    program: torch.Tensor  # [S]
    column: torch.Tensor  # [S]: index within its program's flattened width
    port: torch.Tensor
    element: torch.Tensor
    field: torch.Tensor
    pair_slot: torch.Tensor  # [K], global slot index
    pair_node: torch.Tensor  # [K], global node index
    touch_slot: torch.Tensor  # [T], global slot index
    touch_node: torch.Tensor  # [T], global node index of an instruction reading/writing it
    widths: torch.Tensor  # [P]: each program's true width

    @property
    def max_width(self) -> int:
        return int(self.widths.max()) if self.widths.numel() else 0

    def to(self, device: torch.device | str) -> SlotBatch:
        return _moved(self, device)

    def mask(self) -> torch.Tensor:
        """[P, max_width] float: 1 for real columns, 0 for padding."""
        cols = torch.arange(self.max_width, device=self.widths.device)
        return (cols[None, :] < self.widths[:, None]).float()


@dataclass
class Batch:
    """Many programs as one disjoint graph."""

    tokens: torch.Tensor
    roles: torch.Tensor
    constants: torch.Tensor
    ranges: torch.Tensor
    fusion: torch.Tensor
    fusion_mask: torch.Tensor
    edge_src: torch.Tensor
    edge_dst: torch.Tensor
    edge_flow: torch.Tensor
    edge_pos: torch.Tensor
    graph_index: torch.Tensor  # [N]: the program of each node
    num_graphs: int
    inputs: SlotBatch
    outputs: SlotBatch

    @property
    def num_nodes(self) -> int:
        return int(self.tokens.shape[0])

    def to(self, device: torch.device | str) -> Batch:
        """The same batch with every tensor on `device`."""
        return _moved(self, device)


def _moved(value, device: torch.device | str):
    changes = {}
    for f in dataclasses.fields(value):
        item = getattr(value, f.name)
        if isinstance(item, (torch.Tensor, SlotBatch)):
            changes[f.name] = item.to(device)
    return dataclasses.replace(value, **changes)


def collate(programs: Sequence[ProgramTensors]) -> Batch:
    """Join programs into one disjoint graph; node and slot indices are offset per program."""
    if not programs:
        raise NscError("cannot batch zero programs")
    widths = {p.fusion.shape[1] for p in programs}
    if len(widths) != 1:
        raise NscError(f"programs have different fusion widths: {sorted(widths)}")
    offsets = np.cumsum([0] + [p.num_nodes for p in programs[:-1]])
    cat = lambda xs: torch.from_numpy(np.concatenate(xs))  # noqa: E731
    return Batch(
        tokens=cat([p.tokens for p in programs]),
        roles=cat([p.roles for p in programs]),
        constants=cat([p.constants for p in programs]),
        ranges=cat([p.ranges for p in programs]),
        fusion=cat([p.fusion for p in programs]),
        fusion_mask=cat([p.fusion_mask for p in programs]),
        edge_src=cat([p.edge_src + o for p, o in zip(programs, offsets, strict=True)]),
        edge_dst=cat([p.edge_dst + o for p, o in zip(programs, offsets, strict=True)]),
        edge_flow=cat([p.edge_flow for p in programs]),
        edge_pos=cat([p.edge_pos for p in programs]),
        graph_index=cat([np.full(p.num_nodes, i, dtype=np.int64) for i, p in enumerate(programs)]),
        num_graphs=len(programs),
        inputs=_collate_slots([p.inputs for p in programs], offsets),
        outputs=_collate_slots([p.outputs for p in programs], offsets),
    )


def _collate_slots(slots: Sequence[Slots], node_offsets: np.ndarray) -> SlotBatch:
    slot_offsets = np.cumsum([0] + [s.width for s in slots[:-1]])
    cat = lambda xs: torch.from_numpy(np.concatenate(xs).astype(np.int64))  # noqa: E731
    return SlotBatch(
        program=cat([np.full(s.width, i) for i, s in enumerate(slots)]),
        column=cat([np.arange(s.width) for s in slots]),
        port=cat([s.port for s in slots]),
        element=cat([s.element for s in slots]),
        field=cat([s.field for s in slots]),
        pair_slot=cat([s.pair_slot + o for s, o in zip(slots, slot_offsets, strict=True)]),
        pair_node=cat([s.pair_node + o for s, o in zip(slots, node_offsets, strict=True)]),
        touch_slot=cat([s.touch_slot + o for s, o in zip(slots, slot_offsets, strict=True)]),
        touch_node=cat([s.touch_node + o for s, o in zip(slots, node_offsets, strict=True)]),
        widths=torch.tensor([s.width for s in slots], dtype=torch.int64),
    )
