"""From vectors to findings: lexicon expansion, concept axes and comparing two models.

* expand: seed words of a concept -> the words this corpus uses for it, ranked by cosine to the
  centroid of the seeds' unit vectors (Li, Mai, Shen & Yan 2021; cntext's expand_dictionary).
* axis: where words fall between two poles: the axis is mean(unit POS) - mean(unit NEG) and a
  word's score its cosine with the axis (Kozlowski, Taddy & Evans 2019; SemAxis, An et al. 2018).
* compare: model B rotated onto model A with orthogonal Procrustes (scipy) on their most frequent
  shared words, then each word's cosine across the two and the overlap of its neighbours
  (Hamilton, Leskovec & Jurafsky 2016).

numpy and scipy only (no gensim), unknown words handled as the queries handle them
(w2vkit.query.Engine.vector_of: normalised forms, n-gram composition, the unknown-word message).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .choices import COMPARE_ANCHORS, COMPARE_MIN_COUNT, COMPARE_NEIGHBOURS, EXPAND_GROW, EXPAND_MIN_COUNT
from .errors import EvalSetError, UnknownWordError, UsageError
from .query import Engine
from .vecmath import unit_rows, unit_vector


def _centroid(engine: Engine, words: list[str]) -> tuple[np.ndarray, list[int | None]]:
    found = [engine.vector_of(w) for w in words]
    return unit_vector(np.mean([v for v, _ in found], axis=0)), [i for _, i in found]


# ------------------------------------------------------------------ expansion


@dataclass
class Candidate:
    word: str
    score: float  # cosine with the seeds' centroid
    count: int
    nearest_seed: str
    concept: str | None = None


def expand(
    engine: Engine,
    seeds: list[str],
    topn: int = 20,
    min_count: int = EXPAND_MIN_COUNT,
    iterations: int = 0,
    grow: int = EXPAND_GROW,
) -> list[Candidate]:
    """The `topn` words closest to the centroid of the seeds' unit vectors, seeds excluded, among
    words seen at least `min_count` times. With iterations=N, N times: the `grow` best candidates
    join the seeds and the centroid is recomputed (the result excludes all of them, and names the
    nearest of the original seeds)."""
    if not seeds:
        raise UsageError("give at least one seed word")
    if topn < 1 or grow < 1 or iterations < 0:
        raise UsageError("topn and grow must be at least 1, iterations at least 0")
    current = list(dict.fromkeys(seeds))
    seed_units = np.vstack([engine.vector_of(w)[0] for w in current])
    unit = engine.unit
    eligible = np.asarray(engine.model.counts) >= min_count
    for round_ in range(iterations + 1):
        centroid, rows = _centroid(engine, current)
        scores = unit @ centroid
        scores = np.where(eligible, scores, -np.inf)
        scores[[i for i in rows if i is not None]] = -np.inf
        want = topn if round_ == iterations else grow
        order = np.argsort(-scores, kind="stable")[:want]
        order = order[np.isfinite(scores[order])]
        if round_ < iterations:
            current += [engine.model.words[i] for i in order]
    nearest = (unit[order] @ seed_units.T).argmax(axis=1) if len(order) else []
    return [
        Candidate(engine.model.words[i], float(scores[i]), int(engine.model.counts[i]), current[int(s)])
        for i, s in zip(order, nearest)
    ]


def read_concepts(path) -> dict[str, list[str]]:
    """A concepts file: `concept<TAB>seed seed ...` per line, # comments and blank lines skipped."""
    concepts: dict[str, list[str]] = {}
    try:
        with open(path, encoding="utf-8-sig") as f:
            for lineno, line in enumerate(f, 1):
                line = line.strip()
                if not line or line.startswith("#"):
                    continue
                name, tab, seeds = line.partition("\t")
                if not tab or not seeds.split():
                    raise EvalSetError(
                        f"{path}:{lineno}: expected 'concept<TAB>seed seed ...', got {line[:60]!r}; "
                        "separate the concept's name from its seeds with a tab"
                    )
                if name in concepts:
                    raise EvalSetError(f"{path}:{lineno}: concept {name!r} is given twice; merge its seeds on one line")
                concepts[name] = seeds.split()
    except FileNotFoundError as e:
        raise EvalSetError(f"{path}: no such concepts file") from e
    except UnicodeDecodeError as e:
        raise EvalSetError(f"{path}: not UTF-8 (byte {e.start}); save it as UTF-8") from e
    if not concepts:
        raise EvalSetError(f"{path}: no concepts found; write one 'concept<TAB>seeds' per line")
    return concepts


def expand_concepts(
    engine: Engine, concepts: dict[str, list[str]], topn: int = 20, min_count: int = EXPAND_MIN_COUNT
) -> list[Candidate]:
    """Several concepts at once: every word (seeds excluded) goes to the concept whose centroid it
    is closest to; each concept keeps its `topn` best. Rows by concept, then score."""
    names = list(concepts)
    centroids, seed_rows, seed_units = [], set(), []
    for name in names:
        c, rows = _centroid(engine, concepts[name])
        centroids.append(c)
        seed_rows.update(i for i in rows if i is not None)
        seed_units.append(np.vstack([engine.vector_of(w)[0] for w in concepts[name]]))
    scores = engine.unit @ np.vstack(centroids).T  # words x concepts
    best = scores.argmax(axis=1)
    top = scores[np.arange(len(best)), best]
    eligible = np.asarray(engine.model.counts) >= min_count
    eligible[list(seed_rows)] = False
    out: list[Candidate] = []
    for k, name in enumerate(names):
        mine = np.nonzero(eligible & (best == k))[0]
        mine = mine[np.argsort(-top[mine], kind="stable")][:topn]
        nearest = (engine.unit[mine] @ seed_units[k].T).argmax(axis=1) if len(mine) else []
        out += [
            Candidate(engine.model.words[i], float(top[i]), int(engine.model.counts[i]), concepts[name][int(s)], name)
            for i, s in zip(mine, nearest)
        ]
    return out


# ------------------------------------------------------------------ axes


@dataclass
class AxisResult:
    positive: list[str]
    negative: list[str]
    scores: list[tuple[str, float]]  # (word, cosine with the axis), highest first
    extremes: bool  # True when the words are the vocabulary's extremes, not given ones


def axis_vector(engine: Engine, positive: list[str], negative: list[str]) -> np.ndarray:
    """mean(unit POS) - mean(unit NEG), at unit length."""
    if not positive or not negative:
        raise UsageError("an axis needs words at both poles: POS... --vs NEG...")
    if set(positive) == set(negative):
        raise UsageError(f"the two poles are the same words ({' '.join(positive)}); give different words for --vs")
    pos = np.mean([engine.vector_of(w)[0] for w in positive], axis=0)
    neg = np.mean([engine.vector_of(w)[0] for w in negative], axis=0)
    axis = pos - neg
    norm = float(np.linalg.norm(axis))
    if norm < 1e-6:
        raise UsageError("the two poles have the same mean vector; give words that differ")
    return (axis / norm).astype(np.float32)


def axis_scores(
    engine: Engine,
    positive: list[str],
    negative: list[str],
    words: list[str] | None = None,
    topn: int = 10,
    min_count: int = EXPAND_MIN_COUNT,
) -> AxisResult:
    """Each word's cosine with the axis; with no words, the `topn` words at each end of the
    vocabulary (seen at least min_count times, pole words excluded)."""
    axis = axis_vector(engine, positive, negative)
    if words:
        scored = [(w, float(engine.vector_of(w)[0] @ axis)) for w in words]
        return AxisResult(positive, negative, sorted(scored, key=lambda x: -x[1]), False)
    scores = engine.unit @ axis
    eligible = np.asarray(engine.model.counts) >= min_count
    for w in positive + negative:
        i = engine.model.index.get(w)
        if i is not None:
            eligible[i] = False
    idx = np.nonzero(eligible)[0]
    order = idx[np.argsort(-scores[idx], kind="stable")]
    ends = list(order[:topn]) + [i for i in order[-topn:] if i not in set(order[:topn])]
    return AxisResult(positive, negative, [(engine.model.words[i], float(scores[i])) for i in ends], True)


# ------------------------------------------------------------------ comparing two models


@dataclass
class Comparison:
    word: str
    cosine: float | None  # of the word's vector in A and its rotated vector in B (None: dims differ)
    overlap: float  # share of its k nearest neighbours the two models have in common
    neighbours_a: list[str]
    neighbours_b: list[str]


@dataclass
class CompareResult:
    aligned: bool  # False when the models' dimensions differ: neighbour overlap only
    anchors: int  # shared words the rotation was fitted on
    shared: int  # words the two models share
    rows: list[Comparison] = field(default_factory=list)


def procrustes_rotation(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The orthogonal R minimising ||b R - a|| (scipy.linalg.orthogonal_procrustes)."""
    from scipy.linalg import orthogonal_procrustes

    rotation, _ = orthogonal_procrustes(b, a)
    return rotation.astype(np.float32)


def nearest_rows(unit: np.ndarray, rows, k: int, block: int = 1024) -> np.ndarray:
    """The k nearest other rows (by cosine of unit rows) of each of `rows`, best first, computed
    a block of rows at a time."""
    rows = np.asarray(rows, dtype=np.int64)
    k = min(k, len(unit) - 1)
    out = np.empty((len(rows), k), dtype=np.int64)
    for start in range(0, len(rows), block):
        part = rows[start : start + block]
        sims = unit[part] @ unit.T
        sims[np.arange(len(part)), part] = -np.inf
        top = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        order = np.argsort(-np.take_along_axis(sims, top, axis=1), axis=1, kind="stable")
        out[start : start + block] = np.take_along_axis(top, order, axis=1)
    return out


def compare(
    a: Engine,
    b: Engine,
    words: list[str] | None = None,
    anchors: int = COMPARE_ANCHORS,
    k: int = COMPARE_NEIGHBOURS,
    topn: int = 20,
    min_count: int = COMPARE_MIN_COUNT,
) -> CompareResult:
    """Align B to A on the `anchors` most frequent shared words and compare words across them:
    the given words, or the `topn` shared words (seen min_count times in both) that moved most.
    Neighbours are searched among the shared words, so the two lists can be compared."""
    shared_words = [w for w in a.model.words if w in b.model.index]
    if not shared_words:
        raise UsageError(f"{a.model.path} and {b.model.path} share no word; compare models of the same language")
    ia = np.array([a.model.index[w] for w in shared_words])
    ib = np.array([b.model.index[w] for w in shared_words])
    ua, ub = a.unit[ia], b.unit[ib]
    aligned = a.model.dim == b.model.dim
    used = 0
    if aligned:
        # the most frequent shared words, by the smaller of their two counts
        freq = np.minimum(np.asarray(a.model.counts)[ia], np.asarray(b.model.counts)[ib])
        used = min(anchors, len(shared_words))
        anchor = np.argsort(-freq, kind="stable")[:used]
        ub = unit_rows(ub @ procrustes_rotation(ua[anchor], ub[anchor]))
    position = {w: j for j, w in enumerate(shared_words)}
    if words:
        missing = [w for w in words if w not in position]
        for w in missing:  # the unknown-word message of the model that lacks it, naming it
            lacking = a if w not in a.model.index else b
            try:
                lacking.index_of(w)
            except UnknownWordError as e:
                raise UnknownWordError(f"{lacking.model.path}: {e}", w) from None
            raise UnknownWordError(f"{w!r} is in both models but not among their shared words", w)
        chosen = [position[w] for w in words]
    else:
        often = np.minimum(np.asarray(a.model.counts)[ia], np.asarray(b.model.counts)[ib]) >= min_count
        idx = np.nonzero(often)[0]
        if aligned:
            moved = np.einsum("ij,ij->i", ua[idx], ub[idx])
            chosen = list(idx[np.argsort(moved, kind="stable")][:topn])
        else:  # no common space: the words whose neighbours differ most
            na, nb = nearest_rows(ua, idx, k), nearest_rows(ub, idx, k)
            overlaps = np.array([len(set(x) & set(y)) for x, y in zip(na.tolist(), nb.tolist())])
            chosen = list(idx[np.argsort(overlaps, kind="stable")][:topn])
    na, nb = nearest_rows(ua, chosen, k), nearest_rows(ub, chosen, k)
    rows = []
    for j, x, y in zip(chosen, na.tolist(), nb.tolist()):
        cosine = float(ua[j] @ ub[j]) if aligned else None
        rows.append(
            Comparison(
                shared_words[j],
                cosine,
                len(set(x) & set(y)) / k,
                [shared_words[i] for i in x],
                [shared_words[i] for i in y],
            )
        )
    return CompareResult(aligned, used, len(shared_words), rows)
