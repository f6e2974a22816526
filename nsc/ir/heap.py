"""The oracle's allocator: the C library's heap, bounded per row and released after each row.

Compiled code calls the C library's `malloc`, `calloc`, `realloc` and `free` (clean and
instrumented IR alike). The oracle renames the program's declarations of them (`interpose`)
to the functions here, which call the C library's with a 32-byte header in front of each block:
the next and previous blocks of the row's list of live blocks, the size, and a check word
(the header's address xor `MAGIC`). The batch loop calls `RELEASE` after every row, which
frees whatever the row left: a row that traps unwinds without running the program's `free`s,
and a program may leak, so without it every such row would keep its blocks for good.

Within a row, the live blocks may hold at most `ROW_HEAP_BYTES`: a request past that fails
(NULL, as a C library out of memory would), and with the instrumentation's `@__nsc_trap`
also stores status 2, so the caller's after-call check unwinds. A `free` or `realloc` of
something that is not a live block (a double free, a pointer into the stack) frees nothing;
instrumented, it stores status 8 (`abort`), as glibc aborts there. (Telling reads the check
word in front of the pointer: a block the C library has given back to the system may crash
there, as C may.) The four entry points are `noinline` and keep external names until the
oracle internalizes them: the program's renamed declarations link to them, and LLVM, which
knows what `free` does, must not see a program's double free as a read of freed memory.
"""

from __future__ import annotations

import llvmlite.binding as llvm

PREFIX = "__nsc.heap."
RELEASE = PREFIX + "release"
ROW_HEAP_BYTES = 1 << 28  # 256 MiB of live blocks per row
MAGIC = 0x6E73632E68656170  # "nsc.heap"
OUT_OF_BOUNDS, ABORT = 2, 8  # nsc.ir.oracle.Status
_FUNCTIONS = {  # the C library's, with their LLVM types
    "malloc": "ptr (i64)",
    "calloc": "ptr (i64, i64)",
    "realloc": "ptr (ptr, i64)",
    "free": "void (ptr)",
}


def interpose(module: llvm.ModuleRef) -> bool:
    """Point the module's calls to the heap functions at the allocator here, by renaming
    their declarations; whether it did. It does not where the module defines one of them, or
    declares one with another type."""
    found = [fn for fn in module.functions if fn.name in _FUNCTIONS]
    for fn in found:
        have = str(fn.global_value_type).replace(" ", "")
        if not fn.is_declaration or have != _FUNCTIONS[fn.name].replace(" ", ""):
            return False
    for fn in found:
        fn.name = PREFIX + fn.name
    return bool(found)


def heap_ir(*, instrumented: bool) -> str:
    """The allocator's IR: `@"__nsc.heap.malloc"` ... and `RELEASE`, for the batch loop's module
    (which declares `@__nsc_trap` when `instrumented`)."""

    def trap(status: int) -> str:
        return f"store i32 {status}, ptr @__nsc_trap" if instrumented else ""

    return _TEMPLATE.format(
        limit=ROW_HEAP_BYTES,
        magic=MAGIC,  # below 2**63: an i64 constant as it is
        over=trap(OUT_OF_BOUNDS),
        invalid=trap(ABORT),
    )


_TEMPLATE = """
@"__nsc.heap.head" = internal global {{ ptr, ptr }} {{ ptr @"__nsc.heap.head", ptr @"__nsc.heap.head" }}
@"__nsc.heap.bytes" = internal global i64 0

declare ptr @malloc(i64)
declare ptr @calloc(i64, i64)
declare ptr @realloc(ptr, i64)
declare void @free(ptr)
declare {{ i64, i1 }} @llvm.umul.with.overflow.i64(i64, i64)

define internal void @"__nsc.heap.link"(ptr %h, i64 %n) {{
  %next = load ptr, ptr @"__nsc.heap.head"
  store ptr %next, ptr %h
  %h.prev = getelementptr i8, ptr %h, i64 8
  store ptr @"__nsc.heap.head", ptr %h.prev
  %next.prev = getelementptr i8, ptr %next, i64 8
  store ptr %h, ptr %next.prev
  store ptr %h, ptr @"__nsc.heap.head"
  %h.size = getelementptr i8, ptr %h, i64 16
  store i64 %n, ptr %h.size
  %address = ptrtoint ptr %h to i64
  %check = xor i64 %address, {magic}
  %h.check = getelementptr i8, ptr %h, i64 24
  store i64 %check, ptr %h.check
  %bytes = load i64, ptr @"__nsc.heap.bytes"
  %more = add i64 %bytes, %n
  store i64 %more, ptr @"__nsc.heap.bytes"
  ret void
}}

define internal void @"__nsc.heap.unlink"(ptr %h) {{
  %next = load ptr, ptr %h
  %h.prev = getelementptr i8, ptr %h, i64 8
  %prev = load ptr, ptr %h.prev
  store ptr %next, ptr %prev
  %next.prev = getelementptr i8, ptr %next, i64 8
  store ptr %prev, ptr %next.prev
  %h.check = getelementptr i8, ptr %h, i64 24
  store i64 0, ptr %h.check
  %h.size = getelementptr i8, ptr %h, i64 16
  %n = load i64, ptr %h.size
  %bytes = load i64, ptr @"__nsc.heap.bytes"
  %less = sub i64 %bytes, %n
  store i64 %less, ptr @"__nsc.heap.bytes"
  ret void
}}

; the header of the live block at the non-null %p, or null when %p is not one
define internal ptr @"__nsc.heap.header"(ptr %p) {{
  %h = getelementptr i8, ptr %p, i64 -32
  %h.check = getelementptr i8, ptr %h, i64 24
  %check = load i64, ptr %h.check
  %address = ptrtoint ptr %h to i64
  %want = xor i64 %address, {magic}
  %ok = icmp eq i64 %check, %want
  %header = select i1 %ok, ptr %h, ptr null
  ret ptr %header
}}

; whether %n more bytes fit in the row's budget
define internal i1 @"__nsc.heap.fits"(i64 %n) {{
  %bytes = load i64, ptr @"__nsc.heap.bytes"
  %room = sub i64 {limit}, %bytes
  %ok = icmp ule i64 %n, %room
  br i1 %ok, label %yes, label %no
yes:
  ret i1 true
no:
  {over}
  ret i1 false
}}

; the block of %n bytes whose header the C library gave at %h (null: none), linked in
define internal ptr @"__nsc.heap.place"(ptr %h, i64 %n) {{
  %null = icmp eq ptr %h, null
  br i1 %null, label %fail, label %done
done:
  call void @"__nsc.heap.link"(ptr %h, i64 %n)
  %p = getelementptr i8, ptr %h, i64 32
  ret ptr %p
fail:
  ret ptr null
}}

define ptr @"__nsc.heap.malloc"(i64 %n) noinline {{
  %fits = call i1 @"__nsc.heap.fits"(i64 %n)
  br i1 %fits, label %allocate, label %fail
allocate:
  %total = add i64 %n, 32
  %h = call ptr @malloc(i64 %total)
  %p = call ptr @"__nsc.heap.place"(ptr %h, i64 %n)
  ret ptr %p
fail:
  ret ptr null
}}

define ptr @"__nsc.heap.calloc"(i64 %count, i64 %size) noinline {{
  %product = call {{ i64, i1 }} @llvm.umul.with.overflow.i64(i64 %count, i64 %size)
  %exact = extractvalue {{ i64, i1 }} %product, 0
  %wrapped = extractvalue {{ i64, i1 }} %product, 1
  %n = select i1 %wrapped, i64 -1, i64 %exact
  %fits = call i1 @"__nsc.heap.fits"(i64 %n)
  br i1 %fits, label %allocate, label %fail
allocate:
  %total = add i64 %n, 32
  %h = call ptr @calloc(i64 1, i64 %total)
  %p = call ptr @"__nsc.heap.place"(ptr %h, i64 %n)
  ret ptr %p
fail:
  ret ptr null
}}

define void @"__nsc.heap.free"(ptr %p) noinline {{
  %null = icmp eq ptr %p, null
  br i1 %null, label %done, label %known
known:
  %h = call ptr @"__nsc.heap.header"(ptr %p)
  %invalid = icmp eq ptr %h, null
  br i1 %invalid, label %refuse, label %release
refuse:
  {invalid}
  br label %done
release:
  call void @"__nsc.heap.unlink"(ptr %h)
  call void @free(ptr %h)
  br label %done
done:
  ret void
}}

; glibc's: realloc(NULL, n) is malloc(n), realloc(p, 0) frees p and returns NULL, and a
; failed realloc leaves p as it was
define ptr @"__nsc.heap.realloc"(ptr %p, i64 %n) noinline {{
  %null = icmp eq ptr %p, null
  br i1 %null, label %fresh, label %known
fresh:
  %q = call ptr @"__nsc.heap.malloc"(i64 %n)
  ret ptr %q
known:
  %h = call ptr @"__nsc.heap.header"(ptr %p)
  %invalid = icmp eq ptr %h, null
  br i1 %invalid, label %refuse, label %valid
refuse:
  {invalid}
  ret ptr null
valid:
  %zero = icmp eq i64 %n, 0
  br i1 %zero, label %release, label %resize
release:
  call void @"__nsc.heap.free"(ptr %p)
  ret ptr null
resize:
  %h.size = getelementptr i8, ptr %h, i64 16
  %old = load i64, ptr %h.size
  call void @"__nsc.heap.unlink"(ptr %h)
  %fits = call i1 @"__nsc.heap.fits"(i64 %n)
  br i1 %fits, label %move, label %keep
move:
  %total = add i64 %n, 32
  %moved = call ptr @realloc(ptr %h, i64 %total)
  %failed = icmp eq ptr %moved, null
  br i1 %failed, label %keep, label %done
keep:
  call void @"__nsc.heap.link"(ptr %h, i64 %old)
  ret ptr null
done:
  call void @"__nsc.heap.link"(ptr %moved, i64 %n)
  %r = getelementptr i8, ptr %moved, i64 32
  ret ptr %r
}}

; after every row: free the blocks the row left
define internal void @"__nsc.heap.release"() {{
entry:
  %first = load ptr, ptr @"__nsc.heap.head"
  br label %loop
loop:
  %h = phi ptr [ %first, %entry ], [ %next, %body ]
  %end = icmp eq ptr %h, @"__nsc.heap.head"
  br i1 %end, label %done, label %body
body:
  %next = load ptr, ptr %h
  call void @free(ptr %h)
  br label %loop
done:
  store ptr @"__nsc.heap.head", ptr @"__nsc.heap.head"
  %head.prev = getelementptr i8, ptr @"__nsc.heap.head", i64 8
  store ptr @"__nsc.heap.head", ptr %head.prev
  store i64 0, ptr @"__nsc.heap.bytes"
  ret void
}}
"""
