"""The on-disk cache of nsc's header ASTs: the same AST as a parse, and a miss parses again."""

from __future__ import annotations

import json

import pytest
from pycparser import c_ast

from nsc.frontend import parse as parse_module
from nsc.frontend.parse import decode_header, encode_header, parse
from nsc.frontend.preprocess import INCLUDE_DIR, preprocess

ALL_HEADERS = "".join(f"#include <{h.name}>\n" for h in sorted(INCLUDE_DIR.glob("*.h")))
PROGRAM = ALL_HEADERS + "double f(double x) { int8_t k = 2; return sin(x) * k + M_PI; }\n"


def same(a, b) -> bool:
    """Structural equality of two ASTs, coordinates included."""
    if isinstance(a, c_ast.Node):
        if type(a) is not type(b) or str(a.coord) != str(b.coord):
            return False
        names = [s for s in a.__slots__ if s not in ("coord", "__weakref__")]
        return all(same(getattr(a, n), getattr(b, n)) for n in names)
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(map(same, a, b))
    return a == b


@pytest.fixture
def fresh_cache(tmp_path, monkeypatch):
    monkeypatch.setattr(parse_module, "HEADER_CACHE_DIR", tmp_path / "cache")
    monkeypatch.setattr(parse_module, "_HEADER_CACHE", {})
    return tmp_path / "cache"


def parse_program(tmp_path, text: str = PROGRAM, include_dirs: tuple[str, ...] = ()):
    path = tmp_path / "p.c"
    return parse(preprocess(text, str(path), include_dirs=include_dirs), str(path))


def test_encoding_round_trips_every_header(tmp_path, fresh_cache):
    ast = parse_program(tmp_path)
    scope = {"float_t": True, "int8_t": True}
    ext, back = decode_header(encode_header(tuple(ast.ext), scope))
    assert back == scope
    assert same(list(ext), list(ast.ext))


def test_a_fresh_process_reads_the_header_from_disk(tmp_path, fresh_cache):
    first = parse_program(tmp_path)
    files = sorted(fresh_cache.glob("*.json"))
    assert files  # one per header piece of nsc's own headers
    parse_module._HEADER_CACHE.clear()  # as in a new process
    stamps = [f.stat().st_mtime_ns for f in files]
    second = parse_program(tmp_path)
    assert same(second.ext, first.ext)
    assert [f.stat().st_mtime_ns for f in files] == stamps  # read, not written again


def test_a_damaged_cache_file_is_parsed_again_and_replaced(tmp_path, fresh_cache):
    want = parse_program(tmp_path)
    for path in fresh_cache.glob("*.json"):
        data = json.loads(path.read_text())
        if data["ext"]:
            data["ext"][0][0] = "NoSuchNode"
            path.write_text(json.dumps(data))
        else:
            path.write_text(path.read_text()[:10])
    parse_module._HEADER_CACHE.clear()
    assert same(parse_program(tmp_path).ext, want.ext)
    for path in fresh_cache.glob("*.json"):
        decode_header(path.read_text())  # valid again


def test_other_headers_are_not_kept_on_disk(tmp_path, fresh_cache):
    user = tmp_path / "inc"
    user.mkdir()
    (user / "mine.h").write_text("typedef double real;\nreal twice(real x);\n")
    ast = parse_program(
        tmp_path, '#include "mine.h"\nreal f(real x) { return twice(x); }\n', (str(user),)
    )
    assert [type(n).__name__ for n in ast.ext] == ["Typedef", "Decl", "FuncDef"]
    assert not fresh_cache.exists() or not list(fresh_cache.glob("*.json"))


def test_shared_nodes_are_refused():
    node = c_ast.IdentifierType(["int"])
    decl = c_ast.TypeDecl("x", [], None, node)
    with pytest.raises(ValueError, match="twice"):
        encode_header((decl, c_ast.TypeDecl("y", [], None, node)), {})
