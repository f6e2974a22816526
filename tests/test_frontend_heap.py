"""malloc, calloc, realloc, free and div, ldiv, lldiv in compiled code: the C library's heap,
checked and bounded by the oracle, which frees what a row leaves; divisions lowered in place."""

from __future__ import annotations

import os
import re

import numpy as np
import pytest
from test_frontend_instrument import assert_strips_to_clean

from nsc.diagnostics import CompileError
from nsc.frontend import FrontendOptions, c_to_ir
from nsc.frontend.codegen.heapcalls import MAX_HEAP_BYTES
from nsc.frontend.lower import verify_ir
from nsc.ir.graph import build_graph
from nsc.ir.heap import ROW_HEAP_BYTES
from nsc.ir.oracle import Oracle, Status


def compile_text(source: str, **options):
    return c_to_ir(source, FrontendOptions(**options), filename="prog.c")


def oracle_run(source: str, instrument: bool = True, **inputs):
    compiled = compile_text(source, instrument=instrument)
    return Oracle(compiled.ir, compiled.signature).run(
        {k: np.asarray(v) for k, v in inputs.items()}
    )


BUFFERS = r"""
#include <stdlib.h>
#include <string.h>
#pragma nsc range(n, 1, 8)

static double *ramp(int n) {
    double *r = malloc(n * sizeof *r);
    for (int i = 0; i < n; i++) r[i] = i;
    return r;
}

double f(int n, int k) {
    double *w = malloc(n * sizeof *w);
    int *c = calloc(n, sizeof *c);
    for (int i = 0; i < n; i++) w[i] = c[i] + 1.0;
    w[k] = 10.0;                 /* out of the block for k >= n */
    w = realloc(w, 2 * n * sizeof *w);
    w[2 * n - 1] = 0.5;
    double *r = ramp(n);
    double s = r[n - 1];
    for (double *p = w; p < w + n; p++) s += *p;
    memset(c, 0, n * sizeof *c + k);   /* past the block for k > 0 */
    free(r);
    free(c);
    free(w);
    div_t q = div(n, k - 3);
    return s + q.quot + q.rem;
}
"""


def test_a_heap_block_is_checked_like_an_array():
    n = np.array([4, 4, 4, 3, 1], np.int32)
    k = np.array([0, 3, 4, 1, 0], np.int32)
    result = oracle_run(BUFFERS, n=n, k=k)
    assert result.status.tolist() == [
        Status.OK,
        Status.OUT_OF_BOUNDS,  # memset: 3 bytes past the block
        Status.OUT_OF_BOUNDS,  # w[4] in a block of 4 doubles
        Status.OUT_OF_BOUNDS,
        Status.OK,
    ]
    # 3 + (10 + 1 + 1 + 1) + div(4, -3) = 16 + (-1) + 1; 0 + 10 + div(1, -3) = 10 + 0 + 1
    assert result.outputs["return"][[0, 4]].tolist() == [16.0, 11.0]


def test_the_clean_ir_calls_the_c_library_and_strips_from_the_instrumented():
    compiled = compile_text(BUFFERS)
    verify_ir(compiled.ir)
    code = "\n".join(line.partition(";")[0] for line in compiled.ir.splitlines())
    for declaration in (
        "declare ptr @malloc(i64",
        "declare ptr @calloc(i64",
        "declare ptr @realloc(ptr",
        "declare void @free(ptr",
    ):
        assert declaration in code.replace('"', ""), declaration
    assert "__nsc" not in code and "@div" not in code
    assert re.search(r"sdiv i32 .*\n.*srem i32", code)
    graph = build_graph(compiled.ir, compiled.signature)
    callees = {d.get("callee") for _, d in graph.nodes(data=True)} - {None}
    assert {"malloc", "calloc", "realloc", "free"} <= callees
    assert_strips_to_clean(BUFFERS, "prog.c")
    # the clean IR runs in the oracle too, through the same allocator
    result = oracle_run(BUFFERS, instrument=False, n=np.array([4], np.int32), k=np.array([0]))
    assert result.outputs["return"].tolist() == [16.0]


OVERSIZED = r"""
#include <stdlib.h>
double f(long n, int how) {
    void *p = 0;
    if (how == 0) p = malloc(n);
    if (how == 1) p = calloc(n, n);           /* n * n wraps to 0 for n = 2**32 */
    if (how == 2) p = realloc(malloc(8), n);
    if (how == 3) p = calloc(0, n);
    double got = p != 0;
    free(p);
    return got;
}
"""


@pytest.mark.parametrize("instrument", [True, False])
def test_a_request_past_the_cap_traps_and_calloc_does_not_wrap(instrument):
    big, wraps = MAX_HEAP_BYTES + 1, 1 << 32
    n = np.array([big, MAX_HEAP_BYTES, wraps, 3, big, big, 1 << 12], np.int64)
    how = np.array([0, 0, 1, 1, 2, 3, 1], np.int32)
    result = oracle_run(OVERSIZED, instrument=instrument, n=n, how=how)
    if instrument:
        assert result.status.tolist() == [2, 0, 2, 0, 2, 0, 0]
        assert result.outputs["return"][[1, 3, 5, 6]].tolist() == [1.0, 1.0, 1.0, 1.0]
    else:  # no checks: past the oracle's budget per row a request fails, as out of memory
        assert result.ok.all()
        assert result.outputs["return"].tolist() == [1.0, 1.0, 0.0, 1.0, 1.0, 1.0, 1.0]


def test_a_row_may_hold_only_so_much_heap():
    source = r"""
    #include <stdlib.h>
    int f(int blocks) {
        int held = 0;
        for (int i = 0; i < blocks; i++)
            held += malloc(HALF) != 0;   /* never freed: the oracle frees them after the row */
        return held;
    }
    """.replace("HALF", str(MAX_HEAP_BYTES // 2))
    fit = ROW_HEAP_BYTES // (MAX_HEAP_BYTES // 2)
    blocks = np.array([fit, fit + 1, fit], np.int32)
    result = oracle_run(source, blocks=blocks)
    assert result.status.tolist() == [Status.OK, Status.OUT_OF_BOUNDS, Status.OK]
    assert result.outputs["return"][[0, 2]].tolist() == [fit, fit]  # each row starts afresh
    result = oracle_run(source, instrument=False, blocks=blocks)
    assert result.outputs["return"].tolist() == [fit, fit, fit]  # the last one got NULL


def _resident_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@pytest.mark.skipif(not os.path.exists("/proc/self/statm"), reason="needs Linux's /proc")
@pytest.mark.parametrize("trap", [True, False])
def test_rows_that_trap_or_leak_leave_nothing_behind(trap):
    # each row fills 64 KiB (kept by the C library, not returned to the system, if leaked),
    # then traps before its free, or never frees it: 3000 rows would hold about 190 MiB
    source = r"""
    #include <stdlib.h>
    #pragma nsc range(n, 0, 100)
    double f(int n) {
        double *w = malloc(8192 * sizeof *w);
        for (int i = 0; i < 8192; i++) w[i] = i + n;
        double s = w[%s];
        %s
        return s;
    }
    """ % (("n * 100", "free(w);") if trap else ("n", ""))
    compiled = compile_text(source, instrument=True)
    oracle = Oracle(compiled.ir, compiled.signature)
    n = np.full(3000, 90 if trap else 1, np.int32)
    oracle.run({"n": n[:100]})
    before = _resident_bytes()
    result = oracle.run({"n": n})
    grown = _resident_bytes() - before
    expected = Status.OUT_OF_BOUNDS if trap else Status.OK
    assert (result.status == expected).all()
    assert grown < 16 << 20, f"resident memory grew by {grown >> 20} MiB"


def test_freeing_what_is_not_a_live_block_aborts_the_row_and_a_freed_pointer_traps():
    source = r"""
    #include <stdlib.h>
    int f(int how) {
        int local[8] = {0};
        int *p = malloc(4 * sizeof *p);
        p[0] = how;
        free(p);
        if (how == 1) free(p);                /* twice */
        if (how == 2) free(local + 4);        /* not from the heap */
        if (how == 3) p = realloc(local, 8);
        if (how == 4) how += p[1] * 0;        /* used after its free */
        return how;
    }
    """
    how = np.array([0, 1, 2, 3, 4], np.int32)
    result = oracle_run(source, how=how)
    aborted = Status.ABORT
    assert result.status.tolist() == [0, aborted, aborted, aborted, Status.OUT_OF_BOUNDS]
    clean = oracle_run(source, instrument=False, how=how)  # frees nothing, goes on
    assert clean.outputs["return"].tolist() == [0, 1, 2, 3, 4]


DIVISIONS = r"""
#include <limits.h>
#include <stdlib.h>
long f(int a, int b, long c, long d, long long e, long long g) {
    div_t q = div(a, b);
    ldiv_t l = ldiv(c, d);
    lldiv_t m = lldiv(e, g);
    return q.quot * 1000 + q.rem + (l.quot * 100 + l.rem) * 10000 + lldiv(e, g).rem * 7 + m.quot;
}
"""


def test_div_ldiv_lldiv_truncate_and_trap_as_the_operator_does():
    a = np.array([-7, 7, -7, 1, INT_MIN := -(2**31), 5, 5], np.int32)
    b = np.array([2, -2, -2, 0, -1, 1, 1], np.int32)
    c = np.array([-9, 9, 9, 1, 1, np.iinfo(np.int64).min, 3], np.int64)
    d = np.array([4, -4, 4, 1, 1, -1, 0], np.int64)
    e = np.array([-11, 11, 11, 1, 1, 1, 1], np.int64)
    g = np.array([3, -3, -3, 1, 1, 1, 1], np.int64)
    result = oracle_run(DIVISIONS, a=a, b=b, c=c, d=d, e=e, g=g)
    assert result.status.tolist() == [0, 0, 0, 3, 3, 3, 3]
    assert INT_MIN == -(2**31)

    def expected(a, b, c, d, e, g):
        def trunc(x, y):
            q = abs(x) // abs(y) * (1 if (x < 0) == (y < 0) else -1)
            return q, x - q * y

        (q, r), (lq, lr), (mq, mr) = trunc(a, b), trunc(c, d), trunc(e, g)
        return q * 1000 + r + (lq * 100 + lr) * 10000 + mr * 7 + mq

    rows = zip(a[:3], b[:3], c[:3], d[:3], e[:3], g[:3], strict=True)
    want = [expected(*map(int, row)) for row in rows]
    assert result.outputs["return"][:3].tolist() == want
    assert_strips_to_clean(DIVISIONS, "prog.c")


@pytest.mark.parametrize(
    "call, name",
    [
        ("strerror(n)", "strerror"),
        ("system(s)", "system"),
        ("atoi(s)", "atoi"),
    ],
)
def test_the_rest_of_the_library_stays_refused(call, name):
    line = f'int f(int n) {{ const char *s = "1"; int v[2] = {{n, 1}}; {call}; return n; }}'
    source = f"#include <stdlib.h>\n#include <string.h>\n{line}\n"
    with pytest.raises(CompileError) as info:
        compile_text(source)
    err = info.value
    assert (err.location.line, err.location.column) == (3, line.index(call) + 1)
    assert f"'{name}' (from <" in str(err)
    assert "malloc, calloc, realloc and free, div, ldiv, lldiv and imaxdiv" in str(err)
    assert "keep strings, files and the environment in main" in " ".join(err.hints)


def test_heap_calls_are_checked_against_their_prototypes():
    cases = [
        ("void *p = malloc(1, 2); free(p);", "too many arguments to function 'malloc'"),
        ("free(n);", "argument 1 of 'free'"),
        ("div_t q = div(n); (void)q;", "too few arguments to function 'div'"),
        (
            "void *(*get)(size_t) = malloc; (void)get;",
            "'malloc' \\(from <stdlib.h>\\) cannot be used",
        ),
    ]
    for body, message in cases:
        with pytest.raises(CompileError, match=message):
            compile_text(f"#include <stdlib.h>\nint f(int n) {{ {body} return n; }}\n")
    own = "int *malloc(int n);\nint f(int n) { return *malloc(n); }\n"
    with pytest.raises(CompileError, match="conflicting types for built-in function 'malloc'"):
        compile_text(own)
