"""`nsc run`, `nsc finetune`, `nsc eval`: working with a compiled surrogate."""

from __future__ import annotations

from pathlib import Path

import click

from nsc.cli.common import (
    _options_from,
    _report_errors,
    check_output_kind,
    check_outputs,
    frontend_options,
    main,
    oracle_options,
    refuse_no_rows,
    with_units,
)
from nsc.diagnostics import NscError


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
@click.option(
    "--seed", type=click.IntRange(min=0), default=0, show_default=True, help="Seed for --samples."
)
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
    from nsc.runtime.surrogate import Surrogate, format_outputs, range_warnings
    from nsc.runtime.tabular import write_table

    check_outputs([model, inputs_file], {"--outputs": outputs_file})
    surrogate = Surrogate(model)
    signature = surrogate.signature
    inputs = pl.gather_inputs(signature, assignments, inputs_file, samples, seed)
    if outputs_file is None:
        refuse_no_rows(inputs_file, inputs)
    outputs = surrogate.run(inputs)
    for line in range_warnings(signature, inputs):
        click.echo(line, err=True)
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
    "sources",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The C program: draw examples from its oracle (with --samples); repeat it for a "
    "program of several files.",
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
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True)
@oracle_options(timeout=60.0)
@_report_errors
def finetune_command(
    model: Path,
    sources: tuple[Path, ...],
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

    source = sources[0] if sources else None
    if (source is None) == (data is None) or (source is not None) != (samples is not None):
        raise NscError("give the examples one way: --source PROG.c --samples N, or --data FILE")
    # -o MODEL fine-tunes in place: the model is read whole before the atomic write
    check_outputs([*sources, data], {"-o": output})
    check_output_kind("-o", output, "an ONNX surrogate", [".onnx"])
    ft.check_settings(epochs, lr, val_fraction, patience, batch_size, seed)
    surrogate = Surrogate(model)
    if data is not None:
        inputs, outputs = ft.file_examples(surrogate, data)
    else:
        from nsc import pipeline as pl

        _warn_source(surrogate, source)
        options = with_units(_options_from(kw, instrument=True), sources)
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
    if result.dropped_rows:
        click.echo(
            f"nsc: note: {result.dropped_rows} example(s) with a NaN or infinite value were left out",
            err=True,
        )


@main.command("eval")
@click.argument("model", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("sources", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@frontend_options
@click.option(
    "--samples",
    type=click.IntRange(min=2),  # nsc.runtime.evaluate.MIN_SAMPLES
    default=1000,
    show_default=True,
    help="Fresh inputs drawn from the ranges (at least 2: nMSE needs the outputs' variance).",
)
@click.option("--seed", type=click.IntRange(min=0), default=1, show_default=True)
@click.option(
    "--plot",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also draw surrogate vs oracle to this .png.",
)
@oracle_options(timeout=60.0)
@_report_errors
def eval_command(
    model: Path,
    sources: tuple[Path, ...],
    samples: int,
    seed: int,
    plot: Path | None,
    fuel: int,
    timeout: float,
    **kw,
) -> None:
    """Compare a surrogate with its C program's oracle (one file, or several): MSE, MAE, nMSE,
    relative and max error."""
    from nsc import pipeline as pl
    from nsc.runtime.evaluate import check_sample_count, evaluate
    from nsc.runtime.surrogate import Surrogate

    source = sources[0]
    check_sample_count(samples)
    check_outputs([model, *sources], {"--plot": plot})
    if plot is not None:
        from nsc.fileio import check_writable
        from nsc.runtime.plots import check_plot_path

        check_plot_path(plot)
        check_writable(plot)
    surrogate = Surrogate(model)
    _warn_source(surrogate, source)
    options = with_units(_options_from(kw, instrument=True), sources)
    compiled = pl.lower(source, options, pl.PassOptions())
    signature = _source_signature(surrogate.signature, compiled, options)
    evaluation = evaluate(
        surrogate, compiled, samples, seed, signature=signature, fuel=fuel, timeout=timeout
    )
    if evaluation.table.excluded == evaluation.table.samples:
        raise _nothing_evaluated(compiled, signature, evaluation.table, seed, fuel, timeout)
    click.echo(evaluation.table.format())
    if plot is not None:
        from nsc.runtime.plots import plot_evaluation

        plot_evaluation(evaluation, plot)


_PROBED_ROWS = 16  # rows run again to say why the oracle finished none


def _nothing_evaluated(compiled, signature, table, seed: int, fuel: int, timeout: float):
    """The error for an evaluation that kept no row, with the oracle's reason where it gives one:
    `evaluate` keeps only the mask of good rows, so the first few rows run again (on this path
    only) for their status."""
    from nsc import pipeline as pl
    from nsc.ir.sampling import sample_inputs

    samples, not_finite = table.samples, table.not_finite
    hints = ("check the input ranges (--range NAME=LO:HI), --fuel and --timeout",)
    head = f"none of the {samples} samples could be evaluated"
    if not_finite == samples:
        return NscError(f"{head}: the oracle's outputs were NaN or infinite on every one", hints)
    inputs = sample_inputs(signature, samples, seed)  # the rows `evaluate` drew
    probe = {name: array[:_PROBED_ROWS] for name, array in inputs.items()}
    status = pl.execute(compiled, probe, fuel=fuel, timeout=timeout).status
    what = "the oracle failed on every one"
    if not_finite:
        what = (
            f"the oracle failed on {samples - not_finite} and its outputs were NaN or infinite "
            f"on {not_finite}"
        )
    if not status.any():
        return NscError(f"{head}: {what}", hints)
    why = pl.status_summary(status)
    if len(status) < samples:
        why += f" in the first {len(status)} rows"
    return NscError(f"{head}: {what} ({why})", hints)
