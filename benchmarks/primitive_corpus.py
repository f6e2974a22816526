"""Corpora for the primitive-programs experiment (`docs/model.md`, "Primitive programs").

    python benchmarks/primitive_corpus.py build --out P [--count 4096] [--workers 2]
    python benchmarks/primitive_corpus.py mix --out MIX BASE:48 P:16

`build` generates programs of the `primitive` family alone (one or two small functions of one
to four inputs; no second family, post-processing, extra inputs or idioms), run seed 7, 256
samples each like the shipped corpus. `mix` makes a corpus folder whose shards are links to the
first N shards of each corpus named, in order, renumbered, and indexes it as `nsc datagen`
does, so `nsc train --data MIX` reads them as one corpus and a program found in two of them
counts once (11 of the primitive programs are also in the shipped corpus).
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from nsc.data.dataset import build_dataset, corpus_shards, write_index
from nsc.data.generator import PRIMITIVE_ONLY
from nsc.data.ingest import DatasetConfig

RUN_SEED = 7  # 0 is the shipped corpus, 1 the held-out programs of eval_zero_shot.py


def build(out: Path, count: int, workers: int) -> None:
    config = DatasetConfig(samples=256, generator=PRIMITIVE_ONLY)
    summary = build_dataset(out, count=count, seed=RUN_SEED, workers=workers, config=config)
    print(summary.table())


def mix(out: Path, parts: list[tuple[Path, int]]) -> None:
    out.mkdir(parents=True)
    (out / "config.json").write_bytes((parts[0][0] / "config.json").read_bytes())
    new = 0
    for folder, count in parts:
        shards = corpus_shards(folder)
        if count > len(shards):
            raise SystemExit(f"{folder} has {len(shards)} shards, not {count}")
        for shard, _ in shards[:count]:
            for ext in ("json", "npz"):
                target = (folder / f"shard-{shard:06d}.{ext}").resolve()
                os.symlink(target, out / f"shard-{new:06d}.{ext}")
            new += 1
    summary = write_index(out, new)  # duplicates across the corpora too, first one kept
    print(f"{out}: {new} shards, {summary.unique} programs")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    one = commands.add_parser("build")
    one.add_argument("--out", type=Path, required=True)
    one.add_argument("--count", type=int, default=4096)
    one.add_argument("--workers", type=int, default=2)
    two = commands.add_parser("mix")
    two.add_argument("--out", type=Path, required=True)
    two.add_argument("parts", nargs="+", help="CORPUS:SHARDS, in order")
    args = parser.parse_args()
    if args.command == "build":
        build(args.out, args.count, args.workers)
    else:
        parts = [(Path(p.rsplit(":", 1)[0]), int(p.rsplit(":", 1)[1])) for p in args.parts]
        mix(args.out, parts)


if __name__ == "__main__":
    main()
