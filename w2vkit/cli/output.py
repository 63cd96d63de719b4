"""What every command's output goes through: messages on stderr (silenced by -q), results on
stdout as a table, TSV or JSON, and the model the command works on."""

from __future__ import annotations

import logging
from pathlib import Path

import click

from ..errors import Named


def terminal_safe(text: str, keep_newlines: bool = False) -> str:
    """render.terminal_safe, imported on the first message (so that --help does not load it)."""
    from ..base.render import terminal_safe as escape

    return escape(text, keep_newlines=keep_newlines)


class TerminalSafeFormatter(logging.Formatter):
    """Log messages quote words from the corpus: their control characters are shown, not obeyed.
    A message naming library parameters (w2vkit.errors.Named) names the running command's flags."""

    def format(self, record):
        if isinstance(record.msg, Named):
            record = logging.makeLogRecord(record.__dict__)
            record.msg = flagged(record.msg)
        return terminal_safe(super().format(record), keep_newlines=True)


def flagged(message: str | Named) -> str:
    """A message as the command line says it: the parameters a Named message names become the
    running command's flags (min_count -> --min-count)."""
    if not isinstance(message, Named):
        return message
    ctx = click.get_current_context(silent=True)
    if ctx is None:
        return str(message)
    root = ctx.find_root()
    assert isinstance(root.command, click.Group)
    return message.named(flag_names(root.command, root))


def flag_names(group: click.Group, ctx: click.Context):
    """A function naming a library parameter as the running command's option: word_weight ->
    --word-weight (the parameter's name itself when the command has no such option)."""
    from ..base.optiontable import flag_of

    command = group.get_command(ctx, ctx.invoked_subcommand) if ctx.invoked_subcommand else None
    options = [p for p in (command.params if command else []) if isinstance(p, click.Option)]
    flags = {
        p.name: next((o for o in p.opts if o.startswith("--")), p.opts[0])  # the first long name: --top, not --topn
        for p in options
    }
    # a switch turned off (a message's {no_discover}): its off flag, --no-discover
    flags.update({f"no_{p.name}": p.secondary_opts[0] for p in options if p.secondary_opts})
    # a parameter of another command (train's, named by a query's hint): its table flag, or the
    # command line's convention (index_path -> --index-path)
    return lambda name: flags.get(name) or flag_of(name) or "--" + name.replace("_", "-")


def quiet() -> bool:
    """Whether -q was given (recorded by options.verbosity)."""
    return click.get_current_context().meta.get("quiet", False)


def info(message: str | Named) -> None:
    """A message for the user on stderr, silenced by -q."""
    if not quiet():
        click.echo(terminal_safe(flagged(message), keep_newlines=True), err=True)


def show_progress() -> bool:
    """Progress unless -q: a bar on a terminal, a line now and then in a log (w2vkit.base.progress)."""
    return not quiet()


TABLE_TEXT_CHARS = 60


def _cut(text):
    text = text.strip() if isinstance(text, str) else text
    return text[:TABLE_TEXT_CHARS] + "…" if isinstance(text, str) and len(text) > TABLE_TEXT_CHARS else text


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


def engine_for(model_path, similarity=None):
    """The engine of the model chosen (-m, $W2VKIT_MODEL or the newest), answering with the kind of
    similarity asked (--similarity; w2vkit.model.views)."""
    from ..queries.query import Engine

    return Engine(load_model_for(model_path), similarity=similarity)


def command_line() -> str | None:
    """This run's command line, quoted for a shell (`w2vkit contrast 月 --in 'my poems.tsv' …`)."""
    from ..base.render import shell_line

    context = click.get_current_context(silent=True)
    arguments = context.meta.get("w2vkit.arguments") if context is not None else None
    return shell_line(["w2vkit", *arguments]) if arguments is not None else None


def show(result, fmt: str, with_rows: bool = True) -> None:
    """Any result (w2vkit.base.results.Result) as a table, TSV or JSON on stdout (JSON: exactly
    result.to_dict(), as Python gets it, its provenance with the command line), then its notes on stderr, their parameters named as this
    command's flags. with_rows=False: the notes alone (a run whose rows were not asked for)."""
    import dataclasses

    from ..base.files import check_stdout_open
    from ..base.render import format_result
    from ..errors import Named

    check_stdout_open()
    if result.provenance:  # (what reproduces it: the one thing the command line adds to Python's document)
        result.provenance["command_line"] = command_line()
    shown = result
    if fmt == "table":  # (a cell holding a list, such as a word's neighbours, is one cell of words)
        rows = list(result.rows)
        if "text" in result.columns:  # (a line of text, cut to fit a terminal's table)
            at = result.columns.index("text")
            rows = [(*row[:at], _cut(row[at]), *row[at + 1 :]) for row in rows]
        if "file" in result.columns:  # (a table names a file by its name; TSV, JSON: the path)
            at = result.columns.index("file")
            rows = [(*row[:at], Path(row[at]).name if row[at] else row[at], *row[at + 1 :]) for row in rows]
        shown = dataclasses.replace(result, rows=rows)
    if with_rows:
        click.echo(format_result(shown, fmt), color=True)
    for note in result.notes:
        prefix = "warning: " if note.kind == "warning" else ""
        info(Named(prefix + note.template, *note.params) if note.params else prefix + note.template)
