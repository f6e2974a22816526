"""Statements: blocks, if, loops, switch, break/continue, goto and labels, return."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field

from llvmlite import ir
from pycparser import c_ast

from nsc.diagnostics import CompileError
from nsc.frontend.caseranges import CaseRange
from nsc.frontend.codegen.context import Scope
from nsc.frontend.codegen.conversions import cast, promote, truth
from nsc.frontend.codegen.switchlabels import (
    CaseLabel,
    CaseLabels,
    RangeCase,
    add_label,
    emit_range_checks,
)
from nsc.frontend.ctypes import CType, IntType, VoidType


@dataclass
class SwitchState:
    instruction: ir.SwitchInstr
    ctype: IntType
    end: ir.Block
    labels: CaseLabels = field(default_factory=CaseLabels)
    ranges: list[RangeCase] = field(default_factory=list)  # GNU case ranges too large for cases
    has_default: bool = False


class StatementLowering:
    """Mixin: lower statements into the current function."""

    def new_block(self, name: str) -> ir.Block:
        return self.fn.function.append_basic_block(name)

    @contextmanager
    def new_scope(self):
        self.scope = Scope(self.scope)
        try:
            yield self.scope
        finally:
            self.scope = self.scope.parent

    def stmt(self, node: c_ast.Node) -> None:
        self.statement = node
        if self.builder.block.is_terminated:
            self.builder.position_at_end(self.new_block("dead"))
        method = getattr(self, f"stmt_{type(node).__name__}", None)
        if method is not None:
            method(node)
        else:
            self.discard(node)  # an expression statement

    def stmt_Compound(self, node: c_ast.Compound) -> None:
        with self.new_scope():
            self.block_items(node)

    def block_items(self, node: c_ast.Compound) -> None:
        for item in node.block_items or []:
            self.stmt(item)

    def stmt_Decl(self, node: c_ast.Decl) -> None:
        self.local_decl(node)

    def stmt_DeclList(self, node: c_ast.DeclList) -> None:
        for decl in node.decls:
            self.local_decl(decl)

    def stmt_Typedef(self, node: c_ast.Typedef) -> None:
        self.declare_typedef(node)

    def stmt_EmptyStatement(self, node: c_ast.EmptyStatement) -> None:
        return None

    def stmt_Pragma(self, node: c_ast.Pragma) -> None:
        return None

    def stmt_StaticAssert(self, node: c_ast.StaticAssert) -> None:
        self.static_assert(node)

    def stmt_Goto(self, node: c_ast.Goto) -> None:
        """A jump to a label of the function. One back to a label already lowered may close a
        loop, so it spends fuel as a loop's back edge does; a cycle of jumps always has one,
        since code is lowered in source order and only those and loops go back."""
        self.fn.gotos.setdefault(node.name, node)
        if node.name in self.fn.placed:
            self.check_fuel()
        self.builder.branch(self._label_block(node.name))

    def stmt_Label(self, node: c_ast.Label) -> None:
        if node.name in self.fn.placed:
            raise self.error(f"redefinition of label '{node.name}'", node)
        self.fn.placed.add(node.name)
        block = self._label_block(node.name)
        if not self.builder.block.is_terminated:
            self.builder.branch(block)
        self.builder.position_at_end(block)
        if node.stmt is not None:
            self.stmt(node.stmt)

    def _label_block(self, name: str) -> ir.Block:
        if name not in self.fn.labels:
            self.fn.labels[name] = self.new_block(f"label.{name}")
        return self.fn.labels[name]

    def check_labels(self) -> None:
        """At the end of a function: every label a goto names is defined in it."""
        for name, node in self.fn.gotos.items():
            if name not in self.fn.placed:
                raise self.error(f"label '{name}' used but not defined", node)

    def condition(self, node: c_ast.Node) -> ir.Value:
        return truth(self.builder, self.scalar(self.rvalue(node), node))

    def stmt_If(self, node: c_ast.If) -> None:
        cond = self.condition(node.cond)
        then_block, end = self.new_block("if.then"), self.new_block("if.end")
        else_block = self.new_block("if.else") if node.iffalse is not None else end
        self.builder.cbranch(cond, then_block, else_block)
        self._lower_into(then_block, node.iftrue, end)
        if node.iffalse is not None:
            self._lower_into(else_block, node.iffalse, end)
        self.builder.position_at_end(end)

    def _lower_into(self, block: ir.Block, body: c_ast.Node | None, then: ir.Block) -> None:
        self.builder.position_at_end(block)
        if body is not None:
            self.stmt(body)
        if not self.builder.block.is_terminated:
            self.builder.branch(then)

    def _loop_body(self, block: ir.Block, body, end: ir.Block, latch: ir.Block) -> None:
        self.fn.break_targets.append(end)
        self.fn.continue_targets.append(latch)
        try:
            self._lower_into(block, body, latch)
        finally:
            self.fn.break_targets.pop()
            self.fn.continue_targets.pop()

    def _back_edge(self, latch: ir.Block, target: ir.Block, step: c_ast.Node | None = None) -> None:
        self.builder.position_at_end(latch)
        if step is not None:
            self.discard(step)
        self.check_fuel()
        self.builder.branch(target)

    def stmt_While(self, node: c_ast.While) -> None:
        cond_block, body, latch, end = self._loop_blocks("while")
        self.builder.branch(cond_block)
        self.builder.position_at_end(cond_block)
        self.builder.cbranch(self.condition(node.cond), body, end)
        self._loop_body(body, node.stmt, end, latch)
        self._back_edge(latch, cond_block)
        self.builder.position_at_end(end)

    def stmt_DoWhile(self, node: c_ast.DoWhile) -> None:
        cond_block, body, latch, end = self._loop_blocks("do")
        self.builder.branch(body)
        self._loop_body(body, node.stmt, end, cond_block)
        self.builder.position_at_end(cond_block)
        self.builder.cbranch(self.condition(node.cond), latch, end)
        self._back_edge(latch, body)
        self.builder.position_at_end(end)

    def stmt_For(self, node: c_ast.For) -> None:
        with self.new_scope():
            if isinstance(node.init, c_ast.DeclList):
                self.stmt_DeclList(node.init)
            elif node.init is not None:
                self.discard(node.init)
            cond_block, body, latch, end = self._loop_blocks("for")
            self.builder.branch(cond_block)
            self.builder.position_at_end(cond_block)
            if node.cond is not None:
                self.builder.cbranch(self.condition(node.cond), body, end)
            else:
                self.builder.branch(body)
            self._loop_body(body, node.stmt, end, latch)
            self._back_edge(latch, cond_block, node.next)
            self.builder.position_at_end(end)

    def _loop_blocks(self, kind: str) -> tuple[ir.Block, ir.Block, ir.Block, ir.Block]:
        names = ("cond", "body", "latch", "end")
        return tuple(self.new_block(f"{kind}.{name}") for name in names)  # type: ignore[return-value]

    def stmt_Break(self, node: c_ast.Break) -> None:
        if not self.fn.break_targets:
            raise self.error("'break' statement not in a loop or switch", node)
        self.builder.branch(self.fn.break_targets[-1])

    def stmt_Continue(self, node: c_ast.Continue) -> None:
        if not self.fn.continue_targets:
            raise self.error("'continue' statement not in a loop", node)
        self.builder.branch(self.fn.continue_targets[-1])

    def stmt_Return(self, node: c_ast.Return) -> None:
        ret: CType = self.fn.ctype.ret
        if node.expr is None:
            if not isinstance(ret, VoidType):
                raise self.error(f"non-void function '{self.fn.name}' should return a value", node)
            self.builder.ret_void()
            return
        value = self.rvalue(node.expr)
        if isinstance(ret, VoidType):
            if not isinstance(value.ctype, VoidType):
                raise self.error(f"void function '{self.fn.name}' should not return a value", node)
            self.builder.ret_void()
            return
        value = self.convert_for_assignment(value, ret, node.expr, "return")
        self.builder.ret(value.value)

    def stmt_Switch(self, node: c_ast.Switch) -> None:
        value = self.rvalue(node.cond)
        if not value.ctype.is_integer:
            raise self.error(f"switch quantity is not an integer ('{value.ctype}')", node.cond)
        ctype = promote(value.ctype)
        assert isinstance(ctype, IntType)
        end = self.new_block("switch.end")
        instruction = self.builder.switch(cast(self.builder, value, ctype).value, end)
        state = SwitchState(instruction, ctype, end)
        self.switches.append(state)
        self.fn.break_targets.append(end)
        try:
            self.builder.position_at_end(self.new_block("switch.body"))
            self.stmt(node.stmt)
            if not self.builder.block.is_terminated:
                self.builder.branch(end)
        finally:
            self.fn.break_targets.pop()
            self.switches.pop()
        if state.ranges:
            emit_range_checks(self.fn.function, instruction, state.ranges, end)
        self.builder.position_at_end(end)

    def _case_block(self, name: str, node: c_ast.Node) -> tuple[SwitchState, ir.Block]:
        if not self.switches:
            raise self.error(f"'{name}' label not within a switch statement", node)
        block = self.new_block(f"switch.{name}")
        if not self.builder.block.is_terminated:
            self.builder.branch(block)
        self.builder.position_at_end(block)
        return self.switches[-1], block

    def stmt_Case(self, node: c_ast.Case) -> None:
        """`case E:`, or GNU C's `case LO ... HI:` (see switchlabels.py)."""
        expr = node.expr
        bounds = (expr.lo, expr.hi) if isinstance(expr, CaseRange) else (expr,)
        values = [self.const_int(bound, "case label") for bound in bounds]
        state, block = self._case_block("case", node)
        label = CaseLabel(state.ctype.wrap(values[0]), state.ctype.wrap(values[-1]), expr)
        earlier = state.labels.clash(label)
        if earlier is not None:
            raise self._duplicate_case(label, earlier)
        state.labels.add(label)
        large = add_label(state.instruction, label, block)
        if large is not None:
            state.ranges.append(large)
        for item in node.stmts or []:
            self.stmt(item)

    def _duplicate_case(self, label: CaseLabel, earlier: CaseLabel) -> CompileError:
        """gcc's error for a label that repeats or overlaps an earlier one."""
        if not label.is_range and not earlier.is_range:
            return self.error(f"duplicate case value {label}", label.node)
        what = "duplicate (or overlapping)" if label.is_range else "duplicate"
        line = self.location(earlier.node).line
        return self.error(
            f"{what} case value {label}",
            label.node,
            (f"it overlaps 'case {earlier}' (line {line})",),
        )

    def stmt_Default(self, node: c_ast.Default) -> None:
        state, block = self._case_block("default", node)
        if state.has_default:
            raise self.error("multiple default labels in one switch", node)
        state.has_default = True
        state.instruction.default = block
        for item in node.stmts or []:
            self.stmt(item)
