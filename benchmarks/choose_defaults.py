"""How the defaults of `w2vkit train` were chosen: a sweep on the novel scored by alias recall.

Each setting trains on the cached segmented novel and is scored on the built-in alias groups
(w2vkit/data/eval/xiyouji-aliases.txt): for every word of a group in the vocabulary, the share of
the group's other in-vocabulary words among its 10 nearest neighbours (recall@10), and the
reciprocal rank of the first one (MRR). Also prints training seconds.

    python benchmarks/choose_defaults.py [--corpus PATH] [--seeds 2]
"""

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from w2vkit.evaluate import alias_scores, read_groups  # noqa: E402
from w2vkit.segment import SegmentOptions  # noqa: E402
from w2vkit.train import prepare_corpus  # noqa: E402

SETTINGS = [
    dict(sg=0, epochs=5, window=5, vector_size=100),
    dict(sg=0, epochs=15, window=5, vector_size=100),
    dict(sg=0, epochs=30, window=5, vector_size=100),
    dict(sg=0, epochs=30, window=8, vector_size=100),
    dict(sg=0, epochs=30, window=8, vector_size=200),
    dict(sg=0, epochs=30, window=8, vector_size=100, min_count=3),
    dict(sg=0, epochs=50, window=8, vector_size=100),
    dict(sg=1, epochs=5, window=5, vector_size=100),
    dict(sg=1, epochs=15, window=8, vector_size=100),
]


def main():
    from gensim.models import Word2Vec

    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpora" / "xiyouji.txt"))
    p.add_argument("--seeds", type=int, default=2)
    args = p.parse_args()
    corpus = prepare_corpus([args.corpus], SegmentOptions()).path
    groups = read_groups("xiyouji-aliases")
    print(f"{'setting':52} {'recall@10':>9} {'MRR':>6} {'seconds':>8}")
    for s in SETTINGS:
        s = dict(dict(min_count=5, negative=5, workers=2), **s)
        recalls, mrrs, secs = [], [], []
        for seed in range(1, args.seeds + 1):
            t = time.perf_counter()
            m = Word2Vec(corpus_file=str(corpus), seed=seed, **s)
            secs.append(time.perf_counter() - t)
            words = list(m.wv.index_to_key)
            r = alias_scores(words, m.wv.vectors, groups)
            recalls.append(r["recall_at_10"])
            mrrs.append(r["mrr"])
        name = " ".join(f"{k}={v}" for k, v in s.items() if k != "workers")
        print(f"{name:52} {np.mean(recalls):9.3f} {np.mean(mrrs):6.3f} {np.mean(secs):8.1f}", flush=True)


if __name__ == "__main__":
    main()
