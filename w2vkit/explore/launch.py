"""`w2vkit explore` end to end: the session (model, table), a port, a token, the address printed
and opened in the browser, and the server until Ctrl-C."""

from __future__ import annotations

import secrets
import threading
import webbrowser
from collections.abc import Callable
from pathlib import Path

from ..errors import UsageError, W2vkitError
from .questions import Session

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def explore(
    model_path: str | Path,
    *,
    similarity: str | None = None,
    table: str | Path | None = None,
    by: str | None = None,
    block: str | None = None,
    text_column: str | None = None,
    host: str = "127.0.0.1",
    port: int = 0,
    open_browser: bool = True,
    say: Callable[[str], None] = print,
    warn: Callable[[str], None] = print,
) -> None:
    """Serve the explorer for the model at `model_path` (and the table `table` grouped by `by`)
    on host:port (0: a free port) until interrupted. The model is loaded before the address is
    printed, so the first question is quick; a model that fails its checks is said on stderr and
    on the page, and the server serves on (the page says why each question fails).

    Raises
    ------
    UsageError
        --by without --in (or the reverse), or a port that cannot be listened on.
    """
    from .server import bind, serve

    if (table is None) != (by is None):
        raise UsageError("give {table} TABLE and {by} COLUMN together (the groups of a contrast)", "table", "by")
    if table is not None and not Path(table).is_file():  # (said now, not at the first contrast)
        raise UsageError(f"{table}: no such table file; give {{table}} a TSV, CSV or JSON Lines file", "table")
    if host not in LOOPBACK:
        warn(
            f"warning: serving on {host}, not only this machine: anyone who can reach it and has the address "
            "(with its token) can read the model and the passages of its text"
        )
    session = Session(Path(model_path), similarity, Path(table) if table else None, by, block, text_column)
    warn("loading the model and drawing its map (a few seconds)...")
    try:
        session.engine()
    except W2vkitError as e:
        warn(f"warning: {e} (the page will say so at each question)")
    sock = bind(host, port)
    shown = sock.getsockname()
    token = secrets.token_urlsafe(24)
    name = f"[{shown[0]}]" if ":" in shown[0] else shown[0]
    url = f"http://{name}:{shown[1]}/?token={token}"

    def ready(_: str) -> None:
        say(url)
        warn("serving the explorer at the address above; Ctrl-C stops it")
        if open_browser:
            threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()

    try:
        serve(session, sock, token, ready)
    except KeyboardInterrupt:  # (uvicorn shuts down on Ctrl-C, then raises it again: the way to stop)
        warn("stopped")
