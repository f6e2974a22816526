"""Reuse the file-scope symbols of included headers' prototypes and typedefs across compilations.

Every program includes nsc's `math.h`: about a hundred prototypes whose types cost more to
resolve than a small program's body. The parser keeps each header's AST per process (the same
node objects in every parse), so the symbols those nodes declare are a function of the nodes
alone: the scope starts empty, and prototypes and plain typedefs create no IR and touch no
struct tags. `Prelude` remembers, per run of such leading nodes, the symbols they declared, and
hands each compilation fresh copies (a later definition marks its FunctionSymbol as defined).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence

from pycparser import c_ast

from nsc.frontend.codegen.context import FunctionSymbol, Scope, Symbol, Typedef
from nsc.frontend.codegen.reach import declares_tag

_MAX_ENTRIES = 16


@dataclasses.dataclass(frozen=True)
class _Entry:
    nodes: tuple[c_ast.Node, ...]  # kept alive, so their ids stay theirs
    symbols: tuple[tuple[str, Symbol], ...]


_CACHE: dict[int, _Entry] = {}


def declare_prelude(
    ext: Sequence[c_ast.Node],
    filename: str,
    scope: Scope,
    declare: Callable[[c_ast.Node], None],
) -> int:
    """Declare the leading header prototypes and typedefs of `ext` into the empty `scope`.

    `declare` lowers one node (used on a cache miss). Returns how many nodes were handled.
    """
    if scope.names or scope.tags or not ext:
        return 0
    entry = _CACHE.get(id(ext[0]))
    if entry is not None and _starts_with(ext, entry.nodes):
        for name, symbol in entry.symbols:
            scope.names[name] = _fresh(symbol)
        return len(entry.nodes)
    count = 0
    while count < len(ext) and _cacheable(ext[count], filename):
        declare(ext[count])
        count += 1
    if count and all(isinstance(s, FunctionSymbol | Typedef) for s in scope.names.values()):
        _remember(ext[:count], scope)
    return count


def _starts_with(ext: Sequence[c_ast.Node], nodes: tuple[c_ast.Node, ...]) -> bool:
    return len(ext) >= len(nodes) and all(a is b for a, b in zip(ext, nodes, strict=False))


def _remember(nodes: Sequence[c_ast.Node], scope: Scope) -> None:
    if len(_CACHE) >= _MAX_ENTRIES:
        _CACHE.pop(next(iter(_CACHE)))
    symbols = tuple((name, _fresh(s)) for name, s in scope.names.items())
    _CACHE[id(nodes[0])] = _Entry(tuple(nodes), symbols)


def _fresh(symbol: Symbol) -> Symbol:
    """A copy a compilation may change (typedefs are never changed, so they are shared)."""
    if isinstance(symbol, FunctionSymbol):
        return dataclasses.replace(symbol)
    return symbol


def _cacheable(node: c_ast.Node, filename: str) -> bool:
    """A header's prototype or typedef that declares no struct, union or enum tag."""
    coord = getattr(node, "coord", None)
    if coord is None or not coord.file or coord.file == filename:
        return False
    if isinstance(node, c_ast.Decl):
        if not isinstance(node.type, c_ast.FuncDecl) or node.init is not None:
            return False
        if set(node.storage or []) - {"extern"} or node.funcspec:
            return False
    elif not isinstance(node, c_ast.Typedef):
        return False
    return not declares_tag(node)
