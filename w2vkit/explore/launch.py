"""`w2vkit explore` end to end: the session (model, table), a port, a token, the address printed
and opened in the browser, and the server until Ctrl-C."""

from __future__ import annotations

import logging
import secrets
import threading
import webbrowser
from collections.abc import Callable
from pathlib import Path

from ..errors import UsageError, W2vkitError
from .questions import Session

log = logging.getLogger(__name__)

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def explore(
    model_path: str | Path,
    *,
    similarity: str | None = None,
    table: str | Path | None = None,
    by: str | None = None,
    block: str | None = None,
    groups: list[str] | None = None,
    split_blocks: bool = False,
    text_column: str | None = None,
    columns: list[str] | None = None,
    host: str = "127.0.0.1",
    port: int = 0,
    open_browser: bool = True,
    say: Callable[[str], None] = print,
) -> None:
    """Serve the explorer for the model at `model_path` (and the table `table` grouped by `by`)
    on host:port (0: a free port) until interrupted. The model is loaded before the address is
    printed, so the first question is quick; a model that fails its checks is said on stderr and
    on the page, and the server serves on (the page says why each question fails). The address
    goes to `say` (stdout: the command's result); what happens, and warnings, are logged as every
    command's messages are (from the server's thread too: logging's level, not click's context,
    keeps -q quiet).

    The browser is opened with a one-time code, not the token (w2vkit.explore.server: the
    browser's command line is visible to every local user); the address printed holds the token.

    Raises
    ------
    UsageError
        --by without --in (or the reverse), an empty host, or a port that cannot be listened on.
    ModelNotFoundError
        No model directory at `model_path` (refused before serving, as every command does).
    """
    import os
    import stat

    from ..errors import ModelNotFoundError
    from .server import WILDCARDS, OneTimeCode, bind, serve

    if (table is None) != (by is None):
        raise UsageError("give {table} TABLE and {by} COLUMN together (the groups of a contrast)", "table", "by")
    if table is not None:  # (said now, not at the first contrast)
        try:
            regular = stat.S_ISREG(os.stat(table).st_mode)
        except OSError:
            raise UsageError(
                f"{table}: no such table file; give {{table}} a TSV, CSV or JSON Lines file", "table"
            ) from None
        if not regular:
            raise UsageError(f"{table}: not a regular file (a pipe or a device); give {{table}} a table file", "table")
    if not host.strip():
        raise UsageError("{host} is empty; give an address to listen on (127.0.0.1: this machine only)", "host")
    if not Path(model_path).is_dir():
        raise ModelNotFoundError(f"{model_path}: no such model directory")
    if groups is not None and (not [g for g in groups if g.strip()] or table is None):
        raise UsageError(
            "{groups} names the groups of {table}'s {by} column: give {table}, {by} and A,B", "groups", "table", "by"
        )
    if split_blocks and not block:
        raise UsageError("{split_blocks} splits the blocks of {block}: give {block} COLUMN", "split_blocks", "block")
    if table is not None and by is not None:
        _check_groups(Path(table), by, groups)
    if columns is not None:  # (named before serving, as kwic --columns names them)
        from ..text.reading.tables import chosen_columns

        if table is None:
            raise UsageError("{columns} names columns of {table}: give --in TABLE too", "columns", "table")
        columns = chosen_columns(table, columns)
    session = Session(
        Path(model_path), similarity, Path(table) if table else None, by, block, text_column,
        groups=tuple(g.strip() for g in groups) if groups else None, split_blocks=split_blocks,
        columns=tuple(columns) if columns else None,
    )  # fmt: skip
    sock = bind(host, port)  # (a host that is no address of this machine: said before any warning or work)
    if host not in LOOPBACK:
        log.warning(
            "warning: serving on %s, not only this machine: anyone who can reach it and has the address "
            "(with its token) can read the model and the passages of its text",
            host,
        )
    log.info("loading the model and drawing its map (a few seconds)...")
    try:
        session.engine()
    except W2vkitError as e:
        log.warning("warning: %s (the page will say so at each question)", e)
    shown = sock.getsockname()
    token = secrets.token_urlsafe(24)
    code = OneTimeCode()
    # (a wildcard serves every address of the machine: the printed one is this machine's loopback)
    address = {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(shown[0], shown[0]) if shown[0] in WILDCARDS else shown[0]
    name = f"[{address}]" if ":" in address else address
    url = f"http://{name}:{shown[1]}/?token={token}"
    once = f"http://{name}:{shown[1]}/?code={code.value}"  # (for the browser's command line: good once)

    def ready(_: str) -> None:
        say(url)
        log.info("serving the explorer at the address above; Ctrl-C stops it")
        if open_browser:
            threading.Thread(target=webbrowser.open, args=(once,), daemon=True).start()

    try:
        serve(session, sock, token, ready, code)
    except KeyboardInterrupt:  # (uvicorn shuts down on Ctrl-C, then raises it again: the way to stop)
        log.info("stopped")


def _check_groups(table: Path, by: str, groups: list[str] | None) -> None:
    """--by's columns are the table's, and --groups' values are distinct and each a value of the
    column (read once, that column alone): what every question would refuse is said before serving,
    as contrast says it at once."""
    from ..findings.contrasts.design import columns_named
    from ..text.reading.tables import read_rows, table_columns

    names = columns_named([by])
    have = table_columns(table)
    missing = [n for n in names if n not in have]
    if missing:
        raise UsageError(
            f"{table}: no column {missing[0]!r} for {{by}}; its columns are {', '.join(map(repr, have[:30]))}", "by"
        )
    if not groups:
        return
    wanted = [g.strip() for g in groups]
    repeated = [g for g in dict.fromkeys(wanted) if wanted.count(g) > 1]
    if repeated:
        raise UsageError(f"{{groups}} names {repeated[0]!r} twice: give each group once", "groups")
    unseen = set(wanted)
    for _, row in read_rows(table, [names[0]]):
        unseen.discard(row[names[0]].strip())
        if not unseen:
            return
    raise UsageError(
        f"{table}: no row has {names[0]}={sorted(unseen)[0]!r} for {{groups}}; give values of the column", "groups"
    )
