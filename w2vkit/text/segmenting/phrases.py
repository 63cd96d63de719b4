"""Collocations joined into one token (new york -> new_york), as word2vec's word2phrase does."""

from __future__ import annotations

import logging
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from ...base.choices import PHRASE_THRESHOLD_DEFAULTS

log = logging.getLogger(__name__)

PHRASE_MIN_COUNT = 5
# Per scoring: word2phrase's (and gensim's default) threshold, and gensim's suggested npmi one.
PHRASE_THRESHOLDS = PHRASE_THRESHOLD_DEFAULTS


def phrase_passes(
    sentences: Callable[[], Iterable[list[str]]], passes: int, scoring: str = "default", threshold: float | None = None
) -> Iterator[Callable[[str], str]]:
    """For each of `passes` passes: learn the collocations of the text (gensim Phrases, streaming
    over `sentences()`, so memory holds the pair counts, not the text) and yield a function that
    joins them in one line; the caller rewrites the text with it before asking for the next pass,
    which learns from the rewritten text, as word2vec's word2phrase does. English connector words
    (of, the, …) may sit inside a phrase (bank_of_america) but never start or end one."""
    from gensim.models.phrases import ENGLISH_CONNECTOR_WORDS, Phrases

    # Each pass joins with a delimiter of its own (private-use characters), turned into "_" at the
    # end: gensim re-splits a joined token at its delimiter when scoring, so a second pass with
    # the same one scores new_york + times as new + times and never finds new_york_times.
    delimiters = [chr(0xE000 + k) for k in range(passes)]
    to_underscore = str.maketrans({d: "_" for d in delimiters})
    for k, delimiter in enumerate(delimiters):
        learned = Phrases(
            sentences(),
            min_count=PHRASE_MIN_COUNT,
            threshold=PHRASE_THRESHOLDS[scoring] if threshold is None else threshold,
            scoring=scoring,
            connector_words=ENGLISH_CONNECTOR_WORDS,
            delimiter=delimiter,
        ).freeze()
        log.info("phrases pass %d: joining %d collocations", k + 1, len(learned.phrasegrams))

        def join(line: str, learned=learned, last=k == passes - 1) -> str:
            joined = " ".join(learned[line.split()])
            return joined.translate(to_underscore) if last else joined

        yield join


def join_phrases(
    paths: list[Path], passes: int, scoring: str = "default", threshold: float | None = None
) -> tuple[Counter, list[int]]:
    """Join frequent collocations into one token with "_" (new york -> new_york) in the segmented
    files, rewritten in place (see phrase_passes). Returns the words' counts and each file's token
    count after joining, counted as the last pass writes."""

    def sentences():
        for path in paths:
            with open(path, encoding="utf-8") as f:
                for line in f:
                    yield line.split()

    counts: Counter = Counter()
    tokens = [0] * len(paths)
    for k, join in enumerate(phrase_passes(sentences, passes, scoring, threshold)):
        last = k == passes - 1
        for i, path in enumerate(paths):
            tmp = path.with_name(path.name + ".phrases")
            with open(path, encoding="utf-8") as src, open(tmp, "w", encoding="utf-8", newline="\n") as out:
                for line in src:
                    joined = join(line)
                    if last:
                        words = joined.split()
                        counts.update(words)
                        tokens[i] += len(words)
                    out.write(joined + "\n")
            os.replace(tmp, path)
    return counts, tokens
