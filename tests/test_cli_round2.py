"""What a second fuzzing pass over the command lines found: `nsc train` settings that crashed or
ran to NaN, a resume on a changed corpus, `epochs.csv` reordered by a resume, too few programs
for the torchrun processes, out-of-memory requests, a broken pass plugin hiding `nsc passes`, an
unroll count LLVM aborts on, and `nsc bench data-efficiency` runs that measured nothing. Each is
an `nsc: error:` naming the problem, with no traceback."""

from __future__ import annotations

import csv
import json
import shutil
import sys
from pathlib import Path

import click
import numpy as np
import pytest
from cli_checks import refused, run
from click.testing import CliRunner

from nsc.backend.train import EPOCH_COLUMNS, TrainConfig, train
from nsc.cli.common import _report_errors
from nsc.data.dataset import DatasetConfig, build_dataset
from nsc.diagnostics import NscError
from nsc.ir.passes import PipelineError, parse_pipeline, refresh_plugins

pytestmark = pytest.mark.usefixtures("one_torch_thread")

TINY = [
    "--batch-programs", "1", "--samples-per-program", "8", "--calibration", "8",
    "--dim", "8", "--head-dim", "8", "--hidden", "4", "--workers", "0", "--no-progress",
]  # fmt: skip
BROKEN = "double f(double x) { return x +; }\n"
NO_INPUT = "double f(void) { return 1.0; }\n"


@pytest.fixture(scope="module")
def corpora(tmp_path_factory) -> tuple[Path, Path]:
    """Two tiny corpora of different programs (so of different vocabularies)."""
    folder = tmp_path_factory.mktemp("corpora")
    for seed in (0, 5):
        config = DatasetConfig(samples=32)
        build_dataset(folder / f"c{seed}", count=4, seed=seed, workers=0, config=config)
    return folder / "c0", folder / "c5"


# --- nsc train --------------------------------------------------------------------------------


def test_train_refuses_an_infinite_learning_rate(tmp_path):
    code, output = run("train", "--data", tmp_path / "c", "--out", tmp_path / "r", "--lr", "inf")
    refused(code, output, "--lr", "finite")
    assert not (tmp_path / "r").exists()


@pytest.mark.parametrize("option", [("--hidden", "100000000"), ("--dim", "1000000000000")])
def test_train_refuses_widths_too_large_for_memory(tmp_path, option):
    """It used to allocate first: a traceback, or the kernel killing the process."""
    out = tmp_path / "r"
    code, output = run("train", "--data", tmp_path / "c", "--out", out, *TINY, *option)
    refused(code, output, "parameters (at most 100,000,000)", option[0])
    assert not out.exists()


def test_resume_on_a_changed_corpus_is_refused(corpora, tmp_path):
    """A rebuilt cache with another vocabulary used to end in load_state_dict's RuntimeError."""
    data, out = tmp_path / "corpus", tmp_path / "run"
    shutil.copytree(corpora[0], data)
    code, output = run("train", "--data", data, "--out", out, "--epochs", "1", *TINY)
    assert code == 0, output
    shutil.rmtree(data)
    shutil.copytree(corpora[1], data)
    shutil.rmtree(out / "cache")
    code, output = run("train", "--data", data, "--out", out, "--epochs", "2", *TINY)
    refused(code, output, "another corpus", "changed since the run began")


def test_resume_on_a_corpus_extended_in_place_is_refused(tmp_path):
    """The same folder grown by a second datagen: the run used to carry on over the stale
    cache (or, with another vocabulary, fail late)."""
    data, out = tmp_path / "corpus", tmp_path / "run"
    config = DatasetConfig(samples=32, shard_size=2)
    build_dataset(data, count=4, seed=0, workers=0, config=config, progress=False)
    code, output = run("train", "--data", data, "--out", out, "--epochs", "1", *TINY)
    assert code == 0, output
    build_dataset(data, count=6, seed=0, workers=0, config=config, progress=False)
    code, output = run("train", "--data", data, "--out", out, "--epochs", "2", *TINY)
    refused(code, output, "another corpus", "changed since the run began")
    fresh = tmp_path / "fresh"  # a new run on it rebuilds a copied cache rather than use it
    shutil.copytree(out / "cache", fresh / "cache")
    code, output = run("train", "--data", data, "--out", fresh, "--epochs", "1", *TINY)
    assert code == 0, output
    stamp = json.loads((fresh / "cache" / "stamp.json").read_text())
    assert stamp["corpus"] != json.loads((out / "cache" / "stamp.json").read_text())["corpus"]


def test_epochs_csv_keeps_its_columns_after_a_resume(corpora, tmp_path):
    out = tmp_path / "run"
    for epochs in ("1", "2"):  # the second call resumes from last.safetensors
        code, output = run("train", "--data", corpora[0], "--out", out, "--epochs", epochs, *TINY)
        assert code == 0, output
    with open(out / "epochs.csv") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == [c for c in EPOCH_COLUMNS if c != "val_mse_adapted"]  # no --adapt-steps
    assert len(rows) == 3


def test_torchrun_with_fewer_programs_than_processes_is_refused(tmp_path):
    """A rank with no program used to crash and the others to die on a closed connection; the
    check comes before any rank joins the group, so this one process does not wait for another."""
    config = TrainConfig(data=str(tmp_path / "c"), batch_programs=1)
    env = {"WORLD_SIZE": "2", "RANK": "0", "MASTER_PORT": "99999"}  # no wait for rank 1
    with pytest.raises(NscError, match="--batch-programs 1 gives some of the 2 processes"):
        train(config, tmp_path / "r", env=env, progress=False)
    assert not (tmp_path / "r").exists()


# --- out of memory ----------------------------------------------------------------------------


def test_out_of_memory_is_an_error_not_a_traceback():
    @click.command()
    @_report_errors
    def greedy() -> None:
        raise MemoryError("Unable to allocate 745. GiB for an array with shape (100000000000,)")

    result = CliRunner().invoke(greedy, [])
    refused(result.exit_code, result.output, "out of memory (Unable to allocate 745. GiB")


@pytest.fixture(scope="module")
def halving_model(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("half")
    (folder / "half.c").write_text("float f(float x)\n{\n    return x / 2.0f;\n}\n")
    code, output = run("compile", folder / "half.c", "-o", folder / "half.onnx")
    assert code == 0, output
    return folder / "half.onnx"


def test_run_with_absurd_samples_says_out_of_memory(halving_model):
    code, output = run("run", halving_model, "--samples", 10**15)
    refused(code, output, "out of memory")


def test_finetune_refuses_an_infinite_learning_rate(halving_model, tmp_path):
    """It ran, and kept the start: every step to NaN."""
    x = np.linspace(0.0, 1.0, 16, dtype=np.float32)
    np.savez(tmp_path / "data.npz", x=x, **{"return": x / 2})
    args = ["finetune", halving_model, "--data", tmp_path / "data.npz", "-o", tmp_path / "t.onnx"]
    code, output = run(*args, "--lr", "inf")
    refused(code, output, "learning rate must be positive and finite")
    assert not (tmp_path / "t.onnx").exists()


# --- passes -----------------------------------------------------------------------------------


@pytest.fixture
def broken_plugin(tmp_path):
    """A distribution on sys.path whose `nsc.passes` entry point names a missing module."""
    info = tmp_path / "brokenplug-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: brokenplug\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text("[nsc.passes]\nbad-import = no_such_module:Pass\n")
    sys.path.insert(0, str(tmp_path))
    refresh_plugins()
    yield
    sys.path.remove(str(tmp_path))
    refresh_plugins()


def test_a_broken_plugin_does_not_hide_the_other_passes(broken_plugin):
    code, output = run("passes")
    assert code == 0, output
    assert "\ndce " in output and "sroa" in output
    line = next(line for line in output.splitlines() if line.startswith("bad-import"))
    assert "(unusable)" in line and "no_such_module" in line and "[brokenplug]" in line
    code, output = run(
        "ir", Path(__file__).parent.parent / "examples" / "sobel.c", "--passes", "bad-import"
    )
    refused(code, output, "pass plugin 'bad-import'", "failed to load")


@pytest.mark.parametrize("count", ["4294967296", "99999999999999999999"])
def test_unroll_count_beyond_32_bits_is_refused(count):
    """2**32 reached LLVM as 0 and aborted the process on an assertion; larger ones hung."""
    with pytest.raises(PipelineError, match="count must be < 2\\*\\*31"):
        parse_pipeline(f"loop-unroll{{count={count}}}")


# --- nsc bench data-efficiency ----------------------------------------------------------------


def test_quick_bench_still_checks_the_settings_given(tmp_path):
    """--quick replaces --sizes; a bad one was accepted without a word."""
    args = ["bench", "data-efficiency", "--quick", "--heldout", "0", "--out", tmp_path / "b"]
    code, output = run(*args, "--sizes", "0,10")
    refused(code, output, "--sizes must include 100")


def test_bench_where_every_program_is_skipped_fails(tmp_path):
    """It used to exit 0 with a report of empty tables."""
    (tmp_path / "broken.c").write_text(BROKEN)
    (tmp_path / "noinput.c").write_text(NO_INPUT)
    args = ["bench", "data-efficiency", "--quick", "--heldout", "0", "--workers", "1"]
    args += ["--programs", tmp_path / "broken.c", "--programs", tmp_path / "noinput.c"]
    code, output = run(*args, "--out", tmp_path / "b")
    refused(code, output, "every program was skipped", "broken.c:1:", "noinput: ")
    assert "## Skipped programs" in (tmp_path / "b" / "report.md").read_text()
