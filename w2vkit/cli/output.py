"""What every command's output goes through: messages on stderr (silenced by -q), results on
stdout as a table, TSV or JSON, and the model the command works on."""

from __future__ import annotations

import logging

import click


def terminal_safe(text: str, keep_newlines: bool = False) -> str:
    """render.terminal_safe, imported on the first message (so that --help does not load it)."""
    from ..base.render import terminal_safe as escape

    return escape(text, keep_newlines=keep_newlines)


class TerminalSafeFormatter(logging.Formatter):
    """Log messages quote words from the corpus: their control characters are shown, not obeyed."""

    def format(self, record):
        return terminal_safe(super().format(record), keep_newlines=True)


def quiet() -> bool:
    """Whether -q was given (recorded by options.verbosity)."""
    return click.get_current_context().meta.get("quiet", False)


def info(message: str) -> None:
    """A message for the user on stderr, silenced by -q."""
    if not quiet():
        click.echo(terminal_safe(message, keep_newlines=True), err=True)


def show_progress() -> bool:
    """Progress unless -q: a bar on a terminal, a line now and then in a log (w2vkit.base.progress)."""
    return not quiet()


def render(columns: list[str], rows: list[tuple], fmt: str, payload: dict | None = None) -> None:
    from ..base.files import check_stdout_open
    from ..base.render import render as render_text

    check_stdout_open()
    # color=True: click would otherwise strip what looks like an escape sequence when stdout is not a
    # terminal, changing the words of TSV output (tables are escaped by render_text itself).
    click.echo(render_text(columns, rows, fmt, payload), color=True)


def plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def load_model_for(model_path, verify=None):
    from ..model.modelchoice import choose_model
    from ..model.store import load_model

    path, how = choose_model(model_path)
    if how == "newest":
        info(f"using model {path} (the newest under models/; choose one with -m DIR)")
    elif how != "explicit":
        info(f"using model {path} (from {how})")
    return load_model(path, verify=verify)


def engine_for(model_path):
    from ..queries.query import Engine

    return Engine(load_model_for(model_path))


NO_MEMBERS_HINT = (
    "this model has no resampled members, so nothing here says how much these results would move on "
    "another draw of the text: train with --bootstrap 10 (docs/findings.md)"
)


def ensemble_for(engine):
    """The model's members (w2vkit.findings.stability.Ensemble; empty without them)."""
    from ..findings.stability import Ensemble

    return Ensemble(engine)


def note_members(ensemble) -> None:
    """After a finding's results: without members, one line on stderr saying how to get them."""
    if not ensemble:
        info(NO_MEMBERS_HINT)


def spread_columns(ensemble) -> list[str]:
    return ["recurrence", "low", "high", "members"] if ensemble else []


def spread_cells(spread, with_recurrence: bool = True) -> tuple:
    """A row's stability cells (see spread_columns): recurrence, interval, members with a value."""
    if spread is None:
        return ()
    cells = (spread.recurrence,) if with_recurrence else (None,)
    return (*cells, spread.low, spread.high, spread.found)
