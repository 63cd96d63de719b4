"""The options more than one command shares, defined once. Each says which commands use it; the
defaults and choices shown in --help are read from the library's constants.

  verbosity (-q/-v)        every command
  format_option (--format) every command with results; FORMAT_OPTION is table|tsv|json
  MODEL_OPTION (-m)        every command that reads a model
  TOPN_OPTION (-n)         search, compare (the declared operations' own come from their declaration)
  JOBS_OPTION (-j)         segment, train
  segmentation_options     segment, train (raw text is segmented the same way by both)
  SENTENCE_METHOD_OPTION   embed, search
  table_option (--in), text_column_option, columns_option
                           plot, explore (a table's rows, read alike; contrast's and kwic's come
                           from their declaration)
  picture_options (-o, --font)  axis, contrast, plot (the commands that draw)
"""

from __future__ import annotations

import functools
import logging
import sys

import click

from ..base.choices import (
    DEFAULT_SENTENCE_METHOD,
    DEFAULT_TOPN,
    DEFAULT_VIEWS,
    SENTENCE_METHODS,
    SIMILARITIES,
)
from ..base.env import CLUSTER_ENV
from ..base.limits import LIMITS, check_number
from ..base.optiontable import SEGMENT, parse_weight
from ..errors import UsageError
from .output import TerminalSafeFormatter


class FiniteFloatRange(click.FloatRange):
    """click's FloatRange, refusing NaN and infinity (NaN passes every comparison a range makes, so
    `--stable nan` once gave an empty table and exit 0). Every float option of every command has
    this type (tests/cli/test_cli.py walks them)."""

    def __init__(self, *args, limit: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit = limit  # (the library's name of the option: its own message, with the range's reason)

    def convert(self, value, param, ctx):
        import math

        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            if self.limit is not None:
                check_number(self.limit, number)
            self.fail(f"{value!r} is not a finite number.", param, ctx)
        return number


def limited(name: str):
    """The click type of a numeric option, from the library's range for it (w2vkit.base.limits): the
    command line refuses what the library would, and --help shows the range."""
    low, high, integer, _ = LIMITS[name]
    if integer:
        return click.IntRange(None if low is None else int(low), None if high is None else int(high))
    # (NaN passes every comparison of a range: refused here, with the library's own message, so that
    # it is named before a missing required option of the same command)
    return FiniteFloatRange(low, high, limit=name)


def library_option(*decls, default, help: str, show_default: bool = True, **kw):
    """A click option whose value, when not given, is the library function's own default: click
    passes None (the command hands the library only what was given, `given`), and --help shows
    `default` (the constant the library function declares) so the two cannot part."""
    del show_default  # (click would show None)
    return click.option(*decls, default=None, help=f"{help.rstrip('.')} [default: {default}]", **kw)


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


def format_option(choices=("table", "tsv", "csv", "json"), default="table", help=None):
    """The one --format option (stored as `fmt`)."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(list(choices)),
        default=default,
        show_default=True,
        help=help
        or "Output format: an aligned table to read; TSV or CSV (full precision, empty cells where there is no "
        "number: for R and pandas) or JSON for scripts.",
    )


FORMAT_OPTION = format_option()

SIMILARITY_OPTION = click.option(
    "--similarity",
    type=click.Choice(SIMILARITIES),
    default=None,
    help="What similar means, for a model with a count part: topical (a wide, flat window: words of the same "
    "scenes, names and aliases), paradigmatic (a narrow window: words that could replace each other), "
    "background (a model trained with --background: everyday words as the background uses them, the text's "
    f"own words as the text does) or mixed (the model's own vectors) [default: the first of "
    f"{', '.join(DEFAULT_VIEWS)} the model has, else mixed].",
)


def table_option(help: str, *, required: bool = False):
    """The one --in TABLE of the commands that read a table's rows (stored as `table`)."""
    return click.option("--in", "table", required=required, default=None, metavar="TABLE", help=help)


def text_column_option(help: str = "With --in: the table's text column"):
    """The one --text-column of the table commands (declared once: w2vkit.operations); unset, the
    library's TEXT_COLUMN."""
    from ..operations.declared import TEXT_COLUMN_PARAMETER

    return _declared_parameter(TEXT_COLUMN_PARAMETER._replace(help=help))


def columns_option(help: str):
    """The one --columns A,B (declared once: w2vkit.operations): a table's columns shown with each
    passage, as a list."""
    from ..operations.declared import COLUMNS

    return _declared_parameter(COLUMNS._replace(help=help.rstrip(".")))


def picture_options(help: str):
    """-o FILE (what to draw, `help`) and --font PATH (a CJK font for its labels) of the commands
    that draw."""

    def decorate(f):
        f = click.option("--font", default=None, metavar="PATH", help="Font file for the labels (a CJK font).")(f)
        return click.option("-o", "--output", default=None, metavar="FILE", help=help)(f)

    return decorate


def where_conditions(where, option: str = "--where") -> dict[str, str]:
    """COLUMN=VALUE pairs (--where's, or one --at's) as a dict (a column named twice: an error,
    never the last one)."""
    from ..text.reading.tables import parse_conditions

    return parse_conditions(list(where), option.lstrip("-"))


MODEL_OPTION = click.option(
    "-m",
    "--model",
    "model_path",
    default=None,
    metavar="DIR",
    help="Model directory [default: $W2VKIT_MODEL, else the newest under ./models].",
)

# --top everywhere (plot, info, queries); --topn is still accepted, as gensim names it.
TOPN_OPTION = library_option(
    "-n",
    "--top",
    "--topn",
    "topn",
    default=DEFAULT_TOPN,
    type=limited("topn"),
    help="How many results",
)

JOBS_OPTION = click.option(
    "-j",
    "--jobs",
    type=limited("jobs"),
    default=None,
    help="Segmentation processes [default: all cores]; with --bootstrap/--seeds also the members trained at "
    "once [default: one at a time]. The output is the same for any value.",
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

SENTENCE_METHOD_OPTION = library_option(
    "--method",
    type=click.Choice(SENTENCE_METHODS),
    default=DEFAULT_SENTENCE_METHOD,
    help="sif: smooth-inverse-frequency weights minus the common component; mean: the words' unit vectors averaged",
)


class WordWeight(click.ParamType):
    """A number from 0 to 1, or gensim (a declared parameter of the "weight" kind)."""

    name = "W|gensim"

    def convert(self, value, param, ctx):
        try:
            return parse_weight(value)
        except UsageError as e:
            self.fail(str(e), param, ctx)


def table_options(table: dict):
    """The click options of a table of w2vkit.base.optiontable (each row with flags), in its order,
    made as every declared parameter's are: unset, each is None and the library's default applies."""
    return _made([p for p in table.values() if p.flags])


def library_values(table: dict, given: dict) -> dict:
    """The option class's arguments among table_options' values (in `given`, by parameter name):
    those the user gave."""
    return {name: value for name, value in given.items() if name in table and value is not None}


def segmentation_options(f):
    """Options shared by `segment` and `train` (which segments raw text the same way), from
    w2vkit.base.optiontable.SEGMENT_OPTIONS; segment_options() makes the library's SegmentOptions."""
    return table_options(SEGMENT)(f)


def segment_options(given: dict):
    """The library's SegmentOptions from segmentation_options' values (in `given`, by name)."""
    from ..text.segmenting.segment import SegmentOptions

    return SegmentOptions(**library_values(SEGMENT, given))


def declared(name: str):
    """The arguments and options of operation `name` as its declaration gives them
    (w2vkit.operations: flags, help, the library's default shown, the limits table's range), each
    stored under the library's own keyword, so the command hands them on as they came
    (Operation.call leaves out what was not given)."""
    from ..operations.declared import OPERATIONS

    return _made(OPERATIONS[name].parameters)


def _made(parameters):
    def apply(f):
        for p in reversed(parameters):
            f = _declared_parameter(p)(f)
        return f

    return apply


def declared_plot(f):
    """plot's arguments and options, as w2vkit.operations.declared.PLOT declares them."""
    from ..operations.declared import PLOT

    return _made(PLOT.parameters)(f)


def declared_option(name: str, parameter: str):
    """One parameter of operation `name`, for a command that asks it of its own (plot's --rank)."""
    from ..operations.declared import OPERATIONS

    return _declared_parameter(OPERATIONS[name].parameter(parameter))


def _declared_parameter(p):
    """The one click option (or argument) of a declared parameter, by its kind: unset, its value is
    None (a repeatable one's empty), so the library's default applies; --help shows that default."""
    if p.positional:
        if p.kind == "word":
            return click.argument(p.name, metavar=p.metavar)
        return click.argument(p.name, nargs=-1, required=p.least > 0, metavar=p.metavar)
    decls = (*p.flags, p.name)
    help = f"{p.help.rstrip('.')}."
    if p.values:  # (said in words on the command line: --lines sentence for sentences=True)
        words = {value: word for word, value in p.values.items()}
        return library_option(
            *decls, type=click.Choice(list(p.values)), default=words[p.default], help=help,
            callback=lambda _ctx, _param, value: None if value is None else p.values[value],
        )  # fmt: skip
    if p.kind in ("words", "repeated"):
        return click.option(*decls, multiple=True, metavar=p.metavar, help=help)
    if p.kind == "flag":
        return click.option(*decls, is_flag=True, default=None, help=help)
    if p.kind == "switch":  # (--x/--no-x; None: the library decides, its help says how)
        on, off = (flag.lstrip("-") for flag in p.flags[0].split("/"))
        shown = "" if p.default is None else f"  [default: {on if p.default else off}]"
        return click.option(*decls, default=None, help=f"{help}{shown}")
    if p.kind in ("word", "text"):
        if p.default is not None:
            return library_option(*decls, default=p.default, metavar=p.metavar, help=help)
        return click.option(*decls, default=None, metavar=p.metavar, help=help)
    if p.kind == "weight":
        return click.option(*decls, type=WordWeight(), default=None, metavar=p.metavar, help=help)
    if p.kind == "conditions":  # (COLUMN=VALUE, repeatable: the library's dict, None when none is given)
        flag = p.flags[0]
        return click.option(
            *decls, multiple=True, metavar=p.metavar, help=help,
            callback=lambda _ctx, _param, value: where_conditions(value, flag) or None,
        )  # fmt: skip
    if p.kind == "points":  # (COLUMN=VALUE[,…], repeatable: a list of dicts, None when none is given)
        flag = p.flags[0]
        return click.option(
            *decls, multiple=True, metavar=p.metavar, help=help,
            callback=lambda _ctx, _param, value: [where_conditions(v.split(","), flag) for v in value] or None,
        )  # fmt: skip
    if p.kind == "optional":  # (a count, or the flag alone for p.alone)
        return click.option(
            *decls, default=None, is_flag=False, flag_value=p.alone, type=limited(p.limit or p.name),
            metavar=p.metavar, help=f"{p.help.rstrip('.')} [the flag alone: {p.alone}].",
        )  # fmt: skip
    if p.kind == "names":  # (one flag's comma-separated names: a list)
        return click.option(
            *decls, default=None, metavar=p.metavar, help=help,
            callback=lambda _ctx, _param, value: None if value is None else [v.strip() for v in value.split(",")],
        )  # fmt: skip
    kind = click.Choice(p.choices) if p.kind == "choice" else limited(p.limit or p.name)
    shown = p.default if p.default is not None else p.shown  # (the library's None and what it resolves to)
    if shown is None:  # (nothing unless asked: no default to show)
        return click.option(*decls, type=kind, default=None, metavar=p.metavar, help=help)
    return library_option(*decls, type=kind, default=shown, metavar=p.metavar, help=p.help)


def given(**values) -> dict:
    """The values the user gave (options left unset are None): the library's defaults fill the rest."""
    return {name: value for name, value in values.items() if value is not None}
