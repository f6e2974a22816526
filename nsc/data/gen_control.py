"""Families built on control flow and C idioms: dataflow chains, piecewise, helpers, integers."""

from __future__ import annotations

import re

from nsc.data.gen_expr import Expr, ExprGen, add, call, fmt, lit, mul, sub, var
from nsc.data.gen_program import Program
from nsc.data.gen_scalar import coefficients, horner


def dataflow(p: Program, max_depth: int = 4) -> list[Expr]:
    """A chain of locals, each a random expression tree over the inputs and earlier locals."""
    inputs = p.scalars(p.rng.randint(1, 6))
    pool = list(inputs)
    for _ in range(p.rng.randint(1, 5)):
        e = p.gen(pool).expr(p.rng.randint(2, max_depth))
        pool.append(p.local(e, p.rng.choice(("t", "tmp", "acc", "d", "e", "g"))))
    results = pool[len(inputs) :][-p.rng.randint(1, 3) :]
    return [use_all(p, inputs, results[0]), *results[1:]]


def primitive(p: Program) -> list[Expr]:
    """One or two small functions of one to four inputs: an affine combination, a single
    operation, or a tree two operations deep. These are the pieces the other families compose;
    off in the default mix (`docs/corpus.md`)."""
    inputs = p.scalars(p.rng.randint(1, 4))
    g = p.gen(inputs)
    results = []
    for _ in range(p.rng.choice((1, 1, 1, 2))):
        roll = p.rng.random()
        if roll < 0.3:
            used = [v for v in inputs if p.rng.random() < 0.7] or [p.rng.choice(inputs)]
            e = mul(g.const(), used[0])
            for v in used[1:]:
                e = add(e, mul(g.const(), v))
            results.append(add(e, g.const()) if p.rng.random() < 0.5 else e)
        else:
            results.append(g.expr(1 if roll < 0.65 else 2))
    return [use_all(p, inputs, results[0]), *results[1:]]


def use_all(p: Program, inputs: list[Expr], e: Expr) -> Expr:
    """`e` plus a small term for each input that the body never reads."""
    body = "\n".join(p.body) + "\n" + e.text
    for v in inputs:
        if not re.search(rf"\b{v.text}\b", body):
            g = p.gen([v])
            e = add(e, mul(g.const(), g.unary(p.rng.choice(("sin", "tanh", "sq", "fabs")), v)))
    return e


def clamp(p: Program, e: Expr, lo: float, hi: float) -> Expr:
    """A clamp of `e` to [lo, hi] in one of the usual spellings."""
    lo_t, hi_t = p.lit(lo), p.lit(hi)
    style = p.rng.randint(0, 2)
    if style == 0:
        text = f"fmin(fmax({e.text}, {lo_t}), {hi_t})"
        return Expr(text, max(lo, e.lo), min(hi, max(e.hi, lo)), 100, e.depth + 2)
    if style == 1:
        inner = f"{e.wrapped(61)} > {hi_t} ? {hi_t} : {e.wrapped(11)}"
        text = f"{e.wrapped(61)} < {lo_t} ? {lo_t} : ({inner})"
        return Expr(text, max(lo, e.lo), min(hi, max(e.hi, lo)), 10, e.depth + 2)
    name = p.fresh("cl")
    p.emit(f"{p.ctype} {name} = {e.text};")
    p.emit(f"if ({name} < {lo_t})")
    p.emit(f"    {name} = {lo_t};")
    p.emit(f"else if ({name} > {hi_t})")
    p.emit(f"    {name} = {hi_t};")
    return var(name, max(lo, e.lo), min(hi, max(e.hi, lo)))


def piecewise(p: Program) -> list[Expr]:
    """if / else-if chains over thresholds, a switch on a region index, clamps and smoothstep."""
    x = p.scalar(rng=p.rng.choice(((-4.0, 4.0), (0.0, 1.0), (-1.0, 1.0), (0.0, 10.0))))
    others = p.scalars(p.rng.randint(0, 3))
    g = p.gen([x, *others])
    results: list[Expr] = []
    style = p.rng.random()
    if style < 0.45:
        results.append(_if_chain(p, g, x))
    elif style < 0.7:
        results.append(_switch_regions(p, g, x))
    else:
        edge0, edge1 = sorted((p.rng.uniform(x.lo, x.hi), p.rng.uniform(x.lo, x.hi)))
        edge1 = max(edge1, edge0 + 0.1)
        span = edge1 - edge0
        t = clamp(p, mul(sub(x, lit(edge0, p.ctype)), lit(1.0 / span, p.ctype)), 0.0, 1.0)
        t = p.local(t, "s")
        results.append(mul(mul(t, t), sub(lit(3.0, p.ctype), mul(lit(2.0, p.ctype), t))))
    if p.rng.random() < 0.5:
        e = g.varying(g.expr(2))
        width = e.hi - e.lo
        lo, hi = round(e.lo + 0.2 * width, 3), round(e.hi - 0.2 * width, 3)
        results.append(clamp(p, e, lo, hi) if hi > lo else e)
    return results


def _if_chain(p: Program, g: ExprGen, x: Expr) -> Expr:
    cuts = sorted(p.rng.uniform(x.lo, x.hi) for _ in range(p.rng.randint(1, 3)))
    out = p.fresh("y")
    p.emit(f"{p.ctype} {out};")
    branches = [g.expr(p.rng.randint(1, 3)) for _ in range(len(cuts) + 1)]
    for i, (cut, branch) in enumerate(zip(cuts, branches, strict=False)):
        keyword = "if" if i == 0 else "} else if"
        cond = f"{x.text} < {p.lit(round(cut, 3))}"
        if p.rng.random() < 0.3:
            cond += f" {p.rng.choice(('&&', '||'))} {g.condition()}"
        p.emit(f"{keyword} ({cond}) {{")
        p.emit(f"    {out} = {branch.text};")
    p.emit("} else {")
    p.emit(f"    {out} = {branches[-1].text};")
    p.emit("}")
    return var(out, min(b.lo for b in branches), max(b.hi for b in branches))


def _switch_regions(p: Program, g: ExprGen, x: Expr) -> Expr:
    regions = p.rng.randint(3, 6)
    idx, out = p.fresh("region"), p.fresh("y")
    scale = regions / (x.hi - x.lo)
    offset = sub(x, lit(x.lo, p.ctype)) if x.lo else x
    p.emit(f"int {idx} = (int)(({offset.text}) * {p.lit(scale)});")
    p.emit(f"if ({idx} < 0) {idx} = 0;")
    p.emit(f"if ({idx} > {regions - 1}) {idx} = {regions - 1};")
    p.emit(f"{p.ctype} {out} = {p.lit(0.0)};")
    branches = [g.expr(p.rng.randint(1, 3)) for _ in range(regions)]
    p.emit(f"switch ({idx}) {{")
    for i, branch in enumerate(branches):
        label = "default" if i == regions - 1 else f"case {i}"
        p.emit(f"{label}:")
        p.emit(f"    {out} = {branch.text};")
        p.emit("    break;")
    p.emit("}")
    return var(out, min(0.0, *(b.lo for b in branches)), max(0.0, *(b.hi for b in branches)))


HELPER_RANGE = (-4.0, 4.0)


def helpers(p: Program) -> list[Expr]:
    """Static helper functions (random bodies or small polynomials) called from the entry."""
    made: list[tuple[str, int, Expr]] = []
    for _ in range(p.rng.randint(1, 3)):
        made.append(_make_helper(p))
    inputs = p.scalars(p.rng.randint(1, 5))
    pool = list(inputs)
    for _ in range(p.rng.randint(2, 5)):
        name, arity, bounds = p.rng.choice(made)
        g = p.gen(pool)
        args = [clamp_arg(p, g.expr(p.rng.randint(0, 2))) for _ in range(arity)]
        result = call(name, args, bounds.lo, bounds.hi)
        if p.rng.random() < 0.5:
            result = add(result, g.expr(1))
        pool.append(p.local(result, "h"))
    results = pool[len(inputs) :][-p.rng.randint(1, 2) :]
    return [use_all(p, inputs, results[0]), *results[1:]]


def clamp_arg(p: Program, e: Expr) -> Expr:
    lo, hi = HELPER_RANGE
    if lo <= e.lo and e.hi <= hi:
        return e
    if p.rng.random() < 0.75:
        return p.gen([e]).scaled(e, hi)
    text = f"fmin(fmax({e.text}, {p.lit(lo)}), {p.lit(hi)})"
    return Expr(text, max(lo, e.lo), min(hi, e.hi), 100, e.depth + 2)


def _make_helper(p: Program) -> tuple[str, int, Expr]:
    names = ("sq", "lerp", "poly", "blend", "shape", "kernel", "response", "damp", "warp")
    name = p.fresh(p.rng.choice(names))
    arity = p.rng.randint(1, 3)
    params = [var(n, *HELPER_RANGE) for n in ("a", "b", "c")[:arity]]
    if arity == 1 and p.rng.random() < 0.5:
        body = horner(p, params[0], [c * 0.25 for c in coefficients(p, p.rng.randint(3, 6))])
    else:
        g = p.gen(params)
        body = g.expr(p.rng.randint(2, 4))
        for v in params:
            if not re.search(rf"\b{v.text}\b", body.text):
                body = add(body, mul(g.const(), v))
    decl = ", ".join(f"{p.ctype} {v.text}" for v in params)
    p.helpers.append(f"static {p.ctype} {name}({decl})\n{{\n    return {body.text};\n}}")
    return name, arity, body


def integer(p: Program) -> list[Expr]:
    """Quantization, fixed point, modular wraps, unsigned hashing and lookup tables."""
    x = p.scalar(rng=(0.0, 1.0))
    y = p.scalar(rng=(-1.0, 1.0))
    levels = p.rng.choice((15, 63, 127, 255, 1023))
    q = p.fresh("q")
    p.emit(f"int {q} = (int)floor({x.text} * {p.lit(float(levels))} + {p.lit(0.5)});")
    p.emit(f"{q} = {q} < 0 ? 0 : ({q} > {levels} ? {levels} : {q});")
    results = [var(f"({p.ctype}){q} * {p.lit(1.0 / levels)}", 0.0, 1.0)]
    roll = p.rng.random()
    if roll < 0.3:
        fx = p.fresh("fx")
        shift = p.rng.choice((8, 12, 15))
        p.emit(f"long {fx} = (long)({y.text} * {1 << shift}) * (long){q};")
        p.emit(f"{fx} = {fx} >> {p.rng.randint(2, 8)};")
        results.append(var(f"({p.ctype}){fx} * {p.lit(2.0**-shift)}", -1e3, 1e3))
    elif roll < 0.6:
        h = p.fresh("hash")
        p.emit(f"unsigned int {h} = (unsigned int){q} * 2654435761u;")
        p.emit(f"{h} ^= {h} >> {p.rng.randint(5, 16)};")
        p.emit(f"{h} = ({h} & 0xffu) | (({h} >> 8) & 0x0fu);")
        results.append(var(f"({p.ctype})({h} % 97u) * {p.lit(0.01)}", 0.0, 1.0))
    else:
        n = p.rng.choice((8, 16, 32))
        table = p.fresh("LUT").upper()
        vals = ", ".join(fmt(round(p.rng.uniform(-1, 1), 4), p.ctype) for _ in range(n))
        p.globals.append(f"static const {p.ctype} {table}[{n}] = {{{vals}}};")
        i = p.fresh("idx")
        p.emit(f"int {i} = {q} % {n};")
        frac = var(f"(({p.ctype})({q} & 7) / {p.lit(8.0)})", 0.0, 1.0)
        a, b = f"{table}[{i}]", f"{table}[({i} + 1) % {n}]"
        results.append(add(var(a, -1, 1), mul(frac, var(f"({b} - {a})", -2, 2))))
    if p.rng.random() < 0.5:
        n = p.scalar("n", (0.0, 20.0), ctype="int")
        s = p.fresh("isum")
        p.emit(f"int {s} = 0;")
        i = p.fresh("i")
        with p.block(f"for (int {i} = 0; {i} < {n.text} && {i} < 32; {i}++)"):
            p.emit(f"{s} += ({i} * {i} + {q}) % 13;")
        results.append(var(f"({p.ctype}){s} / {p.lit(50.0)}", 0.0, 8.0))
    return results
