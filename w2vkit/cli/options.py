"""The options more than one command shares, defined once. Each says which commands use it; the
defaults and choices shown in --help are read from the library's constants.

  verbosity (-q/-v)        every command
  format_option (--format) every command with results; FORMAT_OPTION is table|tsv|json
  MODEL_OPTION (-m)        every command that reads a model
  TOPN_OPTION (-n)         similar, analogy, shell, search, axis, compare
  RESTRICT_OPTION          similar, analogy, shell
  JOBS_OPTION (-j)         segment, train
  segmentation_options     segment, train (raw text is segmented the same way by both)
  SENTENCE_METHOD_OPTION   embed, search
"""

from __future__ import annotations

import functools
import logging
import sys

import click

from ..choices import (
    BUILTIN_DICTS,
    BUILTIN_STOPWORDS,
    DEFAULT_MAX_LINE_TOKENS,
    DEFAULT_SENTENCE_METHOD,
    DEFAULT_TOPN,
    ENGINES,
    LANGS,
    SENTENCE_METHODS,
)
from ..env import CLUSTER_ENV
from ..limits import LIMITS
from ..phrases import PHRASE_THRESHOLDS
from .output import TerminalSafeFormatter

# gensim's corpus_file mode reads at most this many words of a line (MAX_WORDS_IN_BATCH).
GENSIM_MAX_LINE_WORDS = 10_000


def limited(name: str):
    """The click type of a numeric option, from the library's range for it (w2vkit.limits): the
    command line refuses what the library would, and --help shows the range."""
    low, high, integer, _ = LIMITS[name]
    return click.IntRange(low, high) if integer else click.FloatRange(low, high)


def verbosity(f):
    """-q/-v on every command: -q silences progress and summaries, -v shows debug messages."""

    @click.option("-q", "--quiet", is_flag=True, help="Print only results and errors.")
    @click.option("-v", "--verbose", count=True, help="More messages on stderr (-vv for debug).")
    @functools.wraps(f)
    def wrapper(*args, quiet, verbose, **kwargs):
        level = logging.WARNING if quiet else (logging.DEBUG if verbose > 1 else logging.INFO)
        logging.basicConfig(format="%(message)s", stream=sys.stderr, level=level, force=True)
        for handler in logging.getLogger().handlers:
            handler.setFormatter(TerminalSafeFormatter("%(message)s"))
        # gensim and smart_open narrate every step at INFO; show that only with -vv.
        for noisy in ("gensim", "smart_open"):
            logging.getLogger(noisy).setLevel(logging.INFO if verbose > 1 else logging.WARNING)
        ctx = click.get_current_context()
        ctx.meta["quiet"] = quiet
        return f(*args, **kwargs)

    return wrapper


def format_option(choices=("table", "tsv", "json"), default="table", help=None):
    """The one --format option (stored as `fmt`)."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(list(choices)),
        default=default,
        show_default=True,
        help=help or "Output format: aligned table, tab-separated, or JSON for scripts.",
    )


FORMAT_OPTION = format_option()

MODEL_OPTION = click.option(
    "-m",
    "--model",
    "model_path",
    default=None,
    metavar="DIR",
    help="Model directory [default: $W2VKIT_MODEL, else the newest under ./models].",
)

# --top everywhere (plot, info, queries); --topn is still accepted, as gensim names it.
TOPN_OPTION = click.option(
    "-n",
    "--top",
    "--topn",
    "topn",
    default=DEFAULT_TOPN,
    show_default=True,
    type=limited("topn"),
    help="How many results.",
)

RESTRICT_OPTION = click.option(
    "--restrict-vocab",
    type=click.IntRange(1),
    default=None,
    metavar="N",
    help="Search only the N most frequent words (fast on large imported models).",
)

JOBS_OPTION = click.option(
    "-j",
    "--jobs",
    type=limited("jobs"),
    default=None,
    help="Segmentation processes [default: all cores]; the output is identical for any value.",
)

# segment, train
CLUSTER_OPTION = click.option(
    "--cluster",
    default=None,
    metavar="ADDRESS",
    envvar=CLUSTER_ENV,
    show_envvar=True,
    help="Segment (train --segmented: count the vocabulary) on a Dask cluster: a scheduler's address "
    "(tcp://host:8786), or local:N for N local worker processes; the same output as --jobs, which it "
    "replaces. Needs pip install 'w2vkit[cluster]'.",
)

SENTENCE_METHOD_OPTION = click.option(
    "--method",
    type=click.Choice(SENTENCE_METHODS),
    default=DEFAULT_SENTENCE_METHOD,
    show_default=True,
    help="sif: smooth-inverse-frequency weights minus the common component; mean: the words' unit vectors averaged.",
)


def segmentation_options(f):
    """Options shared by `segment` and `train` (which segments raw text the same way); they arrive
    as keyword arguments for segment_options()."""
    decorators = [
        click.option(
            "--lang",
            type=click.Choice(LANGS),
            default=LANGS[0],
            show_default=True,
            help="Language; auto decides per file by its share of CJK characters.",
        ),
        click.option(
            "--engine",
            type=click.Choice(ENGINES),
            default=ENGINES[0],
            show_default=True,
            help="Chinese segmenter: fast (rjieba, Rust) or jieba (reference).",
        ),
        click.option(
            "--user-dict",
            "user_dicts",
            multiple=True,
            metavar="FILE|NAME",
            help="jieba-format dictionary ('word [freq] [tag]' per line), repeatable; "
            f"built-in: {', '.join(BUILTIN_DICTS)}.",
        ),
        click.option(
            "--auto-dict/--no-auto-dict",
            default=True,
            show_default=True,
            help="Add a built-in dictionary when the text is recognisably its work.",
        ),
        click.option(
            "--discover/--no-discover",
            default=True,
            show_default=True,
            help="Without a dictionary: find the text's own words (names, titles) by frequency, "
            "cohesion and boundary freedom, and keep them whole.",
        ),
        click.option(
            "--hmm/--no-hmm",
            default=True,
            show_default=True,
            help="Let jieba's HMM find words missing from the dictionaries.",
        ),
        click.option(
            "--stopwords",
            multiple=True,
            metavar="|".join(BUILTIN_STOPWORDS) + "|FILE",
            help="Drop these words (built-in list or a file, one word per line); repeatable.",
        ),
        click.option("--keep-punct", is_flag=True, help="Keep punctuation tokens."),
        click.option("--to-simplified", is_flag=True, help="Convert Traditional Chinese to Simplified (OpenCC)."),
        click.option(
            "--encoding",
            default=None,
            metavar="NAME",
            help="Force an input encoding (default: detect UTF-8/UTF-16 BOM/GB18030 per file).",
        ),
        click.option(
            "--lines",
            "lines",
            type=click.Choice(["paragraph", "sentence"]),
            default="paragraph",
            show_default=True,
            help="One output line per paragraph (up to --max-line-tokens; the context word2vec's "
            "window sees) or per sentence.",
        ),
        click.option(
            "--max-line-tokens",
            default=DEFAULT_MAX_LINE_TOKENS,
            show_default=True,
            type=limited("max_line_tokens"),
            help=f"Cut output lines longer than this (gensim drops words past {GENSIM_MAX_LINE_WORDS:,}).",
        ),
        click.option(
            "--phrases",
            default=0,
            show_default=True,
            type=limited("phrases"),
            metavar="N",
            help="Passes joining frequent collocations into one token (new_york; 2 is word2phrase's usual).",
        ),
        click.option(
            "--phrase-scoring",
            type=click.Choice(list(PHRASE_THRESHOLDS)),
            default="default",
            show_default=True,
            help="How --phrases scores a pair: word2phrase's formula, or normalised PMI.",
        ),
        click.option(
            "--phrase-threshold",
            type=limited("phrase_threshold"),
            default=None,
            help="Join pairs scoring above this [default: "
            + ", ".join(f"{t:g} with {name} scoring" for name, t in PHRASE_THRESHOLDS.items())
            + "].",
        ),
    ]
    for d in reversed(decorators):
        f = d(f)
    return f


SEGMENTATION_PARAMETERS = (
    "lang",
    "engine",
    "user_dicts",
    "auto_dict",
    "discover",
    "hmm",
    "stopwords",
    "keep_punct",
    "to_simplified",
    "encoding",
    "lines",
    "max_line_tokens",
    "phrases",
    "phrase_scoring",
    "phrase_threshold",
)


def segment_options(given: dict):
    """The library's SegmentOptions from segmentation_options' values (in `given`, by name)."""
    from ..segment import SegmentOptions

    g = {k: given[k] for k in SEGMENTATION_PARAMETERS}
    return SegmentOptions(
        lang=g["lang"],
        engine=g["engine"],
        user_dicts=tuple(g["user_dicts"]),
        auto_dict=g["auto_dict"],
        hmm=g["hmm"],
        stopwords=tuple(g["stopwords"]),
        keep_punct=g["keep_punct"],
        to_simplified=g["to_simplified"],
        encoding=g["encoding"],
        max_line_tokens=g["max_line_tokens"],
        discover=g["discover"],
        sentences=g["lines"] == "sentence",
        phrases=g["phrases"],
        phrase_scoring=g["phrase_scoring"],
        phrase_threshold=g["phrase_threshold"],
    )
