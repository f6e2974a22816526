"""Calls from compiled code to stdlib.h's heap (`malloc`, `calloc`, `realloc`, `free`) and
integer division (`div`, `ldiv`, `lldiv`, `imaxdiv`).

The heap functions are calls to the C library's own, in clean and instrumented IR alike. With
the oracle's checks on, a request for more than `MAX_HEAP_BYTES` traps 2 before the call
(calloc's count times size compared without wrapping), the call is followed by the after-call
check (the oracle runs these calls through its own allocator, `nsc/ir/heap.py`, which may end
the row: a row's live blocks past its budget, a `free` of something it did not allocate), and
the pointer returned carries the region [p, p + size), empty when p is null, so a pointer
variable set from it is checked as one set from a variable-length array; `free(p)` empties
the region of the variable p (copies of it keep theirs). The divisions are
lowered in place: `sdiv` and `srem` with the checks of the `/` operator, in the result struct.
"""

from __future__ import annotations

from llvmlite import ir
from pycparser import c_ast

from nsc.frontend.codegen.context import FunctionSymbol, Region, RValue, Variable
from nsc.frontend.codegen.instrument import I64, OUT_OF_BOUNDS, SHADOW
from nsc.frontend.ctypes import (
    INT,
    LLONG,
    LONG,
    SIZE_T,
    VOID,
    CType,
    FunctionType,
    PointerType,
    StructType,
)

MAX_HEAP_BYTES = 1 << 26  # one request for more (64 MiB) traps 2 in the oracle
VOID_POINTER = PointerType(VOID)
HEAP: dict[str, FunctionType] = {
    "malloc": FunctionType(VOID_POINTER, (SIZE_T,)),
    "calloc": FunctionType(VOID_POINTER, (SIZE_T, SIZE_T)),
    "realloc": FunctionType(VOID_POINTER, (VOID_POINTER, SIZE_T)),
    "free": FunctionType(VOID, (VOID_POINTER,)),
}
# the operands' type
DIVISIONS: dict[str, CType] = {"div": INT, "ldiv": LONG, "lldiv": LLONG, "imaxdiv": LONG}


class HeapCalls:
    """Mixin: lower calls to the heap functions and to `div`, `ldiv`, `lldiv` and `imaxdiv`."""

    def call_heap(
        self, symbol: FunctionSymbol, args: list[c_ast.Node], node: c_ast.FuncCall
    ) -> RValue:
        """`malloc(n)`, `calloc(count, size)`, `realloc(p, n)`, `free(p)`: the C library's."""
        ftype = HEAP[symbol.name]
        declared = symbol.ctype
        if declared.ret != ftype.ret or (declared.params and declared.params != ftype.params):
            raise self.error(f"conflicting types for built-in function '{symbol.name}'", node)
        values = self._arguments(symbol.name, ftype.params, args, node)
        callee = self._declare(symbol.name, ftype.ret, ftype.params)
        if symbol.name == "free":
            self.builder.call(callee, values)
            self.check_after_call()  # the oracle's allocator: not a block it gave out
            self._forget_region(args[0])
            return RValue(VOID, None)
        size = self._requested_bytes(symbol.name, values)
        pointer = self.builder.call(callee, values)
        self.check_after_call()  # the oracle's allocator: the row's budget
        return RValue(VOID_POINTER, pointer, self._heap_region(pointer, size))

    def _forget_region(self, arg: c_ast.Node) -> None:
        """After `free(p)`, p a pointer variable with a shadow: an empty region, so a read or
        write through p traps 2 until p is set again."""
        while isinstance(arg, c_ast.Cast):
            arg = arg.expr
        symbol = self.scope.lookup(arg.name) if isinstance(arg, c_ast.ID) else None
        if isinstance(symbol, Variable) and symbol.shadow is not None:
            for slot in (symbol.shadow.lo, symbol.shadow.hi):
                self.builder.store(ir.Constant(I64, 0), slot)

    def _requested_bytes(self, name: str, values: list[ir.Value]) -> ir.Value | None:
        """With checks on, trap 2 unless the request is at most `MAX_HEAP_BYTES`; the bytes
        requested (None without checks)."""
        if not self.instrument:
            return None
        b = self.builder
        most = ir.Constant(I64, MAX_HEAP_BYTES)
        if name != "calloc":
            size = values[-1]
            self._trap_if(b.icmp_unsigned(">", size, most, name=SHADOW), OUT_OF_BOUNDS, "heap")
            return size
        count, each = values
        # count * each > most, without wrapping: each > most / count, for a count of 1 or more
        none = b.icmp_unsigned("==", count, ir.Constant(I64, 0), name=SHADOW)
        divisor = b.select(none, ir.Constant(I64, 1), count, name=SHADOW)
        over = b.icmp_unsigned(">", each, b.udiv(most, divisor, name=SHADOW), name=SHADOW)
        too_many = b.select(none, ir.Constant(ir.IntType(1), 0), over, name=SHADOW)
        self._trap_if(too_many, OUT_OF_BOUNDS, "heap")
        return b.mul(count, each, name=SHADOW)

    def _heap_region(self, pointer: ir.Value, size: ir.Value | None) -> Region | None:
        """The region of a block just allocated: [p, p + size), or empty for a null p."""
        if size is None:
            return None
        b = self.builder
        first = b.ptrtoint(pointer, I64, name=SHADOW)
        null = b.icmp_unsigned("==", first, ir.Constant(I64, 0), name=SHADOW)
        room = b.select(null, ir.Constant(I64, 0), size, name=SHADOW)
        return Region(first, 0, b.add(first, room, name=SHADOW))

    def call_division(
        self, symbol: FunctionSymbol, args: list[c_ast.Node], node: c_ast.FuncCall
    ) -> RValue:
        """`div(n, d)`, `ldiv`, `lldiv`, `imaxdiv`: `{n / d, n % d}` computed in place, the divisor
        checked as the `/` operator's (status 3 for zero, and for the type's minimum over -1)."""
        operand = DIVISIONS[symbol.name]
        result = symbol.ctype.ret
        fields = result.fields if isinstance(result, StructType) else []
        if [name for name, _ in fields] != ["quot", "rem"] or any(t != operand for _, t in fields):
            raise self.error(f"conflicting types for built-in function '{symbol.name}'", node)
        numerator, denominator = self._arguments(symbol.name, (operand, operand), args, node)
        self.check_division(numerator, denominator, signed=True)
        b = self.builder
        quotient = b.sdiv(numerator, denominator)
        remainder = b.srem(numerator, denominator)
        value = b.insert_value(ir.Constant(result.llvm, ir.Undefined), quotient, 0)
        return RValue(result, b.insert_value(value, remainder, 1))
