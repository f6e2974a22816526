"""The `nsc` and `nscc` command lines: thin wrappers that parse options and call the pipeline.

Each module registers its commands on the `nsc` group, which imports them when first needed
(`nsc.cli.common.load_commands`); click lives in this package only.
"""

from __future__ import annotations

import gc
import os
import sys
from typing import NoReturn

__all__ = ["main", "nscc_main"]


def __getattr__(name: str):
    """`main` (the click group) is imported when asked for, so `nscc` can fork its worker before
    it imports click (see `nscc_main`)."""
    if name == "main":
        try:
            from nsc.cli.common import main
        except KeyboardInterrupt:  # Ctrl-C while click and the CLI are imported
            _interrupted()
        return main
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def nscc_main() -> None:
    """The `nscc` program: `nsc compile`, with its worker forked first thing, in a process that
    never collects garbage and ends without tearing the interpreter down.

    The worker (`nsc.nscc_worker`) imports numpy and the backend while this process imports
    click and runs the frontend; it uses one BLAS thread (the matrices are small). One compile
    lives for half a second: the cycle collector would spend ~50 ms walking the objects of the
    modules being imported (and, in the forked workers, copy the memory pages it touches), and
    freeing every module's objects at exit costs 50-100 ms more. Nothing needs either: the output
    is written atomically and closed, and the workers are reaped, before `compile` returns. So
    the streams are flushed and the process ends at once.
    """
    gc.disable()
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # read when the worker imports numpy
    try:
        from nsc.nscc_worker import prestart

        prestart()
        from nsc.cli.compiler import compile_command  # registers `compile`, and nothing else

        # the command itself, so that usage and errors read `nscc [OPTIONS] SOURCES...`
        compile_command.main(sys.argv[1:], prog_name="nscc")
        code = 0
    except SystemExit as exit:
        code = _exit_code(exit.code)
    except KeyboardInterrupt:  # Ctrl-C before `main` took over (imports, the fork)
        print("nsc: interrupted", file=sys.stderr)
        code = 130
    worker = sys.modules.get("nsc.nscc_worker")
    if worker is not None:
        worker.discard_prestarted()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)


def _interrupted() -> NoReturn:
    print("nsc: interrupted", file=sys.stderr)
    sys.exit(130)


def _exit_code(code: object) -> int:
    if code is None or isinstance(code, int):
        return code or 0
    print(code, file=sys.stderr)  # sys.exit("message") prints the message and exits with 1
    return 1


if __name__ == "__main__":
    from nsc.cli.common import main

    main()
