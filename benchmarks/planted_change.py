"""Which way of comparing two texts finds a real change and not a redraw? (issue 36)

From one novel, two corpora: its first and second halves (by chapter). In the second half a set of
target words take over other words' contexts (every occurrence of donor word d_i is replaced by
target t_i), while frequency-matched control words are left alone. Each half is trained with
--bootstrap M members (fewer epochs than the default, said below). Then every method scores every
word seen --min-count times in both halves, and:

  AP        average precision of ranking the planted targets above the controls
  null      each method's threshold is the score that flags 5% of words when the first half is
            compared with a model of a resample of itself (no change at all)
  recall    at that threshold: the share of targets flagged in the planted comparison
  precision at that threshold: flagged targets / (flagged targets + flagged controls)

Methods: raw (Procrustes on the most frequent shared words, 1 - cosine), refined (the rotation
refitted without the most moved anchors), overlap (1 - neighbour overlap, no rotation), z-cosine
and z-overlap (the change against the noise floor of the members; unstable words never flagged),
and raw+filter, overlap+filter (the plain scores, with the words the noise floor finds too unstable
to judge never flagged).

    python benchmarks/planted_change.py --corpus ../shared/corpora/sanguo.txt [--members 5] [--epochs 20]
    python benchmarks/planted_change.py --tiny
"""

import argparse
import json
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from w2vkit.findings.comparison import compare  # noqa: E402
from w2vkit.findings.referencing import REFERENCING_OPTIONS, compare_texts  # noqa: E402
from w2vkit.model.members import Resampling  # noqa: E402
from w2vkit.model.store import load_model  # noqa: E402
from w2vkit.queries.query import Engine  # noqa: E402
from w2vkit.text.corpus.corpuscache import prepare_corpus  # noqa: E402
from w2vkit.text.corpus.documents import find_documents  # noqa: E402
from w2vkit.text.segmenting.segment import SegmentOptions  # noqa: E402
from w2vkit.training.trainer import train  # noqa: E402
from w2vkit.training.trainoptions import TrainOptions  # noqa: E402

METHODS = ("raw", "refined", "overlap", "z-cosine", "z-overlap", "raw+filter", "overlap+filter", "referencing")
REFERENCING_NULL_WORDS = 200  # untouched band words tagged beside targets and controls, for its null threshold


def scores(a: Engine, b: Engine, min_count: int) -> dict[str, dict[str, float]]:
    """Each method's change score of every word seen min_count times in both (higher: more changed)."""
    out = {}
    big = 100_000
    raw = compare(a, b, None, topn=big, min_count=min_count, noise_floor=False, refine=0)
    out["raw"] = {r["word"]: 1 - r["cosine"] for r in raw}
    refined = compare(a, b, None, topn=big, min_count=min_count, noise_floor=False)
    out["refined"] = {r["word"]: 1 - r["cosine"] for r in refined}
    overlap = compare(a, b, None, topn=big, min_count=min_count, by="overlap", noise_floor=False)
    out["overlap"] = {r["word"]: 1 - r["overlap"] for r in overlap}
    for name, by in (("z-cosine", "cosine"), ("z-overlap", "overlap")):
        result = compare(a, b, None, topn=big, min_count=min_count, by=by)
        out[name] = {r["word"]: r.get("z") for r in result}
        out[name].update({w: -np.inf for w in result.fields["unstable"]})
        # the noise floor as a filter: the plain score, words too unstable to judge never flagged
        plain = "raw" if by == "cosine" else "overlap"
        unstable = set(result.fields["unstable"])
        out[f"{plain}+filter"] = {w: (-np.inf if w in unstable else v) for w, v in out[plain].items()}
    return out


def average_precision(score: dict, targets: list[str], controls: list[str]) -> float:
    ranked = sorted((w for w in targets + controls if w in score), key=lambda w: -score[w])
    hits, total = 0, 0.0
    for i, w in enumerate(ranked, 1):
        if w in targets:
            hits += 1
            total += hits / i
    return total / max(1, len([t for t in targets if t in score]))


def write_docs(corpus: Path, documents, chosen, out: Path, replace: dict[str, str] | None = None) -> None:
    with open(corpus, encoding="utf-8") as f:
        lines = f.read().split("\n")
    with open(out, "w", encoding="utf-8") as f:
        for d in chosen:
            for line in lines[documents.starts[d] : documents.starts[d + 1]]:
                if replace:
                    line = " ".join(replace.get(t, t) for t in line.split(" "))
                f.write(line + "\n")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpora" / "sanguo.txt"))
    p.add_argument("--members", type=int, default=5)
    p.add_argument("--epochs", type=int, default=20)
    p.add_argument("--targets", type=int, default=12)
    p.add_argument("--min-count", type=int, default=20)
    p.add_argument("--tiny", action="store_true")
    p.add_argument("--json", default=None)
    args = p.parse_args()
    corpus_path = args.corpus
    if args.tiny:
        from tiny import tiny_novel

        corpus_path, args.members, args.epochs, args.targets, args.min_count = tiny_novel(), 3, 1, 4, 5
    prepared = prepare_corpus([corpus_path], SegmentOptions())
    documents = find_documents(prepared.path)
    half = len(documents) // 2
    first, second = list(range(half)), list(range(half, len(documents)))
    options = TrainOptions(epochs=args.epochs, seed=1)
    rng = np.random.default_rng(2026)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        write_docs(prepared.path, documents, first, tmp / "h1.txt")
        write_docs(prepared.path, documents, second, tmp / "h2.txt")
        # words in a frequency band in both halves: targets, donors and controls drawn from them
        counts = []
        for name in ("h1.txt", "h2.txt"):
            c: dict[str, int] = {}
            for token in (tmp / name).read_text(encoding="utf-8").split():
                c[token] = c.get(token, 0) + 1
            counts.append(c)
        low, high = (args.min_count * 2, args.min_count * 15)
        band = sorted(
            w for w in counts[0] if low <= counts[0][w] <= high and low <= counts[1].get(w, 0) <= high and len(w) >= 2
        )
        picked = list(rng.choice(band, size=3 * args.targets, replace=False))
        targets, donors, controls = (picked[i::3] for i in range(3))
        write_docs(prepared.path, documents, second, tmp / "h2p.txt", dict(zip(donors, targets)))
        # the null: the first half against a resample of its own chapters
        draw = np.sort(rng.choice(first, size=len(first), replace=True))
        write_docs(prepared.path, documents, draw, tmp / "h1r.txt")
        models = {}
        for name in ("h1", "h2p", "h1r"):
            train(
                [str(tmp / f"{name}.txt")],
                tmp / name,
                options,
                None,
                resampling=Resampling("bootstrap", args.members, "lines:20"),
            )
            models[name] = Engine(load_model(tmp / name))
            print(f"trained {name} with {args.members} members", flush=True)
        planted = scores(models["h1"], models["h2p"], args.min_count)
        null = scores(models["h1"], models["h1r"], args.min_count)
        # temporal referencing: one model over both texts, the tested words tagged in the second;
        # it scores only the words it tags: targets, controls and a sample of other band words,
        # whose null scores set its threshold
        others = [w for w in band if w not in picked]
        extra = list(rng.choice(others, size=min(REFERENCING_NULL_WORDS, len(others)), replace=False))
        tested = targets + controls + extra
        tr_options = replace(REFERENCING_OPTIONS, epochs=args.epochs, seed=1)
        for side, other in ((planted, "h2p"), (null, "h1r")):
            r = compare_texts(
                [str(tmp / "h1.txt")], [str(tmp / f"{other}.txt")], tested, options=tr_options, seg_options=None
            )
            side["referencing"] = {x.word: 1 - x.cosine for x in r.rows if x.cosine is not None}
            print(f"referencing h1 against {other}: {len(r.rows)} words in {r.seconds:.0f} s", flush=True)
    print(
        f"\n{Path(corpus_path).name}: halves of {half} and {len(documents) - half} documents ({documents.unit}); "
        f"{args.targets} targets took over donors' contexts in the second half; {args.epochs} epochs, "
        f"{args.members} members a model"
    )
    print(f"targets: {' '.join(targets)}\ndonors:  {' '.join(donors)}\ncontrols: {' '.join(controls)}")
    print(f"\n{'method':<10} {'AP':>5} {'threshold':>10} {'recall':>7} {'precision':>9} {'null flags':>10}")
    table = {}
    for m in METHODS:
        finite_null = np.array([v for v in null[m].values() if np.isfinite(v)])
        threshold = float(np.quantile(finite_null, 0.95)) if len(finite_null) else np.inf
        flagged_null = sum(1 for v in null[m].values() if v > threshold) / max(1, len(null[m]))
        flagged = {w for w, v in planted[m].items() if v > threshold}
        tp, fp = len(flagged & set(targets)), len(flagged & set(controls))
        ap = average_precision(planted[m], targets, controls)
        table[m] = {
            "ap": ap,
            "threshold": threshold,
            "recall": tp / len(targets),
            "precision": tp / (tp + fp) if tp + fp else None,
            "null_flag_rate": flagged_null,
        }
        prec = f"{tp / (tp + fp):.2f}" if tp + fp else "n/a"
        print(f"{m:<10} {ap:>5.2f} {threshold:>10.3f} {tp / len(targets):>7.2f} {prec:>9} {flagged_null:>10.1%}")
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {"targets": targets, "donors": donors, "controls": controls, "methods": table},
                ensure_ascii=False,
                indent=2,
            )
        )


if __name__ == "__main__":
    main()
