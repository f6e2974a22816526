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


def _direction(p: Program, base: str) -> str:
    """A vec3 input the kernel only uses normalized (or clamps after): any range will do."""
    return _vec_input(p, base, p.rng.choice(((-1.0, 1.0), (-2.0, 2.0), (0.0, 1.0), (-5.0, 5.0))))


def geometry(p: Program) -> list[Expr]:
    _vec_library(p)
    kernels = (_ray_sphere, _shading, _segment_distance, _triangle, _ray_plane, _barycentric)
    return p.rng.choice((*kernels, _rotate))(p)


def _ray_sphere(p: Program) -> list[Expr]:
    f, lit = p.ctype, p.lit
    origin = _vec_input(p, "origin", (-2.0, 2.0))
    direction = _direction(p, "dir")
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
    normal = _direction(p, "normal")
    light = _direction(p, "light")
    view = _direction(p, "view")
    shininess = p.rng.choice((4.0, 8.0, 16.0, 32.0))
    n, l_, r = p.fresh("n"), p.fresh("l"), p.fresh("refl")
    diffuse, spec = p.fresh("diffuse"), p.fresh("spec")
    p.emit(f"vec3 {n} = scale3({normal}, {lit(1.0)} / (len3({normal}) + {lit(EPS)}));")
    p.emit(f"vec3 {l_} = scale3({light}, {lit(1.0)} / (len3({light}) + {lit(EPS)}));")
    p.emit(f"{f} {diffuse} = fmax(dot3({n}, {l_}), {lit(0.0)});")
    p.emit(f"vec3 {r} = sub3(scale3({n}, {lit(2.0)} * dot3({n}, {l_})), {l_});")
    vr = p.fresh("vr")
    if p.rng.random() < 0.5:  # Phong: the reflected light against the view
        p.emit(f"{f} {vr} = dot3({r}, {view}) / (len3({view}) + {lit(EPS)});")
    else:  # Blinn-Phong: the half vector against the normal
        h = p.fresh("half")
        p.emit(f"vec3 {h} = sub3({l_}, scale3({view}, {lit(-1.0)} / (len3({view}) + {lit(EPS)})));")
        p.emit(f"{f} {vr} = dot3({n}, {h}) / (len3({h}) + {lit(EPS)});")
    p.emit(f"{f} {spec} = {vr} > {lit(0.0)} ? pow({vr}, {lit(shininess)}) : {lit(0.0)};")
    ambient = round(p.rng.uniform(0.05, 0.3), 2)
    return [var(f"{lit(ambient)} + {diffuse} + {spec}", 0.0, 2.5), var(diffuse, 0.0, 1.0)]


def _segment_distance(p: Program) -> list[Expr]:
    """The distance from a point to a segment (or to the whole line through it)."""
    f, lit = p.ctype, p.lit
    size = p.rng.choice((1.0, 2.0, 4.0))
    point = _vec_input(p, "point", (-size, size))
    a = _vec_input(p, "a", (-size, size))
    b = _vec_input(p, "b", (-size, size))
    ab, t, closest = p.fresh("ab"), p.fresh("t"), p.fresh("closest")
    p.emit(f"vec3 {ab} = sub3({b}, {a});")
    p.emit(f"{f} {t} = dot3(sub3({point}, {a}), {ab}) / (dot3({ab}, {ab}) + {lit(EPS)});")
    segment = p.rng.random() < 0.7
    if segment:
        p.emit(f"{t} = fmin(fmax({t}, {lit(0.0)}), {lit(1.0)});")
    p.emit(
        f"vec3 {closest} = v3({a}.x + {t} * {ab}.x, {a}.y + {t} * {ab}.y, {a}.z + {t} * {ab}.z);"
    )
    far = 4.0 * size
    gap = f"sub3({point}, {closest})"
    distance = p.rng.choice(
        (var(f"len3({gap})", 0.0, far), var(f"dot3({gap}, {gap})", 0.0, far * far))
    )
    return [
        distance,
        var(t, 0.0, 1.0)
        if segment
        else var(f"fmin(fmax({t}, {lit(-4.0)}), {lit(4.0)})", -4.0, 4.0),
    ]


def _triangle(p: Program) -> list[Expr]:
    """Measures of a triangle: area, an angle, the perimeter, a component of the unit normal."""
    f, lit = p.ctype, p.lit
    size = p.rng.choice((0.5, 1.0, 2.0))
    v0, v1, v2, e1, e2 = _triangle_edges(p, size)
    nrm = p.fresh("nrm")
    p.emit(f"vec3 {nrm} = cross3({e1}, {e2});")
    area, cosang = p.fresh("area"), p.fresh("cosang")
    p.emit(f"{f} {area} = {lit(0.5)} * len3({nrm});")
    p.emit(f"{f} {cosang} = dot3({e1}, {e2}) / (len3({e1}) * len3({e2}) + {lit(EPS)});")
    p.emit(f"{cosang} = fmin(fmax({cosang}, {lit(-1.0)}), {lit(1.0)});")
    side = 2.0 * size * 1.7321
    measures = [
        var(area, 0.0, side * side),
        var(f"acos({cosang})", 0.0, 3.1416),
        var(f"len3({e1}) + len3({e2}) + len3(sub3({v2}, {v1}))", 0.0, 3 * side),
        var(f"{nrm}.{p.rng.choice('xyz')} / (len3({nrm}) + {lit(EPS)})", -1.0, 1.0),
    ]
    return p.rng.sample(measures, 2)


def _triangle_edges(p: Program, size: float) -> tuple[str, str, str, str, str]:
    """Three vertex inputs in [-size, size]^3 and the two edges from the first: v0, v1, v2, e1, e2."""
    v0 = _vec_input(p, "p0", (-size, size))
    v1 = _vec_input(p, "p1", (-size, size))
    v2 = _vec_input(p, "p2", (-size, size))
    e1, e2 = p.fresh("e1"), p.fresh("e2")
    p.emit(f"vec3 {e1} = sub3({v1}, {v0});")
    p.emit(f"vec3 {e2} = sub3({v2}, {v0});")
    return v0, v1, v2, e1, e2


def _ray_plane(p: Program) -> list[Expr]:
    f, lit = p.ctype, p.lit
    origin = _vec_input(p, "origin", (-2.0, 2.0))
    direction = _vec_input(p, "dir", (-1.0, 1.0))
    normal = _direction(p, "normal")
    offset = p.scalar("offset", (-1.0, 1.0))
    denom, t = p.fresh("denom"), p.fresh("t")
    p.emit(f"{f} {denom} = dot3({normal}, {direction});")
    p.emit(f"{f} {t} = {lit(-1.0)};")
    with p.block(f"if (fabs({denom}) > {lit(1e-3)})"):
        p.emit(f"{t} = ({offset.text} - dot3({normal}, {origin})) / {denom};")
    p.emit(f"{t} = fmin(fmax({t}, {lit(-1.0)}), {lit(10.0)});")
    axis = p.rng.choice("xyz")
    return [var(t, -1.0, 10.0), var(f"{origin}.{axis} + {t} * {direction}.{axis}", -12.0, 12.0)]


def _barycentric(p: Program) -> list[Expr]:
    f, lit = p.ctype, p.lit
    size = p.rng.choice((0.5, 1.0, 2.0))
    point = _vec_input(p, "point", (-size, size))
    v0, _, _, e1, e2 = _triangle_edges(p, size)
    d = p.fresh("d")
    p.emit(f"vec3 {d} = sub3({point}, {v0});")
    d00, d01, d11 = p.fresh("d00"), p.fresh("d01"), p.fresh("d11")
    d20, d21, den = p.fresh("d20"), p.fresh("d21"), p.fresh("den")
    p.emit(f"{f} {d00} = dot3({e1}, {e1}), {d01} = dot3({e1}, {e2}), {d11} = dot3({e2}, {e2});")
    p.emit(f"{f} {d20} = dot3({d}, {e1}), {d21} = dot3({d}, {e2});")
    p.emit(f"{f} {den} = {d00} * {d11} - {d01} * {d01} + {lit(EPS)};")
    u, v = p.fresh("u"), p.fresh("v")
    p.emit(
        f"{f} {v} = fmin(fmax(({d11} * {d20} - {d01} * {d21}) / {den}, {lit(-4.0)}), {lit(4.0)});"
    )
    p.emit(
        f"{f} {u} = fmin(fmax(({d00} * {d21} - {d01} * {d20}) / {den}, {lit(-4.0)}), {lit(4.0)});"
    )
    inside = f"({f})({u} >= {lit(0.0)} && {v} >= {lit(0.0)} && {u} + {v} <= {lit(1.0)})"
    w = f"{lit(1.0)} - {u} - {v}"
    measures = [
        var(u, -4.0, 4.0),
        var(v, -4.0, 4.0),
        var(w, -7.0, 9.0),
        var(inside, 0.0, 1.0),
        var(f"fmin(fmin({u}, {v}), {w})", -7.0, 1.0),  # > 0 inside, < 0 outside
    ]
    return p.rng.sample(measures, p.rng.choice((1, 2)))


def _rotate(p: Program) -> list[Expr]:
    """Rodrigues' rotation of a vector about an axis by an input angle."""
    f, lit = p.ctype, p.lit
    vec = _vec_input(p, "v", (-1.0, 1.0))
    axis = _direction(p, "axis")
    angle = p.scalar("angle", (-3.14159, 3.14159))
    k, c, s_, rot = p.fresh("k"), p.fresh("c"), p.fresh("s"), p.fresh("rot")
    kxv, kkv = p.fresh("kxv"), p.fresh("kkv")
    p.emit(f"vec3 {k} = scale3({axis}, {lit(1.0)} / (len3({axis}) + {lit(EPS)}));")
    p.emit(f"{f} {c} = cos({angle.text}), {s_} = sin({angle.text});")
    p.emit(f"vec3 {rot} = v3({vec}.x * {c}, {vec}.y * {c}, {vec}.z * {c});")
    p.emit(f"vec3 {kxv} = scale3(cross3({k}, {vec}), {s_});")
    p.emit(f"vec3 {kkv} = scale3({k}, dot3({k}, {vec}) * ({lit(1.0)} - {c}));")
    p.emit(
        f"{rot} = v3({rot}.x + {kxv}.x + {kkv}.x, {rot}.y + {kxv}.y + {kkv}.y, "
        f"{rot}.z + {kxv}.z + {kkv}.z);"
    )
    first, second = p.rng.sample("xyz", 2)
    return [var(f"{rot}.{first}", -1.8, 1.8), var(f"{rot}.{second}", -1.8, 1.8)]
