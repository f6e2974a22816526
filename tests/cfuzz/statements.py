"""Stores that keep each variable in its interval, and statements."""

from __future__ import annotations

from cfuzz.types import (
    BOUNDS,
    CHAR,
    CHARS,
    DOUBLE,
    FLOATS,
    INT,
    INT_OPS,
    INTS,
    LLONG,
    LONG,
    SCHAR,
    SHORT,
    UCHAR,
    UINT,
    ULLONG,
    Access,
    Array,
    CType,
    Expr,
    Var,
    converted,
    promote,
    wrap,
)


class StatementGen:
    """Mixin of Generator: statements over the variables in scope."""

    # ------------------------------------------------------------ stores

    def fit(self, var: Var, e: Expr) -> Expr:
        """`e` made to convert into `var`'s type inside its invariant interval."""
        t = var.type
        if t.kind == "bool":
            return e
        if t.is_float:
            lo, hi, finite = converted(e, t)
            if not var.finite:
                narrowing = e.type.is_float and e.type.rank > t.rank
                return self.clamp(e, -1e30, 1e30, strict=True) if narrowing else e
            if finite and var.lo <= lo and hi <= var.hi:
                return e
            if not e.type.is_float:
                e = self.cast(e, DOUBLE)
            return self.clamp(e, var.lo, var.hi, strict=True)
        if e.type.is_float:
            return self.clamp(e, var.lo, var.hi)
        lo, hi, _ = converted(e, t)
        if var.full or (var.lo <= lo and hi <= var.hi):
            return e
        bound = int(var.hi) if var.lo >= 0 else int(min(-var.lo, var.hi))
        if var.lo == 0 and bound & (bound + 1) == 0 and self.chance(0.5):
            mask = Expr(str(bound), INT if bound <= INT.hi else LONG, bound, bound)
            return self.int_binop("&", e, mask)
        divisor = Expr(str(bound + 1), INT if bound < INT.hi else LONG, bound + 1, bound + 1)
        # a remainder takes the dividend's sign: one kept non-negative is taken in unsigned
        result = self.int_binop("%", self.cast(e, t if var.lo < 0 else ULLONG), divisor)
        assert result is not None
        return result

    def compound(self, var: Var, name: str, op: str, e: Expr) -> str | None:
        """`name op= e` when it is defined and keeps `var`'s invariant, else None."""
        v = Expr(name, var.type, var.lo, var.hi, var.finite)
        e = self.operand(op, v, e)
        if v.type.is_float or e.type.is_float:
            if op not in ("+", "-", "*", "/"):
                return None
            r = self.float_binop(op, v, e)
            if var.type.is_float:
                lo, hi, finite = converted(r, var.type)
                ok = not var.finite or (finite and var.lo <= lo and hi <= var.hi)
                ok = ok and (var.type.rank >= r.type.rank or finite)
            else:
                ok = var.type.kind == "bool" or (
                    r.finite and var.lo - 1 < r.lo and r.hi < var.hi + 1
                )
            return f"{name} {op}= {e.text}" if ok else None
        r = self.int_binop(op, v, e, fallback=False)
        if r is None:
            return None
        lo, hi, _ = converted(r, var.type)
        if var.full or (var.lo <= lo and hi <= var.hi):
            return f"{name} {op}= {e.text}"
        return None

    # ------------------------------------------------------------ statements

    def invariant(self, t: CType, names: list[str], **flags) -> Var:
        """A variable of type `t` whose values stay in a random interval holding zero."""
        if t.is_float:
            bound = float(self.rng.choice([1, 100, 1e4, 1e6, 1e15, 1e20]))
            return Var(names, t, -bound, bound, **flags)
        if t.bits < 32 or self.chance(0.35):
            return Var(names, t, t.lo, t.hi, **flags)
        bound = self.rng.choice([b for b in BOUNDS if b < t.hi])
        return Var(names, t, -bound if t.signed else 0, bound, **flags)

    def scalar_type(self) -> CType:
        return self.rng.choice(INTS + INTS[6:] + FLOATS + self.enum_types)

    def targets(self) -> list[Var]:
        return [v for v in self.scope if v.writable]

    def written(self, var: Var | Array) -> None:
        if var.static:
            self.impure = True

    def statement(self, depth: int) -> None:
        if self.chance(self.float_rate) and self.float_statement():
            return
        if self.chance(self.record_rate) and self.record_statement():
            return
        roll = self.rng.random()
        targets = self.targets()
        if roll < 0.3 and targets:
            self.assign(self.rng.choice(targets), depth)
        elif roll < 0.45 and targets:
            var = self.rng.choice(targets)
            name, access = self.rng.choice(var.names), Access({id(var)})
            op = self.rng.choice(INT_OPS if not var.type.is_float else ["+", "-", "*", "/"])
            text = self.compound(var, name, op, self.expr(access, 2))
            if text is not None:
                self.written(var)
                self.emit(text + ";")
        elif roll < 0.52 and targets:
            self.bump(self.rng.choice(targets))
        elif roll < 0.62 and any(a.writable for a in self.arrays):
            array = self.rng.choice([a for a in self.arrays if a.writable])
            access = Access()
            target, _ = self.element(array, access, 1)
            value = self.fit(Var([target], array.type, array.lo, array.hi), self.expr(access, 2))
            self.written(array)
            self.emit(f"{target} = {value.text};")
        elif roll < 0.7 and depth > 0:
            self.emit(f"if ({self.expr(Access(), 2).text}) {{")
            self.block(depth - 1, 1, 3)
            if self.chance(0.5):
                self.emit("} else {")
                self.block(depth - 1, 1, 2)
            self.emit("}")
        elif roll < 0.8 and depth > 0:
            self.loop(depth)
        elif roll < 0.86 and depth > 0:
            self.switch(depth)
        elif roll < 0.9 and depth > 0 and self.arrays:
            self.pointer_walk(depth)
        elif roll < 0.93 and self.in_loop:
            self.emit(
                f"if ({self.expr(Access(), 1).text}) {self.rng.choice(['break', 'continue'])};"
            )
        elif self.helpers and targets:
            var, helper = self.rng.choice(targets), self.rng.choice(self.helpers)
            access = Access({id(var)})
            self.written(var)
            self.impure = self.impure or not helper.pure
            self.emit(
                f"{self.rng.choice(var.names)} = {self.fit(var, self.call(helper, access, 1)).text};"
            )
        elif targets:
            self.assign(self.rng.choice(targets), depth)

    def assign(self, var: Var, depth: int) -> None:
        access = Access({id(var)})
        value = self.fit(var, self.expr(access, 3))
        self.written(var)
        self.emit(f"{self.rng.choice(var.names)} = {value.text};")

    def bump(self, var: Var) -> None:
        """`v++;` and kin, guarded by a comparison where it could leave the invariant."""
        name, op = self.rng.choice(var.names), self.rng.choice(["++", "--"])
        text = f"{name}{op};" if self.chance(0.5) else f"{op}{name};"
        wraps = var.full and (var.type.kind == "bool" or var.type.bits < 32 or not var.type.signed)
        self.written(var)
        if wraps:
            self.emit(text)
        elif op == "++":
            self.emit(f"if ({name} < {var.hi!r}) {text}")
        else:  # -9223372036854775808 would be an __int128 for gcc
            low = f"({var.lo + 1} - 1)" if var.lo == LLONG.lo else repr(var.lo)
            self.emit(f"if ({name} > {low}) {text}")

    def block(self, depth: int, least: int, most: int) -> None:
        self.indent += 1
        saved = list(self.scope), list(self.arrays), list(self.objects)
        if self.chance(0.3):
            self.declare(self.scalar_type(), depth)
        for _ in range(self.rng.randint(least, most)):
            self.statement(depth)
        self.scope, self.arrays, self.objects = saved
        self.indent -= 1

    def declare(self, t: CType, depth: int, static: bool = False) -> Var:
        var = self.invariant(t, [self.name("v")], local=not static, static=static)
        if static:
            value = self.static_value(var)
            self.emit(f"static {t.name} {var.names[0]} = {value.text};")
        else:
            value = self.fit(var, self.expr(Access(), 2))
            self.emit(f"{t.name} {var.names[0]} = {value.text};")
        if self.chance(0.2) and not static:
            pointer = self.name("p")
            self.emit(f"{t.name} *{pointer} = &{var.names[0]};")
            var.names += [f"(*{pointer})", f"{pointer}[0]"]
        self.scope.append(var)
        return var

    def static_value(self, var: Var) -> Expr:
        """An initializer for a static: constants under operators, casts and `?:`, no calls."""
        saved = self.scope, self.arrays, self.helpers, self.in_static
        self.scope, self.arrays, self.helpers, self.in_static = [], [], [], True
        value = self.fit(var, self.expr(Access(), 2))
        self.scope, self.arrays, self.helpers, self.in_static = saved
        return Expr("0", INT, 0, 0) if "fm" in value.text or "fabs" in value.text else value

    def loop(self, depth: int) -> None:
        n = self.rng.randint(1, 5)
        t = self.rng.choice([INT, UINT, LONG, UCHAR, SHORT, ULLONG, CHAR, SCHAR])
        i = self.name("i")
        form = self.rng.randrange(4)
        lo, hi = (1, n) if form == 1 else (0, n - 1)
        if form == 0:
            self.emit(f"for ({t.name} {i} = 0; {i} < {n}; {i}++) {{")
        elif form == 1:
            self.emit(f"for ({t.name} {i} = {n}; {i} > 0; {i}--) {{")
        elif form == 2:
            self.emit(f"for ({t.name} {i} = {n}; {i}-- > 0;) {{")
        else:
            self.emit(f"{t.name} {i} = 0;")
            self.emit("do {")
        counter = Var([i], t, lo, hi, writable=False, local=False)
        self.scope.append(counter)
        was, self.in_loop = self.in_loop, True
        self.block(depth - 1, 1, 3)
        self.in_loop = was
        self.scope.remove(counter)
        self.emit(f"}} while (++{i} < {n});" if form == 3 else "}")

    def switch(self, depth: int) -> None:
        access = Access()
        sel = self.int_expr(access, 2)
        if sel.hi - sel.lo > 8 and self.chance(0.7):
            sel = self.int_binop("&", sel, Expr("7", INT, 7, 7))
        p = promote(sel.type)
        self.emit(f"switch ({sel.text}) {{")
        seen: set[int] = set()
        for _ in range(self.rng.randint(1, 4)):
            start = int(sel.lo if sel.hi < -3 else max(sel.lo, -3))
            value = self.rng.randint(start, int(min(sel.hi, start + 9)))
            text, code = self.case_label(value)
            if wrap(code, p) in seen:
                continue
            seen.add(wrap(code, p))
            self.emit(f"case {text}: {{")
            self.block(depth - 1, 0, 2)
            self.emit("    break;\n" + "    " * self.indent + "}" if self.chance(0.6) else "}")
        if self.chance(0.6):
            self.emit("default: {")
            self.block(depth - 1, 0, 1)
            self.emit("}")
        self.emit("}")

    def case_label(self, value: int) -> tuple[str, int]:
        for text, code in CHARS.items():
            if code == value and self.chance(0.5):
                return text, code
        if value < INT.lo:  # decimal constants past long long are gcc's __int128
            return f"({value + 1} - 1)", value
        if value < 0:
            if self.chance(0.3):
                return f"({value} - 0u)", wrap(value, UINT)
            return f"-{-value}", value
        spellings = [f"0x{value:x}", f"{value}u", f"0{value:o}"]
        if value <= LLONG.hi:
            spellings += [f"{value}", f"{value}L"]
        return self.rng.choice(spellings), value

    def pointer_walk(self, depth: int) -> None:
        array = self.rng.choice([a for a in self.arrays] or [None])
        if array is None or len(array.dims) != 1:
            return
        n, p = array.dims[0], self.name("q")
        const = "const " if self.chance(0.3) or not array.writable else ""
        if self.chance(0.5):
            self.emit(
                f"for ({const}{array.type.name} *{p} = {array.name}; {p} < {array.name} + {n}; {p}++) {{"
            )
        else:
            self.emit(
                f"for ({const}{array.type.name} *{p} = {array.name} + {n}; {p} != {array.name};) {{"
            )
            self.emit(f"    --{p};")
        cell = Var(
            [f"(*{p})", f"{p}[0]"], array.type, array.lo, array.hi, writable=not const, local=False
        )
        cell.static = array.static
        self.scope.append(cell)
        was, self.in_loop = self.in_loop, True
        self.block(depth - 1, 1, 2)
        self.in_loop = was
        self.scope.remove(cell)
        self.emit("}")
