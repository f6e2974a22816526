"""The bytes of objects gcc knows at compile time, and the string calls it folds with them.

An `Image` is an object's bytes as its constant initializer gives them (LLVM's constants laid
out for x86-64), with which bytes are known (not a pointer's or padding's) and the pointer
constants stored in it; a `Known` is a place in one. `strcalls.py` finds them for a call's
arguments and `fold` computes the value gcc gives the call.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass

from llvmlite import ir
from pycparser import c_ast

from nsc.frontend.ctypes import VOID, ArrayType, CType, FunctionType, StructType

GEP = re.compile(r'getelementptr inbounds \(i8, ptr @(?:"([^"]+)"|([-\w.$]+)), i64 (-?\d+)\)')


@dataclass(frozen=True)
class Image:
    """The bytes of an object that gcc knows at compile time: `known` is 1 where `data`
    holds a byte (not a pointer's, nor padding's), `pointers` the pointer constants stored
    in it, by offset."""

    data: bytes
    known: bytes
    pointers: dict[int, ir.Value]

    @staticmethod
    def of(data: bytes) -> Image:
        return Image(data, b"\1" * len(data), {})

    def string(self, offset: int) -> bytes | None:
        """The string at `offset`, without its terminator; None unless all of it is known."""
        end = self.data.find(b"\0", offset)
        if end < 0 or 0 in self.known[offset : end + 1]:
            return None
        return self.data[offset:end]


@dataclass(frozen=True)
class Known:
    """A place in a known object: where a pointer points (`ctype` its pointee) or an lvalue
    (`ctype` its type)."""

    image: Image
    offset: int
    ctype: CType


def fold(name: str, pointers: list[Known], count: int | None) -> int | None:
    """The value of a call whose pointer arguments are known (`count`: a constant count)."""
    if name in ("strncmp", "memcmp"):
        if count is None:
            return None
        count %= 1 << 64  # a size_t
        if name == "strncmp":
            return _strncmp(pointers[0], pointers[1], count)
        return _memcmp(pointers[0], pointers[1], count)
    strings = [known.image.string(known.offset) for known in pointers]
    if None in strings:
        return None
    if name == "strlen":
        return len(strings[0])
    if name == "strcmp":
        return (strings[0] > strings[1]) - (strings[0] < strings[1])
    text, chars = strings
    span = 0
    while span < len(text) and (text[span] in chars) == (name == "strspn"):
        span += 1
    return span


def effects_and_value(node: c_ast.Node) -> tuple[list[c_ast.Node], c_ast.Node]:
    """The operands a comma evaluates for their effects only, and the expression whose
    value the argument is (`(T *)(f(), "abc")`: [f()] and `(T *)"abc"`)."""
    if isinstance(node, c_ast.ExprList):
        effects, value = effects_and_value(node.exprs[-1])
        return [*node.exprs[:-1], *effects], value
    if isinstance(node, c_ast.Cast):
        effects, value = effects_and_value(node.expr)
        if value is not node.expr:
            return effects, c_ast.Cast(node.to_type, value, node.coord)
    return [], node


def step(known: Known, count: int) -> Known | None:
    """`known + count` elements, inside its object or just past it."""
    ctype = known.ctype
    if ctype != VOID and (isinstance(ctype, FunctionType) or not ctype.is_complete):
        return None
    size = 1 if ctype == VOID else ctype.size  # GNU C: `void *` counts bytes
    offset = known.offset + count * size
    if not 0 <= offset <= len(known.image.data):
        return None
    return Known(known.image, offset, ctype)


def _strncmp(a: Known, b: Known, count: int) -> int | None:
    """glibc's strncmp of two known strings: the difference of the first bytes that differ."""
    for i in range(count):
        x, y = _byte(a, i), _byte(b, i)
        if x is None or y is None:
            return None
        if x != y or x == 0:
            return x - y
    return 0


def _memcmp(a: Known, b: Known, count: int) -> int | None:
    """gcc's folded memcmp of known bytes: -1, 0 or 1 (not for a struct's bytes)."""
    if isinstance(a.ctype, StructType) or isinstance(b.ctype, StructType):
        return None
    bytes_a, bytes_b = _bytes(a, count), _bytes(b, count)
    if bytes_a is None or bytes_b is None:
        return None
    return (bytes_a > bytes_b) - (bytes_a < bytes_b)


def _byte(known: Known, i: int) -> int | None:
    at = known.offset + i
    if at >= len(known.image.data) or not known.image.known[at]:
        return None
    return known.image.data[at]


def _bytes(known: Known, count: int) -> bytes | None:
    start, end = known.offset, known.offset + count
    if end > len(known.image.data) or 0 in known.image.known[start:end]:
        return None
    return known.image.data[start:end]


def const_object(ctype: CType) -> bool:
    while isinstance(ctype, ArrayType):
        ctype = ctype.elem
    return ctype.const


def says_volatile(decl: c_ast.Decl) -> bool:
    node = decl.type
    while node is not None:
        quals = getattr(node, "quals", None) or getattr(node, "dim_quals", None) or []
        if "volatile" in quals:
            return True
        node = getattr(node, "type", None)
    return "volatile" in (decl.quals or [])


def declaration_in_scope(
    unit: c_ast.FileAST | None, function: str, use: c_ast.ID
) -> c_ast.Decl | None:
    """The declaration in `function`'s body that the identifier `use` names (None: none
    there, a parameter say), found by walking the body in order with its block scopes."""
    body = next(
        (
            node.body
            for node in (unit.ext if unit else ())
            if isinstance(node, c_ast.FuncDef) and node.decl.name == function
        ),
        None,
    )
    frames: list[list[c_ast.Decl]] = [[]]

    def reaches(node: c_ast.Node) -> bool:
        if node is use:
            return True
        scoped = isinstance(node, c_ast.Compound | c_ast.For)
        if scoped:
            frames.append([])
        if isinstance(node, c_ast.Decl) and node.name == use.name:
            frames[-1].append(node)
        if not isinstance(node, c_ast.Struct | c_ast.Union | c_ast.FuncDecl):
            if any(reaches(child) for child in node):  # a node iterates over its children
                return True
        if scoped:
            frames.pop()
        return False

    if body is None or not reaches(body):
        return None
    return next((frame[-1] for frame in reversed(frames) if frame), None)


def constant_image(value: ir.Constant, size: int) -> Image | None:
    """The image of an object of `size` bytes that a constant initializes; None where a
    constant is not one nsc's lowering makes."""
    data, known, pointers = bytearray(size), bytearray(size), {}
    if not _serialize(value, 0, data, known, pointers):
        return None
    return Image(bytes(data), bytes(known), pointers)


def _layout(ltype: ir.Type) -> tuple[int, int] | None:
    """Size and alignment of an LLVM type on x86-64, for the types nsc's constants use."""
    if isinstance(ltype, ir.IntType):
        size = next(n for n in (1, 2, 4, 8, 16) if ltype.width <= 8 * n)
        return size, size
    if isinstance(ltype, ir.FloatType | ir.DoubleType | ir.PointerType):
        size = 4 if isinstance(ltype, ir.FloatType) else 8
        return size, size
    if isinstance(ltype, ir.ArrayType):
        inner = _layout(ltype.element)
        return (inner[0] * ltype.count, inner[1]) if inner else None
    if isinstance(ltype, ir.BaseStructType):
        offsets = _field_offsets(ltype)
        if offsets is None:
            return None
        align = 1 if ltype.packed else max((_layout(t)[1] for t in ltype.elements), default=1)
        return -(-offsets[-1] // align) * align, align
    return None


def _field_offsets(ltype: ir.BaseStructType) -> list[int] | None:
    """Each field's offset in a struct type, and its size last."""
    offsets, at = [], 0
    for element in ltype.elements:
        layout = _layout(element)
        if layout is None:
            return None
        at = at if ltype.packed else -(-at // layout[1]) * layout[1]
        offsets.append(at)
        at += layout[0]
    return [*offsets, at]


def _serialize(value, at: int, data: bytearray, known: bytearray, pointers: dict) -> bool:
    """Write a constant's bytes at `at` (a pointer's into `pointers`); False for what is not
    known (an undefined value, a type not handled, bytes past the object)."""
    ltype = value.type
    layout = _layout(ltype)
    if layout is None or at + layout[0] > len(data):
        return False
    if isinstance(ltype, ir.PointerType):
        if not (isinstance(value, ir.Constant) and value.constant is None):  # not null
            pointers[at] = value
        return True
    constant = value.constant if isinstance(value, ir.Constant) else value
    if constant is None:  # zeroinitializer
        known[at : at + layout[0]] = b"\1" * layout[0]
        return True
    if isinstance(ltype, ir.IntType) and isinstance(constant, int):
        raw = (constant % (1 << 8 * layout[0])).to_bytes(layout[0], "little")
    elif isinstance(ltype, ir.FloatType | ir.DoubleType) and isinstance(constant, float):
        raw = struct.pack("<f" if isinstance(ltype, ir.FloatType) else "<d", constant)
    elif isinstance(ltype, ir.ArrayType) and isinstance(constant, bytearray | bytes):
        raw = bytes(constant)
    elif isinstance(ltype, ir.ArrayType) and isinstance(constant, list):
        size = layout[0] // max(ltype.count, 1)
        return all(
            _serialize(item, at + i * size, data, known, pointers)
            for i, item in enumerate(constant)
        )
    elif isinstance(ltype, ir.BaseStructType) and isinstance(constant, list):
        offsets = _field_offsets(ltype)
        return all(
            _serialize(item, at + offset, data, known, pointers)
            for item, offset in zip(constant, offsets, strict=False)
        )
    else:
        return False
    data[at : at + len(raw)] = raw
    known[at : at + len(raw)] = b"\1" * len(raw)
    return True
