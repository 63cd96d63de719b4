"""One word's regression fit (w2vkit.findings.contrasts.regression) as the rows, the points, the
curves and `to`'s cosines read it: a typed `Fit` (the coefficients over the word's kept design
columns, its mean design row, the jackknife's fits, the fit's sampling variance, the permutations'
differences) with what is computed from it: the fitted vector at a design row (an interaction's
products following its parts), its nearest words, the words gaining most along a number, a
number's curve with its band, and the cosines with the words `to` names.

`to`'s cosines: on each level's row, the cosine of the word's fitted vector at that level (the other
covariates at the word's means) with each word, and the difference from the baseline level's
cosine; on each `at` row, the cosine there. Each cosine's interval is z jackknife standard errors
each side (the fits without each group of blocks: regstats.jackknife_fits); a difference's inverts
the permutations that give the covariate's p (w2vkit.findings.permutation.inverted), where the block
bootstrap was too narrow (with blocks split, which no permutation keeps whole, the wild bootstrap's
draws under the null: regstats.wild_p), narrowed by the jackknife's where it leaves out 0 (the wild
draws' replaced by it there). The researcher's `--to` beside the table, not only in the curve's picture.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ...base.vecmath import top_k
from ..permutation import LEVEL, inverted, jackknife_spread, two_sided_z
from .design import Design

NEIGHBOURS = 8
CURVE_POINTS = 21  # a number's curve: fitted vectors from its 5th to its 95th percentile
CURVE_WORDS = 3  # words drawn (the most gaining and the most losing) when none are named
CELLS = ("", "_low", "_high", "_vs", "_vs_low", "_vs_high")  # each word's columns, after cos_WORD


@dataclass
class Fit:
    """One word's fit: `coef` (kept terms x dim) over the design's columns `cols`, the word's mean
    design row `mean` over them, the jackknife's fits (groups x terms x dim), the fit's sampling
    variance `spread` (regstats.fitted_spread; None: plain cosines), an interaction's columns ->
    its two parts' columns (`products`), whether blocks were split, the interval's level, the
    words seen often enough to be named (`frequent`), the word's own rows, each number covariate
    (covariate, design column, 5th and 95th percentiles) and each levels covariate's differences
    under its permutations (`permuted`)."""

    coef: np.ndarray
    cols: np.ndarray
    mean: np.ndarray
    jackknife: np.ndarray = field(default_factory=lambda: np.empty((0, 0, 0)))  # (none: no groups)
    spread: np.ndarray | None = None
    products: dict = field(default_factory=dict)
    split: bool = False
    level: float = LEVEL
    frequent: np.ndarray | None = None
    own: list[int] = field(default_factory=list)
    numbers: list = field(default_factory=list)
    permuted: dict = field(default_factory=dict)

    def row(self, terms: dict[int, float]) -> np.ndarray:
        """The word's mean design row with the design columns `terms` set; an interaction's columns
        are the product of its parts wherever a part is set (a part not set at the word's mean), so
        that the fitted vector at 宋 in `period*genre` is 宋's at the word's mix of genres."""
        place = self._place()
        x = self.mean.copy()
        for j, v in terms.items():
            if j in place:
                x[place[j]] = v
        for j, (first, second) in self.products.items():
            if j in place and (first in terms or second in terms):
                x[place[j]] = _value(x, place, first) * _value(x, place, second)
        return x

    def _place(self) -> dict[int, int]:
        return {int(j): i for i, j in enumerate(self.cols)}

    def cosines(self, x: np.ndarray, vectors: np.ndarray, units: np.ndarray) -> np.ndarray:
        """The cosines of fitted vectors (… x dim: the fit's, a jackknife fit's or a permutation's)
        at design row x (or rows, one for each vector's place) with each unit, each vector's squared
        length less the fit's sampling variance there: a noisy fitted vector is long in every
        direction, which pulled every cosine toward 0 and a planted difference of cosines with it
        (its 90% interval held the truth 78% of the time at four standard errors:
        benchmarks/coverage_to.py). A fit without a group of blocks has about the full fit's
        variance. A fit without a spread gives the plain cosine."""
        spread = 0.0 if self.spread is None else np.einsum("...p,pq,...q->...", x, self.spread, x)
        length = np.sqrt(np.maximum(np.einsum("...d,...d->...", vectors, vectors) - spread, 1e-12))
        return (vectors @ units.T) / length[..., None]

    def nearest(self, engine, x: np.ndarray) -> tuple[list[str], list[float]]:
        """The NEIGHBOURS nearest words of the fitted vector at design row x but the word's own,
        with their cosines, debiased as every cosine of a fitted vector is (the order is the plain
        cosine's)."""
        vector = x @ self.coef
        if not np.any(vector):
            return [], []
        best = engine.nearest(vector, NEIGHBOURS, exclude=self.own).rows
        sims = self.cosines(x, vector, engine.unit[best].astype(np.float64))
        return [engine.model.words[j] for j in best], [float(s) for s in sims]

    def _unit_at(self, column: int, value: float) -> np.ndarray:
        v = self.row({column: value}) @ self.coef
        return v / max(float(np.linalg.norm(v)), 1e-12)

    def gain(self, engine, column: int, low: float, high: float) -> np.ndarray:
        """Each word's gain in cosine to the fitted vector from `low` to `high` of design column
        `column`; NaN for the word's own rows and for words seen under FREQUENT times in the table
        (rare words' vectors swing most and named only noise: 暴纱亭 慈云寺 大排)."""
        out = engine.scores(self._unit_at(column, high) - self._unit_at(column, low)).astype(np.float64)
        out[~np.isfinite(out)] = np.nan  # (a zero row)
        out[self.own] = np.nan
        if self.frequent is not None:
            out[~self.frequent] = np.nan
        return out

    def gaining(self, engine, column: int, low: float, high: float):
        """The words whose cosine to the fitted vector grows most from `low` to `high` of a column."""
        found = self.gain(engine, column, low, high)
        found[np.isnan(found)] = -np.inf
        best = top_k(found, NEIGHBOURS)
        return [engine.model.words[j] for j in best], [float(found[j]) for j in best]

    def curve(self, engine, word: str, design: Design, number: tuple, drawn) -> dict:
        """A number's curve for one word: the cosine of the fitted vector (the other covariates at
        the word's means) to each drawn word at CURVE_POINTS values across its range, with a 90%
        band: z jackknife standard errors each side (regstats.jackknife_fits; the block bootstrap's
        shifted percentiles held the true cosine at 94-96% of points, a little wide, the
        jackknife's at 90-94%: benchmarks/coverage_to.py)."""
        c, column, low, high = number
        xs = np.linspace(low, high, CURVE_POINTS)
        rows = np.stack([self.row({column: float(v)}) for v in xs])
        if drawn is None:  # (the words gaining and losing most between the ends, seen often enough)
            order = np.argsort(np.nan_to_num(self.gain(engine, column, low, high), nan=0.0))
            picked = [int(j) for j in order[::-1][:CURVE_WORDS]] + [int(j) for j in order[:CURVE_WORDS][::-1]]
            drawn = [engine.model.words[j] for j in picked], engine.unit[picked].astype(np.float64)
        names, units = drawn
        line = self.cosines(rows, rows @ self.coef, units)
        jackknifed = self.cosines(rows, np.einsum("np,gpd->gnd", rows, self.jackknife), units)
        band = cosine_band(line, jackknifed, self.level)
        return {
            "word": word,
            "covariate": design.covariates[c].name,
            "level": self.level,
            "values": (xs + design.covariates[c].center).tolist(),
            "lines": [
                {
                    "word": w,
                    "cosine": line[:, k].tolist(),
                    "low": band[0][:, k].tolist(),
                    "high": band[1][:, k].tolist(),
                }
                for k, w in enumerate(names)
            ],
        }

    def _line(self, x: np.ndarray, units: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The debiased cosine of the fitted vector at design row x with each unit, and the same on
        each of the jackknife's fits (groups x units)."""
        line = self.cosines(x, x @ self.coef, units)
        return line, self.cosines(x, np.einsum("p,gpd->gd", x, self.jackknife), units)

    def level_differences(
        self, design: Design, c: int, coefficients: np.ndarray, dealt: np.ndarray | None, units
    ) -> np.ndarray:
        """For each permutation's coefficients, fitted on covariate c's residualized values dealt
        out again (permutations x terms x dim, the word's kept terms; `dealt` the dealt values' mean
        over the word's occurrences, permutations x c's terms): each level of c's cosine with each
        unit less the baseline's (permutations x levels but the first x units). A level's point is
        where it lies against the word's mean, as in the observed fit: its indicators less their
        mean, plus the dealt values' mean (the residuals have the word's mean 0); at 0 and 1 the
        permuted fits compared the mean use with a point beyond it, which put the permuted
        differences 0.01-0.05 below. `dealt` None: the observed fit's points (a wild bootstrap's
        draws keep the values where they are)."""
        place = self._place()
        kept = [int(j) for j in design.columns_of(c) if int(j) in place]
        mean = np.array([self.mean[place[j]] for j in kept])

        def cosines(k: int) -> np.ndarray:
            point = self.row(level_terms(design, c, k))
            rows = np.repeat(point[None, :], len(coefficients), axis=0)
            if dealt is not None:
                rows[:, [place[j] for j in kept]] += dealt - mean[None, :]
            # (debiased by the fit's own variance at the level: a permutation's is about the same)
            return self.cosines(point, np.einsum("mp,mpd->md", rows, coefficients), units)

        base = cosines(0)
        return np.stack([cosines(k) - base for k in range(1, len(design.covariates[c].levels))], axis=-2)

    def cosine_cells(self, x: np.ndarray, base: np.ndarray | None, units: np.ndarray, permuted=None) -> list:
        """For each unit: the cosine at x with its interval, and (given the baseline's row `base`)
        the difference from the baseline's cosine with its interval (inverting `permuted`, the
        differences under the covariate's permutations x units, when given, narrowed by the
        jackknife's standard error where it leaves out 0); None where there is no baseline."""
        level = self.level
        line, jackknifed = self._line(x, units)
        low, high = cosine_band(line, jackknifed, level)
        against, error = None, None
        if base is not None:
            against, jackknifed_base = self._line(base, units)
            error = jackknife_spread(jackknifed - jackknifed_base)
        out: list = []
        for k in range(units.shape[0]):
            out += [float(line[k]), float(low[k]), float(high[k])]
            if against is None or error is None:
                out += [None, None, None]
                continue
            change = float(line[k] - against[k])
            if permuted is not None:  # (a wild bootstrap's draws, with blocks split, are not exact)
                out += [change, *inverted(permuted[:, k], change, level, float(error[k]), not self.split)]
            else:  # (no draws under the null were asked for: the jackknife's alone)
                reach = two_sided_z(level) * float(error[k])
                out += [change, change - reach, change + reach]
        return out


def _value(x: np.ndarray, place: dict, j: int) -> float:
    return float(x[place[j]]) if j in place else 0.0  # (a part not fitted for this word: 0)


def cosine_band(line: np.ndarray, jackknifed: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """A fitted vector's cosines' interval at `level` from the same cosines on each of the
    jackknife's fits (groups x ...): z standard errors each side, clipped to a cosine's [-1, 1]."""
    reach = two_sided_z(level) * jackknife_spread(jackknifed)
    return np.maximum(line - reach, -1.0), np.minimum(line + reach, 1.0)


def level_terms(design: Design, c: int, k: int) -> dict[int, float]:
    """Covariate c's indicators at its level k (0: the baseline)."""
    return {int(j): 1.0 if level == k else 0.0 for level, j in enumerate(design.columns_of(c), 1)}


def cosine_columns(names: list[str]) -> list[str]:
    """The columns `to`'s words add: cos_W, its interval, and its difference from the baseline's."""
    return [f"cos_{w}{end}" for w in names for end in CELLS]


def row_cells(design: Design, fit: Fit | None, covariate: str | None, term: str | None, units) -> list:
    """The cells `to`'s words add to one of a word's rows: a level's cosines (and, but for the
    baseline, their difference from the baseline's); None for a number's row or a note."""
    empty = [None] * (len(CELLS) * units.shape[0])
    names = {cov.name: i for i, cov in enumerate(design.covariates)}
    if fit is None or covariate not in names:
        return empty
    c = names[covariate]
    cov = design.covariates[c]
    if cov.kind != "levels" or term not in cov.levels:
        return empty
    k = cov.levels.index(term)
    if k and int(design.columns_of(c)[k - 1]) not in {int(i) for i in fit.cols}:
        return empty  # (a level too thin for this word: not fitted)
    base = fit.row(level_terms(design, c, 0)) if k else None
    permuted = fit.permuted.get(c)
    permuted = permuted[:, k - 1, :] if permuted is not None and k else None
    return fit.cosine_cells(fit.row(level_terms(design, c, k)), base, units, permuted)
