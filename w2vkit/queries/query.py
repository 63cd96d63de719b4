"""Answering questions about a model with numpy alone: neighbours, similarity, analogies, odd one out.

The semantics and the float32 arithmetic follow gensim's KeyedVectors (most_similar,
most_similar_cosmul, similarity, doesnt_match) so answers are the same, but nothing here imports
gensim or unpickles anything: a cold query costs a numpy import and an mmap.
"""

from __future__ import annotations

import logging
import os
import unicodedata
from pathlib import Path

import numpy as np

from ..base.choices import ANALOGY_METHODS
from ..base.files import write_own_file
from ..base.vecmath import unit_vector
from ..errors import Named, OptionError, OutputError, UnknownWordError, UsageError
from ..model.store import Model
from ..model.subwords import MIN_KNOWN_NGRAM_SHARE

log = logging.getLogger(__name__)
# An unknown word is shown at most this long in a message (a pasted paragraph is not a word).
MAX_WORD_IN_MESSAGE = 40

NORM_CACHE = "norms.npy"
# Row norms are cached beside the model (when the directory is writable) from this many words up:
# computing them reads every vector, ~0.5 s for 1M x 300; reading 4 MB of cached norms does not.
NORM_CACHE_MIN_WORDS = 100_000


class Engine:
    """Queries over one model. Scores are computed as gensim computes them (raw vectors dotted
    with a unit mean, divided by the row norms, in float32), so rankings agree even on near-ties.

    Parameters
    ----------
    model : Model
        A loaded model (load_model).

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

    def __init__(self, model: Model):
        self._noted = set()
        self.model = model
        self.vectors = model.vectors
        self._norms: np.ndarray | None = None
        self._unit: np.ndarray | None = None
        self._labels: dict | None = None
        self._by_name: dict | None = None

    @property
    def labels(self) -> dict:
        """An item model's labels (ID -> (name, groups)), {} for models without (w2vkit.text.items)."""
        if self._labels is None:
            from ..text.items import model_item_file, read_labels

            path = model_item_file(self.model, "labels") if self.model.meta.get("items") else None
            self._labels = read_labels(path) if path else {}
        return self._labels

    def name_of(self, word: str) -> str:
        """An item's name from its label ("" without one)."""
        return self.labels[word][0] if word in self.labels else ""

    def _item_by_name(self, name: str) -> int | None:
        """The row of the one item of the model whose label is `name` (case ignored); several:
        a UsageError listing them."""
        if self._by_name is None:
            self._by_name = {}
            for item, (label, _) in self.labels.items():
                if item in self.model.index:
                    self._by_name.setdefault(label.casefold(), []).append(item)
        found = self._by_name.get(name.strip().casefold(), [])
        if len(found) > 1:
            shown = "; ".join(f"{i} {self.labels[i][0]}" for i in found[:10])
            raise UsageError(f"{name!r} names {len(found)} items: {shown}; give the ID")
        return self.model.index[found[0]] if found else None

    @property
    def norms(self) -> np.ndarray:
        if self._norms is None:
            self._norms = self._load_norms()
        return self._norms

    @property
    def unit(self) -> np.ndarray:
        """Row-normalised vectors (float32), for batched evaluation."""
        if self._unit is None:
            with np.errstate(divide="ignore", invalid="ignore"):
                unit = (np.asarray(self.vectors) / self.norms[:, None]).astype(np.float32)
            unit[~np.isfinite(unit)] = 0  # a zero or broken row: a zero vector, matching nothing
            self._unit = unit
        return self._unit

    def _load_norms(self) -> np.ndarray:
        vec = self.vectors
        cache = self.model.path / NORM_CACHE
        big = len(vec) >= NORM_CACHE_MIN_WORDS
        stamp_of = self.model.meta.get("vectors_sha256", "")
        if big:
            norms = _read_cache(cache, stamp_of, len(vec))
            if norms is not None:
                return norms
        norms = _row_norms(vec)
        if big:
            _try_write_cache(cache, norms, stamp_of)
        return norms

    def unit_vector(self, i: int) -> np.ndarray:
        """Row i at unit length; a zero (or broken) row stays a zero vector, without a warning."""
        norm = self.norms[i]
        if not np.isfinite(norm) or norm == 0:
            return np.zeros(self.vectors.shape[1], dtype=np.float32)
        return (self.vectors[i] / norm).astype(np.float32)

    # ------------------------------------------------------------------ lookups

    def index_of(self, word: str) -> int:
        i = self.model.index.get(word)
        if i is None:
            form = training_form(self.model, word)
            i = self.model.index.get(form) if form != word else None
            if i is None and self.model.meta.get("items"):  # an item model: a name from its labels
                i = self._item_by_name(word)
            if i is None:
                model = self.model  # (the message is made only if it is shown)
                raise UnknownWordError(lambda: unknown_word_message(model, word), word)
            if word not in self._noted:
                self._noted.add(word)
                log.info("%s: looked up as %s (the model's text was normalised so in training)", word, form)
        return i

    def vector_of(self, word: str) -> tuple[np.ndarray, int | None]:
        """A word's unit vector and its row; a word the model lacks gets one composed from its
        character n-grams when the model keeps them (w2vkit.model.subwords), with no row."""
        try:
            i = self.index_of(word)
        except UnknownWordError:
            table = self.model.ngram_table()
            composed = table.vector(word) if table is not None else None
            if composed is None:
                raise
            vector, known, total = composed
            if known < MIN_KNOWN_NGRAM_SHARE * total:
                # Too little of the word is known for its n-grams to say what it means.
                note = (
                    f" (only {known} of its {total} character n-grams are known; at least "
                    f"{MIN_KNOWN_NGRAM_SHARE:.0%} are needed to compose a vector)"
                )
                raise UnknownWordError(unknown_word_message(self.model, word, note), word) from None
            if word not in self._noted:
                self._noted.add(word)
                log.info(
                    "%s: not in the vocabulary; composed from its character n-grams (%d of %d known, %.0f%%)",
                    word,
                    known,
                    total,
                    100 * known / total,
                )
            return unit_vector(vector), None
        return self.unit_vector(i), i

    def word_facts(self, word: str) -> tuple[int, bool]:
        """The word's count in the corpus (0 for a word composed from n-grams) and whether its vector
        was composed (UnknownWordError when it has none)."""
        _, row = self.vector_of(word)
        return (0, True) if row is None else (int(self.model.counts[row]), False)

    def _limit(self, restrict_vocab: int | None) -> int:
        n = len(self.model)
        if restrict_vocab is None:
            return n
        if restrict_vocab < 1:
            raise OptionError("{restrict_vocab} must be at least 1", "restrict_vocab")
        return min(n, restrict_vocab)

    # ------------------------------------------------------------------ queries

    def most_similar(self, positive, negative=(), topn: int = 10, restrict_vocab: int | None = None):
        """Nearest words to the mean of the positive unit vectors minus the negative ones."""
        positive, negative = list(positive), list(negative)
        if not positive and not negative:
            raise UsageError("give at least one word")
        found = [self.vector_of(w) for w in positive + negative]
        weights = [1.0] * len(positive) + [-1.0] * len(negative)
        mean = np.zeros(self.vectors.shape[1], dtype=np.float32)
        for (unit, _), weight in zip(found, weights):
            mean += weight * unit
        if not np.any(mean):
            raise UsageError(
                "the words cancel out (or have zero vectors): their sum is the zero vector, which has no "
                "neighbours; give different words"
            )
        mean = unit_vector(mean / len(found))
        limit = self._limit(restrict_vocab)
        with np.errstate(divide="ignore", invalid="ignore"):  # a zero row scores NaN: never a neighbour
            dists = (self.vectors[:limit] @ mean) / self.norms[:limit]
        dists = np.where(np.isfinite(dists), dists, -np.inf)
        return self._top(dists, topn, {i for _, i in found if i is not None})

    def most_similar_cosmul(self, positive, negative=(), topn: int = 10, restrict_vocab: int | None = None):
        """3CosMul (Levy & Goldberg 2014), as gensim's most_similar_cosmul."""
        positive, negative = list(positive), list(negative)
        if not positive:
            raise UsageError("3CosMul needs at least one positive word")
        pos_found = [self.vector_of(w) for w in positive]
        neg_found = [self.vector_of(w) for w in negative]
        limit = self._limit(restrict_vocab)
        vec, norms = self.vectors[:limit], self.norms[:limit]
        pos = [(1 + (vec @ unit) / norms) / 2 for unit, _ in pos_found]
        neg = [(1 + (vec @ unit) / norms) / 2 for unit, _ in neg_found]
        dists = np.prod(pos, axis=0) / (np.prod(neg, axis=0) + 0.000001) if neg else np.prod(pos, axis=0)
        return self._top(dists, topn, {i for _, i in pos_found + neg_found if i is not None})

    def similarity(self, a: str, b: str) -> float:
        """The cosine of two words; NaN (shown n/a, null in JSON) when either vector is zero."""
        va, vb = self.vector_of(a)[0], self.vector_of(b)[0]
        if not va.any() or not vb.any():
            return float("nan")
        return float(np.dot(va, vb))

    def analogy(self, a: str, b: str, c: str, method: str = "add", topn: int = 10, restrict_vocab: int | None = None):
        """a + b - c (so king woman man -> queen), by 3CosAdd or 3CosMul."""
        if len({a, b, c}) < 3:
            log.warning(
                "warning: a word is given twice in %s + %s - %s; the given words are never answers, "
                "so the answer is some other word",
                a,
                b,
                c,
            )
        if method == "add":
            return self.most_similar([a, b], [c], topn, restrict_vocab)
        if method == "mul":
            return self.most_similar_cosmul([a, b], [c], topn, restrict_vocab)
        raise UsageError(f"unknown method {method!r}; choose {' or '.join(ANALOGY_METHODS)}")

    def doesnt_match(self, words) -> tuple[str, list[tuple[str, float]]]:
        """The word furthest from the mean of all (gensim's doesnt_match) and every word's cosine."""
        words = list(words)
        if len(set(words)) < 2:
            raise UsageError("give at least two different words")
        vecs = np.vstack([self.vector_of(w)[0] for w in words])
        mean = unit_vector(vecs.mean(axis=0))
        dists = vecs @ mean
        ranked = sorted(zip(dists.tolist(), words))
        return ranked[0][1], [(w, d) for d, w in ranked]

    def _top(self, dists: np.ndarray, topn: int, exclude: set) -> list[tuple[str, float]]:
        k = min(len(dists), topn + len(exclude))
        if k <= 0:
            return []
        if k < len(dists):
            part = np.argpartition(-dists, k - 1)[:k]
            order = part[np.argsort(-dists[part], kind="stable")]
        else:
            order = np.argsort(-dists, kind="stable")
        words = self.model.words
        out = []
        for i in order:
            if int(i) in exclude:
                continue
            if dists[i] == -np.inf:  # a zero or broken vector: no neighbour of anything
                break
            out.append((words[i], float(dists[i])))
            if len(out) == topn:
                break
        return out


def _row_norms(vec: np.ndarray) -> np.ndarray:
    out = np.empty(vec.shape[0], dtype=np.float32)
    step = 1 << 16  # in blocks: a 1M x 300 memmap is never copied into memory whole
    for start in range(0, vec.shape[0], step):
        out[start : start + step] = np.linalg.norm(np.asarray(vec[start : start + step]), axis=1)
    return out


def _cache_stamp(vectors_sha: str, norms_bytes: bytes) -> str:
    """What norms.sha256 holds: the vectors' checksum (the cache belongs to these vectors) and the
    cache's own (a changed norms.npy is not believed)."""
    import hashlib

    return f"{vectors_sha} {hashlib.sha256(norms_bytes).hexdigest()}"


def _read_cache(path: Path, vectors_sha: str, rows: int) -> np.ndarray | None:
    """The cached norms when they are ours and intact: regular files (never read through a link),
    stamped with these vectors' checksum and the cache's own; else None (recomputed)."""
    import io
    import stat

    stamp = path.with_suffix(".sha256")
    try:
        if not all(stat.S_ISREG(os.lstat(p).st_mode) for p in (path, stamp)):
            return None
        data = path.read_bytes()
        if len(data) > rows * 4 + 4096 or stamp.read_text() != _cache_stamp(vectors_sha, data):
            return None
        norms = np.load(io.BytesIO(data), allow_pickle=False)
    except (ValueError, OSError):
        return None
    return norms if norms.shape == (rows,) and norms.dtype == np.float32 else None


def _try_write_cache(path: Path, norms: np.ndarray, vectors_sha: str) -> None:
    import io

    buffer = io.BytesIO()
    np.save(buffer, norms.astype(np.float32), allow_pickle=False)
    data = buffer.getvalue()
    try:  # inside the model folder, never through a link (a file of the user's it points at stays)
        write_own_file(path, data)
        write_own_file(path.with_suffix(".sha256"), _cache_stamp(vectors_sha, data))
    except OutputError:  # a read-only model directory is fine: the cache only saves time
        pass


# ------------------------------------------------------------------ unknown words


def training_form(model: Model, word: str) -> str:
    """The word as w2vkit's segmentation would have written it in training: spaces and full-width
    letters and digits unified, lowercased, and in Simplified characters when the model was trained
    with --to-simplified. Imported models keep the word as it is (their case is meaningful)."""
    seg = model.meta.get("segmentation")
    if not seg:
        return word
    from ..text.textnorm import normalise  # here (as segment below): a query of a known word needs neither

    form = normalise(word).strip().lower()
    if seg.get("phrases") and " " in form:  # "new york" as the model has it: new_york
        form = "_".join(form.split())
    if seg.get("to_simplified"):
        from ..text.segment import to_simplified

        form = to_simplified(form)
    return form


def unknown_word_message(model: Model, word: str, note: str = "") -> Named:
    """Why the word has no vector, and up to five close words that do (then `note`); the
    parameters it names (min_count, max_vocab) as fields, for the command line to name its flags."""
    dropped = model.dropped_counts()
    min_count = model.meta.get("hyperparameters", {}).get("min_count")
    if word not in dropped and training_form(model, word) in dropped:  # TXT, ＴＸＴ: as training wrote it
        word_seen = training_form(model, word)
        dropped = {word: dropped[word_seen]}
    max_vocab = model.meta.get("hyperparameters", {}).get("max_vocab")
    if word in dropped and max_vocab and isinstance(min_count, int) and dropped[word] >= min_count:
        why = (  # frequent enough, but the vocabulary was capped
            f"seen {dropped[word]} time{'s' if dropped[word] != 1 else ''} in the corpus, but the vocabulary "
            f"keeps only the {max_vocab:,} most frequent words (max_vocab); retrain with a larger {{max_vocab}}"
        )
    elif word in dropped:
        why = (
            f"seen {dropped[word]} time{'s' if dropped[word] != 1 else ''} in the corpus, below "
            f"min_count {min_count}; retrain with {{min_count}} {dropped[word]} to keep it"
        )
    elif model.meta.get("corpus"):
        why = "never seen in the corpus"
        pieces = _segmenter_split(model, word) if len(word) <= MAX_WORD_IN_MESSAGE else None
        if pieces:
            why += f"; the segmenter splits it into {' / '.join(pieces)}"
    else:
        why = "not in the imported vocabulary"
    long_word = len(word) > MAX_WORD_IN_MESSAGE
    close = [] if long_word else close_words(model, word)
    shown = word if len(word) <= MAX_WORD_IN_MESSAGE else f"{word[:MAX_WORD_IN_MESSAGE]}… ({len(word):,} characters)"
    msg = f"{shown!r} is not in the model ({why})"
    if close:
        msg += "; close words: " + ", ".join(close)
    return Named(msg + note, *(p for p in ("min_count", "max_vocab") if f"{{{p}}}" in why))


def _segmenter_split(model: Model, word: str) -> list[str] | None:
    seg = model.meta.get("segmentation")
    if not seg or not any(_is_cjk(ch) for ch in word):
        return None
    try:
        from ..text.dictfiles import restore_options
        from ..text.segment import segment_lines

        opts = restore_options(seg, model.path)
        lines = segment_lines(word, opts, "zh")
    except Exception:  # the explanation is a courtesy; never fail the error message on it
        return None
    pieces = [t for line in lines for t in line]
    return pieces if len(pieces) > 1 else None


def _is_cjk(ch: str) -> bool:
    return "CJK" in unicodedata.name(ch, "")


def close_words(model: Model, word: str, n: int = 5, scan: int = 200_000) -> list[str]:
    """Vocabulary words sharing characters with `word`, closest by edit similarity, then frequency."""
    import difflib

    words = model.words[:scan]
    chars = set(word)
    if any(_is_cjk(ch) for ch in word):
        cands = [w for w in words if chars & set(w)]
    else:
        cands = [w for w in words if w[:1] == word[:1] or w[-2:] == word[-2:]]
    scored = []
    for rank, w in enumerate(cands):
        ratio = difflib.SequenceMatcher(None, word, w).ratio()
        if ratio >= 0.4:
            scored.append((-ratio, rank, w))
    scored.sort()
    return [w for _, _, w in scored[:n]]


def read_word_list(given, path=None) -> list[str]:
    """The words given on the command line, then those of `path` (one a line, # comments), as
    they are: no model is needed to read them."""
    from ..errors import EvalSetError

    words = list(given)
    if path is not None:
        try:
            with open(path, encoding="utf-8-sig") as f:
                words += [s for s in (line.strip() for line in f) if s and not s.startswith("#")]
        except FileNotFoundError:
            raise EvalSetError(f"{path}: no such words file") from None
        except UnicodeDecodeError as e:
            raise EvalSetError(f"{path}: not UTF-8 (byte {e.start}); save it as UTF-8") from None
        except IsADirectoryError:
            raise EvalSetError(f"{path}: is a directory; give a file with one word a line") from None
    return list(dict.fromkeys(words))


def listed_words(engine: Engine, given, path=None) -> list[str]:
    """The words a command was given (-w WORD ..., and --words FILE: one a line, # comments), in
    order, each once. A value holding whitespace or a comma is refused unless the model has it as
    a phrase (new york -> new_york): it is most likely several words pasted into one."""
    words = read_word_list(given, path)
    for w in words:
        if (any(ch.isspace() for ch in w) or "," in w or "，" in w) and training_form(
            engine.model, w
        ) not in engine.model.index:
            raise UsageError(
                f"{w!r} holds a space or comma and is not a phrase of the model: give each word on its own "
                "(-w A -w B, or --words FILE with one a line)"
            )
    return words
