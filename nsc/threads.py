"""Calls on a thread of their own with a stack of a chosen size."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def on_large_stack(fn: Callable[..., T], *args: object, stack_bytes: int, name: str) -> T:
    """`fn(*args)` on a new thread whose stack is `stack_bytes` (address space: pages are used
    as the stack grows); its error is re-raised in the calling thread."""
    result: list[T] = []
    failure: list[BaseException] = []

    def work() -> None:
        try:
            result.append(fn(*args))
        except BaseException as err:  # handed to the calling thread
            failure.append(err)

    old_size = threading.stack_size()
    threading.stack_size(stack_bytes)
    try:
        worker = threading.Thread(target=work, name=name, daemon=True)
        worker.start()
    finally:
        threading.stack_size(old_size)
    worker.join()
    if failure:
        raise failure[0]
    return result[0]
