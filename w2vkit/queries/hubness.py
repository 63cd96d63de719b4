"""Hubness correction at query time: CSLS (cross-domain similarity local scaling, Conneau et al.
2018, "Word translation without parallel data"), for one space.

(Functions of an Engine, which asks them from its one nearest call: so this module stands below
w2vkit.queries.query and names no Engine type.)

A small text's space has hubs: words near everything, which turn up in many neighbour lists. CSLS
scores a candidate w for a query q as 2·cos(q, w) − r(w) − r(q), where r(x) is x's mean cosine with
its k nearest words: a hub's r is high, so it sinks. Each word's r is computed once (blocks of
rows against the vocabulary, K = 10) on a model's first CSLS question and kept in the model's cache
(`hubness.npy` in the user's cache, never the model folder; believed only with the vectors'
checksum and its own, as the norm cache is).
"""

from __future__ import annotations

import numpy as np

from ..base.cachefile import StampedCache
from ..base.vecmath import top_k

HUBNESS_K = 10
CACHE = "hubness.npy"
BLOCK_ELEMENTS = 4 << 20  # scores held at once (16 MB of float32)


def neighbour_means(unit: np.ndarray, k: int = HUBNESS_K) -> np.ndarray:
    """Each row's mean cosine with its k nearest other rows (unit rows; a zero row: 0)."""
    n = len(unit)
    k = max(1, min(k, n - 1))
    out = np.zeros(n, dtype=np.float32)
    block = max(1, BLOCK_ELEMENTS // max(1, n))
    for start in range(0, n, block):
        sims = unit[start : start + block] @ unit.T
        rows = np.arange(sims.shape[0])
        sims[rows, start + rows] = -np.inf
        best = top_k(sims, k)
        values = np.take_along_axis(sims, np.maximum(best, 0), axis=1)
        values = np.where(best >= 0, values, 0.0)
        out[start : start + block] = values.mean(axis=1)
    return out


def _cache(engine) -> StampedCache:
    """The cache of the vectors the engine answers with: the model's own, or its view's
    (w2vkit.model.views: a cache per kind of similarity), keyed by their checksum and K."""
    view = engine.model.meta.get("view")
    path = engine.model.cache_file(f"hubness-{view}.npy" if view else CACHE)
    return StampedCache(path, f"{engine.model.meta.get('vectors_sha256', '')} {HUBNESS_K}")


def hubness(engine) -> np.ndarray:
    """The model's r (module docstring): from its cache when sound, else computed (and kept when
    the folder can be written)."""
    if engine.hubness_values is None:
        cache = _cache(engine)
        values = cache.read((len(engine.model),))
        if values is None:
            values = neighbour_means(engine.unit)
            cache.keep(values)
        engine.hubness_values = values
    return engine.hubness_values


def query_mean(engine, scores: np.ndarray, k: int = HUBNESS_K) -> float:
    """r of a query vector: its mean cosine with its k nearest words (scores: its cosines)."""
    best = top_k(scores, k)
    return float(scores[best].mean()) if len(best) else 0.0


def csls(engine, scores: np.ndarray) -> np.ndarray:
    """2·cos − r(word) − r(query) for every word, from the query's cosines `scores`."""
    r = hubness(engine)[: len(scores)]
    return 2 * scores - r - query_mean(engine, scores)
