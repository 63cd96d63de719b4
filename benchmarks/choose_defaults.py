"""How the small-corpus defaults of `w2vkit train` were chosen: a sweep scored by alias recall.

Each setting is trained with gensim (corpus_file mode, as `w2vkit train` does: Word2Vec, or
FastText for the settings with character n-grams, "subwords") on two segmented
novels and scored on their alias groups: 《西游记》 with w2vkit/data/eval/xiyouji-aliases.txt and,
as a check on a text nobody tuned for (no built-in dictionary), 《三国演义》 with
sanguo-aliases.txt. For every word of a group in the vocabulary: the share of the group's other
in-vocabulary words among its 10 nearest neighbours (recall@10), and the reciprocal rank of the
first one (MRR). Only words seen at least 10 times are scored, the same words for every setting,
so that a higher min_count cannot score better by dropping the hard, rare names. Means over
seeds; training seconds too; `top10` is how many of 孙悟空's other names its 10 nearest
neighbours hold (what `w2vkit similar 孙悟空` shows; a diagnostic, not the criterion).

    python benchmarks/choose_defaults.py [--seeds 2] [--only 0,3,5]
"""

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from w2vkit.evaluation.evalsets import read_groups  # noqa: E402
from w2vkit.evaluation.evaluate import alias_scores  # noqa: E402
from w2vkit.model.store import model_in_memory  # noqa: E402
from w2vkit.model.subwords import compose_subword_vectors  # noqa: E402
from w2vkit.queries.query import Engine  # noqa: E402
from w2vkit.text.corpus.corpuscache import prepare_corpus  # noqa: E402
from w2vkit.text.segmenting.segment import SegmentOptions  # noqa: E402

BASE = dict(sg=0, epochs=30, window=8, vector_size=100, negative=5, sample=1e-3, min_count=5)
SUBWORDS = dict(subwords=True, min_n=2, max_n=3, bucket=200_000)  # gensim FastText
SETTINGS = [
    dict(epochs=5, window=5),  # gensim's and the C tool's defaults
    dict(epochs=15, window=5),
    dict(epochs=30, window=5),
    dict(),  # BASE: the word2vec default before subwords
    dict(window=12),
    dict(epochs=50),
    dict(vector_size=200),
    dict(min_count=3),
    dict(min_count=10),
    dict(negative=15),
    dict(sample=1e-4),
    dict(sample=1e-2),
    dict(epochs=50, negative=15),
    dict(sg=1, epochs=5, window=5),
    dict(sg=1, epochs=15),
    dict(sg=1, epochs=30, sample=1e-4),
    dict(SUBWORDS),
    dict(SUBWORDS, min_n=1, max_n=2),
    dict(SUBWORDS, min_n=2, max_n=2),
    dict(SUBWORDS, min_n=1, max_n=3),
    dict(SUBWORDS, epochs=50),
    dict(SUBWORDS, negative=10),
    dict(SUBWORDS, vector_size=200),
    dict(SUBWORDS, sg=1, epochs=15),
    # The word's own vector weighted against its n-grams' (w2vkit.training.trainer.compose_subword_vectors);
    # the rows above use gensim's composition.
    dict(SUBWORDS, epochs=50, word_weight=0.2),
    dict(SUBWORDS, epochs=50, word_weight=0.3),  # the default for Chinese below 2M tokens
    dict(SUBWORDS, epochs=50, word_weight=0.4),
    dict(SUBWORDS, epochs=50, word_weight=0.5),
]
MIN_SCORED_COUNT = 10
CORPORA = [("xiyouji", "xiyouji-aliases"), ("sanguo", "sanguo-aliases")]


def main():
    from gensim.models import FastText, Word2Vec

    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--shared", default=str(ROOT.parent / "shared"))
    p.add_argument("--seeds", type=int, default=2)
    p.add_argument("--only", help="comma-separated indexes into SETTINGS")
    p.add_argument("--tiny", action="store_true", help="a slice of the novel, one epoch (tests/test_benchmarks.py)")
    args = p.parse_args()
    sources = {name: str(Path(args.shared) / "corpora" / f"{name}.txt") for name, _ in CORPORA}
    if args.tiny:
        from tiny import TINY_DIM, TINY_EPOCHS, tiny_novel

        BASE.update(epochs=TINY_EPOCHS, vector_size=TINY_DIM)
        sources = {"xiyouji": tiny_novel()}
        args.seeds, args.only = 1, args.only or "0,16"
    corpora = []
    for name, groups in CORPORA:
        if name not in sources:
            continue
        path = prepare_corpus([sources[name]], SegmentOptions()).path
        counts = Counter(path.read_text(encoding="utf-8").split())
        kept = [[w for w in g if counts[w] >= MIN_SCORED_COUNT] for g in read_groups(groups)]
        corpora.append((name, path, [g for g in kept if len(g) >= 2]))
    only = [int(i) for i in args.only.split(",")] if args.only else range(len(SETTINGS))
    head = "".join(f"{name + ' R@10':>14}{'MRR':>6}" for name, _, _ in corpora)
    print(
        f"{'#':>2} {'setting (changes from cbow e30 w8 d100 n5 s1e-3 mc5)':44}{head}{'mean R@10':>10}"
        f"{'top10':>6}{'s':>6}"
    )
    for i in only:
        s = dict(BASE, **SETTINGS[i])
        cells, means, secs, top10 = "", [], [], []
        for name, path, groups in corpora:
            recalls, mrrs = [], []
            for seed in range(1, args.seeds + 1):
                t = time.perf_counter()
                kw = {k: v for k, v in s.items() if k not in ("subwords", "word_weight")}
                m = (FastText if s.get("subwords") else Word2Vec)(corpus_file=str(path), seed=seed, workers=2, **kw)
                vectors = m.wv.vectors
                if "word_weight" in s:
                    vectors = compose_subword_vectors(m.wv, s["word_weight"])
                    m.wv.vectors = vectors
                    m.wv.norms = None
                secs.append(time.perf_counter() - t)
                r = alias_scores(Engine(model_in_memory(vectors, m.wv.index_to_key)), groups)
                recalls.append(r["recall_at_10"])
                mrrs.append(r["mrr"])
                if name == "xiyouji":
                    top = {w for w, _ in m.wv.most_similar("孙悟空", topn=10)}
                    top10.append(len(top & set(groups[0])))
            cells += f"{np.mean(recalls):14.3f}{np.mean(mrrs):6.3f}"
            means.append(np.mean(recalls))
        changes = [f"{k}={v}" for k, v in SETTINGS[i].items() if k not in ("sg", *SUBWORDS)]
        if s.get("subwords"):
            changes.insert(0, f"subwords {s['min_n']}-{s['max_n']}")
        if s["sg"]:
            changes.insert(0, "skipgram")
        label = " ".join(changes) or "(base)"
        print(f"{i:2} {label:44}{cells}{np.mean(means):10.3f}{np.mean(top10):6.1f}{np.mean(secs):6.1f}", flush=True)


if __name__ == "__main__":
    main()
