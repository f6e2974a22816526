"""Variable-length arrays (C99 6.7.5.2): local arrays whose outermost dimension is computed as
the block runs, and parameters declared with one (`double x[n]`, which C makes a pointer).

A local one is a stack allocation of its element count (`alloca T, i64 %n`). Where its
declaration may run again in one call of the function (in a loop body, or after a label a
`goto` may jump back to), the storage is kept in a slot of the function and reused, grown
(at least twofold) only when a count exceeds what it holds: C ends the previous array's
lifetime before the declaration runs again, so the stack grows at most about four times the
largest array, not with each iteration, and no exit from the block (statements.py's to lower)
needs to restore it. With the oracle's checks on, a count outside 1..`MAX_VLA_BYTES` bytes
traps 2 where the array is declared, and subscripts, `memset` and pointers into the array are
checked against its count. Arrays whose inner dimensions are variable too (`double t[n][m]`)
are allocated here as well, in units of their first element of constant size; their types
are vmtypes.py's.
"""

from __future__ import annotations

from llvmlite import ir
from pycparser import c_ast, c_generator

from nsc.frontend.codegen.context import LValue, Region, RValue, Variable, opaque
from nsc.frontend.codegen.instrument import I64, OUT_OF_BOUNDS, SHADOW
from nsc.frontend.ctypes import SIZE_T, ArrayType, CType, FunctionType, VoidType
from nsc.frontend.variable_types import is_variably_sized

MAX_VLA_BYTES = 1 << 20  # larger arrays trap 2 in the oracle, whose stack is the caller's


def dimension_text(node: c_ast.Node) -> str:
    """A dimension expression as C source, for messages."""
    return c_generator.CGenerator().visit(node)


class VariableLengthArrays:
    """Mixin: declare, index and measure variable-length arrays."""

    def variable_dimension(self, node: c_ast.Node) -> c_ast.Node | None:
        """The outermost dimension of an array declarator when it is not a constant (inner
        ones may be variable too: see vmtypes.py)."""
        return self.array_dimensions(node)[0]

    def array_dimensions(self, node: c_ast.Node) -> tuple[c_ast.Node | None, bool]:
        """The outermost dimension of an array declarator when it is not a constant, and
        whether an inner one is not either (`double [n][m]`: `n`, True)."""
        if not isinstance(node, c_ast.ArrayDecl):
            return None, False
        inner_variable = False
        inner = node.type
        while isinstance(inner, c_ast.ArrayDecl):
            if inner.dim is not None and not self._is_constant(inner.dim):
                inner_variable = True
            inner = inner.type
        if node.dim is None or self._is_constant(node.dim):
            return None, inner_variable
        return node.dim, inner_variable

    def variable_element(self, node: c_ast.ArrayDecl) -> CType:
        """The element type of a variable-length array declarator."""
        elem = self.resolve_type(node.type)
        if isinstance(elem, FunctionType | VoidType) or not elem.is_complete:
            raise self.error(f"array has incomplete element type '{elem}'", node)
        return elem

    # --- parameters -------------------------------------------------------------------------

    def variable_parameter(self, param: c_ast.Decl, earlier: list[str | None]) -> CType | None:
        """`double x[n]` as a parameter: `double x[]`, a pointer once decayed (C99 6.7.5.3p7);
        the dimension is not evaluated, but its names must be declared (an earlier parameter
        or a name in scope). None for other parameters."""
        dim = self.variable_dimension(param.type)
        if dim is None:
            return None
        star = isinstance(dim, c_ast.ID) and dim.name == "*"  # `x[*]`, in a prototype
        for name in [] if star else names_read(dim):
            if name.name not in earlier and self.scope.lookup(name.name) is None:
                raise self.undeclared(name)
        return ArrayType(self.variable_element(param.type), None)

    # --- locals -----------------------------------------------------------------------------

    def local_variable_array(self, node: c_ast.Decl, dim: c_ast.Node) -> None:
        """`T name[count];` in a block: allocate `count` elements on the stack."""
        self.check_variable_local(node)
        with self.evaluated_sizes():  # `double t[n][m]`: `m` is evaluated first
            elem = self.variable_element(node.type)
        if is_variably_sized(elem):
            count = self._variable_count(dim, node.name)
            self.allocate_variably_sized(node, elem, count, dimension_text(dim))
            return
        count = self._element_count(dim, elem, node.name)
        address = self.stack_storage(elem, count, node.name)
        self.declare_stack_array(node.name, ArrayType(elem, None), address, count, count, elem)

    def stack_storage(self, elem: CType, count: ir.Value, name: str) -> ir.Value:
        """Room for `count` elements on the stack: an alloca where the declaration runs once
        per call, else a slot reused (`_reused_storage`)."""
        if self.fn.continue_targets or self.fn.placed:  # may run again in this call
            return self._reused_storage(elem, count, name)
        return opaque(self.builder.alloca(elem.llvm, size=count, name=name))

    def declare_stack_array(
        self,
        name: str,
        ctype: CType,
        address: ir.Value,
        length: ir.Value,
        elements: ir.Value,
        elem: CType,
    ) -> None:
        """Name an array on the stack; with checks on, its region is its `elements` elements
        of `elem`."""
        region = None
        if self.instrument:
            b = self.builder
            first = b.ptrtoint(address, I64, name=SHADOW)
            size = b.mul(elements, ir.Constant(I64, elem.size), name=SHADOW)
            region = Region(first, 0, b.add(first, size, name=SHADOW))
        self.scope.names[name] = Variable(name, ctype, address, length=length, region=region)

    def check_variable_local(self, node: c_ast.Decl) -> None:
        """What C forbids a block's array of variable size: static storage, an initializer,
        and a jump into its scope."""
        if "static" in (node.storage or []):
            raise self.error(
                f"variable-length array '{node.name}' cannot have static storage", node
            )
        if node.init is not None:
            raise self.error("variable-sized object may not be initialized", node.init)
        self.check_jumps_into(node)

    def _element_count(self, dim: c_ast.Node, elem: CType, name: str) -> ir.Value:
        """The array's element count as an i64; with checks on, trap 2 unless it is positive
        and the array no larger than `MAX_VLA_BYTES`."""
        count = self._variable_count(dim, name)
        if self.instrument:
            most = max(1, MAX_VLA_BYTES // elem.size)
            above = self.builder.sub(count, ir.Constant(I64, 1))
            outside = self.builder.icmp_unsigned(">=", above, ir.Constant(I64, most))
            self._trap_if(outside, OUT_OF_BOUNDS, "bounds")
        return count

    def _variable_count(self, dim: c_ast.Node, name: str) -> ir.Value:
        """An array's length, evaluated as an i64."""
        size = self.rvalue(dim)
        if not size.ctype.is_integer:
            raise self.error(f"size of array '{name}' has non-integer type '{size.ctype}'", dim)
        return self.index_value(size)

    def _reused_storage(self, elem: CType, count: ir.Value, name: str) -> ir.Value:
        """Storage for `count` elements from a slot of the function, allocated again (for
        at least twice what it held) only when it holds fewer."""
        entry = self.fn.alloca_builder
        storage = opaque(entry.alloca(ir.PointerType(), name=f"{name}.storage"))
        room = opaque(entry.alloca(I64, name=f"{name}.room"))
        entry.store(ir.Constant(ir.PointerType(), None), storage)
        entry.store(ir.Constant(I64, 0), room)
        b = self.builder
        held = b.load(room, typ=I64)
        grow, ready = self.new_block("vla.grow"), self.new_block("vla.ready")
        b.cbranch(b.icmp_unsigned(">", count, held), grow, ready)
        b.position_at_end(grow)
        twice = b.shl(held, ir.Constant(I64, 1))
        wanted = b.select(b.icmp_unsigned(">", count, twice), count, twice)
        b.store(b.alloca(elem.llvm, size=wanted), storage)
        b.store(wanted, room)
        b.branch(ready)
        b.position_at_end(ready)
        return b.load(storage, typ=ir.PointerType(), name=name)

    def check_jumps_into(self, node: c_ast.Decl | c_ast.Typedef, what: str = "") -> None:
        """Refuse a `case` label or a `goto` that would jump past the declaration into the
        scope of a variable-length array, or of another name of variably modified type
        (`what` names it so): a constraint violation, which gcc refuses too."""
        array = not what
        what = what or f"variable-length array '{node.name}'"
        body = self._function_body()
        path = _path_to(body, node) if body is not None else None
        if array and path and isinstance(path[-1], c_ast.DeclList):
            raise self.error(
                "a variable-length array cannot be declared in a 'for' statement's first clause",
                node,
            )
        rest = _scope_rest(path, node) if path else None
        if rest is None:
            return
        inside_gotos: set[int] = set()
        labels: set[str] = set()
        for item in rest:
            for child in _walk(item, into_switch=False):
                if isinstance(child, c_ast.Case | c_ast.Default):
                    raise self.error(
                        f"'{'case' if isinstance(child, c_ast.Case) else 'default'}' label "
                        f"jumps into the scope of {what}",
                        child,
                        ("declare it in a block of its own inside the case",),
                    )
            for child in _walk(item, into_switch=True):
                if isinstance(child, c_ast.Label):
                    labels.add(child.name)
                elif isinstance(child, c_ast.Goto):
                    inside_gotos.add(id(child))
        if not labels:
            return
        for child in _walk(body, into_switch=True):
            if isinstance(child, c_ast.Goto) and child.name in labels:
                if id(child) not in inside_gotos:
                    raise self.error(
                        f"'goto {child.name}' jumps into the scope of {what}",
                        child,
                    )

    def _function_body(self) -> c_ast.Compound | None:
        for ext in self.unit.ext or []:
            if isinstance(ext, c_ast.FuncDef) and ext.decl.name == self.fn.name:
                return ext.body
        return None

    # --- uses -------------------------------------------------------------------------------

    def variable_array_element(self, array: LValue, index: ir.Value, one_past: bool) -> LValue:
        """`t[i]` for an array of variable length or of variably sized elements: checked
        against its length where that is known."""
        count = self.array_count(array)
        if self.instrument and count is not None:
            outside = self.builder.icmp_unsigned(">" if one_past else ">=", index, count)
            self._trap_if(outside, OUT_OF_BOUNDS, "bounds")
        elem = array.ctype.elem
        address = self.element_pointer(array.address, index, elem)
        return LValue(elem, address, region=array.region)

    def variable_array_bytes(self, variable: Variable) -> ir.Value:
        """The size in bytes of a variable-length array, an i64."""
        elem = variable.ctype.elem
        if is_variably_sized(elem):
            return self.builder.mul(variable.length, self.variable_bytes(elem))
        return self.builder.mul(variable.length, ir.Constant(I64, elem.size))

    def variable_sizeof(self, operand: c_ast.Node) -> RValue | None:
        """`sizeof t` for a variable-length array `t`, `sizeof(T[n])` and the sizes of other
        variably sized operands (vmtypes.py), computed as the code runs (`n` is evaluated);
        None for an operand of constant size."""
        if isinstance(operand, c_ast.ID):
            symbol = self.scope.lookup(operand.name)
            if isinstance(symbol, Variable) and symbol.length is not None:
                return RValue(SIZE_T, self.variable_array_bytes(symbol))
            return None
        if not isinstance(operand, c_ast.Typename):
            return self.expression_sizeof(operand)
        dim, inner = self.array_dimensions(operand.type)
        if dim is None:
            return self.type_sizeof(operand, inner)
        with self.evaluated_sizes():
            elem = self.variable_element(operand.type)
        size = self.rvalue(dim)
        if not size.ctype.is_integer:
            raise self.error(f"size of array has non-integer type '{size.ctype}'", dim)
        if is_variably_sized(elem):  # `sizeof(double[n][m])`
            bytes_ = self.builder.mul(self.index_value(size), self.variable_bytes(elem))
            return RValue(SIZE_T, bytes_)
        bytes_ = self.builder.mul(self.index_value(size), ir.Constant(I64, elem.size))
        return RValue(SIZE_T, bytes_)


def names_read(node: c_ast.Node) -> list[c_ast.ID]:
    """The identifiers an expression reads (not member names)."""
    found: list[c_ast.ID] = []
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, c_ast.ID):
            found.append(item)
        elif isinstance(item, c_ast.StructRef):
            stack.append(item.name)  # a member's name is not looked up
            continue
        stack.extend(item)  # a node iterates over its children
    return found


def _walk(node: c_ast.Node, into_switch: bool):
    """A node and its descendants; with `into_switch` False, not those of a nested switch."""
    stack = [node]
    while stack:
        item = stack.pop()
        yield item
        if isinstance(item, c_ast.Switch) and not into_switch:
            continue
        stack.extend(item)  # a node iterates over its children


def _scope_rest(path: list[c_ast.Node], decl: c_ast.Decl) -> list[c_ast.Node] | None:
    """The statements after `decl` up to the end of the block it is declared in (`path`: its
    ancestors, outermost first), or None when it is not among a block's items."""
    rest: list[c_ast.Node] = []
    current: c_ast.Node = decl
    for parent in reversed(path):
        if isinstance(parent, c_ast.Compound):
            items = parent.block_items or []
        elif isinstance(parent, c_ast.Case | c_ast.Default):
            items = parent.stmts or []
        elif isinstance(parent, c_ast.Label):
            items = [parent.stmt]
        else:
            return None
        position = next(i for i, item in enumerate(items) if item is current)
        rest.extend(items[position + 1 :])
        if isinstance(parent, c_ast.Compound):
            return rest
        current = parent
    return None


def _path_to(body: c_ast.Node, target: c_ast.Node) -> list[c_ast.Node] | None:
    """The ancestors of `target` in `body`, outermost first (`body` included)."""
    stack: list[tuple[c_ast.Node, tuple[c_ast.Node, ...]]] = [(body, ())]
    while stack:
        node, ancestors = stack.pop()
        if node is target:
            return list(ancestors)
        stack.extend((child, (*ancestors, node)) for child in node)
    return None
