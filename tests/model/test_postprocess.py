"""Post-processing: all-but-the-top against scikit-learn's PCA, w+c against the gensim state, the
`postprocess` command on trained and imported models, and what train records."""

import json

import numpy as np
import pytest

from w2vkit.errors import ModelError, UsageError
from w2vkit.model.postprocess import Steps, add_context, postprocess_model, remove_top
from w2vkit.model.store import load_model


def _random_vectors(rows=500, dim=20, seed=0):
    rng = np.random.default_rng(seed)
    # a shared offset and two dominant directions, as trained word vectors have
    common = rng.normal(size=(2, dim)) * 3
    return (rng.normal(size=(rows, dim)) + rng.normal(size=(rows, 2)) @ common + 2.0).astype(np.float32)


def test_remove_top_matches_sklearn_pca():
    from sklearn.decomposition import PCA

    x = _random_vectors()
    pca = PCA(n_components=3).fit(x)
    centred = x - pca.mean_
    expected = centred - centred @ pca.components_.T @ pca.components_
    got = remove_top(x, 3)
    np.testing.assert_allclose(got, expected, atol=1e-3)  # float32 on values ~10
    assert np.abs(got.mean(axis=0)).max() < 1e-4
    assert np.abs(got @ pca.components_.T).max() < 1e-3


def test_blocks_and_in_place_give_the_same_vectors(monkeypatch):
    """Both steps work in blocks of rows (memory); with blocks of 7 rows, not dividing the 500,
    the results equal the whole-array formulas, and the input is left alone unless in_place."""
    import w2vkit.model.postprocess as post

    w, c = _random_vectors(seed=3), _random_vectors(seed=4)
    monkeypatch.setattr(post, "_BLOCK", 7)
    assert len(w) % 7
    unit = w / np.linalg.norm(w, axis=1, keepdims=True) + c / np.linalg.norm(c, axis=1, keepdims=True)
    np.testing.assert_allclose(post.add_context(w, c), unit, rtol=1e-5, atol=1e-6)
    before = w.copy()
    whole = w - w.mean(axis=0)
    _, vecs = np.linalg.eigh(whole.T.astype(np.float64) @ whole)
    top = vecs[:, ::-1][:, :2]
    expected = whole - whole @ top @ top.T
    np.testing.assert_allclose(post.remove_top(w, 2), expected, atol=1e-3)
    np.testing.assert_array_equal(w, before)  # not in place: untouched
    owned = w.copy()
    assert post.remove_top(owned, 2, in_place=True) is owned
    np.testing.assert_allclose(owned, expected, atol=1e-3)


def test_remove_top_zero_only_centres_and_too_many_is_refused():
    x = _random_vectors()
    np.testing.assert_allclose(remove_top(x, 0), x - x.mean(axis=0), atol=1e-5)
    with pytest.raises(UsageError, match="only 20 dimensions"):
        remove_top(x, 20)


def test_add_context_is_the_sum_of_unit_rows():
    w, c = _random_vectors(seed=1), _random_vectors(seed=2)
    got = add_context(w, c)
    i = 17
    expected = w[i] / np.linalg.norm(w[i]) + c[i] / np.linalg.norm(c[i])
    np.testing.assert_allclose(got[i], expected, rtol=1e-5)


def test_postprocess_model_adds_the_gensim_context_vectors(small_model, tmp_path):
    from gensim.models import Word2Vec

    out, meta = postprocess_model(small_model, tmp_path / "wc", Steps(add_context=True, remove_top=1))
    source = load_model(small_model)
    gensim_model = Word2Vec.load(str(small_model / "gensim" / "model"))
    assert list(gensim_model.wv.index_to_key) == source.words
    expected = remove_top(add_context(gensim_model.wv.vectors, gensim_model.syn1neg), 1)
    result = load_model(out, verify=True)
    np.testing.assert_allclose(np.asarray(result.vectors), expected, atol=1e-5)
    assert result.meta["postprocess"] == [{"step": "add_context"}, {"step": "remove_top", "components": 1}]
    assert result.meta["postprocessed_from"]["vectors_sha256"] == source.meta["vectors_sha256"]
    assert result.words == source.words
    # the new model has no training state: adding context again is refused, before or after
    with pytest.raises(UsageError, match="already added"):
        postprocess_model(out, tmp_path / "again", Steps(add_context=True))


def test_postprocess_needs_a_step_and_another_directory(small_model):
    with pytest.raises(UsageError, match="nothing to do"):
        postprocess_model(small_model, small_model.parent / "x", Steps())
    with pytest.raises(UsageError, match="is the model being read"):
        postprocess_model(small_model, small_model, Steps(remove_top=1))


def test_imported_model_has_no_context_but_can_lose_its_top(small_model, tmp_path, invoke):
    exported = tmp_path / "small.txt"
    assert invoke(["export", "-m", small_model, "--format", "word2vec-txt", "-o", exported]).exit_code == 0
    assert invoke(["import", exported, "-o", tmp_path / "imported"]).exit_code == 0
    with pytest.raises(ModelError, match="has no context vectors"):
        postprocess_model(tmp_path / "imported", tmp_path / "wc", Steps(add_context=True))
    r = invoke(["postprocess", tmp_path / "imported", "-o", tmp_path / "abtt", "--remove-top", "2"])
    assert r.exit_code == 0, r.output
    assert r.stderr.startswith("remove top 2: ")
    imported = load_model(tmp_path / "imported")
    np.testing.assert_allclose(
        load_model(tmp_path / "abtt").vectors, remove_top(np.asarray(imported.vectors), 2), atol=1e-5
    )


def test_cli_postprocess_errors(small_model, tmp_path, invoke):
    r = invoke(["postprocess", small_model, "-o", tmp_path / "x"])
    assert r.exit_code == 2
    assert r.stderr == "Error: nothing to do: give --add-context and/or --remove-top N\n"
    r = invoke(["postprocess", tmp_path / "missing", "-o", tmp_path / "x", "--remove-top", "1"])
    assert r.exit_code == 1
    assert "missing" in r.stderr and r.stderr.count("\n") == 1


def test_train_records_postprocess_and_info_shows_it(novel_slice, tmp_path, invoke):
    out = tmp_path / "m"
    args = ["train", novel_slice, "-o", out, "--dim", "16", "--epochs", "2", "--no-subwords", "--seed", "3"]
    assert invoke([*args, "--add-context", "--remove-top", "1"]).exit_code == 0
    meta = json.loads((out / "meta.json").read_text())
    assert meta["postprocess"] == [{"step": "add_context"}, {"step": "remove_top", "components": 1}]
    assert meta["hyperparameters"]["add_context"] is True
    assert "postprocess add context, remove top 1" in invoke(["info", "-m", out]).output
    # small corpora keep the raw vectors by default
    assert invoke([*args, "-o", tmp_path / "plain"]).exit_code == 0
    assert json.loads((tmp_path / "plain" / "meta.json").read_text())["postprocess"] == []


def test_large_corpus_defaults_postprocess_unless_there_are_no_context_vectors():
    from w2vkit.training.trainoptions import LARGE_CORPUS, TrainOptions

    large = TrainOptions().resolved(5_000_000, "en")
    assert (large.add_context, large.remove_top) == (LARGE_CORPUS.add_context, LARGE_CORPUS.remove_top)
    # the faster learning rate is CBOW's: skip-gram keeps gensim's, small corpora too
    assert large.alpha == LARGE_CORPUS.cbow_alpha
    assert TrainOptions(arch="skipgram").resolved(5_000_000, "en").alpha is None
    assert TrainOptions().resolved(300_000, "zh").alpha is None
    assert TrainOptions(hs=True, negative=0).resolved(5_000_000, "en").add_context is False
    assert TrainOptions().resolved(300_000, "zh").postprocess.describe() == []
    with pytest.raises(UsageError, match="hierarchical softmax has no context"):
        TrainOptions(hs=True, negative=0, add_context=True)


@pytest.mark.parametrize("method", ["ppmi", "hybrid"])
def test_context_vectors_of_a_count_or_hybrid_model_are_refused_in_one_line(invoke, novel_slice, tmp_path, method):
    from w2vkit.training.trainer import train
    from w2vkit.training.trainoptions import TrainOptions

    model = tmp_path / method
    train([str(novel_slice)], model, TrainOptions(dim=8, epochs=1, count_dim=8, method=method, subwords=False))
    r = invoke(["postprocess", model, "--add-context", "-o", tmp_path / "out"])
    assert (r.exit_code, r.stderr) == (
        2,
        f"Error: {model}: a {method} model's vectors are not word2vec's alone, so word2vec's context vectors "
        "cannot be added; train with --method word2vec --add-context, or use --remove-top only\n",
    )
    assert not (tmp_path / "out").exists()
