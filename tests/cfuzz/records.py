"""Structs, pointers and arrays: records passed and returned by value, nested records and arrays
of them, struct copies, pointers to members, pointer arithmetic inside one array, 2-D and 3-D
arrays, helpers that write through pointers, and const array inputs of the entry."""

from __future__ import annotations

from dataclasses import dataclass, field

from cfuzz.types import (
    CHAR,
    DOUBLE,
    FLOAT,
    INT,
    LDOUBLE,
    LLONG,
    LONG,
    SHORT,
    UCHAR,
    UINT,
    ULLONG,
    USHORT,
    Access,
    Array,
    CType,
    Expr,
    Var,
)

SMALL = [
    [FLOAT, FLOAT],
    [DOUBLE, INT],
    [CHAR, SHORT, INT],
    [FLOAT, FLOAT, FLOAT],
    [DOUBLE, DOUBLE],
    [UCHAR, FLOAT],
    [LLONG, DOUBLE],
    [INT, FLOAT],
    [SHORT, CHAR],
    [LDOUBLE, INT],
    [ULLONG],
    [DOUBLE, DOUBLE, DOUBLE, INT],
    [CHAR, DOUBLE, CHAR],
    [FLOAT, UINT, USHORT, DOUBLE, CHAR],
]
ELEMENTS = [INT, UINT, CHAR, UCHAR, SHORT, LONG, ULLONG, FLOAT, DOUBLE, DOUBLE]
DIMS = [(3,), (4,), (5,), (2, 3), (3, 4), (2, 2, 3), (2, 3, 2)]


@dataclass(eq=False)
class Member:
    """A scalar (`var`: its type and invariant), an array of them, or a nested record."""

    name: str
    var: Var | None = None
    count: int = 0  # an array of `count` (of scalars or of records)
    record: Record | None = None


@dataclass(eq=False)
class Record:
    tag: str
    members: list[Member]


@dataclass(eq=False)
class Shape:
    """The element type, dimensions and invariant of arrays that helpers take."""

    type: CType
    dims: tuple[int, ...]
    lo: float
    hi: float

    def fits(self, a: Array) -> bool:
        return (a.type, a.dims, a.lo, a.hi) == (self.type, self.dims, self.lo, self.hi)


@dataclass
class Param:
    """A helper's parameter: a scalar, a record by value, a pointer to one, or an array."""

    name: str
    var: Var | None = None
    record: Record | None = None
    pointer: bool = False
    shape: Shape | None = None


@dataclass
class RecordHelper:
    name: str
    params: list[Param]
    ret: Var | Record | None
    pure: bool


@dataclass(eq=False)
class Object:
    """A struct lvalue in scope: its spelling and the variables of its scalar members."""

    record: Record
    name: str
    vars: list[Var] = field(default_factory=list)


def overlap(a: str, b: str) -> bool:
    """Whether two objects' spellings may overlap (conservatively: one begins the other)."""
    a, b = (s.replace("(*", "").replace(")", "").replace("->", ".") for s in (a, b))
    return a.startswith(b) or b.startswith(a)


class RecordGen:
    """Mixin of Generator: declarations and statements over records, pointers and arrays."""

    # ------------------------------------------------------------ declarations

    def record_type(self) -> None:
        tag, members, text = self.name("R"), [], []
        for t in self.rng.choice(SMALL):
            name = f"m{len(members)}"
            members.append(Member(name, self.invariant(t, [])))
            text.append(f"{t.name} {name};")
        for _ in range(self.rng.randint(0, 2)):
            name = f"m{len(members)}"
            inner = [r for r in self.record_types if self.chance(0.7)]
            if inner and self.chance(0.6):
                nested, count = self.rng.choice(inner), self.rng.choice([0, 0, 2, 3])
                members.append(Member(name, count=count, record=nested))
                text.append(f"struct {nested.tag} {name}{f'[{count}]' if count else ''};")
            else:
                t, count = self.rng.choice(ELEMENTS), self.rng.choice([2, 3, 4])
                members.append(Member(name, self.invariant(t, []), count))
                text.append(f"{t.name} {name}[{count}];")
        self.rng.shuffle(order := list(range(len(members))))
        record = Record(tag, [members[k] for k in order])
        self.record_types.append(record)
        self.top.append(f"struct {tag} {{ {' '.join(text[k] for k in order)} }};")

    def shape(self) -> None:
        t = self.rng.choice(ELEMENTS)
        template = self.invariant(t, [])
        self.shapes.append(Shape(t, self.rng.choice(DIMS), template.lo, template.hi))

    def register(self, record: Record, templates: list[str], obj: Object | None = None) -> Object:
        """Put the members of a struct lvalue (spelled by `templates`) in scope."""
        obj = obj or Object(record, templates[0].replace(".{}", "").replace("->{}", ""))
        for m in record.members:
            spellings = [t.format(m.name) for t in templates]
            if m.record is not None:
                for k in range(m.count) if m.count else [None]:
                    sub = [s + (f"[{k}]" if k is not None else "") + ".{}" for s in spellings]
                    self.objects.append(self.register(m.record, sub))
                    obj.vars += self.objects[-1].vars
            elif m.count:
                v = m.var
                self.arrays.append(Array(spellings[0], v.type, (m.count,), v.lo, v.hi))
            else:
                v = m.var
                var = Var(spellings, v.type, v.lo, v.hi, finite=v.finite)
                self.scope.append(var)
                obj.vars.append(var)
        return obj

    def initializer(self, record: Record) -> str:
        """A braced initializer: every member, positional, nested braces for aggregates."""
        parts = []
        for m in record.members:
            if m.record is not None:
                inner = [self.initializer(m.record) for _ in range(m.count or 1)]
                parts.append(f"{{{', '.join(inner)}}}" if m.count else inner[0])
            elif m.count:
                values = [self.fit(m.var, self.expr(Access(), 1)).text for _ in range(m.count)]
                parts.append(f"{{{', '.join(values)}}}")
            else:
                parts.append(self.fit(m.var, self.expr(Access(), 1)).text)
        return f"{{{', '.join(parts)}}}"

    def declare_object(self, record: Record, value: str | None = None) -> Object:
        name = self.name("r")
        if value is None:
            value = self.initializer(record) if self.chance(0.7) else "{0}"
        self.emit(f"struct {record.tag} {name} = {value};")
        templates = [f"{name}.{{}}"]
        if self.chance(0.3):
            pointer = self.name("pr")
            self.emit(f"struct {record.tag} *{pointer} = &{name};")
            templates += [f"{pointer}->{{}}", f"(*{pointer}).{{}}"]
        obj = self.register(record, templates, Object(record, name))
        self.objects.append(obj)
        scalars = [v for v in obj.vars if "[" not in v.names[0]]
        if scalars and self.chance(0.4):
            var = self.rng.choice(scalars)
            pointer = self.name("pm")
            self.emit(f"{var.type.name} *{pointer} = &{var.names[0]};")
            var.names.append(f"(*{pointer})")
        return obj

    def declare_array_of_records(self, record: Record) -> None:
        name, n = self.name("ra"), self.rng.randint(2, 3)
        inits = ", ".join(self.initializer(record) for _ in range(n))
        self.emit(f"struct {record.tag} {name}[{n}] = {{{inits}}};")
        for k in range(n):
            templates = [f"{name}[{k}].{{}}", f"({name} + {k})->{{}}"]
            self.objects.append(self.register(record, templates, Object(record, f"{name}[{k}]")))

    def shaped_array(self, shape: Shape) -> None:
        name = self.name("sa")
        var = Var([], shape.type, shape.lo, shape.hi)

        def braces(dims: tuple[int, ...]) -> str:
            if len(dims) == 1:
                return ", ".join(self.fit(var, self.expr(Access(), 1)).text for _ in range(dims[0]))
            return ", ".join(f"{{{braces(dims[1:])}}}" for _ in range(dims[0]))

        dims = "".join(f"[{n}]" for n in shape.dims)
        self.emit(f"{shape.type.name} {name}{dims} = {{{braces(shape.dims)}}};")
        self.arrays.append(Array(name, shape.type, shape.dims, shape.lo, shape.hi))

    def record_scene(self) -> None:
        """The entry's (or a helper's) records and arrays for the record helpers to work on."""
        for shape in self.shapes:
            if self.chance(0.7):
                self.shaped_array(shape)
        for record in self.record_types:
            if self.chance(0.6):
                self.declare_object(record)
            if self.chance(0.25):
                self.declare_array_of_records(record)

    def array_input(self) -> tuple[str, str, Array]:
        """A `const T x[n]` input of the entry: its range pragma, parameter and array."""
        t = self.rng.choice([INT, UCHAR, SHORT, LLONG, ULLONG, FLOAT, DOUBLE, DOUBLE])
        name, n = self.name("xs"), self.rng.choice([2, 3, 4])
        lo, hi = self.input_range(t)
        pragma = f"#pragma nsc range({name}, {lo}, {hi})"
        array = Array(name, t, (n,), *self.input_bounds(t, lo, hi), writable=False)
        return pragma, f"const {t.name} {name}[{n}]", array

    def flat_records(self, nested: bool) -> list[Record]:
        """Records the entry may take or return (no long double; nested ones only if asked)."""

        def plain(r: Record) -> bool:
            return all(
                (m.record is None and m.var.type is not LDOUBLE)
                or (m.record is not None and nested and plain(m.record))
                for m in r.members
            )

        return [r for r in self.record_types if plain(r)]

    def record_input(self) -> tuple[list[str], str, Record] | None:
        """A struct input of the entry: the range pragmas of its members and its parameter."""
        records = self.flat_records(nested=False)
        if not records:
            return None
        record, name = self.rng.choice(records), self.name("rin")
        pragmas = []
        for m in record.members:
            v = m.var
            lo, hi = (v.lo / 2, v.hi / 2) if v.type.is_float else (v.lo, v.hi)
            pragmas.append(f"#pragma nsc range({name}.{m.name}, {lo!r}, {hi!r})")
        return pragmas, f"struct {record.tag} {name}", record

    def record_result(self, record: Record) -> str:
        """The text of an object of `record` for the entry to return."""
        same = [o for o in self.objects if o.record is record]
        return self.rng.choice(same).name if same else self.declare_object(record).name

    # ------------------------------------------------------------ helpers

    def record_helper(self) -> None:
        name, params = self.name("rh"), []
        for _ in range(self.rng.randint(1, 3)):
            params.append(self.helper_param())
        roll = self.rng.random()
        ret: Var | Record | None = None
        if roll < 0.5 and self.record_types:
            ret = self.rng.choice(self.record_types)
        elif roll < 0.8:
            ret = self.invariant(self.scalar_type(), [])
        saved = self.scope, self.arrays, self.objects
        self.scope, self.arrays = list(self.globals), list(self.global_arrays)
        self.lines, self.indent, self.impure, self.objects = [], 1, False, []
        for p in params:
            self.bind(p)
        result = None
        if isinstance(ret, Record):
            candidates = [o for o in self.objects if o.record is ret and "->" not in o.name]
            if candidates and self.chance(0.5):
                result = self.rng.choice(candidates).name
            else:
                result = self.declare_object(ret).name
        for _ in range(self.rng.randint(1, 4)):
            self.statement(1)
        if isinstance(ret, Var):
            result = self.fit(ret, self.expr(Access(), 3)).text
        self.emit(f"return {result};" if result else "return;")
        kind = f"struct {ret.tag}" if isinstance(ret, Record) else ret.type.name if ret else "void"
        signature = ", ".join(self.param_text(p) for p in params)
        self.top.append(f"static {kind} {name}({signature})\n{{\n" + "\n".join(self.lines) + "\n}")
        self.record_helpers.append(RecordHelper(name, params, ret, not self.impure))
        self.scope, self.arrays, self.objects = saved

    def helper_param(self) -> Param:
        name, roll = self.name("y"), self.rng.random()
        if roll < 0.45 and self.record_types:
            return Param(name, record=self.rng.choice(self.record_types), pointer=self.chance(0.3))
        if roll < 0.75 and self.shapes:
            return Param(name, shape=self.rng.choice(self.shapes))
        return Param(name, var=self.invariant(self.scalar_type(), [name]))

    def param_text(self, p: Param) -> str:
        if p.record is not None:
            return f"struct {p.record.tag} {'*' if p.pointer else ''}{p.name}"
        if p.shape is not None:
            dims = p.shape.dims
            if len(dims) == 1 and self.chance(0.5):
                return f"{p.shape.type.name} *{p.name}"
            first = f"[{dims[0]}]" if self.chance(0.5) else "[]"
            return f"{p.shape.type.name} {p.name}{first}{''.join(f'[{n}]' for n in dims[1:])}"
        return f"{p.var.type.name} {p.name}"

    def bind(self, p: Param) -> None:
        """Put a parameter of a record helper in scope."""
        if p.record is not None:
            templates = (
                [f"{p.name}->{{}}", f"(*{p.name}).{{}}"] if p.pointer else [f"{p.name}.{{}}"]
            )
            label = f"(*{p.name})" if p.pointer else p.name
            self.objects.append(self.register(p.record, templates, Object(p.record, label)))
        elif p.shape is not None:
            s = p.shape
            self.arrays.append(Array(p.name, s.type, s.dims, s.lo, s.hi))
        else:
            self.scope.append(p.var)

    # ------------------------------------------------------------ statements

    def record_statement(self) -> bool:
        """A call of a record helper, a struct copy, or a new record local."""
        roll = self.rng.random()
        if roll < 0.55 and self.record_helpers:
            return self.call_record_helper(self.rng.choice(self.record_helpers))
        if roll < 0.8 and self.objects:
            a = self.rng.choice(self.objects)
            same = [o for o in self.objects if o.record is a.record]
            self.emit(f"{a.name} = {self.rng.choice(same).name};")
            self.impure = True  # the object may live behind a pointer parameter
            return True
        if self.record_types:
            record = self.rng.choice(self.record_types)
            same = [o for o in self.objects if o.record is record]
            self.declare_object(record, self.rng.choice(same).name if same else None)
            return True
        return False

    def call_record_helper(self, helper: RecordHelper) -> bool:
        target: Object | Var | None = None
        if isinstance(helper.ret, Record):
            same = [o for o in self.objects if o.record is helper.ret]
            target = self.rng.choice(same) if same and self.chance(0.6) else None
        elif isinstance(helper.ret, Var):
            writable = [v for v in self.targets() if v.type == helper.ret.type]
            target = self.rng.choice(writable) if writable else None
        access = Access(writes={id(v) for v in getattr(target, "vars", [target])})
        args = self.arguments(helper, access)
        if args is None:
            return False
        call = f"{helper.name}({', '.join(args)})"
        self.impure = True
        if isinstance(helper.ret, Record):
            if target is None:
                self.declare_object(helper.ret, call)
            else:
                self.emit(f"{target.name} = {call};")
        elif isinstance(helper.ret, Var) and target is not None:
            r = helper.ret
            value = Expr(call, r.type, r.lo, r.hi, r.finite, False)
            self.emit(f"{self.rng.choice(target.names)} = {self.fit(target, value).text};")
        else:
            self.emit(f"{call};")
        return True

    def arguments(self, helper: RecordHelper, access: Access) -> list[str] | None:
        """The arguments of a call, or None where no object or array in scope fits."""
        args: list[str | None] = []
        pointed: list[str] = []  # objects passed by pointer must not overlap
        for p in helper.params:
            if p.record is not None:
                same = [o for o in self.objects if o.record is p.record]
                if p.pointer:
                    same = [o for o in same if not any(overlap(o.name, q) for q in pointed)]
                if not same:
                    return None
                obj = self.rng.choice(same)
                pointed += [obj.name] if p.pointer else []
                access.reads |= {id(v) for v in obj.vars}
                args.append(f"&{obj.name}" if p.pointer else obj.name)
            elif p.shape is not None:
                fitting = [a for a in self.arrays if p.shape.fits(a) and a.writable]
                if not fitting:
                    return None
                args.append(self.rng.choice(fitting).name)
            else:
                args.append(None)
        for k, p in enumerate(helper.params):
            if p.var is not None:
                args[k] = self.fit(p.var, self.expr(access, 1)).text
        return args

    # ------------------------------------------------------------ pointer arithmetic

    def pointer_expr(self, access: Access, depth: int) -> Expr | None:
        """A difference or a comparison of two pointers into the same row of an array."""
        arrays = [a for a in self.arrays if "(" not in a.name]
        if not arrays:
            return None
        a = self.rng.choice(arrays)
        before = len(access.writes)
        prefix = "".join(f"[{self.index(n, access, depth)}]" for n in a.dims[:-1])
        n = a.dims[-1]
        base = f"{a.name}{prefix}"
        i, j = (self.index(n + 1, access, depth) for _ in range(2))
        left = f"({base} + {i})" if self.chance(0.6) else f"&{base}[{i}]"
        right = f"({base} + {j})" if self.chance(0.5) else base
        low = 0 if right == base else -n
        pure = len(access.writes) == before
        if self.chance(0.5):
            return Expr(f"({left} - {right})", LONG, low, n, pure=pure)
        op = self.rng.choice(["<", "<=", ">", ">=", "==", "!="])
        return Expr(f"({left} {op} {right})", INT, 0, 1, pure=pure)
