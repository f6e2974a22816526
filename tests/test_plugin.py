"""The example plugin package: installed with pip, found through the `nsc.passes` entry point."""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys
from pathlib import Path

import pytest

from nsc.ir.passes import PipelineError, list_passes, parse_pipeline, refresh_plugins, run_passes

PLUGIN = Path(__file__).resolve().parent.parent / "examples" / "plugin"

IR = """
define double @f(double %x, float %y) {
  %a = fdiv double %x, 4.0
  %b = fdiv double %a, 3.0
  %c = fdiv fast float %y, 0.125
  %d = fpext float %c to double
  %e = fadd double %b, %d
  %g = fdiv double %e, -2.0
  %h = fdiv double %g, 0x7FE0000000000000
  ret double %h
}
"""


@pytest.fixture(scope="module")
def plugin_installed():
    """Install examples/plugin (editable, no deps) unless it is already installed."""
    try:
        importlib.metadata.distribution("nsc-example-plugin")
    except importlib.metadata.PackageNotFoundError:
        command = [sys.executable, "-m", "pip", "install", "-q", "--no-deps"]
        command += ["--no-build-isolation", "-e", str(PLUGIN)]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            pytest.skip(f"pip could not install the example plugin: {done.stderr[-500:]}")
    # the editable finder is set up at interpreter start; make the package importable now
    sys.path.insert(0, str(PLUGIN))
    refresh_plugins()
    yield
    sys.path.remove(str(PLUGIN))
    refresh_plugins()


def test_plugin_is_listed_with_its_distribution(plugin_installed):
    infos = {info.name: info for info in list_passes()}
    assert infos["fdiv-to-fmul"].origin == "nsc-example-plugin"
    assert "power-of-two" in infos["fdiv-to-fmul"].description


def test_plugin_runs_in_a_pipeline(plugin_installed):
    result = run_passes(IR, "fdiv-to-fmul,count-ops", verify_each=True)
    assert result.analyses["count-ops"] == {"fadd": 1, "fdiv": 2, "fmul": 3, "fpext": 1, "ret": 1}
    text = result.module.text
    assert "fmul double %x, 0x3FD0000000000000" in text  # x / 4 == x * 0.25
    assert "fmul fast float %y, 0x4020000000000000" in text  # y / 0.125 == y * 8
    assert "fmul double %e, 0xBFE0000000000000" in text  # e / -2 == e * -0.5
    assert "fdiv double %a, 3.0" in text.replace("3.000000e+00", "3.0")  # 1/3 is inexact
    assert "fdiv double %g, 0x7FE0000000000000" in text  # 2**-1023 would be subnormal


def test_plugin_pass_is_exact(plugin_installed):
    from nsc_example_plugin import exact_reciprocal

    assert exact_reciprocal(4.0, "double") == 0.25
    assert exact_reciprocal(-0.5, "float") == -2.0
    assert exact_reciprocal(3.0, "double") is None
    assert exact_reciprocal(0.0, "double") is None
    assert exact_reciprocal(2.0**127, "float") is None
    assert exact_reciprocal(2.0**126, "float") == 2.0**-126


def test_unknown_plugin_name_suggests_the_plugin(plugin_installed):
    with pytest.raises(PipelineError) as info:
        parse_pipeline("sroa,fdiv-to-fmull")
    assert info.value.column == 6
    assert info.value.hints == ("did you mean 'fdiv-to-fmul'?",)
