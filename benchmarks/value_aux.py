"""Observed values as a training signal only (a script, not a test).

    python benchmarks/value_aux.py --cache FUSED_RUN/cache [--sizes 4096] [--weight 1.0]
        [--budget 60000] [--max-epochs 120] [--out DIR]

Neural Code Fusion feeds a graph encoder what each instruction computed while the program ran;
`nsc train --fusion` does that, and the compiled model then needs those observations at compile
time. Here the encoder stays static (it never reads them), and the observations become a second
target while training: a linear head on every instruction's node state predicts the six
summaries `nsc.ir.observe` records for it on the calibration rows (runs per row, mean, spread,
minimum, maximum, non-zero fraction; each standardized over the training nodes), its mean
squared error added to the loss with `--weight`. Dense supervision, hundreds of targets a
program where the surrogate's loss has a few outputs: does it teach the encoder what
instructions compute, and so generalize better? `--weight 0` is the same run without it.

Needs a cache built with observations (`nsc train --fusion` writes one). Training and
validation follow `benchmarks/learning_curve.py` (the cache's first N training programs,
`budget / N` epochs, the same validation rows). Writes DIR/value_aux.json and DIR/value_aux.md.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

import numpy as np
import torch
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parent))
from learning_curve import add_run_options, run_sizes, write_results  # noqa: E402

from nsc.backend.data import load_cache  # noqa: E402
from nsc.backend.hypernet import Hypernetwork  # noqa: E402
from nsc.backend.train import TrainConfig  # noqa: E402
from nsc.ir.observe import FUSION_DIM  # noqa: E402


def value_model(weight: float, centre: np.ndarray, scale: np.ndarray, losses: list[float]):
    """A `curve_for` builder: the static hypernetwork, plus (training only, `weight` > 0) the
    observed-value loss folded into `EmittedWeights.penalty`, which the loop adds to the loss."""
    centre_t, scale_t = torch.from_numpy(centre), torch.from_numpy(scale)

    def build(config: TrainConfig, vocab_size: int):
        hypernet = Hypernetwork(config.hypernet(vocab_size))
        hypernet.values = nn.Linear(hypernet.encoder.dim, FUSION_DIM)

        def emit(examples, programs):
            static = dataclasses.replace(programs, fusion=programs.fusion[:, :0])
            encoded = hypernet.encoder(static)
            emitted = hypernet.emit(static, encoded)
            if weight <= 0 or not hypernet.training:
                return emitted
            seen = programs.fusion_mask > 0
            target = (programs.fusion[seen] - centre_t) / scale_t
            aux = (hypernet.values(encoded.nodes[seen]) - target).pow(2).mean()
            losses.append(float(aux.detach()))
            return dataclasses.replace(
                emitted, penalty=emitted.penalty + aux * (weight / config.penalty)
            )

        return hypernet, emit

    return build


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, required=True, help="a cache with observations")
    parser.add_argument("--sizes", default="4096")
    parser.add_argument("--weight", type=float, default=1.0)
    add_run_options(parser)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    vocab, train_set, val_set = load_cache(args.cache)
    sizes = [min(int(s), len(train_set)) for s in args.sizes.split(",")]
    observed = np.concatenate(
        [e.tensors.fusion[e.tensors.fusion_mask > 0] for e in train_set[: max(sizes)]]
    )
    if not observed.size:
        raise SystemExit(f"{args.cache}: no observations (build it with `nsc train --fusion`)")
    centre = observed.mean(0).astype(np.float32)
    scale = np.maximum(observed.std(0), 1e-3).astype(np.float32)
    losses: list[float] = []
    config = TrainConfig(data="", steps=args.steps)
    build = value_model(args.weight, centre, scale, losses)
    result = run_sizes(config, len(vocab), train_set, val_set, sizes, args, build)
    result |= {"weight": args.weight, "observed_nodes": int(observed.shape[0])}
    if losses:
        k = max(1, min(100, len(losses) // 4))  # steps averaged at each end (all sizes run)
        first, last = float(np.mean(losses[:k])), float(np.mean(losses[-k:]))
        result |= {"value_loss_first": first, "value_loss_last": last, "value_loss_steps": k}
        print(f"value loss (mean of {k} steps): {first:.4f} at the start, {last:.4f} at the end")
    heading = f"Observed values as a second target, weight {args.weight:g}. "
    write_results(result, heading, args.out, "value_aux")


if __name__ == "__main__":
    main()
