"""The sandbox's fork method: workers are forks of the caller (see `nsc.ir.sandbox`).

A worker starts in a few milliseconds with everything imported, where a fresh interpreter takes
0.3-0.4 s. It makes the IR (`make_ir`), JIT-compiles it, then runs the rows in a fork of itself, a
*runner*, which touches no LLVM and only calls the compiled batch function, so a crashing row
costs one runner, not a new JIT. Outputs and the status column live in anonymous shared memory
mapped before the fork. The worker and its runners form one process group, killed at the
timeout or when the wait is interrupted (Ctrl-C, or SIGTERM: `stopping_workers`), and each fork
dies with its parent. The worker reports errors as JSON on a pipe, whose end of file also says it
exited.
"""

from __future__ import annotations

import json
import math
import mmap
import os
import select
import signal
import time
from collections.abc import Callable

import numpy as np

from nsc.diagnostics import NscError
from nsc.ir.forking import die_with_parent, error_from, error_record
from nsc.ir.oracle import Execution, Oracle
from nsc.ir.sandbox import PENDING, Job, drive, spans, stopping_workers

_MAX_MESSAGE = 16 * 1024


class ForkedRun:
    """A worker forked from this process; its runners write into memory shared with us."""

    def __init__(self, make_ir: Callable[[], str], job: Job):
        self._job = job
        ports = job.signature.outputs
        self._outputs = {p.name: _shared((job.n, *p.shape), p.dtype) for p in ports}
        self._status = _shared((job.n,), np.uint8)
        self._status[:] = PENDING
        self._pid: int | None = None
        self._read: int | None = None
        if job.n > 0:
            self._start(make_ir)

    def _start(self, make_ir: Callable[[], str]) -> None:
        read, write = os.pipe()
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # the worker: never returns
            try:
                die_with_parent(parent)
                os.close(read)
                _forked_worker(make_ir, self._job, self._outputs, self._status, write)
            finally:
                os._exit(2)
        os.close(write)
        try:
            os.setpgid(pid, pid)  # the worker does the same; whichever runs first wins
        except OSError:
            pass
        self._pid, self._read = pid, read

    def result(self) -> Execution:
        message, timed_out = b"", False
        if self._pid is not None:
            with stopping_workers(lambda: self._reap(kill=True)):
                message, timed_out = self._wait()
            self._reap()
        if message:
            raise error_from(message)
        return self._job.finish(self._outputs, self._status, timed_out)

    def cancel(self) -> None:
        if self._pid is not None:
            self._reap(kill=True)

    def _wait(self) -> tuple[bytes, bool]:
        """The worker's error message (empty if none) once it exits; True if time ran out."""
        assert self._read is not None
        chunks: list[bytes] = []
        poller = select.poll()
        poller.register(self._read, select.POLLIN)
        while True:
            left = self._job.deadline - time.monotonic()
            if left <= 0:
                self._kill()
                return b"", True
            if poller.poll(max(1, math.ceil(1000 * left))):
                chunk = os.read(self._read, 1 << 16)
                if not chunk:  # every copy of the pipe's write end is closed: the worker is gone
                    return b"".join(chunks), False
                chunks.append(chunk)

    def _kill(self) -> None:
        for kill in (os.killpg, os.kill):  # the group (worker + runner), or the worker alone
            try:
                kill(self._pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass

    def _reap(self, kill: bool = False) -> None:
        if kill:
            self._kill()
        os.waitpid(self._pid, 0)
        os.close(self._read)
        self._pid = self._read = None


def _shared(shape: tuple[int, ...], dtype) -> np.ndarray:
    """A zeroed array in anonymous memory that forks of this process share (MAP_SHARED)."""
    dtype = np.dtype(dtype)
    count = int(np.prod(shape, dtype=np.int64))
    buffer = mmap.mmap(-1, max(count * dtype.itemsize, 1))
    return np.frombuffer(buffer, dtype=dtype, count=count).reshape(shape)


def _forked_worker(
    make_ir: Callable[[], str],
    job: Job,
    outputs: dict[str, np.ndarray],
    status: np.ndarray,
    report: int,
) -> None:
    """The forked worker's body: make and JIT the IR, run the rows in runners, exit."""
    code = 2
    try:
        os.setpgid(0, 0)
        _quiet()
        try:
            oracle = Oracle(make_ir(), job.signature, fuel=job.fuel, opt_level=job.opt_level)
        except NscError as err:
            _send(report, error_record(err))
        else:
            outcome = drive(
                lambda start, isolate: _runner(
                    oracle, job, outputs, status, start, isolate, report
                ),
                status,
                job.n,
                job.max_restarts,
            )
            code = 2 if outcome == "error" else 0
    except BaseException as err:  # a bug: report it, so the parent does not mistake it for a crash
        _send(report, {"message": f"oracle worker failed: {type(err).__name__}: {err}"})
    finally:
        os._exit(code)


def _quiet() -> None:
    """No core files, and nothing of ours on the caller's terminal (a crashing row must not
    print the fault handler's traceback, e.g. under pytest, which keeps its own copy of fd 2)."""
    import faulthandler
    import resource

    faulthandler.disable()
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.close(null)


def _runner(
    oracle: Oracle,
    job: Job,
    outputs: dict[str, np.ndarray],
    status: np.ndarray,
    start: int,
    isolate: bool,
    report: int,
) -> str:
    """Rows [start, n) in a fork that only calls native code: 'done', 'crash' or 'error'."""
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            die_with_parent(parent)
            for rows in spans(start, job.n, isolate):
                oracle.run_into(
                    {k: v[rows] for k, v in job.arrays.items()},
                    {k: v[rows] for k, v in outputs.items()},
                    status[rows],
                )
        except BaseException as err:
            _send(report, {"message": f"oracle worker failed: {type(err).__name__}: {err}"})
            code = 2
        finally:
            os._exit(code)
    _, wait_status = os.waitpid(pid, 0)
    if os.WIFEXITED(wait_status) and os.WEXITSTATUS(wait_status) in (0, 2):
        return "done" if os.WEXITSTATUS(wait_status) == 0 else "error"
    return "crash"


def _send(fd: int, record: dict) -> None:
    data = json.dumps(record).encode()[:_MAX_MESSAGE]
    try:
        os.write(fd, data)
    except OSError:
        pass
