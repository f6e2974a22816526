"""The numpy hypernetwork forward against the torch one, on real example programs."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from nsc.backend.arrays import program_tensors
from nsc.backend.normalize import Normalization as NpNormalization
from nsc.backend.npforward import (
    CONFIG_FILE,
    VOCAB_FILE,
    WEIGHTS_FILE,
    SegmentMean,
    emit,
    encode,
    load_hypernet,
    random_init,
    with_bases,
)
from nsc.diagnostics import NscError
from nsc.frontend import FrontendOptions, c_to_ir

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
PROGRAMS = ["inversek2j.c", "sobel.c", "kmeans.c", "particle.c", "fft_twiddle.c"]


def save_random_model(
    folder: Path,
    graphs,
    seed: int = 0,
    fusion_dim: int = 0,
    touches: bool = False,
    units: int = 0,
    context: bool = False,
) -> Path:
    """A randomly initialized hypernetwork saved as a model folder (the test fixture format)."""
    import torch
    from safetensors.torch import save_file

    from nsc.backend.hypernet import HypernetConfig, Hypernetwork
    from nsc.backend.vocab import Vocab

    torch.manual_seed(seed)
    vocab = Vocab.build(graphs)
    config = HypernetConfig(
        vocab_size=len(vocab),
        encoder_options={"dim": 32, "steps": 3, "ranges": True}
        | ({"context": True} if context else {}),
        head_dim=48,
        max_slots=16,
        fusion_dim=fusion_dim,
        surrogate_options={"hidden": [16, 8, 12], "activation": "tanh"},
        delta_gain=1.0,  # large deltas, so a wrong modulation shows
        touches=touches,
        units=units,
    )
    model = Hypernetwork(config)
    folder.mkdir(parents=True, exist_ok=True)
    state = {k: v.detach().contiguous() for k, v in model.state_dict().items()}
    save_file(state, str(folder / WEIGHTS_FILE))
    (folder / CONFIG_FILE).write_text(config.to_json())
    (folder / VOCAB_FILE).write_text(vocab.to_json())
    return folder


def example_graph(name: str):
    from nsc.ir.graph import build_graph
    from nsc.ir.passes import run_passes

    compiled = c_to_ir(EXAMPLES / name, FrontendOptions())
    entry = compiled.signature.entry
    module = run_passes(compiled.ir, f"O2,canonicalize{{entry={entry}}}").module
    return build_graph(module, compiled.signature), compiled.signature


@pytest.fixture(scope="module")
def programs():
    return {name: example_graph(name) for name in PROGRAMS}


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory, programs):
    graphs = [g for g, _ in programs.values()][1:]  # the first program has unseen tokens
    return save_random_model(tmp_path_factory.mktemp("model"), graphs)


@pytest.fixture(scope="module")
def touch_model_dir(tmp_path_factory, programs):
    graphs = [g for g, _ in programs.values()]
    return save_random_model(tmp_path_factory.mktemp("touch"), graphs, seed=1, touches=True)


def torch_emit(folder: Path, graph, signature, modulate: bool):
    import torch
    from safetensors.torch import load_file

    from nsc.backend.hypernet import HypernetConfig, Hypernetwork
    from nsc.backend.tensors import collate, program_tensors
    from nsc.backend.vocab import Vocab

    torch.set_num_threads(1)  # tiny graphs: more threads only wait on a busy machine
    config = HypernetConfig.from_json((folder / CONFIG_FILE).read_text())
    model = Hypernetwork(config)
    model.load_state_dict(load_file(str(folder / WEIGHTS_FILE)))
    vocab = Vocab.from_json((folder / VOCAB_FILE).read_text())
    tensors = program_tensors(graph, vocab, signature, fusion_dim=config.fusion_dim)
    batch = collate([tensors])
    with torch.no_grad():
        emitted = model(batch, modulate=modulate)
        encoded = model.encoder(batch)
    return emitted.program(0), encoded, tensors


@pytest.mark.parametrize("name", PROGRAMS)
@pytest.mark.parametrize("modulate", [True, False])
def test_numpy_forward_matches_torch(programs, model_dir, name, modulate):
    graph, signature = programs[name]
    expected, encoded, _ = torch_emit(model_dir, graph, signature, modulate)
    model = load_hypernet(model_dir)
    arrays = program_tensors(graph, model.vocab, signature)
    got = emit(model, arrays, modulate=modulate)
    assert len(got.weights) == len(expected.weights) == 4
    for mine, theirs in zip(
        got.weights + got.biases, expected.weights + expected.biases, strict=True
    ):
        assert mine.shape == tuple(theirs.shape)
        np.testing.assert_allclose(mine, theirs.numpy(), rtol=1e-4, atol=1e-5)
    if modulate:
        nodes, graph_embedding = encode(model, arrays)
        np.testing.assert_allclose(nodes, encoded.nodes.numpy(), rtol=1e-4, atol=1e-5)
        np.testing.assert_allclose(graph_embedding, encoded.graphs.numpy(), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("name", ["sobel.c", "kmeans.c", "particle.c"])
def test_numpy_forward_matches_torch_with_touches(programs, touch_model_dir, name):
    graph, signature = programs[name]
    expected, _, tensors = torch_emit(touch_model_dir, graph, signature, True)
    assert tensors.inputs.touch_slot.size > 0  # these programs read array or struct elements
    got = emit(load_hypernet(touch_model_dir), tensors, modulate=True)
    for mine, theirs in zip(
        got.weights + got.biases, expected.weights + expected.biases, strict=True
    ):
        np.testing.assert_allclose(mine, theirs.numpy(), rtol=1e-4, atol=1e-5)


@pytest.fixture(scope="module")
def unit_model_dir(tmp_path_factory, programs):
    graphs = [g for g, _ in programs.values()]
    folder = tmp_path_factory.mktemp("units")
    return save_random_model(folder, graphs, seed=2, units=8, context=True)


@pytest.mark.parametrize("name", ["sobel.c", "inversek2j.c", "kmeans.c"])
def test_numpy_forward_matches_torch_with_units_and_context(programs, unit_model_dir, name):
    graph, signature = programs[name]
    expected, _, tensors = torch_emit(unit_model_dir, graph, signature, True)
    got = emit(load_hypernet(unit_model_dir), tensors, modulate=True)
    for mine, theirs in zip(
        got.weights + got.biases, expected.weights + expected.biases, strict=True
    ):
        np.testing.assert_allclose(mine, theirs.numpy(), rtol=1e-4, atol=1e-5)


def test_modulation_changes_the_weights(programs, model_dir):
    graph, signature = programs["sobel.c"]
    model = load_hypernet(model_dir)
    arrays = program_tensors(graph, model.vocab, signature)
    on, off = emit(model, arrays), emit(model, arrays, modulate=False)
    assert not np.allclose(on.weights[0], off.weights[0])


def test_fusion_width_is_honoured(tmp_path, programs):
    graph, signature = programs["sobel.c"]
    folder = save_random_model(tmp_path / "m", [graph], fusion_dim=4)
    expected, _, _ = torch_emit(folder, graph, signature, modulate=True)
    model = load_hypernet(folder)
    got = emit(model, program_tensors(graph, model.vocab, signature, fusion_dim=4))
    np.testing.assert_allclose(got.weights[0], expected.weights[0].numpy(), rtol=1e-4, atol=1e-5)
    with pytest.raises(NscError, match="fusion"):
        emit(model, program_tensors(graph, model.vocab, signature))


def test_segment_mean_matches_add_at():
    rng = np.random.default_rng(0)
    index = rng.integers(0, 7, size=50)
    index[index == 3] = 4  # an empty segment stays 0
    values = rng.normal(size=(50, 5)).astype(np.float32)
    total = np.zeros((9, 5), dtype=np.float32)
    np.add.at(total, index, values)
    expected = total / np.maximum(np.bincount(index, minlength=9), 1)[:, None]
    np.testing.assert_allclose(SegmentMean(index, 9)(values), expected, rtol=1e-6, atol=1e-6)


def test_missing_model_files_are_named(tmp_path):
    with pytest.raises(NscError, match=CONFIG_FILE):
        load_hypernet(tmp_path)


def test_weights_a_surrogate_cannot_come_from_are_refused(tmp_path, model_dir):
    """A diverged run's NaN weights would emit surrogates that compute NaN; a vocabulary that
    does not match the token table is a damaged model."""
    from safetensors.torch import load_file, save_file

    for name in (CONFIG_FILE, VOCAB_FILE):
        (tmp_path / name).write_text((model_dir / name).read_text())
    state = load_file(str(model_dir / WEIGHTS_FILE))
    state["encoder.token.weight"][3, 5] = float("nan")
    save_file(state, str(tmp_path / WEIGHTS_FILE))
    with pytest.raises(NscError, match="weights are not finite \\(encoder.token.weight\\)"):
        load_hypernet(tmp_path)
    state = load_file(str(model_dir / WEIGHTS_FILE))
    state["encoder.token.weight"] = state["encoder.token.weight"][:-1].contiguous()
    save_file(state, str(tmp_path / WEIGHTS_FILE))
    with pytest.raises(NscError, match="the token table .* rows: the model is damaged"):
        load_hypernet(tmp_path)


def test_normalization_standardizes_calibration_outputs():
    signature = example_graph("kmeans.c")[1]
    rng = np.random.default_rng(1)
    outputs = {p.name: rng.standard_cauchy((400, *p.shape)) * 5 + 3 for p in signature.outputs}
    flat = np.concatenate([v.reshape(400, -1) for v in outputs.values()], axis=1)
    robust = NpNormalization.from_calibration(signature, outputs, robust=True)
    z = robust.outputs(flat)
    np.testing.assert_allclose(np.median(z, axis=0), 0.0, atol=1e-9)
    q1, q3 = np.percentile(z, [25, 75], axis=0)
    np.testing.assert_allclose(q3 - q1, 1.349, rtol=1e-6)
    np.testing.assert_allclose(robust.raw_outputs(z), flat, rtol=1e-9, atol=1e-9)
    plain = NpNormalization.from_calibration(signature, outputs, robust=False)
    np.testing.assert_allclose(plain.outputs(flat).std(axis=0), 1.0, rtol=1e-9)
    outputs[signature.outputs[0].name][:350] = 2.0  # a mostly-constant output: std fallback
    fallback = NpNormalization.from_calibration(signature, outputs, robust=True)
    assert fallback.out_scale[0] == pytest.approx(np.std(outputs[signature.outputs[0].name]))


def test_reads_a_training_checkpoint_like_a_folder(tmp_path, programs, model_dir):
    from safetensors.torch import load_file

    from nsc.backend.checkpoint import save_checkpoint

    state = load_file(str(model_dir / WEIGHTS_FILE))
    meta = {
        "hypernet": json.loads((model_dir / CONFIG_FILE).read_text()),
        "vocab": json.loads((model_dir / VOCAB_FILE).read_text())["tokens"],
    }
    save_checkpoint(tmp_path / "last.safetensors", state, meta, rng=True)
    graph, signature = programs["kmeans.c"]
    folder, checkpoint = load_hypernet(model_dir), load_hypernet(tmp_path / "last.safetensors")
    assert set(checkpoint.params) == set(folder.params)
    arrays = program_tensors(graph, folder.vocab, signature)
    np.testing.assert_array_equal(
        emit(checkpoint, arrays).weights[0], emit(folder, arrays).weights[0]
    )


def test_random_init_is_lecun_scaled_and_seeded():
    a, b = random_init((64, 64), 400, 3, seed=5), random_init((64, 64), 400, 3, seed=5)
    assert [w.shape for w in a.weights] == [(64, 400), (64, 64), (3, 64)]
    assert [x.shape for x in a.biases] == [(64,), (64,), (3,)]
    np.testing.assert_array_equal(a.weights[0], b.weights[0])
    assert abs(a.weights[0].std() - 400**-0.5) < 0.1 * 400**-0.5
    assert not np.allclose(a.weights[1], random_init((64, 64), 400, 3, seed=6).weights[1])


def save_baselines_file(folder: Path, path: Path) -> Path:
    """`tailored` and `meta` bases (the model's, perturbed two ways) in a baselines file."""
    import torch
    from safetensors.torch import load_file

    from nsc.backend.baselines import save_baselines
    from nsc.backend.hypernet import HypernetConfig

    config = HypernetConfig.from_json((folder / CONFIG_FILE).read_text())
    state = load_file(str(folder / WEIGHTS_FILE))
    bases = {k: v for k, v in state.items() if k.startswith("base_")}
    sets = {
        name: {k: v + torch.full_like(v, shift) for k, v in bases.items()}
        for name, shift in (("tailored", 0.5), ("meta", -0.25))
    }
    save_baselines(path, config, sets, {"note": "test"})
    return path


def test_baseline_bases_match_torch_emit_bases(tmp_path, programs, model_dir):
    import torch
    from safetensors.torch import load_file

    from nsc.backend.baselines import emit_bases, load_baselines
    from nsc.backend.hypernet import HypernetConfig, Hypernetwork
    from nsc.backend.tensors import collate, program_tensors

    path = save_baselines_file(model_dir, tmp_path / "baselines.safetensors")
    config = HypernetConfig.from_json((model_dir / CONFIG_FILE).read_text())
    hypernet = Hypernetwork(config)
    hypernet.load_state_dict(load_file(str(model_dir / WEIGHTS_FILE)))
    _, sets = load_baselines(path)
    graph, signature = programs["particle.c"]
    model = load_hypernet(model_dir)
    batch = collate([program_tensors(graph, model.vocab, signature)])
    arrays = program_tensors(graph, model.vocab, signature)
    for name in ("tailored", "meta"):
        with torch.no_grad():
            expected = emit_bases(hypernet, sets[name], batch).program(0)
        got = emit(with_bases(model, path, name), arrays, modulate=False)
        for mine, theirs in zip(got.weights, expected.weights, strict=True):
            np.testing.assert_allclose(mine, theirs.numpy(), rtol=1e-5, atol=1e-6)
    with pytest.raises(NscError, match="no 'other' baseline"):
        with_bases(model, path, "other")


@pytest.mark.parametrize("name", ["kmeans.c", "particle.c"])
def test_arrays_survive_the_corpus_round_trip(programs, model_dir, name):
    """Training reads graphs back from shards; nscc encodes them fresh: same arrays."""
    from nsc.data.shards import graph_arrays, to_networkx

    graph, signature = programs[name]
    vocab = load_hypernet(model_dir).vocab
    fresh = program_tensors(graph, vocab, signature)
    stored = program_tensors(to_networkx(graph_arrays(graph)), vocab, signature)
    for field in ("tokens", "roles", "constants", "edge_src", "edge_dst", "edge_flow", "edge_pos"):
        np.testing.assert_array_equal(getattr(fresh, field), getattr(stored, field), field)
    np.testing.assert_array_equal(fresh.inputs.pair_node, stored.inputs.pair_node)
    np.testing.assert_array_equal(fresh.outputs.pair_node, stored.outputs.pair_node)
