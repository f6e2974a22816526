"""Running the `nsc` CLI in-process and checking how it refuses bad input."""

from __future__ import annotations

from click.testing import CliRunner

from nsc.cli import main


def run(*args) -> tuple[int, str]:
    """Exit code and output (stdout and stderr) of `nsc ARGS...`, in this process."""
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    return result.exit_code, result.output


def refused(code: int, output: str, *needles: str) -> None:
    """Exit 1 with `nsc: error:` and each needle; no traceback, no click `Aborted!`, no numpy
    warning."""
    assert code == 1, output
    assert "nsc: error:" in output, output
    for noise in ("Traceback", "Aborted", "RuntimeWarning"):
        assert noise not in output, output
    for needle in needles:
        assert needle in output, output


def runs_through_the_pipeline(program, tmp_path, exec_args: list[str], expected: str) -> None:
    """`nsc exec` prints output matching the regex `expected`; `nsc compile` (with and without
    --fusion) writes a valid ONNX model; `nsc graph` writes the graph."""
    import re

    import onnx

    code, output = run("exec", program, *exec_args)
    assert code == 0 and re.search(expected, output), output
    for flags in ([], ["--fusion"]):
        out = tmp_path / f"m{len(flags)}.onnx"
        code, output = run("compile", program, "-o", out, "--calibrate", "32", *flags)
        assert code == 0, output
        onnx.checker.check_model(onnx.load(str(out)))
    code, output = run("graph", program, "-o", tmp_path / "g.json")
    assert code == 0, output
