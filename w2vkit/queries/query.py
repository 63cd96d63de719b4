"""Answering questions about a model with numpy alone: neighbours, similarity, analogies, odd one out.

The semantics and the float32 arithmetic follow gensim's KeyedVectors (most_similar,
most_similar_cosmul, similarity, doesnt_match) so answers are the same, but nothing here imports
gensim or unpickles anything: a cold query costs a numpy import and an mmap.

Every query goes through one lookup (`Engine.lookup`: the word as given, its training form, an item's
name; else a vector composed from character n-grams), one query-vector builder (`Engine.query`)
and one nearest call (`Engine.nearest`: one score formula, `Engine.scores`, and the one top-k,
w2vkit.base.vecmath.top_k), which the findings, the evaluations and the members ask too. A model's resampled members are engines too
(`Engine.members`), and they look words up by the key the model resolved them to, so a query
means the same word in the model and in every member (孫悟空 in a --to-simplified model, Paris in
an English one, an item's name).
"""

from __future__ import annotations

import logging
import os
from functools import cached_property

import numpy as np

from ..base.choices import ANALOGY_METHODS, HUBNESS_CHOICES, MIXED
from ..base.vecmath import HUBNESS_K, csls, neighbour_means, row_norms, top_k, unit_vector
from ..errors import OptionError, UnknownWordError, UsageError
from ..model.store import Model
from ..model.subwords import MIN_KNOWN_NGRAM_SHARE
from .arguments import count_argument, terms_argument, words_argument
from .querytypes import Neighbours, Query, Word
from .words import training_form, unknown_word_message

log = logging.getLogger(__name__)

# A view's row norms are kept in the model's cache (Model.cache_file) from this many words up:
# computing them reads every vector, ~0.5 s for 1M x 300; reading 4 MB of cached norms does not.
# CSLS's hubness is kept from any size (3 s at 20,000 words, 47 s at 70,000).
NORM_CACHE_MIN_WORDS = 100_000


class Engine:
    """Queries over one model. Scores are computed as gensim computes them (raw vectors dotted
    with a unit mean, divided by the row norms, in float32), so rankings agree even on near-ties.

    Parameters
    ----------
    model : Model
        A loaded model (load_model); a path to a model folder is loaded.
    parent : Engine, optional
        For a resampled member: the model's engine, whose lookup resolved the words the member is
        asked about (members are made by `members`, not by hand).
    similarity : {"topical", "paradigmatic", "mixed"}, optional
        What similar means, for a model with a count part (w2vkit.model.views); None: topical
        where the model has it, else its own vectors (mixed).

    Raises
    ------
    UnknownWordError
        From a query, for a word the model has no vector for (with close words that it has).

    Examples
    --------
    >>> engine = Engine(load_model("models/xiyouji"))  # doctest: +SKIP
    >>> engine.most_similar(["行者"], [], 3)  # doctest: +SKIP
    [('大圣', 0.83), ('悟空', 0.81), ('孙行者', 0.79)]
    """

    _noted: set

    def __init__(
        self, model: Model | str | os.PathLike, *, parent: Engine | None = None, similarity: str | None = None
    ):
        if isinstance(model, (str, os.PathLike)):
            from ..model.store import load_model

            model = load_model(model)
        if not isinstance(model, Model):
            raise TypeError(f"model must be a Model (load_model) or a model folder's path, not {type(model).__name__}")
        # the kind of similarity (w2vkit.model.views): the one asked always wins, also over a view the
        # model object already answers with
        if parent is None and ("view" not in model.meta or similarity is not None):
            from ..model.views import with_view

            model = with_view(model, similarity)
        self._noted = set()
        self._kept: dict[str, tuple[str, np.ndarray]] = {}
        self.unkept: dict[str, str] = {}
        self.model = model
        self.vectors = model.vectors
        # a member looks words up by the keys its model resolved, under its model's rules
        self.parent = parent

    # What a question needs of the model beyond its vectors is the engine's data, made once, on
    # first use (cached_property): a question computes on it and re-opens no file of the model.

    @cached_property
    def members(self) -> list[Engine]:
        """The model's resampled members as engines (empty for most models), checked against the
        model's record of them (w2vkit.model.members)."""
        if not self.model.meta.get("members"):
            return []
        from ..model.members import load_members

        return [Engine(m, parent=self) for m in load_members(self.model)]

    @property
    def member_kind(self) -> str | None:
        """bootstrap or seeds (None without members)."""
        record = self.model.meta.get("members")
        return record.get("kind") if isinstance(record, dict) else None

    @cached_property
    def labels(self) -> dict:
        """An item model's labels (ID -> (name, groups)), {} for models without (w2vkit.text.corpus.items)."""
        if self.parent is not None:
            return self.parent.labels
        from ..model.itemfiles import model_item_file, read_labels

        kept = model_item_file(self.model, "labels") if self.model.meta.get("items") else None
        return read_labels(*kept) if kept else {}

    @cached_property
    def dropped(self) -> dict[str, int]:
        """The words the training text had below min_count, with their counts (unknown words' messages)."""
        return self.model.dropped_counts()

    @cached_property
    def row_options(self):
        """How the model cuts a table's rows into tokens: its segmentation restored with its
        dictionaries (w2vkit.queries.segmentation.row_options); None: at whitespace."""
        from .segmentation import row_options

        return row_options(self.model)

    @cached_property
    def _by_name(self) -> dict[str, list[str]]:
        by_name: dict[str, list[str]] = {}
        for item, (label, _) in self.labels.items():
            if item in self.model.index:
                by_name.setdefault(label.casefold(), []).append(item)
        return by_name

    def name_of(self, word: str) -> str:
        """An item's name from its label ("" without one)."""
        return self.labels[word][0] if word in self.labels else ""

    def _item_by_name(self, name: str) -> str | None:
        """The ID of the one item of the model whose label is `name` (case ignored); several:
        a UsageError listing them."""
        found = self._by_name.get(name.strip().casefold(), [])
        if len(found) > 1:
            shown = "; ".join(f"{i} {self.labels[i][0]}" for i in found[:10])
            raise UsageError(f"{name!r} names {len(found)} items: {shown}; give the ID")
        return found[0] if found else None

    @cached_property
    def norms(self) -> np.ndarray:
        """The rows' norms (float32), kept in the model's cache from NORM_CACHE_MIN_WORDS words up."""
        if len(self.vectors) < NORM_CACHE_MIN_WORDS:
            return row_norms(self.vectors)
        return self.kept("norms.npy", "", (len(self.vectors),), lambda: row_norms(self.vectors))

    @cached_property
    def unit(self) -> np.ndarray:
        """Row-normalised vectors (float32), for batched evaluation."""
        with np.errstate(divide="ignore", invalid="ignore"):
            unit = (np.asarray(self.vectors) / self.norms[:, None]).astype(np.float32)
        unit[~np.isfinite(unit)] = 0  # a zero or broken row: a zero vector, matching nothing
        return unit

    @cached_property
    def hubness(self) -> np.ndarray:
        """Each word's r for CSLS (w2vkit.base.vecmath.neighbour_means), kept in the model's cache,
        believed only with the vectors' checksum."""
        return self.kept("hubness.npy", f"k={HUBNESS_K}", (len(self.vectors),), lambda: neighbour_means(self.unit))

    @cached_property
    def background_words(self) -> tuple[list[str], np.ndarray, np.ndarray, int]:
        """The background's own words a model trained with --background keeps: (words, counts,
        unit vectors, the view's column they start at; w2vkit.model.views.background_own_words)."""
        from ..model.views import background_own_words

        return background_own_words(self.model)

    def kept(self, name: str, key: str, shape: tuple, compute, dtype: str = "float32") -> np.ndarray:
        """Values derived from this model (a view's norms, a table's tokens, its à la carte transform,
        a map's layout), made once per engine: held for the next question (the latest of each
        `name`), kept in the user's cache (Model.cache_file: never the model folder; NAME-VIEW.npy
        for a view) and believed for the same `key` and vectors (w2vkit.base.cachefile). Why a cache
        could not be written is in `unkept[name]`: a read-only cache only costs the time."""
        key = f"{self.model.meta.get('vectors_sha256', '')} {key}"
        held = self._kept.get(name)
        if held is not None and held[0] == key:
            return held[1]
        from ..base.cachefile import StampedCache

        view = self.model.meta.get("view")
        cache = StampedCache(self.model.cache_file(name.replace(".npy", f"-{view}.npy") if view else name), key)
        values = cache.read(shape, dtype)
        if values is None:
            values = np.asarray(compute(), dtype=dtype)
            if why := cache.keep(values):
                self.unkept[name] = why
        self._kept[name] = (key, values)
        return values

    def unit_vector(self, i: int) -> np.ndarray:
        """Row i at unit length; a zero (or broken) row stays a zero vector, without a warning."""
        norm = self.norms[i]
        if not np.isfinite(norm) or norm == 0:
            return np.zeros(self.vectors.shape[1], dtype=np.float32)
        return (self.vectors[i] / norm).astype(np.float32)

    # ------------------------------------------------------------------ the one lookup

    def key_of(self, word: str) -> str | None:
        """The vocabulary's form of `word`: itself, its training form (normalised, lowercased,
        Simplified as the model was trained), or the ID an item name stands for; None if none."""
        if not isinstance(word, str):
            raise TypeError(f"a word must be a str, not {type(word).__name__} ({word!r})")
        if self.parent is not None:  # (a member: the model resolved the word; the key is looked up as it is)
            return word if word in self.model.index else None
        if word in self.model.index:
            return word
        form = training_form(self.model, word)
        if form != word and form in self.model.index:
            self._say(word, f"{word}: looked up as {form} (the model's text was normalised so in training)")
            return form
        if self.model.meta.get("items"):  # an item model: a name from its labels
            item = self._item_by_name(word)
            if item is not None:
                self._say(word, f"{word}: the item {item} (its name in the labels)")
                return item
        return None

    def _say(self, word: str, message: str) -> None:
        if word not in self._noted:
            self._noted.add(word)
            log.info("%s", message)

    def lookup(self, word: str) -> Word:
        """The one lookup: the word's key, row and unit vector; a word the model lacks gets one
        composed from its character n-grams when the model keeps them (w2vkit.model.subwords), with
        no row; else UnknownWordError with why, and close words."""
        key = self.key_of(word)
        if key is not None:
            i = self.model.index[key]
            return Word(word, key, i, self.unit_vector(i))
        table = self.model.ngram_table() if self.parent is None else None
        composed = table.vector(word) if table is not None else None
        if composed is None:
            raise UnknownWordError(lambda: self._unknown(word), word)  # (the message made only if shown)
        vector, known, total = composed
        if known < MIN_KNOWN_NGRAM_SHARE * total:
            # Too little of the word is known for its n-grams to say what it means.
            note = (
                f" (only {known} of its {total} character n-grams are known; at least "
                f"{MIN_KNOWN_NGRAM_SHARE:.0%} are needed to compose a vector)"
            )
            raise UnknownWordError(self._unknown(word, note), word) from None
        self._say(
            word,
            f"{word}: not in the vocabulary; composed from its character n-grams ({known} of {total} known, "
            f"{100 * known / total:.0f}%)",
        )
        return Word(word, training_form(self.model, word), None, unit_vector(vector))

    def _unknown(self, word: str, note: str = ""):
        """Why `word` has no vector (w2vkit.queries.words.unknown_word_message), from the engine's data."""
        seg = (lambda: self.row_options) if self.model.meta.get("segmentation") else None
        return unknown_word_message(self.model, word, note, dropped=self.dropped, segmentation=seg)

    def index_of(self, word: str) -> int:
        """The word's row (UnknownWordError when the vocabulary lacks it, n-grams aside)."""
        key = self.key_of(word)
        if key is None:
            raise UnknownWordError(lambda: self._unknown(word), word)
        return self.model.index[key]

    def count_of_key(self, key: str) -> int:
        i = self.model.index.get(key)
        return int(self.model.counts[i]) if i is not None else 0

    # ------------------------------------------------------------------ the one query vector

    def query(self, positive, negative=()) -> Query:
        """positive − negative, each word looked up once: the unit mean of their unit vectors. A
        term may be a vector of the model's (view's) dimension instead of a word, as in gensim's
        most_similar: it has no row to leave out of the answer, and no key, so members answer
        with the words alone."""
        positive, negative = terms_argument("positive", positive), terms_argument("negative", negative)
        if not positive and not negative:
            raise UsageError("give at least one word")
        pos = tuple(self._term(w, n) for n, w in enumerate(positive, 1))
        neg = tuple(self._term(w, n) for n, w in enumerate(negative, len(positive) + 1))
        vector = self._mean([w.vector for w in pos], [w.vector for w in neg])
        if vector is None:
            raise UsageError(
                f"the words {' '.join(w.given for w in (pos + neg)[:10])} have zero or cancelling vectors: their "
                "sum is the zero vector, which has no neighbours; give other words"
            )
        return Query(pos, neg, vector)

    def _term(self, term, number: int) -> Word:
        """A query's term: a word looked up, or a vector given (checked: its length the model's,
        finite, not zero), named "vector N"."""
        if isinstance(term, str):
            return self.lookup(term)
        dim = self.vectors.shape[1]
        vector = np.asarray(term, dtype=np.float32)
        if vector.shape != (dim,) or not np.isfinite(vector).all() or not vector.any():
            raise UsageError(
                f"vector {number}: a query vector is {dim} finite numbers, not all zero (the dimension of the "
                f"vectors the model answers with, its {self.model.meta.get('view', MIXED)} ones); this one has "
                f"shape {'x'.join(map(str, vector.shape)) or 'of a number'}"
            )
        return Word(f"vector {number}", "", None, unit_vector(vector))

    def _mean(self, pos: list[np.ndarray], neg: list[np.ndarray]) -> np.ndarray | None:
        mean = np.zeros(self.vectors.shape[1], dtype=np.float32)
        for v in pos:
            mean += v
        for v in neg:
            mean -= v
        if not np.any(mean):
            return None
        return unit_vector(mean / (len(pos) + len(neg)))

    def member_query(self, query: Query) -> tuple[np.ndarray, set[int]] | None:
        """A member's vector for the model's query: made from the words it has, by the keys the
        model resolved (None when it has none of the positive words, or they cancel out)."""
        pos_keys, neg_keys = query.keys
        pos = [self.model.index[k] for k in pos_keys if k in self.model.index]
        neg = [self.model.index[k] for k in neg_keys if k in self.model.index]
        if not pos:
            return None
        vector = self._mean([self.unit_vector(i) for i in pos], [self.unit_vector(i) for i in neg])
        return None if vector is None else (vector, set(pos + neg))

    def scores(self, vectors: np.ndarray, limit: int | None = None) -> np.ndarray:
        """Every word's cosine with the unit vector `vectors` (the first `limit` words); a matrix of
        unit columns gives a column each. The one score formula: raw rows dotted with the unit
        query, divided by the row norms in float32, as gensim computes them, so rankings agree even
        on near-ties and a memory-mapped model is never copied whole. -inf for a zero row."""
        limit = len(self.model) if limit is None else limit
        norms = self.norms[:limit] if np.ndim(vectors) == 1 else self.norms[:limit, None]
        with np.errstate(divide="ignore", invalid="ignore"):  # a zero row scores NaN: never a neighbour
            dists = (self.vectors[:limit] @ vectors) / norms
        return np.where(np.isfinite(dists), dists, -np.inf)

    def limit(self, restrict_vocab: int | None) -> int:
        """How many of the most frequent words a query may answer with (all: None)."""
        n = len(self.model)
        if restrict_vocab is None:
            return n
        restrict_vocab = count_argument("restrict_vocab", restrict_vocab)
        return min(n, restrict_vocab)

    # ------------------------------------------------------------------ queries

    def nearest(
        self,
        query,
        topn: int | None = None,
        *,
        exclude=(),
        min_count: int | None = None,
        restrict: int | None = None,
        hubness: str = "none",
    ) -> Neighbours:
        """The one nearest-neighbour call: the words nearest `query`, as gensim's most_similar
        answers, with everything a finding needs to say about them.

        Parameters
        ----------
        query : Query, str, list of words and vectors, or a vector
            A query made by `query` (its words are left out of the answer), words and vectors
            (made into one here), or a vector of the model's dimension (any length).
        topn : int, optional
            How many; None: every candidate, ranked.
        exclude : iterable of rows, or a boolean mask over the vocabulary
            Rows never to answer with (True in a mask: left out).
        min_count : int, optional
            Leave out words seen fewer times; `hidden` says how many the top `topn` lost.
        restrict : int, optional
            Only the this many most frequent words are candidates.
        hubness : {"none", "csls"}
            Rank by the cosine or by CSLS (w2vkit.base.vecmath.csls).
        """
        if isinstance(query, np.ndarray) and query.ndim == 1:
            vector, own = self._term(query, 1).vector, set()
        else:
            query = query if isinstance(query, Query) else self.query(query)
            vector, own = query.vector, query.rows
        if hubness not in HUBNESS_CHOICES:
            raise OptionError(f"{{hubness}} must be one of {', '.join(HUBNESS_CHOICES)}, not {hubness!r}", "hubness")
        limit = self.limit(restrict)
        scores = self.scores(vector, limit)
        ranking = scores
        if hubness == "csls":  # (hubs sink: w2vkit.base.vecmath.csls)
            ranking = csls(scores, self.hubness)
        ranking = ranking.copy() if ranking is scores else ranking
        mask = np.asarray(exclude)
        if mask.dtype == bool and mask.ndim == 1 and len(mask):
            ranking[mask[:limit]] = -np.inf
        else:
            own = own | {int(i) for i in exclude}
        ranking[[i for i in own if i < limit]] = -np.inf
        depth = limit if topn is None else count_argument("topn", topn, 0)  # (0: the scores alone)
        hidden = 0
        if min_count is not None:
            rare = np.asarray(self.model.counts[:limit]) < count_argument("min_count", min_count)
            hidden = int(rare[top_k(ranking, depth)].sum()) if topn else 0
            ranking[rare] = -np.inf
        rows = [int(i) for i in top_k(ranking, depth)] if depth else []
        return Neighbours(self.model.words, scores, ranking, rows, hidden)

    def most_similar(self, positive, negative=(), topn: int = 10, restrict_vocab: int | None = None):
        """Nearest words to the mean of the positive unit vectors minus the negative ones, as
        (word, cosine) pairs. A single string is one word."""
        topn = count_argument("topn", topn)
        return self.nearest(self.query(positive, negative), topn, restrict=restrict_vocab).pairs

    def most_similar_cosmul(self, positive, negative=(), topn: int = 10, restrict_vocab: int | None = None):
        """3CosMul (Levy & Goldberg 2014), as gensim's most_similar_cosmul."""
        positive, negative = words_argument("positive", positive), words_argument("negative", negative)
        topn = count_argument("topn", topn)
        if not positive:
            raise UsageError("3CosMul needs at least one positive word")
        pos_found = [self.lookup(w) for w in positive]
        neg_found = [self.lookup(w) for w in negative]
        limit = self.limit(restrict_vocab)
        vec, norms = self.vectors[:limit], self.norms[:limit]
        pos = [(1 + (vec @ w.vector) / norms) / 2 for w in pos_found]
        neg = [(1 + (vec @ w.vector) / norms) / 2 for w in neg_found]
        dists = np.prod(pos, axis=0) / (np.prod(neg, axis=0) + 0.000001) if neg else np.prod(pos, axis=0)
        dists[[w.row for w in pos_found + neg_found if w.row is not None]] = -np.inf
        return [(self.model.words[i], float(dists[i])) for i in top_k(dists, topn)]

    def similarity(self, a: str, b: str) -> float:
        """The cosine of two words by the one score formula: `scores` of a's query, read at b's row,
        as similar ranks b for a (so similar's score of b is this, to the last digit; a word
        composed from n-grams has no row: the cosine of the two unit vectors). NaN (shown n/a, null
        in JSON) when either vector is zero."""
        for name, value in (("a", a), ("b", b)):
            if not isinstance(value, str):
                raise TypeError(f"{name} must be a word (str), not {type(value).__name__} ({value!r})")
        wa, wb = self.lookup(a), self.lookup(b)
        if not wa.vector.any() or not wb.vector.any():
            return float("nan")
        return self.score_at(self.query([a]).vector, wb)

    def score_at(self, vector: np.ndarray, word: Word) -> float:
        """The unit query `vector`'s score of `word`: `scores` read at its row (the same numbers
        nearest ranks), or for a word with no row the cosine of the unit vectors."""
        if word.row is None:
            return float(np.dot(vector, word.vector))
        return float(self.scores(vector)[word.row])

    def analogy(self, a: str, b: str, c: str, method: str = "add", topn: int = 10, restrict_vocab: int | None = None):
        """a + b - c (so king woman man -> queen), by 3CosAdd or 3CosMul (a word given twice: see
        w2vkit.queries.answers.analogy, which says so in a note)."""
        if method == "add":
            return self.most_similar([a, b], [c], topn, restrict_vocab)
        if method == "mul":
            return self.most_similar_cosmul([a, b], [c], topn, restrict_vocab)
        raise UsageError(f"unknown method {method!r}; choose {' or '.join(ANALOGY_METHODS)}")

    def doesnt_match(self, words) -> tuple[str, list[tuple[str, float]]]:
        """The word furthest from the mean of all (gensim's doesnt_match) and every word's cosine."""
        words = words_argument("words", words)
        if len(set(words)) < 2:
            raise UsageError("give at least two different words")
        vecs = np.vstack([self.lookup(w).vector for w in words])
        mean = unit_vector(vecs.mean(axis=0))
        dists = vecs @ mean
        ranked = sorted(zip(dists.tolist(), words))
        return ranked[0][1], [(w, d) for d, w in ranked]

    def provenance(self, **options) -> dict:
        """What made a result, for its JSON: the model, its vectors' checksum, w2vkit's version,
        its members, the background it was read beside (if any) and the call's options."""
        from .. import __version__

        meta = self.model.meta
        made = {
            "model": str(self.model.path),
            "vectors_sha256": meta.get("vectors_sha256"),
            "w2vkit_version": __version__,
            "members": len((meta.get("members") or {}).get("members") or []),
            "member_kind": self.member_kind,
            "similarity": meta.get("view", MIXED),
            "options": options,
        }
        background = meta.get("background")
        if background:  # (the texts read beside the model's: which, and how much)
            made["background"] = {key: background[key] for key in ("inputs", "model", "tokens") if key in background}
        return made
