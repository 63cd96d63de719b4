"""Each operation the front ends ask, declared once: the library function that answers it, its
parameters with their flag spellings and help, and what a page may ask of each (its cap). Defaults
are the constants the function's signature names and ranges come from the limits table
(w2vkit.base.limits), so the command line's options (w2vkit.cli.options.declared), the explorer's
questions (w2vkit.explore.questions) and every command line printed for an answer
(w2vkit.operations.requests.command_line) are made from this table and cannot part: the same question gives the same Result under the same names,
whichever front end asked it (tests/test_operations.py runs each one every way).

Front ends add only what is theirs: the model and the kind of similarity (every operation takes an
engine), the output format, files of words.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any, NamedTuple

from ..base.choices import (
    ANALOGY_METHODS,
    DEFAULT_TOPN,
    EXPAND_GROW,
    EXPAND_MIN_COUNT,
    EXPAND_TOPN,
    HUBNESS_CHOICES,
    KWIC_LIMIT,
    KWIC_WIDTH,
    NEIGHBOUR_MIN_COUNT,
    SIMILAR_BACKGROUND_WORDS,
    SIMILAR_HUBNESS,
    SIMILAR_RANK,
    SIMILAR_RANKS,
    TEXT_COLUMN,
)
from ..errors import UsageError

MAX_WORD_CHARS = 100  # a word given to a page (a prefix, a group's name too)
MAX_WORDS = 100  # words in one question from a page (seeds, poles, words to place)
MAX_ROWS = 100  # rows a page shows


class Parameter(NamedTuple):
    """One parameter of an operation: the library function's keyword `name`, its spellings on the
    command line (`flags`; none: the command's positional words), what it is, its help, the
    library's default (the constant its signature names: tests/test_operations.py holds the two
    together; None: not given unless asked), and, for a page, the most it may ask (`page_most`,
    under the limits table's) or False when a page does not ask it at all. (A named tuple, not a
    dataclass: --help reads this table, and creating dataclasses at import made it slow.)"""

    name: str
    # words | word | pairs (words, two at a time) | poles (words after one flag: axis's --vs) |
    # count | share | choice | flag | conditions (COLUMN=VALUE, repeatable: a dict) | names (one
    # flag's comma-separated names: a list)
    kind: str
    help: str
    flags: tuple[str, ...] = ()
    default: Any = None
    choices: tuple[str, ...] = ()
    least: int = 1  # words: how many at the least
    limit: str | None = None  # its row in the limits table (None: its name)
    page_most: int | bool | None = None  # a page's cap (a count); False: not asked from a page
    metavar: str | None = None

    @property
    def positional(self) -> bool:
        return not self.flags


class Operation(NamedTuple):
    """A question and the library function that answers it (`function`, "module:name" under
    w2vkit, called with an engine first, or with `on="model"` the engine's model as its `model`;
    `on="text"`: an engine too, or None, whose kind of similarity the answer does not use, so no
    front end asks one; imported when asked, not when the table is read)."""

    name: str
    function: str
    parameters: tuple[Parameter, ...]
    on: str = "engine"

    def library(self):
        module, _, name = self.function.partition(":")
        return getattr(importlib.import_module(f"w2vkit.{module}"), name)

    def parameter(self, name: str) -> Parameter:
        return next(p for p in self.parameters if p.name == name)

    def call(self, engine, asked: Mapping):
        """The library's answer: the parameters given (None and empty: not given, the library's
        default applies; a value given is never replaced); words of a `pairs` parameter two at a
        time."""
        given = {k: list(v) if isinstance(v, tuple) else v for k, v in asked.items() if v not in (None, (), [])}
        for p in self.parameters:
            if p.kind == "pairs" and p.name in given:
                words = given[p.name]
                if len(words) % 2:
                    raise UsageError(f"give words in pairs: {p.metavar or 'A B'} ({len(words)} given)")
                given[p.name] = list(zip(words[::2], words[1::2]))
        if self.on == "model":
            return self.library()(model=engine.model, **given)
        return self.library()(engine, **given)


TOPN = Parameter("topn", "count", "How many results", ("-n", "--top", "--topn"), DEFAULT_TOPN, page_most=MAX_ROWS)
RESTRICT = Parameter(
    "restrict_vocab",
    "count",
    "Search only the N most frequent words (fast on large imported models)",
    ("--restrict-vocab",),
    page_most=False,
    metavar="N",
)
STABLE = Parameter(
    "stable",
    "share",
    "With resampled members (train --bootstrap): keep results found in at least this share of them",
    ("--stable",),
    page_most=False,
    metavar="P",
)
MIN_COUNT = Parameter(
    "min_count",
    "count",
    "Only words seen at least this often (rare words have noisy vectors)",
    ("--min-count",),
    EXPAND_MIN_COUNT,
)
SKIP_UNKNOWN = Parameter(
    "skip_unknown",
    "flag",
    "Leave out words the model cannot place (named in a note) instead of failing",
    ("--skip-unknown",),
    False,
    page_most=False,
)

# A table's parameters, declared once for every command that reads a table's rows (kwic here;
# contrast, explore and plot take them by the command line's helpers, w2vkit.cli.options)
TEXT_COLUMN_PARAMETER = Parameter(
    "text_column", "word", "With a table: its text column", ("--text-column",), TEXT_COLUMN, page_most=False,
    metavar="NAME",
)  # fmt: skip
WHERE = Parameter(
    "where",
    "conditions",
    "With a table: only its rows whose COLUMN is VALUE (repeatable): the passages behind a contrast",
    ("--where",),
    page_most=False,
    metavar="COLUMN=VALUE",
)
COLUMNS = Parameter(
    "columns",
    "names",
    "With a table: the row's columns shown with each passage (author,title) [default: its first three]",
    ("--columns",),
    page_most=False,
    metavar="A,B",
)

OPERATIONS: dict[str, Operation] = {
    op.name: op
    for op in (
        Operation(
            "similar",
            "queries.ensemble:similar",
            (
                Parameter("positive", "words", "The word, or the words to add", metavar="WORD..."),
                Parameter(
                    "negative", "words", "Subtract this word (repeatable)", ("--minus",), least=0, metavar="WORD"
                ),
                TOPN,
                RESTRICT,
                STABLE,
                Parameter(
                    "rank",
                    "choice",
                    "With resampled members: order by the model's own cosine, or by the ensemble's estimate (the "
                    "members' mean: steadier, fewer aliases; docs/findings.md)",
                    ("--rank",),
                    SIMILAR_RANK,
                    SIMILAR_RANKS,
                ),
                Parameter(
                    "hubness",
                    "choice",
                    "csls: rank by CSLS, so that hubs (words near everything) sink (docs/findings.md)",
                    ("--hubness",),
                    SIMILAR_HUBNESS,
                    HUBNESS_CHOICES,
                ),
                Parameter(
                    "min_neighbour_count",
                    "count",
                    "Hide neighbours seen fewer than N times (the query word may be rare); says how many it hid",
                    ("--min-neighbour-count", "--min-neighbor-count"),
                    NEIGHBOUR_MIN_COUNT,
                    metavar="N",
                ),
                Parameter(
                    "background_words",
                    "count",
                    "After the text's neighbours, the N nearest words of the background the text lacks (a model "
                    "trained with --background), each row saying where it is from",
                    ("--background-words",),
                    SIMILAR_BACKGROUND_WORDS,
                    page_most=False,
                    metavar="N",
                ),
            ),
        ),
        Operation(
            "similarity",
            "queries.ensemble:similarity",
            (Parameter("pairs", "pairs", "Pairs of words, each pair's cosine", metavar="A B [C D ...]"),),
        ),
        Operation(
            "analogy",
            "queries.answers:analogy",
            (
                Parameter("a", "word", "A of A + B - C", metavar="A"),
                Parameter("b", "word", "B of A + B - C", metavar="B"),
                Parameter("c", "word", "C of A + B - C", metavar="C"),
                Parameter(
                    "method",
                    "choice",
                    "3CosAdd (most_similar) or 3CosMul (most_similar_cosmul)",
                    ("--method",),
                    ANALOGY_METHODS[0],
                    ANALOGY_METHODS,
                ),
                TOPN,
                RESTRICT,
            ),
        ),
        Operation(
            "expand",
            "findings.analysis:expand",
            (
                # (none on the command line when --words FILE or --concepts FILE gives them)
                Parameter("seeds", "words", "The words of a concept", least=0, metavar="SEED..."),
                Parameter("topn", "count", "How many words", ("-n", "--top"), EXPAND_TOPN, page_most=MAX_ROWS),
                MIN_COUNT,
                Parameter(
                    "iterations",
                    "count",
                    "Rounds that add the --grow best candidates to the seeds and rank again",
                    ("--iterations",),
                    0,
                    page_most=5,
                ),
                Parameter("grow", "count", "Candidates added to the seeds each round", ("--grow",), EXPAND_GROW),
                STABLE,
                SKIP_UNKNOWN,
            ),
        ),
        Operation(
            "axis",
            "findings.axes:axis",
            (
                Parameter("positive", "words", "The positive pole's words", metavar="POS..."),
                Parameter("negative", "poles", "The negative pole's words", ("--vs",), metavar="NEG..."),
                Parameter(
                    "words",
                    "words",
                    "A word to place on the axis (repeatable)",
                    ("-w", "--word"),
                    least=0,
                    metavar="WORD",
                ),
                TOPN,
                MIN_COUNT,
                SKIP_UNKNOWN,
            ),
        ),
        Operation(
            "kwic",
            "findings.typical:kwic",
            (
                Parameter("word", "word", "The word", metavar="WORD"),
                Parameter(
                    "source",
                    "word",
                    "A raw text file or a table to search (any encoding w2vkit reads) [default: the model's training "
                    "text]",
                    ("--in",),
                    page_most=False,
                    metavar="FILE",
                ),
                Parameter(
                    "limit", "count", "Passages shown", ("-n", "--top"), KWIC_LIMIT, limit="topn", page_most=MAX_ROWS
                ),
                Parameter("width", "count", "Characters each side", ("--width",), KWIC_WIDTH, page_most=MAX_ROWS),
                Parameter(
                    "near",
                    "word",
                    "Only the passages with this word within --width characters: where two neighbours are used "
                    "together",
                    ("--near",),
                    metavar="WORD",
                ),
                TEXT_COLUMN_PARAMETER,
                WHERE,
                COLUMNS,
                Parameter(
                    "typical",
                    "flag",
                    "With --in TABLE -m MODEL --where COLUMN=GROUP: the group's passages most typical of the word's "
                    "use there first (each occurrence's à la carte vector against the group's mean, as contrast "
                    "computes them)",
                    ("--typical",),
                    False,
                    page_most=False,
                ),
                Parameter(
                    "at",
                    "conditions",
                    "With --typical, in place of --where: the passages nearest the fitted vector at this value of a "
                    "number column (conText's get_ncs; the line contrast --by COLUMN --at COLUMN=NUMBER fits)",
                    ("--at",),
                    page_most=False,
                    metavar="COLUMN=NUMBER",
                ),
                Parameter(
                    "background",
                    "flag",
                    "With a model trained with --background: its background's passages too, after the text's, "
                    "labelled in a column 'from'",
                    ("--background",),
                    False,
                    page_most=False,
                ),
            ),
            on="text",
        ),
        Operation(
            "doesnt-match",
            "queries.answers:doesnt_match",
            (Parameter("words", "words", "The words, the odd one among them", least=2, metavar="W1 W2 W3..."),),
        ),
    )
}
