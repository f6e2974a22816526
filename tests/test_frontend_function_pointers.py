"""Function pointers in compiled code: what the oracle does through them."""

from __future__ import annotations

import numpy as np

from nsc.frontend import FrontendOptions, c_to_ir
from nsc.ir.graph import build_graph
from nsc.ir.module import IRModule
from nsc.ir.oracle import Oracle, Status
from nsc.ir.passes import run_passes

TABLE = """
static double v[4] = {1, 2, 3, 4};
static double at(double i) { return v[(int)i]; }        /* traps 2 past the table */
static double spin(double x) { return spin(x + 1); }    /* runs out of fuel */
static double half(double x) { return x / 2; }
typedef double (*unary)(double);
static const unary ops[3] = {at, spin, half};
#pragma nsc range(k, 0, 2)
#pragma nsc range(x, 0, 8)
double f(int k, double x) { return ops[k](x) + 1.0; }
"""


def test_a_trap_in_a_callee_reached_through_a_pointer_ends_the_row():
    compiled = c_to_ir(TABLE, FrontendOptions(instrument=True), filename="t.c")
    oracle = Oracle(compiled.ir, compiled.signature, fuel=10_000)
    k = np.array([0, 0, 1, 2], np.int32)
    x = np.array([3.0, 6.0, 0.0, 5.0])
    result = oracle.run({"k": k, "x": x})
    expected = [Status.OK, Status.OUT_OF_BOUNDS, Status.OUT_OF_FUEL, Status.OK]
    assert result.status.tolist() == expected
    assert result.outputs["return"][[0, 3]].tolist() == [5.0, 3.5]


def test_an_indirect_call_the_optimizer_keeps_is_in_the_graph():
    compiled = c_to_ir(TABLE, FrontendOptions(), filename="t.c")
    optimized = run_passes(IRModule(compiled.ir), "O2,canonicalize{entry=f}").module
    assert "call double %" in optimized.text  # the table is indexed by an input
    graph = build_graph(optimized)
    calls = [n for n, data in graph.nodes(data=True) if data.get("text") == "call"]
    assert calls and all("callee" not in graph.nodes[n] for n in calls)


def test_a_call_through_a_pointer_is_typed_where_it_is_not_evaluated():
    source = """
    static float half(float x) { return x / 2; }
    static float (*const fp)(float) = half;
    static float (*const table[2])(float) = {half, half};
    static const int k = sizeof(fp(1)) + sizeof((*fp)(1)) + sizeof(table[1](1));
    _Static_assert(sizeof(0 ? fp(1) : 2.0) == 8, "the arms' common type");
    int f(int v) { switch (v) { case sizeof(fp(1)): return k; } return 0 && fp(1); }
    """
    compiled = c_to_ir(source, FrontendOptions(), filename="t.c")
    result = Oracle(compiled.ir, compiled.signature).run({"v": np.array([4, 5], np.int32)})
    assert result.outputs["return"].tolist() == [12, 0]
