"""`nscc --fusion`: the shipped fused model reads what each instruction computed on the
calibration inputs, and nscc computes those features exactly as training and evaluation do."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import pytest
from click.testing import CliRunner
from onnx import numpy_helper

from nsc.backend.arrays import program_tensors
from nsc.backend.npforward import emit, load_hypernet
from nsc.cli import main
from nsc.frontend import FrontendOptions, c_to_ir
from nsc.ir.graph import program_graph
from nsc.ir.observe import FUSION_DIM, instruction_nodes, observe
from nsc.ir.oracle import Oracle
from nsc.ir.sampling import sample_inputs
from nsc.nscc import MODELS_DIR, CompileOptions
from nsc.nscc_backend import graph_passes

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
FUSED = MODELS_DIR / "fused.safetensors"
pytestmark = pytest.mark.skipif(not FUSED.is_file(), reason="no shipped fused model")


def nscc(*args):
    return CliRunner().invoke(main, ["compile", *map(str, args)])


def weights(path: Path) -> dict[str, np.ndarray]:
    return {t.name: numpy_helper.to_array(t) for t in onnx.load(str(path)).graph.initializer}


def test_fused_weights_are_those_of_the_observed_program(tmp_path):
    source = EXAMPLES / "newton_sqrt.c"
    out = tmp_path / "f.onnx"
    result = nscc(source, "-o", out, "--fusion", "--calibrate", 64)
    assert result.exit_code == 0, result.output
    meta = {p.key: p.value for p in onnx.load(str(out)).metadata_props}
    assert meta["nsc.model_id"].startswith("fused@sha256:")
    assert meta["nsc.fusion"] == "observed on 64 calibration inputs"
    # the same features, computed the way training and the benchmarks compute them
    compiled = c_to_ir(source, FrontendOptions())
    checked = c_to_ir(source, FrontendOptions(instrument=True))
    signature = compiled.signature
    inputs = sample_inputs(signature, 64, CompileOptions().seed)
    ok = Oracle(checked.ir, signature).run(inputs).ok
    ir = graph_passes(compiled, "O2")
    graph = program_graph(ir, signature)
    observed = observe(ir, signature, {k: v[ok] for k, v in inputs.items()})
    features = observed.by_node(instruction_nodes(graph))
    model = load_hypernet(FUSED)
    arrays = program_tensors(graph, model.vocab, signature, fusion=features, fusion_dim=FUSION_DIM)
    expected = emit(model, arrays, modulate=True)
    np.testing.assert_allclose(weights(out)["layer0/weight"], expected.weights[0].T, rtol=1e-6)
    static = emit(model, program_tensors(graph, model.vocab, signature, fusion_dim=FUSION_DIM))
    assert not np.allclose(expected.weights[0], static.weights[0])  # the features matter


def test_fusion_needs_calibration_and_a_fused_model(tmp_path):
    source = EXAMPLES / "newton_sqrt.c"
    out = tmp_path / "x.onnx"
    result = nscc(source, "-o", out, "--fusion", "--calibrate", 0)
    assert result.exit_code == 1 and "--calibrate 0 runs none" in result.output
    result = nscc(source, "-o", out, "--fusion", "--model", "default")
    assert result.exit_code == 1 and "trained without fusion features" in result.output
    assert not out.exists()


def test_a_deep_recursion_the_oracle_finished_is_observed(tmp_path):
    # the observed run's frames are larger than the oracle's: it gets a larger stack
    source = tmp_path / "deep.c"
    source.write_text(
        "#pragma nsc range(n, 0, 60000)\n"
        "static double sum(int n) { return n <= 0 ? 0.0 : n + sum(n - 1); }\n"
        "double f(int n) { return sum(n); }\n"
    )
    out = tmp_path / "deep.onnx"
    result = nscc(source, "-o", out, "--fusion", "--calibrate", 16)
    assert result.exit_code == 0, result.output
    assert out.is_file()


def test_the_fused_model_turns_fusion_on_by_itself(tmp_path):
    out = tmp_path / "m.onnx"
    result = nscc(EXAMPLES / "newton_sqrt.c", "-o", out, "--model", "fused", "--calibrate", 32)
    assert result.exit_code == 0, result.output
    meta = {p.key: p.value for p in onnx.load(str(out)).metadata_props}
    assert meta["nsc.fusion"] == "observed on 32 calibration inputs"
