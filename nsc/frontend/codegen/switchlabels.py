"""A switch's case labels: gcc's duplicate and overlap rule, and GNU case ranges in the IR.

gcc (c_add_case_label) keys each label by its low value. A label is refused when its low value
is an earlier label's, when it lies in the range just below it, or when it is a range that
reaches the next label's low value. `case 3 ... 3:` is `case 3:`; an empty range (`case 5 ...
1:`) matches nothing but keeps its low value as a key, so `case 5:` after it is a duplicate.

LLVM's `switch` has no ranges. A range of at most `CASES_AT_MOST` values becomes that many
cases; a larger one (`case 0 ... 1000000:`) is one unsigned comparison, `x - lo <= hi - lo`,
in a block of its own between the switch and its default: the switch's default goes to the
first comparison, each comparison's miss to the next, the last one's to the default.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from dataclasses import dataclass

from llvmlite import ir
from pycparser import c_ast

CASES_AT_MOST = 16


@dataclass(frozen=True)
class CaseLabel:
    """A case label's values, converted to the switch's type; `low > high` is an empty range."""

    low: int
    high: int
    node: c_ast.Node

    @property
    def is_range(self) -> bool:
        return self.high != self.low

    def __str__(self) -> str:
        return f"{self.low} ... {self.high}" if self.is_range else str(self.low)


class CaseLabels:
    """The labels of one switch so far, sorted by low value."""

    def __init__(self) -> None:
        self._lows: list[int] = []
        self._by_low: dict[int, CaseLabel] = {}

    def clash(self, label: CaseLabel) -> CaseLabel | None:
        """The earlier label that `label` duplicates or overlaps, as gcc finds it."""
        same = self._by_low.get(label.low)
        if same is not None:
            return same
        at = bisect_left(self._lows, label.low)
        if at > 0 and self._by_low[self._lows[at - 1]].high >= label.low:
            return self._by_low[self._lows[at - 1]]
        if at < len(self._lows) and self._lows[at] <= label.high:
            return self._by_low[self._lows[at]]
        return None

    def add(self, label: CaseLabel) -> None:
        insort(self._lows, label.low)
        self._by_low[label.low] = label


@dataclass(frozen=True)
class RangeCase:
    """A range too large to be cases: the block its values jump to."""

    low: int
    high: int
    block: ir.Block


def add_label(switch: ir.SwitchInstr, label: CaseLabel, block: ir.Block) -> RangeCase | None:
    """Cases on `switch` for `label`, or (for a large range) the range to compare against."""
    if label.high - label.low >= CASES_AT_MOST:
        return RangeCase(label.low, label.high, block)
    for value in range(label.low, label.high + 1):  # nothing for an empty range
        switch.add_case(ir.Constant(switch.value.type, value), block)
    return None


def emit_range_checks(
    function: ir.Function, switch: ir.SwitchInstr, ranges: list[RangeCase], before: ir.Block
) -> None:
    """The comparisons for `ranges`, placed before the block `before`, chained in front of
    the switch's default."""
    value = switch.value
    position = function.blocks.index(before)
    blocks = [function.insert_basic_block(position + i, "switch.range") for i in range(len(ranges))]
    for case, block, miss in zip(ranges, blocks, [*blocks[1:], switch.default], strict=True):
        builder = ir.IRBuilder(block)
        offset = builder.sub(value, ir.Constant(value.type, case.low)) if case.low else value
        inside = builder.icmp_unsigned("<=", offset, ir.Constant(value.type, case.high - case.low))
        builder.cbranch(inside, case.block, miss)
    switch.default = blocks[0]
