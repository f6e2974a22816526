"""The `nscc` program as users run it: what it imports, how it exits, what calibration computes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import onnx
import pytest
from click.testing import CliRunner

from nsc.backend.normalize import Normalization
from nsc.cli import main
from nsc.frontend import FrontendOptions, c_to_ir
from nsc.ir.oracle import Oracle
from nsc.ir.sampling import sample_inputs

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
MODEL = (
    Path(__file__).resolve().parent.parent / "nsc" / "backend" / "models" / "default.safetensors"
)
# What compiling must not import: each costs 0.1-1 s, more than the whole compile should.
HEAVY = {"networkx", "onnx", "google", "torch", "onnxruntime", "matplotlib", "tqdm", "scipy"}
OTHER_COMMANDS = {"nsc.cli.runtime", "nsc.cli.corpus", "nsc.cli.bench"}


def nscc_program(
    *args: str, flags: tuple[str, ...] = (), mark: str = ""
) -> subprocess.CompletedProcess:
    """`nscc ARGS` as the console script runs it (`nscc_main`), in a fresh interpreter."""
    code = f"import sys; sys.argv = ['nscc', *{list(args)!r}]; from nsc.cli import nscc_main; nscc_main()"
    code += f"  # {mark}"
    command = [sys.executable, *flags, "-c", code]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def model() -> Path:
    if not MODEL.is_file():
        pytest.skip("no shipped default model")
    return MODEL


def test_nscc_imports_only_what_compiling_needs(tmp_path, model):
    out = tmp_path / "k.onnx"
    args = (str(EXAMPLES / "kmeans.c"), "-o", str(out), "--model", str(model), "-v")
    run = nscc_program(*args, flags=("-X", "importtime"))
    assert run.returncode == 0, run.stderr
    imported = {
        line.rsplit("|", 1)[1].strip()
        for line in run.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }
    assert {name.split(".")[0] for name in imported} & HEAVY == set()
    assert imported & OTHER_COMMANDS == set()
    assert "nscc: calibration" in run.stderr and "nscc: total" in run.stderr
    onnx.checker.check_model(onnx.load(str(out)), full_check=True)


FRONTEND_ONLY = """
import sys
from pathlib import Path
from nsc.frontend import FrontendOptions
from nsc.nscc import CompileOptions, compile_c
compile_c(Path(sys.argv[1]), Path(sys.argv[2]), FrontendOptions(), CompileOptions(model=sys.argv[3]))
loaded = {name.split(".")[0] for name in sys.modules}
assert not loaded & {"numpy", "safetensors", "networkx", "onnx", "torch"}, sorted(loaded)
assert Path(sys.argv[2]).is_file()
"""


def test_the_compiling_process_runs_the_frontend_and_its_worker_the_rest(tmp_path, model):
    args = [str(EXAMPLES / "sobel.c"), str(tmp_path / "s.onnx"), str(model)]
    run = subprocess.run(
        [sys.executable, "-c", FRONTEND_ONLY, *args], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr


def test_command_line_options_reach_the_worker(tmp_path, model):
    source = tmp_path / "scaled.c"
    source.write_text("double scaled(double x, int k) { return x * K + k; }\n")
    out = tmp_path / "s.onnx"
    args = ["-D", "K=3", "--range", "x=0:2", "--range", "k=1:4", "--input", "x,k"]
    run = nscc_program(str(source), "-o", str(out), "--model", str(model), "--seed", "3", *args)
    assert run.returncode == 0, run.stderr
    meta = {p.key: p.value for p in onnx.load(str(out)).metadata_props}
    norm = json.loads(meta["nsc.normalization"])
    assert (norm["in_low"], norm["in_high"]) == ([0.0, 1.0], [2.0, 4.0])
    assert meta["nsc.calibration_samples"] == "256" and meta["nsc.init"] == "compiled"


def test_nscc_errors_exit_with_1_and_no_traceback(tmp_path):
    run = nscc_program(str(tmp_path / "missing.c"), "-o", str(tmp_path / "m.onnx"))
    assert run.returncode == 1
    assert "no such file" in run.stderr and "Traceback" not in run.stderr
    assert nscc_program("--help").returncode == 0


def test_nscc_speaks_as_nscc():
    """Usage, errors and the version name `nscc` itself, not the `nsc compile` it runs."""
    for flag in ("-h", "--help"):
        run = nscc_program(flag)
        assert run.returncode == 0 and run.stdout.startswith("Usage: nscc [OPTIONS] SOURCES...")
    version = nscc_program("--version")
    assert version.returncode == 0 and version.stdout.strip().startswith("nscc, version ")
    wrong = nscc_program("--no-such-option")
    assert wrong.returncode == 2 and "Try 'nscc --help' for help." in wrong.stderr
    assert "Traceback" not in wrong.stderr


def processes_marked(mark: str) -> list[str]:
    found = []
    for proc in Path("/proc").iterdir():
        try:
            if mark.encode() in (proc / "cmdline").read_bytes():
                found.append(proc.name)
        except OSError:
            pass
    return found


def test_no_worker_outlives_nscc(tmp_path, model):
    mark = f"nscc-test-{tmp_path.name}"
    out = str(tmp_path / "k.onnx")
    runs = [
        nscc_program("--help", mark=mark),
        nscc_program(str(tmp_path / "missing.c"), mark=mark),
        nscc_program(
            str(EXAMPLES / "sobel.c"), "--emit-llvm", "-o", str(tmp_path / "s.ll"), mark=mark
        ),
        nscc_program(str(EXAMPLES / "kmeans.c"), "-o", out, "--model", str(model), mark=mark),
    ]
    assert [run.returncode for run in runs] == [0, 1, 0, 0]
    assert processes_marked(mark) == []


def test_forked_calibration_computes_what_the_oracle_does(tmp_path, model):
    out, source = tmp_path / "b.onnx", EXAMPLES / "blackscholes.c"
    args = [source, "-o", out, "--model", model, "--calibrate", 48, "--seed", 5]
    result = CliRunner().invoke(main, ["compile", *map(str, args)])
    assert result.exit_code == 0, result.output
    checked = c_to_ir(source, FrontendOptions(instrument=True))
    inputs = sample_inputs(checked.signature, 48, 5)
    run = Oracle(checked.ir, checked.signature).run(inputs)
    ok = run.status == 0
    want = Normalization.from_calibration(
        checked.signature, {k: v[ok] for k, v in run.outputs.items()}
    )
    meta = {p.key: p.value for p in onnx.load(str(out)).metadata_props}
    got = json.loads(meta["nsc.normalization"])
    np.testing.assert_allclose(got["out_center"], want.out_center, rtol=1e-12)
    np.testing.assert_allclose(got["out_scale"], want.out_scale, rtol=1e-12)


def test_a_program_that_never_finishes_is_a_clean_calibration_error(tmp_path, model):
    source = tmp_path / "spin.c"
    source.write_text("double spin(double x) { while (x < 10.0) { x = x * 1.0; } return x; }\n")
    out = tmp_path / "s.onnx"
    args = [source, "-o", out, "--model", model, "--calibrate", 4]
    result = CliRunner().invoke(main, ["compile", *map(str, args)])
    assert result.exit_code == 1
    assert "the oracle finished none of the 4 sampled inputs (out of fuel: 4)" in result.output
    assert not out.exists()
