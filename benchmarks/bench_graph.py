"""Program-graph size and build time per example after -O2 (split into reading the IR text, laying
out nodes and edges, and filling the networkx graph), and per-pass times.

python benchmarks/bench_graph.py [--repeat 20]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import defaultdict
from pathlib import Path

from nsc.frontend import c_to_ir
from nsc.ir.graph import _Builder, _filled, build_graph
from nsc.ir.irtext import read_module
from nsc.ir.passes import format_timings, run_passes
from nsc.ir.passes.manager import PassTiming

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
PIPELINE = "sroa,instcombine,simplifycfg,newgvn,sccp,dce,loop-rotate,loop-unroll,canonicalize"


def median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return 1e3 * statistics.median(times)


def split_ms(module, repeat: int) -> tuple[float, float, float]:
    """Median ms of the three stages of build_graph: read the printed IR, lay out, fill networkx."""
    text = str(module.ref)
    read = median_ms(lambda: read_module(str(module.ref)), repeat)
    ir = read_module(text)

    def layout() -> _Builder:
        builder = _Builder(ir)
        builder.add_nodes()
        builder.add_edges()
        return builder

    builder = layout()
    fill = median_ms(lambda: _filled(builder.nodes, builder.edges), repeat)
    return read, median_ms(layout, repeat), fill


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    print(
        f"{'example':18} {'C lines':>7} {'instrs':>6} {'nodes':>6} {'edges':>6} "
        f"{'-O2 ms':>7} {'graph ms':>8} {'read':>6} {'layout':>6} {'nx':>6}"
    )
    per_pass: dict[str, float] = defaultdict(float)
    for path in sorted(EXAMPLES.glob("*.c")):
        compiled = c_to_ir(path)
        o2 = run_passes(compiled.ir, "O2,inst-stats", time_passes=True)
        module = o2.module
        graph = build_graph(module, compiled.signature)
        build_ms = median_ms(lambda m=module, s=compiled.signature: build_graph(m, s), args.repeat)
        split = split_ms(module, args.repeat)
        lines = len(path.read_text().splitlines())
        print(
            f"{path.stem:18} {lines:7} {o2.analyses['inst-stats'].instructions:6} "
            f"{graph.number_of_nodes():6} {graph.number_of_edges():6} "
            f"{1e3 * o2.timings[0].seconds:7.2f} {build_ms:8.2f} "
            + " ".join(f"{ms:6.2f}" for ms in split)
        )
        for timing in run_passes(compiled.ir, PIPELINE, time_passes=True).timings:
            per_pass[timing.name] += timing.seconds
    print(f"\nper-pass wall time summed over the examples ({PIPELINE}):")
    print(format_timings([PassTiming(name, s) for name, s in per_pass.items()]))


if __name__ == "__main__":
    main()
