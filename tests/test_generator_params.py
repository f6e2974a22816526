"""Generated programs with struct parameters and inout pointers: nsc and gcc read them alike."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from nsc.data.gen_harness import gcc_syntax_error, input_names, run_program
from nsc.data.generator import FAMILIES, GeneratorConfig, build, generate
from nsc.frontend import FrontendOptions, c_to_ir
from nsc.ir.oracle import Oracle
from nsc.ir.sampling import sample_inputs

ALWAYS = GeneratorConfig(p_struct=1.0, p_inout=1.0, p_return=0.4)


def kinds(program) -> set[str]:
    return {kind for _, kind, _ in program.meta["params"]}


def test_both_forms_appear_and_the_default_mix_has_them_sometimes():
    forced = [generate(seed, ALWAYS) for seed in range(120)]  # about 85% and 30% (version 3)
    assert sum("struct" in kinds(p) for p in forced) >= 90
    assert sum("inout" in kinds(p) for p in forced) >= 24
    default = [generate(seed) for seed in range(200)]
    share = sum(bool(kinds(p) & {"struct", "inout"}) for p in default) / len(default)
    assert 0.1 <= share <= 0.6


def test_turning_the_forms_off_keeps_the_rest_of_the_program():
    off = GeneratorConfig(p_struct=0.0, p_inout=0.0)
    for seed in range(30):
        program = generate(seed)
        if not kinds(program) & {"struct", "inout"}:
            assert generate(seed, off).source == program.source


def test_signature_ports_are_the_fields_and_inout_pointers():
    programs = [build(family, 5, ALWAYS) for family in sorted(FAMILIES)]
    for program in programs:
        assert gcc_syntax_error(program.source) is None, program.source
        compiled = c_to_ir(program.source, filename="g.c")
        inputs = sorted(port.name for port in compiled.signature.inputs)
        assert inputs == sorted(input_names(program)), program.source
        inout = set(program.meta["inout"])
        outputs = {port.name for port in compiled.signature.outputs}
        assert inout <= outputs


def test_the_oracle_agrees_with_gcc_on_struct_and_inout_programs():
    config = replace(ALWAYS, p_double=1.0)
    programs = [p for p in (generate(seed, config) for seed in range(12))]
    assert any("inout" in kinds(p) for p in programs)
    for seed, program in enumerate(programs):
        compiled = c_to_ir(program.source, FrontendOptions(instrument=True), filename="g.c")
        inputs = sample_inputs(compiled.signature, 16, np.random.default_rng(seed))
        execution = Oracle(compiled.ir, compiled.signature, opt_level=0).run(inputs)
        names = input_names(program)
        reference = run_program(program, inputs={n: inputs[n] for n in names})
        assert reference.values is not None, reference.error
        got = [execution.outputs["return"]] if program.meta["return"] != "void" else []
        got += [execution.outputs[name] for name, *_ in program.meta["outputs"]]
        mine = np.hstack([g.reshape(16, -1) for g in got]).astype(np.float64)
        assert np.allclose(mine, reference.values, rtol=1e-6, atol=1e-9), program.source
