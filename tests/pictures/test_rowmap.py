"""w2vkit.pictures.rowmap: a row's vector is the SIF mean of its tokens' unit vectors with the rows'
common direction removed, against a direct computation; a row of unknown tokens has no vector."""

import numpy as np

from w2vkit.model.store import model_in_memory
from w2vkit.pictures.rowmap import row_vectors
from w2vkit.queries.query import Engine
from w2vkit.sentences.embed import SIF_A


def test_row_vectors_are_sif_means_without_the_common_direction():
    rng = np.random.default_rng(3)
    engine = Engine(model_in_memory(rng.normal(size=(30, 5)), counts=rng.integers(1, 500, 30)))
    ids = np.array([0, 3, 3, 7, -1, 12, 29, 5, -1, 2, 2])
    doc = np.array([0, 0, 0, 1, 1, 2, 2, 2, 3, 4, 4])  # (row 3: one unknown token only)
    got = row_vectors(engine, ids, doc, 5)
    p = engine.model.counts / engine.model.counts.sum()
    weighted = np.zeros((5, 5))
    for i, d in zip(ids, doc):
        if i >= 0:
            weighted[d] += SIF_A / (SIF_A + p[i]) * engine.unit[i]
    kept = [0, 1, 2, 4]
    component = np.linalg.svd(weighted[kept], full_matrices=False)[2][0]
    want = weighted[kept] - np.outer(weighted[kept] @ component, component)
    want /= np.linalg.norm(want, axis=1, keepdims=True)
    np.testing.assert_allclose(got[kept], want, atol=1e-5)
    assert not got[3].any()
