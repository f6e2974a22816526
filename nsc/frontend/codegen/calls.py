"""Function calls: to functions of the translation unit, and to the math library."""

from __future__ import annotations

from llvmlite import ir
from pycparser import c_ast

from nsc.frontend import mathlib
from nsc.frontend.codegen.context import FunctionSymbol, RValue, Variable, did_you_mean
from nsc.frontend.ctypes import (
    DOUBLE,
    FLOAT,
    INT,
    LONG,
    VOID,
    ArrayType,
    CType,
    FloatType,
    FunctionType,
    PointerType,
    VoidType,
)

_C_TYPES: dict[str, CType] = {
    "double": DOUBLE,
    "float": FLOAT,
    "int": INT,
    "long": LONG,
    "int*": PointerType(INT),
}
_INLINE_ABS = ("abs", "labs", "llabs")
# string.h's memory functions: LLVM intrinsics, their byte counts checked against the objects
# a plain name gives (an array, or an entry parameter of known extent)
_MEMORY = {
    "memset": ("llvm.memset.p0.i64", (0,)),  # intrinsic, the pointer arguments written or read
    "memcpy": ("llvm.memcpy.p0.p0.i64", (0, 1)),
}


class CallLowering:
    """Mixin: lower `f(args)`."""

    def expr_FuncCall(self, node: c_ast.FuncCall) -> RValue:
        if not isinstance(node.name, c_ast.ID):
            raise self.error("only direct calls to named functions are supported", node)
        name = node.name.name
        if name in ("asm", "__asm", "__asm__"):
            raise self.error("inline assembly is not supported", node)
        args = list(node.args.exprs) if node.args is not None else []
        symbol = self.scope.lookup(name)
        if isinstance(symbol, Variable):
            raise self.error(f"called object '{name}' is not a function", node.name)
        if name in self.defined_functions and isinstance(symbol, FunctionSymbol):
            return self._call_defined(symbol, args, node)
        math = mathlib.lookup(name)
        if math is not None and (symbol is None or isinstance(symbol, FunctionSymbol)):
            return self._call_math(math, args, node)
        if name in _MEMORY and isinstance(symbol, FunctionSymbol):  # string.h's
            return self._call_memory(symbol, args, node)
        if isinstance(symbol, FunctionSymbol):
            raise self.error(
                f"function '{name}' is declared but never defined; nsc compiles one translation "
                "unit and only math library functions may come from outside",
                node.name,
            )
        if symbol is not None:
            raise self.error(f"called object '{name}' is not a function", node.name)
        candidates = self.scope.visible_names() | set(mathlib.MATH_FUNCTIONS)
        hints = did_you_mean(name, candidates)
        raise self.error(f"call to undeclared function '{name}'", node.name, hints)

    def _arguments(
        self, name: str, params: tuple[CType, ...], args: list[c_ast.Node], node: c_ast.Node
    ) -> list[ir.Value]:
        if len(args) != len(params):
            few = "few" if len(args) < len(params) else "many"
            raise self.error(
                f"too {few} arguments to function '{name}' (expected {len(params)}, have {len(args)})",
                node,
            )
        values = []
        for i, (arg, ptype) in enumerate(zip(args, params, strict=True)):
            rv = self.convert_for_assignment(
                self.rvalue(arg), ptype, arg, f"argument {i + 1} of '{name}'"
            )
            values.append(rv.value)
        return values

    def _call_defined(self, symbol: FunctionSymbol, args: list[c_ast.Node], node) -> RValue:
        ftype = symbol.ctype
        values = self._arguments(symbol.name, ftype.params, args, node)
        result = self.builder.call(self.ir_function(symbol), values)
        self.check_after_call()
        if isinstance(ftype.ret, VoidType):
            return RValue(VOID, None)
        return RValue(ftype.ret, result)

    def _call_math(self, math: mathlib.MathFunc, args: list[c_ast.Node], node) -> RValue:
        ret = _C_TYPES[math.ret]
        params = tuple(_C_TYPES[a] for a in math.args)
        values = self._arguments(math.name, params, args, node)
        if math.name in _INLINE_ABS:
            return self._inline_abs(ret, values[0])
        if math.intrinsic is not None:
            floating = next(t for t in (ret, *params) if isinstance(t, FloatType))
            suffix = ".f32" if floating.bits == 32 else ".f64"
            callee = self._declare(math.intrinsic + suffix, ret, params)
        else:
            callee = self._declare(math.symbol, ret, params)
        return RValue(ret, self.builder.call(callee, values))

    def _call_memory(self, symbol: FunctionSymbol, args: list[c_ast.Node], node) -> RValue:
        """`memset(d, c, n)` and `memcpy(d, s, n)` (non-overlapping, as C requires); they
        return `d`. With checks on, a count past a known object's end traps as an index
        would."""
        intrinsic, pointers = _MEMORY[symbol.name]
        values = self._arguments(symbol.name, symbol.ctype.params, args, node)
        count = values[2]
        for i in pointers:
            extent = self._known_bytes(args[i])
            if extent is not None:
                self.check_bounds(count, extent + 1)  # traps unless count <= extent
        i1, i8 = ir.IntType(1), ir.IntType(8)
        if symbol.name == "memset":
            operands = [values[0], self.builder.trunc(values[1], i8), count]
        else:
            operands = [values[0], values[1], count]
        types = [v.type for v in operands]
        callee = self.module.globals.get(intrinsic)
        if not isinstance(callee, ir.Function):
            callee = ir.Function(
                self.module, ir.FunctionType(ir.VoidType(), [*types, i1]), intrinsic
            )
        self.builder.call(callee, [*operands, ir.Constant(i1, 0)])
        return RValue(symbol.ctype.ret, values[0])

    def _known_bytes(self, arg: c_ast.Node) -> int | None:
        """The bytes the object a plain name denotes is known to span, else None."""
        while isinstance(arg, c_ast.Cast):
            arg = arg.expr
        symbol = self.scope.lookup(arg.name) if isinstance(arg, c_ast.ID) else None
        if not isinstance(symbol, Variable):
            return None
        if isinstance(symbol.ctype, ArrayType) and symbol.ctype.n is not None:
            return symbol.ctype.size
        pointee = symbol.ctype.pointee if isinstance(symbol.ctype, PointerType) else None
        if symbol.bound is not None and pointee is not None and pointee.is_complete:
            return symbol.bound * pointee.size
        return None

    def _inline_abs(self, ctype: CType, value: ir.Value) -> RValue:
        negative = self.builder.icmp_signed("<", value, ir.Constant(value.type, 0))
        return RValue(ctype, self.builder.select(negative, self.builder.neg(value), value))

    def _declare(self, name: str, ret: CType, params: tuple[CType, ...]) -> ir.Function:
        existing = self.module.globals.get(name)
        if isinstance(existing, ir.Function):
            return existing
        return ir.Function(self.module, FunctionType(ret, params).llvm, name)

    def ir_function(self, symbol: FunctionSymbol) -> ir.Function:
        """The LLVM function of a function of this translation unit, created on first use."""
        if symbol.ir_function is None:
            function = ir.Function(self.module, symbol.ctype.llvm, symbol.name)
            if symbol.static:
                function.linkage = "internal"
            symbol.ir_function = function
        return symbol.ir_function
