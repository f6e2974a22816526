"""Is it the encoder or the heads? Fit a few hundred training programs three ways (a script, not
a test).

    python benchmarks/decoder_probe.py --cache RUN/cache [--programs 512] [--epochs 40]
        [--direct-steps 1000] [--code-lr 0.05] [--out DIR]

The hypernetwork cannot even memorize its training programs (docs/results.md, diagnosis 2: on
486 programs the training error falls from 2.05 only to 0.76 in 40 epochs). Either the encoder
cannot learn the map from a graph to what the heads need, or the heads (bases plus deltas from
128-wide layers) cannot emit the weights that fit a program, whatever they are told. On the same
programs, rows and schedule (the default recipe's `Objective`, AdamW, warmup and cosine decay,
fixed batches of 32 programs, every training row a step):

- `encoder`: the hypernetwork as `nsc train` trains it;
- `free codes`: the same heads and bases, but each program's node states and graph embedding
  are free parameters (started at the encoder's output at initialization), trained with them
  (at `--code-lr`: a code steps once an epoch): an encoder that could produce any code it liked;
- `direct`: each program's surrogate weights themselves, started at the emitted ones and fitted
  by full-batch Adam (lr 0.012, `--direct-steps` steps): the surrogate family's own floor.

Prints and writes DIR/decoder_probe.json and DIR/decoder_probe.png: the mean training MSE of
each after every epoch, beside predicting the calibration centre.
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import torch

from nsc.backend.data import fixed_batch, load_cache
from nsc.backend.encoder import Encoded
from nsc.backend.hypernet import Hypernetwork
from nsc.backend.surrogate import masked_mse
from nsc.backend.train import TrainConfig, schedule
from nsc.bench.report import pyplot, save_figure


def batches(examples, size: int):
    rows = min(e.rows for e in examples)
    return [fixed_batch(examples[i : i + size], rows) for i in range(0, len(examples), size)]


def mean_mse(hypernet, data, codes=None) -> float:
    errors = []
    with torch.no_grad():
        for b, batch in enumerate(data):
            encoded = codes[b] if codes is not None else hypernet.encoder(batch.programs)
            emitted = hypernet.emit(batch.programs, encoded)
            pred = hypernet.family.forward(emitted.params, batch.x)
            errors.append(masked_mse(pred, batch.y, emitted.out_mask))
    return float(torch.cat(errors).mean())


def train_hypernet(config: TrainConfig, net, data, epochs: int, free: bool, code_lr: float, log):
    torch.manual_seed(config.seed)
    hypernet = Hypernetwork(net)
    codes = None
    groups = [{"params": [p for n, p in hypernet.named_parameters() if p.requires_grad]}]
    if free:
        with torch.no_grad():
            codes = [hypernet.encoder(batch.programs) for batch in data]
        codes = [
            Encoded(c.nodes.clone().requires_grad_(), c.graphs.clone().requires_grad_())
            for c in codes
        ]
        groups = [
            {"params": [p for n, p in hypernet.named_parameters() if not n.startswith("encoder")]},
            {
                "params": [t for c in codes for t in (c.nodes, c.graphs)],
                "lr": code_lr,  # each code steps once an epoch, the shared weights every step
                "weight_decay": 0.0,
            },
        ]
    optimizer = torch.optim.AdamW(groups, lr=config.lr, weight_decay=config.weight_decay)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, schedule(config, len(data) * epochs))
    curve = [mean_mse(hypernet, data, codes)]
    order_rng = np.random.default_rng(config.seed)
    start = time.perf_counter()
    for epoch in range(epochs):
        hypernet.train()
        for b in order_rng.permutation(len(data)):
            batch = data[b]
            optimizer.zero_grad(set_to_none=True)
            encoded = codes[b] if free else hypernet.encoder(batch.programs)
            emitted = hypernet.emit(batch.programs, encoded)
            pred = hypernet.family.forward(emitted.params, batch.x)
            mse = masked_mse(pred, batch.y, emitted.out_mask).mean()
            (mse + config.penalty * emitted.penalty).backward()
            torch.nn.utils.clip_grad_norm_([p for g in groups for p in g["params"]], config.clip)
            optimizer.step()
            scheduler.step()
        hypernet.eval()
        curve.append(mean_mse(hypernet, data, codes))
        log(f"{'free codes' if free else 'encoder'} epoch {epoch + 1}: {curve[-1]:.4f}")
    return hypernet, curve, time.perf_counter() - start


def direct(hypernet, data, steps: int, lr: float, log) -> list[float]:
    """Each program's emitted weights (at the probe's initialization) fitted directly."""
    curve_sums = np.zeros(steps // 100 + 1)
    count = 0
    for batch in data:
        with torch.no_grad():
            emitted = hypernet.emit(batch.programs, hypernet.encoder(batch.programs))
        params = emitted.params.detached()
        optimizer = torch.optim.Adam(params.tensors(), lr=lr)
        mask = emitted.out_mask
        points = []
        for step in range(steps + 1):
            loss = masked_mse(hypernet.family.forward(params, batch.x), batch.y, mask)
            if step % 100 == 0:
                points.append(float(loss.detach().sum()))
            if step == steps:
                break
            optimizer.zero_grad(set_to_none=True)
            loss.sum().backward()
            optimizer.step()
        curve_sums += np.array(points)
        count += batch.x.shape[0]
    curve = list(curve_sums / count)
    log(f"direct: {', '.join(f'{v:.4f}' for v in curve)} (every 100 steps)")
    return curve


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, required=True, help="a run's encoded corpus")
    parser.add_argument("--programs", type=int, default=512)
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--steps", type=int, default=6, help="GGNN steps (the default's 6)")
    parser.add_argument("--direct-steps", type=int, default=1000)
    parser.add_argument("--code-lr", type=float, default=0.05, help="AdamW's rate for the codes")
    parser.add_argument("--head-dim", type=int, default=128, help="the heads' width")
    parser.add_argument("--delta-gain", type=float, default=0.3, help="the heads' last layer")
    parser.add_argument("--penalty", type=float, default=1e-3, help="on the mean squared delta")
    parser.add_argument("--variants", default="encoder,free,direct")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    if args.direct_steps < 100 or args.direct_steps % 100:
        parser.error("--direct-steps is a positive multiple of 100 (the curve's spacing)")
    torch.set_num_threads(args.threads)
    vocab, train_set, _ = load_cache(args.cache)
    examples = train_set[: args.programs]
    config = TrainConfig(
        data="", steps=args.steps, epochs=args.epochs, head_dim=args.head_dim, penalty=args.penalty
    )
    net = replace(config.hypernet(len(vocab)), delta_gain=args.delta_gain)
    variants = args.variants.split(",")
    data = batches(examples, config.batch_programs)
    centre = float(
        torch.cat(
            [masked_mse(torch.zeros_like(b.y), b.y, b.programs.outputs.mask()) for b in data]
        ).mean()
    )
    print(f"{len(examples)} programs, {data[0].x.shape[1]} rows each; centre {centre:.4f}")
    result = {"programs": len(examples), "rows": int(data[0].x.shape[1]), "centre": centre}
    result["settings"] = {k: v for k, v in vars(args).items() if k not in ("cache", "out")}
    for free in (False, True):
        if ("free" if free else "encoder") not in variants:
            continue
        hypernet, curve, seconds = train_hypernet(
            config, net, data, args.epochs, free, args.code_lr, print
        )
        result["free_codes" if free else "encoder"] = {"curve": curve, "seconds": seconds}
    if "direct" in variants:
        torch.manual_seed(config.seed)
        start_net = Hypernetwork(net)
        result["direct"] = {
            "curve": direct(start_net, data, args.direct_steps, 0.012, print),
            "every": 100,
        }
    if args.out is not None:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "decoder_probe.json").write_text(json.dumps(result, indent=1))
        plot(result, args.out / "decoder_probe.png")
    print(
        json.dumps(
            {k: v["curve"][-1] for k, v in result.items() if isinstance(v, dict) and "curve" in v}
        )
    )


def plot(result: dict, path: Path) -> None:
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(6, 4))
    for key, label in (("encoder", "encoder (nsc train)"), ("free_codes", "free codes")):
        if key in result:
            ax.plot(result[key]["curve"], label=label)
    ax.axhline(result["centre"], color="grey", linestyle=":", label="calibration centre")
    if "direct" in result:
        ax.axhline(result["direct"]["curve"][-1], color="black", linestyle="--", label="direct")
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel(f"training MSE ({result['programs']} programs)")
    ax.legend(fontsize=8)
    save_figure(fig, path)


if __name__ == "__main__":
    main()
