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
            lines.append(" " + text)
            lines.append(" " + " " * max(self.location.column - 1, 0) + "^")
        where = str(self.location) if self.location else "<unknown>"
        lines += [f"{where}: note: {hint}" for hint in self.hints]
        return "\n".join(lines)

    def _source_line(self, source: str | None) -> str | None:
        if self.location is None:
            return None
        if source is None:
            try:
                source = Path(self.location.file).read_text(errors="replace")
            except OSError:
                return None
        rows = source.splitlines()
        if 1 <= self.location.line <= len(rows):
            return rows[self.location.line - 1].expandtabs(1)
        return None


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
