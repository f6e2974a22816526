"""`nscc prog.c -o prog.onnx` end to end, with a randomly initialized hypernetwork as the model."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import onnx
import pytest
from click.testing import CliRunner
from onnx import numpy_helper
from test_npforward import PROGRAMS, example_graph, save_random_model

from nsc.cli import main

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
# scalars through const pointers, an array, a struct, an inout struct
SIGNATURES = ["inversek2j.c", "sobel.c", "kmeans.c", "particle.c"]


@pytest.fixture(scope="module")
def model(tmp_path_factory) -> Path:
    graphs = [example_graph(name)[0] for name in PROGRAMS[:2]]
    return save_random_model(tmp_path_factory.mktemp("models") / "default", graphs)


def nscc(*args: str):
    return CliRunner().invoke(main, ["compile", *map(str, args)])


def metadata(path: Path) -> dict[str, str]:
    return {p.key: p.value for p in onnx.load(str(path)).metadata_props}


def first_weight(path: Path) -> np.ndarray:
    weights = {t.name: numpy_helper.to_array(t) for t in onnx.load(str(path)).graph.initializer}
    return weights["layer0/weight"]


@pytest.mark.parametrize("name", SIGNATURES)
def test_compiles_examples_to_runnable_onnx(tmp_path, model, name):
    import onnxruntime as ort

    out = tmp_path / "s.onnx"
    result = nscc(EXAMPLES / name, "-o", out, "--model", model, "--calibrate", 32)
    assert result.exit_code == 0, result.output
    onnx.checker.check_model(onnx.load(str(out)), full_check=True)
    meta = metadata(out)
    signature = json.loads(meta["nsc.signature"])
    assert meta["nsc.calibration_samples"] == "32"
    assert meta["nsc.finetune_samples"] == "0"
    assert meta["nsc.init"] == "compiled"
    assert meta["nsc.model_id"].startswith("default@sha256:")
    assert len(meta["nsc.source_sha256"]) == 64
    session = ort.InferenceSession(str(out), providers=["CPUExecutionProvider"])
    feeds = {i.name: np.zeros([3, *i.shape[1:]], np.float32) for i in session.get_inputs()}
    outputs = session.run(None, feeds)
    assert {i.name for i in session.get_inputs()} == {p["name"] for p in signature["inputs"]}
    assert len(outputs) == len(signature["outputs"])
    assert all(np.isfinite(o).all() and o.shape[0] == 3 for o in outputs)


def test_calibrate_zero_leaves_outputs_unscaled(tmp_path, model):
    out = tmp_path / "s.onnx"
    result = nscc(EXAMPLES / "sobel.c", "-o", out, "--model", model, "--calibrate", 0)
    assert result.exit_code == 0, result.output
    meta = metadata(out)
    norm = json.loads(meta["nsc.normalization"])
    assert meta["nsc.calibration_samples"] == "0"
    assert norm["out_center"] == [0.0] and norm["out_scale"] == [1.0]
    calibrated = tmp_path / "c.onnx"
    assert nscc(EXAMPLES / "sobel.c", "-o", calibrated, "--model", model).exit_code == 0
    assert json.loads(metadata(calibrated)["nsc.normalization"])["out_scale"] != [1.0]


def test_init_random_differs_from_compiled_and_is_seeded(tmp_path, model):
    paths = {k: tmp_path / f"{k}.onnx" for k in ("compiled", "random", "again", "other")}
    common = ["--model", model, "--calibrate", 0]
    assert nscc(EXAMPLES / "sobel.c", "-o", paths["compiled"], *common).exit_code == 0
    for key, seed in (("random", 0), ("again", 0), ("other", 1)):
        args = ["-o", paths[key], "--init", "random", "--seed", seed, *common]
        assert nscc(EXAMPLES / "sobel.c", *args).exit_code == 0
    assert metadata(paths["random"])["nsc.init"] == "random"
    compiled, random = first_weight(paths["compiled"]), first_weight(paths["random"])
    assert compiled.shape == random.shape
    assert not np.allclose(compiled, random)
    np.testing.assert_array_equal(random, first_weight(paths["again"]))
    assert not np.allclose(random, first_weight(paths["other"]))


def test_default_output_is_the_stem_in_the_current_folder(tmp_path, model, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert nscc(EXAMPLES / "neuron.c", "--model", model, "--calibrate", 0).exit_code == 0
    assert (tmp_path / "neuron.onnx").is_file()
    assert nscc(EXAMPLES / "neuron.c", "--emit-llvm").exit_code == 0
    assert "define" in (tmp_path / "neuron.ll").read_text()


def test_emit_graph_writes_the_graph_the_model_reads(tmp_path, model):
    graph = tmp_path / "g.json"
    args = ["-o", tmp_path / "s.onnx", "--model", model, "--calibrate", 0, "--emit-graph", graph]
    assert nscc(EXAMPLES / "sobel.c", *args).exit_code == 0
    assert json.loads(graph.read_text())
    bad = nscc(EXAMPLES / "sobel.c", "--model", model, "--emit-graph", tmp_path / "g.txt")
    assert bad.exit_code == 1 and "g.txt" in bad.output


def test_emit_graph_writes_nothing_when_the_compile_fails(tmp_path, model):
    source = tmp_path / "loops.c"
    source.write_text("double f(double x) { while (1) {} return x; }\n")
    graph = tmp_path / "g.dot"
    args = ["-o", tmp_path / "s.onnx", "--model", model, "--calibrate", 4, "--emit-graph", graph]
    result = nscc(source, *args)
    assert result.exit_code == 1 and "finished none" in result.output, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["loops.c"]


def test_missing_model_is_a_clean_error(tmp_path):
    out = tmp_path / "s.onnx"
    result = nscc(EXAMPLES / "sobel.c", "-o", out, "--model", tmp_path / "none")
    assert result.exit_code == 1
    assert "no hypernetwork model" in result.output and "Traceback" not in result.output
    assert not out.exists()


@pytest.mark.parametrize("init", ["dataset", "meta"])
def test_missing_baselines_name_the_file(tmp_path, model, init):
    out = tmp_path / "s.onnx"
    result = nscc(EXAMPLES / "sobel.c", "-o", out, "--model", model, "--init", init)
    assert result.exit_code == 1
    assert str(model / "baselines.safetensors") in result.output
    assert not out.exists()


def test_baselines_beside_a_shipped_model_file(tmp_path, model):
    """The training helper's layout: models/default.safetensors + baselines.safetensors."""
    from safetensors.torch import load_file
    from test_npforward import save_baselines_file

    from nsc.backend.checkpoint import save_checkpoint
    from nsc.backend.npforward import CONFIG_FILE, VOCAB_FILE, WEIGHTS_FILE

    meta = {
        "kind": "model",
        "hypernet": json.loads((model / CONFIG_FILE).read_text()),
        "vocab": json.loads((model / VOCAB_FILE).read_text())["tokens"],
    }
    shipped = tmp_path / "models"
    shipped.mkdir()
    save_checkpoint(shipped / "default.safetensors", load_file(str(model / WEIGHTS_FILE)), meta)
    save_baselines_file(model, shipped / "baselines.safetensors")
    paths = {}
    for init in ("compiled", "dataset", "meta"):
        paths[init] = tmp_path / f"{init}.onnx"
        args = ["-o", paths[init], "--model", shipped, "--calibrate", 0, "--init", init]
        result = nscc(EXAMPLES / "sobel.c", *args)
        assert result.exit_code == 0, result.output
        assert metadata(paths[init])["nsc.init"] == init
    weights = {init: first_weight(path) for init, path in paths.items()}
    assert not np.allclose(weights["dataset"], weights["compiled"])
    assert not np.allclose(weights["dataset"], weights["meta"])


def test_bad_options_are_clean_errors(tmp_path, model):
    out = tmp_path / "s.onnx"
    bad_init = nscc(EXAMPLES / "sobel.c", "-o", out, "--model", model, "--init", "magic")
    assert bad_init.exit_code == 1 and "--init" in bad_init.output
    no_dir = nscc(EXAMPLES / "sobel.c", "-o", tmp_path / "no" / "s.onnx", "--model", model)
    assert no_dir.exit_code == 1 and "does not exist" in no_dir.output
    assert nscc(tmp_path / "absent.c", "--model", model).exit_code == 1
    assert not out.exists()


def test_c_errors_are_located_and_leave_no_output(tmp_path, model):
    source = tmp_path / "broken.c"
    source.write_text("double f(double x) {\n  return x +;\n}\n")
    out = tmp_path / "broken.onnx"
    result = nscc(source, "-o", out, "--model", model)
    assert result.exit_code == 1
    assert "broken.c:2:" in result.output and "error" in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


def test_finetune_counts_its_samples(tmp_path, model):
    out = tmp_path / "f.onnx"
    args = ["-o", out, "--model", model, "--calibrate", 0, "--finetune", 64]
    result = nscc(EXAMPLES / "neuron.c", *args)
    assert result.exit_code == 0, result.output
    meta = metadata(out)
    assert meta["nsc.finetune_samples"] == "64"
    assert json.loads(meta["nsc.finetune"])[0]["samples"] == 64


def test_rows_the_oracle_did_not_finish_are_a_warning(tmp_path, model):
    source = tmp_path / "div.c"
    source.write_text("#pragma nsc range(x, -2, 3)\nint f(int x) { return 12 / x; }\n")
    out = tmp_path / "d.onnx"
    result = nscc(source, "-o", out, "--model", model, "--calibrate", 64)
    assert result.exit_code == 0, result.output
    warned = [line for line in result.stderr.splitlines() if "warning" in line]
    assert len(warned) == 1, result.stderr
    assert "of 64 calibration rows did not finish (div by zero:" in warned[0]
    result = nscc(source, "-o", out, "--model", model, "--calibrate", 0, "--finetune", 32)
    assert result.exit_code == 0, result.output
    assert "of 32 fine-tuning rows did not finish (div by zero:" in result.stderr
    quiet = nscc(EXAMPLES / "neuron.c", "-o", out, "--model", model, "--calibrate", 64)
    assert quiet.exit_code == 0 and "warning" not in quiet.stderr


def test_compiling_never_imports_torch(tmp_path, model):
    out = tmp_path / "s.onnx"
    script = (
        "import sys\nfrom nsc.cli import main\n"
        f"args = ['compile', {str(EXAMPLES / 'kmeans.c')!r}, '-o', {str(out)!r}, '--model', "
        f"{str(model)!r}, '--calibrate', '16', '-v']\n"
        "try:\n    main(args)\nexcept SystemExit as exit:\n    assert not exit.code, exit.code\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & {'torch', 'onnxruntime', "
        "'matplotlib'})\nassert not heavy, heavy\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    for stage in ("frontend", "passes", "graph", "hypernetwork", "calibration", "onnx write"):
        assert f"nscc: {stage}" in run.stderr
    assert out.is_file()


def test_graph_passes_match_the_corpus():
    from nsc.data.ingest import DatasetConfig
    from nsc.pipeline import CompileOptions, pipeline_for

    assert CompileOptions().pipeline == DatasetConfig().pipeline == pipeline_for(2, None)
