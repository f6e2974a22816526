"""Whether this process may fork its workers, and errors sent back from them as JSON.

Imports nothing heavy, so a process that has not loaded numpy (nscc's) can use it.
"""

from __future__ import annotations

import json
import os
import sys
import threading

from nsc.diagnostics import CompileError, NscError, SourceLocation


def can_fork() -> bool:
    """Linux, and this process runs one thread: no other Python thread and no native one (a BLAS
    or ONNX Runtime pool). A fork copies only the calling thread, and a lock another thread held
    stays held in the copy, where the next taker waits forever."""
    if not sys.platform.startswith("linux") or threading.active_count() != 1:
        return False
    try:
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:
        return False


def die_with_parent(parent: int) -> None:
    """In a worker: be killed when the parent dies (Linux; the parent thread that started it, to
    be exact), so no worker outlives an interrupted or killed caller; exit at once if the parent
    is already gone."""
    import ctypes
    import signal

    set_death_signal = 1  # PR_SET_PDEATHSIG (prctl(2))
    try:
        ctypes.CDLL(None, use_errno=True).prctl(set_death_signal, int(signal.SIGKILL), 0, 0, 0)
    except (OSError, AttributeError):
        pass  # no prctl here: the parent still kills its workers when it can
    if os.getppid() != parent:
        os._exit(1)


def error_record(err: NscError) -> dict:
    """An NscError (or CompileError, located) as JSON data, for `error_from`."""
    record: dict = {"message": err.message, "hints": list(err.hints)}
    location = getattr(err, "location", None)
    if isinstance(err, CompileError):
        record["location"] = None if location is None else vars(location)
    return record


def error_from(message: bytes) -> NscError:
    """The NscError (or CompileError) a worker sent as JSON."""
    try:
        record = json.loads(message.decode("utf-8", errors="replace"))
        hints = tuple(str(h) for h in record.get("hints", ()))
        if "location" not in record:
            return NscError(str(record["message"]), hints)
        where = record["location"]
        location = SourceLocation(**where) if where else None
        return CompileError(str(record["message"]), location, hints)
    except (ValueError, KeyError, TypeError):
        return NscError(f"a worker failed: {message[:200]!r}")
