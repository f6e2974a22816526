"""The cpp driver, nsc's own headers, and the math library table."""

from __future__ import annotations

import ctypes
import ctypes.util
import math
import shutil
import subprocess
import time
from pathlib import Path

import llvmlite.binding as llvm
import pytest
from process_checks import running_with
from pycparser import c_ast

from nsc.diagnostics import CompileError, NscError
from nsc.frontend.mathlib import MATH_FUNCTIONS, lookup
from nsc.frontend.parse import location, parse
from nsc.frontend.preprocess import INCLUDE_DIR, decode_source, preprocess

HEADERS = sorted(p.name for p in INCLUDE_DIR.glob("*.h"))


def compile_text(text: str, filename: str = "prog.c", **kwargs) -> c_ast.FileAST:
    return parse(preprocess(text, filename, **kwargs), filename)


def decl_named(ast: c_ast.FileAST, name: str) -> c_ast.Node:
    return next(d for d in ast.ext if getattr(d, "name", None) == name)


def error_of(text: str, filename: str = "prog.c", **kwargs) -> CompileError:
    with pytest.raises(CompileError) as info:
        preprocess(text, filename, **kwargs)
    return info.value


# --- flags, defines, includes ---


def test_defines_with_and_without_value():
    out = preprocess("int a = N; int b = FLAG; int c = F(2);\n", "p.c", ["N=4", "FLAG", "F(x)=x*x"])
    assert "int a = 4; int b = 1; int c = 2*2;" in out


def test_invalid_define_is_an_nsc_error():
    with pytest.raises(NscError, match="invalid -D"):
        preprocess("int a;\n", "p.c", ["-include=/etc/passwd"])


def test_a_define_cpp_refuses_is_a_command_line_error():
    with pytest.raises(NscError) as info:
        preprocess("int a;\n", "p.c", ["defined=1"])
    assert not isinstance(info.value, CompileError)  # not placed at p.c:1:1
    assert info.value.message == '<command-line>: "defined" cannot be used as a macro name'
    assert info.value.hints == ("check the -D options",)


def test_a_header_including_itself_suggests_a_guard_not_a_gcc_flag(tmp_path: Path):
    (tmp_path / "rec.h").write_text('#include "rec.h"\n')
    err = error_of('#include "rec.h"\nint a;\n', str(tmp_path / "p.c"))
    assert err.location.file.endswith("rec.h") and "#include nested" in err.message
    assert "-fmax-include-depth" not in err.render()
    assert "include guard" in err.hints[0] and "#pragma once" in err.hints[0]


def test_no_host_macros_leak_in():
    out = preprocess(
        "#ifdef __x86_64__\nint host;\n#endif\n#ifdef __GNUC__\nint gnu;\n#endif\n", "p.c"
    )
    assert "host" not in out and "gnu" not in out
    assert "199901L" in preprocess("long v = __STDC_VERSION__;\n", "p.c")


def test_system_headers_are_not_searched():
    assert "unistd.h" in error_of("#include <unistd.h>\n").message


def test_user_include_dir_comes_before_nsc_headers(tmp_path: Path):
    (tmp_path / "math.h").write_text("int user_math;\n")
    out = preprocess("#include <math.h>\n", "p.c", include_dirs=[str(tmp_path)])
    assert "user_math" in out and "sinf" not in out


def test_quote_include_is_relative_to_the_source_file(tmp_path: Path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "helper.h").write_text("#define K 7\n")
    src = tmp_path / "prog.c"
    out = preprocess('#include "sub/helper.h"\nint k = K;\n', str(src))
    assert "int k = 7;" in out


def test_line_markers_locate_the_user_file_and_header(tmp_path: Path):
    (tmp_path / "defs.h").write_text("\n\ntypedef int myint;\nmyint in_header;\n")
    src = tmp_path / "prog.c"
    text = '/* one */\n#include "defs.h"\n\nint\n  after_include;\n'
    ast = compile_text(text, str(src))
    header = location(decl_named(ast, "in_header"))
    assert (Path(header.file).name, header.line, header.column) == ("defs.h", 4, 7)
    user = location(decl_named(ast, "after_include"))
    assert (user.file, user.line, user.column) == (str(src), 5, 3)


def test_file_and_line_macros_name_the_user_file():
    out = preprocess("\n\nconst char *f = __FILE__; int l = __LINE__;\n", "dir/my prog.c")
    assert 'const char *f = "dir/my prog.c"; int l = 3;' in out


# --- nsc pragmas are macro-expanded ---


def test_nsc_pragmas_expand_macros_and_keep_line_numbers():
    text = "#include <math.h>\n#pragma nsc range(x, -M_PI, \\\n   N)\nint after;\n"
    out = preprocess(text, "p.c", ["N=4"])
    assert "#pragma nsc range(x, -3.14159265358979323846, 4)" in out
    assert location(decl_named(parse(out, "p.c"), "after")).line == 4


def test_other_pragmas_pass_through_untouched():
    out = preprocess("#define N 4\n#pragma omp parallel for N\nint a;\n", "p.c")
    assert "#pragma omp parallel for N" in out


def test_nsc_pragma_inside_a_macro_call_is_an_error():
    err = error_of("#define F(a) a\nint x = F(1\n#pragma nsc entry(f)\n);\n")
    assert "own line" in err.message


# --- errors from cpp and from the input ---


def test_error_directive_is_located():
    err = error_of("int a;\n  #error stop here\n")
    assert (err.location.file, err.location.line) == ("prog.c", 2)
    assert "stop here" in err.message


def test_missing_include_is_located():
    err = error_of('int a;\n\n#include "nowhere.h"\n')
    assert (err.location.line, err.location.column) == (3, 10)
    assert "nowhere.h" in err.message


def test_unterminated_conditional():
    assert "unterminated" in error_of("#if 1\nint a;\n").message


def test_invalid_utf8_text_is_located():
    text = "int a;\nint b = 1; /* caf\udce9 */\n"  # a latin-1 byte read with surrogateescape
    err = error_of(text)
    assert (err.location.line, err.location.column) == (2, 18)
    assert "UTF-8" in err.message and "0xe9" in err.message


def test_invalid_utf8_bytes_are_located():
    data = "int a;\n// é ok\nint \u00e9b;".encode() + b"\n  x\xff\n"
    with pytest.raises(CompileError) as info:
        decode_source(data, "p.c")
    assert (info.value.location.line, info.value.location.column) == (4, 4)
    assert decode_source("int é;".encode(), "p.c") == "int é;"


def test_exponential_macro_expansion_is_bounded_in_time():
    text = "#define A0 x\n" + "".join(f"#define A{i} A{i - 1} A{i - 1}\n" for i in range(1, 40))
    start = time.monotonic()
    err = error_of(text + "A39\n", timeout_s=0.5)
    assert time.monotonic() - start < 3
    assert "too long" in err.message


def test_a_stopped_preprocessor_leaves_no_process_behind():
    """The cpp driver (what a run started ahead uses) runs cc1 as a child: stopping cpp on its
    deadline must stop cc1 too."""
    from nsc.frontend.preprocess import _CppRun, _driver

    # nested calls: cc1 expands for ever before it writes a byte, so no SIGPIPE stops it
    lines = ["#define A0(x) (x+1)"] + [
        f"#define A{i}(x) A{i - 1}(A{i - 1}(x))" for i in range(1, 40)
    ]
    text = "\n".join(lines) + "\nA39(y)\n"
    run = _CppRun(text, "p.c", (), (), None, 0.5, 1 << 30, program=(_driver(),))
    source = run.proc.args[-1]  # the temporary input.c, on cc1's command line too
    with pytest.raises(CompileError, match="too long"):
        run.result()
    deadline = time.monotonic() + 5
    while running_with(source) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not running_with(source)


def test_output_size_is_capped():
    row = " ".join(["x"] * 1000)
    text = f"#define L {row}\n#define M " + " ".join(["L"] * 1000) + "\nM M M\n"
    err = error_of(text, max_output_bytes=1 << 20)
    assert "exceeds 1 MB" in err.message


def test_missing_cpp_is_an_nsc_error(monkeypatch, tmp_path: Path):
    from nsc.frontend import preprocess as module

    monkeypatch.setenv("PATH", str(tmp_path))
    module._preprocessor.cache_clear()  # the preprocessor is looked up once per process
    try:
        with pytest.raises(NscError, match="cpp"):
            preprocess("int a;\n", "p.c")
    finally:
        module._preprocessor.cache_clear()


# --- the headers ---


@pytest.mark.parametrize("header", HEADERS)
def test_header_parses_on_its_own(header: str):
    ast = compile_text(f"#include <{header}>\n#include <{header}>\n")
    assert isinstance(ast, c_ast.FileAST)


def test_all_promised_headers_exist():
    promised = {"math.h", "stdlib.h", "stdint.h", "stdbool.h", "float.h", "limits.h"}
    assert promised | {"string.h", "stddef.h"} <= set(HEADERS)


def test_harness_functions_are_declared():
    # for a test harness in main; calling them from compiled code is an error (test_harness.py)
    ast = compile_text("#include <stdlib.h>\n#include <string.h>\n#include <stdio.h>\n")
    names = {getattr(d, "name", None) for d in ast.ext}
    assert {"abs", "labs", "llabs", "memset", "memcpy"} <= names
    assert {"malloc", "free", "printf", "strlen", "qsort"} <= names


def test_math_header_matches_the_table():
    ast = compile_text("#include <math.h>\n#include <stdlib.h>\n#include <inttypes.h>\n")
    declared = {}
    for decl in ast.ext:
        if isinstance(decl, c_ast.Decl) and decl.name in MATH_FUNCTIONS:
            declared[decl.name] = _prototype(decl.type)
    for func in MATH_FUNCTIONS.values():
        assert declared.get(func.name) == (func.ret, func.args), func.name
    assert set(MATH_FUNCTIONS) <= set(declared)


def _prototype(func: c_ast.FuncDecl) -> tuple[str, tuple[str, ...]]:
    def spell(node: c_ast.Node) -> str:
        if isinstance(node, c_ast.PtrDecl):
            return spell(node.type) + "*"
        name = " ".join(node.type.names)
        return "long" if name in ("long long", "intmax_t") else name

    return spell(func.type), tuple(spell(p.type) for p in func.args.params)


HEADER_PROBE = r"""
#include <math.h>
#include <float.h>
#include <limits.h>
#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
/* C99 promises only zero/nonzero from the classification macros, hence !! */
#define SHOW(e) printf("%s %.17g\n", #e, (double)(e))
int main(void) {
    volatile double inf = INFINITY, nan = NAN, one = 1.5, huge = HUGE_VAL;
    SHOW(!!isnan(nan)); SHOW(!!isnan(inf)); SHOW(!!isnan(one));
    SHOW(!!isinf(inf)); SHOW(!!isinf(-inf)); SHOW(!!isinf(nan)); SHOW(!!isinf(one));
    SHOW(!!isfinite(one)); SHOW(!!isfinite(inf)); SHOW(!!isfinite(nan));
    SHOW(!!signbit(-0.0)); SHOW(!!signbit(one)); SHOW(huge); SHOW(sizeof(INFINITY));
    SHOW(M_PI); SHOW(M_PI_2); SHOW(M_PI_4); SHOW(M_E); SHOW(M_LN2); SHOW(M_LN10); SHOW(M_LOG2E);
    SHOW(M_SQRT2); SHOW(M_SQRT1_2); SHOW(M_1_PI); SHOW(M_2_PI); SHOW(M_2_SQRTPI);
    SHOW(FLT_MAX); SHOW(FLT_MIN); SHOW(FLT_EPSILON); SHOW(DBL_MAX); SHOW(DBL_MIN);
    SHOW(DBL_EPSILON); SHOW(FLT_MANT_DIG); SHOW(DBL_DIG);
    SHOW(CHAR_BIT); SHOW(SCHAR_MIN); SHOW(UCHAR_MAX); SHOW(SHRT_MIN); SHOW(USHRT_MAX);
    SHOW(INT_MIN); SHOW(INT_MAX); SHOW(UINT_MAX); SHOW(LONG_MIN); SHOW(ULONG_MAX);
    SHOW(LLONG_MIN); SHOW(LLONG_MAX); SHOW(ULLONG_MAX);
    SHOW(INT8_MIN); SHOW(INT16_MIN); SHOW(INT32_MIN); SHOW(INT64_MIN); SHOW(INT64_MAX);
    SHOW(UINT8_MAX); SHOW(UINT16_MAX); SHOW(UINT32_MAX); SHOW(UINT64_MAX); SHOW(SIZE_MAX);
    SHOW(sizeof(int64_t)); SHOW(sizeof(uint8_t)); SHOW((int8_t)-1 < 0); SHOW(sizeof(size_t));
    SHOW(INT64_C(5) + UINT64_C(1)); SHOW(true + true); SHOW(sizeof(bool)); SHOW(NULL == 0);
    return 0;
}
"""


@pytest.mark.skipif(shutil.which("gcc") is None, reason="needs gcc")
def test_header_values_match_the_system_headers(tmp_path: Path):
    """gcc against nsc's headers and against glibc's must print the same values."""
    (tmp_path / "probe.c").write_text(HEADER_PROBE)
    results = []
    for flags in (["-nostdinc", "-I", str(INCLUDE_DIR)], []):
        exe = tmp_path / ("nsc" if flags else "sys")
        subprocess.run(
            ["gcc", "-std=gnu99", "-O0", *flags, str(tmp_path / "probe.c"), "-o", str(exe), "-lm"],
            check=True,
        )
        results.append(subprocess.run([str(exe)], capture_output=True, text=True).stdout)
    ours, system = (r.splitlines() for r in results)
    assert len(ours) > 60
    assert ours == system


# --- the math library table ---


def test_lookup():
    assert lookup("sinf") == MATH_FUNCTIONS["sinf"]
    assert lookup("sinf").args == ("float",) and lookup("sinf").intrinsic == "llvm.sin"
    assert lookup("ldexp").args == ("double", "int")
    assert lookup("fmax").intrinsic == "llvm.maxnum"
    assert lookup("tgamma").intrinsic is None
    assert lookup("labs").header == "stdlib.h" and lookup("labs").ret == "long"
    assert lookup("malloc") is None and lookup("printf") is None


def test_every_symbol_resolves_in_the_process():
    libm = ctypes.util.find_library("m")
    assert libm is not None
    llvm.load_library_permanently(libm)
    missing = [name for name in MATH_FUNCTIONS if not llvm.address_of_symbol(name)]
    assert missing == []


SAMPLES = [0.0, -0.0, 0.5, -0.5, 1.5, 2.5, -2.5, 3.7, -1e300, 1e-310, math.inf, -math.inf, math.nan]


def test_intrinsics_agree_with_libm():
    """Each intrinsic, JIT-compiled for double, gives libm's result on awkward inputs."""
    libm = ctypes.CDLL(ctypes.util.find_library("m"))
    llvm.initialize_native_target()
    llvm.initialize_native_asmprinter()
    funcs = [f for f in MATH_FUNCTIONS.values() if f.intrinsic and f.ret == "double"]
    engine, addresses = _jit_intrinsics(funcs)
    for func in funcs:
        arity = len(func.args)
        proto = ctypes.CFUNCTYPE(ctypes.c_double, *[ctypes.c_double] * arity)
        ours = proto(addresses[func.name])
        theirs = getattr(libm, func.name)
        theirs.restype, theirs.argtypes = ctypes.c_double, [ctypes.c_double] * arity
        for args in _argument_rows(arity):
            want, got = theirs(*args), ours(*args)
            assert _same(want, got, signed_zero=func.name not in ("fmin", "fmax")), (func, args)
    del engine


def _same(want: float, got: float, signed_zero: bool) -> bool:
    """Equal, both NaN, and (unless C leaves it open, as for fmin(0, -0)) the same zero sign."""
    if math.isnan(want) or math.isnan(got):
        return math.isnan(want) and math.isnan(got)
    return want == got and (not signed_zero or math.copysign(1, want) == math.copysign(1, got))


def _argument_rows(arity: int) -> list[tuple[float, ...]]:
    if arity == 1:
        return [(x,) for x in SAMPLES]
    pick = SAMPLES[::2] + [math.nan]
    if arity == 2:
        return [(x, y) for x in pick for y in pick]
    return [(x, y, 0.25) for x in pick for y in pick]


def _jit_intrinsics(funcs) -> tuple[object, dict[str, int]]:
    lines = []
    for func in funcs:
        params = ", ".join(f"double %a{i}" for i in range(len(func.args)))
        values = ", ".join(f"double %a{i}" for i in range(len(func.args)))
        types = ", ".join("double" for _ in func.args)
        lines.append(f"declare double @{func.intrinsic}.f64({types})")
        lines.append(f"define double @nsc_{func.name}({params}) {{")
        lines.append(f"  %r = call double @{func.intrinsic}.f64({values})")
        lines.append("  ret double %r\n}")
    module = llvm.parse_assembly("\n".join(lines))
    module.verify()
    target = llvm.Target.from_default_triple().create_target_machine()
    engine = llvm.create_mcjit_compiler(module, target)
    engine.finalize_object()
    return engine, {f.name: engine.get_function_address(f"nsc_{f.name}") for f in funcs}
