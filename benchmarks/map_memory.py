"""Memory and time of `w2vkit plot --top N -o map.html` at 20k, 50k and 100k words (issue 26):
a model of N words (clustered random vectors, dimension 100, so that any size can be made) is
written to a temporary folder, and the command runs in a new process whose peak resident memory
(getrusage of the child) is printed beside the memory the whole n x n similarity matrix would
take (what neighbour lists computed in one product would need) and the size of the page.

    python benchmarks/map_memory.py [--sizes 20000,50000,100000] [--tiny]
"""

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from w2vkit.model.store import save_model  # noqa: E402

MEASURE = (
    "import resource, subprocess, sys\n"
    "r = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
    "print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    "sys.stderr.write(r.stderr)\n"
)


def synthetic_model(folder: Path, n: int, dim: int = 100, seed: int = 0) -> Path:
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(max(2, n // 200), dim))
    vectors = centres[rng.integers(0, len(centres), n)] + 0.5 * rng.normal(size=(n, dim))
    words = [f"w{i:06d}" for i in range(n)]
    counts = np.arange(n, 0, -1) + 10
    return save_model(folder / f"m{n}", words, counts, vectors.astype(np.float32), {})


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", default="20000,50000,100000")
    p.add_argument("--tiny", action="store_true", help="one map of 300 words (for the test suite)")
    args = p.parse_args()
    sizes = [300] if args.tiny else [int(x) for x in args.sizes.split(",")]
    print(f"{'words':>7}  {'peak RSS MB':>11}  {'seconds':>7}  {'n x n matrix MB':>15}  {'page MB':>7}")
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            model = synthetic_model(Path(tmp), n)
            page = Path(tmp) / f"map{n}.html"
            command = [sys.executable, "-m", "w2vkit", "plot", "-m", str(model), "--top", str(n), "-o", str(page), "-q"]
            started = time.perf_counter()
            out = subprocess.run([sys.executable, "-c", MEASURE, *command], capture_output=True, text=True, check=True)
            seconds = time.perf_counter() - started
            code, peak_kb = (int(x) for x in out.stdout.split())
            if code != 0:
                raise SystemExit(f"plot failed at {n:,} words: {out.stderr.strip()}")
            matrix_mb = n * n * 4 / 2**20
            row = dict(words=n, peak_mb=peak_kb / 1024, seconds=seconds, matrix_mb=matrix_mb)
            row["page_mb"] = page.stat().st_size / 2**20
            results.append(row)
            print(f"{n:>7,}  {row['peak_mb']:>11,.0f}  {seconds:>7.1f}  {matrix_mb:>15,.0f}  {row['page_mb']:>7.1f}")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
