"""`nsc ir`, `nsc exec`, `nsc compile` (nscc), `nsc passes`, `nsc graph`: C in, IR, graphs and surrogates out."""

from __future__ import annotations

import itertools
import os
import sys
from dataclasses import replace
from pathlib import Path

import click

from nsc import __version__
from nsc.cli.common import (
    _options_from,
    _report_errors,
    _same_file,
    check_one_optimization,
    check_output_kind,
    check_outputs,
    frontend_options,
    is_stdout,
    main,
    optimization_options,
    oracle_options,
    refuse_no_rows,
    with_units,
)
from nsc.diagnostics import NscError

_ONNX = ("an ONNX surrogate", [".onnx"])
_GRAPH_SUFFIXES = (".dot", ".json", ".graphml")  # nsc.ir.graph.FORMATS, without importing it


@main.command("ir")
@click.argument("sources", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@frontend_options
@optimization_options(default=0)
@click.option("--instrument", is_flag=True, help="Emit the oracle's fuel and bounds checks.")
@click.option("--print-after-all", is_flag=True, help="Print the IR after each pass (stderr).")
@click.option("--time-passes", is_flag=True, help="Print the time each pass took (stderr).")
@click.option("--verify-each", is_flag=True, help="Verify the IR after each pass.")
@click.option(
    "-o",
    "output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write here (-: standard output, the default).",
)
@_report_errors
def ir_command(
    sources: tuple[Path, ...], opt_level: int, pipeline: str | None, instrument: bool, **kw
) -> None:
    """Print the LLVM IR of a C program (of one file or several, linked), like `clang -S
    -emit-llvm`."""
    from nsc import pipeline as pl

    check_one_optimization(pipeline)
    output = kw.pop("output")
    output = None if is_stdout(output) else output
    check_outputs(list(sources), {"-o": output})
    check_output_kind("-o", output, "LLVM IR", [".ll"])
    manager = pl.PassOptions(
        pipeline=_pipeline(opt_level, pipeline),
        print_after_all=kw.pop("print_after_all"),
        time_passes=kw.pop("time_passes"),
        verify_each=kw.pop("verify_each"),
    )
    options = with_units(_options_from(kw, instrument=instrument), sources)
    result = pl.lower(sources[0], options, manager)
    pl.write_text(output, result.ir)


@main.command("exec")
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("assignments", nargs=-1)
@frontend_options
@click.option(
    "--inputs",
    "inputs_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="An .npz or .csv of inputs named after the signature.",
)
@click.option(
    "--outputs",
    "outputs_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the outputs and each row's status (`status`, or `oracle:status` where an "
    "output is named status) to this .npz.",
)
@click.option(
    "--samples", type=click.IntRange(min=1), help="Run on N inputs sampled from the ranges."
)
@click.option(
    "--seed", type=click.IntRange(min=0), default=0, show_default=True, help="Seed for --samples."
)
@oracle_options(timeout=30.0)
@_report_errors
def exec_command(source: Path, assignments: tuple[str, ...], **kw) -> None:
    """Run a C program's entry function on inputs with the JIT oracle.

    Give inputs as NAME=VALUE (arrays as comma-separated values), as an .npz or .csv with
    --inputs (CSV columns: `x`, and `w[0][1]` for array elements), or sample them with --samples N.
    The program's other files, if any, come before the assignments: `nsc exec a.c b.c x=1`.
    """
    from nsc import pipeline as pl

    units = tuple(Path(a) for a in itertools.takewhile(lambda a: "=" not in a, assignments))
    assignments = assignments[len(units) :]
    sources = (source, *units)
    inputs_file, outputs_file = kw.pop("inputs_file"), kw.pop("outputs_file")
    check_outputs([*sources, inputs_file], {"--outputs": outputs_file})
    if outputs_file is not None:
        pl.check_arrays_path(outputs_file)
    samples, seed, fuel, timeout = (
        kw.pop("samples"),
        kw.pop("seed"),
        kw.pop("fuel"),
        kw.pop("timeout"),
    )
    # the batch size comes from the inputs: an entry without any is a located error
    options = replace(_options_from(kw, instrument=True), require_inputs=True)
    compiled = pl.lower(source, with_units(options, sources), pl.PassOptions())
    inputs = pl.gather_inputs(compiled.signature, assignments, inputs_file, samples, seed)
    if outputs_file is None:
        refuse_no_rows(inputs_file, inputs)
    execution = pl.execute(compiled, inputs, fuel=fuel, timeout=timeout)
    if outputs_file is not None:
        status = "oracle:status" if "status" in execution.outputs else "status"
        pl.save_arrays(outputs_file, {**execution.outputs, status: execution.status})
    else:
        click.echo(pl.format_execution(compiled.signature, inputs, execution))
    if not execution.status.any():
        return
    failed = int((execution.status != 0).sum())
    click.echo(
        f"nsc: warning: {failed} of {len(execution.status)} rows did not finish: "
        f"{pl.status_summary(execution.status)}",
        err=True,
    )
    if len(execution.status) == 1:
        sys.exit(1)


@main.command("compile", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("sources", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@frontend_options
@optimization_options(default=2, help="Optimization preset (the model was trained on -O2 graphs).")
@click.option(
    "--model",
    help="The hypernetwork: a name under nsc/backend/models, a model folder, a checkpoint, or "
    "an `nsc train` run folder (its best checkpoint, else its last) "
    "[default: default, or fused with --fusion].",
)
@click.option(
    "--fusion",
    is_flag=True,
    help="The hypernetwork also reads what each instruction computed on the calibration inputs.",
)
@click.option(
    "--calibrate",
    type=click.IntRange(min=0),
    default=256,
    show_default=True,
    help="Oracle runs that set the output scaling (0: do not run the program).",
)
@click.option(
    "--finetune",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Oracle examples to fine-tune the weights on (needs torch).",
)
@click.option(
    "--init",
    default="compiled",
    show_default=True,
    help="Start from: compiled (the hypernetwork), random, dataset or meta (baselines).",
)
@click.option(
    "--seed",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Seed for sampling and --init random.",
)
@click.option("--emit-llvm", is_flag=True, help="Write the optimized LLVM IR instead of ONNX.")
@click.option(
    "--emit-graph",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the program graph (format from the suffix: .dot, .json, .graphml).",
)
@click.option(
    "-o",
    "output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Output file (default: the source's stem + .onnx, or .ll, in the current folder; "
    "with --emit-llvm, -: standard output).",
)
@click.option("-v", "verbose", is_flag=True, help="Print each stage's time (stderr).")
@click.version_option(__version__)
@_report_errors
def compile_command(
    sources: tuple[Path, ...],
    opt_level: int,
    pipeline: str | None,
    emit_llvm: bool,
    emit_graph: Path | None,
    output: Path | None,
    verbose: bool,
    **kw,
) -> None:
    """Compile a C program to an ONNX surrogate (`nscc` is this command).

    Like `gcc -c`, the output goes to the current folder by default: prog.c -> prog.onnx. A
    program of several files (`nscc kernel.c helpers.c`) is compiled file by file and linked;
    the output is named after the first.
    """
    import time

    start = time.perf_counter()
    check_one_optimization(pipeline)
    source = sources[0]
    if output is None:
        output = Path(source.stem + (".ll" if emit_llvm else ".onnx"))
        if _same_file(source, output):  # `nscc prog.onnx`: the name nscc derives is the input's
            raise NscError(
                f"input file '{source}' is the same as the output file nscc names after it "
                f"({output})",
                hints=("nscc compiles C sources; name another output with -o",),
            )
    _check_output_kind(output, emit_llvm)
    printed = emit_llvm and is_stdout(output)
    outputs = {"-o": None if printed else output, "--emit-graph": emit_graph}
    check_outputs(list(sources), outputs)
    check_output_kind("-o", output, *(("LLVM IR", [".ll"]) if emit_llvm else _ONNX))
    check_output_kind("--emit-graph", emit_graph, "a program graph", _GRAPH_SUFFIXES)
    _one_blas_thread()
    from nsc import nscc  # imports nothing heavy: the stages import what they need

    frontend = with_units(_options_from(kw), sources)
    times = nscc.StageTimes()
    times.add("imports", time.perf_counter() - start)
    passes = _pipeline(opt_level, pipeline)
    _check_pipeline(passes)
    options = nscc.CompileOptions(
        pipeline=passes,
        model=_model_name(kw.pop("model"), kw["fusion"]),
        fusion=kw.pop("fusion"),
        calibrate=kw.pop("calibrate"),
        finetune=kw.pop("finetune"),
        init=kw.pop("init"),
        seed=kw.pop("seed"),
        emit_graph=emit_graph,
    )
    try:
        if emit_llvm:
            _emit_llvm(source, frontend, options, None if printed else output, times)
        else:
            nscc.compile_c(source, output, frontend, options, times)
            for line in times.warnings:
                click.echo(line, err=True)
            if verbose:
                model = nscc.find_model(options.model, options.init)[0]
                click.echo(f"nscc: using the model {model}", err=True)
    finally:
        if verbose:
            click.echo(times.table(), err=True)


def _pipeline(opt_level: int, pipeline: str | None) -> str:
    """--passes as given, even empty or blank (no passes, as `opt -passes=''`), else -O's
    preset."""
    from nsc.nscc import pipeline_for

    if pipeline is None:
        return pipeline_for(opt_level, None)
    return pipeline if pipeline.strip() else ""  # nscc appends passes to it


def _check_pipeline(pipeline: str) -> None:
    """Parse the pipeline before any work, so that an error in it shows the pipeline as given
    (nscc adds `canonicalize` to it before it builds the graph)."""
    from nsc.ir.passes import parse_pipeline

    parse_pipeline(pipeline)


def _model_name(given: str | None, fusion: bool) -> str:
    """--model as given (even empty: `find_model` refuses it), else the shipped default."""
    from nsc import nscc

    if given is not None:
        return given
    return nscc.FUSED_MODEL if fusion else nscc.DEFAULT_MODEL


def _one_blas_thread() -> None:
    """nscc's matrices are small, so one BLAS thread is fastest: OpenBLAS's helper threads cost
    up to 0.2 s when the other core is busy, and a process without them may fork its workers
    (`nsc.ir.forking.can_fork`). Takes effect only before numpy is first imported (by nscc's
    worker); a user's own setting wins."""
    if "numpy" not in sys.modules:
        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def _check_output_kind(output: Path, emit_llvm: bool) -> None:
    """Refuse an output whose suffix names the other kind of file (IR in .onnx, ONNX in .ll)."""
    if emit_llvm and output.suffix == ".onnx":
        raise NscError(
            f"{output}: --emit-llvm writes LLVM IR, not an ONNX surrogate",
            hints=("name the output *.ll, or drop --emit-llvm",),
        )
    if not emit_llvm and output.suffix == ".ll":
        raise NscError(
            f"{output}: nscc writes an ONNX surrogate, not LLVM IR",
            hints=("add --emit-llvm for the IR, or name the output *.onnx",),
        )


def _emit_llvm(source: Path, frontend, options, output: Path | None, times) -> None:
    """`--emit-llvm`: the optimized IR to `output` (None: stdout); with --emit-graph, also the
    graph the model would read."""
    from nsc import pipeline as pl

    compiled = times.run("frontend", pl.lower, source, frontend, pl.PassOptions())
    if options.emit_graph is not None:
        ir = times.run("passes", pl.graph_passes, compiled, options.pipeline)
        times.run("graph", pl.program_graph, ir, compiled.signature, options.emit_graph)
    ir = times.run("passes", pl.run_pipeline, compiled.ir, options.pipeline)
    pl.write_text(output, ir)


@main.command("passes")
@_report_errors
def passes_command() -> None:
    """List every pass, built-in and plugin, with its description."""
    from nsc.ir.passes import list_passes

    infos = list_passes()
    width = max(len(info.name) for info in infos)
    for info in infos:
        origin = "" if info.origin == "builtin" else f"  [{info.origin}]"
        click.echo(f"{info.name:<{width}}  {info.description}{origin}")


@main.command("graph")
@click.argument("sources", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@frontend_options
@optimization_options(default=2, help="Optimization preset before the graph is built.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["dot", "json", "graphml"]),
    help="The file format [default: from the suffix (.dot, .json, .graphml), else dot].",
)
@click.option(
    "-o",
    "output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Write the graph here.",
)
@_report_errors
def graph_command(
    sources: tuple[Path, ...],
    opt_level: int,
    pipeline: str | None,
    fmt: str | None,
    output: Path,
    **kw,
) -> None:
    """Write the program graph (ProGraML-style) of a C program's IR (one file, or several)."""
    from nsc import pipeline as pl
    from nsc.ir.graph import build_graph, write_graph

    check_one_optimization(pipeline)
    check_outputs(list(sources), {"-o": output})
    check_output_kind("-o", output, "a program graph", _GRAPH_SUFFIXES)
    fmt = _graph_format(output, fmt)
    passes = pl.PassOptions(pipeline=_pipeline(opt_level, pipeline))
    compiled = pl.lower(sources[0], with_units(_options_from(kw), sources), passes)
    graph = build_graph(compiled.ir, compiled.signature)
    write_graph(graph, output, fmt)
    click.echo(
        f"{output}: {graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges", err=True
    )


def _graph_format(output: Path, fmt: str | None) -> str:
    """--format, else the suffix's format, else dot; an error where the two disagree."""
    from nsc.ir.graph import FORMATS

    named = output.suffix.lstrip(".").lower()  # g.JSON is a JSON file too
    if named not in FORMATS:
        return fmt or "dot"
    if fmt is not None and fmt != named:
        raise NscError(
            f"{output}: --format {fmt} does not match the file's suffix ({output.suffix})",
            hints=(f"name the file *.{fmt}, or drop --format",),
        )
    return named
