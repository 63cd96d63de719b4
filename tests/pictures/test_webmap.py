"""The interactive HTML map: its data equals the model's, and in a real headless Chromium a word
typed in the search box is highlighted with its nearest neighbours."""

import json
import os
import re
import shutil
from pathlib import Path

import numpy as np
import pytest

from w2vkit.model.store import load_model
from w2vkit.pictures.fonts import bundled_font_path
from w2vkit.pictures.plotting import plot
from w2vkit.pictures.webmap import neighbour_lists
from w2vkit.queries.query import Engine

CHROMIUM = "/usr/bin/chromium"


def shown_colours(png: Path, palette: list[str], least: int = 30) -> dict[str, bool]:
    """Whether a screenshot shows each colour of the palette as the map draws its points (mixed 85%
    over the page's background, within 3 of each channel), on at least `least` pixels."""
    from PIL import Image

    pixels = np.asarray(Image.open(png).convert("RGB"), dtype=np.int16).reshape(-1, 3)
    found = {}
    for colour in palette:
        rgb = np.array([int(colour[k : k + 2], 16) for k in (1, 3, 5)])
        drawn = np.round(0.85 * rgb + 0.15 * 0.984 * 255)
        found[colour] = int((np.abs(pixels - drawn).max(axis=1) <= 3).sum()) >= least
    return found


def page_data(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    match = re.search(r'<script id="map-data" type="application/json">(.*?)</script>', text, re.S)
    return json.loads(match.group(1))


def expected_neighbours(engine, word, mapped, k=10):
    """The map's words ranked by cosine to `word` through the query engine (not webmap's code)."""
    ranked = engine.most_similar([word], topn=len(engine.model.words))
    return [w for w, _ in ranked if w in mapped][:k]


def test_neighbour_lists_equal_brute_force():
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(300, 16)).astype(np.float32)
    indices, scores = neighbour_lists(vectors, k=5)
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    sims = unit @ unit.T
    np.fill_diagonal(sims, -np.inf)
    assert (indices == np.argsort(-sims, axis=1)[:, :5]).all()
    assert np.allclose(scores, np.sort(sims, axis=1)[:, ::-1][:, :5], atol=1e-6)


def test_html_map_is_self_contained_and_holds_the_models_neighbours(engine, tmp_path):
    out = tmp_path / "map.html"
    result = plot(engine, out, ["行者", "八戒"], neighbors=10)
    html = out.read_text(encoding="utf-8")
    # offline: no script, style or font is fetched from anywhere (the font is inlined)
    assert not re.search(r'(src|href)\s*=\s*["\']?(https?:)?//', html)
    assert "@import" not in html and html.count("url(") == html.count("url(data:font/otf;base64,") == 1
    data = page_data(out)
    assert result.points == len(data["words"]) == len(data["x"]) == len(data["neighbours"])
    assert data["groups"] == ["行者", "八戒"]
    assert [data["words"][i] for i in data["query"]] == ["行者", "八戒"]
    counts = dict(zip(engine.model.words, engine.model.counts.tolist()))
    assert data["counts"] == [counts[w] for w in data["words"]]
    mapped = set(data["words"])
    for q in ("行者", "八戒"):
        i = data["words"].index(q)
        assert [data["words"][j] for j in data["neighbours"][i]] == expected_neighbours(engine, q, mapped)
        for j, score in zip(data["neighbours"][i], data["scores"][i]):
            assert abs(score - engine.similarity(q, data["words"][j])) < 1e-3


def test_a_word_in_the_page_cannot_end_its_script(engine, tmp_path, monkeypatch):
    from w2vkit.pictures.webmap import render_html

    html = render_html({"title": "</script><b>x", "words": ["</script>"], "x": [0], "y": [0]})
    assert html.count("</script>") == 2  # the data's and the viewer's own
    assert "<title>&lt;/script&gt;&lt;b&gt;x</title>" in html


def chromium_fontconfig(tmp_path: Path) -> dict:
    """An environment whose fontconfig also knows the bundled Noto Sans SC, so the screenshot
    shows Chinese on a machine with no CJK font (the page itself uses whatever fonts a browser has)."""
    conf = tmp_path / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
        f"<dir>{Path(bundled_font_path()).parent}</dir>"
        f"<cachedir>{tmp_path / 'fontcache'}</cachedir></fontconfig>"
    )
    return dict(os.environ, FONTCONFIG_FILE=str(conf))


@pytest.mark.browser
@pytest.mark.slow
def test_search_in_a_real_browser_highlights_the_word_and_its_neighbours(engine, tmp_path):
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"needs Chromium at {CHROMIUM} (Debian: apt-get install chromium); .ci/run installs it", pytrace=False
        )
    from playwright.sync_api import sync_playwright

    out = tmp_path / "map.html"
    plot(engine, out, top=2500)  # large enough for the openTSNE path
    data = page_data(out)
    mapped = set(data["words"])
    query = "行者"
    assert query in mapped
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, env=chromium_fontconfig(tmp_path), args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1200, "height": 800})
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(out.as_uri())
        page.wait_for_selector("body[data-ready='1']")
        assert int(page.get_attribute("#labels", "data-labelled")) > 20
        page.click("#search")
        page.keyboard.type(query)
        page.keyboard.press("Enter")
        page.wait_for_selector("#neighbours li")
        words_js = json.dumps(data["words"], ensure_ascii=False)
        highlighted = page.evaluate(f"window.w2vkitMap.highlighted.map(i => {words_js}[i])")
        listed = page.eval_on_selector_all("#neighbours li", "lis => lis.map(li => li.dataset.word)")
        status = page.inner_text("#status")
        shot = tmp_path / "map-search.png"
        page.screenshot(path=str(shot))
        # an unknown word says so and highlights nothing
        page.fill("#search", "没有这个词")
        page.keyboard.press("Enter")
        unknown_status = page.inner_text("#status")
        unknown_highlighted = page.evaluate("window.w2vkitMap.highlighted.length")
        browser.close()
    assert errors == []
    want = expected_neighbours(engine, query, mapped)
    assert highlighted == [query] + want
    assert listed == want
    assert status.startswith(f"{query}: ")
    assert unknown_status == "“没有这个词” is not on this map" and unknown_highlighted == 0
    assert shot.stat().st_size > 10_000
    if os.environ.get("W2VKIT_SCREENSHOTS"):  # to refresh the picture in docs/commands.md
        shutil.copy(shot, Path(os.environ["W2VKIT_SCREENSHOTS"]) / "map-search.png")


@pytest.mark.browser
@pytest.mark.slow
def test_a_map_of_20000_words_opens_and_answers_a_search(tmp_path):
    from playwright.sync_api import sync_playwright

    from w2vkit.model.store import save_model

    if not Path(CHROMIUM).exists():
        pytest.fail(f"needs Chromium at {CHROMIUM} (Debian: apt-get install chromium)", pytrace=False)
    n = 20_000
    rng = np.random.default_rng(0)
    words = [f"w{i:05d}" for i in range(n)]
    path = save_model(
        tmp_path / "big", words, np.arange(n, 0, -1) * 10, rng.normal(size=(n, 24)).astype(np.float32), {}
    )
    engine = Engine(load_model(path))
    out = tmp_path / "big.html"
    result = plot(engine, out, top=n, method="pca")
    assert result.points == n
    assert out.stat().st_size <= 15_000_000
    data = page_data(out)
    query = "w12345"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1200, "height": 800})
        page.goto(out.as_uri())
        page.wait_for_selector("body[data-ready='1']", timeout=60_000)
        page.fill("#search", query)
        page.keyboard.press("Enter")
        page.wait_for_selector("#neighbours li")
        listed = page.eval_on_selector_all("#neighbours li", "lis => lis.map(li => li.dataset.word)")
        browser.close()
    assert listed == expected_neighbours(engine, query, set(data["words"]))


def inlined_font(page: str):
    """The font a map page inlines (fontTools' reading of its data: URL)."""
    import base64
    import io

    from fontTools.ttLib import TTFont

    match = re.search(r"url\(data:font/otf;base64,([A-Za-z0-9+/=]+)\)", page)
    assert match, "no inlined font"
    return TTFont(io.BytesIO(base64.b64decode(match.group(1))))


def test_a_map_inlines_the_bundled_fonts_glyphs_for_its_chinese(engine, tmp_path):
    """Issue 76: on a machine with no CJK font the map's Chinese was empty boxes. The page carries
    the bundled font cut down to its own characters, after the system's CJK fonts, and its text is
    drawn in that family first."""
    out = tmp_path / "map.html"
    plot(engine, out, top=300, method="pca")
    page = out.read_text(encoding="utf-8")
    data = page_data(out)
    wanted = {c for w in data["words"] for c in w if "\u4e00" <= c <= "\u9fff"}
    assert len(wanted) > 100
    cmap = inlined_font(page).getBestCmap()
    assert wanted <= {chr(c) for c in cmap}
    assert len(cmap) < 3 * len(wanted) + 100  # (cut down: the whole font has some 30,000)
    assert re.search(r'font-family: "w2vkit CJK", system-ui', page)
    assert len(page.encode("utf-8")) < 1_000_000


@pytest.mark.browser
def test_the_maps_chinese_is_drawn_as_glyphs_without_a_system_cjk_font(engine, tmp_path):
    """In Chromium with the machine's own fonts only (CI's have no CJK font): two characters drawn
    in the map's family differ (as empty boxes they would be the same picture)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"needs Chromium at {CHROMIUM} (Debian: apt-get install chromium); .ci/run installs it", pytrace=False
        )
    from playwright.sync_api import sync_playwright

    out = tmp_path / "map.html"
    plot(engine, out, top=300, method="pca")
    drawn = """async () => {
        await document.fonts.load('40px "w2vkit CJK"', '孙悟');
        const pixels = ch => {
            const c = document.createElement('canvas'); c.width = c.height = 48;
            const x = c.getContext('2d'); x.font = '40px "w2vkit CJK"'; x.fillText(ch, 2, 42);
            return Array.from(x.getImageData(0, 0, 48, 48).data).join(',');
        };
        return [pixels('孙') !== pixels('悟'), pixels('孙') !== pixels(' ')];
    }"""
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page()
        page.goto(out.as_uri())
        page.wait_for_selector("body[data-ready='1']")
        assert page.evaluate(drawn) == [True, True]
        browser.close()


@pytest.mark.browser
def test_a_map_coloured_by_a_tables_groups_shows_each_group_and_a_legend(halves, tmp_path):
    """Issue 76: a map coloured by a table's column shows its groups: the canvas holds the colour of
    each group (and the grey of words that lean nowhere), and the legend names each."""
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"needs Chromium at {CHROMIUM} (Debian: apt-get install chromium); .ci/run installs it", pytrace=False
        )
    from playwright.sync_api import sync_playwright

    folder, table = halves
    out = tmp_path / "halves.html"
    plot(Engine(load_model(folder)), out, top=1000, method="pca", table=table, by="half")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1000, "height": 700})
        page.goto(out.as_uri())
        page.wait_for_selector("body[data-ready='1']")
        page.wait_for_timeout(500)
        shot = tmp_path / "groups.png"
        page.screenshot(path=str(shot))
        legend = page.eval_on_selector_all("#legend li", "lis => lis.map(li => li.textContent)")
        browser.close()
    # (前's blue, 后's orange, the grey of no lean)
    assert shown_colours(shot, ["#1f77b4", "#ff7f0e", "#bdbdbd"]) == {"#1f77b4": True, "#ff7f0e": True, "#bdbdbd": True}
    assert [entry.split(" ")[0] for entry in legend] == ["前", "后", "no"]


def _with_thirds(table: Path, path: Path) -> Path:
    """The halves table with a second column of groups, `third`: each row's place modulo 3."""
    lines = table.read_text(encoding="utf-8").splitlines()
    rows = [f"{line}\t{'abc'[n % 3]}" for n, line in enumerate(lines[1:])]
    path.write_text("\n".join([lines[0] + "\tthird"] + rows) + "\n", encoding="utf-8")
    return path


@pytest.mark.browser
def test_a_second_columns_chart_counts_the_words_and_a_bar_clicked_keeps_them(halves, tmp_path):
    """Issue 93: coloured by one column, a chart of another (each word's lean there, as
    findings.leaning gives it); a bar clicked selects exactly its words, clicked again none."""
    from playwright.sync_api import sync_playwright

    from w2vkit.findings.leaning import leanings

    folder, halves_table = halves
    table = _with_thirds(halves_table, tmp_path / "thirds.tsv")
    engine = Engine(load_model(folder))
    out = tmp_path / "chart.html"
    plot(engine, out, top=600, method="pca", table=table, by="half", chart="third")
    data = page_data(out)
    lean = leanings(engine, engine.model.words, table, "third")
    assert data["chart"]["groups"] == lean.groups and data["chart"]["column"] == "third"
    assert data["chart"]["group"] == [lean.group[engine.model.index[w]] for w in data["words"]]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1000, "height": 700})
        page.goto(out.as_uri())
        page.wait_for_selector("body[data-ready='1']")
        bars = page.eval_on_selector_all("#bars li", "lis => lis.map(li => [+li.dataset.group, li.textContent])")
        counts = np.bincount(data["chart"]["group"], minlength=len(lean.groups))
        assert [(g, text.rsplit("· ", 1)[1]) for g, text in bars] == [(g, f"{c:,}") for g, c in enumerate(counts) if c]
        g = bars[0][0]
        page.locator("#bars li").first.click()
        kept = page.evaluate("window.w2vkitMap.selection")
        page.locator("#bars li.on").click()
        again = page.evaluate("window.w2vkitMap.selection")
        browser.close()
    assert kept == [i for i, h in enumerate(data["chart"]["group"]) if h == g] and again == []


def test_a_chart_needs_a_page_and_a_column_to_chart(engine, tmp_path):
    from w2vkit.errors import UsageError

    with pytest.raises(UsageError, match="draws its chart in an .html page"):
        plot(engine, tmp_path / "m.png", top=50, method="pca", table=tmp_path / "t.tsv", chart="period")
    with pytest.raises(UsageError, match="its metadata has no column 'period'; it has none"):
        plot(engine, tmp_path / "m.html", top=50, method="pca", chart="period")


@pytest.mark.browser
def test_a_lasso_lists_the_words_it_draws_around(engine, tmp_path):
    """Issue 76: Shift-drag draws a lasso; the words whose points it encloses are listed, most
    frequent first, with their counts (checked against the points' places on the screen)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"needs Chromium at {CHROMIUM} (Debian: apt-get install chromium)", pytrace=False)
    from playwright.sync_api import sync_playwright

    out = tmp_path / "map.html"
    plot(engine, out, top=1500, method="pca")
    data = page_data(out)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1000, "height": 700})
        page.goto(out.as_uri())
        page.wait_for_selector("body[data-ready='1']")
        places = page.evaluate(f"Array.from({{length: {len(data['words'])}}}, (_, i) => window.w2vkitMap.screen(i))")
        box = (520, 250, 760, 450)  # (right of the panel)
        page.keyboard.down("Shift")
        page.mouse.move(box[0], box[1])
        page.mouse.down()
        for x, y in [(box[2], box[1]), (box[2], box[3]), (box[0], box[3]), (box[0], box[1] + 1)]:
            page.mouse.move(x, y, steps=8)
        page.mouse.up()
        page.keyboard.up("Shift")
        page.wait_for_selector("#selection:not([hidden])")
        listed = page.eval_on_selector_all("#selected li", "lis => lis.map(li => li.dataset.word)")
        title = page.inner_text("#selection-title")
        selected = page.evaluate("window.w2vkitMap.selection")
        browser.close()

    def within(margin):  # (the lasso's edge is the mouse's path: a point within 2 px of it may go either way)
        return [
            i
            for i, (x, y) in enumerate(places)
            if box[0] - margin < x < box[2] + margin and box[1] - margin < y < box[3] + margin
        ]

    assert len(within(-2)) > 10
    assert set(within(-2)) <= set(selected) <= set(within(2))
    assert selected == sorted(selected)  # (most frequent first: the data's order)
    assert listed == [data["words"][i] for i in selected][:200]
    assert title.startswith(f"{len(selected):,} words selected")


@pytest.mark.browser
def test_a_lasso_drawn_with_the_select_button_ends_and_its_every_word_downloads(engine, tmp_path):
    """Issue 93: the select button's lasso ends once drawn (a click is a click again); the whole
    selection lists 200 at a time ("list more") and downloads as a TSV that pandas reads: every
    selected word, its count and its colour's group."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"needs Chromium at {CHROMIUM} (Debian: apt-get install chromium)", pytrace=False)
    import csv

    from playwright.sync_api import sync_playwright

    out = tmp_path / "map.html"
    plot(engine, out, top=2500, method="pca", clusters=5)
    data = page_data(out)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1000, "height": 700}, accept_downloads=True)
        page.goto(out.as_uri())
        page.wait_for_selector("body[data-ready='1']")
        page.click("#lasso")
        assert "on" in page.get_attribute("#lasso", "class")
        page.mouse.move(360, 20)
        page.mouse.down()
        for x, y in [(990, 20), (990, 690), (360, 690), (360, 21)]:
            page.mouse.move(x, y, steps=8)
        page.mouse.up()
        page.wait_for_selector("#selection:not([hidden])")
        assert "on" not in (page.get_attribute("#lasso", "class") or "")  # (the lasso mode ended)
        selected = page.evaluate("window.w2vkitMap.selection")
        assert len(selected) > 200
        assert page.locator("#selected li").count() == 200 and page.is_visible("#selection-more")
        page.click("#selection-more")
        assert page.locator("#selected li").count() == min(400, len(selected))
        with page.expect_download() as caught:
            page.click("#selection-download")
        saved = tmp_path / "selection.tsv"
        caught.value.save_as(saved)
        browser.close()
    with open(saved, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    assert [r["word"] for r in rows] == [data["words"][i] for i in selected]
    assert [int(r["count"]) for r in rows] == [data["counts"][i] for i in selected]
    assert [r["group"] for r in rows] == [data["groups"][data["group"][i]] for i in selected]


@pytest.mark.browser
def test_each_cluster_is_named_where_it_lies_and_no_two_names_overlap(engine, tmp_path):
    """Issue 93: a region's name (its cluster's commonest words) on the map at the cluster's densest
    place, on a plate of its colour; the placed boxes never overlap, at the first view and zoomed in;
    a group of the legend clicked selects its words."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"needs Chromium at {CHROMIUM} (Debian: apt-get install chromium)", pytrace=False)
    from playwright.sync_api import sync_playwright

    out = tmp_path / "map.html"
    plot(engine, out, top=2500, method="pca", clusters=8)
    data = page_data(out)

    def overlapping(boxes):
        return [
            (a[4], b[4])
            for k, a in enumerate(boxes)
            for b in boxes[k + 1 :]
            if a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]
        ]

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1200, "height": 800})
        page.goto(out.as_uri())
        page.wait_for_selector("body[data-ready='1']")
        first = page.evaluate("window.w2vkitMap.regions")
        page.mouse.move(800, 400)
        for _ in range(6):
            page.mouse.wheel(0, -300)
        page.wait_for_timeout(600)
        zoomed = page.evaluate("window.w2vkitMap.regions")
        page.click("#legend li[data-group='2']")  # (a group of the legend clicked: its words selected)
        chosen = page.evaluate("window.w2vkitMap.selection")
        browser.close()
    assert chosen == [i for i, g in enumerate(data["group"]) if g == 2] and chosen
    assert len(first) >= len(data["groups"]) // 2 and {b[4] for b in first} <= set(data["groups"])
    assert overlapping(first) == [] and overlapping(zoomed) == []
    assert all(0 <= b[0] and b[0] + b[2] <= 1200 for b in first + zoomed)


def test_a_map_opened_in_a_frame_not_yet_laid_out_draws_once_the_frame_has_a_size(engine, tmp_path):
    """The explorer's map frame could start before it had a size: the canvas, 0 pixels wide, made
    createImageData throw, and the map never drew (seen once in a few dozen loads). It now waits
    for the frame's size and draws every point at its resize."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"needs Chromium at {CHROMIUM} (Debian: apt-get install chromium)", pytrace=False)
    from playwright.sync_api import sync_playwright

    out = tmp_path / "map.html"
    plot(engine, out, top=300, method="pca")
    holder = tmp_path / "holder.html"
    holder.write_text(f'<iframe id="f" src="{out.as_uri()}" style="width:0;height:0;border:0"></iframe>', "utf-8")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, env=chromium_fontconfig(tmp_path), args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1000, "height": 700})
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(holder.as_uri())
        frame = page.frame_locator("#f")
        frame.locator("body[data-ready='1']").wait_for(state="attached", timeout=60_000)
        page.evaluate("document.getElementById('f').style.cssText = 'width:900px;height:600px;border:0'")
        inner = next(f for f in page.frames if f.url.endswith("map.html"))
        inner.wait_for_function("document.getElementById('map').width > 0", timeout=30_000)
        page.wait_for_timeout(500)
        painted = inner.evaluate(
            "(() => { const c = document.getElementById('map'); const d = c.getContext('2d')"
            ".getImageData(0, 0, c.width, c.height).data; let n = 0;"
            " for (let i = 0; i < d.length; i += 4) if (d[i] !== d[0] || d[i + 1] !== d[1]) n++; return n; })()"
        )
        browser.close()
    assert errors == [] and painted > 300
