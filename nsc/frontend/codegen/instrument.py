"""The oracle's instrumentation protocol: fuel, bounds and division checks, trap unwinding.

See docs/architecture.md, "Instrumentation protocol". Nothing here is emitted unless the
generator runs with `instrument=True`.
"""

from __future__ import annotations

from llvmlite import ir

from nsc.frontend.ctypes import CType, FloatType, PointerType, VoidType

FUEL = "__nsc_fuel"
TRAP = "__nsc_trap"
OUT_OF_FUEL, OUT_OF_BOUNDS, DIVISION = 1, 2, 3

I32 = ir.IntType(32)
I64 = ir.IntType(64)


def zero_value(ctype: CType) -> ir.Constant:
    """A zero of any C type (the value a trapped function returns)."""
    if isinstance(ctype, FloatType):
        return ir.Constant(ctype.llvm, 0.0)
    if isinstance(ctype, PointerType):
        return ir.Constant(ctype.llvm, None)
    return ir.Constant(ctype.llvm, None) if not ctype.is_scalar else ir.Constant(ctype.llvm, 0)


def return_zero(builder: ir.IRBuilder, ret: CType) -> None:
    if isinstance(ret, VoidType):
        builder.ret_void()
    else:
        builder.ret(zero_value(ret))


def declare_globals(module: ir.Module) -> None:
    for name, ltype in ((FUEL, I64), (TRAP, I32)):
        var = ir.GlobalVariable(module, ltype, name)
        var.type = ir.PointerType()
        var.initializer = ir.Constant(ltype, 0)


class Instrumentation:
    """Mixin: emit the checks into the function being lowered (`self.fn`, `self.builder`)."""

    def _trap_block(self, status: int) -> ir.Block:
        block = self.fn.trap_blocks.get(status)
        if block is None:
            block = self.fn.function.append_basic_block(f"trap.{status}")
            builder = ir.IRBuilder(block)
            builder.store(ir.Constant(I32, status), self.module.get_global(TRAP))
            return_zero(builder, self.fn.ctype.ret)
            self.fn.trap_blocks[status] = block
        return block

    def _unwind_block(self) -> ir.Block:
        if self.fn.unwind_block is None:
            block = self.fn.function.append_basic_block("unwind")
            return_zero(ir.IRBuilder(block), self.fn.ctype.ret)
            self.fn.unwind_block = block
        return self.fn.unwind_block

    def _trap_if(self, condition: ir.Value, status: int, label: str) -> None:
        ok = self.fn.function.append_basic_block(f"{label}.ok")
        self.builder.cbranch(condition, self._trap_block(status), ok)
        self.builder.position_at_end(ok)

    def check_fuel(self) -> None:
        """Decrement the fuel counter; trap 1 when it goes negative."""
        if not self.instrument:
            return
        fuel = self.module.get_global(FUEL)
        left = self.builder.sub(self.builder.load(fuel, typ=I64), ir.Constant(I64, 1))
        self.builder.store(left, fuel)
        self._trap_if(self.builder.icmp_signed("<", left, ir.Constant(I64, 0)), OUT_OF_FUEL, "fuel")

    def check_bounds(self, index: ir.Value, count: int) -> None:
        """Trap 2 unless 0 <= index < count (index is an i64 holding a signed value)."""
        if not self.instrument:
            return
        outside = self.builder.icmp_unsigned(">=", index, ir.Constant(index.type, count))
        self._trap_if(outside, OUT_OF_BOUNDS, "bounds")

    def check_division(self, lhs: ir.Value, rhs: ir.Value, signed: bool) -> None:
        """Trap 3 on a zero divisor, and on INT_MIN / -1 for signed division."""
        if not self.instrument:
            return
        ltype = rhs.type
        bad = self.builder.icmp_unsigned("==", rhs, ir.Constant(ltype, 0))
        if signed:
            int_min = ir.Constant(ltype, -(1 << (ltype.width - 1)))
            minus_one = self.builder.icmp_signed("==", rhs, ir.Constant(ltype, -1))
            overflow = self.builder.and_(self.builder.icmp_signed("==", lhs, int_min), minus_one)
            bad = self.builder.or_(bad, overflow)
        self._trap_if(bad, DIVISION, "div")

    def check_after_call(self) -> None:
        """After a call into module code: return at once if the callee trapped."""
        if not self.instrument:
            return
        status = self.builder.load(self.module.get_global(TRAP), typ=I32)
        trapped = self.builder.icmp_unsigned("!=", status, ir.Constant(I32, 0))
        ok = self.fn.function.append_basic_block("call.ok")
        self.builder.cbranch(trapped, self._unwind_block(), ok)
        self.builder.position_at_end(ok)
