"""The shipped compiler model: vocabulary, hypernetwork config and weights, and its baselines.

`load_model()` reads the default model packaged in `nsc/backend/models/` (`default.safetensors`,
with `baselines.safetensors` beside it when present); `load_model(path)` reads any model file
written by `export_model`. A `CompilerModel` turns program graphs into surrogate weights.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx
import torch

from nsc.backend.baselines import emit_bases, load_baselines
from nsc.backend.checkpoint import load_checkpoint, save_checkpoint
from nsc.backend.hypernet import HypernetConfig, Hypernetwork
from nsc.backend.surrogate import SurrogateParams
from nsc.backend.tensors import ProgramTensors, collate, program_tensors
from nsc.backend.vocab import Vocab
from nsc.diagnostics import NscError
from nsc.ir.graph import ProgramGraph
from nsc.signature import Signature

MODELS = Path(__file__).parent / "models"
DEFAULT_MODEL = MODELS / "default.safetensors"
BASELINES_FILE = "baselines.safetensors"
INITS = ("compiled", "tailored", "meta")


@dataclass
class CompilerModel:
    """A trained hypernetwork with its vocabulary, config and (optional) baseline bases."""

    vocab: Vocab
    config: HypernetConfig
    hypernet: Hypernetwork
    info: dict[str, Any] = field(default_factory=dict)
    baselines: dict[str, dict[str, torch.Tensor]] = field(default_factory=dict)

    def tensors(
        self, graph: ProgramGraph | nx.MultiDiGraph, signature: Signature
    ) -> ProgramTensors:
        """A program graph under this model's vocabulary."""
        return program_tensors(graph, self.vocab, signature, fusion_dim=self.config.fusion_dim)

    @torch.no_grad()
    def emit(
        self, programs: Sequence[ProgramTensors], init: str = "compiled"
    ) -> list[SurrogateParams]:
        """Each program's unpadded surrogate weights (detached): compiled by the hypernetwork,
        or from the program-independent `tailored` or `meta` bases."""
        if init not in INITS:
            raise NscError(f"unknown init {init!r} (use one of: {', '.join(INITS)})")
        batch = collate(list(programs))
        self.hypernet.eval()
        if init == "compiled":
            emitted = self.hypernet(batch)
        elif init in self.baselines:
            emitted = emit_bases(self.hypernet, self.baselines[init], batch)
        else:
            raise NscError(f"this model has no {init!r} baseline")
        return [emitted.program(i).detached() for i in range(batch.num_graphs)]


def export_model(
    checkpoint: str | Path, dest: str | Path, info: Mapping[str, Any] | None = None
) -> None:
    """Write the model part of a training checkpoint (weights, config, vocab) to `dest`."""
    saved = load_checkpoint(checkpoint)
    for key in ("hypernet", "vocab"):
        if key not in saved.meta:
            raise NscError(f"{checkpoint}: no {key} in this checkpoint")
    meta = {
        "kind": "model",
        "hypernet": saved.meta["hypernet"],
        "vocab": saved.meta["vocab"],
        "info": dict(info or {}),
    }
    save_checkpoint(dest, saved.model_state(), meta)


def load_model(path: str | Path | None = None) -> CompilerModel:
    """The model at `path`, or the shipped default; baselines are read from beside it."""
    path = Path(path) if path is not None else DEFAULT_MODEL
    if path.is_dir():
        path = path / DEFAULT_MODEL.name
    if not path.is_file():
        raise NscError(
            f"{path}: no model file here",
            hints=("train one with `nsc train` and export it, or omit --model for the default",),
        )
    saved = load_checkpoint(path)
    if "hypernet" not in saved.meta or "vocab" not in saved.meta:
        raise NscError(f"{path}: not an nsc model (no config or vocabulary)")
    config = HypernetConfig.from_json(json.dumps(saved.meta["hypernet"]))
    vocab = Vocab(tuple(saved.meta["vocab"]))
    if len(vocab) != config.vocab_size:
        raise NscError(
            f"{path}: vocabulary of {len(vocab)} tokens, config says {config.vocab_size}"
        )
    hypernet = Hypernetwork(config)
    try:
        hypernet.load_state_dict(saved.model_state())
    except RuntimeError as exc:
        raise NscError(f"{path}: weights do not match the config: {exc}") from exc
    hypernet.eval()
    baselines: dict[str, dict[str, torch.Tensor]] = {}
    if (path.parent / BASELINES_FILE).is_file():
        _, baselines = load_baselines(path.parent / BASELINES_FILE)
    return CompilerModel(vocab, config, hypernet, saved.meta.get("info", {}), baselines)
