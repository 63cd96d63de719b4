"""The count model (PPMI + SVD): counts, PPMI and factorisation against hand computations and
scipy/numpy, the hybrid's combination, and `train --method ppmi|hybrid` end to end."""

import json
from collections import defaultdict

import numpy as np
import pytest

from w2vkit.base.choices import NARROW_COUNT_SETTINGS
from w2vkit.errors import UsageError
from w2vkit.model.store import load_model
from w2vkit.training.countmodel import (
    CountOptions,
    combine,
    cooccurrences,
    dirichlet_ppmi,
    distance_weights,
    factorize,
    ppmi,
    train_count_model,
    vocabulary,
)

LINES = ["a b c a d", "b c d e", "a a b x c", "e d c b a"]


@pytest.fixture
def tiny_corpus(tmp_path):
    path = tmp_path / "corpus.txt"
    path.write_text("\n".join(LINES) + "\n", encoding="utf-8")
    return path


def brute_force_counts(lines, index, window, weighting):
    weights = distance_weights(window, weighting)
    counts = defaultdict(float)
    for line in lines:
        ids = [index[t] for t in line.split() if t in index]  # unknown tokens removed first
        for i, a in enumerate(ids):
            for j in range(max(0, i - window), min(len(ids), i + window + 1)):
                if j != i:
                    counts[a, ids[j]] += weights[abs(i - j) - 1]
    return counts


@pytest.mark.parametrize("weighting", ["harmonic", "linear", "flat"])
@pytest.mark.parametrize("window", [1, 2, 5])
def test_cooccurrences_equal_a_brute_force_count(tiny_corpus, window, weighting):
    words = ["a", "b", "c", "d", "e"]  # x is not in the vocabulary
    index = {w: i for i, w in enumerate(words)}
    matrix = cooccurrences(tiny_corpus, index, window, weighting).toarray()
    expected = np.zeros((5, 5))
    for (i, j), v in brute_force_counts(LINES, index, window, weighting).items():
        expected[i, j] = v
    np.testing.assert_allclose(matrix, expected)
    np.testing.assert_allclose(matrix, matrix.T)


def test_cooccurrences_in_blocks_equal_one_pass(tiny_corpus, monkeypatch, tmp_path):
    import w2vkit.training.countmodel as cm

    big = tmp_path / "big.txt"
    big.write_text("\n".join(LINES * 50) + "\n")
    index = {w: i for i, w in enumerate("abcde")}
    whole = cooccurrences(big, index, 3).toarray()
    monkeypatch.setattr(cm, "BLOCK_TOKENS", 7)  # many small blocks
    np.testing.assert_array_equal(cooccurrences(big, index, 3).toarray(), whole)  # integer sums: exact


def test_several_windows_in_one_pass_equal_a_brute_force_count_each(tiny_corpus, monkeypatch):
    """The model's count part and its views are counted in one pass: each matrix is the count of
    its own window and weighting."""
    import w2vkit.training.countmodel as cm

    index = {w: i for i, w in enumerate("abcde")}
    windows = [(8, "harmonic"), (16, "flat"), (2, "harmonic"), (1, "linear")]
    monkeypatch.setattr(cm, "BLOCK_TOKENS", 5)
    for (window, weighting), matrix in zip(windows, cm.cooccurrences_for(tiny_corpus, index, windows)):
        expected = np.zeros((5, 5))
        for (i, j), v in brute_force_counts(LINES, index, window, weighting).items():
            expected[i, j] = v
        np.testing.assert_allclose(matrix.toarray(), expected, rtol=1e-6)


def test_ppmi_equals_its_formula():
    import scipy.sparse as sp

    rng = np.random.default_rng(0)
    dense = rng.integers(0, 6, size=(6, 6)).astype(float)
    dense = dense + dense.T
    got = ppmi(sp.csr_matrix(dense), smoothing=0.75, shift=2.0).toarray()
    row = dense.sum(axis=1, keepdims=True)
    col = dense.sum(axis=0, keepdims=True) ** 0.75
    with np.errstate(divide="ignore"):
        expected = np.log(dense / (row * col / col.sum())) - np.log(2.0)
    expected = np.where(dense > 0, np.maximum(expected, 0), 0)
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


def dense_dirichlet_ppmi(dense, pseudo, shift=1.0):
    """The dense reference: every cell + pseudo, then PPMI."""
    smoothed = dense + pseudo
    total = smoothed.sum()
    row = smoothed.sum(axis=1, keepdims=True)
    return np.maximum(np.log(smoothed * total / (row * row.T)) - np.log(shift), 0)


@pytest.mark.parametrize("pseudo", [1e-4, 0.01, 1.0])
def test_dirichlet_ppmi_equals_the_dense_matrix(pseudo):
    import scipy.sparse as sp

    rng = np.random.default_rng(5)
    # a Zipfian tiny corpus: frequent and rare words, many empty cells among the rare
    zipf = 40.0 / np.arange(1, 31)
    dense = rng.poisson(np.outer(zipf, zipf) / 8)
    dense = np.triu(dense) + np.triu(dense, 1).T
    expected = dense_dirichlet_ppmi(dense.astype(float), pseudo, shift=1.5)
    if pseudo >= 1:
        assert (expected[dense == 0] > 0).any()  # (the empty cells of rare words count: the dense part)
    op = dirichlet_ppmi(sp.csr_matrix(dense), pseudo, shift=1.5)
    x = rng.normal(size=(30, 4))
    np.testing.assert_allclose(op @ x, expected @ x, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(op.matvec(x[:, 0]), expected @ x[:, 0], rtol=1e-9, atol=1e-9)
    got = factorize(op, 4, 0.0, False, seed=0)  # eig 0: the singular vectors alone
    u, _, _ = np.linalg.svd(expected)
    np.testing.assert_allclose(got @ got.T, u[:, :4] @ u[:, :4].T, atol=1e-5)


@pytest.mark.parametrize("eig,add_context", [(0.5, True), (1.0, False), (0.0, True)])
def test_factorize_matches_numpys_svd(eig, add_context):
    rng = np.random.default_rng(1)
    # rank 5 plus a little noise: a clear gap after the 5th singular value, which the randomized
    # SVD then finds to float precision
    basis = rng.normal(size=(40, 5))
    m = (basis @ np.diag([9.0, 7, 5, 3, 2]) @ basis.T + 0.01 * rng.random((40, 40))).astype(np.float32)
    got = factorize(m, 5, eig, add_context, seed=0)
    u, s, vt = np.linalg.svd(m.astype(np.float64))
    expected = u[:, :5] * s[:5] ** eig + (vt[:5].T * s[:5] ** eig if add_context else 0)
    # singular vectors are defined up to sign: compare the Gram matrices
    np.testing.assert_allclose(got @ got.T, expected @ expected.T, rtol=1e-3, atol=1e-3)


def test_combined_cosine_is_the_weighted_sum_of_the_two_cosines():
    rng = np.random.default_rng(2)
    a, b = rng.normal(size=(30, 8)), rng.normal(size=(30, 5))
    c = combine(a, b, 0.3)

    def cos(x):
        x = x / np.linalg.norm(x, axis=1, keepdims=True)
        return x @ x.T

    np.testing.assert_allclose(cos(c), 0.7 * cos(a) + 0.3 * cos(b), atol=1e-5)
    with pytest.raises(UsageError):
        combine(a, b, 1.5)


def test_vocabulary_by_count_with_dropped_words(tiny_corpus):
    words, counts, dropped = vocabulary(tiny_corpus, min_count=3)
    assert words[:2] == ["a", "b"] and counts.tolist()[:2] == [5, 4]
    assert set(words) == {"a", "b", "c", "d"} and dropped == {"e": 2, "x": 1}


def test_count_options_are_checked():
    for bad in (dict(weighting="cubic"), dict(dim=0), dict(smoothing=0), dict(shift=0.5), dict(narrow_share=1.0)):
        with pytest.raises(UsageError):
            CountOptions(**bad)


def test_the_count_parts_singular_values_depend_on_the_corpus_size_unless_given():
    from w2vkit.training.trainoptions import LARGE_CORPUS, SMALL_CORPUS, TrainOptions

    assert LARGE_CORPUS.count_eig != SMALL_CORPUS.count_eig  # (else this test checks nothing)
    assert TrainOptions().resolved(300_000, "zh").count_options().eig == SMALL_CORPUS.count_eig
    assert TrainOptions().resolved(5_000_000, "en").count_options().eig == LARGE_CORPUS.count_eig
    assert TrainOptions(count_eig=0.0).resolved(5_000_000, "en").count_options().eig == 0.0
    assert TrainOptions(count_eig=1.0).resolved(5_000_000, "en").count_options().eig == 1.0


def test_the_count_weight_and_narrow_share_depend_on_the_corpus_size_unless_given():
    from w2vkit.training.trainoptions import LARGE_CORPUS, SMALL_CORPUS, TrainOptions

    assert SMALL_CORPUS.count_narrow_share == 0 < LARGE_CORPUS.count_narrow_share
    assert LARGE_CORPUS.count_weight != SMALL_CORPUS.count_weight
    small, large = TrainOptions().resolved(300_000, "zh"), TrainOptions().resolved(5_000_000, "en")
    assert (small.count_weight, small.count_options().narrow_share) == (SMALL_CORPUS.count_weight, 0)
    assert (large.count_weight, large.count_options().narrow_share) == (
        LARGE_CORPUS.count_weight,
        LARGE_CORPUS.count_narrow_share,
    )
    given = TrainOptions(count_weight=0.25, count_narrow_share=0.0).resolved(5_000_000, "en")
    assert (given.count_weight, given.count_options().narrow_share) == (0.25, 0.0)


def test_a_narrow_count_sits_beside_the_first_at_its_share_of_each_cosine(tiny_corpus):
    words = ["a", "b", "c", "d", "e"]
    share = 0.3
    both = train_count_model(tiny_corpus, words, CountOptions(dim=3, window=4, narrow_share=share)).vectors
    # the same two counts, each factorised on its own (the narrow one with its own settings)
    wide = train_count_model(tiny_corpus, words, CountOptions(dim=3, window=4)).vectors
    narrow = train_count_model(tiny_corpus, words, CountOptions(dim=3, **NARROW_COUNT_SETTINGS)).vectors
    assert both.shape == (5, 6)

    def cosines(x):
        u = x / np.linalg.norm(x, axis=1, keepdims=True)
        return u @ u.T

    np.testing.assert_allclose(cosines(both), (1 - share) * cosines(wide) + share * cosines(narrow), atol=1e-5)


def test_a_view_is_one_count_even_when_the_model_has_a_narrow_count():
    from w2vkit.training.fitting import view_options
    from w2vkit.training.trainoptions import TrainOptions

    opts = TrainOptions(count_narrow_share=0.4).resolved(300_000, "zh")
    assert opts.count_options().narrow_share == 0.4
    assert all(v.narrow_share == 0 for v in view_options(opts, 300_000).values())


def test_train_count_model_gives_a_vector_per_word(tiny_corpus):
    result = train_count_model(tiny_corpus, ["a", "b", "c", "d", "e"], CountOptions(dim=3))
    assert result.vectors.shape == (5, 3) and result.vectors.dtype == np.float32
    assert result.pairs > 0


# ------------------------------------------------------------------ through train


def test_train_method_ppmi_needs_no_gensim_state(invoke, novel_slice, tmp_path):
    out = tmp_path / "ppmi"
    r = invoke(["train", novel_slice, "-o", out, "--method", "ppmi", "--count-dim", "20", "--min-count", "3", "-q"])
    assert r.exit_code == 0, r.stderr
    model = load_model(out)
    assert model.dim == 20 and not (out / "gensim").exists()
    assert model.meta["hyperparameters"]["method"] == "ppmi"
    assert model.meta["count_model"]["dim"] == 20 and model.meta["count_model"]["pairs"] > 0
    words, counts, _ = vocabulary(model.meta["corpus"]["cache"], 3)
    assert model.words == words and model.counts.tolist() == counts.tolist()
    info = invoke(["info", "-m", out])
    assert "method      ppmi (count model: dim 20, window 8, harmonic, eig 1.0, w+c)" in info.stdout
    r = invoke(["train", novel_slice, "--resume", out, "-o", tmp_path / "again"])
    assert r.exit_code == 2
    assert r.stderr == (
        f"Error: {out}: a ppmi model cannot be resumed (its count part is computed from all its text at once); "
        "train a new model on all the text\n"
    )


def test_train_with_a_narrow_count_says_so_in_meta_and_info(invoke, novel_slice, tmp_path):
    out = tmp_path / "ppmi"
    args = ["train", novel_slice, "-o", out, "--method", "ppmi", "--count-dim", "10", "--min-count", "3"]
    r = invoke([*args, "--count-narrow-share", "0.3", "-q"])
    assert r.exit_code == 0, r.stderr
    model = load_model(out)
    assert model.dim == 20 and model.meta["count_model"]["narrow_share"] == 0.3
    assert model.meta["count_model"]["narrow_window"] == NARROW_COUNT_SETTINGS["window"]
    info = invoke(["info", "-m", out]).stdout
    assert "eig 1.0, w+c; beside it a narrow count, window 2, 0.3 of its cosine)" in info
    r = invoke([*args, "--count-narrow-share", "1", "-o", tmp_path / "bad"])
    assert r.exit_code == 2 and "--count-narrow-share" in r.stderr


def test_train_method_hybrid_puts_both_parts_side_by_side(novel_slice, tmp_path):
    from w2vkit.training.trainer import TrainOptions, train

    common = dict(dim=16, epochs=3, min_count=3, seed=5, deterministic=True, subwords=False, count_dim=12)
    train([str(novel_slice)], tmp_path / "w2v", TrainOptions(method="word2vec", **common))
    train([str(novel_slice)], tmp_path / "hyb", TrainOptions(method="hybrid", count_weight=0.4, **common))
    w2v, hyb = load_model(tmp_path / "w2v"), load_model(tmp_path / "hyb")
    assert hyb.words == w2v.words and hyb.dim == 16 + 12
    assert hyb.meta["count_model"]["layout"] == {"predictive_dim": 16, "count_dim": 12}
    predictive = np.asarray(hyb.vectors[:, :16]) / np.sqrt(0.6)
    unit = np.asarray(w2v.vectors) / np.linalg.norm(w2v.vectors, axis=1, keepdims=True)
    np.testing.assert_allclose(predictive, unit, atol=1e-5)
    count = train_count_model(hyb.meta["corpus"]["cache"], hyb.words, CountOptions(dim=12, seed=5)).vectors
    count = count / np.maximum(np.linalg.norm(count, axis=1, keepdims=True), 1e-12)
    np.testing.assert_allclose(np.asarray(hyb.vectors[:, 16:]) / np.sqrt(0.4), count, atol=1e-4)


def test_hybrid_is_the_default_for_a_small_corpus_and_json_reports_it(invoke, novel_slice, tmp_path):
    out = tmp_path / "m"
    r = invoke(["train", novel_slice, "-o", out, "--epochs", "2", "--dim", "8", "--count-dim", "6", "--format", "json"])
    assert r.exit_code == 0, r.stderr
    options = json.loads(r.stdout)["options"]
    assert options["method"] == "hybrid" and options["count_weight"] == 0.25
    assert load_model(out).dim == 14
    said = "14 dimensions: 8 predictive + 6 count"  # train and info state the parts the same way (39.4)
    assert f"epochs=2 + count model (PPMI+SVD) dim=6 window=8, weight 0.25 ({said}, as info says) on " in r.stderr
    assert json.loads(r.stdout)["dimensions"] == [8, 6]
    assert f"words x {said}\n" in invoke(["info", "-m", out]).stdout


def test_harmonic_windows_are_limited_to_what_64_bit_integers_sum_exactly():
    from w2vkit.errors import UsageError
    from w2vkit.training.countmodel import MAX_HARMONIC_WINDOW, integer_weights

    weights, scale = integer_weights(MAX_HARMONIC_WINDOW, "harmonic")
    assert [w / scale for w in weights] == [1 / d for d in range(1, MAX_HARMONIC_WINDOW + 1)]
    assert scale < 2**32
    CountOptions(window=MAX_HARMONIC_WINDOW + 1, weighting="linear")  # no limit there
    with pytest.raises(UsageError, match="harmonic weighting is counted exactly up to a window of 22"):
        CountOptions(window=MAX_HARMONIC_WINDOW + 1)


def test_train_options_check_the_count_model_settings_before_any_work(invoke, tmp_path):
    result = invoke(["train", "xiyouji", "--count-window", "23", "-o", tmp_path / "m", "-q"])
    assert (result.exit_code, result.output) == (
        2,
        "Error: harmonic weighting is counted exactly up to a window of 22; use a smaller window or linear weighting\n",
    )
    assert not (tmp_path / "m").exists()
