"""The nearest-neighbour ratio between two groups (conText's `get_nns_ratio`, Rodriguez, Spirling
& Stewart 2023): which of a word's neighbours belong more to one group's use of it than to the
other's (w2vkit.findings.contrasts with `ratio`).

The candidates are the 2 × RATIO_NEIGHBOURS nearest words of the word's vector over both groups
(conText takes the union of each group's nearest, but a neighbour chosen because one group's noisy
vector happens to point at it then looks nearer that group: under no change p < 0.05 for 8-11% of
such candidates and the interval left out 1 for 20-22%; chosen without the groups' labels, 4-6%
and 10%). For each, the ratio is cos*(a) / cos*(b): its debiased cosine
(w2vkit.findings.permutation) with the first group's vector over that with the second's; 1 is a
neighbour both share equally; `nearer` says whose RATIO_NEIGHBOURS nearest it is among. Its p
permutes the blocks' group labels, as the change's does, and counts the permuted ratios at least as
far from 1 (in log) as the observed; its 90% interval inverts the same permutations (on the log
ratio), narrowed by the jackknife's standard error where it leaves out 1; q is BH over every row.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...base.results import Result
from ...errors import UsageError
from ...queries.query import Engine
from ..alacarte import fit_note
from ..permutation import LEVEL, Side, bh, block_moments, dealt, inverted, jackknife_spread, left_out, weighted_cosines
from ..tabledocs import Documents
from ..targets import Target, block_side

RATIO_NEIGHBOURS = 10  # conText's N
TINY = 1e-3  # a cosine at or below this is taken as this in the ratio's logarithm
CHUNK = 500  # permutations at a time
COLUMNS = ("word", "neighbour", "nearer", "ratio", "low", "high", "p", "q", "cos_a", "cos_b", "note")


def check_ratio(docs: Documents, scan) -> None:
    """What the ratio needs, before any work: two groups, and words rather than a scan."""
    if scan is not None:
        raise UsageError("{ratio} reads the neighbours of WORDs, not of a scan", "ratio")
    if len(docs.groups) != 2:
        raise UsageError(
            f"{{ratio}} compares two groups; the table has {len(docs.groups)} ({', '.join(docs.groups[:5])}"
            f"{', …' if len(docs.groups) > 5 else ''}): give {{groups}} A,B",
            "ratio",
            "groups",
        )


def neighbour_ratio(side: Side, engine: Engine, own: set[int], permutations: int, rng, level: float = LEVEL):
    """For groups 0 (a) and 1 (b) of `side`: the candidate rows (the 2 × RATIO_NEIGHBOURS nearest of
    the word's vector over both groups but `own`), whose nearest each is (0, 1, -1 for both, -2 for
    neither), the debiased cosines with a and b, the ratio with its interval, and p. None: a side
    with fewer than two blocks."""
    in_a, in_b = side.group == 0, side.group == 1
    if in_a.sum() < 2 or in_b.sum() < 2:
        return None
    nearest: list[list[int]] = []
    for mine in (in_a, in_b, in_a | in_b):
        depth = RATIO_NEIGHBOURS * (1 if len(nearest) < 2 else 2)
        nearest.append(engine.nearest(side.sums[mine].sum(axis=0), depth, exclude=own).rows)
    rows = nearest[2]
    mine_a, mine_b = set(nearest[0]), set(nearest[1])
    nearer = [(-1 if r in mine_b else 0) if r in mine_a else (1 if r in mine_b else -2) for r in rows]
    units = engine.unit[rows].astype(np.float64)
    moments = block_moments(side)
    idx = np.flatnonzero(in_a | in_b)
    sub, k = moments[idx], int(in_a.sum())
    observed = weighted_cosines(np.vstack([in_a[idx], in_b[idx]]).astype(np.float64), sub, units)
    cos_a, cos_b = observed
    logs = _log_ratio(cos_a, cos_b)
    permuted: list[np.ndarray] = []
    while len(permuted) < permutations:  # (the blocks dealt out again, as many to a as before)
        wa = dealt(rng, min(CHUNK, permutations - len(permuted)), len(idx), k)
        permuted.extend(_log_ratio(weighted_cosines(wa, sub, units), weighted_cosines(1.0 - wa, sub, units)))
    spread = np.array(permuted)
    exceed = (np.abs(spread) >= np.abs(logs)[None, :] - 1e-12).sum(axis=0)
    kept = left_out(in_b[idx].astype(np.int64))  # (each group's blocks dealt apart: a group is never emptied)
    jackknifed = _log_ratio(
        weighted_cosines(kept * in_a[idx], sub, units), weighted_cosines(kept * in_b[idx], sub, units)
    )
    error = jackknife_spread(jackknifed)
    intervals = [
        tuple(np.exp(inverted(spread[:, j], float(logs[j]), level, float(error[j])))) for j in range(len(rows))
    ]
    return rows, nearer, cos_a, cos_b, cos_a / cos_b, intervals, (1 + exceed) / (len(spread) + 1), len(spread)


def _log_ratio(cos_a: np.ndarray, cos_b: np.ndarray) -> np.ndarray:
    """The ratio in log (a ratio of 2 and of 1/2 equally far from 1), a cosine at or below TINY
    taken as TINY."""
    return np.log(np.maximum(cos_a, TINY)) - np.log(np.maximum(cos_b, TINY))


def ratio_result(
    engine: Engine,
    docs: Documents,
    a: np.ndarray,
    items: list[tuple[str, Target | None]],
    settings: dict[str, Any],
    fields: dict[str, Any],
    provenance: dict[str, Any],
    fit: dict | None = None,
) -> Result:
    """The ratio rows of each word (nearest to a first, then shared, then nearest to b; each part by
    its ratio), q over them all, and the notes saying what a and b are."""
    out: list[list[Any]] = []
    names = {0: docs.groups[0], 1: docs.groups[1], -1: "both", -2: "neither"}
    for number, (word, target) in enumerate(items):
        rng = np.random.default_rng([settings["seed"], number])
        if target is None:
            out.append(_row(word, note="composed from character n-grams, so it has no occurrences to compare"))
            continue
        _, _, side = block_side(engine, docs, a, target, settings["window"])
        counts = [int(side.counts[side.group == g].sum()) for g in (0, 1)]
        if min(counts) < settings["min_occurrences"]:
            out.append(_row(word, note=f"{min(counts)} occurrences in a group, under {settings['min_occurrences']}"))
            continue
        found = neighbour_ratio(side, engine, target.rows, settings["permutations"], rng, settings["level"])
        if found is None:
            out.append(_row(word, note="fewer than 2 blocks on a side"))
            continue
        rows, nearer, cos_a, cos_b, ratio, intervals, p, _ = found
        order = sorted(range(len(rows)), key=lambda j: ({0: 0, -1: 1, -2: 2, 1: 3}[nearer[j]], -ratio[j]))
        for j in order:
            low, high = intervals[j]
            cells = dict(ratio=float(ratio[j]), low=low, high=high, p=float(p[j]))
            cells.update(cos_a=float(cos_a[j]), cos_b=float(cos_b[j]))
            out.append(_row(word, engine.model.words[rows[j]], names[nearer[j]], **cells))
    for r, q in zip(out, bh([r[COLUMNS.index("p")] for r in out])):
        r[COLUMNS.index("q")] = q
    fields = dict(fields, ratio=True, a=docs.groups[0], b=docs.groups[1], neighbours=RATIO_NEIGHBOURS)
    result = Result("contrast", list(COLUMNS), [tuple(r) for r in out], fields, provenance=provenance)
    result.note(
        f"ratio = cos_a / cos_b, a = {docs.groups[0]}, b = {docs.groups[1]}: the debiased cosine of each neighbour "
        f"with the groups' vectors, for the {2 * RATIO_NEIGHBOURS} nearest of the word over both; p permutes "
        f"{fields['permuted']}, and the interval inverts the same permutations",
        kind="info",
    )
    if fit is not None:
        result.fields["transform"] = fit
        result.note(fit_note(fit) or "", kind="info")
    return result


def _row(word: str, neighbour: str | None = None, nearer: str | None = None, **cells) -> list:
    cells.update(word=word, neighbour=neighbour, nearer=nearer)
    return [cells.get(c) for c in COLUMNS]
