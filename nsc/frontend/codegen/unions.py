"""The constant of a union with static storage: its member's constant, as the union's words.

A union is `{ [n x iA] }` in LLVM (see `UnionType`), so the constant of the member an
initializer names is laid out as bytes (SysV offsets, zero padding, little-endian) and read
back as n words of A bytes. An address in it (`union { int *p; long n; } u = {&g};`) is a whole
word, since a pointer makes the union 8-aligned: it becomes `ptrtoint` of the address. A struct
with bit-fields is held as words too: its members' constants are laid out the same way, each
bit-field's value truncated to its width and put in its bits.
"""

from __future__ import annotations

import struct

from llvmlite import ir

from nsc.frontend import x86fp80
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
    return _words(union, data, addresses)


def record_constant(record: StructType, values: dict[int, ir.Constant]) -> ir.Constant:
    """The constant of a record with bit-fields whose fields (by index) hold `values`, the
    rest zero; a bit-field's value is an integer of its value's type."""
    data = bytearray(record.size)
    addresses: dict[int, ir.Constant] = {}
    for index, value in values.items():
        bitfield = record.bitfield(index)
        if bitfield is None:
            offset = record.field_offset(index)
            _lay_out(record.fields[index][1], value, offset, data, addresses)
            continue
        start, end = bitfield.offset, bitfield.offset + bitfield.unit
        mask = ((1 << bitfield.width) - 1) << bitfield.shift
        unit = int.from_bytes(data[start:end], "little") & ~mask
        unit |= (value.constant << bitfield.shift) & mask
        data[start:end] = unit.to_bytes(bitfield.unit, "little")
    return _words(record, data, addresses)


def _words(record: StructType, data: bytearray, addresses: dict[int, ir.Constant]) -> ir.Constant:
    """The constant of a record held as words (`{ [n x iA] }`) whose bytes are `data`, with
    the addresses in `addresses` (by offset) as whole words."""
    width = record.align
    word = ir.IntType(8 * width)
    words = []
    for offset in range(0, record.size, width):
        if offset in addresses:
            address = addresses[offset]
            is_word = isinstance(address.type, ir.IntType)  # from a union member, converted
            words.append(address if is_word else address.ptrtoint(word))
            continue
        bits = int.from_bytes(data[offset : offset + width], "little", signed=True)
        words.append(ir.Constant(word, bits))
    return ir.Constant(record.llvm, [ir.Constant(record.llvm.elements[0], words)])


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
    elif isinstance(ctype, FloatType) and ctype.bits == 80:
        data[offset : offset + ctype.size] = x86fp80.to_bytes(held)
    elif isinstance(ctype, FloatType):
        data[offset : offset + ctype.size] = struct.pack("<f" if ctype.bits == 32 else "<d", held)
    elif isinstance(ctype, IntType | BoolType):
        data[offset : offset + ctype.size] = (held % (1 << ctype.bits)).to_bytes(
            ctype.size, "little"
        )
    elif isinstance(ctype, UnionType) or (isinstance(ctype, StructType) and ctype.has_bitfields):
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
