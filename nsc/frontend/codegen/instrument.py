"""The oracle's instrumentation protocol: fuel, bounds and division checks, trap unwinding.

See docs/architecture.md, "Instrumentation protocol". Nothing here is emitted unless the
generator runs with `instrument=True`.
"""

from __future__ import annotations

import re

from llvmlite import ir

from nsc.frontend.codegen.context import LValue, Region, Shadow, opaque
from nsc.frontend.ctypes import CType, FloatType, FunctionType, PointerType, VoidType
from nsc.frontend.variable_types import is_variably_sized

FUEL = "__nsc_fuel"
TRAP = "__nsc_trap"
TRAP_BLOCK = "__nsc.trap"  # + ".<status>"; no C name lowers to a name with this prefix
UNWIND_BLOCK = "__nsc.unwind"
SHADOW = "__nsc.shadow"  # names every value and slot of the pointers' dynamic bounds
OUT_OF_FUEL, OUT_OF_BOUNDS, DIVISION = 1, 2, 3
ASSERTION = 6  # 4 and 5 are the sandbox's: a crash, a timeout
EXIT, ABORT = 7, 8  # `exit`, `_Exit` or `quick_exit` called; `abort` called

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


def declare_globals(module: ir.Module, define: bool = True) -> None:
    """The fuel and trap globals; `define=False` declares them (another unit defines them)."""
    for name, ltype in ((FUEL, I64), (TRAP, I32)):
        var = ir.GlobalVariable(module, ltype, name)
        var.type = ir.PointerType()
        if define:
            var.initializer = ir.Constant(ltype, 0)


class Instrumentation:
    """Mixin: emit the checks into the function being lowered (`self.fn`, `self.builder`)."""

    def _trap_block(self, status: int) -> ir.Block:
        block = self.fn.trap_blocks.get(status)
        if block is None:
            block = self.fn.function.append_basic_block(f"{TRAP_BLOCK}.{status}")
            builder = ir.IRBuilder(block)
            builder.store(ir.Constant(I32, status), self.module.get_global(TRAP))
            return_zero(builder, self.fn.ctype.ret)
            self.fn.trap_blocks[status] = block
        return block

    def _unwind_block(self) -> ir.Block:
        if self.fn.unwind_block is None:
            block = self.fn.function.append_basic_block(UNWIND_BLOCK)
            return_zero(ir.IRBuilder(block), self.fn.ctype.ret)
            self.fn.unwind_block = block
        return self.fn.unwind_block

    def _trap_if(self, condition: ir.Value, status: int, label: str) -> None:
        ok = self._next_block(f"{label}.ok")
        self.builder.cbranch(condition, self._trap_block(status), ok)
        self.builder.position_at_end(ok)

    def end_row(self, status: int, label: str) -> None:
        """Where the program calls `exit` or `abort`: with checks, store `status` and return
        (the callers unwind); without, `unreachable`. The code after it goes on in a block of
        its own, which nothing reaches."""
        if self.instrument:
            self.builder.branch(self._trap_block(status))
        else:
            self.builder.unreachable()
        self.builder.position_at_end(self._next_block(f"{label}.after"))

    def _next_block(self, name: str) -> ir.Block:
        """A block placed right after the current one, where the code goes on after a check:
        the blocks are laid out as without checks, so `strip_checks` can join them again."""
        blocks = self.fn.function.blocks
        return self.fn.function.insert_basic_block(blocks.index(self.builder.block) + 1, name)

    def check_fuel(self) -> None:
        """Decrement the fuel counter; trap 1 when it goes negative."""
        if not self.instrument:
            return
        fuel = self.module.get_global(FUEL)
        left = self.builder.sub(self.builder.load(fuel, typ=I64), ir.Constant(I64, 1))
        self.builder.store(left, fuel)
        self._trap_if(self.builder.icmp_signed("<", left, ir.Constant(I64, 0)), OUT_OF_FUEL, "fuel")

    def check_bounds(self, index: ir.Value, count: int, before: int = 0) -> None:
        """Trap 2 unless -before <= index < count (index is an i64 holding a signed value)."""
        if not self.instrument:
            return
        if before:
            index = self.builder.add(index, ir.Constant(index.type, before))
            count += before
        outside = self.builder.icmp_unsigned(">=", index, ir.Constant(index.type, count))
        self._trap_if(outside, OUT_OF_BOUNDS, "bounds")

    def check_span(self, offset: ir.Value, count: ir.Value, extent: int | ir.Value) -> None:
        """Trap 2 unless `count` bytes from `offset` fit in `extent` bytes (i64 operands)."""
        if not self.instrument:
            return
        limit = extent if isinstance(extent, ir.Value) else ir.Constant(offset.type, extent)
        room = self.builder.sub(limit, offset)
        outside = self.builder.or_(
            self.builder.icmp_unsigned(">", offset, limit),
            self.builder.icmp_unsigned(">", count, room),
        )
        self._trap_if(outside, OUT_OF_BOUNDS, "bounds")

    def check_region(self, address: ir.Value, ctype: CType, region: Region | None) -> None:
        """Trap 2 unless an object of type `ctype` at `address` lies in `region`: a read or
        write through a pointer whose object is known only as it runs (see `Region`)."""
        if not self.instrument or region is None or not _sized(ctype):
            return
        if is_variably_sized(ctype):  # a row of `double (*p)[m]`: its size as it runs
            self.check_region_bytes(address, self.variable_bytes(ctype, SHADOW), region)
            return
        self.check_region_bytes(address, ir.Constant(I64, ctype.size), region)

    def check_region_bytes(self, address: ir.Value, size: ir.Value, region: Region) -> None:
        """Trap 2 unless the `size` bytes (an i64) at `address` lie in `region`."""
        if not self.instrument:
            return
        b = self.builder
        lo, hi = self.region_bounds(region)
        offset = b.sub(b.ptrtoint(address, I64, name=SHADOW), lo, name=SHADOW)
        room = b.sub(hi, lo, name=SHADOW)
        left = b.sub(room, offset, name=SHADOW)
        outside = b.or_(
            b.icmp_unsigned(">", offset, room, name=SHADOW),
            b.icmp_unsigned(">", size, left, name=SHADOW),
            name=SHADOW,
        )
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
        ok = self._next_block("call.ok")
        self.builder.cbranch(trapped, self._unwind_block(), ok)
        self.builder.position_at_end(ok)

    # --- dynamic bounds: the regions of pointers that move -----------------------------------
    #
    # A pointer value carries the `Region` of the object it points into where that is known
    # (a named object, an array or member in one, a pointer of static bound, and what `+`,
    # `-` and casts make of them); a local pointer variable without a static bound keeps its
    # value's region in a `Shadow`. All of it is named `SHADOW...`, so `strip_checks` deletes
    # it with the checks, and none of it is emitted without `instrument`.

    def region_bounds(self, region: Region) -> tuple[ir.Value, ir.Value]:
        """The i64 first and end addresses of a region."""
        b = self.builder
        base = region.base
        if isinstance(base.type, ir.PointerType):
            base = b.ptrtoint(base, I64, name=SHADOW)
        lo = b.add(base, ir.Constant(I64, region.start), name=SHADOW) if region.start else base
        end = region.end
        if not isinstance(end, ir.Value):
            end = b.add(base, ir.Constant(I64, end), name=SHADOW)
        return lo, end

    def object_region(self, address: ir.Value, ctype: CType) -> Region | None:
        """The region of a whole object of type `ctype` at `address` (None: size not known)."""
        if not self.instrument or not _sized(ctype):
            return None
        return Region(address, 0, ctype.size)

    def loaded_region(self, target: LValue, value: ir.Value) -> Region | None:
        """The region of the pointer `value` just loaded from `target`: what its shadow holds,
        or what its static bound says (`before` elements back to `bound` on); else None."""
        if not self.instrument or not isinstance(target.ctype, PointerType):
            return None
        if target.shadow is not None:
            b = self.builder
            lo = b.load(target.shadow.lo, typ=I64, name=SHADOW)
            return Region(lo, 0, b.load(target.shadow.hi, typ=I64, name=SHADOW))
        pointee = target.ctype.pointee
        if target.bound is None or not _sized(pointee):
            return None
        return Region(value, -target.before * pointee.size, target.bound * pointee.size)

    def new_shadow(self, name: str) -> Shadow:
        """The slots of a pointer variable's region, set to 'not known' where the function
        starts: a `switch` may jump past the declaration, and nothing may be left undefined."""
        entry = self.fn.alloca_builder
        slots = []
        for part, unknown in (("lo", 0), ("hi", -1)):
            slot = opaque(entry.alloca(I64, name=f"{SHADOW}.{name}.{part}"))
            entry.store(ir.Constant(I64, unknown), slot)
            slots.append(slot)
        return Shadow(*slots)

    def store_region(self, shadow: Shadow, region: Region | None) -> None:
        """Keep a pointer variable's shadow in step with the value just stored to it: its
        region, or 'not known' (0 to 2**64 - 1: every check through it passes)."""
        if region is None:
            lo, hi = ir.Constant(I64, 0), ir.Constant(I64, -1)
        else:
            lo, hi = self.region_bounds(region)
        self.builder.store(lo, shadow.lo)
        self.builder.store(hi, shadow.hi)

    def merged_region(
        self, arms: list[tuple[Region | None, ir.Block]], merge: ir.Block
    ) -> Region | None:
        """The region of `c ? p : q` (pointers): the arms' regions, joined in `merge` by phis.
        Each arm's block ends in its branch to `merge`; the bounds go just before it."""
        if not self.instrument or all(region is None for region, _ in arms):
            return None
        incoming = []
        for region, block in arms:
            self.builder.position_before(block.terminator)
            if region is None:
                incoming.append((ir.Constant(I64, 0), ir.Constant(I64, -1), block))
            else:
                incoming.append((*self.region_bounds(region), block))
        self.builder.position_at_end(merge)
        lo = self.builder.phi(I64, name=SHADOW)
        hi = self.builder.phi(I64, name=SHADOW)
        for first, end, block in incoming:
            lo.add_incoming(first, block)
            hi.add_incoming(end, block)
        return Region(lo, 0, hi)


def _sized(ctype: CType) -> bool:
    """Whether a pointee has a size an access through the pointer can be checked against."""
    return ctype.is_complete and not isinstance(ctype, VoidType | FunctionType)


_NAME = r"[-\w.$]+"
# Each check ends in a branch to a trap or unwind block, or on to the block right after it.
_FUEL_CHECK = re.compile(
    rf"^  (%{_NAME}) = load i64, ptr @{FUEL}, align 8\n"
    rf"  (%{_NAME}) = sub i64 \1, 1\n"
    rf"  store i64 \2, ptr @{FUEL}, align 8\n"
    rf"  (%{_NAME}) = icmp slt i64 \2, 0\n"
    rf"  br i1 \3, label %__nsc\.[\w.]+, label %({_NAME})$",
    re.M,
)
_CALL_CHECK = re.compile(
    rf"^  (%{_NAME}) = load i32, ptr @{TRAP}, align 4\n"
    rf"  (%{_NAME}) = icmp ne i32 \1, 0\n"
    rf"  br i1 \2, label %__nsc\.[\w.]+, label %({_NAME})$",
    re.M,
)
_CHECK_BRANCH = re.compile(rf"^  br i1 %{_NAME}, label %__nsc\.[\w.]+, label %({_NAME})$", re.M)
_END_ROW = re.compile(r"^  br label %__nsc\.trap\.\d+$", re.M)  # `exit`, `abort`: `end_row`
_EXIT_BLOCK = re.compile(r"^__nsc\.[\w.]+:.*\n(?:  .*\n)*\n?", re.M)
_GLOBAL = re.compile(rf"^@(?:{FUEL}|{TRAP}) = .*\n", re.M)
_SHADOW_LINE = re.compile(  # a value of the dynamic bounds, or a store to a shadow slot
    rf"^  (?:%{re.escape(SHADOW)}[-\w.$]* = |store .*, ptr %{re.escape(SHADOW)}[-\w.$]*, ).*\n",
    re.M,
)
_JOIN = "\n  ;__nsc.join "  # stands where a check was, naming the block the code goes on in
_LABEL = re.compile(rf"^({_NAME}):", re.M)
_PHI_LABEL = re.compile(rf"%({_NAME}) \]")


def strip_checks(text: str) -> str | None:
    """The clean IR of a module, from LLVM's printing of its instrumented IR; or None.

    Fuel and after-call checks are deleted, and so is all of pointers' dynamic bounds (values
    and slots named `SHADOW...`); bounds and division checks lose their branch (their other
    conditions are left dead for the optimizer); the block each check goes on in is joined to
    the one before it (`_next_block` put it right there), and phis name that one instead; the
    branch where a call to `exit` or `abort` ends the row is `unreachable`; trap and unwind
    blocks and the protocol globals go. So the blocks are the clean lowering's, and
    after the optimizer and `canonicalize` so is the text (tests check generated programs and
    the examples), at a fraction of the cost of lowering again. None when anything of the
    protocol is left over (say, a C program that names something `__nsc...`): lower it clean.
    """
    text = _SHADOW_LINE.sub("", text)
    text = _FUEL_CHECK.sub(rf"{_JOIN[1:]}\4", text)
    text = _CALL_CHECK.sub(rf"{_JOIN[1:]}\3", text)
    text = _CHECK_BRANCH.sub(rf"{_JOIN[1:]}\1", text)
    text = _END_ROW.sub("  unreachable", text)
    text = _GLOBAL.sub("", _EXIT_BLOCK.sub("", text))
    if _JOIN in text:
        text = _join_blocks(text)
    return None if "__nsc" in text else text


def _join_blocks(text: str) -> str:
    """Append each block that a `_JOIN` line names to the block the line ends."""
    out: list[str] = []
    function: list[int] = []  # indices in `out` of the current function's blocks
    renames: dict[str, str] = {}
    current = ""
    for chunk in text.split("\n\n"):  # LLVM prints a blank line between blocks
        join = out[-1].rfind(_JOIN) if out else -1
        label = _LABEL.search(chunk)
        if join >= 0 and label and label.start() == 0:
            if out[-1][join + len(_JOIN) :] != label.group(1):
                return text  # not the expected layout: the caller lowers clean
            renames[label.group(1)] = current
            out[-1] = out[-1][:join] + chunk[chunk.find("\n") :]
        else:
            if label:
                current = label.group(1)
            function.append(len(out))
            out.append(chunk)
        if out[-1].rstrip("\n").rpartition("\n")[2] == "}":  # the function's end
            _rename_phis(out, function, renames)
            function, renames = [], {}
    return "\n\n".join(out)


def _rename_phis(blocks: list[str], indices: list[int], renames: dict[str, str]) -> None:
    """Make the phis in `blocks[i]` (i in `indices`) name joined blocks by their new names."""
    if not renames:
        return

    def label(match: re.Match) -> str:
        return f"%{renames.get(match[1], match[1])} ]"

    for i in indices:
        if " = phi " in blocks[i]:
            blocks[i] = _PHI_LABEL.sub(label, blocks[i])
