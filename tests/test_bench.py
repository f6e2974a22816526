"""`nsc bench`: ratios from known losses, the batched fit, a tiny end-to-end run, gcc driver."""

from __future__ import annotations

import json
import math
import subprocess
import sys
import threading
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
import torch
from click.testing import CliRunner

from nsc.bench.data_efficiency import BenchConfig, data_efficiency, heldout_programs
from nsc.bench.fitting import Dataset, fit, fit_best
from nsc.bench.report import (
    bootstrap_interval,
    efficiencies,
    epoch_ratios,
    epochs_to_target,
    geomean,
    summarize,
)
from nsc.cli import main
from nsc.diagnostics import NscError
from nsc.fileio import load_npz

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def run(program: str, method: str, size: float, seed: int, loss: float, curve=()) -> dict:
    return {
        "program": program,
        "method": method,
        "size": size,
        "seed": seed,
        "test_loss": loss,
        "curve": list(curve),
    }


def test_efficiency_is_random_mean_over_method_mean():
    runs = [
        run("p", "random", 1.0, 0, 0.4), run("p", "random", 1.0, 1, 0.2),
        run("p", "compiled", 1.0, 0, 0.1), run("p", "compiled", 1.0, 1, 0.05),
        run("q", "random", 1.0, 0, 1.0), run("q", "compiled", 1.0, 0, 2.0),
    ]  # fmt: skip
    eff = efficiencies(runs)
    assert eff["p", "compiled", 1.0] == pytest.approx(0.3 / 0.075)
    assert eff["q", "compiled", 1.0] == pytest.approx(0.5)
    assert eff["p", "random", 1.0] == pytest.approx(1.0)
    assert geomean([eff["p", "compiled", 1.0], eff["q", "compiled", 1.0]]) == pytest.approx(
        math.sqrt(4.0 * 0.5)
    )


def test_epochs_to_target_counts_first_epoch_and_caps_misses():
    assert epochs_to_target([1.0, 0.5, 0.2, 0.1], 0.2, 99) == 2
    assert epochs_to_target([0.1, 0.05], 0.2, 99) == 1  # already there at the start
    assert epochs_to_target([1.0, 0.9], 0.2, 99) == 99  # never reached: the most epochs


def test_epoch_ratio_uses_mean_final_random_loss_as_target():
    runs = [
        run("p", "random", 100.0, 0, 0.2, [1.0, 0.5, 0.3, 0.2]),  # reaches 0.25 at epoch 3
        run("p", "random", 100.0, 1, 0.3, [1.0, 0.6, 0.4, 0.3]),  # never: 10
        run("p", "compiled", 100.0, 0, 0.1, [0.5, 0.2, 0.1]),  # epoch 1
        run("p", "compiled", 100.0, 1, 0.1, [0.5, 0.3, 0.24]),  # epoch 2
    ]
    ratios = epoch_ratios(runs, max_epochs=10)
    assert ratios["p", "random"]["target"] == pytest.approx(0.25)
    assert ratios["p", "compiled"]["epochs"] == pytest.approx(1.5)
    assert ratios["p", "compiled"]["ratio"] == pytest.approx(6.5 / 1.5)


def test_summary_rows_and_columns():
    runs = [
        run("p", m, s, 0, loss)
        for m, loss in (("random", 1.0), ("compiled", 0.25))
        for s in (0.0, 100.0)
    ]
    for r in runs:
        r["curve"] = [r["test_loss"]]
    results = [{"program": {"name": "p", "group": "examples"}, "runs": runs, "error": ""}]
    summary = summarize(results, max_epochs=10)
    table = summary["groups"]["all"]
    assert list(table) == ["random", "compiled"]
    assert table["compiled"]["0.0"] == pytest.approx(4.0)
    assert table["compiled"]["overall"] == pytest.approx(4.0)
    assert table["random"]["overall"] == pytest.approx(1.0)
    assert table["compiled"]["epochs"] == pytest.approx(1.0)  # both start at the target: 1 epoch
    # one program: resampling it changes nothing
    assert table["compiled"]["overall_interval"] == pytest.approx((4.0, 4.0))


def test_bootstrap_interval_resamples_programs_not_values():
    spread = {"a": [1.0, 1.0], "b": [4.0, 4.0], "c": [2.0]}
    low, high = bootstrap_interval(spread)
    assert 1.0 <= low < geomean([1, 1, 4, 4, 2]) < high <= 4.0
    assert bootstrap_interval(spread) == (low, high)  # a fixed seed
    wide = bootstrap_interval({"a": [1.0], "b": [16.0]})
    assert wide[0] == pytest.approx(1.0) and wide[1] == pytest.approx(16.0)
    assert all(math.isnan(v) for v in bootstrap_interval({"a": [0.0, math.inf]}))


def toy_data(rng: np.random.Generator, scale: float = 1.0) -> Dataset:
    """60 rows of scale * sin(3 a) * b: 40 to train on, 10 to validate, 10 to test."""
    x = rng.uniform(-1, 1, (60, 2)).astype(np.float32)
    y = (scale * np.sin(3 * x[:, :1]) * x[:, 1:]).astype(np.float32)
    return Dataset(x[:40], y[:40], x[40:50], y[40:50], x[50:], y[50:])


def test_batched_fit_equals_separate_runs():
    from nsc.backend.surrogate import MLPFamily

    rng = np.random.default_rng(0)
    data = toy_data(rng)
    family = MLPFamily((8,))
    gen = torch.Generator().manual_seed(0)
    starts = [family.init(2, 1, gen) for _ in range(3)]
    subsets = [rng.permutation(40)[:20] for _ in range(3)]
    config = BenchConfig(epochs=30, patience=5)
    together = fit(family, starts, data, subsets, config, keep_curve=True)
    for i in range(3):
        alone = fit(family, [starts[i]], data, [subsets[i]], config, keep_curve=True)[0]
        assert alone.best_epoch == together[i].best_epoch
        assert alone.test_loss == pytest.approx(together[i].test_loss, rel=1e-5)
        assert alone.curve == pytest.approx(together[i].curve, rel=1e-5)
    zero_shot = fit(family, starts, data, [np.arange(0)] * 3, config, keep_curve=False)
    assert all(f.epochs_run == 0 and f.best_epoch == 0 for f in zero_shot)


def test_a_fit_can_hand_back_each_runs_best_weights():
    from nsc.backend.surrogate import MLPFamily

    rng = np.random.default_rng(3)
    data = toy_data(rng, 4.0)
    family = MLPFamily((8,))
    gen = torch.Generator().manual_seed(3)
    starts = [family.init(2, 1, gen) for _ in range(2)]
    subsets = [rng.permutation(40)[:20] for _ in range(2)]
    config = BenchConfig(epochs=60, patience=60)
    fits = fit(family, starts, data, subsets, config, keep_curve=True, keep_params=True)
    assert fit(family, starts, data, subsets, config, True)[0].params is None
    for f in fits:
        assert f.best_epoch > 0 and f.params.shapes() == starts[0].shapes()
        with torch.no_grad():
            out = family.forward(f.params, torch.from_numpy(data.x_test))
            test = torch.mean((out - torch.from_numpy(data.y_test)) ** 2)
        assert float(test) == pytest.approx(f.test_loss, rel=1e-5)
        assert all(t.requires_grad and t.grad is None for t in f.params.tensors())
        # a fit from those weights starts where the first one stopped
        (again,) = fit(family, [f.params], data, [subsets[0]], config, True)
        assert again.curve[0] == pytest.approx(f.test_loss, rel=1e-5)


def test_each_run_keeps_the_learning_rate_with_the_best_validation_loss():
    from nsc.backend.surrogate import MLPFamily

    rng = np.random.default_rng(1)
    data = toy_data(rng)
    family = MLPFamily((8,))
    gen = torch.Generator().manual_seed(1)
    starts = [family.init(2, 1, gen) for _ in range(4)]
    subsets = [rng.permutation(40)[:12] for _ in range(4)]
    config = BenchConfig(epochs=40, patience=10, lrs=(0.05, 0.002))
    chosen = fit_best(family, starts, data, subsets, config, keep_curve=False)
    each = [fit(family, starts, data, subsets, config, False, lr) for lr in config.lrs]
    for i, f in enumerate(chosen):
        best = min((e[i] for e in each), key=lambda e: e.best_val)
        assert (f.lr, f.test_loss, f.best_epoch) == (best.lr, best.test_loss, best.best_epoch)
        assert f.best_val == min(e[i].best_val for e in each)
    assert {f.lr for f in chosen} <= set(config.lrs)
    zero_shot = fit_best(family, starts, data, [np.arange(0)] * 4, config, keep_curve=False)
    assert all(f.lr == 0.0 and f.epochs_run == 0 for f in zero_shot)
    with pytest.raises(NscError, match="--lr"):
        BenchConfig(lrs=(0.01, 0.0)).check()


def test_an_anchor_holds_each_run_near_its_own_start():
    from nsc.backend.surrogate import MLPFamily

    rng = np.random.default_rng(2)
    data = toy_data(rng)
    family = MLPFamily((8,))
    gen = torch.Generator().manual_seed(0)  # unseeded starts made this test fail 1 run in 4
    starts = [family.init(2, 1, gen) for _ in range(3)]
    subsets = [rng.permutation(40)[:10] for _ in range(3)]
    config = BenchConfig(epochs=40, patience=40)
    free = fit(family, starts, data, subsets, config, True, 0.01)
    assert fit(family, starts, data, subsets, config, True, 0.01, 0.0) == free
    held = fit(family, starts, data, subsets, config, True, 0.01, 1e6)
    for f, h in zip(free, held, strict=True):
        assert h.anchor == 1e6 and f.anchor == 0.0
        # Adam steps every weight by about lr whatever the gradient's size, so a strong anchor
        # keeps a run within about lr of its start: its test loss hardly moves
        assert abs(h.curve[-1] - h.curve[0]) < 0.1 * abs(f.curve[-1] - f.curve[0])
    chosen = fit_best(
        family, starts, data, subsets, replace(config, lrs=(0.01,), anchors=(0.0, 1e6)), False
    )
    for i, c in enumerate(chosen):
        assert c.best_val == min(free[i].best_val, held[i].best_val)
    with pytest.raises(NscError, match="--anchor"):
        BenchConfig(anchors=(-1.0,)).check()


def test_perturb_adds_the_runs_random_init_to_every_start_but_random():
    from nsc.bench.data_efficiency import initial_params, perturbed

    hidden, ins, outs = (8, 4), 3, 2
    starts = {
        (m, s): initial_params("random", None, None, ins, outs, hidden, 10 * k + s)
        for k, m in enumerate(("random", "compiled"))
        for s in range(2)
    }
    assert perturbed(starts, 0.0) is starts
    moved = perturbed(starts, 0.5)
    for (method, seed), start in starts.items():
        noise = starts["random", seed]
        triples = zip(moved[method, seed].tensors(), start.tensors(), noise.tensors(), strict=True)
        for a, b, n in triples:
            expected = b if method == "random" else b + 0.5 * n
            assert torch.equal(a, expected) and a.is_leaf
    with pytest.raises(NscError, match="--perturb"):
        BenchConfig(perturb=-1.0).check()


def save_tiny_model(folder: Path) -> Path:
    """A random hypernetwork in the shipped-model format, with two baseline sets beside it."""
    import torch

    from nsc.backend.baselines import base_state, save_baselines
    from nsc.backend.checkpoint import save_checkpoint
    from nsc.backend.hypernet import HypernetConfig, Hypernetwork
    from nsc.backend.vocab import Vocab
    from nsc.frontend import FrontendOptions, c_to_ir
    from nsc.ir.graph import build_graph
    from nsc.pipeline import graph_passes

    compiled = c_to_ir(EXAMPLES / "newton_sqrt.c", FrontendOptions())
    vocab = Vocab.build([build_graph(graph_passes(compiled, "O2"), compiled.signature)])
    torch.manual_seed(0)
    config = HypernetConfig(
        vocab_size=len(vocab),
        encoder_options={"dim": 16, "steps": 2},
        head_dim=16,
        surrogate_options={"hidden": [8], "activation": "tanh"},
    )
    hypernet = Hypernetwork(config)
    folder.mkdir(parents=True, exist_ok=True)
    meta = {"kind": "model", "hypernet": json.loads(config.to_json()), "vocab": list(vocab.tokens)}
    save_checkpoint(folder / "default.safetensors", hypernet.state_dict(), meta)
    bases = base_state(hypernet)
    save_baselines(
        folder / "baselines.safetensors",
        config,
        {"tailored": bases, "meta": {k: 0.5 * v for k, v in bases.items()}},
        {},
    )
    return folder / "default.safetensors"


def test_tiny_end_to_end_run_writes_the_report(tmp_path: Path):
    model = save_tiny_model(tmp_path / "model")
    config = BenchConfig(
        pool=40,
        test=40,
        validation=10,
        calibration=16,
        sizes=(0.0, 100.0),
        seeds=1,
        epochs=5,
        patience=5,
        model=str(model),
    )
    out = tmp_path / "out"
    summary = data_efficiency(
        [EXAMPLES / "newton_sqrt.c"], 0, config, out, workers=1, log=lambda _: None
    )
    table = summary["groups"]["all"]
    assert list(table) == ["random", "dataset", "meta", "compiled"]
    assert table["random"]["0.0"] == pytest.approx(1.0)
    report = (out / "report.md").read_text()
    assert "| method | 0% | 100% | overall | fewer epochs |" in report
    assert "| newton_sqrt | compiled |" in report
    assert "| program | method | 0% | 100% | efficiency | epochs to target |" in report
    # a program's efficiency is the geometric mean of its ratios over the sizes
    ratios = [v for p, m, _, v in summary["efficiency"] if m == "compiled"]
    expected = f"{math.exp(sum(math.log(r) for r in ratios) / len(ratios)):.2f}x"
    row = next(line for line in report.splitlines() if line.startswith("| newton_sqrt | compiled"))
    assert row.split(" | ")[-2] == expected, row
    random_row = next(line for line in report.splitlines() if "| newton_sqrt | random" in line)
    assert random_row.split(" | ")[-2] == "1.00x"
    assert "95% intervals over programs (bootstrap): dataset " in report
    assert "fused: omitted" in report
    results = json.loads((out / "results.json").read_text())["results"][0]
    assert results["error"] == ""
    assert len(results["runs"]) == 4 * 2  # methods x sizes x 1 seed
    full = [r for r in results["runs"] if r["size"] == 100.0]
    curves = load_npz(out / "curves.npz")
    assert all(len(curves[f"newton_sqrt/{r['method']}/0"]) == r["epochs_run"] + 1 for r in full)
    assert all("curve" not in r for r in results["runs"])
    assert (out / "loss_vs_size.png").stat().st_size > 0 and (out / "curves.png").is_file()
    # a report from before the intervals gains them, and nothing else changes
    old = json.loads((out / "summary.json").read_text())
    for row in old["groups"]["all"].values():
        del row["overall_interval"], row["epochs_interval"]
    (out / "summary.json").write_text(json.dumps(old))
    script = Path(__file__).resolve().parent.parent / "benchmarks" / "rereport.py"
    subprocess.run([sys.executable, str(script), str(out)], check=True, capture_output=True)
    again = (out / "report.md").read_text()
    assert "- report rendered: " in again
    assert [line for line in again.splitlines() if "report rendered" not in line] == [
        line for line in report.splitlines()
    ]


def test_methods_chooses_the_inits_and_random_is_always_among_them(tmp_path: Path):
    model = save_tiny_model(tmp_path / "model")
    config = BenchConfig(
        pool=20, test=20, validation=10, calibration=16, sizes=(0.0, 100.0), seeds=1, epochs=3,
        patience=3, model=str(model), methods=("random", "compiled"),
    )  # fmt: skip
    summary = data_efficiency(
        [EXAMPLES / "newton_sqrt.c"], 0, config, tmp_path / "out", workers=1, log=lambda _: None
    )
    assert list(summary["groups"]["all"]) == ["random", "compiled"]
    report = (tmp_path / "out/report.md").read_text()
    assert "dataset, meta, fused: not run (--methods)" in report
    assert "fused model:" not in report and "fused: omitted" not in report  # not even loaded
    for methods in (("compiled",), ("random", "tailored")):
        with pytest.raises(NscError, match="--methods takes some of"):
            replace(config, methods=methods).check()


def test_an_interrupted_run_resumes_with_the_programs_it_finished(tmp_path: Path):
    """Each program's result is saved as it arrives; a rerun with the same settings keeps it
    and gives the report an uninterrupted run gives; other settings run it again."""
    model = save_tiny_model(tmp_path / "model")
    config = BenchConfig(
        pool=20, test=20, validation=10, calibration=16, sizes=(0.0, 100.0), seeds=1, epochs=3,
        patience=3, model=str(model), methods=("random", "compiled"),
    )  # fmt: skip
    programs = [EXAMPLES / "newton_sqrt.c", EXAMPLES / "conv1d.c"]
    out = tmp_path / "out"

    heard: list[str] = []

    def interrupt(message: str) -> None:
        heard.append(message)
        raise KeyboardInterrupt  # Ctrl-C as the first program is reported

    for settings in (replace(config, epochs=4), config):
        with pytest.raises(KeyboardInterrupt):
            data_efficiency(programs, 0, settings, out, workers=1, log=interrupt)
    assert len(heard) == 2 and not any("earlier run" in m for m in heard)  # epochs differ
    saved = list((out / "programs").iterdir())
    assert len(saved) == 1 and not (out / "report.md").exists()
    messages: list[str] = []
    resumed = data_efficiency(programs, 0, config, out, workers=1, log=messages.append)
    kept = [m for m in messages if "kept from an earlier run" in m]
    assert len(kept) == 1 and saved[0].stem == "examples-" + kept[0].split(":")[0]
    assert "resumed: 1 of 2 programs" in (out / "report.md").read_text()
    assert not (out / "programs").exists()  # the report holds it all now
    whole = data_efficiency(programs, 0, config, tmp_path / "again", workers=1, log=print)
    assert resumed["efficiency"] == whole["efficiency"]


def test_ctrl_c_stops_the_workers_at_once_and_a_rerun_keeps_what_finished(tmp_path: Path):
    """SIGINT to the process group, as Ctrl-C in a terminal sends it: exit 130 within seconds,
    no worker left running (a worker that took the interrupt itself would start the next
    queued program), and the programs finished before it are kept by the rerun."""
    import os
    import signal
    import time

    from process_checks import assert_group_ends

    model = save_tiny_model(tmp_path / "model")
    programs = ["newton_sqrt", "conv1d", "neuron", "sobel"]
    command = [sys.executable, "-m", "nsc", "bench", "data-efficiency", "--heldout", "0"]
    for name in programs:
        command += ["--programs", str(EXAMPLES / f"{name}.c")]
    command += ["--model", str(model), "--methods", "random,compiled", "--seeds", "1"]
    command += ["--sizes", "0,100", "--pool", "64", "--test", "64", "--validation", "16"]
    command += ["--calibration", "16", "--epochs", "1500", "--patience", "1500"]
    command += ["--workers", "2", "--out", str(tmp_path / "out")]
    proc = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, start_new_session=True)
    lines: list[str] = []  # stderr as it arrives: a program's line is printed after it is saved

    def collect() -> None:
        for line in proc.stderr:
            lines.append(line)

    reader = threading.Thread(target=collect)
    reader.start()
    saved = tmp_path / "out" / "programs"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not (
        saved.is_dir() and any(saved.iterdir()) and any(x.endswith(" s)\n") for x in lines[:])
    ):
        time.sleep(0.1)
    os.killpg(proc.pid, signal.SIGINT)
    start = time.monotonic()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        pytest.fail("nsc bench did not exit within 30 s of SIGINT")
    waited = time.monotonic() - start
    reader.join(timeout=10)
    err = "".join(lines)
    assert proc.returncode == 130 and "nsc: interrupted" in err and "Traceback" not in err
    # the worker that finished first had already taken the next program from the pool's queue
    took = min(float(line.rsplit("(", 1)[1].split(" s)")[0]) for line in err.splitlines()
               if line.endswith(" s)"))  # fmt: skip
    assert waited < took / 2, f"the interrupt waited {waited:.1f} s for programs in flight"
    assert_group_ends(proc.pid, "the interrupted run")
    finished = len(list(saved.iterdir()))
    assert 0 < finished < len(programs) and not (tmp_path / "out" / "report.md").exists()
    rerun = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    assert rerun.stderr.count("kept from an earlier run") == finished


def test_a_saved_result_is_kept_only_for_the_same_settings_source_and_weights(tmp_path: Path):
    from nsc.bench.data_efficiency import Program
    from nsc.bench.finished import result_key

    source = tmp_path / "p.c"
    source.write_text("double f(double x) { return x; }\n")
    program = Program("p", str(source), "examples")
    inits = {"compiled": SimpleNamespace(params={"w": np.zeros(3, np.float32)})}
    key = result_key(program, BenchConfig(), ["random", "compiled"], inits)
    moved = Program("p", str(tmp_path / "elsewhere.c"), "examples")
    (tmp_path / "elsewhere.c").write_text(source.read_text())
    assert result_key(moved, BenchConfig(), ["random", "compiled"], inits) == key
    changes = [
        (program, BenchConfig(epochs=999), ["random", "compiled"], inits),
        (program, BenchConfig(), ["random"], inits),
        (replace(program, inputs=("x",)), BenchConfig(), ["random", "compiled"], inits),
        (program, BenchConfig(), ["random", "compiled"],
         {"compiled": SimpleNamespace(params={"w": np.ones(3, np.float32)})}),
    ]  # fmt: skip
    assert all(result_key(*change) != key for change in changes)
    source.write_text("double f(double x) { return 2 * x; }\n")
    assert result_key(program, BenchConfig(), ["random", "compiled"], inits) != key


def test_heldout_programs_skip_corpus_hashes(tmp_path: Path):
    first = heldout_programs(1, tmp_path / "a", known=set())[0]
    assert first.group == "heldout" and Path(first.path).is_file()
    again = heldout_programs(1, tmp_path / "b", known={first.corpus_hash})[0]
    assert again.name != first.name and again.corpus_hash != first.corpus_hash


def test_gcc_driver_matches_the_oracle(tmp_path: Path):
    from nsc.bench.perf import native_supported, run_native
    from nsc.frontend import FrontendOptions, c_to_ir
    from nsc.ir.oracle import Oracle
    from nsc.ir.sampling import sample_inputs

    source = EXAMPLES / "inversek2j.c"
    compiled = c_to_ir(source, FrontendOptions())
    sig = compiled.signature
    assert native_supported(sig)
    inputs = sample_inputs(sig, 200, 3)
    _, native = run_native(source, sig, inputs, tmp_path, reps=1)
    truth = Oracle(compiled.ir, sig).run(inputs).outputs
    for port in sig.outputs:
        np.testing.assert_allclose(native[port.name], truth[port.name], rtol=1e-4, atol=1e-6)


def test_cli_reports_user_mistakes_without_traceback(tmp_path: Path):
    runner = CliRunner()
    missing = runner.invoke(
        main,
        [
            "bench",
            "data-efficiency",
            "--programs",
            "nope.c",
            "--heldout",
            "0",
            "--out",
            str(tmp_path),
        ],
    )
    assert missing.exit_code == 1 and "no such program file: nope.c" in missing.output
    sizes = runner.invoke(
        main, ["bench", "data-efficiency", "--sizes", "1,x", "--out", str(tmp_path)]
    )
    assert sizes.exit_code == 1 and "--sizes" in sizes.output
    no_full = runner.invoke(
        main,
        ["bench", "data-efficiency", "--sizes", "0,10", "--out", str(tmp_path), "--heldout", "0"],
    )
    assert no_full.exit_code == 1 and "must include 100" in no_full.output
    assert "Traceback" not in missing.output + sizes.output + no_full.output


def test_start_quality_script_fits_reference_starts(tmp_path):
    """benchmarks/start_quality.py: a start fitted to more reference rows is better zero-shot,
    and a level's fit does not depend on the other levels of the run."""
    script = Path(__file__).resolve().parent.parent / "benchmarks" / "start_quality.py"
    kernel = Path(__file__).resolve().parent.parent / "examples" / "inversek2j.c"  # two inputs

    def measure(out: Path, levels: str) -> dict:
        args = ["--out", str(out), "--programs", str(kernel), "--quick", "--workers", "1"]
        args += ["--levels", levels, "--ref-epochs", "200", "--ref-patience", "50"]
        run = subprocess.run(
            [sys.executable, str(script), *args], capture_output=True, text=True, timeout=300
        )
        assert run.returncode == 0, run.stderr[-2000:]
        return json.loads((out / "start_quality.json").read_text())

    data = measure(tmp_path, "2,256")
    (result,) = data["results"]
    (alone,) = measure(tmp_path / "alone", "2")["results"]
    assert alone["reference"]["fit2"] == result["reference"]["fit2"]
    assert result["reference"]["fit256"]["rows"] == 256
    zero = {r["method"]: r["test_loss"] for r in result["runs"] if r["size"] == 0.0}
    assert zero["fit256"] < zero["fit2"] and zero["fit256"] < zero["random"] / 10
    assert {"random", "compiled", "fit2", "fit256"} <= set(zero)
    report = (tmp_path / "report.md").read_text()
    assert "| fit256 |" in report and (tmp_path / "start_quality.png").stat().st_size > 0
    again = tmp_path / "merged"
    merge = ["--merge", str(tmp_path / "start_quality.json"), "--out", str(again)]
    run = subprocess.run(
        [sys.executable, str(script), *merge], capture_output=True, text=True, timeout=300
    )
    assert run.returncode == 0, run.stderr[-2000:]
    tables = lambda text: text[text.index("### ") :]  # noqa: E731
    assert tables((again / "report.md").read_text()) == tables(report)  # runs kept once
