"""C99 complex numbers (`_Complex`, <complex.h>) in compiled code: gcc's layout, the IR the
operators and library calls lower to (libgcc's __muldc3/__divdc3, libm by the x86-64 C
convention), bit-identity with gcc -O0, the whole pipeline (passes, graph, fusion observer,
nscc, nsc exec), and the located errors for what stays refused."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import numpy as np
import pytest
from cli_checks import runs_through_the_pipeline

from nsc.diagnostics import CompileError
from nsc.frontend import FrontendOptions, c_to_ir
from nsc.ir.graph import build_graph
from nsc.ir.observe import instruction_nodes, observe
from nsc.ir.oracle import Oracle
from nsc.ir.passes import run_passes

PROGRAMS = Path(__file__).parent / "programs"
COMPLEX_PROGRAMS = sorted(PROGRAMS.glob("complex_*.c"))
needs_gcc = pytest.mark.skipif(shutil.which("gcc") is None, reason="needs gcc")


def ir_of(source: str, **options) -> str:
    return c_to_ir("#include <complex.h>\n" + source, FrontendOptions(**options), filename="t.c").ir


def run(source: str, **inputs) -> dict[str, np.ndarray]:
    compiled = c_to_ir(
        "#include <complex.h>\n#include <stddef.h>\n" + source,
        FrontendOptions(instrument=True),
        filename="t.c",
    )
    execution = Oracle(compiled.ir, compiled.signature).run(
        {name: np.asarray(value) for name, value in inputs.items()}
    )
    assert execution.status.tolist() == [0] * len(execution.status)
    return execution.outputs


# --- types and the IR -----------------------------------------------------------------------


def test_layout_is_gccs():
    outputs = run(
        """
        struct s { char c; double complex z; float complex w[3]; };
        void f(const double *x, long out[6]) {
            out[0] = sizeof(double complex) * 100 + _Alignof(double complex);
            out[1] = sizeof(float complex) * 100 + _Alignof(float complex);
            out[2] = sizeof(struct s);
            out[3] = offsetof(struct s, z) * 100 + offsetof(struct s, w);
            out[4] = sizeof(float _Complex[5]);
            out[5] = (long)*x;
        }
        """,
        x=np.array([1.0]),
    )
    assert outputs["out"].tolist() == [[1608, 804, 48, 824, 40, 1]]


def test_values_are_two_part_structs_and_products_call_libgcc():
    ir = ir_of(
        "double f(double x, double y) { double complex z = CMPLX(x, y), w = z * z / (z + 1);\n"
        "  float complex v = CMPLXF(x, y); v = v * v / v; return creal(w) + crealf(v); }"
    )
    assert "alloca { double, double }, align 8" in ir
    assert "alloca { float, float }" in ir
    assert "declare { double, double } @__muldc3(double, double, double, double)" in ir
    assert "declare { double, double } @__divdc3(double, double, double, double)" in ir
    assert "declare <2 x float> @__mulsc3(float, float, float, float)" in ir
    assert "declare <2 x float> @__divsc3(float, float, float, float)" in ir


def test_a_real_operand_stays_real():
    """gcc's front end: z * r, r * z, z / r, z + r and r - z need no libcall."""
    ir = ir_of(
        "double f(double x, double r) { double complex z = CMPLX(x, 1.0);\n"
        "  z = z * r + r * z + z / r + (z + r) + (r - z) + (z - 3); return creal(z); }"
    )
    assert "call" not in ir.split("define double @f", 1)[1]
    assert ir.count("fneg double") == 1  # r - z: (r - c, -d)


def test_real_over_complex_divides_with_a_positive_zero_imaginary_part():
    ir = ir_of("double f(double r, double y) { return cimag(r / CMPLX(1.0, y)); }")
    assert re.search(r"call \{ double, double \} @__divdc3\(double %\.\d+, double 0\.0+e\+00", ir)


def test_library_calls_follow_the_c_convention():
    ir = ir_of(
        "double f(double x) { double complex z = cexp(CMPLX(x, 1.0)) + cpow(x, 2.0);\n"
        "  float complex v = csqrtf(CMPLXF(x, 2.0f));\n"
        "  return cabs(z) + cabsf(v) + carg(z) + cargf(v) + creal(conj(z)) + cimagf(v); }"
    )
    assert "declare { double, double } @cexp(double, double)" in ir
    assert "declare { double, double } @cpow(double, double, double, double)" in ir
    assert "declare <2 x float> @csqrtf(<2 x float>)" in ir
    assert "declare double @cabs(double, double)" in ir
    assert "declare float @cabsf(<2 x float>)" in ir
    assert "declare double @atan2(double, double)" in ir  # carg, as gcc -O0 lowers it
    assert "declare float @atan2f(float, float)" in ir
    assert "@creal" not in ir and "@conj" not in ir and "@cimagf" not in ir


def test_the_oracle_computes_with_libgcc_and_libm():
    outputs = run(
        """
        void f(const double *x, double out[8]) {
            double complex a = CMPLX(1.0, 2.0) * *x, b = CMPLX(3.0, 4.0);
            double complex p = a * b, q = a / b, e = cexp(CMPLX(0.0, 3.141592653589793));
            out[0] = creal(p); out[1] = cimag(p); out[2] = creal(q); out[3] = cimag(q);
            out[4] = creal(e); out[5] = cabs(b); out[6] = (a == CMPLX(1.0, 2.0));
            out[7] = (_Bool)CMPLX(0.0, -0.0) + 2 * (_Bool)CMPLX(0.0, 1e-300);
        }
        """,
        x=np.array([1.0]),
    )
    q = (1 + 2j) / (3 + 4j)
    assert outputs["out"].tolist() == [[-5.0, 10.0, q.real, q.imag, -1.0, 5.0, 1.0, 2.0]]


def test_conversions_follow_c99():
    outputs = run(
        """
        void f(const double *x, double out[6]) {
            double complex z = CMPLX(*x, -2.75);
            float complex w = z;          /* both parts rounded to float */
            int n = z;                    /* the real part, truncated */
            double r = z * I;             /* the real part of the product */
            double complex from_int = -7; /* imaginary part +0.0 */
            out[0] = cimagf(w); out[1] = n; out[2] = r; out[3] = creal(from_int);
            out[4] = 1.0 / cimag(from_int); out[5] = -z == CMPLX(-*x, 2.75);
        }
        """,
        x=np.array([3.9]),
    )
    assert outputs["out"].tolist() == [[-2.75, 3.0, 2.75, -7.0, np.inf, 1.0]]


def test_static_objects_take_constant_initializers():
    ir = ir_of(
        "static const double complex a = CMPLX(1.5, -2), b = 3;\n"
        "static float complex c = CMPLXF(0.5, 0.25), zero;\n"
        "double f(double x) { return creal(a * x + b + c + zero); }"
    )
    assert "@a = internal constant { double, double } { double 1.5" in ir
    assert "double -2.000000e+00 }" in ir
    assert "@b = internal constant { double, double } { double 3.000000e+00, double 0.0" in ir
    assert "@c = internal global { float, float } { float 5.000000e-01, float 2.500000e-01 }" in ir
    assert "@zero = internal global { float, float } zeroinitializer" in ir


# --- against gcc ----------------------------------------------------------------------------


def test_there_are_complex_programs():
    assert len(COMPLEX_PROGRAMS) >= 3


@needs_gcc
@pytest.mark.parametrize("program", COMPLEX_PROGRAMS, ids=lambda p: p.stem)
def test_programs_are_bit_identical_with_gcc(program: Path, tmp_path: Path):
    """tests/test_differential.py allows an ulp; here nothing may differ."""
    from gcc_harness import compare

    result = compare(program, tmp_path, rows=64, seed=5, ulps=0)
    assert not result.problems, "\n".join(result.problems)


# --- the pipeline ---------------------------------------------------------------------------


@pytest.mark.parametrize("preset", ["O0", "O2"])
def test_passes_graph_and_observer_take_complex_values(preset: str):
    compiled = c_to_ir(PROGRAMS / "complex_newton.c", FrontendOptions())
    optimized = run_passes(compiled.ir, preset).module.text
    graph = build_graph(optimized, compiled.signature)
    rng = np.random.default_rng(0)
    inputs = {"x": rng.uniform(-1.5, 1.5, 16), "y": rng.uniform(-1.5, 1.5, 16)}
    observation = observe(optimized, compiled.signature, inputs)
    assert len(instruction_nodes(graph)) == len(observation.observed)
    assert observation.observed.any()


def test_nsc_exec_and_nscc_compile_a_program_using_complex(tmp_path: Path):
    runs_through_the_pipeline(
        PROGRAMS / "complex_dft.c", tmp_path, ["x=0.5", "y=1.25"], r"re = \[27\.62376787"
    )


# --- what stays refused ---------------------------------------------------------------------

HINT = "take the real and imaginary parts as doubles (or arrays of doubles) and return results the same way"
ENTRY_ERRORS = [
    (
        "double _Complex f(double x) { return x; }",
        1,
        17,
        r"the return value is a 'double _Complex'",
    ),
    ("double f(float _Complex z) { return z; }", 1, 25, r"parameter 'z' is a 'float _Complex'"),
    (
        "void f(const double *x, double complex *out) { *out = *x; }",
        1,
        41,
        r"parameter 'out' is a 'double _Complex'",
    ),
    (
        "double f(const double _Complex a[4]) { return a[0]; }",
        1,
        32,
        r"parameter 'a' is an array of complex numbers \('const double _Complex\[4\]'\)",
    ),
    (
        "struct s { int n; double complex v[2]; };\ndouble f(struct s a) { return a.n; }",
        2,
        19,
        r"parameter 'a' has type 'struct s', which holds a complex number \('v\[0\]'\)",
    ),
]


def _error(source: str) -> CompileError:
    with pytest.raises(CompileError) as info:
        c_to_ir("#include <complex.h>\n" + source, FrontendOptions(), filename="bad.c")
    return info.value


@pytest.mark.parametrize(("source", "line", "column", "message"), ENTRY_ERRORS)
def test_the_entry_signature_refuses_complex(source, line, column, message):
    err = _error(source)
    assert (err.location.file, err.location.line - 1, err.location.column) == (
        "bad.c",
        line,
        column,
    )
    assert re.search(message, err.message), err.message
    assert err.message.endswith("an entry function's inputs and outputs are real numbers")
    assert err.hints == (HINT,)


BODY = "double f(double x) {{ double _Complex z = x; {} return x; }}"
COLUMN = len("double f(double x) { double _Complex z = x; ") + 1
ERRORS = [
    (
        "long double _Complex w;",
        1,
        "'long double _Complex' is not supported; use 'double _Complex'",
    ),
    ("int _Complex w;", 1, "'_Complex' needs 'float' or 'double', not 'int'"),
    ("double _Complex _Complex w;", 1, "duplicate '_Complex'"),
    (
        "x = z < 1.0;",
        5,
        "invalid operands to binary < (have 'double _Complex' and 'double'): complex numbers "
        "are not ordered",
    ),
    ("x = z % 2;", 5, "invalid operands to binary % (have 'double _Complex' and 'int')"),
    ("z <<= 1;", 1, "invalid operands to binary << (have 'double _Complex' and 'int')"),
    ("z = ~z;", 6, "invalid argument type 'double _Complex' to unary '~'"),
    ("z++;", 1, "cannot increment a value of type 'double _Complex'"),
    ("double *p = (double *)z;", 13, "cannot cast 'double _Complex' to 'double *'"),
    (
        "z = z * 2.0L;",
        5,
        "'long double _Complex' is not supported (operands 'double _Complex' and 'long double')",
    ),
    (
        "z = __builtin_complex(x, 1.0f);",
        5,
        "__builtin_complex needs two arguments of one real floating type (have 'double' and "
        "'float')",
    ),
    ("z = cexp(z, z);", 5, "too many arguments to function 'cexp' (expected 1, have 2)"),
    (
        "static double _Complex s = (1.0 + I) * (2.0 - I);",
        29,
        "initializer element of type 'double _Complex' is not a constant nsc can fold",
    ),
    ("switch (z) { default: break; }", 9, "switch quantity is not an integer ('double _Complex')"),
]


@pytest.mark.parametrize(("statement", "offset", "message"), ERRORS)
def test_what_complex_code_may_not_do_is_located(statement: str, offset: int, message: str):
    err = _error(BODY.format(statement))
    assert (err.location.line, err.location.column) == (2, COLUMN + offset - 1)
    assert err.message == message
