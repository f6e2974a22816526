"""Expressions for the program generator: C text with a conservative value interval.

Every expression carries bounds on the values it can take for inputs in their declared ranges.
The builder uses them to keep math domains valid (log of positive, sqrt of nonnegative, division
away from zero) and magnitudes moderate, guarding an operand only when its bounds require it.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

ATOM, UNARY, MUL, ADD, REL, TERNARY = 100, 90, 80, 70, 60, 10
MAG_LIMIT = 1e4  # largest magnitude a generated expression may reach
FLOAT_TYPES = ("float", "double")


@dataclass(frozen=True)
class Expr:
    """C expression text, its precedence, value bounds and tree depth."""

    text: str
    lo: float
    hi: float
    prec: int = ATOM
    depth: int = 1

    @property
    def mag(self) -> float:
        return max(abs(self.lo), abs(self.hi))

    def wrapped(self, prec: int) -> str:
        """The text, parenthesized when its precedence is below `prec`."""
        return self.text if self.prec >= prec else f"({self.text})"


def var(name: str, lo: float, hi: float) -> Expr:
    return Expr(name, float(lo), float(hi))


def fmt(value: float, ctype: str) -> str:
    """A C floating literal for `value` (with an `f` suffix for float)."""
    text = f"{value:.6g}"
    if "e" not in text and "." not in text and "inf" not in text:
        text += ".0"
    return text + ("f" if ctype == "float" else "")


def lit(value: float, ctype: str) -> Expr:
    prec = UNARY if value < 0 else ATOM
    return Expr(fmt(value, ctype), float(value), float(value), prec)


def call(name: str, args: list[Expr], lo: float, hi: float) -> Expr:
    depth = 1 + max((a.depth for a in args), default=0)
    return Expr(f"{name}({', '.join(a.text for a in args)})", lo, hi, ATOM, depth)


def _bin(op: str, a: Expr, b: Expr, prec: int, lo: float, hi: float) -> Expr:
    right = b.wrapped(prec + 1) if op in "-/%" else b.wrapped(prec)
    text = f"{a.wrapped(prec)} {op} {right}"
    return Expr(text, lo, hi, prec, 1 + max(a.depth, b.depth))


def _negated(b: Expr) -> Expr | None:
    """-b spelled without its leading minus (`-0.5f * x` -> `0.5f * x`), when b has one."""
    if not b.text.startswith("-") or b.text.startswith("--") or b.prec < MUL:
        return None
    return Expr(b.text[1:], -b.hi, -b.lo, b.prec, b.depth)


def add(a: Expr, b: Expr) -> Expr:
    flipped = _negated(b)
    if flipped is not None:
        return sub(a, flipped)
    return _bin("+", a, b, ADD, a.lo + b.lo, a.hi + b.hi)


def sub(a: Expr, b: Expr) -> Expr:
    flipped = _negated(b)
    if flipped is not None:
        return add(a, flipped)
    return _bin("-", a, b, ADD, a.lo - b.hi, a.hi - b.lo)


def mul(a: Expr, b: Expr) -> Expr:
    corners = [a.lo * b.lo, a.lo * b.hi, a.hi * b.lo, a.hi * b.hi]
    return _bin("*", a, b, MUL, min(corners), max(corners))


def div(a: Expr, b: Expr) -> Expr:
    """a / b; the caller guarantees that b's interval excludes zero."""
    assert b.lo > 0 or b.hi < 0, "divisor interval contains zero"
    inv = sorted([1.0 / b.lo, 1.0 / b.hi])
    corners = [a.lo * inv[0], a.lo * inv[1], a.hi * inv[0], a.hi * inv[1]]
    return _bin("/", a, b, MUL, min(corners), max(corners))


def neg(a: Expr) -> Expr:
    return Expr(f"-{a.wrapped(UNARY + 1)}", -a.hi, -a.lo, UNARY, a.depth + 1)


def square(a: Expr) -> Expr:
    lo = 0.0 if a.lo <= 0 <= a.hi else min(a.lo * a.lo, a.hi * a.hi)
    return _bin("*", a, a, MUL, lo, a.mag * a.mag)


def ternary(cond: str, a: Expr, b: Expr) -> Expr:
    text = f"{cond} ? {a.wrapped(TERNARY + 1)} : {b.wrapped(TERNARY)}"
    return Expr(text, min(a.lo, b.lo), max(a.hi, b.hi), TERNARY, 1 + max(a.depth, b.depth))


def fabs(a: Expr) -> Expr:
    lo = 0.0 if a.lo <= 0 <= a.hi else min(abs(a.lo), abs(a.hi))
    return call("fabs", [a], lo, a.mag)


def monotone(name: str, fn, a: Expr) -> Expr:
    """A call to an increasing function of one argument."""
    return call(name, [a], fn(a.lo), fn(a.hi))


def sqrt_(a: Expr) -> Expr:
    return monotone("sqrt", math.sqrt, a)


def exp_(a: Expr) -> Expr:
    return monotone("exp", math.exp, a)


def log_(a: Expr) -> Expr:
    return monotone("log", math.log, a)


def tanh_(a: Expr) -> Expr:
    return monotone("tanh", math.tanh, a)


def fmin_(a: Expr, b: Expr) -> Expr:
    return call("fmin", [a, b], min(a.lo, b.lo), min(a.hi, b.hi))


def fmax_(a: Expr, b: Expr) -> Expr:
    return call("fmax", [a, b], max(a.lo, b.lo), max(a.hi, b.hi))


def pow_(base: Expr, p: float, ctype: str) -> Expr:
    """pow(base, p) for a positive base and a constant exponent."""
    assert base.lo > 0, "pow base must be positive"
    ends = [base.lo**p, base.hi**p]
    return call("pow", [base, lit(p, ctype)], min(ends), max(ends))


class ExprGen:
    """Random expression trees over a set of leaves, with domain guards driven by bounds."""

    UNARY_OPS = ("sin", "cos", "exp", "log", "sqrt", "tanh", "fabs", "atan", "floor", "sq", "neg")
    BINARY_OPS = ("+", "-", "*", "/", "+", "*", "-", "fmin", "fmax", "hypot", "atan2", "pow")

    def __init__(self, rng: random.Random, ctype: str, leaves: list[Expr], p_const: float = 0.25):
        assert leaves, "an expression needs at least one leaf"
        self.rng = rng
        self.ctype = ctype
        self.leaves = list(leaves)
        self.p_const = p_const

    def const(self, lo: float = 0.1, hi: float = 3.0, signed: bool = True) -> Expr:
        value = float(f"{self.rng.uniform(lo, hi):.3g}")
        if signed and self.rng.random() < 0.4:
            value = -value
        return lit(value, self.ctype)

    def leaf(self) -> Expr:
        if self.rng.random() < self.p_const:
            return self.const()
        return self.rng.choice(self.leaves)

    def expr(self, depth: int) -> Expr:
        """A random expression of at most `depth` operator levels, bounded by MAG_LIMIT."""
        if depth <= 0 or self.rng.random() < 0.15:
            return self.leaf()
        for _ in range(4):
            out = self._node(depth)
            if out.mag <= MAG_LIMIT and math.isfinite(out.lo) and math.isfinite(out.hi):
                return out
        return self.bounded(self.rng.choice(self.leaves))

    def _node(self, depth: int) -> Expr:
        roll = self.rng.random()
        if roll < 0.35:
            return self.unary(self.rng.choice(self.UNARY_OPS), self.expr(depth - 1))
        if roll < 0.93:
            op = self.rng.choice(self.BINARY_OPS)
            return self.binary(op, self.expr(depth - 1), self.expr(depth - 1))
        a, b = self.expr(depth - 1), self.expr(depth - 1)
        cond = self.condition()
        if self.rng.random() < 0.25:
            cond = f"{cond} {self.rng.choice(('&&', '||'))} {self.condition()}"
        return ternary(cond, a, b)

    def condition(self) -> str:
        """`leaf < cut` or `leaf > cut` with the cut inside the leaf's range."""
        pivot = self.rng.choice(self.leaves)
        cut = self.rng.uniform(pivot.lo, pivot.hi) if pivot.hi > pivot.lo else pivot.lo
        op = self.rng.choice(("<", ">", "<=", ">="))
        return f"{pivot.wrapped(REL + 1)} {op} {fmt(cut, self.ctype)}"

    def varying(self, a: Expr) -> Expr:
        """`a`, or a variable leaf in its place when `a` is a constant."""
        return self.rng.choice(self.leaves) if a.lo == a.hi else a

    def bounded(self, a: Expr) -> Expr:
        """A bounded function of `a` (for when an operation would blow up)."""
        name = self.rng.choice(("sin", "cos", "tanh", "atan"))
        return self.unary(name, a)

    def positive(self, a: Expr, floor: float = 1e-3) -> Expr:
        """`a` itself when its bounds are above `floor`, else a positive guarded form."""
        if a.lo >= floor:
            return a
        roll = self.rng.random()
        if roll < 0.45:
            return add(fabs(a), self.const(max(floor, 0.05), 1.0, signed=False))
        if roll < 0.8 and a.mag < 100:
            return add(square(a), self.const(max(floor, 0.01), 1.0, signed=False))
        return add(lit(1.0, self.ctype), exp_(self.scaled(neg(fabs(a)), 8.0)))

    def scaled(self, a: Expr, limit: float) -> Expr:
        """`a`, multiplied down by a constant when its magnitude exceeds `limit`."""
        if a.mag <= limit:
            return a
        factor = float(f"{limit / a.mag:.2g}")
        return mul(a, lit(factor, self.ctype))

    def unary(self, op: str, a: Expr) -> Expr:
        a = self.varying(a)
        if op == "sin" or op == "cos":
            return call(op, [a], -1.0, 1.0)
        if op == "atan":
            return monotone("atan", math.atan, a)
        if op == "tanh":
            return tanh_(a)
        if op == "exp":
            arg = self.scaled(a, 6.0) if a.hi > 6.0 or a.lo < -30 else a
            return exp_(arg)
        if op == "log":
            return log_(self.positive(a))
        if op == "sqrt":
            return sqrt_(a if a.lo >= 0 else self.positive(a, 0.0))
        if op == "fabs":
            return fabs(a)
        if op == "floor":
            return monotone("floor", math.floor, a)
        if op == "sq":
            return square(a)
        return neg(a)

    def binary(self, op: str, a: Expr, b: Expr) -> Expr:
        if a.lo == a.hi and b.lo == b.hi:
            a = self.varying(a)
        if a.text == b.text:
            others = [leaf for leaf in self.leaves if leaf.text != a.text]
            b = self.rng.choice(others) if others else self.const()
        if op == "+":
            return add(a, b)
        if op == "-":
            return sub(a, b)
        if op == "*":
            return mul(a, b)
        if op == "/":
            return div(a, self.away_from_zero(b))
        if op == "fmin":
            return fmin_(a, b)
        if op == "fmax":
            return fmax_(a, b)
        if op == "hypot":
            return call("hypot", [a, b], 0.0, math.hypot(a.mag, b.mag))
        if op == "atan2":
            return call("atan2", [a, b], -math.pi, math.pi)
        exponent = self.rng.choice((0.5, 1.5, 2.0, 3.0, -0.5, 0.25, 2.5, -1.5, 0.333))
        base = self.scaled(self.positive(a, 0.05), 20.0)
        if base.lo <= 0:
            base = self.positive(base, 0.05)
        return pow_(base, exponent, self.ctype)

    def away_from_zero(self, b: Expr) -> Expr:
        """A divisor whose bounds stay at least 0.05 away from zero."""
        if b.lo >= 0.05 or b.hi <= -0.05:
            return b
        return self.positive(b, 0.05)
