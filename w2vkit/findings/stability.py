"""How much a finding would move on another draw of the text: statistics over a model's members
(w2vkit.model.members), for `similar`, `similarity`, `expand` and `axis`.

For a (word, neighbour) pair: its **recurrence**, the share of members that have the neighbour
among the word's top n (a member lacking either word counts as not having it; Antoniak & Mimno
2018), and an **interval** of its cosine. For an axis: each word's score interval and the mean
Spearman correlation between the members' rankings.

The interval is a prediction interval for the value a model trained on one more resample would
give: the members' cosines are Fisher-transformed (z = atanh), and the interval is
mean(z) ± t(n-1) · sd(z) · sqrt(1 + 1/n), transformed back. Raw percentiles of a few members are
not 90% intervals for a new draw (6 members' 5th-95th percentiles covered a 7th resample's value
63% of the time, issue 35); the calibration of this one is measured in benchmarks/calibration.py
and docs/findings.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

from ..model.members import load_members
from ..queries.query import Engine

LEVEL = 0.90
# A word whose top-10 neighbours recur in fewer than this share of members on average is flagged
# unstable: its neighbours are mostly a matter of which documents were drawn (chosen on 三国演义,
# docs/findings.md).
UNSTABLE_BELOW = 0.3
STABILITY_NEIGHBOURS = 10


def t_quantile(p: float, df: int) -> float:
    """Student's t quantile: exact for 1 and 2 degrees of freedom, else Abramowitz & Stegun 26.7.5
    from the normal quantile (within 0.15% of scipy.stats.t.ppf from 3, tested), written out so a
    query does not import scipy.stats (0.6 s)."""
    if df == 1:
        return math.tan(math.pi * (p - 0.5))
    if df == 2:
        return (2 * p - 1) / math.sqrt(2 * p * (1 - p))
    z = NormalDist().inv_cdf(p)
    v = float(df)
    return (
        z
        + (z**3 + z) / (4 * v)
        + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * v**2)
        + (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / (384 * v**3)
        + (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / (92160 * v**4)
    )


def interval(values, level: float = LEVEL) -> tuple[float, float] | None:
    """The prediction interval (module docstring) of cosines (or axis scores, in [-1, 1]) from the
    members; None with fewer than 2 values."""
    values = np.asarray([v for v in values if v is not None and math.isfinite(v)], dtype=np.float64)
    n = len(values)
    if n < 2:
        return None
    z = np.arctanh(np.clip(values, -0.999999, 0.999999))
    half = t_quantile(0.5 + level / 2, n - 1) * float(z.std(ddof=1)) * math.sqrt(1 + 1 / n)
    return float(np.tanh(z.mean() - half)), float(np.tanh(z.mean() + half))


def _bounds(span: tuple[float, float] | None) -> tuple[float | None, float | None]:
    return span if span is not None else (None, None)


@dataclass
class Spread:
    """One result's stability across the members."""

    recurrence: float | None  # share of members with it in their top n (None: not a neighbour list)
    low: float | None  # the interval of its score (None: fewer than 2 members have both words)
    high: float | None
    found: int  # members that have the words it needs


class Ensemble:
    """A model's members as query engines (empty when it has none)."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.members = [Engine(m) for m in load_members(engine.model)]

    def __bool__(self) -> bool:
        return bool(self.members)

    def __len__(self) -> int:
        return len(self.members)

    def _rows(self, member: Engine, words: list[str]) -> list[int | None]:
        index = member.model.index
        return [index.get(w) for w in words]

    def neighbours(self, word: str, hits: list[str], topn: int) -> list[Spread]:
        """For each of the model's neighbours `hits` of `word`: recurrence in the members' top
        `topn` of the word, and the interval of their cosine."""
        return self.query_neighbours([word], [], hits, topn)

    def query_neighbours(self, positive: list[str], negative: list[str], hits: list[str], topn: int) -> list[Spread]:
        """As neighbours, for the query positive - negative (gensim's most_similar: the mean of
        the words' unit vectors, negatives subtracted), made in each member from the words it
        has; a member lacking every positive word has no neighbours."""
        recur = np.zeros(len(hits))
        values: list[list[float]] = [[] for _ in hits]
        for member in self.members:
            pos = [r for r in self._rows(member, positive) if r is not None]
            neg = [r for r in self._rows(member, negative) if r is not None]
            if not pos:
                continue
            unit = member.unit
            query = unit[pos].sum(axis=0) - (unit[neg].sum(axis=0) if neg else 0)
            norm = float(np.linalg.norm(query))
            if norm == 0:
                continue
            scores = unit @ (query / norm)
            scores[pos + neg] = -np.inf
            top = set(np.argpartition(-scores, min(topn, len(scores) - 1))[:topn].tolist())
            for j, r in enumerate(self._rows(member, hits)):
                if r is None or not np.isfinite(scores[r]):
                    continue
                values[j].append(float(scores[r]))
                recur[j] += r in top
        out = []
        for j in range(len(hits)):
            span = interval(values[j])
            out.append(Spread(float(recur[j] / len(self.members)), *_bounds(span), len(values[j])))
        return out

    def similarity(self, a: str, b: str) -> Spread:
        values = []
        for member in self.members:
            i, j = self._rows(member, [a, b])
            if i is not None and j is not None:
                values.append(float(member.unit[i] @ member.unit[j]))
        span = interval(values)
        return Spread(None, *_bounds(span), len(values))

    def centroid_scores(self, seeds: list[str], words: list[str], topn: int) -> list[Spread]:
        """For expand: each candidate's cosine with the members' centroid of the seeds they have,
        and its recurrence among each member's top `topn` candidates (seeds excluded)."""
        recur = np.zeros(len(words))
        values: list[list[float]] = [[] for _ in words]
        used = 0
        for member in self.members:
            rows = [r for r in self._rows(member, seeds) if r is not None]
            if not rows:
                continue
            used += 1
            unit = member.unit
            centroid = unit[rows].mean(axis=0)
            norm = float(np.linalg.norm(centroid))
            if norm == 0:
                continue
            scores = unit @ (centroid / norm)
            scores[rows] = -np.inf
            top = set(np.argpartition(-scores, min(topn, len(scores) - 1))[:topn].tolist())
            for j, r in enumerate(self._rows(member, words)):
                if r is not None:
                    values[j].append(float(scores[r]))
                    recur[j] += r in top
        return [
            Spread(float(recur[j] / len(self.members)), *_bounds(interval(values[j])), len(values[j]))
            for j in range(len(words))
        ]

    def axis(self, positive: list[str], negative: list[str], words: list[str]) -> tuple[list[Spread], float | None]:
        """Each word's axis score interval across the members (the axis made in each member from
        the pole words it has), and the mean Spearman correlation between the members' rankings of
        the words (None with fewer than 2 members scoring 3+ words)."""
        per_member = []
        for member in self.members:
            pos = [r for r in self._rows(member, positive) if r is not None]
            neg = [r for r in self._rows(member, negative) if r is not None]
            if not pos or not neg:
                continue
            unit = member.unit
            axis = unit[pos].mean(axis=0) - unit[neg].mean(axis=0)
            norm = float(np.linalg.norm(axis))
            if norm < 1e-6:
                continue
            axis /= norm
            rows = self._rows(member, words)
            per_member.append([float(unit[r] @ axis) if r is not None else None for r in rows])
        spreads = []
        for j in range(len(words)):
            values = [m[j] for m in per_member if m[j] is not None]
            spreads.append(Spread(None, *_bounds(interval(values)), len(values)))
        return spreads, mean_spearman(per_member)

    def word_stability(self, word: str, k: int = STABILITY_NEIGHBOURS) -> float | None:
        """The mean recurrence of the word's top-k neighbours in the model (None: not in the model)."""
        i = self.engine.model.index.get(word)
        if i is None:
            return None
        hits = [w for w, _ in self.engine.most_similar([word], topn=k)]
        spreads = self.neighbours(word, hits, k)
        return float(np.mean([s.recurrence for s in spreads])) if spreads else None


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


# ------------------------------------------------------------------ rows the commands print


@dataclass
class Neighbour:
    """A neighbour as `similar` reports it: its cosine, its count in the corpus, and (with
    members) its recurrence and interval."""

    word: str
    score: float
    count: int
    spread: Spread | None = None


def provenance(engine: Engine, **options) -> dict:
    """What made a result, for its JSON: the model, its vectors' checksum, w2vkit's version and
    the call's options."""
    from .. import __version__

    meta = engine.model.meta
    return {
        "model": str(engine.model.path),
        "vectors_sha256": meta.get("vectors_sha256"),
        "w2vkit_version": __version__,
        "members": len((meta.get("members") or {}).get("members") or []),
        "options": options,
    }


def similar(
    engine: Engine,
    positive: list[str],
    negative: list[str] | tuple[()] = (),
    topn: int = 10,
    restrict_vocab: int | None = None,
    stable: float | None = None,
    ensemble: Ensemble | None = None,
) -> list[Neighbour]:
    """engine.most_similar with each neighbour's count and, when the model has members, its
    recurrence and interval (the members' query: the same words, those they have). stable=P
    keeps the neighbours recurring in at least a share P of the members."""
    ensemble = Ensemble(engine) if ensemble is None else ensemble
    hits = engine.most_similar(list(positive), list(negative), topn, restrict_vocab)
    counts = engine.model.counts
    rows = [Neighbour(w, s, int(counts[engine.model.index[w]])) for w, s in hits]
    if ensemble:
        for row, spread in zip(
            rows, ensemble.query_neighbours(list(positive), list(negative), [w for w, _ in hits], topn)
        ):
            row.spread = spread
        if stable is not None:
            rows = [r for r in rows if r.spread is not None and (r.spread.recurrence or 0) >= stable]
    return rows
