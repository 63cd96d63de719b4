"""What a query is made of and what the one nearest call answers: a word as the model resolved
it, a query of words, and the neighbours found (w2vkit.queries.query.Engine makes all three)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Word:
    """A word as the model resolved it: `key`, the vocabulary's form of it (or, for a word composed
    from n-grams, its training form), its row (None: composed) and unit vector."""

    given: str
    key: str
    row: int | None
    vector: np.ndarray

    @property
    def composed(self) -> bool:
        return self.row is None


@dataclass(frozen=True)
class Query:
    """positive − negative words resolved by the model: the unit mean of their unit vectors
    (negatives subtracted), as gensim's most_similar builds it."""

    positive: tuple[Word, ...]
    negative: tuple[Word, ...]
    vector: np.ndarray

    @property
    def rows(self) -> set[int]:
        return {w.row for w in self.positive + self.negative if w.row is not None}

    @property
    def keys(self) -> tuple[list[str], list[str]]:
        return [w.key for w in self.positive], [w.key for w in self.negative]


@dataclass(frozen=True)
class Neighbours:
    """What Engine.nearest answers: every candidate's cosine with the query (`scores`, over the
    first `restrict` words; -inf for a zero row), what ranked them (`ranking`: the cosine or CSLS,
    -inf where left out), the top rows best first and how many rare words the floor hid from them."""

    words: list[str]
    scores: np.ndarray
    ranking: np.ndarray
    rows: list[int]
    hidden: int = 0

    @property
    def pairs(self) -> list[tuple[str, float]]:
        """(word, cosine) of the top rows, as gensim's most_similar gives them."""
        return [(self.words[i], float(self.scores[i])) for i in self.rows]

    @property
    def candidates(self) -> int:
        """How many words could have answered (not left out, not under the floor)."""
        return int(np.isfinite(self.ranking).sum())
