"""Damaged or empty data files are user errors naming the file: .npz inputs, fine-tuning
examples, corpus config and index files, and corpora that cannot train. Nothing is overwritten,
and a refused `nsc train` leaves no --out folder behind."""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pytest
from cli_checks import refused, run
from runtime_fixtures import EXAMPLES, build

from nsc.backend.normalize import flatten_ports
from nsc.backend.train import TrainConfig, train
from nsc.data.dataset import DatasetConfig, build_dataset, read_corpus
from nsc.diagnostics import NscError
from nsc.fileio import load_npz
from nsc.runtime import Surrogate
from nsc.runtime.finetune import finetune
from nsc.signature import Port

IK = EXAMPLES / "inversek2j.c"  # inputs x, y in [0.1, 0.7]; outputs theta1, theta2
SMALL = DatasetConfig(samples=32, shard_size=2)


def npz_bytes(**arrays: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


GOOD = npz_bytes(x=np.linspace(0.1, 0.7, 8), y=np.linspace(0.1, 0.7, 8))


def _flip_crc_byte(data: bytes) -> bytes:
    """The same zip with one byte of array data changed: the CRC check fails on reading."""
    damaged = bytearray(data)
    damaged[data.index(b"\x93NUMPY") + 140] ^= 0xFF
    return bytes(damaged)


def _text_member() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("x.txt", "not an array")
    return buffer.getvalue()


DAMAGED = {
    "truncated": (GOOD[:200], "not a readable .npz file"),
    "garbage": (b"PK\x03\x04garbage", "not a readable .npz file"),
    "empty": (b"", "empty file"),
    "bad crc": (_flip_crc_byte(GOOD), "Bad CRC"),
    "not a zip": (b"\x93NUMPY plain .npy bytes", "not an .npz file"),
    "text member": (_text_member(), "'x.txt' is not a .npy array"),
    "object array": (npz_bytes(x=np.array([{}], dtype=object)), "allow_pickle"),
}


@pytest.fixture(scope="module")
def ik_model(tmp_path_factory):
    return build(IK, tmp_path_factory.mktemp("model") / "ik.onnx", calibration=64).path


@pytest.mark.parametrize("kind", DAMAGED)
def test_load_npz_names_a_damaged_file(tmp_path, kind):
    data, message = DAMAGED[kind]
    path = tmp_path / "in.npz"
    path.write_bytes(data)
    with pytest.raises(NscError, match="in.npz: ") as err:
        load_npz(path)
    assert message in err.value.message


@pytest.mark.parametrize("kind", ["truncated", "garbage", "empty"])
def test_run_and_exec_report_a_damaged_inputs_file(ik_model, tmp_path, kind):
    data, message = DAMAGED[kind]
    inputs = tmp_path / "in.npz"
    inputs.write_bytes(data)
    refused(*run("run", ik_model, "--inputs", inputs), "in.npz", message)
    refused(*run("exec", IK, "--inputs", inputs), "in.npz", message)
    assert inputs.read_bytes() == data


def test_zero_rows_flatten_and_run_to_zero_rows(ik_model, tmp_path):
    ports = [Port("x", "float32"), Port("w", "float32", (2, 3))]
    flat = flatten_ports(ports, {"x": np.zeros(0), "w": np.zeros((0, 2, 3))})
    assert flat.shape == (0, 7)
    with pytest.raises(NscError, match="'w' has 2 rows but 'x' has 3"):
        flatten_ports(ports, {"x": np.zeros(3), "w": np.zeros((2, 2, 3))})
    inputs, outputs = tmp_path / "in.npz", tmp_path / "out.npz"
    inputs.write_bytes(npz_bytes(x=np.zeros(0), y=np.zeros(0)))
    code, output = run("run", ik_model, "--inputs", inputs, "--outputs", outputs)
    assert code == 0, output
    assert {name: a.shape for name, a in load_npz(outputs).items()} == {
        "theta1": (0,),
        "theta2": (0,),
    }
    table = tmp_path / "out.csv"
    code, output = run("run", ik_model, "--inputs", inputs, "--outputs", table)
    assert code == 0, output
    assert table.read_text() == "theta1,theta2\n"


@pytest.mark.parametrize("suffix", [".csv", ".npz"])
def test_run_and_exec_refuse_a_file_without_rows_to_print(ik_model, tmp_path, suffix):
    """With nothing to print, zero rows are an error; with --outputs they give zero rows."""
    inputs = tmp_path / f"in{suffix}"
    if suffix == ".csv":
        inputs.write_text("x,y\n")
    else:
        inputs.write_bytes(npz_bytes(x=np.zeros(0), y=np.zeros(0)))
    needle = f"in{suffix}: no rows of inputs to run"
    refused(*run("run", ik_model, "--inputs", inputs), needle)
    refused(*run("exec", IK, "--inputs", inputs), needle)
    code, output = run("exec", IK, "--inputs", inputs, "--outputs", tmp_path / "out.npz")
    assert code == 0 and len(load_npz(tmp_path / "out.npz")["theta1"]) == 0, output


def test_a_csv_with_another_delimiter_names_the_column(ik_model, tmp_path):
    inputs = tmp_path / "in.csv"
    inputs.write_text("x;y\n0.3;0.4\n")
    code, output = run("run", ik_model, "--inputs", inputs)
    refused(code, output, "in.csv: unknown column(s) x;y", "separated by commas")
    inputs.write_text("x,y\n0.3,0.4\n\n0.5,abc\n")
    refused(*run("run", ik_model, "--inputs", inputs), "in.csv:4: y is 'abc', not a number")


def test_single_values_are_not_rows(ik_model, tmp_path):
    inputs = tmp_path / "in.npz"
    inputs.write_bytes(npz_bytes(x=np.float64(0.3), y=np.float64(0.4)))
    code, output = run("run", ik_model, "--inputs", inputs, "--outputs", tmp_path / "o.npz")
    refused(code, output, "in.npz: 'x' is a single value, expected an array [rows]")


@pytest.mark.parametrize("suffix", [".csv", ".npz"])
def test_finetune_refuses_a_file_without_examples(ik_model, tmp_path, suffix):
    data = tmp_path / f"examples{suffix}"
    if suffix == ".csv":
        data.write_text("x,y,theta1,theta2\n")
    else:
        data.write_bytes(
            npz_bytes(**{name: np.zeros(0) for name in ("x", "y", "theta1", "theta2")})
        )
    out = tmp_path / "tuned.onnx"
    code, output = run("finetune", ik_model, "--data", data, "-o", out)
    refused(code, output, f"examples{suffix}: no examples")
    assert not out.exists()


def test_finetune_api_refuses_zero_rows(ik_model):
    empty = {"x": np.zeros(0), "y": np.zeros(0)}
    with pytest.raises(NscError, match="no examples"):
        finetune(Surrogate(ik_model), empty, {"theta1": np.zeros(0), "theta2": np.zeros(0)})


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("corpus")
    build_dataset(out, count=3, seed=0, workers=0, config=SMALL, progress=False)
    return out


def copy_corpus(corpus, folder):
    folder.mkdir()
    for path in corpus.iterdir():
        (folder / path.name).write_bytes(path.read_bytes())
    return folder


@pytest.mark.parametrize("text", ["{", "[1]", '{"format": "nsc-corpus"}', ""])
def test_datagen_refuses_a_damaged_config_and_keeps_it(corpus, tmp_path, text):
    folder = copy_corpus(corpus, tmp_path / "c")
    (folder / "config.json").write_text(text)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    code, output = run(
        "datagen", "--count", 5, "--out", folder, "--samples", 32, "--shard-size", 2,
        "--workers", 0, "--no-progress",
    )  # fmt: skip
    refused(code, output, "config.json: not a valid corpus config")
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


@pytest.mark.parametrize(
    "text",
    ["{", "[]", '{"format": "nsc-corpus-index"}', '{"format": "nsc-corpus-index", "shards": [{}]}'],
)
def test_reading_a_corpus_with_a_damaged_index_names_it(corpus, tmp_path, text):
    folder = copy_corpus(corpus, tmp_path / "c")
    (folder / "index.json").write_text(text)
    with pytest.raises(NscError, match="index.json: not a valid corpus index"):
        list(read_corpus(folder))


def test_reading_a_corpus_with_a_damaged_shard_names_it(corpus, tmp_path):
    folder = copy_corpus(corpus, tmp_path / "c")
    (folder / "shard-000001.json").write_text("{")
    with pytest.raises(NscError, match="shard-000001.json: no finished shard"):
        list(read_corpus(folder))
    (folder / "shard-000001.json").write_text("[1]")  # JSON, but not a shard's header
    with pytest.raises(NscError, match="shard-000001.json: no finished shard"):
        list(read_corpus(folder))
    folder = copy_corpus(corpus, tmp_path / "d")
    npz = folder / "shard-000000.npz"
    npz.write_bytes(_flip_crc_byte(npz.read_bytes()))  # same size: the header still matches
    with pytest.raises(NscError, match="shard-000000.npz: not a readable .npz file"):
        list(read_corpus(folder))


def train_args(data, out) -> list:
    return ["train", "--data", data, "--out", out, "--no-progress", "--workers", 0, "--epochs", 1]


@pytest.mark.parametrize(
    "damage, message",
    [
        ("config.json", "config.json: not a valid corpus config"),
        ("index.json", "index.json: not a valid corpus index"),
    ],
)
def test_train_refuses_a_damaged_corpus_and_creates_no_run(corpus, tmp_path, damage, message):
    folder = copy_corpus(corpus, tmp_path / "c")
    (folder / damage).write_text("{")
    code, output = run(*train_args(folder, tmp_path / "run"), "--calibration", 8)
    refused(code, output, message)
    assert not (tmp_path / "run").exists()
    assert (folder / damage).read_text() == "{"


def test_train_says_an_empty_corpus_has_no_programs(tmp_path):
    empty = tmp_path / "empty"
    build_dataset(empty, count=0, seed=0, workers=0, config=SMALL, progress=False)
    code, output = run(*train_args(empty, tmp_path / "run"))
    refused(code, output, "the corpus has no programs")
    assert "samples" not in output and not (tmp_path / "run").exists()


def test_train_refusals_create_no_run_folder(corpus, tmp_path):
    code, output = run(*train_args(tmp_path / "nope", tmp_path / "run"))
    refused(code, output, "no index.json")
    few = TrainConfig(data=str(corpus), calibration=64)  # the corpus has 32 samples a program
    with pytest.raises(NscError, match="no program has more than 65 samples"):
        train(few, tmp_path / "run2", progress=False)
    assert not (tmp_path / "run").exists() and not (tmp_path / "run2").exists()
