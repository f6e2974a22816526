"""Graph invariants on every examples/*.c and tests/programs/*.c, compiled and run through -O2."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_graph import check_invariants, named

from nsc.diagnostics import NscError
from nsc.ir.graph import build_graph
from nsc.ir.passes import run_passes

REPO = Path(__file__).resolve().parent.parent
SOURCES = sorted((REPO / "examples").glob("*.c")) + sorted((REPO / "tests/programs").glob("*.c"))

try:
    from nsc.frontend.lower import compile_c  # noqa: F401

    FRONTEND = None
except ImportError as exc:  # the frontend is still being written
    FRONTEND = f"the frontend is not available yet: {exc}"


@pytest.mark.skipif(FRONTEND is not None, reason=FRONTEND or "")
@pytest.mark.parametrize("path", SOURCES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_compiled_program_graph_invariants(path):
    from nsc.frontend import c_to_ir

    try:
        compiled = c_to_ir(path)
    except NscError as exc:
        pytest.skip(f"{path.name} does not compile as a whole file: {exc.message}")
    optimized = run_passes(compiled.ir, "O2", verify_each=True).module
    text = named(optimized.text)
    graph = build_graph(text, compiled.signature)
    check_invariants(text, graph, compiled.signature)
    canonical = run_passes(optimized, "canonicalize", verify_each=True).module
    assert build_graph(canonical).number_of_nodes() == graph.number_of_nodes()
