"""The experimental `latent` method of `nsc bench data-efficiency` (off unless `--latent`).

Weight-space fine-tuning from the compiled start soon leaves what the hypernetwork knows. This
method fine-tunes in its latent space first: the encoder runs once on the program, its node states
and graph embedding (`Encoded`) become free leaf tensors, and the hypernetwork's frozen heads map
them to surrogate weights. Adam trains only those codes on the training rows' MSE, with `fit`'s
rule (the best-validation epoch wins, epoch 0 being the compiled start; a run stops `patience`
epochs after its best), for at most `LATENT_EPOCHS`. The ordinary weight-space `fit` then
continues from the best code's emitted weights, so with much data the method can still do all
that `compiled` does.

A run's epochs are both phases' together; its curve is the latent phase's test losses followed by
the weight phase's (whose epoch 0, the latent best, is not repeated). The K seeds' runs are
batched: the program is repeated K times in one `Batch`, one copy of the codes per run, and since
each run's loss reaches only its own copy and Adam is elementwise, each follows its own path.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch

from nsc.backend.arrays import ProgramTensors
from nsc.backend.encoder import Encoded
from nsc.backend.hypernet import HypernetConfig, Hypernetwork
from nsc.backend.npforward import NumpyHypernet
from nsc.backend.surrogate import MLPFamily, SurrogateParams
from nsc.backend.tensors import Batch, collate
from nsc.bench.data_efficiency import BenchConfig
from nsc.bench.fitting import Dataset, Fit, copy_where, fit_best
from nsc.diagnostics import NscError

METHOD = "latent"
# Tuned by benchmarks/tune_latent.py on generated programs that are not evaluation programs: the
# learning rate mattered little (0.003-0.1), patience 20 vs 50 not at all; a cap of 100 epochs
# beat 300 and 1000 at 10-100% of the pool, where a long latent phase left a worse weight start.
LATENT_LR = 0.01
LATENT_PATIENCE = 20
LATENT_EPOCHS = 100


@dataclass(frozen=True)
class LatentSettings:
    """The latent phase's Adam learning rate, epoch cap and patience."""

    lr: float = LATENT_LR
    epochs: int = LATENT_EPOCHS
    patience: int = LATENT_PATIENCE

    def check(self) -> None:
        if not self.lr > 0 or self.epochs < 1 or self.patience < 1:
            raise NscError(f"latent phase: lr, epochs and patience must be positive, not {self}")


@dataclass
class LatentFit:
    """The latent phase of K runs: each run's start for the weight phase and its record."""

    starts: list[SurrogateParams]  # emitted weights at each run's best-validation epoch
    start_val: list[float]  # validation loss at epoch 0 (the compiled start)
    best_val: list[float]
    best_epoch: list[int]
    epochs_run: list[int]
    curves: list[list[float]]  # test loss per epoch (when asked for)


def torch_hypernet(model: NumpyHypernet) -> Hypernetwork:
    """The torch hypernetwork behind a numpy one (the same weights), frozen, in eval mode."""
    config = HypernetConfig.from_json(json.dumps(model.config))
    with torch.random.fork_rng():  # building draws a random init; leave the caller's stream be
        hypernet = Hypernetwork(config)
    state = {name: torch.from_numpy(np.array(value)) for name, value in model.params.items()}
    try:
        hypernet.load_state_dict(state)
    except RuntimeError as exc:
        raise NscError(f"model {model.model_id}: weights do not match its config: {exc}") from None
    return hypernet.requires_grad_(False).eval()


class _Emitter:
    """Surrogate weights of K copies of one program from their codes (`[K, out, in]`)."""

    def __init__(self, hypernet: Hypernetwork, program: ProgramTensors, k: int):
        self.hypernet = hypernet
        self.batch: Batch = collate([program] * k)
        with torch.no_grad():
            encoded = hypernet.encoder(collate([program]))
        self.codes = Encoded(
            nodes=encoded.nodes.repeat(k, 1).requires_grad_(),
            graphs=encoded.graphs.repeat(k, 1).requires_grad_(),
        )

    def __call__(self) -> SurrogateParams:
        return self.hypernet.emit(self.batch, self.codes).params


def _losses(family: MLPFamily, params: SurrogateParams, x: torch.Tensor, y: torch.Tensor):
    """Each run's MSE (no grad): `[K]`."""
    with torch.no_grad():
        return torch.mean((family.forward(params, x) - y) ** 2, dim=(-2, -1))


def latent_fit(
    hypernet: Hypernetwork,
    program: ProgramTensors,
    data: Dataset,
    subsets: Sequence[np.ndarray],
    settings: LatentSettings,
    keep_curve: bool,
) -> LatentFit:
    """Adam on the codes of each run (one per subset of pool rows), batched; see the module.

    One emission per epoch serves both the step from that epoch's codes and their validation
    (and test) losses, so epoch e's losses are read at the top of step e + 1."""
    settings.check()
    k, family = len(subsets), hypernet.family
    emitter = _Emitter(hypernet, program, k)
    as_t = torch.from_numpy
    xv, yv, xe, ye = map(as_t, (data.x_val, data.y_val, data.x_test, data.y_test))
    xt = as_t(np.stack([data.x_pool[r] for r in subsets]))
    yt = as_t(np.stack([data.y_pool[r] for r in subsets]))
    optimizer = torch.optim.Adam([emitter.codes.nodes, emitter.codes.graphs], lr=settings.lr)
    track = _Best(k, settings.patience)
    last = 0 if len(subsets[0]) == 0 else settings.epochs
    table = np.zeros((last + 1 if keep_curve else 0, k), dtype=np.float32)  # preallocated: see fit
    for epoch in range(last + 1):
        params = emitter()
        track.update(epoch, params, _losses(family, params, xv, yv))
        if keep_curve:
            table[epoch] = _losses(family, params, xe, ye).numpy()
        if epoch == last or track.done():
            break
        optimizer.zero_grad()
        torch.mean((family.forward(params, xt) - yt) ** 2, dim=(-2, -1)).sum().backward()
        optimizer.step()
    stopped = track.finish(epoch)
    return LatentFit(
        starts=[_run(track.params, i) for i in range(k)],
        start_val=[float(v) for v in track.start_val],
        best_val=[float(v) for v in track.val],
        best_epoch=[int(e) for e in track.epoch],
        epochs_run=[int(s) for s in stopped],
        curves=[[float(v) for v in table[: stopped[i] + 1, i]] for i in range(k)],
    )


class _Best:
    """`fit`'s rule for K runs: each keeps its best-validation point (epoch 0 included) and
    stops `patience` epochs after it."""

    def __init__(self, k: int, patience: int):
        self.patience = patience
        self.params: SurrogateParams | None = None
        self.start_val = self.val = torch.full((k,), float("inf"))
        self.epoch = np.zeros(k, dtype=np.int64)
        self.stopped = np.full(k, -1, dtype=np.int64)

    def update(self, epoch: int, params: SurrogateParams, val: torch.Tensor) -> None:
        if self.params is None:
            self.params, self.start_val, self.val = params.detached(False), val, val
            return
        better = (val < self.val).numpy() & (self.stopped < 0)
        if better.any():
            copy_where(self.params, params, better)
            self.val = torch.where(torch.from_numpy(better), val, self.val)
            self.epoch[better] = epoch
        self.stopped[(self.stopped < 0) & (epoch - self.epoch >= self.patience)] = epoch

    def done(self) -> bool:
        return bool((self.stopped >= 0).all())

    def finish(self, epoch: int) -> np.ndarray:
        """Each run's last epoch: where it stopped, or `epoch` for those still going."""
        self.stopped[self.stopped < 0] = epoch
        return self.stopped


def _run(params: SurrogateParams, index: int) -> SurrogateParams:
    """Run `index`'s weights out of a `[K, ...]` batch, as detached leaves."""
    return SurrogateParams(
        [w[index] for w in params.weights], [b[index] for b in params.biases]
    ).detached()


def latent_runs(
    model: NumpyHypernet,
    program: ProgramTensors,
    data: Dataset,
    subsets: Sequence[np.ndarray],
    config: BenchConfig,
    keep_curve: bool,
    settings: LatentSettings | None = None,
) -> list[Fit]:
    """The whole `latent` method for K runs: the latent phase, then `fit_best` from its best
    points; epochs and curves of both phases joined."""
    hypernet = torch_hypernet(model)
    settings = settings or LatentSettings(epochs=min(LATENT_EPOCHS, config.epochs))
    latent = latent_fit(hypernet, program, data, subsets, settings, keep_curve)
    fits = fit_best(hypernet.family, latent.starts, data, subsets, config, keep_curve)
    return [_joined(latent, i, f) for i, f in enumerate(fits)]


def _joined(latent: LatentFit, i: int, weights: Fit) -> Fit:
    """Run `i`'s record over both phases (the weight phase starts after the latent one ran)."""
    ran = latent.epochs_run[i]
    best = ran + weights.best_epoch if weights.best_epoch else latent.best_epoch[i]
    return Fit(
        test_loss=weights.test_loss,
        best_epoch=best,
        epochs_run=ran + weights.epochs_run,
        curve=latent.curves[i] + weights.curve[1:],
        best_val=weights.best_val,
        lr=weights.lr,
    )


def note(settings: LatentSettings | None = None) -> str:
    """How the latent method ran, for the report's notes."""
    s = settings or LatentSettings()
    return (
        f"latent (experimental): the compiled model's program codes fine-tuned first "
        f"(Adam lr {s.lr:g}, patience {s.patience}, at most {s.epochs} epochs), then its "
        "emitted weights as `compiled`"
    )
