"""The constant of a union with static storage: its member's constant, as the union's words.

A union is `{ [n x iA] }` in LLVM (see `UnionType`), so the constant of the member an
initializer names is laid out as bytes (SysV offsets, zero padding, little-endian) and read
back as n words of A bytes. An address in it (`union { int *p; long n; } u = {&g};`) is a whole
word, since a pointer makes the union 8-aligned: it becomes `ptrtoint` of the address.
"""

from __future__ import annotations

import struct

from llvmlite import ir

from nsc.frontend.ctypes import (
    ArrayType,
    BoolType,
    CType,
    FloatType,
    IntType,
    PointerType,
    StructType,
    UnionType,
)


def union_constant(union: UnionType, member: CType, value: ir.Constant) -> ir.Constant:
    """The constant of `union` whose member of type `member` holds `value` (rest zero)."""
    data = bytearray(union.size)
    addresses: dict[int, ir.Constant] = {}
    _lay_out(member, value, 0, data, addresses)
    width = union.align
    word = ir.IntType(8 * width)
    words = []
    for offset in range(0, union.size, width):
        if offset in addresses:
            address = addresses[offset]
            is_word = isinstance(address.type, ir.IntType)  # from a union member, converted
            words.append(address if is_word else address.ptrtoint(word))
            continue
        bits = int.from_bytes(data[offset : offset + width], "little", signed=True)
        words.append(ir.Constant(word, bits))
    return ir.Constant(union.llvm, [ir.Constant(union.llvm.elements[0], words)])


def _lay_out(
    ctype: CType,
    value: ir.Constant,
    offset: int,
    data: bytearray,
    addresses: dict[int, ir.Constant],
) -> None:
    """Write the bytes of constant `value` of type `ctype` at `offset` into `data`; an address
    goes to `addresses` under its offset instead."""
    held = value.constant if isinstance(value, ir.Constant) else value
    if held is None:  # zeroinitializer (or null): `data` is zero already
        return
    if isinstance(ctype, PointerType):
        addresses[offset] = value
    elif isinstance(ctype, FloatType):
        data[offset : offset + ctype.size] = struct.pack("<f" if ctype.bits == 32 else "<d", held)
    elif isinstance(ctype, IntType | BoolType):
        data[offset : offset + ctype.size] = (held % (1 << ctype.bits)).to_bytes(
            ctype.size, "little"
        )
    elif isinstance(ctype, UnionType):
        (words,) = held
        width = ctype.align
        for i, word in enumerate(words.constant or []):
            if isinstance(word.constant, int):
                at = offset + i * width
                data[at : at + width] = (word.constant % (1 << 8 * width)).to_bytes(width, "little")
            else:  # an address, already an i64 `ptrtoint`
                addresses[offset + i * width] = word
    elif isinstance(ctype, StructType):
        for i, (_, ftype) in enumerate(ctype.fields):
            _lay_out(ftype, held[i], offset + ctype.field_offset(i), data, addresses)
    elif isinstance(ctype, ArrayType):
        for i, element in enumerate(held):
            _lay_out(ctype.elem, element, offset + i * ctype.elem.size, data, addresses)
    else:
        raise TypeError(f"no constant bytes for type '{ctype}'")
