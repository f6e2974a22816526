"""Train the shipped default model and its baselines, reproducibly.

    python benchmarks/train_default.py --work /work/train            # everything, resumable
    python benchmarks/train_default.py --work W --stage train         # one stage

Stages (each resumes; rerun the same command after a kill):
  datagen   `nsc datagen --count 75000 --samples 256 --seed 0` into W/corpus (generator
            version 3 keeps about 71,300 of them)
  train     `nsc train --data W/corpus --out W/run --epochs 4 --steps 6 --keep-epochs`
            (the hypernetwork)
  tailored  `nsc train ... --bases-only --out W/tailored` (dataset-tailored init)
  meta      Reptile over the bases on the training split of W/run/cache
  fused     `nsc train ... --fusion --steps 4 --epochs 10 --max-programs 24803 --out W/run_fused`
            (nodes also fed observed values; as many programs as the corpus of the first
            fused models held)
  ship      export W/run (its best-validation epoch) and the baselines into nsc/backend/models/,
            and the validation plot; W/run_fused, when trained, as models/fused.safetensors
            (`nscc --fusion`)
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import replace
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file

from nsc.backend.baselines import base_state, reptile, save_baselines
from nsc.backend.checkpoint import load_checkpoint
from nsc.backend.data import load_cache
from nsc.backend.hypernet import HypernetConfig, Hypernetwork
from nsc.backend.model import BASELINES_FILE, DEFAULT_MODEL, export_model
from nsc.backend.train import BEST, LAST, TrainConfig, train
from nsc.data.dataset import DatasetConfig, build_dataset
from nsc.pipeline import MODELS_DIR

ROOT = Path(__file__).resolve().parent.parent
STAGES = ("datagen", "train", "tailored", "meta", "fused", "ship")
FUSED_MODEL = MODELS_DIR / "fused.safetensors"


def config(work: Path, args: argparse.Namespace) -> TrainConfig:
    return TrainConfig(
        data=str(work / "corpus"),
        epochs=args.epochs,
        batch_programs=32,
        samples_per_program=192,  # every training row of a program: rows cost little
        lr=2e-3,
        warmup_steps=100,
        checkpoint_every=50,
        calibration=64,
        val_percent=5.0,
        seed=0,
        steps=6,  # GGNN message-passing steps: 2.7% lower validation error than 4, 1.3x the cost
    )


def stage_datagen(work: Path, args: argparse.Namespace) -> None:
    summary = build_dataset(
        work / "corpus",
        count=args.count,
        seed=0,
        workers=args.workers,
        config=DatasetConfig(samples=256, shard_size=256),
        progress=True,
    )
    print(summary.table())


def stage_train(work: Path, args: argparse.Namespace) -> None:
    # every epoch's weights stay in W/run/epochs, for benchmarks/select_checkpoint.py
    train(
        config(work, args),
        work / "run",
        threads=args.threads,
        workers=args.workers,
        keep_epochs=True,
    )


def stage_tailored(work: Path, args: argparse.Namespace) -> None:
    bases_only = replace(config(work, args), modulate=False, epochs=args.tailored_epochs)
    train(bases_only, work / "tailored", threads=args.threads, workers=args.workers)


def stage_meta(work: Path, args: argparse.Namespace) -> None:
    torch.set_num_threads(args.threads)
    vocab, train_set, _ = load_cache(work / "run" / "cache")
    hyper = config(work, args).hypernet(len(vocab))
    start = time.perf_counter()
    bases = reptile(
        hyper,
        train_set,
        meta_steps=args.meta_steps,
        tasks=8,
        inner_steps=5,
        inner_lr=1e-2,
        meta_lr=1.0,
        rows=64,
        seed=0,
    )
    seconds = time.perf_counter() - start
    save_file({k: v.contiguous() for k, v in bases.items()}, work / "meta-bases.safetensors")
    (work / "meta.json").write_text(
        json.dumps(
            {"meta_steps": args.meta_steps, "tasks": 8, "inner_steps": 5, "seconds": seconds}
        )
    )


def stage_fused(work: Path, args: argparse.Namespace) -> None:
    # 4 steps (6 end 1.5% worse in validation with fusion: docs/model.md) and 24,803 programs,
    # as for the first fused models (a 27,000-program corpus of generator version 1); the
    # shipped one is this stage's
    fused = replace(
        config(work, args),
        fusion=True,
        steps=4,
        epochs=args.fused_epochs,
        max_programs=args.fused_programs,
    )
    train(fused, work / "run_fused", threads=args.threads, workers=args.workers)


def run_info(work: Path, run: str) -> dict:
    """What the shipped model's metadata says about the run that made it."""
    saved = load_checkpoint(work / run / LAST)
    progress = saved.meta["progress"]
    limit, size = saved.meta["config"].get("max_programs"), _corpus_size(work)
    return {
        "corpus_programs": min(size, limit) if limit else size,
        "epochs": progress["epoch"],
        "shipped_epoch": load_checkpoint(work / run / BEST).meta["progress"]["epoch"],
        "steps": progress["global_step"],
        "train_seconds": progress["seconds"],
        "validation": progress["epochs"],
        "command": "python benchmarks/train_default.py",
    }


def stage_ship(work: Path, args: argparse.Namespace) -> None:
    run = load_checkpoint(work / "run" / LAST)
    progress = run.meta["progress"]
    # the epoch with the lowest validation error, which is the last one unless the run overfitted
    export_model(work / "run" / BEST, DEFAULT_MODEL, run_info(work, "run"))
    if (work / "run_fused" / BEST).is_file():
        export_model(work / "run_fused" / BEST, FUSED_MODEL, run_info(work, "run_fused"))
    hyper = HypernetConfig.from_json(json.dumps(run.meta["hypernet"]))
    # the bases alone: rebuilt from the tailored run's own config, which may differ from the
    # model's in encoder options that the bases never use
    saved = load_checkpoint(work / "tailored" / LAST)
    tailored = Hypernetwork(HypernetConfig.from_json(json.dumps(saved.meta["hypernet"])))
    tailored.load_state_dict(saved.model_state())
    meta = load_file(work / "meta-bases.safetensors")
    baselines = {"tailored": base_state(tailored), "meta": meta}
    save_baselines(
        DEFAULT_MODEL.parent / BASELINES_FILE,
        hyper,
        baselines,
        json.loads((work / "meta.json").read_text()),
    )
    plot(progress["epochs"], ROOT / "docs" / "model-validation.png")


def _corpus_size(work: Path) -> int:
    return json.loads((work / "corpus" / "index.json").read_text())["unique_programs"]


def plot(epochs: list[dict], path: Path) -> None:
    """Training and validation MSE per epoch (and the bases-only reference) as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    x = [row["epoch"] for row in epochs]
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(x, [r["train_mse"] for r in epochs], "o-", label="train (sampled rows)")
    ax.plot(x, [r["val_mse"] for r in epochs], "s-", label="validation: compiled")
    ax.plot(x, [r["val_mse_bases"] for r in epochs], "^--", label="validation: bases only")
    ax.plot(x, [r["val_mse_centre"] for r in epochs], ":", label="validation: predict the centre")
    ax.set_xlabel("epoch")
    ax.set_ylabel("normalized MSE")
    ax.set_yscale("log")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--stage", choices=STAGES, action="append")
    parser.add_argument("--count", type=int, default=75000)
    parser.add_argument(
        "--workers", type=int, default=2, help="datagen workers, and cache encoders of each run"
    )
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--fused-epochs", type=int, default=10)
    parser.add_argument("--fused-programs", type=int, default=24803)
    parser.add_argument("--tailored-epochs", type=int, default=5)
    parser.add_argument("--meta-steps", type=int, default=300)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    for name in args.stage or STAGES:
        start = time.perf_counter()
        globals()[f"stage_{name}"](args.work, args)
        print(f"stage {name}: {time.perf_counter() - start:.1f} s", flush=True)


if __name__ == "__main__":
    main()
