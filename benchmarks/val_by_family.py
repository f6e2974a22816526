"""Where a trained hypernetwork helps: its validation error by generator family and program form.

    python benchmarks/val_by_family.py --run W/run --corpus W/corpus [--checkpoint best]
        [--split train --limit 1300]

Reads the run's validation split (`W/run/cache`, the programs training never fitted), emits every
program's surrogate, and compares its MSE on the first 128 rows with predicting the calibration
centre (0 in standardized units), the same rows and clipping as the validation loss of
`nsc train`. Programs are grouped by the generator family recorded in the corpus and by form
(struct parameter, inout parameter, array inputs, a loop, and `touched`: some scalar has an
instruction marked as reading or writing it, see `nsc.ir.graph`). Per group: the median over
programs of compiled / centre (below 1: the model predicts something), and the mean MSE of
each, whose ratio is what the validation loss sees.

`--split train` measures the training programs the same way (every k-th one, `--limit` of them):
if they come out no better than the validation programs, the model underfits rather than
memorizes, and more of the same data will not help as much as a model that fits better.

`--shared-with OTHER_RUN` keeps only the programs that OTHER_RUN also holds out for validation.
Runs on different corpora have different validation programs (an easier set gives a lower
loss); on the programs both hold out, their errors compare.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path

import numpy as np
import torch

from nsc.backend.checkpoint import load_checkpoint
from nsc.backend.data import Example, fixed_batch, load_cache
from nsc.backend.hypernet import HypernetConfig, Hypernetwork
from nsc.backend.surrogate import masked_mse
from nsc.backend.train import VAL_ROWS

FORMS = ("family", "struct", "inout", "array", "loop", "touched")


def program_forms(corpus: Path) -> dict[str, dict[str, object]]:
    """Name -> family and form flags, from the shard headers (the npz files are not read)."""
    forms: dict[str, dict[str, object]] = {}
    for path in sorted(corpus.glob("shard-*.json")):
        for entry in json.loads(path.read_text())["programs"]:
            sig, source = entry["signature"], entry["source"]
            forms[entry["name"]] = {
                "family": entry.get("meta", {}).get("family", "(none)"),
                "struct": any(p["layout"]["kind"] == "struct" for p in sig["params"]),
                "inout": any(p["role"] == "inout" for p in sig["params"]),
                "array": any(i["shape"] for i in sig["inputs"]),
                "loop": "for (" in source or "while (" in source,
            }
    return forms


def validation_hashes(run: Path) -> set[str]:
    """The hashes of the programs a run holds out (from its cache's metadata alone)."""
    with np.load(run / "cache" / "val.npz") as arrays:
        return set(json.loads(arrays["meta"].tobytes())["hashes"])


@torch.no_grad()
def errors(
    run: Path,
    checkpoint: str,
    split: str = "val",
    limit: int | None = None,
    only: set[str] | None = None,
) -> tuple[list[tuple[str, float, float]], dict[str, bool]]:
    """(name, compiled MSE, centre MSE) for the run's programs of a split (those whose hash is
    in `only`, if given; every k-th one, at most `limit`), and whether each is `touched`."""
    _, train, val = load_cache(run / "cache")
    programs = val if split == "val" else train
    if only is not None:
        programs = [e for e in programs if e.hash in only]
    if limit is not None and len(programs) > limit:
        programs = programs[:: len(programs) // limit][:limit]
    saved = load_checkpoint(run / f"{checkpoint}.safetensors")
    model = Hypernetwork(HypernetConfig.from_json(json.dumps(saved.meta["hypernet"])))
    model.load_state_dict(saved.model_state())
    model.eval()
    rows = []
    for i in range(0, len(programs), 32):
        chunk = programs[i : i + 32]
        batch = fixed_batch(chunk, min(VAL_ROWS, min(e.rows for e in chunk)))
        emitted = model(batch.programs)
        pred = model.family.forward(emitted.params, batch.x)
        mse = masked_mse(pred, batch.y, emitted.out_mask).tolist()
        centre = masked_mse(torch.zeros_like(batch.y), batch.y, emitted.out_mask).tolist()
        rows += [(e.name, m, c) for e, m, c in zip(chunk, mse, centre, strict=True)]
    return rows, {e.name: touched(e) for e in programs}


def touched(example: Example) -> bool:
    """Whether some input or output scalar has an instruction marked as reading or writing it."""
    slots = (example.tensors.inputs, example.tensors.outputs)
    return any(s.touch_slot.size for s in slots)


def table(rows, forms, key: str) -> list[str]:
    groups: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for name, mse, centre in rows:
        groups[str(forms.get(name, {}).get(key, "?"))].append((mse, centre))
    lines = [
        f"| {key} | programs | median compiled/centre | mean MSE compiled | mean MSE centre |",
        "| --- | --- | --- | --- | --- |",
    ]
    for group, values in sorted(groups.items()):
        v = np.array(values)
        ratio = np.median(v[:, 0] / np.maximum(v[:, 1], 1e-12))
        lines.append(
            f"| {group} | {len(v)} | {ratio:.3f} | {v[:, 0].mean():.3f} | {v[:, 1].mean():.3f} |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run", type=Path, required=True, help="a `nsc train` run folder")
    parser.add_argument("--corpus", type=Path, required=True, help="the corpus it trained on")
    parser.add_argument("--checkpoint", choices=("best", "last"), default="best")
    parser.add_argument("--split", choices=("val", "train"), default="val")
    parser.add_argument("--limit", type=int, default=None, help="at most this many programs")
    parser.add_argument(
        "--shared-with", type=Path, help="only the programs this other run also holds out"
    )
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    only = validation_hashes(args.shared_with) if args.shared_with else None
    rows, touches = errors(args.run, args.checkpoint, args.split, args.limit, only)
    if not rows:
        raise SystemExit("no programs to measure (is --shared-with's run on another corpus?)")
    forms = program_forms(args.corpus)
    for name, value in touches.items():
        forms.setdefault(name, {})["touched"] = value
    mse = np.mean([r[1] for r in rows])
    centre = np.mean([r[2] for r in rows])
    ratio = np.median([r[1] / max(r[2], 1e-12) for r in rows])
    print(
        f"{len(rows)} {args.split} programs: MSE {mse:.4f}, centre {centre:.4f}, "
        f"median compiled/centre {ratio:.3f}\n"
    )
    for key in FORMS:
        print("\n".join(table(rows, forms, key)) + "\n")


if __name__ == "__main__":
    main()
