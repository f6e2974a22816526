"""Normalization around the surrogate MLP, in numpy only (the compile path never imports torch).

Inputs map from their declared ranges to [-1, 1]; outputs are standardized with a centre and
scale from calibration (median and IQR/1.349, falling back to the std where the IQR is 0).
Without calibration (`--calibrate 0`) the outputs keep centre 0 and scale 1: the surrogate's
standardized outputs come out unscaled, so they are right only for outputs already near N(0, 1).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from nsc.diagnostics import NscError
from nsc.signature import DEFAULT_RANGE, Port, Signature

MIN_SCALE = 1e-6
IQR_TO_STD = 1.349  # the IQR of a unit normal


def flatten_ports(ports: Sequence[Port], arrays: Mapping[str, np.ndarray]) -> np.ndarray:
    """Arrays named after ports (`[rows]` or `[rows, *shape]`) -> `[rows, width]` float64.

    Zero rows are fine (`[0, width]`); ports that disagree on the rows are an error."""
    columns = []
    for port in ports:
        if port.name not in arrays:
            raise NscError(f"no array for port {port.name!r}")
        a = np.asarray(arrays[port.name], dtype=np.float64)
        if a.ndim == 0 or a.shape[1:] != port.shape:
            raise NscError(f"port {port.name!r} expects shape [rows, *{port.shape}], not {a.shape}")
        if columns and len(a) != len(columns[0]):
            raise NscError(
                f"port {port.name!r} has {len(a)} rows but {ports[0].name!r} has {len(columns[0])}"
            )
        columns.append(a.reshape(len(a), port.size))  # not -1: that cannot size zero rows
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
        low, high = input_ranges(signature)
        flat = flatten_ports(signature.outputs, outputs)
        check_finite_outputs(signature.outputs, flat)
        center, scale = output_statistics(flat, robust)
        return cls(low, high, center, scale)

    @classmethod
    def uncalibrated(cls, signature: Signature) -> Normalization:
        """Input ranges from the signature; outputs left as the MLP emits them (0, 1)."""
        low, high = input_ranges(signature)
        width = sum(p.size for p in signature.outputs)
        return cls(low, high, np.zeros(width), np.ones(width))

    def inputs(self, raw: np.ndarray) -> np.ndarray:
        return 2.0 * (raw - self.in_low) / (self.in_high - self.in_low) - 1.0

    def outputs(self, raw: np.ndarray) -> np.ndarray:
        return (raw - self.out_center) / self.out_scale

    def raw_outputs(self, standardized: np.ndarray) -> np.ndarray:
        return standardized * self.out_scale + self.out_center


def input_ranges(signature: Signature) -> tuple[np.ndarray, np.ndarray]:
    """Per input scalar: the low and high ends of its port's range (default [-1, 1])."""
    low: list[float] = []
    high: list[float] = []
    for port in signature.inputs:
        lo, hi = port.range if port.range is not None else DEFAULT_RANGE
        if not hi > lo:
            raise NscError(f"input {port.name!r} has an empty range [{lo}, {hi}]")
        low += [lo] * port.size
        high += [hi] * port.size
    return np.asarray(low, dtype=np.float64), np.asarray(high, dtype=np.float64)


def check_finite_outputs(ports: Sequence[Port], flat: np.ndarray) -> None:
    """An error naming the first output scalar (`return`, `p`, `w[1][2]`) that is NaN or infinite
    on every calibration row of `flat` (`[rows, width]`, as `flatten_ports` gives)."""
    finite = np.isfinite(flat)
    never = np.flatnonzero(~finite.any(axis=0))
    if not never.size:
        return
    column, rows = int(never[0]), len(flat)
    starts = np.cumsum([0] + [port.size for port in ports])
    index = int(np.searchsorted(starts, column, side="right")) - 1
    port, element = ports[index], column - int(starts[index])
    label = port.name + "".join(f"[{i}]" for i in np.unravel_index(element, port.shape))
    if rows == 0:
        raise NscError(f"output {label!r} has no finite calibration value: no calibration rows")
    nan = int(np.isnan(flat[:, column]).sum())
    if nan in (0, rows):
        how = f"{'NaN' if nan else 'infinite'} on all {rows}"
    else:
        how = f"NaN on {nan} and infinite on {rows - nan} of the {rows}"
    raise NscError(
        f"output {label!r} has no finite calibration value: it is {how} calibration rows",
        hints=("check what the program computes on the input ranges (--range NAME=LO:HI)",),
    )


def output_statistics(flat: np.ndarray, robust: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Centre and scale per column, ignoring NaN/inf rows; robust = median and IQR/1.349."""
    flat = np.where(np.isfinite(flat), flat, np.nan)
    if np.isnan(flat).all(axis=0).any():
        raise NscError("an output has no finite calibration value")
    # beyond about 1e154 the std's squares overflow: an infinite scale, which the ONNX writer
    # reports (as beyond float32) without numpy's warning before it
    with np.errstate(over="ignore", invalid="ignore"):
        if robust:
            q1, center, q3 = np.nanpercentile(flat, [25, 50, 75], axis=0)
            scale = (q3 - q1) / IQR_TO_STD
            fallback = np.nanstd(flat, axis=0)  # IQR is 0 for mostly-constant outputs
            scale = np.where(scale > MIN_SCALE, scale, fallback)
        else:
            center, scale = np.nanmean(flat, axis=0), np.nanstd(flat, axis=0)
    return center, np.maximum(scale, MIN_SCALE)
