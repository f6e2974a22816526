"""Which file-scope definitions are compiled: all but a test harness in `main`.

nsc compiles one function, the entry, with what it calls. A file often carries its own test
harness as well: a `main` that prints the entry's results, with helpers and tables only it
uses. That code never runs in the oracle or the surrogate, so it is not lowered, and it may use
what nsc's C subset leaves out (stdio, strings, the heap) without keeping the entry from
compiling. Everything else in the file is lowered as before, used or not.

References are found syntactically: every identifier a definition mentions counts, except a
member's name (`s.report`, `.report = 1`) and a parameter's or local variable's where it is in
scope. A block-scope `extern` declaration or prototype hides nothing: it names the file's.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from pycparser import c_ast

_TAGGED = (c_ast.Struct, c_ast.Union, c_ast.Enum)


def compiled_names(ext: Sequence[c_ast.Node], entry: str) -> set[str] | None:
    """The file-scope names to lower when `entry` is compiled, or None for all of them.

    Left out: `main` (unless it is the entry) and the functions and objects that only code
    reached from `main` mentions."""
    if entry == "main" or not any(
        isinstance(node, c_ast.FuncDef) and node.decl.name == "main" for node in ext
    ):
        return None
    definitions, always = _definitions(ext)
    harness = _reach(definitions, ["main"])
    roots = [entry, *always, *(name for name in definitions if name not in harness)]
    return _reach(definitions, roots)


def reachable(ext: Sequence[c_ast.Node], name: str) -> set[str]:
    """The file-scope names `name`'s definitions mention, directly or through others."""
    definitions, _ = _definitions(ext)
    return _reach(definitions, [name])


def declares_tag(node: c_ast.Node) -> bool:
    """Whether a declaration mentions a struct, union or enum (and so may define one)."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, _TAGGED):
            return True
        stack.extend(child for _, child in current.children())
    return False


def _definitions(ext: Sequence[c_ast.Node]) -> tuple[dict[str, list[c_ast.Node]], list[str]]:
    """The nodes that define or declare each function and object, and the names mentioned by
    nodes that are always lowered (typedefs, tags and enumerators, static assertions)."""
    definitions: dict[str, list[c_ast.Node]] = {}
    always: list[str] = []
    for node in ext:
        if isinstance(node, c_ast.FuncDef):
            definitions.setdefault(node.decl.name, []).append(node)
        elif isinstance(node, c_ast.Decl) and node.name is not None and not declares_tag(node):
            definitions.setdefault(node.name, []).append(node)
        else:
            always.extend(_identifiers(node))
    return definitions, always


def _reach(definitions: dict[str, list[c_ast.Node]], roots: Iterable[str]) -> set[str]:
    seen: set[str] = set()
    work = list(roots)
    while work:
        name = work.pop()
        if name in seen:
            continue
        seen.add(name)
        for node in definitions.get(name, ()):
            work.extend(_identifiers(node))
    return seen


def _identifiers(node: c_ast.Node) -> Iterable[str]:
    """The names `node` mentions that may be file-scope ones (see the module's doc)."""
    stack: list[tuple[c_ast.Node, frozenset[str]]] = [(node, frozenset())]
    while stack:
        current, hidden = stack.pop()
        if isinstance(current, c_ast.ID):
            if current.name not in hidden:
                yield current.name
            continue
        if isinstance(current, c_ast.StructRef):
            stack.append((current.name, hidden))  # not the member's name
            continue
        if isinstance(current, c_ast.NamedInitializer):  # `.m = e`, `[i] = e`
            parts = [current.expr, *current.name]
            stack.extend((part, hidden) for part in parts if not isinstance(part, c_ast.ID))
            continue
        if isinstance(current, c_ast.FuncDef):
            hidden |= _parameters(current.decl)
        for _, child in current.children():
            stack.append((child, hidden))
            if isinstance(current, _SEQUENCES):  # what a block item declares hides what follows
                objects, externs = _block_names(child)
                hidden = (hidden | objects) - externs


# nodes whose children are in the scope of the declarations before them
_SEQUENCES = (c_ast.Compound, c_ast.For, c_ast.DeclList)


def _parameters(decl: c_ast.Decl) -> frozenset[str]:
    args = decl.type.args if isinstance(decl.type, c_ast.FuncDecl) else None
    params = args.params if args is not None else []
    return frozenset(p.name for p in params if isinstance(p, c_ast.Decl) and p.name)


def _block_names(node: c_ast.Node) -> tuple[frozenset[str], frozenset[str]]:
    """The names a block item declares: objects of the block, and the file's (`extern`, a
    prototype)."""
    decls = node.decls if isinstance(node, c_ast.DeclList) else [node]
    named = [d for d in decls if isinstance(d, c_ast.Decl) and d.name]
    outer = {
        d.name for d in named if "extern" in (d.storage or []) or isinstance(d.type, c_ast.FuncDecl)
    }
    return frozenset(d.name for d in named) - outer, frozenset(outer)
