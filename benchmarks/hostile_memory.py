"""Peak resident memory of the inputs that used to pass gigabytes (issue 34, item 10), each run as
a new process whose peak (getrusage of its children: the process and every child it waited for)
is printed beside the target, 1 GB:

  expand --concepts     200,000 concepts over a 20,000-word model (was a words x concepts matrix: 3 GB)
  compare               two 300,000-word models of different dimensions (was 1024 x V blocks, int64: 4 GB)
  search                one line of 50 MB (was ~140 bytes per input byte: 4 GB)
  axis -o               5,377 words drawn (was a 1500 x 258,246 px PNG: 2.4 GB)
  segment local:16      a local cluster of 16 asked for on this machine (capped at its cores)

Models are synthetic (clustered random vectors; any size can be made), so nothing beside the clone
is needed.

    python benchmarks/hostile_memory.py [--tiny]
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from map_memory import MEASURE, synthetic_model  # noqa: E402

TARGET_MB = 1024


def tree_rss_kb(root: int) -> int:
    """The resident memory of process root and all its descendants now (from /proc), in KB."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status") as f:
                fields = dict(line.split(":", 1) for line in f if ":" in line)
        except OSError:
            continue
        parents[int(entry)] = int(fields.get("PPid", "0").strip())
        rss[int(entry)] = int(fields.get("VmRSS", "0 kB").split()[0])
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo += [child for child, parent in parents.items() if parent == pid]
    return total


def run(name: str, command: list[str], target_mb: float = TARGET_MB) -> dict:
    """The command's wall time and peak memory: the larger of its own peak (getrusage, exact for
    one process) and the most its whole process tree held at once (sampled every 50 ms: worker
    processes count too)."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", MEASURE, *command], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    tree_peak = 0
    while proc.poll() is None:
        tree_peak = max(tree_peak, tree_rss_kb(proc.pid))
        time.sleep(0.05)
    out, err = proc.communicate()
    seconds = time.perf_counter() - started
    code, peak_kb = (int(x) for x in out.split())
    if code != 0:
        raise SystemExit(f"{name} failed: {err.strip()[-500:]}")
    peak = max(peak_kb, tree_peak) / 1024
    print(f"{name:<34} {peak:>9,.0f} {seconds:>8.1f}  {'met' if peak < target_mb else 'NOT met'}", flush=True)
    return {"case": name, "peak_mb": round(peak), "seconds": round(seconds, 1)}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--tiny", action="store_true", help="small sizes (for the test suite)")
    p.add_argument("--json", default=None, help="also write the figures here")
    args = p.parse_args()
    scale = 100 if args.tiny else 1
    w2vkit = [sys.executable, "-m", "w2vkit"]
    print(f"{'case':<34} {'peak MB':>9} {'seconds':>8}  target < {TARGET_MB:,} MB")
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        model = synthetic_model(tmp, 20_000 // scale)
        # 200,000 concepts of 3 seeds each
        rng = np.random.default_rng(1)
        words = [f"w{i:06d}" for i in range(20_000 // scale)]
        concepts = tmp / "concepts.tsv"
        picks = rng.integers(0, len(words), size=(200_000 // scale, 3))
        with open(concepts, "w", encoding="utf-8") as f:
            f.writelines(f"c{c}\t{words[a]} {words[b]} {words[d]}\n" for c, (a, b, d) in enumerate(picks.tolist()))
        results.append(
            run(
                "expand --concepts 200k",
                [*w2vkit, "expand", "--concepts", str(concepts), "-m", str(model), "-n", "2", "--format", "tsv", "-q"],
            )
        )
        # two 300k-word models of different dimensions; every word compared on the rows that the
        # min count keeps (3,000 of them: neighbours over all 300k words for each)
        big_a = synthetic_model(tmp / "a", 300_000 // scale, dim=100)
        big_b = synthetic_model(tmp / "b", 300_000 // scale, dim=50, seed=1)
        keep = str(300_000 // scale - 3_000 // scale + 10)  # counts run from n + 10 down to 11
        results.append(
            run(
                "compare 300k x 300k (dims differ)",
                [*w2vkit, "compare", str(big_a), str(big_b), "--min-count", keep, "--format", "tsv", "-q"],
            )
        )
        # one line of 50 MB of the model's words
        line = tmp / "line.txt"
        with open(line, "w", encoding="utf-8") as f:
            size, chunk = 0, " ".join(words[:2000]) + " "
            while size < (50 << 20) // scale:
                f.write(chunk)
                size += len(chunk)
            f.write("\n")
        results.append(
            run(
                "search a 50 MB line",
                [
                    *w2vkit,
                    "search",
                    "w000001 w000002",
                    "--in",
                    str(line),
                    "-m",
                    str(model),
                    "--method",
                    "mean",
                    "--format",
                    "tsv",
                    "-q",
                ],
            )
        )
        picture = tmp / "axis.png"
        results.append(
            run(
                "axis -n 2700 -o axis.png",
                [
                    *w2vkit,
                    "axis",
                    "w000001",
                    "--vs",
                    "w000002",
                    "-n",
                    str(2_700 // scale),
                    "-m",
                    str(model),
                    "-o",
                    str(picture),
                    "--format",
                    "tsv",
                    "-q",
                ],
            )
        )
        from tiny import tiny_novel

        novel = tiny_novel()
        results.append(
            run(
                "segment --cluster local:16",
                [*w2vkit, "segment", novel, "-o", str(tmp / "seg"), "--cluster", "local:16", "-q"],
            )
        )
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    print(f"cores: {os.cpu_count()}; peaks are of the process and the children it waited for")


if __name__ == "__main__":
    main()
