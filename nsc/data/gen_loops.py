"""Loop families: reductions, stencils, small linear algebra, iterations, series, ODE steps."""

from __future__ import annotations

import math

from nsc.data.gen_expr import Expr, var
from nsc.data.gen_program import Program


def _idx(p: Program) -> str:
    return p.fresh(p.rng.choice(("i", "j", "n")))


def reduction(p: Program) -> list[Expr]:
    """Dot products, norms, mean/variance, max, softmax-weighted sums, Kahan sums over arrays."""
    n = p.rng.choice((4, 8, 10, 16, 32, 64))
    lo, hi = p.rng.choice(((-1.0, 1.0), (0.0, 1.0), (-5.0, 5.0), (0.0, 10.0)))
    a = p.array(p.rng.choice(("a", "xs", "vals", "data", "sig")), (n,), (lo, hi))
    f = p.ctype
    i = _idx(p)
    kind = p.rng.randint(0, 4)
    mag = max(abs(lo), abs(hi))
    if kind == 0:
        w = p.array("w", (n,), (-1.0, 1.0))
        s = p.fresh("dot")
        p.emit(f"{f} {s} = {p.lit(0.0)};")
        with p.block(f"for (int {i} = 0; {i} < {n}; {i}++)"):
            p.emit(f"{s} += {w.name}[{i}] * {a.name}[{i}];")
        return [var(s, -n * mag, n * mag), var(f"sqrt(fabs({s}))", 0, math.sqrt(n * mag))]
    if kind == 1:
        mean, var_ = p.fresh("mean"), p.fresh("var")
        p.emit(f"{f} {mean} = {p.lit(0.0)};")
        with p.block(f"for (int {i} = 0; {i} < {n}; ++{i})"):
            p.emit(f"{mean} += {a.name}[{i}];")
        p.emit(f"{mean} /= {p.lit(float(n))};")
        p.emit(f"{f} {var_} = {p.lit(0.0)};")
        with p.block(f"for (int {i} = 0; {i} < {n}; ++{i})"):
            p.emit(f"{f} d = {a.name}[{i}] - {mean};")
            p.emit(f"{var_} += d * d;")
        return [var(mean, lo, hi), var(f"sqrt({var_} / {p.lit(float(n - 1))})", 0, mag * 2)]
    if kind == 2:
        mx, arg = p.fresh("best"), p.fresh("arg")
        p.emit(f"{f} {mx} = {a.name}[0];")
        p.emit(f"int {arg} = 0;")
        with p.block(f"for (int {i} = 1; {i} < {n}; {i}++)"):
            with p.block(f"if ({a.name}[{i}] > {mx})"):
                p.emit(f"{mx} = {a.name}[{i}];")
                p.emit(f"{arg} = {i};")
        return [var(mx, lo, hi), var(f"({f}){arg}", 0, n - 1)]
    if kind == 3:
        mx, z, acc = p.fresh("mx"), p.fresh("z"), p.fresh("acc")
        p.emit(f"{f} {mx} = {a.name}[0];")
        with p.block(f"for (int {i} = 1; {i} < {n}; {i}++)"):
            p.emit(f"{mx} = fmax({mx}, {a.name}[{i}]);")
        p.emit(f"{f} {z} = {p.lit(0.0)}, {acc} = {p.lit(0.0)};")
        with p.block(f"for (int {i} = 0; {i} < {n}; {i}++)"):
            p.emit(f"{f} e = exp({a.name}[{i}] - {mx});")
            p.emit(f"{z} += e;")
            p.emit(f"{acc} += e * {a.name}[{i}];")
        return [var(f"{acc} / {z}", lo, hi), var(f"{mx} + log({z})", lo, hi + math.log(n))]
    s, c = p.fresh("sum"), p.fresh("comp")
    p.emit(f"{f} {s} = {p.lit(0.0)}, {c} = {p.lit(0.0)};")
    with p.block(f"for (int {i} = 0; {i} < {n}; {i}++)"):
        p.emit(f"{f} yk = {a.name}[{i}] * {a.name}[{i}] - {c};")
        p.emit(f"{f} tk = {s} + yk;")
        p.emit(f"{c} = (tk - {s}) - yk;")
        p.emit(f"{s} = tk;")
    return [var(f"sqrt({s})", 0, math.sqrt(n) * mag)]


def stencil(p: Program) -> list[Expr]:
    """1-D convolution with clamped borders, or 3x3 image kernels (Sobel, Prewitt, Laplacian,
    sharpen, box and Gaussian blur), optionally rectified or thresholded, summed or averaged."""
    f = p.ctype
    if p.rng.random() < 0.45:
        n = p.rng.choice((8, 12, 16))
        x = p.array(p.rng.choice(("sig", "xs", "samples")), (n,), (-1.0, 1.0))
        taps = [round(p.rng.uniform(-1, 1), 3) for _ in range(p.rng.choice((3, 5)))]
        out = p.out_array("y", (n,))
        i, k = _idx(p), p.fresh("k")
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
        yaw = p.scalar("yaw", (-3.14159, 3.14159))
        pitch = p.scalar("pitch", (-1.5, 1.5))
        pt = p.array("pt", (3,), (-1.0, 1.0))
        out = p.out_array("rotated", (3,))
        cy, sy, cp, sp = (p.fresh(n) for n in ("cy", "sy", "cp", "sp"))
        p.emit(f"{f} {cy} = cos({yaw.text}), {sy} = sin({yaw.text});")
        p.emit(f"{f} {cp} = cos({pitch.text}), {sp} = sin({pitch.text});")
        rot = p.fresh("R")
        p.emit(f"{f} {rot}[3][3] = {{")
        p.emit(f"    {{{cy} * {cp}, -{sy}, {cy} * {sp}}},")
        p.emit(f"    {{{sy} * {cp}, {cy}, {sy} * {sp}}},")
        p.emit(f"    {{-{sp}, {p.lit(0.0)}, {cp}}},")
        p.emit("};")
        i = _idx(p)
        with p.block(f"for (int {i} = 0; {i} < 3; {i}++)"):
            p.emit(
                f"{out}[{i}] = {rot}[{i}][0] * {pt.name}[0] + {rot}[{i}][1] * {pt.name}[1]"
                f" + {rot}[{i}][2] * {pt.name}[2];"
            )
        return [var(f"{out}[0] * {out}[0] + {out}[1] * {out}[1]", 0.0, 3.0)]
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


def _matrix_vector(p: Program) -> list[Expr]:
    """A d x d matrix (d = 2-4) times a vector (or its transpose, or plus an offset), or the
    quadratic form v'Mv; with a determinant, trace or Frobenius norm of the matrix."""
    f = p.ctype
    d = p.rng.choice((2, 3, 3, 4))
    m = p.array("m", (d, d), (-1.0, 1.0))
    v = p.array("v", (d,), (-2.0, 2.0))
    a = m.name
    i, j = _idx(p), _idx(p)
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


def iterative(p: Program) -> list[Expr]:
    """Newton iterations, Kepler's equation, fixed points, bisection: tolerance plus a cap."""
    f = p.ctype
    cap = p.rng.choice((8, 12, 20, 30, 50))
    tol = p.lit(p.rng.choice((1e-4, 1e-5, 1e-6)))
    it = p.fresh("it")
    kind = p.rng.randint(0, 3)
    if kind == 0:
        a = p.scalar(rng=(0.1, 100.0))
        y, root = p.fresh("y"), p.rng.choice(("sqrt", "cbrt"))
        p.emit(f"{f} {y} = {a.text} > {p.lit(1.0)} ? {a.text} : {p.lit(1.0)};")
        with p.block(f"for (int {it} = 0; {it} < {cap}; {it}++)"):
            if root == "sqrt":
                p.emit(f"{f} next = {p.lit(0.5)} * ({y} + {a.text} / {y});")
            else:
                p.emit(f"{f} next = ({p.lit(2.0)} * {y} + {a.text} / ({y} * {y})) / {p.lit(3.0)};")
            p.emit(f"if (fabs(next - {y}) < {tol} * {y}) {{ {y} = next; break; }}")
            p.emit(f"{y} = next;")
        return [var(y, 0.0, 100.0)]
    if kind == 1:
        mean = p.scalar("mean_anom", (0.0, 6.28318))
        ecc = p.scalar("ecc", (0.0, 0.9))
        e = p.fresh("E")
        p.emit(f"{f} {e} = {mean.text};")
        p.emit(f"int {it} = 0;")
        p.emit(f"{f} delta;")
        with p.block("do"):
            p.emit(
                f"delta = ({e} - {ecc.text} * sin({e}) - {mean.text})"
                f" / ({p.lit(1.0)} - {ecc.text} * cos({e}));"
            )
            p.emit(f"{e} -= delta;")
            p.emit(f"{it}++;")
        p.body[-1] = p.body[-1] + f" while (fabs(delta) > {tol} && {it} < {cap});"
        return [var(e, -10.0, 20.0), var(f"cos({e}) - {ecc.text}", -2.0, 1.0)]
    if kind == 2:
        c = p.scalar("c", (-1.0, 1.0))
        k = round(p.rng.uniform(0.2, 0.8), 3)
        x = p.fresh("x")
        p.emit(f"{f} {x} = {p.lit(0.0)};")
        p.emit(f"int {it} = 0;")
        with p.block(f"while ({it} < {cap})"):
            p.emit(f"{f} next = {p.lit(k)} * cos({x}) + {c.text};")
            p.emit(f"if (fabs(next - {x}) < {tol}) break;")
            p.emit(f"{x} = next;")
            p.emit(f"{it}++;")
        return [var(x, -2.0, 2.0), var(f"({f}){it}", 0, cap)]
    a = p.scalar("a", (0.1, 3.0))
    target = p.scalar("target", (-5.0, 5.0))
    lo, hi = p.fresh("lo"), p.fresh("hi")
    p.emit(f"{f} {lo} = {p.lit(-3.0)}, {hi} = {p.lit(3.0)};")
    with p.block(f"for (int {it} = 0; {it} < {cap}; {it}++)"):
        p.emit(f"{f} mid = {p.lit(0.5)} * ({lo} + {hi});")
        p.emit(f"{f} fm = mid * mid * mid + {a.text} * mid - {target.text};")
        p.emit(f"if (fm > {p.lit(0.0)}) {hi} = mid; else {lo} = mid;")
    return [var(f"{p.lit(0.5)} * ({lo} + {hi})", -3.0, 3.0)]


def series(p: Program) -> list[Expr]:
    """Truncated series with a convergence test, and three-term recurrences (Chebyshev, Legendre)."""
    f = p.ctype
    cap = p.rng.choice((10, 20, 30, 60))
    k = p.fresh("k")
    if p.rng.random() < 0.6:
        x = p.scalar(rng=p.rng.choice(((-2.0, 2.0), (-1.0, 1.0), (-3.0, 3.0))))
        kind = p.rng.choice(("exp", "sin", "cos", "atanh_like"))
        term, total = p.fresh("term"), p.fresh("total")
        first = p.lit(1.0) if kind in ("exp", "cos") else x.text
        p.emit(f"{f} {term} = {first};")
        p.emit(f"{f} {total} = {term};")
        with p.block(f"for (int {k} = 1; {k} < {cap}; {k}++)"):
            if kind == "exp":
                p.emit(f"{term} *= {x.text} / ({f}){k};")
            elif kind == "sin":
                p.emit(
                    f"{term} *= -{x.wrapped(90)} * {x.wrapped(90)} / ({f})((2 * {k}) * (2 * {k} + 1));"
                )
            elif kind == "cos":
                p.emit(
                    f"{term} *= -{x.wrapped(90)} * {x.wrapped(90)} / ({f})((2 * {k} - 1) * (2 * {k}));"
                )
            else:
                p.emit(
                    f"{term} *= {p.lit(0.25)} * {x.wrapped(90)} * {x.wrapped(90)} * ({f})(2 * {k} - 1) / ({f})(2 * {k} + 1);"
                )
            p.emit(f"{total} += {term};")
            p.emit(f"if (fabs({term}) < {p.lit(1e-7)} * fabs({total})) break;")
        return [var(total, -30.0, 30.0)]
    x = p.scalar("x", (-1.0, 1.0))
    n = p.scalar("n", (0.0, 24.0), ctype="int")
    t0, t1 = p.fresh("p0"), p.fresh("p1")
    legendre = p.rng.random() < 0.5
    p.emit(f"{f} {t0} = {p.lit(1.0)}, {t1} = {x.text};")
    with p.block(f"for (int {k} = 1; {k} < {n.text} && {k} < 24; {k}++)"):
        if legendre:
            p.emit(
                f"{f} t2 = (({f})(2 * {k} + 1) * {x.text} * {t1} - ({f}){k} * {t0}) / ({f})({k} + 1);"
            )
        else:
            p.emit(f"{f} t2 = {p.lit(2.0)} * {x.text} * {t1} - {t0};")
        p.emit(f"{t0} = {t1};")
        p.emit(f"{t1} = t2;")
    return [var(f"{n.text} == 0 ? {t0} : {t1}", -1.0, 1.0)]


def timestep(p: Program) -> list[Expr]:
    """Fixed-step integration of a small ODE: damped driven oscillator, logistic growth, RK2."""
    f = p.ctype
    steps = p.rng.choice((10, 20, 50, 100))
    dt = p.lit(round(p.rng.uniform(0.2, 2.0) / steps, 4))
    s = p.fresh("step")
    if p.rng.random() < 0.5:
        x0 = p.scalar("x0", (-1.0, 1.0))
        v0 = p.scalar("v0", (-1.0, 1.0))
        k = p.scalar("stiff", (0.5, 4.0))
        c = p.scalar("damp", (0.0, 1.0))
        x, v = p.fresh("pos"), p.fresh("vel")
        p.emit(f"{f} {x} = {x0.text}, {v} = {v0.text};")
        with p.block(f"for (int {s} = 0; {s} < {steps}; {s}++)"):
            p.emit(
                f"{f} acc = -{k.text} * {x} - {c.text} * {v} + {p.lit(0.3)} * sin({p.lit(1.7)} * ({f}){s} * {dt});"
            )
            p.emit(f"{v} += acc * {dt};")
            p.emit(f"{x} += {v} * {dt};")
        return [var(x, -3.0, 3.0), var(v, -6.0, 6.0)]
    y0 = p.scalar("y0", (0.05, 1.0))
    r = p.scalar("rate", (0.1, 2.0))
    y = p.fresh("y")
    p.emit(f"{f} {y} = {y0.text};")
    with p.block(f"for (int {s} = 0; {s} < {steps}; {s}++)"):
        p.emit(f"{f} k1 = {r.text} * {y} * ({p.lit(1.0)} - {y});")
        p.emit(f"{f} ym = {y} + {p.lit(0.5)} * {dt} * k1;")
        p.emit(f"{y} += {dt} * {r.text} * ym * ({p.lit(1.0)} - ym);")
    return [var(y, 0.0, 1.5)]


def transform(p: Program) -> list[Expr]:
    """DCT-II / DST-II, DFT (direct or by twiddle rotation) and Goertzel power over a block of
    samples that may first be scaled by a gain input, detrended and windowed (Hann, Hamming)."""
    f = p.ctype
    n = p.rng.choice((4, 6, 8, 12, 16))
    x = p.array(p.rng.choice(("xs", "samples", "sig", "block")), (n,), (-1.0, 1.0))
    i, k = _idx(p), _idx(p)
    amp = 1.0
    prep = p.rng.choice(("none", "none", "gain", "detrend"))
    if prep == "gain":
        gain = p.scalar("gain", (0.25, 2.0))
        amp = 2.0
    elif prep == "detrend":
        mean = p.fresh("mean")
        p.emit(f"{f} {mean} = {p.lit(0.0)};")
        with p.block(f"for (int {i} = 0; {i} < {n}; {i}++)"):
            p.emit(f"{mean} += {x.name}[{i}];")
        p.emit(f"{mean} /= {p.lit(float(n))};")
        amp = 2.0
    window = p.rng.choice(("none", "none", "hann", "hamming"))
    xw = p.fresh("xw")
    p.emit(f"{f} {xw}[{n}];")
    with p.block(f"for (int {i} = 0; {i} < {n}; {i}++)"):
        value = f"{x.name}[{i}]"
        if prep == "gain":
            value = f"{gain.text} * {value}"
        elif prep == "detrend":
            value = f"({value} - {mean})"
        if window != "none":
            a0, a1 = (0.5, 0.5) if window == "hann" else (0.54, 0.46)
            value = (
                f"({p.lit(a0)} - {p.lit(a1)} * cos({p.lit(2.0)} * M_PI * ({f}){i} / {n - 1}.0))"
                f" * {value}"
            )
        p.emit(f"{xw}[{i}] = {value};")
    kind = p.rng.randint(0, 2)
    if kind == 0:
        basis = p.rng.choice(("cos", "sin"))
        shift = "" if basis == "cos" else f" + {p.lit(1.0)}"
        scale = p.rng.choice(("ortho", "plain", "half"))
        out = p.out_array("coef", (n,))
        with p.block(f"for (int {k} = 0; {k} < {n}; {k}++)"):
            p.emit(f"{f} s = {p.lit(0.0)};")
            with p.block(f"for (int {i} = 0; {i} < {n}; {i}++)"):
                p.emit(
                    f"s += {xw}[{i}] * {basis}(M_PI / {n}.0 * (({f}){i} + {p.lit(0.5)})"
                    f" * (({f}){k}{shift}));"
                )
            if scale == "ortho":
                p.emit(
                    f"{out}[{k}] = s * ({k} == 0 ? sqrt({p.lit(1.0 / n)}) : sqrt({p.lit(2.0 / n)}));"
                )
            elif scale == "half":
                p.emit(f"{out}[{k}] = {p.lit(2.0 / n)} * s;")
            else:
                p.emit(f"{out}[{k}] = s;")
        return []
    if kind == 1:
        m = n // 2 - 1
        spectrum = p.rng.choice(("complex", "magnitude", "power"))
        if spectrum == "complex":
            re, im = p.out_array("re", (m,)), p.out_array("im", (m,))
        else:
            mag = p.out_array("mag" if spectrum == "magnitude" else "power", (m,))
        rotate = p.rng.random() < 0.5
        with p.block(f"for (int {k} = 1; {k} < {n // 2}; {k}++)"):
            p.emit(f"{f} sr = {p.lit(0.0)}, si = {p.lit(0.0)};")
            if rotate:
                p.emit(f"{f} wr = {p.lit(1.0)}, wi = {p.lit(0.0)};")
                p.emit(
                    f"{f} cr = cos({p.lit(-2.0)} * M_PI * {k} / {n}), ci = sin({p.lit(-2.0)} * M_PI * {k} / {n});"
                )
                with p.block(f"for (int {i} = 0; {i} < {n}; {i}++)"):
                    p.emit(f"sr += {xw}[{i}] * wr;")
                    p.emit(f"si += {xw}[{i}] * wi;")
                    p.emit(f"{f} nr = wr * cr - wi * ci;")
                    p.emit("wi = wr * ci + wi * cr;")
                    p.emit("wr = nr;")
            else:
                with p.block(f"for (int {i} = 0; {i} < {n}; {i}++)"):
                    p.emit(f"{f} t = {p.lit(-2.0)} * M_PI * ({f})({k} * {i}) / {n}.0;")
                    p.emit(f"sr += {xw}[{i}] * cos(t);")
                    p.emit(f"si += {xw}[{i}] * sin(t);")
            if spectrum == "complex":
                p.emit(f"{re}[{k} - 1] = sr;")
                p.emit(f"{im}[{k} - 1] = si;")
            elif spectrum == "magnitude":
                p.emit(f"{mag}[{k} - 1] = sqrt(sr * sr + si * si);")
            else:
                p.emit(f"{mag}[{k} - 1] = sr * sr + si * si;")
        return []
    freq = p.scalar("freq", (0.0, 0.5))
    s1, s2 = p.fresh("s1"), p.fresh("s2")
    coeff = p.fresh("coeff")
    p.emit(f"{f} {coeff} = {p.lit(2.0)} * cos({p.lit(2.0)} * M_PI * {freq.text});")
    p.emit(f"{f} {s1} = {p.lit(0.0)}, {s2} = {p.lit(0.0)};")
    with p.block(f"for (int {i} = 0; {i} < {n}; {i}++)"):
        p.emit(f"{f} s0 = {xw}[{i}] + {coeff} * {s1} - {s2};")
        p.emit(f"{s2} = {s1};")
        p.emit(f"{s1} = s0;")
    top = float(n * n * 4) * amp * amp
    power = f"fmax({s1} * {s1} + {s2} * {s2} - {coeff} * {s1} * {s2}, {p.lit(0.0)})"
    form = p.rng.choice(("power", "magnitude", "log"))
    if form == "magnitude":
        return [var(f"sqrt({power})", 0.0, math.sqrt(top))]
    if form == "log":
        return [var(f"log({power} + {p.lit(1e-3)})", math.log(1e-3), math.log(top + 1e-3))]
    return [var(f"({power})", 0.0, top)]
