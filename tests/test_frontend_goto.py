"""goto and labels: lowering, the fuel a backward jump spends, and the errors."""

from __future__ import annotations

import numpy as np
import pytest

from nsc.diagnostics import CompileError
from nsc.frontend import FrontendOptions, c_to_ir
from nsc.ir.oracle import Oracle, Status
from tests.test_frontend_instrument import assert_strips_to_clean

LOOP = """
#pragma nsc range(n, 0, 100)
int f(int n) {
    int i = 0, s = 0;
top:
    if (i >= n) goto out;
    s += i++;
    goto top;
out:
    return s;
}
"""


def run(source: str, **inputs) -> object:
    compiled = c_to_ir(source, FrontendOptions(instrument=True), filename="t.c")
    return Oracle(compiled.ir, compiled.signature, fuel=1000).run(inputs)


def test_a_loop_of_gotos_computes_and_spends_fuel():
    n = np.array([0, 1, 10, 99], np.int32)
    result = run(LOOP, n=n)
    assert result.ok.all()
    assert result.outputs["return"].tolist() == [k * (k - 1) // 2 for k in n.tolist()]
    endless = "double f(double x) {\nagain:\n    x = x + 1;\n    goto again;\n}\n"
    result = run(endless, x=np.array([0.0]))
    assert result.status.tolist() == [Status.OUT_OF_FUEL]


def test_gotos_strip_to_the_clean_lowering():
    assert_strips_to_clean(LOOP, "t.c")


@pytest.mark.parametrize(
    "source, column, message",
    [
        ("double f(double x) { if (x) goto out; return x; }", 29, "label 'out' used but not"),
        ("double f(double x) { a: x += 1; a: return x; }", 33, "redefinition of label 'a'"),
    ],
)
def test_label_errors(source, column, message):
    with pytest.raises(CompileError, match=message) as info:
        c_to_ir(source, FrontendOptions(), filename="t.c")
    assert (info.value.location.line, info.value.location.column) == (1, column)
