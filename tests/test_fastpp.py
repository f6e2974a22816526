"""`preprocess_plain`: cpp's output predicted without cpp, or None where it cannot be."""

from __future__ import annotations

import pytest

from nsc.data.fastpp import preprocess_plain
from nsc.data.generator import FAMILIES, GeneratorConfig, build, generate
from nsc.frontend.preprocess import preprocess


def cpp(source: str, filename: str) -> str:
    """cpp's output from the main file's first line marker on (before it: temporary paths)."""
    text = preprocess(source, filename)
    return text[text.index(f'# 1 "{filename}"\n') :]


def test_generated_programs_come_out_as_cpp_prints_them():
    sources = [generate(seed).source for seed in range(120)]
    sources += [build(family, 3, GeneratorConfig()).source for family in sorted(FAMILIES)]
    for k, source in enumerate(sources):
        fast = preprocess_plain(source, f"seed-{k}.c")
        assert fast is not None, source
        assert fast == cpp(source, f"seed-{k}.c"), source


def test_numeric_macros_are_expanded_in_code_and_pragmas():
    source = (
        "#include <math.h>\n\n#pragma nsc range(x, -M_PI, M_PI)\n"
        "double f(double x)\n{\n    return cos(M_PI / 8.0 * x) + 2.0 * M_PI_2 * x;\n}\n\n\n"
    )
    fast = preprocess_plain(source, "a.c")
    assert fast == cpp(source, "a.c")
    assert "M_PI" not in fast and "3.14159265358979323846 / 8.0" in fast


@pytest.mark.parametrize(
    "body",
    [
        "double f(double x) { return x; } /* a comment */",
        "double f(double x) { return x; } // a comment",
        "#define K 2\ndouble f(double x) { return K * x; }",
        "double f(double x) { return isnan(x) ? 0.0 : x; }",  # a function-like macro
        "double f(double x) { return x + INFINITY; }",  # a macro that is not one number
        "double f(double x) { return x+M_PI-x; }",  # cpp would insert a space after M_PI
        "double f(double x) { return __LINE__ * x; }",
        "double f(double x)\n{\n\treturn x;\n}",  # a tab
        "double f(double x) {  return x; }",  # spacing cpp would squeeze
        "double f(double x) { return x; }   ",  # trailing blanks
        'double f(double x) { const char *s = "#"; return x; }',
        "double f(double x) { return x \\\n + 1.0; }",
        "double f(double x) { return x ??= 1.0; }",
        "double f(double x)\n" + "\n" * 9 + "{ return x; }",  # cpp prints a marker instead
        "    \ndouble f(double x) { return x; }",  # a line of blanks
    ],
)
def test_anything_cpp_might_print_differently_falls_back(body):
    assert preprocess_plain(f"#include <math.h>\n{body}\n", "a.c") is None


def test_sources_without_a_leading_include_or_with_odd_names_fall_back():
    body = "double f(double x) { return x; }\n"
    assert preprocess_plain(body, "a.c") is None
    assert preprocess_plain("#include <math.h>\n" + body, "dir/a.c") is None
    assert preprocess_plain("#include <math.h>\n" + body, 'a"b.c') is None
    assert preprocess_plain("#include <no_such_header.h>\n" + body, "a.c") is None
