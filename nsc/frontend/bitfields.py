"""Bit-fields: gcc's placement of them in a record (x86-64 System V) and the types of their values.

Placement, as gcc does it without `packed`: a bit-field of declared type T goes at the next free
bit unless it would cross a boundary of T's size (its alignment, on x86-64), in which case it
starts the next unit of T; a zero-width one moves to the next such boundary. A named bit-field
gives the record T's alignment; an unnamed one (`unsigned : 4;`, `int : 0;`) only takes room.
Ordinary members lie at their alignment after whatever bits came before them. In a union every
member starts at bit 0, and a bit-field takes the bytes its width needs.

Values, as gcc types them: a bit-field as wide as its declared type has that type; one narrower
than `int` has a type of its own (`unsigned int:3`, which `_Generic` matches with nothing) that
promotes to `int`; a 32-bit one of a 64-bit type is `int` or `unsigned int`; a wider one keeps
its exact width (`unsigned long long:40`), so arithmetic on it wraps at that width, and in the
usual arithmetic conversions it ranks by width between `int` and `long`, as gcc's precisions do.
"""

from __future__ import annotations

from dataclasses import dataclass

from nsc.diagnostics import CompileError, SourceLocation
from nsc.frontend.ctypes import INT, UINT, ArrayType, BoolType, CType, IntType, StructType
from nsc.signature import round_up


@dataclass(frozen=True)
class BitField:
    """Where a bit-field lies and what reading it gives: `width` bits from bit `shift` of the
    `unit`-byte storage unit at byte `offset` of its record (the unit of its declared type that
    holds it, which it never straddles), read as `value_type`."""

    name: str
    offset: int
    unit: int
    shift: int
    width: int
    signed: bool
    value_type: CType


@dataclass(frozen=True)
class RecordMember:
    """A member declaration in a record: an unnamed bit-field has no name, an ordinary member
    no width."""

    name: str | None
    ctype: CType
    width: int | None


@dataclass(frozen=True)
class RecordLayout:
    """The placement of the named members of a record that has bit-fields, by field index."""

    offsets: tuple[int, ...]  # byte offsets; a bit-field's is its storage unit's
    bitfields: tuple[BitField | None, ...]
    size: int
    align: int


@dataclass(frozen=True)
class BitFieldType(IntType):
    """The type gcc gives the value of a bit-field of odd width (see the module's doc). One
    narrower than `int` is held in an i32 (`bits` 32) and ranks below `int`; a wider one is
    an integer of its width, ranked `3 + width / 100`, and takes 8 bytes as a value."""

    @property
    def size(self) -> int:
        return 4 if self.bits <= 32 else 8

    @property
    def align(self) -> int:
        return self.size


def is_signed(ctype: CType) -> bool:
    """Whether a bit-field of this declared type holds signed values (plain `int` does, in gcc;
    an enum does when its integer type does: when it has a negative enumerator)."""
    if isinstance(ctype, BoolType):
        return False
    assert isinstance(ctype, IntType)
    return ctype.signed


def value_type(declared: CType, width: int) -> CType:
    """The type of the value read from a bit-field of `width` bits of type `declared`."""
    if isinstance(declared, BoolType):
        return declared.qualified(False)
    assert isinstance(declared, IntType)
    signed = is_signed(declared)
    if width == declared.bits:
        return declared.qualified(False)
    name = f"{declared.qualified(False)}:{width}"
    if width < 32:
        return BitFieldType(name, 32, signed, INT.rank - 1)
    if width == 32:
        return INT if signed else UINT
    return BitFieldType(name, width, signed, INT.rank + width / 100)


def lay_out(members: list[RecordMember], union: bool) -> RecordLayout:
    """gcc's layout of a record with bit-fields (see the module's doc)."""
    offsets: list[int] = []
    bitfields: list[BitField | None] = []
    bit, end, align = 0, 0, 1  # the next free bit (a struct's), the bytes used, the alignment
    for member in members:
        ctype, width = member.ctype, member.width
        if width is None:
            start = 0 if union else round_up(bit, 8 * ctype.align)
            bit = start + 8 * ctype.size
            align = max(align, ctype.align)
        else:
            unit = 8 * ctype.size
            if union or width == 0:
                start = 0 if union else round_up(bit, unit)
            elif bit % unit + width > unit:
                start = round_up(bit, unit)
            else:
                start = bit
            bit = start + width
            if member.name is not None:
                align = max(align, ctype.align)
        end = max(end, (bit + 7) // 8)
        if member.name is None:
            continue  # an unnamed bit-field only takes room
        offsets.append(start // 8 if width is None else start // unit * ctype.size)
        if width is None:
            bitfields.append(None)
            continue
        bitfields.append(
            BitField(
                member.name,
                start // unit * ctype.size,
                ctype.size,
                start % unit,
                width,
                is_signed(ctype),
                value_type(ctype, width),
            )
        )
    return RecordLayout(tuple(offsets), tuple(bitfields), round_up(end, align), align)


def refuse_in_entry(ctype: CType, where: SourceLocation, what: str) -> None:
    """A struct with bit-fields (or an array or struct holding one) is no input or output of
    the entry: `nsc.signature` flattens a record to leaves of whole bytes, and a bit-field is
    some bits of one."""
    found = _bitfield_in(ctype, "")
    if found is None:
        return
    place, bitfield, declared = found
    raise CompileError(
        f"{what} has type '{ctype}', which holds bit-field '{place}': an entry's inputs and "
        "outputs are whole numbers of bytes, and a bit-field is some bits of one",
        where,
        (
            f"pass the fields as scalars (say '{declared.qualified(False)} {bitfield.name}') "
            "and fill the struct inside the function",
        ),
    )


def _bitfield_in(ctype: CType, place: str) -> tuple[str, BitField, CType] | None:
    """The member path (`v[0].mode`) to the first bit-field in a value of `ctype`, the
    bit-field and its declared type; None when there is none."""
    if isinstance(ctype, ArrayType):
        return _bitfield_in(ctype.elem, f"{place}[0]")
    if not isinstance(ctype, StructType):
        return None
    for index, (name, ftype) in enumerate(ctype.fields):
        inner = f"{place}.{name or '<anonymous>'}".lstrip(".")
        bitfield = ctype.bitfield(index)
        if bitfield is not None:
            return inner, bitfield, ftype
        found = _bitfield_in(ftype, inner)
        if found is not None:
            return found
    return None
