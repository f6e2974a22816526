"""C11 `_Generic` and nsc's <tgmath.h>: which association is selected, that the controlling
expression is never evaluated, selections in constant expressions, the functions <tgmath.h>'s
macros call, and the located errors. (tests/programs/generic_dispatch.c, tgmath_float.c and
tgmath_double.c run the same against gcc.)"""

from __future__ import annotations

import re

import numpy as np
import pytest
from test_frontend_errors import compile_error, where
from test_frontend_instrument import run

from nsc.data.fastpp import preprocess_plain
from nsc.frontend import FrontendOptions, c_to_ir
from nsc.frontend.preprocess import preprocess


def ir_of(source: str) -> str:
    return c_to_ir(source, FrontendOptions(), filename="g.c").ir


def value(source: str, **inputs) -> list:
    result = run(source, 1_000_000, **{k: np.asarray(v) for k, v in inputs.items()})
    assert result.ok.all()
    return result.outputs["return"].tolist()


def test_qualifiers_are_dropped_from_the_controlling_type_but_not_from_associations():
    source = """
    int f(int k) {
        const int c = k;
        const char *p = "x";
        return _Generic(c, const int: 1, int: 2) * 100
            + _Generic(c, volatile int: 3, default: 4) * 10
            + _Generic(p, char *: 5, const char *: 6);
    }
    """
    assert value(source, k=np.int32([1])) == [246]


def test_arrays_and_functions_decay_and_literals_have_their_c_types():
    source = """
    static double half(double x) { return x / 2; }
    int f(int k) {
        double v[2] = {1, 2};
        return _Generic(v, double *: 1, default: 0) + _Generic(half, double (*)(double): 10)
            + _Generic("ab", char *: 100) + _Generic('a', int: 1000)
            + _Generic(2LL, long: 0, long long: 10000) + _Generic(1 < k, int: 100000);
    }
    """
    assert value(source, k=np.int32([2])) == [111111]


def test_the_controlling_expression_is_not_evaluated():
    source = """
    static int calls;
    static int bump(void) { calls++; return 1; }
    int f(int k) { int r = _Generic(bump(), int: k++, default: 0); return r * 10 + k + calls; }
    """
    ir = ir_of(source)
    assert "call i32 @bump" not in ir
    assert value(source, k=np.int32([4])) == [45]


def test_selections_in_constant_expressions_and_as_lvalues():
    source = """
    static double g;
    enum { SIZE = _Generic(g, double: 3, default: 1) };
    static const int table[_Generic(1.0f, float: SIZE, default: 1)] = {7, 8, 9};
    static const long kind = _Generic(1u, unsigned: 5, default: 6);
    double f(int k) {
        double a = 0, b = 0;
        _Generic(k, int: a, default: b) = 2.5;
        switch (k) { case _Generic(k, int: 1, default: 2): return -1; }
        return a * 100 + b + table[k % SIZE] + kind * 1000 + sizeof(_Generic(k, int: g));
    }
    """
    assert value(source, k=np.int32([0, 1, 2])) == [5265.0, -1.0, 5267.0]


def test_a_call_through_a_selection_calls_the_selected_function_directly():
    source = """
    static float twice_f(float x) { return 2 * x; }
    static double twice(double x) { return 2 * x; }
    #define TWICE(x) _Generic((x), float: twice_f, default: twice)(x)
    double f(float x, double y) { return TWICE(x) + TWICE(y); }
    """
    ir = ir_of(source)
    assert "call float @twice_f(float" in ir and "call double @twice(double" in ir
    assert value(source, x=np.float32([1.5]), y=np.float64([0.25])) == [3.5]


TGMATH = """
#include <tgmath.h>
float f(float x, double y, int n) {
    return sqrt(x) + sin(x) + pow(x, x) + pow(x, n) + fma(x, x, x) + fma(x, x, y)
        + atan2(x, 2.0f) + fabs(n) + tan(y) + ldexp(x, n) + hypot(x, 1.0);
}
"""


def test_tgmath_calls_the_float_function_only_when_every_argument_is_a_float():
    calls = re.findall(r"call (\w+) @([\w.]+)\(", ir_of(TGMATH))
    assert calls == [
        ("float", "llvm.sqrt.f32"),
        ("float", "llvm.sin.f32"),
        ("float", "llvm.pow.f32"),
        ("double", "llvm.pow.f64"),  # an int argument counts as a double
        ("float", "llvm.fma.f32"),
        ("double", "llvm.fma.f64"),
        ("float", "atan2f"),
        ("double", "llvm.fabs.f64"),  # an integer argument: the double function
        ("double", "tan"),
        ("float", "ldexpf"),  # generic in the first argument only
        ("double", "hypot"),
    ]


def test_tgmath_macros_leave_function_names_alone():
    source = "#include <tgmath.h>\ndouble f(double x) { double (*g)(double) = sqrt; return g(x); }"
    assert "ptr @sqrt" in ir_of(source)


BAD = [
    (
        "int f(int x) {\n  return _Generic(x, float: 1, double: 2);\n}",
        2,
        19,
        r"'_Generic' selector of type 'int' is not compatible with any association",
    ),
    (
        "int f(char *p) { return _Generic(p, const char *: 1); }",
        1,
        34,
        r"selector of type 'char \*' is not compatible",
    ),
    (
        "int f(int x) { return _Generic(x, int: 1, signed int: 2); }",
        1,
        43,
        r"'_Generic' specifies two compatible types",
    ),
    (
        "int f(int x) { return _Generic(x, int[]: 1, default: 2); }",
        1,
        35,
        r"'_Generic' association has incomplete type",
    ),
    (
        "int f(int x) { return _Generic(x, default: 1, default: 2); }",
        1,
        47,
        r"duplicate 'default' case in '_Generic'",
    ),
    (
        "struct S;\nint f(int x) { return _Generic(x, struct S: 1, default: 2); }",
        2,
        35,
        r"'_Generic' association has incomplete type",
    ),
    (
        "int f(int x) { return _Generic(x, int(void): 1, default: 2); }",
        1,
        35,
        r"'_Generic' association has function type",
    ),
    (
        "enum E { A };\nenum F { B };\n"
        "int f(unsigned x) { return _Generic(x, enum E: 1, enum F: 2); }",
        3,
        51,
        r"'_Generic' selector matches multiple associations",
    ),
    (
        "int f(int x) { return _Generic(y, int: 1, default: 2); }",
        1,
        32,
        r"use of undeclared identifier 'y'",
    ),
]


@pytest.mark.parametrize(("source", "line", "column", "message"), BAD)
def test_refused_with_a_location(source: str, line: int, column: int, message: str):
    err = compile_error(source)
    assert where(err) == ("bad.c", line, column)
    assert re.search(message, err.message), err.message
    if "two compatible" in message or "duplicate" in message:
        assert err.hints and "bad.c:1:35" in err.hints[0]
    if "multiple" in message:
        assert err.hints and "bad.c:3:40" in err.hints[0]


def test_an_enum_without_negative_values_is_selected_as_unsigned_int_as_in_gcc():
    source = """
    enum level { LOW, HIGH };
    enum sign { MINUS = -1, PLUS };
    typedef enum { RED, GREEN } colour;
    #define INTS(e) _Generic((e), int: 1, unsigned: 2, default: 3)
    int f(int k) {
        enum level lv = HIGH;
        enum sign sg = PLUS;
        colour c = RED;
        return INTS(lv) + INTS(sg) * 10 + INTS(c) * 100 + INTS(HIGH) * 1000
            + _Generic(&lv, unsigned *: 1, default: 2) * 10000
            + _Generic(k, colour: 1, default: 2) * 100000;
    }
    """
    assert value(source, k=np.int32([0])) == [211212]  # gcc -O0 computes the same
    err = compile_error(
        "typedef enum { A } E;\nint f(int x) { return _Generic(x, E: 1, unsigned: 2); }"
    )
    assert where(err) == ("bad.c", 2, 41)
    assert err.message == "'_Generic' specifies two compatible types"


def test_a_conditional_beside_a_null_pointer_has_the_other_pointer_type():
    source = """
    #include <stddef.h>
    #define KIND(e) _Generic((e), int *: 1, const int *: 2, void *: 3, default: 4)
    int f(int k) {
        int a[3] = {k, 2 * k, 3 * k};
        int *p = a;
        const int *c = a;
        void *v = a;
        return KIND(k ? NULL : p) + KIND(k ? p : c) * 10 + KIND(k ? v : p) * 100
            + *(k >= 0 ? p : NULL) * 1000 + (k < 0 ? NULL : p)[2] * 10000;
    }
    """
    assert value(source, k=np.int32([0, 2])) == [321, 62321]  # gcc -O0 computes the same


def test_a_tgmath_macro_with_a_wrong_argument_names_the_function_it_selected():
    err = compile_error("#include <tgmath.h>\ndouble f(double *p) {\n  return sqrt(p);\n}")
    # the line is the user's; a column inside a macro's expansion counts in cpp's output
    assert where(err)[:2] == ("bad.c", 3)
    assert err.message == "cannot convert 'double *' to 'double' in argument 1 of 'sqrt'"


def test_the_fast_preprocessor_leaves_tgmath_macros_to_cpp():
    calls = "#include <tgmath.h>\ndouble f(double x) {\n    return sqrt(x) * M_PI;\n}\n"
    assert preprocess_plain(calls, "a.c") is None  # a function-like macro: cpp expands it
    plain = calls.replace("sqrt(x)", "x")
    cpp = preprocess(plain, "a.c")
    assert preprocess_plain(plain, "a.c") == cpp[cpp.index('# 1 "a.c"\n') :]
