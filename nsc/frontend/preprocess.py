"""Run the system C preprocessor over a source text, bounded in time and output size.

`preprocess` feeds the source to `cpp -nostdinc -std=c99 -undef` with the user's `-I` directories
first and nsc's own headers (`nsc/frontend/include/`) after them, so only headers that pycparser
can read are ever included. The output keeps line markers (`# N "file"`), so pycparser's coordinates
point into the user's file and headers.

`#pragma nsc ...` lines in the main file are macro-expanded (cpp leaves unknown pragmas alone), so
`#pragma nsc shape(p, N, N)` with `-D N=4` and `range(x, -M_PI, M_PI)` see numbers.

`start_preprocess` starts cpp in the background (nscc does so before the frontend's imports,
which take longer than cpp); the next `preprocess` call with the same arguments collects that
run instead of starting another. `discard_started` stops runs nobody collected.
"""

from __future__ import annotations

import functools
import os
import re
import selectors
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from nsc.diagnostics import CompileError, NscError, SourceLocation

INCLUDE_DIR = Path(__file__).resolve().parent / "include"


def system_header(file: str | None) -> str | None:
    """The name of the nsc header that `file` names, if it names one (a node's location)."""
    if not file:
        return None
    path = Path(file)
    try:
        inside = path.resolve().parent == INCLUDE_DIR
    except (OSError, ValueError):
        return None
    return path.name if inside else None


TIMEOUT_S = 10.0
MAX_OUTPUT_BYTES = 20 * 1024 * 1024
MAX_MESSAGE_BYTES = 64 * 1024

_STARTED: dict[tuple, _CppRun] = {}  # runs started ahead (`start_preprocess`), by arguments
_PRAGMA_MARK = "__nsc_pragma__"
_NSC_PRAGMA_LINE = re.compile(
    r"^([ \t]*)#[ \t]*pragma[ \t]+nsc\b((?:[^\n\\]|\\[^\n]|\\\n)*)", re.MULTILINE
)
_MARKED_LINE = re.compile(rf"^([ \t]*){_PRAGMA_MARK}\b", re.MULTILINE)
_DEFINE = re.compile(r"[A-Za-z_]\w*(\([\w\s,.]*\))?(=.*)?", re.DOTALL)
_CPP_MESSAGE = re.compile(
    r"^(?P<file>.*?):(?P<line>\d+):(?:(?P<col>\d+):)? (?P<kind>fatal error|error): (?P<msg>.*)$"
)
_COMMAND_LINE = "<command-line>"  # where cpp places an error in a -D option
_CPP_COMMAND_LINE = re.compile(rf"^(?P<file>{_COMMAND_LINE}): (?:fatal error|error): (?P<msg>.*)$")
_INCLUDE_GUARD = (
    "a header that includes itself, directly or through another, needs an include guard "
    "(#ifndef NAME_H, #define NAME_H ... #endif) or #pragma once"
)


def preprocess(
    text: str,
    filename: str,
    defines: Sequence[str] = (),
    include_dirs: Sequence[str] = (),
    quote_dir: str | None = None,
    *,
    timeout_s: float = TIMEOUT_S,
    max_output_bytes: int = MAX_OUTPUT_BYTES,
) -> str:
    """Preprocess C source text; the result is plain C99 with line markers for pycparser."""
    key = (text, filename, tuple(defines), tuple(include_dirs), quote_dir, timeout_s,
           max_output_bytes)  # fmt: skip
    run = _STARTED.pop(key, None) or _CppRun(*key)
    return run.result()


def start_preprocess(
    text: str,
    filename: str,
    defines: Sequence[str] = (),
    include_dirs: Sequence[str] = (),
    quote_dir: str | None = None,
    *,
    timeout_s: float = TIMEOUT_S,
    max_output_bytes: int = MAX_OUTPUT_BYTES,
) -> None:
    """Start preprocessing in the background for a later `preprocess` with these arguments.

    Errors are not raised here: the `preprocess` call reports them, running cpp again if cpp
    could not be started now."""
    key = (text, filename, tuple(defines), tuple(include_dirs), quote_dir, timeout_s,
           max_output_bytes)  # fmt: skip
    if key in _STARTED:
        return
    try:
        _STARTED[key] = _CppRun(*key, program=_background_preprocessor())
    except NscError:
        pass


def discard_started() -> None:
    """Stop every background run that no `preprocess` call collected."""
    while _STARTED:
        _STARTED.popitem()[1].close()


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


def cpp_arguments(
    filename: str,
    defines: Sequence[str],
    include_dirs: Sequence[str],
    program: Sequence[str] | None = None,
    quote_dir: str | None = None,
) -> list[str]:
    """The cpp command line, without the input file (`program`: the preprocessor to run;
    `quote_dir`: where `#include "x.h"` looks first, by default the folder of `filename`)."""
    args = [*(program or _preprocessor()), "-nostdinc", "-std=c99", "-undef", "-w"]
    args += ["-iquote", os.path.abspath(quote_dir) if quote_dir else _quote_dir(filename)]
    for define in defines:
        args.append("-D" + check_define(define))
    for directory in include_dirs:
        args += ["-I", os.path.abspath(directory)]
    args += ["-I", str(INCLUDE_DIR)]
    return args


def _driver() -> str:
    cpp = shutil.which("cpp")
    if cpp is None:
        raise NscError("the C preprocessor `cpp` was not found on PATH (install gcc's cpp)")
    return cpp


def _background_preprocessor() -> tuple[str, ...]:
    """For a run started ahead: `cc1 -E` if already known, else the cpp driver itself (the same
    output, without waiting for cpp to say where cc1 is; one nscc preprocesses once)."""
    return _preprocessor() if _preprocessor.cache_info().currsize else (_driver(),)


@functools.cache
def _preprocessor() -> tuple[str, ...]:
    """The system cpp; for GNU cpp, the `cc1 -E` it would start, which saves a process per run."""
    cpp = _driver()
    try:
        found = subprocess.run(
            [cpp, "-print-prog-name=cc1"], capture_output=True, text=True, timeout=10
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        found = ""
    if found and os.path.isabs(found) and os.access(found, os.X_OK):
        return (found, "-E", "-quiet")
    return (cpp,)


def check_define(define: str) -> str:
    """A `-D` value as given; NscError unless it is NAME, NAME=VALUE or NAME(ARGS)=VALUE."""
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


class _CppRun:
    """One cpp process over a source text, from its start to its checked output."""

    def __init__(
        self,
        text: str,
        filename: str,
        defines: tuple[str, ...],
        include_dirs: tuple[str, ...],
        quote_dir: str | None,
        timeout_s: float,
        max_output_bytes: int,
        program: tuple[str, ...] | None = None,
    ):
        check_text(text, filename)
        args = cpp_arguments(filename, defines, include_dirs, program, quote_dir)
        self.filename = filename
        self.limits = _Limits(timeout_s, max_output_bytes)
        self.deadline = time.monotonic() + timeout_s
        self._folder = tempfile.TemporaryDirectory(prefix="nsc-cpp-")
        try:
            path = Path(self._folder.name) / "input.c"
            source = f"#line 1 {_c_string(filename)}\n" + _mark_pragmas(text)
            path.write_text(source, encoding="utf-8", errors="surrogateescape")  # odd file names
            # a session of its own: the driver runs cc1 as a child, and stopping cpp must stop
            # that child too (`close` kills the whole process group)
            self.proc = subprocess.Popen(
                [*args, str(path)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,
            )
        except OSError as err:
            self._folder.cleanup()
            raise NscError(f"cannot run the C preprocessor: {err}") from None

    def result(self) -> str:
        """cpp's output with the pragmas restored; a located CompileError if cpp failed (an
        NscError for an error in the -D options)."""
        try:
            out, err, failure = _collect(self.proc, self.limits, self.deadline)
        finally:
            self.close()
        where = SourceLocation(self.filename, 1)
        if failure:
            raise CompileError(failure, where)
        messages = err.decode("utf-8", errors="replace")
        if self.proc.returncode != 0:
            raise _cpp_error(messages, self.filename)
        return _unmark_pragmas(out.decode("utf-8", errors="replace"), self.filename)

    def close(self) -> None:
        """Stop cpp and every process it started, if any still runs; remove its input.

        The group is killed before the driver is reaped, so its id cannot have been reused."""
        proc = self.proc
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass  # every process of the group has exited
        proc.wait()
        proc.stdout.close()  # type: ignore[union-attr]
        proc.stderr.close()  # type: ignore[union-attr]
        self._folder.cleanup()


def _collect(
    proc: subprocess.Popen, limits: _Limits, deadline: float
) -> tuple[bytes, bytes, str | None]:
    """Read cpp's stdout and stderr until it exits; the third value says why it was stopped."""
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


def _cpp_error(messages: str, filename: str) -> NscError:
    """The first error cpp printed: located in the source as a CompileError, or, for one in
    the -D options (`<command-line>`), an NscError saying so."""
    for row in messages.splitlines():
        match = _CPP_MESSAGE.match(row) or _CPP_COMMAND_LINE.match(row)
        if match is None:
            continue
        if match["file"] == _COMMAND_LINE:
            return NscError(f"{_COMMAND_LINE}: {match['msg']}", hints=("check the -D options",))
        message, hints = match["msg"], ()
        if message.startswith("#include nested"):  # gcc's hint names a flag nsc does not take
            message = re.sub(r"\s*\(use -f[\w-]+=\w+ to [^)]*\)$", "", message)
            hints = (_INCLUDE_GUARD,)
        location = SourceLocation(
            match["file"], int(match["line"]), int(match["col"]) if match["col"] else 1
        )
        return CompileError(message, location, hints)
    summary = messages.strip().splitlines()[:1] or ["cpp failed"]
    return CompileError(f"preprocessing failed: {summary[0]}", SourceLocation(filename, 1))
