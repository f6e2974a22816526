"""nscc after the frontend: calibration, passes, program graph, encoding, hypernetwork, ONNX write.

`compile_rest` runs these stages in the process it is called in: nscc's forked worker
(`nsc.nscc_worker`), or nscc itself where it does not fork. Calibration runs the oracle in a
worker of its own (a fork where allowed, see `nsc.ir.sandbox`), started first, beside the rest.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np

from nsc.diagnostics import NscError
from nsc.frontend import CompiledC, FrontendOptions, c_to_ir
from nsc.nscc import BASELINE_SETS, CompileOptions, StageTimes, graph_format
from nsc.signature import Signature


def compile_rest(
    compiled: CompiledC,
    make_checked_ir: Callable[[], str],
    source: Path,
    frontend: FrontendOptions,
    output: Path,
    found: tuple[Path, Path | None],
    options: CompileOptions,
    t: StageTimes,
    model=None,
) -> None:
    """Every stage after the frontend, in order (`model`: already loaded), then the write.

    `make_checked_ir` gives the IR with the oracle's checks (in the calibration worker, if forked).
    """
    signature = compiled.signature
    pending = Calibration(make_checked_ir, signature, options)
    try:
        if model is None:
            model = t.run("model", load_model, found, options.init)
        fused = reads_observations(model, options)
        ir = t.run("passes", graph_passes, compiled, options.pipeline)
        graph = t.run("graph", program_graph, ir, signature, None)
        never_returns(graph, signature, pending, t.warnings)
        observed = None
        if fused:  # the hypernetwork waits for the calibration rows, then sees them run
            norm, samples = t.run("calibration", pending.result, t.warnings)
            observed = t.run("observation", observe_rows, ir, signature, graph, pending.finished)
        arrays = t.run("tensors", encode_program, graph, model, signature, observed)
        params = t.run("hypernetwork", emit_weights, model, arrays, options.init, options.seed)
        if not fused:
            norm, samples = t.run("calibration", pending.result, t.warnings)
    finally:
        pending.cancel()
    params, tuned = t.run(
        "fine-tuning",
        finetune,
        source,
        frontend,
        signature,
        params,
        norm,
        model,
        options,
        t.warnings,
    )
    meta = surrogate_metadata(source, model, options, samples, tuned)
    t.run("onnx write", write_surrogate, output, signature, params, model, norm, meta)
    if options.emit_graph is not None:  # only once the compile has succeeded
        t.run("graph write", write_program_graph, graph, options.emit_graph)


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
    from nsc.ir.graph import program_graph as build

    graph = build(ir, signature)
    if emit is not None:
        write_program_graph(graph, emit)
    return graph


def write_program_graph(graph, path: Path) -> None:
    """Write the program graph to `path`, in the format its suffix names."""
    from nsc.ir.graph import write_graph

    write_graph(graph, path, graph_format(path))


def reads_observations(model, options: CompileOptions) -> bool:
    """Whether the hypernetwork reads fusion features (`--fusion`, or a model trained with them);
    an error where they cannot be had or the model cannot read them."""
    if options.fusion and not model.fusion_dim:
        raise NscError(
            f"--fusion: the model {model.model_id} was trained without fusion features",
            hints=(
                "use the shipped `fused` model (the default with --fusion) or one trained "
                "with `nsc train --fusion`",
            ),
        )
    if not model.fusion_dim or options.init != "compiled":
        return False  # the baselines and random inits ignore the program
    if options.calibrate == 0:
        raise NscError(
            f"the model {model.model_id} reads values observed on the calibration inputs; "
            "--calibrate 0 runs none",
            hints=("give --calibrate a positive number, or use a model without fusion",),
        )
    return True


def never_returns(graph, signature: Signature, pending: Calibration, warnings) -> None:
    """Refuse an entry whose optimized IR produces an output nowhere (it loops forever or ends
    the program on every path), after the calibration runs, whose finding says more."""
    from nsc.backend.arrays import uncarried_ports

    missing = uncarried_ports(graph, signature.outputs)
    if not missing:
        return
    pending.result(warnings)  # an oracle that finished no row says why
    raise NscError(
        f"{signature.entry!r} never produces {', '.join(map(repr, missing))}: after "
        "optimization no path through it returns (every path loops forever or ends the program)",
        hints=("`nsc exec` runs the program and reports how each input's run ended",),
    )


def observe_rows(ir: str, signature: Signature, graph, inputs: dict[str, np.ndarray]):
    """Fusion features: what each instruction of `ir` computed on the finished calibration rows
    (the clean IR runs here; those rows finished under the oracle's checks)."""
    from nsc.ir.observe import observe_graph

    return observe_graph(ir, signature, inputs, graph)


def encode_program(graph, model, signature: Signature, fusion=None):
    """The hypernetwork's input arrays (`fusion`: features per graph node, or None)."""
    from nsc.backend.arrays import program_tensors

    return program_tensors(
        graph, model.vocab, signature, fusion=fusion, fusion_dim=model.fusion_dim
    )


def emit_weights(model, arrays, init: str, seed: int):
    """Surrogate weights: the hypernetwork's, a baseline's (bases alone), or a random init."""
    from nsc.backend.npforward import emit, random_init

    if init == "random":
        return random_init(model.hidden, arrays.inputs.width, arrays.outputs.width, seed)
    return emit(model, arrays, modulate=init == "compiled")  # baselines: their bases alone


class Calibration:
    """Output normalization from `options.calibrate` oracle runs, computed in a worker process.

    The worker makes the IR with the oracle's checks (`make_checked_ir`) and runs it on inputs
    sampled here, while this process goes on compiling. With `--calibrate 0` nothing runs:
    outputs keep centre 0 and scale 1, so the surrogate's standardized outputs come out unscaled
    (and metadata records 0 calibration samples).
    """

    def __init__(
        self, make_checked_ir: Callable[[], str], signature: Signature, options: CompileOptions
    ):
        self._signature, self._n = signature, options.calibrate
        self._pending = None
        self.finished: dict[str, np.ndarray] = {}  # the inputs of the rows the oracle finished
        if self._n > 0:
            from nsc.ir.sampling import sample_inputs
            from nsc.ir.sandbox import start_in_worker
            from nsc.readback import Probe

            self._inputs = sample_inputs(signature, self._n, options.seed)
            self._probe = Probe.plan(signature, self._n)  # do outputs' initial contents matter?
            probe = self._probe
            self._pending = start_in_worker(
                make_checked_ir,
                probe.signature if probe else signature,
                probe.inputs(self._inputs) if probe else self._inputs,
                fuel=options.fuel,
                timeout=options.timeout,
                opt_level=options.jit_opt_level,
                method=None if options.fork_workers else "spawn",
            )

    def result(self, warnings: list[str]):
        """(Normalization, samples used), waiting for the oracle if it is still running; a
        warning added to `warnings` if some rows did not finish."""
        from nsc.backend.normalize import Normalization

        if self._pending is None:
            return Normalization.uncalibrated(self._signature), 0
        run = self._pending.result()
        if self._probe is not None:
            warnings += self._probe.findings(run.outputs, run.status)
            run = self._probe.calibration(run)
        self.finished, outputs = finished_rows(self._inputs, run, "calibration", warnings)
        return Normalization.from_calibration(self._signature, outputs), self._n

    def cancel(self) -> None:
        """Stop the worker if it still runs (after `result`, nothing is left to stop)."""
        if self._pending is not None:
            self._pending.cancel()


def finished_rows(
    inputs: dict[str, np.ndarray], run, purpose: str, warnings: list[str]
) -> tuple[dict, dict]:
    """The inputs and outputs of the rows the oracle finished; an error if it finished none,
    a warning added to `warnings` if it did not finish them all (`purpose` names the rows)."""
    from nsc.pipeline import status_summary

    ok = run.status == 0
    if not ok.any():
        raise NscError(
            f"the oracle finished none of the {len(ok)} sampled inputs "
            f"({status_summary(run.status)})",
            hints=("check the input ranges (--range NAME=LO:HI)",),
        )
    if not ok.all():
        warnings.append(
            f"nscc: warning: {int((~ok).sum())} of {len(ok)} {purpose} rows did not finish "
            f"({status_summary(run.status)}); the surrogate learns from the others only, and "
            "inputs like theirs are outside what it saw (narrow them with --range NAME=LO:HI)"
        )
    keep = lambda arrays: {k: np.asarray(v)[ok] for k, v in arrays.items()}  # noqa: E731
    return keep(inputs), keep(run.outputs)


def oracle_samples(
    source: Path,
    frontend: FrontendOptions,
    signature: Signature,
    n: int,
    seed: int,
    options: CompileOptions,
    warnings: list[str],
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """`n` inputs sampled from the ranges and the oracle's outputs, rows that failed dropped
    (and a warning added to `warnings` if there were any)."""
    from dataclasses import replace

    from nsc.ir.oracle import run_isolated
    from nsc.ir.sampling import sample_inputs

    checked = c_to_ir(source, replace(frontend, instrument=True))
    inputs = sample_inputs(signature, n, seed)
    run = run_isolated(checked.ir, signature, inputs, fuel=options.fuel, timeout=options.timeout)
    return finished_rows(inputs, run, "fine-tuning", warnings)


def finetune(
    source: Path,
    frontend: FrontendOptions,
    signature: Signature,
    params,
    norm,
    model,
    options: CompileOptions,
    warnings: list[str],
):
    """Fit the weights to `options.finetune` fresh oracle samples (imports torch); else as is."""
    if options.finetune == 0:
        return params, None
    from nsc.backend.surrogate import MLPFamily, Normalization
    from nsc.runtime.finetune import finetune as fit
    from nsc.runtime.surrogate import ArrayParams

    inputs, outputs = oracle_samples(
        source, frontend, signature, options.finetune, options.seed + 1, options, warnings
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
    from nsc.backend.onnx_writer import SurrogateMetadata, source_sha256

    extra = {"nsc.init": options.init, "nsc.passes": options.pipeline}
    if model.fusion_dim and options.init == "compiled":
        extra["nsc.fusion"] = f"observed on {samples} calibration inputs"
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
