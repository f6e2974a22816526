"""Preprocess plain programs without starting cpp: paste the headers in, as cpp would print them.

Starting the system preprocessor costs more than parsing a small program. The generator's
programs (and many hand-written kernels) use cpp only to include nsc's headers, then maybe name
a numeric constant such as `M_PI`. For such a source, cpp's output is predictable: the expansion
of the leading `#include` lines (the same text for every program, up to the file name in the
line markers), then the rest of the file line by line, with each use of an object-like macro
whose body is one number replaced by that number.

`preprocess_plain(source, filename)` returns exactly that text, or None when the source steps
outside the subset where the prediction is known to hold: any other directive, comments, string
or character literals, line continuations, trigraphs, tabs, spacing that cpp would normalize,
long runs of blank lines, macros other than numeric constants (or a numeric constant next to a
character that makes cpp insert a space), `_Pragma`, or reserved `__` names. The caller then runs
cpp. The expansion of each distinct include block is computed once per process by running cpp on
the block alone; tests check the whole text against cpp for thousands of generated programs.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from nsc.diagnostics import NscError
from nsc.frontend.preprocess import cpp_arguments, preprocess

_PLACEHOLDER = "nsc-fastpp-block.c"
_SAFE_NAME = re.compile(r"[A-Za-z0-9_.+-]+")
_INCLUDE = re.compile(r"#include <[\w./-]+>")
_PRAGMA = "#pragma nsc "
_UNSAFE = re.compile(r"[\"'\\\t\r\f\v#]|/\*|//|\?\?|  |\s$")
_TOKEN = re.compile(r"\.?\d(?:[eEpP][+-]|[\w.])*|[A-Za-z_]\w*")
_NUMBER = re.compile(r"\.?\d(?:[eEpP][+-]|[\w.])*")
_DEFINE = re.compile(r"#define ([A-Za-z_]\w*)(.*)")
# Around a substituted number, these neighbours never make cpp insert a space.
_BEFORE_OK = set(" ([{},;=+-*/%<>!?:&|^~")
_AFTER_OK = set(" )]},;*/%<>=!?:&|^")
_MAX_BLANK_RUN = 7  # cpp prints a line marker instead of 8 or more blank lines


@dataclass(frozen=True)
class _Block:
    """cpp's output for a block of leading #include lines, and the macros it defines."""

    lines: int  # source lines the block spans
    text: str  # output after the main file's first line marker, names as _PLACEHOLDER
    macros: dict[str, str | None]  # name -> numeric body, or None when not a plain number


_BLOCKS: dict[str, _Block | None] = {}


def preprocess_plain(source: str, filename: str) -> str | None:
    """cpp's output for `source` (from the main file's first line marker on), or None."""
    if not _SAFE_NAME.fullmatch(filename):
        return None
    lines = source.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    count = 0
    while count < len(lines) and _INCLUDE.fullmatch(lines[count]):
        count += 1
    if count == 0:
        return None
    block = _block("\n".join(lines[:count]))
    if block is None:
        return None
    body = _body(lines[count:], block.macros)
    if body is None:
        return None
    head = f'# 1 "{_PLACEHOLDER}"\n' + block.text
    return head.replace(f'"{_PLACEHOLDER}"', f'"{filename}"') + body


def _body(lines: list[str], macros: dict[str, str | None]) -> str | None:
    """The lines after the include block as cpp prints them, or None outside the subset."""
    out: list[str] = []
    blank = 0
    for line in lines:
        if not line:
            blank += 1
            if blank > _MAX_BLANK_RUN:
                return None
            out.append(line)
            continue
        blank = 0
        prefix = _PRAGMA if line.startswith(_PRAGMA) else ""
        text = line[len(prefix) :]
        code = text if prefix else text.lstrip(" ")  # cpp keeps a line's indentation
        if not code or _UNSAFE.search(code):
            return None
        expanded = _expand(text, macros)
        if expanded is None:
            return None
        out.append(prefix + expanded)
    while out and not out[-1]:
        out.pop()  # cpp drops trailing blank lines
    return "".join(f"{line}\n" for line in out)


def _expand(line: str, macros: dict[str, str | None]) -> str | None:
    """Replace numeric macros in one line; None if a token needs cpp."""
    pieces: list[str] = []
    last = 0
    for match in _TOKEN.finditer(line):
        word = match.group()
        if word[0].isdigit() or word[0] == ".":
            continue
        if word.startswith("__") or word == "_Pragma":
            return None
        if word not in macros:
            continue
        body = macros[word]
        before = line[match.start() - 1] if match.start() > 0 else " "
        after = line[match.end()] if match.end() < len(line) else " "
        if body is None or before not in _BEFORE_OK or after not in _AFTER_OK:
            return None
        pieces += [line[last : match.start()], body]
        last = match.end()
    if not pieces:
        return line
    return "".join(pieces) + line[last:]


def _block(text: str) -> _Block | None:
    """The cached expansion of an include block (None if it cannot be predicted)."""
    if text not in _BLOCKS:
        try:
            _BLOCKS[text] = _expand_block(text)
        except (NscError, OSError, subprocess.SubprocessError):
            _BLOCKS[text] = None  # cpp will say what is wrong
    return _BLOCKS[text]


def _expand_block(text: str) -> _Block | None:
    lines = text.count("\n") + 1
    output = preprocess(text + "\n", _PLACEHOLDER)
    start = output.find(f'# 1 "{_PLACEHOLDER}"\n')
    closing = f'# {lines + 1} "{_PLACEHOLDER}" 2\n'
    if start < 0 or not output.endswith(closing):
        return None
    body = output[start + len(f'# 1 "{_PLACEHOLDER}"\n') :]
    return _Block(lines, body, _macros(text))


def _macros(text: str) -> dict[str, str | None]:
    """Every macro the block defines (cpp -dM): a plain number's body, else None."""
    with tempfile.TemporaryDirectory(prefix="nsc-fastpp-") as tmp:
        path = Path(tmp) / _PLACEHOLDER
        path.write_text(text + "\n", encoding="utf-8")
        args = [*cpp_arguments(str(path), (), ()), "-dM", str(path)]
        result = subprocess.run(args, capture_output=True, text=True, timeout=30, check=True)
    macros: dict[str, str | None] = {}
    for row in result.stdout.splitlines():
        match = _DEFINE.fullmatch(row)
        if match is None:
            raise NscError(f"unexpected line in cpp -dM output: {row!r}")
        name, rest = match.groups()
        body = rest[1:] if rest.startswith(" ") else None  # "(" starts a function-like macro
        macros[name] = body if body is not None and _NUMBER.fullmatch(body) else None
    return macros
