"""llvmlite set-up: native target, libm, optimization with the new pass manager, MCJIT engines."""

from __future__ import annotations

import ctypes.util
import functools

import llvmlite.binding as llvm

from nsc.diagnostics import NscError


@functools.cache
def initialize() -> None:
    """Initialize the native target once per process and make libm's symbols resolvable."""
    # llvmlite >= 0.45 initializes LLVM itself; `llvm.initialize()` now raises.
    llvm.initialize_native_target()
    llvm.initialize_native_asmprinter()
    libm = ctypes.util.find_library("m")
    if libm is not None:
        llvm.load_library_permanently(libm)


def target_machine(opt_level: int = 2) -> llvm.TargetMachine:
    """A fresh TargetMachine for the host CPU (an MCJIT engine takes ownership of one)."""
    initialize()
    target = llvm.Target.from_triple(llvm.get_process_triple())
    return target.create_target_machine(
        cpu=llvm.get_host_cpu_name(),
        features=llvm.get_host_cpu_features().flatten(),
        opt=opt_level,
        codemodel="jitdefault",
    )


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
