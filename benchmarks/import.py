"""Importing a generated 1,000,000 x 300 word2vec binary: w2vkit import vs gensim's
load_word2vec_format, in the same run, each in a fresh process: time and peak memory (RSS).
Targets: >= 3x faster, peak <= 1.5x the vector bytes (1.2 GB). An import also writes the model
(1.2 GB, fsynced) and checksums source and vectors; the loader writes nothing, so a third row
times gensim doing the same job (load, then save in its own format).

    python benchmarks/import.py [--words 1000000] [--dim 300]
"""

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

GENSIM = """
import sys, resource, time
from gensim.models import KeyedVectors
t = time.perf_counter()
kv = KeyedVectors.load_word2vec_format(sys.argv[1], binary=True)
print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""
# The same job as an import: a model on disk that later loads in milliseconds (gensim's own
# format also keeps the vectors in an mmap-able .npy).
GENSIM_SAVE = """
import sys, resource, time
from gensim.models import KeyedVectors
t = time.perf_counter()
kv = KeyedVectors.load_word2vec_format(sys.argv[1], binary=True)
kv.save(sys.argv[2])
print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""
OURS = """
import sys, resource, time
from w2vkit.store import import_word2vec
t = time.perf_counter()
import_word2vec(sys.argv[1], sys.argv[2])
print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def generate(path: Path, n: int, dim: int):
    rng = np.random.default_rng(0)
    with open(path, "wb") as f:
        f.write(f"{n} {dim}\n".encode())
        step = 50_000
        for start in range(0, n, step):
            block = rng.standard_normal((min(step, n - start), dim), dtype=np.float32)
            f.write(b"".join(f"w{start + i}".encode() + b" " + row.tobytes() + b"\n"
                             for i, row in enumerate(block)))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--words", type=int, default=1_000_000)
    p.add_argument("--dim", type=int, default=300)
    args = p.parse_args()
    vector_bytes = args.words * args.dim * 4
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "vectors.bin"
        generate(src, args.words, args.dim)
        rows = {}
        for name, code, extra in (("gensim load_word2vec_format", GENSIM, []),
                                  ("gensim load + save (same job)", GENSIM_SAVE, [f"{tmp}/gensim.kv"]),
                                  ("w2vkit import", OURS, [f"{tmp}/model"])):
            out = subprocess.run([sys.executable, "-c", code, str(src), *extra], capture_output=True,
                                 text=True, check=True).stdout.split()
            rows[name] = (float(out[0]), int(out[1]) * 1024)
    print(f"{args.words:,} x {args.dim} binary ({vector_bytes / 2**30:.2f} GiB of vectors)")
    g = rows["gensim load_word2vec_format"][0]
    print(f"{'what':30} {'seconds':>8} {'speed-up':>9} {'peak RSS':>10} {'/ vector bytes':>15}")
    for name, (secs, rss) in rows.items():
        print(f"{name:30} {secs:8.1f} {g / secs:8.1f}x {rss / 2**30:8.2f} GiB {rss / vector_bytes:14.2f}")


if __name__ == "__main__":
    main()
