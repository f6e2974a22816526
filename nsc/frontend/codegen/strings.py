"""String literals: static `char` arrays, and the initializers of character arrays.

A string literal is an unnamed `char[N+1]` object with static storage (C99 6.4.5): an internal
`unnamed_addr constant` global `.str`, `.str.1`, ... (clang's names), one per distinct content,
holding its bytes and a terminating zero. As an expression it is an lvalue of array type, so it
decays to `char *` wherever an array does, and reads through it are checked against its bytes
as through any array. Writing to it is undefined in C (gcc's literals lie in read-only memory):
with the oracle's checks on, its region is marked read-only, and a store whose target carries
that region (`"abc"[i] = c`, `*("abc" + 1) = c`, `"abc"[0]++`) traps as out of bounds. A pointer
variable keeps only its region's bounds in its shadow, so a store through one (`char *p = "abc";
p[0] = c;`), or a memset or memcpy into a literal, is not caught: LLVM may drop such a store or
the process may fault. A character array may be initialized from a literal (`char s[] = "abc"`,
`char t[2][4] = {"ab", "cd"}`): the initializer tree then holds a `StringInit` where an
aggregate's members would be; a local array copies the literal's object (memcpy), after zeros
where the literal does not reach.

pycparser joins adjacent literals into one Constant whose text keeps a quote boundary wherever
joining the spellings would change an escape (`"\\1" "23"`); each quoted part is decoded on its
own, escapes first, then the parts are concatenated, as C's translation phases 5 and 6 say.
Other characters are their UTF-8 bytes, as gcc's execution character set.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from llvmlite import ir
from pycparser import c_ast

from nsc.frontend.codegen.context import LValue, Region
from nsc.frontend.codegen.instrument import OUT_OF_BOUNDS
from nsc.frontend.ctypes import CHAR, ArrayType, CType, IntType

I1, I8, I64 = ir.IntType(1), ir.IntType(8), ir.IntType(64)
_PART = re.compile(r'"((?:[^"\\]|\\.)*)"', re.DOTALL)
_ESCAPE = re.compile(
    r"\\(?:(?P<octal>[0-7]{1,3})|x(?P<hex>[0-9a-fA-F]*)|u(?P<u4>[0-9a-fA-F]{4})"
    r"|U(?P<u8>[0-9a-fA-F]{8})|(?P<char>.))",
    re.DOTALL,
)
_SIMPLE = {"n": 10, "t": 9, "r": 13, "a": 7, "b": 8, "f": 12, "v": 11, "\\": 92}
_SIMPLE.update({"'": 39, '"': 34, "?": 63})
_PREFIXES = {"L": "wide", "u": "char16_t", "U": "char32_t", "u8": "UTF-8"}


@dataclass(frozen=True)
class StringInit:
    """A character array's initializer that is a string literal: the array's bytes, the
    literal's terminator included unless the array is exactly one shorter (C99 6.7.8p14)."""

    node: c_ast.Constant
    data: bytes


def is_string(node: c_ast.Node | None) -> bool:
    return isinstance(node, c_ast.Constant) and node.type == "string"


def decode_string(text: str) -> bytes:
    """The bytes of a (joined) string literal's spelling, without the terminating zero;
    ValueError for what nsc does not support."""
    prefix = text[: text.index('"')]
    if prefix:
        raise ValueError(
            f'{_PREFIXES.get(prefix, prefix)} string literals ({prefix}"...") are not supported'
        )
    return b"".join(_unescape(part) for part in _PART.findall(text))


def _unescape(body: str) -> bytes:
    out = bytearray()
    last = 0
    for match in _ESCAPE.finditer(body):
        out += body[last : match.start()].encode()
        out += _escape_bytes(match)
        last = match.end()
    out += body[last:].encode()
    return bytes(out)


def _escape_bytes(match: re.Match) -> bytes:
    if match["octal"] is not None:
        value = int(match["octal"], 8)
        if value > 255:
            raise ValueError(f"octal escape sequence out of range in string: '{match[0]}'")
        return bytes([value])
    if match["hex"] is not None:
        if not match["hex"]:
            raise ValueError("\\x used with no following hex digits")
        value = int(match["hex"], 16)
        if value > 255:
            raise ValueError(f"hex escape sequence out of range in string: '{match[0]}'")
        return bytes([value])
    code = match["u4"] or match["u8"]
    if code is not None:
        point = int(code, 16)
        # C99 6.4.3: below U+00A0 only $, @ and ` may be named so; no surrogates
        if (point < 0xA0 and point not in (0x24, 0x40, 0x60)) or 0xD800 <= point <= 0xDFFF:
            raise ValueError(f"'{match[0]}' is not a valid universal character")
        if point > 0x10FFFF:
            raise ValueError(f"'{match[0]}' is outside the UCS codespace")
        return chr(point).encode()
    char = match["char"]
    if char not in _SIMPLE:
        raise ValueError(f"unknown escape sequence '\\{char}' in string")
    return bytes([_SIMPLE[char]])


# the predefined identifiers naming the enclosing function
FUNCTION_NAMES = frozenset({"__func__", "__FUNCTION__", "__PRETTY_FUNCTION__"})


def is_character_array(ctype: CType) -> bool:
    """An array of char, signed char or unsigned char (which a string literal may initialize)."""
    return isinstance(ctype, ArrayType) and isinstance(ctype.elem, IntType) and ctype.elem.bits == 8


class StringLiterals:
    """Mixin: string literals as objects, and as initializers of character arrays."""

    string_objects: dict[bytes, ir.GlobalVariable] | None = None  # by content, terminator included
    name_objects: dict[tuple[str, str], ir.GlobalVariable] | None = None  # `__func__`s

    def string_bytes(self, node: c_ast.Constant) -> bytes:
        """A literal's bytes with the terminating zero."""
        try:
            return decode_string(node.value) + b"\0"
        except ValueError as exc:
            raise self.error(str(exc), node) from None

    def string_type(self, node: c_ast.Constant) -> ArrayType:
        return ArrayType(CHAR, len(self.string_bytes(node)))

    def string_literal(self, node: c_ast.Constant) -> LValue:
        """The object a string literal is (an lvalue of type `char[N+1]`)."""
        data = self.string_bytes(node)
        return self._read_only_chars(data, self.string_object(data), CHAR)

    def function_name(self, identifier: str) -> LValue:
        """`__func__` (C99 6.4.2.2; GNU's `__FUNCTION__` and, in C, `__PRETTY_FUNCTION__`):
        a `static const char[]` holding the enclosing function's name, one object for each
        identifier in each function (as with gcc, not shared with an equal string literal)."""
        data = self.fn.name.encode() + b"\0"
        key = (self.fn.name, identifier)
        if self.name_objects is None:
            self.name_objects = {}
        if key not in self.name_objects:
            name = self.module.get_unique_name(f"{identifier}.{self.fn.name}")
            self.name_objects[key] = self._constant_bytes(data, name, unnamed=False)
        return self._read_only_chars(data, self.name_objects[key], CHAR.qualified(True))

    def _read_only_chars(self, data: bytes, address: ir.Value, elem: CType) -> LValue:
        region = Region(address, 0, len(data), read_only=True) if self.instrument else None
        return LValue(ArrayType(elem, len(data)), address, region=region)

    def string_object(self, data: bytes) -> ir.GlobalVariable:
        """The global holding `data` (one per distinct content, as they may share storage)."""
        if self.string_objects is None:
            self.string_objects = {}
        found = self.string_objects.get(data)
        if found is not None:
            return found
        var = self._constant_bytes(data, self.module.get_unique_name(".str"), unnamed=True)
        self.string_objects[data] = var
        return var

    def _constant_bytes(self, data: bytes, name: str, *, unnamed: bool) -> ir.GlobalVariable:
        ltype = ir.ArrayType(I8, len(data))
        var = ir.GlobalVariable(self.module, ltype, name)
        var.type = ir.PointerType()  # opaque, as every address nsc makes
        var.linkage = "internal"
        var.global_constant = True
        var.unnamed_addr = unnamed  # a literal's address may be shared; a variable's not
        var.initializer = ir.Constant(ltype, bytearray(data))
        return var

    def string_mark(self) -> int:
        """How many literal objects exist (see `forget_strings`)."""
        return len(self.string_objects or ())

    def forget_strings(self, mark: int) -> None:
        """Drop the literal objects made after `mark`: an expression typed without code (a
        sizeof or _Generic operand) must leave no global behind."""
        if self.string_objects is None or len(self.string_objects) <= mark:
            return
        for data in list(self.string_objects)[mark:]:
            del self.module.globals[self.string_objects.pop(data).name]

    def check_writable(self, target: LValue) -> None:
        """With checks on, trap (out of bounds) on a store into a string literal where the
        object is known here: C leaves it undefined, and the literal lies in read-only memory.
        Through a pointer variable the flag is not kept (see the module's doc)."""
        region = target.region
        if not self.instrument or region is None or not region.read_only:
            return
        always = self.builder.icmp_unsigned(
            "!=", target.address, ir.Constant(ir.PointerType(), None)
        )
        self._trap_if(always, OUT_OF_BOUNDS, "bounds")

    # --- initializers of character arrays --------------------------------------------------

    def string_initializer(self, ctype: CType, init: c_ast.Node) -> StringInit | None:
        """`init` as the initializer of a character array (`"abc"` or `{"abc"}`), shaped to
        `ctype`; None when it is not a string literal."""
        if not isinstance(ctype, ArrayType):
            return None
        braced = isinstance(init, c_ast.InitList) and len(init.exprs) == 1
        if braced and is_string(init.exprs[0]) and is_character_array(ctype):
            init = init.exprs[0]
        if not is_string(init):
            return None
        if not is_character_array(ctype):
            raise self.error(
                f"array of inappropriate type '{ctype}' initialized from a string literal", init
            )
        data = self.string_bytes(init)
        if ctype.n is not None:
            if len(data) - 1 > ctype.n:
                raise self.error(f"initializer-string for array '{ctype}' is too long", init)
            data = data[: ctype.n].ljust(ctype.n, b"\0")
        return StringInit(init, data)

    def string_constant(self, ctype: ArrayType, init: StringInit) -> ir.Constant:
        return ir.Constant(ctype.llvm, bytearray(init.data))

    def store_string(self, target: LValue, init: StringInit, zeroed: bool) -> None:
        """Copy a string initializer into a local array: zeros where the literal does not reach
        (unless `zeroed`: the array is zero already), then the literal's bytes from its object."""
        literal = self.string_bytes(init.node)
        copied = min(len(literal), len(init.data))
        if copied < len(init.data):  # a tail of zeros
            if not zeroed:
                self._zero_fill(target)
            zeroed = True
        if zeroed:  # the literal's own trailing zeros are there already
            copied = len(literal[:copied].rstrip(b"\0"))
        if copied == 0:
            return
        memcpy = self.module.globals.get("llvm.memcpy.p0.p0.i64")
        if not isinstance(memcpy, ir.Function):
            ptr = ir.PointerType()
            memcpy = ir.Function(
                self.module,
                ir.FunctionType(ir.VoidType(), [ptr, ptr, I64, I1]),
                "llvm.memcpy.p0.p0.i64",
            )
        source = self.string_object(literal)
        count = ir.Constant(I64, copied)
        self.builder.call(memcpy, [target.address, source, count, ir.Constant(I1, 0)])
