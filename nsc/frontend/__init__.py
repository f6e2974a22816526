"""C frontend: preprocess, parse, lower to LLVM IR, and extract the entry's signature."""

from nsc.frontend.options import CompiledC, FrontendOptions, FrontendWarning

__all__ = ["CompiledC", "FrontendOptions", "FrontendWarning", "c_to_ir", "parse_c", "lower_parsed"]


def c_to_ir(source, options: FrontendOptions | None = None, *, filename: str | None = None):
    """Lower C source (a path, or text with `filename`) to verified LLVM IR and a signature."""
    from nsc.frontend.lower import compile_c

    return compile_c(source, options or FrontendOptions(), filename=filename)


def parse_c(source, options: FrontendOptions | None = None, *, filename: str | None = None):
    """Preprocess and parse once; `lower_parsed` then lowers it with or without instrumentation."""
    from nsc.frontend.lower import parse_c as parse

    return parse(source, options or FrontendOptions(), filename)


def lower_parsed(parsed, *, instrument: bool):
    """Lower a `parse_c` result to verified IR and a signature."""
    from nsc.frontend.lower import lower_parsed as lower

    return lower(parsed, instrument=instrument)
