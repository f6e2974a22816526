"""Function calls: to functions of the translation unit, and to the math library."""

from __future__ import annotations

from llvmlite import ir
from pycparser import c_ast

from nsc.diagnostics import CompileError
from nsc.frontend import mathlib
from nsc.frontend.codegen.context import FunctionSymbol, LValue, RValue, Variable, did_you_mean
from nsc.frontend.codegen.conversions import cast
from nsc.frontend.codegen.instrument import ABORT, ASSERTION, OUT_OF_BOUNDS
from nsc.frontend.complextypes import COMPLEX_FUNCTIONS
from nsc.frontend.ctypes import (
    DOUBLE,
    FLOAT,
    INT,
    LONG,
    LONG_DOUBLE,
    SIZE_T,
    VOID,
    ArrayType,
    CType,
    FloatType,
    FunctionType,
    PointerType,
    VoidType,
)
from nsc.frontend.preprocess import system_header

MATH_TYPES: dict[str, CType] = {
    "double": DOUBLE,
    "float": FLOAT,
    "int": INT,
    "long": LONG,
    "int*": PointerType(INT),
    "double*": PointerType(DOUBLE),
    "float*": PointerType(FLOAT),
    "long double": LONG_DOUBLE,
    "long double*": PointerType(LONG_DOUBLE),
}
_INLINE_ABS = ("abs", "labs", "llabs", "imaxabs")
# gcc folds pow(x, -1) with a constant exponent to 1 / x even at -O0 (and calls pow otherwise);
# glibc's pow(x, -1.0) is not always the correctly rounded 1 / x, so nsc folds it as gcc does
_POW = ("pow", "powf", "powl")
ASSERT_BUILTIN = "__nsc_assert"  # what assert.h's `assert` expands to
# the names users write for the functions nsc's headers expand them to
_SPELLED = {"__errno_location": "errno", "__nsc_va_start": "va_start", "__nsc_va_arg": "va_arg"}
_SPELLED.update({"__nsc_va_end": "va_end", "__nsc_va_copy": "va_copy"})
# string.h's memory functions: LLVM intrinsics, their byte counts checked against the objects
# a plain name gives (an array, or an entry parameter of known extent), or else against the
# region a pointer argument carries
_MEMORY = {
    "memset": ("llvm.memset.p0.i64", (0,)),  # intrinsic, the pointer arguments written or read
    "memcpy": ("llvm.memcpy.p0.p0.i64", (0, 1)),
    "memmove": ("llvm.memmove.p0.p0.i64", (0, 1)),
}
_VOIDP, _CONST_VOIDP = PointerType(VOID), PointerType(VOID.qualified(True))
_MEMORY_TYPES = {  # string.h's prototypes, for `__builtin_memcpy` without the header
    "memset": FunctionType(_VOIDP, (_VOIDP, INT, SIZE_T)),
    "memcpy": FunctionType(_VOIDP, (_VOIDP, _CONST_VOIDP, SIZE_T)),
    "memmove": FunctionType(_VOIDP, (_VOIDP, _CONST_VOIDP, SIZE_T)),
}


class CallLowering:
    """Mixin: lower `f(args)`."""

    def expr_FuncCall(self, node: c_ast.FuncCall) -> RValue:
        if isinstance(node.name, c_ast.GenericSelection):  # <tgmath.h>: call the selected one
            node = c_ast.FuncCall(self.through_generic(node.name), node.args, node.coord)
        if not isinstance(node.name, c_ast.ID):
            return self._call_pointer(node)
        name = node.name.name
        if name in ("asm", "__asm", "__asm__"):
            raise self.error("inline assembly is not supported", node)
        args = list(node.args.exprs) if node.args is not None else []
        symbol = self.scope.lookup(name)
        if name == ASSERT_BUILTIN and symbol is None:
            return self._call_assert(args, node)
        if self.is_offsetof(node):
            return RValue(SIZE_T, ir.Constant(SIZE_T.llvm, self.offset_of(node)))
        special = self.special_float(node)  # constants.py: infinities, NaNs
        if special is not None:
            return RValue(special[0], ir.Constant(special[0].llvm, special[1]))
        if name.startswith("__builtin_") and symbol is None:
            return self._call_builtin(name, args, node)
        if isinstance(symbol, Variable):
            return self._call_pointer(node)
        if isinstance(symbol, FunctionSymbol):
            strings = self.call_string_function(symbol, args, node)  # strcalls.py
            if strings is not None:
                return strings
        if isinstance(symbol, FunctionSymbol) and self._in_program(symbol):
            return self._call_defined(symbol, args, node)
        if name in COMPLEX_FUNCTIONS and (symbol is None or isinstance(symbol, FunctionSymbol)):
            return self.call_complex(name, args, node)  # complex.py
        math = mathlib.lookup(name)
        if math is not None and (symbol is None or isinstance(symbol, FunctionSymbol)):
            return self._call_math(math, args, node)
        if name in _MEMORY and isinstance(symbol, FunctionSymbol):  # string.h's
            return self._call_memory(symbol, args, node)
        if isinstance(symbol, FunctionSymbol):
            library = self.call_library(symbol, args, node)  # libcalls.py: exits, printing
            if library is not None:
                return library
            raise self._outside_call(symbol, node.name)
        if symbol is not None:
            raise self.error(f"called object '{name}' is not a function", node.name)
        candidates = self.scope.visible_names() | set(mathlib.MATH_FUNCTIONS)
        hints = did_you_mean(name, candidates)
        raise self.error(f"call to undeclared function '{name}'", node.name, hints)

    def _call_pointer(self, node: c_ast.FuncCall) -> RValue:
        """A call through a function pointer: `fp(x)`, `(*fp)(x)`, `ops[k](x)`."""
        callee = self.rvalue(node.name)
        ftype = callee.ctype.pointee if isinstance(callee.ctype, PointerType) else None
        if not isinstance(ftype, FunctionType):
            raise self.error(
                f"called object type '{callee.ctype}' is not a function or function pointer",
                node.name,
            )
        if ftype.variadic:
            raise self.error(
                "calls through a pointer to a variadic function are not supported", node
            )
        what = node.name.name if isinstance(node.name, c_ast.ID) else "the called function"
        args = list(node.args.exprs) if node.args is not None else []
        values = self._arguments(what, ftype.params, args, node)
        result = self.builder.call(_Callee(callee.value, ftype.llvm), values)
        self.check_after_call()
        if isinstance(ftype.ret, VoidType):
            return RValue(VOID, None)
        return RValue(ftype.ret, result)

    def function_designator(self, name: str, symbol: FunctionSymbol, node: c_ast.Node) -> LValue:
        """A function named as a value (`fp = f`, `&f`, a table of them): its address. A
        math function's is the C library's own (direct calls use LLVM's intrinsics)."""
        if self._in_program(symbol):
            function, ftype = self.ir_function(symbol), symbol.ctype
        else:
            math = mathlib.lookup(name)
            if math is None:
                raise self._outside_call(symbol, node, "used in")
            ret, params = MATH_TYPES[math.ret], tuple(MATH_TYPES[a] for a in math.args)
            function, ftype = self._declare(math.name, ret, params), FunctionType(ret, params)
        return LValue(ftype, ir.FormattedConstant(ir.PointerType(), function.get_reference()))

    def _call_builtin(self, name: str, args: list[c_ast.Node], node: c_ast.FuncCall) -> RValue:
        """GNU's builtins that numeric code uses: `__builtin_expect(e, c)` is `e` (a long),
        `__builtin_sqrt(x)` and the like are the math functions, `__builtin_memcpy` and the
        like string.h's (`__builtin_inf()` and the other constants: constants.py)."""
        if name == "__builtin_expect":
            if len(args) != 2:
                raise self.error("__builtin_expect takes a value and the value it expects", node)
            value = self.rvalue(args[0])
            if not value.ctype.is_integer:
                raise self.error(f"__builtin_expect needs an integer, not '{value.ctype}'", node)
            self.rvalue(args[1])
            return cast(self.builder, value, LONG)
        if name == "__builtin_complex":  # complex.py
            return self.builtin_complex(args, node)
        hint = self._call_hint(name, args, node)
        if hint is not None:
            return hint
        chosen = self.chosen_expression(node)  # constants.py: choose_expr, constant_p
        if chosen is not None:
            return self.expr(chosen)
        known = self.constant_p(node)
        if known is not None:
            return RValue(INT, ir.Constant(INT.llvm, known))
        bits = self.call_bit_builtin(name, args, node)  # popcount, clz, ctz, ffs, bswap...
        if bits is not None:
            return bits
        classified = self.call_float_builtin(name, args, node)  # isnan, signbit, isless...
        if classified is not None:
            return classified
        checked = self.call_overflow_builtin(name, args, node)  # add_overflow, smull_overflow...
        if checked is not None:
            return checked
        memory = _MEMORY_TYPES.get(name.removeprefix("__builtin_"))
        if memory is not None:
            symbol = FunctionSymbol(
                name.removeprefix("__builtin_"), memory, False, self.location(node)
            )
            return self._call_memory(symbol, args, node)
        math = mathlib.lookup(name.removeprefix("__builtin_"))
        if math is None:
            raise self.error(f"builtin function '{name}' is not supported", node.name)
        return self._call_math(math, args, node)

    def _call_hint(self, name: str, args: list[c_ast.Node], node: c_ast.FuncCall) -> RValue | None:
        """The builtins that tell the compiler something: `__builtin_trap()` ends the row as
        `abort` does, `__builtin_unreachable()` as a failed `assert` (status 6: gcc leaves a
        program that reaches it undefined; the clean IR has `unreachable`, an assumption for
        the optimizer), `__builtin_prefetch(p, ...)` evaluates `p`, and
        `__builtin_assume_aligned(p, align, ...)` is `p` as a `void *`. None for any other
        call."""
        if name in ("__builtin_trap", "__builtin_unreachable"):
            if args:
                raise self.error(f"{name} takes no arguments", node)
            trap = name == "__builtin_trap"
            self.end_row(ABORT if trap else ASSERTION, "trap" if trap else "unreachable")
            return RValue(VOID, None)
        counts = {"__builtin_prefetch": (1, 3), "__builtin_assume_aligned": (2, 3)}.get(name)
        if counts is None:
            return None
        if not counts[0] <= len(args) <= counts[1]:
            raise self.error(
                f"{name} takes {counts[0]} to {counts[1]} arguments, got {len(args)}", node
            )
        pointer = self.rvalue(args[0])
        if not isinstance(pointer.ctype, PointerType):
            raise self.error(f"{name} takes a pointer, not '{pointer.ctype}'", args[0])
        for arg in args[1:]:
            self.const_int(arg, f"an argument of {name} after the pointer")
        if name == "__builtin_prefetch":
            return RValue(VOID, None)
        return RValue(_VOIDP, pointer.value, pointer.region)

    def _call_assert(self, args: list[c_ast.Node], node: c_ast.FuncCall) -> RValue:
        """`assert(condition)` (nsc's assert.h): the oracle gives a row where the condition is
        false the status `assertion`; clean code evaluates the condition and goes on."""
        if len(args) != 1:
            raise self.error("assert takes one condition", node)
        holds = self.condition(_without_message(args[0]))
        if self.instrument:
            self._trap_if(self.builder.not_(holds), ASSERTION, "assert")
        return RValue(VOID, None)

    def _outside_call(
        self, symbol: FunctionSymbol, node: c_ast.Node, verb: str = "called from"
    ) -> CompileError:
        """The error for compiled code calling (or taking the address of) a function defined
        outside the file."""
        header = system_header(symbol.location.file)
        if symbol.name == "__errno_location":  # `errno`, which is read, not called
            verb = "used in"
        if header is None:
            return self.error(
                f"function '{symbol.name}' is declared but never defined; only math library "
                "functions may come from outside the program's files",
                node,
                (f"name the file that defines '{symbol.name}' too: nscc {self.filename} FILE.c",),
            )
        entry = f"'{self.entry}'" if self.entry else "the entry function"
        if self.entry == "main":
            hint = "name the function to compile with --entry NAME or '#pragma nsc entry(NAME)'"
        else:
            hint = (
                f"keep strings, files and the environment in main or in functions {entry} "
                "does not call: nsc does not compile those"
            )
        return self.error(
            f"'{_SPELLED.get(symbol.name, symbol.name)}' (from <{header}>) cannot be {verb} "
            "compiled code: nsc compiles "
            f"{entry} and the functions it calls, which may use only math.h, ctype.h, string.h "
            "(but strerror), malloc, calloc, realloc and free, div, ldiv, lldiv and imaxdiv, "
            "qsort and bsearch, rand and srand, exit and abort, and printing (which prints "
            "nothing) of the C library, and call those only directly",
            node,
            (hint,),
        )

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
        ret = MATH_TYPES[math.ret]
        params = tuple(MATH_TYPES[a] for a in math.args)
        values = self._arguments(math.name, params, args, node)
        if math.name in _INLINE_ABS:
            return self._inline_abs(ret, values[0])
        if math.name in _POW and self._equals_constant(args[1], -1):
            return RValue(ret, self.builder.fdiv(ir.Constant(values[0].type, 1.0), values[0]))
        if math.intrinsic is not None:
            floating = next(t for t in (ret, *params) if isinstance(t, FloatType))
            suffix = {32: ".f32", 64: ".f64", 80: ".f80"}[floating.bits]
            callee = self._declare(math.intrinsic + suffix, ret, params)
        else:
            callee = self._declare(math.symbol, ret, params)
        return RValue(ret, self.builder.call(callee, values))

    def _equals_constant(self, node: c_ast.Node, value: int) -> bool:
        """Whether `node` is a constant expression equal to `value`."""
        try:
            return self.const_eval(node)[1] == value
        except CompileError:
            return False

    def _call_memory(self, symbol: FunctionSymbol, args: list[c_ast.Node], node) -> RValue:
        """`memset(d, c, n)`, `memcpy(d, s, n)` (non-overlapping, as C requires) and
        `memmove(d, s, n)` (which may overlap); they return `d`. With checks on, a count past
        a known object's end traps as an index would."""
        intrinsic, pointers = _MEMORY[symbol.name]
        arguments = self._memory_arguments(symbol, args, node)
        values = [argument.value for argument in arguments]
        count = values[2]
        for i in pointers:
            self._check_room(args[i], arguments[i], count)
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

    def _memory_arguments(
        self, symbol: FunctionSymbol, args: list[c_ast.Node], node: c_ast.Node
    ) -> list[RValue]:
        """The arguments of a memory function, converted, with the regions pointers carry."""
        params = symbol.ctype.params
        if len(args) != len(params):
            self._arguments(symbol.name, params, args, node)  # raises the count's error
        return [
            self.convert_for_assignment(
                self.rvalue(arg), ptype, arg, f"argument {i + 1} of '{symbol.name}'"
            )
            for i, (arg, ptype) in enumerate(zip(args, params, strict=True))
        ]

    def _check_room(self, arg: c_ast.Node, argument: RValue, count: ir.Value) -> None:
        """With checks on, trap unless `count` bytes from the pointer `argument` lie in the
        object the argument is computed from, where that is known (see `_memory_object`),
        or else in the region the pointer carries."""
        if not self.instrument:
            return
        pointer = argument.value
        found = self._memory_object(arg)
        if found is None:
            if argument.region is not None:
                self.check_region_bytes(pointer, count, argument.region)
            return
        symbol, whole, direct = found
        if symbol.length is not None:  # a variable-length array
            extent, base = self.variable_array_bytes(symbol), symbol.address
        elif whole:  # `&x`: the variable's own storage
            extent, base = symbol.ctype.size, symbol.address
        elif isinstance(symbol.ctype, ArrayType):
            extent, base = symbol.ctype.size, symbol.address
        else:  # a pointer of known extent: what it points at, from `before` elements back
            extent = (symbol.before + symbol.bound) * symbol.ctype.pointee.size
            direct = direct and not symbol.before
            base = None if direct else self.builder.load(symbol.address, typ=symbol.ctype.llvm)
            if symbol.before:
                back = ir.Constant(ir.IntType(64), -symbol.before)
                base = self.builder.gep(base, [back], source_etype=symbol.ctype.pointee.llvm)
        if direct:  # traps unless count <= extent
            if isinstance(extent, ir.Value):
                too_many = self.builder.icmp_unsigned(">", count, extent)
                self._trap_if(too_many, OUT_OF_BOUNDS, "bounds")
            else:
                self.check_bounds(count, extent + 1)
            return
        i64 = ir.IntType(64)
        offset = self.builder.sub(
            self.builder.ptrtoint(pointer, i64), self.builder.ptrtoint(base, i64)
        )
        self.check_span(offset, count, extent)

    def _memory_object(self, arg: c_ast.Node) -> tuple[Variable, bool, bool] | None:
        """The variable whose object a pointer argument points into: an array, an entry
        parameter of known extent, or any variable whose address is taken, reached through
        casts, `+`, `-` and `&a[i][j]`. With it: whether the object is the variable's own
        storage (`&x`), and whether the argument points at the object's start. None when the
        object is not known."""
        while isinstance(arg, c_ast.Cast):
            arg = arg.expr
        if isinstance(arg, c_ast.ID):
            symbol = self.scope.lookup(arg.name)
            if not isinstance(symbol, Variable):
                return None
            ctype = symbol.ctype
            if isinstance(ctype, ArrayType) and (ctype.n is not None or symbol.length is not None):
                return symbol, False, True
            if isinstance(ctype, PointerType) and symbol.bound is not None:
                return (symbol, False, True) if ctype.pointee.is_complete else None
            return None
        if isinstance(arg, c_ast.UnaryOp) and arg.op == "&":
            inner = arg.expr
            if isinstance(inner, c_ast.ID):
                symbol = self.scope.lookup(inner.name)
                known = isinstance(symbol, Variable) and symbol.ctype.is_complete
                return (symbol, True, True) if known else None
            if not isinstance(inner, c_ast.ArrayRef):
                return None
            levels = 0
            while isinstance(inner, c_ast.ArrayRef):
                inner, levels = inner.name, levels + 1
            if levels > 1 and not self._nested_arrays(inner, levels):
                return None  # `&p[i][j]` with p an array of pointers is not in p
            sides = [inner]
        elif isinstance(arg, c_ast.BinaryOp) and arg.op in ("+", "-"):
            sides = [arg.left, arg.right] if arg.op == "+" else [arg.left]
        else:
            return None
        for side in sides:
            found = self._memory_object(side)
            if found is not None:
                return found[0], found[1], False
        return None

    def _nested_arrays(self, name: c_ast.Node, levels: int) -> bool:
        """Whether `name[i]...` with `levels` subscripts stays in the object `name` denotes:
        each subscript after the first indexes an array element of it."""
        symbol = self.scope.lookup(name.name) if isinstance(name, c_ast.ID) else None
        if not isinstance(symbol, Variable):
            return False
        ctype = symbol.ctype
        inner = ctype.elem if isinstance(ctype, ArrayType) else getattr(ctype, "pointee", None)
        for _ in range(levels - 1):
            if not isinstance(inner, ArrayType):
                return False
            inner = inner.elem
        return True

    def _inline_abs(self, ctype: CType, value: ir.Value) -> RValue:
        negative = self.builder.icmp_signed("<", value, ir.Constant(value.type, 0))
        return RValue(ctype, self.builder.select(negative, self.builder.neg(value), value))

    def _declare(self, name: str, ret: CType, params: tuple[CType, ...]) -> ir.Function:
        existing = self.module.globals.get(name)
        if isinstance(existing, ir.Function):
            return existing
        return ir.Function(self.module, FunctionType(ret, params).llvm, name)

    def _in_program(self, symbol: FunctionSymbol) -> bool:
        """Whether the program defines the function: this unit, or (not static) another."""
        name = symbol.name
        return name in self.defined_functions or (name in self.linked and not symbol.static)

    def ir_function(self, symbol: FunctionSymbol) -> ir.Function:
        """The LLVM function of a function of this translation unit, created on first use."""
        if symbol.ir_function is None:
            function = ir.Function(self.module, symbol.ctype.llvm, symbol.name)
            if symbol.static:
                function.linkage = "internal"
            symbol.ir_function = function
        return symbol.ir_function


def _without_message(node: c_ast.Node) -> c_ast.Node:
    """`c && "message"` is `c`: a string literal is a non-null pointer (the assert idiom)."""
    while isinstance(node, c_ast.BinaryOp) and node.op == "&&":
        if _is_string(node.right):
            node = node.left
        elif _is_string(node.left):
            node = node.right
        else:
            break
    return node


def _is_string(node: c_ast.Node) -> bool:
    return isinstance(node, c_ast.Constant) and node.type == "string"


class _Callee:
    """The callee of a call through a pointer, for llvmlite: the pointer value with the
    function type it is called as (llvmlite reads that from the callee, and an opaque pointer
    carries none)."""

    def __init__(self, value: ir.Value, function_type: ir.FunctionType):
        self.value, self.function_type = value, function_type

    @property
    def type(self) -> ir.Type:
        return self.value.type

    def get_reference(self) -> str:
        return self.value.get_reference()
