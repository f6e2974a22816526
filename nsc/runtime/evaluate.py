"""Evaluate a surrogate against the oracle on fresh inputs drawn from the declared ranges.

Per output port, over every scalar element of the port in every kept row:

    err   = surrogate - truth
    MSE   = mean(err^2)             MAE = mean(|err|)            max = max(|err|)
    nMSE  = MSE / var(truth)        (1.0 is as good as predicting the mean)
    rel   = mean(|err|) / mean(|truth|)

nMSE is undefined (None, shown as `n/a`) where the truth is constant, as it is over one row; rel
where the truth is all zero. An evaluation therefore draws at least 2 samples.

Rows where the oracle did not finish (status != OK) or gave a non-finite output are excluded from
every port's metrics and counted in `excluded` (the latter also in `not_finite`). The metrics are
summed in units of a power of two near the largest value, so an MSE or MAE beyond the range of a
double is infinite (shown as `>1.8e+308`) without spoiling the ratios nMSE and rel.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from nsc.diagnostics import NscError, require_file
from nsc.frontend import CompiledC, FrontendOptions
from nsc.runtime.surrogate import Surrogate
from nsc.signature import Signature


@dataclass(frozen=True)
class PortMetrics:
    port: str
    mse: float
    mae: float
    nmse: float | None  # None: undefined, the truth is constant
    relative: float | None  # None: undefined, the truth is all zero
    max_error: float


@dataclass(frozen=True)
class EvalTable:
    """The metrics of every output port, and how many rows went into them."""

    ports: tuple[PortMetrics, ...]
    samples: int  # rows drawn
    excluded: int  # rows dropped because the oracle failed on them or gave a non-finite output
    not_finite: int = 0  # of those, the rows the oracle finished with a NaN or infinite output

    def format(self) -> str:
        """A fixed-width text table, one row per output port."""
        head = ("port", "MSE", "MAE", "nMSE", "rel", "max err")
        rows = [(m.port, *map(_cell, _values(m))) for m in self.ports]
        widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
        lines = [
            "  ".join(
                c.ljust(w) if i == 0 else c.rjust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
            for row in [head, *rows]
        ]
        if any(m.nmse is None or m.relative is None for m in self.ports):
            lines.append(
                "n/a: undefined where the oracle's output is constant (nMSE) or zero (rel)"
            )
        if any(v is not None and np.isinf(v) for m in self.ports for v in _values(m)):
            lines.append(f"{BEYOND_DOUBLE}: the error is beyond the range of a double")
        kept = self.samples - self.excluded
        lines.append(
            f"{kept} of {self.samples} samples evaluated"
            + (f" ({self.excluded} excluded: {self._why_excluded()})" if self.excluded else "")
        )
        return "\n".join(lines)

    def _why_excluded(self) -> str:
        failed = self.excluded - self.not_finite
        if not self.not_finite:
            return "the oracle failed"
        if not failed:
            return "the oracle's output is not finite"
        return f"the oracle failed on {failed}, its output is not finite on {self.not_finite}"


def _values(m: PortMetrics) -> tuple[float | None, ...]:
    return (m.mse, m.mae, m.nmse, m.relative, m.max_error)


BEYOND_DOUBLE = f">{np.finfo(np.float64).max:.2g}"  # a metric that overflows a double


def _cell(value: float | None) -> str:
    if value is None:
        return "n/a"
    return BEYOND_DOUBLE if np.isinf(value) else f"{value:.4g}"


@dataclass(frozen=True)
class Evaluation:
    """The table and the data behind it (kept rows only), for plots."""

    table: EvalTable
    signature: Signature
    inputs: dict[str, np.ndarray]
    truth: dict[str, np.ndarray]
    predicted: dict[str, np.ndarray]


MIN_SAMPLES = 2  # nMSE divides by the truth's variance, which one sample lacks


def check_sample_count(samples: int) -> None:
    if samples < MIN_SAMPLES:
        raise NscError(
            f"evaluation needs at least {MIN_SAMPLES} samples, not {samples} (nMSE divides by "
            "the variance of the oracle's outputs, which one sample does not have)"
        )


def evaluate(
    surrogate: Surrogate,
    source: CompiledC | str | Path,
    samples: int = 1000,
    seed: int = 0,
    *,
    signature: Signature | None = None,
    fuel: int = 1_000_000,
    timeout: float = 60.0,
    isolated: bool = True,
) -> Evaluation:
    """Compare `surrogate` with the oracle of `source` on `samples` fresh inputs.

    Inputs are drawn from `signature`'s ranges (default: the surrogate's own signature).
    """
    from nsc.ir.oracle import sample_inputs

    check_sample_count(samples)
    compiled = compile_source(source)
    check_compatible(surrogate.signature, compiled.signature)
    inputs = sample_inputs(signature or surrogate.signature, samples, seed)
    truth, finished, finite = oracle_rows(
        compiled, inputs, fuel=fuel, timeout=timeout, isolated=isolated
    )
    ok = finished & finite
    if not ok.all():  # a copy of every array only where rows are left out
        inputs = {name: array[ok] for name, array in inputs.items()}
        truth = {name: array[ok] for name, array in truth.items()}
    predicted = surrogate.run(inputs) if ok.any() else {}
    ports = tuple(
        port_metrics(p.name, truth[p.name], predicted.get(p.name))
        for p in surrogate.signature.outputs
    )
    table = EvalTable(ports, samples, int((~ok).sum()), int((finished & ~finite).sum()))
    return Evaluation(table, surrogate.signature, inputs, truth, predicted)


def port_metrics(name: str, truth: np.ndarray, predicted: np.ndarray | None) -> PortMetrics:
    """The metrics of one port (see the module docstring); NaN when no row was kept."""
    if predicted is None or truth.size == 0:
        return PortMetrics(name, *([float("nan")] * 5))
    t = np.asarray(truth, dtype=np.float64).ravel()
    err = np.asarray(predicted, dtype=np.float64).ravel() - t
    max_error = float(np.max(np.abs(err)))
    # in units of 2**unit, a power of two near the largest value: the scaling is exact, so the
    # numbers are the same, but squares and sums of values near the largest double stay finite
    unit = int(np.frexp(max(max_error, float(np.max(np.abs(t)))))[1])
    t, err = np.ldexp(t, -unit), np.ldexp(err, -unit, out=err)
    mse, mae = float(np.mean(err**2)), float(np.mean(np.abs(err)))
    var, scale = float(np.var(t)), float(np.mean(np.abs(t)))
    constant = t.min() == t.max()  # np.var of equal values can be a rounding error, not 0
    nmse = None if constant or var == 0 else mse / var
    relative = mae / scale if scale > 0 else None
    with np.errstate(over="ignore"):  # an MSE or MAE beyond a double is inf
        mse, mae = float(np.ldexp(mse, 2 * unit)), float(np.ldexp(mae, unit))
    return PortMetrics(name, mse, mae, nmse, relative, max_error)


def compile_source(source: CompiledC | str | Path, options: FrontendOptions | None = None):
    """A C file or already compiled C; the IR must be instrumented for a safe oracle."""
    if isinstance(source, CompiledC):
        return source
    from nsc.frontend import c_to_ir

    path = Path(source)
    require_file(path)
    return c_to_ir(path, replace(options or FrontendOptions(), instrument=True))


def oracle_rows(
    compiled: CompiledC,
    inputs: Mapping[str, np.ndarray],
    *,
    fuel: int = 1_000_000,
    timeout: float = 60.0,
    isolated: bool = True,
) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
    """The oracle's outputs, a mask of the rows it finished, and one of those with all outputs
    finite."""
    from nsc.ir.oracle import Oracle, run_isolated

    if isolated:
        execution = run_isolated(
            compiled.ir, compiled.signature, inputs, fuel=fuel, timeout=timeout
        )
    else:
        execution = Oracle(compiled.ir, compiled.signature, fuel=fuel).run(inputs)
    finite = np.ones(len(execution.ok), dtype=bool)
    for array in execution.outputs.values():
        flat = np.asarray(array, dtype=np.float64).reshape(len(finite), -1)
        finite &= np.isfinite(flat).all(axis=1)
    return execution.outputs, execution.ok, finite


def check_compatible(model: Signature, source: Signature) -> None:
    """The C source must have the ports (names and shapes) the surrogate was compiled for."""
    for what, mine, theirs in (
        ("inputs", model.inputs, source.inputs),
        ("outputs", model.outputs, source.outputs),
    ):
        have = [(p.name, p.shape) for p in mine]
        got = [(p.name, p.shape) for p in theirs]
        if have != got:
            raise NscError(
                f"the C source's {what} do not match the surrogate's",
                hints=(f"surrogate: {_ports_text(have)}", f"source: {_ports_text(got)}"),
            )


def _ports_text(ports: list[tuple[str, tuple[int, ...]]]) -> str:
    return ", ".join(name + "".join(f"[{d}]" for d in shape) for name, shape in ports) or "none"


def source_warning(surrogate: Surrogate, source: Path) -> str | None:
    """A warning when `source` is not the file the surrogate was compiled from (by sha256)."""
    from nsc.backend.onnx_writer import source_sha256

    recorded = surrogate.metadata.get("nsc.source_sha256", "")
    if not recorded or not source.is_file() or source_sha256(source) == recorded:
        return None
    return f"nsc: warning: {source} differs from the source {surrogate.path} was compiled from"
