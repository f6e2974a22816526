"""GNU spellings: read as the C they mean (positions kept) or refused by name."""

from __future__ import annotations

import re

import pytest

from nsc.diagnostics import CompileError
from nsc.frontend import FrontendOptions, c_to_ir
from nsc.frontend.gnu import translate


def test_keywords_and_attributes_keep_every_position():
    text = (
        "static __inline__ __attribute__((always_inline,\n"
        '  format(printf, 1, 2))) double *__restrict__ p; char *s = "__inline__";\n'
    )
    out = translate(text, "t.c")
    assert len(out) == len(text) and out.count("\n") == text.count("\n")
    assert out.split() == ["static", "inline", "double", "*restrict", "p;", "char", "*s", "=",
                           '"__inline__";']  # fmt: skip
    assert translate("double f(double x);\n", "t.c") == "double f(double x);\n"


@pytest.mark.parametrize(
    "source, line, column, name",
    [
        ("struct __attribute__((packed)) P { char c; double d; };\n", 1, 23, "packed"),
        ("int x;\ndouble v[4] __attribute__((__aligned__(16), unused));\n", 2, 28, "__aligned__"),
        ("typedef float v4 __attribute__((unused, vector_size(16)));\n", 1, 41, "vector_size"),
        ("double f(double x) __attribute__((frobnicate));\n", 1, 35, "frobnicate"),
    ],
)
def test_attributes_that_change_results_are_refused_where_they_are(source, line, column, name):
    text = '# 1 "prog.c"\n' + source
    with pytest.raises(CompileError, match=f"attribute '{name}' is not supported") as info:
        translate(text, "prog.c")
    location = info.value.location
    assert (location.file, location.line, location.column) == ("prog.c", line, column)


def test_attribute_parentheses_may_be_spaced_out_as_gcc_takes_them():
    text = "static double __attribute__ ( (\n unused ) ) k;\n"
    out = translate(text, "t.c")
    assert out.split() == ["static", "double", "k;"] and out.count("\n") == 2
    with pytest.raises(CompileError, match="attribute 'packed' is not supported") as info:
        translate('# 1 "prog.c"\nstruct __attribute__ ( (packed) ) P { char c; };\n', "prog.c")
    assert (info.value.location.line, info.value.location.column) == (1, 25)


def test_an_error_after_an_attribute_is_located_as_without_it():
    body = "static int k;\ndouble f(double x) { return x + ; }\n"
    places = []
    for source in (body, "__attribute__((unused))" + body):
        with pytest.raises(CompileError) as info:
            c_to_ir(source, FrontendOptions(), filename="t.c")
        places.append((info.value.location.line, info.value.location.column))
    assert places[0] == places[1] and places[0][0] == 2


def test_builtins():
    source = "double f(double x) { return __builtin_expect(x > 0, 1) + __builtin_fabs(x); }"
    assert "llvm.fabs" in c_to_ir(source, FrontendOptions(), filename="t.c").ir
    ir = c_to_ir("int f(int x) { return __builtin_popcount(x); }", FrontendOptions()).ir
    assert "llvm.ctpop.i32" in ir
    with pytest.raises(CompileError, match="builtin function '__builtin_frob' is not"):
        c_to_ir("int f(int x) { return __builtin_frob(x); }", FrontendOptions(), filename="t.c")
    with pytest.raises(
        CompileError,
        match=r"__builtin_ctzll takes an integer \('unsigned long "
        r"long'\), not 'double'",
    ):
        c_to_ir("int f(double x) { return __builtin_ctzll(x); }", FrontendOptions())
    with pytest.raises(CompileError, match="__builtin_bswap32 takes one argument, got 2"):
        c_to_ir("int f(int x) { return __builtin_bswap32(x, x); }", FrontendOptions())
    with pytest.raises(CompileError, match="__builtin_expect needs an integer"):
        c_to_ir("long f(double x) { return __builtin_expect(x, 1); }", FrontendOptions(),
                filename="t.c")  # fmt: skip


@pytest.mark.parametrize(
    "body, message, column",
    [
        ("double t = 1; return nan(t);", "nan takes a string literal", 37),
        ('return nanf("1.5");', "nanf's string must be empty or a decimal", 28),
        ("return __builtin_inf(1);", "__builtin_inf takes no arguments", 23),
        (
            "return __builtin_isnan(1);",
            r"__builtin_isnan takes a real floating value, not 'int'",
            39,
        ),
        ("return __builtin_isless(1, 2);", "__builtin_isless takes real floating arguments", 23),
        ("return __builtin_fpclassify(0, 1, 2, 3, 0.5);", "takes six arguments, got 5", 23),
        ("return __builtin_choose_expr(x > 0, 1, 2);", "'x' is not a compile-time constant", 45),
        (
            "_Bool r; return __builtin_add_overflow(1, 2, &r);",
            "must point to a modifiable integer",
            62,
        ),
        (
            "int r; return __builtin_add_overflow(1.5, 2, &r);",
            "argument 1 of __builtin_add_overflow has type 'double'",
            53,
        ),
        ("long r; return __builtin_sadd_overflow(1, 2, &r);", "incompatible pointer", 62),
        ("return __builtin_mul_overflow(1, 2);", "takes two integers and a pointer, got 2", 23),
        ("__builtin_prefetch(); return 0;", "__builtin_prefetch takes 1 to 3 arguments, got 0", 16),
        ("return *(int *)__builtin_assume_aligned(x, 8);", "takes a pointer, not 'int'", 56),
        ("__builtin_trap(1); return 0;", "__builtin_trap takes no arguments", 16),
        ("__auto_type y; return 0;", "'__auto_type' needs an initializer expression", 28),
        ("__auto_type y = {1}; return 0;", "'__auto_type' needs an initializer expression", 28),
        ("__auto_type *p = &x; return 0;", r"'__auto_type' declares a variable from its", 16),
    ],
)
def test_builtins_of_numbers_name_a_misuse_where_it_is(body, message, column):
    source = f"#include <math.h>\nint f(int x) {{ {body} }}\n"
    with pytest.raises(CompileError, match=message) as info:
        c_to_ir(source, FrontendOptions(), filename="t.c")
    assert (info.value.location.line, info.value.location.column) == (2, column)


def test_a_static_assertion_among_members_is_checked():
    source = 'struct S { int a; _Static_assert(sizeof(int) == 2, "two"); };\nint f(int x) { return x; }\n'
    with pytest.raises(CompileError, match='static assertion failed: "two"') as info:
        c_to_ir(source, FrontendOptions(), filename="t.c")
    assert (info.value.location.line, info.value.location.column) == (1, 19)


def test_nan_of_the_programs_own_is_called_not_folded():
    source = 'static double nan(const char *s) { return s[0]; }\ndouble f(double x) { return nan("a") + x; }\n'
    ir = c_to_ir(source, FrontendOptions(), filename="t.c").ir
    assert "call" in ir and "0x7FF8" not in ir


def test_statement_expressions_and_typeof():
    ok = (
        "int f(void) { const int c = 1; typeof_unqual(c) d = 2; d++; __typeof(d) e = d; return e; }"
    )
    assert "ret i32" in c_to_ir(ok, FrontendOptions()).ir
    errors = {
        "int f(void) { const int c = 1; typeof(c) e = 2; e++; return e; }": (
            1,
            49,
            "cannot assign to variable 'e' with const-qualified type 'const int'",
        ),
        "int f(void) { int v = ({ int k = 1; }); return v; }": (
            1,
            24,
            "void value not ignored as it ought to be in initialization",
        ),
        "struct s { unsigned a : 3; };\nint f(struct s x) { __typeof__(x.a) y = 1; return y; }": (
            2,
            32,
            "'typeof' applied to a bit-field",
        ),
    }
    for source, (line, column, message) in errors.items():
        with pytest.raises(CompileError, match=re.escape(message)) as info:
            c_to_ir(source, FrontendOptions(), filename="t.c")
        assert (info.value.location.line, info.value.location.column) == (line, column)
    # a statement expression's value is its last expression statement's; a return leaves
    two_returns = "int f(int x) { return ({ if (x) return 5; 3; }); }"
    assert c_to_ir(two_returns, FrontendOptions()).ir.count("ret i32") == 2
