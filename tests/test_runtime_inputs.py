"""What the runtime commands take from files and what `nsc eval` reports on few samples.

An integer input read from an .npz or .csv (`nsc run --inputs`, `nsc exec --inputs`, `nsc
finetune --data`) must hold integers its C type holds, as NAME=VALUE on the command line must:
anything else is an `nsc: error:` naming the file, the input and the first bad row, and leaves no
output behind. `nsc eval` refuses fewer than 2 samples and shows an undefined nMSE as `n/a`, never
`inf`. Values beyond float32 (or a double) are refused, or reported as such, with no traceback
and no numpy warning. RuntimeWarning is an error in this module."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from cli_checks import refused, run
from runtime_fixtures import build

from nsc.fileio import atomic_savez, load_npz
from nsc.runtime.evaluate import port_metrics
from nsc.runtime.tabular import write_table

pytestmark = [
    pytest.mark.filterwarnings("error::RuntimeWarning"),
    pytest.mark.usefixtures("one_torch_thread"),
]

SCALED = "#pragma nsc range(n, 0, 8)\ndouble f(double x, int n)\n{\n    return x * n;\n}\n"
SUMMED = "double s(const short w[2][3])\n{\n    return w[0][0] + w[1][2];\n}\n"
CONSTANT = "double c(double x)\n{\n    return 0.1;\n}\n"


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    """scaled.c (x double, n int) and summed.c (a short[2][3]), with small surrogates of each."""
    folder = tmp_path_factory.mktemp("inputs")
    for name, text in [("scaled", SCALED), ("summed", SUMMED), ("constant", CONSTANT)]:
        (folder / f"{name}.c").write_text(text)
        build(folder / f"{name}.c", folder / f"{name}.onnx", hidden=(8,), calibration=32)
    return folder


def _inputs(folder: Path, suffix: str, n) -> Path:
    path = folder / f"in{suffix}"
    path.unlink(missing_ok=True)
    write_table(path, {"x": np.array([0.5, 0.25, 1.0]), "n": np.asarray(n)})
    return path


def _examples(folder: Path, suffix: str, n) -> Path:
    path = folder / f"ex{suffix}"
    path.unlink(missing_ok=True)
    x = np.array([0.5, 0.25, 1.0, -0.5])
    write_table(path, {"x": x, "n": np.asarray(n), "return": x * 2})
    return path


def _commands(work: Path, data: Path, out: Path) -> dict[str, list]:
    return {
        "run": [
            "run",
            work / "scaled.onnx",
            "--inputs",
            data,
            "--outputs",
            out.with_suffix(".npz"),
        ],
        "exec": ["exec", work / "scaled.c", "--inputs", data, "--outputs", out.with_suffix(".npz")],
        "finetune": ["finetune", work / "scaled.onnx", "--data", data, "-o", out, "--epochs", 1],
    }


# 1. an integer input read from a file takes integers only, whichever command reads it


@pytest.mark.parametrize("suffix", [".npz", ".csv"])
@pytest.mark.parametrize("command", ["run", "exec", "finetune"])
def test_a_non_integer_int_input_in_a_file_is_refused(work, tmp_path, command, suffix):
    n = [1.0, 2.5, 3.0, 4.0] if command == "finetune" else [1.0, 2.5, 3.0]
    data = (_examples if command == "finetune" else _inputs)(tmp_path, suffix, n)
    out = tmp_path / "out.onnx"
    code, output = run(*_commands(work, data, out)[command])
    refused(code, output, f"{data}: input n is int32: row 1 holds 2.5, which is not an integer")
    assert sorted(p.name for p in tmp_path.iterdir()) == [data.name]  # no output, no temp file


@pytest.mark.parametrize(
    "value, why",
    [
        (np.nan, "nan, which is not an integer"),
        (-np.inf, "-inf, which is not an integer"),
        (1e30, "1e+30, which is outside its range [-2147483648, 2147483647]"),
        (2.0**31, "2147483648.0, which is outside its range"),
    ],
)
@pytest.mark.parametrize("command", ["run", "exec"])
def test_a_non_finite_or_too_large_int_input_is_refused(work, tmp_path, command, value, why):
    data = _inputs(tmp_path, ".npz", [1.0, 2.0, value])
    code, output = run(*_commands(work, data, tmp_path / "out")[command])
    refused(code, output, f"in.npz: input n is int32: row 2 holds {why}")


def test_an_int64_array_beyond_int32_is_refused(work, tmp_path):
    data = tmp_path / "in.npz"
    atomic_savez(data, {"x": np.zeros(2), "n": np.array([7, 2**40], dtype=np.int64)})
    refused(*run("run", work / "scaled.onnx", "--inputs", data), "row 1 holds 1099511627776")


def test_the_error_counts_every_bad_value_and_names_an_array_element(work, tmp_path):
    data = _inputs(tmp_path, ".csv", [0.5, 1.0, np.nan])
    code, output = run("run", work / "scaled.onnx", "--inputs", data)
    refused(code, output, "row 0 holds 0.5", "2 values of n do not fit int32; this is the first")
    w = np.zeros((2, 2, 3))
    w[1, 0, 2] = 7.25
    atomic_savez(tmp_path / "w.npz", {"w": w})
    code, output = run("exec", work / "summed.c", "--inputs", tmp_path / "w.npz")
    refused(code, output, "input w is int16: row 1 holds 7.25 in w[0][2], which is not an integer")


def test_a_non_numeric_array_is_refused(work, tmp_path):
    data = tmp_path / "in.npz"
    atomic_savez(data, {"x": np.zeros(2), "n": np.array(["1", "2"])})
    refused(*run("run", work / "scaled.onnx", "--inputs", data), "in.npz: input n holds <U1")


def test_integers_written_as_floats_and_float_inputs_are_taken(work, tmp_path):
    data = _inputs(tmp_path, ".csv", [1.0, 2.0, -3e0])
    out = tmp_path / "out.npz"
    code, output = run("exec", work / "scaled.c", "--inputs", data, "--outputs", out)
    assert code == 0, output
    np.testing.assert_array_equal(load_npz(out)["return"], [0.5, 0.5, -3.0])
    write_table(data, {"x": np.array([np.nan, 2.5]), "n": np.array([1, 2], dtype=np.int32)})
    code, output = run("run", work / "scaled.onnx", "--inputs", data)
    assert code == 0 and "[1] return = " in output, output


def test_finetune_refuses_a_nan_int_input_but_leaves_out_a_nan_float(work, tmp_path):
    data = _examples(tmp_path, ".csv", [1.0, 2.0, np.nan, 3.0])
    out = tmp_path / "t.onnx"
    code, output = run("finetune", work / "scaled.onnx", "--data", data, "-o", out)
    refused(code, output, "ex.csv: input n is int32: row 2 holds nan")
    assert not out.exists()
    data.write_text("x,n,return\n0.5,1,1.0\nnan,2,0.5\n1.0,3,2.0\n0.25,4,0.5\n")
    code, output = run("finetune", work / "scaled.onnx", "--data", data, "-o", out, "--epochs", 1)
    assert code == 0 and "1 example(s) with a NaN or infinite value were left out" in output


# 2. nsc eval: at least 2 samples, and an undefined nMSE is n/a


@pytest.mark.parametrize("samples", [1, 0, -3])
def test_eval_refuses_fewer_than_two_samples_as_a_usage_error(work, tmp_path, samples):
    """Like every other command's bad --samples: click's range check, exit code 2."""
    plot = tmp_path / "fit.png"
    args = ["eval", work / "scaled.onnx", work / "scaled.c", "--plot", plot]
    code, output = run(*args, "--samples", samples)
    assert code == 2, output
    assert f"Invalid value for '--samples': {samples} is not in the range x>=2." in output
    assert not plot.exists()


def test_eval_on_two_samples_reports_finite_numbers(work):
    code, output = run("eval", work / "scaled.onnx", work / "scaled.c", "--samples", 2)
    assert code == 0, output
    row = output.splitlines()[1].split()
    assert row[0] == "return" and all(np.isfinite(float(v)) for v in row[1:])


def test_eval_shows_an_undefined_nmse_as_n_a(work):
    code, output = run("eval", work / "constant.onnx", work / "constant.c", "--samples", 20)
    assert code == 0, output
    head, row = output.splitlines()[:2]
    assert head.split()[3] == "nMSE" and row.split()[3] == "n/a", output
    assert "inf" not in output and "nan" not in output
    assert "n/a: undefined where the oracle's output is constant" in output


def test_a_constant_truth_has_no_nmse_even_when_var_rounds_above_zero():
    truth = np.full(7, 0.1)
    assert np.var(truth) > 0  # a rounding error: the mean of seven 0.1s is not quite 0.1
    metrics = port_metrics("c", truth, truth + 0.5)
    assert metrics.nmse is None and metrics.relative == pytest.approx(5.0)
    assert port_metrics("z", np.zeros(3), np.ones(3)).relative is None
    assert port_metrics("v", np.array([0.0, 2.0]), np.array([1.0, 1.0])).nmse == pytest.approx(1)


# 3. values beyond float32 or a double: refused or reported, never a traceback or a warning

RANGED = "#pragma nsc range(n, 0, 8)\ndouble f(double x, int n)\n{\n    return %s;\n}\n"
HUGE = RANGED % "1e300 * (x + 2) * (n + 1)"  # beyond float32, and its squares beyond a double
SOMETIMES_INF = RANGED % "n > 4 ? 1e308 * (x + 4) : x"
ALWAYS_INF = RANGED % "1e308 * (x + 4)"


def test_a_range_wider_than_a_double_can_subtract_is_sampled(work, tmp_path):
    wide = ["--range", "x=-1e308:1e308"]
    code, output = run("exec", work / "scaled.c", "--samples", 3, *wide)
    assert code == 0 and "[2] return = " in output, output
    code, output = run("eval", work / "scaled.onnx", work / "scaled.c", "--samples", 5, *wide)
    refused(code, output, "input 'x' has values outside the surrogate's float32 range")
    out = tmp_path / "t.onnx"
    source = ["--source", work / "scaled.c", "--samples", 5]
    code, output = run("finetune", work / "scaled.onnx", *source, *wide, "-o", out)
    refused(code, output, "is beyond the float32 values fine-tuning computes with")
    assert not out.exists()


@pytest.mark.parametrize("lr", ["1e39", "1e300", "3.5e37", "1e-50"])
def test_finetune_refuses_a_learning_rate_adam_cannot_step_with_in_float32(work, tmp_path, lr):
    out = tmp_path / "t.onnx"
    source = ["--source", work / "scaled.c", "--samples", 5, "--epochs", 2]
    code, output = run("finetune", work / "scaled.onnx", *source, "--lr", lr, "-o", out)
    refused(code, output, "the learning rate must be positive and finite as a float32 step")
    assert not out.exists()


@pytest.mark.parametrize(
    "value, why",
    [
        ("1e39", "row 1: return = 1e+39 is beyond the float32 values"),
        ("1e30", "the loss overflows float32 (return = 1e+30 is"),
    ],
)
def test_finetune_refuses_examples_float32_cannot_fit(work, tmp_path, value, why):
    data = tmp_path / "ex.csv"
    data.write_text(f"x,n,return\n0.5,1,0.5\n0.25,2,{value}\n1.0,3,3.0\n-0.5,4,-2.0\n")
    out = tmp_path / "t.onnx"
    code, output = run("finetune", work / "scaled.onnx", "--data", data, "-o", out, "--epochs", 3)
    refused(code, output, why)
    assert not out.exists()


def test_run_refuses_infinite_inputs_and_warns_of_nan_ones(work, tmp_path):
    model = work / "scaled.onnx"
    for value in ["inf", "-inf", "1e400", "1e39"]:
        refused(*run("run", model, f"x={value}", "n=1"), "outside the surrogate's float32 range")
    data = tmp_path / "in.csv"
    data.write_text("x,n\n0.5,1\n1e400,2\n")
    refused(*run("run", model, "--inputs", data), "input 'x' has values outside the surrogate's")
    code, output = run("run", model, "x=nan", "n=1")
    assert code == 0 and "return = nan" in output, output
    assert "input x: 1 of 1 values are NaN; the surrogate's outputs for them are NaN" in output
    assert "outside the range" not in output


def test_eval_reports_errors_beyond_a_double_and_why_rows_are_left_out(work):
    for name, text in [("huge", HUGE), ("sometimes", SOMETIMES_INF), ("always", ALWAYS_INF)]:
        (work / f"{name}.c").write_text(text)
    code, output = run("eval", work / "scaled.onnx", work / "huge.c", "--samples", 20)
    assert code == 0, output
    row = output.splitlines()[1].split()
    assert row[1] == ">1.8e+308" and np.isfinite(float(row[3])), output  # MSE; nMSE still finite
    assert ">1.8e+308: the error is beyond the range of a double" in output
    assert "nan" not in output and "inf" not in output
    code, output = run("eval", work / "scaled.onnx", work / "sometimes.c", "--samples", 40)
    assert code == 0 and "excluded: the oracle's output is not finite)" in output, output
    code, output = run("eval", work / "scaled.onnx", work / "always.c", "--samples", 20)
    refused(
        code, output, "none of the 20 samples could be evaluated: the oracle's outputs were NaN"
    )


def test_beyond_a_double_the_metrics_keep_their_ratios():
    truth = np.array([1e300, -2e300, 3e300])
    metrics = port_metrics("big", truth, np.zeros(3))
    assert metrics.mse == np.inf and metrics.max_error == 3e300
    small = port_metrics("small", truth / 1e300, np.zeros(3))
    assert metrics.nmse == pytest.approx(small.nmse) and metrics.relative == small.relative
    assert metrics.mae == pytest.approx(2e300)
