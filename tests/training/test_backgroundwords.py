"""The background's own words (w2vkit.training.backgroundwords): fold_in against the SVD it folds
into, which words are kept (the background's, not the text model's), and their vectors for a
counted background and for a model as the background."""

import numpy as np

from w2vkit.base.choices import BACKGROUND_WORDS_MAX
from w2vkit.base.limits import LIMITS
from w2vkit.base.vecmath import unit_rows
from w2vkit.model.store import load_model
from w2vkit.model.views import background_own_words, with_view
from w2vkit.training.countmodel import context_log_p, cooccurrences, factorize, fold_in, ppmi


def _index(path, min_count=3):
    counts: dict = {}
    for w in path.read_text(encoding="utf-8").split():
        counts[w] = counts.get(w, 0) + 1
    words = [w for w, c in sorted(counts.items(), key=lambda x: -x[1]) if c >= min_count]
    return {w: i for i, w in enumerate(words)}


def test_fold_in_places_a_word_of_the_matrix_where_factorize_does(background_beside):
    """A word of the matrix folded in from its own row lands on (nearly) its factorised vector,
    for both values of eig: the projection, the PPMI and the power of S are those of factorize."""
    from pathlib import Path

    corpus = Path(load_model(background_beside[0]).meta["background"]["cache"])  # (segmented)
    index = _index(corpus)
    counts = cooccurrences(corpus, index, 2)
    for eig in (1.0, 0.5):
        basis = {"log_p_context": context_log_p(counts, 0.75), "shift": 1.0}
        vectors = unit_rows(factorize(ppmi(counts), 40, eig, True, 1, basis))
        folded = unit_rows(fold_in(counts, basis))
        cosines = (vectors * folded).sum(axis=1)
        assert np.median(cosines) > 0.85, (eig, np.median(cosines))
        # (a wrong power of S, or raw counts instead of PPMI, puts them far apart)
        wrong = unit_rows(fold_in(counts, {**basis, "eig": basis["eig"] + 1}))
        assert np.median((vectors * wrong).sum(axis=1)) < np.median(cosines) - 0.05


def test_own_words_are_the_background_s_words_the_model_lacks(background_beside, background_texts):
    model = with_view(load_model(background_beside[0]), "background")
    words, counts, vectors, offset = background_own_words(model)
    background = background_texts[1].read_text(encoding="utf-8")
    assert 0 < len(words) <= BACKGROUND_WORDS_MAX == LIMITS["background_words"][1]  # (similar's bound is it)
    assert not set(words) & set(model.words)  # (none of the text model's words)
    assert list(counts) == sorted(counts, reverse=True) and counts.min() >= 3  # (the text's floor, most used first)
    segmented = load_model(background_beside[0]).meta["background"]["cache"]
    tokens = open(segmented, encoding="utf-8").read().split()
    for w, c in list(zip(words, counts))[:20]:
        assert w in background and tokens.count(w) == c  # (its count is the background's)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-5)
    count_dim = model.meta["count_model"]["layout"]["count_dim"]
    assert offset == model.vectors.shape[1] - count_dim  # (in the joint count's columns of the view)


def test_a_model_background_s_own_words_are_its_vectors(background_model_beside):
    """With a model as the background, its own words are its words the text's model lacks, their
    vectors the background model's (its default view), unit length."""
    background, made = background_model_beside
    model, source = with_view(load_model(made), "background"), with_view(load_model(background), None)
    words, counts, vectors, offset = background_own_words(model)
    index = {w: i for i, w in enumerate(source.words)}
    expected = [w for w in source.words if w not in set(model.words)]
    assert words == expected[:BACKGROUND_WORDS_MAX]
    rows = unit_rows(np.asarray(source.vectors)[[index[w] for w in words]])
    np.testing.assert_allclose(np.asarray(vectors), rows, atol=1e-5)
    assert offset == model.vectors.shape[1] - source.dim
    assert [int(source.counts[index[w]]) for w in words] == list(counts)


def test_own_words_are_counted_as_the_joint_count_was(background_texts, tmp_path, invoke):
    """With --count-weighting flat the joint count weighs every distance alike, and so are the
    background's own words counted before they are folded in: their saved vectors are those of an
    independent count over both corpora with that weighting, folded into the same SVD."""
    from pathlib import Path

    quick = ["--epochs", "2", "--dim", "24", "--min-count", "3", "--seed", "3", "-q"]
    text, background = background_texts
    out = tmp_path / "flat"
    made = invoke(["train", text, "--background", background, "--count-weighting", "flat", "-o", out, *quick])
    assert made.exit_code == 0, made.output
    model = with_view(load_model(out), "background")
    words, _, saved, _ = background_own_words(model)
    corpora = [Path(model.meta["corpus"]["cache"]), Path(model.meta["background"]["cache"])]
    vocabulary = list(model.words)
    index = {w: i for i, w in enumerate([*vocabulary, *words])}
    wide = sum(cooccurrences(c, index, 2, "flat") for c in corpora).tocsr()
    joint = sum(cooccurrences(c, {w: i for i, w in enumerate(vocabulary)}, 2, "flat") for c in corpora)
    settings = model.meta["count_model"]
    basis = {"log_p_context": context_log_p(joint, 0.75), "shift": 1.0}
    factorize(ppmi(joint), settings["dim"], 1.0, True, settings["seed"], basis)
    expected = unit_rows(fold_in(wide[len(vocabulary) :, : len(vocabulary)], basis))
    np.testing.assert_allclose(np.asarray(saved), expected, atol=1e-4)
