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


STRUCT_TAGS = ("params", "state", "config", "coeffs", "knobs")
STRUCT_PARAMS = ("cfg", "prm", "st", "par", "env")
P_PACKED = 0.75  # in a program that packs, the share of its scalar inputs that go in the struct


@dataclass(frozen=True)
class Input:
    """One input the surrogate reads: an entry parameter, or a field of a struct parameter."""

    name: str
    ctype: str
    dims: tuple[int, ...]
    lo: float
    hi: float
    struct: str = ""  # the struct parameter holding this field ("" for a parameter of its own)

    @property
    def ref(self) -> str:
        """How C code and the signature's ports name it (`cfg.x` for a field)."""
        return f"{self.struct}.{self.name}" if self.struct else self.name


@dataclass(frozen=True)
class Packing:
    """A struct parameter that gathers some scalar inputs (passed by value)."""

    param: str
    tag: str
    typedef: bool


@dataclass(frozen=True)
class Output:
    """One output parameter: `T *name` or `T name[dims]`; an inout pointer also reads its value."""

    name: str
    ctype: str
    dims: tuple[int, ...]
    inout: tuple[float, float] | None = None  # the input range of an inout pointer


@dataclass
class Program:
    """A C program being assembled by a family; `render` turns it into source text.

    `shape` decides the parameters' form (struct packing, inout pointers) apart from `rng`, so a
    program that gets neither is the program the same seed gave before these forms existed.
    """

    rng: random.Random
    ctype: str  # the program's main floating type
    shape: random.Random = field(default_factory=lambda: random.Random(0))
    packing: Packing | None = None
    inputs: list[Input] = field(default_factory=list)
    outputs: list[Output] = field(default_factory=list)
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
        ctype = ctype or self.ctype
        packed = self.packing is not None and ctype == self.ctype
        struct = self.packing.param if packed and self.shape.random() < P_PACKED else ""
        item = Input(name, ctype, (), lo, hi, struct)
        self.inputs.append(item)
        return var(item.ref, lo, hi)

    def pack_inputs(self) -> None:
        """From now on, put most scalar inputs of the main type in one struct parameter."""
        typedef = self.shape.random() < 0.5
        tag = self.fresh(self.shape.choice(STRUCT_TAGS) + ("_t" if typedef else ""))
        self.packing = Packing(self.fresh(self.shape.choice(STRUCT_PARAMS)), tag, typedef)

    def scalars(self, count: int) -> list[Expr]:
        return [self.scalar() for _ in range(count)]

    def array(
        self, base: str, dims: tuple[int, ...], rng: tuple[float, float], ctype: str | None = None
    ) -> Input:
        """Add a const array input."""
        item = Input(self.fresh(base), ctype or self.ctype, dims, rng[0], rng[1])
        self.inputs.append(item)
        return item

    def out_pointer(
        self, base: str = "out", ctype: str | None = None, inout: tuple[float, float] | None = None
    ) -> str:
        """An output `T *name`; with `inout` (its range) the pointer's value is an input too."""
        name = self.fresh(base)
        self.outputs.append(Output(name, ctype or self.ctype, (), inout))
        return name

    def out_array(self, base: str, dims: tuple[int, ...], ctype: str | None = None) -> str:
        name = self.fresh(base)
        self.outputs.append(Output(name, ctype or self.ctype, dims))
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

    def params(self) -> list[tuple[str, str, str]]:
        """The entry's parameters in order: (name, kind, C declaration); kind is input, struct,
        output or inout."""
        params: list[tuple[str, str, str]] = []
        for i in self.inputs:
            if not i.struct:
                params.append((i.name, "input", _param_decl(i)))
            elif not any(name == i.struct for name, *_ in params):
                params.append((i.struct, "struct", f"{self.struct_type()} {i.struct}"))
        for o in self.outputs:
            shape = "".join(f"[{d}]" for d in o.dims)
            decl = f"{o.ctype} {o.name}{shape}" if o.dims else f"{o.ctype} *{o.name}"
            params.append((o.name, "inout" if o.inout else "output", decl))
        return params

    def struct_type(self) -> str:
        """How C spells the packed struct's type."""
        assert self.packing is not None
        return self.packing.tag if self.packing.typedef else f"struct {self.packing.tag}"

    def render(self, entry: str) -> str:
        """The whole translation unit."""
        params = self.params()
        lines = ["#include <math.h>", ""]
        lines.append(f"#pragma nsc entry({entry})")
        for i in self.inputs:
            lines.append(f"#pragma nsc range({i.ref}, {_num(i.lo)}, {_num(i.hi)})")
        for o in self.outputs:
            if o.inout:
                lines.append(f"#pragma nsc inout({o.name})")
                lines.append(f"#pragma nsc range({o.name}, {_num(o.inout[0])}, {_num(o.inout[1])})")
        lines.append("")
        if any(kind == "struct" for _, kind, _ in params):
            lines.extend([self._struct_definition(), ""])
        for chunk in (self.globals, self.helpers):
            for text in chunk:
                lines.extend([text, ""])
        decls = ", ".join(decl for *_, decl in params)
        lines.append(f"{self.return_type} {entry}({decls or 'void'})")
        lines.append("{")
        lines.extend(self.body)
        lines.append("}")
        return "\n".join(lines) + "\n"

    def _struct_definition(self) -> str:
        assert self.packing is not None
        fields = [f"    {i.ctype} {i.name};" for i in self.inputs if i.struct]
        if self.packing.typedef:
            return "\n".join(["typedef struct {", *fields, f"}} {self.packing.tag};"])
        return "\n".join([f"struct {self.packing.tag} {{", *fields, "};"])


def _param_decl(i: Input) -> str:
    if not i.dims:
        return f"{i.ctype} {i.name}"
    return f"const {i.ctype} {i.name}" + "".join(f"[{d}]" for d in i.dims)


def _num(value: float) -> str:
    return f"{value:.6g}"
