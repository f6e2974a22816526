"""The sandbox's two worker start methods (fork and spawn) give the same rows and statuses.

Each check runs in a fresh interpreter with one BLAS thread (`sandbox_checks.py`): a process
forks its workers only while it runs a single thread, which this pytest process may not.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from test_oracle_sandbox import SEGV_IR, SEGV_SIG

from nsc.diagnostics import NscError
from nsc.ir.sandbox import can_fork, run_in_worker

SCRIPT = Path(__file__).resolve().parent / "sandbox_checks.py"


def fresh_interpreter(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1"}
    command = [sys.executable, str(SCRIPT), *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_every_check_passes_with_either_start_method(method):
    run = fresh_interpreter(method)  # stderr names each check before it runs
    assert run.returncode == 0, run.stderr


def test_fork_only_from_a_single_threaded_process():
    if threading.active_count() == 1 and len(os.listdir("/proc/self/task")) == 1:
        assert can_fork()
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert not can_fork()
        run = run_in_worker(SEGV_IR, SEGV_SIG, {"x": np.array([4], np.int32)})  # spawns
        assert run.outputs["return"].tolist() == [8.0]
    finally:
        stop.set()
        other.join()
    with pytest.raises(NscError, match="unknown worker start method"):
        run_in_worker(SEGV_IR, SEGV_SIG, {"x": np.zeros(1, np.int32)}, method="thread")
    with pytest.raises(NscError, match="opt_level must be 0..3"):
        run_in_worker(SEGV_IR, SEGV_SIG, {"x": np.zeros(1, np.int32)}, opt_level=4)


ORPHANS = """
import os, sys, time
sys.path.insert(0, sys.argv[1])
import numpy as np
from test_oracle_sandbox import HANG_IR, HANG_SIG
from nsc.ir.sandbox import start_in_worker

method, timeout = sys.argv[2], float(sys.argv[3])
pending = start_in_worker(lambda: HANG_IR, HANG_SIG, {"x": np.ones(2)}, timeout=timeout, method=method)
time.sleep(1.0)  # the worker has JIT-compiled and hangs (fork: in its runner)

def children(pid):
    tasks = f"/proc/{pid}/task"
    return [c for t in os.listdir(tasks) for c in open(f"{tasks}/{t}/children").read().split()]

worker = children(os.getpid())
print(*worker, *children(worker[0]), flush=True)
time.sleep(120)
"""


def alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status


@pytest.mark.parametrize(("method", "processes"), [("fork", 2), ("spawn", 1)])
def test_workers_die_with_the_process_that_started_them(method, processes):
    """Killed (SIGKILL) while its workers hang, well before their 60 s timeout."""
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1"}
    command = [sys.executable, "-c", ORPHANS, str(Path(__file__).parent), method, "60"]
    proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)
    try:
        pids = [int(p) for p in proc.stdout.readline().split()]
        assert len(pids) == processes and all(alive(p) for p in pids)
    finally:
        proc.kill()
        proc.wait()
    began = time.monotonic()
    while any(alive(p) for p in pids) and time.monotonic() < began + 3:
        time.sleep(0.05)
    assert not any(alive(p) for p in pids)


INTERRUPTED = """
import os, signal, sys, time
signal.signal(signal.SIGINT, signal.default_int_handler)  # even where the test runs with it ignored
sys.path.insert(0, sys.argv[1])
import numpy as np
from test_oracle_sandbox import HANG_IR, HANG_SIG
from nsc.ir.sandbox import start_in_worker

method, processes = sys.argv[2], int(sys.argv[3])
pending = start_in_worker(lambda: HANG_IR, HANG_SIG, {"x": np.ones(2)}, timeout=60, method=method)

def descendants(pid):
    tasks = f"/proc/{pid}/task"
    found = [int(c) for t in os.listdir(tasks) for c in open(f"{tasks}/{t}/children").read().split()]
    return found + [d for c in found for d in descendants(c)]

def hanging(pids):  # fork: the worker has started its runner; spawn: mapped the status column
    if len(pids) < processes:
        return False
    return method == "fork" or "status.npy" in open(f"/proc/{pids[0]}/maps").read()

while not hanging(found := descendants(os.getpid())):
    time.sleep(0.01)
print(*found, flush=True)
try:
    pending.result()
except KeyboardInterrupt:
    sys.exit(130)
"""


@pytest.mark.parametrize(("method", "processes"), [("fork", 2), ("spawn", 1)])
@pytest.mark.parametrize(("how", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, -signal.SIGTERM)])
def test_an_interrupted_wait_leaves_no_worker_and_no_files(method, processes, how, code, tmp_path):
    """Ctrl-C (SIGINT to the caller's process group; workers run in groups of their own) or
    SIGTERM while `result()` waits on a hanging worker: the caller ends at once, with its
    workers killed and its temporary directory (spawn) removed."""
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "TMPDIR": str(tmp_path)}
    command = [
        sys.executable,
        "-c",
        INTERRUPTED,
        str(Path(__file__).parent),
        method,
        str(processes),
    ]
    proc = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        pids = [int(p) for p in proc.stdout.readline().split()]
        assert len(pids) == processes and all(alive(p) for p in pids)
        time.sleep(0.2)  # the caller is waiting in result()
        if how == signal.SIGINT:
            os.killpg(proc.pid, how)
        else:
            proc.send_signal(how)
        assert proc.wait(timeout=5) == code
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    began = time.monotonic()
    while any(alive(p) for p in pids) and time.monotonic() < began + 1:
        time.sleep(0.02)
    assert not any(alive(p) for p in pids)
    assert list(tmp_path.iterdir()) == []
