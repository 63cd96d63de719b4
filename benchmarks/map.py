"""Large maps: w2vkit's projection and the whole `plot -o map.html` command against plain
scikit-learn t-SNE on the same words, measured in the same run.

For each size, the N most frequent words of the model: seconds for scikit-learn's TSNE (cosine,
PCA initialisation, its defaults otherwise), seconds for w2vkit.pictures.plotting.project (scikit-learn below
2,000 words, openTSNE from there), the whole command (`w2vkit plot --top N -o map.html`, a new
process: model loading, t-SNE, neighbour lists, page) and the page's size. Quality: the share of
each word's 10 nearest neighbours (cosine of the real vectors) that stay among its 10 nearest
points on the map, for both projections.

    python benchmarks/map.py -m models/enwiki-text8style-100M [--sizes 1000,5000,20000]
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from w2vkit.model.store import load_model  # noqa: E402
from w2vkit.pictures.plotting import project  # noqa: E402
from w2vkit.pictures.webmap import neighbour_lists  # noqa: E402
from w2vkit.queries.query import Engine  # noqa: E402


def kept_neighbours(high: np.ndarray, xy: np.ndarray, k: int = 10) -> float:
    from sklearn.neighbors import NearestNeighbors

    want, _ = neighbour_lists(high, k)
    _, got = NearestNeighbors(n_neighbors=k + 1).fit(xy).kneighbors(xy)
    return float(np.mean([len(set(w) & set(g[1:])) / k for w, g in zip(want, got)]))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("-m", "--model", required=True)
    p.add_argument("--sizes", default="1000,5000,20000")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args()
    from sklearn.manifold import TSNE

    model = load_model(args.model)
    engine = Engine(model)
    print(f"model {args.model}: {len(model.words):,} words x {model.vectors.shape[1]}; {os.cpu_count()} cores")
    print(
        f"{'words':>6}  {'scikit-learn s':>14}  {'w2vkit s':>8}  {'ratio':>6}  {'whole command s':>15}  "
        f"{'html MB':>7}  {'kept@10 sklearn':>15}  {'kept@10 w2vkit':>14}"
    )
    for n in (int(x) for x in args.sizes.split(",")):
        vectors = np.asarray(engine.vectors[:n], dtype=np.float32)
        unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
        started = time.perf_counter()
        plain = TSNE(
            n_components=2, metric="cosine", init="pca", learning_rate="auto", random_state=args.seed
        ).fit_transform(unit)
        t_plain = time.perf_counter() - started
        started = time.perf_counter()
        ours = project(vectors, "tsne", args.seed)
        t_ours = time.perf_counter() - started
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "map.html"
            started = time.perf_counter()
            # --top N maps the N most frequent words that are not stopwords or single characters
            subprocess.run(
                [sys.executable, "-m", "w2vkit", "plot", "--top", str(n), "-o", str(out), "-m", args.model, "-q"],
                check=True,
            )
            t_cmd = time.perf_counter() - started
            size = out.stat().st_size / 1e6
        print(
            f"{n:>6}  {t_plain:>14.1f}  {t_ours:>8.1f}  {t_plain / t_ours:>5.1f}x  {t_cmd:>15.1f}  {size:>7.1f}  "
            f"{kept_neighbours(vectors, plain):>15.3f}  {kept_neighbours(vectors, ours):>14.3f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
