"""Segmentation speed on the novel: plain jieba vs w2vkit with each engine, 1 job and all jobs.

Every case runs as a fresh process (start-up and dictionary loading included, as a user sees it)
on the novel's text repeated --times times (default 16, 11.8M characters: w2vkit's fixed start-up,
~0.3 s, would otherwise hide the segmenters' speed; at --times 4 the fast engine on 2 cores measured
8.6x plain jieba, at 16 10.6x). Prints chars/s side by side and the ratio to plain
jieba on one core, measured in the same run. Target: fast engine, all jobs >= 10x.

    python benchmarks/segment.py [--corpus PATH] [--times 16]
    python benchmarks/segment.py --memory-gb 1     # time and peak RSS on ~1 GB (the novel repeated)
"""

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from w2vkit.text.reading.datasets import builtin_corpus  # noqa: E402

DEFAULT = builtin_corpus("xiyouji")  # the built-in novel (.txt.bz2)

PLAIN_JIEBA = """
import sys, jieba
jieba.setLogLevel(60)
jieba.load_userdict(sys.argv[2])
with open(sys.argv[1], encoding="utf-8-sig") as f, open(sys.argv[3], "w", encoding="utf-8") as out:
    for line in f:
        out.write(" ".join(jieba.lcut(line.strip())) + "\\n")
"""


def read_novel(src: Path) -> bytes:
    import bz2

    data = bz2.decompress(src.read_bytes()) if src.suffix == ".bz2" else src.read_bytes()
    return data.removeprefix(b"\xef\xbb\xbf")


def repeated_corpus(src: Path, times: int, dest: Path) -> Path:
    # Written piecewise: a 1 GB bytes object here would be counted in the child's peak RSS
    # (fork copies the parent's page table before exec).
    data = read_novel(src)
    with open(dest, "wb") as f:
        for _ in range(times):
            f.write(data)
    return dest


def timed(cmd):
    start = time.perf_counter()
    subprocess.run(cmd, check=True)
    return time.perf_counter() - start


def speed(args):
    from_jobs = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        corpus = repeated_corpus(Path(args.corpus), args.times, tmp / "novel.txt")
        chars = len(corpus.read_text(encoding="utf-8"))
        xiyouji_dict = ROOT / "w2vkit" / "data" / "dicts" / "xiyouji.txt"
        rows = [
            (
                "plain jieba (lcut per line), 1 job",
                [sys.executable, "-c", PLAIN_JIEBA, str(corpus), str(xiyouji_dict), str(tmp / "plain.txt")],
            )
        ]
        for engine in ("jieba", "fast"):
            for jobs in (1, from_jobs):
                rows.append(
                    (
                        f"w2vkit segment --engine {engine} -j {jobs}",
                        [
                            sys.executable,
                            "-m",
                            "w2vkit",
                            "segment",
                            str(corpus),
                            "-o",
                            str(tmp / "out"),
                            "--user-dict",
                            "xiyouji",
                            "--engine",
                            engine,
                            "-j",
                            str(jobs),
                            "-q",
                        ],
                    )
                )
        # A text with no dictionary: new-word discovery runs (the default), or not.
        for flag in ("--discover", "--no-discover"):
            rows.append(
                (
                    f"  no dictionary, {flag}, -j {from_jobs}",
                    [
                        sys.executable,
                        "-m",
                        "w2vkit",
                        "segment",
                        str(corpus),
                        "-o",
                        str(tmp / "out"),
                        "--no-auto-dict",
                        flag,
                        "-j",
                        str(from_jobs),
                        "-q",
                    ],
                )
            )
        print(f"corpus: {args.corpus} x {args.times} = {chars:,} chars; {from_jobs} cores; best of {args.repeat}")
        print(f"{'what':42} {'seconds':>8} {'chars/s':>12} {'vs plain jieba':>15}")
        base = None
        for name, cmd in rows:
            best = min(timed(cmd) for _ in range(args.repeat))
            rate = chars / best
            base = base or rate
            print(f"{name:42} {best:8.2f} {rate:12,.0f} {rate / base:14.1f}x", flush=True)


def memory(args):
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        novel = read_novel(Path(args.corpus))
        times = max(1, int(args.memory_gb * (1 << 30) / len(novel)))
        big = repeated_corpus(Path(args.corpus), times, tmp / "big.txt")
        size = big.stat().st_size
        seconds = timed(
            [
                sys.executable,
                "-m",
                "w2vkit",
                "segment",
                str(big),
                "-o",
                str(tmp / "out"),
                "--user-dict",
                "xiyouji",
                "-q",
            ]
        )
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(
            f"segmented {size / (1 << 30):.2f} GiB in {seconds:.1f} s ({size / seconds / (1 << 20):.1f} MiB/s); "
            f"peak RSS of the largest process: {peak:.0f} MiB"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", default=str(DEFAULT))
    parser.add_argument("--times", type=int, default=16)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--memory-gb", type=float, default=0)
    args = parser.parse_args()
    memory(args) if args.memory_gb else speed(args)


if __name__ == "__main__":
    main()
