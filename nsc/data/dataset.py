"""The corpus builder behind `nsc datagen`: items -> shards, in a process pool, resumable.

Plan. A run has `count` generated items (or one item per `.c` file of `--from-dir`); item i goes
to shard `i // shard_size`, so which programs a shard holds depends only on the settings, never on
the number of workers. `--shard i/N` builds the shards k with `k % N == i`; the union of N such
runs is the single run. A shard is built by one worker, in item order, and written atomically
(`nsc.data.shards`); a finished shard whose settings and item range match is skipped, so a rerun
resumes and a killed run loses at most the shards being written.

Deduplication is deterministic in two steps. Within a shard a program whose dedup hash
(`nsc.data.ingest.program_hash`: canonical IR + name-free signature) was already kept is dropped
as `duplicate`. Across shards, `index.json` is rebuilt at the end of every run from the finished
shards in shard order: the first occurrence of a hash is kept, later ones are listed under
`duplicates` of their shard. Readers (`read_corpus`) skip them. After split `--shard i/N` runs,
rerunning the command without `--shard` in the merged folder builds nothing and writes the index.

Workers are forked on Linux (spawned elsewhere) after this process has run one small program
through every stage, so they start with warm caches instead of importing everything again.

Crashes. Workers run the oracle in-process (fast). Before each item a worker writes the item's
index to `.inflight-<shard>`; if a worker dies, the pool is rebuilt, the items in flight become
suspects, and their shards are redone with suspects run in the sandbox (`run_isolated`). An item
suspected twice is dropped as `crash`. A worker whose item has run in-process for longer than the
sandbox's timeout is killed the same way (its rerun in the sandbox drops it as `timeout`), and a
worker dies with the main process (SIGTERM to the main process stops the run as Ctrl-C does).
"""

from __future__ import annotations

import faulthandler
import json
import math
import multiprocessing
import os
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from nsc import __version__
from nsc.data import ingest
from nsc.data.generator import GENERATOR_VERSION
from nsc.data.ingest import REASONS, DatasetConfig, Drop, Item
from nsc.data.shards import ProgramRecord, read_header, read_shard, write_shard
from nsc.diagnostics import NscError
from nsc.fileio import atomic_write_text
from nsc.ir.forking import die_with_parent
from nsc.ir.sandbox import stopping_workers
from nsc.workers import ignore_interrupts, kill_worker, stop_workers

__all__ = ["REASONS", "DatasetConfig", "Summary", "build_dataset", "read_corpus", "write_index"]

CONFIG_FILE = "config.json"
INDEX_FILE = "index.json"
SUMMARY_FILE = "summary.json"
LOG_FILE = "datagen.log"
# Per shard, shared with the workers: items done, drops by reason (the progress bar's), then
# the pid of the worker building it and when its current item started in-process (monotonic
# ns; 0 between items and for items run in the sandbox, which has a timeout of its own)
_PID = 1 + len(REASONS)
_SINCE = _PID + 1
_SLOT = _SINCE + 1
_COUNTERS: Any = None  # the worker's view of the shared progress counters (set per process)


@dataclass(frozen=True)
class Plan:
    """What a run builds: the items' source and how they split into shards."""

    out: Path
    seed: int
    total: int
    config: DatasetConfig
    folder: Path | None = None
    files: tuple[Path, ...] = ()

    @property
    def num_shards(self) -> int:
        return math.ceil(self.total / self.config.shard_size)

    def bounds(self, shard: int) -> tuple[int, int]:
        size = self.config.shard_size
        return shard * size, min((shard + 1) * size, self.total)

    def items(self, shard: int) -> list[Item]:
        start, stop = self.bounds(shard)
        if self.folder is None:
            return ingest.generated_items(self.seed, start, stop)
        return ingest.file_items(self.folder, list(self.files), start, stop)

    def settings(self) -> dict[str, Any]:
        """The fingerprint stored in config.json and every shard; resuming needs a match."""
        data: dict[str, Any] = {"seed": self.seed, "config": self.config.fingerprint()}
        if self.folder is None:
            data["mode"] = "generate"
            data["generator_version"] = GENERATOR_VERSION
        else:
            data["mode"] = "ingest"
            data["sources"] = ingest.listing_digest(self.folder, list(self.files))
        return data


@dataclass
class ShardResult:
    """What a worker reports for one finished shard."""

    shard: int
    kept: int
    drops: list[dict[str, Any]]
    times: dict[str, float]


@dataclass
class Summary:
    """Counts over every finished shard of the plan, plus this run's speed."""

    items: int
    finished_shards: int
    num_shards: int
    kept: int
    unique: int
    drops: dict[str, int]
    built_now: int = 0
    seconds: float = 0.0
    times: dict[str, float] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return self.built_now / self.seconds if self.seconds > 0 else 0.0

    def table(self) -> str:
        """A printable table of kept and dropped programs by reason."""
        rows = [("kept (unique)", self.unique)]
        rows += [(f"dropped: {r}", n) for r, n in self.drops.items() if n]
        width = max(len(r) for r, _ in rows)
        lines = [f"{'programs':<{width}}  {self.items:>8}"]
        for name, n in rows:
            share = 100.0 * n / self.items if self.items else 0.0
            lines.append(f"{name:<{width}}  {n:>8}  {share:5.1f}%")
        lines.append(f"shards: {self.finished_shards}/{self.num_shards} finished")
        if self.built_now:
            lines.append(
                f"this run: {self.built_now} programs in {self.seconds:.1f} s "
                f"({self.rate:.1f} programs/s)"
            )
        return "\n".join(lines)


def build_dataset(
    out: str | Path,
    *,
    count: int | None = None,
    from_dir: str | Path | None = None,
    seed: int = 0,
    workers: int = 2,
    config: DatasetConfig | None = None,
    shard: tuple[int, int] = (0, 1),
    progress: bool = True,
    on_shard: Callable[[int], None] | None = None,
) -> Summary:
    """Build (or resume) a corpus in `out`; see the module docstring.

    `count` generated programs, or every `.c` file under `from_dir`. `workers=0` builds in this
    process (no crash isolation: for tests and profiling). `on_shard(k)` runs after shard k is
    written. Returns the summary that `summary.json` holds.
    """
    plan = _plan(Path(out), count, from_dir, seed, config or DatasetConfig())
    part, parts = shard
    if parts < 1 or not 0 <= part < parts:
        raise NscError(f"--shard must be i/N with 0 <= i < N, not {part}/{parts}")
    if workers < 0:
        raise NscError(f"--workers must be non-negative, not {workers}")
    settings = plan.settings()
    _check_settings(plan.out, settings)
    mine = [k for k in range(plan.num_shards) if k % parts == part]
    todo = [k for k in mine if not _finished(plan, k, settings)]
    start = time.perf_counter()
    results = _run(plan, settings, todo, workers, progress, on_shard)
    seconds = time.perf_counter() - start
    summary = write_index(
        plan.out, plan.num_shards, belongs=lambda k, header: _belongs(plan, k, settings, header)
    )
    summary.built_now = sum(plan.bounds(k)[1] - plan.bounds(k)[0] for k in todo)
    summary.seconds = seconds
    for result in results:
        for name, value in result.times.items():
            summary.times[name] = summary.times.get(name, 0.0) + value
    _write_summary(plan.out, summary)
    return summary


def _plan(
    out: Path, count: int | None, from_dir: str | Path | None, seed: int, config: DatasetConfig
) -> Plan:
    config.check()
    if (count is None) == (from_dir is None):
        raise NscError("give either --count N (generate) or --from-dir DIR (ingest)")
    if not 0 <= seed < 1 << 31:
        raise NscError(f"--seed must be in [0, 2**31), not {seed}")
    if from_dir is None:
        if not 0 <= count < ingest.MAX_COUNT:  # type: ignore[operator]
            raise NscError(f"--count must be in [0, 2**32), not {count}")
        return Plan(out, seed, int(count), config)  # type: ignore[arg-type]
    folder = Path(from_dir)
    files = tuple(ingest.list_sources(folder))
    return Plan(out, seed, len(files), config, folder, files)


def _check_settings(out: Path, settings: dict[str, Any]) -> None:
    """Record the settings in a new corpus; refuse to mix settings in an existing one."""
    path = out / CONFIG_FILE
    if path.exists():  # never overwritten: a damaged one is reported, not replaced
        stored = read_corpus_config(out)["settings"]
        if stored != settings:
            diff = _differences(stored, settings)
            raise NscError(
                f"{out} holds a corpus built with other settings (differing: {'; '.join(diff)})",
                hints=("use a new --out folder, or rerun with the original settings",),
            )
        return
    document = {"format": "nsc-corpus", "nsc_version": __version__, "settings": settings}
    atomic_write_text(path, json.dumps(document, indent=1, sort_keys=True) + "\n")


_UNSET = object()


def _differences(stored: Any, given: Any, name: str = "") -> list[str]:
    """The settings that differ, by dotted name (`config.samples`), each with its value in the
    corpus and now where that is short."""
    if isinstance(stored, dict) and isinstance(given, dict):
        prefix = f"{name}." if name else ""
        return [
            difference
            for k in sorted({*stored, *given})
            for difference in _differences(stored.get(k, _UNSET), given.get(k, _UNSET), prefix + k)
        ]
    if stored == given:
        return []
    values = ["unset" if v is _UNSET else json.dumps(v) for v in (stored, given)]
    if max(map(len, values)) > 40:  # a digest or a long list: the name says enough
        return [name]
    return [f"{name}: {values[0]} in the corpus, {values[1]} now"]


_CONFIG_HINTS = ("nsc datagen writes this file: restore it, or build the corpus in a new folder",)
_INDEX_HINTS = ("rerun the nsc datagen command that built the corpus: it rewrites the index",)


def read_corpus_config(out: str | Path) -> dict[str, Any]:
    """The `config.json` of a corpus (format and settings); NscError if it is not a valid one."""
    path = Path(out) / CONFIG_FILE
    document = _read_json(path, "corpus config", _CONFIG_HINTS)
    if document.get("format") != "nsc-corpus" or not isinstance(document.get("settings"), dict):
        raise NscError(
            f"{path}: not a valid corpus config (no nsc-corpus format and settings)",
            hints=_CONFIG_HINTS,
        )
    return document


def _read_json(path: Path, what: str, hints: tuple[str, ...]) -> dict[str, Any]:
    """A JSON object from `path`, or an NscError naming the file as not a valid `what`."""
    try:
        document = json.loads(path.read_bytes())
    except FileNotFoundError:
        raise NscError(f"{path}: no such file; is this an nsc corpus folder?") from None
    except OSError as err:
        raise NscError(f"{path}: cannot read ({err.strerror or err})") from None
    except ValueError as err:  # JSONDecodeError, or bytes that are not UTF-8
        raise NscError(f"{path}: not a valid {what} ({err})", hints=hints) from None
    if not isinstance(document, dict):
        raise NscError(f"{path}: not a valid {what} (not a JSON object)", hints=hints)
    return document


def _finished(plan: Plan, shard: int, settings: dict[str, Any]) -> bool:
    header = _finished_header(plan.out, shard)
    return header is not None and _belongs(plan, shard, settings, header)


def _belongs(plan: Plan, shard: int, settings: dict[str, Any], header: dict[str, Any]) -> bool:
    """Whether a finished shard is the plan's: built with its settings, over its item range (a
    run with a smaller --count, or a shard copied from another corpus, has another)."""
    return header.get("settings") == settings and header.get("range") == list(plan.bounds(shard))


def _finished_header(out: Path, shard: int) -> dict[str, Any] | None:
    """The header of a finished shard; None for a missing, unfinished or damaged one (a rerun
    builds it again)."""
    header = read_header(out, shard)
    if header is None or any(drop["reason"] not in REASONS for drop in header["dropped"]):
        return None
    return header


def _run(
    plan: Plan,
    settings: dict[str, Any],
    todo: list[int],
    workers: int,
    progress: bool,
    on_shard: Callable[[int], None] | None,
) -> list[ShardResult]:
    counters = pool_context().RawArray("q", max(1, len(todo)) * _SLOT)
    slots = {k: i for i, k in enumerate(todo)}
    bar = _progress_bar(plan, todo, progress)
    for k in todo:
        _inflight(plan.out, k).unlink(missing_ok=True)
    _remove_partial_writes(plan.out, todo)  # what a killed run (kill -9) left half-written
    results: list[ShardResult] = []

    def finish(result: ShardResult) -> None:
        results.append(result)
        _append_log(plan.out, result)
        if on_shard is not None:
            on_shard(result.shard)

    try:
        # SIGTERM stops the run as Ctrl-C does (workers ended, partial writes removed), then
        # ends this process as it would have
        with stopping_workers(lambda: None):
            if workers == 0:
                _init_worker(counters)
                for k in todo:
                    finish(build_shard(plan, settings, k, slots[k], {}))
                    _update(bar, counters)
            else:
                if todo and pool_context().get_start_method() == "fork":
                    ingest.warm_up(plan.config)
                _run_pool(plan, settings, todo, slots, workers, counters, bar, finish)
    finally:
        if bar is not None:
            _update(bar, counters)
            bar.close()
    return results


def _run_pool(plan, settings, todo, slots, workers, counters, bar, finish) -> None:  # noqa: ANN001
    """Run shards in a process pool; rebuild it when a worker dies, with suspects isolated."""
    suspects: dict[int, dict[int, int]] = {k: {} for k in todo}
    pending = list(todo)
    context = pool_context()
    fruitless = 0  # pool rebuilds in a row that found no item in flight
    while pending:
        pool = ProcessPoolExecutor(
            min(workers, len(pending)),
            context,
            initializer=_init_pool_worker,
            initargs=(counters, os.getpid()),
        )
        try:
            futures: dict[Future, int] = {
                pool.submit(build_shard, plan, settings, k, slots[k], suspects[k]): k
                for k in pending
            }
            broken: list[int] = []
            while futures:
                done, _ = wait(futures, timeout=0.25, return_when=FIRST_COMPLETED)
                _update(bar, counters)
                _stop_overdue(pool, counters, [slots[k] for k in futures.values()], plan.config)
                for future in done:
                    k = futures.pop(future)
                    try:
                        finish(future.result())
                    except BrokenProcessPool:
                        broken.append(k)
        except BaseException:  # Ctrl-C or an error: stop the workers, do not wait for them
            stop_workers(pool)
            _remove_partial_writes(plan.out, pending)
            raise
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
        for k in broken:  # their dead workers' clocks must not stop the next pool's
            _slot_view(counters, slots[k])[_SINCE] = 0
        noted = [_note_suspect(plan.out, k, suspects[k]) for k in broken]
        fruitless = 0 if any(noted) else fruitless + 1
        if fruitless >= 2:
            raise NscError("datagen worker processes keep dying before they build any program")
        pending = sorted(broken)


def _stop_overdue(
    pool: ProcessPoolExecutor, counters: Any, slots: list[int], config: DatasetConfig
) -> None:
    """Kill the worker of an item that has run in-process for longer than the sandbox would
    let it (fuel bounds the steps, not what one step costs: a memset of megabytes in a loop):
    the pool breaks as on a crash, and the item is rerun in the sandbox, whose timeout drops
    it as `timeout`."""
    now = time.monotonic_ns()
    for slot in slots:
        view = _slot_view(counters, slot)
        since = int(view[_SINCE])
        if since and now - since > config.isolate_timeout * 1e9:
            kill_worker(pool, int(view[_PID]))


def _slot_view(counters: Any, slot: int) -> np.ndarray:
    return np.frombuffer(counters, dtype=np.int64)[slot * _SLOT : (slot + 1) * _SLOT]


def _remove_partial_writes(out: Path, shards: list[int]) -> None:
    """Delete the temp files a stopped worker left half-written for these shards (only theirs:
    other runs may be writing other shards into the same folder)."""
    for k in shards:
        for partial in out.glob(f".shard-{k:06d}.*.tmp"):
            partial.unlink(missing_ok=True)


def pool_context() -> multiprocessing.context.BaseContext:
    """How workers start: forked on Linux, so they begin with this process's imports and warm
    caches (`ingest.warm_up`) instead of spending a second importing; spawned elsewhere."""
    return multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")


def _note_suspect(out: Path, shard: int, suspects: dict[int, int]) -> bool:
    """Count the item a dead pool left in flight in `shard`; False if there was none."""
    marker = _inflight(out, shard)
    if not marker.is_file():
        return False
    text = marker.read_text().strip()
    marker.unlink(missing_ok=True)
    if not text.isdigit():
        return False
    suspects[int(text)] = suspects.get(int(text), 0) + 1
    return True


def _inflight(out: Path, shard: int) -> Path:
    return out / f".inflight-{shard:06d}"


def _init_pool_worker(counters: Any, parent: int) -> None:
    faulthandler.disable()  # a program that kills its worker is expected, and handled
    ignore_interrupts()  # Ctrl-C is the main process's to handle (`nsc.workers`)
    die_with_parent(parent)  # a killed run leaves no worker waiting for tasks forever
    _init_worker(counters)


def _init_worker(counters: Any) -> None:
    global _COUNTERS
    _COUNTERS = np.frombuffer(counters, dtype=np.int64)


def build_shard(
    plan: Plan, settings: dict[str, Any], shard: int, slot: int, suspects: dict[int, int]
) -> ShardResult:
    """Build and write one shard (runs in a worker); returns its drops and stage times."""
    plan.out.mkdir(parents=True, exist_ok=True)
    counts = _COUNTERS[slot * _SLOT : (slot + 1) * _SLOT]
    counts[:] = 0
    counts[_PID] = os.getpid()
    records: list[ProgramRecord] = []
    drops: list[dict[str, Any]] = []
    seen: dict[str, str] = {}
    times: dict[str, float] = {}
    marker = _inflight(plan.out, shard)
    for item in plan.items(shard):
        marker.write_text(str(item.index))
        suspicion = suspects.get(item.index, 0)
        counts[_SINCE] = 0 if suspicion else time.monotonic_ns()
        outcome = _build_item(item, plan, seen, suspicion, times)
        counts[_SINCE] = 0
        if isinstance(outcome, Drop):
            drops.append(
                {
                    "index": item.index,
                    "name": item.name,
                    "reason": outcome.reason,
                    "message": outcome.message,
                }
            )
            counts[1 + REASONS.index(outcome.reason)] += 1
        else:
            records.append(outcome)
        counts[0] += 1
    header = {"settings": settings, "range": list(plan.bounds(shard)), "dropped": drops}
    with ingest.stage(times, "write"):
        write_shard(plan.out, shard, records, header)
    marker.unlink(missing_ok=True)
    return ShardResult(shard, len(records), drops, times)


def _build_item(
    item: Item, plan: Plan, seen: dict[str, str], suspicion: int, times: dict[str, float]
) -> ProgramRecord | Drop:
    if suspicion >= 2:
        return Drop("crash", "the program killed its worker twice")
    try:
        return ingest.build_program(
            item, plan.seed, plan.config, seen, isolate=suspicion > 0, times=times
        )
    except NscError as err:
        return Drop("error", err.render())
    except Exception as err:  # a bug in a stage must not abort the run; the log keeps the trace
        trace = "".join(traceback.format_exception(err, limit=-4)).strip()
        return Drop("error", f"{type(err).__name__}: {err}\n{trace}")


def _progress_bar(plan: Plan, todo: list[int], enabled: bool):  # noqa: ANN202
    if not enabled or not todo:
        return None
    from tqdm import tqdm

    total = sum(plan.bounds(k)[1] - plan.bounds(k)[0] for k in todo)
    return tqdm(total=total, unit="prog", desc="datagen", dynamic_ncols=True)


def _update(bar, counters: Any) -> None:  # noqa: ANN001
    if bar is None:
        return
    table = np.frombuffer(counters, dtype=np.int64).reshape(-1, _SLOT).sum(axis=0)
    bar.update(int(table[0]) - bar.n)
    drops = {r: int(n) for r, n in zip(REASONS, table[1:_PID], strict=True) if n}
    bar.set_postfix(drops, refresh=False)


def _append_log(out: Path, result: ShardResult) -> None:
    lines = [f"shard {result.shard}: kept {result.kept}, dropped {len(result.drops)}"]
    for drop in result.drops:
        lines.append(f"  {drop['name']}: {drop['reason']}: {drop['message']}")
    # a file name that is not UTF-8 is logged with its bytes escaped
    with open(out / LOG_FILE, "a", encoding="utf-8", errors="backslashreplace") as log:
        log.write("\n".join(lines) + "\n")


def write_index(
    out: str | Path,
    num_shards: int | None = None,
    belongs: Callable[[int, dict[str, Any]], bool] | None = None,
) -> Summary:
    """Rebuild `index.json` (cross-shard duplicates, first occurrence wins) from finished shards;
    with `belongs(k, header)`, only from those it accepts (the others count as unfinished)."""
    out = Path(out)
    if num_shards is None:
        numbers = (p.stem[6:] for p in out.glob("shard-*.json"))
        num_shards = 1 + max((int(n) for n in numbers if n.isascii() and n.isdigit()), default=-1)
    seen: set[str] = set()
    entries, drops = [], dict.fromkeys(REASONS, 0)
    items = kept = 0
    for k in range(num_shards):
        header = _finished_header(out, k)
        if header is None or (belongs is not None and not belongs(k, header)):
            continue
        duplicates = []
        for position, program in enumerate(header["programs"]):
            if program["hash"] in seen:
                duplicates.append(position)
            seen.add(program["hash"])
        for drop in header["dropped"]:
            drops[drop["reason"]] += 1
        drops["duplicate"] += len(duplicates)
        start, stop = header["range"]
        items += stop - start
        kept += len(header["programs"])
        entries.append({"shard": k, "programs": len(header["programs"]), "duplicates": duplicates})
    summary = Summary(
        items,
        len(entries),
        num_shards,
        kept,
        kept - sum(len(e["duplicates"]) for e in entries),
        drops,
    )
    index = {
        "format": "nsc-corpus-index",
        "complete": len(entries) == num_shards,
        "num_shards": num_shards,
        "unique_programs": summary.unique,
        "shards": entries,
    }
    atomic_write_text(out / INDEX_FILE, json.dumps(index, indent=1) + "\n")
    return summary


def _write_summary(out: Path, summary: Summary) -> None:
    data = {
        "items": summary.items,
        "kept": summary.kept,
        "unique": summary.unique,
        "drops": summary.drops,
        "finished_shards": summary.finished_shards,
        "num_shards": summary.num_shards,
        "this_run": {
            "programs": summary.built_now,
            "seconds": round(summary.seconds, 3),
            "programs_per_second": round(summary.rate, 3),
            "stage_seconds": {k: round(v, 3) for k, v in sorted(summary.times.items())},
        },
    }
    atomic_write_text(out / SUMMARY_FILE, json.dumps(data, indent=1) + "\n")


def read_corpus(out: str | Path) -> Iterator[ProgramRecord]:
    """Every unique program of a corpus, in shard order (duplicates per `index.json` skipped)."""
    for shard, skip in corpus_shards(out):
        yield from shard_records(out, shard, skip)


def corpus_shards(out: str | Path) -> list[tuple[int, frozenset[int]]]:
    """The shards of a corpus in order, each with the positions of its duplicates."""
    out = Path(out)
    path = out / INDEX_FILE
    if not path.is_file():
        if (out / CONFIG_FILE).is_file():  # a datagen run stopped before it wrote the index
            raise NscError(
                f"{out}: no {INDEX_FILE}: the nsc datagen run that builds this corpus did not "
                "finish",
                hints=_INDEX_HINTS,
            )
        raise NscError(f"{out}: no {INDEX_FILE}; is this an nsc corpus folder?")
    index = _read_json(path, "corpus index", _INDEX_HINTS)
    entries = index.get("shards")
    if index.get("format") != "nsc-corpus-index" or not isinstance(entries, list):
        raise NscError(f"{path}: not a valid corpus index (no shard list)", hints=_INDEX_HINTS)
    try:
        return [(int(entry["shard"]), frozenset(entry["duplicates"])) for entry in entries]
    except (KeyError, TypeError, ValueError) as err:
        raise NscError(
            f"{path}: not a valid corpus index (bad shard entry: {err!r})", hints=_INDEX_HINTS
        ) from None


def shard_records(out: str | Path, shard: int, skip: frozenset[int]) -> list[ProgramRecord]:
    """The programs of one shard, less those at the positions in `skip`."""
    records = read_shard(Path(out), shard).records
    return [record for position, record in enumerate(records) if position not in skip]
