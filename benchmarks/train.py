"""Training throughput: `w2vkit train --segmented` vs calling gensim directly, same parameters,
same segmented file, measured in the same run (each in a fresh process). Target ratio >= 0.9.
Also the default method against `--method word2vec` (the default before the count model): below
2M tokens the default is hybrid, which adds the count model (w2vkit.training.countmodel) to the same
gensim training; target <= 1.2x the whole command's time.

    python benchmarks/train.py [--corpus PATH] [--repeat 2]

The corpus is segmented (and cached) once first; both sides then train on that file with the
w2vkit defaults for its size.
"""

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

GENSIM = """
import sys, json, time
from gensim.models import FastText, Word2Vec
kw = json.loads(sys.argv[2])
cls = FastText if kw.pop("subwords") else Word2Vec
t = time.perf_counter()
cls(corpus_file=sys.argv[1], **kw)
print(time.perf_counter() - t)
"""


def main():
    from w2vkit.text.corpus.corpuscache import prepare_corpus
    from w2vkit.text.segmenting.segment import SegmentOptions
    from w2vkit.training.fitting import gensim_kwargs as _gensim_kwargs
    from w2vkit.training.trainer import TrainOptions

    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpora" / "xiyouji.txt"))
    p.add_argument("--repeat", type=int, default=2)
    p.add_argument("--epochs", type=int, default=None, help="instead of the defaults' (the test suite: a few)")
    args = p.parse_args()
    prepared = prepare_corpus([args.corpus], SegmentOptions())
    corpus, tokens = prepared.path, prepared.tokens
    opts = TrainOptions(method="word2vec", epochs=args.epochs).resolved(tokens, prepared.language)
    default_method = TrainOptions().resolved(tokens, prepared.language).method
    kw = dict(_gensim_kwargs(opts), subwords=opts.subwords)
    kw.pop("compute_loss", None)  # plain gensim computes no loss; w2vkit pays for it (word2vec)
    print(
        f"corpus {args.corpus}: {tokens:,} tokens; {opts.arch}{'+subwords' if opts.subwords else ''} "
        f"dim={opts.dim} window={opts.window} "
        f"epochs={opts.epochs} workers={opts.workers}"
    )
    words = tokens * opts.epochs
    best = {}
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.repeat):
            out = subprocess.run(
                [sys.executable, "-c", GENSIM, str(corpus), json.dumps(kw)], capture_output=True, text=True, check=True
            ).stdout
            best["gensim"] = min(best.get("gensim", 1e9), float(out.split()[-1]))
            for method in ("word2vec", default_method):
                t = time.perf_counter()
                subprocess.run(
                    [sys.executable, "-m", "w2vkit", "train", str(corpus), "--segmented", "-o", f"{tmp}/m"]
                    + ["--method", method, "--format", "json", "-q"]
                    + (["--epochs", str(args.epochs)] if args.epochs else []),
                    capture_output=True,
                    text=True,
                    check=True,
                )
                total = time.perf_counter() - t
                meta = json.loads(Path(f"{tmp}/m/meta.json").read_text())
                if method == "word2vec":
                    best["w2vkit"] = min(best.get("w2vkit", 1e9), meta["timings"]["train_seconds"])
                    best["w2vkit word2vec (command)"] = min(best.get("w2vkit word2vec (command)", 1e9), total)
                else:
                    count = meta["timings"].get("count_seconds", 0.0)
                    best["count model alone"] = min(best.get("count model alone", 1e9), count)
                    best[f"w2vkit {method} (command)"] = min(best.get(f"w2vkit {method} (command)", 1e9), total)
    print(f"{'what':28} {'seconds':>8} {'words/s':>12} {'vs gensim':>10}")
    for name, secs in best.items():
        if name == "count model alone":
            print(f"{name:28} {secs:8.2f}")
            continue
        print(f"{name:28} {secs:8.2f} {words / secs:12,.0f} {best['gensim'] / secs:9.2f}x")
    if default_method != "word2vec":
        ratio = best[f"w2vkit {default_method} (command)"] / best["w2vkit word2vec (command)"]
        print(f"default ({default_method}) / word2vec, whole command: {ratio:.2f}x (target <= 1.2x)")


if __name__ == "__main__":
    main()
