"""A regression's fitted vectors against the words `to` names (w2vkit.findings.regression): on
each level's row, the cosine of the word's fitted vector at that level (the other covariates at
the word's means) with each word, and the difference from the baseline level's cosine; on each
`at` row, the cosine there. Each with an interval from the bootstrap draws' coefficients (shifted
percentiles, as every interval of a contrast): the researcher's `--to` beside the table, not only
in the curve's picture."""

from __future__ import annotations

import numpy as np

from .design import Design
from .permutation import shifted_percentiles

CELLS = ("", "_low", "_high", "_vs", "_vs_low", "_vs_high")  # each word's columns, after cos_WORD


def cosine_columns(names: list[str]) -> list[str]:
    """The columns `to`'s words add: cos_W, its interval, and its difference from the baseline's."""
    return [f"cos_{w}{end}" for w in names for end in CELLS]


def design_row(state: dict, terms: dict[int, float]) -> np.ndarray:
    """The word's mean design row (over its kept columns) with the design columns `terms` set."""
    place = {int(j): i for i, j in enumerate(state["cols"])}
    x = state["mean"].copy()
    for j, v in terms.items():
        if j in place:
            x[place[j]] = v
    return x


def level_terms(design: Design, c: int, k: int) -> dict[int, float]:
    """Covariate c's indicators at its level k (0: the baseline)."""
    return {int(j): 1.0 if level == k else 0.0 for level, j in enumerate(design.columns_of(c), 1)}


def _cosines(state: dict, x: np.ndarray, units: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The cosine of the fitted vector at design row x with each unit, and of each draw's."""

    def unit(v):
        return v / np.maximum(np.linalg.norm(v, axis=-1, keepdims=True), 1e-12)

    return unit(x @ state["coef"]) @ units.T, unit(np.einsum("p,bpd->bd", x, state["draws"])) @ units.T


def cosine_cells(state: dict, x: np.ndarray, base: np.ndarray | None, units: np.ndarray, level: float) -> list:
    """For each unit: the cosine at x with its interval, and (given the baseline's row `base`) the
    difference from the baseline's cosine with its interval; None where there is no baseline."""
    line, draws = _cosines(state, x, units)
    against = _cosines(state, base, units) if base is not None else None
    out: list = []
    for k in range(units.shape[0]):
        out += [float(line[k]), *shifted_percentiles(draws[:, k], float(line[k]), level)]
        if against is None:
            out += [None, None, None]
            continue
        change, drawn_change = float(line[k] - against[0][k]), draws[:, k] - against[1][:, k]
        out += [change, *shifted_percentiles(drawn_change, change, level)]
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
