"""The experimental `latent` bench method: emission from given codes, the latent fit, the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch
from click.testing import CliRunner

from nsc.backend.encoder import Encoded
from nsc.backend.hypernet import HypernetConfig, Hypernetwork
from nsc.backend.tensors import collate, program_tensors
from nsc.backend.vocab import Vocab
from nsc.bench.data_efficiency import BenchConfig
from nsc.bench.fitting import Dataset, fit
from nsc.bench.latent import LatentSettings, latent_fit, latent_runs, torch_hypernet
from nsc.cli import main
from nsc.diagnostics import NscError
from nsc.fileio import load_npz
from nsc.frontend import c_to_ir
from nsc.ir.graph import build_graph

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SOURCE = "void f(double x, double y, double *s, double *d) { *s = x * y + 1.0; *d = x - y; }"
SECOND = "double g(double x) { return x * x; }"


pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """A random hypernetwork saved as a model file, its numpy form, and two small programs."""
    from nsc.backend.checkpoint import save_checkpoint
    from nsc.backend.npforward import load_hypernet

    compiled = [c_to_ir(s, filename="t.c") for s in (SOURCE, SECOND)]
    graphs = [build_graph(c.ir, c.signature) for c in compiled]
    vocab = Vocab.build(graphs)
    torch.manual_seed(3)
    config = HypernetConfig(
        vocab_size=len(vocab),
        encoder_options={"dim": 16, "steps": 2},
        head_dim=24,
        surrogate_options={"hidden": [8, 8], "activation": "tanh"},
        delta_gain=1.0,
    )
    net = Hypernetwork(config).eval()
    path = tmp_path_factory.mktemp("model") / "tiny.safetensors"
    meta = {"kind": "model", "hypernet": json.loads(config.to_json()), "vocab": list(vocab.tokens)}
    save_checkpoint(path, net.state_dict(), meta)
    programs = [
        program_tensors(g, vocab, c.signature) for g, c in zip(graphs, compiled, strict=True)
    ]
    return net, load_hypernet(path), programs, path


def test_forward_is_emission_from_the_encoders_codes(tiny):
    net, _, programs, _ = tiny
    batch = collate(programs)
    with torch.no_grad():
        pairs = [
            (net(batch), net.emit(batch, net.encoder(batch))),
            (net(batch, modulate=False), net.emit(batch, None)),
        ]
        moved = net.encoder(batch)
        moved = net.emit(batch, Encoded(moved.nodes + 0.5, moved.graphs))
    for a, b in pairs:
        for x, y in zip(a.params.tensors(), b.params.tensors(), strict=True):
            assert torch.equal(x, y)
        assert torch.equal(a.penalty, b.penalty)
    first = pairs[0][0].params.weights[0]
    assert not torch.allclose(moved.params.weights[0], first)  # the codes do reach the weights


def test_torch_hypernet_matches_the_numpy_one(tiny):
    from nsc.backend.npforward import emit

    net, model, programs, _ = tiny
    again = torch_hypernet(model)
    assert not any(p.requires_grad for p in again.parameters())
    with torch.no_grad():
        ours, theirs = again(collate(programs)), net(collate(programs))
    for x, y in zip(ours.params.tensors(), theirs.params.tensors(), strict=True):
        assert torch.equal(x, y)
    for i, program in enumerate(programs):  # the numpy twin: forward's results are unchanged
        arrays = emit(model, program)
        mine = ours.program(i).tensors()
        for a, t in zip(arrays.weights + arrays.biases, mine, strict=True):
            np.testing.assert_allclose(a, t.numpy(), rtol=1e-4, atol=1e-5)
    broken = type(model)(model.config, model.vocab, dict(list(model.params.items())[1:]), "x")
    with pytest.raises(NscError, match="do not match"):
        torch_hypernet(broken)


def dataset(seed: int = 0) -> Dataset:
    """Rows of the first program's function (2 -> 2), roughly standardized."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, (160, 2)).astype(np.float32)
    y = np.stack([x[:, 0] * x[:, 1] + 0.3, x[:, 0] - x[:, 1]], axis=1).astype(np.float32)
    return Dataset(x[:80], y[:80], x[80:120], y[80:120], x[120:], y[120:])


def train_loss(family, params, data: Dataset, rows: np.ndarray) -> float:
    with torch.no_grad():
        pred = family.forward(params, torch.from_numpy(data.x_pool[rows]))
        return float(torch.mean((pred - torch.from_numpy(data.y_pool[rows])) ** 2))


def test_latent_fit_lowers_the_loss_and_keeps_the_best_validation(tiny):
    net, _, programs, _ = tiny
    data = dataset()
    subsets = [np.arange(12), np.arange(30, 42), np.arange(0, 72, 6)]  # one size, as in the bench
    settings = LatentSettings(lr=0.05, epochs=60, patience=15)
    result = latent_fit(net, programs[0], data, subsets, settings, keep_curve=True)
    with torch.no_grad():
        start = net(collate([programs[0]])).program(0)
    for i, rows in enumerate(subsets):
        assert train_loss(net.family, result.starts[i], data, rows) < train_loss(
            net.family, start, data, rows
        )
        assert result.best_val[i] <= result.start_val[i]
        assert 0 < result.best_epoch[i] <= result.epochs_run[i] <= settings.epochs
        assert len(result.curves[i]) == result.epochs_run[i] + 1
        assert all(p.requires_grad and p.is_leaf for p in result.starts[i].tensors())
    alone = latent_fit(net, programs[0], data, subsets[1:2], settings, keep_curve=True)
    assert alone.best_epoch[0] == result.best_epoch[1]  # batched runs follow their own paths
    assert alone.curves[0] == pytest.approx(result.curves[1], rel=1e-5)
    zero = latent_fit(net, programs[0], data, [np.arange(0)] * 2, settings, keep_curve=False)
    assert zero.epochs_run == [0, 0] and zero.best_val == zero.start_val


def test_latent_runs_join_both_phases(tiny):
    net, model, programs, _ = tiny
    data = dataset(1)
    subsets = [np.arange(10), np.arange(10, 20)]
    config = BenchConfig(epochs=40, patience=10)
    settings = LatentSettings(lr=0.05, epochs=30, patience=10)
    fits = latent_runs(model, programs[0], data, subsets, config, True, settings)
    latent = latent_fit(net, programs[0], data, subsets, settings, keep_curve=True)
    weights = fit(net.family, latent.starts, data, subsets, config, keep_curve=True)
    for i, f in enumerate(fits):
        assert f.epochs_run == latent.epochs_run[i] + weights[i].epochs_run
        assert len(f.curve) == f.epochs_run + 1
        assert f.curve[: latent.epochs_run[i] + 1] == latent.curves[i]
        assert f.test_loss == pytest.approx(weights[i].test_loss, rel=1e-5)
        assert f.best_val <= min(latent.start_val[i], latent.best_val[i])
        assert f.best_epoch >= latent.best_epoch[i]
    with pytest.raises(NscError, match="positive"):
        LatentSettings(lr=0.0).check()


def test_quick_bench_with_latent_end_to_end(tiny, tmp_path: Path):
    *_, model_path = tiny
    out = tmp_path / "out"
    args = ["bench", "data-efficiency", "--quick", "--latent", "--heldout", "0", "--workers", "1"]
    args += ["--programs", str(EXAMPLES / "newton_sqrt.c"), "--model", str(model_path)]
    args += ["--fused-model", str(model_path), "--out", str(out)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    report = (out / "report.md").read_text()
    assert "| newton_sqrt | latent |" in report and "latent (experimental)" in report
    runs = json.loads((out / "results.json").read_text())["results"][0]["runs"]
    latent = [r for r in runs if r["method"] == "latent"]
    assert len(latent) == 4 * 2  # quick: 4 sizes x 2 seeds
    zero_shot = {r["method"]: r["test_loss"] for r in runs if r["size"] == 0 and r["seed"] == 0}
    assert zero_shot["latent"] == pytest.approx(zero_shot["compiled"], rel=1e-4)
    curves = load_npz(out / "curves.npz")
    full = [r for r in latent if r["size"] == 100.0]
    assert all(len(curves[f"newton_sqrt/latent/{r['seed']}"]) == r["epochs_run"] + 1 for r in full)


def test_latent_is_off_by_default(tiny, tmp_path: Path):
    from nsc.bench.data_efficiency import data_efficiency

    *_, model_path = tiny
    config = BenchConfig(
        pool=20, test=20, validation=5, calibration=8, sizes=(0.0, 100.0), seeds=1, epochs=3,
        patience=3, model=str(model_path), fused_model=str(model_path),
    )  # fmt: skip
    out = tmp_path / "out"
    summary = data_efficiency(
        [EXAMPLES / "newton_sqrt.c"], 0, config, out, workers=1, log=lambda _: None
    )
    assert "latent" not in summary["methods"]
    report = (out / "report.md").read_text()
    assert "| newton_sqrt | latent |" not in report and "latent (experimental)" not in report
