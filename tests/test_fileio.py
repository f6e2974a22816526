"""Atomic writes: whole files only, and the permissions an ordinary write would give."""

from __future__ import annotations

import os
import stat

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
