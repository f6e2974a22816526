"""Program graph -> numpy arrays for the hypernetwork, without torch (the compile path uses it).

`program_tensors` turns one graph (a `ProgramGraph` or its networkx form) and its signature into
numpy arrays (so a dataset can store them in npz without torch): a vocabulary index, a signature
role and a numeric encoding per node, optional fusion features per node, forward edges with a flow
type and a position, and the surrogate's *slots*: one per flattened scalar of the inputs and of
the outputs, in signature order, each tied to the graph nodes that carry its port and to the
instructions that read (inputs) or write (outputs) exactly its scalar (the graph's `reads` and
`writes` marks), which a hypernetwork built with `touches` reads too.
The nodes that carry an input port also get its declared range (`encode_range`): the surrogate
sees inputs mapped from their ranges to [-1, 1], so the function it must learn depends on them.
`nsc.backend.tensors.collate` batches them as torch tensors.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from nsc.backend.vocab import Vocab
from nsc.diagnostics import NscError
from nsc.ir.graph import ProgramGraph
from nsc.signature import DEFAULT_RANGE, Port, Signature, element_label

if TYPE_CHECKING:
    import networkx as nx

FLOWS = ("control", "data", "call")
ROLES = {"input": 1, "output": 2, "inout": 3}
MANTISSA_BITS = 12
CONSTANT_WIDTH = 1 + 11 + MANTISSA_BITS + 7
RANGE_WIDTH = 8 + 2 * CONSTANT_WIDTH


def encode_constant(value: float) -> np.ndarray:
    """A float64 value as features: sign, exponent and top mantissa bits, and a few magnitudes."""
    bits = int(np.array(value, dtype=np.float64).view(np.uint64))
    exponent = [2.0 * ((bits >> (52 + i)) & 1) - 1.0 for i in range(11)]  # centred bits
    mantissa = [float((bits >> (51 - i)) & 1) for i in range(MANTISSA_BITS)]
    finite = math.isfinite(value)
    v = value if finite else 0.0
    flags = [
        1.0,  # is a constant
        float(value == 0.0),
        float(finite and v == round(v)),
        float(math.isnan(value)),
        float(math.isinf(value)),
        math.tanh(v),
        math.tanh(math.asinh(v) / 8.0),  # log-like magnitude, bounded
    ]
    return np.asarray([float(bits >> 63), *exponent, *mantissa, *flags], dtype=np.float32)


def encode_range(low: float, high: float) -> np.ndarray:
    """An input's range as features: smooth magnitudes of its ends, centre and width, and both
    ends encoded like constants (so a range and the constants it meets share one code)."""
    centre, half = 0.5 * (low + high), 0.5 * (high - low)
    if math.isinf(centre) or math.isinf(half):  # ends near the largest doubles: halve first
        centre, half = 0.5 * low + 0.5 * high, 0.5 * high - 0.5 * low
    smooth = [
        1.0,  # carries a range
        math.asinh(low) / 4.0,
        math.asinh(high) / 4.0,
        math.asinh(centre) / 4.0,
        math.asinh(half) / 4.0,
        max(-2.0, min(2.0, math.log10(max(high - low, 1e-30)) / 4.0)),
        math.tanh(low),
        math.tanh(high),
    ]
    return np.concatenate(
        [np.asarray(smooth, dtype=np.float32), encode_constant(low), encode_constant(high)]
    )


def value_stats(values: np.ndarray) -> np.ndarray:
    """Fusion features of one SSA value observed over many rows: asinh of mean, std, min, max."""
    values = np.asarray(values, dtype=np.float64).ravel()
    values = values[np.isfinite(values)]
    if values.size == 0:
        return np.zeros(4, dtype=np.float32)
    stats = [values.mean(), values.std(), values.min(), values.max()]
    return np.arcsinh(np.asarray(stats)).astype(np.float32)


@dataclass
class Slots:
    """The flattened scalars of a port list, each tied to the graph nodes of its port."""

    port: np.ndarray  # int64 [S]: ordinal of the port in the signature list
    element: np.ndarray  # int64 [S]: flat index of the element within its port
    field: np.ndarray  # int64 [S]: 1 + last struct field index, 0 outside structs
    pair_slot: np.ndarray  # int64 [K]: slot of each (slot, node) pair
    pair_node: np.ndarray  # int64 [K]: node of each pair
    # (slot, node) pairs of the instructions that read (inputs) or write (outputs) exactly
    # that scalar: the graph's `reads` / `writes` marks; none for most scalar ports
    touch_slot: np.ndarray  # int64 [T]
    touch_node: np.ndarray  # int64 [T]

    @property
    def width(self) -> int:
        return int(self.port.shape[0])


@dataclass
class ProgramTensors:
    """One program graph and its signature's slots, as numpy arrays."""

    tokens: np.ndarray  # int64 [N]
    roles: np.ndarray  # int64 [N]: 0 none, 1 input, 2 output, 3 inout
    constants: np.ndarray  # float32 [N, CONSTANT_WIDTH]; zero rows for non-constants
    ranges: np.ndarray  # float32 [N, RANGE_WIDTH]: mean over the input ports a node carries
    fusion: np.ndarray  # float32 [N, F]; zero where unobserved
    fusion_mask: np.ndarray  # float32 [N]: 1 where fusion features were observed
    edge_src: np.ndarray  # int64 [E]
    edge_dst: np.ndarray  # int64 [E]
    edge_flow: np.ndarray  # int64 [E]: index into FLOWS
    edge_pos: np.ndarray  # int64 [E]
    inputs: Slots
    outputs: Slots

    @property
    def num_nodes(self) -> int:
        return int(self.tokens.shape[0])


def program_tensors(
    graph: ProgramGraph | nx.MultiDiGraph,
    vocab: Vocab,
    signature: Signature,
    *,
    fusion: Mapping[int, Sequence[float]] | None = None,
    fusion_dim: int = 0,
) -> ProgramTensors:
    """Encode a program graph; `fusion` maps graph nodes to at most `fusion_dim` floats."""
    nodes, edges = _graph_lists(graph)
    if not nodes:
        raise NscError("the program graph is empty")
    if not signature.inputs or not signature.outputs:
        raise NscError(
            f"{signature.entry!r} needs at least one input and one output for a surrogate "
            f"(it has {len(signature.inputs)} and {len(signature.outputs)})"
        )
    ordered = sorted(nodes, key=lambda item: item[0])
    local = {node: i for i, (node, _) in enumerate(ordered)}
    n = len(ordered)
    tokens = np.zeros(n, dtype=np.int64)
    roles = np.zeros(n, dtype=np.int64)
    constants = np.zeros((n, CONSTANT_WIDTH), dtype=np.float32)
    for i, (_, attrs) in enumerate(ordered):
        tokens[i] = vocab.lookup(attrs)
        roles[i] = ROLES.get(attrs.get("role", ""), 0)
        if attrs.get("kind") == "constant":
            constants[i] = encode_constant(float(attrs.get("value", 0.0)))
    features, mask = _fusion(fusion, local, n, fusion_dim)
    src, dst, flow, pos = _edges(edges, local)
    carriers = _port_carriers(nodes, local)
    reads, writes = _touches(nodes, local, "reads"), _touches(nodes, local, "writes")
    return ProgramTensors(
        tokens=tokens,
        roles=roles,
        constants=constants,
        ranges=_ranges(signature.inputs, carriers, n),
        fusion=features,
        fusion_mask=mask,
        edge_src=src,
        edge_dst=dst,
        edge_flow=flow,
        edge_pos=pos,
        inputs=_slots(signature.inputs, carriers, reads),
        outputs=_slots(signature.outputs, carriers, writes),
    )


def _graph_lists(
    graph: ProgramGraph | nx.MultiDiGraph,
) -> tuple[list[tuple[int, dict]], list[tuple[int, int, dict]]]:
    """Nodes `(id, attributes)` and edges `(u, v, attributes)`, in networkx's iteration order."""
    if isinstance(graph, ProgramGraph):
        return list(enumerate(graph.nodes)), list(graph.adjacency_edges())
    return list(graph.nodes(data=True)), list(graph.edges(data=True))


def _fusion(
    fusion: Mapping[int, Sequence[float]] | None, local: dict[int, int], n: int, dim: int
) -> tuple[np.ndarray, np.ndarray]:
    if dim < 0:
        raise NscError(f"fusion_dim must be non-negative, not {dim}")
    features = np.zeros((n, dim), dtype=np.float32)
    mask = np.zeros(n, dtype=np.float32)
    for node, values in (fusion or {}).items():
        if node not in local:
            raise NscError(f"fusion features name node {node}, which is not in the graph")
        row = np.asarray(values, dtype=np.float32).ravel()
        if row.size > dim:
            raise NscError(f"fusion features of node {node} have {row.size} values; max {dim}")
        features[local[node], : row.size] = np.nan_to_num(row, nan=0.0, posinf=0.0, neginf=0.0)
        mask[local[node]] = 1.0
    return features, mask


def _edges(
    edges: list[tuple[int, int, dict]], local: dict[int, int]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    rows = []
    for u, v, attrs in edges:
        flow = attrs.get("flow")
        if flow not in FLOWS:
            raise NscError(f"program graph edge {u}->{v} has unknown flow {flow!r}")
        rows.append((local[u], local[v], FLOWS.index(flow), max(int(attrs.get("position", 0)), 0)))
    table = np.asarray(rows, dtype=np.int64).reshape(-1, 4)
    return table[:, 0].copy(), table[:, 1].copy(), table[:, 2].copy(), table[:, 3].copy()


def uncarried_ports(graph: ProgramGraph | nx.MultiDiGraph, ports: Sequence[Port]) -> list[str]:
    """The names of `ports` that no node of `graph` carries (an entry whose every path loops
    forever or ends the program has no instruction returning its value)."""
    nodes, _ = _graph_lists(graph)
    carried = {str(name) for _, attrs in nodes for name in attrs.get("ports", ()) or ()}
    return [port.name for port in ports if port.name not in carried]


def _port_carriers(nodes: list[tuple[int, dict]], local: dict[int, int]) -> dict[str, list[int]]:
    carriers: dict[str, list[int]] = {}
    for node, attrs in nodes:
        for name in attrs.get("ports", ()) or ():
            carriers.setdefault(str(name), []).append(local[node])
    return {name: sorted(found) for name, found in carriers.items()}


def _touches(
    nodes: list[tuple[int, dict]], local: dict[int, int], key: str
) -> dict[str, list[int]]:
    """Element label -> the nodes marked as reading (or writing) it."""
    found: dict[str, list[int]] = {}
    for node, attrs in nodes:
        for label in attrs.get(key, ()) or ():
            found.setdefault(str(label), []).append(local[node])
    return found


def _ranges(inputs: Sequence[Port], carriers: dict[str, list[int]], n: int) -> np.ndarray:
    total = np.zeros((n, RANGE_WIDTH), dtype=np.float32)
    count = np.zeros(n, dtype=np.float32)
    for port in inputs:
        low, high = port.range if port.range is not None else DEFAULT_RANGE
        nodes = carriers.get(port.name, [])
        total[nodes] += encode_range(float(low), float(high))
        count[nodes] += 1.0
    return total / np.maximum(count, 1.0)[:, None]


def _slots(
    ports: Sequence[Port], carriers: dict[str, list[int]], touches: dict[str, list[int]]
) -> Slots:
    port, element, field, pair_slot, pair_node = [], [], [], [], []
    touch_slot: list[int] = []
    touch_node: list[int] = []
    for ordinal, p in enumerate(ports):
        nodes = carriers.get(p.name)
        if not nodes:
            raise NscError(
                f"no node of the program graph carries port {p.name!r}",
                hints=("build the graph with the signature: build_graph(ir, signature)",),
            )
        for e in range(p.size):
            slot = len(port)
            port.append(ordinal)
            element.append(e)
            field.append(p.path[-1] + 1 if p.path else 0)
            pair_slot += [slot] * len(nodes)
            pair_node += nodes
            touched = touches.get(element_label(p.name, p.shape, e), [])
            touch_slot += [slot] * len(touched)
            touch_node += touched
    as_array = lambda xs: np.asarray(xs, dtype=np.int64)  # noqa: E731
    columns = (port, element, field, pair_slot, pair_node, touch_slot, touch_node)
    return Slots(*map(as_array, columns))
