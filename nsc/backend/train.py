"""Training the hypernetwork on a corpus: `nsc train --data CORPUS --out RUN`.

Each step takes a batch of programs and `samples_per_program` rows of each, emits every
program's surrogate in one forward pass, and minimizes the masked MSE of the surrogates in the
standardized output space plus `penalty` times the mean squared delta (the hypernetwork's
program-specific part). AdamW, linear warmup then cosine decay, gradient clipping.

Determinism and resuming: every random choice comes from a generator seeded by counters
(`[seed, epoch]` for the program order, `[seed, epoch, step, rank]` for the rows), so a run is a
pure function of its config. `RUN/last.safetensors` (model, AdamW moments, scheduler, counters,
torch RNG, logs) is written atomically every `checkpoint_every` steps and at each epoch's end;
rerunning the same command resumes from it and loses at most the steps since. A step whose
gradient is not finite ends the run with an error before it would make the weights NaN. With
`keep_epochs`, each epoch's weights are also kept as `RUN/epochs/epoch-NNN.safetensors`, for
choosing a checkpoint by something other than validation error
(`benchmarks/select_checkpoint.py` scores them by fine-tuning).

Data-parallel: under `torchrun`, RANK/WORLD_SIZE/MASTER_ADDR/MASTER_PORT name the process
group (gloo on CPU, NCCL on CUDA); the model is wrapped in DistributedDataParallel, each rank
takes its share of every batch's programs, and only rank 0 writes files.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.distributed as dist
from torch import nn

from nsc.backend import checkpoint as ckpt
from nsc.backend.data import (
    CorpusRecords,
    Example,
    SampleBatch,
    build_cache,
    fixed_batch,
    load_cache,
    sample_batch,
)
from nsc.backend.hypernet import HypernetConfig, Hypernetwork
from nsc.backend.npforward import MAX_STEPS
from nsc.backend.objective import Adaptation, Objective
from nsc.backend.surrogate import masked_mse
from nsc.backend.vocab import Vocab
from nsc.data.dataset import CONFIG_FILE as CORPUS_CONFIG
from nsc.data.dataset import INDEX_FILE as CORPUS_INDEX
from nsc.data.dataset import read_corpus, read_corpus_config
from nsc.data.ingest import MAX_SAMPLES
from nsc.diagnostics import NscError
from nsc.fileio import atomic_write_text, read_safetensors_metadata
from nsc.ir.observe import FUSION_DIM

LAST = "last.safetensors"
BEST = "best.safetensors"
EPOCHS = "epochs"  # RUN/epochs/epoch-NNN.safetensors with `keep_epochs`
VAL_ROWS = 128
EPOCH_COLUMNS = (  # of epochs.csv: the keys of `_Run.evaluate`'s rows
    "epoch", "global_step", "train_mse", "val_mse", "val_mse_bases", "val_mse_centre", "lr",
    "train_seconds", "programs_per_second", "val_mse_adapted",
)  # fmt: skip
STAMP_FILE = "stamp.json"  # in RUN/cache: the settings the cache was built with
CACHE_FORMAT = 3  # 2: nodes carry input ranges; 3: slots carry the nodes touching them


LOSSES = ("mse", "nmse")
# AdamW's first step is lr / (1 - beta1) = 10 lr, applied in float32: past this, torch's
# RuntimeError (nsc.runtime.finetune.check_settings bounds its rate the same way)
MAX_LR = float(np.finfo(np.float32).max) * (1 - 0.9)
MAX_PARAMETERS = 100_000_000  # ~300 times the default model; AdamW holds 4 floats per parameter


@dataclass(frozen=True)
class TrainConfig:
    """Every setting of a run; a resumed run must have the same ones (epochs may grow, and the
    corpus may be named by another path: `changed_from`)."""

    data: str
    epochs: int = 10
    batch_programs: int = 32
    samples_per_program: int = 192
    lr: float = 2e-3
    weight_decay: float = 0.01
    warmup_steps: int = 100
    min_lr_ratio: float = 0.05
    clip: float = 1.0
    penalty: float = 1e-3
    loss: str = "mse"  # "nmse": each program's MSE over its targets' variance (equal weight)
    seed: int = 0
    val_percent: float = 5.0
    calibration: int = 64
    checkpoint_every: int = 50
    max_programs: int | None = None
    modulate: bool = True  # False trains the bases alone: the dataset-tailored baseline
    dim: int = 64
    steps: int = 4
    head_dim: int = 128
    hidden: tuple[int, ...] = (32, 32)
    fusion: bool = False  # nodes carry what the program computed on the calibration rows
    ranges: bool = True  # input nodes carry their declared ranges
    touches: bool = False  # slots see the instructions that read or write their scalar
    units: int = 0  # > 0: hidden units attend over the nodes (HypernetConfig.units, the rank)
    context: bool = False  # the GGNN hands every node its graph's mean state at each step
    saturation: float = 0.0  # weight of the penalty on hidden units in tanh's flat tails
    hidden_layers: str = "learned"  # or "fixed-base", "fixed" (HypernetConfig.hidden_layers)
    # > 0: the loss also scores each surrogate after that many Adam steps on its first
    # `adapt_rows` rows (first order), measured on the other rows: weights that fine-tune well
    adapt_steps: int = 0
    adapt_rows: int = 16
    adapt_lr: float = 0.012

    def check(self) -> None:
        positive = ("epochs", "batch_programs", "samples_per_program", "checkpoint_every")
        for name in positive:
            if getattr(self, name) < 1:
                raise NscError(f"--{name.replace('_', '-')} must be positive")
        if not 0 <= self.saturation < math.inf:
            raise NscError(f"--saturation must be finite and >= 0, not {self.saturation}")
        if not 0 < self.lr < math.inf or self.clip <= 0 or self.penalty < 0:
            raise NscError("--lr and --clip must be positive and finite, the penalty non-negative")
        if self.lr > MAX_LR:
            raise NscError(f"--lr must be at most {MAX_LR:.2g} (a float32 step), not {self.lr:g}")
        if self.loss not in LOSSES:
            raise NscError(f"--loss must be one of {', '.join(LOSSES)}, not {self.loss!r}")
        if self.steps > MAX_STEPS:
            raise NscError(f"--steps must be at most {MAX_STEPS} (GGNN steps), not {self.steps}")
        if self.samples_per_program > MAX_SAMPLES:  # rows drawn with replacement, per step
            raise NscError(
                f"--samples-per-program must be at most {MAX_SAMPLES:,} (the most samples a "
                f"corpus program has), not {self.samples_per_program}"
            )
        if not 0 <= self.seed < 2**63:  # torch's generators take a signed 64-bit seed
            raise NscError(f"--seed must be in [0, 2**63), not {self.seed}")
        if self.max_programs is not None and not 1 <= self.max_programs < 2**63:
            raise NscError(f"--max-programs must be in [1, 2**63), not {self.max_programs}")
        if not 0 <= self.val_percent < 100:
            raise NscError(f"--val-percent must be in [0, 100), not {self.val_percent}")
        if self.adapt_steps < 0 or not 0 < self.adapt_lr < math.inf:
            raise NscError("--adapt-steps must be non-negative, --adapt-lr positive and finite")
        if self.adapt_steps and not 1 <= self.adapt_rows < self.samples_per_program:
            raise NscError(
                f"--adapt-rows must be in [1, {self.samples_per_program}) (the rest of each "
                f"program's --samples-per-program rows score the adapted surrogate), "
                f"not {self.adapt_rows}"
            )

    def hypernet(self, vocab_size: int) -> HypernetConfig:
        return HypernetConfig(
            vocab_size=vocab_size,
            encoder_options={"dim": self.dim, "steps": self.steps, "ranges": self.ranges}
            | ({"context": True} if self.context else {}),
            surrogate_options={"hidden": list(self.hidden), "activation": "tanh"},
            head_dim=self.head_dim,
            fusion_dim=FUSION_DIM if self.fusion else 0,
            touches=self.touches,
            units=self.units,
            hidden_layers=self.hidden_layers,
        )

    def adaptation(self) -> Adaptation | None:
        if not self.adapt_steps:
            return None
        return Adaptation(self.adapt_steps, self.adapt_rows, self.adapt_lr)

    def changed_from(self, other: TrainConfig) -> list[str]:
        """The settings that differ from `other`'s, as `name was X, now Y`: a run resumes only
        where there are none. `epochs` may grow; `data` is the path as typed (relative to the
        folder the run was started in), so the corpus is compared by its fingerprint instead
        (`_check_resumable`)."""
        mine, theirs = asdict(self), asdict(other)
        return [
            f"{name} was {_shown(theirs[name])}, now {_shown(mine[name])}"
            for name in mine
            if name not in ("epochs", "data") and mine[name] != theirs[name]
        ]


def _shown(value: Any) -> str:
    return ",".join(map(str, value)) if isinstance(value, tuple | list) else f"{value}"


# settings added after runs were saved without them, with the value those runs had
BEFORE_SETTING = {"ranges": False}


def config_from_json(data: Mapping[str, Any]) -> TrainConfig:
    known = {f.name for f in fields(TrainConfig)}
    values = {**BEFORE_SETTING, **{k: v for k, v in data.items() if k in known}}
    if "hidden" in values:
        values["hidden"] = tuple(values["hidden"])
    return TrainConfig(**values)


@dataclass
class Progress:
    """The counters a checkpoint carries: where the run is, and its logs so far."""

    epoch: int = 0
    step_in_epoch: int = 0
    global_step: int = 0
    seconds: float = 0.0
    epochs: list[dict[str, float]] = field(default_factory=list)
    steps: list[list[float]] = field(default_factory=list)  # [global step, loss, lr]


@dataclass
class Trained:
    """What `train` returns: the counters and logs, and this process's model."""

    progress: Progress
    hypernet: Hypernetwork


@dataclass
class Replica:
    """Where this process sits in a data-parallel run."""

    rank: int = 0
    world: int = 1

    @property
    def main(self) -> bool:
        return self.rank == 0


def replica_named(env: Mapping[str, str]) -> Replica:
    """The process that torchrun's RANK and WORLD_SIZE in `env` name; a single process if they
    name none. NscError where they are not numbers or name no rank of the world."""
    try:
        world = int(env.get("WORLD_SIZE", "1"))
        rank = int(env["RANK"]) if world > 1 else 0
    except (KeyError, ValueError):
        rank, world = -1, 2
    if world > 1 and not 0 <= rank < world:
        raise NscError(
            f"WORLD_SIZE={env['WORLD_SIZE']} and RANK={env.get('RANK', '(unset)')} name no "
            "process of a data-parallel run",
            hints=("start the processes with torchrun, which sets both, or unset WORLD_SIZE",),
        )
    return Replica(rank, world) if world > 1 else Replica()


def training_device(env: Mapping[str, str], gpus: int) -> torch.device:
    """The device this process trains on: the CPU without a GPU; with GPUs, the one torchrun's
    LOCAL_RANK names (each process of a data-parallel run on a machine its own, as NCCL
    needs), GPU 0 for a single process."""
    if gpus == 0:
        return torch.device("cpu")
    try:
        local = int(env.get("LOCAL_RANK", "0"))
    except ValueError:
        local = -1
    if not 0 <= local < gpus:
        raise NscError(
            f"LOCAL_RANK={env.get('LOCAL_RANK')} names no GPU of this machine's {gpus}",
            hints=("start at most one process per GPU: torchrun --nproc-per-node <= GPUs",),
        )
    return torch.device("cuda", local)


def replica_from_env(env: Mapping[str, str], device: torch.device) -> Replica:
    """Join the process group torchrun describes in `env`; a single process if it names none."""
    replica = replica_named(env)
    rank, world = replica.rank, replica.world
    if world > 1 and not dist.is_initialized():
        address = f"tcp://{env.get('MASTER_ADDR', '127.0.0.1')}:{env.get('MASTER_PORT', '29500')}"
        backend = "nccl" if device.type == "cuda" else "gloo"
        dist.init_process_group(backend, init_method=address, rank=rank, world_size=world)
    return replica


def schedule(config: TrainConfig, total_steps: int) -> Callable[[int], float]:
    """Linear warmup to 1, then cosine decay to `min_lr_ratio`, as a LambdaLR factor."""
    warmup = min(config.warmup_steps, max(total_steps // 10, 1))

    def factor(step: int) -> float:
        if step < warmup:
            return (step + 1) / warmup
        done = min((step - warmup) / max(total_steps - warmup, 1), 1.0)
        low = config.min_lr_ratio
        return low + (1.0 - low) * 0.5 * (1.0 + math.cos(math.pi * done))

    return factor


def prepare_data(
    config: TrainConfig,
    out: Path,
    replica: Replica,
    progress: bool = False,
    workers: int = 0,
    corpus: str | None = None,
) -> tuple[Vocab, list[Example], list[Example]]:
    """Encode the corpus once into `out/cache` (rank 0, with `workers` encoder processes),
    then load it (every rank). `check_data` has vetted the corpus; `corpus` is its
    `corpus_fingerprint` when the caller has it."""
    cache = out / "cache"
    loaded, failure = None, None
    if replica.main:
        try:
            loaded = _fresh_cache(config, cache, _cache_stamp(config, corpus), progress, workers)
        except NscError as err:
            if replica.world == 1:
                raise
            failure = err
    if replica.world > 1:
        _share_failure(failure)  # also the barrier: the cache is built
    vocab, train_set, val_set = loaded or load_cache(cache)
    if len(train_set) < config.batch_programs:
        raise NscError(
            f"the corpus has {len(train_set)} training programs; "
            f"--batch-programs {config.batch_programs} needs at least that many",
            hints=(
                f"--val-percent {config.val_percent:g} holds out all {len(val_set)} of its "
                "programs: lower it"
                if not train_set
                else f"the encoded corpus stays in {cache} for a run with a smaller batch",
            ),
        )
    return vocab, train_set, val_set


def _fresh_cache(
    config: TrainConfig, cache: Path, stamp: dict[str, Any], progress: bool, workers: int
) -> tuple[Vocab, list[Example], list[Example]]:
    """The cache's contents where it has `stamp` and is intact; else built again from the
    corpus (it is stale, missing or damaged)."""
    if _cache_is_fresh(cache, stamp):
        loaded = _intact_cache(cache)
        if loaded is not None:
            return loaded
    records = CorpusRecords(Path(config.data), config.calibration + 1, config.max_programs)
    # kept, not loaded again: a second copy of a large corpus's examples may not fit
    loaded = build_cache(
        records,
        cache,
        calibration=config.calibration,
        val_percent=config.val_percent,
        fusion=config.fusion,
        progress=progress,
        workers=workers,
    )
    atomic_write_text(cache / STAMP_FILE, json.dumps(stamp))
    return loaded


def _share_failure(failure: NscError | None) -> None:
    """Raise rank 0's error on every rank, or return on every rank when it had none. (The other
    ranks would wait for it at the next collective, then die on a closed connection, with a
    traceback, as its process exits.)"""
    shared = [None if failure is None else [failure.message, list(failure.hints)]]
    dist.broadcast_object_list(shared, src=0)
    if failure is not None:
        raise failure
    if shared[0] is not None:
        message, hints = shared[0]
        raise NscError(message, hints=tuple(hints))


def _intact_cache(cache: Path) -> tuple[Vocab, list[Example], list[Example]] | None:
    """The cache's contents, or None where a file of it is missing or damaged (it is derived
    from the corpus, so it is built again rather than reported)."""
    try:
        return load_cache(cache)
    except NscError:
        return None


def check_data(config: TrainConfig, out: Path, corpus: str | None = None) -> None:
    """Refuse a run that cannot start, before anything is written: an --out that is a file, or
    (unless a fresh cache holds it already) a corpus that is unreadable, has no program, or
    no program with more than `calibration + 1` samples."""
    if out.exists() and not out.is_dir():
        raise NscError(f"{out}: exists and is not a folder (--out names the run's folder)")
    if out.resolve() == Path(config.data).resolve():
        raise NscError(
            f"--out {out} is the corpus folder --data names",
            hints=("give the run a folder of its own",),
        )
    if out.is_dir() and not ((out / "cache").is_dir() or (out / LAST).is_file()):
        if any(out.iterdir()):  # its log.json or epochs.csv would be replaced
            raise NscError(
                f"--out {out}: the folder holds other files and no training run",
                hints=("give the run a new or empty folder, or the folder of a run to resume",),
            )
    if _cache_is_fresh(out / "cache", _cache_stamp(config, corpus)):
        return
    data = Path(config.data)
    if (data / CORPUS_CONFIG).exists():
        read_corpus_config(data)
    min_rows = config.calibration + 1
    programs = 0
    for record in read_corpus(data):
        if record.rows > min_rows:
            return
        programs += 1
    if programs == 0:
        raise NscError(
            f"{data}: the corpus has no programs",
            hints=("build one with nsc datagen; its datagen.log says why programs were dropped",),
        )
    raise NscError(
        f"{data}: no program has more than {min_rows} samples",
        hints=("lower --calibration, or build the corpus with more --samples",),
    )


def check_model_size(config: TrainConfig) -> None:
    """Refuse widths whose model would not fit in memory, before allocating it (the count is
    taken on the meta device; the vocabulary adds only `dim` parameters a token)."""
    count = math.inf  # a layer wider than the limit has more (past 2**63, torch's TypeError)
    if max(config.dim, config.head_dim, config.units, *config.hidden) <= MAX_PARAMETERS:
        try:
            with torch.device("meta"):
                count = Hypernetwork(config.hypernet(vocab_size=1)).parameter_counts()["total"]
        except RuntimeError:  # a tensor size past what torch can count at all
            pass
    if count > MAX_PARAMETERS:
        shown = f"{count:,}" if count < math.inf else "too many"
        raise NscError(
            f"--dim {config.dim}, --head-dim {config.head_dim} and --hidden "
            f"{','.join(map(str, config.hidden))} make a model of {shown} parameters "
            f"(at most {MAX_PARAMETERS:,})",
            hints=("use smaller widths",),
        )


def _cache_stamp(config: TrainConfig, corpus: str | None = None) -> dict[str, Any]:
    """What the cache was built from; a cache with another stamp is rebuilt."""
    return {
        "data": str(Path(config.data).resolve()),
        "corpus": corpus or corpus_fingerprint(Path(config.data)),
        "calibration": config.calibration,
        "val_percent": config.val_percent,
        "max_programs": config.max_programs,
        "fusion": config.fusion,
        "format": CACHE_FORMAT,
    }


def corpus_fingerprint(data: Path) -> str:
    """A digest of a corpus folder's index, settings and shard names and sizes: it changes when
    the corpus is extended or rebuilt in place (not when it is copied elsewhere)."""
    digest = hashlib.sha256()
    for name in (CORPUS_INDEX, CORPUS_CONFIG):
        try:
            digest.update((data / name).read_bytes())
        except OSError:
            digest.update(b"-")
    for path in sorted(data.glob("shard-*")):
        digest.update(f"{path.name}:{path.stat().st_size};".encode())
    return digest.hexdigest()[:16]


def _cache_is_fresh(cache: Path, stamp: dict[str, Any]) -> bool:
    try:
        return json.loads((cache / STAMP_FILE).read_text()) == stamp
    except (OSError, ValueError):  # missing, or damaged: rebuild
        return False


def train(
    config: TrainConfig,
    out: str | Path,
    *,
    env: Mapping[str, str] | None = None,
    progress: bool = True,
    threads: int | None = None,
    workers: int = 0,
    stop_after: int | None = None,
    keep_epochs: bool = False,
    on_step: Callable[[int], None] | None = None,
) -> Trained:
    """Train (or resume) a run in `out`; returns the final counters, logs and model.

    `env` is the process environment torchrun set (or None: one process); `threads` sets
    torch's intra-op threads; `workers` processes encode the corpus when the cache is built
    (0: this process); `stop_after` ends the call after that many epochs of the run (the
    schedule still spans `config.epochs`, so calling again resumes it, exactly as after a
    kill); `keep_epochs` keeps every epoch's weights in `RUN/epochs/`; `on_step(global_step)`
    runs after each step."""
    config.check()
    check_model_size(config)
    if threads is not None:
        torch.set_num_threads(threads)
    out = Path(out)
    world = replica_named(env or {}).world
    if config.batch_programs < world:  # every rank says so, before any joins the group
        raise NscError(
            f"--batch-programs {config.batch_programs} gives some of the {world} "
            "processes no program to train on",
            hints=(f"use --batch-programs {world} or more, or fewer processes",),
        )
    device = training_device(env or {}, torch.cuda.device_count())
    if device.type == "cuda":
        torch.cuda.set_device(device)  # NCCL's collectives run on the current device
    replica = replica_from_env(env or {}, device)
    corpus = corpus_fingerprint(Path(config.data))
    check_data(config, out, corpus)
    _check_resumable(out / LAST, config, corpus)
    out.mkdir(parents=True, exist_ok=True)
    vocab, train_set, val_set = prepare_data(
        config, out, replica, progress and replica.main, workers, corpus
    )
    torch.manual_seed(config.seed)
    hypernet = Hypernetwork(config.hypernet(len(vocab))).to(device)
    objective = Objective(
        hypernet,
        config.penalty,
        config.modulate,
        config.loss,
        config.adaptation(),
        config.saturation,
    )
    optimizer = torch.optim.AdamW(
        hypernet.parameters(), lr=config.lr, weight_decay=config.weight_decay
    )
    per_epoch = len(train_set) // config.batch_programs
    factor = schedule(config, per_epoch * config.epochs)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, factor)
    state = _resume(out / LAST, config, vocab, hypernet, optimizer, scheduler)
    model: nn.Module = objective
    if replica.world > 1:
        model = nn.parallel.DistributedDataParallel(objective, find_unused_parameters=True)
    run = _Run(config, out, vocab, hypernet, optimizer, scheduler, state, replica, device, corpus)
    bar = _bar(progress and replica.main, per_epoch * config.epochs, state.global_step)
    try:
        for epoch in range(state.epoch, min(config.epochs, stop_after or config.epochs)):
            order = np.random.default_rng([config.seed, epoch]).permutation(len(train_set))
            for step in range(state.step_in_epoch, per_epoch):
                chosen = order[step * config.batch_programs : (step + 1) * config.batch_programs]
                mine = [train_set[i] for i in chosen[replica.rank :: replica.world]]
                rng = np.random.default_rng([config.seed, epoch, step, replica.rank])
                start = time.perf_counter()
                loss = run.step(model, sample_batch(mine, config.samples_per_program, rng))
                state.seconds += time.perf_counter() - start
                state.step_in_epoch, state.global_step = step + 1, state.global_step + 1
                state.steps.append([state.global_step, loss, scheduler.get_last_lr()[0]])
                if bar is not None:
                    bar.update(1)
                    bar.set_postfix(epoch=epoch, loss=f"{loss:.4f}", refresh=False)
                if state.global_step % config.checkpoint_every == 0:
                    run.save()
                if on_step is not None:
                    on_step(state.global_step)
            state.epoch, state.step_in_epoch = epoch + 1, 0
            losses = [row[1] for row in state.steps[-per_epoch:]]
            state.epochs.append(run.evaluate(epoch, losses, val_set))
            run.save(best=_is_best(state.epochs), keep=keep_epochs)
    finally:
        if bar is not None:
            bar.close()
    return Trained(state, hypernet)


@dataclass
class _Run:
    """The objects of a run that steps, evaluates and saves together."""

    config: TrainConfig
    out: Path
    vocab: Vocab
    hypernet: Hypernetwork
    optimizer: torch.optim.Optimizer
    scheduler: torch.optim.lr_scheduler.LambdaLR
    state: Progress
    replica: Replica
    device: torch.device
    corpus: str  # `corpus_fingerprint` of the training data

    def step(self, model: nn.Module, batch: SampleBatch) -> float:
        batch = SampleBatch(
            batch.programs.to(self.device), batch.x.to(self.device), batch.y.to(self.device)
        )
        model.train()
        self.optimizer.zero_grad(set_to_none=True)
        loss, mse = model(batch)
        loss.backward()
        norm = nn.utils.clip_grad_norm_(self.hypernet.parameters(), self.config.clip)
        if not torch.isfinite(norm):  # the same on every rank: the gradients are all-reduced
            raise self.diverged(float(norm))
        self.optimizer.step()
        self.scheduler.step()
        return float(mse.detach())

    def diverged(self, norm: float) -> NscError:
        """The error that ends a run whose gradient is no longer finite: the step would make
        every weight NaN, and the run would go on to save them as its checkpoint."""
        rates = "--lr" + (" or --adapt-lr" if self.config.adapt_steps else "")
        return NscError(
            f"the run diverged at step {self.state.global_step + 1}: the gradient's norm is "
            f"{norm} (the last checkpoint is kept)",
            hints=(f"lower {rates}, in a new --out folder (a run resumes with its own settings)",),
        )

    @torch.no_grad()
    def validate(self, examples: Sequence[Example], modulate: bool | None) -> float:
        """Mean normalized MSE on held-out programs' fixed rows of the emitted surrogates (with
        or without modulation), or of the calibration centre (`modulate=None`: predict 0)."""
        self.hypernet.eval()
        errors = []
        for i in range(0, len(examples), self.config.batch_programs):
            chunk = examples[i : i + self.config.batch_programs]
            batch = fixed_batch(chunk, min(VAL_ROWS, min(e.rows for e in chunk)))
            y = batch.y.to(self.device)
            if modulate is None:
                mask = batch.programs.outputs.mask().to(self.device)
                errors.append(masked_mse(torch.zeros_like(y), y, mask).cpu())
                continue
            emitted = self.hypernet(batch.programs.to(self.device), modulate=modulate)
            pred = self.hypernet.family.forward(emitted.params, batch.x.to(self.device))
            errors.append(masked_mse(pred, y, emitted.out_mask).cpu())
        return float(torch.cat(errors).mean()) if errors else float("nan")

    @torch.no_grad()
    def validate_adapted(self, examples: Sequence[Example], adapt: Adaptation) -> float:
        """Mean normalized MSE on held-out programs' fixed rows after `adapt`'s steps on the
        first of them, scored on the others."""
        self.hypernet.eval()
        errors = []
        for i in range(0, len(examples), self.config.batch_programs):
            chunk = examples[i : i + self.config.batch_programs]
            batch = fixed_batch(chunk, min(VAL_ROWS, min(e.rows for e in chunk)))
            emitted = self.hypernet(batch.programs.to(self.device), modulate=self.config.modulate)
            x, y = batch.x.to(self.device), batch.y.to(self.device)
            errors.append(adapt.query_mse(self.hypernet.family, emitted, x, y).cpu())
        return float(torch.cat(errors).mean()) if errors else float("nan")

    def evaluate(
        self, epoch: int, losses: list[float], val_set: Sequence[Example]
    ) -> dict[str, float]:
        row = {
            "epoch": epoch + 1,
            "global_step": self.state.global_step,
            "train_mse": float(np.mean(losses)) if losses else float("nan"),
            "val_mse": self.validate(val_set, self.config.modulate),
            "val_mse_bases": self.validate(val_set, False),
            "val_mse_centre": self.validate(val_set, None),
            "lr": self.scheduler.get_last_lr()[0],
            "train_seconds": round(self.state.seconds, 2),
            "programs_per_second": round(
                self.state.global_step * self.config.batch_programs / max(self.state.seconds, 1e-9),
                2,
            ),
        }
        adapt = self.config.adaptation()
        if adapt is not None:
            row["val_mse_adapted"] = self.validate_adapted(val_set, adapt)
        if self.replica.main:
            print(json.dumps(row), flush=True)
        return row

    def save(self, best: bool = False, keep: bool = False) -> None:
        """Checkpoint and logs (and `best.safetensors`, the weights of the epoch with the lowest
        validation error so far, when `best`; with `keep`, the weights as `epochs/epoch-NNN`
        for the epoch just finished), written by rank 0 only."""
        if not self.replica.main:
            return
        meta = {
            "config": asdict(self.config),
            "hypernet": json.loads(self.hypernet.config.to_json()),
            "vocab": list(self.vocab.tokens),
            "corpus": self.corpus,
            "progress": asdict(self.state),
            "scheduler": self.scheduler.state_dict(),
        }
        # the epoch's own files first: a kill before the checkpoint has the rerun redo the
        # epoch and write them again (the same bytes), one after it would lose them
        if best:
            ckpt.save_checkpoint(self.out / BEST, self.hypernet.state_dict(), meta)
        if keep:
            (self.out / EPOCHS).mkdir(exist_ok=True)
            name = f"epoch-{self.state.epoch:03d}.safetensors"
            ckpt.save_checkpoint(self.out / EPOCHS / name, self.hypernet.state_dict(), meta)
        ckpt.save_checkpoint(
            self.out / LAST, self.hypernet.state_dict(), meta, optimizer=self.optimizer, rng=True
        )
        write_logs(self.out, self.state)


def _resume(
    path: Path,
    config: TrainConfig,
    vocab: Vocab,
    hypernet: Hypernetwork,
    optimizer: torch.optim.Optimizer,
    scheduler: torch.optim.lr_scheduler.LambdaLR,
) -> Progress:
    if not path.is_file():
        return Progress()
    saved = ckpt.load_checkpoint(path)
    for key, what in RUN_STATE.items():
        if key not in saved.meta:
            raise _not_a_run(path, what)
    changed = config.changed_from(config_from_json(saved.meta["config"]))
    if changed:
        raise _other_settings(path, changed)
    if saved.meta.get("vocab") != list(vocab.tokens):
        raise _changed_corpus(path, config)
    hypernet.load_state_dict(saved.model_state())
    ckpt.restore_optimizer(optimizer, saved)
    scheduler.load_state_dict(saved.meta["scheduler"])
    ckpt.restore_rng(saved)
    return Progress(**saved.meta["progress"])


# what a run's checkpoint holds beyond a model's weights (a model, or a run's best weights, in
# its place cannot resume the run)
RUN_STATE = {
    "config": "no run settings",
    "optimizer": "no optimizer state",
    "scheduler": "no schedule",
    "progress": "no counters",
}


def _check_resumable(path: Path, config: TrainConfig, corpus: str) -> None:
    """Refuse to resume a run with other settings, or whose corpus was extended or rebuilt in
    place since it began, or from a file that is no run's checkpoint: from the checkpoint's
    header alone, before the run's cache is rebuilt for the new settings or corpus."""
    if not path.is_file():
        return
    try:
        meta = json.loads(read_safetensors_metadata(path).get("nsc", "{}"))
    except (OSError, ValueError):  # a header length read from junk too (nsc.fileio bounds it)
        return  # not readable as a checkpoint: `_resume` says so
    if not isinstance(meta, dict) or meta.get("format") != ckpt.FORMAT:
        return  # likewise
    if "config" not in meta:
        raise _not_a_run(path, RUN_STATE["config"])
    changed = config.changed_from(config_from_json(meta["config"]))
    if changed:
        raise _other_settings(path, changed)
    if meta.get("corpus", corpus) != corpus:
        raise _changed_corpus(path, config)


def _not_a_run(path: Path, what: str) -> NscError:
    return NscError(
        f"{path}: not a training run's checkpoint ({what}), so the run cannot resume from it",
        hints=("move the file out of the run's folder, or use a new --out folder",),
    )


def _other_settings(path: Path, changed: list[str]) -> NscError:
    return NscError(
        f"{path} was written by a run with other settings: {'; '.join(changed)}",
        hints=("use a new --out folder, or rerun with the original settings",),
    )


def _changed_corpus(path: Path, config: TrainConfig) -> NscError:
    return NscError(
        f"{path} was trained on another corpus: {config.data} changed since the run began",
        hints=("use a new --out folder, or restore the corpus the run was started on",),
    )


def _is_best(epochs: list[dict[str, float]]) -> bool:
    """Whether the last epoch has the lowest validation error so far (NaN never is)."""
    scores = [row["val_mse"] for row in epochs]
    return math.isfinite(scores[-1]) and all(scores[-1] <= s for s in scores if math.isfinite(s))


def write_logs(out: Path, state: Progress) -> None:
    """`log.json` (everything), `epochs.csv` and `steps.csv`, rewritten from the counters."""
    atomic_write_text(out / "log.json", json.dumps(asdict(state), indent=1) + "\n")
    if state.epochs:
        # in `evaluate`'s order, also after a resume (a checkpoint's JSON has its keys sorted)
        rank = {name: i for i, name in enumerate(EPOCH_COLUMNS)}
        columns = sorted(state.epochs[0], key=lambda name: rank.get(name, len(rank)))
        atomic_write_text(out / "epochs.csv", _csv(columns, state.epochs))
    steps = [dict(zip(("step", "train_mse", "lr"), row, strict=True)) for row in state.steps]
    atomic_write_text(out / "steps.csv", _csv(["step", "train_mse", "lr"], steps))


def _csv(columns: list[str], rows: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def _bar(enabled: bool, total: int, done: int):  # noqa: ANN202
    if not enabled:
        return None
    from tqdm import tqdm

    return tqdm(total=total, initial=done, unit="step", desc="train", dynamic_ncols=True)
