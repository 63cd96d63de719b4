"""How the large-corpus (English) defaults of `w2vkit train` were chosen: a sweep on Wikipedia.

Each trial trains gensim Word2Vec (corpus_file mode on all cores, as `w2vkit train` does) on the
shared 17M-word text8-style Wikipedia corpus, tokenised as `w2vkit train` tokenises it (cached),
and scores the vectors, and cheap post-processings of them, with w2vkit's evaluation (the same
scores as gensim's evaluate functions, tested in tests/evaluation/test_evaluate.py):

* Google analogies, 3CosAdd over the 30,000 most frequent words (`w2vkit evaluate`'s default);
* WordSim353 and SimLex-999 Spearman rho.

Post-processings, all computed from the one trained model (no retraining):

* `w`: the word vectors as trained;
* `w+c`: word plus context (output) vectors, each row unit-normalised first (Levy, Goldberg and
  Dagan 2015 found w+c helps similarity tasks for SGNS);
* `abttD`: "all-but-the-top" (Mu and Viswanath 2018): subtract the mean vector and remove the
  projections on the top D principal components (fitted on all words);
* combinations of both.

A trial whose training time alone exceeds --budget seconds is flagged (the target is
segmentation + training <= 10 min on 2 cores; tokenising takes ~1 min of that). Results are
appended to a JSON-lines file as each trial ends, so a long sweep that is stopped keeps them.

    python benchmarks/english_defaults.py [--only 0,3] [--seeds 1,2] [--out /tmp/en-sweep.jsonl]
    python benchmarks/english_defaults.py --check models/enwiki-text8style-100M

--check scores a saved model with w2vkit and with gensim's own evaluate functions on the same
vectors, side by side (the acceptance check of the defaults).
"""

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from w2vkit.base.choices import SMALL_CORPUS_TOKENS  # noqa: E402
from w2vkit.evaluation.evalsets import resolve_set  # noqa: E402
from w2vkit.evaluation.evaluate import evaluate_analogies, evaluate_pairs  # noqa: E402
from w2vkit.model.postprocess import Steps, apply  # noqa: E402
from w2vkit.model.store import Model  # noqa: E402
from w2vkit.queries.query import Engine  # noqa: E402
from w2vkit.text.corpus.corpuscache import prepare_corpus  # noqa: E402
from w2vkit.text.segmenting.segment import SegmentOptions  # noqa: E402
from w2vkit.training.countmodel import combine, train_count_model  # noqa: E402
from w2vkit.training.trainoptions import TrainOptions  # noqa: E402

# The large-corpus default before this sweep (TrainOptions.resolved for >= 2M tokens until 2026-11-23).
BASE = dict(sg=0, vector_size=200, window=8, epochs=10, negative=10, sample=1e-4, min_count=5)
TRIALS = [
    dict(),
    dict(vector_size=300),
    dict(vector_size=300, epochs=15),
    dict(vector_size=300, window=10, epochs=15),
    dict(epochs=15, sample=1e-5),
    dict(vector_size=300, negative=15),
    dict(sg=1, vector_size=300, window=5, epochs=3, negative=5),
    dict(sg=1, vector_size=300, window=8, epochs=5, negative=5, sample=1e-5),
    dict(vector_size=300, epochs=20, sample=1e-5),
    dict(min_count=10),
    dict(vector_size=400, epochs=15),
    dict(alpha=0.05),  # the C tool's CBOW learning rate (gensim's default is 0.025 for both)
    dict(alpha=0.05, epochs=15, sample=1e-5),
    dict(window=12, epochs=15, sample=1e-5),
    dict(sample=1e-3),
    dict(alpha=0.05, sample=1e-3),
    dict(alpha=0.05, vector_size=300, epochs=15),
]
POSTPROCESS = ["w", "w abtt1", "w abtt2", "w abtt3", "w abtt5", "w+c", "w+c abtt1", "w+c abtt2", "w+c abtt3"]


def variant(w: np.ndarray, c: np.ndarray | None, name: str) -> np.ndarray:
    """A post-processing named as in POSTPROCESS, by w2vkit.model.postprocess (what train applies)."""
    base, _, post = name.partition(" ")
    return apply(w, Steps(base == "w+c", int(post[4:]) if post.startswith("abtt") else 0), c)


def scores(words, counts, vectors) -> dict:
    engine = Engine(Model(Path("."), words, counts, vectors, {}))
    google = evaluate_analogies(engine, resolve_set("google"), 30000, "add").total
    out = {"google": google.accuracy}
    for name in ("wordsim353", "simlex999"):
        out[name] = evaluate_pairs(engine, resolve_set(name), 30000).spearman
    return out


def count_part(corpus: Path, words: list[str], seed: int) -> np.ndarray:
    """The count part `train --method hybrid` would add to these words (its defaults for a large corpus)."""
    started = time.perf_counter()
    options = TrainOptions(seed=seed).resolved(SMALL_CORPUS_TOKENS, "en").count_options()
    vectors = train_count_model(corpus, words, options).vectors
    print(f"count part of {len(words)} words in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return vectors


def check(model_dir: str) -> None:
    from gensim.models import KeyedVectors

    from w2vkit.model.store import load_model

    model = load_model(model_dir)
    ours = scores(model.words, model.counts, np.asarray(model.vectors))
    kv = KeyedVectors(model.dim)
    kv.add_vectors(model.words, np.asarray(model.vectors))
    google, _ = kv.evaluate_word_analogies(str(resolve_set("google")), restrict_vocab=30000)
    theirs = {"google": google}
    for name in ("wordsim353", "simlex999"):
        _, spearman, _ = kv.evaluate_word_pairs(str(resolve_set(name)), restrict_vocab=30000)
        theirs[name] = spearman[0]
    print(f"{'':8} {'google':>7} {'ws353':>6} {'simlex':>6}   ({model_dir}: {model.meta.get('postprocess')})")
    for who, s in (("w2vkit", ours), ("gensim", theirs)):
        print(f"{who:8} {s['google']:>7.2%} {s['wordsim353']:>6.3f} {s['simlex999']:>6.3f}")


def main():
    from gensim.models import Word2Vec

    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--corpus", default=str(ROOT.parent / "shared/corpora/enwiki-text8style-100M.txt.gz"))
    p.add_argument("--only", help="comma-separated trial numbers")
    p.add_argument("--seeds", default="1")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--budget", type=float, default=540.0, help="training seconds allowed (flagged beyond)")
    p.add_argument("--post", help="comma-separated post-processings (default: all)")
    p.add_argument("--out", default="/tmp/en-sweep.jsonl")
    p.add_argument("--check", metavar="MODEL", help="score a saved model with w2vkit and gensim, and stop")
    p.add_argument("--tiny", action="store_true", help="one epoch of two trials (tests/test_benchmarks.py)")
    p.add_argument("--setting", action="append", default=[], help='an ad-hoc trial as JSON, e.g. {"window": 10}')
    p.add_argument(
        "--count-weights", default="0", help="also score each as a hybrid: the count part (train's) at these weights"
    )
    p.add_argument("--keep", metavar="DIR", help="keep each trial's word and context vectors here (npy)")
    args = p.parse_args()
    if args.tiny:
        from tiny import TINY_DIM, TINY_EPOCHS

        BASE.update(epochs=TINY_EPOCHS, vector_size=TINY_DIM, min_count=1)
        args.only = args.only or "0,11"
        for trial in TRIALS:
            trial.pop("vector_size", None), trial.pop("epochs", None)
    if args.check:
        return check(args.check)

    started = time.perf_counter()
    corpus = prepare_corpus([args.corpus], SegmentOptions()).path
    print(f"corpus {corpus} ready in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    only = [int(i) for i in args.only.split(",")] if args.only else range(len(TRIALS))
    if args.setting:
        TRIALS.extend(json.loads(text) for text in args.setting)
        only = list(only) if args.only else []
        only += range(len(TRIALS) - len(args.setting), len(TRIALS))
    weights = [float(x) for x in args.count_weights.split(",")]
    count_parts: dict[tuple, np.ndarray] = {}
    posts = args.post.split(",") if args.post else POSTPROCESS
    header = (
        f"{'#':>2} {'setting':<44} {'seed':>4} {'train s':>7} {'post':<10} {'google':>6} {'ws353':>6} {'simlex':>6}"
    )
    print(header)
    for i in only:
        setting = {**BASE, **TRIALS[i]}
        for seed in (int(s) for s in args.seeds.split(",")):
            t = time.perf_counter()
            model = Word2Vec(corpus_file=str(corpus), workers=args.workers, seed=seed, **setting)
            seconds = time.perf_counter() - t
            words = list(model.wv.index_to_key)
            counts = np.array([model.wv.get_vecattr(w, "count") for w in words])
            w, c = model.wv.vectors, getattr(model, "syn1neg", None)
            shown = " ".join(f"{k}={v}" for k, v in TRIALS[i].items()) or "(base)"
            if args.keep:
                keep = Path(args.keep) / f"{shown.replace(' ', '_').replace('=', '')}-seed{seed}"
                keep.mkdir(parents=True, exist_ok=True)
                np.save(keep / "w.npy", w), np.save(keep / "c.npy", c)
                (keep / "words.txt").write_text("\n".join(words) + "\n", encoding="utf-8")
            if any(weights) and tuple(words) not in count_parts:
                count_parts.clear()  # one vocabulary's count part at a time (memory)
                count_parts[tuple(words)] = count_part(corpus, words, seed)
            for post in posts:
                if post.startswith("w+c") and c is None:
                    continue
                for weight in weights:
                    vectors = variant(w, c, post)
                    if weight:
                        vectors = combine(vectors, count_parts[tuple(words)], weight)
                    s = scores(words, counts, vectors)
                    row = dict(trial=i, setting=setting, seed=seed, train_seconds=round(seconds, 1), post=post, **s)
                    row["count_weight"] = weight
                    flag = "!" if seconds > args.budget else " "
                    label = f"{post} +{weight:g}" if weight else post
                    print(
                        f"{i:>2} {shown:<44} {seed:>4} {seconds:>6.0f}{flag} {label:<10} "
                        f"{s['google']:>6.2%} {s['wordsim353']:>6.3f} {s['simlex999']:>6.3f}",
                        flush=True,
                    )
                    with open(args.out, "a") as f:
                        f.write(json.dumps(row) + "\n")
            del model


if __name__ == "__main__":
    main()
