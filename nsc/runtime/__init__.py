"""Running compiled surrogates: ONNX Runtime, fine-tuning and evaluation against the oracle."""

from nsc.runtime.surrogate import Surrogate

__all__ = ["Surrogate"]
