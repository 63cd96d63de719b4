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

    from w2vkit.evaluate import evaluate_analogies, resolve_set
    from w2vkit.query import Engine
    from w2vkit.store import load_model

    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", default="models/enwiki-text8style-100M")
    p.add_argument("--restrict-vocab", type=int, default=30000)
    args = p.parse_args()
    model = load_model(args.model)
    google = resolve_set("google")
    kv = KeyedVectors(model.dim)
    kv.add_vectors(model.words, np.asarray(model.vectors))
    kv.fill_norms()
    for method, function in (("add", "most_similar"), ("mul", "most_similar_cosmul")):
        t = time.perf_counter()
        score, _ = kv.evaluate_word_analogies(str(google), restrict_vocab=args.restrict_vocab,
                                              similarity_function=function)
        theirs = time.perf_counter() - t
        engine = Engine(model)
        t = time.perf_counter()
        ours = evaluate_analogies(engine, google, args.restrict_vocab, method)
        mine = time.perf_counter() - t
        print(f"google analogies, 3Cos{method.capitalize()}, restrict_vocab={args.restrict_vocab}: "
              f"gensim {theirs:.1f} s (accuracy {score:.4f}), w2vkit {mine:.2f} s (accuracy "
              f"{ours.total.accuracy:.4f}) -> {theirs / mine:.1f}x faster")


if __name__ == "__main__":
    main()
