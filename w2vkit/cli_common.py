"""What every w2vkit command shares: -q/-v, messages on stderr, --format, rendering results,
choosing and loading the model (w2vkit.cli and w2vkit.cli_analysis use them)."""

from __future__ import annotations

import functools
import logging
import sys

import click

from .render import terminal_safe


class _TerminalSafeFormatter(logging.Formatter):
    """Log messages quote words from the corpus: their control characters are shown, not obeyed."""

    def format(self, record):
        return terminal_safe(super().format(record), keep_newlines=True)


def verbosity(f):
    """-q/-v on every command: -q silences progress and summaries, -v shows debug messages."""

    @click.option("-q", "--quiet", is_flag=True, help="Print only results and errors.")
    @click.option("-v", "--verbose", count=True, help="More messages on stderr (-vv for debug).")
    @functools.wraps(f)
    def wrapper(*args, quiet, verbose, **kwargs):
        level = logging.WARNING if quiet else (logging.DEBUG if verbose > 1 else logging.INFO)
        logging.basicConfig(format="%(message)s", stream=sys.stderr, level=level, force=True)
        for handler in logging.getLogger().handlers:
            handler.setFormatter(_TerminalSafeFormatter("%(message)s"))
        # gensim and smart_open narrate every step at INFO; show that only with -vv.
        for noisy in ("gensim", "smart_open"):
            logging.getLogger(noisy).setLevel(logging.INFO if verbose > 1 else logging.WARNING)
        ctx = click.get_current_context()
        ctx.meta["quiet"] = quiet
        return f(*args, **kwargs)

    return wrapper


def quiet() -> bool:
    return click.get_current_context().meta.get("quiet", False)


def info(message: str) -> None:
    """A message for the user on stderr, silenced by -q."""
    if not quiet():
        click.echo(terminal_safe(message, keep_newlines=True), err=True)


def show_progress() -> bool:
    return not quiet() and sys.stderr.isatty()


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


def render(columns: list[str], rows: list[tuple], fmt: str, payload: dict | None = None) -> None:
    from .files import check_stdout_open
    from .render import render as render_text

    check_stdout_open()
    # color=True: click would otherwise strip what looks like an escape sequence when stdout is not a
    # terminal, changing the words of TSV output (tables are escaped by render_text itself).
    click.echo(render_text(columns, rows, fmt, payload), color=True)


def plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


MODEL_OPTION = click.option(
    "-m",
    "--model",
    "model_path",
    default=None,
    metavar="DIR",
    help="Model directory [default: $W2VKIT_MODEL, else the newest under ./models].",
)


def load_model_for(model_path, verify=None):
    from .store import choose_model, load_model

    path, how = choose_model(model_path)
    if how == "newest":
        info(f"using model {path} (the newest under models/; choose one with -m DIR)")
    elif how != "explicit":
        info(f"using model {path} (from {how})")
    return load_model(path, verify=verify)


# --top everywhere (plot, info, queries); --topn is still accepted, as gensim names it.
TOPN_OPTION = click.option(
    "-n", "--top", "--topn", "topn", default=10, show_default=True, type=click.IntRange(1), help="How many results."
)


def engine_for(model_path):
    from .query import Engine

    return Engine(load_model_for(model_path))
