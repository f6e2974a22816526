"""Small surrogates for the runtime tests: C -> signature -> random or fitted params -> ONNX."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import torch

from nsc.backend.onnx_writer import SurrogateMetadata, write_onnx
from nsc.backend.surrogate import MLPFamily, Normalization, SurrogateParams
from nsc.frontend import CompiledC, FrontendOptions, c_to_ir
from nsc.ir.oracle import Oracle, sample_inputs
from nsc.signature import Signature

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@dataclass
class Built:
    compiled: CompiledC
    signature: Signature
    params: SurrogateParams
    family: MLPFamily
    normalization: Normalization
    path: Path


def compile_c(source: str | Path) -> CompiledC:
    """An example's name (`sobel`), or C text."""
    options = FrontendOptions(instrument=True)
    if isinstance(source, Path) or source.isidentifier():
        return c_to_ir(EXAMPLES / f"{source}.c" if isinstance(source, str) else source, options)
    return c_to_ir(source, options, filename="test.c")


def build(
    source: str | Path,
    path: Path,
    *,
    hidden: tuple[int, ...] = (16, 16),
    activation: str = "tanh",
    seed: int = 0,
    calibration: int = 256,
    metadata: SurrogateMetadata | None = None,
) -> Built:
    """A random-init surrogate of `source`, calibrated on the oracle, written to `path`."""
    compiled = compile_c(source)
    sig = compiled.signature
    execution = Oracle(compiled.ir, sig).run(sample_inputs(sig, calibration, seed + 1))
    normalization = Normalization.from_calibration(sig, execution.outputs)
    family = MLPFamily(hidden, activation)
    in_width = sum(p.size for p in sig.inputs)
    out_width = sum(p.size for p in sig.outputs)
    params = family.init(in_width, out_width, torch.Generator().manual_seed(seed))
    meta = metadata or SurrogateMetadata(calibration_samples=calibration)
    write_onnx(path, sig, params, family, normalization, meta)
    return Built(compiled, sig, params, family, normalization, path)
