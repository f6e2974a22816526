"""The hypernetwork and the surrogate: shapes from signatures, init scale, learning, fine-tuning."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from nsc.backend.hypernet import HypernetConfig, Hypernetwork
from nsc.backend.surrogate import (
    MLPFamily,
    Normalization,
    flatten_ports,
    masked_mse,
    output_statistics,
    stack_padded,
    unflatten_ports,
)
from nsc.backend.tensors import collate, program_tensors
from nsc.backend.vocab import Vocab
from nsc.diagnostics import NscError
from nsc.frontend import c_to_ir
from nsc.ir.graph import build_graph

SIGNATURES = {  # source -> (input width, output width)
    "double f(double x) { return x; }": (1, 1),
    "struct P { float r; double g; };\n"
    "double f(double x, const float a[3], struct P p, float out[2]) "
    "{ out[0] = x * a[1]; out[1] = p.r; return p.g; }": (6, 3),
    "void f(double x, double y, double *s, double *d) { *s = x + y; *d = x - y; }": (2, 2),
    "struct Q { double u, v; };\nvoid f(const double m[2][3], struct Q *q) "
    "{ q->u = m[0][0] + m[1][2]; q->v = m[1][1]; }": (6, 2),
}


pytestmark = pytest.mark.usefixtures("one_torch_thread")


def build(sources, **config):
    compiled = [c_to_ir(s, filename="t.c") for s in sources]
    graphs = [build_graph(c.ir, c.signature) for c in compiled]
    vocab = Vocab.build(graphs)
    tensors = [
        program_tensors(g, vocab, c.signature) for g, c in zip(graphs, compiled, strict=True)
    ]
    torch.manual_seed(0)
    options = {"encoder_options": {"dim": 64, "steps": 4}, "head_dim": 128, **config}
    return Hypernetwork(HypernetConfig(vocab_size=len(vocab), **options)), tensors, compiled


@pytest.fixture(scope="module")
def emitted():
    net, tensors, _ = build(list(SIGNATURES))
    with torch.no_grad():
        return net, net(collate(tensors)), tensors


def test_emitted_shapes_match_each_signature(emitted):
    net, weights, _ = emitted
    for i, (ins, outs) in enumerate(SIGNATURES.values()):
        params = weights.program(i)
        assert params.shapes() == [(32, ins), (32, 32), (outs, 32), (32,), (32,), (outs,)]
    assert weights.in_mask.sum(dim=1).tolist() == [w for w, _ in SIGNATURES.values()]
    padded = weights.params.weights[0]
    assert (padded[0, :, 1:] == 0).all() and (weights.params.weights[-1][0, 1:] == 0).all()


def test_fresh_weights_have_fan_in_scale(emitted):
    _, weights, _ = emitted
    for i in range(len(SIGNATURES)):
        params = weights.program(i)
        for w in params.weights:
            if w.numel() >= 16:
                ratio = float(w.std()) * math.sqrt(w.shape[1])
                assert 0.5 < ratio < 2.0, (i, tuple(w.shape), ratio)
    assert 0.0 < float(weights.penalty) < 0.2  # deltas start small next to the base


def test_unmodulated_emission_ignores_the_program(emitted):
    net, weights, tensors = emitted
    with torch.no_grad():
        tailored = net(collate([tensors[1], tensors[3]]), modulate=False)
    a, b = tailored.program(0), tailored.program(1)  # both 6 inputs; 3 and 2 outputs
    assert torch.equal(a.weights[0], b.weights[0]) and torch.equal(a.biases[1], b.biases[1])
    assert torch.equal(a.weights[2][:2], b.weights[2])
    assert float(tailored.penalty) == 0.0
    c, d = weights.program(1), weights.program(3)
    assert not torch.allclose(c.weights[0], d.weights[0], atol=1e-3)


def test_emitted_surrogate_outputs_are_finite_and_unit_ish(emitted):
    net, weights, _ = emitted
    x = torch.rand(len(SIGNATURES), 512, weights.in_mask.shape[1]) * 2 - 1
    y = net.family.forward(weights.params, x * weights.in_mask[:, None, :])
    assert torch.isfinite(y).all()
    real = y[weights.out_mask[:, None, :].expand_as(y) > 0]
    assert 0.05 < float(real.std()) < 3.0


def test_batched_emission_equals_emission_alone(emitted):
    net, weights, tensors = emitted
    with torch.no_grad():
        alone = net(collate(tensors[1:2])).program(0)
    for a, b in zip(alone.tensors(), weights.program(1).tensors(), strict=True):
        assert torch.allclose(a, b, atol=1e-5)


def test_unit_emission_is_per_program_and_starts_at_fan_in_scale():
    """Units attend within each program: a batch emits what each program emits alone, and
    the unit-pair terms start small next to the bases, as the pooled heads do."""
    options = {"encoder_options": {"dim": 64, "steps": 4, "context": True}, "units": 8}
    net, tensors, _ = build(list(SIGNATURES), **options)
    assert net.parameter_counts()["units"] > 0
    batch = collate(tensors)
    with torch.no_grad():
        batched = net(batch)
        for i, program in enumerate(tensors):
            alone = net(collate([program])).program(0)
            pairs = zip(alone.tensors(), batched.program(i).tensors(), strict=True)
            assert all(torch.allclose(a, b, atol=1e-5) for a, b in pairs)
        with_units = net.deltas(batch)
        units, net.units = net.units, None
        without = net.deltas(batch)
        net.units = units
    # every part of the emission (input columns, output rows, biases, hidden layer) is modulated
    assert all(not torch.allclose(a, b) for a, b in zip(with_units, without, strict=True))
    for i in range(len(SIGNATURES)):
        for w in batched.program(i).weights:
            if w.numel() >= 16:
                assert 0.5 < float(w.std()) * math.sqrt(w.shape[1]) < 2.0
    assert 0.0 < float(batched.penalty) < 0.2


def test_padded_batch_loss_equals_each_program_alone(emitted):
    net, weights, _ = emitted
    rng = np.random.default_rng(2)
    xs = [rng.uniform(-1, 1, (64, w)) for w, _ in SIGNATURES.values()]
    ys = [rng.normal(size=(64, w)) for _, w in SIGNATURES.values()]
    pred = net.family.forward(weights.params, stack_padded(xs))
    batched = masked_mse(pred, stack_padded(ys), weights.out_mask)
    for i, (x, y) in enumerate(zip(xs, ys, strict=True)):
        alone = net.family.forward(weights.program(i), torch.tensor(x, dtype=torch.float32))
        expected = ((alone - torch.tensor(y, dtype=torch.float32)) ** 2).mean()
        assert torch.allclose(batched[i], expected, rtol=1e-4)
    with pytest.raises(NscError, match="same number of rows"):
        stack_padded([np.zeros((2, 1)), np.zeros((3, 1))])


def test_config_round_trips_and_counts_parameters():
    config = HypernetConfig(vocab_size=40)
    assert HypernetConfig.from_json(config.to_json()) == config
    counts = Hypernetwork(config).parameter_counts()
    assert 500_000 <= counts["total"] <= 2_000_000
    with pytest.raises(NscError, match="not a hypernetwork config"):
        HypernetConfig.from_json('{"vocab": 3}')


FUNCTIONS = {
    "return x;": lambda x: x,
    "return -x;": lambda x: -x,
    "return x * x;": lambda x: x * x,
    "return sin(3 * x);": lambda x: np.sin(3 * x),
}


def test_hypernetwork_learns_four_tiny_programs():
    sources = [f"#include <math.h>\ndouble f(double x) {{ {body} }}" for body in FUNCTIONS]
    net, tensors, _ = build(sources)
    batch = collate(tensors)
    x = np.random.default_rng(0).uniform(-1, 1, (256, 1))
    targets = []
    for fn in FUNCTIONS.values():
        center, scale = output_statistics(fn(x))
        targets.append((fn(x) - center) / scale)
    inputs = torch.tensor(np.stack([x] * 4), dtype=torch.float32)
    target = torch.tensor(np.stack(targets), dtype=torch.float32)

    def zero_shot() -> torch.Tensor:
        weights = net(batch)
        losses = masked_mse(net.family.forward(weights.params, inputs), target, weights.out_mask)
        return losses, weights.penalty

    with torch.no_grad():
        initial = zero_shot()[0]
    optimizer = torch.optim.Adam(net.parameters(), lr=3e-3)
    for _ in range(100):
        losses, penalty = zero_shot()
        optimizer.zero_grad()
        (losses.mean() + 1e-3 * penalty).backward()
        optimizer.step()
    with torch.no_grad():
        final = zero_shot()[0]
    assert float(final.mean()) < 0.1 * float(initial.mean()), (initial, final)
    assert float(final.max()) < 0.2, final  # every program, not just the easy ones


@pytest.mark.parametrize("mode", ["fixed-base", "fixed"])
def test_fixed_hidden_layers_stay_at_their_random_draw_while_the_rest_learns(mode):
    sources = [f"#include <math.h>\ndouble f(double x) {{ {body} }}" for body in FUNCTIONS]
    net, tensors, _ = build(sources, hidden_layers=mode)
    before = {name: p.detach().clone() for name, p in net.named_parameters()}
    frozen = {name for name, p in net.named_parameters() if not p.requires_grad}
    hidden = {n for n in before if n.startswith(("base_middle.", "middle."))}
    assert frozen == (hidden if mode == "fixed" else {n for n in hidden if "weight" not in n})
    batch = collate(tensors)
    x = torch.rand(4, 64, 1) * 2 - 1
    target = torch.sin(3 * x)
    optimizer = torch.optim.AdamW(net.parameters(), lr=3e-3, weight_decay=0.01)
    for _ in range(5):
        weights = net(batch)
        loss = masked_mse(net.family.forward(weights.params, x), target, weights.out_mask)
        optimizer.zero_grad()
        (loss.mean() + 1e-3 * weights.penalty).backward()
        optimizer.step()
    moved = {name for name, p in net.named_parameters() if not torch.equal(p, before[name])}
    assert not moved & frozen
    assert {"base_in", "base_out", "in_head.1.weight"} <= moved
    assert ("middle.0.weight" in moved) == (mode == "fixed-base")
    with torch.no_grad():
        emitted = net(batch).params
    # fixed: every program's hidden layer is the one LeCun-normal draw of the bases
    middle = emitted.weights[1]
    drawn = net.base_middle[0][: 32 * 32].reshape(32, 32) * 32**-0.5
    same = [torch.allclose(middle[i], drawn) for i in range(len(sources))]
    assert same == [mode == "fixed"] * len(sources)


def test_hidden_layers_setting_is_checked():
    with pytest.raises(NscError, match="hidden layers 'frozen'"):
        Hypernetwork(HypernetConfig(vocab_size=8, hidden_layers="frozen"))
    with pytest.raises(NscError, match="without --units"):
        Hypernetwork(HypernetConfig(vocab_size=8, hidden_layers="fixed", units=4))


def test_fine_tuning_one_program_with_adam(emitted):
    net, weights, _ = emitted
    params = weights.program(2).detached()  # x, y -> x + y, x - y
    x = torch.rand(256, 2) * 2 - 1
    y = torch.stack([x.sum(1), x[:, 0] - x[:, 1]], dim=1)
    optimizer = torch.optim.Adam(params.tensors(), lr=0.01)
    first = None
    for _ in range(150):
        loss = ((net.family.forward(params, x) - y) ** 2).mean()
        first = first if first is not None else loss.item()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    assert loss.item() < 0.05 * first
    assert weights.params.weights[0].grad is None  # the emitted batch is untouched


def test_random_init_scale_and_forward():
    family = MLPFamily(hidden=(16, 8), activation="silu")
    params = family.init(4, 2, torch.Generator().manual_seed(0))
    assert params.shapes() == [(16, 4), (8, 16), (2, 8), (16,), (8,), (2,)]
    assert all(t.requires_grad and t.is_leaf for t in params.tensors())
    assert params.count() == 16 * 4 + 8 * 16 + 2 * 8 + 16 + 8 + 2
    y = family.forward(params, torch.rand(10, 4))
    assert y.shape == (10, 2) and torch.isfinite(y).all()
    with pytest.raises(NscError, match="needs inputs and outputs"):
        family.init(0, 1)
    with pytest.raises(NscError, match="hidden sizes"):
        MLPFamily(hidden=())


def test_normalization_from_ranges_and_calibration():
    source = (
        "#pragma nsc range(x, 0, 4)\nvoid f(double x, const double a[2], double *y) { *y = x; }"
    )
    signature = c_to_ir(source, filename="t.c").signature
    heavy = np.concatenate([np.random.default_rng(1).normal(5.0, 2.0, 1000), [1e9, np.nan]])
    norm = Normalization.from_calibration(signature, {"y": heavy})
    assert abs(float(norm.out_center[0]) - 5.0) < 0.3 and abs(float(norm.out_scale[0]) - 2.0) < 0.3
    naive = Normalization.from_calibration(signature, {"y": heavy}, robust=False)
    assert naive.out_scale[0] > 1e6  # why the robust default exists
    raw = np.array([[0.0, -1.0, 1.0], [4.0, 0.0, 0.5]])
    assert np.allclose(norm.inputs(raw), [[-1.0, -1.0, 1.0], [1.0, 0.0, 0.5]])
    assert np.allclose(norm.raw_outputs(norm.outputs(heavy[:5, None])), heavy[:5, None])
    flat = flatten_ports(signature.inputs, {"x": np.zeros(3), "a": np.ones((3, 2))})
    assert flat.shape == (3, 3)
    assert unflatten_ports(signature.inputs, flat)["a"].shape == (3, 2)
    with pytest.raises(NscError, match="expects shape"):
        flatten_ports(signature.inputs, {"x": np.zeros(3), "a": np.ones((3, 3))})
    with pytest.raises(NscError, match="no finite calibration"):
        output_statistics(np.array([[np.nan], [np.inf]]))


def test_saturation_penalty_counts_only_units_in_the_flat_tails():
    from nsc.backend.objective import SATURATED, saturation
    from nsc.backend.surrogate import SurrogateParams

    family = MLPFamily((3, 2))
    w = [torch.eye(3, 2) * 4.0, torch.ones(2, 3) * 0.1, torch.ones(1, 2)]
    params = SurrogateParams(w, [torch.zeros(3), torch.zeros(2), torch.zeros(1)])
    x = torch.tensor([[[0.25, -0.5], [1.0, 0.0]]])
    hidden: list[torch.Tensor] = []
    assert torch.equal(family.forward(params, x, hidden), family.forward(params, x))
    assert [tuple(z.shape) for z in hidden] == [(1, 2, 3), (1, 2, 2)]
    # layer 1: pre-activations 1.0, -2.0, 0 and 4.0, 0, 0: only -2.0 and 4.0 are past 1.5
    first = ((2.0 - SATURATED) ** 2 + (4.0 - SATURATED) ** 2) / 6
    assert math.isclose(float(saturation(hidden)), first / 2, rel_tol=1e-6)
    assert float(saturation([torch.full((2, 3), 1.4)])) == 0.0
