"""`canonicalize`: take every source identifier and all metadata out of a module, keeping semantics.

What can leak from C source into IR: local value and block names (C variable names survive as
`%x`, `%x.addr`), names of static functions and globals (internal linkage), debug info, other
metadata (`!tbaa`, `!llvm.loop`, `!llvm.ident`), `source_filename` and the `; ModuleID` comment.
This pass
- strips debug info and all names with LLVM's `strip` (locals print as %0, %1, ... in order),
- names internal functions `f.N` and internal globals `g.N` in definition order (and, with
  `entry=NAME`, every other defined function and global except `__nsc_*` protocol globals),
- drops metadata attachments, metadata definitions and the source file name from the text.
External symbols keep their names: they are the module's interface (the entry, libm calls).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

import llvmlite.binding as llvm

from nsc.diagnostics import NscError
from nsc.ir.module import IRModule
from nsc.ir.passes.base import Pass, run_llvm

_LOCAL = {llvm.Linkage.internal, llvm.Linkage.private}
_KEEP_PREFIXES = ("llvm.", "__nsc_")
_ATTACHMENT = re.compile(r",?\s*![A-Za-z_.][\w.]*\s+(?:![0-9]+|!\{[^}]*\})")
_DROP_LINE = re.compile(r"^(?:; ModuleID = .*|source_filename = .*|![\w.]+ = .*|\s*#dbg_\w+\(.*)$")


@dataclass(frozen=True)
class Canonicalize(Pass):
    """Rename values, blocks and internal symbols canonically; strip debug info and metadata."""

    name: ClassVar[str] = "canonicalize"
    entry: str = ""  # when set, rename every defined symbol except this one

    def run(self, module: IRModule) -> IRModule:
        defined = (f.name for f in module.ref.functions if not f.is_declaration)
        if self.entry and self.entry not in defined:
            # the entry would be renamed with the rest, and nothing could call it by name
            raise NscError(f"entry={self.entry}: the module defines no function {self.entry!r}")
        # strip removes every local name (arguments, blocks, values), so locals print as %0, %1..
        ref = run_llvm(module, lambda manager: manager.add_strip_symbols_pass()).clone_ref()
        self._rename_symbols(ref)
        return IRModule(_strip_metadata(str(ref)))

    def _rename_symbols(self, ref: llvm.ModuleRef) -> None:
        for prefix, symbols in (("f", ref.functions), ("g", ref.global_variables)):
            index = 0
            for symbol in symbols:
                if self._renames(symbol):
                    symbol.name = f"{prefix}.{index}"
                    index += 1

    def _renames(self, symbol: llvm.ValueRef) -> bool:
        if symbol.linkage in _LOCAL:
            return True
        if not self.entry or symbol.is_declaration or symbol.name == self.entry:
            return False
        return not symbol.name.startswith(_KEEP_PREFIXES)


def _strip_metadata(text: str) -> str:
    lines = []
    for line in text.splitlines():
        if _DROP_LINE.match(line):
            continue
        lines.append(_ATTACHMENT.sub("", line) if "!" in line else line)
    return "\n".join(lines).strip() + "\n"
