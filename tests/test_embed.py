"""Sentence vectors and search: mean and SIF equal hand computations, a paraphrase ranks first,
raw Chinese is segmented as in training, and the path never imports gensim."""

import subprocess
import sys

import numpy as np
import pytest

from w2vkit.embed import Embedder, first_component, search
from w2vkit.errors import UsageError
from w2vkit.store import load_model, save_model

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
    hits, embedded = search(Embedder(model, method), "the king spoke", lines, top=3)
    assert [h.line for h in hits][0] == 2 and hits[0].text == "the monarch said"
    assert hits[0].score > hits[1].score
    assert 3 not in [h.line for h in hits] and embedded.empty == [2]  # the blank line is never a hit
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
        "from w2vkit.embed import Embedder, search\n"
        "from w2vkit.store import load_model\n"
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
