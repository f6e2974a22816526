"""Run the oracle in a worker process, so a crash or a hang never reaches the caller.

Two ways to start workers, with the same results and statuses:

- fork (Linux, when the caller runs a single thread): the worker is a fork of the caller,
  so it starts in a few milliseconds with everything imported. It makes the IR (`make_ir`, e.g.
  the frontend's instrumented lowering of an already parsed program), JIT-compiles it, then
  runs the rows in a fork of itself, a *runner*, which touches no LLVM and only calls the
  compiled batch function. Outputs and the status column live in shared anonymous memory.
- spawn (anywhere else): the parent writes the IR, the signature (JSON) and one `.npy` file per
  port into a temporary directory and starts `python -m nsc.ir.sandbox DIR START ISOLATE
  SECONDS PARENT`; outputs and the status column are memory-mapped files that the worker fills
  in place, and an alarm ends the worker at the timeout.

Workers never outlive their caller: on Linux every worker is killed when the process (the
thread, for spawn) that started it dies (`PR_SET_PDEATHSIG`), and when the wait in `result()`
is interrupted (Ctrl-C's KeyboardInterrupt, or SIGTERM in the main thread where its action is
the default) the workers are killed and the temporary directory removed first
(`stopping_workers`); SIGTERM then ends the process as before.

No pickle anywhere. Status starts at PENDING in every row and the batch loop writes each row's
status right after the row, so when a worker dies the parent knows which rows finished.

Crashes: the first unfinished row is re-run alone in a fresh worker (or runner), followed by the
rest of the batch in the same one; a row is marked CRASH only if it kills a worker when run alone.
After `max_restarts` the rows still unfinished are marked CRASH without being run.

Timeouts: `timeout` bounds the whole call, worker starts (and `make_ir`) included. When it expires
the workers are killed; finished rows keep their results and every unfinished row is marked
TIMEOUT. `start_in_worker` returns at once and `result()` waits, so the caller can work meanwhile.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Protocol

import numpy as np
from numpy.lib.format import open_memmap

from nsc.diagnostics import NscError
from nsc.ir.forking import can_fork, die_with_parent
from nsc.ir.oracle import Execution, Oracle, Status, blank_failed_rows, prepare_inputs
from nsc.signature import Signature

PENDING = 255
ERROR_FILE = "error.json"
METHODS = ("fork", "spawn")
# Seconds; a longer timeout would overflow the worker's alarm and poll() (C ints of seconds, ms)
MAX_TIMEOUT = 1_000_000


class PendingRun(Protocol):
    def result(self) -> Execution:
        """Wait for the workers (within the timeout) and return the outputs and statuses."""

    def cancel(self) -> None:
        """Stop the workers if they still run; `result` must not be called afterwards."""


class _Terminated(BaseException):
    """SIGTERM arrived while `stopping_workers` waited."""


def _terminated(signum: int, frame: object) -> None:
    raise _Terminated


@contextlib.contextmanager
def stopping_workers(stop: Callable[[], None]) -> Iterator[None]:
    """Around a wait for workers: if it ends in an exception (Ctrl-C's KeyboardInterrupt), call
    `stop` (kill the workers, remove their files) before the exception goes on. In the main
    thread, a SIGTERM that would end the process at once (its default action) calls `stop`
    first, then ends the process as it would have."""
    catch = (
        threading.current_thread() is threading.main_thread()
        and signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
    )
    if catch:
        signal.signal(signal.SIGTERM, _terminated)
    try:
        yield
    except BaseException as err:
        if catch:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a second SIGTERM ends us at once
        stop()
        if isinstance(err, _Terminated):
            os.kill(os.getpid(), signal.SIGTERM)
        raise
    finally:
        if catch:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)


def run_in_worker(
    ir: str,
    signature: Signature,
    inputs: Mapping[str, np.ndarray],
    *,
    fuel: int = 1_000_000,
    timeout: float = 10.0,
    batch: int | None = None,
    max_restarts: int = 32,
    method: str | None = None,
    opt_level: int = 2,
) -> Execution:
    """Run the oracle over `inputs` in worker processes; see the module docstring."""
    return start_in_worker(
        lambda: ir,
        signature,
        inputs,
        fuel=fuel,
        timeout=timeout,
        batch=batch,
        max_restarts=max_restarts,
        method=method,
        opt_level=opt_level,
    ).result()


def start_in_worker(
    make_ir: Callable[[], str],
    signature: Signature,
    inputs: Mapping[str, np.ndarray],
    *,
    fuel: int = 1_000_000,
    timeout: float = 10.0,
    batch: int | None = None,
    max_restarts: int = 32,
    method: str | None = None,
    opt_level: int = 2,
) -> PendingRun:
    """Start running the oracle on the IR `make_ir` returns; `result()` waits for it.

    `method` is "fork" or "spawn" (default: fork where `can_fork()`). With fork, `make_ir` runs
    in the worker; with spawn, in a thread of the caller before the first worker starts.
    `opt_level` is the JIT's (`Oracle`): -O0 compiles 4-15x faster, -O2 runs loops faster.
    """
    if not 0 < timeout <= MAX_TIMEOUT:  # NaN too
        raise NscError(f"timeout must be positive and at most {MAX_TIMEOUT:,} s, not {timeout}")
    if not 0 <= opt_level <= 3:
        raise NscError(f"opt_level must be 0..3, not {opt_level}")
    if method not in (None, *METHODS):
        raise NscError(f"unknown worker start method {method!r} (use one of: fork, spawn)")
    arrays, n = prepare_inputs(signature, inputs, batch)
    job = Job(signature, arrays, n, fuel, time.monotonic() + timeout, max_restarts, opt_level)
    if (method or ("fork" if can_fork() else "spawn")) == "fork":
        from nsc.ir.sandbox_fork import ForkedRun

        return ForkedRun(make_ir, job)
    return _ThreadedRun(lambda: _run_spawned(make_ir(), job), job)


class Job:
    """What every worker needs: the checked input arrays and the limits."""

    def __init__(
        self,
        signature: Signature,
        arrays: dict[str, np.ndarray],
        n: int,
        fuel: int,
        deadline: float,
        max_restarts: int,
        opt_level: int = 2,
    ):
        self.signature, self.arrays, self.n = signature, arrays, n
        self.fuel, self.deadline, self.max_restarts = fuel, deadline, max_restarts
        self.opt_level = opt_level
        self.cancelled = False
        self.worker: subprocess.Popen | None = None  # the spawned worker running now

    def finish(
        self, outputs: dict[str, np.ndarray], status: np.ndarray, timed_out: bool
    ) -> Execution:
        """Mark the rows no worker finished, and copy the results out of shared memory."""
        status[status == PENDING] = Status.TIMEOUT if timed_out else Status.CRASH
        result = Execution({k: np.array(v) for k, v in outputs.items()}, np.array(status))
        blank_failed_rows(result.outputs, result.status)
        return result


class _ThreadedRun:
    """A run in a thread of the caller (the spawn method, whose waiting blocks).

    Waits are on an Event, not `Thread.join`: a join that a signal interrupts (Ctrl-C) leaves
    the Thread marked stopped though it still runs (CPython 3.11), so a second join would not
    wait for the worker's end and the removal of its files."""

    def __init__(self, run: Callable[[], Execution], job: Job):
        self._job = job
        self._value: Execution | None = None
        self._error: BaseException | None = None
        self._done = threading.Event()
        threading.Thread(target=self._work, args=(run,), daemon=True).start()

    def _work(self, run: Callable[[], Execution]) -> None:
        try:
            self._value = run()
        except BaseException as err:  # handed to the caller by `result`
            self._error = err
        finally:
            self._done.set()

    def result(self) -> Execution:
        with stopping_workers(self.cancel):
            self._done.wait()
        if self._error is not None:
            raise self._error
        assert self._value is not None
        return self._value

    def cancel(self) -> None:
        """Stop the spawned worker, if one runs, start no other, and wait until the run has
        removed its files."""
        self._job.cancelled = True
        worker = self._job.worker
        if worker is not None and worker.poll() is None:
            worker.kill()
        self._done.wait()


# --- spawn: a fresh interpreter reads the job from files --------------------------------------------


def _run_spawned(ir: str, job: Job) -> Execution:
    """The job in `python -m nsc.ir.sandbox` workers, arrays in memory-mapped files."""
    signature, n = job.signature, job.n
    with tempfile.TemporaryDirectory(prefix="nsc-oracle-") as name:
        folder = Path(name)
        (folder / "module.ll").write_text(ir)
        (folder / "signature.json").write_text(signature.to_json())
        request = {"fuel": job.fuel, "n": n, "opt_level": job.opt_level}
        (folder / "request.json").write_text(json.dumps(request))
        for k, port in enumerate(signature.inputs):
            np.save(folder / f"in.{k}.npy", job.arrays[port.name])
        outputs = {
            port.name: open_memmap(
                folder / f"out.{k}.npy", mode="w+", dtype=port.dtype, shape=(n, *port.shape)
            )
            for k, port in enumerate(signature.outputs)
        }
        status = open_memmap(folder / "status.npy", mode="w+", dtype=np.uint8, shape=(n,))
        status[:] = PENDING
        status.flush()
        outcome = drive(
            lambda start, isolate: _spawn(folder, start, isolate, job), status, n, job.max_restarts
        )
        result = job.finish(outputs, status, outcome == "timeout")
        del outputs, status  # close the maps before the folder goes
    return result


def drive(run: Callable[[int, bool], str], status: np.ndarray, n: int, max_restarts: int) -> str:
    """Start workers (`run(start, isolate)`) until every row has a status, re-running the first
    unfinished row alone after a crash; the last worker's outcome, or 'crash' past the restarts."""
    start, isolate, restarts = 0, False, 0
    while start < n:
        outcome = run(start, isolate)
        if outcome != "crash":
            return outcome
        pending = np.flatnonzero(status[start:] == PENDING)
        if len(pending) == 0:
            return "done"
        first = start + int(pending[0])
        if isolate and first == start:
            status[first] = Status.CRASH
            first += 1
        start, isolate = first, True
        restarts += 1
        if restarts > max_restarts:
            return "crash"
    return "done"


def spans(start: int, n: int, isolate: bool) -> list[slice]:
    """The row ranges a worker runs: [start, n), or row `start` alone and then the rest."""
    ranges = [(start, start + 1), (start + 1, n)] if isolate else [(start, n)]
    return [slice(lo, hi) for lo, hi in ranges if hi > lo]


def _spawn(folder: Path, start: int, isolate: bool, job: Job) -> str:
    """One worker over rows [start, n): 'done', 'crash' or 'timeout'; raises on worker errors.

    The worker gets the time left as an alarm too, and dies with this thread (Linux)."""
    budget = job.deadline - time.monotonic()
    if budget <= 0 or job.cancelled:
        return "timeout"
    alarm = str(math.ceil(budget) + 1)
    command = [sys.executable, "-m", "nsc.ir.sandbox", str(folder), str(start), str(int(isolate))]
    with open(folder / "worker.log", "wb") as log:
        proc = subprocess.Popen(
            [*command, alarm, str(os.getpid())],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
        job.worker = proc
        if job.cancelled:  # `cancel` came before `job.worker` was set: it killed nothing
            proc.kill()
        try:
            code = proc.wait(timeout=budget)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            return "timeout"
        except BaseException:  # e.g. KeyboardInterrupt: never leave a worker behind
            proc.kill()
            proc.wait()
            raise
        finally:
            job.worker = None
    if job.cancelled:
        return "timeout"
    error = folder / ERROR_FILE
    if error.exists():
        raise NscError(json.loads(error.read_text())["message"])
    return "done" if code == 0 else "crash"


def worker(folder: Path, start: int, isolate: bool) -> int:
    """The worker's body: JIT the IR, run rows [start, n) into the shared files."""
    request = json.loads((folder / "request.json").read_text())
    signature = Signature.from_json((folder / "signature.json").read_text())
    try:
        oracle = Oracle(
            (folder / "module.ll").read_text(),
            signature,
            fuel=request["fuel"],
            opt_level=request.get("opt_level", 2),
        )
    except NscError as err:
        (folder / ERROR_FILE).write_text(json.dumps({"message": err.message}))
        return 2
    inputs = {
        p.name: np.load(folder / f"in.{k}.npy", mmap_mode="r")
        for k, p in enumerate(signature.inputs)
    }
    outputs = {
        p.name: np.load(folder / f"out.{k}.npy", mmap_mode="r+")
        for k, p in enumerate(signature.outputs)
    }
    status = np.load(folder / "status.npy", mmap_mode="r+")
    for rows in spans(start, request["n"], isolate):
        oracle.run_into(
            {k: v[rows] for k, v in inputs.items()},
            {k: v[rows] for k, v in outputs.items()},
            status[rows],
        )
    for array in [*outputs.values(), status]:
        array.flush()
    return 0


def main(argv: list[str]) -> int:
    """`DIR START ISOLATE SECONDS PARENT`: the worker, ended by an alarm after SECONDS (SIGALRM's
    default action ends even a native loop) or when its parent PARENT dies."""
    import resource

    folder, start, isolate = Path(argv[0]), int(argv[1]), argv[2] == "1"
    die_with_parent(int(argv[4]))
    signal.alarm(int(argv[3]))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # a crashing row must not write a core file
    try:
        return worker(folder, start, isolate)
    except Exception as err:  # report, so the parent does not mistake a bug for a crash
        message = f"oracle worker failed: {type(err).__name__}: {err}"
        (folder / ERROR_FILE).write_text(json.dumps({"message": message}))
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
