"""Loop families: iterations to a tolerance, series, ODE steps, transforms."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from nsc.data.gen_arrays import loop_index
from nsc.data.gen_expr import Expr, var
from nsc.data.gen_program import Program


def iterative(p: Program) -> list[Expr]:
    """Newton iterations, Kepler's equation, fixed points, bisection: tolerance plus a cap."""
    f = p.ctype
    cap = p.rng.choice((8, 12, 20, 30, 50))
    tol = p.lit(p.rng.choice((1e-4, 1e-5, 1e-6)))
    it = p.fresh("it")
    kind = p.rng.randint(0, 3)
    if kind == 0:
        return _newton_root(p, cap, tol, it)
    if kind == 1:
        return _kepler(p, cap, tol, it)
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
    return _bisection(p, cap, tol, it)


def _newton_root(p: Program, cap: int, tol: str, it: str) -> list[Expr]:
    """The square, cube or fourth root of an input by Newton's method from max(a, 1)."""
    f = p.ctype
    lo, hi = p.rng.choice(((0.1, 100.0), (0.5, 10.0), (1.0, 1000.0), (0.01, 2.0)))
    a = p.scalar(rng=(lo, hi))
    y, root = p.fresh("y"), p.rng.choice(("sqrt", "cbrt", "root4"))
    p.emit(f"{f} {y} = {a.text} > {p.lit(1.0)} ? {a.text} : {p.lit(1.0)};")
    with p.block(f"for (int {it} = 0; {it} < {cap}; {it}++)"):
        if root == "sqrt":
            p.emit(f"{f} next = {p.lit(0.5)} * ({y} + {a.text} / {y});")
        elif root == "cbrt":
            p.emit(f"{f} next = ({p.lit(2.0)} * {y} + {a.text} / ({y} * {y})) / {p.lit(3.0)};")
        else:
            p.emit(
                f"{f} next = ({p.lit(3.0)} * {y} + {a.text} / ({y} * {y} * {y})) / {p.lit(4.0)};"
            )
        p.emit(f"if (fabs(next - {y}) < {tol} * {y}) {{ {y} = next; break; }}")
        p.emit(f"{y} = next;")
    return [var(y, 0.0, max(hi, 1.0))]


def _kepler(p: Program, cap: int, tol: str, it: str) -> list[Expr]:
    """Kepler's equation by Newton's method; the eccentric anomaly or what follows from it."""
    f = p.ctype
    mean = p.scalar("mean_anom", (0.0, 6.28318))
    ecc = p.scalar("ecc", p.rng.choice(((0.0, 0.9), (0.0, 0.5), (0.1, 0.7))))
    e, delta = p.fresh("E"), p.fresh("delta")
    p.emit(f"{f} {e} = {mean.text};")
    p.emit(f"int {it} = 0;")
    p.emit(f"{f} {delta};")
    with p.block("do"):
        p.emit(
            f"{delta} = ({e} - {ecc.text} * sin({e}) - {mean.text})"
            f" / ({p.lit(1.0)} - {ecc.text} * cos({e}));"
        )
        p.emit(f"{e} -= {delta};")
        p.emit(f"{it}++;")
    p.body[-1] = p.body[-1] + f" while (fabs({delta}) > {tol} && {it} < {cap});"
    one = p.lit(1.0)
    half = p.lit(0.5)
    true_anomaly = (
        f"{p.lit(2.0)} * atan2(sqrt({one} + {ecc.text}) * sin({half} * {e}),"
        f" sqrt({one} - {ecc.text}) * cos({half} * {e}))"
    )
    outputs = p.rng.choice(
        (
            [var(e, -10.0, 20.0), var(f"cos({e}) - {ecc.text}", -2.0, 1.0)],
            [var(true_anomaly, -3.1416, 3.1416)],
            [var(f"{one} - {ecc.text} * cos({e})", 0.0, 2.0), var(f"({f}){it}", 1.0, cap)],
            [var(f"sqrt({one} - {ecc.text} * {ecc.text}) * sin({e})", -1.0, 1.0)],
        )
    )
    return outputs


# Increasing functions of `mid` whose root bisection finds: the bracket and the C expression.
_BISECTED = {
    "cubic": ((-3.0, 3.0), "mid * mid * mid + {a} * mid - {t}"),
    "atan": ((-8.0, 8.0), "atan(mid) + {a} * mid - {t}"),
    "exp": ((-6.0, 3.0), "exp(mid) + {a} * mid - {t}"),
    "sinh": ((-4.0, 4.0), "sinh(mid) + {a} * mid - {t}"),
}


def _bisection(p: Program, cap: int, tol: str, it: str) -> list[Expr]:
    """The root of an increasing function of x (an input slope plus a shape) by bisection."""
    f = p.ctype
    (left, right), shape = _BISECTED[p.rng.choice(sorted(_BISECTED))]
    a = p.scalar("a", (0.1, 3.0))
    target = p.scalar("target", (-5.0, 5.0))
    lo, hi = p.fresh("lo"), p.fresh("hi")
    p.emit(f"{f} {lo} = {p.lit(left)}, {hi} = {p.lit(right)};")
    early = p.rng.random() < 0.5  # stop once the residual is below the tolerance
    with p.block(f"for (int {it} = 0; {it} < {cap}; {it}++)"):
        p.emit(f"{f} mid = {p.lit(0.5)} * ({lo} + {hi});")
        p.emit(f"{f} fm = {shape.format(a=a.text, t=target.text)};")
        if early:
            p.emit(f"if (fabs(fm) < {tol}) break;")
        p.emit(f"if (fm > {p.lit(0.0)}) {hi} = mid; else {lo} = mid;")
    return [var(f"{p.lit(0.5)} * ({lo} + {hi})", left, right)]


def series(p: Program) -> list[Expr]:
    """Truncated series with a convergence test, three-term recurrences (Chebyshev, Legendre,
    Laguerre), and polynomials with input coefficients (Horner, Clenshaw)."""
    roll = p.rng.random()
    if roll < 0.55:
        return _power_series(p)
    if roll < 0.8:
        return _recurrence(p)
    return _coefficient_series(p)


@dataclass(frozen=True)
class _PowerSeries:
    """A series summed term by term: term 0 is 1 or x, term k is term k-1 times a factor."""

    left: float  # the input's widest range
    right: float
    starts_at_x: bool
    factor: str  # in C: `{x}` the input, `{k}` the index, `{f}` the float type, `{q}` 0.25
    step: Callable[[float, int], float]  # the same factor in Python, for the total's bounds


_POWER_SERIES = {
    "exp": _PowerSeries(-2.0, 2.0, False, "{x} / ({f}){k}", lambda x, k: x / k),
    "sin": _PowerSeries(
        -3.0,
        3.0,
        True,
        "-{x} * {x} / ({f})((2 * {k}) * (2 * {k} + 1))",
        lambda x, k: -x * x / ((2 * k) * (2 * k + 1)),
    ),
    "cos": _PowerSeries(
        -3.0,
        3.0,
        False,
        "-{x} * {x} / ({f})((2 * {k} - 1) * (2 * {k}))",
        lambda x, k: -x * x / ((2 * k - 1) * (2 * k)),
    ),
    "sinh": _PowerSeries(
        -2.0,
        2.0,
        True,
        "{x} * {x} / ({f})((2 * {k}) * (2 * {k} + 1))",
        lambda x, k: x * x / ((2 * k) * (2 * k + 1)),
    ),
    "cosh": _PowerSeries(
        -2.0,
        2.0,
        False,
        "{x} * {x} / ({f})((2 * {k} - 1) * (2 * {k}))",
        lambda x, k: x * x / ((2 * k - 1) * (2 * k)),
    ),
    "atanh_like": _PowerSeries(
        -1.0,
        1.0,
        True,
        "{q} * {x} * {x} * ({f})(2 * {k} - 1) / ({f})(2 * {k} + 1)",
        lambda x, k: 0.25 * x * x * (2 * k - 1) / (2 * k + 1),
    ),
    "bessel_j0": _PowerSeries(
        -4.0,
        4.0,
        False,
        "-{q} * {x} * {x} / ({f})({k} * {k})",
        lambda x, k: -0.25 * x * x / (k * k),
    ),
    "geometric": _PowerSeries(-0.9, 0.9, False, "{x}", lambda x, k: x),
}


def _series_bounds(
    series: _PowerSeries, lo: float, hi: float, cap: int, tol: float
) -> tuple[float, float]:
    """The total's range over inputs in [lo, hi] (the loop run on 65 of them, padded by 5%):
    tight bounds, so an idiom that clamps around zero does not clamp the whole range away."""
    totals = []
    for j in range(65):
        x = lo + (hi - lo) * j / 64
        term = x if series.starts_at_x else 1.0
        total = term
        for k in range(1, cap):
            term *= series.step(x, k)
            total += term
            if abs(term) < tol * abs(total):
                break
        totals.append(total)
    pad = 0.05 * (max(totals) - min(totals)) + 1e-3
    return min(totals) - pad, max(totals) + pad


def _power_series(p: Program) -> list[Expr]:
    """A series summed term by term until a term is negligible or the cap is reached."""
    f = p.ctype
    cap = p.rng.choice((10, 20, 30, 60))
    tol = p.rng.choice((1e-5, 1e-7, 1e-9 if f == "double" else 1e-7))
    series = _POWER_SERIES[p.rng.choice(sorted(_POWER_SERIES))]
    shrink = p.rng.choice((1.0, 0.5, 0.25))
    x = p.scalar(rng=(series.left * shrink, series.right * shrink))
    lo, hi = _series_bounds(series, x.lo, x.hi, cap, tol)
    k, term, total = p.fresh("k"), p.fresh("term"), p.fresh("total")
    xt = x.wrapped(90)
    p.emit(f"{f} {term} = {x.text if series.starts_at_x else p.lit(1.0)};")
    p.emit(f"{f} {total} = {term};")
    counted = p.rng.random() < 0.3  # the number of terms summed is an output too
    if counted:
        p.emit(f"int {k};")
    with p.block(f"for ({'' if counted else 'int '}{k} = 1; {k} < {cap}; {k}++)"):
        p.emit(f"{term} *= {series.factor.format(x=xt, k=k, f=f, q=p.lit(0.25))};")
        p.emit(f"{total} += {term};")
        p.emit(f"if (fabs({term}) < {p.lit(tol)} * fabs({total})) break;")
    if counted:
        return [var(total, lo, hi), var(f"({f}){k}", 1.0, float(cap))]
    return [var(total, lo, hi)]


def _recurrence(p: Program) -> list[Expr]:
    """P_n(x) of a three-term recurrence for an input degree n, or its weighted value."""
    f = p.ctype
    kind = p.rng.choice(("chebyshev", "chebyshev_u", "legendre", "laguerre"))
    laguerre = kind == "laguerre"
    shrink = p.rng.choice((1.0, 0.5))
    x = p.scalar("x", (0.0, 3.0 * shrink) if laguerre else (-shrink, shrink))
    n = p.scalar("n", (0.0, p.rng.choice((8.0, 16.0, 24.0))), ctype="int")
    k, t0, t1 = p.fresh("k"), p.fresh("p0"), p.fresh("p1")
    first = {
        "chebyshev": x.text,
        "chebyshev_u": f"{p.lit(2.0)} * {x.text}",
        "legendre": x.text,
        "laguerre": f"{p.lit(1.0)} - {x.text}",
    }[kind]
    p.emit(f"{f} {t0} = {p.lit(1.0)}, {t1} = {first};")
    with p.block(f"for (int {k} = 1; {k} < {n.text} && {k} < 24; {k}++)"):
        if kind == "legendre":
            p.emit(
                f"{f} t2 = (({f})(2 * {k} + 1) * {x.text} * {t1} - ({f}){k} * {t0}) / ({f})({k} + 1);"
            )
        elif laguerre:
            p.emit(
                f"{f} t2 = ((({f})(2 * {k} + 1) - {x.text}) * {t1} - ({f}){k} * {t0}) / ({f})({k} + 1);"
            )
        else:
            p.emit(f"{f} t2 = {p.lit(2.0)} * {x.text} * {t1} - {t0};")
        p.emit(f"{t0} = {t1};")
        p.emit(f"{t1} = t2;")
    value = f"{n.text} == 0 ? {t0} : {t1}"
    bound = {"chebyshev": 1.0, "chebyshev_u": 25.0, "legendre": 1.0, "laguerre": 4.5}[kind]
    if laguerre and p.rng.random() < 0.5:  # the Laguerre function, bounded by 1
        return [var(f"exp({p.lit(-0.5)} * {x.text}) * ({value})", -1.0, 1.0)]
    return [var(value, -bound, bound)]


def _coefficient_series(p: Program) -> list[Expr]:
    """A polynomial in x (Horner, optionally with its derivative) or a Chebyshev sum
    (Clenshaw, optionally with coefficients damped by 1/(k+1)), with input coefficients."""
    f = p.ctype
    m = p.rng.choice((4, 6, 8, 12))
    cmax = p.rng.choice((1.0, 0.5))
    c = p.array(p.rng.choice(("c", "coef", "w")), (m,), p.rng.choice(((-cmax, cmax), (0.0, cmax))))
    xmax = p.rng.choice((1.0, 0.5))
    x = p.scalar("x", p.rng.choice(((-xmax, xmax), (0.0, xmax))))
    k = p.fresh("k")
    bound = m * cmax
    if p.rng.random() < 0.5:
        r, d = p.fresh("acc"), p.fresh("slope")
        slope = p.rng.random() < 0.4
        p.emit(f"{f} {r} = {c.name}[{m - 1}];")
        if slope:
            p.emit(f"{f} {d} = {p.lit(0.0)};")
        with p.block(f"for (int {k} = {m - 2}; {k} >= 0; {k}--)"):
            if slope:
                p.emit(f"{d} = {d} * {x.text} + {r};")
            p.emit(f"{r} = {r} * {x.text} + {c.name}[{k}];")
        if slope:
            return [var(r, -bound, bound), var(d, -bound * m, bound * m)]
        return [var(r, -bound, bound)]
    b1, b2 = p.fresh("b1"), p.fresh("b2")
    damped = p.rng.random() < 0.4
    coef = f"{c.name}[{k}] / ({f})({k} + 1)" if damped else f"{c.name}[{k}]"
    p.emit(f"{f} {b1} = {p.lit(0.0)}, {b2} = {p.lit(0.0)};")
    with p.block(f"for (int {k} = {m - 1}; {k} >= 1; {k}--)"):
        p.emit(f"{f} b0 = {coef} + {p.lit(2.0)} * {x.text} * {b1} - {b2};")
        p.emit(f"{b2} = {b1};")
        p.emit(f"{b1} = b0;")
    return [var(f"{c.name}[0] + {x.text} * {b1} - {b2}", -bound, bound)]


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
    i, k = loop_index(p), loop_index(p)
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
