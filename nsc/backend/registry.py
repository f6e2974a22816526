"""Encoders and surrogate families by name, as a checkpoint's config names them.

A new encoder is a module plus one line here. Classes are imported only when asked for.
An encoder is an `nn.Module` built as `cls(vocab_size, fusion_dim=F, **options)`, with a `dim`
attribute, whose forward maps a `Batch` to an `Encoded`. A surrogate family is built as
`cls(**options)` and offers `widths`, `init` and `forward` like `MLPFamily`.
"""

from __future__ import annotations

import importlib
from typing import Any

from nsc.diagnostics import NscError

ENCODERS = {"ggnn": "nsc.backend.encoder:GGNNEncoder"}
SURROGATES = {"mlp": "nsc.backend.surrogate:MLPFamily"}


def _load(table: dict[str, str], name: str, what: str) -> type:
    if name not in table:
        known = ", ".join(sorted(table))
        raise NscError(f"unknown {what} {name!r} (known: {known})")
    module, _, attr = table[name].partition(":")
    return getattr(importlib.import_module(module), attr)


def build_encoder(name: str, vocab_size: int, fusion_dim: int, options: dict[str, Any]):
    """The encoder registered as `name`, built with its options."""
    cls = _load(ENCODERS, name, "encoder")
    try:
        return cls(vocab_size, fusion_dim=fusion_dim, **options)
    except TypeError as exc:
        raise NscError(f"bad options for encoder {name!r}: {exc}") from exc


def build_surrogate(name: str, options: dict[str, Any]):
    """The surrogate family registered as `name`, built with its options."""
    cls = _load(SURROGATES, name, "surrogate family")
    opts = dict(options)
    if "hidden" in opts:
        opts["hidden"] = tuple(opts["hidden"])
    try:
        return cls(**opts)
    except TypeError as exc:
        raise NscError(f"bad options for surrogate family {name!r}: {exc}") from exc
