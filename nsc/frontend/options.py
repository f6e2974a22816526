"""Typed inputs and outputs of the frontend stage."""

from __future__ import annotations

from dataclasses import dataclass, field

from nsc.diagnostics import SourceLocation
from nsc.signature import Signature


@dataclass(frozen=True)
class FrontendOptions:
    """What the user chose on the command line; pragmas in the source fill in the rest."""

    entry: str | None = (
        None  # --entry; else `#pragma nsc entry(f)`; else the only external function
    )
    defines: tuple[str, ...] = ()  # -D NAME or NAME=VALUE
    include_dirs: tuple[str, ...] = ()  # -I DIR
    # where `#include "x.h"` looks first; None: the folder of the source's file name (a caller
    # that names the source by a relative path of its own, as ingestion does, gives the folder)
    quote_dir: str | None = None
    inputs: tuple[str, ...] = ()  # --input a,b: these parameters are inputs (others keep defaults)
    outputs: tuple[str, ...] = ()  # --output c
    ranges: dict[str, tuple[float, float]] = field(default_factory=dict)  # --range x=lo:hi
    instrument: bool = False  # emit fuel, bounds and division checks for the oracle
    # the caller runs the entry on sampled inputs (nscc, `nsc exec --samples`): an entry without
    # inputs is then a located error (the oracle alone can run one, given a batch size)
    require_inputs: bool = False
    # the program's other translation units (`nscc a.c b.c`): each is preprocessed, parsed and
    # lowered alone, then linked with the source's (the entry may be defined in any of them)
    units: tuple[str, ...] = ()


@dataclass(frozen=True)
class FrontendWarning:
    """Something in the program that is legal but most likely not what the user meant."""

    message: str
    location: SourceLocation
    hints: tuple[str, ...] = ()

    def render(self) -> str:
        """Like gcc: `file:line:col: warning: message`, then its notes."""
        lines = [f"{self.location}: warning: {self.message}"]
        lines += [f"{self.location}: note: {hint}" for hint in self.hints]
        return "\n".join(lines)


@dataclass(frozen=True)
class CompiledC:
    """The frontend's result: LLVM IR text (verified), the entry's signature, and warnings
    for the caller to print."""

    ir: str
    signature: Signature
    filename: str
    warnings: tuple[FrontendWarning, ...] = ()
