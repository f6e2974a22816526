"""Dynamic bounds: reads and writes through local pointers that move (`p++`, `p += k`, `p = q`)
are checked against the object the pointer was last set to point into, per row."""

from __future__ import annotations

import numpy as np
import pytest
from test_frontend_instrument import assert_strips_to_clean, optimized, run

from nsc.frontend import FrontendOptions, c_to_ir, parse_c
from nsc.frontend.codegen.instrument import SHADOW, strip_checks
from nsc.frontend.lower import lower_parsed

OK, BOUNDS = 0, 2


def statuses_and_values(source: str, **inputs) -> tuple[list[int], np.ndarray]:
    result = run(source, 10_000, **inputs)
    return result.status.tolist(), result.outputs["return"]


def assert_rows(source: str, k: np.ndarray, expected: dict[int, float | None]) -> None:
    """Row by row: the value for an in-range `k`, the bounds status where `expected` is None."""
    status, values = statuses_and_values(source, k=k)
    for row, key in enumerate(k.tolist()):
        want = expected[key]
        if want is None:
            assert status[row] == BOUNDS, f"k={key}: status {status[row]}, not out of bounds"
        else:
            assert status[row] == OK and values[row] == want, f"k={key}: {values[row]}"


K = np.arange(-3, 8, dtype=np.int32)

MOVED_BY_PLUS_EQUALS = """
double f(int k) {
    double v[3] = {1, 2, 3};
    const double *p = v;
    p += 1;
    return p[k];
}
"""


def test_a_pointer_moved_by_plus_equals_is_checked_as_the_array_would_be():
    assert_rows(MOVED_BY_PLUS_EQUALS, K, {k: (k + 2.0 if -1 <= k <= 1 else None) for k in K})


def test_a_dereference_after_increments_past_the_end_traps():
    source = """
    double f(int k) {
        double v[4] = {10, 20, 30, 40};
        const double *p = v;
        for (int i = 0; i < k; i++)
            p++;
        return *p;
    }
    """
    k = np.arange(0, 7, dtype=np.int32)
    assert_rows(source, k, {i: (10.0 * (i + 1) if i < 4 else None) for i in range(7)})


def test_a_walk_to_one_past_the_end_compares_without_trapping():
    source = """
    double f(int k) {
        double v[4] = {1, 2, 3, 4};
        double s = 0;
        const double *p;
        for (p = v; p < v + 4; p++)
            s += *p;
        return s + (p == v + 4) * 100 + *(p - 1 - k);
    }
    """
    assert_rows(source, K, {k: (110.0 + 4 - k if 0 <= k <= 3 else None) for k in K})


def test_writes_through_a_moved_pointer_and_sum_dereferences_are_checked():
    source = """
    double f(int k) {
        double v[4] = {0, 0, 0, 0};
        double *p = v + 1;
        p++;
        *(p + k) = 5;
        return v[0] + v[1] * 10 + v[2] * 100 + v[3] * 1000;
    }
    """
    expected = {k: (5.0 * 10 ** (k + 2) if -2 <= k <= 1 else None) for k in K}
    assert_rows(source, K, expected)


def test_a_pointer_swapped_between_arrays_takes_the_bound_of_each():
    source = """
    double f(int k) {
        double a[2] = {1, 2};
        double b[5] = {10, 20, 30, 40, 50};
        const double *p = a, *q = b, *t;
        t = p; p = q; q = t;
        return p[k] + q[k > 1 ? 0 : k] * 1000;
    }
    """
    expected = {k: (10.0 * (k + 1) + 1000 * (k + 1 if k <= 1 else 1)) for k in range(5)}
    expected.update({k: None for k in K if k < 0 or k >= 5})
    assert_rows(source, K, expected)


def test_a_pointer_chosen_by_a_conditional_takes_the_chosen_bound():
    source = """
    double f(int k) {
        double a[2] = {1, 2};
        double b[6] = {10, 20, 30, 40, 50, 60};
        const double *p = k > 2 ? b : a;
        p++;
        return p[k - 2];
    }
    """
    expected = {k: None for k in K}
    expected.update({1: 1.0, 2: 2.0, 3: 30.0, 4: 40.0, 5: 50.0, 6: 60.0})
    assert_rows(source, K, expected)


def test_a_pointer_into_a_row_is_bounded_by_the_whole_array():
    """`&m[0][0]` may walk all of `m` (the flat-view idiom); only leaving `m` traps."""
    source = """
    double f(int k) {
        double m[3][4];
        for (int i = 0; i < 12; i++)
            m[i / 4][i % 4] = i;
        const double *r = m[1];
        r += 1;
        return r[k];
    }
    """
    k = np.arange(-7, 9, dtype=np.int32)
    assert_rows(source, k, {i: (5.0 + i if -5 <= i <= 6 else None) for i in range(-7, 9)})


def test_a_moved_pointer_to_rows_is_checked_row_by_row():
    source = """
    double f(int k) {
        double m[3][4];
        for (int i = 0; i < 12; i++)
            m[i / 4][i % 4] = i;
        double (*row)[4] = m;
        row++;
        return row[k][3] + (*row)[0] * 100;
    }
    """
    k = np.arange(-2, 4, dtype=np.int32)
    assert_rows(source, k, {-2: None, -1: 403.0, 0: 407.0, 1: 411.0, 2: None, 3: None})


def test_a_pointer_into_a_struct_array_member_is_bounded_by_the_member():
    source = """
    struct S { double v[3]; double w; };
    double f(int k) {
        struct S s = {{1, 2, 3}, 4};
        const double *p = s.v;
        p++;
        return p[k];
    }
    """
    assert_rows(source, K, {k: (k + 2.0 if -1 <= k <= 1 else None) for k in K})


def test_a_moved_entry_parameter_keeps_its_declared_extent():
    source = """
    double f(const double a[4], int k) {
        a += 1;
        return a[k];
    }
    """
    a = np.tile(np.array([1, 2, 3, 4], np.float64), (len(K), 1))
    status, values = statuses_and_values(source, a=a, k=K)
    for row, k in enumerate(K.tolist()):
        if -1 <= k <= 2:
            assert status[row] == OK and values[row] == k + 2.0
        else:
            assert status[row] == BOUNDS


def test_a_pointer_whose_address_is_taken_is_not_checked_by_a_stale_bound():
    """`*pp = b` changes `p` behind its shadow's back: `p` gets no dynamic bound at all."""
    source = """
    double f(int k) {
        double a[2] = {1, 2};
        double b[6] = {10, 20, 30, 40, 50, 60};
        const double *p = a;
        const double **pp = &p;
        *pp = b;
        p++;
        return p[k];
    }
    """
    k = np.arange(0, 5, dtype=np.int32)
    status, values = statuses_and_values(source, k=k)
    assert status == [OK] * 5 and values.tolist() == [20.0, 30.0, 40.0, 50.0, 60.0]


# --- the clean module: the shadows leave nothing behind ---------------------------------------

CLEAN_SOURCES = {
    "plus_equals": "#pragma nsc range(k, 0, 1)\n" + MOVED_BY_PLUS_EQUALS,
    "walk_and_swap": """
    #pragma nsc range(n, 0, 4)
    double f(const double x[4], int n) {
        double a[3] = {1, 2, 3};
        const double *p, *q = a, *t;
        double s = 0;
        for (p = x; p < x + n; p++) s += *p;
        t = p; p = q; q = t;
        s += p[1] + *(q - 1);
        const double *r = n > 2 ? x + 1 : a;
        return s + *++r;
    }
    """,
    "rows": """
    #pragma nsc range(i, 0, 2)
    float f(const float m[3][4], int i) {
        float (*row)[4] = (float (*)[4])m;
        row += i;
        const float *r = m[i];
        r++;
        return row[0][1] + *r;
    }
    """,
}


@pytest.mark.parametrize("name", sorted(CLEAN_SOURCES))
def test_stripped_shadows_optimize_to_the_clean_lowering(name: str):
    source = CLEAN_SOURCES[name]
    assert_strips_to_clean(source, f"{name}.c")
    parsed = parse_c(source, FrontendOptions(), filename=f"{name}.c")
    checked = lower_parsed(parsed, instrument=True).ir
    assert f"%{SHADOW}" in checked  # the program does use dynamic bounds
    stripped = strip_checks(checked)
    assert stripped is not None and "__nsc" not in stripped
    clean = lower_parsed(parsed, instrument=False)
    assert "__nsc" not in clean.ir
    entry = clean.signature.entry
    assert optimized(stripped, entry) == optimized(clean.ir, entry)


def test_the_clean_lowering_has_no_shadows():
    compiled = c_to_ir(CLEAN_SOURCES["walk_and_swap"], filename="t.c")
    assert SHADOW not in compiled.ir and "ptrtoint" not in compiled.ir


def test_a_pointer_to_a_scalar_member_may_stride_through_its_array_of_structs():
    """`&pts[0].x` walked 3 floats at a time stays in `pts`; leaving `pts` traps."""
    source = """
    struct P { float x, y, z; };
    double f(int k) {
        struct P pts[3] = {{1, 2, 3}, {4, 5, 6}, {7, 8, 9}};
        const float *px = &pts[0].x;
        px += 3 * k;
        return *px;
    }
    """
    k = np.arange(-1, 5, dtype=np.int32)
    assert_rows(source, k, {-1: None, 0: 1.0, 1: 4.0, 2: 7.0, 3: None, 4: None})
