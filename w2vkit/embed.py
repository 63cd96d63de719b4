"""Sentence vectors from word vectors, and a small semantic search over the lines of a file.

Two methods:
 * mean: the average of the words' unit-length vectors (what fastText's print-sentence-vectors
   does), the simple baseline;
 * sif: smooth inverse frequency (Arora, Liang & Ma 2017, "A simple but tough-to-beat baseline for
   sentence embeddings"): each word weighted a / (a + p(w)), p(w) its frequency in the training
   corpus (from the model's counts), a = 1e-3; then the projection on the first principal
   component of the texts' vectors (the "common discourse" direction) is removed. The component
   is estimated on the texts given (so embed a whole file at once, not line by line), or given.

Texts are segmented as the model's training text was (the options recorded in meta.json), so raw
Chinese works. A word the model does not have gets a vector from its character n-grams when the
model keeps them (subword models, w2vkit.subwords), else it is left out and counted. numpy only:
no gensim import.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .errors import UsageError
from .store import Model

SIF_A = 1e-3
METHODS = ("mean", "sif")


@dataclass
class Embedded:
    """One vector per text (rows of `vectors`; a text with no known word gets zeros)."""

    vectors: np.ndarray
    tokens: list[list[str]]  # the known words of each text, as used
    unknown: int  # tokens left out for having no vector
    empty: list[int] = field(default_factory=list)  # indices of texts with no known word
    component: np.ndarray | None = None  # the common component removed (sif)


class Embedder:
    """Turns texts into vectors with a model: segmentation as in training, then mean or SIF."""

    def __init__(self, model: Model, method: str = "sif", a: float = SIF_A):
        if method not in METHODS:
            raise UsageError(f"unknown method {method!r}; choose {' or '.join(METHODS)}")
        self.model, self.method, self.a = model, method, a
        self.vectors = np.asarray(model.vectors, dtype=np.float32)
        self._segment = _segmenter(model)
        counts = np.asarray(model.counts, dtype=np.float64) if model.counts is not None else None
        if method == "sif":
            if counts is None or counts.sum() <= 0:
                raise UsageError(f"{model.path}: the model has no word counts; use --method mean")
            self.weights = (a / (a + counts / counts.sum())).astype(np.float32)
        else:
            self.weights = None

    def tokens(self, text: str) -> tuple[list[int], int, list[tuple[str, np.ndarray]]]:
        """Row indices of the text's known words, how many tokens were left out, and the
        unknown words that got a vector from their character n-grams (subword models)."""
        index = self.model.index
        ids, unknown, composed = [], 0, []
        for token in self._segment(text):
            i = index.get(token)
            if i is not None:
                ids.append(i)
                continue
            # (the table is read, and checksummed, at the first unknown word; the model keeps it)
            table = self.model.ngram_table()
            found = table.vector(token) if table is not None else None
            if found is None:
                unknown += 1
            else:
                composed.append((token, found[0]))
        return ids, unknown, composed

    def embed(self, texts: list[str], component: np.ndarray | None = None) -> Embedded:
        """Vectors for the texts. With sif, `component` (a unit vector) is removed if given, else
        the first principal component of these texts' vectors (when there are at least 2)."""
        dim = self.vectors.shape[1]
        out = np.zeros((len(texts), dim), dtype=np.float32)
        used, empty, unknown = [], [], 0
        for row, text in enumerate(texts):
            ids, missing, composed = self.tokens(text)
            unknown += missing
            used.append([self.model.words[i] for i in ids] + [w for w, _ in composed])
            if not ids and not composed:
                empty.append(row)
                continue
            vecs = np.vstack([self.vectors[ids]] + [v[None, :] for _, v in composed])
            if self.method == "mean":
                vecs = vecs / np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12)
                out[row] = vecs.mean(axis=0)
            else:
                # a word the corpus never had: p(w) = 0, weight a / (a + 0) = 1
                weights = np.concatenate([self.weights[ids], np.ones(len(composed), dtype=np.float32)])
                out[row] = (weights[:, None] * vecs).mean(axis=0)
        if self.method == "sif":
            if component is None:
                component = first_component(np.delete(out, empty, axis=0))
            if component is not None:
                out -= np.outer(out @ component, component).astype(np.float32)
                out[empty] = 0
        return Embedded(out, used, unknown, empty, component)


def first_component(matrix: np.ndarray) -> np.ndarray | None:
    """The first right singular vector (unit length) of the rows, as in SIF (no centring); None
    for fewer than 2 rows."""
    if len(matrix) < 2:
        return None
    _, _, vt = np.linalg.svd(np.asarray(matrix, dtype=np.float64), full_matrices=False)
    return vt[0].astype(np.float32)


def _segmenter(model: Model):
    """text -> tokens, as the model's corpus was segmented (whitespace-split lowercase text for an
    imported model, which records no segmentation)."""
    described = model.meta.get("segmentation")
    if not described:
        return lambda text: text.split()
    from .corpus import detect_language, normalise
    from .segment import SegmentOptions, Tokenizer

    options = SegmentOptions.from_described(described)
    tokenizers: dict[str, Tokenizer] = {}  # made once: a Tokenizer loads the dictionaries

    def segment(text: str) -> list[str]:
        lang = options.lang if options.lang != "auto" else detect_language(text)
        if lang not in tokenizers:
            tokenizers[lang] = Tokenizer(options, lang)
        return [t for line in tokenizers[lang].lines(normalise(text)) for t in line]

    return segment


@dataclass
class SearchHit:
    line: int  # 1-based
    score: float
    text: str


def search(embedder: Embedder, query: str, lines: list[str], top: int = 10) -> tuple[list[SearchHit], Embedded]:
    """The `top` lines closest to the query by cosine of their vectors (brute force: one matrix
    product). With sif, the common component is estimated on the lines and removed from the query
    too."""
    embedded = embedder.embed(lines)
    query_vec = embedder.embed([query], component=embedded.component).vectors[0]
    if not np.any(query_vec):
        raise UsageError(f"no word of {query!r} is in the model; try other words")
    matrix = embedded.vectors
    norms = np.linalg.norm(matrix, axis=1) * np.linalg.norm(query_vec)
    scores = np.where(norms > 0, matrix @ query_vec / np.maximum(norms, 1e-12), -np.inf)
    order = np.argsort(-scores, kind="stable")[:top]
    hits = [SearchHit(int(i) + 1, float(scores[i]), lines[i]) for i in order if np.isfinite(scores[i])]
    return hits, embedded


def read_texts(path: str, encoding: str | None = None) -> list[str]:
    """The lines of a text file (or - for stdin, .gz/.bz2 too, or a built-in corpus by name),
    encoding detected as for corpora; blank lines kept and lines split at "\n" only (never cut),
    so output rows and line numbers match the input's (`wc -l`, `sed -n Np`)."""
    import os

    from .corpus import STDIN, lines, open_text
    from .datasets import BUILTIN_CORPORA, builtin_corpus

    if path != STDIN and not os.path.exists(path) and path in BUILTIN_CORPORA:
        path = str(builtin_corpus(path))

    stream, first = open_text(path, encoding)
    try:
        return list(lines(stream, first))
    finally:
        stream.close()


def write_vectors(embedded: Embedded, fmt: str, out) -> None:
    """npy (a float32 matrix, numpy's own format: np.load reads it), tsv (a row of numbers per
    text) or json (a list of lists) to a binary file object."""
    import json

    if fmt == "npy":
        np.save(out, embedded.vectors, allow_pickle=False)
    elif fmt == "tsv":
        for row in embedded.vectors:
            out.write(("\t".join(f"{x:.6g}" for x in row) + "\n").encode())
    elif fmt == "json":
        out.write(json.dumps([[round(float(x), 6) for x in row] for row in embedded.vectors]).encode() + b"\n")
    else:
        raise UsageError(f"unknown format {fmt!r}; choose npy, tsv or json")
