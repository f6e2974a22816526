"""Signature extraction: entry choice, roles, shapes, struct flattening, ranges, pragmas, options."""

from __future__ import annotations

import pytest

from nsc.diagnostics import CompileError
from nsc.frontend import FrontendOptions, c_to_ir
from nsc.frontend.ctypes import DOUBLE, FLOAT, INT, ArrayType, BoolType, StructType
from nsc.signature import Signature, llvm_type


def signature(source: str, **options) -> Signature:
    return c_to_ir(source, FrontendOptions(**options), filename="sig.c").signature


def names(ports) -> list[str]:
    return [p.name for p in ports]


def test_axbench_inversek2j_with_inputs_option():
    sig = signature(
        "void inversek2j(float *x, float *y, float *t1, float *t2) { *t1 = *x; *t2 = *y; }",
        inputs=("x", "y"),
    )
    assert names(sig.inputs) == ["x", "y"]
    assert names(sig.outputs) == ["t1", "t2"]
    assert all(p.range == (-1.0, 1.0) and p.shape == () for p in sig.inputs)
    assert all(p.range is None for p in sig.outputs)


def test_default_roles_and_shapes():
    sig = signature(
        "int f(float s, const double *c, float m[3][3], float *o) { o[0] = s; return 1; }"
    )
    assert names(sig.inputs) == ["s", "c"]
    assert names(sig.outputs) == ["return", "m", "o"]
    assert sig.output("m").shape == (3, 3) and sig.output("m").dtype == "float32"
    assert sig.input("c").dtype == "float64" and sig.input("c").param == 1
    assert sig.params[2].passing == "pointer" and sig.params[0].passing == "value"
    assert sig.returns == {"kind": "int", "bits": 32, "signed": True}


def test_struct_flattening_and_dotted_ranges():
    source = """
    struct Px { float r, g; unsigned char a; };
    #pragma nsc range(p.r, 0, 255)
    #pragma nsc range(p, -5, 5)
    void f(struct Px p, struct Px *out, const struct Px pts[4]) { *out = p; }
    """
    sig = signature(source)
    assert names(sig.inputs) == ["p.r", "p.g", "p.a", "pts.r", "pts.g", "pts.a"]
    assert sig.input("p.r").range == (0.0, 255.0)
    assert sig.input("p.g").range == (-5.0, 5.0)
    assert sig.input("p.a").dtype == "uint8" and sig.input("p.a").path == (2,)
    assert sig.input("pts.g").shape == (4,)
    assert names(sig.outputs) == ["out.r", "out.g", "out.a"]


def test_pragmas_shape_roles_entry_and_cli_precedence():
    source = """
    #pragma nsc entry(kernel)
    #pragma nsc shape(p, 2, 3)
    #pragma nsc inout(p)
    #pragma nsc output(q)
    #pragma nsc range(x, 0, 10)
    static int helper(int v) { return v; }
    int other(int v) { return v; }
    void kernel(float *p, float *q, int x) { p[0] = helper(x); *q = 1; }
    """
    sig = signature(source, ranges={"x": (2.0, 3.0)})
    assert sig.entry == "kernel"
    assert names(sig.inputs) == ["p", "x"] and sig.input("p").shape == (2, 3)
    assert names(sig.outputs) == ["p", "q"]
    assert sig.input("x").range == (2.0, 3.0)
    sig = signature(source, outputs=("p",))
    assert names(sig.inputs) == ["x"]


def test_cli_input_and_output_make_inout():
    sig = signature("void f(float *a, float *b) { *b = *a; }", inputs=("a",), outputs=("a", "b"))
    assert names(sig.inputs) == ["a"] and names(sig.outputs) == ["a", "b"]
    assert sig.params[0].role == "inout"


def test_signature_round_trips_json():
    sig = signature("struct P { int a; double b[2]; };\ndouble f(struct P p) { return p.b[1]; }")
    assert Signature.from_json(sig.to_json()) == sig


def test_layouts_match_llvm_types():
    point = StructType("P", 999, [("x", FLOAT), ("flag", BoolType()), ("v", ArrayType(DOUBLE, 2))])
    point.complete[0] = True
    for ctype in (INT, DOUBLE, BoolType(), ArrayType(ArrayType(FLOAT, 3), 2), point):
        assert llvm_type(ctype.layout()) == str(ctype.llvm)
    assert point.size == 24 and point.align == 8


def test_static_function_is_not_a_candidate_and_entry_is_external():
    compiled = c_to_ir(
        "static int g(int x) { return x; }\nint f(int x) { return g(x); }", filename="a.c"
    )
    assert compiled.signature.entry == "f"
    assert "define internal i32 @g(" in compiled.ir and "define i32 @f(" in compiled.ir


@pytest.mark.parametrize(
    ("options", "message"),
    [({"outputs": ("x",)}, "passed by value"), ({"ranges": {"x": (3.0, 3.0)}}, "empty range")],
)
def test_role_and_range_errors(options, message):
    with pytest.raises(Exception, match=message):
        signature("int f(int x) { return x; }", **options)


RANGED_TWICE = (
    "#pragma nsc range(x, 0, 1)\n#pragma nsc range(y, 0, 1)\n#pragma nsc range(x, 0, 2)\n"
    "double f(double x, double y) { return x * y; }\n"
)


def test_a_second_range_pragma_for_a_name_is_refused_where_it_stands():
    with pytest.raises(CompileError) as info:
        signature(RANGED_TWICE)
    err = info.value
    assert (err.location.line, err.location.column) == (3, 9)
    assert err.message == "#pragma nsc range gives 'x' a second range"
    assert err.hints == ("'x' has the range [0, 1] from sig.c:1:9",)


def test_range_over_a_range_pragma_still_wins():
    once = RANGED_TWICE.replace("#pragma nsc range(x, 0, 2)\n", "")
    assert signature(once).input("x").range == (0.0, 1.0)
    assert signature(once, ranges={"x": (5.0, 6.0)}).input("x").range == (5.0, 6.0)
