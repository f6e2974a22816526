"""Fine-tune a surrogate's weights on input/output examples with Adam and early stopping.

The loss is the MSE in the standardized output space (the space the MLP predicts in), so every
output scalar counts alike whatever its units. A seeded random `val_fraction` of the examples is
held out; training stops after `patience` epochs without a better validation loss, and the weights
of the best epoch are kept. Epoch 0 is the starting point, so fine-tuning never returns weights
that validate worse than the ones it was given. Rows with a non-finite input or output are dropped.
Training runs in float32: a finite value beyond it (as given or normalized), or a starting loss
beyond it, is an error, not a run that changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from nsc.backend.onnx_writer import write_onnx
from nsc.diagnostics import NscError
from nsc.runtime.surrogate import ArrayParams, Surrogate
from nsc.signature import Signature

if TYPE_CHECKING:
    from nsc.backend.surrogate import MLPFamily, Normalization, SurrogateParams

PAPER_LR = 0.012  # Adam's learning rate in Weber et al. (ICML 2024)
FLOAT32_MAX = float(np.finfo(np.float32).max)
ADAM_BETA1 = 0.9  # torch's default: Adam's first step is lr / (1 - beta1), applied in float32


@dataclass(frozen=True)
class EpochLoss:
    epoch: int  # 0 = before any step
    train: float
    val: float  # NaN without a validation split


@dataclass(frozen=True)
class FinetuneResult:
    """The best-validation weights, the loss history, and the rows used."""

    params: SurrogateParams
    history: list[EpochLoss]
    best_epoch: int
    best_val_loss: float
    train_rows: int
    val_rows: int
    dropped_rows: int

    @property
    def samples(self) -> int:
        return self.train_rows + self.val_rows

    def record(self, lr: float, origin: str) -> dict[str, Any]:
        """What the ONNX metadata keeps of this run (`nsc.finetune`)."""
        return {
            "samples": self.samples,
            "epochs": self.history[-1].epoch,
            "best_epoch": self.best_epoch,
            "val_loss": None if np.isnan(self.best_val_loss) else self.best_val_loss,
            "lr": lr,
            "data": origin,
        }


def finetune(
    start: Surrogate | SurrogateParams | ArrayParams,
    train_inputs: Mapping[str, np.ndarray],
    train_outputs: Mapping[str, np.ndarray],
    *,
    signature: Signature | None = None,
    family: MLPFamily | None = None,
    normalization: Normalization | None = None,
    epochs: int = 200,
    lr: float = PAPER_LR,
    val_fraction: float = 0.2,
    patience: int = 20,
    batch_size: int = 32,
    seed: int = 0,
) -> FinetuneResult:
    """Fit the weights of `start` to examples keyed by port name (`[rows, *shape]` each).

    A `Surrogate` brings its signature, family and normalization; bare params need all three.
    Runs torch on one thread (restored after): for MLPs this small, more threads only wait.
    """
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return _finetune(
            start,
            train_inputs,
            train_outputs,
            signature,
            family,
            normalization,
            epochs=epochs,
            lr=lr,
            val_fraction=val_fraction,
            patience=patience,
            batch_size=batch_size,
            seed=seed,
        )
    finally:
        torch.set_num_threads(threads)


def _finetune(
    start,
    train_inputs,
    train_outputs,
    signature,
    family,
    normalization,
    *,
    epochs: int,
    lr: float,
    val_fraction: float,
    patience: int,
    batch_size: int,
    seed: int,
) -> FinetuneResult:
    import torch

    params, signature, family, normalization = _resolve(start, signature, family, normalization)
    check_settings(epochs, lr, val_fraction, patience, batch_size, seed)
    x, y, keep = _standardized(signature, normalization, train_inputs, train_outputs)
    x, y = x[keep], y[keep]
    if len(x) == 0:
        raise NscError("no usable example: every row has a non-finite input or output")
    gen = torch.Generator().manual_seed(seed)
    order = torch.randperm(len(x), generator=gen).numpy()
    n_val = _val_rows(len(x), val_fraction)
    val, train = order[:n_val], order[n_val:]
    as_tensor = lambda a: torch.tensor(a, dtype=torch.float32)  # noqa: E731
    xt, yt, xv, yv = as_tensor(x[train]), as_tensor(y[train]), as_tensor(x[val]), as_tensor(y[val])

    def loss_of(p: SurrogateParams, inputs: torch.Tensor, targets: torch.Tensor) -> float:
        if len(inputs) == 0:
            return float("nan")
        with torch.no_grad():
            return float(torch.mean((family.forward(p, inputs) - targets) ** 2))

    def score(p: SurrogateParams) -> EpochLoss:
        return EpochLoss(len(history), loss_of(p, xt, yt), loss_of(p, xv, yv))

    params = params.detached()
    optimizer = torch.optim.Adam(params.tensors(), lr=lr)
    history: list[EpochLoss] = []
    history.append(score(params))
    if not np.isfinite(history[0].train) or (n_val and not np.isfinite(history[0].val)):
        name, value, std = _largest(signature, normalization, x, y)
        raise NscError(
            f"cannot fine-tune on these examples: the loss overflows float32 ({name} = "
            f"{value:g} is {std:.3g} in the surrogate's normalized units)",
            hints=("leave out examples far outside what the surrogate was compiled for",),
        )
    best, best_params = loss_key(history[0]), params.detached(requires_grad=False)
    best_epoch = 0
    for epoch in range(1, epochs + 1):
        for rows in torch.randperm(len(xt), generator=gen).split(min(batch_size, len(xt) or 1)):
            optimizer.zero_grad()
            loss = torch.mean((family.forward(params, xt[rows]) - yt[rows]) ** 2)
            loss.backward()
            optimizer.step()
        history.append(score(params))
        if loss_key(history[-1]) < best:
            best, best_params, best_epoch = loss_key(history[-1]), params.detached(False), epoch
        elif epoch - best_epoch >= patience:
            break
    return FinetuneResult(
        best_params,
        history,
        best_epoch,
        history[best_epoch].val,
        len(train),
        n_val,
        int((~keep).sum()),
    )


def _standardized(
    signature: Signature,
    normalization: Normalization,
    inputs: Mapping[str, np.ndarray],
    outputs: Mapping[str, np.ndarray],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The examples in the MLP's units (`[rows, width]` inputs and outputs) and a mask of the
    rows without a NaN or infinite value; a finite value float32 cannot hold, in either units,
    is an error naming its column."""
    from nsc.backend.surrogate import flatten_ports

    raw_x, raw_y = (
        flatten_ports(signature.inputs, inputs),
        flatten_ports(signature.outputs, outputs),
    )
    if len(raw_x) != len(raw_y):
        raise NscError(f"{len(raw_x)} input rows but {len(raw_y)} output rows")
    if len(raw_x) == 0:
        raise NscError("no examples to fine-tune on (zero rows)")
    with np.errstate(over="ignore"):  # beyond a double: inf, refused below
        x, y = normalization.inputs(raw_x), normalization.outputs(raw_y)
    keep = np.isfinite(raw_x).all(axis=1) & np.isfinite(raw_y).all(axis=1)
    raw, std = np.concatenate([raw_x, raw_y], axis=1), np.concatenate([x, y], axis=1)
    beyond = keep[:, None] & ((np.abs(raw) > FLOAT32_MAX) | (np.abs(std) > FLOAT32_MAX))
    if beyond.any():
        row, column = np.argwhere(beyond)[0]
        name, value = _column_names(signature)[column], raw[row, column]
        where = "" if abs(value) > FLOAT32_MAX else f" ({std[row, column]:.3g} normalized)"
        raise NscError(
            f"example row {row}: {name} = {value:g}{where} is beyond the float32 values "
            f"fine-tuning computes with (about ±{FLOAT32_MAX:.3g})",
            hints=("leave out examples far outside what the surrogate was compiled for",),
        )
    return x, y, keep


def _column_names(signature: Signature) -> list[str]:
    """The inputs' and outputs' scalars, named as in a file of examples (`w[0][1]`, `p:out`)."""
    from nsc.backend.onnx_writer import output_name
    from nsc.runtime.tabular import column_names

    names = [name for p in signature.inputs for name in column_names(p.name, p.shape)]
    for port in signature.outputs:
        names += column_names(output_name(signature, port), port.shape)
    return names


def _largest(
    signature: Signature, normalization: Normalization, x: np.ndarray, y: np.ndarray
) -> tuple[str, float, float]:
    """The column, raw value and normalized value of the example farthest out in the MLP's
    units."""
    std = np.concatenate([x, y], axis=1)
    row, column = np.unravel_index(np.argmax(np.abs(std)), std.shape)
    value = std[row, column]
    in_width = x.shape[1]
    if column < in_width:
        low, high = normalization.in_low[column], normalization.in_high[column]
        raw = (value + 1.0) / 2.0 * (high - low) + low
    else:
        k = column - in_width
        raw = value * normalization.out_scale[k] + normalization.out_center[k]
    return _column_names(signature)[column], float(raw), float(value)


def loss_key(loss: EpochLoss) -> float:
    """The loss that picks the best epoch: validation, or training without a split."""
    return loss.train if np.isnan(loss.val) else loss.val


def _val_rows(n: int, val_fraction: float) -> int:
    if val_fraction == 0 or n < 2:
        return 0
    return min(max(1, round(n * val_fraction)), n - 1)


def check_settings(
    epochs: int, lr: float, val_fraction: float, patience: int, batch_size: int, seed: int
) -> None:
    """NscError for settings `finetune` cannot use (checked again by `finetune`)."""
    if epochs < 0:
        raise NscError(f"epochs must be non-negative, not {epochs}")
    if not (0 < lr and lr / (1 - ADAM_BETA1) <= FLOAT32_MAX and np.float32(lr) > 0):
        raise NscError(
            f"the learning rate must be positive and finite as a float32 step (from about "
            f"1e-45 to {FLOAT32_MAX * (1 - ADAM_BETA1):.2g}), not {lr}"
        )
    if not 0 <= val_fraction < 1:
        raise NscError(f"the validation fraction must be in [0, 1), not {val_fraction}")
    if patience < 1 or batch_size < 1:
        raise NscError("patience and batch size must be at least 1")
    if not 0 <= seed < 2**63:  # torch's generator takes a signed 64-bit seed
        raise NscError(f"the seed must be in [0, 2**63), not {seed}")


def _resolve(start, signature, family, normalization):
    """(torch params, signature, MLPFamily, Normalization) from a Surrogate or bare params."""
    from nsc.backend.surrogate import MLPFamily, Normalization

    if isinstance(start, Surrogate):
        spec, norm = start.family, start.normalization
        family = family or MLPFamily(spec.hidden, spec.activation)
        normalization = normalization or Normalization(
            norm.in_low, norm.in_high, norm.out_center, norm.out_scale
        )
        return start.params.to_torch(), signature or start.signature, family, normalization
    if signature is None or family is None or normalization is None:
        raise NscError("fine-tuning bare params needs their signature, family and normalization")
    params = start.to_torch() if isinstance(start, ArrayParams) else start
    return params, signature, family, normalization


def write_finetuned(
    surrogate: Surrogate, result: FinetuneResult, path: Path, *, lr: float, origin: str
) -> None:
    """Write `surrogate` with the fine-tuned weights, its metadata counting the new examples."""
    meta = surrogate.provenance()
    runs = json.loads(meta.extra.get("nsc.finetune", "[]"))
    runs.append(result.record(lr, origin))
    meta = replace(
        meta,
        finetune_samples=meta.finetune_samples + result.samples,
        extra={**meta.extra, "nsc.finetune": json.dumps(runs)},
    )
    write_onnx(
        path,
        surrogate.signature,
        result.params,
        surrogate.family,
        surrogate.normalization,
        meta,
    )


def oracle_examples(
    surrogate: Surrogate,
    compiled,
    samples: int,
    seed: int,
    *,
    signature: Signature | None = None,
    fuel: int = 1_000_000,
    timeout: float = 60.0,
    isolated: bool = True,
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """`samples` inputs drawn from the ranges, and the oracle's outputs; failed rows dropped."""
    from nsc.ir.sampling import sample_inputs
    from nsc.runtime.evaluate import check_compatible, oracle_rows

    if samples < 1:
        raise NscError(f"fine-tuning needs at least one sample, not {samples}")
    check_compatible(surrogate.signature, compiled.signature)
    inputs = sample_inputs(signature or surrogate.signature, samples, seed)
    outputs, finished, finite = oracle_rows(
        compiled, inputs, fuel=fuel, timeout=timeout, isolated=isolated
    )
    ok = finished & finite
    if not ok.any():
        raise NscError(f"the oracle finished none of the {samples} sampled rows")
    keep = lambda arrays: {name: a[ok] for name, a in arrays.items()}  # noqa: E731
    return keep(inputs), keep(outputs)


def file_examples(
    surrogate: Surrogate, path: Path
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Input/output examples from an .npz or .csv (see `nsc.runtime.tabular`)."""
    from nsc.backend.onnx_writer import output_name
    from nsc.runtime.tabular import example_ports, read_table

    sig = surrogate.signature
    table = read_table(path, example_ports(sig), inputs=[p.name for p in sig.inputs])
    if not any(len(column) for column in table.values()):
        raise NscError(f"{path}: no examples (the file has no rows)")
    inputs = {p.name: table[p.name] for p in sig.inputs}
    outputs = {p.name: table[output_name(sig, p)] for p in sig.outputs}
    return inputs, outputs
