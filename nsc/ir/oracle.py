"""The JIT oracle: run the entry function of (instrumented) LLVM IR over a batch in one native call.

Arrays are named after the signature's ports: `[batch]` for scalars, `[batch, *shape]` for arrays.
Each row gets a status (`Status`). Rows whose status is not OK have their outputs replaced: NaN in
float ports, 0 (False) in integer and bool ports, so a half-finished row never looks like a result.

`Oracle` runs in the calling process, so IR that can still crash (wild pointers, stack overflow
from unbounded recursion in uninstrumented IR) takes the caller down with it; `run_isolated` runs
the same in a worker process with a timeout.
"""

from __future__ import annotations

import ctypes
import difflib
import enum
import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass

import llvmlite.binding as llvm
import numpy as np

from nsc.diagnostics import NscError
from nsc.ir import jit, libm
from nsc.ir.batch import (
    BATCH_FUNCTION,
    SCRATCH_ALIGN,
    SNAPSHOT_FUNCTION,
    batch_ir,
    batch_ports,
    entry_type,
    scratch_bytes,
)
from nsc.ir.heap import interpose
from nsc.ir.observe import OBSERVATIONS as _OBSERVATIONS  # kept across rows, never restored
from nsc.signature import Port, Signature


class Status(enum.IntEnum):
    """Per-row outcome; 1-3 and 6-8 come from `@__nsc_trap`, 4-5 from the sandbox."""

    OK = 0
    OUT_OF_FUEL = 1
    OUT_OF_BOUNDS = 2
    DIV_BY_ZERO = 3
    CRASH = 4
    TIMEOUT = 5
    ASSERTION = 6  # a failed `assert` (nsc's assert.h), or `__builtin_unreachable()` reached
    EXIT = 7  # the program called `exit`, `_Exit` or `quick_exit` (the code is not kept)
    ABORT = 8  # the program called `abort` or `__builtin_trap`


@dataclass
class Execution:
    """The oracle's answer: one array per output port and a uint8 status per row."""

    outputs: dict[str, np.ndarray]
    status: np.ndarray  # uint8 [batch]

    @property
    def ok(self) -> np.ndarray:
        """A boolean mask of the rows that finished normally."""
        return self.status == Status.OK


class Oracle:
    """The entry function of `ir`, JIT-compiled with a batch loop around it.

    Every row starts from the program's initial globals and a full tank of `fuel`, and ends with
    the heap blocks it left freed (`nsc.ir.heap`). Float ports accept any real, integer or bool
    array (cast to the port's dtype); integer and bool ports accept integers, or floats holding
    integers, that fit the dtype. One Oracle holds one copy of
    the program's globals, so do not call `run` on the same Oracle from two threads at once.
    """

    def __init__(
        self,
        ir: str | llvm.ModuleRef,
        signature: Signature,
        *,
        fuel: int = 1_000_000,
        opt_level: int = 2,
        engine: jit.SharedEngine | None = None,
    ):
        """`ir` is IR text, or a parsed and verified module, which the Oracle then owns.

        With `engine` (of the same `opt_level`), the program is compiled into that shared engine
        instead of an engine of its own.
        """
        if not 0 <= fuel < 2**63:
            raise NscError(f"fuel must be in [0, 2**63), not {fuel}")
        if not 0 <= opt_level <= 3:
            raise NscError(f"opt_level must be 0..3, not {opt_level}")
        self.signature = signature
        self.fuel = fuel
        self.ports = batch_ports(signature)
        module = jit.parse_module(ir) if isinstance(ir, str) else ir
        _check_entry(module, signature)
        self.instrumented = _has_global(module, "__nsc_fuel") and _has_global(module, "__nsc_trap")
        if engine is not None and (
            engine.opt_level != opt_level or _has_global(module, _OBSERVATIONS)
        ):
            engine = None  # observe.py finds __nsc_obs by name, so it needs an engine of its own
        tm = jit.target_machine(opt_level) if engine is None else engine.machine
        heap = interpose(module)  # malloc ... free: through the allocator of nsc.ir.heap
        library = libm.interpose(module)  # fmin, fmax and pow as glibc computes them
        state = _mutable_globals(module, signature.entry, tm)
        wrapper = batch_ir(signature, instrumented=self.instrumented, state=state, heap=heap)
        wrapper += libm.libm_ir(library)
        try:
            module.link_in(jit.parse_module(wrapper, "the generated batch loop"))
        except RuntimeError as err:
            raise NscError(f"cannot link the batch loop to the IR: {err}") from None
        _internalize(module, keep={BATCH_FUNCTION, SNAPSHOT_FUNCTION, _OBSERVATIONS})
        jit.optimize(module, tm, opt_level)
        self.engine, batch, snapshot = _compile(module, tm, engine)
        ctypes.CFUNCTYPE(None)(self.engine.get_function_address(snapshot))()
        address = self.engine.get_function_address(batch)
        argtypes = [ctypes.c_void_p] * (len(self.ports) + 2) + [ctypes.c_int64, ctypes.c_int64]
        self._batch = ctypes.CFUNCTYPE(None, *argtypes)(address)
        self._scratch_bytes = scratch_bytes(signature)

    def run(self, inputs: Mapping[str, np.ndarray], *, batch: int | None = None) -> Execution:
        """Run every row of `inputs`; `batch` is needed only when the signature has no inputs."""
        arrays, n = prepare_inputs(self.signature, inputs, batch)
        outputs = {p.name: np.zeros((n, *p.shape), dtype=p.dtype) for p in self.signature.outputs}
        status = np.zeros(n, dtype=np.uint8)
        self.run_into(arrays, outputs, status)
        blank_failed_rows(outputs, status)
        return Execution(outputs, status)

    def run_into(
        self,
        inputs: Mapping[str, np.ndarray],
        outputs: Mapping[str, np.ndarray],
        status: np.ndarray,
    ) -> None:
        """The raw native call: C-contiguous arrays of the ports' dtypes, all `len(status)` rows."""
        buffers = [inputs[p.name] for p in self.signature.inputs]
        buffers += [outputs[p.name] for p in self.signature.outputs]
        n = len(status)
        for array in [*buffers, status]:
            if not array.flags.c_contiguous or len(array) != n:
                raise ValueError("run_into needs C-contiguous arrays with one row per status")
        scratch, address = None, None  # the large memory images (nsc.ir.batch), aligned
        if self._scratch_bytes and n:
            scratch = np.empty(self._scratch_bytes + SCRATCH_ALIGN, dtype=np.uint8)
            address = scratch.ctypes.data + -scratch.ctypes.data % SCRATCH_ALIGN
        self._batch(*[a.ctypes.data for a in buffers], status.ctypes.data, address, n, self.fuel)


def run_isolated(
    ir: str,
    signature: Signature,
    inputs: Mapping[str, np.ndarray],
    *,
    fuel: int = 1_000_000,
    timeout: float = 10.0,
    batch: int | None = None,
    max_restarts: int = 32,
) -> Execution:
    """Like `Oracle(ir, signature, fuel=fuel).run(inputs)`, in worker processes with a timeout.

    A row that kills the worker gets CRASH, rows unfinished at the timeout get TIMEOUT; see
    `nsc.ir.sandbox` for how crashing rows are singled out.
    """
    from nsc.ir.sandbox import run_in_worker

    return run_in_worker(
        ir, signature, inputs, fuel=fuel, timeout=timeout, batch=batch, max_restarts=max_restarts
    )


def sample_inputs(signature: Signature, n: int, rng: np.random.Generator | int):
    """Random inputs for every input port (see `nsc.ir.sampling`)."""
    from nsc.ir.sampling import sample_inputs as sample

    return sample(signature, n, rng)


def prepare_inputs(
    signature: Signature, inputs: Mapping[str, np.ndarray], batch: int | None = None
) -> tuple[dict[str, np.ndarray], int]:
    """Check names, shapes and batch sizes; return C-contiguous arrays of each port's dtype."""
    names = {p.name for p in signature.inputs}
    for name in inputs:
        if name not in names:
            hints = tuple(f"did you mean {m!r}?" for m in difflib.get_close_matches(name, names, 1))
            known = ", ".join(sorted(names)) or "none"
            raise NscError(f"unknown input {name!r} (the inputs are: {known})", hints)
    arrays: dict[str, np.ndarray] = {}
    for port in signature.inputs:
        if port.name not in inputs:
            raise NscError(f"missing input {port.name!r} of shape {_shape_text(port)}")
        arrays[port.name] = _convert(port, inputs[port.name])
    sizes = {len(a) for a in arrays.values()}
    if batch is not None:
        sizes.add(batch)
    if len(sizes) > 1:
        found = ", ".join(f"{k}: {len(a)}" for k, a in arrays.items())
        raise NscError(f"inputs disagree on the batch size ({found})")
    if not sizes:
        raise NscError("the entry has no inputs: pass the batch size explicitly")
    n = sizes.pop()
    if n < 0:
        raise NscError(f"batch size must be non-negative, not {n}")
    return arrays, n


def blank_failed_rows(outputs: Mapping[str, np.ndarray], status: np.ndarray) -> None:
    """Set the outputs of rows whose status is not OK: NaN for float ports, 0 otherwise."""
    failed = status != Status.OK
    if not failed.any():
        return
    for array in outputs.values():
        array[failed] = np.nan if array.dtype.kind == "f" else 0


def _convert(port: Port, value) -> np.ndarray:
    array = np.asarray(value)
    if array.ndim != 1 + len(port.shape) or array.shape[1:] != port.shape:
        raise NscError(
            f"input {port.name!r} has shape {list(array.shape)}, expected {_shape_text(port)}"
        )
    dtype = np.dtype(port.dtype)
    if array.dtype.kind not in "biuf":
        raise NscError(f"input {port.name!r} has dtype {array.dtype}, expected {dtype}")
    if dtype.kind == "f":
        try:
            with np.errstate(over="raise"):
                return np.ascontiguousarray(array, dtype=dtype)
        except FloatingPointError:
            largest = float(np.finfo(dtype).max)
            raise NscError(
                f"input {port.name!r} has values outside the range of {dtype} (about ±{largest:.6g})"
            ) from None
    if array.dtype.kind == "f" and not np.all(np.isfinite(array) & (array == np.round(array))):
        raise NscError(f"input {port.name!r} holds non-integer values, expected {dtype}")
    lo, hi = (0, 1) if dtype.kind == "b" else (np.iinfo(dtype).min, np.iinfo(dtype).max)
    if array.size and (array.min() < lo or array.max() > hi):
        raise NscError(f"input {port.name!r} has values outside [{lo}, {hi}] of {dtype}")
    return np.ascontiguousarray(array, dtype=dtype)


def _shape_text(port: Port) -> str:
    return "[" + ", ".join(["batch", *map(str, port.shape)]) + "]"


def _compile(
    module: llvm.ModuleRef, tm: llvm.TargetMachine, shared: jit.SharedEngine | None
) -> tuple[llvm.ExecutionEngine, str, str]:
    """JIT-compile the module: its engine and the names of its batch and snapshot functions."""
    if shared is None:
        return jit.create_engine(module, tm), BATCH_FUNCTION, SNAPSHOT_FUNCTION
    suffix = f".{next(_SHARED_IDS)}"  # unique among the shared engine's modules
    module.get_function(BATCH_FUNCTION).name = BATCH_FUNCTION + suffix
    module.get_function(SNAPSHOT_FUNCTION).name = SNAPSHOT_FUNCTION + suffix
    return shared.add(module), BATCH_FUNCTION + suffix, SNAPSHOT_FUNCTION + suffix


def _has_global(module: llvm.ModuleRef, name: str) -> bool:
    try:
        module.get_global_variable(name)
    except NameError:
        return False
    return True


def _check_entry(module: llvm.ModuleRef, signature: Signature) -> None:
    """The IR must define the entry with the type the signature implies."""
    try:
        fn = module.get_function(signature.entry)
    except NameError:
        raise NscError(f"the IR has no function named {signature.entry!r}") from None
    if fn.is_declaration:
        raise NscError(f"the IR declares {signature.entry!r} but does not define it")
    have = str(fn.global_value_type).replace(" ", "")
    want = entry_type(signature).replace(" ", "")
    if have != want:
        raise NscError(
            f"entry {signature.entry!r} has type {fn.global_value_type}, "
            f"but its signature implies {entry_type(signature)}"
        )


_SHARED_IDS = itertools.count()
_PROTOCOL_GLOBALS = {"__nsc_fuel", "__nsc_trap", _OBSERVATIONS}
_GLOBAL_KIND = re.compile(r'^@(?:"(?:[^"\\]|\\.)*"|[-\w.$]+) = (?:[\w()"]+ )*?(global|constant) ')


def _internalize(module: llvm.ModuleRef, keep: set[str]) -> None:
    """Give every definition but `keep` internal linkage, so LLVM may inline and drop them."""
    for fn in module.functions:
        if not fn.is_declaration and fn.name not in keep:
            fn.linkage = "internal"
    for gv in module.global_variables:
        if not gv.is_declaration and not gv.name.startswith("llvm.") and gv.name not in keep:
            gv.linkage = "internal"


def _mutable_globals(
    module: llvm.ModuleRef, entry: str, tm: llvm.TargetMachine
) -> list[tuple[str, int]]:
    """The globals the program may write, with their sizes, after LLVM's GlobalOpt has turned
    the never-written ones into constants; they get external linkage so the batch loop links."""
    _internalize(module, keep={entry, *_PROTOCOL_GLOBALS})
    if not any(_program_global(gv) for gv in module.global_variables):
        return []  # nothing to find out; most programs have no globals of their own
    jit.run_global_opt(module, tm)
    state = []
    for gv in module.global_variables:
        if not _program_global(gv):
            continue
        kind = _GLOBAL_KIND.match(str(gv))
        if kind is None or kind.group(1) == "global":
            if not gv.name:  # `strip` leaves internal globals unnamed; the batch loop needs a name
                gv.name = f"nsc.state.{len(state)}"
            gv.linkage = "external"
            state.append((gv.name, tm.target_data.get_abi_size(gv.global_value_type)))
    return state


def _program_global(gv: llvm.ValueRef) -> bool:
    """A global the program defines (not LLVM's own, nor the instrumentation's)."""
    return not (gv.is_declaration or gv.name.startswith("llvm.") or gv.name in _PROTOCOL_GLOBALS)
