"""The corpus shard format: graphs as arrays, and shards that read back exactly as written."""

from __future__ import annotations

import json

import networkx as nx
import numpy as np
import pytest

from nsc.data.shards import (
    ProgramRecord,
    graph_arrays,
    read_header,
    read_shard,
    shard_paths,
    to_networkx,
    write_shard,
)
from nsc.diagnostics import NscError
from nsc.frontend import c_to_ir
from nsc.ir.graph import build_graph, program_graph
from nsc.ir.passes import run_passes

SOURCE = """
#include <math.h>
#pragma nsc range(n, 1, 3)
static double sq(double v) { return v * v; }
double f(const float xs[3], int n, double *out) {
    double s = 0.0;
    for (int i = 0; i < n; i++) s += sq(xs[i]) + sin(xs[i]);
    *out = s * 0.5;
    return s;
}
"""


def _record(name: str, rows: int, seed: int) -> ProgramRecord:
    compiled = c_to_ir(SOURCE, filename=f"{name}.c")
    rng = np.random.default_rng(seed)
    return ProgramRecord(
        name=name,
        source=SOURCE,
        signature=compiled.signature,
        ir=compiled.ir,
        hash=f"hash-{name}",
        inputs={
            "xs": rng.uniform(-1, 1, (rows, 3)).astype(np.float32),
            "n": rng.integers(1, 4, rows).astype(np.int32),
        },
        outputs={"return": rng.normal(size=rows), "out": rng.normal(size=rows)},
        graph=graph_arrays(build_graph(compiled.ir, compiled.signature)),
        meta={"index": seed},
    )


def _same_graph(a: nx.MultiDiGraph, b: nx.MultiDiGraph) -> bool:
    nodes_a, nodes_b = list(a.nodes(data=True)), list(b.nodes(data=True))
    edges_a = sorted((u, v, d["flow"], d["position"]) for u, v, d in a.edges(data=True))
    edges_b = sorted((u, v, d["flow"], d["position"]) for u, v, d in b.edges(data=True))
    return nodes_a == nodes_b and edges_a == edges_b


def test_graph_arrays_round_trip_to_networkx():
    compiled = c_to_ir(SOURCE, filename="g.c")
    graph = build_graph(compiled.ir, compiled.signature)
    arrays = graph_arrays(graph)
    assert arrays.num_nodes == graph.number_of_nodes()
    assert len(arrays.edges["src"]) == graph.number_of_edges()
    assert "call" in arrays.texts() and "llvm.sin.f64" in arrays.vocab
    assert {tuple(v) for v in arrays.ports.values()} >= {("xs",), ("n",), ("out",), ("return",)}
    assert _same_graph(to_networkx(arrays), graph)


def test_graph_arrays_of_the_lists_match_those_of_networkx():
    compiled = c_to_ir(SOURCE, filename="g.c")
    module = run_passes(compiled.ir, "O2,canonicalize{entry=f}").module
    listed = program_graph(module, compiled.signature)
    a, b = graph_arrays(listed), graph_arrays(listed.to_networkx())
    assert (a.vocab, a.functions, a.ports) == (b.vocab, b.functions, b.ports)
    for part in ("nodes", "edges"):
        mine, theirs = getattr(a, part), getattr(b, part)
        assert mine.keys() == theirs.keys()
        assert all(np.array_equal(mine[k], theirs[k]) for k in mine)


def test_shard_reads_back_identical_arrays(tmp_path):
    records = [_record("a", 8, 1), _record("b", 5, 2)]
    write_shard(tmp_path, 3, records, {"range": [6, 8], "dropped": [], "settings": {}})
    shard = read_shard(tmp_path, 3)
    assert shard.header["range"] == [6, 8]
    assert [r.name for r in shard.records] == ["a", "b"]
    for want, got in zip(records, shard.records, strict=True):
        assert got.signature == want.signature
        assert got.source == want.source and got.ir == want.ir and got.meta == want.meta
        for ports in ("inputs", "outputs"):
            w, g = getattr(want, ports), getattr(got, ports)
            assert list(w) == list(g)
            for name in w:
                assert g[name].dtype == w[name].dtype
                np.testing.assert_array_equal(g[name], w[name])
        assert got.graph.texts() == want.graph.texts()
        assert got.graph.ports == want.graph.ports
        for key, column in want.graph.edges.items():
            np.testing.assert_array_equal(got.graph.edges[key], column)
        assert _same_graph(to_networkx(got.graph), to_networkx(want.graph))


def test_shard_files_hold_no_pickle(tmp_path):
    write_shard(tmp_path, 0, [_record("a", 4, 1)], {"range": [0, 1], "dropped": []})
    npz, _ = shard_paths(tmp_path, 0)
    with np.load(npz, allow_pickle=False) as data:  # raises on object arrays
        assert all(data[k].dtype != object for k in data.files)


def test_empty_shard(tmp_path):
    drop = {"index": 0, "name": "x.c", "reason": "compile", "message": "no"}
    write_shard(tmp_path, 0, [], {"range": [0, 1], "dropped": [drop]})
    shard = read_shard(tmp_path, 0)
    assert shard.records == [] and shard.dropped == [drop]


def test_unfinished_or_damaged_shard_is_not_finished(tmp_path):
    write_shard(tmp_path, 0, [_record("a", 4, 1)], {"range": [0, 1], "dropped": []})
    npz, js = shard_paths(tmp_path, 0)
    assert read_header(tmp_path, 0) is not None
    npz.write_bytes(npz.read_bytes()[:-10])  # a torn npz no longer matches its header
    assert read_header(tmp_path, 0) is None
    js.unlink()  # an npz without its json: killed between the two writes
    assert read_header(tmp_path, 0) is None
    with pytest.raises(NscError, match="no finished shard"):
        read_shard(tmp_path, 0)
    js.write_text(json.dumps({"format": "something else"}))
    assert read_header(tmp_path, 0) is None
