"""Compare the statistics of generated programs with hand-written kernels, as a markdown table.

    python -m nsc.data.gen_report --programs 1000 --examples examples

prints the table that docs/corpus.md shows (program statistics from `nsc.data.stats`).
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path
from statistics import mean, median
from typing import Any

from nsc.data.generator import GeneratorConfig, generate
from nsc.data.stats import program_stats

Stats = dict[str, Any]
SIZE_KEYS = (
    "lines",
    "statements",
    "functions",
    "inputs",
    "outputs",
    "max_expr_depth",
    "mean_expr_depth",
    "math_calls",
    "loops",
    "branches",
    "casts",
)
OP_CLASSES = ("arith", "compare", "logical", "bitwise", "assign")


def summarize(stats: list[Stats]) -> dict[str, str]:
    """One column of the table: medians (means) of sizes, shares of constructs and op classes."""
    if not stats:
        return {}
    row: dict[str, str] = {"programs": str(len(stats))}
    for key in SIZE_KEYS:
        values = [float(s[key]) for s in stats]
        row[key] = f"{median(values):.1f} ({mean(values):.1f})"
    ops = Counter()
    for s in stats:
        ops.update(s["ops"])
    total = max(1, sum(ops[c] for c in OP_CLASSES))
    for c in OP_CLASSES:
        row[f"ops: {c}"] = f"{ops[c] / total:.0%}"
    row["with loops"] = _share(stats, lambda s: s["loops"] > 0)
    row["with branches"] = _share(stats, lambda s: s["branches"] > 0)
    row["with helper functions"] = _share(stats, lambda s: s["functions"] > 1)
    row["with integer ops (bitwise or casts)"] = _share(
        stats, lambda s: s["ops"].get("bitwise", 0) > 0 or s["casts"] > 0
    )
    trips = [t for s in stats for t in s["trip_counts"]]
    known = [t for t in trips if t is not None]
    row["loops with constant trip count"] = f"{len(known) / len(trips):.0%}" if trips else "-"
    row["constant trip count, median"] = f"{median(known):.0f}" if known else "-"
    funcs = Counter()
    for s in stats:
        funcs.update(
            {
                name.removesuffix("f") if name != "erf" else name: n
                for name, n in s["math_funcs"].items()
            }
        )
    row["top math functions"] = ", ".join(f"{n}" for n, _ in funcs.most_common(8))
    return row


def _share(stats: list[Stats], pred) -> str:
    return f"{sum(1 for s in stats if pred(s)) / len(stats):.0%}"


def markdown(columns: dict[str, dict[str, str]]) -> str:
    names = list(columns)
    keys = list(next(iter(columns.values())))
    lines = ["| statistic | " + " | ".join(names) + " |", "| --- |" + " --- |" * len(names)]
    for key in keys:
        lines.append(f"| {key} | " + " | ".join(columns[n].get(key, "-") for n in names) + " |")
    return "\n".join(lines)


def family_shares(count: int, config: GeneratorConfig) -> str:
    families = Counter(generate(seed, config).family for seed in range(count))
    parts = [f"{name} {n / count:.1%}" for name, n in sorted(families.items(), key=lambda x: -x[1])]
    return ", ".join(parts)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--programs", type=int, default=1000)
    parser.add_argument("--examples", type=Path, default=Path("examples"))
    args = parser.parse_args(argv)
    config = GeneratorConfig()
    generated = [
        program_stats(generate(seed, config).source, f"gen{seed}.c")
        for seed in range(args.programs)
    ]
    files = sorted(args.examples.glob("*.c"))
    examples = [program_stats(f.read_text(), str(f)) for f in files]
    columns = {f"generated (seeds 0-{args.programs - 1})": summarize(generated)}
    if examples:
        columns[f"{args.examples}/*.c"] = summarize(examples)
    print(markdown(columns))
    print()
    print("Family shares: " + family_shares(args.programs, config))


if __name__ == "__main__":
    main()
