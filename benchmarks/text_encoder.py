"""The program's C text instead of its IR graph: a transformer over source tokens in place of the
GGNN, with the same heads, surrogate, objective and schedule (a script, not a test).

    python benchmarks/text_encoder.py --cache RUN/cache --corpus CORPUS [--sizes 4096]
        [--budget 60000] [--max-epochs 120] [--layers 3] [--out DIR]

Weber et al. read program text (BERT-Tiny over the C function); nsc reads a graph of the
LLVM IR. This measures that choice on equal terms: `benchmarks/learning_curve.py`'s training
(the cache's first N training programs, `budget / N` epochs, batches of 32 programs x 192 rows,
AdamW with warmup and cosine decay, the default recipe's loss) and validation (the cache's
validation programs, 128 fixed rows each), with only the encoder swapped. The text encoder:
- tokens of the source as written (the range pragmas included, `#include` lines and comments
  dropped); keywords, operators and every identifier seen in at least `--min-count` training
  programs (math functions, the generator's helper names) are words; other identifiers are
  numbered by first appearance in their program (`<id0>`, `<id1>`, ...), so a variable keeps
  one name throughout; a number is one `<num>` token plus its value in the graph encoder's
  constant features;
- a pre-norm transformer (width 64 like the GGNN, 4 heads, learned positions, `--layers`);
- the heads read, for each port, the mean state of the tokens that name it in the range pragma
  and from the entry function's definition on (`return` tokens for the return value), and the
  mean and max of all token states as the program embedding: what they read from the graph's
  port nodes and pooled nodes.
Writes DIR/text_encoder.json and DIR/text_encoder.md beside the learning curve's format.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parent))
from learning_curve import (  # noqa: E402
    add_corpus_options,
    add_run_options,
    run_sizes,
    write_results,
)

from nsc.backend.arrays import CONSTANT_WIDTH, encode_constant  # noqa: E402
from nsc.backend.data import Example, load_cache  # noqa: E402
from nsc.backend.encoder import Encoded, segment_mean  # noqa: E402
from nsc.backend.hypernet import Hypernetwork  # noqa: E402
from nsc.backend.tensors import Batch  # noqa: E402
from nsc.backend.train import TrainConfig  # noqa: E402
from nsc.data.dataset import read_corpus  # noqa: E402
from nsc.signature import Signature  # noqa: E402

TOKEN = re.compile(
    r"(?P<num>0[xX][0-9a-fA-F]+[uUlL]*|(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?[fFlLuU]*)"
    r"|(?P<id>[A-Za-z_]\w*)"
    r"|(?P<op><<=|>>=|->|\+\+|--|<<|>>|<=|>=|==|!=|&&|\|\||[-+*/%&|^]=|[^\s\w])"
)
COMMENT = re.compile(r"/\*.*?\*/|//[^\n]*", re.S)
SPECIAL = ("<pad>", "<unk>", "<num>")
MAX_IDS = 64
MAX_LEN = 1024
GROUP = 8  # programs per transformer call


def _pad(array: np.ndarray, length: int) -> np.ndarray:
    """Zero rows appended along the first axis up to `length`."""
    return np.pad(array, [(0, length - array.shape[0])] + [(0, 0)] * (array.ndim - 1))


@dataclass
class TextProgram:
    """A program's tokens: word ids, constant features, and which tokens name each port."""

    ids: np.ndarray  # int64 [L]
    constants: np.ndarray  # float32 [L, CONSTANT_WIDTH]
    inputs: np.ndarray  # bool [input ports, L]
    outputs: np.ndarray  # bool [output ports, L]


def lex(source: str) -> tuple[list[tuple[str, str]], list[bool]]:
    """(kind, text) tokens of a C source and whether each sits in a `#pragma` line."""
    tokens, pragma = [], []
    for line in COMMENT.sub(" ", source).splitlines():
        stripped = line.strip()
        if stripped.startswith("#") and not stripped.startswith("#pragma"):
            continue
        for match in TOKEN.finditer(line):
            tokens.append((match.lastgroup, match.group()))
            pragma.append(stripped.startswith("#pragma"))
    return tokens, pragma


def _number(text: str) -> float:
    body = text.rstrip("fFlLuU")
    try:
        return float(int(body, 16)) if body[:2] in ("0x", "0X") else float(body)
    except ValueError:
        return 0.0


def definition_start(tokens: list[tuple[str, str]], pragma: list[bool], entry: str) -> int:
    """Index of the entry function's name where it is defined (followed by `(...)` and `{`)."""
    for i, (_, text) in enumerate(tokens):
        if text != entry or pragma[i] or i + 1 >= len(tokens) or tokens[i + 1][1] != "(":
            continue
        depth, j = 0, i + 1
        while j < len(tokens):
            depth += {"(": 1, ")": -1}.get(tokens[j][1], 0)
            if depth == 0:
                break
            j += 1
        if j + 1 < len(tokens) and tokens[j + 1][1] == "{":
            return i
    return 0


def encode_text(source: str, signature: Signature, words: dict[str, int]) -> TextProgram:
    tokens, pragma = lex(source)
    tokens, pragma = tokens[:MAX_LEN], pragma[:MAX_LEN]
    start = definition_start(tokens, pragma, signature.entry)
    ids = np.zeros(len(tokens), dtype=np.int64)
    constants = np.zeros((len(tokens), CONSTANT_WIDTH), dtype=np.float32)
    local: dict[str, int] = {}
    for i, (kind, text) in enumerate(tokens):
        if kind == "num":
            ids[i] = words["<num>"]
            constants[i] = encode_constant(_number(text))
        elif text in words:
            ids[i] = words[text]
        elif kind == "id":
            k = local.setdefault(text, min(len(local), MAX_IDS - 1))
            ids[i] = words[f"<id{k}>"]
        else:
            ids[i] = words["<unk>"]

    def names(port_name: str) -> np.ndarray:
        base = "return" if port_name == "return" else re.split(r"[.\[]", port_name)[0]
        return np.array(
            [text == base and (pragma[i] or i >= start) for i, (_, text) in enumerate(tokens)]
        )

    def ports(side: Sequence) -> np.ndarray:
        return np.array([names(p.name) for p in side], dtype=bool).reshape(len(side), len(tokens))

    return TextProgram(ids, constants, ports(signature.inputs), ports(signature.outputs))


def build_words(sources: Sequence[str], min_count: int) -> dict[str, int]:
    """Keywords, operators and identifiers seen in at least `min_count` programs."""
    seen: Counter[str] = Counter()
    for source in sources:
        seen.update({text for kind, text in lex(source)[0] if kind != "num"})
    keep = sorted(t for t, c in seen.items() if c >= min_count)
    vocab = [*SPECIAL, *(f"<id{k}>" for k in range(MAX_IDS)), *keep]
    return {w: i for i, w in enumerate(vocab)}


class TextEncoder(nn.Module):
    """A transformer over a program's tokens, read out as `Encoded` for the hypernetwork's heads:
    each port's graph nodes get the mean state of the tokens that name it."""

    def __init__(self, vocab_size: int, dim: int, layers: int, heads: int = 4):
        super().__init__()
        self.dim = dim
        self.token = nn.Embedding(vocab_size, dim)
        self.constant = nn.Linear(CONSTANT_WIDTH, dim)
        self.position = nn.Embedding(MAX_LEN, dim)
        layer = nn.TransformerEncoderLayer(
            dim, heads, 4 * dim, dropout=0.0, batch_first=True, norm_first=True
        )
        self.layers = nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(dim)
        self.readout = nn.Linear(2 * dim, dim)

    def states(self, texts: Sequence[TextProgram]) -> list[torch.Tensor]:
        """Each program's token states [L, dim]. Programs run in groups of similar length, so
        short ones are not padded to the longest of the batch (attention costs length^2)."""
        out: list[torch.Tensor] = [None] * len(texts)  # type: ignore[list-item]
        order = sorted(range(len(texts)), key=lambda i: texts[i].ids.shape[0])
        for group in (order[i : i + GROUP] for i in range(0, len(order), GROUP)):
            length = max(texts[i].ids.shape[0] for i in group)
            ids = torch.from_numpy(np.stack([_pad(texts[i].ids, length) for i in group]))
            constants = torch.from_numpy(
                np.stack([_pad(texts[i].constants, length) for i in group])
            )
            real = ids != 0
            h = self.token(ids) + self.constant(constants) + self.position.weight[:length][None]
            h = self.norm(self.layers(h, src_key_padding_mask=~real))
            for row, i in enumerate(group):
                out[i] = h[row, : texts[i].ids.shape[0]]
        return out

    def forward(self, texts: Sequence[TextProgram], programs: Batch) -> Encoded:
        states = self.states(texts)
        pooled = [torch.cat([h.mean(0), h.amax(0)]) for h in states]
        graphs = self.readout(torch.stack(pooled))
        # a port's nodes take its tokens' mean state (a node shared by several slots, as an
        # array's argument is, by a mean of equal rows, so its gradient is not counted twice)
        values, targets = [], []
        for side, slots in (("inputs", programs.inputs), ("outputs", programs.outputs)):
            masks = [torch.from_numpy(getattr(t, side)).float() for t in texts]
            ports = [
                (m @ h) / m.sum(1, keepdim=True).clamp(min=1.0)
                for m, h in zip(masks, states, strict=True)
            ]
            offsets = torch.as_tensor(np.cumsum([0] + [p.shape[0] for p in ports[:-1]]))
            slot_rows = offsets[slots.program] + slots.port
            values.append(torch.cat(ports)[slot_rows[slots.pair_slot]])
            targets.append(slots.pair_node)
        nodes = segment_mean(torch.cat(values), torch.cat(targets), programs.num_nodes)
        return Encoded(nodes=nodes, graphs=graphs)


def text_model(texts: dict[str, TextProgram], words: int, layers: int, with_graph: bool = False):
    """A `curve_for` model builder: the hypernetwork with the text encoder in place of the GGNN
    (`with_graph`: beside it, the two encodings summed)."""

    def build(config: TrainConfig, vocab_size: int):
        hypernet = Hypernetwork(config.hypernet(vocab_size))
        hypernet.text = TextEncoder(words, config.dim, layers)
        if not with_graph:
            del hypernet.encoder  # unused: its weights would only decay

        def emit(examples: Sequence[Example], programs: Batch):
            encoded = hypernet.text([texts[e.name] for e in examples], programs)
            if with_graph:
                graph = hypernet.encoder(programs)
                encoded = Encoded(encoded.nodes + graph.nodes, encoded.graphs + graph.graphs)
            return hypernet.emit(programs, encoded)

        return hypernet, emit

    return build


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_corpus_options(parser)
    parser.add_argument("--layers", type=int, default=3)
    parser.add_argument("--min-count", type=int, default=20)
    parser.add_argument(
        "--with-graph", action="store_true", help="the GGNN too, the two encodings summed"
    )
    add_run_options(parser)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    vocab, train_set, val_set = load_cache(args.cache)
    wanted = {e.name for e in train_set} | {e.name for e in val_set}
    records = {r.name: r for r in read_corpus(args.corpus) if r.name in wanted}
    missing = wanted - records.keys()
    if missing:
        raise SystemExit(f"{len(missing)} cached programs are not in {args.corpus}")
    sizes = [min(int(s), len(train_set)) for s in args.sizes.split(",")]
    words = build_words([records[e.name].source for e in train_set[: max(sizes)]], args.min_count)
    texts = {n: encode_text(r.source, r.signature, words) for n, r in records.items()}
    lengths = [t.ids.shape[0] for t in texts.values()]
    unnamed = sum(not t.inputs.any(1).all() or not t.outputs.any(1).all() for t in texts.values())
    print(
        f"{len(words)} words; tokens a program: median {int(np.median(lengths))}, "
        f"max {max(lengths)} (cut at {MAX_LEN}); {unnamed} programs with a port no token names"
    )
    config = TrainConfig(data="", steps=args.steps)
    build = text_model(texts, len(words), args.layers, args.with_graph)
    result = run_sizes(config, len(vocab), train_set, val_set, sizes, args, build)
    encoder = f"text transformer, {args.layers} layers, width {config.dim}"
    encoder += ", plus the GGNN" if args.with_graph else ""
    result |= {"encoder": encoder, "words": len(words), "median_tokens": int(np.median(lengths))}
    write_results(result, f"Encoder: {encoder}. ", args.out, "text_encoder")


if __name__ == "__main__":
    main()
