"""The pass registry, the pipeline parser, the pass manager, and the Python passes."""

from __future__ import annotations

import ctypes
import dataclasses
import io
import re
import subprocess
import sys

import llvmlite.binding as llvm
import pytest

from nsc.diagnostics import NscError
from nsc.ir.module import IRError, IRModule, init_llvm
from nsc.ir.passes import (
    Pass,
    PassError,
    PipelineError,
    describe,
    list_passes,
    load_pass,
    parse_pipeline,
    preset_pipeline,
    run_passes,
)
from nsc.ir.passes.registry import BUILTINS

# A module with C-ish names, a static helper, a loop, memory traffic and metadata to strip.
SOURCE_IR = r"""
source_filename = "secret_source.c"

@secret_table = internal global [4 x double] [double 1.0, double 2.0, double 3.0, double 4.0]

define internal double @secret_helper(double %secret_arg) {
entry:
  %secret_sq = fmul double %secret_arg, %secret_arg, !secret.md !0
  ret double %secret_sq
}

define double @kernel(double %x, i32 %n) {
entry:
  %x.addr = alloca double
  %acc = alloca double
  store double %x, ptr %x.addr
  store double 0.0, ptr %acc
  br label %loop.head
loop.head:
  %i = phi i32 [ 0, %entry ], [ %i.next, %loop.body ]
  %more = icmp slt i32 %i, %n
  br i1 %more, label %loop.body, label %done
loop.body:
  %xv = load double, ptr %x.addr
  %slot = and i32 %i, 3
  %p = getelementptr [4 x double], ptr @secret_table, i32 0, i32 %slot
  %t = load double, ptr %p
  %h = call double @secret_helper(double %xv)
  %sum = fadd double %h, %t
  %old = load double, ptr %acc
  %new = fadd double %old, %sum
  store double %new, ptr %acc
  %i.next = add i32 %i, 1
  br label %loop.head, !llvm.loop !1
done:
  %r = load double, ptr %acc
  %q = fdiv double %r, 4.0
  ret double %q
}

!0 = !{!"secret"}
!1 = distinct !{!1, !2}
!2 = !{!"llvm.loop.mustprogress"}
"""

SOURCE_NAMES = ("secret", "x.addr", "acc", "loop.head", "loop.body", "more", "slot")


def jit_kernel(ir: str | IRModule):
    """Compile a module with MCJIT and return kernel(double, int) -> double (and the engine)."""
    init_llvm()
    ref = llvm.parse_assembly(IRModule.of(ir).text)
    machine = llvm.Target.from_default_triple().create_target_machine()
    engine = llvm.create_mcjit_compiler(ref, machine)
    engine.finalize_object()
    address = engine.get_function_address("kernel")
    kernel = ctypes.CFUNCTYPE(ctypes.c_double, ctypes.c_double, ctypes.c_int32)(address)
    return kernel, engine


def reference_kernel(x: float, n: int) -> float:
    table = [1.0, 2.0, 3.0, 4.0]
    acc = 0.0
    for i in range(max(n, 0)):
        acc += x * x + table[i & 3]
    return acc / 4.0


CASES = [(0.5, 0), (1.5, 3), (-2.0, 9), (3.25, 17)]


def assert_computes_kernel(ir: str | IRModule) -> None:
    kernel, _engine = jit_kernel(ir)
    for x, n in CASES:
        assert kernel(x, n) == reference_kernel(x, n)


# --- registry -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(BUILTINS))
def test_registry_key_is_the_pass_name(name):
    cls = load_pass(name)
    assert cls.name == name
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", name)
    assert dataclasses.is_dataclass(cls) and cls.__dataclass_params__.frozen
    text = describe(cls)
    assert text and not text.startswith(cls.__name__ + "("), f"{name} needs a docstring"


def test_registry_imports_passes_lazily():
    code = (
        "import sys, nsc.ir.passes as p; "
        "assert 'nsc.ir.passes.llvm' not in sys.modules; "
        "p.load_pass('sroa'); assert 'nsc.ir.passes.llvm' in sys.modules; "
        "assert 'nsc.ir.passes.canonicalize' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_list_passes_describes_builtins():
    infos = {info.name: info for info in list_passes()}
    assert set(BUILTINS) <= set(infos)
    assert infos["sroa"].origin == "builtin"
    assert "mem2reg" in infos["sroa"].description


# --- every built-in keeps the module valid and computing the same thing -------------------------


@pytest.mark.parametrize("name", sorted(BUILTINS))
def test_each_builtin_preserves_semantics(name):
    result = run_passes(SOURCE_IR, name, verify_each=True)
    if name in ("count-ops", "inst-stats"):
        assert name in result.analyses
    assert_computes_kernel(result.module)


def test_o2_optimizes_and_keeps_semantics():
    before = run_passes(SOURCE_IR, "count-ops").analyses["count-ops"]
    result = run_passes(SOURCE_IR, "-O2,count-ops", verify_each=True)
    after = result.analyses["count-ops"]
    assert before["alloca"] == 2 and "alloca" not in after
    assert "call" not in after  # the helper is inlined
    assert_computes_kernel(result.module)


def test_o0_is_empty():
    assert parse_pipeline("O0") == [] and preset_pipeline(0) == ""
    assert run_passes(SOURCE_IR, "O0").module.text == SOURCE_IR
    with pytest.raises(NscError, match="-O7"):
        preset_pipeline(7)


# --- pipeline parser ----------------------------------------------------------------------------


def test_parse_pipeline_with_options_and_presets():
    passes = parse_pipeline(" sroa , jump-threading{threshold = 4}, loop-unroll{count=2},-O3 ")
    assert [p.name for p in passes] == ["sroa", "jump-threading", "loop-unroll", "default"]
    assert passes[1].threshold == 4 and passes[2].count == 2 and passes[3].level == 3
    assert parse_pipeline("") == []
    assert parse_pipeline("count-ops{}")[0].function == ""


@pytest.mark.parametrize(
    ("pipeline", "column", "reason", "hint"),
    [
        ("sroa,instcombin", 6, "unknown pass 'instcombin'", "did you mean 'instcombine'"),
        ("mem2reg", 1, "unknown pass 'mem2reg'", "'sroa' promotes allocas"),
        ("sroa,loop-unroll{cont=4}", 18, "has no option 'cont'", "did you mean 'count'"),
        ("jump-threading{threshold=lots}", 26, "takes an integer value, got 'lots'", None),
        ("loop-unroll{count=1_0}", 19, "takes an integer value, got '1_0'", None),
        ("loop-unroll{count=\u0663}", 19, "takes an integer value", None),
        ("loop-unroll{count=4.0}", 19, "takes an integer value, got '4.0'", None),
        ("sroa,loop-unroll{count=4", 17, "unbalanced '{'", None),
        ("sroa}", 5, "unbalanced '}'", None),
        ("sroa,,dce", 6, "expected a pass name", None),
        ("sroa dce", 6, "expected ',' between passes", None),
        ("loop-unroll{count=-1}", 12, "count must be >= 0", None),
        ("loop-unroll{count=1,count=2}", 21, "given twice", None),
        ("O2{level=1}", 3, "takes no options", None),
        ("default{level=5}", 8, "level must be 1, 2 or 3", None),
    ],
)
def test_pipeline_errors_point_at_the_column(pipeline, column, reason, hint):
    with pytest.raises(PipelineError) as info:
        parse_pipeline(pipeline)
    error = info.value
    assert error.column == column
    assert reason in error.reason
    rendered = error.render().splitlines()
    assert rendered[1] == "  " + pipeline
    assert rendered[2] == "  " + " " * (column - 1) + "^"
    if hint:
        assert any(hint in h for h in error.hints)


# --- pass manager options -----------------------------------------------------------------------


def test_print_after_all_and_time_passes():
    stream = io.StringIO()
    result = run_passes(
        SOURCE_IR, "sroa,count-ops,instcombine", print_after_all=stream, time_passes=True
    )
    text = stream.getvalue()
    assert text.count("; *** IR Dump After") == 2
    assert "; *** IR Dump After sroa (#1) ***" in text
    assert "; *** Analysis count-ops (#2) ***" in text
    assert text.rstrip().endswith(result.module.text.rstrip())
    assert [t.name for t in result.timings] == ["sroa", "count-ops", "instcombine"]
    assert all(t.seconds > 0 for t in result.timings)
    table = result.timing_table()
    assert "instcombine" in table and table.splitlines()[-1].endswith("total")
    assert run_passes(SOURCE_IR, "sroa").timings == ()


@dataclasses.dataclass(frozen=True)
class BreakDominance(Pass):
    """Use a value before it is defined (parses, does not verify)."""

    name = "break-dominance"

    def run(self, module):
        return IRModule(
            "define i32 @g() {\n  %a = add i32 %b, 1\n  %b = add i32 %a, 1\n  ret i32 %a\n}\n"
        )


@dataclasses.dataclass(frozen=True)
class Crash(Pass):
    """Raise a Python error."""

    name = "crash"

    def run(self, module):
        raise KeyError("oops")


def test_verify_each_names_the_pass_that_broke_the_module():
    passes = [*parse_pipeline("sroa"), BreakDominance(), *parse_pipeline("dce")]
    with pytest.raises(PassError, match=r"pass 'break-dominance' \(#2 in the pipeline\)"):
        run_passes(SOURCE_IR, passes, verify_each=True)
    run_passes(SOURCE_IR, passes[:2])  # without verification nothing checks


def test_errors_name_the_pass_and_the_input():
    with pytest.raises(PassError, match="pass 'crash' failed: KeyError"):
        run_passes(SOURCE_IR, [Crash()])
    with pytest.raises(PassError, match="the input to the pipeline"):
        run_passes(BreakDominance().run(None).text, "dce", verify_each=True)
    with pytest.raises(PassError, match="count-ops.*no function named 'nope'"):
        run_passes(SOURCE_IR, "count-ops{function=nope}")
    with pytest.raises(IRError, match="does not parse"):
        run_passes("define i32 @f( {", "sroa")


# --- Python passes ------------------------------------------------------------------------------


def test_canonicalize_removes_every_source_identifier():
    text = run_passes(SOURCE_IR, "canonicalize", verify_each=True).module.text
    for name in SOURCE_NAMES:
        assert name not in text, name
    assert "!" not in text and "source_filename" not in text and "ModuleID" not in text
    assert "@kernel(" in text and "@f.0(" in text and "@g.0 " in text
    assert_computes_kernel(text)


def test_canonicalize_is_idempotent_and_ignores_names():
    once = run_passes(SOURCE_IR, "canonicalize").module.text
    assert run_passes(once, "canonicalize").module.text == once
    renamed = SOURCE_IR.replace("%i.next", "%other_counter").replace("@secret_table", "@tbl")
    assert run_passes(renamed, "canonicalize").module.text == once


def test_canonicalize_with_entry_renames_other_external_functions():
    ir = SOURCE_IR.replace("define internal double @secret_helper", "define double @secret_helper")
    kept = run_passes(ir, "canonicalize").module.text
    assert "@secret_helper" in kept
    text = run_passes(ir, "canonicalize{entry=kernel}").module.text
    assert "secret" not in text and "@kernel(" in text
    assert_computes_kernel(text)


def test_count_ops_and_inst_stats():
    result = run_passes(SOURCE_IR, "count-ops{function=secret_helper},count-ops,inst-stats")
    counts = result.analyses["count-ops"]
    assert counts["load"] == 4 and counts["store"] == 3 and counts["phi"] == 1
    assert counts["call"] == 1 and sum(counts.values()) == 24
    stats = result.analyses["inst-stats"]
    assert (stats.functions, stats.blocks, stats.instructions) == (2, 5, 24)
    assert stats.per_function == {"secret_helper": 2, "kernel": 22}


def test_loop_unroll_count_unrolls_by_that_factor():
    base = "O1"  # inlines the helper: the unroller leaves loops with calls alone
    plain = run_passes(SOURCE_IR, base + ",count-ops").analyses["count-ops"]
    unrolled = run_passes(SOURCE_IR, base + ",loop-unroll{count=4},count-ops", verify_each=True)
    counts = unrolled.analyses["count-ops"]
    assert counts["fadd"] >= 4 * plain["fadd"]
    assert run_passes(SOURCE_IR, base + ",loop-unroll,count-ops").analyses["count-ops"] != counts
    assert_computes_kernel(unrolled.module)
