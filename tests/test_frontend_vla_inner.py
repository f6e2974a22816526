"""Variably modified types: arrays with variable inner dimensions (`double t[n][m]`), pointers
to variable rows (`double (*row)[m]`), parameters `double a[n][m]` whose lengths are evaluated
on entry, block-scope typedefs, `sizeof`, conversions to and from rows of constant length, the
oracle's checks of all of it, and the declarations that stay refused."""

from __future__ import annotations

import re

import numpy as np
import pytest
from test_frontend_instrument import assert_strips_to_clean
from test_frontend_vla import BOUNDS, OK, ints, rows

from nsc.diagnostics import CompileError
from nsc.frontend import c_to_ir
from nsc.frontend.codegen.vla import MAX_VLA_BYTES

LOCAL = """
double f(int n, int m, int i, int j) {
    double t[n][m];
    for (int a = 0; a < n; a++)
        for (int b = 0; b < m; b++)
            t[a][b] = a * 10 + b;
    return t[i][j];
}
"""


def test_a_local_array_is_checked_in_each_dimension():
    n, m = ints(3, 3, 3, 3, 3, 3), ints(4, 4, 4, 4, 4, 4)
    i, j = ints(0, 2, 3, 1, -1, 0), ints(0, 3, 0, 4, 0, -1)
    status, values = rows(LOCAL, n=n, m=m, i=i, j=j)
    assert status == [OK, OK, BOUNDS, BOUNDS, BOUNDS, BOUNDS]  # t[1][4] stays in t: still 2
    assert values[:2] == [0.0, 23.0]


def test_lengths_that_are_not_positive_or_too_large_trap_where_declared():
    source = "double f(int n, int m) { double t[n][m]; t[0][0] = 1; return sizeof t; }"
    most = MAX_VLA_BYTES // 8
    n = ints(1, most, 0, 2, 1, 2, 1 << 16, 1 << 30)
    m = ints(most, 1, 2, -1, most + 1, most // 2 + 1, 1 << 16, 1 << 30)
    status, values = rows(source, n=n, m=m)
    assert status == [OK, OK] + [BOUNDS] * 6  # the product too: 2**16 * 2**16 does not wrap
    assert values[:2] == [MAX_VLA_BYTES, MAX_VLA_BYTES]


def test_row_pointers_are_checked_against_the_whole_array():
    source = """
    double f(int n, int m, int k, int j) {
        double t[n][m];
        for (int a = 0; a < n; a++)
            for (int b = 0; b < m; b++)
                t[a][b] = a * 10 + b;
        double (*row)[m] = t;
        row += k;
        return (*row)[j] + row[0][j];
    }
    """
    n, m = ints(3, 3, 3, 3, 3), ints(2, 2, 2, 2, 2)
    status, values = rows(source, n=n, m=m, k=ints(0, 2, 3, -1, 1), j=ints(1, 1, 0, 0, 2))
    assert status == [OK, OK, BOUNDS, BOUNDS, BOUNDS] and values[:2] == [2.0, 42.0]


def test_a_helper_checks_the_inner_dimension_of_its_parameter():
    source = """
    static double get(int n, int m, const double a[n][m], int i, int j) { return a[i][j]; }
    double f(const double x[3][4], int i, int j) { return get(3, 4, x, i, j); }
    """
    x = np.tile(np.arange(12, dtype=np.float64).reshape(3, 4), (4, 1, 1))
    status, values = rows(source, x=x, i=ints(0, 2, 1, 0), j=ints(0, 3, 4, -1))
    assert status == [OK, OK, BOUNDS, BOUNDS] and values[:2] == [0.0, 11.0]


def test_parameter_lengths_are_evaluated_on_entry():
    source = """
    static double g(int n, const double a[n][n]) {
        n = 1;   /* the rows of `a` keep the length they had on entry */
        return a[1][0] * 100 + sizeof a[0] + n;
    }
    double f(const double x[2][2]) { return g(2, x); }
    """
    x = np.array([[[1, 2], [3, 4]]], dtype=np.float64)
    assert rows(source, x=x) == ([OK], [300 + 16 + 1])


def test_a_typedef_keeps_the_length_it_was_declared_with():
    source = """
    long f(int k) {
        int m = k;
        typedef double Row[m];
        m = 1;
        Row r;
        r[k - 1] = 2;
        return sizeof r + 100 * sizeof(Row) + 10000 * (long)r[k - 1] + m;
    }
    """
    assert rows(source, k=ints(3, 5)) == ([OK, OK], [22425, 24041])


def test_sizes_are_computed_as_the_code_runs():
    source = """
    long f(int n, int m) {
        double t[n][m];
        double (*row)[m] = t;
        typedef double Row[m];
        return sizeof t + 1000 * sizeof t[0] + 100000 * sizeof(double[4][m])
            + 10000000 * sizeof *row
            + 1000000000L * (sizeof row + sizeof(double (*)[m]) + sizeof(Row[3]));
    }
    """
    expected = [48 + 24_000 + 9_600_000 + 240_000_000 + 88_000_000_000]
    expected.append(24 + 8_000 + 3_200_000 + 80_000_000 + 40_000_000_000)
    assert rows(source, n=ints(2, 3), m=ints(3, 1)) == ([OK, OK], expected)


def test_lengths_that_cannot_change_a_size_are_not_evaluated_as_gcc_does():
    # C99 6.7.5.2p5 leaves it unspecified; gcc evaluates `k++` only where it sizes the array
    source = """
    long f(int k) {
        long a = sizeof(double (*)[k++]) + 10 * sizeof(double (*[2])[k++]);
        long b = sizeof(double[k++]) + _Alignof(double[k++]) + _Alignof(long double[2][k++]);
        return a * 10000 + b * 100 + k;
    }
    """
    assert rows(source, k=ints(3, 1)) == ([OK, OK], [1684804, 1683202])


def test_a_cast_views_a_flat_array_as_rows_and_keeps_its_bounds():
    source = """
    double f(int m, int i, int j) {
        double flat[12];
        for (int a = 0; a < 12; a++)
            flat[a] = a;
        double (*g)[m] = (double (*)[m])flat;
        return g[i][j];
    }
    """
    m, i, j = ints(4, 4, 3, 4, 6), ints(2, 3, 3, 0, 1), ints(3, 0, 2, 4, 5)
    status, values = rows(source, m=m, i=i, j=j)
    assert status == [OK, BOUNDS, OK, BOUNDS, OK]
    assert [values[0], values[2], values[4]] == [11.0, 11.0, 11.0]


def test_rows_of_constant_and_variable_length_convert_to_each_other():
    source = """
    double f(int k) {
        double x[3][2] = {{1, 2}, {3, 4}, {5, 6}};
        int m = 2;
        double (*r)[m] = x;
        double (*c)[2] = r + 1;
        return c[1][k] + r[0][1];
    }
    """
    assert rows(source, k=ints(0, 1, 2))[0] == [OK, OK, BOUNDS]
    assert rows(source, k=ints(0, 1))[1] == [7.0, 8.0]


def test_a_loop_reuses_the_storage_of_a_two_dimensional_array():
    source = """
    double f(int n) {
        double s = 0;
        for (int i = 0; i < 100000; i++) {
            double t[n][n + i % 3];
            t[n - 1][n - 1] = i;
            s += t[n - 1][n - 1];
        }
        return s;
    }
    """
    assert rows(source, n=ints(40)) == ([OK], [sum(range(100000))])


def test_a_prototype_may_leave_the_lengths_unspecified():
    source = """
    static int g(int n, const double a[*][*]);
    static int g(int n, const double a[n][n]) { return (int)a[1][1]; }
    int f(const double x[2][2]) { return g(2, x); }
    """
    x = np.array([[[1, 2], [3, 4]]], dtype=np.float64)
    assert rows(source, x=x) == ([OK], [4])


ERRORS = [
    (
        "double f(int m, double (*a)[m]) {\n  return a[0][0];\n}",
        1,
        25,
        r"parameter 'a' of the entry has a variable inner dimension \('m'\)",
    ),
    (
        "#pragma nsc shape(a, 3, 3)\ndouble f(int m, double a[][m]) {\n  return a[0][0];\n}",
        2,
        24,
        r"parameter 'a' of the entry has a variable inner dimension \('m'\)",
    ),
    (
        "int n = 3;\ndouble (*gp)[n];\nint f(void) { return 0; }",
        2,
        14,
        r"variably modified type at file scope",
    ),
    (
        "int m = 2;\ntypedef double R[m];\nint f(void) { return 0; }",
        2,
        18,
        r"variably modified type at file scope",
    ),
    (
        "int f(int n) {\n  struct S { double (*p)[n]; } s;\n  return 0;\n}",
        2,
        26,
        r"a struct member cannot have a variably modified type",
    ),
    (
        "int f(int n) {\n  static double (*p)[n];\n  return 0;\n}",
        2,
        18,
        r"'p' has a variably modified type \('double\[n\] \*'\), which nsc does not support "
        "with static storage",
    ),
    (
        "int f(int n) {\n  goto in;\n  {\n    double (*p)[n];\n  in:\n    return 1;\n  }\n}",
        2,
        3,
        r"'goto in' jumps into the scope of 'p', which has a variably modified type",
    ),
    (
        "int f(int n) {\n  goto in;\n  {\n    typedef double R[n];\n  in:\n    return 1;\n  }\n}",
        2,
        3,
        r"'goto in' jumps into the scope of 'R', which has a variably modified type",
    ),
    (
        "int f(int n, int k) {\n  switch (k) {\n  case 0:;\n    double t[2][n];\n"
        "  case 1:\n    return 1;\n  }\n  return 0;\n}",
        5,
        3,
        r"'case' label jumps into the scope of variable-length array 't'",
    ),
    (
        "int f(int n, int k) {\n  switch (k) {\n  case 0:;\n    double (*p)[n] = 0;\n"
        "  default:\n    return 1;\n  }\n  return 0;\n}",
        5,
        3,
        r"'default' label jumps into the scope of 'p', which has a variably modified type",
    ),
    (
        "int f(int n) {\n  double t[][n] = {{1}};\n  return 0;\n}",
        2,
        21,
        r"variable-sized object may not be initialized",
    ),
    (
        "int f(int n) {\n  double t[2][n] = {{1}};\n  return 0;\n}",
        2,
        22,
        r"variable-sized object may not be initialized",
    ),
    (
        "int f(int n) {\n  double t[n][*];\n  return 0;\n}",
        2,
        15,
        r"'\[\*\]' is allowed only in a function prototype's parameters",
    ),
    (
        "static double g(int n, double a[][q]) { return 0; }\n"
        "double f(double x[2][2]) { return g(2, x); }",
        1,
        35,
        r"use of undeclared identifier 'q'",
    ),
    (
        "static double g(int n, double a[][n]) { return a[0][0]; }\n"
        "double f(double *x) { return g(2, x); }",
        2,
        35,
        r"incompatible pointer types: 'double \*' and 'double\[n\] \*'",
    ),
    (
        "int f(int n) {\n  double x[3][2];\n  double (*p)[n] = x;\n"
        "  switch (1) { case sizeof p[0]: return 1; }\n  return 0;\n}",
        4,
        28,
        r"the size of 'double\[n\]' is known only as the code runs",
    ),
]


@pytest.mark.parametrize("source, line, column, message", ERRORS)
def test_refused_declarations(source: str, line: int, column: int, message: str):
    with pytest.raises(CompileError) as info:
        c_to_ir(source, filename="bad.c")
    err = info.value
    assert (err.location.line, err.location.column) == (line, column), err.location
    assert re.search(message, err.message), err.message


def test_the_entry_parameter_error_suggests_a_helper():
    with pytest.raises(CompileError) as info:
        c_to_ir("double f(int n, int m, double a[n][m]) { return a[0][0]; }", filename="bad.c")
    assert any("g(4, 4, a)" in hint for hint in info.value.hints)


STRIPPED = [
    LOCAL,
    """
    #include <string.h>
    double f(int n, int m) {
        double s = 0;
        for (int i = 1; i <= n; i++) {
            double t[i][m];
            memset(t, 0, sizeof t);
            double (*row)[m] = t + i - 1;
            row[0][m - 1] = i;
            s += (*row)[m - 1] + sizeof *row + (row - t);
        }
        return s;
    }
    """,
    """
    static double sum(int n, int m, int k, const double v[n][m][k]) {
        double s = 0;
        for (const double (*p)[m][k] = v; p < v + n; p++)
            s += p[0][m - 1][k - 1];
        return s;
    }
    double f(const double x[2][3][4]) { return sum(2, 3, 4, x); }
    """,
]


@pytest.mark.parametrize("source", STRIPPED)
def test_stripped_checks_optimize_to_the_clean_lowering(source: str):
    assert_strips_to_clean(source, "t.c")


def test_rows_are_addressed_in_units_of_their_elements():
    source = """
    static double get(int m, double (*a)[m], int i, int j) { return a[i][j]; }
    double f(double x[2][3], int i, int j) { return get(3, x, i, j); }
    """
    clean = c_to_ir(source, filename="t.c").ir
    assert "__nsc" not in clean
    assert re.search(r"mul i64 %[\w.]+, %[\w.]+\n\s+%[\w.]+ = getelementptr double", clean)
