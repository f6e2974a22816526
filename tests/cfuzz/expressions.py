"""Leaves, operators and expressions, each with the interval its value lies in."""

from __future__ import annotations

from cfuzz.types import (
    CHARS,
    COMPARE,
    CORNER_VALUES,
    DOUBLE,
    FLOAT,
    FLOAT_VALUES,
    FLOATS,
    INT,
    INT_OPS,
    INTS,
    LDOUBLE,
    LLONG,
    LONG,
    MATH_SUFFIX,
    SIZES,
    UINT,
    ULONG,
    UNSIGNED,
    Access,
    Array,
    CType,
    Expr,
    Helper,
    Var,
    bitwise,
    common,
    converted,
    corners,
    float_bound,
    float_range,
    int_constant_type,
    promote,
    spellable,
)


class ExpressionGen:
    """Mixin of Generator: expressions of a type, free of undefined behaviour."""

    # ------------------------------------------------------------ leaves

    def int_constant(self) -> Expr:
        rng = self.rng
        while True:
            value = rng.choice(CORNER_VALUES) if self.chance(0.6) else rng.randrange(0, 300)
            value = max(value + rng.choice([0, 0, 0, -1, 1]), 0)
            style = rng.choice(["dec", "dec", "hex", "HEX", "oct"])
            suffix = rng.choice(
                ["", "", "", "u", "U", "l", "L", "ul", "UL", "lu", "ll", "LL", "ull", "ULL"]
            )
            t = int_constant_type(value, style == "dec", suffix)
            if t is None:
                continue
            digits = {
                "dec": f"{value}",
                "hex": f"0x{value:x}",
                "HEX": f"0X{value:X}",
                "oct": f"0{value:o}",
            }
            return Expr(digits[style] + suffix, t, value, value)

    def float_constant(self) -> Expr:
        rng = self.rng
        value = (
            rng.choice(FLOAT_VALUES)
            if self.chance(0.6)
            else round(rng.uniform(-50, 50), rng.randrange(1, 6))
        )
        t = rng.choice([FLOAT, DOUBLE, DOUBLE, LDOUBLE])
        suffix = {FLOAT: rng.choice("fF"), DOUBLE: "", LDOUBLE: rng.choice("lL")}[t]
        if self.chance(0.25):
            text = abs(value).hex()
        elif self.chance(0.2):
            text = f"{abs(value):e}"
        else:
            text = repr(abs(value))
            text = text[1:] if text.startswith("0.") and self.chance(0.3) else text
        lo, hi, _ = float_range(value, value, t)
        return Expr(f"(-{text}{suffix})" if value < 0 else text + suffix, t, lo, hi)

    def constant(self) -> Expr:
        roll = self.rng.random()
        if roll < 0.55:
            return self.int_constant()
        if roll < 0.7 and self.enums:
            name, value = self.rng.choice(self.enums)
            return Expr(name, INT, value, value)
        if roll < 0.8:
            text, value = self.rng.choice(list(CHARS.items()))
            return Expr(text, INT, value, value)
        if roll < 0.85:
            t = self.rng.choice(INTS[1:] + FLOATS)
            return Expr(f"sizeof({t.name})", ULONG, SIZES[t.bits] * (2 if t is LDOUBLE else 1), 16)
        return self.float_constant()

    def read(self, var: Var, access: Access) -> Expr:
        access.reads.add(id(var))
        return Expr(self.rng.choice(var.names), var.type, var.lo, var.hi, var.finite)

    def index(self, n: int, access: Access, depth: int) -> str:
        counters = [
            v
            for v in self.scope
            if not v.writable and 0 <= v.lo and v.hi < n and not v.type.is_float
        ]
        if counters and self.chance(0.5):
            return self.read(self.rng.choice(counters), access).text
        e = self.int_expr(access, depth)
        if 0 <= e.lo and e.hi < n:
            return e.text
        if n & (n - 1) == 0:
            return f"({e.text} & {n - 1})"
        return f"((unsigned)({e.text}) % {n}u)"

    def element(self, array: Array, access: Access, depth: int) -> tuple[str, Expr]:
        subscripts = [self.index(n, access, depth) for n in array.dims]
        if len(subscripts) == 1 and self.chance(0.3):
            text = self.rng.choice(
                [f"(*({array.name} + {subscripts[0]}))", f"({subscripts[0]})[{array.name}]"]
            )
        else:
            text = array.name + "".join(f"[{s}]" for s in subscripts)
        return text, Expr(text, array.type, array.lo, array.hi)

    def leaf(self, access: Access, depth: int) -> Expr:
        readable = [v for v in self.scope if id(v) not in access.writes]
        roll = self.rng.random()
        if roll < 0.55 and readable:
            return self.read(self.rng.choice(readable), access)
        if roll < 0.7 and self.arrays and depth > -2:
            return self.element(self.rng.choice(self.arrays), access, depth - 1)[1]
        return self.constant()

    # ------------------------------------------------------------ operators

    def unsigned_route(self, op: str, a: Expr, b: Expr, r: CType) -> Expr:
        """`a op b` done in the unsigned type of `r` and converted back (wraps, as gcc defines)."""
        s = spellable(r)
        u = UNSIGNED.get(s, s)
        text = f"(({s.name})(({u.name}){a.text} {op} ({u.name}){b.text}))"
        return Expr(text, s, s.lo, s.hi, pure=a.pure and b.pure)

    def nonzero(self, b: Expr) -> Expr:
        if b.lo > 0 or b.hi < 0:
            return b
        one = self.rng.choice(["1", "1", "1u", "1L"])
        t = common(b.type, {"1": INT, "1u": UINT, "1L": LONG}[one])
        lo, hi, _ = converted(b, t)
        lo, hi = bitwise("|", (lo, hi), (1, 1))
        return Expr(f"({b.text} | {one})", t, lo, hi, pure=b.pure)

    def int_binop(self, op: str, a: Expr, b: Expr, fallback: bool = True) -> Expr | None:
        if op in ("<<", ">>"):
            return self.shift(op, a, b, fallback)
        r = common(a.type, b.type)
        ra, rb = converted(a, r)[:2], converted(b, r)[:2]
        text = f"({a.text} {op} {b.text})"
        pure = a.pure and b.pure
        if op in ("&", "|", "^"):
            return Expr(text, r, *bitwise(op, ra, rb), pure=pure)
        if op in ("+", "-", "*"):
            lo, hi = corners(op, ra, rb)
            if r.lo <= lo and hi <= r.hi:
                return Expr(text, r, lo, hi, pure=pure)
            if not r.signed:
                return Expr(text, r, *converted(Expr(text, r, lo, hi), r)[:2], pure=pure)
            return self.unsigned_route(op, a, b, r) if fallback else None
        if r.signed and ra[0] == r.lo and rb[0] <= -1 <= rb[1]:
            return self.unsigned_route(op, a, b, r) if fallback else None
        m = max(abs(ra[0]), abs(ra[1]))
        if op == "/":
            lo, hi = (0, ra[1]) if ra[0] >= 0 and rb[0] >= 0 else (max(-m, r.lo), min(m, r.hi))
            return Expr(text, r, lo, hi, pure=pure)
        k = min(m, max(abs(rb[0]), abs(rb[1])) - 1)
        return Expr(text, r, 0 if ra[0] >= 0 else -k, k, pure=pure)

    def shift(self, op: str, a: Expr, b: Expr, fallback: bool) -> Expr | None:
        p = promote(a.type)
        ra = converted(a, p)[:2]
        text = f"({a.text} {op} {b.text})"
        pure = a.pure and b.pure
        if op == ">>":
            return Expr(text, p, *corners(">>", ra, (b.lo, b.hi)), pure=pure)
        if ra[0] >= 0 and ra[1] << b.hi <= p.hi:
            return Expr(text, p, ra[0] << b.lo, ra[1] << b.hi, pure=pure)
        if not p.signed:
            return Expr(text, p, p.lo, p.hi, pure=pure)
        if not fallback:
            return None
        s = spellable(p)
        text = f"(({s.name})(({UNSIGNED[s].name}){a.text} << {b.text}))"
        return Expr(text, s, s.lo, s.hi, pure=pure)

    def operand(self, op: str, a: Expr, b: Expr) -> Expr:
        """The right operand of `a op b` made safe: a divisor non-zero, a shift count in range."""
        if op in ("<<", ">>"):
            p = promote(a.type)
            if b.lo < 0 or b.hi >= p.bits:
                mask = self.rng.choice([m for m in (7, 15, 31, 63) if m < p.bits])
                return Expr(f"({b.text} & {mask})", common(b.type, INT), 0, mask, pure=b.pure)
            return b
        if op not in ("/", "%"):
            return b
        if not b.type.is_float:
            return self.nonzero(b)
        if b.finite and (b.lo >= 0.25 or b.hi <= -0.25):
            return b
        if b.pure and self.chance(0.5):
            return Expr(f"({b.text} * {b.text} + 0.5f)", common(b.type, FLOAT), 0.5, 1.0, False)
        fabs = "fabs" + MATH_SUFFIX[b.type]
        return Expr(f"({fabs}({b.text}) + 0.5)", common(b.type, DOUBLE), 0.5, 1.0, False, b.pure)

    def float_binop(self, op: str, a: Expr, b: Expr) -> Expr:
        pure = a.pure and b.pure
        r = common(a.type, b.type)
        fa, fb = converted(a, r), converted(b, r)
        text = f"({a.text} {op} {b.text})"
        if not (fa[2] and fb[2]):
            return Expr(text, r, 0.0, 0.0, False, pure)
        if op == "/":
            m = 4 * max(abs(fa[0]), abs(fa[1]))
            return Expr(text, r, *float_range(-m, m, r), pure=pure)
        return Expr(text, r, *float_range(*corners(op, fa[:2], fb[:2]), r), pure=pure)

    def cast(self, e: Expr, t: CType) -> Expr:
        if e.type.is_float and not t.is_float and t.kind != "bool":
            e = self.clamp(e, t.lo, t.hi)
        elif e.type.is_float and t.is_float and t.rank < e.type.rank:
            e = self.clamp(e, -1e30, 1e30) if not e.finite or max(-e.lo, e.hi) > 1e30 else e
        lo, hi, finite = converted(e, t)
        return Expr(f"(({t.name}){e.text})", t, lo, hi, finite, e.pure)

    def clamp(self, e: Expr, lo: float, hi: float, strict: bool = False) -> Expr:
        """`e` (a float) made finite and inside [lo, hi] (after truncation, unless `strict`)."""
        inside = lo <= e.lo and e.hi <= hi if strict else lo - 1 < e.lo and e.hi < hi + 1
        if e.finite and inside:
            return e
        t = self.rng.choice([t for t in FLOATS if t.rank >= e.type.rank])
        blo, bhi = (float_bound(int(v), min(t.bits, 53)) for v in (lo, hi))
        fl, fh = f"{blo}.0", f"{bhi}.0"
        if e.pure and self.chance(0.4):
            text = f"(({e.text} >= {fl} && {e.text} <= {fh}) ? {e.text} : 0)"
            return Expr(text, e.type, *float_range(blo, bhi, e.type)[:2], True)
        s = MATH_SUFFIX[t]
        text = f"fmax{s}({fl}, fmin{s}({fh}, {e.text}))"
        return Expr(text, t, *float_range(blo, bhi, t)[:2], True, e.pure)

    # ------------------------------------------------------------ expressions

    def expr(self, access: Access, depth: int) -> Expr:
        if depth <= 0 or self.chance(0.15):
            return self.leaf(access, depth)
        if not self.in_static and self.chance(self.float_rate):
            return self.float_expr(access, depth)
        if self.chance(self.record_rate / 4):
            pointers = self.pointer_expr(access, depth - 1)
            if pointers is not None:
                return pointers
        roll = self.rng.random()
        if roll < 0.4:
            return self.binary(access, depth)
        if roll < 0.5:
            a = self.expr(access, depth - 1)
            op = self.rng.choice(COMPARE)
            return Expr(f"({a.text} {op} {self.expr(access, depth - 1).text})", INT, 0, 1)
        if roll < 0.55:
            a, op = self.expr(access, depth - 1), self.rng.choice(["&&", "||"])
            return Expr(f"({a.text} {op} {self.expr(access, depth - 1).text})", INT, 0, 1)
        if roll < 0.65:
            return self.unary(self.expr(access, depth - 1))
        if roll < 0.75:
            return self.cast(self.expr(access, depth - 1), self.rng.choice(INTS + FLOATS))
        if roll < 0.82:
            return self.ternary(access, depth)
        if roll < 0.88:
            side = self.side_effect(access, depth - 1)
            if side is not None:
                if self.chance(0.5):
                    return side
                rest = self.expr(access, depth - 1)
                return Expr(
                    f"({side.text}, {rest.text})", rest.type, rest.lo, rest.hi, rest.finite, False
                )
        if roll < 0.95:
            pure = [h for h in self.helpers if h.pure]
            if pure:
                return self.call(self.rng.choice(pure), access, depth - 1)
        return self.leaf(access, depth)

    def int_expr(self, access: Access, depth: int) -> Expr:
        e = self.expr(access, depth)
        return self.cast(e, self.rng.choice(INTS[1:])) if e.type.is_float else e

    def binary(self, access: Access, depth: int) -> Expr:
        a, b = self.expr(access, depth - 1), self.expr(access, depth - 1)
        if a.type.is_float or b.type.is_float:
            op = self.rng.choice(["+", "-", "*", "/"])
            return self.float_binop(op, a, self.operand(op, a, b))
        op = self.rng.choice(INT_OPS)
        result = self.int_binop(op, a, self.operand(op, a, b))
        assert result is not None
        return result

    def unary(self, a: Expr) -> Expr:
        op = self.rng.choice(["-", "-", "~", "!", "+"])
        if op == "!":
            return Expr(f"(!{a.text})", INT, 0, 1, pure=a.pure)
        if a.type.is_float:
            op = "+" if op == "+" else "-"
            lo, hi = (a.lo, a.hi) if op == "+" else (-a.hi, -a.lo)
            return Expr(f"({op}{a.text})", a.type, lo, hi, a.finite, a.pure)
        p = promote(a.type)
        lo, hi = converted(a, p)[:2]
        if op == "+":
            return Expr(f"(+{a.text})", p, lo, hi, pure=a.pure)
        if op == "~":
            return (
                Expr(f"(~{a.text})", p, ~hi, ~lo, pure=a.pure)
                if p.signed
                else Expr(f"(~{a.text})", p, p.hi - hi, p.hi - lo, pure=a.pure)
            )
        if p.signed and lo > p.lo:
            return Expr(f"(-{a.text})", p, -hi, -lo, pure=a.pure)
        if p.signed:
            s = spellable(p)
            return Expr(f"(({s.name})-({UNSIGNED[s].name}){a.text})", s, s.lo, s.hi, pure=a.pure)
        return Expr(f"(-{a.text})", p, *converted(Expr("", LLONG, -hi, -lo), p)[:2], pure=a.pure)

    def ternary(self, access: Access, depth: int) -> Expr:
        c = self.expr(access, depth - 1)
        a, b = self.expr(access, depth - 1), self.expr(access, depth - 1)
        r = common(a.type, b.type)
        ca, cb = converted(a, r), converted(b, r)
        text = f"({c.text} ? {a.text} : {b.text})"
        pure = a.pure and b.pure and c.pure
        return Expr(text, r, min(ca[0], cb[0]), max(ca[1], cb[1]), ca[2] and cb[2], pure)

    def side_effect(self, access: Access, depth: int) -> Expr | None:
        """`v++`, `--v`, `(v = e)` or `(v op= e)` on a local nothing else in the expression uses."""
        used = access.reads | access.writes
        targets = [v for v in self.scope if v.local and v.writable and id(v) not in used]
        if not targets:
            return None
        var = self.rng.choice(targets)
        name = self.rng.choice(var.names)
        access.writes.add(id(var))
        wraps = var.full and (var.type.kind == "bool" or var.type.bits < 32 or not var.type.signed)
        if wraps and self.chance(0.5):
            op = self.rng.choice(["++", "--"])
            text = f"{name}{op}" if self.chance(0.5) else f"{op}{name}"
            return Expr(f"({text})", var.type, var.lo, var.hi, var.finite, False)
        e = self.expr(access, depth)
        if self.chance(0.5):
            op = self.rng.choice(INT_OPS if not var.type.is_float else ["+", "-", "*", "/"])
            text = self.compound(var, name, op, e)
            if text is not None:
                return Expr(f"({text})", var.type, var.lo, var.hi, var.finite, False)
        stored = self.fit(var, e)
        lo, hi, finite = converted(stored, var.type)
        return Expr(f"({name} = {stored.text})", var.type, lo, hi, finite, False)

    def call(self, helper: Helper, access: Access, depth: int) -> Expr:
        args = [self.fit(p, self.expr(access, depth)).text for p in helper.params]
        ret = helper.ret
        return Expr(
            f"{helper.name}({', '.join(args)})", ret.type, ret.lo, ret.hi, ret.finite, helper.pure
        )
