"""GNU case ranges (`case LO ... HI:`): parsing, gcc's overlap rule, lowering, located errors."""

from __future__ import annotations

import re

import numpy as np
import pytest

from nsc.diagnostics import CompileError
from nsc.frontend import FrontendOptions, c_to_ir
from nsc.frontend.caseranges import CaseRange
from nsc.frontend.parse import parse
from nsc.ir.oracle import Oracle


def compile_ir(source: str) -> str:
    return c_to_ir(source, FrontendOptions(), filename="t.c").ir


def run(source: str, **inputs) -> np.ndarray:
    compiled = c_to_ir(source, FrontendOptions(instrument=True), filename="t.c")
    result = Oracle(compiled.ir, compiled.signature, fuel=1000).run(inputs)
    assert result.ok.all()
    return result.outputs["return"]


def switch(labels: str, ctype: str = "int") -> str:
    return f"int f({ctype} x) {{\n  switch (x) {{\n{labels}  }}\n  return 0;\n}}\n"


def test_the_parser_gives_a_case_a_range_with_pycparser_coordinates():
    ast = parse("int f(int x) { switch (x) { case 'a' ... 1 ? 2 : 3: return 1; } }", "t.c")
    case = ast.ext[0].body.block_items[0].stmt.block_items[0]
    assert isinstance(case.expr, CaseRange)
    assert case.expr.lo.value == "'a'" and type(case.expr.hi).__name__ == "TernaryOp"
    assert (case.coord.column, case.expr.coord.column, case.expr.hi.coord.column) == (29, 34, 42)
    assert [name for name, _ in case.expr.children()] == ["lo", "hi"]


def test_ranges_compute_as_gcc_computes_them():
    source = switch(
        "  case -2147483647 - 1 ... -1000001: return 1;\n"  # huge, from INT_MIN
        "  case -3 ... 3: return 2;\n"  # small: cases
        "  case 5 ... 4: return 3;\n"  # empty
        "  case 10: case 20 ... 1000000: return 4;\n"  # huge: a comparison
        "  default: return 5;\n"
    )
    x = np.array([-(2**31), -1000002, -1000001, -1000000, -4, -3, 0, 3, 4, 5, 9, 10, 19, 20,
                  1000000, 1000001, 2**31 - 1], np.int32)  # fmt: skip
    expected = [1, 1, 1, 5, 5, 2, 2, 2, 5, 5, 5, 4, 5, 4, 4, 5, 5]
    assert run(source, x=x).tolist() == expected


def test_an_unsigned_switch_compares_its_ranges_unsigned():
    source = switch(
        "  case 0x7ffffff0u ... 0x80000100u: return 1;\n"  # across INT_MAX
        "  case -2 ... 2: return 2;\n"  # 4294967294 ... 2: empty, as gcc reads it
        "  case 0u ... 0x7fffffefu: case 0x80000101u ... 0xfffffffdu: return 3;\n",
        "unsigned",
    ).replace("return 0;", "return 4;")
    x = np.array([0, 2, 0x7FFFFFEF, 0x7FFFFFF0, 0x80000000, 0x80000100, 0x80000101,
                  0xFFFFFFFD, 0xFFFFFFFE, 0xFFFFFFFF], np.uint32)  # fmt: skip
    assert run(source, x=x).tolist() == [3, 3, 3, 1, 1, 1, 3, 3, 4, 4]


def test_a_huge_range_is_one_comparison_not_a_million_cases():
    ir = compile_ir(switch("  case 0 ... 1000000: return 1;\n  case 2000000: return 2;\n"))
    assert len(ir) < 2000
    assert re.search(r"icmp ule i32 %\S+, 1000000\n", ir) and "sub" not in ir  # x - 0 is x
    assert re.search(r"switch i32 %\S+, label %switch\.range \[\s*i32 2000000,", ir)
    small = compile_ir(switch("  case 1 ... 3: return 1;\n"))
    assert "icmp" not in small and all(f"i32 {v}, label %switch.case" in small for v in (1, 2, 3))


def test_without_ranges_the_switch_is_lowered_as_before():
    ir = compile_ir(switch("  case 1: return 1;\n  case 2: return 2;\n"))
    assert "switch.range" not in ir and "icmp" not in ir


@pytest.mark.parametrize(
    ("labels", "line", "column", "message", "hint"),
    [
        ("  case 1 ... 10: return 1;\n  case 5 ... 20: return 2;\n", 4, 8,
         r"^duplicate \(or overlapping\) case value 5 \.\.\. 20$", "'case 1 ... 10' (line 3)"),
        ("  case 5 ... 20: return 1;\n  case 1 ... 5: return 2;\n", 4, 8,
         r"^duplicate \(or overlapping\) case value 1 \.\.\. 5$", "'case 5 ... 20' (line 3)"),
        ("  case 1 ... 10: return 1;\n  case 3: return 2;\n", 4, 8,
         r"^duplicate case value 3$", "'case 1 ... 10' (line 3)"),
        ("  case 3: return 1;\n  case 3 ... 3: return 2;\n", 4, 8,
         r"^duplicate case value 3$", None),  # `3 ... 3` is `3`, as in gcc
        # an empty range keeps its low value, as gcc keeps it
        ("  case 10 ... 5: return 1;\n  case 10: return 2;\n", 4, 8,
         r"^duplicate case value 10$", "'case 10 ... 5' (line 3)"),
        ("  case 1 ... 10: return 1;\n  case 10 ... 5: return 2;\n", 4, 8,
         r"^duplicate \(or overlapping\) case value 10 \.\.\. 5$", "'case 1 ... 10' (line 3)"),
        ("  case 1 ... y: return 1;\n", 3, 14, r"'y' is not a compile-time constant", None),
        ("  case 1.5 ... 2: return 1;\n", 3, 8, r"case label must be an integer constant", None),
        ("  case 1...5: return 1;\n", 3, 11, r"invalid struct reference",
         "write spaces around '...' in a case range ('1 ... 5'): '1...5' is one number"),
    ],
)  # fmt: skip
def test_located_errors(labels, line, column, message, hint):
    source = switch(labels).replace("int f(int x)", "int f(int x, int y)")
    with pytest.raises(CompileError) as info:
        compile_ir(source)
    err = info.value
    assert (err.location.file, err.location.line, err.location.column) == ("t.c", line, column)
    assert re.search(message, err.message), err.message
    if hint is None:
        assert err.hints == ()
    else:
        assert len(err.hints) == 1 and hint in err.hints[0], err.hints


def test_the_gcc_overlap_rule_accepts_what_gcc_accepts():
    # an empty range is a key, not an interval: gcc takes these
    compile_ir(switch("  case 6: case 10 ... 5: case 9: return 1;\n"))
    compile_ir(switch("  case 6 ... 8: case 10 ... 5: case 9: case 4 ... 5: return 1;\n"))
    compile_ir(switch("  case 250 ... 300: case 1 ... 200: return 1;\n", "unsigned char"))


@pytest.mark.parametrize(
    ("source", "line", "column", "message"),
    [
        ("int f(int x) {\n  int a = 1 ... 2;\n  return a;\n}\n", 2, 13, "syntax error before '...'"),
        ("int f(int x) {\n  return x ? 1 ... 2 : 3;\n}\n", 2, 16, "syntax error before '...'"),
        ("int f(int x) {\n  case 1 ... 2: return x;\n}\n", 2, 3,
         "'case' label not within a switch statement"),
    ],
)  # fmt: skip
def test_an_ellipsis_outside_a_case_label_of_a_switch_is_an_error(source, line, column, message):
    with pytest.raises(CompileError) as info:
        compile_ir(source)
    assert (info.value.location.line, info.value.location.column) == (line, column)
    assert info.value.message == message


def test_variadic_prototypes_still_parse_beside_ranges():
    source = "int sum(int n, ...);\nint g(int, ...);\n" + switch("  case 'a' ... 'z': return 1;\n")
    assert "switch.range" in compile_ir(source)
