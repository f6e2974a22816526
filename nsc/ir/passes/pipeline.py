"""The one parser of pipeline strings: `sroa,instcombine,jump-threading{threshold=4},O2,my-pass`.

Grammar: pipeline = [element ("," element)*]; element = NAME ["{" [KEY "=" VALUE ("," ...)*] "}"].
`O0`..`O3` (or `-O0`..`-O3`) are presets: O0 runs nothing, O1..O3 run LLVM's default pipeline at
that speed level. Every error is a PipelineError that shows the pipeline with a caret under the
offending column.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import re
import typing
from dataclasses import dataclass

from nsc.diagnostics import NscError, printable_line
from nsc.ir.passes.registry import UnknownPass, load_pass, quoted

PRESETS: dict[str, str] = {
    "O0": "",
    "O1": "default{level=1}",
    "O2": "default{level=2}",
    "O3": "default{level=3}",
}

_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")
_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off"}


class PipelineError(NscError):
    """A malformed pipeline string; the message points at the column with a caret."""

    def __init__(self, message: str, pipeline: str, column: int, hints: tuple[str, ...] = ()):
        self.pipeline = pipeline
        self.column = column  # 1-based
        shown, offset = _excerpt(pipeline, column - 1)
        caret = " " * offset + "^"
        super().__init__(f"{message} (pipeline column {column})\n  {shown}\n  {caret}", hints)
        self.reason = message


_CONTEXT = 60  # characters of a long pipeline shown on each side of the error's column


def _excerpt(pipeline: str, at: int) -> tuple[str, int]:
    """The pipeline as shown under an error, and the caret's offset in it: control characters
    escaped (a tab or newline would move the caret, an escape sequence restyle the terminal),
    a long pipeline cut to the part around `at`."""
    before, after = printable_line(pipeline[:at]), printable_line(pipeline[at:])
    if len(before) > _CONTEXT:
        before = "..." + before[-_CONTEXT:]
    if len(after) > _CONTEXT:
        after = after[:_CONTEXT] + "..."
    return before + after, len(before)


@dataclass(frozen=True)
class _Element:
    name: str
    column: int  # 0-based offsets from here on; PipelineError takes 1-based
    options: tuple[tuple[str, str, int, int], ...]  # key, value, key offset, value offset
    brace: int  # offset of "{", or -1


def preset_pipeline(level: int) -> str:
    """The pipeline string that -O<level> stands for."""
    if f"O{level}" not in PRESETS:
        raise NscError(f"no optimization level -O{level} (use -O0 to -O3)")
    return PRESETS[f"O{level}"]


def parse_pipeline(text: str) -> list:
    """Parse a pipeline string into pass instances, in order."""
    passes = []
    for element in _scan(text):
        preset = element.name.lstrip("-")
        if preset in PRESETS and element.name in (preset, "-" + preset):
            if element.brace >= 0:
                raise PipelineError(f"preset {preset} takes no options", text, element.brace + 1)
            passes += parse_pipeline(PRESETS[preset])
            continue
        passes.append(_instantiate(element, text))
    return passes


def _scan(text: str) -> list[_Element]:
    elements: list[_Element] = []
    if not text.strip():
        return elements
    i = 0
    while True:
        i = _skip_space(text, i)
        start = i
        while i < len(text) and text[i] in _NAME_CHARS:
            i += 1
        if i == start:
            raise PipelineError(_unexpected(text, i, "a pass name"), text, i + 1)
        name, options, brace = text[start:i], (), -1
        i = _skip_space(text, i)
        if i < len(text) and text[i] == "{":
            brace = i
            options, i = _scan_options(text, i + 1, brace)
            i = _skip_space(text, i)
        elements.append(_Element(name, start, options, brace))
        if i == len(text):
            return elements
        if text[i] != ",":
            if text[i] == "}":
                raise PipelineError("unbalanced '}': no '{' opens it", text, i + 1)
            raise PipelineError(_unexpected(text, i, "',' between passes"), text, i + 1)
        i += 1


def _scan_options(text: str, i: int, brace: int) -> tuple[tuple, int]:
    """Scan `key=value,...}` from just after the brace; return the options and the offset after `}`."""
    options = []
    while True:
        i = _skip_space(text, i)
        if i == len(text):
            raise PipelineError("unbalanced '{': no '}' closes it", text, brace + 1)
        if text[i] == "}" and not options:
            return tuple(options), i + 1
        key_at = i
        while i < len(text) and text[i] not in "=,{}":
            i += 1
        key = text[key_at:i].strip()
        if i == len(text):
            raise PipelineError("unbalanced '{': no '}' closes it", text, brace + 1)
        if text[i] != "=" or not key:
            raise PipelineError("expected an option as key=value", text, key_at + 1)
        value_at = _skip_space(text, i + 1)
        i = value_at
        while i < len(text) and text[i] not in ",{}":
            i += 1
        if i == len(text):
            raise PipelineError("unbalanced '{': no '}' closes it", text, brace + 1)
        if text[i] == "{":
            raise PipelineError("unexpected '{' inside options", text, i + 1)
        options.append((key, text[value_at:i].strip(), key_at, value_at))
        i += 1
        if text[i - 1] == "}":
            return tuple(options), i


def _instantiate(element: _Element, text: str):
    try:
        cls = load_pass(element.name)
    except UnknownPass as exc:
        raise PipelineError(exc.message, text, element.column + 1, exc.hints) from None
    fields = {f.name: f for f in dataclasses.fields(cls)} if dataclasses.is_dataclass(cls) else {}
    kwargs: dict[str, object] = {}
    for key, value, key_at, value_at in element.options:
        if key not in fields:
            raise PipelineError(
                f"pass {quoted(element.name)} has no option {quoted(key)}",
                text,
                key_at + 1,
                _option_hints(key, list(fields)),
            )
        if key in kwargs:
            raise PipelineError(f"option {quoted(key)} given twice", text, key_at + 1)
        kwargs[key] = _convert(cls, key, value, text, value_at)
    column = element.brace + 1 if element.brace >= 0 else element.column + 1
    try:
        return cls(**kwargs)
    except (TypeError, ValueError) as exc:
        raise PipelineError(f"bad options for {element.name!r}: {exc}", text, column) from None
    except Exception as exc:  # a plugin's constructor: the user's to see, not a traceback
        reason = f"pass {element.name!r} could not be created: {type(exc).__name__}: {exc}"
        raise PipelineError(reason, text, column) from None


def _convert(cls: type, key: str, value: str, text: str, at: int) -> object:
    try:
        kind = _option_types(cls).get(key, str)
    except Exception as exc:  # a plugin's annotation naming what its module does not define
        reason = f"pass {cls.name!r}: its option types do not resolve ({type(exc).__name__}: {exc})"
        raise PipelineError(reason, text, at + 1) from None
    try:
        if kind is bool:
            if value.lower() not in _TRUE | _FALSE:
                raise ValueError(value)
            return value.lower() in _TRUE
        if kind is int and _INT.fullmatch(value):
            if len(value.lstrip("+-0")) > _MAX_DIGITS:  # past int()'s limit and any option's range
                raise PipelineError(f"option {key!r}: {quoted(value)} is too large", text, at + 1)
            return int(value)
        if kind is float and _FLOAT.fullmatch(value):
            return float(value)
        if kind in (int, float):  # Python's int() and float() also take "1_0", "nan", "٣"
            raise ValueError(value)
        return value
    except ValueError:
        what = {int: "an integer", float: "a number", bool: "a true/false"}.get(kind, str(kind))
        raise PipelineError(
            f"option {key!r} takes {what} value, got {quoted(value)}", text, at + 1
        ) from None


_INT = re.compile(r"[+-]?[0-9]+")
_MAX_DIGITS = 100
_FLOAT = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")


@functools.cache
def _option_types(cls: type) -> dict[str, object]:
    """A pass's option types (resolving its annotations compiles them: once per class)."""
    return typing.get_type_hints(cls)


def _option_hints(key: str, names: list[str]) -> tuple[str, ...]:
    if not names:
        return ("this pass takes no options",)
    close = difflib.get_close_matches(key, names, n=1, cutoff=0.5)
    known = "known options: " + ", ".join(names)
    return (f"did you mean {close[0]!r}?", known) if close else (known,)


def _skip_space(text: str, i: int) -> int:
    while i < len(text) and text[i].isspace():
        i += 1
    return i


def _unexpected(text: str, i: int, expected: str) -> str:
    found = repr(text[i]) if i < len(text) else "end of pipeline"
    return f"expected {expected}, found {found}"
