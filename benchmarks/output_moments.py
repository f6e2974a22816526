"""Where a compiled surrogate's zero-shot error lies: its offset, its scale, or its shape.

    python benchmarks/output_moments.py --heldout W/eval/heldout [--train-corpus C] [--model M]
        [--out DIR]

Programs and rows as in `eval_zero_shot.py`: held-out generated programs (an earlier run's
`heldout` folder) and every `examples/*.c` kernel; the first 256 oracle rows calibrate the
normalization, the other 1024 are the test rows; normalized MSE per program, geometric mean over
programs. For each output scalar of the compiled surrogate, on the test rows:

- `compiled`: as emitted;
- `centred`: its mean over the calibration inputs moved to the oracle's calibration mean. This
  uses the surrogate's own outputs and a normalization statistic, never an input paired with its
  output, so `nscc` could do it at compile time; random init gets the same treatment
  (`random centred`), since a fair comparison gives every start the same calibration;
- `scale x k`: centred, then its deviations from the mean multiplied by one constant k for
  every program (does the model emit outputs systematically too flat or too steep?);
- `best affine`: the least-squares a * output + b fitted to the calibration rows' *labels*, two
  numbers per output: what the emitted shape is worth once its offset and scale are right (a
  fit, not a zero-shot figure; the rest of the error is the shape itself).

`offset`, `scale` and `shape` in the summary split the compiled error into compiled - centred,
centred - best affine and best affine, on the geometric means.
"""

from __future__ import annotations

import argparse
import json
import math
import time
from pathlib import Path

import numpy as np
import torch
from eval_zero_shot import CALIBRATION, examples, training_hashes

from nsc.backend.baselines import random_params
from nsc.backend.data import calibrate, standardize
from nsc.backend.model import CompilerModel, load_model
from nsc.data.dataset import read_corpus
from nsc.data.shards import ProgramRecord
from nsc.fileio import atomic_write_text
from nsc.ir.graph import program_graph
from nsc.nscc import find_model

SCALES = (0.5, 0.75, 1.25, 1.5)
COLUMNS = (
    "compiled",
    "centred",
    *(f"scale x {k:g}" for k in SCALES),
    "best affine",
    "random",
    "random centred",
)


def _centred(cal: np.ndarray, test: np.ndarray, mean: np.ndarray, k: float = 1.0) -> np.ndarray:
    return (test - cal.mean(axis=0)) * k + mean


def _affine(cal: np.ndarray, y_cal: np.ndarray, test: np.ndarray) -> np.ndarray:
    """Per column, the least-squares a * test + b fitted on (cal, y_cal)."""
    out = np.empty_like(test)
    for j in range(test.shape[1]):
        design = np.stack([cal[:, j], np.ones(len(cal))], axis=1)
        (a, b), *_ = np.linalg.lstsq(design, y_cal[:, j], rcond=None)
        out[:, j] = a * test[:, j] + b
    return out


def moments(model: CompilerModel, record: ProgramRecord, seed: int) -> dict[str, float]:
    """Normalized test MSE of every column of `COLUMNS` on one program (no fusion models)."""
    norm = calibrate(record, CALIBRATION)
    x_cal, y_cal = standardize(record, norm, slice(0, CALIBRATION))
    x, y = standardize(record, norm, slice(CALIBRATION, None))
    y_cal, y = y_cal.astype(np.float64), y.astype(np.float64)
    family = model.hypernet.family
    graph = program_graph(record.ir, record.signature)
    starts = {
        "compiled": model.emit([model.tensors(graph, record.signature)], "compiled")[0],
        "random": random_params(family, x.shape[1], y.shape[1], seed),
    }
    with torch.no_grad():
        run = {
            name: tuple(
                family.forward(p, torch.from_numpy(rows)).double().numpy() for rows in (x_cal, x)
            )
            for name, p in starts.items()
        }
    mean = y_cal.mean(axis=0)
    (c_cal, c), (r_cal, r) = run["compiled"], run["random"]
    preds = {
        "compiled": c,
        "centred": _centred(c_cal, c, mean),
        **{f"scale x {k:g}": _centred(c_cal, c, mean, k) for k in SCALES},
        "best affine": _affine(c_cal, y_cal, c),
        "random": r,
        "random centred": _centred(r_cal, r, mean),
    }
    return {name: float(((pred - y) ** 2).mean()) for name, pred in preds.items()}


def geomean(values: list[float]) -> float:
    return math.exp(float(np.mean(np.log(np.maximum(values, 1e-12)))))


def report(name: str, rows: list[dict]) -> tuple[str, dict[str, float]]:
    table = {c: geomean([r[c] for r in rows]) for c in COLUMNS}
    compiled, centred, affine = table["compiled"], table["centred"], table["best affine"]
    lines = [
        f"### {name} ({len(rows)} programs)",
        "",
        "| | " + " | ".join(COLUMNS) + " |",
        "|---" * (len(COLUMNS) + 1) + "|",
        "| normalized MSE, geometric mean | "
        + " | ".join(f"{table[c]:.3g}" for c in COLUMNS)
        + " |",
        "",
        f"Of the compiled error {compiled:.3g}: offset {compiled - centred:.3g} "
        f"({100 * (compiled - centred) / compiled:.0f}%), scale {centred - affine:.3g} "
        f"({100 * (centred - affine) / compiled:.0f}%), shape {affine:.3g} "
        f"({100 * affine / compiled:.0f}%). Random over compiled: "
        f"{table['random'] / compiled:.2f}x as emitted, "
        f"{table['random centred'] / centred:.2f}x both centred.",
        "",
    ]
    return "\n".join(lines), table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--heldout", type=Path, required=True, help="an earlier run's heldout")
    parser.add_argument(
        "--train-corpus", type=Path, default=None, help="leave out programs it holds"
    )
    parser.add_argument("--model", default="default", help="a shipped name or a checkpoint")
    parser.add_argument("--out", type=Path, default=None, help="writes moments.md and .json")
    args = parser.parse_args()
    torch.set_num_threads(1)
    start = time.perf_counter()
    path = Path(args.model) if Path(args.model).exists() else find_model(args.model, "compiled")[0]
    model = load_model(path)
    seen = training_hashes(args.train_corpus) if args.train_corpus else set()
    sets = {
        "held-out generated programs": [r for r in read_corpus(args.heldout) if r.hash not in seen],
        "examples/*.c kernels": examples(),
    }
    texts, results = [], {}
    for name, records in sets.items():
        rows = [{"name": r.name, **moments(model, r, seed=i)} for i, r in enumerate(records)]
        rows = [r for r in rows if all(math.isfinite(r[c]) for c in COLUMNS)]
        text, table = report(name, rows)
        texts.append(text)
        results[name] = {"summary": table, "programs": rows}
    text = "\n".join(texts)
    print(text)
    if args.out is not None:
        args.out.mkdir(parents=True, exist_ok=True)
        atomic_write_text(args.out / "moments.json", json.dumps(results, indent=1))
        atomic_write_text(args.out / "moments.md", text + "\n")
    print(f"{time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
