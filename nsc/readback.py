"""Does the entry read what an output-only pointer holds before the call?

A non-const pointer parameter is an output: the oracle hands the entry zeroed memory there, and
the surrogate learns what the program computes from that start. In-place code (`void
scale(double v[4], double k)`, an LU solve that overwrites its right-hand side) reads the memory
first, so without `inout` the surrogate learns the program on zeros alone, a function the user did
not mean. The frontend sees that only where the entry has no other inputs (`signature_rules`);
this module sees it by running the program: nscc's calibration run carries, for each output-only
pointer parameter, `PROBE_ROWS` more rows that repeat the first calibration inputs with that
parameter's memory filled with nonzero values. Where any output of such a row differs, bit for bit,
from the row it repeats, the parameter's initial contents matter, and nscc warns.

The rows ride in the calibration's own oracle call (one JIT compile): the probe signature reads
every candidate as `inout`, and the calibration rows pass zeros there, which is what an output
starts as anyway, so their results are those of the real signature.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np

from nsc.ir.oracle import Execution
from nsc.signature import Param, Port, Signature, leaf_ports

PROBE_ROWS = 16  # rows per candidate parameter


@dataclass(frozen=True)
class Probe:
    """The calibration run widened by the probe rows (see the module's docstring)."""

    signature: Signature  # the entry's, with every candidate read as inout
    candidates: tuple[int, ...]  # parameter indices of the output-only pointers
    n: int  # calibration rows; the probe rows follow them, PROBE_ROWS per candidate
    rows: int  # probe rows per candidate (fewer than PROBE_ROWS when n is smaller)

    @classmethod
    def plan(cls, signature: Signature, n: int) -> Probe | None:
        """The probe for `n` calibration rows, or None if no parameter needs one."""
        candidates = tuple(
            i
            for i, p in enumerate(signature.params)
            if p.passing == "pointer" and p.role == "output"
        )
        if not candidates or n < 1:
            return None
        params = list(signature.params)
        inputs = list(signature.inputs)
        for i in candidates:
            params[i] = replace(params[i], role="inout")
            inputs += leaf_ports(params[i].name, params[i].layout, i)
        widened = replace(signature, params=tuple(params), inputs=tuple(inputs))
        return cls(widened, candidates, n, min(PROBE_ROWS, n))

    def inputs(self, inputs: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
        """The calibration `inputs` (n rows), the candidates zero there, then the probe rows."""
        blocks = len(self.candidates)
        out: dict[str, np.ndarray] = {}
        for port in self.signature.inputs:
            if port.name in inputs:
                first = np.asarray(inputs[port.name])
                probe = np.concatenate([first[: self.rows]] * blocks)
                out[port.name] = np.concatenate([first, probe])
                continue
            rows = np.zeros((self.n + blocks * self.rows, *port.shape), dtype=port.dtype)
            block = self.candidates.index(port.param)
            start = self.n + block * self.rows
            rows[start : start + self.rows] = _fill(port)
            out[port.name] = rows
        return out

    def calibration(self, run: Execution) -> Execution:
        """The run of the calibration rows alone."""
        outputs = {k: np.asarray(v)[: self.n] for k, v in run.outputs.items()}
        return Execution(outputs, run.status[: self.n])

    def findings(self, outputs: Mapping[str, np.ndarray], status: np.ndarray) -> list[str]:
        """A warning for each candidate whose initial contents changed some output."""
        warnings = []
        for block, i in enumerate(self.candidates):
            start = self.n + block * self.rows
            probe = slice(start, start + self.rows)
            both = (status[: self.rows] == 0) & (status[probe] == 0)
            if not both.any():
                continue
            changed = [
                name
                for name, values in outputs.items()
                if _differ(np.asarray(values)[: self.rows][both], np.asarray(values)[probe][both])
            ]
            if changed:
                warnings.append(self._warning(self.signature.params[i], changed, int(both.sum())))
        return warnings

    def _warning(self, param: Param, changed: list[str], rows: int) -> str:
        name = param.name
        what = ", ".join(f"'{c}'" for c in changed[:4]) + (", ..." if len(changed) > 4 else "")
        return (
            f"nscc: warning: the results of '{self.signature.entry}' depend on what '{name}' holds "
            f"before the call (filling it changed {what} on {rows} calibration inputs), but "
            f"'{name}' is only an output, so the oracle and the surrogate start it at zero\n"
            f"nscc: note: if '{name}' is read as well, mark it '#pragma nsc inout({name})' "
            f"(or pass --input {name} --output {name})"
        )


def _fill(port: Port):
    """A nonzero value for every element: what no zeroed start would give."""
    if port.dtype == "bool":
        return True
    if port.is_integer:
        return 7
    return 1.25


def _differ(a: np.ndarray, b: np.ndarray) -> bool:
    """Bit for bit (NaNs compare by their bits; -0.0 differs from 0.0)."""
    return a.tobytes() != b.tobytes()
