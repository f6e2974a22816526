"""Complex arithmetic (C99 `_Complex`) lowered as gcc -O0 lowers it on x86-64.

gcc's C front end does an operation with one real and one complex operand part by part, the
real operand never becoming complex: `z + r` is `(a + r, b)`, `r - z` is `(r - c, -d)`, `z * r`
is `(a * r, b * r)`, `z / r` is `(a / r, b / r)`. Two complex operands add and subtract part by
part, and multiply and divide through libgcc's `__muldc3`/`__divdc3` (`__mulsc3`/`__divsc3` for
float), which the JIT resolves from libgcc_s (`nsc.ir.jit`): calling the very functions is what
makes the results bit-identical, NaN and infinity recovery and Smith's scaled division
included. `r / z` is `__divdc3(r, +0.0, c, d)`. `==` compares both parts.

<complex.h>'s functions: creal, cimag and conj are lowered inline (gcc -O0 does the same with
its builtins), carg is `atan2(cimag z, creal z)` (gcc's lowering too), the others are calls to
libm by the x86-64 C convention: a `double _Complex` argument is two doubles, a `float
_Complex` one `<2 x float>`; the result comes back as `{double, double}` (xmm0:xmm1) or
`<2 x float>` (xmm0). Functions of the translation unit take and return complex values as the
`{T, T}` structs themselves: nsc calls them only from its own IR.
"""

from __future__ import annotations

from typing import Any

from llvmlite import ir
from pycparser import c_ast

from nsc.diagnostics import CompileError
from nsc.frontend.codegen.complexvalues import make, parts
from nsc.frontend.codegen.constants import convert_constant
from nsc.frontend.codegen.context import RValue
from nsc.frontend.codegen.conversions import bool_to_int, cast, usual_arithmetic
from nsc.frontend.complextypes import (
    COMPLEX_DOUBLE,
    COMPLEX_FLOAT,
    COMPLEX_INLINE,
    COMPLEX_LIBRARY,
    ComplexType,
    complex_of,
    is_complex,
    is_real,
    real_type,
)
from nsc.frontend.ctypes import CType, FloatType

_PARTWISE = {"+": "fadd", "-": "fsub", "*": "fmul", "/": "fdiv"}
_LIBGCC = {"*": "__mul{}c3", "/": "__div{}c3"}  # {}: 's' for float, 'd' for double


class ComplexLowering:
    """Mixin: operators, conversions and library calls on complex values."""

    # --- operators ----------------------------------------------------------------------

    def complex_common(self, lhs: CType, rhs: CType, op: str, node: c_ast.Node) -> ComplexType:
        """The common type of two operands one of which is complex (C99 6.3.1.8): complex,
        its parts of the common real type of the operands' real types."""
        a, b = real_type(lhs), real_type(rhs)
        if not ((is_real(lhs) or is_complex(lhs)) and (is_real(rhs) or is_complex(rhs))):
            raise self.error(f"invalid operands to binary {op} (have '{lhs}' and '{rhs}')", node)
        common = complex_of(usual_arithmetic(a, b))
        if common is None:
            raise self.error(
                f"'long double _Complex' is not supported (operands '{lhs}' and '{rhs}')",
                node,
                ("convert the long double operand to double",),
            )
        return common

    def complex_binary(self, op: str, lhs: RValue, rhs: RValue, node: c_ast.Node) -> RValue:
        """`+ - * /` with a complex operand, as gcc's front end lowers each case."""
        ctype = self.complex_common(lhs.ctype, rhs.ctype, op, node)
        if op not in _PARTWISE:
            raise self.error(
                f"invalid operands to binary {op} (have '{lhs.ctype}' and '{rhs.ctype}')", node
            )
        part = ctype.part
        b = self.builder
        arith = getattr(b, _PARTWISE[op])
        if is_complex(lhs.ctype) and is_complex(rhs.ctype):
            (x, y), (u, v) = self._parts_as(lhs, ctype), self._parts_as(rhs, ctype)
            if op in ("+", "-"):
                return make(b, ctype, arith(x, u), arith(y, v))
            return self._libgcc(op, ctype, [x, y, u, v])
        if is_complex(lhs.ctype):  # complex op real
            x, y = self._parts_as(lhs, ctype)
            r = cast(b, rhs, part).value
            if op in ("+", "-"):
                return make(b, ctype, arith(x, r), y)
            return make(b, ctype, arith(x, r), arith(y, r))
        r = cast(b, lhs, part).value  # real op complex
        u, v = self._parts_as(rhs, ctype)
        if op == "+":
            return make(b, ctype, b.fadd(r, u), v)
        if op == "-":
            return make(b, ctype, b.fsub(r, u), b.fneg(v))
        if op == "*":
            return make(b, ctype, b.fmul(r, u), b.fmul(r, v))
        return self._libgcc(op, ctype, [r, ir.Constant(part.llvm, 0.0), u, v])

    def complex_compare(self, op: str, lhs: RValue, rhs: RValue, node: c_ast.Node) -> RValue:
        """`==` and `!=` with a complex operand: both parts compared (ordered for `==`)."""
        ctype = self.complex_common(lhs.ctype, rhs.ctype, op, node)
        if op not in ("==", "!="):
            raise self.error(
                f"invalid operands to binary {op} (have '{lhs.ctype}' and '{rhs.ctype}'): "
                "complex numbers are not ordered",
                node,
            )
        (x, y), (u, v) = self._parts_as(lhs, ctype), self._parts_as(rhs, ctype)
        b = self.builder
        if op == "==":
            both = b.and_(b.fcmp_ordered("==", x, u), b.fcmp_ordered("==", y, v))
            return bool_to_int(b, both)
        return bool_to_int(b, b.or_(b.fcmp_unordered("!=", x, u), b.fcmp_unordered("!=", y, v)))

    def complex_unary(self, op: str, operand: RValue, node: c_ast.Node) -> RValue:
        """Unary `+` and `-` on a complex value (`-` negates both parts)."""
        ctype = operand.ctype.qualified(False)
        if op == "+":
            return RValue(ctype, operand.value)
        if op == "-":
            x, y = parts(self.builder, operand)
            return make(self.builder, ctype, self.builder.fneg(x.value), self.builder.fneg(y.value))
        raise self.error(f"invalid argument type '{operand.ctype}' to unary '{op}'", node)

    def complex_conditional(self, a: CType, b: CType, node: c_ast.Node) -> ComplexType:
        """The type of `c ? x : y` where an arm is complex: the arms' common type."""
        if not all(is_real(t) or is_complex(t) for t in (a, b)):
            raise self.error(f"incompatible operand types in conditional ('{a}' and '{b}')", node)
        return self.complex_common(a, b, "?:", node)

    def complex_cast(self, value: RValue, to: CType, node: c_ast.Node) -> RValue:
        """`(to)value` where either type is complex: between arithmetic types only."""
        if not all(is_real(t) or is_complex(t) for t in (value.ctype, to)):
            raise self.error(f"cannot cast '{value.ctype}' to '{to}'", node)
        return cast(self.builder, value, to)

    def _parts_as(self, rv: RValue, ctype: ComplexType) -> tuple[ir.Value, ir.Value]:
        re, im = parts(self.builder, cast(self.builder, rv, ctype))
        return re.value, im.value

    def _libgcc(self, op: str, ctype: ComplexType, operands: list[ir.Value]) -> RValue:
        """`__muldc3(a, b, c, d)` and the like: four reals in, a complex out."""
        letter = "s" if ctype.part.bits == 32 else "d"
        symbol = _LIBGCC[op].format(letter)
        callee = self._complex_callee(symbol, _abi_type(ctype), [ctype.part.llvm] * 4)
        return _from_abi(self.builder, ctype, self.builder.call(callee, operands))

    # --- <complex.h> --------------------------------------------------------------------

    def call_complex(self, name: str, args: list[c_ast.Node], node: c_ast.FuncCall) -> RValue:
        """A call to one of <complex.h>'s functions (see the module's docstring)."""
        single = name not in COMPLEX_LIBRARY and name not in COMPLEX_INLINE  # the `f` form
        base = name[:-1] if single else name
        ctype = COMPLEX_FLOAT if single else COMPLEX_DOUBLE
        count = COMPLEX_LIBRARY[base][0] if base in COMPLEX_LIBRARY else 1
        if len(args) != count:
            few = "few" if len(args) < count else "many"
            raise self.error(
                f"too {few} arguments to function '{name}' (expected {count}, have {len(args)})",
                node,
            )
        values = [
            self.convert_for_assignment(
                self.rvalue(arg), ctype, arg, f"argument {i + 1} of '{name}'"
            )
            for i, arg in enumerate(args)
        ]
        b, part = self.builder, ctype.part
        if base in COMPLEX_INLINE:
            x, y = parts(b, values[0])
            if base == "creal":
                return x
            if base == "cimag":
                return y
            if base == "conj":
                return make(b, ctype, x.value, b.fneg(y.value))
            atan2 = self._complex_callee("atan2" + name[4:], part.llvm, [part.llvm] * 2)
            return RValue(part, b.call(atan2, [y.value, x.value]))
        returns_complex = COMPLEX_LIBRARY[base][1]
        operands = [v for value in values for v in _to_abi(b, value)]
        ret = _abi_type(ctype) if returns_complex else part.llvm
        callee = self._complex_callee(name, ret, [o.type for o in operands])
        result = b.call(callee, operands)
        return _from_abi(b, ctype, result) if returns_complex else RValue(part, result)

    def builtin_complex(self, args: list[c_ast.Node], node: c_ast.FuncCall) -> RValue:
        """`__builtin_complex(re, im)` (what `CMPLX` and `I` expand to): two values of the
        same real floating type make a complex of that type, without arithmetic."""
        if len(args) != 2:
            raise self.error("__builtin_complex takes a real and an imaginary part", node)
        re, im = self.rvalue(args[0]), self.rvalue(args[1])
        if not (isinstance(re.ctype, FloatType) and re.ctype == im.ctype):
            raise self.error(_builtin_types(re.ctype, im.ctype), node)
        ctype = complex_of(re.ctype)
        if ctype is None:
            raise self.error("'long double _Complex' is not supported", node)
        return make(self.builder, ctype, re.value, im.value)

    def complex_constant(self, ctype: ComplexType, tree: c_ast.Node) -> ir.Constant:
        """The initializer of a static complex object: a real constant (the imaginary part
        +0.0), `CMPLX(re, im)` (`__builtin_complex`, what `I` is too) of two constants, or
        sums, differences, negations and real multiples and quotients of those, computed part
        by part as gcc folds them (`1.0 + 2.0 * I`)."""
        try:
            folded, value = self._fold_complex(tree)
        except (CompileError, ZeroDivisionError):
            raise self.error(
                f"initializer element of type '{ctype}' is not a constant nsc can fold",
                tree,
                (
                    "initialize it with CMPLX(re, im) of two constants, or sums and real "
                    "multiples of such constants and I",
                ),
            ) from None
        values = value if isinstance(folded, ComplexType) else (value, 0.0)
        part = ctype.part
        parts_ = [ir.Constant(part.llvm, convert_constant(v, part)) for v in values]
        return ir.Constant(ctype.llvm, parts_)

    def _fold_complex(self, node: c_ast.Node) -> tuple[CType, Any]:
        """A constant expression's type and value: a number, or (re, im) for a complex type.
        An operation with one real operand works part by part (C99 Annex G, as gcc does), so
        the real's imaginary part is not a +0.0 that could change a sign; complex products and
        quotients by a complex are refused (gcc folds those by rules of its own)."""
        args = _builtin_complex_args(node)
        if args is not None:
            (ta, a), (tb, b) = (self.const_eval(arg) for arg in args)
            if not (isinstance(ta, FloatType) and ta == tb):
                raise self.error(_builtin_types(ta, tb), node)
            folded = complex_of(ta)
            if folded is None:
                raise self.error("'long double _Complex' is not supported", node)
            return folded, (a, b)
        if isinstance(node, c_ast.UnaryOp) and node.op in ("+", "-"):
            ctype, value = self._fold_complex(node.expr)
            if isinstance(ctype, ComplexType):
                return ctype, value if node.op == "+" else (-value[0], -value[1])
        if isinstance(node, c_ast.BinaryOp) and node.op in ("+", "-", "*", "/"):
            left, right = self._fold_complex(node.left), self._fold_complex(node.right)
            if isinstance(left[0], ComplexType) or isinstance(right[0], ComplexType):
                return self._fold_complex_operation(node, left, right)
        return self.const_eval(node)

    def _fold_complex_operation(
        self, node: c_ast.BinaryOp, left: tuple[CType, Any], right: tuple[CType, Any]
    ) -> tuple[CType, tuple[float, float]]:
        (lt, lv), (rt, rv) = left, right
        part = usual_arithmetic(real_type(lt), real_type(rt))
        ctype = complex_of(part)
        if ctype is None:
            raise self.error("'long double _Complex' is not supported", node)

        def exact(value: Any) -> Any:  # an operand or result in the part's precision
            if isinstance(value, tuple):
                return tuple(convert_constant(v, part) for v in value)
            return convert_constant(value, part)

        a, b = exact(lv), exact(rv)
        op = node.op
        if isinstance(a, tuple) and isinstance(b, tuple):
            if op in ("*", "/"):
                raise self.error("a product or quotient of two complex constants", node)
            result = (a[0] + b[0], a[1] + b[1]) if op == "+" else (a[0] - b[0], a[1] - b[1])
        elif isinstance(a, tuple):  # complex op real
            result = {
                "+": lambda: (a[0] + b, a[1]),
                "-": lambda: (a[0] - b, a[1]),
                "*": lambda: (a[0] * b, a[1] * b),
                "/": lambda: (a[0] / b, a[1] / b),
            }[op]()
        else:  # real op complex
            if op == "/":
                raise self.error("a quotient by a complex constant", node)
            result = {
                "+": lambda: (a + b[0], b[1]),
                "-": lambda: (a - b[0], -b[1]),
                "*": lambda: (a * b[0], a * b[1]),
            }[op]()
        return ctype, exact(result)

    def _complex_callee(self, name: str, ret: ir.Type, params: list[ir.Type]) -> ir.Function:
        existing = self.module.globals.get(name)
        if isinstance(existing, ir.Function):
            return existing
        return ir.Function(self.module, ir.FunctionType(ret, params), name)


def _builtin_complex_args(tree: c_ast.Node) -> list[c_ast.Node] | None:
    """The two arguments of a `__builtin_complex(re, im)` call (what CMPLX expands to)."""
    if not (isinstance(tree, c_ast.FuncCall) and isinstance(tree.name, c_ast.ID)):
        return None
    if tree.name.name != "__builtin_complex" or tree.args is None:
        return None
    return list(tree.args.exprs) if len(tree.args.exprs) == 2 else None


def _builtin_types(a: CType, b: CType) -> str:
    return f"__builtin_complex needs two arguments of one real floating type (have '{a}' and '{b}')"


def _abi_type(ctype: ComplexType) -> ir.Type:
    """How the x86-64 C convention returns a complex: `{double, double}`, `<2 x float>`."""
    if ctype.part.bits == 32:
        return ir.VectorType(ir.FloatType(), 2)
    return ctype.llvm


def _to_abi(builder: ir.IRBuilder, value: RValue) -> list[ir.Value]:
    """A complex argument as the C convention passes it: two doubles, or one `<2 x float>`."""
    x, y = parts(builder, value)
    if value.ctype.part.bits == 64:
        return [x.value, y.value]
    vector = ir.Constant(ir.VectorType(ir.FloatType(), 2), ir.Undefined)
    vector = builder.insert_element(vector, x.value, ir.Constant(ir.IntType(32), 0))
    return [builder.insert_element(vector, y.value, ir.Constant(ir.IntType(32), 1))]


def _from_abi(builder: ir.IRBuilder, ctype: ComplexType, result: ir.Value) -> RValue:
    """A complex result as the C convention returns it, made a `{T, T}` value."""
    if ctype.part.bits == 64:
        return RValue(ctype, result)
    zero, one = ir.Constant(ir.IntType(32), 0), ir.Constant(ir.IntType(32), 1)
    x, y = builder.extract_element(result, zero), builder.extract_element(result, one)
    return make(builder, ctype, x, y)
