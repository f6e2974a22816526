"""Analyses written in Python over the parsed module: they return a result, not a module."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import ClassVar

import llvmlite.binding as llvm

from nsc.diagnostics import NscError
from nsc.ir.module import IRModule
from nsc.ir.passes.base import Pass


def _defined(ref: llvm.ModuleRef, only: str) -> list[llvm.ValueRef]:
    functions = [f for f in ref.functions if not f.is_declaration]
    if not only:
        return functions
    chosen = [f for f in functions if f.name == only]
    if not chosen:
        names = ", ".join(f.name for f in functions) or "none"
        raise NscError(f"no function named {only!r} is defined (defined: {names})")
    return chosen


@dataclass(frozen=True)
class CountOps(Pass):
    """Count instructions by opcode (in one function with function=NAME)."""

    name: ClassVar[str] = "count-ops"
    function: str = ""

    def run(self, module: IRModule) -> dict[str, int]:
        counts: Counter[str] = Counter()
        for fn in _defined(module.ref, self.function):
            for block in fn.blocks:
                counts.update(instruction.opcode for instruction in block.instructions)
        return dict(sorted(counts.items()))


@dataclass(frozen=True)
class InstStats:
    """Size of a module: defined functions, blocks, instructions, and instructions per function."""

    functions: int
    blocks: int
    instructions: int
    per_function: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class InstStatsPass(Pass):
    """Count defined functions, basic blocks and instructions."""

    name: ClassVar[str] = "inst-stats"

    def run(self, module: IRModule) -> InstStats:
        per_function: dict[str, int] = {}
        blocks = 0
        for fn in _defined(module.ref, ""):
            sizes = [sum(1 for _ in block.instructions) for block in fn.blocks]
            blocks += len(sizes)
            per_function[fn.name] = sum(sizes)
        return InstStats(len(per_function), blocks, sum(per_function.values()), per_function)
