"""From vectors to findings: lexicon expansion, concept axes and comparing two models.

* expand: seed words of a concept -> the words this corpus uses for it, ranked by cosine to the
  centroid of the seeds' unit vectors (Li, Mai, Shen & Yan 2021; cntext's expand_dictionary).
* axis: w2vkit.findings.axes.
* compare: w2vkit.findings.comparison.

numpy and scipy only (no gensim), unknown words handled as the queries handle them
(w2vkit.queries.query.Engine.lookup: normalised forms, n-gram composition, the unknown-word message).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..base.choices import EXPAND_GROW, EXPAND_MIN_COUNT, EXPAND_TOPN
from ..base.limits import check_number
from ..base.results import Result
from ..errors import EvalSetError, UnknownWordError, UsageError, quoted
from ..queries.arguments import words_argument
from ..queries.ensemble import NO_MEMBERS
from ..queries.query import Engine
from .stability import centroid_spreads

# Blocks of words x concepts (expand --concepts) and of words x vocabulary (nearest_rows) hold at
# most this many scores at once (16 MB of float32, twice that for argpartition's indices).
SCORE_BLOCK_ELEMENTS = 4 << 20


# ------------------------------------------------------------------ expansion


@dataclass
class Candidate:
    word: str
    score: float  # cosine with the seeds' centroid
    count: int
    nearest_seed: str
    concept: str | None = None


def _candidates(
    engine: Engine, seeds: list[str], *, topn: int, min_count: int, iterations: int, grow: int
) -> tuple[list[Candidate], list[str], str | None]:  # fmt: skip
    """expand's candidates (by the model's cosine to the seeds' centroid, Engine.query's unit mean
    of their unit vectors, which the members are asked too), the seeds it ended with (the seeds
    given, then each round's additions) and, when the rounds ran out of candidates, a note saying so."""
    seeds = words_argument("seeds", seeds)
    if not seeds:
        raise UsageError("give at least one seed word")
    for name, value in (("topn", topn), ("grow", grow), ("iterations", iterations), ("min_count", min_count)):
        check_number(name, value)
    current = list(dict.fromkeys(seeds))
    seed_units = np.vstack([engine.lookup(w).vector for w in current])
    floor = min_count if min_count > 1 else None
    stopped = None
    for round_ in range(iterations + 1):
        want = topn if round_ == iterations else grow
        found = engine.nearest(engine.query(current), want, min_count=floor)
        if round_ < iterations:
            left = found.candidates - len(found.rows)
            current += [engine.model.words[i] for i in found.rows]
            if left < topn:  # the next round would take the last candidates as seeds
                stopped = (
                    f"stopped after {round_ + 1} of {iterations} iterations: only {left} words seen {min_count}+ "
                    "times were left as candidates (fewer {iterations}, or a lower {min_count})"
                )
                found = engine.nearest(engine.query(current), topn, min_count=floor)
                break
    order = found.rows
    nearest = (engine.unit[order] @ seed_units.T).argmax(axis=1) if len(order) else []
    candidates = [
        Candidate(engine.model.words[i], float(found.scores[i]), int(engine.model.counts[i]), current[int(s)])
        for i, s in zip(order, nearest)
    ]
    return candidates, current, stopped


def expand(
    engine: Engine,
    seeds: str | list[str],
    *,
    topn: int = EXPAND_TOPN,
    min_count: int = EXPAND_MIN_COUNT,
    iterations: int = 0,
    grow: int = EXPAND_GROW,
    stable: float | None = None,
    skip_unknown: bool = False,
) -> Result:
    """The `topn` words closest to the centroid of the seeds' unit vectors (seeds left out), among
    words seen at least `min_count` times: each candidate's score, count and nearest seed. With
    iterations=N, N times the `grow` best candidates join the seeds and the centroid is made again
    (the result leaves all of them out, and names the nearest of the seeds given). With members, the
    ensemble's estimate as the score (the model's own cosine in `model`), its recurrence among the
    members' top `topn`, its 90% interval and how many members have it (the seeds the model ended
    with, each member's centroid made from those it has); the rows stay in the model's order.
    stable=P keeps candidates found in a share P of the members' top `topn`; skip_unknown leaves
    out seeds the model cannot place (named in a note and in `skipped`).

    Parameters
    ----------
    engine : Engine
        The model's engine.
    seeds : str or list of str
        The words of a concept.
    topn : int
        How many candidates.
    min_count : int
        Only words seen at least this often.
    iterations : int
        Rounds that grow the seeds with the best candidates.
    grow : int
        Candidates added to the seeds per round.
    stable : float, optional
        With members: keep candidates recurring in at least this share of them.
    skip_unknown : bool
        Leave out seeds the model cannot place.

    Returns
    -------
    Result
        Rows (rank, word, score, count, nearest_seed, and with members model, recurrence, low, high,
        members), notes, provenance.

    Raises
    ------
    UsageError
        No seed, or none the model knows.
    UnknownWordError
        A seed the model cannot place (unless skip_unknown).

    Examples
    --------
    >>> expand(Engine(load_model("models/xiyouji")), ["刀", "枪", "剑"], topn=5).records()[0]["word"]  # doctest: +SKIP
    '刀剑'
    """
    seeds = words_argument("seeds", seeds)
    if not seeds:
        raise UsageError("give at least one seed word")
    skipped = []
    if skip_unknown:
        kept = []
        for w in seeds:
            try:
                engine.lookup(w)
                kept.append(w)
            except UnknownWordError:
                skipped.append(w)
        seeds = kept
        if not seeds:
            raise UsageError(f"none of the seeds is known to the model (skipped {' '.join(skipped)})")
    candidates, grown, stopped = _candidates(
        engine, list(seeds), topn=topn, min_count=min_count, iterations=iterations, grow=grow
    )
    provenance = engine.provenance(topn=topn, min_count=min_count, iterations=iterations, grow=grow, stable=stable)
    fields = {"seeds": seeds, "skipped": skipped, "grown_seeds": grown}
    columns = ["rank", "word", "score", "count", "nearest_seed"]
    rows: list[tuple] = [(c.word, c.score, c.count, c.nearest_seed) for c in candidates]
    members = engine.members
    if members:
        # the members answer the query that ranked the candidates: the centroid of the seeds the
        # iterations ended with, not of those given (an interval of another query, before)
        query = engine.query(grown)
        found = centroid_spreads(engine, query, [c.word for c in candidates], topn, min_count)
        rows = [
            (c.word, s.estimate, c.count, c.nearest_seed, c.score, s.recurrence, s.low, s.high, s.found)
            for c, s in zip(candidates, found)
            if stable is None or (s.recurrence or 0) >= stable
        ]  # (in the model's order, as every finding with members: docs/findings.md, "Reading the columns")
        columns += ["model", "recurrence", "low", "high", "members"]
    result = Result("expand", columns, [(n, *r) for n, r in enumerate(rows, 1)], fields, provenance=provenance)
    if skipped:
        result.note(
            f"skipped {len(skipped)} unknown seed{'s' if len(skipped) > 1 else ''}: {' '.join(skipped)}", kind="info"
        )
    if stopped:
        result.note(stopped, "iterations", "min_count")
    if not members:
        result.note(NO_MEMBERS, kind="info")
    used = [w for w in seeds if w not in skipped]
    result.note(
        f"{len(rows)} candidate{'' if len(rows) == 1 else 's'} for {' '.join(used)} (min count {min_count}, "
        f"{iterations} iterations)",
        kind="info",
    )
    return result


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
                        f"{path}:{lineno}: expected 'concept<TAB>seed seed ...', got {quoted(line)}; "
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


def concepts_expansion(
    engine: Engine, concepts_file, topn: int = EXPAND_TOPN, min_count: int = EXPAND_MIN_COUNT
) -> Result:
    """expand_concepts of the concepts in `concepts_file` (read_concepts) as a Result: a row per
    candidate (concept, its rank in the concept, word, score, count, nearest seed)."""
    found = expand_concepts(engine, read_concepts(concepts_file), topn, min_count)
    ranks: dict[str, int] = {}
    rows = []
    for c in found:
        concept = str(c.concept)
        ranks[concept] = ranks.get(concept, 0) + 1
        rows.append((concept, ranks[concept], c.word, c.score, c.count, c.nearest_seed))
    columns = ["concept", "rank", "word", "score", "count", "nearest_seed"]
    provenance = engine.provenance(topn=topn, min_count=min_count)
    return Result("expand", columns, rows, {"concepts_file": str(concepts_file)}, [], provenance)


def expand_concepts(
    engine: Engine, concepts: dict[str, list[str]], topn: int = 20, min_count: int = EXPAND_MIN_COUNT
) -> list[Candidate]:
    """Several concepts at once: every word (seeds excluded) goes to the concept whose centroid it
    is closest to; each concept keeps its `topn` best. Rows by concept, then score."""
    check_number("topn", topn)
    names = list(concepts)
    centroids: list = []
    seed_rows: set[int] = set()
    for name in names:
        query = engine.query(concepts[name])
        centroids.append(query.vector)
        seed_rows.update(query.rows)
    # each word's closest concept, a block of concepts at a time (words x all concepts at once
    # passed 3 GB with 200,000 concepts)
    n = len(engine.model)
    best = np.zeros(n, dtype=np.int64)
    top = np.full(n, -np.inf, dtype=np.float32)
    step = max(1, SCORE_BLOCK_ELEMENTS // max(1, n))
    for start in range(0, len(centroids), step):
        scores = engine.scores(np.vstack(centroids[start : start + step]).T)
        block_best = scores.argmax(axis=1)
        block_top = scores[np.arange(len(block_best)), block_best]
        better = block_top > top
        best[better], top[better] = block_best[better] + start, block_top[better]
    eligible = (np.asarray(engine.model.counts) >= min_count) & np.isfinite(top)  # (a zero row: no concept's)
    eligible[list(seed_rows)] = False
    out: list[Candidate] = []
    # the eligible words grouped by concept once (a scan of the vocabulary per concept was
    # concepts x words: hours for 200,000 concepts), each group by score
    words_of = np.nonzero(eligible)[0]
    words_of = words_of[np.lexsort((-top[words_of], best[words_of]))]
    bounds = np.searchsorted(best[words_of], np.arange(len(names) + 1))
    for k, name in enumerate(names):
        mine = words_of[bounds[k] : bounds[k + 1]][:topn]
        if len(mine):
            seed_units = np.vstack([engine.lookup(w).vector for w in concepts[name]])
            nearest = (engine.unit[mine] @ seed_units.T).argmax(axis=1)
        else:
            nearest = np.zeros(0, dtype=int)
        out += [
            Candidate(engine.model.words[i], float(top[i]), int(engine.model.counts[i]), concepts[name][int(s)], name)
            for i, s in zip(mine, nearest)
        ]
    return out
