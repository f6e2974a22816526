"""The example kernels: each compiles with nsc, matches gcc, and gives hand-checked values."""

from __future__ import annotations

import functools
import math
import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from gcc_harness import compare

from nsc.frontend import FrontendOptions, c_to_ir
from nsc.ir.oracle import Oracle

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
OPTIONS = {"inversek2j_plain": FrontendOptions(inputs=("x", "y"))}
KNOWN_BUGS: dict[str, str] = {}


def _example_params():
    for path in sorted(EXAMPLES.glob("*.c")):
        marks = []
        if path.stem in KNOWN_BUGS:
            marks.append(pytest.mark.xfail(reason=KNOWN_BUGS[path.stem], strict=True))
        yield pytest.param(path, id=path.stem, marks=marks)


@functools.cache
def _oracle(name: str) -> Oracle:
    """The example compiled once per test session."""
    options = replace(OPTIONS.get(name, FrontendOptions()), instrument=True)
    compiled = c_to_ir(EXAMPLES / f"{name}.c", options)
    return Oracle(compiled.ir, compiled.signature)


def _run(name: str, **inputs) -> dict[str, np.ndarray]:
    """The example's outputs for one row of inputs, by nsc's oracle."""
    execution = _oracle(name).run({k: np.asarray(v)[None] for k, v in inputs.items()})
    assert execution.ok.all(), f"oracle status {execution.status}"
    return {k: v[0] for k, v in execution.outputs.items()}


def test_there_are_enough_examples():
    assert len(list(EXAMPLES.glob("*.c"))) >= 10


@pytest.mark.parametrize("example", list(_example_params()))
def test_example_matches_gcc(example: Path, tmp_path: Path):
    result = compare(example, tmp_path, rows=64, seed=3, options=OPTIONS.get(example.stem), ulps=0)
    assert not result.problems, "\n".join(result.problems)
    ranged = set(re.findall(r"#pragma nsc range\((\w+)", example.read_text()))
    for port in result.signature.inputs:
        assert port.name.split(".")[0] in ranged, f"input {port.name} has no range pragma"


@pytest.mark.parametrize("name", ["inversek2j", "inversek2j_plain"])
def test_inversek2j_round_trips_through_forward_kinematics(name: str):
    x, y = 0.3, 0.55
    out = _run(name, x=np.float32(x), y=np.float32(y))
    t1, t2 = float(out["theta1"]), float(out["theta2"])
    fx = 0.5 * math.cos(t1) + 0.5 * math.cos(t1 + t2)
    fy = 0.5 * math.sin(t1) + 0.5 * math.sin(t1 + t2)
    assert abs(fx - x) < 1e-4 and abs(fy - y) < 1e-4


def test_inversek2j_plain_takes_x_y_as_inputs_only_when_asked():
    path = EXAMPLES / "inversek2j_plain.c"
    asked = c_to_ir(path, OPTIONS["inversek2j_plain"]).signature
    assert [p.name for p in asked.inputs] == ["x", "y"]
    assert [p.name for p in asked.outputs] == ["theta1", "theta2"]
    plain = c_to_ir(path, FrontendOptions()).signature
    assert not plain.inputs and {p.name for p in plain.outputs} >= {"theta1", "theta2"}


def test_dct_of_a_constant_block_is_pure_dc():
    out = _run("dct8x8", **{"in": np.full((8, 8), 10.0, np.float32)})["out"]
    assert out[0, 0] == pytest.approx(80.0, rel=1e-5)
    ac = out.copy()
    ac[0, 0] = 0
    assert np.abs(ac).max() < 1e-3


def test_sobel_of_flat_window_is_zero_and_of_an_edge_is_not():
    assert _run("sobel", w=np.full((3, 3), 0.5, np.float32))["return"] == 0.0
    assert abs(_run("sobel", w=np.full((3, 3), 0.4, np.float32))["return"]) < 1e-6
    edge = np.array([[0, 0, 1]] * 3, np.float32)
    assert _run("sobel", w=edge)["return"] == pytest.approx(1 / math.sqrt(2), rel=1e-6)


def test_blackscholes_satisfies_put_call_parity():
    args = dict(spot=42.0, strike=40.0, rate=0.1, volatility=0.2, years=0.5)
    floats = {k: np.float32(v) for k, v in args.items()}
    call = float(_run("blackscholes", **floats, is_put=np.int32(0))["return"])
    put = float(_run("blackscholes", **floats, is_put=np.int32(1))["return"])
    assert call == pytest.approx(4.76, abs=0.01)  # Hull's textbook example
    assert call - put == pytest.approx(42.0 - 40.0 * math.exp(-0.05), abs=1e-3)


def test_fft_twiddle_quarter_turn():
    out = _run("fft_twiddle", k=np.int32(16), n=np.int32(64))
    assert abs(out["re"]) < 1e-6 and out["im"] == pytest.approx(-1.0)


def test_kmeans_distance_between_black_and_white():
    zeros, ones = np.float32(0), np.float32(1)
    rgb = {f"pixel.{c}": zeros for c in "rgb"} | {f"centroid.{c}": ones for c in "rgb"}
    assert _run("kmeans", **rgb)["return"] == pytest.approx(math.sqrt(3), rel=1e-6)


def _triangles(*points) -> np.ndarray:
    return np.array(points, np.float32).reshape(6, 3)


def test_jmeint_crossing_separate_and_coplanar():
    crossing = _triangles(
        (0, 0, 0), (1, 0, 0), (0, 1, 0), (0.2, 0.2, -1), (0.2, 0.2, 1), (0.8, 0.3, 0)
    )
    apart = _triangles((0, 0, 0), (1, 0, 0), (0, 1, 0), (0, 0, 2), (1, 0, 2), (0, 1, 3))
    coplanar = _triangles((0, 0, 0), (1, 0, 0), (0, 1, 0), (0.1, 0.1, 0), (2, 0.1, 0), (0.1, 2, 0))
    assert _run("jmeint", v=crossing)["return"] == 1
    assert _run("jmeint", v=apart)["return"] == 0
    assert _run("jmeint", v=coplanar)["return"] == 1


def test_jpeg_quantization_at_quality_50_uses_the_table():
    coef = np.zeros((8, 8), np.float32)
    coef[0, 0], coef[7, 7] = 16 * 3, -99 * 2.4
    q = _run("jpeg_quant", coef=coef, quality=np.int32(50))["q"]
    assert q[0, 0] == 3 and q[7, 7] == -2 and np.count_nonzero(q) == 2


def test_newton_sqrt_converges():
    assert _run("newton_sqrt", a=np.float64(2.0))["return"] == pytest.approx(
        math.sqrt(2), rel=1e-15
    )


def test_conv1d_keeps_a_constant_signal():
    assert np.allclose(_run("conv1d", x=np.full(16, 0.5, np.float32))["y"], 0.5, atol=1e-7)


def test_particle_falls_and_bounces():
    state = {"p.pos.x": 0.0, "p.pos.y": 1.0, "p.vel.x": 0.0, "p.vel.y": 0.0}
    out = _run("particle", **{k: np.float32(v) for k, v in state.items()}, dt=np.float32(0.01))
    assert out["p.vel.y"] == pytest.approx(-0.0981, rel=1e-5)
    assert out["p.pos.y"] == pytest.approx(1.0 - 0.000981, rel=1e-5)
    low = dict(state, **{"p.pos.y": 0.0001, "p.vel.y": -1.0})
    out = _run("particle", **{k: np.float32(v) for k, v in low.items()}, dt=np.float32(0.01))
    assert out["p.pos.y"] > 0 and out["p.vel.y"] > 0


def test_neuron_at_zero_is_sigmoid_of_bias():
    out = _run("neuron", x=np.zeros(4, np.float32))["return"]
    assert out == pytest.approx(1 / (1 + math.exp(0.3)), rel=1e-6)


def test_rgb2yuv_of_white_has_no_chroma():
    out = _run("rgb2yuv", **{f"c.{k}": np.float32(1) for k in "rgb"})
    assert out["out.y"] == pytest.approx(1.0, rel=1e-6)
    assert abs(out["out.u"]) < 1e-6 and abs(out["out.v"]) < 1e-6
