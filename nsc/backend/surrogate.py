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

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import torch

from nsc.diagnostics import NscError
from nsc.signature import DEFAULT_RANGE, Port, Signature

ACTIVATIONS = {"tanh": torch.tanh, "silu": torch.nn.functional.silu}
MIN_SCALE = 1e-6
IQR_TO_STD = 1.349  # the IQR of a unit normal


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

    def forward(self, params: SurrogateParams, x: torch.Tensor) -> torch.Tensor:
        """Normalized inputs `[..., rows, in]` -> standardized outputs `[..., rows, out]`."""
        act = ACTIVATIONS[self.activation]
        last = len(params.weights) - 1
        for i, (w, b) in enumerate(zip(params.weights, params.biases, strict=True)):
            x = x @ w.transpose(-1, -2) + b.unsqueeze(-2)
            if i < last:
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


def flatten_ports(ports: Sequence[Port], arrays: Mapping[str, np.ndarray]) -> np.ndarray:
    """Arrays named after ports (`[rows]` or `[rows, *shape]`) -> `[rows, width]` float64."""
    columns = []
    for port in ports:
        if port.name not in arrays:
            raise NscError(f"no array for port {port.name!r}")
        a = np.asarray(arrays[port.name], dtype=np.float64)
        if a.shape[1:] != port.shape:
            raise NscError(f"port {port.name!r} expects shape [rows, *{port.shape}], not {a.shape}")
        columns.append(a.reshape(a.shape[0], -1))
    return np.concatenate(columns, axis=1)


def unflatten_ports(ports: Sequence[Port], flat: np.ndarray) -> dict[str, np.ndarray]:
    """`[rows, width]` -> arrays named after ports, in their shapes (float64)."""
    out, start = {}, 0
    for port in ports:
        out[port.name] = flat[:, start : start + port.size].reshape(-1, *port.shape)
        start += port.size
    if start != flat.shape[1]:
        raise NscError(f"expected {start} columns, got {flat.shape[1]}")
    return out


@dataclass(frozen=True)
class Normalization:
    """Per-scalar affine maps: inputs to [-1, 1], outputs to standardized units."""

    in_low: np.ndarray  # [in_width]
    in_high: np.ndarray
    out_center: np.ndarray  # [out_width]
    out_scale: np.ndarray

    @classmethod
    def from_calibration(
        cls, signature: Signature, outputs: Mapping[str, np.ndarray], robust: bool = True
    ) -> Normalization:
        """Input ranges from the signature; output centre/scale from calibration outputs."""
        low, high = [], []
        for port in signature.inputs:
            lo, hi = port.range if port.range is not None else DEFAULT_RANGE
            if not hi > lo:
                raise NscError(f"input {port.name!r} has an empty range [{lo}, {hi}]")
            low += [lo] * port.size
            high += [hi] * port.size
        flat = flatten_ports(signature.outputs, outputs)
        center, scale = output_statistics(flat, robust)
        return cls(np.asarray(low), np.asarray(high), center, scale)

    def inputs(self, raw: np.ndarray) -> np.ndarray:
        return 2.0 * (raw - self.in_low) / (self.in_high - self.in_low) - 1.0

    def outputs(self, raw: np.ndarray) -> np.ndarray:
        return (raw - self.out_center) / self.out_scale

    def raw_outputs(self, standardized: np.ndarray) -> np.ndarray:
        return standardized * self.out_scale + self.out_center


def output_statistics(flat: np.ndarray, robust: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Centre and scale per column, ignoring NaN/inf rows; robust = median and IQR/1.349."""
    flat = np.where(np.isfinite(flat), flat, np.nan)
    if np.isnan(flat).all(axis=0).any():
        raise NscError("an output has no finite calibration value")
    if robust:
        q1, center, q3 = np.nanpercentile(flat, [25, 50, 75], axis=0)
        scale = (q3 - q1) / IQR_TO_STD
        fallback = np.nanstd(flat, axis=0)  # IQR is 0 for mostly-constant outputs
        scale = np.where(scale > MIN_SCALE, scale, fallback)
    else:
        center, scale = np.nanmean(flat, axis=0), np.nanstd(flat, axis=0)
    return center, np.maximum(scale, MIN_SCALE)
