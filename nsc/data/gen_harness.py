"""Check generated programs with gcc: syntax, and the finite / non-constant yield on random inputs.

This is a validation tool for the generator (and its tests), independent of nsc's own frontend
and oracle: it compiles each program with a small C `main` that samples the ranged inputs, calls
the entry and prints every output element.
"""

from __future__ import annotations

import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nsc.data.generator import GeneratedProgram

INCLUDE_DIR = Path(__file__).resolve().parent.parent / "frontend" / "include"
GCC_FLAGS = ("-std=c99", "-Werror=implicit-function-declaration")


def include_flags() -> list[str]:
    """`-I` for nsc's own headers once they exist (they shadow the system math.h)."""
    return ["-I", str(INCLUDE_DIR)] if (INCLUDE_DIR / "math.h").is_file() else []


def gcc_syntax_error(source: str) -> str | None:
    """gcc's complaint about `source` (syntax only), or None when it compiles."""
    cmd = ["gcc", *GCC_FLAGS, *include_flags(), "-fsyntax-only", "-x", "c", "-"]
    done = subprocess.run(cmd, input=source, capture_output=True, text=True, timeout=60)
    if done.returncode == 0:
        return None
    return done.stderr.strip() or "gcc failed"


@dataclass(frozen=True)
class RunResult:
    """Outputs of one program over sampled rows: [rows, elements], or the error that stopped it."""

    family: str
    values: np.ndarray | None
    error: str | None = None

    @property
    def finite(self) -> bool:
        return self.values is not None and bool(np.isfinite(self.values).all())

    @property
    def varying(self) -> bool:
        """Every output element takes at least two values over the rows."""
        if self.values is None or len(self.values) < 2:
            return False
        return bool((np.nanmax(self.values, 0) > np.nanmin(self.values, 0)).all())


def harness(program: GeneratedProgram, rows: int, seed: int, from_stdin: bool = False) -> str:
    """C source: the program plus a main that prints all outputs for `rows` inputs.

    Inputs (then the starting values of inout pointers) are uniform in their ranges, or read
    from stdin (whitespace-separated, row by row, in `input_names` order) when `from_stdin`.
    """
    meta = program.meta
    lines = [program.source, "#include <stdio.h>", ""]
    lines.append(
        "static double nsc_u(unsigned long long *s) { *s = *s * 6364136223846793005ULL"
        " + 1442695040888963407ULL; return (double)(*s >> 11) / 9007199254740992.0; }"
    )
    lines.append('static double nsc_read(void) { double v = 0; scanf("%lf", &v); return v; }')
    lines += ["int main(void)", "{", f"    unsigned long long nsc_st = {seed + 1}ULL;"]
    lines.append(f"    for (int nsc_row = 0; nsc_row < {rows}; nsc_row++) {{")
    params = _params(meta)
    lines += [f"        {decl};" for _, kind, decl in params if kind == "struct"]
    inout = meta.get("inout", {})
    sampled = [tuple(i) for i in meta["inputs"]]
    sampled += [(o[0], o[1], [], *inout[o[0]]) for o in meta["outputs"] if o[0] in inout]
    for name, ctype, dims, lo, hi in sampled:
        size = int(np.prod(dims)) if dims else 1
        if "." not in name:  # a struct's field is declared with its struct
            lines.append(f"        {ctype} {name}{''.join(f'[{d}]' for d in dims)};")
        value = _sample(ctype, lo, hi, from_stdin)
        lines.append(
            f"        for (int nsc_q = 0; nsc_q < {size}; nsc_q++) (({ctype} *)&{name})[nsc_q] = {value};"
        )
    prints = []
    for name, ctype, dims in meta["outputs"]:
        size = int(np.prod(dims)) if dims else 1
        if name not in inout:
            decl = "".join(f"[{d}]" for d in dims) if dims else ""
            lines.append(f"        {ctype} {name}{decl}{' = 0' if not dims else ''};")
        prints.append(
            f'for (int nsc_q = 0; nsc_q < {size}; nsc_q++) printf("%.9g ", (double)(({ctype} *)&{name})[nsc_q]);'
        )
    pointers = {o[0] for o in meta["outputs"] if not o[2]}
    args = [f"&{name}" if name in pointers else name for name, *_ in params]
    call = f"{program.entry}({', '.join(args)})"
    if meta["return"] != "void":
        lines.append(f'        printf("%.9g ", (double){call});')
    else:
        lines.append(f"        {call};")
    lines += [f"        {p}" for p in prints]
    lines += ['        printf("\\n");', "    }", "    return 0;", "}"]
    return "\n".join(lines) + "\n"


def input_names(program: GeneratedProgram) -> list[str]:
    """The harness's inputs in the order it reads them: the inputs, then inout pointers."""
    inout = program.meta.get("inout", {})
    names = [name for name, *_ in program.meta["inputs"]]
    return names + [o[0] for o in program.meta["outputs"] if o[0] in inout]


def _params(meta: dict) -> list[tuple[str, str, str]]:
    """The entry's parameters (name, kind, declaration); older metadata: inputs, then outputs."""
    if "params" in meta:
        return [tuple(p) for p in meta["params"]]
    params = [(name, "input", "") for name, *_ in meta["inputs"]]
    return params + [(name, "output", "") for name, *_ in meta["outputs"]]


def _sample(ctype: str, lo: float, hi: float, from_stdin: bool) -> str:
    if from_stdin:
        return f"({ctype})nsc_read()"
    if ctype in ("float", "double"):
        return f"({ctype})({lo!r} + ({hi!r} - {lo!r}) * nsc_u(&nsc_st))"
    return f"({ctype})({int(lo)} + (int)(({int(hi)} - {int(lo)} + 1) * nsc_u(&nsc_st)))"


def run_program(
    program: GeneratedProgram,
    rows: int = 200,
    seed: int = 0,
    inputs: dict[str, np.ndarray] | None = None,
) -> RunResult:
    """Compile the harness with gcc -O1 and parse what it prints (one row per input row)."""
    stdin = None
    if inputs is not None:
        names = input_names(program)
        rows = len(inputs[names[0]])
        flat = [np.asarray(inputs[n], dtype=np.float64).reshape(rows, -1) for n in names]
        stdin = "\n".join(" ".join(f"{v!r}" for v in row) for row in np.hstack(flat).tolist())
    with tempfile.TemporaryDirectory(prefix="nsc-gen-") as tmp:
        src, exe = Path(tmp) / "prog.c", Path(tmp) / "prog"
        src.write_text(harness(program, rows, seed, from_stdin=inputs is not None))
        cmd = ["gcc", *GCC_FLAGS, *include_flags(), "-O1", str(src), "-o", str(exe), "-lm"]
        built = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        if built.returncode:
            return RunResult(program.family, None, built.stderr.strip()[:2000])
        try:
            ran = subprocess.run(
                [str(exe)], input=stdin, capture_output=True, text=True, timeout=30
            )
        except subprocess.TimeoutExpired:
            return RunResult(program.family, None, "timed out")
        if ran.returncode:
            return RunResult(program.family, None, f"exit status {ran.returncode}")
    values = np.array([[float(v) for v in line.split()] for line in ran.stdout.splitlines()])
    return RunResult(program.family, values)


def run_many(programs: list[GeneratedProgram], rows: int = 200, jobs: int = 2) -> list[RunResult]:
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(lambda p: run_program(p, rows), programs))


def yield_report(results: list[RunResult]) -> dict[str, float]:
    """Shares of programs that build and run, give only finite values, and vary on every output."""
    n = max(1, len(results))
    ran = [r for r in results if r.values is not None]
    good = [r for r in ran if r.finite and r.varying]
    return {
        "programs": len(results),
        "ran": len(ran) / n,
        "finite": sum(r.finite for r in ran) / n,
        "varying": sum(r.varying for r in ran) / n,
        "good": len(good) / n,
        "median_abs": float(np.median([np.nanmax(np.abs(r.values)) for r in good]))
        if good
        else 0.0,
    }
