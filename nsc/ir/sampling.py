"""Random inputs for the oracle: every input port uniform in its range.

Float ports draw reals uniformly in [lo, hi) (then round to the port's dtype), within the values
their dtype holds: a float port's range beyond about ±3.4e38 is an error. Integer ports draw
integers uniformly in [ceil(lo), floor(hi)], clipped to the dtype's limits; bool ports are integer
ports limited to {0, 1}, so the default range (-1, 1) gives 0 and 1. Arrays draw every element
independently. Ports are drawn in signature order, so a seed fixes the result.
"""

from __future__ import annotations

import math

import numpy as np

from nsc.diagnostics import NscError
from nsc.signature import DEFAULT_RANGE, Port, Signature

MAX_ROWS = int(np.iinfo(np.intp).max)  # numpy's largest dimension


def sample_inputs(
    signature: Signature, n: int, rng: np.random.Generator | int
) -> dict[str, np.ndarray]:
    """`n` rows for every input port of `signature`, as `[n, *shape]` arrays of its dtype."""
    if not 0 <= n <= MAX_ROWS:
        raise NscError(f"cannot sample {n} rows (an array holds at most {MAX_ROWS:,})")
    gen = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
    return {port.name: sample_port(port, n, gen) for port in signature.inputs}


def sample_port(port: Port, n: int, rng: np.random.Generator) -> np.ndarray:
    """`n` rows of one port."""
    lo, hi = port.range if port.range is not None else DEFAULT_RANGE
    if not (math.isfinite(lo) and math.isfinite(hi)) or lo > hi:
        raise NscError(f"input {port.name!r} has an invalid range [{lo}, {hi}]")
    size = (n, *port.shape)
    dtype = np.dtype(port.dtype)
    if dtype.kind == "f":
        return uniform_reals(port.name, dtype, lo, hi, size, rng)
    first, last = integer_bounds(port.name, dtype, lo, hi)
    if dtype.kind == "b":
        return rng.integers(first, last, size, endpoint=True, dtype=np.uint8).astype(bool)
    return rng.integers(first, last, size, endpoint=True, dtype=dtype)


def uniform_reals(
    name: str,
    dtype: np.dtype,
    lo: float,
    hi: float,
    size: tuple[int, ...],
    rng: np.random.Generator,
) -> np.ndarray:
    """Reals uniform in [lo, hi) of `dtype`, for any range of finite values `dtype` holds."""
    largest = float(np.finfo(dtype).max)
    if max(-lo, hi) > largest:
        raise NscError(
            f"input {name!r} has the range [{lo:g}, {hi:g}], beyond what {dtype} holds "
            f"(about ±{largest:.6g})",
            hints=(f"give it a range {dtype} holds (--range {name}=LO:HI)",),
        )
    if math.isfinite(float(hi) - float(lo)):  # Python floats: no numpy overflow warning
        return rng.uniform(lo, hi, size).astype(dtype)
    # numpy's uniform computes hi - lo, which overflows a double for a range such as ±1e308: mix
    # the bounds instead (neither product overflows), rounding to hi clipped to just below it
    u = rng.random(size)
    values = lo * (1 - u) + hi * u
    return np.minimum(values, np.nextafter(hi, lo)).astype(dtype)


def integer_bounds(name: str, dtype: np.dtype, lo: float, hi: float) -> tuple[int, int]:
    """The integers [ceil(lo), floor(hi)] clipped to what `dtype` holds (bool: 0 and 1)."""
    limits = (0, 1) if dtype.kind == "b" else (int(np.iinfo(dtype).min), int(np.iinfo(dtype).max))
    first = max(math.ceil(lo), limits[0])
    last = min(math.floor(hi), limits[1])
    if first > last:
        raise NscError(
            f"input {name!r} has no {dtype} value in its range [{lo}, {hi}]",
            hints=(f"{dtype} holds values from {limits[0]} to {limits[1]}",),
        )
    return first, last
