"""Which words a map shows, where they go on the plane (PCA or t-SNE) and what colours them:
shared by the pictures (w2vkit.pictures.plotting) and the HTML map (w2vkit.pictures.webmap)."""

from __future__ import annotations

import hashlib
import io
import logging
import re
from typing import TYPE_CHECKING

import numpy as np

from ..base.choices import LARGE_MAP, MAX_CLUSTERS, PLOT_METHODS, SIMILAR_RANK
from ..base.env import default_jobs
from ..base.vecmath import principal_plane, unit_rows
from ..errors import UsageError
from ..queries.query import Engine
from ..text.segmenting.wordlists import read_stopwords

if TYPE_CHECKING:
    from ..findings.leaning import Leanings


def _stopwords() -> frozenset[str]:
    return read_stopwords(["zh", "en"])


def of_characters(model, words: list[str]) -> bool:
    """Whether a model's tokens are characters: trained with `--tokens chars`, or (an imported
    model, which records no segmentation) most of its words are one character long."""
    segmentation = model.meta.get("segmentation")
    if isinstance(segmentation, dict):  # (a trained model: its record says, "words" when left out)
        return segmentation.get("tokens") == "chars"
    return bool(words) and sum(len(w) == 1 for w in words) > len(words) / 2


def choose_words(engine: Engine, words: list[str], neighbors: int, top: int, rank: str = SIMILAR_RANK):
    """(words, group index per word, query flags). No words: the `top` most frequent words,
    leaving out stopwords and single characters; with words: each and its neighbours as `similar`
    lists them (ordered by `rank`: the same words, the same rare-word floor)."""
    from ..queries.ensemble import similar

    if not words and engine.model.meta.get("items"):  # items: IDs, no stopwords or one-character rule
        first = list(engine.model.words[:top])
        return first, [0] * len(first), [False] * len(first)
    if not words:
        stop = _stopwords()
        candidates = [w for w in engine.model.words if w not in stop and w.isalnum()]
        # Single characters are left out of a word model's map (particles, measure words), never
        # out of a model of characters (`--tokens chars`, or an imported one whose words are mostly
        # single characters), where they are the words.
        if not of_characters(engine.model, candidates):
            candidates = [w for w in candidates if len(w) > 1]
        frequent = candidates[:top]
        if len(frequent) < 3:
            raise UsageError(
                f"the model has too few words to plot ({len(frequent)} of its {len(engine.model):,} are neither "
                "stopwords, punctuation nor single characters of a word model); give words to plot"
            )
        return frequent, [0] * len(frequent), [False] * len(frequent)
    chosen: list[str] = []
    groups: list[int] = []
    is_query: list[bool] = []
    seen: dict[str, int] = {}
    for g, w in enumerate(words):
        engine.index_of(w)  # unknown word -> a helpful error
        listed = similar(engine, [w], topn=neighbors, rank=rank, background_words=0).records()
        for i, x in enumerate([w] + [r["word"] for r in listed]):
            if x in seen:
                if i == 0:  # a query word that is another's neighbour is a query: its own group's, ringed
                    is_query[seen[x]], groups[seen[x]] = True, g
                continue
            seen[x] = len(chosen)
            chosen.append(x)
            groups.append(g)
            is_query.append(i == 0)
    return chosen, groups, is_query


def check_method(method: str) -> str:
    """A projection this installation can make (umap needs the umap extra), before any work."""
    import importlib.util

    if method == "umap" and importlib.util.find_spec("umap") is None:
        raise UsageError("{method} umap needs umap-learn: pip install 'w2vkit[umap]' (or choose pca or tsne)", "method")
    return method


def project(vectors: np.ndarray, method: str, seed: int, progress=None) -> np.ndarray:
    """2-D positions by PCA, t-SNE or UMAP (cosine). progress(done, total) is called during a large
    t-SNE (its iterations) and a UMAP (its epochs)."""
    n = len(vectors)
    unit = unit_rows(vectors)
    if method == "pca" or n < 4:  # (the package's one PCA: the explorer's neighbourhood draws the same)
        return principal_plane(unit)
    if method == "umap":
        return _umap(unit, seed, progress)
    if n >= LARGE_MAP:
        return _opentsne(unit, seed, progress)
    from sklearn.manifold import TSNE

    # perplexity must stay below the number of points; ~n/4 keeps small groups together.
    perplexity = float(min(30.0, max(2.0, (n - 1) / 4)))
    tsne = TSNE(
        n_components=2, perplexity=perplexity, init="pca", learning_rate="auto", random_state=seed, metric="cosine"
    )
    return tsne.fit_transform(unit)


def _umap(unit: np.ndarray, seed: int, progress=None) -> np.ndarray:
    """umap-learn's UMAP on cosine distances with its defaults (15 neighbours, min_dist 0.1), seeded:
    one thread, as umap-learn makes a seeded layout repeatable only so (numba compiles it on the
    first use in a process, some 70 s here; then about 10 s for 8,000 words). Its epochs are passed
    to progress(done, total) from the one report it gives, its tqdm bar (drawn as "done/total"
    into a writer that reads it back)."""
    import warnings

    import umap

    kwds = {
        "disable": progress is None,
        "file": _EpochReader(progress),
        "bar_format": "{n}/{total}",
        "mininterval": 0.5,
    }
    with warnings.catch_warnings():  # (its numba and n_jobs notices are not the user's business)
        warnings.simplefilter("ignore")
        reducer = umap.UMAP(
            n_components=2,
            metric="cosine",
            n_neighbors=min(15, len(unit) - 1),
            random_state=seed,
            n_jobs=1,
            tqdm_kwds=kwds,
        )
        return np.asarray(reducer.fit_transform(unit), dtype=np.float64)


class _EpochReader(io.TextIOBase):
    """A file for tqdm to draw "done/total" into, each drawing passed on as progress(done, total)."""

    def __init__(self, progress):
        self.progress = progress

    def write(self, text: str) -> int:
        drawn = re.findall(r"(\d+)/(\d+)", text)
        if drawn and self.progress:
            self.progress(int(drawn[-1][0]), int(drawn[-1][1]))
        return len(text)


def _opentsne(unit: np.ndarray, seed: int, progress=None) -> np.ndarray:
    """openTSNE with its defaults for large data (approximate neighbours, FFT-interpolated
    gradients, PCA initialisation), perplexity 30 on cosine distances."""
    from openTSNE import TSNE

    # openTSNE logs its every choice at INFO; the user asked for a map, not those.
    if logging.getLogger("openTSNE").level == logging.NOTSET:
        logging.getLogger("openTSNE").setLevel(logging.WARNING)

    exaggeration_iter, n_iter, every = 250, 500, 25
    done = [0]

    def callback(iteration, error, embedding):
        done[0] += every
        if progress:
            progress(min(done[0], exaggeration_iter + n_iter), exaggeration_iter + n_iter)
        return False  # keep going

    tsne = TSNE(
        n_components=2,
        perplexity=30,
        metric="cosine",
        initialization="pca",
        early_exaggeration_iter=exaggeration_iter,
        n_iter=n_iter,
        n_jobs=default_jobs(),
        random_state=seed,
        callbacks=callback,
        callbacks_every_iters=every,
        verbose=False,
    )
    return np.asarray(tsne.fit(np.ascontiguousarray(unit, dtype=np.float64)))


def whole_map_layout(engine: Engine, chosen: list[str], method: str, seed: int, progress=None) -> np.ndarray:
    """`project` of the chosen words' vectors, kept in the model's cache (layout-METHOD.npy, through
    Engine.kept) for the words of a whole-model map: the explorer's first screen and `plot
    --top N` draw the same places, and the second time without projecting (a PCA of 100,000 words
    takes about 0.5 s, a t-SNE minutes)."""

    def layout() -> np.ndarray:
        ids = [engine.model.index[w] for w in chosen]
        return np.asarray(project(np.asarray(engine.vectors[ids], dtype=np.float32), method, seed, progress))

    return engine.kept(f"layout-{method}.npy", _key(chosen, method, seed), (len(chosen), 2), layout, "float64")


def _key(chosen: list[str], *what) -> str:
    """A cache's key for values of the chosen words, in order, and `what`."""
    return " ".join(map(str, (hashlib.sha256("\n".join(chosen).encode("utf-8")).hexdigest(), *what)))


def label_groups(engine, items: list[str], most: int = 9) -> tuple[list[int], list[str]]:
    """Each item's group for colouring: its first labelled group among the `most` commonest (the
    rest, and items without one: "other"), and the legend's names."""
    from collections import Counter

    first = [(engine.labels.get(i, ("", ()))[1][:1] or ("other",))[0] for i in items]
    common = [g for g, _ in Counter(g for g in first if g != "other").most_common(most)]
    names = common + ["other"]
    return [names.index(g) if g in common else len(common) for g in first], names


def frequency_groups(engine: Engine, words: list[str]) -> tuple[list[int], list[str]]:
    """Each word's band of frequency for colouring (seen 1-9 times, 10-99, ...: the k of 10^k) and
    the legend's names, the most frequent band first."""
    counts = engine.model.counts
    seen = [int(counts[engine.model.index[w]]) if counts is not None else 0 for w in words]
    bands = [len(str(max(c, 1))) - 1 for c in seen]
    order = sorted(set(bands), reverse=True)
    names = [f"{10**b:,}-{10 ** (b + 1) - 1:,} times" for b in order]
    return [order.index(b) for b in bands], names


def check_clusters(k) -> int:
    if not isinstance(k, int) or isinstance(k, bool) or not 2 <= k <= MAX_CLUSTERS:
        raise UsageError(f"{{clusters}}: give a number from 2 to {MAX_CLUSTERS}, not {k!r}", "clusters")
    return k


CLUSTER_FIT = 20_000  # the most frequent words a map's k-means is fitted on
NAME_SHORTLIST = 30  # a cluster's most frequent words its name is chosen among


def cluster_groups(engine: Engine, words: list[str], k: int, seed: int = 0) -> tuple[list[int], list[str]]:
    """Each word's cluster for colouring (k-means of the unit vectors, scikit-learn's
    MiniBatchKMeans fitted on the CLUSTER_FIT first words, kept in the model's cache) and each cluster's
    name, three of its most frequent words (the words come most frequent first)."""
    k = min(check_clusters(k), len(words))

    def clusters() -> np.ndarray:
        from sklearn.cluster import MiniBatchKMeans

        vectors = unit_rows(np.asarray(engine.vectors[[engine.model.index[w] for w in words]], dtype=np.float32))
        # (fitted on the most frequent words, each word then given its nearest centre: 124,000
        # words in 0.6 s where fitting on all took 3.7 s, and the centres are those of the words
        # a reader knows)
        fitted = MiniBatchKMeans(n_clusters=k, random_state=seed, n_init=3, batch_size=2048).fit(vectors[:CLUSTER_FIT])
        return fitted.predict(vectors)

    found = engine.kept("clusters.npy", _key(words, k, seed, CLUSTER_FIT), (len(words),), clusters, "int32")
    # Each cluster named by three of its 30 most frequent words, those nearest its centre: on maps
    # of 西游记 and 三国演义 such names bring 70% of the words back to their own cluster (the nearest
    # name's words) where its three most frequent words brought 55%, and they stay words a reader
    # knows (median rank about 100 of 3,000); checked on poems held out: 72% against 57%
    # (benchmarks/cluster_labels.py, docs/commands.md).
    found = np.asarray(found)
    unit = unit_rows(np.asarray(engine.vectors[[engine.model.index[w] for w in words]], dtype=np.float32))
    names = []
    for c in range(k):
        shortlist = np.flatnonzero(found == c)[:NAME_SHORTLIST]
        centre = unit[np.flatnonzero(found == c)].mean(axis=0) if len(shortlist) else None
        best = sorted(shortlist[np.argsort(-(unit[shortlist] @ centre), kind="stable")[:3]]) if len(shortlist) else []
        names.append(" ".join(words[i] for i in best) or f"cluster {c + 1}")
    return [int(g) for g in found], names


def checked_colours(
    method: str, clusters, table, by: str | None, text_column: str, frequency: bool = False, chart=False
):
    """The map's method checked, and what colours a map without words: k-means clusters (a
    count), a column's groups ((table or None: the model's metadata, column, text column)), the
    words' frequency ("frequency") or nothing (None), before any work."""
    if method not in PLOT_METHODS:
        raise UsageError(f"unknown method {method!r}; choose {' or '.join(PLOT_METHODS)}")
    check_method(method)
    if table is not None and by is None and not chart:
        raise UsageError("give {by} COLUMN with {table} TABLE: the groups that colour the map", "by", "table")
    if by is not None and clusters is not None:
        raise UsageError("colour a map by {clusters} or by a column's groups {by}, not both", "clusters", "by")
    if frequency and (clusters is not None or by is not None):
        raise UsageError("colour a map by {frequency}, {clusters} or a column's groups {by}: one", "frequency")
    if frequency:
        return "frequency"
    if clusters is not None:
        return check_clusters(clusters)
    return None if by is None else (None if table is None else str(table), by, text_column)


def column_groups(engine: Engine, table, column: str, text_column: str) -> Leanings:
    """Each word's group of `column`: the group of the table it leans to (w2vkit.findings.leaning),
    or without a table its value in the model's metadata (a model imported with --metadata)."""
    from ..findings.leaning import leanings, metadata_groups

    if table is None:
        return metadata_groups(engine, engine.model.words, column)
    return leanings(engine, engine.model.words, table, column, text_column=text_column)
