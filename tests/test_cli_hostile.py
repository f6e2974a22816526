"""What a hostile but realistic user found: surrogates whose metadata describes another graph,
seeds, sample counts and timeouts past what torch, numpy or the oracle take, tables with a BOM or
non-numeric targets, outputs named like another kind of file, writes through links, devices and
unwritable folders, and Ctrl-C while the options are parsed. Each is an `nsc: error:` naming the
problem (or, for Ctrl-C, `nsc: interrupted` and exit 130), with no traceback and nothing written."""

from __future__ import annotations

import json
import os
import shutil
import stat
import threading
from pathlib import Path

import click
import numpy as np
import onnx
import pytest
from cli_checks import refused, run
from click.testing import CliRunner

from nsc.cli.common import _Commands, _report_errors
from nsc.diagnostics import NscError
from nsc.fileio import atomic_write_bytes

pytestmark = pytest.mark.usefixtures("one_torch_thread")

ROOT = Path(__file__).resolve().parent.parent
IK = ROOT / "examples" / "inversek2j.c"  # inputs x, y in [0.1, 0.7]; outputs theta1, theta2
HUGE = 2**64  # past a signed 64-bit integer: torch's seeds, numpy's dimensions


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    """ik.c, its surrogate ik.onnx (uncalibrated) and examples.npz of 20 rows."""
    folder = tmp_path_factory.mktemp("hostile")
    shutil.copy(IK, folder / "ik.c")
    code, output = run("compile", folder / "ik.c", "-o", folder / "ik.onnx", "--calibrate", 0)
    assert code == 0, output
    x = np.linspace(0.1, 0.7, 20, dtype=np.float32)
    np.savez(folder / "examples.npz", x=x, y=x[::-1], theta1=x, theta2=x)
    return folder


def listing(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def tampered(work: Path, tmp_path: Path, key: str, change) -> Path:
    """A copy of ik.onnx whose metadata `key` is `change(old value)`."""
    model = onnx.load(work / "ik.onnx")
    for prop in model.metadata_props:
        if prop.key == key:
            prop.value = change(prop.value)
    path = tmp_path / "tampered.onnx"
    onnx.save(model, path)
    return path


def edit_signature(edit):
    def change(text: str) -> str:
        data = json.loads(text)
        edit(data)
        return json.dumps(data)

    return change


def rename_first(ports: str):
    return edit_signature(lambda data: data[ports][0].update(name="renamed"))


# 1. a surrogate is run only where its metadata describes its graph


@pytest.mark.parametrize(
    "key, change, message",
    [
        ("nsc.signature", rename_first("inputs"), "the graph's inputs (x, y) are not the ports"),
        ("nsc.signature", rename_first("outputs"), "the graph's outputs (theta1, theta2)"),
        ("nsc.signature", edit_signature(lambda d: d["inputs"][0].update(shape=[2])), "[batch]"),
        ("nsc.signature", edit_signature(lambda d: d["inputs"][0].update(dtype="c8")), "number"),
        ("nsc.normalization", lambda t: t.replace("[0.1, 0.1]", "[0.1]"), "in_low has 1 columns"),
    ],
)
def test_run_refuses_metadata_that_describes_another_graph(work, tmp_path, key, change, message):
    """ONNX Runtime used to fail on the feeds with a traceback (or numpy on the dtype)."""
    refused(*run("run", tampered(work, tmp_path, key, change), "--samples", 2), message)


@pytest.mark.parametrize(
    "key, value, message",
    [
        ("nsc.family", '{"hidden": [3], "activation": "tanh"}', "do not fit the widths [2, 3, 2]"),
        ("nsc.calibration_samples", "many", "the nsc.calibration_samples metadata is damaged"),
    ],
)
def test_finetune_refuses_metadata_that_does_not_fit_the_weights(
    work, tmp_path, key, value, message
):
    model = tampered(work, tmp_path, key, lambda _: value)
    out = tmp_path / "tuned.onnx"
    args = ("finetune", model, "--data", work / "examples.npz", "-o", out, "--epochs", 1)
    refused(*run(*args), message)
    assert not out.exists()


def test_an_empty_onnx_file_is_named_as_empty(tmp_path):
    (tmp_path / "empty.onnx").touch()
    refused(*run("run", tmp_path / "empty.onnx", "x=1"), "empty.onnx: empty file")


# 2. numbers past what the libraries take


@pytest.mark.parametrize("timeout", ["nan", "inf", "1e300"])
def test_exec_refuses_a_timeout_the_oracle_cannot_wait_for(work, timeout):
    code, output = run("exec", work / "ik.c", "x=0.3", "y=0.3", "--timeout", timeout)
    refused(code, output, "timeout must be positive and at most")


@pytest.mark.parametrize("command", ["run", "exec"])
def test_more_samples_than_an_array_holds_are_refused(work, command):
    target = work / ("ik.onnx" if command == "run" else "ik.c")
    refused(*run(command, target, "--samples", HUGE), f"cannot sample {HUGE} rows")


def test_finetune_refuses_a_seed_torch_cannot_take_and_caps_the_batch(work, tmp_path):
    out = tmp_path / "tuned.onnx"
    common = ("finetune", work / "ik.onnx", "--data", work / "examples.npz", "-o", out)
    refused(*run(*common, "--seed", HUGE), "the seed must be in [0, 2**63)")
    assert not out.exists()
    code, output = run(*common, "--epochs", 1, "--batch-size", HUGE)
    assert code == 0 and out.is_file(), output


def test_nscc_refuses_a_seed_torch_cannot_take_for_finetune_before_compiling(work, tmp_path):
    out = tmp_path / "tuned.onnx"
    args = ("compile", work / "ik.c", "-o", out, "--finetune", 4, "--seed", HUGE)
    refused(*run(*args), f"with --finetune, the seed must be in [0, 2**63), not {HUGE}")
    assert not out.exists()


def test_exec_and_run_take_every_bit_of_a_large_seed(work):
    """numpy's generator reads the whole seed: 2**64 is not cut to 64 bits (to 0)."""
    for command, target in (("exec", work / "ik.c"), ("run", work / "ik.onnx")):
        drawn = [run(command, target, "--samples", 3, "--seed", seed) for seed in (HUGE, 0)]
        assert all(code == 0 for code, _ in drawn), drawn
        assert drawn[0][1] != drawn[1][1]


@pytest.mark.parametrize(
    "option, message",
    [
        (("--seed", HUGE), "--seed must be in [0, 2**63)"),
        (("--max-programs", HUGE), "--max-programs must be in [1, 2**63)"),
        (("--samples-per-program", HUGE), "--samples-per-program must be at most 1,000,000"),
        (("--steps", HUGE), "--steps must be at most 256"),  # it used to run without end
    ],
)
def test_train_refuses_numbers_torch_cannot_take_before_creating_the_run(tmp_path, option, message):
    (tmp_path / "corpus").mkdir()
    out = tmp_path / "run"
    refused(*run("train", "--data", tmp_path / "corpus", "--out", out, *option), message)
    assert not out.exists()


def test_train_refuses_to_write_its_run_into_the_corpus(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    refused(*run("train", "--data", corpus, "--out", corpus / "."), "is the corpus folder")
    assert list(corpus.iterdir()) == []


@pytest.mark.parametrize("command", ["datagen", "train"])
def test_a_folder_of_other_files_is_not_taken_for_a_corpus_or_run(tmp_path, command):
    """datagen used to replace a folder's index.json and summary.json with its own."""
    out = tmp_path / "project"
    out.mkdir()
    (out / "summary.json").write_text('{"mine": 1}')
    (tmp_path / "corpus").mkdir()
    args = (
        ["--count", 1, "--workers", 0] if command == "datagen" else ["--data", tmp_path / "corpus"]
    )
    code, output = run(command, *args, "--out", out)
    refused(code, output, f"--out {out}: the folder holds other files and no")
    assert listing(out) == {"summary.json": b'{"mine": 1}'}


def test_train_starts_no_more_encoder_processes_than_shards(tmp_path):
    """`nsc train --workers 100000` used to start a pool of 100,000 processes."""
    from nsc.backend.data import CorpusRecords, _useful_workers
    from nsc.data.dataset import DatasetConfig, build_dataset

    build_dataset(tmp_path / "c", count=2, workers=0, config=DatasetConfig(samples=8))
    assert _useful_workers(100_000, CorpusRecords(tmp_path / "c", min_rows=0)) == 1
    assert _useful_workers(100_000, [None] * 20) == 2 and _useful_workers(1, [None] * 20) == 1


def test_datagen_refuses_more_samples_than_it_can_hold(tmp_path):
    out = tmp_path / "corpus"
    code, output = run("datagen", "--count", 1, "--samples", HUGE, "--out", out, "--workers", 0)
    refused(code, output, "--samples must be in [2, 1,000,000]")
    assert not out.exists()


def test_a_range_bound_must_be_finite(work, tmp_path):
    for bounds in ("nan:1", "0:1e400"):
        code, output = run("ir", work / "ik.c", "--range", f"x={bounds}")
        refused(code, output, f"bad --range 'x={bounds}': the bounds must be finite numbers")


# 3. tables


def test_a_csv_with_a_byte_order_mark_is_read(work, tmp_path):
    """Spreadsheets save "CSV UTF-8" with a BOM, which used to become part of the first name."""
    table = tmp_path / "inputs.csv"
    table.write_bytes(b"\xef\xbb\xbfx,y\n0.3,0.4\n")
    code, output = run("run", work / "ik.onnx", "--inputs", table)
    assert code == 0 and "theta1 = " in output, output


@pytest.mark.parametrize(
    "target, dtype", [(np.array(["abc"] * 20), "<U3"), (np.ones(20, complex), "complex128")]
)
def test_finetune_refuses_targets_that_are_not_real_numbers(work, tmp_path, target, dtype):
    """Strings used to raise in the normalization; complex values lost their imaginary part."""
    data = tmp_path / "examples.npz"
    x = np.linspace(0.1, 0.7, 20)
    np.savez(data, x=x, y=x, theta1=target, theta2=x)
    out = tmp_path / "tuned.onnx"
    code, output = run("finetune", work / "ik.onnx", "--data", data, "-o", out)
    refused(code, output, f"output theta1 holds {dtype} values, not real numbers")
    assert not out.exists()


# 4. where the output goes


@pytest.mark.parametrize(
    "args, message",
    [
        (("ir", "ik.c", "-o", "ik.onnx"), "writes LLVM IR, not an ONNX surrogate"),
        (("graph", "ik.c", "-o", "ik.onnx"), "writes a program graph, not an ONNX surrogate"),
        (("compile", "ik.c", "-o", "other.c"), "writes an ONNX surrogate, not C source"),
        (("compile", "ik.c", "--emit-graph", "examples.npz"), "not a table of arrays"),
        (("finetune", "ik.onnx", "--data", "examples.npz", "-o", "other.c"), "not C source"),
        (("finetune", "ik.onnx", "--data", "examples.npz", "-o", "t.csv"), "not a table"),
    ],
)
def test_an_output_named_like_another_kind_of_file_is_refused(work, args, message):
    """They used to replace a surrogate with IR text, or a C file with ONNX bytes."""
    (work / "other.c").write_text("int main(void) { return 0; }\n")
    before = listing(work)
    refused(*run(*(work / a if "." in a else a for a in args)), message)
    assert listing(work) == before


@pytest.mark.parametrize(
    "args",
    [
        ("compile", "-", "-o", "x.onnx"),
        ("run", "-", "x=1"),
        ("run", "ik.onnx", "--inputs", "-"),
        ("finetune", "ik.onnx", "--data", "-", "-o", "x.onnx"),
    ],
)
def test_an_input_from_standard_input_is_refused_by_name(work, args):
    """It used to say `-: no such file`, or `data files end in .npz or .csv`."""
    args = [work / a if a.startswith(("ik", "x.")) else a for a in args]
    refused(*run(*args), "-: input files are read by name, not from standard input")


def test_exec_keeps_an_output_named_status(tmp_path):
    """The rows' status array used to replace the program's own `status` output."""
    source = tmp_path / "status.c"
    source.write_text("void f(float x, float *status) { *status = 2.0f * x; }\n")
    out = tmp_path / "out.npz"
    code, output = run("exec", source, "--inputs", _inputs(tmp_path, x=[0.5]), "--outputs", out)
    assert code == 0, output
    with np.load(out) as arrays:
        assert arrays["status"].tolist() == [1.0] and arrays["oracle:status"].tolist() == [0]


def test_exec_checks_the_outputs_name_before_running(work, tmp_path):
    code, output = run("exec", work / "ik.c", "--samples", 2, "--outputs", tmp_path / "o.csv")
    refused(code, output, "outputs are written as .npz")


def _inputs(folder: Path, **columns) -> Path:
    path = folder / "inputs.npz"
    np.savez(path, **{name: np.asarray(values, np.float32) for name, values in columns.items()})
    return path


def test_a_write_through_a_symlink_keeps_the_link(tmp_path):
    (tmp_path / "real.ll").write_text("old")
    link = tmp_path / "link.ll"
    link.symlink_to("real.ll")
    atomic_write_bytes(link, b"new")
    assert link.is_symlink() and (tmp_path / "real.ll").read_bytes() == b"new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.ll", "real.ll"]


def test_a_pipe_is_written_to_not_replaced(tmp_path):
    """`-o /dev/null` or `-o /dev/stdout` used to rename a temp file over the device (as root)."""
    fifo = tmp_path / "pipe.ll"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    atomic_write_bytes(fifo, b"; IR\n")
    reader.join(timeout=10)
    assert received == [b"; IR\n"] and stat.S_ISFIFO(fifo.stat().st_mode)


def test_a_write_that_fails_names_the_file_and_leaves_nothing(tmp_path):
    (tmp_path / "file").write_text("")
    with pytest.raises(NscError, match="cannot write it"):
        atomic_write_bytes(tmp_path / "file" / "out.ll", b"")
    with pytest.raises(NscError, match="is a folder"):
        atomic_write_bytes(tmp_path, b"")
    assert [p.name for p in tmp_path.iterdir()] == ["file"]


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs /proc (Linux)")
def test_an_unwritable_folder_is_an_error_not_a_traceback(work):
    """/proc takes no new files, even from root (for whom a read-only folder is writable)."""
    refused(*run("ir", work / "ik.c", "-o", "/proc/nsc-hostile.ll"), "cannot write it")
    code, output = run("datagen", "--count", 1, "--out", "/proc/nsc-hostile", "--workers", 0)
    refused(code, output, "/proc/nsc-hostile")


def test_eval_checks_the_plot_name_before_evaluating(work):
    code, output = run("eval", work / "ik.onnx", work / "ik.c", "--plot", work / "plot.txt")
    refused(code, output, "plots are written as .png, .pdf or .svg")
    assert "samples evaluated" not in output


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs /proc (Linux)")
def test_eval_checks_the_plot_folder_takes_files_before_evaluating(work):
    code, output = run("eval", work / "ik.onnx", work / "ik.c", "--plot", "/proc/nsc-plot.png")
    refused(code, output, "/proc/nsc-plot.png: cannot write it")
    assert "samples evaluated" not in output


# 5. models


def test_a_surrogate_given_as_the_hypernetwork_is_named(work, tmp_path):
    code, output = run(
        "compile", work / "ik.c", "-o", tmp_path / "x.onnx", "--model", work / "ik.onnx"
    )
    refused(code, output, "an ONNX surrogate, not a hypernetwork model")


@pytest.fixture(scope="module")
def model_folder(tmp_path_factory) -> Path:
    """The shipped model as a model folder: config.json, vocab.json, model.safetensors."""
    from safetensors import safe_open

    shipped = ROOT / "nsc" / "backend" / "models" / "default.safetensors"
    with safe_open(str(shipped), "np") as handle:
        document = json.loads(handle.metadata()["nsc"])
    folder = tmp_path_factory.mktemp("model")
    (folder / "vocab.json").write_text(json.dumps({"tokens": document["vocab"]}))
    shutil.copy(shipped, folder / "model.safetensors")
    return folder


@pytest.mark.parametrize(
    "config, vocab, message",
    [
        ({}, None, "config is damaged (KeyError: 'encoder_options')"),
        ([], None, "config is damaged (not a JSON object)"),
        ({"encoder_options": {"steps": 10**11}, "surrogate_options": {}}, None, "steps"),
        (None, {"tokens": 5}, "vocab.json: not an nsc vocabulary"),
    ],
)
def test_a_damaged_model_folder_is_named(work, tmp_path, model_folder, config, vocab, message):
    """They used to end as `nscc's worker failed: KeyError`, or as a message naming no file (a
    huge step count ran without end)."""
    folder = tmp_path / "model"
    shutil.copytree(model_folder, folder)
    (folder / "config.json").write_text(json.dumps(config if config is not None else {}))
    if vocab is not None:
        (folder / "vocab.json").write_text(json.dumps(vocab))
    code, output = run("compile", work / "ik.c", "-o", tmp_path / "x.onnx", "--model", folder)
    refused(code, output, f"model {folder}", message)


def test_bench_refuses_a_missing_model_before_measuring(work, tmp_path):
    """It used to leave out the model's methods, after minutes of measuring the others."""
    out = tmp_path / "bench"
    code, output = run("bench", "data-efficiency", "--model", "nope", "--out", out)
    refused(code, output, "--model nope: no hypernetwork model")
    assert not out.exists()


# 6. Ctrl-C


def test_ctrl_c_while_the_options_are_parsed_ends_like_one_in_a_command():
    """click's own handling printed `Aborted!` and exited with 1."""

    def interrupt(ctx, param, value):
        raise KeyboardInterrupt

    group = _Commands(name="nsc")

    @group.command("slow")
    @click.option("--x", callback=interrupt)
    @_report_errors
    def slow(x):
        pass

    result = CliRunner().invoke(group, ["slow", "--x", "1"])
    assert result.exit_code == 130, result.output
    assert "nsc: interrupted" in result.output and "Aborted" not in result.output


def test_a_source_whose_name_is_not_utf8_compiles(tmp_path):
    """A file name the file system holds as bytes that are not UTF-8: the IR names it with
    `\\xNN` escapes, and the surrogate, the graph and a syntax error's location all work."""
    source = tmp_path / b"n\xff.c".decode("utf-8", "surrogateescape")
    shutil.copy(ROOT / "examples" / "neuron.c", source)
    code, output = run("ir", source)
    assert code == 0 and "; ModuleID = '" in output and "n\\xff.c" in output, output
    code, output = run("compile", source, "-o", tmp_path / "n.onnx", "--calibrate", 8)
    assert code == 0 and (tmp_path / "n.onnx").is_file(), output
    code, output = run("graph", source, "-o", tmp_path / "g.json")
    assert code == 0, output
    broken = tmp_path / b"e\xff.c".decode("utf-8", "surrogateescape")
    broken.write_text("double f(double x) { return x + ; }\n")
    code, output = run("ir", broken)
    assert code == 1 and ":1:31: error: invalid expression" in output and "Traceback" not in output
