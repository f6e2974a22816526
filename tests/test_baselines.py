"""Baselines and the shipped-model loader: shapes, Reptile moves the bases, files round-trip."""

from __future__ import annotations

import json

import pytest
import torch

from nsc.backend.baselines import (
    base_state,
    emit_bases,
    load_baselines,
    random_params,
    reptile,
    save_baselines,
)
from nsc.backend.checkpoint import save_checkpoint
from nsc.backend.data import Example, build_cache
from nsc.backend.hypernet import HypernetConfig, Hypernetwork
from nsc.backend.model import DEFAULT_MODEL, export_model, load_model
from nsc.backend.surrogate import MLPFamily
from nsc.backend.tensors import collate
from nsc.data.dataset import DatasetConfig, build_dataset, read_corpus
from nsc.diagnostics import NscError

OPTIONS = {
    "encoder_options": {"dim": 16, "steps": 2},
    "head_dim": 32,
    "surrogate_options": {"hidden": [8, 8], "activation": "tanh"},
}


@pytest.fixture(scope="module")
def examples(tmp_path_factory) -> tuple[int, list[Example]]:
    out = tmp_path_factory.mktemp("corpus")
    build_dataset(out, count=8, seed=5, workers=0, config=DatasetConfig(samples=40), progress=False)
    vocab, train, val = build_cache(
        list(read_corpus(out)), out / "cache", calibration=16, val_percent=0.0
    )
    return len(vocab), train + val


def widths(ex: Example) -> tuple[int, int]:
    return ex.tensors.inputs.width, ex.tensors.outputs.width


def test_random_init_is_seeded_and_shaped():
    family = MLPFamily((8, 8))
    a, b = random_params(family, 3, 2, seed=1), random_params(family, 3, 2, seed=1)
    assert a.shapes() == [(8, 3), (8, 8), (2, 8), (8,), (8,), (2,)]
    assert all(torch.equal(x, y) for x, y in zip(a.tensors(), b.tensors(), strict=True))
    assert not torch.equal(a.weights[0], random_params(family, 3, 2, seed=2).weights[0])


def test_reptile_moves_the_bases_and_emits_program_shapes(examples):
    vocab_size, exs = examples
    config = HypernetConfig(vocab_size=vocab_size, **OPTIONS)
    start = base_state(Hypernetwork(config))
    bases = reptile(config, exs, meta_steps=3, tasks=2, inner_steps=2, start=start)
    assert bases.keys() == start.keys()
    assert any(not torch.equal(bases[k], start[k]) for k in bases)
    emitted = emit_bases(Hypernetwork(config), bases, collate([e.tensors for e in exs]))
    for i, ex in enumerate(exs):
        ins, outs = widths(ex)
        assert emitted.program(i).shapes() == [(8, ins), (8, 8), (outs, 8), (8,), (8,), (outs,)]
    assert float(emitted.penalty) == 0.0
    with pytest.raises(NscError, match="lacks bases"):
        emit_bases(Hypernetwork(config), {}, collate([exs[0].tensors]))


def test_model_and_baselines_round_trip(examples, tmp_path):
    vocab_size, exs = examples
    config = HypernetConfig(vocab_size=vocab_size, **OPTIONS)
    torch.manual_seed(0)
    hypernet = Hypernetwork(config)
    meta = {
        "hypernet": json.loads(config.to_json()),
        "vocab": ["<unk>", *[f"t{i}" for i in range(vocab_size - 1)]],
    }
    save_checkpoint(tmp_path / "last.safetensors", hypernet.state_dict(), meta)
    export_model(tmp_path / "last.safetensors", tmp_path / "m" / "default.safetensors", {"a": 1})
    tailored = {k: v + 1.0 for k, v in base_state(hypernet).items()}
    save_baselines(
        tmp_path / "m" / "baselines.safetensors",
        config,
        {"tailored": tailored, "meta": base_state(hypernet)},
        {"steps": 3},
    )
    assert load_baselines(tmp_path / "m" / "baselines.safetensors")[0] == config
    model = load_model(tmp_path / "m")
    assert model.info == {"a": 1} and set(model.baselines) == {"tailored", "meta"}
    programs = [e.tensors for e in exs[:3]]
    compiled = model.emit(programs)
    with torch.no_grad():
        direct = hypernet(collate(programs))
    for i, params in enumerate(compiled):
        assert torch.equal(params.weights[0], direct.program(i).weights[0])
    assert not torch.equal(model.emit(programs, "tailored")[0].weights[1], compiled[0].weights[1])
    with pytest.raises(NscError, match="unknown init"):
        model.emit(programs, "magic")


def test_missing_model_is_a_clear_error(tmp_path):
    with pytest.raises(NscError, match="no model file"):
        load_model(tmp_path / "none.safetensors")
    if DEFAULT_MODEL.is_file():  # the shipped model loads and is small
        model = load_model()
        assert DEFAULT_MODEL.stat().st_size < 20 * 2**20
        assert {"tailored", "meta"} <= set(model.baselines)
