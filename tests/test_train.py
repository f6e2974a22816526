"""Training: learning happens, resume after a kill is exact, DDP replicas agree, `nsc train`,
and val_by_family.py compares runs on the validation programs they share."""

from __future__ import annotations

import dataclasses
import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from click.testing import CliRunner

from nsc.backend.checkpoint import load_checkpoint
from nsc.backend.data import CorpusRecords, build_cache, fixed_batch, load_cache
from nsc.backend.hypernet import Hypernetwork
from nsc.backend.objective import Objective
from nsc.backend.tensors import RANGE_WIDTH
from nsc.backend.train import BEST, EPOCHS, LAST, TrainConfig, train
from nsc.cli import main
from nsc.data.dataset import DatasetConfig, build_dataset, read_corpus
from nsc.data.generator import GeneratorConfig
from nsc.diagnostics import NscError
from nsc.fileio import atomic_savez, load_npz
from nsc.ir.observe import FUSION_DIM

TINY = {"dim": 16, "steps": 2, "head_dim": 32, "hidden": (8, 8), "calibration": 16}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("corpus")
    # the program mix these thresholds were tuned on (no struct or inout parameters)
    mix = GeneratorConfig(p_struct=0.0, p_inout=0.0)
    config = DatasetConfig(samples=48, shard_size=5, generator=mix)
    build_dataset(out, count=10, seed=3, workers=0, config=config, progress=False)
    return out


pytestmark = pytest.mark.usefixtures("one_torch_thread")


def tiny(corpus, **kw) -> TrainConfig:
    options = {
        "batch_programs": 3,
        "samples_per_program": 16,
        "warmup_steps": 2,
        "val_percent": 20.0,
        **TINY,
        **kw,
    }
    return TrainConfig(data=str(corpus), **options)


def fit_error(run, hypernet) -> float:
    """Mean normalized MSE of the emitted surrogates on the training programs' first rows."""
    _, examples, _ = load_cache(run / "cache")
    with torch.no_grad():
        loss, mse = Objective(hypernet, 0.0, True)(fixed_batch(examples, 16))
    return float(mse)


@pytest.mark.parametrize(
    "loss, fusion, touches",
    [("mse", False, False), ("nmse", False, False), ("mse", True, False), ("mse", False, True)],
)
def test_training_reduces_the_error(corpus, tmp_path, loss, fusion, touches):
    config = tiny(corpus, epochs=12, lr=2e-2, loss=loss, fusion=fusion, touches=touches)
    before = train(dataclasses.replace(config, epochs=1, lr=1e-9), tmp_path / "a", progress=False)
    after = train(config, tmp_path / "b", progress=False)
    first, last = (
        fit_error(tmp_path / "a", before.hypernet),
        fit_error(tmp_path / "b", after.hypernet),
    )
    assert last < 0.8 * first, (first, last)
    epochs = (tmp_path / "b" / "epochs.csv").read_text().splitlines()
    assert len(epochs) == 13 and epochs[0].startswith("epoch,global_step,train_mse,val_mse")
    assert (tmp_path / "b" / "steps.csv").is_file() and (tmp_path / "b" / "log.json").is_file()
    best = load_checkpoint(tmp_path / "b" / BEST).meta["progress"]["epochs"]
    assert best[-1]["val_mse"] == min(row["val_mse"] for row in after.progress.epochs)
    _, examples, _ = load_cache(tmp_path / "b" / "cache")
    widths = {ex.tensors.fusion.shape[1] for ex in examples}
    assert widths == {FUSION_DIM if fusion else 0}
    saved = load_checkpoint(tmp_path / "b" / BEST).meta["hypernet"]
    assert saved["touches"] is touches
    if fusion:  # every program ran, so some instruction of each was observed running
        assert all(ex.tensors.fusion_mask.sum() > 0 for ex in examples)
        assert all(ex.tensors.fusion[:, 0].max() > 0 for ex in examples)


def test_unknown_loss_is_refused(corpus):
    with pytest.raises(NscError, match="--loss"):
        tiny(corpus, loss="mae").check()


class Killed(Exception):
    pass


def test_resume_after_a_kill_or_a_stop_matches_an_uninterrupted_run(corpus, tmp_path):
    config = tiny(corpus, epochs=3, checkpoint_every=2)
    whole = train(config, tmp_path / "whole", progress=False)

    def kill(step: int) -> None:
        if step == 5:
            raise Killed

    with pytest.raises(Killed):
        train(config, tmp_path / "cut", progress=False, on_step=kill)
    saved = load_checkpoint(tmp_path / "cut" / LAST)
    assert saved.meta["progress"]["global_step"] == 4  # the last checkpoint before the kill
    paused = train(config, tmp_path / "cut", progress=False, stop_after=2)
    assert paused.progress.epoch == 2 and len(paused.progress.epochs) == 2
    resumed = train(config, tmp_path / "cut", progress=False)
    assert resumed.progress.global_step == whole.progress.global_step
    for (name, a), b in zip(
        whole.hypernet.state_dict().items(), resumed.hypernet.state_dict().values(), strict=True
    ):
        assert torch.equal(a, b), name
    keys = ("train_mse", "val_mse", "val_mse_bases", "lr")
    same = lambda rows: [[row[k] for k in keys] for row in rows]  # noqa: E731
    assert same(resumed.progress.epochs) == same(whole.progress.epochs)


def test_resume_refuses_other_settings(corpus, tmp_path):
    train(tiny(corpus, epochs=1), tmp_path, progress=False)
    with pytest.raises(NscError, match="other settings"):
        train(tiny(corpus, epochs=1, lr=0.5), tmp_path, progress=False)


def test_a_cache_from_before_ranges_loads_and_is_rebuilt(corpus, tmp_path):
    config = tiny(corpus, epochs=1)
    train(config, tmp_path, progress=False)
    cache = tmp_path / "cache"
    for split in ("train", "val"):  # the arrays an older nsc wrote: no ranges
        arrays = load_npz(cache / f"{split}.npz")
        atomic_savez(cache / f"{split}.npz", {k: v for k, v in arrays.items() if "ranges" not in k})
    _, examples, _ = load_cache(cache)
    assert all(ex.tensors.ranges.shape == (ex.tensors.num_nodes, RANGE_WIDTH) for ex in examples)
    assert not any(ex.tensors.ranges.any() for ex in examples)
    stamp = json.loads((cache / "stamp.json").read_text())
    del stamp["format"]
    (cache / "stamp.json").write_text(json.dumps(stamp))
    train(dataclasses.replace(config, epochs=2), tmp_path, progress=False)  # resumes
    _, examples, _ = load_cache(cache)
    assert all(ex.tensors.ranges[:, 0].any() for ex in examples)  # every program has an input


def test_a_run_saved_before_ranges_resumes_only_without_them(corpus, tmp_path):
    from safetensors.torch import save_file

    old = tiny(corpus, epochs=1, ranges=False)
    train(old, tmp_path, progress=False)
    saved = load_checkpoint(tmp_path / LAST)
    del saved.meta["config"]["ranges"]  # as an nsc from before the setting wrote it
    save_file(saved.tensors, str(tmp_path / LAST), metadata={"nsc": json.dumps(saved.meta)})
    with pytest.raises(NscError, match="other settings"):
        train(dataclasses.replace(old, epochs=2, ranges=True), tmp_path, progress=False)
    resumed = train(dataclasses.replace(old, epochs=2), tmp_path, progress=False)
    assert resumed.progress.epoch == 2


def _replica(rank: int, world: int, port: int, corpus: str, out: str) -> None:
    torch.set_num_threads(1)
    env = {
        "RANK": str(rank),
        "WORLD_SIZE": str(world),
        "MASTER_ADDR": "127.0.0.1",
        "MASTER_PORT": str(port),
    }
    config = TrainConfig(
        data=corpus, epochs=1, batch_programs=2, samples_per_program=8, val_percent=20.0, **TINY
    )
    result = train(config, out, env=env, progress=False)
    flat = torch.cat([p.detach().reshape(-1) for p in result.hypernet.parameters()])
    torch.save(flat, f"{out}/rank{rank}.pt")
    torch.distributed.destroy_process_group()


def test_data_parallel_replicas_stay_identical(corpus, tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    torch.multiprocessing.spawn(_replica, args=(2, port, str(corpus), str(tmp_path)), nprocs=2)
    a = torch.load(tmp_path / "rank0.pt", weights_only=True)
    b = torch.load(tmp_path / "rank1.pt", weights_only=True)
    steps = load_checkpoint(tmp_path / LAST).meta["progress"]["global_step"]
    assert steps >= 3
    assert torch.equal(a, b)
    vocab, _, _ = load_cache(tmp_path / "cache")
    torch.manual_seed(0)
    init = Hypernetwork(TrainConfig(data=str(corpus), **TINY).hypernet(len(vocab)))
    start = torch.cat([p.detach().reshape(-1) for p in init.parameters()])
    assert start.shape == a.shape and not torch.equal(start, a)  # they trained, in step


def test_cli_train_runs_and_reports_errors(corpus, tmp_path):
    runner = CliRunner()
    args = [
        "train",
        "--data",
        str(corpus),
        "--out",
        str(tmp_path / "run"),
        "--epochs",
        "3",
        "--stop-after",
        "1",
        "--workers",
        "2",
        "--batch-programs",
        "2",
        "--samples-per-program",
        "8",
        "--val-percent",
        "20",
        "--calibration",
        "16",
        "--fusion",
        "--dim",
        "16",
        "--steps",
        "2",
        "--head-dim",
        "24",
        "--hidden",
        "8",
        "--no-ranges",
        "--keep-epochs",
        "--no-progress",
    ]
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "epoch 1: val_mse" in result.output and (tmp_path / "run" / LAST).is_file()
    kept = sorted(p.name for p in (tmp_path / "run" / EPOCHS).iterdir())
    assert kept == ["epoch-001.safetensors"]  # --stop-after 1
    saved = load_checkpoint(tmp_path / "run" / LAST).meta
    assert saved["progress"]["epoch"] == 1 and saved["config"]["epochs"] == 3
    hyper = saved["hypernet"]
    expected = {"dim": 16, "steps": 2, "ranges": False}
    assert hyper["encoder_options"] == expected and hyper["head_dim"] == 24
    assert hyper["surrogate_options"]["hidden"] == [8]
    _, examples, _ = load_cache(tmp_path / "run" / "cache")
    assert {ex.tensors.fusion.shape[1] for ex in examples} == {FUSION_DIM}
    missing = runner.invoke(
        main,
        ["train", "--data", str(tmp_path / "nope"), "--out", str(tmp_path / "r2"), "--no-progress"],
    )
    assert missing.exit_code == 1 and "no index.json" in missing.output
    big = runner.invoke(
        main, [*args[:4], str(tmp_path / "r3"), *args[5:], "--batch-programs", "500"]
    )
    assert big.exit_code == 1 and "--batch-programs 500" in big.output
    widths = runner.invoke(main, [*args[:4], str(tmp_path / "r4"), *args[5:], "--hidden", "8,x"])
    assert widths.exit_code == 1 and "--hidden takes comma-separated" in widths.output
    few = runner.invoke(main, [*args[:4], str(tmp_path / "r5"), *args[5:], "--calibration", "60"])
    assert few.exit_code == 1 and "no program has more than 61 samples" in few.output


def test_the_cache_streams_the_corpus_and_matches_a_list(corpus, tmp_path):
    class Reread:
        """Reads the corpus afresh on every pass, and counts the passes."""

        passes = 0

        def __iter__(self):
            Reread.passes += 1
            return read_corpus(corpus)

    streamed = build_cache(Reread(), tmp_path / "a", calibration=16, val_percent=20.0)
    listed = build_cache(
        list(read_corpus(corpus)), tmp_path / "b", calibration=16, val_percent=20.0
    )
    pooled = build_cache(Reread(), tmp_path / "p", calibration=16, val_percent=20.0, workers=2)
    assert Reread.passes == 4  # one for the vocabulary, one to encode, per streamed build
    sharded = build_cache(  # workers read whole shards
        CorpusRecords(corpus, 17), tmp_path / "s", calibration=16, val_percent=20.0, workers=2
    )
    assert streamed[0] == listed[0] == pooled[0] == sharded[0]
    for split in ("train", "val"):
        a = load_npz(tmp_path / "a" / f"{split}.npz")
        for other in ("b", "p", "s"):
            b = load_npz(tmp_path / other / f"{split}.npz")
            assert a.keys() == b.keys() and all((a[k] == b[k]).all() for k in a)
    assert len(streamed[1]) + len(streamed[2]) == 10
    first_six = {r.hash for r in list(read_corpus(corpus))[:6]}
    for workers in (0, 2):  # the limit counts programs in corpus order, pooled or not
        _, train_part, val_part = build_cache(
            CorpusRecords(corpus, 17, limit=6),
            tmp_path / f"l{workers}",
            workers=workers,
            calibration=16,
            val_percent=20.0,
        )
        kept = {e.hash for e in train_part + val_part}
        assert kept == first_six
    with pytest.raises(TypeError, match="re-iterable"):
        build_cache(read_corpus(corpus), tmp_path / "c", calibration=16, val_percent=20.0)


def test_val_by_family_compares_runs_on_the_programs_both_hold_out(corpus, tmp_path):
    script = Path(__file__).resolve().parent.parent / "benchmarks" / "val_by_family.py"
    train(tiny(corpus, epochs=1), tmp_path / "few", progress=False)
    train(tiny(corpus, epochs=1, val_percent=50.0), tmp_path / "many", progress=False)
    held = {run: load_cache(tmp_path / run / "cache")[2] for run in ("few", "many")}
    assert 0 < len(held["few"]) < len(held["many"])  # 20% of the hashes lie inside 50%

    def measure(run: str, *extra: str) -> str:
        command = [sys.executable, str(script), "--run", str(tmp_path / run)]
        command += ["--corpus", str(corpus), *extra]
        done = subprocess.run(command, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        return done.stdout.splitlines()[0]

    assert measure("many").startswith(f"{len(held['many'])} val programs")
    shared = measure("many", "--shared-with", str(tmp_path / "few"))
    assert shared.startswith(f"{len(held['few'])} val programs")


def test_select_checkpoint_scores_each_kept_epoch_by_fine_tuning(corpus, tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(Path(__file__).resolve().parent.parent / "benchmarks"))
    import select_checkpoint

    run = tmp_path / "run"
    train(tiny(corpus, epochs=2), run, progress=False, keep_epochs=True)
    kept = [load_checkpoint(run / EPOCHS / f"epoch-00{n}.safetensors") for n in (1, 2)]
    assert [len(k.meta["progress"]["epochs"]) for k in kept] == [1, 2]
    assert any(
        not torch.equal(a, b)
        for a, b in zip(kept[0].model_state().values(), kept[1].model_state().values(), strict=True)
    )
    argv = ["--run", str(run), "--corpus", str(corpus), "--programs", "1", "--seeds", "1"]
    argv += ["--epochs", "5", "--patience", "5", "--pool", "20", "--workers", "1"]
    select_checkpoint.main(argv)
    out = run / "select"
    saved = json.loads((out / "select.json").read_text())
    assert [r["checkpoint"] for r in saved["rows"]] == [
        "epoch-001.safetensors",
        "epoch-002.safetensors",
        BEST,
    ]
    assert all(r["efficiency"]["overall"] > 0 for r in saved["rows"])
    assert saved["settings"]["programs"][0].startswith("seed-3000000")
    table = (out / "select.md").read_text()
    assert table.count("| epoch-00") == 2 and (out / "select.png").is_file()
    with pytest.raises(SystemExit, match="no checkpoints"):
        select_checkpoint.main(["--run", str(tmp_path / "empty")])


def test_cli_train_says_when_no_program_is_held_out(corpus, tmp_path):
    args = ["train", "--data", corpus, "--out", tmp_path / "run", "--epochs", "1"]
    args += ["--batch-programs", "2", "--samples-per-program", "8", "--calibration", "16"]
    args += ["--dim", "8", "--steps", "1", "--head-dim", "8", "--hidden", "4", "--no-progress"]
    result = CliRunner().invoke(main, [str(a) for a in [*args, "--val-percent", "0"]])
    assert result.exit_code == 0, result.output
    assert "epoch 1: no validation programs (--val-percent 0 of this corpus)" in result.output


def test_cli_train_refuses_a_batch_larger_than_the_corpus_and_keeps_its_cache(corpus, tmp_path):
    args = ["train", "--data", corpus, "--out", tmp_path / "run", "--batch-programs", "1000"]
    args += ["--calibration", "16"]
    result = CliRunner().invoke(main, [str(a) for a in [*args, "--no-progress"]])
    assert result.exit_code == 1, result.output
    assert "--batch-programs 1000 needs at least that many" in result.output
    assert f"stays in {tmp_path / 'run' / 'cache'}" in result.output
    assert (tmp_path / "run" / "cache").is_dir()


BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def run_script(name: str, *args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    """benchmarks/NAME.py with `args`, its output captured as text."""
    command = [sys.executable, str(BENCHMARKS / f"{name}.py"), *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout)


def test_decoder_probe_script_fits_programs_three_ways(corpus, tmp_path):
    """benchmarks/decoder_probe.py: the encoder, free codes and direct fits all learn."""
    records = CorpusRecords(corpus, 17, None)
    build_cache(records, tmp_path / "cache", calibration=16, val_percent=0.0)
    args = ["--cache", str(tmp_path / "cache"), "--programs", "8", "--epochs", "15"]
    args += ["--steps", "2", "--direct-steps", "200", "--threads", "1", "--out", str(tmp_path)]
    run = run_script("decoder_probe", *args)
    assert run.returncode == 0, run.stderr[-2000:]
    result = json.loads((tmp_path / "decoder_probe.json").read_text())
    assert result["programs"] == 8 and result["centre"] > 0
    for key in ("encoder", "free_codes", "direct"):
        curve = result[key]["curve"]
        assert curve[-1] < 0.7 * curve[0], (key, curve)
    assert result["direct"]["curve"][-1] < result["free_codes"]["curve"][-1]
    assert (tmp_path / "decoder_probe.png").stat().st_size > 0


def test_learning_curve_script_trains_each_size(corpus, tmp_path):
    """benchmarks/learning_curve.py: one run per size, each learning its training programs."""
    records = CorpusRecords(corpus, 17, None)
    build_cache(records, tmp_path / "cache", calibration=16, val_percent=30.0)
    args = ["--cache", str(tmp_path / "cache"), "--sizes", "3,6", "--budget", "60"]
    run = run_script(
        "learning_curve", *args, "--steps", "2", "--threads", "1", "--out", str(tmp_path)
    )
    assert run.returncode == 0, run.stderr[-2000:]
    result = json.loads((tmp_path / "learning_curve.json").read_text())
    sizes = result["sizes"]
    assert [r["programs"] for r in sizes] == [3, 6] and [r["epochs"] for r in sizes] == [20, 10]
    for r in sizes:
        assert r["final_train"] < r["start_train"]
        assert r["best_val"] == min(v for _, v in r["val_curve"])
    assert "| 6 | 10 |" in (tmp_path / "learning_curve.md").read_text()


def test_text_encoder_script_learns_from_source_tokens(corpus, tmp_path):
    """benchmarks/text_encoder.py: a transformer over the C text in place of the GGNN learns its
    training programs, and every port is named by some token."""
    records = CorpusRecords(corpus, 17, None)
    build_cache(records, tmp_path / "cache", calibration=16, val_percent=30.0)
    args = ["--cache", str(tmp_path / "cache"), "--corpus", str(corpus), "--sizes", "6"]
    args += ["--budget", "60", "--layers", "1", "--min-count", "1", "--threads", "1"]
    run = run_script("text_encoder", *args, "--out", str(tmp_path))
    assert run.returncode == 0, run.stderr[-2000:]
    assert "0 programs with a port no token names" in run.stdout
    (size,) = json.loads((tmp_path / "text_encoder.json").read_text())["sizes"]
    assert size["programs"] == 6 and size["epochs"] == 10
    assert size["final_train"] < size["start_train"]
    assert "| 6 | 10 | 10 |" in (tmp_path / "text_encoder.md").read_text()


def test_train_command_offers_every_hidden_layer_mode():
    """`nsc train --hidden-layers` lists the modes itself (the CLI does not import torch to
    start); they must be the hypernetwork's."""
    from nsc.backend.hypernet import HIDDEN_LAYERS
    from nsc.cli.corpus import train_command

    (option,) = [p for p in train_command.params if p.name == "hidden_layers"]
    assert tuple(option.type.choices) == HIDDEN_LAYERS


def test_ir_variants_script_trains_on_more_forms_and_plots(corpus, tmp_path):
    """benchmarks/ir_variants.py: programs join training in further IR forms (their own rows),
    the model learns them; compare_curves.py plots its curve beside another probe's."""
    records = CorpusRecords(corpus, 17, None)
    build_cache(records, tmp_path / "cache", calibration=16, val_percent=30.0)
    args = ["--cache", str(tmp_path / "cache"), "--corpus", str(corpus), "--sizes", "6"]
    args += ["--budget", "60", "--steps", "2", "--threads", "1", "--out", str(tmp_path)]
    run = run_script("ir_variants", *args)
    assert run.returncode == 0, run.stderr[-2000:]
    result = json.loads((tmp_path / "ir_variants.json").read_text())
    (size,) = result["sizes"]
    assert size["programs"] == 6 and result["forms"][0] > 6
    assert size["final_train"] < size["start_train"]
    out = tmp_path / "curves.png"
    runs = [f"forms={tmp_path / 'ir_variants.json'}", f"again={tmp_path / 'ir_variants.json'}"]
    assert run_script("compare_curves", "--size", "6", "--out", str(out), *runs).returncode == 0
    assert out.stat().st_size > 0
    missing = run_script("compare_curves", "--size", "7", "--out", str(out), *runs)
    assert missing.returncode != 0 and "no run on 7 training programs" in missing.stderr


def test_value_aux_script_learns_observed_values(corpus, tmp_path):
    """benchmarks/value_aux.py: the static model's node states learn to predict what each
    instruction computed, beside the surrogates; without observations it says so."""
    records = CorpusRecords(corpus, 17, None)
    build_cache(records, tmp_path / "cache", calibration=16, val_percent=30.0, fusion=True)
    args = ["--cache", str(tmp_path / "cache"), "--sizes", "6", "--budget", "60"]
    args += ["--steps", "2", "--threads", "1", "--out", str(tmp_path)]
    run = run_script("value_aux", *args)
    assert run.returncode == 0, run.stderr[-2000:]
    result = json.loads((tmp_path / "value_aux.json").read_text())
    assert result["value_loss_last"] < 0.8 * result["value_loss_first"]
    (size,) = result["sizes"]
    assert size["final_train"] < size["start_train"]
    build_cache(records, tmp_path / "static", calibration=16, val_percent=30.0)
    args[1] = str(tmp_path / "static")
    run = run_script("value_aux", *args)
    assert run.returncode != 0 and "no observations" in run.stderr
