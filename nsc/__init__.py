"""nsc: a neural surrogate compiler from C to ONNX."""

__version__ = "0.1.0"
