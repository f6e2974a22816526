"""Parse preprocessed C with pycparser, turning every way it can fail into a located CompileError.

pycparser 3 is a hand-written recursive-descent parser, so nesting depth costs Python frames
(about 16 per level of parentheses). `parse` runs it in a worker thread with a larger stack and a
raised recursion limit: code nested ~1000 levels deep parses, deeper code is a clean error.
`call_deep` offers the same to later stages that walk the AST recursively. Parsing is bounded in
time too (pycparser 3 reads about 100 KB/s), through a lexer that stops at a deadline.

nsc's own headers (the prototypes of math.h take ~50 ms to parse, more than most programs) are
parsed once per process, and their ASTs are also kept on disk as JSON beside them, in
`include/__pycache__`, the way Python keeps bytecode: a fresh `nscc` reads them in a few ms.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pycparser
from pycparser import c_ast, c_parser
from pycparser.c_lexer import CLexer

from nsc.diagnostics import CompileError, SourceLocation
from nsc.frontend.caseranges import CaseRangeParsing
from nsc.frontend.preprocess import INCLUDE_DIR
from nsc.threads import on_large_stack

MAX_SOURCE_CHARS = 5 * 1024 * 1024
TIMEOUT_S = 30.0
RECURSION_LIMIT = 20_000
THREAD_STACK_BYTES = 64 * 1024 * 1024
# typedef names gcc predefines on x86-64, in scope before the first line of every file
# (ctypes.from_specifiers gives their types; `__auto_type`'s comes from the initializer, see
# codegen/gnuexpr.py)
BUILTIN_TYPEDEFS = {"__int128_t": True, "__uint128_t": True, "__auto_type": True}

T = TypeVar("T")

_LOCK = threading.Lock()
_DEEP = threading.local()  # `active` in the threads call_deep starts
_PARSER: _SeededParser | None = None
_HEADER_CACHE: dict[tuple, tuple[tuple[c_ast.Node, ...], dict[str, bool]]] = {}
_HEADER_CACHE_SIZE = 64
HEADER_CACHE_DIR = INCLUDE_DIR / "__pycache__"
_HEADER_FORMAT = "nsc-header-ast-1"
_MARKER = re.compile(r'^# \d+ "(?:[^"\\\n]|\\.)*"(?P<flags>(?: \d)*)$', re.MULTILINE)
_MESSAGE = re.compile(r"^(?P<file>.*?):(?P<line>\d+)(?::(?P<col>\d+))?: (?P<msg>.*)$", re.DOTALL)


class _ParseTimeout(Exception):
    """Raised from the lexer when parsing passes its deadline."""


class _BoundedLexer(CLexer):
    """pycparser's lexer, stopping the parse once a deadline has passed. It reads `typeof` and
    `typeof_unqual` as keywords (GNU C's, and C23's; `__typeof__` becomes `typeof` in gnu.py),
    which pycparser's C99 dialect leaves identifiers: its parser handles them either way."""

    deadline = math.inf

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._keyword_map.update({"typeof": "TYPEOF", "typeof_unqual": "TYPEOF_UNQUAL"})

    def token(self):  # same signature as CLexer.token
        if time.monotonic() > self.deadline:
            raise _ParseTimeout
        return super().token()


def parse(text: str, filename: str, *, timeout_s: float = TIMEOUT_S) -> c_ast.FileAST:
    """Parse preprocessed C text into a pycparser AST."""
    if len(text) > MAX_SOURCE_CHARS:
        size = f"{len(text) / (1024 * 1024):.1f} MB"
        raise CompileError(
            f"preprocessed source is {size}; nsc accepts at most "
            f"{MAX_SOURCE_CHARS // (1024 * 1024)} MB",
            SourceLocation(filename, 1),
        )
    with _LOCK:
        parser = _parser()
        parser.clex.deadline = time.monotonic() + timeout_s
        try:
            return call_deep(_parse_with_header_cache, parser, text, filename)
        except _ParseTimeout:
            raise CompileError(
                f"parsing took too long (over {timeout_s:g} s)", _current_location(parser, filename)
            ) from None
        except c_parser.ParseError as err:
            raise _syntax_error(str(err), parser, filename) from None
        except RecursionError:
            raise CompileError(
                "expression or statement nested too deeply", _current_location(parser, filename)
            ) from None
        except MemoryError:
            raise CompileError("out of memory while parsing", SourceLocation(filename, 1)) from None
        except Exception as err:  # pycparser's own assertions and bugs
            raise _internal_error(err, parser, filename) from None


def _parse_with_header_cache(parser: _SeededParser, text: str, filename: str) -> c_ast.FileAST:
    """Parse, reusing the AST of each included header that an earlier parse already read.

    Parsing the prototypes of the headers costs more than most programs themselves. The text is
    cut where a top-level #include starts and ends (cpp's line markers with flags 1 and 2); the
    pieces are parsed in order, each starting from the typedef names the pieces before it
    declared, and a header's piece is parsed once per process for the same text and names. If a
    piece does not parse on its own (an #include inside a declaration, or a syntax error), the
    whole text is parsed at once, which gives the AST or the error a plain parse gives.
    """
    pieces = _split_at_includes(text)
    if len(pieces) == 1:
        return parser.parse(text, filename)
    ext: list[c_ast.Node] = []
    scope: dict[str, bool] = {}
    try:
        for piece, is_header in pieces:
            if is_header:
                cached = _header_ast(parser, piece, filename, scope)
            else:
                cached = _parse_piece(parser, piece, filename, scope)
            ext += cached[0]
            scope = dict(cached[1])
    except c_parser.ParseError:
        return parser.parse(text, filename)
    return c_ast.FileAST(ext)


def _header_ast(
    parser: _SeededParser, piece: str, filename: str, scope: dict[str, bool]
) -> tuple[tuple[c_ast.Node, ...], dict[str, bool]]:
    """A header's declarations and the typedef names after it: from memory, disk, or a parse."""
    key = (piece, tuple(sorted(scope.items())))
    cached = _HEADER_CACHE.get(key)
    if cached is not None:
        return cached
    disk = _disk_path(piece, key[1])
    cached = _load_header(disk) if disk is not None else None
    if cached is None:
        cached = _parse_piece(parser, piece, filename, scope)
        if disk is not None:
            _store_header(disk, cached)
    _remember(key, cached)
    return cached


def _parse_piece(
    parser: _SeededParser, piece: str, filename: str, scope: dict[str, bool]
) -> tuple[tuple[c_ast.Node, ...], dict[str, bool]]:
    parser.seed = scope
    try:
        ast = parser.parse(piece, filename)
    finally:
        parser.seed = {}
    return tuple(ast.ext or ()), dict(parser._scope_stack[0])


def _remember(key: tuple, value: tuple) -> None:
    if len(_HEADER_CACHE) >= _HEADER_CACHE_SIZE:
        _HEADER_CACHE.pop(next(iter(_HEADER_CACHE)))
    _HEADER_CACHE[key] = value


def _split_at_includes(text: str) -> list[tuple[str, bool]]:
    """Cut preprocessed text into (piece, is_header) where top-level #includes begin and end."""
    pieces: list[tuple[str, bool]] = []
    depth, start = 0, 0
    for match in _MARKER.finditer(text):
        flags = match["flags"].split()
        if "1" in flags:
            if depth == 0:
                pieces.append((text[start : match.start()], False))
                start = match.start()
            depth += 1
        elif "2" in flags and depth > 0:
            depth -= 1
            if depth == 0:
                pieces.append((text[start : match.start()], True))
                start = match.start()
    pieces.append((text[start:], depth > 0))
    return [(piece, header) for piece, header in pieces if piece]


# --- the on-disk cache of nsc's header ASTs ----------------------------------------------------


def _fields(cls: type) -> tuple[str, ...]:
    return tuple(s for s in cls.__slots__ if s not in ("coord", "__weakref__"))


# class name -> (class, its fields in slot order, without coord)
_NODE_CLASSES = {
    name: (cls, _fields(cls))
    for name, cls in vars(c_ast).items()
    if isinstance(cls, type) and issubclass(cls, c_ast.Node) and cls is not c_ast.Node
}


def _disk_path(piece: str, scope: tuple) -> Path | None:
    """Where the AST of a piece of nsc's own headers is kept; None for other headers."""
    first = _MARKER.match(piece)
    if first is None:
        return None
    name = unescape_filename(first.group(0).split('"', 1)[1].rsplit('"', 1)[0])
    if os.path.dirname(name) != str(INCLUDE_DIR):
        return None
    key = json.dumps([_HEADER_FORMAT, pycparser.__version__, piece, scope])
    return HEADER_CACHE_DIR / f"{hashlib.sha256(key.encode()).hexdigest()[:32]}.json"


def _load_header(path: Path) -> tuple[tuple[c_ast.Node, ...], dict[str, bool]] | None:
    try:
        return decode_header(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None  # missing or unreadable: parse the header instead


def _store_header(path: Path, value: tuple[tuple[c_ast.Node, ...], dict[str, bool]]) -> None:
    """Write the cache file atomically; a read-only install simply goes without."""
    try:
        text = encode_header(*value)
        path.parent.mkdir(exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".header-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except (OSError, ValueError):
        pass


def encode_header(ext: tuple[c_ast.Node, ...], scope: dict[str, bool]) -> str:
    """Declarations and typedef names as JSON: a node is `[class, file, line, column, *fields]`
    (fields in slot order; a list field is `{"l": [...]}`). ValueError if a node is shared."""
    files: dict[str, int] = {}
    seen: set[int] = set()

    def node(n: c_ast.Node) -> list:
        if id(n) in seen:
            raise ValueError("a node occurs twice in the AST")
        seen.add(id(n))
        coord = n.coord
        where = (
            [-1, 0, None]
            if coord is None
            else [files.setdefault(coord.file, len(files)), coord.line, coord.column]
        )
        cls, fields = _NODE_CLASSES.get(type(n).__name__, (None, ()))
        if cls is not type(n):
            raise ValueError(f"{type(n).__name__} is not a pycparser node")
        return [type(n).__name__, *where, *(value(getattr(n, f)) for f in fields)]

    def value(v: Any) -> Any:
        if isinstance(v, c_ast.Node):
            return node(v)
        if isinstance(v, list):
            return {"l": [value(x) for x in v]}
        if v is None or isinstance(v, (str, int, float)):
            return v
        raise ValueError(f"cannot keep a {type(v).__name__} in the header cache")

    nodes = [node(n) for n in ext]
    return json.dumps(
        {"format": _HEADER_FORMAT, "files": list(files), "ext": nodes, "scope": scope}
    )


def decode_header(text: str) -> tuple[tuple[c_ast.Node, ...], dict[str, bool]]:
    """The inverse of `encode_header`; ValueError (or KeyError, TypeError) on anything else."""
    data = json.loads(text)
    if data.get("format") != _HEADER_FORMAT:
        raise ValueError("not an nsc header cache")
    files = [str(f) for f in data["files"]]
    coord = c_parser.Coord

    def node(item: list) -> c_ast.Node:
        cls, fields = _NODE_CLASSES[item[0]]
        if len(item) != 4 + len(fields):
            raise ValueError(f"{item[0]} has {len(fields)} fields")
        made = cls.__new__(cls)
        for name, raw in zip(fields, item[4:]):  # noqa: B905 (lengths checked above)
            setattr(made, name, value(raw) if isinstance(raw, (list, dict)) else raw)
        made.coord = None if item[1] < 0 else coord(files[item[1]], item[2], item[3])
        return made

    def value(raw: Any) -> Any:
        if isinstance(raw, list):
            return node(raw)
        if isinstance(raw, dict):
            return [value(x) for x in raw["l"]]
        return raw

    scope = {str(k): bool(v) for k, v in data["scope"].items()}
    return tuple(node(item) for item in data["ext"]), scope


def location(node: c_ast.Node | None, default_file: str = "<input>") -> SourceLocation:
    """The source location of a pycparser node (its coord may be missing or lack a column)."""
    coord = getattr(node, "coord", None)
    if coord is None:
        return SourceLocation(default_file, 1)
    file = unescape_filename(coord.file) if coord.file else default_file
    return SourceLocation(file, max(int(coord.line or 1), 1), max(int(coord.column or 1), 1))


def unescape_filename(name: str) -> str:
    """Undo the escaping cpp applies to file names in line markers."""
    return re.sub(r"\\(.)", r"\1", name)


def call_deep(fn: Callable[..., T], *args: object) -> T:
    """Call fn in a thread with a large stack and a raised recursion limit; re-raise its errors.

    A call made inside such a thread runs in place: its stack is already large, and starting a
    thread costs about half a millisecond (three times per datagen program otherwise).
    """
    if getattr(_DEEP, "active", False):
        return fn(*args)

    def work() -> T:
        _DEEP.active = True
        old_limit = sys.getrecursionlimit()
        sys.setrecursionlimit(max(old_limit, RECURSION_LIMIT))
        try:
            return fn(*args)
        finally:
            sys.setrecursionlimit(old_limit)

    return on_large_stack(work, stack_bytes=THREAD_STACK_BYTES, name="nsc-deep")


class _SeededParser(CaseRangeParsing, c_parser.CParser):
    """pycparser's parser, starting its file scope with typedef names from an earlier parse,
    and reading GNU case ranges (`case 1 ... 5:`, see caseranges.py).

    CParser.parse resets `_scope_stack` to one empty scope; the setter below starts that scope
    from `seed` instead, so a program parses after its cached headers as if they preceded it.
    """

    seed: dict[str, bool] = {}

    @property
    def _scope_stack(self) -> list[dict[str, bool]]:
        return self._scopes

    @_scope_stack.setter
    def _scope_stack(self, value: list[dict[str, bool]]) -> None:
        fresh = len(value) == 1 and not value[0]
        self._scopes = [BUILTIN_TYPEDEFS | self.seed] if fresh else value


def _parser() -> _SeededParser:
    global _PARSER
    if _PARSER is None:
        _PARSER = _SeededParser(lexer=_BoundedLexer)
    return _PARSER


def _syntax_error(message: str, parser: c_parser.CParser, filename: str) -> CompileError:
    """A CompileError from pycparser's 'file:line:col: text' message."""
    match = _MESSAGE.match(message)
    if message.endswith("At end of input"):
        return CompileError("unexpected end of input", _end_location(parser, filename))
    if match is None:
        text = message.split(": ", 1)[-1]
        return CompileError(_readable(text), _current_location(parser, filename))
    file = unescape_filename(match["file"]) if match["file"] not in ("", "None") else filename
    where = SourceLocation(file, int(match["line"]), int(match["col"] or 1))
    if match["msg"] == "Missing type in declaration":  # `register i;`, `static n = 3;`
        hint = "C99 dropped C89's implicit int: name the type (say, 'int')"
        return CompileError(_readable(match["msg"]), where, (hint,))
    return CompileError(_readable(match["msg"]), where, _hints(parser, where))


def _internal_error(err: Exception, parser: c_parser.CParser, filename: str) -> CompileError:
    """pycparser failed inside: blame the token it stood on."""
    where = _current_location(parser, filename)
    lexer = parser.clex
    pos = getattr(lexer, "_pos", 0)
    if 0 < pos <= len(getattr(lexer, "_lexdata", "")) and lexer._lexdata[pos - 1] == "}":
        # the lexer closes scopes as it reads '}', so an unmatched one fails there
        column = max(pos - getattr(lexer, "_line_start", 0), 1)
        line = getattr(lexer, "_lineno", where.line)
        return CompileError("unexpected '}'", SourceLocation(where.file, line, column))
    detail = f"{type(err).__name__}: {err}".rstrip(": ")
    return CompileError(f"the C parser failed here ({detail})", where)


def _readable(text: str) -> str:
    if text.startswith("before: "):
        return f"syntax error before '{text[len('before: ') :]}'"
    return text[:1].lower() + text[1:]


def _hints(parser: c_parser.CParser, where: SourceLocation) -> tuple[str, ...]:
    """A hint when the token before the error is an identifier used as if it named a type, or
    when a number runs into a case range's `...`."""
    tokens = _tokens(parser)
    for earlier, before, tok in zip([None, *tokens], tokens, tokens[1:], strict=False):
        if tok is None or before is None:
            break
        if (tok.lineno, tok.column) != (where.line, where.column):
            continue
        if before.type == "ID" and tok.type in ("ID", "TIMES"):
            return (f"is '{before.value}' a type? declare it, or include the header that does",)
        if before.type == "PERIOD" and earlier is not None and str(earlier.value).endswith("."):
            # `case 1...5:`: cpp reads `1...5` as one number, which lexes as `1.` `.` `.5`
            return ("write spaces around '...' in a case range ('1 ... 5'): '1...5' is one number",)
        return ()
    return ()


def _tokens(parser: c_parser.CParser) -> list:
    """The tokens the parser has read so far (pycparser internals; empty if they change)."""
    stream = getattr(parser, "_tokens", None)
    return list(getattr(stream, "_buffer", []))


def _last_token(parser: c_parser.CParser, consumed: bool = True):
    """The last token the parser consumed (or, with consumed=False, read ahead)."""
    stream = getattr(parser, "_tokens", None)
    tokens = _tokens(parser)
    if consumed:
        tokens = tokens[: max(getattr(stream, "_index", 0), 1)]
    tokens = [t for t in tokens if t is not None]
    return tokens[-1] if tokens else None


def _token_location(tok, parser: c_parser.CParser, filename: str) -> SourceLocation:
    if tok is None:
        return SourceLocation(filename, 1)
    file = getattr(parser.clex, "filename", "") or filename
    return SourceLocation(unescape_filename(file), max(tok.lineno, 1), max(tok.column, 1))


def _current_location(parser: c_parser.CParser, filename: str) -> SourceLocation:
    """Where the parser stands: the last token it consumed."""
    return _token_location(_last_token(parser), parser, filename)


def _end_location(parser: c_parser.CParser, filename: str) -> SourceLocation:
    """Just after the last token of the input."""
    tok = _last_token(parser, consumed=False)
    where = _token_location(tok, parser, filename)
    width = len(str(tok.value)) if tok is not None else 0
    return SourceLocation(where.file, where.line, where.column + width)
