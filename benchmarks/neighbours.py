"""Query-time levers for better neighbours (issue 50), on models already trained: CSLS (hubness
correction) and a frequency floor for neighbours, each against the plain cosine ranking, on the
texts benchmarks/ensemble.py keeps (its --keep folder: TEXT/boot, the model; TEXT/other0, other1,
independent models on other chapter resamples). Per text and lever: alias recall@10, category
precision@10 (benchmarks/data/zh-everyday-categories.txt), stability (top-10 shared with an
independent model ranking the same way) and the milliseconds a query takes.

    python benchmarks/neighbours.py --models /work/bench/ensemble [--texts xiyouji,sanguo,hongloumeng]
    python benchmarks/neighbours.py --tiny
"""

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from ensemble import TEXTS, read_categories, read_groups  # noqa: E402

from w2vkit.model.store import load_model  # noqa: E402
from w2vkit.queries.query import Engine  # noqa: E402

LEVERS = {
    "cosine": dict(hubness=False, floor=None),
    "csls": dict(hubness=True, floor=None),
    "floor 5": dict(hubness=False, floor=5),
    "floor 10": dict(hubness=False, floor=10),
    "csls + floor 5": dict(hubness=True, floor=5),
}


def top10(engine, word, hubness, floor):
    if word not in engine.model.index:
        return None
    found = engine.nearest(word, 10, min_count=floor or None, hubness="csls" if hubness else "none")
    return [engine.model.words[i] for i in found.rows]


def measure(engine, others, groups, categories, lever):
    aliases, cats, agree, seconds, queries = [], {}, [], 0.0, 0
    for group in groups:
        known = [w for w in group if w in engine.model.index]
        for w in known:
            rest = set(known) - {w}
            if rest:
                t = time.perf_counter()
                found = top10(engine, w, **lever)
                seconds += time.perf_counter() - t
                queries += 1
                aliases.append(len(set(found) & rest) / min(10, len(rest)))
    for w, name in categories.items():
        found = top10(engine, w, **lever)
        if found is None:
            continue
        cats.setdefault(name, []).append(sum(categories.get(x) == name for x in found) / 10)
        for other in others:
            theirs = top10(other, w, **lever)
            if theirs is not None:
                agree.append(len(set(found) & set(theirs)))
    frequent = [w for w, c in zip(engine.model.words, engine.model.counts) if c >= 50][:200]
    for w in frequent:
        found = top10(engine, w, **lever)
        for other in others:
            theirs = top10(other, w, **lever)
            if theirs is not None:
                agree.append(len(set(found) & set(theirs)))
    return {
        "aliases": float(np.mean(aliases)) if aliases else None,
        "categories": float(np.mean([np.mean(v) for v in cats.values()])) if cats else None,
        "stability": float(np.mean(agree)) if agree else None,
        "query_ms": 1000 * seconds / max(1, queries),
    }


def with_count_variant(engine, variant: str) -> tuple:
    """The engine's model with its count part recomputed with a count variant of
    benchmarks/count_model.py (Dirichlet smoothing, a narrow or a wide window), recombined at
    the model's count weight; and the seconds the count part took."""
    from dataclasses import replace

    from count_model import COUNT_VARIANTS

    from w2vkit.model.store import Model
    from w2vkit.training.countmodel import CountOptions, combine, train_count_model

    meta = engine.model.meta
    layout = meta["count_model"].get("layout") or {}
    stored = float(meta["hyperparameters"].get("count_weight", 0.25))
    variant, _, weight_given = variant.partition("@")  # (name@0.4: recombined at that weight)
    weight = float(weight_given) if weight_given else stored
    vectors = np.asarray(engine.model.vectors, dtype=np.float32)
    predictive = vectors[:, : layout.get("predictive_dim", vectors.shape[1] - meta["count_model"]["dim"])]
    predictive = predictive / np.sqrt(1 - stored)
    options = replace(CountOptions(seed=1), **COUNT_VARIANTS[variant])
    started = time.perf_counter()
    counted = train_count_model(Path(meta["corpus"]["cache"]), engine.model.words, options)
    seconds = time.perf_counter() - started
    mixed = combine(predictive, counted.vectors, weight)
    model = Model(engine.model.path, engine.model.words, engine.model.counts, mixed, meta)
    return Engine(model), seconds


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--models", default=None, help="benchmarks/ensemble.py's --keep folder")
    p.add_argument("--texts", default="xiyouji,sanguo,hongloumeng")
    p.add_argument("--tiny", action="store_true")
    p.add_argument(
        "--count-variants",
        default=None,
        help="instead of the query levers: the count part recomputed with each of these "
        "(benchmarks/count_model.py's names: default,dir1e-4,paradigmatic,topical,...), plain cosine",
    )
    p.add_argument("--categories", default=None, help="another category file (zh-classical-categories.txt)")
    p.add_argument("--json", default=None)
    args = p.parse_args()
    categories = read_categories(Path(args.categories) if args.categories else None)
    figures = {}
    with tempfile.TemporaryDirectory() as tmp:
        texts = args.texts.split(",")
        if args.tiny:
            from tiny import TINY_TRAIN, tiny_novel

            from w2vkit.text.segmenting.segment import SegmentOptions
            from w2vkit.training.trainer import train
            from w2vkit.training.trainoptions import TrainOptions

            for name in ("boot", "other0"):
                train([tiny_novel()], Path(tmp) / "xiyouji" / name, TrainOptions(**TINY_TRAIN), SegmentOptions())
            args.models, texts = tmp, ["xiyouji"]
        for text in texts:
            folder = Path(args.models) / text
            engine = Engine(load_model(folder / "boot"))
            others = [Engine(load_model(o)) for o in sorted(folder.glob("other*")) if (o / "meta.json").exists()]
            groups = read_groups(TEXTS[text][1]) if text in TEXTS else []
            if args.count_variants:
                figures[text] = {}
                for variant in args.count_variants.split(","):
                    varied, seconds = with_count_variant(engine, variant)
                    varied_others = [with_count_variant(o, variant)[0] for o in others]
                    row = measure(varied, varied_others, groups, categories, LEVERS["cosine"])
                    figures[text][variant] = {**row, "count_s": seconds}
                    print(f"  {text} {variant}: {row} count {seconds:.1f} s", flush=True)
            else:
                figures[text] = {
                    name: measure(engine, others, groups, categories, lever) for name, lever in LEVERS.items()
                }
    print(
        f"{'text':<12} {'lever':<16} {'aliases':>8} {'categories':>11} {'stability':>10} {'query ms':>9} {'count s':>8}"
    )
    for text, rows in figures.items():
        for name, f in rows.items():
            fmt = lambda v: "n/a" if v is None else f"{v:.3f}"  # noqa: E731
            print(
                f"{text:<12} {name:<16} {fmt(f['aliases']):>8} {fmt(f['categories']):>11} {fmt(f['stability']):>10} "
                f"{f['query_ms']:>9.2f} {f.get('count_s', float('nan')):>8.1f}"
            )
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
