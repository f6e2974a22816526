"""Literals and integer/float constant expressions (array sizes, case labels, initializers)."""

from __future__ import annotations

import math
import re
import struct
from contextlib import nullcontext
from fractions import Fraction

from pycparser import c_ast

from nsc.diagnostics import CompileError
from nsc.frontend import longdouble, mathlib, x86fp80
from nsc.frontend.codegen.bitbuiltins import bit_builtin_type, fold_bit_builtin
from nsc.frontend.codegen.calls import MATH_TYPES
from nsc.frontend.codegen.context import EnumConstant, FunctionSymbol, Variable
from nsc.frontend.codegen.conversions import promote, usual_arithmetic
from nsc.frontend.ctypes import (
    DOUBLE,
    FLOAT,
    INT,
    INT128,
    LLONG,
    LONG,
    LONG_DOUBLE,
    SIZE_T,
    UINT,
    ULLONG,
    ULONG,
    USHORT,
    ArrayType,
    BoolType,
    CType,
    FloatType,
    FunctionType,
    IntType,
    PointerType,
    StructType,
    scalar_value,
)

Number = int | float

_ESCAPES = {"n": 10, "t": 9, "r": 13, "0": 0, "a": 7, "b": 8, "f": 12, "v": 11, "\\": 92}
_ESCAPES.update({"'": 39, '"': 34, "?": 63})
_WIDE_CHARS = {"L": INT, "u": USHORT, "U": UINT}  # wchar_t, char16_t, char32_t on x86-64 Linux


# gcc's builtins that are constants, by name: the type, and whether they take `nan`'s tag
_SPECIAL_FLOATS: dict[str, tuple[CType, bool]] = {}
for _suffix, _type in (("", DOUBLE), ("f", FLOAT), ("l", LONG_DOUBLE)):
    _SPECIAL_FLOATS[f"__builtin_inf{_suffix}"] = (_type, False)
    _SPECIAL_FLOATS[f"__builtin_huge_val{_suffix}"] = (_type, False)
    _SPECIAL_FLOATS[f"__builtin_nan{_suffix}"] = (_type, True)
NAN_FUNCTIONS = {"nan": DOUBLE, "nanf": FLOAT, "nanl": LONG_DOUBLE}  # math.h's, gcc builtins too
_NAN_TAG = re.compile(r"0[xX](?P<hex>[0-9a-fA-F]+)|0(?P<oct>[0-7]*)|(?P<dec>[1-9][0-9]*)")


def nan_payload(tag: bytes) -> int | None:
    """The number `nan(tag)` puts in a NaN's significand: none for an empty tag, else the tag
    read as a C integer constant (decimal, octal, hexadecimal); None for any other tag."""
    if not tag:
        return 0
    match = _NAN_TAG.fullmatch(tag.decode("latin-1"))
    if match is None:
        return None
    if match["hex"] is not None:
        return int(match["hex"], 16)
    return int(match["oct"] or "0", 8) if match["dec"] is None else int(match["dec"])


def quiet_nan(ctype: CType, payload: int) -> Number:
    """The positive quiet NaN of a floating type with `payload` in the significand bits below
    the quiet bit (what gcc and glibc make of `nan("payload")`)."""
    if longdouble.is_long_double(ctype):  # the explicit integer bit, the quiet bit, 62 bits
        import numpy

        significand = 0xC000_0000_0000_0000 | payload & (2**62 - 1)
        data = significand.to_bytes(8, "little") + (0x7FFF).to_bytes(2, "little") + bytes(6)
        return numpy.frombuffer(data, dtype=numpy.longdouble)[0]
    if ctype.bits == 32:  # a float32 NaN's payload, where converting a double to float keeps it
        payload = (payload & (2**22 - 1)) << 29
    bits = 0x7FF8_0000_0000_0000 | payload & (2**51 - 1)
    return struct.unpack("<d", bits.to_bytes(8, "little"))[0]


def round_float(value: float) -> float:
    """Round a double to the nearest float32 (what storing into a C float does)."""
    try:
        return struct.unpack("f", struct.pack("f", value))[0]
    except OverflowError:
        return math.copysign(math.inf, value)


def round_exact_float(value: Fraction) -> float:
    """Round an exact number to the nearest float32, ties to even, in one step.

    Rounding to a double first and then to float32 can round twice and miss by one ulp
    (2**60 + 2**36 + 1 becomes 2**60, where C's one rounding gives 2**60 + 2**37).
    """
    if value == 0:
        return 0.0
    exponent = value.numerator.bit_length() - value.denominator.bit_length()
    if abs(value) < Fraction(2) ** exponent:
        exponent -= 1
    if exponent > 127:
        return math.copysign(math.inf, value)
    step = Fraction(2) ** (max(exponent, -126) - 23)  # the ulp; fixed below the normal range
    return round_float(float(round(value / step) * step))  # round() of a Fraction ties to even


def _hex_fraction(body: str) -> Fraction:
    """The exact value of a hexadecimal floating constant's digits (`0x1.8p-3`)."""
    digits, _, exponent = body[2:].lower().partition("p")
    whole, _, fraction = digits.partition(".")
    mantissa = Fraction(int(whole + fraction or "0", 16), 16 ** len(fraction))
    return mantissa * Fraction(2) ** int(exponent or "0")


def int_literal(text: str) -> tuple[CType, int]:
    """The type and value of a C integer literal (C99 6.4.4.1)."""
    match = re.fullmatch(r"(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)([uUlL]*)", text)
    if match is None:
        raise ValueError(f"invalid integer constant '{text}'")
    digits, suffix = match.group(1), match.group(2).lower()
    value = (
        int(digits, 16)
        if digits[:2].lower() == "0x"
        else int(digits, 8 if digits != "0" and digits.startswith("0") else 10)
    )
    decimal = not digits.startswith("0") or digits == "0"
    unsigned = "u" in suffix
    longs = suffix.count("l")
    if longs == 0:
        candidates = [INT, LONG] if decimal else [INT, UINT, LONG, ULONG]
    elif longs == 1:
        candidates = [LONG, LLONG] if decimal else [LONG, ULONG, LLONG, ULLONG]
    else:  # `ll`: long long, not long, though both are 64 bits (`_Generic` tells them apart)
        candidates = [LLONG] if decimal else [LLONG, ULLONG]
    if unsigned:
        candidates = [UINT, ULONG] if longs == 0 else [ULONG, ULLONG] if longs == 1 else [ULLONG]
    for ctype in candidates:
        if ctype.min <= value <= ctype.max:
            return ctype, value
    if value <= ULLONG.max:  # decimal without `u`: gcc types it __int128 (signed, though it
        # warns that the constant "is so large that it is unsigned")
        return INT128, value
    raise ValueError(f"integer constant '{text}' is too large")


def float_literal(text: str) -> tuple[CType, float]:
    suffix = text[-1].lower()
    body = text[:-1] if suffix in "fl" else text
    if suffix == "l":
        return LONG_DOUBLE, x86fp80.literal(body)
    hexadecimal = body[:2].lower() == "0x"
    try:
        value = float.fromhex(body) if hexadecimal else float(body)
    except OverflowError:  # a hexadecimal constant past the double range: gcc warns, gives inf
        value = math.inf
    if suffix != "f":
        return DOUBLE, value
    if value == 0 or math.isinf(value):  # far outside float32's range: nothing to round twice
        return FLOAT, value
    single = round_float(value)
    if not _float32_tie(value, single):  # the double is on the exact value's side: one rounding
        return FLOAT, single
    return FLOAT, round_exact_float(_hex_fraction(body) if hexadecimal else Fraction(body))


def _float32_tie(value: float, rounded: float) -> bool:
    """Whether a double lies halfway between two float32s (or `rounded` is 0 or inf): only
    there can rounding the exact value to float32 differ from rounding the double."""
    if value == rounded:
        return False
    if rounded == 0 or math.isinf(rounded):
        return True
    bits = struct.unpack("<I", struct.pack("<f", rounded))[0]
    away = abs(value) > abs(rounded)  # the other float32 around `value` is further from zero
    other = struct.unpack("<f", struct.pack("<I", bits + 1 if away else bits - 1))[0]
    return 2 * value == rounded + other


def char_literal(text: str) -> tuple[CType, int]:
    """The type and value of a character constant: `'a'` is an int holding a char; `L'a'`,
    `u'a'` and `U'a'` are wchar_t, char16_t and char32_t holding a code point. A narrow one
    of several characters (`'ab'`, or `'é'` in UTF-8) is an int as gcc makes it: each byte
    shifted in from the right, the last four kept."""
    ctype = _WIDE_CHARS.get(text[:1])
    body = text[1:] if ctype is not None else text
    if not (body.startswith("'") and body.endswith("'")) or len(body) < 3:
        raise ValueError(f"unsupported character constant {text}")
    body = body[1:-1]
    if ctype is None:
        chars = _narrow_chars(body, text)
        if len(chars) == 1:
            return INT, (chars[0] + 128) % 256 - 128
        value = 0
        for char in chars:
            value = (value << 8 | char) & 0xFFFFFFFF
        return INT, INT.wrap(value)
    limit = (1 << 8 * ctype.size) - 1
    multi = ValueError(f"multi-character constant {text} is not supported")
    if body.startswith("\\"):
        rest = body[1:]
        octal = re.match(r"[0-7]{1,3}", rest)
        if rest[:1] == "x" and re.fullmatch(r"x[0-9a-fA-F]+", rest):
            value = int(rest[1:], 16)
        elif octal:
            if octal.end() < len(rest):  # an octal escape has at most three digits: '\18'
                raise multi
            value = int(rest, 8)
        elif rest in _ESCAPES:
            value = _ESCAPES[rest]
        else:
            raise ValueError(f"unknown escape sequence in {text}")
        if value > limit:
            raise ValueError(f"escape sequence out of range in {text}")
    elif len(body) == 1:
        value = ord(body)
        if value > limit:
            raise ValueError(f"character constant {text} is out of range for its type")
    else:
        raise multi
    return ctype, ctype.wrap(value)


def _narrow_chars(body: str, text: str) -> list[int]:
    """The bytes a narrow character constant's body spells (escapes decoded; other characters
    as their UTF-8 bytes)."""
    chars: list[int] = []
    i = 0
    while i < len(body):
        if body[i] != "\\":
            chars.extend(body[i].encode())
            i += 1
            continue
        rest = body[i + 1 :]
        escape = re.match(r"x[0-9a-fA-F]+|[0-7]{1,3}", rest)
        if escape is not None:
            digits = escape.group()
            value = int(digits[1:], 16) if digits[0] == "x" else int(digits, 8)
            i += 1 + len(digits)
        elif rest[:1] in _ESCAPES:
            value = _ESCAPES[rest[:1]]
            i += 2
        else:
            raise ValueError(f"unknown escape sequence in {text}")
        if value > 255:
            raise ValueError(f"escape sequence out of range in {text}")
        chars.append(value)
    return chars


def literal(node: c_ast.Constant) -> tuple[CType, Number]:
    """The type and value of a pycparser Constant node."""
    if node.type == "char" or node.value.startswith("'"):  # pycparser: 'ab' is an int
        return char_literal(node.value)
    if node.type in ("float", "double", "long double"):
        return float_literal(node.value)
    if node.type == "string":
        raise ValueError("a string literal is not an arithmetic constant")
    return int_literal(node.value)


_OBJECTS = (c_ast.ID, c_ast.ArrayRef, c_ast.StructRef, c_ast.UnaryOp)


class ConstantEvaluation:
    """Mixin: fold integer and float constant expressions at compile time."""

    unevaluated = False  # typing what is not evaluated: sizeof's operand, an unselected `?:` arm

    def const_eval(self, node: c_ast.Node) -> tuple[CType, Number]:
        """Evaluate a constant expression or raise a located CompileError."""
        if self.unevaluated and isinstance(node, _OBJECTS):
            ctype = self.object_type(node)
            if ctype is not None and ctype.is_arithmetic:
                return ctype.qualified(False), 0  # never read: only its type counts, as in gcc
        method = getattr(self, f"_const_{type(node).__name__}", None)
        if method is None:
            raise self.error("expression is not a compile-time constant", node)
        return method(node)

    def const_int(self, node: c_ast.Node, what: str) -> int:
        ctype, value = self.const_eval(node)
        if not isinstance(value, int) or isinstance(ctype, FloatType):
            raise self.error(f"{what} must be an integer constant", node)
        return value

    def _const_Constant(self, node: c_ast.Constant) -> tuple[CType, Number]:
        try:
            return literal(node)
        except ValueError as exc:
            raise self.error(str(exc), node) from None

    def _const_ID(self, node: c_ast.ID) -> tuple[CType, Number]:
        symbol = self.scope.lookup(node.name)
        if isinstance(symbol, EnumConstant):
            return symbol.ctype, symbol.value
        if symbol is None:
            raise self.undeclared(node)
        raise self.error(f"'{node.name}' is not a compile-time constant", node)

    def _const_Cast(self, node: c_ast.Cast) -> tuple[CType, Number]:
        to = self.resolve_typename(node.to_type)
        ctype, value = self.const_eval(node.expr)
        if not to.is_arithmetic:
            raise self.error(f"cannot cast to '{to}' in a constant expression", node)
        return to, convert_constant(value, to)

    def _const_UnaryOp(self, node: c_ast.UnaryOp) -> tuple[CType, Number]:
        if node.op == "sizeof":
            return SIZE_T, self.sizeof_operand(node.expr).size
        if node.op == "_Alignof":  # C11 takes a type name; gcc an expression as well
            return SIZE_T, self.sizeof_operand(node.expr, node.op).align
        ctype, value = self.const_eval(node.expr)
        if node.op == "!":
            return INT, int(not value)
        ptype = promote(ctype)
        if node.op == "+":
            return ptype, value
        if node.op == "-":
            return ptype, convert_constant(-value, ptype)
        if node.op == "~" and isinstance(ptype, IntType):
            return ptype, ptype.wrap(~value)
        raise self.error(f"operator '{node.op}' is not allowed in a constant expression", node)

    def static_type(self, node: c_ast.Node) -> CType:
        """The type of an expression without lowering it (for sizeof in constants)."""
        ctype = self.object_type(node)
        return ctype if ctype is not None else self.unevaluated_type(node)

    def object_type(self, node: c_ast.Node) -> CType | None:
        """The type of a variable or a string literal, or of an element or member reached
        from one, found without lowering anything; None for other expressions."""
        if isinstance(node, c_ast.Constant) and node.type == "string":
            return self.string_type(node)
        if isinstance(node, c_ast.ID):
            symbol = self.scope.lookup(node.name)
            return symbol.ctype if isinstance(symbol, Variable) else None
        if isinstance(node, c_ast.ArrayRef | c_ast.UnaryOp):
            if getattr(node, "op", "*") != "*":
                return None
            inner = self._pointed_type(node.name if isinstance(node, c_ast.ArrayRef) else node.expr)
            if isinstance(inner, ArrayType | PointerType):
                return inner.elem if isinstance(inner, ArrayType) else inner.pointee
            return None
        if isinstance(node, c_ast.StructRef):
            inner = (
                self._pointed_type(node.name) if node.type == "->" else self.object_type(node.name)
            )
            if node.type == "->" and isinstance(inner, ArrayType | PointerType):
                inner = inner.elem if isinstance(inner, ArrayType) else inner.pointee
            member = inner.member(node.field.name) if isinstance(inner, StructType) else None
            if member is not None:
                return member.ctype.qualified(False)
        return None

    def _pointed_type(self, node: c_ast.Node) -> CType | None:
        """The type of a pointer operand of `*`, `[]` or `->` found without lowering: an
        object's, or a null pointer constant's cast (`sizeof(((T *)0)->m)`, a member's size)."""
        if isinstance(node, c_ast.Cast) and isinstance(node.expr, c_ast.Constant):
            to = self.resolve_typename(node.to_type)
            return to if isinstance(to, PointerType) else None
        return self.object_type(node)

    def unevaluated_type(self, node: c_ast.Node) -> CType:
        """The type of a constant expression that is not evaluated (sizeof's operand, the
        unselected arm of `?:`): a division by zero or a variable there is no error."""
        outer, self.unevaluated = self.unevaluated, True
        try:
            return self.const_eval(node)[0]
        finally:
            self.unevaluated = outer

    def _const_BinaryOp(self, node: c_ast.BinaryOp) -> tuple[CType, Number]:
        op = node.op
        ltype, lhs = self.const_eval(node.left)
        if op in ("&&", "||"):
            if bool(lhs) == (op == "||"):  # decided: the right one is not evaluated (`0 && 1/0`)
                self.unevaluated_type(node.right)  # but its names are declared (`0 && nope`)
                return INT, int(bool(lhs))
            return INT, int(bool(self.const_eval(node.right)[1]))
        rtype, rhs = self.const_eval(node.right)
        if op in ("<<", ">>"):
            if not (ltype.is_integer and rtype.is_integer):
                raise self.error(
                    f"invalid operands to binary {op} (have '{ltype}' and '{rtype}')", node
                )
            ptype = promote(ltype)
            shift = rhs & (ptype.bits - 1)
            return ptype, ptype.wrap(lhs << shift if op == "<<" else lhs >> shift)
        ctype = usual_arithmetic(ltype, rtype)
        a, b = convert_constant(lhs, ctype), convert_constant(rhs, ctype)
        if op in ("<", ">", "<=", ">=", "==", "!="):
            return INT, int(_compare(op, a, b))
        if op in ("/", "%") and isinstance(ctype, IntType) and b == 0:
            if self.unevaluated:  # only the type counts (`1 ? 3 : 1 / 0`)
                return ctype, 0
            raise self.error("division by zero in a constant expression", node)
        with x86fp80.quiet() if longdouble.is_long_double(ctype) else nullcontext():
            result = _arith(op, a, b, isinstance(ctype, FloatType))
        if result is None:
            raise self.error(f"operator '{op}' is not allowed in a constant expression", node)
        return ctype, convert_constant(result, ctype)

    def _const_ExprList(self, node: c_ast.ExprList) -> tuple[CType, Number]:
        """A comma is allowed where it is not evaluated (`1 ? 2 : (f(), 3)`), as in C."""
        if not self.unevaluated:
            raise self.error("expression is not a compile-time constant", node)
        return self.const_eval(node.exprs[-1])

    def _const_FuncCall(self, node: c_ast.FuncCall) -> tuple[CType, Number]:
        """A call is allowed where it is not evaluated (`1 ? 2 : f(3)`): its type counts."""
        if self.is_offsetof(node):
            return SIZE_T, self.offset_of(node)
        special = self.special_float(node)
        if special is not None:
            return special
        chosen = self.chosen_expression(node)
        if chosen is not None:
            return self.const_eval(chosen)
        known = self.constant_p(node)
        if known is not None:
            return INT, known
        bits = self._const_bit_builtin(node)
        if bits is not None:
            return bits
        if self.unevaluated:
            ret = self._return_type(node.name)
            if ret is not None and ret.is_arithmetic:
                return ret.qualified(False), 0
        raise self.error("expression is not a compile-time constant", node)

    def special_float(self, node: c_ast.FuncCall) -> tuple[CType, Number] | None:
        """`__builtin_inf()`, `__builtin_huge_val()` and `__builtin_nan("")` (suffix `f`:
        float, `l`: long double) and math.h's `nan("")`, folded as gcc folds them; None for
        any other call."""
        name = node.name.name if isinstance(node.name, c_ast.ID) else ""
        symbol = self.scope.lookup(name) if name else None
        if name in NAN_FUNCTIONS:
            if symbol is not None and (
                not isinstance(symbol, FunctionSymbol) or self._in_program(symbol)
            ):
                return None  # the program's own `nan`
            ctype, tagged = NAN_FUNCTIONS[name], True
        elif name in _SPECIAL_FLOATS and symbol is None:
            ctype, tagged = _SPECIAL_FLOATS[name]
        else:
            return None
        args = node.args.exprs if node.args is not None else []
        if not tagged:
            if args:
                raise self.error(f"{name} takes no arguments", node)
            return ctype, convert_constant(math.inf, ctype)
        tag = args[0] if len(args) == 1 else None
        if not (isinstance(tag, c_ast.Constant) and tag.type == "string"):
            raise self.error(f"{name} takes a string literal (nsc folds it, as gcc does)", node)
        payload = nan_payload(self.string_bytes(tag)[:-1])
        if payload is None:
            raise self.error(
                f"{name}'s string must be empty or a decimal, octal or hexadecimal number", tag
            )
        return ctype, quiet_nan(ctype, payload)

    def chosen_expression(self, node: c_ast.FuncCall) -> c_ast.Node | None:
        """`__builtin_choose_expr(c, a, b)`: a where the integer constant c is nonzero, else
        b, the other neither evaluated nor typed; None for any other call."""
        if not self._gnu_builtin(node, "__builtin_choose_expr"):
            return None
        args = node.args.exprs if node.args is not None else []
        if len(args) != 3:
            raise self.error("__builtin_choose_expr takes a constant and two expressions", node)
        return args[1] if self.const_int(args[0], "__builtin_choose_expr's condition") else args[2]

    def constant_p(self, node: c_ast.FuncCall) -> int | None:
        """`__builtin_constant_p(e)`: 1 where e is a constant expression, else 0, as gcc -O0
        answers (e is never evaluated); None for any other call."""
        if not self._gnu_builtin(node, "__builtin_constant_p"):
            return None
        args = node.args.exprs if node.args is not None else []
        if len(args) != 1:
            raise self.error("__builtin_constant_p takes one expression", node)
        try:
            self.const_eval(args[0])
        except CompileError:
            return 0
        return 1

    def _gnu_builtin(self, node: c_ast.FuncCall, name: str) -> bool:
        callee = node.name
        return (
            isinstance(callee, c_ast.ID) and callee.name == name and self.scope.lookup(name) is None
        )

    def _const_bit_builtin(self, node: c_ast.FuncCall) -> tuple[CType, Number] | None:
        """`__builtin_popcount(7u)` and the other bit builtins of a constant, folded as gcc
        does; None for any other call."""
        name = node.name.name if isinstance(node.name, c_ast.ID) else ""
        short = name.removeprefix("__builtin_")
        types = bit_builtin_type(short) if short != name else None
        if types is None or node.args is None or len(node.args.exprs) != 1:
            return None
        ctype, value = self.const_eval(node.args.exprs[0])
        if not isinstance(value, int) or isinstance(ctype, FloatType):
            raise self.error(f"{name} takes an integer ('{types[0]}')", node.args.exprs[0])
        return types[1], fold_bit_builtin(short, convert_constant(value, types[0]))

    def is_offsetof(self, node: c_ast.FuncCall) -> bool:
        """`offsetof(type, member)`, which pycparser parses as a call (stddef.h's macro)."""
        name = node.name
        return (
            isinstance(name, c_ast.ID)
            and name.name == "offsetof"
            and not self.scope.lookup("offsetof")
        )

    def offset_of(self, node: c_ast.FuncCall) -> int:
        """The byte offset `offsetof(type, designator)` names (`m`, `a.b`, `v[2]`)."""
        args = node.args.exprs if node.args is not None else []
        if len(args) != 2 or not isinstance(args[0], c_ast.Typename):
            raise self.error("offsetof takes a type and a member designator", node)
        record = self.resolve_typename(args[0])
        if not isinstance(record, StructType):
            raise self.error(f"offsetof needs a struct or union type, not '{record}'", args[0])
        if not record.is_complete:
            raise self.error(f"offsetof of incomplete type '{record}'", args[0])
        return self._member_offset(record, args[1])[0]

    def _member_offset(self, record: StructType, node: c_ast.Node) -> tuple[int, CType]:
        """The offset and type of the designator `node` (an offsetof operand) in `record`."""
        if isinstance(node, c_ast.ID | c_ast.StructRef):
            base, ctype = (
                (0, record)
                if isinstance(node, c_ast.ID)
                else self._member_offset(record, node.name)
            )
            name = node.name if isinstance(node, c_ast.ID) else node.field.name
            member = ctype.member(name) if isinstance(ctype, StructType) else None
            if member is None:
                raise self.error(f"no member named '{name}' in '{ctype}'", node)
            if member.bitfield is not None:
                raise self.error(
                    f"attempt to take address of bit-field structure member '{name}'", node
                )
            return base + member.offset, member.ctype
        if isinstance(node, c_ast.ArrayRef):
            base, ctype = self._member_offset(record, node.name)
            if not isinstance(ctype, ArrayType):
                raise self.error(f"subscripted member is not an array ('{ctype}')", node)
            index = self.const_int(node.subscript, "an offsetof subscript")
            return base + index * ctype.elem.size, ctype.elem
        raise self.error("offsetof needs a member designator (m, m.n or m[k])", node)

    def _return_type(self, callee: c_ast.Node) -> CType | None:
        callee = self.through_generic(callee)  # `_Generic(x, float: sinf, default: sin)(x)`
        if isinstance(callee, c_ast.ID):
            symbol = self.scope.lookup(callee.name)
            if isinstance(symbol, FunctionSymbol):
                return symbol.ctype.ret
            math = mathlib.lookup(callee.name) if symbol is None else None
            if math is not None:
                return MATH_TYPES.get(math.ret)
        ctype = self.object_type(callee)  # a pointer to a function: `fp(1)`, `(*fp)(1)`, `t[k](1)`
        if isinstance(ctype, PointerType):
            ctype = ctype.pointee
        return ctype.ret if isinstance(ctype, FunctionType) else None

    def _const_Assignment(self, node: c_ast.Assignment) -> tuple[CType, Number]:
        """An assignment is allowed where it is not evaluated: the type of its left side."""
        ctype = self.object_type(node.lvalue) if self.unevaluated else None
        if ctype is None or not ctype.is_arithmetic:
            raise self.error("expression is not a compile-time constant", node)
        return ctype.qualified(False), 0

    def _const_TernaryOp(self, node: c_ast.TernaryOp) -> tuple[CType, Number]:
        """Only the selected arm is evaluated; the other one gives just its type."""
        _, cond = self.const_eval(node.cond)
        selected, other = (node.iftrue, node.iffalse) if cond else (node.iffalse, node.iftrue)
        stype, value = self.const_eval(selected)
        ctype = usual_arithmetic(stype, self.unevaluated_type(other))
        return ctype, convert_constant(value, ctype)


def convert_constant(value: Number, to: CType) -> Number:
    """Convert a folded constant to an arithmetic type, rounding floats to float32 when needed."""
    if isinstance(to, BoolType):
        return scalar_value(to, value)  # nonzero (NaN and infinities too) converts to 1
    if x86fp80.is_extended(value) or longdouble.is_long_double(to):
        return longdouble.convert_constant(value, to)
    if isinstance(to, FloatType):
        if to.bits == 32 and isinstance(value, int):
            return round_exact_float(Fraction(value))
        value = float(value)
        return round_float(value) if to.bits == 32 else value
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return 0
        value = math.trunc(value)
    return scalar_value(to, value)


def _compare(op: str, a: Number, b: Number) -> bool:
    return {
        "<": a < b,
        ">": a > b,
        "<=": a <= b,
        ">=": a >= b,
        "==": a == b,
        "!=": a != b,
    }[op]


def _arith(op: str, a: Number, b: Number, is_float: bool) -> Number | None:
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if op == "/":
        if is_float:
            if b:
                return a / b
            if a == 0 or math.isnan(a):  # 0/0 and NaN/0 are NaN, not infinities
                return math.nan
            return math.copysign(math.inf, a) * math.copysign(1.0, b)
        quotient = abs(a) // abs(b)
        return quotient if (a < 0) == (b < 0) else -quotient
    if is_float:
        return None
    if op == "%":
        quotient = _arith("/", a, b, False)
        return a - quotient * b
    if op == "&":
        return a & b
    if op == "|":
        return a | b
    if op == "^":
        return a ^ b
    return None
