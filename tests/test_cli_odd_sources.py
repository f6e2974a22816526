"""Sources that are not regular files, and entry functions that never return: each is an
`nsc: error:` saying so, with nothing written."""

from __future__ import annotations

import os

import pytest
from cli_checks import refused, run

NEVER = {
    "loop.c": "double f(double x) { while (1) { } return x; }\n",
    "abort.c": "#include <stdlib.h>\ndouble f(double x) { if (x < 2) abort(); abort(); }\n",
}


@pytest.mark.parametrize("name", sorted(NEVER))
@pytest.mark.parametrize("flags", [["--calibrate", "4"], ["--calibrate", "0"]])
def test_an_entry_that_never_returns_is_named(tmp_path, name, flags):
    source = tmp_path / name
    source.write_text(NEVER[name])
    out = tmp_path / "f.onnx"
    code, output = run("compile", source, "-o", out, *flags)
    if flags[1] == "0":  # no oracle run to say more
        refused(code, output, "'f' never produces 'return'", "no path through it returns")
    else:  # the oracle's finding comes first
        refused(code, output, "the oracle finished none of the 4 sampled inputs")
    assert "carries port" not in output
    assert not out.exists()


def test_a_device_or_pipe_is_not_taken_for_a_missing_source(tmp_path):
    pipe = tmp_path / "p.c"
    os.mkfifo(pipe)
    for command in (["compile", os.devnull, "-o", tmp_path / "x.onnx"], ["ir", pipe]):
        code, output = run(*command)
        refused(code, output, "not a regular file")
        assert "no such file" not in output
