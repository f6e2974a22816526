"""What `nsc train` minimizes: the emitted surrogates' error on a batch (`Objective`), and the
optional error after a few fine-tuning steps (`Adaptation`, first-order MAML)."""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from nsc.backend.data import SampleBatch
from nsc.backend.hypernet import EmittedWeights, Hypernetwork
from nsc.backend.surrogate import MLPFamily, SurrogateParams, masked_mse


class Objective(nn.Module):
    """The training loss of a batch: masked MSE of the emitted surrogates + delta penalty.

    With `loss="nmse"` each program's MSE is divided by its targets' variance in the batch
    (floored at 0.01), so every program weighs the same and a few heavy-tailed programs do not
    carry the loss; the reported `mse` stays the plain one.

    With `adapt_steps` K > 0 the loss adds the error after fine-tuning: each surrogate takes K
    Adam steps (`adapt_lr`, as `nsc finetune` would) on its program's first `adapt_rows` rows
    and is scored on the other rows. The gradient is first order (the steps are a constant
    offset of the emitted weights, as in first-order MAML), so it costs K small forward and
    backward passes of the surrogates, not of the encoder.
    """

    def __init__(
        self,
        hypernet: Hypernetwork,
        penalty: float,
        modulate: bool,
        loss: str = "mse",
        adapt: Adaptation | None = None,
        saturation: float = 0.0,
    ):
        super().__init__()
        self.hypernet, self.penalty, self.modulate, self.loss = hypernet, penalty, modulate, loss
        self.adapt, self.saturation = adapt, saturation

    def forward(self, batch: SampleBatch) -> tuple[torch.Tensor, torch.Tensor]:
        emitted = self.hypernet(batch.programs, modulate=self.modulate)
        hidden: list[torch.Tensor] | None = [] if self.saturation else None
        pred = self.hypernet.family.forward(emitted.params, batch.x, hidden)
        extra = self.saturation * saturation(hidden) if hidden is not None else 0.0
        per_program = masked_mse(pred, batch.y, emitted.out_mask)
        mse = per_program.mean()
        fit = mse
        if self.loss == "nmse":
            centred = batch.y - batch.y.mean(dim=1, keepdim=True)
            variance = masked_mse(torch.zeros_like(centred), centred, emitted.out_mask)
            fit = (per_program / variance.clamp(min=0.01)).mean()
        if self.adapt is not None:
            fit = fit + self.adapt.query_mse(self.hypernet.family, emitted, batch.x, batch.y).mean()
        return fit + self.penalty * emitted.penalty + extra, mse


SATURATED = 1.5  # |pre-activation| past which tanh's slope is under 0.19


def saturation(hidden: list[torch.Tensor]) -> torch.Tensor:
    """Mean squared excess of hidden pre-activations past `SATURATED`: units that sit in tanh's
    flat tails pass almost no gradient, so a surrogate full of them fine-tunes slowly."""
    return torch.stack([torch.relu(z.abs() - SATURATED).pow(2).mean() for z in hidden]).mean()


@dataclass(frozen=True)
class Adaptation:
    """A few Adam steps of every surrogate in a batch on its first `rows` rows (per program:
    Adam is elementwise and the loss a sum of per-program means, so each surrogate moves as it
    would alone), then its error on the remaining rows."""

    steps: int
    rows: int
    lr: float
    betas: tuple[float, float] = (0.9, 0.999)
    eps: float = 1e-8

    def offsets(
        self, family: MLPFamily, params: SurrogateParams, x: torch.Tensor, y: torch.Tensor,
        mask: torch.Tensor,
    ) -> list[torch.Tensor]:  # fmt: skip
        """How far `steps` Adam steps on (x, y) move each tensor of `params` (no graph)."""
        current = params.detached()
        tensors = current.tensors()
        first = [torch.zeros_like(t) for t in tensors]
        second = [torch.zeros_like(t) for t in tensors]
        b1, b2 = self.betas
        with torch.enable_grad():
            for t in range(1, self.steps + 1):
                loss = masked_mse(family.forward(current, x), y, mask).sum()
                grads = torch.autograd.grad(loss, tensors)
                with torch.no_grad():
                    for p, g, m, v in zip(tensors, grads, first, second, strict=True):
                        m.mul_(b1).add_(g, alpha=1 - b1)
                        v.mul_(b2).addcmul_(g, g, value=1 - b2)
                        step = (m / (1 - b1**t)) / ((v / (1 - b2**t)).sqrt() + self.eps)
                        p.sub_(self.lr * step)
        return [(p - s).detach() for p, s in zip(tensors, params.tensors(), strict=True)]

    def query_mse(
        self, family: MLPFamily, emitted: EmittedWeights, x: torch.Tensor, y: torch.Tensor
    ) -> torch.Tensor:
        """Per-program MSE on rows `rows:` of the surrogates adapted on rows `:rows`."""
        support_x, support_y = x[:, : self.rows], y[:, : self.rows]
        moved = self.offsets(family, emitted.params, support_x, support_y, emitted.out_mask)
        tensors = [t + d for t, d in zip(emitted.params.tensors(), moved, strict=True)]
        layers = len(emitted.params.weights)
        adapted = SurrogateParams(tensors[:layers], tensors[layers:])
        pred = family.forward(adapted, x[:, self.rows :])
        return masked_mse(pred, y[:, self.rows :], emitted.out_mask)
