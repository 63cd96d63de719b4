"""Sentence vectors, mean vs SIF (w2vkit.sentences.embed), on a task built from the corpora themselves.

No public sentence-similarity set (STS-B, SICK, LCQMC …) ships inside a package of the registries
this project reaches (PyPI, Debian, npm; `datasets` and `mteb` download theirs from the Hugging
Face hub), so the task is made from the texts, reproducibly:

**Which passage continues this one?** Passages are cut from the text with a fixed seed: for
Chinese, paragraphs of at least two sentences, split at the middle sentence boundary (。！？);
for English (text8-style text has no sentence marks), windows of 2 x 30 words, far apart. Each
first half is embedded, and every second half; the first half's true continuation should be the
nearest second half. Printed: accuracy@1, recall@10 and MRR over N passages, for each method, and
the time to embed. Both methods see the same vectors and segmentation: the difference is the
weighting and the common-component removal alone. For a model with views (w2vkit.model.views) every
view it has is scored the same way, which is how the sentence commands' default view was chosen
(docs/defaults.md, "Which view each command answers with").

    python benchmarks/sentences.py --model models/xiyouji --text xiyouji
    python benchmarks/sentences.py --model models/enwiki-text8style-100M \\
        --text ../shared/corpora/enwiki-text8style-100M.txt.gz --english
"""

import argparse
import gzip
import re
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from w2vkit.base.choices import SENTENCE_METHODS as METHODS  # noqa: E402
from w2vkit.model.store import load_model  # noqa: E402
from w2vkit.model.views import with_view  # noqa: E402
from w2vkit.sentences.embed import Embedder, read_texts  # noqa: E402

SENTENCE_END = re.compile(r"(?<=[。！？])")


def table_texts(path: str, column: str) -> list[str]:
    import csv

    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8", newline="") as f:
        return [row[column] for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)]


def chinese_pairs(texts: list[str], n: int, rng) -> list[tuple[str, str]]:
    pairs = []
    for line in texts:
        sentences = [s for s in SENTENCE_END.split(line.strip()) if s.strip()]
        if len(sentences) >= 2 and len(line) >= 40:
            middle = len(sentences) // 2
            pairs.append(("".join(sentences[:middle]), "".join(sentences[middle:])))
    picked = rng.choice(len(pairs), size=min(n, len(pairs)), replace=False)
    return [pairs[i] for i in sorted(picked)]


def english_pairs(path: str, n: int, rng, half: int = 30) -> list[tuple[str, str]]:
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        words = f.read(60_000_000).split()  # the first ~10M words are plenty to draw from
    starts = np.sort(rng.choice(len(words) // (2 * half * 4), size=n, replace=False)) * (2 * half * 4)
    return [(" ".join(words[s : s + half]), " ".join(words[s + half : s + 2 * half])) for s in starts]


def scores(first: np.ndarray, second: np.ndarray) -> dict:
    def unit(x):
        return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)

    sims = unit(first) @ unit(second).T
    truth = np.diag(sims)[:, None]
    rank = (sims > truth).sum(axis=1) + 1  # 1 = the true continuation is the nearest
    return {
        "accuracy@1": float((rank == 1).mean()),
        "recall@10": float((rank <= 10).mean()),
        "mrr": float((1 / rank).mean()),
    }


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", required=True)
    p.add_argument("--text", required=True, help="the text to cut passages from (a file or a built-in corpus)")
    p.add_argument("--english", action="store_true", help="cut word windows (text8-style text)")
    p.add_argument("-n", type=int, default=2000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--text-column", help="a table's column holding the text (the file is then a TSV table)")
    args = p.parse_args()
    rng = np.random.default_rng(args.seed)
    if args.english:
        pairs = english_pairs(args.text, args.n, rng)
    else:
        texts = table_texts(args.text, args.text_column) if args.text_column else read_texts(args.text)
        pairs = chinese_pairs(texts, args.n, rng)
    model = load_model(args.model)
    views = ["mixed", *sorted(model.meta.get("views") or {})]
    print(f"{len(pairs)} passages from {args.text}, model {args.model}")
    print(f"{'view':<13} {'method':<6} {'acc@1':>6} {'R@10':>6} {'MRR':>6} {'embed s':>8}")
    for view in views:
        viewed = with_view(model, view)
        for method in METHODS:
            embedder = Embedder(viewed, method)
            started = time.perf_counter()
            # one call for both halves: SIF's common component is estimated on all the texts
            embedded = embedder.embed([a for a, _ in pairs] + [b for _, b in pairs])
            seconds = time.perf_counter() - started
            vectors = np.asarray(embedded.vectors)
            s = scores(vectors[: len(pairs)], vectors[len(pairs) :])
            print(
                f"{view:<13} {method:<6} {s['accuracy@1']:>6.3f} {s['recall@10']:>6.3f} {s['mrr']:>6.3f} {seconds:>8.2f}"
            )


if __name__ == "__main__":
    main()
