"""`fdiv-to-fmul`: divide by a power of two as an exact multiplication by its reciprocal."""

from __future__ import annotations

import math
import re
import struct
from dataclasses import dataclass
from typing import ClassVar

import llvmlite.binding as llvm

from nsc.ir.module import IRModule

__all__ = ["FdivToFmul", "exact_reciprocal"]

# scalar float/double only (half literals need the 0xH form): `%q = fdiv [fast-math flags] double %x, 4.000000e+00[, !md !n]`
_FDIV = re.compile(
    r"^(?P<head>\s*%[-\w.$\"]+ = )fdiv (?P<flags>(?:[a-z]+ )*)(?P<type>float|double) "
    r"(?P<x>[^,]+), (?P<c>[^\s,]+)(?P<tail>.*)$"
)
_MIN_EXPONENT = {"float": -126, "double": -1022}
_MAX_EXPONENT = {"float": 127, "double": 1023}


def exact_reciprocal(value: float, type_name: str) -> float | None:
    """1/value if value is a power of two whose reciprocal is a normal `type_name`; else None."""
    if value == 0 or not math.isfinite(value):
        return None
    mantissa, exponent = math.frexp(abs(value))  # value = mantissa * 2**exponent, 0.5 <= m < 1
    if mantissa != 0.5:
        return None
    power = exponent - 1  # value = +-2**power; the reciprocal is +-2**-power
    if not _MIN_EXPONENT[type_name] <= -power <= _MAX_EXPONENT[type_name]:
        return None
    return 1.0 / value


def llvm_float_literal(value: float) -> str:
    """An LLVM IR float literal for value: the hex of its double (exact for float too)."""
    bits = struct.unpack(">Q", struct.pack(">d", value))[0]
    return f"0x{bits:016X}"


@dataclass(frozen=True)
class FdivToFmul:
    """Turn fdiv by a power-of-two constant into an exact fmul by its reciprocal."""

    name: ClassVar[str] = "fdiv-to-fmul"

    def run(self, module: IRModule) -> IRModule:
        rewrites: dict[str, str] = {}
        for function in module.ref.functions:
            for block in function.blocks:
                for instruction in block.instructions:
                    if instruction.opcode == "fdiv":
                        self._plan(instruction, rewrites)
        if not rewrites:
            return module
        printed = str(module.ref)  # the lines LLVM prints, which str(instruction) matches
        lines = [rewrites.get(line, line) for line in printed.splitlines()]
        return IRModule("\n".join(lines) + "\n")

    def _plan(self, instruction: llvm.ValueRef, rewrites: dict[str, str]) -> None:
        divisor = list(instruction.operands)[1]
        if divisor.value_kind != llvm.ValueKind.constant_fp:
            return
        line = str(instruction)
        match = _FDIV.match(line)
        if match is None:  # a vector fdiv, or a shape this example does not handle
            return
        reciprocal = exact_reciprocal(
            divisor.get_constant_value(round_fp=True), match.group("type")
        )
        if reciprocal is None:
            return
        rewrites[line] = (
            f"{match['head']}fmul {match['flags']}{match['type']} {match['x']}, "
            f"{llvm_float_literal(reciprocal)}{match['tail']}"
        )
