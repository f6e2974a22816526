"""The oracle end to end: C source through the frontend (instrumented), run on sampled inputs."""

from __future__ import annotations

import ctypes
import ctypes.util
from pathlib import Path

import numpy as np
import pytest

from nsc.ir.batch import batch_ir, scratch_bytes
from nsc.ir.oracle import Oracle, Status, run_isolated
from nsc.ir.sampling import sample_inputs
from nsc.ir.sandbox import run_in_worker
from nsc.signature import MAX_SCALARS

frontend = pytest.importorskip("nsc.frontend.lower", reason="the C frontend is not built yet")
from nsc.frontend import FrontendOptions, c_to_ir  # noqa: E402

KERNEL = Path(__file__).resolve().parent.parent / "benchmarks" / "kernels" / "black_scholes.c"


def compile_c(source: str, instrument: bool = True):
    return c_to_ir(source, FrontendOptions(instrument=instrument), filename="t.c")


def cnd(x: np.ndarray) -> np.ndarray:
    k = 1 / (1 + 0.2316419 * np.abs(x))
    poly = (
        (((1.330274429 * k - 1.821255978) * k + 1.781477937) * k - 0.356563782) * k
    ) + 0.31938153
    tail = 0.3989422804014327 * np.exp(-0.5 * x * x) * poly * k
    return np.where(x > 0, 1 - tail, tail)


def test_black_scholes_kernel_matches_numpy():
    compiled = c_to_ir(KERNEL, FrontendOptions(instrument=True))
    sig = compiled.signature
    assert sig.input("S").range == (10.0, 200.0)
    ins = sample_inputs(sig, 500, 0)
    assert ins["S"].min() >= 10 and ins["v"].max() <= 0.6
    run = Oracle(compiled.ir, sig).run(ins)
    assert run.ok.all()
    S, K, T, r, v = (ins[k] for k in "SKTrv")
    d1 = (np.log(S / K) + (r + 0.5 * v * v) * T) / (v * np.sqrt(T))
    d2 = d1 - v * np.sqrt(T)
    call = S * cnd(d1) - K * np.exp(-r * T) * cnd(d2)
    np.testing.assert_allclose(run.outputs["call"], call, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(run.outputs["delta"], cnd(d1), rtol=1e-12)


TRAPS = r"""
struct P { float x; float y; };
static int calls;
int f(const struct P pts[3], int k, float out[3]) {
    for (int i = 0; i < 3; i++) { out[i] = pts[i].x * pts[i].y; }
    while (k > 100) { }
    calls++;
    return 12 / k + calls + (int)out[k & 3];
}
"""


def test_traps_from_c_and_struct_array_ports():
    compiled = compile_c(TRAPS)
    ins = sample_inputs(compiled.signature, 8, 1)
    ins["k"] = np.array([0, 1, 2, 3, 200, 4, 6, -1], np.int32)
    run = Oracle(compiled.ir, compiled.signature, fuel=10_000).run(ins)
    s = Status
    assert run.status.tolist() == [s.DIV_BY_ZERO, 0, 0, s.OUT_OF_BOUNDS, s.OUT_OF_FUEL, 0, 0, 2]
    out = run.outputs["out"]
    np.testing.assert_allclose(out[run.ok], (ins["pts.x"] * ins["pts.y"])[run.ok], rtol=1e-6)
    assert np.isnan(out[~run.ok]).all()
    k, ok = ins["k"][run.ok], run.ok
    want = 12 // k + 1 + np.trunc(out[ok][np.arange(ok.sum()), k & 3]).astype(np.int32)
    np.testing.assert_array_equal(run.outputs["return"][ok], want)


def test_unbounded_recursion_runs_out_of_fuel():
    compiled = compile_c("int down(int n) { if (n == 0) return 7; return down(n - 1); }")
    n = np.array([3, 100, -1, 0], np.int32)
    run = Oracle(compiled.ir, compiled.signature, fuel=1000).run({"n": n})
    assert run.status.tolist() == [0, 0, Status.OUT_OF_FUEL, 0]
    assert run.outputs["return"].tolist() == [7, 7, 0, 7]


def test_wild_pointer_crashes_only_its_row():
    compiled = compile_c("int peek(long k) { if (k > 5) return *(int *)k; return k + 1; }")
    k = np.array([1, 9, 2], np.int64)
    run = run_isolated(compiled.ir, compiled.signature, {"k": k}, timeout=60)
    assert run.status.tolist() == [0, Status.CRASH, 0]
    assert run.outputs["return"].tolist() == [2, 0, 3]


LARGEST = r"""
#pragma nsc shape(p, 1024, 1024)
#pragma nsc shape(q, 1024, 1024)
void f(const double *p, double *q) {
    q[(int)p[0]] = p[1048575];
}
"""


@pytest.mark.parametrize("opt_level", [0, 2])
def test_ports_of_the_largest_size_run(opt_level: int):
    """An input and an output of MAX_SCALARS doubles (8 MiB each, the default thread stack's
    size): their memory images live in the scratch buffer, still zero-filled for every row."""
    compiled = compile_c(LARGEST)
    sig = compiled.signature
    assert [p.size for p in sig.inputs + sig.outputs] == [MAX_SCALARS, MAX_SCALARS]
    assert scratch_bytes(sig) >= 2 * 8 * MAX_SCALARS
    p = np.zeros((3, 1024, 1024))
    p[:, 0, 0] = [5, 1048575, 7]  # where each row writes q: row 1 must not see row 0's store
    p[:, -1, -1] = [1.5, 2.5, -3.0]
    run = run_in_worker(compiled.ir, sig, {"p": p}, timeout=60, opt_level=opt_level)
    assert run.status.tolist() == [0, 0, 0]
    want = np.zeros((3, 1024 * 1024))
    want[[0, 1, 2], [5, 1048575, 7]] = [1.5, 2.5, -3.0]
    np.testing.assert_array_equal(run.outputs["q"].reshape(3, -1), want)


def test_small_memory_images_stay_on_the_stack():
    sig = compile_c(MEMORY).signature
    assert scratch_bytes(sig) == 0
    assert "ptr %scratch" not in batch_ir(sig, instrumented=True)  # no image placed in it


MEMORY = r"""
#include <string.h>
float f(int k, const float x[4], float y[4]) {
    float a[2];
    memcpy(a, x, sizeof(float) * (unsigned)k);  /* past a[1] for k > 2 */
    memset(y, 0, sizeof(float) * (unsigned)(k + 1));  /* past y[3] for k > 3 */
    return k > 0 ? a[0] : 0.0f;
}
"""


def test_memset_and_memcpy_past_a_known_object_trap_as_indexing_does():
    compiled = compile_c(MEMORY)
    ins = sample_inputs(compiled.signature, 4, 1)
    ins["k"] = np.array([0, 2, 3, 4], np.int32)
    run = Oracle(compiled.ir, compiled.signature).run(ins)
    assert run.status.tolist() == [0, 0, Status.OUT_OF_BOUNDS, Status.OUT_OF_BOUNDS]
    assert run.outputs["return"][1] == ins["x"][1, 0]
    assert (run.outputs["y"][:2] == 0).all()


MINMAX = r"""
#include <math.h>
#pragma nsc range(a, 0, 3)
#pragma nsc range(b, 0, 3)
static double pick(int k) { return k == 0 ? -0.0 : k == 1 ? 0.0 : k == 2 ? 1.5 : NAN; }
void f(int a, int b, double r[4], float s[4]) {
    double x = pick(a), y = pick(b);
    float u = (float)x, v = (float)y;
    r[0] = fmin(x, y); r[1] = fmax(x, y); r[2] = fmin(y, x); r[3] = fmax(y, x);
    s[0] = fminf(u, v); s[1] = fmaxf(u, v); s[2] = fminf(v, u); s[3] = fmaxf(v, u);
}
"""


@pytest.mark.parametrize("opt_level", [0, 2])
def test_fmin_fmax_choose_as_glibc(opt_level: int):
    """Between equal operands (+0.0 and -0.0) glibc's fmin and fmax return the second, where
    LLVM's lowering of llvm.minnum/maxnum returns the first; a NaN operand gives the other."""
    compiled = compile_c(MINMAX)
    a, b = np.meshgrid(np.arange(4, dtype=np.int32), np.arange(4, dtype=np.int32))
    ins = {"a": a.ravel(), "b": b.ravel()}
    run = Oracle(compiled.ir, compiled.signature, opt_level=opt_level).run(ins)
    values = np.array([-0.0, 0.0, 1.5, np.nan])
    x, y = values[ins["a"]], values[ins["b"]]

    def glibc(op, p, q):  # p unless it is strictly on the chosen side of q, or q is NaN
        first = op(p, q) | np.isnan(q)
        return np.where(first, p, q)

    want = [
        glibc(np.less, x, y),
        glibc(np.greater, x, y),
        glibc(np.less, y, x),
        glibc(np.greater, y, x),
    ]
    for got, port in ((run.outputs["r"], "r"), (run.outputs["s"], "s")):
        expected = np.stack(want, axis=1).astype(got.dtype)
        same = np.where(
            np.isnan(expected),
            np.isnan(got),
            (got == expected) & (np.signbit(got) == np.signbit(expected)),
        )
        assert same.all(), f"{port}: {got[~same.all(axis=1)]} != {expected[~same.all(axis=1)]}"


def test_fmin_fmax_stay_intrinsics_in_the_clean_ir():
    ir = compile_c(MINMAX, instrument=False).ir
    assert "@llvm.minnum.f64" in ir and "@llvm.maxnum.f32" in ir and "libm" not in ir


POW = r"""
#include <math.h>
#pragma nsc range(x, 0.5, 30)
double f(double x, double o[3]) {
    o[0] = pow(8.0, x); o[1] = pow(x, 2.0); o[2] = pow(x, 0.5);
    return pow(x, -1.0);
}
"""


def test_pow_is_called_as_written_and_stays_an_intrinsic_in_the_clean_ir():
    """LLVM would compute pow(8.0, x) as exp2(3x), pow(x, 2.0) as x * x and pow(x, 0.5) as
    sqrt(x); the oracle calls glibc's pow, as gcc -O0 does (and, as gcc, folds pow(x, -1) to
    1 / x); the graph's IR keeps llvm.pow."""
    libm = ctypes.CDLL(ctypes.util.find_library("m"))
    libm.pow.restype, libm.pow.argtypes = ctypes.c_double, [ctypes.c_double, ctypes.c_double]
    compiled = compile_c(POW)
    x = np.linspace(0.5, 30.0, 997)
    run = Oracle(compiled.ir, compiled.signature).run({"x": x})
    want = np.array([[libm.pow(8.0, v), libm.pow(v, 2.0), libm.pow(v, 0.5)] for v in x])
    assert (run.outputs["o"] == want).all()
    assert (run.outputs["return"] == 1.0 / x).all()
    clean = compile_c(POW, instrument=False).ir
    assert "@llvm.pow.f64" in clean and "libm" not in clean
