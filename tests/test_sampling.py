"""sample_inputs: ranges, integer and bool ports, arrays, determinism."""

from __future__ import annotations

import numpy as np
import pytest

from nsc.diagnostics import NscError
from nsc.ir.sampling import sample_inputs
from nsc.signature import Port, Signature


def sig(*ports: Port) -> Signature:
    return Signature("f", (), tuple(ports), ())


def test_float_ports_default_and_custom_ranges():
    s = sig(Port("x", "float64"), Port("y", "float32", (3, 2), 1, (), (10.0, 12.0)))
    out = sample_inputs(s, 5000, 0)
    x, y = out["x"], out["y"]
    assert x.shape == (5000,) and x.dtype == np.float64
    assert y.shape == (5000, 3, 2) and y.dtype == np.float32
    assert -1 <= x.min() < -0.99 and 0.99 < x.max() < 1
    assert 10 <= y.min() < 10.01 and 11.99 < y.max() <= 12
    assert abs(x.mean()) < 0.05  # uniform, not squeezed to one side


def test_integer_ports_take_every_integer_in_the_range():
    s = sig(
        Port("i", "int32", range=(-2.5, 3.7)),
        Port("u", "uint8", range=(-10.0, 1000.0)),
        Port("d", "int64"),
    )
    out = sample_inputs(s, 4000, 1)
    assert out["i"].dtype == np.int32 and set(out["i"].tolist()) == {-2, -1, 0, 1, 2, 3}
    assert out["u"].min() == 0 and out["u"].max() == 255  # clipped to what uint8 holds
    assert set(out["d"].tolist()) == {-1, 0, 1}


def test_bool_ports_are_zero_or_one():
    s = sig(Port("b", "bool", (4,)), Port("t", "bool", range=(0.5, 7.0)))
    out = sample_inputs(s, 1000, 2)
    assert out["b"].dtype == np.bool_ and out["b"].any() and not out["b"].all()
    assert out["t"].all()


def test_seed_determinism_and_generator():
    s = sig(Port("x", "float32", (2,)), Port("k", "int16", range=(0, 100)))
    a, b = sample_inputs(s, 10, 42), sample_inputs(s, 10, 42)
    c = sample_inputs(s, 10, 43)
    assert all(np.array_equal(a[k], b[k]) for k in a)
    assert not np.array_equal(a["x"], c["x"])
    d = sample_inputs(s, 10, np.random.default_rng(42))
    assert np.array_equal(a["k"], d["k"])
    assert list(a) == ["x", "k"]


def test_bad_ranges_are_errors():
    with pytest.raises(NscError, match="no uint8 value"):
        sample_inputs(sig(Port("u", "uint8", range=(-5.0, -1.0))), 3, 0)
    with pytest.raises(NscError, match="invalid range"):
        sample_inputs(sig(Port("x", "float64", range=(2.0, 1.0))), 3, 0)
    with pytest.raises(NscError, match="no int32 value"):
        sample_inputs(sig(Port("i", "int32", range=(0.2, 0.8))), 3, 0)
    with pytest.raises(NscError, match="cannot sample"):
        sample_inputs(sig(Port("x", "float64")), -1, 0)


def test_a_range_wider_than_a_double_can_subtract_is_sampled_within_it():
    lo, hi = -1.7e308, 1.7e308  # hi - lo overflows, which numpy's uniform refuses
    x = sample_inputs(sig(Port("x", "float64", range=(lo, hi))), 2000, 0)["x"]
    assert np.isfinite(x).all() and lo <= x.min() and x.max() < hi
    assert x.min() < 0.9 * lo and x.max() > 0.9 * hi  # spread over the whole range
    top = sample_inputs(sig(Port("t", "float64", range=(-1e308, np.finfo(np.float64).max))), 500, 1)
    assert top["t"].max() < np.finfo(np.float64).max


def test_ordinary_ranges_draw_what_numpy_uniform_draws():
    """Corpora and tests depend on the samples a seed gives: the wide-range path is taken only
    where hi - lo overflows."""
    out = sample_inputs(sig(Port("x", "float64", (2,), range=(-1e307, 1e307))), 5, 3)
    np.testing.assert_array_equal(out["x"], np.random.default_rng(3).uniform(-1e307, 1e307, (5, 2)))


def test_a_float32_range_beyond_float32_is_an_error():
    with pytest.raises(
        NscError, match=r"'x' has the range \[-1e\+39, 1e\+39\], beyond what float32"
    ):
        sample_inputs(sig(Port("x", "float32", range=(-1e39, 1e39))), 3, 0)
    f = sample_inputs(sig(Port("f", "float32", range=(-3.4e38, 3.4e38))), 500, 0)["f"]
    assert np.isfinite(f).all()
