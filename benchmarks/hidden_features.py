"""How diverse and how live a start's hidden units are, compiled against random init.

    python benchmarks/hidden_features.py [--model default] [--rows 1000] [--seed 0]

For each examples/ kernel, emits the model's surrogate (as `nscc` does, no calibration needed
for the weights) and a random init (seed 0, LeCun as in `nsc bench data-efficiency`), feeds both
the same uniform inputs in [-1, 1], and prints per hidden layer:
- the effective rank of the centred activations (exp of the entropy of the normalized squared
  singular values: the number of directions the units really span, at most the layer width);
- the fraction of pre-activations past |1.5| (tanh's slope there is under 0.19: such units pass
  little gradient when fine-tuning);
- the mean standard deviation of a unit's activation over the inputs.
Then the geometric mean of the effective-rank ratio (compiled / random) per layer.
"""

from __future__ import annotations

import argparse
import math

import numpy as np

from nsc.backend.arrays import program_tensors
from nsc.backend.npforward import EmittedArrays, emit, load_hypernet, random_init
from nsc.backend.objective import SATURATED
from nsc.bench.data_efficiency import EXAMPLE_INPUTS, EXAMPLES
from nsc.frontend import FrontendOptions, c_to_ir
from nsc.nscc import model_path
from nsc.pipeline import graph_passes, program_graph


def layer_stats(start: EmittedArrays, x: np.ndarray) -> list[tuple[float, float, float]]:
    """(effective rank, saturated fraction, mean unit std) of each hidden layer on inputs x."""
    out, h = [], x
    for w, b in zip(start.weights[:-1], start.biases[:-1], strict=True):
        pre = h @ w.T + b
        h = np.tanh(pre)
        s = np.linalg.svd(h - h.mean(axis=0), compute_uv=False)
        p = s**2 / max(float((s**2).sum()), 1e-30)
        rank = math.exp(-float((p * np.log(p + 1e-12)).sum()))
        out.append((rank, float((np.abs(pre) > SATURATED).mean()), float(h.std(axis=0).mean())))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="default")
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    model = load_hypernet(model_path(args.model))
    rng = np.random.default_rng(args.seed)
    depth = len(model.hidden)
    ratios: list[list[float]] = [[] for _ in range(depth)]
    cols = " | ".join(f"layer {i + 1}: rank, sat, std" for i in range(depth))
    print(f"model {model.model_id}\n\n| kernel | inputs | compiled {cols} | random {cols} |")
    print("| --- | --- | --- | --- |")
    for path in sorted(EXAMPLES.glob("*.c")):
        compiled = c_to_ir(path, FrontendOptions(inputs=EXAMPLE_INPUTS.get(path.stem, ())))
        ir = graph_passes(compiled, "O2")
        graph = program_graph(ir, compiled.signature, None)
        if model.fusion_dim:
            raise SystemExit("a fusion model needs calibration rows; use a static model")
        start = emit(model, program_tensors(graph, model.vocab, compiled.signature))
        n_in, n_out = start.weights[0].shape[1], start.weights[-1].shape[0]
        x = rng.uniform(-1, 1, (args.rows, n_in)).astype(np.float32)
        mine = layer_stats(start, x)
        theirs = layer_stats(random_init(model.hidden, n_in, n_out, 0), x)
        for i in range(depth):
            ratios[i].append(math.log(mine[i][0] / theirs[i][0]))
        show = lambda s: " / ".join(f"{r:.1f}, {f:.2f}, {d:.2f}" for r, f, d in s)  # noqa: E731
        print(f"| {path.stem} | {n_in} | {show(mine)} | {show(theirs)} |")
    means = ", ".join(f"layer {i + 1} {math.exp(np.mean(r)):.2f}x" for i, r in enumerate(ratios))
    print(f"\neffective rank, compiled over random (geometric mean): {means}")


if __name__ == "__main__":
    main()
