"""Passes over LLVM IR: the registry (built-ins and `nsc.passes` plugins), the pipeline parser, and
the pass manager.

    result = run_passes(ir, "O2,canonicalize,count-ops", time_passes=True)
    result.module.text, result.timings, result.analyses["count-ops"]

A plugin's output is parsed when it returns and verified before the next pass (`run_passes`);
nsc's own passes are trusted unless `verify_each`. LLVM's `loop-reduce` is not offered: in
llvmlite 0.50 it breaks loop-closed SSA and LLVM's assertion aborts the process
(llvm-project#191652; `nsc ir --passes loop-reduce` says so).
"""

from nsc.ir.module import IRModule
from nsc.ir.passes.base import LLVMPass, Pass, PassError, describe
from nsc.ir.passes.manager import PassResult, PassTiming, format_timings, run_passes
from nsc.ir.passes.pipeline import PRESETS, PipelineError, parse_pipeline, preset_pipeline
from nsc.ir.passes.registry import PLUGIN_GROUP, PassInfo, list_passes, load_pass, refresh_plugins

__all__ = [
    "PLUGIN_GROUP",
    "PRESETS",
    "IRModule",
    "LLVMPass",
    "Pass",
    "PassError",
    "PassInfo",
    "PassResult",
    "PassTiming",
    "PipelineError",
    "describe",
    "format_timings",
    "list_passes",
    "load_pass",
    "parse_pipeline",
    "preset_pipeline",
    "refresh_plugins",
    "run_passes",
]
