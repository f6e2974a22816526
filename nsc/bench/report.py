"""Summaries of benchmark runs: ratios against random init, Markdown tables, PNG plots, provenance.

- data efficiency of a method on a program at a size = mean test loss of random-init runs / mean
  test loss of the method's runs (over seeds); summaries are geometric means over programs and
  sizes, as in Weber et al.;
- epochs to target: the target of a program is the mean final test loss of its random-init runs on
  the full pool; a run's epochs are the first epoch whose test loss is at or below the target (at
  least 1; a run that never reaches it counts as the most epochs allowed); the ratio is random's
  mean epochs / the method's mean epochs;
- intervals: how much a summary depends on which programs were chosen. The programs are drawn
  with replacement (`BOOTSTRAP_DRAWS` times, a fixed seed) and the geometric mean taken again;
  the 2.5th and 97.5th percentiles bound the 95% interval. Seeds' spread is not in it.
"""

from __future__ import annotations

import json
import math
import os
import platform
import shlex
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from nsc.diagnostics import NscError, printable_name
from nsc.fileio import atomic_savez, atomic_write_text, check_writable

BASELINE = "random"
BOOTSTRAP_DRAWS = 2000


def geomean(values: Iterable[float]) -> float:
    """The geometric mean of the positive finite values (NaN if there are none)."""
    logs = [math.log(v) for v in values if v > 0 and math.isfinite(v)]
    return math.exp(sum(logs) / len(logs)) if logs else float("nan")


def bootstrap_interval(
    per_program: Mapping[str, Sequence[float]], draws: int = BOOTSTRAP_DRAWS, seed: int = 0
) -> tuple[float, float]:
    """The 95% percentile interval of the geometric mean of all values when the programs (the
    keys) are resampled with replacement; (NaN, NaN) without values."""
    logs = [[math.log(v) for v in values if v > 0 and math.isfinite(v)] for values in
            per_program.values()]  # fmt: skip
    logs = [values for values in logs if values]
    if not logs:
        return float("nan"), float("nan")
    sums = np.array([sum(values) for values in logs])
    counts = np.array([len(values) for values in logs])
    picks = np.random.default_rng(seed).integers(0, len(logs), size=(draws, len(logs)))
    means = np.exp(sums[picks].sum(axis=1) / counts[picks].sum(axis=1))
    low, high = np.percentile(means, [2.5, 97.5])
    return float(low), float(high)


def mean_losses(runs: Iterable[Mapping]) -> dict[tuple[str, str, float], float]:
    """Mean test loss over seeds, keyed by (program, method, size)."""
    groups: dict[tuple[str, str, float], list[float]] = defaultdict(list)
    for run in runs:
        groups[run["program"], run["method"], float(run["size"])].append(run["test_loss"])
    return {key: float(np.mean(v)) for key, v in groups.items()}


def efficiencies(runs: Iterable[Mapping]) -> dict[tuple[str, str, float], float]:
    """Random's mean test loss / the method's, keyed by (program, method, size)."""
    means = mean_losses(runs)
    out = {}
    for (program, method, size), loss in means.items():
        reference = means.get((program, BASELINE, size))
        if reference is not None and loss > 0:
            out[program, method, size] = reference / loss
    return out


def epochs_to_target(curve: Sequence[float], target: float, max_epochs: int) -> int:
    """The first epoch at or below `target` (at least 1), or `max_epochs` if none is."""
    for epoch, loss in enumerate(curve):
        if loss <= target:
            return max(epoch, 1)
    return max_epochs


def epoch_ratios(runs: Sequence[Mapping], max_epochs: int) -> dict[tuple[str, str], dict]:
    """Per (program, method): target, mean epochs, and random's mean epochs / the method's."""
    full = [r for r in runs if float(r["size"]) == 100.0]
    by_program: dict[str, list[Mapping]] = defaultdict(list)
    for run in full:
        by_program[run["program"]].append(run)
    out = {}
    for program, group in by_program.items():
        finals = [r["test_loss"] for r in group if r["method"] == BASELINE]
        if not finals:
            continue
        target = float(np.mean(finals))
        epochs: dict[str, list[int]] = defaultdict(list)
        for run in group:
            epochs[run["method"]].append(epochs_to_target(run["curve"], target, max_epochs))
        reference = float(np.mean(epochs[BASELINE]))
        for method, values in epochs.items():
            mean = float(np.mean(values))
            out[program, method] = {"target": target, "epochs": mean, "ratio": reference / mean}
    return out


def summarize(results: Sequence[Mapping], max_epochs: int) -> dict:
    """Everything the tables show, as plain JSON values."""
    runs = [run for r in results for run in r["runs"]]
    eff = efficiencies(runs)
    epochs = epoch_ratios(runs, max_epochs)
    group_of = {r["program"]["name"]: r["program"]["group"] for r in results}
    methods = sorted({m for _, m, _ in eff}, key=_method_order)
    sizes = sorted({s for _, _, s in eff})
    summary: dict = {"methods": methods, "sizes": sizes, "groups": {}}
    for group in ("all", *sorted(set(group_of.values()))):
        inside = lambda p, g=group: g == "all" or group_of.get(p) == g  # noqa: E731
        table = {}
        for method in methods:
            row = {
                str(size): geomean(
                    v for (p, m, s), v in eff.items() if m == method and s == size and inside(p)
                )
                for size in sizes
            }
            row["overall"] = geomean(v for (p, m, _), v in eff.items() if m == method and inside(p))
            row["epochs"] = geomean(
                e["ratio"] for (p, m), e in epochs.items() if m == method and inside(p)
            )
            table[method] = row
        summary["groups"][group] = table
    summary["efficiency"] = [[p, m, s, v] for (p, m, s), v in sorted(eff.items())]
    summary["epochs"] = [
        [p, m, e["target"], e["epochs"], e["ratio"]] for (p, m), e in sorted(epochs.items())
    ]
    summary["losses"] = [[p, m, s, v] for (p, m, s), v in sorted(mean_losses(runs).items())]
    add_intervals(summary, group_of)
    return summary


def add_intervals(summary: dict, group_of: Mapping[str, str]) -> None:
    """Bootstrap intervals (over programs) of each row's overall and epochs figures, from the
    summary's per-program lists; `group_of` maps a program to its group."""
    for group, table in summary["groups"].items():
        inside = lambda p, g=group: g == "all" or group_of.get(p) == g  # noqa: E731
        for method, row in table.items():
            overall: dict[str, list[float]] = defaultdict(list)
            for p, m, _, v in summary["efficiency"]:
                if m == method and inside(p):
                    overall[p].append(v)
            epochs = {p: [r] for p, m, _, _, r in summary["epochs"] if m == method and inside(p)}
            row["overall_interval"] = bootstrap_interval(overall)
            row["epochs_interval"] = bootstrap_interval(epochs)


def _method_order(method: str) -> tuple[int, str]:
    order = ("random", "dataset", "meta", "compiled", "fused")
    return (order.index(method) if method in order else len(order), method)


def _fmt(value: float) -> str:
    return "-" if not math.isfinite(value) else f"{value:.2f}x"


def _interval(bounds: Sequence[float] | None) -> str:
    if not bounds or not all(math.isfinite(b) for b in bounds):
        return "-"
    return f"{bounds[0]:.2f}x-{bounds[1]:.2f}x"


def markdown(
    summary: Mapping, results: Sequence[Mapping], header: Mapping, notes: Sequence[str]
) -> str:
    """The report: provenance, summary tables per group, per-program tables, skipped programs."""
    sizes = summary["sizes"]
    lines = ["# nsc bench data-efficiency", ""]
    lines += [f"- {k}: `{v}`" if k == "command" else f"- {k}: {v}" for k, v in header.items()]
    lines += [f"- note: {n}" for n in notes]
    size_cols = " | ".join(f"{s:g}%" for s in sizes)
    for group, table in summary["groups"].items():
        lines += ["", f"## Data efficiency over random init: {group} (geometric mean)", ""]
        lines += [
            f"| method | {size_cols} | overall | fewer epochs |",
            "|---" * (len(sizes) + 3) + "|",
        ]
        for method, row in table.items():
            cells = " | ".join(_fmt(row[str(s)]) for s in sizes)
            lines.append(f"| {method} | {cells} | {_fmt(row['overall'])} | {_fmt(row['epochs'])} |")
        intervals = [
            f"{method} {_interval(row.get('overall_interval'))} overall, "
            f"{_interval(row.get('epochs_interval'))} in epochs"
            for method, row in table.items()
            if method != BASELINE
        ]
        if intervals:
            lines += ["", "95% intervals over programs (bootstrap): " + "; ".join(intervals)]
    lines += [
        "",
        "## Mean test loss per program (standardized MSE; mean over seeds)",
        "",
        "`(median)`: the loss of always predicting the calibration median, for scale; "
        "efficiency: random's loss over the method's, geometric mean over the sizes.",
        "",
    ]
    methods = summary["methods"]
    lines += [
        f"| program | method | {size_cols} | efficiency | epochs to target |",
        "|---" * (len(sizes) + 4) + "|",
    ]
    losses = {(p, m, s): v for p, m, s, v in summary["losses"]}
    epochs = {(p, m): (e, r) for p, m, _, e, r in summary["epochs"]}
    per_program: dict[tuple[str, str], list[float]] = defaultdict(list)
    for p, m, _, v in summary["efficiency"]:
        per_program[p, m].append(v)
    for result in results:
        name = result["program"]["name"]
        constant = result.get("constant_loss", float("nan"))
        lines.append(f"| {name} | (median) | {constant:.4g} |" + " |" * (len(sizes) + 1))
        for method in methods:
            cells = " | ".join(f"{losses.get((name, method, s), float('nan')):.4g}" for s in sizes)
            overall = _fmt(geomean(per_program.get((name, method), [])))
            e, r = epochs.get((name, method), (float("nan"), float("nan")))
            lines.append(f"| {name} | {method} | {cells} | {overall} | {e:.0f} ({_fmt(r)}) |")
    failed = [r for r in results if r["error"]]
    if failed:
        lines += ["", "## Skipped programs", ""]
        lines += [f"- {r['program']['name']}: {r['error']}" for r in failed]
    return "\n".join(lines) + "\n"


def provenance(argv: Sequence[str]) -> dict[str, str]:
    """The command, date, git commit and machine a result came from."""
    return {
        "command": printable_name(shlex.join(["nsc", *argv])),  # file names need not be UTF-8
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": _git_commit(),
        "machine": f"{os.cpu_count()} CPUs, {_cpu_model()}, Python {platform.python_version()}",
    }


def _git_commit() -> str:
    root = Path(__file__).resolve().parents[2]
    try:
        done = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
        dirty = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "-uno"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    commit = done.stdout.strip() or "unknown"
    return commit + (" (with uncommitted changes)" if dirty.stdout.strip() else "")


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or sys.platform


def check_results_folder(out: Path) -> None:
    """Fail before any work, as the run's writes would at its end, where the results folder
    `out` cannot be made or written into."""
    existing = out
    while not existing.exists() and existing.parent != existing:
        existing = existing.parent
    if not existing.is_dir():
        raise NscError(f"{out}: cannot make the results folder ({existing} is not a folder)")
    try:
        check_writable(existing / "report.md")
    except NscError as err:
        raise NscError(f"{out}: cannot write the results there ({err.message})") from None


def write_json(path: Path, data: object) -> None:
    atomic_write_text(path, json.dumps(data, indent=1, default=_plain) + "\n")


def _plain(value: object) -> object:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"not JSON: {type(value).__name__}")


# --- plots ------------------------------------------------------------------------------------


def plot_losses(summary: Mapping, results: Sequence[Mapping], path: Path) -> None:
    """Mean test loss against training-set size, one panel per program, one line per method."""
    plt = pyplot()
    names = [r["program"]["name"] for r in results if not r["error"]]
    if not names:
        return
    sizes = summary["sizes"]
    losses = {(p, m, s): v for p, m, s, v in summary["losses"]}
    cols = min(5, len(names))
    rows = math.ceil(len(names) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(3.2 * cols, 2.6 * rows), squeeze=False)
    xs = range(len(sizes))
    for ax, name in zip(axes.flat, names, strict=False):
        for method in summary["methods"]:
            ax.plot(
                xs,
                [losses.get((name, method, s), np.nan) for s in sizes],
                marker="o",
                markersize=3,
                label=method,
            )
        ax.set_yscale("log")
        ax.set_xticks(list(xs), [f"{s:g}%" for s in sizes], fontsize=7)
        ax.set_title(name, fontsize=9)
    for ax in list(axes.flat)[len(names) :]:
        ax.axis("off")
    axes.flat[0].legend(fontsize=7)
    fig.supylabel("test MSE (standardized)")
    save_figure(fig, path)


def plot_curves(results: Sequence[Mapping], path: Path) -> None:
    """Test loss per epoch of the full-pool runs (seed 0), one panel per program."""
    plt = pyplot()
    done = [r for r in results if not r["error"]]
    if not done:
        return
    cols = min(5, len(done))
    rows = math.ceil(len(done) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(3.2 * cols, 2.6 * rows), squeeze=False)
    for ax, result in zip(axes.flat, done, strict=False):
        for run in result["runs"]:
            if float(run["size"]) == 100.0 and run["seed"] == 0 and run["curve"]:
                ax.plot(run["curve"], label=run["method"], linewidth=1)
        ax.set_yscale("log")
        ax.set_title(result["program"]["name"], fontsize=9)
    for ax in list(axes.flat)[len(done) :]:
        ax.axis("off")
    axes.flat[0].legend(fontsize=7)
    fig.supxlabel("epoch")
    fig.supylabel("test MSE (standardized)")
    save_figure(fig, path)


PAPER_CORPUS = {
    0.0: 33.17,
    0.1: 5.71,
    1.0: 1.37,
    10.0: 4.31,
    100.0: 4.55,
}  # Weber et al., submission


def plot_efficiency(summary: Mapping, path: Path) -> None:
    """Geometric-mean data efficiency per size, one line per method and group, with the paper's."""
    plt = pyplot()
    sizes = summary["sizes"]
    fig, ax = plt.subplots(figsize=(6.4, 3.8))
    xs = range(len(sizes))
    styles = {"all": "-", "examples": "--", "heldout": ":"}
    groups = dict(summary["groups"])
    if len(groups) > 2:  # "all" plus two groups: the groups say more
        groups.pop("all")
    for group, table in groups.items():
        for i, (method, row) in enumerate(table.items()):
            if method == BASELINE:
                continue
            ax.plot(
                xs,
                [row[str(s)] for s in sizes],
                styles.get(group, "-"),
                marker="o",
                markersize=3,
                color=f"C{i}",
                label=f"{method} ({group})",
            )
    paper = [PAPER_CORPUS.get(float(s), np.nan) for s in sizes]
    ax.plot(xs, paper, "k-.", marker="x", label="Weber et al. (their corpus)")
    ax.axhline(1.0, color="gray", linewidth=0.8)
    ax.set_yscale("log")
    ax.set_xticks(list(xs), [f"{s:g}%" for s in sizes])
    ax.set_xlabel("training-set size (% of the pool)")
    ax.set_ylabel("data efficiency over random init")
    ax.legend(fontsize=6, ncol=2)
    save_figure(fig, path)


def _without_curves(result: Mapping) -> dict:
    """A result with its per-epoch curves left out (they go to curves.npz)."""
    runs = [{k: v for k, v in run.items() if k != "curve"} for run in result["runs"]]
    return {**result, "runs": runs}


def pyplot():
    """matplotlib's pyplot on the file-only Agg backend (imported when a plot is drawn)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def save_figure(fig, path: Path) -> None:  # noqa: ANN001
    """Lay out, write as PNG at the reports' resolution, and free a figure."""
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    pyplot().close(fig)


def write_report(
    out: Path,
    results: Sequence[Mapping],
    notes: Sequence[str],
    header: Mapping,
    config: Mapping,
    max_epochs: int,
) -> dict:
    """results.json, curves.npz (test loss per epoch of the full-pool runs), summary.json,
    report.md and three plots under `out`; returns the summary."""
    out.mkdir(parents=True, exist_ok=True)
    summary = summarize(results, max_epochs)
    kept = [_without_curves(r) for r in results]
    write_json(
        out / "results.json",
        {"header": header, "config": config, "notes": list(notes), "results": kept},
    )
    curves = {
        f"{run['program']}/{run['method']}/{run['seed']}": np.asarray(run["curve"], np.float32)
        for r in results
        for run in r["runs"]
        if run["curve"]
    }
    atomic_savez(out / "curves.npz", curves)
    write_json(out / "summary.json", summary)
    atomic_write_text(out / "report.md", markdown(summary, results, header, notes))
    plot_losses(summary, results, out / "loss_vs_size.png")
    plot_curves(results, out / "curves.png")
    plot_efficiency(summary, out / "efficiency.png")
    return summary
