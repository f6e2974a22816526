"""run_isolated: crashes and hangs in a worker process become per-row statuses."""

from __future__ import annotations

import time

import numpy as np
import pytest

from nsc.diagnostics import NscError
from nsc.ir.oracle import Oracle, Status, run_isolated
from nsc.signature import Param, Signature, leaf_ports

F64 = {"kind": "float", "bits": 64}
I32 = {"kind": "int", "bits": 32, "signed": True}


def unary(entry: str, layout: dict, returns: dict) -> Signature:
    return Signature(
        entry,
        (Param("x", "value", layout, "input"),),
        tuple(leaf_ports("x", layout, 0)),
        tuple(leaf_ports("return", returns, -1)),
        returns,
    )


# Rows with x > 100 store through a garbage pointer; the others return 2x.
SEGV_IR = """
define double @boom(i32 %x) {
  %bad = icmp sgt i32 %x, 100
  br i1 %bad, label %crash, label %ok
crash:
  store volatile i32 1, ptr inttoptr (i64 16 to ptr)
  ret double 0.0
ok:
  %d = sitofp i32 %x to double
  %r = fmul double %d, 2.0
  ret double %r
}
"""
SEGV_SIG = unary("boom", I32, F64)

# Loops forever when x > 0 (no instrumentation, so nothing stops it).
HANG_IR = """
define double @hang(double %x) {
entry:
  %pos = fcmp ogt double %x, 0.0
  br i1 %pos, label %loop, label %done
loop:
  %i = phi i64 [ 0, %entry ], [ %i1, %loop ]
  %v = load volatile i64, ptr @sink
  %i1 = add i64 %i, %v
  br label %loop
done:
  ret double %x
}
@sink = global i64 1
"""
HANG_SIG = unary("hang", F64, F64)


def test_isolated_run_matches_in_process():
    x = np.array([1, -5, 30, 100], dtype=np.int32)
    isolated = run_isolated(SEGV_IR, SEGV_SIG, {"x": x}, timeout=30)
    direct = Oracle(SEGV_IR, SEGV_SIG).run({"x": x})
    np.testing.assert_array_equal(isolated.outputs["return"], direct.outputs["return"])
    np.testing.assert_array_equal(isolated.status, direct.status)


def test_segfault_marks_only_the_crashing_rows():
    x = np.array([1, 2, 500, 3, 4, 5, 101, 6], dtype=np.int32)
    run = run_isolated(SEGV_IR, SEGV_SIG, {"x": x}, timeout=60)
    crash = x > 100
    assert run.status.tolist() == [Status.CRASH if c else Status.OK for c in crash]
    np.testing.assert_array_equal(run.outputs["return"][~crash], 2.0 * x[~crash])
    assert np.isnan(run.outputs["return"][crash]).all()


def test_restart_limit_marks_the_rest_crashed():
    x = np.full(6, 1000, dtype=np.int32)
    x[0] = 1
    run = run_isolated(SEGV_IR, SEGV_SIG, {"x": x}, timeout=60, max_restarts=1)
    assert run.status[0] == Status.OK
    assert (run.status[1:] == Status.CRASH).all()


def test_infinite_loop_times_out_within_the_limit():
    x = np.array([-1.0, -2.0, 1.0, -3.0])
    began = time.monotonic()
    run = run_isolated(HANG_IR, HANG_SIG, {"x": x}, timeout=3.0)
    assert time.monotonic() - began < 5.0
    assert run.status.tolist() == [0, 0, Status.TIMEOUT, Status.TIMEOUT]
    assert run.outputs["return"][:2].tolist() == [-1.0, -2.0]


def test_worker_errors_become_nsc_errors():
    with pytest.raises(NscError, match="no function named 'hang'"):
        run_isolated(SEGV_IR, HANG_SIG, {"x": np.zeros(2)}, timeout=30)
    with pytest.raises(NscError, match="timeout must be positive"):
        run_isolated(SEGV_IR, SEGV_SIG, {"x": np.zeros(2, np.int32)}, timeout=0)
