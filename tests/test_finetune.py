"""Fine-tuning: Adam on oracle examples lowers held-out error; the best epoch's weights are kept."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from runtime_fixtures import build

from nsc.backend.surrogate import flatten_ports
from nsc.diagnostics import NscError
from nsc.ir.oracle import Oracle, sample_inputs
from nsc.runtime import Surrogate
from nsc.runtime.finetune import file_examples, finetune, write_finetuned
from nsc.runtime.tabular import write_table


@pytest.fixture(scope="module")
def kmeans(tmp_path_factory):
    built = build("kmeans", tmp_path_factory.mktemp("m") / "kmeans.onnx", hidden=(32, 32))
    oracle = Oracle(built.compiled.ir, built.signature)
    train = sample_inputs(built.signature, 400, 11)
    test = sample_inputs(built.signature, 1000, 12)
    return built, train, oracle.run(train).outputs, test, oracle.run(test).outputs


def held_out_mse(surrogate: Surrogate, test, truth) -> float:
    pred = flatten_ports(surrogate.signature.outputs, surrogate.run(test))
    return float(np.mean((pred - flatten_ports(surrogate.signature.outputs, truth)) ** 2))


def test_finetuning_lowers_held_out_error(kmeans, tmp_path):
    built, train, train_out, test, test_out = kmeans
    surrogate = Surrogate(built.path)
    result = finetune(surrogate, train, train_out, epochs=20, batch_size=64, seed=0)
    write_finetuned(surrogate, result, tmp_path / "ft.onnx", lr=0.012, origin="oracle")
    tuned = Surrogate(tmp_path / "ft.onnx")
    before, after = held_out_mse(surrogate, test, test_out), held_out_mse(tuned, test, test_out)
    assert after < 0.2 * before
    assert result.train_rows + result.val_rows == 400 and result.val_rows == 80
    assert tuned.metadata["nsc.finetune_samples"] == "400"
    (run,) = json.loads(tuned.metadata["nsc.finetune"])
    assert run["best_epoch"] == result.best_epoch and run["samples"] == 400
    assert run["val_loss"] == pytest.approx(result.best_val_loss)
    assert (
        tuned.metadata["nsc.calibration_samples"] == surrogate.metadata["nsc.calibration_samples"]
    )


def test_best_validation_epoch_is_kept(kmeans):
    built, train, train_out, *_ = kmeans
    result = finetune(Surrogate(built.path), train, train_out, epochs=12, lr=0.05, seed=1)
    vals = [h.val for h in result.history]
    assert result.best_epoch == int(np.argmin(vals))
    assert result.best_val_loss == min(vals)
    # re-scoring the returned weights on the same split gives the best validation loss
    again = finetune(
        result.params,
        train,
        train_out,
        signature=built.signature,
        family=built.family,
        normalization=built.normalization,
        epochs=0,
        seed=1,
    )
    assert again.history[0].val == pytest.approx(result.best_val_loss, rel=1e-5)


def test_early_stopping_and_determinism(kmeans):
    built, train, train_out, *_ = kmeans
    surrogate = Surrogate(built.path)
    a = finetune(surrogate, train, train_out, epochs=50, lr=0.5, patience=2, seed=3)
    b = finetune(surrogate, train, train_out, epochs=50, lr=0.5, patience=2, seed=3)
    assert a.history == b.history
    assert a.history[-1].epoch - a.best_epoch == 2 and a.history[-1].epoch < 50
    for x, y in zip(a.params.tensors(), b.params.tensors(), strict=True):
        assert torch.equal(x, y)


def test_failed_rows_are_dropped(kmeans):
    built, train, train_out, *_ = kmeans
    out = {"return": train_out["return"].copy()}
    out["return"][:10] = np.nan
    result = finetune(Surrogate(built.path), train, out, epochs=1, val_fraction=0.0)
    assert (result.dropped_rows, result.train_rows, result.val_rows) == (10, 390, 0)
    assert np.isnan(result.best_val_loss)


def test_bad_settings(kmeans):
    built, train, train_out, *_ = kmeans
    surrogate = Surrogate(built.path)
    with pytest.raises(NscError, match="validation fraction"):
        finetune(surrogate, train, train_out, val_fraction=1.0)
    with pytest.raises(NscError, match="needs their signature"):
        finetune(built.params, train, train_out)
    with pytest.raises(NscError, match="no array for port"):
        finetune(surrogate, train, {}, epochs=1)


def test_examples_from_a_file(kmeans, tmp_path):
    built, train, train_out, *_ = kmeans
    path = tmp_path / "ex.csv"
    write_table(path, {**train, **train_out})
    inputs, outputs = file_examples(Surrogate(built.path), path)
    np.testing.assert_allclose(outputs["return"], train_out["return"], rtol=1e-7)
    assert set(inputs) == set(train)
