"""The explorer in a real browser (Playwright driving Debian's Chromium): a word's neighbours with
intervals, a neighbour's passages, the kind of similarity switched, a contrast of a small table,
a link followed back to the same view, and words and a table planted with markup shown as text.
Needs the explore extra and /usr/bin/chromium (pytest -m "browser or explore"; CI runs them)."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import threading
import time
import urllib.parse
from pathlib import Path

import numpy as np
import pytest
from conftest import HOSTILE_GROUP, HOSTILE_TEXT, train_on_table, write_table

from w2vkit.explore.launch import open_session
from w2vkit.explore.questions import Session
from w2vkit.model.store import load_model
from w2vkit.pictures.projection import choose_words
from w2vkit.queries.ensemble import similar
from w2vkit.queries.query import Engine

pytestmark = [pytest.mark.browser, pytest.mark.explore, pytest.mark.slow]

CHROMIUM = "/usr/bin/chromium"
TOKEN = "browser-test-token"


class Served:
    """The explorer's app under uvicorn in a thread, on a free port of 127.0.0.1."""

    def __init__(self, session: Session, code=None, wait=None):
        import uvicorn

        from w2vkit.explore.server import allowed_hosts, make_app

        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        port = self.sock.getsockname()[1]
        guarded = make_app(
            session, TOKEN, allowed_hosts("127.0.0.1", port), code=code, **({"wait": wait} if wait else {})
        )
        self.answered: list[tuple[str, int]] = []  # (path, status) of every request, as the guard answered it

        async def app(scope, receive, send):
            async def noted(message):
                if message["type"] == "http.response.start":
                    self.answered.append((scope["path"], message["status"]))
                await send(message)

            if scope["type"] == "http":
                return await guarded(scope, receive, noted)
            return await guarded(scope, receive, send)

        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off", log_config=None))
        self.server.install_signal_handlers = lambda: None  # (not the main thread)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)
        self.thread.start()
        while not self.server.started:
            time.sleep(0.02)
        self.url = f"http://127.0.0.1:{port}/?token={TOKEN}"

    def stop(self):
        self.server.should_exit = True
        self.thread.join(10)


@pytest.fixture
def browser_page():
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"needs Chromium at {CHROMIUM} (Debian: apt-get install chromium); .ci/run installs it", pytrace=False
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("dialog", lambda d: (errors.append("a dialog opened: " + d.message), d.dismiss()))
        yield page, errors
        browser.close()


def wait_until(page, script: str, timeout: float = 60.0) -> None:
    """Poll a JavaScript condition from here (the page's policy forbids the eval Playwright's
    wait_for_function would use inside it)."""
    end = time.monotonic() + timeout
    while not page.evaluate(script):
        if time.monotonic() > end:
            raise AssertionError(
                f"not true within {timeout:.0f} s: {script}; the page says {page.inner_text('#error')!r}"
            )
        time.sleep(0.05)


def ready(page):
    page.wait_for_selector("body[data-ready='1']", timeout=60_000)


def cells(page, selector, column):
    """The text of one column of a result table, by its header."""
    return page.evaluate(
        """([sel, col]) => { const t = document.querySelector(sel);
             const i = Array.from(t.querySelectorAll('thead th')).findIndex(th => th.textContent === col);
             return Array.from(t.querySelectorAll('tbody tr')).map(tr => tr.cells[i].textContent); }""",
        [selector, column],
    )


def cells_header(page, selector):
    return page.eval_on_selector_all(f"{selector} thead th", "ths => ths.map(th => th.textContent)")


def covered_labels(page, selector):
    """The labels of a picture of points that cover another label or a point (their boxes as drawn)."""
    return page.evaluate(
        """(sel) => { const svg = document.querySelector(sel);
             const box = (e) => { const b = e.getBBox(); return [e.textContent || 'point', b.x, b.y, b.width, b.height]; };
             const texts = Array.from(svg.querySelectorAll('text')).map(box);
             const dots = Array.from(svg.querySelectorAll('circle')).map(box);
             const meet = (a, b) => a[1] < b[1] + b[3] - 1 && b[1] < a[1] + a[3] - 1 && a[2] < b[2] + b[4] - 1 && b[2] < a[2] + a[4] - 1;
             return texts.flatMap((t, i) => [...texts.slice(i + 1), ...dots].filter((o) => meet(t, o)).map((o) => t[0] + ' / ' + o[0])); }""",
        selector,
    )


def words_of(page, selector):
    """The words of a result table's rows, as the page holds them."""
    return page.eval_on_selector_all(f"{selector} tbody tr", "trs => trs.map(tr => tr.dataset.word)")


def test_a_researchers_round_in_the_browser(halves, browser_page, tmp_path):
    model, table = halves
    page, errors = browser_page
    served = Served(open_session(model, table=table, by="half", block="chapter"))
    try:
        page.goto(served.url)
        ready(page)
        assert "3 resampled members" in page.inner_text("#model")
        # search 孙悟空: neighbours with their intervals
        page.fill("#search", "孙悟空")
        page.keyboard.press("Enter")
        wait_until(page, "document.querySelector('#word-title').textContent === '孙悟空'")
        ready(page)
        headers = page.eval_on_selector_all("#neighbours thead th", "ths => ths.map(th => th.textContent)")
        assert {"word", "similarity", "recurrence", "members", "90% interval"} <= set(headers)
        assert page.locator("#neighbours tbody .bar").count() == len(words_of(page, "#neighbours")) == 10
        assert page.locator("#neighbourhood g.point").count() == 11  # (the word and its ten)
        assert covered_labels(page, "#neighbourhood") == [], "labels drawn over each other or over a point"
        topical = cells(page, "#neighbours", "similarity")
        # a neighbour clicked: passages holding both words
        neighbour = words_of(page, "#neighbours")[0]
        page.locator("#neighbours tbody tr").first.click()
        wait_until(page, "!document.querySelector('#passages').hidden")
        ready(page)
        rows = page.eval_on_selector_all(
            "#passages-table tr:not(:first-child)", "trs => trs.map(tr => Array.from(tr.cells).map(c => c.textContent))"
        )
        assert rows, page.inner_text("#error")
        head = page.eval_on_selector_all("#passages-table tr:first-child th", "ths => ths.map(th => th.textContent)")
        left, word, right = (head.index(c) for c in ("left", "word", "right"))  # (a table's rows: its columns before)
        assert all(r[word] == "孙悟空" and (neighbour in r[left] or neighbour in r[right]) for r in rows)
        shot = tmp_path / "explore-word.png"
        page.wait_for_selector("body[data-fonts='1']", timeout=60_000)
        page.screenshot(path=str(shot), full_page=True)
        # the kind of similarity switched: the table changes
        page.select_option("#similarity", "mixed")
        wait_until(page, "new URLSearchParams(location.search).get('similarity') === 'mixed'")
        ready(page)
        assert cells(page, "#neighbours", "similarity") != topical
        assert "--similarity mixed" in page.inner_text("#word-takeaway")
        # a link to this view, followed: the same view
        link = page.get_attribute("#word-takeaway a", "href")
        shown = words_of(page, "#neighbours")
        page.goto("about:blank")
        page.goto(link)
        ready(page)
        assert page.input_value("#similarity") == "mixed" and words_of(page, "#neighbours") == shown
        # a contrast of the small table
        page.click("nav a[data-view='groups']")
        page.fill("form[data-question='contrast'] input[name='words']", "菩萨")
        page.click("form[data-question='contrast'] button")
        wait_until(page, "document.querySelectorAll('#group-table tbody tr').length === 2", 120)
        ready(page)
        assert cells(page, "#group-table", "group") == ["前", "后"]
        assert cells(page, "#group-table", "p")[1] != ""
        # (the model has members: each neighbour says how many of them find it, on the word itself)
        titles = page.evaluate(
            """() => { const t = document.querySelector('#group-table');
                 const i = Array.from(t.querySelectorAll('thead th')).findIndex(th => th.textContent === 'neighbours');
                 return Array.from(t.querySelectorAll('tbody tr')).flatMap(
                     tr => Array.from(tr.cells[i].querySelectorAll('span.pair > span')).map(s => s.title)); }"""
        )
        assert titles and all(re.fullmatch(r"found by \d+% of the members", t) for t in titles), titles
        assert "recurrence" not in cells_header(page, "#group-table")
        assert page.locator("#path g.point").count() >= 2
        assert covered_labels(page, "#path") == [], "the groups' names drawn over each other or over a point"
        assert page.inner_text("#error") == ""
        # the whole-model map: plot's own page, in a sandboxed frame, searchable
        page.click("nav a[data-view='map']")
        frame = page.frame_locator("#map")
        frame.locator("body[data-ready='1']").wait_for(timeout=120_000)
        frame.locator("#search").fill("孙悟空")
        asked_at = time.monotonic()
        frame.locator("#search").press("Enter")
        # (issue 93: the map lists and rings the word's nearest, as the word view answers them: the
        # explorer asks similar for the frame, which holds no lists of its own)
        frame.locator("#neighbours li:nth-child(5)").wait_for(timeout=10_000)
        seconds = time.monotonic() - asked_at
        listed = frame.locator("#neighbours li").evaluate_all("lis => lis.map(li => li.dataset.word)")
        kind = page.evaluate("window.w2vkitExplore.state()")  # (the page's kind of similarity and order)
        engine = open_session(model, kind.get("similarity")).engine()
        nearest = [r["word"] for r in similar(engine, "孙悟空", topn=10, rank=kind.get("rank") or "model").records()]
        assert len(set(listed) & set(nearest)) >= 5 and seconds < 1.0, (listed, nearest, seconds)
        assert frame.locator("#status").inner_text().startswith("孙悟空: ")
        ringed = next(f for f in page.frames if "/map?" in f.url).evaluate("window.w2vkitMap.highlighted.length")
        assert ringed > 1  # (the word and those of its nearest on the map)
    finally:
        served.stop()
    assert errors == []
    assert shot.stat().st_size > 20_000
    if os.environ.get("W2VKIT_SCREENSHOTS"):  # to refresh the picture in the README
        shutil.copy(shot, Path(os.environ["W2VKIT_SCREENSHOTS"]) / "explore-word.png")


HOSTILE_WORDS = ["<img src=x onerror=window.__pwned=3>", "<script>window.__pwned=4</script>", "\x1b[31mred", "&amp;"]


def test_markup_in_a_model_and_a_table_shows_as_text(novel_slice, browser_page, tmp_path):
    from w2vkit.model.store import save_model

    page, errors = browser_page
    words = [*HOSTILE_WORDS, *(f"w{i}" for i in range(20))]
    rng = np.random.default_rng(0)
    planted = save_model(
        tmp_path / "planted", words, np.arange(len(words), 0, -1) * 10, rng.normal(size=(len(words), 8)), {}
    )
    served = Served(open_session(planted))
    try:
        page.goto(served.url + "&word=" + "w1")
        ready(page)
        shown = words_of(page, "#neighbours")
        assert set(HOSTILE_WORDS) & set(shown), shown
        labels = page.eval_on_selector_all("#neighbourhood text", "ts => ts.map(t => t.textContent)")
        assert set(HOSTILE_WORDS) & set(labels)
        page.goto(served.url + "&word=" + HOSTILE_WORDS[0].replace("&", "%26").replace("=", "%3D"))
        ready(page)
        assert page.inner_text("#word-title") == HOSTILE_WORDS[0]
        assert page.locator("img").count() == 0 and page.locator("main script").count() == 0
    finally:
        served.stop()
    # a table whose group and text hold markup, and a model trained on it
    table = write_table(tmp_path / "hostile.tsv", novel_slice.read_text(encoding="utf-8").splitlines(), hostile=True)
    model = train_on_table(table, tmp_path / "hostile-model", members=0)
    served = Served(open_session(model, table=table, by="half", block="chapter"))
    try:
        page.goto(served.url + "&view=groups&q=contrast&words=菩萨")
        wait_until(page, "document.querySelectorAll('#group-table tbody tr').length === 2", 120)
        ready(page)
        # (the groups as text, in the contrast's order: the largest first, then by code point)
        shown = cells(page, "#group-table", "group")
        assert sorted(shown) == sorted(["前", HOSTILE_GROUP])
        page.locator("#group-table tbody tr").nth(shown.index(HOSTILE_GROUP)).click()  # (the markup group's passages)
        wait_until(page, "!document.querySelector('#passages').hidden")
        page.goto(served.url + "&word=孙悟空&near=" + "悟空")
        ready(page)
        assert page.locator("img").count() == 0
        assert page.evaluate("window.__pwned") is None
    finally:
        served.stop()
    assert HOSTILE_TEXT.startswith("<script>")
    assert errors == []


def test_bad_input_is_one_line_on_the_page_and_the_server_serves_on(browser_page, tmp_path):
    from conftest import WORDS, model_with_members

    page, errors = browser_page
    folder = model_with_members(tmp_path)
    served = Served(open_session(folder))
    try:
        page.goto(served.url)
        ready(page)
        for typed, said in [
            ("没有这个词", "is not in the model"),
            ("字" * 100 + "多", "too long"),  # (the box takes 100; the address is typed by hand)
        ]:
            page.goto(served.url + "&word=" + typed)
            ready(page)
            error = page.inner_text("#error")
            assert said in error and "\n" not in error.strip(), error
        page.fill("#search", "   ")
        page.keyboard.press("Enter")
        assert page.inner_text("#error") == "type a word"
        page.fill("#search", WORDS[1])
        page.keyboard.press("Enter")
        wait_until(page, f"document.querySelector('#word-title').textContent === '{WORDS[1]}'")
        ready(page)
        assert page.inner_text("#error") == "" and len(words_of(page, "#neighbours")) == 10
    finally:
        served.stop()
    vectors = folder / "vectors.npy"
    data = np.load(vectors)
    data[0, 0] += 1  # (the model no longer passes its checks)
    np.save(vectors, data)
    served = Served(open_session(folder))
    try:
        page.goto(served.url + "&word=" + WORDS[1])
        ready(page)
        error = page.inner_text("#error")
        assert "vectors.npy" in error and "\n" not in error.strip(), error
    finally:
        served.stop()
    assert errors == []


def test_a_font_that_cannot_be_had_leaves_the_system_fonts_and_no_error(browser_page, tmp_path):
    """The CJK font cut off while it loads (the page left, the server stopped: CI's "A network error
    occurred."), made certain here: the stylesheet offers only this server's font and its request fails."""
    from conftest import WORDS, model_with_members

    page, errors = browser_page
    served = Served(open_session(model_with_members(tmp_path)))
    sheet = '@font-face { font-family: "w2vkit CJK"; src: url("../font?token=' + TOKEN + '"); }'
    page.route("**/static/explore-fonts.css*", lambda route: route.fulfill(body=sheet, content_type="text/css"))
    page.route("**/font?*", lambda route: route.abort("failed"))
    try:
        page.goto(served.url + "&word=" + WORDS[1])
        ready(page)
        page.wait_for_selector("body[data-fonts='system']", timeout=60_000)
        assert page.inner_text("#word-title") == WORDS[1] and page.inner_text("#error") == ""
    finally:
        served.stop()
    assert errors == []


ATTACK_PAGE = """<!doctype html><meta charset=utf-8><title>another local page</title>
<img src="{api}/contrast?words=%E8%A1%8C%E8%80%85"><img src="{api}/similar?word=%E8%A1%8C%E8%80%85">
<link rel="stylesheet" href="{base}/static/explore-fonts.css">
<script>fetch("{api}/kwic?word=%E8%A1%8C%E8%80%85", {{mode: "no-cors", credentials: "include"}});
fetch("{api}/about", {{credentials: "include"}}).then(r => r.text()).then(t => document.title = "READ " + t).catch(() => document.title = "refused");</script>"""


def test_a_page_on_another_port_of_this_machine_gets_nothing_answered_and_nothing_written(
    halves, browser_page, tmp_path
):
    """Round 7's B20/B21: after the user opened the explorer, a page served by another local
    server (another port of 127.0.0.1: the same site for cookies) embeds the explorer's questions.
    Nothing is answered, nothing is written into the model folder, and the other server receives
    no token."""
    import http.server

    shared, table = halves
    model = tmp_path / "model"  # (its own copy: the shared one gains caches from the other tests meanwhile)
    shutil.copytree(shared, model)
    page, _ = browser_page
    served = Served(open_session(model, table=table, by="half", block="chapter"))
    base = served.url.split("/?")[0]
    folder = tmp_path / "other-server"
    folder.mkdir()
    (folder / "index.html").write_text(ATTACK_PAGE.format(api=f"{base}/api", base=base), encoding="utf-8")
    received: list[str] = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(folder), **kwargs)

        def do_GET(self):
            received.append(str(self.headers))
            super().do_GET()

        def log_message(self, *args):
            pass

    other = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=other.serve_forever, daemon=True).start()
    try:
        page.goto(served.url)  # (the user's own visit: whatever the explorer gives a browser, this one has it)
        ready(page)
        # (the user's first screen, the map, keeps its layout beside the model: done before the count)
        page.frame_locator("#map").locator("body[data-ready='1']").wait_for(timeout=120_000)
        files_before = sorted(str(p.relative_to(model)) for p in model.rglob("*"))
        seen = len(served.answered)
        page.goto(f"http://127.0.0.1:{other.server_address[1]}/index.html")
        wait_until(page, "document.title.startsWith('READ') || document.title === 'refused'", 30)
        time.sleep(2)  # (the images and the no-cors fetch)
        attack = {"/api/contrast", "/api/similar", "/api/kwic", "/api/about", "/static/explore-fonts.css"}
        asked = [
            (path, status) for path, status in served.answered[seen:] if path in attack
        ]  # (not the user's page's font)
        assert {path for path, _ in asked} >= {"/api/contrast", "/api/similar", "/api/kwic"}, asked
        assert all(status == 403 for _, status in asked), asked
        assert page.title() == "refused"
        assert sorted(str(p.relative_to(model)) for p in model.rglob("*")) == files_before
        assert received and not any(TOKEN in headers for headers in received)
    finally:
        other.shutdown()
        served.stop()


def test_the_one_time_address_the_browser_is_opened_with_opens_the_page_once(halves, browser_page):
    """What `explore` hands the browser (a one-time code) lands on the page with the token, drawn;
    the same address a second time opens nothing."""
    from w2vkit.explore.server import OneTimeCode

    model, _ = halves
    page, errors = browser_page
    code = OneTimeCode()
    served = Served(open_session(model), code=code)
    try:
        once = served.url.split("/?")[0] + f"/?code={code.value}"
        page.goto(once)
        ready(page)
        assert page.url == served.url and not errors
        again = page.goto(once)
        assert again.status == 403 and "opening the page once" in page.inner_text("body")
    finally:
        served.stop()


def test_the_first_screen_is_the_whole_vocabularys_map(halves, browser_page):
    """Issue 76: with no word typed the page opens on the map of the model's most frequent words
    (the map warmed before the address is printed), drawn in the page's frame, its labels Chinese."""
    model, _ = halves
    page, errors = browser_page
    served = Served(open_session(model))
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url))
    try:
        page.goto(served.url)
        ready(page)
        assert page.is_visible("#view-map") and not page.is_visible("#view-word")
        assert page.is_visible("#map-clusters")  # (no table: clusters colour the map, their number asked)
        frame = page.frame_locator("#map")
        frame.locator("body[data-ready='1']").wait_for(timeout=120_000)
        labelled = int(frame.locator("#labels").get_attribute("data-labelled"))
        title = frame.locator("#title").inner_text()
        every = choose_words(Engine(load_model(model)), [], 0, 10**6)[0]  # (plot's rule: every word but stopwords)
        assert labelled > 10 and f"PCA of {len(every)} words" in title and not errors
        assert int(frame.locator("#map").get_attribute("data-points")) == len(every)
        # a lasso's words download through the page (a sandboxed frame may not download itself)
        frame.locator("#lasso").click()
        area = frame.locator("#map").bounding_box()
        corners = [(area["x"] + area["width"] * fx, area["y"] + area["height"] * fy) for fx, fy in
                   [(0.35, 0.05), (0.95, 0.05), (0.95, 0.95), (0.35, 0.95), (0.35, 0.06)]]  # fmt: skip
        page.mouse.move(*corners[0])
        page.mouse.down()
        for x, y in corners[1:]:
            page.mouse.move(x, y, steps=6)
        page.mouse.up()
        frame.locator("#selection:not([hidden])").wait_for()
        chosen = next(f for f in page.frames if "/map?" in f.url).evaluate("window.w2vkitMap.selection")
        with page.expect_download() as caught:
            frame.locator("#selection-download").click()
        lines = Path(caught.value.path()).read_text(encoding="utf-8").splitlines()
        assert lines[0] == "word\tcount\tgroup" and len(lines) == len(chosen) + 1 > 10
        # the selection asked as an expansion: its first ten words the seeds
        frame.locator("button[data-ask='expand']").click()
        wait_until(page, "!document.querySelector('#view-findings').hidden")
        seeds = dict(p.split("=", 1) for p in urllib.parse.urlsplit(page.url).query.split("&"))["seeds"]
        assert urllib.parse.unquote_plus(seeds).split() == [line.split("\t")[0] for line in lines[1:11]]
        page.go_back()
        wait_until(page, "!document.querySelector('#view-map').hidden")
        page.focus("#search")  # (the page's own font: once Chinese may be typed, not beside the map)
        page.wait_for_selector("body[data-fonts='1']", timeout=60_000)
        # a double click on a point opens that word's view (the frame says the word, the page goes)
        data = json.loads(frame.locator("#map-data").text_content())
        words = data["words"]
        inner = next(f for f in page.frames if "/map?" in f.url)
        i = max(range(len(words)), key=lambda k: data["x"][k])  # (the rightmost word: clear of the map's panel)
        x, y = inner.evaluate(f"window.w2vkitMap.screen({i})")
        frame.locator("#map").hover(position={"x": x, "y": y})
        frame.locator("#map").dblclick(position={"x": x, "y": y})
        wait_until(page, "!document.querySelector('#view-word').hidden")
        wait_until(page, "document.querySelector('#word-title').textContent !== ''")
        assert page.inner_text("#word-title") == words[i] and not errors
        # nothing of the page, its frame or its fonts came from anywhere but this server
        own = served.url.split("/?")[0] + "/"
        assert asked and all(u.startswith(own) or u.startswith("data:") for u in asked), asked
    finally:
        served.stop()


def test_the_researchers_study_runs_from_the_group_view(halves, browser_page, tmp_path):
    """Issue 76 (the trial's section 2g): from the page, a regression on two columns with a
    word to measure against, blocks split, then the neighbour ratio, then a row's passages with
    the row's own columns; each view's command line is the one contrast prints the same rows for."""
    model, source = halves
    lines = source.read_text(encoding="utf-8").splitlines()
    table = tmp_path / "lengths.tsv"
    rows = [f"{line}\t{len(line.split(chr(9))[2])}" for line in lines[1:]]
    table.write_text("\n".join([lines[0] + "\tlength"] + rows) + "\n", encoding="utf-8")
    page, errors = browser_page
    served = Served(
        open_session(model, table=table, by="half", block="chapter", split_blocks=True, columns=("chapter",))
    )
    try:
        # the map, coloured by the table's groups, asks no number of clusters until clusters are chosen
        page.goto(served.url)
        ready(page)
        assert page.is_visible("#view-map") and not page.is_visible("#map-clusters")
        page.select_option("#map-form select[name='colour']", "clusters")
        assert page.is_visible("#map-clusters")
        page.goto(served.url + "&view=groups")
        ready(page)
        form = page.locator("#view-groups form[data-question='contrast']")
        form.locator("input[name='words']").fill("菩萨")
        form.locator("summary").click()
        form.locator("input[name='also']").fill("length")
        form.locator("input[name='to']").fill("八戒")
        form.locator("button").click()
        wait_until(page, "document.querySelectorAll('#group-table tbody tr').length > 0", 120)
        assert set(cells(page, "#group-table", "covariate")) == {"half", "length"}
        assert "cos_八戒" in cells_header(page, "#group-table")
        # the number's curve: the fitted vector's cosine to 八戒 along length, with its band
        curve = page.locator("#curves figure").first
        assert "along length" in curve.locator("figcaption").inner_text()
        assert curve.locator("text[data-word='八戒']").count() == 1
        assert curve.locator("polyline").count() == 1 and curve.locator("polygon").count() == 1
        command = page.inner_text("#group-takeaway")
        assert "--by half --by length" in command and "--to 八戒" in command and "--split-blocks" in command
        # the ratio, from the same form
        form.locator("input[name='also']").fill("")
        form.locator("input[name='to']").fill("")
        form.locator("input[name='ratio']").check()
        form.locator("button").click()
        wait_until(page, "document.querySelector('#group-takeaway').textContent.includes('--ratio')", 120)
        wait_until(page, "document.querySelectorAll('#group-table tbody tr').length > 0", 120)
        assert "ratio" in " ".join(cells_header(page, "#group-table"))
        # a group's typical passages carry the row's own column
        form.locator("input[name='ratio']").uncheck()
        form.locator("button").click()
        wait_until(page, "!document.querySelector('#group-takeaway').textContent.includes('--ratio')", 120)
        wait_until(page, "document.querySelectorAll('#group-table tbody tr').length > 1", 120)
        page.locator("#group-table tbody tr").nth(1).click()
        wait_until(page, "document.querySelectorAll('#passages-table tr').length > 1", 120)
        assert "chapter" in page.locator("#passages-table tr").first.inner_text()
        assert page.inner_text("#error") == "" and not errors
    finally:
        served.stop()


def test_a_slow_map_arrives_in_its_frame_and_a_tables_rows_map_too(halves, browser_page):
    """Issue 93: a t-SNE map, drawn for seconds, arrives in the page's sandboxed frame (its waiting
    page reloads itself from an origin of its own: once refused as cross-site, it stayed on
    "Drawing the map" for good); the map of the table's rows is drawn there too, a point per row."""
    model, table = halves
    page, errors = browser_page
    served = Served(open_session(model, table=table, by="half"), wait=0.2)  # (the waiting page first)
    try:
        for asked, points in (("&view=map&method=tsne&colour=frequency", None), ("&view=map&of=rows", "rows")):
            page.goto(served.url + asked)
            ready(page)
            frame = page.frame_locator("#map")
            frame.locator("body[data-ready='1']").wait_for(timeout=180_000)
            data = json.loads(frame.locator("#map-data").text_content())
            assert ("rows" in data) == (points == "rows") and len(data["x"]) > 100
        maps = [status for path, status in served.answered if path == "/map"]
        assert 202 in maps and 403 not in maps, maps  # (waited, then asked again from the frame, answered)
    finally:
        served.stop()
    assert errors == []
