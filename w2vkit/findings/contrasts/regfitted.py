"""A regression's fitted vectors for one word (w2vkit.findings.contrasts.regression): the word's mean design
row with chosen terms set (an interaction's products following its parts), the nearest words of a
fitted vector, the words gaining most along a number, and a number's curve with its band."""

from __future__ import annotations

import numpy as np

from ...base.vecmath import top_k
from ..permutation import jackknife_spread, two_sided_z
from .design import Design

NEIGHBOURS = 8
CURVE_POINTS = 21  # a number's curve: fitted vectors from its 5th to its 95th percentile
CURVE_WORDS = 3  # words drawn (the most gaining and the most losing) when none are named


def design_row(state: dict, terms: dict[int, float]) -> np.ndarray:
    """The word's mean design row (over its kept columns) with the design columns `terms` set; an
    interaction's columns (state["products"]: column -> its two parts' columns) are the product of
    its parts wherever a part is set (a part not set at the word's mean), so that the fitted vector
    at 宋 in `period*genre` is 宋's at the word's mix of genres."""
    place = {int(j): i for i, j in enumerate(state["cols"])}
    x = state["mean"].copy()
    for j, v in terms.items():
        if j in place:
            x[place[j]] = v
    for j, (first, second) in state.get("products", {}).items():
        if j in place and (first in terms or second in terms):
            x[place[j]] = _value(x, place, first) * _value(x, place, second)
    return x


def _value(x: np.ndarray, place: dict, j: int) -> float:
    return float(x[place[j]]) if j in place else 0.0  # (a part not fitted for this word: 0)


def fitted_cosines(state: dict, x: np.ndarray, vectors: np.ndarray, units: np.ndarray):
    """The cosines of fitted vectors (… x dim: the fit's, a jackknife fit's or a permutation's) at
    design row x (or rows, one for each vector's place) with each unit, each vector's squared
    length less the fit's sampling variance there (state["spread"], regstats.fitted_spread): a
    noisy fitted vector is long in every direction, which pulled every cosine toward 0 and a planted
    difference of cosines with it (its 90% interval held the truth 78% of the time at four standard
    errors: benchmarks/coverage_to.py). A fit without a group of blocks has about the full fit's
    variance. A fit without a spread gives the plain cosine."""
    spread = np.einsum("...p,pq,...q->...", x, state["spread"], x) if "spread" in state else 0.0
    length = np.sqrt(np.maximum(np.einsum("...d,...d->...", vectors, vectors) - spread, 1e-12))
    return (vectors @ units.T) / length[..., None]


def cosine_band(line: np.ndarray, jackknifed: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """A fitted vector's cosines' interval at `level` from the same cosines on each of the
    jackknife's fits (groups x ...): z standard errors each side, clipped to a cosine's [-1, 1]."""
    reach = two_sided_z(level) * jackknife_spread(jackknifed)
    return np.maximum(line - reach, -1.0), np.minimum(line + reach, 1.0)


def level_terms(design: Design, c: int, k: int) -> dict[int, float]:
    """Covariate c's indicators at its level k (0: the baseline)."""
    return {int(j): 1.0 if level == k else 0.0 for level, j in enumerate(design.columns_of(c), 1)}


def nearest(engine, state: dict, x: np.ndarray) -> tuple[list[str], list[float]]:
    """The NEIGHBOURS nearest words of the fitted vector at design row x but the word's own, with
    their cosines, debiased as every cosine of a fitted vector is (fitted_cosines: the order is
    the plain cosine's)."""
    vector = x @ state["coef"]
    if not np.any(vector):
        return [], []
    best = engine.nearest(vector, NEIGHBOURS, exclude=state["own"]).rows
    sims = fitted_cosines(state, x, vector, engine.unit[best].astype(np.float64))
    return [engine.model.words[j] for j in best], [float(s) for s in sims]


def _fitted(state: dict, column: int, value: float) -> np.ndarray:
    v = design_row(state, {column: value}) @ state["coef"]
    return v / max(float(np.linalg.norm(v)), 1e-12)


def gain(engine, state: dict, column: int, low: float, high: float) -> np.ndarray:
    """Each word's gain in cosine to the fitted vector from `low` to `high` of design column
    `column`; NaN for the word's own rows and for words seen under FREQUENT times in the table
    (rare words' vectors swing most and named only noise: 暴纱亭 慈云寺 大排)."""
    out = engine.scores(_fitted(state, column, high) - _fitted(state, column, low)).astype(np.float64)
    out[~np.isfinite(out)] = np.nan  # (a zero row)
    out[state["own"]] = np.nan
    out[~state["frequent"]] = np.nan
    return out


def gaining(engine, state: dict, column: int, low: float, high: float):
    """The words whose cosine to the fitted vector grows most from `low` to `high` of a column."""
    found = gain(engine, state, column, low, high)
    found[np.isnan(found)] = -np.inf
    best = top_k(found, NEIGHBOURS)
    return [engine.model.words[j] for j in best], [float(found[j]) for j in best]


def curve(engine, word: str, design: Design, state: dict, number: tuple, drawn) -> dict:
    """A number's curve for one word: the cosine of the fitted vector (the other covariates at the
    word's means) to each drawn word at CURVE_POINTS values across its range, with a 90% band: z
    jackknife standard errors each side (regstats.jackknife_fits; the block bootstrap's shifted
    percentiles held the true cosine at 94-96% of points, a little wide, the jackknife's at 90-94%:
    benchmarks/coverage_to.py)."""
    c, column, low, high = number
    xs = np.linspace(low, high, CURVE_POINTS)
    rows = np.stack([design_row(state, {column: float(v)}) for v in xs])
    if drawn is None:  # (the words gaining and losing most between the ends, seen often enough)
        order = np.argsort(np.nan_to_num(gain(engine, state, column, low, high), nan=0.0))
        picked = [int(j) for j in order[::-1][:CURVE_WORDS]] + [int(j) for j in order[:CURVE_WORDS][::-1]]
        drawn = [engine.model.words[j] for j in picked], engine.unit[picked].astype(np.float64)
    names, units = drawn

    line = fitted_cosines(state, rows, rows @ state["coef"], units)
    jackknifed = fitted_cosines(state, rows, np.einsum("np,gpd->gnd", rows, state["jackknife"]), units)
    band = cosine_band(line, jackknifed, state["level"])
    centre = design.covariates[c].center
    return {
        "word": word,
        "covariate": design.covariates[c].name,
        "level": state["level"],
        "values": (xs + centre).tolist(),
        "lines": [
            {"word": w, "cosine": line[:, k].tolist(), "low": band[0][:, k].tolist(), "high": band[1][:, k].tolist()}
            for k, w in enumerate(names)
        ],
    }
