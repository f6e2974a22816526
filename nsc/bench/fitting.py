"""The batched fine-tuning of `nsc bench data-efficiency`: full-batch Adam from many starts at
once, each run with its own rows, best-validation epoch and early stop, exactly as it would run
alone (Adam is elementwise and the loss a sum of per-run means)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from nsc.bench.data_efficiency import BenchConfig


@dataclass
class Dataset:
    """A program's standardized rows: pool, validation and test, float32."""

    x_pool: np.ndarray
    y_pool: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    norm: object = None  # the `Normalization` the rows were standardized with, when known


def stack(params: Sequence) -> object:
    """Stack same-shaped `SurrogateParams` into one batch (`[K, out, in]`), as trainable leaves."""
    import torch

    from nsc.backend.surrogate import SurrogateParams

    layers = range(len(params[0].weights))
    weights = [torch.stack([p.weights[i] for p in params]) for i in layers]
    biases = [torch.stack([p.biases[i] for p in params]) for i in layers]
    return SurrogateParams(weights, biases).detached()


@dataclass
class Fit:
    """The outcome of one run of a batched fit."""

    test_loss: float
    best_epoch: int
    epochs_run: int
    curve: list[float]
    best_val: float = float("inf")
    lr: float = 0.0
    anchor: float = 0.0
    params: object = None  # the run's best-validation weights (`SurrogateParams`), if asked for


def fit(
    family,
    starts: Sequence,
    data: Dataset,
    subsets: Sequence[np.ndarray],
    config: BenchConfig,
    keep_curve: bool,
    lr: float | None = None,
    anchor: float = 0.0,
    keep_params: bool = False,
) -> list[Fit]:
    """Full-batch Adam from each start on its pool rows, all K runs batched in one tensor.

    Adam is elementwise and the loss is a sum of per-run means, so each run follows exactly the
    path it would alone. Epoch 0 is the start; a run reports its test loss at its best-validation
    epoch and stops `patience` epochs after it (the batch ends when every run has stopped).
    With `anchor` > 0 each run's loss adds `anchor / n * sum((w - w0)**2)` over its own start's
    weights and biases w0 (n training rows). With `keep_params` each `Fit` also holds its run's
    weights at the best-validation epoch."""
    import torch

    k = len(starts)
    params = stack(starts)
    as_t = torch.from_numpy
    xv, yv, xe, ye = map(as_t, (data.x_val, data.y_val, data.x_test, data.y_test))

    def losses(p, x, y) -> torch.Tensor:
        with torch.no_grad():
            return torch.mean((family.forward(p, x) - y) ** 2, dim=(-2, -1))

    best = params.detached(False)
    origin = params.detached(False)
    best_val, best_epoch = losses(params, xv, yv), np.zeros(k, dtype=np.int64)
    stopped = np.full(k, -1, dtype=np.int64)
    # one preallocated table: small tensors kept across epochs, between the large temporaries of
    # each forward pass, fragment the heap (a 5,000-epoch benchmark once grew to 8 GB a worker)
    table = np.zeros((config.epochs + 1 if keep_curve else 0, k), dtype=np.float32)
    if keep_curve:
        table[0] = losses(params, xe, ye).numpy()
    n = len(subsets[0])
    if n > 0:
        xt = as_t(np.stack([data.x_pool[r] for r in subsets]))
        yt = as_t(np.stack([data.y_pool[r] for r in subsets]))
        lr = config.lrs[0] if lr is None else lr
        optimizer = torch.optim.Adam(params.tensors(), lr=lr)
        for epoch in range(1, config.epochs + 1):
            optimizer.zero_grad()
            loss = torch.mean((family.forward(params, xt) - yt) ** 2, dim=(-2, -1)).sum()
            if anchor > 0:
                loss = loss + anchor / n * distance(params, origin).sum()
            loss.backward()
            optimizer.step()
            val = losses(params, xv, yv)
            if keep_curve:
                table[epoch] = losses(params, xe, ye).numpy()
            better = (val < best_val).numpy() & (stopped < 0)
            if better.any():
                copy_where(best, params, better)
                best_val = torch.where(torch.from_numpy(better), val, best_val)
                best_epoch[better] = epoch
            stopped[(stopped < 0) & (epoch - best_epoch >= config.patience)] = epoch
            if (stopped >= 0).all():
                break
        stopped[stopped < 0] = epoch
    else:
        stopped[:] = 0
    test = losses(best, xe, ye).numpy()
    return [
        Fit(
            float(test[i]),
            int(best_epoch[i]),
            int(stopped[i]),
            [float(v) for v in table[: stopped[i] + 1, i]],
            float(best_val[i]),
            lr or 0.0,
            anchor if n > 0 else 0.0,
            run_params(best, i) if keep_params else None,
        )
        for i in range(k)
    ]


def run_params(batch, index: int):
    """Run `index`'s weights out of a stacked batch, as detached trainable leaves."""
    from nsc.backend.surrogate import SurrogateParams

    return SurrogateParams(
        [w[index] for w in batch.weights], [b[index] for b in batch.biases]
    ).detached()


def distance(params, origin):
    """Each run's squared distance from its start: sum((w - w0)**2) over every tensor, [K]."""
    total = 0
    for p, o in zip(params.tensors(), origin.tensors(), strict=True):
        total = total + ((p - o) ** 2).flatten(1).sum(1)
    return total


def fit_best(
    family,
    starts: Sequence,
    data: Dataset,
    subsets: Sequence[np.ndarray],
    config: BenchConfig,
    keep_curve: bool,
) -> list[Fit]:
    """`fit` at each of `config.lrs` x `config.anchors`; every run keeps the setting with the
    lowest validation loss (the earlier one on a tie), as it keeps its best epoch. Zero-shot
    runs (no rows) train at none."""
    if len(subsets[0]) == 0:
        return fit(family, starts, data, subsets, config, keep_curve, 0.0)
    tried = [
        fit(family, starts, data, subsets, config, keep_curve, lr, anchor)
        for lr in config.lrs
        for anchor in config.anchors
    ]
    return [min(options, key=lambda f: f.best_val) for options in zip(*tried, strict=True)]


def copy_where(dest, source, mask: np.ndarray) -> None:
    """dest[i] = source[i] for the runs where `mask` holds (in place, no grad)."""
    import torch

    index = torch.from_numpy(np.flatnonzero(mask))
    with torch.no_grad():
        for d, s in zip(dest.tensors(), source.tensors(), strict=True):
            d[index] = s[index].detach()
