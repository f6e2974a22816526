"""The `nsc` and `nscc` command lines: thin wrappers that parse options and call the pipeline."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path

import click

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
        except KeyboardInterrupt:
            click.echo("nsc: interrupted", err=True)
            sys.exit(130)

    return wrapper


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
            ranges[name.strip()] = (float(lo), float(hi))
        except ValueError:
            raise NscError(f"bad --range {value!r}: expected NAME=LO:HI, e.g. x=0:1") from None
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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="nsc")
def main() -> None:
    """nsc: compile C programs to neural surrogates."""


@main.command("ir")
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@frontend_options
@click.option("-O", "opt_level", type=click.IntRange(0, 3), default=0, help="Optimization preset.")
@click.option("--passes", "pipeline", help="A pass pipeline, e.g. sroa,instcombine.")
@click.option("--instrument", is_flag=True, help="Emit the oracle's fuel and bounds checks.")
@click.option("--print-after-all", is_flag=True, help="Print the IR after each pass (stderr).")
@click.option("--time-passes", is_flag=True, help="Print the time each pass took (stderr).")
@click.option("--verify-each", is_flag=True, help="Verify the IR after each pass.")
@click.option("-o", "output", type=click.Path(dir_okay=False, path_type=Path), help="Write here.")
@_report_errors
def ir_command(source: Path, opt_level: int, pipeline: str | None, instrument: bool, **kw) -> None:
    """Print the LLVM IR of a C program, like `clang -S -emit-llvm`."""
    from nsc import pipeline as pl

    output = kw.pop("output")
    manager = pl.PassOptions(
        pipeline=pl.pipeline_for(opt_level, pipeline),
        print_after_all=kw.pop("print_after_all"),
        time_passes=kw.pop("time_passes"),
        verify_each=kw.pop("verify_each"),
    )
    options = _options_from(kw, instrument=instrument)
    result = pl.lower(source, options, manager)
    pl.write_text(output, result.ir)


@main.command("exec")
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("assignments", nargs=-1)
@frontend_options
@click.option(
    "--inputs",
    "inputs_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="An .npz of input arrays named after the signature.",
)
@click.option(
    "--outputs",
    "outputs_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the outputs (and a `status` array) to this .npz.",
)
@click.option(
    "--samples", type=click.IntRange(min=1), help="Run on N inputs sampled from the ranges."
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed for --samples.")
@click.option(
    "--fuel",
    type=click.IntRange(min=1),
    default=1_000_000,
    show_default=True,
    help="Steps (calls and loop iterations) allowed per row.",
)
@click.option(
    "--timeout",
    type=float,
    default=30.0,
    show_default=True,
    help="Seconds before the isolated worker is stopped.",
)
@_report_errors
def exec_command(source: Path, assignments: tuple[str, ...], **kw) -> None:
    """Run a C program's entry function on inputs with the JIT oracle.

    Give inputs as NAME=VALUE (arrays as comma-separated values), as an .npz with --inputs,
    or sample them with --samples N.
    """
    from nsc import pipeline as pl

    inputs_file, outputs_file = kw.pop("inputs_file"), kw.pop("outputs_file")
    samples, seed, fuel, timeout = (
        kw.pop("samples"),
        kw.pop("seed"),
        kw.pop("fuel"),
        kw.pop("timeout"),
    )
    options = _options_from(kw, instrument=True)
    compiled = pl.lower(source, options, pl.PassOptions())
    inputs = pl.gather_inputs(compiled.signature, assignments, inputs_file, samples, seed)
    execution = pl.execute(compiled, inputs, fuel=fuel, timeout=timeout)
    if outputs_file is not None:
        pl.save_arrays(outputs_file, {**execution.outputs, "status": execution.status})
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


@main.command("compile")
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@frontend_options
@click.option(
    "-O",
    "opt_level",
    type=click.IntRange(0, 3),
    default=2,
    show_default=True,
    help="Optimization preset (the model was trained on -O2 graphs).",
)
@click.option("--passes", "pipeline", help="A pass pipeline instead of -O.")
@click.option(
    "--model",
    default="default",
    show_default=True,
    help="The hypernetwork: a name under nsc/backend/models, a folder or a checkpoint.",
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
    "--seed", type=int, default=0, show_default=True, help="Seed for sampling and --init random."
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
    help="Output file (default: the source's stem + .onnx, or .ll, in the current folder).",
)
@click.option("-v", "verbose", is_flag=True, help="Print each stage's time (stderr).")
@_report_errors
def compile_command(
    source: Path,
    opt_level: int,
    pipeline: str | None,
    emit_llvm: bool,
    emit_graph: Path | None,
    output: Path | None,
    verbose: bool,
    **kw,
) -> None:
    """Compile a C program to an ONNX surrogate (`nscc` is this command).

    Like `gcc -c`, the output goes to the current folder by default: prog.c -> prog.onnx.
    """
    import time

    start = time.perf_counter()
    from nsc import pipeline as pl

    frontend = _options_from(kw)
    times = pl.StageTimes()
    times.add("imports", time.perf_counter() - start)  # the frontend's and the driver's
    passes = pl.pipeline_for(opt_level, pipeline)
    options = pl.CompileOptions(
        pipeline=passes,
        model=kw.pop("model"),
        calibrate=kw.pop("calibrate"),
        finetune=kw.pop("finetune"),
        init=kw.pop("init"),
        seed=kw.pop("seed"),
        emit_graph=emit_graph,
    )
    try:
        if emit_llvm:
            _emit_llvm(source, frontend, options, output, times)
        else:
            pl.compile_c(source, output or Path(source.stem + ".onnx"), frontend, options, times)
    finally:
        if verbose:
            click.echo(times.table(), err=True)


def _emit_llvm(source: Path, frontend, options, output: Path | None, times) -> None:
    """`--emit-llvm`: the optimized IR (with --emit-graph, also the graph the model would read)."""
    from nsc import pipeline as pl

    compiled = times.run("frontend", pl.lower, source, frontend, pl.PassOptions())
    if options.emit_graph is not None:
        ir = times.run("passes", pl.graph_passes, compiled, options.pipeline)
        times.run("graph", pl.program_graph, ir, compiled.signature, options.emit_graph)
    ir = times.run("passes", pl.run_pipeline, compiled.ir, options.pipeline)
    pl.write_text(output or Path(source.stem + ".ll"), ir)


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
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@frontend_options
@click.option(
    "-O",
    "opt_level",
    type=click.IntRange(0, 3),
    default=2,
    show_default=True,
    help="Optimization preset before the graph is built.",
)
@click.option("--passes", "pipeline", help="A pass pipeline instead of -O.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["dot", "json", "graphml"]),
    default="dot",
    show_default=True,
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
    source: Path, opt_level: int, pipeline: str | None, fmt: str, output: Path, **kw
) -> None:
    """Write the program graph (ProGraML-style) of a C program's IR."""
    from nsc import pipeline as pl
    from nsc.ir.graph import build_graph, write_graph

    passes = pl.PassOptions(pipeline=pl.pipeline_for(opt_level, pipeline))
    compiled = pl.lower(source, _options_from(kw), passes)
    graph = build_graph(compiled.ir, compiled.signature)
    write_graph(graph, output, fmt)
    click.echo(
        f"{output}: {graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges", err=True
    )


@main.command("run")
@click.argument("model", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("assignments", nargs=-1)
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
    help="Write the outputs to this .npz or .csv.",
)
@click.option(
    "--samples", type=click.IntRange(min=1), help="Run on N inputs sampled from the ranges."
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed for --samples.")
@_report_errors
def run_command(
    model: Path,
    assignments: tuple[str, ...],
    inputs_file: Path | None,
    outputs_file: Path | None,
    samples: int | None,
    seed: int,
) -> None:
    """Run a compiled surrogate (.onnx) with ONNX Runtime.

    Give inputs as NAME=VALUE (arrays as comma-separated values), as an .npz or .csv with
    --inputs (CSV columns: `x`, and `w[0][1]` for array elements), or sample them with --samples N.
    """
    from nsc import pipeline as pl
    from nsc.runtime.surrogate import Surrogate, format_outputs
    from nsc.runtime.tabular import by_name, read_table, write_table

    surrogate = Surrogate(model)
    signature = surrogate.signature
    if inputs_file is not None:
        if assignments or samples is not None:
            raise NscError(
                "give the inputs one way: NAME=VALUE pairs, --inputs FILE, or --samples N"
            )
        inputs = read_table(inputs_file, by_name(signature.inputs))
    else:
        inputs = pl.gather_inputs(signature, assignments, None, samples, seed)
    outputs = surrogate.run(inputs)
    if outputs_file is not None:
        write_table(outputs_file, outputs)
    else:
        click.echo(format_outputs(signature, outputs))


def _source_signature(model_signature, compiled, options):
    """Sample from the surrogate's own ranges unless --range overrides them."""
    return compiled.signature if options.ranges else model_signature


def _warn_source(surrogate, source: Path) -> None:
    from nsc.runtime.evaluate import source_warning

    warning = source_warning(surrogate, source)
    if warning:
        click.echo(warning, err=True)


@main.command("finetune")
@click.argument("model", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--source",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The C program: draw examples from its oracle (with --samples).",
)
@frontend_options
@click.option(
    "--samples", type=click.IntRange(min=1), help="Oracle examples to draw (with --source)."
)
@click.option(
    "--data",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Your own examples: an .npz or .csv of inputs and outputs.",
)
@click.option(
    "-o",
    "output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Write the fine-tuned surrogate here.",
)
@click.option("--epochs", type=click.IntRange(min=0), default=200, show_default=True)
@click.option("--lr", type=float, default=0.012, show_default=True, help="Adam's learning rate.")
@click.option(
    "--val-fraction",
    type=float,
    default=0.2,
    show_default=True,
    help="Examples held out for early stopping.",
)
@click.option(
    "--patience",
    type=click.IntRange(min=1),
    default=20,
    show_default=True,
    help="Epochs without a better validation loss before stopping.",
)
@click.option("--batch-size", type=click.IntRange(min=1), default=32, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option(
    "--fuel",
    type=click.IntRange(min=1),
    default=1_000_000,
    show_default=True,
    help="Oracle steps allowed per row.",
)
@click.option(
    "--timeout",
    type=float,
    default=60.0,
    show_default=True,
    help="Seconds before the oracle's worker is stopped.",
)
@_report_errors
def finetune_command(
    model: Path,
    source: Path | None,
    samples: int | None,
    data: Path | None,
    output: Path,
    epochs: int,
    lr: float,
    val_fraction: float,
    patience: int,
    batch_size: int,
    seed: int,
    fuel: int,
    timeout: float,
    **kw,
) -> None:
    """Fine-tune a surrogate on oracle examples (--source --samples) or your own (--data)."""
    from nsc.runtime import finetune as ft
    from nsc.runtime.surrogate import Surrogate

    if (source is None) == (data is None) or (source is not None) != (samples is not None):
        raise NscError("give the examples one way: --source PROG.c --samples N, or --data FILE")
    surrogate = Surrogate(model)
    if data is not None:
        inputs, outputs = ft.file_examples(surrogate, data)
    else:
        from nsc import pipeline as pl

        _warn_source(surrogate, source)
        options = _options_from(kw, instrument=True)
        compiled = pl.lower(source, options, pl.PassOptions())
        signature = _source_signature(surrogate.signature, compiled, options)
        inputs, outputs = ft.oracle_examples(
            surrogate, compiled, samples, seed, signature=signature, fuel=fuel, timeout=timeout
        )
    result = ft.finetune(
        surrogate,
        inputs,
        outputs,
        epochs=epochs,
        lr=lr,
        val_fraction=val_fraction,
        patience=patience,
        batch_size=batch_size,
        seed=seed,
    )
    ft.write_finetuned(
        surrogate, result, output, lr=lr, origin="oracle" if data is None else "file"
    )
    start, best = result.history[0], result.history[result.best_epoch]
    which = "validation" if result.val_rows else "training"
    click.echo(
        f"{output}: fine-tuned on {result.samples} examples; {which} loss "
        f"{ft.loss_key(start):.4g} -> {ft.loss_key(best):.4g} (best epoch "
        f"{result.best_epoch} of {result.history[-1].epoch})",
        err=True,
    )


@main.command("eval")
@click.argument("model", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@frontend_options
@click.option(
    "--samples",
    type=click.IntRange(min=1),
    default=1000,
    show_default=True,
    help="Fresh inputs drawn from the ranges.",
)
@click.option("--seed", type=int, default=1, show_default=True)
@click.option(
    "--plot",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also draw surrogate vs oracle to this .png.",
)
@click.option(
    "--fuel",
    type=click.IntRange(min=1),
    default=1_000_000,
    show_default=True,
    help="Oracle steps allowed per row.",
)
@click.option(
    "--timeout",
    type=float,
    default=60.0,
    show_default=True,
    help="Seconds before the oracle's worker is stopped.",
)
@_report_errors
def eval_command(
    model: Path,
    source: Path,
    samples: int,
    seed: int,
    plot: Path | None,
    fuel: int,
    timeout: float,
    **kw,
) -> None:
    """Compare a surrogate with its C program's oracle: MSE, MAE, nMSE, relative and max error."""
    from nsc import pipeline as pl
    from nsc.runtime.evaluate import evaluate
    from nsc.runtime.surrogate import Surrogate

    surrogate = Surrogate(model)
    _warn_source(surrogate, source)
    options = _options_from(kw, instrument=True)
    compiled = pl.lower(source, options, pl.PassOptions())
    signature = _source_signature(surrogate.signature, compiled, options)
    evaluation = evaluate(
        surrogate, compiled, samples, seed, signature=signature, fuel=fuel, timeout=timeout
    )
    click.echo(evaluation.table.format())
    if plot is not None:
        from nsc.runtime.plots import plot_evaluation

        plot_evaluation(evaluation, plot)


def _parse_shard(value: str) -> tuple[int, int]:
    part, slash, parts = value.partition("/")
    if not slash or not part.strip().isdigit() or not parts.strip().isdigit():
        raise NscError(f"bad --shard {value!r}: expected i/N, e.g. 0/4")
    return int(part), int(parts)


@main.command("datagen")
@click.option("--count", type=click.IntRange(min=0), help="Generate N programs.")
@click.option(
    "--from-dir",
    "from_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Ingest the .c files under DIR instead of generating.",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="The corpus folder (created; a rerun resumes).",
)
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True)
@click.option(
    "--workers",
    type=click.IntRange(min=0),
    default=2,
    show_default=True,
    help="Worker processes (0: build in this process, no crash isolation).",
)
@click.option(
    "--samples",
    type=click.IntRange(min=2),
    default=1024,
    show_default=True,
    help="Inputs sampled per program.",
)
@click.option(
    "--shard",
    "shard",
    default="0/1",
    show_default=True,
    help="Build only shards k with k % N == i (i/N).",
)
@click.option(
    "--shard-size",
    type=click.IntRange(min=1),
    default=256,
    show_default=True,
    help="Programs per shard file.",
)
@click.option(
    "--fuel",
    type=click.IntRange(min=1),
    default=100_000,
    show_default=True,
    help="Steps (calls and loop iterations) allowed per row.",
)
@click.option("-D", "defines", multiple=True, help="Define a macro: NAME or NAME=VALUE.")
@click.option("-I", "include_dirs", multiple=True, help="Add a header search directory.")
@click.option("--no-progress", is_flag=True, help="No progress bar.")
@_report_errors
def datagen_command(
    count: int | None,
    from_dir: Path | None,
    out: Path,
    seed: int,
    workers: int,
    shard: str,
    no_progress: bool,
    **kw,
) -> None:
    """Build a training corpus: generate (or ingest), compile, execute, filter, dedup, shard."""
    from nsc.data.dataset import DatasetConfig, build_dataset

    config = DatasetConfig(
        samples=kw["samples"],
        shard_size=kw["shard_size"],
        fuel=kw["fuel"],
        defines=tuple(kw["defines"]),
        include_dirs=tuple(kw["include_dirs"]),
    )
    summary = build_dataset(
        out,
        count=count,
        from_dir=from_dir,
        seed=seed,
        workers=workers,
        config=config,
        shard=_parse_shard(shard),
        progress=not no_progress,
    )
    click.echo(summary.table())


@main.command("train")
@click.option(
    "--data",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="A corpus folder built by `nsc datagen`.",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="The run folder: checkpoint, logs, cache (a rerun resumes).",
)
@click.option("--epochs", type=click.IntRange(min=1), default=10, show_default=True)
@click.option("--batch-programs", type=click.IntRange(min=1), default=32, show_default=True)
@click.option("--samples-per-program", type=click.IntRange(min=1), default=64, show_default=True)
@click.option("--lr", type=click.FloatRange(min=0, min_open=True), default=2e-3, show_default=True)
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True)
@click.option(
    "--val-percent",
    type=click.FloatRange(0, 100, max_open=True),
    default=5.0,
    show_default=True,
    help="Programs held out for validation (by hash).",
)
@click.option(
    "--checkpoint-every",
    type=click.IntRange(min=1),
    default=50,
    show_default=True,
    help="Steps between checkpoints (and at every epoch's end).",
)
@click.option(
    "--calibration",
    type=click.IntRange(min=2),
    default=64,
    show_default=True,
    help="Samples per program that set its normalization (never fitted).",
)
@click.option("--max-programs", type=click.IntRange(min=1), help="Use at most N programs.")
@click.option("--bases-only", is_flag=True, help="Train the bases alone (dataset-tailored init).")
@click.option(
    "--threads",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="torch threads per process.",
)
@click.option("--no-progress", is_flag=True, help="No progress bar.")
@_report_errors
def train_command(
    data: Path, out: Path, bases_only: bool, threads: int, no_progress: bool, **kw
) -> None:
    """Train the hypernetwork on a corpus (data-parallel under torchrun)."""
    import os

    from nsc.backend.train import TrainConfig, train

    config = TrainConfig(data=str(data), modulate=not bases_only, **kw)
    env = dict(os.environ)
    state = train(config, out, env=env, progress=not no_progress, threads=threads).progress
    if state.epochs and env.get("RANK", "0") == "0":
        last = state.epochs[-1]
        click.echo(f"epoch {last['epoch']}: val_mse {last['val_mse']:.4f} ({out / 'epochs.csv'})")


@main.group("bench")
def bench_group() -> None:
    """Benchmarks: data efficiency against baselines, and per-stage performance."""


@bench_group.command("data-efficiency")
@click.option(
    "--programs",
    "programs",
    multiple=True,
    type=click.Path(path_type=Path),
    help="C files to evaluate (repeatable; default: examples/*.c).",
)
@click.option(
    "--heldout",
    type=click.IntRange(min=0),
    default=6,
    show_default=True,
    help="Also evaluate K generated programs absent from the training corpus.",
)
@click.option(
    "--corpus",
    type=click.Path(file_okay=False, path_type=Path),
    help="The training corpus, to check held-out programs against by hash.",
)
@click.option("--model", default="default", show_default=True, help="The hypernetwork model.")
@click.option("--seeds", type=click.IntRange(min=1), default=5, show_default=True)
@click.option(
    "--pool",
    type=click.IntRange(min=2),
    default=1000,
    show_default=True,
    help="Training pool rows; sizes are percentages of it.",
)
@click.option("--test", type=click.IntRange(min=2), default=1000, show_default=True)
@click.option("--validation", type=click.IntRange(min=2), default=100, show_default=True)
@click.option("--calibration", type=click.IntRange(min=2), default=256, show_default=True)
@click.option(
    "--sizes",
    default="0,0.1,1,10,100",
    show_default=True,
    help="Training-set sizes, percent of the pool.",
)
@click.option("--epochs", type=click.IntRange(min=1), default=1000, show_default=True)
@click.option("--patience", type=click.IntRange(min=1), default=100, show_default=True)
@click.option("--workers", type=click.IntRange(min=1), default=2, show_default=True)
@click.option("--quick", is_flag=True, help="A one-minute smoke run (small sets, few epochs).")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="The results folder (report.md, plots, JSON).",
)
@_report_errors
def bench_data_efficiency_command(
    programs: tuple[Path, ...],
    heldout: int,
    corpus: Path | None,
    sizes: str,
    workers: int,
    quick: bool,
    out: Path,
    **kw,
) -> None:
    """Fine-tune each init on subsets of oracle samples; data efficiency over random init."""
    from nsc.bench.data_efficiency import BenchConfig, data_efficiency, default_programs, quick_run

    config = BenchConfig(sizes=_parse_sizes(sizes), **kw)
    paths = list(programs) or default_programs()
    if quick:
        config, paths, heldout = quick_run(config, paths, heldout)
    summary = data_efficiency(
        paths,
        heldout,
        config,
        out,
        corpus=corpus,
        workers=workers,
        argv=sys.argv[1:],
        log=lambda m: click.echo(m, err=True),
    )
    click.echo((out / "report.md").read_text().split("## Mean test loss")[0].rstrip())
    click.echo(f"({len(summary['efficiency'])} ratios; full report: {out / 'report.md'})")


def _parse_sizes(text: str) -> tuple[float, ...]:
    try:
        return tuple(float(v) for v in text.split(","))
    except ValueError:
        raise NscError(f"--sizes takes comma-separated percentages, not {text!r}") from None


@bench_group.command("perf")
@click.option(
    "--programs",
    "programs",
    multiple=True,
    type=click.Path(path_type=Path),
    help="C files to time (repeatable; default: a few examples).",
)
@click.option("--model", default="default", show_default=True, help="The hypernetwork model.")
@click.option(
    "--repeat",
    type=click.IntRange(min=1),
    default=5,
    show_default=True,
    help="Compiles per program (the median is reported).",
)
@click.option("--quick", is_flag=True, help="Fewer repeats and smaller runs.")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="The results folder (report.md, perf.json).",
)
@_report_errors
def bench_perf_command(
    programs: tuple[Path, ...], model: str, repeat: int, quick: bool, out: Path
) -> None:
    """Compile latency per stage, corpus and training throughput, surrogate vs oracle vs gcc."""
    from nsc.bench.perf import PerfConfig, perf

    config = PerfConfig(model=model, repeat=repeat, programs=tuple(programs))
    report = perf(
        config.quick() if quick else config,
        out,
        argv=sys.argv[1:],
        log=lambda m: click.echo(m, err=True),
    )
    click.echo(report)


def nscc_main() -> None:
    """`nscc` is `nsc compile`."""
    main(["compile", *sys.argv[1:]], prog_name="nscc")


if __name__ == "__main__":
    main()
