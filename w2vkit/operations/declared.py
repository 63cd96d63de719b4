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

from ..base.choices import (
    ANALOGY_METHODS,
    CONTRAST_BOOTSTRAP,
    CONTRAST_LEVEL,
    CONTRAST_MIN_OCCURRENCES,
    CONTRAST_PERMUTATIONS,
    CONTRAST_WINDOW,
    DEFAULT_IMAGE_TOP,
    DEFAULT_NEIGHBORS,
    DEFAULT_PAGE_TOP,
    DEFAULT_TOPN,
    EXPAND_GROW,
    EXPAND_MIN_COUNT,
    EXPAND_TOPN,
    HUBNESS_CHOICES,
    KWIC_LIMIT,
    KWIC_WIDTH,
    LARGE_MAP,
    NEIGHBOUR_MIN_COUNT,
    PLOT_METHODS,
    SCAN_MIN_OCCURRENCES,
    SCAN_RANK,
    SCAN_RANKS,
    SCAN_TOP,
    SIMILAR_BACKGROUND_WORDS,
    SIMILAR_HUBNESS,
    SIMILAR_RANK,
    SIMILAR_RANKS,
    TEXT_COLUMN,
)
from .parameters import Operation, Parameter

MAX_WORD_CHARS = 100  # a word given to a page (a prefix, a group's name too)
MAX_WORDS = 100  # words in one question from a page (seeds, poles, words to place)
MAX_ROWS = 100  # rows a page shows
PAGE_SCAN_TOP = 200  # a scan from a page: the most frequent words (the command line goes to SCAN_TOP)


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
    "With a table: the row's columns shown with each passage [default: its author, title, period, else first three]",
    ("--columns",),
    page_most=False,
    metavar="A,B",
)

CONTRAST_PARAMETERS = (
    Parameter("words", "words", "The words (joined by + one target: 月+月亮)", least=0, metavar="WORD..."),
    Parameter(
        "path",
        "word",
        "The table (TSV, CSV, JSON Lines, .gz): a row a document",
        ("--in",),
        page_most=False,
        metavar="TABLE",
    ),  # fmt: skip
    Parameter(
        "by",
        "words",
        "A column whose values are the groups (period, party); repeat it, or give a number (year, year:number), for "
        "a regression on several covariates (period:levels takes numbers as groups; count:log a skewed number's "
        "logarithm; period*length adds both and how period's term differs with length)",
        ("--by",),
        least=0,
        page_most=False,
        metavar="COLUMN",
    ),
    Parameter(
        "to",
        "names",
        "Words whose cosine with each group's vector is given, with an interval (columns cos_W…); words joined by + "
        "are one concept (隐+逸+孤: the unit mean of theirs)",
        ("--to",),
        metavar="W1,W2",
    ),
    Parameter(
        "ratio",
        "flag",
        "For two groups: the nearest-neighbour ratio of each WORD (which neighbours belong more to one group's use "
        "than the other's), with p, q and an interval, instead of the change",
        ("--ratio",),
        False,
    ),
    Parameter(
        "at",
        "points",
        "A regression's fitted vector at these values, with its nearest words (repeatable): --at year=700",
        ("--at",),
        metavar="COLUMN=VALUE[,…]",
    ),
    Parameter(
        "block",
        "word",
        "Permute and resample whole blocks of rows (author, collection, chapter) [default: each row]",
        ("--block",),
        page_most=False,
        metavar="COLUMN",
    ),
    Parameter(
        "groups",
        "names",
        "The groups to contrast, in order (each with the one before)",
        ("--groups",),
        page_most=False,
        metavar="A,B,C",
    ),  # fmt: skip
    Parameter(
        "split_blocks",
        "flag",
        "A block that spans groups (an author of two periods) becomes a block per group; in a regression, a block a "
        "number varies inside stays whole and p comes from a wild bootstrap of whole blocks",
        ("--split-blocks",),
        False,
        page_most=False,
    ),
    TEXT_COLUMN_PARAMETER._replace(help="The column holding the text"),
    WHERE._replace(help="Only the rows whose COLUMN is VALUE (repeatable): a contrast inside one collection, say"),
    Parameter(
        "baseline",
        "conditions",
        "In a regression, the level a covariate of levels is measured against (repeatable) [default: its largest "
        "group]",
        ("--baseline",),
        page_most=False,
        metavar="COLUMN=VALUE",
    ),
    Parameter(
        "rank",
        "choice",
        "A scan's order: the changes that hold (q < 0.05) first, each part by its interval's lower bound; the lower "
        "bound alone; or the change",
        ("--rank",),
        choices=SCAN_RANKS,
        page_most=False,
        shown=SCAN_RANK,
    ),
    Parameter(
        "window",
        "count",
        "Context words each side",
        ("--window",),
        CONTRAST_WINDOW,
        limit="contrast_window",
        page_most=False,
    ),  # fmt: skip
    Parameter(
        "permutations",
        "count",
        "Permutations for p (a scan: 99 first, then this many for the words they leave undecided)",
        ("--permutations",),
        CONTRAST_PERMUTATIONS,
        page_most=False,
    ),
    Parameter(
        "bootstrap",
        "count",
        "Bootstrap draws for a group change's interval (a regression's intervals and bands take the jackknife's)",
        ("--bootstrap",),
        CONTRAST_BOOTSTRAP,
        page_most=False,
    ),
    Parameter(
        "level",
        "share",
        "The coverage of every interval and band (0.95 where a journal asks; 90% is where the null harness holds "
        "them). A regression term's norm: the jackknife's two-sided interval where the permutation test rejects a "
        "norm of 0 at this level, else from 0 to the norm's upper limit at it (90.6% coverage of planted changes "
        "at 0.90; docs/findings.md, 'How to cite')",
        ("--level",),
        page_most=False,
        shown=CONTRAST_LEVEL,
    ),
    Parameter(
        "min_occurrences",
        "count",
        "Fewer occurrences in a group give a note, not a number",
        ("--min-occurrences",),
        CONTRAST_MIN_OCCURRENCES,
        page_most=False,
    ),
    Parameter(
        "scan",
        "optional",
        "Instead of WORDs: every word seen N times in each group (the --top most frequent), most changed first",
        ("--scan",),
        page_most=False,
        metavar="[N]",
        alone=SCAN_MIN_OCCURRENCES,
    ),
    Parameter(
        "top",
        "count",
        "With --scan: at most this many words",
        ("--top",),
        SCAN_TOP,
        limit="scan_top",
        page_most=PAGE_SCAN_TOP,
    ),  # fmt: skip
    Parameter(
        "jobs",
        "count",
        "Words contrasted at once in worker processes [default: one at a time]; the numbers are the same",
        ("-j", "--jobs"),
        page_most=False,
    ),
    Parameter("seed", "count", "For permutations and draws", ("--seed",), 0, page_most=False),
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
        Operation("contrast", "findings.contrasts:contrast", CONTRAST_PARAMETERS),
        Operation(
            "doesnt-match",
            "queries.answers:doesnt_match",
            (Parameter("words", "words", "The words, the odd one among them", least=2, metavar="W1 W2 W3..."),),
        ),
    )
}


# plot, declared beside the questions: the command line's options and the explorer's map (its
# words, size, colours and projection, and the plot command it prints) read these, so the two
# cannot part. Not a question of the page's (it writes a picture): not in OPERATIONS.
PLOT = Operation(
    "plot",
    "pictures.plotting:plot",
    (
        Parameter("words", "words", "The words drawn with their neighbours", least=0, metavar="[WORD...]"),
        Parameter(
            "neighbors", "count", "Neighbours shown around each WORD (those `similar` lists)", ("-k", "--neighbors"),
            DEFAULT_NEIGHBORS, page_most=False,
        ),
        OPERATIONS["similar"].parameter("rank")._replace(page_most=False),  # (plot's neighbours: similar's, in its order)
        Parameter(
            "top", "count", f"Without WORDs: how many frequent words to map [default: {DEFAULT_IMAGE_TOP} for an "
            f"image, {DEFAULT_PAGE_TOP:,} for .html]", ("--top",), page_most=1_000_000,
        ),
        Parameter(
            "method", "choice", f"t-SNE (scikit-learn; openTSNE from {LARGE_MAP:,} words), the faster PCA, or UMAP "
            "(the umap extra: pip install 'w2vkit[umap]')", ("--method",), PLOT_METHODS[0], PLOT_METHODS,
        ),
        Parameter("seed", "count", "Seed for a reproducible t-SNE", ("--seed",), 0, page_most=False),
        Parameter(
            "clusters", "count", "Without WORDs: colour the words by K clusters of their vectors (k-means), each "
            "named by three of its 30 commonest words, those nearest its centre", ("--clusters",), metavar="K",
        ),
        Parameter(
            "table", "word", "With --by: colour each word by the group of the table's column it leans to (the "
            "table the model was trained on: a period's vocabulary shows as a region; words spread evenly are "
            "grey)", ("--in",), page_most=False, metavar="TABLE",
        ),
        Parameter("by", "word", "The column whose groups colour the map: of --in's table, or without --in of the "
                  "metadata the model was imported with (w2vkit import --metadata)", ("--by",), page_most=False,
                  metavar="COLUMN"),
        Parameter(
            "chart", "word", "In an .html page: a chart of this column's groups among the selected words (each "
            "word's lean in --in's table, or its value in the model's metadata); a bar clicked keeps its words", ("--chart",), metavar="COLUMN",
        ),
        Parameter(
            "frequency", "flag", "Without WORDs: colour the words by how often they occur (bands of ten)",
            ("--frequency",), False, page_most=False,
        ),
        TEXT_COLUMN_PARAMETER,
    ),
)  # fmt: skip
