"""Passes keep what a program computes: differential checks of pipelines against the -O0 IR.

A fuzz over generated programs, the examples and tests/programs (every pass alone, random
sequences, O1-O3 with canonicalize, on clean and instrumented IR) found no miscompile, but an
oracle that could not run a module after `strip`, `loop-unroll{count=N}` growing as N**depth
(minutes and gigabytes), a jump-threading threshold LLVM took as another number, and
`canonicalize{entry=...}` that renamed a misspelt entry away. Each has a regression test here.
"""

from __future__ import annotations

import time
from functools import cache

import numpy as np
import pytest
from cli_checks import refused, run

from nsc.data.generator import GeneratorConfig, generate
from nsc.frontend import CompiledC, FrontendOptions, c_to_ir
from nsc.ir.oracle import Execution, Oracle, Status
from nsc.ir.passes import PassError, PipelineError, parse_pipeline, run_passes
from nsc.ir.sampling import sample_inputs

FUEL = 3000
ROWS = 32

SHAPES = """
#pragma nsc entry(f)
#pragma nsc range(p, -2, 2)
#pragma nsc range(n, 0, 6)
#pragma nsc inout(acc)
struct pt { double x, y; int k; };
static double sq(double v) { return v * v; }
void f(struct pt p, const float w[6], int n, double *acc, float out[3], struct pt *q)
{
    double s = *acc;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < 6; j++)
            s += w[j] * sq(p.x - i) / (1.0 + j);
    *acc = s;
    for (int j = 0; j < 3; j++)
        out[j] = w[j] * (float)p.y + w[5 - j];
    q->x = s - p.y;
    q->y = sq(p.y);
    q->k = p.k * n - 3;
}
"""

# static state lives in internal globals, which `strip` leaves unnamed
STATE = """
#pragma nsc entry(f)
#pragma nsc range(a, -50, 50)
static int calls = 7;
static int next_id(void) { static int id = 100; return id++; }
int f(int a)
{
    int first = next_id();
    calls += a;
    return (next_id() - first) * 1000 + calls;
}
"""

# rows that divide by zero, index out of bounds, loop or recurse past the fuel
TRAPS = """
#pragma nsc entry(f)
#pragma nsc range(a, -30, 30)
#pragma nsc range(b, -2, 2)
#pragma nsc range(i, -2, 9)
#pragma nsc range(n, 0, 40)
static int depth(int n) { return n == 0 ? 0 : 1 + depth(n - 1); }
int f(int a, int b, int i, int n, const int v[8], int *r)
{
    int t[8];
    for (int k = 0; k < 8; k++)
        t[k] = v[k] * a;
    int s = 0;
    for (int k = 0; k < n * 100; k++)
        s += k ^ a;
    *r = t[i] + a / b;
    return s + depth(n - 5);
}
"""

MATMUL = """
#pragma nsc entry(f)
void f(const double a[4][4], const double b[4][4], double c[4][4], float *trace)
{
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++) {
            c[i][j] = 0.0;
            for (int k = 0; k < 4; k++)
                c[i][j] += a[i][k] * b[k][j];
        }
    float t = 0.0f;
    for (int i = 0; i < 4; i++)
        t += (float)c[i][i];
    *trace = t;
}
"""

PROGRAMS = {"shapes": SHAPES, "state": STATE, "traps": TRAPS, "matmul": MATMUL, "generated": ""}
GENERATED = GeneratorConfig(p_struct=1.0, p_inout=1.0, p_idiom=1.0)

PIPELINES = [
    "O2,canonicalize",
    "sroa,loop-unroll{count=4},O2,canonicalize{entry=ENTRY}",
    "strip",
    "loop-rotate,loop-unroll{count=3},simplifycfg,newgvn,instcombine",
    "reg2mem,jump-threading{threshold=0},sccp,dce,loop-unroll,mergereturn",
    "O3,loop-unroll{count=8},canonicalize",
]


@cache
def lowered(name: str, instrument: bool) -> CompiledC:
    source = PROGRAMS[name] or generate(3, GENERATED).source
    return c_to_ir(source, FrontendOptions(instrument=instrument), filename=f"{name}.c")


@cache
def inputs(name: str) -> dict[str, np.ndarray]:
    return sample_inputs(lowered(name, False).signature, ROWS, 0)


def execute(name: str, instrument: bool, ir: str, rows: np.ndarray | None = None) -> Execution:
    """Run IR as compiled (JIT -O0, so only the pipeline optimizes), on all rows or `rows`."""
    given = inputs(name)
    if rows is not None:
        given = {k: np.ascontiguousarray(v[rows]) for k, v in given.items()}
    signature = lowered(name, instrument).signature
    return Oracle(ir, signature, fuel=FUEL, opt_level=0).run(given)


@cache
def reference(name: str, instrument: bool) -> Execution:
    """The -O0 IR's results: every row instrumented, the rows that finish clean."""
    rows = None if instrument else finished(name)
    return execute(name, instrument, lowered(name, instrument).ir, rows)


@cache
def finished(name: str) -> np.ndarray:
    """Rows the instrumented -O0 IR finishes: only those can run without the checks."""
    return np.flatnonzero(reference(name, True).ok)


def assert_same(want: Execution, got: Execution) -> None:
    """The same status per row and the same bits in every output (any NaN equals any NaN)."""
    np.testing.assert_array_equal(got.status, want.status)
    for port, expected in want.outputs.items():
        actual = got.outputs[port]
        if expected.dtype.kind == "f":
            nan = np.isnan(expected) & np.isnan(actual)
            bits = f"u{expected.dtype.itemsize}"
            same = (expected.view(bits) == actual.view(bits)) | nan
            assert same.all(), f"{port}: {expected[~same][:4]} became {actual[~same][:4]}"
        else:
            np.testing.assert_array_equal(actual, expected, err_msg=port)


def test_the_programs_exercise_every_status():
    statuses = {Status(s) for name in PROGRAMS for s in reference(name, True).status}
    assert statuses == {Status.OK, Status.OUT_OF_FUEL, Status.OUT_OF_BOUNDS, Status.DIV_BY_ZERO}
    assert all(len(finished(name)) > 0 for name in PROGRAMS)


@pytest.mark.parametrize("instrument", [False, True], ids=["clean", "instrumented"])
@pytest.mark.parametrize("pipeline", PIPELINES)
@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_pipeline_computes_what_o0_computes(name, pipeline, instrument):
    compiled = lowered(name, instrument)
    pipeline = pipeline.replace("ENTRY", compiled.signature.entry)
    ir = run_passes(compiled.ir, pipeline, verify_each=True).module.text
    rows = None if instrument else finished(name)
    assert_same(reference(name, instrument), execute(name, instrument, ir, rows))


# --- regressions ----------------------------------------------------------------------------------


def test_oracle_runs_stripped_static_state():
    """`strip` leaves internal globals unnamed, and the batch loop that restores them before each
    row referred to them as `@""`: "the generated batch loop is not valid"."""
    ir = run_passes(lowered("state", False).ir, "strip").module.text
    assert "internal global i32 100" in ir and "@calls" not in ir
    oracle = Oracle(ir, lowered("state", False).signature, opt_level=0)
    first, again = oracle.run(inputs("state")), oracle.run(inputs("state"))
    assert_same(reference("state", False), first)
    assert_same(first, again)  # every row starts from the initial state


NESTED = """
#pragma nsc range(n, 0, 100)
double f(double x, int n)
{
    double s = 0.0;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            for (int k = 0; k < n; k++)
                s = s * x + 1.0;
    return s;
}
"""


def fmuls(pipeline: str) -> int:
    """How many fmul instructions the nested loops have after `pipeline`; it must be quick."""
    start = time.perf_counter()
    ir = c_to_ir(NESTED, filename="nested.c").ir
    counts = run_passes(ir, pipeline + ",count-ops", verify_each=True).analyses["count-ops"]
    assert time.perf_counter() - start < 5
    return counts["fmul"]


def test_unroll_count_unrolls_every_loop_of_a_small_nest():
    assert fmuls("loop-unroll{count=2}") == 2**3
    assert fmuls("sroa,loop-unroll{count=4}") == 4**3


def test_unroll_count_does_not_grow_as_count_to_the_depth():
    """LLVM honours an unroll-count pragma at any size, so count=32 on every loop of this nest
    made 32**3 copies (minutes, gigabytes), and 100000 hung on a single loop; now a loop takes
    the count only while it stays within MAX_UNROLLED_SIZE instructions unrolled."""
    assert fmuls("loop-unroll{count=32}") == 32  # the innermost loop only
    assert fmuls("sroa,loop-unroll{count=64},O2") == 64
    assert fmuls("loop-unroll{count=100000}") == 1  # too large for any loop: left to LLVM
    # a second pass unrolls the unrolled loops again, but within the same size bound
    assert fmuls("loop-unroll{count=8},loop-unroll{count=8},loop-unroll{count=8}") <= 8**3


def test_unroll_count_keeps_semantics_of_nested_loops():
    compiled = c_to_ir(NESTED, filename="nested.c")
    given = {"x": np.linspace(-1, 1, 7), "n": np.array([0, 1, 2, 3, 5, 7, 9], dtype=np.int32)}
    want = Oracle(compiled.ir, compiled.signature, opt_level=0).run(given)
    for count in (2, 3, 7, 32):
        ir = run_passes(compiled.ir, f"sroa,loop-unroll{{count={count}}},instcombine").module
        assert_same(want, Oracle(ir.text, compiled.signature, opt_level=0).run(given))


@pytest.mark.parametrize("threshold", ["-5", "2147483648", "4294967300"])
def test_jump_threading_threshold_llvm_cannot_take_is_refused(threshold):
    """llvmlite passes the threshold as a C int: 2**32+4 arrived as 4, and -5 as a huge unsigned."""
    with pytest.raises(PipelineError, match="threshold must be -1") as err:
        parse_pipeline(f"jump-threading{{threshold={threshold}}}")
    assert err.value.column == len("jump-threading{")
    assert parse_pipeline("jump-threading{threshold=-1}")[0].threshold == -1


def test_canonicalize_entry_must_name_a_defined_function():
    """A misspelt entry renamed the real one to `f.0` with the rest, so no caller found it."""
    ir = lowered("state", False).ir
    with pytest.raises(PassError, match="canonicalize.*defines no function 'g'"):
        run_passes(ir, "canonicalize{entry=g}")
    assert "define i32 @f(" in run_passes(ir, "canonicalize{entry=f}").module.text


# --- the command line: a bad pipeline is an `nsc: error:`, never a traceback or a hang ------------


@pytest.mark.parametrize(
    "pipeline, needle",
    [
        ("no-such-pass", "unknown pass 'no-such-pass'"),
        ("sroa,,dce", "expected a pass name, found ','"),
        ("sroa,", "expected a pass name, found end of pipeline"),
        ("loop-unroll{count=-1}", "count must be >= 0"),
        ("loop-unroll{count=2", "unbalanced '{'"),
        ("sroa}", "unbalanced '}'"),
        ("loop-unroll{count=two}", "option 'count' takes"),
        ("loop-unroll{size=2}", "has no option 'size'"),
        ("jump-threading{threshold=-5}", "threshold must be -1"),
        ("O2{level=3}", "preset O2 takes no options"),
        ("canonicalize{entry=g}", "defines no function 'g'"),
    ],
)
def test_bad_pipeline_is_an_error(tmp_path, pipeline, needle):
    source = tmp_path / "prog.c"
    source.write_text(STATE)
    code, output = run("ir", source, "--passes", pipeline, "--verify-each")
    refused(code, output, needle)


def test_verify_each_from_the_command_line(tmp_path):
    source = tmp_path / "prog.c"
    source.write_text(MATMUL)
    code, output = run(
        "ir", source, "--passes", "loop-unroll{count=4},O2,canonicalize", "--verify-each"
    )
    assert code == 0, output
    assert "define void @f(" in output
