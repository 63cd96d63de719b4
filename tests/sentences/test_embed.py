"""Sentence vectors and search: mean and SIF equal hand computations, a paraphrase ranks first,
raw Chinese is segmented as in training, and the path never imports gensim."""

import subprocess
import sys

import numpy as np
import pytest

from w2vkit.errors import UsageError
from w2vkit.model.store import load_model, save_model
from w2vkit.sentences.embed import Embedder, first_component, search

WORDS = ["the", "king", "monarch", "spoke", "said", "dog", "barked", "cat", "slept"]
COUNTS = np.array([1000, 50, 20, 40, 60, 30, 10, 30, 10])


def tiny_model(tmp_path):
    """Hand-made vectors: king ~ monarch and spoke ~ said point the same ways; dog/cat elsewhere."""
    v = {
        "the": [1, 1, 1, 1],
        "king": [5, 0.3, 0, 0],
        "monarch": [4.5, 0.5, 0.2, 0],
        "spoke": [0, 5, 0.2, 0],
        "said": [0.3, 4.8, 0, 0],
        "dog": [0, 0, 5, 0.5],
        "barked": [0, 0.2, 0.5, 5],
        "cat": [0, 0, 4, 2],
        "slept": [0.5, 0, 0, 4],
    }
    vectors = np.array([v[w] for w in WORDS], dtype=np.float32)
    return load_model(save_model(tmp_path / "tiny", WORDS, COUNTS, vectors, {})), vectors


def test_mean_is_the_average_of_unit_vectors(tmp_path):
    model, vectors = tiny_model(tmp_path)
    out = Embedder(model, "mean").embed(["the king spoke", "king unknownword", "nothing known here"])
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    assert np.allclose(out.vectors[0], unit[[0, 1, 3]].mean(axis=0), atol=1e-6)
    assert np.allclose(out.vectors[1], unit[1], atol=1e-6)
    assert not out.vectors[2].any() and out.empty == [2]
    assert out.unknown == 4 and out.tokens[1] == ["king"]


def test_sif_weights_and_removes_the_first_component(tmp_path):
    model, vectors = tiny_model(tmp_path)
    texts = ["the king spoke", "the dog barked", "the cat slept", "a monarch said"]
    out = Embedder(model, "sif").embed(texts)
    p = COUNTS / COUNTS.sum()
    weight = 1e-3 / (1e-3 + p)
    index = {w: i for i, w in enumerate(WORDS)}
    raw = np.array(
        [np.mean([weight[index[w]] * vectors[index[w]] for w in t.split() if w in index], axis=0) for t in texts]
    )
    u = np.linalg.svd(raw, full_matrices=False)[2][0]
    expected = raw - np.outer(raw @ u, u)
    assert np.allclose(out.vectors, expected, atol=1e-5)
    assert np.allclose(np.abs(out.component), np.abs(u), atol=1e-5)
    # a given component is used as it is (search embeds its query with the lines' component)
    again = Embedder(model, "sif").embed(["the king spoke"], component=out.component)
    assert np.allclose(again.vectors[0], expected[0], atol=1e-5)


def test_first_component_needs_two_rows():
    assert first_component(np.ones((1, 3))) is None


@pytest.mark.parametrize("method", ["mean", "sif"])
def test_search_ranks_the_paraphrase_first(tmp_path, method):
    model, _ = tiny_model(tmp_path)
    lines = ["the dog barked", "the monarch said", "", "the cat slept"]
    found = search(Embedder(model, method), "the king spoke", lines, top=3)
    hits = found.hits
    assert [h.line for h in hits][0] == 2 and hits[0].text == "the monarch said"
    assert hits[0].score > hits[1].score
    assert 3 not in [h.line for h in hits] and (found.lines, found.empty) == (4, 1)  # a blank line is never a hit
    with pytest.raises(UsageError, match="no word of 'zzz' is in the model"):
        search(Embedder(model, method), "zzz", lines)


def test_raw_chinese_is_segmented_as_the_model_was_trained(small_model):
    model = load_model(small_model)
    embedder = Embedder(model, "mean")
    ids, unknown, composed = embedder.tokens("行者笑道：“师父，八戒来了。”")
    words = [model.words[i] for i in ids]
    assert {"行者", "师父", "八戒"} <= set(words) and unknown == 0 and composed == []


def test_cli_embed_formats_agree(invoke, small_model, tmp_path):
    import json

    src = tmp_path / "lines.txt"
    src.write_text("行者笑道\n\n八戒与沙僧\n", encoding="utf-8")
    r = invoke(["embed", src, "-m", small_model, "--format", "npy", "-o", tmp_path / "v.npy", "--method", "mean"])
    assert r.exit_code == 0, r.stderr
    unknown = Embedder(load_model(small_model), "mean").embed(src.read_text(encoding="utf-8").splitlines()).unknown
    assert r.stderr.endswith(
        f"embedded 3 lines (mean, 32 dimensions); {unknown} unknown token{'s' if unknown != 1 else ''} left out, "
        "1 line with no known word\n"
    )
    matrix = np.load(tmp_path / "v.npy", allow_pickle=False)
    assert matrix.shape == (3, 32) and matrix.dtype == np.float32 and not matrix[1].any()
    tsv = invoke(["embed", src, "-m", small_model, "--method", "mean", "-q"]).stdout
    assert np.allclose(np.array([[float(x) for x in line.split("\t")] for line in tsv.splitlines()]), matrix, atol=1e-5)
    js = invoke(["embed", src, "-m", small_model, "--method", "mean", "--format", "json", "-q"]).stdout
    assert np.allclose(np.array(json.loads(js)), matrix, atol=1e-5)


def test_cli_search(invoke, small_model, tmp_path):
    src = tmp_path / "lines.txt"
    src.write_text("八戒吃了西瓜\n唐僧念经\n行者打妖精\n", encoding="utf-8")
    r = invoke(["search", "行者打死了妖精", "--in", src, "-m", small_model, "--format", "tsv", "-n", "3", "-q"])
    assert r.exit_code == 0, r.stderr
    rows = [line.split("\t") for line in r.stdout.splitlines()[1:]]
    assert len(rows) == 3 and rows[0][2] == "行者打妖精"


def test_the_embedding_path_never_imports_gensim(small_model):
    code = (
        "import sys\n"
        "from w2vkit.sentences.embed import Embedder, search\n"
        "from w2vkit.model.store import load_model\n"
        f"m = load_model({str(small_model)!r})\n"
        "search(Embedder(m, 'sif'), '行者', ['行者笑道', '八戒'])\n"
        "assert 'gensim' not in sys.modules, 'gensim was imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_cli_search_reads_a_builtin_corpus_by_name(invoke, small_model):
    r = invoke(["search", "行者", "--in", "xiyouji", "-m", small_model, "-n", "2"])
    assert r.exit_code == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].split() == ["line", "score", "text"] and len(lines) == 4
    assert r.stderr.startswith("searched ") and "blank or with no known word" in r.stderr


def random_lines(n, seed=0):
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(WORDS) + 2, size=(n, 4))  # +2: unknown words and blanks
    vocab = WORDS + ["zzz", ""]
    return [" ".join(vocab[i] for i in row).strip() for row in picks]


def brute_force(embedder, query, lines, top, component_lines=None):
    """All lines embedded at once, as search did before it streamed."""
    raw, blank = embedder.raw_vectors(lines)
    component = None
    if embedder.method == "sif":
        known = [i for i in range(len(lines)) if i not in set(blank)][:component_lines]
        component = first_component(raw[known])
        raw = raw - np.outer(raw @ component, component)
    q = embedder.embed([query], component=component).vectors[0]
    norms = np.linalg.norm(raw, axis=1) * np.linalg.norm(q)
    scores = np.where(norms > 0, raw @ q / np.maximum(norms, 1e-12), -np.inf)
    order = np.argsort(-scores, kind="stable")[:top]
    return [(int(i) + 1, round(float(scores[i]), 5)) for i in order if np.isfinite(scores[i])]


@pytest.mark.parametrize("method", ["mean", "sif"])
def test_streamed_search_equals_the_whole_file_at_once(tmp_path, monkeypatch, method):
    import w2vkit.sentences.embed as embed

    model, _ = tiny_model(tmp_path)
    embedder = Embedder(model, method)
    lines = random_lines(2_500)
    monkeypatch.setattr(embed, "SEARCH_CHUNK_LINES", 97)  # many chunks, cut anywhere
    found = search(embedder, "the king spoke", iter(lines), top=15)
    assert [(h.line, round(h.score, 5)) for h in found.hits] == brute_force(embedder, "the king spoke", lines, 15)
    assert all(h.text == lines[h.line - 1] for h in found.hits)
    assert found.lines == 2_500 and found.empty == len(embedder.raw_vectors(lines)[1])
    # past SIF_COMPONENT_LINES, the component comes from the first lines with a known word
    monkeypatch.setattr(embed, "SIF_COMPONENT_LINES", 300)
    found = search(embedder, "the king spoke", iter(lines), top=15)
    expected = brute_force(embedder, "the king spoke", lines, 15, component_lines=300)
    assert [(h.line, round(h.score, 5)) for h in found.hits] == expected
    if method == "sif":
        raw, blank = embedder.raw_vectors(lines)
        first_known = np.delete(raw, blank, axis=0)[:300]
        assert found.component_lines == 300
        assert np.allclose(np.abs(found.component), np.abs(first_component(first_known)), atol=1e-6)


def test_search_memory_does_not_grow_with_the_file(tmp_path, monkeypatch):
    import tracemalloc

    import w2vkit.sentences.embed as embed

    model, _ = tiny_model(tmp_path)
    embedder = Embedder(model, "sif")
    monkeypatch.setattr(embed, "SIF_COMPONENT_LINES", 500)
    monkeypatch.setattr(embed, "SEARCH_CHUNK_LINES", 1_000)
    peaks = []
    for n in (5_000, 50_000):
        lines = (line for line in random_lines(n, seed=n))  # consumed once, never all held
        tracemalloc.start()
        search(embedder, "king", lines, top=10)
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    # the lines themselves are made up front (random_lines), so the growth measured is search's
    assert peaks[1] < 1.5 * peaks[0], peaks
