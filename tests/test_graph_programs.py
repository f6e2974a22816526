"""Graph invariants on every examples/*.c and tests/programs/*.c, compiled and run through -O2,
and the text-reading builder checked against a reference that asks llvmlite for every value, on
those programs (as emitted, at -O0 and at -O2) and on IR with constructs the frontend rarely emits."""

from __future__ import annotations

import ctypes
import math
import re
from functools import cache
from pathlib import Path

import llvmlite.binding as llvm
import networkx as nx
import pytest
from test_graph import HAND_IR, check_invariants, hand_signature, named

from nsc.diagnostics import NscError
from nsc.ir.graph import _role, build_graph
from nsc.ir.irtext import read_module
from nsc.ir.module import IRModule
from nsc.ir.passes import run_passes
from nsc.signature import layout_places

REPO = Path(__file__).resolve().parent.parent
SOURCES = sorted((REPO / "examples").glob("*.c")) + sorted((REPO / "tests/programs").glob("*.c"))

try:
    from nsc.frontend.lower import compile_c  # noqa: F401

    FRONTEND = None
except ImportError as exc:  # the frontend is still being written
    FRONTEND = f"the frontend is not available yet: {exc}"


# IR with the constructs the frontend rarely or never emits, for the text reader
TRICKY_IR = r"""
%struct.S = type { i32, [2 x float], { half, double } }
%packed = type <{ i8, i32 }>

@g = global i32 0
@h = internal addrspace(1) global [4 x float] zeroinitializer
@"quoted name" = constant i8 7
@fp = global ptr @helper
@alias = alias i32, ptr @g

declare i32 @printf(ptr, ...)
declare void @llvm.memset.p0.i64(ptr writeonly, i8, i64, i1 immarg)
declare float @llvm.fabs.f32(float)
declare void @llvm.assume(i1)

define internal fastcc i32 @helper(i32 noundef %x, ptr nocapture readonly %p) #0 {
  %v = load atomic i32, ptr %p seq_cst, align 4
  %r = add nsw i32 %x, %v
  ret i32 %r
}

define { float, double } @"odd fn"(%struct.S %s, <4 x float> %v, ptr %q, i8 %b, half %hh, %packed %pk) {
entry:
  %"a b" = extractvalue %struct.S %s, 2, 1
  %f = extractvalue %struct.S %s, 1, 0
  %pf = extractvalue %packed %pk, 1
  %n = call range(i32 0, 10) i32 @helper(i32 -1, ptr null)
  %t = tail call fastcc i32 @helper(i32 %n, ptr @g)
  %ind = load ptr, ptr @fp, align 8
  %u = call i32 %ind(i32 255, ptr addrspacecast (ptr addrspace(1) @h to ptr))
  %w = call i32 @alias(i32 7, ptr @"quoted name")
  %pr = call i32 (ptr, ...) @printf(ptr @"quoted name", i32 %u, double 0x7FF8000000000000)
  call void @llvm.memset.p0.i64(ptr align 4 %q, i8 0, i64 16, i1 false)
  call void @llvm.assume(i1 true) [ "align"(ptr %q, i64 16), "nonnull"(ptr %q) ]
  %ab = call nnan float @llvm.fabs.f32(float 0x3FB99999A0000000)
  %sp = fadd fast <4 x float> %v, splat (float 1.000000e+00)
  %sh = shufflevector <4 x float> %sp, <4 x float> poison, <2 x i32> <i32 0, i32 3>
  %ee = extractelement <2 x float> %sh, i64 1
  %ie = insertelement <4 x float> %v, float %ee, i32 2
  %vc = fcmp olt <4 x float> %ie, zeroinitializer
  %vg = getelementptr inbounds i8, ptr %q, <2 x i64> <i64 1, i64 2>
  %gep = getelementptr inbounds nuw [4 x float], ptr addrspace(1) @h, i64 0, i64 2
  %hs = fadd half %hh, 0xH3C00
  %big = alloca i32, i64 4, align 4
  %one = alloca %struct.S, align 8
  %m8 = mul nuw i8 %b, -1
  %ext = zext nneg i8 %m8 to i32
  %fr = freeze i32 %ext
  %sel = select i1 false, i32 %fr, i32 undef
  %cmp = icmp samesign ult i32 %sel, 100
  br i1 %cmp, label %"then block", label %7

"then block":
  %neg = fneg float %f
  switch i32 %sel, label %7 [
    i32 0, label %"then block"
    i32 -3, label %9
  ]

7:
  %ph = phi float [ %neg, %"then block" ], [ 2.500000e+00, %entry ]
  %d = fpext float %ph to double
  %agg = insertvalue { float, double } undef, float %ph, 0
  %agg2 = insertvalue { float, double } %agg, double %d, 1
  ret { float, double } %agg2

9:
  unreachable
}

attributes #0 = { nounwind }
"""


@cache
def _compiled(path: Path):
    from nsc.frontend import c_to_ir

    try:
        return c_to_ir(path)
    except NscError as exc:
        pytest.skip(f"{path.name} does not compile as a whole file: {exc.message}")


@cache
def _optimized(path: Path, level: str) -> IRModule:
    return run_passes(_compiled(path).ir, level, verify_each=True).module


@pytest.mark.skipif(FRONTEND is not None, reason=FRONTEND or "")
@pytest.mark.parametrize("path", SOURCES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_compiled_program_graph_invariants(path):
    compiled = _compiled(path)
    optimized = _optimized(path, "O2")
    text = named(optimized.text)
    graph = build_graph(text, compiled.signature)
    check_invariants(text, graph, compiled.signature)
    canonical = run_passes(optimized, "canonicalize", verify_each=True).module
    assert build_graph(canonical).number_of_nodes() == graph.number_of_nodes()


@pytest.mark.skipif(FRONTEND is not None, reason=FRONTEND or "")
@pytest.mark.parametrize("path", SOURCES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_builder_matches_reference(path):
    compiled = _compiled(path)
    modules = [_optimized(path, "O0"), _optimized(path, "O2")]
    if path.parent.name == "examples":  # llvmlite.ir's printing, not LLVM's (O0 is close to it)
        modules.append(IRModule.of(compiled.ir))
    for ir in modules:
        assert_same_graph(
            build_graph(ir, compiled.signature), reference_graph(ir, compiled.signature)
        )


# --- the reference: the former builder, reading every fact through llvmlite ValueRefs ------------

VK = llvm.ValueKind
_SKIPPED = {VK.basic_block, VK.metadata_as_value}
_LATER = _SKIPPED | {VK.instruction, VK.argument}
_VARIABLES = {VK.global_variable, VK.function, VK.global_alias, VK.global_ifunc}
_VARIABLES |= {VK.instruction, VK.argument}


def _key(value: llvm.ValueRef) -> int:
    return ctypes.cast(value._ptr, ctypes.c_void_p).value


def _reference_value(op: llvm.ValueRef) -> float:
    if op.value_kind == VK.constant_int:
        # Fixed from the former builder, which read i8..i32 constants as unsigned (i32 -1 gave
        # 4294967295.0): llvmlite sign-extends from the 64-bit word, not from the type's width.
        width, value = op.type.type_width, op.get_constant_value()
        return float(value - (1 << width) if width > 1 and value >> (width - 1) & 1 else value)
    if op.value_kind == VK.constant_fp:
        return float(op.get_constant_value(round_fp=True))
    return 0.0


def reference_graph(ir, signature=None) -> nx.MultiDiGraph:
    """The program graph as the llvmlite-based builder made it (slow: ~0.5 ms an instruction)."""
    ref = IRModule.of(ir).ref
    graph = nx.MultiDiGraph()
    functions = [f for f in ref.functions if not f.is_declaration]
    declared = {_key(f): f.name for f in ref.functions if f.is_declaration}
    var_of, constants, entry, returns, firsts, rows = {}, {}, {}, {}, {}, []
    instruction_node = {}

    def node(**attrs) -> int:
        graph.add_node(graph.number_of_nodes(), **attrs)
        return graph.number_of_nodes() - 1

    def source(fn_name: str, kind, key: int, value) -> int:
        if kind in _VARIABLES:
            if key not in var_of:
                var_of[key] = node(kind="variable", text=str(value.type), function="")
            return var_of[key]
        text = str(value)
        if (fn_name, text) not in constants:
            constants[fn_name, text] = node(
                kind="constant",
                text=str(value.type),
                function=fn_name,
                value=_reference_value(value),
            )
        return constants[fn_name, text]

    for fn in functions:
        for arg in fn.arguments:
            var_of[_key(arg)] = node(kind="variable", text=str(arg.type), function=fn.name)
        returns[_key(fn)] = []
        for b, block in enumerate(fn.blocks):
            for instr in block.instructions:
                ops = [(op.value_kind, _key(op), op) for op in instr.operands]
                opcode = instr.opcode
                callee = ops[-1][1] if opcode == "call" and ops[-1][0] == VK.function else None
                attrs = {"kind": "instruction", "text": opcode, "function": fn.name, "block": b}
                if callee in declared:
                    attrs["callee"] = declared[callee]
                n = node(**attrs)
                instruction_node[_key(instr)] = n
                entry.setdefault(_key(fn), n)
                firsts.setdefault(_key(block), n)
                if opcode == "ret":
                    returns[_key(fn)].append(n)
                if callee is not None:
                    ops[-1] = None
                for op in ops:
                    if op is not None and op[0] not in _LATER:
                        source(fn.name, *op)
                rows.append((fn.name, n, _key(block), opcode, ops, callee))
                if str(instr.type) != "void":
                    var_of[_key(instr)] = node(
                        kind="variable", text=str(instr.type), function=fn.name
                    )
                    graph.add_edge(n, var_of[_key(instr)], flow="data", position=0)

    previous_block, previous = None, -1
    for fn_name, n, block_key, opcode, ops, callee in rows:
        if previous_block == block_key:
            graph.add_edge(previous, n, flow="control", position=0)
        previous_block, previous = block_key, n
        labels = [op[1] for op in ops if op is not None and op[0] == VK.basic_block]
        if opcode == "br" and len(labels) == 2:
            labels.reverse()
        for index, target in enumerate(labels):
            graph.add_edge(n, firsts[target], flow="control", position=index)
        for index, op in enumerate(ops):
            if op is not None and op[0] not in _SKIPPED:
                graph.add_edge(source(fn_name, *op), n, flow="data", position=index)
        if callee in entry:
            graph.add_edge(n, entry[callee], flow="call", position=0)
            for ret in returns[callee]:
                graph.add_edge(ret, n, flow="call", position=0)

    if signature is not None:
        fn = next(f for f in functions if f.name == signature.entry)
        args = list(fn.arguments)
        ports = (*signature.inputs, *signature.outputs)
        for param in sorted({p.param for p in ports}):
            names = list(dict.fromkeys(p.name for p in ports if p.param == param))
            targets = returns[_key(fn)] if param == -1 else [var_of[_key(args[param])]]
            role = _role(
                any(p.name in names for p in signature.inputs),
                any(p.name in names for p in signature.outputs),
            )
            for t in targets:
                graph.nodes[t].update(ports=names, role=role)
        _reference_elements(graph, fn, signature, instruction_node)
        graph.graph["entry"] = signature.entry
    return graph


_SIZES = {"half": 2, "float": 4, "double": 8, "i8": 1, "i16": 2, "i32": 4, "i64": 8}
_GEP = re.compile(r"= getelementptr (?:(?:inbounds|nuw|nusw) )*(\w+), ptr %[^,]+, i64 (-?\d+)$")
_INDICES = re.compile(r"((?:, \d+)+)$")


def _reference_elements(graph, fn, signature, instruction_node) -> None:  # noqa: ANN001
    """The `reads`/`writes` marks, from llvmlite's values and each instruction's own text."""
    offsets, paths = {}, {}  # value key -> (places by offset, offset) / (places by path, path)
    for param, arg in zip(signature.params, fn.arguments, strict=False):
        places = layout_places(param.name, param.layout)
        if param.passing == "pointer":
            offsets[_key(arg)] = ({p.offset: (p.label, p.size) for p in places}, 0)
        elif param.layout["kind"] in ("struct", "array"):
            paths[_key(arg)] = ({p.indices: p.label for p in places}, ())
    for block in fn.blocks:
        for instr in block.instructions:
            ops, text = list(instr.operands), str(instr).strip()
            n = instruction_node[_key(instr)]
            gep = _GEP.search(text)
            if instr.opcode == "getelementptr" and gep and _key(ops[0]) in offsets:
                places, at = offsets[_key(ops[0])]
                offsets[_key(instr)] = (places, at + int(gep[2]) * _SIZES.get(gep[1], 0))
            elif instr.opcode in ("load", "store"):
                pointer, value = (ops[0], instr) if instr.opcode == "load" else (ops[1], ops[0])
                if _key(pointer) in offsets:
                    places, at = offsets[_key(pointer)]
                    kind = str(value.type)
                    lanes, element = 1, kind
                    if kind.startswith("<"):
                        lanes, element = int(kind[1:].split(" x ")[0]), kind.split(" x ")[1][:-1]
                    size = _SIZES.get(element, 0)
                    found = [places.get(at + k * size, ("", 0)) for k in range(lanes)]
                    labels = [label for label, width in found if width == size]
                    if size and labels:
                        key = "reads" if instr.opcode == "load" else "writes"
                        graph.nodes[n].setdefault(key, []).extend(labels)
            elif instr.opcode == "extractvalue" and _key(ops[0]) in paths:
                places, prefix = paths[_key(ops[0])]
                path = prefix + tuple(int(i) for i in _INDICES.search(text)[1][2:].split(", "))
                if path in places:
                    graph.nodes[n].setdefault("reads", []).append(places[path])
                else:
                    paths[_key(instr)] = (places, path)


def _comparable(items: list) -> list:
    """Items with NaN values replaced by a marker (NaN != NaN would fail any comparison)."""
    return [
        (
            *item[:-1],
            {
                k: "nan" if isinstance(v, float) and math.isnan(v) else v
                for k, v in item[-1].items()
            },
        )
        for item in items
    ]


def assert_same_graph(graph: nx.MultiDiGraph, reference: nx.MultiDiGraph) -> None:
    """Same nodes in the same order, same edges with the same keys, in- and out-order alike."""
    assert _comparable(list(graph.nodes(data=True))) == _comparable(
        list(reference.nodes(data=True))
    )
    assert list(graph.edges(keys=True, data=True)) == list(reference.edges(keys=True, data=True))
    in_edges = list(graph.in_edges(keys=True, data=True))
    assert in_edges == list(reference.in_edges(keys=True, data=True))
    assert graph.graph == reference.graph


def test_builder_matches_reference_on_hand_ir():
    for pipeline in ("O0", "O2", "instnamer"):
        ir = run_passes(HAND_IR, pipeline).module
        assert_same_graph(build_graph(ir, hand_signature()), reference_graph(ir, hand_signature()))
    assert_same_graph(build_graph(HAND_IR), reference_graph(HAND_IR))


def test_builder_matches_reference_on_tricky_ir():
    module = IRModule.of(TRICKY_IR)  # one parse: struct names depend on what was parsed before
    assert_same_graph(build_graph(module), reference_graph(module))
    named_module = run_passes(module, "instnamer").module
    assert_same_graph(build_graph(named_module), reference_graph(named_module))


def test_comparison_catches_a_difference():
    graph, reference = build_graph(HAND_IR), reference_graph(HAND_IR)
    graph.nodes[3]["text"] = "mystery"
    with pytest.raises(AssertionError):
        assert_same_graph(graph, reference)
    graph = build_graph(HAND_IR)
    u, v, k = next(iter(graph.edges(keys=True)))
    graph.remove_edge(u, v, k)
    graph.add_edge(u, v, k, **reference.edges[u, v, k])  # same edge set, another order
    with pytest.raises(AssertionError):
        assert_same_graph(graph, reference)


def test_read_module_tricky_ir():
    module = read_module(str(IRModule.of(TRICKY_IR).ref))
    assert [fn.name for fn in module.functions] == ["helper", "odd fn"]
    odd = module.functions[1]
    assert [b.label for b in odd.blocks] == ["%entry", '%"then block"', "%0", "%1"]
    assert [b.label for b in module.functions[0].blocks] == [None]
    # llvmlite parses into one global context: a struct name seen before gets a suffix (.0, .1)
    assert odd.args[0][0] == "%s" and odd.args[0][1].startswith("%struct.S")
    assert module.type_text(odd.args[5][1]).endswith(" = type <{ i8, i32 }>")
    assert module.declared["@llvm.assume"] == "llvm.assume"
    assert module.symbols["@h"] == "ptr addrspace(1)"
    types = {i.result: i.type for b in odd.blocks for i in b.instructions}
    assert types['%"a b"'] == "double" and types["%pf"] == "i32" and types["%vg"] == "<2 x ptr>"


def test_graph_reads_narrow_negative_integers_signed():
    g = build_graph(TRICKY_IR)
    values = {(d["text"], d["value"]) for _, d in g.nodes(data=True) if d["kind"] == "constant"}
    assert ("i32", -1.0) in values and ("i8", -1.0) in values
