"""What resampled members cost (issues 35, 51): on the built-in novel, `train xiyouji` against
`train xiyouji --bootstrap 10` (segmentation cached by a first run, so both time training; the
target: the bootstrap run at most 11 trainings + 10%), the same with `--jobs 2` (members two at
a time, one thread each; target: at most 0.85x the serial run), and a cold `similar` (a fresh
process) on the plain model against the model with 10 members, stability included (target:
within 2x).

    python benchmarks/bootstrap.py [--members 10] [--rounds 7]
    python benchmarks/bootstrap.py --tiny
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def timed(cmd: list[str], env=None) -> float:
    started = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    return time.perf_counter() - started


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--members", type=int, default=10)
    p.add_argument("--rounds", type=int, default=7, help="cold queries of each kind, interleaved")
    p.add_argument("--tiny", action="store_true", help="one epoch on a slice (for the test suite)")
    p.add_argument("--cluster", action="store_true", help="also time --cluster local:2 against --jobs 2")
    p.add_argument(
        "--jobs-pair",
        action="store_true",
        help="only --jobs 1 against --jobs 2, for --bootstrap 10 at the default passes and --bootstrap 4 --epochs 10",
    )
    p.add_argument("--json", default=None)
    args = p.parse_args()
    w2vkit = [sys.executable, "-m", "w2vkit"]
    if args.jobs_pair:
        return jobs_pair(w2vkit, args)
    corpus, extra = "xiyouji", []
    if args.tiny:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from tiny import WHOLE_TINY_CHARS, tiny_novel

        corpus, extra, args.members, args.rounds = tiny_novel(WHOLE_TINY_CHARS), ["--epochs", "1", "--dim", "16"], 2, 1
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, W2VKIT_CACHE=str(Path(tmp) / "cache"))
        timed([*w2vkit, "train", corpus, "-o", str(Path(tmp) / "warm"), "-q", *extra], env)  # caches the segmentation
        one = timed([*w2vkit, "train", corpus, "-o", str(Path(tmp) / "one"), "-q", *extra], env)
        boot = timed(
            [*w2vkit, "train", corpus, "-o", str(Path(tmp) / "boot"), "--bootstrap", str(args.members), "-q", *extra],
            env,
        )
        parallel = timed(
            [
                *w2vkit,
                "train",
                corpus,
                "-o",
                str(Path(tmp) / "par"),
                "--bootstrap",
                str(args.members),
                "--jobs",
                "2",
                "-q",
                *extra,
            ],
            env,
        )
        print(
            f"--bootstrap {args.members} --jobs 2: {parallel:.1f} s = {parallel / boot:.2f}x the serial run's "
            f"{boot:.1f} s (target <= 0.85x: {'met' if parallel <= 0.85 * boot else 'NOT met'})",
            flush=True,
        )
        if args.cluster:
            on_cluster = timed(
                [
                    *w2vkit,
                    "train",
                    corpus,
                    "-o",
                    str(Path(tmp) / "clu"),
                    "--bootstrap",
                    str(args.members),
                    "--cluster",
                    "local:2",
                    "-q",
                    *extra,
                ],
                env,
            )
            print(
                f"--bootstrap {args.members} --cluster local:2: {on_cluster:.1f} s = {on_cluster / parallel:.2f}x the "
                f"--jobs 2 run's {parallel:.1f} s",
                flush=True,
            )
        budget = (args.members + 1) * one * 1.10
        print(
            f"train {corpus}: one model {one:.1f} s; with --bootstrap {args.members}: {boot:.1f} s = "
            f"{boot / one:.2f} trainings (target <= {(args.members + 1) * 1.1:.1f}: "
            f"{'met' if boot <= budget else 'NOT met'})",
            flush=True,
        )
        word = "行者"
        plain, members = [], []
        for _ in range(args.rounds):
            plain.append(timed([*w2vkit, "similar", word, "-m", str(Path(tmp) / "one"), "-q"], env))
            members.append(timed([*w2vkit, "similar", word, "-m", str(Path(tmp) / "boot"), "-q"], env))
        a, b = statistics.median(plain), statistics.median(members)
        print(
            f"cold similar {word}: plain model {a * 1000:.0f} ms, with {args.members} members {b * 1000:.0f} ms = "
            f"{b / a:.2f}x (target <= 2: {'met' if b <= 2 * a else 'NOT met'}); medians of {args.rounds}"
        )
    if args.json:
        Path(args.json).write_text(
            json.dumps({"one": one, "bootstrap": boot, "jobs2": parallel, "cold_plain": a, "cold_members": b})
        )


def jobs_pair(w2vkit: list[str], args) -> None:
    """Members two at a time against one after another (issue 60: <= 0.85x for both), in one run:
    --bootstrap 10 at the default passes, then --bootstrap 4 --epochs 10, each serial run first."""
    corpus, found = "xiyouji", {}
    settings = [
        ("--bootstrap 10", ["--bootstrap", "10"]),
        ("--bootstrap 4 --epochs 10", ["--bootstrap", "4", "--epochs", "10"]),
    ]
    if args.tiny:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from tiny import WHOLE_TINY_CHARS, tiny_novel

        corpus = tiny_novel(WHOLE_TINY_CHARS)
        settings = [("--bootstrap 2 (tiny)", ["--bootstrap", "2", "--epochs", "1", "--dim", "16"])]
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, W2VKIT_CACHE=str(Path(tmp) / "cache"))
        timed(
            [*w2vkit, "train", corpus, "-o", str(Path(tmp) / "warm"), "-q", "--epochs", "1"], env
        )  # (segmentation cached)
        for name, extra in settings:
            serial = timed([*w2vkit, "train", corpus, "-o", str(Path(tmp) / "serial"), "-q", *extra], env)
            parallel = timed([*w2vkit, "train", corpus, "-o", str(Path(tmp) / "par"), "-q", "--jobs", "2", *extra], env)
            found[name] = {
                "serial": round(serial, 1),
                "jobs2": round(parallel, 1),
                "ratio": round(parallel / serial, 3),
            }
            print(
                f"{name}: --jobs 2 {parallel:.1f} s against --jobs 1 {serial:.1f} s = {parallel / serial:.2f}x "
                f"(target <= 0.85x: {'met' if parallel <= 0.85 * serial else 'NOT met'})",
                flush=True,
            )
    if args.json:
        Path(args.json).write_text(json.dumps(found))


if __name__ == "__main__":
    main()
