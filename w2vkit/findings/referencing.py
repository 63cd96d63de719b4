"""Comparing two texts by temporal referencing (Dubossarsky, Hengchen, Tahmasebi & Schlechtweg
2019): one model over both texts, in which each word under test is tagged in text B (孔明 in B
becomes a token of its own, 孔明@B) while every other word is shared. The two forms of a word then
live in one space, trained against the same context words, and are compared directly: no rotation,
so nothing is lost to aligning two small models.

Both texts are segmented as any corpus is (the cache: a second run reuses it); the tagged corpus is
A's lines followed by B's with the tested words tagged; the model is a plain word2vec (no
character n-grams: they would tie 孔明@B to 孔明 through their shared n-grams, and the count part
of the hybrid is left out for the same reason). It is trained in a temporary folder and dropped.
Only the tested words are tagged (the method's premise: contexts stay shared), so the command
needs the words; a whole-vocabulary scan is the Procrustes or overlap method's job.
"""

from __future__ import annotations

import logging
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from ..base.choices import COMPARE_NEIGHBOURS
from ..base.results import Result
from ..errors import InputError, OptionError
from ..text.corpus.corpuscache import prepare_corpus
from ..text.segmenting.segment import SegmentOptions
from ..training.trainoptions import TrainOptions

log = logging.getLogger(__name__)

TAG = "@B"  # the suffix of a tested word's form in text B; refused if a word of either text has it
REFERENCING_OPTIONS = TrainOptions(method="word2vec", subwords=False)


@dataclass
class ReferencedChange:
    word: str
    cosine: float | None  # between the word's form in A and its form in B, in the one model
    overlap: float  # share of the k nearest (untagged) neighbours the two forms agree on
    neighbours_a: list[str]
    neighbours_b: list[str]
    count_a: int
    count_b: int


@dataclass
class ReferencingResult:
    rows: list[ReferencedChange] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # words below min_count in A or B
    tokens_a: int = 0
    tokens_b: int = 0
    seconds: float = 0.0
    k: int = COMPARE_NEIGHBOURS  # neighbours compared per word

    def as_result(self, text_a: str, text_b: str, k: int) -> Result:
        """The comparison as a Result: a row per word (neighbours as lists), what it rests on as notes."""
        from .. import __version__

        rows = [
            (r.word, r.cosine, r.overlap, r.count_a, r.count_b, list(r.neighbours_a), list(r.neighbours_b))
            for r in self.rows
        ]
        columns = ["word", "cosine", "overlap", "count_a", "count_b", "neighbours_a", "neighbours_b"]
        fields = {"text_a": text_a, "text_b": text_b, "by": "referencing", "missing": self.missing}
        provenance = {"w2vkit_version": __version__, "k": k, "words": len(self.rows) + len(self.missing)}
        result = Result("compare", columns, rows, fields, [], provenance)
        result.note(
            f"temporal referencing: one word2vec model over both texts ({self.tokens_a:,} + {self.tokens_b:,} "
            f"tokens) in {self.seconds:.0f} s; no noise floor (one model, no members)",
            kind="info",
        )
        if self.missing:
            result.note(
                f"below the minimum count in one of the texts, not compared: {' '.join(self.missing)}", kind="info"
            )
        return result


def tagged(word: str) -> str:
    return word + TAG


def compare_texts(
    texts_a: list[str],
    texts_b: list[str],
    words: list[str],
    *,
    options: TrainOptions = REFERENCING_OPTIONS,
    seg_options: SegmentOptions | None = SegmentOptions(),  # noqa: B008 (frozen: immutable)
    k: int = COMPARE_NEIGHBOURS,
    progress: bool = False,
    work_dir: str | None = None,
) -> ReferencingResult:
    """Each of `words`' change from text A to text B by temporal referencing (module docstring):
    one model is trained on both texts with B's occurrences of the words tagged, and each word
    is compared with its tagged twin, so no alignment of two spaces is needed.

    Parameters
    ----------
    texts_a, texts_b : list of str
        Raw files of each text (segmented as seg_options says).
    words : list of str
        The words to compare.
    options : TrainOptions
        How the one model is trained (a plain word2vec).
    seg_options : SegmentOptions or None
        How the texts are segmented; None: they are already space-separated tokens.
    k : int
        Neighbours compared for each word's overlap.
    progress : bool
        Progress bars on stderr.
    work_dir : str, optional
        Where the temporary model is trained (None: the system's temporary folder).

    Returns
    -------
    ReferencingResult
        Each word's cosine with its twin and neighbour overlap, and its counts in each text.

    Raises
    ------
    OptionError
        No words, or texts not given as lists.
    InputError
        A text that already holds the tag temporal referencing uses.

    Examples
    --------
    >>> r = compare_texts(["a.txt"], ["b.txt"], ["关羽"])  # doctest: +SKIP
    >>> r.rows[0].word  # doctest: +SKIP
    '关羽'
    """
    import time

    from ..model.store import load_model
    from ..queries.query import Engine
    from ..training.trainer import train

    if isinstance(words, str) or isinstance(texts_a, str) or isinstance(texts_b, str):
        raise OptionError("{words}, texts_a and texts_b are lists", "words")
    if not words:
        raise OptionError(
            "temporal referencing tags the words it tests: give the words (WORD… or --words FILE)", "words"
        )
    if options.subwords or (options.method not in (None, "word2vec")):
        log.info("temporal referencing trains a plain word2vec model: no n-grams, no count part")
    options = replace(options, method="word2vec", subwords=False)
    started = time.perf_counter()
    wanted = list(dict.fromkeys(words))
    corpus_a = prepare_corpus(list(texts_a), seg_options, progress=progress)
    corpus_b = prepare_corpus(list(texts_b), seg_options, progress=progress)
    result = ReferencingResult(tokens_a=corpus_a.tokens, tokens_b=corpus_b.tokens, k=k)
    with tempfile.TemporaryDirectory(prefix="w2vkit-referencing-", dir=work_dir) as tmp:
        combined = Path(tmp) / "referenced.txt"
        counts_a, counts_b = _write_referenced(
            (corpus_a.path, corpus_b.path), (", ".join(texts_a), ", ".join(texts_b)), set(wanted), combined
        )
        train([str(combined)], str(Path(tmp) / "model"), options, None, progress=progress, keep_gensim=False)
        engine = Engine(load_model(Path(tmp) / "model"))
        index = engine.model.index
        untagged = np.array([not w.endswith(TAG) for w in engine.model.words])
        unit = engine.unit
        for word in wanted:
            i, j = index.get(word), index.get(tagged(word))
            if i is None or j is None:
                result.missing.append(word)
                continue
            left_out = ~untagged
            left_out[[i, j]] = True  # (the nearest untagged words but the word itself)
            near_a, near_b = (
                [] if not unit[row].any() else engine.nearest(unit[row], k, exclude=left_out).rows for row in (i, j)
            )
            result.rows.append(
                ReferencedChange(
                    word,
                    float(unit[i] @ unit[j]) if unit[i].any() and unit[j].any() else None,
                    len(set(near_a) & set(near_b)) / max(1, len(near_a)),
                    [engine.model.words[r] for r in near_a],
                    [engine.model.words[r] for r in near_b],
                    counts_a.get(word, 0),
                    counts_b.get(word, 0),
                )
            )
    result.seconds = time.perf_counter() - started
    return result


def _write_referenced(paths, names, words: set[str], out: Path) -> tuple[dict, dict]:
    """A's lines as they are, then B's with `words` tagged (paths: the segmented texts, names: the
    user's files); the tested words' counts in each. A token that already ends in TAG would be
    mistaken for a tagged form: refused, naming it."""
    counts: tuple[dict, dict] = ({}, {})
    with open(out, "w", encoding="utf-8") as f:
        for side, path in enumerate(paths):
            c = counts[side]
            with open(path, encoding="utf-8") as lines:
                for lineno, line in enumerate(lines, 1):
                    tokens = line.split()
                    for n, t in enumerate(tokens):
                        if t.endswith(TAG):
                            raise InputError(
                                f"{names[side]}: the word {t!r} (segmented line {lineno}) ends in {TAG!r}, the tag temporal "
                                "referencing gives text B's forms; compare with {by} cosine or overlap",
                                "by",
                            )
                        if t in words:
                            c[t] = c.get(t, 0) + 1
                            if side == 1:
                                tokens[n] = tagged(t)
                    f.write(" ".join(tokens) + "\n")
    return counts
