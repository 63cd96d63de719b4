"""The count model on the 17M-word English Wikipedia (issue 23): its time and peak memory beside
gensim's training, and whether the hybrid helps English (Google analogies over the 30,000 most
frequent words, WordSim353 and SimLex-999).

    python benchmarks/count_model_english.py [--corpus ../shared/corpora/enwiki-text8style-100M.txt.gz]
        [--models DIR] [--weights 0,0.1,0.2,0.25,0.3,0.5,1] [--tiny]

It trains `w2vkit train CORPUS --method hybrid` once (the English defaults otherwise: CBOW, dim
200, w+c and all-but-the-top on the predictive part) in a child process, whose peak RSS is
read by GNU time, then `--method ppmi` on the same cached corpus in another (the count model's
own peak RSS and time). The hybrid model's two parts are taken apart (they are stored scaled by
sqrt(1 - w) and sqrt(w)) and recombined with each weight; weight 0 is the predictive model alone,
as `--method word2vec` saves it. --tiny runs the whole thing on 200,000 words of the corpus (the
suite's check that the benchmark still runs).
"""

import argparse
import gzip
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from w2vkit.evaluation.evalsets import resolve_set  # noqa: E402
from w2vkit.evaluation.evaluate import evaluate_analogies, evaluate_pairs  # noqa: E402
from w2vkit.model.store import Model, load_model  # noqa: E402
from w2vkit.queries.query import Engine  # noqa: E402
from w2vkit.training.countmodel import combine  # noqa: E402


def run_child(args: list[str]) -> tuple[float, float]:
    """Run `python -m w2vkit ARGS`; its wall time (s) and peak RSS (MiB, as GNU time reports it)."""
    started = time.perf_counter()
    done = subprocess.run(
        ["/usr/bin/time", "-f", "PEAK_KB %M", sys.executable, "-m", "w2vkit", *args, "-q"],
        check=True,
        stderr=subprocess.PIPE,
        text=True,
    )
    seconds = time.perf_counter() - started
    peak = next(int(line.split()[1]) for line in done.stderr.splitlines() if line.startswith("PEAK_KB "))
    return seconds, peak / 1024


def scores(words, counts, vectors, tiny: bool) -> dict:
    engine = Engine(Model(Path("."), words, counts, np.ascontiguousarray(vectors, dtype=np.float32), {}))
    google = evaluate_analogies(engine, resolve_set("google"), restrict_vocab=30_000)
    out = {"google": round(google.total.accuracy * 100, 2)}
    for name in ("wordsim353", "simlex999"):
        out[name] = round(evaluate_pairs(engine, resolve_set(name), restrict_vocab=30_000).spearman, 3)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpora" / "enwiki-text8style-100M.txt.gz"))
    ap.add_argument("--models", default=None)
    ap.add_argument("--weights", default="0,0.1,0.2,0.25,0.3,0.5,1")
    ap.add_argument("--tiny", action="store_true")
    ap.add_argument("--json")
    args = ap.parse_args()
    models = Path(args.models or tempfile.mkdtemp(prefix="w2vkit-en-count-"))
    models.mkdir(parents=True, exist_ok=True)
    corpus = args.corpus
    extra = []
    if args.tiny:
        with gzip.open(corpus, "rt") if corpus.endswith(".gz") else open(corpus) as f:
            text = f.read(1_300_000)
        corpus = str(models / "tiny-en.txt")
        Path(corpus).write_text(text.rsplit(" ", 1)[0] + "\n")
        extra = ["--epochs", "1", "--dim", "16", "--count-dim", "8"]
    hybrid, ppmi = models / "en-hybrid", models / "en-ppmi"
    report = {}
    if not (hybrid / "meta.json").exists():
        report["hybrid_seconds"], report["hybrid_peak_mib"] = run_child(
            ["train", corpus, "-o", str(hybrid), "--method", "hybrid", *extra]
        )
    report["ppmi_seconds"], report["ppmi_peak_mib"] = run_child(
        ["train", corpus, "-o", str(ppmi), "--method", "ppmi", *extra]
    )
    model = load_model(hybrid)
    meta = model.meta
    report["count_model"] = meta["count_model"]
    report["gensim_train_seconds"] = meta["timings"]["train_seconds"]
    p = meta["count_model"]["layout"]["predictive_dim"]
    w = meta["hyperparameters"]["count_weight"]
    full = np.asarray(model.vectors)
    predictive, count = full[:, :p] / np.sqrt(1 - w), full[:, p:] / np.sqrt(w)
    rows = []
    for weight in (float(x) for x in args.weights.split(",")):
        vectors = predictive if weight == 0 else count if weight == 1 else combine(predictive, count, weight)
        row = {"count_weight": weight, **scores(model.words, model.counts, vectors, args.tiny)}
        rows.append(row)
        print(
            f"weight {weight:<5g} Google {row['google']:6.2f}%  WS353 {row['wordsim353']:.3f}  SimLex {row['simlex999']:.3f}"
        )
    report["rows"] = rows
    print(json.dumps({k: v for k, v in report.items() if k != "rows"}, indent=1))
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
