"""Checkpoints without pickle: one safetensors file of named tensors, with JSON in its metadata.

A file holds model parameters under `model/`, optimizer moments under `optim/<param>/<name>`,
the torch RNG state under `rng/torch`, and one JSON document (config, vocabulary, counters,
optimizer hyperparameters, scheduler state, logs) in the safetensors metadata under `nsc`, with
the sha256 of the tensor bytes beside it (`nsc.tensors_sha256`), which every loader checks. One
file means one atomic write (temp file + rename): a reader sees the old checkpoint or the new one.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from safetensors import SafetensorError
from safetensors.torch import load as load_bytes
from safetensors.torch import save as save_bytes

from nsc.diagnostics import NscError
from nsc.fileio import (
    TENSORS_DIGEST,
    atomic_write_bytes,
    check_tensors_digest,
    safetensors_metadata,
    tensors_digest,
)

FORMAT = "nsc-checkpoint"
VERSION = 1
MODEL, OPTIM, RNG = "model/", "optim/", "rng/torch"


@dataclass
class Checkpoint:
    """What a checkpoint file holds: tensors by name and the JSON document."""

    tensors: dict[str, torch.Tensor]
    meta: dict[str, Any]

    def model_state(self) -> dict[str, torch.Tensor]:
        """The model's `state_dict`, as `load_state_dict` takes it."""
        return {k[len(MODEL) :]: v for k, v in self.tensors.items() if k.startswith(MODEL)}


def save_checkpoint(
    path: str | Path,
    model: Mapping[str, torch.Tensor],
    meta: Mapping[str, Any],
    *,
    optimizer: torch.optim.Optimizer | None = None,
    rng: bool = False,
) -> None:
    """Write model tensors (+ optimizer state, + torch RNG state) and `meta`, atomically."""
    tensors = {MODEL + k: v.detach().contiguous().cpu() for k, v in model.items()}
    document = {"format": FORMAT, "version": VERSION, **meta}
    if optimizer is not None:
        optim_tensors, document["optimizer"] = optimizer_state(optimizer)
        tensors.update(optim_tensors)
    if rng:
        tensors[RNG] = torch.get_rng_state()
    metadata = {"nsc": json.dumps(document, sort_keys=True)}
    # the tensor bytes do not depend on the metadata: serialize once to hash them, then again
    # with their digest, which every loader checks
    digest = tensors_digest(save_bytes(tensors, metadata=metadata))
    data = save_bytes(tensors, metadata={**metadata, TENSORS_DIGEST: digest})
    atomic_write_bytes(path, data)


def load_checkpoint(path: str | Path) -> Checkpoint:
    """Read a checkpoint written by `save_checkpoint`; NscError if it is not one."""
    path = Path(path)
    if not path.is_file():
        raise NscError(f"{path}: no checkpoint here")
    raw = path.read_bytes()
    try:
        tensors = load_bytes(raw)
        metadata = safetensors_metadata(raw)
        meta = json.loads(metadata.get("nsc", ""))
    except (SafetensorError, ValueError) as exc:
        raise NscError(f"{path}: not an nsc checkpoint ({exc})") from exc
    check_tensors_digest(raw, metadata, path)
    if not isinstance(meta, dict):
        raise NscError(f"{path}: not an nsc checkpoint (its document is not a JSON object)")
    if meta.get("format") != FORMAT:
        raise NscError(f"{path}: not an nsc checkpoint (format {meta.get('format')!r})")
    return Checkpoint(tensors, meta)


def optimizer_state(optimizer: torch.optim.Optimizer) -> tuple[dict[str, torch.Tensor], dict]:
    """An optimizer's state as tensors (moments, step counts) and JSON (hyperparameters)."""
    state = optimizer.state_dict()
    tensors = {}
    for index, entries in state["state"].items():
        for name, value in entries.items():
            if not isinstance(value, torch.Tensor):
                value = torch.tensor(value)
            tensors[f"{OPTIM}{index}/{name}"] = value.detach().contiguous().cpu()
    groups = [
        {k: (list(v) if isinstance(v, tuple) else v) for k, v in g.items()}
        for g in state["param_groups"]
    ]
    return tensors, {"param_groups": groups}


def restore_optimizer(optimizer: torch.optim.Optimizer, checkpoint: Checkpoint) -> None:
    """Load the optimizer state saved by `save_checkpoint` into `optimizer`."""
    if "optimizer" not in checkpoint.meta:
        raise NscError("the checkpoint has no optimizer state")
    state: dict[int, dict[str, torch.Tensor]] = {}
    for key, value in checkpoint.tensors.items():
        if key.startswith(OPTIM):
            index, name = key[len(OPTIM) :].split("/", 1)
            state.setdefault(int(index), {})[name] = value
    groups = []
    for group in checkpoint.meta["optimizer"]["param_groups"]:
        group = dict(group)
        if "betas" in group:
            group["betas"] = tuple(group["betas"])
        groups.append(group)
    optimizer.load_state_dict({"state": state, "param_groups": groups})


def restore_rng(checkpoint: Checkpoint) -> None:
    """Set the torch RNG to the state the checkpoint saved, if it saved one."""
    if RNG in checkpoint.tensors:
        torch.set_rng_state(checkpoint.tensors[RNG])
