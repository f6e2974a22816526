"""Checks of the sandbox's worker start methods, run each in a fresh, single-threaded interpreter.

A process forks its workers only while it runs one thread (`nsc.ir.sandbox.can_fork`), which a
pytest process with numpy's BLAS pool loaded does not; so `test_sandbox_fork` runs these here:

    python tests/sandbox_checks.py METHOD [CHECK ...]     (default: every check)
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
from test_oracle_sandbox import HANG_IR, HANG_SIG, SEGV_IR, SEGV_SIG  # noqa: E402

from nsc.diagnostics import CompileError, NscError, SourceLocation  # noqa: E402
from nsc.ir.oracle import Oracle, Status  # noqa: E402
from nsc.ir.sandbox import can_fork, run_in_worker, start_in_worker  # noqa: E402


def crashing_rows_only_are_marked(method: str) -> None:
    x = np.array([1, 2, 500, 3, 4, 5, 101, 6], dtype=np.int32)
    run = run_in_worker(SEGV_IR, SEGV_SIG, {"x": x}, timeout=60, method=method)
    crash = x > 100
    assert run.status.tolist() == [Status.CRASH if c else Status.OK for c in crash], run.status
    np.testing.assert_array_equal(run.outputs["return"][~crash], 2.0 * x[~crash])
    assert np.isnan(run.outputs["return"][crash]).all()


def restart_limit_marks_the_rest_crashed(method: str) -> None:
    x = np.full(6, 1000, dtype=np.int32)
    x[0] = 1
    run = run_in_worker(SEGV_IR, SEGV_SIG, {"x": x}, timeout=60, max_restarts=1, method=method)
    assert run.status.tolist() == [Status.OK] + [Status.CRASH] * 5, run.status


def hang_times_out_and_finished_rows_keep_results(method: str) -> None:
    x = np.array([-1.0, -2.0, 1.0, -3.0])
    began = time.monotonic()
    run = run_in_worker(HANG_IR, HANG_SIG, {"x": x}, timeout=2.0, method=method)
    assert time.monotonic() - began < 4.0
    assert run.status.tolist() == [0, 0, Status.TIMEOUT, Status.TIMEOUT], run.status
    assert run.outputs["return"][:2].tolist() == [-1.0, -2.0]


def matches_the_oracle_in_process(method: str) -> None:
    x = np.arange(-50, 50, dtype=np.int32)
    isolated = run_in_worker(SEGV_IR, SEGV_SIG, {"x": x}, method=method, opt_level=0)
    direct = Oracle(SEGV_IR, SEGV_SIG).run({"x": x})
    np.testing.assert_array_equal(isolated.outputs["return"], direct.outputs["return"])
    np.testing.assert_array_equal(isolated.status, direct.status)


def errors_come_back_whole(method: str) -> None:
    def failing() -> str:
        raise CompileError("bad thing", SourceLocation("p.c", 3, 7), hints=("try this",))

    pending = start_in_worker(failing, SEGV_SIG, {"x": np.zeros(2, np.int32)}, method=method)
    try:
        pending.result()
        raise AssertionError("no error")
    except CompileError as err:
        assert str(err) == "p.c:3:7: error: bad thing" and err.hints == ("try this",)
    try:
        run_in_worker(SEGV_IR, HANG_SIG, {"x": np.zeros(2)}, method=method)
        raise AssertionError("no error")
    except NscError as err:
        assert "no function named 'hang'" in err.message


def timeout_counts_the_time_make_ir_takes(method: str) -> None:
    def slow() -> str:
        time.sleep(5)
        return SEGV_IR

    began = time.monotonic()
    x = np.zeros(3, np.int32)
    run = start_in_worker(slow, SEGV_SIG, {"x": x}, timeout=0.5, method=method).result()
    assert run.status.tolist() == [Status.TIMEOUT] * 3, run.status
    limit = 8.0 if method == "spawn" else 3.0  # spawn: make_ir runs here, before any worker
    assert time.monotonic() - began < limit


def cancel_stops_a_hanging_worker_at_once(method: str) -> None:
    pending = start_in_worker(lambda: HANG_IR, HANG_SIG, {"x": np.ones(2)}, method=method)
    time.sleep(0.2)
    began = time.monotonic()
    pending.cancel()
    assert time.monotonic() - began < 1.0
    pid = os.getpid()
    assert Path(f"/proc/{pid}/task/{pid}/children").read_text().split() == []


def no_rows_start_no_worker(method: str) -> None:
    run = run_in_worker(SEGV_IR, SEGV_SIG, {"x": np.zeros(0, np.int32)}, method=method)
    assert run.status.shape == (0,) and run.outputs["return"].shape == (0,)


CHECKS = {
    f.__name__: f
    for f in (
        crashing_rows_only_are_marked,
        restart_limit_marks_the_rest_crashed,
        hang_times_out_and_finished_rows_keep_results,
        matches_the_oracle_in_process,
        errors_come_back_whole,
        timeout_counts_the_time_make_ir_takes,
        cancel_stops_a_hanging_worker_at_once,
        no_rows_start_no_worker,
    )
}

if __name__ == "__main__":
    how, names = sys.argv[1], sys.argv[2:] or list(CHECKS)
    assert how == "spawn" or can_fork(), "this interpreter runs more than one thread"
    for name in names:
        print(name, file=sys.stderr, flush=True)
        CHECKS[name](how)
