"""`nsc bench data-efficiency`: the fine-tuning protocol of Weber et al. (ICML 2024) on programs
the hypernetwork never saw.

For each evaluation program the oracle labels four disjoint input sets, drawn once and shared by
every method: `calibration` rows (output centre and scale only; no weights are fitted to them),
a `pool` of training rows, a fixed `validation` set and a `test` set. Each initialization
(`random`, `dataset`, `meta`, `compiled`: the names of `nscc --init`; `fused`: compiled by the
fusion model, which also reads what each instruction computed on the calibration rows, as
`nscc --fusion` does) is fine-tuned on the first
n rows of a seeded permutation of the pool, n = size% of the pool (0% = zero-shot, at least one
row otherwise), with full-batch Adam at the paper's lr 0.012. Validation loss picks the reported
epoch; training stops after `patience` epochs without a better one. With several learning rates
(`--lr 0.012,0.003`), each run is trained at each and keeps the one whose best validation loss is
lowest, the same rule for every method. `--anchor` adds a choice of priors the same way: a
penalty `anchor / n * sum((w - w0)**2)` on the distance from the run's own start w0 (n rows),
the MAP estimate under a Gaussian prior centred on the init, fading as rows are added. Every
loss is the MSE in the standardized output space. The same seed gives every method the same training rows.

The validation set is drawn separately rather than split off the training rows, so a 1-row
subset still has one, and all sizes and methods are judged on the same rows (see docs/results.md).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import sys
import time
import zlib
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np

from nsc.bench.fitting import Dataset, fit_best
from nsc.diagnostics import CompileError, NscError, printable_name
from nsc.ir.forking import die_with_parent
from nsc.ir.sandbox import stopping_workers
from nsc.workers import ignore_interrupts, stop_workers

METHODS = ("random", "dataset", "meta", "compiled", "fused")
PAPER_SIZES = (0.0, 0.1, 1.0, 10.0, 100.0)
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
EXAMPLE_INPUTS = {"inversek2j_plain": ("x", "y")}  # the `--input` examples/README.md gives
HELDOUT_SEED_BASE = 10**9  # generator seeds of held-out programs: far outside any corpus run
MAX_EPOCHS = 10**6


@dataclass(frozen=True)
class BenchConfig:
    """Every setting of a data-efficiency run (recorded with the results)."""

    pool: int = 1000
    test: int = 1000
    validation: int = 100
    calibration: int = 256
    sizes: tuple[float, ...] = PAPER_SIZES
    seeds: int = 5
    epochs: int = 1000
    patience: int = 100
    lrs: tuple[float, ...] = (0.012,)  # Adam's learning rates; each run keeps its best
    anchors: tuple[float, ...] = (0.0,)  # strengths of the pull towards the start; likewise
    # > 0: a method other than random fine-tunes (never zero-shot) from its start plus this
    # multiple of the run's random init (shrink-and-perturb warm starting, without the shrink)
    perturb: float = 0.0
    model: str = "default"
    fused_model: str = "fused"  # the model of the `fused` method (trained with --fusion)
    pipeline: str = "O2"
    fuel: int = 1_000_000
    timeout: float = 60.0
    latent: bool = False  # also the experimental `latent` method (nsc.bench.latent)
    methods: tuple[str, ...] = METHODS  # which to run (random always: the ratios' reference)

    def check(self) -> None:
        if min(self.pool, self.test, self.validation, self.calibration) < 2:
            raise NscError("--pool, --test, --validation and --calibration need 2 rows or more")
        if self.seeds < 1 or self.epochs < 1 or self.patience < 1:
            raise NscError("--seeds, --epochs and --patience must be positive")
        if self.epochs > MAX_EPOCHS:  # each run's curve holds a loss per epoch
            raise NscError(f"--epochs takes at most {MAX_EPOCHS:,}, not {self.epochs:,}")
        if not self.sizes or any(not 0 <= s <= 100 for s in self.sizes):
            raise NscError(f"--sizes are percentages of the pool in [0, 100], not {self.sizes}")
        if 100.0 not in self.sizes:
            raise NscError("--sizes must include 100 (the epochs-to-target reference)")
        if not self.lrs or any(not 0 < np.float32(lr) < np.inf for lr in self.lrs):
            raise NscError(f"--lr takes positive finite learning rates (float32), not {self.lrs}")
        if not self.anchors or any(not 0 <= a < float("inf") for a in self.anchors):
            raise NscError(f"--anchor takes finite strengths >= 0, not {self.anchors}")
        if not 0 <= self.perturb < float("inf"):
            raise NscError(f"--perturb takes a finite multiple >= 0, not {self.perturb}")
        unknown = [m for m in self.methods if m not in METHODS]
        if unknown or "random" not in self.methods:
            given = repr(",".join(self.methods)) if self.methods else "an empty list"
            raise NscError(
                f"--methods takes some of {', '.join(METHODS)}, random among them (every "
                f"ratio is over random init), not {given}"
            )

    def rows(self, size: float) -> int:
        """Training rows for `size` percent of the pool: 0 for zero-shot, else at least 1."""
        return 0 if size == 0 else max(1, round(self.pool * size / 100.0))


@dataclass(frozen=True)
class Program:
    """One evaluation program: a C file and where it came from."""

    name: str
    path: str
    group: str  # "examples" or "heldout"
    corpus_hash: str = ""  # canonical IR hash (`nsc.data.ingest.program_hash`), when known
    inputs: tuple[str, ...] = ()  # `nscc --input`: parameters to treat as inputs

    def options(self, instrument: bool):
        from nsc.frontend import FrontendOptions

        return FrontendOptions(inputs=self.inputs, instrument=instrument, require_inputs=True)


@dataclass
class Run:
    """One fine-tuning run: its test loss at the best-validation epoch, and its curve."""

    program: str
    method: str
    size: float
    seed: int
    rows: int
    test_loss: float
    best_epoch: int
    epochs_run: int
    seconds: float
    curve: list[float] = field(default_factory=list)  # test loss per epoch (100% runs only)
    lr: float = 0.0  # the learning rate whose run had the best validation loss
    anchor: float = 0.0  # the anchor strength kept by the same rule


@dataclass
class ProgramResult:
    """Everything measured on one program, or why it was skipped."""

    program: Program
    runs: list[Run] = field(default_factory=list)
    error: str = ""
    seconds: float = 0.0
    corpus_hash: str = ""
    widths: tuple[int, int] = (0, 0)
    constant_loss: float = float("nan")  # test loss of predicting the calibration median

    def to_json(self) -> dict:
        return asdict(self)


# --- initializations --------------------------------------------------------------------------


def load_inits(model: str, fused_model: str = "fused") -> tuple[dict[str, object], list[str]]:
    """The numpy hypernetworks behind each model-based method (as `nscc --init` loads them;
    `fused_model` "" loads none for `fused`), and notes on the methods left out."""
    from nsc.pipeline import find_model, load_model

    notes: list[str] = []
    inits: dict[str, object] = {}
    try:
        fused = load_model(find_model(fused_model, "compiled"), "compiled") if fused_model else None
        if fused is not None and fused.fusion_dim:
            inits["fused"] = fused
            notes.append(f"fused model: {fused.model_id}")
        elif fused is not None:
            notes.append(f"fused: omitted ({fused_model} was trained without fusion features)")
    except NscError as err:
        notes.append(f"fused: omitted ({err.message})")
    try:
        inits["compiled"] = load_model(find_model(model, "compiled"), "compiled")
        notes.append(f"model: {inits['compiled'].model_id}")
    except NscError as err:
        notes.append(f"compiled, dataset, meta: omitted ({err.message})")
        return inits, notes
    for method in ("dataset", "meta"):
        try:
            inits[method] = load_model(find_model(model, method), method)
        except NscError as err:
            notes.append(f"{method}: omitted ({err.message})")
    fused = inits.get("fused")
    if fused is not None and (fused.hidden, fused.activation) != (
        inits["compiled"].hidden,
        inits["compiled"].activation,
    ):
        del inits["fused"]
        notes.append("fused: omitted (its surrogate family differs from the compiled model's)")
    return inits, notes


def initial_params(method: str, model, arrays, in_width: int, out_width: int, hidden, seed: int):
    """Starting weights as torch `SurrogateParams` (detached leaves)."""
    from nsc.backend.npforward import emit, random_init
    from nsc.runtime.surrogate import ArrayParams

    if method == "random":
        emitted = random_init(hidden, in_width, out_width, seed)
    else:
        emitted = emit(model, arrays, modulate=method in ("compiled", "fused"))
    return ArrayParams(emitted.weights, emitted.biases).to_torch()


# --- one program ------------------------------------------------------------------------------


def label(program: Program, config: BenchConfig, n: int, seed: int, need: int = 0):
    """Sample `n` inputs and run the oracle: (signature, inputs, outputs) of the finished rows
    (finished with finite outputs); NscError, saying why, if fewer than `need` are."""
    from nsc.frontend import c_to_ir
    from nsc.ir.oracle import run_isolated
    from nsc.ir.sampling import sample_inputs
    from nsc.pipeline import status_summary

    checked = c_to_ir(Path(program.path), program.options(instrument=True))
    sig = checked.signature
    inputs = sample_inputs(sig, n, seed)
    run = run_isolated(checked.ir, sig, inputs, fuel=config.fuel, timeout=config.timeout)
    ok = run.status == 0
    for a in run.outputs.values():
        if a.dtype.kind == "f":
            ok &= np.isfinite(a.reshape(len(a), -1)).all(axis=1)
    if ok.sum() < need:
        infinite = int((~ok & (run.status == 0)).sum())
        why = [status_summary(run.status)] + [f"outputs not finite: {infinite}"] * (infinite > 0)
        raise NscError(
            f"the oracle finished only {int(ok.sum())} of {n} sampled rows, {need} needed "
            f"({', '.join(w for w in why if w)})"
        )
    return sig, {k: v[ok] for k, v in inputs.items()}, {k: v[ok] for k, v in run.outputs.items()}


def prepare(program: Program, config: BenchConfig, base_seed: int):
    """Normalization from calibration rows and the standardized pool, validation and test sets;
    also the calibration inputs (what fusion observes)."""
    from nsc.backend.surrogate import Normalization, flatten_ports

    parts = [config.calibration, config.pool, config.validation, config.test]
    total = int(sum(parts) * 1.25) + 16  # spare rows for inputs the oracle cannot finish
    sig, inputs, outputs = label(program, config, total, base_seed, sum(parts))
    x = flatten_ports(sig.inputs, inputs)
    y = flatten_ports(sig.outputs, outputs)
    bounds = np.cumsum([0, *parts])
    take = lambda a, i: a[bounds[i] : bounds[i + 1]]  # noqa: E731
    calib = {k: v[: config.calibration] for k, v in outputs.items()}
    norm = Normalization.from_calibration(sig, calib)
    xs = [norm.inputs(take(x, i)).astype(np.float32) for i in (1, 2, 3)]
    ys = [norm.outputs(take(y, i)).astype(np.float32) for i in (1, 2, 3)]
    calib_inputs = {k: v[: config.calibration] for k, v in inputs.items()}
    return sig, Dataset(xs[0], ys[0], xs[1], ys[1], xs[2], ys[2], norm), calib_inputs


def bench_program(
    program: Program, config: BenchConfig, inits: dict[str, object], methods: Sequence[str]
) -> ProgramResult:
    """Every method x size x seed on one program (runs in a worker; torch on one thread)."""
    import torch

    torch.set_num_threads(1)
    start = time.perf_counter()
    result = ProgramResult(program)
    try:
        _bench(program, config, inits, methods, result)
    except (NscError, CompileError) as err:
        result.error = str(err) if isinstance(err, CompileError) else err.message
    result.seconds = time.perf_counter() - start
    return result


def _bench(program, config, inits, methods, result: ProgramResult) -> None:
    from nsc.backend.surrogate import MLPFamily

    seed = zlib.crc32(program.name.encode())
    sig, data, calib_inputs = prepare(program, config, seed)
    in_w, out_w = data.x_pool.shape[1], data.y_pool.shape[1]
    result.widths = (in_w, out_w)
    result.constant_loss = float(np.mean(data.y_test.astype(np.float64) ** 2))
    model = inits.get("compiled", next(iter(inits.values()), None))
    hidden = model.hidden if model is not None else (32, 32)
    family = MLPFamily(hidden, model.activation if model is not None else "tanh")
    arrays = _program_arrays(program, sig, inits, calib_inputs, config, result)
    starts = {
        (m, s): initial_params(m, inits.get(m), arrays.get(m), in_w, out_w, hidden, s)
        for m in methods
        if m != "latent"
        for s in range(config.seeds)
    }
    orders = pool_orders(config, len(data.x_pool))
    tuned = perturbed(starts, config.perturb)
    for size in config.sizes:
        fine_tune(result, family, starts if size == 0 else tuned, data, config, size, orders)
        if "latent" in methods:
            from nsc.bench.latent import latent_runs

            t0 = time.perf_counter()
            subsets = [orders[s][: config.rows(size)] for s in range(config.seeds)]
            fits = latent_runs(
                inits["compiled"], arrays["compiled"], data, subsets, config, size == 100
            )
            latent_keys = [("latent", s) for s in range(config.seeds)]
            _record(result, latent_keys, size, len(subsets[0]), fits, time.perf_counter() - t0)


def pool_orders(config: BenchConfig, pool: int) -> list[np.ndarray]:
    """Each seed's permutation of the pool: a run of size n trains on its first n rows."""
    return [np.random.default_rng([s, 7]).permutation(pool) for s in range(config.seeds)]


def fine_tune(result: ProgramResult, family, starts: dict, data, config, size: float, orders):
    """Fine-tune every (method, seed) start on `size` percent of the pool (its seed's rows, in
    one batch) and record the runs in `result`."""
    keys = list(starts)
    subsets = [orders[s][: config.rows(size)] for _, s in keys]
    t0 = time.perf_counter()
    fits = fit_best(family, [starts[key] for key in keys], data, subsets, config, size == 100)
    _record(result, keys, size, len(subsets[0]), fits, time.perf_counter() - t0)


def perturbed(starts: dict, scale: float) -> dict:
    """The starts fine-tuning begins from: with `scale` > 0, every method but random adds
    `scale` times random's start of the same seed (random is always among the methods) to its
    own (the zero-shot size keeps the start itself)."""
    if scale == 0:
        return starts
    from nsc.backend.surrogate import SurrogateParams

    out = {}
    for (method, seed), start in starts.items():
        if method == "random":
            out[method, seed] = start
            continue
        noise = starts["random", seed].tensors()
        tensors = [s + scale * n for s, n in zip(start.tensors(), noise, strict=True)]
        depth = len(start.weights)
        out[method, seed] = SurrogateParams(tensors[:depth], tensors[depth:]).detached()
    return out


def _record(result: ProgramResult, keys, size: float, rows: int, fits, seconds: float) -> None:
    """One `Run` per (method, seed) key; the seconds are shared out evenly."""
    each = seconds / len(keys)
    for (method, s), f in zip(keys, fits, strict=True):
        result.runs.append(
            Run(
                result.program.name,
                method,
                size,
                s,
                rows,
                f.test_loss,
                f.best_epoch,
                f.epochs_run,
                each,
                f.curve,
                f.lr,
                f.anchor,
            )
        )


def _program_arrays(program: Program, sig, inits, calib_inputs, config, result: ProgramResult):
    """Each model's input for the program, exactly as `nscc` builds it; notes its hash."""
    from nsc.backend.arrays import program_tensors
    from nsc.data.ingest import program_hash
    from nsc.frontend import c_to_ir
    from nsc.ir.observe import observe_graph
    from nsc.pipeline import graph_passes, program_graph

    compiled = c_to_ir(Path(program.path), program.options(instrument=False))
    ir = graph_passes(compiled, config.pipeline)
    result.corpus_hash = program_hash(ir, sig)
    graph = program_graph(ir, sig, None)
    arrays = {}
    for method, model in inits.items():
        fusion = None
        if model.fusion_dim:
            fusion = observe_graph(ir, sig, calib_inputs, graph)
        arrays[method] = program_tensors(
            graph, model.vocab, sig, fusion=fusion, fusion_dim=model.fusion_dim
        )
    return arrays


# --- evaluation programs ----------------------------------------------------------------------


def example_programs(paths: Sequence[Path]) -> list[Program]:
    if not paths:
        raise NscError("no evaluation programs: pass --programs or --heldout")
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        raise NscError(f"no such program file: {', '.join(missing)}")
    programs = [
        Program(printable_name(p.stem), str(p), "examples", inputs=EXAMPLE_INPUTS.get(p.stem, ()))
        for p in paths
    ]
    check_names(programs)
    return programs


def check_names(programs: Sequence[Program]) -> None:
    """Refuse two programs of one name: the results and the report know a program by it."""
    paths: dict[str, list[str]] = {}
    for program in programs:
        paths.setdefault(program.name, []).append(printable_name(program.path))
    for name, same in paths.items():
        if len(same) > 1:
            raise NscError(
                f"{len(same)} programs are named {name} ({', '.join(same)}): the report tells "
                "programs apart by file name",
                hints=("give each program once, under a name of its own",),
            )


def corpus_hashes(corpus: Path) -> set[str]:
    """Canonical IR hashes of every program in a corpus folder (read from the shard headers)."""
    shards = sorted(corpus.glob("shard-*.json"))
    if not shards:
        raise NscError(f"{corpus}: no shard-*.json here; is this an nsc corpus folder?")
    hashes: set[str] = set()
    for path in shards:
        try:
            hashes.update(str(p["hash"]) for p in json.loads(path.read_bytes())["programs"])
        except OSError as err:
            raise NscError(f"{path}: cannot read ({err.strerror or err})") from None
        except (ValueError, KeyError, TypeError) as err:  # not JSON, or not a shard's header
            raise NscError(
                f"{path}: not a valid corpus shard header ({type(err).__name__}: {err})",
                hints=("rerun the nsc datagen command that built the corpus: it rebuilds it",),
            ) from None
    return hashes


def heldout_programs(
    count: int, folder: Path, known: set[str] | None, seed_base: int = HELDOUT_SEED_BASE
) -> list[Program]:
    """`count` generated programs with seeds from `seed_base` up, absent from the corpus
    (by canonical hash, when `known` is given), written as C files into `folder`."""
    from nsc.data.ingest import DatasetConfig, Item, build_program

    config = DatasetConfig(samples=64)
    programs: list[Program] = []
    seen: dict[str, str] = {}
    for k in range(max(20 * count, 50)):
        if len(programs) >= count:
            break
        gen_seed = seed_base + k
        record = build_program(Item(k, f"seed-{gen_seed}", gen_seed=gen_seed), 0, config, seen)
        if not hasattr(record, "hash") or (known is not None and record.hash in known):
            continue
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{record.name}.c"
        path.write_text(record.source)
        programs.append(Program(record.name, str(path), "heldout", record.hash))
    if len(programs) < count:
        raise NscError(f"found only {len(programs)} usable held-out programs of {count}")
    return programs


# --- the run ----------------------------------------------------------------------------------


def run_benchmark(
    programs: Sequence[Program],
    config: BenchConfig,
    *,
    workers: int = 2,
    on_done: Callable[[ProgramResult, bool], None] | None = None,
    resume: Path | None = None,
) -> tuple[list[ProgramResult], list[str]]:
    """Bench every program (in a process pool when `workers` > 1); results in program order.

    With `resume` (the results folder), each program's result is saved there as it arrives, and
    a program whose result is already there from the same settings, source, models and code is
    not run again (`nsc.bench.finished`). `on_done(result, kept)` hears of each, `kept` for
    those."""
    from nsc.bench import finished

    config.check()
    inits, notes = load_inits(config.model, config.fused_model if "fused" in config.methods else "")
    methods = [m for m in METHODS if (m == "random" or m in inits) and m in config.methods]
    left_out = [m for m in METHODS if m not in config.methods]
    if left_out:
        notes.append(f"{', '.join(left_out)}: not run (--methods)")
    if config.latent:
        from nsc.bench.latent import note

        methods += ["latent"] if "compiled" in inits else []
        notes.append(note() if "compiled" in inits else "latent: omitted (no compiled model)")
    ordered = sorted(range(len(programs)), key=lambda i: -_cost(programs[i]))
    results: dict[int, ProgramResult] = {}
    keys: dict[int, str] = {}
    if resume is not None:
        for i in ordered:
            keys[i] = finished.result_key(programs[i], config, methods, inits)
            kept = finished.load(resume, programs[i], keys[i])
            if kept is not None:
                results[i] = kept
                if on_done:
                    on_done(kept, True)
        if results:
            notes.append(
                f"resumed: {len(results)} of {len(programs)} programs' results were kept from "
                "an earlier run into this folder (same settings, sources, models and code)"
            )
        ordered = [i for i in ordered if i not in results]

    def arrived(i: int, result: ProgramResult) -> None:
        results[i] = result
        if resume is not None:
            finished.save(resume, result, keys[i])
        if on_done:
            on_done(result, False)

    # SIGTERM stops the run as Ctrl-C does (workers ended), then ends this process as it would
    with stopping_workers(lambda: None):
        if workers <= 1:
            for i in ordered:
                arrived(i, bench_program(programs[i], config, inits, methods))
        else:
            _run_pool(programs, ordered, config, inits, methods, workers, arrived)
    return [results[i] for i in range(len(programs))], notes


def _run_pool(programs, ordered, config, inits, methods, workers: int, arrived) -> None:  # noqa: ANN001
    """Bench the programs `ordered` in a process pool; `arrived(i, result)` takes each result,
    in that order."""
    context = multiprocessing.get_context("spawn")  # no fork of a process holding torch
    pool = ProcessPoolExecutor(
        workers, mp_context=context, initializer=_init_worker, initargs=(os.getpid(),)
    )
    try:
        futures = {
            i: pool.submit(bench_program, programs[i], config, inits, methods) for i in ordered
        }
        for i in ordered:
            try:
                result = futures[i].result()
            except BrokenProcessPool:
                raise NscError(
                    f"a benchmark worker died while running {programs[i].name} (out of "
                    "memory? `dmesg` tells); the report is not written, the programs "
                    "finished before are kept for a rerun"
                ) from None
            arrived(i, result)
    except BaseException:  # Ctrl-C or an error: the programs finished so far are saved
        stop_workers(pool)
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _init_worker(parent: int) -> None:
    ignore_interrupts()  # Ctrl-C is the main process's to handle (`nsc.workers`)
    die_with_parent(parent)  # a killed run (kill -9) leaves no worker running or waiting


def setting_choices(results: Sequence[ProgramResult], what: str, values: Sequence[float]) -> str:
    """Which value of a setting (`lr` or `anchor`) the trained runs of each method kept, as
    shares."""
    parts = []
    for method in (*METHODS, "latent"):
        kept = [
            getattr(r, what) for res in results for r in res.runs if r.method == method and r.rows
        ]
        if kept:
            shares = ", ".join(f"{v:g} {kept.count(v) / len(kept):.0%}" for v in values)
            parts.append(f"{method}: {shares}")
    noun = {"lr": "learning rate", "anchor": "anchor strength"}[what]
    return f"{noun} kept by the trained runs: " + "; ".join(parts)


def _cost(program: Program) -> int:
    """A rough size, to start the big programs first."""
    return Path(program.path).stat().st_size if Path(program.path).is_file() else 0


QUICK = {
    "pool": 200,
    "test": 200,
    "validation": 50,
    "calibration": 64,
    "sizes": (0.0, 1.0, 10.0, 100.0),
    "seeds": 2,
    "epochs": 150,
    "patience": 30,
}


def quick_run(
    config: BenchConfig, paths: Sequence[Path], heldout: int
) -> tuple[BenchConfig, list[Path], int]:
    """The `--quick` smoke run: two programs, at most one held-out, small sets, few epochs."""
    return replace(config, **QUICK), list(paths)[:2], min(heldout, 1)


def default_programs() -> list[Path]:
    """Every kernel in the repository's examples/ folder."""
    return sorted(EXAMPLES.glob("*.c"))


def data_efficiency(
    paths: Sequence[Path],
    heldout: int,
    config: BenchConfig,
    out: Path,
    *,
    corpus: Path | None = None,
    workers: int = 2,
    argv: Sequence[str] = (),
    log: Callable[[str], None] = print,
) -> dict:
    """The whole command: pick the programs, bench them, write the report into `out`."""
    from nsc.bench import finished
    from nsc.bench.report import check_results_folder, provenance, write_report

    config.check()
    header = provenance(argv)
    known = corpus_hashes(corpus) if corpus is not None else None
    programs = example_programs(paths) if paths else []
    check_results_folder(out)
    if heldout:
        log(f"choosing {heldout} held-out generated programs (seeds from {HELDOUT_SEED_BASE})")
        programs += heldout_programs(heldout, out / "heldout", known)
        check_names(programs)
    if not programs:
        raise NscError("no evaluation programs: pass --programs or --heldout")
    notes = []
    if known is None and heldout:
        notes.append("held-out programs not checked against a corpus (no --corpus)")
    start = time.perf_counter()
    from tqdm import tqdm

    # on stderr, and only on a terminal (disable=None): logs and tests see the lines alone
    bar = tqdm(total=len(programs), unit="program", desc="fine-tuning", disable=None)

    def done(result: ProgramResult, kept: bool) -> None:
        status = f"skipped: {result.error}" if result.error else f"{len(result.runs)} runs"
        when = "kept from an earlier run" if kept else f"{result.seconds:.1f} s"
        message = f"{result.program.name}: {status} ({when})"
        if bar.disable:
            log(message)
        else:
            bar.write(message, file=sys.stderr)
        bar.update(1)

    try:
        results, init_notes = run_benchmark(
            programs, config, workers=workers, on_done=done, resume=out
        )
    finally:
        bar.close()
    notes += init_notes
    if known is not None:
        seen = [r.program.name for r in results if r.corpus_hash in known]
        notes.append(
            f"in the training corpus: {', '.join(seen) or 'none'} "
            f"(canonical IR hash against {len(known)} corpus programs)"
        )
    if len(config.lrs) > 1:
        notes.append(setting_choices(results, "lr", config.lrs))
    if len(config.anchors) > 1:
        notes.append(setting_choices(results, "anchor", config.anchors))
    header["seconds"] = f"{time.perf_counter() - start:.0f}"
    header["settings"] = ", ".join(f"{k}={v}" for k, v in asdict(config).items())
    summary = write_report(
        out, [r.to_json() for r in results], notes, header, asdict(config), config.epochs
    )
    if not any(r.runs for r in results):
        skipped = "; ".join(f"{r.program.name}: {r.error}" for r in results)
        raise NscError(f"every program was skipped, nothing was measured ({skipped})")
    finished.forget(out, programs)  # the report has it all; a rerun measures afresh
    return summary
