"""Expressions: names, literals, unary operators, casts, assignment, ternary, indexing (members:
members.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from llvmlite import ir
from pycparser import c_ast

from nsc.frontend.codegen.context import (
    EnumConstant,
    FunctionSymbol,
    LValue,
    RValue,
    Typedef,
    Variable,
    did_you_mean,
    opaque,
)
from nsc.frontend.codegen.conversions import (
    assignment_problem,
    bool_to_int,
    cast,
    conditional_pointer_type,
    promote,
    truth,
    usual_arithmetic,
)
from nsc.frontend.codegen.strings import FUNCTION_NAMES
from nsc.frontend.complextypes import is_complex
from nsc.frontend.ctypes import (
    INT,
    VOID,
    ArrayType,
    CType,
    FloatType,
    FunctionType,
    IntType,
    PointerType,
    StructType,
    VoidType,
)
from nsc.frontend.variable_types import is_variably_sized, variable_indexing

if TYPE_CHECKING:
    from nsc.frontend.codegen.initializers import InitTree

Result = RValue | LValue
I32 = ir.IntType(32)


class ExpressionLowering:
    """Mixin: lower expressions to values (RValue) or objects in memory (LValue)."""

    def expr(self, node: c_ast.Node) -> Result:
        method = getattr(self, f"expr_{type(node).__name__}", None)
        if method is None:
            raise self.error(f"unsupported expression ({type(node).__name__})", node)
        return method(node)

    def rvalue(self, node: c_ast.Node) -> RValue:
        return self.load(self.expr(node), node)

    def load(self, result: Result, node: c_ast.Node) -> RValue:
        """The value of an expression: loads objects, decays arrays to pointers."""
        if isinstance(result, RValue):
            return result
        if result.bitfield is not None:
            return self.load_bitfield(result)
        ctype = result.ctype
        if isinstance(ctype, ArrayType):
            return RValue(PointerType(ctype.elem), result.address, result.region)
        if isinstance(ctype, FunctionType):  # a function designator is its address
            return RValue(PointerType(ctype), result.address)
        if not ctype.is_complete:
            raise self.error(f"incomplete type '{ctype}' cannot be used as a value", node)
        value = self.builder.load(result.address, typ=ctype.llvm)
        return RValue(ctype.qualified(False), value, self.loaded_region(result, value))

    def lvalue(self, node: c_ast.Node, action: str) -> LValue:
        result = self.expr(node)
        if not isinstance(result, LValue) or result.temporary:
            raise self.error(f"expression is not assignable ({action} needs an lvalue)", node)
        return result

    def modifiable(self, node: c_ast.Node, action: str) -> LValue:
        """An lvalue that may be written: not const, not an array."""
        target = self.lvalue(node, action)
        if isinstance(target.ctype, ArrayType):
            raise self.error(f"array type '{target.ctype}' is not assignable", node)
        if isinstance(target.ctype, FunctionType):
            raise self.error(f"function '{target.ctype}' is not assignable", node)
        if target.ctype.const or _has_const_member(target.ctype):
            what = f"variable '{node.name}'" if isinstance(node, c_ast.ID) else "read-only location"
            raise self.error(
                f"cannot assign to {what} with const-qualified type '{target.ctype}'", node
            )
        return target

    def convert_for_assignment(self, rv: RValue, to: CType, node: c_ast.Node, what: str) -> RValue:
        """Implicit conversion of a value to a target type (assignment, argument, return)."""
        if isinstance(rv.ctype, VoidType):
            raise self.error(f"void value not ignored as it ought to be in {what}", node)
        problem = assignment_problem(to, rv.ctype, is_null_constant(rv))
        if problem:
            raise self.error(f"{problem} in {what}", node)
        return cast(self.builder, rv, to.qualified(False))

    def store(self, target: LValue, rv: RValue) -> RValue:
        """Store a value of the target's type; the value the object then holds (a bit-field
        holds it truncated to its width)."""
        self.check_writable(target)
        if target.bitfield is not None:
            return self.store_bitfield(target, rv)
        self.builder.store(rv.value, target.address)
        if target.shadow is not None:
            self.store_region(target.shadow, rv.region)
        return rv

    # --- names and literals -------------------------------------------------------------

    def expr_ID(self, node: c_ast.ID) -> Result:
        symbol = self.scope.lookup(node.name)
        if isinstance(symbol, Variable):
            if symbol.length is not None:  # a variable-length array
                return LValue(
                    symbol.ctype, symbol.address, region=symbol.region, length=symbol.length
                )
            return LValue(
                symbol.ctype,
                symbol.address,
                symbol.bound,
                symbol.before,
                symbol.element_bound,
                region=self.object_region(symbol.address, symbol.ctype),
                shadow=symbol.shadow,
            )
        if isinstance(symbol, EnumConstant):
            return RValue(symbol.ctype, ir.Constant(symbol.ctype.llvm, symbol.value))
        if isinstance(symbol, FunctionSymbol):
            return self.function_designator(node.name, symbol, node)
        if isinstance(symbol, Typedef):
            raise self.error(f"unexpected type name '{node.name}'", node)
        if symbol is None and node.name in FUNCTION_NAMES and self.fn is not None:
            return self.function_name(node.name)  # strings.py
        raise self.undeclared(node)

    def undeclared(self, node: c_ast.ID):
        hints = did_you_mean(node.name, self.scope.visible_names())
        return self.error(f"use of undeclared identifier '{node.name}'", node, hints)

    def expr_Constant(self, node: c_ast.Constant) -> Result:
        if node.type == "string":
            return self.string_literal(node)
        ctype, value = self.const_eval(node)
        return RValue(ctype, ir.Constant(ctype.llvm, value))

    # --- unary operators ----------------------------------------------------------------

    def expr_UnaryOp(self, node: c_ast.UnaryOp) -> Result:
        op = node.op
        if op in ("sizeof", "_Alignof"):
            measured = self.variable_sizeof(node.expr) if op == "sizeof" else None
            if measured is not None:
                return measured
            ctype, value = self.const_eval(node)
            return RValue(ctype, ir.Constant(ctype.llvm, value))
        if op in ("++", "--", "p++", "p--"):
            return self._increment(node)
        if op == "&":
            return self._address_of(node)
        if op == "*":
            subscript = self._as_subscript(node)
            if subscript is not None:
                return self.expr_ArrayRef(subscript)
            target = self.dereference(self.rvalue(node.expr), node)
            self.check_region(target.address, target.ctype, target.region)
            return target
        operand = self.rvalue(node.expr)
        if op == "!":
            bit = truth(self.builder, self.scalar(operand, node.expr))
            return bool_to_int(self.builder, self.builder.not_(bit))
        if is_complex(operand.ctype):  # complex.py
            return self.complex_unary(op, operand, node)
        if not operand.ctype.is_arithmetic or (op == "~" and not operand.ctype.is_integer):
            raise self.error(f"invalid argument type '{operand.ctype}' to unary '{op}'", node)
        ptype = promote(operand.ctype)
        value = cast(self.builder, operand, ptype).value
        if op == "+":
            return RValue(ptype, value)
        if op == "-":
            neg = (
                self.builder.fneg(value)
                if isinstance(ptype, FloatType)
                else self.builder.neg(value)
            )
            return RValue(ptype, neg)
        if op == "~":
            return RValue(ptype, self.builder.not_(value))
        raise self.error(f"unsupported unary operator '{op}'", node)

    def sizeof_operand(self, node: c_ast.Node, op: str = "sizeof") -> CType:
        """The type sizeof (or _Alignof) measures; expressions are typed without emitting
        any code."""
        if isinstance(node, c_ast.Typename) and op == "_Alignof" and getattr(self, "fn", None):
            with self.prototype_sizes([]):  # an alignment needs no length: none is evaluated
                ctype = self.resolve_typename(node)
        elif isinstance(node, c_ast.Typename):
            ctype = self.resolve_typename(node)
        elif getattr(self, "fn", None) is None:
            ctype = self.static_type(node)
            self.refuse_bitfield_operand(node, op)
        else:
            result = self._result_without_code(node)
            if isinstance(result, LValue) and result.bitfield is not None:
                raise self.error(f"'{op}' applied to a bit-field", node)
            ctype = result.ctype
        if isinstance(ctype, FunctionType):
            raise self.error(f"invalid application of '{op}' to function type '{ctype}'", node)
        if not ctype.is_complete:
            raise self.error(f"invalid application of '{op}' to incomplete type '{ctype}'", node)
        if op == "sizeof" and is_variably_sized(ctype):  # what `variable_sizeof` does not measure
            raise self.error(
                f"the size of '{ctype}' is known only as the code runs, and nsc measures it "
                "only for a named array, an element of one, `*p`, `p[i]` or a type name",
                node,
            )
        return ctype

    def _type_without_code(self, node: c_ast.Node) -> CType:
        return self._result_without_code(node).ctype

    def _result_without_code(self, node: c_ast.Node) -> Result:
        """What an expression lowers to, in a scratch block thrown away with its code."""
        function = self.fn.function
        entry = self.fn.alloca_builder.block
        saved_allocas = len(entry.instructions)  # a spilled temporary adds one
        saved_block = self.builder.block
        saved_blocks = len(function.blocks)
        saved_traps = dict(self.fn.trap_blocks)
        saved_unwind = self.fn.unwind_block
        saved_strings = self.string_mark()
        self.builder.position_at_end(self.new_block("sizeof.scratch"))
        try:
            return self.expr(node)
        finally:
            self.forget_strings(saved_strings)
            del function.blocks[saved_blocks:]
            del entry.instructions[saved_allocas:]
            self.fn.trap_blocks = saved_traps
            self.fn.unwind_block = saved_unwind
            self.builder.position_at_end(saved_block)

    def _as_subscript(self, node: c_ast.UnaryOp) -> c_ast.ArrayRef | None:
        """`*(p + i)` as the `p[i]` C defines it to be, so the oracle checks its bounds as it
        checks the subscript's; None for any other operand (or types that do not fit: a
        subtraction, or a sum that is not a pointer or array and an integer, keeps its own
        lowering and messages)."""
        sum_ = node.expr
        if (
            not isinstance(sum_, c_ast.BinaryOp)
            or sum_.op != "+"
            or getattr(self, "fn", None) is None
        ):
            return None
        base, index = sum_.left, sum_.right
        base_type, index_type = self._type_without_code(base), self._type_without_code(index)
        if isinstance(index_type, ArrayType | PointerType):  # `*(i + p)`
            base, index, base_type, index_type = index, base, index_type, base_type
        if not (isinstance(base_type, ArrayType | PointerType) and index_type.is_integer):
            return None
        if isinstance(base_type, PointerType) and not base_type.pointee.is_complete:
            return None  # `void *` and the like: the dereference says what is wrong
        return c_ast.ArrayRef(base, index, coord=node.coord)

    def _address_of(self, node: c_ast.UnaryOp) -> RValue:
        if isinstance(node.expr, c_ast.ArrayRef):
            # `&a[n]` is `a + n`: one past the end is a valid address as long as nothing reads it
            target = self.expr_ArrayRef(node.expr, one_past=True)
        elif isinstance(node.expr, c_ast.UnaryOp) and node.expr.op == "*":
            # `&*e` is `e`: nothing is read, so `&*(p + n)` may point one past the end
            target = self.dereference(self.rvalue(node.expr.expr), node.expr)
        else:
            target = self.lvalue(node.expr, "'&'")
        self.refuse_bitfield_address(target.bitfield, node)
        return RValue(PointerType(target.ctype), target.address, target.region)

    def dereference(self, pointer: RValue, node: c_ast.Node) -> LValue:
        if not isinstance(pointer.ctype, PointerType):
            raise self.error(
                f"indirection requires a pointer operand ('{pointer.ctype}' invalid)", node
            )
        pointee = pointer.ctype.pointee
        if isinstance(pointee, VoidType):
            raise self.error("dereferencing a 'void *' pointer", node)
        return LValue(pointee, pointer.value, region=pointer.region)

    def _increment(self, node: c_ast.UnaryOp) -> RValue:
        target = self.modifiable(node.expr, f"'{node.op.lstrip('p')}'")
        old = self.load(target, node.expr)
        one = RValue(INT, ir.Constant(I32, 1))
        op = "+" if "+" in node.op else "-"
        if not old.ctype.is_scalar:
            raise self.error(f"cannot increment a value of type '{old.ctype}'", node)
        new = self.binary(op, old, one, node)
        new = cast(self.builder, new, target.ctype.qualified(False))
        new = self.store(target, new)
        return old if node.op.startswith("p") else new

    # --- casts, assignment, conditional, comma --------------------------------------------

    def expr_Cast(self, node: c_ast.Cast) -> RValue:
        with self.evaluated_sizes():  # `(double (*)[m])p`: `m` is evaluated here
            to = self.resolve_typename(node.to_type).qualified(False)
        if isinstance(to, VoidType):  # `(void)printf(...)`: the value is not used
            self.mark_discarded(node.expr)
        value = self.rvalue(node.expr)
        if isinstance(to, VoidType):
            return RValue(VOID, None)
        src = value.ctype
        if is_complex(to) or is_complex(src):  # complex.py
            return self.complex_cast(value, to, node)
        legal = to.is_scalar and src.is_scalar
        if isinstance(to, PointerType) and isinstance(src, FloatType):
            legal = False
        if isinstance(src, PointerType) and isinstance(to, FloatType):
            legal = False
        if isinstance(to, StructType) and to == src:
            return value
        if not legal:
            raise self.error(f"cannot cast '{src}' to '{to}'", node)
        return cast(self.builder, value, to)

    def expr_Assignment(self, node: c_ast.Assignment) -> RValue:
        target = self.modifiable(node.lvalue, "assignment")
        if node.op == "=":
            value = self.rvalue(node.rvalue)
        else:
            current = self.load(target, node.lvalue)
            value = self.binary(node.op[:-1], current, self.rvalue(node.rvalue), node)
        value = self.convert_for_assignment(value, target.ctype, node, "assignment")
        return self.store(target, value)

    def expr_TernaryOp(self, node: c_ast.TernaryOp) -> RValue:
        cond = truth(self.builder, self.scalar(self.rvalue(node.cond), node.cond))
        then_block, else_block = self.new_block("cond.true"), self.new_block("cond.false")
        merge = self.new_block("cond.end")
        self.builder.cbranch(cond, then_block, else_block)
        self.builder.position_at_end(then_block)
        then_value, then_end = self.rvalue(node.iftrue), self.builder.block
        self.builder.position_at_end(else_block)
        else_value, else_end = self.rvalue(node.iffalse), self.builder.block
        ctype = self._conditional_type(then_value, else_value, node)
        incoming = []
        for value, block in ((then_value, then_end), (else_value, else_end)):
            self.builder.position_at_end(block)
            if not isinstance(ctype, VoidType):
                incoming.append((cast(self.builder, value, ctype), self.builder.block))
            self.builder.branch(merge)
        self.builder.position_at_end(merge)
        if isinstance(ctype, VoidType):
            return RValue(VOID, None)
        phi = self.builder.phi(ctype.llvm)
        for value, block in incoming:
            phi.add_incoming(value.value, block)
        if not isinstance(ctype, PointerType):
            return RValue(ctype, phi)
        arms = [(value.region, block) for value, block in incoming]
        return RValue(ctype, phi, self.merged_region(arms, merge))

    def _conditional_type(self, a: RValue, b: RValue, node: c_ast.Node) -> CType:
        ta, tb = a.ctype, b.ctype
        if is_complex(ta) or is_complex(tb):  # complex.py
            return self.complex_conditional(ta, tb, node)
        if ta.is_arithmetic and tb.is_arithmetic:
            return usual_arithmetic(ta, tb)
        if isinstance(ta, VoidType) and isinstance(tb, VoidType):
            return VOID
        pointer = conditional_pointer_type(a, b)
        if pointer is not None:
            return pointer
        if isinstance(ta, StructType) and ta == tb:
            return ta
        raise self.error(f"incompatible operand types in conditional ('{ta}' and '{tb}')", node)

    def expr_ExprList(self, node: c_ast.ExprList) -> RValue:
        result = RValue(VOID, None)
        for item in node.exprs[:-1]:
            self.mark_discarded(item)  # `(printf(...), x)`: only the last value is used
        for item in node.exprs:
            result = self.rvalue(item)
        return result

    # --- indexing and members -------------------------------------------------------------

    def expr_ArrayRef(self, node: c_ast.ArrayRef, one_past: bool = False) -> LValue:
        """`a[i]`; with `one_past`, only its address is wanted and `i` may be one past the end."""
        base = self.expr(node.name)
        index = self.rvalue(node.subscript)
        if not index.ctype.is_integer and base.ctype.is_integer:
            base, index = index, self.load(base, node.name)
        if not index.ctype.is_integer:
            raise self.error(f"array subscript is not an integer ('{index.ctype}')", node.subscript)
        offset = self.index_value(index)
        if isinstance(base, LValue) and isinstance(base.ctype, ArrayType):
            if base.length is not None or variable_indexing(base.ctype):
                return self.variable_array_element(base, offset, one_past)
            array = base.ctype
            if array.n is not None:
                self.check_bounds(offset, array.n + one_past)
            zero = ir.Constant(ir.IntType(64), 0)
            address = opaque(
                self.builder.gep(base.address, [zero, offset], source_etype=array.llvm)
            )
            # a pointer element: its bound; an element of a multidimensional array lies in the
            # whole array, so `&m[0][0]` may walk all of `m`
            return LValue(array.elem, address, base.element_bound, region=base.region)
        pointer = self.load(base, node.name)
        if not isinstance(pointer.ctype, PointerType):
            raise self.error(
                f"subscripted value is not an array or pointer ('{pointer.ctype}')", node
            )
        static = isinstance(base, LValue) and base.bound is not None
        if static:
            self.check_bounds(offset, base.bound + one_past, base.before)
        pointee = pointer.ctype.pointee
        if isinstance(pointee, VoidType):
            raise self.error("subscript of a 'void *' pointer", node)
        if is_variably_sized(pointee):  # `row[i]` for `double (*row)[m]`
            return self.variable_row(pointer, offset, one_past or static)
        address = self.element_address(pointer, offset, node)
        if not (static or one_past):  # a pointer that moves: checked against its object
            self.check_region(address, pointee, pointer.region)
        return LValue(pointee, address, region=pointer.region)

    def expr_InitList(self, node: c_ast.InitList):
        raise self.error("initializer lists are only allowed in declarations", node)

    def expr_CompoundLiteral(self, node: c_ast.CompoundLiteral) -> LValue:
        """`(T){...}` in a function: an unnamed object of the block, initialized where the
        expression is evaluated (each time, in a loop)."""
        if getattr(self, "fn", None) is None:
            raise self.error("compound literals at file scope are not supported", node)
        ctype, tree = self.compound_literal(node)
        slot = self.alloca(ctype, "literal")
        self.store_initializer(LValue(ctype.qualified(False), slot), tree)
        return LValue(ctype, slot, region=self.object_region(slot, ctype))

    def compound_literal(self, node: c_ast.CompoundLiteral) -> tuple[CType, InitTree]:
        """A compound literal's type (an array's length counted from its initializer) and its
        initializer tree."""
        ctype = self.resolve_typename(node.type)
        if isinstance(ctype, VoidType | FunctionType) or (
            not ctype.is_complete and not isinstance(ctype, ArrayType)
        ):
            raise self.error(f"compound literal has incomplete type '{ctype}'", node)
        tree = self.init_tree(ctype, node.init)
        if isinstance(ctype, ArrayType) and ctype.n is None:
            ctype = ArrayType(ctype.elem, self.array_length(tree), const=ctype.const)
        return ctype, tree


def is_null_constant(rv: RValue) -> bool:
    """An integer constant zero (a null pointer constant)."""
    return (
        isinstance(rv.ctype, IntType)
        and isinstance(rv.value, ir.Constant)
        and rv.value.constant == 0
    )


def _has_const_member(ctype: CType) -> bool:
    if not isinstance(ctype, StructType):
        return False
    return any(t.const or _has_const_member(t) for _, t in ctype.fields)
