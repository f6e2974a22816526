"""Corpus records -> cached training tensors: program tensors, normalization, sample batches.

A record becomes an `Example`: its `ProgramTensors` (the graph under the model's vocabulary) and
its samples in the surrogate's units. Normalization comes from a *calibration* subset of the
record's own samples (the first `calibration` rows): inputs by their declared ranges, outputs by
median and IQR per scalar. Calibration sets statistics only; no weights are fitted to it. The
remaining rows are the rows training draws from.

`build_cache` turns a corpus folder into one npz (no pickle) per split, so the graphs are
encoded once; `load_cache` reads it back. The split is by program hash, so it is deterministic
and a program never sits on both sides. `sample_batch` draws rows for a list of examples.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import itertools
import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import torch
from tqdm import tqdm

from nsc.backend.surrogate import Normalization, flatten_ports, stack_padded
from nsc.backend.tensors import RANGE_WIDTH, ProgramTensors, Slots, collate, program_tensors
from nsc.backend.vocab import Vocab, key_counts
from nsc.data.dataset import corpus_shards, pool_context, read_corpus, shard_records
from nsc.data.shards import ProgramRecord, to_networkx
from nsc.diagnostics import NscError
from nsc.fileio import atomic_savez, atomic_write_text, load_npz
from nsc.ir.graph import ProgramGraph, program_graph
from nsc.ir.observe import FUSION_DIM, observe_graph

TARGET_CLIP = 10.0  # standardized targets beyond this are clipped while training
_TENSOR_FIELDS = tuple(
    f.name for f in dataclasses.fields(ProgramTensors) if f.name not in ("inputs", "outputs")
)
_SLOT_FIELDS = tuple(f.name for f in dataclasses.fields(Slots))


@dataclass
class Example:
    """One program ready to train on: graph tensors and standardized samples."""

    name: str
    hash: str
    tensors: ProgramTensors
    x: np.ndarray  # float32 [rows, in_width]: inputs mapped to [-1, 1]
    y: np.ndarray  # float32 [rows, out_width]: outputs standardized by calibration

    @property
    def rows(self) -> int:
        return int(self.x.shape[0])


def is_validation(program_hash: str, percent: float) -> bool:
    """Whether a program is held out: the first 8 hex digits of its hash, as a percentile."""
    return int(program_hash[:8], 16) % 10_000 < percent * 100


def calibrate(record: ProgramRecord, calibration: int) -> Normalization:
    """Normalization from the first `calibration` rows of a record's samples."""
    if record.rows <= calibration:
        raise NscError(f"{record.name}: {record.rows} samples; need more than {calibration}")
    head = {k: v[:calibration] for k, v in record.outputs.items()}
    return Normalization.from_calibration(record.signature, head)


def standardize(
    record: ProgramRecord, norm: Normalization, rows: slice
) -> tuple[np.ndarray, np.ndarray]:
    """A record's rows in surrogate units: (x, y) float32."""
    inputs = {k: v[rows] for k, v in record.inputs.items()}
    outputs = {k: v[rows] for k, v in record.outputs.items()}
    x = norm.inputs(flatten_ports(record.signature.inputs, inputs))
    y = norm.outputs(flatten_ports(record.signature.outputs, outputs))
    return x.astype(np.float32), y.astype(np.float32)


def to_example(
    record: ProgramRecord,
    vocab: Vocab,
    calibration: int,
    graph: ProgramGraph | nx.MultiDiGraph | None = None,
    *,
    fusion: bool = False,
) -> Example:
    """Encode one record; its rows after the calibration subset become training rows. With
    `fusion`, the graph's instructions carry what they computed on the calibration rows.

    The graph is built again from the record's IR (about 2 ms), not read from its shard: the
    builder may since have learned to mark more (the `reads` and `writes` of elements), and
    training must see the graph `nscc` builds today."""
    norm = calibrate(record, calibration)
    x, y = standardize(record, norm, slice(calibration, None))
    graph = program_graph(record.ir, record.signature) if graph is None else graph
    observed, width = (
        (observed_features(record, graph, calibration), FUSION_DIM) if fusion else (None, 0)
    )
    tensors = program_tensors(graph, vocab, record.signature, fusion=observed, fusion_dim=width)
    return Example(record.name, record.hash, tensors, x, y)


def observed_features(
    record: ProgramRecord, graph: ProgramGraph | nx.MultiDiGraph, calibration: int
) -> dict[int, np.ndarray]:
    """Fusion features of a record's graph from its first `calibration` rows (all rows in a
    corpus finished normally, so the clean IR may run them)."""
    head = {k: v[:calibration] for k, v in record.inputs.items()}
    try:
        return observe_graph(record.ir, record.signature, head, graph)
    except NscError as err:
        raise NscError(f"{record.name}: cannot observe the program: {err.message}") from None


def build_cache(
    records: Iterable[ProgramRecord],
    out: str | Path,
    *,
    calibration: int = 64,
    val_percent: float = 5.0,
    vocab: Vocab | None = None,
    fusion: bool = False,
    progress: bool = False,
    workers: int = 0,
) -> tuple[Vocab, list[Example], list[Example]]:
    """Split, encode and save `train.npz`, `val.npz` and `vocab.json` under `out`.

    `records` is iterated once per pass and never held whole: one pass builds the vocabulary
    from the training split (skipped when `vocab` is given), one encodes. A corpus of 70,000
    programs thus needs the memory of its encoded examples only, not of its records and graphs.
    Pass a list, or an object whose `__iter__` reads the corpus afresh (`CorpusRecords`). With
    `workers` > 0 that many processes convert and encode the records (and read their shards,
    given a `CorpusRecords`); the cache is the same, byte for byte."""
    if vocab is None and isinstance(records, Iterator):
        raise TypeError("build_cache reads its records twice: pass a list or a re-iterable")
    with _mapper(_useful_workers(workers, records)) as mapped:

        def each(fn: Callable[[ProgramRecord], Any]) -> Iterator[Any]:
            if isinstance(records, CorpusRecords):  # workers read whole shards themselves
                return records.map(fn, mapped)
            return mapped(fn, records, _CHUNK)

        if vocab is None:
            counts: Counter[str] = Counter()
            for one in each(functools.partial(_training_keys, val_percent)):
                counts.update(one)
            vocab = Vocab.from_counts(counts, min_count=2)
        encode = functools.partial(to_example, vocab=vocab, calibration=calibration, fusion=fusion)
        train, val = [], []
        encoded = each(encode)
        for example in tqdm(encoded, desc="encoding", unit="program", disable=not progress):
            (val if is_validation(example.hash, val_percent) else train).append(example)
    if not train and not val:
        raise NscError("the corpus has no programs")
    out = Path(out)
    save_examples(out / "train.npz", train)
    save_examples(out / "val.npz", val)
    atomic_write_text(out / "vocab.json", vocab.to_json())
    return vocab, train, val


@dataclass(frozen=True)
class CorpusRecords:
    """The programs of a corpus folder with more than `min_rows` samples, at most `limit` of
    them, in corpus order. Every iteration reads the shards afresh, so a cache build never holds
    them all; `map` has worker processes read and convert whole shards."""

    data: Path
    min_rows: int
    limit: int | None = None

    def __iter__(self) -> Iterator[ProgramRecord]:
        kept = (r for r in read_corpus(self.data) if r.rows > self.min_rows)
        return itertools.islice(kept, self.limit)

    def map(self, fn: Callable[[ProgramRecord], Any], mapped: Mapper) -> Iterator[Any]:
        """`fn` of every record, in order, each shard read and mapped by one call of `mapped`."""
        jobs = [
            functools.partial(_map_shard, self.data, shard, skip, self.min_rows, fn)
            for shard, skip in corpus_shards(self.data)
        ]
        results = itertools.chain.from_iterable(mapped(_call, jobs, 1))
        return itertools.islice(results, self.limit)


Mapper = Callable[[Callable[[Any], Any], Iterable[Any], int], Iterator[Any]]
_CHUNK = 16  # records a worker takes at a time: little waiting, little pickling overhead


def _useful_workers(workers: int, records: Iterable[ProgramRecord]) -> int:
    """No more workers than tasks to share (shards, or chunks of a list), whatever `--workers`
    asks for: each would be a process started for nothing."""
    if isinstance(records, CorpusRecords):
        return min(workers, len(corpus_shards(records.data)))
    if isinstance(records, Sequence):
        return min(workers, -(-len(records) // _CHUNK))
    return workers


@contextlib.contextmanager
def _mapper(workers: int) -> Iterator[Mapper]:
    """An ordered, lazy map(fn, items, chunksize): the builtin one, or a pool of `workers`
    processes started the way datagen starts its workers."""
    if workers < 1:
        yield lambda fn, items, chunksize: map(fn, items)
        return
    with pool_context().Pool(workers) as pool:
        yield lambda fn, items, chunksize: pool.imap(fn, items, chunksize=chunksize)


def _call(job: Callable[[], Any]) -> Any:
    return job()


def _map_shard(
    data: Path, shard: int, skip: frozenset[int], min_rows: int, fn: Callable[[ProgramRecord], Any]
) -> list[Any]:
    return [fn(r) for r in shard_records(data, shard, skip) if r.rows > min_rows]


def _training_keys(val_percent: float, record: ProgramRecord) -> Counter[str]:
    """The vocabulary's key counts of a training program; none for a validation program."""
    if is_validation(record.hash, val_percent):
        return Counter()
    return key_counts(to_networkx(record.graph))


def load_cache(folder: str | Path) -> tuple[Vocab, list[Example], list[Example]]:
    """The vocabulary and examples `build_cache` saved; NscError naming a missing or damaged
    file."""
    folder = Path(folder)
    path = folder / "vocab.json"
    try:
        vocab = Vocab.from_json(path.read_bytes().decode())
    except FileNotFoundError:
        raise NscError(f"{path}: no cached vocabulary here") from None
    except OSError as err:
        raise NscError(f"{path}: cannot read ({err.strerror or err})") from None
    except UnicodeDecodeError:
        raise NscError(f"{path}: not an nsc vocabulary (not UTF-8 text)") from None
    except NscError as err:
        raise NscError(f"{path}: {err.message}") from None
    return vocab, load_examples(folder / "train.npz"), load_examples(folder / "val.npz")


def save_examples(path: Path, examples: Sequence[Example]) -> None:
    """Every array of every example, concatenated per field with offsets (npz, no pickle).

    One field is concatenated at a time and written before the next: a large cache costs the
    memory of its examples and of its largest field, not twice its size."""
    parts: dict[str, list[np.ndarray]] = {}
    for ex in examples:
        for key, value in _arrays(ex).items():
            parts.setdefault(key, []).append(value)

    def arrays() -> Iterator[tuple[str, np.ndarray]]:
        for key, values in parts.items():  # flattened, so widths may differ between programs
            yield key, np.concatenate([v.reshape(-1) for v in values])
            yield f"{key}@offset", np.cumsum([0] + [v.size for v in values])
            yield f"{key}@shape", np.asarray([_shape(v) for v in values], dtype=np.int64)
        meta = {"names": [e.name for e in examples], "hashes": [e.hash for e in examples]}
        yield "meta", np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)

    atomic_savez(path, arrays())


def load_examples(path: Path) -> list[Example]:
    if not path.is_file():
        raise NscError(f"{path}: no cached examples here")
    arrays = load_npz(path)
    try:
        meta = json.loads(arrays.pop("meta").tobytes())
        keys = [k for k in arrays if "@" not in k]
        examples = []
        for i, (name, digest) in enumerate(zip(meta["names"], meta["hashes"], strict=True)):
            fields = {}
            for key in keys:
                start, stop = arrays[f"{key}@offset"][i : i + 2]
                rows, cols = arrays[f"{key}@shape"][i].tolist()
                flat = arrays[key][start:stop]
                fields[key] = flat if cols < 0 else flat.reshape(rows, cols)
            examples.append(_example(name, digest, fields))
    except (KeyError, IndexError, TypeError, ValueError) as err:  # ValueError: JSON, reshape
        raise NscError(
            f"{path}: not a valid cache of examples ({type(err).__name__}: {err})"
        ) from None
    return examples


def _shape(value: np.ndarray) -> tuple[int, int]:
    """(rows, columns) of a matrix; (length, -1) for a vector."""
    return (len(value), -1) if value.ndim == 1 else (value.shape[0], value.shape[1])


def _arrays(ex: Example) -> dict[str, np.ndarray]:
    t = ex.tensors
    out = {name: getattr(t, name) for name in _TENSOR_FIELDS}
    for side in ("inputs", "outputs"):
        for name in _SLOT_FIELDS:
            out[f"{side}.{name}"] = getattr(getattr(t, side), name)
    out["x"], out["y"] = ex.x, ex.y
    return out


def _example(name: str, digest: str, fields: dict[str, np.ndarray]) -> Example:
    if "ranges" not in fields:  # a cache written before nodes carried ranges: none known
        fields["ranges"] = np.zeros((len(fields["tokens"]), RANGE_WIDTH), dtype=np.float32)
    for side in ("inputs", "outputs"):  # written before slots carried touches: none known
        for key in (f"{side}.touch_slot", f"{side}.touch_node"):
            fields.setdefault(key, np.zeros(0, dtype=np.int64))
    slots = {
        side: Slots(*(fields[f"{side}.{n}"] for n in _SLOT_FIELDS))
        for side in ("inputs", "outputs")
    }
    tensors = ProgramTensors(**{n: fields[n] for n in _TENSOR_FIELDS}, **slots)
    return Example(name, digest, tensors, fields["x"], fields["y"])


@dataclass
class SampleBatch:
    """Programs and their sampled rows: targets padded to the widest output."""

    programs: object  # tensors.Batch
    x: torch.Tensor  # [P, rows, max_in]
    y: torch.Tensor  # [P, rows, max_out]


def sample_batch(
    examples: Sequence[Example], rows: int, rng: np.random.Generator, clip: float = TARGET_CLIP
) -> SampleBatch:
    """`rows` rows per program drawn with replacement by `rng`; targets clipped to +-clip."""
    xs, ys = [], []
    for ex in examples:
        pick = rng.integers(0, ex.rows, size=rows)
        xs.append(ex.x[pick])
        ys.append(np.clip(ex.y[pick], -clip, clip))
    return SampleBatch(collate([ex.tensors for ex in examples]), stack_padded(xs), stack_padded(ys))


def fixed_batch(examples: Sequence[Example], rows: int, clip: float = TARGET_CLIP) -> SampleBatch:
    """The first `rows` rows of every program (for validation: the same rows every time)."""
    rng_free = [(ex.x[:rows], np.clip(ex.y[:rows], -clip, clip)) for ex in examples]
    if len({x.shape[0] for x, _ in rng_free}) != 1:
        raise NscError(f"validation needs {rows} rows in every program")
    xs, ys = zip(*rng_free, strict=True)
    return SampleBatch(collate([ex.tensors for ex in examples]), stack_padded(xs), stack_padded(ys))
