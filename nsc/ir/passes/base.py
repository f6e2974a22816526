"""What a pass is: a frozen dataclass with a kebab-case `name`, options as fields, and `run`."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

import llvmlite.binding as llvm

from nsc.diagnostics import NscError
from nsc.ir.module import IRModule, init_llvm


class PassError(NscError):
    """A pass failed or broke the module; the message names the pass."""


@dataclass(frozen=True)
class Pass:
    """Base of nsc's passes (plugins may instead just follow the same shape)."""

    name: ClassVar[str] = ""

    def run(self, module: IRModule) -> IRModule | Any:
        """Return the transformed module, or an analysis result (anything that is not an IRModule)."""
        raise NotImplementedError


def describe(cls: type) -> str:
    """A pass's one-line description: its `description` attribute, else its docstring's first line."""
    text = getattr(cls, "description", None)
    if not isinstance(text, str) or not text.strip():  # a plugin's may be anything
        text = inspect.getdoc(cls) or ""
    return text.strip().splitlines()[0] if text.strip() else ""


def run_llvm(
    module: IRModule,
    add: Callable[[llvm.ModulePassManager], None],
    speed: int = 2,
    default_pipeline: bool = False,
) -> IRModule:
    """Run the passes `add` puts into a fresh module pass manager over a copy of the module.

    With `default_pipeline`, the manager starts as LLVM's default pipeline at `speed` (-O1..-O3).

    A PassBuilder reused across modules slows down quadratically in llvmlite 0.50, so each run
    builds its own PassBuilder and TargetMachine.
    """
    init_llvm()
    ref = module.clone_ref()
    target = (
        llvm.Target.from_triple(ref.triple) if ref.triple else llvm.Target.from_default_triple()
    )
    machine = target.create_target_machine()
    builder = llvm.create_pass_builder(machine, llvm.create_pipeline_tuning_options(speed))
    if default_pipeline:
        manager = builder.getModulePassManager()
    else:
        manager = llvm.create_new_module_pass_manager()
    add(manager)
    manager.run(ref, builder)
    return IRModule.from_ref(ref)


@dataclass(frozen=True)
class LLVMPass(Pass):
    """A pass that wraps one `add_*_pass` of llvmlite's new-pass-manager ModulePassManager."""

    adder: ClassVar[str] = ""

    def add_to(self, manager: llvm.ModulePassManager) -> None:
        getattr(manager, self.adder)()

    def run(self, module: IRModule) -> IRModule:
        return run_llvm(module, self.add_to)
