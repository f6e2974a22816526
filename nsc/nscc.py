"""nscc: C -> ONNX surrogate. `compile_c` runs the stages; `StageTimes` times them for `nscc -v`.

Where the work runs. A forked worker (`nsc.nscc_worker`, which the `nscc` program starts first
thing) imports numpy, the pass manager, the graph builder and the hypernetwork and loads the
model, while this process runs the frontend, which needs none of them. The worker then takes the
IR from a pipe and does the rest (`nsc.nscc_backend.compile_rest`: calibration in a fork of its
own, passes, program graph, encoding, hypernetwork, the ONNX write); this process waits and
prints the times, and never imports numpy. Where it may not fork (another thread running, not Linux), for
`--finetune` (torch), or with `CompileOptions(fork_workers=False)`, `compile_rest` runs here.

The compile path imports neither torch nor onnxruntime (torch only for --finetune), nor networkx
or onnx: the hypernetwork runs in numpy (nsc.backend.npforward) on the program graph as lists
(nsc.ir.graph.program_graph), and the ONNX file is encoded without the onnx package
(nsc.backend.onnx_wire). This module imports nothing heavy.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

from nsc.diagnostics import NscError, require_file
from nsc.frontend import FrontendOptions, lower_parsed, parse_c
from nsc.ir.forking import can_fork

INITS = ("compiled", "random", "dataset", "meta")
BASELINE_SETS = {"dataset": "tailored", "meta": "meta"}  # --init -> set in baselines.safetensors
BASELINES_FILE = "baselines.safetensors"  # nsc.backend.model.BASELINES_FILE
MODELS_DIR = Path(__file__).resolve().parent / "backend" / "models"
DEFAULT_MODEL = "default"
FUSED_MODEL = "fused"  # the shipped model trained with fusion features (`nscc --fusion`)
GRAPH_FORMATS = ("dot", "json", "graphml")
# A training run's folder (`nsc train --out RUN`) stands for its best checkpoint, else its last
RUN_CHECKPOINTS = ("best.safetensors", "last.safetensors")  # nsc.backend.train.BEST, LAST
MODEL_CONFIG = "config.json"  # what marks a model folder (nsc.backend.npforward.CONFIG_FILE)
SHIPPED_FILE = "default.safetensors"  # a folder holding it is read as that file (npforward)
# The most --calibrate rows: each costs an oracle run and a row of every input and output, and
# the scaling is settled long before (100M rows took 67 s and 8.4 GB).
MAX_CALIBRATE = 1_000_000


def pipeline_for(opt_level: int, passes: str | None) -> str:
    """An explicit --passes pipeline wins over -O's default (the CLI refuses both given);
    -O0 runs nothing."""
    if passes:
        return passes
    return f"O{opt_level}" if opt_level > 0 else ""


@dataclass(frozen=True)
class CompileOptions:
    """What `nscc` does after the frontend: passes, model, calibration, fine-tuning, outputs."""

    pipeline: str = "O2"  # the corpus default (nsc.data.ingest.DatasetConfig.pipeline)
    model: str = DEFAULT_MODEL
    calibrate: int = 256
    finetune: int = 0
    init: str = "compiled"
    seed: int = 0
    fuel: int = 1_000_000
    timeout: float = 60.0
    emit_graph: Path | None = None
    # The calibration JIT's -O level. For a few hundred rows -O0 is quicker in total: LLVM's -O2
    # compiles 4-15x longer (70-340 ms on the examples), more than the rows take at -O0.
    jit_opt_level: int = 0
    # Work in forked workers where this process may fork; False: everything after the frontend
    # runs here and calibration spawns a fresh interpreter (slower, the same results).
    fork_workers: bool = True
    # The hypernetwork reads what each instruction computed on the calibration rows (a model
    # trained with `nsc train --fusion`; such a model turns it on by itself).
    fusion: bool = False


class StageTimes:
    """Wall time per stage, in the order the stages were recorded, and the warnings the stages
    met. Stages merged from the worker are marked `*`: they ran there, beside this process, and
    `total` leaves them out."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.elsewhere: set[str] = set()
        self.warnings: list[str] = []  # for the user, once the stages are done

    def run(self, name: str, function, *args, **kwargs):
        """Call one stage, adding its wall time under `name`."""
        start = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            self.add(name, time.perf_counter() - start)

    def add(self, name: str, seconds: float) -> None:
        self.seconds[name] = self.seconds.get(name, 0.0) + seconds

    def merge(self, seconds: dict[str, float]) -> None:
        """Add the stage times the worker measured (left out of the total)."""
        for name, value in seconds.items():
            self.add(name, value)
            self.elsewhere.add(name)

    def table(self) -> str:
        rows = [
            f"nscc: {name + ('*' if name in self.elsewhere else ''):<12} {1e3 * s:8.1f} ms"
            for name, s in self.seconds.items()
        ]
        own = sum(s for name, s in self.seconds.items() if name not in self.elsewhere)
        rows.append(f"nscc: {'total':<12} {1e3 * own:8.1f} ms")
        if self.elsewhere:
            rows.append("nscc: * in the worker, beside this process; not in the total")
        return "\n".join(rows)


def compile_c(
    source: Path,
    output: Path,
    frontend: FrontendOptions,
    options: CompileOptions,
    times: StageTimes | None = None,
) -> None:
    """`nscc source -o output`: every stage, then one atomic write (see the module docstring)."""
    t = times or StageTimes()
    check_compile_options(options, source, output)
    found = find_model(options.model, options.init)
    if options.fork_workers and options.finetune == 0 and can_fork():
        _compile_with_worker(source, output, frontend, options, found, t)
        return
    from nsc.nscc_backend import compile_rest

    parsed, compiled = t.run("frontend", frontend_stage, source, frontend)
    checked = lambda: lower_parsed(parsed, instrument=True).ir  # noqa: E731  (in its worker)
    compile_rest(compiled, checked, source, frontend, output, found, options, t)


def _compile_with_worker(
    source: Path,
    output: Path,
    frontend: FrontendOptions,
    options: CompileOptions,
    found: tuple[Path, Path | None],
    t: StageTimes,
) -> None:
    """The frontend here, everything else in a forked worker (started first thing by `nscc`)."""
    from nsc.nscc_worker import ForkedCompile, take_prestarted

    worker = take_prestarted() or ForkedCompile()
    try:
        worker.job(source, output, frontend, found, options)
        parsed, compiled = t.run("frontend", frontend_stage, source, frontend)
        checked = None
        if options.calibrate > 0:  # the oracle's IR, with its checks
            checked = t.run("frontend", lambda: lower_parsed(parsed, instrument=True).ir)
        worker.send(compiled, checked)
        times, warnings = t.run("worker", worker.result)
        t.merge(times)
        t.warnings.extend(warnings)
    finally:
        worker.cancel()


def frontend_stage(source: Path, frontend: FrontendOptions):
    """The parsed program (lowered again, instrumented, for calibration) and its clean IR.

    cpp starts first and runs while the frontend's modules are imported (which takes longer).
    """
    from nsc.frontend.preprocess import decode_source, discard_started, start_preprocess

    try:
        text = decode_source(source.read_bytes(), str(source))
        start_preprocess(
            text, str(source), frontend.defines, frontend.include_dirs, quote_dir=frontend.quote_dir
        )
    except (OSError, NscError):
        pass  # parse_c reports it
    try:
        # calibration and the surrogate sample the inputs: an entry without any is an error
        parsed = parse_c(source, replace(frontend, instrument=False, require_inputs=True))
    finally:
        discard_started()
    compiled = lower_parsed(parsed, instrument=False)
    for warning in compiled.warnings:
        print(warning.render(), file=sys.stderr)
    return parsed, compiled


def check_compile_options(options: CompileOptions, source: Path, output: Path) -> None:
    """Fail before any work on what the user can fix at once."""
    require_file(source)
    if not output.parent.resolve().is_dir():
        raise NscError(f"{output}: the folder {output.parent} does not exist")
    if options.init not in INITS:
        raise NscError(f"unknown --init {options.init!r} (use one of: {', '.join(INITS)})")
    if options.calibrate < 0 or options.finetune < 0:
        raise NscError("--calibrate and --finetune take a number of samples, 0 or more")
    if options.calibrate > MAX_CALIBRATE:
        raise NscError(
            f"--calibrate {options.calibrate}: at most {MAX_CALIBRATE:,} rows",
            hints=("a few hundred rows set the output scaling (the default is 256)",),
        )
    if options.finetune == 1:
        raise NscError("--finetune needs at least 2 samples (one is held out for validation)")
    if options.finetune and not 0 <= options.seed < 2**63:  # torch's generator: signed 64-bit
        raise NscError(f"with --finetune, the seed must be in [0, 2**63), not {options.seed}")
    if options.emit_graph is not None:
        graph_format(options.emit_graph)


def graph_format(path: Path) -> str:
    fmt = path.suffix.lstrip(".").lower()
    if fmt not in GRAPH_FORMATS:
        raise NscError(f"{path}: graph files end in .dot, .json or .graphml")
    return fmt


def model_path(name: str) -> Path:
    """A model given as a path (folder or .safetensors file) or by name under models/."""
    given = Path(name)
    if given.exists() or given.suffix == ".safetensors" or "/" in name:
        return given
    for candidate in (MODELS_DIR / f"{name}.safetensors", MODELS_DIR / name):
        if candidate.exists():
            return candidate
    return MODELS_DIR / f"{name}.safetensors"


def find_model(name: str, init: str) -> tuple[Path, Path | None]:
    """The model file or folder, and for `--init dataset|meta` the baselines file beside it."""
    if not name.strip():
        raise NscError(
            "--model is empty",
            hints=("give a model name (default, fused), a model folder or a .safetensors file",),
        )
    path = model_path(name)
    if not path.exists():
        raise NscError(
            f"no hypernetwork model at {path}",
            hints=("pass --model PATH (a model folder or a .safetensors file)",),
        )
    path = run_checkpoint(path)
    if init not in BASELINE_SETS:
        return path, None
    baselines = (path if path.is_dir() else path.parent) / BASELINES_FILE
    if not baselines.is_file():
        raise NscError(
            f"--init {init}: the baselines file {baselines} is missing",
            hints=("train the baselines beside the model, or use --init compiled or random",),
        )
    return path, baselines


def run_checkpoint(path: Path) -> Path:
    """A training run's folder -> its best checkpoint, else its last; any other path as given."""
    if not path.is_dir() or (path / MODEL_CONFIG).exists() or (path / SHIPPED_FILE).is_file():
        return path
    for name in RUN_CHECKPOINTS:
        if (path / name).is_file():
            return path / name
    raise NscError(
        f"{path}: neither a model folder ({MODEL_CONFIG}, ...) nor a training run "
        f"({' or '.join(RUN_CHECKPOINTS)})",
        hints=("pass --model a model name, a model folder, a run folder or a .safetensors file",),
    )
