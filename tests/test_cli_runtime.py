"""`nsc run`, `nsc finetune` and `nsc eval`, driven through click's CliRunner."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
from click.testing import CliRunner
from runtime_fixtures import EXAMPLES, build

from nsc.backend.onnx_writer import SurrogateMetadata, source_sha256
from nsc.cli import main
from nsc.fileio import atomic_savez, load_npz
from nsc.runtime import Surrogate
from nsc.runtime.tabular import write_table

KMEANS = EXAMPLES / "kmeans.c"
SOBEL = EXAMPLES / "sobel.c"
KMEANS_INPUTS = ("pixel.r", "pixel.g", "pixel.b", "centroid.r", "centroid.g", "centroid.b")


def run(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    root = tmp_path_factory.mktemp("models")
    meta = SurrogateMetadata(source_sha256=source_sha256(KMEANS), calibration_samples=256)
    kmeans = build("kmeans", root / "kmeans.onnx", hidden=(32, 32), metadata=meta)
    sobel = build("sobel", root / "sobel.onnx")
    return kmeans.path, sobel.path


def test_run_with_assignments(models):
    kmeans, _ = models
    values = dict(zip(KMEANS_INPUTS, [0.1, 0.2, 0.3, 0.5, 0.5, 0.5], strict=True))
    result = run("run", kmeans, *[f"{name}={v}" for name, v in values.items()])
    assert result.exit_code == 0, result.output
    value = float(result.output.strip().removeprefix("return = "))
    direct = Surrogate(kmeans)(**values)
    assert value == pytest.approx(float(direct["return"]), rel=1e-6)


def test_run_warns_outside_the_compiled_ranges(models):
    kmeans, _ = models
    values = dict(zip(KMEANS_INPUTS, [0.1, 0.2, 3.0, 0.5, float("nan"), 0.5], strict=True))
    result = run("run", kmeans, *[f"{name}={v}" for name, v in values.items()])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("return = ")
    warned = [line for line in result.stderr.splitlines() if "warning" in line]
    assert len(warned) == 2, result.stderr
    assert "input pixel.b: 1 of 1 values outside the range [0, 1]" in warned[0]
    assert "input centroid.g:" in warned[1]
    inside = run("run", kmeans, *[f"{name}=0.5" for name in KMEANS_INPUTS])
    assert inside.exit_code == 0 and inside.stderr == ""


@pytest.mark.parametrize(("src", "dst"), [(".npz", ".csv"), (".csv", ".npz")])
def test_run_with_files(models, tmp_path, src, dst):
    _, sobel = models
    w = np.random.default_rng(0).uniform(0, 1, (6, 3, 3)).astype(np.float32)
    write_table(tmp_path / f"in{src}", {"w": w})
    result = run("run", sobel, "--inputs", tmp_path / f"in{src}", "--outputs", tmp_path / f"o{dst}")
    assert result.exit_code == 0, result.output
    if dst == ".npz":
        out = load_npz(tmp_path / "o.npz")["return"]
    else:
        lines = (tmp_path / "o.csv").read_text().splitlines()
        assert lines[0] == "return" and len(lines) == 7
        out = np.array([float(v) for v in lines[1:]])
    np.testing.assert_allclose(out, Surrogate(sobel)(w=w)["return"], rtol=1e-6)


def test_run_errors(models, tmp_path):
    kmeans, sobel = models
    result = run("run", sobel, "w=1,2")
    assert result.exit_code == 1 and "takes 9 value(s)" in result.output
    result = run("run", SOBEL, "w=1")
    assert result.exit_code == 1 and "not an ONNX file" in result.output
    atomic_savez(tmp_path / "bad.npz", {"v": np.zeros(3)})
    result = run("run", sobel, "--inputs", tmp_path / "bad.npz")
    assert result.exit_code == 1 and "no data for w" in result.output
    result = run("run", sobel, "--samples", "2", "--inputs", tmp_path / "bad.npz")
    assert result.exit_code == 1 and "one way" in result.output
    assert "Traceback" not in result.output


def test_run_stays_torch_free(models):
    _, sobel = models
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from nsc.cli import main\n"
        f"r = CliRunner().invoke(main, ['run', {str(sobel)!r}, '--samples', '3'])\n"
        "assert r.exit_code == 0, r.output\n"
        "print('torch' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_finetune_from_the_oracle_then_eval(models, tmp_path):
    kmeans, _ = models
    tuned = tmp_path / "tuned.onnx"
    result = run(
        "finetune",
        kmeans,
        "--source",
        KMEANS,
        "--samples",
        "300",
        "-o",
        tuned,
        "--epochs",
        "15",
        "--batch-size",
        "64",
        "--timeout",
        "30",
    )
    assert result.exit_code == 0, result.output
    assert "fine-tuned on 300 examples" in result.output
    meta = Surrogate(tuned).metadata
    assert meta["nsc.finetune_samples"] == "300"
    assert json.loads(meta["nsc.finetune"])[0]["data"] == "oracle"
    nmse = {}
    for model in (kmeans, tuned):
        result = run("eval", model, KMEANS, "--samples", "300", "--plot", tmp_path / "p.png")
        assert result.exit_code == 0, result.output
        row = result.output.splitlines()[1].split()
        assert row[0] == "return"
        nmse[model] = float(row[3])
    assert nmse[tuned] < 0.3 * nmse[kmeans]
    assert (tmp_path / "p.png").stat().st_size > 10_000


def test_finetune_from_a_file(models, tmp_path):
    kmeans, _ = models
    rng = np.random.default_rng(0)
    inputs = {name: rng.uniform(0, 1, 64) for name in KMEANS_INPUTS}
    dist = np.sqrt(sum((inputs[f"pixel.{c}"] - inputs[f"centroid.{c}"]) ** 2 for c in "rgb"))
    write_table(tmp_path / "ex.csv", {**inputs, "return": dist})
    out = tmp_path / "ft.onnx"
    result = run("finetune", kmeans, "--data", tmp_path / "ex.csv", "-o", out, "--epochs", "2")
    assert result.exit_code == 0, result.output
    assert Surrogate(out).metadata["nsc.finetune_samples"] == "64"


def test_finetune_and_eval_errors(models, tmp_path):
    kmeans, _ = models
    result = run("finetune", kmeans, "-o", tmp_path / "x.onnx")
    assert result.exit_code == 1 and "give the examples one way" in result.output
    result = run("finetune", kmeans, "--source", KMEANS, "-o", tmp_path / "x.onnx")
    assert result.exit_code == 1 and "give the examples one way" in result.output
    result = run("eval", kmeans, SOBEL, "--samples", "10")
    assert result.exit_code == 1
    assert "inputs do not match" in result.output and "differs from the source" in result.output
    assert not (tmp_path / "x.onnx").exists()
