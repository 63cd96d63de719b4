"""Every segmentation and training option, declared once: its parameter name, its command-line
flags, its type, choices or range, default and help. The library's option classes
(w2vkit.text.segmenting.segment.SegmentOptions, w2vkit.training.trainoptions.TrainOptions) take their defaults from here
and check their values with check_options; the command line makes its click options from the same
rows (w2vkit.cli.options.table_options), so both refuse the same values with the same message, and
--help shows what the library does.

Imports nothing heavy and makes no dataclass: `w2vkit --help` reads it.
"""

from __future__ import annotations

from ..errors import UsageError
from .choices import (
    ARCHS,
    BUILTIN_DICTS,
    BUILTIN_STOPWORDS,
    DEFAULT_ARCH,
    DEFAULT_COUNT_DIM,
    DEFAULT_COUNT_WINDOW,
    DEFAULT_MAX_LINE_TOKENS,
    DEFAULT_MAX_N,
    DEFAULT_METHOD,
    DEFAULT_MIN_ALPHA,
    DEFAULT_MIN_COUNT,
    DEFAULT_MIN_N,
    DEFAULT_SEED,
    DEFAULT_WEIGHTING,
    DEFAULT_WORD_WEIGHT,
    ENGINES,
    HYBRID_MAX_TOKENS,
    ITEM_DEFAULTS,
    LANGS,
    LARGE_CORPUS_DEFAULTS,
    METHODS,
    NARROW_COUNT_SETTINGS,
    PHRASE_SCORINGS,
    PHRASE_THRESHOLD_DEFAULTS,
    SMALL_CORPUS_TOKENS,
    TOKEN_KINDS,
    WEIGHTINGS,
    by_size,
)
from .parameter import Parameter

# gensim's corpus_file mode reads at most this many words of a line (MAX_WORDS_IN_BATCH).
GENSIM_MAX_LINE_WORDS = 10_000
SIZE = f"{SMALL_CORPUS_TOKENS // 1_000_000}M tokens"


_PHRASE_DEFAULTS = ", ".join(f"{t:g} with {name} scoring" for name, t in PHRASE_THRESHOLD_DEFAULTS.items())

SEGMENT_OPTIONS = (
    Parameter(
        "lang",
        "choice",
        "Language; auto decides per file by its share of CJK characters.",
        flags=("--lang",),
        default=LANGS[0],
        choices=LANGS,
    ),
    Parameter(
        "engine",
        "choice",
        "Chinese segmenter: fast (rjieba, Rust) or jieba (reference).",
        flags=("--engine",),
        default=ENGINES[0],
        choices=ENGINES,
    ),
    Parameter(
        "user_dicts",
        "repeated",
        f"jieba-format dictionary ('word [freq] [tag]' per line), repeatable; built-in: {', '.join(BUILTIN_DICTS)}.",
        flags=("--user-dict",),
        default=(),
        metavar="FILE|NAME",
    ),
    Parameter(
        "auto_dict",
        "switch",
        "Add a built-in dictionary when the text is recognisably its work.",
        flags=("--auto-dict/--no-auto-dict",),
        default=True,
    ),
    Parameter(
        "discover",
        "switch",
        "Without a dictionary: find the text's own words (names, titles) by frequency, cohesion and "
        "boundary freedom, and keep them whole.",
        flags=("--discover/--no-discover",),
        default=True,
    ),
    Parameter(
        "hmm",
        "switch",
        "Let jieba's HMM find words missing from the dictionaries.",
        flags=("--hmm/--no-hmm",),
        default=True,
    ),
    Parameter(
        "stopwords",
        "repeated",
        "Drop these words (built-in list or a file, one word per line); repeatable.",
        flags=("--stopwords",),
        default=(),
        metavar="|".join(BUILTIN_STOPWORDS) + "|FILE",
    ),
    Parameter("keep_punct", "flag", "Keep punctuation tokens.", flags=("--keep-punct",), default=False),
    Parameter(
        "to_simplified",
        "flag",
        "Convert Traditional Chinese to Simplified (OpenCC).",
        flags=("--to-simplified",),
        default=False,
    ),
    Parameter(
        "encoding",
        "text",
        "Force an input encoding (default: detect UTF-8/UTF-16 BOM/GB18030 per file).",
        flags=("--encoding",),
        metavar="NAME",
    ),
    Parameter(
        "sentences",
        "flag",
        "One output line per paragraph (up to --max-line-tokens; the context word2vec's window sees) or per sentence.",
        flags=("--lines",),
        default=False,
        values={"paragraph": False, "sentence": True},
    ),
    Parameter(
        "max_line_tokens",
        "number",
        f"Cut output lines longer than this (gensim drops words past {GENSIM_MAX_LINE_WORDS:,}).",
        flags=("--max-line-tokens",),
        default=DEFAULT_MAX_LINE_TOKENS,
    ),
    Parameter(
        "phrases",
        "number",
        "Passes joining frequent collocations into one token (new_york; 2 is word2phrase's usual).",
        flags=("--phrases",),
        default=0,
        metavar="N",
    ),
    Parameter(
        "phrase_scoring",
        "choice",
        "How --phrases scores a pair: word2phrase's formula, or normalised PMI.",
        flags=("--phrase-scoring",),
        default=PHRASE_SCORINGS[0],
        choices=PHRASE_SCORINGS,
    ),
    Parameter(
        "phrase_threshold",
        "number",
        f"Join pairs scoring above this [default: {_PHRASE_DEFAULTS}].",
        flags=("--phrase-threshold",),
    ),
    Parameter(
        "tokens",
        "choice",
        "Chinese tokens: words (the segmenter) or chars (each Han character, for classical poetry).",
        flags=("--tokens",),
        default=TOKEN_KINDS[0],
        choices=TOKEN_KINDS,
    ),
    Parameter(
        "strip_notes",
        "flag",
        "Drop editorial notes before segmenting: bracketed readings and marks ((一作…) [二] 〔…〕 【…】), parentheses of any length (a poem has none), and editors' sentences naming collections or volumes (以上…見《…》卷…).",
        flags=("--strip-notes",),
        default=False,
    ),
    Parameter(
        "text_column",
        "text",
        "A table's (TSV, CSV, JSON Lines) column holding the text; each row is a document.",
        flags=("--text-column",),
        default="text",
        metavar="NAME",
    ),
    Parameter(
        "where",
        "conditions",
        "With a table: only its rows whose COLUMN is VALUE (repeatable): a model of one period or collection; "
        "recorded with the table.",
        flags=("--where",),
        metavar="COLUMN=VALUE",
    ),
    # the library's only: set by the pipeline, not by a user
    Parameter(
        "split_name_verb", "flag", "Split a name glued to the verb after it (孙悟空道 -> 孙悟空 道).", default=True
    ),
    Parameter("new_words", "repeated", "The words discovery found, added for this run.", default=()),
)

TRAIN_OPTIONS = (
    Parameter(
        "arch",
        "choice",
        f"Architecture (--sg, --cbow say the same) [default: {DEFAULT_ARCH}, measured better on both corpora, see "
        f"docs/defaults.md; with --items {ITEM_DEFAULTS['arch']}].",
        flags=("--arch",),
        choices=ARCHS,
    ),
    Parameter("dim", "number", f"Vector size [default: {by_size('dim')}].", flags=("--dim",)),
    Parameter("window", "number", f"Context window [default: {by_size('window')}].", flags=("--window",)),
    Parameter(
        "min_count",
        "number",
        f"Ignore words seen fewer times [default: {DEFAULT_MIN_COUNT}; with --items {ITEM_DEFAULTS['min_count']}].",
        flags=("--min-count",),
    ),
    Parameter("epochs", "number", f"Passes over the corpus [default: {by_size('epochs')}].", flags=("--epochs",)),
    Parameter("negative", "number", f"Negative samples [default: {by_size('negative')}].", flags=("--negative",)),
    Parameter("hs", "flag", "Hierarchical softmax (use with --negative 0).", flags=("--hs",), default=False),
    Parameter(
        "ns_exponent",
        "number",
        "Exponent of the negative-sampling distribution [default: gensim's 0.75; with --items "
        f"{ITEM_DEFAULTS['ns_exponent']}: rare items drawn more often].",
        flags=("--ns-exponent",),
    ),
    Parameter(
        "sample", "number", f"Down-sampling of frequent words [default: {by_size('sample')}].", flags=("--sample",)
    ),
    Parameter(
        "alpha",
        "number",
        f"Initial learning rate [default: {LARGE_CORPUS_DEFAULTS['cbow_alpha']} for CBOW from {SIZE}, else "
        "gensim's 0.025].",
        flags=("--alpha",),
    ),
    Parameter("min_alpha", "number", "Final learning rate.", flags=("--min-alpha",), default=DEFAULT_MIN_ALPHA),
    Parameter("workers", "number", "Training threads [default: all cores].", flags=("--workers",)),
    Parameter("seed", "number", "Random seed.", flags=("--seed",), default=DEFAULT_SEED),
    Parameter(
        "deterministic",
        "flag",
        "Bit-identical vectors on a rerun with the same seed (trains on one thread).",
        flags=("--deterministic",),
        default=False,
    ),
    Parameter("max_vocab", "number", "Keep at most this many words.", flags=("--max-vocab",)),
    Parameter(
        "subwords",
        "switch",
        "Character n-grams (fastText's subword model) [default: on for Chinese words, off for English and for --tokens chars].",
        flags=("--subwords/--no-subwords",),
    ),
    Parameter(
        "min_n", "number", "Shortest character n-gram, with subwords.", flags=("--min-n",), default=DEFAULT_MIN_N
    ),
    Parameter("max_n", "number", "Longest character n-gram, with subwords.", flags=("--max-n",), default=DEFAULT_MAX_N),
    Parameter("buckets", "number", "Hash buckets for the character n-grams [default: by corpus size]."),
    Parameter(
        "word_weight",
        "weight",
        "With subwords: weight of a word's own vector against its n-grams' mean (0-1), or gensim's "
        f"composition [default: {DEFAULT_WORD_WEIGHT}; with --resume, the model's].",
        flags=("--word-weight",),
        metavar="W|gensim",
    ),
    Parameter(
        "add_context",
        "switch",
        f"Save each word's vector plus its context vector (w+c) [default: on from {SIZE}, off below].",
        flags=("--add-context/--no-add-context",),
    ),
    Parameter(
        "remove_top",
        "number",
        f"Remove the mean and the top N principal directions from the vectors [default: {by_size('remove_top')}].",
        flags=("--remove-top",),
        metavar="N",
    ),
    Parameter(
        "method",
        "choice",
        "word2vec (gensim), ppmi (a count model: PPMI + SVD) or hybrid (both side by side) "
        f"[default: {DEFAULT_METHOD} below {HYBRID_MAX_TOKENS // 1_000_000}M tokens, else word2vec].",
        flags=("--method",),
        choices=METHODS,
    ),
    Parameter(
        "count_weight",
        "number",
        f"hybrid: the count model's share of each cosine [default: {by_size('count_weight')}].",
        flags=("--count-weight",),
        metavar="W",
    ),
    Parameter("count_dim", "number", f"Count model dimensions [default: {DEFAULT_COUNT_DIM}].", flags=("--count-dim",)),
    Parameter(
        "count_window", "number", f"Count model window [default: {DEFAULT_COUNT_WINDOW}].", flags=("--count-window",)
    ),
    Parameter(
        "count_weighting",
        "choice",
        f"How a context d words away counts: 1/d, (window-d+1)/window or 1 [default: {DEFAULT_WEIGHTING}].",
        flags=("--count-weighting",),
        choices=WEIGHTINGS,
    ),
    Parameter(
        "count_eig",
        "number",
        f"Power of the singular values in the count vectors [default: {by_size('count_eig')}].",
        flags=("--count-eig",),
    ),
    Parameter(
        "count_dirichlet",
        "number",
        "Dirichlet smoothing of the count model: this pseudo-count added to every co-occurrence cell before PPMI, "
        "instead of raising context counts to 0.75 (Jungmaier et al. 2020; their recipe adds --count-eig 0) "
        "[default: off].",
        flags=("--count-dirichlet",),
        metavar="LAMBDA",
    ),
    Parameter(
        "count_narrow_share",
        "number",
        "The share of the count model's cosine from a second count in a narrow window "
        f"({NARROW_COUNT_SETTINGS['window']} words, singular values whole): it favours words that could replace "
        f"each other, as syntactic analogies ask [default: {by_size('count_narrow_share')}].",
        flags=("--count-narrow-share",),
        metavar="S",
    ),
)

SEGMENT = {o.name: o for o in SEGMENT_OPTIONS}
TRAIN = {o.name: o for o in TRAIN_OPTIONS}


def parse_weight(value: str | float | None) -> float | str | None:
    """A "weight" option as given on a command line: a number (its range is checked by the
    option class), "gensim", or None."""
    if value is None or value == "gensim" or isinstance(value, float):
        return value
    try:
        return float(value)  # (NaN and infinity are refused by the option's check)
    except ValueError:
        raise UsageError(f"{value!r} is not a number from 0 to 1 or 'gensim'") from None


def default(table: dict, name: str):
    """The library's default of an option (what the option classes' fields start from)."""
    return table[name].default


def check_options(values, table: dict) -> None:
    """OptionError for the first value (an object's attributes by option name) the library cannot use."""
    for name, option in table.items():
        option.check(getattr(values, name))


# Library parameters that the command line spells as several options.
SPELLED_AS = {"resampling": "--bootstrap or --seeds"}


def flag_of(name: str) -> str | None:
    """The command-line flag of a library parameter (--word-weight for word_weight), or None."""
    if name in SPELLED_AS:
        return SPELLED_AS[name]
    option = SEGMENT.get(name) or TRAIN.get(name)
    if option is None or not option.flags:
        return None
    return option.flags[0].split("/")[0]
