"""Passes over LLVM IR: the registry (built-ins and `nsc.passes` plugins), the pipeline parser, and
the pass manager.

    result = run_passes(ir, "O2,canonicalize,count-ops", time_passes=True)
    result.module.text, result.timings, result.analyses["count-ops"]
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
