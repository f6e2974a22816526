"""Floating point: math.h calls kept in their domains, NaN and infinities, isfinite guards,
arithmetic chains, conversions between the integer and the floating types, frexp and modf."""

from __future__ import annotations

import math
import re

from cfuzz.types import (
    COMPARE,
    DOUBLE,
    FLOAT,
    FLOAT_LIMIT,
    FLOATS,
    INT,
    INTS,
    LDOUBLE,
    MATH_SUFFIX,
    UCHAR,
    UINT,
    ULLONG,
    ULONG,
    USHORT,
    Access,
    CType,
    Expr,
    Var,
    common,
    converted,
    float_range,
)

# an identifier that names a variable or a helper (the generator's names end in a number)
VARIABLE = re.compile(r"\b(?!atan2\b)[a-z]+[0-9]+\b")
ROUNDING = ["floor", "ceil", "round", "trunc"]
UNARY = ["fabs", "sqrt", "exp", "log", "sin", "cos", "atan", *ROUNDING]
BINARY = ["atan2", "pow", "hypot", "fmod", "copysign", "fmin", "fmax", "ldexp"]
SPECIALS = {
    "INFINITY": FLOAT,
    "(-INFINITY)": FLOAT,
    "NAN": FLOAT,
    "HUGE_VAL": DOUBLE,
    "(-HUGE_VALF)": FLOAT,
    "HUGE_VALL": LDOUBLE,
}
# constants that round (or are exact) only in some type, subnormals, limits, odd spellings
TRICKY = [
    ("16777217.0f", FLOAT),
    ("0x1.fffffep127f", FLOAT),
    ("1e-45f", FLOAT),
    ("0x1p-149f", FLOAT),
    ("1.17549435e-38F", FLOAT),
    ("0x10p-4f", FLOAT),
    ("1E+2F", FLOAT),
    ("0.1f", FLOAT),
    ("4.9406564584124654e-324", DOUBLE),
    ("2.2250738585072014e-308", DOUBLE),
    ("0x1.0000000000001p0", DOUBLE),
    ("9007199254740993.0", DOUBLE),
    ("0.30000000000000004", DOUBLE),
    ("1.7976931348623157e308", DOUBLE),
    ("1.e2", DOUBLE),
    ("0X.8P1", DOUBLE),
    ("5e-1", DOUBLE),
    ("0.1L", LDOUBLE),
    (".5L", LDOUBLE),
    ("9007199254740993.0L", LDOUBLE),
    ("3.14159265358979323846264338327950288L", LDOUBLE),
    ("0x1.fffffffffffffffep0L", LDOUBLE),
    ("1.0000000000000000000542L", LDOUBLE),
    ("1e-4940L", LDOUBLE),
]
# integers whose conversion to a float rounds (twice, if done through double)
ROUNDING_INTS = {
    "0x1000001000000001LL": 0x1000001000000001,
    "18446744073709551615ULL": 2**64 - 1,
    "16777217": 16777217,
    "0x7fffffffffffffffLL": 2**63 - 1,
    "9007199254740993LL": 2**53 + 1,
    "4294967295u": 2**32 - 1,
    "0x8000008000000001ull": 0x8000008000000001,
    "(-9007199254740993LL)": -(2**53) - 1,
    "0xfffffffffffff801ull": 0xFFFFFFFFFFFFF801,
    "(-2147483647 - 1)": -(2**31),
}
CLASSIFY = ["isnan", "isinf", "isfinite", "signbit", "isnormal", "fpclassify"]
ORDERED = ["isgreater", "isless", "islessequal", "isgreaterequal", "islessgreater", "isunordered"]


def magnitude(lo: float, hi: float) -> float:
    return max(abs(lo), abs(hi))


def arguments(text: str, lo: float, hi: float, finite: bool, *parts: Expr) -> Expr:
    """The arguments of a math.h call, carrying the bounds of the call's value."""
    return Expr(text, DOUBLE, lo, hi, finite, all(p.pure for p in parts))


def spelled(value: float, t: CType) -> str:
    """A float constant of type `t` for a value exact in it."""
    return f"{value!r}{ {FLOAT: 'f', DOUBLE: '', LDOUBLE: 'L'}[t] }"


class FloatGen:
    """Mixin of Generator: floating-point expressions and statements."""

    def float_expr(self, access: Access, depth: int) -> Expr:
        roll = self.rng.random()
        if roll < 0.3:
            return self.math_call(access, depth)
        if roll < 0.45:
            return self.chain(access, depth)
        if roll < 0.55:
            return self.special_test(access, depth)
        if roll < 0.62:
            return self.special_value(access, depth)
        if roll < 0.72:
            return self.finite_value(self.float_operand(access, depth - 1), force=True)
        if roll < 0.85:
            e = self.int_expr(access, depth - 1)
            return self.cast(e, self.rng.choice(FLOATS))
        e = self.float_operand(access, depth - 1)
        t = self.rng.choice([FLOAT, *INTS[1:], UINT, ULONG, ULLONG, UCHAR, USHORT])
        return self.cast(e, t)

    def float_operand(self, access: Access, depth: int) -> Expr:
        """An expression of a floating type (an integer one converted)."""
        e = self.expr(access, depth)
        if e.type.is_float:
            return e
        if self.chance(0.4):
            return self.float_constant() if self.chance(0.7) else self.tricky_constant()
        return self.cast(e, self.rng.choice(FLOATS))

    def tricky_constant(self) -> Expr:
        """A constant near a rounding boundary or a limit, or a rounding integer converted."""
        if self.chance(0.3):
            text, t = self.rng.choice(list(ROUNDING_INTS)), self.rng.choice(FLOATS)
            lo, hi, finite = float_range(ROUNDING_INTS[text], ROUNDING_INTS[text], t)
            return Expr(f"(({t.name}){text})", t, lo, hi, finite)
        text, t = self.rng.choice(TRICKY)
        digits = text.rstrip("fFlL") if "x" not in text.lower() else text.removesuffix("f")
        value = float.fromhex(digits.rstrip("L")) if "x" in text.lower() else float(digits)
        lo, hi, finite = float_range(value, value, t)
        return Expr(text, t, lo, hi, finite)

    def finite_value(self, e: Expr, force: bool = False) -> Expr:
        """`e` (a float) made finite, by an isfinite test where it is pure, else a clamp."""
        if e.finite and not force:
            return e
        if not e.type.is_float:
            return e
        bound = self.rng.choice([1.0, 100.0, 1e6])
        if not e.pure:
            return self.clamp(e, -bound, bound, strict=True)
        s = MATH_SUFFIX[e.type]
        test = self.rng.choice(
            [
                f"isfinite({e.text}) && fabs{s}({e.text}) <= {bound!r}",
                f"fabs{s}({e.text}) <= {bound!r}",
                f"!isnan({e.text}) && {e.text} > -{bound!r} && {e.text} < {bound!r}",
            ]
        )
        lo, hi, _ = float_range(-bound, bound, e.type)
        return Expr(f"(({test}) ? {e.text} : 0)", e.type, lo, hi, True, True)

    def counter(self, n: int, access: Access, depth: int) -> Expr:
        """An int in [0, n), impure where its text has a side effect."""
        before = len(access.writes)
        text = self.index(n, access, depth)
        return Expr(text, INT, 0, n - 1, pure=len(access.writes) == before)

    # ------------------------------------------------------------ math.h

    def math_call(self, access: Access, depth: int) -> Expr:
        t = self.rng.choice([FLOAT, DOUBLE, DOUBLE, LDOUBLE])
        a = self.expr(access, depth - 1)
        if not VARIABLE.search(a.text):
            # gcc -O0 folds a call on constants (with MPFR: correctly rounded) where nsc calls
            # glibc, which is not correctly rounded everywhere (cbrt(7.0), tgamma(4.5), logl)
            readable = [
                v for v in self.scope if id(v) not in access.writes and (v.writable or v.local)
            ]
            if not readable:
                return self.chain(access, depth)
            a = self.read(self.rng.choice(readable), access)
        name = self.rng.choice(UNARY + BINARY)
        if name in UNARY:
            args = self.unary_math(name, t, a)
        else:
            args = self.binary_math(name, t, a, access, depth)
        lo, hi, fits = float_range(args.lo, args.hi, t)
        text = f"{name}{MATH_SUFFIX[t]}({args.text})"
        return Expr(text, t, lo, hi, args.finite and fits, args.pure)

    def unary_math(self, name: str, t: CType, a: Expr) -> Expr:
        """The text of the arguments of `name{s}(a)`, with the bounds of its value."""
        s = MATH_SUFFIX[t]
        lo, hi, finite = converted(a, t)
        m = magnitude(lo, hi) if finite else math.inf
        if name == "fabs":
            return arguments(a.text, 0.0, m, finite, a)
        if name in ROUNDING:
            return arguments(a.text, lo - 1, hi + 1, finite, a)
        if name in ("sin", "cos"):
            return arguments(a.text, -1.0, 1.0, finite, a)
        if name == "atan":
            return arguments(a.text, -1.6, 1.6, finite, a)
        if name == "sqrt":
            text = a.text if finite and lo >= 0 else f"fabs{s}({a.text})"
            return arguments(text, 0.0, math.sqrt(m) + 1 if finite else 0.0, finite, a)
        if name == "exp":
            if finite and hi <= 20:
                return arguments(a.text, 0.0, math.exp(hi), True, a)
            return arguments(f"fmin{s}({a.text}, 20)", 0.0, math.exp(20), True, a)
        # log of a positive argument
        if finite and lo >= 1:
            return arguments(a.text, 0.0, math.log(hi) + 1, True, a)
        return arguments(
            f"fabs{s}({a.text}) + 1", 0.0, math.log(m + 1) + 1 if finite else 0.0, finite, a
        )

    def binary_math(self, name: str, t: CType, a: Expr, access: Access, depth: int) -> Expr:
        b = self.expr(access, depth - 1)
        la, ha, fa = converted(a, t)
        lb, hb, fb = converted(b, t)
        ma, mb = magnitude(la, ha), magnitude(lb, hb)
        if name == "atan2":
            return arguments(f"{a.text}, {b.text}", -3.2, 3.2, fa and fb, a, b)
        if name == "hypot":
            return arguments(f"{a.text}, {b.text}", 0.0, ma + mb, fa and fb, a, b)
        if name == "fmod":
            b = self.operand("/", a, b)
            return arguments(f"{a.text}, {b.text}", -ma, ma, fa and b.finite, a, b)
        if name == "copysign":
            if not fb:  # the sign of a NaN is not the program's to read
                b = self.float_constant()
            return arguments(f"{a.text}, {b.text}", -ma, ma, fa, a, b)
        if name == "ldexp":
            k = self.counter(21, access, depth - 1)
            return arguments(f"{a.text}, ({k.text}) - 10", -ma * 1024, ma * 1024, fa, a, k)
        if name == "pow":
            return self.power(t, a, access, depth)
        # fmin, fmax: which of two zeros comes back is unspecified (and gcc may swap operands)
        if not (fb and (lb > 0 or hb < 0)):
            value = self.rng.choice([0.5, 1.0, -3.0, 100.0, -0.25])
            b = Expr(spelled(value, t), t, value, value)
            lb = hb = value
            fb = True
        low = min(la, lb) if name == "fmin" else max(la, lb)
        high = min(ha, hb) if name == "fmin" else max(ha, hb)
        return arguments(f"{a.text}, {b.text}", low, high, fa and fb, a, b)

    def power(self, t: CType, a: Expr, access: Access, depth: int) -> Expr:
        s = MATH_SUFFIX[t]
        lo, hi, finite = converted(a, t)
        m = magnitude(lo, hi) if finite else math.inf
        roll = self.rng.random()
        if roll < 0.3:
            k = self.counter(16, access, depth - 1)
            return arguments(f"2, {k.text}", 0.0, 2.0**15, True, a, k)
        if roll < 0.6:
            k = self.rng.choice([2, 3])
            bound = m**k if m < 1e100 else math.inf
            low = 0.0 if k == 2 else -bound
            return arguments(f"{a.text}, {k}", low, bound, finite and bound < FLOAT_LIMIT[t], a)
        k = self.rng.choice([0.5, 1.5, 0.25])
        base = a.text if finite and lo >= 0 else f"fabs{s}({a.text})"
        bound = max(m, 1.0) ** k if m < 1e100 else math.inf
        return arguments(f"{base}, {k!r}", 0.0, bound, finite and bound < FLOAT_LIMIT[t], a)

    # ------------------------------------------------------------ NaN and the infinities

    def special_value(self, access: Access, depth: int) -> Expr:
        """An infinity or a NaN, alone or in arithmetic."""
        text, t = self.rng.choice(list(SPECIALS.items()))
        if self.chance(0.5):
            other = self.float_operand(access, depth - 1)
            op = self.rng.choice(["+", "-", "*", "/"])
            pair = (text, other.text) if self.chance(0.5) else (other.text, text)
            r = common(t, other.type)
            return Expr(f"({pair[0]} {op} {pair[1]})", r, 0.0, 0.0, False, other.pure)
        return Expr(text, t, 0.0, 0.0, False)

    def special_test(self, access: Access, depth: int) -> Expr:
        """A comparison with NaN or an infinity, or a classification: 0 or 1 (fpclassify 0-4)."""
        e = self.float_operand(access, depth - 1)
        roll = self.rng.random()
        if roll < 0.4 or not e.pure:
            special = self.rng.choice(list(SPECIALS))
            op = self.rng.choice(COMPARE)
            pair = (e.text, special) if self.chance(0.5) else (special, e.text)
            return Expr(f"({pair[0]} {op} {pair[1]})", INT, 0, 1, pure=e.pure)
        if roll < 0.75:
            name = self.rng.choice(CLASSIFY)
            if name == "signbit" and not e.finite:  # the sign of a NaN is unspecified
                name = "isnan"
            return Expr(f"{name}({e.text})", INT, 0, 4 if name == "fpclassify" else 1)
        name = self.rng.choice(ORDERED)
        other = self.rng.choice([*SPECIALS, self.float_constant().text])
        return Expr(f"{name}({e.text}, {other})", INT, 0, 1)

    # ------------------------------------------------------------ chains

    def chain(self, access: Access, depth: int) -> Expr:
        """`a op b op c ...` over mixed float, double, long double and integer operands."""
        e = self.float_operand(access, depth - 1)
        for _ in range(self.rng.randint(2, 4)):
            b = self.float_operand(access, depth - 2) if self.chance(0.6) else self.leaf(access, 0)
            op = self.rng.choice(["+", "-", "*", "/"])
            e = self.float_binop(op, e, self.operand(op, e, b))
        return e

    # ------------------------------------------------------------ statements

    def float_statement(self) -> bool:
        """frexp or modf into fresh locals, or a compound assignment across int and float."""
        roll = self.rng.random()
        if roll < 0.25:
            return self.split_float("frexp")
        if roll < 0.5:
            return self.split_float("modf")
        targets = [v for v in self.targets() if v.type.kind != "bool"]
        if not targets:
            return False
        var = self.rng.choice(targets)
        if var.type.is_float:
            e = self.int_constant() if self.chance(0.6) else self.int_expr(Access({id(var)}), 1)
        else:
            e = self.float_constant()
        text = self.compound(var, self.rng.choice(var.names), self.rng.choice("+-*/"), e)
        if text is None:
            return False
        self.written(var)
        self.emit(text + ";")
        return True

    def split_float(self, name: str) -> bool:
        t = self.rng.choice(FLOATS)
        s = MATH_SUFFIX[t]
        x = self.finite_value(self.cast(self.expr(Access(), 2), t))
        if not x.finite:
            return False
        part, value = self.name("e" if name == "frexp" else "ip"), self.name("v")
        if name == "frexp":
            self.emit(f"int {part} = 0;")
            kept = Var([part], INT, -17000, 17000)
            bound = 1.0
        else:
            self.emit(f"{t.name} {part} = 0;")
            bound = magnitude(x.lo, x.hi) + 1
            kept = Var([part], t, -bound, bound)
        self.emit(f"{t.name} {value} = {name}{s}({x.text}, &{part});")
        self.scope += [kept, Var([value], t, -1.0, 1.0)]
        return True
