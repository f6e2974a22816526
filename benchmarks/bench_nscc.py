"""Benchmark `nscc prog.c -o prog.onnx` as users run it: whole processes (a script, not a test).

    python benchmarks/bench_nscc.py [--source K.c] [--model M] [--repeats 7]

Prints the median wall time of: an empty Python, `import nsc.cli`, `nscc --calibrate 0` and
`nscc` with the default calibration (256 oracle runs), each in a fresh subprocess, run as the
`nscc` script runs (`nscc_main`); the median CPU time (user + system, nscc's worker processes
included) of each, which stretches less than wall time when other work shares the machine; the
median of each stage `nscc -v` reports (stages marked * ran in nscc's worker, beside the
frontend; `worker` is the wait for it); and the per-target message sum of the numpy encoder done
three ways. The machine's load average is printed too: on a busy 2-core machine every
figure stretches. Without --model and without a shipped default model, a randomly initialized
hypernetwork (the tests' fixture, which needs torch to build) stands in.

Run it with PYTHONDONTWRITEBYTECODE unset, so that every module loads from cached bytecode.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
KERNEL = ROOT / "benchmarks" / "kernels" / "black_scholes.c"
NSCC = "import sys; from nsc.cli import nscc_main; nscc_main()"  # what the nscc script runs
STAGE = re.compile(r"^nscc: (.+?)\s+([\d.]+) ms$")


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def wall(command: list[str], cwd: Path) -> tuple[float, float, str]:
    """Wall and CPU seconds of one run (CPU of all its processes), and its stderr."""
    cpu, start = cpu_seconds(), time.perf_counter()
    run = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if run.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{run.stderr}")
    return seconds, cpu_seconds() - cpu, run.stderr


def stages(stderr: str) -> dict[str, float]:
    found = (STAGE.match(line.strip()) for line in stderr.splitlines())
    return {m.group(1): float(m.group(2)) for m in found if m}


def median_runs(label: str, command: list[str], cwd: Path, repeats: int) -> None:
    times, cpus, tables = [], [], []
    for _ in range(repeats):
        seconds, cpu, stderr = wall(command, cwd)
        times.append(seconds)
        cpus.append(cpu)
        tables.append(stages(stderr))
    spread = f"min {min(times):.3f}, max {max(times):.3f}"
    cpu = f"cpu {statistics.median(cpus):.3f} s"
    print(f"{label:<28} median {statistics.median(times):.3f} s  ({spread}; {cpu})")
    for name in tables[0]:
        ms = statistics.median(t[name] for t in tables)
        print(f"    {name:<24} {ms:8.1f} ms")


def random_model(folder: Path) -> Path:
    sys.path.insert(0, str(ROOT / "tests"))
    from test_npforward import PROGRAMS, example_graph, save_random_model

    return save_random_model(folder, [example_graph(name)[0] for name in PROGRAMS])


def bench_segment_sums(source: Path, repeats: int = 50) -> None:
    """Per-target sums of [E, 128] messages: np.add.at, bincount per column, sorted reduceat."""
    from nsc import pipeline as pl
    from nsc.backend.npforward import SegmentMean
    from nsc.frontend import FrontendOptions, c_to_ir
    from nsc.ir.graph import program_graph

    compiled = c_to_ir(source, FrontendOptions())
    graph = program_graph(pl.graph_passes(compiled, "O2"), compiled.signature)
    n = graph.number_of_nodes()
    edges = np.array([(u, v) for u, v, _ in graph.edges], dtype=np.int64)
    dst = np.concatenate([edges[:, 1], edges[:, 0]])
    values = np.random.default_rng(0).normal(size=(len(dst), 128)).astype(np.float32)

    def add_at() -> np.ndarray:
        out = np.zeros((n, 128), dtype=np.float32)
        np.add.at(out, dst, values)
        return out

    def bincount() -> np.ndarray:
        cols = [np.bincount(dst, values[:, j], minlength=n) for j in range(128)]
        return np.stack(cols, axis=1)

    mean = SegmentMean(dst, n)
    ways = {
        "np.add.at": add_at,
        "bincount per column": bincount,
        "sorted reduceat": lambda: mean(values),
    }
    print(f"segment sums over {len(dst)} messages x 128 into {n} nodes:")
    for name, fn in ways.items():
        start = time.perf_counter()
        for _ in range(repeats):
            fn()
        print(f"    {name:<24} {1e6 * (time.perf_counter() - start) / repeats:8.1f} us")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=KERNEL)
    parser.add_argument("--model", type=Path)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    source = args.source.resolve()
    lines = len(source.read_text().splitlines())
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        model = args.model.resolve() if args.model else None
        from nsc.pipeline import DEFAULT_MODEL, model_path

        if model is None and not model_path(DEFAULT_MODEL).exists():
            model = random_model(work / "random-model")
            print(f"model: a random hypernetwork ({model})")
        use_model = ["--model", str(model)] if model else []
        print(f"kernel: {source.name} ({lines} lines); load average {os.getloadavg()}")
        py = sys.executable
        median_runs("python -c pass", [py, "-c", "pass"], work, args.repeats)
        median_runs("import nsc.cli", [py, "-c", "import nsc.cli"], work, args.repeats)
        base = [py, "-c", NSCC, str(source), "-o", "k.onnx", "-v", *use_model]
        median_runs("nscc --calibrate 0", [*base, "--calibrate", "0"], work, args.repeats)
        median_runs("nscc (--calibrate 256)", base, work, args.repeats)
        bench_segment_sums(source)
        print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
