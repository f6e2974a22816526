"""The ONNX writer's own protobuf encoding: the bytes onnx.helper makes, and a valid model."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import helper, numpy_helper

from nsc.backend.normalize import Normalization
from nsc.backend.npforward import random_init
from nsc.backend.onnx_wire import Node, _node, _tensor, encode_model
from nsc.backend.onnx_writer import (
    SurrogateMetadata,
    build_onnx,
    surrogate_model,
    to_proto,
    write_onnx,
)
from nsc.frontend import c_to_ir

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
# one scalar output, arrays in and out, structs, an inout struct, several outputs
PROGRAMS = sorted(p.name for p in EXAMPLES.glob("*.c"))


@dataclass(frozen=True)
class Family:
    hidden: tuple[int, ...]
    activation: str


def surrogate(name: str, activation: str):
    signature = c_to_ir(EXAMPLES / name).signature
    if not signature.inputs:
        pytest.skip(f"{name}: no inputs without pragmas")
    family = Family((12, 7), activation)
    width = lambda ports: sum(p.size for p in ports)  # noqa: E731
    params = random_init(family.hidden, width(signature.inputs), width(signature.outputs), 3)
    rng = np.random.default_rng(0)
    outputs = {p.name: rng.normal(size=(64, *p.shape)) for p in signature.outputs}
    norm = Normalization.from_calibration(signature, outputs)
    meta = SurrogateMetadata("ab" * 32, "m@sha256:0", 64, 0, {"nsc.init": "compiled"})
    return signature, params, family, norm, meta


@pytest.mark.parametrize("name", PROGRAMS)
def test_encoding_equals_onnx_helper_bytes(name):
    parts = surrogate(name, "silu" if len(name) % 2 else "tanh")
    model = surrogate_model(*parts)
    assert encode_model(model) == to_proto(model).SerializeToString()


def test_written_file_is_the_checked_model(tmp_path):
    parts = surrogate("particle.c", "tanh")
    write_onnx(tmp_path / "p.onnx", *parts)
    written = (tmp_path / "p.onnx").read_bytes()
    assert written == build_onnx(*parts).SerializeToString()  # build_onnx runs the checker
    onnx.checker.check_model(onnx.load(str(tmp_path / "p.onnx")), full_check=True)


def test_negative_and_large_integers_encode_like_protobuf():
    node = Node("Concat", ("a", "b"), ("c",), "c", (("axis", -1), ("big", 2**40)))
    want = helper.make_node("Concat", ["a", "b"], ["c"], name="c", axis=-1, big=2**40)
    assert _node(node) == want.SerializeToString()
    array = np.array([[-(2**62), 5, 0]], dtype=np.int64)
    assert _tensor("t", array) == numpy_helper.from_array(array, "t").SerializeToString()
    with pytest.raises(ValueError, match="dtype"):
        _tensor("t", np.zeros(2, np.float16))


WRITE_WITHOUT_ONNX = """
import sys
from pathlib import Path
from types import SimpleNamespace
import numpy as np
from nsc.backend.normalize import Normalization
from nsc.backend.npforward import random_init
from nsc.backend.onnx_writer import SurrogateMetadata, write_onnx
from nsc.frontend import c_to_ir

signature = c_to_ir(Path(sys.argv[1])).signature
params = random_init((8,), signature.inputs[0].size, signature.outputs[0].size, 0)
norm = Normalization.uncalibrated(signature)
family = SimpleNamespace(hidden=(8,), activation="tanh")
write_onnx(Path(sys.argv[2]), signature, params, family, norm, SurrogateMetadata())
assert "onnx" not in sys.modules and "google.protobuf" not in sys.modules
"""


def test_writing_does_not_import_onnx(tmp_path):
    import subprocess

    out = tmp_path / "m.onnx"
    command = [sys.executable, "-c", WRITE_WITHOUT_ONNX, str(EXAMPLES / "neuron.c"), str(out)]
    run = subprocess.run(command, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    onnx.checker.check_model(onnx.load(str(out)), full_check=True)
