"""The calibration harness for the intervals and p-values of `contrast` (issue 74): covariates
made to have no effect on a text, of every kind a user can make, and for each statistic the share
of no-effect words whose 90% interval excludes the null value (target <= 10%) and whose p < 0.05
(target 3-8%).

The table: the model's own segmented text, a paragraph a row, in blocks of --block-rows
consecutive paragraphs (a chapter-like unit: rows of one block share their words), shuffled as
whole blocks. The null covariates, each drawn with no regard to the text:

  levels      a random A/B split of the blocks (a group contrast: its change; and as a regression
              term beside a uniform number)
  uniform     a uniform number per block (600-1300)
  skewed      a log-normal number per block (as authors' poem counts: 1 to thousands)
  log-skewed  the same column as `skewed:log`
  within      a uniform number per row, varying inside the blocks (--split-blocks): rows are then
              exchangeable, and permuting them is exact
  alike       a number per row that varies inside a block but stays near the block's own (the
              block's uniform value plus noise of sd 30: as a poem's length within an author's
              poems), with --split-blocks: rows of one block are alike in it, so permuting rows
              as if independent is what a reviewer would fault
  correlated  `uniform` beside a number correlated 0.7 with it (the second's term)
  sized       uneven blocks (runs of 1 to 40 of the shuffled blocks, most short) and a number that
              follows their size (the log of its rows plus noise of sd 0.3: correlation ~0.9), as an
              author's poem count follows the author's block; blocked by those runs. Novels only:
              a table's runs of authors are as large as their authors are prolific, and prolific
              poets write otherwise (p < 0.05 for 17% of words: a difference, not a null)

Each is asked of --words words seen 100-2,000 times (never the plant's), with --block block and
--permutations / --bootstrap. Prints the table; --json writes it.

    python benchmarks/nulls.py --model models/sanguo [--words 40] [--seed 1]
    python benchmarks/nulls.py --model models/poems --table poems.tsv --block-column author
    python benchmarks/nulls.py --tiny

With --table, the rows are the table's own (its --text-column), and the blocks its --block-column
(each author's poems: real blocks, uneven in size, alike inside), the null covariates drawn per
block as above.
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

from w2vkit.findings.contrasts import contrast  # noqa: E402
from w2vkit.model.store import load_model  # noqa: E402
from w2vkit.queries.query import Engine  # noqa: E402


def paragraphs(engine) -> list[str]:
    corpus = Path(engine.model.meta["corpus"]["cache"])
    return [line for line in corpus.read_text(encoding="utf-8").splitlines() if line.strip()]


def null_table(path: Path, rows: list[str], block_rows: int, rng) -> Path:
    """The text in shuffled blocks with every null covariate (see the module's docstring)."""
    return blocks_table(path, [rows[i : i + block_rows] for i in range(0, len(rows), block_rows)], rng)


def table_blocks(path: Path, block: str, text: str) -> list[list[str]]:
    """A table's texts grouped by its `block` column (the poems of each author), in the order each
    block first appears."""
    import csv
    import gzip

    grouped: dict[str, list[str]] = {}
    opened = gzip.open(path, "rt", encoding="utf-8") if path.suffix == ".gz" else open(path, encoding="utf-8")
    with opened as f:
        for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            if row.get(text, "").strip():
                grouped.setdefault(row[block], []).append(row[text].replace("\t", " "))
    return list(grouped.values())


def blocks_table(path: Path, blocks: list[list[str]], rng) -> Path:
    """The blocks' rows, blocks shuffled whole, with every null covariate (the module's docstring)."""
    order = rng.permutation(len(blocks))
    n = len(blocks)
    ab = rng.permutation(np.arange(n) % 2)
    uniform = rng.uniform(600, 1300, n)
    skewed = np.ceil(rng.lognormal(2.0, 1.6, n))  # (1 to a few thousand, most small)
    second = 0.7 * (uniform - 950) / 202 + np.sqrt(1 - 0.49) * rng.normal(size=n)  # (correlation ~0.7)
    # (uneven blocks: runs of 1 to 40 of the shuffled blocks, and a number that follows their size)
    runs = np.minimum(1 + np.floor(rng.lognormal(0.3, 1.1, n)).astype(int), 40)
    owner = np.repeat(np.arange(n), runs)[:n]
    rows_in = np.bincount(owner, weights=[len(blocks[b]) for b in order])
    sized = np.log(np.maximum(rows_in, 1)) + rng.normal(0, 0.3, len(rows_in))
    with open(path, "w", encoding="utf-8") as f:
        f.write("block\tab\tuniform\tskewed\twithin\talike\tsecond\tsized_block\tsized\ttext\n")
        for at, b in enumerate(order):
            for line in blocks[b]:
                f.write(
                    f"b{b}\t{'AB'[ab[b]]}\t{uniform[b]:.1f}\t{skewed[b]:.0f}\t{rng.uniform(600, 1300):.1f}\t"
                    f"{uniform[b] + rng.normal(0, 30):.1f}\t{second[b]:.4f}\ts{owner[at]}\t{sized[owner[at]]:.4f}\t{line}\n"
                )
    return path


TO = ["人", "山", "天"]  # (frequent in both novels: each level's cosine with them, against the baseline's)


def statistic(name: str, rows: list[dict]) -> list[tuple[float | None, float | None, float]]:
    """(low, high, null value) of each no-effect number in the rows: the change or norm (null 0),
    the difference of the --to cosines from the baseline's (0), the ratio (1)."""
    if "--to" in name:
        return [(r[f"cos_{w}_vs_low"], r[f"cos_{w}_vs_high"], 0.0) for r in rows for w in TO
                if r.get(f"cos_{w}_vs") is not None]  # fmt: skip
    if "ratio" in name:
        return [(r["low"], r["high"], 1.0) for r in rows if r.get("ratio") is not None]
    return [(r["low"], r["high"], 0.0) for r in rows]


def words_to_ask(engine, count: int, rng) -> list[str]:
    pool = [w for w, c in zip(engine.model.words, engine.model.counts.tolist()) if 100 <= c <= 2000 and w.isalpha()]
    return list(rng.choice(pool, size=min(count, len(pool)), replace=False))


NULLS = {  # name: (contrast's arguments, the rows that hold the no-effect statistic)
    "levels (group change)": (dict(by="ab"), lambda r: True),
    "levels (two groups): --to cosines' difference": (dict(by="ab", to=TO), lambda r: True),
    "levels: --to cosines' difference": (dict(by=["ab", "uniform"], to=TO), lambda r: r["covariate"] == "ab"),
    "levels: --to cosines' difference, blocks split": (
        dict(by=["ab", "within"], to=TO, split_blocks=True),
        lambda r: r["covariate"] == "ab",
    ),
    "levels: the ratio": (dict(by="ab", ratio=True), lambda r: True),
    "levels (a term)": (dict(by=["ab", "uniform"]), lambda r: r["covariate"] == "ab"),
    "uniform": (dict(by=["uniform"]), lambda r: True),
    "skewed": (dict(by=["skewed:number"]), lambda r: True),
    "log-skewed": (dict(by=["skewed:log"]), lambda r: True),
    "within blocks": (dict(by=["within"], split_blocks=True), lambda r: True),
    "alike within blocks": (dict(by=["alike"], split_blocks=True), lambda r: True),
    "correlated (the second)": (dict(by=["uniform", "second"]), lambda r: r["covariate"] == "second"),
    "tied to uneven blocks' sizes": (dict(by=["sized"], block="sized_block"), lambda r: True),
}


def measure(engine, table: Path, words: list[str], args) -> dict:
    out = {}
    for name, (kwargs, held) in NULLS.items():
        if args.only and not any(o in name for o in args.only):
            continue
        if "sizes" in name and args.table:  # (a table's own blocks differ in size by nature: no null there)
            continue
        started = time.perf_counter()
        try:
            result = contrast(
                engine, words, table, permutations=args.permutations, bootstrap=args.bootstrap, level=args.level,
                **{"block": "block", **kwargs},
            )  # fmt: skip
        except Exception as e:  # (a null the tool refuses is reported, not measured)
            print(f"{name:28} refused: {e}", flush=True)
            out[name] = {"refused": str(e)}
            continue
        rows = [r for r in result.records() if r.get("p") is not None and held(r)]
        p05 = float(np.mean([r["p"] < 0.05 for r in rows])) if rows else float("nan")
        spans = [(low, high, null) for low, high, null in statistic(name, rows) if low is not None]
        excluded = float(np.mean([not low <= null <= high for low, high, null in spans])) if spans else float("nan")
        out[name] = {"rows": len(rows), "p<0.05": p05, "interval excludes 0": excluded, "intervals": len(spans),
                     "seconds": round(time.perf_counter() - started, 1)}  # fmt: skip
        print(
            f"{name:28} {len(rows):4d} rows  p<0.05 {p05:6.1%}  {args.level:.0%} interval excludes the null {excluded:6.1%} ({len(spans)})"
            f"  ({time.perf_counter() - started:.0f} s)",
            flush=True,
        )
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", default=None)
    p.add_argument("--words", type=int, default=40)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--seeds", type=int, default=1, help="tables drawn with seeds --seed, --seed+1, ...")
    p.add_argument("--block-rows", type=int, default=20)
    p.add_argument("--permutations", type=int, default=199)
    p.add_argument("--bootstrap", type=int, default=50)
    p.add_argument("--level", type=float, default=0.90, help="the intervals' level (0.95: at most 6%% may exclude 0)")
    p.add_argument("--tiny", action="store_true", help="a tiny model of a slice of the novel")
    p.add_argument("--table", default=None, help="a table whose rows and blocks to use (else the model's text)")
    p.add_argument("--block-column", default="author", help="with --table: the column whose values are the blocks")
    p.add_argument("--text-column", default="text", help="with --table: the column of texts")
    p.add_argument("--only", action="append", default=[], help="the nulls whose name holds this (repeatable)")
    p.add_argument("--json", default=None)
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if args.tiny:
            from tiny import tiny_model

            args.model = tiny_model(tmp)
            args.words, args.permutations, args.bootstrap, args.block_rows = 4, 19, 10, 5
        engine = Engine(load_model(args.model))
        if args.table:
            blocks = table_blocks(Path(args.table), args.block_column, args.text_column)
        else:
            rows = paragraphs(engine)
            blocks = [rows[i : i + args.block_rows] for i in range(0, len(rows), args.block_rows)]
        figures = {}
        for seed in range(args.seed, args.seed + args.seeds):
            rng = np.random.default_rng(seed)
            table = blocks_table(tmp / f"nulls{seed}.tsv", blocks, rng)
            words = words_to_ask(engine, args.words, rng)
            print(
                f"seed {seed}: {len(words)} words, {sum(map(len, blocks)):,} rows in {len(blocks):,} blocks", flush=True
            )
            figures[seed] = measure(engine, table, words, args)
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
