"""Array families: reductions, stencils, small linear algebra."""

from __future__ import annotations

import math
import re

from nsc.data.gen_expr import Expr, var
from nsc.data.gen_program import Input, Program


def loop_index(p: Program) -> str:
    """A fresh loop counter name."""
    return p.fresh(p.rng.choice(("i", "j", "n")))


def reduction(p: Program) -> list[Expr]:
    """Reductions over an array: dot products and similarities, moments, extremes and counts,
    softmax with a temperature, compensated sums, moving averages, integrals and norms."""
    n = p.rng.choice((4, 8, 10, 16, 32, 64))
    lo, hi = p.rng.choice(((-1.0, 1.0), (0.0, 1.0), (-5.0, 5.0), (0.0, 10.0)))
    a = p.array(p.rng.choice(("a", "xs", "vals", "data", "sig")), (n,), (lo, hi))
    kind = p.rng.choice(_REDUCTIONS)
    return kind(p, a, n, lo, hi, loop_index(p))


def _dot(p: Program, a: Input, n: int, lo: float, hi: float, i: str) -> list[Expr]:
    """A dot product, a cosine similarity or a weighted mean."""
    f, mag = p.ctype, max(abs(lo), abs(hi))
    style = p.rng.choice(("dot", "cosine", "weighted"))
    w = p.array("w", (n,), (0.0, 1.0) if style == "weighted" else (-1.0, 1.0))
    s, aa, ww = p.fresh("dot"), p.fresh("aa"), p.fresh("ww")
    p.emit(f"{f} {s} = {p.lit(0.0)};")
    if style != "dot":
        p.emit(f"{f} {aa} = {p.lit(0.0)}, {ww} = {p.lit(0.0)};")
    with p.block(f"for (int {i} = 0; {i} < {n}; {i}++)"):
        p.emit(f"{s} += {w.name}[{i}] * {a.name}[{i}];")
        if style == "cosine":
            p.emit(f"{aa} += {a.name}[{i}] * {a.name}[{i}];")
            p.emit(f"{ww} += {w.name}[{i}] * {w.name}[{i}];")
        elif style == "weighted":
            p.emit(f"{ww} += {w.name}[{i}];")
    if style == "cosine":
        cos = f"{s} / (sqrt({aa} * {ww}) + {p.lit(1e-6)})"
        return [var(cos, -1.0, 1.0), var(s, -n * mag, n * mag)]
    if style == "weighted":
        return [var(f"{s} / ({ww} + {p.lit(1e-3)})", min(lo, 0.0), hi), var(ww, 0.0, n)]
    return [var(s, -n * mag, n * mag), var(f"sqrt(fabs({s}))", 0, math.sqrt(n * mag))]


def _moments(p: Program, a: Input, n: int, lo: float, hi: float, i: str) -> list[Expr]:
    """Mean and standard deviation (or mean absolute deviation), or a z-score of an input."""
    f, mag = p.ctype, max(abs(lo), abs(hi))
    mean, spread = p.fresh("mean"), p.fresh("var")
    absolute = p.rng.random() < 0.3
    p.emit(f"{f} {mean} = {p.lit(0.0)};")
    with p.block(f"for (int {i} = 0; {i} < {n}; ++{i})"):
        p.emit(f"{mean} += {a.name}[{i}];")
    p.emit(f"{mean} /= {p.lit(float(n))};")
    p.emit(f"{f} {spread} = {p.lit(0.0)};")
    with p.block(f"for (int {i} = 0; {i} < {n}; ++{i})"):
        p.emit(f"{f} d = {a.name}[{i}] - {mean};")
        p.emit(f"{spread} += {'fabs(d)' if absolute else 'd * d'};")
    sd = f"{spread} / {p.lit(float(n))}" if absolute else f"sqrt({spread} / {p.lit(float(n - 1))})"
    if p.rng.random() < 0.3:
        x = p.scalar(rng=(lo, hi))
        return [var(f"({x.text} - {mean}) / ({sd} + {p.lit(0.1)})", -20 * mag, 20 * mag)]
    return [var(mean, lo, hi), var(sd, 0, mag * 2)]


def _extreme(p: Program, a: Input, n: int, lo: float, hi: float, i: str) -> list[Expr]:
    """The largest or smallest element (or magnitude) and where it is, or a threshold count."""
    f = p.ctype
    style = p.rng.choice(("max", "min", "maxabs", "count"))
    if style == "count":
        t, count = p.scalar("thresh", (lo, hi)), p.fresh("count")
        p.emit(f"int {count} = 0;")
        with p.block(f"for (int {i} = 0; {i} < {n}; {i}++)"):
            with p.block(f"if ({a.name}[{i}] > {t.text})"):
                p.emit(f"{count}++;")
        return [var(f"({f}){count}", 0, n), var(f"({f}){count} / {p.lit(float(n))}", 0, 1)]
    item = f"fabs({a.name}[{{}}])" if style == "maxabs" else f"{a.name}[{{}}]"
    better = "<" if style == "min" else ">"
    best, arg = p.fresh("best"), p.fresh("arg")
    p.emit(f"{f} {best} = {item.format(0)};")
    p.emit(f"int {arg} = 0;")
    with p.block(f"for (int {i} = 1; {i} < {n}; {i}++)"):
        with p.block(f"if ({item.format(i)} {better} {best})"):
            p.emit(f"{best} = {item.format(i)};")
            p.emit(f"{arg} = {i};")
    low = 0.0 if style == "maxabs" else lo
    return [var(best, low, max(abs(lo), abs(hi))), var(f"({f}){arg}", 0, n - 1)]


def _softmax(p: Program, a: Input, n: int, lo: float, hi: float, i: str) -> list[Expr]:
    """A softmax-weighted mean and the log-sum-exp, at a fixed or an input temperature."""
    f = p.ctype
    mx, z, acc = p.fresh("mx"), p.fresh("z"), p.fresh("acc")
    temp = p.scalar("temp", (0.25, 4.0)) if p.rng.random() < 0.4 else None
    p.emit(f"{f} {mx} = {a.name}[0];")
    with p.block(f"for (int {i} = 1; {i} < {n}; {i}++)"):
        p.emit(f"{mx} = fmax({mx}, {a.name}[{i}]);")
    p.emit(f"{f} {z} = {p.lit(0.0)}, {acc} = {p.lit(0.0)};")
    with p.block(f"for (int {i} = 0; {i} < {n}; {i}++)"):
        shifted = f"{a.name}[{i}] - {mx}"
        p.emit(f"{f} e = exp({f'({shifted}) / {temp.text}' if temp else shifted});")
        p.emit(f"{z} += e;")
        p.emit(f"{acc} += e * {a.name}[{i}];")
    scale = f"{temp.text} * " if temp else ""
    lse_hi = hi + 4.0 * math.log(n) if temp else hi + math.log(n)
    return [var(f"{acc} / {z}", lo, hi), var(f"{mx} + {scale}log({z})", lo, lse_hi)]


def _kahan(p: Program, a: Input, n: int, lo: float, hi: float, i: str) -> list[Expr]:
    """A compensated (Kahan) sum of the elements, their magnitudes or their squares."""
    f, mag = p.ctype, max(abs(lo), abs(hi))
    term = p.rng.choice(("square", "plain", "abs"))
    item = {
        "square": f"{a.name}[{i}] * {a.name}[{i}]",
        "plain": f"{a.name}[{i}]",
        "abs": f"fabs({a.name}[{i}])",
    }[term]
    s, c = p.fresh("sum"), p.fresh("comp")
    p.emit(f"{f} {s} = {p.lit(0.0)}, {c} = {p.lit(0.0)};")
    with p.block(f"for (int {i} = 0; {i} < {n}; {i}++)"):
        p.emit(f"{f} yk = {item} - {c};")
        p.emit(f"{f} tk = {s} + yk;")
        p.emit(f"{c} = (tk - {s}) - yk;")
        p.emit(f"{s} = tk;")
    if term == "square":
        return [var(f"sqrt({s})", 0, math.sqrt(n) * mag)]
    return [var(s, 0.0 if term == "abs" else -n * mag, n * mag)]


def _moving_average(p: Program, a: Input, n: int, lo: float, hi: float, i: str) -> list[Expr]:
    """An exponential moving average with an input rate, and the last element's distance to it."""
    f = p.ctype
    rate, ema = p.scalar("alpha", (0.05, 0.95)), p.fresh("ema")
    p.emit(f"{f} {ema} = {a.name}[0];")
    with p.block(f"for (int {i} = 1; {i} < {n}; {i}++)"):
        p.emit(f"{ema} += {rate.text} * ({a.name}[{i}] - {ema});")
    return [var(ema, lo, hi), var(f"{a.name}[{n - 1}] - {ema}", lo - hi, hi - lo)]


def _integral(p: Program, a: Input, n: int, lo: float, hi: float, i: str) -> list[Expr]:
    """The trapezoid rule over samples spaced by an input step."""
    f = p.ctype
    dx, s = p.scalar("dx", (0.01, 0.5)), p.fresh("area")
    p.emit(f"{f} {s} = {p.lit(0.5)} * ({a.name}[0] + {a.name}[{n - 1}]);")
    with p.block(f"for (int {i} = 1; {i} < {n - 1}; {i}++)"):
        p.emit(f"{s} += {a.name}[{i}];")
    mag = max(abs(lo), abs(hi)) * n * 0.5
    return [var(f"{s} * {dx.text}", -mag, mag)]


def _norm(p: Program, a: Input, n: int, lo: float, hi: float, i: str) -> list[Expr]:
    """A p-norm (p = 1, 3 or 4) or the maximum norm."""
    f, mag = p.ctype, max(abs(lo), abs(hi))
    order = p.rng.choice((1, 3, 4, 0))  # 0: the maximum norm
    s = p.fresh("norm")
    p.emit(f"{f} {s} = {p.lit(0.0)};")
    with p.block(f"for (int {i} = 0; {i} < {n}; {i}++)"):
        if order == 0:
            p.emit(f"{s} = fmax({s}, fabs({a.name}[{i}]));")
        elif order == 1:
            p.emit(f"{s} += fabs({a.name}[{i}]);")
        else:
            p.emit(f"{s} += pow(fabs({a.name}[{i}]), {p.lit(float(order))});")
    if order in (0, 1):
        return [var(s, 0.0, mag * (n if order else 1))]
    return [var(f"pow({s}, {p.lit(1.0 / order)})", 0.0, mag * n)]


_REDUCTIONS = (
    _dot,
    _moments,
    _extreme,
    _softmax,
    _kahan,
    _moving_average,
    _integral,
    _norm,
)


def stencil(p: Program) -> list[Expr]:
    """1-D convolution with clamped borders, or 3x3 image kernels (Sobel, Prewitt, Laplacian,
    sharpen, box and Gaussian blur), optionally rectified or thresholded, summed or averaged."""
    f = p.ctype
    if p.rng.random() < 0.45:
        n = p.rng.choice((8, 12, 16))
        x = p.array(p.rng.choice(("sig", "xs", "samples")), (n,), (-1.0, 1.0))
        taps = [round(p.rng.uniform(-1, 1), 3) for _ in range(p.rng.choice((3, 5)))]
        out = p.out_array("y", (n,))
        i, k = loop_index(p), p.fresh("k")
        half = len(taps) // 2
        taps_name = p.fresh("TAPS")
        p.globals.append(
            f"static const {f} {taps_name}[{len(taps)}] = {{{', '.join(p.lit(t) for t in taps)}}};"
        )
        with p.block(f"for (int {i} = 0; {i} < {n}; {i}++)"):
            p.emit(f"{f} acc = {p.lit(0.0)};")
            with p.block(f"for (int {k} = 0; {k} < {len(taps)}; {k}++)"):
                p.emit(f"int src = {i} + {k} - {half};")
                p.emit(f"src = src < 0 ? 0 : (src >= {n} ? {n - 1} : src);")
                p.emit(f"acc += {taps_name}[{k}] * {x.name}[src];")
            p.emit(f"{out}[{i}] = acc;")
        return []
    h, w = p.rng.choice(((3, 3), (4, 4), (5, 5), (3, 5), (6, 6)))
    img = p.array("img", (h, w), (0.0, 1.0))
    r, c = p.fresh("r"), p.fresh("c")
    kind = p.rng.choice(("sobel", "prewitt", "laplace", "sharpen", "blur", "gauss"))
    post = p.rng.choice(("none", "none", "abs", "threshold"))
    thresh = p.scalar("thresh", (0.0, 0.5)) if post == "threshold" else None
    oh, ow = h - 2, w - 2
    out = p.out_array("edges", (oh, ow)) if oh * ow > 1 else None
    total = p.fresh("total")
    p.emit(f"{f} {total} = {p.lit(0.0)};")
    with p.block(f"for (int {r} = 1; {r} < {h - 1}; {r}++)"):
        with p.block(f"for (int {c} = 1; {c} < {w - 1}; {c}++)"):
            px = lambda dr, dc: f"{img.name}[{r} + {dr}][{c} + {dc}]"  # noqa: E731
            if kind in ("sobel", "prewitt"):
                two = f"{p.lit(2.0)} * " if kind == "sobel" else ""
                p.emit(
                    f"{f} gx = {px(-1, 1)} + {two}{px(0, 1)} + {px(1, 1)}"
                    f" - {px(-1, -1)} - {two}{px(0, -1)} - {px(1, -1)};"
                )
                p.emit(
                    f"{f} gy = {px(1, -1)} + {two}{px(1, 0)} + {px(1, 1)}"
                    f" - {px(-1, -1)} - {two}{px(-1, 0)} - {px(-1, 1)};"
                )
                p.emit(f"{f} g = sqrt(gx * gx + gy * gy);")
            elif kind in ("laplace", "sharpen"):
                centre = 4.0 if kind == "laplace" else -5.0
                sign = "" if kind == "laplace" else "-"
                p.emit(
                    f"{f} g = {sign}({px(-1, 0)} + {px(1, 0)} + {px(0, -1)} + {px(0, 1)})"
                    f" - {p.lit(centre)} * {px(0, 0)};"
                )
            elif kind == "blur":
                p.emit(f"{f} g = {p.lit(0.0)};")
                p.emit("for (int dr = -1; dr <= 1; dr++)")
                p.emit("    for (int dc = -1; dc <= 1; dc++)")
                p.emit(f"        g += {img.name}[{r} + dr][{c} + dc] * {p.lit(1.0 / 9.0)};")
            else:
                p.emit(f"{f} g = {p.lit(0.0)};")
                p.emit("for (int dr = -1; dr <= 1; dr++)")
                p.emit("    for (int dc = -1; dc <= 1; dc++)")
                p.emit(
                    f"        g += {img.name}[{r} + dr][{c} + dc]"
                    f" * ((dr == 0 ? 2 : 1) * (dc == 0 ? 2 : 1)) * {p.lit(1.0 / 16.0)};"
                )
            if post == "abs":
                p.emit("g = fabs(g);")
            elif thresh is not None:
                p.emit(f"g = fmax(g - {thresh.text}, {p.lit(0.0)});")
            if out:
                p.emit(f"{out}[{r} - 1][{c} - 1] = g;")
            p.emit(f"{total} += g;")
    if p.rng.random() < 0.5:
        p.emit(f"{total} /= {p.lit(float(oh * ow))};")
        return [var(total, -8.0, 8.0)]
    return [var(total, -8.0 * oh * ow, 8.0 * oh * ow)]


def linalg(p: Program) -> list[Expr]:
    """Small matrices: products with vectors, quadratic forms, determinants, traces and norms;
    rotations from angles; two-link kinematics."""
    f = p.ctype
    roll = p.rng.random()
    if roll < 0.35:
        return _matrix_vector(p)
    if roll < 0.65:
        return _rotation(p)
    x = p.scalar("x", (-1.5, 1.5))
    y = p.scalar("y", (-1.5, 1.5))
    l1, l2 = round(p.rng.uniform(0.5, 1.0), 2), round(p.rng.uniform(0.5, 1.0), 2)
    c2, t2, t1 = p.fresh("c2"), p.fresh("theta2"), p.fresh("theta1")
    p.emit(
        f"{f} {c2} = ({x.text} * {x.text} + {y.text} * {y.text} - {p.lit(l1 * l1 + l2 * l2)})"
        f" / {p.lit(2 * l1 * l2)};"
    )
    p.emit(f"{c2} = fmin(fmax({c2}, {p.lit(-1.0)}), {p.lit(1.0)});")
    p.emit(f"{f} {t2} = acos({c2});")
    p.emit(
        f"{f} {t1} = atan2({y.text}, {x.text}) - atan2({p.lit(l2)} * sin({t2}),"
        f" {p.lit(l1)} + {p.lit(l2)} * cos({t2}));"
    )
    return [var(t1, -2 * math.pi, 2 * math.pi), var(t2, 0, math.pi)]


# Rotation matrices as products of two axis rotations, entry by entry: c0/s0 are the cosine and
# sine of the first angle (yaw, about z), c1/s1 of the second (pitch about y, or roll about x).
_ROTATIONS = {
    "zy": (("c0 * c1", "-s0", "c0 * s1"), ("s0 * c1", "c0", "s0 * s1"), ("-s1", "0", "c1")),
    "yz": (("c1 * c0", "-c1 * s0", "s1"), ("s0", "c0", "0"), ("-s1 * c0", "s1 * s0", "c1")),
    "zx": (("c0", "-s0 * c1", "s0 * s1"), ("s0", "c0 * c1", "-c0 * s1"), ("0", "s1", "c1")),
}


def _rotation(p: Program) -> list[Expr]:
    """A point rotated by two angles (in one of three axis orders), and a measure of it."""
    f = p.ctype
    order = p.rng.choice(sorted(_ROTATIONS))
    yaw = p.scalar("yaw", (-3.14159, 3.14159))
    second = "pitch" if order != "zx" else "roll"
    tilt = p.scalar(second, p.rng.choice(((-1.5, 1.5), (-0.5, 0.5), (-3.14159, 3.14159))))
    size = p.rng.choice((1.0, 2.0, 0.5))
    pt = p.array("pt", (3,), p.rng.choice(((-size, size), (0.0, size))))
    out = p.out_array("rotated", (3,))
    c0, s0, c1, s1 = (p.fresh(n) for n in ("cy", "sy", "cp", "sp"))
    p.emit(f"{f} {c0} = cos({yaw.text}), {s0} = sin({yaw.text});")
    p.emit(f"{f} {c1} = cos({tilt.text}), {s1} = sin({tilt.text});")
    names = {"c0": c0, "s0": s0, "c1": c1, "s1": s1}
    rot = p.fresh("R")
    p.emit(f"{f} {rot}[3][3] = {{")
    for row in _ROTATIONS[order]:
        cells = [
            p.lit(0.0) if c == "0" else re.sub(r"[cs][01]", lambda m: names[m[0]], c) for c in row
        ]
        p.emit(f"    {{{', '.join(cells)}}},")
    p.emit("};")
    i = loop_index(p)
    with p.block(f"for (int {i} = 0; {i} < 3; {i}++)"):
        p.emit(
            f"{out}[{i}] = {rot}[{i}][0] * {pt.name}[0] + {rot}[{i}][1] * {pt.name}[1]"
            f" + {rot}[{i}][2] * {pt.name}[2];"
        )
    reach = 3.0 * size * size
    return p.rng.choice(
        (
            [var(f"{out}[0] * {out}[0] + {out}[1] * {out}[1]", 0.0, reach)],
            [var(f"{out}[2]", -2.0 * size, 2.0 * size)],
            [var(f"atan2({out}[1], {out}[0] + {p.lit(1e-6)})", -3.1416, 3.1416)],
        )
    )


def _matrix_vector(p: Program) -> list[Expr]:
    """A d x d matrix (d = 2-4) times a vector (or its transpose, or plus an offset), or the
    quadratic form v'Mv; with a determinant, trace or Frobenius norm of the matrix."""
    f = p.ctype
    d = p.rng.choice((2, 3, 3, 4))
    m = p.array("m", (d, d), (-1.0, 1.0))
    v = p.array("v", (d,), (-2.0, 2.0))
    a = m.name
    i, j = loop_index(p), loop_index(p)
    op = p.rng.choice(("matvec", "transpose", "affine", "quadratic"))
    results: list[Expr] = []
    if op == "quadratic":
        q = p.fresh("q")
        p.emit(f"{f} {q} = {p.lit(0.0)};")
        with p.block(f"for (int {i} = 0; {i} < {d}; {i}++)"):
            with p.block(f"for (int {j} = 0; {j} < {d}; {j}++)"):
                p.emit(f"{q} += {v.name}[{i}] * {a}[{i}][{j}] * {v.name}[{j}];")
        results.append(var(q, -4.0 * d * d, 4.0 * d * d))
    else:
        b = p.array("b", (d,), (-1.0, 1.0)) if op == "affine" else None
        out = p.out_array("res", (d,))
        with p.block(f"for (int {i} = 0; {i} < {d}; {i}++)"):
            p.emit(f"{f} s = {b.name}[{i}];" if b else f"{f} s = {p.lit(0.0)};")
            entry = f"{a}[{j}][{i}]" if op == "transpose" else f"{a}[{i}][{j}]"
            with p.block(f"for (int {j} = 0; {j} < {d}; {j}++)"):
                p.emit(f"s += {entry} * {v.name}[{j}];")
            p.emit(f"{out}[{i}] = s;")
    summary = p.rng.choice(("det", "det", "trace", "norm") if d <= 3 else ("trace", "norm"))
    name = p.fresh(summary)
    if summary == "det" and d == 2:
        p.emit(f"{f} {name} = {a}[0][0] * {a}[1][1] - {a}[0][1] * {a}[1][0];")
        results.append(var(name, -2.0, 2.0))
    elif summary == "det":
        p.emit(
            f"{f} {name} = {a}[0][0] * ({a}[1][1] * {a}[2][2] - {a}[1][2] * {a}[2][1])"
            f" - {a}[0][1] * ({a}[1][0] * {a}[2][2] - {a}[1][2] * {a}[2][0])"
            f" + {a}[0][2] * ({a}[1][0] * {a}[2][1] - {a}[1][1] * {a}[2][0]);"
        )
        results.append(var(name, -6.0, 6.0))
    else:
        p.emit(f"{f} {name} = {p.lit(0.0)};")
        with p.block(f"for (int {i} = 0; {i} < {d}; {i}++)"):
            if summary == "trace":
                p.emit(f"{name} += {a}[{i}][{i}];")
            else:
                with p.block(f"for (int {j} = 0; {j} < {d}; {j}++)"):
                    p.emit(f"{name} += {a}[{i}][{j}] * {a}[{i}][{j}];")
        if summary == "norm":
            p.emit(f"{name} = sqrt({name});")
            results.append(var(name, 0.0, float(d)))
        else:
            results.append(var(name, -float(d), float(d)))
    return results
