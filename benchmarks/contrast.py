"""Are contrast's p-values calibrated, and how fast is it? (issue 49)

null-novel   a novel's paragraphs as a table (a row a paragraph, its chapter as the block), split at
             random into two groups: by row (rows are exchangeable: about 5% of scanned words
             should reach p < 0.05) and by chapter (then permuting rows ignores the blocks and the
             share inflates; permuting chapters, --block, should bring it back to about 5%).
null-poetry  唐 poems split at random *by author* into two groups: with --block author, and without.
speed        one word across all 唐 and 宋 poems with 1,000 permutations, and a scan of the most
             frequent characters, with the time and the peak memory of each (its own process).
power        planted changes: a novel's paragraphs shuffled into two random halves; in half B each
             of 10 target words takes over a donor word's contexts (every donor replaced by its
             target); a model trained on the planted text, then the targets and 60 unchanged
             control words contrasted (B against A, rows permuted: the halves are random). Average
             precision of the ranking by change (targets against controls), the share of controls
             and of targets at q < 0.05; --seeds plant seeds, two trainings each.
scan-power   significance in a scan: power's plants, then a scan of the --scan-top (1,000) most frequent
             words: the share of targets and of the other words at q < 0.05 (targets >= 50%,
             others <= 5%).
halves       the novel's true first and second halves of its paragraphs (narrative drift).
scan-floor   --scan's default N: the null-novel shares at p < 0.05 and the median width of the
             change's 90% interval, by the words' occurrences (5-9, 10-19, 20-49, 50+).

Each prints the share of scanned words at p < 0.05 (and q < 0.05) or the seconds and MB.

    python benchmarks/contrast.py null-novel --model MODEL [--words 200]
    python benchmarks/contrast.py null-poetry --model MODEL --poetry ../shared/corpora/poetry.tsv.gz
    python benchmarks/contrast.py speed --model MODEL --poetry ../shared/corpora/poetry.tsv.gz [--scan-top 2000]
    python benchmarks/contrast.py --tiny

The model: trained on the novel (null-novel) or on the poetry (`w2vkit train poetry.tsv.gz --tokens
chars --strip-notes --to-simplified`; a sample of it will do for the nulls and the speed).
"""

import argparse
import gzip
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from w2vkit.findings.contrasts import contrast  # noqa: E402
from w2vkit.model.store import load_model  # noqa: E402
from w2vkit.queries.query import Engine  # noqa: E402


def shares(result) -> tuple[float, float, int]:
    rows = [r for r in result.records() if r["p"] is not None]
    p = np.array([r["p"] for r in rows])
    q = np.array([r["q"] for r in rows])
    return float((p < 0.05).mean()), float((q < 0.05).mean()), len(rows)


def scan_floor(args, engine, tmp: Path) -> dict:
    """--scan's default N: every word seen 5+ times in each group scanned once per null (rows split,
    rows permuted; chapters split, chapters permuted), then, by the words' occurrences in the
    group, the share at p < 0.05 (calibration) and the median width of the change's 90% interval
    (how much a number means)."""
    table = novel_table(engine, tmp / "novel.tsv", 7)
    args.min_count, args.words = 5, 5000
    bands = [(5, 10), (10, 20), (20, 50), (50, 10**9)]
    out = {}
    for label, by, block in (("rows", "row_group", None), ("chapters, --block chapter", "chapter_group", "chapter")):
        rows = [r for r in _scan(args, engine, table, by, block).records() if r["p"] is not None]
        for lo, hi in bands:
            band = [r for r in rows if lo <= r["occurrences"] < hi]
            if not band:
                continue
            p05 = float(np.mean([r["p"] < 0.05 for r in band]))
            width = float(np.median([r["high"] - r["low"] for r in band]))
            out[f"{label} {lo}-{hi}"] = {"p<0.05": p05, "words": len(band), "median width": width}
            print(
                f"{label:<28} occurrences {lo:>3}-{hi if hi < 10**9 else '':<4} {p05:>6.1%} at p < 0.05 of "
                f"{len(band):>5} words, median 90% width {width:.3f}",
                flush=True,
            )
    return out


def novel_table(engine, path: Path, seed: int) -> Path:
    """The model's own corpus (the cached segmented text) as a table: a row a paragraph, its
    chapter, a group drawn at random per row, and one drawn per chapter."""
    corpus = Path(engine.model.meta["corpus"]["cache"])
    rng = np.random.default_rng(seed)
    chapter, rows = 0, []
    from w2vkit.text.corpus.documents import is_heading

    for line in corpus.read_text(encoding="utf-8").splitlines():
        text = line.strip()
        if not text:
            continue
        if is_heading(text.replace(" ", "")):
            chapter += 1
        rows.append((chapter, text.replace(" ", "")))
    by_chapter = rng.integers(0, 2, chapter + 1)
    with open(path, "w", encoding="utf-8") as f:
        f.write("chapter\trow_group\tchapter_group\ttext\n")
        for c, text in rows:
            f.write(f"c{c}\t{'AB'[rng.integers(0, 2)]}\t{'AB'[by_chapter[c]]}\t{text}\n")
    return path


def _scan(args, engine, table: Path, by: str, block: str | None):
    """contrast's scan of the table's most frequent words between groups A and B."""
    return contrast(
        engine,
        None,
        table,
        by=by,
        block=block,
        groups=["A", "B"],
        scan=args.min_count,
        top=args.words,
        permutations=args.permutations,
        bootstrap=50,
    )


def _nulls(args, engine, table: Path, by: str, cases) -> dict:
    """Scan the most frequent words for each (label, block) case; the shares at p and q < 0.05."""
    out = {}
    for label, block in cases:
        started = time.perf_counter()
        result = _scan(args, engine, table, by, block)
        p05, q05, n = shares(result)
        out[label] = {"p<0.05": p05, "q<0.05": q05, "words": n, "seconds": round(time.perf_counter() - started, 1)}
        print(f"{label:<66} {p05:>6.1%} at p < 0.05, {q05:>6.1%} at q < 0.05 of {n} words", flush=True)
    return out


def null_novel(args, engine, tmp: Path) -> dict:
    table = novel_table(engine, tmp / "novel.tsv", 7)
    out = _nulls(args, engine, table, "row_group", [("rows split at random, rows permuted", None)])
    out.update(
        _nulls(
            args,
            engine,
            table,
            "chapter_group",
            [
                ("chapters split at random, rows permuted", None),
                ("chapters split at random, chapters permuted (--block chapter)", "chapter"),
            ],
        )
    )
    return out


def poetry_table(poetry: str, path: Path, periods: tuple[str, ...], seed: int, limit: int | None) -> Path:
    """Poems of `periods` whose author wrote in one period only (无名氏 and others span periods,
    and a block must lie in one group), with a pseudo-group drawn per author."""
    rng = np.random.default_rng(seed)
    rows = []
    with gzip.open(poetry, "rt", encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        for line in f:
            cells = line.rstrip("\n").split("\t")
            if len(cells) == len(header) and cells[0] in periods and cells[2].strip():
                rows.append(cells)
    spans: dict[str, set] = {}
    for r in rows:
        spans.setdefault(r[2], set()).add(r[0])
    rows = [r for r in rows if len(spans[r[2]]) == 1]
    if limit:
        rows = [rows[i] for i in sorted(rng.choice(len(rows), min(limit, len(rows)), replace=False))]
    authors = sorted({r[2] for r in rows})
    pseudo = dict(zip(authors, rng.integers(0, 2, len(authors))))
    with open(path, "w", encoding="utf-8") as f:
        f.write("period\tauthor\tpseudo\ttext\n")
        for r in rows:
            f.write(f"{r[0]}\t{r[2]}\t{'AB'[pseudo[r[2]]]}\t{r[4]}\n")
    return path


def null_poetry(args, engine, tmp: Path) -> dict:
    table = poetry_table(args.poetry, tmp / "tang.tsv", ("唐",), 11, args.limit)
    cases = [("唐 authors split at random, --block author", "author"), ("the same, rows permuted", None)]
    return _nulls(args, engine, table, "pseudo", cases)


SPEED = """
import json, sys, time
from w2vkit.findings.contrasts import contrast
from w2vkit.model.store import load_model
from w2vkit.queries.query import Engine
model, table, kind, top = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
engine = Engine(load_model(model))
t = time.perf_counter()
if kind == "word":
    contrast(engine, ["月"], table, by="period", block="author", groups=["唐", "宋"], permutations=1000)
else:
    contrast(engine, None, table, by="period", block="author", groups=["唐", "宋"], scan=50, top=top)
peak = next(l for l in open("/proc/self/status") if l.startswith("VmHWM")).split()[1]
print(json.dumps({"seconds": time.perf_counter() - t, "peak_mb": int(peak) / 1024}))
"""


def speed(args, tmp: Path) -> dict:
    table = poetry_table(args.poetry, tmp / "tang-song.tsv", ("唐", "宋"), 13, args.limit)
    out = {}
    for kind, label in (
        ("word", "月 across 唐 and 宋, 1,000 permutations"),
        ("scan", f"scan of {args.scan_top} characters"),
    ):
        run = subprocess.run(
            [sys.executable, "-c", SPEED, args.model, str(table), kind, str(args.scan_top)],
            capture_output=True,
            text=True,
            check=True,
        )
        figures = json.loads(run.stdout.strip().splitlines()[-1])
        out[label] = figures
        print(f"{label:<66} {figures['seconds']:>7.1f} s, peak {figures['peak_mb']:.0f} MB", flush=True)
    return out


def power(args, tmp: Path) -> dict:
    """Planted changes (module docstring), each plant seed trained twice."""
    from w2vkit.training.trainer import train
    from w2vkit.training.trainoptions import TrainOptions

    base = Engine(load_model(args.model))
    corpus = Path(base.model.meta["corpus"]["cache"])
    paragraphs = [line.split() for line in corpus.read_text(encoding="utf-8").splitlines() if line.strip()]
    counts = dict(zip(base.model.words, base.model.counts.tolist()))
    # words of two characters or more seen 100-1,000 times: targets, donors and controls apart
    pool = [w for w, c in counts.items() if 100 <= c <= 1000 and len(w) >= 2 and w.isalpha()]
    out = {"ap": [], "controls_q05": [], "targets_q05": []}
    for seed in range(args.seeds):
        rng = np.random.default_rng(100 + seed)
        chosen, half, table = planted_halves(paragraphs, pool, 80, rng, tmp / f"planted{seed}.tsv")
        targets, donors, controls = chosen[:10], chosen[10:20], chosen[20:80]
        swap = dict(zip(donors, targets))
        for run in range(2):
            model = tmp / f"planted{seed}-{run}"
            options = TrainOptions(seed=run, epochs=args.epochs) if args.epochs else TrainOptions(seed=run)
            train([str(table)], model, options, None)  # (segmented text: a space between words)
            engine = Engine(load_model(model))
            words = [w for w in targets + controls if w in engine.model.index]
            result = contrast(
                engine, words, table, by="half", groups=["A", "B"], permutations=args.permutations, bootstrap=50
            )
            rows = [r for r in result.records() if r["group"] == "B" and r["change"] is not None]
            ap = _average_precision([r["word"] for r in sorted(rows, key=lambda r: -r["change"])], set(targets))
            control_rows = [r for r in rows if r["word"] in controls]
            target_rows = [r for r in rows if r["word"] in targets]
            out["ap"].append(ap)
            out["controls_q05"].append(float(np.mean([r["q"] < 0.05 for r in control_rows])) if control_rows else None)
            out["targets_q05"].append(float(np.mean([r["q"] < 0.05 for r in target_rows])) if target_rows else None)
            print(
                f"plant seed {seed}, training {run}: AP {ap:.2f}; controls at q < 0.05 {out['controls_q05'][-1]:.1%}; "
                f"targets at q < 0.05 {out['targets_q05'][-1]:.1%}",
                flush=True,
            )
        if seed == 0:  # today's compare on the same plants: a model of each half, Procrustes cosine
            out["compare_ap"] = _two_models_ap(args, tmp, paragraphs, half, swap, targets, controls)
            print(f"plant seed 0, compare (two models, Procrustes): AP {out['compare_ap']:.2f}", flush=True)
            out["compare_texts_ap"] = _texts_ap(args, tmp, targets, controls)
            print(f"plant seed 0, compare --texts (tagged twins): AP {out['compare_texts_ap']:.2f}", flush=True)
    print(
        f"mean over {len(out['ap'])} runs: AP {np.mean(out['ap']):.2f} (target >= 0.85); controls at q < 0.05 "
        f"{np.mean(out['controls_q05']):.1%} (<= 5%); targets at q < 0.05 {np.mean(out['targets_q05']):.1%} (aim >= 50%)"
    )
    return out


def planted_halves(paragraphs, pool: list[str], size: int, rng, path: Path):
    """`size` words drawn from the pool (10 targets, their 10 donors, then controls), the paragraphs
    split at random into halves A and B, and the table at `path` where in half B each donor is
    replaced by its target: (the words drawn, each paragraph's half, the table)."""
    chosen = list(rng.choice(pool, size=size, replace=False))
    swap = dict(zip(chosen[10:20], chosen[:10]))
    half = rng.integers(0, 2, len(paragraphs))
    with open(path, "w", encoding="utf-8") as f:
        f.write("half\ttext\n")
        for tokens, h in zip(paragraphs, half):
            words = [swap.get(t, t) for t in tokens] if h == 1 else tokens
            f.write(f"{'AB'[h]}\t{' '.join(words)}\n")
    return chosen, half, path


def scan_power(args, tmp: Path) -> dict:
    """Significance in a scan: the planted text of `power` (plant seed 0 on, one training each), then
    a scan of the --scan-top most frequent words seen 20 times in each half (the targets among
    them): the share of targets and of the other scanned words at q < 0.05."""
    from w2vkit.training.trainer import train
    from w2vkit.training.trainoptions import TrainOptions

    base = Engine(load_model(args.model))
    corpus = Path(base.model.meta["corpus"]["cache"])
    paragraphs = [line.split() for line in corpus.read_text(encoding="utf-8").splitlines() if line.strip()]
    counts = dict(zip(base.model.words, base.model.counts.tolist()))
    pool = [w for w, c in counts.items() if 100 <= c <= 1000 and len(w) >= 2 and w.isalpha()]
    out = {"targets_q05": [], "others_q05": [], "scanned": [], "seconds": []}
    for seed in range(args.seeds):
        rng = np.random.default_rng(100 + seed)
        chosen, _, table = planted_halves(paragraphs, pool, 20, rng, tmp / f"scan{seed}.tsv")
        targets, donors = chosen[:10], chosen[10:20]
        model = tmp / f"scan{seed}"
        train([str(table)], model, TrainOptions(seed=seed), None)
        engine = Engine(load_model(model))
        started = time.perf_counter()
        result = contrast(engine, None, table, by="half", groups=["A", "B"], scan=20, top=args.scan_top, bootstrap=50)
        rows = [r for r in result.records() if r["q"] is not None]
        hits = [r for r in rows if r["word"] in targets]
        others = [r for r in rows if r["word"] not in targets and r["word"] not in donors]
        out["targets_q05"].append(float(np.mean([r["q"] < 0.05 for r in hits])) if hits else None)
        out["others_q05"].append(float(np.mean([r["q"] < 0.05 for r in others])))
        out["scanned"].append(len(rows))
        out["seconds"].append(round(time.perf_counter() - started, 1))
        for name, ranked in _scan_orders(rows).items():  # (which order a reader should get first)
            words = [r["word"] for r in ranked if r["word"] not in donors]
            out.setdefault(f"ap_{name}", []).append(_average_precision(words, set(targets)))
            out.setdefault(f"top10_{name}", []).append(sum(w in targets for w in words[:10]) / 10)
            print(f"  order by {name:12} AP {out[f'ap_{name}'][-1]:.3f}  targets in the first 10: "
                  f"{out[f'top10_{name}'][-1]:.0%}", flush=True)  # fmt: skip
        most = max(r["permutations"] for r in rows)
        print(
            f"plant seed {seed}: {len(rows)} words scanned ({len(hits)} targets); targets at q < 0.05 "
            f"{out['targets_q05'][-1]:.0%}, other words {out['others_q05'][-1]:.1%}; most permutations {most:,}; "
            f"{out['seconds'][-1]} s",
            flush=True,
        )
    return out


def _scan_orders(rows: list[dict]) -> dict[str, list[dict]]:
    """A scan's rows in each order a reader might get: the change, its interval's lower bound,
    and the findings that hold (q < 0.05) first, each part by the change."""
    change = sorted(rows, key=lambda r: -r["change"])
    return {
        "change": change,
        "low": sorted(rows, key=lambda r: -r["low"]),
        "held first": [r for r in change if r["q"] < 0.05] + [r for r in change if r["q"] >= 0.05],
        "held by low": sorted(rows, key=lambda r: (r["q"] >= 0.05, -r["low"])),
    }


def _average_precision(ranked_words, targets) -> float:
    hits, precisions = 0, []
    for k, w in enumerate(ranked_words, 1):
        if w in targets:
            hits += 1
            precisions.append(hits / k)
    return float(np.mean(precisions)) if precisions else 0.0


def _two_models_ap(args, tmp: Path, paragraphs, half, swap, targets, controls) -> float:
    """The same plants measured as `compare A B` does: a model of each half, B rotated onto A."""
    from w2vkit.findings.comparison import compare
    from w2vkit.training.trainer import train
    from w2vkit.training.trainoptions import TrainOptions

    engines = []
    for h in (0, 1):
        path = tmp / f"half{h}.txt"
        with open(path, "w", encoding="utf-8") as f:
            for tokens, which in zip(paragraphs, half):
                if which == h:
                    f.write(" ".join([swap.get(t, t) for t in tokens] if h == 1 else tokens) + "\n")
        options = TrainOptions(epochs=args.epochs) if args.epochs else TrainOptions()
        train([str(path)], tmp / f"half{h}", options, None)
        engines.append(Engine(load_model(tmp / f"half{h}")))
    words = [w for w in targets + controls if w in engines[0].model.index and w in engines[1].model.index]
    rows = compare(engines[0], engines[1], words, noise_floor=False).records()
    ranked = [r["word"] for r in sorted(rows, key=lambda r: r["cosine"] if r["cosine"] is not None else 1.0)]
    return _average_precision(ranked, set(targets))


def _texts_ap(args, tmp: Path, targets, controls) -> float:
    """The same plants measured as `compare --texts A B` does: one model of both halves with B's
    occurrences of the words tagged, each word against its twin (the halves _two_models_ap wrote)."""
    from w2vkit.findings.referencing import compare_texts

    words = targets + controls
    result = compare_texts([str(tmp / "half0.txt")], [str(tmp / "half1.txt")], words, seg_options=None)
    scored = [r for r in result.rows if r.cosine is not None]
    ranked = [r.word for r in sorted(scored, key=lambda r: r.cosine)]
    return _average_precision(ranked, set(targets))


def halves(args, engine, tmp: Path) -> dict:
    """The novel's true halves (first and second half of its paragraphs): how many words narrative
    drift alone makes 'changed'."""
    from w2vkit.training.trainer import train
    from w2vkit.training.trainoptions import TrainOptions

    corpus = Path(engine.model.meta["corpus"]["cache"])
    paragraphs = [line for line in corpus.read_text(encoding="utf-8").splitlines() if line.strip()]
    table = tmp / "halves.tsv"
    with open(table, "w", encoding="utf-8") as f:
        f.write("half\ttext\n")
        for n, text in enumerate(paragraphs):
            f.write(f"{'AB'[n >= len(paragraphs) // 2]}\t{text}\n")
    options = TrainOptions(epochs=args.epochs) if args.epochs else TrainOptions()
    train([str(table)], tmp / "halves", options, None)
    model = Engine(load_model(tmp / "halves"))
    result = _scan(args, model, table, "half", None)
    p05, q05, n = shares(result)
    top = [r["word"] for r in result.records()[:15]]
    print(f"true halves: {q05:.1%} of {n} words at q < 0.05 ({p05:.1%} at p < 0.05); most changed: {' '.join(top)}")
    return {"p<0.05": p05, "q<0.05": q05, "words": n, "top": top}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument(
        "what",
        nargs="?",
        choices=["null-novel", "null-poetry", "speed", "power", "scan-power", "halves", "scan-floor"],
        default="null-novel",
    )
    p.add_argument("--seeds", type=int, default=3, help="plant seeds (power)")
    p.add_argument("--epochs", type=int, default=None, help="training epochs for power (default: the product's)")
    p.add_argument("--model", default=None)
    p.add_argument("--poetry", default=str(ROOT.parent / "shared" / "corpora" / "poetry.tsv.gz"))
    p.add_argument("--words", type=int, default=200, help="words scanned for the nulls (most frequent)")
    p.add_argument("--min-count", type=int, default=20, help="occurrences a scanned word needs in each group")
    p.add_argument("--permutations", type=int, default=199)
    p.add_argument("--limit", type=int, default=None, help="at most this many poems")
    p.add_argument("--scan-top", type=int, default=2000)
    p.add_argument("--tiny", action="store_true", help="a tiny model of a slice of the novel")
    p.add_argument("--json", default=None)
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if args.tiny:
            from tiny import tiny_model

            args.model = tiny_model(tmp)
            args.words, args.permutations = 20, 19
        engine = Engine(load_model(args.model))
        figures = {
            "null-novel": null_novel,
            "null-poetry": null_poetry,
            "scan-floor": scan_floor,
        }.get(args.what, None)
        if args.what == "power":
            result = power(args, tmp)
        elif args.what == "scan-power":
            result = scan_power(args, tmp)
        elif args.what == "halves":
            result = halves(args, engine, tmp)
        else:
            result = figures(args, engine, tmp) if figures else speed(args, tmp)
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
