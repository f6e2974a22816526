"""`nsc datagen` against hostile or unlucky use: a killed run leaves no worker and nothing
half-written behind, changed settings are named, an index covers only the run's shards, and an
unreadable or mis-encoded file is dropped like any other program nscc refuses."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cli_checks import refused, run
from process_checks import assert_group_ends

from nsc.data.dataset import DatasetConfig, build_dataset, read_corpus
from nsc.data.generator import GENERATOR_VERSION
from nsc.data.shards import read_shard
from nsc.diagnostics import NscError

SMALL = DatasetConfig(samples=32, shard_size=2)
DATAGEN = ("datagen", "--samples", 32, "--shard-size", 2, "--workers", 0, "--no-progress")
GOOD = "double f(double x, double y) { return x * y + 1.0; }\n"


def _build(out: Path, count: int, **kwargs) -> None:
    build_dataset(out, count=count, seed=0, workers=0, config=SMALL, progress=False, **kwargs)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGKILL, signal.SIGTERM])
def test_a_stopped_run_leaves_no_worker_and_its_rerun_resumes(tmp_path, signum):
    """Ctrl-C in a terminal (SIGINT to the whole process group) ends the run with no traceback
    and no half-written shard; a batch system's `kill PID` (or kill -9) reaches the main
    process only, and its workers end with it instead of waiting for tasks forever."""
    out = tmp_path / "c"
    command = [sys.executable, "-m", "nsc", "datagen", "--count", "400", "--out", str(out)]
    command += ["--seed", "3", "--workers", "2", "--samples", "64", "--shard-size", "10"]
    proc = subprocess.Popen(
        [*command, "--no-progress"], stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    deadline = time.monotonic() + 60
    while not list(out.glob("shard-*.json")) and time.monotonic() < deadline:
        time.sleep(0.1)
    if signum == signal.SIGINT:
        os.killpg(proc.pid, signum)
    else:
        proc.send_signal(signum)
    try:
        _, err = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        pytest.fail(f"nsc datagen did not exit within 30 s of {signum.name}")
    assert "Traceback" not in err
    if signum == signal.SIGINT:
        assert proc.returncode == 130 and "interrupted" in err
    else:
        assert proc.returncode == -signum
    assert_group_ends(proc.pid, f"the run stopped by {signum.name}")
    if signum != signal.SIGKILL:
        assert not list(out.glob(".*.tmp"))
    built = len(list(out.glob("shard-*.json")))
    assert 0 < built < 40
    rerun = subprocess.run([*command[:5], "40", *command[6:], "--no-progress"], timeout=120)
    assert rerun.returncode == 0
    assert not list(out.glob(".*.tmp"))  # what SIGKILL left half-written is removed


def test_a_rerun_removes_what_a_killed_run_left_half_written(tmp_path):
    class Killed(Exception):
        pass

    def kill(shard: int) -> None:
        raise Killed

    out = tmp_path / "c"
    with pytest.raises(Killed):
        _build(out, 4, on_shard=kill)
    stale = out / ".shard-000001.npz.k9x2ab.tmp"  # as kill -9 leaves atomic_savez's temp file
    stale.write_bytes(b"PK\x03\x04" + bytes(1000))
    _build(out, 4)
    assert not stale.exists()
    assert len(list(read_corpus(out))) == 4


def test_a_fuel_the_oracle_cannot_count_is_refused_before_any_work(tmp_path):
    out = tmp_path / "c"
    code, output = run(*DATAGEN, "--count", 3, "--out", out, "--fuel", 2**63)
    refused(code, output, "--fuel must be in [1, 2**63)")
    assert not out.exists()


def test_changed_settings_are_named_with_both_values(tmp_path):
    out = tmp_path / "c"
    code, output = run(*DATAGEN, "--count", 3, "--out", out)
    assert code == 0, output
    code, output = run(*DATAGEN, "--count", 3, "--out", out, "--samples", 64)
    refused(code, output, "differing: config.samples: 32 in the corpus, 64 now)")
    code, output = run(*DATAGEN, "--count", 3, "--out", out, "-D", "N=4", "--seed", 1)
    refused(code, output, 'config.defines: [] in the corpus, ["N=4"] now; seed: 0 in the')
    source = tmp_path / "src"
    source.mkdir()
    (source / "good.c").write_text(GOOD)
    code, output = run(*DATAGEN, "--from-dir", source, "--out", out)
    refused(code, output, f"generator_version: {GENERATOR_VERSION} in the corpus, unset now")
    refused(code, output, 'mode: "generate" in the corpus, "ingest" now; sources)')


def test_the_index_holds_only_the_shards_of_the_run(tmp_path):
    """After --count 4, a split run with --count 3 must not index shard 1's items 2 and 3 as a
    complete corpus of 3 programs: that shard has another item range."""
    out = tmp_path / "c"
    _build(out, 4)
    _build(out, 3, shard=(0, 2))
    index = json.loads((out / "index.json").read_text())
    assert not index["complete"] and [s["shard"] for s in index["shards"]] == [0]
    assert [r.meta["index"] for r in read_corpus(out)] == [0, 1]
    _build(out, 3)
    assert json.loads((out / "index.json").read_text())["complete"]
    assert [r.meta["index"] for r in read_corpus(out)] == [0, 1, 2]


@pytest.mark.skipif(not Path("/proc/self/mem").exists(), reason="needs Linux's /proc")
def test_a_file_that_cannot_be_read_is_dropped_and_the_run_goes_on(tmp_path):
    source = tmp_path / "src"
    source.mkdir()
    (source / "good.c").write_text(GOOD)
    (source / "bad.c").symlink_to("/proc/self/mem")  # a regular file whose read fails (EIO)
    out = tmp_path / "c"
    code, output = run(*DATAGEN, "--from-dir", source, "--out", out)
    assert code == 0 and "Traceback" not in output, output
    shard = read_shard(out, 0)
    assert [r.name for r in shard.records] == ["good.c"]
    [drop] = shard.dropped
    assert drop["name"] == "bad.c" and drop["reason"] == "compile"
    assert drop["message"].startswith("cannot read bad.c: ")
    assert "bad.c: compile: cannot read bad.c" in (out / "datagen.log").read_text()


def test_sources_are_decoded_as_nscc_decodes_them(tmp_path):
    """A byte that is not UTF-8, even in a comment, is refused as nscc refuses it (it was
    replaced, and the corpus kept a source that is not the file's); a byte-order mark is
    dropped as nscc and gcc drop it."""
    source = tmp_path / "src"
    source.mkdir()
    (source / "latin1.c").write_bytes(b"/* caf\xe9 */\n" + GOOD.encode())
    (source / "bom.c").write_bytes(b"\xef\xbb\xbf" + GOOD.replace("1.0", "2.0").encode())
    code, output = run("ir", source / "latin1.c")
    assert code == 1 and "latin1.c:1:7: error: source is not valid UTF-8 (byte 0xe9)" in output
    out = tmp_path / "c"
    build_dataset(out, from_dir=source, workers=0, config=SMALL, progress=False)
    shard = read_shard(out, 0)
    [record] = shard.records
    assert record.name == "bom.c" and record.source.startswith("double f(")
    [drop] = shard.dropped
    assert drop["reason"] == "compile"
    assert drop["message"] == "latin1.c:1:7: error: source is not valid UTF-8 (byte 0xe9)"


# Under the fuel (99,999 steps) but a 4 MB memset a step: minutes a row, hours a program.
SLOW = """#include <string.h>
double f(double x) {
    static char buf[1 << 22];
    for (int i = 0; i < 99999; i++) memset(buf, i, sizeof buf);
    return x + buf[5];
}
"""


def test_a_program_slow_within_its_fuel_is_stopped_and_dropped_as_timeout(tmp_path):
    """A worker running one item in-process for longer than the sandbox's timeout is killed;
    the item is rerun in the sandbox, which drops it as `timeout`, and the run goes on."""
    source = tmp_path / "src"
    source.mkdir()
    (source / "good.c").write_text(GOOD)
    (source / "slow.c").write_text(SLOW)
    out = tmp_path / "c"
    script = (
        "from nsc.data.dataset import DatasetConfig, build_dataset\n"
        f"build_dataset({str(out)!r}, from_dir={str(source)!r}, workers=1, progress=False,\n"
        "              config=DatasetConfig(samples=32, isolate_timeout=2.0))\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", script], start_new_session=True)
    try:
        assert proc.wait(timeout=60) == 0
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        pytest.fail("the run did not end within 60 s: nothing stopped the slow program")
    shard = read_shard(out, 0)
    assert [r.name for r in shard.records] == ["good.c"]
    assert [(d["name"], d["reason"]) for d in shard.dropped] == [("slow.c", "timeout")]


def test_reading_a_corpus_whose_run_did_not_finish_says_so(tmp_path):
    from nsc.data.dataset import INDEX_FILE, read_corpus

    class Stopped(Exception):
        pass

    def stop(shard: int) -> None:
        raise Stopped

    out = tmp_path / "c"
    with pytest.raises(Stopped):
        _build(out, 4, on_shard=stop)
    assert not (out / INDEX_FILE).exists()
    code, output = run("train", "--data", out, "--out", tmp_path / "run")
    refused(code, output, "the nsc datagen run that builds this corpus did not finish")
    with pytest.raises(NscError, match="did not finish") as info:
        list(read_corpus(out))
    assert "rerun the nsc datagen command" in " ".join(info.value.hints)
