"""Process pools that Ctrl-C stops at once: the main process takes the interrupt and ends the
workers; a worker never takes it itself.

A worker that took the KeyboardInterrupt would report it as its task's result and go on to
the next task, which the pool had already queued for it, and the pool's shutdown would wait
for that task to finish (a whole program's fine-tuning, or a corpus shard).
"""

from __future__ import annotations

import signal
from concurrent.futures import ProcessPoolExecutor


def ignore_interrupts() -> None:
    """In a worker: leave Ctrl-C to the main process (`stop_workers` ends the worker with
    SIGTERM, whose default action no `except BaseException` in the pool's loop can catch; a
    sandboxed oracle it had started is killed with it, `nsc.ir.sandbox`)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def stop_workers(pool: ProcessPoolExecutor) -> None:
    """Cancel the queued tasks and end the workers now: the tasks in progress are lost, and the
    queue cannot hold the pool's shutdown up."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(10)


def kill_worker(pool: ProcessPoolExecutor, pid: int) -> None:
    """End one worker of the pool now (SIGKILL): the pool breaks, as when a worker crashes. A
    pid that is not one of the pool's live workers is left alone."""
    process = (getattr(pool, "_processes", None) or {}).get(pid)
    if process is not None and process.is_alive():
        process.kill()
