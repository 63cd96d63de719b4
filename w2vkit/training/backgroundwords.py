"""The background's own words (issue 60): words a background uses and the text does not (or too
rarely for the model's vocabulary), placed in the background view so that a query can list them
on request (`similar --background-words N`), labelled, after the text's own neighbours. A query
never answers with them otherwise: the model's words stay the text's.

A word the text lacks has no predictive vector and no topical one (its own share of use is 0), so
in the background view its vector is its joint part alone: for a counted background, its
co-occurrences with the text's words over the text and the background, folded into the joint
count's space (w2vkit.training.countmodel.fold_in); for a model as the background, the model's
own vector. The cosine of a text word x and such a word y is then sqrt(1 - a_x) times the cosine of
their joint parts (w2vkit.training.background.background_view).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..base.choices import BACKGROUND_WORDS_MAX
from ..base.vecmath import unit_rows

if TYPE_CHECKING:
    from .background import Background


@dataclass(frozen=True)
class BackgroundWords:
    """The background's own words, their counts in the background (0 where an imported model has
    none), and their unit vectors: the last columns of the background view from `offset` on (the
    columns before are 0 for them)."""

    words: list[str]
    counts: Any
    vectors: Any
    offset: int


def own_words(background: Background, vocabulary: list[str], min_count: int) -> list[str]:
    """The background's words not in the model's vocabulary, most used first: a counted
    background's seen `min_count` times in it (the text's floor), a model's all its words; at most
    BACKGROUND_WORDS_MAX."""
    known = set(vocabulary)
    if background.corpus is None:  # (a model: the words whose rows it kept, in its order)
        candidates = [w for w in (background.words or {}) if w not in known]
        return candidates[:BACKGROUND_WORDS_MAX]
    floor = min_count / max(1, background.tokens)
    ranked = sorted(
        (w for w, rate in background.rates.items() if rate >= floor and w not in known),
        key=lambda w: -background.rates[w],
    )
    return ranked[:BACKGROUND_WORDS_MAX]


def background_words(
    text_corpus: Path, background: Background, vocabulary: list[str], min_count: int, basis: dict | None, width: int
) -> BackgroundWords | None:
    """The background's own words of a model whose background view is `width` wide: for a
    counted background, folded into its joint count (`basis`, the count's SVD) from their
    co-occurrences with the vocabulary over both corpora; for a model, its vectors. None when the
    background has none of its own."""
    import numpy as np

    words = own_words(background, vocabulary, min_count)
    if not words:
        return None
    if background.corpus is None:
        vectors = unit_rows(np.asarray(background.vectors_of(words), dtype=np.float32))
    else:
        if basis is None:
            return None
        from .countmodel import cooccurrences_for, fold_in

        index = {w: i for i, w in enumerate([*vocabulary, *words])}  # (the window and weighting the count had)
        both = [cooccurrences_for(corpus, index, [basis["window"]])[0] for corpus in (text_corpus, background.corpus)]
        rows = (both[0] + both[1]).tocsr()[len(vocabulary) :, : len(vocabulary)]
        vectors = unit_rows(fold_in(rows, basis))
    counts = np.array([round(background.rates.get(w, 0.0) * background.tokens) for w in words], dtype=np.int64)
    return BackgroundWords(words, counts, np.ascontiguousarray(vectors, dtype=np.float32), width - vectors.shape[1])
