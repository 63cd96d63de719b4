"""What `train` does when not told: its options, and the defaults that depend on the corpus.

Defaults differ below and above SMALL_CORPUS_TOKENS (a novel against Wikipedia): each was chosen
by measurement on several texts and seeds (docs/defaults.md). Their values live in
w2vkit.base.choices, where the command line reads them for its --help without importing this module.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, cast

from ..base.choices import (
    DEFAULT_ARCH,
    DEFAULT_METHOD,
    DEFAULT_MIN_COUNT,
    DEFAULT_WORD_WEIGHT,
    HYBRID_MAX_TOKENS,
    ITEM_DEFAULTS,
    ITEMS_LANGUAGE,
    LARGE_CORPUS_DEFAULTS,
    SMALL_CORPUS_DEFAULTS,
    SMALL_CORPUS_TOKENS,
    default_epochs,
)
from ..base.env import default_jobs
from ..base.optiontable import TRAIN, check_options, default
from ..errors import OptionError
from .countmodel import CountOptions


@dataclass(frozen=True)
class SizeDefaults:
    """The defaults for one side of SMALL_CORPUS_TOKENS (the values and their reasons: w2vkit.base.choices)."""

    dim: int
    window: int
    epochs: int
    negative: int
    sample: float
    buckets: int  # hash buckets for the n-grams
    cbow_alpha: float | None  # None: gensim's 0.025
    add_context: bool
    remove_top: int
    count_eig: float  # the count part's singular values to this power
    count_weight: float  # the count part's share of each cosine (hybrid)
    count_narrow_share: float  # the narrow count's share of the count part's cosine


SMALL_CORPUS = SizeDefaults(**cast(dict[str, Any], SMALL_CORPUS_DEFAULTS))
LARGE_CORPUS = SizeDefaults(**cast(dict[str, Any], LARGE_CORPUS_DEFAULTS))


def size_defaults(tokens: int) -> SizeDefaults:
    return SMALL_CORPUS if tokens < SMALL_CORPUS_TOKENS else LARGE_CORPUS


@dataclass(frozen=True)
class TrainOptions:
    """How `train` trains: each field is an option of w2vkit.base.optiontable.TRAIN_OPTIONS (its type,
    range, default and meaning are declared there, once, for this class and the command line).
    None means "chosen by the corpus" (its size and language): see resolved().

    Parameters
    ----------
    arch : {"cbow", "skipgram"}
        The word2vec architecture.
    dim, window, epochs, negative, sample, alpha : number or None
        Vector size, context window, passes, negative samples, down-sampling, initial learning rate
        (None: by corpus size, docs/defaults.md).
    min_count, min_alpha, seed, workers, max_vocab : int or float
        Words seen fewer times are left out; final learning rate; random seed; threads (None: all
        cores); at most this many words (None: no cap).
    hs, deterministic : bool
        Hierarchical softmax; one thread, bit-identical reruns.
    ns_exponent : float or None
        The negative-sampling distribution's exponent (None: gensim's 0.75).
    subwords : bool or None
        Character n-grams, fastText's subword model (None: on for Chinese words, off for characters).
    min_n, max_n : int
        The shortest and longest character n-gram.
    buckets : int or None
        Hash buckets for the n-grams (None: by corpus size).
    word_weight : float, "gensim" or None
        With subwords, a word's own vector's weight against its n-grams' mean.
    add_context, remove_top : bool/int or None
        Post-processing: add context vectors; remove the top principal directions.
    method : {"word2vec", "ppmi", "hybrid"} or None
        What makes the vectors (None: hybrid below 50M tokens, else word2vec).
    count_weight, count_dim, count_window, count_weighting, count_eig, count_dirichlet, count_narrow_share : or None
        The count model's settings (w2vkit.training.countmodel.CountOptions) and its share in hybrid.

    Raises
    ------
    OptionError
        A value out of its range or choices, or options that cannot work together, naming them.

    Examples
    --------
    >>> TrainOptions(arch="skipgram", dim=50).resolved(tokens=300_000, lang="zh").subwords
    True
    """

    arch: str = default(TRAIN, "arch")
    dim: int | None = default(TRAIN, "dim")
    window: int | None = default(TRAIN, "window")
    min_count: int = default(TRAIN, "min_count")
    epochs: int | None = default(TRAIN, "epochs")
    negative: int | None = default(TRAIN, "negative")
    hs: bool = default(TRAIN, "hs")
    ns_exponent: float | None = default(TRAIN, "ns_exponent")
    sample: float | None = default(TRAIN, "sample")
    alpha: float | None = default(TRAIN, "alpha")
    min_alpha: float = default(TRAIN, "min_alpha")
    workers: int | None = default(TRAIN, "workers")
    seed: int = default(TRAIN, "seed")
    deterministic: bool = default(TRAIN, "deterministic")
    max_vocab: int | None = default(TRAIN, "max_vocab")
    subwords: bool | None = default(TRAIN, "subwords")
    min_n: int = default(TRAIN, "min_n")
    max_n: int = default(TRAIN, "max_n")
    buckets: int | None = default(TRAIN, "buckets")
    # With subwords: a word's vector is word_weight x its own (unit) vector + (1 - word_weight) x
    # the (unit) mean of its n-grams' vectors. "gensim": gensim's composition, (word + n-grams
    # summed) / (1 + n-gram count), which lets the n-grams outweigh the word ~6 to 1. None:
    # DEFAULT_WORD_WEIGHT, or when resuming, what the model was trained with.
    word_weight: float | str | None = default(TRAIN, "word_weight")
    add_context: bool | None = default(TRAIN, "add_context")
    remove_top: int | None = default(TRAIN, "remove_top")
    method: str | None = default(TRAIN, "method")
    count_weight: float | None = default(TRAIN, "count_weight")
    count_dim: int | None = default(TRAIN, "count_dim")
    count_window: int | None = default(TRAIN, "count_window")
    count_weighting: str | None = default(TRAIN, "count_weighting")
    count_eig: float | None = default(TRAIN, "count_eig")
    count_dirichlet: float | None = default(TRAIN, "count_dirichlet")
    count_narrow_share: float | None = default(TRAIN, "count_narrow_share")

    def __post_init__(self):
        check_options(self, TRAIN)
        if not self.hs and self.negative == 0:
            raise OptionError("with {negative} 0 use {hs}, or nothing would be trained", "negative", "hs")
        if not 1 <= self.min_n <= self.max_n:
            raise OptionError("{min_n} and {max_n} need 1 <= min-n <= max-n", "min_n", "max_n")
        if self.add_context and self.hs and not self.negative:
            raise OptionError(
                "{add_context} needs negative sampling: hierarchical softmax has no context vectors", "add_context"
            )
        self.count_options()  # the count model's settings checked now, not after training

    def resolved(self, tokens: int, lang: str = "en", characters: bool = False) -> TrainOptions:
        """Fill the defaults that depend on the corpus: its size in tokens, its language and whether
        its tokens are characters (`--tokens chars`).

        Chinese gets character n-grams: a word's characters carry much of its meaning (the idea of
        CWE, Chen et al. 2015), and the names of one character share them (孙悟空 悟空 孙行者 孙大圣);
        alias recall@10 rose on both novels (docs/defaults.md). English keeps plain
        word2vec: text8-style text has no morphology left worth the 2-3x training time. So does a
        corpus of characters: a character's n-grams (<字 字> <字>) are its own, shared with no other
        word, so they cost 1.4x the time and taught nothing (36,000 poems: category precision 0.197
        against 0.198, contrast scan Spearman 0.948 against 0.954 to the 80-pass model; an unseen
        character got the noise of its hash buckets).
        """
        size = size_defaults(tokens)
        # The one rule: a field left None was not set; it is filled here, from the kind of input
        # (items), then the corpus's size; a value the caller gave is never replaced.
        given = self
        if lang == ITEMS_LANGUAGE:
            unset: dict[str, Any] = {k: v for k, v in ITEM_DEFAULTS.items() if getattr(self, k) is None}
            given = replace(self, **unset)
        given = replace(
            given,
            arch=given.arch or DEFAULT_ARCH,
            min_count=DEFAULT_MIN_COUNT if given.min_count is None else given.min_count,
        )
        return given._resolved_by_size(size, tokens, lang, characters)

    def _resolved_by_size(self, size, tokens: int, lang: str, characters: bool) -> TrainOptions:
        def pick(name):
            value = getattr(self, name)
            return value if value is not None else getattr(size, name)

        negative = pick("negative")
        return replace(
            self,
            dim=pick("dim"),
            window=pick("window"),
            epochs=self.epochs if self.epochs is not None else default_epochs(tokens),
            negative=negative,
            sample=pick("sample"),
            alpha=self.alpha if self.alpha is not None else (size.cbow_alpha if self.arch == "cbow" else None),
            workers=1 if self.deterministic else (self.workers or default_jobs()),
            subwords=self.subwords if self.subwords is not None else (lang == "zh" and not characters),
            buckets=pick("buckets"),
            word_weight=DEFAULT_WORD_WEIGHT if self.word_weight is None else self.word_weight,
            add_context=pick("add_context") and negative > 0,
            remove_top=pick("remove_top"),
            method=self.method or (DEFAULT_METHOD if tokens < HYBRID_MAX_TOKENS else "word2vec"),
            count_weight=pick("count_weight"),
            count_eig=pick("count_eig"),
            count_narrow_share=pick("count_narrow_share"),
        )

    def count_options(self):
        """The count model's settings (w2vkit.training.countmodel.CountOptions) from these options."""
        given: dict[str, Any] = {
            "dim": self.count_dim,
            "window": self.count_window,
            "weighting": self.count_weighting,
            "eig": self.count_eig,
            "dirichlet": self.count_dirichlet,
            "narrow_share": self.count_narrow_share,
        }
        return CountOptions(seed=self.seed, **{k: v for k, v in given.items() if v is not None})

    @property
    def postprocess(self):
        from ..model.postprocess import Steps  # here: it loads numpy, and --help reads this module

        return Steps(bool(self.add_context), self.remove_top or 0)


def default_output(inputs: list[str], models_root: str = "models") -> Path:
    """Where a model of these inputs goes when no output is given: models/<first input's name>."""
    first = Path(inputs[0].rstrip("/"))
    name = first.name
    for suffix in (".gz", ".bz2", ".txt"):
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
    return Path(models_root) / (name or "model")
