"""Training for fine-tuning (`nsc train --adapt-steps`): the inner Adam steps move each padded
surrogate exactly as torch's Adam moves it alone, the gradient is the first-order one, and a
tiny run learns and logs the adapted validation error."""

from __future__ import annotations

import dataclasses
import math

import pytest
import torch

from nsc.backend.data import fixed_batch, load_cache
from nsc.backend.hypernet import EmittedWeights
from nsc.backend.objective import Adaptation
from nsc.backend.surrogate import MLPFamily, SurrogateParams, masked_mse
from nsc.backend.train import train
from nsc.diagnostics import NscError
from tests.test_train import corpus, tiny  # noqa: F401  (the module-scoped corpus fixture)

pytestmark = pytest.mark.usefixtures("one_torch_thread")

FAMILY = MLPFamily(hidden=(6, 5))
WIDTHS = [(3, 2), (1, 1), (2, 3)]  # (inputs, outputs) of each program, padded to (3, 3)


def padded_batch(rows: int, seed: int = 0):
    """Three programs of different widths, zero-padded as the hypernetwork emits them."""
    gen = torch.Generator().manual_seed(seed)
    programs = [FAMILY.init(i, o, gen) for i, o in WIDTHS]
    weights, biases = [], []
    for layer in range(3):
        shape = [max(p.weights[layer].shape[d] for p in programs) for d in (0, 1)]
        shape = [3 if layer == 2 else shape[0], 3 if layer == 0 else shape[1]]
        w = torch.zeros(len(programs), *shape)
        b = torch.zeros(len(programs), shape[0])
        for k, p in enumerate(programs):
            rows_, cols = p.weights[layer].shape
            w[k, :rows_, :cols] = p.weights[layer].detach()
            b[k, :rows_] = p.biases[layer].detach()
        weights.append(w.requires_grad_())
        biases.append(b.requires_grad_())
    x = torch.zeros(3, rows, 3)
    y = torch.zeros(3, rows, 3)
    out_mask = torch.zeros(3, 3)
    for k, (i, o) in enumerate(WIDTHS):
        x[k, :, :i] = torch.rand(rows, i, generator=gen) * 2 - 1
        y[k, :, :o] = torch.sin(3 * x[k, :, :1]) + torch.randn(rows, o, generator=gen) * 0.1
        out_mask[k, :o] = 1.0
    emitted = EmittedWeights(
        SurrogateParams(weights, biases),
        torch.tensor([i for i, _ in WIDTHS]),
        torch.tensor([o for _, o in WIDTHS]),
        torch.zeros(3, 3),
        out_mask,
        torch.zeros(()),
    )
    return emitted, x, y


def test_each_padded_surrogate_moves_as_torch_adam_moves_it_alone():
    adapt = Adaptation(steps=4, rows=8, lr=0.05)
    emitted, x, y = padded_batch(rows=20)
    moved = adapt.offsets(FAMILY, emitted.params, x[:, :8], y[:, :8], emitted.out_mask)
    layers = len(emitted.params.weights)
    for k, (ins, outs) in enumerate(WIDTHS):
        alone = emitted.program(k).detached()
        optimizer = torch.optim.Adam(alone.tensors(), lr=0.05)
        for _ in range(4):
            optimizer.zero_grad()
            pred = FAMILY.forward(alone, x[k, :8, :ins])
            torch.nn.functional.mse_loss(pred, y[k, :8, :outs]).backward()
            optimizer.step()
        offsets = SurrogateParams(moved[:layers], moved[layers:]).program(k, ins, outs)
        start = emitted.program(k)
        for got, before, after in zip(
            offsets.tensors(), start.tensors(), alone.tensors(), strict=True
        ):
            torch.testing.assert_close(got, (after - before).detach(), atol=1e-6, rtol=1e-5)
    # padding never moves: no gradient reaches it
    assert moved[0][1, :, 1:].abs().max() == 0 and moved[layers - 1][1, 1:].abs().max() == 0


def test_the_gradient_is_first_order_and_the_query_rows_score_it():
    adapt = Adaptation(steps=3, rows=8, lr=0.05)
    emitted, x, y = padded_batch(rows=20, seed=1)
    adapt.query_mse(FAMILY, emitted, x, y).sum().backward()
    got = [t.grad.clone() for t in emitted.params.tensors()]
    moved = adapt.offsets(FAMILY, emitted.params, x[:, :8], y[:, :8], emitted.out_mask)
    at = [
        (t + d).detach().requires_grad_()
        for t, d in zip(emitted.params.tensors(), moved, strict=True)
    ]
    layers = len(at) // 2
    query = FAMILY.forward(SurrogateParams(at[:layers], at[layers:]), x[:, 8:])
    masked_mse(query, y[:, 8:], emitted.out_mask).sum().backward()
    for a, b in zip(got, at, strict=True):
        torch.testing.assert_close(a, b.grad)
    # the adapted surrogates fit the query rows better than the start does, on the whole
    with torch.no_grad():
        start = masked_mse(FAMILY.forward(emitted.params, x[:, 8:]), y[:, 8:], emitted.out_mask)
        after = adapt.query_mse(FAMILY, emitted, x, y)
    assert after.mean() < 0.8 * start.mean(), (start, after)


def test_adapt_settings_are_checked(corpus):  # noqa: F811
    for bad in ({"adapt_steps": -1}, {"adapt_steps": 2, "adapt_lr": 0.0}):
        with pytest.raises(NscError, match="--adapt"):
            tiny(corpus, **bad).check()
    with pytest.raises(NscError, match="--adapt-rows must be in"):
        tiny(corpus, adapt_steps=2, adapt_rows=16).check()  # 16 samples per program: none left
    tiny(corpus, adapt_rows=16).check()  # without steps the rows are unused


def adapted_fit_error(run, hypernet, adapt: Adaptation) -> float:
    """Mean normalized MSE of the training programs' emitted surrogates after `adapt`."""
    _, examples, _ = load_cache(run / "cache")
    batch = fixed_batch(examples, 16)
    with torch.no_grad():
        emitted = hypernet(batch.programs)
        return float(adapt.query_mse(hypernet.family, emitted, batch.x, batch.y).mean())


def test_a_run_that_trains_for_fine_tuning_learns_and_logs_the_adapted_error(corpus, tmp_path):  # noqa: F811
    config = tiny(corpus, epochs=12, lr=2e-2, adapt_steps=3, adapt_rows=6, adapt_lr=0.05)
    before = train(dataclasses.replace(config, epochs=1, lr=1e-9), tmp_path / "a", progress=False)
    after = train(config, tmp_path / "b", progress=False)
    adapt = config.adaptation()
    first = adapted_fit_error(tmp_path / "a", before.hypernet, adapt)
    last = adapted_fit_error(tmp_path / "b", after.hypernet, adapt)
    assert last < 0.8 * first, (first, last)
    header = (tmp_path / "b" / "epochs.csv").read_text().splitlines()[0]
    assert header.endswith(",val_mse_adapted")
    assert all(math.isfinite(row["val_mse_adapted"]) for row in after.progress.epochs)
    plain = train(dataclasses.replace(config, epochs=1, adapt_steps=0), tmp_path / "c",
                  progress=False)  # fmt: skip
    assert "val_mse_adapted" not in plain.progress.epochs[-1]
