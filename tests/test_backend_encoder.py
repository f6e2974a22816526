"""The GGNN encoder: batching is exact, edges, positions and fusion features matter."""

from __future__ import annotations

import dataclasses

import pytest
import torch

from nsc.backend.encoder import GGNNEncoder, segment_max, segment_mean, sinusoid
from nsc.backend.registry import build_encoder, build_surrogate
from nsc.backend.tensors import collate, program_tensors
from nsc.backend.vocab import Vocab
from nsc.diagnostics import NscError
from nsc.frontend import c_to_ir
from nsc.ir.graph import build_graph

SOURCES = [
    "double f(double x) { return x * x + 1.5; }",
    "#include <math.h>\ndouble f(double x, double y) { return x > y ? sin(x) : y - 2.0; }",
    "void f(const float a[4], float out[2]) { for (int i = 0; i < 2; i++) out[i] = a[i] * a[3]; }",
]


@pytest.fixture(scope="module")
def programs():
    compiled = [c_to_ir(s, filename="t.c") for s in SOURCES]
    graphs = [build_graph(c.ir, c.signature) for c in compiled]
    vocab = Vocab.build(graphs)
    tensors = [
        program_tensors(g, vocab, c.signature) for g, c in zip(graphs, compiled, strict=True)
    ]
    return vocab, tensors


def encoder(vocab: Vocab, **options) -> GGNNEncoder:
    torch.manual_seed(0)
    return GGNNEncoder(len(vocab), dim=32, steps=4, **options).eval()


def test_batching_equals_encoding_each_alone(programs):
    vocab, tensors = programs
    model = encoder(vocab)
    with torch.no_grad():
        together = model(collate(tensors))
        alone = [model(collate([t])) for t in tensors]
    start = 0
    for i, (t, single) in enumerate(zip(tensors, alone, strict=True)):
        rows = together.nodes[start : start + t.num_nodes]
        assert torch.allclose(rows, single.nodes, atol=1e-5)
        assert torch.allclose(together.graphs[i], single.graphs[0], atol=1e-5)
        start += t.num_nodes
    assert not torch.allclose(together.graphs[0], together.graphs[1], atol=1e-3)


def test_edges_and_positions_change_the_encoding(programs):
    vocab, tensors = programs
    model = encoder(vocab)
    batch = collate(tensors[1:2])
    no_edges = dataclasses.replace(batch, edge_src=batch.edge_src[:0], edge_dst=batch.edge_dst[:0])
    no_edges = dataclasses.replace(
        no_edges, edge_flow=batch.edge_flow[:0], edge_pos=batch.edge_pos[:0]
    )
    with torch.no_grad():
        torch.nn.init.normal_(model.gate.weight)  # a trained gate: positions now matter
        base = model(batch).graphs
        assert not torch.allclose(base, model(no_edges).graphs, atol=1e-4)
        moved = dataclasses.replace(batch, edge_pos=batch.edge_pos + 1)
        assert not torch.allclose(base, model(moved).graphs, atol=1e-4)


def test_gate_starts_at_one_and_sinusoid_is_bounded():
    model = GGNNEncoder(5, dim=8, steps=1)
    gate = 2 * torch.sigmoid(model.gate(sinusoid(torch.tensor([0, 3, 100000]), 8)))
    assert torch.allclose(gate, torch.ones_like(gate))
    emb = sinusoid(torch.arange(50), 7)
    assert emb.shape == (50, 7) and emb.abs().max() <= 1.0
    assert not torch.allclose(emb[1], emb[2])


def test_segment_reductions():
    values = torch.tensor([[1.0, -2.0], [3.0, 4.0], [5.0, 0.0]])
    index = torch.tensor([0, 0, 2])
    assert segment_mean(values, index, 3).tolist() == [[2.0, 1.0], [0.0, 0.0], [5.0, 0.0]]
    assert segment_max(values, index, 3).tolist() == [[3.0, 4.0], [0.0, 0.0], [5.0, 0.0]]


def test_fusion_features_reach_the_state(programs):
    vocab, _ = programs
    compiled = c_to_ir(SOURCES[0], filename="t.c")
    graph = build_graph(compiled.ir, compiled.signature)
    plain = program_tensors(graph, vocab, compiled.signature, fusion_dim=4)
    fused = program_tensors(
        graph, vocab, compiled.signature, fusion={0: [1, 2, 3, 4]}, fusion_dim=4
    )
    model = encoder(vocab, fusion_dim=4)
    with torch.no_grad():
        a, b = model(collate([plain])), model(collate([fused]))
    assert not torch.allclose(a.graphs, b.graphs, atol=1e-4)
    with pytest.raises(NscError, match="fusion features"):
        encoder(vocab)(collate([fused]))


def test_registry_builds_by_name_and_rejects_unknown():
    assert isinstance(build_encoder("ggnn", 10, 0, {"dim": 16, "steps": 2}), GGNNEncoder)
    assert build_surrogate("mlp", {"hidden": [8, 8], "activation": "silu"}).hidden == (8, 8)
    with pytest.raises(NscError, match="unknown encoder 'gcn'.*ggnn"):
        build_encoder("gcn", 10, 0, {})
    with pytest.raises(NscError, match="bad options for encoder"):
        build_encoder("ggnn", 10, 0, {"width": 3})
    with pytest.raises(NscError, match="unknown activation"):
        build_surrogate("mlp", {"activation": "relu6"})
