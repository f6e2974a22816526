"""Tune the latent phase of `nsc bench data-efficiency --latent` on generated programs that are
not evaluation programs: generator seeds from 2*10**9 (the bench's held-out programs start at
10**9; examples/*.c are never used here).

For every program, size and setting (latent learning rate x patience x epoch cap) it runs the
whole `latent` method (latent phase, then the weight-space fit) with the bench's protocol and
data, and `compiled` beside it; it prints, per setting, the geometric mean over programs of
compiled's mean test loss / latent's (above 1: latent is better) per size, and latent's mean
epochs, and writes everything as JSON.

    python benchmarks/tune_latent.py --programs 6 --seeds 3 --lrs 0.003,0.01,0.03,0.1 \\
        --patiences 50 --out /tmp/tune_latent.json
"""

from __future__ import annotations

import argparse
import itertools
import json
import multiprocessing
import os
import tempfile
import time
import zlib
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

from nsc.bench.data_efficiency import BenchConfig, Program, heldout_programs

TUNE_SEED_BASE = 2 * 10**9


def tune_program(
    program: Program, config: BenchConfig, settings: list[tuple[float, int, int]]
) -> dict:
    """compiled's and each setting's per-size mean test loss and epochs on one program."""
    import torch

    from nsc.bench.data_efficiency import (
        ProgramResult,
        _program_arrays,
        initial_params,
        load_inits,
        prepare,
    )
    from nsc.bench.fitting import fit_best
    from nsc.bench.latent import LatentSettings, latent_runs

    torch.set_num_threads(1)
    model = load_inits(config.model)[0]["compiled"]
    sig, data, calib = prepare(program, config, zlib.crc32(program.name.encode()))
    arrays = _program_arrays(
        program, sig, {"compiled": model}, calib, config, ProgramResult(program)
    )
    tensors = arrays["compiled"]
    start = initial_params("compiled", model, tensors, 0, 0, model.hidden, 0)
    orders = [np.random.default_rng([s, 7]).permutation(config.pool) for s in range(config.seeds)]
    out: dict = {"program": program.name, "sizes": {}}
    for size in config.sizes:
        subsets = [order[: config.rows(size)] for order in orders]
        t0 = time.perf_counter()
        fits = fit_best(model_family(model), [start] * config.seeds, data, subsets, config, False)
        row = {"compiled": _summary(fits, time.perf_counter() - t0)}
        for lr, patience, cap in settings:
            t0 = time.perf_counter()
            chosen = LatentSettings(lr=lr, epochs=cap, patience=patience)
            fits = latent_runs(model, tensors, data, subsets, config, False, chosen)
            row[_key(lr, patience, cap)] = _summary(fits, time.perf_counter() - t0)
        out["sizes"][str(size)] = row
    return out


def model_family(model):
    from nsc.backend.surrogate import MLPFamily

    return MLPFamily(model.hidden, model.activation)


def _summary(fits, seconds: float) -> dict:
    return {
        "loss": float(np.mean([f.test_loss for f in fits])),
        "epochs": float(np.mean([f.epochs_run for f in fits])),
        "seconds": seconds,
    }


def _key(lr: float, patience: int, cap: int) -> str:
    return f"lr={lr:g} patience={patience} epochs={cap}"


def table(results: list[dict], keys: list[str], sizes: list[float]) -> str:
    """Per setting: geomean over programs of compiled loss / latent loss, per size."""
    lines = ["| setting | " + " | ".join(f"{s:g}%" for s in sizes) + " | all | epochs@100% |"]
    lines.append("|---" * (len(sizes) + 3) + "|")
    for key in keys:
        cells, every = [], []
        for size in sizes:
            ratios = [
                r["sizes"][str(size)]["compiled"]["loss"] / r["sizes"][str(size)][key]["loss"]
                for r in results
            ]
            every += ratios
            cells.append(f"{np.exp(np.mean(np.log(ratios))):.3f}")
        epochs = np.mean([r["sizes"][str(max(sizes))][key]["epochs"] for r in results])
        overall = np.exp(np.mean(np.log(every)))
        lines.append(f"| {key} | " + " | ".join(cells) + f" | {overall:.3f} | {epochs:.0f} |")
    return "\n".join(lines)


def _numbers(text: str, kind=float) -> list:
    return [kind(v) for v in text.split(",")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--programs", type=int, default=6)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--sizes", default="0.1,1,10,100")
    parser.add_argument("--lrs", default="0.003,0.01,0.03,0.1")
    parser.add_argument("--patiences", default="50")
    parser.add_argument("--epochs", default="1000", help="caps of the latent phase's epochs")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    sizes = tuple(sorted({*_numbers(args.sizes), 100.0}))  # `fit` needs no 100, the config does
    config = BenchConfig(seeds=args.seeds, sizes=sizes)
    settings = list(
        itertools.product(
            _numbers(args.lrs), _numbers(args.patiences, int), _numbers(args.epochs, int)
        )
    )
    folder = Path(tempfile.mkdtemp(prefix="tune-latent-"))
    programs = heldout_programs(args.programs, folder, None, seed_base=TUNE_SEED_BASE)
    print("programs:", ", ".join(p.name for p in programs), f"({os.getloadavg()[0]:.2f} load)")
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(args.workers, mp_context=context) as pool:
        jobs = [pool.submit(tune_program, p, config, settings) for p in programs]
        results = []
        for job in jobs:
            results.append(job.result())
            print("done:", results[-1]["program"], flush=True)
    keys = [_key(*s) for s in settings]
    report = table(results, keys, list(config.sizes))
    print(report)
    tmp = args.out.with_suffix(".tmp")
    tmp.write_text(json.dumps({"settings": keys, "results": results}, indent=1))
    tmp.replace(args.out)


if __name__ == "__main__":
    main()
