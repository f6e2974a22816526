"""The fuzzer's model of C: types, value intervals, expressions, variables and constants."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

# ---------------------------------------------------------------- types


@dataclass(frozen=True)
class CType:
    """A scalar C type; for floats `bits` is the significand's precision."""

    name: str
    bits: int
    signed: bool
    rank: float
    kind: str = "int"  # "int", "bool" or "float"

    @property
    def lo(self) -> int:
        return -(1 << (self.bits - 1)) if self.signed else 0

    @property
    def hi(self) -> int:
        return (1 << (self.bits - self.signed)) - 1

    @property
    def is_float(self) -> bool:
        return self.kind == "float"


BOOL = CType("_Bool", 1, False, 0, "bool")
CHAR, SCHAR, UCHAR = (
    CType(n, 8, s, 1) for n, s in [("char", 1), ("signed char", 1), ("unsigned char", 0)]
)
SHORT, USHORT = CType("short", 16, True, 2), CType("unsigned short", 16, False, 2)
INT, UINT = CType("int", 32, True, 3), CType("unsigned", 32, False, 3)
LONG, ULONG = CType("long", 64, True, 4), CType("unsigned long", 64, False, 4)
LLONG, ULLONG = CType("long long", 64, True, 5), CType("unsigned long long", 64, False, 5)
FLOAT, DOUBLE = CType("float", 24, True, 10, "float"), CType("double", 53, True, 11, "float")
LDOUBLE = CType("long double", 64, True, 12, "float")
INTS = [BOOL, CHAR, SCHAR, UCHAR, SHORT, USHORT, INT, UINT, LONG, ULONG, LLONG, ULLONG]
FLOATS = [FLOAT, DOUBLE, LDOUBLE]
UNSIGNED = {CHAR: UCHAR, SCHAR: UCHAR, SHORT: USHORT, INT: UINT, LONG: ULONG, LLONG: ULLONG}
SIZES = {1: 1, 8: 1, 16: 2, 32: 4, 64: 8, 24: 4, 53: 8}
FLOAT_LIMIT = {FLOAT: 1e30, DOUBLE: 1e300, LDOUBLE: 1e300}
MATH_SUFFIX = {FLOAT: "f", DOUBLE: "", LDOUBLE: "l"}
UNION4 = [("u", UINT, 1), ("f", FLOAT, 1), ("i", INT, 1), ("b", UCHAR, 4), ("s", SHORT, 2)]
UNION8 = [("q", ULLONG, 1), ("d", DOUBLE, 1), ("l", LONG, 1), ("w", UINT, 2), ("h", USHORT, 4)]
EPS, TINY = 2.0**-20, 1e-30


def promote(t: CType) -> CType:
    if t.name.startswith("enum "):
        return INT if t.signed else UINT
    return INT if not t.is_float and t.bits < 32 else t


def bitfield_type(decl: CType, width: int) -> CType:
    """The type of a bit-field's value, as gcc gives it (see nsc/frontend/bitfields.py)."""
    if decl is BOOL or width == decl.bits:
        return decl
    if width == 32:
        return INT if decl.signed else UINT
    return CType(f"{decl.name}:{width}", width, decl.signed, 2.5 if width < 32 else 3 + width / 100)


def spellable(t: CType) -> CType:
    """`t`, or for a wide bit-field's type the 64-bit type of its signedness."""
    return t if ":" not in t.name else (LLONG if t.signed else ULLONG)


def common(a: CType, b: CType) -> CType:
    """The usual arithmetic conversions (LP64; wide bit-fields rank by width below long)."""
    if a.is_float or b.is_float:
        return max((t for t in (a, b) if t.is_float), key=lambda t: t.rank)
    a, b = promote(a), promote(b)
    if a == b:
        return a
    if a.signed == b.signed:
        return a if a.rank > b.rank else b
    s, u = (a, b) if a.signed else (b, a)
    if u.rank >= s.rank:
        return u
    return (
        s
        if s.bits > u.bits
        else UNSIGNED.get(s, CType("unsigned " + s.name, s.bits, False, s.rank))
    )


def wrap(v: int, t: CType) -> int:
    v &= (1 << t.bits) - 1
    return v - (1 << t.bits) if t.signed and v > t.hi else v


def float_bound(v: int, precision: int) -> int:
    """`v` rounded toward zero to `precision` significant bits (exact in that float type)."""
    drop = max(abs(v).bit_length() - precision, 0)
    return int(math.copysign((abs(v) >> drop) << drop, v))


# ---------------------------------------------------------------- expressions and variables


@dataclass(frozen=True)
class Expr:
    """C text of an expression, its type, and bounds of its value (for floats only if finite)."""

    text: str
    type: CType
    lo: float
    hi: float
    finite: bool = True
    pure: bool = True


def float_range(lo: float, hi: float, t: CType) -> tuple[float, float, bool]:
    """Bounds widened for rounding, tiny ones taken to zero (underflow), and finiteness."""
    lo, hi = lo - abs(lo) * EPS, hi + abs(hi) * EPS
    lo = 0.0 if 0 < lo < TINY else lo
    hi = 0.0 if -TINY < hi < 0 else hi
    return lo, hi, max(abs(lo), abs(hi)) < FLOAT_LIMIT[t]


def converted(e: Expr, t: CType) -> tuple[float, float, bool]:
    """The bounds of `e`'s value converted to `t` (a float to an integer only when in range)."""
    if t.is_float:
        if e.type.is_float and not e.finite:
            return 0.0, 0.0, False
        return float_range(float(e.lo), float(e.hi), t)
    if t.kind == "bool":
        if not e.finite:
            return 0, 1, True
        return (
            (1, 1, True)
            if e.lo > 0 or e.hi < 0
            else ((0, 0, True) if e.lo == e.hi == 0 else (0, 1, True))
        )
    lo, hi = (math.trunc(e.lo), math.trunc(e.hi)) if e.type.is_float else (e.lo, e.hi)
    if t.lo <= lo and hi <= t.hi:
        return lo, hi, True
    if hi - lo < (1 << t.bits) and wrap(lo, t) <= wrap(hi, t):
        return wrap(lo, t), wrap(hi, t), True
    return t.lo, t.hi, True


@dataclass(eq=False)
class Var:
    """A scalar object: its spellings (aliases), type and the interval every store keeps it in."""

    names: list[str]
    type: CType
    lo: float
    hi: float
    writable: bool = True
    local: bool = True  # an automatic scalar that expressions may modify
    static: bool = False  # a global or a static: writing it makes a helper impure
    finite: bool = True

    @property
    def full(self) -> bool:
        return not self.type.is_float and (self.lo, self.hi) == (self.type.lo, self.type.hi)


@dataclass(eq=False)
class Array:
    name: str
    type: CType
    dims: tuple[int, ...]
    lo: float
    hi: float
    static: bool = False
    writable: bool = True


@dataclass
class Helper:
    name: str
    ret: Var
    params: list[Var]
    pure: bool


@dataclass
class Access:
    """The reads and writes of one full expression, to keep side effects sequenced."""

    reads: set[int] = field(default_factory=set)
    writes: set[int] = field(default_factory=set)


def int_constant_type(value: int, decimal: bool, suffix: str) -> CType | None:
    """The type of an integer constant (C99 6.4.4.1, LP64), or None when none holds it."""
    s = suffix.lower()
    unsigned, longs = "u" in s, s.count("l")
    kinds = [(INT, UINT), (LONG, ULONG), (LLONG, ULLONG)][longs if longs < 2 else 2 :]
    for signed_t, unsigned_t in kinds:
        for t in [unsigned_t] if unsigned else [signed_t] if decimal else [signed_t, unsigned_t]:
            if value <= t.hi:
                return t
    return None


INT_OPS = ["+", "-", "*", "/", "%", "&", "|", "^", "<<", ">>"]
COMPARE = ["<", ">", "<=", ">=", "==", "!="]
BOUNDS = [1, 7, 9, 100, 255, 1000, 32767, 65535, 100000, 2**20, 2**31 - 1, 2**40, 10**15]
CORNER_VALUES = [0, 1, 2, 3, 7, 10, 100, 127, 128, 255, 256, 1000, 32767, 32768, 65535, 65536]
CORNER_VALUES += [2**31 - 1, 2**31, 2**32 - 1, 2**32, 2**63 - 1, 2**63, 2**64 - 1]
CHARS = {"'a'": 97, "'0'": 48, "'\\n'": 10, "'\\0'": 0, "'\\x7f'": 127, "'\\xff'": -1}
CHARS |= {"'\\377'": -1, "'\\200'": -128, "'\\''": 39, "'\\\\'": 92, "' '": 32, "'Z'": 90}
FLOAT_VALUES = [0.0, 0.5, 0.1, 1.0, 3.0, 1e-3, 255.5, 1e10, 2147483648.0, 4294967295.0, 1e-7, 0.75]


def corners(op: str, a: tuple[int, int], b: tuple[int, int]) -> tuple[int, int]:
    def f(x: int, y: int) -> int:
        if op == "+":
            return x + y
        if op == "-":
            return x - y
        if op == "*":
            return x * y
        return x << y if op == "<<" else x >> y

    values = [f(x, y) for x in a for y in b]
    return min(values), max(values)


def bitwise(op: str, a: tuple[int, int], b: tuple[int, int]) -> tuple[int, int]:
    if a[0] >= 0 and b[0] >= 0:
        return (0, min(a[1], b[1])) if op == "&" else (0, (1 << max(a[1], b[1]).bit_length()) - 1)
    if op == "&" and (a[0] >= 0 or b[0] >= 0):
        return 0, a[1] if a[0] >= 0 else b[1]
    k = max(abs(v).bit_length() for v in (*a, *b))
    return -(1 << k), (1 << k) - 1
