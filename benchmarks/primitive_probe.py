"""Zero-shot error on functions a person would call trivial: x, x + y, x * y, sin(3x), |x|, ...

    python benchmarks/primitive_probe.py --model M [--model M2 ...] [--out DIR]

Each probe is a one-line C function of one to six double inputs, written here, built like the
corpus (O2 + canonicalize, the same graph) with 1280 oracle samples, and scored exactly as
`eval_zero_shot.py` scores a kernel: the first 256 rows calibrate the normalization, the other
1024 are the test rows, normalized MSE (predicting the calibration median gives about 1) and
`r`, the correlation of the compiled surrogate's outputs with the truth. Random init is the same
surrogate family with the seed `eval_zero_shot.py` gives the program's position.

A model that has learned what the IR's operations compute should be near exact on these; one
that has learned only the typical output of a program is not. Each `--model` gets a column of
normalized MSE and one of r, beside random init and the calibration rows' mean; writes probe.md and probe.json into --out when given.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import torch
from eval_zero_shot import CALIBRATION, TEST, build_sources, errors

from nsc.backend.model import load_model
from nsc.data.dataset import DatasetConfig
from nsc.data.shards import ProgramRecord
from nsc.diagnostics import NscError
from nsc.fileio import atomic_write_text
from nsc.nscc import find_model

# name: (parameters with their ranges, the returned expression)
PROBES: dict[str, tuple[dict[str, tuple[float, float]], str]] = {
    "identity": ({"x": (-1, 1)}, "x"),
    "affine": ({"x": (-1, 1)}, "2.5 * x - 1.0"),
    "sum": ({"x": (-1, 1), "y": (-1, 1)}, "x + y"),
    "linear3": ({"x": (-1, 1), "y": (-1, 1), "z": (-1, 1)}, "2.0 * x - 0.5 * y + 0.25 * z"),
    "product": ({"x": (-1, 1), "y": (-1, 1)}, "x * y"),
    "square": ({"x": (-1, 1)}, "x * x"),
    "cube": ({"x": (-1, 1)}, "x * x * x"),
    "abs": ({"x": (-1, 1)}, "fabs(x)"),
    "relu": ({"x": (-1, 1)}, "fmax(x, 0.0)"),
    "max": ({"x": (-1, 1), "y": (-1, 1)}, "fmax(x, y)"),
    "sign": ({"x": (-1, 1)}, "x > 0.0 ? 1.0 : -1.0"),
    "sine": ({"x": (-1, 1)}, "sin(3.0 * x)"),
    "exp": ({"x": (-1, 1)}, "exp(2.0 * x)"),
    "log": ({"x": (0.1, 10)}, "log(x)"),
    "sqrt": ({"x": (0, 4)}, "sqrt(x)"),
    "reciprocal": ({"x": (0.5, 4)}, "1.0 / x"),
    "sigmoid": ({"x": (-6, 6)}, "1.0 / (1.0 + exp(-x))"),
    "lerp": ({"a": (-1, 1), "b": (-1, 1), "t": (0, 1)}, "a + t * (b - a)"),
    "hypot": ({"x": (-1, 1), "y": (-1, 1)}, "sqrt(x * x + y * y)"),
    "distance3": (
        {"px": (0, 1), "py": (0, 1), "pz": (0, 1), "qx": (0, 1), "qy": (0, 1), "qz": (0, 1)},
        "sqrt((px - qx) * (px - qx) + (py - qy) * (py - qy) + (pz - qz) * (pz - qz))",
    ),
}


def source(name: str) -> str:
    params, body = PROBES[name]
    lines = ["#include <math.h>", f"#pragma nsc entry({name}_fn)"]
    lines += [f"#pragma nsc range({p}, {lo}, {hi})" for p, (lo, hi) in params.items()]
    args = ", ".join(f"double {p}" for p in params)
    lines.append(f"double {name}_fn({args}) {{ return {body}; }}")
    return "\n".join(lines) + "\n"


def probes() -> list[ProgramRecord]:
    sources = {name: source(name) for name in PROBES}
    records = build_sources(sources, DatasetConfig(samples=CALIBRATION + TEST))
    if len(records) != len(PROBES):
        raise SystemExit("a probe was dropped (above)")
    return records


def geomean(values: list[float]) -> float:
    return float(np.exp(np.mean(np.log(np.maximum(values, 1e-12)))))


def table(models: list[str], rows: dict[str, dict[str, dict[str, float]]]) -> str:
    first = rows[models[0]]
    head = (
        "| probe | "
        + " | ".join(f"{m}: nMSE | r" for m in models)
        + " | random | calibration mean |"
    )
    lines = [head, "|---" * (2 * len(models) + 3) + "|"]
    for name in PROBES:
        cells = " | ".join(
            f"{rows[m][name]['compiled']:.3g} | {rows[m][name]['r']:+.2f}" for m in models
        )
        base = first[name]
        lines.append(f"| {name} | {cells} | {base['random']:.3g} | {base['mean']:.3g} |")
    means = " | ".join(
        f"{geomean([rows[m][n]['compiled'] for n in PROBES]):.3g} | "
        f"{np.median([rows[m][n]['r'] for n in PROBES]):+.2f}"
        for m in models
    )
    lines.append(
        f"| geometric mean (median r) | {means} | "
        f"{geomean([first[n]['random'] for n in PROBES]):.3g} | "
        f"{geomean([first[n]['mean'] for n in PROBES]):.3g} |"
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--model",
        action="append",
        required=True,
        help="a name (default, fused), a file or a run; repeat to compare",
    )
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    start = time.perf_counter()
    records = probes()
    rows = {}
    for spec in args.model:
        try:  # a name, a file or a run folder
            model = load_model(find_model(spec, "compiled")[0])
        except NscError as err:
            raise SystemExit(f"--model {spec}: {err}") from None
        rows[spec] = {r.name: errors(model, r, seed=i) for i, r in enumerate(records)}
    text = table(args.model, rows)
    print(text)
    if args.out is not None:
        args.out.mkdir(parents=True, exist_ok=True)
        atomic_write_text(args.out / "probe.md", text + "\n")
        atomic_write_text(args.out / "probe.json", json.dumps(rows, indent=1))
    print(f"\n{time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
