"""Atomic file writes: a temp file in the same directory, then a rename."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import tempfile
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import BinaryIO

import numpy as np

from nsc.diagnostics import NscError


def atomic_write_bytes(path: str | os.PathLike, data: bytes, *, sync: bool = True) -> None:
    """Write `data` to `path` so that readers see the old file or the new one, never a part.

    `sync` also flushes the data to the disk before the rename (tens of ms on some file
    systems), so that even a power loss leaves the old file or the whole new one. The file gets
    the permissions a plain `open(path, "w")` would give it (the temp file's are owner-only).
    A symlink keeps pointing where it did and the file it names is replaced; a device or pipe
    (`/dev/null`, `/dev/stdout`) is written to, never replaced. A failure is an NscError naming
    `path`, and leaves no temp file behind."""
    with atomic_open(path, sync=sync) as handle:
        handle.write(data)


@contextlib.contextmanager
def atomic_open(path: str | os.PathLike, *, sync: bool = True) -> Iterator[BinaryIO]:
    """A binary file to write in a `with` block; `path` gets its contents when the block ends
    without an error, as in `atomic_write_bytes` (which says what `sync`, links and devices
    do). For output too large to hold in memory first. An error in the block leaves `path` as
    it was and no temp file behind; an OSError becomes an NscError naming `path`."""
    try:
        if os.path.exists(path) and not os.path.isfile(path):
            if os.path.isdir(path):
                raise NscError(f"{path}: is a folder, not a file")
            handle = open(path, "wb")  # noqa: SIM115 - closed below, after the block
        else:
            target = Path(os.path.realpath(path))
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
            handle = None
    except OSError as err:
        raise _write_error(path, err) from None
    if handle is not None:  # a device or pipe: written in place
        try:
            with handle:
                yield handle
        except OSError as err:
            raise _write_error(path, err) from None
        return
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            if sync:
                handle.flush()
                os.fsync(handle.fileno())
        os.chmod(tmp, _new_file_mode(target))
        os.replace(tmp, target)
    except BaseException as err:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(err, OSError):
            raise _write_error(path, err) from None
        raise


def check_writable(path: str | os.PathLike) -> None:
    """Fail now, as `atomic_write_bytes` would at the end of a long run, where `path` cannot be
    written: a temp file is made and removed in its folder. A device or pipe (written in place)
    and a path in a missing folder (the writer makes it) are left to the write."""
    target = Path(os.path.realpath(path))
    if (target.exists() and not target.is_file()) or not target.parent.is_dir():
        return
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as err:
        raise _write_error(path, err) from None
    os.close(fd)
    Path(tmp).unlink(missing_ok=True)


def _write_error(path: str | os.PathLike, err: OSError) -> NscError:
    return NscError(f"{path}: cannot write it ({_reason(err)})")


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


def atomic_savez(
    path: str | os.PathLike, arrays: Mapping[str, np.ndarray] | Iterable[tuple[str, np.ndarray]]
) -> None:
    """Save named arrays as an uncompressed .npz (no pickled objects), atomically.

    The arrays go to the file one at a time, straight from memory: pass (name, array) pairs
    from a generator and only the array being written need exist (a training cache of 140,000
    programs is about 10 GB). numpy's `np.load` reads the file."""
    items = arrays.items() if isinstance(arrays, Mapping) else arrays
    with (
        atomic_open(path) as handle,
        zipfile.ZipFile(handle, "w", zipfile.ZIP_STORED, allowZip64=True) as archive,
    ):
        for name, array in items:
            with archive.open(f"{name}.npy", "w", force_zip64=True) as member:
                np.lib.format.write_array(member, np.asarray(array), allow_pickle=False)


def load_npz(path: str | os.PathLike) -> dict[str, np.ndarray]:
    """Load an .npz written by nsc or a user; object arrays (pickle) are refused.

    A file that is missing, empty, not a zip, truncated or corrupt raises `NscError` naming it."""
    _check_zip_magic(path)
    try:
        with np.load(path, allow_pickle=False) as data:
            twice = sorted(name for name, n in Counter(data.files).items() if n > 1)
            if twice:
                raise NscError(f"{path}: duplicate array name(s): {', '.join(twice[:5])}")
            arrays = {name: data[name] for name in data.files}
    except OSError as err:  # zipfile seeking to an offset that a cut-short file lacks
        raise NscError(
            f"{path}: not a readable .npz file (cut short or corrupt: {_reason(err)})"
        ) from None
    except _NPZ_ERRORS as err:
        raise NscError(f"{path}: not a readable .npz file ({_reason(err)})") from None
    for name, value in arrays.items():
        if not isinstance(value, np.ndarray):  # numpy hands back other members as raw bytes
            raise NscError(f"{path}: not a readable .npz file ({name!r} is not a .npy array)")
    return arrays


# What numpy and zipfile raise on a damaged .npz: a bad zip directory, a bad deflate stream or
# CRC, a bad .npy header, data cut short, a refused object array, an absurd declared size.
_NPZ_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    ValueError,
    EOFError,
    KeyError,
    NotImplementedError,  # a compression method zipfile lacks
    RuntimeError,  # an encrypted member
    MemoryError,
)


def _check_zip_magic(path: str | os.PathLike) -> None:
    """Refuse an empty file or one that is no zip before numpy guesses another format."""
    try:
        with open(path, "rb") as handle:
            magic = handle.read(4)
    except OSError as err:
        raise NscError(f"{path}: cannot read ({_reason(err)})") from None
    if not magic:
        raise NscError(f"{path}: empty file (expected an .npz of arrays)")
    if magic not in (b"PK\x03\x04", b"PK\x05\x06"):  # a member, or the end of an empty zip
        raise NscError(f"{path}: not an .npz file (no zip header)")


def _reason(err: BaseException, limit: int = 120) -> str:
    """The error's message, short enough for one line (a bad header is quoted whole)."""
    text = err.strerror if isinstance(err, OSError) and err.strerror else str(err)
    text = text or type(err).__name__
    return text if len(text) <= limit else text[: limit - 3] + "..."


# --- safetensors integrity -----------------------------------------------------------------------

TENSORS_DIGEST = "nsc.tensors_sha256"  # safetensors metadata key: sha256 of the tensor bytes


# the safetensors format's own bound on its JSON header; a larger length is read from junk
MAX_SAFETENSORS_HEADER = 100_000_000


def safetensors_metadata(raw: bytes) -> dict[str, str]:
    """The `__metadata__` of a safetensors buffer's JSON header (ValueError if it has none)."""
    if len(raw) < 8:
        raise ValueError("file too short")
    size = int.from_bytes(raw[:8], "little")
    if size > MAX_SAFETENSORS_HEADER:
        raise ValueError(f"header length {size} past the format's {MAX_SAFETENSORS_HEADER}")
    header = json.loads(raw[8 : 8 + size])
    if not isinstance(header, dict):
        raise ValueError("the header is not a JSON object")
    return header.get("__metadata__") or {}


def read_safetensors_metadata(path: str | os.PathLike) -> dict[str, str]:
    """The same, reading only the header of the file at `path`."""
    with open(path, "rb") as handle:
        head = handle.read(8)
        size = int.from_bytes(head, "little") if len(head) == 8 else 0
        if size > MAX_SAFETENSORS_HEADER:
            raise ValueError(f"header length {size} past the format's {MAX_SAFETENSORS_HEADER}")
        return safetensors_metadata(head + handle.read(size))


def tensors_digest(raw: bytes) -> str:
    """The sha256 of a safetensors file's data section (everything after its JSON header), which
    does not depend on the header's metadata."""
    size = int.from_bytes(raw[:8], "little")
    return hashlib.sha256(memoryview(raw)[8 + size :]).hexdigest()


def check_tensors_digest(raw: bytes, metadata: Mapping[str, str], path: str | os.PathLike) -> None:
    """NscError if `metadata` records a digest of the tensor bytes that `raw` does not match
    (files written before the digest existed have none and pass)."""
    expected = metadata.get(TENSORS_DIGEST)
    if expected is not None and tensors_digest(raw) != expected:
        raise NscError(
            f"{path}: the weights are damaged (their sha256 differs from the one recorded when "
            "the file was written)",
            hints=("copy or download the file again, or retrain",),
        )
