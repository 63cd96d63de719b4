"""Small numpy helpers shared by every layer that compares vectors. numpy is imported on first
use, so that modules the command line loads for --help can import these at their top."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

# Below this length a row counts as zero: dividing by it would only magnify rounding noise.
TINY_NORM = 1e-12


def unit_rows(x: np.ndarray) -> np.ndarray:
    """Each row of x at unit length, as float32 (a zero row stays zero)."""
    import numpy as np

    x = np.asarray(x, dtype=np.float32)
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), TINY_NORM)


def unit_vector(v: np.ndarray) -> np.ndarray:
    """v at unit length, as float32 (a zero vector stays zero)."""
    import numpy as np

    v = np.asarray(v, dtype=np.float32)
    return v / max(float(np.linalg.norm(v)), TINY_NORM)


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """The indices of the `k` highest finite scores, best first, ties in index order (the one top-k
    of the package: every ranking of words, neighbours and lines goes through it). Each row of a
    2-D `scores` is ranked on its own (then the result is rows × k, padded with -1 where a row has
    fewer than k finite scores).

    argpartition then a stable sort of the k chosen: O(n + k log k) rather than a full sort."""
    import numpy as np

    scores = np.asarray(scores)
    if scores.ndim == 2:  # (each row at once: ties among the chosen k by index)
        k = max(0, min(int(k), scores.shape[1]))
        if k == 0:
            return np.zeros((scores.shape[0], 0), dtype=np.int64)
        keyed2 = np.where(np.isnan(scores), -np.inf, scores)
        part = np.argpartition(-keyed2, k - 1, axis=1)[:, :k] if k < scores.shape[1] else np.argsort(-keyed2, axis=1)
        values = np.take_along_axis(keyed2, part, axis=1)
        best = np.take_along_axis(part, np.lexsort((part, -values)), axis=1)
        return np.where(np.isfinite(np.take_along_axis(keyed2, best, axis=1)), best, -1).astype(np.int64)
    n = len(scores)
    k = min(int(k), n)
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    keyed = np.where(np.isnan(scores), -np.inf, scores)
    if k < n:
        part = np.argpartition(-keyed, k - 1)[:k]
        # (the k-th score may tie with others left out: take every index scoring at least it, so
        # that ties keep index order as a full stable sort would)
        kth = keyed[part].min()
        part = np.flatnonzero(keyed >= kth) if np.isfinite(kth) else part
        order = part[np.lexsort((part, -keyed[part]))][:k]
    else:
        order = np.argsort(-keyed, kind="stable")
    return order[np.isfinite(keyed[order])]


def principal_plane(vectors: np.ndarray) -> np.ndarray:
    """The points' coordinates (n x 2) on the plane of their first two principal axes (centred;
    a second column of zeros when they span one axis): the package's one PCA, for a neighbourhood,
    a path and `plot --method pca`. Each axis points so that its largest loading is positive, as
    scikit-learn's PCA turns it, so the same points land in the same places whoever draws them.
    (A tall matrix goes through the d x d covariance, whose eigenvectors are the axes: a map of
    100,000 words needs no 100,000-row SVD. By hand, not scikit-learn's PCA: measured on 100,000 x
    300, 0.45 s here against 0.2 s for its randomized solver, but importing scikit-learn takes 2.0-2.3
    s, which a PCA map or the explorer's first neighbourhood would otherwise pay. A tall float32
    matrix stays float32 up to the d x d product, whose eigenvectors are taken in float64: 124,000 x
    300 in 0.3 s where float64 throughout took 1.3 s; the places agree with scikit-learn's to 1e-4.)"""
    import numpy as np

    data = np.asarray(vectors)
    if data.dtype != np.float32:
        data = data.astype(np.float64)
    centred = data - data.mean(axis=0, dtype=np.float64).astype(data.dtype)
    if len(centred) > 2 * centred.shape[1]:
        values, vectors_ = np.linalg.eigh((centred.T @ centred).astype(np.float64))
        axes = vectors_[:, np.argsort(values)[::-1][:2]].T
    else:
        axes = np.linalg.svd(centred.astype(np.float64), full_matrices=False)[2][:2]
    axes = axes * np.sign(axes[np.arange(len(axes)), np.abs(axes).argmax(axis=1)])[:, None]
    xy = np.zeros((len(centred), 2))
    xy[:, : len(axes)] = centred @ axes.T.astype(centred.dtype)
    return xy


# Scores held at once by row_neighbours (16 MB of float32): memory bounded for 300k words.
NEIGHBOUR_BLOCK_ELEMENTS = 4 << 20


def row_neighbours(unit: np.ndarray, k: int, rows=None, report=None) -> tuple[np.ndarray, np.ndarray]:
    """Each of `rows`' (None: every row's) k nearest other rows by the cosine of unit rows, best
    first: (indices, cosines), rows x k, -1 and -inf where a row has fewer (a zero or broken vector
    is no one's neighbour). The one block loop of "each row's k nearest rows" (CSLS's hubness, a
    map's neighbour lists, compare's overlaps, the next-item evaluation's coherence): a block of
    rows at a time, never the n x n matrix (40 GB at 100,000 words). `report(done, total)` is told
    how far a long run has got (every tenth of 100 blocks or more)."""
    import numpy as np

    rows = np.arange(len(unit)) if rows is None else np.asarray(rows, dtype=np.int64)
    k = max(0, min(int(k), len(unit) - 1))
    indices = np.full((len(rows), k), -1, dtype=np.int64)
    cosines = np.full((len(rows), k), -np.inf, dtype=np.float32)
    zero = np.logical_not(np.asarray(unit).any(axis=1)).astype(bool).reshape(-1)
    block = max(1, NEIGHBOUR_BLOCK_ELEMENTS // max(1, len(unit)))
    blocks = -(-len(rows) // block)
    every = max(1, blocks // 10) if blocks >= 100 and report is not None else 0
    for number, start in enumerate(range(0, len(rows), block)):
        if every and number and number % every == 0:
            report(start, len(rows))
        part = rows[start : start + block]
        sims = unit[part] @ unit.T
        sims[np.arange(len(part)), part] = -np.inf  # (a row is not its own neighbour)
        sims[:, zero] = -np.inf
        sims[zero[part]] = -np.inf  # (and has none)
        best = top_k(sims, k)
        indices[start : start + block] = best
        cosines[start : start + block] = np.where(
            best >= 0, np.take_along_axis(sims, np.maximum(best, 0), axis=1), -np.inf
        )
    return indices, cosines


# CSLS (cross-domain similarity local scaling; Conneau et al. 2018, "Word translation without parallel
# data"): a small text's space has hubs, words near everything that turn up in many neighbour lists.
# CSLS scores a candidate w for a query q as 2·cos(q, w) − r(w) − r(q), r(x) being x's mean cosine
# with its k nearest words: a hub's r is high, so it sinks.
HUBNESS_K = 10


def neighbour_means(unit: np.ndarray, k: int = HUBNESS_K) -> np.ndarray:
    """Each row's mean cosine with its k nearest other rows (unit rows; a row with none: 0): CSLS's r."""
    import numpy as np

    _, cosines = row_neighbours(unit, max(1, k))
    found = np.isfinite(cosines)
    return np.where(found, cosines, 0).sum(axis=1, dtype=np.float32) / np.maximum(cosines.shape[1], 1)


def csls(scores: np.ndarray, r: np.ndarray, k: int = HUBNESS_K) -> np.ndarray:
    """2·cos − r(word) − r(query) for every word, from the query's cosines `scores` and the words'
    r (neighbour_means); the query's r is its mean cosine with its k nearest words."""
    best = top_k(scores, k)
    return 2 * scores - r[: len(scores)] - (float(scores[best].mean()) if len(best) else 0.0)


def row_norms(vectors: np.ndarray) -> np.ndarray:
    """Each row's norm (float32), in blocks: a 1M x 300 memmap is never copied into memory whole."""
    import numpy as np

    out = np.empty(vectors.shape[0], dtype=np.float32)
    step = 1 << 16
    for start in range(0, vectors.shape[0], step):
        out[start : start + step] = np.linalg.norm(np.asarray(vectors[start : start + step]), axis=1)
    return out
