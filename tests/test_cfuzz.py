"""The random program generator (tests/cfuzz/): deterministic, and its programs agree with gcc."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from cfuzz import ULLONG, ULONG, generate, int_constant_type

from nsc.frontend import FrontendOptions, c_to_ir

SEEDS = [0, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377, 610, 987, 1597, 2584, 4181, 6765]
# programs with math.h calls, NaN and infinities, frexp or modf, record helpers taking and
# returning structs, struct inputs and a struct result of the entry, const array inputs
RECORD_AND_FLOAT_SEEDS = [130, 256]
needs_gcc = pytest.mark.skipif(shutil.which("gcc") is None, reason="needs gcc")


def test_the_same_seed_gives_the_same_program():
    assert generate(42) == generate(42)
    assert generate(42) != generate(43)


def test_programs_name_their_entry_and_range_every_input():
    text = generate(7)
    assert "#pragma nsc entry(f)" in text
    signature = c_to_ir(text, FrontendOptions(), filename="fuzz.c").signature
    assert signature.outputs and all(port.range is not None for port in signature.inputs)


def test_integer_constants_take_the_first_type_that_holds_them():
    assert int_constant_type(2147483648, decimal=True, suffix="").name == "long"
    assert int_constant_type(0xFFFFFFFF, decimal=False, suffix="").name == "unsigned"
    assert int_constant_type(2**63, decimal=False, suffix="") == ULONG
    assert int_constant_type(2**63, decimal=False, suffix="ll") == ULLONG
    assert int_constant_type(2**63, decimal=True, suffix="") is None


def test_some_programs_exercise_floats_and_records():
    text = generate(RECORD_AND_FLOAT_SEEDS[0])
    for construct in ("INFINITY", "frexp", "struct R", "const ", "#pragma nsc range(rin"):
        assert construct in text or construct.replace("INFINITY", "NAN") in text, construct


@needs_gcc
@pytest.mark.parametrize("seed", SEEDS + RECORD_AND_FLOAT_SEEDS)
def test_generated_program_matches_gcc(seed: int, tmp_path: Path):
    from gcc_harness import compare

    source = tmp_path / f"fuzz_{seed}.c"
    source.write_text(generate(seed))
    result = compare(source, tmp_path, rows=32, seed=seed, ulps=0)  # bit-identical
    assert not result.problems, "\n".join(result.problems)
