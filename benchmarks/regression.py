"""Is contrast's regression on several covariates calibrated, does it find a gradual change, and
does a change on one covariate leak into a correlated one? (issue 58)

The table: a novel's paragraphs shuffled (rows are exchangeable), each given a made-up `year`
(uniform, 600-1300) and an `era` correlated with it (late when the year plus noise of sd 150 passes
950: a correlation of about 0.75 with the year).

null    no change: words seen 100-1,000 times regressed on year and era with the model of the
        novel; the share at p < 0.05 for each covariate (target 3-8% each).
power   a gradual change along the year: 10 target words, each paired with a donor word of about
        its frequency, trade places (each occurrence of either becomes the other) with probability
        (year - 600) / 700, so a target's contexts drift linearly from its own to its donor's as
        the year grows; a model trained on the planted text;
        targets and 60 controls regressed. Average precision of the ranking by the year's p (then
        its norm), the share of targets and controls at q < 0.05 on the year, and the share at
        p < 0.05 on the era (the change is on the year only: the era should stay near 5%, <= 8%).
        --seeds plant seeds.
speed   one word, both covariates, --permutations (999) over the whole table: seconds and peak MB,
        cold (the rows cut) and warm (their cut read back from beside the model);
        with --poetry, 月 over every 唐 and 宋 poem on the period and the poem's length.

    python benchmarks/regression.py null --model MODEL [--words 200]
    python benchmarks/regression.py power --model MODEL [--seeds 3] [--first-seed 0] [--epochs 10]
    python benchmarks/regression.py speed --model models/poetry --poetry ../shared/corpora/poetry.tsv.gz
    python benchmarks/regression.py --tiny
"""

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from planted_change import average_precision  # noqa: E402

from w2vkit.findings.contrasts import contrast  # noqa: E402
from w2vkit.model.store import load_model  # noqa: E402
from w2vkit.queries.query import Engine  # noqa: E402

BY = ["year", "era"]


def paragraphs(engine) -> list[list[str]]:
    """The model's own segmented text, a paragraph a list of tokens."""
    corpus = Path(engine.model.meta["corpus"]["cache"])
    return [line.split() for line in corpus.read_text(encoding="utf-8").splitlines() if line.strip()]


def covariates(n: int, rng) -> tuple[np.ndarray, list[str]]:
    years = rng.integers(600, 1301, n)
    era = ["late" if y + rng.normal(0, 150) > 950 else "early" for y in years]
    return years, era


def write_table(path: Path, rows, years, era, swap=None, rng=None) -> Path:
    with open(path, "w", encoding="utf-8") as f:
        f.write("year\tera\ttext\n")
        for tokens, year, e in zip(rows, years, era):
            if swap:  # (a target and its donor trade places, each occurrence with a chance growing with the year)
                chance = (year - 600) / 700
                tokens = [swap[t] if t in swap and rng.random() < chance else t for t in tokens]
            f.write(f"{year}\t{e}\t{' '.join(tokens)}\n")
    return path


def pool(engine, low=100, high=1000) -> list[str]:
    counts = dict(zip(engine.model.words, engine.model.counts.tolist()))
    return [w for w, c in counts.items() if low <= c <= high and len(w) >= 2 and w.isalpha()]


def planted_words(engine, rng) -> tuple[list[str], list[str], list[str]]:
    """10 targets, each with a donor of about its frequency (the next in the order of counts: so
    that trading places keeps the target's count, and its mean vector moves linearly with the
    year; an unmatched donor made the move saturate, which a step-like covariate could take for
    its own), and 60 controls."""
    counts = dict(zip(engine.model.words, engine.model.counts.tolist()))
    chosen = list(rng.choice(pool(engine), size=80, replace=False))
    pairs = sorted(chosen[:20], key=counts.get)
    targets, donors = pairs[0::2], pairs[1::2]
    return targets, donors, chosen[20:80]


def by_covariate(result) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for r in result.records():
        if r["p"] is not None:
            out.setdefault(r["covariate"], []).append(r)
    return out


def null(args, engine, tmp: Path) -> dict:
    rows = paragraphs(engine)
    rng = np.random.default_rng(args.seed)
    years, era = covariates(len(rows), rng)
    table = write_table(tmp / "null.tsv", rows, years, era)
    print(f"year-era correlation: {np.corrcoef(years, [e == 'late' for e in era])[0, 1]:.2f}", flush=True)
    words = list(rng.choice(pool(engine), size=min(args.words, len(pool(engine))), replace=False))
    started = time.perf_counter()
    result = contrast(engine, words, table, by=BY, permutations=args.permutations, bootstrap=args.bootstrap)
    out = {"words": len(words), "seconds": round(time.perf_counter() - started, 1)}
    for name, rs in by_covariate(result).items():
        share = float(np.mean([r["p"] < 0.05 for r in rs]))
        excluded = float(np.mean([r["low"] is not None and r["low"] > 0 for r in rs]))
        out[f"{name} p<0.05"] = share
        out[f"{name} interval excludes 0"] = excluded
        out[f"{name} p"] = [r["p"] for r in rs]
        print(
            f"no change, {name}: {share:.1%} of {len(rs)} words at p < 0.05 (target 3-8%); the 90% interval of the "
            f"norm excludes 0 for {excluded:.1%} (target <= 10%)",
            flush=True,
        )
    return out


def power(args, engine, tmp: Path) -> dict:
    from w2vkit.training.trainer import train
    from w2vkit.training.trainoptions import TrainOptions

    rows = paragraphs(engine)
    out = {
        "ap": [],
        "targets_q05": [],
        "controls_q05": [],
        "controls_p05": [],
        "targets_era_p05": [],
        "controls_era_p05": [],
    }
    for seed in range(args.first_seed, args.first_seed + args.seeds):
        rng = np.random.default_rng(200 + seed)
        targets, donors, controls = planted_words(engine, rng)
        order = rng.permutation(len(rows))
        shuffled = [rows[i] for i in order]
        years, era = covariates(len(rows), rng)
        swap = {**dict(zip(donors, targets)), **dict(zip(targets, donors))}
        where = Path(args.keep) if args.keep else tmp
        where.mkdir(parents=True, exist_ok=True)
        table, model = where / f"planted{seed}.tsv", where / f"planted{seed}"
        if not (args.keep and (model / "meta.json").is_file()):  # (--keep: the planted models of a run before)
            write_table(table, shuffled, years, era, swap, rng)
            options = TrainOptions(seed=seed, epochs=args.epochs) if args.epochs else TrainOptions(seed=seed)
            train([str(table)], model, options, None)
        planted = Engine(load_model(model))
        words = [w for w in targets + controls if w in planted.model.index]
        result = contrast(planted, words, table, by=BY, permutations=args.permutations, bootstrap=args.bootstrap)
        found = by_covariate(result)
        year = {r["word"]: r for r in found.get("year", [])}
        era_rows = {r["word"]: r for r in found.get("era", [])}
        ranked = sorted(year, key=lambda w: (year[w]["p"], -year[w]["norm"]))
        out["ap"].append(average_precision({w: -i for i, w in enumerate(ranked)}, targets, controls))
        out["controls_p05"].append(float(np.mean([year[w]["p"] < 0.05 for w in controls if w in year])))
        for label, group in (("targets", targets), ("controls", controls)):
            out[f"{label}_q05"].append(float(np.mean([year[w]["q"] < 0.05 for w in group if w in year])))
            out[f"{label}_era_p05"].append(float(np.mean([era_rows[w]["p"] < 0.05 for w in group if w in era_rows])))
        print(
            f"plant seed {seed}: AP {out['ap'][-1]:.2f}; year q < 0.05: targets {out['targets_q05'][-1]:.0%}, controls "
            f"{out['controls_q05'][-1]:.1%} (p < 0.05: {out['controls_p05'][-1]:.1%}); era p < 0.05: targets {out['targets_era_p05'][-1]:.0%}, controls "
            f"{out['controls_era_p05'][-1]:.1%}",
            flush=True,
        )
    print(
        f"mean over {args.seeds} seeds: AP {np.mean(out['ap']):.2f}; targets at q < 0.05 on the year "
        f"{np.mean(out['targets_q05']):.0%}; controls at p < 0.05 on the year {np.mean(out['controls_p05']):.1%} "
        f"(<= 10%); era p < 0.05 of targets {np.mean(out['targets_era_p05']):.1%} (<= 8%)"
    )
    return out


def speed(args, engine, tmp: Path) -> dict:
    """One word on two covariates with --permutations, in a process of its own (seconds, peak MB):
    the novel's table, or with --poetry every 唐 and 宋 poem with its length as a number
    (月, period and length, blocks of authors split by length)."""
    import subprocess

    if args.poetry:
        table, word = poetry_table(args.poetry, tmp / "tang-song.tsv"), "月"
        by = ["--by", "period", "--by", "length", "--block", "author", "--split-blocks"]
    else:
        rows = paragraphs(engine)
        years, era = covariates(len(rows), np.random.default_rng(3))
        table = write_table(tmp / "speed.tsv", rows, years, era)
        counts = dict(zip(engine.model.words, engine.model.counts.tolist()))
        word, by = max((w for w in counts if len(w) >= 2), key=counts.get), ["--by", "year", "--by", "era"]
    command = [sys.executable, "-m", "w2vkit", "contrast", word, "--in", str(table), *by, "-m", args.model]
    command += ["--permutations", str(args.permutations), "-q"]
    from w2vkit.findings.tabledocs import TOKENS_FILE

    kept = Path(args.model) / TOKENS_FILE
    # (the first run cuts the rows: the kept cut of an earlier one goes)
    for cache in (kept, kept.with_suffix(".sha256")):
        cache.unlink(missing_ok=True)
    out = {"word": word}
    for run in ("cold", "warm"):  # (warm: the rows' cut kept beside the model by the cold run)
        started = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"{word}, {' '.join(by)}, {args.permutations} permutations, {run}: {seconds:.1f} s, peak {peak:.0f} MB")
        out[run] = {"seconds": round(seconds, 1), "peak_mb": round(peak)}
    return out


def poetry_table(poetry: str, path: Path) -> Path:
    """The 唐 and 宋 rows of the poetry table with each poem's length in characters (a number)."""
    import gzip

    with gzip.open(poetry, "rt", encoding="utf-8") as f, open(path, "w", encoding="utf-8") as out:
        names = next(f).rstrip("\n").split("\t")
        period, author, text = (names.index(c) for c in ("period", "author", "text"))
        out.write("period\tauthor\tlength\ttext\n")
        for line in f:  # (the cells as they are: a rewriting CSV writer would escape the poems' quotes)
            cells = line.rstrip("\n").split("\t")
            if cells[period] in ("唐", "宋"):
                out.write(f"{cells[period]}\t{cells[author]}\t{len(cells[text])}\t{cells[text]}\n")
    return path


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("what", nargs="?", choices=["null", "power", "speed"], default="null")
    p.add_argument("--model", default=None)
    p.add_argument("--words", type=int, default=200)
    p.add_argument("--seeds", type=int, default=3)
    p.add_argument("--first-seed", type=int, default=0, help="power: the first plant seed (more seeds: a later run)")
    p.add_argument("--seed", type=int, default=11, help="the null's covariates and words")
    p.add_argument("--epochs", type=int, default=None)
    p.add_argument("--permutations", type=int, default=999)
    p.add_argument("--bootstrap", type=int, default=50)
    p.add_argument("--poetry", default=None, help="speed: the poetry table (a model of it as --model)")
    p.add_argument("--keep", default=None, help="power: keep the planted tables and models here, and use them again")
    p.add_argument("--tiny", action="store_true", help="a tiny model of a slice of the novel")
    p.add_argument("--json", default=None)
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if args.tiny:
            from tiny import tiny_model

            args.model = tiny_model(tmp)
            args.words, args.permutations, args.bootstrap = 10, 19, 10
        engine = Engine(load_model(args.model))
        result = {"null": null, "power": power, "speed": speed}[args.what](args, engine, tmp)
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
