"""The range of every numeric option: what the work can honour, checked before any work, in the
library's option classes (so the command line and Python callers refuse the same values) and shown
in --help (click's ranges are made from this table). Imports nothing heavy: --help reads it.

Each bound says why it is there. A value outside is an OptionError naming the parameter.
"""

from __future__ import annotations

import math
import numbers

from ..errors import OptionError

# name: (lowest, highest, integer?, why the bound). None: no bound on that side. For floats the
# bounds are inclusive and the value must be finite (NaN and infinities crash gensim's C code).
LIMITS: dict[str, tuple[float | None, float | None, bool, str]] = {
    # train (w2vkit.training.trainoptions)
    "dim": (1, 10_000, True, "a 100k-word model at dim 10,000 is 4 GB of vectors"),
    "window": (1, 1_000, True, "lines are cut at 1,000 tokens: a wider window sees nothing more"),
    "min_count": (1, 2**31 - 1, True, "gensim keeps counts in 32 bits"),
    "epochs": (1, 10_000, True, "gensim counts words in 32 bits: epochs x tokens overflowed its threads"),
    "negative": (0, 100, True, "word2vec uses 5-20; each is a dot product per word"),
    "sample": (0.0, 1.0, False, "a share of the corpus; 0 turns down-sampling off"),
    "alpha": (1e-6, 1.0, False, "a learning rate above 1 diverges; NaN or 0 crash gensim"),
    "min_alpha": (0.0, 1.0, False, "the learning rate at the end of training"),
    "workers": (1, 64, True, "threads beyond the cores add no speed; 100,000 made no progress"),
    "seed": (0, 2**32 - 1, True, "numpy's and gensim's seeds are 32-bit"),
    "max_vocab": (1, 2**31 - 1, True, "gensim indexes words in 32 bits"),
    "min_n": (1, 20, True, "character n-grams; fastText's longest default is 6"),
    "max_n": (1, 20, True, "character n-grams; fastText's longest default is 6"),
    "buckets": (1, 100_000_000, True, "n-gram buckets x dim x 4 bytes: 100M x 100 is 40 GB"),
    "count_dim": (1, 10_000, True, "the SVD's rank; a 100k-word vocabulary at 10,000 is 4 GB"),
    "count_window": (1, 100, True, "counting costs tokens x window: 100 is 10x a novel's count"),
    "count_eig": (0.0, 1.0, False, "the power of the singular values: 0 ignores them, 1 keeps them"),
    "count_dirichlet": (1e-9, 1e3, False, "a pseudo-count added to every co-occurrence cell"),
    "count_weight": (0.0, 1.0, False, "the count part's share of the combined cosines"),
    "count_narrow_share": (0.0, 0.99, False, "the narrow count's share of the count part's cosine"),
    "ns_exponent": (-10.0, 10.0, False, "the exponent of the negative-sampling distribution: 0.75 for words"),
    "remove_top": (0, 100, True, "principal directions removed; 1-3 is the usual, the rest is meaning"),
    "members": (2, 100, True, "each member is a training of the whole text; 10 gives usable intervals"),
    # segment (w2vkit.text.segmenting.segment, w2vkit.text.segmenting.pipeline)
    "jobs": (1, 256, True, "processes beyond the cores only add memory: each holds a segmenter"),
    "max_line_tokens": (1, 1_000_000, True, "gensim reads at most 10,000 words of a line"),
    "phrases": (0, 10, True, "each pass joins pairs: 2 is word2phrase's usual"),
    "phrase_threshold": (-1.0, 1e9, False, "a pair's score: npmi from -1 to 1, word2phrase's from 0"),
    # queries and findings (w2vkit.queries.query, w2vkit.findings.analysis, w2vkit.pictures.plotting)
    "topn": (1, 100_000, True, "results beyond that are no longer read, only printed"),
    "iterations": (0, 20, True, "each round adds words to the seeds: 20 rounds of 5 drift far"),
    "grow": (1, 1_000, True, "words added to the seeds per round"),
    "k": (1, 1_000, True, "neighbours compared per word"),
    "anchors": (2, 10_000_000, True, "words the rotation is fitted on"),
    "permutations": (19, 1_000_000, True, "19 permutations resolve p = 0.05; each costs a few matrix products"),
    "bootstrap": (10, 100_000, True, "a 90% interval needs at least 10 draws"),
    "min_occurrences": (1, 1_000_000, True, "occurrences a group needs for a number"),
    "level": (0.5, 0.99, False, "an interval's coverage; past 0.99 the tails rest on a handful of draws"),
    # (contrast's own window: each occurrence's context is averaged; window 1,000 took 134 s at 1 GB)
    "contrast_window": (1, 100, True, "conText's default is 6; past 100 an occurrence's context is its whole row"),
    "stable": (0.0, 1.0, False, "a share of the resampled members"),
    "restrict_vocab": (1, 2**31 - 1, True, "the most frequent words searched; gensim indexes words in 32 bits"),
    "min_neighbour_count": (1, 1_000_000_000, True, "a neighbour seen fewer times is hidden"),
    # (the most a model keeps: choices.BACKGROUND_WORDS_MAX)
    "background_words": (0, 20_000, True, "a model keeps at most 20,000 of its background's own words"),
    "scan": (1, 1_000_000_000, True, "occurrences a scanned word needs in each group"),
    "scan_top": (1, 1_000_000, True, "words a scan contrasts"),
    "neighbors": (1, 1_000, True, "neighbours drawn around each word"),
    "top": (3, 1_000_000, True, "words on a map"),
    "clusters": (0, 30, True, "colours of a map (0: none); more than a reader can tell apart (MAX_CLUSTERS)"),
    "width": (1, 1_000, True, "characters of context each side of a hit"),
}


def check_number(name: str, value, limits=LIMITS) -> None:
    """OptionError unless value (None: not given, fine) is within the range of `name`."""
    if value is None:
        return
    low, high, integer, why = limits[name]
    kind = "an integer" if integer else "a number"
    ok = isinstance(value, numbers.Integral if integer else numbers.Real) and not isinstance(value, bool)
    if ok and not integer:
        ok = math.isfinite(value)
    if ok:
        ok = (low is None or value >= low) and (high is None or value <= high)
    if not ok:
        raise OptionError(f"{{{name}}} must be {kind} {describe(name, limits)} ({why}), not {value!r}", name)


def describe(name: str, limits=LIMITS) -> str:
    """The range in words: "from 1 to 10,000", "at least 1"."""
    low, high, integer, _ = limits[name]

    def show(x):
        return f"{x:,}" if integer else f"{x:g}"

    if high is None:
        return f"at least {show(low)}"
    return f"from {show(low)} to {show(high)}"
