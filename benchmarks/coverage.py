"""Coverage at a planted truth (issue 74): the regression's 90% interval of a covariate's norm,
with a change of known size added to real occurrence vectors.

A covariate drawn at random (as benchmarks/nulls.py draws them: a uniform number per block, or a
number alike within blocks with --split-blocks) has no effect on the text, so the true coefficient
of a word on it is 0. Adding δ·x·u to each occurrence vector (x the occurrence's centred covariate,
u a random unit direction) makes the truth δ·u exactly, and its norm δ. The plant is added to the
word's per-block sums (Σ x Sᵀ grows by Σ n x xᵀ times δ·u), so the rest of the noise is the text's
own. δ is a multiple of the word's own noise (the square root of its coefficient's sampling
variance, the amount the norm is debiased by; the norm of its unplanted coefficient, used before
2026-11-28, tied the plant's size to the noise's own draw): the table gives, for each multiple, the
share of words whose interval holds δ (target 85-95%), and whose p < 0.05 (power).

With --direction use, u is drawn from the spread of the word's own uses (Σ^½ z, normalised):
a change of use, the kind p's metric looks for, rather than a shift in any direction alike.

    python benchmarks/coverage.py --model models/xiyouji [--words 60] [--seeds 3] [--direction use]
"""

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from nulls import null_table, paragraphs, words_to_ask  # noqa: E402

from w2vkit.findings.alacarte import DEFAULT_WINDOW, transform_fit  # noqa: E402
from w2vkit.findings.contrasts.regression import read_design  # noqa: E402
from w2vkit.findings.contrasts.regstats import (  # noqa: E402
    block_sums,
    debiased_squares,
    estimate,
    fit,
    measured,
    norm_interval,
    permuted_p,
    residualized,
    use_metric,
    wild_p,
)
from w2vkit.findings.permutation import LEVEL, shifted_percentiles  # noqa: E402
from w2vkit.findings.targets import occurrence_sums, parse_target  # noqa: E402
from w2vkit.model.store import load_model  # noqa: E402
from w2vkit.queries.query import Engine  # noqa: E402

WINDOW = DEFAULT_WINDOW
COLUMN = np.array([1])  # (the covariate's term: the intercept is 0)


def word_blocks(engine, design, a, word):
    """The word's per-block sums on the design (one number covariate), as the regression makes them."""
    label = np.where(design.valid, np.arange(len(design.valid)), -1)
    docs, sums, counts, _, _ = occurrence_sums(engine, design.corpus, parse_target(engine, word), WINDOW, label)
    some = counts > 0
    docs, sums, counts = docs[some], sums[some] @ a.T.astype(np.float64), counts[some].astype(np.float64)
    return block_sums(design.x[docs], sums, counts, design.block[docs], np.zeros(len(docs), dtype=int))


def planted(blocks, delta: float, direction: np.ndarray):
    xs = blocks.xs + blocks.xx[:, :, 1][:, :, None] * (delta * direction)[None, None, :]
    return type(blocks)(xs, blocks.xx, blocks.x, blocks.stratum)


def bootstrap_interval(blocks, draws: int, rng) -> tuple[float, float]:
    """The interval the regression gave before 2026-11-28, for the table's "before" column: the
    norm's shifted percentile over block-bootstrap draws for the lower end, the debiased square's
    for the upper end."""
    nb = len(blocks.n)
    ones = np.ones((1, nb))
    xtx, coef = fit(blocks, ones)
    square = float(debiased_squares(blocks, ones, xtx, coef)[0][1])
    weights = rng.multinomial(nb, np.full(nb, 1 / nb), size=draws).astype(float)
    xtx_w, coef_w = fit(blocks, weights)
    drawn = debiased_squares(blocks, weights, xtx_w, coef_w)[:, 1]
    low, _ = shifted_percentiles(np.sqrt(np.maximum(drawn, 0)), float(np.sqrt(max(square, 0))))
    _, high = shifted_percentiles(drawn, square)
    return low, float(np.sqrt(max(high, 0)))


def intervals(blocks, whole: bool, permutations: int, bootstrap: int, rng) -> tuple[dict, float]:
    """The interval as the regression gives it ("given": regstats.norm_interval, the jackknife's,
    or 0 to the upper limit where p ≥ 1 − LEVEL), and the block bootstrap's it replaced
    ("before", with 0 as its lower end where p ≥ 1 − LEVEL)."""
    found = estimate(blocks, COLUMN)
    metric = use_metric(blocks)  # (p as the regression measures the coefficient)
    observed = measured(found["coef"][COLUMN], metric)
    if whole:
        p = wild_p(blocks, COLUMN, observed, permutations, rng, metric)[0][0]
    else:
        p = permuted_p(blocks, COLUMN, residualized(blocks, COLUMN), observed, permutations, rng, metric)[0][0]
    low, high = bootstrap_interval(blocks, bootstrap, rng)
    return {"given": norm_interval(found, 1, p), "before": (0.0 if p >= 1 - LEVEL else low, high)}, p


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", required=True)
    p.add_argument("--words", type=int, default=60)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--seeds", type=int, default=3)
    p.add_argument("--multiples", default="0,2,4,8", help="δ as multiples of each word's own noise")
    p.add_argument("--permutations", type=int, default=199)
    p.add_argument("--bootstrap", type=int, default=100)
    p.add_argument("--block-rows", type=int, default=20)
    p.add_argument(
        "--direction",
        choices=["random", "use"],
        default="random",
        help="the plant's direction: any (random), or one drawn from the spread of the word's uses (use)",
    )
    args = p.parse_args()
    multiples = [float(m) for m in args.multiples.split(",")]
    engine = Engine(load_model(args.model))
    rows = paragraphs(engine)
    tally: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        for seed in range(args.seed, args.seed + args.seeds):
            rng = np.random.default_rng(seed)
            table = null_table(Path(tmp) / f"nulls{seed}.tsv", rows, args.block_rows, rng)
            words = words_to_ask(engine, args.words, rng)
            for column, whole in (("uniform", False), ("alike", True)):
                design = read_design(engine, table, [column], "block", "text", None, whole)
                a, _ = transform_fit(engine, design.corpus, WINDOW)
                for word in words:
                    blocks = word_blocks(engine, design, a, word)
                    if len(blocks.n) < 10:
                        continue
                    ones = np.ones((1, len(blocks.n)))
                    xtx, coef = fit(blocks, ones)
                    variance = float(coef[0][1] @ coef[0][1] - debiased_squares(blocks, ones, xtx, coef)[0][1])
                    noise = float(np.sqrt(max(variance, 0.0)))
                    direction = rng.normal(size=blocks.xs.shape[2])
                    if args.direction == "use":  # (drawn from the spread of the word's own uses)
                        direction = use_metric(blocks) @ direction
                    direction /= np.linalg.norm(direction)
                    for m in multiples:
                        ways, pv = intervals(planted(blocks, m * noise, direction), whole, args.permutations,
                                             args.bootstrap, rng)  # fmt: skip
                        for way, (low, high) in ways.items():
                            tally.setdefault((column, m, way), []).append(
                                (low <= m * noise <= high, pv < 0.05, m * noise < low, m * noise > high)
                            )
            print(f"seed {seed} done", flush=True)
    print(  # (where the truth fell outside: below the interval's lower end, or above its upper)
        f"{'covariate':10} {'δ / noise':>9} {'interval':>8} {'words':>6} {'interval holds δ':>17} {'p < 0.05':>9}"
        f" {'δ below':>8} {'δ above':>8}"
    )
    for (column, m, way), held in sorted(tally.items()):
        cover, power, below, above = np.mean(held, axis=0)
        print(f"{column:10} {m:9g} {way:>8} {len(held):6d} {cover:17.1%} {power:9.1%} {below:8.1%} {above:8.1%}")


if __name__ == "__main__":
    main()
