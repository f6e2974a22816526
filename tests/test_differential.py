"""Differential tests: every program in tests/programs computes the same bits under nsc and gcc."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from gcc_harness import build, harness_source, leaf_offsets, mismatches, run, size_align

from nsc.signature import Param, Port, Signature, leaf_ports

PROGRAMS = Path(__file__).parent / "programs"
ROWS = 48

# Confirmed frontend/oracle bugs: program name -> reason (strict: they must fail until fixed).
KNOWN_BUGS: dict[str, str] = {}


def _program_params():
    for path in sorted(PROGRAMS.glob("*.c")):
        marks = []
        if path.stem in KNOWN_BUGS:
            marks.append(pytest.mark.xfail(reason=KNOWN_BUGS[path.stem], strict=True))
        yield pytest.param(path, id=path.stem, marks=marks)


def test_there_are_enough_programs():
    assert len(list(PROGRAMS.glob("*.c"))) >= 60


@pytest.mark.parametrize("program", list(_program_params()))
def test_program_matches_gcc(program: Path, tmp_path: Path):
    from gcc_harness import compare

    result = compare(program, tmp_path, rows=ROWS, seed=1, ulps=0)  # bit-identical
    assert result.signature.outputs, "a test program must have outputs"
    assert not result.problems, "\n".join(result.problems)


# ---------------------------------------------------------------- the harness itself, gcc only

F32 = {"kind": "float", "bits": 32}
F64 = {"kind": "float", "bits": 64}
I8 = {"kind": "int", "bits": 8, "signed": True}
I32 = {"kind": "int", "bits": 32, "signed": True}
RGB = {"kind": "struct", "name": "rgb", "fields": [["r", F32], ["g", F32], ["b", F32]]}
BLOB = {
    "kind": "struct",
    "name": "blob",
    "fields": [["c", I8], ["d", F64], ["v", {"kind": "array", "n": 2, "of": I32}]],
}

HAND_WRITTEN = """
struct rgb { float r, g, b; };
struct blob { char c; double d; int v[2]; };
double f(struct rgb p, const struct rgb *q, struct blob *o, int k) {
    o->c = (char)k; o->d = (double)p.g * q->b; o->v[0] = k * 2; o->v[1] = -k;
    return p.r + q->r + k;
}
"""


def _hand_signature() -> Signature:
    params = (
        Param("p", "value", RGB, "input"),
        Param("q", "pointer", RGB, "input", const=True),
        Param("o", "pointer", BLOB, "output"),
        Param("k", "value", I32, "input"),
    )
    inputs = leaf_ports("p", RGB, 0) + leaf_ports("q", RGB, 1) + leaf_ports("k", I32, 3)
    outputs = leaf_ports("o", BLOB, 2) + leaf_ports("return", F64, -1)
    return Signature("f", params, tuple(inputs), tuple(outputs), F64)


def test_layout_follows_sysv_padding():
    assert size_align(BLOB) == (24, 8)
    assert leaf_offsets(BLOB, (1,)) == [8]
    assert leaf_offsets(BLOB, (2,)) == [16, 20]
    nested = {
        "kind": "array",
        "n": 2,
        "of": {"kind": "struct", "name": "s", "fields": [["a", I8], ["b", F32]]},
    }
    assert leaf_offsets(nested, (1,)) == [4, 12]


def test_harness_passes_structs_pointers_and_scalars(tmp_path: Path):
    source = tmp_path / "hand.c"
    source.write_text(HAND_WRITTEN)
    signature = _hand_signature()
    rng = np.random.default_rng(0)
    inputs = {
        p.name: rng.integers(-50, 50, 5)
        if p.is_integer
        else rng.uniform(-1, 1, 5).astype(np.float32)
        for p in signature.inputs
    }
    out = run(build(source, signature, tmp_path), inputs)
    k = inputs["k"]
    np.testing.assert_array_equal(out["o.c"], k)
    np.testing.assert_array_equal(out["o.v"], np.stack([2 * k, -k], axis=1))
    np.testing.assert_array_equal(out["o.d"], inputs["p.g"].astype(np.float64) * inputs["q.b"])
    expected = (inputs["p.r"] + inputs["q.r"] + k.astype(np.float32)).astype(np.float64)
    np.testing.assert_allclose(out["return"], expected, rtol=1e-6)


def test_harness_source_declares_mirrors():
    text = harness_source(_hand_signature())
    assert "double f(struct nsc_h_s0, void *, void *, signed int);" in text


def test_mismatches_allow_one_ulp_and_nan_but_not_two_ulps():
    port = Port("y", "float32")
    a = np.array([1.0, np.nan, np.inf, 0.0], dtype=np.float32)
    one_ulp = np.array(
        [np.nextafter(np.float32(1), np.float32(2)), np.nan, np.inf, -0.0], np.float32
    )
    assert mismatches(port, a, one_ulp) == []
    two_ulps = one_ulp.copy()
    two_ulps[0] = np.nextafter(two_ulps[0], np.float32(2))
    assert len(mismatches(port, a, two_ulps)) == 1
    assert len(mismatches(port, a, np.array([1.0, 0.0, np.inf, 0.0], np.float32))) == 1


def test_mismatches_compare_integers_exactly():
    port = Port("n", "int64")
    assert mismatches(port, np.array([1, 2]), np.array([1, 2])) == []
    assert len(mismatches(port, np.array([1, 2]), np.array([1, 3]))) == 1
