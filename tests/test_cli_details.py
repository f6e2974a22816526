"""Small details of the command lines that a fuzzing pass found: inputs given twice, an output
that calibration cannot scale, `--model` naming a training run or nothing, too many calibration
rows, and values that do not fit a parameter's type. Each is an `nsc: error:` naming the problem,
with no traceback and no numpy warning (RuntimeWarning is an error in this module)."""

from __future__ import annotations

import io
import shutil
import warnings
import zipfile
from pathlib import Path

import numpy as np
import pytest
from cli_checks import refused, run

from nsc.backend.normalize import check_finite_outputs
from nsc.data.dataset import DatasetConfig, build_dataset
from nsc.diagnostics import NscError
from nsc.fileio import load_npz
from nsc.signature import Port

pytestmark = [
    pytest.mark.filterwarnings("error::RuntimeWarning"),
    pytest.mark.usefixtures("one_torch_thread"),
]

ROOT = Path(__file__).resolve().parent.parent
IK = ROOT / "examples" / "inversek2j.c"  # inputs x, y in [0.1, 0.7]; outputs theta1, theta2
SHIPPED = ROOT / "nsc" / "backend" / "models" / "default.safetensors"
SCALED = "double f(double x, int n)\n{\n    return x * n;\n}\n"
HALVED = "float f(float x)\n{\n    return x / 2.0f;\n}\n"
NEVER_FINITE = "float f(float x)\n{\n    return 1.0f / (x - x);\n}\n"


@pytest.fixture(scope="module")
def sources(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("sources")
    for name, text in [("scaled.c", SCALED), ("halved.c", HALVED), ("never.c", NEVER_FINITE)]:
        (folder / name).write_text(text)
    shutil.copy(IK, folder / "ik.c")
    return folder


@pytest.fixture(scope="module")
def surrogates(sources) -> Path:
    """ik.onnx and scaled.onnx (an int input), compiled with the shipped model, uncalibrated."""
    for name in ("ik", "scaled"):
        out = sources / f"{name}.onnx"
        code, output = run("compile", sources / f"{name}.c", "-o", out, "--calibrate", 0)
        assert code == 0, output
    return sources


# 1. each input once: on the command line, in a CSV header, in an .npz


def test_run_and_exec_refuse_an_input_given_twice(surrogates):
    code, output = run("run", surrogates / "ik.onnx", "x=0.5", "x=0.6", "y=0.3")
    refused(code, output, "input x is given twice (x=0.5 and x=0.6)")
    code, output = run("exec", surrogates / "scaled.c", "x=1", "x=2", "n=3")
    refused(code, output, "input x is given twice (x=1 and x=2)")


def test_a_csv_header_naming_a_column_twice_is_refused(surrogates, tmp_path):
    table = tmp_path / "in.csv"
    table.write_text("x,y,x\n0.5,0.3,0.6\n")
    code, output = run("run", surrogates / "ik.onnx", "--inputs", table)
    refused(code, output, "in.csv: duplicate column(s) in the header: x")


def test_an_npz_holding_an_array_twice_is_refused(tmp_path):
    def npy(values) -> bytes:
        buffer = io.BytesIO()
        np.save(buffer, np.asarray(values))
        return buffer.getvalue()

    path = tmp_path / "twice.npz"
    with warnings.catch_warnings():  # zipfile warns of the duplicate it is asked to write
        warnings.simplefilter("ignore", UserWarning)
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("x.npy", npy([1.0]))
            archive.writestr("x.npy", npy([2.0]))
    with pytest.raises(NscError, match="twice.npz: duplicate array name"):
        load_npz(path)


# 2. an output calibration cannot scale is named


def test_an_output_never_finite_is_named_with_its_rows(sources, tmp_path):
    out = tmp_path / "never.onnx"
    code, output = run("compile", sources / "never.c", "-o", out, "--calibrate", 32)
    refused(code, output, "output 'return' has no finite calibration value")
    assert "infinite on all 32 calibration rows" in output
    assert not out.exists()


def test_an_array_output_names_the_element():
    ports = [Port("y", "float32"), Port("w", "float32", (2, 3))]
    flat = np.ones((4, 7))
    flat[:, 6] = [np.nan, np.nan, np.inf, -np.inf]  # w[1][2]
    with pytest.raises(NscError, match=r"'w\[1\]\[2\]'.*NaN on 2 and infinite on 2 of the 4"):
        check_finite_outputs(ports, flat)
    flat[0, 6] = 1.0
    check_finite_outputs(ports, flat)  # one finite row is enough


# 3. --model: a training run's folder, or nothing


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory) -> Path:
    """What `nsc train --out RUN` leaves after one tiny epoch without validation: last only."""
    work = tmp_path_factory.mktemp("train")
    config = DatasetConfig(samples=32, shard_size=2)
    build_dataset(work / "corpus", count=3, seed=0, workers=0, config=config, progress=False)
    tiny = ["--dim", 8, "--steps", 1, "--head-dim", 8, "--hidden", 8, "--calibration", 8]
    code, output = run(
        "train", "--data", work / "corpus", "--out", work / "run", "--epochs", 1,
        "--batch-programs", 2, "--val-percent", 0, "--workers", 0, "--no-progress", *tiny,
    )  # fmt: skip
    assert code == 0, output
    assert (work / "run" / "last.safetensors").is_file()
    assert not (work / "run" / "best.safetensors").exists()
    return work / "run"


def test_model_may_be_a_training_run_folder(sources, run_folder, tmp_path):
    run_copy = shutil.copytree(run_folder, tmp_path / "run")
    out = tmp_path / "ik.onnx"
    args = ("compile", sources / "ik.c", "-o", out, "--calibrate", 8, "--model", run_copy, "-v")
    code, output = run(*args)
    assert code == 0, output
    assert f"nscc: using the model {run_copy / 'last.safetensors'}" in output
    assert out.is_file()
    shutil.copy(SHIPPED, run_copy / "best.safetensors")  # the best epoch wins over the last
    code, output = run(*args)
    assert code == 0, output
    assert f"nscc: using the model {run_copy / 'best.safetensors'}" in output


def test_model_folder_without_a_model_or_checkpoint_says_what_to_pass(sources, tmp_path):
    (tmp_path / "empty").mkdir()
    out = tmp_path / "ik.onnx"
    code, output = run("compile", sources / "ik.c", "-o", out, "--model", tmp_path / "empty")
    refused(code, output, "neither a model folder", "best.safetensors or last.safetensors")
    assert not out.exists()


@pytest.mark.parametrize("name", ["", " "])
def test_an_empty_model_is_refused(sources, tmp_path, name):
    out = tmp_path / "ik.onnx"
    code, output = run("compile", sources / "ik.c", "-o", out, "--model", name)
    refused(code, output, "--model is empty")
    assert not out.exists()


# 4. --calibrate is capped


def test_calibrate_is_capped(sources, tmp_path):
    out = tmp_path / "ik.onnx"
    code, output = run("compile", sources / "ik.c", "-o", out, "--calibrate", 100_000_000)
    refused(code, output, "--calibrate 100000000: at most 1,000,000 rows")
    assert not out.exists()


# 5. values must fit the parameter's type


@pytest.mark.parametrize(
    "value, why",
    [
        ("1e30", "'1e30' is outside its range [-2147483648, 2147483647]"),
        ("2147483648", "'2147483648' is outside its range"),
        ("2.5", "'2.5' is not an integer"),
        ("nan", "'nan' is not an integer"),
        ("-inf", "'-inf' is not an integer"),
    ],
)
def test_exec_refuses_an_int_value_that_does_not_fit(sources, value, why):
    code, output = run("exec", sources / "scaled.c", "x=1", f"n={value}")
    refused(code, output, f"input n is int32: {why}")


def test_exec_takes_integers_written_as_floats_and_the_int_range(sources):
    code, output = run("exec", sources / "scaled.c", "x=0.5", "n=1e3")
    assert code == 0 and "return = 500" in output, output
    code, output = run("exec", sources / "scaled.c", "x=1", "n=-2147483648")
    assert code == 0 and "return = -2147483648.0" in output, output


def test_a_float_value_beyond_float32_is_refused(sources, surrogates, tmp_path):
    code, output = run("exec", sources / "halved.c", "x=1e300")
    refused(code, output, "input x is float32: '1e300' is outside its range")
    code, output = run("exec", sources / "halved.c", "x=inf")  # infinities are values
    assert code == 0 and "return = inf" in output, output
    np.savez(tmp_path / "big.npz", x=np.array([1e300]))
    code, output = run("exec", sources / "halved.c", "--inputs", tmp_path / "big.npz")
    refused(code, output, "input 'x' has values outside the range of float32")
    (tmp_path / "big.csv").write_text("x,y\n1e300,0.5\n")
    code, output = run("run", surrogates / "ik.onnx", "--inputs", tmp_path / "big.csv")
    refused(code, output, "input 'x' has values outside the surrogate's float32 range")


def test_run_refuses_an_int_value_that_does_not_fit(surrogates):
    code, output = run("run", surrogates / "scaled.onnx", "x=0.5", "n=1e30")
    refused(code, output, "input n is int32: '1e30' is outside its range")
    code, output = run("run", surrogates / "scaled.onnx", "x=0.5", "n=2.5")
    refused(code, output, "input n is int32: '2.5' is not an integer")
    code, output = run("run", surrogates / "scaled.onnx", "x=0.5", "n=3")
    assert code == 0 and "return = " in output, output


# 6. options that contradict each other are refused, not settled by the last one


def test_a_range_given_twice_for_one_input_is_refused(sources):
    args = ("exec", sources / "ik.c", "--samples", 2, "--range", "x=0.1:0.2")
    code, output = run(*args, "--range", "x=0.3:0.4")
    refused(code, output, "--range x=0.3:0.4 gives 'x' a second range (after x=0.1:0.2)")
    code, output = run(*args, "--range", "y=0.3:0.4")
    assert code == 0, output


@pytest.mark.parametrize(
    "command",
    [("ir",), ("graph", "-o", "g.dot"), ("compile", "-o", "m.onnx", "--calibrate", 0)],
    ids=["ir", "graph", "compile"],
)
def test_o_given_together_with_passes_is_refused(sources, tmp_path, monkeypatch, command):
    monkeypatch.chdir(tmp_path)
    name, *rest = command
    code, output = run(name, sources / "scaled.c", *rest, "-O", 2, "--passes", "sroa")
    refused(code, output, "-O2 and --passes both choose the passes: give one", "--passes O2,sroa")
    assert list(tmp_path.iterdir()) == []
    code, output = run(name, sources / "scaled.c", *rest, "--passes", "sroa")  # -O's default
    assert code == 0, output
