"""Element marks: the graph's `reads`/`writes`, the slots' touch pairs, and the C layout they rest
on (checked against gcc's offsetof)."""

from __future__ import annotations

import shutil
import subprocess

import numpy as np
import pytest

from nsc.backend.arrays import program_tensors
from nsc.backend.vocab import Vocab
from nsc.frontend import FrontendOptions, c_to_ir
from nsc.ir.graph import program_graph, to_dot
from nsc.ir.passes import run_passes
from nsc.signature import layout_places, layout_size

NESTED = """
struct inner { char c; double d; float a[3]; };
struct outer { short s; struct inner in[2]; int last; };
"""


def graph_of(source: str, pipeline: str = "O2"):
    compiled = c_to_ir(source, FrontendOptions(), filename="elements.c")
    entry = compiled.signature.entry
    module = run_passes(compiled.ir, f"{pipeline},canonicalize{{entry={entry}}}").module
    return program_graph(module, compiled.signature), compiled.signature


def marks(graph, key: str) -> dict[str, list[str]]:
    """Label -> the opcodes of the nodes marked as touching it."""
    found: dict[str, list[str]] = {}
    for attrs in graph.nodes:
        for label in attrs.get(key, ()):
            found.setdefault(label, []).append(attrs["text"])
    return found


@pytest.mark.skipif(shutil.which("gcc") is None, reason="needs gcc")
def test_layout_places_match_gcc_offsetof(tmp_path):
    compiled = c_to_ir(
        NESTED + "float f(const struct outer *o) { return o->in[1].a[2]; }",
        FrontendOptions(),
        filename="layout.c",
    )
    layout = compiled.signature.params[0].layout
    places = {p.label: p.offset for p in layout_places("o", layout)}
    fields = ["s", "last"]
    fields += [f"in[{i}].{name}" for i in range(2) for name in ("c", "d", "a[0]", "a[1]", "a[2]")]
    prints = (
        "".join(f'printf("%zu\\n", offsetof(struct outer, {name}));' for name in fields)
        + 'printf("%zu\\n", sizeof(struct outer));'
    )
    program = tmp_path / "offsets.c"
    program.write_text(
        "#include <stddef.h>\n#include <stdio.h>\n" + NESTED + f"int main(void) {{ {prints} }}"
    )
    subprocess.run(["gcc", str(program), "-o", str(tmp_path / "offsets")], check=True)
    out = subprocess.run([str(tmp_path / "offsets")], capture_output=True, text=True, check=True)
    *offsets, size = map(int, out.stdout.split())
    # the port of in[i].a[j] is o.in.a, shape (2, 3): element 3 * i + j
    labels = ["o.s", "o.last"] + [
        label
        for i in range(2)
        for label in (f"o.in.c[{i}]", f"o.in.d[{i}]", *[f"o.in.a[{3 * i + j}]" for j in range(3)])
    ]
    assert [places[label] for label in labels] == offsets
    assert layout_size(layout) == size
    assert len(places) == 2 + 2 * 5


def test_array_loads_and_out_pointer_stores_are_marked():
    graph, _ = graph_of(
        """
        #pragma nsc range(w, -1, 1)
        void f(const float w[4], double *sum, float out[2]) {
            *sum = w[0] + 2.0 * w[3];
            out[1] = w[1] * w[2];
            out[0] = 0.5f;
        }"""
    )
    reads, writes = marks(graph, "reads"), marks(graph, "writes")
    assert {label: set(ops) for label, ops in reads.items()} == {
        f"w[{i}]": {"load"} for i in range(4)
    }
    assert {label: set(ops) for label, ops in writes.items()} == {
        "sum": {"store"},
        "out[0]": {"store"},
        "out[1]": {"store"},
    }
    dot = to_dot(graph.to_networkx())  # `nsc graph --format dot` shows them
    assert 'label="load <- w[3]"' in dot and 'label="store -> out[1]"' in dot


def test_struct_by_value_fields_are_marked_through_extractvalue():
    graph, signature = graph_of(
        """
        struct rgb { float r, g, b; };
        float f(struct rgb p, const struct rgb *q) { return p.g * q->b - p.r; }"""
    )
    reads = marks(graph, "reads")
    assert reads == {
        "p.r": ["extractvalue"],
        "p.g": ["extractvalue"],
        "q.b": ["load"],
    }


def test_a_load_wider_than_the_element_is_not_marked():
    # one 8-byte load at w[0]'s offset reads both floats' bytes as a double (-O2 takes w[1]
    # out of the same bits): it is not a read of w[0]
    graph, _ = graph_of("double f(const float w[2]) { return *(const double *)w + w[1]; }")
    loads = [attrs for attrs in graph.nodes if attrs["text"] == "load"]
    assert len(loads) == 1 and marks(graph, "reads") == {}


def test_varying_offsets_are_not_marked():
    graph, _ = graph_of(
        """
        #pragma nsc range(n, 0, 63)
        float f(const float w[64], int n) {
            float s = 0.0f;
            for (int i = 0; i < n; i++) s += w[i];
            return s;
        }"""
    )
    assert marks(graph, "reads") == {}


def test_slots_pair_with_the_nodes_that_touch_their_element():
    graph, signature = graph_of("float f(const float w[3], float x) { return w[2] * x + w[0]; }")
    tensors = program_tensors(graph, Vocab.build([graph.to_networkx()]), signature)
    ins = tensors.inputs
    pairs = zip(ins.touch_slot, ins.touch_node, strict=True)
    touched = {int(s): graph.nodes[int(n)]["reads"] for s, n in pairs}
    # slots: w[0], w[1], w[2], x; w[1] is never read, x is a scalar argument (its own node)
    assert touched == {0: ["w[0]"], 2: ["w[2]"]}
    assert np.array_equal(np.unique(ins.pair_slot), np.arange(4))
    outs = tensors.outputs
    assert outs.touch_slot.size == 0  # a returned value has no store to mark
