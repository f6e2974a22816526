"""nscc warns when an output-only pointer's initial contents change what the entry computes."""

from __future__ import annotations

import numpy as np
import pytest
from test_nscc import model, nscc  # noqa: F401 (a fixture)

from nsc.frontend import FrontendOptions, c_to_ir
from nsc.ir.oracle import Oracle, sample_inputs
from nsc.readback import PROBE_ROWS, Probe

IN_PLACE = "void scale(double v[4], double k) { for (int i = 0; i < 4; i++) v[i] *= k; }\n"
# writes every element before it reads one: the start does not matter
PURE = "void f(double x, double v[2], int *n) { v[0] = x; v[1] = v[0] * 2; *n = x > 0; }\n"
# an element written on some inputs only keeps what it held on the others
PARTLY = "void g(double x, double v[2]) { v[0] = x; if (x > 0) v[1] = 1; }\n"


def probe_run(source: str, n: int = 40):
    compiled = c_to_ir(source, FrontendOptions(instrument=True), filename="p.c")
    probe = Probe.plan(compiled.signature, n)
    inputs = sample_inputs(compiled.signature, n, 0)
    run = Oracle(compiled.ir, probe.signature).run(probe.inputs(inputs))
    return compiled, probe, inputs, run


@pytest.mark.parametrize(("source", "named"), [(IN_PLACE, "v"), (PURE, None), (PARTLY, "v")])
def test_probe_rows_find_what_reads_its_outputs(source, named):
    _, probe, _, run = probe_run(source)
    findings = probe.findings(run.outputs, run.status)
    if named is None:
        assert findings == []
    else:
        assert len(findings) == 1 and f"what '{named}' holds before the call" in findings[0]
        assert f"#pragma nsc inout({named})" in findings[0]


def test_the_calibration_rows_are_what_the_plain_signature_computes():
    both = "void f(double x, double v[2], int *n, double w[4]) { v[0] = x; v[1] = -x; *n = 1; w[1] *= x; }\n"
    compiled, probe, inputs, run = probe_run(both)
    assert len(run.status) == 40 + 3 * PROBE_ROWS  # three candidates: v, n and w
    findings = probe.findings(run.outputs, run.status)
    assert len(findings) == 1 and "on what 'w' holds" in findings[0]
    plain = Oracle(compiled.ir, compiled.signature).run(inputs)
    alone = probe.calibration(run)
    assert alone.status.tolist() == plain.status.tolist()
    assert alone.outputs.keys() == plain.outputs.keys()
    for name, values in plain.outputs.items():
        np.testing.assert_array_equal(alone.outputs[name], values)


def test_no_probe_without_output_pointers():
    compiled = c_to_ir("double f(double x, double *y) { return x * 2; }\n", FrontendOptions())
    assert Probe.plan(compiled.signature, 64) is not None  # y is an output pointer
    compiled = c_to_ir("double f(double x, const double y[2]) { return x * y[1]; }\n")
    assert Probe.plan(compiled.signature, 64) is None
    assert Probe.plan(compiled.signature, 0) is None


def test_nscc_warns_and_inout_silences_it(tmp_path, model):  # noqa: F811
    source = tmp_path / "scale.c"
    source.write_text(IN_PLACE)
    out = tmp_path / "s.onnx"
    result = nscc(source, "-o", out, "--model", model, "--calibrate", 32)
    assert result.exit_code == 0, result.output
    assert "the results of 'scale' depend on what 'v' holds before the call" in result.stderr
    assert "filling it changed 'v' on 16 calibration inputs" in result.stderr
    source.write_text("#pragma nsc inout(v)\n" + IN_PLACE)
    quiet = nscc(source, "-o", out, "--model", model, "--calibrate", 32)
    assert quiet.exit_code == 0 and "warning" not in quiet.stderr, quiet.stderr
