"""A vector index against embedding the file for every query (issue 41).

The English corpus (text8-style, one line) cut into lines of 15 words gives 1.13M lines, none
repeated (so neighbours are not ties). For each kind (flat: exact, numpy; ivf and hnsw: Faiss):
build time and peak memory (of the building process), query latency over --queries warm queries
in-process (median and 99th percentile, query embedding included) and a cold `search --index`
command, and recall@10 against the exact kind. Beside them, today's `search --in` on the same
file and model (one query: it embeds the whole file). With --milvus, the same for Milvus Lite
(flat and hnsw collections in a milvus:FILE.db; needs the milvus extra).

    python benchmarks/index.py --model models/enwiki [--corpus ../shared/corpora/enwiki-text8style-100M.txt.gz]
    python benchmarks/index.py --tiny
"""

import argparse
import gzip
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from w2vkit.model.store import load_model  # noqa: E402
from w2vkit.sentences.embed import Embedder  # noqa: E402
from w2vkit.sentences.vectorindex import open_index, search_index  # noqa: E402

WORDS_PER_LINE = 15


def write_lines(corpus: str, out: Path, limit: int | None) -> int:
    opener = gzip.open if corpus.endswith(".gz") else open
    with opener(corpus, "rt", encoding="utf-8") as f:
        words = f.read().split()
    n = 0
    seen = set()
    with open(out, "w", encoding="utf-8") as f:
        for start in range(0, len(words) - WORDS_PER_LINE + 1, WORDS_PER_LINE):
            line = " ".join(words[start : start + WORDS_PER_LINE])
            if line in seen:
                continue
            seen.add(line)
            f.write(line + "\n")
            n += 1
            if limit and n >= limit:
                break
    return n


def build(kind: str, lines: Path, out, model: str) -> tuple[float, float]:
    """Seconds and peak RSS (MB, the process's own high-water mark) of building in a process of its own."""
    code = (
        "import time; from w2vkit.sentences.embed import Embedder; from w2vkit.model.store import load_model; "
        "from w2vkit.sentences.vectorindex import build_index; t = time.perf_counter(); "
        f"build_index(Embedder(load_model({model!r})), {str(lines)!r}, {str(out)!r}, {kind.split('-')[-1]!r}); "
        # VmHWM, not ru_maxrss: Linux carries a parent's maxrss across fork and exec
        "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1]; "
        "print(time.perf_counter() - t, int(hwm) / 1024)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    seconds, peak = map(float, result.stdout.split())
    return seconds, peak


def timed_search(query: str, flag: str, where, model: str) -> float:
    """Seconds of one `w2vkit search` command in a new process (--index: cold; --in: embeds the file)."""
    t = time.perf_counter()
    cmd = [sys.executable, "-m", "w2vkit", "search", query, flag, str(where), "-m", model, "-q"]
    subprocess.run(cmd, check=True, capture_output=True)
    return time.perf_counter() - t


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", default=None)
    p.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpora" / "enwiki-text8style-100M.txt.gz"))
    p.add_argument("--queries", type=int, default=1000)
    p.add_argument("--lines", type=int, default=0, help="at most this many lines (0: all)")
    p.add_argument("--tiny", action="store_true")
    p.add_argument("--json", default=None)
    p.add_argument("--milvus", action="store_true", help="also Milvus Lite (flat, hnsw)")
    p.add_argument("--kinds", default=None, help="only these kinds, comma-separated (flat first: the reference)")
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if args.tiny:
            from tiny import tiny_novel

            from w2vkit.training.trainer import train
            from w2vkit.training.trainoptions import TrainOptions

            train([tiny_novel()], tmp / "model", TrainOptions(epochs=1, dim=16, method="word2vec"))
            args.model, args.queries = str(tmp / "model"), 20
            text = Path(tiny_novel()).read_text(encoding="utf-8")
            (tmp / "lines.txt").write_text(text, encoding="utf-8")
            n = text.count("\n")
            kinds = ["flat"]
        else:
            n = write_lines(args.corpus, tmp / "lines.txt", args.lines or None)
            kinds = ["flat", "ivf", "hnsw"]
        if args.milvus:
            kinds += ["milvus-flat", "milvus-hnsw"]
        if args.kinds:
            kinds = args.kinds.split(",")
        lines = tmp / "lines.txt"
        print(f"{n:,} lines ({lines.stat().st_size / 1e6:.0f} MB), model {args.model}", flush=True)
        embedder = Embedder(load_model(args.model))
        rng = np.random.default_rng(0)
        all_lines = [line for line in lines.read_text(encoding="utf-8").splitlines() if len(line.strip()) > 12]
        picked = [all_lines[i] for i in rng.integers(0, len(all_lines), args.queries * 2)]
        del all_lines
        # a query: the start of a line (5 words, or 12 characters of Chinese), with a word the model knows
        starts = [" ".join(t.split()[:5]) if " " in t.strip() else t.strip()[:12] for t in picked]
        queries = [q for q in starts if embedder.raw_vectors([q])[1] == []][: args.queries]
        table, exact_hits = {}, None
        for kind in kinds:
            out = f"milvus:{tmp / kind}.db" if kind.startswith("milvus") else tmp / f"ix-{kind}"
            seconds, peak = build(kind, lines, out, args.model)
            # the cold command first: Milvus Lite serves one process at a time, and a process that
            # opened a .db holds it until it exits
            cold = timed_search(queries[0], "--index", out, args.model)
            index = open_index(out, embedder.model)
            search_index(embedder, index, queries[:1], 10)  # warm: the memory map and Faiss's file
            times, hits = [], []
            for q in queries:
                t = time.perf_counter()
                hits.append(search_index(embedder, index, [q], 10)[0])
                times.append(time.perf_counter() - t)
            if kind == "flat":
                exact_hits = hits
            recall = np.mean(
                [len({h.line for h in a} & {h.line for h in e}) / max(1, len(e)) for a, e in zip(hits, exact_hits)]
            )
            folder = Path(str(out).removeprefix("milvus:"))
            size = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) / 1e6
            table[kind] = {
                "build_s": seconds,
                "build_peak_mb": peak,
                "median_ms": 1000 * statistics.median(times),
                "p99_ms": 1000 * float(np.percentile(times, 99)),
                "cold_s": cold,
                "recall10": float(recall),
                "disk_mb": size,
            }
            print(
                f"{kind:<5} build {seconds:6.1f} s, peak {peak:5.0f} MB, on disk {size:5.0f} MB; query median "
                f"{1000 * statistics.median(times):7.2f} ms, p99 {1000 * np.percentile(times, 99):7.2f} ms; cold "
                f"command {cold:5.2f} s; recall@10 {recall:.3f}",
                flush=True,
            )
        direct = timed_search(queries[0], "--in", lines, args.model)
        flat = table["flat"]["median_ms"] / 1000
        print(
            f"search --in (embeds the file for the query): {direct:.1f} s = {direct / flat:,.0f}x the exact index's "
            f"warm query (target >= 100x)"
        )
        for kind in [k for k in table if k != "flat"]:
            speedup = table["flat"]["median_ms"] / table[kind]["median_ms"]
            print(
                f"{kind}: {speedup:.1f}x faster than exact at recall@10 {table[kind]['recall10']:.3f} "
                "(target: >= 10x at >= 0.95)"
            )
        print(
            f"memory of the index: {table['flat']['disk_mb'] / n * 1e6:,.0f} MB per million lines (float32 vectors "
            "and texts); the build's peak above is the process, not the text"
        )
        if args.json:
            Path(args.json).write_text(json.dumps({"lines": n, "kinds": table, "search_in_s": direct}, indent=2))


if __name__ == "__main__":
    main()
