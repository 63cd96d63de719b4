"""Are the members' intervals calibrated? On a novel: a model with --bootstrap N (N members on
resamples of its chapters) and K independent models, each trained with the same options on one more
resample of the chapters drawn the same way. For (word, other word) pairs drawn from the words seen
at least --min-count times (half among each word's 10 nearest neighbours, half any frequent word,
so not only top neighbours) and for axis scores, the share of the independent models' values that
fall inside the first model's intervals, for the interval methods:

  fisher-t   w2vkit's: mean(atanh) ± t(n-1) · sd · sqrt(1 + 1/n), back through tanh (nominal 90%)
  pct5-95    the members' 5th-95th percentiles (numpy's, linear interpolation)
  min-max    the members' range

and the same for --seeds N members (training noise only), which should cover a resample far less
often. Then the threshold for flagging a word as unstable: for the words seen --min-count times,
each word's stability (the mean recurrence of its top-10 neighbours among the members) against
how many of those 10 an independent resample model finds again (its top 10); the table gives the
mean of the latter by band of the former, and the share of words below each threshold. Prints
tables; --json writes the figures, --keep DIR keeps the models.

    python benchmarks/calibration.py --corpus ../shared/corpora/sanguo.txt [--members 10] [--independent 3]
    python benchmarks/calibration.py --tiny
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

from w2vkit.base.intervals import interval  # noqa: E402
from w2vkit.findings.stability import word_stability  # noqa: E402
from w2vkit.model.members import Resampling  # noqa: E402
from w2vkit.model.store import load_model  # noqa: E402
from w2vkit.queries.query import Engine  # noqa: E402
from w2vkit.text.corpus.documents import draw_resample, find_documents, write_resample  # noqa: E402
from w2vkit.text.segmenting.segment import SegmentOptions  # noqa: E402
from w2vkit.training.trainer import train  # noqa: E402
from w2vkit.training.trainoptions import TrainOptions  # noqa: E402

# Axes scored in the check: poles of several frequent two-character words where the novel has them.
AXES = [
    (["丞相", "军师", "先生", "谋士"], ["将军", "大将", "武将", "先锋"]),  # 文 vs 武, 三国演义
    (["菩萨", "师父", "长老", "神仙"], ["妖精", "妖怪", "魔王", "怪物"]),  # 善 vs 恶, 西游记
    (["king", "queen", "prince"], ["peasant", "farmer", "servant"]),
]


def methods(values):
    values = np.asarray(values, dtype=np.float64)
    return {
        "fisher-t": interval(values),
        "pct5-95": (float(np.percentile(values, 5)), float(np.percentile(values, 95))),
        "min-max": (float(values.min()), float(values.max())),
    }


def member_values(members, a, b):
    out = []
    for m in members:
        i, j = m.model.index.get(a), m.model.index.get(b)
        if i is not None and j is not None:
            out.append(float(m.unit[i] @ m.unit[j]))
    return out


def axis_values(engine, pos, neg, words):
    index = engine.model.index
    p = [index[w] for w in pos if w in index]
    n = [index[w] for w in neg if w in index]
    if not p or not n:
        return {}
    axis = engine.unit[p].mean(axis=0) - engine.unit[n].mean(axis=0)
    axis /= np.linalg.norm(axis)
    return {w: float(engine.unit[index[w]] @ axis) for w in words if w in index}


def coverage(members, others, pairs, axes_words):
    hits = {k: [0, 0] for k in ("fisher-t", "pct5-95", "min-max")}
    widths = {k: [] for k in hits}
    for a, b in pairs:
        values = member_values(members, a, b)
        if len(values) < 3:
            continue
        spans = methods(values)
        for other in others:
            i, j = other.model.index.get(a), other.model.index.get(b)
            if i is None or j is None:
                continue
            x = float(other.unit[i] @ other.unit[j])
            for k, (lo, hi) in spans.items():
                hits[k][0] += lo <= x <= hi
                hits[k][1] += 1
        for k, (lo, hi) in spans.items():
            widths[k].append(hi - lo)
    axis_hits = {k: [0, 0] for k in hits}
    for pos, neg in AXES:
        per_member = [axis_values(m, pos, neg, axes_words) for m in members]
        per_other = [axis_values(o, pos, neg, axes_words) for o in others]
        for w in axes_words:
            values = [pm[w] for pm in per_member if w in pm]
            if len(values) < 3:
                continue
            spans = methods(values)
            for po in per_other:
                if w in po:
                    for k, (lo, hi) in spans.items():
                        axis_hits[k][0] += lo <= po[w] <= hi
                        axis_hits[k][1] += 1
    return (
        {k: (h / n if n else None, n) for k, (h, n) in hits.items()},
        {k: (h / n if n else None, n) for k, (h, n) in axis_hits.items()},
        {k: float(np.median(v)) if v else None for k, v in widths.items()},
    )


def unstable_threshold(engine, others, frequent):
    """Each frequent word's stability over the members against the share of its top 10 that the
    independent models find again; printed by band, with the share of words under each threshold."""
    stability, agreement = [], []
    for w in frequent:
        s = word_stability(engine, w)
        mine = {x for x, _ in engine.most_similar([w], topn=10)}
        found = []
        for other in others:
            if w in other.model.index:
                found.append(len(mine & {x for x, _ in other.most_similar([w], topn=10)}) / 10)
        if s is not None and found:
            stability.append(s)
            agreement.append(float(np.mean(found)))
    stability, agreement = np.array(stability), np.array(agreement)
    print(
        f"\nword stability (members) against top-10 agreement with independent resample models, {len(stability)} words"
    )
    print(f"{'stability':<12} {'words':>6} {'agreement':>10}")
    bands = []
    for lo in np.arange(0, 1, 0.1):
        inside = (stability >= lo) & (stability < lo + 0.1 + (lo >= 0.9))
        if inside.any():
            print(f"{lo:.1f}-{lo + 0.1:.1f}     {int(inside.sum()):>6} {agreement[inside].mean():>10.2f}")
            bands.append(
                {"from": round(float(lo), 1), "words": int(inside.sum()), "agreement": float(agreement[inside].mean())}
            )
    shares = {f"{t:.1f}": float((stability < t).mean()) for t in (0.2, 0.3, 0.4, 0.5)}
    print("share of words under: " + ", ".join(f"{t} {v:.0%}" for t, v in shares.items()))
    corr = float(np.corrcoef(stability, agreement)[0, 1]) if len(stability) > 2 else None
    return {"bands": bands, "under": shares, "correlation": corr}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpora" / "sanguo.txt"))
    p.add_argument("--members", type=int, default=10)
    p.add_argument("--independent", type=int, default=3)
    p.add_argument("--seeds", type=int, default=5, help="members of the seed-only model (0: skip it)")
    p.add_argument("--min-count", type=int, default=50)
    p.add_argument("--pairs", type=int, default=600)
    p.add_argument("--epochs", type=int, default=None, help="fewer epochs for a quicker check (say so)")
    p.add_argument("--tiny", action="store_true", help="a slice of the built-in novel, tiny models")
    p.add_argument("--jobs", type=int, default=None, help="members trained at once (train --jobs)")
    p.add_argument("--json", default=None)
    p.add_argument("--keep", default=None, help="keep the models in this folder")
    args = p.parse_args()
    opts = dict(epochs=args.epochs) if args.epochs else {}
    corpus = args.corpus
    if args.tiny:
        from tiny import TINY_TRAIN, tiny_novel

        corpus, opts = tiny_novel(), dict(TINY_TRAIN)
        args.members, args.independent, args.seeds, args.min_count, args.pairs = 3, 2, 2, 10, 60
    options = TrainOptions(**opts)
    rng = np.random.default_rng(12345)
    figures = {"corpus": Path(corpus).name, "members": args.members, "independent": args.independent}
    with tempfile.TemporaryDirectory() as scratch:
        tmp = Path(args.keep or scratch)
        tmp.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        result = train(
            [corpus],
            tmp / "boot",
            options,
            SegmentOptions(),
            resampling=Resampling("bootstrap", args.members),
            jobs=args.jobs,
        )
        figures["bootstrap_seconds"] = round(time.perf_counter() - started, 1)
        model = load_model(tmp / "boot")
        corpus_file = Path(model.meta["corpus"]["cache"])
        documents = find_documents(corpus_file, "auto")
        figures["documents"] = documents.describe()
        print(
            f"{Path(corpus).name}: {result.tokens:,} tokens, {len(documents)} documents ({documents.unit}); "
            f"model + {args.members} members in {figures['bootstrap_seconds']} s",
            flush=True,
        )
        others = []
        for k in range(args.independent):
            draw = draw_resample(documents, np.random.default_rng([777, k]))
            resample = tmp / f"resample{k}.txt"
            write_resample(corpus_file, documents, draw, resample)
            # the resample is segmented text: trained as such, with the model's resolved options
            trained = dict(model.meta["hyperparameters"])
            train([str(resample)], tmp / f"other{k}", TrainOptions(**trained), None)
            others.append(Engine(load_model(tmp / f"other{k}")))
        engine = Engine(model)
        members = engine.members
        frequent = [w for w, c in zip(model.words, model.counts) if c >= args.min_count]
        pairs = []
        for w in rng.choice(frequent, size=min(len(frequent), args.pairs // 2), replace=False):
            near = [x for x, _ in engine.most_similar([w], topn=10)]
            pairs.append((w, near[int(rng.integers(0, len(near)))]))
            pairs.append((w, frequent[int(rng.integers(0, len(frequent)))]))
        pairs = [(a, b) for a, b in pairs if a != b]
        axes_words = list(rng.choice(frequent, size=min(len(frequent), 100), replace=False))
        rows = {"bootstrap": coverage(members, others, pairs, axes_words)}
        figures["unstable"] = unstable_threshold(engine, others, frequent)
        if args.seeds:
            train([corpus], tmp / "seeds", options, SegmentOptions(), resampling=Resampling("seeds", args.seeds))
            seed_members = Engine(load_model(tmp / "seeds")).members
            rows["seeds"] = coverage(seed_members, others, pairs, axes_words)
    print(f"\ncoverage of {args.independent} independent resample models' values (nominal 90% for fisher-t)")
    print(f"{'members':<10} {'method':<9} {'pairs':>14} {'axis scores':>14} {'median width':>13}")
    for kind, (pair_cov, axis_cov, widths) in rows.items():
        for method in ("fisher-t", "pct5-95", "min-max"):
            pc, pn = pair_cov[method]
            ac, an = axis_cov[method]
            show = lambda c, n: f"{c:.1%} of {n}" if c is not None else "n/a"  # noqa: E731
            print(f"{kind:<10} {method:<9} {show(pc, pn):>14} {show(ac, an):>14} {widths[method] or 0:>13.3f}")
    figures["coverage"] = {kind: {"pairs": pc, "axis": ac, "median_width": w} for kind, (pc, ac, w) in rows.items()}
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2, ensure_ascii=False, default=str))


if __name__ == "__main__":
    main()
