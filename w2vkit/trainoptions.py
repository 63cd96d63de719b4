"""What `train` does when not told: its options, and the defaults that depend on the corpus.

Defaults differ below and above SMALL_CORPUS_TOKENS (a novel against Wikipedia): each was chosen
by measurement on several texts and seeds (docs/defaults.md). Their values live in
w2vkit.choices, where the command line reads them for its --help without importing this module.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from .choices import (
    ARCHS,
    DEFAULT_ARCH,
    DEFAULT_COUNT_WEIGHT,
    DEFAULT_MAX_N,
    DEFAULT_METHOD,
    DEFAULT_MIN_ALPHA,
    DEFAULT_MIN_COUNT,
    DEFAULT_MIN_N,
    DEFAULT_SEED,
    DEFAULT_WORD_WEIGHT,
    HYBRID_MAX_TOKENS,
    LARGE_CORPUS_DEFAULTS,
    METHODS,
    SMALL_CORPUS_DEFAULTS,
    SMALL_CORPUS_TOKENS,
)
from .countmodel import CountOptions
from .env import default_jobs
from .errors import OptionError, UsageError
from .limits import check_number

# The numeric options and their ranges (w2vkit.limits), checked when the options are made.
NUMERIC = (
    "dim",
    "window",
    "min_count",
    "epochs",
    "negative",
    "sample",
    "alpha",
    "min_alpha",
    "workers",
    "seed",
    "max_vocab",
    "ns_exponent",
    "min_n",
    "max_n",
    "buckets",
    "count_dim",
    "count_window",
    "count_eig",
    "count_weight",
    "remove_top",
)


@dataclass(frozen=True)
class SizeDefaults:
    """The defaults for one side of SMALL_CORPUS_TOKENS (the values and their reasons: w2vkit.choices)."""

    dim: int
    window: int
    epochs: int
    negative: int
    sample: float
    buckets: int  # hash buckets for the n-grams
    cbow_alpha: float | None  # None: gensim's 0.025
    add_context: bool
    remove_top: int


SMALL_CORPUS = SizeDefaults(**SMALL_CORPUS_DEFAULTS)
LARGE_CORPUS = SizeDefaults(**LARGE_CORPUS_DEFAULTS)


def size_defaults(tokens: int) -> SizeDefaults:
    return SMALL_CORPUS if tokens < SMALL_CORPUS_TOKENS else LARGE_CORPUS


@dataclass(frozen=True)
class TrainOptions:
    arch: str = DEFAULT_ARCH  # cbow | skipgram
    dim: int | None = None  # None (here and below): chosen by corpus size, see resolved()
    window: int | None = None
    min_count: int = DEFAULT_MIN_COUNT
    epochs: int | None = None
    negative: int | None = None
    hs: bool = False
    # The exponent of the negative-sampling distribution (None: gensim's 0.75, as for words;
    # items: w2vkit.items.ITEM_DEFAULTS).
    ns_exponent: float | None = None
    sample: float | None = None
    alpha: float | None = None
    min_alpha: float = DEFAULT_MIN_ALPHA
    workers: int | None = None
    seed: int = DEFAULT_SEED
    deterministic: bool = False
    max_vocab: int | None = None
    # Character n-grams (fastText's subword model, gensim FastText): None = on for Chinese text.
    subwords: bool | None = None
    min_n: int = DEFAULT_MIN_N
    max_n: int = DEFAULT_MAX_N
    buckets: int | None = None
    # With subwords: a word's vector is word_weight x its own (unit) vector + (1 - word_weight) x
    # the (unit) mean of its n-grams' vectors. "gensim": gensim's composition, (word + n-grams
    # summed) / (1 + n-gram count), which lets the n-grams outweigh the word ~6 to 1. None:
    # DEFAULT_WORD_WEIGHT, or when resuming, what the model was trained with.
    word_weight: float | str | None = None
    # Post-processing (w2vkit.postprocess): add the context vectors, remove the top principal
    # directions.
    add_context: bool | None = None
    remove_top: int | None = None
    # The method (METHODS; None: by corpus size) and, for ppmi and hybrid, the count model's
    # settings (w2vkit.countmodel.CountOptions; None: its defaults) and, for hybrid, the weight of
    # its part in the combined vectors' cosines.
    method: str | None = None
    count_weight: float | None = None
    count_dim: int | None = None
    count_window: int | None = None
    count_weighting: str | None = None
    count_eig: float | None = None

    def __post_init__(self):
        if self.arch not in ARCHS:
            raise UsageError(f"unknown architecture {self.arch!r}; choose {' or '.join(ARCHS)}")
        if self.method is not None and self.method not in METHODS:
            raise UsageError(f"unknown method {self.method!r}; choose {', '.join(METHODS)}")
        for name in NUMERIC:
            check_number(name, getattr(self, name))
        if not self.hs and self.negative == 0:
            raise OptionError("with {negative} 0 use {hs}, or nothing would be trained", "negative", "hs")
        if not 1 <= self.min_n <= self.max_n:
            raise OptionError("{min_n} and {max_n} need 1 <= min-n <= max-n", "min_n", "max_n")
        if self.word_weight not in (None, "gensim") and not (
            isinstance(self.word_weight, (int, float)) and 0 <= self.word_weight <= 1
        ):
            raise OptionError("{word_weight} must be between 0 and 1, or gensim", "word_weight")
        if self.add_context and self.hs and not self.negative:
            raise OptionError(
                "{add_context} needs negative sampling: hierarchical softmax has no context vectors", "add_context"
            )
        self.count_options()  # the count model's settings checked now, not after training

    def resolved(self, tokens: int, lang: str = "en") -> TrainOptions:
        """Fill the defaults that depend on the corpus: its size in tokens and its language.

        Chinese gets character n-grams: a word's characters carry much of its meaning (the idea of
        CWE, Chen et al. 2015), and the names of one character share them (孙悟空 悟空 孙行者 孙大圣);
        alias recall@10 rose on both novels (docs/defaults.md). English keeps plain
        word2vec: text8-style text has no morphology left worth the 2-3x training time.
        """
        size = size_defaults(tokens)

        def pick(name):
            value = getattr(self, name)
            return value if value is not None else getattr(size, name)

        negative = pick("negative")
        return replace(
            self,
            dim=pick("dim"),
            window=pick("window"),
            epochs=pick("epochs"),
            negative=negative,
            sample=pick("sample"),
            alpha=self.alpha if self.alpha is not None else (size.cbow_alpha if self.arch == "cbow" else None),
            workers=1 if self.deterministic else (self.workers or default_jobs()),
            subwords=self.subwords if self.subwords is not None else lang == "zh",
            buckets=pick("buckets"),
            word_weight=DEFAULT_WORD_WEIGHT if self.word_weight is None else self.word_weight,
            add_context=pick("add_context") and negative > 0,
            remove_top=pick("remove_top"),
            method=self.method or (DEFAULT_METHOD if tokens < HYBRID_MAX_TOKENS else "word2vec"),
            count_weight=DEFAULT_COUNT_WEIGHT if self.count_weight is None else self.count_weight,
        )

    def count_options(self):
        """The count model's settings (w2vkit.countmodel.CountOptions) from these options."""
        given = {
            "dim": self.count_dim,
            "window": self.count_window,
            "weighting": self.count_weighting,
            "eig": self.count_eig,
        }
        return CountOptions(seed=self.seed, **{k: v for k, v in given.items() if v is not None})

    @property
    def postprocess(self):
        from .postprocess import Steps  # here: it loads numpy, and --help reads this module

        return Steps(bool(self.add_context), self.remove_top or 0)


def parse_word_weight(value: str | float | None) -> float | str | None:
    """A word weight as given on a command line: a number from 0 to 1, "gensim", or None."""
    if value is None or value == "gensim":
        return value
    try:
        return float(value)
    except ValueError:
        raise UsageError(f"{value!r} is not a number from 0 to 1 or 'gensim'") from None


def default_output(inputs: list[str], models_root: str = "models") -> Path:
    """Where a model of these inputs goes when no output is given: models/<first input's name>."""
    first = Path(inputs[0].rstrip("/"))
    name = first.name
    for suffix in (".gz", ".bz2", ".txt"):
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
    return Path(models_root) / (name or "model")
