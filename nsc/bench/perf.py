"""`nsc bench perf`: how fast each part of nsc is, on this machine.

- compile latency: `nscc`'s stages (`StageTimes`, as `nscc -v` prints them), median of `repeat`
  in-process compiles per program, and the end-to-end wall time of the `nscc` command;
- corpus generation: programs/s of a small `nsc datagen` run;
- training: programs/s over a few steps of `nsc train` on that small corpus;
- surrogate throughput: rows/s of the compiled surrogate in ONNX Runtime, of the oracle (the JIT
  at -O2, uninstrumented) and of the C code built with `gcc -O2`, on the same inputs (the sampled
  rows the instrumented oracle finishes; the report says how many others were left out, and why
  gcc's column is empty where it is);
- peak memory: the largest resident set of this process and of its children.
"""

from __future__ import annotations

import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np

from nsc.diagnostics import NscError
from nsc.signature import Layout, Signature

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
INCLUDE = Path(__file__).resolve().parents[1] / "frontend" / "include"
ROW_CHECK_SECONDS = 60.0  # for the instrumented oracle to finish the sampled rows
DEFAULT_PROGRAMS = ("blackscholes.c", "sobel.c", "inversek2j.c", "fft_twiddle.c", "newton_sqrt.c")
C_TYPES = {
    "float32": "float", "float64": "double", "bool": "_Bool",
    "int8": "signed char", "int16": "short", "int32": "int", "int64": "long long",
    "uint8": "unsigned char", "uint16": "unsigned short", "uint32": "unsigned int",
    "uint64": "unsigned long long",
}  # fmt: skip


@dataclass(frozen=True)
class PerfConfig:
    """What `nsc bench perf` measures, and how much."""

    model: str = "default"
    repeat: int = 5
    programs: tuple[Path, ...] = ()
    datagen_count: int = 96
    train_steps: int = 10
    rows: int = 100_000

    def quick(self) -> PerfConfig:
        return replace(self, repeat=2, datagen_count=32, train_steps=3, rows=20_000)

    def paths(self) -> list[Path]:
        return list(self.programs) or [EXAMPLES / name for name in DEFAULT_PROGRAMS]


def median_stages(source: Path, model: str, repeat: int, out: Path) -> dict[str, float]:
    """Median milliseconds per `nscc` stage over `repeat` compiles (the first one discarded)."""
    from nsc.frontend import FrontendOptions
    from nsc.pipeline import CompileOptions, StageTimes, compile_c

    samples: list[dict[str, float]] = []
    for _ in range(repeat + 1):
        times = StageTimes()
        compile_c(source, out, FrontendOptions(), CompileOptions(model=model), times)
        samples.append(times.seconds)
    stages = list(samples[-1])
    table = {s: 1e3 * statistics.median(t.get(s, 0.0) for t in samples[1:]) for s in stages}
    table["total"] = 1e3 * statistics.median(sum(t.values()) for t in samples[1:])
    return table


def nscc_wall(source: Path, model: str, out: Path, repeat: int) -> float:
    """Median wall milliseconds of the `nscc` command itself (interpreter start included)."""
    command = [  # what the `nscc` script runs (its worker forked first thing)
        sys.executable,
        "-c",
        "from nsc.cli import nscc_main; nscc_main()",
        str(source),
        "-o",
        str(out),
        "--model",
        model,
    ]
    walls = []
    for _ in range(repeat):
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        walls.append(time.perf_counter() - start)
        if done.returncode != 0:
            raise NscError(f"nscc failed on {source}: {done.stderr.strip()}")
    return 1e3 * statistics.median(walls)


def datagen_rate(out: Path, count: int) -> dict[str, float]:
    """A small generated corpus in `out`: programs built per second (2 workers)."""
    from nsc.data.dataset import DatasetConfig, build_dataset

    config = DatasetConfig(samples=256, shard_size=max(count // 2, 1))
    summary = build_dataset(
        out, count=count, seed=987_654, workers=2, config=config, progress=False
    )
    return {
        "programs": summary.built_now,
        "kept": summary.unique,
        "seconds": summary.seconds,
        "programs_per_s": summary.rate,
    }


def train_rate(corpus: Path, out: Path, steps: int) -> dict[str, float]:
    """Programs/s over `steps` training steps (one thread), timed between the first and the
    last step so that encoding the corpus and building the model are not counted."""
    from nsc.backend.train import TrainConfig, train

    batch = 8
    config = TrainConfig(
        data=str(corpus),
        epochs=1,
        batch_programs=batch,
        calibration=64,
        val_percent=5.0,
        warmup_steps=1,
        checkpoint_every=10_000,
    )
    stamps: list[float] = []

    class Enough(Exception):
        pass

    def on_step(step: int) -> None:
        stamps.append(time.perf_counter())
        if step > steps:
            raise Enough

    try:
        train(config, out, progress=False, threads=1, on_step=on_step)
    except Enough:
        pass
    timed = len(stamps) - 1
    if timed < 1:
        raise NscError("the perf corpus is too small for two training steps")
    seconds = stamps[-1] - stamps[0]
    return {
        "steps": timed,
        "batch_programs": batch,
        "seconds": seconds,
        "programs_per_s": timed * batch / seconds,
    }


@dataclass
class Throughput:
    """Rows per second of one program's three implementations on the same inputs."""

    program: str
    rows: int
    surrogate: float
    oracle: float
    gcc: float
    gcc_agrees: float  # fraction of rows where gcc's outputs match the oracle's (rtol 1e-4)
    note: str = ""  # rows left out, or why gcc's column is empty


def throughput(source: Path, model: str, rows: int, work: Path) -> Throughput:
    """Rows/s of the ONNX surrogate, the oracle and gcc -O2 on `rows` sampled inputs (those of
    them the oracle finishes: the timed oracle and gcc run without fuel or bounds checks)."""
    from nsc.frontend import FrontendOptions, c_to_ir
    from nsc.frontend import FrontendOptions as Options
    from nsc.ir.oracle import Oracle
    from nsc.ir.sampling import sample_inputs
    from nsc.pipeline import CompileOptions, compile_c
    from nsc.runtime.surrogate import Surrogate

    onnx_path = work / f"{source.stem}.onnx"
    compile_c(source, onnx_path, Options(), CompileOptions(model=model))
    compiled = c_to_ir(source, FrontendOptions(instrument=False))
    sig = compiled.signature
    inputs, notes = finished_rows(source, sig, sample_inputs(sig, rows, 12_345))
    rows = len(next(iter(inputs.values())))
    if rows == 0:
        nan = float("nan")
        return Throughput(source.stem, 0, nan, nan, nan, nan, "; ".join(notes))
    surrogate = Surrogate(onnx_path)
    oracle = Oracle(compiled.ir, sig, opt_level=2)
    surrogate_s = _best_of(lambda: surrogate.run(inputs))
    truth = oracle.run(inputs)
    oracle_s = _best_of(lambda: oracle.run(inputs))
    gcc_s, agrees = float("nan"), float("nan")
    if native_supported(sig):
        try:
            gcc_s, outputs = run_native(source, sig, inputs, work, timeout=60 + 100 * oracle_s)
            agrees = _agreement(sig, truth.outputs, outputs)
        except NscError as err:  # a kernel gcc rejects, or no gcc here: the other columns stand
            notes.append("no gcc column: " + " ".join(err.message.split()))  # one line
    rate = lambda s: rows / s if s == s and s > 0 else float("nan")  # noqa: E731
    return Throughput(
        source.stem, rows, rate(surrogate_s), rate(oracle_s), rate(gcc_s), agrees, "; ".join(notes)
    )


def finished_rows(
    source: Path, sig: Signature, inputs: dict[str, np.ndarray]
) -> tuple[dict[str, np.ndarray], list[str]]:
    """The rows the instrumented oracle finishes, run in a worker (a row that loops forever,
    divides by zero or reads out of bounds would hang or kill the timed oracle, which runs in
    this process without fuel or bounds checks, and gcc's build), and a note on the others."""
    from nsc.frontend import FrontendOptions, c_to_ir
    from nsc.ir.oracle import run_isolated
    from nsc.pipeline import status_summary

    checked = c_to_ir(source, FrontendOptions(instrument=True))
    status = run_isolated(checked.ir, sig, inputs, timeout=ROW_CHECK_SECONDS).status
    ok = status == 0
    if ok.all():
        return inputs, []
    left = f"{int((~ok).sum())} of {len(ok)} rows left out, which the oracle does not finish"
    return {k: v[ok] for k, v in inputs.items()}, [f"{left} ({status_summary(status)})"]


def _best_of(call: Callable[[], object], times: int = 3) -> float:
    best = float("inf")
    for _ in range(times):
        start = time.perf_counter()
        call()
        best = min(best, time.perf_counter() - start)
    return best


def _agreement(sig: Signature, truth: Mapping, native: Mapping) -> float:
    ok = np.ones(len(next(iter(truth.values()))), dtype=bool)
    for port in sig.outputs:
        a = np.asarray(truth[port.name], np.float64).reshape(len(ok), -1)
        b = np.asarray(native[port.name], np.float64).reshape(len(ok), -1)
        ok &= np.isclose(a, b, rtol=1e-4, atol=1e-6, equal_nan=True).all(axis=1)
    return float(ok.mean())


# --- gcc -O2: a driver that calls the entry over every row ------------------------------------


def _scalar(layout: Layout) -> bool:
    if layout["kind"] == "array":
        return _scalar(layout["of"])
    return layout["kind"] in ("float", "int", "bool")


def native_supported(sig: Signature) -> bool:
    """Whether the simple driver can call the entry: scalars and scalar arrays, no structs."""
    return all(_scalar(p.layout) for p in sig.params) and (
        sig.returns is None or sig.returns["kind"] in ("float", "int", "bool")
    )


def driver_source(sig: Signature) -> str:
    """C that reads input columns from stdin, calls the entry on each row `reps` times, writes
    the output columns to stdout and the seconds of the timed loop to stderr."""
    ports = {(p.param, "in"): p for p in sig.inputs} | {(p.param, "out"): p for p in sig.outputs}
    lines = [
        "#include <stdio.h>",
        "#include <stdlib.h>",
        "#include <string.h>",
        "#include <time.h>",
    ]
    ret = C_TYPES[_leaf_dtype(sig.returns)] if sig.returns else "void"
    args = [
        "void *" if p.passing == "pointer" else C_TYPES[_leaf_dtype(p.layout)] for p in sig.params
    ]
    lines.append(f"{ret} {sig.entry}({', '.join(args) or 'void'});")
    lines += [
        "int main(int argc, char **argv) {",
        "  long n = atol(argv[1]); int reps = atoi(argv[2]);",
    ]
    body, call = [], []
    for i, param in enumerate(sig.params):
        ctype = C_TYPES[_leaf_dtype(param.layout)]
        size = _count(param.layout)
        src, dst = ports.get((i, "in")), ports.get((i, "out"))
        if src is not None:
            lines.append(f"  {ctype} *in{i} = malloc(sizeof({ctype}) * n * {size});")
            lines.append(
                f"  if (fread(in{i}, sizeof({ctype}), n * {size}, stdin) != (size_t)(n * {size})) return 2;"
            )
        if dst is not None:
            lines.append(f"  {ctype} *out{i} = malloc(sizeof({ctype}) * n * {size});")
        if param.passing == "pointer":
            lines.append(f"  {ctype} buf{i}[{size}]; memset(buf{i}, 0, sizeof buf{i});")
            if src is not None:
                body.append(f"memcpy(buf{i}, in{i} + i * {size}, sizeof buf{i});")
            call.append(f"buf{i}")
        else:
            call.append(f"in{i}[i]" if src is not None else "0")
    if sig.returns is not None:
        lines.append(f"  {ret} *outr = malloc(sizeof({ret}) * n);")
    invoke = f"{sig.entry}({', '.join(call)})"
    body.append(f"outr[i] = {invoke};" if sig.returns is not None else f"{invoke};")
    body += [
        f"memcpy(out{i} + i * {_count(sig.params[i].layout)}, buf{i}, sizeof buf{i});"
        for i in range(len(sig.params))
        if (i, "out") in ports
    ]
    lines += [
        "  struct timespec t0, t1; clock_gettime(CLOCK_MONOTONIC, &t0);",
        "  for (int r = 0; r < reps; r++) for (long i = 0; i < n; i++) {",
        *[f"    {b}" for b in body],
        "  }",
        "  clock_gettime(CLOCK_MONOTONIC, &t1);",
    ]
    for port in sig.outputs:
        name = "outr" if port.param < 0 else f"out{port.param}"
        size = 1 if port.param < 0 else _count(sig.params[port.param].layout)
        lines.append(f"  fwrite({name}, sizeof(*{name}), n * {size}, stdout);")
    lines += [
        '  fprintf(stderr, "%.9f\\n", (t1.tv_sec - t0.tv_sec) + 1e-9 * (t1.tv_nsec - t0.tv_nsec));',
        "  return 0;",
        "}",
    ]
    return "\n".join(lines) + "\n"


def _leaf_dtype(layout: Layout) -> str:
    from nsc.signature import scalar_dtype

    while layout["kind"] == "array":
        layout = layout["of"]
    return scalar_dtype(layout)


def _count(layout: Layout) -> int:
    return layout["n"] * _count(layout["of"]) if layout["kind"] == "array" else 1


def run_native(
    source: Path,
    sig: Signature,
    inputs: Mapping[str, np.ndarray],
    work: Path,
    reps: int = 3,
    timeout: float = 600.0,
) -> tuple[float, dict[str, np.ndarray]]:
    """Seconds per pass over every row with `gcc -O2`, and the native outputs; NscError when gcc
    is missing or fails, or the driver fails or runs past `timeout` seconds."""
    driver = work / f"{source.stem}_driver.c"
    driver.write_text(driver_source(sig))
    exe = work / f"{source.stem}_native"
    kernel = work / f"{source.stem}.o"
    steps = [
        ["gcc", "-O2", "-std=gnu99", "-I", str(INCLUDE), "-c", str(source), "-o", str(kernel)],
        ["gcc", "-O2", str(driver), str(kernel), "-o", str(exe), "-lm"],
    ]
    for step in steps:
        try:
            done = subprocess.run(step, capture_output=True, text=True, check=False)
        except FileNotFoundError:
            raise NscError("gcc is not installed here (not on PATH)") from None
        if done.returncode != 0:
            raise NscError(f"gcc failed on {source}: {done.stderr.strip()[:500]}")
    n = len(next(iter(inputs.values())))
    by_param = {p.param: p for p in sig.inputs}
    data = b"".join(
        np.ascontiguousarray(inputs[by_param[i].name]).tobytes()
        for i in range(len(sig.params))
        if i in by_param
    )
    try:
        done = subprocess.run(
            [str(exe), str(n), str(reps)],
            input=data,
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise NscError(f"the native driver for {source} ran past {timeout:.0f} s") from None
    if done.returncode != 0:
        raise NscError(f"the native driver for {source} failed ({done.returncode})")
    outputs, offset = {}, 0
    for port in sig.outputs:
        count = n * port.size
        width = np.dtype(port.dtype).itemsize
        raw = done.stdout[offset : offset + count * width]
        outputs[port.name] = np.frombuffer(raw, dtype=port.dtype).reshape(n, *port.shape)
        offset += count * width
    return float(done.stderr.decode().split()[-1]) / reps, outputs


# --- the command ------------------------------------------------------------------------------


def peak_memory_mib() -> dict[str, float]:
    """Largest resident set so far, of this process and of its (waited-for) children."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"self": own, "children": kids}


def perf(
    config: PerfConfig, out: Path, *, argv: Sequence[str] = (), log: Callable[[str], None] = print
) -> str:
    """Measure everything, write `perf.json` and `report.md` into `out`; returns the report."""
    from nsc.bench.report import check_results_folder, provenance, write_json
    from nsc.fileio import atomic_write_text

    paths = config.paths()
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        raise NscError(f"no such program file: {', '.join(missing)}")
    from nsc.nscc import find_model

    find_model(config.model, "compiled")  # before minutes of work, and before `out` exists
    check_results_folder(out)
    header = provenance(argv)
    results: dict = {
        "header": header,
        "config": {**asdict(config), "programs": [str(p) for p in paths]},
    }
    with tempfile.TemporaryDirectory(prefix="nsc-perf-") as tmp:
        work = Path(tmp)
        log("compile latency")
        results["compile"] = {
            p.stem: median_stages(p, config.model, config.repeat, work / "c.onnx") for p in paths
        }
        results["nscc_wall_ms"] = {
            p.stem: nscc_wall(p, config.model, work / "w.onnx", 2) for p in paths[:2]
        }
        log("surrogate, oracle and gcc throughput")
        results["throughput"] = [
            asdict(throughput(p, config.model, config.rows, work)) for p in paths
        ]
        log("corpus generation")
        results["datagen"] = datagen_rate(work / "corpus", config.datagen_count)
        log("training")
        results["train"] = train_rate(work / "corpus", work / "run", config.train_steps)
    results["peak_memory_mib"] = peak_memory_mib()
    out.mkdir(parents=True, exist_ok=True)
    write_json(out / "perf.json", results)
    text = perf_markdown(results)
    atomic_write_text(out / "report.md", text)
    return text


def perf_markdown(results: Mapping) -> str:
    """The perf report as Markdown."""
    lines = ["# nsc bench perf", ""]
    lines += [
        f"- {k}: `{v}`" if k == "command" else f"- {k}: {v}" for k, v in results["header"].items()
    ]
    compile_ = results["compile"]
    stages = list(next(iter(compile_.values())))
    lines += [
        "",
        "## nscc latency per stage (ms, median)",
        "",
        "Measured in this process through `nsc.pipeline.compile_c`, which holds torch and its "
        "threads, so it may not fork: the stages run one after another and calibration starts a "
        "fresh interpreter. The `nscc` program overlaps them (`benchmarks/bench_nscc.py`); its "
        "wall time is the line below the table.",
        "",
        "| program | " + " | ".join(stages) + " |",
        "|---" * (len(stages) + 1) + "|",
    ]
    for name, row in compile_.items():
        lines.append(f"| {name} | " + " | ".join(f"{row.get(s, 0):.1f}" for s in stages) + " |")
    walls = ", ".join(f"{k} {v:.0f} ms" for k, v in results["nscc_wall_ms"].items())
    lines += ["", f"`nscc` end to end (interpreter start and imports included): {walls}"]
    lines += [
        "",
        "## Throughput on the same inputs (rows/s)",
        "",
        "| program | rows | surrogate (ORT) | oracle (JIT -O2) | gcc -O2 | gcc = oracle |",
        "|---|---|---|---|---|---|",
    ]
    for t in results["throughput"]:
        agree = "-" if t["gcc_agrees"] != t["gcc_agrees"] else f"{100 * t['gcc_agrees']:.1f}%"
        lines.append(
            f"| {t['program']} | {t['rows']} | {_rate(t['surrogate'])} | "
            f"{_rate(t['oracle'])} | {_rate(t['gcc'])} | {agree} |"
        )
    notes = [f"- {t['program']}: {t['note']}" for t in results["throughput"] if t.get("note")]
    lines += ["", *notes] if notes else []
    d, tr = results["datagen"], results["train"]
    lines += [
        "",
        "## Corpus and training",
        "",
        f"- datagen: {d['programs']} programs in {d['seconds']:.1f} s = "
        f"{d['programs_per_s']:.1f} programs/s (2 workers; {d['kept']} kept)",
        f"- train: {tr['steps']} steps x {tr['batch_programs']} programs in "
        f"{tr['seconds']:.1f} s = {tr['programs_per_s']:.1f} programs/s (1 thread)",
    ]
    mem = results["peak_memory_mib"]
    lines += [
        f"- peak memory: {mem['self']:.0f} MiB (this process), "
        f"{mem['children']:.0f} MiB (largest child)"
    ]
    return "\n".join(lines) + "\n"


def _rate(value: float) -> str:
    if value != value:
        return "-"
    return f"{value / 1e6:.2f}M" if value >= 1e6 else f"{value / 1e3:.1f}k"
