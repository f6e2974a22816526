"""Evaluation against the oracle: the table's numbers, excluded rows, and the plots."""

from __future__ import annotations

import numpy as np
import pytest
from runtime_fixtures import build

from nsc.diagnostics import NscError
from nsc.ir.oracle import Oracle
from nsc.runtime import Surrogate
from nsc.runtime.evaluate import check_compatible, evaluate, port_metrics
from nsc.runtime.plots import plot_evaluation

DIVIDES = """
#pragma nsc range(a, -20, 20)
#pragma nsc range(b, -3, 3)
int divide(int a, int b) { return a / b; }
"""


def test_table_matches_numpy(tmp_path):
    built = build("rgb2yuv", tmp_path / "m.onnx")
    surrogate = Surrogate(built.path)
    ev = evaluate(surrogate, built.compiled, 300, seed=4, isolated=False)
    oracle = Oracle(built.compiled.ir, built.signature).run(ev.inputs)
    pred = surrogate.run(ev.inputs)
    assert [m.port for m in ev.table.ports] == [p.name for p in built.signature.outputs]
    for m in ev.table.ports:
        t = oracle.outputs[m.port].astype(np.float64).ravel()
        e = pred[m.port].astype(np.float64).ravel() - t
        assert m.mse == pytest.approx(np.mean(e**2), rel=1e-9)
        assert m.mae == pytest.approx(np.mean(np.abs(e)), rel=1e-9)
        assert m.max_error == pytest.approx(np.max(np.abs(e)), rel=1e-9)
        assert m.nmse == pytest.approx(np.mean(e**2) / np.var(t), rel=1e-9)
        assert m.relative == pytest.approx(np.mean(np.abs(e)) / np.mean(np.abs(t)), rel=1e-9)
    assert (ev.table.samples, ev.table.excluded) == (300, 0)
    lines = ev.table.format().splitlines()
    assert lines[0].split() == ["port", "MSE", "MAE", "nMSE", "rel", "max", "err"]
    assert lines[-1] == "300 of 300 samples evaluated"


def test_failed_rows_are_excluded_and_counted(tmp_path):
    built = build(DIVIDES, tmp_path / "m.onnx")
    ev = evaluate(Surrogate(built.path), built.compiled, 700, seed=0, isolated=False)
    zero_rows = ev.table.excluded
    assert 60 < zero_rows < 180  # b is uniform over the 7 integers -3..3
    assert len(ev.truth["return"]) == 700 - zero_rows
    assert np.all(ev.inputs["b"] != 0)
    assert "excluded: the oracle failed" in ev.table.format()


def test_isolated_oracle_gives_the_same_table(tmp_path):
    built = build("kmeans", tmp_path / "m.onnx")
    surrogate = Surrogate(built.path)
    inline = evaluate(surrogate, built.compiled, 50, seed=2, isolated=False)
    isolated = evaluate(surrogate, built.compiled, 50, seed=2, isolated=True)
    assert inline.table == isolated.table


def test_metric_edge_cases():
    flat = port_metrics("c", np.ones(4), np.ones(4) * 1.5)
    assert flat.nmse is None and flat.mse == pytest.approx(0.25)  # undefined, not inf
    zero = port_metrics("z", np.zeros(3), np.ones(3))
    assert zero.relative is None
    assert np.isnan(port_metrics("e", np.zeros(0), None).mse)


def test_source_must_match_the_surrogate(tmp_path):
    sobel = build("sobel", tmp_path / "s.onnx")
    kmeans = build("kmeans", tmp_path / "k.onnx")
    with pytest.raises(NscError, match="inputs do not match"):
        check_compatible(sobel.signature, kmeans.signature)
    with pytest.raises(NscError, match="at least 2 samples, not 0"):
        evaluate(Surrogate(sobel.path), sobel.compiled, 0)


@pytest.mark.parametrize(
    ("source", "kind"),
    [
        ("float f(float x) { return x * x - 0.5f; }", "curve"),
        ("float g(float x, float y) { return x * y; }", "heatmap"),
        ("kmeans", "scatter"),
        ("dct8x8", "scatter"),
    ],
)
def test_plots(tmp_path, source, kind):
    built = build(source, tmp_path / "m.onnx")
    ev = evaluate(Surrogate(built.path), built.compiled, 200, seed=0, isolated=False)
    path = tmp_path / "plot.png"
    assert plot_evaluation(ev, path) == kind
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert path.stat().st_size > 10_000
    with pytest.raises(NscError, match="as .png"):
        plot_evaluation(ev, tmp_path / "plot.txt")
