"""Atomic writes: whole files only, and the permissions an ordinary write would give."""

from __future__ import annotations

import os
import stat

import numpy as np
import pytest

from nsc import fileio
from nsc.diagnostics import NscError
from nsc.fileio import atomic_write_bytes, atomic_write_text


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_a_new_file_honours_the_umask_and_an_old_one_keeps_its_mode(tmp_path):
    mask = fileio._umask()
    new = tmp_path / "out.onnx"
    atomic_write_bytes(new, b"model")
    assert new.read_bytes() == b"model" and mode(new) == 0o666 & ~mask
    private = tmp_path / "private.json"
    private.write_text("{}")
    private.chmod(0o600)
    atomic_write_text(private, '{"a": 1}')
    assert private.read_text() == '{"a": 1}' and mode(private) == 0o600


def test_a_failed_write_leaves_the_old_file_and_no_temp(tmp_path, monkeypatch):
    target = tmp_path / "data.bin"
    target.write_bytes(b"old")

    def fail(*args):
        raise OSError("disk full")

    monkeypatch.setattr(fileio.os, "replace", fail)
    with pytest.raises(NscError, match="data.bin: cannot write it .disk full"):
        atomic_write_bytes(target, b"new")
    assert target.read_bytes() == b"old" and sorted(tmp_path.iterdir()) == [target]


def test_savez_streams_pairs_and_a_failure_midway_keeps_the_old_file(tmp_path):
    path = tmp_path / "cache.npz"

    def pairs(fail_at=None):
        for i in range(3):
            if i == fail_at:
                raise RuntimeError("out of examples")
            yield f"a{i}", np.arange(i + 2, dtype=np.float32).reshape(1, -1)

    fileio.atomic_savez(path, pairs())
    loaded = fileio.load_npz(path)
    assert sorted(loaded) == ["a0", "a1", "a2"] and loaded["a2"].tolist() == [[0, 1, 2, 3]]
    with np.load(path) as plain:  # numpy reads it as its own
        assert plain["a1"].dtype == np.float32
    before = path.read_bytes()
    with pytest.raises(RuntimeError, match="out of examples"):
        fileio.atomic_savez(path, pairs(fail_at=2))
    assert path.read_bytes() == before and sorted(tmp_path.iterdir()) == [path]


def test_savez_refuses_object_arrays(tmp_path):
    path = tmp_path / "x.npz"
    with pytest.raises(ValueError, match="allow_pickle"):
        fileio.atomic_savez(path, {"x": np.array([{"a": 1}], dtype=object)})
    assert not path.exists() and not list(tmp_path.iterdir())


def test_atomic_open_writes_through_a_device(tmp_path):
    with fileio.atomic_open(os.devnull) as handle:
        handle.write(b"ignored")
    with pytest.raises(NscError, match="is a folder"), fileio.atomic_open(tmp_path):
        pass


def test_a_safetensors_header_read_from_junk_is_a_value_error(tmp_path):
    """A length word past the format's bound is refused before it is read (a text file's first
    8 bytes make an exabyte), and a header that is not a JSON object has no metadata."""
    from nsc.fileio import read_safetensors_metadata, safetensors_metadata

    junk = tmp_path / "notes.safetensors"
    junk.write_text("plain text, not a model\n")
    with pytest.raises(ValueError, match="header length"):
        read_safetensors_metadata(junk)
    listed = b"[1, 2]"
    with pytest.raises(ValueError, match="not a JSON object"):
        safetensors_metadata(len(listed).to_bytes(8, "little") + listed)
