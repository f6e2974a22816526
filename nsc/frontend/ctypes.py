"""The C type system of nsc's C99 subset (x86-64 LP64), with LLVM types, sizes and layouts.

Types are frozen dataclasses. The `const` qualifier is carried on each type but ignored by
equality, so type compatibility checks compare the unqualified types.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from llvmlite import ir

from nsc.frontend.x86fp80 import X86_FP80
from nsc.signature import Layout, round_up

if TYPE_CHECKING:
    from nsc.frontend.bitfields import BitField, RecordLayout


@dataclass(frozen=True)
class CType:
    """Base of all C types."""

    const: bool = field(default=False, compare=False, kw_only=True)

    @property
    def llvm(self) -> ir.Type:
        raise NotImplementedError

    @property
    def size(self) -> int:
        raise NotImplementedError

    @property
    def align(self) -> int:
        return self.size

    def layout(self) -> Layout:
        """The memory layout of a value of this type, as `nsc.signature` describes it."""
        raise TypeError(f"type '{self}' has no data layout")

    def qualified(self, const: bool) -> CType:
        return replace(self, const=const) if const != self.const else self

    @property
    def is_scalar(self) -> bool:
        return isinstance(self, IntType | BoolType | FloatType | PointerType)

    @property
    def is_arithmetic(self) -> bool:
        return isinstance(self, IntType | BoolType | FloatType)

    @property
    def is_integer(self) -> bool:
        return isinstance(self, IntType | BoolType)

    @property
    def is_complete(self) -> bool:
        return True


@dataclass(frozen=True)
class VoidType(CType):
    @property
    def llvm(self) -> ir.Type:
        return ir.VoidType()

    @property
    def size(self) -> int:
        raise TypeError("void has no size")

    @property
    def is_complete(self) -> bool:
        return False

    def __str__(self) -> str:
        return _const("void", self.const)


@dataclass(frozen=True)
class IntType(CType):
    """An integer type; `rank` orders char < short < int < long < long long."""

    name: str
    bits: int
    signed: bool
    rank: int
    # An enumerated type is the integer type gcc makes compatible with it (equal to it), marked
    # with an id that tells distinct enums apart where C does (`_Generic`); see `resolve_enum`.
    enum_id: int | None = field(default=None, compare=False, kw_only=True)

    @property
    def llvm(self) -> ir.Type:
        return ir.IntType(self.bits)

    @property
    def size(self) -> int:
        return self.bits // 8

    def layout(self) -> Layout:
        return {"kind": "int", "bits": self.bits, "signed": self.signed}

    @property
    def min(self) -> int:
        return -(1 << (self.bits - 1)) if self.signed else 0

    @property
    def max(self) -> int:
        return (1 << (self.bits - 1)) - 1 if self.signed else (1 << self.bits) - 1

    def wrap(self, value: int) -> int:
        """Reduce a Python int to this type's value range (two's complement)."""
        value &= (1 << self.bits) - 1
        if self.signed and value >= 1 << (self.bits - 1):
            value -= 1 << self.bits
        return value

    def __str__(self) -> str:
        return _const(self.name, self.const)


@dataclass(frozen=True)
class BoolType(CType):
    """C `_Bool`: one byte holding 0 or 1."""

    bits: int = 8
    rank: int = 0
    signed: bool = False

    @property
    def llvm(self) -> ir.Type:
        return ir.IntType(8)

    @property
    def size(self) -> int:
        return 1

    def layout(self) -> Layout:
        return {"kind": "bool"}

    def wrap(self, value: int) -> int:
        return 1 if value else 0

    def __str__(self) -> str:
        return _const("_Bool", self.const)


@dataclass(frozen=True)
class FloatType(CType):
    """`float` (32 bits), `double` (64) or `long double` (80: the x87 extended type, kept in
    16 bytes aligned to 16, as gcc does on x86-64)."""

    bits: int

    @property
    def llvm(self) -> ir.Type:
        if self.bits == 80:
            return X86_FP80
        return ir.FloatType() if self.bits == 32 else ir.DoubleType()

    @property
    def size(self) -> int:
        return 16 if self.bits == 80 else self.bits // 8

    def layout(self) -> Layout:
        return {"kind": "float", "bits": self.bits}

    def __str__(self) -> str:
        return _const(_FLOAT_NAMES[self.bits], self.const)


_FLOAT_NAMES = {32: "float", 64: "double", 80: "long double"}


@dataclass(frozen=True)
class PointerType(CType):
    pointee: CType

    @property
    def llvm(self) -> ir.Type:
        return ir.PointerType()

    @property
    def size(self) -> int:
        return 8

    def __str__(self) -> str:
        return _const(f"{self.pointee} *", self.const)


@dataclass(frozen=True)
class ArrayType(CType):
    """A fixed-size array; `n` is None for an incomplete array (`int a[]`)."""

    elem: CType
    n: int | None

    @property
    def llvm(self) -> ir.Type:
        return ir.ArrayType(self.elem.llvm, self.n or 0)

    @property
    def size(self) -> int:
        if self.n is None:
            raise TypeError("incomplete array has no size")
        return self.elem.size * self.n

    @property
    def align(self) -> int:
        return self.elem.align

    @property
    def is_complete(self) -> bool:
        return self.n is not None

    def layout(self) -> Layout:
        if self.n is None:
            raise TypeError("incomplete array has no data layout")
        return {"kind": "array", "n": self.n, "of": self.elem.layout()}

    def qualified(self, const: bool) -> CType:
        # A const array is an array of const elements.
        return replace(self, elem=self.elem.qualified(const), const=const)

    def __str__(self) -> str:
        text, inner = "", self
        while isinstance(inner, ArrayType):
            text, inner = f"{text}[{inner.dim_text}]", inner.elem
        return f"{inner}{text}"

    @property
    def dim_text(self) -> str:
        """The length as written between the brackets ('' when not known)."""
        return str(self.n) if self.n is not None else ""


@dataclass(frozen=True)
class StructType(CType):
    """A struct; identified by a unique id, its fields filled in when the definition is seen.

    An anonymous member (C11: a struct or union without a name inside another) is a field
    named ""; `member` finds the names in it. A record with bit-fields has them as fields of
    their declared types and gcc's placement in `bit_layout` (`nsc.frontend.bitfields`); LLVM
    holds it as words, as a union (`{ [n x iA] }`), its members at their byte offsets."""

    tag: str | None
    uid: int
    fields: list[tuple[str, CType]] = field(default_factory=list, compare=False, hash=False)
    complete: list[bool] = field(default_factory=lambda: [False], compare=False, hash=False)
    bit_layout: list[RecordLayout | None] = field(
        default_factory=lambda: [None], compare=False, hash=False
    )

    @property
    def is_complete(self) -> bool:
        return self.complete[0]

    @property
    def has_bitfields(self) -> bool:
        return self.bit_layout[0] is not None

    def bitfield(self, index: int) -> BitField | None:
        """The placement of field `index` when it is a bit-field."""
        placed = self.bit_layout[0]
        return None if placed is None else placed.bitfields[index]

    @property
    def llvm(self) -> ir.Type:
        if self.has_bitfields:
            return self.as_words()
        return ir.LiteralStructType([t.llvm for _, t in self.fields])

    def as_words(self) -> ir.Type:
        """The record as `{ [n x iA] }`, A its alignment in bits: LLVM gives that exactly its
        size and alignment, and a load or store of it moves every byte."""
        word = ir.IntType(8 * self.align)
        return ir.LiteralStructType([ir.ArrayType(word, self.size // self.align)])

    @property
    def size(self) -> int:
        if not self.is_complete:
            raise TypeError(f"incomplete type '{self}' has no size")
        if self.bit_layout[0] is not None:
            return self.bit_layout[0].size
        last = len(self.fields) - 1
        return round_up(self.field_offset(last) + self.fields[last][1].size, self.align)

    @property
    def align(self) -> int:
        if self.bit_layout[0] is not None:
            return self.bit_layout[0].align
        return max((t.align for _, t in self.fields), default=1)

    def field_index(self, name: str) -> int | None:
        for i, (fname, _) in enumerate(self.fields):
            if fname == name:
                return i
        return None

    def field_offset(self, index: int) -> int:
        """The byte offset of the field at `index` (SysV: each at its alignment)."""
        if self.bit_layout[0] is not None:
            return self.bit_layout[0].offsets[index]
        offset = 0
        for _, ftype in self.fields[:index]:
            offset = round_up(offset, ftype.align) + ftype.size
        return round_up(offset, self.fields[index][1].align)

    def member(self, name: str) -> Member | None:
        """The member called `name`, looked for through anonymous members (C11) as well."""
        for i, (fname, ftype) in enumerate(self.fields):
            if fname == name:
                bitfield = self.bitfield(i)
                if bitfield is not None:  # typed as its value is
                    ftype = bitfield.value_type.qualified(ftype.const)
                return Member((i,), self.field_offset(i), ftype, bitfield)
            if not fname and isinstance(ftype, StructType):
                inner = ftype.member(name)
                if inner is not None:
                    offset = self.field_offset(i) + inner.offset
                    return Member((i, *inner.path), offset, inner.ctype, inner.bitfield)
        return None

    def member_names(self) -> list[str]:
        """The names `.` can reach: the fields, and the members of anonymous ones."""
        names: list[str] = []
        for fname, ftype in self.fields:
            if fname:
                names.append(fname)
            elif isinstance(ftype, StructType):
                names += ftype.member_names()
        return names

    def layout(self) -> Layout:
        if self.has_bitfields:
            raise TypeError(f"'{self}' has no data layout: it has bit-fields")
        return {
            "kind": "struct",
            "name": self.tag or "",
            "fields": [[name, ftype.layout()] for name, ftype in self.fields],
        }

    def __str__(self) -> str:
        return _const(f"struct {self.tag or '<anonymous>'}", self.const)


@dataclass(frozen=True)
class UnionType(StructType):
    """A union: a record whose members all lie at offset 0 (everything else as StructType).

    Its size is the largest member's rounded up to the largest alignment, its alignment the
    largest member's (x86-64 SysV, as gcc). In LLVM it is `{ [n x iA] }`: A the alignment in
    bits, n = size / alignment. LLVM lays that out with exactly the union's size and alignment
    (x86-64 aligns i8/i16/i32/i64 to 1/2/4/8), and a load or store of it moves every byte: a
    union value copied whole keeps whatever member was written last, padding included. (A
    member type plus padding bytes, clang's form, loses the bytes in a struct member's own
    padding when copied as a value.) Members are read and written at the union's address.
    """

    @property
    def llvm(self) -> ir.Type:
        if not self.is_complete:
            return ir.LiteralStructType([])
        return self.as_words()

    @property
    def size(self) -> int:
        if not self.is_complete:
            raise TypeError(f"incomplete type '{self}' has no size")
        if self.bit_layout[0] is not None:
            return self.bit_layout[0].size
        return round_up(max(t.size for _, t in self.fields), self.align)

    def field_offset(self, index: int) -> int:
        return 0

    def layout(self) -> Layout:
        raise TypeError(f"'{self}' has no data layout: its bytes have several meanings")

    def __str__(self) -> str:
        return _const(f"union {self.tag or '<anonymous>'}", self.const)


@dataclass(frozen=True)
class Member:
    """A member of a struct or union: the field indices that reach it (more than one through
    anonymous members), its byte offset in the outermost record and its type (a bit-field's:
    its value's, its offset its storage unit's)."""

    path: tuple[int, ...]
    offset: int
    ctype: CType
    bitfield: BitField | None = None


@dataclass(frozen=True)
class FunctionType(CType):
    ret: CType
    params: tuple[CType, ...]
    variadic: bool = False

    @property
    def llvm(self) -> ir.FunctionType:
        return ir.FunctionType(self.ret.llvm, [p.llvm for p in self.params], self.variadic)

    @property
    def size(self) -> int:
        raise TypeError("a function has no size")

    def __str__(self) -> str:
        params = [str(p) for p in self.params] + (["..."] if self.variadic else [])
        return f"{self.ret} ({', '.join(params)})"


def _const(text: str, const: bool) -> str:
    return f"const {text}" if const else text


def array_dims(ctype: CType) -> tuple[list[int | None], CType]:
    """The dimensions of a (nested) array type and its innermost element type."""
    dims: list[int | None] = []
    while isinstance(ctype, ArrayType):
        dims.append(ctype.n)
        ctype = ctype.elem
    return dims, ctype


def decay(ctype: CType) -> CType:
    """Array-to-pointer and function-to-pointer decay."""
    if isinstance(ctype, ArrayType):
        return PointerType(ctype.elem)
    if isinstance(ctype, FunctionType):
        return PointerType(ctype)
    return ctype


VOID = VoidType()
BOOL = BoolType()
CHAR = IntType("char", 8, True, 1)
SCHAR = IntType("signed char", 8, True, 1)
UCHAR = IntType("unsigned char", 8, False, 1)
SHORT = IntType("short", 16, True, 2)
USHORT = IntType("unsigned short", 16, False, 2)
INT = IntType("int", 32, True, 3)
UINT = IntType("unsigned int", 32, False, 3)
LONG = IntType("long", 64, True, 4)
ULONG = IntType("unsigned long", 64, False, 4)
LLONG = IntType("long long", 64, True, 5)
ULLONG = IntType("unsigned long long", 64, False, 5)
INT128 = IntType("__int128", 128, True, 6)  # gcc's, on x86-64: 16 bytes, aligned to 16
UINT128 = IntType("unsigned __int128", 128, False, 6)
FLOAT = FloatType(32)
DOUBLE = FloatType(64)
LONG_DOUBLE = FloatType(80)
SIZE_T = ULONG
PTRDIFF_T = LONG

# Sorted specifier lists (without 'signed'/'int' noise) mapped to types.
_SPECIFIERS: dict[tuple[str, ...], CType] = {
    ("void",): VOID,
    ("_Bool",): BOOL,
    ("char",): CHAR,
    ("char", "signed"): SCHAR,
    ("char", "unsigned"): UCHAR,
    ("short",): SHORT,
    ("short", "unsigned"): USHORT,
    ("int",): INT,
    ("unsigned",): UINT,
    ("long",): LONG,
    ("long", "unsigned"): ULONG,
    ("long", "long"): LLONG,
    ("long", "long", "unsigned"): ULLONG,
    ("__int128",): INT128,
    ("__int128", "unsigned"): UINT128,
    # typedef names gcc predefines on x86-64 (parse.BUILTIN_TYPEDEFS lets the parser see them)
    ("__int128_t",): INT128,
    ("__uint128_t",): UINT128,
    ("float",): FLOAT,
    ("double",): DOUBLE,
    ("double", "long"): LONG_DOUBLE,
}


def from_specifiers(names: list[str]) -> CType | None:
    """The type named by a list of basic type specifiers (`unsigned long int`), or None."""
    words = [n for n in names if n != "int" or len(names) == 1]
    if "signed" in words and "char" not in words:
        words = [w for w in words if w != "signed"] or ["int"]
    if words == ["signed"]:
        return INT
    return _SPECIFIERS.get(tuple(sorted(words)))


def make_unsigned(ctype: IntType) -> IntType:
    return {
        "int": UINT,
        "long": ULONG,
        "long long": ULLONG,
        "__int128": UINT128,
        "char": UCHAR,
        "signed char": UCHAR,
        "short": USHORT,
    }.get(ctype.name, ctype)


def scalar_value(ctype: CType, value: Any) -> Any:
    """A Python constant converted to a C arithmetic type (C conversion semantics)."""
    if isinstance(ctype, FloatType):
        return float(value)
    if isinstance(ctype, BoolType):
        return 1 if value else 0
    if isinstance(ctype, IntType):
        return ctype.wrap(int(value))
    raise TypeError(f"not an arithmetic type: {ctype}")
