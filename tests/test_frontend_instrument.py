"""The instrumentation protocol: fuel, bounds, division traps and unwinding through calls."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from nsc.data.generator import GeneratorConfig, generate
from nsc.frontend import FrontendOptions, c_to_ir, parse_c
from nsc.frontend.codegen.instrument import strip_checks
from nsc.frontend.lower import lower_parsed, strip_lowered, verify_ir
from nsc.ir.module import IRModule
from nsc.ir.oracle import Oracle
from nsc.ir.passes import run_passes

SOURCE = """
static int rec(int k) { if (k > 1000) return 0; return rec(k + 1) + 1; }
#pragma nsc shape(b, 6)
int f(int n, int k, const int a[4], const int *b) {
  int s = 0;
  for (;;) { if (n <= 0) break; n--; if (n > 2000) continue; s += a[k]; }
  if (n == -5) return rec(0);
  if (n == -6) return b[k + 2];
  if (n == -7) return (k - 2147483647 - 2) / -1;
  return s / k + s % k;
}
"""


def run(source: str, fuel: int, **inputs):
    compiled = c_to_ir(source, FrontendOptions(instrument=True), filename="t.c")
    oracle = Oracle(compiled.ir, compiled.signature, fuel=fuel)
    return oracle.run({name: np.asarray(v) for name, v in inputs.items()})


def test_status_per_row():
    n = np.array([3, 1000, 3, 3, -5, -6, -6, -7, 5000], np.int32)
    k = np.array([1, 1, 4, 0, 1, 3, 4, 1, 1], np.int32)
    a = np.tile(np.arange(1, 5, dtype=np.int32), (9, 1))
    b = np.tile(np.arange(10, 16, dtype=np.int32), (9, 1))
    result = run(SOURCE, 200, n=n, k=k, a=a, b=b)
    assert result.status.tolist() == [0, 1, 2, 3, 1, 0, 2, 3, 1]
    assert result.outputs["return"][0] == 6
    assert result.outputs["return"][5] == 15


def test_uninstrumented_ir_has_no_checks():
    plain = c_to_ir(SOURCE, filename="t.c").ir
    instrumented = c_to_ir(SOURCE, FrontendOptions(instrument=True), filename="t.c").ir
    assert "__nsc" not in plain and "trap" not in plain
    assert "@__nsc_fuel = global i64 0" in instrumented.replace('"', "")
    assert "@__nsc_trap = global i32 0" in instrumented.replace('"', "")
    assert "store i32 2, ptr @__nsc_trap" in instrumented.replace('"', "")


def test_trap_returns_zero_struct_and_unwinds():
    source = """
    struct R { float x; int y; };
    static struct R inner(int i) { int t[2] = {1, 2}; struct R r = {1.5f, t[i]}; return r; }
    float f(int i) { struct R r = inner(i); return r.x + r.y; }
    """
    result = run(source, 100, i=np.array([1, 2], np.int32))
    assert result.status.tolist() == [0, 2]
    assert result.outputs["return"][0] == 3.5


# Stripping the checks back out of instrumented IR (what datagen does instead of lowering twice)

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
PROGRAMS = Path(__file__).resolve().parent / "programs"


def optimized(ir: str, entry: str) -> str:
    return run_passes(IRModule(ir), f"O2,canonicalize{{entry={entry}}}").module.text


def assert_strips_to_clean(source: str, filename: str) -> None:
    parsed = parse_c(source, FrontendOptions(), filename=filename)
    checked = lower_parsed(parsed, instrument=True)
    clean = lower_parsed(parsed, instrument=False)
    stripped = strip_checks(checked.ir)
    assert stripped is not None and "__nsc" not in stripped
    entry = clean.signature.entry
    assert optimized(stripped, entry) == optimized(clean.ir, entry)


@pytest.mark.parametrize(
    "path",
    sorted(EXAMPLES.glob("*.c")) + sorted(PROGRAMS.glob("*.c")),
    ids=lambda p: f"{p.parent.name}/{p.name}",
)
def test_stripped_checks_optimize_to_the_clean_lowering(path):
    assert_strips_to_clean(path.read_text(), str(path))


def test_stripped_checks_of_generated_programs_optimize_to_the_clean_lowering():
    families = set()
    for seed in range(40):
        program = generate(seed, GeneratorConfig())
        families.add(program.family)
        assert_strips_to_clean(program.source, f"seed-{seed}.c")
    assert len(families) >= 8


def test_strip_checks_takes_out_every_kind_of_check():
    checked = c_to_ir(SOURCE, FrontendOptions(instrument=True), filename="t.c").ir
    for check in ("trap.1", "trap.2", "trap.3", "unwind", "call.ok", "div.ok", "bounds.ok"):
        assert check in checked
    stripped = strip_checks(checked)
    assert stripped is not None
    code = "\n".join(line.partition(";")[0] for line in stripped.splitlines())  # no comments
    for check in ("__nsc", "trap", "unwind", ".ok"):
        assert check not in code
    module = strip_lowered(verify_ir(checked))
    assert module is not None
    module.verify()


def test_a_program_naming_the_protocol_is_lowered_again():
    source = "static double __nsc_half(double x) { return x / 2; }\n"
    source += "double f(double x) { return __nsc_half(x) + 1.0; }\n"
    checked = c_to_ir(source, FrontendOptions(instrument=True), filename="t.c").ir
    assert strip_checks(checked) is None
    assert strip_lowered(verify_ir(checked)) is None


def test_array_member_of_a_struct_value_is_bounds_checked():
    source = """
    struct S { double v[3]; };
    static struct S make(double x) { struct S s = {{x, 2 * x, 3 * x}}; return s; }
    double f(double x, int k) { return make(x).v[k]; }
    """
    result = run(source, 100, x=np.full(4, 1.5), k=np.array([0, 2, 3, -1], np.int32))
    assert result.status.tolist() == [0, 0, 2, 2]
    assert result.outputs["return"][:2].tolist() == [1.5, 4.5]


def test_memory_functions_check_the_room_left_after_an_offset():
    source = """
    #include <string.h>
    double f(int k, int n) {
        double a[4] = {1, 2, 3, 4};
        double *p = memmove(a + k, a, (size_t)n * sizeof(double));
        return a[0] + a[3] + (p - a);
    }
    """
    k = np.array([1, 1, 4, 4, -1, 2, 2], np.int32)
    n = np.array([3, 4, 0, 1, 1, 2, 3], np.int32)
    result = run(source, 100, k=k, n=n)
    assert result.status.tolist() == [0, 2, 0, 2, 2, 0, 2]
    assert result.outputs["return"][[0, 2, 5]].tolist() == [5.0, 9.0, 5.0]


def test_the_room_of_a_pointer_into_an_array_of_pointers_is_not_the_array():
    source = """
    #include <string.h>
    double f(double x) {
        double row[4] = {x, x, x, x}, out[4];
        double *rows[1] = {row};
        memcpy(out, &rows[0][1], 3 * sizeof(double));
        return out[2];
    }
    """
    result = run(source, 100, x=np.array([2.5]))
    assert result.status.tolist() == [0]
    assert result.outputs["return"].tolist() == [2.5]


# Pointers with static storage initialized with addresses keep the extent they reach

STATIC_POINTERS = """
#include <string.h>
static const double tab[8] = {0, 1, 2, 3, 4, 5, 6, 7};
static const double *q = tab + 2;
static const double r0[3] = {10, 11, 12}, r1[3] = {20, 21, 22};
static const double *rows[2] = {r0, r1};
static const double *moved = tab + 6;
double f(int n, int i, int j) {
  double buf[8];
  if (n == 1) return q[i];
  if (n == 2) return rows[i][j];
  if (n == 3) { memcpy(buf, q - 1, (size_t)i * sizeof(double)); return buf[0]; }
  moved = tab;
  return moved[i];
}
"""


def check_rows(source: str, names: str, rows: list[tuple], **arrays) -> None:
    """Run `source` on integer inputs `names` (one per column, then the status and return value
    each row expects; `arrays` adds the same array to every row): each row's status must match,
    and the finished rows' return values."""
    columns = [np.array(column) for column in zip(*rows, strict=True)]
    *ints, status, ret = columns
    inputs = {name: c.astype(np.int32) for name, c in zip(names.split(","), ints, strict=True)}
    inputs.update({k: np.tile(np.asarray(v), (len(rows), 1)) for k, v in arrays.items()})
    result = run(source, 100, **inputs)
    assert result.status.tolist() == status.tolist()
    ok = status == 0
    assert result.outputs["return"][ok].tolist() == ret[ok].tolist()


def test_static_pointers_keep_their_bounds():
    rows = [  # n, i, j, status, return
        (1, 5, 0, 0, 7.0),  # q[5] is tab[7]
        (1, 6, 0, 2, 0.0),  # past tab's end
        (1, -2, 0, 0, 0.0),  # q[-2] is tab[0]
        (1, -3, 0, 2, 0.0),  # before tab's start
        (2, 1, 2, 0, 22.0),
        (2, 1, 3, 2, 0.0),  # each row reaches 3 elements
        (2, 2, 0, 2, 0.0),
        (3, 7, 0, 0, 1.0),  # tab[1..7]
        (3, 8, 0, 2, 0.0),  # one element past tab's end
        (4, 7, 0, 0, 7.0),  # `moved` is assigned in f: no bound is kept for it
    ]
    check_rows(STATIC_POINTERS, "n,i,j", rows)


POINTER_SUMS = """
static const double tab[4] = {1, 2, 3, 4};
double f(int n, int k, const double v[3]) {
  double m[2][3] = {{1, 2, 3}, {4, 5, 6}};
  const double *end = &*(tab + 4);  /* one past the end, never read: no trap */
  if (n == 1) return *(tab + k);
  if (n == 2) return *(k + v);
  if (n == 3) return (*(m + 1))[k];
  return (double)(end - tab);
}
"""


def test_a_dereferenced_sum_is_bounds_checked_as_a_subscript():
    """`*(p + i)` is `p[i]`, checked as the subscript is; `&*(p + n)` reads nothing."""
    rows = [  # n, k, status, return
        (1, 3, 0, 4.0),
        (1, 4, 2, 0.0),
        (1, -1, 2, 0.0),
        (2, 2, 0, 30.0),
        (2, 3, 2, 0.0),  # v has 3 elements
        (3, 2, 0, 6.0),
        (3, 3, 2, 0.0),
        (4, 0, 0, 4.0),
    ]
    check_rows(POINTER_SUMS, "n,k", rows, v=[10.0, 20.0, 30.0])


LOCAL_POINTERS = """
double f(int n, int k, const double v[3]) {
  double a[4] = {1, 2, 3, 4};
  const double *p = v;      /* never changed: v's bound */
  const double *q = a;      /* a's bound */
  const double *moved = a;  /* moved below: no bound, as before */
  moved += 1;
  if (n == 1) return p[k];
  if (n == 2) return *(q + k);
  return moved[k - 1];
}
"""


def test_a_local_pointer_set_once_from_an_array_keeps_its_bound():
    rows = [  # n, k, status, return
        (1, 2, 0, 30.0),
        (1, 3, 2, 0.0),
        (2, 3, 0, 4.0),
        (2, 4, 2, 0.0),
        (3, 2, 0, 3.0),  # moved[k - 1] = moved[1] = a[2]
    ]
    check_rows(LOCAL_POINTERS, "n,k", rows, v=[10.0, 20.0, 30.0])


def test_an_extern_array_completed_further_down_is_checked_from_the_start():
    source = "extern double t[];\ndouble f(int i) { return t[i]; }\ndouble t[3] = {1, 2, 3};\n"
    result = run(source, 100, i=np.array([2, 3], np.int32))
    assert result.status.tolist() == [0, 2]
    assert result.outputs["return"][0] == 3.0
