"""What every command shares: the `nsc` group, error reporting, and the options that read C."""

from __future__ import annotations

import functools
import importlib
import math
import os
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence, Sized
from dataclasses import replace
from pathlib import Path
from typing import NoReturn

import click
from click.core import ParameterSource

from nsc import __version__
from nsc.diagnostics import CompileError, NscError


def _report_errors(command: Callable) -> Callable:
    """Turn nsc's user-facing errors into gcc-style messages and exit code 1."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except CompileError as err:
            click.echo(err.render(), err=True)
            sys.exit(1)
        except NscError as err:
            click.echo(err.render(), err=True)
            sys.exit(1)
        except MemoryError as err:  # e.g. numpy refusing --samples 10**11 rows
            hint = "ask for less: fewer samples or rows, or smaller widths"
            click.echo(NscError(f"out of memory ({err})", hints=(hint,)).render(), err=True)
            sys.exit(1)
        except OSError as err:
            if err.filename is None:  # no file named: not the user's file system, a bug
                raise
            click.echo(NscError(f"{err.filename}: {err.strerror or err}").render(), err=True)
            sys.exit(1)
        except KeyboardInterrupt:
            interrupted()
        except ImportError as err:  # a native module's init fails "because of" Ctrl-C
            if isinstance(err.__cause__, KeyboardInterrupt):
                interrupted()
            raise

    return wrapper


def interrupted() -> NoReturn:
    """End on Ctrl-C as every command does: one line, exit code 130 (128 + SIGINT)."""
    click.echo("nsc: interrupted", err=True)
    sys.exit(130)


# What nsc writes, by suffix: an output named like one of these holds that kind of file.
FILE_KINDS = {
    ".c": "C source",
    ".h": "a C header",
    ".onnx": "an ONNX surrogate",
    ".ll": "LLVM IR",
    ".npz": "a table of arrays",
    ".csv": "a table of arrays",
    ".safetensors": "model weights",
}


def check_output_kind(
    option: str, output: Path | None, writes: str, suffixes: Iterable[str]
) -> None:
    """Refuse an output whose suffix names another kind of file than the command writes (`nsc ir
    -o prog.onnx` would replace a surrogate with IR, `nscc -o other.c` a C file with ONNX)."""
    if output is None or is_stdout(output):
        return
    suffixes = tuple(suffixes)
    kind = FILE_KINDS.get(output.suffix.lower())
    if kind is not None and output.suffix.lower() not in suffixes:
        raise NscError(
            f"{option} {output}: this command writes {writes}, not {kind}",
            hints=(f"name the output *{suffixes[0]}",),
        )


def check_outputs(inputs: Iterable[Path | None], outputs: Mapping[str, Path | None]) -> None:
    """Refuse, before any work, an output that would replace an input or another output (like
    gcc's "input file is the same as output file"), that lies in a missing folder, or that is `-`
    where the command writes files only (commands that print turn `-` into None first); and an
    input that is `-` (every input is read from a file).

    `outputs` maps each option (`-o`, `--outputs`) to its path; None: not given.
    """
    given = [path for path in inputs if path is not None]
    if any(is_stdout(path) for path in given):
        raise NscError("-: input files are read by name, not from standard input")
    checked: list[tuple[str, Path]] = []
    for option, output in outputs.items():
        if output is None:
            continue
        if is_stdout(output):
            raise NscError(f"{option} -: this output is written to a file, not to stdout")
        if not output.parent.resolve().is_dir():
            raise NscError(f"{output}: the folder {output.parent} does not exist")
        for source in given:
            if _same_file(source, output):
                raise NscError(
                    f"input file '{source}' is the same as output file ({option} {output})"
                )
        for other_option, other in checked:
            if _same_file(other, output):
                raise NscError(
                    f"{other_option} {other} and {option} {output} are the same file",
                    hints=("give each output a file of its own",),
                )
        checked.append((option, output))


def is_stdout(path: Path | None) -> bool:
    """Whether a path is `-`: standard output (or, for an input, standard input)."""
    return path is not None and str(path) == "-"


def _same_file(a: Path, b: Path) -> bool:
    """The same file, through symlinks and hard links; paths that do not exist yet by name."""
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist (yet)
        return a.resolve() == b.resolve()


def refuse_no_rows(inputs_file: Path | None, inputs: Mapping[str, Sized]) -> None:
    """Refuse inputs read from a file of no rows where the outputs are printed: there would be
    nothing to show. (With --outputs FILE, zero rows give a file of zero rows.)"""
    if inputs_file is not None and inputs and not any(len(column) for column in inputs.values()):
        raise NscError(f"{inputs_file}: no rows of inputs to run (the file holds none)")


def _split_list(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(name.strip() for value in values for name in value.split(",") if name.strip())


def _parse_ranges(values: tuple[str, ...]) -> dict[str, tuple[float, float]]:
    ranges: dict[str, tuple[float, float]] = {}
    for value in values:
        name, sep, bounds = value.partition("=")
        lo, colon, hi = bounds.partition(":")
        try:
            if not sep or not colon or not name:
                raise ValueError
            bounds = (float(lo), float(hi))
        except ValueError:
            raise NscError(f"bad --range {value!r}: expected NAME=LO:HI, e.g. x=0:1") from None
        if not all(map(math.isfinite, bounds)):
            raise NscError(f"bad --range {value!r}: the bounds must be finite numbers")
        name = name.strip()
        if name in ranges:
            lo, hi = ranges[name]
            raise NscError(
                f"--range {value} gives '{name}' a second range (after {name}={lo:g}:{hi:g})",
                hints=("give each input one --range",),
            )
        ranges[name] = bounds
    return ranges


def frontend_options(command: Callable) -> Callable:
    """The options every command that reads C shares: entry, roles, ranges, cpp flags."""
    options = [
        click.option("--entry", help="The entry function (default: the only external one)."),
        click.option("-D", "defines", multiple=True, help="Define a macro: NAME or NAME=VALUE."),
        click.option("-I", "include_dirs", multiple=True, help="Add a header search directory."),
        click.option("--input", "inputs", multiple=True, help="Parameters that are inputs: a,b."),
        click.option("--output", "outputs", multiple=True, help="Parameters that are outputs."),
        click.option("--range", "ranges", multiple=True, help="Input range: NAME=LO:HI."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _options_from(kwargs: dict, instrument: bool = False):
    from nsc.frontend import FrontendOptions

    return FrontendOptions(
        entry=kwargs.pop("entry"),
        defines=tuple(kwargs.pop("defines")),
        include_dirs=tuple(kwargs.pop("include_dirs")),
        inputs=_split_list(kwargs.pop("inputs")),
        outputs=_split_list(kwargs.pop("outputs")),
        ranges=_parse_ranges(kwargs.pop("ranges")),
        instrument=instrument,
    )


def with_units(options, sources: Sequence[Path]):  # noqa: ANN001, ANN201
    """The options for a program of `sources`: the first file is the source, the rest are its
    other translation units (`FrontendOptions.units`)."""
    return replace(options, units=tuple(str(path) for path in sources[1:]))


COMMAND_MODULES = ("nsc.cli.compiler", "nsc.cli.runtime", "nsc.cli.corpus", "nsc.cli.bench")


class _Commands(click.Group):
    """The `nsc` group. The modules that register commands are imported when a command is not
    found yet, so `nscc`, which imports only the compiler's, reads no other module."""

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands:
            load_commands()
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        load_commands()
        return super().list_commands(ctx)

    # Ctrl-C while the options are parsed or a command module is imported (before a command's
    # own `_report_errors` runs) ends as it does within a command, not with click's "Aborted!"
    def main(self, *args, **kwargs):
        try:
            return super().main(*args, **kwargs)
        except KeyboardInterrupt:
            interrupted()

    def make_context(self, *args, **kwargs) -> click.Context:
        try:
            return super().make_context(*args, **kwargs)
        except KeyboardInterrupt:
            interrupted()

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            interrupted()


def load_commands() -> None:
    """Register every command on `main`."""
    for module in COMMAND_MODULES:
        importlib.import_module(module)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="nsc")
def main() -> None:
    """nsc: compile C programs to neural surrogates."""


def optimization_options(default: int, help: str = "Optimization preset.") -> Callable:
    """`-O0..-O3` and `--passes PIPELINE`, one or the other (`check_one_optimization`)."""

    def decorate(command: Callable) -> Callable:
        command = click.option("--passes", "pipeline", help="A pass pipeline instead of -O.")(
            command
        )
        return click.option(
            "-O",
            "opt_level",
            type=click.IntRange(0, 3),
            default=default,
            show_default=True,
            help=help,
        )(command)

    return decorate


def check_one_optimization(pipeline: str | None) -> None:
    """Refuse -O given together with --passes, which replaces the preset: the -O would be
    ignored without a word. (-O's default gives way to --passes.)"""
    ctx = click.get_current_context()
    if pipeline is None or ctx.get_parameter_source("opt_level") != ParameterSource.COMMANDLINE:
        return
    level = ctx.params["opt_level"]
    hint = f"a pipeline may hold the preset: --passes O{level},{pipeline}"
    raise NscError(
        f"-O{level} and --passes both choose the passes: give one", hints=(hint,) if level else ()
    )


def oracle_options(timeout: float) -> Callable:
    """`--fuel` and `--timeout` for commands that run the program with the oracle."""

    def decorate(command: Callable) -> Callable:
        command = click.option(
            "--timeout",
            type=float,
            default=timeout,
            show_default=True,
            help="Seconds before the oracle's worker is stopped.",
        )(command)
        return click.option(
            "--fuel",
            type=click.IntRange(min=1),
            default=1_000_000,
            show_default=True,
            help="Steps (calls and loop iterations) allowed per row.",
        )(command)

    return decorate
