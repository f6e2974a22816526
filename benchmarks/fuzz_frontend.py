"""Differential fuzzing of the C frontend: random UB-free programs (tests/cfuzz/), nsc vs gcc.

    python benchmarks/fuzz_frontend.py --count 500 --seed 0 --out /tmp/fuzz

Each program is compared bit for bit with gcc -O0 over the rows its range pragmas give. Every
program that disagrees, that nsc refuses, or that fails otherwise is written into --out with its
problems. `--ubsan` also runs gcc's build under -fsanitize=undefined, which checks the generator's
promise that the programs are free of undefined behaviour.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import traceback
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

TESTS = Path(__file__).resolve().parent.parent / "tests"
sys.path.insert(0, str(TESTS))

from cfuzz import generate  # noqa: E402
from gcc_harness import build, compare, run  # noqa: E402

from nsc.diagnostics import CompileError, NscError  # noqa: E402

UBSAN = ("-fsanitize=undefined", "-fsanitize=float-cast-overflow", "-fno-sanitize-recover=all")
OUTCOMES = ("agree", "disagree", "refused", "crash", "gcc fails", "ub")


@dataclass(frozen=True)
class Outcome:
    """What became of one program: one of OUTCOMES, and the lines that say why."""

    kind: str
    details: list[str]


def check(seed: int, source: Path, rows: int, ubsan: bool) -> Outcome:
    """Compare one program with gcc; classify what went wrong."""
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        try:
            result = compare(source, work, rows=rows, seed=seed, ulps=0)
        except CompileError as error:
            return Outcome("refused", [str(error)])
        except NscError as error:
            return Outcome("refused", [f"(no location) {error}"])
        except RuntimeError as error:
            if "gcc failed" in str(error) or "harness exited" in str(error):
                return Outcome("gcc fails", [str(error)])
            return Outcome("crash", [traceback.format_exc()])
        except Exception:  # noqa: BLE001 - a traceback from nsc is always a bug
            return Outcome("crash", [traceback.format_exc()])
        if ubsan:
            try:
                harness = build(source, result.signature, work / "ubsan", UBSAN)
                run(harness, result.inputs, rows)
            except RuntimeError as error:
                return Outcome("ub", [str(error)])
        return Outcome("disagree", result.problems) if result.problems else Outcome("agree", [])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0, help="the first program's seed")
    parser.add_argument("--out", type=Path, default=Path("fuzz_out"))
    parser.add_argument("--rows", type=int, default=64)
    parser.add_argument("--ubsan", action="store_true", help="also check gcc's build with UBSan")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    tally: Counter[str] = Counter()
    located = 0
    with tempfile.TemporaryDirectory() as folder:
        bar = tqdm(range(args.seed, args.seed + args.count), unit="prog")
        for seed in bar:
            source = Path(folder) / f"fuzz_{seed}.c"
            source.write_text(generate(seed))
            outcome = check(seed, source, args.rows, args.ubsan)
            tally[outcome.kind] += 1
            if outcome.kind != "agree":
                kept = args.out / f"{outcome.kind.replace(' ', '_')}_{seed}.c"
                comment = "\n".join(outcome.details).replace("*/", "* /")
                kept.write_text(f"/* {outcome.kind}:\n{comment}\n*/\n{source.read_text()}")
                located += outcome.kind == "refused" and ":" in outcome.details[0].split(" ")[0]
            bar.set_postfix({k: tally[k] for k in OUTCOMES if tally[k]})
    print(f"{args.count} programs (seeds {args.seed}..{args.seed + args.count - 1}):")
    for kind in OUTCOMES:
        note = f" ({located} with a source location)" if kind == "refused" and tally[kind] else ""
        print(f"  {kind:>10}: {tally[kind]}{note}")
    print(f"kept in {args.out}")
    return 0 if tally["agree"] == args.count else 1


if __name__ == "__main__":
    sys.exit(main())
