"""A finding among words of its frequency: the words seen about as often (similar_frequency), by
which a contrast places its change (w2vkit.findings.contrasts.grouprows) and a regression each term's
(term_percentiles). For a regression's word (w2vkit.findings.contrasts.regression): each term's
debiased norm placed among the same term's norms of REFERENCE words seen about as often in the
table (column `percentile`), as a group contrast places its change. A norm at the median of its
peers is no finding, whatever its p: frequent words all move a little with a period, and p alone
cannot say whether this word moves more than they do. The peers get no bootstrap and no p, only
their fit, so the column costs a fit per peer."""

from __future__ import annotations

import numpy as np

from ...base.vecmath import top_k
from ...queries.query import Engine
from ..targets import Target, occurrence_sums
from .design import Design
from .regstats import block_sums, debiased_norms, fit

REFERENCE = 50  # words of about a word's frequency, among which its change is placed (percentile)
REFERENCE_MOST = 20_000  # occurrences read of each (an evenly spaced sample beyond: their change moves little)


def similar_frequency(counts: np.ndarray, comparable: np.ndarray, own: set[int], n: int = REFERENCE) -> np.ndarray:
    """The `n` rows whose count is nearest (in log) to the pooled count of `own`, among the
    `comparable` ones (words, not punctuation) and but `own`."""
    mine = max(float(counts[list(own)].sum()), 1.0)
    distance = np.abs(np.log(np.maximum(counts, 1)) - np.log(mine))
    distance[~comparable | (counts == 0)] = np.inf
    distance[list(own)] = np.inf
    return top_k(-distance, n)


def occurrences_on(engine: Engine, design: Design, a: np.ndarray, target: Target, window: int, most=None):
    """The target's occurrences summed by document (those with every covariate): the documents,
    their sums of à la carte vectors and their counts (`most`: a sample beyond that many)."""
    label = np.where(design.valid, np.arange(len(design.valid)), -1)
    docs, sums, counts, _, _ = occurrence_sums(engine, design.corpus, target, window, label, most)
    some = counts > 0
    return docs[some], sums[some] @ a.T.astype(np.float64), counts[some].astype(np.float64)


def term_percentiles(
    engine: Engine,
    design: Design,
    a: np.ndarray,
    window: int,
    target: Target,
    fitted: tuple[np.ndarray, np.ndarray],
    least: int,
) -> np.ndarray:
    """For each of the word's terms (`fitted`: the design's columns it kept and its debiased norms),
    the share (0-100) of its peers' norms of the same term at or below it, among the peers seen
    `least` times; NaN where no peer could be fitted."""
    cols, norms = fitted
    found = []
    for row in similar_frequency(design.counts, design.comparable, target.rows, REFERENCE):
        key = (int(row), tuple(cols.tolist()), least)
        if key not in design.peer_norms:
            design.peer_norms[key] = _peer_norms(engine, design, a, window, int(row), cols, least)
        if design.peer_norms[key] is not None:
            found.append(design.peer_norms[key])
    if not found:
        return np.full(len(cols), np.nan)
    return 100.0 * (np.vstack(found) <= norms[None, :] + 1e-15).mean(axis=0)


def _peer_norms(engine: Engine, design: Design, a: np.ndarray, window: int, row: int, cols: np.ndarray, least: int):
    """One peer's debiased norms of the terms `cols`; None when it is seen under `least` times or
    its blocks cannot separate the terms (then it has no norm to compare)."""
    peer = Target(engine.model.words[row], [[row]])
    docs, sums, n = occurrences_on(engine, design, a, peer, window, REFERENCE_MOST)
    if n.sum() < least:
        return None
    blocks = block_sums(design.x[docs][:, cols], sums, n, design.block[docs], np.zeros(len(docs), dtype=int))
    if len(blocks.n) < 3 or np.linalg.matrix_rank(blocks.xx.sum(axis=0)) < len(cols):
        return None
    ones = np.ones((1, len(blocks.n)))
    xtx, coef = fit(blocks, ones)
    return debiased_norms(blocks, ones, xtx, coef)[0]
