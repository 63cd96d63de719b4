"""Coverage at a planted truth of a level's `--to` cosine difference (cos_W_vs) and of the
neighbour ratio's interval (issue 74), on made-up vectors where the truth is known exactly.

A word's occurrences fall in blocks of two groups (A, B, blocks dealt at random); each block has a
mean of its own (the word's mean μ plus a block effect of sd --between) and each occurrence adds
noise of sd --noise per dimension; group B's mean is moved by δ along a direction u. The truth of
the cosine difference with a unit vector t is cos(μ + δu, t) − cos(μ, t), and of the ratio with a
neighbour t: cos(μ_A, t) / cos(μ_B, t), both from the true means. For each δ (a multiple of the
standard error of group B's shift), the share of draws whose 90% interval holds the truth (target
85-95%) and leaves out the null, for the interval the regression gives ("given": inverting the
level's permutations, narrowed by the jackknife's standard error where it leaves out the null).
Each level's own cosine (`cos_W`, the jackknife's interval; no null value) and a number's curve
band (the jackknife's at each of its points) are measured the same way.

    python benchmarks/coverage_to.py [--draws 200] [--multiples 0,1,2,4]
"""

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from w2vkit.findings.contrasts.design import Design, design_rows, resolve  # noqa: E402
from w2vkit.findings.contrasts.nnratio import neighbour_ratio  # noqa: E402
from w2vkit.findings.contrasts.regfit import Fit, row_cells  # noqa: E402
from w2vkit.findings.contrasts.regstats import (  # noqa: E402
    block_sums,
    estimate,
    fitted_spread,
    measured,
    permuted_p,
    residualized,
    use_metric,
)
from w2vkit.findings.permutation import LEVEL, Side  # noqa: E402
from w2vkit.model.store import model_in_memory  # noqa: E402
from w2vkit.queries.query import Engine  # noqa: E402


def unit(v):
    return v / np.linalg.norm(v, axis=-1, keepdims=True)


def made_up(rng, args, delta: float, u: np.ndarray, mu: np.ndarray):
    """Blocks (half A, half B), each a document of a few occurrences: their sums and counts."""
    group = rng.permutation(np.arange(args.blocks) % 2)
    counts = rng.integers(2, 2 * args.per_block, args.blocks).astype(float)
    means = mu + args.between * rng.normal(size=(args.blocks, len(mu))) + delta * group[:, None] * u
    sums = counts[:, None] * means + np.sqrt(counts)[:, None] * args.noise * rng.normal(size=means.shape)
    return group, counts, sums


def regression_cells(group, counts, sums, units, args, rng):
    """As the regression gives them, per unit: the level row's cos_vs cells (estimate, low, high),
    and each level's cos cells (the baseline's first); whether the baseline is B."""
    rows = [(i, {"ab": "AB"[g]}) for i, g in enumerate(group)]
    covariates = resolve("made-up", rows, ["ab"])
    x, valid, terms, owner = design_rows(rows, covariates)
    block = np.arange(len(group))
    design = Design(None, x, terms, owner, covariates, valid, block, [])  # type: ignore[arg-type]
    blocks = block_sums(x, sums, counts, block, x[:, 1].astype(int))
    found = estimate(blocks, np.array([1]))
    state = Fit(
        found["coef"],
        np.arange(x.shape[1]),
        (counts @ x) / counts.sum(),
        found["jackknife"],
        fitted_spread(blocks, found["xtx"], found["coef"]),
        level=LEVEL,
    )
    columns = np.array([1])
    collect = lambda b, z: state.level_differences(design, 0, b, z, units)  # noqa: E731
    metric = use_metric(blocks)
    observed = measured(found["coef"][columns], metric)
    _, _, permuted = permuted_p(blocks, columns, residualized(blocks, columns), observed,
                                 args.permutations, rng, metric, collect)  # fmt: skip
    state.permuted = {0: permuted}
    levels = [row_cells(design, state, "ab", term, units) for term in covariates[0].levels]
    differences = [tuple(levels[1][6 * k + 3 : 6 * k + 6]) for k in range(len(units))]
    cosines = [[tuple(cells[6 * k : 6 * k + 3]) for k in range(len(units))] for cells in levels]
    return differences, cosines, covariates[0].levels[0] == "B"


def curve_cover(rng, args, m: float, se: float) -> list[bool]:
    """Whether a number's curve band (regfitted.curve) holds the true cosine at each point: a
    number per block (uniform), the word's mean moved by δ·x·u along its centred value x (δ per
    the number's spread: m standard errors of the slope's effect over the spread)."""
    mu, u = unit(rng.normal(size=args.dim)), unit(rng.normal(size=args.dim))
    targets = unit(mu + 0.8 * unit(rng.normal(size=(3, args.dim))))
    values = rng.uniform(600, 1300, args.blocks)
    centred = values - values.mean()
    delta = m * se * 3 / np.sqrt(args.dim) / (centred.std() * 2)
    counts = rng.integers(2, 2 * args.per_block, args.blocks).astype(float)
    means = mu + args.between * rng.normal(size=(args.blocks, args.dim)) + delta * centred[:, None] * u
    sums = counts[:, None] * means + np.sqrt(counts)[:, None] * args.noise * rng.normal(size=means.shape)
    rows = [(i, {"year": f"{v:.3f}"}) for i, v in enumerate(values)]
    covariates = resolve("made-up", rows, ["year"])
    x, valid, terms, owner = design_rows(rows, covariates)
    block = np.arange(args.blocks)
    design = Design(None, x, terms, owner, covariates, valid, block, [])  # type: ignore[arg-type]
    blocks = block_sums(x, sums, counts, block, np.zeros(args.blocks, dtype=int))
    found = estimate(blocks, np.array([1]))
    state = Fit(
        found["coef"],
        np.arange(2),
        (counts @ x) / counts.sum(),
        found["jackknife"],
        fitted_spread(blocks, found["xtx"], found["coef"]),
        level=LEVEL,
    )
    low, high = np.quantile(np.repeat(x[:, 1], counts.astype(int)), [0.05, 0.95])
    drawn = state.curve(None, "w", design, (0, 1, float(low), float(high)), (["a", "b", "c"], targets))
    held = []
    for k, line in enumerate(drawn["lines"]):
        for value, lo, hi in zip(drawn["values"], line["low"], line["high"]):
            x_c = value - covariates[0].center
            truth = float(unit(mu + delta * x_c * u) @ targets[k])
            held.append(lo <= truth <= hi)
    return held


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--draws", type=int, default=200)
    p.add_argument("--multiples", default="0,1,2,4")
    p.add_argument("--dim", type=int, default=50)
    p.add_argument("--blocks", type=int, default=60)
    p.add_argument("--per-block", type=int, default=5)
    p.add_argument("--noise", type=float, default=1.0)
    p.add_argument("--between", type=float, default=0.15)
    p.add_argument("--permutations", type=int, default=199)
    p.add_argument("--bootstrap", type=int, default=100)
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args()
    rng = np.random.default_rng(args.seed)
    tally: dict = {}
    for m in (float(x) for x in args.multiples.split(",")):
        for draw in range(args.draws):
            mu = unit(rng.normal(size=args.dim))
            u = unit(rng.normal(size=args.dim))
            targets = unit(mu + 0.8 * unit(rng.normal(size=(3, args.dim))))  # (words near the word's use)
            # δ: a multiple of the standard error of B's mean shift (both groups' means' noise)
            n = args.blocks / 2 * args.per_block
            se = np.sqrt(2 * (args.noise**2 * args.dim / n + args.between**2 * args.dim / (args.blocks / 2)))
            delta = m * se / np.sqrt(args.dim) * 3  # (along u: a few of the noise's per-dimension sd)
            group, counts, sums = made_up(rng, args, delta, u, mu)
            differences, cosines, flipped = regression_cells(group, counts, sums, targets, args, rng)
            a, b = mu, mu + delta * u
            if flipped:  # (the baseline is the first level seen: B when the table starts with B)
                a, b = b, a
            truth = unit(b) @ targets.T - unit(a) @ targets.T
            for k, (_, low, high) in enumerate(differences):
                tally.setdefault(("cos_vs", m, "given"), []).append((low <= truth[k] <= high, not low <= 0 <= high))
            for mean, cells in zip((a, b), cosines):  # (each level's own cosine: no null value)
                for k, (_, low, high) in enumerate(cells):
                    tally.setdefault(("cos", m, "given"), []).append((low <= unit(mean) @ targets[k] <= high, False))
            # the ratio of the groups' vectors' debiased cosines with each neighbour
            side = Side(sums, counts, group)
            made = np.vstack([unit(mu), targets, unit(rng.normal(size=(40, args.dim)))])
            found = neighbour_ratio(side, Engine(model_in_memory(made)), {0}, args.permutations, rng)
            if found is not None:
                rows, _, _, _, _, intervals, _, _ = found
                units_all = np.vstack([unit(mu), targets, np.zeros((40, args.dim))])
                for r, (low, high) in zip(rows, intervals):
                    if r in (1, 2, 3):
                        t = units_all[r]
                        true_ratio = (unit(mu) @ t) / (unit(mu + delta * u) @ t)
                        tally.setdefault(("ratio", m, "given"), []).append(
                            (low <= true_ratio <= high, not low <= 1 <= high)
                        )
            if draw < args.draws // 2:  # (a number's curve band: fewer draws, 63 points each)
                tally.setdefault(("curve", m, "band"), []).extend((h, False) for h in curve_cover(rng, args, m, se))
        print(f"δ = {m:g} × se done", flush=True)
    print(f"{'statistic':9} {'δ/se':>5} {'interval':>9} {'n':>5} {'holds the truth':>16} {'leaves out the null':>20}")
    for (stat, m, way), held in sorted(tally.items()):
        print(
            f"{stat:9} {m:5g} {way:>9} {len(held):5d} {np.mean([h[0] for h in held]):16.1%} {np.mean([h[1] for h in held]):20.1%}"
        )


if __name__ == "__main__":
    main()
