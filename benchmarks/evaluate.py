"""Analogy evaluation speed: w2vkit's batched evaluation vs gensim's evaluate_word_analogies on the
Google set, same model, same restrict_vocab, same run; also checks the scores agree.
Target: >= 5x faster.

    python benchmarks/evaluate.py --model models/enwiki-text8style-100M [--restrict-vocab 30000]
"""

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main():
    from gensim.models import KeyedVectors

    from w2vkit.evaluation.evalsets import resolve_set
    from w2vkit.evaluation.evaluate import evaluate_analogies
    from w2vkit.model.store import load_model
    from w2vkit.queries.query import Engine

    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", default="models/enwiki-text8style-100M")
    p.add_argument("--restrict-vocab", type=int, default=30000)
    args = p.parse_args()
    model = load_model(args.model)
    google = resolve_set("google")
    kv = KeyedVectors(model.dim)
    kv.add_vectors(model.words, np.asarray(model.vectors))
    kv.fill_norms()
    for method in ("add", "mul"):
        t = time.perf_counter()
        if method == "add":
            score, _ = kv.evaluate_word_analogies(str(google), restrict_vocab=args.restrict_vocab)
        else:  # gensim 4.4's evaluate_word_analogies ignores similarity_function: its loop, by hand
            score = cosmul_accuracy(kv, google, args.restrict_vocab)
        theirs = time.perf_counter() - t
        engine = Engine(model)
        t = time.perf_counter()
        ours = evaluate_analogies(engine, google, args.restrict_vocab, method)
        mine = time.perf_counter() - t
        print(
            f"google analogies, 3Cos{method.capitalize()}, restrict_vocab={args.restrict_vocab}: "
            f"gensim {theirs:.1f} s (accuracy {shown(score)}), w2vkit {mine:.2f} s (accuracy "
            f"{shown(ours.total.accuracy)}) -> {theirs / mine:.1f}x faster"
        )


def shown(accuracy):
    """n/a when no question could be answered (a Chinese model on the English set)."""
    return "n/a" if accuracy is None or accuracy != accuracy else f"{accuracy:.4f}"


def cosmul_accuracy(kv, path, restrict_vocab):
    """gensim's evaluate_word_analogies (case-insensitive, skipping unknown words) with
    most_similar_cosmul in place of most_similar."""
    ok_keys = kv.index_to_key[:restrict_vocab]
    ok_vocab = {k.upper(): kv.get_index(k) for k in reversed(ok_keys)}
    correct = total = 0
    for line in open(path, encoding="utf-8"):
        if line.startswith(":"):
            continue
        a, b, c, expected = (w.upper() for w in line.split())
        if not all(w in ok_vocab for w in (a, b, c, expected)):
            continue
        original = kv.key_to_index
        kv.key_to_index = ok_vocab
        ignore = {a, b, c}
        predicted = None
        sims = kv.most_similar_cosmul(positive=[b, c], negative=[a], topn=5, restrict_vocab=restrict_vocab)
        kv.key_to_index = original
        for element in sims:
            predicted = element[0].upper()
            if predicted in ok_vocab and predicted not in ignore:
                break
        correct += predicted == expected
        total += 1
    return correct / total if total else None


if __name__ == "__main__":
    main()
