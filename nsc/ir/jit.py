"""llvmlite set-up: native target, libm, optimization with the new pass manager, MCJIT engines."""

from __future__ import annotations

import ctypes.util
import functools
import os

import llvmlite.binding as llvm

from nsc.diagnostics import NscError


@functools.cache
def initialize() -> None:
    """Initialize the native target once per process; make libm and libgcc_s resolvable."""
    # llvmlite >= 0.45 initializes LLVM itself; `llvm.initialize()` now raises.
    llvm.initialize_native_target()
    llvm.initialize_native_asmprinter()
    _load_library("libm.so.6", "m")
    # libgcc's __muldc3/__divdc3 and friends: gcc -O0 multiplies and divides complex numbers
    # with them, so compiled complex code calls the very same functions
    _load_library("libgcc_s.so.1", "gcc_s")


def _load_library(soname: str, name: str) -> None:
    """Make a shared library's symbols resolvable: by its usual soname (a dlopen, no search),
    else where `ctypes.util.find_library` finds it (which runs ldconfig: a few ms)."""
    try:
        llvm.load_library_permanently(soname)
        return
    except RuntimeError:
        pass
    path = ctypes.util.find_library(name)
    if path is not None:
        llvm.load_library_permanently(path)


def target_machine(opt_level: int = 2) -> llvm.TargetMachine:
    """A fresh TargetMachine for the host CPU (an MCJIT engine takes ownership of one).

    Position-independent code in the small code model: at -O0 LLVM's fast instruction selector
    handles its global accesses, where the large model of `jitdefault` sends every function
    through the slower SelectionDAG (about a fifth of the oracle's compile time). Calls to libm
    go through stubs that the JIT's linker places next to the code, so distance does not matter.
    """
    cpu, features = _host_cpu()
    target = llvm.Target.from_triple(llvm.get_process_triple())
    return target.create_target_machine(
        cpu=cpu, features=features, opt=opt_level, codemodel="small", reloc="pic"
    )


@functools.cache
def _host_cpu() -> tuple[str, str]:
    """The host CPU's name and feature string (the features take a while to collect)."""
    initialize()
    return llvm.get_host_cpu_name(), llvm.get_host_cpu_features().flatten()


def parse_module(ir: str, what: str = "the LLVM IR") -> llvm.ModuleRef:
    """Parse and verify IR text, turning LLVM's complaints into an NscError."""
    initialize()
    try:
        module = llvm.parse_assembly(ir)
        module.verify()
    except RuntimeError as err:
        raise NscError(f"{what} is not valid: {str(err).strip()}") from None
    return module


def retarget(module: llvm.ModuleRef, tm: llvm.TargetMachine) -> None:
    """Give the module the target machine's triple and data layout."""
    module.triple = tm.triple
    module.data_layout = str(tm.target_data)


def run_global_opt(module: llvm.ModuleRef, tm: llvm.TargetMachine) -> None:
    """Run only GlobalOpt, which turns never-written internal globals into constants."""
    retarget(module, tm)
    builder = llvm.create_pass_builder(tm, llvm.create_pipeline_tuning_options(speed_level=0))
    manager = llvm.create_new_module_pass_manager()
    manager.add_global_opt_pass()
    manager.run(module, builder)


def optimize(module: llvm.ModuleRef, tm: llvm.TargetMachine, opt_level: int) -> None:
    """Run LLVM's default -O<opt_level> module pipeline in place."""
    retarget(module, tm)
    if opt_level <= 0:
        return
    pto = llvm.create_pipeline_tuning_options(speed_level=opt_level)
    # A fresh PassBuilder per module: reusing one across modules slows down quadratically.
    builder = llvm.create_pass_builder(tm, pto)
    builder.getModulePassManager().run(module, builder)


def create_engine(module: llvm.ModuleRef, tm: llvm.TargetMachine) -> llvm.ExecutionEngine:
    """JIT-compile a module with MCJIT; the engine owns both the module and `tm`."""
    engine = llvm.create_mcjit_compiler(module, tm)
    engine.finalize_object()
    engine.run_static_constructors()
    return engine


class SharedEngine:
    """One MCJIT engine that compiles module after module, for callers that JIT many programs.

    A fresh engine per module sets up a TargetMachine and its code generator each time (about
    1.3 ms); here that happens once per `capacity` modules. The modules' external symbols must be
    unique. MCJIT frees code only with its engine, so after `capacity` modules the next one starts
    a fresh engine (the old one lives on while an Oracle still holds it). Not thread-safe; a
    forked child starts its own engine.
    """

    def __init__(self, opt_level: int, capacity: int = 64):
        self.opt_level = opt_level
        self.capacity = capacity
        self._pid = -1
        self._engine: llvm.ExecutionEngine | None = None
        self._machine: llvm.TargetMachine | None = None
        self._count = 0

    @property
    def machine(self) -> llvm.TargetMachine:
        """A TargetMachine like the engine's, for the passes run before `add`."""
        self._check_process()
        return self._machine

    def add(self, module: llvm.ModuleRef) -> llvm.ExecutionEngine:
        """Compile `module` (the engine takes it over); returns the engine that holds its code."""
        self._check_process()
        if self._engine is None or self._count >= self.capacity:
            self._engine = llvm.create_mcjit_compiler(
                llvm.parse_assembly(""), target_machine(self.opt_level)
            )
            self._count = 0
        self._engine.add_module(module)
        self._engine.finalize_object()
        self._count += 1
        return self._engine

    def _check_process(self) -> None:
        if self._pid != os.getpid():
            self._pid = os.getpid()
            self._engine = None
            self._machine = target_machine(self.opt_level)
