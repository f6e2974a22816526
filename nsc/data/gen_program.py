"""The program under construction: inputs, outputs, helpers, globals and the entry's body."""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from nsc.data.gen_expr import Expr, ExprGen, fmt, var

SCALAR_NAMES = ("x", "y", "z", "t", "u", "v", "w", "a", "b", "c", "r", "s", "k", "h", "p", "q")
ARRAY_NAMES = ("a", "b", "w", "coef", "xs", "ys", "vals", "data", "sig", "m", "v", "pts", "img")
RANGES = (
    (-1.0, 1.0),
    (0.0, 1.0),
    (-3.14159, 3.14159),
    (0.1, 10.0),
    (-5.0, 5.0),
    (0.0, 6.28318),
    (1.0, 100.0),
    (-10.0, 10.0),
    (0.5, 2.0),
    (-2.0, 2.0),
    (0.01, 1.0),
)


@dataclass(frozen=True)
class Input:
    """One entry parameter that the surrogate reads."""

    name: str
    ctype: str
    dims: tuple[int, ...]
    lo: float
    hi: float


@dataclass
class Program:
    """A C program being assembled by a family; `render` turns it into source text."""

    rng: random.Random
    ctype: str  # the program's main floating type
    inputs: list[Input] = field(default_factory=list)
    # (name, ctype, dims) of each output parameter
    outputs: list[tuple[str, str, tuple[int, ...]]] = field(default_factory=list)
    globals: list[str] = field(default_factory=list)
    helpers: list[str] = field(default_factory=list)
    body: list[str] = field(default_factory=list)
    return_type: str = "void"
    names: set[str] = field(default_factory=set)
    idioms: set[str] = field(default_factory=set)  # small static helpers already defined
    indent: int = 1

    def fresh(self, base: str) -> str:
        """A name not used yet in the program, built from `base`."""
        name, i = base, 1
        while name in self.names:
            i += 1
            name = f"{base}{i}"
        self.names.add(name)
        return name

    def gen(self, leaves: list[Expr], p_const: float = 0.25) -> ExprGen:
        return ExprGen(self.rng, self.ctype, leaves, p_const)

    def lit(self, value: float) -> str:
        return fmt(value, self.ctype)

    def pick_range(self) -> tuple[float, float]:
        return self.rng.choice(RANGES)

    def scalar(
        self,
        base: str | None = None,
        rng: tuple[float, float] | None = None,
        ctype: str | None = None,
    ) -> Expr:
        """Add a by-value scalar input and return it as an expression."""
        name = self.fresh(base or self.rng.choice(SCALAR_NAMES))
        lo, hi = rng or self.pick_range()
        self.inputs.append(Input(name, ctype or self.ctype, (), lo, hi))
        return var(name, lo, hi)

    def scalars(self, count: int) -> list[Expr]:
        return [self.scalar() for _ in range(count)]

    def array(
        self, base: str, dims: tuple[int, ...], rng: tuple[float, float], ctype: str | None = None
    ) -> Input:
        """Add a const array input."""
        item = Input(self.fresh(base), ctype or self.ctype, dims, rng[0], rng[1])
        self.inputs.append(item)
        return item

    def out_pointer(self, base: str = "out", ctype: str | None = None) -> str:
        name = self.fresh(base)
        self.outputs.append((name, ctype or self.ctype, ()))
        return name

    def out_array(self, base: str, dims: tuple[int, ...], ctype: str | None = None) -> str:
        name = self.fresh(base)
        self.outputs.append((name, ctype or self.ctype, dims))
        return name

    def idiom(self, name: str, params: str, body: str) -> str:
        """Define a small static helper once (`sqr`, `clampv`, `mixv`) and return its name."""
        if name not in self.idioms:
            self.idioms.add(name)
            self.names.add(name)
            decl = ", ".join(f"{self.ctype} {v}" for v in params.split())
            self.helpers.append(f"static {self.ctype} {name}({decl})\n{{\n    return {body};\n}}")
        return name

    def emit(self, line: str) -> None:
        self.body.append("    " * self.indent + line)

    def local(self, e: Expr, base: str = "t", ctype: str | None = None) -> Expr:
        """Declare a local initialized to `e`; returns the local as an expression."""
        name = self.fresh(base)
        self.emit(f"{ctype or self.ctype} {name} = {e.text};")
        return var(name, e.lo, e.hi)

    @contextmanager
    def block(self, header: str) -> Iterator[None]:
        self.emit(header + " {")
        self.indent += 1
        try:
            yield
        finally:
            self.indent -= 1
            self.emit("}")

    def render(self, entry: str) -> str:
        """The whole translation unit."""
        params = [_param_decl(i) for i in self.inputs]
        for name, ctype, dims in self.outputs:
            shape = "".join(f"[{d}]" for d in dims)
            params.append(f"{ctype} {name}{shape}" if dims else f"{ctype} *{name}")
        lines = ["#include <math.h>", ""]
        lines.append(f"#pragma nsc entry({entry})")
        for i in self.inputs:
            lines.append(f"#pragma nsc range({i.name}, {_num(i.lo)}, {_num(i.hi)})")
        lines.append("")
        for chunk in (self.globals, self.helpers):
            for text in chunk:
                lines.extend([text, ""])
        lines.append(f"{self.return_type} {entry}({', '.join(params) or 'void'})")
        lines.append("{")
        lines.extend(self.body)
        lines.append("}")
        return "\n".join(lines) + "\n"


def _param_decl(i: Input) -> str:
    if not i.dims:
        return f"{i.ctype} {i.name}"
    return f"const {i.ctype} {i.name}" + "".join(f"[{d}]" for d in i.dims)


def _num(value: float) -> str:
    return f"{value:.6g}"
