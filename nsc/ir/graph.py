"""The program graph: a ProGraML-style networkx.MultiDiGraph of an LLVM IR module.

Nodes (integer ids in insertion order: per defined function, its arguments, then each block's
instructions, each followed by the variable its result defines; constants and globals as met):
- instruction: text = opcode, function, block (index within the function), callee for calls to
  declared functions (libm, intrinsics);
- variable: text = type; an SSA value, a function argument, or a global;
- constant: text = type, value = the number (0.0 for null, undef, aggregates, expressions);
  one node per distinct constant per function.
Edges carry `flow` (control, data, call) and an integer `position`:
- control: instruction -> next instruction of its block (0); terminator -> first instruction of
  each successor block (the successor index);
- data: instruction -> its result variable (0); variable or constant -> each user instruction
  (the operand index; a repeated operand gives parallel edges; a phi has one per incoming value);
- call: call site -> callee's first instruction (0), each callee return -> call site (0).
With a signature, the entry's argument variables of ports get `ports` (port names) and `role`,
and the entry's return instructions get the return ports (`['return']` for a scalar return).
"""

from __future__ import annotations

import ctypes
import json
import os
import tempfile
from pathlib import Path

import llvmlite.binding as llvm
import networkx as nx

from nsc.diagnostics import NscError
from nsc.ir.module import IRModule
from nsc.signature import Signature

VK = llvm.ValueKind
FORMATS = ("dot", "json", "graphml")
_SKIPPED_OPERANDS = {VK.basic_block, VK.metadata_as_value}
_SYMBOLS = {VK.global_variable, VK.function, VK.global_alias, VK.global_ifunc}
_CALLS = {"call", "invoke", "callbr"}
_LATER = _SKIPPED_OPERANDS | {VK.instruction, VK.argument}
_VARIABLES = _SYMBOLS | {VK.instruction, VK.argument}


def value_key(value: llvm.ValueRef) -> int:
    """The identity of an LLVM value: its address (ValueRefs are fresh wrappers on each access)."""
    return ctypes.cast(value._ptr, ctypes.c_void_p).value


def successors(terminator: llvm.ValueRef) -> list[llvm.ValueRef]:
    """A terminator's successor blocks in LLVM's successor order (br: true then false)."""
    labels = [op for op in terminator.operands if op.value_kind == VK.basic_block]
    if terminator.opcode == "br" and len(labels) == 2:
        labels.reverse()  # a conditional br stores its operands as cond, false, true
    return labels


def direct_callee(call: llvm.ValueRef) -> int | None:
    """The address of the function a call instruction calls directly; None for indirect calls."""
    return _callee(call.opcode, [(op.value_kind, value_key(op), op) for op in call.operands])


def _callee(opcode: str, ops: list) -> int | None:
    if opcode in _CALLS and ops and ops[-1][0] == VK.function:
        return ops[-1][1]
    return None


class _Builder:
    """Walks the module once for nodes and once for edges, touching each LLVM value as little as
    possible (every llvmlite property is a locked FFI call)."""

    def __init__(self, ref: llvm.ModuleRef):
        self.graph = nx.MultiDiGraph()
        self.declared = {value_key(f): f.name for f in ref.functions if f.is_declaration}
        self.functions = [f for f in ref.functions if not f.is_declaration]
        self.var_of: dict[int, int] = {}  # value address -> variable node
        self.constants: dict[tuple[str, str], int] = {}
        self.entry_instruction: dict[int, int] = {}  # function address -> first instruction node
        self.returns: dict[int, list[int]] = {}  # function address -> return instruction nodes
        self.first_of_block: dict[int, int] = {}  # block address -> first instruction node
        self.rows: list[
            tuple
        ] = []  # (function name, node, block address, opcode, operands, callee)

    def node(self, **attrs) -> int:
        index = self.graph.number_of_nodes()
        self.graph.add_node(index, **attrs)
        return index

    def add_nodes(self) -> None:
        for fn in self.functions:
            name = fn.name
            for arg in fn.arguments:
                self.var_of[value_key(arg)] = self.node(
                    kind="variable", text=str(arg.type), function=name
                )
            fn_key = value_key(fn)
            self.returns[fn_key] = []
            for b, block in enumerate(fn.blocks):
                block_key = value_key(block)
                for instr in block.instructions:
                    self._add_instruction(name, fn_key, b, block_key, instr)

    def _add_instruction(
        self, fn_name: str, fn_key: int, block: int, block_key: int, instr: llvm.ValueRef
    ) -> None:
        opcode = instr.opcode
        ops: list = [(op.value_kind, value_key(op), op) for op in instr.operands]
        callee = _callee(opcode, ops)
        attrs = {"kind": "instruction", "text": opcode, "function": fn_name, "block": block}
        if callee in self.declared:
            attrs["callee"] = self.declared[callee]
        node = self.node(**attrs)
        self.entry_instruction.setdefault(fn_key, node)
        self.first_of_block.setdefault(block_key, node)
        if opcode == "ret":
            self.returns[fn_key].append(node)
        if callee is not None:
            ops[-1] = None  # the callee is a call edge, not data
        for op in ops:  # constants and globals get their nodes next to their first user
            if op is not None and op[0] not in _LATER:
                self._source(fn_name, op)
        self.rows.append((fn_name, node, block_key, opcode, ops, callee))
        type_text = str(instr.type)
        if type_text != "void":
            var = self.node(kind="variable", text=type_text, function=fn_name)
            self.var_of[value_key(instr)] = var
            self.graph.add_edge(node, var, flow="data", position=0)

    def add_edges(self) -> None:
        add_edge = self.graph.add_edge
        previous_block, previous = None, -1
        for fn_name, node, block_key, opcode, ops, callee in self.rows:
            if previous_block == block_key:
                add_edge(previous, node, flow="control", position=0)
            previous_block, previous = block_key, node
            labels = [op[1] for op in ops if op is not None and op[0] == VK.basic_block]
            if opcode == "br" and len(labels) == 2:
                labels.reverse()  # a conditional br stores its operands as cond, false, true
            for index, target in enumerate(labels):
                add_edge(node, self.first_of_block[target], flow="control", position=index)
            for index, op in enumerate(ops):
                if op is not None and op[0] not in _SKIPPED_OPERANDS:
                    add_edge(self._source(fn_name, op), node, flow="data", position=index)
            if callee is not None and callee in self.entry_instruction:
                add_edge(node, self.entry_instruction[callee], flow="call", position=0)
                for ret in self.returns[callee]:
                    add_edge(ret, node, flow="call", position=0)

    def _source(self, fn_name: str, op: tuple) -> int:
        kind, key, value = op
        if kind in _VARIABLES:
            if key not in self.var_of:  # a global or a function used as a value
                self.var_of[key] = self.node(kind="variable", text=str(value.type), function="")
            return self.var_of[key]
        text = str(value)
        if (fn_name, text) not in self.constants:
            self.constants[fn_name, text] = self.node(
                kind="constant", text=str(value.type), function=fn_name, value=constant_value(value)
            )
        return self.constants[fn_name, text]


def constant_value(op: llvm.ValueRef) -> float:
    """The numeric value of an int or float constant; 0.0 for any other constant."""
    kind = op.value_kind
    if kind == VK.constant_int:
        return float(op.get_constant_value(signed_int=op.type.type_width > 1))
    if kind == VK.constant_fp:
        return float(op.get_constant_value(round_fp=True))
    return 0.0


def build_graph(ir: str | IRModule, signature: Signature | None = None) -> nx.MultiDiGraph:
    """Build the program graph of a module, marking the signature's ports if one is given."""
    module = IRModule.of(ir)
    builder = _Builder(module.ref)
    builder.add_nodes()
    builder.add_edges()
    graph = builder.graph
    if signature is not None:
        _mark_ports(graph, builder, signature)
        graph.graph["entry"] = signature.entry
    return graph


def _mark_ports(graph: nx.MultiDiGraph, builder: _Builder, signature: Signature) -> None:
    entry = next((f for f in builder.functions if f.name == signature.entry), None)
    if entry is None:
        raise NscError(f"the signature's entry {signature.entry!r} is not defined in the IR")
    args = list(entry.arguments)
    inputs = {p.name for p in signature.inputs}
    outputs = {p.name for p in signature.outputs}
    for param in sorted({p.param for p in (*signature.inputs, *signature.outputs)}):
        names = [p.name for p in (*signature.inputs, *signature.outputs) if p.param == param]
        names = list(dict.fromkeys(names))
        if param == -1:
            targets = builder.returns[value_key(entry)]
        elif 0 <= param < len(args):
            targets = [builder.var_of[value_key(args[param])]]
        else:
            raise NscError(f"port {names[0]!r} names parameter {param}; the entry has {len(args)}")
        role = _role(any(n in inputs for n in names), any(n in outputs for n in names))
        for node in targets:
            graph.nodes[node]["ports"] = names
            graph.nodes[node]["role"] = role


def _role(is_input: bool, is_output: bool) -> str:
    if is_input and is_output:
        return "inout"
    return "input" if is_input else "output"


def write_graph(graph: nx.MultiDiGraph, path: str | os.PathLike, format: str = "json") -> None:
    """Write a program graph as dot, node-link json or graphml, atomically."""
    if format not in FORMATS:
        raise NscError(f"unknown graph format {format!r} (use one of: {', '.join(FORMATS)})")
    if format == "json":
        data = nx.node_link_data(graph, edges="edges")
        text = json.dumps(data, indent=1, sort_keys=True)
    elif format == "graphml":
        text = "\n".join(nx.generate_graphml(_graphml_safe(graph)))
    else:
        text = to_dot(graph)
    _write_atomic(Path(path), text)


def to_dot(graph: nx.MultiDiGraph) -> str:
    """Graphviz dot text: instructions as boxes, variables as ellipses, constants as diamonds."""
    shapes = {"instruction": "box", "variable": "ellipse", "constant": "diamond"}
    colors = {"control": "blue", "data": "red", "call": "darkgreen"}
    lines = ["digraph program {"]
    for node, attrs in graph.nodes(data=True):
        label = attrs.get("text", "")
        if attrs.get("kind") == "constant":
            label += f" {attrs.get('value', 0.0):g}"
        if "ports" in attrs:
            label += " [" + ", ".join(attrs["ports"]) + "]"
        shape = shapes.get(attrs.get("kind"), "box")
        lines.append(f"  n{node} [label={_dot_quote(label)}, shape={shape}];")
    for u, v, attrs in graph.edges(data=True):
        flow = attrs.get("flow", "")
        color = colors.get(flow, "black")
        lines.append(
            f"  n{u} -> n{v} [color={color}, label={_dot_quote(str(attrs.get('position', 0)))}];"
        )
    lines.append("}")
    return "\n".join(lines) + "\n"


def _dot_quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _graphml_safe(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy whose attribute values are graphml types (lists joined by commas, None dropped)."""
    safe = nx.MultiDiGraph()
    safe.graph.update({k: _scalar(v) for k, v in graph.graph.items() if v is not None})
    for node, attrs in graph.nodes(data=True):
        safe.add_node(node, **{k: _scalar(v) for k, v in attrs.items() if v is not None})
    for u, v, key, attrs in graph.edges(keys=True, data=True):
        safe.add_edge(u, v, key=key, **{k: _scalar(x) for k, x in attrs.items() if x is not None})
    return safe


def _scalar(value):
    if isinstance(value, (list, tuple)):
        return ",".join(str(v) for v in value)
    if isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
