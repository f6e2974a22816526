"""The driver: runs nsc's stages in order. Each stage is a plain function of typed values."""

from __future__ import annotations

import sys
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from nsc.diagnostics import NscError
from nsc.fileio import atomic_savez, atomic_write_text, load_npz
from nsc.frontend import CompiledC, FrontendOptions, c_to_ir
from nsc.signature import Port, Signature


@dataclass(frozen=True)
class PassOptions:
    """Which passes run after the frontend, and how the pass manager reports on them."""

    pipeline: str = ""
    print_after_all: bool = False
    time_passes: bool = False
    verify_each: bool = False


def pipeline_for(opt_level: int, passes: str | None) -> str:
    """An explicit --passes pipeline wins over -O; -O0 runs nothing."""
    if passes:
        return passes
    return f"O{opt_level}" if opt_level > 0 else ""


def lower(source: Path, options: FrontendOptions, passes: PassOptions) -> CompiledC:
    """C source -> LLVM IR (optionally optimized) and the entry's signature."""
    if not source.is_file():
        raise NscError(f"{source}: no such file")
    compiled = c_to_ir(source, options)
    if not passes.pipeline:
        return compiled
    from nsc.ir.passes import run_passes

    result = run_passes(
        compiled.ir,
        passes.pipeline,
        print_after_all=sys.stderr if passes.print_after_all else None,
        time_passes=passes.time_passes,
        verify_each=passes.verify_each,
    )
    if passes.time_passes:
        print(result.timing_table(), file=sys.stderr)
    return replace(compiled, ir=result.module.text)


def write_text(path: Path | None, text: str) -> None:
    """Write to a file atomically, or to stdout when no path is given."""
    if path is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    else:
        atomic_write_text(path, text)


def save_arrays(path: Path, arrays: dict[str, np.ndarray]) -> None:
    if path.suffix != ".npz":
        raise NscError(f"{path}: outputs are written as .npz; name the file *.npz")
    atomic_savez(path, arrays)


def gather_inputs(
    signature: Signature,
    assignments: tuple[str, ...],
    inputs_file: Path | None,
    samples: int | None,
    seed: int,
) -> dict[str, np.ndarray]:
    """Inputs from exactly one source: NAME=VALUE pairs, an .npz file, or sampling."""
    given = [bool(assignments), inputs_file is not None, samples is not None]
    if sum(given) != 1:
        raise NscError("give the inputs one way: NAME=VALUE pairs, --inputs FILE, or --samples N")
    if samples is not None:
        from nsc.ir.sampling import sample_inputs

        return sample_inputs(signature, samples, seed)
    if inputs_file is not None:
        if not inputs_file.is_file():
            raise NscError(f"{inputs_file}: no such file")
        try:
            return load_npz(inputs_file)
        except ValueError as err:
            raise NscError(f"{inputs_file}: not a readable .npz file ({err})") from None
    return _parse_assignments(signature, assignments)


def _parse_assignments(signature: Signature, assignments: tuple[str, ...]) -> dict[str, np.ndarray]:
    values: dict[str, np.ndarray] = {}
    for item in assignments:
        name, sep, text = item.partition("=")
        if not sep:
            raise NscError(f"bad input {item!r}: expected NAME=VALUE")
        try:
            port = signature.input(name)
        except KeyError as err:
            raise NscError(str(err.args[0])) from None
        values[name] = _parse_value(port, text)
    missing = [p.name for p in signature.inputs if p.name not in values]
    if missing:
        raise NscError(f"missing inputs: {', '.join(missing)}")
    return values


def _parse_value(port: Port, text: str) -> np.ndarray:
    try:
        flat = np.array([float(v) for v in text.split(",")], dtype=np.float64)
    except ValueError:
        raise NscError(f"input {port.name}: {text!r} is not a number or list of numbers") from None
    if flat.size != port.size:
        shape = "x".join(map(str, port.shape)) or "scalar"
        raise NscError(f"input {port.name} takes {port.size} value(s) ({shape}), got {flat.size}")
    return flat.reshape((1, *port.shape)).astype(port.dtype)


def execute(compiled: CompiledC, inputs: dict[str, np.ndarray], *, fuel: int, timeout: float):
    """Run the oracle in a worker process, so nothing the program does can take nsc down."""
    from nsc.ir.oracle import run_isolated

    return run_isolated(compiled.ir, compiled.signature, inputs, fuel=fuel, timeout=timeout)


def status_summary(status: np.ndarray) -> str:
    from nsc.ir.oracle import Status

    counts = np.bincount(status.astype(np.int64), minlength=len(Status))
    parts = [
        f"{Status(code).name.lower().replace('_', ' ')}: {n}"
        for code, n in enumerate(counts)
        if code and n
    ]
    return ", ".join(parts)


def format_execution(signature: Signature, inputs: dict[str, np.ndarray], execution) -> str:
    """A readable listing of each row's outputs; for many rows, a short summary instead."""
    rows = len(execution.status)
    if rows > 8:
        lines = [f"{rows} rows"]
        for port in signature.outputs:
            column = execution.outputs[port.name]
            lines.append(
                f"{port.name}: mean {np.nanmean(column):.6g}, "
                f"min {np.nanmin(column):.6g}, max {np.nanmax(column):.6g}"
            )
        return "\n".join(lines)
    lines = []
    for row in range(rows):
        prefix = f"[{row}] " if rows > 1 else ""
        for port in signature.outputs:
            value = np.asarray(execution.outputs[port.name][row])
            shown = np.array2string(value, precision=9) if value.ndim else f"{value.item():.9g}"
            lines.append(f"{prefix}{port.name} = {shown}")
    return "\n".join(lines)


# --- nscc: C -> ONNX surrogate -------------------------------------------------------------------
# The compile path imports neither torch nor onnxruntime (torch only for --finetune): the
# hypernetwork runs in numpy (nsc.backend.npforward). Stages are plain functions; `compile_c`
# calls them in order and `StageTimes` records each one's wall time for `nscc -v`.

INITS = ("compiled", "random", "dataset", "meta")
BASELINE_SETS = {"dataset": "tailored", "meta": "meta"}  # --init -> set in baselines.safetensors
BASELINES_FILE = "baselines.safetensors"  # nsc.backend.model.BASELINES_FILE
MODELS_DIR = Path(__file__).resolve().parent / "backend" / "models"
DEFAULT_MODEL = "default"


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


class StageTimes:
    """Wall time per stage, in the order the stages ran."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    def run(self, name: str, function, *args, **kwargs):
        """Call one stage, adding its wall time under `name`."""
        import time

        start = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            self.add(name, time.perf_counter() - start)

    def add(self, name: str, seconds: float) -> None:
        self.seconds[name] = self.seconds.get(name, 0.0) + seconds

    def table(self) -> str:
        rows = [f"nscc: {name:<12} {1e3 * s:8.1f} ms" for name, s in self.seconds.items()]
        return "\n".join([*rows, f"nscc: {'total':<12} {1e3 * sum(self.seconds.values()):8.1f} ms"])


def compile_c(
    source: Path,
    output: Path,
    frontend: FrontendOptions,
    options: CompileOptions,
    times: StageTimes | None = None,
) -> None:
    """`nscc source -o output`: every stage, in order, then one atomic write.

    Calibration runs the oracle in a worker process; it starts right after the frontend and
    runs beside the passes, graph and hypernetwork, so `times` shows only the wait for it.
    """
    t = times or StageTimes()
    check_compile_options(options, source, output)
    found = find_model(options.model, options.init)
    compiled = t.run("frontend", c_to_ir, source, replace(frontend, instrument=False))
    pending = start_calibration(source, frontend, compiled.signature, options)
    model = t.run("model", load_model, found, options.init)
    ir = t.run("passes", graph_passes, compiled, options.pipeline)
    graph = t.run("graph", program_graph, ir, compiled.signature, options.emit_graph)
    arrays = t.run("tensors", encode_program, graph, model, compiled.signature)
    params = t.run("hypernetwork", emit_weights, model, arrays, options.init, options.seed)
    norm, samples = t.run("calibration", pending.result)
    params, tuned = t.run(
        "fine-tuning", finetune, source, frontend, compiled.signature, params, norm, model, options
    )
    meta = surrogate_metadata(source, model, options, samples, tuned)
    t.run("onnx write", write_surrogate, output, compiled.signature, params, model, norm, meta)


def check_compile_options(options: CompileOptions, source: Path, output: Path) -> None:
    """Fail before any work on what the user can fix at once."""
    if not source.is_file():
        raise NscError(f"{source}: no such file")
    if not output.parent.resolve().is_dir():
        raise NscError(f"{output}: the folder {output.parent} does not exist")
    if options.init not in INITS:
        raise NscError(f"unknown --init {options.init!r} (use one of: {', '.join(INITS)})")
    if options.calibrate < 0 or options.finetune < 0:
        raise NscError("--calibrate and --finetune take a number of samples, 0 or more")
    if options.finetune == 1:
        raise NscError("--finetune needs at least 2 samples (one is held out for validation)")
    if options.emit_graph is not None:
        graph_format(options.emit_graph)


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
    path = model_path(name)
    if not path.exists():
        raise NscError(
            f"no hypernetwork model at {path}",
            hints=("pass --model PATH (a model folder or a .safetensors file)",),
        )
    if init not in BASELINE_SETS:
        return path, None
    baselines = (path if path.is_dir() else path.parent) / BASELINES_FILE
    if not baselines.is_file():
        raise NscError(
            f"--init {init}: the baselines file {baselines} is missing",
            hints=("train the baselines beside the model, or use --init compiled or random",),
        )
    return path, baselines


def load_model(found: tuple[Path, Path | None], init: str):
    """The numpy hypernetwork; for a baseline init, with that baseline's bases."""
    from nsc.backend.npforward import load_hypernet, with_bases

    path, baselines = found
    model = load_hypernet(path)
    if baselines is None:
        return model
    return with_bases(model, baselines, BASELINE_SETS[init])


def graph_passes(compiled: CompiledC, pipeline: str) -> str:
    """The passes the corpus ran before building its graphs: `pipeline`, then canonicalize."""
    from nsc.ir.passes import run_passes

    full = ",".join(filter(None, [pipeline, f"canonicalize{{entry={compiled.signature.entry}}}"]))
    return run_passes(compiled.ir, full).module.text


def program_graph(ir: str, signature: Signature, emit: Path | None):
    """The program graph the hypernetwork reads; also written to `emit` when asked."""
    from nsc.ir.graph import build_graph, write_graph

    graph = build_graph(ir, signature)
    if emit is not None:
        write_graph(graph, emit, graph_format(emit))
    return graph


def graph_format(path: Path) -> str:
    fmt = path.suffix.lstrip(".")
    if fmt not in ("dot", "json", "graphml"):
        raise NscError(f"{path}: graph files end in .dot, .json or .graphml")
    return fmt


def encode_program(graph, model, signature: Signature):
    from nsc.backend.arrays import program_tensors

    return program_tensors(graph, model.vocab, signature, fusion_dim=model.fusion_dim)


def emit_weights(model, arrays, init: str, seed: int):
    """Surrogate weights: the hypernetwork's, a baseline's (bases alone), or a random init."""
    from nsc.backend.npforward import emit, random_init

    if init == "random":
        return random_init(model.hidden, arrays.inputs.width, arrays.outputs.width, seed)
    return emit(model, arrays, modulate=init == "compiled")  # baselines: their bases alone


def oracle_samples(
    source: Path,
    frontend: FrontendOptions,
    signature: Signature,
    n: int,
    seed: int,
    options: CompileOptions,
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """`n` inputs sampled from the ranges and the oracle's outputs, rows that failed dropped."""
    from nsc.ir.oracle import run_isolated
    from nsc.ir.sampling import sample_inputs

    checked = c_to_ir(source, replace(frontend, instrument=True))
    inputs = sample_inputs(signature, n, seed)
    run = run_isolated(checked.ir, signature, inputs, fuel=options.fuel, timeout=options.timeout)
    ok = run.status == 0
    if not ok.any():
        raise NscError(
            f"the oracle finished none of the {n} sampled inputs ({status_summary(run.status)})",
            hints=("check the input ranges (--range NAME=LO:HI)",),
        )
    keep = lambda arrays: {k: np.asarray(v)[ok] for k, v in arrays.items()}  # noqa: E731
    return keep(inputs), keep(run.outputs)


class Calibration:
    """Output normalization from `options.calibrate` oracle runs, computed in a thread.

    With `--calibrate 0` nothing runs: outputs keep centre 0 and scale 1, so the surrogate's
    standardized outputs come out unscaled (and metadata records 0 calibration samples).
    """

    def __init__(
        self, source: Path, frontend: FrontendOptions, signature: Signature, options: CompileOptions
    ):
        import threading

        self._args = (source, frontend, signature, options)
        self._value = None
        self._error: BaseException | None = None
        self._thread = None
        if options.calibrate > 0:
            self._thread = threading.Thread(target=self._run, daemon=True, name="calibration")
            self._thread.start()

    def _run(self) -> None:
        try:
            self._value = calibrate(*self._args)
        except BaseException as err:  # handed to the caller by `result`
            self._error = err

    def result(self):
        """(Normalization, samples used), waiting for the oracle if it is still running."""
        if self._thread is None:
            return calibrate(*self._args)
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._value


def start_calibration(
    source: Path, frontend: FrontendOptions, signature: Signature, options: CompileOptions
) -> Calibration:
    return Calibration(source, frontend, signature, options)


def calibrate(
    source: Path, frontend: FrontendOptions, signature: Signature, options: CompileOptions
):
    """Output centre and scale from `options.calibrate` oracle runs (0: centre 0, scale 1)."""
    from nsc.backend.normalize import Normalization

    if options.calibrate == 0:
        return Normalization.uncalibrated(signature), 0
    _, outputs = oracle_samples(
        source, frontend, signature, options.calibrate, options.seed, options
    )
    return Normalization.from_calibration(signature, outputs), options.calibrate


def finetune(
    source: Path,
    frontend: FrontendOptions,
    signature: Signature,
    params,
    norm,
    model,
    options: CompileOptions,
):
    """Fit the weights to `options.finetune` fresh oracle samples (imports torch); else as is."""
    if options.finetune == 0:
        return params, None
    from nsc.backend.surrogate import MLPFamily, Normalization
    from nsc.runtime.finetune import finetune as fit
    from nsc.runtime.surrogate import ArrayParams

    inputs, outputs = oracle_samples(
        source, frontend, signature, options.finetune, options.seed + 1, options
    )
    torch_norm = Normalization(norm.in_low, norm.in_high, norm.out_center, norm.out_scale)
    result = fit(
        ArrayParams(params.weights, params.biases),
        inputs,
        outputs,
        signature=signature,
        family=MLPFamily(model.hidden, model.activation),
        normalization=torch_norm,
        seed=options.seed,
    )
    return result.params, result


def surrogate_metadata(source: Path, model, options: CompileOptions, samples: int, tuned):
    """Provenance for the ONNX file: source hash, model, init and sample counts."""
    import json

    from nsc.backend.onnx_writer import SurrogateMetadata, source_sha256

    extra = {"nsc.init": options.init, "nsc.passes": options.pipeline}
    if tuned is not None:
        from nsc.runtime.finetune import PAPER_LR

        extra["nsc.finetune"] = json.dumps([tuned.record(PAPER_LR, "oracle")])
    return SurrogateMetadata(
        source_sha256=source_sha256(source),
        model_id=model.model_id,
        calibration_samples=samples,
        finetune_samples=0 if tuned is None else tuned.samples,
        extra=extra,
    )


def write_surrogate(output: Path, signature: Signature, params, model, norm, meta) -> None:
    from nsc.backend.onnx_writer import write_onnx

    try:  # the model has the family's `hidden` and `activation`
        write_onnx(output, signature, params, model, norm, meta)
    except OSError as err:
        raise NscError(f"{output}: cannot write it ({err.strerror or err})") from None


def run_pipeline(ir: str, pipeline: str) -> str:
    """The IR after `pipeline` (unchanged for an empty one)."""
    if not pipeline:
        return ir
    from nsc.ir.passes import run_passes

    return run_passes(ir, pipeline).module.text
