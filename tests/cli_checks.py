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
