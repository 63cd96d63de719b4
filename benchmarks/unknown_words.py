"""How much of an unknown word must be known before w2vkit composes its vector from character
n-grams (w2vkit.model.subwords.MIN_KNOWN_NGRAM_SHARE).

For a subword model, the share of known n-grams is computed for three kinds of strings the model
never kept: real words of its own text seen below min_count (dropped.tsv), real words of another
text the model never saw (the vocabulary of a second model, minus this one's), and random strings
of the text's own characters drawn by frequency, with the same lengths as the real ones. For each
threshold it prints the share of real words still composed and of random strings refused.

    python benchmarks/unknown_words.py MODEL [--other MODEL2] [--samples 2000]
"""

import argparse
import sys
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from w2vkit.model.store import load_model  # noqa: E402
from w2vkit.model.subwords import char_ngrams  # noqa: E402

THRESHOLDS = (0.0, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)


def known_share(table, word: str) -> float:
    grams = char_ngrams(word, table.min_n, table.max_n)
    return sum(g in table.index for g in grams) / len(grams)


def is_cjk_word(w: str) -> bool:
    return len(w) >= 2 and all("\u4e00" <= ch <= "\u9fff" for ch in w)


def shares_by_threshold(model_path: str, other_path: str | None, samples: int, seed: int = 0) -> dict:
    model = load_model(model_path)
    table = model.ngram_table()
    if table is None:
        sys.exit(f"{model_path}: has no n-gram table (not a subword model)")
    rng = np.random.default_rng(seed)
    vocab = set(model.words)
    real = [w for w in model.dropped_counts() if is_cjk_word(w)]
    unseen = []
    if other_path:
        unseen = [w for w in load_model(other_path).words if is_cjk_word(w) and w not in vocab]
    chars = Counter()
    for w, c in zip(model.words, model.counts.tolist()):
        for ch in w:
            if "\u4e00" <= ch <= "\u9fff":
                chars[ch] += c
    alphabet = list(chars)
    p = np.array([chars[c] for c in alphabet], dtype=np.float64)
    p /= p.sum()
    lengths = [len(w) for w in real] or [2, 3, 4]
    random_strings = []
    while len(random_strings) < samples:
        n = int(rng.choice(lengths))
        s = "".join(rng.choice(alphabet, size=n, p=p))
        if s not in vocab:
            random_strings.append(s)
    kinds = {"dropped (real)": real, "other text (real)": unseen, "random strings": random_strings}
    shares = {}
    for kind, words in kinds.items():
        if len(words) > samples:
            words = [words[i] for i in rng.choice(len(words), samples, replace=False)]
        shares[kind] = np.array([known_share(table, w) for w in words])
    return shares


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model")
    ap.add_argument("--other", help="a model of another text: its words are real words this model never saw")
    ap.add_argument("--samples", type=int, default=2000)
    args = ap.parse_args()
    shares = shares_by_threshold(args.model, args.other, args.samples)
    for kind, s in shares.items():
        if len(s):
            print(f"{kind:18} n={len(s):5}  median share known {np.median(s):.2f}")
    print("threshold  " + "  ".join(f"{k[:18]:>18}" for k in shares) + "   (composed share; refused for random)")
    for t in THRESHOLDS:
        cells = []
        for kind, s in shares.items():
            if not len(s):
                cells.append(f"{'-':>18}")
                continue
            composed = float(np.mean(s >= t)) if t > 0 else float(np.mean(s > 0))
            cells.append(f"{(1 - composed if kind == 'random strings' else composed):18.3f}")
        print(f"{t:9.1f}  " + "  ".join(cells))


if __name__ == "__main__":
    main()
