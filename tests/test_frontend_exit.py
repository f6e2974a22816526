"""exit, abort and the printing functions in compiled code: a call to an exit ends the row with
its own status, printing evaluates its arguments and prints nothing."""

from __future__ import annotations

import re

import numpy as np
import pytest
from cli_checks import run as nsc
from cli_checks import runs_through_the_pipeline
from test_frontend_instrument import assert_strips_to_clean

from nsc.data.dataset import DatasetConfig
from nsc.data.ingest import classify
from nsc.diagnostics import CompileError
from nsc.frontend import FrontendOptions, c_to_ir
from nsc.frontend.lower import verify_ir
from nsc.ir.graph import build_graph
from nsc.ir.oracle import Oracle, Status

EXITING = r"""
#include <stdio.h>
#include <stdlib.h>
#pragma nsc range(n, -4, 12)

static const int codes[3] = {1, 2, 3};

static double check(double x, int n) {
    if (n < 0) {
        fprintf(stderr, "negative n: %d\n", n);
        exit(codes[-n - 1]);  /* evaluated first: n = -4 is out of bounds */
    }
    return x / n;
}

double f(double x, int n) {
    if (n == 0)
        abort();
    if (n == 11)
        _Exit(EXIT_FAILURE);
    if (n == 10)
        (void)(quick_exit(2), 0);
    double y = check(x, n);
    if (y > 100.0)
        exit(EXIT_SUCCESS);
    return y + 1.0;
}
"""


def compile_text(source: str, **options):
    return c_to_ir(source, FrontendOptions(**options), filename="prog.c")


def oracle_run(source: str, **inputs):
    compiled = compile_text(source, instrument=True)
    return Oracle(compiled.ir, compiled.signature).run(
        {k: np.asarray(v) for k, v in inputs.items()}
    )


def test_exits_and_aborts_end_the_row_with_their_status():
    n = np.array([2, -1, -3, -4, 0, 11, 10, 4, 1], np.int32)
    x = np.array([3.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, -2.0, 500.0])
    result = oracle_run(EXITING, x=x, n=n)
    exited, aborted = Status.EXIT, Status.ABORT
    assert result.status.tolist() == [
        Status.OK,
        exited,  # in a helper: the caller unwinds
        exited,
        Status.OUT_OF_BOUNDS,  # the status argument is evaluated before the row ends
        aborted,
        exited,
        exited,
        Status.OK,
        exited,  # 500 / 1 > 100
    ]
    ok = result.status == Status.OK
    np.testing.assert_array_equal(result.outputs["return"][ok], x[ok] / n[ok] + 1.0)
    assert np.isnan(result.outputs["return"][~ok]).all()


def test_clean_ir_is_unreachable_where_the_row_ends():
    compiled = compile_text(EXITING)
    verify_ir(compiled.ir)
    code = "\n".join(line.partition(";")[0] for line in compiled.ir.splitlines())
    for name in ("exit", "_Exit", "quick_exit", "abort", "fprintf", "stderr", "__nsc"):
        assert not re.search(rf"@{name}\b", code), name
    assert code.count("unreachable") == 5
    assert "@codes" in code  # the status argument is still computed
    graph = build_graph(compiled.ir, compiled.signature)
    assert graph.number_of_nodes() > 0


def test_exits_strip_to_the_clean_lowering():
    assert_strips_to_clean(EXITING, "prog.c")


HINTED = r"""
static double step(double x) {
    if (x > 0.5)
        __builtin_trap();
    return x * 2;
}

double f(double x, int n) {
    switch (n) {
    case 0: return step(x);
    case 1: return x + 1;
    default: __builtin_unreachable();
    }
}
"""


def test_trap_and_unreachable_end_the_row_as_abort_and_a_failed_assertion():
    x = np.array([0.25, 0.75, 0.75, 0.75])
    n = np.array([0, 0, 1, 2], np.int32)
    result = oracle_run(HINTED, x=x, n=n)
    assert result.status.tolist() == [Status.OK, Status.ABORT, Status.OK, Status.ASSERTION]
    assert result.outputs["return"][[0, 2]].tolist() == [0.5, 1.75]
    code = compile_text(HINTED).ir
    verify_ir(code)
    assert code.count("\n  unreachable\n") == 2 and "__nsc" not in code
    assert_strips_to_clean(HINTED, "prog.c")


def test_datagen_drops_exiting_rows_by_name():
    for code, reason in (("exit(1);", "exit"), ("abort();", "abort")):
        source = f"#include <stdlib.h>\ndouble f(double x) {{ if (x < 0.5) {code} return x; }}\n"
        x = np.linspace(-1, 1, 16)
        drop = classify(oracle_run(source, x=x), DatasetConfig(samples=16, probe_rows=16))
        assert drop.reason == reason, drop
        assert f"{reason}" in drop.message


def test_nsc_exec_reports_an_exited_row(tmp_path):
    program = tmp_path / "prog.c"
    program.write_text(EXITING)
    code, output = nsc("exec", program, "x=1.0", "n=-2")
    assert code == 1, output
    assert "1 of 1 rows did not finish: exit: 1" in output, output
    code, output = nsc("exec", program, "x=1.0", "n=0")
    assert code == 1 and "abort: 1" in output, output
    runs_through_the_pipeline(program, tmp_path, ["x=3.0", "n=2"], r"return = 2\.5")


def test_a_main_entry_may_exit():
    source = "#include <stdlib.h>\nint main(void) { exit(3); }\n"
    compiled = compile_text(source, instrument=True)
    result = Oracle(compiled.ir, compiled.signature).run({}, batch=2)
    assert result.status.tolist() == [Status.EXIT, Status.EXIT]


# --- printing --------------------------------------------------------------------------------

PRINTING = r"""
#include <stdio.h>
int f(int n) {
    int i = 0;
    printf("%d %d\n", i++, n);
    fprintf(stderr, "%d\n", i += 10);
    puts(n > 0 ? "positive" : "not positive");
    fputs("x", stdout), putchar(i++), fputc('y', stderr), putc(i++, stdout);
    n < 0 ? printf("%d", i++) : 0;
    (void)fflush(stdout);
    perror("f");
    return (printf("last"), i) * 100 + n;
}
"""


def test_printing_evaluates_its_arguments_and_prints_nothing(capfd):
    result = oracle_run(PRINTING, n=np.array([3, -2], np.int32))
    assert result.ok.all()
    assert result.outputs["return"].tolist() == [13 * 100 + 3, 14 * 100 - 2]
    assert capfd.readouterr() == ("", "")
    clean = compile_text(PRINTING).ir
    for name in ("printf", "puts", "stdout", "stderr", "fflush", "perror", "putc"):
        assert f"@{name}" not in clean, name
    assert ".str" in clean  # the conditional's strings are values; a bare literal leaves none
    assert clean.count("@.str") == 2 + 2  # two definitions, two uses
    assert_strips_to_clean(PRINTING, "prog.c")


@pytest.mark.parametrize(
    "body, name",
    [
        ('int k = printf("%d", n); return k;', "printf"),
        ('return puts("x");', "puts"),
        ("if (putchar(n)) return 1; return 0;", "putchar"),
        ('int k = n + (fflush(stdout), printf("x")); return k;', "printf"),
        ("for (int i = 0; putchar(i); i++) {} return n;", "putchar"),
    ],
)
def test_using_the_value_of_a_printing_call_is_an_error(body, name):
    line = f"int f(int n) {{ {body} }}"
    with pytest.raises(CompileError, match=f"value of '{name}' is not available") as info:
        compile_text(f"#include <stdio.h>\n{line}\n")
    err = info.value
    assert (err.location.line, err.location.column) == (2, line.index(name + "(") + 1)
    assert "prints nothing" in str(err)
    assert "cast it to void" in " ".join(err.hints)


def test_writing_to_memory_and_reading_streams_stay_refused():
    for call in ('sprintf(b, "%d", n)', 'snprintf(b, 4, "%d", n)', "getchar()"):
        source = f"#include <stdio.h>\nint f(int n) {{ char b[8]; {call}; return n; }}\n"
        name = call.partition("(")[0]
        with pytest.raises(CompileError, match=f"'{name}' \\(from <stdio.h>\\) cannot be called"):
            compile_text(source)
    # a stream is left out only where it is the argument itself
    chosen = 'int f(int n) { fprintf(n ? stderr : stdout, "-"); return n; }'
    with pytest.raises(CompileError, match="'std(err|out)' \\(from <stdio.h>\\) cannot be used"):
        compile_text(f"#include <stdio.h>\n{chosen}")
    with pytest.raises(CompileError, match="'atexit' \\(from <stdlib.h>\\)"):
        compile_text(
            "#include <stdlib.h>\nstatic void g(void) {}\nint f(int n) { atexit(g); return n; }"
        )


def test_arguments_are_checked_against_the_prototype():
    with pytest.raises(CompileError, match="too few arguments to function 'fprintf'"):
        compile_text("#include <stdio.h>\nint f(int n) { fprintf(stderr); return n; }")
    with pytest.raises(CompileError, match="too many arguments to function 'exit'"):
        compile_text("#include <stdlib.h>\nint f(int n) { exit(n, n); return n; }")
    with pytest.raises(CompileError, match="argument 1 of 'puts'"):
        compile_text("#include <stdio.h>\nint f(double x) { puts(x); return 0; }")
