"""What datagen does to save time gives the same results: the header prelude cache, modules handed
over without printing, and oracles sharing one JIT engine."""

from __future__ import annotations

import numpy as np

from nsc.data.generator import generate
from nsc.frontend import FrontendOptions, c_to_ir
from nsc.frontend.codegen import prelude
from nsc.frontend.lower import ir_text, lower_module, lower_parsed, parse_c
from nsc.ir import jit
from nsc.ir.oracle import Oracle
from nsc.ir.sampling import sample_inputs

# Defines a function math.h declares: the definition must not leak into later compilations.
DEFINES_HYPOT = """\
#include <math.h>
static double hypot(double x, double y) { return x + y; }
double f(double x) { return hypot(x, 2.0); }
"""
CALLS_HYPOT = """\
#include <math.h>
double g(double x) { return hypot(x, 2.0); }
"""


def test_header_symbols_are_reused_but_never_shared_between_compilations():
    prelude._CACHE.clear()
    fresh = c_to_ir(CALLS_HYPOT, filename="b.c").ir
    first = c_to_ir(DEFINES_HYPOT, filename="a.c").ir
    assert "define internal double @hypot" in first
    assert c_to_ir(CALLS_HYPOT, filename="b.c").ir == fresh
    assert "declare double @hypot" in fresh
    cached = [dict(e.symbols)["hypot"] for e in prelude._CACHE.values()]
    assert cached and not any(s.defined or s.static for s in cached)


def test_lowered_module_prints_as_lower_parsed_does():
    source = generate(11).source
    parsed = parse_c(source, FrontendOptions(), "p.c")
    module, signature = lower_module(parsed, instrument=True)
    compiled = lower_parsed(parsed, instrument=True)
    assert ir_text(module) == compiled.ir and signature == compiled.signature


def test_oracles_in_a_shared_engine_agree_with_engines_of_their_own():
    engine = jit.SharedEngine(0, capacity=3)  # the fourth program starts a second engine
    options = FrontendOptions(instrument=True)
    engines = set()
    for seed in range(5):
        compiled = c_to_ir(generate(seed).source, options, filename=f"s{seed}.c")
        inputs = sample_inputs(compiled.signature, 64, np.random.default_rng(seed))
        alone = Oracle(compiled.ir, compiled.signature, opt_level=0).run(inputs)
        shared = Oracle(compiled.ir, compiled.signature, opt_level=0, engine=engine)
        engines.add(id(shared.engine))
        got = shared.run(inputs)
        assert np.array_equal(got.status, alone.status)
        for name, array in alone.outputs.items():
            assert np.array_equal(got.outputs[name], array, equal_nan=True), (seed, name)
    assert len(engines) == 2


def test_an_engine_of_another_level_is_not_used():
    compiled = c_to_ir(generate(1).source, FrontendOptions(instrument=True), filename="p.c")
    engine = jit.SharedEngine(2)
    oracle = Oracle(compiled.ir, compiled.signature, opt_level=0, engine=engine)
    assert engine._engine is None and oracle.engine is not None
