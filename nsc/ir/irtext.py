"""A small reader of LLVM's canonical IR printing (`str(ModuleRef)`), one pass over the text.

It recovers what the program graph needs and nothing more: per defined function its arguments and
blocks, and per instruction the opcode, the result's type and the operands in LLVM's operand order
(call: arguments, bundle operands, callee; br: condition, false, true; switch: condition, default,
case destinations; phi: incoming values). Reading the text is ~100x faster than asking llvmlite for
each ValueRef property. It expects LLVM's own printing; pass other IR through `parse_assembly` and
`str` first.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass, field

from nsc.diagnostics import NscError

_SPECIAL = re.compile(r'"[^"]*"|[][(){}<>, ]')
_BRACKETED = re.compile(r'["(\[{<]').search
_OPEN, _CLOSE = "([{<", ")]}>"
_LABEL_REF = re.compile(r'label (%"[^"]*"|%[-\w.$]+)')
_ESCAPE = re.compile(r"\\([0-9A-Fa-f]{2})")
_FLAGS = frozenset(
    "nuw nsw exact disjoint nneg samesign inbounds nusw fast nnan ninf nsz arcp contract afn "
    "reassoc volatile atomic tail musttail notail".split()
)
_CONSTANT_WORDS = frozenset(
    "true false null none undef poison zeroinitializer splat blockaddress dso_local_equivalent "
    "no_cfi ptrauth getelementptr bitcast ptrtoint ptrtoaddr inttoptr addrspacecast trunc add "
    "sub mul shl xor extractelement insertelement shufflevector".split()
)
_FLOATS = frozenset("half bfloat float double x86_fp80 fp128 ppc_fp128".split())


class IRTextError(NscError):
    """IR text this reader does not understand."""


@dataclass(slots=True)
class Operand:
    """One operand: kind is local, global, label, metadata or constant; text is the printed value."""

    kind: str
    text: str
    type: str


@dataclass(slots=True)
class Instruction:
    opcode: str
    type: str  # the result's type; "void" when it defines nothing
    result: str | None  # the result's printed name, e.g. %x or %"x.1" or %5
    operands: list[Operand]
    # what is not an operand: a getelementptr's source element type, an extractvalue's field
    # indices (the graph maps memory and fields to signature elements)
    source_type: str | None = None
    indices: tuple[int, ...] = ()


@dataclass(slots=True)
class Block:
    label: str | None  # the block's printed name (%bb); None for an unnamed entry block
    instructions: list[Instruction] = field(default_factory=list)


@dataclass(slots=True)
class Function:
    name: str  # unescaped, as llvmlite's `.name`
    token: str  # as printed, e.g. @f or @"f.x"
    args: list[tuple[str, str]]  # (printed name, type)
    blocks: list[Block]


@dataclass(slots=True)
class Module:
    functions: list[Function]  # the defined functions, in module order
    declared: dict[str, str]  # printed name -> unescaped name, for declared functions
    symbols: dict[str, str]  # printed name -> type, for every global, function and alias
    structs: dict[str, str]  # printed struct type name -> its body ("{ i32, float }", "opaque")

    def type_text(self, type_: str) -> str:
        """The type as llvmlite's `str(TypeRef)` prints it (a named struct shows its body)."""
        if type_[0] == "%" and type_ in self.structs:
            return f"{type_} = type {self.structs[type_]}"
        return type_


# --- splitting text ------------------------------------------------------------------------------


def split_top(text: str, sep: str = ",") -> list[str]:
    """Split at `sep` (',' or ' ') outside brackets and quoted strings; parts stripped, none empty."""
    if _BRACKETED(text) is None:
        return [p for p in map(str.strip, text.split(sep)) if p]
    parts, depth, start = [], 0, 0
    for m in _SPECIAL.finditer(text):
        c = m.group()
        if c in _OPEN:
            depth += 1
        elif c in _CLOSE:
            depth -= 1
        elif c == sep and depth == 0:
            parts.append(text[start : m.start()])
            start = m.end()
    parts.append(text[start:])
    return [p for p in map(str.strip, parts) if p]


def _group_end(text: str, start: int) -> int:
    """The index just past the bracket group opening at `start`."""
    depth = 0
    for m in _SPECIAL.finditer(text, start):
        c = m.group()
        if c in _OPEN:
            depth += 1
        elif c in _CLOSE:
            depth -= 1
            if depth == 0:
                return m.end()
    raise IRTextError(f"unbalanced brackets in {text!r}")


def split_type(text: str) -> tuple[str, str]:
    """Split a leading type off `text`: ('[3 x float]', rest), ('ptr addrspace(1)', rest)."""
    c = text[0]
    if c in "[{<":
        end = _group_end(text, 0)
    elif text.startswith('%"'):
        end = text.index('"', 2) + 1
    else:
        end = text.find(" ")
        if end < 0:
            return text, ""
        if text.startswith("ptr addrspace("):
            end = text.index(")") + 1
    return text[:end], text[end:].lstrip()


def unescape(name: str) -> str:
    """A printed global or local name without its sigil and quotes: @"a\\22b" -> a"b."""
    body = name[1:]
    if not body.startswith('"'):
        return body
    raw = _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), body[1:-1])
    return raw.encode("latin-1", "replace").decode("utf-8", "replace")


# --- operands ------------------------------------------------------------------------------------


def operand(type_: str, value: str) -> Operand:
    """Classify a printed value of a known type."""
    if type_ == "label":
        return Operand("label", value, type_)
    if type_ == "metadata":
        return Operand("metadata", value, type_)
    c = value[0]
    if c in "%@":
        if " " in value and value[1] != '"':  # an atomic load's ordering follows the pointer
            value = value[: value.index(" ")]
        return Operand("local" if c == "%" else "global", value, type_)
    return Operand("constant", value, type_)


def typed(text: str) -> Operand:
    """A `type value` pair, e.g. `double %x` or `[2 x i32] [i32 1, i32 2]`."""
    type_, value = split_type(text)
    return operand(type_, value)


def typed_argument(text: str) -> Operand:
    """A call argument: `type [attributes] value`, e.g. `ptr noundef nonnull align 4 %p`."""
    type_, rest = split_type(text)
    if rest[:1] in ("%", "@", "-") or rest[:1].isdigit():
        return operand(type_, rest)
    tokens, position = split_top(rest, " "), 0
    skip = 0
    for token in tokens[:-1]:
        word = token.split("(", 1)[0]
        if skip or (word.isidentifier() and word not in _CONSTANT_WORDS):
            skip = 1 if token == "align" and not skip else 0
            position = rest.index(token, position) + len(token)
            continue
        break
    return operand(type_, rest[position:].lstrip())


def constant_value(type_: str, text: str) -> float:
    """The number an int or float constant holds; 0.0 for every other constant."""
    if type_[0] == "i" and type_[1:].isdigit():
        if text in ("true", "false"):
            return 1.0 if text == "true" else 0.0
        try:
            return float(int(text))
        except ValueError:
            return 0.0
    if type_ in _FLOATS:
        return _float_value(text)
    return 0.0


def _float_value(text: str) -> float:
    if not text.startswith("0x"):
        try:
            return float(text)
        except ValueError:
            return 0.0  # undef, poison, an expression
    digits = text[2:]
    if digits[:1] not in ("H", "R", "K", "L", "M"):  # a double: LLVM drops leading zeros
        return struct.unpack(">d", int(digits, 16).to_bytes(8, "big"))[0]
    if digits[0] == "H":
        return struct.unpack(">e", bytes.fromhex(digits[1:]))[0]
    if digits[0] == "R":
        return struct.unpack(">f", bytes.fromhex(digits[1:] + "0000"))[0]
    if digits[0] == "K":
        return _x87_value(int(digits[1:], 16))
    return 0.0  # fp128 and ppc_fp128: not produced by the frontend


def _x87_value(bits: int) -> float:
    """An x86_fp80 constant (`0xK...`) as the nearest double: long double reaches far past
    double's range, where this is an infinity or a zero."""
    sign = -1.0 if bits >> 79 else 1.0
    exponent, mantissa = (bits >> 64) & 0x7FFF, bits & ((1 << 64) - 1)
    if exponent == 0x7FFF:  # an infinity has only the explicit integer bit set
        return sign * float("inf") if mantissa & ((1 << 63) - 1) == 0 else float("nan")
    scale = max(exponent, 1) - 16383 - 63  # exponent 0: subnormal, at the smallest exponent
    try:  # Python rounds an int, and the quotient of two, correctly
        return sign * (float(mantissa << scale) if scale >= 0 else mantissa / (1 << -scale))
    except OverflowError:
        return sign * float("inf")


# --- instructions --------------------------------------------------------------------------------


def _drop_flags(text: str) -> str:
    """`text` without its leading flag words (nuw, nsw, fast, inbounds, volatile, ...)."""
    while True:
        word, _, tail = text.partition(" ")
        if word not in _FLAGS or not tail:
            return text
        text = tail


def _element(vector: str) -> str:
    """The element type of a vector type: <4 x float> -> float."""
    return vector[vector.rindex(" x ") + 3 : -1]


def _with_element(vector: str, element: str) -> str:
    """A vector type of the same length with another element: (<4 x float>, i1) -> <4 x i1>."""
    return f"{vector[: vector.rindex(' x ')]} x {element}>"


def _binary(parts: list[str]) -> tuple[str, list[Operand]]:
    type_, first = split_type(_drop_flags(parts[0]))
    return type_, [operand(type_, first), operand(type_, parts[1])]


def _compare(parts: list[str]) -> tuple[str, list[Operand]]:
    _, _, typed_first = _drop_flags(parts[0]).partition(" ")  # drop the predicate
    type_, first = split_type(typed_first)
    result = _with_element(type_, "i1") if type_[0] == "<" else "i1"
    return result, [operand(type_, first), operand(type_, parts[1])]


def _unary(parts: list[str]) -> tuple[str, list[Operand]]:
    value = typed(_drop_flags(parts[0]))
    return value.type, [value]


def _select(parts: list[str]) -> tuple[str, list[Operand]]:
    ops = [typed(_drop_flags(parts[0])), typed(parts[1]), typed(parts[2])]
    return ops[1].type, ops


def _phi(parts: list[str]) -> tuple[str, list[Operand]]:
    type_, first = split_type(_drop_flags(parts[0]))
    pairs = [first, *parts[1:]]
    return type_, [operand(type_, split_top(pair[1:-1])[0]) for pair in pairs]


def _gep(parts: list[str]) -> tuple[str, list[Operand]]:
    ops = [typed(p) for p in parts[1:]]  # parts[0] is the source element type
    result = ops[0].type
    if result[0] != "<":
        vectors = [op.type for op in ops[1:] if op.type[0] == "<"]
        result = _with_element(vectors[0], result) if vectors else result
    return result, ops


def _load(parts: list[str]) -> tuple[str, list[Operand]]:
    return _drop_flags(parts[0]), [typed(parts[1])]


def _store(parts: list[str]) -> tuple[str, list[Operand]]:
    return "void", [typed(_drop_flags(parts[0])), typed(parts[1])]


def _alloca(parts: list[str]) -> tuple[str, list[Operand]]:
    rest = parts[1:]
    if rest and not rest[0].startswith(("align ", "addrspace(")):
        size = typed(rest[0])
    else:
        size = Operand("constant", "1", "i32")  # printed only when it is not `i32 1`
    space = next((p for p in rest if p.startswith("addrspace(")), None)
    return (f"ptr {space}" if space else "ptr"), [size]


def _cast(parts: list[str]) -> tuple[str, list[Operand]]:
    value, _, result = _drop_flags(", ".join(parts)).rpartition(" to ")
    return result, [typed(value)]


def _br(parts: list[str]) -> tuple[str, list[Operand]]:
    if len(parts) == 1:
        return "void", [typed(parts[0])]
    return "void", [typed(parts[0]), typed(parts[2]), typed(parts[1])]  # cond, false, true


def _switch(parts: list[str]) -> tuple[str, list[Operand]]:
    default, _, table = parts[1].partition(" [")
    targets = [Operand("label", name, "label") for name in _LABEL_REF.findall(table)]
    return "void", [typed(parts[0]), typed(default), *targets]


def _indirectbr(parts: list[str]) -> tuple[str, list[Operand]]:
    labels = _LABEL_REF.findall(", ".join(parts[1:]))
    return "void", [typed(parts[0]), *(Operand("label", name, "label") for name in labels)]


def _ret(parts: list[str]) -> tuple[str, list[Operand]]:
    return "void", ([] if parts[0] == "void" else [typed(parts[0])])


def _nothing(parts: list[str]) -> tuple[str, list[Operand]]:
    return "void", []


def _extractelement(parts: list[str]) -> tuple[str, list[Operand]]:
    ops = [typed(parts[0]), typed(parts[1])]
    return _element(ops[0].type), ops


def _insertvalue(parts: list[str]) -> tuple[str, list[Operand]]:
    ops = [typed(parts[0]), typed(parts[1])]
    return ops[0].type, ops


def _insertelement(parts: list[str]) -> tuple[str, list[Operand]]:
    ops = [typed(p) for p in parts[:3]]
    return ops[0].type, ops


def _shufflevector(parts: list[str]) -> tuple[str, list[Operand]]:
    ops = [typed(parts[0]), typed(parts[1])]  # the mask is no operand
    mask = split_type(parts[2])[0]
    return _with_element(mask, _element(ops[0].type)), ops


def _va_arg(parts: list[str]) -> tuple[str, list[Operand]]:
    return parts[1], [typed(parts[0])]


_HANDLERS = {
    **dict.fromkeys(
        "add sub mul udiv sdiv urem srem shl lshr ashr and or xor fadd fsub fmul fdiv frem".split(),
        _binary,
    ),
    **dict.fromkeys(
        "trunc zext sext fptrunc fpext fptoui fptosi uitofp sitofp ptrtoint ptrtoaddr inttoptr "
        "bitcast addrspacecast".split(),
        _cast,
    ),
    "icmp": _compare,
    "fcmp": _compare,
    "fneg": _unary,
    "freeze": _unary,
    "select": _select,
    "phi": _phi,
    "getelementptr": _gep,
    "load": _load,
    "store": _store,
    "alloca": _alloca,
    "br": _br,
    "switch": _switch,
    "indirectbr": _indirectbr,
    "ret": _ret,
    "unreachable": _nothing,
    "fence": _nothing,
    "extractelement": _extractelement,
    "insertelement": _insertelement,
    "insertvalue": _insertvalue,
    "shufflevector": _shufflevector,
    "va_arg": _va_arg,
}


def _call(parts: list[str]) -> tuple[str, list[Operand]]:
    tokens = split_top(parts[0], " ")
    at = next((i for i, t in enumerate(tokens) if t[0] in "@%" and t[-1] == ")" and "(" in t), None)
    if at is None:
        raise IRTextError(f"cannot find the callee of `call {parts[0]}`")
    token = tokens[at]
    end = token.index('"', 2) + 1 if token[1] == '"' else token.index("(")
    returns = at - 1 if tokens[at - 1][0] == "(" else at  # skip a function type's parameters
    result = tokens[returns - 1]
    if result.startswith("addrspace("):
        result = f"{tokens[returns - 2]} {result}"
    ops = [typed_argument(a) for a in split_top(token[end + 1 : -1])]
    for bundles in (t for t in tokens[at + 1 :] if t[0] == "["):
        for bundle in split_top(bundles[1:-1]):
            inner = bundle[bundle.index("(", bundle.index('"', 1)) + 1 : -1]
            ops.extend(typed(a) for a in split_top(inner))
    ops.append(Operand("local" if token[0] == "%" else "global", token[:end], "ptr"))
    return result, ops


def parse_instruction(line: str, structs: dict[str, str] | None = None) -> Instruction:
    """One instruction line (a switch with its case table joined onto one line)."""
    body, result = line.strip(), None
    if body[0] == "%":
        end = body.index('"', 2) + 1 if body[1] == '"' else body.index(" ")
        result, body = body[:end], body[end + 3 :]
    opcode, _, rest = body.partition(" ")
    if opcode in ("tail", "musttail", "notail"):
        opcode, _, rest = rest.partition(" ")
    parts = [p for p in split_top(rest) if p[0] != "!"] or [""]
    source_type, indices = None, ()
    if opcode == "call":
        type_, ops = _call([_drop_flags(parts[0]), *parts[1:]])
    elif opcode == "extractvalue":
        aggregate = typed(parts[0])
        type_, ops = aggregate.type, [aggregate]
        indices = tuple(int(index) for index in parts[1:])
        for index in indices:
            type_ = _member(type_, index, structs or {})
    elif opcode in _HANDLERS:
        type_, ops = _HANDLERS[opcode](parts)
        if opcode == "getelementptr":
            source_type = _drop_flags(parts[0])
    else:
        raise IRTextError(f"the graph builder does not read `{opcode}` instructions")
    result = result if type_ != "void" else None
    return Instruction(opcode, type_, result, ops, source_type, indices)


def _member(type_: str, index: int, structs: dict[str, str]) -> str:
    """The type of field `index` of an array or struct type."""
    type_ = structs.get(type_, type_)
    if type_[0] == "[":
        return type_[type_.index(" x ") + 3 : -1]
    fields = split_top(type_[2:-2] if type_.startswith("<{") else type_[1:-1])
    return fields[index]


# --- modules -------------------------------------------------------------------------------------


def read_module(text: str) -> Module:
    """Read LLVM's printing of a module."""
    module = Module([], {}, {}, {})
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("define "):
            fn, i = _read_function(lines, i, module.structs)
            module.functions.append(fn)
            module.symbols[fn.token] = "ptr"
        elif line.startswith("declare "):
            token = _header(line)[0]
            module.declared[token] = unescape(token)
            module.symbols[token] = "ptr"
        elif line.startswith("@"):
            end = line.index('"', 2) + 1 if line[1] == '"' else line.index(" ")
            module.symbols[line[:end]] = _global_type(line[end + 3 :])
        elif line.startswith("%") and " = type " in line:
            name, _, body = line.partition(" = type ")
            module.structs[name] = body
        i += 1
    return module


def _global_type(rest: str) -> str:
    """The pointer type of a global variable, alias or ifunc from the text after its `=`."""
    for word in rest.split(" "):
        if word.startswith("addrspace("):
            return f"ptr {word}"
        if word in ("global", "constant", "alias", "ifunc"):
            break
    return "ptr"


def _header(line: str) -> tuple[str, list[str]]:
    """The printed name and the parameter texts of a define or declare line."""
    tokens = split_top(line.removesuffix("{"), " ")
    token = next(t for t in tokens if t[0] == "@" and t[-1] == ")")
    end = token.index('"', 2) + 1 if token[1] == '"' else token.index("(")
    return token[:end], split_top(token[end + 1 : -1])


def _read_function(lines: list[str], i: int, structs: dict[str, str]) -> tuple[Function, int]:
    token, params = _header(lines[i])
    args = []
    for param in params:
        if param != "...":
            type_, rest = split_type(param)
            args.append((split_top(rest, " ")[-1], type_))
    fn = Function(unescape(token), token, args, [])
    i += 1
    while lines[i] != "}":
        line = lines[i]
        if line.startswith("    #dbg_"):  # a debug record, no instruction
            pass
        elif line.startswith("  "):
            if line.endswith("["):  # a switch's case table, one case a line
                while lines[i].strip() != "]":
                    i += 1
                    line += " " + lines[i].strip()
            if not fn.blocks:
                fn.blocks.append(Block(None))
            fn.blocks[-1].instructions.append(parse_instruction(line, structs))
        elif line and line[0] != ";":
            end = line.index('"', 1) + 1 if line[0] == '"' else line.index(":")
            fn.blocks.append(Block("%" + line[:end]))
        i += 1
    return fn, i
