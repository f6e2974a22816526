"""Variable-length arrays: local arrays sized as the code runs, checked per row by the oracle
(indexing, sizes, pointers into them, memory functions), `sizeof`, parameters `x[n]`, and the
declarations that stay refused."""

from __future__ import annotations

import re

import numpy as np
import pytest
from test_frontend_instrument import assert_strips_to_clean, run

from nsc.diagnostics import CompileError
from nsc.frontend import FrontendOptions, c_to_ir
from nsc.frontend.codegen.vla import MAX_VLA_BYTES

OK, BOUNDS = 0, 2


def rows(source: str, **inputs) -> tuple[list[int], list[float]]:
    result = run(source, 1_000_000, **inputs)
    return result.status.tolist(), result.outputs["return"].tolist()


def ints(*values: int) -> np.ndarray:
    return np.array(values, dtype=np.int32)


INDEXED = """
double f(int n, int k) {
    double t[n];
    for (int i = 0; i < n; i++)
        t[i] = 10.0 * i;
    return t[k];
}
"""


def test_indexing_is_checked_against_the_count_per_row():
    n, k = ints(4, 4, 4, 4, 1, 1, 6), ints(0, 3, 4, -1, 0, 1, 5)
    status, values = rows(INDEXED, n=n, k=k)
    assert status == [OK, OK, BOUNDS, BOUNDS, OK, BOUNDS, OK]
    assert values[1] == 30.0 and values[6] == 50.0


def test_counts_that_are_not_positive_or_too_large_trap_where_declared():
    most = MAX_VLA_BYTES // 8
    n = ints(0, -3, most, most + 1, 1 << 30, 2)
    status, _ = rows(INDEXED, n=n, k=ints(0, 0, 0, 0, 0, 1))
    assert status == [BOUNDS, BOUNDS, OK, BOUNDS, BOUNDS, OK]


def test_one_past_the_end_may_be_formed_but_not_read():
    source = """
    long f(int n, int k) {
        int t[n];
        int *end = &t[n];
        int *at = &t[k];
        return end - at;
    }
    """
    status, values = rows(source, n=ints(3, 3, 3), k=ints(3, 4, 0))
    assert status == [OK, BOUNDS, OK] and values[0] == 0 and values[2] == 3


def test_sizeof_is_computed_as_the_code_runs():
    source = """
    long f(int n) {
        double t[n];
        short m[n + 1][3];
        return sizeof t * 1000000 + sizeof m * 1000 + sizeof(int[2 * n]) + 0 * sizeof t[0];
    }
    """
    status, values = rows(source, n=ints(1, 5))
    assert status == [OK, OK]
    assert values == [8 * 1000000 + 12 * 1000 + 8, 40 * 1000000 + 36 * 1000 + 40]


def test_arrays_in_nested_blocks_and_loops_keep_their_own_counts():
    source = """
    double f(int n, int k) {
        double s = 0;
        {
            double inner[n + 2];
            inner[n + 1] = 1.5;
            s += inner[n + 1];
        }
        for (int i = 1; i <= n; i++) {
            int row[i];
            for (int j = 0; j < i; j++)
                row[j] = j;
            s += row[i - 1] + sizeof row;
            if (i == n)
                s += row[k];   /* k == i is one past this iteration's array */
        }
        return s;
    }
    """
    status, values = rows(source, n=ints(3, 3, 3), k=ints(2, 3, 0))
    expected = 1.5 + (0 + 4) + (1 + 8) + (2 + 12)
    assert status == [OK, BOUNDS, OK]
    assert values[0] == expected + 2 and values[2] == expected


def test_a_loop_reuses_the_storage_instead_of_growing_the_stack():
    source = """
    double f(int n) {
        double s = 0;
        for (int i = 0; i < 200000; i++) {
            double t[n + i % 5];
            t[0] = i;
            s += t[0];
        }
        return s;
    }
    """
    status, values = rows(source, n=ints(4000))  # 32 KB a time: 6 GB if it were not reused
    assert status == [OK] and values == [sum(range(200000))]


def test_pointers_into_the_array_carry_its_bounds():
    source = """
    double f(int n, int k) {
        double t[n];
        for (int i = 0; i < n; i++)
            t[i] = i + 0.5;
        double *p = t;
        p += k;
        return *p;
    }
    """
    status, values = rows(source, n=ints(4, 4, 4, 4), k=ints(0, 3, 4, -1))
    assert status == [OK, OK, BOUNDS, BOUNDS] and values[:2] == [0.5, 3.5]


def test_memory_functions_are_checked_against_the_dynamic_size():
    source = """
    #include <string.h>
    double f(int n, int k) {
        double t[n];
        memset(t, 0, sizeof t);
        double u[n];
        memcpy(u, t, k * sizeof(double));
        double *p = t + 1;
        memset(p, 0, k * sizeof(double));
        memmove(&t[1], t, (n - 1) * sizeof t[0]);
        return u[0] + t[n - 1];
    }
    """
    status, _ = rows(source, n=ints(4, 4, 4, 4), k=ints(0, 3, 4, 5))
    assert status == [OK, OK, BOUNDS, BOUNDS]


def test_a_moved_pointer_into_a_fixed_array_checks_memset_too():
    source = """
    #include <string.h>
    int f(int k) {
        int v[6] = {1, 2, 3, 4, 5, 6};
        int *p = v;
        p += 2;
        memset(p, 0, k * sizeof(int));
        return v[5];
    }
    """
    status, values = rows(source, k=ints(0, 4, 5))
    assert status == [OK, OK, BOUNDS] and values[:2] == [6, 0]


def test_variable_length_parameters_are_pointers():
    source = """
    static double total(int n, const double a[static n]) {
        double s = 0;
        for (int i = 0; i < n; i++)
            s += a[i];
        return s;
    }
    double sum3(const double x[3]);
    double sum3(const double x[3]) { return total(3, x); }
    """
    compiled = c_to_ir(source, FrontendOptions(instrument=True), filename="t.c")
    assert [p.name for p in compiled.signature.params] == ["x"]


def test_an_entry_parameter_of_variable_length_is_checked_against_its_shape_pragma():
    source = """
    #pragma nsc shape(x, 4)
    double f(int n, int k, const double x[n]) { return x[k]; }
    """
    x = np.tile(np.arange(4, dtype=np.float64), (3, 1))
    status, values = rows(source, n=ints(4, 4, 4), k=ints(3, 4, -1), x=x)
    assert status == [OK, BOUNDS, BOUNDS] and values[0] == 3.0


@pytest.mark.parametrize(
    "source, line, column, message",
    [
        (
            "int f(int n) {\n  int t[n] = {0};\n  return t[0];\n}",
            2,
            15,
            r"variable-sized object may not be initialized",
        ),
        (
            "double f(int n, int m, double a[n][m]) {\n  return a[0][0];\n}",
            1,
            31,
            r"parameter 'a' of the entry has a variable inner dimension \('m'\)",
        ),
        (
            "int f(int n) {\n  static int t[2][n];\n  return t[0][0];\n}",
            2,
            14,
            r"variable-length array 't' cannot have static storage",
        ),
        (
            "int f(int n) {\n  static int t[n];\n  return t[0];\n}",
            2,
            14,
            r"variable-length array 't' cannot have static storage",
        ),
        (
            "int n = 3;\nint g[n];\nint f(void) { return g[0]; }",
            2,
            7,
            r"variably modified type at file scope: the length 'n' is not a constant",
        ),
        (
            "int f(int n) {\n  struct S { int v[n]; } s;\n  return 0;\n}",
            2,
            20,
            r"a struct member cannot have a variably modified type",
        ),
        (
            "int f(int n, double x[q]) {\n  return n;\n}",
            1,
            23,
            r"use of undeclared identifier 'q'",
        ),
        (
            "int f(int n, int k) {\n  switch (k) {\n  case 0:;\n    int t[n];\n"
            "  case 1:\n    return 1;\n  }\n  return 0;\n}",
            5,
            3,
            r"'case' label jumps into the scope of variable-length array 't'",
        ),
        (
            "int f(int n) {\n  goto in;\n  {\n    int t[n];\n  in:\n    return 1;\n  }\n}",
            2,
            3,
            r"'goto in' jumps into the scope of variable-length array 't'",
        ),
        (
            "int f(int n) {\n  for (int t[n]; n > 0; n--)\n    ;\n  return 0;\n}",
            2,
            12,
            r"cannot be declared in a 'for' statement's first clause",
        ),
        (
            "double f(int n, double x[n]) {\n  return x[0];\n}",
            1,
            24,
            r"parameter 'x' of the entry has a variable length \('n'\)",
        ),
    ],
)
def test_refused_declarations(source: str, line: int, column: int, message: str):
    with pytest.raises(CompileError) as info:
        c_to_ir(source, filename="bad.c")
    err = info.value
    assert (err.location.line, err.location.column) == (line, column), err.location
    assert re.search(message, err.message), err.message


def test_the_entry_parameter_error_suggests_a_shape_pragma():
    with pytest.raises(CompileError) as info:
        c_to_ir("double f(int n, double x[n]) { return x[0]; }", filename="bad.c")
    assert any("#pragma nsc shape(x, N)" in hint for hint in info.value.hints)


def test_a_case_inside_the_arrays_own_block_is_allowed():
    source = """
    int f(int n, int k) {
        switch (k) {
        case 0: {
            int t[n];
            t[0] = 7;
            return t[0];
        }
        case 1:
            return 1;
        }
        return 0;
    }
    """
    status, values = rows(source, n=ints(2, 2), k=ints(0, 1))
    assert status == [OK, OK] and values == [7, 1]


STRIPPED = [
    INDEXED,
    """
    #include <string.h>
    double f(int n, int k) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            double t[i + 1];
            memset(t, 0, sizeof t);
            double *p = t;
            p[i] = i;
            s += *(p + i) + sizeof(double[k + 1]);
        }
        return s;
    }
    """,
    """
    long f(int n) {
        int again = 0;
    top:;
        long m[n][2];
        m[n - 1][1] = n;
        if (++again < 3)
            goto top;
        return m[n - 1][1] + sizeof m;
    }
    """,
]


@pytest.mark.parametrize("source", STRIPPED)
def test_stripped_checks_optimize_to_the_clean_lowering(source: str):
    assert_strips_to_clean(source, "t.c")


def test_clean_ir_has_no_checks_and_allocates_on_the_stack():
    clean = c_to_ir(INDEXED, filename="t.c").ir
    assert "__nsc" not in clean
    assert re.search(r"alloca double, i64 %", clean)
