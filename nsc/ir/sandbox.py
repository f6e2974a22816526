"""Run the oracle in a worker process, so a crash or a hang never reaches the caller.

The parent writes the IR, the signature (JSON) and one `.npy` file per port into a temporary
directory; outputs and the status column are memory-mapped files that the worker fills in place
(no pickle anywhere). Status starts at PENDING in every row and the batch loop writes each row's
status right after the row, so when the worker dies the parent knows which rows finished.

Crashes: the first unfinished row is re-run alone in a fresh worker (followed by the rest of the
batch in the same worker); a row is marked CRASH only if it kills a worker when run alone. Each
crashing row costs about two worker starts (a fraction of a second each), and after
`max_restarts` the rows still unfinished are marked CRASH without being run.

Timeouts: `timeout` bounds the whole call, worker starts included. When it expires the worker is
killed; finished rows keep their results and every unfinished row is marked TIMEOUT.

Worker: `python -m nsc.ir.sandbox DIR START ISOLATE`.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path

import numpy as np
from numpy.lib.format import open_memmap

from nsc.diagnostics import NscError
from nsc.ir.oracle import Execution, Oracle, Status, blank_failed_rows, prepare_inputs
from nsc.signature import Signature

PENDING = 255
ERROR_FILE = "error.json"


def run_in_worker(
    ir: str,
    signature: Signature,
    inputs: Mapping[str, np.ndarray],
    *,
    fuel: int = 1_000_000,
    timeout: float = 10.0,
    batch: int | None = None,
    max_restarts: int = 32,
) -> Execution:
    """Run the oracle over `inputs` in worker processes; see the module docstring."""
    if timeout <= 0:
        raise NscError(f"timeout must be positive, not {timeout}")
    arrays, n = prepare_inputs(signature, inputs, batch)
    deadline = time.monotonic() + timeout
    with tempfile.TemporaryDirectory(prefix="nsc-oracle-") as name:
        folder = Path(name)
        (folder / "module.ll").write_text(ir)
        (folder / "signature.json").write_text(signature.to_json())
        (folder / "request.json").write_text(json.dumps({"fuel": fuel, "n": n}))
        for k, port in enumerate(signature.inputs):
            np.save(folder / f"in.{k}.npy", arrays[port.name])
        outputs = {
            port.name: open_memmap(
                folder / f"out.{k}.npy", mode="w+", dtype=port.dtype, shape=(n, *port.shape)
            )
            for k, port in enumerate(signature.outputs)
        }
        status = open_memmap(folder / "status.npy", mode="w+", dtype=np.uint8, shape=(n,))
        status[:] = PENDING
        status.flush()
        timed_out = _drive(folder, status, n, deadline, max_restarts)
        status[status == PENDING] = Status.TIMEOUT if timed_out else Status.CRASH
        result = Execution({k: np.array(v) for k, v in outputs.items()}, np.array(status))
        del outputs, status  # close the maps before the folder goes
    blank_failed_rows(result.outputs, result.status)
    return result


def _drive(folder: Path, status: np.ndarray, n: int, deadline: float, max_restarts: int) -> bool:
    """Start workers until every row has a status; True if the time ran out first."""
    start, isolate, restarts = 0, False, 0
    while start < n:
        outcome = _spawn(folder, start, isolate, deadline - time.monotonic())
        if outcome != "crash":
            return outcome == "timeout"
        pending = np.flatnonzero(status[start:] == PENDING)
        if len(pending) == 0:
            return False
        first = start + int(pending[0])
        if isolate and first == start:
            status[first] = Status.CRASH
            first += 1
        start, isolate = first, True
        restarts += 1
        if restarts > max_restarts:
            return False
    return False


def _spawn(folder: Path, start: int, isolate: bool, budget: float) -> str:
    """One worker over rows [start, n): 'done', 'crash' or 'timeout'; raises on worker errors."""
    if budget <= 0:
        return "timeout"
    command = [sys.executable, "-m", "nsc.ir.sandbox", str(folder), str(start), str(int(isolate))]
    with open(folder / "worker.log", "wb") as log:
        proc = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True
        )
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
    error = folder / ERROR_FILE
    if error.exists():
        raise NscError(json.loads(error.read_text())["message"])
    return "done" if code == 0 else "crash"


def worker(folder: Path, start: int, isolate: bool) -> int:
    """The worker's body: JIT the IR, run rows [start, n) into the shared files."""
    request = json.loads((folder / "request.json").read_text())
    signature = Signature.from_json((folder / "signature.json").read_text())
    try:
        oracle = Oracle((folder / "module.ll").read_text(), signature, fuel=request["fuel"])
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
    n = request["n"]
    spans = [(start, start + 1), (start + 1, n)] if isolate else [(start, n)]
    for lo, hi in spans:
        if hi > lo:
            rows = slice(lo, hi)
            oracle.run_into(
                {k: v[rows] for k, v in inputs.items()},
                {k: v[rows] for k, v in outputs.items()},
                status[rows],
            )
    for array in [*outputs.values(), status]:
        array.flush()
    return 0


def main(argv: list[str]) -> int:
    import resource

    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # a crashing row must not write a core file
    folder, start, isolate = Path(argv[0]), int(argv[1]), argv[2] == "1"
    try:
        return worker(folder, start, isolate)
    except Exception as err:  # report, so the parent does not mistake a bug for a crash
        message = f"oracle worker failed: {type(err).__name__}: {err}"
        (folder / ERROR_FILE).write_text(json.dumps({"message": message}))
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
