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
from ..base.vecmath import row_neighbours, top_k

HUBNESS_K = 10
CACHE = "hubness.npy"


def neighbour_means(unit: np.ndarray, k: int = HUBNESS_K) -> np.ndarray:
    """Each row's mean cosine with its k nearest other rows (unit rows; a row with none: 0)."""
    _, cosines = row_neighbours(unit, max(1, k))
    found = np.isfinite(cosines)
    return np.where(found, cosines, 0).sum(axis=1, dtype=np.float32) / np.maximum(cosines.shape[1], 1)


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
