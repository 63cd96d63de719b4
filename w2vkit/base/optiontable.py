"""Every segmentation and training option, declared once: its parameter name, its command-line
flags, its type, choices or range, default and help. The library's option classes
(w2vkit.text.segmenting.segment.SegmentOptions, w2vkit.training.trainoptions.TrainOptions) take their defaults from here
and check their values with check_options; the command line makes its click options from the same
rows (w2vkit.cli.options.table_options), so both refuse the same values with the same message, and
--help shows what the library does.

Imports nothing heavy and makes no dataclass: `w2vkit --help` reads it.
"""

from __future__ import annotations

from ..errors import OptionError, UsageError
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
from .limits import check_number

# gensim's corpus_file mode reads at most this many words of a line (MAX_WORDS_IN_BATCH).
GENSIM_MAX_LINE_WORDS = 10_000
SIZE = f"{SMALL_CORPUS_TOKENS // 1_000_000}M tokens"


class Option:
    """One option. kind: "choice" (one of `choices`), "number" (range: w2vkit.base.limits[`limit`]),
    "flag" (on when given), "switch" (--x/--no-x; None: decided by the library), "text", "names"
    (repeatable, a tuple of names), "conditions" (repeatable COLUMN=VALUE, the library's one shape
    of a table's row filter: a dict, None when unset), "weight" (a number from 0 to 1, or "gensim"). `flags`: the
    command line's names (empty: the library's only); `values`: a command-line value -> library
    value map, when the command line says it in words (--lines sentence -> sentences=True)."""

    __slots__ = ("name", "flags", "kind", "default", "help", "choices", "limit", "metavar", "values")

    def __init__(self, name, flags, kind, default, help, choices=None, limit=None, metavar=None, values=None):
        self.name, self.flags, self.kind, self.default, self.help = name, flags, kind, default, help
        self.choices, self.limit, self.metavar, self.values = choices, limit, metavar, values

    def check(self, value) -> None:
        """OptionError naming this parameter unless `value` is one the library can use."""
        if self.kind == "choice" and value is not None and value not in self.choices:
            raise OptionError(f"{{{self.name}}} must be one of {', '.join(self.choices)}, not {value!r}", self.name)
        if self.kind == "number":
            check_number(self.limit or self.name, value)
        if self.kind == "names":
            if isinstance(value, str):  # ("xiyouji" would be read as x, i, y, ...)
                raise OptionError(f"{{{self.name}}} must be a list or tuple of names, not one string", self.name)
            if not isinstance(value, (tuple, list)):
                raise OptionError(f"{{{self.name}}} must be a list or tuple of names, not {value!r}", self.name)
        if self.kind == "conditions" and value is not None and not isinstance(value, dict):
            raise OptionError(f"{{{self.name}}} must be a dict of COLUMN: VALUE, not {value!r}", self.name)
        if self.kind in ("flag", "switch") and not (
            isinstance(value, bool) or (value is None and self.kind == "switch")
        ):
            raise OptionError(f"{{{self.name}}} must be True or False, not {value!r}", self.name)
        if self.kind == "weight" and value not in (None, "gensim"):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
                raise OptionError(f"{{{self.name}}} must be a number from 0 to 1, or gensim, not {value!r}", self.name)


_PHRASE_DEFAULTS = ", ".join(f"{t:g} with {name} scoring" for name, t in PHRASE_THRESHOLD_DEFAULTS.items())

SEGMENT_OPTIONS = (
    Option(
        "lang",
        ("--lang",),
        "choice",
        LANGS[0],
        "Language; auto decides per file by its share of CJK characters.",
        LANGS,
    ),
    Option(
        "engine",
        ("--engine",),
        "choice",
        ENGINES[0],
        "Chinese segmenter: fast (rjieba, Rust) or jieba (reference).",
        ENGINES,
    ),
    Option(
        "user_dicts",
        ("--user-dict",),
        "names",
        (),
        f"jieba-format dictionary ('word [freq] [tag]' per line), repeatable; built-in: {', '.join(BUILTIN_DICTS)}.",
        metavar="FILE|NAME",
    ),
    Option(
        "auto_dict",
        ("--auto-dict/--no-auto-dict",),
        "switch",
        True,
        "Add a built-in dictionary when the text is recognisably its work.",
    ),
    Option(
        "discover",
        ("--discover/--no-discover",),
        "switch",
        True,
        "Without a dictionary: find the text's own words (names, titles) by frequency, cohesion and "
        "boundary freedom, and keep them whole.",
    ),
    Option("hmm", ("--hmm/--no-hmm",), "switch", True, "Let jieba's HMM find words missing from the dictionaries."),
    Option(
        "stopwords",
        ("--stopwords",),
        "names",
        (),
        "Drop these words (built-in list or a file, one word per line); repeatable.",
        metavar="|".join(BUILTIN_STOPWORDS) + "|FILE",
    ),
    Option("keep_punct", ("--keep-punct",), "flag", False, "Keep punctuation tokens."),
    Option("to_simplified", ("--to-simplified",), "flag", False, "Convert Traditional Chinese to Simplified (OpenCC)."),
    Option(
        "encoding",
        ("--encoding",),
        "text",
        None,
        "Force an input encoding (default: detect UTF-8/UTF-16 BOM/GB18030 per file).",
        metavar="NAME",
    ),
    Option(
        "sentences",
        ("--lines",),
        "flag",
        False,
        "One output line per paragraph (up to --max-line-tokens; the context word2vec's window sees) or per sentence.",
        values={"paragraph": False, "sentence": True},
    ),
    Option(
        "max_line_tokens",
        ("--max-line-tokens",),
        "number",
        DEFAULT_MAX_LINE_TOKENS,
        f"Cut output lines longer than this (gensim drops words past {GENSIM_MAX_LINE_WORDS:,}).",
    ),
    Option(
        "phrases",
        ("--phrases",),
        "number",
        0,
        "Passes joining frequent collocations into one token (new_york; 2 is word2phrase's usual).",
        metavar="N",
    ),
    Option(
        "phrase_scoring",
        ("--phrase-scoring",),
        "choice",
        PHRASE_SCORINGS[0],
        "How --phrases scores a pair: word2phrase's formula, or normalised PMI.",
        PHRASE_SCORINGS,
    ),
    Option(
        "phrase_threshold",
        ("--phrase-threshold",),
        "number",
        None,
        f"Join pairs scoring above this [default: {_PHRASE_DEFAULTS}].",
    ),
    Option(
        "tokens",
        ("--tokens",),
        "choice",
        TOKEN_KINDS[0],
        "Chinese tokens: words (the segmenter) or chars (each Han character, for classical poetry).",
        TOKEN_KINDS,
    ),
    Option(
        "strip_notes",
        ("--strip-notes",),
        "flag",
        False,
        "Drop editorial notes before segmenting: bracketed readings and marks ((一作…) [二] 〔…〕 【…】), parentheses of any length (a poem has none), and editors' sentences naming collections or volumes (以上…見《…》卷…).",
    ),
    Option(
        "text_column",
        ("--text-column",),
        "text",
        "text",
        "A table's (TSV, CSV, JSON Lines) column holding the text; each row is a document.",
        metavar="NAME",
    ),
    Option(
        "where",
        ("--where",),
        "conditions",
        None,
        "With a table: only its rows whose COLUMN is VALUE (repeatable): a model of one period or collection; "
        "recorded with the table.",
        metavar="COLUMN=VALUE",
    ),
    # the library's only: set by the pipeline, not by a user
    Option("split_name_verb", (), "flag", True, "Split a name glued to the verb after it (孙悟空道 -> 孙悟空 道)."),
    Option("new_words", (), "names", (), "The words discovery found, added for this run."),
)

TRAIN_OPTIONS = (
    Option(
        "arch",
        ("--arch",),
        "choice",
        None,
        f"Architecture (--sg, --cbow say the same) [default: {DEFAULT_ARCH}, measured better on both corpora, see "
        f"docs/defaults.md; with --items {ITEM_DEFAULTS['arch']}].",
        ARCHS,
    ),
    Option("dim", ("--dim",), "number", None, f"Vector size [default: {by_size('dim')}]."),
    Option("window", ("--window",), "number", None, f"Context window [default: {by_size('window')}]."),
    Option(
        "min_count",
        ("--min-count",),
        "number",
        None,
        f"Ignore words seen fewer times [default: {DEFAULT_MIN_COUNT}; with --items {ITEM_DEFAULTS['min_count']}].",
    ),
    Option("epochs", ("--epochs",), "number", None, f"Passes over the corpus [default: {by_size('epochs')}]."),
    Option("negative", ("--negative",), "number", None, f"Negative samples [default: {by_size('negative')}]."),
    Option("hs", ("--hs",), "flag", False, "Hierarchical softmax (use with --negative 0)."),
    Option(
        "ns_exponent",
        ("--ns-exponent",),
        "number",
        None,
        "Exponent of the negative-sampling distribution [default: gensim's 0.75; with --items "
        f"{ITEM_DEFAULTS['ns_exponent']}: rare items drawn more often].",
    ),
    Option("sample", ("--sample",), "number", None, f"Down-sampling of frequent words [default: {by_size('sample')}]."),
    Option(
        "alpha",
        ("--alpha",),
        "number",
        None,
        f"Initial learning rate [default: {LARGE_CORPUS_DEFAULTS['cbow_alpha']} for CBOW from {SIZE}, else "
        "gensim's 0.025].",
    ),
    Option("min_alpha", ("--min-alpha",), "number", DEFAULT_MIN_ALPHA, "Final learning rate."),
    Option("workers", ("--workers",), "number", None, "Training threads [default: all cores]."),
    Option("seed", ("--seed",), "number", DEFAULT_SEED, "Random seed."),
    Option(
        "deterministic",
        ("--deterministic",),
        "flag",
        False,
        "Bit-identical vectors on a rerun with the same seed (trains on one thread).",
    ),
    Option("max_vocab", ("--max-vocab",), "number", None, "Keep at most this many words."),
    Option(
        "subwords",
        ("--subwords/--no-subwords",),
        "switch",
        None,
        "Character n-grams (fastText's subword model) [default: on for Chinese words, off for English and for --tokens chars].",
    ),
    Option("min_n", ("--min-n",), "number", DEFAULT_MIN_N, "Shortest character n-gram, with subwords."),
    Option("max_n", ("--max-n",), "number", DEFAULT_MAX_N, "Longest character n-gram, with subwords."),
    Option("buckets", (), "number", None, "Hash buckets for the character n-grams [default: by corpus size]."),
    Option(
        "word_weight",
        ("--word-weight",),
        "weight",
        None,
        "With subwords: weight of a word's own vector against its n-grams' mean (0-1), or gensim's "
        f"composition [default: {DEFAULT_WORD_WEIGHT}; with --resume, the model's].",
        metavar="W|gensim",
    ),
    Option(
        "add_context",
        ("--add-context/--no-add-context",),
        "switch",
        None,
        f"Save each word's vector plus its context vector (w+c) [default: on from {SIZE}, off below].",
    ),
    Option(
        "remove_top",
        ("--remove-top",),
        "number",
        None,
        f"Remove the mean and the top N principal directions from the vectors [default: {by_size('remove_top')}].",
        metavar="N",
    ),
    Option(
        "method",
        ("--method",),
        "choice",
        None,
        "word2vec (gensim), ppmi (a count model: PPMI + SVD) or hybrid (both side by side) "
        f"[default: {DEFAULT_METHOD} below {HYBRID_MAX_TOKENS // 1_000_000}M tokens, else word2vec].",
        METHODS,
    ),
    Option(
        "count_weight",
        ("--count-weight",),
        "number",
        None,
        f"hybrid: the count model's share of each cosine [default: {by_size('count_weight')}].",
        metavar="W",
    ),
    Option("count_dim", ("--count-dim",), "number", None, f"Count model dimensions [default: {DEFAULT_COUNT_DIM}]."),
    Option(
        "count_window", ("--count-window",), "number", None, f"Count model window [default: {DEFAULT_COUNT_WINDOW}]."
    ),
    Option(
        "count_weighting",
        ("--count-weighting",),
        "choice",
        None,
        f"How a context d words away counts: 1/d, (window-d+1)/window or 1 [default: {DEFAULT_WEIGHTING}].",
        WEIGHTINGS,
    ),
    Option(
        "count_eig",
        ("--count-eig",),
        "number",
        None,
        f"Power of the singular values in the count vectors [default: {by_size('count_eig')}].",
    ),
    Option(
        "count_dirichlet",
        ("--count-dirichlet",),
        "number",
        None,
        "Dirichlet smoothing of the count model: this pseudo-count added to every co-occurrence cell before PPMI, "
        "instead of raising context counts to 0.75 (Jungmaier et al. 2020; their recipe adds --count-eig 0) "
        "[default: off].",
        metavar="LAMBDA",
    ),
    Option(
        "count_narrow_share",
        ("--count-narrow-share",),
        "number",
        None,
        "The share of the count model's cosine from a second count in a narrow window "
        f"({NARROW_COUNT_SETTINGS['window']} words, singular values whole): it favours words that could replace "
        f"each other, as syntactic analogies ask [default: {by_size('count_narrow_share')}].",
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
