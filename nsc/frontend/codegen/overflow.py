"""GNU's checked arithmetic: `__builtin_add_overflow(a, b, &r)`, `sub`, `mul`, and the typed
forms (`__builtin_sadd_overflow`, `uaddl`, `smulll`, ...).

gcc's rule: the operation is done in infinite precision, the result converted to the type `r`
points to and stored there, and the call returns whether that conversion changed the value.
nsc computes in a type wide enough for every result of its operands (i128 for operands of up
to 64 bits, i256 beyond), so the arithmetic is exact. The one result that does not fit as a
signed wide value, a product of two unsigned operands, is compared as unsigned.
"""

from __future__ import annotations

from llvmlite import ir
from pycparser import c_ast

from nsc.frontend.codegen.context import RValue
from nsc.frontend.codegen.conversions import cast
from nsc.frontend.ctypes import (
    BOOL,
    INT,
    LLONG,
    LONG,
    UINT,
    ULLONG,
    ULONG,
    BoolType,
    CType,
    IntType,
    PointerType,
)

_OPS = ("add", "sub", "mul")
_TYPED = {("s", ""): INT, ("s", "l"): LONG, ("s", "ll"): LLONG}
_TYPED.update({("u", ""): UINT, ("u", "l"): ULONG, ("u", "ll"): ULLONG})


def overflow_builtin(name: str) -> tuple[str, CType | None] | None:
    """(operation, the typed form's operand type or None) of a checked-arithmetic builtin's
    name without `__builtin_`, else None."""
    base = name.removesuffix("_overflow")
    if base == name:
        return None
    if base in _OPS:
        return base, None
    for op in _OPS:
        sign, _, suffix = base.partition(op)
        if (sign, suffix) in _TYPED and base == sign + op + suffix:
            return op, _TYPED[sign, suffix]
    return None


class OverflowBuiltins:
    """Mixin: lower a call of one of GNU's checked-arithmetic builtins."""

    def call_overflow_builtin(
        self, name: str, args: list[c_ast.Node], node: c_ast.FuncCall
    ) -> RValue | None:
        """The call's value (a `_Bool`), or None when `name` is not such a builtin."""
        found = overflow_builtin(name.removeprefix("__builtin_"))
        if found is None:
            return None
        op, typed = found
        if len(args) != 3:
            raise self.error(f"{name} takes two integers and a pointer, got {len(args)}", node)
        operands = []
        for k, arg in enumerate(args[:2]):
            value = self.rvalue(arg)
            if not value.ctype.is_integer:
                raise self.error(
                    f"argument {k + 1} of {name} has type '{value.ctype}', not an integer", arg
                )
            if typed is not None:
                value = self.convert_for_assignment(
                    value, typed, arg, f"argument {k + 1} of '{name}'"
                )
            operands.append(value)
        pointer = self.rvalue(args[2])
        if typed is not None:
            pointer = self.convert_for_assignment(
                pointer, PointerType(typed), args[2], f"argument 3 of '{name}'"
            )
        pointee = pointer.ctype.pointee if isinstance(pointer.ctype, PointerType) else None
        if not isinstance(pointee, IntType) or pointee.enum_id is not None or pointee.const:
            raise self.error(
                f"argument 3 of {name} must point to a modifiable integer that is not a bool "
                f"or an enum, not '{pointer.ctype}'",
                args[2],
            )
        target = self.dereference(pointer, args[2])
        self.check_region(target.address, target.ctype, target.region)
        exact, unsigned = self._exact(op, *operands)
        result, overflow = self._narrow(exact, unsigned, pointee)
        self.store(target, RValue(pointee, result))
        return cast(self.builder, RValue(INT, self.builder.zext(overflow, INT.llvm)), BOOL)

    def _exact(self, op: str, a: RValue, c: RValue) -> tuple[ir.Value, bool]:
        """The exact result in a wide integer, and whether to read it as unsigned."""
        wide = ir.IntType(128 if max(_bits(a.ctype), _bits(c.ctype)) <= 64 else 256)
        x, y = self._widen(a, wide), self._widen(c, wide)
        b = self.builder
        result = {"add": b.add, "sub": b.sub, "mul": b.mul}[op](x, y)
        return result, op == "mul" and not _signed(a.ctype) and not _signed(c.ctype)

    def _widen(self, value: RValue, wide: ir.IntType) -> ir.Value:
        if isinstance(value.ctype, BoolType):
            value = cast(self.builder, value, INT)
        extend = self.builder.sext if _signed(value.ctype) else self.builder.zext
        return extend(value.value, wide)

    def _narrow(self, exact: ir.Value, unsigned: bool, to: IntType) -> tuple[ir.Value, ir.Value]:
        """The exact value converted to `to`, and whether that changed it."""
        b = self.builder
        wide = exact.type
        result = b.trunc(exact, to.llvm) if to.bits < wide.width else exact
        if unsigned:  # a product of unsigned operands: not negative, maybe past the signed top
            return result, b.icmp_unsigned(">", exact, ir.Constant(wide, to.max))
        back = result if to.bits == wide.width else (b.sext if to.signed else b.zext)(result, wide)
        changed = b.icmp_signed("!=", back, exact)
        if not to.signed:
            changed = b.or_(changed, b.icmp_signed("<", exact, ir.Constant(wide, 0)))
        return result, changed


def _bits(ctype: CType) -> int:
    return ctype.bits if isinstance(ctype, IntType) else 1


def _signed(ctype: CType) -> bool:
    return isinstance(ctype, IntType) and ctype.signed
