"""Straight-line families: polynomials, rational functions, cancellation, nested transcendentals."""

from __future__ import annotations

import math

from nsc.data.gen_expr import (
    Expr,
    add,
    call,
    div,
    exp_,
    fabs,
    lit,
    log_,
    mul,
    neg,
    sqrt_,
    square,
    sub,
    var,
)
from nsc.data.gen_program import Program

SMALL_RANGES = ((-1.0, 1.0), (-2.0, 2.0), (0.0, 1.0), (-0.5, 0.5), (0.0, 2.0), (-1.5, 1.5))


def coefficients(p: Program, degree: int) -> list[float]:
    """Polynomial coefficients c0..cn: Taylor-like or decaying random, with long literals."""
    rng = p.rng
    if rng.random() < 0.35:
        sign = rng.choice((1.0, -1.0))
        scale = rng.uniform(0.5, 1.5)
        return [(sign**k) * scale**k / math.factorial(k) for k in range(degree + 1)]
    decay = rng.uniform(0.3, 0.95)
    return [rng.uniform(-1.0, 1.0) * decay**k * rng.uniform(0.5, 2.0) for k in range(degree + 1)]


def clit(p: Program, value: float) -> Expr:
    """A coefficient literal with the many digits that fitted approximations carry."""
    digits = 9 if p.ctype == "double" else 7
    text = f"{value:.{digits}g}"
    value = float(text)
    if "e" not in text and "." not in text:
        text += ".0"
    return Expr(text + ("f" if p.ctype == "float" else ""), value, value, 90 if value < 0 else 100)


def horner(p: Program, t: Expr, coeffs: list[float]) -> Expr:
    """c0 + t * (c1 + t * (c2 + ...)) as one expression."""
    acc = clit(p, coeffs[-1])
    for c in reversed(coeffs[:-1]):
        acc = add(clit(p, c), mul(t, acc))
    return acc


def horner_statements(p: Program, t: Expr, coeffs: list[float]) -> Expr:
    """acc = cn; acc = acc * t + c(n-1); ... one statement per coefficient."""
    name = p.fresh("acc")
    acc = clit(p, coeffs[-1])
    p.emit(f"{p.ctype} {name} = {acc.text};")
    for c in reversed(coeffs[:-1]):
        acc = add(mul(var(name, acc.lo, acc.hi), t), clit(p, c))
        p.emit(f"{name} = {acc.text};")
    return var(name, acc.lo, acc.hi)


def horner_table(p: Program, t: Expr, coeffs: list[float]) -> Expr:
    """A static coefficient table walked by a loop."""
    table = p.fresh("C").upper()
    values = ", ".join(clit(p, c).text for c in coeffs)
    p.globals.append(f"static const {p.ctype} {table}[{len(coeffs)}] = {{{values}}};")
    bound = horner(p, var("T", -t.mag, t.mag), coeffs)
    acc = p.fresh("acc")
    i = p.fresh("i")
    p.emit(f"{p.ctype} {acc} = {p.lit(0.0)};")
    with p.block(f"for (int {i} = {len(coeffs) - 1}; {i} >= 0; --{i})"):
        p.emit(f"{acc} = {acc} * {t.wrapped(80)} + {table}[{i}];")
    return var(acc, bound.lo, bound.hi)


def power_sum(p: Program, t: Expr, coeffs: list[float]) -> Expr:
    """c0 + c1*t + c2*t2 + ... with the powers kept in locals."""
    powers = [lit(1.0, p.ctype), t]
    for k in range(2, len(coeffs)):
        base = powers[k // 2] if k % 2 == 0 else powers[k - 1]
        other = powers[k // 2] if k % 2 == 0 else t
        powers.append(p.local(mul(base, other), "t" + str(k)))
    acc = clit(p, coeffs[0])
    for c, pw in zip(coeffs[1:], powers[1:], strict=True):
        acc = add(acc, mul(clit(p, c), pw))
    return acc


def polynomial_value(p: Program, t: Expr, degree: int) -> Expr:
    style = p.rng.choice((horner, horner, horner_statements, horner_table, power_sum))
    return style(p, t, coefficients(p, degree))


def normalized(p: Program, x: Expr) -> Expr:
    """x mapped to [-1, 1] the way approximation code does: (x - mid) * inv_half_width."""
    mid, half = (x.lo + x.hi) / 2, (x.hi - x.lo) / 2
    if half <= 0 or (abs(mid) < 1e-9 and half <= 2):
        return x
    shifted = sub(x, lit(mid, p.ctype)) if mid else x
    if half == 1:
        return p.local(shifted)
    return p.local(mul(Expr(f"({shifted.text})", shifted.lo, shifted.hi), lit(1 / half, p.ctype)))


def polynomial(p: Program) -> list[Expr]:
    x = p.scalar(rng=p.rng.choice(SMALL_RANGES + ((-4.0, 4.0), (0.0, 10.0))))
    results: list[Expr] = []
    kind = p.rng.random()
    if kind < 0.25:
        results.append(reduced_exp(p, x))
    elif kind < 0.45:
        t = normalized(p, x)
        t2 = p.local(square(t), "t2")
        odd = mul(t, polynomial_value(p, t2, p.rng.randint(3, 6)))
        results += [odd, polynomial_value(p, t2, p.rng.randint(3, 6))]
    else:
        t = normalized(p, x) if p.rng.random() < 0.6 else x
        results.append(polynomial_value(p, t, p.rng.randint(4, 12)))
    for _ in range(p.rng.randint(0, 2)):
        e = p.scalar(rng=p.rng.choice(SMALL_RANGES))
        results[0] = add(mul(results[0], e), p.gen([x, e]).expr(1))
    return results


def reduced_exp(p: Program, x: Expr) -> Expr:
    """exp(x) by range reduction: x = k ln2 + r, a polynomial in r, then scaling by 2^k."""
    x = var(x.text, max(x.lo, -8.0), min(x.hi, 8.0)) if x.mag > 8 else x
    ln2 = lit(0.693147180559945, p.ctype)
    k = p.fresh("k")
    p.emit(f"int {k} = (int)floor({x.wrapped(80)} * {p.lit(1.4426950408889634)} + {p.lit(0.5)});")
    r = p.local(sub(x, Expr(f"({p.ctype}){k} * {ln2.text}", x.lo - 0.4, x.hi + 0.4, 80)), "r")
    r = var(r.text, -0.4, 0.4)
    coeffs = [1.0 / math.factorial(n) for n in range(p.rng.randint(5, 9))]
    poly = horner(p, r, coeffs)
    scale = Expr(f"pow({p.lit(2.0)}, ({p.ctype}){k})", 2.0 ** (x.lo - 1), 2.0 ** (x.hi + 1))
    return mul(poly, scale)


def rational(p: Program) -> list[Expr]:
    x = p.scalar(rng=p.rng.choice(SMALL_RANGES + ((-3.0, 3.0),)))
    t = normalized(p, x) if p.rng.random() < 0.5 else x
    num = polynomial_value(p, t, p.rng.randint(2, 7))
    if p.rng.random() < 0.5:
        t2 = p.local(square(t), "t2")
        qs = [1.0] + [abs(c) for c in coefficients(p, p.rng.randint(1, 4))[1:]]
        den = horner(p, t2, qs)
    else:
        den = horner(p, t, coefficients(p, p.rng.randint(1, 5)))
        if den.lo <= 0.05 and den.hi >= -0.05:
            den = add(square(den), lit(float(f"{p.rng.uniform(0.1, 1.0):.3g}"), p.ctype))
    den = p.local(den, "den")
    results = [div(num, den)]
    if p.rng.random() < 0.4:
        y = p.scalar(rng=(0.1, 4.0))
        results.append(div(mul(y, x), add(fabs(x), y)))
    return results


def cancellation(p: Program) -> list[Expr]:
    """Forms that lose digits: 1 - cos, sqrt(u^2 + c) - u, expm1 guards, determinants, roots."""
    count = p.rng.randint(1, 3)
    u = p.scalar(rng=p.rng.choice(((-1.0, 1.0), (-0.01, 0.01), (-3.0, 3.0), (0.0, 0.1))))
    return [form(p, u) for form in p.rng.sample(CANCEL_FORMS, count)]


def _one_minus_cos(p: Program, u: Expr) -> Expr:
    num = sub(lit(1.0, p.ctype), call("cos", [u], -1.0, 1.0))
    return div(num, add(square(u), lit(1e-6, p.ctype)))


def _sqrt_diff(p: Program, u: Expr) -> Expr:
    c = p.gen([u]).const(0.01, 4.0, signed=False)
    return sub(sqrt_(add(square(u), c)), u)


def _expm1_guarded(p: Program, u: Expr) -> Expr:
    r = p.fresh("em")
    small = add(lit(1.0, p.ctype), mul(u, lit(0.5, p.ctype)))
    p.emit(f"{p.ctype} {r};")
    with p.block(f"if (fabs({u.text}) < {p.lit(1e-4)})"):
        p.emit(f"{r} = {small.text};")
    with p.block("else"):
        p.emit(f"{r} = (exp({u.text}) - {p.lit(1.0)}) / {u.wrapped(100)};")
    hi = (math.exp(u.hi) - 1) / u.hi if u.hi > 1e-4 else 1.01
    lo = (math.exp(u.lo) - 1) / u.lo if u.lo < -1e-4 else 0.99
    return var(r, lo, hi)


def _log1p_diff(p: Program, u: Expr) -> Expr:
    arg = add(lit(1.0, p.ctype), fabs(u))
    return sub(log_(arg), fabs(u))


def _determinant(p: Program, u: Expr) -> Expr:
    a, b, c = p.scalars(3)
    return sub(mul(u, a), mul(b, c))


def _quadratic_root(p: Program, u: Expr) -> Expr:
    b = p.scalar("b", (-10.0, 10.0))
    c = p.scalar("c", (-1.0, 1.0))
    disc = p.local(sub(square(b), mul(lit(4.0, p.ctype), c)), "disc")
    root = p.fresh("root")
    p.emit(f"{p.ctype} {root} = {p.lit(0.0)};")
    with p.block(f"if ({disc.text} >= {p.lit(0.0)})"):
        sq = p.fresh("sq")
        p.emit(f"{p.ctype} {sq} = sqrt({disc.text});")
        q = p.fresh("q")
        half = p.lit(-0.5)
        p.emit(f"{p.ctype} {q} = {half} * ({b.text} + ({b.text} >= {p.lit(0.0)} ? {sq} : -{sq}));")
        p.emit(f"{root} = fabs({q}) > {p.lit(1e-6)} ? {c.text} / {q} : {p.lit(0.0)};")
    return var(root, -1e3, 1e3)


def _finite_difference(p: Program, u: Expr) -> Expr:
    h = float(p.rng.choice((1e-3, 1e-2, 1e-4)))
    fn = p.rng.choice(("sin", "cos", "atan", "tanh"))
    num = f"{fn}({u.wrapped(70)} + {p.lit(h)}) - {fn}({u.text})"
    return Expr(f"({num}) / {p.lit(h)}", -1.5, 1.5, 80, 3)


def _x_minus_sin(p: Program, u: Expr) -> Expr:
    return sub(u, call("sin", [u], u.lo - 1, u.hi + 1))


def _reciprocal_diff(p: Program, u: Expr) -> Expr:
    base = p.gen([u]).positive(u, 0.5)
    h = lit(float(p.rng.choice((0.1, 0.01, 1.0))), p.ctype)
    return sub(div(lit(1.0, p.ctype), base), div(lit(1.0, p.ctype), add(base, h)))


CANCEL_FORMS = (
    _one_minus_cos,
    _sqrt_diff,
    _expm1_guarded,
    _log1p_diff,
    _determinant,
    _quadratic_root,
    _finite_difference,
    _x_minus_sin,
    _reciprocal_diff,
)


def transcendental(p: Program) -> list[Expr]:
    """Gaussians, logistics, softplus, power laws, Arrhenius, Black-Scholes-like chains."""
    count = p.rng.randint(1, 3)
    return [form(p) for form in p.rng.sample(TRANSCENDENTAL_FORMS, count)]


def _gaussian(p: Program) -> Expr:
    x = p.scalar(rng=(-5.0, 5.0))
    mu = p.scalar("mu", (-1.0, 1.0))
    sigma = p.scalar("sigma", (0.2, 2.0))
    z = p.local(div(sub(x, mu), sigma), "z")
    e = exp_(mul(lit(-0.5, p.ctype), square(z)))
    norm = mul(sigma, lit(math.sqrt(2 * math.pi), p.ctype))
    return div(e, norm)


def _logistic(p: Program) -> Expr:
    x = p.scalar(rng=(-6.0, 6.0))
    k = p.gen([x]).const(0.5, 3.0, signed=False)
    arg = neg(mul(k, x))
    return div(lit(1.0, p.ctype), add(lit(1.0, p.ctype), exp_(arg)))


def _softplus(p: Program) -> Expr:
    x = p.scalar(rng=(-10.0, 10.0))
    r = p.fresh("sp")
    p.emit(
        f"{p.ctype} {r} = {x.text} > {p.lit(8.0)} ? {x.text} : log({p.lit(1.0)} + exp({x.text}));"
    )
    return var(r, 0.0, 10.0)


def _power_law(p: Program) -> Expr:
    x = p.scalar(rng=(0.0, 5.0))
    a = p.gen([x]).const(0.5, 3.0, signed=False)
    b = float(p.rng.choice((-0.5, -1.5, -2.0, 0.75, 1.5, -0.25)))
    base = add(lit(1.0, p.ctype), div(x, a))
    pw = call("pow", [base, lit(b, p.ctype)], *sorted([base.lo**b, base.hi**b]))
    return mul(pw, exp_(mul(lit(-0.3, p.ctype), x)))


def _arrhenius(p: Program) -> Expr:
    temp = p.scalar("temp", (250.0, 600.0))
    ea = p.scalar("ea", (0.2, 1.0))
    arg = div(neg(mul(ea, lit(1e4, p.ctype))), mul(lit(8.314, p.ctype), temp))
    return mul(lit(1e3, p.ctype), exp_(arg))


def _option_like(p: Program) -> Expr:
    spot = p.scalar("spot", (10.0, 100.0))
    strike = p.scalar("strike", (10.0, 100.0))
    vol = p.scalar("vol", (0.05, 0.6))
    years = p.scalar("years", (0.1, 2.0))
    st = p.local(sqrt_(years), "st")
    d1 = p.local(
        div(
            add(log_(div(spot, strike)), mul(mul(lit(0.5, p.ctype), square(vol)), years)),
            mul(vol, st),
        ),
        "d1",
    )
    cnd = call("erfc_approx", [d1], 0.0, 1.0)
    _erf_helper(p)
    return sub(mul(spot, cnd), mul(strike, call("erfc_approx", [sub(d1, mul(vol, st))], 0.0, 1.0)))


def _erf_helper(p: Program) -> None:
    if "erfc_approx" in p.names:
        return
    p.names.add("erfc_approx")
    f = p.ctype
    p.helpers.append(
        f"static {f} erfc_approx({f} d)\n{{\n"
        f"    {f} ad = fabs(d);\n"
        f"    {f} k = {p.lit(1.0)} / ({p.lit(1.0)} + {p.lit(0.2316419)} * ad);\n"
        f"    {f} poly = k * ({p.lit(0.31938153)} + k * ({p.lit(-0.356563782)} + k * "
        f"({p.lit(1.781477937)} + k * ({p.lit(-1.821255978)} + k * {p.lit(1.330274429)}))));\n"
        f"    {f} n = {p.lit(1.0)} - {p.lit(0.3989422804)} * exp({p.lit(-0.5)} * ad * ad) * poly;\n"
        f"    return d < {p.lit(0.0)} ? {p.lit(1.0)} - n : n;\n}}"
    )


def _log_sum_exp(p: Program) -> Expr:
    xs = [p.scalar(rng=(-5.0, 5.0)) for _ in range(p.rng.randint(2, 4))]
    m = xs[0]
    for x in xs[1:]:
        m = call("fmax", [m, x], max(m.lo, x.lo), max(m.hi, x.hi))
    m = p.local(m, "mx")
    total = exp_(sub(xs[0], m))
    for x in xs[1:]:
        total = add(total, exp_(sub(x, m)))
    return add(m, log_(var(f"({total.text})", 1.0, float(len(xs)))))


def _nested(p: Program) -> Expr:
    x = p.scalar(rng=(0.1, 4.0))
    y = p.scalar(rng=(-2.0, 2.0))
    g = p.gen([x, y])
    inner = g.unary("exp", mul(lit(-0.5, p.ctype), square(y)))
    outer = g.binary("pow", add(x, inner), g.const(0.3, 2.5, signed=False))
    return g.unary("log", add(outer, g.unary("sqrt", x)))


TRANSCENDENTAL_FORMS = (
    _gaussian,
    _logistic,
    _softplus,
    _power_law,
    _arrhenius,
    _option_like,
    _log_sum_exp,
    _nested,
)
