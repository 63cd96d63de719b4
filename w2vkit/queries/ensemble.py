"""Neighbours and similarities as results (w2vkit.base.results.Result), with the ensemble's answer
when the model has resampled members.

Without members a result is the model's: its cosines, ranked. With members (train --bootstrap N,
--seeds N) the printed score is the **ensemble's estimate**: the members' mean in Fisher z, the
space the 90% interval is made in (w2vkit.base.intervals), so it always lies inside its own
interval. The model's own cosine stays as the column `model`. Neighbours are candidates from the
model's top list and every member's (a bagged ranking); `rank` orders them by the model's cosine
(the default, chosen in benchmarks/ensemble.py: the ensemble's ranking was steadier but found
fewer aliases) or by the ensemble's estimate (candidates that fewer than half the members have at
all come after the others: an estimate from a draw or two is no estimate). A neighbour's **recurrence** is the share of members with it
among their top `topn` of the word (a member lacking either word counts as not having it; Antoniak
& Mimno 2018); a candidate that fewer than half the members have at all is flagged in the notes.

Why: a model's top neighbours were chosen because they score high in that one model, and they
regress in any other; on 三国演义 the model's cosine of a top-20 neighbour sat above its own
interval one time in three, while the members' mean missed an independent resample model's value
by −0.009 on average (the model's cosine by −0.093). docs/findings.md has the figures.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..base.choices import (
    BACKGROUND,
    DEFAULT_TOPN,
    HUBNESS_CHOICES,
    NEIGHBOUR_MIN_COUNT,
    SIMILAR_BACKGROUND_WORDS,
    SIMILAR_HUBNESS,
    SIMILAR_RANK,
    SIMILAR_RANKS,
)
from ..base.intervals import estimate, interval
from ..base.limits import check_number
from ..base.results import Result
from ..base.vecmath import top_k
from ..errors import CorruptModelError, OptionError
from .arguments import count_argument, words_argument
from .query import Engine
from .querytypes import Query

# A word whose top-10 neighbours recur in fewer than this share of members on average is flagged
# unstable: its neighbours are mostly a matter of which documents were drawn (chosen on 三国演义,
# docs/findings.md).
UNSTABLE_BELOW = 0.3
STABILITY_NEIGHBOURS = 10
NO_MEMBERS = (
    "this model has no resampled members, so nothing here says how much these results would move on another "
    "draw of the text: train with --bootstrap 10 (Python: resampling=Resampling(count=10); docs/findings.md)"
)


@dataclass
class Spread:
    """One result across the members: recurrence (None: not a neighbour list), the ensemble's
    estimate and its interval (None: fewer than 2 members have what it needs), and how many have it."""

    recurrence: float | None
    estimate: float | None
    low: float | None
    high: float | None
    found: int

    @classmethod
    def of(cls, values: list[float], recurrence: float | None = None) -> Spread:
        span = interval(values)
        low, high = span if span is not None else (None, None)
        return cls(recurrence, estimate(values), low, high, len(values))


@dataclass
class MemberView:
    """One member's answer to a query: its score of every word (by row) and its best rows, in order."""

    member: Engine
    scores: np.ndarray
    ranked: list[int]

    def top(self, depth: int) -> set[int]:
        return set(self.ranked[:depth])


def member_views(engine: Engine, query, depth: int, eligible_count: int = 0) -> list[MemberView | None]:
    """Each member's scores for the model's query (None for a member without the query's words)
    and its `depth` best rows, the query's own words and words seen under `eligible_count` times
    left out. The one member call of every finding: `query` is a Query (words, as Engine.query
    made it) or what a finding built of them, a function member -> (unit vector, rows to leave
    out) or None (an axis: w2vkit.findings.stability.axis_spreads)."""
    views: list[MemberView | None] = []
    for member in engine.members:
        made = member.member_query(query) if isinstance(query, Query) else query(member)
        if made is None:
            views.append(None)
            continue
        vector, rows = made
        found = member.nearest(vector, depth, exclude=rows, min_count=eligible_count if eligible_count > 1 else None)
        views.append(MemberView(member, found.scores, found.rows))
    return views


def spreads(views: list[MemberView | None], keys: list[str], depth: int | None) -> list[Spread]:
    """For each word key: its scores in the members that have it, and (depth given) the share of
    all members with it among their top `depth` rows."""
    out = []
    n = len(views)
    tops = [view.top(depth) if view is not None and depth else set() for view in views]
    for key in keys:
        values, hits = [], 0
        for view, top in zip(views, tops):
            if view is None:
                continue
            row = view.member.model.index.get(key)
            if row is None or not math.isfinite(float(view.scores[row])):
                continue
            values.append(float(view.scores[row]))
            hits += row in top
        out.append(Spread.of(values, hits / n if depth and n else None))
    return out


def check_rank(rank: str) -> str:
    if rank not in SIMILAR_RANKS:
        raise OptionError(f"{{rank}} must be one of {', '.join(SIMILAR_RANKS)}, not {rank!r}", "rank")
    return rank


def similar(
    engine: Engine,
    positive: str | list[str],
    negative: str | list[str] | tuple[()] = (),
    *,
    topn: int = DEFAULT_TOPN,
    restrict_vocab: int | None = None,
    stable: float | None = None,
    rank: str = SIMILAR_RANK,
    hubness: str = SIMILAR_HUBNESS,
    min_neighbour_count: int | None = NEIGHBOUR_MIN_COUNT,
    background_words: int = SIMILAR_BACKGROUND_WORDS,
) -> Result:
    """The nearest neighbours of positive − negative, each with its count; with members, the
    ensemble's estimate (column `similarity`), the model's cosine (`model`), recurrence, the 90%
    interval (`low`, `high`) and how many members have both words (`members`).

    Parameters
    ----------
    engine : Engine
        The model's engine (its members are read from the model).
    positive, negative : str or list of str
        The query's words (one string is one word).
    topn : int
        How many neighbours.
    restrict_vocab : int, optional
        Only the this many most frequent words are candidates.
    stable : float, optional
        With members: keep neighbours found among the top `topn` of at least this share of them.
    rank : {"ensemble", "model"}
        With members: order by the ensemble's estimate, or by the model's own cosine.
    hubness : {"none", "csls"}
        Rank the model's neighbours by CSLS (hubs sink; w2vkit.base.vecmath.csls) or by cosine.
    min_neighbour_count : int, optional
        Leave out neighbours seen fewer times (the query words may be rare); a note says how many.
    background_words : int
        After the text's neighbours, this many of the background's own words (a model trained with
        --background, answering with its background view), a column `from` saying which is which.

    Returns
    -------
    Result
        Rows, notes, provenance; `to_dict()` is what `--format json` prints.

    Raises
    ------
    UnknownWordError
        A word the model cannot place.
    TypeError, ValueError
        An argument of the wrong kind or range, naming it.

    Examples
    --------
    >>> engine = Engine(load_model("models/sanguo"))  # doctest: +SKIP
    >>> [r["word"] for r in similar(engine, "孔明", topn=3).records()]  # doctest: +SKIP
    ['诸葛亮', '孔明之', '军师']
    """
    if not isinstance(engine, Engine):
        raise TypeError(f"engine must be an Engine, not {type(engine).__name__}")
    positive, negative = words_argument("positive", positive), words_argument("negative", negative)
    topn = count_argument("topn", topn)
    _check_choices(rank, stable, hubness)
    if min_neighbour_count is not None:
        min_neighbour_count = count_argument("min_neighbour_count", min_neighbour_count)
    check_number("background_words", background_words)
    query = engine.query(positive, negative)
    limit = engine.limit(restrict_vocab)
    # (rare words make noisy neighbours; the query itself may be rare)
    found = engine.nearest(query, topn, min_count=min_neighbour_count, restrict=restrict_vocab, hubness=hubness)
    scores, ranking, model_rows, hidden = found.scores, found.ranking, found.rows, found.hidden
    provenance = engine.provenance(
        topn=topn,
        restrict_vocab=restrict_vocab,
        stable=stable,
        rank=rank,
        hubness=hubness,
        min_neighbour_count=min_neighbour_count,
        **({"background_words": background_words} if background_words else {}),
    )
    fields: dict = {"positive": positive, "negative": negative, "hubness": hubness}
    fields["query"] = [
        {"word": w.given, "key": w.key, "count": engine.count_of_key(w.key), "composed": w.composed}
        for w in query.positive + query.negative
    ]
    named_cells = bool(engine.labels)  # an item model with labels: each item's name beside its ID
    if not engine.members:
        columns, rows = _model_rows(engine, model_rows, scores, ranking, named_cells, hubness == "csls")
        result = Result("similar", columns, rows, fields, provenance=provenance)
        _note_hidden(result, hidden, min_neighbour_count)
        if rank == "ensemble":
            result.note("{rank}=ensemble needs resampled members; this model has none, so the model ranks", "rank")
        result.note(NO_MEMBERS, kind="info")
        _beside(result, engine, query, background_words, min_neighbour_count)
        return result
    views, table = _ensemble_table(engine, query, model_rows, scores, ranking, limit, topn, rank, stable)
    columns, rows = _ensemble_rows(engine, table, named_cells)
    half = len(engine.members) / 2
    result = Result("similar", columns, rows, fields, provenance=provenance)
    _note_hidden(result, hidden, min_neighbour_count)
    lacking = [word for word, s, *_ in table if s.found < half]
    if lacking:
        result.note(
            f"{' '.join(lacking)}: fewer than half of the {len(engine.members)} members have "
            f"{'it' if len(lacking) == 1 else 'them'} at all; an estimate from so few draws is weak",
        )
    if len(positive) == 1 and not negative:
        _note_query_stability(result, engine, query, views)
    _beside(result, engine, query, background_words, min_neighbour_count)
    return result


def _beside(result: Result, engine: Engine, query: Query, n: int, floor: int | None) -> None:
    """After the text's neighbours, the query's `n` nearest of the background's own words (`n` > 0:
    words a model trained with --background keeps that its text lacks, w2vkit.training.backgroundwords),
    by the cosine in the background view's joint part, the text's frequency floor on the
    background's counts; a last column `from` says which rows are whose."""
    if not n:
        return
    if engine.model.meta.get("view") != BACKGROUND:
        raise OptionError(
            "{background_words} lists the background's own words in the background view, and this model answers "
            f"with its {engine.model.meta.get('view', 'mixed')} one: add {{similarity}} background (a model "
            "trained with train --background)",
            "background_words",
            "similarity",
        )
    words, counts, vectors, offset = engine.background_words
    if offset + vectors.shape[1] != len(query.vector):  # (a record rewritten with its checksums)
        raise CorruptModelError(
            f"{engine.model.path}: the background's own words are {vectors.shape[1]} wide from column {offset}, and "
            f"the background view is {len(query.vector)}; retrain the model"
        )
    scores = np.asarray(vectors @ query.vector[offset:], dtype=np.float64)
    asked = {w.given for w in query.positive + query.negative}
    rare = (counts > 0) & (counts < floor) if floor else np.zeros(len(words), bool)  # (an import's counts are 0)
    scores[rare | np.isin(words, list(asked))] = -np.inf  # (an unknown query word the background has)
    top = [int(i) for i in top_k(scores, n)]
    columns = result.columns = [*result.columns, "from"]
    result.rows = [(*row, "text") for row in result.rows]
    for rank, i in enumerate(top, 1):
        cells = {"rank": rank, "word": words[i], "count": int(counts[i]), "from": BACKGROUND}
        cells["model" if "model" in columns else "similarity"] = float(scores[i])
        result.rows.append(tuple(cells.get(c) for c in columns))
    result.fields["background_words"] = len(top)
    result.note(
        f"the last {len(top)} rows are the background's own words (the text's model has none of them), "
        "nearest the query in the background view; they have only its joint part, so their cosines run "
        "lower than the text's words'; their count is the background's",
        kind="info",
    )


def query_stability(engine: Engine, query: Query, views: list[MemberView | None] | None = None) -> float | None:
    """The query's stability: the mean recurrence among the members of its top
    STABILITY_NEIGHBOURS neighbours in the model (None without members); `views`, the members'
    answers when the caller has them (at least that deep)."""
    if not engine.members:
        return None
    views = member_views(engine, query, STABILITY_NEIGHBOURS) if views is None else views
    tops = [engine.model.words[i] for i in engine.nearest(query, STABILITY_NEIGHBOURS).rows]
    recurrences = [s.recurrence or 0.0 for s in spreads(views, tops, STABILITY_NEIGHBOURS)]
    return float(np.mean(recurrences)) if recurrences else None


def _note_query_stability(result: Result, engine: Engine, query, views) -> None:
    """The query word's stability (query_stability) as a field, and a note when it is under
    UNSTABLE_BELOW."""
    stability = query_stability(engine, query, views)
    result.fields["query_stability"] = stability
    if stability is not None and stability < UNSTABLE_BELOW:
        result.note(
            f"{result.fields['positive'][0]}'s top-{STABILITY_NEIGHBOURS} neighbours recur in {stability:.0%} of the "
            f"members on average (under {UNSTABLE_BELOW:.0%}): its vector is unstable, its neighbours owe much to "
            "which documents were drawn"
        )


def _check_choices(rank: str, stable, hubness: str) -> None:
    check_rank(rank)
    if stable is not None and not (isinstance(stable, (int, float)) and 0 <= stable <= 1):
        raise OptionError(f"{{stable}} must be a share from 0 to 1, not {stable!r}", "stable")
    if hubness not in HUBNESS_CHOICES:
        raise OptionError(f"{{hubness}} must be one of {', '.join(HUBNESS_CHOICES)}, not {hubness!r}", "hubness")


def _model_rows(engine: Engine, model_rows, scores, ranking, named: bool, csls_cells: bool):
    """similar's columns and rows for a model without members: the model's cosine (and CSLS)."""
    words, counts = engine.model.words, engine.model.counts
    columns = ["rank", "word", *(["name"] if named else []), "similarity", *(["csls"] if csls_cells else []), "count"]
    rows = [
        (
            n,
            words[i],
            *([engine.name_of(words[i])] if named else []),
            float(scores[i]),
            *([float(ranking[i])] if csls_cells else []),
            int(counts[i]),
        )
        for n, i in enumerate(model_rows, 1)
    ]
    return columns, rows


def _ensemble_rows(engine: Engine, table: list, named: bool) -> tuple[list[str], list[tuple]]:
    """similar's columns and rows with members: the estimate, the model's cosine, the recurrence and
    the interval of each candidate of the table."""
    columns = ["rank", "word", *(["name"] if named else []), "similarity", "model", "count"]
    columns += ["recurrence", "low", "high", "members"]
    counts, index = engine.model.counts, engine.model.index
    rows = [
        (
            n,
            word,
            *([engine.name_of(word)] if named else []),
            s.estimate,
            model,
            int(counts[index[word]]),
            s.recurrence,
            s.low,
            s.high,
            s.found,
        )
        for n, (word, s, model, _) in enumerate(table, 1)
    ]
    return columns, rows


def _ensemble_table(engine: Engine, query, model_rows, scores, ranking, limit: int, topn: int, rank: str, stable):
    """The members' views of the query and the candidates' (word, spread, model cosine, ranking),
    the model's top list and every member's bagged, ordered by the rank rule, cut to topn and, with
    stable, to those recurring that often."""
    words = engine.model.words
    depth = max(topn, STABILITY_NEIGHBOURS)
    views = member_views(engine, query, depth)
    candidates = [words[i] for i in model_rows]
    for view in views:  # (the bagged candidates: every member's top list beside the model's)
        if view is not None:
            candidates += [view.member.model.words[i] for i in view.ranked[:topn]]
    index = engine.model.index
    # (a member's candidate the model lacks, or one past restrict_vocab, is not the model's to show)
    candidates = [
        w
        for w in dict.fromkeys(candidates)
        if index.get(w, limit) < limit and index[w] not in query.rows and np.isfinite(ranking[index[w]])
    ]
    table = [
        (word, spread, float(scores[index[word]]), float(ranking[index[word]]))
        for word, spread in zip(candidates, spreads(views, candidates, topn))
    ]
    half = len(engine.members) / 2
    if rank == "ensemble":  # (a candidate most members lack has an estimate from few draws: after the rest)
        table.sort(key=lambda t: (t[1].found < half, -(t[1].estimate if t[1].estimate is not None else -2), -t[2]))
    else:
        table.sort(key=lambda t: -t[3])
    table = table[:topn]
    if stable is not None:
        table = [t for t in table if (t[1].recurrence or 0) >= stable]
    return views, table


def _note_hidden(result: Result, hidden: int, floor: int | None) -> None:
    if hidden:
        result.note(
            f"hid {hidden} neighbour{'s' if hidden > 1 else ''} seen fewer than {floor} times ({{min_neighbour_count}})",
            "min_neighbour_count",
            kind="info",
        )


def similarity(engine: Engine, pairs: tuple[str, str] | list[tuple[str, str]]) -> Result:
    """The cosine of each pair (a, b) of words, with each word's count and whether a vector was
    composed; with members, the ensemble's estimate (`similarity`), the model's cosine (`model`),
    the 90% interval and how many members have both words.

    Parameters
    ----------
    engine : Engine
        The model's engine.
    pairs : (str, str) or list of (str, str)
        The pairs of words.

    Returns
    -------
    Result
        A row per pair.

    Raises
    ------
    UnknownWordError
        A word the model cannot place.
    TypeError, ValueError
        Pairs that are not pairs of words.

    Examples
    --------
    >>> similarity(Engine(load_model("models/xiyouji")), ("孙悟空", "猪八戒")).rows[0][2]  # doctest: +SKIP
    0.2866
    """
    if not isinstance(engine, Engine):
        raise TypeError(f"engine must be an Engine, not {type(engine).__name__}")
    given: list = (
        [pairs]
        if isinstance(pairs, tuple) and len(pairs) == 2 and all(isinstance(p, str) for p in pairs)
        else list(pairs)
    )
    found = [words_argument("pairs", p) for p in given]
    if not found or any(len(p) != 2 for p in found):
        raise ValueError("pairs must be (a, b) pairs of words")
    pairs = [(p[0], p[1]) for p in found]
    members = engine.members
    rows = []
    for a, b in pairs:
        wa, wb = engine.lookup(a), engine.lookup(b)
        model = engine.similarity(a, b)
        cells: tuple = ()
        value = model
        if members:
            values = []
            query = engine.query([a]) if wa.vector.any() else None
            for member in members:  # (each member's score of b as similar scores it: Engine.score_at)
                made = member.member_query(query) if query is not None else None
                j = member.model.index.get(wb.key)
                if made is not None and j is not None and member.vectors[j].any():
                    values.append(member.score_at(made[0], member.lookup(wb.key)))
            spread = Spread.of(values)
            value = spread.estimate if spread.estimate is not None else float("nan")
            cells = (model, spread.low, spread.high, spread.found)
        rows.append(
            (a, b, value, engine.count_of_key(wa.key), engine.count_of_key(wb.key), wa.composed or wb.composed, *cells)
        )
    columns = ["a", "b", "similarity", "count_a", "count_b", "composed"]
    columns += ["model", "low", "high", "members"] if members else []
    result = Result("similarity", columns, rows, {"pairs": [list(p) for p in pairs]}, provenance=engine.provenance())
    if not members:
        result.note(NO_MEMBERS, kind="info")
    return result
