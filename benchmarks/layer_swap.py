"""Where a compiled start's advantage lives: swap its layers for random ones on validation programs.

    python benchmarks/layer_swap.py --run RUN [--model RUN/best.safetensors] [--steps 10] [--rows 16]

For every validation program of a training run (RUN/cache, the rows `nsc train` validates on),
prints the normalized MSE of several starts before and after `--steps` Adam steps (lr 0.012)
on the first `--rows` rows, both measured on the other rows: predicting 0 (the calibration
centre), random init (LeCun, each program's real widths), the emitted weights, the model's
program-independent bases, and the emitted weights with one layer (or the output bias) taken
from the random init instead. A script, not a test; one torch thread.
"""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

import torch

from nsc.backend.checkpoint import load_checkpoint
from nsc.backend.data import fixed_batch, load_cache
from nsc.backend.hypernet import EmittedWeights, HypernetConfig, Hypernetwork
from nsc.backend.objective import Adaptation
from nsc.backend.surrogate import SurrogateParams, masked_mse
from nsc.backend.train import VAL_ROWS


def random_like(hypernet: Hypernetwork, emitted: EmittedWeights, gen: torch.Generator):
    """LeCun-normal weights of each program's real widths, zero-padded as `emitted` is."""
    weights = [torch.zeros_like(w) for w in emitted.params.weights]
    biases = [torch.zeros_like(b) for b in emitted.params.biases]
    for k in range(len(emitted.in_widths)):
        init = hypernet.family.init(int(emitted.in_widths[k]), int(emitted.out_widths[k]), gen)
        for layer, (w, b) in enumerate(zip(init.weights, init.biases, strict=True)):
            weights[layer][k, : w.shape[0], : w.shape[1]] = w.detach()
            biases[layer][k, : b.shape[0]] = b.detach()
    return SurrogateParams(weights, biases)


def starts(hypernet: Hypernetwork, batch, gen: torch.Generator) -> dict[str, EmittedWeights]:
    emitted = hypernet(batch.programs)
    c, r = emitted.params, random_like(hypernet, emitted, gen)
    last = len(c.weights) - 1

    def mix(weights, biases) -> EmittedWeights:
        return dataclasses.replace(emitted, params=SurrogateParams(list(weights), list(biases)))

    return {
        "centre (all weights 0)": mix([w * 0 for w in c.weights], [b * 0 for b in c.biases]),
        "random": mix(r.weights, r.biases),
        "compiled": emitted,
        "bases (program-independent)": hypernet(batch.programs, modulate=False),
        "random, compiled output bias": mix(r.weights, [*r.biases[:last], c.biases[last]]),
        "random, compiled output layer": mix(
            [*r.weights[:last], c.weights[last]], [*r.biases[:last], c.biases[last]]
        ),
        "compiled, random output layer": mix(
            [*c.weights[:last], r.weights[last]], [*c.biases[:last], r.biases[last]]
        ),
        "compiled, random first layer": mix(
            [r.weights[0], *c.weights[1:]], [r.biases[0], *c.biases[1:]]
        ),
        "compiled, output weights 0": mix([*c.weights[:last], c.weights[last] * 0], c.biases),
    }


def load_run(run: Path, model: Path | None) -> tuple[list, Hypernetwork]:
    """A training run's validation examples and its model (`model`, else its best checkpoint),
    on one torch thread, in eval mode."""
    torch.set_num_threads(1)
    _, _, val_set = load_cache(run / "cache")
    saved = load_checkpoint(model or run / "best.safetensors")
    hypernet = Hypernetwork(HypernetConfig(**saved.meta["hypernet"]))
    hypernet.load_state_dict(saved.model_state())
    hypernet.eval()
    return val_set, hypernet


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run", type=Path, required=True, help="A training run's folder.")
    parser.add_argument("--model", type=Path, help="Default: RUN/best.safetensors.")
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--rows", type=int, default=16)
    args = parser.parse_args()
    val_set, hypernet = load_run(args.run, args.model)
    adapt = Adaptation(args.steps, args.rows, 0.012)
    gen = torch.Generator().manual_seed(0)
    before: dict[str, list[torch.Tensor]] = {}
    after: dict[str, list[torch.Tensor]] = {}
    for i in range(0, len(val_set), 32):
        chunk = val_set[i : i + 32]
        batch = fixed_batch(chunk, min(VAL_ROWS, min(e.rows for e in chunk)))
        x, y = batch.x[:, args.rows :], batch.y[:, args.rows :]
        with torch.no_grad():
            for name, start in starts(hypernet, batch, gen).items():
                pred = hypernet.family.forward(start.params, x)
                before.setdefault(name, []).append(masked_mse(pred, y, start.out_mask))
                moved = adapt.query_mse(hypernet.family, start, batch.x, batch.y)
                after.setdefault(name, []).append(moved)
    print(f"{len(val_set)} validation programs; MSE on rows {args.rows}-{VAL_ROWS - 1}")
    print(f"| start | zero-shot | after {args.steps} Adam steps on {args.rows} rows |")
    print("| --- | --- | --- |")
    for name in before:
        zero, tuned = torch.cat(before[name]).mean(), torch.cat(after[name]).mean()
        print(f"| {name} | {float(zero):.3f} | {float(tuned):.3f} |")


if __name__ == "__main__":
    main()
