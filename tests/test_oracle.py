"""The in-process oracle on hand-written IR that follows the frontend's type mapping and protocol."""

from __future__ import annotations

import numpy as np
import pytest

from nsc.diagnostics import NscError
from nsc.ir.oracle import Oracle, Status
from nsc.ir.sampling import sample_inputs
from nsc.signature import Param, Signature, leaf_ports

F32 = {"kind": "float", "bits": 32}
F64 = {"kind": "float", "bits": 64}
I32 = {"kind": "int", "bits": 32, "signed": True}
I64 = {"kind": "int", "bits": 64, "signed": True}
BOOL = {"kind": "bool"}

PROTOCOL = """
@__nsc_fuel = global i64 0
@__nsc_trap = global i32 0
"""


def array(n: int, of: dict) -> dict:
    return {"kind": "array", "n": n, "of": of}


def struct(name: str, *fields: tuple[str, dict]) -> dict:
    return {"kind": "struct", "name": name, "fields": [list(f) for f in fields]}


def signature(entry: str, params: list[Param], returns: dict | None = None) -> Signature:
    """Ports follow the roles: inputs from input/inout params, outputs from output/inout ones."""
    inputs, outputs = [], []
    for k, p in enumerate(params):
        ports = leaf_ports(p.name, p.layout, k)
        if p.role in ("input", "inout"):
            inputs += ports
        if p.role in ("output", "inout"):
            outputs += ports
    if returns is not None:
        outputs += leaf_ports("return", returns, -1)
    return Signature(entry, tuple(params), tuple(inputs), tuple(outputs), returns)


SCALAR_IR = """
define double @f(double %x, double %y) {
  %xy = fmul double %x, %y
  %s = call double @sin(double %x)
  %r = fadd double %xy, %s
  ret double %r
}
declare double @sin(double)
"""
SCALAR_SIG = signature(
    "f", [Param("x", "value", F64, "input"), Param("y", "value", F64, "input")], F64
)


def test_scalar_function_matches_numpy():
    rng = np.random.default_rng(0)
    x, y = rng.uniform(-3, 3, 1000), rng.uniform(-3, 3, 1000)
    run = Oracle(SCALAR_IR, SCALAR_SIG).run({"x": x, "y": y})
    np.testing.assert_allclose(run.outputs["return"], x * y + np.sin(x), rtol=1e-12)
    assert run.status.dtype == np.uint8 and not run.status.any()


@pytest.mark.parametrize("opt_level", [0, 3])
def test_opt_levels_agree(opt_level):
    x = np.linspace(-1, 1, 7)
    run = Oracle(SCALAR_IR, SCALAR_SIG, opt_level=opt_level).run({"x": x, "y": x})
    np.testing.assert_allclose(run.outputs["return"], x * x + np.sin(x))


ARRAY_IR = """
define void @g(ptr %a, ptr %out) {
entry:
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %next, %loop ]
  %j = sub i64 3, %i
  %pa = getelementptr [4 x float], ptr %a, i64 0, i64 %i
  %pb = getelementptr [4 x float], ptr %a, i64 0, i64 %j
  %va = load float, ptr %pa
  %vb = load float, ptr %pb
  %m = fmul float %va, 2.0
  %v = fsub float %m, %vb
  %po = getelementptr [4 x float], ptr %out, i64 0, i64 %i
  store float %v, ptr %po
  %next = add i64 %i, 1
  %more = icmp ult i64 %next, 4
  br i1 %more, label %loop, label %done
done:
  ret void
}
"""
ARRAY_SIG = signature(
    "g",
    [
        Param("a", "pointer", array(4, F32), "input", const=True),
        Param("out", "pointer", array(4, F32), "output"),
    ],
)


def test_array_in_array_out():
    a = np.random.default_rng(1).uniform(-1, 1, (50, 4)).astype(np.float32)
    run = Oracle(ARRAY_IR, ARRAY_SIG).run({"a": a})
    out = run.outputs["out"]
    assert out.shape == (50, 4) and out.dtype == np.float32
    np.testing.assert_allclose(out, 2 * a - a[:, ::-1], rtol=1e-6)


COLOR = struct("C", ("r", F32), ("g", F32), ("b", F32))
STRUCT_VALUE_IR = """
define float @luma({float, float, float} %c) {
  %r = extractvalue {float, float, float} %c, 0
  %g = extractvalue {float, float, float} %c, 1
  %b = extractvalue {float, float, float} %c, 2
  %r1 = fmul float %r, 0.25
  %g1 = fmul float %g, 0.5
  %b1 = fmul float %b, 0.125
  %s = fadd float %r1, %g1
  %t = fadd float %s, %b1
  ret float %t
}
"""


def test_struct_by_value():
    sig = signature("luma", [Param("c", "value", COLOR, "input")], F32)
    assert [p.name for p in sig.inputs] == ["c.r", "c.g", "c.b"]
    ins = sample_inputs(sig, 64, 3)
    run = Oracle(STRUCT_VALUE_IR, sig).run(ins)
    want = ins["c.r"] * 0.25 + ins["c.g"] * 0.5 + ins["c.b"] * 0.125
    np.testing.assert_allclose(run.outputs["return"], want, rtol=1e-6)


# struct S { float w[3]; double b; };  void dense(const struct S s[2], const float x[3], double *y)
# y[k] = dot(s[k].w, x) + s[k].b, and sum over k into the return value; ports s.w [2,3], s.b [2].
SLOT = struct("S", ("w", array(3, F32)), ("b", F64))
STRUCT_POINTER_IR = """
define double @dense(ptr %s, ptr %x, ptr %y) {
entry:
  br label %row
row:
  %k = phi i64 [ 0, %entry ], [ %k1, %col.done ]
  %acc = phi double [ 0.0, %entry ], [ %acc1, %col.done ]
  br label %col
col:
  %j = phi i64 [ 0, %row ], [ %j1, %col ]
  %dot = phi float [ 0.0, %row ], [ %dot1, %col ]
  %pw = getelementptr [2 x {[3 x float], double}], ptr %s, i64 0, i64 %k, i32 0, i64 %j
  %px = getelementptr [3 x float], ptr %x, i64 0, i64 %j
  %w = load float, ptr %pw
  %xv = load float, ptr %px
  %wx = fmul float %w, %xv
  %dot1 = fadd float %dot, %wx
  %j1 = add i64 %j, 1
  %jm = icmp ult i64 %j1, 3
  br i1 %jm, label %col, label %col.done
col.done:
  %pb = getelementptr [2 x {[3 x float], double}], ptr %s, i64 0, i64 %k, i32 1
  %b = load double, ptr %pb
  %d = fpext float %dot1 to double
  %yk = fadd double %d, %b
  %py = getelementptr [2 x double], ptr %y, i64 0, i64 %k
  store double %yk, ptr %py
  %acc1 = fadd double %acc, %yk
  %k1 = add i64 %k, 1
  %km = icmp ult i64 %k1, 2
  br i1 %km, label %row, label %done
done:
  ret double %acc1
}
"""
STRUCT_POINTER_SIG = signature(
    "dense",
    [
        Param("s", "pointer", array(2, SLOT), "input", const=True),
        Param("x", "pointer", array(3, F32), "input", const=True),
        Param("y", "pointer", array(2, F64), "output"),
    ],
    F64,
)


def test_struct_pointer_with_nested_array_fields():
    sig = STRUCT_POINTER_SIG
    ports = {p.name: (p.shape, p.path) for p in sig.inputs}
    assert ports["s.w"] == ((2, 3), (0,)) and ports["s.b"] == ((2,), (1,))
    ins = sample_inputs(sig, 200, 7)
    run = Oracle(STRUCT_POINTER_IR, sig).run(ins)
    dot = np.einsum("nkj,nj->nk", ins["s.w"], ins["x"]).astype(np.float64)
    y = dot + ins["s.b"]
    np.testing.assert_allclose(run.outputs["y"], y, rtol=1e-5)
    np.testing.assert_allclose(run.outputs["return"], y.sum(axis=1), rtol=1e-5)


INOUT_IR = """
define void @scale(ptr %p) {
  %px = getelementptr {i32, [2 x i8]}, ptr %p, i64 0, i32 0
  %x = load i32, ptr %px
  %x2 = mul i32 %x, 3
  store i32 %x2, ptr %px
  %pf = getelementptr {i32, [2 x i8]}, ptr %p, i64 0, i32 1, i64 1
  %f = load i8, ptr %pf
  %nf = xor i8 %f, 1
  store i8 %nf, ptr %pf
  ret void
}
"""


def test_inout_struct_with_bool_array():
    layout = struct("P", ("x", I32), ("flags", array(2, BOOL)))
    sig = signature("scale", [Param("p", "pointer", layout, "inout")])
    x = np.array([1, -2, 7], dtype=np.int32)
    flags = np.array([[True, False], [False, True], [True, True]])
    run = Oracle(INOUT_IR, sig).run({"p.x": x, "p.flags": flags})
    np.testing.assert_array_equal(run.outputs["p.x"], 3 * x)
    assert run.outputs["p.flags"].dtype == np.bool_
    np.testing.assert_array_equal(run.outputs["p.flags"], np.stack([flags[:, 0], ~flags[:, 1]], 1))


DIV_IR = (
    PROTOCOL
    + """
define i32 @div(i32 %a, i32 %b) {
  %zero = icmp eq i32 %b, 0
  br i1 %zero, label %trap, label %ok
trap:
  store i32 3, ptr @__nsc_trap
  ret i32 0
ok:
  %q = sdiv i32 %a, %b
  ret i32 %q
}
"""
)
DIV_SIG = signature(
    "div", [Param("a", "value", I32, "input"), Param("b", "value", I32, "input")], I32
)


def test_division_by_zero_traps_per_row():
    a = np.array([7, 8, 9, -9], dtype=np.int32)
    b = np.array([2, 0, 3, 0], dtype=np.int32)
    run = Oracle(DIV_IR, DIV_SIG).run({"a": a, "b": b})
    assert run.status.tolist() == [0, Status.DIV_BY_ZERO, 0, Status.DIV_BY_ZERO]
    assert run.outputs["return"].tolist() == [3, 0, 3, 0]
    assert run.ok.tolist() == [True, False, True, False]


# Burns one unit of fuel per iteration and returns the iteration count as a double.
SPIN_IR = (
    PROTOCOL
    + """
define double @spin(i64 %k) {
entry:
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i1, %next ]
  %more = icmp slt i64 %i, %k
  br i1 %more, label %body, label %done
body:
  %f = load i64, ptr @__nsc_fuel
  %f1 = sub i64 %f, 1
  store i64 %f1, ptr @__nsc_fuel
  %out = icmp slt i64 %f1, 0
  br i1 %out, label %trap, label %next
next:
  %i1 = add i64 %i, 1
  br label %loop
trap:
  store i32 1, ptr @__nsc_trap
  ret double 0.0
done:
  %d = sitofp i64 %i to double
  ret double %d
}
"""
)
SPIN_SIG = signature("spin", [Param("k", "value", I64, "input")], F64)


def test_fuel_runs_out_per_row_and_is_reset():
    k = np.array([10, 10_000, 5, 99, 100, 101], dtype=np.int64)
    run = Oracle(SPIN_IR, SPIN_SIG, fuel=100).run({"k": k})
    assert run.status.tolist() == [0, 1, 0, 0, 0, 1]
    out = run.outputs["return"]
    np.testing.assert_array_equal(out[run.ok], [10, 5, 99, 100])
    assert np.isnan(out[~run.ok]).all()


# int fib(int n) with fuel at entry and a trap check after each call.
FIB_IR = (
    PROTOCOL
    + """
define i32 @fib(i32 %n) {
entry:
  %f = load i64, ptr @__nsc_fuel
  %f1 = sub i64 %f, 1
  store i64 %f1, ptr @__nsc_fuel
  %empty = icmp slt i64 %f1, 0
  br i1 %empty, label %nofuel, label %go
nofuel:
  store i32 1, ptr @__nsc_trap
  ret i32 0
go:
  %small = icmp slt i32 %n, 2
  br i1 %small, label %base, label %rec
base:
  ret i32 %n
rec:
  %a = sub i32 %n, 1
  %fa = call i32 @fib(i32 %a)
  %t1 = load i32, ptr @__nsc_trap
  %bad1 = icmp ne i32 %t1, 0
  br i1 %bad1, label %unwind, label %second
second:
  %b = sub i32 %n, 2
  %fb = call i32 @fib(i32 %b)
  %t2 = load i32, ptr @__nsc_trap
  %bad2 = icmp ne i32 %t2, 0
  br i1 %bad2, label %unwind, label %sum
sum:
  %s = add i32 %fa, %fb
  ret i32 %s
unwind:
  ret i32 0
}
"""
)


def test_recursion_with_fuel():
    sig = signature("fib", [Param("n", "value", I32, "input")], I32)
    n = np.array([0, 1, 10, 20, 40, 15], dtype=np.int32)
    run = Oracle(FIB_IR, sig, fuel=100_000).run({"n": n})
    assert run.status.tolist() == [0, 0, 0, 0, Status.OUT_OF_FUEL, 0]
    assert run.outputs["return"].tolist() == [0, 1, 55, 6765, 0, 610]


BOUNDS_IR = (
    PROTOCOL
    + """
define float @at(ptr %a, i32 %i) {
  %bad = icmp uge i32 %i, 4
  br i1 %bad, label %trap, label %ok
trap:
  store i32 2, ptr @__nsc_trap
  ret float 0.0
ok:
  %j = sext i32 %i to i64
  %p = getelementptr [4 x float], ptr %a, i64 0, i64 %j
  %v = load float, ptr %p
  ret float %v
}
"""
)


def test_out_of_bounds_check_path():
    sig = signature(
        "at",
        [
            Param("a", "pointer", array(4, F32), "input", const=True),
            Param("i", "value", I32, "input"),
        ],
        F32,
    )
    a = np.arange(20, dtype=np.float32).reshape(5, 4)
    i = np.array([0, 3, 4, -1, 2], dtype=np.int32)
    run = Oracle(BOUNDS_IR, sig).run({"a": a, "i": i})
    assert run.status.tolist() == [0, 0, 2, 2, 0]
    np.testing.assert_array_equal(run.outputs["return"][[0, 1, 4]], [0, 7, 18])


def test_uninstrumented_status_is_zero_and_empty_batch_works():
    oracle = Oracle(ARRAY_IR, ARRAY_SIG)
    assert not oracle.instrumented
    run = oracle.run({"a": np.zeros((0, 4), np.float32)})
    assert run.outputs["out"].shape == (0, 4) and run.status.shape == (0,)


def test_input_casts_and_errors():
    oracle = Oracle(DIV_IR, DIV_SIG)
    run = oracle.run({"a": [6.0, 9.0], "b": np.array([3, 3], dtype=np.int8)})
    assert run.outputs["return"].tolist() == [2, 3]
    with pytest.raises(NscError, match="unknown input 'bb'") as err:
        oracle.run({"a": [1], "bb": [1]})
    assert err.value.hints == ("did you mean 'b'?",)
    with pytest.raises(NscError, match="missing input 'b'"):
        oracle.run({"a": [1]})
    with pytest.raises(NscError, match="non-integer"):
        oracle.run({"a": [1.5], "b": [1]})
    with pytest.raises(NscError, match="outside"):
        oracle.run({"a": [2**40], "b": [1]})
    with pytest.raises(NscError, match="batch size"):
        oracle.run({"a": [1, 2], "b": [1]})
    with pytest.raises(NscError, match=r"'a' has shape \[2, 3\], expected \[batch, 4\]"):
        Oracle(ARRAY_IR, ARRAY_SIG).run({"a": np.zeros((2, 3))})


def test_bad_ir_and_mismatched_signatures():
    with pytest.raises(NscError, match="not valid"):
        Oracle("define i32 @f( {", DIV_SIG)
    with pytest.raises(NscError, match="no function named 'div'"):
        Oracle(SCALAR_IR, DIV_SIG)
    with pytest.raises(NscError, match="implies i32 \\(i32, i32\\)"):
        Oracle(SCALAR_IR.replace("@f(", "@div(").replace("@f ", "@div "), DIV_SIG)


# static int calls; static const-like table (never written); int tick(int i) { return ++calls * 10 + table[i & 3]; }
STATE_IR = """
@calls = internal global i32 0
@table = internal global [4 x i32] [i32 1, i32 2, i32 3, i32 4]
define i32 @tick(i32 %i) {
  %c = load i32, ptr @calls
  %c1 = add i32 %c, 1
  store i32 %c1, ptr @calls
  %j = and i32 %i, 3
  %jj = zext i32 %j to i64
  %p = getelementptr [4 x i32], ptr @table, i64 0, i64 %jj
  %t = load i32, ptr %p
  %m = mul i32 %c1, 10
  %r = add i32 %m, %t
  ret i32 %r
}
"""


def test_every_row_starts_from_the_initial_globals():
    sig = signature("tick", [Param("i", "value", I32, "input")], I32)
    oracle = Oracle(STATE_IR, sig)
    i = np.arange(6, dtype=np.int32)
    for _ in range(2):  # and every call, too
        assert oracle.run({"i": i}).outputs["return"].tolist() == [11, 12, 13, 14, 11, 12]
