"""The program graph: a ProGraML-style graph of an LLVM IR module, as a networkx.MultiDiGraph.

Nodes (integer ids in insertion order: per defined function, its arguments, then each block's
instructions, each followed by the variable its result defines; constants and globals as met):
- instruction: text = opcode, function, block (index within the function), callee for calls to
  declared functions (libm, intrinsics);
- variable: text = type; an SSA value, a function argument, or a global;
- constant: text = type, value = the number (integers signed, i1 as 0/1; 0.0 for null, undef,
  vectors, aggregates, expressions); one node per distinct constant per function.
Edges carry `flow` (control, data, call) and an integer `position`:
- control: instruction -> next instruction of its block (0); terminator -> first instruction of
  each successor block (the successor index);
- data: instruction -> its result variable (0); variable or constant -> each user instruction
  (the operand index; a repeated operand gives parallel edges; a phi has one per incoming value);
- call: call site -> callee's first instruction (0), each callee return -> call site (0).
With a signature, the entry's argument variables of ports get `ports` (port names) and `role`,
and the entry's return instructions get the return ports (`['return']` for a scalar return).
The entry's loads and extractvalues that read one scalar of a parameter at a constant place get
`reads`, its stores that write one get `writes`: lists of labels such as `w[3]` or `p.g`
(`nsc.signature.element_label`), so the scalars of an array or struct parameter, which share
one argument node, can be told apart.

The builder reads LLVM's printing of the module in one pass (`nsc.ir.irtext`) rather than asking
llvmlite for each value's properties (25-100 us a call). `program_graph` returns the graph as plain
lists (`ProgramGraph`), which is all the hypernetwork's encoding needs, so `nscc` never imports
networkx (about 0.3 s); `build_graph` returns the same graph as a networkx.MultiDiGraph, filled in
bulk.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from nsc.diagnostics import NscError
from nsc.ir.irtext import Instruction, IRTextError, Module, Operand, constant_value, read_module
from nsc.ir.module import IRModule
from nsc.signature import Place, Signature, layout_places

if TYPE_CHECKING:
    import networkx as nx

FORMATS = ("dot", "json", "graphml")
_NOT_VALUES = ("label", "metadata")


class _Builder:
    """Lays out nodes and edges in the order the graph takes them, then hands both to networkx in
    bulk (one add call per node or edge costs more than reading the IR)."""

    def __init__(self, module: Module):
        self.module = module
        self.functions = {fn.token for fn in module.functions} | module.declared.keys()
        self.nodes: list[tuple[int, dict]] = []
        self.edges: list[tuple[int, int, dict]] = []
        self.symbols: dict[str, int] = {}  # global name -> variable node
        self.constants: dict[tuple[str, str, str], int] = {}
        self.arguments: dict[str, list[int]] = {}  # function name -> argument variable nodes
        self.entry_instruction: dict[str, int] = {}  # function name -> first instruction node
        self.returns: dict[str, list[int]] = {}  # function name -> return instruction nodes
        # per instruction: node, block id, instruction, callee, function, locals, block starts
        self.rows: list[tuple] = []

    def node(self, attrs: dict) -> int:
        index = len(self.nodes)
        self.nodes.append((index, attrs))
        return index

    def add_nodes(self) -> None:
        block_id = 0
        for fn in self.module.functions:
            name, type_text = fn.name, self.module.type_text
            local = {
                arg: self.node({"kind": "variable", "text": type_text(t), "function": name})
                for arg, t in fn.args
            }
            self.arguments[fn.token] = list(local.values())
            self.returns[fn.token] = []
            starts: dict[str | None, int] = {}  # block name -> first instruction node
            for b, block in enumerate(fn.blocks):
                block_id += 1
                for instr in block.instructions:
                    callee = self._callee(instr)
                    node = self._add_instruction(fn.token, name, b, instr, callee, local)
                    starts.setdefault(block.label, node)
                    self.rows.append((node, block_id, instr, callee, name, local, starts))

    def _callee(self, instr: Instruction) -> str | None:
        """The function a call calls directly; None for other instructions and indirect calls."""
        if instr.opcode != "call":
            return None
        last = instr.operands[-1]
        return last.text if last.kind == "global" and last.text in self.functions else None

    def _add_instruction(
        self,
        fn_token: str,
        fn_name: str,
        block: int,
        instr: Instruction,
        callee: str | None,
        local: dict,
    ) -> int:
        attrs = {"kind": "instruction", "text": instr.opcode, "function": fn_name, "block": block}
        if callee in self.module.declared:
            attrs["callee"] = self.module.declared[callee]
        node = self.node(attrs)
        self.entry_instruction.setdefault(fn_token, node)
        if instr.opcode == "ret":
            self.returns[fn_token].append(node)
        ops = instr.operands[:-1] if callee is not None else instr.operands
        for op in ops:  # constants and globals get their nodes next to their first user
            if op.kind == "constant" or op.kind == "global":
                self._source(fn_name, local, op)
        if instr.type != "void":
            text = self.module.type_text(instr.type)
            var = self.node({"kind": "variable", "text": text, "function": fn_name})
            local[instr.result] = var
            self.edges.append((node, var, {"flow": "data", "position": 0}))
        return node

    def add_edges(self) -> None:
        edges = self.edges
        previous_block, previous = None, -1
        for node, block_id, instr, callee, fn_name, local, starts in self.rows:
            if previous_block == block_id:
                edges.append((previous, node, {"flow": "control", "position": 0}))
            previous_block, previous = block_id, node
            ops = instr.operands
            labels = [op.text for op in ops if op.kind == "label"]
            if instr.opcode == "br" and len(labels) == 2:
                labels.reverse()  # a conditional br's operands are cond, false, true
            for index, target in enumerate(labels):
                edges.append((node, starts[target], {"flow": "control", "position": index}))
            last = len(ops) - 1 if callee is not None else len(ops)  # the callee is no data
            for index, op in enumerate(ops[:last]):
                if op.kind not in _NOT_VALUES:
                    source = self._source(fn_name, local, op)
                    edges.append((source, node, {"flow": "data", "position": index}))
            if callee in self.entry_instruction:
                edges.append(
                    (node, self.entry_instruction[callee], {"flow": "call", "position": 0})
                )
                for ret in self.returns[callee]:
                    edges.append((ret, node, {"flow": "call", "position": 0}))

    def _source(self, fn_name: str, local: dict[str, int], op: Operand) -> int:
        """The node an operand's value comes from, made on first use for globals and constants."""
        if op.kind == "local":
            if op.text not in local:
                raise IRTextError(f"{op.text} is used in {fn_name} but defined nowhere")
            return local[op.text]
        if op.kind == "global":
            if op.text not in self.symbols:
                text = self.module.symbols.get(op.text, op.type)
                self.symbols[op.text] = self.node(
                    {"kind": "variable", "text": text, "function": ""}
                )
            return self.symbols[op.text]
        key = (fn_name, op.type, op.text)
        if key not in self.constants:
            self.constants[key] = self.node(
                {
                    "kind": "constant",
                    "text": self.module.type_text(op.type),
                    "function": fn_name,
                    "value": constant_value(op.type, op.text),
                }
            )
        return self.constants[key]


@dataclass
class ProgramGraph:
    """The program graph as lists: node `i` has the attributes `nodes[i]`; `edges` holds
    `(source, target, attributes)` in the order the builder made them."""

    nodes: list[dict] = field(default_factory=list)
    edges: list[tuple[int, int, dict]] = field(default_factory=list)
    entry: str | None = None

    def number_of_nodes(self) -> int:
        return len(self.nodes)

    def number_of_edges(self) -> int:
        return len(self.edges)

    def adjacency_edges(self) -> Iterator[tuple[int, int, dict]]:
        """The edges in the order networkx's `edges(data=True)` lists them: by source node, then
        by target in order of first edge, then parallel edges in order."""
        succ: list[dict[int, list[dict]]] = [{} for _ in self.nodes]
        for u, v, attrs in self.edges:
            succ[u].setdefault(v, []).append(attrs)
        for u, targets in enumerate(succ):
            for v, parallel in targets.items():
                for attrs in parallel:
                    yield u, v, attrs

    def to_networkx(self) -> nx.MultiDiGraph:
        """The same graph as a networkx.MultiDiGraph (sharing the attribute dicts)."""
        graph = _filled(list(enumerate(self.nodes)), self.edges)
        if self.entry is not None:
            graph.graph["entry"] = self.entry
        return graph


def program_graph(ir: str | IRModule, signature: Signature | None = None) -> ProgramGraph:
    """Build the program graph of a module as lists, marking the signature's ports if given."""
    module = IRModule.of(ir)
    builder = _Builder(read_module(str(module.ref)))  # LLVM's own printing, whatever came in
    builder.add_nodes()
    builder.add_edges()
    graph = ProgramGraph([attrs for _, attrs in builder.nodes], builder.edges)
    if signature is not None:
        _mark_ports(graph, builder, signature)
        _mark_elements(graph, builder, signature)
        graph.entry = signature.entry
    return graph


def build_graph(ir: str | IRModule, signature: Signature | None = None) -> nx.MultiDiGraph:
    """Build the program graph of a module, marking the signature's ports if one is given."""
    return program_graph(ir, signature).to_networkx()


def _filled(nodes: list[tuple[int, dict]], edges: list[tuple[int, int, dict]]) -> nx.MultiDiGraph:
    """A MultiDiGraph with these nodes and edges, as add_nodes_from and add_edges_from would make
    it, but written straight into its adjacency dicts: networkx's per-edge bookkeeping costs ~15 us
    an edge, more than reading the IR. Falls back to the public calls if the layout is not the one
    networkx 3 documents (dicts of dicts, keys counted from 0 per node pair)."""
    import networkx as nx

    graph = nx.MultiDiGraph()
    factories = ("node_dict_factory", "adjlist_inner_dict_factory", "edge_key_dict_factory")
    if not all(getattr(graph, f, None) is dict for f in factories) or graph.number_of_nodes():
        graph.add_nodes_from(nodes)
        graph.add_edges_from(edges)
        return graph
    node_attrs, succ, pred = graph._node, graph._succ, graph._pred
    for node, attrs in nodes:
        node_attrs[node] = attrs
        succ[node] = {}
        pred[node] = {}
    for u, v, attrs in edges:
        keys = succ[u].get(v)
        if keys is None:
            keys = succ[u][v] = pred[v][u] = {}
        keys[len(keys)] = attrs
    return graph


def _mark_ports(graph: ProgramGraph, builder: _Builder, signature: Signature) -> None:
    entry = next((f for f in builder.module.functions if f.name == signature.entry), None)
    if entry is None:
        raise NscError(f"the signature's entry {signature.entry!r} is not defined in the IR")
    args = builder.arguments[entry.token]
    inputs = {p.name for p in signature.inputs}
    outputs = {p.name for p in signature.outputs}
    for param in sorted({p.param for p in (*signature.inputs, *signature.outputs)}):
        names = [p.name for p in (*signature.inputs, *signature.outputs) if p.param == param]
        names = list(dict.fromkeys(names))
        if param == -1:
            targets = builder.returns[entry.token]
        elif 0 <= param < len(args):
            targets = [args[param]]
        else:
            raise NscError(f"port {names[0]!r} names parameter {param}; the entry has {len(args)}")
        role = _role(any(n in inputs for n in names), any(n in outputs for n in names))
        for node in targets:
            graph.nodes[node]["ports"] = names
            graph.nodes[node]["role"] = role


def _mark_elements(graph: ProgramGraph, builder: _Builder, signature: Signature) -> None:
    """Mark the entry's instructions that read or write one scalar of a parameter: a load or
    store through the parameter's pointer at a constant offset (directly, or through constant
    getelementptrs), or an extractvalue of a parameter passed by value. Such a node gets
    `reads` or `writes`, the labels (`element_label`) of the scalars it touches, so the
    hypernetwork can tell `w[3]` from `w[4]`, which share one argument node. Accesses at an
    offset that varies (a loop that was not unrolled) are not marked."""
    entry = next(f for f in builder.module.functions if f.name == signature.entry)
    pointers: dict[str, tuple[dict[int, Place], int]] = {}  # SSA name -> (places, offset)
    aggregates: dict[str, tuple[dict[tuple[int, ...], Place], tuple[int, ...]]] = {}
    for param, (arg, _) in zip(signature.params, entry.args, strict=False):
        places = layout_places(param.name, param.layout)
        if param.passing == "pointer":
            pointers[arg] = ({p.offset: p for p in places}, 0)
        elif param.layout["kind"] in ("struct", "array"):
            aggregates[arg] = ({p.indices: p for p in places}, ())
    if not pointers and not aggregates:
        return
    for node, _, instr, _, fn_name, _, _ in builder.rows:
        if fn_name != signature.entry:
            continue
        ops, opcode = instr.operands, instr.opcode
        if opcode == "getelementptr" and ops[0].text in pointers:
            step = _scalar_bytes(instr.source_type or "")
            index = ops[1].text if len(ops) == 2 and ops[1].kind == "constant" else None
            if step and index is not None and index.lstrip("-").isdigit():
                places, offset = pointers[ops[0].text]
                pointers[instr.result] = (places, offset + int(index) * step)
        elif opcode == "load" and ops[0].text in pointers:
            _touch(graph, node, "reads", *pointers[ops[0].text], instr.type)
        elif opcode == "store" and ops[1].text in pointers:
            _touch(graph, node, "writes", *pointers[ops[1].text], ops[0].type)
        elif opcode == "extractvalue" and ops[0].text in aggregates:
            places, prefix = aggregates[ops[0].text]
            path = (*prefix, *instr.indices)
            if path in places:
                graph.nodes[node].setdefault("reads", []).append(places[path].label)
            else:
                aggregates[instr.result] = (places, path)


def _touch(
    graph: ProgramGraph, node: int, key: str, places: dict[int, Place], offset: int, type_: str
) -> None:
    """Label `node` with the scalars a scalar or vector access of `type_` at `offset` covers."""
    lanes, element = 1, type_
    if type_.startswith("<") and " x " in type_:
        lanes, element = int(type_[1 : type_.index(" x ")]), type_[type_.index(" x ") + 3 : -1]
    size = _scalar_bytes(element)
    at = [places.get(offset + k * size) for k in range(lanes)]
    labels = [p.label for p in at if p is not None and p.size == size]  # not a reinterpretation
    if size and labels:
        graph.nodes[node].setdefault(key, []).extend(labels)


def _scalar_bytes(type_: str) -> int:
    """Bytes of an LLVM scalar type (0 for aggregates and anything unknown)."""
    if type_ in _SCALAR_BYTES:
        return _SCALAR_BYTES[type_]
    if type_[:1] == "i" and type_[1:].isdigit() and int(type_[1:]) % 8 == 0:
        return int(type_[1:]) // 8
    return 0


_SCALAR_BYTES = {"half": 2, "bfloat": 2, "float": 4, "double": 8, "ptr": 8}


def _role(is_input: bool, is_output: bool) -> str:
    if is_input and is_output:
        return "inout"
    return "input" if is_input else "output"


def write_graph(
    graph: nx.MultiDiGraph | ProgramGraph, path: str | os.PathLike, format: str = "json"
) -> None:
    """Write a program graph as dot, node-link json or graphml, atomically."""
    if format not in FORMATS:
        raise NscError(f"unknown graph format {format!r} (use one of: {', '.join(FORMATS)})")
    import networkx as nx

    if isinstance(graph, ProgramGraph):
        graph = graph.to_networkx()
    if format == "json":
        data = nx.node_link_data(graph, edges="edges")
        for node in data["nodes"]:  # JSON has no inf or nan: json.dumps would write `Infinity`
            value = node.get("value")
            if isinstance(value, float) and not math.isfinite(value):
                node["value"] = str(value)  # "inf", "-inf", "nan"
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
        for key, arrow in (("reads", "<-"), ("writes", "->")):
            if attrs.get(key):
                label += f" {arrow} " + ", ".join(attrs[key])
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
    import networkx as nx

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
    """Atomically, with the mode every nsc output gets (`nsc.fileio`, imported here: it imports
    numpy, which building a graph does not need)."""
    from nsc.fileio import atomic_write_bytes

    atomic_write_bytes(path, text.encode(), sync=False)
