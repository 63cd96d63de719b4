"""Comparing two texts word by word: how each word's meaning differs between model A and model B,
held against how much it moves within each text (its noise floor).

Methods (`by`):
* cosine: B rotated onto A with orthogonal Procrustes (scipy) on anchor words, then the cosine of
  the word's two vectors (Hamilton, Leskovec & Jurafsky 2016). The anchors are the most frequent
  shared words, never the words being compared (they would pull the rotation towards themselves);
  for the moved-most list the rotation is refitted REFINE_ROUNDS times without the REFINE_DROP
  share of anchors that moved most (a change the anchors share would otherwise be absorbed).
* overlap: no rotation: the share of the word's k nearest neighbours (among the shared words) the
  two models agree on (Gonen et al. 2020), for small texts and models of different dimensions.

The noise floor: when both models have resampled members (train --bootstrap), each member is
aligned to its own model the same way and scored against it like the other text; a word's change
is then standardised: z = (mean within − between) / sd within, on Fisher-transformed cosines
(atanh, cosines clipped to ±0.999999; for overlap: on the overlaps), within being all its member
scores in both texts (sd at least 0.001). z ≫ 0 means the
texts differ more than each text differs from a redraw of itself. Words found in fewer than
MIN_MEMBERS members, or whose within-text mean is below UNSTABLE_WITHIN, are too unstable to judge
and listed apart. The moved-most list stays ordered by the change itself (`rank`, COMPARE_RANK):
on planted changes in both novels (benchmarks/planted_change.py) ordering by z found them less
precisely; z is a column beside it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..base.choices import COMPARE_ANCHORS, COMPARE_MIN_COUNT, COMPARE_NEIGHBOURS, COMPARE_RANK, DEFAULT_TOPN
from ..base.limits import check_number
from ..base.results import Result
from ..base.vecmath import row_neighbours, unit_rows
from ..errors import UnknownWordError, UsageError
from ..queries.arguments import words_argument
from ..queries.query import Engine

log = logging.getLogger(__name__)

METHODS = ("cosine", "overlap")
REFINE_ROUNDS = 2
REFINE_DROP = 0.1
MIN_MEMBERS = 3
UNSTABLE_WITHIN = 0.3  # a word whose members agree with their own model less than this is noise
SHARED_WARNING = 500  # fewer shared words than this: a rotation is poorly determined


@dataclass
class Comparison:
    word: str
    cosine: float | None  # of the word's vector in A and its rotated vector in B (None: not aligned)
    overlap: float  # share of its k nearest neighbours the two models have in common
    neighbours_a: list[str]
    neighbours_b: list[str]
    count_a: int = 0
    count_b: int = 0
    z: float | None = None  # the standardised change against the noise floor (with members)
    within: float | None = None  # the mean within-text score (members against their own model)


@dataclass
class CompareResult:
    aligned: bool  # False when the models' dimensions differ, or by="overlap": no rotation
    anchors: int  # shared words the rotation was fitted on
    shared: int  # words the two models share
    rows: list[Comparison] = field(default_factory=list)
    by: str = "cosine"
    noise_floor: bool = False  # the rows carry z against the members
    unstable: list[Comparison] = field(default_factory=list)  # too unstable to judge (with members)


def _check_engines(a, b) -> None:
    for name, engine in (("a", a), ("b", b)):
        if not isinstance(engine, Engine):
            raise TypeError(f"{name} must be an Engine (of a loaded model), not {type(engine).__name__}")


def _unit_rows_of(engine: Engine, rows: np.ndarray) -> np.ndarray:
    """These rows of the engine's vectors at unit length (a zero or broken row: zeros, as
    Engine.unit has them), without the engine's unit matrix of the whole vocabulary."""
    with np.errstate(invalid="ignore", over="ignore"):
        out = unit_rows(np.asarray(engine.vectors[rows], dtype=np.float32))
    out[~np.isfinite(out).all(axis=1)] = 0
    return out


def procrustes_rotation(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The orthogonal R minimising ||b R - a|| (scipy.linalg.orthogonal_procrustes)."""
    from scipy.linalg import orthogonal_procrustes

    rotation, _ = orthogonal_procrustes(b, a)
    return rotation.astype(np.float32)


def nearest_rows(unit: np.ndarray, rows, k: int) -> list[list[int]]:
    """The k nearest other rows (by cosine of unit rows) of each of `rows`, best first (fewer where
    a row has fewer neighbours: zero vectors are no one's): w2vkit.base.vecmath.row_neighbours,
    saying how far a long run has got."""
    indices, _ = row_neighbours(
        unit, k, rows, lambda done, total: log.info("neighbours of %s of %s words...", f"{done:,}", f"{total:,}")
    )
    return [[i for i in found if i >= 0] for found in indices.tolist()]


def fit_alignment(ua: np.ndarray, ub: np.ndarray, anchor: np.ndarray, rounds: int = 0) -> tuple[np.ndarray, int]:
    """B's unit rows rotated onto A's on the anchor rows; with rounds, refitted that many times
    without the REFINE_DROP share of anchors that moved most. The rotated rows and the anchors used."""
    for _ in range(rounds + 1):
        rotation = procrustes_rotation(ua[anchor], ub[anchor])
        rotated = unit_rows(ub @ rotation)
        if _ == rounds or len(anchor) < 20:
            break
        moved = np.einsum("ij,ij->i", ua[anchor], rotated[anchor])
        anchor = anchor[np.argsort(-moved, kind="stable")[: int(len(anchor) * (1 - REFINE_DROP))]]
    return rotated, len(anchor)


def _overlaps(na: list[list[int]], nb: list[list[int]]) -> np.ndarray:
    return np.array([len(set(x) & set(y)) / max(1, len(x)) for x, y in zip(na, nb)])


def _z(within: list[float], between: float, by: str) -> float | None:
    if len(within) < 2:
        return None
    values = np.asarray(within, dtype=np.float64)
    if by == "cosine":
        values, between = (
            np.arctanh(np.clip(values, -0.999999, 0.999999)),
            float(np.arctanh(np.clip(between, -0.999999, 0.999999))),
        )
    sd = float(values.std(ddof=1))
    return float((values.mean() - between) / max(sd, 1e-3))


def _moved(
    a: Engine, b: Engine, words: str | list[str] | None, *, anchors: int, k: int, topn: int, min_count: int, by: str,
    least_moved: bool, noise_floor: bool, refine: int, rank: str
) -> CompareResult:  # fmt: skip
    """compare's computation (its parameters, compare's docstring): the rows, the words too
    unstable to judge, and the fit's figures, as a CompareResult."""
    _check_engines(a, b)
    words = words_argument("words", words) if words is not None else None
    for name, value in (("anchors", anchors), ("k", k), ("topn", topn)):
        check_number(name, value)
    if by not in METHODS:
        raise UsageError(f"compare by cosine or overlap, not {by!r}")
    shared_words = [w for w in a.model.words if w in b.model.index]
    if not shared_words:
        raise UsageError(f"{a.model.path} and {b.model.path} share no word; compare models of the same language")
    ia = np.array([a.model.index[w] for w in shared_words])
    ib = np.array([b.model.index[w] for w in shared_words])
    ua, ub = _unit_rows_of(a, ia), _unit_rows_of(b, ib)
    position = {w: j for j, w in enumerate(shared_words)}
    if words:
        chosen = [_shared_position(a, b, w, position) for w in words]
    counts_a, counts_b = np.asarray(a.model.counts)[ia], np.asarray(b.model.counts)[ib]
    aligned = by == "cosine" and a.model.dim == b.model.dim
    used = 0
    if aligned:
        freq = np.minimum(counts_a, counts_b)
        order = np.argsort(-freq, kind="stable")
        if words:  # the compared words are never anchors
            order = order[~np.isin(order, chosen)]
        anchor = order[: min(anchors, len(order))]
        ub, used = fit_alignment(ua, ub, anchor, 0 if words else refine)
    if not words:
        idx = np.nonzero(np.minimum(counts_a, counts_b) >= min_count)[0]
        if aligned:
            score = np.einsum("ij,ij->i", ua[idx], ub[idx])
        else:
            score = _overlaps(nearest_rows(ua, idx, k), nearest_rows(ub, idx, k))
        chosen = list(idx[np.argsort(score if not least_moved else -score, kind="stable")])
    result = CompareResult(aligned, used, len(shared_words), by=by)
    floor = noise_floor and bool(a.members) and bool(b.members)
    if words:
        candidates = chosen
    else:  # with a noise floor, the most moved few hundred get their z (and are re-ranked by it if asked)
        candidates = chosen[: max(topn * 10, 200)] if floor else chosen[:topn]
    na, nb = nearest_rows(ua, candidates, k), nearest_rows(ub, candidates, k)
    rows = []
    for j, x, y in zip(candidates, na, nb):
        rows.append(
            Comparison(
                shared_words[j],
                float(ua[j] @ ub[j]) if aligned else None,
                len(set(x) & set(y)) / max(1, len(x)),
                [shared_words[i] for i in x],
                [shared_words[i] for i in y],
                int(counts_a[j]),
                int(counts_b[j]),
            )
        )
    if floor:
        rows = _above_the_floor(result, rows, a, b, k, anchors)
        if not words:
            if rank == "z":
                rows.sort(key=lambda r: (r.z or 0.0) if not least_moved else -(r.z or 0.0), reverse=True)
            rows = rows[:topn]
        result.noise_floor = True
    result.rows = rows
    return result


def _shared_position(a: Engine, b: Engine, word: str, position: dict[str, int]) -> int:
    """The word's place among the shared words, as each model looks it up (normalised forms), with
    the message of one that lacks it."""
    forms = []
    for engine in (a, b):
        try:
            forms.append(engine.model.words[engine.index_of(word)])
        except UnknownWordError as e:
            raise UnknownWordError(f"{engine.model.path}: {e}", word) from None
    form = forms[0] if forms[0] in position else forms[1]
    if form not in position:
        raise UnknownWordError(f"{word!r} is {forms[0]!r} in one model and {forms[1]!r} in the other", word)
    return position[form]


def _above_the_floor(result: CompareResult, rows: list, a: Engine, b: Engine, k: int, anchors: int) -> list:
    """The rows whose words the members judge stable, each with its z against its noise floor (the
    others go to result.unstable)."""
    within = _within_scores([r.word for r in rows], a, b, result.by, k, anchors)
    stable_rows = []
    for r in rows:
        values = within.get(r.word, [])
        r.within = float(np.mean(values)) if values else None
        between = r.cosine if result.aligned else r.overlap
        if len(values) < MIN_MEMBERS or r.within is None or r.within < UNSTABLE_WITHIN:
            result.unstable.append(r)
            continue
        r.z = _z(values, float(between or 0.0), "cosine" if result.aligned else "overlap")  # (set for every row here)
        stable_rows.append(r)
    return stable_rows


def _within_scores(words, a: Engine, b: Engine, by: str, k: int, anchors: int) -> dict[str, list[float]]:
    """Each word's scores of each member against its own model (aligned as the texts were), over
    the members of both texts."""
    out: dict[str, list[float]] = {w: [] for w in words}
    for engine in (a, b):
        for member in engine.members:
            shared = [w for w in engine.model.words if w in member.model.index]
            position = {w: j for j, w in enumerate(shared)}
            ie = np.array([engine.model.index[w] for w in shared])
            im = np.array([member.model.index[w] for w in shared])
            ue, um = _unit_rows_of(engine, ie), _unit_rows_of(member, im)
            rows = [position[w] for w in words if w in position]
            if not rows:
                continue
            if by == "cosine" and engine.model.dim == member.model.dim:
                freq = np.minimum(np.asarray(engine.model.counts)[ie], np.asarray(member.model.counts)[im])
                order = np.argsort(-freq, kind="stable")
                order = order[~np.isin(order, rows)]
                um, _ = fit_alignment(ue, um, order[: min(anchors, len(order))])
                scores = np.einsum("ij,ij->i", ue[rows], um[rows])
            else:
                scores = _overlaps(nearest_rows(ue, rows, k), nearest_rows(um, rows, k))
            for j, s in zip(rows, scores.tolist()):
                out[shared[j]].append(float(s))
    return out


def compare(
    a: Engine,
    b: Engine,
    words: str | list[str] | None = None,
    *,
    anchors: int = COMPARE_ANCHORS,
    k: int = COMPARE_NEIGHBOURS,
    topn: int = DEFAULT_TOPN,
    min_count: int = COMPARE_MIN_COUNT,
    by: str = "cosine",
    least_moved: bool = False,
    rank: str = COMPARE_RANK,
    noise_floor: bool = True,
    refine: int = REFINE_ROUNDS,
) -> Result:
    """Compare words across two models (module docstring): the given words, or the `topn` shared
    words (seen min_count times in both) that moved most (least_moved: least). With members in
    both models (and noise_floor), each row gets its z and words too unstable to judge are listed
    apart; rank orders the moved-most list by the change or by z. Notes say what the comparison
    rests on: two identical models, a rotation fitted on fewer anchors than the space has
    dimensions, no noise floor, or a floor of seed members (which measure the training's noise,
    not a redraw of the text).

    Parameters
    ----------
    a, b : Engine
        The two models' engines.
    words : str or list of str, optional
        Words to compare; None: the `topn` that moved most.
    anchors : int
        Shared words the rotation is fitted on.
    k : int
        Neighbours compared per word.
    topn : int
        How many words, without `words`.
    min_count : int
        Only words seen this often in both.
    by : {"cosine", "overlap"}
        The change measured.
    least_moved : bool
        The words that moved least instead.
    rank : {"change", "z"}
        What orders the moved-most list.
    noise_floor : bool
        With members in both models: each word's z against the change between members.
    refine : int
        Rounds of refitting the rotation without the words that moved most.

    Returns
    -------
    Result
        A row per word (word, [z], cosine, overlap, counts, neighbours in each), notes, provenance.

    Raises
    ------
    TypeError
        An argument that is not an Engine.
    UsageError, UnknownWordError
        Models that share no word; a word one of them lacks.

    Examples
    --------
    >>> a, b = Engine(load_model("models/a")), Engine(load_model("models/b"))  # doctest: +SKIP
    >>> compare(a, b, ["酒"]).records()[0]["cosine"]  # doctest: +SKIP
    0.41
    """
    _check_engines(a, b)
    same = a.model.meta.get("vectors_sha256") is not None and a.model.meta.get("vectors_sha256") == b.model.meta.get(
        "vectors_sha256"
    )
    settings: dict[str, Any] = {"anchors": anchors, "k": k, "topn": topn, "min_count": min_count, "rank": rank}
    floor = noise_floor and not same
    found = _moved(a, b, words, by=by, least_moved=least_moved, noise_floor=floor, refine=refine, **settings)
    columns = ["word", *(["z"] if found.noise_floor else []), "cosine", "overlap", "count_a", "count_b"]
    columns += ["neighbours_a", "neighbours_b"]
    rows = [
        (r.word, *([r.z] if found.noise_floor else []), r.cosine, r.overlap, r.count_a, r.count_b)
        + (r.neighbours_a, r.neighbours_b)
        for r in found.rows
    ]
    fields = {
        "model_a": str(a.model.path),
        "model_b": str(b.model.path),
        "aligned": found.aligned,
        "anchors": found.anchors,
        "shared": found.shared,
        "by": by,
        "noise_floor": found.noise_floor,
        "unstable": [r.word for r in found.unstable],
    }
    provenance = a.provenance(
        model_b=str(b.model.path), model_b_vectors_sha256=b.model.meta.get("vectors_sha256"), **settings
    )
    result = Result("compare", columns, rows, fields, provenance=provenance)
    _say_what_it_rests_on(result, a, b, found, same=same, by=by, noise_floor=noise_floor)
    return result


def _say_what_it_rests_on(
    result: Result, a: Engine, b: Engine, found: CompareResult, *, same: bool, by: str, noise_floor: bool
) -> None:
    """compare's notes: two identical models, the rotation and its anchors, the noise floor (none,
    or one of seed members), and the words too unstable to judge."""
    if found.shared < SHARED_WARNING:  # (a note, not a log line: a Python caller reads it in to_dict())
        result.note(f"the models share only {found.shared:,} words: the comparison rests on little")
    if same:
        result.note(
            f"{a.model.path} and {b.model.path} are the same model (the same vectors checksum): every word is "
            "where it was; compare models of two texts"
        )
    if by == "cosine" and not found.aligned:
        result.note(
            f"the models have {a.model.dim} and {b.model.dim} dimensions: no rotation between them, compared by "
            "neighbour overlap only",
            kind="info",
        )
    elif found.aligned:
        result.note(f"rotated B onto A on {found.anchors:,} of {found.shared:,} shared words", kind="info")
        if found.anchors < a.model.dim:
            result.note(
                f"the rotation of {a.model.dim} dimensions was fitted on {found.anchors:,} words, fewer than the "
                f"dimensions: it is underdetermined and the cosines mean little; raise {{anchors}} to at least "
                f"{a.model.dim} (default {COMPARE_ANCHORS:,})",
                "anchors",
            )
    kinds = {a.member_kind, b.member_kind}
    if same or not noise_floor:
        pass
    elif not found.noise_floor:
        result.note(
            "no noise floor: without resampled members in both models a word's change cannot be told from a "
            "redraw of the text; train both with --bootstrap 10 (Python: resampling=Resampling(count=10))",
            kind="info",
        )
    elif kinds != {"bootstrap"}:
        result.note(
            "the noise floor rests on seed members ("
            + " and ".join(f"{e.model.path}: {e.member_kind}" for e in (a, b))
            + "): they measure the training's noise, not a redraw of the text, so z overstates the change; "
            "train both with --bootstrap"
        )
    if found.unstable:
        shown = " ".join(r.word for r in found.unstable[:20]) + (" …" if len(found.unstable) > 20 else "")
        n = len(found.unstable)
        result.note(f"too unstable to judge ({n} word{'s' if n > 1 else ''}: they move as much within a text): {shown}")
