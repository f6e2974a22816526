"""Observed execution (fusion features): the instrumented IR is valid, computes what the clean IR
computes, and its summaries are the statistics of the values each instruction produced."""

from __future__ import annotations

import numpy as np
import pytest

from nsc.diagnostics import NscError
from nsc.frontend import FrontendOptions, c_to_ir
from nsc.ir.graph import build_graph
from nsc.ir.observe import FUSION_DIM, instruction_nodes, instrument, observe
from nsc.ir.oracle import Oracle
from nsc.ir.passes import run_passes

LOOP = """
#pragma nsc range(x, -2.0, 2.0)
double f(double x, int n) {
    double s = 0.0;
    for (int i = 0; i < 4; i++) {
        s += x * x;
    }
    if (x > 0.0) {
        s = s + 1.0;
    }
    return s;
}
"""


def _compiled(tmp_path, source: str, pipeline: str = ""):
    path = tmp_path / "p.c"
    path.write_text(source)
    compiled = c_to_ir(path, FrontendOptions())
    ir = run_passes(compiled.ir, pipeline).module.text if pipeline else compiled.ir
    return ir, compiled.signature


def _rows(n: int = 200):
    rng = np.random.default_rng(0)
    return {"x": rng.uniform(-2, 2, n), "n": np.zeros(n, dtype=np.int32)}


def _by_opcode(ir: str, signature, inputs):
    """(opcode, raw stats row, observed) per instruction, with the graph's node order."""
    observation = observe(ir, signature, inputs)
    graph = build_graph(ir, signature)
    nodes = instruction_nodes(graph)
    assert len(nodes) == len(observation.observed)
    return [
        (graph.nodes[node]["text"], observation.stats[i], observation.observed[i])
        for i, node in enumerate(nodes)
    ], observation


def test_loop_body_runs_four_times_per_row_and_sums_match(tmp_path):
    ir, signature = _compiled(tmp_path, LOOP)
    inputs = _rows()
    rows, observation = _by_opcode(ir, signature, inputs)
    x = inputs["x"]
    squares = [stats for op, stats, seen in rows if op == "fmul" and seen]
    assert len(squares) == 1
    count, total, sumsq, low, high, nonzero = squares[0]
    assert count == 4 * len(x)
    assert total == pytest.approx(4 * np.sum(x * x))
    assert sumsq == pytest.approx(4 * np.sum(x**4))
    assert low == pytest.approx(np.min(x * x)) and high == pytest.approx(np.max(x * x))
    assert nonzero == 4 * np.count_nonzero(x)
    features = observation.features()
    assert features.shape == (len(rows), FUSION_DIM)
    assert np.isfinite(features).all()
    loop_row = next(i for i, (op, stats, seen) in enumerate(rows) if op == "fmul" and seen)
    assert features[loop_row, 0] == pytest.approx(np.log1p(4.0))


def test_branch_condition_is_the_taken_fraction(tmp_path):
    ir, signature = _compiled(tmp_path, LOOP)
    inputs = _rows()
    rows, _ = _by_opcode(ir, signature, inputs)
    branches = [stats for op, stats, seen in rows if op == "br" and seen]
    taken = np.mean(inputs["x"] > 0)
    # the loop's own condition and the `x > 0` test: one of them is the data-dependent one
    fractions = [stats[5] / stats[0] for stats in branches]
    assert any(f == pytest.approx(taken) for f in fractions)


@pytest.mark.parametrize("pipeline", ["", "O2"])
def test_instrumented_ir_computes_what_the_clean_ir_computes(tmp_path, pipeline):
    ir, signature = _compiled(tmp_path, LOOP, pipeline)
    text, observed = instrument(ir)
    inputs = _rows(64)
    clean = Oracle(ir, signature).run(inputs)
    seen = Oracle(text, signature).run(inputs)
    np.testing.assert_array_equal(clean.outputs["return"], seen.outputs["return"])
    assert observed.any()


def test_phis_are_observed_after_the_block_s_last_phi(tmp_path):
    source = """
#pragma nsc range(x, -1.0, 1.0)
#pragma nsc range(n, 1, 8)
double h(double x, int n) {
    double s = 0.0, p = 1.0;
    for (int i = 0; i < n; i++) { s += p; p *= x; }
    return s;
}
"""
    ir, signature = _compiled(tmp_path, source, "O2")
    assert " phi " in ir
    inputs = {"x": np.linspace(-1, 1, 40), "n": np.arange(40, dtype=np.int32) % 8 + 1}
    rows, _ = _by_opcode(ir, signature, inputs)
    phis = [stats for op, stats, seen in rows if op == "phi" and seen]
    assert phis
    assert max(stats[0] for stats in phis) == np.sum(inputs["n"])  # once per iteration


def test_rows_not_observed_leave_zero_features_and_stores_are_unobserved(tmp_path):
    source = """
#pragma nsc range(x, -1.0, 1.0)
void g(double x, double *out) {
    if (x > 5.0) { *out = x * 3.0; } else { *out = x; }
}
"""
    ir, signature = _compiled(tmp_path, source)
    observation = observe(ir, signature, {"x": np.linspace(-1, 1, 16)})
    graph = build_graph(ir, signature)
    nodes = instruction_nodes(graph)
    features = observation.by_node(nodes)
    ops = {node: graph.nodes[node]["text"] for node in nodes}
    never = [n for n, op in ops.items() if op == "fmul"]
    assert never and all(not features[n].any() for n in never)  # in the branch never taken
    assert all(n not in features for n, op in ops.items() if op == "store")


def test_mismatched_graph_is_an_error(tmp_path):
    ir, signature = _compiled(tmp_path, LOOP)
    observation = observe(ir, signature, _rows(8))
    with pytest.raises(NscError, match="instructions"):
        observation.by_node([0, 1])
