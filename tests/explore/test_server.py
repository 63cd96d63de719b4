"""The explorer's server (w2vkit.explore.server) through Starlette's TestClient, and `w2vkit
explore` as a process: the token, the Host check, no CORS, bounded requests, answers equal to
the questions' own, slow questions answered "still working", and a model or table that fails
answered with one line while the server serves on. Needs the explore extra (pytest -m explore)."""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.request

import numpy as np
import pytest
from conftest import WORDS, model_with_members

from w2vkit.explore.launch import open_session
from w2vkit.explore.questions import answer

pytestmark = pytest.mark.explore

TOKEN = "t0ken-for-tests"
HOST = "127.0.0.1:8765"


def client_for(session, wait=8.0):
    from starlette.testclient import TestClient

    from w2vkit.explore.server import allowed_hosts, make_app

    return TestClient(make_app(session, TOKEN, allowed_hosts("127.0.0.1", 8765), wait=wait), base_url=f"http://{HOST}")


@pytest.fixture
def members(tmp_path):
    return model_with_members(tmp_path)


def test_without_the_token_or_from_another_host_nothing_is_answered(members):
    client = client_for(open_session(members))
    assert client.get("/").status_code == 403
    assert client.get("/api/similar", params={"word": WORDS[0]}).status_code == 403
    assert client.get("/api/similar", params={"word": WORDS[0], "token": "wrong"}).status_code == 403
    evil = client.get("/", params={"token": TOKEN}, headers={"host": "attacker.example:8765"})
    assert evil.status_code == 421  # (a DNS-rebinding page's Host)
    assert client.post("/api/similar", params={"token": TOKEN}).status_code == 405
    assert client.get("/api/similar", params={"token": TOKEN, "word": "x" * 9000}).status_code == 414


def test_no_cookie_carries_the_token_the_page_puts_it_in_the_addresses_it_loads(members):
    client = client_for(open_session(members))
    page = client.get("/", params={"token": TOKEN})
    assert page.status_code == 200 and "<title>w2vkit explore</title>" in page.text
    assert "set-cookie" not in page.headers  # (a cookie goes to every server on 127.0.0.1, whatever its port)
    assert f'src="static/explore.js?token={TOKEN}"' in page.text
    assert f'href="static/explore.css?token={TOKEN}"' in page.text
    for path in ["/static/explore.js", "/static/explore-fonts.css", "/font", "/api/about"]:
        assert client.get(path).status_code == 403, path  # (nothing opens without the token)
    fonts = client.get("/static/explore-fonts.css", params={"token": TOKEN})
    assert fonts.status_code == 200 and f'url("../font?token={TOKEN}")' in fonts.text and "{{token}}" not in fonts.text
    assert client.get("/api/about", headers={"x-w2vkit-token": TOKEN}).status_code == 200
    assert client.get("/api/about", headers={"cookie": f"w2vkit_token={TOKEN}"}).status_code == 403


def test_a_request_the_browser_says_comes_from_another_page_is_refused_even_with_the_token(members):
    client = client_for(open_session(members))
    for site in ["cross-site", "same-site"]:  # (same-site: a page on another port of 127.0.0.1)
        got = client.get("/api/about", params={"token": TOKEN}, headers={"sec-fetch-site": site})
        assert got.status_code == 403 and "another page" in got.text, site
    for site in ["same-origin", "none"]:  # (the page itself; an address the user opened)
        assert client.get("/api/about", params={"token": TOKEN}, headers={"sec-fetch-site": site}).status_code == 200


def test_the_browser_is_opened_with_a_code_that_is_worthless_a_second_time(members):
    from starlette.testclient import TestClient

    from w2vkit.explore.server import OneTimeCode, allowed_hosts, make_app

    code = OneTimeCode()
    given = code.value
    app = make_app(open_session(members), TOKEN, allowed_hosts("127.0.0.1", 8765), code=code)
    client = TestClient(app, base_url=f"http://{HOST}", follow_redirects=False)
    assert client.get("/", params={"code": "not-the-code"}).status_code == 403
    first = client.get("/", params={"code": given})
    assert first.status_code == 303 and first.headers["location"] == f"/?token={TOKEN}"
    again = client.get("/", params={"code": given})
    assert again.status_code == 403 and "opening the page once" in again.text
    assert client.get("/api/about", params={"code": given}).status_code == 403  # (a code opens nothing but the page)
    stale = OneTimeCode(lifetime=0.0)
    time.sleep(0.01)
    assert not stale.redeem(stale.value)


@pytest.mark.parametrize(
    ("bound", "answered", "refused"),
    [
        ("127.0.0.1", ["127.0.0.1", "localhost", "[::1]"], ["0.0.0.0", "10.0.0.7", "evil.example", "127.0.0.2"]),
        ("::1", ["[::1]", "127.0.0.1", "localhost"], ["[::]", "evil.example"]),
        (
            "0.0.0.0",
            ["127.0.0.1", "10.0.0.7", "0.0.0.0", "localhost", "[::1]"],
            ["evil.example", "127.1", "0x7f000001"],
        ),
        ("::", ["[::1]", "[::]", "[fe80::1]", "127.0.0.1", "localhost"], ["evil.example", "::1", "[evil]"]),
        ("192.168.5.5", ["192.168.5.5"], ["127.0.0.1", "evil.example"]),
    ],
)
def test_the_host_check_answers_every_address_the_option_serves(members, bound, answered, refused):
    from starlette.testclient import TestClient

    from w2vkit.explore.server import allowed_hosts, make_app

    client = TestClient(make_app(open_session(members), TOKEN, allowed_hosts(bound, 8765), port=8765))
    for name in answered:
        got = client.get("/api/about", params={"token": TOKEN}, headers={"host": f"{name}:8765"})
        assert got.status_code == 200, (bound, name)
        assert client.get("/api/about", params={"token": TOKEN}, headers={"host": f"{name}:9999"}).status_code == 421
    for name in refused:
        got = client.get("/api/about", params={"token": TOKEN}, headers={"host": f"{name}:8765"})
        assert got.status_code == 421, (bound, name)


def test_every_answer_carries_the_policy_and_no_cors_header(members):
    client = client_for(open_session(members))
    for path in ["/", "/static/explore.js", "/api/about", "/api/similar?positive=nothing"]:
        response = client.get(path, params={"token": TOKEN}, headers={"origin": "https://attacker.example"})
        assert not any(k.lower().startswith("access-control-") for k in response.headers), path
        assert "script-src 'self'" in response.headers["content-security-policy"], path
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"


def test_only_the_pages_own_files_are_served(members):
    client = client_for(open_session(members))
    for path in ["/static/server.py", "/static/..%2Fserver.py", "/static/%2E%2E/questions.py", "/etc/passwd"]:
        assert client.get(path, params={"token": TOKEN}).status_code == 404, path


def test_the_answer_is_the_questions_own(members):
    session = open_session(members)
    client = client_for(session)
    got = client.get("/api/similar", params={"token": TOKEN, "positive": WORDS[0], "topn": "5"})
    assert got.status_code == 200
    assert got.json() == json.loads(
        json.dumps(answer(open_session(members), "similar", {"positive": WORDS[0], "topn": "5"}))
    )


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"positive": "没有这个词"}, "is not in the model"),
        ({"positive": ""}, "give positive"),
        ({"positive": "字" * 500}, "too long"),
        ({"positive": WORDS[0], "topn": "-1"}, "topn must be from 1"),
    ],
)
def test_bad_questions_get_one_line_and_the_server_serves_on(members, params, message):
    client = client_for(open_session(members))
    got = client.get("/api/similar", params={"token": TOKEN, **params})
    assert got.status_code == 400
    error = got.json()["error"]
    assert message in error and "\n" not in error and "Traceback" not in error
    assert client.get("/api/similar", params={"token": TOKEN, "positive": WORDS[1]}).status_code == 200


def test_a_model_that_fails_its_checks_is_one_line_on_each_question(tmp_path):
    folder = model_with_members(tmp_path)
    vectors = folder / "vectors.npy"
    data = np.load(vectors)
    data[0, 0] += 1  # (its checksum no longer matches)
    np.save(vectors, data)
    client = client_for(open_session(folder))
    assert client.get("/", params={"token": TOKEN}).status_code == 200
    for _ in range(2):
        got = client.get("/api/similar", params={"token": TOKEN, "positive": WORDS[0]})
        assert got.status_code == 400 and "vectors.npy" in got.json()["error"]


def test_a_slow_question_is_answered_still_working_then_kept(halves):
    model, table = halves
    client = client_for(open_session(model, table=table, by="half", block="chapter"), wait=0.0)
    params = {"token": TOKEN, "words": "菩萨"}  # (seen 96 and 144 times in the halves)
    first = client.get("/api/contrast", params=params)
    assert first.status_code == 202 and "still working on contrast" in first.json()["message"]
    for _ in range(600):
        got = client.get("/api/contrast", params=params)
        if got.status_code != 202:
            break
        time.sleep(0.1)
    assert got.status_code == 200
    rows = got.json()["result"]["results"]
    assert [r["group"] for r in rows] == ["前", "后"] and rows[1]["p"] is not None
    assert "--in" in got.json()["command"]


def test_a_table_without_the_column_is_one_line(halves):
    model, table = halves
    client = client_for(open_session(model, table=table, by="period"), wait=60)
    got = client.get("/api/contrast", params={"token": TOKEN, "words": "行者"})
    assert got.status_code == 400 and "period" in got.json()["error"] and "\n" not in got.json()["error"]


def test_with_a_table_the_map_is_coloured_by_its_groups_unless_asked_otherwise(halves):
    model, table = halves
    client = client_for(open_session(model, table=table, by="half"), wait=120)
    got = client.get("/map", params={"token": TOKEN, "top": "300", "clusters": "8"})
    assert got.status_code == 200
    data = json.loads(got.text.split('<script id="map-data" type="application/json">')[1].split("</script>")[0])
    assert [g.split(" ")[0] for g in data["groups"]] == ["前", "后", "no"] and data["plain"] == 2
    clustered = client.get("/map", params={"token": TOKEN, "top": "300", "clusters": "4", "colour": "clusters"})
    assert len(json.loads(clustered.text.split('"application/json">')[1].split("</script>")[0])["groups"]) == 4
    plain = client_for(open_session(model), wait=120)
    refused = plain.get("/map", params={"token": TOKEN, "colour": "groups"})
    assert refused.status_code == 400 and "colour=groups needs a table" in refused.text


def test_the_map_is_coloured_by_any_column_of_the_table_and_its_command_draws_the_same(halves, invoke, tmp_path):
    """Issue 93: the page names the table's columns (but its text); a map coloured by one of them
    (not --by) shows that column's groups, and its plot command (--by that column) writes the same
    colours; a column of more groups than colours, or one the table lacks, is one line."""
    import shlex

    model, table = halves
    lines = table.read_text(encoding="utf-8").splitlines()
    three = tmp_path / "three.tsv"  # (a column of three parts beside the halves)
    three.write_text(
        "\n".join([lines[0] + "\tpart", *(f"{row}\t{'甲乙丙'[k % 3]}" for k, row in enumerate(lines[1:]))]) + "\n",
        encoding="utf-8",
    )
    client = client_for(open_session(model, table=three, by="half"), wait=120)
    assert client.get("/api/about", params={"token": TOKEN}).json()["result"]["columns"] == ["half", "chapter", "part"]
    got = client.get("/map", params={"token": TOKEN, "colour": "groups", "column": "part"})
    assert got.status_code == 200, got.text
    data = _map_data(got.text)
    assert (
        sorted(g.split(" ")[0] for g in data["groups"][:-1]) == ["丙", "乙", "甲"]
        and data["groups"][-1] == "no clear lean"
    )
    argv = shlex.split(data["command"])
    assert argv[argv.index("--by") + 1] == "part"
    written = tmp_path / "map.html"
    ran = invoke([*argv[1:-1], written, "--quiet"])
    assert ran.exit_code == 0, ran.stderr
    assert _map_data(written.read_text(encoding="utf-8"))["group"] == data["group"]
    for column, said in (("chapter", "a map colours at most 20"), ("nope", "no column 'nope' to colour by")):
        refused = client.get("/map", params={"token": TOKEN, "colour": "groups", "column": column})
        assert refused.status_code == 400 and said in refused.text, refused.text
    # a second column charted (coloured by --by's groups, or by clusters): its command writes the same chart
    for colour in ({"colour": "groups"}, {"colour": "clusters", "clusters": "3"}):
        got = client.get("/map", params={"token": TOKEN, "top": "400", "chart": "part", **colour})
        assert got.status_code == 200, got.text
        data = _map_data(got.text)
        assert data["chart"]["column"] == "part" and len(data["chart"]["group"]) == len(data["words"])
        argv = shlex.split(data["command"])
        ran = invoke([*argv[1:-1], written, "--quiet"])
        assert ran.exit_code == 0, ran.stderr
        again = _map_data(written.read_text(encoding="utf-8"))
        assert (again["chart"], again["group"]) == (data["chart"], data["group"])


def test_vectors_brought_with_metadata_colour_and_chart_the_map_by_its_columns(invoke, tmp_path):
    """Issue 93: explore on vectors and metadata a user brings (the Projector's two TSVs): the
    page names the metadata's columns, a map coloured by one and charted by another, and its plot
    command writes the same."""
    import shlex

    from w2vkit.model.interop import export_model
    from w2vkit.model.store import load_model

    source = model_with_members(tmp_path)
    words = load_model(source).words
    export_model(load_model(source), "projector", tmp_path / "proj")
    rows = [f"{w}\t{'甲乙'[i % 2]}\t{'xyz'[i % 3]}" for i, w in enumerate(words)]
    (tmp_path / "proj" / "metadata.tsv").write_text("\n".join(["word\thalf\tthird", *rows]) + "\n", encoding="utf-8")
    ran = invoke(
        [
            "import",
            tmp_path / "proj" / "vectors.tsv",
            "--metadata",
            tmp_path / "proj" / "metadata.tsv",
            "-o",
            tmp_path / "mine",
        ]
    )
    assert ran.exit_code == 0, ran.stderr
    client = client_for(open_session(tmp_path / "mine"), wait=60)
    assert client.get("/api/about", params={"token": TOKEN}).json()["result"]["columns"] == ["half", "third"]
    got = client.get("/map", params={"token": TOKEN, "colour": "groups", "column": "third", "chart": "half"})
    assert got.status_code == 200, got.text
    data = _map_data(got.text)
    third = {w: "xyz"[i % 3] for i, w in enumerate(words)}
    assert [data["groups"][g] for g in data["group"]] == [third[w] for w in data["words"]]
    assert data["chart"]["column"] == "half" and sorted(data["chart"]["groups"][:-1]) == ["乙", "甲"]
    argv = shlex.split(data["command"])
    assert "--in" not in argv
    written = tmp_path / "map.html"
    ran = invoke([*argv[1:-1], written, "--quiet"])
    assert ran.exit_code == 0, ran.stderr
    again = _map_data(written.read_text(encoding="utf-8"))
    assert (again["chart"], again["group"]) == (data["chart"], data["group"])
    plain = client.get("/map", params={"token": TOKEN, "colour": "groups", "column": "colour"})
    assert plain.status_code == 400 and "no column 'colour' to colour by; there are half, third" in plain.text


def test_a_map_of_the_tables_rows_has_a_point_per_row_coloured_by_its_group(halves):
    """Issue 93: of=rows, a point per row of the table (its SIF vector), coloured by --by's group,
    named by the start of its text, its line in the table beside it; without a table: one line."""
    model, table = halves
    client = client_for(open_session(model, table=table, by="half"), wait=120)
    got = client.get("/map", params={"token": TOKEN, "of": "rows"})
    assert got.status_code == 200, got.text
    data = _map_data(got.text)
    lines = table.read_text(encoding="utf-8").splitlines()[1:]
    assert len(data["words"]) == len(data["rows"]) == len(data["x"]) and len(data["rows"]) >= len(lines) - 5
    assert data["groups"] == ["前", "后"] and set(data["group"]) == {0, 1}
    for k in (0, len(data["rows"]) // 2, -1):  # (each point its row: its group and the start of its text)
        half, _, text = lines[data["rows"][k] - 2].split("\t")
        assert data["groups"][data["group"][k]] == half and text.replace(" ", "").startswith(
            data["words"][k].replace(" ", "")
        )
    # a column charted: each point's value of it in its row (the chapter of the halves table)
    charted = _map_data(client.get("/map", params={"token": TOKEN, "of": "rows", "chart": "chapter"}).text)["chart"]
    for k in (0, len(data["rows"]) // 2, -1):
        chapter = lines[data["rows"][k] - 2].split("\t")[1]
        assert charted["groups"][charted["group"][k]] in (chapter, "(other or none)")
    assert charted["column"] == "chapter" and len(charted["group"]) == len(data["rows"])
    plain = client_for(open_session(model), wait=60).get("/map", params={"token": TOKEN, "of": "rows"})
    assert plain.status_code == 400 and "of=rows maps a table's rows" in plain.text


def test_the_maps_frame_asking_again_is_answered_and_other_cross_site_asks_are_not(halves):
    """A slow map's waiting page reloads in its sandboxed frame, whose origin is its own: the
    browser calls that navigation cross-site. It is answered (with the token); a cross-site
    question is not, nor a cross-site map asked other than by a frame's navigation."""
    model, _ = halves
    client = client_for(open_session(model), wait=120)
    frame = {"sec-fetch-site": "cross-site", "sec-fetch-dest": "iframe", "sec-fetch-mode": "navigate"}
    assert client.get("/map", params={"token": TOKEN}, headers=frame).status_code == 200
    assert client.get("/map", params={"token": "wrong"}, headers=frame).status_code == 403
    fetched = {**frame, "sec-fetch-dest": "empty", "sec-fetch-mode": "cors"}
    assert client.get("/map", params={"token": TOKEN}, headers=fetched).status_code == 403
    assert client.get("/api/about", params={"token": TOKEN}, headers=frame).status_code == 403


def _map_data(text: str) -> dict:
    return json.loads(text.split('<script id="map-data" type="application/json">')[1].split("</script>")[0])


def test_the_map_is_plots_own_page_and_its_command_line_writes_the_same_map(halves, invoke, tmp_path):
    """Issue 76: with nothing asked, every word of the model (plot's rule: no stopwords, and no
    single characters of a word model); the command line the page shows writes the same words,
    places and colours."""
    import shlex

    from w2vkit.model.store import load_model
    from w2vkit.pictures.projection import choose_words
    from w2vkit.queries.query import Engine

    model, table = halves
    client = client_for(open_session(model, table=table, by="half"), wait=120)
    for params in ({"clusters": "4", "colour": "clusters"}, {}, {"colour": "frequency"}):
        got = client.get("/map", params={"token": TOKEN, **params})
        assert got.status_code == 200 and "unsafe-inline" in got.headers["content-security-policy"]
        data = _map_data(got.text)
        every = choose_words(Engine(load_model(model)), [], 0, 10**6)[0]
        assert data["words"] == every and "neighbours" not in data  # (the word view lists them)
        argv = shlex.split(data["command"])
        assert argv[:2] == ["w2vkit", "plot"] and argv[-2:] == ["-o", "map.html"]
        written = tmp_path / "map.html"
        ran = invoke([*argv[1:-1], written, "--quiet"])
        assert ran.exit_code == 0, ran.stderr
        again = _map_data(written.read_text(encoding="utf-8"))
        for key in ("words", "x", "y", "group", "groups"):
            assert again[key] == data[key], key
        written.unlink()


def test_half_sent_requests_are_closed_at_the_header_deadline_and_questions_answered(members):
    import socket

    from w2vkit.explore.deadline import protocol_with_deadline
    from w2vkit.explore.server import allowed_hosts, make_app

    app = make_app(open_session(members), TOKEN, None)
    port, stop = serving(app, http=protocol_with_deadline(0.5))
    app.hosts, app.port = allowed_hosts("127.0.0.1", port), port
    stalled = []
    try:
        for _ in range(70):  # (more than limit_concurrency: without the deadline, every question is 503 for good)
            s = socket.create_connection(("127.0.0.1", port))
            s.sendall(b"GET /api/about?tok")
            stalled.append(s)
        time.sleep(1.5)
        url = f"http://127.0.0.1:{port}/api/about?token={TOKEN}"
        with urllib.request.urlopen(url, timeout=10) as r:
            assert r.status == 200
        for s in stalled:
            s.settimeout(5)
            assert s.recv(1024) == b""  # (closed by the server)
    finally:
        for s in stalled:
            s.close()
        stop()


def test_a_map_still_drawn_says_what_and_for_how_long_then_comes(halves):
    """Issue 76: a t-SNE or UMAP of every word takes minutes; the page waiting for it says what is
    drawn and how long it has taken, and asks again until the map comes."""
    model, _ = halves
    client = client_for(open_session(model), wait=0.0)
    params = {"token": TOKEN, "method": "pca", "clusters": "3"}
    first = client.get("/map", params=params)
    assert first.status_code == 202 and first.headers["refresh"] == "2"
    assert re.search(r"Drawing the map: a PCA of [\d,]+ words, \d+ s so far…", first.text), first.text
    for _ in range(600):
        got = client.get("/map", params=params)
        if got.status_code != 202:
            break
        time.sleep(0.1)
    assert got.status_code == 200 and '<script id="map-data"' in got.text


def test_the_waiting_page_shows_how_far_a_t_sne_has_got():
    """Issue 76: while a t-SNE map is drawn, its page shows a bar and the iterations done."""
    from w2vkit.explore.mapview import MapQuestion
    from w2vkit.explore.server import waiting_page

    asked = MapQuestion(top=124_002, method="tsne", clusters=8, words=(), similarity=None)
    page = waiting_page(asked, 35.2, (300, 750))
    assert "a t-SNE (minutes per 10,000 words) of 124,002 words, 35 s so far" in page
    assert '<progress max="750" value="300"></progress> 40% (300 of 750 iterations)' in page
    assert "<progress" not in waiting_page(asked, 3, None)  # (no iterations known yet: no bar)


def serving(app, **options):
    """A real uvicorn server of `app` on 127.0.0.1 in a thread (uvicorn's `options` beside): (port, stop)."""
    import socket
    import threading

    import uvicorn

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    config = uvicorn.Config(app, log_level="warning", lifespan="off", log_config=None, limit_concurrency=64, **options)
    server = uvicorn.Server(config)
    server.install_signal_handlers = lambda: None  # (not the main thread)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)

    def stop():
        server.should_exit = True
        thread.join(10)

    return sock.getsockname()[1], stop


def test_a_quick_question_is_answered_while_maps_and_a_contrast_are_worked_on(halves):
    """Round 8's H58, H64, H65: a request waiting for a slow answer held the event loop, so every
    other request waited (47.6 s for /api/about behind six t-SNE maps). Now four t-SNE maps and a
    contrast are asked at once, each request left waiting for its answer, and `similar` is answered
    while they are all still being worked on; a map asked again joins its work."""
    import threading

    from w2vkit.explore.server import allowed_hosts, make_app

    model, table = halves
    session = open_session(model, table=table, by="half", block="chapter")
    app = make_app(session, TOKEN, None, port=0)
    port, stop = serving(app)
    app.hosts = allowed_hosts("127.0.0.1", port)
    base = f"http://127.0.0.1:{port}"
    slow_answers: list[tuple[str, int, float]] = []

    def ask(path: str) -> None:
        try:
            with urllib.request.urlopen(f"{base}{path}&token={TOKEN}", timeout=60) as r:
                slow_answers.append((path, r.status, time.monotonic()))
        except urllib.error.HTTPError as e:
            slow_answers.append((path, e.code, time.monotonic()))

    from urllib.parse import quote

    slow = [f"/map?method=tsne&top={n}" for n in (300, 301, 302, 303)] + [f"/api/contrast?words={quote('菩萨')}"]
    threads = [threading.Thread(target=ask, args=(p,), daemon=True) for p in slow]
    try:
        for t in threads:
            t.start()
        time.sleep(0.5)  # (every slow request is now waiting for its answer on the server)
        asked = time.monotonic()
        with urllib.request.urlopen(f"{base}/api/similar?positive={quote('菩萨')}&token={TOKEN}", timeout=60) as r:
            assert r.status == 200 and json.loads(r.read())["result"]["results"]
        answered = time.monotonic()
        # answered before any map got its answer (each waits up to ANSWER_WAIT, 8 s, or for its
        # work: several seconds of t-SNE each, one after another; the contrast, its table's tokens and
        # transforms kept by an earlier test, may come first)
        maps = [a for a in slow_answers if a[0].startswith("/map")]
        assert not [a for a in maps if a[2] <= answered], (slow_answers, answered - asked)
        with urllib.request.urlopen(f"{base}/api/about?token={TOKEN}", timeout=60) as r:
            assert r.status == 200
        print(f"similar answered in {answered - asked:.3f} s with {len(slow)} slow questions pending")
    finally:
        for t in threads:
            t.join(60)
        stop()
    assert len(slow_answers) == len(slow) and {status for _, status, _ in slow_answers} <= {200, 202}, slow_answers


def test_past_its_bound_the_slow_lane_says_busy_at_once():
    """Twenty tabs' maps cannot queue an hour of work: past MOST_PENDING_SLOW a new slow question
    is answered 503 "busy" at once, and one asked again joins its running job."""
    import threading

    from w2vkit.explore.server import Busy, Worker

    release = threading.Event()
    worker = Worker("test-slow", most_pending=2)
    first = worker.submit(("a",), lambda: release.wait(30) and "a")
    second = worker.submit(("b",), lambda: "b")
    assert worker.submit(("a",), lambda: "again") is first  # (joins the job asked before)
    with pytest.raises(Busy, match="busy: 2 slow questions"):
        worker.submit(("c",), lambda: "c")
    release.set()
    second.done.wait(10)
    assert first.value == "a" and second.value == "b"
    assert worker.submit(("c",), lambda: "c").done.wait(10)
