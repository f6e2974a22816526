"""Zero-shot proof: compiled surrogates vs random, dataset-tailored and meta inits, no fine-tuning.

    python benchmarks/eval_zero_shot.py --train-corpus W/corpus --work W/eval [--model M]

Programs: held-out generated programs (seed 1, none of whose canonical IR hash is in the training
corpus) and every `examples/*.c` kernel, each built like the corpus (O2 + canonicalize, the same
graph) with 1280 oracle samples: the first 256 calibrate the normalization (statistics only), the
other 1024 are the test rows. Metric: normalized MSE, the MSE in the standardized output space
(predicting the calibration median gives about 1). Every method uses the same surrogate family
and normalization; none is fitted to the program's samples. `r` is the correlation of the compiled
surrogate's outputs with the truth over the test rows (median over output scalars): near 0, the
model has not understood the program, whatever its MSE. A model trained with fusion features
(`nsc train --fusion`) reads what each instruction computed on the calibration rows.
"""

from __future__ import annotations

import argparse
import json
import math
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

from nsc.backend.arrays import program_tensors
from nsc.backend.baselines import random_params
from nsc.backend.data import calibrate, observed_features, standardize
from nsc.backend.model import CompilerModel, load_model
from nsc.data import ingest
from nsc.data.dataset import DatasetConfig, build_dataset, read_corpus
from nsc.data.shards import ProgramRecord
from nsc.ir.graph import program_graph
from nsc.ir.observe import FUSION_DIM

ROOT = Path(__file__).resolve().parent.parent
CALIBRATION, TEST = 256, 1024
METHODS = ("compiled", "random", "tailored", "meta", "mean")
# kernels whose roles need command-line flags; the same roles as pragmas
PRAGMAS = {"inversek2j_plain.c": "#pragma nsc input(x)\n#pragma nsc input(y)\n"}


def training_hashes(corpus: Path) -> set[str]:
    hashes = set()
    for header in sorted(corpus.glob("shard-*.json")):
        hashes.update(p["hash"] for p in json.loads(header.read_text())["programs"])
    return hashes


def heldout(
    work: Path, count: int, workers: int, exclude: set[str], reuse: Path | None = None
) -> list[ProgramRecord]:
    """Held-out generated programs: built into `work`, or read from an earlier run's folder
    (`reuse`), so models trained at different times meet the same programs."""
    if reuse is None:
        config = DatasetConfig(samples=CALIBRATION + TEST, shard_size=50)
        build_dataset(
            work / "heldout", count=count, seed=1, workers=workers, config=config, progress=False
        )
    return [r for r in read_corpus(reuse or work / "heldout") if r.hash not in exclude]


def examples() -> list[ProgramRecord]:
    paths = sorted((ROOT / "examples").glob("*.c"))
    sources = {path.name: PRAGMAS.get(path.name, "") + path.read_text() for path in paths}
    return build_sources(sources, DatasetConfig(samples=CALIBRATION + TEST, max_bad_fraction=0.1))


def build_sources(sources: dict[str, str], config: DatasetConfig) -> list[ProgramRecord]:
    """Each C text, by name, built as the corpus builds a program (from a file of that name, .c
    added when missing); a dropped one is named and left out."""
    records = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, (name, source) in enumerate(sources.items()):
            path = Path(tmp) / (name if name.endswith(".c") else f"{name}.c")
            path.write_text(source)
            record = ingest.build_program(ingest.Item(i, name, path=str(path)), 0, config, {})
            if isinstance(record, ingest.Drop):
                print(f"{name}: dropped: {record.reason}: {record.message}")
                continue
            records.append(record)
    return records


def errors(model: CompilerModel, record: ProgramRecord, seed: int) -> dict[str, float]:
    """Normalized test MSE of each method on one program."""
    norm = calibrate(record, CALIBRATION)
    _, y_cal = standardize(record, norm, slice(0, CALIBRATION))
    x, y = standardize(record, norm, slice(CALIBRATION, None))
    x_t, y_t = torch.from_numpy(x), torch.from_numpy(y).double()
    # built again from the IR, as training and nscc build it: shards do not keep the element
    # marks (`reads`, `writes`) that a model trained with --touches reads
    graph = program_graph(record.ir, record.signature)
    if model.config.fusion_dim:  # what each instruction computed on the calibration rows
        observed = observed_features(record, graph, CALIBRATION)
        tensors = program_tensors(
            graph, model.vocab, record.signature, fusion=observed, fusion_dim=FUSION_DIM
        )
    else:
        tensors = model.tensors(graph, record.signature)
    family = model.hypernet.family
    # a run's checkpoint has no baselines beside it: those methods are left out (NaN)
    inits = ["compiled", *(b for b in ("tailored", "meta") if b in model.baselines)]
    params = {init: model.emit([tensors], init)[0] for init in inits}
    params["random"] = random_params(family, x.shape[1], y.shape[1], seed)
    out = {"tailored": math.nan, "meta": math.nan}
    with torch.no_grad():
        for name, p in params.items():
            pred = family.forward(p, x_t).double()
            out[name] = float(((pred - y_t) ** 2).mean())
            if name == "compiled":
                out["r"] = correlation(pred.numpy(), y_t.numpy())
    centre = torch.from_numpy(y_cal.mean(axis=0)).double()
    out["mean"] = float(((centre - y_t) ** 2).mean())
    return out


def correlation(pred: np.ndarray, truth: np.ndarray) -> float:
    """Median over output columns of Pearson's r (0 where either side is constant)."""
    a, b = pred - pred.mean(axis=0), truth - truth.mean(axis=0)
    denom = np.sqrt((a * a).mean(axis=0) * (b * b).mean(axis=0))
    r = np.where(denom > 0, (a * b).mean(axis=0) / np.where(denom > 0, denom, 1.0), 0.0)
    return float(np.median(r))


def summary(rows: list[dict[str, float]]) -> dict[str, dict[str, float]]:
    table = {}
    for method in METHODS:
        values = np.asarray([r[method] for r in rows])
        table[method] = {
            "median": float(np.median(values)),
            "geomean": float(np.exp(np.mean(np.log(np.maximum(values, 1e-12))))),
            "mean": float(np.mean(values)),
        }
    ratio = [r["random"] / max(r["compiled"], 1e-12) for r in rows]
    table["ratio random/compiled"] = {
        "median": float(np.median(ratio)),
        "geomean": float(np.exp(np.mean(np.log(ratio)))),
        "compiled beats random": float(np.mean([r["compiled"] < r["random"] for r in rows])),
        "compiled beats mean": float(np.mean([r["compiled"] < r["mean"] for r in rows])),
        "median r": float(np.median([r["r"] for r in rows])),
    }
    return table


def markdown(name: str, rows: list[dict[str, float]], table: dict) -> str:
    lines = [
        f"### {name} ({len(rows)} programs)",
        "",
        "| method | median | geometric mean | mean |",
        "| --- | --- | --- | --- |",
    ]
    for method in METHODS:
        t = table[method]
        lines.append(f"| {method} | {t['median']:.4g} | {t['geomean']:.4g} | {t['mean']:.4g} |")
    r = table["ratio random/compiled"]
    lines += [
        "",
        f"random/compiled ratio: median {r['median']:.3g}, geometric mean "
        f"{r['geomean']:.3g}; compiled beats random on {100 * r['compiled beats random']:.0f}%"
        f" of programs and the mean predictor on {100 * r['compiled beats mean']:.0f}%; "
        f"median correlation of compiled with the truth r = {r['median r']:.2f}.",
        "",
    ]
    return "\n".join(lines)


def per_program(rows: list[dict]) -> str:
    lines = ["| kernel | " + " | ".join(METHODS) + " | r |", "|---" * (len(METHODS) + 2) + "|"]
    for r in rows:
        cells = " | ".join(f"{r[m]:.3g}" for m in METHODS)
        lines.append(f"| {r['name']} | {cells} | {r['r']:+.2f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train-corpus", type=Path, required=True)
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument(
        "--reuse-heldout", type=Path, default=None, help="an earlier run's heldout folder"
    )
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    start = time.perf_counter()
    model = load_model(args.model)
    sets = {
        "held-out generated programs": heldout(
            args.work,
            args.count,
            args.workers,
            training_hashes(args.train_corpus),
            args.reuse_heldout,
        ),
        "examples/*.c kernels": examples(),
    }
    report, results = [], {}
    for name, records in sets.items():
        rows = [{"name": r.name, **errors(model, r, seed=i)} for i, r in enumerate(records)]
        rows = [r for r in rows if all(math.isfinite(r[m]) for m in ("compiled", "random", "mean"))]
        table = summary(rows)
        results[name] = {"summary": table, "programs": rows}
        report.append(markdown(name, rows, table))
        if name.startswith("examples"):
            report.append(per_program(rows))
    text = "\n".join(report)
    print(text)
    args.work.mkdir(parents=True, exist_ok=True)
    (args.work / "zero_shot.json").write_text(json.dumps(results, indent=1))
    (args.work / "zero_shot.md").write_text(text + "\n")
    print(f"\n{time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
