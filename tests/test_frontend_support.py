"""Helpers for the frontend tests: compile C with c_to_ir and call functions through MCJIT."""

from __future__ import annotations

import ctypes

from nsc.frontend import FrontendOptions, c_to_ir
from nsc.ir import jit

C_TYPES = {
    "int": ctypes.c_int32,
    "unsigned": ctypes.c_uint32,
    "long": ctypes.c_int64,
    "ulong": ctypes.c_uint64,
    "char": ctypes.c_int8,
    "uchar": ctypes.c_uint8,
    "short": ctypes.c_int16,
    "float": ctypes.c_float,
    "double": ctypes.c_double,
    "bool": ctypes.c_uint8,
    "void": None,
}


class Program:
    """A compiled C translation unit whose functions can be called from Python."""

    def __init__(self, source: str, **options):
        options.setdefault("entry", "main_entry" if "main_entry" in source else None)
        self.compiled = c_to_ir(source, FrontendOptions(**options), filename="test.c")
        module = jit.parse_module(self.compiled.ir)
        tm = jit.target_machine(opt_level=0)
        jit.optimize(module, tm, 0)
        self.engine = jit.create_engine(module, tm)

    def function(self, name: str, ret: str, *args: str):
        address = self.engine.get_function_address(name)
        assert address, f"no function {name}"
        proto = ctypes.CFUNCTYPE(C_TYPES[ret], *(_arg_type(a) for a in args))
        return proto(address)

    def global_int(self, name: str, ctype=ctypes.c_int32):
        return ctype.from_address(self.engine.get_global_value_address(name))


def _arg_type(name: str):
    if name.endswith("*"):
        return ctypes.c_void_p
    return C_TYPES[name]


def call(source: str, name: str, ret: str, args: tuple = (), types: tuple[str, ...] | None = None):
    """Compile `source` and call `name(*args)`; argument types default to int."""
    program = Program(source, entry=name)
    types = types if types is not None else ("int",) * len(args)
    return program.function(name, ret, *types)(*args)
