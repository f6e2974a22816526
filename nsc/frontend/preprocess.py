"""Run the system C preprocessor over a source text, bounded in time and output size.

`preprocess` feeds the source to `cpp -nostdinc -std=c99 -undef` with the user's `-I` directories
first and nsc's own headers (`nsc/frontend/include/`) after them, so only headers that pycparser
can read are ever included. The output keeps line markers (`# N "file"`), so pycparser's coordinates
point into the user's file and headers.

`#pragma nsc ...` lines in the main file are macro-expanded (cpp leaves unknown pragmas alone), so
`#pragma nsc shape(p, N, N)` with `-D N=4` and `range(x, -M_PI, M_PI)` see numbers.
"""

from __future__ import annotations

import functools
import os
import re
import selectors
import shutil
import subprocess
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from nsc.diagnostics import CompileError, NscError, SourceLocation

INCLUDE_DIR = Path(__file__).resolve().parent / "include"
TIMEOUT_S = 10.0
MAX_OUTPUT_BYTES = 20 * 1024 * 1024
MAX_MESSAGE_BYTES = 64 * 1024

_PRAGMA_MARK = "__nsc_pragma__"
_NSC_PRAGMA_LINE = re.compile(
    r"^([ \t]*)#[ \t]*pragma[ \t]+nsc\b((?:[^\n\\]|\\[^\n]|\\\n)*)", re.MULTILINE
)
_MARKED_LINE = re.compile(rf"^([ \t]*){_PRAGMA_MARK}\b", re.MULTILINE)
_DEFINE = re.compile(r"[A-Za-z_]\w*(\([\w\s,.]*\))?(=.*)?", re.DOTALL)
_CPP_MESSAGE = re.compile(
    r"^(?P<file>.*?):(?P<line>\d+):(?:(?P<col>\d+):)? (?P<kind>fatal error|error): (?P<msg>.*)$"
)


def preprocess(
    text: str,
    filename: str,
    defines: Sequence[str] = (),
    include_dirs: Sequence[str] = (),
    *,
    timeout_s: float = TIMEOUT_S,
    max_output_bytes: int = MAX_OUTPUT_BYTES,
) -> str:
    """Preprocess C source text; the result is plain C99 with line markers for pycparser."""
    check_text(text, filename)
    args = cpp_arguments(filename, defines, include_dirs)
    source = f"#line 1 {_c_string(filename)}\n" + _mark_pragmas(text)
    with tempfile.TemporaryDirectory(prefix="nsc-cpp-") as tmp:
        path = Path(tmp) / "input.c"
        path.write_text(source, encoding="utf-8")
        output = _run_cpp([*args, str(path)], filename, _Limits(timeout_s, max_output_bytes))
    return _unmark_pragmas(output, filename)


def decode_source(data: bytes, filename: str) -> str:
    """Decode source bytes as UTF-8; a bad byte is a CompileError at its line and column."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        head = data[: err.start]
        line = head.count(b"\n") + 1
        column = len(head[head.rfind(b"\n") + 1 :].decode("utf-8", errors="replace")) + 1
        raise CompileError(
            f"source is not valid UTF-8 (byte 0x{data[err.start]:02x})",
            SourceLocation(filename, line, column),
        ) from None


def check_text(text: str, filename: str) -> None:
    """Reject text holding undecodable bytes (lone surrogates from `surrogateescape`)."""
    bad = re.search(r"[\ud800-\udfff]", text)
    if bad is None:
        return
    start = text.rfind("\n", 0, bad.start()) + 1
    line = text.count("\n", 0, bad.start()) + 1
    code = ord(bad.group())
    what = f" (byte 0x{code - 0xDC00:02x})" if 0xDC80 <= code <= 0xDCFF else ""
    raise CompileError(
        f"source is not valid UTF-8{what}",
        SourceLocation(filename, line, bad.start() - start + 1),
    )


def cpp_arguments(filename: str, defines: Sequence[str], include_dirs: Sequence[str]) -> list[str]:
    """The cpp command line, without the input file."""
    args = [*_preprocessor(), "-nostdinc", "-std=c99", "-undef", "-w"]
    args += ["-iquote", _quote_dir(filename)]
    for define in defines:
        args.append("-D" + _check_define(define))
    for directory in include_dirs:
        args += ["-I", os.path.abspath(directory)]
    args += ["-I", str(INCLUDE_DIR)]
    return args


@functools.cache
def _preprocessor() -> tuple[str, ...]:
    """The system cpp; for GNU cpp, the `cc1 -E` it would start, which saves a process per run."""
    cpp = shutil.which("cpp")
    if cpp is None:
        raise NscError("the C preprocessor `cpp` was not found on PATH (install gcc's cpp)")
    try:
        found = subprocess.run(
            [cpp, "-print-prog-name=cc1"], capture_output=True, text=True, timeout=10
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        found = ""
    if found and os.path.isabs(found) and os.access(found, os.X_OK):
        return (found, "-E", "-quiet")
    return (cpp,)


def _check_define(define: str) -> str:
    if not _DEFINE.fullmatch(define) or "\n" in define:
        raise NscError(f"invalid -D option {define!r}: expected NAME or NAME=VALUE")
    return define


def _quote_dir(filename: str) -> str:
    """Where `#include "x.h"` looks first: the directory of the user's file."""
    parent = Path(filename).parent
    return str(parent.resolve()) if parent.is_dir() else os.getcwd()


def _c_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _mark_pragmas(text: str) -> str:
    """Turn `#pragma nsc` lines into ordinary lines so cpp expands macros in them."""
    return _NSC_PRAGMA_LINE.sub(_marked, text)


def _marked(match: re.Match[str]) -> str:
    """One marked line; continuation lines are joined and kept as blank lines after it."""
    indent, body = match.group(1), match.group(2)
    spliced = body.count("\\\n")
    return indent + _PRAGMA_MARK + body.replace("\\\n", " ") + "\n" * spliced


def _unmark_pragmas(output: str, filename: str) -> str:
    restored = _MARKED_LINE.sub(lambda m: m.group(1) + "#pragma nsc", output)
    if _PRAGMA_MARK in restored:
        line = _presumed_line(restored, restored.index(_PRAGMA_MARK))
        raise CompileError(
            "#pragma nsc must stand on its own line, outside macro arguments",
            SourceLocation(line[0], line[1]) if line else SourceLocation(filename, 1),
        )
    return restored


def _presumed_line(output: str, offset: int) -> tuple[str, int] | None:
    """The (file, line) a position in cpp output stands for, from the last line marker."""
    markers = list(re.finditer(r'^# (\d+) "((?:[^"\\]|\\.)*)"', output[:offset], re.MULTILINE))
    if not markers:
        return None
    last = markers[-1]
    lines_after = output.count("\n", last.end(), offset)
    return last.group(2), int(last.group(1)) + lines_after - 1


@dataclass(frozen=True)
class _Limits:
    timeout_s: float
    max_output_bytes: int


def _run_cpp(args: list[str], filename: str, limits: _Limits) -> str:
    """Run cpp, killing it when it runs too long or writes too much."""
    try:
        proc = subprocess.Popen(
            args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
    except OSError as err:
        raise NscError(f"cannot run the C preprocessor: {err}") from None
    try:
        out, err, failure = _collect(proc, limits)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        proc.stdout.close()  # type: ignore[union-attr]
        proc.stderr.close()  # type: ignore[union-attr]
    where = SourceLocation(filename, 1)
    if failure:
        raise CompileError(failure, where)
    messages = err.decode("utf-8", errors="replace")
    if proc.returncode != 0:
        raise _cpp_error(messages, filename)
    return out.decode("utf-8", errors="replace")


def _collect(proc: subprocess.Popen, limits: _Limits) -> tuple[bytes, bytes, str | None]:
    """Read cpp's stdout and stderr until it exits; the third value says why it was stopped."""
    deadline = time.monotonic() + limits.timeout_s
    out, err = bytearray(), bytearray()
    with selectors.DefaultSelector() as selector:
        selector.register(proc.stdout, selectors.EVENT_READ, out)  # type: ignore[arg-type]
        selector.register(proc.stderr, selectors.EVENT_READ, err)  # type: ignore[arg-type]
        while selector.get_map():
            left = deadline - time.monotonic()
            if left <= 0:
                too_long = f"preprocessing took too long (over {limits.timeout_s:g} s)"
                return bytes(out), bytes(err), too_long
            for key, _ in selector.select(timeout=left):
                chunk = os.read(key.fileobj.fileno(), 1 << 16)  # type: ignore[union-attr]
                if not chunk:
                    selector.unregister(key.fileobj)
                    continue
                if key.data is err and len(err) > MAX_MESSAGE_BYTES:
                    continue
                key.data.extend(chunk)
            if len(out) > limits.max_output_bytes:
                size = _megabytes(limits.max_output_bytes)
                return bytes(out), bytes(err), f"preprocessed output exceeds {size}"
    try:
        proc.wait(timeout=max(deadline - time.monotonic(), 0.1))
    except subprocess.TimeoutExpired:
        return bytes(out), bytes(err), "the preprocessor did not exit"
    return bytes(out), bytes(err), None


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB"


def _cpp_error(messages: str, filename: str) -> CompileError:
    """The first error cpp printed, as a located CompileError."""
    for row in messages.splitlines():
        match = _CPP_MESSAGE.match(row)
        if match is None:
            continue
        location = SourceLocation(
            match["file"], int(match["line"]), int(match["col"]) if match["col"] else 1
        )
        return CompileError(match["msg"], location)
    summary = messages.strip().splitlines()[:1] or ["cpp failed"]
    return CompileError(f"preprocessing failed: {summary[0]}", SourceLocation(filename, 1))
