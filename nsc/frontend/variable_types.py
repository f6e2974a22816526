"""Variably modified C types (C99 6.7.5.2): arrays whose length is known only as the code runs.

`double t[n][m]`, `double (*row)[m]` and a parameter `double a[n][m]` all have rows of type
`double[m]`: a `VariableArrayType` whose `length` is the i64 value that the declaration
computed where it ran (C fixes an array type's length there, C99 6.7.5.2p2). In a prototype
the length is not known (`[*]`, or a parameter's `[m]` before the body runs): `length` is None.
Lengths are not part of a type's identity: two variable arrays of one element type are equal,
as C makes them compatible (a mismatch at run time is undefined behavior).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from llvmlite import ir

from nsc.diagnostics import CompileError, SourceLocation
from nsc.frontend.ctypes import ArrayType, CType, PointerType


@dataclass(frozen=True)
class VariableArrayType(ArrayType):
    """An array of `length` elements (an i64 computed as the code runs; None in a prototype);
    `text` spells the length for messages. Its size is a run-time value, so `size` and `llvm`
    raise: code that handles these types asks `variable_bytes` and GEPs over the elements."""

    length: ir.Value | None = field(default=None, compare=False, hash=False, repr=False)
    text: str = field(default="*", compare=False)

    @property
    def llvm(self) -> ir.Type:
        raise TypeError(f"variable-length array '{self}' has no LLVM type")

    @property
    def size(self) -> int:
        raise TypeError(f"variable-length array '{self}' has no constant size")

    @property
    def is_complete(self) -> bool:
        return True

    @property
    def dim_text(self) -> str:
        return self.text


def is_variably_sized(ctype: CType) -> bool:
    """Whether objects of `ctype` have a size known only as the code runs: a variable-length
    array, or an array of a known count of them."""
    if isinstance(ctype, VariableArrayType):
        return True
    return isinstance(ctype, ArrayType) and ctype.n is not None and is_variably_sized(ctype.elem)


def is_variably_modified(ctype: CType) -> bool:
    """Whether a type has a variable-length array anywhere in its declarator: `double[n]`,
    `double (*)[m]`, `double[][m]` (C99 6.7.5p3)."""
    while isinstance(ctype, ArrayType | PointerType):
        if isinstance(ctype, VariableArrayType):
            return True
        ctype = ctype.elem if isinstance(ctype, ArrayType) else ctype.pointee
    return False


def variable_indexing(ctype: CType) -> bool:
    """Whether subscripting an array of type `ctype` needs a length or an element size known
    only as the code runs."""
    if isinstance(ctype, VariableArrayType):
        return True
    return isinstance(ctype, ArrayType) and is_variably_sized(ctype.elem)


def fixed_element(ctype: CType) -> CType:
    """The first element type of constant size inside a variably sized array type."""
    while is_variably_sized(ctype):
        ctype = ctype.elem
    return ctype


def first_variable_length(ctype: CType) -> str | None:
    """How the outermost variable length in a variably modified type is spelled (`m`)."""
    while isinstance(ctype, ArrayType | PointerType):
        if isinstance(ctype, VariableArrayType):
            return ctype.text
        ctype = ctype.elem if isinstance(ctype, ArrayType) else ctype.pointee
    return None


def refuse_in_entry(name: str, declared: CType, where: SourceLocation) -> None:
    """An entry parameter cannot have a variable inner dimension: the oracle and the
    surrogate pass arrays of one fixed shape, so the entry declares that shape and hands the
    variable view to a helper. (A variable outermost length alone is what a shape pragma
    bounds: signature_rules.py says so.)"""
    inner = declared.elem if isinstance(declared, ArrayType) else declared
    if isinstance(inner, PointerType):
        inner = inner.pointee
    length = first_variable_length(inner)
    if length is None:
        return
    raise CompileError(
        f"parameter '{name}' of the entry has a variable inner dimension ('{length}'), known "
        "only as it runs; the entry's arrays have one fixed shape, which the oracle passes",
        where,
        (
            "declare the fixed shape and pass it on to a helper that takes the variable "
            "dimensions, e.g. 'void f(double a[4][4]) { g(4, 4, a); }'",
        ),
    )
