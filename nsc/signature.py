"""The program signature: the surrogate's named inputs and outputs, and where they live in C.

The signature is a plain value that serializes to JSON. Every stage after the frontend carries it:
the oracle binds numpy arrays to C parameters with it, the dataset stores it, and the ONNX file
records it in its metadata.

Layouts describe the memory of a C value with no pointers inside it (what a port can reach):

    {"kind": "float", "bits": 32 | 64}
    {"kind": "int", "bits": 8 | 16 | 32 | 64, "signed": bool}
    {"kind": "bool"}                                  # C _Bool: one byte holding 0 or 1
    {"kind": "array", "n": N, "of": LAYOUT}
    {"kind": "struct", "name": "P", "fields": [["r", LAYOUT], ...]}

The frontend lowers every layout to the LLVM type that `llvm_type` gives (structs as literal,
non-packed struct types), so other stages can build IR that calls the entry function directly.

A port is one named leaf of a parameter (or of the return value). Walking the parameter's layout
from the top, each array level contributes a dimension to `shape` and each struct level the index
of a field to `path`, in the order met; the leaf is a scalar. So `struct P pts[4]` with fields x, y
gives ports `pts.x` and `pts.y` of shape (4,) and paths (0,) and (1,).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Layout = dict[str, Any]
Role = Literal["input", "output", "inout", "none"]
Passing = Literal["value", "pointer"]

DEFAULT_RANGE = (-1.0, 1.0)
# The most scalars one parameter (or the return value) may hold, and all inputs and outputs of a
# signature together (room for one input and one output of the largest size): a surrogate with
# 2**20 float inputs already takes a minute and 5 GB to compile, and every stage allocates rows
# of this width.
MAX_SCALARS = 2**20
MAX_SIGNATURE_SCALARS = 2 * MAX_SCALARS


def scalar_dtype(layout: Layout) -> str:
    """The numpy dtype name of a scalar layout."""
    kind = layout["kind"]
    if kind == "float":
        return f"float{layout['bits']}"
    if kind == "int":
        return ("int" if layout["signed"] else "uint") + str(layout["bits"])
    if kind == "bool":
        return "bool"
    raise ValueError(f"not a scalar layout: {kind}")


def llvm_type(layout: Layout) -> str:
    """The LLVM IR type (as text) that the frontend uses for a layout."""
    kind = layout["kind"]
    if kind == "float":
        return "float" if layout["bits"] == 32 else "double"
    if kind == "int":
        return f"i{layout['bits']}"
    if kind == "bool":
        return "i8"
    if kind == "array":
        return f"[{layout['n']} x {llvm_type(layout['of'])}]"
    if kind == "struct":
        return "{" + ", ".join(llvm_type(f) for _, f in layout["fields"]) + "}"
    raise ValueError(f"unknown layout kind: {kind}")


@dataclass(frozen=True)
class Port:
    """One named scalar or array value of the surrogate's interface."""

    name: str  # "x", "p.r", "pts.x", "return"
    dtype: str  # numpy dtype name: float32, float64, int32, uint8, bool, ...
    shape: tuple[int, ...] = ()
    param: int = -1  # index of the C parameter; -1 for the return value
    path: tuple[int, ...] = ()  # struct field indices met walking the layout
    range: tuple[float, float] | None = None  # sampling range, inputs only

    @property
    def is_integer(self) -> bool:
        return self.dtype.startswith(("int", "uint")) or self.dtype == "bool"

    @property
    def size(self) -> int:
        n = 1
        for d in self.shape:
            n *= d
        return n


@dataclass(frozen=True)
class Param:
    """One C parameter of the entry function."""

    name: str
    passing: Passing  # by value, or a pointer to `layout`
    layout: Layout  # the value's layout, or the pointee's (shape applied) for pointers
    role: Role
    const: bool = False


@dataclass(frozen=True)
class Signature:
    """The entry function's interface, as the surrogate sees it."""

    entry: str
    params: tuple[Param, ...]
    inputs: tuple[Port, ...]
    outputs: tuple[Port, ...]
    returns: Layout | None = None  # None for void
    extra: dict[str, Any] = field(default_factory=dict)

    def input(self, name: str) -> Port:
        return _find(self.inputs, name, "input")

    def output(self, name: str) -> Port:
        return _find(self.outputs, name, "output")

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str | dict) -> Signature:
        data = json.loads(text) if isinstance(text, str) else text
        return cls(
            entry=data["entry"],
            params=tuple(Param(**p) for p in data["params"]),
            inputs=tuple(_port(p) for p in data["inputs"]),
            outputs=tuple(_port(p) for p in data["outputs"]),
            returns=data.get("returns"),
            extra=data.get("extra", {}),
        )


def _port(data: dict) -> Port:
    rng = data.get("range")
    return Port(
        name=data["name"],
        dtype=data["dtype"],
        shape=tuple(data.get("shape", ())),
        param=data.get("param", -1),
        path=tuple(data.get("path", ())),
        range=tuple(rng) if rng is not None else None,
    )


def _find(ports: tuple[Port, ...], name: str, what: str) -> Port:
    for port in ports:
        if port.name == name:
            return port
    known = ", ".join(p.name for p in ports) or "none"
    raise KeyError(f"no {what} named {name!r} (the {what}s are: {known})")


def leaf_ports(
    name: str, layout: Layout, param: int, rng: tuple[float, float] | None = None
) -> list[Port]:
    """Flatten a layout into its ports, following the rules in the module docstring."""
    ports: list[Port] = []

    def walk(label: str, node: Layout, shape: tuple[int, ...], path: tuple[int, ...]) -> None:
        kind = node["kind"]
        if kind == "array":
            walk(label, node["of"], shape + (node["n"],), path)
        elif kind == "struct":
            for i, (fname, fnode) in enumerate(node["fields"]):
                walk(f"{label}.{fname}", fnode, shape, path + (i,))
        else:
            ports.append(Port(label, scalar_dtype(node), shape, param, path, rng))

    walk(name, layout, (), ())
    return ports


def element_label(port: str, shape: tuple[int, ...], element: int) -> str:
    """How the program graph names one scalar of a port: `x` for a scalar, `w[3]` for the
    fourth of an array's elements (flattened row-major)."""
    return f"{port}[{element}]" if shape else port


@dataclass(frozen=True)
class Place:
    """Where one scalar of a parameter lives: its graph label, its byte offset in the
    parameter's memory (x86-64 C layout, as LLVM lays out the frontend's types), its size,
    and the aggregate indices that reach it in the parameter's LLVM value."""

    label: str
    offset: int
    size: int
    indices: tuple[int, ...]


def layout_places(name: str, layout: Layout) -> list[Place]:
    """Every scalar of a layout in memory order, named as `leaf_ports` names its ports."""
    places: list[Place] = []

    def walk(
        label: str,
        node: Layout,
        offset: int,
        shape: tuple[int, ...],
        index: tuple[int, ...],
        indices: tuple[int, ...],
    ) -> None:
        kind = node["kind"]
        if kind == "array":
            size = layout_size(node["of"])
            for i in range(node["n"]):
                at = offset + i * size
                walk(label, node["of"], at, (*shape, node["n"]), (*index, i), (*indices, i))
        elif kind == "struct":
            at = 0
            for f, (fname, fnode) in enumerate(node["fields"]):
                at = round_up(at, layout_align(fnode))
                walk(f"{label}.{fname}", fnode, offset + at, shape, index, (*indices, f))
                at += layout_size(fnode)
        else:
            flat = 0
            for n, i in zip(shape, index, strict=True):
                flat = flat * n + i
            places.append(
                Place(element_label(label, shape, flat), offset, layout_size(node), indices)
            )

    walk(name, layout, 0, (), (), ())
    return places


def layout_size(layout: Layout) -> int:
    """Bytes a layout takes in memory, padding included."""
    kind = layout["kind"]
    if kind == "array":
        return layout["n"] * layout_size(layout["of"])
    if kind == "struct":
        at = 0
        for _, fnode in layout["fields"]:
            at = round_up(at, layout_align(fnode)) + layout_size(fnode)
        return round_up(at, layout_align(layout))
    return 1 if kind == "bool" else layout["bits"] // 8


def layout_align(layout: Layout) -> int:
    """A layout's alignment in bytes (natural alignment, as on x86-64)."""
    kind = layout["kind"]
    if kind == "array":
        return layout_align(layout["of"])
    if kind == "struct":
        return max((layout_align(f) for _, f in layout["fields"]), default=1)
    return layout_size(layout)


def round_up(offset: int, align: int) -> int:
    """`offset` moved up to a multiple of `align` (C's padding rule; the frontend's too)."""
    return -(-offset // align) * align
