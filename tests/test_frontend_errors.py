"""Diagnostics: bad programs fail with a located CompileError and a precise message."""

from __future__ import annotations

import re

import pytest

from nsc.diagnostics import CompileError, NscError, SourceLocation
from nsc.frontend import FrontendOptions, c_to_ir
from nsc.signature import MAX_SCALARS, MAX_SIGNATURE_SCALARS

BAD = [
    ("int f(int x) {\n  return y + x;\n}", 2, 10, r"use of undeclared identifier 'y'"),
    (
        "int f(int x) {\n  const int k = 3;\n  k = x;\n  return k;\n}",
        3,
        3,
        r"cannot assign to variable 'k' with const-qualified type",
    ),
    ("int f(int x) {\n  goto end;\n  return x;\n}", 2, 3, r"label 'end' used but not defined"),
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
    ("int f(int x, ...) { return x; }", 1, 14, r"variadic function definitions are not supported"),
    (
        "long double f(long double x) { return x; }",
        1,
        27,
        r"parameter 'x' is a 'long double': an entry function's inputs and outputs are",
    ),
    (
        "int f(int n) { static int a[2][n]; return a[0][0]; }",
        1,
        27,
        r"variable-length array 'a' cannot have static storage",
    ),
    (
        "union U { int a; float b; };\nint f(struct U *p) { return 0; }",
        2,
        14,
        r"'U' defined as wrong kind of tag",
    ),
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
        "int f(int x) { int (*fp)(int) = 0; return fp + x; }",
        1,
        43,
        r"arithmetic on a pointer to a function \('int \(int\) \*'\)",
    ),
    (
        "int f(int x) { double y = 2.0; return y(x); }",
        1,
        39,
        r"called object type 'double' is not a function or function pointer",
    ),
    (
        "double f(double (*g)(double), double x) { return g(x); }",
        1,
        18,
        r"parameter 'g' is a function pointer",
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
    ('int f(int x) { return L"abc"[0]; }', 1, 23, r"wide string literals \(L\"...\"\) are not"),
    (
        "int f(int x) {\n  int v[3];\n  v = 0;\n  return x;\n}",
        3,
        3,
        r"array type 'int\[3\]' is not assignable",
    ),
    ("float f(float x) { return x % 2.0f; }", 1, 27, r"invalid operands to binary %"),
    (
        "int f(int i) {\n  int a[3] = {[3] = 2};\n  return a[i]; }",
        2,
        16,
        r"array designator index 3 is outside array 'int\[3\]'",
    ),
    (
        "struct P { int x, y; };\nint f(int i) { struct P p = {.y = 1, .z = i}; return p.y; }",
        2,
        39,
        r"no member named 'z' in 'struct P'",
    ),
    (
        "struct P { int x, y; };\nint f(int i) { struct P p = {[0] = i}; return p.y; }",
        2,
        30,
        r"array designator used for type 'struct P'",
    ),
    (
        "int f(int i) { int a[2] = {.x = i}; return a[0]; }",
        1,
        29,
        r"field designator used for array type 'int\[2\]'",
    ),
    (
        "int f(int i) { int a[2] = {[0].x = i}; return a[0]; }",
        1,
        32,
        r"designator used for non-aggregate type 'int'",
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
    (
        "static int g = 1.0 << 2;\nint f(int x) { return x + g; }",
        1,
        16,
        r"invalid operands to binary << \(have 'double' and 'int'\)",
    ),
    (
        "static int g = sizeof(int(void));\nint f(int x) { return x + g; }",
        1,
        26,
        r"invalid application of 'sizeof' to function type",
    ),
    (
        "enum E { A = 0x7fffffff, B };\nint f(int x) { return x + A; }",
        1,
        26,
        r"overflow in enumeration values",
    ),
    (
        'int f(int x) {\n  _Static_assert(sizeof(int) == 8, "LP64 int");\n  return x;\n}',
        2,
        3,
        r'static assertion failed: "LP64 int"',
    ),
    ("int f(int x) { return x + '\\xfff'; }", 1, 27, r"escape sequence out of range"),
    (
        "enum { N = 0 ? 3 : 1 / 0 };\nint f(int x) { return x + N; }",
        1,
        20,
        r"division by zero in a constant expression",
    ),
    (
        "enum { N = 1 ? (0 ? 1 / 0 : 2 % 0) : 3 };\nint f(int x) { return x + N; }",
        1,
        29,
        r"division by zero in a constant expression",
    ),
    (
        "#include <stddef.h>\nstruct S { int a; };\nint f(int x) { return offsetof(struct S, b) + x; }",
        3,
        42,
        "no member named 'b' in 'struct S'",
    ),
    (
        "#include <stddef.h>\nint f(int x) { return offsetof(int, b) + x; }",
        2,
        32,
        "offsetof needs a struct or union type, not 'int'",
    ),
    (
        "double sq();\ndouble f(double x) { return sq(x); }\nint sq(int v) { return v; }",
        3,
        5,
        "conflicting types for 'sq'",
    ),
    (
        "double f(double x) { extern int k = 3; return x; }",
        1,
        33,
        "'k' has both 'extern' and an initializer",
    ),
    (
        "enum { N = 0 && nope };\nint f(int x) { return x + N; }",
        1,
        17,
        "use of undeclared identifier 'nope'",
    ),
    (
        "double g(double);\nenum { N = 0 ? 1 : (int)g(1.0) };\nint f(int x) { return x + N; }",
        2,
        25,
        "expression is not a compile-time constant",
    ),
    (
        "int *p;\nenum { N = 1 ? 3 : p };\nint f(int x) { return x + N; }",
        2,
        20,
        r"'p' is not a compile-time constant",
    ),
    (
        "struct S { double v[2]; };\nstatic struct S g(double x) { struct S s = {{x, x}}; return s; }\n"
        "double f(double x) { double (*p)[2] = &g(x).v; return (*p)[0]; }",
        3,
        40,
        r"expression is not assignable \('&' needs an lvalue\)",
    ),
    (
        "struct S { _Alignas(16) int a; char b; };\nint f(int x) { return x + sizeof(struct S); }",
        1,
        29,
        r"'_Alignas\(16\)' on member 'a' \(alignment 4\) is not supported",
    ),
    (
        "struct S { _Alignas(short) int a; };\nint f(int x) { return x + sizeof(struct S); }",
        1,
        32,
        r"'_Alignas' cannot reduce the alignment of 'a'",
    ),
    (
        "int f(int x) { _Alignas(2) double d = x; return (int)d; }",
        1,
        35,
        r"'_Alignas' cannot reduce the alignment of 'd'",
    ),
    (
        "int f(int n) { _Alignas(16) char v[n]; v[0] = 1; return v[0]; }",
        1,
        34,
        r"'_Alignas' on variable-length array 'v' is not supported",
    ),
    (
        "struct poly { int n; double c[]; };\ndouble f(const struct poly *p) { return p->c[0]; }",
        2,
        44,
        r"flexible array member 'c' cannot be used in compiled code",
    ),
    (
        "struct poly { int n; double c[]; };\n#pragma nsc range(x, 0, 1)\n"
        "double f(struct poly p, double x) { return p.n * x; }",
        3,
        22,
        r"'struct poly', which ends in the flexible array member 'c'",
    ),
    ("struct s { double c[]; int n; };\nint f(int x) { return x; }", 1, 19, r"not at end of"),
    ("union u { int n; double c[]; };\nint f(int x) { return x; }", 1, 25, r"in a union"),
    ("struct s { double c[]; };\nint f(int x) { return x; }", 1, 19, r"no named members"),
    (
        "long f(__int128 x) { return x; }",
        1,
        17,
        r"parameter 'x' has type '__int128', which holds a 128-bit integer",
    ),
    (
        "struct s { unsigned __int128 v : 70; };\nint f(int x) { return x; }",
        1,
        30,
        r"bit-field 'v' of type 'unsigned __int128' is not supported",
    ),
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


def compile_error(source: str, **options) -> CompileError:
    with pytest.raises(CompileError) as info:
        c_to_ir(source, FrontendOptions(**options), filename="bad.c")
    return info.value


def where(err: CompileError) -> tuple[str, int, int]:
    assert err.location is not None, err.message
    return (err.location.file, err.location.line, err.location.column)


# --- a UTF-8 byte-order mark is dropped, as gcc does -------------------------------------------

BOM_PROGRAM = "void f(const float *x, float *y) { *y = *x + z; }\n"


def test_byte_order_mark_in_a_file_keeps_line_and_column(tmp_path):
    path = tmp_path / "bom.c"
    path.write_bytes(b"\xef\xbb\xbf" + BOM_PROGRAM.replace(" + z", "").encode())
    assert [p.name for p in c_to_ir(path).signature.inputs] == ["x"]
    path.write_bytes(b"\xef\xbb\xbf" + BOM_PROGRAM.encode())
    with pytest.raises(CompileError) as info:
        c_to_ir(path)
    assert where(info.value) == (str(path), 1, 46)
    assert info.value.message == "use of undeclared identifier 'z'"
    path.write_bytes(b"\xef\xbb\xbfint f(int x) { return x; } \xff\n")
    with pytest.raises(CompileError) as info:
        c_to_ir(path)
    assert where(info.value) == (str(path), 1, 28)
    assert info.value.message == "source is not valid UTF-8 (byte 0xff)"


def test_byte_order_mark_in_text_and_on_the_command_line(tmp_path):
    err = compile_error("\ufeff" + BOM_PROGRAM)
    assert where(err) == ("bad.c", 1, 46) and "'z'" in err.message
    from click.testing import CliRunner

    from nsc.cli import main

    path = tmp_path / "bom.c"
    path.write_bytes(b"\xef\xbb\xbf" + BOM_PROGRAM.replace(" + z", "").encode())
    result = CliRunner().invoke(main, ["ir", str(path)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "define void @f(" in result.output


# --- a line with bad bytes or control characters is echoed printably, the caret under the error


def test_a_line_with_bad_bytes_and_control_characters_is_shown_printably(tmp_path):
    path = tmp_path / "bad.c"
    path.write_bytes(b"double f(double x){\t\x1b[31m /* \xe9t\xe9 */ return x; }\n")
    with pytest.raises(CompileError) as info:
        c_to_ir(path)
    assert where(info.value) == (str(path), 1, 30)
    shown = info.value.render().splitlines()
    assert shown[1] == r" double f(double x){ \x1b[31m /* \xe9t\xe9 */ return x; }"
    assert shown[2].index("^") == shown[1].index(r"\xe9")
    assert all(line.isprintable() for line in shown)


def test_a_form_feed_does_not_end_the_line_shown():
    err = CompileError("here", SourceLocation("f.c", 2, 3))
    shown = err.render("int a;\n\f x y;\nint b;\n").splitlines()
    assert shown[1:] == [r" \x0c x y;", "      ^"]


# --- an entry without inputs, where the caller needs some (nscc, nsc exec --samples) -----------


def test_entry_reading_its_output_suggests_inout():
    err = compile_error("void f(float *x) { *x = *x * 2; }", require_inputs=True)
    assert where(err) == ("bad.c", 1, 14)
    assert (
        err.message == "entry function 'f' has no inputs, but it reads 'x', which is only an output"
    )
    assert err.hints == (
        "to read 'x' as an input too, mark it '#pragma nsc inout(x)' "
        "(or pass --input x --output x)",
    )
    err = compile_error(
        "struct S { float a; };\nvoid f(float *y, struct S *s) { y[0] = 1; s->a = 2; s->a += *y; }",
        require_inputs=True,
    )
    assert where(err) == ("bad.c", 2, 14) and "it reads 'y'" in err.message
    assert "inout(y, s)" in err.hints[0] and "--input y,s --output y,s" in err.hints[0]


def test_entry_without_inputs_computes_a_constant():
    for source, column in [("void f(float *y) { *y = 3; }", 6), ("int f(void) { return 3; }", 5)]:
        err = compile_error(source, require_inputs=True)
        assert where(err) == ("bad.c", 1, column)
        assert err.message == (
            "entry function 'f' has no inputs, so it computes a constant: "
            "there is nothing for a surrogate to learn"
        )


def test_entry_without_inputs_is_fine_where_none_are_needed():
    source = "void f(float *x) { *x = *x * 2; }"
    assert c_to_ir(source, filename="a.c").signature.inputs == ()  # `nsc ir`, the oracle's API
    inout = c_to_ir("#pragma nsc inout(x)\n" + source, FrontendOptions(require_inputs=True))
    assert [p.name for p in inout.signature.inputs] == ["x"]


# --- a long flat expression that parses but is too deep to lower ------------------------------


def test_flat_expression_too_deep_to_compile_is_located():
    terms = " + ".join(["*x"] * 20_000)
    source = f"void f(const float *x, float *y) {{\n  int k = 1;\n  *y = {terms};\n}}\n"
    err = compile_error(source)
    assert where(err) == ("bad.c", 3, 4)
    assert err.message == "expression or statement nested too deeply to compile"


# --- arrays too large for a surrogate ----------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "line", "column", "message"),
    [
        (
            "#pragma nsc shape(p, 100000, 100000)\nvoid f(const float *p, float *y) { *y = p[0]; }",
            1,
            9,
            "parameter 'p' is too large for a surrogate: 10,000,000,000 scalars (at most 1,048,576)",
        ),
        (
            "void f(const float x[4000000000], float *y) { *y = x[0]; }",
            1,
            20,
            "parameter 'x' is too large for a surrogate: 4,000,000,000 scalars (at most 1,048,576)",
        ),
        (
            "struct B { double v[700000]; short w[700000]; };\nvoid f(struct B b, float *y) { }",
            2,
            17,
            "parameter 'b' is too large for a surrogate: 1,400,000 scalars (at most 1,048,576)",
        ),
        (
            "#pragma nsc shape(x, 99999999999)\nvoid f(const float *x, float *y) { *y = x[0]; }",
            1,
            9,
            "shape of 'x': dimension 99,999,999,999 is too large for a surrogate "
            "(a parameter holds at most 1,048,576 scalars)",
        ),
        (
            "#pragma nsc shape(x, 1024, 1024)\n#pragma nsc shape(y, 1024, 1024)\n"
            "float f(const float *x, float *y) { return x[0]; }",
            3,
            7,
            "the inputs and outputs of 'f' are too large for a surrogate: 2,097,153 scalars "
            "together (at most 2,097,152)",
        ),
    ],
    ids=["shape-pragma", "array-type", "struct", "one-dimension", "all-ports"],
)
def test_too_large_for_a_surrogate(source, line, column, message):
    err = compile_error(source)
    assert where(err) == ("bad.c", line, column)
    assert err.message == message


def test_largest_shapes_compile():
    assert MAX_SIGNATURE_SCALARS == 2 * MAX_SCALARS == 2**21
    source = "#pragma nsc shape(x, 1024, 1024)\nvoid f(const float *x, float *y) { *y = x[0]; }"
    assert c_to_ir(source, filename="a.c").signature.input("x").size == MAX_SCALARS


# --- ranges apply to inputs -------------------------------------------------------------------

RANGED_OUTPUT = "#pragma nsc range(y, 0, 1)\nvoid f(const float *x, float *y) { *y = *x; }"


def test_range_on_a_marked_output_is_an_error():
    err = compile_error("#pragma nsc output(y)\n" + RANGED_OUTPUT)
    assert where(err) == ("bad.c", 2, 9)
    assert err.message == (
        "#pragma nsc range names 'y', which is marked an output of 'f': ranges apply to inputs only"
    )
    with pytest.raises(NscError) as info:
        c_to_ir(RANGED_OUTPUT.split("\n")[1], FrontendOptions(ranges={"y": (0, 1)}), filename="a.c")
    assert info.value.message == "--range names 'y', an output of 'f': ranges apply to inputs only"


def test_range_on_a_default_output_warns_and_waits_for_input():
    compiled = c_to_ir(RANGED_OUTPUT, filename="bad.c")
    assert [w.render() for w in compiled.warnings] == [
        "bad.c:1:9: warning: #pragma nsc range names 'y', an output of 'f', so it has no "
        "effect: ranges apply to inputs\n"
        "bad.c:1:9: note: if 'y' is read as well, mark it '#pragma nsc inout(y)' "
        "(or pass --input y --output y)"
    ]
    made_input = c_to_ir(RANGED_OUTPUT, FrontendOptions(inputs=("y",), outputs=("y",)))
    assert made_input.warnings == () and made_input.signature.input("y").range == (0.0, 1.0)


# --- pointers with static storage: what is not an address constant ---------------------------


@pytest.mark.parametrize(
    ("source", "line", "column", "message"),
    [
        (
            "static const double tab[8];\nstatic const double *q = tab + 9;\n"
            "double f(int i) { return q[i]; }",
            2,
            26,
            "address in initializer is past the end of array 'const double[8]' (element 9)",
        ),
        (
            "static const double tab[8];\nstatic const double *q = &tab[9];\n"
            "double f(int i) { return q[i]; }",
            2,
            27,
            "address in initializer is past the end of array 'const double[8]' (element 9)",
        ),
        (
            "static const double tab[8];\nstatic const double *q = tab - 1;\n"
            "double f(int i) { return q[i]; }",
            2,
            26,
            "address in initializer is before the start of array 'const double[8]' (element -1)",
        ),
        (
            "static double g;\nstatic double *p = &g + 2;\ndouble f(double x) { return x + *p; }",
            2,
            21,
            "address in initializer is past the end of object 'double' (element 2)",
        ),
        (
            "static double t[2][3];\nstatic double *p = t[2];\ndouble f(double x) { return x + *p; }",
            2,
            20,
            "array element one past the end in an initializer",
        ),
        (
            "double f(double x) {\n  double y = x;\n  static double *p = &y;\n  return *p;\n}",
            3,
            23,
            "the address of 'y', a variable with automatic storage, is not a compile-time constant",
        ),
        (
            "double f(double x) {\n  static double *p = (double[]){1.0, 2.0};\n  return x + *p;\n}",
            2,
            22,
            "the address of a compound literal in a function is not a compile-time constant",
        ),
        (
            "static double g;\nstatic double *p = &g * 2;\ndouble f(double x) { return x + *p; }",
            2,
            21,
            "operator '*' on an address is not allowed in an initializer",
        ),
        (
            "static double g;\nstatic double *p = &g;\nstatic double *q = p + 1;\n"
            "double f(double x) { return x + *q; }",
            3,
            20,
            "the value of 'p' is not a compile-time constant",
        ),
        (
            "static double *p = 5;\ndouble f(double x) { return x + *p; }",
            1,
            20,
            "integer 5 cannot initialize a pointer with static storage "
            "(only 0, the null pointer, or an address)",
        ),
        (
            "static double g;\nstatic int *p = &g;\ndouble f(double x) { return x + *p; }",
            2,
            18,
            "incompatible pointer types: 'double *' and 'int *' in initialization",
        ),
        (
            "static double g;\nstatic double *p = (double *)(long)&g;\n"
            "double f(double x) { return x + *p; }",
            2,
            30,
            "cannot cast an address to 'long' in an initializer",
        ),
        (
            "static int x;\nstatic char *c = (char *)&x + 1;\ndouble f(double y) { return y + *c; }",
            2,
            18,
            "arithmetic on a converted address is not supported in an initializer",
        ),
        (
            "static double *p = (double *)0 + 1;\ndouble f(double x) { return x + *p; }",
            1,
            20,
            "arithmetic on a null pointer is not an address constant",
        ),
        (
            "static double h(double x) { return x; }\nstatic double (*p)(double) = h + 1;\n"
            "double f(double x) { return p(x); }",
            2,
            30,
            "arithmetic on a function's address is not allowed",
        ),
        (
            "static int h(int x) { return x; }\nstatic double (*p)(double) = h;\n"
            "double f(double x) { return p(x); }",
            2,
            30,
            "incompatible pointer types: 'int (int) *' and 'double (double) *' in initialization",
        ),
    ],
    ids=[
        "past-the-end",
        "element-past-the-end",
        "before-the-start",
        "past-a-scalar",
        "row-past-the-end",
        "automatic-variable",
        "compound-literal-in-a-function",
        "not-plus-or-minus",
        "value-of-a-pointer",
        "nonzero-integer",
        "incompatible-pointer",
        "address-as-integer",
        "converted-address-arithmetic",
        "null-arithmetic",
        "function-arithmetic",
        "function-pointer-type",
    ],
)
def test_static_pointer_initializer_errors(source, line, column, message):
    err = compile_error(source)
    assert where(err) == ("bad.c", line, column)
    assert err.message == message
