"""`loop-unroll`: LLVM's loop unroller, with an optional unroll count.

llvmlite 0.50's `add_loop_unroll_pass` takes no options, so `loop-unroll{count=N}` does what
`#pragma unroll N` does in C: it attaches `llvm.loop.unroll.count` loop metadata to the loops'
back-edge branches, then runs the unroller, which honours the pragma (with a remainder loop when
the trip count is not a multiple of N).

LLVM honours such a pragma at any size, so every loop of a nest unrolled N times makes N**depth
copies of the innermost body (and pipelines that unroll twice multiply again): a triple loop with
count=32 took minutes and gigabytes. Like LLVM's own `-unroll-count`, which it applies only while
the unrolled loop stays under a size threshold, the count goes to a loop only while the loop
unrolled N times (inner loops counted at their unrolled size) stays within MAX_UNROLLED_SIZE
instructions; LLVM's heuristics decide the others.
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
MAX_UNROLLED_SIZE = 2048  # instructions of a loop unrolled by the count (unrolling ~1s at most)


@dataclass(frozen=True)
class LoopUnroll(Pass):
    """Unroll loops by LLVM's heuristics, or count=N times like `#pragma unroll N` (loops small enough).

    With `count`, a loop gets the pragma only while it stays within MAX_UNROLLED_SIZE
    instructions unrolled; LLVM's heuristics decide the others.
    """

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
    """Attach unroll-count loop metadata to each loop's back-edge branch, inner loops first, while
    the unrolled loop stays within MAX_UNROLLED_SIZE instructions."""
    next_id = max((int(m) for m in _METADATA_ID.findall(text)), default=-1) + 1
    pragma = next_id
    definitions = [f'!{pragma} = !{{!"llvm.loop.unroll.count", i32 {count}}}']
    lines = text.splitlines()
    for blocks in _function_blocks(lines):
        sizes = [len(instructions) for _, instructions in blocks]
        for latch, body in sorted(_loops(blocks, lines), key=lambda loop: len(loop[1])):
            branch = blocks[latch][1][-1]
            if not lines[branch].lstrip().startswith("br "):
                continue
            if sum(sizes[b] for b in body) * count > MAX_UNROLLED_SIZE:
                continue
            for b in body:
                sizes[b] *= count  # what an enclosing loop then holds
            next_id += 1
            line = _OLD_LOOP_ID.sub("", lines[branch])  # the pragma replaces earlier properties
            lines[branch] = f"{line}, !llvm.loop !{next_id}"
            definitions.append(f"!{next_id} = distinct !{{!{next_id}, !{pragma}}}")
    return "\n".join(lines) + "\n" + "\n".join(definitions) + "\n"


def _function_blocks(lines: list[str]) -> list[list[tuple[str, list[int]]]]:
    """Each defined function's blocks in layout order: its label and its instructions' lines."""
    functions: list[list[tuple[str, list[int]]]] = []
    blocks: list[tuple[str, list[int]]] = []
    inside = False
    for i, line in enumerate(lines):
        if line.startswith("define "):
            blocks, inside = [(_entry_label(line), [])], True
            functions.append(blocks)
        elif not inside:
            continue
        elif line.startswith("}"):
            inside = False
        elif label := _LABEL.match(line):
            if len(blocks) == 1 and not blocks[0][1]:
                blocks.clear()  # the entry block has a label of its own
            blocks.append((label.group(1).lstrip("%"), []))
        elif line.strip() and not line.lstrip().startswith(";"):
            blocks[-1][1].append(i)
    return functions


def _loops(blocks: list[tuple[str, list[int]]], lines: list[str]) -> list[tuple[int, set[int]]]:
    """(latch, body) of each natural loop: a branch back to a block on the depth-first path from
    the entry (the header), and the blocks that reach the branch without passing the header."""
    index = {label: b for b, (label, _) in enumerate(blocks)}
    successors = [
        [index[t] for i in instructions for t in _TARGET.findall(lines[i]) if t in index]
        for _, instructions in blocks
    ]
    predecessors: list[list[int]] = [[] for _ in blocks]
    for b, targets in enumerate(successors):
        for t in targets:
            predecessors[t].append(b)
    loops = []
    path, visited = {0}, {0}
    stack = [(0, iter(successors[0]))]
    while stack:
        b, rest = stack[-1]
        t = next(rest, None)
        if t is None:
            stack.pop()
            path.discard(b)
        elif t in path:
            loops.append((b, _reaching(b, t, predecessors)))
        elif t not in visited:
            visited.add(t)
            path.add(t)
            stack.append((t, iter(successors[t])))
    return loops


def _reaching(latch: int, header: int, predecessors: list[list[int]]) -> set[int]:
    """The header and every block that reaches the latch without passing the header."""
    body, work = {header, latch}, [latch] if latch != header else []
    while work:
        for p in predecessors[work.pop()]:
            if p not in body:
                body.add(p)
                work.append(p)
    return body


def _entry_label(define_line: str) -> str:
    """The implicit number of an unlabeled entry block: one past the last numbered argument."""
    args = re.findall(r"%(\d+)\b", define_line)
    return str(int(args[-1]) + 1) if args else "0"
