"""The vocabulary of node keys: opcodes, callees and types, with fallbacks to coarser keys.

A node has a chain of keys from most to least specific; lookup takes the first key the
vocabulary knows, so an unseen struct type still lands on `variable:struct`, and an unseen
callee on `instruction:call`. Index 0 is the unknown token. The vocabulary is built from graphs
deterministically (sorted keys) and serializes to JSON.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from nsc.diagnostics import NscError

if TYPE_CHECKING:
    import networkx as nx

UNKNOWN = "<unk>"
KINDS = ("instruction", "variable", "constant")
_TYPE_SUFFIX = re.compile(r"(\.(f|i|v\d+f|v\d+i)\d+|\.p0)+$")


def coarse_type(text: str) -> str:
    """The family of an LLVM type string: float types and iN stay, aggregates collapse."""
    text = text.strip()
    if text.startswith("["):
        return "array"
    if text.startswith("{") or text.startswith("<{"):
        return "struct"
    if text.startswith("<"):
        return "vector"
    return text


def callee_family(name: str) -> str:
    """A callee without the `llvm.` prefix and overload suffixes: llvm.sin.f64 -> sin."""
    if name.startswith("llvm."):
        name = _TYPE_SUFFIX.sub("", name[len("llvm.") :])
    return name


def node_keys(attrs: Mapping[str, Any]) -> list[str]:
    """The keys of a node, most specific first; the last one is always in a built vocabulary."""
    kind = attrs.get("kind")
    if kind not in KINDS:
        raise NscError(f"program graph node has unknown kind {kind!r} (expected one of {KINDS})")
    text = str(attrs.get("text", ""))
    if kind == "instruction":
        callee = attrs.get("callee")
        if callee:
            family = callee_family(str(callee))
            return [f"call:{callee}", f"call:{family}", f"instruction:{text}", "instruction"]
        return [f"instruction:{text}", "instruction"]
    return [f"{kind}:{text}", f"{kind}:{coarse_type(text)}", kind]


def key_counts(graph: nx.MultiDiGraph) -> Counter[str]:
    """How often each key but the coarsest (the node's kind, always kept) names a node."""
    counts: Counter[str] = Counter()
    for _, attrs in graph.nodes(data=True):
        counts.update(node_keys(attrs)[:-1])
    return counts


@dataclass(frozen=True)
class Vocab:
    """Token strings in index order; index 0 is `<unk>`."""

    tokens: tuple[str, ...]

    def __post_init__(self) -> None:
        if not self.tokens or self.tokens[0] != UNKNOWN:
            raise NscError(f"a vocabulary must start with {UNKNOWN!r}")
        if len(set(self.tokens)) != len(self.tokens):
            raise NscError("a vocabulary must not repeat tokens")
        object.__setattr__(self, "_index", {t: i for i, t in enumerate(self.tokens)})

    def __len__(self) -> int:
        return len(self.tokens)

    def __contains__(self, key: str) -> bool:
        return key in self._index  # type: ignore[attr-defined]

    def index(self, key: str) -> int:
        """The index of one key, 0 (unknown) if absent."""
        return self._index.get(key, 0)  # type: ignore[attr-defined]

    def lookup(self, attrs: Mapping[str, Any]) -> int:
        """The index of a node: its most specific known key, else unknown."""
        for key in node_keys(attrs):
            if key in self:
                return self.index(key)
        return 0

    @classmethod
    def build(cls, graphs: Iterable[nx.MultiDiGraph], min_count: int = 1) -> Vocab:
        """Every key met at least `min_count` times, plus every coarse fallback key, sorted."""
        counts: Counter[str] = Counter()
        for graph in graphs:
            counts.update(key_counts(graph))
        return cls.from_counts(counts, min_count)

    @classmethod
    def from_counts(cls, counts: Mapping[str, int], min_count: int = 1) -> Vocab:
        """The vocabulary of summed `key_counts`: keys met at least `min_count` times, plus the
        coarsest key of every kind, sorted."""
        if min_count < 1:
            raise NscError(f"min_count must be at least 1, not {min_count}")
        kept = {k for k, n in counts.items() if n >= min_count} | set(KINDS)
        return cls((UNKNOWN, *sorted(kept)))

    def to_json(self) -> str:
        return json.dumps({"format": "nsc-vocab", "version": 1, "tokens": list(self.tokens)})

    @classmethod
    def from_json(cls, text: str) -> Vocab:
        try:
            data = json.loads(text)
            tokens = tuple(str(t) for t in data["tokens"])
        except (ValueError, KeyError, TypeError) as exc:
            raise NscError(f"not an nsc vocabulary: {exc}") from exc
        return cls(tokens)
