"""GNU's floating-point classification builtins: `__builtin_isnan`, `isinf`, `isfinite`,
`isnormal`, `isinf_sign`, `signbit` (and `signbitf`, `signbitl`), `fpclassify`, and the quiet
comparisons `isgreater`, `isgreaterequal`, `isless`, `islessequal`, `islessgreater` and
`isunordered`.

Each evaluates its arguments once (math.h's macros of the same names evaluate theirs more than
once) and returns `int`. They take real floating values, as gcc's do (the comparisons an
integer beside a floating one, after the usual arithmetic conversions). `__builtin_signbit`'s
nonzero value is the one gcc's code leaves on x86-64: 1 for a double, the sign bit in place
(`INT_MIN`) for a float, and 512 (bit C1 of the x87 status word) for a long double.
"""

from __future__ import annotations

import math
from fractions import Fraction

from llvmlite import ir
from pycparser import c_ast

from nsc.frontend import x86fp80
from nsc.frontend.codegen.context import RValue
from nsc.frontend.codegen.conversions import cast, usual_arithmetic
from nsc.frontend.ctypes import FLOAT, INT, LONG_DOUBLE, CType, FloatType

_CLASSIFY = ("isnan", "isinf", "isfinite", "isnormal", "isinf_sign")
_SIGNBITS = {"signbit": None, "signbitf": FLOAT, "signbitl": LONG_DOUBLE}
_COMPARE = {  # LLVM's predicate: ordered, so a NaN makes each false (`isunordered` aside)
    "isgreater": ">",
    "isgreaterequal": ">=",
    "isless": "<",
    "islessequal": "<=",
    "islessgreater": "one",
    "isunordered": "uno",
}
# the sign bit where gcc's signbit leaves it, by the argument's width
_SIGN_VALUES = {32: -(2**31), 64: 1, 80: 512}


def _smallest_normal(ctype: CType) -> object:
    if ctype.bits == 80:
        return x86fp80.extended(Fraction(1, 2**16382))
    return math.ldexp(1.0, -126 if ctype.bits == 32 else -1022)


class FloatBuiltins:
    """Mixin: lower a call of one of GNU's floating-point classification builtins."""

    def call_float_builtin(
        self, name: str, args: list[c_ast.Node], node: c_ast.FuncCall
    ) -> RValue | None:
        """The call's value, or None when `name` is not one of these builtins."""
        short = name.removeprefix("__builtin_")
        if short in _COMPARE:
            return self._quiet_compare(name, _COMPARE[short], args, node)
        if short == "fpclassify":
            return self._fpclassify(name, args, node)
        if short not in _CLASSIFY and short not in _SIGNBITS:
            return None
        if len(args) != 1:
            raise self.error(f"{name} takes one argument, got {len(args)}", node)
        x = self._floating(name, args[0], _SIGNBITS.get(short))
        b = self.builder
        zero = ir.Constant(INT.llvm, 0)
        if short in _SIGNBITS:
            value = ir.Constant(INT.llvm, _SIGN_VALUES[x.ctype.bits])
            return self._int(b.select(self._sign(x), value, zero))
        if short == "isinf_sign":
            sign = b.select(self._sign(x), ir.Constant(INT.llvm, -1), ir.Constant(INT.llvm, 1))
            return self._int(b.select(self._infinite(x), sign, zero))
        flag = {
            "isnan": lambda: b.fcmp_unordered("uno", x.value, x.value),
            "isinf": lambda: self._infinite(x),
            "isfinite": lambda: self._finite(x),
            "isnormal": lambda: self._normal(x),
        }[short]()
        return self._int(b.zext(flag, INT.llvm))

    def _fpclassify(self, name: str, args: list[c_ast.Node], node: c_ast.FuncCall) -> RValue:
        """`__builtin_fpclassify(nan, infinite, normal, subnormal, zero, x)`: one of the first
        five (ints) by the class of x."""
        if len(args) != 6:
            raise self.error(f"{name} takes six arguments, got {len(args)}", node)
        values = []
        for k, arg in enumerate(args[:5]):
            value = self.rvalue(arg)
            if not value.ctype.is_integer:
                raise self.error(f"argument {k + 1} of {name} must be an integer", arg)
            values.append(cast(self.builder, value, INT).value)
        nan, infinite, normal, subnormal, zero = values
        x = self._floating(name, args[5], None)
        b = self.builder
        result = b.select(self._fcmp("==", x, 0.0), zero, subnormal)
        result = b.select(self._normal(x), normal, result)
        result = b.select(self._finite(x), result, infinite)
        return self._int(b.select(b.fcmp_unordered("uno", x.value, x.value), nan, result))

    def _quiet_compare(
        self, name: str, op: str, args: list[c_ast.Node], node: c_ast.FuncCall
    ) -> RValue:
        if len(args) != 2:
            raise self.error(f"{name} takes two arguments, got {len(args)}", node)
        left, right = self.rvalue(args[0]), self.rvalue(args[1])
        if not (left.ctype.is_arithmetic and right.ctype.is_arithmetic) or not (
            isinstance(left.ctype, FloatType) or isinstance(right.ctype, FloatType)
        ):
            raise self.error(
                f"{name} takes real floating arguments, not '{left.ctype}' and '{right.ctype}'",
                node,
            )
        common = usual_arithmetic(left.ctype, right.ctype)
        a = cast(self.builder, left, common).value
        c = cast(self.builder, right, common).value
        flag = self.builder.fcmp_ordered(op, a, c)
        return self._int(self.builder.zext(flag, INT.llvm))

    def _floating(self, name: str, arg: c_ast.Node, to: CType | None) -> RValue:
        """The argument, a real floating value (converted to `to` when given)."""
        value = self.rvalue(arg)
        if not isinstance(value.ctype, FloatType):
            raise self.error(f"{name} takes a real floating value, not '{value.ctype}'", arg)
        return cast(self.builder, value, to) if to is not None else value

    def _fcmp(self, op: str, x: RValue, value: object) -> ir.Value:
        """An ordered comparison of x with a constant (a float, or a long double's value)."""
        if x.ctype.bits == 80:
            value = x86fp80.extended(value)
        return self.builder.fcmp_ordered(op, x.value, ir.Constant(x.value.type, value))

    def _infinite(self, x: RValue) -> ir.Value:
        return self.builder.or_(self._fcmp("==", x, math.inf), self._fcmp("==", x, -math.inf))

    def _finite(self, x: RValue) -> ir.Value:
        b = self.builder
        return b.and_(self._fcmp(">", x, -math.inf), self._fcmp("<", x, math.inf))

    def _normal(self, x: RValue) -> ir.Value:
        b = self.builder
        smallest = _smallest_normal(x.ctype)
        large = b.or_(self._fcmp(">=", x, smallest), self._fcmp("<=", x, -smallest))
        return b.and_(large, self._finite(x))

    def _sign(self, x: RValue) -> ir.Value:
        """Whether the sign bit of x is set (NaNs and zeros included)."""
        bits = x.ctype.bits
        raw = self.builder.bitcast(x.value, ir.IntType(bits))
        return self.builder.icmp_signed("<", raw, ir.Constant(ir.IntType(bits), 0))

    def _int(self, value: ir.Value) -> RValue:
        return RValue(INT, value)
