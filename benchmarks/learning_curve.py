"""Validation error against the number of training programs, each given enough passes to reach
its best (a script, not a test).

    python benchmarks/learning_curve.py --cache RUN/cache [--sizes 256,1024,4096]
        [--budget 60000] [--max-epochs 120] [--out DIR]

The hypernetwork's shortfall is generalization to programs it has not seen
(`benchmarks/decoder_probe.py`). How fast does more data close it? For each size N this trains
the default recipe (`nsc train`'s objective, AdamW with warmup and cosine decay, batches of 32
programs x 192 rows drawn per step, 6 GGNN steps) on the cache's first N training programs for
`budget / N` epochs (at most `--max-epochs`), and scores the emitted surrogates on the cache's
validation programs (the same ones for every N, 128 fixed rows each, as `nsc train` does) about
25 times along the way. Prints and writes DIR/learning_curve.json, DIR/learning_curve.md and
DIR/learning_curve.png: the best validation error of each N, its epoch, and the training error
at the end.
"""

from __future__ import annotations

import argparse
import json
import math
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import torch

from nsc.backend.data import Example, fixed_batch, load_cache, sample_batch
from nsc.backend.hypernet import EmittedWeights, Hypernetwork
from nsc.backend.surrogate import masked_mse
from nsc.backend.tensors import Batch
from nsc.backend.train import VAL_ROWS, TrainConfig, schedule
from nsc.bench.report import pyplot, save_figure

Emit = Callable[[Sequence[Example], Batch], EmittedWeights]


def graph_model(config: TrainConfig, vocab_size: int) -> tuple[Hypernetwork, Emit]:
    """The default recipe's hypernetwork: the GGNN reads each program's graph."""
    hypernet = Hypernetwork(config.hypernet(vocab_size))
    return hypernet, lambda examples, programs: hypernet(programs)


def error(hypernet: Hypernetwork, emit: Emit, examples, batch_programs: int) -> float:
    """Mean normalized MSE of the emitted surrogates on each program's first VAL_ROWS rows."""
    hypernet.eval()
    errors = []
    with torch.no_grad():
        for i in range(0, len(examples), batch_programs):
            chunk = examples[i : i + batch_programs]
            batch = fixed_batch(chunk, min(VAL_ROWS, min(e.rows for e in chunk)))
            emitted = emit(chunk, batch.programs)
            pred = hypernet.family.forward(emitted.params, batch.x)
            errors.append(masked_mse(pred, batch.y, emitted.out_mask))
    return float(torch.cat(errors).mean())


def curve_for(
    config: TrainConfig,
    vocab_size: int,
    train_set,
    val_set,
    epochs: int,
    log,
    build: Callable[[TrainConfig, int], tuple[Hypernetwork, Emit]] = graph_model,
) -> dict:
    """Train one model (`build`: the hypernetwork to train, its parameters all in the optimizer,
    and how it emits a batch's surrogates) on `train_set`; its validation curve and best."""
    torch.manual_seed(config.seed)
    hypernet, emit = build(config, vocab_size)
    optimizer = torch.optim.AdamW(
        hypernet.parameters(), lr=config.lr, weight_decay=config.weight_decay
    )
    per_epoch = max(1, len(train_set) // config.batch_programs)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, schedule(config, per_epoch * epochs))
    every = max(1, epochs // 25)
    points = []
    start_train = error(hypernet, emit, train_set, config.batch_programs)
    start = time.perf_counter()
    for epoch in range(epochs):
        hypernet.train()
        order = np.random.default_rng([config.seed, epoch]).permutation(len(train_set))
        for step in range(per_epoch):
            chosen = order[step * config.batch_programs : (step + 1) * config.batch_programs]
            rng = np.random.default_rng([config.seed, epoch, step])
            examples = [train_set[i] for i in chosen]
            batch = sample_batch(examples, config.samples_per_program, rng)
            optimizer.zero_grad(set_to_none=True)
            emitted = emit(examples, batch.programs)
            pred = hypernet.family.forward(emitted.params, batch.x)
            mse = masked_mse(pred, batch.y, emitted.out_mask).mean()
            (mse + config.penalty * emitted.penalty).backward()
            torch.nn.utils.clip_grad_norm_(hypernet.parameters(), config.clip)
            optimizer.step()
            scheduler.step()
        if (epoch + 1) % every == 0 or epoch + 1 == epochs:
            points.append([epoch + 1, error(hypernet, emit, val_set, config.batch_programs)])
            log(f"N={len(train_set)} epoch {epoch + 1}/{epochs}: validation {points[-1][1]:.4f}")
    best_epoch, best = min(points, key=lambda p: p[1])
    return {
        "programs": len(train_set),
        "epochs": epochs,
        "steps": per_epoch * epochs,
        "best_val": best,
        "best_epoch": best_epoch,
        "start_train": start_train,
        "final_train": error(hypernet, emit, train_set, config.batch_programs),
        "val_curve": points,
        "seconds": time.perf_counter() - start,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, required=True, help="a run's encoded corpus")
    parser.add_argument("--sizes", default="256,1024,4096")
    add_run_options(parser)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    vocab, train_set, val_set = load_cache(args.cache)
    config = TrainConfig(data="", steps=args.steps)
    sizes = [min(int(s), len(train_set)) for s in args.sizes.split(",")]
    result = run_sizes(config, len(vocab), train_set, val_set, sizes, args)
    write_results(result, "", args.out, "learning_curve")
    if args.out is not None:
        plot(result, args.out / "learning_curve.png")


def add_corpus_options(parser: argparse.ArgumentParser) -> None:
    """The inputs of a probe that reads each program from the corpus as well as the cache."""
    parser.add_argument("--cache", type=Path, required=True, help="a run's encoded corpus")
    parser.add_argument("--corpus", type=Path, required=True, help="the corpus it encodes")
    parser.add_argument("--sizes", default="4096")


def add_run_options(parser: argparse.ArgumentParser) -> None:
    """The options every probe built on `run_sizes` shares."""
    parser.add_argument("--budget", type=int, default=60000, help="program-steps per size")
    parser.add_argument("--max-epochs", type=int, default=120)
    parser.add_argument("--steps", type=int, default=6, help="GGNN steps (the default's 6)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--out", type=Path, default=None)


def run_sizes(
    config: TrainConfig, vocab_size: int, train_set, val_set, sizes, args, build=graph_model
) -> dict:
    """One `curve_for` per size, each on the first N training programs for `args.budget / N`
    epochs (at most `args.max_epochs`), with the centre's validation error beside them."""
    centre = float(
        np.mean(
            [np.mean(np.clip(e.y[:VAL_ROWS], -10, 10).astype(np.float64) ** 2) for e in val_set]
        )
    )
    print(f"{len(train_set)} training programs, {len(val_set)} validation; centre {centre:.4f}")
    result = {"centre": centre, "validation_programs": len(val_set), "sizes": []}
    for n in sizes:
        epochs = max(1, min(args.max_epochs, math.ceil(args.budget / n)))
        run = curve_for(config, vocab_size, train_set[:n], val_set, epochs, print, build)
        result["sizes"].append(run)
    return result


def write_results(result: dict, heading: str, out: Path | None, stem: str) -> None:
    """Print the table of sizes; with `out`, write it as OUT/STEM.md and the runs as STEM.json."""
    lines = [
        f"{heading}Validation programs: {result['validation_programs']}; "
        f"predicting the calibration centre: {result['centre']:.4f}",
        "",
        "| training programs | epochs | steps | best validation MSE | at epoch | "
        "training MSE at the end | seconds |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in result["sizes"]:
        lines.append(
            f"| {r['programs']} | {r['epochs']} | {r['steps']} | {r['best_val']:.4f} | "
            f"{r['best_epoch']} | {r['final_train']:.4f} | {r['seconds']:.0f} |"
        )
    print("\n".join(lines))
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        (out / f"{stem}.json").write_text(json.dumps(result, indent=1))
        (out / f"{stem}.md").write_text("\n".join(lines) + "\n")


def plot(result: dict, path: Path) -> None:
    plt = pyplot()
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    for r in result["sizes"]:
        epochs, vals = zip(*r["val_curve"], strict=True)
        left.plot(epochs, vals, label=f"N = {r['programs']}")
    left.set_xlabel("epoch")
    left.set_ylabel("validation MSE")
    left.legend(fontsize=8)
    sizes = [r["programs"] for r in result["sizes"]]
    right.plot(sizes, [r["best_val"] for r in result["sizes"]], marker="o", label="best validation")
    right.plot(sizes, [r["final_train"] for r in result["sizes"]], marker="s", label="training")
    right.axhline(result["centre"], color="grey", linestyle=":", label="calibration centre")
    right.set_xscale("log")
    right.set_xticks(sizes, [str(n) for n in sizes])
    right.minorticks_off()
    right.set_xlabel("training programs")
    right.set_ylabel("MSE")
    right.legend(fontsize=8)
    save_figure(fig, path)


if __name__ == "__main__":
    main()
