"""benchmarks/output_moments.py: the split of zero-shot error into offset, scale and shape."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from nsc.backend.model import load_model
from nsc.data.dataset import DatasetConfig

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
MODEL = BENCHMARKS.parent / "nsc" / "backend" / "models" / "default.safetensors"


@pytest.fixture
def bench(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    import eval_zero_shot
    import output_moments

    return eval_zero_shot, output_moments


def test_affine_and_centring_are_exact_on_exact_data(bench):
    _, moments = bench
    rng = np.random.default_rng(0)
    cal, test = rng.normal(size=(64, 2)), rng.normal(size=(32, 2))
    labels = cal * np.array([2.0, -0.5]) + np.array([1.0, 3.0])
    fitted = moments._affine(cal, labels, test)
    np.testing.assert_allclose(fitted, test * np.array([2.0, -0.5]) + np.array([1.0, 3.0]))
    centred = moments._centred(cal, cal, np.array([4.0, -1.0]), k=0.5)
    np.testing.assert_allclose(centred.mean(axis=0), [4.0, -1.0])
    np.testing.assert_allclose(centred.std(axis=0), 0.5 * cal.std(axis=0))


def test_emitted_figures_are_the_zero_shot_benchmarks(bench):
    """The `compiled` and `random` columns score what eval_zero_shot.py scores, and the
    least-squares fit on the calibration labels beats the shape as emitted."""
    if not MODEL.is_file():
        pytest.skip("no shipped default model")
    zero_shot, moments = bench
    source = (BENCHMARKS.parent / "examples" / "newton_sqrt.c").read_text()
    config = DatasetConfig(samples=zero_shot.CALIBRATION + zero_shot.TEST)
    (record,) = zero_shot.build_sources({"newton_sqrt": source}, config)
    model = load_model(MODEL)
    split = moments.moments(model, record, seed=3)
    reference = zero_shot.errors(model, record, seed=3)
    assert split["compiled"] == pytest.approx(reference["compiled"], rel=1e-6)
    assert split["random"] == pytest.approx(reference["random"], rel=1e-6)
    assert split["best affine"] < split["compiled"] < split["random"]
    assert split["random centred"] != split["random"]
