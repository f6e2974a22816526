"""Unions: their layout (as gcc's), member access at offset 0, initializers, the oracle's checks
of their array members, and their refusal in the entry's signature."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import llvmlite.binding as llvm
import numpy as np
import pytest
from test_frontend_errors import compile_error
from test_frontend_instrument import assert_strips_to_clean, run

from nsc.diagnostics import CompileError
from nsc.frontend import FrontendOptions, c_to_ir
from nsc.frontend.ctypes import (
    CHAR,
    DOUBLE,
    FLOAT,
    INT,
    LONG,
    SHORT,
    ArrayType,
    PointerType,
    StructType,
    UnionType,
)

OK, BOUNDS = 0, 2

# Unions whose layout must be gcc's: padding to the largest alignment, nested records.
LAYOUTS = {
    "int_float": "union { int i; float f; }",
    "double_bytes": "union { double d; unsigned char b[8]; }",
    "padded_chars": "union { char c[13]; long l; }",
    "short_chars": "union { char c[5]; short s; }",
    "one_char": "union { char c; }",
    "struct_inside": "union { struct { char a; double b; } s; int i[5]; }",
    "pointer": "union { int *p; char c[3]; }",
    "union_inside": "union { union { char c[7]; short s; } u; float f; }",
    "in_struct": "struct { char tag; union { short s; char c[3]; } u; char end; }",
    "anonymous": "struct { char k; union { double d; int i; }; char end; }",
    "array_of": "union { float f; char c[6]; }[3]",
}


def _measure_with_nsc(types: dict[str, str]) -> list[int]:
    lines = []
    for i, text in enumerate(types.values()):
        lines.append(f"    out[{2 * i}] = (long)sizeof({text});")
        lines.append(f"    out[{2 * i + 1}] = (long)_Alignof({text});")
    source = (
        f"#pragma nsc shape(out, {2 * len(types)})\n"
        "void f(int x, long *out) {\n" + "\n".join(lines) + "\n    out[0] += x * 0;\n}\n"
    )
    result = run(source, 1000, x=np.zeros(1, np.int32))
    return result.outputs["out"][0].tolist()


def _measure_with_gcc(types: dict[str, str], tmp_path: Path) -> list[int]:
    prints = []
    for text in types.values():
        prints.append(f'    printf("%zu %zu\\n", sizeof({text}), _Alignof({text}));')
    source = tmp_path / "layout.c"
    source.write_text("#include <stdio.h>\nint main(void) {\n" + "\n".join(prints) + "\n}\n")
    binary = tmp_path / "layout"
    subprocess.run(["gcc", "-std=c11", "-o", binary, source], check=True)
    out = subprocess.run([binary], check=True, capture_output=True, text=True).stdout
    return [int(n) for n in out.split()]


@pytest.mark.skipif(shutil.which("gcc") is None, reason="needs gcc")
def test_sizes_and_alignments_are_gccs(tmp_path: Path):
    assert _measure_with_nsc(LAYOUTS) == _measure_with_gcc(LAYOUTS, tmp_path)


@pytest.mark.parametrize(
    "fields",
    [
        [("i", INT), ("f", FLOAT)],
        [("c", ArrayType(CHAR, 13)), ("l", LONG)],
        [("c", ArrayType(CHAR, 5)), ("s", SHORT)],
        [("c", CHAR)],
        [("p", PointerType(INT)), ("c", ArrayType(CHAR, 3))],
        [("s", StructType(None, 0, [("a", CHAR), ("b", DOUBLE)], [True])), ("d", DOUBLE)],
    ],
    ids=["int_float", "chars_long", "chars_short", "char", "pointer", "struct"],
)
def test_llvm_lays_out_the_union_type_with_its_size_and_alignment(fields):
    union = UnionType(None, 0, fields, [True])
    target = llvm.create_target_data(
        "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
    )
    ltype = llvm.parse_assembly(f"@g = global {union.llvm} zeroinitializer").get_global_variable(
        "g"
    )
    assert target.get_abi_size(ltype.global_value_type) == union.size
    assert target.get_abi_alignment(ltype.global_value_type) == union.align
    assert all(union.field_offset(i) == 0 for i in range(len(fields)))


PUNNING = """
union bits { float f; unsigned u; };
unsigned f(float x) { union bits v; v.f = x; return v.u; }
"""


def test_reading_another_member_gives_the_bytes_written():
    x = np.array([1.0, -2.5, 0.0, -0.0, np.inf], np.float32)
    result = run(PUNNING, 1000, x=x)
    np.testing.assert_array_equal(result.outputs["return"], x.view(np.uint32))


def test_members_are_the_union_itself_in_the_ir():
    ir = c_to_ir(PUNNING, FrontendOptions(), filename="t.c").ir
    assert re.search(r"%v = alloca \{ \[1 x i32\] \}", ir)
    assert re.search(r"store float %[\w.]+, ptr %v,", ir)  # no getelementptr: offset 0
    assert re.search(r"load i32, ptr %v,", ir)


STATIC = """
union number { float f; int i; unsigned char bytes[6]; };
static union number first = {2.5f};
static union number named = {.i = -7};
static union number table[2] = {{1.0f}, {.bytes = {1, 2}}};
int f(int k) { return first.i + named.i + table[k & 1].i; }
"""


def test_static_initializers_are_the_chosen_members_bytes_then_zeros():
    ir = c_to_ir(STATIC, FrontendOptions(), filename="t.c").ir
    assert "@first = internal global { [2 x i32] } { [2 x i32] [i32 1075838976, i32 0] }" in ir
    assert "@named = internal global { [2 x i32] } { [2 x i32] [i32 -7, i32 0] }" in ir
    assert "[i32 1065353216, i32 0]" in ir and "[i32 513, i32 0]" in ir


ARRAY_MEMBER = """
union buffer { int a[4]; float f; };
int f(int k) {
    union buffer u = {{1, 2, 3, 4}};
    return u.a[k];
}
"""

POINTER_INTO_MEMBER = """
union buffer { int a[4]; double d[3]; };
int f(int k) {
    union buffer u = {{1, 2, 3, 4}};
    int *p = u.a;
    p += k;
    return *p;
}
"""

THROUGH_UNION_POINTERS = """
union cell { float f; int i; };
int f(int k) {
    union cell cells[3] = {{1.0f}, {.i = 5}, {.i = 7}};
    union cell *p = cells;
    p += k;
    return p->i;
}
"""


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (ARRAY_MEMBER, {0: 1, 1: 2, 2: 3, 3: 4}),
        (POINTER_INTO_MEMBER, {0: 1, 1: 2, 2: 3, 3: 4}),
        (THROUGH_UNION_POINTERS, {0: 1065353216, 1: 5, 2: 7}),
    ],
    ids=["indexed", "pointer_into_array_member", "pointer_to_union"],
)
def test_array_members_and_union_pointers_are_bounds_checked_per_row(source, expected):
    k = np.arange(-2, 7, dtype=np.int32)
    result = run(source, 10_000, k=k)
    for row, key in enumerate(k.tolist()):
        if key in expected:
            assert result.status[row] == OK and result.outputs["return"][row] == expected[key]
        else:
            assert result.status[row] == BOUNDS, f"k={key}: status {result.status[row]}"


def test_a_pointer_from_an_array_member_stays_in_that_member():
    source = """
    union two { int a[2]; long pad[4]; };
    int f(int k) {
        union two u = {.pad = {0, 0, 0, 0}};
        int *p = u.a;
        p += k;
        return *p;
    }
    """
    result = run(source, 10_000, k=np.array([0, 1, 2, 5], np.int32))
    assert result.status.tolist() == [OK, OK, BOUNDS, BOUNDS]


@pytest.mark.parametrize(
    "source",
    [ARRAY_MEMBER, POINTER_INTO_MEMBER, THROUGH_UNION_POINTERS, STATIC, PUNNING],
    ids=["array_member", "pointer_into_member", "union_pointers", "static", "punning"],
)
def test_checks_strip_to_the_clean_lowering(source):
    assert_strips_to_clean(source, "t.c")


BAD = [
    (
        "union U { float f; unsigned u; };\nfloat f(union U u) { return u.f; }",
        2,
        17,
        r"parameter 'u' is a union \('union U'\): a surrogate's inputs and outputs are numbers",
    ),
    (
        "union U { float f; unsigned u; };\nunion U f(float x) { union U u = {x}; return u; }",
        2,
        9,
        r"the return value is a union \('union U'\)",
    ),
    (
        "union U { float f; int i; };\nvoid f(const float *x, union U *y) { y->f = *x; }",
        2,
        32,
        r"parameter 'y' is a union",
    ),
    (
        "struct S { int k; union { float f; int i; }; };\nint f(const struct S *s) { return s->k; }",
        2,
        22,
        r"parameter 's' has type 'const struct S', which holds a union \('<anonymous>'",
    ),
    (
        "union U { float f; int i; };\nstruct S { int k; union U v[2]; };\n"
        "int f(struct S s) { return s.k; }",
        3,
        16,
        r"holds a union \('v\[0\]', of type 'union U'\)",
    ),
    (
        "union U { float f; int i; };\nint f(int k) { union U u; u.f = 1; return u.g; }",
        2,
        45,
        r"no member named 'g' in 'union U'",
    ),
    (
        "union U;\nint f(int k) { union U u; return k; }",
        2,
        24,
        r"variable 'u' has incomplete type 'union U'",
    ),
    (
        "union U;\nint g(int k) { union U *p = 0; return p->i + k; }",
        2,
        39,
        r"incomplete type 'union U' has no members",
    ),
    (
        "union U { float f; int i; };\nint f(int k) { union U u = {1.0f, 2}; return k; }",
        2,
        35,
        r"excess elements in initializer",
    ),
    (
        "struct S { int i; union { float f; int i; }; };\nint f(int k) { return k; }",
        1,
        25,
        r"duplicate member 'i'",
    ),
    (
        "struct S { int k; union U { int i; }; };\nint f(int k) { return k; }",
        1,
        25,
        r"needs a name",
    ),
]


@pytest.mark.parametrize(("source", "line", "column", "message"), BAD)
def test_located_errors(source, line, column, message):
    err = compile_error(source)
    assert (err.location.line, err.location.column) == (line, column), err.render()
    assert re.search(message, err.message), err.message


def test_the_signature_error_suggests_passing_the_member():
    with pytest.raises(CompileError) as info:
        c_to_ir("union U { float f; int i; };\nint f(union U u) { return u.i; }", FrontendOptions())
    assert any("pass the member" in hint for hint in info.value.hints)


def test_unknown_member_hints_reach_into_anonymous_members():
    source = "struct S { int k; union { float value; int i; }; };\n"
    source += "float f(float x) { struct S s; s.value = x; return s.valeu; }"
    with pytest.raises(CompileError) as info:
        c_to_ir(source, FrontendOptions(), filename="bad.c")
    assert any("value" in hint for hint in info.value.hints)
