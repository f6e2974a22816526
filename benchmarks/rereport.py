"""Render a `nsc bench data-efficiency` report again with today's summary code.

    python benchmarks/rereport.py RESULTS

Reads RESULTS/results.json and RESULTS/summary.json (what the run measured and its per-program
ratios), adds what the summary has gained since the run (the bootstrap intervals over
programs; the report's per-program efficiency column comes from the ratios already there), and
rewrites RESULTS/summary.json and RESULTS/report.md. Nothing is measured again
and no figure changes: the header keeps the run's command, date and commit, and gains a line
naming when and at which commit the report was rendered.
"""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime
from pathlib import Path

from nsc.bench.report import add_intervals, markdown, provenance, write_json
from nsc.fileio import atomic_write_text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", type=Path, help="A folder written by nsc bench data-efficiency.")
    args = parser.parse_args()
    saved = json.loads((args.results / "results.json").read_text())
    summary = json.loads((args.results / "summary.json").read_text())
    results = saved["results"]
    add_intervals(summary, {r["program"]["name"]: r["program"]["group"] for r in results})
    header = dict(saved["header"])
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    header["report rendered"] = f"{now}, commit {provenance([])['commit']}"
    write_json(args.results / "summary.json", summary)
    atomic_write_text(
        args.results / "report.md", markdown(summary, results, header, saved["notes"])
    )
    print(f"{args.results / 'report.md'}: intervals added to {len(summary['groups'])} groups")


if __name__ == "__main__":
    main()
