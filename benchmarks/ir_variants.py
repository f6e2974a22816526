"""Training on several IR forms of each program (a script, not a test).

    python benchmarks/ir_variants.py --cache RUN/cache --corpus CORPUS [--sizes 4096]
        [--variants reassociate,cfg,unroll] [--budget 60000] [--max-epochs 120] [--out DIR]

The hypernetwork memorizes its training programs and generalizes little to new ones
(`benchmarks/learning_curve.py`). Is it held back by the functions it has seen, or by the one
surface form each function's graph takes? This trains `learning_curve.py`'s recipe on the
cache's first N training programs, each present as its `O2` graph (what `nscc` and validation
see) *and* as the graphs of further semantics-preserving passes over that IR, all labelled
with the program's own rows, and scores the same validation programs (their `O2` graphs) as
`learning_curve.py` does. The budget counts program-steps as there, so N programs in V forms
get about as many steps as N programs alone (budget / (V N) passes over the forms), not V
times as many.

Variants (each followed by `canonicalize`; a form whose IR equals the `O2` one is dropped):
- `reassociate`: `reassociate,instcombine` (expression trees regrouped);
- `cfg`: `break-crit-edges,lower-switch,mergereturn,sink` (the same code, other blocks);
- `unroll`: `loop-unroll{count=2},instcombine,simplifycfg` (loops twice unrolled).
Writes DIR/ir_variants.json and DIR/ir_variants.md in the learning curve's format.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import torch
from tqdm import tqdm

sys.path.insert(0, str(Path(__file__).resolve().parent))
from learning_curve import (  # noqa: E402
    add_corpus_options,
    add_run_options,
    run_sizes,
    write_results,
)

from nsc.backend.data import Example, load_cache  # noqa: E402
from nsc.backend.tensors import program_tensors  # noqa: E402
from nsc.backend.train import TrainConfig  # noqa: E402
from nsc.data.dataset import read_corpus  # noqa: E402
from nsc.diagnostics import NscError  # noqa: E402
from nsc.ir.graph import program_graph  # noqa: E402
from nsc.ir.passes import run_passes  # noqa: E402

VARIANTS = {
    "reassociate": "reassociate,instcombine",
    "cfg": "break-crit-edges,lower-switch,mergereturn,sink",
    "unroll": "loop-unroll{count=2},instcombine,simplifycfg",
}


def variant_examples(record, example: Example, vocab, names) -> list[Example]:
    """The record's further IR forms as examples: its rows, another graph."""
    out, seen = [], {record.ir}
    for name in names:
        pipeline = f"{VARIANTS[name]},canonicalize{{entry={record.signature.entry}}}"
        try:
            text = run_passes(record.ir, pipeline).module.text
        except NscError:
            continue
        if text in seen:
            continue
        seen.add(text)
        tensors = program_tensors(program_graph(text, record.signature), vocab, record.signature)
        out.append(Example(f"{example.name}:{name}", example.hash, tensors, example.x, example.y))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_corpus_options(parser)
    parser.add_argument("--variants", default=",".join(VARIANTS))
    add_run_options(parser)
    args = parser.parse_args()
    names = [v for v in args.variants.split(",") if v]
    unknown = set(names) - VARIANTS.keys()
    if unknown:
        raise SystemExit(f"unknown variants {sorted(unknown)}: choose from {', '.join(VARIANTS)}")
    torch.set_num_threads(args.threads)
    vocab, train_set, val_set = load_cache(args.cache)
    config = TrainConfig(data="", steps=args.steps)
    result = {"variants": names, "sizes": [], "forms": []}
    for size in (min(int(s), len(train_set)) for s in args.sizes.split(",")):
        chosen = train_set[:size]
        wanted = {e.name: e for e in chosen}
        forms = list(chosen)
        records = (r for r in read_corpus(args.corpus) if r.name in wanted)
        for record in tqdm(records, total=len(wanted), desc="IR forms", mininterval=2):
            forms += variant_examples(record, wanted[record.name], vocab, names)
        print(f"N={size}: {len(forms)} forms of {size} programs")
        # the budget counts program-steps: about as many steps as the N programs alone get
        run = run_sizes(config, len(vocab), forms, val_set, [len(forms)], args)
        run["sizes"][0]["programs"] = size
        result |= {k: v for k, v in run.items() if k != "sizes"}
        result["sizes"] += run["sizes"]
        result["forms"].append(len(forms))
    write_results(result, f"Training forms: O2 plus {', '.join(names)}. ", args.out, "ir_variants")


if __name__ == "__main__":
    main()
