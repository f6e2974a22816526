"""`nsc datagen` and `nsc train`: the training corpus and the hypernetwork."""

from __future__ import annotations

from pathlib import Path

import click

from nsc.cli.common import _report_errors, main
from nsc.diagnostics import NscError


def _parse_shard(value: str) -> tuple[int, int]:
    part, slash, parts = (text.strip() for text in value.partition("/"))
    if not slash or not _is_number(part) or not _is_number(parts):
        raise NscError(f"bad --shard {value!r}: expected i/N, e.g. 0/4")
    return int(part), int(parts)


def _is_number(text: str) -> bool:
    """Whether `int` reads the text as a non-negative number written in ASCII digits."""
    return text.isascii() and text.isdigit()


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
    from nsc.data.dataset import CONFIG_FILE, DatasetConfig, build_dataset

    if out.is_dir() and not (out / CONFIG_FILE).exists() and any(out.iterdir()):
        raise NscError(  # its index.json or summary.json would be replaced
            f"--out {out}: the folder holds other files and no corpus",
            hints=("build the corpus in a new or empty folder",),
        )
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
@click.option(
    "--samples-per-program",
    type=click.IntRange(min=1),
    default=192,
    show_default=True,
    help="Rows of each program in a step (192: every training row of a 256-sample corpus).",
)
@click.option("--lr", type=click.FloatRange(min=0, min_open=True), default=2e-3, show_default=True)
@click.option(
    "--loss",
    type=click.Choice(["mse", "nmse"]),
    default="mse",
    show_default=True,
    help="nmse: each program's MSE over its targets' variance, so programs weigh the same.",
)
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
@click.option(
    "--dim", type=click.IntRange(min=2), default=64, show_default=True, help="GGNN state width."
)
@click.option(
    "--steps",
    type=click.IntRange(min=1),
    default=4,
    show_default=True,
    help="GGNN message-passing steps.",
)
@click.option(
    "--head-dim",
    type=click.IntRange(min=1),
    default=128,
    show_default=True,
    help="Hidden width of the heads that emit the surrogate's weights.",
)
@click.option(
    "--hidden",
    default="32,32",
    show_default=True,
    help="The surrogate MLP's hidden layer widths, comma-separated.",
)
@click.option("--bases-only", is_flag=True, help="Train the bases alone (dataset-tailored init).")
@click.option(
    "--fusion",
    is_flag=True,
    help="Nodes also carry what each instruction computed on the calibration rows.",
)
@click.option(
    "--ranges/--no-ranges",
    default=True,
    show_default=True,
    help="Input nodes carry their ports' declared ranges.",
)
@click.option(
    "--touches",
    is_flag=True,
    help="Each input or output scalar also sees the instructions that read or write it "
    "(docs/model.md: not better overall, so off by default).",
)
@click.option(
    "--saturation",
    type=click.FloatRange(min=0),
    default=0.0,
    show_default=True,
    help="Weight of a penalty on the emitted surrogates' hidden units sitting in tanh's flat "
    "tails (|pre-activation| > 1.5), which fine-tune slowly (experimental).",
)
@click.option(
    "--context",
    is_flag=True,
    help="Each GGNN step also hands every node its program's mean state (experimental).",
)
@click.option(
    "--units",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Rank of unit-pair weights: each hidden unit attends over the program's nodes and a "
    "weight also reads the two things it connects (0: off; experimental).",
)
@click.option(
    "--hidden-layers",
    type=click.Choice(["learned", "fixed-base", "fixed"]),  # HIDDEN_LAYERS (tested: the same)
    default="learned",
    show_default=True,
    help="The emitted hidden layers: trained bases plus program deltas, one fixed random "
    "draw plus program deltas, or that draw alone (experimental).",
)
@click.option(
    "--adapt-steps",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Also train for the error after this many Adam steps of fine-tuning on a few rows "
    "of each program (first order; docs/model.md: it fine-tunes worse, so off by default).",
)
@click.option(
    "--adapt-rows",
    type=click.IntRange(min=1),
    default=16,
    show_default=True,
    help="Rows of each program the --adapt-steps fine-tune on (the others score it).",
)
@click.option(
    "--adapt-lr",
    type=click.FloatRange(min=0, min_open=True),
    default=0.012,
    show_default=True,
    help="Adam's learning rate in the --adapt-steps.",
)
@click.option(
    "--threads",
    type=click.IntRange(1, 1024),  # past what a machine has, torch fails to start them: SIGSEGV
    default=1,
    show_default=True,
    help="torch threads per process.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=0),
    default=2,
    show_default=True,
    help="Processes that encode the corpus into the cache (0: this process).",
)
@click.option(
    "--stop-after",
    type=click.IntRange(min=1),
    help="Stop after this many epochs of the --epochs schedule (a rerun continues it).",
)
@click.option(
    "--keep-epochs",
    is_flag=True,
    help="Keep every epoch's weights in OUT/epochs/ (to choose one by fine-tuning later).",
)
@click.option("--no-progress", is_flag=True, help="No progress bar.")
@_report_errors
def train_command(
    data: Path,
    out: Path,
    hidden: str,
    bases_only: bool,
    threads: int,
    workers: int,
    stop_after: int | None,
    keep_epochs: bool,
    no_progress: bool,
    **kw,
) -> None:
    """Train the hypernetwork on a corpus (data-parallel under torchrun)."""
    import os

    from nsc.backend.train import TrainConfig, train

    config = TrainConfig(
        data=str(data), modulate=not bases_only, hidden=_widths(hidden, "--hidden"), **kw
    )
    env = dict(os.environ)
    state = train(
        config,
        out,
        env=env,
        progress=not no_progress,
        threads=threads,
        workers=workers,
        stop_after=stop_after,
        keep_epochs=keep_epochs,
    ).progress
    if state.epochs and env.get("RANK", "0") == "0":
        last = state.epochs[-1]
        if last["val_mse"] == last["val_mse"]:
            score = f"val_mse {last['val_mse']:.4f}"
        else:  # NaN: no program fell in the validation split
            score = f"no validation programs (--val-percent {config.val_percent:g} of this corpus)"
        click.echo(f"epoch {last['epoch']}: {score} ({out / 'epochs.csv'})")


def _widths(text: str, option: str) -> tuple[int, ...]:
    """Comma-separated positive layer widths."""
    try:
        widths = tuple(int(v) for v in text.split(","))
    except ValueError:
        widths = ()
    if not widths or min(widths) < 1:
        raise NscError(f"{option} takes comma-separated positive widths, not {text!r}")
    return widths
