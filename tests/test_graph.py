"""Program graph invariants on hand-written IR, plus serialization.

The checks compare the graph against facts read independently from the IR *text* (after
`instnamer`, so every value and block has a name): def-use, successors and call sites.
"""

from __future__ import annotations

import json
import re
from collections import Counter, deque

import networkx as nx
import pytest

from nsc.diagnostics import NscError
from nsc.ir.graph import build_graph, to_dot, write_graph
from nsc.ir.irtext import (
    IRTextError,
    constant_value,
    parse_instruction,
    split_top,
    split_type,
    typed_argument,
)
from nsc.ir.passes import run_passes
from nsc.signature import Param, Signature, leaf_ports

HAND_IR = r"""
define internal double @sq(double %x) {
entry:
  %r = fmul double %x, %x
  ret double %r
}

define double @f(double %a, ptr %out, i32 %n) {
entry:
  %c = fcmp olt double %a, 0.0
  br i1 %c, label %neg, label %loop
neg:
  %m = fneg double %a
  br label %loop
loop:
  %i = phi i32 [0, %entry], [0, %neg], [%i1, %loop]
  %acc = phi double [%a, %entry], [%m, %neg], [%acc1, %loop]
  %s = call double @sq(double %acc)
  %acc1 = fadd double %s, 1.5
  store double %acc1, ptr %out
  %i1 = add i32 %i, 1
  %d = icmp slt i32 %i1, %n
  br i1 %d, label %loop, label %exit
exit:
  %e = call double @llvm.fabs.f64(double %acc1)
  %s2 = call double @sq(double %e)
  switch i32 %n, label %d1 [ i32 1, label %d2
                             i32 2, label %d2 ]
d1:
  ret double %s2
d2:
  ret double -2.0
}

declare double @llvm.fabs.f64(double)
"""


def hand_signature() -> Signature:
    scalar = {"kind": "float", "bits": 64}
    params = (
        Param("a", "value", scalar, "input"),
        Param("out", "pointer", scalar, "output"),
        Param("n", "value", {"kind": "int", "bits": 32, "signed": True}, "input"),
    )
    inputs = (*leaf_ports("a", scalar, 0), *leaf_ports("n", params[2].layout, 2))
    outputs = (*leaf_ports("out", scalar, 1), *leaf_ports("return", scalar, -1))
    return Signature("f", params, inputs, outputs, returns=scalar)


# --- an independent reading of the IR text ------------------------------------------------------

_DEFINE = re.compile(r"^define .*?@([-\w.$]+)\((.*)\).*\{$")
_LABEL = re.compile(r"^([-\w.$]+):")
_RESULT = re.compile(r"^\s+%([-\w.$]+) = ")
_LOCAL = re.compile(r"(label )?%([-\w.$]+)")


def read_text(text: str) -> dict:
    """Instructions in order with their local operands and successors, from named IR text."""
    instructions, functions, defines = [], {}, {}
    fn, blocks = None, set()
    lines = text.splitlines()
    for line in lines:  # first pass: block names per function
        if m := _DEFINE.match(line):
            fn = m.group(1)
            functions[fn] = {"blocks": [], "args": re.findall(r"%([-\w.$]+)", m.group(2))}
        elif fn and (m := _LABEL.match(line)):
            functions[fn]["blocks"].append(m.group(1))
    fn = None
    for line in _join_continuations(lines):
        if m := _DEFINE.match(line):
            fn, blocks = m.group(1), set(functions[m.group(1)]["blocks"])
            for k, arg in enumerate(functions[fn]["args"]):
                defines[fn, arg] = ("arg", fn, k)
            continue
        if fn is None or not line.startswith("  ") or line.strip().startswith(";"):
            if line.startswith("}"):
                fn = None
            continue
        body = line.split(", !")[0]
        result = _RESULT.match(body)
        rhs = body[result.end() :] if result else body
        operands, targets = [], []
        for label, name in _LOCAL.findall(rhs):
            (targets if label else operands).append(name) if label or name not in blocks else None
        opcode = re.sub(r"^(tail|musttail|notail) ", "", rhs.strip()).split()[0]
        callee = re.search(r"@([-\w.$]+)\(", rhs) if opcode == "call" else None
        if opcode == "call" and callee is None and re.search(r"%[-\w.$\"]+\(", rhs):
            operands.append(operands.pop(0))  # an indirect callee is LLVM's last operand
        index = len(instructions)
        instructions.append(
            {
                "fn": fn,
                "opcode": opcode,
                "operands": operands,
                "targets": targets,
                "callee": callee.group(1) if callee else None,
            }
        )
        if result:
            defines[fn, result.group(1)] = ("instr", index)
    return {"instructions": instructions, "functions": functions, "defines": defines}


def _join_continuations(lines: list[str]) -> list[str]:
    """Fold a switch's case lines into its first line (the only multi-line instruction here)."""
    joined: list[str] = []
    for line in lines:
        if joined and joined[-1].count("[") > joined[-1].count("]"):
            joined[-1] += " " + line.strip()
        else:
            joined.append(line)
    return joined


# --- invariants ---------------------------------------------------------------------------------


def check_invariants(text: str, graph: nx.MultiDiGraph, signature: Signature | None) -> None:
    """Every structural promise of build_graph, checked against the text reading."""
    facts = read_text(text)
    nodes = graph.nodes
    instr_nodes = [n for n in graph if nodes[n]["kind"] == "instruction"]
    assert [nodes[n]["text"] for n in instr_nodes] == [i["opcode"] for i in facts["instructions"]]
    node_of = dict(enumerate(instr_nodes))
    index_of = {n: i for i, n in node_of.items()}
    assert all(isinstance(d["position"], int) for *_, d in graph.edges(data=True))
    assert {d["flow"] for *_, d in graph.edges(data=True)} <= {"control", "data", "call"}

    # variables: an instruction defines at most one; a variable has exactly one definer or is an arg
    arg_var = {}
    for fn, info in facts["functions"].items():
        args = [n for n in graph if nodes[n]["kind"] == "variable" and nodes[n]["function"] == fn]
        arg_var.update({(fn, k): v for k, v in enumerate(args[: len(info["args"])])})
    var_of_instr = {}
    for n in instr_nodes:
        results = [v for _, v, d in graph.out_edges(n, data=True) if d["flow"] == "data"]
        results = [v for v in results if nodes[v]["kind"] == "variable"]
        assert len(results) <= 1
        if results:
            var_of_instr[index_of[n]] = results[0]

    # data: the local operands of each instruction, in order, exactly as the text has them
    for i, fact in enumerate(facts["instructions"]):
        n = node_of[i]
        data_in = sorted(
            (d["position"], u) for u, _, d in graph.in_edges(n, data=True) if d["flow"] == "data"
        )
        positions = [p for p, _ in data_in]
        assert len(positions) == len(set(positions)), f"duplicate positions at {fact}"
        local = [u for _, u in data_in if nodes[u]["kind"] == "variable" and nodes[u]["function"]]
        expected = []
        for name in fact["operands"]:
            kind, *where = facts["defines"][fact["fn"], name]
            expected.append(var_of_instr[where[0]] if kind == "instr" else arg_var[tuple(where)])
        if fact["opcode"] == "br":
            expected = expected[:1]  # only the condition is a value
        assert local == expected, f"instruction {i} {fact}"

    # control: chains within blocks, successors in order, all reachable from the entry
    for i, fact in enumerate(facts["instructions"]):
        control = sorted(
            (d["position"], v)
            for _, v, d in graph.out_edges(node_of[i], data=True)
            if d["flow"] == "control"
        )
        if fact["targets"]:
            firsts = _first_instructions(facts, graph, node_of)
            assert [v for _, v in control] == [firsts[fact["fn"], t] for t in fact["targets"]]
            assert [p for p, _ in control] == list(range(len(fact["targets"])))
        elif fact["opcode"] not in ("ret", "unreachable"):
            assert control == [(0, node_of[i + 1])]
    for fn in facts["functions"]:
        members = {n for n in instr_nodes if nodes[n]["function"] == fn}
        start = min(members)
        assert _reach(graph, start, "control") >= members, f"unreachable instructions in {fn}"

    # calls: one call edge to the callee's entry per call site of a defined function
    entry_of = {
        fn: min(n for n in instr_nodes if nodes[n]["function"] == fn) for fn in facts["functions"]
    }
    expected_calls = Counter()
    for i, fact in enumerate(facts["instructions"]):
        if fact["callee"] in facts["functions"]:
            expected_calls[node_of[i], entry_of[fact["callee"]]] += 1
            returns = [
                node_of[j]
                for j, g in enumerate(facts["instructions"])
                if g["fn"] == fact["callee"] and g["opcode"] == "ret"
            ]
            for r in returns:
                expected_calls[r, node_of[i]] += 1
    actual_calls = Counter((u, v) for u, v, d in graph.edges(data=True) if d["flow"] == "call")
    assert actual_calls == expected_calls

    if signature is not None:
        check_ports(graph, signature, facts)


def check_ports(graph: nx.MultiDiGraph, signature: Signature, facts: dict) -> None:
    """Each port marks exactly one argument variable; return ports mark every entry return."""
    marks = Counter()
    for _, attrs in graph.nodes(data=True):
        for port in attrs.get("ports", []):
            marks[port] += 1
            assert attrs["role"] in ("input", "output", "inout")
    entry_returns = sum(
        1 for f in facts["instructions"] if f["fn"] == signature.entry and f["opcode"] == "ret"
    )
    for port in {p.name: p for p in (*signature.inputs, *signature.outputs)}.values():
        assert marks[port.name] == (entry_returns if port.param == -1 else 1), port.name
    assert set(marks) == {p.name for p in (*signature.inputs, *signature.outputs)}


def _first_instructions(facts: dict, graph: nx.MultiDiGraph, node_of: dict) -> dict:
    firsts = {}
    for i, fact in enumerate(facts["instructions"]):
        block = graph.nodes[node_of[i]]["block"]
        name = facts["functions"][fact["fn"]]["blocks"][block]
        firsts.setdefault((fact["fn"], name), node_of[i])
    return firsts


def _reach(graph: nx.MultiDiGraph, start: int, flow: str) -> set[int]:
    seen, queue = {start}, deque([start])
    while queue:
        for _, v, d in graph.out_edges(queue.popleft(), data=True):
            if d["flow"] == flow and v not in seen:
                seen.add(v)
                queue.append(v)
    return seen


def named(ir: str) -> str:
    """The IR with every value and block named, as the invariant checks read it."""
    return run_passes(ir, "instnamer").module.text


# --- tests --------------------------------------------------------------------------------------


@pytest.mark.parametrize("pipeline", ["O0", "sroa,instcombine", "O2", "O2,canonicalize"])
def test_hand_ir_invariants(pipeline):
    text = named(run_passes(HAND_IR, pipeline).module.text)
    check_invariants(text, build_graph(text, hand_signature()), hand_signature())


def test_hand_ir_shape():
    g = build_graph(HAND_IR, hand_signature())
    kinds = Counter(d["kind"] for _, d in g.nodes(data=True))
    assert kinds == {"instruction": 19, "variable": 15, "constant": 5}
    fabs = [d for _, d in g.nodes(data=True) if d.get("callee")]
    assert [d["callee"] for d in fabs] == ["llvm.fabs.f64"]
    constants = sorted(d["value"] for _, d in g.nodes(data=True) if d["kind"] == "constant")
    assert constants == [-2.0, 0.0, 0.0, 1.0, 1.5]  # switch case values are not operands
    # %x * %x: two parallel data edges into the fmul, positions 0 and 1
    fmul = next(n for n, d in g.nodes(data=True) if d.get("text") == "fmul")
    data = [d["position"] for *_, d in g.in_edges(fmul, data=True) if d["flow"] == "data"]
    assert sorted(data) == [0, 1]
    assert [d["flow"] for *_, d in g.in_edges(fmul, data=True)].count("call") == 2
    ports = {n: d["ports"] for n, d in g.nodes(data=True) if "ports" in d}
    assert sorted(map(tuple, ports.values())) == [
        ("a",),
        ("n",),
        ("out",),
        ("return",),
        ("return",),
    ]
    roles = {tuple(d["ports"]): d["role"] for _, d in g.nodes(data=True) if "ports" in d}
    assert roles[("out",)] == "output" and roles[("a",)] == "input"


def test_invariant_checker_catches_a_wrong_edge():
    text = named(HAND_IR)
    g = build_graph(text)
    u, v, key = next(
        (u, v, k)
        for u, v, k, d in g.edges(keys=True, data=True)
        if d["flow"] == "data" and g.nodes[u]["kind"] == "variable" and g.nodes[u]["function"]
    )
    g.remove_edge(u, v, key)
    with pytest.raises(AssertionError):
        check_invariants(text, g, None)


def test_graph_is_deterministic():
    a, b = build_graph(HAND_IR), build_graph(HAND_IR)
    assert list(a.nodes(data=True)) == list(b.nodes(data=True))
    assert list(a.edges(keys=True, data=True)) == list(b.edges(keys=True, data=True))


def test_signature_errors():
    with pytest.raises(NscError, match="entry 'g' is not defined"):
        build_graph(HAND_IR, Signature("g", (), (), ()))


def test_write_graph_formats(tmp_path):
    g = build_graph(HAND_IR, hand_signature())
    write_graph(g, tmp_path / "g.json", "json")
    back = nx.node_link_graph(json.loads((tmp_path / "g.json").read_text()), edges="edges")
    assert back.number_of_nodes() == g.number_of_nodes()
    assert back.number_of_edges() == g.number_of_edges()
    write_graph(g, tmp_path / "g.graphml", "graphml")
    again = nx.read_graphml(tmp_path / "g.graphml")
    assert again.number_of_edges() == g.number_of_edges()
    assert sorted(d["ports"] for _, d in again.nodes(data=True) if "ports" in d)[0] == "a"
    write_graph(g, tmp_path / "g.dot", "dot")
    dot = (tmp_path / "g.dot").read_text()
    assert dot == to_dot(g) and dot.startswith("digraph program {")
    for line in dot.splitlines()[1:-1]:
        assert re.fullmatch(r'  n\d+( -> n\d+)? \[(\w+=("[^"\\]*"|\w+)(, )?)+\];', line), line
    with pytest.raises(NscError, match="unknown graph format"):
        write_graph(g, tmp_path / "g.x", "xml")


# --- the IR text reader -------------------------------------------------------------------------


def test_split_top_respects_brackets_and_quotes():
    text = 'i32 %a, { float, float } { float 1.0, float 2.0 }, ptr @"x, y", [2 x i8] c"a,b"'
    assert split_top(text) == [
        "i32 %a",
        "{ float, float } { float 1.0, float 2.0 }",
        'ptr @"x, y"',
        '[2 x i8] c"a,b"',
    ]
    assert split_top("range(i32 0, 10) i32 @f(i32 1, ptr null) #0", " ") == [
        "range(i32 0, 10)",
        "i32",
        "@f(i32 1, ptr null)",
        "#0",
    ]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("[3 x [3 x float]] %m", ("[3 x [3 x float]]", "%m")),
        ("{ float, float } zeroinitializer", ("{ float, float }", "zeroinitializer")),
        ("<{ i8, i32 }> %p", ("<{ i8, i32 }>", "%p")),
        ("ptr addrspace(1) @h", ("ptr addrspace(1)", "@h")),
        ('%"struct.a b" %s', ('%"struct.a b"', "%s")),
        ("void", ("void", "")),
    ],
)
def test_split_type(text, expected):
    assert split_type(text) == expected


@pytest.mark.parametrize(
    "text, kind, value",
    [
        ("ptr noundef nonnull align 4 dereferenceable(16) %p", "local", "%p"),
        ("i32 noundef signext -5", "constant", "-5"),
        ("ptr align 8 getelementptr inbounds (i8, ptr @g, i64 4)", "constant", "getelementptr"),
        ("<4 x float> splat (float 1.000000e+00)", "constant", "splat (float 1.000000e+00)"),
        ('ptr byval(%struct.S) align 8 @"g x"', "global", '@"g x"'),
        ("metadata !12", "metadata", "!12"),
    ],
)
def test_typed_argument(text, kind, value):
    op = typed_argument(text)
    assert op.kind == kind and op.text.startswith(value)


@pytest.mark.parametrize(
    "type_, text, value",
    [
        ("i32", "-1", -1.0),
        ("i8", "-128", -128.0),
        ("i1", "true", 1.0),
        ("i64", "undef", 0.0),
        ("double", "0x3FF0000000000000", 1.0),
        ("double", "0x10000000000000", 2.2250738585072014e-308),  # LLVM drops leading zeros
        ("double", "0x1", 5e-324),
        ("float", "0x3FB99999A0000000", 0.10000000149011612),
        ("float", "-2.500000e+00", -2.5),
        ("half", "0xH3C00", 1.0),
        ("bfloat", "0xR3F80", 1.0),
        ("x86_fp80", "0xK3FFF8000000000000000", 1.0),
        ("double", "poison", 0.0),
        ("ptr", "null", 0.0),
        ("<2 x i32>", "<i32 1, i32 2>", 0.0),
    ],
)
def test_constant_value(type_, text, value):
    assert constant_value(type_, text) == value


def test_constant_value_nan():
    assert constant_value("double", "0x7FF8000000000000") != constant_value("double", "0x7FF8")


def test_parse_instruction_operand_order_and_types():
    br = parse_instruction("  br i1 %c, label %yes, label %no")
    assert [op.text for op in br.operands] == ["%c", "%no", "%yes"]  # LLVM's order
    switch = parse_instruction("  switch i32 %n, label %d [ i32 1, label %a i32 -2, label %b ]")
    assert [op.text for op in switch.operands] == ["%n", "%d", "%a", "%b"]
    call = parse_instruction(
        '  %r = tail call fast float @f(float %x) #2 [ "align"(ptr %p, i64 16) ], !dbg !4'
    )
    assert (call.result, call.type) == ("%r", "float")
    assert [(op.kind, op.text) for op in call.operands] == [
        ("local", "%x"),
        ("local", "%p"),
        ("constant", "16"),
        ("global", "@f"),
    ]
    alloca = parse_instruction("  %a = alloca [4 x i32], align 16")
    assert [(op.text, op.type) for op in alloca.operands] == [("1", "i32")]
    assert parse_instruction("  %v = icmp eq <4 x i32> %a, %b").type == "<4 x i1>"
    shuffle = parse_instruction("  %s = shufflevector <4 x i8> %a, <4 x i8> %b, <8 x i32> %m")
    assert shuffle.type == "<8 x i8>" and len(shuffle.operands) == 2
    gep = parse_instruction("  %g = getelementptr i8, ptr %p, <2 x i64> %i")
    assert gep.type == "<2 x ptr>"
    structs = {"%S": "{ i32, [2 x { half, double }] }"}
    assert parse_instruction("  %e = extractvalue %S %s, 1, 0, 1", structs).type == "double"
    assert parse_instruction("  store i32 1, ptr %p, align 4").result is None


def test_parse_instruction_rejects_what_it_cannot_read():
    with pytest.raises(IRTextError, match="does not read `landingpad`"):
        parse_instruction("  %l = landingpad { ptr, i32 } cleanup")
    with pytest.raises(NscError, match="callee"):
        parse_instruction('  call void asm sideeffect "nop", ""()')


DEBUG_IR = """define i32 @f(i32 %x) {
  %y = add i32 %x, 1, !dbg !7
    #dbg_value(i32 %y, !3, !DIExpression(), !7)
  ret i32 %y, !dbg !7
}

!llvm.dbg.cu = !{!0}
!llvm.module.flags = !{!2}
!0 = distinct !DICompileUnit(language: DW_LANG_C99, file: !1, emissionKind: FullDebug)
!1 = !DIFile(filename: "a.c", directory: "/")
!2 = !{i32 2, !"Debug Info Version", i32 3}
!3 = !DILocalVariable(name: "y", scope: !4, file: !1, line: 1)
!4 = distinct !DISubprogram(name: "f", scope: !1, file: !1, line: 1, type: !5, unit: !0)
!5 = !DISubroutineType(types: !6)
!6 = !{}
!7 = !DILocation(line: 1, scope: !4)
"""


def test_debug_records_and_attachments_are_no_instructions():
    plain = build_graph(DEBUG_IR.split("\n\n")[0].replace(", !dbg !7", "").replace("    #", "; #"))
    graph = build_graph(DEBUG_IR)
    assert list(graph.nodes(data=True)) == list(plain.nodes(data=True))
    assert list(graph.edges(keys=True, data=True)) == list(plain.edges(keys=True, data=True))
    assert [d["text"] for _, d in graph.nodes(data=True)][:4] == ["i32", "add", "i32", "i32"]


def test_bulk_fill_is_an_ordinary_multidigraph():
    from nsc.ir.graph import _filled

    nodes = [(0, {"kind": "a"}), (1, {"kind": "b"}), (2, {"kind": "c"})]
    edges = [(0, 1, {"p": 0}), (0, 1, {"p": 1}), (1, 2, {"p": 2}), (2, 0, {"p": 3})]
    graph, public = _filled(nodes, edges), nx.MultiDiGraph()
    public.add_nodes_from(nodes)
    public.add_edges_from(edges)
    assert nx.utils.graphs_equal(graph, public)
    assert list(graph.in_edges(keys=True, data=True)) == list(public.in_edges(keys=True, data=True))
    assert graph.add_edge(0, 1) == 2 and graph.number_of_edges(0, 1) == 3
    graph.remove_node(1)
    assert list(graph.edges(keys=True)) == [(2, 0, 0)]
