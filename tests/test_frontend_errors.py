"""Diagnostics: bad programs fail with a located CompileError and a precise message."""

from __future__ import annotations

import re

import pytest

from nsc.diagnostics import CompileError, NscError
from nsc.frontend import FrontendOptions, c_to_ir

BAD = [
    ("int f(int x) {\n  return y + x;\n}", 2, 10, r"use of undeclared identifier 'y'"),
    (
        "int f(int x) {\n  const int k = 3;\n  k = x;\n  return k;\n}",
        3,
        3,
        r"cannot assign to variable 'k' with const-qualified type",
    ),
    ("int f(int x) {\n  goto end;\n  end: return x;\n}", 2, 3, r"goto is not supported"),
    (
        "static int g(int a, int b) { return a; }\nint f(int x) {\n  return g(x);\n}",
        3,
        10,
        r"too few arguments to function 'g' \(expected 2, have 1\)",
    ),
    (
        "int g(int a);\nint f(int x) {\n  return g(x);\n}",
        3,
        10,
        r"function 'g' is declared but never defined",
    ),
    ("int f(int x, ...) { return x; }", 1, 14, r"variadic functions are not supported"),
    ("long double f(long double x) { return x; }", 1, 1, r"long double is not supported"),
    ("int f(int n) { int a[n]; return a[0]; }", 1, 22, r"variable-length arrays are not supported"),
    ("union U { int a; float b; };\nint f(int x) { return x; }", 1, 7, r"unions are not supported"),
    (
        "struct P { float x; };\nfloat f(struct P p) { return p.z; }",
        2,
        32,
        r"no member named 'z' in 'struct P'",
    ),
    (
        "int f(int *p) { return p * 2; }",
        1,
        24,
        r"invalid operands to binary \* \(have 'int \*' and 'int'\)",
    ),
    (
        "int f(int x) { int (*fp)(int) = 0; return x; }",
        1,
        21,
        r"function pointers are not supported",
    ),
    ('int f(int x) { asm("nop"); return x; }', 1, 16, r"inline assembly is not supported"),
    ("int f(int x) { break; return x; }", 1, 16, r"'break' statement not in a loop or switch"),
    (
        "int f(int x) { switch (x) { case 1: case 1: break; } return x; }",
        1,
        42,
        r"duplicate case value 1",
    ),
    ("int f(int x) { int x = 2; return x; }", 1, 20, r"redefinition of 'x'"),
    (
        "int f(void) { int a[2] = {1, 2, 3}; return a[0]; }",
        1,
        33,
        r"excess elements in initializer",
    ),
    ('int f(int x) { return "abc"[0]; }', 1, 23, r"string literals are not supported"),
    (
        "int f(int x) {\n  int v[3];\n  v = 0;\n  return x;\n}",
        3,
        3,
        r"array type 'int\[3\]' is not assignable",
    ),
    ("float f(float x) { return x % 2.0f; }", 1, 27, r"invalid operands to binary %"),
    (
        "int f(int i) {\n  int a[3] = {[1] = 2};\n  return a[i]; }",
        2,
        15,
        r"designated initializers",
    ),
    ("int f(const int *p) { *p = 1; return 0; }", 1, 24, r"cannot assign to read-only location"),
    (
        "int f(int x) { return x; }\nint g(int x) { return x; }",
        2,
        5,
        r"cannot choose the entry function among 'f', 'g'",
    ),
    (
        "#pragma nsc range(z, 0, 1)\nint f(int x) { return x; }",
        1,
        9,
        r"names 'z', which is not a parameter of 'f'",
    ),
    ("int f(float **p) { return 0; }", 1, 14, r"pointer to a pointer"),
    ("void f(const float *a) { }", 1, 6, r"entry function 'f' has no outputs"),
    ("struct S { float *p; };\nint f(struct S s) { return 0; }", 2, 16, r"holds pointers"),
]


@pytest.mark.parametrize(("source", "line", "column", "message"), BAD)
def test_located_error(source, line, column, message):
    with pytest.raises(CompileError) as info:
        c_to_ir(source, FrontendOptions(), filename="bad.c")
    err = info.value
    assert err.location is not None
    assert (err.location.file, err.location.line, err.location.column) == ("bad.c", line, column)
    assert re.search(message, err.message), err.message


def test_did_you_mean_hints():
    with pytest.raises(CompileError) as info:
        c_to_ir("int f(int count) { return cuont + 1; }", filename="bad.c")
    assert info.value.hints == ("did you mean 'count'?",)
    with pytest.raises(CompileError) as info:
        c_to_ir("double f(double x) { return sqrtt(x); }", filename="bad.c")
    assert "call to undeclared function 'sqrtt'" in info.value.message
    assert info.value.hints == ("did you mean 'sqrt'?",)


def test_option_errors_name_candidates():
    with pytest.raises(NscError, match="entry function 'g' is not defined"):
        c_to_ir("int f(int x) { return x; }", FrontendOptions(entry="g"), filename="a.c")
    with pytest.raises(NscError, match="--range names 'q'"):
        c_to_ir("int f(int x) { return x; }", FrontendOptions(ranges={"q": (0, 1)}), filename="a.c")
    with pytest.raises(NscError, match="empty range"):
        c_to_ir("int f(int x) { return x; }", FrontendOptions(ranges={"x": (1, 0)}), filename="a.c")


def test_render_has_caret():
    source = "int f(int x) {\n  return y;\n}"
    with pytest.raises(CompileError) as info:
        c_to_ir(source, filename="bad.c")
    assert info.value.render(source).splitlines()[:3] == [
        "bad.c:2:10: error: use of undeclared identifier 'y'",
        "   return y;",
        "          ^",
    ]
