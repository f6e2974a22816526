"""benchmarks/primitive_probe.py and primitive_corpus.py: the one-operation probes and the
corpora of the primitive-programs experiment."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from nsc.data.dataset import read_corpus

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
MODEL = (
    Path(__file__).resolve().parent.parent / "nsc" / "backend" / "models" / "default.safetensors"
)


def run_script(name: str, *args: str) -> subprocess.CompletedProcess:
    command = [sys.executable, str(BENCHMARKS / f"{name}.py"), *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=300)


def test_probe_scores_every_function_for_every_model(tmp_path):
    if not MODEL.is_file():
        pytest.skip("no shipped default model")
    run = run_script(
        "primitive_probe", "--model", "default", "--model", str(MODEL), "--out", str(tmp_path)
    )
    assert run.returncode == 0, run.stderr[-2000:]
    rows = json.loads((tmp_path / "probe.json").read_text())
    assert list(rows) == ["default", str(MODEL)]
    assert rows["default"] == rows[str(MODEL)]  # a name and its file are the same model
    probes = rows["default"]
    assert len(probes) == 20 and {"identity", "sum", "distance3"} <= set(probes)
    for name, row in probes.items():
        assert row["mean"] > 0 and row["random"] > 0 and -1 <= row["r"] <= 1, name
    # the shipped model follows the identity, and knows more than random init overall
    assert (
        probes["identity"]["r"] > 0.9
        and probes["identity"]["compiled"] < probes["identity"]["mean"]
    )
    table = (tmp_path / "probe.md").read_text()
    assert "| identity |" in table and "| geometric mean (median r) |" in table


def test_corpus_script_builds_primitives_and_mixes_corpora(tmp_path):
    build = run_script(
        "primitive_corpus", "build", "--out", str(tmp_path / "p"), "--count", "12", "--workers", "0"
    )
    assert build.returncode == 0, build.stderr[-2000:]
    made = list(read_corpus(tmp_path / "p"))
    assert len(made) >= 10
    assert {record.meta["family"] for record in made} == {"primitive"}
    mix = run_script(
        "primitive_corpus",
        "mix",
        "--out",
        str(tmp_path / "m"),
        f"{tmp_path / 'p'}:1",
        f"{tmp_path / 'p'}:1",
    )
    assert mix.returncode == 0, mix.stderr[-2000:]
    mixed = list(read_corpus(tmp_path / "m"))
    assert [r.name for r in mixed] == [r.name for r in made]  # the second copy: duplicates
    index = json.loads((tmp_path / "m" / "index.json").read_text())
    assert [e["shard"] for e in index["shards"]] == [0, 1]
    assert index["shards"][1]["duplicates"] == list(range(len(made)))
    assert index["unique_programs"] == len(made)
    too_many = run_script(
        "primitive_corpus", "mix", "--out", str(tmp_path / "x"), f"{tmp_path / 'p'}:2"
    )
    assert too_many.returncode != 0 and "has 1 shards" in too_many.stderr
