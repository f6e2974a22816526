"""Plots of a surrogate against the oracle, from an `Evaluation` (matplotlib, Agg backend).

- one scalar input and one scalar output: truth and surrogate as curves over the input;
- two scalar inputs (scalar outputs): truth, surrogate and error of each output as heat maps
  over the input plane, interpolated from the evaluation's samples (one row per output, at most 4);
- anything else: predicted against true for each output port (every element), with the diagonal.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np

from nsc.diagnostics import NscError
from nsc.fileio import atomic_write_bytes
from nsc.runtime.evaluate import Evaluation

MAX_PANELS = 4
MAX_POINTS = 20_000
SUFFIXES = (".png", ".pdf", ".svg")


def check_plot_path(path: str | Path) -> None:
    """Refuse a plot file whose suffix names no format the plots are drawn in."""
    if Path(path).suffix.lower() not in SUFFIXES:
        raise NscError(f"{path}: plots are written as .png, .pdf or .svg")


def plot_evaluation(evaluation: Evaluation, path: str | Path) -> str:
    """Draw the plot that fits the signature to `path` (.png, .pdf, .svg); returns its kind."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    path = Path(path)
    check_plot_path(path)
    if not evaluation.truth or len(next(iter(evaluation.truth.values()))) == 0:
        raise NscError("nothing to plot: the oracle finished no row")
    sig = evaluation.signature
    scalar_in = all(not p.shape for p in sig.inputs)
    scalar_out = all(not p.shape for p in sig.outputs)
    if scalar_in and scalar_out and len(sig.inputs) == 1 and len(sig.outputs) == 1:
        kind, fig = "curve", _curve(plt, evaluation)
    elif scalar_in and scalar_out and len(sig.inputs) == 2 and len(sig.outputs) <= 8:
        kind, fig = "heatmap", _heatmaps(plt, evaluation)
    else:
        kind, fig = "scatter", _scatter(plt, evaluation)
    fig.suptitle(f"{sig.entry}: surrogate vs oracle ({len(_first(evaluation.truth))} samples)")
    fig.tight_layout()
    image = io.BytesIO()
    fig.savefig(image, format=path.suffix.lower()[1:], dpi=110)
    plt.close(fig)
    atomic_write_bytes(path, image.getvalue())
    return kind


def _first(arrays: dict[str, np.ndarray]) -> np.ndarray:
    return next(iter(arrays.values()))


def _curve(plt, ev: Evaluation):
    x_port, y_port = ev.signature.inputs[0], ev.signature.outputs[0]
    x = ev.inputs[x_port.name].astype(np.float64)
    order = np.argsort(x)
    fig, ax = plt.subplots(figsize=(7, 4.5))
    ax.plot(x[order], ev.truth[y_port.name][order], label="oracle (C)", lw=2, color="black")
    ax.plot(x[order], ev.predicted[y_port.name][order], label="surrogate", lw=1.5, color="tab:red")
    ax.set_xlabel(x_port.name)
    ax.set_ylabel(y_port.name)
    ax.grid(alpha=0.3)
    ax.legend()
    return fig


def _heatmaps(plt, ev: Evaluation):
    from matplotlib.tri import Triangulation

    a, b = ev.signature.inputs
    tri = Triangulation(ev.inputs[a.name].astype(np.float64), ev.inputs[b.name].astype(np.float64))
    outputs = ev.signature.outputs[:MAX_PANELS]
    fig, axes = plt.subplots(len(outputs), 3, figsize=(13, 3.8 * len(outputs)), squeeze=False)
    for row, port in zip(axes, outputs, strict=True):
        truth = ev.truth[port.name].astype(np.float64)
        pred = ev.predicted[port.name].astype(np.float64)
        lo, hi = np.nanmin(truth), np.nanmax(truth)
        panels = (("oracle", truth, "viridis", lo, hi), ("surrogate", pred, "viridis", lo, hi))
        bound = float(np.nanmax(np.abs(pred - truth))) or 1.0
        panels += (("surrogate - oracle", pred - truth, "RdBu_r", -bound, bound),)
        for ax, (title, values, cmap, vmin, vmax) in zip(row, panels, strict=True):
            image = ax.tripcolor(tri, values, shading="gouraud", cmap=cmap, vmin=vmin, vmax=vmax)
            fig.colorbar(image, ax=ax)
            ax.set_title(f"{port.name}: {title}")
            ax.set_xlabel(a.name)
            ax.set_ylabel(b.name)
    return fig


def _scatter(plt, ev: Evaluation):
    outputs = ev.signature.outputs[:MAX_PANELS]
    fig, axes = plt.subplots(1, len(outputs), figsize=(4.6 * len(outputs), 4.4), squeeze=False)
    rng = np.random.default_rng(0)
    for ax, port in zip(axes[0], outputs, strict=True):
        truth = ev.truth[port.name].astype(np.float64).ravel()
        pred = ev.predicted[port.name].astype(np.float64).ravel()
        if truth.size > MAX_POINTS:
            keep = rng.choice(truth.size, MAX_POINTS, replace=False)
            truth, pred = truth[keep], pred[keep]
        ax.scatter(truth, pred, s=4, alpha=0.4, color="tab:blue", linewidths=0)
        lo, hi = float(min(truth.min(), pred.min())), float(max(truth.max(), pred.max()))
        ax.plot([lo, hi], [lo, hi], color="black", lw=1, label="y = x")
        ax.set_xlabel(f"{port.name} (oracle)")
        ax.set_ylabel(f"{port.name} (surrogate)")
        ax.grid(alpha=0.3)
        ax.legend(loc="upper left")
    return fig
