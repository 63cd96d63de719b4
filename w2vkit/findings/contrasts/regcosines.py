"""A regression's fitted vectors against the words `to` names (w2vkit.findings.contrasts.regression): on
each level's row, the cosine of the word's fitted vector at that level (the other covariates at
the word's means) with each word, and the difference from the baseline level's cosine; on each
`at` row, the cosine there. Each cosine's interval comes from the bootstrap draws' coefficients
(shifted percentiles, as every band of a regression); a difference's from the jackknife's fits
(regstats.jackknife_fits), as a term's norm: the block bootstrap's was too narrow there, and
inverting the level's permutations too wide at a large difference (docs/findings.md). The
researcher's `--to` beside the table, not only in the curve's picture."""

from __future__ import annotations

from statistics import NormalDist

import numpy as np

from ..permutation import jackknife_spread, shifted_percentiles
from .design import Design
from .regfitted import design_row, fitted_cosines, level_terms

CELLS = ("", "_low", "_high", "_vs", "_vs_low", "_vs_high")  # each word's columns, after cos_WORD


def cosine_columns(names: list[str]) -> list[str]:
    """The columns `to`'s words add: cos_W, its interval, and its difference from the baseline's."""
    return [f"cos_{w}{end}" for w in names for end in CELLS]


def _cosines(state: dict, x: np.ndarray, units: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The debiased cosine of the fitted vector at design row x with each unit, and of each draw's."""
    draws = np.einsum("p,bpd->bd", x, state["draws"])
    return fitted_cosines(state, x, x @ state["coef"], units), fitted_cosines(state, x, draws, units, True)


def _jackknifed(state: dict, x: np.ndarray, units: np.ndarray) -> np.ndarray:
    """The debiased cosine at design row x with each unit on each of the jackknife's fits (groups x
    units); a fit without a group has about the full fit's variance, so it is debiased by that."""
    return fitted_cosines(state, x, np.einsum("p,gpd->gd", x, state["jackknife"]), units)


def cosine_cells(state: dict, x: np.ndarray, base: np.ndarray | None, units: np.ndarray, level: float) -> list:
    """For each unit: the cosine at x with its interval, and (given the baseline's row `base`) the
    difference from the baseline's cosine with its interval, z jackknife standard errors each
    side; None where there is no baseline."""
    line, draws = _cosines(state, x, units)
    against = fitted_cosines(state, base, base @ state["coef"], units) if base is not None else None
    spread = None
    if base is not None:
        spread = NormalDist().inv_cdf((1 + level) / 2) * jackknife_spread(
            _jackknifed(state, x, units) - _jackknifed(state, base, units)
        )
    out: list = []
    for k in range(units.shape[0]):
        out += [float(line[k]), *shifted_percentiles(draws[:, k], float(line[k]), level)]
        if against is None or spread is None:
            out += [None, None, None]
            continue
        change = float(line[k] - against[k])
        out += [change, change - float(spread[k]), change + float(spread[k])]
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
    return cosine_cells(state, design_row(state, level_terms(design, c, k)), base, units, level)
