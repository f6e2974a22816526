"""Benchmark `nsc datagen` end to end (a script, not a test).

    python benchmarks/bench_datagen.py [--count 200] [--workers 2] [--samples 1024]

Builds a fresh corpus in a temporary folder and prints programs/s (wall time, pool start
included), the CPU time per program (this process and its workers, so a busy machine shows up
as wall time above CPU time), the load average, disk bytes per kept program, the drop counts,
and where the workers' time went (wall seconds summed over workers, per stage: generate,
frontend (both compiles), oracle (JIT + runs), passes, graph, write).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from nsc.data.dataset import DatasetConfig, build_dataset


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--samples", type=int, default=1024)
    parser.add_argument("--shard-size", type=int, default=25)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    config = DatasetConfig(samples=args.samples, shard_size=args.shard_size)
    with tempfile.TemporaryDirectory(prefix="nsc-bench-datagen-") as name:
        out = Path(name)
        load = _load()
        before = os.times()
        start = time.perf_counter()
        summary = build_dataset(
            out,
            count=args.count,
            seed=args.seed,
            workers=args.workers,
            config=config,
            progress=False,
        )
        wall = time.perf_counter() - start
        after = os.times()
        shard_bytes = sum(p.stat().st_size for p in out.glob("shard-*"))
    print(summary.table())
    print(f"\nworkers={args.workers} samples={args.samples} count={args.count}")
    cpu = sum(b - a for a, b in zip(before[:4], after[:4], strict=True))
    print(f"end to end: {args.count / wall:.1f} programs/s ({wall:.1f} s wall)")
    print(
        f"cpu: {1e3 * cpu / max(args.count, 1):.1f} ms per program (user + system, all processes)"
    )
    print(f"load average: {load} before, {_load()} after")
    print(f"disk: {shard_bytes / max(summary.kept, 1):,.0f} bytes per kept program")
    total = sum(summary.times.values())
    print("\nworker time by stage (summed over workers):")
    for stage, seconds in sorted(summary.times.items(), key=lambda kv: -kv[1]):
        share = 100.0 * seconds / total if total else 0.0
        per = 1e3 * seconds / max(args.count, 1)
        print(f"  {stage:<10} {seconds:8.2f} s  {share:5.1f}%  {per:7.1f} ms/program")


def _load() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


if __name__ == "__main__":
    main()
