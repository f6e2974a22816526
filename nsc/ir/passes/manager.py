"""The pass manager: run a pipeline over a module, with opt's print-after-all, time-passes and
verify-each."""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from contextlib import nullcontext, redirect_stdout
from dataclasses import dataclass, field
from typing import Any, TextIO

from nsc.diagnostics import NscError
from nsc.ir.module import IRError, IRModule
from nsc.ir.passes.base import Pass, PassError
from nsc.ir.passes.pipeline import parse_pipeline


@dataclass(frozen=True)
class PassTiming:
    """Wall time of one pass run, in seconds."""

    name: str
    seconds: float


@dataclass(frozen=True)
class PassResult:
    """The module after the pipeline, per-pass wall times, and what each analysis returned."""

    module: IRModule
    timings: tuple[PassTiming, ...] = ()
    analyses: dict[str, Any] = field(default_factory=dict)

    def timing_table(self) -> str:
        """A table of per-pass wall times, slowest first, like `opt -time-passes`."""
        return format_timings(self.timings)


def run_passes(
    ir: str | IRModule,
    pipeline: str | Sequence[Pass],
    *,
    print_after_all: TextIO | None = None,
    time_passes: bool = False,
    verify_each: bool = False,
    verify_output: bool = False,
) -> PassResult:
    """Run `pipeline` (a pipeline string, or pass instances) over `ir`.

    print_after_all: a stream that gets the IR after each transform (an analysis's result instead).
    time_passes: record each pass's wall time in `PassResult.timings`.
    verify_each: verify the input, then the module after each transform; an invalid module raises
    PassError naming the pass that broke it.

    Without verify_each, the module a pass other than nsc's own (a plugin's) returns is verified
    before the next pass runs on it, and with verify_output also where it ends the pipeline.
    """
    passes = parse_pipeline(pipeline) if isinstance(pipeline, str) else list(pipeline)
    module = IRModule.of(ir)
    if passes:
        _ = module.ref  # parse now, so that a parse error is not blamed on the first pass
    if verify_each:
        _verify(module, "the input to the pipeline")
    timings: list[PassTiming] = []
    analyses: dict[str, Any] = {}
    unchecked = ""  # the pass (not nsc's own) whose module no one verified yet
    for index, pass_ in enumerate(passes):
        if unchecked:  # invalid IR can crash LLVM (a segfault or abort, not an error)
            _verify(module, unchecked)
            unchecked = ""
        start = time.perf_counter()
        result = _run_one(pass_, module)
        if time_passes:
            timings.append(PassTiming(pass_.name, time.perf_counter() - start))
        if not isinstance(result, IRModule):
            analyses[pass_.name] = result
            _dump(print_after_all, f"; *** Analysis {pass_.name} (#{index + 1}) ***", repr(result))
            continue
        module = result
        what = f"pass {pass_.name!r} (#{index + 1} in the pipeline)"
        if verify_each:
            _verify(module, what)
        elif not _builtin(pass_):  # even the module it was given: it may have edited its ref
            _parse(module, what)
            unchecked = what
        _dump(print_after_all, f"; *** IR Dump After {pass_.name} (#{index + 1}) ***", module.text)
    if unchecked and verify_output:
        _verify(module, unchecked)
    return PassResult(module, tuple(timings), analyses)


def format_timings(timings: tuple[PassTiming, ...] | list[PassTiming]) -> str:
    """Render timings as a fixed-width table with a total line."""
    total = sum(t.seconds for t in timings)
    rows = ["  wall (ms)      %  pass"]
    for t in sorted(timings, key=lambda t: -t.seconds):
        share = 100.0 * t.seconds / total if total > 0 else 0.0
        rows.append(f"{1e3 * t.seconds:11.3f} {share:6.1f}  {t.name}")
    rows.append(f"{1e3 * total:11.3f}  100.0  total")
    return "\n".join(rows)


def _run_one(pass_, module: IRModule):
    # what a plugin prints goes to stderr: stdout may be the IR (`nsc ir`, `--emit-llvm -o -`)
    quiet = nullcontext() if _builtin(pass_) else redirect_stdout(sys.stderr)
    try:
        with quiet:
            return pass_.run(module)
    except NscError as exc:
        if pass_.name in exc.message:
            raise
        raise PassError(f"pass {pass_.name!r}: {exc.message}", exc.hints) from exc
    except Exception as exc:
        raise PassError(f"pass {pass_.name!r} failed: {type(exc).__name__}: {exc}") from exc


def _verify(module: IRModule, what: str) -> None:
    try:
        module.verify()
    except IRError as exc:
        raise PassError(f"{what} produced invalid IR: {exc.message}") from None


def _builtin(pass_) -> bool:
    """One of nsc's own passes, trusted to turn valid IR into valid IR (which checking after
    each pass would slow down)."""
    return type(pass_).__module__.startswith("nsc.ir.passes.")


def _parse(module: IRModule, what: str) -> None:
    try:
        _ = module.ref
    except IRError as exc:
        raise PassError(f"{what} produced IR that {exc.message.removeprefix('LLVM IR ')}") from None


def _dump(stream: TextIO | None, header: str, body: str) -> None:
    if stream is None:
        return
    stream.write(header + "\n" + body.rstrip("\n") + "\n")
