"""Training and validation curves of several runs in one PNG, epoch on the x axis.

    python benchmarks/plot_runs.py W/runR6 W/runG --label "CPU, 10 epochs" --label "GPU, 69 epochs" \
        --out docs/scaling-epochs.png

Each run folder is one that `nsc train` wrote (its `epochs.csv`). Solid lines are the validation
MSE of the compiled surrogates, dashed lines the training MSE; a dot marks each run's best epoch.
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

from nsc.diagnostics import NscError
from nsc.fileio import atomic_write_bytes


def read_epochs(run: Path) -> list[dict[str, float]]:
    path = run / "epochs.csv"
    if not path.is_file():
        raise NscError(f"{run}: no epochs.csv (not a finished `nsc train` run folder)")
    with path.open(newline="") as handle:
        return [{k: float(v) for k, v in row.items()} for row in csv.DictReader(handle)]


def plot(runs: list[tuple[str, list[dict[str, float]]]], out: Path) -> None:
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.5))
    for index, (label, epochs) in enumerate(runs):
        color = f"C{index}"
        x = [row["epoch"] for row in epochs]
        val = [row["val_mse"] for row in epochs]
        ax.plot(x, val, "-", color=color, label=f"{label}: validation")
        ax.plot(x, [row["train_mse"] for row in epochs], "--", color=color, label=f"{label}: train")
        best = min(range(len(val)), key=val.__getitem__)
        ax.plot([x[best]], [val[best]], "o", color=color)
        ax.annotate(
            f"{val[best]:.3f}",
            (x[best], val[best]),
            textcoords="offset points",
            xytext=(0, -14),
            ha="center",
            color=color,
            fontsize=8,
        )
    centre = runs[0][1][0].get("val_mse_centre")
    if centre is not None:
        ax.axhline(centre, color="grey", linestyle=":", label="validation: predict the centre")
    ax.set_xlabel("epoch")
    ax.set_ylabel("normalized MSE")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110)
    plt.close(fig)
    atomic_write_bytes(out, buffer.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("runs", nargs="+", type=Path, help="run folders of `nsc train`")
    parser.add_argument("--label", action="append", default=[], help="one per run, in order")
    parser.add_argument("--out", type=Path, required=True, help="the PNG to write")
    args = parser.parse_args()
    labels = args.label or [run.name for run in args.runs]
    if len(labels) != len(args.runs):
        parser.error(f"{len(args.runs)} runs but {len(labels)} labels")
    try:
        plot(
            [(label, read_epochs(run)) for label, run in zip(labels, args.runs, strict=True)],
            args.out,
        )
    except NscError as err:
        parser.exit(1, f"error: {err.message}\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
