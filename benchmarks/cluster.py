"""Segmenting on a Dask cluster against local processes: the novel repeated --times times (16:
11.8M characters), `w2vkit segment --cluster local:2` against `--jobs 2`, each a fresh process
(start-up included, as a user sees it), rounds interleaved, in the same run. Checks that the
outputs are identical and prints the ratio of the medians and the median of each round's ratio
(the machine's speed drifts between rounds; a round runs both back to back). Target: the cluster
at most 1.5x the time of --jobs 2.

It also measures what one client can feed: the CPU time of the client process (planning the byte
ranges the workers read, hashing the inputs, concatenating the workers' shards, merging
vocabularies, and the scheduler, which local:N runs in the client) on the whole input less that on
one copy of the novel (start-up and fixed costs), per character. A cluster of N workers is fed as
long as N x a worker's rate stays below that (docs/cluster.md).

    python benchmarks/cluster.py [--times 16] [--rounds 2]
    python benchmarks/cluster.py --tiny
"""

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tiny import tiny_novel  # noqa: E402

from w2vkit.text.reading.datasets import builtin_corpus  # noqa: E402

TARGET_RATIO = 1.5


def novel_text(path: Path) -> bytes:
    import bz2

    data = bz2.decompress(path.read_bytes()) if path.suffix == ".bz2" else path.read_bytes()
    return data.removeprefix(b"\xef\xbb\xbf")


def timed(cmd) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True)
    return time.perf_counter() - start


def client_cost(corpus: Path, out: Path) -> float:
    """Client CPU seconds of one run on a local cluster whose workers are other processes."""
    from w2vkit.text.segmenting.pipeline import segment_corpus

    before = resource.getrusage(resource.RUSAGE_SELF)
    segment_corpus([str(corpus)], out, cluster="local:2")
    after = resource.getrusage(resource.RUSAGE_SELF)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--times", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--tiny", action="store_true", help="a slice of the novel, once: checks that it runs")
    parser.add_argument("--json", default=None, help="also write the figures here")
    args = parser.parse_args()
    source = Path(tiny_novel()) if args.tiny else builtin_corpus("xiyouji")
    times, rounds = (1, 1) if args.tiny else (args.times, args.rounds)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        corpus = tmp / "novel.txt"
        data = novel_text(source)
        with open(corpus, "wb") as f:
            for _ in range(times):
                f.write(data)
        chars = len(corpus.read_text(encoding="utf-8"))
        w2vkit = [sys.executable, "-m", "w2vkit", "segment", str(corpus), "-q"]
        cases = {"--jobs 2": ["--jobs", "2"], "--cluster local:2": ["--cluster", "local:2"]}
        seconds = {name: [] for name in cases}
        for r in range(rounds):
            for name, extra in cases.items():
                out = tmp / f"out-{len(seconds[name])}-{name[2:4]}"
                seconds[name].append(timed([*w2vkit, "-o", str(out), *extra]))
                # Every run writes the same segmented text.
                first = tmp / "out-0-jo" / "novel.txt"
                if (out / "novel.txt").read_bytes() != first.read_bytes():
                    sys.exit(f"{name}: output differs from --jobs 2's")
                print(f"round {r + 1}: {name}: {seconds[name][-1]:.1f} s", file=sys.stderr)
        one = tmp / "one.txt"
        one.write_bytes(data)
        client_cost(one, tmp / "client-warm")  # imports Dask: not a cost of the input
        one_cpu, one_chars = client_cost(one, tmp / "client-one"), len(data.decode("utf-8"))
        cpu = client_cost(corpus, tmp / "client")
        median = {name: statistics.median(v) for name, v in seconds.items()}
        ratio = median["--cluster local:2"] / median["--jobs 2"]
        paired = statistics.median(c / j for c, j in zip(seconds["--cluster local:2"], seconds["--jobs 2"]))
        print(f"the novel x{times}: {chars / 1e6:.1f}M characters, median of {rounds} rounds, fresh processes")
        print(f"{'case':<22} {'seconds':>8} {'M chars/s':>10} {'ratio':>6}")
        for name in cases:
            print(
                f"{name:<22} {median[name]:>8.1f} {chars / median[name] / 1e6:>10.2f} {median[name] / median['--jobs 2']:>6.2f}"
            )
        verdict = "met" if max(ratio, paired) <= TARGET_RATIO else "NOT met"
        print(
            f"target: cluster / jobs <= {TARGET_RATIO}: {ratio:.2f}, median of the rounds' ratios {paired:.2f} ({verdict})"
        )
        marginal = (chars - one_chars) / max(cpu - one_cpu, 1e-3) if times > 1 else float("nan")
        print(
            f"client CPU: {cpu:.1f} s for {chars / 1e6:.1f}M characters, {one_cpu:.1f} s for one copy: "
            f"{marginal / 1e6:.0f}M characters/s fed beyond the fixed costs"
        )
        if args.json:
            record = {
                "chars": chars,
                "seconds": median,
                "ratio": ratio,
                "paired_ratio": paired,
                "client_cpu_seconds": cpu,
                "client_cpu_seconds_one_copy": one_cpu,
                "client_chars_per_second": marginal,
            }
            Path(args.json).write_text(json.dumps(record, indent=2))


if __name__ == "__main__":
    main()
