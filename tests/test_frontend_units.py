"""Programs of several files (`nscc kernel.c helpers.c`): lowered file by file, then linked."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from nsc.diagnostics import CompileError, NscError
from nsc.frontend import FrontendOptions, c_to_ir
from nsc.ir.oracle import Oracle, Status

needs_gcc = pytest.mark.skipif(shutil.which("gcc") is None, reason="gcc is not installed")

KERNEL = r"""
#include <math.h>
#pragma nsc entry(kernel)
#pragma nsc range(x, -2, 2)
#pragma nsc range(n, 0, 3)

struct acc { double sum; int count; };
double scale(double v, double k);
void add(struct acc *a, double v);
extern double table[4];
extern int calls;

double kernel(double x, int n, double *aux)
{
    struct acc a = {0.0, 0};
    calls++;
    for (int i = 0; i <= n; i++)
        add(&a, scale(x, table[i]));
    *aux = a.sum / a.count + calls;
    return scale(x, 2.0) * table[n];
}
"""

HELPERS = r"""
#include <math.h>
struct acc { double sum; int count; };
double table[4] = {1.0, 0.5, 0.25, 0.125};
int calls = 3; /* reset for every row, as a program's globals are */

static double twice(double v) { return 2.0 * v; }
double scale(double v, double k) { return twice(sin(v)) * k; }
void add(struct acc *a, double v) { a->sum += v; a->count++; }
"""

HARNESS = "\nint main(void) { return (int)scale(1.0, 2.0); } /* a test harness: not compiled */\n"


def write(folder: Path, **files: str) -> list[Path]:
    paths = []
    for name, text in files.items():
        path = folder / f"{name}.c"
        path.write_text(text)
        paths.append(path)
    return paths


def compile_units(paths: list[Path], **options) -> object:
    return c_to_ir(paths[0], FrontendOptions(units=tuple(str(p) for p in paths[1:]), **options))


@needs_gcc
@pytest.mark.parametrize("order", ["kernel_first", "helpers_first"])
def test_two_files_match_gcc(tmp_path: Path, order: str):
    from gcc_harness import compare

    kernel, helpers = write(tmp_path, kernel=KERNEL, helpers=HELPERS)
    first, second = (kernel, helpers) if order == "kernel_first" else (helpers, kernel)
    options = FrontendOptions(units=(str(second),))
    result = compare(first, tmp_path / "work", rows=64, seed=2, options=options, ulps=0)
    assert [p.name for p in result.signature.outputs] == ["return", "aux"]
    assert not result.problems, "\n".join(result.problems)
    assert (result.nsc["aux"] > 3.0).any()  # calls starts from 3 in every row


def test_the_entry_unit_names_the_module_and_defines_the_check_state(tmp_path: Path):
    paths = write(tmp_path, helpers=HELPERS + HARNESS, kernel=KERNEL)
    compiled = compile_units(paths, instrument=True)
    assert compiled.filename.endswith("kernel.c")
    assert compiled.ir.count("@__nsc_fuel = global") == 1
    assert "define double @scale" in compiled.ir and "define double @kernel" in compiled.ir
    assert "@main" not in compiled.ir  # the helpers' harness is left out


def test_fuel_runs_out_in_another_file(tmp_path: Path):
    paths = write(
        tmp_path,
        a="#pragma nsc range(x, 0, 1)\ndouble spin(double);\ndouble f(double x) { return spin(x); }",
        b="double spin(double x) { while (x < 2.0) x *= 1.0; return x; }",
    )
    compiled = compile_units(paths, instrument=True)
    run = Oracle(compiled.ir, compiled.signature, fuel=1000).run({"x": np.array([0.5, 3.0])})
    assert run.status.tolist() == [Status.OUT_OF_FUEL, Status.OK]
    assert run.outputs["return"][1] == 3.0


def test_a_function_defined_twice_is_located(tmp_path: Path):
    paths = write(
        tmp_path,
        a="#pragma nsc range(x, 0, 1)\ndouble g(double x) { return x; }\n"
        "double f(double x) { return g(x); }",
        b="\ndouble g(double x) { return -x; }",
    )
    with pytest.raises(CompileError, match="multiple definition of 'g'") as err:
        compile_units(paths)
    assert str(err.value.location).endswith("b.c:2:8")
    assert "first defined at" in err.value.render() and "a.c:2:8" in err.value.render()


def test_an_object_defined_twice_is_an_error(tmp_path: Path):
    paths = write(
        tmp_path,
        a="#pragma nsc range(x, 0, 1)\ndouble k = 2.0;\ndouble f(double x) { return k * x; }",
        b="double k;",  # a tentative definition is a definition (gcc's -fno-common)
    )
    with pytest.raises(CompileError, match="multiple definition of 'k'"):
        compile_units(paths)


def test_a_declaration_must_match_the_definition(tmp_path: Path):
    paths = write(
        tmp_path,
        a="#pragma nsc range(x, 0, 1)\nfloat g(float x);\ndouble f(double x) { return g(x); }",
        b="double g(double x) { return -x; }",
    )
    with pytest.raises(CompileError, match=r"conflicting types for 'g': 'float \(float\)'"):
        compile_units(paths)


def test_a_static_function_of_another_file_is_not_visible(tmp_path: Path):
    paths = write(
        tmp_path,
        a="#pragma nsc range(x, 0, 1)\ndouble g(double x);\ndouble f(double x) { return g(x); }",
        b="static double g(double x) { return -x; }",
    )
    with pytest.raises(CompileError, match="'g' is declared but never defined"):
        compile_units(paths)


def test_the_entry_is_chosen_among_all_files(tmp_path: Path):
    paths = write(
        tmp_path,
        a="double g(double x) { return x + 1.0; }",
        b="#pragma nsc range(x, 0, 1)\ndouble g(double);\ndouble f(double x) { return g(x); }",
    )
    assert compile_units(paths).signature.entry == "f"  # g is called by f: a helper
    compiled = compile_units(paths, entry="g", ranges={"x": (0.0, 1.0)})
    assert compiled.signature.entry == "g" and compiled.filename.endswith("a.c")
    with pytest.raises(NscError, match="'h' is not defined in .*a.c or .*b.c"):
        compile_units(paths, entry="h")


def test_a_file_named_twice_is_an_error(tmp_path: Path):
    (path,) = write(tmp_path, a="#pragma nsc range(x, 0, 1)\ndouble f(double x) { return x; }")
    with pytest.raises(NscError, match="named twice"):
        compile_units([path, path])


def test_one_file_compiles_as_before(tmp_path: Path):
    (path,) = write(tmp_path, a=KERNEL.replace("extern double table[4];", "double table[4];"))
    with pytest.raises(CompileError, match="'add' is declared but never defined") as err:
        c_to_ir(path, FrontendOptions())
    assert "nscc" in err.value.render()  # the hint: name the file that defines it


def test_nscc_and_nsc_ir_take_several_files(tmp_path: Path):
    kernel, helpers = write(tmp_path, kernel=KERNEL, helpers=HELPERS + HARNESS)
    out = tmp_path / "kernel.onnx"
    done = subprocess.run(
        [sys.executable, "-m", "nsc", "compile", str(kernel), str(helpers), "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert out.stat().st_size > 0
    done = subprocess.run(
        [sys.executable, "-m", "nsc", "ir", str(helpers), str(kernel), "-O2"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "define double @kernel" in done.stdout and "@twice" not in done.stdout  # inlined
    command = ["exec", str(kernel), str(helpers), "x=0.5", "n=2"]
    done = subprocess.run(
        [sys.executable, "-m", "nsc", *command], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("return = ") and "aux = " in done.stdout
    command = ["eval", str(out), str(kernel), str(helpers), "--samples", "50"]
    done = subprocess.run(
        [sys.executable, "-m", "nsc", *command], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert "50 of 50 samples evaluated" in done.stdout


SORTS = r"""
#include <stdlib.h>
#pragma nsc range(x, -1, 1)
static int by_value(const void *a, const void *b)
{
    double u = *(const double *)a, v = *(const double *)b;
    return (u > v) - (u < v);
}
double f(const double x[5]) {
    double t[5];
    for (int i = 0; i < 5; i++) t[i] = x[i];
    qsort(t, 5, sizeof t[0], by_value);
    return t[2];
}
"""


def test_the_library_units_are_linked_where_the_entry_reaches_them():
    compiled = c_to_ir(SORTS, FrontendOptions(instrument=True), filename="sorts.c")
    assert "define void @qsort" in compiled.ir and "@rand" not in compiled.ir
    x = np.random.default_rng(0).uniform(-1, 1, (16, 5))
    run = Oracle(compiled.ir, compiled.signature).run({"x": x})
    assert run.ok.all() and (run.outputs["return"] == np.median(x, axis=1)).all()


def test_no_library_unit_for_a_harness_or_a_function_of_the_programs_own():
    harness = SORTS.replace("qsort(t, 5, sizeof t[0], by_value);", "") + (
        "int main(void) { double v[2] = {2, 1}; qsort(v, 2, sizeof v[0], by_value); }"
    )
    assert "qsort" not in c_to_ir(harness, FrontendOptions(entry="f"), filename="h.c").ir
    own = "#include <stdlib.h>\nint rand(void) { return 4; }\nint f(int x) { return rand() + x; }"
    compiled = c_to_ir(own, FrontendOptions(ranges={"x": (0, 9)}), filename="own.c")
    assert compiled.ir.count("define") == 2  # f and the program's rand, not nsc's
