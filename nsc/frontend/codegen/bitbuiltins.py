"""GNU's integer bit builtins: `__builtin_popcount`, `clz`, `ctz`, `clrsb`, `ffs`, `parity`,
`bswap`.

Each takes an unsigned integer of its suffix's width (`ffs` and `clrsb` a signed one) after the conversion
a prototype would apply, and returns `int` (the `bswap`s their argument's type), as gcc declares
them. They lower to LLVM's `ctpop`, `ctlz`, `cttz` and `bswap`. gcc leaves `clz` and `ctz` of
zero undefined (its -O0 code on x86-64 returns whatever the `bsr`/`bsf` instruction leaves); nsc
asks LLVM for the defined form, which gives the width, so the oracle never reads poison.
"""

from __future__ import annotations

from llvmlite import ir
from pycparser import c_ast

from nsc.frontend.codegen.context import RValue
from nsc.frontend.codegen.conversions import cast
from nsc.frontend.ctypes import INT, LLONG, LONG, UINT, ULLONG, ULONG, USHORT, IntType

_UNSIGNED = {"": UINT, "l": ULONG, "ll": ULLONG}
_SIGNED = {"": INT, "l": LONG, "ll": LLONG}
_COUNTS = ("popcount", "clz", "ctz", "clrsb", "parity", "ffs")
_TAKE_SIGNED = ("ffs", "clrsb")
_BSWAPS = {"16": USHORT, "32": UINT, "64": ULLONG}
FALSE = ir.Constant(ir.IntType(1), 0)


def bit_builtin_type(name: str) -> tuple[IntType, IntType] | None:
    """(parameter type, return type) of a bit builtin's name without `__builtin_`, else None."""
    for base in _COUNTS:
        suffix = name.removeprefix(base)
        if name.startswith(base) and suffix in _UNSIGNED:
            param = (_SIGNED if base in _TAKE_SIGNED else _UNSIGNED)[suffix]
            return param, INT
    if name.startswith("bswap") and name[5:] in _BSWAPS:
        width = _BSWAPS[name[5:]]
        return width, width
    return None


class BitBuiltins:
    """Mixin: lower a call of one of GNU's integer bit builtins."""

    def call_bit_builtin(
        self, name: str, args: list[c_ast.Node], node: c_ast.FuncCall
    ) -> RValue | None:
        """The call's value, or None when `name` is not a bit builtin."""
        short = name.removeprefix("__builtin_")
        types = bit_builtin_type(short)
        if types is None:
            return None
        param, ret = types
        if len(args) != 1:
            raise self.error(f"{name} takes one argument, got {len(args)}", node)
        value = self.rvalue(args[0])
        if not value.ctype.is_integer:
            raise self.error(f"{name} takes an integer ('{param}'), not '{value.ctype}'", args[0])
        x = self.convert_for_assignment(value, param, args[0], f"argument 1 of '{name}'").value
        b = self.builder
        base = short.rstrip("l") if not short.startswith("bswap") else "bswap"
        if base == "bswap":
            return RValue(ret, b.bswap(x))
        if base == "popcount":
            result = b.ctpop(x)
        elif base == "parity":
            result = b.and_(b.ctpop(x), ir.Constant(x.type, 1))
        elif base == "clz":
            result = b.ctlz(x, FALSE)
        elif base == "ctz":
            result = b.cttz(x, FALSE)
        elif base == "clrsb":  # the bits after the sign bit that repeat it
            sign = b.ashr(x, ir.Constant(x.type, x.type.width - 1))
            result = b.sub(b.ctlz(b.xor(x, sign), FALSE), ir.Constant(x.type, 1))
        else:  # ffs: one plus the index of the lowest set bit, 0 for 0
            zero = b.icmp_unsigned("==", x, ir.Constant(x.type, 0))
            lowest = b.add(b.cttz(x, FALSE), ir.Constant(x.type, 1))
            result = b.select(zero, ir.Constant(x.type, 0), lowest)
        return cast(b, RValue(_UNSIGNED[short[len(base) :]], result), ret)


def fold_bit_builtin(name: str, value: int) -> int:
    """A bit builtin (`name` without `__builtin_`) of a constant already converted to its
    parameter type, as gcc folds it in a constant expression (`clz`/`ctz` of 0: the width)."""
    param, _ = bit_builtin_type(name)  # type: ignore[misc]
    bits = param.bits
    x = value % (1 << bits)  # the two's complement bits of a signed argument
    base = name.rstrip("l") if not name.startswith("bswap") else "bswap"
    if base == "bswap":
        return int.from_bytes(x.to_bytes(bits // 8, "little"), "big")
    if base == "popcount":
        return x.bit_count()
    if base == "parity":
        return x.bit_count() & 1
    if base == "clz":
        return bits - x.bit_length()
    if base == "clrsb":
        sign = (1 << bits) - 1 if x >> (bits - 1) else 0
        return bits - (x ^ sign).bit_length() - 1
    lowest = (x & -x).bit_length()  # 1 + the index of the lowest set bit; 0 for 0
    if base == "ctz":
        return lowest - 1 if x else bits
    return lowest  # ffs
