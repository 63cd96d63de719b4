"""The permutation helpers every contrast's interval rests on (w2vkit.findings.permutation)."""

import numpy as np

from w2vkit.findings.permutation import inverted, jackknife_spread, left_out


def test_the_jackknife_narrows_only_an_interval_that_leaves_out_0():
    """Issue 74: an inverted interval that holds 0 is the test's own, whatever the spread; one that
    leaves 0 out is cut to within z standard errors of the observed value, never widened."""
    rng = np.random.default_rng(3)
    permuted = rng.normal(size=199)
    holding = inverted(permuted, 0.5, 0.9)
    assert holding[0] <= 0 <= holding[1]
    assert inverted(permuted, 0.5, 0.9, spread=0.01) == holding
    leaving = inverted(permuted, 3.0, 0.9)
    assert leaving[0] > 0
    assert inverted(permuted, 3.0, 0.9, spread=100.0) == leaving
    low, high = inverted(permuted, 3.0, 0.9, spread=0.1)
    assert np.isclose(low, 3.0 - 1.6448536 * 0.1) and np.isclose(high, 3.0 + 1.6448536 * 0.1)
    draws = rng.normal(size=(2000, 200))  # (no effect: the observed one exchangeable with the rest)
    plain = [inverted(d[1:], d[0], 0.9) for d in draws]
    narrowed = [inverted(d[1:], d[0], 0.9, spread=0.05) for d in draws]
    assert [lo <= 0 <= hi for lo, hi in plain] == [lo <= 0 <= hi for lo, hi in narrowed]


def test_draws_that_are_not_exact_leave_out_0_only_where_the_jackknife_does_too():
    """Issue 74: a wild bootstrap's draws (blocks split) are nearly, not exactly, the null's; where
    they reject, the interval is the jackknife's, which may hold 0 again."""
    rng = np.random.default_rng(5)
    permuted = rng.normal(size=199)
    assert inverted(permuted, 0.5, 0.9, 0.01, exact=False) == inverted(permuted, 0.5, 0.9)  # (holds 0: kept)
    wide = inverted(permuted, 3.0, 0.9, 2.0, exact=False)
    assert np.allclose(wide, (3.0 - 1.6448536 * 2.0, 3.0 + 1.6448536 * 2.0)) and wide[0] < 0
    narrow = inverted(permuted, 3.0, 0.9, 0.1, exact=False)
    assert np.allclose(narrow, (3.0 - 1.6448536 * 0.1, 3.0 + 1.6448536 * 0.1))


def test_narrowed_by_the_jackknife_a_large_difference_is_held_near_the_level():
    """Two groups of 30 whose means truly differ by ten standard errors: permuting the labels mixes
    the two means, so the permuted differences spread wider than the estimate and the inverted
    interval holds the truth nearly always; narrowed by the delete-a-group jackknife it holds it
    for about 90%."""
    rng = np.random.default_rng(7)
    n, truth = 30, 10 * np.sqrt(2 / 30)
    labels = np.repeat([0, 1], n)
    kept = left_out(labels)
    held_plain, held_narrowed = [], []
    for _ in range(300):
        values = rng.normal(size=2 * n) + truth * labels
        observed = values[labels == 1].mean() - values[labels == 0].mean()
        permuted = []
        for _ in range(199):
            dealt = rng.permutation(labels)
            permuted.append(values[dealt == 1].mean() - values[dealt == 0].mean())
        jackknifed = (kept * (labels == 1)) @ values / (kept * (labels == 1)).sum(axis=1) - (
            kept * (labels == 0)
        ) @ values / (kept * (labels == 0)).sum(axis=1)
        for held, spread in ((held_plain, None), (held_narrowed, float(jackknife_spread(jackknifed)))):
            low, high = inverted(np.array(permuted), observed, 0.9, spread)
            held.append(low <= truth <= high)
    assert np.mean(held_plain) > 0.95
    assert 0.85 <= np.mean(held_narrowed) <= 0.95
