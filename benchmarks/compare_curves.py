"""Validation curves of several training probes on one plot (a script, not a test).

    python benchmarks/compare_curves.py --size 4096 --out FILE.png \\
        "GGNN=results/learning-curve/learning_curve.json" "text=DIR/text_encoder.json" ...

Reads the JSON that `learning_curve.py`, `text_encoder.py` or `ir_variants.py` writes, takes
each one's run on `--size` training programs, and plots its validation error against training
steps (the probes differ in epochs per step, not in steps), with the calibration centre.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from nsc.bench.report import pyplot, save_figure


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", nargs="+", help="LABEL=RESULT.json")
    parser.add_argument("--size", type=int, required=True, help="training programs")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(6.5, 4))
    centre = None
    for item in args.runs:
        label, _, path = item.partition("=")
        result = json.loads(Path(path).read_text())
        runs = [r for r in result["sizes"] if r["programs"] == args.size]
        if not runs:
            raise SystemExit(f"{path}: no run on {args.size} training programs")
        run = runs[0]
        per_epoch = run["steps"] / run["epochs"]
        epochs, vals = zip(*run["val_curve"], strict=True)
        ax.plot([e * per_epoch for e in epochs], vals, marker=".", label=label)
        centre = result["centre"]
    ax.axhline(centre, color="grey", linestyle=":", label="calibration centre")
    ax.set_xlabel("training steps (32 programs each)")
    ax.set_ylabel("validation MSE")
    ax.set_title(f"{args.size} training programs", fontsize=10)
    ax.legend(fontsize=8)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    save_figure(fig, args.out)


if __name__ == "__main__":
    main()
