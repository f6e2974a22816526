"""The program: its declarations (enums, records, unions, globals, helpers) and the entry."""

from __future__ import annotations

import math
import random

from cfuzz.expressions import ExpressionGen
from cfuzz.floats import FloatGen
from cfuzz.records import Object, Record, RecordGen, RecordHelper, Shape
from cfuzz.statements import StatementGen
from cfuzz.types import (
    BOOL,
    CHAR,
    DOUBLE,
    FLOAT,
    INT,
    LLONG,
    LONG,
    SCHAR,
    SHORT,
    UCHAR,
    UINT,
    ULLONG,
    ULONG,
    UNION4,
    UNION8,
    USHORT,
    Access,
    Array,
    CType,
    Helper,
    Var,
    bitfield_type,
    float_range,
)


class Generator(ExpressionGen, StatementGen, FloatGen, RecordGen):
    """Builds one program; every choice comes from `rng`."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.count = 0
        self.top: list[str] = []  # enums, records, globals and helpers, in order
        self.enums: list[tuple[str, int]] = []
        self.records: list[tuple[str, list[tuple[str, CType, CType, int | None]]]] = []
        self.unions: list[tuple[str, list[tuple[str, CType, int]]]] = []
        self.helpers: list[Helper] = []
        self.scope: list[Var] = []
        self.arrays: list[Array] = []
        self.lines: list[str] = []
        self.indent = 1
        self.impure = False  # the function being generated writes a static or a global
        self.in_loop = False
        self.enum_types: list[CType] = []
        self.globals: list[Var] = []
        self.global_arrays: list[Array] = []
        self.record_locals: list[tuple[str, str]] = []
        # the constructs of floats.py and records.py, in only some programs
        self.float_rate = rng.choice([0.0, 0.0, 0.05, 0.12])
        self.record_rate = rng.choice([0.0, 0.0, 0.08, 0.15])
        self.in_static = False  # in a static's initializer: constant expressions only
        self.record_types: list[Record] = []
        self.shapes: list[Shape] = []
        self.record_helpers: list[RecordHelper] = []
        self.objects: list[Object] = []

    def name(self, prefix: str) -> str:
        self.count += 1
        return f"{prefix}{self.count}"

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def emit(self, line: str) -> None:
        self.lines.append("    " * self.indent + line)

    # ------------------------------------------------------------ declarations

    def enum(self) -> None:
        name, parts, value = self.name("E"), [], -1
        for k in range(self.rng.randint(2, 4)):
            constant = f"{name}_{k}"
            if self.chance(0.5) or value >= INT.hi - 8:
                value = self.rng.choice([-3, 0, 1, 7, 100, 0x7FFF, 2**31 - 9, -(2**31)])
                text = f"0x{value:X}" if value > 0 and self.chance(0.4) else str(value)
                parts.append(f"{constant} = {text}")
            else:
                value += 1
                parts.append(constant)
            self.enums.append((constant, value))
        low = min(v for c, v in self.enums if c.startswith(name + "_"))
        self.enum_types.append(CType(f"enum {name}", 32, low < 0, 3))
        self.top.append(f"enum {name} {{ {', '.join(parts)} }};")

    def record(self) -> None:
        name, fields, text = self.name("S"), [], []
        for k in range(self.rng.randint(2, 5)):
            if self.chance(0.45):
                decl = self.rng.choice([INT, UINT, BOOL, ULLONG, LLONG, UCHAR, USHORT, SHORT])
                width = 1 if decl is BOOL else self.rng.randint(1, decl.bits)
                t = bitfield_type(decl, width)
                spelled = (
                    self.rng.choice(["signed", "signed int", "int"]) if decl is INT else decl.name
                )
                text.append(f"{spelled} m{k} : {width};")
                fields.append((f"m{k}", Var([], t, t.lo, t.hi)))
            else:
                t = self.scalar_type()
                text.append(f"{t.name} m{k};")
                fields.append((f"m{k}", self.invariant(t, [])))
            if self.chance(0.15):
                text.append(self.rng.choice(["unsigned : 3;", "int : 0;", "unsigned char : 2;"]))
        self.records.append((name, fields))
        self.top.append(f"struct {name} {{ {' '.join(text)} }};")

    def union(self) -> None:
        name = self.name("U")
        members = self.rng.choice([UNION4, UNION8])[:]
        self.rng.shuffle(members)
        self.unions.append((name, members))
        body = " ".join(f"{t.name} {m}{f'[{n}]' if n > 1 else ''};" for m, t, n in members)
        self.top.append(f"union {name} {{ {body} }};")

    def global_var(self) -> None:
        t = self.scalar_type()
        if self.chance(0.3):
            n, name = self.rng.randint(2, 5), self.name("ga")
            template = self.invariant(t, [])
            values = [self.static_value(template).text for _ in range(self.rng.randint(1, n))]
            self.top.append(f"static {t.name} {name}[{n}] = {{{', '.join(values)}}};")
            self.global_arrays.append(Array(name, t, (n,), template.lo, template.hi, static=True))
            return
        const = self.chance(0.2)
        var = self.invariant(t, [self.name("g")], local=False, static=True, writable=not const)
        storage = ("static " if self.chance(0.6) else "") + ("const " if const else "")
        self.top.append(f"{storage}{t.name} {var.names[0]} = {self.static_value(var).text};")
        self.globals.append(var)

    def local_array(self) -> None:
        t, name = self.scalar_type(), self.name("a")
        dims = (
            (self.rng.choice([2, 3, 4, 5, 8]),)
            if self.chance(0.75)
            else (2, self.rng.randint(2, 3))
        )
        template = self.invariant(t, [])

        def values(n: int) -> str:
            count = n if self.chance(0.6) else self.rng.randint(1, n)
            return ", ".join(self.fit(template, self.expr(Access(), 1)).text for _ in range(count))

        if len(dims) == 1:
            init = values(dims[0])
        else:
            init = ", ".join(f"{{{values(dims[1])}}}" for _ in range(dims[0]))
        self.emit(f"{t.name} {name}{''.join(f'[{n}]' for n in dims)} = {{{init}}};")
        self.arrays.append(Array(name, t, dims, template.lo, template.hi))

    def local_record(self) -> None:
        tag, fields = self.rng.choice(self.records)
        name, access = self.name("s"), Access()
        if self.chance(0.5):
            init = ", ".join(self.fit(f, self.expr(access, 1)).text for _, f in fields)
        else:
            chosen = [x for x in fields if self.chance(0.5)]
            init = (
                ", ".join(f".{m} = {self.fit(f, self.expr(access, 1)).text}" for m, f in chosen)
                or "0"
            )
        self.emit(f"struct {tag} {name} = {{{init}}};")
        spellings = [f"{name}.{{}}"]
        if self.chance(0.4):
            pointer = self.name("ps")
            self.emit(f"struct {tag} *{pointer} = &{name};")
            spellings += [f"{pointer}->{{}}", f"(*{pointer}).{{}}"]
        for member, f in fields:
            names = [s.format(member) for s in spellings]
            self.scope.append(Var(names, f.type, f.lo, f.hi, finite=f.finite))
        copies = [other for t, other in self.record_locals if t == tag]
        if copies and self.chance(0.5):
            self.emit(f"{name} = {self.rng.choice(copies)};")
        self.record_locals.append((tag, name))

    def local_union(self) -> None:
        tag, members = self.rng.choice(self.unions)
        name = self.name("u")
        first_n = members[0][2]
        init = (
            self.rng.randint(0, 300)
            if first_n == 1
            else ", ".join(str(self.rng.randint(0, 99)) for _ in range(first_n))
        )
        self.emit(f"union {tag} {name} = {{{'{' + init + '}' if first_n > 1 else init}}};")
        for member, t, n in members:
            if n > 1:
                self.arrays.append(Array(f"{name}.{member}", t, (n,), t.lo, t.hi))
            elif t.is_float:
                self.scope.append(Var([f"{name}.{member}"], t, 0.0, 0.0, local=False, finite=False))
            else:
                self.scope.append(Var([f"{name}.{member}"], t, t.lo, t.hi, local=False))

    def helper(self) -> None:
        name, ret_t = self.name("h"), self.scalar_type()
        params = [
            self.invariant(self.scalar_type(), [self.name("x")])
            for _ in range(self.rng.randint(1, 3))
        ]
        saved = self.scope, self.arrays, self.objects
        self.scope, self.arrays = [*self.globals, *params], list(self.global_arrays)
        self.lines, self.indent, self.impure, self.objects = [], 1, False, []
        if self.chance(0.3):
            self.declare(self.scalar_type(), 1, static=True)
        for _ in range(self.rng.randint(0, 2)):
            self.declare(self.scalar_type(), 1)
        for _ in range(self.rng.randint(1, 4)):
            self.statement(1)
        ret = self.invariant(ret_t, [])
        self.emit(f"return {self.fit(ret, self.expr(Access(), 3)).text};")
        signature = ", ".join(f"{p.type.name} {p.names[0]}" for p in params)
        storage = "static " if self.chance(0.7) else ""
        self.top.append(
            f"{storage}{ret_t.name} {name}({signature})\n{{\n" + "\n".join(self.lines) + "\n}"
        )
        self.helpers.append(Helper(name, ret, params, not self.impure))
        self.scope, self.arrays, self.objects = saved

    def entry(self) -> tuple[list[str], str]:
        """The pragmas and the text of the entry function `f`."""
        pragmas, params, inputs = ["#pragma nsc entry(f)"], [], []
        for _ in range(self.rng.randint(2, 6)):
            t, name = self.rng.choice(INPUT_TYPES), self.name("in")
            lo, hi = self.input_range(t)
            pragmas.append(f"#pragma nsc range({name}, {lo}, {hi})")
            var = Var([name], t, *self.input_bounds(t, lo, hi))
            params.append(f"{t.name} {name}")
            inputs.append(var)
        arrays = []
        for _ in range(self.rng.randint(0, 2) if self.record_rate or self.float_rate else 0):
            pragma, param, array = self.array_input()
            pragmas.append(pragma)
            params.append(param)
            arrays.append(array)
        records = []
        for _ in range(self.rng.randint(0, 2) if self.record_rate else 0):
            if (record := self.record_input()) is not None:
                pragmas += record[0]
                params.append(record[1])
                records.append((record[1].split()[-1], record[2]))
        outputs = []
        for _ in range(self.rng.randint(1, 3)):
            t, name, n = (
                self.rng.choice(OUTPUT_TYPES),
                self.name("out"),
                self.rng.choice([1, 1, 2, 3]),
            )
            if n > 1 and (self.record_rate or self.float_rate) and self.chance(0.3):
                k = self.rng.randint(2, 3)
                params.append(f"{t.name} {name}[{n}][{k}]")
                cells = [f"{name}[{i}][{j}]" for i in range(n) for j in range(k)]
                outputs += [Var([c], t, t.lo, t.hi, finite=False) for c in cells]
                continue
            params.append(f"{t.name} *{name}" if n == 1 else f"{t.name} {name}[{n}]")
            outputs += [
                Var(
                    [f"{name}[{j}]"] + ([f"(*{name})"] if j == 0 else []),
                    t,
                    t.lo,
                    t.hi,
                    finite=False,
                )
                for j in range(n)
            ]
        ret_t = self.rng.choice(OUTPUT_TYPES)
        returned = self.flat_records(nested=True) if self.record_rate else []
        returned = self.rng.choice(returned) if returned and self.chance(0.4) else None
        self.scope, self.arrays = [*self.globals, *inputs], [*self.global_arrays, *arrays]
        self.lines, self.indent, self.impure = [], 1, False
        for name, record in records:
            self.objects.append(self.register(record, [f"{name}.{{}}"], Object(record, name)))
        for _ in range(self.rng.randint(1, 3)):
            self.declare(self.scalar_type(), 1, static=self.chance(0.1))
        for _ in range(self.rng.randint(0, 2)):
            self.local_array()
        for _ in range(self.rng.randint(0, 2) if self.records else 0):
            self.local_record()
        if self.unions and self.chance(0.6):
            self.local_union()
        if self.record_rate:
            self.record_scene()
        for _ in range(self.rng.randint(3, 8)):
            self.statement(2)
        for out in outputs:
            value = self.fit(out, self.expr(Access(), 3))
            self.emit(f"{self.rng.choice(out.names)} = {value.text};")
        if returned is not None:
            self.emit(f"return {self.record_result(returned)};")
            ret_t = CType(f"struct {returned.tag}", 0, False, 0)
        else:
            ret = Var([], ret_t, ret_t.lo, ret_t.hi, finite=False)
            self.emit(f"return {self.fit(ret, self.expr(Access(), 3)).text};")
        text = f"{ret_t.name} f({', '.join(params)})\n{{\n" + "\n".join(self.lines) + "\n}"
        return pragmas, text

    def input_bounds(self, t: CType, lo: float, hi: float) -> tuple[float, float]:
        """The interval of an input's values, from its range pragma."""
        if t.is_float:
            return float_range(lo, hi, t)[:2]
        return max(math.ceil(float(lo)), t.lo), min(math.floor(float(hi)), t.hi)

    def input_range(self, t: CType) -> tuple[float, float]:
        rng = self.rng
        if t.is_float:
            bound = rng.choice([1.0, 100.0, 1e4, 1e9])
            return (-bound if rng.random() < 0.8 else 0.0), bound
        if t.kind == "bool" or rng.random() < 0.3:
            return t.lo, t.hi
        bound = rng.choice([b for b in [3, 10, 100, 300, 5000, 70000, 2**31, 10**12] if b <= t.hi])
        return (0 if not t.signed or rng.random() < 0.2 else -bound), bound

    def program(self, seed: int) -> str:
        for _ in range(self.rng.randint(0, 2)):
            self.enum()
        for _ in range(self.rng.randint(0, 2)):
            self.record()
        if self.chance(0.4):
            self.union()
        for _ in range(self.rng.randint(0, 3)):
            self.global_var()
        if self.record_rate:
            for _ in range(self.rng.randint(1, 3)):
                self.record_type()
            for _ in range(self.rng.randint(0, 2)):
                self.shape()
            for _ in range(self.rng.randint(1, 3)):
                self.record_helper()
        for _ in range(self.rng.randint(0, 3)):
            self.helper()
        pragmas, entry = self.entry()
        head = [f"/* cfuzz seed {seed} */", "#include <math.h>", *pragmas, ""]
        return "\n".join(head + self.top + [entry, ""])


INPUT_TYPES = [INT, INT, UINT, SHORT, USHORT, CHAR, SCHAR, UCHAR, LONG, ULONG, LLONG, ULLONG]
INPUT_TYPES += [BOOL, FLOAT, DOUBLE, DOUBLE]
OUTPUT_TYPES = [t for t in INPUT_TYPES if t is not BOOL]


def generate(seed: int) -> str:
    """The text of the program for `seed` (the same seed always gives the same text)."""
    return Generator(random.Random(seed)).program(seed)
