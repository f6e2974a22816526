"""Bit-fields: gcc's layout of records that have them, their reads and writes, static
initializers, and the located errors for what C (or nsc's entry signature) refuses."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import llvmlite.binding as llvm
import numpy as np
import pytest
from test_frontend_errors import compile_error, where
from test_frontend_instrument import run

from nsc.frontend import FrontendOptions, c_to_ir

# Records whose layout must be gcc's: each member's bits are found by setting it to all ones.
LAYOUTS = {
    "small": "struct { unsigned a : 3; int b : 5; }",
    "char_then_int": "struct { char c; int x : 3; }",
    "straddle": "struct { char c[3]; unsigned x : 9; }",
    "wide": "struct { unsigned long long x : 40; unsigned y : 3; }",
    "wide_after_char": "struct { char c; unsigned long long x : 60; }",
    "unnamed": "struct { char c; unsigned : 4; char d; }",
    "zero_width": "struct { char c; unsigned : 0; char d; }",
    "zero_width_long": "struct { char c; long long : 0; char d; }",
    "zero_width_last": "struct { char c; unsigned : 4; unsigned : 0; }",
    "bool_first": "struct { _Bool f : 1; char c; }",
    "mixed_units": "struct { int a : 3; char b; int c : 20; short d; char e : 2; }",
    "chars_shorts": (
        "struct { unsigned char a : 4; unsigned char b : 6; unsigned short c : 9; "
        "unsigned short d : 9; }"
    ),
    "doubles": "struct { unsigned a : 1; double d; unsigned b : 1; }",
    "long_then_ints": "struct { long long a : 40; int b : 20; int c : 12; }",
    "short_unit": "struct { short s; int x : 17; }",
    "union_one": "union { int a : 3; }",
    "union_unnamed": "union { char c; int : 20; }",
    "union_wide": "union { char c; long long x : 3; }",
    "nested": "struct { char t; struct { unsigned a : 5; char c; } in; unsigned b : 7; }",
    "anonymous": "struct { char t; struct { unsigned a : 5; unsigned b : 9; }; short s; }",
    "array": "struct { unsigned a : 12; char c[5]; int b : 4; }",
    "enum_and_signed": "struct { enum { P, Q } e : 2; signed s : 7; long l : 33; }",
}


_TYPE_WORDS = {"int", "unsigned", "signed", "char", "short", "long", "_Bool"}


def _bit_fields(text: str) -> list[str]:
    """The named bit-fields in a record's text."""
    names = re.findall(r"(\w+)\s*:\s*[1-9]\d*\s*[;,]", text)
    return [name for name in names if name not in _TYPE_WORDS]


def _probe_source(entry: bool) -> tuple[str, int]:
    """A program that prints (gcc) or outputs (nsc) each record's size and alignment and a
    hash of its bytes with each bit-field set to all ones in a zeroed object."""
    lines, count = [], 0
    for i, text in enumerate(LAYOUTS.values()):
        lines.append(
            f"{{ typedef {text} T{i}; union {{ T{i} v; unsigned char b[sizeof(T{i})]; }} u;"
        )
        lines.append(f"  OUT(sizeof(T{i}) * 100 + _Alignof(T{i}));")
        count += 1
        for name in _bit_fields(text):
            member = f"u.v.in.{name}" if " in;" in text and name == "a" else f"u.v.{name}"
            lines.append(
                f"  for (unsigned k = 0; k < sizeof u.b; k++) u.b[k] = 0; {member} = -1;"
                "  { long h = 0; for (unsigned k = 0; k < sizeof u.b; k++) h = h * 131 + u.b[k];"
                f"  OUT(h + {member} * 7); }}"
            )
            count += 1
        lines.append("}")
    body = "\n".join(lines)
    if entry:
        return (
            f"#pragma nsc shape(out, {count})\n#define OUT(e) out[n++] = (long)(e)\n"
            f"void f(int x, long *out) {{ int n = 0;\n{body}\n out[0] += x * 0; }}\n",
            count,
        )
    return (
        f'#include <stdio.h>\n#define OUT(e) printf("%ld\\n", (long)(e))\n'
        f"int main(void) {{\n{body}\n return 0; }}\n",
        count,
    )


@pytest.mark.skipif(shutil.which("gcc") is None, reason="needs gcc")
def test_layouts_and_bit_positions_are_gccs(tmp_path: Path):
    source, count = _probe_source(entry=True)
    result = run(source, 100_000, x=np.zeros(1, np.int32))
    assert result.status.tolist() == [0]
    ours = result.outputs["out"][0].tolist()
    program = tmp_path / "probe.c"
    program.write_text(_probe_source(entry=False)[0])
    binary = tmp_path / "probe"
    subprocess.run(["gcc", "-std=c11", "-w", "-o", binary, program], check=True)
    out = subprocess.run([binary], check=True, capture_output=True, text=True).stdout
    theirs = [int(n) for n in out.split()]
    assert len(theirs) == count
    assert ours == theirs


def test_llvm_lays_out_the_record_type_with_its_size_and_alignment():
    source = (
        "struct s { char c; unsigned long long x : 60; short t : 3; };\n"
        "int f(int k) { struct s v = {1, 2, 3}; v.x += k; return v.t + (int)v.x; }\n"
    )
    ir = c_to_ir(source, FrontendOptions(), filename="t.c").ir
    assert "%v = alloca { [2 x i64] }" in ir  # 16 bytes (t fits in x's last short), 8-aligned
    target = llvm.create_target_data(
        "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
    )
    parsed = llvm.parse_assembly("@g = global { [2 x i64] } zeroinitializer")
    ltype = parsed.get_global_variable("g").global_value_type
    assert (target.get_abi_size(ltype), target.get_abi_alignment(ltype)) == (16, 8)


STATIC = """
struct bits { unsigned a : 3; int b : 5; _Bool f : 1; unsigned long long x : 40; char c; };
static struct bits first = {5, -3, 7, 0xFFFFFFFFFFull, 'z'};
static struct bits named = {.c = 1, .b = 15};
union view { struct { unsigned lo : 4, hi : 4; } n; unsigned char byte; };
static union view nibbles = {{.hi = 0xA, .lo = 0x5}};
int f(int k) { return first.b + named.c + nibbles.byte + k; }
"""


def test_static_initializers_put_each_value_in_its_bits():
    ir = c_to_ir(STATIC, FrontendOptions(), filename="t.c").ir
    # a=5: bits 0-2; b=-3: bits 3-7 (0b11101); f: bit 8; x: bits 9-48; c at byte 7
    word = 5 | (0b11101 << 3) | (1 << 8) | (0xFFFFFFFFFF << 9) | (ord("z") << 56)
    assert f"@first = internal global {{ [1 x i64] }} {{ [1 x i64] [i64 {word}] }}" in ir
    word = (15 - 32) % 32 << 3 | 1 << 56
    assert f"@named = internal global {{ [1 x i64] }} {{ [1 x i64] [i64 {word}] }}" in ir
    assert "@nibbles = internal global { [1 x i32] } { [1 x i32] [i32 165] }" in ir


def test_plain_members_of_a_record_with_bit_fields_are_at_their_byte_offsets():
    source = "struct s { unsigned a : 3; double d; };\nint f(double x) { struct s v; v.d = x; return v.a; }\n"
    ir = c_to_ir(source, FrontendOptions(), filename="t.c").ir
    assert re.search(r"getelementptr i8, ptr %v, i64 8", ir)
    assert re.search(r"load i32, ptr %v,", ir) and "and i32" in ir


VALUES = """
struct s { unsigned u : 3; int i : 5; _Bool b : 1; unsigned long long w : 40; };
long f(int k) {
    struct s v = {0};
    long r = (v.u = k);            /* truncated to 3 bits */
    r = r * 100 + (v.i = k);       /* sign-extended from 5 bits */
    r = r * 10 + (v.b = k);        /* any nonzero value is 1 */
    v.w = 0xFFFFFFFFFFull;
    r = r * 10 + (long)(v.w + 1);  /* wraps at 40 bits */
    return r + (v.u - 8 < 0) * 100000000;
}
"""


def test_reads_and_assignments_truncate_and_extend_as_gcc():
    k = np.array([0, 1, 9, -1, 31, 16], np.int32)
    result = run(VALUES, 10_000, k=k)
    expected = []
    for key in k.tolist():
        u, i, b = key & 7, (key + 16) % 32 - 16, int(key != 0)
        expected.append(((u * 100 + i) * 10 + b) * 10 + 100000000)
    assert result.outputs["return"].tolist() == expected


def test_generic_gives_a_narrow_bit_field_its_own_type_as_gcc():
    source = """
    struct s { unsigned a : 3; unsigned w : 32; _Bool b : 1; };
    int f(int k) {
        struct s v = {k, k, k};
        return _Generic(v.a, unsigned: 1, int: 2, default: 3) * 100
            + _Generic(v.w, unsigned: 1, default: 3) * 10 + _Generic(v.b, _Bool: 1, default: 3);
    }
    """
    result = run(source, 1000, k=np.array([1], np.int32))
    assert result.outputs["return"].tolist() == [311]


# --- errors ----------------------------------------------------------------------------------

S = "struct s { unsigned a : 3; int b; };\n"


@pytest.mark.parametrize(
    ("source", "line", "column", "message"),
    [
        (
            S + "int f(int k) { struct s v = {k}; return sizeof v.a; }",
            2,
            48,
            "'sizeof' applied to a bit-field",
        ),
        (
            S + "struct s g;\nint n = sizeof g.a;\nint f(int k) { return k; }",
            3,
            16,
            "'sizeof' applied to a bit-field",
        ),
        (
            S + "int f(struct s *p) { unsigned *q = &p->a; return *q; }",
            2,
            37,
            "cannot take address of bit-field 'a'",
        ),
        (
            S + "struct s g;\nunsigned *q = &g.a;\nint f(int k) { return k; }",
            3,
            16,
            "cannot take address of bit-field 'a'",
        ),
        (
            "#include <stddef.h>\n" + S + "int f(int k) { return k + offsetof(struct s, a); }",
            3,
            46,
            "attempt to take address of bit-field structure member 'a'",
        ),
        (
            "struct t { int x : 0; };\nint f(int k) { return k; }",
            1,
            16,
            "zero width for bit-field 'x'",
        ),
        (
            "struct t { int x : -1; };\nint f(int k) { return k; }",
            1,
            16,
            "negative width in bit-field 'x'",
        ),
        (
            "struct t { int x : 33; };\nint f(int k) { return k; }",
            1,
            16,
            "width of 'x' exceeds its type ('int', 32 bits)",
        ),
        (
            "struct t { _Bool x : 2; };\nint f(int k) { return k; }",
            1,
            18,
            "width of 'x' exceeds its type ('_Bool', 1 bits)",
        ),
        (
            "struct t { unsigned : 40; };\nint f(int k) { return k; }",
            1,
            23,
            "width of '<anonymous>' exceeds its type ('unsigned int', 32 bits)",
        ),
        (
            "struct t { double x : 3; };\nint f(int k) { return k; }",
            1,
            19,
            "bit-field 'x' has invalid type 'double'",
        ),
        (
            "struct t { int *p : 3; };\nint f(int k) { return k; }",
            1,
            16,
            "bit-field 'p' has invalid type 'int *'",
        ),
        (
            "int n = 3;\nstruct t { unsigned a : n; };\nint f(int k) { return k; }",
            2,
            25,
            "bit-field 'a' width not an integer constant",
        ),
        (
            "struct t { unsigned a : 3.0; };\nint f(int k) { return k; }",
            1,
            25,
            "bit-field 'a' width not an integer constant",
        ),
        (
            "struct t { unsigned a : 3; int a : 2; };\nint f(int k) { return k; }",
            1,
            32,
            "duplicate member 'a'",
        ),
        (
            "struct t { _Alignas(8) unsigned a : 3; };\nint f(int k) { return k; }",
            1,
            33,
            "alignment specified for bit-field 'a'",
        ),
    ],
    ids=[
        "sizeof",
        "sizeof_at_file_scope",
        "address",
        "static_address",
        "offsetof",
        "zero_width_named",
        "negative_width",
        "too_wide",
        "bool_too_wide",
        "unnamed_too_wide",
        "double",
        "pointer",
        "variable_width",
        "float_width",
        "duplicate",
        "alignas",
    ],
)
def test_refused_bit_field_uses_are_located(source, line, column, message):
    err = compile_error(source)
    assert err.message == message
    assert where(err) == ("bad.c", line, column)


@pytest.mark.parametrize(
    ("signature", "place", "what"),
    [
        ("int f(struct s v)", "a", "parameter 'v'"),
        ("int f(const struct s *p)", "a", "parameter 'p'"),
        ("struct s f(int k)", "a", "the return value"),
        ("int f(struct o v)", "in.a", "parameter 'v'"),
        ("int f(struct s v[2])", "[0].a", "parameter 'v'"),
    ],
    ids=["value", "pointer", "return", "nested", "array"],
)
def test_an_entry_cannot_take_or_return_a_struct_with_bit_fields(signature, place, what):
    source = (
        "struct s { unsigned a : 3; int b; };\nstruct o { double d; struct s in; };\n"
        f"{signature} {{ struct s r = {{1, 2}}; return {'r' if signature.startswith('struct') else 'r.b'}; }}\n"
    )
    err = compile_error(source)
    assert f"{what} has type" in err.message
    assert f"which holds bit-field '{place}'" in err.message
    assert "a bit-field is some bits of one" in err.message
    assert err.hints == (
        "pass the fields as scalars (say 'unsigned int a') and fill the struct inside the function",
    )
    assert where(err)[1] == 3
