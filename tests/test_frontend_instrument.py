"""The instrumentation protocol: fuel, bounds, division traps and unwinding through calls."""

from __future__ import annotations

import numpy as np

from nsc.frontend import FrontendOptions, c_to_ir
from nsc.ir.oracle import Oracle

SOURCE = """
static int rec(int k) { if (k > 1000) return 0; return rec(k + 1) + 1; }
#pragma nsc shape(b, 6)
int f(int n, int k, const int a[4], const int *b) {
  int s = 0;
  for (;;) { if (n <= 0) break; n--; if (n > 2000) continue; s += a[k]; }
  if (n == -5) return rec(0);
  if (n == -6) return b[k + 2];
  if (n == -7) return (k - 2147483647 - 2) / -1;
  return s / k + s % k;
}
"""


def run(source: str, fuel: int, **inputs):
    compiled = c_to_ir(source, FrontendOptions(instrument=True), filename="t.c")
    oracle = Oracle(compiled.ir, compiled.signature, fuel=fuel)
    return oracle.run({name: np.asarray(v) for name, v in inputs.items()})


def test_status_per_row():
    n = np.array([3, 1000, 3, 3, -5, -6, -6, -7, 5000], np.int32)
    k = np.array([1, 1, 4, 0, 1, 3, 4, 1, 1], np.int32)
    a = np.tile(np.arange(1, 5, dtype=np.int32), (9, 1))
    b = np.tile(np.arange(10, 16, dtype=np.int32), (9, 1))
    result = run(SOURCE, 200, n=n, k=k, a=a, b=b)
    assert result.status.tolist() == [0, 1, 2, 3, 1, 0, 2, 3, 1]
    assert result.outputs["return"][0] == 6
    assert result.outputs["return"][5] == 15


def test_uninstrumented_ir_has_no_checks():
    plain = c_to_ir(SOURCE, filename="t.c").ir
    instrumented = c_to_ir(SOURCE, FrontendOptions(instrument=True), filename="t.c").ir
    assert "__nsc" not in plain and "trap" not in plain
    assert "@__nsc_fuel = global i64 0" in instrumented.replace('"', "")
    assert "@__nsc_trap = global i32 0" in instrumented.replace('"', "")
    assert "store i32 2, ptr @__nsc_trap" in instrumented.replace('"', "")


def test_trap_returns_zero_struct_and_unwinds():
    source = """
    struct R { float x; int y; };
    static struct R inner(int i) { int t[2] = {1, 2}; struct R r = {1.5f, t[i]}; return r; }
    float f(int i) { struct R r = inner(i); return r.x + r.y; }
    """
    result = run(source, 100, i=np.array([1, 2], np.int32))
    assert result.status.tolist() == [0, 2]
    assert result.outputs["return"][0] == 3.5
