"""Hostile but realistic use of the corpus and training commands: bad options are refused up
front, odd input folders build, and a corpus or run damaged after it was written is named file
by file, or built again where it is derived data."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from cli_checks import refused, run

from nsc.backend.data import load_cache
from nsc.backend.train import LAST, TrainConfig, train
from nsc.bench.data_efficiency import BenchConfig
from nsc.data.dataset import DatasetConfig, build_dataset, read_corpus, write_index
from nsc.data.shards import read_shard, shard_paths
from nsc.diagnostics import NscError

PROGRAMS = Path(__file__).resolve().parent / "programs"
SMALL = DatasetConfig(samples=32, shard_size=2)
DATAGEN = ("datagen", "--count", 3, "--samples", 32, "--shard-size", 2, "--workers", 0)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("corpus")
    build_dataset(out, count=3, seed=0, workers=0, config=SMALL, progress=False)
    return out


def copy_corpus(corpus: Path, folder: Path) -> Path:
    shutil.copytree(corpus, folder)
    return folder


def files_of(folder: Path) -> dict[str, bytes]:
    """The corpus files (less the log and the timings of the last run)."""
    return {
        p.name: p.read_bytes()
        for p in sorted(folder.iterdir())
        if p.name not in ("datagen.log", "summary.json")
    }


def rebuild(folder: Path) -> None:
    build_dataset(folder, count=3, seed=0, workers=0, config=SMALL, progress=False)


# -- options refused before any work ---------------------------------------------------------


def test_a_bad_define_is_refused_as_the_compiler_refuses_it(tmp_path):
    source = PROGRAMS / "arrow.c"
    _, compiler = run("ir", source, "-D", "=x")
    message = "invalid -D option '=x': expected NAME or NAME=VALUE"
    assert message in compiler
    code, output = run(*DATAGEN, "--out", tmp_path / "c", "-D", "=x", "--no-progress")
    refused(code, output, message)
    assert not (tmp_path / "c").exists()


def test_a_missing_include_folder_is_refused(tmp_path):
    missing = tmp_path / "no-such-headers"
    code, output = run(*DATAGEN, "--out", tmp_path / "c", "-I", missing, "--no-progress")
    refused(code, output, f"-I {missing}: no such directory")
    assert not (tmp_path / "c").exists()


@pytest.mark.parametrize("shard", ["0/0", "3/2", "-1/2", "a/b", "1/", "0/1/2", "²/3", "١/2"])
def test_bad_shard_values_are_refused(tmp_path, shard):
    code, output = run(*DATAGEN, "--out", tmp_path / "c", "--shard", shard, "--no-progress")
    refused(code, output, "--shard")
    assert not (tmp_path / "c").exists()


def test_an_empty_method_list_is_named():
    with pytest.raises(NscError) as err:
        BenchConfig(methods=()).check()
    assert err.value.message.endswith("not an empty list")


def test_graph_suffixes_are_case_insensitive(tmp_path):
    output = tmp_path / "g.JSON"
    code, text = run("graph", PROGRAMS / "arrow.c", "-o", output)
    assert code == 0, text
    assert "nodes" in json.loads(output.read_text())
    code, text = run("graph", PROGRAMS / "arrow.c", "-o", tmp_path / "g.Dot", "--format", "json")
    refused(code, text, "does not match the file's suffix (.Dot)")


# -- odd input folders ---------------------------------------------------------------------------


def test_file_names_that_are_not_utf8_are_ingested(tmp_path):
    folder = tmp_path / "src"
    folder.mkdir()
    name = b"n\xff\xfe.c"
    shutil.copy(PROGRAMS / "arrow.c", folder / name.decode("utf-8", "surrogateescape"))
    out = tmp_path / "c"
    summary = build_dataset(out, from_dir=folder, workers=0, config=SMALL, progress=False)
    assert summary.kept == 1, (out / "datagen.log").read_text()
    [record] = read_corpus(out)
    assert record.name.encode("utf-8", "surrogateescape") == name
    assert "kept 1" in (out / "datagen.log").read_text(encoding="utf-8")


def test_quoted_includes_are_found_beside_the_ingested_file_from_any_folder(tmp_path, monkeypatch):
    """`#include "k.h"` in DIR/sub/m.c finds DIR/sub/k.h, as cc would, wherever the run starts
    (the corpus must not depend on the working directory)."""
    folder = tmp_path / "src" / "sub"
    folder.mkdir(parents=True)
    (folder / "k.h").write_text("#define SCALE 3.0\n")
    (folder / "m.c").write_text(
        '#include "k.h"\n#pragma nsc range(x, -1, 1)\ndouble f(double x) { return SCALE * x; }\n'
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    out = tmp_path / "c"
    summary = build_dataset(out, from_dir=tmp_path / "src", workers=0, config=SMALL, progress=False)
    assert summary.kept == 1, (out / "datagen.log").read_text()
    [record] = read_corpus(out)
    assert record.name == "sub/m.c"
    assert (record.outputs["return"] == 3.0 * record.inputs["x"]).all()


def test_stray_shard_names_do_not_break_the_index(corpus, tmp_path):
    folder = copy_corpus(corpus, tmp_path / "c")
    (folder / "shard-copy.json").write_text("{}")
    assert write_index(folder).finished_shards == 2


# -- a corpus damaged after it was built -----------------------------------------------------


@pytest.mark.parametrize(
    "damage, named, why",
    [
        ("truncate npz", "shard-000001.npz", "truncated"),
        ("delete npz", "shard-000001.npz", "no such file"),
        ("delete json", "shard-000001.json", "no such file"),
        ("no programs", "shard-000001.json", "a damaged shard header"),
        ("bad hash", "shard-000001.json", "a damaged shard header"),
        ("bad reason", None, None),
    ],
)
def test_a_damaged_shard_is_named_and_a_rerun_rebuilds_it(corpus, tmp_path, damage, named, why):
    folder = copy_corpus(corpus, tmp_path / "c")
    npz, js = shard_paths(folder, 1)
    header = json.loads(js.read_text())
    if damage == "truncate npz":
        npz.write_bytes(npz.read_bytes()[:300])
    elif damage == "delete npz":
        npz.unlink()
    elif damage == "delete json":
        js.unlink()
    elif damage == "no programs":
        del header["programs"]
    elif damage == "bad hash":
        header["programs"][0]["hash"] = 5
    elif damage == "bad reason":
        header["dropped"] = [{"name": "x", "reason": "no-such-reason", "message": ""}]
    if damage in ("no programs", "bad hash", "bad reason"):
        js.write_text(json.dumps(header))
    if named is not None:
        with pytest.raises(NscError) as err:
            list(read_corpus(folder))
        assert err.value.message.startswith(f"{folder / named}: no finished shard here")
        assert why in err.value.message and "nsc datagen" in err.value.hints[0]
    rebuild(folder)  # builds the shard again, as it was
    assert files_of(folder) == files_of(corpus)


def test_a_shard_header_that_does_not_describe_its_arrays_is_named(corpus, tmp_path):
    for key, value in [("vocab", []), ("offset", 10**9), ("signature", {})]:
        folder = copy_corpus(corpus, tmp_path / key)
        js = shard_paths(folder, 0)[1]
        header = json.loads(js.read_text())
        if key == "vocab":
            header["vocab"] = value
        elif key == "offset":
            header["programs"][0]["outputs"][0]["offset"] = value
        else:
            header["programs"][0]["signature"] = value
        js.write_text(json.dumps(header))
        with pytest.raises(NscError, match=r"shard-000000.json: a damaged shard") as err:
            read_shard(folder, 0)
        assert "delete shard-000000.json and shard-000000.npz" in err.value.hints[0]


def test_train_names_a_damaged_shard_and_creates_no_run(corpus, tmp_path):
    folder = copy_corpus(corpus, tmp_path / "c")
    npz = shard_paths(folder, 0)[0]
    npz.write_bytes(npz.read_bytes()[:300])
    code, output = run(
        "train", "--data", folder, "--out", tmp_path / "run", "--no-progress", "--workers", 0,
        "--epochs", 1, "--calibration", 8,
    )  # fmt: skip
    refused(code, output, "shard-000000.npz: no finished shard here", "rerun the nsc datagen")
    assert not (tmp_path / "run").exists()


# -- a training run damaged after it was written ---------------------------------------------


@pytest.fixture(scope="module")
def trained(corpus, tmp_path_factory):
    out = tmp_path_factory.mktemp("run")
    train(tiny(corpus), out, progress=False)
    return out


def tiny(corpus: Path) -> TrainConfig:
    return TrainConfig(
        data=str(corpus), epochs=1, batch_programs=1, samples_per_program=8, calibration=8,
        dim=8, steps=1, head_dim=8, hidden=(8,), val_percent=0.0,
    )  # fmt: skip


@pytest.mark.usefixtures("one_torch_thread")
@pytest.mark.parametrize(
    "name, data",
    [
        ("train.npz", b"PK\x03\x04garbage"),
        ("vocab.json", b"{"),
        ("vocab.json", b"\xff"),
        ("val.npz", None),
    ],
)
def test_a_damaged_cache_is_built_again(corpus, trained, tmp_path, name, data):
    run_dir = tmp_path / "run"
    shutil.copytree(trained, run_dir)
    path = run_dir / "cache" / name
    path.unlink() if data is None else path.write_bytes(data)
    with pytest.raises(NscError, match=f"{name}: "):
        load_cache(run_dir / "cache")
    train(tiny(corpus), run_dir, progress=False)  # resumes: the run had finished its epoch
    assert (run_dir / "cache" / name).read_bytes() == (trained / "cache" / name).read_bytes()
    assert (run_dir / LAST).read_bytes() == (trained / LAST).read_bytes()
