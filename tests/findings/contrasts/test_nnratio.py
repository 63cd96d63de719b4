"""The nearest-neighbour ratio (w2vkit.findings.contrasts.nnratio) against the direct computation from
every occurrence's vector, on made-up blocks with a planted difference; and through contrast and
the command line."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import engine_of

from w2vkit.errors import UsageError
from w2vkit.findings.contrasts import contrast
from w2vkit.findings.contrasts.nnratio import RATIO_NEIGHBOURS, neighbour_ratio
from w2vkit.findings.permutation import Side
from w2vkit.model.store import load_model
from w2vkit.queries.query import Engine


def made_up(rng, planted: float):
    """Unit word vectors, and occurrences in 40 blocks of two groups (20 each) whose vectors lean
    toward word 0, group b's also toward word 1 by `planted`."""
    unit = rng.normal(size=(60, 16))
    unit /= np.linalg.norm(unit, axis=1, keepdims=True)
    group = np.repeat([0, 1], 20)
    vectors, block = [], []
    for b, g in enumerate(group):
        n = int(rng.integers(3, 12))
        v = unit[0] + 0.4 * rng.normal(size=(n, 16)) + (planted * unit[1] if g else 0)
        vectors.append(v)
        block += [b] * n
    return unit, np.vstack(vectors), np.array(block), group


def direct_cosine(vectors, block, units):
    """The debiased cosine of the occurrences' mean with each unit, the long way: the mean's
    squared length less its cluster-robust variance (sum over blocks of |S_b - n_b mean|², times
    B/(B-1), over N²)."""
    mean = vectors.mean(axis=0)
    ids = np.unique(block)
    spread = sum(np.sum((vectors[block == b] - mean).sum(axis=0) ** 2) for b in ids)
    variance = len(ids) / (len(ids) - 1) * spread / len(vectors) ** 2
    return units @ mean / np.sqrt(mean @ mean - variance)


def side_of(vectors, block, group):
    ids = np.unique(block)
    sums = np.vstack([vectors[block == b].sum(axis=0) for b in ids])
    counts = np.array([float((block == b).sum()) for b in ids])
    return Side(sums, counts, group[ids])


def test_the_ratio_is_the_two_debiased_cosines_divided():
    rng = np.random.default_rng(3)
    unit, vectors, block, group = made_up(rng, 0.5)
    side = side_of(vectors, block, group)
    engine = engine_of(unit)
    rows, nearer, cos_a, cos_b, ratio, intervals, p, done = neighbour_ratio(side, engine, {0}, 199, rng)
    assert 0 not in rows and len(rows) == 2 * RATIO_NEIGHBOURS and done == 199
    unit = engine.unit.astype(np.float64)  # (the model's vectors, as float32 keeps them)
    in_a = group[block] == 0
    np.testing.assert_allclose(cos_a, direct_cosine(vectors[in_a], block[in_a], unit[rows]), rtol=1e-9)
    np.testing.assert_allclose(cos_b, direct_cosine(vectors[~in_a], block[~in_a], unit[rows]), rtol=1e-9)
    np.testing.assert_allclose(ratio, cos_a / cos_b)

    def nearest(mine, k):
        scores = unit @ vectors[mine].mean(axis=0)
        scores[0] = -np.inf
        return set(np.argsort(-scores)[:k].tolist())

    # the candidates: the nearest of the word's vector over both groups, whatever the groups
    assert set(rows) == nearest(np.ones(len(block), bool), 2 * RATIO_NEIGHBOURS)
    # `nearer`: whose nearest each is, by the plain cosine of each group's mean
    for g, mine in ((0, in_a), (1, ~in_a)):
        assert nearest(mine, RATIO_NEIGHBOURS) & set(rows) == {r for r, n in zip(rows, nearer) if n in (g, -1)}
    assert all(n == -2 for r, n in zip(rows, nearer) if r not in nearest(in_a, 10) | nearest(~in_a, 10))
    # the planted word is nearer b, and surely so; its interval holds its ratio and leaves out 1
    j = rows.index(1)
    assert ratio[j] < 0.8 and p[j] == pytest.approx(1 / 200)
    assert intervals[j][0] <= ratio[j] <= intervals[j][1] < 1


def test_no_planted_difference_gives_no_small_p_to_speak_of():
    """With both groups drawn alike, the p-values of the candidates spread over (0, 1], and the
    intervals leave out 1 about as often as p < 0.10 (they invert the same permutations)."""
    found, outside = [], []
    for seed in range(6):
        rng = np.random.default_rng(seed)
        unit, vectors, block, group = made_up(rng, 0.0)
        got = neighbour_ratio(side_of(vectors, block, group), engine_of(unit), {0}, 199, rng)
        found += got[6].tolist()
        outside += [not low <= 1 <= high for low, high in got[5]]
    found = np.array(found)
    assert 0.01 <= np.mean(found < 0.05) <= 0.15 and np.median(found) > 0.3
    assert 0.02 <= np.mean(outside) <= 0.2


def test_contrast_gives_the_ratio_of_two_groups(halves):
    folder, table = halves
    engine = Engine(load_model(folder))
    result = contrast(engine, ["菩萨"], table, by="half", block="chapter", ratio=True, permutations=99, bootstrap=50)
    assert result.command == "contrast" and result.fields["ratio"] is True
    records = result.records()
    assert records and all(r["word"] == "菩萨" and r["neighbour"] != "菩萨" for r in records)
    assert {r["nearer"] for r in records} <= {"前", "后", "both", "neither"}
    for r in records:
        assert r["ratio"] == pytest.approx(r["cos_a"] / r["cos_b"])
        assert 0 < r["p"] <= 1 and r["q"] >= r["p"]
    assert result.fields["a"] == "前" and result.provenance["table"]["sha256"]


def test_the_ratio_needs_two_groups(halves, tmp_path):
    folder, table = halves
    engine = Engine(load_model(folder))
    three = tmp_path / "three.tsv"
    lines = table.read_text(encoding="utf-8").splitlines()
    three.write_text(
        "\n".join([lines[0]] + [f"{'abc'[i % 3]}\t{line.split(chr(9), 1)[1]}" for i, line in enumerate(lines[1:])]),
        encoding="utf-8",
    )
    with pytest.raises(UsageError, match="compares two groups; the table has 3"):
        contrast(engine, ["菩萨"], three, by="half", ratio=True)


def test_the_command_line_refuses_a_ratio_of_a_scan(halves, invoke):
    folder, table = halves
    result = invoke(["contrast", "--scan", "--in", str(table), "--by", "half", "--ratio", "-m", str(folder)])
    assert result.exit_code == 2 and "--ratio reads the neighbours of WORDs" in result.output
