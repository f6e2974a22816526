"""`start_preprocess`: cpp started ahead gives what `preprocess` gives, errors included."""

from __future__ import annotations

import os
import re

import pytest

from nsc.diagnostics import CompileError, NscError
from nsc.frontend import preprocess as module
from nsc.frontend.preprocess import discard_started, preprocess, start_preprocess

SOURCE = (
    "#include <math.h>\n#pragma nsc range(x, -M_PI, N)\ndouble f(double x) { return sin(x); }\n"
)


def same_text(text: str) -> str:
    return re.sub(r"nsc-cpp-\w+", "TMP", text)  # each run reads its own temporary input


def test_a_run_started_ahead_is_collected_with_the_same_output():
    want = same_text(preprocess(SOURCE, "p.c", ["N=4"]))
    start_preprocess(SOURCE, "p.c", ["N=4"])
    assert len(module._STARTED) == 1
    assert same_text(preprocess(SOURCE, "p.c", ["N=4"])) == want
    assert not module._STARTED
    start_preprocess(SOURCE, "p.c", ["N=4"])
    assert (
        same_text(preprocess(SOURCE, "p.c", ["N=5"])) != want
    )  # other arguments: a run of its own
    discard_started()
    assert not module._STARTED


def test_errors_surface_when_collected():
    start_preprocess("#error stop here\n", "p.c")
    with pytest.raises(CompileError, match="stop here"):
        preprocess("#error stop here\n", "p.c")
    start_preprocess("int a;\n", "p.c", ["-include=/etc/passwd"])  # not started: bad -D
    assert not module._STARTED
    with pytest.raises(NscError, match="invalid -D"):
        preprocess("int a;\n", "p.c", ["-include=/etc/passwd"])


def test_discarded_runs_leave_no_input_behind():
    start_preprocess(SOURCE, "q.c", ["N=1"])
    run = next(iter(module._STARTED.values()))
    folder = run._folder.name
    discard_started()
    assert run.proc.poll() is not None
    assert not os.path.exists(folder)
