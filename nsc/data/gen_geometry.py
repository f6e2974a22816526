"""Geometry family: a small vec3 struct with static helpers, as graphics and physics code has."""

from __future__ import annotations

from nsc.data.gen_expr import Expr, var
from nsc.data.gen_program import Program

EPS = 1e-6


def _vec_library(p: Program) -> None:
    """typedef struct vec3 and the helpers the kernels below call (defined once)."""
    if "vec3" in p.idioms:
        return
    p.idioms.add("vec3")
    p.names.update({"vec3", "v3", "sub3", "dot3", "cross3", "scale3", "len3", "load3"})
    f = p.ctype
    p.globals.append(f"typedef struct {{\n    {f} x, y, z;\n}} vec3;")
    p.helpers += [
        f"static vec3 v3({f} x, {f} y, {f} z)\n{{\n    vec3 r;\n    r.x = x;\n    r.y = y;\n"
        "    r.z = z;\n    return r;\n}",
        f"static vec3 load3(const {f} a[3])\n{{\n    return v3(a[0], a[1], a[2]);\n}}",
        "static vec3 sub3(vec3 a, vec3 b)\n{\n    return v3(a.x - b.x, a.y - b.y, a.z - b.z);\n}",
        f"static {f} dot3(vec3 a, vec3 b)\n{{\n    return a.x * b.x + a.y * b.y + a.z * b.z;\n}}",
        "static vec3 cross3(vec3 a, vec3 b)\n{\n"
        "    return v3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x);\n}",
        f"static vec3 scale3(vec3 a, {f} s)\n{{\n    return v3(a.x * s, a.y * s, a.z * s);\n}}",
        f"static {f} len3(vec3 a)\n{{\n    return sqrt(dot3(a, a));\n}}",
    ]


def _vec_input(p: Program, base: str, rng: tuple[float, float]) -> str:
    """A `const T name[3]` input loaded into a local vec3; returns the local's name."""
    arr = p.array(base, (3,), rng)
    local = p.fresh(base + "v")
    p.emit(f"vec3 {local} = load3({arr.name});")
    return local


def geometry(p: Program) -> list[Expr]:
    _vec_library(p)
    return p.rng.choice((_ray_sphere, _shading, _segment_distance, _triangle))(p)


def _ray_sphere(p: Program) -> list[Expr]:
    f, lit = p.ctype, p.lit
    origin = _vec_input(p, "origin", (-2.0, 2.0))
    direction = _vec_input(p, "dir", (-1.0, 1.0))
    radius = p.scalar("radius", (0.2, 1.5))
    d, oc, t = p.fresh("d"), p.fresh("oc"), p.fresh("hit")
    b, c, disc = p.fresh("half_b"), p.fresh("c"), p.fresh("disc")
    p.emit(f"vec3 {d} = scale3({direction}, {lit(1.0)} / (len3({direction}) + {lit(EPS)}));")
    p.emit(f"vec3 {oc} = {origin};")
    p.emit(f"{f} {b} = dot3({oc}, {d});")
    p.emit(f"{f} {c} = dot3({oc}, {oc}) - {radius.text} * {radius.text};")
    p.emit(f"{f} {disc} = {b} * {b} - {c};")
    p.emit(f"{f} {t} = {lit(-1.0)};")
    with p.block(f"if ({disc} >= {lit(0.0)})"):
        p.emit(f"{f} sq = sqrt({disc});")
        p.emit(f"{t} = -{b} - sq > {lit(0.0)} ? -{b} - sq : -{b} + sq;")
    return [var(t, -1.0, 8.0), var(disc, -8.0, 8.0)]


def _shading(p: Program) -> list[Expr]:
    f, lit = p.ctype, p.lit
    normal = _vec_input(p, "normal", (-1.0, 1.0))
    light = _vec_input(p, "light", (-1.0, 1.0))
    view = _vec_input(p, "view", (-1.0, 1.0))
    shininess = p.rng.choice((4.0, 8.0, 16.0, 32.0))
    n, l_, r = p.fresh("n"), p.fresh("l"), p.fresh("refl")
    diffuse, spec = p.fresh("diffuse"), p.fresh("spec")
    p.emit(f"vec3 {n} = scale3({normal}, {lit(1.0)} / (len3({normal}) + {lit(EPS)}));")
    p.emit(f"vec3 {l_} = scale3({light}, {lit(1.0)} / (len3({light}) + {lit(EPS)}));")
    p.emit(f"{f} {diffuse} = fmax(dot3({n}, {l_}), {lit(0.0)});")
    p.emit(f"vec3 {r} = sub3(scale3({n}, {lit(2.0)} * dot3({n}, {l_})), {l_});")
    vr = p.fresh("vr")
    p.emit(f"{f} {vr} = dot3({r}, {view}) / (len3({view}) + {lit(EPS)});")
    p.emit(f"{f} {spec} = {vr} > {lit(0.0)} ? pow({vr}, {lit(shininess)}) : {lit(0.0)};")
    ambient = round(p.rng.uniform(0.05, 0.3), 2)
    return [var(f"{lit(ambient)} + {diffuse} + {spec}", 0.0, 2.5), var(diffuse, 0.0, 1.0)]


def _segment_distance(p: Program) -> list[Expr]:
    f, lit = p.ctype, p.lit
    point = _vec_input(p, "point", (-2.0, 2.0))
    a = _vec_input(p, "a", (-2.0, 2.0))
    b = _vec_input(p, "b", (-2.0, 2.0))
    ab, t, closest = p.fresh("ab"), p.fresh("t"), p.fresh("closest")
    p.emit(f"vec3 {ab} = sub3({b}, {a});")
    p.emit(f"{f} {t} = dot3(sub3({point}, {a}), {ab}) / (dot3({ab}, {ab}) + {lit(EPS)});")
    p.emit(f"{t} = fmin(fmax({t}, {lit(0.0)}), {lit(1.0)});")
    p.emit(
        f"vec3 {closest} = v3({a}.x + {t} * {ab}.x, {a}.y + {t} * {ab}.y, {a}.z + {t} * {ab}.z);"
    )
    return [var(f"len3(sub3({point}, {closest}))", 0.0, 7.0), var(t, 0.0, 1.0)]


def _triangle(p: Program) -> list[Expr]:
    f, lit = p.ctype, p.lit
    v0 = _vec_input(p, "p0", (-1.0, 1.0))
    v1 = _vec_input(p, "p1", (-1.0, 1.0))
    v2 = _vec_input(p, "p2", (-1.0, 1.0))
    e1, e2, nrm = p.fresh("e1"), p.fresh("e2"), p.fresh("nrm")
    p.emit(f"vec3 {e1} = sub3({v1}, {v0});")
    p.emit(f"vec3 {e2} = sub3({v2}, {v0});")
    p.emit(f"vec3 {nrm} = cross3({e1}, {e2});")
    area, cosang = p.fresh("area"), p.fresh("cosang")
    p.emit(f"{f} {area} = {lit(0.5)} * len3({nrm});")
    p.emit(f"{f} {cosang} = dot3({e1}, {e2}) / (len3({e1}) * len3({e2}) + {lit(EPS)});")
    p.emit(f"{cosang} = fmin(fmax({cosang}, {lit(-1.0)}), {lit(1.0)});")
    return [var(area, 0.0, 4.0), var(f"acos({cosang})", 0.0, 3.1416)]
