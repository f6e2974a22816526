"""The corpus builder: determinism, resume, sharding, dedup, and every reason a program is dropped."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from nsc.cli import main
from nsc.data.dataset import DatasetConfig, build_dataset, read_corpus
from nsc.data.generator import DEFAULT_WEIGHTS, GENERATOR_VERSION, PRIMITIVE_ONLY, GeneratorConfig
from nsc.data.ingest import REASONS
from nsc.data.shards import read_shard, shard_paths
from nsc.diagnostics import NscError

SMALL = DatasetConfig(samples=64, shard_size=2)

# One C file per drop reason, and two spellings of one program (kept once).
PROGRAMS = {
    "syntax.c": ("compile", "double f(double x) { return x * ; }\n"),
    "loop.c": ("fuel", "double f(double x) { double s = 0; while (1) { s += x; } return s; }\n"),
    "oob.c": (
        "bounds",
        "#pragma nsc range(i, 0, 100)\ndouble f(const double a[4], int i) { return a[i]; }\n",
    ),
    "div0.c": ("div0", "#pragma nsc range(k, 0, 3)\nint f(int k, int m) { return m / (k - k); }\n"),
    "assert.c": (
        "assertion",
        "#include <assert.h>\n#pragma nsc range(x, -1, 1)\n"
        "double f(double x) { assert(x > 0.5); return x; }\n",
    ),
    "exit.c": (
        "exit",
        "#include <stdio.h>\n#include <stdlib.h>\ndouble f(double x) {\n"
        '  if (x < 0.5) { fprintf(stderr, "x = %g\\n", x); exit(1); }\n  return x;\n}\n',
    ),
    "abort.c": (
        "abort",
        "#include <stdlib.h>\ndouble f(double x) { if (x < 0.5) abort(); return x; }\n",
    ),
    "nan.c": (
        "nonfinite",
        "#include <math.h>\n#pragma nsc range(x, -2, -1)\ndouble f(double x) { return sqrt(x); }\n",
    ),
    "const.c": ("constant", "double f(double x) { return x * 0.0 + 3.0; }\n"),
    "void.c": ("compile", "void f(double x) { }\n"),
    "good.c": (None, "double f(double x, double y) { return x * y + 1.0; }\n"),
    "same.c": (
        "duplicate",
        "/* the same program, other names */\ndouble   g ( double a,double b ){\n"
        "  return a*b   + 1.0;\n}\n",
    ),
}

# Unbounded recursion overflows the stack before the fuel runs out: a real crash.
CRASH = """
#pragma nsc range(n, 200000, 300000)
static double r(double *p, int n) {
    double t[8];
    t[n & 7] = *p;
    return n == 0 ? t[0] : t[n & 7] + r(p, n - 1);
}
double f(double x, int n) { return r(&x, n); }
"""


def _write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text)
    return folder


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("shard-*"))}


def _arrays(folder: Path) -> list[dict[str, np.ndarray]]:
    return [dict(np.load(p, allow_pickle=False)) for p in sorted(folder.glob("shard-*.npz"))]


def test_same_seed_same_corpus_and_other_seed_differs(tmp_path):
    a = build_dataset(tmp_path / "a", count=3, seed=3, workers=0, config=SMALL, progress=False)
    build_dataset(tmp_path / "b", count=3, seed=3, workers=0, config=SMALL, progress=False)
    build_dataset(tmp_path / "c", count=3, seed=4, workers=0, config=SMALL, progress=False)
    assert a.items == 3 and a.finished_shards == 2 and a.unique > 0
    assert _files(tmp_path / "a") == _files(tmp_path / "b")
    for x, y in zip(_arrays(tmp_path / "a"), _arrays(tmp_path / "b"), strict=True):
        assert x.keys() == y.keys()
        for key in x:
            np.testing.assert_array_equal(x[key], y[key])
    assert _files(tmp_path / "a") != _files(tmp_path / "c")


def test_pool_of_workers_builds_the_same_bytes_as_one_process(tmp_path):
    config = DatasetConfig(samples=64, shard_size=1)
    build_dataset(tmp_path / "one", count=2, seed=1, workers=0, config=config, progress=False)
    build_dataset(tmp_path / "two", count=2, seed=1, workers=2, config=config, progress=False)
    assert _files(tmp_path / "one") == _files(tmp_path / "two")


def test_resume_after_a_kill_matches_an_uninterrupted_run(tmp_path):
    class Killed(Exception):
        pass

    def kill_after_first(shard: int) -> None:
        raise Killed

    out = tmp_path / "resumed"
    with pytest.raises(Killed):
        build_dataset(out, count=4, seed=2, workers=0, config=SMALL, on_shard=kill_after_first)
    assert len(list(out.glob("shard-*.json"))) == 1
    first = shard_paths(out, 0)[0].stat().st_mtime_ns
    summary = build_dataset(out, count=4, seed=2, workers=0, config=SMALL, progress=False)
    assert summary.built_now == 2  # the finished shard was skipped
    assert shard_paths(out, 0)[0].stat().st_mtime_ns == first
    build_dataset(tmp_path / "whole", count=4, seed=2, workers=0, config=SMALL, progress=False)
    assert _files(out) == _files(tmp_path / "whole")
    again = build_dataset(out, count=4, seed=2, workers=0, config=SMALL, progress=False)
    assert again.built_now == 0 and again.unique == summary.unique


def test_split_runs_union_equals_a_single_run(tmp_path):
    out = tmp_path / "split"
    for part in (0, 1):
        build_dataset(out, count=5, seed=7, workers=0, config=SMALL, shard=(part, 2))
    merged = build_dataset(out, count=5, seed=7, workers=0, config=SMALL, progress=False)
    assert merged.built_now == 0
    build_dataset(tmp_path / "single", count=5, seed=7, workers=0, config=SMALL, progress=False)
    assert _files(out) == _files(tmp_path / "single")
    index = json.loads((out / "index.json").read_text())
    assert index["complete"] and index["num_shards"] == 3


def test_other_settings_in_the_same_folder_are_refused(tmp_path):
    build_dataset(tmp_path, count=1, seed=0, workers=0, config=SMALL, progress=False)
    with pytest.raises(NscError, match="other settings.*config"):
        build_dataset(tmp_path, count=1, seed=0, workers=0, config=DatasetConfig(samples=32))


def test_a_family_off_by_default_leaves_the_settings_of_older_corpora(tmp_path):
    """A corpus built before the `primitive` family existed (its weights did not name it)
    resumes: a family off by default and off in the run is left out of the settings."""
    older = tuple((n, w) for n, w in DEFAULT_WEIGHTS.items() if n != "primitive")
    before = replace(SMALL, generator=GeneratorConfig(family_weights=older))
    assert before.fingerprint() == SMALL.fingerprint()
    assert "primitive" not in json.dumps(SMALL.fingerprint())
    assert ["primitive", 1.0] in replace(SMALL, generator=PRIMITIVE_ONLY).fingerprint()[
        "generator"
    ]["family_weights"]
    build_dataset(tmp_path, count=2, seed=0, workers=0, config=before, progress=False)
    again = build_dataset(tmp_path, count=4, seed=0, workers=0, config=SMALL, progress=False)
    assert again.built_now == 2  # the second shard only


def test_a_corpus_from_another_generator_version_is_not_extended(tmp_path):
    build_dataset(tmp_path, count=1, seed=0, workers=0, config=SMALL, progress=False)
    config = tmp_path / "config.json"
    document = json.loads(config.read_text())
    assert document["settings"]["generator_version"] == GENERATOR_VERSION
    document["settings"]["generator_version"] = GENERATOR_VERSION - 1
    config.write_text(json.dumps(document))
    with pytest.raises(NscError, match="differing: generator_version"):
        build_dataset(tmp_path, count=2, seed=0, workers=0, config=SMALL, progress=False)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({}, "either --count"),
        ({"count": 1, "from_dir": "x"}, "either --count"),
        ({"count": 1, "shard": (2, 2)}, "--shard"),
        ({"count": 1, "workers": -1}, "--workers"),
        ({"from_dir": "/nonexistent/dir"}, "not a directory"),
    ],
)
def test_bad_requests_are_user_errors(tmp_path, kwargs, message):
    with pytest.raises(NscError, match=message):
        build_dataset(tmp_path, **kwargs, config=SMALL, progress=False)


def test_every_drop_reason_and_dedup_of_ingested_files(tmp_path):
    folder = _write(tmp_path / "src", {name: text for name, (_, text) in PROGRAMS.items()})
    out = tmp_path / "out"
    config = DatasetConfig(samples=64, shard_size=16)
    summary = build_dataset(out, from_dir=folder, workers=0, config=config, progress=False)
    shard = read_shard(out, 0)
    reasons = {d["name"]: d["reason"] for d in shard.dropped}
    expected = {name: reason for name, (reason, _) in PROGRAMS.items() if reason}
    assert reasons == expected
    assert [r.name for r in shard.records] == ["good.c"]
    kept = shard.records[0]
    assert kept.rows == 64 and set(kept.inputs) == {"x", "y"}
    np.testing.assert_allclose(kept.outputs["return"], kept.inputs["x"] * kept.inputs["y"] + 1)
    assert summary.unique == 1 and summary.drops["duplicate"] == 1
    assert sum(summary.drops.values()) == len(PROGRAMS) - 1
    log = (out / "datagen.log").read_text()
    assert "syntax.c: compile: syntax.c:1:" in log
    saved = json.loads((out / "summary.json").read_text())
    assert saved["drops"] == summary.drops and set(saved["drops"]) == set(REASONS)


def test_duplicates_across_shards_are_marked_in_the_index(tmp_path):
    text = PROGRAMS["good.c"][1]
    folder = _write(tmp_path / "src", {"a.c": text, "b.c": PROGRAMS["same.c"][1], "c.c": text})
    out = tmp_path / "out"
    config = DatasetConfig(samples=64, shard_size=1)
    summary = build_dataset(out, from_dir=folder, workers=0, config=config, progress=False)
    index = json.loads((out / "index.json").read_text())
    assert [s["duplicates"] for s in index["shards"]] == [[], [0], [0]]
    assert summary.unique == 1 and summary.drops["duplicate"] == 2
    assert [r.name for r in read_corpus(out)] == ["a.c"]


def test_a_crashing_program_is_dropped_and_the_pool_survives(tmp_path):
    folder = _write(tmp_path / "src", {"crash.c": CRASH, "good.c": PROGRAMS["good.c"][1]})
    out = tmp_path / "out"
    config = DatasetConfig(samples=64, fuel=1_000_000)
    build_dataset(out, from_dir=folder, workers=1, config=config, progress=False)
    shard = read_shard(out, 0)
    assert [(d["name"], d["reason"]) for d in shard.dropped] == [("crash.c", "crash")]
    assert [r.name for r in shard.records] == ["good.c"]
    assert not list(out.glob(".inflight-*"))


def test_datagen_command(tmp_path):
    folder = _write(tmp_path / "src", {"good.c": PROGRAMS["good.c"][1]})
    out = tmp_path / "out"
    args = ["datagen", "--from-dir", str(folder), "--out", str(out), "--samples", "64"]
    result = CliRunner().invoke(main, [*args, "--workers", "0", "--no-progress"])
    assert result.exit_code == 0, result.output
    assert "kept (unique)" in result.output and (out / "summary.json").is_file()
    bad = CliRunner().invoke(main, [*args, "--shard", "3"])
    assert bad.exit_code == 1 and "bad --shard" in bad.output
