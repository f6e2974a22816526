"""Source locations and the errors nsc reports to users, rendered like gcc."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class SourceLocation:
    """A point in a C source file; line and column count from 1."""

    file: str
    line: int
    column: int = 1

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


class NscError(Exception):
    """A user-facing error: printed as `nsc: error: message`, never as a traceback."""

    def __init__(self, message: str, hints: tuple[str, ...] = ()):
        super().__init__(message)
        self.message = message
        self.hints = tuple(hints)

    def render(self) -> str:
        lines = [f"nsc: error: {self.message}"]
        lines += [f"nsc: note: {hint}" for hint in self.hints]
        return "\n".join(lines)


class CompileError(NscError):
    """An error in the user's C program, located in its source."""

    def __init__(
        self,
        message: str,
        location: SourceLocation | None = None,
        hints: tuple[str, ...] = (),
    ):
        super().__init__(message, hints)
        self.location = location

    def __str__(self) -> str:
        where = str(self.location) if self.location else "<unknown>"
        return f"{where}: error: {self.message}"

    def render(self, source: str | None = None) -> str:
        """Render like gcc: the located message, the source line and a caret, then notes."""
        lines = [str(self)]
        text = self._source_line(source)
        if text is not None and self.location is not None:
            before = text[: max(self.location.column - 1, 0)]
            lines.append(" " + printable_line(text))
            lines.append(" " + " " * len(printable_line(before)) + "^")
        where = str(self.location) if self.location else "<unknown>"
        lines += [f"{where}: note: {hint}" for hint in self.hints]
        return "\n".join(lines)

    def _source_line(self, source: str | None) -> str | None:
        if self.location is None:
            return None
        if source is None:
            try:  # a byte that is not UTF-8 stays one character, shown as `\xNN`
                data = Path(self.location.file).read_bytes()
            except OSError:
                return None
            source = data.decode("utf-8", "surrogateescape")
        # lines end at \n, \r\n or \r, as in cpp; a form feed or vertical tab ends none
        rows = source.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        if 1 <= self.location.line <= len(rows):
            return rows[self.location.line - 1]
        return None


def printable_line(text: str) -> str:
    """A source line safe to print under its message: a tab as one space (columns count it as
    one), a byte that is not UTF-8 and a control character as `\\xNN` (a raw one could move
    the cursor or restyle the terminal)."""
    shown = []
    for char in text:
        code = ord(char)
        if char == "\t":
            shown.append(" ")
        elif 0xDC80 <= code <= 0xDCFF:  # an undecodable byte, kept by `surrogateescape`
            shown.append(f"\\x{code - 0xDC00:02x}")
        elif code < 0x20 or 0x7F <= code < 0xA0 or 0xD800 <= code <= 0xDFFF:
            shown.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            shown.append(char)
    return "".join(shown)


def printable_name(name: str) -> str:
    """A file name as UTF-8 text: the bytes of a name that is not UTF-8 (which Python keeps as
    lone surrogates, and LLVM, cpp's input and JSON cannot take) written as `\\xNN`."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def require_file(path: str | os.PathLike[str]) -> None:
    """Refuse what is not a regular file to read, naming what it is instead."""
    target = Path(path)
    if target.is_file():
        return
    if target.is_dir():
        raise NscError(f"{target}: is a folder, not a file")
    if target.exists():
        raise NscError(f"{target}: not a regular file (a device, pipe or socket)")
    raise NscError(f"{target}: no such file")
