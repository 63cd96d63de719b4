"""Passes by size (issue 60): does training time rise with the corpus's size, with no cliff at 2M
tokens, and do the fewer passes a mid-size corpus now gets keep its findings?

curve   slices of the poetry table (its first rows, a poem a row, characters as tokens, notes
        stripped, simplified) of about --sizes tokens each, trained with the defaults in a fresh
        process, --rounds times over all sizes: tokens, passes, work, the median seconds.
        Target: the seconds rise with the size (and the CPU seconds: the work, less moved by the VM).
scan    a sample of --rows poems trained with the defaults and with --epochs 80 --subwords (the
        defaults before), then `contrast --scan` of 唐 against 宋 on each: the training times, and
        the Spearman correlation of the words' changes (target: the time falls >= 4x, Spearman >= 0.9).

    python benchmarks/passes.py curve --poetry ../shared/corpora/poetry.tsv.gz
    python benchmarks/passes.py scan --poetry ../shared/corpora/poetry.tsv.gz [--rows 36000]
        [--before MODEL --before-seconds S]   (a model of the same sample made with the defaults before)
"""

import argparse
import gzip
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from w2vkit.base.choices import PASS_COST_DIM_EXPONENT  # noqa: E402

TRAIN = ["--tokens", "chars", "--strip-notes", "--to-simplified", "-q"]
CHARS_PER_POEM = 54  # (the table's mean: 18.3M characters in 344,704 poems, notes aside)


def rows_of(poetry: str, n: int, sample: bool, seed: int = 0) -> tuple[str, list[str]]:
    with gzip.open(poetry, "rt", encoding="utf-8") as f:
        header, rows = next(f), f.readlines()
    return header, (random.Random(seed).sample(rows, n) if sample else rows[:n])


def train(table: Path, out: Path, *extra: str) -> tuple[float, dict, float]:
    """(wall seconds, the model's record, CPU seconds of the training process)."""
    started, cpu = time.perf_counter(), children_cpu()
    subprocess.run([sys.executable, "-m", "w2vkit", "train", str(table), *TRAIN, *extra, "-o", str(out)], check=True)
    seconds = time.perf_counter() - started
    meta = json.loads((out / "meta.json").read_text(encoding="utf-8"))
    return seconds, meta, children_cpu() - cpu


def children_cpu() -> float:
    """CPU seconds (user and system) of the finished child processes: the work, less moved than
    the wall clock by a shared VM's other guests."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def curve(args, tmp: Path) -> dict:
    tables = {}
    for size in args.sizes:
        header, rows = rows_of(args.poetry, max(1, int(size * 1e6 / CHARS_PER_POEM)), sample=False)
        tables[size] = tmp / f"slice{size}.tsv"
        tables[size].write_text(header + "".join(rows), encoding="utf-8")
    out: dict = {}
    for round_ in range(1, args.rounds + 1):  # (rounds over all sizes: a slow spell of the VM hits a size once)
        for size, table in tables.items():
            seconds, meta, cpu = train(table, tmp / f"m{size}-{round_}")
            tokens, epochs = meta["corpus"]["tokens"], meta["hyperparameters"]["epochs"]
            # (the work: tokens read, a pass at dim d counted as (d / 100) ^ PASS_COST_DIM_EXPONENT at dim 100)
            work = tokens * epochs * (meta["hyperparameters"]["dim"] / 100) ** PASS_COST_DIM_EXPONENT
            row = out.setdefault(size, {"tokens": tokens, "epochs": epochs, "work": work, "seconds": [], "cpu": []})
            row["seconds"].append(round(seconds, 1))
            row["cpu"].append(round(cpu, 1))
            print(
                f"round {round_}: {tokens:>11,} tokens  {epochs:>3} passes  {seconds:7.1f} s  {cpu:7.1f} s CPU",
                flush=True,
            )
    print("tokens       passes  work (tokens read at dim 100)  seconds, CPU seconds (medians of the rounds)")
    for row in out.values():
        row["median"], row["cpu_median"] = statistics.median(row["seconds"]), statistics.median(row["cpu"])
        print(
            f"{row['tokens']:>11,}  {row['epochs']:>6}  {row['work'] / 1e6:>28.1f}M  {row['median']:7.1f}  {row['cpu_median']:7.1f}"
        )
    for key, name in (("median", "seconds"), ("cpu_median", "CPU seconds")):
        medians = [row[key] for row in out.values()]
        print(f"{name} rising with size: {all(a <= b for a, b in zip(medians, medians[1:]))}")
    return out


def scan(args, tmp: Path) -> dict:
    from scipy.stats import spearmanr

    header, rows = rows_of(args.poetry, args.rows, sample=True)
    table = tmp / "sample.tsv"
    table.write_text(header + "".join(rows), encoding="utf-8")
    found, out = {}, {}
    for name, extra in (("now", ()), ("before", ("--epochs", "80", "--subwords"))):
        if name == "before" and args.before:  # (a model of the same sample trained so already: its time as recorded)
            model = Path(args.before)
            meta = json.loads((model / "meta.json").read_text(encoding="utf-8"))
            seconds = args.before_seconds
        else:
            model = tmp / name
            seconds, meta, _ = train(table, model, *extra)
        command = [sys.executable, "-m", "w2vkit", "contrast", "--scan", "--in", str(table), "--by", "period"]
        command += ["--groups", "唐,宋", "--block", "author", "--split-blocks", "-m", str(model)]
        result = subprocess.run([*command, "--format", "json", "-q"], check=True, capture_output=True, text=True)
        found[name] = {r["word"]: r["change"] for r in json.loads(result.stdout)["results"] if r["change"] is not None}
        out[name] = {"tokens": meta["corpus"]["tokens"], "epochs": meta["hyperparameters"]["epochs"]}
        out[name]["seconds"] = round(seconds, 1)
        print(f"{name}: {out[name]['epochs']} passes over {out[name]['tokens']:,} tokens, {seconds:.1f} s", flush=True)
    common = sorted(set(found["now"]) & set(found["before"]))
    rho = spearmanr([found["now"][w] for w in common], [found["before"][w] for w in common])[0]
    out["spearman"], out["words"] = round(float(rho), 3), len(common)
    ratio = out["before"]["seconds"] / out["now"]["seconds"]
    print(f"time {ratio:.1f}x less (target >= 4); scan Spearman {rho:.3f} over {len(common)} words (target >= 0.9)")
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("what", choices=["curve", "scan"])
    p.add_argument("--poetry", default=str(ROOT.parent / "shared" / "corpora" / "poetry.tsv.gz"))
    p.add_argument("--sizes", type=float, nargs="+", default=[0.25, 0.5, 1.0, 1.5, 1.9, 2.2, 4.0])
    p.add_argument("--rows", type=int, default=36_000)
    p.add_argument("--rounds", type=int, default=3, help="curve: rounds over the sizes (their median is kept)")
    p.add_argument("--before", default=None, help="scan: a model of the same sample trained with --epochs 80")
    p.add_argument("--before-seconds", type=float, default=None, help="scan: the seconds that training took")
    p.add_argument("--json", default=None)
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        result = {"curve": curve, "scan": scan}[args.what](args, Path(tmp))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
