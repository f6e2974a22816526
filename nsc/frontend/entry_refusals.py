"""Types an entry function cannot take or return, each refused with a located error: a union
(its bytes mean one member or another) and a struct ending in a flexible array member (no fixed
number of values), or a struct or array holding one. (Long double, complex numbers and
bit-fields have their refusals beside their own code.)"""

from __future__ import annotations

from nsc.diagnostics import CompileError, SourceLocation
from nsc.frontend.ctypes import ArrayType, CType, StructType, UnionType


def refuse_flexible(ctype: CType, where: SourceLocation, what: str) -> None:
    """A struct ending in a flexible array member (or one holding such a struct) has no fixed
    number of values: its elements live past the struct, as many as malloc gave room for."""
    member = _flexible_in(ctype, "")
    if member is not None:
        raise CompileError(
            f"{what} has type '{ctype}', which ends in the flexible array member '{member}': "
            "a surrogate's inputs and outputs have a fixed number of values",
            where,
            ("pass the elements as an array of fixed size (say 'const double c[8]')",),
        )


def _flexible_in(ctype: CType, place: str) -> str | None:
    if isinstance(ctype, ArrayType):
        if ctype.n == 0:
            return place or "[]"
        return _flexible_in(ctype.elem, f"{place}[0]")
    if isinstance(ctype, StructType):
        for name, ftype in ctype.fields:
            found = _flexible_in(ftype, f"{place}.{name or '<anonymous>'}".lstrip("."))
            if found is not None:
                return found
    return None


def refuse_union(ctype: CType, where: SourceLocation, what: str) -> None:
    """A union (or a struct or array holding one) is no surrogate input or output: its bytes
    mean one member or another, as the code last wrote them, not one number each."""
    found = _union_in(ctype, "")
    if found is None:
        return
    union, place = found
    if not place:
        holds = f"is a union ('{ctype}')"
    elif not place.replace("[0]", ""):
        holds = f"is an array of unions ('{ctype}')"
    else:
        holds = f"has type '{ctype}', which holds a union ('{place}', of type '{union}')"
    raise CompileError(
        f"{what} {holds}: a surrogate's inputs and outputs are numbers with one meaning, "
        "and a union's bytes have several",
        where,
        ("pass the member it is used as (say 'float x') and fill the union inside the function",),
    )


def _union_in(ctype: CType, place: str) -> tuple[UnionType, str] | None:
    """The first union in a value of `ctype`, and the member path (`v[0].u`) that reaches it."""
    if isinstance(ctype, UnionType):
        return ctype, place
    if isinstance(ctype, ArrayType):
        return _union_in(ctype.elem, f"{place}[0]")
    if isinstance(ctype, StructType):
        for name, ftype in ctype.fields:
            found = _union_in(ftype, f"{place}.{name or '<anonymous>'}".lstrip("."))
            if found is not None:
                return found
    return None
