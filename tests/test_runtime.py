"""The runtime: calling a surrogate by port name, its errors, and npz/csv tables."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper
from runtime_fixtures import build

from nsc.diagnostics import NscError
from nsc.runtime import Surrogate
from nsc.runtime.surrogate import format_outputs
from nsc.runtime.tabular import by_name, column_names, example_ports, read_table, write_table


@pytest.fixture(scope="module")
def sobel(tmp_path_factory):
    return Surrogate(build("sobel", tmp_path_factory.mktemp("m") / "sobel.onnx").path)


@pytest.fixture(scope="module")
def kmeans(tmp_path_factory):
    return Surrogate(build("kmeans", tmp_path_factory.mktemp("m") / "kmeans.onnx").path)


def test_single_row_and_batch_agree(sobel):
    rng = np.random.default_rng(0)
    w = rng.uniform(0, 1, (5, 3, 3))
    batch = sobel(w=w)["return"]
    assert batch.shape == (5,)
    one = sobel(w=w[2])["return"]
    assert one.shape == ()
    assert one == pytest.approx(batch[2], rel=1e-6)


def test_single_rows_broadcast_against_batches(kmeans):
    pixel = {"pixel.r": np.linspace(0, 1, 4), "pixel.g": 0.5, "pixel.b": 0.25}
    centroid = {"centroid.r": 0.1, "centroid.g": 0.2, "centroid.b": 0.3}
    out = kmeans(**pixel, **centroid)["return"]
    assert out.shape == (4,)
    row = kmeans(**{**pixel, "pixel.r": 1.0}, **centroid)["return"]
    assert row == pytest.approx(out[3], rel=1e-6)


def test_chunked_runs_agree_with_one_call(sobel):
    w = np.random.default_rng(1).uniform(0, 1, (20, 3, 3))
    whole = sobel.run({"w": w})["return"]
    np.testing.assert_allclose(sobel.run({"w": w}, chunk_rows=7)["return"], whole, rtol=1e-6)


MEMORY_PROBE = """
import resource, sys
import numpy as np
from nsc.runtime import Surrogate

surrogate, x = Surrogate(sys.argv[1]), np.linspace(-1, 1, 1_000_000)
surrogate.run({"x": x[:10]})  # ONNX Runtime's threads start before the limit
size = next(int(line.split()[1]) for line in open("/proc/self/status") if "VmSize" in line)
resource.setrlimit(resource.RLIMIT_AS, (size * 1024 + 400 * 2**20, resource.RLIM_INFINITY))
print(surrogate.run({"x": x})["return"].shape)
try:
    surrogate.run({"x": x}, chunk_rows=len(x))  # a 256-wide layer of 1M rows: 1 GB at once
except MemoryError as err:
    print(err)
"""


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc")
def test_rows_run_in_chunks_within_bounded_memory(tmp_path):
    """400 MB beyond what the process holds runs a million rows; ONNX Runtime's failure to
    allocate them at once is a MemoryError (which the CLI reports as out of memory)."""
    square = "double f(double x)\n{\n    return x * x;\n}\n"
    model = build(square, tmp_path / "wide.onnx", hidden=(256,), calibration=32).path
    probe = [sys.executable, "-c", MEMORY_PROBE, str(model)]
    done = subprocess.run(probe, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["(1000000,)", "ONNX Runtime could not allocate memory"]
    assert done.stderr == ""  # nor ONNX Runtime's own log of the failure


def test_exposes_signature_and_params(sobel):
    assert sobel.signature.entry == "sobel"
    assert [w.shape for w in sobel.params.weights] == [(16, 9), (16, 16), (1, 16)]
    assert "sobel" in repr(sobel)


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        ({}, "missing input"),
        ({"w": np.zeros((3, 3)), "v": 1.0}, "unknown input 'v'"),
        ({"w": np.zeros((2, 3))}, r"input 'w' has shape \[2, 3\]"),
        ({"w": np.zeros((4, 3, 2))}, "expected"),
        ({"w": "abc"}, "not numeric"),
    ],
)
def test_bad_inputs(sobel, inputs, message):
    with pytest.raises(NscError, match=message):
        sobel.run(inputs)


def test_disagreeing_batches(kmeans):
    inputs = {p.name: np.zeros(3) for p in kmeans.signature.inputs}
    inputs["pixel.g"] = np.zeros(4)
    with pytest.raises(NscError, match="disagree on the number of rows"):
        kmeans.run(inputs)


def test_typo_gets_a_hint(kmeans):
    with pytest.raises(NscError) as info:
        kmeans.run({"pixel.rr": 1.0})
    assert info.value.hints == ("did you mean 'pixel.r'?",)


def test_not_an_onnx_file(tmp_path):
    path = tmp_path / "x.onnx"
    path.write_bytes(b"\x00\xffnot a protobuf at all\x07")
    with pytest.raises(NscError, match="not an ONNX file"):
        Surrogate(path)
    with pytest.raises(NscError, match="no such file"):
        Surrogate(tmp_path / "missing.onnx")


def test_onnx_without_nsc_metadata(tmp_path):
    node = helper.make_node("Identity", ["x"], ["y"])
    value = lambda n: helper.make_tensor_value_info(n, TensorProto.FLOAT, [1])  # noqa: E731
    graph = helper.make_graph([node], "g", [value("x")], [value("y")])
    path = tmp_path / "plain.onnx"
    onnx.save(helper.make_model(graph), path)
    with pytest.raises(NscError, match="not an nsc surrogate"):
        Surrogate(path)


def test_format_outputs(sobel):
    assert format_outputs(sobel.signature, {"return": np.array([0.25])}) == "return = 0.25"
    text = format_outputs(sobel.signature, {"return": np.arange(20.0)})
    assert text.splitlines() == ["20 rows", "return: mean 9.5, min 0, max 19"]


def test_column_names():
    assert column_names("x", ()) == ["x"]
    assert column_names("w", (2, 2)) == ["w[0][0]", "w[0][1]", "w[1][0]", "w[1][1]"]


@pytest.mark.parametrize("suffix", [".csv", ".npz"])
def test_table_round_trip(tmp_path, sobel, suffix):
    path = tmp_path / f"t{suffix}"
    w = np.random.default_rng(1).uniform(0, 1, (4, 3, 3)).astype(np.float32)
    write_table(path, {"w": w})
    back = read_table(path, by_name(sobel.signature.inputs))
    np.testing.assert_array_equal(back["w"], w)


def test_csv_errors(tmp_path, sobel):
    ports = by_name(sobel.signature.inputs)
    path = tmp_path / "t.csv"
    path.write_text("w[0][0],v\n1,2\n")
    with pytest.raises(NscError, match="unknown column"):
        read_table(path, ports)
    path.write_text("w[0][0],w[0][1]\n1,2\n")
    with pytest.raises(NscError, match="lacks column"):
        read_table(path, ports)
    path.write_text("w[0][0]\n1\n2,3\n")
    with pytest.raises(NscError, match=r"t.csv:3: 2 values"):
        read_table(path, ports)
    with pytest.raises(NscError, match="end in .npz or .csv"):
        read_table(tmp_path / "t.txt", ports)


def test_example_ports_name_inout_outputs(tmp_path):
    source = "#pragma nsc inout(p)\nvoid scale(float *p, float k) { *p = *p * k; }"
    s = Surrogate(build(source, tmp_path / "m.onnx").path)
    assert list(example_ports(s.signature)) == ["p", "k", "p:out"]
