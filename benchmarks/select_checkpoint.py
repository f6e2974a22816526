"""Choose a training checkpoint by how well its surrogates fine-tune, not by validation error.

    python benchmarks/select_checkpoint.py --run RUN [--corpus CORPUS] [--programs 8] \\
        [--seeds 2] [--epochs 150] [--out RUN/select] [--workers 2]

Scores each checkpoint a run kept (`nsc train --keep-epochs`: RUN/epochs/epoch-NNN.safetensors)
and its best.safetensors with the protocol of `nsc bench data-efficiency` (random and compiled
inits fine-tuned with Adam on 0, 1, 10 and 100% of a pool; `--quick`'s set sizes by default) on
generated programs with seeds from 3*10**9: never the benchmark's held-out programs (seeds from
10**9) nor examples/*.c, so a checkpoint chosen here leaves the evaluation honest. With
--corpus, programs of the training corpus (by canonical IR hash) are skipped.

Writes into OUT: select.json (every score, updated after each checkpoint, so a rerun skips the
checkpoints already scored with the same settings), select.md (a row per checkpoint: validation
MSE, data efficiency over random init at each size and overall, fewer epochs) and select.png
(overall efficiency and validation MSE by epoch); prints the checkpoint with the highest overall
efficiency.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from dataclasses import asdict, replace
from pathlib import Path

from nsc.backend.checkpoint import load_checkpoint
from nsc.backend.model import export_model
from nsc.backend.train import BEST, EPOCHS
from nsc.bench.data_efficiency import (
    QUICK,
    BenchConfig,
    corpus_hashes,
    heldout_programs,
    run_benchmark,
)
from nsc.bench.report import summarize, write_json
from nsc.diagnostics import NscError
from nsc.fileio import atomic_write_text

SELECT_SEED_BASE = 3 * 10**9
METHOD = "compiled"


def checkpoints(run: Path) -> list[Path]:
    """The run's kept epochs, in order, then its best checkpoint."""
    found = sorted((run / EPOCHS).glob("epoch-*.safetensors"))
    if (run / BEST).is_file():
        found.append(run / BEST)
    if not found:
        raise NscError(f"{run}: no checkpoints (train with --keep-epochs, or no {BEST} yet)")
    return found


def validation(path: Path) -> tuple[int, float]:
    """The epoch a checkpoint was saved at and its validation MSE."""
    rows = load_checkpoint(path).meta["progress"]["epochs"]
    if path.name == BEST:
        best = min(rows, key=lambda row: row["val_mse"])
        return int(best["epoch"]), float(best["val_mse"])
    return int(rows[-1]["epoch"]), float(rows[-1]["val_mse"])


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def score(path: Path, programs, config: BenchConfig, models: Path, workers: int) -> dict:
    """Data efficiency of `path`'s compiled surrogates over random init on `programs`."""
    models.mkdir(parents=True, exist_ok=True)
    model = models / f"{path.stem}.safetensors"
    export_model(path, model, {"selected_from": str(path)})
    # no fused model and no dataset/meta baselines beside the export: random and compiled only
    config = replace(config, model=str(model), fused_model=str(models / "none"))
    results, _ = run_benchmark(programs, config, workers=workers)
    errors = [f"{r.program.name}: {r.error}" for r in results if r.error]
    summary = summarize([r.to_json() for r in results], config.epochs)
    row = summary["groups"]["all"].get(METHOD)
    if row is None:
        raise NscError(f"{path}: no compiled results ({'; '.join(errors) or 'no programs ran'})")
    return {"efficiency": row, "errors": errors}


def markdown(rows: list[dict], config: BenchConfig, programs: list[str]) -> str:
    sizes = [str(s) for s in config.sizes]
    head = ["checkpoint", "epoch", "val MSE", *(f"{float(s):g}%" for s in sizes)]
    lines = [
        "# Checkpoints scored by fine-tuning",
        "",
        f"Data efficiency over random init (geometric mean over {len(programs)} generated "
        f"programs, {config.seeds} seeds): {', '.join(programs)}.",
        "",
        "| " + " | ".join([*head, "overall", "fewer epochs"]) + " |",
        "| " + " | ".join(["---"] * (len(head) + 2)) + " |",
    ]
    best = max(rows, key=lambda r: r["efficiency"]["overall"])
    for row in rows:
        eff = row["efficiency"]
        cells = [row["checkpoint"], str(row["epoch"]), f"{row['val_mse']:.4f}"]
        cells += [f"{eff[s]:.2f}x" for s in sizes]
        overall = f"{eff['overall']:.2f}x"
        cells += [f"**{overall}**" if row is best else overall, f"{eff['epochs']:.2f}x"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def plot(rows: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    kept = sorted((r for r in rows if r["checkpoint"] != BEST), key=lambda r: r["epoch"])
    if not kept:
        return
    fig, left = plt.subplots(figsize=(6, 3.5))
    epochs = [r["epoch"] for r in kept]
    left.plot(epochs, [r["efficiency"]["overall"] for r in kept], "o-", color="C0")
    left.set_xlabel("epoch")
    left.xaxis.set_major_locator(MaxNLocator(integer=True))
    left.set_ylabel("data efficiency over random (overall)", color="C0")
    right = left.twinx()
    right.plot(epochs, [r["val_mse"] for r in kept], "s--", color="C1")
    right.set_ylabel("validation MSE", color="C1")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run", type=Path, required=True)
    parser.add_argument("--corpus", type=Path, help="skip programs of this training corpus")
    parser.add_argument("--out", type=Path, help="default: RUN/select")
    parser.add_argument("--programs", type=int, default=8)
    parser.add_argument("--seeds", type=int, default=QUICK["seeds"])
    parser.add_argument("--epochs", type=int, default=QUICK["epochs"])
    parser.add_argument("--patience", type=int, default=QUICK["patience"])
    parser.add_argument("--pool", type=int, default=QUICK["pool"])
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    try:
        select(args)
    except NscError as err:
        sys.exit(f"error: {err.message}")


def select(args: argparse.Namespace) -> None:
    out = args.out or args.run / "select"
    chosen = {"seeds": args.seeds, "epochs": args.epochs, "patience": args.patience}
    config = replace(BenchConfig(), **{**QUICK, **chosen, "pool": args.pool})
    config.check()
    found = checkpoints(args.run)
    known = corpus_hashes(args.corpus) if args.corpus else None
    programs = heldout_programs(args.programs, out / "programs", known, SELECT_SEED_BASE)
    names = [p.name for p in programs]
    settings = {"config": asdict(config), "programs": names}
    saved = json.loads((out / "select.json").read_text()) if (out / "select.json").is_file() else {}
    rows = (
        saved.get("rows", []) if saved.get("settings") == json.loads(json.dumps(settings)) else []
    )
    done = {row["digest"] for row in rows}
    for path in found:
        key = digest(path)
        if key in done:
            continue
        epoch, val_mse = validation(path)
        print(f"{path.name} (epoch {epoch}, val MSE {val_mse:.4f}) ...", flush=True)
        result = score(path, programs, config, out / "models", args.workers)
        rows = [r for r in rows if r["checkpoint"] != path.name]
        row = {"checkpoint": path.name, "path": str(path), "digest": key, "epoch": epoch}
        rows.append({**row, "val_mse": val_mse, **result})
        write_json(out / "select.json", {"settings": settings, "rows": rows})
    order = {path.name: i for i, path in enumerate(found)}
    rows = sorted(
        (r for r in rows if r["checkpoint"] in order), key=lambda r: order[r["checkpoint"]]
    )
    atomic_write_text(out / "select.md", markdown(rows, config, names))
    plot(rows, out / "select.png")
    best = max(rows, key=lambda r: r["efficiency"]["overall"])
    print((out / "select.md").read_text())
    overall = best["efficiency"]["overall"]
    print(f"best: {best['path']} (overall {overall:.2f}x; `export_model` it to ship it)")


if __name__ == "__main__":
    main()
