"""Differential testing against gcc: run a C program natively and through nsc's oracle.

`harness_source(signature)` writes a C driver for the entry function. It is a separate translation
unit that declares the entry with *mirror* types built from the signature's layouts (pointer
parameters as `void *`, struct values as structurally identical structs, which the x86-64 ABI passes
exactly like the program's own). For each row, every parameter gets a zero-filled, aligned memory
image; input leaves are copied in at their byte offsets (SysV layout rules), the entry is called,
and output leaves are copied out of the images and of the return value. Columns travel as raw
bytes (little-endian rows of the port's dtype, shape [n, *shape]): the inputs one after the other
on stdin, the outputs likewise into a file the driver creates, so whatever the program prints
(on stdout or stderr) is no part of them.

The program is compiled with nsc's own headers (`-I nsc/frontend/include`), so both sides see the
same prototypes and constants. The driver includes no header at all (it declares the few libc
functions it needs), so one gcc call builds both without the two sets of headers meeting.
"""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from nsc.signature import Layout, Port, Signature

REPO = Path(__file__).resolve().parent.parent
INCLUDE_DIR = REPO / "nsc" / "frontend" / "include"
GCC_FLAGS = ("-O0", "-ffp-contract=off", "-std=c99")
PREFIX = "nsc_h_"


# ---------------------------------------------------------------- layout arithmetic (x86-64 SysV)


def size_align(layout: Layout) -> tuple[int, int]:
    """Byte size and alignment of a layout under the x86-64 SysV rules."""
    kind = layout["kind"]
    if kind in ("float", "int"):
        n = layout["bits"] // 8
        return n, n
    if kind == "bool":
        return 1, 1
    if kind == "array":
        size, align = size_align(layout["of"])
        return size * layout["n"], align
    if kind == "struct":
        offsets, size, align = _struct_layout(layout)
        return size, align
    raise ValueError(f"unknown layout kind: {kind}")


def _struct_layout(layout: Layout) -> tuple[list[int], int, int]:
    offsets: list[int] = []
    end, align = 0, 1
    for _, field_layout in layout["fields"]:
        fsize, falign = size_align(field_layout)
        end = _round_up(end, falign)
        offsets.append(end)
        end += fsize
        align = max(align, falign)
    return offsets, _round_up(end, align), align


def _round_up(n: int, align: int) -> int:
    return (n + align - 1) // align * align


def leaf_offsets(layout: Layout, path: tuple[int, ...]) -> list[int]:
    """Byte offsets of every element of the port at `path`, in C (row-major) order."""
    kind = layout["kind"]
    if kind == "array":
        elem_size, _ = size_align(layout["of"])
        inner = leaf_offsets(layout["of"], path)
        return [i * elem_size + o for i in range(layout["n"]) for o in inner]
    if kind == "struct":
        if not path:
            raise ValueError("port path ends inside a struct")
        offsets, _, _ = _struct_layout(layout)
        field_layout = layout["fields"][path[0]][1]
        return [offsets[path[0]] + o for o in leaf_offsets(field_layout, path[1:])]
    if path:
        raise ValueError("port path goes below a scalar")
    return [0]


# ---------------------------------------------------------------- C text of mirror types

_INT_TYPES = {8: "char", 16: "short", 32: "int", 64: "long"}


def scalar_c_type(layout: Layout) -> str:
    """The C spelling of a scalar layout."""
    kind = layout["kind"]
    if kind == "float":
        return "float" if layout["bits"] == 32 else "double"
    if kind == "bool":
        return "_Bool"
    if kind == "int":
        sign = "signed" if layout["signed"] else "unsigned"
        return f"{sign} {_INT_TYPES[layout['bits']]}"
    raise ValueError(f"not a scalar layout: {kind}")


class _Mirrors:
    """Collects struct definitions that mirror the signature's struct layouts."""

    def __init__(self) -> None:
        self.definitions: list[str] = []

    def declare(self, layout: Layout, name: str) -> str:
        """A declaration of `name` with the C type of `layout`."""
        dims = ""
        while layout["kind"] == "array":
            dims += f"[{layout['n']}]"
            layout = layout["of"]
        return f"{self.type_name(layout)} {name}{dims}"

    def type_name(self, layout: Layout) -> str:
        if layout["kind"] != "struct":
            return scalar_c_type(layout)
        fields = [self.declare(f, f"f{i}") for i, (_, f) in enumerate(layout["fields"])]
        tag = f"{PREFIX}s{len(self.definitions)}"
        self.definitions.append(f"struct {tag} {{ {'; '.join(fields)}; }};")
        return f"struct {tag}"


# ---------------------------------------------------------------- the driver


def harness_source(signature: Signature) -> str:
    """C source of a driver that runs `signature.entry` over the rows of raw column files."""
    mirrors = _Mirrors()
    param_types = [
        "void *" if p.passing == "pointer" else mirrors.type_name(p.layout)
        for p in signature.params
    ]
    ret_type = "void" if signature.returns is None else mirrors.type_name(signature.returns)
    decl = f"{ret_type} {signature.entry}({', '.join(param_types) or 'void'});"
    body = _main_body(signature, param_types, ret_type)
    return "\n".join([_PRELUDE, *mirrors.definitions, decl, body])


_PRELUDE = f"""/* generated by tests/gcc_harness.py: columns in on stdin, out to the file argv[2] */
typedef unsigned long {PREFIX}size;
extern void *calloc({PREFIX}size, {PREFIX}size);
extern long read(int, void *, {PREFIX}size);
extern long write(int, const void *, {PREFIX}size);
extern int creat(const char *, unsigned int);
extern int close(int);
extern void *mmap(void *, {PREFIX}size, int, int, int, long);
extern int fork(void);
extern int waitpid(int, int *, int);
extern void _exit(int);
#define memcpy __builtin_memcpy
#define memset __builtin_memset

static unsigned char *{PREFIX}read({PREFIX}size bytes) {{
    unsigned char *buf = calloc(bytes + 1, 1);
    for ({PREFIX}size done = 0; done < bytes;) {{
        long got = read(0, buf + done, bytes - done);
        if (got <= 0) return 0;
        done += ({PREFIX}size)got;
    }}
    return buf;
}}

/* shared with the row's child process: PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS */
static unsigned char *{PREFIX}shared({PREFIX}size bytes) {{
    void *p = mmap(0, bytes + 1, 3, 0x01 | 0x20, -1, 0);
    return p == (void *)-1 ? 0 : (unsigned char *)p;
}}

static int {PREFIX}write(int fd, const unsigned char *buf, {PREFIX}size bytes) {{
    for ({PREFIX}size done = 0; done < bytes;) {{
        long put = write(fd, buf + done, bytes - done);
        if (put <= 0) return 0;
        done += ({PREFIX}size)put;
    }}
    return 1;
}}
"""


def _image_layout(signature: Signature, param: int) -> Layout:
    return signature.returns if param == -1 else signature.params[param].layout


def _image_name(param: int) -> str:
    return f"{PREFIX}ret" if param == -1 else f"{PREFIX}p{param}"


def _port_lines(signature: Signature, port: Port, column: str, load: bool) -> list[str]:
    """Declarations and a per-row copy between a column and a parameter's memory image."""
    offsets = leaf_offsets(_image_layout(signature, port.param), port.path)
    width = np.dtype(port.dtype).itemsize
    table = f"{column}_off"
    image = _image_name(port.param)
    src, dst = (f"{column} + (row * {len(offsets)} + k) * {width}", f"{image} + {table}[k]")
    if not load:
        src, dst = dst, src
    decl = f"static const long {table}[] = {{{', '.join(map(str, offsets))}}};"
    copy = f"for (long k = 0; k < {len(offsets)}; k++) memcpy({dst}, {src}, {width});"
    return [decl, copy]


def _main_body(signature: Signature, param_types: list[str], ret_type: str) -> str:
    head = ["int main(int argc, char **argv) {"]
    head.append("    if (argc != 3) return 2;")
    head.append("    long n = 0;")
    head.append("    for (const char *c = argv[1]; *c; c++) n = n * 10 + (*c - '0');")
    pre: list[str] = []
    per_row: list[str] = []
    post: list[str] = []
    images = list(range(len(signature.params))) + ([-1] if signature.returns else [])
    for index in images:
        size, _ = size_align(_image_layout(signature, index))
        pre.append(
            f"static unsigned char {_image_name(index)}[{size}] __attribute__((aligned(16)));"
        )
        per_row.append(f"memset({_image_name(index)}, 0, {size});")
    for i, port in enumerate(signature.inputs):
        bytes_ = f"(nsc_h_size)n * {port.size * np.dtype(port.dtype).itemsize}"
        pre.append(f"unsigned char *{PREFIX}in{i} = {PREFIX}read({bytes_});")
        pre.append(f"if (!{PREFIX}in{i}) return 3;")
        decl, copy = _port_lines(signature, port, f"{PREFIX}in{i}", load=True)
        pre.append(decl)
        per_row.append(copy)
    per_row += _call_lines(signature, param_types, ret_type)
    for j, port in enumerate(signature.outputs):
        bytes_ = f"(nsc_h_size)n * {port.size * np.dtype(port.dtype).itemsize}"
        pre.append(f"unsigned char *{PREFIX}out{j} = {PREFIX}shared({bytes_});")
        pre.append(f"if (!{PREFIX}out{j}) return 6;")
        decl, copy = _port_lines(signature, port, f"{PREFIX}out{j}", load=False)
        pre.append(decl)
        per_row.append(copy)
        post.append(f"if (!{PREFIX}write({PREFIX}fd, {PREFIX}out{j}, {bytes_})) return 4;")
    opening = [f"int {PREFIX}fd = creat(argv[2], 0600);", f"if ({PREFIX}fd < 0) return 5;"]
    post = [*opening, *post, f"close({PREFIX}fd);"]
    lines = head + ["    " + s for s in pre]
    # each row runs in a child process of its own, so it starts from the program's initial
    # globals and statics, as every oracle row does; the outputs are shared memory
    lines += ["    for (long row = 0; row < n; row++) {", "        int pid = fork();"]
    lines += ["        if (pid < 0) return 7;", "        if (pid == 0) {"]
    lines += ["            " + s for s in per_row] + ["            _exit(0);", "        }"]
    lines += ["        int how = 0;", "        if (waitpid(pid, &how, 0) != pid) return 7;"]
    lines += ["        if (how != 0) return 8; /* the row crashed or exited */", "    }"]
    lines += ["    " + s for s in post] + ["    return 0;", "}", ""]
    return "\n".join(lines)


def _call_lines(signature: Signature, param_types: list[str], ret_type: str) -> list[str]:
    lines: list[str] = []
    args: list[str] = []
    for i, (param, ctype) in enumerate(zip(signature.params, param_types, strict=True)):
        if param.passing == "pointer":
            args.append(f"(void *){_image_name(i)}")
            continue
        lines.append(f"{ctype} {PREFIX}a{i};")
        lines.append(f"memcpy(&{PREFIX}a{i}, {_image_name(i)}, sizeof {PREFIX}a{i});")
        args.append(f"{PREFIX}a{i}")
    call = f"{signature.entry}({', '.join(args)})"
    if ret_type == "void":
        return lines + [f"{call};"]
    return lines + [
        f"{ret_type} {PREFIX}r = {call};",
        f"memcpy({_image_name(-1)}, &{PREFIX}r, sizeof {PREFIX}r);",
    ]


# ---------------------------------------------------------------- build and run


@dataclass(frozen=True)
class GccHarness:
    """A built driver: the executable and the signature it was generated for."""

    executable: Path
    signature: Signature


def build(
    program: Path,
    signature: Signature,
    workdir: Path,
    extra_flags: tuple[str, ...] = (),
    units: tuple[str, ...] = (),
) -> GccHarness:
    """Compile the program (with nsc's headers; `units`: its other files) and its driver into
    one executable.

    `extra_flags` go to gcc as well, e.g. `-fsanitize=undefined` to look for UB.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    driver = workdir / "harness.c"
    driver.write_text(harness_source(signature))
    exe = workdir / "harness"
    sources = [str(program), *units, str(driver)]
    args = [*GCC_FLAGS, *extra_flags, "-I", str(INCLUDE_DIR), *sources]
    done = subprocess.run(
        ["gcc", *args, "-o", str(exe), "-lm"], capture_output=True, text=True, timeout=60
    )
    if done.returncode != 0:
        raise RuntimeError(f"gcc failed on {program}:\n{done.stderr}")
    return GccHarness(exe, signature)


def run(
    harness: GccHarness, inputs: dict[str, np.ndarray], rows: int | None = None
) -> dict[str, np.ndarray]:
    """Run the driver over `inputs` (named after the input ports) and return the outputs."""
    sig = harness.signature
    n = rows if rows is not None else int(np.asarray(inputs[sig.inputs[0].name]).shape[0])
    columns = []
    for port in sig.inputs:
        column = np.asarray(inputs[port.name]).astype(port.dtype, copy=False)
        if column.shape != (n, *port.shape):
            raise ValueError(f"input {port.name}: shape {column.shape}, want {(n, *port.shape)}")
        columns.append(np.ascontiguousarray(column).tobytes())
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "outputs"
        done = subprocess.run(
            [str(harness.executable), str(n), str(path)],
            input=b"".join(columns),
            capture_output=True,  # what the program prints is not read
            timeout=60,
        )
        if done.returncode != 0:
            raise RuntimeError(f"harness exited with {done.returncode}:\n{done.stderr.decode()}")
        written = path.read_bytes()
    outputs, offset = {}, 0
    for port in sig.outputs:
        count = n * port.size
        outputs[port.name] = np.frombuffer(
            written, dtype=port.dtype, count=count, offset=offset
        ).reshape(n, *port.shape)
        offset += count * np.dtype(port.dtype).itemsize
    if offset != len(written):
        raise RuntimeError(f"harness wrote {len(written)} bytes, expected {offset}")
    return outputs


# ---------------------------------------------------------------- comparison


def mismatches(port: Port, expected: np.ndarray, actual: np.ndarray, ulps: int = 1) -> list[str]:
    """Rows where two columns differ: integers exactly, floats by more than `ulps` ulp."""
    expected, actual = np.asarray(expected), np.asarray(actual)
    if expected.shape != actual.shape:
        return [f"{port.name}: shape {actual.shape} != {expected.shape}"]
    if port.is_integer:
        bad = expected.astype(np.int64) != actual.astype(np.int64)
    else:
        bad = ~_close(expected.astype(port.dtype), actual.astype(port.dtype), ulps)
    bad = bad.reshape(bad.shape[0], -1).any(axis=1)
    rows = np.flatnonzero(bad)
    return [
        f"{port.name}[{r}]: gcc {expected[r].tolist()} != nsc {actual[r].tolist()}"
        for r in rows[:5]
    ]


def _close(a: np.ndarray, b: np.ndarray, ulps: int) -> np.ndarray:
    both_nan = np.isnan(a) & np.isnan(b)
    with np.errstate(invalid="ignore", over="ignore"):
        same = a == b  # covers equal infinities and +0 == -0
        spacing = np.spacing(np.maximum(np.abs(a), np.abs(b)))
        near = np.abs(a - b) <= ulps * spacing
    return both_nan | same | (np.isfinite(a) & np.isfinite(b) & near)


# ---------------------------------------------------------------- the differential check


@dataclass
class Comparison:
    """gcc's and nsc's outputs for the same inputs, and every disagreement found."""

    signature: Signature
    inputs: dict[str, np.ndarray]
    gcc: dict[str, np.ndarray]
    nsc: dict[str, np.ndarray]
    problems: list[str]


def compare(
    program: Path, workdir: Path, *, rows: int = 64, seed: int = 0, options=None, ulps: int = 1
) -> Comparison:
    """Compile `program` with nsc (instrumented) and gcc, run both on the same samples, compare."""
    from nsc.frontend import FrontendOptions, c_to_ir
    from nsc.ir.oracle import Oracle, sample_inputs

    options = replace(options or FrontendOptions(), instrument=True)
    compiled = c_to_ir(Path(program), options)
    signature = compiled.signature
    inputs = {k: np.asarray(v) for k, v in sample_inputs(signature, rows, seed).items()}
    execution = Oracle(compiled.ir, signature).run(inputs, batch=rows)
    expected = run(build(Path(program), signature, workdir, units=options.units), inputs, rows)
    problems = [f"oracle status {s} in row {r}" for r, s in enumerate(execution.status) if s][:5]
    for port in signature.outputs:
        problems += mismatches(port, expected[port.name], execution.outputs[port.name], ulps)
    return Comparison(signature, inputs, expected, execution.outputs, problems)
