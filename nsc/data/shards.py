"""The corpus shard format: one `.npz` of arrays and one `.json` of text per shard, no pickle.

A shard `shard-000012` is two files in the corpus folder:

- `shard-000012.npz` (uncompressed, `allow_pickle=False`): the samples and the program graphs of
  every kept program, concatenated over programs:
  - `values_<dtype>` (one array per dtype met, e.g. `values_float32`): the flattened sample
    values of every input and output port; the JSON gives each port's offset and shape;
  - `node_offset`, `edge_offset` (int64, programs + 1): program p owns nodes
    `node_offset[p]:node_offset[p+1]` and edges likewise;
  - per node: `node_kind` (int8: 0 instruction, 1 variable, 2 constant), `node_text` (int32,
    into `vocab`: the opcode or type), `node_callee` (int32, into `vocab`, -1 if none),
    `node_function` (int32, into the program's `functions`, -1 for globals), `node_block`
    (int32, -1 if not an instruction), `node_value` (float64, constants' values, else 0),
    `node_role` (int8: 0 none, 1 input, 2 output, 3 inout);
  - per edge: `edge_src`, `edge_dst` (int32, node ids local to the program), `edge_flow` (int8:
    0 control, 1 data, 2 call), `edge_position` (int32).
- `shard-000012.json`, written after the npz (its presence marks the shard finished): the
  settings fingerprint, the item range `[start, stop)`, the shard's `vocab`, per kept program its
  name, family, seed, source, signature, canonical IR, dedup hash, row count, port offsets,
  `functions` and `ports` (node id -> port names), and the dropped items with their reasons.

Both files are written atomically (temp file + rename), the npz first.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np

from nsc.diagnostics import NscError
from nsc.fileio import atomic_savez, atomic_write_text, load_npz
from nsc.ir.graph import ProgramGraph
from nsc.signature import Signature

FORMAT = "nsc-corpus-shard"
VERSION = 1
KINDS = ("instruction", "variable", "constant")
FLOWS = ("control", "data", "call")
ROLES = ("none", "input", "output", "inout")
NODE_ARRAYS = ("kind", "text", "callee", "function", "block", "value", "role")
EDGE_ARRAYS = ("src", "dst", "flow", "position")


@dataclass
class GraphArrays:
    """A program graph as flat arrays; `text` and `callee` index into `vocab`."""

    nodes: dict[str, np.ndarray]  # NODE_ARRAYS, one entry per node
    edges: dict[str, np.ndarray]  # EDGE_ARRAYS, one entry per edge
    vocab: list[str]
    functions: list[str]
    ports: dict[int, list[str]]  # node id -> the port names it carries

    @property
    def num_nodes(self) -> int:
        return len(self.nodes["kind"])

    def texts(self) -> list[str]:
        """The node texts as strings."""
        return [self.vocab[i] for i in self.nodes["text"].tolist()]


@dataclass
class ProgramRecord:
    """One kept program: what the corpus stores about it."""

    name: str  # the generator seed ("seed-123") or the file's path relative to the input folder
    source: str
    signature: Signature
    ir: str  # the canonical IR the graph and the hash come from
    hash: str
    inputs: dict[str, np.ndarray]
    outputs: dict[str, np.ndarray]
    graph: GraphArrays
    meta: dict[str, Any] = field(default_factory=dict)  # family, seed, ...

    @property
    def rows(self) -> int:
        first = next(iter(self.outputs.values()), None)
        return 0 if first is None else len(first)


@dataclass
class Shard:
    """A shard read back: its records, its dropped items and its header."""

    header: dict[str, Any]
    records: list[ProgramRecord]

    @property
    def dropped(self) -> list[dict[str, Any]]:
        return self.header["dropped"]


def graph_arrays(graph: ProgramGraph | nx.MultiDiGraph) -> GraphArrays:
    """Flatten a `nsc.ir.graph` program graph (node ids 0..n-1 in order) into arrays; the lists
    of a `ProgramGraph` give the same arrays as its networkx form, without building it."""
    vocab: dict[str, int] = {}
    functions: dict[str, int] = {}
    ports: dict[int, list[str]] = {}
    columns: dict[str, list] = {name: [] for name in NODE_ARRAYS}
    listed = isinstance(graph, ProgramGraph)
    for node, attrs in enumerate(graph.nodes) if listed else graph.nodes(data=True):
        if node != len(columns["kind"]):
            raise NscError("program graph node ids must be 0..n-1 in insertion order")
        columns["kind"].append(KINDS.index(attrs["kind"]))
        columns["text"].append(vocab.setdefault(attrs["text"], len(vocab)))
        callee = attrs.get("callee")
        columns["callee"].append(-1 if callee is None else vocab.setdefault(callee, len(vocab)))
        fn = attrs.get("function") or ""
        columns["function"].append(functions.setdefault(fn, len(functions)) if fn else -1)
        columns["block"].append(attrs.get("block", -1))
        columns["value"].append(attrs.get("value", 0.0))
        columns["role"].append(ROLES.index(attrs.get("role", "none")))
        if "ports" in attrs:
            ports[node] = list(attrs["ports"])
    flows = {name: i for i, name in enumerate(FLOWS)}
    if listed:
        edge_rows = [(u, v, flows[a["flow"]], a["position"]) for u, v, a in graph.adjacency_edges()]
    else:
        edge_rows = [  # the order of graph.edges(data=True), read straight from the adjacency
            (u, v, flows[a["flow"]], a["position"])
            for u, targets in graph.adjacency()
            for v, parallel in targets.items()
            for a in parallel.values()
        ]
    src, dst, flow, position = zip(*edge_rows, strict=True) if edge_rows else ((), (), (), ())
    return GraphArrays(
        nodes=_node_columns(columns),
        edges={
            "src": np.array(src, np.int32),
            "dst": np.array(dst, np.int32),
            "flow": np.array(flow, np.int8),
            "position": np.array(position, np.int32),
        },
        vocab=list(vocab),
        functions=list(functions),
        ports=ports,
    )


def _node_columns(columns: dict[str, list]) -> dict[str, np.ndarray]:
    dtypes = {"kind": np.int8, "role": np.int8, "value": np.float64}
    return {k: np.array(v, dtypes.get(k, np.int32)) for k, v in columns.items()}


def to_networkx(graph: GraphArrays) -> nx.MultiDiGraph:
    """Rebuild the networkx program graph (attributes as `nsc.ir.graph` sets them, but for the
    element marks `reads` and `writes`, which shards do not keep: training builds its graphs
    again from the records' IR)."""
    out = nx.MultiDiGraph()
    n = graph.nodes
    for i in range(graph.num_nodes):
        attrs: dict[str, Any] = {"kind": KINDS[n["kind"][i]], "text": graph.vocab[n["text"][i]]}
        fn = int(n["function"][i])
        attrs["function"] = graph.functions[fn] if fn >= 0 else ""
        if n["block"][i] >= 0:
            attrs["block"] = int(n["block"][i])
        if n["callee"][i] >= 0:
            attrs["callee"] = graph.vocab[n["callee"][i]]
        if attrs["kind"] == "constant":
            attrs["value"] = float(n["value"][i])
        if i in graph.ports:
            attrs["ports"] = graph.ports[i]
            attrs["role"] = ROLES[n["role"][i]]
        out.add_node(i, **attrs)
    e = graph.edges
    for s, d, f, p in zip(e["src"], e["dst"], e["flow"], e["position"], strict=True):
        out.add_edge(int(s), int(d), flow=FLOWS[f], position=int(p))
    return out


def shard_paths(folder: Path, index: int) -> tuple[Path, Path]:
    """The (npz, json) paths of shard `index`."""
    stem = folder / f"shard-{index:06d}"
    return stem.with_suffix(".npz"), stem.with_suffix(".json")


def write_shard(
    folder: Path, index: int, records: list[ProgramRecord], header: dict[str, Any]
) -> None:
    """Write shard `index`: the npz, then the json that marks it finished."""
    npz_path, json_path = shard_paths(folder, index)
    vocab: dict[str, int] = {}
    buckets: dict[str, list[np.ndarray]] = {}
    sizes: dict[str, int] = {}
    programs = []
    for record in records:
        entry = _program_entry(record)
        entry["inputs"] = [_put(buckets, sizes, k, v) for k, v in record.inputs.items()]
        entry["outputs"] = [_put(buckets, sizes, k, v) for k, v in record.outputs.items()]
        programs.append(entry)
    arrays = _graph_columns(records, vocab)
    for dtype, parts in buckets.items():
        arrays[f"values_{dtype}"] = np.concatenate(parts)
    atomic_savez(npz_path, arrays)
    document = {
        "format": FORMAT,
        "version": VERSION,
        **header,
        "shard": index,
        "npz_bytes": npz_path.stat().st_size,
        "vocab": list(vocab),
        "programs": programs,
    }
    # compact: indenting costs 5x the time of writing and a fifth more bytes
    text = json.dumps(document, sort_keys=True, separators=(",", ":"))
    atomic_write_text(json_path, text + "\n")


def _program_entry(record: ProgramRecord) -> dict[str, Any]:
    return {
        "name": record.name,
        "source": record.source,
        "signature": json.loads(record.signature.to_json()),
        "ir": record.ir,
        "hash": record.hash,
        "rows": record.rows,
        "meta": record.meta,
        "functions": record.graph.functions,
        "ports": {str(k): v for k, v in sorted(record.graph.ports.items())},
    }


def _put(
    buckets: dict[str, list[np.ndarray]], sizes: dict[str, int], name: str, array: np.ndarray
) -> dict[str, Any]:
    dtype = array.dtype.name
    flat = np.ascontiguousarray(array).reshape(-1)
    offset = sizes.get(dtype, 0)
    buckets.setdefault(dtype, []).append(flat)
    sizes[dtype] = offset + flat.size
    return {"name": name, "dtype": dtype, "shape": list(array.shape), "offset": offset}


def _graph_columns(records: list[ProgramRecord], vocab: dict[str, int]) -> dict[str, np.ndarray]:
    """Concatenate the graphs, remapping each program's vocab into the shard's."""
    nodes: dict[str, list[np.ndarray]] = {k: [] for k in NODE_ARRAYS}
    edges: dict[str, list[np.ndarray]] = {k: [] for k in EDGE_ARRAYS}
    node_offset, edge_offset = [0], [0]
    for record in records:
        g = record.graph
        remap = np.array([vocab.setdefault(t, len(vocab)) for t in g.vocab] + [-1], np.int32)
        for key in NODE_ARRAYS:
            column = g.nodes[key]
            nodes[key].append(remap[column] if key in ("text", "callee") else column)
        for key in EDGE_ARRAYS:
            edges[key].append(g.edges[key])
        node_offset.append(node_offset[-1] + g.num_nodes)
        edge_offset.append(edge_offset[-1] + len(g.edges["src"]))
    empty = {"kind": np.int8, "role": np.int8, "value": np.float64, "flow": np.int8}
    arrays = {"node_offset": np.array(node_offset, np.int64)}
    arrays["edge_offset"] = np.array(edge_offset, np.int64)
    for prefix, columns in (("node", nodes), ("edge", edges)):
        for key, parts in columns.items():
            dtype = empty.get(key, np.int32)
            arrays[f"{prefix}_{key}"] = np.concatenate(parts) if parts else np.zeros(0, dtype)
    return arrays


def read_header(folder: Path, index: int) -> dict[str, Any] | None:
    """The json of a finished shard, or None if the shard is missing, unfinished or damaged
    (`unfinished_reason` says which file and why)."""
    return _checked_header(folder, index)[0]


def unfinished_reason(folder: Path, index: int) -> str:
    """Why shard `index` is not finished, naming the file at fault ('' if it is finished)."""
    return _checked_header(folder, index)[1]


def _checked_header(folder: Path, index: int) -> tuple[dict[str, Any] | None, str]:
    npz_path, json_path = shard_paths(folder, index)
    if not json_path.is_file():
        return None, f"{json_path}: no finished shard here (no such file)"
    if not npz_path.is_file():
        return None, f"{npz_path}: no finished shard here (no such file)"
    try:
        header = json.loads(json_path.read_bytes())
    except OSError as err:
        return None, f"{json_path}: no finished shard here (cannot read: {err.strerror or err})"
    except ValueError:  # JSONDecodeError, or bytes that are not UTF-8
        return None, f"{json_path}: no finished shard here (not valid JSON)"
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        return None, f"{json_path}: no finished shard here (not a shard header)"
    size = npz_path.stat().st_size
    if header.get("npz_bytes") != size:
        return None, (
            f"{npz_path}: no finished shard here ({size} bytes, but {json_path.name} "
            f"records {header.get('npz_bytes')}: truncated, or from another build)"
        )
    if not _well_formed(header):
        return None, f"{json_path}: no finished shard here (a damaged shard header)"
    return header, ""


def _well_formed(header: dict[str, Any]) -> bool:
    """Whether the parts of a header that resuming and indexing read have their types."""
    span = header.get("range")
    programs, dropped, vocab = header.get("programs"), header.get("dropped"), header.get("vocab")
    return (
        isinstance(span, list)
        and len(span) == 2
        and all(type(v) is int for v in span)
        and isinstance(programs, list)
        and all(isinstance(p, dict) and isinstance(p.get("hash"), str) for p in programs)
        and isinstance(dropped, list)
        and all(isinstance(d, dict) and isinstance(d.get("reason"), str) for d in dropped)
        and isinstance(vocab, list)
        and all(isinstance(t, str) for t in vocab)
    )


_REBUILD_HINT = "rerun the nsc datagen command that built the corpus: it builds the shard again"


def read_shard(folder: Path, index: int) -> Shard:
    """Read a finished shard back into records with the arrays that were written."""
    header, reason = _checked_header(Path(folder), index)
    if header is None:
        raise NscError(reason, hints=(_REBUILD_HINT,))
    npz_path, json_path = shard_paths(Path(folder), index)
    arrays = load_npz(npz_path)
    try:
        records = [_record(arrays, header, p, entry) for p, entry in enumerate(header["programs"])]
    except (KeyError, IndexError, TypeError, ValueError, AttributeError) as err:
        raise NscError(
            f"{json_path}: a damaged shard: it does not describe {npz_path.name} "
            f"({type(err).__name__}: {err})",
            hints=(f"delete {json_path.name} and {npz_path.name}, then {_REBUILD_HINT}",),
        ) from None
    return Shard(header, records)


def _record(
    arrays: dict[str, np.ndarray], header: dict[str, Any], p: int, entry: dict[str, Any]
) -> ProgramRecord:
    n0, n1 = arrays["node_offset"][p : p + 2]
    e0, e1 = arrays["edge_offset"][p : p + 2]
    graph = GraphArrays(
        nodes={k: arrays[f"node_{k}"][n0:n1] for k in NODE_ARRAYS},
        edges={k: arrays[f"edge_{k}"][e0:e1] for k in EDGE_ARRAYS},
        vocab=header["vocab"],
        functions=entry["functions"],
        ports={int(k): v for k, v in entry["ports"].items()},
    )
    _check_graph(graph)
    return ProgramRecord(
        name=entry["name"],
        source=entry["source"],
        signature=Signature.from_json(entry["signature"]),
        ir=entry["ir"],
        hash=entry["hash"],
        inputs={s["name"]: _take(arrays, s) for s in entry["inputs"]},
        outputs={s["name"]: _take(arrays, s) for s in entry["outputs"]},
        graph=graph,
        meta=entry["meta"],
    )


def _check_graph(graph: GraphArrays) -> None:
    """ValueError where a graph read back points outside its tables or its nodes."""
    limits = {
        "node_kind": (graph.nodes["kind"], len(KINDS)),
        "node_text": (graph.nodes["text"], len(graph.vocab)),
        "node_callee": (graph.nodes["callee"], len(graph.vocab)),
        "node_function": (graph.nodes["function"], len(graph.functions)),
        "node_role": (graph.nodes["role"], len(ROLES)),
        "edge_src": (graph.edges["src"], graph.num_nodes),
        "edge_dst": (graph.edges["dst"], graph.num_nodes),
        "edge_flow": (graph.edges["flow"], len(FLOWS)),
        "ports": (np.array(list(graph.ports), np.int64), graph.num_nodes),
    }
    for name, (column, limit) in limits.items():
        low = -1 if name in ("node_callee", "node_function") else 0  # -1: none
        if column.size and not low <= int(column.min()) <= int(column.max()) < limit:
            raise ValueError(f"{name} holds values outside [{low}, {limit})")


def _take(arrays: dict[str, np.ndarray], spec: dict[str, Any]) -> np.ndarray:
    size = int(np.prod(spec["shape"], dtype=np.int64))
    flat = arrays[f"values_{spec['dtype']}"][spec["offset"] : spec["offset"] + size]
    return flat.reshape(spec["shape"])
