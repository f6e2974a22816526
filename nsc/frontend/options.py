"""Typed inputs and outputs of the frontend stage."""

from __future__ import annotations

from dataclasses import dataclass, field

from nsc.signature import Signature


@dataclass(frozen=True)
class FrontendOptions:
    """What the user chose on the command line; pragmas in the source fill in the rest."""

    entry: str | None = (
        None  # --entry; else `#pragma nsc entry(f)`; else the only external function
    )
    defines: tuple[str, ...] = ()  # -D NAME or NAME=VALUE
    include_dirs: tuple[str, ...] = ()  # -I DIR
    inputs: tuple[str, ...] = ()  # --input a,b: these parameters are inputs (others keep defaults)
    outputs: tuple[str, ...] = ()  # --output c
    ranges: dict[str, tuple[float, float]] = field(default_factory=dict)  # --range x=lo:hi
    instrument: bool = False  # emit fuel, bounds and division checks for the oracle


@dataclass(frozen=True)
class CompiledC:
    """The frontend's result: LLVM IR text (verified) and the entry's signature."""

    ir: str
    signature: Signature
    filename: str
