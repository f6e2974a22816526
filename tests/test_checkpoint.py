"""Checkpoints: a round trip restores model, optimizer and RNG; no pickle; bad files are errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file

from nsc.backend.checkpoint import (
    load_checkpoint,
    restore_optimizer,
    restore_rng,
    save_checkpoint,
)
from nsc.diagnostics import NscError

MODELS = Path(__file__).resolve().parent.parent / "nsc" / "backend" / "models"


def trained_pair(seed: int):
    torch.manual_seed(seed)
    model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 2))
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-2, betas=(0.8, 0.95))
    for _ in range(3):
        optimizer.zero_grad()
        model(torch.randn(5, 3)).pow(2).mean().backward()
        optimizer.step()
    return model, optimizer


def step(model, optimizer, x):
    optimizer.zero_grad()
    model(x).pow(2).mean().backward()
    optimizer.step()
    return torch.cat([p.detach().reshape(-1) for p in model.parameters()])


def test_round_trip_continues_exactly(tmp_path):
    model, optimizer = trained_pair(0)
    path = tmp_path / "ck.safetensors"
    save_checkpoint(
        path, model.state_dict(), {"epoch": 3, "note": "x"}, optimizer=optimizer, rng=True
    )
    expected_noise = torch.randn(5, 3)
    expected = step(model, optimizer, expected_noise)

    other, other_opt = trained_pair(1)  # different weights and moments
    saved = load_checkpoint(path)
    other.load_state_dict(saved.model_state())
    restore_optimizer(other_opt, saved)
    restore_rng(saved)
    assert saved.meta["epoch"] == 3 and saved.meta["note"] == "x"
    assert other_opt.param_groups[0]["betas"] == (0.8, 0.95)
    noise = torch.randn(5, 3)
    assert torch.equal(noise, expected_noise)  # the RNG came back too
    assert torch.equal(step(other, other_opt, noise), expected)


def test_the_file_is_plain_safetensors_without_pickle(tmp_path):
    model, optimizer = trained_pair(0)
    path = tmp_path / "ck.safetensors"
    save_checkpoint(path, model.state_dict(), {"k": 1}, optimizer=optimizer)
    tensors = load_file(path)  # a plain safetensors reader sees every tensor
    assert "model/0.weight" in tensors and "optim/0/exp_avg" in tensors
    raw = path.read_bytes()
    header = json.loads(raw[8 : 8 + int.from_bytes(raw[:8], "little")])
    assert json.loads(header["__metadata__"]["nsc"])["k"] == 1
    assert b"\x80\x04" not in raw[:16] and not raw.startswith(b"PK")  # neither pickle nor zip
    assert [p.name for p in tmp_path.iterdir()] == ["ck.safetensors"]  # no temp file left


def test_bad_files_are_reported(tmp_path):
    with pytest.raises(NscError, match="no checkpoint"):
        load_checkpoint(tmp_path / "missing.safetensors")
    junk = tmp_path / "junk.safetensors"
    junk.write_bytes(b"\x10\x00\x00\x00\x00\x00\x00\x00not json at all!")
    with pytest.raises(NscError, match="not an nsc checkpoint"):
        load_checkpoint(junk)
    model, _ = trained_pair(0)
    save_checkpoint(tmp_path / "ok.safetensors", model.state_dict(), {})
    with pytest.raises(NscError, match="no optimizer state"):
        restore_optimizer(
            torch.optim.AdamW(model.parameters()), load_checkpoint(tmp_path / "ok.safetensors")
        )


def test_a_flipped_bit_in_the_weights_is_an_error_for_every_loader(tmp_path):
    """A damaged file used to load: nscc wrote a surrogate from the wrong weights, exit 0."""
    import shutil

    from nsc.backend.npforward import load_hypernet, with_bases
    from nsc.fileio import TENSORS_DIGEST

    shipped = load_checkpoint(MODELS / "default.safetensors")
    good, bad = tmp_path / "good.safetensors", tmp_path / "bad.safetensors"
    save_checkpoint(good, shipped.model_state(), shipped.meta)
    raw = bytearray(good.read_bytes())
    raw[-1000] ^= 0x01  # one bit of one weight
    bad.write_bytes(bytes(raw))
    header = json.loads(raw[8 : 8 + int.from_bytes(raw[:8], "little")])
    assert len(header["__metadata__"][TENSORS_DIGEST]) == 64
    assert load_checkpoint(good).meta["vocab"] == shipped.meta["vocab"]
    load_hypernet(good)
    for load in (load_checkpoint, load_hypernet):
        with pytest.raises(NscError, match="the weights are damaged"):
            load(bad)
    model = load_hypernet(MODELS / "default.safetensors")  # written before the digest: loads
    baselines = tmp_path / "baselines.safetensors"
    shutil.copy(MODELS / "baselines.safetensors", baselines)
    with_bases(model, baselines, "tailored")
    base = load_checkpoint(baselines)
    save_checkpoint(baselines, base.model_state(), base.meta)  # now with a digest
    with_bases(model, baselines, "tailored")
    raw = bytearray(baselines.read_bytes())
    raw[-8] ^= 0x01
    baselines.write_bytes(bytes(raw))
    with pytest.raises(NscError, match="the weights are damaged"):
        with_bases(model, baselines, "tailored")
