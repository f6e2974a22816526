"""String literals in compiled code: their objects in the IR, their bytes, character arrays
initialized from them, the oracle's checks of reads and writes, and what stays refused.
(tests/programs/string_tables.c runs the same against gcc.)"""

from __future__ import annotations

import re

import numpy as np
import pytest
from test_frontend_errors import compile_error, where
from test_frontend_instrument import assert_strips_to_clean, run

from nsc.frontend import FrontendOptions, c_to_ir
from nsc.frontend.codegen.strings import decode_string

OK, BOUNDS = 0, 2


def ir_of(source: str, **options) -> str:
    return c_to_ir(source, FrontendOptions(**options), filename="s.c").ir


def returns(source: str, **inputs) -> tuple[list[int], list]:
    result = run(source, 1_000_000, **{k: np.asarray(v, np.int32) for k, v in inputs.items()})
    return result.status.tolist(), result.outputs["return"].tolist()


@pytest.mark.parametrize(
    ("spelling", "data"),
    [
        (r'"abc"', b"abc"),
        (r'"\n\t\\\"\'\?\a\b\f\v\r"', b"\n\t\\\"'?\a\b\f\v\r"),
        (r'"\0\101\x41\x7f\377"', b"\0AA\x7f\xff"),
        (r'"\1" "23"', b"\x0123"),  # pycparser keeps the boundary: three characters, not '\123'
        (r'"\x4" "1"', b"\x041"),
        ('"caf\u00e9 \u20ac"', "caf\u00e9 \u20ac".encode()),  # UTF-8 bytes
        (r'"\u00e9\U0001F600"', "\u00e9\U0001f600".encode()),
        ('""', b""),
    ],
)
def test_the_bytes_of_a_literal(spelling: str, data: bytes):
    assert decode_string(spelling) == data


def test_a_literal_is_an_unnamed_constant_global_shared_by_equal_literals():
    ir = ir_of('int f(int k) { const char *p = "abc"; return p[k] + "abc"[k] + "x"[0]; }')
    assert re.findall(r"^@\.str.*$", ir, re.M) == [
        '@.str = internal unnamed_addr constant [4 x i8] c"abc\\00"',
        '@.str.1 = internal unnamed_addr constant [2 x i8] c"x\\00"',
    ]


def test_a_literal_only_measured_or_selected_on_leaves_no_global():
    source = 'long f(int k) { return sizeof "abcd" + _Generic("ab", char *: k, default: 0); }'
    ir = ir_of(source)
    assert "@.str" not in ir and "ret i64" in ir
    assert returns(source, k=[3]) == ([OK], [8])


def test_character_arrays_take_a_literal_as_c_does():
    source = """
    static char table[][4] = {"ab", "cde"};
    static const char exact[3] = "xyz";
    struct named { char name[6]; int n; };
    long f(int k) {
        char sized[] = "abc";
        char padded[8] = {"hi"};
        struct named s = {"four", 4};
        static char kept[5] = "st";
        long r = sizeof sized * 1000 + sizeof table + sizeof exact * 10;
        r += padded[7] + padded[1] * 100000 + table[1][k % 4] * 1000000;
        return r + s.name[k % 6] + s.name[5] + kept[0] + (char[]){"zz"}[1];
    }
    """
    status, values = returns(source, k=[0, 2, 5])
    assert status == [OK, OK, OK]
    base = 4 * 1000 + 8 + 30 + ord("i") * 100000 + ord("s") + ord("z")
    assert values == [
        base + ord("c") * 1000000 + ord("f"),
        base + ord("e") * 1000000 + ord("u"),
        base + ord("d") * 1000000 + 0,
    ]


def test_local_arrays_copy_the_literal_and_zero_the_rest():
    ir = ir_of('int f(int k) { char a[8] = "hi"; char b[2] = "hi"; return a[k] + b[k]; }')
    assert "call void @llvm.memset.p0.i64(ptr %a, i8 0, i64 8, i1 false)" in ir
    assert "call void @llvm.memcpy.p0.p0.i64(ptr %a, ptr @.str, i64 2, i1 false)" in ir
    assert "call void @llvm.memcpy.p0.p0.i64(ptr %b, ptr @.str, i64 2, i1 false)" in ir


def test_reads_through_a_literal_are_checked_against_its_bytes():
    k = [0, 3, 4, -1]
    for body in (
        'return "abc"[k];',
        'const char *p = "abc"; return p[k];',
        'const char *p = "abc"; p += k; return *p;',
    ):
        assert returns(f"int f(int k) {{ {body} }}", k=k) == (
            [OK, OK, BOUNDS, BOUNDS],
            [97, 0, 0, 0],
        )
    table = 'static const char *names[] = {"ab", "cd"};\nint f(int k) { return names[1][k]; }'
    assert returns(table, k=[0, 2, 3]) == ([OK, OK, BOUNDS], [99, 0, 0])


def test_a_write_known_to_land_in_a_literal_traps():
    for write in ('"abc"[1] = 1;', '*("abc" + 1) = 1;', '"abc"[1]++;', '"abc"[1] += 2;'):
        source = f"int f(int k) {{ if (k == 4) {write} return k; }}"
        assert returns(source, k=[3, 4]) == ([OK, BOUNDS], [3, 0]), write
        assert_strips_to_clean(source, "s.c")


def test_the_checks_strip_to_the_clean_lowering():
    source = """
    static const char *names[] = {"a", "bc"};
    static int count(const char *s) { int n = 0; while (*s++) n++; return n; }
    int f(int k) { char w[] = "xyz"; return count(names[k & 1]) + w[k & 3] + sizeof "q"; }
    """
    assert_strips_to_clean(source, "s.c")


BAD = [
    ('int f(int x) { return L"abc"[x]; }', 1, 23, r'wide string literals \(L"..."\)'),
    ('int f(int x) { return u8"abc"[x]; }', 1, 23, r'UTF-8 string literals \(u8"..."\)'),
    ('int f(int x) { return u"abc"[x]; }', 1, 23, r'char16_t string literals \(u"..."\)'),
    ('int f(int x) { return U"abc"[x]; }', 1, 23, r'char32_t string literals \(U"..."\)'),
    ('int f(int x) {\n  return "a\\qb"[x]; }', 2, 10, r"unknown escape sequence '\\q' in string"),
    ('int f(int x) { return "\\x"[x]; }', 1, 23, r"\\x used with no following hex digits"),
    ('int f(int x) { return "\\x100"[x]; }', 1, 23, r"hex escape sequence out of range"),
    ('int f(int x) { return "\\777"[x]; }', 1, 23, r"octal escape sequence out of range"),
    ('int f(int x) { return "\\u0041"[x]; }', 1, 23, r"'\\u0041' is not a valid universal"),
    (
        'int f(int x) { char s[2] = "abc"; return s[x]; }',
        1,
        28,
        r"initializer-string for array 'char\[2\]' is too long",
    ),
    (
        'int f(int x) { int s[] = "abc"; return s[x]; }',
        1,
        26,
        r"array of inappropriate type 'int\[\]' initialized from a string literal",
    ),
    ('int f(int x) { "abc" = 0; return x; }', 1, 16, r"array type 'char\[4\]' is not assignable"),
    (
        'int f(int x) { switch (x) { case "a": return 1; } return 0; }',
        1,
        34,
        r"a string literal is not an arithmetic constant",
    ),
    (
        "#include <string.h>\nlong f(int x) { return *strerror(x) + x; }",
        2,
        25,
        r"'strerror' \(from <string.h>\) cannot be called from compiled code",
    ),
]


@pytest.mark.parametrize(("source", "line", "column", "message"), BAD)
def test_refused_with_a_location(source: str, line: int, column: int, message: str):
    err = compile_error(source)
    assert where(err) == ("bad.c", line, column)
    assert re.search(message, err.message), err.message
