"""Graph -> tensors: vocabulary, constant encoding, slots of signature ports, batching."""

from __future__ import annotations

import dataclasses
import itertools

import networkx as nx
import numpy as np
import pytest

from nsc.backend.tensors import (
    CONSTANT_WIDTH,
    FLOWS,
    RANGE_WIDTH,
    collate,
    encode_constant,
    encode_range,
    program_tensors,
    value_stats,
)
from nsc.backend.vocab import UNKNOWN, Vocab, callee_family, node_keys
from nsc.diagnostics import NscError
from nsc.frontend import c_to_ir
from nsc.ir.graph import build_graph

MIXED = r"""
#include <math.h>
struct P { float r; double g; };
double f(double x, const float a[3], struct P p, float out[2]) {
    out[0] = x * a[1];
    out[1] = p.r;
    return sin(3 * x) + p.g;
}
"""


def compiled(source: str):
    result = c_to_ir(source, filename="t.c")
    return build_graph(result.ir, result.signature), result.signature


def test_vocab_is_deterministic_and_round_trips():
    graphs = [compiled(MIXED)[0], compiled("double f(double x) { return -x; }")[0]]
    a = Vocab.build(graphs)
    b = Vocab.build(list(reversed(graphs)))
    assert a == b
    assert a.tokens[0] == UNKNOWN
    assert list(a.tokens[1:]) == sorted(a.tokens[1:])
    assert Vocab.from_json(a.to_json()) == a
    assert "instruction:fneg" in a and "call:llvm.sin.f64" in a


def test_vocab_unknown_and_fallbacks():
    vocab = Vocab.build([compiled("double f(double x) { return x + 1.0; }")[0]])
    assert vocab.index("instruction:frobnicate") == 0
    assert vocab.lookup({"kind": "instruction", "text": "frobnicate"}) == vocab.index("instruction")
    unseen_struct = {"kind": "variable", "text": "{ i8, [4 x float] }"}
    assert vocab.lookup(unseen_struct) == vocab.index("variable")
    unseen_call = {"kind": "instruction", "text": "call", "callee": "llvm.cos.f64"}
    assert vocab.lookup(unseen_call) == vocab.index("instruction")
    with_calls = Vocab.build([compiled(MIXED)[0]])
    assert with_calls.lookup(unseen_call) == with_calls.index("instruction:call") != 0
    sin_f32 = {"kind": "instruction", "text": "call", "callee": "llvm.sin.f32"}
    assert with_calls.lookup(sin_f32) == with_calls.index("call:sin") != 0
    with pytest.raises(NscError, match="unknown kind"):
        node_keys({"kind": "block"})
    with pytest.raises(NscError, match="not an nsc vocabulary"):
        Vocab.from_json("[1, 2]")


def test_callee_family_strips_llvm_overloads():
    assert callee_family("llvm.sin.f64") == "sin"
    assert callee_family("llvm.fmuladd.f32") == "fmuladd"
    assert callee_family("llvm.powi.f64.i32") == "powi"
    assert callee_family("sinf") == "sinf"


def test_constant_encoding_distinguishes_values():
    values = [1.0, -1.0, 1e-3, 3.14159, 0.0, 2.0, 1e300, float("nan"), float("inf")]
    codes = [encode_constant(v) for v in values]
    assert all(c.shape == (CONSTANT_WIDTH,) and np.isfinite(c).all() for c in codes)
    for (i, a), (j, b) in itertools.combinations(enumerate(codes), 2):
        assert np.abs(a - b).sum() >= 1.0, (values[i], values[j])
    assert np.abs(codes[0]).max() <= 1.0 and np.abs(codes[6]).max() <= 1.0  # bounded features


def test_value_stats_ignores_non_finite():
    stats = value_stats(np.array([1.0, 3.0, np.nan, np.inf]))
    assert np.allclose(stats, np.arcsinh([2.0, 1.0, 1.0, 3.0]))
    assert not value_stats(np.array([np.nan])).any()


def test_program_tensors_slots_follow_the_signature():
    graph, signature = compiled(MIXED)
    vocab = Vocab.build([graph])
    t = program_tensors(graph, vocab, signature)
    assert t.num_nodes == graph.number_of_nodes()
    assert (t.tokens > 0).all()  # built from this graph: nothing unknown
    # inputs x, a[3], p.r, p.g -> 6 scalars; outputs return, out[2] -> 3 scalars
    assert t.inputs.port.tolist() == [0, 1, 1, 1, 2, 3]
    assert t.inputs.element.tolist() == [0, 0, 1, 2, 0, 0]
    assert t.inputs.field.tolist() == [0, 0, 0, 0, 1, 2]
    assert t.outputs.port.tolist() == [0, 1, 1]
    x_node = next(n for n, a in graph.nodes(data=True) if a.get("ports") == ["x"])
    assert t.inputs.pair_node[t.inputs.pair_slot == 0].tolist() == [x_node]
    ret = [n for n, a in graph.nodes(data=True) if a.get("ports") == ["return"]]
    assert t.outputs.pair_node[t.outputs.pair_slot == 0].tolist() == ret
    constants = [n for n, a in graph.nodes(data=True) if a["kind"] == "constant"]
    assert t.constants[constants, 0:CONSTANT_WIDTH].any(axis=1).all()
    assert not t.constants[[x_node]].any()
    assert set(t.edge_flow.tolist()) <= set(range(len(FLOWS)))
    assert t.edge_src.shape == (graph.number_of_edges(),)


def test_input_nodes_carry_their_declared_ranges():
    source = "#pragma nsc range(x, 10, 100)\ndouble f(double x, double y) { return x * y; }"
    graph, signature = compiled(source)
    t = program_tensors(graph, Vocab.build([graph]), signature)
    assert t.ranges.shape == (graph.number_of_nodes(), RANGE_WIDTH)
    node = {a["ports"][0]: n for n, a in graph.nodes(data=True) if a.get("ports")}
    np.testing.assert_array_equal(t.ranges[node["x"]], encode_range(10.0, 100.0))
    np.testing.assert_array_equal(t.ranges[node["y"]], encode_range(-1.0, 1.0))  # the default
    others = [n for n in range(t.num_nodes) if n not in (node["x"], node["y"])]
    assert not t.ranges[others].any()
    assert not np.allclose(encode_range(0.0, 1.0), encode_range(0.0, 2.0))
    wide, wide_signature = compiled(source.replace("10, 100", "-100, 100"))
    other = program_tensors(wide, Vocab.build([wide]), wide_signature)
    assert not np.array_equal(other.ranges, t.ranges)


def test_program_tensors_needs_marked_ports():
    result = c_to_ir("double f(double x) { return x; }", filename="t.c")
    unmarked = build_graph(result.ir)
    with pytest.raises(NscError, match="carries port 'x'"):
        program_tensors(unmarked, Vocab.build([unmarked]), result.signature)
    graph = build_graph(result.ir, result.signature)
    no_output = dataclasses.replace(result.signature, outputs=())
    with pytest.raises(NscError, match="at least one input and one output"):
        program_tensors(graph, Vocab.build([graph]), no_output)
    with pytest.raises(NscError, match="empty"):
        program_tensors(nx.MultiDiGraph(), Vocab.build([]), result.signature)


def test_fusion_features_hook():
    graph, signature = compiled("double f(double x) { return x * x; }")
    vocab = Vocab.build([graph])
    t = program_tensors(graph, vocab, signature, fusion={0: [1.0, 2.0]}, fusion_dim=4)
    assert t.fusion.shape == (graph.number_of_nodes(), 4)
    assert t.fusion[0].tolist() == [1.0, 2.0, 0.0, 0.0] and t.fusion_mask.tolist()[0] == 1.0
    assert t.fusion_mask.sum() == 1.0
    with pytest.raises(NscError, match="max 1"):
        program_tensors(graph, vocab, signature, fusion={0: [1.0, 2.0]}, fusion_dim=1)
    with pytest.raises(NscError, match="not in the graph"):
        program_tensors(graph, vocab, signature, fusion={999: [1.0]}, fusion_dim=1)


def test_collate_offsets_nodes_and_slots():
    g1, s1 = compiled(MIXED)
    g2, s2 = compiled("double f(double x, double y) { return x - y; }")
    vocab = Vocab.build([g1, g2])
    t1, t2 = program_tensors(g1, vocab, s1), program_tensors(g2, vocab, s2)
    batch = collate([t1, t2])
    n1 = t1.num_nodes
    assert batch.num_graphs == 2 and batch.num_nodes == n1 + t2.num_nodes
    assert batch.graph_index.tolist() == [0] * n1 + [1] * t2.num_nodes
    assert batch.edge_src[len(t1.edge_src) :].min() >= n1
    assert batch.inputs.widths.tolist() == [6, 2] and batch.outputs.widths.tolist() == [3, 1]
    assert batch.inputs.program.tolist() == [0] * 6 + [1] * 2
    assert batch.inputs.column.tolist() == [0, 1, 2, 3, 4, 5, 0, 1]
    assert batch.inputs.pair_slot.max() == 7
    assert (batch.inputs.pair_node[batch.inputs.pair_slot >= 6] >= n1).all()
    assert batch.inputs.mask().tolist()[1] == [1, 1, 0, 0, 0, 0]
    with pytest.raises(NscError, match="zero programs"):
        collate([])


def test_batch_moves_to_a_device():
    graph, signature = compiled("double f(double x) { return x; }")
    batch = collate([program_tensors(graph, Vocab.build([graph]), signature)])
    moved = batch.to("meta")
    assert moved.tokens.device.type == "meta" and moved.inputs.pair_node.device.type == "meta"
    assert moved.num_graphs == 1 and batch.tokens.device.type == "cpu"


def test_a_range_near_the_largest_doubles_encodes_to_finite_features():
    """Its centre and half-width overflow when computed as (lo + hi) / 2 and (hi - lo) / 2; the
    features stay finite, so the hypernetwork computes no NaN before the range is refused."""
    features = encode_range(-1e308, 1.7e308)
    assert np.isfinite(features).all()
    expected = (np.arcsinh([2.0, 4.0]) / 4.0).astype(np.float32)  # centre 2, half-width 4
    np.testing.assert_array_equal(encode_range(-2.0, 6.0)[3:5], expected)
