"""Start-up and overhead, each as a same-run ratio (issue 38, part 5):

1. `similar` of a word composed from character n-grams against `similar` of a known word (a
   fresh command each; the unknown word's message must cost nothing when the word is composed).
   Target <= 1.2x.
2. `plot` of 300 words against a minimal script doing the same: Python start, imports, scikit-
   learn t-SNE (cosine, PCA start) of the model's 300 most frequent words, a labelled matplotlib
   scatter saved as PNG. Target <= 1.5x.
3. The whole `train` command on the novel (segmentation cached, word2vec) against gensim's
   training alone with the same settings on the same segmented file. Target <= 0.8x the time
   (benchmarks/train.py prints the inverse, a speed ratio).

Each pair runs alternately, --rounds times; the ratio is the median of the rounds' own ratios.

    python benchmarks/startup.py [-m MODEL] [--rounds 5]

Without -m, a model of the built-in novel is trained first (a subword model, as `train` makes
for Chinese: the composed word needs n-grams).
"""

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from train import GENSIM  # noqa: E402  (gensim's training alone, as benchmarks/train.py runs it)

MINIMAL_PLOT = """
import sys
import numpy as np
from sklearn.manifold import TSNE
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
model, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
words = [line.split("\\t")[0] for line in open(model + "/vocab.tsv", encoding="utf-8")][1:][:n]
vectors = np.load(model + "/vectors.npy", mmap_mode="r")[: len(words)]
xy = TSNE(metric="cosine", init="pca", random_state=0, perplexity=30).fit_transform(np.asarray(vectors))
fig, ax = plt.subplots(figsize=(12, 12))
ax.scatter(xy[:, 0], xy[:, 1], s=4)
for (x, y), w in zip(xy, words):
    ax.annotate(w, (x, y), fontsize=7)
fig.savefig(out, dpi=100)
"""


def timed(args: list[str]) -> float:
    t = time.perf_counter()
    subprocess.run(args, check=True, capture_output=True)
    return time.perf_counter() - t


def w2vkit(*args) -> list[str]:
    return [sys.executable, "-m", "w2vkit", *map(str, args), "-q"]


def composed_word(model_path: str) -> tuple[str, str]:
    """A frequent known word, and a word the model does not have but composes from n-grams."""
    from w2vkit.model.store import load_model
    from w2vkit.queries.query import Engine

    engine = Engine(load_model(model_path))
    known = next(w for w in engine.model.words[20:] if len(w) >= 2)
    for base in engine.model.words[20:500]:
        for extra in ("王", "大", "子", "山"):
            candidate = base + extra
            if len(base) >= 2 and candidate not in engine.model.index:
                try:
                    engine.lookup(candidate)
                except Exception:  # not composable: try another
                    continue
                return known, candidate
    raise SystemExit("no composable word found: give a subword model")


def ratio_rounds(rounds: int, first, second) -> tuple[float, float, float]:
    """Median seconds of each and the median of the rounds' own ratios (second / first)."""
    a, b = [], []
    for _ in range(rounds):
        a.append(first())
        b.append(second())
    return statistics.median(a), statistics.median(b), statistics.median(y / x for x, y in zip(a, b))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("-m", "--model", default=None)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--corpus", default="xiyouji")
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        model = args.model
        if model is None:
            model = str(tmp / "model")
            subprocess.run(w2vkit("train", args.corpus, "-o", model), check=True)
        known, composed = composed_word(model)
        k, c, r1 = ratio_rounds(
            args.rounds,
            lambda: timed(w2vkit("similar", known, "-m", model)),
            lambda: timed(w2vkit("similar", composed, "-m", model)),
        )
        print(f"1. similar {composed} (composed) {c:.2f} s / {known} (known) {k:.2f} s = {r1:.2f}x (target <= 1.2x)")

        m, w, r2 = ratio_rounds(
            args.rounds,
            lambda: timed([sys.executable, "-c", MINIMAL_PLOT, model, str(tmp / "minimal.png"), "300"]),
            lambda: timed(w2vkit("plot", "--top", 300, "-o", tmp / "plot.png", "-m", model)),
        )
        print(f"2. plot of 300 words {w:.2f} s / a minimal script {m:.2f} s = {r2:.2f}x (target <= 1.5x)")

        from w2vkit.text.corpus.corpuscache import prepare_corpus
        from w2vkit.text.segmenting.segment import SegmentOptions
        from w2vkit.training.fitting import gensim_kwargs
        from w2vkit.training.trainoptions import TrainOptions

        prepared = prepare_corpus([args.corpus], SegmentOptions())
        opts = TrainOptions(method="word2vec").resolved(prepared.tokens, prepared.language)
        kw = dict(gensim_kwargs(opts), subwords=opts.subwords)
        kw.pop("compute_loss", None)

        def gensim_alone():
            out = subprocess.run(
                [sys.executable, "-c", GENSIM, str(prepared.path), json.dumps(kw)],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            return float(out.split()[-1])

        g, t, r3 = ratio_rounds(
            max(1, args.rounds // 2),
            gensim_alone,
            lambda: timed(w2vkit("train", args.corpus, "-o", tmp / "m", "--method", "word2vec")),
        )
        print(
            f"3. train {args.corpus} (whole command, cached segmentation) {t:.1f} s / gensim's training alone "
            f"{g:.1f} s = {r3:.2f}x (target <= 0.8x)"
        )


if __name__ == "__main__":
    main()
