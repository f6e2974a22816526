"""Variably modified types (C99 6.7.5.2): arrays with variable inner dimensions, pointers to
them, and the parameters, locals, typedefs and `sizeof`s that name them.

A variable length becomes a `VariableArrayType` whose `length` is an i64 computed where its
declarator is read: a local declaration, typedef, cast or `sizeof` type name evaluates it
right there, as the block runs (`evaluated_sizes`); a parameter's, on entry to the function
(C99 6.9.1p10, `evaluated_parameter`), in a prototype it is left unknown (`prototype_sizes`,
C's `[*]`). Anywhere else (file scope, struct members, compound literals) it is refused.

An object of such a type is addressed in units of its first element of constant size
(`fixed_element`): `t[i]` for rows of `double[m]` is `getelementptr double, ptr %t, i64 i*m`.
With the oracle's checks on, a subscript of an array of variable length is checked against
that length (each dimension, as for arrays of constant size), and a row reached through a
pointer against the object the pointer points into (its `Region`), the row's bytes counted
as the code runs.
"""

from __future__ import annotations

from contextlib import contextmanager

from llvmlite import ir
from pycparser import c_ast

from nsc.frontend.codegen.context import LValue, RValue, Typedef, opaque
from nsc.frontend.codegen.instrument import I64, OUT_OF_BOUNDS
from nsc.frontend.codegen.vla import MAX_VLA_BYTES, dimension_text, names_read
from nsc.frontend.ctypes import SIZE_T, ArrayType, CType, PointerType
from nsc.frontend.variable_types import (
    VariableArrayType,
    fixed_element,
    is_variably_modified,
    is_variably_sized,
)

_EVALUATE, _PROTOTYPE = "evaluate", "prototype"


class VariablyModifiedTypes:
    """Mixin: make, measure and index variably modified types."""

    # How a variable array length is read where a declarator is resolved: evaluated here,
    # left unknown (a prototype), or refused (None, or the message saying why)
    variable_sizes: str | None = None
    prototype_names: tuple[str | None, ...] = ()  # the parameters declared so far

    @contextmanager
    def sizes_read(self, how: str | None, names: list[str | None] | None = None):
        """Resolve declarators with variable lengths read `how` (see `variable_sizes`)."""
        saved = self.variable_sizes, self.prototype_names
        self.variable_sizes = how
        if names is not None:
            self.prototype_names = tuple(names)
        try:
            yield
        finally:
            self.variable_sizes, self.prototype_names = saved

    def evaluated_sizes(self):
        """Variable lengths are evaluated where the declarator is (a block's declaration,
        typedef, cast or type name)."""
        return self.sizes_read(_EVALUATE)

    def prototype_sizes(self, names: list[str | None]):
        """Variable lengths of a parameter are not known until the body runs: `[*]`."""
        return self.sizes_read(_PROTOTYPE, names)

    # --- making the types ---------------------------------------------------------------------

    def variable_array_type(self, node: c_ast.ArrayDecl, elem: CType) -> CType:
        """The type of an array declarator whose length is not a constant."""
        dim = node.dim
        star = isinstance(dim, c_ast.ID) and dim.name == "*"
        text = "*" if star else dimension_text(dim)
        how = self.variable_sizes
        if how == _PROTOTYPE:
            if not star:
                for name in names_read(dim):
                    earlier = name.name in self.prototype_names
                    if not earlier and self.scope.lookup(name.name) is None:
                        raise self.undeclared(name)
            return VariableArrayType(elem, None, text=text)
        if star:
            raise self.error("'[*]' is allowed only in a function prototype's parameters", dim)
        if how != _EVALUATE:
            raise self.error(how or self._refusal(text), dim)
        size = self.rvalue(dim)
        if not size.ctype.is_integer:
            raise self.error(f"size of array has non-integer type '{size.ctype}'", dim)
        return VariableArrayType(elem, None, length=self.index_value(size), text=text)

    def _refusal(self, text: str) -> str:
        if getattr(self, "fn", None) is None:
            return (
                f"variably modified type at file scope: the length '{text}' is not a constant; "
                "only a declaration in a function body or a parameter may have a variable length"
            )
        return f"variable-length array type not allowed here: the length '{text}' is not a constant"

    def evaluated_parameter(self, param: c_ast.Decl, prototype: CType) -> CType:
        """A parameter's type with its variable lengths evaluated, on entry to the function
        (C99 6.9.1p10; an outermost one is not: it only makes the array a pointer)."""
        with self.evaluated_sizes():
            ctype = self.variable_parameter(param, [])
            if ctype is None:
                ctype = self.resolve_type(param.type)
        if isinstance(ctype, ArrayType):
            ctype = PointerType(ctype.elem)
        return ctype.qualified(prototype.const)

    def check_variably_modified(self, node: c_ast.Decl | c_ast.Typedef, ctype: CType) -> None:
        """A block-scope declaration of a variably modified type (not an array of variable
        size: `double (*p)[m]`, a typedef): not static, and not jumped into."""
        if "static" in (getattr(node, "storage", None) or []):
            raise self.error(
                f"'{node.name}' has a variably modified type ('{ctype}'), which nsc does not "
                "support with static storage",
                node,
            )
        variable_rows = isinstance(ctype, ArrayType) and is_variably_sized(ctype.elem)
        if variable_rows and getattr(node, "init", None) is not None:  # `double t[][m] = {..}`
            raise self.error("variable-sized object may not be initialized", node.init)
        self.check_jumps_into(node, f"'{node.name}', which has a variably modified type")

    # --- sizes ----------------------------------------------------------------------------------

    def fixed_count(self, ctype: CType, name: str = "") -> ir.Value:
        """How many of its `fixed_element`s a variably sized type holds, an i64."""
        count: ir.Value | None = None
        while is_variably_sized(ctype):
            length = self._length(ctype)
            count = length if count is None else self.builder.mul(count, length, name=name)
            ctype = ctype.elem
        assert count is not None
        return count

    def _length(self, ctype: ArrayType) -> ir.Value:
        if not isinstance(ctype, VariableArrayType):
            return ir.Constant(I64, ctype.n)
        if ctype.length is None:  # only a prototype's parameter types leave it unknown
            raise self.error(f"the length of '{ctype}' is not known here", self.statement)
        return ctype.length

    def variable_bytes(self, ctype: CType, name: str = "") -> ir.Value:
        """The size in bytes of an object of a variably sized type, an i64."""
        count = self.fixed_count(ctype, name)
        size = fixed_element(ctype).size
        return count if size == 1 else self.builder.mul(count, ir.Constant(I64, size), name=name)

    def type_sizeof(self, operand: c_ast.Typename, inner: bool) -> RValue | None:
        """`sizeof(double[4][m])`, `sizeof(Row)` (a typedef of a variable array), the lengths
        evaluated here (`inner`: the outermost array has a variable inner dimension), and
        `sizeof(double (*)[m])`, a constant; None for a type without variable lengths."""
        if not inner and not self._names_variable_type(operand.type):
            return None
        if not inner:  # a pointer to a variable array has a constant size: as gcc, its
            # lengths are not evaluated (C99 6.7.5.2p5 leaves that unspecified)
            with self.prototype_sizes([]):
                ctype = self.resolve_typename(operand)
            if not is_variably_sized(ctype):
                return RValue(SIZE_T, ir.Constant(I64, ctype.size))
        with self.evaluated_sizes():
            ctype = self.resolve_typename(operand)
        if not is_variably_sized(ctype):  # a pointer to a variable array
            return RValue(SIZE_T, ir.Constant(I64, ctype.size))
        return RValue(SIZE_T, self.variable_bytes(ctype))

    def expression_sizeof(self, operand: c_ast.Node) -> RValue | None:
        """`sizeof t[0]`, `sizeof *row`: an operand of variably sized type is evaluated (C99
        6.5.3.4p2) and measured; None for others. Only what `object_type` types without code
        is looked at; `sizeof_operand` refuses any other operand of variable size."""
        if getattr(self, "fn", None) is None:
            return None
        ctype = self.object_type(operand)
        if ctype is None or not is_variably_sized(ctype):
            return None
        return RValue(SIZE_T, self.variable_bytes(self.expr(operand).ctype))

    def _names_variable_type(self, node: c_ast.Node) -> bool:
        """Whether a declarator whose outermost arrays have constant dimensions names a
        variably modified type: one of an array under a pointer is not, or it is a typedef of
        one (whose lengths are the typedef's)."""
        under_pointer = False
        while isinstance(node, c_ast.ArrayDecl | c_ast.PtrDecl):
            if isinstance(node, c_ast.PtrDecl):
                under_pointer = True
            elif under_pointer and node.dim is not None and not self._is_constant(node.dim):
                return True
            node = node.type
        spec = node.type if isinstance(node, c_ast.TypeDecl) else None
        if isinstance(spec, c_ast.IdentifierType) and len(spec.names) == 1:
            symbol = self.scope.lookup(spec.names[0])
            return isinstance(symbol, Typedef) and is_variably_modified(symbol.ctype)
        return False

    # --- locals -------------------------------------------------------------------------------

    def local_variably_sized(self, node: c_ast.Decl, ctype: ArrayType) -> None:
        """`double t[4][m];` or `Row t;` (a typedef of a variable array) in a block: an array
        of variable size whose outermost length is a constant or the typedef's."""
        self.check_variable_local(node)
        count = self._length(ctype)
        self.allocate_variably_sized(node, ctype.elem, count, ctype.dim_text)

    def allocate_variably_sized(
        self, node: c_ast.Decl, elem: CType, count: ir.Value, text: str
    ) -> None:
        """`count` elements of a variably sized type `elem`, on the stack, as a variable.
        With the oracle's checks on, every length must be positive and the whole no larger
        than `MAX_VLA_BYTES`, or the declaration traps 2."""
        ctype = VariableArrayType(elem, None, length=count, text=text)
        fixed = fixed_element(ctype)
        total = self.fixed_count(ctype)
        if self.instrument:
            self._check_lengths(ctype, fixed)
        address = self.stack_storage(fixed, total, node.name)
        self.declare_stack_array(node.name, ctype, address, count, total, fixed)

    def _check_lengths(self, ctype: CType, fixed: CType) -> None:
        """Trap 2 unless each length is at least 1 and the array at most `MAX_VLA_BYTES`:
        each length is compared before it is multiplied, so no product can wrap around."""
        b = self.builder
        most = ir.Constant(I64, max(1, MAX_VLA_BYTES // fixed.size))
        one = ir.Constant(I64, 1)
        lengths = []
        while is_variably_sized(ctype):
            lengths.append(self._length(ctype))
            ctype = ctype.elem
        outside, product = None, None
        for length in reversed(lengths):
            checked = [length]
            if product is not None:
                product = b.mul(product, length)
                checked.append(product)
            else:
                product = length
            for value in checked:
                bad = b.icmp_unsigned(">=", b.sub(value, one), most)
                outside = bad if outside is None else b.or_(outside, bad)
        self._trap_if(outside, OUT_OF_BOUNDS, "bounds")

    # --- uses -----------------------------------------------------------------------------------

    def element_pointer(self, address: ir.Value, index: ir.Value, elem: CType) -> ir.Value:
        """The address of element `index` of an array of `elem` at `address`."""
        if not is_variably_sized(elem):
            return opaque(self.builder.gep(address, [index], source_etype=elem.llvm))
        scaled = self.builder.mul(index, self.fixed_count(elem))
        return opaque(self.builder.gep(address, [scaled], source_etype=fixed_element(elem).llvm))

    def array_count(self, array: LValue) -> ir.Value | None:
        """The element count of an array lvalue, when known (an i64)."""
        if array.length is not None:
            return array.length
        ctype = array.ctype
        if isinstance(ctype, VariableArrayType):
            return ctype.length
        return ir.Constant(I64, ctype.n) if ctype.n is not None else None

    def variable_row(self, pointer: RValue, index: ir.Value, one_past: bool) -> LValue:
        """`p[i]` for a pointer to a variably sized type (`double (*p)[m]`): the row, checked
        against the object `p` points into (its bytes counted as the code runs)."""
        pointee = pointer.ctype.pointee
        address = self.element_pointer(pointer.value, index, pointee)
        if not one_past:
            self.check_region(address, pointee, pointer.region)
        return LValue(pointee, address, region=pointer.region)
