"""The ONNX writer: same numbers as the torch forward, a valid model, metadata that round-trips."""

from __future__ import annotations

import json

import numpy as np
import onnx
import pytest
import torch
from runtime_fixtures import build

from nsc import __version__
from nsc.backend.onnx_writer import (
    MODEL_KEYS,
    OPSET,
    SurrogateMetadata,
    build_onnx,
    output_name,
    source_sha256,
)
from nsc.backend.surrogate import flatten_ports
from nsc.diagnostics import NscError
from nsc.ir.oracle import sample_inputs
from nsc.runtime import Surrogate
from nsc.signature import Signature


def torch_reference(built, inputs: dict[str, np.ndarray]) -> np.ndarray:
    """The raw outputs the backend's own forward gives, flattened `[rows, out_width]`."""
    norm = built.normalization
    x = torch.tensor(
        norm.inputs(flatten_ports(built.signature.inputs, inputs)), dtype=torch.float32
    )
    with torch.no_grad():
        y = built.family.forward(built.params, x).double().numpy()
    return norm.raw_outputs(y)


@pytest.mark.parametrize(
    ("example", "activation"),
    [("sobel", "tanh"), ("kmeans", "silu"), ("dct8x8", "tanh"), ("rgb2yuv", "silu")],
)
def test_onnx_equals_torch_forward(tmp_path, example, activation):
    built = build(example, tmp_path / "m.onnx", activation=activation, hidden=(24, 8, 16))
    surrogate = Surrogate(built.path)
    inputs = sample_inputs(built.signature, 1000, 7)
    got = flatten_ports(built.signature.outputs, surrogate.run(inputs))
    want = torch_reference(built, inputs)
    scale = built.normalization.out_scale
    np.testing.assert_allclose(got / scale, want / scale, rtol=1e-5, atol=1e-5)
    assert np.abs(want / scale).max() > 0.1  # a real signal, not zeros matching zeros


def test_checker_full_check_and_pinned_opset(tmp_path):
    built = build("dct8x8", tmp_path / "m.onnx")
    model = onnx.load(built.path)
    onnx.checker.check_model(model, full_check=True)
    assert [(o.domain, o.version) for o in model.opset_import] == [("", OPSET)]
    assert [i.name for i in model.graph.input] == ["in"]
    assert [o.name for o in model.graph.output] == ["out"]
    dims = model.graph.input[0].type.tensor_type.shape.dim
    assert [d.dim_param or d.dim_value for d in dims] == ["batch", 8, 8]
    assert model.graph.input[0].type.tensor_type.elem_type == onnx.TensorProto.FLOAT


def test_struct_ports_keep_their_names(tmp_path):
    built = build("kmeans", tmp_path / "m.onnx")
    model = onnx.load(built.path)
    names = [i.name for i in model.graph.input]
    assert names == ["pixel.r", "pixel.g", "pixel.b", "centroid.r", "centroid.g", "centroid.b"]
    assert [o.name for o in model.graph.output] == ["return"]


def test_metadata_round_trips(tmp_path):
    meta = SurrogateMetadata(
        source_sha256=source_sha256("float f(float x) { return x; }"),
        model_id="hypernet-test",
        calibration_samples=256,
        finetune_samples=12,
        extra={"nsc.note": "hello"},
    )
    built = build("kmeans", tmp_path / "m.onnx", activation="silu", metadata=meta)
    s = Surrogate(built.path)
    assert set(MODEL_KEYS) <= set(s.metadata)
    assert s.signature == built.signature
    assert Signature.from_json(s.metadata["nsc.signature"]) == built.signature
    assert s.metadata["nsc.version"] == __version__
    assert s.metadata["nsc.entry"] == "rgb_distance"
    assert s.metadata["nsc.model_id"] == "hypernet-test"
    assert s.metadata["nsc.source_sha256"] == meta.source_sha256
    assert (s.metadata["nsc.calibration_samples"], s.metadata["nsc.finetune_samples"]) == (
        "256",
        "12",
    )
    assert json.loads(s.metadata["nsc.family"]) == {"hidden": [16, 16], "activation": "silu"}
    assert s.metadata["nsc.note"] == "hello"
    assert s.provenance() == meta
    for name in ("in_low", "in_high", "out_center", "out_scale"):
        np.testing.assert_array_equal(
            getattr(s.normalization, name), getattr(built.normalization, name)
        )
    for got, want in zip(s.params.weights + s.params.biases, built.params.tensors(), strict=True):
        np.testing.assert_array_equal(got, want.detach().numpy().astype(np.float32))


@pytest.mark.parametrize("rows", [0, 1, 1000])
def test_batch_sizes(tmp_path, rows):
    built = build("sobel", tmp_path / "m.onnx")
    out = Surrogate(built.path).run(sample_inputs(built.signature, rows, 3))
    assert out["return"].shape == (rows,)
    assert out["return"].dtype == np.float32


def test_inout_port_output_is_suffixed(tmp_path):
    source = "#pragma nsc inout(p)\nvoid scale(float *p, float k) { *p = *p * k; }"
    built = build(source, tmp_path / "m.onnx")
    model = onnx.load(built.path)
    assert [i.name for i in model.graph.input] == ["p", "k"]
    assert [o.name for o in model.graph.output] == ["p:out"]
    assert output_name(built.signature, built.signature.outputs[0]) == "p:out"
    out = Surrogate(built.path)(p=[0.5, -0.5], k=[1.0, 1.0])
    assert list(out) == ["p"] and out["p"].shape == (2,)


def test_integer_ports_are_float32(tmp_path):
    built = build("int add(int a, short b) { return a + b; }", tmp_path / "m.onnx")
    model = onnx.load(built.path)
    types = {
        v.name: v.type.tensor_type.elem_type for v in [*model.graph.input, *model.graph.output]
    }
    assert set(types.values()) == {onnx.TensorProto.FLOAT}
    out = Surrogate(built.path)(a=np.array([1, 0], dtype=np.int32), b=np.array([0, 1]))
    assert out["return"].dtype == np.float32


def test_mismatched_params_are_rejected(tmp_path):
    built = build("sobel", tmp_path / "m.onnx")
    wrong = built.family.init(8, 1)  # sobel has 9 inputs
    with pytest.raises(NscError, match="layer 0 has weight"):
        build_onnx(built.signature, wrong, built.family, built.normalization, SurrogateMetadata())


def test_source_hash_of_file_and_text(tmp_path):
    path = tmp_path / "a.c"
    path.write_text("int x;")
    assert source_sha256(path) == source_sha256("int x;") != source_sha256("int y;")
