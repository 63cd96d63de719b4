"""Queries: equal to gensim's KeyedVectors on the same vectors, unknown words, CLI, shell."""

import json
import subprocess
import sys

import numpy as np
import pytest

from w2vkit.errors import UnknownWordError
from w2vkit.model.store import load_model


@pytest.fixture(scope="module")
def kv(small_model):
    from gensim.models import KeyedVectors

    model = load_model(small_model)
    kv = KeyedVectors(model.dim)
    kv.add_vectors(model.words, np.asarray(model.vectors))
    return kv


TIE = 1e-5  # float32 dot products by numpy (here) and BLAS (gensim) differ in the 7th digit


def assert_same(ours, theirs, query=""):
    """Same scores within TIE and the same words in the same order; two words may only trade
    places where their scores tie (differ by less than TIE)."""

    def show(results):
        return " ".join(f"{w}:{s:.6f}" for w, s in results)

    message = f"{query}\n  w2vkit: {show(ours)}\n  gensim: {show(theirs)}"
    assert len(ours) == len(theirs), message
    for (w1, s1), (w2, s2) in zip(ours, theirs):
        assert abs(s1 - s2) < TIE, message
        if w1 != w2:  # a tie at this rank: both words must score the same on both sides
            assert abs(dict(theirs).get(w1, s1) - s2) < TIE or abs(s1 - s2) < TIE, message


def test_the_fixture_model_is_well_spread(engine):
    """The cross-checks mean little on near-parallel vectors (ties everywhere): the fixture model
    must be trained so that its words point in different directions."""
    unit = np.asarray(engine.unit[:2000], dtype=np.float64)
    n = len(unit)
    mean_cosine = ((unit @ unit.T).sum() - n) / (n * n - n)
    assert mean_cosine < 0.6, f"mean cosine of the 2,000 most frequent words is {mean_cosine:.3f}"


def test_most_similar_equals_gensim_on_random_queries(engine, kv):
    rng = np.random.default_rng(0)
    words = engine.model.words[:2000]
    for _ in range(60):
        pos = list(rng.choice(words, size=rng.integers(1, 4), replace=False))
        neg = list(rng.choice(words, size=rng.integers(0, 2), replace=False))
        neg = [w for w in neg if w not in pos]
        restrict = int(rng.choice([0, 500, 3000])) or None
        query = f"+{pos} -{neg} restrict_vocab={restrict}"
        assert_same(
            engine.most_similar(pos, neg, topn=10, restrict_vocab=restrict),
            kv.most_similar(positive=pos, negative=neg, topn=10, restrict_vocab=restrict),
            query,
        )
        assert_same(
            engine.most_similar_cosmul(pos, neg, topn=10),
            kv.most_similar_cosmul(positive=pos, negative=neg, topn=10),
            "cosmul " + query,
        )


def test_vectors_as_query_terms_equal_gensim(engine, kv):
    """Vectors in place of words, as gensim's most_similar takes them (here at unit length, where
    the two agree: w2vkit takes every term at unit length, gensim a given vector as it is)."""
    from w2vkit.errors import UsageError

    rng = np.random.default_rng(1)
    words = engine.model.words[:2000]
    for _ in range(20):
        vector = rng.normal(size=engine.model.dim).astype(np.float32)
        vector /= np.linalg.norm(vector)
        word = str(rng.choice(words))
        assert_same(engine.most_similar(vector, topn=10), kv.most_similar(positive=[vector], topn=10), "a vector")
        assert_same(
            engine.most_similar([word, vector], topn=10),
            kv.most_similar(positive=[word, vector], topn=10),
            f"{word} + a vector",
        )
    # a word's own vector answers as the word does, but keeps the word itself (it has no row to leave out)
    row = engine.model.index[words[5]]
    by_vector = engine.most_similar(np.asarray(engine.vectors[row]), topn=11)
    assert by_vector[0][0] == words[5]
    assert_same(by_vector[1:], engine.most_similar(words[5], topn=10), "a word's own vector")  # (to rounding)
    for bad in (np.zeros(engine.model.dim), np.ones(3), np.full(engine.model.dim, np.nan)):
        with pytest.raises(UsageError, match=f"vector 1: a query vector is {engine.model.dim} finite numbers"):
            engine.most_similar([bad])
    with pytest.raises(TypeError, match="must hold words \\(str\\) or vectors"):
        engine.most_similar(["行者", 3])


def test_nearest_is_gensims_most_similar_with_every_score_when_topn_is_none(engine, kv):
    """The one nearest call: with topn=None, gensim's array of every word's similarity (restricted
    to the first words as gensim's restrict_vocab), and every candidate ranked; a vector of any
    length answers as its unit vector."""
    rng = np.random.default_rng(2)
    for word, restrict in (("行者", None), ("师父", 800)):
        found = engine.nearest(word, None, restrict=restrict)
        theirs = kv.most_similar(positive=[word], topn=None, restrict_vocab=restrict)
        np.testing.assert_allclose(found.scores, theirs, atol=TIE)
        row = engine.model.index[word]
        assert row not in found.rows and len(found.rows) == (restrict or len(engine.model)) - 1 == found.candidates
        assert_same(found.pairs[:10], kv.most_similar(positive=[word], topn=10, restrict_vocab=restrict), word)
    vector = rng.normal(size=engine.model.dim).astype(np.float32)
    assert_same(
        engine.nearest(3 * vector, 10).pairs, kv.most_similar(positive=[vector / np.linalg.norm(vector)], topn=10)
    )


def test_nearest_leaves_out_rows_masks_and_rare_words_and_counts_those_hidden(engine):
    counts = np.asarray(engine.model.counts)
    plain = engine.nearest("行者", 10)
    gone = set(plain.rows[:3])
    assert engine.nearest("行者", 10, exclude=gone).rows == [
        r for r in engine.nearest("行者", 13).rows if r not in gone
    ]
    mask = np.zeros(len(engine.model), bool)
    mask[list(gone)] = True
    assert engine.nearest("行者", 10, exclude=mask).rows == engine.nearest("行者", 10, exclude=gone).rows
    floor = int(np.median(counts[plain.rows])) + 1
    floored = engine.nearest("行者", 10, min_count=floor)
    assert floored.hidden == int((counts[plain.rows] < floor).sum()) > 0
    assert all(counts[r] >= floor for r in floored.rows) and len(floored.rows) == 10
    every = engine.nearest("行者", None, min_count=floor)
    assert every.candidates == int((counts >= floor).sum()) - (counts[engine.model.index["行者"]] >= floor)
    assert engine.nearest("行者", 0).rows == [] and len(engine.nearest("行者", 0).scores) == len(engine.model)
    from w2vkit.errors import OptionError

    with pytest.raises(OptionError, match="hubness must be one of none, csls, not 'hubs'"):
        engine.nearest("行者", 5, hubness="hubs")


def test_similarity_and_doesnt_match_equal_gensim(engine, kv):
    rng = np.random.default_rng(1)
    words = engine.model.words[:3000]
    for _ in range(50):
        a, b = rng.choice(words, 2, replace=False)
        assert abs(engine.similarity(a, b) - kv.similarity(a, b)) < 1e-5
        group = list(rng.choice(words, 5, replace=False))
        assert engine.doesnt_match(group)[0] == kv.doesnt_match(group)


def test_analogy_order_is_a_plus_b_minus_c(engine, kv):
    assert_same(engine.analogy("行者", "八戒", "悟空"), kv.most_similar(positive=["行者", "八戒"], negative=["悟空"]))


def test_query_path_never_imports_gensim(small_model, invoke):
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from w2vkit.cli import cli\n"
        f"r = CliRunner().invoke(cli, ['similar', '行者', '-m', {str(small_model)!r}])\n"
        "assert r.exit_code == 0, r.output\n"
        "r = CliRunner().invoke(cli, ['analogy', '行者', '八戒', '悟空', '-m', " + repr(str(small_model)) + "])\n"
        "assert r.exit_code == 0, r.output\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('gensim', 'jieba', 'sklearn', 'matplotlib', 'scipy')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_unknown_word_below_min_count(engine):
    word, count = next(iter(engine.model.dropped_counts().items()))
    with pytest.raises(UnknownWordError) as e:
        engine.most_similar([word])
    assert str(e.value).startswith(
        f"{word!r} is not in the model (seen {count} time{'s' if count > 1 else ''} in the corpus, below "
        f"min_count 3; retrain with min_count {count} to keep it)"
    )


def test_unknown_word_never_seen_is_explained_with_close_words(engine):
    with pytest.raises(UnknownWordError) as e:
        engine.similarity("孙悟空闻", "行者")
    msg = str(e.value)
    assert msg.startswith(
        "'孙悟空闻' is not in the model (never seen in the corpus; the segmenter splits it "
        "into 孙悟空 / 闻); close words: 孙悟空"
    )


def test_cli_similar_formats(invoke, small_model, engine):
    expected = engine.most_similar(["行者"], topn=3)
    table = invoke(["similar", "行者", "-n", "3", "-m", small_model])
    assert table.exit_code == 0
    assert table.stdout.splitlines()[2].split()[:2] == ["1", expected[0][0]]
    tsv = invoke(["similar", "行者", "-n", "3", "-m", small_model, "--format", "tsv"]).stdout
    assert tsv.splitlines()[0] == "rank\tword\tsimilarity\tcount"
    assert [line.split("\t")[1] for line in tsv.splitlines()[1:]] == [w for w, _ in expected]
    # every row carries its word's count in the corpus
    model = engine.model
    assert [int(line.split("\t")[3]) for line in tsv.splitlines()[1:]] == [
        int(model.counts[model.index[w]]) for w, _ in expected
    ]
    data = json.loads(invoke(["similar", "行者", "--minus", "八戒", "-m", small_model, "--format", "json"]).stdout)
    assert data["positive"] == ["行者"] and data["negative"] == ["八戒"] and len(data["results"]) == 10
    # and what made them: the model, its vectors' checksum, the version and the call's options
    made = data["provenance"]
    assert made["model"] == str(small_model) and made["vectors_sha256"] == model.meta["vectors_sha256"]
    assert made["options"]["topn"] == 10 and made["members"] == 0


def test_cli_similarity_analogy_doesnt_match(invoke, small_model, engine):
    r = invoke(["similarity", "行者", "八戒", "悟空", "三藏", "-m", small_model, "--format", "tsv"])
    rows = [line.split("\t") for line in r.stdout.splitlines()[1:]]
    assert [(a, b) for a, b, *_ in rows] == [("行者", "八戒"), ("悟空", "三藏")]
    assert abs(float(rows[0][2]) - engine.similarity("行者", "八戒")) < 1e-4
    index, counts = engine.model.index, engine.model.counts
    assert rows[0][3:] == [str(counts[index["行者"]]), str(counts[index["八戒"]]), "false"]  # counts, composed
    r = invoke(["analogy", "行者", "八戒", "悟空", "-m", small_model])
    best = engine.analogy("行者", "八戒", "悟空")[0]
    assert r.stderr.startswith(f"行者 + 八戒 − 悟空 ≈ {best[0]} ")
    r = invoke(["doesnt-match", "行者", "八戒", "悟空", "三藏", "-m", small_model, "--format", "json"])
    assert json.loads(r.stdout)["doesnt_match"] == engine.doesnt_match(["行者", "八戒", "悟空", "三藏"])[0]


def test_cli_errors(invoke, small_model, tmp_path, monkeypatch):
    r = invoke(["similarity", "行者", "-m", small_model])
    assert r.exit_code == 2 and "give words in pairs" in r.stderr
    r = invoke(["similar", "zzzq", "-m", small_model])
    assert (r.exit_code, r.stderr) == (1, "Error: 'zzzq' is not in the model (never seen in the corpus)\n")
    monkeypatch.delenv("W2VKIT_MODEL", raising=False)
    monkeypatch.chdir(tmp_path)
    r = invoke(["similar", "行者"])
    assert (r.exit_code, r.stderr) == (
        1,
        "Error: no model given and none under models/; train one with "
        "`w2vkit train CORPUS` or pass --model DIR (or set W2VKIT_MODEL)\n",
    )


def test_a_word_cut_by_max_vocab_is_explained_as_such(tmp_path):
    """Frequent enough but beyond the capped vocabulary: --min-count would not bring it back (37.10)."""
    import numpy as np

    from w2vkit.errors import UnknownWordError
    from w2vkit.model.store import load_model, save_model
    from w2vkit.queries.query import Engine

    meta = {"hyperparameters": {"min_count": 5, "max_vocab": 3}, "corpus": {"inputs": [], "tokens": 100}}
    vectors = np.eye(3, dtype=np.float32)
    path = save_model(tmp_path / "m", ["a", "b", "c"], [90, 80, 70], vectors, meta, dropped={"d": 60, "e": 2})
    engine = Engine(load_model(path))
    with pytest.raises(UnknownWordError) as cut:
        engine.index_of("d")
    assert "the vocabulary keeps only the 3 most frequent words (max_vocab); retrain with a larger max_vocab" in str(
        cut.value
    )
    with pytest.raises(UnknownWordError) as rare:
        engine.index_of("e")
    assert "below min_count 5; retrain with min_count 2 to keep it" in str(rare.value)
    # the command line names its flags (the library its parameters): w2vkit.cli.output.flag_names
    assert rare.value.named(lambda p: "--" + p.replace("_", "-")).endswith("retrain with --min-count 2 to keep it)")
