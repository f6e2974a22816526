"""The ONNX file's contract ("Surrogate and ONNX file" in the design brief) on what `nscc` writes.

Ports named after the C inputs and outputs, `[batch, *shape]` float32, the provenance metadata,
ONNX Runtime computing what numpy computes from the weights the hypernetwork emits, and `nsc run`
and `nsc eval` working on the file. Values float32 cannot hold are a compile error, never a file
whose outputs are all NaN.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from click.testing import CliRunner
from onnx import numpy_helper

from nsc import __version__
from nsc.backend.normalize import Normalization, flatten_ports, input_ranges, unflatten_ports
from nsc.backend.npforward import EmittedArrays, NumpyHypernet, load_hypernet, random_init
from nsc.backend.onnx_writer import SurrogateMetadata, output_name, surrogate_model
from nsc.cli import main
from nsc.data.generator import GeneratorConfig, generate
from nsc.diagnostics import NscError
from nsc.frontend import FrontendOptions, c_to_ir
from nsc.ir.sampling import sample_inputs
from nsc.nscc import frontend_stage
from nsc.nscc_backend import emit_weights, encode_program, graph_passes, program_graph
from nsc.runtime.surrogate import FamilySpec
from nsc.signature import Signature

MODEL = Path(__file__).resolve().parents[1] / "nsc" / "backend" / "models" / "default.safetensors"
CALIBRATE = 64
# struct fields, inout pointers and arrays more often than in the corpus
MIX = GeneratorConfig(p_struct=0.6, p_inout=0.7, p_out_array=0.6, p_return=0.4)

INLINE = """
#pragma nsc inout(s)
#pragma nsc range(n, 0, 4)
#pragma nsc range(s.v, -2, 2)
struct S { float x; double v[2]; };
struct P { float a; float b; };

int f(struct S *s, const struct P pts[3], int n, _Bool flip, float out[2][2])
{
    float acc = 0.0f;
    for (int i = 0; i < 3; i++)
        acc += pts[i].a * pts[i].b;
    s->x = flip ? -s->x : s->x + acc;
    s->v[0] = s->v[1] * n;
    s->v[1] = s->v[0] + acc;
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++)
            out[i][j] = pts[i + j].a - n * pts[i].b;
    return n + (acc > 0.0f);
}
"""


def first_generated(wanted) -> str:
    """The source of the first program of the mix whose generator metadata is `wanted`."""
    for seed in range(500):
        program = generate(seed, MIX)
        if wanted(program.meta):
            return program.source
    raise AssertionError("no generated program has the wanted ports; widen the search")


def _kinds(meta: dict) -> set[str]:
    return {kind for _, kind, _ in meta["params"]}


def _arrays(ports: list) -> bool:
    return any(port[2] for port in ports)


PROGRAMS = {
    "struct-inout-array-in": lambda: first_generated(
        lambda m: {"struct", "inout"} <= _kinds(m) and _arrays(m["inputs"])
    ),
    "struct-array-out": lambda: first_generated(
        lambda m: "struct" in _kinds(m) and _arrays(m["outputs"])
    ),
    "inout-struct-pointer": lambda: INLINE,
}


@dataclass(frozen=True)
class Compiled:
    """What `nscc` wrote for one program, beside what its stages emit in this process."""

    source: Path
    path: Path
    signature: Signature
    params: EmittedArrays
    model: NumpyHypernet


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> dict[str, Path]:
    """Each program's folder, with prog.c and the prog.onnx `nscc` wrote (all compiled at once)."""
    if not MODEL.is_file():
        pytest.skip("no shipped default model")
    folders, runs = {}, {}
    for name, make in PROGRAMS.items():
        folder = folders[name] = tmp_path_factory.mktemp(name)
        (folder / "prog.c").write_text(make())
        args = (str(folder / "prog.c"), "-o", str(folder / "prog.onnx"))
        runs[name] = nscc(*args, "--model", str(MODEL), "--calibrate", str(CALIBRATE))
    for name, run in runs.items():
        _, stderr = run.communicate(timeout=120)
        assert run.returncode == 0, f"{name}: {stderr}"
    return folders


@pytest.fixture(scope="module", params=list(PROGRAMS))
def compiled(request, written) -> Compiled:
    source = written[request.param] / "prog.c"
    model = load_hypernet(MODEL)
    _, frontend = frontend_stage(source, FrontendOptions())
    signature = frontend.signature
    graph = program_graph(graph_passes(frontend, "O2"), signature, None)
    params = emit_weights(model, encode_program(graph, model, signature), "compiled", 0)
    return Compiled(source, source.with_suffix(".onnx"), signature, params, model)


def nscc(*args: str) -> subprocess.Popen:
    """`nscc ARGS` started in a fresh interpreter, as users run it."""
    code = f"import sys; sys.argv = ['nscc', *{list(args)!r}]; from nsc.cli import nscc_main; nscc_main()"
    return subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def metadata(model: onnx.ModelProto) -> dict[str, str]:
    return {p.key: p.value for p in model.metadata_props}


def dims(value: onnx.ValueInfoProto) -> list:
    return [d.dim_param or d.dim_value for d in value.type.tensor_type.shape.dim]


def test_the_mix_has_structs_inout_and_arrays(compiled):
    ports = [*compiled.signature.inputs, *compiled.signature.outputs]
    assert any("." in p.name for p in ports) and any(p.shape for p in ports)


def test_ports_are_named_after_c_with_a_batch_dimension(compiled):
    signature = compiled.signature
    model = onnx.load(str(compiled.path))
    onnx.checker.check_model(model, full_check=True)
    graph = model.graph
    assert [(v.name, dims(v)) for v in graph.input] == [
        (p.name, ["batch", *p.shape]) for p in signature.inputs
    ]
    assert [(v.name, dims(v)) for v in graph.output] == [
        (output_name(signature, p), ["batch", *p.shape]) for p in signature.outputs
    ]
    ports = [*graph.input, *graph.output]
    assert {v.type.tensor_type.elem_type for v in ports} == {onnx.TensorProto.FLOAT}
    inputs = {p.name for p in signature.inputs}
    for port in (p for p in signature.outputs if p.name in inputs):
        assert signature.params[port.param].role == "inout"
        assert output_name(signature, port) == port.name + ":out"


def test_metadata_records_the_provenance(compiled):
    meta = metadata(onnx.load(str(compiled.path)))
    assert meta["nsc.version"] == __version__
    assert meta["nsc.entry"] == compiled.signature.entry
    assert Signature.from_json(meta["nsc.signature"]) == compiled.signature
    assert meta["nsc.source_sha256"] == hashlib.sha256(compiled.source.read_bytes()).hexdigest()
    assert meta["nsc.model_id"] == compiled.model.model_id
    assert (meta["nsc.calibration_samples"], meta["nsc.finetune_samples"]) == (str(CALIBRATE), "0")


def numpy_forward(params, norm: Normalization, activation: str, signature, inputs):
    """The surrogate in float64 numpy: normalize, the MLP, raw outputs, keyed by port."""
    x = norm.inputs(flatten_ports(signature.inputs, inputs))
    last = len(params.weights) - 1
    for i, (w, b) in enumerate(zip(params.weights, params.biases, strict=True)):
        x = x @ w.astype(np.float64).T + b
        if i < last:
            x = np.tanh(x) if activation == "tanh" else x / (1.0 + np.exp(-x))
    return unflatten_ports(signature.outputs, norm.raw_outputs(x))


def test_onnx_runtime_computes_the_numpy_forward_of_the_emitted_weights(compiled):
    signature = compiled.signature
    model = onnx.load(str(compiled.path))
    tensors = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    layers = range(len(compiled.params.weights))
    written = EmittedArrays(
        [tensors[f"layer{i}/weight"].T for i in layers], [tensors[f"layer{i}/bias"] for i in layers]
    )
    emitted = compiled.params.weights + compiled.params.biases
    for got, want in zip(written.weights + written.biases, emitted, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)  # BLAS sums in its own order
    stored = json.loads(metadata(model)["nsc.normalization"])
    norm = Normalization(*(np.asarray(stored[k]) for k in Normalization.__annotations__))
    np.testing.assert_array_equal(np.stack(input_ranges(signature)), [norm.in_low, norm.in_high])
    scales = unflatten_ports(signature.outputs, norm.out_scale[None, :])
    session = ort.InferenceSession(str(compiled.path), providers=["CPUExecutionProvider"])
    names = [output_name(signature, p) for p in signature.outputs]
    for rows in (0, 1, 7, 1000):
        feeds = {k: v.astype(np.float32) for k, v in sample_inputs(signature, rows, rows).items()}
        got = dict(zip(signature.outputs, session.run(names, feeds), strict=True))
        want = numpy_forward(written, norm, compiled.model.activation, signature, feeds)
        for port, value in got.items():
            assert value.shape == (rows, *port.shape) and value.dtype == np.float32
            assert np.isfinite(value).all()
            error = np.abs(value - want[port.name]) / (scales[port.name][0] + np.abs(value))
            assert error.max(initial=0.0) < 1e-5, (rows, port.name)


def test_nsc_run_and_eval_read_it(compiled, tmp_path):
    inputs, outputs = tmp_path / "in.npz", tmp_path / "out.npz"
    rows = sample_inputs(compiled.signature, 20, 5)
    np.savez(inputs, **rows)
    cli = CliRunner()
    result = cli.invoke(
        main, ["run", str(compiled.path), "--inputs", str(inputs), "--outputs", str(outputs)]
    )
    assert result.exit_code == 0, result.output
    with np.load(outputs) as written:
        assert sorted(written.files) == sorted(p.name for p in compiled.signature.outputs)
    result = cli.invoke(
        main, ["eval", str(compiled.path), str(compiled.source), "--samples", "100"]
    )
    assert result.exit_code == 0, result.output
    assert "100 of 100 samples evaluated" in result.output


def test_outputs_beyond_float32_are_an_error_not_a_nan_surrogate(tmp_path):
    if not MODEL.is_file():
        pytest.skip("no shipped default model")
    source, out = tmp_path / "big.c", tmp_path / "big.onnx"
    source.write_text("double f(double x) { return x * 1e300; }\n")
    run = nscc(str(source), "-o", str(out), "--model", str(MODEL), "--calibrate", "32")
    _, stderr = run.communicate(timeout=120)
    assert run.returncode == 1
    assert "error: output 'return' has values of about" in stderr and "float32" in stderr
    assert "Traceback" not in stderr and "Warning" not in stderr
    assert not out.exists()


WIDTHS = "float f(float x, const double w[2]) { return x + w[0] * w[1]; }"


@pytest.mark.parametrize(
    ("low", "high"),
    [(-1e300, 1e300), (0.0, 1e-39), (0.0, float("inf"))],
    ids=["beyond", "too-narrow", "infinite"],
)
def test_input_ranges_float32_cannot_hold_are_an_error(low, high):
    signature = c_to_ir(WIDTHS, FrontendOptions(), filename="w.c").signature
    norm = Normalization(
        np.array([-1.0, -1.0, low]), np.array([1.0, 1.0, high]), np.zeros(1), np.ones(1)
    )
    params = random_init((4,), 3, 1, seed=0)
    with pytest.raises(NscError, match=r"input 'w' has the range .* float32"):
        surrogate_model(signature, params, FamilySpec((4,), "tanh"), norm, SurrogateMetadata())


def test_output_scale_float32_cannot_hold_is_an_error():
    signature = c_to_ir(WIDTHS, FrontendOptions(), filename="w.c").signature
    low, high = input_ranges(signature)
    norm = Normalization(low, high, np.array([1e39]), np.array([1.0]))
    params = random_init((4,), 3, 1, seed=0)
    with pytest.raises(NscError, match=r"output 'return' has values of about 1e\+39"):
        surrogate_model(signature, params, FamilySpec((4,), "tanh"), norm, SurrogateMetadata())
