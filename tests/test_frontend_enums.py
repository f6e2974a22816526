"""Enumerated types as gcc types them (`nsc.frontend.enums`): the enum's integer type chosen from
its range, the types of its constants, the entry signature of an enum parameter, `_Generic` and
the located errors. (tests/programs/enum_types.c runs the same against gcc.)"""

from __future__ import annotations

import re

import numpy as np
import pytest
from test_frontend_errors import compile_error, where
from test_frontend_instrument import run

from nsc.frontend import FrontendOptions, c_to_ir
from nsc.frontend.ctypes import INT, LLONG, LONG, UINT, ULLONG, ULONG
from nsc.frontend.enums import constant_type, enum_type, next_value

# gcc 12 -std=c99 on x86-64, read with `_Generic` and `sizeof`.
RANGES = [
    ((0, 1), UINT),
    ((0, 0x7FFFFFFF), UINT),
    ((0, 0xFFFFFFFF), UINT),
    ((-1, 0), INT),
    ((-(2**31), 2**31 - 1), INT),
    ((-1, 2**31), LONG),
    ((-(2**31) - 1, 0), LONG),
    ((0, 2**32), ULONG),
    ((0, 2**64 - 1), ULONG),
    ((-1, 2**63), None),  # gcc: "enumeration values exceed range of largest integer"
]


@pytest.mark.parametrize(("span", "expected"), RANGES)
def test_the_integer_type_of_an_enum_follows_its_range(span, expected):
    assert enum_type(*span) == expected


def test_a_constant_is_int_when_it_fits_else_its_value_type_at_32_or_64_bits():
    assert constant_type(5, ULLONG) == INT
    assert constant_type(2**31, UINT) == UINT
    assert constant_type(2**31, LONG) == LONG
    assert constant_type(2**32, LLONG) == LONG  # `long` before `long long`, as gcc
    assert constant_type(2**64 - 1, ULLONG) == ULONG
    assert next_value(2**31 - 1, INT) is None
    assert next_value(2**32 - 1, UINT) is None
    assert next_value(2**32 - 2, UINT) == 2**32 - 1


def value(source: str, **inputs) -> list:
    result = run(source, 1_000_000, **{k: np.asarray(v) for k, v in inputs.items()})
    assert result.ok.all()
    return result.outputs["return"].tolist()


KIND = """
#define KIND(e) _Generic((e), int: 1, unsigned int: 2, long: 3, unsigned long: 4, default: 0)
enum small { S0, S1 };
enum sign { MINUS = -1, PLUS };
enum huge { H0 = 0x80000000, H1 = H0 * 2 };
enum wide { W0 = 2147483648, W1 = W0 * 2 };
enum mixed { M0 = -1, M1 = 3000000000 };
"""


def test_objects_and_constants_have_gccs_types():
    source = (
        KIND
        + """
    long f(int k) {
        enum small s = k; enum sign g = k; enum wide w = k; enum mixed m = k;
        return KIND(s) + KIND(g) * 10 + KIND(w) * 100 + KIND(m) * 1000
            + KIND(S1) * 10000 + KIND(H0) * 100000 + KIND(H1) * 1000000
            + KIND(W0) * 10000000 + KIND(M1) * 100000000 + KIND(s + 0) * 1000000000L;
    }
    """
    )
    assert value(source, k=np.int32([0])) == [2341213412]  # gcc -O0 computes the same


def test_an_enum_computes_as_its_integer_type():
    source = """
    enum e { A, B };
    double f(int k) { enum e v = k - 1; return v * 1.5 + (v > -1) + (H(v) == 1) * 0.25; }
    """.replace("H(v)", "_Generic(v + 0, unsigned: 1, default: 0)")
    assert value(source, k=np.int32([0, 2])) == [6442450942.75, 1.75]  # as gcc -O0


def test_distinct_enums_are_distinct_types_in_generic():
    source = """
    enum a { A0 }; enum b { B0 }; enum n { N0 = -1 };
    int f(int k) {
        enum a x = k; enum b y = k;
        return _Generic(x, enum a: 1, enum b: 2) + _Generic(y, enum a: 1, enum b: 2) * 10
            + _Generic(A0, enum a: 1, default: 2) * 100 + _Generic(N0, enum n: 1, default: 2) * 1000
            + _Generic(&x, unsigned *: 1, default: 2) * 10000;
    }
    """
    assert value(source, k=np.int32([0])) == [11221]  # gcc -O0 computes the same


def test_an_enum_parameter_of_the_entry_has_its_integer_dtype():
    source = """
    enum small { S0, S1 }; enum sign { MINUS = -1 }; enum wide { W = 0x100000000 };
    typedef enum { RED, GREEN } colour;
    double f(enum small s, enum sign g, enum wide w, colour c) { return s + g + w + c; }
    """
    sig = c_to_ir(source, FrontendOptions(), filename="e.c").signature
    dtypes = [sig.input(name).dtype for name in ("s", "g", "w", "c")]
    assert dtypes == ["uint32", "int32", "uint64", "uint32"]


BAD = [
    ("enum E { A = 0x7fffffff, B };\nint f(int x) { return x + A; }", 1, 26, "overflow"),
    ("enum E { A = 0xffffffffu, B };\nint f(int x) { return x + A; }", 1, 27, "overflow"),
    (
        "enum E { A = -1, B = 0x8000000000000000 };\nint f(int x) { return x + A; }",
        1,
        18,
        r"enumerator value 9223372036854775808 of 'B' puts the enumeration out of the range",
    ),
    ("enum E { A = 1.5 };\nint f(int x) { return x + A; }", 1, 14, "must be an integer"),
]


@pytest.mark.parametrize(("source", "line", "column", "message"), BAD)
def test_refused_with_a_location(source: str, line: int, column: int, message: str):
    err = compile_error(source)
    assert where(err) == ("bad.c", line, column)
    assert re.search(message, err.message), err.message
