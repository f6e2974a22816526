"""Old-style (K&R) function definitions: rewritten into prototyped ones (tests/programs has the
differential program); here the signature they give and the errors of malformed ones."""

from __future__ import annotations

import pytest

from nsc.diagnostics import CompileError
from nsc.frontend import FrontendOptions, c_to_ir


def test_entry_signature_comes_from_the_declarations():
    compiled = c_to_ir(
        "float scale(v, k, w)\n  const float w[3];\n  float v;\n{ return v * k + w[k & 1]; }\n",
        FrontendOptions(),
    )
    inputs = {p.name: (p.dtype, p.shape) for p in compiled.signature.inputs}
    assert inputs == {"v": ("float32", ()), "k": ("int32", ()), "w": ("float32", (3,))}
    assert [p.name for p in compiled.signature.outputs] == ["return"]


def test_identifier_list_without_declarations_is_ints():
    compiled = c_to_ir("double f(a, b) { return a / b; }\n", FrontendOptions())
    assert [p.dtype for p in compiled.signature.inputs] == ["int32", "int32"]
    assert "sdiv i32" in compiled.ir


@pytest.mark.parametrize(
    ("source", "line", "col", "message"),
    [
        ("double f(x)\n  double x;\n  int y;\n{ return x; }\n", 3, 7, "no such parameter"),
        (
            "double f(x)\n  double x;\n  float x;\n{ return x; }\n",
            3,
            9,
            "redefinition of parameter 'x'",
        ),
        ("double f(x, x)\n  double x;\n{ return x; }\n", 1, 13, "redefinition of parameter 'x'"),
        ("double f(x)\n  double x = 1;\n{ return x; }\n", 2, 14, "parameter 'x' is initialized"),
    ],
)
def test_malformed_definitions_are_located(source, line, col, message):
    with pytest.raises(CompileError, match=message) as info:
        c_to_ir(source, FrontendOptions())
    assert (info.value.location.line, info.value.location.column) == (line, col)


def test_implicit_int_declarations_are_located_with_a_hint():
    with pytest.raises(CompileError, match="missing type in declaration") as info:
        c_to_ir("double f(double x) {\n  register i = 2;\n  return x * i;\n}\n", FrontendOptions())
    assert (info.value.location.line, info.value.location.column) == (2, 12)
    assert "implicit int" in info.value.hints[0]
