"""The corpus program generator and the program statistics."""

from __future__ import annotations

import re

import pytest

from nsc.data.gen_harness import gcc_syntax_error, run_many, yield_report
from nsc.data.generator import (
    DEFAULT_WEIGHTS,
    FAMILIES,
    PRIMITIVE_ONLY,
    GeneratorConfig,
    build,
    generate,
)
from nsc.data.stats import program_stats
from nsc.diagnostics import NscError

TINY = """\
#include <math.h>
#pragma nsc entry(f)
#pragma nsc range(x, 0, 1)
static float sq(float v) { return v * v; }
float f(float x, const float a[4], float *out)
{
    float s = 0.0f;
    for (int i = 0; i < 4; i++)
        s += a[i] * x;
    if (s > 1.0f && x < 0.5f)
        s = sqrtf(s);
    *out = s > 0.0f ? sq(s) : -s;
    return (float)(((int)s) & 3);
}
"""


def one_per_family(seed: int = 0) -> list:
    return [build(name, seed, GeneratorConfig()) for name in sorted(FAMILIES)]


def test_same_seed_gives_identical_source():
    config = GeneratorConfig(p_double=0.9, max_depth=5)
    for seed in (0, 7, 12345):
        assert generate(seed).source == generate(seed).source
        assert generate(seed, config).source == generate(seed, config).source


def test_different_seeds_give_different_programs():
    sources = {generate(seed).source for seed in range(60)}
    assert len(sources) == 60


def test_every_family_in_the_default_mix_appears():
    seen = {generate(seed).family for seed in range(400)}
    assert seen == {name for name, weight in DEFAULT_WEIGHTS.items() if weight > 0}
    assert set(DEFAULT_WEIGHTS) == set(FAMILIES)


def test_a_family_off_by_default_changes_no_seed():
    """`primitive` (weight 0) is left out of the draw: every seed gives the program it gave
    before the family existed."""
    without = tuple((n, w) for n, w in DEFAULT_WEIGHTS.items() if n != "primitive")
    for seed in range(200):
        assert generate(seed).source == generate(seed, GeneratorConfig(without)).source


def test_primitive_programs_are_small():
    config = PRIMITIVE_ONLY
    for seed in range(50):
        program = generate(seed, config)
        assert program.family == "primitive" and 1 <= len(program.meta["inputs"]) <= 4
        assert "for (" not in program.source and "while" not in program.source


def test_family_weights_restrict_the_mix():
    config = GeneratorConfig(family_weights=(("series", 1.0), ("polynomial", 0.0)))
    assert {generate(seed, config).family for seed in range(20)} == {"series"}


@pytest.mark.parametrize(
    "weights", [(("nonsense", 1.0),), (("series", 0.0),), (("series", -1.0), ("rational", 2.0))]
)
def test_bad_family_weights_are_an_error(weights):
    with pytest.raises(NscError):
        generate(0, GeneratorConfig(family_weights=weights))


def test_unknown_family_is_an_error():
    with pytest.raises(NscError, match="unknown generator family"):
        build("fortran", 0, GeneratorConfig())


def test_every_input_has_a_range_and_the_entry_is_named():
    for seed in range(100):
        program = generate(seed)
        assert f"#pragma nsc entry({program.entry})" in program.source
        ranged = set(re.findall(r"#pragma nsc range\(([\w.]+),", program.source))
        assert ranged == {name for name, *_ in program.meta["inputs"]} | set(program.meta["inout"])
        assert 1 <= len(ranged) <= 12
        outputs = len(program.meta["outputs"]) + (program.meta["return"] != "void")
        assert 1 <= outputs <= 4


def test_generated_programs_compile_with_gcc():
    programs = one_per_family(1) + [generate(seed) for seed in range(15)]
    for program in programs:
        error = gcc_syntax_error(program.source)
        assert error is None, f"{program.family} seed {program.seed}:\n{error}\n{program.source}"


def test_generated_programs_mostly_give_finite_varying_outputs():
    programs = one_per_family(2)
    report = yield_report(run_many(programs, rows=64))
    assert report["ran"] == 1.0
    assert report["good"] >= 0.85, report


# A word of the source that shows each variant of the families generator version 3 widened.
VARIANTS = {
    "iterative": (
        "atan2(sqrt",
        "mid * mid * mid",
        "atan(mid)",
        "exp(mid)",
        "sinh(mid)",
        "fabs(fm)",
        "3.0 * y",
        "cos(x)",
    ),
    "linalg": ("roll", "-cp * sy", "atan2(rotated", "rotated[2]", "theta1", "det", "trace"),
    "reduction": ("aa +=", "ww +=", "mean /=", "count++", "temp", "yk =", "ema", "dx", "norm"),
    "series": ("term *=", "int k;", "p0", "slope", "b0 ="),
    "geometry": ("half_b", "diffuse", "closest", "cosang", "denom", "d00", "angle"),
}


@pytest.mark.parametrize("family", sorted(VARIANTS))
def test_every_variant_runs_with_gcc(family):
    config = GeneratorConfig(p_compose=0.0, p_double=1.0)  # no float math names to match
    sources = [build(family, seed, config) for seed in range(300)]
    programs = []
    for word in VARIANTS[family]:  # the first program with each variant
        programs.append(next((p for p in sources if word in p.source), None))
        assert programs[-1] is not None, word
    results = run_many(programs, rows=64)
    bad = [(p.seed, r.error) for p, r in zip(programs, results, strict=True) if not r.varying]
    assert not bad and all(r.finite for r in results), bad


def test_gcc_check_reports_errors():
    assert gcc_syntax_error("float f(float x) { return undefined_fn(x); }") is not None
    assert gcc_syntax_error("#include <math.h>\nfloat f(float x) { return sinf(x); }\n") is None


def test_generated_programs_pass_the_nsc_frontend():
    frontend = pytest.importorskip("nsc.frontend.lower")
    assert frontend
    from nsc.frontend import c_to_ir

    for program in one_per_family(3):
        compiled = c_to_ir(program.source, filename=f"{program.family}.c")
        assert compiled.signature.entry == program.entry


def test_stats_of_a_tiny_program_are_exact():
    stats = program_stats(TINY, "tiny.c")
    assert stats["lines"] == 9
    assert stats["functions"] == 2
    assert stats["entry"] == "f"
    assert (stats["inputs"], stats["outputs"]) == (2, 2)
    assert stats["statements"] == 8
    assert stats["max_expr_depth"] == 4
    assert stats["mean_expr_depth"] == pytest.approx(2.6)
    assert stats["ops"] == {"arith": 5, "compare": 4, "logical": 1, "bitwise": 1, "assign": 2}
    assert (stats["math_calls"], stats["math_funcs"], stats["calls"]) == (1, {"sqrtf": 1}, 1)
    assert (stats["loops"], stats["trip_counts"], stats["max_loop_nesting"]) == (1, [4], 1)
    assert (stats["ifs"], stats["ternaries"], stats["switches"], stats["branches"]) == (1, 1, 0, 2)
    assert (stats["casts"], stats["local_arrays"], stats["globals"]) == (2, 0, 0)


@pytest.mark.parametrize(
    "header, trips",
    [
        ("for (int i = 0; i < 10; i++)", [10]),
        ("for (int i = 9; i >= 0; --i)", [10]),
        ("for (int i = 1; i <= 7; i += 3)", [3]),
        ("for (int i = 0; i < n; i++)", [None]),
        ("for (int i = 0; i < 8 && i < n; i++)", [None]),
        ("while (n-- > 0)", [None]),
    ],
)
def test_stats_trip_counts(header, trips):
    source = f"int f(int n) {{ int s = 0; {header} s += 1; return s; }}"
    assert program_stats(source, "loop.c")["trip_counts"] == trips


def test_stats_of_generated_programs_are_sane():
    for program in one_per_family(4):
        stats = program_stats(program.source, "gen.c")
        assert stats["entry"] == program.entry
        params = program.meta["params"]
        assert stats["inputs"] == sum(kind in ("input", "struct") for _, kind, _ in params)
        assert stats["statements"] >= 1 and stats["max_expr_depth"] >= 1


@pytest.mark.parametrize(
    "config",
    [GeneratorConfig(p_double=1.5), GeneratorConfig(max_outputs=0), GeneratorConfig(max_depth=0)],
)
def test_bad_knobs_are_an_error(config):
    with pytest.raises(NscError):
        generate(3, config)


def test_seed_must_be_an_int():
    with pytest.raises(NscError, match="seed must be an int"):
        generate("3")  # type: ignore[arg-type]


def test_float_only_config_gives_float_programs():
    for seed in range(10):
        program = generate(seed, GeneratorConfig(p_double=0.0))
        assert program.meta["ctype"] == "float"
        assert "double" not in program.source
