"""The statistics of a contrast between two groups of blocks (w2vkit.findings.contrasts): the
debiased change 1 − cos* of the groups' mean vectors, its block-bootstrap interval, the p-value of
permuting the blocks' groups, and Benjamini–Hochberg q-values. Each block is summarised once by its
moments (sum of occurrence vectors, count, …), so that every permutation or draw is a matrix
product, whatever the number of occurrences."""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

from ..base.choices import CONTRAST_LEVEL

LEVEL = CONTRAST_LEVEL
ADAPTIVE_P = 0.1
FLOOR_EXCEEDED = 3  # at most this many permuted changes reached the observed: p is at its floor
JACKKNIFE_GROUPS = 50  # (the groups of blocks the jackknife leaves out in turn: left_out)


@dataclass
class Side:
    """Per-block sums of a word's occurrence vectors (S), counts (n), and group of each block."""

    sums: np.ndarray
    counts: np.ndarray
    group: np.ndarray


def block_moments(side: Side) -> np.ndarray:
    """Each block's [S_b, n_b S_b, ||S_b||², n_b, n_b²]: weights times this matrix give every sum the
    change needs in one product."""
    s, n = side.sums, side.counts
    return np.hstack([s, s * n[:, None], np.einsum("ij,ij->i", s, s)[:, None], n[:, None], (n * n)[:, None]])


def _from_moments(m: np.ndarray, weights: np.ndarray, d: int):
    """The mean and its cluster-robust variance from weights @ moments (see _variance)."""
    total = m[:, 2 * d + 1]
    mean = m[:, :d] / np.maximum(total, 1e-12)[:, None]
    cross = np.einsum("pd,pd->p", mean, m[:, d : 2 * d])
    spread = m[:, 2 * d] - 2 * cross + np.einsum("pd,pd->p", mean, mean) * m[:, 2 * d + 2]
    blocks = (weights > 0).sum(axis=1)
    factor = blocks / np.maximum(blocks - 1, 1)
    return mean, factor * np.maximum(spread, 0) / np.maximum(total, 1e-12) ** 2


def _change(ma, va, mb, vb) -> np.ndarray:
    dot = np.einsum("pd,pd->p", ma, mb)
    la = np.maximum(np.einsum("pd,pd->p", ma, ma) - va, 1e-12)
    lb = np.maximum(np.einsum("pd,pd->p", mb, mb) - vb, 1e-12)
    return 1.0 - dot / np.sqrt(la * lb)


def _stat(weights_a, weights_b, side: Side, moments: np.ndarray | None = None) -> np.ndarray:
    """The debiased change 1 − cos* for each row of block weights (membership or bootstrap counts)."""
    moments = block_moments(side) if moments is None else moments
    d = side.sums.shape[1]
    ma, va = _from_moments(weights_a @ moments, weights_a, d)
    mb, vb = _from_moments(weights_b @ moments, weights_b, d)
    return _change(ma, va, mb, vb)


def compare_groups(
    side: Side, ga: int, gb: int | None, permutations: int, bootstrap: int, rng, first: int = 0, level: float = LEVEL
) -> dict:
    """Change, its bootstrap interval and permutation p between group ga and gb (None: the rest),
    and the permutations done: `first` when given (a scan's first pass), else `permutations`."""
    in_a = side.group == ga
    in_b = (side.group == gb) if gb is not None else (side.group != ga) & (side.group >= 0)
    involved = in_a | in_b
    moments = block_moments(side)
    d = side.sums.shape[1]
    wa, wb = in_a[None, :].astype(np.float64), in_b[None, :].astype(np.float64)
    observed = float(_stat(wa, wb, side, moments)[0])
    # permutations: the blocks of both groups dealt out again, as many to each as before (the other
    # side's sums are the involved blocks' minus these: one product a chunk)
    idx = np.flatnonzero(involved)
    k = int(in_a.sum())
    sub = moments[idx]
    whole = sub.sum(axis=0)
    exceed, done = 0, 0
    while done < permutations:
        if first and done >= first:
            break
        p = min(500, permutations - done, first - done if first else 500)
        pa = dealt(rng, p, len(idx), k)
        ma_sum = pa @ sub
        ma, va = _from_moments(ma_sum, pa, d)
        mb, vb = _from_moments(whole[None, :] - ma_sum, 1.0 - pa, d)
        exceed += int((_change(ma, va, mb, vb) >= observed - 1e-12).sum())
        done += p
    p_value = (1 + exceed) / (done + 1)
    # bootstrap: blocks drawn with replacement within each group (multinomial counts)
    ba, bb = drawn(rng, bootstrap, in_a), drawn(rng, bootstrap, in_b)
    boot = _stat(ba, bb, side, moments)
    low, high = shifted_percentiles(boot, observed, level)
    return {"change": observed, "low": low, "high": high, "p": p_value, "permutations": done}


def observed_change(side: Side, ga: int, gb: int | None, least: int) -> float | None:
    """The debiased change between group ga and gb (None: the rest), without p or interval; None
    when a side has fewer than `least` occurrences or 2 blocks."""
    in_a = side.group == ga
    in_b = (side.group == gb) if gb is not None else (side.group != ga) & (side.group >= 0)
    if min(side.counts[in_a].sum(), side.counts[in_b].sum()) < least or min(in_a.sum(), in_b.sum()) < 2:
        return None
    return float(_stat(in_a[None, :].astype(np.float64), in_b[None, :].astype(np.float64), side)[0])


def dealt(rng, p: int, n: int, k: int) -> np.ndarray:
    """`p` permutations of n blocks dealt again, k to the first group: a row of 0/1 weights each."""
    chosen = rng.permuted(np.tile(np.arange(n), (p, 1)), axis=1)[:, :k]
    weights = np.zeros((p, n))
    np.put_along_axis(weights, chosen, 1.0, axis=1)
    return weights


def drawn(rng, bootstrap: int, mine: np.ndarray) -> np.ndarray:
    """`bootstrap` draws with replacement of the blocks `mine` marks (as many as there are): each
    block's count in each draw, 0 for the others."""
    idx = np.flatnonzero(mine)
    weights = np.zeros((bootstrap, len(mine)))
    weights[:, idx] = rng.multinomial(len(idx), np.full(len(idx), 1 / len(idx)), size=bootstrap)
    return weights


def cosines_to(
    side: Side, g: int, units: np.ndarray, bootstrap: int, rng, level: float = LEVEL
) -> list[tuple[float, float, float]]:
    """The cosine of group g's mean vector with each of `units` (unit rows: words a user names),
    debiased (weighted_cosines), with a shifted-percentile 90% interval from drawing g's blocks
    with replacement."""
    mine = side.group == g
    draws = drawn(rng, bootstrap, mine)[:, mine]
    cos = weighted_cosines(np.vstack([np.ones(int(mine.sum())), draws]), block_moments(side)[mine], units)
    return [
        (float(cos[0, j]), *shifted_percentiles(cos[1:, j], float(cos[0, j]), level)) for j in range(units.shape[0])
    ]


def weighted_cosines(weights: np.ndarray, moments: np.ndarray, units: np.ndarray) -> np.ndarray:
    """The cosine of each weighted mean (a row of block weights over the rows of `moments`) with
    each of `units`: a matrix, a row per weighting. The mean's squared length is debiased by its
    sampling variance, as the change's is: a noisy mean is long in every direction, which would
    pull each cosine toward 0, the more so the rarer the word."""
    mean, variance = _from_moments(weights @ moments, weights, units.shape[1])
    length = np.sqrt(np.maximum(np.einsum("pd,pd->p", mean, mean) - variance, 1e-12))
    return (mean @ units.T) / length[:, None]


def shifted_percentiles(boot: np.ndarray, observed: float, level: float = LEVEL) -> tuple[float, float]:
    """The percentile interval of the bootstrap draws, moved by their bias (mean(draws) − estimate).
    A resample duplicates blocks, which shrinks the debiasing's variance term and shifts the draws
    up: the plain percentile interval then missed its own estimate (酒, 唐 against 宋: 0.049 outside
    0.050–0.079), and Efron's bias-corrected percentiles, read so far in the tail, overshot the
    other way. The shape comes from the draws, the place from the estimate."""
    shift = float(np.mean(boot)) - observed
    low, high = np.quantile(boot, [(1 - level) / 2, (1 + level) / 2])
    return float(low) - shift, float(high) - shift


def left_out(strata: np.ndarray) -> np.ndarray:
    """The delete-a-group jackknife's block weights (groups x blocks, 0 for the group left out):
    the blocks sorted by stratum (a group, a combination of levels) and dealt in turn to
    JACKKNIFE_GROUPS groups (each block its own group when fewer), so that no group holds every
    block of a stratum that has more than one. A fit without a group adds no second noise to the
    estimate, as a bootstrap draw does (docs/findings.md, "Coverage at a planted truth"); one block at
    a time agreed within a point of coverage and costs a fit per block (19,000 on the 唐 and 宋 poems)."""
    n = len(strata)
    groups = min(n, JACKKNIFE_GROUPS)
    order = np.argsort(strata, kind="stable")
    group = np.empty(n, dtype=np.int64)
    group[order] = np.arange(n) % groups
    return (group[None, :] != np.arange(groups)[:, None]).astype(np.float64)


def jackknife_spread(values: np.ndarray) -> np.ndarray:
    """The jackknife's standard error of a statistic from its value with each group left out
    (groups x ...)."""
    groups = len(values)
    return np.sqrt((groups - 1) / groups * ((values - values.mean(axis=0)) ** 2).sum(axis=0))


def one_sided_z(level: float) -> float:
    """The normal quantile leaving 1 − level in the upper tail: an upper limit at `level` is z
    standard errors above an estimate (1.28 at 90%)."""
    return NormalDist().inv_cdf(level)


def two_sided_z(level: float) -> float:
    """The normal quantile leaving (1 − level)/2 in each tail: z standard errors each side of an
    estimate make an interval at `level` (1.645 at 90%)."""
    return NormalDist().inv_cdf((1 + level) / 2)


def inverted(
    permuted: np.ndarray, observed: float, level: float = LEVEL, spread: float | None = None, exact: bool = True
) -> tuple[float, float]:
    """The interval that inverts a permutation test of a difference (a shift model): the values δ
    for which observed − δ lies in the central `level` of the permuted statistics. Under no effect
    it leaves out 0 exactly as often as the two-sided test at 1 − level rejects; the permuted
    statistics also carry the noise's own bias (a rarer side's vector pulled toward every
    direction), which the interval then takes off. A block bootstrap of a --to cosine difference
    was 13-15% too narrow under no effect and left out 0 for 15-20% of words (benchmarks/nulls.py).

    Where the test rejects (the interval leaves out 0) and `spread`, the statistic's jackknife
    standard error, is given, the interval is narrowed to within z of them of `observed`: when the
    groups truly differ, the permutations mix two means and spread wider than the estimate does,
    and the inverted interval held a difference of four standard errors for 96-97% of draws (91-93%
    narrowed; benchmarks/coverage_to.py). It never narrows an interval that holds 0, so what it
    leaves out under no effect is the test's alone (the jackknife alone left out 0 for 11-12% of
    null words on the novels).

    `exact` False: the draws are only nearly the statistic's null (a wild bootstrap, with blocks
    that no permutation keeps whole), and where they reject the interval is the jackknife's, so
    that 0 is left out only where both leave it out: narrowed, the wild draws' interval left out 0
    for 10.5-10.8% of null rows on the novels, and so 8.3-9.3% (docs/findings.md)."""
    # The δ each one-sided test keeps as p does everywhere in w2vkit: rejected when
    # (1 + #permuted beyond)/(n + 1) < (1 − level)/2, so δ is kept while at least m permuted values
    # lie beyond observed − δ. Under no effect it leaves out 0 for 2m/(n + 1) of words: 9% with 199
    # permutations at 90%. (Interpolated percentiles left out 0 for 10.5-10.6% of null words, and
    # the tenth of 199 from each end, p ≤ 0.05 where p < 0.05 is the rule, 10.7% on 西游记.)
    ordered = np.sort(np.asarray(permuted, dtype=np.float64))
    n = len(ordered)
    m = min(max(int(np.ceil((1 - level) / 2 * (n + 1) - 1 - 1e-9)), 1), n)
    low, high = observed - float(ordered[n - m]), observed - float(ordered[m - 1])
    if spread is None or low <= 0 <= high:
        return low, high
    reach = two_sided_z(level) * spread
    if not exact:
        return observed - reach, observed + reach
    narrow = max(low, observed - reach), min(high, observed + reach)
    return narrow if narrow[0] <= narrow[1] else (low, high)


def bh(pvalues: list[float | None]) -> list[float | None]:
    """Benjamini–Hochberg q-values (None stays None)."""
    found = [(p, i) for i, p in enumerate(pvalues) if p is not None]
    m = len(found)
    out: list[float | None] = [None] * len(pvalues)
    running = 1.0
    for rank, (p, i) in reversed(list(enumerate(sorted(found), 1))):
        running = min(running, p * m / rank)
        out[i] = running
    return out


def undecided(tested: list[tuple[int, float, int]], permutations: int, floor: bool = False) -> set[int]:
    """The places of the words a scan's pass left undecided, from (place, p, permutations done) of
    each tested row: a p under ADAPTIVE_P whose Benjamini–Hochberg q is not yet under 0.05, found
    with fewer than `permutations` permutations. The others are settled: far from significance, or
    significant already at the pass's resolution (on a large corpus, almost every word: p then
    stays at 1/(first + 1), and the permutations column says so). `floor`: only those whose p is
    within FLOOR_EXCEEDED permuted values of its floor (more permutations can still lower it far
    enough)."""
    qs = bh([p for _, p, _ in tested])
    return {
        i
        for (i, p, n), q in zip(tested, qs)
        if p <= ADAPTIVE_P
        and q is not None
        and q >= 0.05
        and n < permutations
        and (not floor or p * (n + 1) <= 1 + FLOOR_EXCEEDED)
    }
