"""A regression's fitted vectors against the words `to` names (w2vkit.findings.contrasts.regression): on
each level's row, the cosine of the word's fitted vector at that level (the other covariates at
the word's means) with each word, and the difference from the baseline level's cosine; on each
`at` row, the cosine there. Each cosine's interval is z jackknife standard errors each side (the
fits without each group of blocks: regstats.jackknife_fits); a difference's inverts the
permutations that give the covariate's p (w2vkit.findings.permutation.inverted), where the block
bootstrap was too narrow (with blocks split, which no permutation keeps whole, the wild
bootstrap's draws under the null: regstats.wild_p), narrowed by the jackknife's where it leaves
out 0 (the wild draws' replaced by it there). The researcher's `--to` beside the table, not only in the curve's picture."""

from __future__ import annotations

import numpy as np

from ..permutation import inverted, jackknife_spread, two_sided_z
from .design import Design
from .regfitted import cosine_band, design_row, fitted_cosines, level_terms

CELLS = ("", "_low", "_high", "_vs", "_vs_low", "_vs_high")  # each word's columns, after cos_WORD


def cosine_columns(names: list[str]) -> list[str]:
    """The columns `to`'s words add: cos_W, its interval, and its difference from the baseline's."""
    return [f"cos_{w}{end}" for w in names for end in CELLS]


def _cosines(state: dict, x: np.ndarray, units: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The debiased cosine of the fitted vector at design row x with each unit, and the same on
    each of the jackknife's fits (groups x units): a fit without a group has about the full fit's
    variance, so it is debiased by that."""
    line = fitted_cosines(state, x, x @ state["coef"], units)
    return line, fitted_cosines(state, x, np.einsum("p,gpd->gd", x, state["jackknife"]), units)


def level_differences(
    design: Design, c: int, state: dict, coefficients: np.ndarray, dealt: np.ndarray | None, units
) -> np.ndarray:
    """For each permutation's coefficients, fitted on covariate c's residualized values dealt out
    again (permutations x terms x dim, the word's kept terms; `dealt` the dealt values' mean over
    the word's occurrences, permutations x c's terms): each level of c's cosine with each unit less
    the baseline's (permutations x levels but the first x units). A level's point is where it lies
    against the word's mean, as in the observed fit: its indicators less their mean, plus the dealt
    values' mean (the residuals have the word's mean 0); at 0 and 1 the permuted fits compared the
    mean use with a point beyond it, which put the permuted differences 0.01-0.05 below. `dealt`
    None: the observed fit's points (a wild bootstrap's draws keep the values where they are)."""
    place = {int(j): i for i, j in enumerate(state["cols"])}
    kept = [int(j) for j in design.columns_of(c) if int(j) in place]
    mean = np.array([state["mean"][place[j]] for j in kept])

    def cosines(k: int) -> np.ndarray:
        point = design_row(state, level_terms(design, c, k))
        rows = np.repeat(point[None, :], len(coefficients), axis=0)
        if dealt is not None:
            rows[:, [place[j] for j in kept]] += dealt - mean[None, :]
        # (debiased by the fit's own variance at the level: a permutation's is about the same)
        return fitted_cosines(state, point, np.einsum("mp,mpd->md", rows, coefficients), units)

    base = cosines(0)
    return np.stack([cosines(k) - base for k in range(1, len(design.covariates[c].levels))], axis=-2)


def cosine_cells(
    state: dict, x: np.ndarray, base: np.ndarray | None, units: np.ndarray, level: float, permuted=None
) -> list:
    """For each unit: the cosine at x with its interval, and (given the baseline's row `base`) the
    difference from the baseline's cosine with its interval (inverting `permuted`, the differences
    under the covariate's permutations x units, when given, narrowed by the jackknife's standard
    error where it leaves out 0); None where there is no baseline."""
    line, jackknifed = _cosines(state, x, units)
    low, high = cosine_band(line, jackknifed, level)
    against, error = None, None
    if base is not None:
        against, jackknifed_base = _cosines(state, base, units)
        error = jackknife_spread(jackknifed - jackknifed_base)
    out: list = []
    for k in range(units.shape[0]):
        out += [float(line[k]), float(low[k]), float(high[k])]
        if against is None or error is None:
            out += [None, None, None]
            continue
        change = float(line[k] - against[k])
        if permuted is not None:  # (a wild bootstrap's draws, with blocks split, are not exact)
            out += [change, *inverted(permuted[:, k], change, level, float(error[k]), not state.get("split"))]
        else:  # (no draws under the null were asked for: the jackknife's alone)
            out += [
                change,
                change - two_sided_z(level) * float(error[k]),
                change + two_sided_z(level) * float(error[k]),
            ]
    return out


def row_cells(design: Design, state: dict | None, covariate: str | None, term: str | None, units, level) -> list:
    """The cells `to`'s words add to one of a word's rows: a level's cosines (and, but for the
    baseline, their difference from the baseline's); None for a number's row or a note."""
    empty = [None] * (len(CELLS) * units.shape[0])
    names = {cov.name: i for i, cov in enumerate(design.covariates)}
    if state is None or covariate not in names:
        return empty
    c = names[covariate]
    cov = design.covariates[c]
    if cov.kind != "levels" or term not in cov.levels:
        return empty
    k = cov.levels.index(term)
    if k and int(design.columns_of(c)[k - 1]) not in {int(i) for i in state["cols"]}:
        return empty  # (a level too thin for this word: not fitted)
    base = design_row(state, level_terms(design, c, 0)) if k else None
    permuted = state.get("permuted", {}).get(c)
    permuted = permuted[:, k - 1, :] if permuted is not None and k else None
    return cosine_cells(state, design_row(state, level_terms(design, c, k)), base, units, level, permuted)
