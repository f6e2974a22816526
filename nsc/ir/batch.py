"""Generate the oracle's batch loop: LLVM IR that runs the entry function over rows of arrays.

The generated function is

    void @__nsc_batch(ptr noalias %in.0, ..., ptr noalias %out.0, ..., ptr noalias %status,
                      ptr noalias %scratch, i64 %n, i64 %fuel)

with one contiguous buffer per input port and per output port (`batch_ports` gives the order),
each holding `n` rows of `port.size` scalars. For every row it resets the instrumentation globals,
restores the program's mutable globals, zero-fills one memory image per parameter (and one for the
return value), copies the row's input ports in, calls the entry, copies the output ports out,
writes `@__nsc_trap` to `status[i]`, and, for a program that uses the heap, frees the blocks the
row left (`nsc.ir.heap`).

The smallest images, up to `STACK_IMAGE_BYTES` together, are on the stack, where LLVM can keep
their scalars in registers; the others are in `%scratch`, a buffer of `scratch_bytes(signature)`
bytes aligned to `SCRATCH_ALIGN` that the caller passes (NULL when it needs none). A parameter of
the largest size (`MAX_SCALARS` doubles, 8 MiB) would otherwise overflow a default 8 MiB stack,
which the program, running on the same stack, needs too.

Mutable globals (C `static` state) would otherwise carry over from row to row. The generated
`@__nsc_snapshot()` copies each of them into a pristine copy; the oracle calls it once, before any
row runs, and every row starts by copying the pristine bytes back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from nsc.diagnostics import NscError
from nsc.ir.heap import RELEASE, heap_ir
from nsc.signature import (
    Layout,
    Port,
    Signature,
    layout_size,
    llvm_type,
    round_up,
    scalar_dtype,
)

BATCH_FUNCTION = "__nsc_batch"
SNAPSHOT_FUNCTION = "__nsc_snapshot"
STACK_IMAGE_BYTES = 64 * 1024  # the most bytes of memory images on the stack
SCRATCH_ALIGN = 64  # the scratch buffer's alignment, and each image's in it

_INTRINSICS = """\
declare void @llvm.memset.p0.i64(ptr, i8, i64, i1)
declare void @llvm.memcpy.p0.p0.i64(ptr, ptr, i64, i1)
"""


def batch_ports(signature: Signature) -> list[Port]:
    """The ports in the order of the batch function's buffer arguments: inputs, then outputs."""
    return list(signature.inputs) + list(signature.outputs)


def scratch_bytes(signature: Signature) -> int:
    """The size of the scratch buffer the batch function needs (0: none)."""
    return _scratch_offsets(signature)[1]


def _scratch_offsets(signature: Signature) -> tuple[list[int | None], int]:
    """Each memory image's offset in the scratch buffer (None: on the stack), parameters first,
    then the return value; and the buffer's size. The smallest images stay on the stack."""
    layouts = [p.layout for p in signature.params]
    if signature.returns is not None:
        layouts.append(signature.returns)
    sizes = [layout_size(layout) for layout in layouts]
    offsets: list[int | None] = [None] * len(sizes)
    on_stack = scratch = 0
    for k in sorted(range(len(sizes)), key=lambda k: sizes[k]):
        if on_stack + sizes[k] <= STACK_IMAGE_BYTES:
            on_stack += sizes[k]
        else:
            offsets[k] = scratch
            scratch = round_up(scratch + sizes[k], SCRATCH_ALIGN)
    return offsets, scratch


def entry_type(signature: Signature) -> str:
    """The LLVM function type of the entry, as the type mapping spells it."""
    ret = llvm_type(signature.returns) if signature.returns is not None else "void"
    args = [llvm_type(p.layout) if p.passing == "value" else "ptr" for p in signature.params]
    return f"{ret} ({', '.join(args)})"


def batch_ir(
    signature: Signature,
    *,
    instrumented: bool,
    state: Sequence[tuple[str, int]] = (),
    heap: bool = False,
) -> str:
    """IR text declaring the entry and defining the batch loop; `state` lists (global, bytes);
    with `heap`, the oracle's allocator (`nsc.ir.heap`), whose blocks each row's end frees."""
    gen = _Generator(signature, instrumented, tuple(state), heap)
    text = gen.module()
    return text + heap_ir(instrumented=instrumented) if heap else text


@dataclass(frozen=True)
class _Access:
    """How one port reaches its scalars inside a memory image."""

    image: str  # the alloca register
    image_type: str  # LLVM type of the image
    scalar: str  # LLVM type of one element
    steps: tuple[tuple[str, int], ...]  # ("array", dim index) or ("field", field index)
    shape: tuple[int, ...]

    @property
    def contiguous(self) -> bool:
        """True when the elements are adjacent in memory (no struct level below an array)."""
        seen_array = False
        for kind, _ in self.steps:
            if kind == "array":
                seen_array = True
            elif seen_array:
                return False
        return True


@dataclass
class _Generator:
    signature: Signature
    instrumented: bool
    state: tuple[tuple[str, int], ...]
    heap: bool
    lines: list[str] = field(default_factory=list)
    counter: int = 0
    current: str = "%entry"  # the block being filled, for phi operands

    def fresh(self, stem: str) -> str:
        self.counter += 1
        return f"%{stem}.{self.counter}"

    def emit(self, text: str) -> None:
        self.lines.append("  " + text)

    def label(self, name: str) -> None:
        self.lines.append(f"{name[1:]}:")

    def module(self) -> str:
        sig = self.signature
        head = []
        if self.instrumented:
            head += ["@__nsc_fuel = external global i64", "@__nsc_trap = external global i32"]
        ret, args = entry_type(sig).split(" (", 1)
        head.append(f"declare {ret} {_global(sig.entry)}({args}")
        head += self.snapshot()
        ports = batch_ports(sig)
        bufs = [f"ptr noalias %buf.{k}" for k in range(len(ports))]
        params = ", ".join(
            bufs + ["ptr noalias %status", "ptr noalias %scratch", "i64 %n", "i64 %fuel"]
        )
        self.lines.append(f"define void @{BATCH_FUNCTION}({params}) {{")
        self.body()
        self.lines.append("}")
        return "\n".join(head) + "\n" + _INTRINSICS + "\n".join(self.lines) + "\n"

    def body(self) -> None:
        sig = self.signature
        self.label("%entry")
        images = [(self._image_name(k), llvm_type(p.layout)) for k, p in enumerate(sig.params)]
        if sig.returns is not None:
            images.append(("%img.ret", llvm_type(sig.returns)))
        offsets, _ = _scratch_offsets(sig)
        for (reg, ty), offset in zip(images, offsets, strict=True):
            if offset is None:
                self.emit(f"{reg} = alloca {ty}, align 16")
        for (reg, _), offset in zip(images, offsets, strict=True):
            if offset is not None:
                self.emit(f"{reg} = getelementptr inbounds i8, ptr %scratch, i64 {offset}")
        self.emit("%any = icmp sgt i64 %n, 0")
        self.emit("br i1 %any, label %row, label %done")
        self.label("%row")
        self.emit("%i = phi i64 [ 0, %entry ], [ %i.next, %row.end ]")
        self.current = "%row"
        self.reset_row(images)
        ports = batch_ports(sig)
        n_in = len(sig.inputs)
        for k, port in enumerate(ports[:n_in]):
            self.copy(port, f"%buf.{k}", into_image=True)
        self.call_entry()
        for k, port in enumerate(ports[n_in:], start=n_in):
            self.copy(port, f"%buf.{k}", into_image=False)
        self.write_status()
        if self.heap:
            self.emit(f'call void @"{RELEASE}"()')
        self.emit("br label %row.end")
        self.label("%row.end")
        self.emit("%i.next = add nuw nsw i64 %i, 1")
        self.emit("%more = icmp slt i64 %i.next, %n")
        self.emit("br i1 %more, label %row, label %done")
        self.label("%done")
        self.emit("ret void")

    def reset_row(self, images: list[tuple[str, str]]) -> None:
        """Refill the fuel, clear the trap, restore the globals, zero the memory images."""
        if self.instrumented:
            self.emit("store i64 %fuel, ptr @__nsc_fuel")
            self.emit("store i32 0, ptr @__nsc_trap")
        for k, (name, size) in enumerate(self.state):
            self.emit(
                f"call void @llvm.memcpy.p0.p0.i64(ptr {_global(name)}, ptr @nsc.pristine.{k}, i64 {size}, i1 false)"
            )
        for reg, ty in images:
            size = f"ptrtoint (ptr getelementptr ({ty}, ptr null, i64 1) to i64)"
            self.emit(f"call void @llvm.memset.p0.i64(ptr {reg}, i8 0, i64 {size}, i1 false)")

    def snapshot(self) -> list[str]:
        """Declarations of the mutable globals, their pristine copies, and `@__nsc_snapshot`."""
        lines, body = [], []
        for k, (name, size) in enumerate(self.state):
            lines.append(f"{_global(name)} = external global i8")
            lines.append(
                f"@nsc.pristine.{k} = internal global [{size} x i8] zeroinitializer, align 16"
            )
            body.append(
                f"  call void @llvm.memcpy.p0.p0.i64(ptr @nsc.pristine.{k}, ptr {_global(name)}, i64 {size}, i1 false)"
            )
        return [f"define void @{SNAPSHOT_FUNCTION}() {{", *body, "  ret void", "}", *lines]

    def _image_name(self, index: int) -> str:
        return f"%img.{index}"

    def call_entry(self) -> None:
        sig = self.signature
        args = []
        for k, param in enumerate(sig.params):
            reg = self._image_name(k)
            if param.passing == "value":
                ty = llvm_type(param.layout)
                val = self.fresh("arg")
                self.emit(f"{val} = load {ty}, ptr {reg}")
                args.append(f"{ty} {val}")
            else:
                args.append(f"ptr {reg}")
        callee = f"{_global(sig.entry)}({', '.join(args)})"
        if sig.returns is None:
            self.emit(f"call void {callee}")
            return
        ty = llvm_type(sig.returns)
        val = self.fresh("ret")
        self.emit(f"{val} = call {ty} {callee}")
        self.emit(f"store {ty} {val}, ptr %img.ret")

    def write_status(self) -> None:
        slot = self.fresh("st")
        self.emit(f"{slot} = getelementptr i8, ptr %status, i64 %i")
        if not self.instrumented:
            self.emit(f"store i8 0, ptr {slot}")
            return
        trap = self.fresh("trap")
        byte = self.fresh("trap8")
        self.emit(f"{trap} = load i32, ptr @__nsc_trap")
        self.emit(f"{byte} = trunc i32 {trap} to i8")
        self.emit(f"store i8 {byte}, ptr {slot}")

    def access(self, port: Port) -> _Access:
        sig = self.signature
        if port.param == -1:
            if sig.returns is None:
                raise NscError(f"port {port.name!r} names the return value of a void function")
            layout, image = sig.returns, "%img.ret"
        elif 0 <= port.param < len(sig.params):
            layout, image = sig.params[port.param].layout, self._image_name(port.param)
        else:
            raise NscError(f"port {port.name!r} names parameter {port.param}, which does not exist")
        steps, leaf = _walk(port, layout)
        return _Access(image, llvm_type(layout), llvm_type(leaf), steps, port.shape)

    def copy(self, port: Port, buf: str, *, into_image: bool) -> None:
        acc = self.access(port)
        row = self.fresh("rowbase")
        self.emit(f"{row} = mul nuw nsw i64 %i, {port.size}")
        if acc.contiguous:
            first = self.element_ptr(acc, ["0"] * len(acc.shape))
            src = self.fresh("src")
            self.emit(f"{src} = getelementptr {acc.scalar}, ptr {buf}, i64 {row}")
            nbytes = self._bytes(acc.scalar, port.size)
            dst, frm = (first, src) if into_image else (src, first)
            self.emit(
                f"call void @llvm.memcpy.p0.p0.i64(ptr {dst}, ptr {frm}, i64 {nbytes}, i1 false)"
            )
            return
        self.strided_copy(acc, port, buf, row, into_image)

    def _bytes(self, scalar: str, count: int) -> str:
        """The byte size of `count` scalars of an LLVM scalar type (known sizes, no padding)."""
        sizes = {"i8": 1, "i16": 2, "i32": 4, "i64": 8, "float": 4, "double": 8}
        return str(sizes[scalar] * count)

    def strided_copy(self, acc: _Access, port: Port, buf: str, row: str, into_image: bool) -> None:
        """Copy a port whose elements are spread over an array of structs, in a small loop."""
        loop = self.fresh("cp")
        k, k_next, more = f"{loop}.k", f"{loop}.knext", f"{loop}.more"
        self.emit(f"br label {loop}")
        self.label(loop)
        self.emit(f"{k} = phi i64 [ 0, {self.current} ], [ {k_next}, {loop} ]")
        indices = []
        stride = port.size
        for dim in acc.shape:
            stride //= dim
            quot = self.fresh("q")
            idx = self.fresh("ix")
            self.emit(f"{quot} = udiv i64 {k}, {stride}")
            self.emit(f"{idx} = urem i64 {quot}, {dim}")
            indices.append(idx)
        inner = self.element_ptr(acc, indices)
        off = self.fresh("off")
        outer = self.fresh("src")
        val = self.fresh("v")
        self.emit(f"{off} = add nuw nsw i64 {row}, {k}")
        self.emit(f"{outer} = getelementptr {acc.scalar}, ptr {buf}, i64 {off}")
        frm, dst = (outer, inner) if into_image else (inner, outer)
        self.emit(f"{val} = load {acc.scalar}, ptr {frm}")
        self.emit(f"store {acc.scalar} {val}, ptr {dst}")
        self.emit(f"{k_next} = add nuw nsw i64 {k}, 1")
        self.emit(f"{more} = icmp ult i64 {k_next}, {port.size}")
        end = f"{loop}.end"
        self.emit(f"br i1 {more}, label {loop}, label {end}")
        self.label(end)
        self.current = end

    def element_ptr(self, acc: _Access, indices: list[str]) -> str:
        """A GEP into the image: array levels take `indices` in order, struct levels their field."""
        if not acc.steps:
            return acc.image
        parts = ["i64 0"]
        dims = iter(indices)
        for kind, value in acc.steps:
            parts.append(f"i64 {next(dims)}" if kind == "array" else f"i32 {value}")
        reg = self.fresh("el")
        self.emit(
            f"{reg} = getelementptr inbounds {acc.image_type}, ptr {acc.image}, {', '.join(parts)}"
        )
        return reg


def _global(name: str) -> str:
    """A global's name as LLVM IR spells it, quoted and escaped."""
    escaped = "".join(
        c if c.isprintable() and c not in '"\\' else "".join(f"\\{b:02X}" for b in c.encode())
        for c in name
    )
    return f'@"{escaped}"'


def _walk(port: Port, layout: Layout) -> tuple[tuple[tuple[str, int], ...], Layout]:
    """Follow a port's shape and path down a layout to its scalar leaf, checking both."""
    steps: list[tuple[str, int]] = []
    dims, fields = list(port.shape), list(port.path)
    node = layout
    while node["kind"] in ("array", "struct"):
        if node["kind"] == "array":
            if not dims or dims[0] != node["n"]:
                raise _mismatch(port, f"an array of {node['n']} where the shape has {dims[:1]}")
            steps.append(("array", len(port.shape) - len(dims)))
            dims.pop(0)
            node = node["of"]
        else:
            if not fields or not 0 <= fields[0] < len(node["fields"]):
                raise _mismatch(port, f"a struct with {len(node['fields'])} fields")
            steps.append(("field", fields[0]))
            node = node["fields"][fields.pop(0)][1]
    if dims or fields:
        raise _mismatch(port, "a scalar before the port's shape and path are used up")
    if scalar_dtype(node) != port.dtype:
        raise _mismatch(port, f"a {scalar_dtype(node)} scalar, not {port.dtype}")
    return tuple(steps), node


def _mismatch(port: Port, found: str) -> NscError:
    return NscError(
        f"port {port.name!r} (shape {port.shape}, path {port.path}) does not match its "
        f"parameter's layout: found {found}"
    )
