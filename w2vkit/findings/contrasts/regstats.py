"""The statistics of an embedding regression (w2vkit.findings.contrasts.regression) for one word: its
occurrence vectors regressed on the covariates by ordinary least squares (as conText does), each
coefficient's norm debiased by its cluster-robust variance, a 90% jackknife interval over groups of
blocks (whose fits also give the fitted vectors' cosines their intervals), and a block-permutation
p for each covariate (its values dealt out again among blocks alike in the other covariates).

Covariates are constant within a document, so the regression on occurrences is summed per
document and then per block: a block keeps Σ x S (terms × dim: S a document's sum of occurrence
vectors) and Σ n x xᵀ (terms × terms), and every fit, draw or permutation is a few products of
these, whatever the number of occurrences.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..permutation import LEVEL, jackknife_spread, left_out, one_sided_z, two_sided_z

CHUNK = 100  # permutations or draws solved at a time


@dataclass
class Blocks:
    """One word's sums per block: xs (blocks x terms x dim) Σ x Sᵀ, xx (blocks x terms x terms)
    Σ n x xᵀ, x (blocks x terms) the block's design row, stratum (blocks) within which the jackknife
    deals them into groups."""

    xs: np.ndarray
    xx: np.ndarray
    x: np.ndarray
    stratum: np.ndarray

    @property
    def n(self) -> np.ndarray:
        return self.xx[:, 0, 0]  # (the intercept's column: the occurrences)

    @property
    def s(self) -> np.ndarray:
        return self.xs[:, 0, :]  # (Σ S over the block)


def block_sums(x: np.ndarray, sums: np.ndarray, counts: np.ndarray, block: np.ndarray, stratum: np.ndarray) -> Blocks:
    """Blocks from each document's design row `x`, its sum of occurrence vectors and count, and its
    block (any integers) and stratum."""
    from scipy import sparse

    present, inverse = np.unique(block, return_inverse=True)
    nb, p = len(present), x.shape[1]
    member = sparse.csr_matrix((np.ones(len(inverse)), (inverse, np.arange(len(inverse)))), shape=(nb, len(inverse)))
    xs = np.stack([member @ (x[:, j : j + 1] * sums) for j in range(p)], axis=1)
    outer = (counts[:, None, None] * x[:, :, None] * x[:, None, :]).reshape(len(x), p * p)
    xx = (member @ outer).reshape(nb, p, p)
    first = np.zeros(nb, dtype=np.int64)
    first[inverse[::-1]] = np.arange(len(inverse))[::-1]
    return Blocks(xs, xx, x[first], stratum[first])


def ridged(xtx: np.ndarray) -> np.ndarray:
    """X'X with each diagonal raised by 1e-10 of itself, against a fit that lost a term's variation
    (a rare word's few blocks left with one value: a bootstrap draw of 孟获 once did): scale-free (a
    ridge from the trace, which a number in years dominates, moved the other terms by 1e-5). Every
    solve and inverse of a fit goes through it, so no fit raises 'singular matrix'."""
    diagonal = np.einsum("...ii->...i", xtx)
    return xtx + (1e-10 * diagonal + 1e-300)[..., :, None] * np.eye(xtx.shape[-1])


def solve(xtx: np.ndarray, xts: np.ndarray) -> np.ndarray:
    """Coefficients (…, terms, dim) of the normal equations (ridged())."""
    return np.linalg.solve(ridged(xtx), xts)


def fit(blocks: Blocks, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(X'X, coefficients) for each row of block weights (draws x blocks)."""
    nb, p, d = blocks.xs.shape
    xtx = (weights @ blocks.xx.reshape(nb, p * p)).reshape(-1, p, p)
    xts = (weights @ blocks.xs.reshape(nb, p * d)).reshape(-1, p, d)
    return xtx, solve(xtx, xts)


def debiased_norms(blocks: Blocks, weights: np.ndarray, xtx: np.ndarray, coef: np.ndarray) -> np.ndarray:
    """Each term's coefficient norm debiased (debiased_squares), 0 where the debiasing takes more
    than the square holds."""
    return np.sqrt(np.maximum(debiased_squares(blocks, weights, xtx, coef), 0))


def debiased_squares(blocks: Blocks, weights: np.ndarray, xtx: np.ndarray, coef: np.ndarray) -> np.ndarray:
    """Each term's coefficient norm with its cluster-robust sampling variance taken from its square
    (draws x terms): as contrast debiases a group mean's length, so that a rare word's noisy
    coefficients do not read as change. The variance of term j is Σ_b w_b ‖(M G_b)_j‖² with
    M = (X'X)⁻¹ and G_b = Σ x Sᵀ − Σ n x xᵀ B the block's score, expanded into terms x terms
    products so that no block's dim-sized residual is formed."""
    nb, p, d = blocks.xs.shape
    gram = np.einsum("bpd,bqd->bpq", blocks.xs, blocks.xs)
    stacked = blocks.xs.reshape(nb * p, d).astype(np.float32)  # (a variance: float32 halves the one big product)
    out = np.zeros((len(weights), p))
    # (each term a matrix product of the blocks stacked: three-operand einsums over 19,000 blocks
    # took 9 of a 45-second regression on the 唐 and 宋 poems)
    for i, (w, a, b) in enumerate(zip(weights, xtx, coef)):
        m = np.linalg.inv(ridged(a))
        cross = (stacked @ b.T.astype(np.float32)).astype(np.float64).reshape(nb, p, p)  # Σ x Sᵀ Bᵀ per block
        t = (blocks.xx.reshape(nb * p, p) @ m).reshape(nb, p, p)  # Σ n x xᵀ M
        first = np.einsum("jk,bkj->bj", m, (gram.reshape(nb * p, p) @ m).reshape(nb, p, p))
        second = np.einsum("jk,bkj->bj", m, np.matmul(cross, t))
        third = np.einsum(
            "bkj,bkj->bj", t, (t.transpose(0, 2, 1).reshape(nb * p, p) @ (b @ b.T)).reshape(nb, p, p).transpose(0, 2, 1)
        )
        used = int((w > 0).sum())
        variance = used / max(used - 1, 1) * (w @ np.maximum(first - 2 * second + third, 0))
        out[i] = np.einsum("pd,pd->p", b, b) - variance
    return out


def fitted_spread(blocks: Blocks, xtx: np.ndarray, coef: np.ndarray) -> np.ndarray:
    """K (terms x terms) such that x'Kx is the cluster-robust sampling variance, summed over the
    dimensions, of the fitted vector x'B at any design row x: M (Σ_b G_b G_bᵀ) M times B/(B−1), with
    M = (X'X)⁻¹ and G_b the block's score (debiased_squares). A fitted vector's squared length less
    it is debiased, as a group's mean is for its cosines (permutation.weighted_cosines)."""
    nb = len(blocks.n)
    score = blocks.xs - np.einsum("bpq,qd->bpd", blocks.xx, coef)
    m = np.linalg.inv(ridged(xtx))
    return nb / max(nb - 1, 1) * m @ np.einsum("bpd,bqd->pq", score, score) @ m


def estimate(blocks: Blocks, terms: np.ndarray, level: float = LEVEL) -> dict:
    """The debiased norms of `terms`, their two-sided intervals at `level` (90%) and their upper
    limits at `level` (norm_interval chooses between them by the test); the coefficients, and
    those of each of the jackknife's fits (jackknife_fits: a level's cosines, an `at` point's and a
    number's curve take their intervals from them, regfit).

    The interval is the jackknife's, z standard errors each side: the lower end on the norm, the
    upper end on the debiased square, then square-rooted (the norm is held at 0 for most resamples
    of a small change, which put its own upper end below a true norm of half the word's noise for a
    fifth of words). The block bootstrap's interval was replaced: a draw adds the noise to the
    coefficient once more, so its spread of the square was 2-5 times the truth's at no change, and
    its interval held a shift planted in a random direction for 96-99% of words at one to twice the
    noise, while its lower end, off by the shift of the draws' skewed norms, fell above a change of
    use on 三国演义 for 10-16% of words (benchmarks/coverage.py, docs/findings.md)."""
    ones = np.ones((1, len(blocks.n)))
    xtx, coef = fit(blocks, ones)
    squares = debiased_squares(blocks, ones, xtx, coef)[0]
    norms = np.sqrt(np.maximum(squares, 0))
    z, z_limit = two_sided_z(level), one_sided_z(level)
    kept, xtx_j, coef_j = jackknife_fits(blocks)
    squares_j = debiased_squares(blocks, kept, xtx_j, coef_j)
    square_spread, norm_spread = jackknife_spread(squares_j), jackknife_spread(np.sqrt(np.maximum(squares_j, 0)))
    intervals, limits = [], []
    for j in terms:
        low = max(float(norms[j] - z * norm_spread[j]), 0.0)
        intervals.append((low, max(low, float(np.sqrt(max(squares[j] + z * square_spread[j], 0.0))))))
        limits.append(float(np.sqrt(max(squares[j] + z_limit * square_spread[j], 0.0))))
    return {
        "coef": coef[0],
        "xtx": xtx[0],
        "norm": norms,
        "jackknife": coef_j,
        "intervals": dict(zip(terms.tolist(), intervals)),
        "limits": dict(zip(terms.tolist(), limits)),
    }


# The rule of a regression's norm intervals, as the result's provenance and --level's help say it
# (norm_interval is the rule; benchmarks/coverage.py measured it; docs/findings.md, "How to cite").
NORM_INTERVAL_RULE = (
    "a term's norm: the delete-a-group jackknife's two-sided interval (blocks dealt within each combination of "
    "levels) where the permutation test rejects a norm of 0 at the interval's level; from 0 to the norm's upper "
    "limit at that level where it does not (the debiased square plus the level's one-sided z, 1.28 at 0.90, "
    "jackknife standard errors, square-rooted); at 0.90 it held planted changes for 90.6% of words over 160 cells "
    "of three texts (benchmarks/coverage.py)"
)


def norm_interval(found: dict, term: int, p: float | None, level: float = LEVEL) -> tuple[float, float]:
    """A term's norm interval at `level` (estimate's `found`): the jackknife's two-sided interval
    where the permutation test rejects a norm of 0 at that level, and from 0 to the norm's upper
    limit at that level where it does not (a change not found is reported by how large it could
    be, as a search that finds nothing reports its upper limit). The two-sided interval's upper end
    there held small planted changes on 西游记 for 96-97% of words; with the limit, 160 cells of
    three texts held 90.6% on average, spread as a cell's sampling alone spreads them
    (benchmarks/coverage.py, docs/findings.md)."""
    low, high = found["intervals"][term]
    if p is not None and p >= 1 - level:
        return 0.0, found["limits"][term]
    return low, high


def jackknife_fits(blocks: Blocks) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The delete-a-group jackknife's fits (permutation.left_out: each group of blocks left out once,
    blocks dealt within each combination of levels): the block weights, and the X'X and the
    coefficients of each fit."""
    kept = left_out(blocks.stratum)
    xtx, coef = fit(blocks, kept)
    return kept, xtx, coef


def residualized(blocks: Blocks, columns: np.ndarray) -> np.ndarray:
    """A covariate's block values (its `columns`) less what the other terms explain (weighted least
    squares, a block weighing its occurrences). Permuting these residuals (Kennedy 1995) keeps the
    other covariates' link with the permuted one out of its null: permuting an era correlated 0.7
    with the year, even within tenths of the year, gave a change planted on the year to the era too
    (20% of planted words at p < 0.05)."""
    others = np.setdiff1d(np.arange(blocks.x.shape[1]), columns)
    w = blocks.n
    xo, xc = blocks.x[:, others], blocks.x[:, columns]
    gamma = solve(xo.T @ (w[:, None] * xo), xo.T @ (w[:, None] * xc))
    return xc - xo @ gamma


def explained(xx: np.ndarray, columns: np.ndarray) -> float:
    """The share of a covariate's spread (its `columns`, over the occurrences) that the other terms
    explain (R²), from the summed Σ n x xᵀ: the Schur complement of the others is what remains."""
    others = np.setdiff1d(np.arange(xx.shape[0]), columns)
    cc, co, oo = xx[np.ix_(columns, columns)], xx[np.ix_(columns, others)], xx[np.ix_(others, others)]
    rest = cc - co @ solve(oo, co.T)
    centred = cc - np.outer(xx[columns, 0], xx[0, columns]) / xx[0, 0]
    return 1.0 - float(np.trace(rest)) / max(float(np.trace(centred)), 1e-300)


# Webb's six-point weights: with few blocks, Rademacher's two points give few distinct draws
WEBB = np.array([-np.sqrt(1.5), -1.0, -np.sqrt(0.5), np.sqrt(0.5), 1.0, np.sqrt(1.5)])


def wild_p(
    blocks: Blocks, columns: np.ndarray, observed: np.ndarray, draws: int, rng, metric: np.ndarray, collect=None
):
    """The p of each of `columns` when a covariate varies inside the user's blocks, so that no
    block can be permuted whole: a wild cluster bootstrap under the null (Cameron, Gelbach & Miller
    2008). The model without the covariate is fitted, and each block's residual sums are multiplied
    by one weight (WEBB) for the whole block, which keeps the block's own likeness of its rows;
    the full model's coefficients are linear in those sums, so a draw is one product.
    Permuting the split blocks instead, as if independent, gave p < 0.05 for 17% of null words on
    西游记 (docs/findings.md). `observed` and each draw's coefficients are measured in `metric`
    (use_metric). Returns p per term, the draws done, and what `collect` gives of each draw's
    coefficients (draws x terms x dim: the null model's plus the weighted residuals' fit), stacked
    (None without it)."""
    nb, p, d = blocks.xs.shape
    others = np.setdiff1d(np.arange(p), columns)
    xx, xs = blocks.xx.sum(axis=0), blocks.xs.sum(axis=0)
    restricted = solve(xx[np.ix_(others, others)], xs[others])  # (others x dim)
    residual = blocks.xs - blocks.xx[:, :, others] @ restricted  # each block's Σ x (S − n x'B₀)
    k = len(columns)
    inverse = np.linalg.inv(ridged(xx))
    share = np.einsum("kp,bpd->bkd", inverse[columns], residual).reshape(nb, k * d)
    null = np.zeros((p, d))
    null[others] = restricted
    exceed = np.zeros(k)
    done = 0
    gathered = []
    while done < draws:
        m = min(CHUNK, draws - done)
        weights = WEBB[rng.integers(0, len(WEBB), size=(m, nb))]
        norms = measured((weights @ share).reshape(m, k, d), metric)
        exceed += (norms >= observed[None, :] - 1e-12).sum(axis=0)
        if collect is not None:
            moved = (weights @ residual.reshape(nb, p * d)).reshape(m, p, d)
            gathered.append(collect(null[None] + np.einsum("pq,mqd->mpd", inverse, moved)))
        done += m
    return (1 + exceed) / (done + 1), done, np.concatenate(gathered) if gathered else None


# A number whose blocks' values correlate beyond this with the log of the blocks' sizes (the word's
# occurrences in each) follows them: its permutations deal a value only among blocks of about one
# size (size_strata), and its row says that what makes a block large (a prolific author) changes
# with it. Dealt among all blocks, such a number's p was conservative (p < 0.05 for 0.8% of
# no-effect words); among blocks of one size for every number, a plant on a number per row lost
# power (mean AP 0.81 -> 0.77 on 三国演义): a block keeps its own value where its size is rare
# (docs/findings.md, nulls.py).
TIED_TO_SIZE = 0.5
SIZE_BIN = 0.25  # the width of a stratum of blocks of one size, in the log of their occurrences of the word


def size_strata(n: np.ndarray) -> np.ndarray:
    """The blocks in strata of about the word's same occurrences in each (bins of SIZE_BIN in
    their log: 1, 2, 3, 4 and 5 occurrences apart, then 6-7, 8-9, 10-12, … together). A
    permutation deals a value out only within a stratum, which keeps a covariate's link with the
    blocks' sizes in its null: dealt among all blocks, a number that follows the sizes (an author's
    poem count) gave p < 0.05 for 0.5-0.8% of no-effect words, not 5% (a large block's precise mean
    rarely held an extreme value in the text, often in the permutations); within bins 5.4%
    (docs/findings.md). Where sizes are alike (a row a block, most rows holding the word once)
    nearly all blocks share a stratum."""
    return np.floor(np.log(np.maximum(n, 1)) / SIZE_BIN).astype(np.int64)


def size_correlation(blocks: Blocks, columns: np.ndarray) -> float:
    """The correlation over the word's blocks of a number's value with the log of the block's
    occurrences of the word (0 when either is constant)."""
    values, sizes = blocks.x[:, columns[0]], np.log(blocks.n)
    if len(values) < 3 or np.ptp(values) == 0 or np.ptp(sizes) == 0:
        return 0.0
    return float(np.corrcoef(values, sizes)[0, 1])


def dealt_within(rng, m: int, strata: np.ndarray) -> np.ndarray:
    """`m` permutations of the blocks (a row each: block b gets the value of block perm[b]) that
    give each block the value of a block of its own stratum."""
    order = np.argsort(strata, kind="stable")
    shuffled = np.argsort(strata[None, :] + rng.random((m, len(strata))), axis=1)
    perm = np.empty_like(shuffled)
    perm[:, order] = shuffled
    return perm


def permuted_p(
    blocks: Blocks,
    columns: np.ndarray,
    values: np.ndarray,
    observed: np.ndarray,
    permutations: int,
    rng,
    metric: np.ndarray,
    collect=None,
    strata: np.ndarray | None = None,
):
    """The p of each of `columns` (a covariate's terms): `values` (its residualized block values)
    dealt out again among the blocks (only within each of `strata`, when given: size_strata), the
    other covariates held, and the coefficients refitted and measured in `metric` (as `observed`
    is: measured, use_metric); p = (1 + #{permuted ≥ observed}) / (P + 1) for each term; the
    permutations done; and what `collect` gives of each permutation, stacked (None without it): a
    function of each chunk's coefficients (permutations x terms x dim) and the dealt values' mean
    over the occurrences (permutations x the covariate's terms)."""
    exceed = np.zeros(len(columns))
    done = 0
    gathered = []
    strata = np.zeros(len(blocks.n), dtype=np.int64) if strata is None else strata
    while done < permutations:
        m = min(CHUNK, permutations - done)
        perm = dealt_within(rng, m, strata)
        coefficients = permuted_coefficients(blocks, columns, perm, values)
        exceed += (measured(coefficients[:, columns, :], metric) >= observed[None, :] - 1e-12).sum(axis=0)
        if collect is not None:  # (with the dealt values' mean over the word's occurrences: m x terms)
            gathered.append(collect(coefficients, (blocks.n @ values[perm]) / blocks.n.sum()))
        done += m
    return (1 + exceed) / (done + 1), done, np.concatenate(gathered) if gathered else None


SPREAD_SHRINK = 0.1  # the spread drawn a tenth toward its mean variance: no direction weighs 0 where blocks are few


def use_metric(blocks: Blocks) -> np.ndarray:
    """The metric a covariate's coefficients are measured in for its p (dim x dim: a coefficient
    b is measured as ‖b W‖): W = Σ^½, Σ the spread of the word's occurrence vectors about their
    mean (per occurrence, from the blocks' sums), so that a change along the directions in which
    the word's uses differ counts for more than one along those in which they agree. A change of a
    word's use moves its occurrences apart along that change, so that is where it is found: on
    三国演义's six planted gradual changes, mean AP 0.81 measured plainly (‖b‖), 0.85 in this metric,
    0.73 whitened (Σ^-½) (docs/findings.md). The sums are the same in every permutation and draw,
    so the metric is too, and the test stays exact where it was."""
    s = blocks.s
    n = np.maximum(blocks.n, 1e-12)
    mean = s.sum(axis=0) / n.sum()
    spread = (s - n[:, None] * mean) / np.sqrt(n)[:, None]
    cov = spread.T @ spread / len(spread)
    cov = (1 - SPREAD_SHRINK) * cov + SPREAD_SHRINK * np.trace(cov) / len(cov) * np.eye(len(cov))
    values, vectors = np.linalg.eigh(cov)
    return vectors * np.sqrt(np.maximum(values, 0))


def measured(coefficients: np.ndarray, metric: np.ndarray) -> np.ndarray:
    """Each coefficient's length in `metric` (use_metric), over the last axis: what a term's p
    compares, the observed fit's and each permutation's or draw's alike."""
    return np.linalg.norm(coefficients @ metric, axis=-1)


def permuted_coefficients(blocks: Blocks, columns: np.ndarray, perm: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Every coefficient (permutations x terms x dim) when block b's values of `columns` are
    values[perm[i, b]]. A block's rows of the covariate are its values times the intercept's sums
    (the covariate is constant in a block), so each refit is a product of the blocks' sums with the
    dealt values."""
    nb, p, d = blocks.xs.shape
    m = len(perm)
    others = np.setdiff1d(np.arange(p), columns)
    on = blocks.xx[:, others, 0]  # Σ n o per block
    z = values[perm]  # (m, blocks, k)
    xtx = np.broadcast_to(blocks.xx.sum(axis=0), (m, p, p)).copy()
    xts = np.broadcast_to(blocks.xs.sum(axis=0), (m, p, d)).copy()
    oc = np.einsum("bo,mbk->mok", on, z)
    xtx[np.ix_(np.arange(m), others, columns)] = oc
    xtx[np.ix_(np.arange(m), columns, others)] = oc.transpose(0, 2, 1)
    xtx[np.ix_(np.arange(m), columns, columns)] = np.einsum("b,mbk,mbl->mkl", blocks.n, z, z)
    k = len(columns)  # (one product of the dealt values stacked: a batch of vector products was 3x slower)
    xts[:, columns, :] = (z.transpose(0, 2, 1).reshape(m * k, nb) @ blocks.s).reshape(m, k, d)
    return solve(xtx, xts)
