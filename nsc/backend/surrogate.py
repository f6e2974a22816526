"""The surrogate: an MLP whose parameters are plain tensors, and the normalization around it.

One forward serves every source of weights: the hypernetwork's emitted weights (batched over
programs: `[P, out, in]` weights and `[P, out]` biases, applied to `[P, rows, in]` inputs), a
random init, or one program's weights fine-tuned with Adam (`[out, in]` and `[out]`). The forward
is matmul + bias + activation only, so an ONNX export is a handful of MatMul/Add/Tanh nodes.

`Normalization` maps raw port values to what the MLP sees: each input scalar from its declared
range to [-1, 1], each output scalar standardized with a centre and scale from calibration
(median and IQR/1.349 by default, which heavy tails do not blow up; or mean and std).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch

from nsc.backend.normalize import (  # noqa: F401  (re-exported)
    IQR_TO_STD,
    MIN_SCALE,
    Normalization,
    flatten_ports,
    output_statistics,
    unflatten_ports,
)
from nsc.diagnostics import NscError

ACTIVATIONS = {"tanh": torch.tanh, "silu": torch.nn.functional.silu}


@dataclass
class SurrogateParams:
    """Layer weights `[..., out, in]` and biases `[..., out]`, first layer first."""

    weights: list[torch.Tensor]
    biases: list[torch.Tensor]

    def tensors(self) -> list[torch.Tensor]:
        """All tensors, for an optimizer: `torch.optim.Adam(params.tensors())`."""
        return [*self.weights, *self.biases]

    def detached(self, requires_grad: bool = True) -> SurrogateParams:
        """A copy cut from the graph that made it, ready to fine-tune as leaves."""
        copy = lambda t: t.detach().clone().requires_grad_(requires_grad)  # noqa: E731
        return SurrogateParams([copy(w) for w in self.weights], [copy(b) for b in self.biases])

    def program(self, index: int, in_width: int, out_width: int) -> SurrogateParams:
        """One program's unpadded weights out of a batch of emitted ones."""
        weights = [w[index] for w in self.weights]
        biases = [b[index] for b in self.biases]
        weights[0] = weights[0][:, :in_width]
        weights[-1] = weights[-1][:out_width]
        biases[-1] = biases[-1][:out_width]
        return SurrogateParams(weights, biases)

    def shapes(self) -> list[tuple[int, ...]]:
        return [tuple(w.shape) for w in self.weights] + [tuple(b.shape) for b in self.biases]

    def count(self) -> int:
        return sum(t.numel() for t in self.tensors())


@dataclass(frozen=True)
class MLPFamily:
    """Surrogates in -> hidden[0] -> ... -> hidden[-1] -> out with one activation."""

    hidden: tuple[int, ...] = (32, 32)
    activation: str = "tanh"

    def __post_init__(self) -> None:
        if not self.hidden or any(h < 1 for h in self.hidden):
            raise NscError(f"hidden sizes must be positive, not {self.hidden}")
        if self.activation not in ACTIVATIONS:
            known = ", ".join(ACTIVATIONS)
            raise NscError(f"unknown activation {self.activation!r} (use one of: {known})")

    def widths(self, in_width: int, out_width: int) -> list[int]:
        if in_width < 1 or out_width < 1:
            raise NscError(f"a surrogate needs inputs and outputs, not {in_width} -> {out_width}")
        return [in_width, *self.hidden, out_width]

    def init(
        self, in_width: int, out_width: int, generator: torch.Generator | None = None
    ) -> SurrogateParams:
        """A random init: N(0, 1/fan_in) weights and biases (LeCun), as trainable leaves."""
        widths = self.widths(in_width, out_width)
        weights, biases = [], []
        for fan_in, fan_out in zip(widths[:-1], widths[1:], strict=True):
            scale = fan_in**-0.5
            weights.append(torch.randn(fan_out, fan_in, generator=generator) * scale)
            biases.append(torch.randn(fan_out, generator=generator) * scale)
        return SurrogateParams(weights, biases).detached()

    def forward(
        self, params: SurrogateParams, x: torch.Tensor, hidden: list | None = None
    ) -> torch.Tensor:
        """Normalized inputs `[..., rows, in]` -> standardized outputs `[..., rows, out]`; each
        hidden layer's pre-activations are appended to `hidden` when it is given."""
        act = ACTIVATIONS[self.activation]
        last = len(params.weights) - 1
        for i, (w, b) in enumerate(zip(params.weights, params.biases, strict=True)):
            x = x @ w.transpose(-1, -2) + b.unsqueeze(-2)
            if i < last:
                if hidden is not None:
                    hidden.append(x)
                x = act(x)
        return x


def masked_mse(pred: torch.Tensor, target: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Per-program MSE over real output columns: `[P, rows, out]` x2, mask `[P, out]` -> `[P]`."""
    err = (pred - target) ** 2 * mask[:, None, :]
    return err.sum(dim=(1, 2)) / (mask.sum(dim=1) * pred.shape[1]).clamp(min=1.0)


def stack_padded(columns: Sequence[np.ndarray]) -> torch.Tensor:
    """Per-program `[rows, width_i]` arrays -> `[P, rows, max width]` float32, zero-padded."""
    if not columns or len({c.shape[0] for c in columns}) != 1:
        raise NscError("stack_padded needs one or more arrays with the same number of rows")
    width = max(c.shape[1] for c in columns)
    out = np.zeros((len(columns), columns[0].shape[0], width), dtype=np.float32)
    for i, c in enumerate(columns):
        out[i, :, : c.shape[1]] = c
    return torch.from_numpy(out)
