"""`nsc bench data-efficiency` and `nsc bench perf` against hostile or unlucky use: a killed
run leaves no worker behind, programs of one name and bad settings are refused before any work,
a damaged corpus or an unusable results folder is named, file names need not be UTF-8, and perf
survives kernels whose rows hang or crash, gcc's refusal and a machine without gcc."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from process_checks import assert_group_ends, running_in_group
from test_bench import save_tiny_model

from nsc.bench.data_efficiency import (
    BenchConfig,
    Program,
    bench_program,
    corpus_hashes,
    data_efficiency,
)
from nsc.bench.perf import PerfConfig, perf, throughput
from nsc.cli import main
from nsc.diagnostics import NscError

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SQUARE = "double f(double x) { return x * x; }\n"


@pytest.fixture(scope="module")
def model(tmp_path_factory) -> Path:
    return save_tiny_model(tmp_path_factory.mktemp("model"))


def tiny(model: Path) -> BenchConfig:
    return BenchConfig(
        pool=16, test=16, validation=4, calibration=8, sizes=(0.0, 100.0), seeds=1, epochs=3,
        patience=3, model=str(model), methods=("random", "compiled"),
    )  # fmt: skip


def tiny_args(model: Path) -> list[str]:
    return [
        "--model", str(model), "--methods", "random,compiled", "--seeds", "1", "--sizes",
        "0,100", "--pool", "16", "--test", "16", "--validation", "4", "--calibration", "8",
        "--epochs", "3", "--patience", "3", "--heldout", "0", "--workers", "1",
    ]  # fmt: skip


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGKILL])
def test_workers_end_with_a_killed_run(tmp_path, model, signum):
    """A batch system's `kill PID` (or kill -9) reaches the main process only: its workers end
    with it instead of fine-tuning on (and then waiting for tasks) forever."""
    command = [sys.executable, "-m", "nsc", "bench", "data-efficiency", "--heldout", "0"]
    for name in ("newton_sqrt", "conv1d", "sobel"):
        command += ["--programs", str(EXAMPLES / f"{name}.c")]
    command += ["--model", str(model), "--methods", "random,compiled", "--seeds", "1"]
    command += ["--sizes", "0,100", "--pool", "32", "--test", "32", "--validation", "8"]
    command += ["--calibration", "8", "--epochs", "100000", "--patience", "100000"]
    command += ["--workers", "2", "--out", str(tmp_path / "out")]
    with open(tmp_path / "stderr", "w") as err:  # not a pipe: a live worker would hold it open
        proc = subprocess.Popen(command, stderr=err, start_new_session=True)
    deadline = time.monotonic() + 60  # the main process, the resource tracker and two workers
    while len(running_in_group(proc.pid)) < 4 and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(2)  # the workers import and take their programs
    proc.send_signal(signum)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        pytest.fail(f"nsc bench did not exit within 30 s of {signum.name}")
    assert_group_ends(proc.pid, f"the run stopped by {signum.name}")
    assert proc.returncode == -signum
    assert "Traceback" not in (tmp_path / "stderr").read_text()


def test_programs_of_one_name_are_refused_before_any_work(tmp_path, model):
    """The results and the report know a program by its file name: two of one name were
    merged into one row of means, and saved over each other's result for a resumed run."""
    for folder, body in (("a", SQUARE), ("b", "double f(double x) { return x + 3; }\n")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "p.c").write_text(body)
    runner = CliRunner()
    for twice in ([tmp_path / "a/p.c", tmp_path / "b/p.c"], [tmp_path / "a/p.c"] * 2):
        programs = [arg for path in twice for arg in ("--programs", str(path))]
        out = tmp_path / "out"
        result = runner.invoke(
            main, ["bench", "data-efficiency", *programs, *tiny_args(model), "--out", str(out)]
        )
        assert result.exit_code == 1, result.output
        assert "2 programs are named p (" in result.output and "Traceback" not in result.output
        assert not out.exists()


def test_a_program_file_name_that_is_not_utf8_is_benched(tmp_path, model):
    """A file name's bytes need not be UTF-8: the name is shown with `\\xNN` escapes (it was
    a traceback, and a results folder without its report)."""
    source = Path(os.fsdecode(bytes(tmp_path) + b"/odd\xffname.c"))
    source.write_text(SQUARE)
    out = tmp_path / "out"
    data_efficiency(
        [source], 0, tiny(model), out, workers=1, argv=["--programs", str(source)], log=print
    )
    report = (out / "report.md").read_text()
    assert "| odd\\xffname | compiled |" in report and "odd\\xffname.c" in report


def test_the_programs_folder_keeps_files_that_are_not_the_runs(tmp_path, model):
    """Once the report holds the results, only this run's saved results are removed from
    OUT/programs: every *.json file there was."""
    source = tmp_path / "square.c"
    source.write_text(SQUARE)
    out = tmp_path / "out"
    (out / "programs").mkdir(parents=True)
    (out / "programs" / "notes.json").write_text("{}")
    data_efficiency([source], 0, tiny(model), out, workers=1, log=print)
    assert (out / "programs" / "notes.json").read_text() == "{}"
    assert [p.name for p in (out / "programs").iterdir()] == ["notes.json"]


@pytest.mark.usefixtures("one_torch_thread")
def test_a_skipped_program_says_why(tmp_path, model):
    """'the oracle finished only 0 rows' gave no reason, and an entry without inputs was told
    to 'pass the batch size explicitly', which no option of the command does."""
    cases = {
        "divides": (
            "int f(int x) { return 10 / (x - x); }",
            "only 0 of 71 sampled rows, 44 needed (div by zero: 71)",
        ),
        "constant": ("double f(void) { return 1.5; }", "has no inputs, so it computes a constant"),
    }
    for name, (body, why) in cases.items():
        path = tmp_path / f"{name}.c"
        path.write_text(body + "\n")
        result = bench_program(Program(name, str(path), "examples"), tiny(model), {}, ["random"])
        assert why in result.error and not result.runs


def test_a_damaged_corpus_shard_is_named(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shard = corpus / "shard-000000.json"
    for text in ('{"programs": [{"hash": ', "[1, 2]", '{"format": "x"}', '{"programs": [{}]}'):
        shard.write_text(text)
        with pytest.raises(NscError, match="shard-000000.json: not a valid corpus shard header"):
            corpus_hashes(corpus)
    shard.write_text('{"programs": [{"hash": "abc"}]}')
    assert corpus_hashes(corpus) == {"abc"}


def test_settings_that_cannot_train_are_refused(model):
    """An infinite learning rate or anchor turned every weight into NaN, and each run quietly
    reported its starting weights; an epoch count numpy cannot size a curve for was a
    traceback from inside the run."""
    config = tiny(model)
    for bad, option in (
        ({"lrs": (float("inf"),)}, "--lr"),
        ({"lrs": (1e-50,)}, "--lr"),  # 0 as a float32 step
        ({"lrs": (0.01, float("nan"))}, "--lr"),
        ({"anchors": (float("inf"),)}, "--anchor"),
        ({"epochs": 10**20}, "--epochs"),
    ):
        with pytest.raises(NscError, match=option):
            replace(config, **bad).check()
    runner = CliRunner()
    result = runner.invoke(
        main, ["bench", "data-efficiency", *tiny_args(model), "--lr", "inf", "--out", "unused"]
    )
    assert result.exit_code == 1 and "--lr takes positive finite" in result.output


def test_an_out_folder_that_cannot_be_made_is_refused_before_any_work(tmp_path, model):
    """It was found after the first program's fine-tuning (perf: after every measurement)."""
    source = tmp_path / "square.c"
    source.write_text(SQUARE)
    blocker = tmp_path / "file"
    blocker.write_text("")
    heard: list[str] = []
    with pytest.raises(NscError, match="cannot make the results folder"):
        data_efficiency([source], 0, tiny(model), blocker / "out", workers=1, log=heard.append)
    assert heard == []
    with pytest.raises(NscError, match="cannot make the results folder"):
        perf(PerfConfig(model=str(model), programs=(source,)), blocker / "out", log=heard.append)
    assert heard == []


def test_perf_leaves_out_rows_that_hang_or_crash_and_goes_on_without_gcc(tmp_path, model):
    """The timed oracle runs without fuel or bounds checks, in this process: a row that loops
    forever hung `nsc bench perf`, one that divides by zero killed it (SIGFPE). Those rows are
    left out and named; a machine without gcc gets a report without the gcc column."""
    source = tmp_path / "hostile.c"
    source.write_text(
        "double f(double x) {\n"
        "  while (x > 0.999) { }\n"
        "  int k = (int)(x * 3.0);\n"
        "  return 10 / k + x;\n"
        "}\n"
    )
    bin_dir = tmp_path / "bin"  # cpp (the frontend's) and python, but no gcc
    bin_dir.mkdir()
    (bin_dir / "cpp").symlink_to("/usr/bin/cpp")
    env = {**os.environ, "PATH": f"{bin_dir}:{Path(sys.executable).parent}"}
    command = [sys.executable, "-m", "nsc", "bench", "perf", "--quick", "--programs", str(source)]
    command += ["--model", str(model), "--out", str(tmp_path / "out")]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, env=env)
    except subprocess.TimeoutExpired:
        pytest.fail("nsc bench perf hung on a kernel with rows that loop forever")
    assert done.returncode == 0, done.stderr[-2000:]
    (measured,) = json.loads((tmp_path / "out" / "perf.json").read_text())["throughput"]
    rows = measured["rows"]
    assert 0 < rows < 20_000 and measured["oracle"] > 0 and measured["gcc"] != measured["gcc"]
    report = (tmp_path / "out" / "report.md").read_text()
    assert f"| hostile | {rows} | " in report
    note = next(line for line in report.splitlines() if line.startswith("- hostile: "))
    assert f"{20_000 - rows} of 20000 rows left out" in note
    assert "div by zero" in note and "out of fuel" in note and "gcc is not installed" in note


def test_perf_goes_on_when_gcc_rejects_a_kernel(tmp_path, model):
    """A kernel nsc compiles but gcc cannot link with the timing driver (it defines main)
    ended the whole perf run; its gcc column is now empty, with gcc's reason beside it."""
    source = tmp_path / "with_main.c"
    source.write_text(
        "#pragma nsc entry(f)\ndouble f(double x) { return 2 * x; }\nint main(void) { return 0; }\n"
    )
    result = throughput(source, str(model), 500, tmp_path)
    assert result.rows == 500 and result.oracle > 0 and result.gcc != result.gcc
    assert "gcc failed on" in result.note and "multiple definition of `main'" in result.note
