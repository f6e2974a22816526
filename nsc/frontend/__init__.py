"""C frontend: preprocess, parse, lower to LLVM IR, and extract the entry's signature."""

from nsc.frontend.options import CompiledC, FrontendOptions

__all__ = ["CompiledC", "FrontendOptions", "c_to_ir"]


def c_to_ir(source, options: FrontendOptions | None = None, *, filename: str | None = None):
    """Lower C source (a path, or text with `filename`) to verified LLVM IR and a signature."""
    from nsc.frontend.lower import compile_c

    return compile_c(source, options or FrontendOptions(), filename=filename)
