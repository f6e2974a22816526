"""nscc's worker: the same surrogate as the stages run in process, errors intact.

The `nscc` program forks its worker (it runs one thread: it never loads numpy, and its worker
loads it with one BLAS thread); this pytest process runs more threads, so here `compile_c` runs
every stage in process and spawns the calibration worker. Both are compared.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx.numpy_helper import to_array

from nsc.diagnostics import CompileError, NscError
from nsc.frontend import FrontendOptions
from nsc.nscc import CompileOptions, StageTimes, compile_c

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
MODEL = (
    Path(__file__).resolve().parent.parent / "nsc" / "backend" / "models" / "default.safetensors"
)
BACKEND_STAGES = ("model", "passes", "graph", "tensors", "hypernetwork")


@pytest.fixture(scope="module")
def model() -> str:
    if not MODEL.is_file():
        pytest.skip("no shipped default model")
    return str(MODEL)


def nscc_program(*args: str) -> subprocess.CompletedProcess:
    code = f"import sys; sys.argv = ['nscc', *{list(args)!r}]; from nsc.cli import nscc_main; nscc_main()"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("name", ["kmeans.c", "particle.c"])
def test_forked_workers_write_what_the_stages_in_process_write(tmp_path, model, name):
    forked, local = tmp_path / "forked.onnx", tmp_path / "local.onnx"
    args = ["--model", model, "--calibrate", "24", "-v"]
    run = nscc_program(
        str(EXAMPLES / name), "-o", str(forked), *args, "--emit-graph", str(tmp_path / "f.dot")
    )
    assert run.returncode == 0, run.stderr
    assert "* in the worker, beside this process" in run.stderr
    assert all(f"nscc: {stage}* " in run.stderr for stage in BACKEND_STAGES)
    times = StageTimes()
    options = CompileOptions(
        model=model, calibrate=24, fork_workers=False, emit_graph=tmp_path / "l.dot"
    )
    compile_c(EXAMPLES / name, local, FrontendOptions(), options, times)
    assert all(stage in times.seconds for stage in BACKEND_STAGES) and not times.elsewhere
    a, b = onnx.load(str(forked)), onnx.load(str(local))
    assert a.metadata_props == b.metadata_props and a.graph.node == b.graph.node
    for x, y in zip(a.graph.initializer, b.graph.initializer, strict=True):
        # the program uses one BLAS thread, this process several: sums may differ in the last bit
        np.testing.assert_allclose(to_array(x), to_array(y), rtol=1e-5, atol=1e-6)
    assert (tmp_path / "f.dot").read_text() == (tmp_path / "l.dot").read_text()


def test_backend_errors_come_back_as_they_were(tmp_path):
    broken = tmp_path / "broken.safetensors"
    broken.write_bytes(b"not a model")
    out = tmp_path / "n.onnx"
    run = nscc_program(str(EXAMPLES / "neuron.c"), "-o", str(out), "--model", str(broken))
    assert run.returncode == 1 and "Traceback" not in run.stderr
    options = CompileOptions(model=str(broken), calibrate=0, fork_workers=False)
    with pytest.raises(
        NscError, match="model .*broken.safetensors: not a hypernetwork model"
    ) as caught:
        compile_c(EXAMPLES / "neuron.c", out, FrontendOptions(), options)
    assert not isinstance(caught.value, CompileError)
    assert run.stderr.strip() == caught.value.render()
    assert not out.exists()


CHILDREN_AFTER_ERRORS = """
import os, sys
from pathlib import Path
from nsc.diagnostics import CompileError
from nsc.frontend import FrontendOptions
from nsc.ir.sandbox import can_fork
from nsc.nscc import CompileOptions, compile_c

assert can_fork()  # so the backend worker is a fork
source, model, out = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
source.write_text("double f(double x) { return x +; }\\n")
try:
    compile_c(source, out, FrontendOptions(), CompileOptions(model=model))
except CompileError:
    pass
children = Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children").read_text().split()
assert children == [], children
"""


def test_a_frontend_error_stops_the_workers(tmp_path, model):
    args = [str(tmp_path / "bad.c"), model, str(tmp_path / "b.onnx")]
    run = subprocess.run(
        [sys.executable, "-c", CHILDREN_AFTER_ERRORS, *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "OPENBLAS_NUM_THREADS": "1"},
    )
    assert run.returncode == 0, run.stderr
