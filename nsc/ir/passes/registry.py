"""The one registry of passes: built-ins (imported only when asked) and `nsc.passes` plugins."""

from __future__ import annotations

import difflib
import importlib
from dataclasses import dataclass
from functools import cache

from nsc.diagnostics import NscError
from nsc.ir.passes.base import describe

PLUGIN_GROUP = "nsc.passes"
BUILTIN = "builtin"

# pass name -> "module:Class" under nsc.ir.passes; a test checks each key against the class's name.
BUILTINS: dict[str, str] = {
    "adce": "llvm:ADCE",
    "aggressive-instcombine": "llvm:AggressiveInstCombine",
    "always-inline": "llvm:AlwaysInline",
    "argpromotion": "llvm:ArgPromotion",
    "break-crit-edges": "llvm:BreakCritEdges",
    "canonicalize": "canonicalize:Canonicalize",
    "constmerge": "llvm:ConstMerge",
    "count-ops": "analysis:CountOps",
    "dce": "llvm:DCE",
    "deadargelim": "llvm:DeadArgElim",
    "default": "llvm:Default",
    "dse": "llvm:DSE",
    "function-attrs": "llvm:FunctionAttrs",
    "globaldce": "llvm:GlobalDCE",
    "globalopt": "llvm:GlobalOpt",
    "inst-stats": "analysis:InstStatsPass",
    "instcombine": "llvm:InstCombine",
    "instnamer": "llvm:InstNamer",
    "ipsccp": "llvm:IPSCCP",
    "jump-threading": "llvm:JumpThreading",
    "lcssa": "llvm:LCSSA",
    "loop-deletion": "llvm:LoopDeletion",
    "loop-rotate": "llvm:LoopRotate",
    "loop-simplify": "llvm:LoopSimplify",
    "loop-unroll": "unroll:LoopUnroll",
    "loop-unroll-and-jam": "llvm:LoopUnrollAndJam",
    "lower-atomic": "llvm:LowerAtomic",
    "lower-invoke": "llvm:LowerInvoke",
    "lower-switch": "llvm:LowerSwitch",
    "memcpyopt": "llvm:MemCpyOpt",
    "mergefunc": "llvm:MergeFunctions",
    "mergereturn": "llvm:MergeReturn",
    "newgvn": "llvm:NewGVN",
    "partial-inliner": "llvm:PartialInliner",
    "reassociate": "llvm:Reassociate",
    "reg2mem": "llvm:Reg2Mem",
    "rpo-function-attrs": "llvm:RPOFunctionAttrs",
    "sccp": "llvm:SCCP",
    "simplifycfg": "llvm:SimplifyCFG",
    "sink": "llvm:Sink",
    "sroa": "llvm:SROA",
    "strip": "llvm:Strip",
    "strip-dead-debug-info": "llvm:StripDeadDebugInfo",
    "strip-dead-prototypes": "llvm:StripDeadPrototypes",
    "strip-debug-declare": "llvm:StripDebugDeclare",
    "strip-nondebug": "llvm:StripNonDebug",
    "tailcallelim": "llvm:TailCallElim",
}

# names people reach for that llvmlite 0.50 lacks or spells differently
SPELLINGS: dict[str, str] = {
    "mem2reg": "llvmlite 0.50 has no mem2reg; 'sroa' promotes allocas to registers",
    "gvn": "llvmlite 0.50 exposes NewGVN only: use 'newgvn'",
    "licm": "llvmlite 0.50 exposes no standalone licm; -O1..-O3 ('default') include it",
    "tail-call-elim": "LLVM spells it 'tailcallelim'",
    "global-dce": "LLVM spells it 'globaldce'",
    "inline": "llvmlite 0.50 offers 'always-inline' and 'partial-inliner'; -O2 runs the inliner",
    "inliner": "llvmlite 0.50 offers 'always-inline' and 'partial-inliner'; -O2 runs the inliner",
    # LSR, a code-generation pass, breaks loop-closed SSA, and the loop pass manager's assertion
    # then aborts the process (on loops as plain as those of -O2's output): llvm-project#191652
    "loop-reduce": "nsc leaves it out: llvmlite 0.50's loop strength reduction aborts the "
    "process on ordinary loops (llvm-project#191652)",
}


@dataclass(frozen=True)
class PassInfo:
    """A registered pass: its name, one-line description and origin (builtin or a distribution)."""

    name: str
    description: str
    origin: str


class UnknownPass(NscError):
    """A pipeline names a pass that no built-in or plugin provides."""


def load_pass(name: str) -> type:
    """The class of the pass called `name`; raises UnknownPass with a did-you-mean hint."""
    if name in BUILTINS:
        module, _, attr = BUILTINS[name].partition(":")
        return getattr(importlib.import_module(f"nsc.ir.passes.{module}"), attr)
    plugins = _plugins()
    if name in plugins:
        return _load_plugin(name, plugins[name])
    raise UnknownPass(f"unknown pass {quoted(name)}", hints=suggest(name))


def quoted(text: str, limit: int = 60) -> str:
    """`text` quoted as repr quotes it, cut short where long (a pipeline may be 100 KB)."""
    return repr(text) if len(text) <= limit else repr(text[:limit]) + "..."


def suggest(name: str) -> tuple[str, ...]:
    """Did-you-mean hints for an unknown pass name."""
    if name in SPELLINGS:
        return (SPELLINGS[name],)
    known = [*BUILTINS, *_plugins()]
    same = [k for k in known if k.lower() == name.lower()]  # SROA, InstCombine
    close = same or difflib.get_close_matches(name, known, n=3, cutoff=0.6)
    if close:
        return ("did you mean " + " or ".join(repr(c) for c in close) + "?",)
    return ("'nsc passes' lists the available passes",)


def list_passes() -> list[PassInfo]:
    """Every pass: the built-ins, then each plugin's, sorted by name within each origin; a plugin
    that a built-in of its name hides is listed as ignored."""
    infos = [PassInfo(name, describe(load_pass(name)), BUILTIN) for name in BUILTINS]
    for name, entry in sorted(_plugins().items()):
        try:
            description = describe(_load_plugin(name, entry))
        except NscError as err:  # one broken plugin must not hide every other pass
            description = f"(unusable) {err.message}"
        infos.append(PassInfo(name, description, _origin(entry)))
    for entry in _shadowing():
        description = f"(ignored) {entry.value}: the built-in pass {entry.name!r} has this name"
        infos.append(PassInfo(entry.name, description, _origin(entry)))
    return infos


def _origin(entry) -> str:
    return entry.dist.name if entry.dist is not None else "plugin"


@cache
def _entry_points() -> tuple:
    from importlib.metadata import entry_points  # ~25 ms; a built-in pass never needs it

    return tuple(entry_points(group=PLUGIN_GROUP))


@cache
def _plugins() -> dict:
    """Entry points of the `nsc.passes` group, minus any that would shadow a built-in."""
    found = {}
    for entry in _entry_points():
        if entry.name not in BUILTINS:
            found.setdefault(entry.name, entry)
    return found


def _shadowing() -> list:
    """Entry points named like a built-in, which the built-in wins over, sorted by name."""
    return sorted((e for e in _entry_points() if e.name in BUILTINS), key=lambda e: e.name)


def refresh_plugins() -> None:
    """Forget the plugins found so far (after installing one into a running interpreter)."""
    _entry_points.cache_clear()
    _plugins.cache_clear()


def _load_plugin(name: str, entry) -> type:
    try:
        cls = entry.load()
    except Exception as exc:  # a broken plugin is the user's problem to see, not a traceback
        raise NscError(f"pass plugin {name!r} ({entry.value}) failed to load: {exc}") from exc
    named = getattr(cls, "name", None) == name and callable(getattr(cls, "run", None))
    if not isinstance(cls, type) or not named:  # a pipeline makes each pass from its class
        raise NscError(
            f"pass plugin {name!r} ({entry.value}) is not a pass: it needs a class with "
            f"name == {name!r} and run()"
        )
    return cls
