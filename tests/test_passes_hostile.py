"""Hostile and unlucky input to the pass pipeline and the IR tools: pipeline strings with control
characters, 100 KB of text or huge numbers; pass plugins that do not follow the shape of a pass,
fail to start, or return IR that does not parse or verify; `--passes` given empty to nscc; graph
files with infinite constants. Each is an `nsc: error:` naming the problem (or the right result),
never a traceback, a crash of LLVM or a silently wrong file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cli_checks import refused, run

from nsc.diagnostics import NscError
from nsc.ir.passes import (
    PassError,
    PipelineError,
    list_passes,
    parse_pipeline,
    refresh_plugins,
    run_passes,
)

PROGRAMS = Path(__file__).resolve().parent / "programs"
SMALL_IR = "define i32 @g(i32 %x) {\n  %y = add i32 %x, 1\n  ret i32 %y\n}\n"
LOOP = "double f(double x) { double s = 0; for (int i = 0; i < 4; i++) s += x * i; return s; }\n"


@pytest.fixture
def loop_c(tmp_path) -> Path:
    path = tmp_path / "loop.c"
    path.write_text(LOOP)
    return path


# --- pipeline strings ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pipeline", "shown", "caret"),
    [
        ("sroa,\tdcee", "sroa, dcee", 6),  # a tab moved the caret by up to 8 columns
        ("sroa,\n,dce", "sroa,\\x0a,dce", 9),  # a newline broke the pipeline over two lines
        ("sroa,\x1b[2J", "sroa,\\x1b[2J", 5),  # an escape sequence would clear the terminal
    ],
)
def test_pipeline_errors_show_control_characters_escaped(pipeline, shown, caret):
    with pytest.raises(PipelineError) as info:
        parse_pipeline(pipeline)
    lines = info.value.render().splitlines()
    assert lines[1] == "  " + shown
    assert lines[2] == "  " + " " * caret + "^"


def test_errors_in_a_100_kb_pipeline_are_short():
    """The whole pipeline (and a 100 KB pass name) was echoed: 200 KB of error message."""
    for pipeline, name in (("sroa," * 20_000 + "nope,dce", "nope"), ("a" * 100_000, "a")):
        with pytest.raises(PipelineError) as info:
            parse_pipeline(pipeline)
        rendered = info.value.render()
        assert len(rendered) < 500
        shown, caret = rendered.splitlines()[1:3]
        assert shown[caret.index("^") :].startswith(name)
    assert len(parse_pipeline("sroa," * 20_000 + "dce")) == 20_001


def test_an_integer_option_too_long_to_read_is_too_large():
    """Python's int() refuses more than 4300 digits: it was 'takes an integer value'."""
    with pytest.raises(PipelineError, match="is too large") as info:
        parse_pipeline("loop-unroll{count=" + "1" * 5000 + "}")
    assert info.value.column == 19
    assert parse_pipeline("loop-unroll{count=+" + "0" * 200 + "3}")[0].count == 3


@pytest.mark.parametrize(("name", "meant"), [("SROA", "sroa"), ("DCE", "dce")])
def test_pass_names_in_the_wrong_case_suggest_the_right_one(name, meant):
    with pytest.raises(PipelineError) as info:
        parse_pipeline(name)
    assert f"did you mean {meant!r}?" in info.value.hints


# --- hostile plugins ----------------------------------------------------------------------------

PLUGIN_SOURCE = '''
from __future__ import annotations
from dataclasses import dataclass
from typing import ClassVar
from nsc.ir.module import IRModule

INVALID = """define double @f(double %x) {
  %a = fadd double %b, 1.0
  %b = fadd double %a, 1.0
  ret double %a
}
"""

class OddDescription:
    name = "odd-description"
    description = 42
    def run(self, module):
        return module

@dataclass(frozen=True)
class FailsToStart:
    """Its constructor raises."""
    name: ClassVar[str] = "fails-to-start"
    def __post_init__(self):
        raise RuntimeError("no licence")
    def run(self, module):
        return module

@dataclass(frozen=True)
class UnknownType:
    """An option annotated with a name the module lacks."""
    name: ClassVar[str] = "unknown-type"
    k: Undefined = 0
    def run(self, module):
        return module

@dataclass(frozen=True)
class _Instance:
    """An instance, not a class."""
    name: ClassVar[str] = "an-instance"
    def run(self, module):
        return module

INSTANCE = _Instance()

@dataclass(frozen=True)
class Garbage:
    """Returns text that is not IR."""
    name: ClassVar[str] = "garbage"
    def run(self, module):
        return IRModule("this is not IR")

@dataclass(frozen=True)
class Invalid:
    """Returns IR that parses and does not verify."""
    name: ClassVar[str] = "invalid"
    def run(self, module):
        return IRModule(INVALID)

@dataclass(frozen=True)
class Chatty:
    """Prints while it runs."""
    name: ClassVar[str] = "chatty"
    def run(self, module):
        print("chatty was here")
        return module

@dataclass(frozen=True)
class Shadow:
    """Wants to replace the built-in sroa."""
    name: ClassVar[str] = "sroa"
    def run(self, module):
        return module
'''

ENTRY_POINTS = """[nsc.passes]
odd-description = hostile_nsc_passes:OddDescription
fails-to-start = hostile_nsc_passes:FailsToStart
unknown-type = hostile_nsc_passes:UnknownType
an-instance = hostile_nsc_passes:INSTANCE
garbage = hostile_nsc_passes:Garbage
invalid = hostile_nsc_passes:Invalid
chatty = hostile_nsc_passes:Chatty
sroa = hostile_nsc_passes:Shadow
"""


@pytest.fixture(scope="module")
def hostile_plugin(tmp_path_factory):
    """A distribution on sys.path whose `nsc.passes` entry points misbehave; yields its folder."""
    folder = tmp_path_factory.mktemp("hostile_plugin")
    info = folder / "hostileplug-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: hostileplug\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(ENTRY_POINTS)
    (folder / "hostile_nsc_passes.py").write_text(PLUGIN_SOURCE)
    sys.path.insert(0, str(folder))
    refresh_plugins()
    yield folder
    sys.path.remove(str(folder))
    sys.modules.pop("hostile_nsc_passes", None)
    refresh_plugins()


def nsc_process(*args, plugins: Path | None = None) -> subprocess.CompletedProcess:
    """`nsc ARGS...` in a process of its own (LLVM crashing it must not take pytest down), with
    the distributions in the folder `plugins` installed."""
    paths = [str(plugins)] if plugins else []
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([*paths, *sys.path]))
    command = [sys.executable, "-m", "nsc", *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)


def test_nsc_passes_lists_a_plugin_whose_description_is_not_text(hostile_plugin):
    """`description = 42` was an AttributeError traceback that hid every pass."""
    code, output = run("passes")
    assert code == 0, output
    assert "\nodd-description " in output and "\nsroa " in output


def test_a_plugin_shadowing_a_built_in_is_listed_as_ignored(hostile_plugin):
    """The built-in wins, which `nsc passes` said nothing about."""
    shadows = [i for i in list_passes() if i.name == "sroa" and i.origin == "hostileplug"]
    assert len(shadows) == 1 and "(ignored)" in shadows[0].description
    assert type(parse_pipeline("sroa")[0]).__module__ == "nsc.ir.passes.llvm"


def test_a_plugin_whose_constructor_raises_is_an_error(hostile_plugin, loop_c):
    with pytest.raises(PipelineError, match="'fails-to-start' could not be created.*no licence"):
        parse_pipeline("sroa,fails-to-start")
    code, output = run("ir", loop_c, "--passes", "fails-to-start")
    refused(code, output, "no licence")


def test_a_plugin_whose_option_types_do_not_resolve_is_an_error(hostile_plugin):
    with pytest.raises(PipelineError, match="option types do not resolve.*Undefined") as info:
        parse_pipeline("unknown-type{k=1}")
    assert info.value.column == 16


def test_a_plugin_entry_point_that_is_no_class_is_unusable(hostile_plugin):
    """It was 'bad options for ...: object is not callable' though no option was given."""
    with pytest.raises(NscError, match="needs a class"):
        parse_pipeline("an-instance")
    infos = {i.name: i for i in list_passes()}
    assert infos["an-instance"].description.startswith("(unusable)")


def test_ir_that_does_not_parse_is_blamed_on_the_plugin_that_made_it(hostile_plugin, loop_c):
    """The last pass's text went out as `nsc ir`'s output; before another pass, the error named
    that next pass."""
    for pipeline in ("garbage", "garbage,dce"):
        with pytest.raises(PassError, match=r"pass 'garbage' \(#1 .*does not parse"):
            run_passes(SMALL_IR, pipeline)
    code, output = run("ir", loop_c, "--passes", "sroa,garbage")
    refused(code, output, "pass 'garbage' (#2 in the pipeline)", "does not parse")


def test_invalid_ir_from_a_plugin_is_an_error_without_verify_each(hostile_plugin, loop_c):
    """-O2 after it crashed LLVM (a segfault); as the pipeline's end, `nsc ir` and `nscc
    --emit-llvm` wrote it out."""
    done = nsc_process("ir", loop_c, "--passes", "invalid,O2", plugins=hostile_plugin)
    assert done.returncode == 1, (done.returncode, done.stderr[-2000:])
    assert "nsc: error: pass 'invalid' (#1 in the pipeline) produced invalid IR" in done.stderr
    code, output = run("ir", loop_c, "--passes", "sroa,invalid")
    refused(code, output, "pass 'invalid' (#2 in the pipeline) produced invalid IR")
    out = loop_c.with_suffix(".ll")
    code, output = run("compile", loop_c, "--emit-llvm", "--passes", "invalid", "-o", out)
    refused(code, output, "pass 'invalid'")
    assert not out.exists()


# --- nscc --passes ------------------------------------------------------------------------------


def test_nscc_pipeline_errors_show_the_pipeline_given(loop_c, tmp_path):
    """nscc appends `canonicalize{entry=f}` before it builds the graph: an unclosed brace was
    'expected an option as key=value' under text the user never typed."""
    for emit in ([], ["--emit-llvm", "--emit-graph", tmp_path / "g.json"]):
        out = tmp_path / ("p.ll" if emit else "p.onnx")
        code, output = run("compile", loop_c, "--passes", "loop-unroll{count=4", "-o", out, *emit)
        refused(code, output, "unbalanced '{'", "(pipeline column 12)")
        assert "canonicalize" not in output
        assert not out.exists()


@pytest.mark.parametrize("blank", ["", " "])
def test_an_empty_passes_runs_no_passes(loop_c, tmp_path, blank):
    """`--passes ''` ran -O2 (the preset of nscc and `nsc graph`); `--passes ' '` was an error
    about `,canonicalize{entry=f}`."""
    out = tmp_path / "f.ll"
    code, output = run("compile", loop_c, "--emit-llvm", "--passes", blank, "-o", out)
    assert code == 0, output
    assert "alloca" in out.read_text()  # -O2's sroa would have promoted every one
    onnx = tmp_path / "f.onnx"
    code, output = run("compile", loop_c, "--passes", blank, "--calibrate", "8", "-o", onnx)
    assert code == 0, output
    graphs = [run("graph", loop_c, *flags, "-o", tmp_path / "g.dot") for flags in
              (["-O0"], ["--passes", blank])]  # fmt: skip
    assert graphs[0] == graphs[1]  # the same "g.dot: N nodes, M edges"


# --- LLVM passes that abort the process ---------------------------------------------------------


def test_loop_strength_reduction_does_not_abort_the_process():
    """llvmlite's loop-reduce broke LCSSA on loops after -O2, and LLVM's assertion aborted."""
    source = PROGRAMS / "nested_break_continue.c"
    done = nsc_process("ir", source, "--passes", "O2,loop-reduce")
    assert done.returncode == 1, (done.returncode, done.stderr[-2000:])
    assert "nsc: error: unknown pass 'loop-reduce'" in done.stderr
    assert "aborts the process" in done.stderr


# --- graph files --------------------------------------------------------------------------------


def test_graph_json_with_an_infinite_constant_is_standard_json(tmp_path):
    """json.dumps wrote `Infinity`, which JSON has not: jq and JavaScript refused the file."""
    source = tmp_path / "inf.c"
    source.write_text("double f(double x) { return x > 0.5 ? __builtin_inf() : -x; }\n")
    code, output = run("graph", source, "-O0", "-o", tmp_path / "g.json")
    assert code == 0, output

    def refuse(constant):
        raise ValueError(f"not JSON: {constant}")

    data = json.loads((tmp_path / "g.json").read_text(), parse_constant=refuse)
    assert "inf" in [node.get("value") for node in data["nodes"]]


def test_what_a_plugin_prints_goes_to_stderr_not_into_the_ir(hostile_plugin, loop_c):
    """`nsc ir` writes the IR to stdout: a plugin's print went into it."""
    done = nsc_process("ir", loop_c, "--passes", "chatty,sroa", plugins=hostile_plugin)
    assert done.returncode == 0, done.stderr
    assert "chatty was here" not in done.stdout and "chatty was here" in done.stderr
    assert done.stdout.lstrip().startswith("; ModuleID") and "define " in done.stdout
