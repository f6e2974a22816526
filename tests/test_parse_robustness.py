"""Every way pycparser can fail becomes a located CompileError, in bounded time."""

from __future__ import annotations

import sys
import threading
import time

import pytest
from pycparser import c_ast
from pycparser.c_parser import Coord

from nsc.diagnostics import CompileError, SourceLocation
from nsc.frontend.parse import MAX_SOURCE_CHARS, call_deep, location, parse
from nsc.frontend.preprocess import preprocess


def parse_error(text: str, filename: str = "prog.c") -> CompileError:
    with pytest.raises(CompileError) as info:
        parse(text, filename)
    return info.value


def nested_parens(depth: int) -> str:
    return "int f(int x) {\n  return " + "(" * depth + "x" + ")" * depth + ";\n}\n"


def test_syntax_error_is_located():
    err = parse_error("int f(int x) {\n  int y = x;\n  return y y;\n}\n")
    assert err.location == SourceLocation("prog.c", 3, 12)
    assert err.message == "syntax error before 'y'"


def test_unknown_type_name_gets_a_hint():
    err = parse_error("int f(int x) {\n  uint8_t y = x;\n  return y;\n}\n")
    assert (err.location.line, err.location.column) == (2, 11)
    assert any("'uint8_t' a type" in hint for hint in err.hints)


def test_syntax_error_inside_a_user_header_names_the_header():
    text = '# 1 "prog.c"\nint a;\n# 1 "inc/defs.h" 1\n\nint b = 1 2;\n# 3 "prog.c" 2\nint c;\n'
    err = parse_error(text)
    assert err.location == SourceLocation("inc/defs.h", 2, 11)


def test_illegal_character_is_located():
    err = parse_error("int f(int x) {\n  return x @ 2;\n}\n")
    assert err.location == SourceLocation("prog.c", 2, 12)
    assert "'@'" in err.message


def test_unexpected_end_of_input_points_past_the_last_token():
    err = parse_error("int f(int x) {\n  return x;\n")
    assert err.message == "unexpected end of input"
    assert err.location == SourceLocation("prog.c", 2, 12)


def test_internal_assertion_becomes_a_located_error():
    # an extra '}' trips an assertion inside pycparser 3.0's scope handling
    err = parse_error("int f(int x) {\n  return x;\n}\n}\n")
    assert err.location == SourceLocation("prog.c", 4, 1)
    assert "'}'" in err.message


def test_reasonable_nesting_parses():
    ast = parse(nested_parens(500), "prog.c")
    assert isinstance(ast.ext[0], c_ast.FuncDef)
    blocks = "void f(void) {\n" + "{" * 300 + "}" * 300 + "\n}\n"
    assert isinstance(parse(blocks, "prog.c"), c_ast.FileAST)


@pytest.mark.parametrize(
    "text",
    [
        nested_parens(100_000),
        "void f(void) {\n" + "{" * 100_000 + "}" * 100_000 + "\n}\n",
        "void f(int x) {\n" + "if (x) " * 100_000 + "x = 1;\n}\n",
        "int f(int x) {\n  return " + "-" * 100_000 + "x;\n}\n",
    ],
    ids=["parens", "blocks", "ifs", "unary"],
)
def test_deep_nesting_is_a_clean_error_in_bounded_time(text: str):
    limit = sys.getrecursionlimit()
    start = time.monotonic()
    err = parse_error(text)
    assert time.monotonic() - start < 5
    assert "nested too deeply" in err.message
    assert err.location.file == "prog.c" and err.location.line == 2
    assert sys.getrecursionlimit() == limit


def test_parser_is_reusable_after_a_failure():
    parse_error(nested_parens(100_000))
    parse_error("int x = ;")
    ast = parse("typedef int T;\nT g(T a) { return a; }\n", "prog.c")
    assert [d.decl.name if isinstance(d, c_ast.FuncDef) else d.name for d in ast.ext] == ["T", "g"]
    # scope from the failed parses must not leak: T is not a type here
    assert parse("int T;\n", "prog.c").ext[0].name == "T"


def test_huge_input_is_rejected_before_parsing():
    text = "int a;\n" * (MAX_SOURCE_CHARS // 7 + 1)
    start = time.monotonic()
    err = parse_error(text)
    assert time.monotonic() - start < 1
    assert "at most 5 MB" in err.message and err.location.file == "prog.c"


def test_slow_parse_is_stopped_at_the_deadline():
    body = "int f%d(int x) { int y = x * 3 + 1; if (y > 2) { y = y - 1; } return y; }\n"
    text = "".join(body % i for i in range(2000))
    start = time.monotonic()
    with pytest.raises(CompileError) as info:
        parse(text, "prog.c", timeout_s=0.05)
    assert time.monotonic() - start < 1
    assert "too long" in info.value.message and info.value.location.line > 1


def test_location_handles_missing_coordinates():
    assert location(None, "a.c") == SourceLocation("a.c", 1, 1)
    assert location(c_ast.ID("x", coord=None), "a.c") == SourceLocation("a.c", 1, 1)
    node = c_ast.ID("x", coord=Coord("b.c", 7))
    assert location(node, "a.c") == SourceLocation("b.c", 7, 1)
    node = c_ast.ID("x", coord=Coord("", 3, 9))
    assert location(node, "a.c") == SourceLocation("a.c", 3, 9)


def test_location_unescapes_file_names_from_line_markers():
    ast = parse(preprocess("int v;\n", 'odd "dir"\\prog.c'), "ignored")
    assert location(ast.ext[0]).file == 'odd "dir"\\prog.c'


def test_call_deep_returns_values_and_reraises():
    assert call_deep(lambda a, b: a + b, 2, 3) == 5

    def deep(n: int) -> int:
        return 0 if n == 0 else 1 + deep(n - 1)

    assert call_deep(deep, 5000) == 5000
    with pytest.raises(ZeroDivisionError):
        call_deep(lambda: 1 / 0)


def test_call_deep_inside_call_deep_runs_in_place():
    def outer() -> tuple[threading.Thread, threading.Thread, object]:
        inner = call_deep(threading.current_thread)
        nested = call_deep(lambda: parse_error(nested_parens(100_000)))
        return threading.current_thread(), inner, nested

    here, inner, nested = call_deep(outer)
    assert here is inner and here is not threading.current_thread()
    assert "nested too deeply" in nested.message
