"""`#pragma nsc` directives: collection from the AST, arguments, and malformed ones."""

from __future__ import annotations

import math

import pytest

from nsc.diagnostics import CompileError, SourceLocation
from nsc.frontend.parse import parse
from nsc.frontend.pragmas import Pragma, collect_pragmas, parse_pragma
from nsc.frontend.preprocess import preprocess

HERE = SourceLocation("p.c", 1, 1)


def pragmas_of(text: str, defines: tuple[str, ...] = ()) -> list[Pragma]:
    return collect_pragmas(parse(preprocess(text, "p.c", defines), "p.c"))


def one(body: str) -> Pragma:
    pragma = parse_pragma("nsc " + body, HERE)
    assert pragma is not None
    return pragma


def malformed(body: str) -> CompileError:
    with pytest.raises(CompileError) as info:
        pragmas_of(f"int a;\n\n#pragma nsc {body}\nint b;\n")
    assert info.value.location.line == 3 and info.value.location.file == "p.c"
    return info.value


PROGRAM = """#include <math.h>
#pragma nsc entry(f)
#pragma once
#pragma nsc range(x, -M_PI, 2*M_PI)
#pragma nsc shape(a, N, N)
struct P { float r; };
float f(float x, struct P p, const float a[4][4], float *b) {
  #pragma nsc range(p.r, -1e-3, 1.5e+2)
  #pragma omp parallel
  for (int i = 0; i < 3; i++)
    #pragma nsc output(b)
    b[i] = x;
  return x;
}
#pragma nsc input(a, p)
"""


def test_collects_file_scope_and_body_pragmas_in_order():
    found = pragmas_of(PROGRAM, ("N=4",))
    assert [(p.kind, p.args) for p in found] == [
        ("entry", ("f",)),
        ("range", ("x", -math.pi, 2 * math.pi)),
        ("shape", ("a", 4, 4)),
        ("range", ("p.r", -0.001, 150.0)),
        ("output", ("b",)),
        ("input", ("a", "p")),
    ]
    assert [p.location.line for p in found] == [2, 4, 5, 8, 11, 15]
    assert all(p.location.file == "p.c" for p in found)


def test_other_pragmas_are_ignored():
    assert pragmas_of("#pragma once\n#pragma omp parallel\n#pragma nscx entry(f)\nint a;\n") == []
    assert parse_pragma("GCC optimize(2)", HERE) is None


def test_pragma_operator_form():
    found = pragmas_of('_Pragma("nsc entry(g)")\nint g(void) { return 0; }\n')
    assert [(p.kind, p.args) for p in found] == [("entry", ("g",))]


@pytest.mark.parametrize(
    ("body", "args"),
    [
        ("range(x, 0, 1)", ("x", 0.0, 1.0)),
        ("range(pts.x, -3.5e2, +2E-1)", ("pts.x", -350.0, 0.2)),
        ("range( p . r ,-1,1 )", ("p.r", -1.0, 1.0)),
        ("range(x, -3.14159, 2*3.14159)", ("x", -3.14159, 6.28318)),
        ("range(x, (1.0f/4) - 1, -(-2))", ("x", -0.75, 2.0)),
        ("range(n, (-2147483647 - 1), 2147483647)", ("n", -2147483648.0, 2147483647.0)),
        ("range(n, 0x10, 4294967295U)", ("n", 16.0, 4294967295.0)),
        ("range(n, 010, 10L)", ("n", 8.0, 10.0)),
        ("range(x, 2, 2)", ("x", 2.0, 2.0)),
        ("shape(p, 3, 3)", ("p", 3, 3)),
        ("shape(q, 2*4)", ("q", 8)),
        ("input(a)", ("a",)),
        ("output(a, b, c.d)", ("a", "b", "c.d")),
        ("inout(p)", ("p",)),
        ("entry(main_fn)", ("main_fn",)),
    ],
)
def test_arguments(body: str, args: tuple):
    pragma = one(body)
    assert pragma.kind == body.split("(")[0]
    assert pragma.args == pytest.approx(args) if pragma.kind == "range" else pragma.args == args


def test_range_bounds_are_floats_and_shapes_ints():
    assert all(isinstance(v, float) for v in one("range(x, 1, 2)").args[1:])
    assert all(type(v) is int for v in one("shape(p, 2.0, 3)").args[1:])


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ("", "empty #pragma nsc"),
        ("entyr(f)", "unknown #pragma nsc 'entyr'"),
        ("entry", "entry expects one function name"),
        ("entry(f", "entry expects"),
        ("entry(f, g)", "entry expects"),
        ("entry(p.f)", "must be a function name"),
        ("range(x, 0)", "range expects a name and two numbers"),
        ("range(x, 0, 1, 2)", "range expects"),
        ("range(x, lo, 1)", "'lo' is not a number"),
        ("range(3, 0, 1)", "expected a name, got '3'"),
        ("range(x, 1, 0)", "range of 'x' is empty"),
        ("range(x, 1/0, 2)", "is not a number"),
        ("range(x, 1e999, 2)", "is not finite"),
        ("range(x, 1 +, 2)", "is not a number"),
        ("range(x, (1, 2)", "unbalanced '('"),
        ("range(x, 1), 2)", "unbalanced ')'"),
        ("range(x, 1 ; 2, 3)", "unexpected ';'"),
        ("range(x, " + "(" * 200 + "1" + ")" * 200 + ", 2)", "is not a number"),
        ("shape(p)", "shape expects"),
        ("shape(p, 0)", "dimension 0 is not a positive integer"),
        ("shape(p, 2.5)", "dimension 2.5 is not a positive integer"),
        ("shape(p, -3)", "dimension -3"),
        ("input()", "expected a name"),
        ("input(a b)", "expected a name, got 'a b'"),
        ("output(a,)", "expected a name"),
        ("inout", "one or more parameter names"),
    ],
)
def test_malformed_pragmas_are_located_errors(body: str, needle: str):
    assert needle in malformed(body).message


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("entry()", "#pragma nsc entry: expected a name"),
        ("input(a, )", "#pragma nsc input: expected a name"),
        ("range(x, , 1)", "#pragma nsc range: expected a number"),
    ],
)
def test_a_missing_argument_is_named_without_quoting_nothing(body: str, message: str):
    assert malformed(body).message == message


def test_unknown_kind_suggests_the_closest():
    assert malformed("ouptut(x)").hints == ("did you mean 'output'?",)
    assert "known pragmas" in malformed("frobnicate(x)").hints[0]


def test_malformed_pragma_inside_a_body_is_located():
    with pytest.raises(CompileError) as info:
        pragmas_of("void f(int x) {\n  x = 1;\n  #pragma nsc range(x, 2, 1)\n}\n")
    assert (info.value.location.line, info.value.location.column) == (3, 11)
