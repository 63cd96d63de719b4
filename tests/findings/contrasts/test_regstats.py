"""The statistics of a regression for one word (w2vkit.findings.contrasts.regstats) on made-up occurrence
vectors whose truth is known: the wild cluster bootstrap's p when a number varies inside blocks
(calibrated under no effect, where permuting the split blocks is not; small under a real one), and
its agreement with the fit it tests."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import assert_close

from w2vkit.findings.contrasts.regstats import (
    block_sums,
    dealt_within,
    debiased_squares,
    estimate,
    fit,
    jackknife_fits,
    norm_interval,
    permuted_p,
    residualized,
    size_strata,
    use_metric,
    wild_p,
)
from w2vkit.findings.permutation import jackknife_spread

DIM = 12


def made_up(rng, slope: float, blocks: int = 30, rows: int = 6):
    """Documents in blocks that share a direction of their own (an author's habit), with a number
    alike within a block (the block's value plus a little noise: a poem's length within an
    author's), and vectors that move along the number by `slope`: (design rows, sums, block)."""
    block = np.repeat(np.arange(blocks), rows)
    level = rng.uniform(-1, 1, blocks)
    number = level[block] + rng.normal(0, 0.05, len(block))
    habit = rng.normal(0, 1.0, (blocks, DIM))
    direction = np.eye(DIM)[0]
    sums = habit[block] + rng.normal(0, 0.5, (len(block), DIM)) + slope * number[:, None] * direction
    x = np.column_stack([np.ones(len(block)), number - number.mean()])
    return x, sums, block


def test_the_wild_bootstrap_keeps_blocks_whole_where_permuting_split_blocks_does_not():
    """No effect, a number alike within blocks: the wild bootstrap over the user's blocks gives p <
    0.05 for about 5% of made-up words; permuting the rows as if each were a block (what
    --split-blocks did) for far more, which is why it was replaced."""
    rng = np.random.default_rng(0)
    wild, rows = [], []
    for _ in range(300):
        x, sums, block = made_up(rng, slope=0.0)
        counts = np.ones(len(block))
        whole = block_sums(x, sums, counts, block, np.zeros(len(block), dtype=int))
        _, coef = fit(whole, np.ones((1, len(whole.n))))
        observed = np.linalg.norm(coef[0][[1]], axis=1)
        metric = use_metric(whole)
        observed = np.linalg.norm(coef[0][[1]] @ metric, axis=1)
        wild.append(wild_p(whole, np.array([1]), observed, 199, rng, metric)[0][0])
        single = block_sums(x, sums, counts, np.arange(len(block)), np.zeros(len(block), dtype=int))
        values = residualized(single, np.array([1]))
        rows.append(permuted_p(single, np.array([1]), values, observed, 199, rng, metric)[0][0])
    assert 0.02 <= np.mean(np.array(wild) < 0.05) <= 0.09
    assert np.mean(np.array(rows) < 0.05) >= 0.2
    # (and its p-values are spread evenly: as many under 0.5 as over)
    assert 0.4 <= np.mean(np.array(wild) < 0.5) <= 0.6


@pytest.mark.parametrize("slope", [2.0, 4.0])
def test_the_wild_bootstrap_finds_a_real_change(slope):
    rng = np.random.default_rng(1)
    found = []
    for _ in range(20):
        x, sums, block = made_up(rng, slope=slope)
        whole = block_sums(x, sums, np.ones(len(block)), block, np.zeros(len(block), dtype=int))
        _, coef = fit(whole, np.ones((1, len(whole.n))))
        metric = use_metric(whole)
        found.append(
            wild_p(whole, np.array([1]), np.linalg.norm(coef[0][[1]] @ metric, axis=1), 199, rng, metric)[0][0]
        )
    assert np.mean(np.array(found) < 0.05) >= (0.7 if slope < 3 else 0.95)


def test_every_weight_one_gives_back_the_fit_it_tests():
    """A draw whose every weight is 1 is the data itself: its coefficient is the fit's, so an
    observed norm just above the fit's is never reached, and one just below always is."""

    class Ones:
        def integers(self, low, high, size):
            return np.full(size, 4)  # (WEBB[4] is 1.0)

    rng = np.random.default_rng(2)
    x, sums, block = made_up(rng, slope=0.3)
    whole = block_sums(x, sums, np.ones(len(block)), block, np.zeros(len(block), dtype=int))
    _, coef = fit(whole, np.ones((1, len(whole.n))))
    metric = use_metric(whole)
    norm = float(np.linalg.norm(coef[0][1] @ metric))
    assert_close(wild_p(whole, np.array([1]), np.array([norm * 0.999]), 10, Ones(), metric)[0][0], 1.0)
    assert_close(wild_p(whole, np.array([1]), np.array([norm * 1.001]), 10, Ones(), metric)[0][0], 1 / 11)
    # what a draw gives `collect` (a split block's --to cosines invert them) is the data's own fit too
    _, _, drawn = wild_p(whole, np.array([1]), np.array([norm]), 10, Ones(), metric, collect=lambda b: b)
    assert drawn.shape == (10, *coef[0].shape)
    np.testing.assert_allclose(drawn, np.repeat(coef, 10, axis=0), atol=1e-9)


@pytest.mark.parametrize("slope", [0.0, 0.5, 1.0, 1.5])
def test_the_norms_interval_holds_a_planted_truth_near_its_level(slope):
    """Coverage at a planted truth (issue 74): the made-up vectors move by `slope` along the number,
    so the true norm is `slope`; the 90% interval (its lower end 0 where p ≥ 0.10) holds it for 85-95%
    of 150 made-up words, a small change too (on the norm alone the bootstrap's upper end fell below
    a change of the noise for a fifth of the made-up words at slope 1: 81%)."""
    rng = np.random.default_rng(3)
    held = []
    for _ in range(150):
        x, sums, block = made_up(rng, slope=slope)
        whole = block_sums(x, sums, np.ones(len(block)), block, np.zeros(len(block), dtype=int))
        found = estimate(whole, np.array([1]))
        metric = use_metric(whole)
        p = wild_p(whole, np.array([1]), np.linalg.norm(found["coef"][[1]] @ metric, axis=1), 99, rng, metric)[0][0]
        low, high = norm_interval(found, 1, p)
        held.append(low <= slope <= high)
        if p >= 0.10:  # (no change found: from 0 to the upper limit, below the two-sided interval's end)
            assert low == 0.0 and high <= found["intervals"][1][1]
    assert 0.85 <= np.mean(held) <= 0.95


def test_the_jackknife_leaves_each_group_of_blocks_out_as_a_fit_without_them_would():
    """jackknife_fits weights a group's blocks 0; the same coefficients, and the same spread of the
    debiased squares, from fitting the made-up word's documents without that group's blocks."""
    rng = np.random.default_rng(6)
    x, sums, block = made_up(rng, slope=1.0, blocks=70)
    counts = np.ones(len(block))
    whole = block_sums(x, sums, counts, block, np.zeros(len(block), dtype=int))
    groups = 50  # (regstats.JACKKNIFE_GROUPS: blocks 0 and 50 share a group, 1 and 51, ...)
    coefficients, squares = [], []
    for g in range(groups):
        keep = block % groups != g
        part = block_sums(x[keep], sums[keep], counts[keep], block[keep], np.zeros(int(keep.sum()), dtype=int))
        ones = np.ones((1, len(part.n)))
        xtx, coef = fit(part, ones)
        coefficients.append(coef[0])
        squares.append(debiased_squares(part, ones, xtx, coef)[0])
    kept, xtx, coef = jackknife_fits(whole)
    np.testing.assert_allclose(coef, np.array(coefficients), rtol=1e-9, atol=1e-12)
    by_hand = np.array(squares)
    expected = np.sqrt((groups - 1) / groups * ((by_hand - by_hand.mean(axis=0)) ** 2).sum(axis=0))
    assert_close(jackknife_spread(debiased_squares(whole, kept, xtx, coef)).tolist(), expected.tolist(), rel=1e-6)


def uneven(rng, chunks: int = 160, rows: int = 6):
    """Chunks of `rows` documents with a habit each, joined in runs of 1 to 40 chunks (a block each:
    most short, a few long), the word in half the documents, and a number that follows the run's
    size (the log of its rows plus noise of sd 0.3, as an author's poem count follows the author),
    with no effect on the vectors: (design rows, sums, block)."""
    runs = np.minimum(1 + np.floor(rng.lognormal(0.3, 1.1, chunks)).astype(int), 40)
    owner = np.repeat(np.arange(chunks), runs)[:chunks]
    chunk = np.repeat(np.arange(chunks), rows)
    block = owner[chunk]
    number = (np.log(np.bincount(owner) * rows) + rng.normal(0, 0.3, owner.max() + 1))[block]
    sums = rng.normal(0, 1.0, (chunks, DIM))[chunk] + rng.normal(0, 1.0, (len(chunk), DIM))
    x = np.column_stack([np.ones(len(block)), number - number.mean()])
    has = rng.random(len(chunk)) < 0.5
    return x[has], sums[has], block[has]


def test_a_number_that_follows_the_blocks_sizes_is_dealt_among_blocks_of_one_size():
    """No effect, a number that follows uneven blocks' sizes: dealt among blocks of about the
    word's same occurrences (size_strata), p < 0.05 for about 5% of made-up words; dealt among all
    blocks, for almost none (a large block's precise mean rarely met an extreme value in the
    observed data, often in the permuted), which is what the strata replaced."""
    rng = np.random.default_rng(5)
    within, across = [], []
    for _ in range(150):
        x, sums, block = uneven(rng)
        whole = block_sums(x, sums, np.ones(len(block)), block, np.zeros(len(block), dtype=int))
        _, coef = fit(whole, np.ones((1, len(whole.n))))
        metric = use_metric(whole)
        observed = np.linalg.norm(coef[0][[1]] @ metric, axis=1)
        values = residualized(whole, np.array([1]))
        strata = size_strata(whole.n)
        within.append(permuted_p(whole, np.array([1]), values, observed, 199, rng, metric, strata=strata)[0][0])
        across.append(permuted_p(whole, np.array([1]), values, observed, 199, rng, metric)[0][0])
    assert 0.02 <= np.mean(np.array(within) < 0.05) <= 0.10
    assert np.mean(np.array(across) < 0.05) <= 0.015
    assert 0.4 <= np.mean(np.array(within) < 0.5) <= 0.65


def test_a_value_is_dealt_only_within_its_blocks_stratum():
    rng = np.random.default_rng(0)
    n = rng.integers(1, 300, 57)
    strata = size_strata(n)
    assert all(np.ptp(np.log(n[strata == s])) < 0.25 for s in np.unique(strata))
    perm = dealt_within(rng, 20, strata)
    assert all(sorted(row) == list(range(57)) and (strata[row] == strata).all() for row in perm)
    assert (perm != np.arange(57)).any(axis=1).all()  # (and they are dealt: not the identity)


def test_a_change_of_use_is_found_more_often_in_the_metric_of_the_words_spread():
    """A word whose occurrences come, more and more often along a number, from another word's
    contexts (a planted gradual change): its occurrences spread along the change, and a coefficient
    measured in that spread (use_metric) finds it more often than its plain norm does; under no
    change both hold their level (the metric does not depend on the number)."""
    rng = np.random.default_rng(4)
    dim, rows = 40, 400
    found: dict[str, list[float]] = {"metric": [], "plain": [], "null": []}
    for _ in range(60):
        own, other = rng.normal(0, 1, dim), rng.normal(0, 1, dim)
        number = rng.uniform(-1, 1, rows)
        borrowed = rng.random(rows) < 0.1 * (number + 1)  # (up to 20% of the uses at the top)
        sums = np.where(borrowed[:, None], other, own) + rng.normal(0, 2.0, (rows, dim))
        x = np.column_stack([np.ones(rows), number])
        for name, vectors in (("planted", sums), ("null", own + rng.normal(0, 2.0, (rows, dim)))):
            whole = block_sums(x, vectors, np.ones(rows), np.arange(rows), np.zeros(rows, dtype=int))
            _, coef = fit(whole, np.ones((1, rows)))
            values = residualized(whole, np.array([1]))
            ways = (
                {"metric": use_metric(whole), "plain": np.eye(dim)}
                if name == "planted"
                else {"null": use_metric(whole)}
            )
            for way, metric in ways.items():
                observed = np.linalg.norm(coef[0][[1]] @ metric, axis=1)
                found[way].append(permuted_p(whole, np.array([1]), values, observed, 199, rng, metric)[0][0])
    share = {way: float(np.mean(np.array(p) < 0.05)) for way, p in found.items()}
    assert share["metric"] >= share["plain"] + 0.05, share  # (0.78 against 0.68)
    assert share["null"] <= 0.12, share
