"""string.h's string functions and ctype.h's classes in compiled code: what gcc cannot compare
(the oracle's statuses for arguments out of their objects or ranges), what lowers to what
(folded calls, the functions linked), and the errors for misuse. The values themselves are
compared with gcc by tests/programs/string_functions.c and ctype_functions.c."""

from __future__ import annotations

import re

import numpy as np
import pytest
from test_frontend_exit import compile_text, oracle_run
from test_frontend_instrument import assert_strips_to_clean

from nsc.diagnostics import CompileError
from nsc.ir.oracle import Oracle, Status


def entry_body(ir: str, name: str = "f") -> str:
    return re.search(rf"define [^\n]*@{name}\(.*?\n}}\n", ir, re.S).group(0)


CLASSES = """
#include <ctype.h>
int f(int c, int out[3]) {
    out[0] = isdigit(c);
    out[1] = toupper(c);
    out[2] = isalpha(c);
    return isspace(c);
}
"""


def test_a_character_outside_the_table_is_out_of_bounds():
    codes = [-129, -128, -1, 0, 97, 255, 256, 1 << 30, -(1 << 31)]
    result = oracle_run(CLASSES, c=codes)
    ok, bounds = Status.OK, Status.OUT_OF_BOUNDS
    assert result.status.tolist() == [bounds, ok, ok, ok, ok, ok, bounds, bounds, bounds]
    out = result.outputs["out"]
    assert out[1:6, 1].tolist() == [128, -1, 0, 65, 255]  # -128 is the unsigned char 128
    assert out[1:6, 2].tolist() == [0, 0, 0, 1024, 0]  # glibc's bit, not 1


def test_case_mappings_return_an_argument_outside_the_table_as_glibc_does():
    source = (
        "#include <ctype.h>\nint f(int c, int out[1]) { out[0] = tolower(c); return toupper(c); }\n"
    )
    codes = [-200, -129, -128, -50, -1, 65, 97, 200, 256, 1000, -100000]
    result = oracle_run(source, c=codes)
    assert result.status.tolist() == [Status.OK] * len(codes)
    # what glibc gives (gcc -O0 on x86-64 Linux)
    assert result.outputs["out"][:, 0].tolist() == [
        -200,
        -129,
        128,
        206,
        -1,
        97,
        97,
        200,
        256,
        1000,
        -100000,
    ]
    assert result.outputs["return"].tolist() == [
        -200,
        -129,
        128,
        206,
        -1,
        65,
        65,
        200,
        256,
        1000,
        -100000,
    ]


def test_isdigit_is_gccs_comparison_for_any_argument():
    source = "#include <ctype.h>\nint f(int c) { return isdigit(c); }\n"
    result = oracle_run(source, c=[ord("7"), 1000, -5, ord("a")])
    assert result.status.tolist() == [Status.OK] * 4
    assert result.outputs["return"].tolist() == [1, 0, 0, 0]
    body = entry_body(compile_text(source).ir)
    assert "call" not in body and "icmp ule i32" in body


def test_isdigit_through_a_pointer_is_glibcs_even_optimized():
    # LLVM would fold a call of a function named isdigit to 0 or 1: nsc's are `nobuiltin`
    source = (
        "#include <ctype.h>\n"
        "int f(int c) { int (*test)(int) = isdigit; return test(c) + test('7'); }\n"
    )
    compiled = compile_text(source)
    assert re.search(r"define i32 @isdigit\(i32 %c\) #\d+", compiled.ir)
    assert "nobuiltin" in compiled.ir
    for instrument in (False, True):
        compiled = compile_text(source, instrument=instrument)
        result = Oracle(compiled.ir, compiled.signature).run({"c": np.array([ord("1"), 65])})
        assert result.outputs["return"].tolist() == [4096, 2048]


UNTERMINATED = """
#include <string.h>
long f(int k) {
    char s[4] = {'a', 'b', 'c', (char)k};
    return (long)strlen(s);
}
"""


def test_strlen_of_an_unterminated_array_is_out_of_bounds():
    result = oracle_run(UNTERMINATED, k=[0, 100, 0])
    assert result.status.tolist() == [Status.OK, Status.OUT_OF_BOUNDS, Status.OK]
    assert result.outputs["return"][[0, 2]].tolist() == [3, 3]


CHECKED = """
#include <string.h>
int f(int k, int n) {
    char a[4] = "abc", d[4] = "", w[8] = "ab";
    const char *p = a;
    switch (n) {
    case 0: return (int)strlen(a + k);                 /* k > 4: outside the array */
    case 1: return strcpy(d, k ? "abcd" : "abc")[0];   /* 5 bytes into 4 */
    case 2: return strcat(w, k ? "wxyzzy" : "xyzzy")[0]; /* 2 + 6 + 1 bytes into 8 */
    case 3: return strncpy(d, a, 4 + k)[0];            /* writes the count's bytes */
    case 4: return memcmp(a, "abcd", 4 + k);           /* reads the count's bytes */
    case 5: return strncmp(w + 6, "xy", 2 + k);        /* w + 6 holds 2 zeros: stops there */
    case 6: return memchr(a, k ? 'z' : 'c', 6) != 0;   /* found before the end, or not */
    case 7: p += k; return (int)strlen(p);             /* a pointer variable's shadow */
    case 8: return strncat(w, "xyz", 4 + k)[0];        /* 2 + 3 + 1 fit whatever the count */
    default: return strchr(a, 'c')[k];                 /* the result lies in a */
    }
}
"""


@pytest.mark.parametrize(
    ("n", "fits", "overflows"),
    [(0, 1, 5), (1, 0, 1), (2, 0, 1), (3, 0, 1), (4, 0, 1), (6, 0, 1), (7, 3, 5), (9, 0, 2)],
)
def test_calls_reading_or_writing_past_an_object_are_out_of_bounds(n, fits, overflows):
    result = oracle_run(CHECKED, k=[fits, overflows], n=[n, n])
    assert result.status.tolist() == [Status.OK, Status.OUT_OF_BOUNDS]


@pytest.mark.parametrize("n", [5, 8])
def test_bounded_reads_stop_where_the_function_stops(n):
    result = oracle_run(CHECKED, k=[0, 1, 5], n=[n] * 3)
    assert result.status.tolist() == [Status.OK] * 3


def test_copying_into_a_string_literal_is_out_of_bounds():
    source = '#include <string.h>\nint f(int k) { return strcpy((char *)"abc", "x")[0] + k; }\n'
    assert oracle_run(source, k=[0]).status.tolist() == [Status.OUT_OF_BOUNDS]


def test_the_checks_strip_to_the_clean_lowering():
    assert_strips_to_clean(CHECKED, "prog.c")
    assert_strips_to_clean(CLASSES, "prog.c")


FOLDED = """
#include <string.h>
static const char motto[] = "kernel";
static const char *const words[] = {"alpha", "kern"};
int f(int k, int out[6]) {
    const char local[] = "kerz";
    out[0] = strcmp("kernel", "kern");
    out[1] = strcmp(motto, words[1]);
    out[2] = memcmp(motto, local, 4);
    out[3] = strncmp(motto + 2, "rz", 2);
    out[4] = (int)strlen(motto) + (int)strspn(local, "ekr");
    out[5] = strcmp((k++, "b"), "a");     /* the comma's operand is still evaluated */
    return k;
}
"""


def test_calls_gcc_folds_lower_to_their_values():
    compiled = compile_text(FOLDED)
    body = entry_body(compiled.ir)
    assert not re.search(r"call \w+ @(?!llvm\.)", body)  # the local array's memcpy only
    assert re.findall(r"store i32 (-?\d+), ptr", body) == ["1", "1", "-1", "-12", "1"]
    result = oracle_run(FOLDED, k=[3])
    assert result.outputs["out"][0].tolist() == [1, 1, -1, ord("n") - ord("z"), 9, 1]
    assert result.outputs["return"].tolist() == [4]


def test_calls_gcc_does_not_fold_return_glibcs_difference():
    source = """
#include <string.h>
int f(int k, int out[3]) {
    char s[] = "kernel";                 /* not const */
    static const char t[] = "kern";      /* a block's static: gcc does not look */
    const char *p = "kernel";            /* a pointer variable */
    out[0] = strcmp(s, "kern");
    out[1] = strcmp("kernel", t);
    out[2] = strcmp(p, "kern");
    return k;
}
"""
    body = entry_body(compile_text(source).ir)
    assert body.count("call i32 @strcmp") == 3
    assert oracle_run(source, k=[0]).outputs["out"][0].tolist() == [101] * 3


def test_only_the_functions_reached_are_linked():
    source = "#include <string.h>\n#include <ctype.h>\nlong f(int k) { return k; }\n"
    assert "define" not in compile_text(source).ir.replace("define i64 @f", "")
    ir = compile_text("#include <string.h>\nlong f(const char s[4]) { return strlen(s); }\n").ir
    defined = set(re.findall(r"^define [^@]*@(\w+)", ir, re.M))
    assert defined == {"f", "strlen", "strnlen", "memchr"}  # the last two: the checks'


def test_a_static_function_of_the_same_name_is_the_programs_own():
    source = (
        "#include <stddef.h>\n"
        "static size_t strlen(const char *s) { (void)s; return 42; }\n"
        'long f(int k) { return (long)strlen("abc") + k; }\n'
    )
    assert oracle_run(source, k=[0]).outputs["return"].tolist() == [42]
    assert "strnlen" not in compile_text(source).ir  # string.c is not linked


@pytest.mark.parametrize(
    ("body", "at", "message"),
    [
        ("return (int)strlen(k);", "k);", "argument 1 of 'strlen'"),
        ('return strcmp("a");', "strcmp", "too few arguments to function 'strcmp'"),
        ("return toupper(k, k);", "toupper", "too many arguments to function 'toupper'"),
        ("return *strerror(k);", "strerror", r"'strerror' \(from <string.h>\) cannot be called"),
    ],
)
def test_misuse_is_refused_with_a_location(body, at, message):
    line = f"int f(int k) {{ {body} }}"
    source = f"#include <string.h>\n#include <ctype.h>\n{line}\n"
    with pytest.raises(CompileError) as info:
        compile_text(source)
    err = info.value
    assert (err.location.line, err.location.column) == (3, line.index(at) + 1), str(err)
    assert re.search(message, str(err)), str(err)


def test_a_declaration_with_another_type_conflicts_with_the_librarys():
    source = 'int strlen(const char *s);\nint f(int k) { return strlen("ab") + k; }\n'
    with pytest.raises(CompileError, match="conflicting types for 'strlen'") as info:
        compile_text(source)
    assert info.value.location.line == 1
