"""similar's background words on request (w2vkit.queries.ensemble: the view's background words): the text's rows
unchanged, the background's own words after them, labelled, scored as their padded vectors score
against the query in the background view; refused with one line where they cannot be."""

import json

import numpy as np

from w2vkit.model.store import load_model
from w2vkit.model.views import background_own_words, with_view
from w2vkit.queries.ensemble import similar
from w2vkit.queries.query import Engine


def _a_word(model) -> str:
    return next(w for w in model.words[5:] if len(w) > 1 or w.isalpha())


def test_background_words_follow_the_text_s_rows_unchanged(background_beside):
    engine = Engine(background_beside[0], similarity="background")  # (2 members)
    word = _a_word(engine.model)
    plain = similar(engine, word, topn=5)
    asked = similar(engine, word, topn=5, background_words=4)
    assert asked.columns == [*plain.columns, "from"]
    assert [r[:-1] for r in asked.rows[:5]] == plain.rows and {r[-1] for r in asked.rows[:5]} == {"text"}
    extra = asked.records()[5:]
    assert len(extra) == 4 and {r["from"] for r in extra} == {"background"}
    words, counts, vectors, offset = background_own_words(engine.model)
    assert not {r["word"] for r in extra} & set(engine.model.words)
    # (each scored as its vector, zeros before `offset`, scores against the query word's view row)
    row = np.asarray(engine.model.vectors[engine.model.index[word]], dtype=np.float64)
    padded = np.hstack([np.zeros((len(words), offset)), np.asarray(vectors, dtype=np.float64)])
    cosines = padded @ (row / np.linalg.norm(row))
    best = np.argsort(-cosines)[:4]
    assert [r["word"] for r in extra] == [words[i] for i in best]
    np.testing.assert_allclose([r["model"] for r in extra], cosines[best], atol=1e-5)
    assert all(r["similarity"] is None and r["recurrence"] is None for r in extra)  # (members have none of them)
    assert [r["count"] for r in extra] == [int(counts[i]) for i in best]
    assert any("background's own words" in n.template for n in asked.notes)


def test_without_members_the_similarity_is_the_cosine(background_model_beside, invoke):
    made = background_model_beside[1]  # (a model as the background, no members)
    word = _a_word(with_view(load_model(made), "background"))
    out = invoke(["similar", word, "-m", made, "--background-words", "3", "--format", "json"])
    assert out.exit_code == 0, out.output
    doc = json.loads(out.stdout)
    rows = [r for r in doc["results"] if r["from"] == "background"]
    assert len(rows) == 3 and all(isinstance(r["similarity"], float) for r in rows)
    assert doc["provenance"]["options"]["background_words"] == 3 and doc["background_words"] == 3


def test_asked_where_they_cannot_be_one_line(background_beside, invoke, tmp_path):
    with_background, alone = background_beside
    word = _a_word(load_model(alone))
    out = invoke(["similar", word, "-m", with_background, "--similarity", "topical", "--background-words", "2"])
    assert out.exit_code == 2 and "add --similarity background" in out.stderr and "Traceback" not in out.output
    out = invoke(["similar", word, "-m", alone, "--background-words", "2"])
    assert out.exit_code == 2 and "--background-words lists the background's own words" in out.stderr
    out = invoke(["similar", word, "-m", with_background, "--background-words", "-1"])
    assert out.exit_code == 2 and "--background-words" in out.stderr


def test_a_changed_file_of_background_words_is_not_believed(background_beside, invoke, tmp_path):
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(background_beside[0], copy)
    array = np.load(copy / "background-words.npy")
    array[0] = -array[0]
    np.save(copy / "background-words.npy", array)
    word = _a_word(load_model(copy))
    out = invoke(["similar", word, "-m", copy, "--background-words", "2"])
    assert out.exit_code == 1 and "does not match its checksum" in out.stderr and "Traceback" not in out.output
    assert out.stderr.count("\n") <= 2


def test_the_text_s_floor_applies_to_the_background_s_counts(background_beside):
    engine = Engine(background_beside[0], similarity="background")
    word = _a_word(engine.model)
    every = [r for r in similar(engine, word, topn=3, background_words=40).records() if r["from"] == "background"]
    floor = int(np.median([r["count"] for r in every])) + 1
    kept = similar(engine, word, topn=3, background_words=40, min_neighbour_count=floor).records()
    kept = [r for r in kept if r["from"] == "background"]
    assert kept and all(r["count"] >= floor for r in kept)
    passing = [r["word"] for r in every if r["count"] >= floor]  # (the same words lead, in the same order)
    assert [r["word"] for r in kept][: len(passing)] == passing


def test_a_record_rewritten_with_its_checksums_is_refused_with_one_line(background_beside, invoke, tmp_path):
    """The offset moved and the checksums of meta.json and the vectors rewritten to match: the
    widths no longer add up to the view's, and that is said, not a numpy error."""
    import shutil

    from w2vkit.model.store import write_meta

    copy = tmp_path / "copy"
    shutil.copytree(background_beside[0], copy)
    meta = json.loads((copy / "meta.json").read_text(encoding="utf-8"))
    meta["views"]["background"]["own_words"]["offset"] -= 1
    write_meta(copy, meta, meta["vocab_size"], meta["dim"], meta["vectors_sha256"])
    word = _a_word(load_model(copy))
    out = invoke(["similar", word, "-m", copy, "--background-words", "2"])
    assert out.exit_code == 1 and "wide from column" in out.stderr and "Traceback" not in out.output
