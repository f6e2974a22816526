"""Benchmark the JIT oracle against the same kernel compiled by `gcc -O2` (a script, not a test).

    python benchmarks/bench_oracle.py [--rows 100000 1000000] [--repeats 5]

Measures (a) the time from C source (or hand-written IR, while the frontend is not ready) to a
callable oracle, (b) the oracle's throughput in rows/s, and (c) the throughput of the kernel
compiled with `gcc -O2` into a shared library with a C loop over rows, called through ctypes.
"""

from __future__ import annotations

import argparse
import ctypes
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from nsc.ir.oracle import Oracle
from nsc.ir.sampling import sample_inputs
from nsc.signature import Param, Port, Signature

KERNELS = Path(__file__).resolve().parent / "kernels"
F64 = {"kind": "float", "bits": 64}
RANGES = {
    "S": (10.0, 200.0),
    "K": (10.0, 200.0),
    "T": (0.1, 2.0),
    "r": (0.0, 0.1),
    "v": (0.05, 0.6),
}
OUTPUTS = ("call", "put", "delta", "vega")


def hand_signature() -> Signature:
    """The signature the frontend gives black_scholes.c, written out by hand."""
    names = list(RANGES) + list(OUTPUTS)
    params = tuple(
        Param(n, "value", F64, "input") if n in RANGES else Param(n, "pointer", F64, "output")
        for n in names
    )
    inputs = tuple(Port(n, "float64", (), k, (), RANGES[n]) for k, n in enumerate(RANGES))
    outputs = tuple(Port(n, "float64", (), len(RANGES) + k) for k, n in enumerate(OUTPUTS))
    return Signature("black_scholes", params, inputs, outputs)


def frontend_build(instrument: bool) -> tuple[str, Signature] | None:
    """IR and signature from the C kernel, or None while the frontend cannot compile it."""
    try:
        from nsc.frontend import FrontendOptions, c_to_ir

        compiled = c_to_ir(KERNELS / "black_scholes.c", FrontendOptions(instrument=instrument))
    except Exception as err:  # the frontend is being written in parallel
        print(f"frontend not ready ({type(err).__name__}: {err}); using black_scholes.ll")
        return None
    return compiled.ir, compiled.signature


def median_seconds(action: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        action()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def gcc_batch(signature: Signature, folder: Path) -> Callable[[dict[str, np.ndarray], int], dict]:
    """Compile the kernel with a C loop over rows into a shared library; return a runner."""
    params = signature.params
    assert all(p.layout == F64 for p in params), "the gcc driver handles double scalars only"
    args = ", ".join(
        f"const double *{p.name}" if p.passing == "value" else f"double *{p.name}" for p in params
    )
    call = ", ".join(f"{p.name}[i]" if p.passing == "value" else f"&{p.name}[i]" for p in params)
    driver = folder / "driver.c"
    driver.write_text(
        f'#include "{KERNELS / "black_scholes.c"}"\n'
        f"void nsc_batch({args}, long n) {{\n"
        f"    for (long i = 0; i < n; i++) {signature.entry}({call});\n}}\n"
    )
    library = folder / "libkernel.so"
    subprocess.run(
        ["gcc", "-O2", "-shared", "-fPIC", "-o", str(library), str(driver), "-lm"], check=True
    )
    function = ctypes.CDLL(str(library)).nsc_batch
    function.argtypes = [ctypes.c_void_p] * len(params) + [ctypes.c_long]

    def run(inputs: dict[str, np.ndarray], n: int) -> dict[str, np.ndarray]:
        outputs = {p.name: np.zeros(n) for p in signature.outputs}
        arrays = {**inputs, **outputs}
        function(*[arrays[p.name].ctypes.data for p in params], n)
        return outputs

    return run


def measure(n: int, signature: Signature, runners: dict[str, Callable], repeats: int) -> str:
    """One table row: rows/s of each runner on the same `n` sampled rows, and the worst gap."""
    inputs = sample_inputs(signature, n, 0)
    rates = {}
    for name, runner in runners.items():
        rates[name] = n / median_seconds(lambda r=runner: r(inputs, n), repeats)
    ours, theirs = runners["oracle"](inputs, n), runners["gcc -O2"](inputs, n)
    diff = max(float(np.max(np.abs(ours[k] - theirs[k]))) for k in theirs)
    cells = " | ".join(f"{rates[k]:>15.3e}" for k in runners)
    return f"{n:>9} | {cells} | {rates['gcc -O2'] / rates['oracle']:>14.2f} | {diff:.1e}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--repeats", type=int, default=5)
    opts = parser.parse_args()

    built = frontend_build(instrument=True)
    plain = frontend_build(instrument=False)
    if built is None or plain is None:
        ir, signature = (KERNELS / "black_scholes.ll").read_text(), hand_signature()
        print("(a) frontend: not ready, measuring hand-written IR (benchmarks/kernels/*.ll)")
    else:
        ir, signature = built
        t_front = median_seconds(lambda: frontend_build(instrument=True), opts.repeats)
        print(f"(a) frontend (c_to_ir, instrumented): median {t_front * 1e3:.1f} ms")
    t_jit = median_seconds(lambda: Oracle(ir, signature), opts.repeats)
    print(f"(a) JIT (Oracle(...), -O2):            median {t_jit * 1e3:.1f} ms")

    oracle = Oracle(ir, signature)
    runners = {"oracle": lambda inputs, n: oracle.run(inputs).outputs}
    if plain is not None:
        uninstrumented = Oracle(*plain)
        runners["uninstrumented"] = lambda inputs, n: uninstrumented.run(inputs).outputs
    with tempfile.TemporaryDirectory() as folder:
        runners["gcc -O2"] = gcc_batch(signature, Path(folder))
        heads = " | ".join(f"{k + ' rows/s':>15}" for k in runners)
        print(
            f"\n(b, c) median of {opts.repeats} runs\n{'rows':>9} | {heads} | "
            f"{'oracle/gcc time':>14} | max |diff|"
        )
        for n in opts.rows:
            print(measure(n, signature, runners, opts.repeats))


if __name__ == "__main__":
    main()
