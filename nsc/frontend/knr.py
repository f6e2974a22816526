"""Old-style (K&R) function definitions, read as the prototyped definitions they amount to.

```
double poly(x, n)          is compiled as      double poly(double x, int n)
double x; int n;
{ ... }
```

Legacy numeric code (netlib routines, f2c output, the first Numerical Recipes) is written this
way. A K&R definition gives its callers no prototype: they pass each argument after the default
argument promotions (float to double, char and short to int), and the function converts it back
to the declared type. For every call whose behaviour C defines, that is what converting the
argument to the parameter's type at the call does (float -> double -> float is exact, as is any
integer that fits both types), so nsc rewrites the definition into its prototyped form once, after
parsing, and everything downstream (the code generator, the signature, the pragmas) sees an
ordinary function. A parameter without a declaration is an `int`, as C89 and gcc have it.
Calls that C leaves undefined (an `int` argument for a `double` parameter) are converted, where
gcc would pass the bits as they are.
"""

from __future__ import annotations

from pycparser import c_ast

from nsc.diagnostics import CompileError
from nsc.frontend.parse import location


def to_prototypes(ast: c_ast.FileAST, filename: str) -> c_ast.FileAST:
    """Rewrite every K&R function definition of `ast` in place into its prototyped form."""
    for node in ast.ext or []:
        if isinstance(node, c_ast.FuncDef) and node.param_decls:
            _prototype(node, filename)
        elif isinstance(node, c_ast.FuncDef) and _identifier_list(node.decl.type):
            _prototype(node, filename)  # every parameter an implicit int: `f(a, b) { ... }`
    return ast


def _identifier_list(decl_type: c_ast.Node) -> list[c_ast.ID] | None:
    args = getattr(decl_type, "args", None)
    params = args.params if args is not None else []
    if params and all(isinstance(p, c_ast.ID) for p in params):
        return params
    return None


def _prototype(node: c_ast.FuncDef, filename: str) -> None:
    func = node.decl.type
    names = _identifier_list(func)
    if names is None:
        raise CompileError(
            "parameter declarations after a prototyped parameter list",
            location(node.param_decls[0], filename),
        )
    declared: dict[str, c_ast.Decl] = {}
    for decl in node.param_decls or []:
        if not isinstance(decl, c_ast.Decl) or decl.name is None:
            raise CompileError("expected a parameter declaration", location(decl, filename))
        if decl.name in declared:
            raise CompileError(f"redefinition of parameter '{decl.name}'", location(decl, filename))
        if decl.name not in {n.name for n in names}:
            raise CompileError(
                f"declaration for parameter '{decl.name}' but no such parameter",
                location(decl, filename),
            )
        if decl.init is not None:
            raise CompileError(
                f"parameter '{decl.name}' is initialized", location(decl.init, filename)
            )
        declared[decl.name] = decl
    params: list[c_ast.Node] = []
    seen: set[str] = set()
    for ident in names:
        if ident.name in seen:
            raise CompileError(
                f"redefinition of parameter '{ident.name}'", location(ident, filename)
            )
        seen.add(ident.name)
        params.append(declared.get(ident.name) or _implicit_int(ident))
    func.args = c_ast.ParamList(params, func.args.coord)
    node.param_decls = None


def _implicit_int(ident: c_ast.ID) -> c_ast.Decl:
    """`int NAME`, for a parameter the definition names but does not declare."""
    type_decl = c_ast.TypeDecl(ident.name, [], None, c_ast.IdentifierType(["int"]), ident.coord)
    return c_ast.Decl(ident.name, [], [], [], [], type_decl, None, None, coord=ident.coord)
