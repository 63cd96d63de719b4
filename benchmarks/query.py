"""Query latency.

1. Cold `w2vkit similar 孙悟空` (a new process, the novel's model) vs a plain gensim script doing
   the same (load KeyedVectors, most_similar), best of --repeat. Target: w2vkit >= 4x faster.
2. Warm query in one process on a generated 1,000,000 x 300 model (as the shell runs it).
   Target: <= 0.5 s.

    python benchmarks/query.py [--model models/xiyouji] [--repeat 5]
"""

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

GENSIM = """
import sys
from gensim.models import KeyedVectors
kv = KeyedVectors.load(sys.argv[1], mmap="r")
print(kv.most_similar(sys.argv[2], topn=10)[0])
"""


def best_of(cmd, repeat):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - t)
    return min(times)


def main():
    from w2vkit.model.store import load_model, save_model
    from w2vkit.queries.query import Engine

    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", default="models/xiyouji")
    p.add_argument("--word", default="孙悟空")
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--big", type=int, default=1_000_000)
    args = p.parse_args()
    model = load_model(args.model)
    with tempfile.TemporaryDirectory() as tmp:
        from gensim.models import KeyedVectors

        kv = KeyedVectors(model.dim)
        kv.add_vectors(model.words, np.asarray(model.vectors))
        kv.save(f"{tmp}/kv")
        ours = best_of([sys.executable, "-m", "w2vkit", "similar", args.word, "-m", args.model], args.repeat)
        theirs = best_of([sys.executable, "-c", GENSIM, f"{tmp}/kv", args.word], args.repeat)
        print(
            f"cold query, {len(model):,} words x {model.dim}: w2vkit {ours:.3f} s, gensim script "
            f"{theirs:.3f} s -> w2vkit {theirs / ours:.1f}x faster"
        )

        rng = np.random.default_rng(0)
        n, dim = args.big, 300
        vectors = rng.standard_normal((n, dim), dtype=np.float32)
        words = [f"w{i}" for i in range(n)]
        save_model(f"{tmp}/big", words, np.arange(n, 0, -1), vectors, {})
        del vectors
        engine = Engine(load_model(f"{tmp}/big"))
        t = time.perf_counter()
        engine.most_similar(["w10"])
        first = time.perf_counter() - t
        warm = []
        for i in range(5):
            t = time.perf_counter()
            engine.most_similar([f"w{i * 1000 + 7}"])
            warm.append(time.perf_counter() - t)
        t = time.perf_counter()
        engine.most_similar(["w3"], restrict_vocab=100_000)
        restricted = time.perf_counter() - t
        print(
            f"{n:,} x {dim} model: first query {first:.3f} s (computes and caches norms), warm query "
            f"median {sorted(warm)[2]:.3f} s, with --restrict-vocab 100000 {restricted:.3f} s"
        )


if __name__ == "__main__":
    main()
