"""Corpus programs in: where they come from (generator seeds or a folder's C files) and how one
becomes a record (compile, execute, filter, canonicalize, hash, graph).

An `Item` is one program to build, identified by its position in the run (`index`). Generated
items carry the generator seed `(seed << 32) | index`; ingested items carry a path. Items are
assigned to shards by index (`index // shard_size`), so a run's shards never depend on workers.
Sample inputs for item `index` come from `numpy.random.default_rng([seed, index])`.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

import llvmlite.binding as llvm
import numpy as np

from nsc.data.fastpp import preprocess_plain
from nsc.data.generator import DEFAULT_WEIGHTS, GeneratorConfig, generate
from nsc.data.shards import ProgramRecord, graph_arrays
from nsc.diagnostics import CompileError, NscError, printable_name
from nsc.frontend import FrontendOptions, parse_c
from nsc.frontend.lower import (
    UTF8_BOM,
    ParsedC,
    ir_text,
    lower_module,
    parse_preprocessed,
    strip_lowered,
)
from nsc.frontend.parse import call_deep
from nsc.frontend.preprocess import check_define, decode_source
from nsc.ir.jit import SharedEngine
from nsc.ir.module import IRModule
from nsc.ir.oracle import Execution, Oracle, Status, run_isolated
from nsc.ir.sampling import sample_inputs
from nsc.signature import Signature

MAX_COUNT = 1 << 32
REASONS = (
    "compile",
    "fuel",
    "bounds",
    "div0",
    "assertion",
    "exit",
    "abort",
    "crash",
    "timeout",
    "nonfinite",
    "constant",
    "duplicate",
    "error",
)
_ENGINES: dict[int, SharedEngine] = {}  # by JIT optimization level
STATUS_REASONS = {
    Status.OUT_OF_FUEL: "fuel",
    Status.OUT_OF_BOUNDS: "bounds",
    Status.DIV_BY_ZERO: "div0",
    Status.ASSERTION: "assertion",
    Status.EXIT: "exit",
    Status.ABORT: "abort",
    Status.CRASH: "crash",
    Status.TIMEOUT: "timeout",
}


MAX_SAMPLES = 1_000_000  # rows per program; every program's rows are held in memory at once
MAX_FUEL = 1 << 63  # the oracle's step counter is a signed 64-bit integer


@dataclass(frozen=True)
class DatasetConfig:
    """How each program is built; every field is part of the corpus's settings fingerprint."""

    samples: int = 1024  # inputs sampled per program (M)
    shard_size: int = 256  # items per shard
    fuel: int = 100_000  # oracle steps per row
    pipeline: str = "O2"  # run before `canonicalize`; the graph and the hash see the result
    max_bad_fraction: float = 0.0  # drop a program when more of its rows trap or are not finite
    probe_rows: int = 16  # rows run first; a program failing on them is dropped early
    jit_opt_level: int = 0  # the oracle's JIT level: -O0 compiles 3x faster, runs M rows fine
    isolate_timeout: float = 60.0  # seconds for a program re-run in a sandbox after a crash
    defines: tuple[str, ...] = ()
    include_dirs: tuple[str, ...] = ()
    generator: GeneratorConfig = field(default_factory=GeneratorConfig)

    def check(self) -> None:
        """Raise NscError on settings that cannot build a corpus."""
        if not 2 <= self.samples <= MAX_SAMPLES:
            raise NscError(f"--samples must be in [2, {MAX_SAMPLES:,}], not {self.samples}")
        if self.shard_size < 1:
            raise NscError(f"the shard size must be positive, not {self.shard_size}")
        if not 1 <= self.fuel < MAX_FUEL:
            raise NscError(f"--fuel must be in [1, 2**63), not {self.fuel}")
        if not 0.0 <= self.max_bad_fraction < 1.0:
            raise NscError(f"max_bad_fraction must be in [0, 1), not {self.max_bad_fraction}")
        for define in self.defines:
            check_define(define)  # the message the compiler gives, before any program is built
        for directory in self.include_dirs:
            if not Path(directory).is_dir():
                raise NscError(f"-I {directory}: no such directory")
        self.generator.weights()

    def fingerprint(self) -> dict:
        """The settings as plain JSON values."""
        data = {k: getattr(self, k) for k in self.__dataclass_fields__ if k != "generator"}
        data["generator"] = {
            k: getattr(self.generator, k) for k in self.generator.__dataclass_fields__
        }
        # a family that is off by default and off here draws no program: left out, so corpora
        # built before it existed keep their settings (and resume)
        data["generator"]["family_weights"] = [
            (name, weight)
            for name, weight in self.generator.family_weights
            if weight > 0 or DEFAULT_WEIGHTS.get(name, 1.0) > 0
        ]
        return json.loads(json.dumps(data))


@dataclass(frozen=True)
class Drop:
    """Why an item is not in the corpus."""

    reason: str
    message: str


@dataclass(frozen=True)
class Item:
    """One program to build: generated from `gen_seed`, or read from `path`."""

    index: int
    name: str
    gen_seed: int | None = None
    path: str | None = None


def generated_items(seed: int, start: int, stop: int) -> list[Item]:
    """Items `start..stop-1` of a generated corpus with run seed `seed`."""
    return [
        Item(i, f"seed-{generator_seed(seed, i)}", gen_seed=generator_seed(seed, i))
        for i in range(start, stop)
    ]


def generator_seed(seed: int, index: int) -> int:
    """The generator seed of program `index` in a run with seed `seed`."""
    if not 0 <= index < MAX_COUNT:
        raise NscError(f"program index {index} is outside [0, 2**32)")
    return (seed << 32) | index


def list_sources(folder: Path) -> list[Path]:
    """The `.c` files under `folder` (recursively), sorted by relative path."""
    if not folder.is_dir():
        raise NscError(f"{folder}: not a directory")
    files = sorted(p for p in folder.rglob("*.c") if p.is_file())
    if not files:
        raise NscError(f"{folder}: no .c files found")
    return sorted(files, key=lambda p: p.relative_to(folder).as_posix())


def file_items(folder: Path, files: list[Path], start: int, stop: int) -> list[Item]:
    """Items `start..stop-1` of an ingested folder."""
    return [
        Item(i, files[i].relative_to(folder).as_posix(), path=str(files[i]))
        for i in range(start, stop)
    ]


def listing_digest(folder: Path, files: list[Path]) -> str:
    """A hash of the files' names and contents: a resumed ingest must see the same folder."""
    digest = hashlib.sha256()
    for path in files:
        # file names need not be UTF-8: hash their bytes as the file system holds them
        digest.update(os.fsencode(path.relative_to(folder).as_posix()) + b"\0")
        digest.update(_file_digest(path))
    return digest.hexdigest()


def _file_digest(path: Path) -> bytes:
    """The sha256 of a file, read in pieces; a file that cannot be read hashes as its error
    (building it drops it as `compile`, as nscc refuses it)."""
    try:
        with open(path, "rb") as handle:
            return hashlib.file_digest(handle, "sha256").digest()
    except OSError as err:
        return hashlib.sha256(f"unreadable: {err.strerror or err}".encode()).digest()


def read_source(item: Item) -> str:
    """The C text of a file item, read as nscc reads a file: a leading byte-order mark is
    dropped; a byte that is not UTF-8 is a located CompileError, a file that cannot be read an
    NscError."""
    if item.path is None:
        raise NscError(f"item {item.name} has no file")
    try:
        data = Path(item.path).read_bytes()
    except OSError as err:
        raise NscError(f"cannot read {printable_name(item.name)}: {err.strerror or err}") from None
    return decode_source(data.removeprefix(UTF8_BOM.encode()), printable_name(item.name))


@contextmanager
def stage(times: dict[str, float], name: str) -> Iterator[None]:
    """Add the wall time of a block to `times[name]`."""
    start = time.perf_counter()
    try:
        yield
    finally:
        times[name] = times.get(name, 0.0) + time.perf_counter() - start


def build_program(
    item: Item,
    seed: int,
    config: DatasetConfig,
    seen: dict[str, str],
    *,
    isolate: bool = False,
    times: dict[str, float] | None = None,
) -> ProgramRecord | Drop:
    """Compile, execute, filter, canonicalize, deduplicate (against `seen`) and graph one item."""
    times = {} if times is None else times
    with stage(times, "generate"):
        found = item_source(item, config)
    if isinstance(found, Drop):
        return found
    source, meta = found
    options = FrontendOptions(
        defines=config.defines,
        include_dirs=config.include_dirs,
        # an ingested file is named by its path in the folder: its own folder holds its headers
        quote_dir=str(Path(item.path).parent) if item.path else None,
        instrument=True,
    )
    with stage(times, "frontend"):
        lowered = call_deep(_frontend, source, options, item)
    if isinstance(lowered, Drop):
        return lowered
    (instrumented, signature), clean = lowered
    if not signature.outputs:
        return Drop("compile", f"the entry {signature.entry!r} has no outputs")
    inputs = sample_inputs(signature, config.samples, np.random.default_rng([seed, item.index]))
    with stage(times, "oracle"):
        execution = execute(instrumented, signature, inputs, config, isolate=isolate)
    keep = classify(execution, config)
    if isinstance(keep, Drop):
        return keep
    if isinstance(clean, Drop):
        return Drop("error", f"compiles instrumented but not clean: {clean.message}")
    clean_module, _ = clean
    with stage(times, "passes"):
        from nsc.ir.passes import run_passes

        pipeline = ",".join(
            filter(None, [config.pipeline, f"canonicalize{{entry={signature.entry}}}"])
        )
        module = run_passes(IRModule.from_ref(clean_module), pipeline).module
        key = program_hash(module.text, signature)
    if key in seen:
        return Drop("duplicate", f"the same canonical program as {seen[key]}")
    seen[key] = item.name
    with stage(times, "graph"):
        from nsc.ir.graph import program_graph

        graph = graph_arrays(program_graph(module, signature))
    return ProgramRecord(
        name=item.name,
        source=source,
        signature=signature,
        ir=module.text,
        hash=key,
        inputs={k: np.ascontiguousarray(v[keep]) for k, v in inputs.items()},
        outputs={k: np.ascontiguousarray(v[keep]) for k, v in execution.outputs.items()},
        graph=graph,
        meta=meta,
    )


def warm_up(config: DatasetConfig) -> None:
    """Build one generated program (seed 0, 16 rows) and forget it: processes forked afterwards
    start with every stage's imports and caches ready (headers, LLVM, the pass pipeline)."""
    small = replace(config, samples=16, probe_rows=16)
    try:
        build_program(Item(0, "warm-up", gen_seed=0), 0, small, {})
    except NscError:
        pass  # the workers will report whatever is wrong


def item_source(item: Item, config: DatasetConfig) -> tuple[str, dict] | Drop:
    """The C text of an item and what the record's `meta` says about its origin; a file that
    cannot be read or is not UTF-8 is dropped as `compile`, as nscc refuses it."""
    if item.gen_seed is not None:
        program = generate(item.gen_seed, config.generator)
        return program.source, {
            "index": item.index,
            "seed": item.gen_seed,
            "family": program.family,
        }
    try:
        source = read_source(item)
    except CompileError as err:
        return Drop("compile", str(err))
    except NscError as err:
        return Drop("compile", err.message)
    return source, {"index": item.index, "path": item.name}


def _compile(source: str, options: FrontendOptions, item: Item) -> ParsedC | Drop:
    """Preprocess and parse once (`_frontend` lowers the result, with the oracle's checks).

    A source that uses cpp only to include nsc's headers and name numeric constants (every
    generated program) is expanded without starting cpp (`nsc.data.fastpp`), to the same text.
    """
    filename = printable_name(item.name) if item.path else f"{item.name}.c"
    plain = not options.defines and not options.include_dirs
    expanded = preprocess_plain(source, filename) if plain else None
    try:
        if expanded is not None:
            return parse_preprocessed(expanded, options, filename)
        return parse_c(source, options, filename=filename)
    except CompileError as err:
        return Drop("compile", str(err))
    except NscError as err:
        return Drop("compile", err.message)


def _frontend(
    source: str, options: FrontendOptions, item: Item
) -> tuple[tuple[llvm.ModuleRef, Signature], tuple[llvm.ModuleRef, Signature] | Drop] | Drop:
    """Parse, lower with the oracle's checks, and take them out again for the clean module,
    all in one large-stack thread.

    (The parser and the code generator each ask `call_deep` for such a thread; inside one they
    run in place, which saves two thread starts, about 10% of a program's CPU time in datagen.
    The oracle runs on the caller's thread, with the stack `nscc` gives it.) Stripping the
    checks costs about a quarter of lowering again (1.4 ms against 5.1); where it cannot be
    done, the program is lowered again. The clean module is made even for a program the oracle
    will drop: under 1% of generated programs.
    """
    parsed = _compile(source, options, item)
    if isinstance(parsed, Drop):
        return parsed
    checked = _lower(parsed, True)
    if isinstance(checked, Drop):
        return checked
    clean = strip_lowered(checked[0])
    return checked, (clean, checked[1]) if clean is not None else _lower(parsed, False)


def _lower(parsed: ParsedC, instrument: bool) -> tuple[llvm.ModuleRef, Signature] | Drop:
    try:
        return lower_module(parsed, instrument=instrument)
    except CompileError as err:
        return Drop("compile", str(err))
    except NscError as err:
        return Drop("compile", err.message)


def execute(
    module: llvm.ModuleRef,
    signature: Signature,
    inputs: Mapping[str, np.ndarray],
    config: DatasetConfig,
    *,
    isolate: bool,
) -> Execution:
    """Run the oracle on the probe rows, then on the rest only if the probe passes.

    In-process normally (the oracle takes over `module`); with `isolate` (programs suspected of
    crashing) each part runs in a sandboxed worker, the probe with few restarts so a crashing
    program is given up quickly.
    """
    n = config.samples
    if isolate:
        text = ir_text(module)

        def run(rows: dict[str, np.ndarray], batch: int, restarts: int) -> Execution:
            return run_isolated(
                text,
                signature,
                rows,
                fuel=config.fuel,
                timeout=config.isolate_timeout,
                batch=batch,
                max_restarts=restarts,
            )
    else:
        oracle = Oracle(
            module,
            signature,
            fuel=config.fuel,
            opt_level=config.jit_opt_level,
            engine=_shared_engine(config.jit_opt_level),
        )

        def run(rows: dict[str, np.ndarray], batch: int, restarts: int) -> Execution:
            return oracle.run(rows, batch=batch)

    probe = min(config.probe_rows, n)
    head = run(_rows(inputs, 0, probe), probe, 1)
    if probe == n or bad_rows(head).mean() > config.max_bad_fraction:
        return head
    tail = run(_rows(inputs, probe, n), n - probe, 32)
    outputs = {k: np.concatenate([v, tail.outputs[k]]) for k, v in head.outputs.items()}
    return Execution(outputs, np.concatenate([head.status, tail.status]))


def _shared_engine(opt_level: int) -> SharedEngine:
    """This process's JIT engine for the oracle (see `nsc.ir.jit.SharedEngine`)."""
    if opt_level not in _ENGINES:
        _ENGINES[opt_level] = SharedEngine(opt_level)
    return _ENGINES[opt_level]


def _rows(inputs: Mapping[str, np.ndarray], start: int, stop: int) -> dict[str, np.ndarray]:
    return {k: v[start:stop] for k, v in inputs.items()}


def bad_rows(execution: Execution) -> np.ndarray:
    """Rows that trapped, crashed, or gave a NaN or infinite float output."""
    bad = execution.status != Status.OK
    for array in execution.outputs.values():
        if array.dtype.kind == "f":
            bad |= ~np.isfinite(array.reshape(len(array), -1)).all(axis=1)
    return bad


def classify(execution: Execution, config: DatasetConfig) -> np.ndarray | Drop:
    """The mask of rows to keep, or why the program is dropped.

    The probe rows are judged first, then all rows, so an in-process run that stopped after the
    probe and a sandboxed run of every row reach the same verdict.
    """
    bad = bad_rows(execution)
    probe = min(config.probe_rows, config.samples)
    for part in (bad[:probe], bad):
        if part.mean() > config.max_bad_fraction:
            return _bad_drop(execution.status[: len(part)][part], len(part))
    keep = ~bad
    if keep.sum() < 2 or all(_constant(a[keep]) for a in execution.outputs.values()):
        return Drop("constant", f"every output is constant over {int(keep.sum())} rows")
    return keep


def _bad_drop(codes: np.ndarray, rows: int) -> Drop:
    """Drop for the most common reason among bad rows (ties: the earlier reason in REASONS)."""
    counts = Counter(STATUS_REASONS.get(Status(int(c)), "nonfinite") for c in codes.tolist())
    worst = min(counts, key=lambda r: (-counts[r], REASONS.index(r)))
    detail = ", ".join(f"{n} {r}" for r, n in sorted(counts.items()))
    return Drop(worst, f"bad rows among the first {rows}: {detail}")


def _constant(array: np.ndarray) -> bool:
    return bool(np.all(array == array[:1]))


_ENTRY_REF = r"@{}(?![-\w.$])"


def program_hash(ir: str, signature: Signature) -> str:
    """The dedup key: canonical IR with the entry renamed, plus the signature without names."""
    body = re.sub(_ENTRY_REF.format(re.escape(signature.entry)), "@__entry", ir)
    ports = [
        [[p.dtype, list(p.shape), p.param, list(p.path), p.range] for p in ports]
        for ports in (signature.inputs, signature.outputs)
    ]
    key = json.dumps([ports, signature.returns], sort_keys=True)
    return hashlib.sha256(f"{body}\0{key}".encode()).hexdigest()
