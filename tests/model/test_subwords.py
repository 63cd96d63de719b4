"""Unknown words of a subword model: n-grams as gensim makes them, vectors equal to gensim's
FastText for the same word, used by queries and embed without importing gensim."""

import json
import subprocess
import sys

import numpy as np
import pytest

from w2vkit.errors import CorruptModelError, UnknownWordError
from w2vkit.model.store import load_model
from w2vkit.model.subwords import NGRAM_VECTORS, char_ngrams
from w2vkit.queries.query import Engine


@pytest.mark.parametrize("min_n,max_n", [(2, 3), (1, 2), (3, 6), (1, 1)])
def test_char_ngrams_are_gensims(min_n, max_n):
    from gensim.models.fasttext_inner import compute_ngrams_bytes

    for word in ["孙悟空", "孙", "行者", "king", "a", "齐天大圣孙悟空", "naïve"]:
        expected = [g.decode("utf-8") for g in compute_ngrams_bytes(word, min_n, max_n)]
        assert char_ngrams(word, min_n, max_n) == expected, word


def _unknown_word_with_known_ngrams(model):
    """A string the vocabulary lacks whose n-grams all occur in vocabulary words."""
    table = model.ngram_table()
    for word in model.words:
        for start in range(len(word) - 2):
            candidate = word[start : start + 3]
            grams = char_ngrams(candidate, table.min_n, table.max_n)
            if candidate not in model.index and all(g in table.index for g in grams):
                return candidate
    raise AssertionError("no such word in the vocabulary")


def test_unknown_word_vector_equals_gensims(subword_model):
    from gensim.models import FastText

    model = load_model(subword_model)
    assert model.meta["ngrams"]["count"] == len(model.ngram_table().index)
    word = _unknown_word_with_known_ngrams(model)
    gensim_vector = FastText.load(str(subword_model / "gensim" / "model")).wv[word]
    vector, known, total = model.ngram_table().vector(word)
    assert known == total
    np.testing.assert_allclose(vector, gensim_vector, rtol=1e-5, atol=1e-6)


def test_similar_and_embed_use_an_unknown_words_ngrams(subword_model, invoke):

    model = load_model(subword_model)
    word = _unknown_word_with_known_ngrams(model)
    r = invoke(["similar", word, "-m", subword_model, "-n", "5", "--format", "json"])
    assert r.exit_code == 0, r.stderr
    assert "not in the vocabulary; composed from its character n-grams" in r.stderr
    vector = model.ngram_table().vector(word)[0]
    unit = np.asarray(model.vectors) / np.linalg.norm(model.vectors, axis=1, keepdims=True)
    expected = [model.words[i] for i in np.argsort(-(unit @ (vector / np.linalg.norm(vector))))[:5]]
    assert [row["word"] for row in json.loads(r.stdout)["results"]] == expected
    # a word none of whose n-grams the model has is still unknown
    with pytest.raises(UnknownWordError):
        Engine(model).similarity("鑫鑫鑫", word)


def test_a_word_with_less_than_half_its_ngrams_known_is_refused(subword_model, invoke):
    model = load_model(subword_model)
    table = model.ngram_table()
    first = next(w for w in model.words if len(w) == 1 and f"<{w}" in table.index)
    word = first + "鑫鑫鑫"  # only "<X" of its n-grams is known
    grams = char_ngrams(word, table.min_n, table.max_n)
    assert sum(g in table.index for g in grams) == 1
    r = invoke(["similar", word, "-m", subword_model])
    assert r.exit_code == 1
    assert r.stderr.rstrip().endswith(
        f"(only 1 of its {len(grams)} character n-grams are known; at least 50% are needed to compose a vector)"
    )
    assert r.stderr.startswith(f"Error: '{word}' is not in the model")


def test_embed_uses_an_unknown_words_ngrams(tmp_path):
    # English: whitespace tokens, so the unknown word reaches the model whole (a Chinese
    # segmenter would cut it into known words)
    from conftest import text8_like

    from w2vkit.sentences.embed import Embedder
    from w2vkit.training.trainer import TrainOptions, train

    (tmp_path / "en.txt").write_text(text8_like(60_000), encoding="utf-8")
    opts = TrainOptions(dim=16, epochs=2, min_count=3, seed=1, deterministic=True, subwords=True, min_n=3, max_n=4)
    train([str(tmp_path / "en.txt")], tmp_path / "m", opts)
    model = load_model(tmp_path / "m")
    word = _unknown_word_with_known_ngrams(model)
    known = model.words[0]
    for method in ("mean", "sif"):
        embedded = Embedder(model, method).embed([f"{known} {word}", f"{known} zzqx"])
        assert embedded.tokens == [[known, word], [known]] and embedded.unknown == 1
    composed = model.ngram_table().vector(word)[0]
    by_hand = (model.vectors[0] / np.linalg.norm(model.vectors[0]) + composed / np.linalg.norm(composed)) / 2
    np.testing.assert_allclose(Embedder(model, "mean").embed([f"{known} {word}"]).vectors[0], by_hand, rtol=1e-5)


def test_ngrams_are_checked_and_skipped_after_postprocess(subword_model, tmp_path):
    import shutil

    from w2vkit.model.postprocess import Steps, postprocess_model

    copy = tmp_path / "copy"
    shutil.copytree(subword_model, copy)
    vectors = np.load(copy / NGRAM_VECTORS)
    vectors[0, 0] += 1
    np.save(copy / NGRAM_VECTORS, vectors)
    with pytest.raises(CorruptModelError, match="ngrams.npy: the n-gram vectors file does not match its checksum"):
        load_model(copy).ngram_table()
    out, meta = postprocess_model(subword_model, tmp_path / "abtt", Steps(remove_top=1))
    assert "ngrams" not in meta and load_model(out).ngram_table() is None


def test_unknown_word_query_never_imports_gensim(subword_model):
    word = _unknown_word_with_known_ngrams(load_model(subword_model))
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from w2vkit.cli import cli\n"
        f"r = CliRunner().invoke(cli, ['similar', {word!r}, '-m', {str(subword_model)!r}])\n"
        "assert r.exit_code == 0, r.output\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'gensim'))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_idf_weighted_composition_matches_its_definition(subword_model):
    """compose_subword_vectors(ngram_weighting="idf"), a composition measured and not adopted
    (docs/defaults.md), weighs each n-gram by log((V + 1) / (df + 1)); the plain mean weighs them equally."""
    from gensim.models import FastText
    from gensim.models.fasttext import ft_ngram_hashes

    from w2vkit.model.subwords import compose_subword_vectors

    wv = FastText.load(str(subword_model / "gensim" / "model")).wv
    hashes = {w: ft_ngram_hashes(w, wv.min_n, wv.max_n, wv.bucket) for w in wv.index_to_key}
    df = {}
    for hs in hashes.values():
        for h in set(hs):
            df[h] = df.get(h, 0) + 1
    plain = compose_subword_vectors(wv, 0.3)
    weighted = compose_subword_vectors(wv, 0.3, ngram_weighting="idf")
    word = max((w for w in wv.index_to_key if len(w) >= 3), key=lambda w: wv.get_vecattr(w, "count"))
    i = wv.key_to_index[word]
    idf = np.log((len(hashes) + 1) / (np.array([df[h] for h in hashes[word]]) + 1))
    mean = (idf[:, None] * wv.vectors_ngrams[hashes[word]]).sum(axis=0) / idf.sum()
    own = wv.vectors_vocab[i] / np.linalg.norm(wv.vectors_vocab[i])
    np.testing.assert_allclose(weighted[i], 0.3 * own + 0.7 * mean / np.linalg.norm(mean), rtol=1e-4, atol=1e-6)
    assert not np.allclose(weighted[i], plain[i], atol=1e-4)  # the weights differ from the plain mean's


def test_a_composed_word_loads_no_segmenter(subword_model):
    """The unknown-word message (which may segment the word to explain it) is made only when shown:
    a word composed from its n-grams answers without loading jieba (issue 38: 0.475 s of 0.541 s)."""
    import subprocess
    import sys

    from w2vkit.model.store import load_model
    from w2vkit.queries.query import Engine

    engine = Engine(load_model(subword_model))
    composed = next(
        w
        for w in ("孙行者大圣", "齐天大圣孙", "悟空行者", "大圣行者")
        if w not in engine.model.index and engine.model.ngram_table().vector(w) is not None
    )
    code = (
        "import sys\nfrom w2vkit.queries.query import Engine\nfrom w2vkit.model.store import load_model\n"
        f"e = Engine(load_model({str(subword_model)!r}))\n"
        f"assert e.lookup({composed!r}).row is None\n"
        "print(sorted(m for m in ('jieba', 'rjieba') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stderr
