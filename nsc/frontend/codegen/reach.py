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
from dataclasses import dataclass

from pycparser import c_ast

_TAGGED = (c_ast.Struct, c_ast.Union, c_ast.Enum)


def compiled_names(
    ext: Sequence[c_ast.Node], entry: str, exports: Iterable[str] = ()
) -> set[str] | None:
    """The file-scope names to lower when `entry` is compiled, or None for all of them.

    Left out: `main` (unless it is the entry) and the functions and objects that only code
    reached from `main` mentions, unless they are among `exports` (what the program's other
    files may use)."""
    if entry == "main" or not any(
        isinstance(node, c_ast.FuncDef) and node.decl.name == "main" for node in ext
    ):
        return None
    definitions, always = _definitions(ext)
    mentions: dict[int, list[str]] = {}
    harness = _reach(definitions, ["main"], mentions)
    roots = [entry, *always, *(name for name in definitions if name not in harness)]
    roots += [name for name in exports if name != "main"]
    return _reach(definitions, roots, mentions)


def reachable(ext: Sequence[c_ast.Node], names: Iterable[str]) -> dict[str, set[str]]:
    """For each of `names`, the file-scope names its definitions mention, directly or through
    others (each definition read once)."""
    definitions, _ = _definitions(ext)
    mentions: dict[int, list[str]] = {}
    return {name: _reach(definitions, [name], mentions) for name in names}


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


def _reach(
    definitions: dict[str, list[c_ast.Node]],
    roots: Iterable[str],
    mentions: dict[int, list[str]] | None = None,
) -> set[str]:
    """The names reached from `roots` (`mentions`: each definition's names, kept across
    calls)."""
    mentions = {} if mentions is None else mentions
    seen: set[str] = set()
    work = list(roots)
    while work:
        name = work.pop()
        if name in seen:
            continue
        seen.add(name)
        for node in definitions.get(name, ()):
            if id(node) not in mentions:
                mentions[id(node)] = list(_identifiers(node))
            work.extend(mentions[id(node)])
    return seen


def _identifiers(node: c_ast.Node) -> Iterable[str]:
    """The names `node` mentions that may be file-scope ones (see the module's doc).

    One pass, linear in the nodes: a name declared in a block is hidden from the items after
    it until the block ends (`_Hide`/`_Show` events on the stack). A name that any block-scope
    `extern` or prototype of the definition declares is never hidden, which keeps more than
    it must only where a local shadows a name the same function also redeclares `extern`."""
    exposed = _outer_names(node)
    hidden: dict[str, int] = {}
    stack: list[c_ast.Node | _Hide | _Show] = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, _Hide | _Show):
            step = 1 if isinstance(current, _Hide) else -1
            for name in current.names:
                hidden[name] = hidden.get(name, 0) + step
            continue
        if isinstance(current, c_ast.ID):
            if not hidden.get(current.name):
                yield current.name
            continue
        if isinstance(current, c_ast.StructRef):
            stack.append(current.name)  # not the member's name
            continue
        if isinstance(current, c_ast.NamedInitializer):  # `.m = e`, `[i] = e`
            parts = [current.expr, *current.name]
            stack.extend(part for part in parts if not isinstance(part, c_ast.ID))
            continue
        children = [child for _, child in current.children()]
        if isinstance(current, c_ast.FuncDef):
            params = _parameters(current.decl) - exposed
            stack += [_Show(params), *reversed(children), _Hide(params)]
        elif isinstance(current, _SEQUENCES):  # what a block item declares hides what follows
            events: list[c_ast.Node | _Hide | _Show] = []
            declared: list[str] = []
            for child in children:
                events.append(child)
                names = _block_objects(child) - exposed
                if names:
                    events.append(_Hide(names))
                    declared.extend(names)
            stack += [_Show(declared), *reversed(events)]
        else:
            stack.extend(reversed(children))


@dataclass(frozen=True)
class _Hide:
    names: Iterable[str]


@dataclass(frozen=True)
class _Show:
    names: Iterable[str]


# nodes whose children are in the scope of the declarations before them
_SEQUENCES = (c_ast.Compound, c_ast.For, c_ast.DeclList)


def _parameters(decl: c_ast.Decl) -> frozenset[str]:
    args = decl.type.args if isinstance(decl.type, c_ast.FuncDecl) else None
    params = args.params if args is not None else []
    return frozenset(p.name for p in params if isinstance(p, c_ast.Decl) and p.name)


def _block_objects(node: c_ast.Node) -> frozenset[str]:
    """The names a block item declares as objects of the block (not `extern`, no prototype)."""
    decls = node.decls if isinstance(node, c_ast.DeclList) else [node]
    return frozenset(
        d.name
        for d in decls
        if isinstance(d, c_ast.Decl)
        and d.name
        and "extern" not in (d.storage or [])
        and not isinstance(d.type, c_ast.FuncDecl)
    )


def _outer_names(node: c_ast.Node) -> frozenset[str]:
    """The names block-scope `extern` declarations and prototypes inside `node` declare."""
    if not isinstance(node, c_ast.FuncDef):
        return frozenset()
    names = set()
    stack: list[c_ast.Node] = [node.body]
    while stack:
        current = stack.pop()
        if isinstance(current, c_ast.Decl) and current.name:
            if "extern" in (current.storage or []) or isinstance(current.type, c_ast.FuncDecl):
                names.add(current.name)
        stack.extend(child for _, child in current.children())
    return frozenset(names)
