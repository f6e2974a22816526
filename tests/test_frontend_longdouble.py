"""long double (the x87 80-bit type, LLVM `x86_fp80`) in compiled code: its constants as LLVM
spells them, folding in nsc's constant evaluator, the `l` math functions, bit-identity with gcc
-O0, the whole pipeline (passes, graph, fusion observer, nscc, nsc exec), and the located
refusal of a long double in the entry's signature."""

from __future__ import annotations

import ctypes
import ctypes.util
import math
import re
import shutil
import subprocess
from fractions import Fraction
from pathlib import Path

import llvmlite.binding as llvm
import numpy as np
import pytest
from cli_checks import runs_through_the_pipeline

from nsc.diagnostics import CompileError
from nsc.frontend import FrontendOptions, c_to_ir
from nsc.frontend.mathlib import MATH_FUNCTIONS
from nsc.frontend.x86fp80 import X86_FP80, extended, hex_constant, literal, narrow
from nsc.ir.graph import build_graph
from nsc.ir.jit import initialize
from nsc.ir.observe import instruction_nodes, instrument, observe
from nsc.ir.oracle import Oracle
from nsc.ir.passes import run_passes

PROGRAMS = Path(__file__).parent / "programs"
LONG_DOUBLE_PROGRAMS = sorted(PROGRAMS.glob("long_double_*.c"))
needs_gcc = pytest.mark.skipif(shutil.which("gcc") is None, reason="needs gcc")


def ir_of(source: str, **options) -> str:
    return c_to_ir(source, FrontendOptions(**options), filename="t.c").ir


def run(source: str, **inputs) -> dict[str, np.ndarray]:
    compiled = c_to_ir(source, FrontendOptions(instrument=True), filename="t.c")
    execution = Oracle(compiled.ir, compiled.signature).run(
        {name: np.asarray(value) for name, value in inputs.items()}
    )
    assert execution.status.tolist() == [0] * len(execution.status)
    return execution.outputs


# --- constants ------------------------------------------------------------------------------


CONSTANTS = [
    (0.0, "0xK00000000000000000000"),
    (-0.0, "0xK80000000000000000000"),
    (1.0, "0xK3FFF8000000000000000"),
    (-2.5, "0xKC000A000000000000000"),
    (math.inf, "0xK7FFF8000000000000000"),
    (2**64 - 1, "0xK403EFFFFFFFFFFFFFFFF"),
    (2**64 + 1, "0xK403F8000000000000000"),  # rounded once, to even
    (2**65 - 1, "0xK40408000000000000000"),
    (Fraction(1, 3), "0xK3FFDAAAAAAAAAAAAAAAB"),
    (Fraction(1, 2**16445), "0xK00000000000000000001"),  # the smallest subnormal
    (Fraction(1, 2**16446), "0xK00000000000000000000"),  # half of it: a tie, to even
    (2**16384 - 2**16320, "0xK7FFEFFFFFFFFFFFFFFFF"),  # the largest finite
    (2**16384 - 2**16320 + 2**16319 - 1, "0xK7FFEFFFFFFFFFFFFFFFF"),  # just under half an ulp
    (2**16384 - 2**16320 + 2**16319, "0xK7FFF8000000000000000"),  # half an ulp more: inf
]


@pytest.mark.parametrize(
    ("value", "spelled"), CONSTANTS, ids=[f"{s}-{i}" for i, (_, s) in enumerate(CONSTANTS)]
)
def test_constants_are_rounded_once_and_spelled_as_llvm_does(value, spelled):
    assert hex_constant(value) == spelled
    module = llvm.parse_assembly(f"@g = global x86_fp80 {spelled}\n")
    assert spelled in str(module)


def test_the_graph_reads_each_constant_back_as_the_nearest_double():
    from nsc.ir.irtext import constant_value

    for value, spelled in CONSTANTS:
        expected = narrow(extended(value), 64)
        assert constant_value("x86_fp80", spelled) == expected, spelled
    assert constant_value("x86_fp80", "0xKFFFF8000000000000000") == -math.inf
    assert math.isnan(constant_value("x86_fp80", "0xK7FFFC000000000000000"))


def test_literals_round_their_exact_value():
    assert literal("0.1") == np.longdouble("0.1")  # glibc's strtold, correctly rounded
    assert literal("0x1p-3") == np.longdouble(0.125)
    assert hex_constant(literal("0x1.fffffffffffffffffp0")) == "0xK40008000000000000000"
    assert literal("1e4933") == np.inf and literal("1e-4952") == 0
    assert narrow(literal("0.1"), 64) == 0.1
    # 1 + 2**-24 + 2**-60: to float directly rounds up; through double it ties to even, 1.0
    value = extended(1 + Fraction(1, 2**24) + Fraction(1, 2**60))
    assert narrow(value, 32) == 1 + 2**-23
    assert narrow(narrow(value, 64), 32) == 1.0


def test_type_prints_as_x86_fp80():
    assert str(X86_FP80) == "x86_fp80"
    ir = ir_of("double f(double x) { long double t = x; return (double)(t * 3.0L); }")
    assert "alloca x86_fp80, align 16" in ir
    assert "fmul x86_fp80 %" in ir and "0xK4000C000000000000000" in ir


def test_static_initializers_fold_in_long_double():
    ir = ir_of(
        "static const long double third = 1.0L / 3;\n"
        "static const double d = (double)(1.0L / 3.0L);\n"
        "static const float once = (float)(1.0L + 0x1p-24L + 0x1p-60L);\n"
        "static const unsigned long long u = (unsigned long long)18446744073709549568.0L;\n"
        "static const long double inf = 1e3000L * 1e3000L;\n"
        "static const int sizes = sizeof(long double) * 100 + _Alignof(long double);\n"
        "double f(double x) { return x * third + d + once + u + (double)inf + sizes; }\n"
    )
    assert "@third = internal constant x86_fp80 0xK3FFDAAAAAAAAAAAAAAAB" in ir
    assert "@d = internal constant double 0x3FD5555555555555" in ir
    assert "@once = internal constant float 0x3FF0000020000000" in ir
    assert "@u = internal constant i64 -2048" in ir
    assert "@inf = internal constant x86_fp80 0xK7FFF8000000000000000" in ir
    assert "@sizes = internal constant i32 1616" in ir


def test_conversions_of_literals_fold_without_instructions():
    ir = ir_of("double f(double x) { return x + (double)0.1L + (float)1.5L + (int)2.75L; }")
    assert "x86_fp80" not in ir and "fptrunc" not in ir
    assert re.search(r"fadd double %\S+, 1\.000000e-01\n", ir)  # 0.1L rounded once to double


# --- code -----------------------------------------------------------------------------------


def test_arithmetic_comparisons_and_integer_conversions_run():
    source = """
    void f(double x, long long n, double out[3], long long ints[3]) {
        long double a = x, b = (long double)n;
        out[0] = (double)(a / 3 * 3 - a);
        out[1] = (double)(a + b);
        out[2] = (float)(a * 1e300L * 1e300L);
        ints[0] = (unsigned long long)(b * 2) - (unsigned long long)n * 2;
        ints[1] = (a < b) + 2 * (a == a) + 4 * (0.0L / 0.0L != 0.0L / 0.0L);
        ints[2] = sizeof(long double) * 100 + _Alignof(long double);
    }
    """
    n = np.array([2**62 + 1, -5], np.int64)
    outputs = run(source, x=np.array([0.1, 7.0]), n=n)
    assert outputs["out"][0, 0] == float(
        np.longdouble(0.1) / np.longdouble(3) * np.longdouble(3) - np.longdouble(0.1)
    )
    assert outputs["out"][0, 1] == float(np.longdouble(0.1) + np.longdouble(2**62 + 1))
    assert outputs["out"][:, 2].tolist() == [math.inf, math.inf]
    assert outputs["ints"].tolist() == [[0, 7, 1616], [0, 6, 1616]]


def test_math_functions_are_the_l_ones():
    ir = ir_of(
        "#include <math.h>\n"
        "double f(double x) { long double t = x;\n"
        "  return (double)(sqrtl(t) + sinl(t) + powl(t, 2.5L) + tgammal(t) + fabsl(t)); }\n"
    )
    for callee in ("llvm.sqrt.f80", "llvm.sin.f80", "llvm.pow.f80", "tgammal", "llvm.fabs.f80"):
        assert f"@{callee}(x86_fp80" in ir
    names = {f.name for f in MATH_FUNCTIONS.values() if "long double" in f.args}
    assert {"sinl", "fmal", "frexpl", "modfl", "ldexpl", "lroundl", "ilogbl"} <= names
    assert MATH_FUNCTIONS["modfl"].args == ("long double", "long double*")


def test_every_intrinsic_agrees_with_libm_for_long_double():
    """Each intrinsic, JIT-compiled for x86_fp80, gives libm's `l` function's result: LLVM
    turns most back into the libm call and sqrt and fabs into the x87's exact instructions."""
    initialize()
    libm = ctypes.CDLL(ctypes.util.find_library("m"))
    funcs = [f for f in MATH_FUNCTIONS.values() if f.intrinsic and f.args[0] == "long double"]
    lines = []
    for func in funcs:
        params = ", ".join(f"x86_fp80 %a{i}" for i in range(len(func.args)))
        args = ", ".join(f"x86_fp80 %a{i}" for i in range(len(func.args)))
        types = ", ".join(["x86_fp80"] * len(func.args))
        lines += [
            f"declare x86_fp80 @{func.intrinsic}.f80({types})",
            f"define x86_fp80 @t_{func.name}({params}) {{",
            f"  %r = call x86_fp80 @{func.intrinsic}.f80({args})",
            "  ret x86_fp80 %r",
            "}",
        ]
    module = llvm.parse_assembly("\n".join(lines))
    from nsc.ir.jit import create_engine, target_machine

    engine = create_engine(module, target_machine(0))
    samples = [0.0, -0.0, 0.5, -2.5, 3.7, 1e-4940, -1e4000, math.inf, -math.inf, math.nan]
    samples = [np.longdouble(s) for s in samples] + [np.longdouble(1) / 3]
    for func in funcs:
        arity = len(func.args)
        signature = [ctypes.c_longdouble] * arity
        ours = ctypes.CFUNCTYPE(ctypes.c_longdouble, *signature)(
            engine.get_function_address(f"t_{func.name}")
        )
        theirs = getattr(libm, func.name)
        theirs.restype, theirs.argtypes = ctypes.c_longdouble, signature
        for first in samples:
            args = [first] * arity if arity < 3 else [first, first, np.longdouble(0.25)]
            want, got = np.longdouble(theirs(*args)), np.longdouble(ours(*args))
            if np.isnan(want) or np.isnan(got):
                assert np.isnan(want) and np.isnan(got), (func.name, args)
            else:
                zero_sign_open = func.name in ("fminl", "fmaxl")
                assert want == got, (func.name, args, want, got)
                assert zero_sign_open or np.signbit(want) == np.signbit(got), (func.name, args)


# --- against gcc ----------------------------------------------------------------------------


def test_there_are_long_double_programs():
    assert len(LONG_DOUBLE_PROGRAMS) >= 4


@needs_gcc
@pytest.mark.parametrize("program", LONG_DOUBLE_PROGRAMS, ids=lambda p: p.stem)
def test_programs_are_bit_identical_with_gcc(program: Path, tmp_path: Path):
    """tests/test_differential.py allows an ulp; here nothing may differ."""
    from gcc_harness import compare

    result = compare(program, tmp_path, rows=64, seed=3, ulps=0)
    assert not result.problems, "\n".join(result.problems)


LIMITS_PROBE = r"""
#include <float.h>
#include <stdio.h>
int main(void) {
    printf("%d %d %d %d %d %d %d\n", LDBL_MANT_DIG, LDBL_DIG, LDBL_MIN_EXP, LDBL_MAX_EXP,
           LDBL_MIN_10_EXP, LDBL_MAX_10_EXP, DECIMAL_DIG);
    printf("%La %La %La\n", LDBL_MAX, LDBL_MIN, LDBL_EPSILON);
    return 0;
}
"""


@needs_gcc
def test_float_h_limits_match_the_system_headers(tmp_path: Path):
    from nsc.frontend.preprocess import INCLUDE_DIR

    (tmp_path / "probe.c").write_text(LIMITS_PROBE)
    printed = []
    for flags in (["-nostdinc", "-I", str(INCLUDE_DIR)], []):
        exe = tmp_path / ("nsc" if flags else "sys")
        subprocess.run(
            ["gcc", "-std=c99", "-O0", *flags, str(tmp_path / "probe.c"), "-o", str(exe)],
            check=True,
        )
        printed.append(subprocess.run([str(exe)], capture_output=True, text=True).stdout)
    assert printed[0] == printed[1]


# --- the pipeline ---------------------------------------------------------------------------


def test_passes_graph_and_observer_take_x86_fp80():
    program = PROGRAMS / "long_double_series.c"
    compiled = c_to_ir(program, FrontendOptions())
    optimized = run_passes(compiled.ir, "O2").module.text
    assert "x86_fp80" in optimized
    graph = build_graph(optimized, compiled.signature)
    rng = np.random.default_rng(0)
    inputs = {"x": rng.uniform(-2, 2, 16), "n": rng.integers(1, 300, 16).astype(np.int32)}
    observation = observe(optimized, compiled.signature, inputs)
    nodes = instruction_nodes(graph)
    assert len(nodes) == len(observation.observed)
    # a long double result is observed rounded to double (instruction k: `%__nsc_o<k>`)
    text, _ = instrument(optimized)
    extended = [int(k) for k in re.findall(r"%__nsc_o(\d+) = fptrunc x86_fp80", text)]
    assert len(extended) >= 8
    assert all(observation.observed[k] and observation.stats[k][0] > 0 for k in extended)


def test_graph_reads_constants_past_the_range_of_double():
    source = "double f(double x) { return (double)(x * 1e900L - 1e-4940L + x * 0.1L); }"
    compiled = c_to_ir(source, FrontendOptions(), filename="t.c")
    graph = build_graph(compiled.ir, compiled.signature)
    values = [d["value"] for _, d in graph.nodes(data=True) if d["kind"] == "constant"]
    assert {0.0, 0.1, math.inf} <= set(values)  # the nearest doubles (1e-4940L is 0.0)


def test_nsc_exec_and_nscc_compile_a_program_using_long_double(tmp_path: Path):
    runs_through_the_pipeline(
        PROGRAMS / "long_double_math.c", tmp_path, ["x=2.5", "y=1.5"], r"return = 90\.919557207124"
    )


# --- what stays refused ---------------------------------------------------------------------

HINT = "compute in long double inside the function; take and return double"
ENTRY_ERRORS = [
    ("long double f(double x) { return x; }", 1, 13, r"the return value is a 'long double'"),
    ("double f(long double x) { return x; }", 1, 22, r"parameter 'x' is a 'long double'"),
    (
        "void f(const double *x, long double *out) { *out = *x; }",
        1,
        37,
        r"parameter 'out' is a 'long double'",
    ),
    (
        "double f(const long double a[4]) { return a[0]; }",
        1,
        28,
        r"parameter 'a' is an array of 'long double' \('const long double\[4\]'\)",
    ),
    (
        "struct s { int n; long double v; };\ndouble f(struct s a) { return a.v; }",
        2,
        19,
        r"parameter 'a' has type 'struct s', which holds a 'long double' \('v'\)",
    ),
    (
        "struct p { double x[2]; struct { long double w; } in[3]; };\n"
        "double f(const struct p *q) { return q->x[0]; }",
        2,
        25,
        r"which holds a 'long double' \('in\[0\]\.w'\)",
    ),
]


@pytest.mark.parametrize(("source", "line", "column", "message"), ENTRY_ERRORS)
def test_the_entry_signature_refuses_long_double(source, line, column, message):
    with pytest.raises(CompileError) as info:
        c_to_ir(source, FrontendOptions(), filename="bad.c")
    err = info.value
    assert (err.location.file, err.location.line, err.location.column) == ("bad.c", line, column)
    assert re.search(message, err.message), err.message
    assert err.message.endswith(
        "an entry function's inputs and outputs are float, double or integers"
    )
    assert err.hints == (HINT,)


def test_invalid_long_specifiers_are_located():
    with pytest.raises(CompileError) as info:
        c_to_ir("double f(double x) { long long double y = x; return y; }", FrontendOptions())
    assert info.value.message == "invalid type specifier 'long long double'"
    assert (info.value.location.line, info.value.location.column) == (1, 22)
