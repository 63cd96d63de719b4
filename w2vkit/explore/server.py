"""The explorer's web server (`w2vkit explore`): Starlette under uvicorn, on 127.0.0.1.

It serves the static page in ./static and answers its questions with w2vkit.explore.questions
(each the library call the command line makes, as `Result.to_dict()`). What it guards against, as
a server on the user's own machine that any web page in their browser could try to reach:

- another site or another local page: every request carries the token of the printed address,
  in the address or the `X-W2vkit-Token` header, never in a cookie (cookies are kept per host, not
  per port, so a cookie would go to every other server on 127.0.0.1 and come back with any page
  of theirs); the page puts it in the few addresses it loads itself (its script, stylesheets,
  font). A request a browser marks as sent from another origin (`Sec-Fetch-Site`) is refused
  even with the token. The Host header must name this server (a DNS rebinding page's host does
  not); no CORS header is ever sent, so other origins cannot read;
- other local users: the browser is opened with a one-time code (`?code=`), worthless once used
  or after CODE_LIFETIME seconds, which the server swaps for the token's address; the token itself
  is on no command line (`ps` shows every user the browser's arguments);
- the page's own data: every word, passage and label is put in as text (textContent), and a
  Content-Security-Policy allows only this server's own scripts, so a word like
  `<img src=x onerror=…>` is shown, never run;
- size: the address is bounded (MAX_URL), the questions' parameters are (operations.requests.page_value), and so
  are the answers (MAX_ANSWER_BYTES);
- time: a question is answered in a worker thread (a quick lane and a slow lane), awaited on the
  event loop without blocking it, so a quick question is answered while maps are drawn; one that
  takes longer than ANSWER_WAIT seconds is answered "still working" and the page asks again (the
  answer is kept when it comes, and the same question asked meanwhile joins its work), so no tab
  hangs on a long contrast; at most MOST_PENDING_SLOW slow questions wait at once (then "busy"); a connection that has not sent its request's headers within
  HEADER_DEADLINE seconds is closed (w2vkit.explore.deadline), so half-sent requests cannot hold
  the server's connections.
"""

from __future__ import annotations

import errno
import functools
import json
import logging
import os
import secrets
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route

from ..base.choices import METHOD_NAMES
from ..base.env import debug_enabled
from ..errors import W2vkitError
from .lanes import MOST_PENDING_SLOW, Busy, Job, Worker
from .mapview import map_page_of, map_question
from .questions import QUESTIONS, Session, answer, completions

log = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
STATIC_FILES = {
    "explore.js": "text/javascript; charset=utf-8",
    "explore.css": "text/css; charset=utf-8",
    "explore-fonts.css": "text/css; charset=utf-8",
}
CODE_LIFETIME = 120.0  # seconds the one-time code the browser is opened with stays good
MAX_URL = 8192  # bytes of path and query
MAX_ANSWER_BYTES = 16 << 20  # an answer (JSON) or a map page
ANSWER_WAIT = 8.0  # seconds a request waits for its answer before the page is told to ask again
PAGE_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; frame-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'"
)
# The map page (w2vkit.pictures.webmap) inlines its script and data: allowed inline, nothing else,
# and sandboxed (an origin of its own: its script cannot reach the explorer's page or questions).
MAP_POLICY = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; font-src data:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'self'; sandbox allow-scripts"
)


def _json(data: dict, status: int = 200) -> Response:
    body = json.dumps(data, ensure_ascii=False, allow_nan=False).encode("utf-8")
    if len(body) > MAX_ANSWER_BYTES:
        return _error(f"the answer is too large to show ({len(body) / 1e6:.0f} MB); ask for fewer rows", 413)
    return Response(body, status, media_type="application/json; charset=utf-8")


def _error(message: str, status: int = 400) -> Response:
    body = json.dumps({"error": message}, ensure_ascii=False).encode("utf-8")
    return Response(body, status, media_type="application/json; charset=utf-8")


def _message(error: BaseException) -> str:
    if isinstance(error, W2vkitError):
        return str(error)
    if isinstance(error, (OSError, MemoryError)):
        return f"{type(error).__name__}: {error}"
    return f"unexpected {type(error).__name__}: {error} (run with W2VKIT_DEBUG=1 for details)"


def _answered(job: Job, pending: str) -> Response:
    if not job.done.is_set():
        seconds = time.monotonic() - job.started
        return _json({"pending": True, "message": f"{pending} ({seconds:.0f} s so far); the page asks again"}, 202)
    if job.error is not None:
        if debug_enabled() and not isinstance(job.error, W2vkitError):
            log.exception("explore: a question failed", exc_info=job.error)
        return _error(_message(job.error), 400 if isinstance(job.error, W2vkitError) else 500)
    return _json(job.value)  # type: ignore[arg-type]


def _file_routes(token: str) -> list[Route]:
    """The page and its own files, read once (a file response reads in a worker thread: 100 ms on a
    busy machine), and the bundled font."""
    files = {name: (STATIC / name).read_bytes() for name in ["index.html", *STATIC_FILES]}

    # The token in the addresses the page loads itself (no cookie carries it: see the docstring).
    with_token = {
        name: files[name].replace(b"{{token}}", token.encode("ascii")) for name in ("index.html", "explore-fonts.css")
    }

    async def page(request: Request) -> Response:
        return Response(with_token["index.html"], media_type="text/html; charset=utf-8")

    async def static(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in STATIC_FILES:
            return PlainTextResponse("not found", 404)
        return Response(with_token.get(name, files[name]), media_type=STATIC_FILES[name])

    font_bytes: list[bytes] = []

    async def font(request: Request) -> Response:
        # (held in memory once read: streamed from the file in chunks it took 0.7 s beside the
        # first questions, which waited for the interpreter meanwhile)
        if not font_bytes:
            from ..pictures.fonts import bundled_font_path

            path = bundled_font_path()
            if not path:
                return PlainTextResponse("no font", 404)
            font_bytes.append(Path(path).read_bytes())
        return Response(font_bytes[0], media_type="font/otf", headers={"cache-control": "private, max-age=86400"})

    return [Route("/", page), Route("/static/{name}", static), Route("/font", font)]


def make_app(
    session: Session,
    token: str,
    hosts: set[str] | None,
    wait: float = ANSWER_WAIT,
    code: OneTimeCode | None = None,
    port: int = 0,
    lanes: tuple[Worker, Worker] | None = None,
) -> Guard:
    """The ASGI application: the page, its questions and the map, behind the guard, answered in
    the `lanes` (quick, slow: the launch's, which its warm-up has begun to fill; new ones if none)."""
    quick, slow = lanes or work_lanes()

    async def complete(request: Request) -> Response:
        params = dict(request.query_params)
        job = await quick.answer(
            ("complete", params.get("prefix", "")),
            lambda: {"words": completions(session, params.get("prefix", ""))},
            wait,
        )
        return _answered(job, "looking up the vocabulary")

    async def question(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in QUESTIONS:
            return _error(f"no question {name[:40]!r}; ask {', '.join(QUESTIONS)}", 404)
        params = {k: v for k, v in request.query_params.items() if k != "token"}
        key = (name, tuple(sorted(params.items())))
        worker = slow if QUESTIONS[name].slow else quick
        try:
            job = await worker.answer(key, lambda: answer(session, name, params), wait)
        except Busy as e:
            return _error(str(e), 503)
        return _answered(job, f"still working on {name}")

    async def whole_map(request: Request) -> Response:
        try:
            asked = map_question(session, {k: v for k, v in request.query_params.items() if k != "token"})
        except W2vkitError as e:
            return PlainTextResponse(_message(e), 400)
        try:
            job = await slow.answer(("map", asked), lambda: map_page_of(session, asked), wait)
        except Busy as e:
            return PlainTextResponse(str(e), 503, headers={"Retry-After": "5"})
        if not job.done.is_set():
            seconds = time.monotonic() - job.started
            return HTMLResponse(waiting_page(asked, seconds, session.drawing.get(asked)), 202, headers={"Refresh": "2"})
        session.drawing.pop(asked, None)  # (drawn: its progress is no longer asked for)
        if job.error is not None:
            return PlainTextResponse(_message(job.error), 400)
        return HTMLResponse(job.value, headers={"Content-Security-Policy": MAP_POLICY})

    routes = [
        *_file_routes(token),
        Route("/api/complete", complete),
        Route("/api/{name}", question),
        Route("/map", whole_map),
    ]
    app = Starlette(routes=routes)
    return Guard(app, token, hosts, code, port)


def work_lanes() -> tuple[Worker, Worker]:
    """The explorer's two lanes: quick (a word's questions) and slow (maps, contrasts, scans)."""
    return Worker("w2vkit-explore"), Worker("w2vkit-explore-slow", MOST_PENDING_SLOW)


def waiting_page(asked, seconds: float, progress: tuple[int, int] | None = None) -> str:
    """The map's page while it is drawn: what is drawn, how far it has got (a t-SNE's iterations or
    a UMAP's epochs: `progress` as (done, total)) and how long it has taken so far (the page asks again every 2 s).
    Only numbers and fixed words: nothing of the request is echoed."""
    name = METHOD_NAMES.get(asked.method, "PCA")
    slow = "" if name == "PCA" else " (minutes per 10,000 words)"  # (how long it takes here)
    what = f"a {name}{slow} of {asked.top:,} words" if not asked.words else "the words"
    if asked.rows or asked.groups:  # (the table is read first, once: then kept for every map and question)
        what = (
            f"a {name} of the table's rows" if asked.rows else what
        ) + ", the table read and its rows cut as the model's text was"
    done, total = progress or (0, 0)
    bar = (
        f'<p><progress max="{total}" value="{done}"></progress> {done / total:.0%} '
        f"({done:,} of {total:,} {'epochs' if asked.method == 'umap' else 'iterations'})</p>"
        if total
        else ""
    )
    return (
        "<!doctype html><meta charset=utf-8><title>w2vkit map</title>"
        f"<p>Drawing the map: {what}, {seconds:.0f} s so far…</p>{bar}"
    )


_HEADERS = (
    ("content-security-policy", PAGE_POLICY),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "no-referrer"),  # (the token in the address goes nowhere)
    ("cache-control", "no-store"),
    ("x-frame-options", "SAMEORIGIN"),
)
EVERY_ANSWER = tuple((k.encode(), v.encode()) for k, v in _HEADERS)


class OneTimeCode:
    """The code the browser is opened with: good once, and for CODE_LIFETIME seconds (another local
    user may read it in `ps`, but it opens nothing once the user's browser has used it)."""

    def __init__(self, lifetime: float = CODE_LIFETIME):
        self.value = secrets.token_urlsafe(24)
        self.expires = time.monotonic() + lifetime
        self.lock = threading.Lock()

    def redeem(self, given: str) -> bool:
        with self.lock:
            if not self.value or time.monotonic() > self.expires:
                self.value = ""
                return False
            if not secrets.compare_digest(given.encode(), self.value.encode()):
                return False
            self.value = ""  # (used: worthless from now on)
            return True


# What a browser says of where a request comes from (Fetch Metadata): `none` is an address the user
# opened (typed, a bookmark, the one the terminal printed or the browser was opened with).
SAME_ORIGIN_FETCHES = ("same-origin", "none")


def _map_frame_again(path: str, headers: dict) -> bool:
    """The map's sandboxed frame asking for its map again (a slow map's waiting page reloads every
    2 s): the sandbox gives the frame an origin of its own, so the browser calls its reload
    cross-site, and it was refused, leaving the page on "Drawing the map" for good. Only a frame's
    navigation to /map, which still needs the token like every request."""
    dest = headers.get(b"sec-fetch-dest", b"").decode("latin-1").lower()
    mode = headers.get(b"sec-fetch-mode", b"").decode("latin-1").lower()
    return path == "/map" and dest == "iframe" and mode == "navigate"


class Guard:
    """ASGI middleware: the Host check, the token (or the one-time code, swapped for it), the
    browser's word on where a request comes from, the address's size, GET only, and the headers
    every answer carries (no CORS header, ever)."""

    def __init__(self, app, token: str, hosts: set[str] | None, code: OneTimeCode | None = None, port: int = 0):
        self.app, self.token, self.hosts, self.code, self.port = app, token, hosts, code, port

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        refused = self._refused(scope)
        if refused is not None:
            status, message = refused
            if status == 303:  # (the one-time code, swapped for the token's address)
                return await Response(b"", 303, headers={"location": message, **dict(_HEADERS)})(scope, receive, send)
            return await PlainTextResponse(message, status, headers=dict(_HEADERS))(scope, receive, send)

        async def with_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                have = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in EVERY_ANSWER if k not in have]  # (a response's own policy wins)
                message = dict(message, headers=headers)
            await send(message)

        return await self.app(scope, receive, with_headers)

    def _refused(self, scope) -> tuple[int, str] | None:
        headers = {k.lower(): v for k, v in scope.get("headers", [])}
        host = headers.get(b"host", b"").decode("latin-1").lower()
        if not host_allowed(host, self.hosts, self.port):
            return 421, "this server answers only at the address w2vkit explore printed"
        if scope["method"] not in ("GET", "HEAD"):
            return 405, "only GET"
        query = scope.get("query_string", b"")
        if len(scope.get("raw_path", b"") or scope["path"].encode()) + len(query) > MAX_URL:
            return 414, f"the address is too long (at most {MAX_URL:,} bytes)"
        site = headers.get(b"sec-fetch-site", b"").decode("latin-1").lower()
        if site and site not in SAME_ORIGIN_FETCHES and not _map_frame_again(scope["path"], headers):
            return 403, "asked from another page or site; open the address w2vkit explore printed"
        asked = parse_qs(query.decode("latin-1"))
        code = asked.get("code", [""])[0]
        if code and scope["path"] == "/" and self.code is not None:
            if self.code.redeem(code):
                return 303, f"/?token={self.token}"
            return 403, "this address was for opening the page once; open the address w2vkit explore printed"
        given = asked.get("token", [""])[0] or headers.get(b"x-w2vkit-token", b"").decode("latin-1")
        if not secrets.compare_digest(given.encode(), self.token.encode()):
            return 403, "open the address w2vkit explore printed (it holds the session's token)"
        return None


WILDCARDS = ("0.0.0.0", "::")


def allowed_hosts(host: str, port: int) -> set[str] | None:
    """The Host headers this server answers to: its own address (IPv6 bracketed, as browsers send
    it), and localhost's names for a loopback address. None for a wildcard bind (0.0.0.0, ::),
    which serves every address of the machine: any address literal is answered then (a DNS
    rebinding page has a name, never an address, as its host), and the machine's names; see
    host_allowed."""
    if host in WILDCARDS:
        return None
    names = {f"[{host}]" if ":" in host else host}
    if host in ("127.0.0.1", "localhost", "::1"):
        names |= {"127.0.0.1", "localhost", "[::1]"}
    return {f"{name}:{port}".lower() for name in names}


def host_allowed(host: str, hosts: set[str] | None, port: int) -> bool:
    """Whether a request's Host header (lowercase) names this server (allowed_hosts)."""
    if hosts is not None:
        return host in hosts
    import ipaddress

    name, sep, given_port = host.rpartition(":")
    if not sep or given_port != str(port):
        return False
    if name.startswith("[") and name.endswith("]"):
        name = name[1:-1]
        try:
            return ipaddress.ip_address(name).version == 6
        except ValueError:
            return False
    try:
        return ipaddress.ip_address(name).version == 4 and name.count(".") == 3  # (dotted quads only)
    except ValueError:
        return name in _machine_names()


@functools.lru_cache(maxsize=1)
def _machine_names() -> frozenset[str]:
    """This machine's names, looked up once (getfqdn may ask DNS: never on each request)."""
    return frozenset({"localhost", socket.gethostname().lower(), socket.getfqdn().lower()})


def bind(host: str, port: int) -> socket.socket:
    """A listening socket (port 0: a free one), so the address is known before uvicorn starts."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as e:
        sock.close()
        from ..errors import UsageError

        if isinstance(e, socket.gaierror) or e.errno == errno.EADDRNOTAVAIL:  # (the host is the problem)
            raise UsageError(
                f"cannot listen on {host} ({e.strerror}): not an address of this machine; give another {{host}} "
                "(127.0.0.1: this machine only)",
                "host",
            ) from None
        raise UsageError(f"cannot listen on {host}:{port} ({e.strerror}); give another {{port}}", "port") from None
    sock.listen(64)
    sock.set_inheritable(True)
    return sock


def serve(app: Guard, sock: socket.socket, ready: Callable[[str], None] | None = None) -> None:
    """Serve `app` on `sock` until Ctrl-C (uvicorn's own signal handling; the worker threads are daemons)."""
    import uvicorn

    from .deadline import HEADER_DEADLINE, protocol_with_deadline

    config = uvicorn.Config(
        app, log_level="debug" if debug_enabled() else "warning", lifespan="off", limit_concurrency=64,
        timeout_keep_alive=5, access_log=bool(os.environ.get("W2VKIT_EXPLORE_LOG")),
        http=protocol_with_deadline(HEADER_DEADLINE),
    )  # fmt: skip
    server = uvicorn.Server(config)
    if ready is not None:
        threading.Thread(target=_when_started, args=(server, ready), daemon=True).start()
    server.run(sockets=[sock])


def _when_started(server, ready: Callable[[str], None]) -> None:
    while not server.started and not server.should_exit:
        time.sleep(0.02)
    if server.started:
        ready("serving")
