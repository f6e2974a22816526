"""Atomic file writes: a temp file in the same directory, then a rename."""

from __future__ import annotations

import functools
import io
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

import numpy as np


def atomic_write_bytes(path: str | os.PathLike, data: bytes, *, sync: bool = True) -> None:
    """Write `data` to `path` so that readers see the old file or the new one, never a part.

    `sync` also flushes the data to the disk before the rename (tens of ms on some file
    systems), so that even a power loss leaves the old file or the whole new one. The file gets
    the permissions a plain `open(path, "w")` would give it (the temp file's are owner-only)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if sync:
                handle.flush()
                os.fsync(handle.fileno())
        os.chmod(tmp, _new_file_mode(target))
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _new_file_mode(target: Path) -> int:
    """An existing file keeps its mode; a new one gets 0o666 less the process umask."""
    try:
        return target.stat().st_mode & 0o7777
    except FileNotFoundError:
        return 0o666 & ~_umask()


@functools.cache
def _umask() -> int:
    mask = os.umask(0)  # reading the umask means setting it: put it straight back, once
    os.umask(mask)
    return mask


def atomic_write_text(path: str | os.PathLike, text: str) -> None:
    atomic_write_bytes(path, text.encode())


def atomic_savez(path: str | os.PathLike, arrays: Mapping[str, np.ndarray]) -> None:
    """Save named arrays as an uncompressed .npz (no pickled objects), atomically."""
    buffer = io.BytesIO()
    np.savez(buffer, **{name: np.asarray(a) for name, a in arrays.items()})
    atomic_write_bytes(path, buffer.getvalue())


def load_npz(path: str | os.PathLike) -> dict[str, np.ndarray]:
    """Load an .npz written by nsc or a user; object arrays (pickle) are refused."""
    with np.load(path, allow_pickle=False) as data:
        return {name: data[name] for name in data.files}
