"""`nsc bench data-efficiency` and `nsc bench perf`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from nsc.cli.common import _report_errors, main
from nsc.diagnostics import NscError


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
@click.option(
    "--fused-model",
    default="fused",
    show_default=True,
    help="The model trained with fusion features (the `fused` method; skipped if missing).",
)
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
@click.option(
    "--lr",
    "lrs",
    default="0.012",
    show_default=True,
    help="Adam's learning rate (the paper's 0.012), or a comma-separated list: every run then "
    "keeps the one with the lowest validation loss.",
)
@click.option(
    "--anchor",
    "anchors",
    default="0",
    show_default=True,
    help="Strength of a pull towards the start (anchor / rows * squared distance), or a "
    "comma-separated list: every run then keeps the one with the lowest validation loss.",
)
@click.option(
    "--perturb",
    type=click.FloatRange(min=0),
    default=0.0,
    show_default=True,
    help="Methods other than random fine-tune from their start plus this multiple of the "
    "run's random init (zero-shot keeps the start; experimental).",
)
@click.option(
    "--methods",
    default="random,dataset,meta,compiled,fused",  # nsc.bench.data_efficiency.METHODS
    show_default=True,
    help="The initializations to compare, comma-separated (random among them).",
)
@click.option(
    "--latent",
    is_flag=True,
    help="Also run the experimental `latent` method: fine-tune the compiled model's program "
    "encoding first, then the emitted weights.",
)
@click.option("--workers", type=click.IntRange(min=1), default=2, show_default=True)
@click.option("--quick", is_flag=True, help="A one-minute smoke run (small sets, few epochs).")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="The results folder (report.md, plots, JSON); a run killed before its report "
    "resumes there, keeping the programs it finished.",
)
@_report_errors
def bench_data_efficiency_command(
    programs: tuple[Path, ...],
    heldout: int,
    corpus: Path | None,
    sizes: str,
    lrs: str,
    anchors: str,
    methods: str,
    workers: int,
    quick: bool,
    out: Path,
    **kw,
) -> None:
    """Fine-tune each init on subsets of oracle samples; data efficiency over random init."""
    from nsc.bench.data_efficiency import BenchConfig, data_efficiency, default_programs, quick_run

    _check_given_models(("model", "fused_model"), kw)

    config = BenchConfig(
        sizes=_parse_numbers(sizes, "--sizes"),
        lrs=_parse_numbers(lrs, "--lr"),
        anchors=_parse_numbers(anchors, "--anchor"),
        methods=tuple(m.strip() for m in methods.split(",") if m.strip()),
        **kw,
    )
    config.check()  # the settings given, before --quick replaces some of them
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


def _check_given_models(options: tuple[str, ...], values: dict) -> None:
    """A model named on the command line must load, before any work: the bench leaves out the
    methods of a missing model, which is right for a shipped default but hides a typo."""
    from nsc.pipeline import find_model, load_model

    ctx = click.get_current_context()
    for option in options:
        if ctx.get_parameter_source(option) is click.core.ParameterSource.COMMANDLINE:
            try:
                load_model(find_model(values[option], "compiled"), "compiled")
            except NscError as err:
                flag = "--" + option.replace("_", "-")
                raise NscError(f"{flag} {values[option]}: {err.message}", err.hints) from None


def _parse_numbers(text: str, option: str) -> tuple[float, ...]:
    try:
        return tuple(float(v) for v in text.split(","))
    except ValueError:
        raise NscError(f"{option} takes comma-separated numbers, not {text!r}") from None


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
