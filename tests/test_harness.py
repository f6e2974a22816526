"""A C file with its own test harness (`main` and what only it uses are not compiled), and the
C library's headers: what compiled code may use of them, and `assert`."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import pytest

from nsc.diagnostics import CompileError
from nsc.frontend import FrontendOptions, c_to_ir
from nsc.frontend.preprocess import INCLUDE_DIR
from nsc.ir.oracle import Oracle, Status
from tests.cli_checks import run
from tests.test_frontend_instrument import assert_strips_to_clean

HARNESS = r"""
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double scale = 2.0;  /* used by the entry and by main */
static const char *names[] = {"first", "second", "third"};  /* main's alone */

static double helper(double x) { return scale * sin(x); }

#pragma nsc range(x, -2.0, 2.0)
double kernel(double x) { return helper(x) + x * x; }

static int by_value(const void *a, const void *b) {
    double d = *(const double *)a - *(const double *)b;
    return (d > 0) - (d < 0);
}

static void report(const char *name, double value) { printf("%s %.17g\n", name, value); }

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 3;
    double *values = malloc(n * sizeof *values);
    clock_t start = clock();
    for (int i = 0; i < n; i++) values[i] = kernel(1.5 - i * 0.75);
    qsort(values, n, sizeof *values, by_value);
    for (int i = 0; i < n; i++) report(names[i % 3], values[i]);
    fprintf(stderr, "%zu %ld\n", strlen(names[0]), (long)(clock() - start) * 0);
    free(values);
    return EXIT_SUCCESS;
}
"""


def compile_text(source: str, **options) -> object:
    return c_to_ir(source, FrontendOptions(**options), filename="prog.c")


def test_the_harness_is_not_compiled():
    compiled = compile_text(HARNESS)
    assert compiled.signature.entry == "kernel"
    assert [p.name for p in compiled.signature.inputs] == ["x"]
    defined = [line for line in compiled.ir.splitlines() if line.startswith("define")]
    assert len(defined) == 2 and "@kernel(" in " ".join(defined)  # the entry and its helper
    assert "names" not in compiled.ir and "main" not in compiled.ir and "printf" not in compiled.ir
    assert "scale" in compiled.ir


def test_the_entry_runs_as_gcc_builds_it(tmp_path: Path):
    compiled = compile_text(HARNESS, instrument=True)
    x = np.array([1.5, 0.75, 0.0])
    result = Oracle(compiled.ir, compiled.signature).run({"x": x})
    assert result.ok.all()
    expected = 2.0 * np.sin(x) + x * x
    np.testing.assert_allclose(result.outputs["return"], expected, rtol=0, atol=1e-15)
    if shutil.which("gcc") is None:
        pytest.skip("needs gcc")
    # gcc builds the same file, against nsc's headers and the system's, into the same program
    (tmp_path / "prog.c").write_text(HARNESS)
    outputs = []
    for flags in (["-nostdinc", "-I", str(INCLUDE_DIR)], []):
        exe = tmp_path / ("nsc" if flags else "sys")
        command = ["gcc", "-std=c99", "-O0", "-ffp-contract=off", *flags, "prog.c", "-o", exe]
        subprocess.run([*command, "-lm"], check=True, cwd=tmp_path)
        outputs.append(subprocess.run([exe], capture_output=True, text=True, check=True).stdout)
    assert outputs[0] == outputs[1]
    printed = sorted(float(line.split()[1]) for line in outputs[0].splitlines())
    assert printed == sorted(expected.tolist())


def test_the_entry_is_the_function_main_does_not_hide():
    two = "double f(double x) { return x; }\nint main(void) { return (int)f(1.0); }"
    assert compile_text(two).signature.entry == "f"
    # among several, one that the others call is a helper
    called = "double g(double x) { return x; }\ndouble f(double x) { return g(x) + 1; }"
    assert compile_text(called).signature.entry == "f"
    with pytest.raises(CompileError, match="cannot choose the entry function among 'f', 'g'"):
        compile_text("double f(double x) { return x; }\ndouble g(double x) { return x; }")
    # main alone is the entry
    assert compile_text("int main(void) { return 0; }").signature.entry == "main"


def test_members_parameters_and_locals_do_not_reach_the_harness():
    source = """
    #include <stdio.h>
    static void report(double v) { printf("%g\\n", v); }
    static void check(double v) { printf("%g\\n", v); }
    double scale = 3.0;
    struct sample { double report, check; };
    static double twice(double check) { return 2 * check; }
    double f(double x) {
        struct sample s = {.report = x}, *p = &s;
        double scale = 0.5;
        p->check = twice(s.report) * scale;
        { extern double scale; p->check += scale; }
        return p->check;
    }
    int main(void) { report(f(1.0)); check(scale); return 0; }
    """
    compiled = compile_text(source)
    assert "@report" not in compiled.ir and "@check" not in compiled.ir
    result = Oracle(compile_text(source, instrument=True).ir, compiled.signature).run(
        {"x": np.array([1.0, 2.5])}
    )
    assert result.outputs["return"].tolist() == [4.0, 5.5]


def test_library_calls_from_compiled_code_are_refused():
    source = '#include <stdio.h>\ndouble f(double x) {\n  scanf("%lf", &x);\n  return x;\n}\n'
    with pytest.raises(CompileError) as info:
        compile_text(source)
    err = info.value
    assert (err.location.file, err.location.line, err.location.column) == ("prog.c", 3, 3)
    assert "'scanf' (from <stdio.h>) cannot be called from compiled code" in str(err)
    assert "keep strings, files and the environment in main" in " ".join(err.hints)
    with pytest.raises(CompileError, match="'getenv' \\(from <stdlib.h>\\)") as info:
        compile_text('#include <stdlib.h>\ndouble f(int n) { return getenv("N") != 0; }')
    # with main as the entry, the harness is what is compiled
    main = '#include <stdlib.h>\nint main(void) { return atoi("1"); }\nint f(int x) { return x; }'
    with pytest.raises(CompileError, match="'atoi' \\(from <stdlib.h>\\)") as info:
        compile_text(main, entry="main")
    assert "--entry NAME" in " ".join(info.value.hints)
    # a file's own prototype of an outside function keeps the old message
    with pytest.raises(CompileError, match="'g' is declared but never defined"):
        compile_text("double g(double);\ndouble f(double x) { return g(x); }")


def test_variadic_and_function_pointer_prototypes_are_declarations_only():
    source = (
        "int log_line(const char *format, ...);\n"
        "void visit(void (*callback)(int));\n"
        "double f(double x) { return x; }\n"
        'int main(void) { log_line("%d", 1); return 0; }\n'
    )
    assert compile_text(source).signature.entry == "f"
    with pytest.raises(CompileError, match="variadic function definitions are not supported"):
        compile_text("double f(double x, ...) { return x; }")


def test_a_harness_may_log_through_a_variadic_function_and_use_the_hosted_headers():
    source = (
        "#include <ctype.h>\n#include <errno.h>\n#include <fenv.h>\n#include <inttypes.h>\n"
        "#include <stdarg.h>\n#include <stdio.h>\n#include <stdlib.h>\n"
        "static void note(const char *format, ...) {\n"
        "  va_list args; va_start(args, format);\n"
        "  int first = va_arg(args, int); vfprintf(stderr, format, args); va_end(args);\n"
        "  (void)first;\n}\n"
        "int64_t f(int64_t n) { return imaxabs(n) + imaxdiv(n, 4).rem; }\n"
        "int main(int argc, char **argv) {\n"
        "  errno = 0; fesetround(FE_TONEAREST);\n"
        '  if (argc > 1 && isdigit((unsigned char)argv[1][0])) note("%" PRId64, f(atol(argv[1])));\n'
        "  return errno == ERANGE;\n}\n"
    )
    compiled = compile_text(source)
    assert compiled.signature.entry == "f" and "note" not in compiled.ir
    result = Oracle(compiled.ir, compiled.signature).run({"n": np.array([-7, 9])})
    assert result.outputs["return"].tolist() == [7 - 3, 9 + 1]


@pytest.mark.parametrize(
    "header, body, name",
    [
        ("string.h", "return *strerror(c);", "strerror"),
        ("errno.h", "return errno;", "errno"),
        ("stdarg.h", "va_list a; va_end(a); return c;", "va_end"),
        ("fenv.h", "return fesetround(FE_UPWARD);", "fesetround"),
    ],
)
def test_hosted_functions_in_compiled_code_are_refused_by_header(header, body, name):
    with pytest.raises(CompileError, match=f"'{name}' \\(from <{header}>\\) cannot be"):
        compile_text(f"#include <{header}>\nint f(int c) {{ {body} }}\n")


def test_unused_extern_objects_are_dropped_and_used_ones_refused():
    compiled = compile_text("extern int counter;\ndouble f(double x) { return x; }")
    assert "counter" not in compiled.ir
    with pytest.raises(CompileError, match="'counter' is declared 'extern' but never defined") as e:
        compile_text("extern int counter;\ndouble f(double x) { return x + counter; }")
    assert (e.value.location.line, e.value.location.column) == (1, 12)
    with pytest.raises(CompileError, match="'stdout' \\(from <stdio.h>\\) cannot be used"):
        compile_text("#include <stdio.h>\ndouble f(double x) { FILE *s = stdout; return x; }")


def test_nscc_compiles_a_file_with_its_harness(tmp_path: Path):
    (tmp_path / "prog.c").write_text(HARNESS)
    code, output = run("exec", tmp_path / "prog.c", "x=0.5")
    assert code == 0, output
    assert float(output.split("=")[1]) == 2.0 * np.sin(0.5) + 0.25
    (tmp_path / "bad.c").write_text("#include <stdio.h>\nint f(int x) { getchar(); return x; }\n")
    code, output = run("ir", tmp_path / "bad.c")
    assert code == 1 and "bad.c:2:16: error: 'getchar' (from <stdio.h>)" in output, output
    assert "Traceback" not in output


# --- assert.h: a failed assertion ends the row with its own status ---

ASSERTING = """
#include <assert.h>
#include <math.h>
#pragma nsc range(x, -1, 1)
double f(double x) {
    assert(x > -0.5 && "the root needs x > -0.5");
    return sqrt(x + 0.5);
}
"""


def test_a_failed_assertion_is_the_rows_status():
    compiled = compile_text(ASSERTING, instrument=True)  # with the message idiom
    x = np.array([0.5, -0.75, -0.5, 0.0])
    result = Oracle(compiled.ir, compiled.signature).run({"x": x})
    assert result.status.tolist() == [Status.OK, Status.ASSERTION, Status.ASSERTION, Status.OK]
    assert result.outputs["return"][[0, 3]].tolist() == [1.0, np.sqrt(0.5)]
    # NDEBUG takes the assertion out, as in C
    relaxed = compile_text(ASSERTING, instrument=True, defines=("NDEBUG",))
    result = Oracle(relaxed.ir, relaxed.signature).run({"x": x})
    assert result.ok.all()


def test_assertions_strip_to_the_clean_lowering_and_gcc_traps():
    source = ASSERTING.replace(' && "the root needs x > -0.5"', "")
    assert_strips_to_clean(source, "prog.c")
    if shutil.which("gcc") is None:
        pytest.skip("needs gcc")
    # gcc against nsc's headers: a failed assertion traps, a holding one returns
    with tempfile.TemporaryDirectory() as folder:
        main = source + "\nint main(int argc, char **argv) { return f(argc - 2.0) > 0 ? 0 : 1; }\n"
        Path(folder, "prog.c").write_text(main)
        flags = ["-std=c99", "-nostdinc", "-I", str(INCLUDE_DIR)]
        subprocess.run(["gcc", *flags, "prog.c", "-o", "prog", "-lm"], check=True, cwd=folder)
        assert subprocess.run(["./prog", "a"], cwd=folder).returncode == 0  # f(0.0)
        assert subprocess.run(["./prog"], cwd=folder).returncode < 0  # f(-1.0): a signal


def test_assert_takes_one_condition():
    with pytest.raises(CompileError, match="assert takes one condition"):
        compile_text("double f(double x) { __nsc_assert(x, x); return x; }")
