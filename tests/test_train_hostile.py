"""`nsc train` fed hostile or unlucky input: settings torch cannot take, a run that diverges, a
run folder holding some other file as its checkpoint, a resume from another folder, a kill
between a run's files, and torchrun with a damaged corpus or a partial environment. Each ends
in an `nsc: error:` naming the problem, with no traceback, and leaves the run's files as they
were (or resumes as if never stopped)."""

from __future__ import annotations

import shutil
import socket
from pathlib import Path

import pytest
import torch
from cli_checks import refused, run

from nsc.backend.checkpoint import load_checkpoint
from nsc.backend.train import BEST, EPOCHS, LAST, TrainConfig, train
from nsc.data.dataset import DatasetConfig, build_dataset
from nsc.diagnostics import NscError
from nsc.fileio import atomic_write_bytes

pytestmark = pytest.mark.usefixtures("one_torch_thread")

TINY = [
    "--batch-programs", "2", "--samples-per-program", "8", "--calibration", "16",
    "--dim", "8", "--steps", "1", "--head-dim", "8", "--hidden", "4", "--workers", "0",
    "--val-percent", "20", "--no-progress",
]  # fmt: skip
MODELS = Path(__file__).resolve().parent.parent / "nsc" / "backend" / "models"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """Ten programs in three shards."""
    out = tmp_path_factory.mktemp("corpus")
    config = DatasetConfig(samples=48, shard_size=4)
    build_dataset(out, count=10, seed=3, workers=0, config=config, progress=False)
    return out


@pytest.fixture(scope="module")
def finished(corpus, tmp_path_factory) -> Path:
    """A run of one epoch, to copy."""
    out = tmp_path_factory.mktemp("finished") / "run"
    code, output = run("train", "--data", corpus, "--out", out, "--epochs", "1", *TINY)
    assert code == 0, output
    return out


def test_a_learning_rate_past_float32_is_refused(tmp_path):
    """AdamW's first step (lr / 0.1) overflowed float32: a RuntimeError from inside torch."""
    out = tmp_path / "r"
    code, output = run("train", "--data", tmp_path, "--out", out, *TINY, "--lr", "1e308")
    refused(code, output, "--lr", "1e+308")
    assert not out.exists()


@pytest.mark.parametrize("option", ["--hidden", "--head-dim"])
def test_widths_past_a_64_bit_integer_are_refused(tmp_path, option):
    """torch could not even count such a model: a TypeError from its meta device."""
    out = tmp_path / "r"
    code, output = run("train", "--data", tmp_path, "--out", out, *TINY, option, str(10**21))
    refused(code, output, "parameters (at most 100,000,000)", option)
    assert not out.exists()


def test_absurd_thread_counts_are_a_usage_error(tmp_path):
    """10**20 was a ValueError from torch; 100000 crashed the process (SIGSEGV) when the
    threads could not be started."""
    code, output = run("train", "--data", tmp_path, "--out", tmp_path / "r", "--threads", 10**20)
    assert code == 2 and "--threads" in output and "Traceback" not in output, output


def test_a_diverging_run_stops_with_an_error_and_keeps_its_last_good_checkpoint(corpus, tmp_path):
    """It used to run on with NaN weights, save them as its checkpoint, exit 0, and say the
    corpus had no validation programs."""
    out = tmp_path / "r"
    args = ["train", "--data", corpus, "--out", out, "--epochs", "3", *TINY]
    code, output = run(*args, "--lr", "1e30", "--checkpoint-every", "1")
    refused(code, output, "diverged", "--lr")
    assert "no validation programs" not in output
    saved = load_checkpoint(out / LAST)
    assert saved.meta["progress"]["global_step"] >= 1
    assert all(torch.isfinite(t).all() for t in saved.model_state().values())


def test_a_huge_adaptation_rate_is_a_divergence_not_nan_weights(corpus, tmp_path):
    out = tmp_path / "r"
    args = ["train", "--data", corpus, "--out", out, "--epochs", "1", *TINY]
    code, output = run(*args, "--adapt-steps", "1", "--adapt-rows", "4", "--adapt-lr", "1e300")
    refused(code, output, "diverged", "--adapt-lr")


def test_a_resume_from_another_working_folder_continues(corpus, finished, tmp_path, monkeypatch):
    """The corpus was compared by the path as typed: the same run, resumed from another folder
    or by an absolute path, was refused as 'a run with other settings'."""
    out = tmp_path / "run"
    shutil.copytree(finished, out)
    monkeypatch.chdir(corpus.parent)
    code, output = run("train", "--data", corpus.name, "--out", out, "--epochs", "2", *TINY)
    assert code == 0, output
    assert load_checkpoint(out / LAST).meta["progress"]["epoch"] == 2


def test_other_settings_are_refused_before_the_cache_is_rebuilt(corpus, finished, tmp_path):
    """The run's cache was rebuilt for the new settings (minutes on a large corpus) before the
    checkpoint refused them, so the original run then had to build it again."""
    out = tmp_path / "run"
    shutil.copytree(finished, out)
    before = {p.name: p.read_bytes() for p in (out / "cache").iterdir()}
    args = ["train", "--data", corpus, "--out", out, "--epochs", "2", *TINY]
    code, output = run(*args, "--calibration", "12")
    refused(code, output, "other settings: calibration was 16, now 12")
    assert {p.name: p.read_bytes() for p in (out / "cache").iterdir()} == before


@pytest.mark.parametrize(
    "stand_in, needle",
    [
        ("best", "no optimizer state"),  # a run's best weights: no optimizer state
        ("model", "not a training run's checkpoint"),  # a shipped model: no run settings
        ("text", "not an nsc checkpoint"),  # its first 8 bytes read as a huge header length
    ],
)
def test_another_file_in_the_checkpoints_place_is_named(
    corpus, finished, tmp_path, stand_in, needle
):
    """These were "the checkpoint has no optimizer state" (naming no file), a KeyError
    traceback, and "out of memory"."""
    out = tmp_path / "run"
    shutil.copytree(finished, out)
    if stand_in == "best":
        shutil.copy(out / BEST, out / LAST)
    elif stand_in == "model":
        shutil.copy(MODELS / "default.safetensors", out / LAST)
    else:
        (out / LAST).write_text("hello, world\n")
    kept = (out / LAST).read_bytes()
    args = ["train", "--data", corpus, "--out", out, "--epochs", "2", *TINY]
    code, output = run(*args)
    refused(code, output, str(out / LAST), needle)
    assert (out / LAST).read_bytes() == kept


def test_a_checkpoint_whose_document_is_not_an_object_is_refused(tmp_path):
    from safetensors.torch import save

    path = tmp_path / "odd.safetensors"
    atomic_write_bytes(path, save({"model/w": torch.zeros(2)}, metadata={"nsc": "[1, 2]"}))
    with pytest.raises(NscError, match="not an nsc checkpoint"):
        load_checkpoint(path)


def test_an_empty_training_split_points_at_val_percent(corpus, tmp_path):
    """It said to lower --batch-programs, which cannot help with no training programs."""
    args = ["train", "--data", corpus, "--out", tmp_path / "r", *TINY, "--batch-programs", "1"]
    code, output = run(*args, "--val-percent", "99.99")
    refused(code, output, "0 training programs", "--val-percent")
    assert "smaller batch" not in output


@pytest.mark.parametrize(
    "env",
    [{"WORLD_SIZE": "2"}, {"WORLD_SIZE": "two", "RANK": "0"}, {"WORLD_SIZE": "2", "RANK": "2"}],
)
def test_a_torchrun_environment_without_a_rank_is_refused(tmp_path, env):
    """A launcher that sets WORLD_SIZE but no RANK (or junk) was a KeyError or ValueError; a
    rank outside the world waited for its process group."""
    config = TrainConfig(data=str(tmp_path / "c"), batch_programs=2)
    with pytest.raises(NscError, match="name no process of a data-parallel run"):
        train(config, tmp_path / "r", env=env, progress=False)
    assert not (tmp_path / "r").exists()


def _replica(rank: int, world: int, port: int, corpus: str, out: str) -> None:
    torch.set_num_threads(1)
    env = {"RANK": str(rank), "WORLD_SIZE": str(world)}
    env |= {"MASTER_ADDR": "127.0.0.1", "MASTER_PORT": str(port)}
    config = TrainConfig(
        data=corpus, epochs=1, batch_programs=2, samples_per_program=8, calibration=16
    )
    try:
        train(config, out, env=env, progress=False)
    except NscError as err:
        Path(out, f"rank{rank}.txt").write_text(err.message)
    finally:
        if torch.distributed.is_initialized():
            torch.distributed.destroy_process_group()


def test_a_damaged_shard_under_torchrun_is_an_error_on_every_rank(corpus, tmp_path):
    """Only rank 0 builds the cache; the others waited for it at a barrier and died with
    gloo's 'Connection closed by peer' traceback when it exited."""
    data = tmp_path / "corpus"
    shutil.copytree(corpus, data)
    last = sorted(data.glob("shard-*.npz"))[-1]  # the first shard still looks fine
    last.write_bytes(last.read_bytes()[:3000])
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    out = tmp_path / "run"
    out.mkdir()
    torch.multiprocessing.spawn(_replica, args=(2, port, str(data), str(out)), nprocs=2)
    for rank in (0, 1):
        assert last.name in (out / f"rank{rank}.txt").read_text()


class Killed(Exception):
    pass


def test_a_kill_between_the_checkpoint_and_the_epochs_weights_loses_nothing(
    corpus, tmp_path, monkeypatch
):
    """The checkpoint was written before best.safetensors and epochs/epoch-NNN: a kill between
    them left the epoch done, so the rerun never wrote its weights."""
    from nsc.backend import checkpoint as ckpt

    config = TrainConfig(
        data=str(corpus), epochs=1, batch_programs=2, samples_per_program=8, calibration=16,
        val_percent=20.0, dim=8, steps=1, head_dim=8, hidden=(4,),
    )  # fmt: skip
    whole = tmp_path / "whole"
    train(config, whole, progress=False, keep_epochs=True)
    save = ckpt.save_checkpoint

    def killed_after_the_checkpoint(path, *args, **kwargs) -> None:
        save(path, *args, **kwargs)
        if Path(path).name == LAST and load_checkpoint(path).meta["progress"]["epoch"] == 1:
            raise Killed

    cut = tmp_path / "cut"
    monkeypatch.setattr(ckpt, "save_checkpoint", killed_after_the_checkpoint)
    with pytest.raises(Killed):
        train(config, cut, progress=False, keep_epochs=True)
    monkeypatch.undo()
    train(config, cut, progress=False, keep_epochs=True)
    for name in (BEST, f"{EPOCHS}/epoch-001.safetensors"):
        assert (cut / name).is_file(), name
        kept, again = load_checkpoint(whole / name), load_checkpoint(cut / name)
        assert kept.tensors.keys() == again.tensors.keys()
        assert all(torch.equal(kept.tensors[k], again.tensors[k]) for k in kept.tensors)


def test_each_process_of_a_data_parallel_run_trains_on_its_own_gpu():
    from nsc.backend.train import training_device

    assert training_device({}, 0).type == "cpu"
    assert training_device({"LOCAL_RANK": "1"}, 0).type == "cpu"
    assert str(training_device({}, 2)) == "cuda:0"
    assert str(training_device({"LOCAL_RANK": "1", "RANK": "3"}, 2)) == "cuda:1"
    with pytest.raises(NscError, match="LOCAL_RANK=2 names no GPU of this machine's 2"):
        training_device({"LOCAL_RANK": "2"}, 2)
    with pytest.raises(NscError, match="LOCAL_RANK=x names no GPU"):
        training_device({"LOCAL_RANK": "x"}, 1)
