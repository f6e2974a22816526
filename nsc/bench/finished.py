"""Results a data-efficiency run has finished, kept per program so a killed run resumes.

Each finished program's result is written to `OUT/programs/<group>-<name>.json` as soon as it
arrives, with a key: a SHA-256 over everything that decides it (the benchmark's settings, the
methods run, the program's source and options, each initialization's weights, and nsc's own
source). A later run into the same folder takes a result whose key matches instead of running
the program again; any other file is ignored and, once the program is run again, replaced.
When the report is written the run's files there go (and the folder, if that empties it): a
finished benchmark run again measures afresh.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from nsc.fileio import atomic_write_text

if TYPE_CHECKING:
    from nsc.bench.data_efficiency import BenchConfig, Program, ProgramResult

FOLDER = "programs"
PACKAGE = Path(__file__).resolve().parents[1]


def result_key(
    program: Program, config: BenchConfig, methods: Sequence[str], inits: Mapping[str, object]
) -> str:
    """What decides a program's result, hashed."""
    digest = hashlib.sha256()
    about = {k: v for k, v in asdict(program).items() if k != "path"}  # the folder may move
    settings = {"config": asdict(config), "methods": list(methods), "program": about}
    digest.update(json.dumps(settings, sort_keys=True, default=str).encode())
    digest.update(Path(program.path).read_bytes())
    for method in sorted(inits):
        params: dict[str, np.ndarray] = inits[method].params  # type: ignore[attr-defined]
        digest.update(method.encode())
        for name in sorted(params):
            digest.update(name.encode())
            digest.update(np.ascontiguousarray(params[name]).tobytes())
    digest.update(code_digest().encode())
    return digest.hexdigest()


@functools.cache
def code_digest() -> str:
    """SHA-256 of nsc's Python source: results from other code are not reused."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*.py")):
        digest.update(str(path.relative_to(PACKAGE)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def forget(out: Path, programs: Sequence[Program]) -> None:
    """Remove the saved results of `programs` (after the report holds them), and the folder if
    that empties it: other files there are not this run's to remove."""
    folder = out / FOLDER
    for program in programs:
        result_path(out, program).unlink(missing_ok=True)
    if folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()


def result_path(out: Path, program: Program) -> Path:
    return out / FOLDER / f"{program.group}-{program.name}.json"


def save(out: Path, result: ProgramResult, key: str) -> None:
    """Write one program's result (atomically) under its key."""
    path = result_path(out, result.program)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, json.dumps({"key": key, "result": result.to_json()}))


def load(out: Path, program: Program, key: str) -> ProgramResult | None:
    """The result saved for `program` under `key`, or None (no file, another key, unreadable)."""
    from nsc.bench.data_efficiency import ProgramResult, Run

    try:
        saved = json.loads(result_path(out, program).read_text())
        if saved.get("key") != key:
            return None
        data = saved["result"]
        runs = [Run(**run) for run in data["runs"]]
        fields = {k: v for k, v in data.items() if k not in ("program", "runs")}
        fields["widths"] = tuple(fields["widths"])
        return ProgramResult(program, runs, **fields)
    except (OSError, ValueError, KeyError, TypeError):
        return None
