"""Built-in passes that wrap llvmlite 0.50's new-pass-manager transforms, named as in LLVM's opt."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import llvmlite.binding as llvm

from nsc.ir.module import IRModule
from nsc.ir.passes.base import LLVMPass, Pass, run_llvm


@dataclass(frozen=True)
class SROA(LLVMPass):
    """Scalar replacement of aggregates; also promotes allocas to SSA values (mem2reg)."""

    name: ClassVar[str] = "sroa"
    adder: ClassVar[str] = "add_sroa_pass"


@dataclass(frozen=True)
class InstCombine(LLVMPass):
    """Combine and simplify instructions (peephole rewrites)."""

    name: ClassVar[str] = "instcombine"
    adder: ClassVar[str] = "add_instruction_combine_pass"


@dataclass(frozen=True)
class AggressiveInstCombine(LLVMPass):
    """Costlier instruction-combining patterns than instcombine."""

    name: ClassVar[str] = "aggressive-instcombine"
    adder: ClassVar[str] = "add_aggressive_instcombine_pass"


@dataclass(frozen=True)
class SimplifyCFG(LLVMPass):
    """Merge, fold and delete basic blocks; turn small diamonds into selects."""

    name: ClassVar[str] = "simplifycfg"
    adder: ClassVar[str] = "add_simplify_cfg_pass"


@dataclass(frozen=True)
class NewGVN(LLVMPass):
    """Global value numbering (LLVM's NewGVN): remove redundant computations."""

    name: ClassVar[str] = "newgvn"
    adder: ClassVar[str] = "add_new_gvn_pass"


@dataclass(frozen=True)
class SCCP(LLVMPass):
    """Sparse conditional constant propagation within each function."""

    name: ClassVar[str] = "sccp"
    adder: ClassVar[str] = "add_sccp_pass"


@dataclass(frozen=True)
class IPSCCP(LLVMPass):
    """Interprocedural sparse conditional constant propagation."""

    name: ClassVar[str] = "ipsccp"
    adder: ClassVar[str] = "add_ipsccp_pass"


@dataclass(frozen=True)
class Reassociate(LLVMPass):
    """Reorder commutative expressions to expose constant folding."""

    name: ClassVar[str] = "reassociate"
    adder: ClassVar[str] = "add_reassociate_pass"


@dataclass(frozen=True)
class DCE(LLVMPass):
    """Delete trivially dead instructions."""

    name: ClassVar[str] = "dce"
    adder: ClassVar[str] = "add_dead_code_elimination_pass"


@dataclass(frozen=True)
class ADCE(LLVMPass):
    """Aggressive dead code elimination (assumes code is dead until proven live)."""

    name: ClassVar[str] = "adce"
    adder: ClassVar[str] = "add_aggressive_dce_pass"


@dataclass(frozen=True)
class DSE(LLVMPass):
    """Delete stores that are overwritten before being read."""

    name: ClassVar[str] = "dse"
    adder: ClassVar[str] = "add_dead_store_elimination_pass"


@dataclass(frozen=True)
class MemCpyOpt(LLVMPass):
    """Optimize memcpy/memset and turn store sequences into them."""

    name: ClassVar[str] = "memcpyopt"
    adder: ClassVar[str] = "add_mem_copy_opt_pass"


@dataclass(frozen=True)
class Sink(LLVMPass):
    """Move instructions into successor blocks where they are used."""

    name: ClassVar[str] = "sink"
    adder: ClassVar[str] = "add_sinking_pass"


@dataclass(frozen=True)
class LoopRotate(LLVMPass):
    """Rotate loops into do-while form."""

    name: ClassVar[str] = "loop-rotate"
    adder: ClassVar[str] = "add_loop_rotate_pass"


@dataclass(frozen=True)
class LoopSimplify(LLVMPass):
    """Give loops a preheader, a single backedge and dedicated exits."""

    name: ClassVar[str] = "loop-simplify"
    adder: ClassVar[str] = "add_loop_simplify_pass"


@dataclass(frozen=True)
class LCSSA(LLVMPass):
    """Put loops into loop-closed SSA form."""

    name: ClassVar[str] = "lcssa"
    adder: ClassVar[str] = "add_lcssa_pass"


@dataclass(frozen=True)
class LoopUnrollAndJam(LLVMPass):
    """Unroll outer loops and fuse the copies of the inner loop."""

    name: ClassVar[str] = "loop-unroll-and-jam"
    adder: ClassVar[str] = "add_loop_unroll_and_jam_pass"


@dataclass(frozen=True)
class LoopDeletion(LLVMPass):
    """Delete loops with no side effects whose result is unused."""

    name: ClassVar[str] = "loop-deletion"
    adder: ClassVar[str] = "add_loop_deletion_pass"


@dataclass(frozen=True)
class TailCallElim(LLVMPass):
    """Turn self tail calls into loops and mark tail calls."""

    name: ClassVar[str] = "tailcallelim"
    adder: ClassVar[str] = "add_tail_call_elimination_pass"


@dataclass(frozen=True)
class LowerSwitch(LLVMPass):
    """Replace switch instructions by branch trees."""

    name: ClassVar[str] = "lower-switch"
    adder: ClassVar[str] = "add_lower_switch_pass"


@dataclass(frozen=True)
class LowerAtomic(LLVMPass):
    """Lower atomic operations to plain loads and stores."""

    name: ClassVar[str] = "lower-atomic"
    adder: ClassVar[str] = "add_lower_atomic_pass"


@dataclass(frozen=True)
class LowerInvoke(LLVMPass):
    """Lower invoke instructions to calls."""

    name: ClassVar[str] = "lower-invoke"
    adder: ClassVar[str] = "add_lower_invoke_pass"


@dataclass(frozen=True)
class BreakCritEdges(LLVMPass):
    """Split critical control-flow edges."""

    name: ClassVar[str] = "break-crit-edges"
    adder: ClassVar[str] = "add_break_critical_edges_pass"


@dataclass(frozen=True)
class MergeReturn(LLVMPass):
    """Give each function a single return block."""

    name: ClassVar[str] = "mergereturn"
    adder: ClassVar[str] = "add_unify_function_exit_nodes_pass"


@dataclass(frozen=True)
class Reg2Mem(LLVMPass):
    """Demote SSA values to allocas (the inverse of mem2reg)."""

    name: ClassVar[str] = "reg2mem"
    adder: ClassVar[str] = "add_register_to_memory_pass"


@dataclass(frozen=True)
class InstNamer(LLVMPass):
    """Give every unnamed value and block a name."""

    name: ClassVar[str] = "instnamer"
    adder: ClassVar[str] = "add_instruction_namer_pass"


@dataclass(frozen=True)
class GlobalOpt(LLVMPass):
    """Optimize global variables (constify, shrink, delete unused)."""

    name: ClassVar[str] = "globalopt"
    adder: ClassVar[str] = "add_global_opt_pass"


@dataclass(frozen=True)
class GlobalDCE(LLVMPass):
    """Delete unreachable internal functions and globals."""

    name: ClassVar[str] = "globaldce"
    adder: ClassVar[str] = "add_global_dead_code_eliminate_pass"


@dataclass(frozen=True)
class ConstMerge(LLVMPass):
    """Merge duplicate global constants."""

    name: ClassVar[str] = "constmerge"
    adder: ClassVar[str] = "add_constant_merge_pass"


@dataclass(frozen=True)
class DeadArgElim(LLVMPass):
    """Remove unused arguments of internal functions."""

    name: ClassVar[str] = "deadargelim"
    adder: ClassVar[str] = "add_dead_arg_elimination_pass"


@dataclass(frozen=True)
class ArgPromotion(LLVMPass):
    """Pass pointer arguments of internal functions by value."""

    name: ClassVar[str] = "argpromotion"
    adder: ClassVar[str] = "add_argument_promotion_pass"


@dataclass(frozen=True)
class AlwaysInline(LLVMPass):
    """Inline functions marked alwaysinline."""

    name: ClassVar[str] = "always-inline"
    adder: ClassVar[str] = "add_always_inliner_pass"


@dataclass(frozen=True)
class PartialInliner(LLVMPass):
    """Inline the early-exit parts of functions."""

    name: ClassVar[str] = "partial-inliner"
    adder: ClassVar[str] = "add_partial_inliner_pass"


@dataclass(frozen=True)
class MergeFunctions(LLVMPass):
    """Merge functions with identical bodies."""

    name: ClassVar[str] = "mergefunc"
    adder: ClassVar[str] = "add_merge_functions_pass"


@dataclass(frozen=True)
class FunctionAttrs(LLVMPass):
    """Infer function attributes bottom-up over the call graph."""

    name: ClassVar[str] = "function-attrs"
    adder: ClassVar[str] = "add_post_order_function_attributes_pass"


@dataclass(frozen=True)
class RPOFunctionAttrs(LLVMPass):
    """Infer function attributes top-down over the call graph."""

    name: ClassVar[str] = "rpo-function-attrs"
    adder: ClassVar[str] = "add_rpo_function_attrs_pass"


@dataclass(frozen=True)
class Strip(LLVMPass):
    """Strip local value names, internal symbol names and debug info."""

    name: ClassVar[str] = "strip"
    adder: ClassVar[str] = "add_strip_symbols_pass"


@dataclass(frozen=True)
class StripNonDebug(LLVMPass):
    """Strip symbol names but keep debug info."""

    name: ClassVar[str] = "strip-nondebug"
    adder: ClassVar[str] = "add_strip_non_debug_symbols_pass"


@dataclass(frozen=True)
class StripDebugDeclare(LLVMPass):
    """Delete llvm.dbg.declare intrinsics."""

    name: ClassVar[str] = "strip-debug-declare"
    adder: ClassVar[str] = "add_strip_debug_declare_pass"


@dataclass(frozen=True)
class StripDeadDebugInfo(LLVMPass):
    """Delete debug info of dead symbols."""

    name: ClassVar[str] = "strip-dead-debug-info"
    adder: ClassVar[str] = "add_strip_dead_debug_info_pass"


@dataclass(frozen=True)
class StripDeadPrototypes(LLVMPass):
    """Delete unused function declarations."""

    name: ClassVar[str] = "strip-dead-prototypes"
    adder: ClassVar[str] = "add_strip_dead_prototype_pass"


@dataclass(frozen=True)
class JumpThreading(LLVMPass):
    """Thread branches whose condition is known on some incoming edge."""

    name: ClassVar[str] = "jump-threading"
    threshold: int = -1  # duplication threshold in instructions; -1 keeps LLVM's default

    def __post_init__(self) -> None:
        # llvmlite passes a C int (wrapping larger values silently), and LLVM reads any negative
        # value but -1 as a huge unsigned threshold
        if not -1 <= self.threshold < 2**31:
            raise ValueError(
                f"threshold must be -1 (LLVM's default) to 2**31-1, not {self.threshold}"
            )

    def add_to(self, manager: llvm.ModulePassManager) -> None:
        manager.add_jump_threading_pass(self.threshold)


@dataclass(frozen=True)
class Default(Pass):
    """LLVM's default optimization pipeline at a speed level (what -O1..-O3 run)."""

    name: ClassVar[str] = "default"
    level: int = 2

    def __post_init__(self) -> None:
        if self.level not in (1, 2, 3):
            raise ValueError(f"level must be 1, 2 or 3, got {self.level}")

    def run(self, module: IRModule) -> IRModule:
        return run_llvm(module, lambda _: None, speed=self.level, default_pipeline=True)
