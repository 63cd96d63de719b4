"""Collocations joined into one token (new york -> new_york), as word2vec's word2phrase does."""

from __future__ import annotations

import logging
import os
from collections import Counter
from pathlib import Path

from .choices import PHRASE_THRESHOLD_DEFAULTS

log = logging.getLogger(__name__)

PHRASE_MIN_COUNT = 5
# Per scoring: word2phrase's (and gensim's default) threshold, and gensim's suggested npmi one.
PHRASE_THRESHOLDS = PHRASE_THRESHOLD_DEFAULTS


def join_phrases(
    paths: list[Path], passes: int, scoring: str = "default", threshold: float | None = None
) -> tuple[Counter, list[int]]:
    """Join frequent collocations into one token with "_" (new york -> new_york), `passes` times
    over the segmented files, as word2vec's word2phrase does: gensim Phrases learns the pairs
    (streaming over the files, so memory holds the pair counts, not the text), FrozenPhrases
    rewrites each file. English connector words (of, the, …) may sit inside a phrase
    (bank_of_america) but never start or end one. Returns the words' counts and each file's
    token count after joining."""
    from gensim.models.phrases import ENGLISH_CONNECTOR_WORDS, Phrases

    def sentences():
        for path in paths:
            with open(path, encoding="utf-8") as f:
                for line in f:
                    yield line.split()

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
        last = k == passes - 1
        for path in paths:
            tmp = path.with_name(path.name + ".phrases")
            with open(path, encoding="utf-8") as src, open(tmp, "w", encoding="utf-8", newline="\n") as out:
                for line in src:
                    joined = " ".join(learned[line.split()])
                    out.write((joined.translate(to_underscore) if last else joined) + "\n")
            os.replace(tmp, path)
    counts: Counter = Counter()
    tokens = []
    for path in paths:
        before = sum(counts.values())
        with open(path, encoding="utf-8") as f:
            for line in f:
                counts.update(line.split())
        tokens.append(sum(counts.values()) - before)
    return counts, tokens
