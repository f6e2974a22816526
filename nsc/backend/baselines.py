"""The initializations a compiled surrogate is compared with, in the same family and units.

- `random`: `MLPFamily.init`, LeCun-scaled normal weights, seeded.
- `tailored` (dataset-tailored): the hypernetwork's program-independent *bases* trained alone on
  the corpus (`TrainConfig(modulate=False)`: the encoder never runs, every program of a given
  shape gets the same surrogate). It is trained separately rather than read off the shipped
  model, whose bases were trained together with the deltas and so are not the best init on their
  own; the same parametrization (per-slot first and last layers, 1/sqrt(fan_in) scale) keeps
  the comparison about the program, not about the parametrization.
- `meta` (meta-learned): the same bases trained by Reptile: for each task (one program), a few
  Adam steps on its rows from the current bases, then the bases move towards the adapted ones.

Bases are the hypernetwork parameters named `base_*`; `emit_bases` puts a set of them into a
hypernetwork and emits with `modulate=False`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import torch
from torch.func import functional_call

from nsc.backend.checkpoint import load_checkpoint, save_checkpoint
from nsc.backend.data import Example, sample_batch
from nsc.backend.hypernet import EmittedWeights, HypernetConfig, Hypernetwork
from nsc.backend.surrogate import MLPFamily, SurrogateParams, masked_mse
from nsc.backend.tensors import Batch
from nsc.diagnostics import NscError

BASE_PREFIX = "base_"
BASELINES = ("tailored", "meta")


def base_state(hypernet: Hypernetwork) -> dict[str, torch.Tensor]:
    """The program-independent bases of a hypernetwork, detached copies."""
    return {
        name: p.detach().clone()
        for name, p in hypernet.named_parameters()
        if name.startswith(BASE_PREFIX)
    }


def emit_bases(
    hypernet: Hypernetwork, bases: Mapping[str, torch.Tensor], batch: Batch
) -> EmittedWeights:
    """The surrogates `bases` give every program of `batch` (no program modulation)."""
    missing = set(base_state(hypernet)) - set(bases)
    if missing:
        raise NscError(f"the baseline lacks bases: {sorted(missing)}")
    return functional_call(hypernet, dict(bases), (batch,), {"modulate": False})


def random_params(family: MLPFamily, in_width: int, out_width: int, seed: int) -> SurrogateParams:
    """The random-init baseline for one program, reproducible from `seed`."""
    return family.init(in_width, out_width, torch.Generator().manual_seed(seed))


def reptile(
    config: HypernetConfig,
    examples: Sequence[Example],
    *,
    meta_steps: int = 300,
    tasks: int = 8,
    inner_steps: int = 5,
    inner_lr: float = 1e-2,
    meta_lr: float = 1.0,
    rows: int = 64,
    seed: int = 0,
    start: Mapping[str, torch.Tensor] | None = None,
) -> dict[str, torch.Tensor]:
    """Reptile over the bases: returns the meta-learned bases (see the module docstring).

    The outer step size decays linearly from `meta_lr` to 0; each meta-step averages the moves of
    `tasks` programs."""
    if meta_steps < 1 or tasks < 1 or inner_steps < 1 or not examples:
        raise NscError("reptile needs programs and positive step counts")
    torch.manual_seed(seed)
    hypernet = Hypernetwork(config)
    bases = dict(start) if start is not None else base_state(hypernet)
    rng = np.random.default_rng([seed, 1])
    for step in range(meta_steps):
        moved = {k: torch.zeros_like(v) for k, v in bases.items()}
        for index in rng.choice(len(examples), size=min(tasks, len(examples)), replace=False):
            adapted = _adapt(
                hypernet, bases, examples[int(index)], inner_steps, inner_lr, rows, rng
            )
            for k in moved:
                moved[k] += adapted[k] - bases[k]
        scale = meta_lr * (1.0 - step / meta_steps) / min(tasks, len(examples))
        bases = {k: bases[k] + scale * moved[k] for k in bases}
    return bases


def _adapt(
    hypernet: Hypernetwork,
    bases: Mapping[str, torch.Tensor],
    example: Example,
    steps: int,
    lr: float,
    rows: int,
    rng: np.random.Generator,
) -> dict[str, torch.Tensor]:
    """A few Adam steps on one program's rows, from `bases`; the adapted bases."""
    params = {k: v.clone().requires_grad_(True) for k, v in bases.items()}
    optimizer = torch.optim.Adam(params.values(), lr=lr)
    batch = sample_batch([example], rows * steps, rng)
    for step in range(steps):
        emitted = emit_bases(hypernet, params, batch.programs)
        part = slice(step * rows, (step + 1) * rows)
        pred = hypernet.family.forward(emitted.params, batch.x[:, part])
        loss = masked_mse(pred, batch.y[:, part], emitted.out_mask).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return {k: v.detach() for k, v in params.items()}


def save_baselines(
    path: str | Path,
    config: HypernetConfig,
    baselines: Mapping[str, Mapping[str, torch.Tensor]],
    info: Mapping[str, object],
) -> None:
    """Write named sets of bases (`tailored`, `meta`) into one small checkpoint."""
    tensors = {f"{name}/{k}": v for name, bases in baselines.items() for k, v in bases.items()}
    meta = {"kind": "baselines", "hypernet": json.loads(config.to_json()), "info": dict(info)}
    save_checkpoint(path, tensors, meta)


def load_baselines(path: str | Path) -> tuple[HypernetConfig, dict[str, dict[str, torch.Tensor]]]:
    """The hypernetwork config and every set of bases of a baselines file."""
    saved = load_checkpoint(path)
    if saved.meta.get("kind") != "baselines":
        raise NscError(f"{path}: not an nsc baselines file")
    out: dict[str, dict[str, torch.Tensor]] = {}
    for key, value in saved.model_state().items():
        name, _, tensor = key.partition("/")
        out.setdefault(name, {})[tensor] = value
    return HypernetConfig.from_json(json.dumps(saved.meta["hypernet"])), out
