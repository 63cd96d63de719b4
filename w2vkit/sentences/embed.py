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
model keeps them (subword models, w2vkit.model.subwords), else it is left out and counted. numpy only:
no gensim import.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..base.choices import DEFAULT_SENTENCE_METHOD, DEFAULT_TOPN, SENTENCE_METHODS
from ..base.files import atomic_output, check_not_input, check_writable
from ..base.progress import progress_bar
from ..base.vecmath import unit_rows
from ..errors import OptionError, UsageError
from ..model.store import Model
from ..queries.segmentation import restore_options
from ..text.reading.datasets import BUILTIN_CORPORA, builtin_corpus
from ..text.reading.inputs import STDIN, lines, open_text
from ..text.reading.textnorm import normalise
from ..text.segmenting.segment import Tokenizer

SIF_A = 1e-3


@dataclass
class Embedded:
    """One vector per text (rows of `vectors`; a text with no known word gets zeros)."""

    vectors: np.ndarray
    tokens: list[list[str]]  # the known words of each text, as used
    unknown: int  # tokens left out for having no vector
    empty: list[int] = field(default_factory=list)  # indices of texts with no known word
    component: np.ndarray | None = None  # the common component removed (sif)


class Embedder:
    """Turns texts into vectors with a model: segmentation as in training, then mean or SIF.

    Parameters
    ----------
    model : Model
        A loaded model; texts are segmented as its training text was.
    method : {"sif", "mean"}
        sif: smooth-inverse-frequency weights minus the common component (Arora et al. 2017);
        mean: the words' unit vectors averaged.
    a : float
        SIF's smoothing constant.

    Raises
    ------
    UsageError
        An unknown method.

    Examples
    --------
    >>> embedder = Embedder(load_model("models/xiyouji"))  # doctest: +SKIP
    >>> embedder.embed(["孙悟空大闹天宫"]).vectors.shape  # doctest: +SKIP
    (1, 200)
    """

    def __init__(self, model: Model, method: str = DEFAULT_SENTENCE_METHOD, *, a: float = SIF_A):
        if method not in SENTENCE_METHODS:
            raise UsageError(f"unknown method {method!r}; choose {' or '.join(SENTENCE_METHODS)}")
        self.model, self.method, self.a = model, method, a
        self.vectors = np.asarray(model.vectors, dtype=np.float32)
        self._segment = _segmenter(model)
        counts = np.asarray(model.counts, dtype=np.float64) if model.counts is not None else None
        if method == "sif":
            if counts is None or counts.sum() <= 0:
                raise OptionError(f"{model.path}: the model has no word counts; use {{method}} mean", "method")
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

    def raw_vectors(self, texts: list[str]) -> tuple[np.ndarray, list[int]]:
        """The texts' vectors before any common component is removed, and the indices of the
        texts with no known word (zero rows)."""
        embedded = self._embed(texts, keep_tokens=False)
        return embedded.vectors, embedded.empty

    def embed(self, texts: list[str], component: np.ndarray | None = None) -> Embedded:
        """Vectors for the texts. With sif, `component` (a unit vector) is removed if given, else
        the first principal component of these texts' vectors (when there are at least 2)."""
        embedded = self._embed(texts)
        if self.method == "sif":
            out, empty = embedded.vectors, embedded.empty
            if component is None:
                component = first_component(np.delete(out, empty, axis=0))
            if component is not None:
                out = remove_component(out, component)
                out[empty] = 0
                embedded.vectors = out
            embedded.component = component
        return embedded

    def _embed(self, texts: list[str], keep_tokens: bool = True) -> Embedded:
        dim = self.vectors.shape[1]
        out = np.zeros((len(texts), dim), dtype=np.float32)
        used, empty, unknown = [], [], 0
        for row, text in enumerate(texts):
            total, n, words = np.zeros(dim, dtype=np.float64), 0, []
            pieces = list(text_pieces(text)) if len(text) > MAX_PIECE_CHARS else [text]
            for piece in pieces:  # a long line a piece at a time: its tokens are never all in memory
                ids, missing, composed = self.tokens(piece)
                unknown += missing
                if keep_tokens:
                    words += [self.model.words[i] for i in ids] + [w for w, _ in composed]
                if not ids and not composed:
                    continue
                vecs = np.vstack([self.vectors[ids]] + [v[None, :] for _, v in composed])
                if self.method == "mean":
                    vecs = unit_rows(vecs)
                else:
                    # a word the corpus never had: p(w) = 0, weight a / (a + 0) = 1
                    weights = np.concatenate([self.weights[ids], np.ones(len(composed), dtype=np.float32)])
                    vecs = weights[:, None] * vecs
                if len(pieces) == 1:
                    out[row] = vecs.mean(axis=0)
                else:
                    total += vecs.sum(axis=0, dtype=np.float64)
                n += len(vecs)
            used.append(words)
            if n == 0:
                empty.append(row)
            elif len(pieces) > 1:
                out[row] = total / n
        return Embedded(out, used, unknown, empty)


def first_component(matrix: np.ndarray) -> np.ndarray | None:
    """The first right singular vector (unit length) of the rows, as in SIF (no centring); None
    for fewer than 2 rows."""
    if len(matrix) < 2:
        return None
    return top_eigenvector(gram(matrix))


def remove_component(vectors: np.ndarray, component: np.ndarray) -> np.ndarray:
    """The rows without their projection on the unit vector `component` (SIF's last step)."""
    return vectors - np.outer(vectors @ component, component).astype(np.float32)


def gram(matrix: np.ndarray, block: int = 10_000) -> np.ndarray:
    """matrix.T @ matrix in float64, a block of rows at a time (no float64 copy of the whole)."""
    out = np.zeros((matrix.shape[1], matrix.shape[1]), dtype=np.float64)
    for start in range(0, len(matrix), block):
        part = np.asarray(matrix[start : start + block], dtype=np.float64)
        out += part.T @ part
    return out


def top_eigenvector(gram_matrix: np.ndarray) -> np.ndarray:
    """The eigenvector of the largest eigenvalue of a Gram matrix X^T X: the first right singular
    vector of X (up to sign, which removing a component does not see). The dim x dim matrix is
    all it needs, where an SVD of X took 6x X's size in memory (770 MB for 100,000 rows)."""
    _, vectors = np.linalg.eigh(gram_matrix)
    return vectors[:, -1].astype(np.float32)


# A line longer than this is segmented a piece at a time (cut at a space where it has one), so a
# one-line file of 50 MB costs the memory of its text, not of its tokens (~140 bytes per byte).
MAX_PIECE_CHARS = 1 << 18


def text_pieces(text: str):
    """The text in pieces of at most MAX_PIECE_CHARS, cut at the last space before the limit (or at
    the limit when there is none), as the corpus reader cuts long paragraphs."""
    while len(text) > MAX_PIECE_CHARS:
        cut = text.rfind(" ", 0, MAX_PIECE_CHARS)
        if cut <= 0:
            cut = MAX_PIECE_CHARS
        yield text[:cut]
        text = text[cut:]
    if text:
        yield text


def _segmenter(model: Model):
    """text -> tokens, as the model's corpus was segmented (whitespace-split lowercase text for an
    imported model, which records no segmentation)."""
    described = model.meta.get("segmentation")
    if not described:
        return lambda text: text.split()
    options = restore_options(described, model.path)
    tokenizers: dict[str, Tokenizer] = {}  # made once: a Tokenizer loads the dictionaries

    def segment(text: str) -> list[str]:
        lang = options.language_of(text)
        if lang not in tokenizers:
            tokenizers[lang] = Tokenizer(options, lang)
        return [t for line in tokenizers[lang].lines(normalise(text)) for t in line]

    return segment


@dataclass
class SearchHit:
    line: int  # 1-based
    score: float
    text: str


@dataclass
class SearchResult:
    hits: list[SearchHit]
    lines: int  # lines read
    empty: int  # lines blank or with no known word (never hits)
    component_lines: int  # sif: lines the common component was estimated on (0 for mean)
    component: np.ndarray | None = None  # sif: the common component removed


# Lines embedded at a time: memory stays at a few of these chunks whatever the file's size.
SEARCH_CHUNK_LINES = 10_000
# sif: the common component is estimated on the first lines with a known word, this many; a file
# with no more gets exactly what `embed` computes. On longer files the component of a sample
# this size is what the whole file's would be (docs/commands.md "Sentence vectors": the measurement).
SIF_COMPONENT_LINES = 100_000


def search(embedder: Embedder, query: str, lines, top: int = 10, progress=None) -> SearchResult:
    """The `top` lines (any iterable of str, read once, in chunks) closest to the query by cosine
    of their vectors. Memory is bounded: only the best `top` lines are kept. With sif, the common
    component is estimated on the first SIF_COMPONENT_LINES lines with a known word and removed
    from the query too. progress(n): called with the number of lines done after each chunk."""
    import heapq
    import itertools

    if top < 1:
        raise UsageError("the number of results must be at least 1")
    best: list[tuple[float, int, str]] = []  # a min-heap of (score, -line, text)
    held: list[tuple[int, list[str], np.ndarray, list[int]]] = []  # sif: chunks before the component
    component: np.ndarray | None = None
    query_vec: np.ndarray | None = None
    known = seen = empty = 0

    def score(first: int, texts: list[str], raw: np.ndarray, blank: list[int]) -> None:
        assert query_vec is not None  # (start_scoring ran first)
        vectors = raw if component is None else remove_component(raw, component)
        norms = np.linalg.norm(vectors, axis=1) * np.linalg.norm(query_vec)
        scores = np.where(norms > 0, vectors @ query_vec / np.maximum(norms, 1e-12), -np.inf)
        scores[blank] = -np.inf
        for i in np.argsort(-scores, kind="stable")[:top]:
            if not np.isfinite(scores[i]):
                break
            item = (float(scores[i]), -(first + int(i) + 1), texts[i])
            if len(best) < top:
                heapq.heappush(best, item)
            elif item[:2] > best[0][:2]:
                heapq.heapreplace(best, item)

    def start_scoring() -> None:
        nonlocal component, query_vec
        if embedder.method == "sif" and known >= 2:
            total: Any = 0
            room = SIF_COMPONENT_LINES  # exactly the first SIF_COMPONENT_LINES known lines
            for _, _, raw, blank in held:
                rows = np.delete(raw, blank, axis=0)[:room]
                total, room = total + gram(rows), room - len(rows)
            component = top_eigenvector(total)
        query_vec = embedder.embed([query], component=component).vectors[0]
        if not np.any(query_vec):
            raise UsageError(f"no word of {query!r} is in the model; try other words")
        for chunk in held:
            score(*chunk)
        held.clear()

    iterator = iter(lines)
    while chunk := list(itertools.islice(iterator, SEARCH_CHUNK_LINES)):
        raw, blank = embedder.raw_vectors(chunk)
        first, seen, empty = seen, seen + len(chunk), empty + len(blank)
        if query_vec is None:
            held.append((first, chunk, raw, blank))
            known += len(chunk) - len(blank)
            if embedder.method != "sif" or known >= SIF_COMPONENT_LINES:
                start_scoring()
        else:
            score(first, chunk, raw, blank)
        if progress is not None:
            progress(seen)
    if query_vec is None:
        start_scoring()
    hits = [SearchHit(-neg_line, s, text) for s, neg_line, text in sorted(best, key=lambda t: (-t[0], -t[1]))]
    used = min(known, SIF_COMPONENT_LINES) if embedder.method == "sif" else 0
    return SearchResult(hits, seen, empty, used, component)


def search_file(
    embedder: Embedder,
    query: str,
    path: str,
    *,
    top: int = DEFAULT_TOPN,
    encoding: str | None = None,
    progress: bool = False,
) -> SearchResult:
    """The lines of a file closest in meaning to `query` (cosine of sentence vectors), streamed:
    memory does not grow with the file.

    Parameters
    ----------
    embedder : Embedder
        The model and sentence-vector method the query and lines are embedded with.
    query : str
        The text to search for.
    path : str
        A text file (any encoding w2vkit reads, .gz/.bz2 too), "-" for stdin, or a built-in corpus.
    top : int
        How many lines.
    encoding : str, optional
        Force the file's encoding (None: detected).
    progress : bool
        A bar on stderr following the bytes read.

    Returns
    -------
    SearchResult
        The hits (line number, score, text), best first; lines read; lines with no known word.

    Raises
    ------
    UsageError
        No word of the query is known to the model.
    InputError
        The file cannot be read or decoded.

    Examples
    --------
    >>> found = search_file(Embedder(load_model("models/xiyouji")), "大闹天宫", "xiyouji", 3)  # doctest: +SKIP
    >>> found.hits[0].line  # doctest: +SKIP
    5776
    """
    texts, stream = iter_texts(path, encoding)
    try:
        size = os.stat(stream.path).st_size if stream.path != "-" else None
        bar = progress_bar(size, progress, "search", unit="B", binary=True)
        on_chunk = None if bar is None else (lambda _: bar.update(stream.bytes_read - bar.n))
        try:
            return search(embedder, query, texts, top, on_chunk)
        finally:
            if bar is not None:
                bar.close()
    finally:
        stream.close()


def iter_texts(path: str, encoding: str | None = None):
    """The lines of a file as read_texts gives them, one at a time, and the open stream (its
    `bytes_read` tells how far the reading is, for progress)."""
    if path != STDIN and not os.path.exists(path) and path in BUILTIN_CORPORA:
        path = str(builtin_corpus(path))
    stream, first = open_text(path, encoding)
    return lines(stream, first), stream


def read_texts(path: str, encoding: str | None = None) -> list[str]:
    """The lines of a text file (or - for stdin, .gz/.bz2 too, or a built-in corpus by name),
    encoding detected as for corpora; blank lines kept and lines split at "\n" only (never cut),
    so output rows and line numbers match the input's (`wc -l`, `sed -n Np`)."""
    texts, stream = iter_texts(path, encoding)
    try:
        return list(texts)
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


def check_embed_output(output: str, source: str) -> None:
    """Before any work: the vectors' file must not be the input and must be writable."""
    check_not_input(output, [source], "vectors")
    check_writable(output)


def embed_file(
    model: Model, source: str, output: str, fmt: str = "tsv", method: str = DEFAULT_SENTENCE_METHOD
) -> tuple[Embedded, int]:
    """Sentence vectors of each line of `source` (a file, - for stdin or a built-in corpus)
    written atomically to `output` (- for stdout) as write_vectors writes them; returns the
    vectors and the number of lines."""
    check_embed_output(output, source)
    texts = read_texts(source)
    embedded = Embedder(model, method).embed(texts)
    with atomic_output(output) as f:
        write_vectors(embedded, fmt, f)
    return embedded, len(texts)
