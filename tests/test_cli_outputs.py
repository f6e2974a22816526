"""Where the commands write: never over an input or another output, never into a missing folder,
with one file mode, in the format the name says; and the errors that bad options get."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from nsc.cli import main

ROOT = Path(__file__).resolve().parent.parent
IK = ROOT / "examples" / "inversek2j.c"
# Every row fails: an integer division by zero, and a loop that never ends.
DIVIDES_BY_ZERO = (
    "double f(double x)\n{\n    int d = (int)x * 0;\n    return (double)(100 / d);\n}\n"
)
NEVER_ENDS = "double f(double x)\n{\n    while (x == x)\n        x = x + 1.0;\n    return x;\n}\n"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def refused(result, message: str, code: int = 1) -> None:
    assert result.exit_code == code, result.output
    assert message in result.output, result.output
    assert "Traceback" not in result.output


def listing(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` and its bytes (symlinks as their targets' names)."""
    found = {}
    for path in sorted(folder.rglob("*")):
        name = str(path.relative_to(folder))
        found[name] = os.readlink(path).encode() if path.is_symlink() else path.read_bytes()
    return found


@pytest.fixture
def work(tmp_path, monkeypatch, compiled) -> Path:
    """A folder, the current one, holding ik.c, a link to it, a surrogate and inputs for it."""
    (tmp_path / "ik.c").write_bytes(IK.read_bytes())
    (tmp_path / "model.onnx").write_bytes(compiled[1].read_bytes())
    (tmp_path / "link.c").symlink_to("ik.c")
    (tmp_path / "in.csv").write_text("x\n0.5\n1.5\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture(scope="module")
def compiled(tmp_path_factory) -> tuple[Path, Path, Path]:
    """A surrogate of a program that fails on every row (uncalibrated), and its graph."""
    root = tmp_path_factory.mktemp("compiled")
    source = root / "div.c"
    source.write_text(DIVIDES_BY_ZERO)
    model, graph = root / "div.onnx", root / "div.json"
    result = run("compile", source, "--calibrate", "0", "-o", model, "--emit-graph", graph)
    assert result.exit_code == 0, result.output
    return source, model, graph


@pytest.mark.parametrize(
    "args",
    [
        ["compile", "ik.c", "-o", "ik.c"],
        ["compile", "ik.c", "-o", "link.c"],
        ["compile", "link.c", "-o", "./ik.c"],
        ["compile", "ik.c", "--emit-llvm", "-o", "ik.c"],
        ["graph", "ik.c", "-o", "ik.c"],
        ["graph", "ik.c", "-o", "link.c"],
        ["ir", "ik.c", "-o", "ik.c"],
        ["exec", "ik.c", "--inputs", "in.csv", "--outputs", "in.csv"],
        ["eval", "model.onnx", "ik.c", "--plot", "ik.c"],
        ["finetune", "model.onnx", "--data", "in.csv", "-o", "in.csv"],
    ],
)
def test_an_output_never_replaces_an_input(work, args):
    before = listing(work)
    refused(run(*args), "is the same as output file")
    assert listing(work) == before


def test_finetune_may_replace_its_own_model(work):
    before = (work / "model.onnx").read_bytes()
    (work / "pairs.csv").write_text("x,return\n0.5,1.0\n1.5,2.0\n1.0,0.5\n")
    result = run(
        "finetune", "model.onnx", "--data", "pairs.csv", "-o", "model.onnx", "--epochs", "2"
    )
    assert result.exit_code == 0, result.output
    assert (work / "model.onnx").read_bytes() != before


def test_finetune_says_how_many_examples_it_left_out(work):
    (work / "pairs.csv").write_text("x,return\n0.5,1.0\n1.5,nan\n1.0,0.5\ninf,1.0\n")
    result = run("finetune", "model.onnx", "--data", "pairs.csv", "-o", "t.onnx", "--epochs", "2")
    assert result.exit_code == 0, result.output
    assert "2 example(s) with a NaN or infinite value were left out" in result.output


def test_bench_perf_checks_the_model_before_creating_its_folder(tmp_path):
    result = run("bench", "perf", "--model", str(tmp_path / "none"), "--out", str(tmp_path / "p"))
    assert result.exit_code == 1 and "no hypernetwork model" in result.output
    assert not (tmp_path / "p").exists()


def test_run_refuses_to_write_its_outputs_over_its_inputs(work):
    before = listing(work)
    refused(run("run", "model.onnx", "--inputs", "in.csv", "--outputs", "in.csv"), "is the same")
    assert listing(work) == before
    assert run("run", "model.onnx", "--inputs", "in.csv", "--outputs", "o.csv").exit_code == 0


def test_nscc_program_refuses_its_source_as_output(work):
    """The console script, which ends with os._exit, exits 1 too."""
    done = subprocess.run(
        [sys.executable, "-c", "from nsc.cli import nscc_main; nscc_main()", "ik.c", "-o", "ik.c"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=work,
    )
    assert done.returncode == 1
    assert "nsc: error: input file 'ik.c' is the same as output file" in done.stderr
    assert (work / "ik.c").read_bytes() == IK.read_bytes()


def test_two_outputs_never_share_a_file(work):
    before = listing(work)
    refused(run("compile", "ik.c", "-o", "x.dot", "--emit-graph", "./x.dot"), "the same file")
    refused(run("compile", "ik.c", "--emit-llvm", "-o", "x.ll", "--emit-graph", "x.ll"), "same")
    assert listing(work) == before


def test_graph_files_get_the_mode_of_other_outputs(work, compiled):
    _, model, graph = compiled
    mask = os.umask(0)
    os.umask(mask)
    assert run("graph", "ik.c", "-o", "ik.dot").exit_code == 0
    for path in (work / "ik.dot", graph, model):
        assert path.stat().st_mode & 0o777 == 0o666 & ~mask, path


@pytest.mark.parametrize(
    "args",
    [
        ["graph", "ik.c", "-o", "nope/g.dot"],
        ["compile", "ik.c", "-o", "nope/ik.onnx"],
        ["compile", "ik.c", "-o", "ik.onnx", "--emit-graph", "nope/g.json"],
        ["compile", "ik.c", "--emit-llvm", "-o", "nope/ik.ll"],
        ["ir", "ik.c", "-o", "nope/ik.ll"],
        ["exec", "ik.c", "--samples", "2", "--outputs", "nope/o.npz"],
        ["run", "model.onnx", "--samples", "2", "--outputs", "nope/o.npz"],
    ],
)
def test_a_missing_output_folder_is_an_error(work, args):
    before = listing(work)
    refused(run(*args), "the folder nope does not exist")
    assert listing(work) == before


@pytest.mark.parametrize(
    "args",
    [
        ["compile", "ik.c"],
        ["exec", "ik.c", "--samples", "2"],
        ["run", "model.onnx", "--samples", "2"],
        ["eval", "model.onnx", "ik.c"],
        ["finetune", "model.onnx", "--data", "in.csv", "-o", "t.onnx"],
    ],
)
def test_a_negative_seed_is_a_usage_error(work, args):
    refused(run(*args, "--seed", "-5"), "-5 is not in the range x>=0", code=2)


@pytest.mark.parametrize(
    ("program", "fuel", "reason"),
    [(DIVIDES_BY_ZERO, "1000000", "div by zero: 16"), (NEVER_ENDS, "1000", "out of fuel: 16")],
    ids=["divides-by-zero", "never-ends"],
)
def test_eval_with_no_row_evaluated_is_an_error(work, compiled, program, fuel, reason):
    _, model, _ = compiled
    (work / "bad.c").write_text(program)
    result = run("eval", model, "bad.c", "--samples", "20", "--fuel", fuel)
    refused(result, "none of the 20 samples could be evaluated")
    assert f"({reason} in the first 16 rows)" in result.output
    assert "nan" not in result.output


def test_the_graph_format_follows_the_name(work):
    before = listing(work)
    refused(run("graph", "ik.c", "--format", "json", "-o", "g.dot"), "does not match")
    assert listing(work) == before
    assert run("graph", "ik.c", "-o", "g.json").exit_code == 0
    assert (work / "g.json").read_text().startswith("{")
    assert run("graph", "ik.c", "--format", "graphml", "-o", "g.xml").exit_code == 0
    assert "<graphml" in (work / "g.xml").read_text()


def test_nscc_names_the_wrong_kind_of_output(work):
    before = listing(work)
    refused(run("compile", "ik.c", "--emit-llvm", "-o", "ik.onnx"), "writes LLVM IR, not")
    refused(run("compile", "ik.c", "-o", "ik.ll"), "writes an ONNX surrogate, not LLVM IR")
    assert listing(work) == before


def test_dash_is_stdout_for_text_and_refused_for_files(work):
    before = listing(work)
    refused(run("compile", "ik.c", "-o", "-"), "-o -: this output is written to a file")
    refused(run("graph", "ik.c", "-o", "-"), "-o -: this output is written to a file")
    refused(run("exec", "ik.c", "--samples", "2", "--outputs", "-"), "--outputs -:")
    for args in (["compile", "ik.c", "--emit-llvm", "-o", "-"], ["ir", "ik.c", "-o", "-"]):
        result = run(*args)
        assert result.exit_code == 0, result.output
        assert "define void @inversek2j" in result.output
    assert listing(work) == before


def test_nscc_of_a_surrogate_says_the_output_it_derived_is_the_input(work):
    before = listing(work)
    result = run("compile", "model.onnx")
    refused(result, "input file 'model.onnx' is the same as the output file nscc names after it")
    assert "-o model.onnx" not in result.output
    assert listing(work) == before
