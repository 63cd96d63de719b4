"""How much a finding would move on another draw of the text: the statistics over a model's
members that `expand`, `axis` and `compare` add to what the query path gives them.

* interval and estimate: w2vkit.base.intervals (a prediction interval in Fisher z; the members'
  mean inside it), shared with `similar`;
* recurrence: the share of members with a result among their own top n (w2vkit.queries.ensemble);
* rank agreement: the mean Spearman correlation between the members' rankings of the same words.

The members run the same lookup and query as the model (Engine.members, Engine.member_query), so a
finding means the same words in every member.
"""

from __future__ import annotations

import numpy as np

from ..base.intervals import estimate, interval
from ..queries.ensemble import UNSTABLE_BELOW, Spread, member_views, query_stability, spreads
from ..queries.query import Engine
from ..queries.querytypes import Query

__all__ = ["UNSTABLE_BELOW", "Spread", "estimate", "interval", "mean_spearman", "word_stability"]


def word_stability(engine: Engine, key: str) -> float | None:
    """The mean recurrence of the word's top neighbours among the members, as similar gives it
    (None: no members, or the model lacks the word)."""
    row = engine.model.index.get(key)
    if row is None or not engine.members:
        return None
    return query_stability(engine, Query((engine.lookup(key),), (), engine.unit_vector(row)))


def centroid_spreads(engine: Engine, query: Query, keys: list[str], topn: int, min_count: int) -> list[Spread]:
    """expand's candidates across the members: each one's cosine with each member's centroid of
    the seeds it has, and its recurrence among that member's top `topn` (seeds and words seen under
    `min_count` times left out, as in the model)."""
    return spreads(member_views(engine, query, topn, min_count), keys, topn)


def axis_spreads(
    engine: Engine, positive: list[str], negative: list[str], keys: list[str]
) -> tuple[list[Spread], float | None]:
    """Each word's axis score across the members (the axis made in each member from the pole words
    it has, by the model's keys) and the rank agreement of the members' rankings (None with fewer
    than 2 members scoring 3+ words): the members answer through the one member call
    (w2vkit.queries.ensemble.member_views), as similar's and expand's do."""

    def axis_of(member: Engine):
        pos = [member.model.index[k] for k in positive if k in member.model.index]
        neg = [member.model.index[k] for k in negative if k in member.model.index]
        if not pos or not neg:
            return None
        unit = member.unit_vector
        axis = np.mean([unit(i) for i in pos], axis=0) - np.mean([unit(i) for i in neg], axis=0)
        norm = float(np.linalg.norm(axis))
        return None if norm < 1e-6 else (axis / norm, set(pos + neg))

    views = member_views(engine, axis_of, 0)
    per_member = []
    for view in views:
        if view is not None:
            rows = [view.member.model.index.get(k) for k in keys]
            per_member.append([float(view.scores[r]) if r is not None else None for r in rows])
    return spreads(views, keys, None), mean_spearman(per_member)


def mean_spearman(rankings: list[list[float | None]]) -> float | None:
    """The mean Spearman correlation over pairs of score lists, each pair on the items both
    scored (3 at least); None when no pair has 3."""
    found = []
    for a in range(len(rankings)):
        for b in range(a + 1, len(rankings)):
            both = [(x, y) for x, y in zip(rankings[a], rankings[b]) if x is not None and y is not None]
            if len(both) < 3:
                continue
            x, y = (np.argsort(np.argsort(np.asarray(v))) for v in zip(*both))
            if x.std() == 0 or y.std() == 0:
                continue
            found.append(float(np.corrcoef(x, y)[0, 1]))
    return float(np.mean(found)) if found else None
