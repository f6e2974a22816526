"""Calls from compiled code to string.h's string functions and ctype.h's character classes.

nsc compiles these from its own C (`nsc/frontend/libc/string.c` and `ctype.c`, linked into the
programs that reach them), to glibc's results. What is left here is what gcc does to such a
call before glibc sees it, even at -O0, where that changes a result, and the oracle's checks:

- `isdigit(c)` is `(unsigned)c - '0' <= 9` (0 or 1; glibc's function returns 2048);
- a call whose pointer arguments point into objects whose bytes gcc knows is folded:
  `strlen`, `strspn` and `strcspn` to their values, `strncmp` to glibc's difference of bytes,
  and `strcmp` and `memcmp` (with a constant count that both objects hold, neither a struct)
  to -1, 0 or 1, where glibc returns the difference. gcc knows the bytes of string literals
  and of const, not volatile objects with constant initializers: at file scope (static or
  not, through elements, members, constant offsets, and the values of const pointers and
  tables of them), and in a block a character array with automatic storage (not `static`,
  which gcc leaves alone), also as a comma's last operand. gcc knows more (a block's const
  struct or non-character array): there nsc calls the function and gets glibc's difference;
- with the checks on, before a call each pointer argument whose object is known (a named
  array, a bounded parameter, a pointer's shadow; see `Region`) must lie in it, and what the
  function reads and writes must too: a string's terminator within the object (`strnlen`,
  called with the object's room), at most the count's bytes for `strncmp`, `strnlen`, the
  count for `memcmp`, up to the character or the count for `memchr`, and room for what
  `strcpy`, `strncpy`, `strcat` and `strncat` write. A failure is status 2, out of bounds.
  All of it is named `SHADOW...`, so `strip_checks` deletes it (the calls to `strnlen` and
  `memchr` too, which the file must declare as string.h does, else nothing is checked).

A function of these names that the program defines `static`, or declares with another type,
is not the C library's, and is called as any other; an external definition with the standard
type is still the library's to gcc, which folds and inlines the calls above as before.
"""

from __future__ import annotations

from dataclasses import replace

from llvmlite import ir
from pycparser import c_ast

from nsc.diagnostics import CompileError
from nsc.frontend.codegen.context import FunctionSymbol, LValue, RValue, Scope, Variable
from nsc.frontend.codegen.conversions import assignment_problem
from nsc.frontend.codegen.instrument import I64, OUT_OF_BOUNDS, SHADOW
from nsc.frontend.codegen.knownbytes import (
    GEP,
    Image,
    Known,
    const_object,
    constant_image,
    declaration_in_scope,
    effects_and_value,
    fold,
    says_volatile,
    step,
)
from nsc.frontend.codegen.strings import is_character_array, is_string
from nsc.frontend.ctypes import (
    CHAR,
    INT,
    SIZE_T,
    VOID,
    ArrayType,
    CType,
    FunctionType,
    PointerType,
    StructType,
)

_TEXT, _CONST_TEXT = PointerType(CHAR), PointerType(CHAR.qualified(True))
_MEMORY, _CONST_MEMORY = PointerType(VOID), PointerType(VOID.qualified(True))
# the C library's prototypes (nsc's string.h and ctype.h): a function of one of these names
# with another type is the program's own
PROTOTYPES: dict[str, FunctionType] = {
    "strlen": FunctionType(SIZE_T, (_CONST_TEXT,)),
    "strnlen": FunctionType(SIZE_T, (_CONST_TEXT, SIZE_T)),
    "strcmp": FunctionType(INT, (_CONST_TEXT, _CONST_TEXT)),
    "strncmp": FunctionType(INT, (_CONST_TEXT, _CONST_TEXT, SIZE_T)),
    "memcmp": FunctionType(INT, (_CONST_MEMORY, _CONST_MEMORY, SIZE_T)),
    "memchr": FunctionType(_MEMORY, (_CONST_MEMORY, INT, SIZE_T)),
    "strchr": FunctionType(_TEXT, (_CONST_TEXT, INT)),
    "strrchr": FunctionType(_TEXT, (_CONST_TEXT, INT)),
    "strcpy": FunctionType(_TEXT, (_TEXT, _CONST_TEXT)),
    "strncpy": FunctionType(_TEXT, (_TEXT, _CONST_TEXT, SIZE_T)),
    "strcat": FunctionType(_TEXT, (_TEXT, _CONST_TEXT)),
    "strncat": FunctionType(_TEXT, (_TEXT, _CONST_TEXT, SIZE_T)),
    "strstr": FunctionType(_TEXT, (_CONST_TEXT, _CONST_TEXT)),
    "strspn": FunctionType(SIZE_T, (_CONST_TEXT, _CONST_TEXT)),
    "strcspn": FunctionType(SIZE_T, (_CONST_TEXT, _CONST_TEXT)),
    "strpbrk": FunctionType(_TEXT, (_CONST_TEXT, _CONST_TEXT)),
}
CTYPE_FUNCTIONS = (
    "isalnum isalpha isblank iscntrl isdigit isgraph islower isprint ispunct isspace isupper "
    "isxdigit tolower toupper"
).split()
PROTOTYPES.update({name: FunctionType(INT, (INT,)) for name in CTYPE_FUNCTIONS})
# how each string function reads its arguments, by position: `s` a string, to its terminator;
# `n` a string, at most the count's bytes; `m` the count's bytes; `c` up to the character or
# the count's bytes; `w` the destination (checked with what is written); `.` not a pointer
_READS = {
    "strlen": "s",
    "strnlen": "n.",
    "strcmp": "ss",
    "strncmp": "nn.",
    "memcmp": "mm.",
    "memchr": "c..",
    "strchr": "s.",
    "strrchr": "s.",
    "strcpy": "ws",
    "strncpy": "wn.",
    "strcat": "ws",
    "strncat": "wn.",
    "strstr": "ss",
    "strspn": "ss",
    "strcspn": "ss",
    "strpbrk": "ss",
}


class StringCalls:
    """Mixin: lower calls to string.h's string functions and ctype.h's classes."""

    def call_string_function(
        self, symbol: FunctionSymbol, args: list[c_ast.Node], node: c_ast.FuncCall
    ) -> RValue | None:
        """The call, when `symbol` is one of the C library's string or character functions
        and it is folded, inlined, or linked into the program; else None."""
        name = symbol.name
        prototype = PROTOTYPES.get(name)
        if prototype is None or symbol.ctype != prototype:
            return None
        if symbol.static:  # the program's own, which LLVM would take for the C library's
            if self._in_program(symbol):
                self.ir_function(symbol).attributes.add("nobuiltin")
            return None
        if name == "isdigit":
            (value,) = self._arguments(name, prototype.params, args, node)
            b = self.builder
            offset = b.sub(value, ir.Constant(value.type, ord("0")))
            digit = b.icmp_unsigned("<=", offset, ir.Constant(value.type, 9))
            return RValue(INT, b.zext(digit, INT.llvm))
        folded = self._folded(name, prototype, args)
        if folded is not None:
            ctype = prototype.ret
            return RValue(ctype, ir.Constant(ctype.llvm, folded))
        if not self._in_program(symbol):
            return None  # not linked here (not reached from the entry): refused by the caller
        arguments = self._memory_arguments(symbol, args, node)
        if name in _READS:
            self._check_string_arguments(name, arguments)
        values = [argument.value for argument in arguments]
        function = self.ir_function(symbol)
        function.attributes.add("nobuiltin")  # glibc's values, not what LLVM folds calls to
        result = self.builder.call(function, values)
        self.check_after_call()
        region = arguments[0].region if isinstance(prototype.ret, PointerType) else None
        return RValue(symbol.ctype.ret, result, region)  # a pointer into the first argument

    # --- what gcc folds ------------------------------------------------------------------

    def _folded(self, name: str, prototype: FunctionType, args: list[c_ast.Node]) -> int | None:
        """The value gcc gives the call at compile time, or None where it calls glibc."""
        if name not in ("strlen", "strspn", "strcspn", "strcmp", "strncmp", "memcmp"):
            return None
        if len(args) != len(prototype.params):
            return None
        pointers, effects = [], []
        for arg, param in zip(args, prototype.params, strict=False):
            if not isinstance(param, PointerType):
                break
            before, value = effects_and_value(arg)  # `(f(), "abc")`: f() is still called
            known = self.known_pointer(value)
            if known is None or assignment_problem(param, PointerType(known.ctype), False):
                return None
            pointers.append(known)
            effects += before
        result = fold(name, pointers, self._constant(args[2]) if len(args) == 3 else None)
        for effect in effects if result is not None else ():
            self.discard(effect)
        return result

    def _constant(self, node: c_ast.Node) -> int | None:
        try:
            return self.const_int(node, "a count")
        except CompileError:
            return None

    def known_pointer(self, node: c_ast.Node) -> Known | None:
        """Where a pointer expression points, when gcc knows the bytes there (see the
        module's doc); None otherwise. Nothing is emitted."""
        try:
            return self._known_pointer(node)
        except CompileError:
            return None

    def _known_pointer(self, node: c_ast.Node) -> Known | None:
        if isinstance(node, c_ast.Cast):
            to = self.resolve_typename(node.to_type)
            inner = self._known_pointer(node.expr)
            if inner is None or not isinstance(to, PointerType):
                return None
            return replace(inner, ctype=to.pointee)
        if isinstance(node, c_ast.BinaryOp) and node.op in ("+", "-"):
            base, count = self._known_pointer(node.left), node.right
            if base is None and node.op == "+":
                base, count = self._known_pointer(node.right), node.left
            steps = self._constant(count) if base is not None else None
            if steps is None:
                return None
            return step(base, -steps if node.op == "-" else steps)
        if isinstance(node, c_ast.UnaryOp) and node.op == "&":
            return self._known_object(node.expr)
        found = self._known_object(node)
        if found is None:
            return None
        if isinstance(found.ctype, ArrayType):  # decays
            return replace(found, ctype=found.ctype.elem)
        if isinstance(found.ctype, PointerType):  # a pointer stored in a known object
            target = found.image.pointers.get(found.offset)
            return self._pointer_target(target, found.ctype.pointee)
        return None

    def _known_object(self, node: c_ast.Node) -> Known | None:
        """The known object an lvalue expression designates."""
        if is_string(node):
            data = self.string_bytes(node)
            return Known(Image.of(data), 0, ArrayType(CHAR, len(data)))
        if isinstance(node, c_ast.ID):
            symbol = self.scope.lookup(node.name)
            if not isinstance(symbol, Variable):
                return None
            if isinstance(symbol.address, ir.GlobalVariable):
                image = self._global_image(symbol.address)
            else:
                image = self._local_image(symbol, node)
            return Known(image, 0, symbol.ctype) if image is not None else None
        if isinstance(node, c_ast.ArrayRef):
            base, index = self._known_pointer(node.name), node.subscript
            if base is None:  # `2[a]`
                base, index = self._known_pointer(node.subscript), node.name
            steps = self._constant(index) if base is not None else None
            element = step(base, steps) if steps is not None else None
            if element is None or element.ctype == VOID:
                return None
            if element.offset + element.ctype.size > len(element.image.data):
                return None
            return element
        if isinstance(node, c_ast.StructRef):
            if node.type == "->":
                record = self._known_pointer(node.name)
            else:
                record = self._known_object(node.name)
            if record is None or not isinstance(record.ctype, StructType):
                return None
            member = record.ctype.member(node.field.name)
            if member is None or member.bitfield is not None:
                return None
            return Known(record.image, record.offset + member.offset, member.ctype)
        if isinstance(node, c_ast.UnaryOp) and node.op == "*":
            return self._known_pointer(node.expr)
        return None

    def _pointer_target(self, target: ir.Value | None, pointee: CType) -> Known | None:
        """Where a pointer constant (a global, or bytes into one) points, if gcc knows it."""
        offset = 0
        if isinstance(target, ir.FormattedConstant):
            match = GEP.fullmatch(str(target.constant))
            if match is None:
                return None
            target = self.module.globals.get(match[1] or match[2])
            offset = int(match[3])
        if not isinstance(target, ir.GlobalVariable):
            return None
        image = self._global_image(target)
        if image is None or not 0 <= offset <= len(image.data):
            return None
        return Known(image, offset, pointee)

    def _global_image(self, var: ir.GlobalVariable) -> Image | None:
        """The bytes of a string literal's object, or of a const, not volatile object defined
        at file scope with an initializer (not a block's `static` one)."""
        literals = self.string_objects or {}
        data = next((data for data, made in literals.items() if made is var), None)
        if data is not None:
            return Image.of(data)
        symbol = _file_scope(self.scope).names.get(var.name)
        if not isinstance(symbol, Variable) or symbol.address is not var:
            return None
        if var.initializer is None or not const_object(symbol.ctype):
            return None
        if self._volatile(var.name) or not symbol.ctype.is_complete:
            return None
        return constant_image(var.initializer, symbol.ctype.size)

    def _volatile(self, name: str) -> bool:
        """Whether a file-scope declaration of `name` says `volatile`."""
        for node in self.unit.ext if self.unit else ():
            if isinstance(node, c_ast.Decl) and node.name == name and says_volatile(node):
                return True
        return False

    def _local_image(self, symbol: Variable, use: c_ast.ID) -> Image | None:
        """The bytes of a const character array with automatic storage, from the initializer
        (a string literal, or a list of constants) of its declaration in scope at `use`."""
        ctype = symbol.ctype
        if self.fn is None or not is_character_array(ctype) or not ctype.elem.const:
            return None
        decl = declaration_in_scope(self.unit, self.fn.name, use)
        if decl is None or decl.init is None or says_volatile(decl):
            return None
        if "static" in decl.storage or "extern" in decl.storage:
            return None
        init = decl.init
        text = self.string_initializer(ctype, init)
        if text is not None:
            return Image.of(text.data)
        if not isinstance(init, c_ast.InitList) or len(init.exprs) > ctype.n:
            return None
        values = [self._constant(item) for item in init.exprs]
        if None in values or any(isinstance(i, c_ast.NamedInitializer) for i in init.exprs):
            return None
        return Image.of(bytes(v & 0xFF for v in values).ljust(ctype.n, b"\0"))

    # --- the oracle's checks ------------------------------------------------------------

    def _check_string_arguments(self, name: str, arguments: list[RValue]) -> None:
        """With checks on, trap 2 unless what the call reads and writes lies in the objects
        its pointer arguments point into, where those are known."""
        if not self.instrument or None in map(self._library_symbol, ("strnlen", "memchr")):
            return
        count = arguments[-1].value
        for role, argument in zip(_READS[name], arguments, strict=False):
            room = self._room(argument) if role in "snmc" else None
            if room is None:
                continue
            b = self.builder
            if role == "s":
                self._string_length(argument.value, room)
            elif role == "m":
                self._trap_if(
                    b.icmp_unsigned(">", count, room, name=SHADOW), OUT_OF_BOUNDS, "bounds"
                )
            else:
                if role == "n":
                    stops = self._string_length(argument.value, room, trap=False)
                    short = b.icmp_unsigned("==", stops, room, name=SHADOW)
                else:
                    found = self._shadow_call("memchr", [argument.value, arguments[1].value, room])
                    null = ir.Constant(found.type, None)
                    short = b.icmp_unsigned("==", found, null, name=SHADOW)
                longer = b.icmp_unsigned(">", count, room, name=SHADOW)
                self._trap_if(b.and_(short, longer, name=SHADOW), OUT_OF_BOUNDS, "bounds")
        if _READS[name][0] == "w":
            self._check_destination(name, arguments)

    def _check_destination(self, name: str, arguments: list[RValue]) -> None:
        """Trap 2 unless the destination's object has room for what the call writes."""
        dest, source = arguments[0], arguments[1]
        if dest.region is not None and dest.region.read_only:  # a string literal
            self.check_writable(LValue(CHAR, dest.value, region=dest.region))
        room = self._room(dest)
        if room is None:
            return
        b = self.builder
        if name == "strncpy":
            too_many = b.icmp_unsigned(">", arguments[2].value, room, name=SHADOW)
            self._trap_if(too_many, OUT_OF_BOUNDS, "bounds")
            return
        if name in ("strcat", "strncat"):  # from the destination's terminator on
            length = self._string_length(dest.value, room)
            room = b.sub(room, length, name=SHADOW)
        if name == "strncat":  # at most the count's bytes, then a terminator
            added = self._shadow_call("strnlen", [source.value, arguments[2].value])
            self._trap_if(b.icmp_unsigned(">=", added, room, name=SHADOW), OUT_OF_BOUNDS, "bounds")
            return
        self._string_length(source.value, room)  # strcpy, strcat: the terminator fits

    def _room(self, argument: RValue) -> ir.Value | None:
        """The bytes from a pointer argument to the end of its object (an i64), trapping 2
        when it points outside it; None without checks or where the object is not known."""
        region = argument.region
        if not self.instrument or region is None:
            return None
        b = self.builder
        lo, hi = self.region_bounds(region)
        offset = b.sub(b.ptrtoint(argument.value, I64, name=SHADOW), lo, name=SHADOW)
        size = b.sub(hi, lo, name=SHADOW)
        self._trap_if(b.icmp_unsigned(">", offset, size, name=SHADOW), OUT_OF_BOUNDS, "bounds")
        return b.sub(size, offset, name=SHADOW)

    def _string_length(self, pointer: ir.Value, room: ir.Value, trap: bool = True) -> ir.Value:
        """`strnlen(pointer, room)`, trapping 2 (with `trap`) when it is `room`: the string
        has no terminator in its object."""
        length = self._shadow_call("strnlen", [pointer, room])
        if trap:
            unended = self.builder.icmp_unsigned("==", length, room, name=SHADOW)
            self._trap_if(unended, OUT_OF_BOUNDS, "bounds")
        return length

    def _shadow_call(self, name: str, values: list[ir.Value]) -> ir.Value:
        """A call of the linked library for a check, deleted with the checks."""
        function = self.ir_function(self._library_symbol(name))
        function.attributes.add("nobuiltin")
        result = self.builder.call(function, values, name=SHADOW)
        self.check_after_call()
        return result

    def _library_symbol(self, name: str) -> FunctionSymbol | None:
        """The C library's `name`, which string.c defines for the checks, when the file
        declares it with its standard type (else None)."""
        symbol = _file_scope(self.scope).names.get(name)
        if not isinstance(symbol, FunctionSymbol) or symbol.static:
            return None
        if symbol.ctype != PROTOTYPES[name] or not self._in_program(symbol):
            return None
        return symbol


def _file_scope(scope: Scope) -> Scope:
    while scope.parent is not None:
        scope = scope.parent
    return scope
