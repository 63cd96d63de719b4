"""À la carte embeddings (Khodak et al. 2018, ACL), the basis of embedding regression (conText,
Rodriguez, Spirling & Stewart 2023): each occurrence of a word gets a vector, the transform A
applied to the average of the unit vectors of the words within `window` of it in its document,
each weighted by 1/distance (GloVe's weighting of co-occurrences, Pennington et al. 2014; conText
weighs the window evenly): on gradual changes planted along a made-up year of 西游记, the planted
words' average precision rose from 0.81 to 0.87 over six plant seeds, and on 三国演义, held out, as
docs/findings.md "Power on a gradual change" gives.

A is learned once per model by least squares, from frequent words' context averages to their own
vectors (unit vectors, so that frequent words do not dominate by length): the words seen at least
MIN_COUNT times, each word's context average taken over at most SAMPLE occurrences. It is kept in
the model folder (`alacarte.npy`, stamped in `alacarte.sha256` with the vectors', the window, the
documents' checksum and its own: w2vkit.base.cachefile) and believed only while all hold; a model
folder that cannot be written gets A computed each time (said in the finding's notes).

Documents are token-id arrays (`Corpus`: one flat int32 array with the document each token is in,
-1 for tokens the model lacks), so context sums are gathers, done in chunks of occurrences.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..base.choices import CONTRAST_WINDOW
from ..errors import UsageError
from ..queries.query import Engine

DEFAULT_WINDOW = CONTRAST_WINDOW  # conText's default
MIN_COUNT = 10
SAMPLE = 300  # occurrences per word for its context average in the fit
MAX_FIT_WORDS = 20_000
CHUNK = 8192  # occurrences gathered at a time (CHUNK x 2 window x dim floats)
FILE = "alacarte.npy"
FIT_FILE = "alacarte-fit.npy"  # what the kept transform's fit rests on: words, contexts, R²


@dataclass
class Corpus:
    """Tokenised documents: `ids` (every token's row in the model, -1 when it has none), `doc` (the
    document of each token) and `order`/`bounds` to find each row's occurrences at once."""

    ids: np.ndarray
    doc: np.ndarray
    documents: int

    def __post_init__(self):
        self._order: np.ndarray | None = None
        self._counts: np.ndarray | None = None
        self._lookups = 0

    def _sorted(self) -> tuple[np.ndarray, np.ndarray]:
        if self._order is None:
            self._order = np.argsort(self.ids, kind="stable")
            self._sorted_ids = self.ids[self._order]
        return self._order, self._sorted_ids

    def positions(self, row: int) -> np.ndarray:
        # (a few words: a comparison of the ids each, 30 ms on 27M tokens; from the fourth on, the
        # ids sorted once, 3 s, and each word's positions by bisection)
        self._lookups += 1
        if self._order is None and self._lookups <= 3:
            return np.flatnonzero(self.ids == row)
        order, sorted_ids = self._sorted()
        # (the bounds in the ids' own type: a list of Python ints made numpy cast all 18M sorted
        # ids to int64 on every call, which made fitting A on the poetry take minutes)
        lo, hi = np.searchsorted(sorted_ids, np.array([row, row + 1], dtype=sorted_ids.dtype))
        return order[lo:hi]

    def count(self, row: int) -> int:
        if self._counts is None:
            self._counts = np.bincount(self.ids[self.ids >= 0])
        return int(self._counts[row]) if 0 <= row < len(self._counts) else 0


def build_corpus(token_lists, index: dict) -> Corpus:
    """A Corpus from documents' token lists (tokens as the model spells them), taken one document
    at a time into a compact array: 300,000 poems as lists of strings held 2 GB; as int32, 80 MB."""
    from array import array
    from itertools import repeat

    ids, lengths = array("i"), array("q")
    get = index.get
    for tokens in token_lists:
        ids.extend(map(get, tokens, repeat(-1)))  # (a C loop: twice as fast as a comprehension)
        lengths.append(len(tokens))
    n = np.frombuffer(lengths, dtype=np.int64) if len(lengths) else np.zeros(0, dtype=np.int64)
    doc = np.repeat(np.arange(len(n), dtype=np.int32), n)
    return Corpus(np.frombuffer(ids, dtype=np.int32).copy() if len(ids) else np.zeros(0, np.int32), doc, len(n))


def context_weights(window: int) -> np.ndarray:
    """Each context position's weight, in context_offsets' order: 1/distance from the word."""
    distance = np.concatenate([np.arange(window, 0, -1), np.arange(1, window + 1)])
    return 1.0 / distance


def context_offsets(window: int, span: int = 1) -> np.ndarray:
    """Where an occurrence's context lies from its first token: `window` tokens before, and `window`
    after its `span` tokens (a phrase's own tokens are not its context)."""
    return np.concatenate([np.arange(-window, 0), np.arange(span, span + window)])


def context_means(
    engine: Engine, corpus: Corpus, positions: np.ndarray, window: int, span: int = 1
) -> tuple[np.ndarray, np.ndarray]:
    """The weighted mean (context_weights) of the unit vectors of the known tokens within `window`
    of each position, in the same document (the position itself, or its `span` tokens, left out),
    and how many there were (0: a zero mean)."""
    unit = engine.unit
    n = len(corpus.ids)
    offsets, weights = context_offsets(window, span), context_weights(window).astype(np.float32)
    out = np.zeros((len(positions), unit.shape[1]), dtype=np.float32)
    counts = np.zeros(len(positions), dtype=np.int32)
    for start in range(0, len(positions), CHUNK):
        pos = positions[start : start + CHUNK]
        at = pos[:, None] + offsets[None, :]
        inside = (at >= 0) & (at < n)
        at = np.clip(at, 0, n - 1)
        ok = inside & (corpus.doc[at] == corpus.doc[pos][:, None]) & (corpus.ids[at] >= 0)
        rows = np.where(ok, corpus.ids[at], 0)
        weighted = ok * weights[None, :]
        sums = (unit[rows] * weighted[..., None]).sum(axis=1)
        k = ok.sum(axis=1)
        out[start : start + len(pos)] = sums / np.maximum(weighted.sum(axis=1), 1e-12)[:, None]
        counts[start : start + len(pos)] = k
    return out, counts


def context_sums(
    engine: Engine, corpus: Corpus, positions: np.ndarray, labels: np.ndarray, n_labels: int, window: int, span: int = 1
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each label (a block of documents, say), the sum of the weighted context means (as
    context_means, `span` the occurrences' length) of its positions, and how many positions had a
    context; and which positions had one.

    Written as a sparse product (label x vocabulary weights, each context's normalised, times the
    unit vectors) rather than a sum of context_means: a word's contexts repeat within a block, so the product touches each
    (block, context word) once; gathering every occurrence's context vectors moved 12 x dim floats
    per occurrence and made a scan of 2,000 characters over the poetry take more than 9 minutes."""
    from scipy import sparse

    unit = engine.unit
    vocab, dim = unit.shape
    n = len(corpus.ids)
    offsets, weights = context_offsets(window, span), context_weights(window)
    sums = np.zeros((n_labels, dim), dtype=np.float64)
    counts = np.zeros(n_labels, dtype=np.int64)
    kept = np.zeros(len(positions), dtype=bool)
    step = max(1, (1 << 21) // len(offsets))
    for start in range(0, len(positions), step):
        pos = positions[start : start + step]
        lab = labels[start : start + step]
        at = pos[:, None] + offsets[None, :]
        inside = (at >= 0) & (at < n)
        at = np.clip(at, 0, n - 1)
        context = corpus.ids[at]
        ok = inside & (corpus.doc[at] == corpus.doc[pos][:, None]) & (context >= 0)
        k = ok.sum(axis=1)
        has = k > 0
        kept[start : start + len(pos)] = has
        counts += np.bincount(lab[has], minlength=n_labels)
        weighted = ok * weights[None, :]
        weight = (weighted / np.maximum(weighted.sum(axis=1), 1e-12)[:, None])[ok]
        rows = np.broadcast_to(lab[:, None], ok.shape)[ok]
        present, inverse = np.unique(rows, return_inverse=True)
        matrix = sparse.csr_matrix((weight, (inverse, context[ok])), shape=(len(present), vocab))
        matrix.sum_duplicates()
        sums[present] += matrix @ unit
    return sums, counts, kept


def fit_transform(
    engine: Engine, corpus: Corpus, window: int, seed: int = 0
) -> tuple[np.ndarray, list[str], np.ndarray]:
    """A (dim x dim) by least squares from the context averages of the words seen MIN_COUNT times
    (at most SAMPLE occurrences each) to their unit vectors; those words; and what the fit rests on
    ([words, contexts averaged, R² of the fit])."""
    rng = np.random.default_rng(seed)
    rows = [r for r in np.unique(corpus.ids) if r >= 0 and corpus.count(int(r)) >= MIN_COUNT]
    rows = sorted(rows, key=lambda r: -corpus.count(int(r)))[:MAX_FIT_WORDS]
    if len(rows) < 2 * engine.model.dim // 10 + 10:
        raise UsageError(
            f"only {len(rows)} words occur {MIN_COUNT}+ times in the documents: too few to learn the "
            "à la carte transform; give more text"
        )
    averages = np.zeros((len(rows), engine.model.dim), dtype=np.float32)
    contexts = 0
    for j, r in enumerate(rows):
        pos = corpus.positions(int(r))
        if len(pos) > SAMPLE:
            pos = rng.choice(pos, SAMPLE, replace=False)
        means, k = context_means(engine, corpus, pos, window)
        averages[j] = means[k > 0].mean(axis=0) if (k > 0).any() else 0
        contexts += int((k > 0).sum())
    targets = engine.unit[rows].astype(np.float64)
    solution, *_ = np.linalg.lstsq(averages.astype(np.float64), targets, rcond=None)
    residual = targets - averages.astype(np.float64) @ solution
    r2 = 1.0 - float((residual**2).sum()) / max(float(((targets - targets.mean(axis=0)) ** 2).sum()), 1e-300)
    record = np.array([len(rows), contexts, r2])
    return solution.T.astype(np.float32), [engine.model.words[int(r)] for r in rows], record


def corpus_digest(corpus: Corpus) -> str:
    """A checksum of the documents as token ids (what a transform fitted on them depends on)."""
    import hashlib

    h = hashlib.sha256(np.ascontiguousarray(corpus.ids).tobytes())
    h.update(np.ascontiguousarray(corpus.doc).tobytes())
    return h.hexdigest()


def transform(engine: Engine, corpus: Corpus, window: int = DEFAULT_WINDOW) -> np.ndarray:
    """The model's transform for `window` and these documents (transform_fit's, without its record)."""
    return transform_fit(engine, corpus, window)[0]


def transform_fit(engine: Engine, corpus: Corpus, window: int = DEFAULT_WINDOW) -> tuple[np.ndarray, dict]:
    """The model's transform for `window` and these documents, and what its fit rests on ({words,
    contexts, r2}, with not_kept: why it could not be kept, when so): fitted once per engine on
    `corpus` and kept in the model's cache (Engine.kept) for the same vectors and documents."""
    key = (
        f"window={window} weights=1/distance documents={corpus_digest(corpus)} "
        f"min_count={MIN_COUNT} sample={SAMPLE} words={MAX_FIT_WORDS}"
    )
    fitted: list = []

    def fit() -> np.ndarray:  # (C-ordered, as kept: a product with a Fortran-ordered A differs in the last digit)
        a, _, record = fit_transform(engine, corpus, window)
        fitted.append(record)
        return np.ascontiguousarray(a)

    a = engine.kept(FILE, key, (engine.model.dim, engine.model.dim), fit)
    record = engine.kept(
        FIT_FILE, key, (3,), lambda: (fitted or [fit_transform(engine, corpus, window)[2]])[0], "float64"
    )
    found = _fit_record(record)
    if FILE in engine.unkept:  # (said in the finding's notes, through fit_note: a Python caller reads it in to_dict())
        found["not_kept"] = engine.unkept[FILE]
    return a, found


def fit_note(fit: dict | None) -> str | None:
    """What a transform's fit rests on, said beside a result (for imported vectors, all there is
    to say about how well they read this table)."""
    if fit is None:
        return None
    return (
        f"the à la carte transform rests on {fit['words']:,} words seen {MIN_COUNT}+ times in the table "
        f"({fit['contexts']:,} contexts); it gives their vectors from their contexts with R² {fit['r2']:.2f}"
    ) + (f"; it could not be kept ({fit['not_kept']}), so it is fitted again each time" if fit.get("not_kept") else "")


def _fit_record(record: np.ndarray) -> dict:
    return {"words": int(record[0]), "contexts": int(record[1]), "r2": float(record[2])}
