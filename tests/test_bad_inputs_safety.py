"""Bad inputs that used to destroy data, inject code or hang (issue 22), through the CLI: nothing
of the user's is overwritten, no word from a model runs as code on a page or a terminal, and
nothing waits forever. Each test names the guarantee it checks (docs/model-format.md "What w2vkit guarantees")."""

import json
import os
import signal
import stat
import subprocess
import sys
import time
from html.parser import HTMLParser

import numpy as np
import pytest
from conftest import default_sigint

from w2vkit.model.store import load_model, save_model

HOSTILE = ["abc", "\x1b[2J\x1b[H", "\x1b]0;pwned\x07", "x\u202eevil", "\x9bc", "del\x7f"]


def tree(path):
    """Every file under path with its bytes, to compare before and after."""
    return {p.relative_to(path).as_posix(): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}


def word2vec_text(path, words, dim=4, rows=None):
    rows = np.arange(len(words) * dim, dtype=np.float32).reshape(len(words), dim) + 1 if rows is None else rows
    lines = [f"{len(words)} {dim}"] + [w + " " + " ".join(f"{x:g}" for x in r) for w, r in zip(words, rows)]
    path.write_bytes(("\n".join(lines) + "\n").encode("utf-8"))
    return path


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "corp"
    folder.mkdir()
    (folder / "novel.txt").write_text("孙悟空 大闹 天宫。\n" * 50, encoding="utf-8")
    return folder


@pytest.fixture
def cache_entries(tmp_path, monkeypatch):
    """What the cache holds, in a cache of the test's own: the test workers share one, and the other
    worker's runs would change it between two looks."""
    root = str(tmp_path / "own-cache")
    os.makedirs(root)
    monkeypatch.setenv("W2VKIT_CACHE", root)
    return lambda: (
        sorted(os.listdir(root))
        + sorted(os.listdir(os.path.join(root, "corpora")) if os.path.isdir(os.path.join(root, "corpora")) else [])
    )


# ------------------------------------------------------------------ model outputs


def test_train_refuses_a_folder_of_documents_before_any_work(invoke, corpus, tmp_path, cache_entries):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "notes.txt").write_text("mine")
    (docs / "thesis.pdf").write_bytes(b"%PDF")
    before, cached = tree(docs), cache_entries()
    r = invoke(["train", corpus / "novel.txt", "-o", docs])
    assert r.exit_code == 1
    assert r.stderr == (
        f"Error: {docs}: is a directory that is not a w2vkit model (it holds 'notes.txt' and 1 more); "
        "w2vkit replaces only its own models: choose a new or empty directory\n"
    )
    assert tree(docs) == before
    assert cache_entries() == cached  # refused before segmenting


def test_train_refuses_the_folder_that_holds_several_models(invoke, corpus, tmp_path):
    models = tmp_path / "models"
    save_model(models / "a", ["x", "y"], [2, 1], np.eye(2, 3, dtype=np.float32), {})
    before = tree(models)
    r = invoke(["train", corpus, "-o", models])
    assert r.exit_code == 1
    assert r.stderr.startswith(f"Error: {models}: is a directory that is not a w2vkit model (it holds 'a');")
    assert tree(models) == before


@pytest.mark.parametrize("case", ["corpus folder as output", "folder of the input file", "inside the input folder"])
def test_train_refuses_an_output_that_is_holds_or_is_inside_an_input(invoke, corpus, case):
    inputs, output, why = {
        "corpus folder as output": (corpus, corpus, f"is the input {corpus}"),
        "folder of the input file": (corpus / "novel.txt", corpus, f"holds the input {corpus / 'novel.txt'}"),
        "inside the input folder": (corpus, corpus / "model", f"is inside the input directory {corpus}"),
    }[case]
    before = tree(corpus)
    r = invoke(["train", inputs, "-o", output])
    assert (r.exit_code, r.stderr) == (
        1,
        f"Error: {output}: {why}; write the model to a directory outside the inputs\n",
    )
    assert tree(corpus) == before


def test_import_refuses_the_folder_of_its_own_source(invoke, tmp_path):
    folder = tmp_path / "dl"
    folder.mkdir()
    source = word2vec_text(folder / "x.vec", ["a", "b"])
    before = tree(folder)
    r = invoke(["import", source, "-o", folder])
    assert (r.exit_code, r.stderr) == (
        1,
        f"Error: {folder}: holds the input {source}; write the model to a directory outside the inputs\n",
    )
    assert tree(folder) == before


def test_postprocess_refuses_a_folder_that_is_not_a_model(invoke, tmp_path):
    source = save_model(tmp_path / "m", ["x", "y", "z"], [3, 2, 1], np.eye(3, 4, dtype=np.float32), {})
    other = tmp_path / "photos"
    other.mkdir()
    (other / "cat.jpg").write_bytes(b"\xff\xd8")
    r = invoke(["postprocess", source, "-o", other, "--remove-top", "1"])
    assert r.exit_code == 1
    assert r.stderr.startswith(f"Error: {other}: is a directory that is not a w2vkit model (it holds 'cat.jpg');")
    assert tree(other) == {"cat.jpg": b"\xff\xd8"}


def test_a_model_is_replaced_by_a_new_one_and_stderr_says_so(invoke, tmp_path):
    out = tmp_path / "model"
    first = invoke(["import", word2vec_text(tmp_path / "a.vec", ["a", "b"]), "-o", out])
    assert first.exit_code == 0 and "will be replaced" not in first.stderr
    second = invoke(["import", word2vec_text(tmp_path / "b.vec", ["c", "d", "e"]), "-o", out])
    assert second.exit_code == 0
    assert second.stderr.splitlines()[0] == f"{out}: holds a w2vkit model, which will be replaced"
    assert load_model(out).words == ["c", "d", "e"]


def test_an_empty_directory_may_receive_a_model(invoke, tmp_path):
    out = tmp_path / "empty"
    out.mkdir()
    r = invoke(["import", word2vec_text(tmp_path / "a.vec", ["a", "b"]), "-o", out])
    assert r.exit_code == 0, r.stderr
    assert load_model(out).words == ["a", "b"]


# ------------------------------------------------------------------ segment outputs


def test_segment_never_writes_over_its_input_file(invoke, corpus, monkeypatch):
    monkeypatch.chdir(corpus)
    before = tree(corpus)
    r = invoke(["segment", "novel.txt", "-o", "."])
    assert (r.exit_code, r.stderr) == (
        1,
        "Error: .: holds the input novel.txt; write the segmented text to a folder outside the inputs\n",
    )
    assert tree(corpus) == before


def test_segment_refuses_its_input_folder_as_output(invoke, corpus):
    before = tree(corpus)
    r = invoke(["segment", corpus, "-o", corpus])
    assert r.exit_code == 1
    assert (
        r.stderr == f"Error: {corpus}: is the input {corpus}; write the segmented text to a folder outside the inputs\n"
    )
    assert tree(corpus) == before


def test_segment_refuses_to_overwrite_a_file_it_did_not_write(invoke, corpus, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "novel.txt").write_text("my own notes")
    r = invoke(["segment", corpus / "novel.txt", "-o", out])
    assert r.exit_code == 1
    assert r.stderr == (
        f"Error: {out / 'novel.txt'}: exists and was not written by w2vkit segment (not in "
        f"{out / 'manifest.json'}); choose a new or empty output folder\n"
    )
    assert (out / "novel.txt").read_text() == "my own notes"


def test_segment_rewrites_its_own_output(invoke, corpus, tmp_path):
    out = tmp_path / "out"
    assert invoke(["segment", corpus / "novel.txt", "-o", out, "-q"]).exit_code == 0
    first = (out / "novel.txt").read_text(encoding="utf-8")
    r = invoke(["segment", corpus / "novel.txt", "-o", out, "-q"])
    assert r.exit_code == 0, r.stderr
    assert (out / "novel.txt").read_text(encoding="utf-8") == first


def test_discovered_words_are_never_written_over_an_input(invoke, corpus, tmp_path):
    before = tree(corpus)
    r = invoke(["segment", corpus / "novel.txt", "-o", tmp_path / "out", "--discover-words", corpus / "novel.txt"])
    assert r.exit_code == 1
    assert r.stderr == (
        f"Error: {corpus / 'novel.txt'}: is the input {corpus / 'novel.txt'}; write the discovered words somewhere else\n"
    )
    assert tree(corpus) == before


def test_embed_and_export_never_write_over_their_inputs(invoke, tmp_path):
    model = save_model(tmp_path / "m", ["x", "y"], [2, 1], np.eye(2, 3, dtype=np.float32), {})
    lines = tmp_path / "lines.txt"
    lines.write_text("x y\n")
    r = invoke(["embed", lines, "-o", lines, "-m", model])
    assert (r.exit_code, r.stderr) == (1, f"Error: {lines}: is the input {lines}; write the vectors somewhere else\n")
    assert lines.read_text() == "x y\n"
    before = tree(model)
    r = invoke(["export", "-m", model, "-o", model / "vectors.npy"])
    assert r.exit_code == 1
    assert r.stderr == (
        f"Error: {model / 'vectors.npy'}: is inside the input directory {model}; write the export somewhere else\n"
    )
    assert tree(model) == before


# ------------------------------------------------------------------ imported vocabularies


@pytest.mark.parametrize("char", ["\u2028", "\r", "\x0c", "\x85", "\x1b", "\u2029"])
def test_import_refuses_words_with_line_breaks_or_controls_and_keeps_the_old_model(invoke, tmp_path, char):
    out = tmp_path / "model"
    assert invoke(["import", word2vec_text(tmp_path / "good.vec", ["a", "b", "c"]), "-o", out]).exit_code == 0
    before = tree(out)
    bad = word2vec_text(tmp_path / "bad.vec", ["a", f"b{char}b", "c"])
    r = invoke(["import", bad, "-o", out, "--text"])  # (an ESC byte makes the file look binary)
    assert r.exit_code == 1
    assert r.stderr.splitlines()[-1] == (
        f"Error: {bad}: the word of vector 2 ({'b' + char + 'b'!r}) holds the control character "
        f"U+{ord(char):04X}, which would break the model's word list; remove or replace it in the file"
    )
    assert tree(out) == before
    assert load_model(out).words == ["a", "b", "c"]


@pytest.mark.parametrize("value", ["nan", "inf", "-inf"])
def test_import_refuses_vectors_with_nan_or_infinity(invoke, tmp_path, value):
    rows = np.ones((3, 4), dtype=np.float32)
    rows[2, 1] = float(value)
    bad = word2vec_text(tmp_path / "bad.vec", ["a", "b", "c"], rows=rows)
    r = invoke(["import", bad, "-o", tmp_path / "model"])
    assert (r.exit_code, r.stderr) == (
        1,
        f"Error: {bad}: the vector of 'c' (record 3) holds NaN or infinity, which no query can score; "
        "fix or remove that record\n",
    )
    assert not (tmp_path / "model").exists()


def test_a_word_with_a_line_separator_in_a_trained_vocabulary_still_loads(tmp_path):
    words = ["a", "b\u2028c", "d\x0ce", "f\x85g"]
    path = save_model(tmp_path / "m", words, [4, 3, 2, 1], np.eye(4, 3, dtype=np.float32), {})
    assert load_model(path).words == words


# ------------------------------------------------------------------ words on a terminal


@pytest.fixture
def hostile_model(tmp_path):
    rng = np.random.default_rng(0)
    vectors = rng.standard_normal((len(HOSTILE), 8)).astype(np.float32)
    return save_model(tmp_path / "hostile", HOSTILE, np.arange(len(HOSTILE), 0, -1), vectors, {})


def test_control_characters_in_words_are_shown_escaped_in_tables(invoke, hostile_model):
    r = invoke(["similar", "abc", "-m", hostile_model])
    assert r.exit_code == 0
    assert not any(ch in r.stdout for ch in "\x1b\x07\x7f\x9b\u202e")
    for shown in ("\\x1b[2J\\x1b[H", "\\x1b]0;pwned\\x07", "x\\u202eevil", "\\x9bc", "del\\x7f"):
        assert shown in r.stdout
    info = invoke(["info", "-m", hostile_model])
    assert info.exit_code == 0
    assert "\x1b" not in info.stdout and "\\x1b[2J" in info.stdout


def test_tsv_and_json_carry_the_words_exactly(invoke, hostile_model):
    tsv = invoke(["similar", "abc", "-m", hostile_model, "--format", "tsv"]).stdout
    assert sorted(line.split("\t")[1] for line in tsv.splitlines()[1:]) == sorted(HOSTILE[1:])
    data = json.loads(invoke(["similar", "abc", "-m", hostile_model, "--format", "json"]).stdout)
    assert sorted(r["word"] for r in data["results"]) == sorted(HOSTILE[1:])


def test_an_unknown_hostile_word_in_an_error_is_escaped(invoke, hostile_model):
    r = invoke(["doesnt-match", "abc", "\x1b[2J", "zz\x1b]2;t\x07", "-m", hostile_model])
    assert r.exit_code == 1
    assert "\x1b" not in r.stderr and "\x07" not in r.stderr


@pytest.mark.parametrize(
    "args, shown",
    [
        (["info", "\x1b]0;pwned\x07"], "Error: Got unexpected extra argument (\\x1b]0;pwned\\x07)"),
        (["similar", "a", "--x\x1b[31m"], "Error: No such option '--x\\x1b[31m'."),
        (["nocmd\x1b[2J"], "Error: No such command 'nocmd\\x1b[2J'."),
        (["--bad\x1b[2J"], "Error: No such option '--bad\\x1b[2J'."),
    ],
)
def test_click_usage_errors_show_what_was_typed_escaped(invoke, args, shown):
    """click prints an unexpected argument as typed (an unknown option or command it quotes by
    repr, which escapes): every click usage error passes through the terminal's escaping."""
    r = invoke(args)
    assert (r.exit_code, r.stderr.splitlines()[-1]) == (2, shown)


def test_json_never_carries_nan(invoke, tmp_path):
    vectors = np.array([[1, 0, 0], [0, 0, 0], [0, 1, 0]], dtype=np.float32)  # a zero vector: no cosine
    model = save_model(tmp_path / "z", ["a", "b", "c"], [3, 2, 1], vectors, {})
    r = invoke(["similarity", "a", "b", "-m", model, "--format", "json"])
    assert r.exit_code == 0
    assert "NaN" not in r.stdout
    (row,) = json.loads(r.stdout)["results"]
    assert (row["a"], row["b"], row["similarity"]) == ("a", "b", None)


# ------------------------------------------------------------------ the HTML map


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.title = [], ""
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_title = tag == "title"

    def handle_endtag(self, tag):
        self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


HOSTILE_PAGE_WORDS = ["<svg/onload=alert(1)>", "__SCRIPT__", "<!--<script>", "__DATA__", "</script><b>", "a\u2028b"]


def test_the_map_page_is_filled_in_one_pass_and_data_stays_data():
    from w2vkit.pictures.webmap import render_html

    title = "__DATA__ __TITLE__ <svg/onload=alert(1)>"
    page = render_html({"title": title, "words": HOSTILE_PAGE_WORDS, "x": [0] * 6, "y": [0] * 6})
    parsed = _Elements()
    parsed.feed(page)
    assert [t for t, _ in parsed.tags if t in ("script", "svg", "b")] == ["script", "script"]
    assert parsed.title == title  # the title is text, shown as given
    data = page.split('<script id="map-data" type="application/json">', 1)[1].split("</script>", 1)[0]
    assert "<" not in data and "\u2028" not in data
    assert json.loads(data)["words"] == HOSTILE_PAGE_WORDS


@pytest.mark.browser
@pytest.mark.slow
def test_a_map_of_hostile_words_runs_no_script_of_theirs_and_still_works(tmp_path):
    from pathlib import Path

    from playwright.sync_api import sync_playwright

    from w2vkit.pictures.plotting import plot
    from w2vkit.queries.query import Engine

    if not Path("/usr/bin/chromium").exists():
        pytest.fail("needs Chromium at /usr/bin/chromium (Debian: apt-get install chromium)", pytrace=False)
    words = [*HOSTILE_PAGE_WORDS, "<img src=x onerror=alert(2)>", *[f"w{i}" for i in range(40)]]
    rng = np.random.default_rng(1)
    vectors = rng.standard_normal((len(words), 8)).astype(np.float32)
    model = save_model(tmp_path / "__DATA__<svg onload=alert(3)>", words, np.arange(len(words), 0, -1), vectors, {})
    out = tmp_path / "map.html"
    # (given as query words: a map of the most frequent words leaves out words that are not alphanumeric)
    plot(Engine(load_model(model)), out, words[:7], neighbors=10, method="pca")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1000, "height": 700})
        dialogs, errors = [], []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(out.as_uri())
        page.wait_for_selector("body[data-ready='1']")
        labelled = int(page.get_attribute("#labels", "data-labelled"))
        title = page.inner_text("#title")
        injected = page.evaluate("document.querySelectorAll('svg, img, b').length")
        page.fill("#search", "<svg/onload=alert(1)>")
        page.keyboard.press("Enter")
        page.wait_for_selector("#neighbours li")
        status = page.inner_text("#status")
        listed = page.eval_on_selector_all("#neighbours li", "lis => lis.map(li => li.dataset.word)")
        browser.close()
    assert dialogs == [] and errors == [] and injected == 0
    assert labelled > 0
    assert title.startswith("__DATA__<svg onload=alert(3)>")
    assert status.startswith("<svg/onload=alert(1)>: ")
    assert len(listed) == 10 and set(listed) <= set(words)


# ------------------------------------------------------------------ permissions through a symlink


def test_writing_through_a_symlink_keeps_the_targets_permissions(invoke, tmp_path):
    model = save_model(tmp_path / "m", ["x", "y"], [2, 1], np.eye(2, 3, dtype=np.float32), {})
    secret = tmp_path / "secret.bin"
    secret.write_bytes(b"old")
    secret.chmod(0o600)
    link = tmp_path / "link.bin"
    link.symlink_to(secret)
    r = invoke(["export", "-m", model, "-o", link])
    assert r.exit_code == 0, r.stderr
    assert link.is_symlink()
    assert secret.read_bytes().startswith(b"2 3\n")
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600


# ------------------------------------------------------------------ no hangs


@pytest.mark.parametrize("name", ["vectors.npy", "vocab.tsv", "meta.json"])
def test_a_fifo_in_place_of_a_model_file_is_refused_not_waited_on(tmp_path, name):
    model = save_model(tmp_path / "m", ["x", "y"], [2, 1], np.eye(2, 3, dtype=np.float32), {})
    (model / name).unlink()
    os.mkfifo(model / name)
    # A subprocess, so that a hang fails this test instead of stopping the suite.
    r = subprocess.run(
        [sys.executable, "-m", "w2vkit", "similar", "x", "-m", str(model)], capture_output=True, text=True, timeout=120
    )
    assert r.returncode == 1
    what = {"vectors.npy": "vectors file", "vocab.tsv": "vocabulary file", "meta.json": "model record"}[name]
    assert r.stderr == f"Error: {model / name}: the {what} is not a regular file; retrain or re-import the model\n"


@pytest.fixture(scope="module")
def long_novel(tmp_path_factory, novel_text):
    path = tmp_path_factory.mktemp("long") / "long.txt"
    path.write_text(novel_text * 30, encoding="utf-8")  # 10-20 s of segmenting on 2 cores
    return path


@pytest.mark.slow
@pytest.mark.parametrize("trial", range(6))
def test_ctrl_c_during_segment_exits_130_promptly_and_keeps_earlier_output(tmp_path, long_novel, novel_slice, trial):
    out = tmp_path / "out"
    env = dict(os.environ, W2VKIT_CACHE=str(tmp_path / "cache"))
    first = subprocess.run(
        [sys.executable, "-m", "w2vkit", "segment", str(novel_slice), "-o", str(out), "-q"], env=env, timeout=300
    )
    assert first.returncode == 0
    before = tree(out)
    proc = subprocess.Popen(
        [sys.executable, "-m", "w2vkit", "segment", str(novel_slice), str(long_novel), "-o", str(out), "-j", "2"],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, signalled as a terminal would
        preexec_fn=default_sigint,
    )
    # The moment: once the workers have written some output (trial 0), then later and later.
    staged = None
    deadline = time.monotonic() + 240
    while staged is None and time.monotonic() < deadline and proc.poll() is None:
        staged = next((p for p in out.glob(".staging-*/*.txt") if p.stat().st_size > 0), None)
        time.sleep(0.05)
    assert staged is not None, "the run never started writing"
    time.sleep(0.25 * trial)
    assert proc.poll() is None, "the run ended before it could be interrupted; make the input longer"
    os.killpg(proc.pid, signal.SIGINT)
    try:
        _, stderr = proc.communicate(timeout=60)  # a hang detector, not a speed limit
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        pytest.fail("segment did not stop within 60 s of Ctrl-C")
    assert proc.returncode == 130
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr
    assert stderr.rstrip().endswith("Interrupted; earlier results are left as they were.")
    assert tree(out) == before
    assert not list(out.glob(".staging-*"))


# ------------------------------------------------------------------ issue 34: writes through links


def linked_output(tmp_path, model, name, link_name):
    """out/LINK_NAME, a symlink to MODEL/NAME: an output the user gave that resolves into the model."""
    out = tmp_path / "out"
    out.mkdir(exist_ok=True)
    link = out / link_name
    link.symlink_to(model / name)
    return link


@pytest.mark.parametrize(
    "command, target, link_name",
    [
        (["plot", "--top", "5", "--method", "pca"], "vectors.npy", "p.png"),
        (["plot", "--top", "5", "--method", "pca"], "vocab.tsv", "x.html"),
        (["axis", "悟空", "--vs", "八戒", "-w", "唐僧"], "meta.json", "a.png"),
    ],
)
def test_pictures_never_write_through_a_link_into_the_model_they_read(
    invoke, small_model, tmp_path, command, target, link_name
):
    import shutil

    model = tmp_path / "m1"
    shutil.copytree(small_model, model)
    link = linked_output(tmp_path, model, target, link_name)
    before = tree(model)
    r = invoke([*command, "-m", model, "-o", link])
    assert (r.exit_code, r.stderr) == (
        1,
        f"Error: {link}: is inside the input directory {model.resolve()} (it links to {(model / target).resolve()}); "
        "this command reads it: write the output somewhere else\n",
    )
    assert r.stdout == ""  # refused before the scores were printed
    assert tree(model) == before


def test_embed_never_writes_through_a_link_into_its_model(invoke, small_model, tmp_path):
    import shutil

    model = tmp_path / "m1"
    shutil.copytree(small_model, model)
    text = tmp_path / "t.txt"
    text.write_text("悟空 八戒\n", encoding="utf-8")
    link = linked_output(tmp_path, model, "vectors.npy", "e.npy")
    before = tree(model)
    r = invoke(["embed", text, "-m", model, "-o", link, "--format", "npy"])
    assert r.exit_code == 1 and "this command reads it: write the output somewhere else" in r.stderr, r.stderr
    assert tree(model) == before


def test_a_links_to_elsewhere_is_still_written_through(invoke, small_model, tmp_path):
    elsewhere = tmp_path / "pictures" / "real.png"
    elsewhere.parent.mkdir()
    link = tmp_path / "p.png"
    link.symlink_to(elsewhere)
    r = invoke(["plot", "--top", "5", "--method", "pca", "-m", small_model, "-o", link])
    assert r.exit_code == 0, r.stderr
    assert link.is_symlink() and elsewhere.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_norm_cache_is_never_written_through_a_link(invoke, small_model, tmp_path, monkeypatch):
    import shutil

    import w2vkit.queries.query as query

    monkeypatch.setattr(query, "NORM_CACHE_MIN_WORDS", 10)  # the real one: 100,000 words
    from w2vkit.model.store import load_model

    monkeypatch.setenv("W2VKIT_CACHE", str(tmp_path / "cache"))  # (a cache of its own: it tampers with it)
    model = tmp_path / "m1"
    shutil.copytree(small_model, model)
    kept = load_model(model).cache_file("norms.npy")  # (the model's cache: never its folder)
    kept.parent.mkdir(parents=True)
    mine, stamp = tmp_path / "thesis.txt", tmp_path / "notes.txt"
    mine.write_text("my thesis")
    stamp.write_text("my notes")
    kept.symlink_to(mine)
    kept.with_suffix(".sha256").symlink_to(stamp)
    r = invoke(["similar", "悟空", "-m", model])
    assert r.exit_code == 0, r.stderr
    assert (mine.read_text(), stamp.read_text()) == ("my thesis", "my notes")
    assert kept.is_symlink()
    # and an ordinary cache is written, which a second query believes only while intact
    kept.unlink()
    kept.with_suffix(".sha256").unlink()
    assert invoke(["similar", "悟空", "-m", model]).exit_code == 0
    assert kept.is_file() and not kept.is_symlink() and not (model / "norms.npy").exists()
    first = invoke(["similarity", "悟空", "八戒", "-m", model, "--format", "tsv"]).stdout
    norms = np.load(kept)
    np.save(kept, norms * 100)  # tampered: the answer must not change
    assert invoke(["similarity", "悟空", "八戒", "-m", model, "--format", "tsv"]).stdout == first


# ------------------------------------------------------------------ issue 34: a run's own outputs


@pytest.mark.parametrize("inside", ["x.txt", "manifest.json", "sub/w.txt"])
def test_discovered_words_never_overwrite_the_runs_own_output(invoke, corpus, tmp_path, inside):
    out = tmp_path / "seg"
    words = out / inside
    r = invoke(["segment", corpus, "-o", out, "--discover-words", words])
    assert (r.exit_code, r.stderr) == (
        1,
        f"Error: {words}: is inside the output folder {out}, which holds the segmented text; "
        "write the discovered words somewhere else\n",
    )
    assert not out.exists()


def test_two_runs_into_one_folder_keep_both_in_the_manifest(invoke, tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("孙悟空 大闹 天宫。\n" * 20, encoding="utf-8")
    b.write_text("猪八戒 背 媳妇。\n" * 20, encoding="utf-8")
    out = tmp_path / "seg"
    assert invoke(["segment", a, "-o", out, "--no-discover"]).exit_code == 0
    assert invoke(["segment", b, "-o", out, "--no-discover"]).exit_code == 0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert [e["output"] for e in manifest["inputs"]] == ["b.txt"]
    assert [e["output"] for e in manifest["earlier"]] == ["a.txt"]
    r = invoke(["segment", a, "-o", out, "--no-discover"])  # the first command again: its own file
    assert r.exit_code == 0, r.stderr
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert sorted(e["output"] for e in manifest["inputs"] + manifest["earlier"]) == ["a.txt", "b.txt"]


def test_a_damaged_manifest_says_how_to_get_out(invoke, corpus, tmp_path):
    out = tmp_path / "seg"
    assert invoke(["segment", corpus, "-o", out, "--no-discover"]).exit_code == 0
    (out / "manifest.json").write_text('{"w2vkit_version": "0.4.0", "inputs": "broken"}')
    r = invoke(["segment", corpus, "-o", out, "--no-discover"])
    assert (r.exit_code, r.stderr) == (
        1,
        f"Error: {out / 'manifest.json'}: damaged (its list of outputs cannot be read); delete the folder's "
        "segmented files and manifest.json, or choose a new output folder\n",
    )
