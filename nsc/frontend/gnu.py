"""GNU C spellings that numeric code carries, read as the C they mean or refused by name.

pycparser parses C99, so `__restrict__`, `__inline__` or `__attribute__((always_inline))` were
syntax errors, though gcc takes them and real kernels are full of them. Before parsing, the
preprocessed text is rewritten in place (each replacement is padded with spaces to the same
length, so every line and column stays where cpp put it):

- alternate keywords (`__restrict__`, `__inline`, `__const`, `__volatile__`, `__signed__`,
  `__typeof__`) become the keyword, `__extension__` goes;
- `__attribute__((...))` goes where every attribute in it changes nothing nsc computes (hints to
  the optimizer, warnings, linkage). One that changes a layout or a value (`packed`, `aligned`,
  `vector_size`, `mode`, ...) is a located error naming it: dropping it would make the oracle
  disagree with gcc.

String and character literals are left alone. `__builtin_expect` and the `__builtin_` math
functions are calls, handled where calls are lowered.
"""

from __future__ import annotations

import re

from nsc.diagnostics import CompileError, SourceLocation
from nsc.frontend.parse import unescape_filename

_KEYWORDS = {
    "__restrict": "restrict",
    "__restrict__": "restrict",
    "__inline": "inline",
    "__inline__": "inline",
    "__const": "const",
    "__const__": "const",
    "__volatile": "volatile",
    "__volatile__": "volatile",
    "__signed": "signed",
    "__signed__": "signed",
    "__typeof": "typeof",
    "__typeof__": "typeof",
    "__extension__": "",
}
# attributes that change nothing the oracle or the surrogate computes (GCC's manual, "Common
# Function/Variable/Type Attributes"): optimizer hints, diagnostics, linkage and placement
_IGNORED = frozenset(
    {
        "always_inline", "artificial", "cold", "const", "deprecated", "externally_visible",
        "fallthrough", "flatten", "format", "format_arg", "gnu_inline", "hot", "leaf", "malloc",
        "may_alias", "maybe_unused", "no_instrument_function", "no_reorder", "noclone", "noinline",
        "noipa", "nonnull", "noreturn", "nothrow", "optimize", "pure", "returns_nonnull",
        "section", "target", "unused", "used", "visibility", "warn_unused_result", "weak",
    }
)  # fmt: skip
# attributes gcc knows that change a layout or a value: ignoring them would be wrong
_CHANGING = {
    "aligned": "a layout",
    "packed": "a layout",
    "vector_size": "a type",
    "mode": "a type",
    "scalar_storage_order": "a layout",
    "transparent_union": "a calling convention",
    "cleanup": "what runs at a scope's end",
}
_WORD = re.compile(
    r'"(?:[^"\\\n]|\\.)*"'  # a string literal
    r"|'(?:[^'\\\n]|\\.)*'"  # a character constant
    r"|\b(__attribute__|__attribute|" + "|".join(_KEYWORDS) + r")\b"
)
_FIRST = re.compile(r"__attribute|" + "|".join(_KEYWORDS))
_OPEN = re.compile(r"\(\s*\(")  # `((`, which gcc also takes spaced out
_MARKER = re.compile(r'^# (\d+) "((?:[^"\\\n]|\\.)*)"', re.MULTILINE)


def translate(text: str, filename: str) -> str:
    """The preprocessed `text` with GNU spellings read as C (see the module's doc)."""
    if _FIRST.search(text) is None:  # the common case costs one search
        return text
    out: list[str] = []
    done = 0
    for match in _WORD.finditer(text):
        word = match.group(1)
        if word is None or match.start() < done:
            continue
        if word in _KEYWORDS:
            out.append(text[done : match.start()] + _KEYWORDS[word].ljust(len(word)))
            done = match.end()
            continue
        end = _attribute_end(text, match.end(), filename)
        for name, offset in _attribute_names(text[match.end() : end]):
            if name.strip("_") not in _IGNORED:
                raise _unsupported(name, _location(text, match.end() + offset, filename))
        out.append(text[done : match.start()] + _blank(text[match.start() : end]))
        done = end
    out.append(text[done:])
    return "".join(out)


def _unsupported(name: str, where: SourceLocation) -> CompileError:
    """The error for an attribute nsc does not know to change nothing it computes."""
    plain = name.strip("_")
    if plain in _CHANGING:
        return CompileError(
            f"attribute '{name}' is not supported: it changes what gcc computes ({_CHANGING[plain]}),"
            " and nsc would ignore it",
            where,
            ("remove it, or use C11's _Alignas for alignment",) if plain == "aligned" else (),
        )
    return CompileError(
        f"attribute '{name}' is not supported: nsc drops only attributes known to change nothing "
        "it computes (optimizer hints, diagnostics, linkage), and refuses the rest",
        where,
    )


def _attribute_end(text: str, start: int, filename: str) -> int:
    """The end of `((...))` after `__attribute__` (balanced parentheses, literals skipped)."""
    i = start
    while i < len(text) and text[i] in " \t\n":
        i += 1
    if _OPEN.match(text, i) is None:
        raise CompileError("expected '((' after __attribute__", _location(text, i, filename))
    depth = 0
    while i < len(text):
        char = text[i]
        if char in "\"'":
            literal = _WORD.match(text, i)
            i = literal.end() if literal is not None else i + 1
            continue
        depth += {"(": 1, ")": -1}.get(char, 0)
        i += 1
        if depth == 0:
            return i
    raise CompileError("unterminated __attribute__", _location(text, start, filename))


def _attribute_names(spec: str) -> list[tuple[str, int]]:
    """The attribute names in `((a, b(1, 2), c))` with their offsets in `spec`."""
    names: list[tuple[str, int]] = []
    depth, expecting = 0, True
    for match in re.finditer(r"\w+|[(),]|\"(?:[^\"\\\n]|\\.)*\"", spec):
        token = match.group()
        if token == "(":
            depth += 1
        elif token == ")":
            depth -= 1
        elif token == "," and depth == 2:
            expecting = True
        elif expecting and depth == 2 and token[0] not in "\"'":
            names.append((token, match.start()))
            expecting = False
    return names


def _blank(span: str) -> str:
    """Spaces in place of `span`, keeping its newlines (and so every line number after it)."""
    return re.sub(r"[^\n]", " ", span)


def _location(text: str, position: int, filename: str) -> SourceLocation:
    """Where `position` in cpp's output lies in the source, by the line markers before it."""
    line_start = text.rfind("\n", 0, position) + 1
    file, line = filename, text.count("\n", 0, line_start) + 1
    for marker in _MARKER.finditer(text, 0, line_start):
        file = unescape_filename(marker.group(2))
        line = int(marker.group(1)) + text.count("\n", marker.end(), line_start) - 1
    return SourceLocation(file, line, position - line_start + 1)
