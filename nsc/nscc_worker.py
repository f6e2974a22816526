"""nscc's worker: a fork that does everything after the frontend while the frontend runs.

The `nscc` program forks the worker first thing (`prestart`), once LLVM is loaded, before it
imports even click. While this process parses the options and runs the frontend, the worker
imports numpy, the pass manager, the graph builder and the hypernetwork (about 0.2 s of CPU, on
the machine's other core), takes the job (paths and options) and loads the model, then takes the
frontend's IR and runs `nsc.nscc_backend.compile_rest`, which writes the output. It answers with its stage times,
or with the error it met; every message is JSON (no pickle), and errors come back as the
NscError (or CompileError) they were. `compile_c` forks a worker itself when none was started.

The parent must `send` the IR before it forks again: a fork holding a copy of the pipe's write
end would keep the worker from seeing the end of the requests.
"""

from __future__ import annotations

import json
import os
import signal
import struct
from dataclasses import asdict
from pathlib import Path

from nsc.diagnostics import NscError
from nsc.ir.forking import can_fork, die_with_parent, error_from, error_record

_HEADER = struct.Struct(">Q")  # each request: its length, then that many bytes of JSON
_PRESTARTED: ForkedCompile | None = None


def prestart() -> None:
    """Fork the worker now, if this process may fork; `compile_c` takes it (`take_prestarted`).

    LLVM, which both processes need, is loaded first, so only one of them pays for it."""
    global _PRESTARTED
    if _PRESTARTED is None and can_fork():
        from nsc.ir.jit import initialize

        initialize()
        _PRESTARTED = ForkedCompile()


def take_prestarted() -> ForkedCompile | None:
    global _PRESTARTED
    worker, _PRESTARTED = _PRESTARTED, None
    return worker


def discard_prestarted() -> None:
    """Stop a worker nobody took (an error, `--help`, `--emit-llvm`)."""
    worker = take_prestarted()
    if worker is not None:
        worker.cancel()


class ForkedCompile:
    """The worker, seen from the parent: give it the `job`, `send` the IR, wait for `result`."""

    def __init__(self) -> None:
        request_read, self._request = os.pipe()
        self._reply, reply_write = os.pipe()
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # the worker: never returns
            try:
                die_with_parent(parent)
                os.close(self._request)
                os.close(self._reply)
                _serve(request_read, reply_write)
            finally:
                os._exit(0)
        os.close(request_read)
        os.close(reply_write)
        self._pid: int | None = pid

    def job(self, source: Path, output: Path, frontend, found, options) -> None:
        """What to compile, where to, with which model and options."""
        model, baselines = found
        self._write(
            {
                "source": str(source),
                "output": str(output),
                "frontend": asdict(frontend),
                "found": [str(model), None if baselines is None else str(baselines)],
                "options": {**asdict(options), "emit_graph": _text(options.emit_graph)},
            }
        )

    def send(self, compiled, checked_ir: str | None) -> None:
        """The clean IR, its signature and the IR with the oracle's checks; the last request."""
        request = {
            "ir": compiled.ir,
            "signature": compiled.signature.to_json(),
            "filename": compiled.filename,
            "checked": checked_ir,
        }
        self._write(request)
        os.close(self._request)
        self._request = -1

    def result(self) -> tuple[dict[str, float], list[str]]:
        """The worker's stage times and warnings once it has written the output; its error if
        it met one."""
        try:
            reply = _read_all(self._reply)
        finally:
            self._reap()
        return _decode(reply)

    def cancel(self) -> None:
        """Stop the worker if it still runs (after `result`, nothing is left to stop)."""
        if self._pid is not None:
            try:
                os.kill(self._pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self._reap()

    def _write(self, request: dict) -> None:
        data = json.dumps(request).encode()
        try:
            _write_all(self._request, _HEADER.pack(len(data)) + data)
        except BrokenPipeError:
            pass  # the worker failed before reading; its answer says why

    def _reap(self) -> None:
        if self._pid is None:
            return
        os.waitpid(self._pid, 0)
        for fd in (self._request, self._reply):
            if fd >= 0:
                os.close(fd)
        self._pid = None


def _serve(requests: int, replies: int) -> None:
    """The worker's body: import ahead, take the job and the IR, compile the rest, answer."""
    from nsc.nscc import StageTimes

    times = StageTimes()
    try:
        times.run("model", _import_ahead)
        job = _read_request(requests)
        if job is None:
            return  # the parent went on without us
        found, options = _found(job["found"]), _options(job["options"])
        model = times.run("model", _load_model, found, options.init)
        request = _read_request(requests)
        if request is None:
            return
        checked = request["checked"]
        args = (Path(job["source"]), _frontend(job["frontend"]), Path(job["output"]), found)
        _compile_rest(_compiled(request), lambda: checked, *args, options, times, model)
        reply = {"times": times.seconds, "warnings": times.warnings}
    except NscError as err:
        reply = {"error": error_record(err)}
    except BaseException as err:  # a bug: say so rather than die silently
        reply = {"error": {"message": f"nscc's worker failed: {type(err).__name__}: {err}"}}
    _write_all(replies, json.dumps(reply).encode())


def _import_ahead() -> None:
    """The modules the stages import, before the job arrives."""
    import nsc.backend.arrays  # noqa: F401
    import nsc.backend.normalize  # noqa: F401
    import nsc.backend.onnx_writer  # noqa: F401
    import nsc.ir.graph  # noqa: F401
    import nsc.ir.sampling  # noqa: F401
    import nsc.ir.sandbox_fork  # noqa: F401
    import nsc.nscc_backend  # noqa: F401
    from nsc.ir.jit import initialize
    from nsc.ir.passes.registry import load_pass

    initialize()
    for name in ("default", "canonicalize"):  # what -O2 and the canonicalize pass load
        load_pass(name)


def _load_model(found, init: str):
    from nsc.nscc_backend import load_model

    return load_model(found, init)


def _compile_rest(*args) -> None:
    from nsc.nscc_backend import compile_rest

    compile_rest(*args)


def _found(data: list) -> tuple[Path, Path | None]:
    return Path(data[0]), None if data[1] is None else Path(data[1])


def _options(data: dict):
    from nsc.nscc import CompileOptions

    emit = data.pop("emit_graph")
    return CompileOptions(**data, emit_graph=None if emit is None else Path(emit))


def _frontend(data: dict):
    from nsc.frontend import FrontendOptions

    lists = {k: tuple(data.pop(k)) for k in ("defines", "include_dirs", "inputs", "outputs")}
    ranges = {name: (float(lo), float(hi)) for name, (lo, hi) in data.pop("ranges").items()}
    return FrontendOptions(**data, **lists, ranges=ranges)


def _compiled(request: dict):
    from nsc.frontend import CompiledC
    from nsc.signature import Signature

    signature = Signature.from_json(request["signature"])
    return CompiledC(request["ir"], signature, request["filename"])


def _text(path: Path | None) -> str | None:
    return None if path is None else str(path)


def _decode(data: bytes) -> tuple[dict[str, float], list[str]]:
    try:
        reply = json.loads(data)
    except ValueError:
        raise NscError("nscc's worker died without an answer") from None
    if "error" in reply:
        raise error_from(json.dumps(reply["error"]).encode())
    times = {name: float(seconds) for name, seconds in reply["times"].items()}
    return times, [str(line) for line in reply["warnings"]]


def _read_request(fd: int) -> dict | None:
    """The next request, or None where the parent closed the pipe first."""
    header = _read_exactly(fd, _HEADER.size)
    if header is None:
        return None
    data = _read_exactly(fd, _HEADER.unpack(header)[0])
    return None if data is None else json.loads(data)


def _read_exactly(fd: int, size: int) -> bytes | None:
    chunks, left = [], size
    while left:
        chunk = os.read(fd, min(left, 1 << 16))
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _read_all(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 1 << 16):
        chunks.append(chunk)
    return b"".join(chunks)
