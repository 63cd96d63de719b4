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
    from .server import WILDCARDS, OneTimeCode, allowed_hosts, bind, make_app, serve, work_lanes

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
    sock = bind(host, port)  # (a host that is no address of this machine: said before any warning or work)
    if host not in LOOPBACK:
        log.warning(
            "warning: serving on %s, not only this machine: anyone who can reach it and has the address "
            "(with its token) can read the model and the passages of its text",
            host,
        )
    log.info("loading the model and drawing its map (a few seconds)...")
    session = open_session(
        model_path, similarity, table=Path(table) if table else None, by=by, block=block, text_column=text_column,
        groups=tuple(g.strip() for g in groups) if groups else None, split_blocks=split_blocks,
        columns=tuple(columns) if columns else None,
    )  # fmt: skip
    if session.failure is not None:
        log.warning("warning: %s (the page will say so at each question)", session.failure)
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

    lanes = work_lanes()
    warm_up(session, lanes[1])
    app = make_app(session, token, allowed_hosts(*shown[:2]), code=code, port=shown[1], lanes=lanes)
    try:
        serve(app, sock, ready)
    except KeyboardInterrupt:  # (uvicorn shuts down on Ctrl-C, then raises it again: the way to stop)
        log.info("stopped")


def _check_groups(table: Path, by: str, groups: list[str] | None) -> None:
    """--by's columns are the table's, and --groups' values are distinct and each a value of the
    column (read once, that column alone): what every question would refuse is said before serving,
    as contrast says it at once."""
    from ..findings.contrasts import columns_named
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


def open_session(model_path: str | Path, similarity: str | None = None, **settings) -> Session:
    """The explorer's session with its ready engines: the model loaded once, an engine for each
    kind of similarity it answers with (mixed, its views) and for its default kind (None: the one a
    command without --similarity uses), each computing on the one loaded model. A model that fails
    its checks is kept as the session's `failure`, which each question says."""
    from ..base.choices import MIXED
    from ..model.store import load_model
    from ..queries.query import Engine

    session = Session(Path(model_path), similarity, **settings)
    if session.table is not None:  # (the columns that may colour the map: read once, off the event loop)
        from ..base.choices import TEXT_COLUMN
        from ..text.reading.tables import table_columns

        try:
            text = session.text_column or TEXT_COLUMN
            session.colourable = tuple(c for c in table_columns(session.table) if c != text)
        except W2vkitError:  # (a table that cannot be read is said at each group question)
            pass
    try:
        model = load_model(model_path)
        views = model.meta.get("views")
        kinds = [None, MIXED, *(sorted(views) if isinstance(views, dict) else [])]
        if similarity is not None and similarity not in kinds:
            Engine(model, similarity=similarity)  # (its own line: an unknown kind, or a view the model lacks)
        session.engines = {kind: Engine(model, similarity=kind) for kind in kinds}
        if session.table is None:  # (vectors brought with metadata: its columns colour the map)
            session.colourable = tuple((model.meta.get("metadata") or {}).get("columns") or ())
    except W2vkitError as e:
        session.failure = e
    return session


# seconds the start waits for the default map (then it is drawn on in the background)
MAP_WARM_WAIT = 60.0


def warm_up(session: Session, slow) -> None:
    """What the first visit asks, asked before the address is printed: the most frequent word's
    neighbours and picture (the members' norms and indexes read, numpy warmed), and the default
    whole-model map in the slow lane (scikit-learn imported: 3 s on a busy machine). With a table,
    the page is served first and the table read behind it: its map (coloured by the table's groups)
    and then the group questions' transforms are made after the address is printed, the map's
    frame saying so while it waits."""
    from .mapview import map_page_of, map_question
    from .questions import answer, fit_group_transforms

    if session.failure is not None:  # (a model that fails its checks: nothing to warm)
        return
    word = session.engine().model.words[0]
    for name in ("similar", "neighbourhood", "kwic"):  # (kwic: its imports, and the text read once)
        try:
            answer(session, name, {"positive": word, "word": word, "limit": "1"})
        except W2vkitError:  # (the page says so at each question)
            pass
    asked = map_question(session, {})
    slow.ask(("map", asked), lambda: map_page_of(session, asked), 0 if session.table else MAP_WARM_WAIT)
    slow.ask(("transforms",), lambda: fit_group_transforms(session), 0)  # (after the address: not waited for)
