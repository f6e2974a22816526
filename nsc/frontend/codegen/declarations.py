"""Declarations: file-scope functions and globals, function bodies, locals and typedefs."""

from __future__ import annotations

from contextlib import nullcontext

from llvmlite import ir
from pycparser import c_ast

from nsc.diagnostics import CompileError
from nsc.frontend.codegen.context import (
    FunctionInfo,
    FunctionState,
    FunctionSymbol,
    LValue,
    Region,
    Shadow,
    Typedef,
    Variable,
    opaque,
)
from nsc.frontend.codegen.instrument import return_zero
from nsc.frontend.codegen.vla import dimension_text
from nsc.frontend.ctypes import (
    INT,
    ArrayType,
    CType,
    FunctionType,
    PointerType,
    VoidType,
    array_dims,
)
from nsc.frontend.variable_types import is_variably_modified, is_variably_sized


class DeclarationLowering:
    """Mixin: lower declarations at file scope and in blocks."""

    # --- file scope -----------------------------------------------------------------------

    def external(self, node: c_ast.Node) -> None:
        if isinstance(node, c_ast.FuncDef):
            self.function_definition(node)
        elif isinstance(node, c_ast.Decl):
            self.global_decl(node)
        elif isinstance(node, c_ast.Typedef):
            self.declare_typedef(node)
        elif isinstance(node, c_ast.StaticAssert):
            self.static_assert(node)
        elif isinstance(node, c_ast.Pragma):
            return
        else:
            raise self.error(f"unsupported declaration ({type(node).__name__})", node)

    def static_assert(self, node: c_ast.StaticAssert) -> None:
        if not self.const_int(node.cond, "a static assertion's condition"):
            message = f": {node.message.value}" if node.message is not None else ""
            raise self.error(f"static assertion failed{message}", node)

    def declare_typedef(self, node: c_ast.Typedef) -> None:
        # in a block, `typedef double Row[m];` reads `m` here, once (C99 6.7.7p3)
        with self.evaluated_sizes() if self.fn is not None else nullcontext():
            ctype = self.resolve_type(node.type)
        existing = self.scope.names.get(node.name)
        if is_variably_modified(ctype):
            self.check_variably_modified(node, ctype)
        elif isinstance(existing, Typedef) and existing.ctype == ctype:
            return
        if existing is not None:
            raise self.error(f"redefinition of '{node.name}'", node)
        self.scope.names[node.name] = Typedef(node.name, ctype)

    def global_decl(self, node: c_ast.Decl) -> None:
        if node.name is None:
            self.tag_declaration(node)
            return
        if isinstance(node.type, c_ast.FuncDecl):
            self.declare_function(node, defined=False)
            return
        storage = node.storage or []
        self.infer_auto_type(node)  # gnuexpr.py
        ctype = self.resolve_type(node.type)
        self._check_object_type(ctype, node)
        tree = self.init_tree(ctype, node.init) if node.init is not None else None
        if isinstance(ctype, ArrayType) and ctype.n is None:
            if tree is None and "extern" not in storage:
                raise self.error(f"array '{node.name}' has unknown size", node)
            if tree is not None:
                ctype = ArrayType(ctype.elem, self.array_length(tree), const=ctype.const)
            else:  # `extern T a[];`, completed further down: its size, if that says it
                ctype = self._completed_later(node, ctype)
        variable = self._global_variable(node, ctype, "static" in storage)
        if "extern" in storage and tree is None:
            self.extern_locations.setdefault(node.name, self.location(node))
            return
        if (
            tree is not None
            and variable.address.initializer is not None
            and node.name in self.initialized
        ):
            raise self.error(f"redefinition of '{node.name}'", node)
        if tree is not None or variable.address.initializer is None:  # a later tentative
            variable.address.initializer = self.const_initializer(ctype, tree)  # one keeps it
        if tree is not None:
            self.initialized.add(node.name)
            bounds = self.static_bounds(node.name, ctype, tree)
            variable.bound, variable.before, variable.element_bound = bounds

    def _completed_later(self, node: c_ast.Decl, ctype: ArrayType) -> ArrayType:
        """The type a later definition gives `extern T a[];` when its size is a constant known
        here (`T a[3]`), so code before it indexes a checked array; else `ctype` as it is."""
        ext = self.unit.ext or []
        start = next((i + 1 for i, item in enumerate(ext) if item is node), 0)  # 0: in a block
        for later in ext[start:]:
            if not isinstance(later, c_ast.Decl) or later.name != node.name:
                continue
            dim = getattr(later.type, "dim", None)
            if not isinstance(later.type, c_ast.ArrayDecl) or dim is None:
                continue
            try:
                complete = ArrayType(
                    ctype.elem, self.const_int(dim, "array size"), const=ctype.const
                )
            except CompileError:  # the definition's own lowering will say what is wrong
                return ctype
            return complete if _completes(ctype, complete) else ctype
        return ctype

    def tag_declaration(self, node: c_ast.Decl) -> None:
        """A declaration that only declares a struct or enum (`struct P {...};`)."""
        if isinstance(node.type, c_ast.Struct | c_ast.Enum | c_ast.Union):
            self.resolve_specifier(node.type)
        else:
            self.resolve_type(node.type)

    def _global_variable(self, node: c_ast.Decl, ctype: CType, static: bool) -> Variable:
        existing = self.scope.names.get(node.name)
        if isinstance(existing, Variable):
            if _completes(existing.ctype, ctype):  # `extern T a[];`, then `T a[3]`
                existing.ctype = ctype
                existing.address.value_type = ctype.llvm
            if _completes(ctype, existing.ctype):  # `T a[3];`, then `extern T a[];`
                self._align(existing.address, node, existing.ctype)
                return existing
            if existing.ctype != ctype:
                raise self.error(
                    f"conflicting types for '{node.name}' ('{existing.ctype}' and '{ctype}')", node
                )
            self._align(existing.address, node, ctype)
            return existing
        if existing is not None:
            raise self.error(f"'{node.name}' redeclared as a different kind of symbol", node)
        var = opaque(ir.GlobalVariable(self.module, ctype.llvm, node.name))
        if static:
            var.linkage = "internal"
        if ctype.const:
            var.global_constant = True
        self._align(var, node, ctype)
        variable = Variable(node.name, ctype, var)
        self.scope.names[node.name] = variable
        return variable

    def _check_object_type(self, ctype: CType, node: c_ast.Node) -> None:
        if isinstance(ctype, VoidType):
            raise self.error(f"variable '{node.name}' has type void", node)
        if not ctype.is_complete and not isinstance(ctype, ArrayType):
            raise self.error(f"variable '{node.name}' has incomplete type '{ctype}'", node)

    def declare_function(self, node: c_ast.Decl, defined: bool) -> FunctionSymbol:
        static = "static" in (node.storage or [])
        existing = self.scope.names.get(node.name)
        if existing is not None and not isinstance(existing, FunctionSymbol):
            raise self.error(f"'{node.name}' redeclared as a different kind of symbol", node)
        try:
            ftype, names, declared, params = self.function_type(node.type)
        except CompileError:
            if node.name in self.defined_functions or node.name in self.linked:
                raise
            # a prototype of a function from outside the file with types nsc lacks (`qsort`
            # takes a function pointer): calling it is an error anyway, so only the name counts
            if existing is None:
                placeholder = FunctionType(INT, ())
                existing = FunctionSymbol(node.name, placeholder, static, self.location(node))
                self.scope.names[node.name] = existing
            return existing
        if node.type.args is None and not defined and node.name in self.defined_functions:
            # `double sq();` (no prototype) of a function the file defines: its definition's
            # prototype, so calls before the definition pass what it takes
            prototype, definition = self._definition_type(node.name)
            if prototype is not None and prototype.ret != ftype.ret:
                raise self.error(
                    f"conflicting types for '{node.name}'",
                    definition,
                    (f"previous declaration is at {self.location(node)}",),
                )
            ftype = prototype or ftype
        if existing is not None:
            if existing.ctype != ftype:
                raise self.error(
                    f"conflicting types for '{node.name}'",
                    node,
                    (f"previous declaration is at {existing.location}",),
                )
            if defined and existing.defined:
                raise self.error(f"redefinition of '{node.name}'", node)
            existing.static = existing.static or static
            symbol = existing
        else:
            symbol = FunctionSymbol(node.name, ftype, static, self.location(node))
            self.scope.names[node.name] = symbol
        if defined:
            symbol.defined = True
            self.functions.append(
                FunctionInfo(
                    name=node.name,
                    ctype=ftype,
                    param_names=tuple(n or "" for n in names),
                    declared_params=tuple(declared),
                    static=symbol.static,
                    location=self.location(node),
                    param_locations=tuple(self.location(p) for p in params),
                    variable_lengths=self._variable_lengths(params),
                )
            )
        return symbol

    def _variable_lengths(self, params: list[c_ast.Node]) -> dict[str, str]:
        """The parameters declared with a variable length (`double x[n]`), and that length."""
        lengths = {}
        for param in params:
            dim = self.variable_dimension(param.type)
            if dim is not None:
                lengths[param.name] = dimension_text(dim)
        return lengths

    def _definition_type(self, name: str) -> tuple[FunctionType | None, c_ast.Node | None]:
        """The type the file's definition of function `name` gives it, if it can be read here
        (its parameters' types declared already), and the definition's declarator."""
        for node in self.unit.ext or []:
            if isinstance(node, c_ast.FuncDef) and node.decl.name == name:
                try:
                    return self.function_type(node.decl.type)[0], node.decl
                except CompileError:
                    return None, node.decl
        return None, None

    # --- function bodies ------------------------------------------------------------------

    def function_definition(self, node: c_ast.FuncDef) -> None:
        symbol = self.declare_function(node.decl, defined=True)
        if symbol.ctype.variadic:
            ellipsis = node.decl.type.args.params[-1]
            raise self.error("variadic function definitions are not supported", ellipsis)
        info = self.functions[-1]
        function = self.ir_function(symbol)
        if symbol.static:
            function.linkage = "internal"
        entry = function.append_basic_block("entry")
        body = function.append_basic_block("body")
        self.fn = FunctionState(symbol.name, symbol.ctype, function, ir.IRBuilder(entry))
        self.builder = ir.IRBuilder(body)
        self.switches = []
        try:
            with self.new_scope():
                self._bind_parameters(info, node)
                self.check_fuel()
                self.block_items(node.body)
                self.check_labels()
                self._finish(function, entry, body)
        finally:
            self.fn = None

    def _bind_parameters(self, info: FunctionInfo, node: c_ast.FuncDef) -> None:
        modified = _modified_names(node.body)
        self.fn.modified = frozenset(modified)
        self.fn.address_taken = frozenset(_address_taken_names(node.body))
        function = self.fn.function
        for i, (name, declared) in enumerate(
            zip(info.param_names, info.declared_params, strict=True)
        ):
            if not name:
                raise self.error(f"parameter {i + 1} of '{info.name}' has no name", node.decl)
            if name in self.scope.names:
                raise self.error(f"redefinition of parameter '{name}'", node.decl)
            ctype = info.ctype.params[i].qualified(
                declared.const and not isinstance(declared, ArrayType)
            )
            if is_variably_modified(declared):  # its lengths are evaluated on entry
                ctype = self.evaluated_parameter(node.decl.type.args.params[i], ctype)
            arg = function.args[i]
            arg.name = name
            slot = self.alloca(ctype, name)
            self.builder.store(arg, slot)
            bound = self._parameter_bound(info.name, name, declared)
            if name not in modified:
                self.scope.names[name] = Variable(name, ctype, slot, bound)
                continue
            # a parameter the body changes: its bound holds only until then, so it becomes
            # the region its shadow starts with
            shadow = self._pointer_shadow(name, ctype)
            if shadow is not None:
                known = bound is not None and ctype.pointee.is_complete
                region = Region(arg, 0, bound * ctype.pointee.size) if known else None
                self.store_region(shadow, region)
            self.scope.names[name] = Variable(name, ctype, slot, shadow=shadow)

    def _parameter_bound(self, function: str, name: str, declared: CType) -> int | None:
        """The element count a pointer parameter of the entry is known to reach (array type or
        shape pragma): the oracle passes exactly that many. Elsewhere `int v[2]` is a pointer
        that may reach further (C99 6.7.5.3p7), so it gets no bound."""
        if function != self.entry:
            return None
        if isinstance(declared, ArrayType) and declared.n is not None:
            return declared.n
        if isinstance(declared, ArrayType | PointerType):
            shape = self.entry_shapes.get(name)
            if shape:
                count = 1
                for dim in shape:
                    count *= dim
                inner, _ = array_dims(
                    declared.elem if isinstance(declared, ArrayType) else declared.pointee
                )
                return count if not inner else None
        return None

    def _align(self, storage: ir.Value, node: c_ast.Decl, ctype: CType) -> None:
        """Give a variable's storage (an alloca or a global) the alignment `_Alignas` asks."""
        wanted = self.requested_alignment(node, ctype)
        if wanted > ctype.align:
            storage.align = max(wanted, storage.align or 0)

    def _no_alignment(self, node: c_ast.Decl) -> None:
        if node.align:
            raise self.error(
                f"'_Alignas' on variable-length array '{node.name}' is not supported", node
            )

    def alloca(self, ctype: CType, name: str) -> ir.Value:
        return opaque(self.fn.alloca_builder.alloca(ctype.llvm, name=name))

    def _finish(self, function: ir.Function, entry: ir.Block, body: ir.Block) -> None:
        ir.IRBuilder(entry).branch(body)
        for block in function.blocks:
            if not block.is_terminated:
                return_zero(ir.IRBuilder(block), self.fn.ctype.ret)

    # --- block scope ----------------------------------------------------------------------

    def local_decl(self, node: c_ast.Decl) -> None:
        if node.name is None:
            self.tag_declaration(node)
            return
        storage = node.storage or []
        if isinstance(node.type, c_ast.FuncDecl) or "extern" in storage:
            self._block_scope_extern(node)
            return
        if node.name in self.scope.names:
            raise self.error(f"redefinition of '{node.name}'", node)
        self.infer_auto_type(node)  # gnuexpr.py
        dim = self.variable_dimension(node.type)
        if dim is not None:
            self._no_alignment(node)
            self.local_variable_array(node, dim)
            return
        with self.evaluated_sizes():  # `double (*row)[m]`, `double t[4][m]`: `m` is read here
            ctype = self.resolve_type(node.type)
        if is_variably_sized(ctype):
            self._no_alignment(node)
            self.local_variably_sized(node, ctype)
            return
        if is_variably_modified(ctype):
            self.check_variably_modified(node, ctype)
        self._check_object_type(ctype, node)
        tree = self.init_tree(ctype, node.init) if node.init is not None else None
        if isinstance(ctype, ArrayType) and ctype.n is None:
            if tree is None:
                raise self.error(f"array '{node.name}' has unknown size", node)
            ctype = ArrayType(ctype.elem, self.array_length(tree), const=ctype.const)
        if "static" in storage:
            self._local_static(node, ctype, tree)
            return
        slot = self.alloca(ctype, node.name)
        self._align(slot, node, ctype)
        bound, before = self._local_pointer_bound(node, ctype)
        shadow = self._pointer_shadow(node.name, ctype) if bound is None else None
        # in scope from its declarator on, so its initializer may name it (`sizeof *w`)
        self.scope.names[node.name] = Variable(node.name, ctype, slot, bound, before, shadow=shadow)
        if tree is not None:
            self.store_initializer(LValue(ctype.qualified(False), slot, shadow=shadow), tree)

    def _block_scope_extern(self, node: c_ast.Decl) -> None:
        """`extern double g;` or `double h(double);` in a block: the file-scope variable or
        function (declared there if it is not yet), visible by that name in this block."""
        if node.init is not None:
            raise self.error(f"'{node.name}' has both 'extern' and an initializer", node)
        outer = self.scope
        while self.scope.parent is not None:
            self.scope = self.scope.parent
        try:
            if isinstance(node.type, c_ast.FuncDecl):
                self.declare_function(node, defined=False)
            else:
                self.global_decl(node)
            symbol = self.scope.names[node.name]
        finally:
            self.scope = outer
        if self.scope.names.get(node.name, symbol) is not symbol:
            raise self.error(f"redefinition of '{node.name}'", node)
        self.scope.names[node.name] = symbol

    def _pointer_shadow(self, name: str, ctype: CType) -> Shadow | None:
        """With the oracle's checks on, the shadow of a pointer variable without a static
        bound: reads and writes through it are checked against the object it was last set
        to point into. None for other variables, and for a pointer whose address is taken
        (a store through `&p` would pass its shadow by)."""
        if not self.instrument or not isinstance(ctype, PointerType):
            return None
        if name in self.fn.address_taken:
            return None
        return self.new_shadow(name)

    def _local_pointer_bound(self, node: c_ast.Decl, ctype: CType) -> tuple[int | None, int]:
        """The bound of a local pointer set once from a named array or bounded pointer
        (`const double *p = v;`) and never changed in the function: its reads are checked as
        the array's are. Anything else (changed, or set from an expression): none."""
        if not isinstance(ctype, PointerType) or not isinstance(node.init, c_ast.ID):
            return None, 0
        if node.name in self.fn.modified:
            return None, 0
        source = self.scope.lookup(node.init.name)
        if not isinstance(source, Variable):
            return None, 0
        if isinstance(source.ctype, ArrayType) and source.ctype.n is not None:
            bound, before, element = source.ctype.n, 0, source.ctype.elem
        elif isinstance(source.ctype, PointerType) and source.bound is not None:
            bound, before, element = source.bound, source.before, source.ctype.pointee
        else:
            return None, 0
        if not (element.is_complete and ctype.pointee.is_complete):
            return None, 0
        if is_variably_sized(ctype.pointee):  # `double (*row)[m] = x;`: its shadow checks it
            return None, 0
        if element.size != ctype.pointee.size:  # counted in other units: not worth converting
            return None, 0
        return bound, before

    def _local_static(self, node: c_ast.Decl, ctype: CType, tree) -> None:
        name = self.module.get_unique_name(f"{self.fn.name}.{node.name}")
        var = opaque(ir.GlobalVariable(self.module, ctype.llvm, name))
        var.linkage = "internal"
        self._align(var, node, ctype)
        var.initializer = self.const_initializer(ctype, tree)
        bound, before, element_bound = self.static_bounds(node.name, ctype, tree)
        self.scope.names[node.name] = Variable(node.name, ctype, var, bound, before, element_bound)


def _completes(incomplete: CType, ctype: CType) -> bool:
    """Whether `ctype` completes `incomplete`, an array of unknown size of the same elements."""
    return (
        isinstance(incomplete, ArrayType)
        and incomplete.n is None
        and isinstance(ctype, ArrayType)
        and ctype.n is not None
        and incomplete.elem == ctype.elem
        and incomplete.const == ctype.const
    )


_MODIFYING_UNARY = ("++", "--", "p++", "p--", "&")


def _address_taken_names(body: c_ast.Node) -> set[str]:
    """Names whose address is taken (`&p`): they may be changed through a pointer."""
    names: set[str] = set()
    stack = [body]
    while stack:
        node = stack.pop()
        if isinstance(node, c_ast.UnaryOp) and node.op == "&" and isinstance(node.expr, c_ast.ID):
            names.add(node.expr.name)
        stack.extend(node)  # a node iterates over its children
    return names


def _modified_names(body: c_ast.Node) -> set[str]:
    """Names that are assigned, incremented or have their address taken."""
    names: set[str] = set()
    stack = [body]
    while stack:
        node = stack.pop()
        if isinstance(node, c_ast.Assignment):
            if isinstance(node.lvalue, c_ast.ID):
                names.add(node.lvalue.name)
        elif isinstance(node, c_ast.UnaryOp):
            if node.op in _MODIFYING_UNARY and isinstance(node.expr, c_ast.ID):
                names.add(node.expr.name)
        stack.extend(node)  # a node iterates over its children
    return names


__all__ = ["DeclarationLowering", "FunctionType"]
