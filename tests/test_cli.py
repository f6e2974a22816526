"""The `nsc` and `nscc` commands, driven through click's CliRunner."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from nsc.cli import main
from nsc.fileio import atomic_savez, load_npz

ROOT = Path(__file__).resolve().parent.parent
IK = ROOT / "examples" / "inversek2j.c"
IK_PLAIN = ROOT / "examples" / "inversek2j_plain.c"


def run(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def forward(t1: float, t2: float) -> tuple[float, float]:
    return 0.5 * math.cos(t1) + 0.5 * math.cos(t1 + t2), 0.5 * math.sin(t1) + 0.5 * math.sin(
        t1 + t2
    )


def test_help_on_every_command():
    for command in ([], ["ir"], ["exec"], ["passes"], ["graph"], ["compile"]):
        result = run(*command, "--help")
        assert result.exit_code == 0, command
        assert "Usage:" in result.output


def test_ir_prints_verified_llvm_ir():
    result = run("ir", IK)
    assert result.exit_code == 0
    assert "define void @inversek2j(ptr" in result.output
    import llvmlite.binding as llvm

    llvm.parse_assembly(result.output).verify()


def test_ir_optimized_is_smaller_and_written_atomically(tmp_path):
    out = tmp_path / "ik.ll"
    assert run("ir", IK, "-O2", "-o", out).exit_code == 0
    optimized = out.read_text()
    plain = run("ir", IK).output
    assert "alloca" in plain and "alloca" not in optimized
    assert list(tmp_path.iterdir()) == [out]


def test_exec_scalar_assignments_round_trip_forward_kinematics():
    result = run("exec", IK, "x=0.5", "y=0.3")
    assert result.exit_code == 0, result.output
    values = dict(line.split(" = ") for line in result.output.strip().splitlines())
    x, y = forward(float(values["theta1"]), float(values["theta2"]))
    assert x == pytest.approx(0.5, abs=1e-5) and y == pytest.approx(0.3, abs=1e-5)


def test_exec_prints_each_output_exactly(tmp_path):
    """Integers in full and floats as the shortest text that reads back as the same value."""
    source = tmp_path / "kinds.c"
    source.write_text(
        "long long f(double x, float *third, double *tenth, _Bool *yes) {\n"
        "    *third = (float)x / 3.0f; *tenth = x / 10.0; *yes = x > 0;\n"
        "    return 123456789012345LL;\n}\n"
    )
    result = run("exec", source, "x=1")
    assert result.exit_code == 0, result.output
    values = dict(line.split(" = ") for line in result.output.strip().splitlines())
    assert values["return"] == "123456789012345"
    assert np.float32(values["third"]) == np.float32(1.0) / np.float32(3.0)
    assert values["tenth"] == "0.1" and values["yes"] == "1"


def test_exec_input_override_makes_plain_pointers_inputs(tmp_path):
    result = run("exec", IK_PLAIN, "--input", "x,y", "x=0.5", "y=0.3")
    assert result.exit_code == 0, result.output
    assert "theta1 = " in result.output and "x = " not in result.output


def test_exec_npz_in_and_out(tmp_path):
    inputs = tmp_path / "in.npz"
    outputs = tmp_path / "out.npz"
    rng = np.random.default_rng(0)
    x = rng.uniform(0.2, 0.6, 64).astype(np.float32)
    y = rng.uniform(0.2, 0.6, 64).astype(np.float32)
    atomic_savez(inputs, {"x": x, "y": y})
    result = run("exec", IK, "--inputs", inputs, "--outputs", outputs)
    assert result.exit_code == 0, result.output
    got = load_npz(outputs)
    assert set(got) == {"theta1", "theta2", "status"}
    assert not got["status"].any()
    fx, fy = forward(float(got["theta1"][7]), float(got["theta2"][7]))
    assert (fx, fy) == (pytest.approx(x[7], abs=1e-5), pytest.approx(y[7], abs=1e-5))


def test_exec_samples_summary():
    result = run("exec", IK, "--samples", "100", "--seed", "3")
    assert result.exit_code == 0
    assert result.output.startswith("100 rows")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["x=0.5"], "missing inputs: y"),
        (["x=0.5", "y=0.2", "z=1"], "no input named 'z'"),
        (["x=abc", "y=0.2"], "not a number"),
        (["x=1,2", "y=0.2"], "takes 1 value(s)"),
        (["--samples", "3", "x=0.5"], "give the inputs one way"),
        (["--range", "x0:1", "x=0.5", "y=0.1"], "bad --range"),
    ],
)
def test_exec_bad_inputs_are_clear_errors(args, message):
    result = run("exec", IK, *args)
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output


def test_c_error_is_gcc_style(tmp_path):
    bad = tmp_path / "bad.c"
    bad.write_text("double f(double x)\n{\n    return x + yy;\n}\n")
    result = run("ir", bad)
    assert result.exit_code == 1
    assert f"{bad}:3:" in result.output and "error:" in result.output
    assert "Traceback" not in result.output


def test_missing_file_is_an_error(tmp_path):
    result = run("ir", tmp_path / "nope.c")
    assert result.exit_code == 1
    assert "no such file" in result.output


def test_exec_endless_loop_reports_fuel(tmp_path):
    prog = tmp_path / "loop.c"
    prog.write_text("int f(int n) { while (n >= 0) n = n | 1; return n; }\n")
    result = run("exec", prog, "n=3", "--fuel", "1000")
    assert result.exit_code == 1
    assert "out of fuel: 1" in result.output


def test_compile_emit_llvm_and_graph(tmp_path):
    out, graph = tmp_path / "ik.ll", tmp_path / "ik.json"
    result = run("compile", IK, "--emit-llvm", "-o", out, "--emit-graph", graph)
    assert result.exit_code == 0, result.output
    assert "define void @inversek2j" in out.read_text()
    assert '"nodes"' in graph.read_text()


def test_passes_lists_builtins():
    result = run("passes")
    assert result.exit_code == 0
    names = {line.split()[0] for line in result.output.splitlines()}
    assert {"sroa", "instcombine", "canonicalize"} <= names


def test_graph_command_writes_dot(tmp_path):
    out = tmp_path / "ik.dot"
    result = run("graph", IK, "--format", "dot", "-o", out)
    assert result.exit_code == 0, result.output
    assert out.read_text().lstrip().startswith(("digraph", "strict digraph"))
