"""English defaults (issue 50): a hybrid model trained with some predictive setting, its count
part recomputed with other count settings (Dirichlet smoothing, a wide or a narrow window) and
recombined with several weights, each scored on Google analogies (3CosAdd, the 30,000 most frequent
words), WordSim353 and SimLex-999. The predictive part is trained once per model (the command's
own `train`); count variants cost a count and an SVD each.

    python benchmarks/english_levers.py MODEL [--variants default,dir1e-4,...] [--weights 0.25,0.3]
    python benchmarks/english_levers.py --tiny

MODEL: `w2vkit train enwiki-text8style-100M.txt.gz [options] -o MODEL` (hybrid, the default below
50M tokens); its meta.json gives the count weight it was stored with and its cached corpus.
"""

import argparse
import json
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from count_model import COUNT_VARIANTS  # noqa: E402

from w2vkit.evaluation.evalsets import resolve_set  # noqa: E402
from w2vkit.evaluation.evaluate import evaluate_analogies, evaluate_pairs  # noqa: E402
from w2vkit.model.store import Model, load_model  # noqa: E402
from w2vkit.queries.query import Engine  # noqa: E402
from w2vkit.training.countmodel import CountOptions, combine, train_count_model  # noqa: E402


def scores(words, counts, vectors) -> dict:
    engine = Engine(Model(Path("."), words, counts, vectors, {}))
    out = {"google": evaluate_analogies(engine, resolve_set("google"), 30000, "add").total.accuracy}
    for name in ("wordsim353", "simlex999"):
        out[name] = evaluate_pairs(engine, resolve_set(name), 30000).spearman
    return out


def report(label: str, s: dict, seconds: float, row: dict, json_path: str | None) -> None:
    """One line of scores on stdout, and the row appended to json_path (JSON lines) if given."""
    shown = {k: ("n/a" if v is None else f"{v:.2%}" if k == "google" else f"{v:.3f}") for k, v in s.items()}
    print(
        f"{label} Google {shown['google']}  WS353 {shown['wordsim353']}  SimLex {shown['simlex999']}  "
        f"(count {seconds:.0f} s)",
        flush=True,
    )
    if json_path:
        with open(json_path, "a", encoding="utf-8") as f:
            f.write(json.dumps(row) + "\n")


def from_kept(args) -> None:
    """Count variants mixed with vectors kept by english_defaults.py --keep (the same corpus cache)."""
    from english_defaults import variant

    from w2vkit.text.corpus.corpuscache import prepare_corpus
    from w2vkit.text.segmenting.segment import SegmentOptions

    kept = Path(args.vectors)
    words = (kept / "words.txt").read_text(encoding="utf-8").split("\n")[:-1]
    counts = np.arange(len(words), 0, -1)  # (only their order matters: the most frequent first)
    w, c = np.load(kept / "w.npy"), np.load(kept / "c.npy")
    corpus = prepare_corpus([str(ROOT.parent / "shared/corpora/enwiki-text8style-100M.txt.gz")], SegmentOptions()).path
    for name in args.variants.split(","):
        started = time.perf_counter()
        counted = train_count_model(corpus, words, replace(CountOptions(seed=1), **COUNT_VARIANTS[name]))
        seconds = time.perf_counter() - started
        for post, weight in ((p, float(x)) for p in args.post.split(",") for x in args.weights.split(",")):
            predictive = variant(w, c, post)
            s = scores(words, counts, predictive if weight == 0 else combine(predictive, counted.vectors, weight))
            row = {"vectors": str(kept), "post": post, "variant": name, "weight": weight, **s}
            report(f"{kept.name} {post:10} {name:14} weight {weight:<5g}", s, seconds, row, args.json)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("model", nargs="?")
    p.add_argument("--variants", default="default,dir1e-4,topical,paradigmatic")
    p.add_argument("--weights", default="0,0.25,0.35")
    p.add_argument("--json", default=None, help="append rows here (JSON lines)")
    p.add_argument("--tiny", action="store_true")
    p.add_argument(
        "--vectors", metavar="DIR", help="instead of MODEL: word and context vectors kept by english_defaults.py --keep"
    )
    p.add_argument(
        "--post",
        default="w+c abtt2",
        help="with --vectors: their post-processings (english_defaults.py's), comma-separated",
    )
    args = p.parse_args()
    if args.vectors:
        return from_kept(args)
    if args.tiny:
        import tempfile

        from tiny import TINY_TRAIN, tiny_novel

        from w2vkit.text.segmenting.segment import SegmentOptions
        from w2vkit.training.trainer import train
        from w2vkit.training.trainoptions import TrainOptions

        args.model = str(Path(tempfile.mkdtemp()) / "m")
        train([tiny_novel()], Path(args.model), TrainOptions(**TINY_TRAIN, method="hybrid"), SegmentOptions())
        args.variants, args.weights = "default,dir1e-4", "0,0.25"
    model = load_model(args.model)
    meta = model.meta
    stored = float(meta.get("hyperparameters", {}).get("count_weight", 0.25))
    count_dim = int(meta["count_model"]["dim"])
    vectors = np.asarray(model.vectors, dtype=np.float32)
    predictive = vectors[:, : vectors.shape[1] - count_dim] / np.sqrt(1 - stored)
    corpus = Path(meta["corpus"]["cache"])
    for variant in args.variants.split(","):
        started = time.perf_counter()
        options = replace(CountOptions(seed=1), **COUNT_VARIANTS[variant])
        counted = train_count_model(corpus, model.words, options)
        seconds = time.perf_counter() - started
        for w in (float(x) for x in args.weights.split(",")):
            mixed = predictive if w == 0 else combine(predictive, counted.vectors, w)
            s = scores(model.words, model.counts, mixed)
            row = {"model": args.model, "variant": variant, "weight": w, **s, "count_seconds": round(seconds, 1)}
            report(f"{variant:14} weight {w:<5g}", s, seconds, row, args.json)


if __name__ == "__main__":
    main()
