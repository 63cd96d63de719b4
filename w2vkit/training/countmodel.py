"""A count-based model: positive PMI of windowed co-occurrences, factorised by truncated SVD.

The method of Levy, Goldberg & Dagan (2015, "Improving distributional similarity with lessons
learned from word embeddings"): co-occurrence counts within a window (weighted by distance),
positive pointwise mutual information with the context distribution smoothed (counts raised to
0.75, as word2vec's negative sampling does), truncated SVD, singular values raised to a power
(0.5: symmetric between words and contexts) and word + context vectors added. It uses different
evidence from word2vec with character n-grams (shared contexts, not shared characters) and on
small texts it is known to hold up well (Sahlgren & Lenci 2016); w2vkit's `hybrid` method puts
the two side by side (w2vkit.training.trainer).

Memory: counts are streamed from the corpus file in blocks of tokens and summed into one sparse
matrix (scipy's COO to CSR conversion sums duplicate pairs in C); the text is never held whole.
Counts are summed as integers (integer_weights), so that a Dask cluster, summing blocks in a tree,
gives exactly the matrix counted here.
The SVD is scikit-learn's randomized_svd on the sparse PPMI matrix.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..base.choices import (
    DEFAULT_COUNT_DIM,
    DEFAULT_COUNT_EIG,
    DEFAULT_COUNT_WINDOW,
    DEFAULT_WEIGHTING,
    NARROW_COUNT_EIG,
    NARROW_COUNT_WINDOW,
    WEIGHTINGS,
)
from ..base.vecmath import unit_rows
from ..errors import UsageError

if TYPE_CHECKING:  # numpy itself is imported where it is used: `--help` should not load it
    import numpy as np

log = logging.getLogger(__name__)

# Tokens per block of the co-occurrence count: a window of w sums about 2w x this many pairs (both
# directions) at a time: with the default window 8, 16 x, ~380 MB at 2M tokens.
BLOCK_TOKENS = 2_000_000
# Beyond this window the scale of harmonic weights, lcm(1..window), passes 2^32 and sums of
# counts could overflow 64-bit integers.
MAX_HARMONIC_WINDOW = 22


@dataclass(frozen=True)
class CountOptions:
    """Settings of the count model (defaults chosen in docs/defaults.md "A count model beside word2vec")."""

    dim: int = DEFAULT_COUNT_DIM
    window: int = DEFAULT_COUNT_WINDOW
    weighting: str = DEFAULT_WEIGHTING  # choices.WEIGHTINGS
    smoothing: float = 0.75  # context counts raised to this power in P(c) (without dirichlet)
    dirichlet: float | None = None  # a pseudo-count added to every cell instead (dirichlet_ppmi)
    eig: float = DEFAULT_COUNT_EIG
    add_context: bool = True  # word + context vectors
    shift: float = 1.0  # PMI - log(shift) before clipping at 0 (SPPMI; 1: none)
    seed: int = 1
    # The share of this model's cosine from a second count in a narrow window (NARROW_COUNT_WINDOW
    # and _EIG, the rest as here), factorised on its own and put beside the first, each `dim` wide (0: none).
    narrow_share: float = 0.0
    # Counted over the text and a background corpus together (train --background; the text's
    # vocabulary only, each pair's counts summed), not over the text alone.
    background: bool = False

    def __post_init__(self):
        if self.weighting not in WEIGHTINGS:
            raise UsageError(f"unknown co-occurrence weighting {self.weighting!r}; choose {', '.join(WEIGHTINGS)}")
        if self.dim < 1 or self.window < 1:
            raise UsageError("the count model's dim and window must be at least 1")
        if not 0 < self.smoothing <= 1:
            raise UsageError("the count model's smoothing must be in (0, 1]")
        if self.dirichlet is not None and not (isinstance(self.dirichlet, int | float) and 0 < self.dirichlet < 1e6):
            raise UsageError("the count model's Dirichlet pseudo-count must be above 0")
        if not 0 <= self.narrow_share < 1:
            raise UsageError("the narrow count's share must be at least 0 and below 1")
        if self.shift < 1:
            raise UsageError("the count model's shift must be at least 1")
        if self.weighting == "harmonic" and self.window > MAX_HARMONIC_WINDOW:
            raise UsageError(
                f"harmonic weighting is counted exactly up to a window of {MAX_HARMONIC_WINDOW}; "
                "use a smaller window or linear weighting"
            )

    def describe(self) -> dict:
        """As meta.json records it: the settings, and the narrow count's window where there is one
        (a model says what it was trained with, whatever today's constant)."""
        narrow = self.narrow()
        described = asdict(self) | ({"narrow_window": narrow.window} if narrow is not None else {})
        if not self.background:  # (records of models without a background stay as they were)
            del described["background"]
        return described

    def narrow(self) -> CountOptions | None:
        """The settings of the narrow count beside this one (None without one)."""
        if not self.narrow_share:
            return None
        return replace(self, narrow_share=0.0, window=NARROW_COUNT_WINDOW, eig=NARROW_COUNT_EIG)


def distance_weights(window: int, weighting: str) -> np.ndarray:
    """The weight of a context at distance 1..window."""
    import numpy as np

    d = np.arange(1, window + 1, dtype=np.float64)
    if weighting == "harmonic":
        return 1.0 / d
    if weighting == "linear":
        return (window - d + 1) / window
    return np.ones(window)


def integer_weights(window: int, weighting: str) -> tuple[list[int], int]:
    """The distance weights as integers, and the scale they were multiplied by (the least common
    multiple of the denominators): counts summed as integers are exact, so summing blocks in any
    order, as a cluster's tree reduction does, gives the same matrix as summing them in turn."""
    if weighting == "harmonic":
        scale = math.lcm(*range(1, window + 1))
        return [scale // d for d in range(1, window + 1)], scale
    if weighting == "linear":
        return [window - d + 1 for d in range(1, window + 1)], window
    return [1] * window, 1


def count_lines_for(lines, index: dict[str, int], specs: list[tuple[int, list[int]]], progress=None) -> list:
    """Co-occurrences (one direction, scaled integer weights: integer_weights) of the vocabulary
    words in lines of space-separated tokens, for several (window, weights) in one pass over the
    lines: a scipy CSR int64 matrix each (the model's count part and its views read the corpus
    once, not once each); windows do not cross lines. Tokens outside `index` are removed before
    windowing, as word2vec removes words below min_count. Counted BLOCK_TOKENS at a time;
    progress(tokens) after each block."""
    import numpy as np
    import scipy.sparse as sp

    n = len(index)
    totals = [sp.csr_matrix((n, n), dtype=np.int64) for _ in specs]
    widest = max(window for window, _ in specs)
    gap = [-1] * widest  # keeps windows inside a line
    ids: list[int] = []
    tokens = 0

    def flush():
        if not ids:
            return
        arr = np.asarray(ids, dtype=np.int32)
        rows: list[list] = [[] for _ in specs]
        cols: list[list] = [[] for _ in specs]
        vals: list[list] = [[] for _ in specs]
        for d in range(1, widest + 1):
            a, b = arr[:-d], arr[d:]
            keep = (a >= 0) & (b >= 0)
            a, b = a[keep], b[keep]
            for k, (window, weights) in enumerate(specs):
                if d <= window:
                    rows[k].append(a)
                    cols[k].append(b)
                    vals[k].append(np.full(len(a), weights[d - 1], dtype=np.int64))
        for k in range(len(specs)):
            block = sp.coo_matrix(
                (np.concatenate(vals[k]), (np.concatenate(rows[k]), np.concatenate(cols[k]))), shape=(n, n)
            ).tocsr()  # duplicates summed
            totals[k] = totals[k] + block
        ids.clear()
        if progress is not None:
            progress(tokens)

    get = index.get
    for line in lines:
        toks = line.split()
        tokens += len(toks)
        ids.extend([i for i in map(get, toks) if i is not None])
        ids.extend(gap)
        if len(ids) >= BLOCK_TOKENS:
            flush()
    flush()
    return totals


def symmetric(counts, scale: int):
    """The one-direction scaled counts of count_lines_for as the symmetric co-occurrence matrix
    (scipy CSR, float32) of weighted counts."""
    import numpy as np

    both = (counts + counts.T).tocsr()  # each pair in both directions
    both.data = (both.data / scale).astype(np.float32)  # the matrix's dtype is its data's
    return both


def cooccurrences(
    corpus: Path, index: dict[str, int], window: int, weighting: str = "harmonic", progress=None, cluster=None
):
    """The symmetric co-occurrence matrix (scipy CSR, float32) of the vocabulary words of a
    corpus file (a line of space-separated tokens per line; windows do not cross lines): counted
    here, or on a Dask cluster (w2vkit.base.cluster.Cluster; the workers read the file by path), with
    the same result. progress(tokens) is called after each block counted here."""
    return cooccurrences_for(corpus, index, [(window, weighting)], progress, cluster)[0]


def cooccurrences_for(corpus: Path, index: dict[str, int], windows: list[tuple[int, str]], progress=None, cluster=None):
    """cooccurrences for several (window, weighting) in one pass over the corpus, a matrix each."""
    scaled = [integer_weights(window, weighting) for window, weighting in windows]
    specs = [(window, weights) for (window, _), (weights, _) in zip(windows, scaled)]
    if cluster is not None:
        words = sorted(index, key=lambda word: index[word])
        counts = cluster.reduce_lines([corpus], _count_block, _sum_blocks, words, specs)
    else:
        with open(corpus, encoding="utf-8") as f:
            counts = count_lines_for(f, index, specs, progress)
    return [symmetric(c, scale) for c, (_, scale) in zip(counts, scaled)]


def _count_block(lines, words: list[str], specs: list[tuple[int, list[int]]]):
    return count_lines_for(lines, {w: i for i, w in enumerate(words)}, specs)


def _sum_blocks(parts):
    parts = list(parts)
    total = parts[0]
    for part in parts[1:]:
        total = [a + b for a, b in zip(total, part)]
    return total


def ppmi(counts, smoothing: float = 0.75, shift: float = 1.0):
    """Positive PMI of a co-occurrence matrix (CSR), with the context distribution smoothed:
    max(0, log(C[w,c] / (C[w,*] * P_a(c))) - log(shift)), P_a(c) = C[*,c]^a / sum C[*,c']^a.
    Computed in float64 a block of rows at a time, stored as float32 (the matrix is copied once)."""
    import numpy as np

    m = counts.tocsr(copy=True).astype(np.float32, copy=False)
    m.eliminate_zeros()
    row = np.asarray(m.sum(axis=1, dtype=np.float64)).ravel()
    log_p_context = context_log_p(m, smoothing)
    block = 1 << 14
    for start in range(0, m.shape[0], block):
        lo, hi = m.indptr[start], m.indptr[min(start + block, m.shape[0])]
        rows = np.repeat(np.arange(start, min(start + block, m.shape[0])), np.diff(m.indptr[start : start + block + 1]))
        values = np.log(m.data[lo:hi].astype(np.float64)) - np.log(row[rows]) - log_p_context[m.indices[lo:hi]]
        m.data[lo:hi] = np.maximum(values - np.log(shift), 0)
    m.eliminate_zeros()
    return m


def context_log_p(counts, smoothing: float):
    """log P_a(c) of ppmi: each context's column sum to the power `smoothing`, as a share."""
    import numpy as np

    col = np.asarray(counts.sum(axis=0, dtype=np.float64)).ravel() ** smoothing
    return np.log(col / col.sum(), where=col > 0, out=np.full_like(col, -np.inf))


def dirichlet_ppmi(counts, pseudo: float, shift: float = 1.0):
    """Positive PMI of a symmetric co-occurrence matrix with `pseudo` added to every cell first
    (Dirichlet smoothing, Jungmaier, Kassner & Roth 2020): P(w,c) = (C[w,c] + λ) / (N + λV²),
    P(w) = (C[w,*] + λV) / (N + λV²); rare pairs stop dominating, and P(c) is not smoothed by a
    power. Returned as a symmetric scipy LinearOperator.

    Every cell now has a count, so the matrix is dense: its cells without a co-occurrence are
    max(0, a − u_w − u_c), a = log λ + log(N + λV²) − log shift, u = log(C[w,*] + λV), positive
    for pairs of rare words. Rather than store V² cells (400M for 20,000 words), a product with a
    block of vectors sums them over each row's prefix of the words sorted by u (cumulative sums:
    O(V log V + V k)), plus a sparse correction on the cells that co-occur."""
    import numpy as np
    import scipy.sparse as sp
    from scipy.sparse.linalg import LinearOperator

    if not pseudo > 0:
        raise UsageError("the Dirichlet pseudo-count must be above 0")
    m = counts.tocoo()
    size = m.shape[0]
    row = np.asarray(counts.sum(axis=1, dtype=np.float64)).ravel()
    total = float(row.sum()) + pseudo * size * size
    u = np.log(row + pseudo * size)
    a = math.log(pseudo) + math.log(total) - math.log(shift)
    pmi = np.log(m.data.astype(np.float64) + pseudo) + math.log(total) - u[m.row] - u[m.col] - math.log(shift)
    floor = np.maximum(a - u[m.row] - u[m.col], 0)  # (what the dense part gives these cells)
    correction = sp.csr_matrix((np.maximum(pmi, 0) - floor, (m.row, m.col)), shape=m.shape)
    order = np.argsort(u, kind="stable")
    u_sorted = u[order]
    reach = np.searchsorted(u_sorted, a - u, side="left")  # row w: cells c with u_c < a − u_w

    def matmat(x):
        x = np.asarray(x, dtype=np.float64).reshape(size, -1)
        xs = x[order]
        first = np.vstack([np.zeros((1, xs.shape[1])), np.cumsum(xs, axis=0)])
        second = np.vstack([np.zeros((1, xs.shape[1])), np.cumsum(u_sorted[:, None] * xs, axis=0)])
        return (a - u)[:, None] * first[reach] - second[reach] + correction @ x

    return LinearOperator((size, size), matvec=matmat, rmatvec=matmat, matmat=matmat, rmatmat=matmat, dtype=np.float64)


def factorize(
    matrix, dim: int, eig: float = 0.5, add_context: bool = True, seed: int = 1, basis: dict | None = None
) -> np.ndarray:
    """Word vectors from a truncated SVD M ~ U S V^T: U S^eig, plus V S^eig when add_context.
    dim is capped below the matrix size (a tiny vocabulary has fewer dimensions to give). A sparse
    matrix goes through scikit-learn's randomized_svd, a linear operator (dirichlet_ppmi) through
    scipy's svds (ARPACK), which needs only products. basis: a dict given is filled with the SVD's
    vt, s and eig (for fold_in)."""
    import numpy as np
    from scipy.sparse.linalg import LinearOperator, svds
    from sklearn.utils.extmath import randomized_svd

    k = max(1, min(dim, min(matrix.shape) - 1))
    if isinstance(matrix, LinearOperator):
        u, s, vt = svds(matrix, k=k, random_state=seed)
        top = np.argsort(-s)
        u, s, vt = u[:, top], s[top], vt[top]
    else:
        u, s, vt = randomized_svd(matrix, n_components=k, n_iter=5, random_state=seed)
    scale = s**eig
    vectors = u * scale
    if add_context:
        vectors = vectors + vt.T * scale
    if basis is not None:  # (what fold_in needs to place a word that was not factorised)
        basis.update(vt=vt, s=s, eig=eig)
    return np.ascontiguousarray(vectors, dtype=np.float32)


def fold_in(rows, basis: dict) -> np.ndarray:
    """Vectors, in a factorised count model's space, for words that were not in its matrix (a
    background's own words, w2vkit.training.backgroundwords): their co-occurrence rows with the
    model's words (CSR, a column per word, counted as the model's were) to PPMI by the model's
    context shares and shift, then projected on its right singular vectors, r V S^(eig-1): the
    U S^eig a word of the matrix has (M V = U S). Only the direction serves (cosines), so the
    context half of word + context vectors, which such a word lacks, is left to it. Checked against
    factorize on the model's own words (tests/training/test_backgroundwords.py)."""
    import numpy as np

    m = rows.tocsr().astype(np.float64)
    m.eliminate_zeros()
    total = np.asarray(m.sum(axis=1)).ravel()
    coo = m.tocoo()
    values = np.log(coo.data) - np.log(total[coo.row]) - basis["log_p_context"][coo.col] - np.log(basis["shift"])
    pmi = type(m)((np.maximum(values, 0), (coo.row, coo.col)), shape=m.shape)
    vectors = (pmi @ basis["vt"].T) * basis["s"] ** (basis["eig"] - 1)
    return np.ascontiguousarray(vectors, dtype=np.float32)


@dataclass
class CountResult:
    vectors: np.ndarray
    pairs: int  # distinct co-occurring pairs
    seconds: dict
    basis: dict | None = None  # a count over a background: what fold_in needs (its words' counts, SVD)


def train_count_model(
    corpus: Path, words: list[str], options: CountOptions = CountOptions(), progress=None, cluster=None
):  # noqa: B008 (frozen)
    """The count model's vectors for `words` (in that order) from a segmented corpus file, its
    co-occurrences counted on `cluster` when given (see cooccurrences)."""
    return train_count_models(corpus, words, [options], progress, cluster)[0]


def train_count_models(
    corpus: Path, words: list[str], options: list[CountOptions], progress=None, cluster=None, background=None
):
    """train_count_model for each of `options`, their co-occurrences counted in one pass over the
    corpus (each distinct window and weighting a matrix, a narrow count's included); the pass's
    seconds are the first's count_seconds, the others' 0 (counted in that pass). background: the
    segmented background corpus that options with `background` are counted over as well (a
    second pass, over it alone, for their windows)."""
    started = time.perf_counter()
    index = {w: i for i, w in enumerate(words)}
    parts = [(o, o.narrow()) for o in options]
    windows = list(dict.fromkeys((p.window, p.weighting) for both in parts for p in both if p is not None))
    matrices = dict(zip(windows, cooccurrences_for(corpus, index, windows, progress, cluster)))
    joint = list(dict.fromkeys((o.window, o.weighting) for o in options if o.background))
    if joint and background is None:
        raise UsageError("a count over a background needs the background corpus")
    joint_matrices = {}
    if joint:  # (the text's counts and the background's summed: one matrix over both)
        added = dict(zip(joint, cooccurrences_for(background, index, joint, progress, cluster)))
        joint_matrices = {key: matrices[key] + added[key] for key in joint}
    counted = time.perf_counter()
    results = []
    for k, (o, narrow) in enumerate(parts):
        began = time.perf_counter()
        counts = (joint_matrices if o.background else matrices)[(o.window, o.weighting)]
        basis: dict | None = {} if o.background and o.dirichlet is None else None
        vectors = _factorized(counts, o, basis)
        if narrow is not None:  # (two counts side by side: the cosine is (1 - s) x the first's + s x the narrow one's)
            import numpy as np

            share = o.narrow_share
            narrow_vectors = _factorized(matrices[(narrow.window, narrow.weighting)], narrow)
            vectors = np.hstack(
                [np.sqrt(1 - share) * unit_rows(vectors), np.sqrt(share) * unit_rows(narrow_vectors)]
            ).astype(np.float32)
        pairs = int(counts.nnz)
        done = time.perf_counter()
        count_seconds = round(counted - started, 3) if k == 0 else 0.0
        log.debug("count model: %d pairs, count %.1f s, PPMI + SVD %.1f s", pairs, count_seconds, done - began)
        results.append(
            CountResult(vectors, pairs, {"count_seconds": count_seconds, "svd_seconds": round(done - began, 3)}, basis)
        )
    return results


def _factorized(counts, o: CountOptions, basis: dict | None = None) -> np.ndarray:
    """Counts to PPMI (or Dirichlet-smoothed PPMI) to vectors, by `o`'s settings; `basis` (a dict,
    PPMI only) filled with what fold_in needs."""
    m = dirichlet_ppmi(counts, o.dirichlet, o.shift) if o.dirichlet is not None else ppmi(counts, o.smoothing, o.shift)
    if basis is not None:
        # (and how the count was made, so that a word folded in is counted alike)
        basis.update(log_p_context=context_log_p(counts, o.smoothing), shift=o.shift, window=(o.window, o.weighting))
    return factorize(m, o.dim, o.eig, o.add_context, o.seed, basis)


def combine(predictive: np.ndarray, count: np.ndarray, count_weight: float) -> np.ndarray:
    """Each word's unit predictive and unit count vectors side by side, scaled by
    sqrt(1 - w) and sqrt(w): the cosine of two combined vectors is then exactly
    (1 - w) x their predictive cosine + w x their count cosine."""
    import numpy as np

    if not 0 <= count_weight <= 1:
        raise UsageError("the count model's weight must be between 0 and 1")
    return np.hstack(
        [np.sqrt(1 - count_weight) * unit_rows(predictive), np.sqrt(count_weight) * unit_rows(count)]
    ).astype(np.float32)


def vocabulary(corpus: Path, min_count: int, max_vocab: int | None = None, counts=None):
    """The corpus's words seen at least min_count times, most frequent first (ties by first
    appearance, as gensim sorts), their counts, and the counts of the words left out. counts:
    the corpus's token counts in order of first appearance, when already counted (on a cluster)."""
    from collections import Counter

    import numpy as np

    if counts is None:
        counts = Counter()
        with open(corpus, encoding="utf-8") as f:
            for lines in iter(lambda: f.readlines(1 << 22), []):
                counts.update("".join(lines).split())
    ranked = [(w, c) for w, c in counts.most_common() if c >= min_count]
    if max_vocab is not None:
        ranked = ranked[:max_vocab]
    kept = {w for w, _ in ranked}
    dropped = {w: c for w, c in counts.items() if w not in kept}
    return [w for w, _ in ranked], np.array([c for _, c in ranked], dtype=np.int64), dropped
