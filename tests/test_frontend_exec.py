"""Execution tests: C constructs lowered by the frontend compute what C says they compute."""

from __future__ import annotations

import ctypes
import math

import pytest
from test_frontend_support import Program, call

ARITHMETIC = [
    ("int f(int a, int b) { return a / b; }", (-7, 2), -3),
    ("int f(int a, int b) { return a % b; }", (-7, 2), -1),
    ("int f(int a, int b) { return a % b; }", (7, -2), 1),
    ("int f(int a, int b) { return (a << 3) | (b >> 1); }", (5, -9), 40 | -5),
    (
        "int f(int a, int b) { return ((unsigned)a >> 28) + (a ^ b) + ~b; }",
        (-1, 6),
        15 + (-1 ^ 6) + ~6,
    ),
    ("int f(int a, int b) { unsigned u = a; return u + b > 0u; }", (-3, 1), 1),
    ("int f(int a, int b) { return -1 < (unsigned)b; }", (0, 1), 0),
    ("int f(int a, int b) { return (long)-1 < 1u; }", (0, 0), 1),
    ("int f(int a, int b) { unsigned char c = a; return c + b; }", (300, 1), 45),
    ("int f(int a, int b) { char c = a; return c; }", (200, 0), -56),
    ("int f(int a, int b) { signed char c = a; unsigned char d = b; return c < d; }", (-1, 1), 1),
    ("int f(int a, int b) { short s = a; return s * b; }", (70000, 1), 70000 - 65536),
    ("int f(int a, int b) { unsigned x = 0; x -= a; return x == 4294967295u; }", (1, 0), 1),
    ("int f(int a, int b) { return (int)(2.9f * a) + (int)(-2.9 * b); }", (1, 1), 0),
    (
        "int f(int a, int b) { return (unsigned char)(a * 1.0) + (_Bool)b + (_Bool)0.5; }",
        (257, 7),
        3,
    ),
    (
        "int f(int a, int b) { long long x = a; x = x * 1000000000; return x / 1000000 == a * 1000; }",
        (5, 0),
        1,
    ),
    ("int f(int a, int b) { return a > b ? a : b; }", (3, 9), 9),
    ("int f(int a, int b) { return (a, b); }", (3, 9), 9),
    ("int f(int a, int b) { return !a + !b * 2; }", (0, 5), 1),
    (
        "int f(int a, int b) { int x = a; x += b; x *= 3; x -= 1; x /= 2; x %= 5; x <<= 2; x >>= 1; x &= 7; x |= 8; x ^= 1; return x; }",
        (4, 6),
        9,
    ),
    ("int f(int a, int b) { int x = a; int y = x++ + ++x; return y * 10 + x--; }", (1, 0), 43),
    (
        "int f(int a, int b) { return sizeof(int) + sizeof(long) * 10 + sizeof a * 100 + sizeof(char) * 1000; }",
        (0, 0),
        1484,
    ),
    (
        "int f(int a, int b) { double d = a; return sizeof(d) + sizeof(float) * 10 + sizeof(d + 1.0f) * 100; }",
        (0, 0),
        848,
    ),
    ("int f(int a, int b) { enum E { X, Y = 5, Z }; return X + Y * 10 + Z * 100; }", (0, 0), 650),
    ("typedef unsigned int u32; int f(int a, int b) { u32 x = a; return x >> 31; }", (-1, 0), 1),
    ("int f(int a, int b) { _Bool t = a; return t + t; }", (42, 0), 2),
    ("int f(int a, int b) { return 0x10 + 010 + 'a' + '\\n'; }", (0, 0), 16 + 8 + 97 + 10),
    ("int f(int a, int b) { return 1 << (a + 32); }", (1, 0), 2),
    # C11's char16_t and char32_t constants: unsigned short and unsigned int, not narrowed
    ("int f(int a, int b) { return u'\\xffff' + sizeof(u'a') * 100000; }", (0, 0), 265535),
    ("int f(int a, int b) { return (U'\\xffffffff' > 0) + sizeof(U'a') * 10; }", (0, 0), 41),
    ("int f(int a, int b) { return u'é' + L'é' + U'é'; }", (0, 0), 3 * 0xE9),
]


@pytest.mark.parametrize(("source", "args", "expected"), ARITHMETIC)
def test_integer_semantics(source, args, expected):
    assert call(source, "f", "int", args) == expected


def test_float_semantics():
    src = """
    float f(float x) { return x * 3.0f + 0.1f; }
    double g(double x) { return x / 3 - 1e-3; }
    float h(int i) { return i / 2 + 0.5f; }
    int k(float x) { return x != x; }
    double n(float x) { return -x; }
    """
    program = Program(src, entry="f")
    f = program.function("f", "float", "float")
    assert f(1.5) == pytest.approx(4.6, rel=1e-7)
    assert (
        ctypes.c_float(f(1.5)).value
        == ctypes.c_float(ctypes.c_float(1.5 * 3.0).value + ctypes.c_float(0.1).value).value
    )
    assert program.function("g", "double", "double")(1.0) == 1.0 / 3 - 1e-3
    assert program.function("h", "float", "int")(5) == 2.5
    assert program.function("k", "int", "float")(math.nan) == 1
    assert math.copysign(1, program.function("n", "double", "float")(0.0)) == -1


def test_short_circuit_side_effects():
    src = """
    int count;
    int bump(int v) { count++; return v; }
    int f(int a) { count = 0; int r = (bump(a) && bump(0)) || bump(1); return r * 100 + count; }
    int g(int a) { count = 0; int r = bump(a) || bump(1); return r * 100 + count; }
    """
    program = Program(src, entry="f")
    assert program.function("f", "int", "int")(0) == 102
    assert program.function("f", "int", "int")(1) == 103
    assert program.function("g", "int", "int")(5) == 101


def test_control_flow():
    src = """
    int loops(int n) {
      int s = 0;
      for (int i = 0; i < n; i++) { if (i == 2) continue; if (i == 7) break; s += i; }
      int j = 0; while (j < 3) { j++; s += 100; }
      do { s += 1000; } while (0);
      { int s = 5; s++; }
      return s;
    }
    int sw(int x) {
      int r = 0;
      switch (x) { case 1: r += 1; case 2: r += 2; break; case 3: { r = 30; break; } default: r = -1; case 5: r += 5; }
      return r;
    }
    int fact(int n) { return n <= 1 ? 1 : n * fact(n - 1); }
    int counter(void) { static int c = 10; return ++c; }
    int shadow(int x) { int y = x; { int x = 2; y += x; } return y + x; }
    """
    program = Program(src, entry="loops")
    assert program.function("loops", "int", "int")(10) == 0 + 1 + 3 + 4 + 5 + 6 + 300 + 1000
    sw = program.function("sw", "int", "int")
    assert [sw(x) for x in (1, 2, 3, 4, 5)] == [3, 2, 30, 4, 5]
    assert program.function("fact", "int", "int")(10) == 3628800
    counter = program.function("counter", "int")
    assert [counter(), counter(), counter()] == [11, 12, 13]
    assert program.function("shadow", "int", "int")(3) == 8


def test_pointers_and_arrays():
    src = """
    int sum(const int *a, int n) { int s = 0; for (const int *p = a; p < a + n; p++) s += *p; return s; }
    long diff(void) { int a[10]; return &a[7] - &a[2]; }
    void fill(float m[3][3]) { for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) m[i][j] = i * 10 + j; }
    int local(int k) { int a[2][3] = {{1, 2}, {3}}; int b[] = {4, 5, 6}; return a[k][0] * 100 + a[0][1] * 10 + b[2] + sizeof b; }
    int elide(void) { int a[2][2] = {1, 2, 3}; return a[0][0] + a[0][1] * 10 + a[1][0] * 100 + a[1][1] * 1000; }
    void swap(int *x, int *y) { int t = *x; *x = *y; *y = t; }
    int swapper(int a, int b) { swap(&a, &b); return a * 10 + b; }
    int idx(void) { int a[3] = {7, 8, 9}; return 2[a]; }
    """
    program = Program(src, entry="sum")
    arr = (ctypes.c_int32 * 4)(1, 2, 3, 4)
    assert program.function("sum", "int", "int*", "int")(ctypes.addressof(arr), 4) == 10
    assert program.function("diff", "long")() == 5
    m = (ctypes.c_float * 9)()
    program.function("fill", "void", "float*")(ctypes.addressof(m))
    assert list(m) == [0, 1, 2, 10, 11, 12, 20, 21, 22]
    assert program.function("local", "int", "int")(1) == 300 + 20 + 6 + 12
    assert program.function("elide", "int")() == 321
    assert program.function("swapper", "int", "int", "int")(1, 2) == 21
    assert program.function("idx", "int")() == 9


def test_structs():
    src = """
    struct V { float x, y; };
    typedef struct { struct V pos; int tags[2]; } Body;
    static struct V add(struct V a, struct V b) { struct V r = {a.x + b.x, a.y + b.y}; return r; }
    float run(float x, float y) {
      Body bodies[2] = {{{x, y}, {1, 2}}, {{1, 1}, {3}}};
      Body *p = &bodies[1];
      p->pos = add(bodies[0].pos, p->pos);
      p->tags[1] += p->tags[0];
      struct V copy = p->pos;
      return copy.x * 100 + copy.y + p->tags[1] * 1000 + sizeof(Body);
    }
    """
    program = Program(src, entry="run")
    assert program.function("run", "float", "float", "float")(2.0, 3.0) == 300 + 4 + 3000 + 16


def test_globals():
    src = """
    static int table[2][3] = {{1, 2, 3}, {4}};
    const double scale = 2.5;
    struct P { int a; float b[2]; } gp = {7, {1.5f}};
    float partial[4] = {1, 2};
    int tentative;
    int f(int i, int j) { tentative += 1; return table[i][j] * scale + gp.a + gp.b[0] * 2 + partial[3] + tentative; }
    """
    program = Program(src, entry="f")
    f = program.function("f", "int", "int", "int")
    assert f(0, 2) == int(3 * 2.5) + 7 + 3 + 1
    assert f(1, 1) == 0 + 7 + 3 + 2


def test_math_calls():
    src = """
    #include <math.h>
    #include <stdlib.h>
    double f(double x) { return sqrt(x) + sin(x) + fabs(-x) + pow(x, 2) + atan2(x, 1.0) + floor(x) + fmin(x, NAN); }
    float g(float x) { return sqrtf(x) + tanhf(x) + roundf(x) + fmaxf(x, 0.0f); }
    int h(int x) { return abs(x) + (int)labs(-5); }
    """
    program = Program(src, entry="f")
    x = 2.5
    want = math.sqrt(x) + math.sin(x) + x + x**2 + math.atan2(x, 1) + 2.0 + x
    assert program.function("f", "double", "double")(x) == want
    assert program.function("g", "float", "float")(0.5) == pytest.approx(
        math.sqrt(0.5) + math.tanh(0.5) + 1 + 0.5, rel=1e-6
    )
    assert program.function("h", "int", "int")(-3) == 8
    assert "llvm.sqrt.f64" in program.compiled.ir and "call double @atan2(" in program.compiled.ir


def test_tentative_definition_after_an_initialized_one_keeps_its_value():
    src = """
    static int g = 5;
    static int g;
    static double t[3] = {1.5, 2.5, 3.5};
    static double *p = t + 1;
    static double *p;
    double f(int i) { return g + p[i]; }
    """
    program = Program(src, entry="f")  # the engine must outlive the calls
    f = program.function("f", "double", "int")
    assert f(1) == 5 + 3.5
    assert f(-1) == 5 + 1.5
