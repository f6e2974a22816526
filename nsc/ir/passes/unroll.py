"""`loop-unroll`: LLVM's loop unroller, with an optional unroll count.

llvmlite 0.50's `add_loop_unroll_pass` takes no options, so `loop-unroll{count=N}` does what
`#pragma unroll N` does in C: it attaches `llvm.loop.unroll.count` loop metadata to every loop
back-edge branch, then runs the unroller, which honours the pragma (with a remainder loop when
the trip count is not a multiple of N).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

from nsc.ir.module import IRModule
from nsc.ir.passes.base import Pass, run_llvm

_LABEL = re.compile(r'^(%?[-\w.$]+|"[^"]*"):')
_TARGET = re.compile(r'label %([-\w.$]+|"[^"]*")')
_METADATA_ID = re.compile(r"!(\d+)\b")
_OLD_LOOP_ID = re.compile(r",\s*!llvm\.loop\s+!\d+")


@dataclass(frozen=True)
class LoopUnroll(Pass):
    """Unroll loops by LLVM's heuristics, or count=N times like `#pragma unroll N`."""

    name: ClassVar[str] = "loop-unroll"
    count: int = 0  # 0: LLVM decides

    def __post_init__(self) -> None:
        if self.count < 0:
            raise ValueError(f"count must be >= 0, got {self.count}")
        if self.count >= 2**31:  # LLVM reads the count as a 32-bit integer (2**32 aborts it)
            raise ValueError(f"count must be < 2**31, got {self.count}")

    def run(self, module: IRModule) -> IRModule:
        if self.count > 0:
            module = IRModule(_annotate_backedges(module.text, self.count))
        return run_llvm(module, lambda manager: manager.add_loop_unroll_pass())


def _annotate_backedges(text: str, count: int) -> str:
    """Attach unroll-count loop metadata to each branch that jumps back to an earlier block."""
    next_id = max((int(m) for m in _METADATA_ID.findall(text)), default=-1) + 1
    pragma = next_id
    definitions = [f'!{pragma} = !{{!"llvm.loop.unroll.count", i32 {count}}}']
    lines = text.splitlines()
    seen: dict[str, int] = {}
    for i, line in enumerate(lines):
        if line.startswith("define "):
            seen = {}
            block = _entry_label(line)
            seen[block] = 0
            continue
        label = _LABEL.match(line)
        if label:
            seen[label.group(1).lstrip("%")] = len(seen)
            continue
        stripped = line.lstrip()
        if not stripped.startswith("br "):
            continue
        here = len(seen) - 1
        if any(seen.get(t, here + 1) <= here for t in _TARGET.findall(line)):
            next_id += 1
            line = _OLD_LOOP_ID.sub("", line)  # the pragma replaces earlier loop properties
            lines[i] = f"{line}, !llvm.loop !{next_id}"
            definitions.append(f"!{next_id} = distinct !{{!{next_id}, !{pragma}}}")
    return "\n".join(lines) + "\n" + "\n".join(definitions) + "\n"


def _entry_label(define_line: str) -> str:
    """The implicit number of an unlabeled entry block: one past the last numbered argument."""
    args = re.findall(r"%(\d+)\b", define_line)
    return str(int(args[-1]) + 1) if args else "0"
