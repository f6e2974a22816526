"""A seeded generator of C programs that look like numeric kernels, for the training corpus.

`generate(seed, config)` picks a family (polynomials, rational functions, cancellation-prone
forms, nested transcendentals, piecewise code, reductions, stencils, Newton iterations, ...),
lets it build the entry's body, then routes its results to 1-4 outputs through `return`,
out-pointers and output arrays. Every input gets a `#pragma nsc range`, and expression bounds keep
math domains valid over those ranges. The same seed and config give byte-identical source.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from nsc.data import gen_arrays, gen_control, gen_geometry, gen_loops, gen_scalar
from nsc.data.gen_expr import MAG_LIMIT, Expr, add, call, lit, mul
from nsc.data.gen_program import Program
from nsc.diagnostics import NscError

Family = Callable[[Program], list[Expr]]

# Raised whenever a change makes some seed generate a different program. A corpus records the
# version it was generated with, and `nsc datagen` refuses to extend it with another one.
# 2: more variety in the transform, linalg and stencil families.
# 3: more variety in the reduction, series, geometry, iterative and linalg families.
GENERATOR_VERSION = 3

FAMILIES: dict[str, Family] = {
    "polynomial": gen_scalar.polynomial,
    "rational": gen_scalar.rational,
    "cancellation": gen_scalar.cancellation,
    "transcendental": gen_scalar.transcendental,
    "dataflow": gen_control.dataflow,
    "piecewise": gen_control.piecewise,
    "helpers": gen_control.helpers,
    "integer": gen_control.integer,
    "reduction": gen_arrays.reduction,
    "stencil": gen_arrays.stencil,
    "linalg": gen_arrays.linalg,
    "iterative": gen_loops.iterative,
    "series": gen_loops.series,
    "timestep": gen_loops.timestep,
    "transform": gen_loops.transform,
    "geometry": gen_geometry.geometry,
    "primitive": gen_control.primitive,
}

DEFAULT_WEIGHTS = {
    "polynomial": 3.0,
    "rational": 2.0,
    "cancellation": 2.0,
    "transcendental": 2.5,
    "dataflow": 1.5,
    "piecewise": 1.5,
    "helpers": 1.0,
    "integer": 1.0,
    "reduction": 1.5,
    "stencil": 1.0,
    "linalg": 1.0,
    "iterative": 1.5,
    "series": 1.0,
    "timestep": 1.0,
    "transform": 1.0,
    "geometry": 1.0,
    "primitive": 0.0,  # off: an experiment's corpus turns it on (docs/corpus.md)
}

MATH_FUNCS = (
    "sin cos tan exp log sqrt pow atan atan2 tanh fabs floor ceil hypot fmin fmax acos asin cbrt"
).split()
_MATH_CALL = re.compile(r"\b(" + "|".join(MATH_FUNCS) + r")\(")
ENTRY_NAMES = (
    "kernel",
    "evaluate",
    "compute",
    "model",
    "approx",
    "transfer",
    "response",
    "update",
    "estimate",
    "filter",
)


@dataclass(frozen=True)
class GeneratorConfig:
    """Knobs for the program mix. Weights need not sum to one; zero turns a family off."""

    family_weights: tuple[tuple[str, float], ...] = tuple(DEFAULT_WEIGHTS.items())
    p_double: float = 0.4  # a program computes in double (else float)
    p_float_funcs: float = 0.6  # a float program calls sinf/expf/... rather than sin/exp/...
    max_outputs: int = 4  # scalar results routed to return / out-pointers / an output array
    p_post: float = 0.4  # an output is post-processed by a small expression over the inputs
    p_extra_inputs: float = 0.3  # extra scalar inputs are mixed into the outputs
    max_depth: int = 4  # deepest random expression tree (dataflow family and post-processing)
    p_return: float = 0.75  # the first output goes through `return` (else all by pointer)
    p_out_array: float = 0.25  # several scalar outputs are packed into `T res[k]`
    p_compose: float = 0.3  # a second family adds its block to the same entry
    p_idiom: float = 0.25  # an output goes through a small static helper (sqr, clampv, mixv)
    p_struct: float = 0.15  # most scalar inputs are fields of one struct passed by value
    p_inout: float = 0.2  # an out-pointer result also reads the pointer's value (inout)

    def check(self) -> None:
        """Raise NscError for a knob outside its range."""
        for name in ("p_double", "p_float_funcs", "p_post", "p_extra_inputs", "p_return"):
            self._unit(name)
        for name in ("p_out_array", "p_compose", "p_idiom", "p_struct", "p_inout"):
            self._unit(name)
        if not 1 <= self.max_outputs <= 4:
            raise NscError(f"max_outputs must be 1-4, not {self.max_outputs}")
        if self.max_depth < 1:
            raise NscError(f"max_depth must be at least 1, not {self.max_depth}")

    def _unit(self, name: str) -> None:
        value = getattr(self, name)
        if not 0.0 <= value <= 1.0:
            raise NscError(f"{name} is a probability, so 0-1, not {value}")

    def weights(self) -> dict[str, float]:
        table = dict(self.family_weights)
        unknown = sorted(set(table) - set(FAMILIES))
        if unknown:
            raise NscError(f"unknown generator families: {', '.join(unknown)}")
        if not any(w > 0 for w in table.values()) or any(w < 0 for w in table.values()):
            raise NscError("family weights must be nonnegative with at least one positive")
        return table


# The `primitive` family alone, with nothing composed onto its functions: no second family,
# post-processing, extra inputs or idioms (benchmarks/primitive_corpus.py).
PRIMITIVE_ONLY = GeneratorConfig(
    family_weights=(("primitive", 1.0),),
    p_compose=0.0,
    p_post=0.0,
    p_extra_inputs=0.0,
    p_idiom=0.0,
)


@dataclass(frozen=True)
class GeneratedProgram:
    """One generated C translation unit and its entry function."""

    source: str
    entry: str
    family: str
    seed: int
    meta: dict = field(default_factory=dict, compare=False)


def generate(seed: int, config: GeneratorConfig = GeneratorConfig()) -> GeneratedProgram:  # noqa: B008
    """The program for `seed`: same seed and config give byte-identical source."""
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise NscError(f"the generator seed must be an int, not {type(seed).__name__}")
    rng = random.Random(f"nsc-gen:{seed}")
    return build(_pick(rng, config.weights()), seed, config, rng)


def _pick(rng: random.Random, weights: dict[str, float], exclude: str = "") -> str:
    names = sorted(n for n, w in weights.items() if w > 0 and n != exclude)
    if not names:
        return exclude
    return rng.choices(names, weights=[weights[n] for n in names])[0]


def _run_family(family: str, program: Program, config: GeneratorConfig) -> list[Expr]:
    if family == "dataflow":
        return gen_control.dataflow(program, config.max_depth)
    return FAMILIES[family](program)


def build(
    family: str, seed: int, config: GeneratorConfig, rng: random.Random | None = None
) -> GeneratedProgram:
    """A program of a given family (tests and the corpus builder use it to force a family)."""
    if family not in FAMILIES:
        raise NscError(f"unknown generator family {family!r}")
    config.check()
    rng = rng or random.Random(f"nsc-gen:{family}:{seed}")
    ctype = "double" if rng.random() < config.p_double else "float"
    program = Program(rng, ctype, shape=random.Random(f"nsc-shape:{family}:{seed}"))
    if program.shape.random() < config.p_struct:
        program.pack_inputs()
    results = _run_family(family, program, config)
    families = [family]
    if rng.random() < config.p_compose:
        families.append(_pick(rng, config.weights(), exclude=family))
        more = _run_family(families[1], program, config)
        if results and more:
            weight = lit(float(f"{rng.uniform(0.1, 2.0):.3g}"), ctype)
            results = [add(results[0], mul(weight, more[0]))] + results[1:] + more[1:]
        else:
            results += more
    _route_outputs(program, results, config)
    entry = program.fresh(rng.choice(ENTRY_NAMES))
    source = program.render(entry)
    if ctype == "float" and rng.random() < config.p_float_funcs:
        source = _MATH_CALL.sub(lambda m: m.group(1) + "f(", source)
    meta = {
        "ctype": ctype,
        "families": families,
        "return": program.return_type,
        "inputs": [[i.ref, i.ctype, list(i.dims), i.lo, i.hi] for i in program.inputs],
        "outputs": [[o.name, o.ctype, list(o.dims)] for o in program.outputs],
        "inout": {o.name: list(o.inout) for o in program.outputs if o.inout},
        "params": [list(param) for param in program.params()],
    }
    return GeneratedProgram(source, entry, family, seed, meta)


def _route_outputs(p: Program, results: list[Expr], config: GeneratorConfig) -> None:
    """Send the family's results to `return`, out-pointers or a packed output array."""
    limit = max(1, config.max_outputs - len(p.outputs))
    results = results[: p.rng.randint(1, limit)] if results else []
    results = [_post(p, r, config) for r in results]
    if not results:
        return
    if p.rng.random() < config.p_return or (len(results) == 1 and not p.outputs):
        p.return_type = p.ctype
        last = results.pop(0)
    else:
        last = None
    if len(results) >= 2 and p.rng.random() < config.p_out_array:
        arr = p.out_array("res", (len(results),))
        for i, r in enumerate(results):
            p.emit(f"{arr}[{i}] = {r.text};")
    else:
        for r in results:
            name = p.rng.choice(("out", "res", "grad", "err", "aux"))
            if p.shape.random() < config.p_inout:
                _inout(p, name, r)
            else:
                p.emit(f"*{p.out_pointer(name)} = {r.text};")
    if last is not None:
        p.emit(f"return {last.text};")


def _inout(p: Program, base: str, r: Expr) -> None:
    """Write `r` through a pointer whose old value is an input: an accumulator, a relaxation
    towards `r`, or a running maximum (choices drawn from `p.shape`)."""
    lo, hi = p.shape.choice(((-1.0, 1.0), (0.0, 1.0), (-5.0, 5.0), (0.0, 10.0)))
    name = p.out_pointer(base, inout=(lo, hi))
    kind = p.shape.random()
    if kind < 0.4:
        p.emit(f"*{name} += {r.text};")
    elif kind < 0.8:
        alpha = p.lit(float(f"{p.shape.uniform(0.1, 0.9):.3g}"))
        p.emit(f"*{name} = *{name} + {alpha} * ({r.text} - *{name});")
    else:
        p.emit(f"*{name} = fmax(*{name}, {r.text});")


def _post(p: Program, r: Expr, config: GeneratorConfig) -> Expr:
    """Optionally mix extra inputs or a small expression into a result."""
    if p.rng.random() < config.p_extra_inputs:
        gain = p.scalar(p.rng.choice(("gain", "scale", "alpha", "beta")), (0.5, 2.0))
        r = mul(r, gain)
    if p.rng.random() < config.p_idiom:
        r = _idiom(p, r)
    if p.rng.random() < config.p_post:
        leaves = _scalar_leaves(p)
        if leaves:
            extra = p.gen(leaves).expr(p.rng.randint(1, 2))
            if extra.mag <= MAG_LIMIT:
                r = add(r, extra)
    return r


def _idiom(p: Program, r: Expr) -> Expr:
    """Pass a result through a small static helper, the way hand-written kernels do."""
    roll = p.rng.random()
    if roll < 0.35 and r.mag <= 100:
        name = p.idiom("sqr", "v", "v * v")
        return call(name, [r], 0.0, r.mag * r.mag)
    if roll < 0.7:
        # bounds are conservative, so clamp only around zero, where most values are
        lo, hi = float(f"{0.5 * r.lo:.3g}"), float(f"{0.5 * r.hi:.3g}")
        if not lo < 0 < hi:
            return r
        name = p.idiom("clampv", "v lo hi", "v < lo ? lo : (v > hi ? hi : v)")
        return call(name, [r, lit(lo, p.ctype), lit(hi, p.ctype)], lo, hi)
    t = p.scalar("mix", (0.0, 1.0))
    other = p.gen([v for v in _scalar_leaves(p) if v.text != t.text] or [t]).expr(1)
    name = p.idiom("mixv", "a b t", "a + (b - a) * t")
    return call(name, [r, other, t], min(r.lo, other.lo), max(r.hi, other.hi))


def _scalar_leaves(p: Program) -> list[Expr]:
    return [Expr(i.ref, i.lo, i.hi) for i in p.inputs if not i.dims and i.ctype == p.ctype]
