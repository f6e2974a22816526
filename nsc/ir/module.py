"""The IR module every pass and the graph builder take: LLVM IR text with a lazily parsed ModuleRef.

An `IRModule` is a value: passes never mutate the module they are given, they return a new one.
It holds the IR as text, as an `llvmlite.binding.ModuleRef`, or both, and converts on demand, so a
chain of LLVM passes hands refs along without printing, and a Python pass that edits text pays for
one parse when the next pass needs a ref. `ref` belongs to the module: a pass that changes IR in
place works on `module.clone_ref()`.
"""

from __future__ import annotations

import llvmlite.binding as llvm

from nsc.diagnostics import NscError

_initialized = False


def init_llvm() -> None:
    """Initialize the native target once (llvmlite 0.50: `llvm.initialize()` must not be called)."""
    global _initialized
    if _initialized:
        return
    llvm.initialize_native_target()
    llvm.initialize_native_asmprinter()
    _initialized = True


class IRError(NscError):
    """IR that does not parse or does not verify."""


class IRModule:
    """LLVM IR as text and/or a parsed ModuleRef; each form is produced from the other on demand."""

    __slots__ = ("_text", "_ref")

    def __init__(self, text: str | None = None, *, ref: llvm.ModuleRef | None = None):
        if text is None and ref is None:
            raise ValueError("IRModule needs text or a ModuleRef")
        self._text = text
        self._ref = ref

    @classmethod
    def of(cls, ir: str | IRModule) -> IRModule:
        """Wrap IR text, or pass an IRModule through."""
        if isinstance(ir, IRModule):
            return ir
        if not isinstance(ir, str):
            raise TypeError(f"expected LLVM IR text or an IRModule, got {type(ir).__name__}")
        return cls(ir)

    @classmethod
    def from_ref(cls, ref: llvm.ModuleRef) -> IRModule:
        """Take ownership of a ModuleRef (the caller must not change it afterwards)."""
        return cls(ref=ref)

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = str(self._ref)
        return self._text

    @property
    def ref(self) -> llvm.ModuleRef:
        """The parsed module; read it, never change it (use `clone_ref`)."""
        if self._ref is None:
            self._ref = parse_ir(self.text)
        return self._ref

    def clone_ref(self) -> llvm.ModuleRef:
        """A private copy of the parsed module, free to transform in place."""
        return self.ref.clone()

    def verify(self) -> None:
        """Raise IRError if the module is not valid LLVM IR."""
        try:
            self.ref.verify()
        except RuntimeError as exc:
            raise IRError(f"invalid LLVM IR: {str(exc).strip()}") from None

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"IRModule({len(self.text)} chars)"


def parse_ir(text: str) -> llvm.ModuleRef:
    """Parse LLVM IR text, turning LLVM's parse error into an IRError."""
    init_llvm()
    try:
        return llvm.parse_assembly(text)
    except RuntimeError as exc:
        raise IRError(f"LLVM IR does not parse: {str(exc).strip()}") from None
