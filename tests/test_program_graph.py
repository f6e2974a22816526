"""`program_graph`: the program graph as lists, the same graph and encoding as networkx's."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

from nsc.backend.arrays import program_tensors
from nsc.backend.vocab import Vocab
from nsc.frontend import c_to_ir
from nsc.ir.graph import ProgramGraph, build_graph, program_graph, write_graph
from nsc.ir.passes import run_passes

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
PROGRAMS = ["inversek2j.c", "sobel.c", "kmeans.c", "particle.c", "fft_twiddle.c", "jmeint.c"]


def optimized(name: str):
    compiled = c_to_ir(EXAMPLES / name)
    return run_passes(compiled.ir, "O2").module.text, compiled.signature


@pytest.mark.parametrize("name", PROGRAMS)
def test_lists_and_networkx_hold_the_same_graph(name):
    ir, signature = optimized(name)
    light, graph = program_graph(ir, signature), build_graph(ir, signature)
    assert isinstance(light, ProgramGraph) and isinstance(graph, nx.MultiDiGraph)
    assert light.number_of_nodes() == graph.number_of_nodes()
    assert light.number_of_edges() == graph.number_of_edges()
    assert list(enumerate(light.nodes)) == list(graph.nodes(data=True))
    assert list(light.adjacency_edges()) == list(graph.edges(data=True))
    assert nx.utils.graphs_equal(light.to_networkx(), graph)
    assert light.entry == graph.graph["entry"] == signature.entry


@pytest.mark.parametrize("name", PROGRAMS)
def test_both_forms_encode_to_the_same_arrays(name):
    ir, signature = optimized(name)
    light, graph = program_graph(ir, signature), build_graph(ir, signature)
    vocab = Vocab.build([graph])
    a, b = program_tensors(light, vocab, signature), program_tensors(graph, vocab, signature)
    for field in ("tokens", "roles", "constants", "edge_src", "edge_dst", "edge_flow", "edge_pos"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field), err_msg=field)
    for slots in ("inputs", "outputs"):
        for field in ("port", "element", "field", "pair_slot", "pair_node"):
            left, right = getattr(getattr(a, slots), field), getattr(getattr(b, slots), field)
            np.testing.assert_array_equal(left, right, err_msg=f"{slots}.{field}")


def test_adjacency_order_groups_parallel_edges_by_source_and_first_target():
    graph = ProgramGraph(
        [{"k": 0}, {"k": 1}, {"k": 2}],
        [(1, 2, {"p": 0}), (0, 2, {"p": 1}), (0, 1, {"p": 2}), (0, 2, {"p": 3})],
    )
    order = [attrs["p"] for _, _, attrs in graph.adjacency_edges()]
    assert order == [1, 3, 2, 0] == [d["p"] for _, _, d in graph.to_networkx().edges(data=True)]


def test_write_graph_takes_either_form(tmp_path):
    ir, signature = optimized("sobel.c")
    write_graph(program_graph(ir, signature), tmp_path / "a.dot", "dot")
    write_graph(build_graph(ir, signature), tmp_path / "b.dot", "dot")
    assert (tmp_path / "a.dot").read_text() == (tmp_path / "b.dot").read_text()


def test_building_and_encoding_do_not_import_networkx():
    script = (
        "import sys\nfrom pathlib import Path\n"
        "from nsc.backend.arrays import program_tensors\nfrom nsc.backend.vocab import Vocab\n"
        "from nsc.frontend import c_to_ir\nfrom nsc.ir.graph import program_graph\n"
        f"c = c_to_ir(Path({str(EXAMPLES / 'kmeans.c')!r}))\n"
        "g = program_graph(c.ir, c.signature)\n"
        "program_tensors(g, Vocab(('<unk>', 'instruction')), c.signature)\n"
        "assert 'networkx' not in sys.modules\n"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
