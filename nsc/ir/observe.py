"""Observed execution for fusion: what each instruction computed on the calibration inputs.

Neural Code Fusion's idea: a graph encoder learns program behaviour better when each node also
carries what was seen while the program ran. `observe` instruments the clean IR (the text the
program graph is built from) with a call after every instruction whose result is a number (and
before every conditional branch, on its condition), runs it in the oracle over the calibration
rows, and summarizes per instruction: how often it ran per row, and the mean, spread, minimum,
maximum and non-zero fraction of the values it produced. Instructions are numbered in LLVM's
printing order over the defined functions, which is the order of the program graph's instruction
nodes (`instruction_nodes`), so the summaries attach to the graph without any other bookkeeping.

The run uses the clean IR, which has no fuel or bounds checks: give it only rows the instrumented
oracle finished normally (calibration does), on which the clean program finishes too. It runs in
this process, on a thread with a stack far larger than the oracle's: the instrumented code's
frames are larger, and a deep recursion that just fit the oracle's stack must fit here too.
"""

from __future__ import annotations

import ctypes
import struct
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from nsc.diagnostics import NscError
from nsc.ir.irtext import IRTextError, parse_instruction, read_module
from nsc.signature import Signature
from nsc.threads import on_large_stack

OBSERVATIONS = "__nsc_obs"  # the global the instrumented IR accumulates into
_OBSERVE = "__nsc_observe"
FEATURES = ("runs per row", "mean", "std", "min", "max", "non-zero fraction")
FUSION_DIM = len(FEATURES)
_SLOTS = 6  # per instruction: count, sum, sum of squares, min, max, non-zero count
_INTEGERS = {"i1", "i8", "i16", "i32", "i64"}
_FLOATS = {"float", "double", "x86_fp80"}  # long double is observed rounded to double
_TERMINATORS = {"ret", "br", "switch", "unreachable", "indirectbr", "resume"}
_LIMIT = 1e30  # values are clamped to +-_LIMIT (NaN counts as 0) so sums stay finite
STACK_BYTES = 1 << 30  # the observing thread's stack (address space; pages are used on demand)


@dataclass(frozen=True)
class Observation:
    """Raw accumulators per instruction (printing order) after `rows` rows."""

    rows: int
    stats: np.ndarray  # float64 [instructions, 6]: count, sum, sum of squares, min, max, non-zero
    observed: np.ndarray  # bool [instructions]: whether the instruction's values were recorded

    def features(self) -> np.ndarray:
        """float32 [instructions, FUSION_DIM]: the summaries the encoder reads (zero if never run)."""
        count, total, squares, low, high, nonzero = self.stats.T
        ran = count > 0
        n = np.where(ran, count, 1.0)
        mean = total / n
        std = np.sqrt(np.maximum(squares / n - mean * mean, 0.0))
        out = np.stack(
            [
                np.log1p(count / max(self.rows, 1)),
                _signed_log(mean),
                _signed_log(std),
                _signed_log(low),
                _signed_log(high),
                nonzero / n,
            ],
            axis=1,
        )
        out[~ran] = 0.0
        return out.astype(np.float32)

    def by_node(self, nodes: Sequence[int]) -> dict[int, np.ndarray]:
        """Feature rows keyed by graph node, for the observed instructions of `nodes` (in order)."""
        if len(nodes) != len(self.observed):
            raise NscError(
                f"the graph has {len(nodes)} instructions but {len(self.observed)} were observed"
            )
        features = self.features()
        return {int(node): features[i] for i, node in enumerate(nodes) if self.observed[i]}


def observe_graph(
    ir: str, signature: Signature, inputs: Mapping[str, np.ndarray], graph
) -> dict[int, np.ndarray]:  # noqa: ANN001
    """Fusion features keyed by the nodes of `graph` (the program graph of `ir`)."""
    return observe(ir, signature, inputs).by_node(instruction_nodes(graph))


def _signed_log(x: np.ndarray) -> np.ndarray:
    return np.sign(x) * np.log1p(np.abs(x))


def instruction_nodes(graph) -> list[int]:  # noqa: ANN001
    """The instruction nodes of a program graph (a `ProgramGraph` or its networkx form), in order."""
    nodes = graph.nodes
    pairs: Iterable[tuple[int, Mapping]] = (
        enumerate(nodes) if isinstance(nodes, list) else nodes(data=True)
    )
    return sorted(node for node, attrs in pairs if attrs.get("kind") == "instruction")


def instrument(ir: str) -> tuple[str, np.ndarray]:
    """The IR with an observation call per numeric result and branch condition, and which
    instructions (printing order) are observed."""
    try:
        structs = read_module(ir).structs
        lines, observed = _instrument_lines(ir.split("\n"), structs)
    except (IRTextError, ValueError, IndexError) as err:
        raise NscError(f"cannot instrument the IR for observation: {err}") from None
    n = len(observed)
    lines += _accumulator(n)
    return "\n".join(lines), np.array(observed, dtype=bool)


def _instrument_lines(lines: list[str], structs: dict[str, str]) -> tuple[list[str], list[bool]]:
    out: list[str] = []
    observed: list[bool] = []
    pending: list[str] = []  # observations of a block's phis, emitted after the last phi
    in_function = False
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("define "):
            in_function = True
        elif in_function and line == "}":
            in_function = False
        elif in_function and line.startswith("  ") and not line.startswith("    #dbg_"):
            text, first = line, i
            if line.endswith("["):  # a switch's case table, one case a line
                while lines[i].strip() != "]":
                    i += 1
                    text += " " + lines[i].strip()
            instr = parse_instruction(text, structs)
            k = len(observed)
            if instr.opcode != "phi" and pending:
                out += pending
                pending = []
            calls = _observation(k, instr)
            observed.append(bool(calls))
            if instr.opcode == "br":
                out += calls  # the condition, before the branch
            out += lines[first : i + 1]
            if instr.opcode == "phi":
                pending += calls
            elif instr.opcode not in _TERMINATORS:
                out += calls
            i += 1
            continue
        out.append(line)
        i += 1
    return out, observed


def _observation(k: int, instr) -> list[str]:  # noqa: ANN001
    """The lines that record instruction `k`'s value (or a conditional branch's condition)."""
    if instr.opcode == "br":
        if len(instr.operands) != 3:
            return []
        type_, value = "i1", instr.operands[0].text
    elif instr.result is None or instr.type not in _INTEGERS | _FLOATS:
        return []
    else:
        type_, value = instr.type, instr.result
    if type_ == "double":
        return [f"  call void @{_OBSERVE}(i32 {k}, double {value})"]
    name = f"%__nsc_o{k}"
    casts = {"float": "fpext", "x86_fp80": "fptrunc", "i1": "uitofp"}
    cast = casts.get(type_, "sitofp")
    return [
        f"  {name} = {cast} {type_} {value} to double",
        f"  call void @{_OBSERVE}(i32 {k}, double {name})",
    ]


def _hex(value: float) -> str:
    (bits,) = struct.unpack("<Q", struct.pack("<d", value))
    return f"0x{bits:016X}"


def _accumulator(n: int) -> list[str]:
    """The observation global and the function that folds one value into its row."""
    table = f"[{max(n, 1)} x [{_SLOTS} x double]]"
    hi, lo = _hex(_LIMIT), _hex(-_LIMIT)

    def slot(index: int) -> str:
        return f"getelementptr inbounds [{_SLOTS} x double], ptr %row, i64 0, i64 {index}"

    body = f"""
@{OBSERVATIONS} = global {table} zeroinitializer

define internal void @{_OBSERVE}(i32 %k, double %v) {{
  %nan = fcmp uno double %v, 0.0
  %v0 = select i1 %nan, double 0.0, double %v
  %below = fcmp olt double %v0, {lo}
  %v1 = select i1 %below, double {lo}, double %v0
  %above = fcmp ogt double %v1, {hi}
  %x = select i1 %above, double {hi}, double %v1
  %row = getelementptr inbounds {table}, ptr @{OBSERVATIONS}, i64 0, i32 %k
  %pc = {slot(0)}
  %c = load double, ptr %pc
  %c1 = fadd double %c, 1.0
  store double %c1, ptr %pc
  %ps = {slot(1)}
  %s = load double, ptr %ps
  %s1 = fadd double %s, %x
  store double %s1, ptr %ps
  %pq = {slot(2)}
  %q = load double, ptr %pq
  %xx = fmul double %x, %x
  %q1 = fadd double %q, %xx
  store double %q1, ptr %pq
  %first = fcmp oeq double %c, 0.0
  %plo = {slot(3)}
  %m = load double, ptr %plo
  %less = fcmp olt double %x, %m
  %takelo = or i1 %less, %first
  %m1 = select i1 %takelo, double %x, double %m
  store double %m1, ptr %plo
  %ph = {slot(4)}
  %h = load double, ptr %ph
  %more = fcmp ogt double %x, %h
  %takehi = or i1 %more, %first
  %h1 = select i1 %takehi, double %x, double %h
  store double %h1, ptr %ph
  %pz = {slot(5)}
  %z = load double, ptr %pz
  %nz = fcmp une double %x, 0.0
  %nzf = uitofp i1 %nz to double
  %z1 = fadd double %z, %nzf
  store double %z1, ptr %pz
  ret void
}}
"""
    return body.split("\n")


def observe(ir: str, signature: Signature, inputs: Mapping[str, np.ndarray]) -> Observation:
    """Run the clean IR on `inputs` (rows the instrumented oracle finished) and summarize."""
    from nsc.ir.oracle import Oracle

    text, observed = instrument(ir)
    oracle = Oracle(text, signature, opt_level=0)
    execution = on_large_stack(oracle.run, inputs, stack_bytes=STACK_BYTES, name="nsc-observe")
    address = oracle.engine.get_global_value_address(OBSERVATIONS)
    size = max(len(observed), 1) * _SLOTS
    raw = np.ctypeslib.as_array((ctypes.c_double * size).from_address(address))
    stats = raw.reshape(-1, _SLOTS)[: len(observed)].copy()
    return Observation(rows=len(execution.status), stats=stats, observed=observed)
