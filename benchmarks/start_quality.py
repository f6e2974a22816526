"""How good must a start be for the goals of `nsc bench data-efficiency`? (a script, not a test)

    python benchmarks/start_quality.py --out DIR [--levels 16,128,1024,8192] [--seeds 5]
        [--programs examples/a.c ...] [--heldout-dir results/data-efficiency/heldout]
        [--workers 2] [--ref-epochs 3000] [--quick]

The benchmark compares a compiled start with random init under the paper's protocol. This
script runs the same protocol (the same programs, rows, seeds, optimizer, epochs and early stop,
`nsc.bench.data_efficiency`) from starts of known quality: for each level k, the surrogate that
full-batch Adam fits from random init to k *reference* rows, labelled by the oracle apart from
the protocol's pool, validation and test rows (inputs equal to one of theirs are dropped), and
stopped at its best loss on 512 more reference rows. A perfect compiler would emit about the
largest level's weights, so the rows of the table bound what any compiled start of this
surrogate family can reach under this protocol, and where the shipped model's own row falls
among them says what its start is worth in labelled rows.

Writes DIR/start_quality.json (every run), DIR/report.md (the tables, the command, the machine)
and DIR/start_quality.png (overall efficiency and fewer epochs against the zero-shot loss).
`--merge A/start_quality.json B/start_quality.json --out C` reports several runs as one (runs
with other levels on the same programs and settings).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import zlib
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, replace
from multiprocessing import get_context
from pathlib import Path

import numpy as np

from nsc.bench.data_efficiency import (
    QUICK,
    BenchConfig,
    ProgramResult,
    _program_arrays,
    default_programs,
    example_programs,
    fine_tune,
    initial_params,
    label,
    load_inits,
    pool_orders,
    prepare,
)
from nsc.bench.fitting import Dataset, fit
from nsc.bench.report import geomean, provenance, summarize, write_json

REF_VALIDATION = 512  # reference rows that choose each reference fit's best epoch
REF_SEED = 10_000  # random init of the reference fits
# reference rows labelled in every run, whatever its levels: inputs are drawn port by port, so
# a different count would give every level other rows (and runs with other levels could not
# be merged into one curve)
REF_ROWS = 8192


def reference_rows(program, config: BenchConfig, data: Dataset, sig, seed: int, count: int):
    """`count` + REF_VALIDATION labelled rows from their own input seed, standardized like the
    protocol's, without any input row that the pool, validation or test set also holds."""
    from nsc.backend.surrogate import flatten_ports

    need = count + REF_VALIDATION
    labelled = max(count, REF_ROWS) + REF_VALIDATION
    _, inputs, outputs = label(program, config, int(labelled * 1.3) + 64, seed)
    x = data.norm.inputs(flatten_ports(sig.inputs, inputs)).astype(np.float32)
    y = data.norm.outputs(flatten_ports(sig.outputs, outputs)).astype(np.float32)
    taken = {row.tobytes() for part in (data.x_pool, data.x_val, data.x_test) for row in part}
    fresh = np.array([row.tobytes() not in taken for row in x], dtype=bool)
    x, y = x[fresh], y[fresh]
    if len(x) < need:
        # small integer input domains: every level fits on what there is
        need = len(x)
    return x[:REF_VALIDATION], y[:REF_VALIDATION], x[REF_VALIDATION:need], y[REF_VALIDATION:need]


def measure(program, config: BenchConfig, levels, ref_config: BenchConfig, inits) -> dict:
    """The protocol from random, compiled and each level's reference fit, on one program."""
    import torch

    from nsc.backend.surrogate import MLPFamily

    torch.set_num_threads(1)
    start = time.perf_counter()
    result = ProgramResult(program)
    seed = zlib.crc32(program.name.encode())
    sig, data, calib_inputs = prepare(program, config, seed)
    in_w, out_w = data.x_pool.shape[1], data.y_pool.shape[1]
    result.widths = (in_w, out_w)
    result.constant_loss = float(np.mean(data.y_test.astype(np.float64) ** 2))
    model = inits["compiled"]
    family = MLPFamily(model.hidden, model.activation)
    arrays = _program_arrays(program, sig, inits, calib_inputs, config, result)
    xv, yv, xr, yr = reference_rows(program, config, data, sig, seed ^ 0x5EED, max(levels))
    reference = Dataset(xr, yr, xv, yv, data.x_test, data.y_test)
    origin = initial_params("random", None, None, in_w, out_w, model.hidden, REF_SEED)
    fits = {}
    for k in levels:
        rows = np.arange(min(k, len(xr)))
        (f,) = fit(family, [origin], reference, [rows], ref_config, False, keep_params=True)
        fits[f"fit{k}"] = {"rows": len(rows), "best_epoch": f.best_epoch, "ref_val": f.best_val}
        fits[f"fit{k}"]["params"] = f.params
    starts = {}
    for s in range(config.seeds):
        for m in ("random", "compiled"):
            starts[m, s] = initial_params(m, model, arrays.get(m), in_w, out_w, model.hidden, s)
        for name, info in fits.items():
            starts[name, s] = info["params"]
    orders = pool_orders(config, len(data.x_pool))
    for size in config.sizes:  # exactly as the benchmark fine-tunes its starts
        fine_tune(result, family, starts, data, config, size, orders)
    result.seconds = time.perf_counter() - start
    out = result.to_json()
    out["reference"] = {
        name: {k: v for k, v in info.items() if k != "params"} for name, info in fits.items()
    }
    return out


def zero_shot(summary: dict, method: str, programs: set[str]) -> float:
    """Geometric mean over `programs` of the method's test loss before fine-tuning."""
    return geomean(
        v for p, m, s, v in summary["losses"] if m == method and s == 0.0 and p in programs
    )


def tables(summary: dict, results: list[dict], methods: list[str]) -> list[str]:
    sizes = summary["sizes"]
    lines = []
    groups = {"all": {r["program"]["name"] for r in results}}
    for r in results:
        groups.setdefault(r["program"]["group"], set()).add(r["program"]["name"])
    for group in ("examples", "heldout", "all"):
        if group not in groups or group not in summary["groups"]:
            continue
        table = summary["groups"][group]
        lines += [
            f"\n### {group} ({len(groups[group])} programs)\n",
            "| start | zero-shot loss | "
            + " | ".join(f"{s:g}%" for s in sizes)
            + " | overall | fewer epochs |",
            "| --- | --- | " + " | ".join("---" for _ in sizes) + " | --- | --- |",
        ]
        for method in methods:
            row = table.get(method)
            if row is None:
                continue
            cells = [f"{row[str(s)]:.2f}x" for s in sizes]
            lines.append(
                f"| {method} | {zero_shot(summary, method, groups[group]):.4f} | "
                + " | ".join(cells)
                + f" | {row['overall']:.2f}x | {row['epochs']:.2f}x |"
            )
    return lines


def plot(summary: dict, results: list[dict], methods: list[str], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    for group, marker in (("examples", "o"), ("heldout", "s")):
        names = {r["program"]["name"] for r in results if r["program"]["group"] == group}
        if not names or group not in summary["groups"]:
            continue
        table = summary["groups"][group]
        for ax, key in zip(axes, ("overall", "epochs"), strict=True):
            fitted = [m for m in methods if m.startswith("fit") and m in table]
            xs = [zero_shot(summary, m, names) for m in fitted]
            ax.plot(xs, [table[m][key] for m in fitted], marker=marker, label=f"fit-k, {group}")
            for m, x in zip(fitted, xs, strict=True):
                ax.annotate(m[3:], (x, table[m][key]), fontsize=7)
            if "compiled" in table:
                x = zero_shot(summary, "compiled", names)
                ax.scatter([x], [table["compiled"][key]], marker="*", s=120, zorder=3)
                ax.annotate(
                    f"compiled ({group})",
                    (x, table["compiled"][key]),
                    xytext=(6, 6 if group == "examples" else -12),
                    textcoords="offset points",
                    fontsize=7,
                )
    for ax, title, goal in zip(
        axes, ("data efficiency (overall)", "fewer epochs to target"), (10, 8), strict=True
    ):
        ax.axhline(goal, color="grey", linestyle=":", label=f"goal {goal}x")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("zero-shot test loss (geometric mean over programs)")
        ax.set_title(title)
        ax.invert_xaxis()
        ax.legend(fontsize=7)
    fig.tight_layout()
    tmp = path.with_suffix(".tmp.png")
    fig.savefig(tmp, dpi=110)
    tmp.replace(path)
    plt.close(fig)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--levels", default="16,128,1024,8192")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--programs", nargs="*", type=Path, default=None)
    parser.add_argument(
        "--heldout-dir",
        type=Path,
        default=Path(__file__).resolve().parents[1] / "results/data-efficiency/heldout",
        help="C files of held-out generated programs (those of the latest benchmark run)",
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--ref-epochs", type=int, default=3000)
    parser.add_argument("--ref-patience", type=int, default=300)
    parser.add_argument("--model", default="default")
    parser.add_argument("--quick", action="store_true", help="the benchmark's --quick settings")
    parser.add_argument(
        "--merge",
        nargs="+",
        type=Path,
        default=None,
        help="measure nothing: one report of these runs' start_quality.json (same settings)",
    )
    args = parser.parse_args()
    if args.merge:
        runs = [json.loads(path.read_text()) for path in args.merge]
        if len({json.dumps(r["settings"], sort_keys=True) for r in runs}) != 1:
            raise SystemExit("--merge: the runs' settings differ")
        report(args.out, [r["header"] for r in runs], runs[0]["settings"], merged(runs))
        return
    levels = sorted({int(v) for v in args.levels.split(",")})
    config = BenchConfig(seeds=args.seeds, model=args.model, methods=("random", "compiled"))
    if args.quick:
        config = replace(config, **QUICK)
    ref_config = replace(config, epochs=args.ref_epochs, patience=args.ref_patience)
    programs = example_programs(args.programs if args.programs else default_programs())
    if args.heldout_dir and not args.programs:
        held = sorted(args.heldout_dir.glob("*.c"))
        programs += [replace(p, group="heldout") for p in example_programs(held)]
    inits, _ = load_inits(config.model, "")
    inits = {"compiled": inits["compiled"]}
    args.out.mkdir(parents=True, exist_ok=True)
    header = provenance(sys.argv)
    t0 = time.perf_counter()
    results = []
    with ProcessPoolExecutor(args.workers, mp_context=get_context("spawn")) as pool:
        futures = [pool.submit(measure, p, config, levels, ref_config, inits) for p in programs]
        for program, future in zip(programs, futures, strict=True):
            results.append(future.result())
            print(f"{program.name}: {results[-1]['seconds']:.0f} s", flush=True)
    header["seconds"] = f"{time.perf_counter() - t0:.0f}"
    settings = {
        "protocol": asdict(config),
        "reference": {"epochs": args.ref_epochs, "patience": args.ref_patience},
    }
    write_json(
        args.out / "start_quality.json",
        {"header": header, "settings": settings, "results": results},
    )
    report(args.out, [header], settings, results)


def merged(runs: list[dict]) -> list[dict]:
    """The programs of several runs, each with the union of their runs and reference fits
    (random's and compiled's runs, measured by each, are kept once)."""
    by_name: dict[str, dict] = {}
    for run in runs:
        for result in run["results"]:
            name = result["program"]["name"]
            if name not in by_name:
                by_name[name] = {**result, "runs": list(result["runs"])}
                by_name[name]["reference"] = dict(result["reference"])
                continue
            into = by_name[name]
            have = {(r["method"], r["size"], r["seed"]) for r in into["runs"]}
            into["runs"] += [
                r for r in result["runs"] if (r["method"], r["size"], r["seed"]) not in have
            ]
            into["reference"].update(result["reference"])
    return list(by_name.values())


def report(out: Path, headers: list[dict], settings: dict, results: list[dict]) -> None:
    """DIR/report.md and DIR/start_quality.png of measured (or merged) results."""
    protocol = settings["protocol"]
    summary = summarize(results, protocol["epochs"])
    levels = sorted({int(name[3:]) for r in results for name in r["reference"]})
    methods = ["random", "compiled", *(f"fit{k}" for k in levels)]
    lines = ["# Starts of known quality under the data-efficiency protocol", ""]
    for header in headers:
        lines += [f"- {k}: {v}" for k, v in header.items()]
    lines += [
        f"- settings: {', '.join(f'{k}={v}' for k, v in protocol.items())}",
        f"- reference fits: levels {levels}, at most {settings['reference']['epochs']} epochs, "
        f"patience {settings['reference']['patience']}, best epoch on {REF_VALIDATION} "
        "reference rows",
        "",
        "`fitK`: the surrogate fitted from random init to K reference rows (fewer where a "
        "program's input domain has fewer fresh rows), fine-tuned by the protocol like any "
        "start. Efficiency = random init's mean test loss / the start's; zero-shot loss = "
        "geometric mean over programs of the start's test loss before fine-tuning.",
        *tables(summary, results, methods),
        "",
        "Reference fits (rows used, best epoch, reference validation loss), per program:",
        "",
        "| program | " + " | ".join(f"fit{k}" for k in levels) + " |",
        "| --- | " + " | ".join("---" for _ in levels) + " |",
    ]
    for r in results:
        cells = [
            "{rows} / {best_epoch} / {ref_val:.2e}".format(**r["reference"][f"fit{k}"])
            for k in levels
        ]
        lines.append(f"| {r['program']['name']} | " + " | ".join(cells) + " |")
    out.mkdir(parents=True, exist_ok=True)
    tmp = out / "report.md.tmp"
    tmp.write_text("\n".join(lines) + "\n")
    tmp.replace(out / "report.md")
    plot(summary, results, methods, out / "start_quality.png")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
