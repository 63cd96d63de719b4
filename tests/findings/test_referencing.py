"""w2vkit.findings.referencing: temporal referencing on two hand-made texts where one word changes its
contexts and another keeps them; the tagged forms never show as neighbours; bad input."""

import json

import numpy as np
import pytest

from w2vkit.errors import InputError, OptionError
from w2vkit.findings.referencing import TAG, compare_texts
from w2vkit.training.trainoptions import TrainOptions

ANIMALS = "cat dog cow pig horse sheep goat duck".split()
VEHICLES = "car bus train truck plane boat bike tram".split()


def write_text(path, moved_with, rng, lines=1500):
    """Sentences of a group's words; `mover` among `moved_with`, `keeper` always among vehicles."""
    with open(path, "w", encoding="utf-8") as f:
        for n in range(lines):
            group = ANIMALS if n % 2 else VEHICLES
            words = list(rng.choice(group, size=6))
            if group is moved_with:
                words.insert(3, "mover")
            if group is VEHICLES:
                words.insert(2, "keeper")
            f.write(" ".join(words) + "\n")
    return str(path)


@pytest.fixture
def texts(tmp_path):
    rng = np.random.default_rng(5)
    a = write_text(tmp_path / "a.txt", ANIMALS, rng)
    b = write_text(tmp_path / "b.txt", VEHICLES, rng)
    return a, b


OPTIONS = TrainOptions(method="word2vec", subwords=False, dim=16, epochs=5, min_count=2, workers=1, seed=1)


def test_a_word_that_took_other_contexts_moves_and_one_that_kept_them_does_not(texts):
    a, b = texts
    result = compare_texts([a], [b], ["mover", "keeper"], options=OPTIONS, seg_options=None, k=5)
    rows = {r.word: r for r in result.rows}
    assert rows["mover"].cosine < 0.5 < rows["keeper"].cosine
    assert set(rows["mover"].neighbours_a) <= set(ANIMALS) | {"keeper"}
    assert len(set(rows["mover"].neighbours_b) & set(VEHICLES)) >= 4
    for r in result.rows:  # the tagged forms are the compared thing, never a neighbour
        assert not any(n.endswith(TAG) for n in r.neighbours_a + r.neighbours_b)
    assert (rows["mover"].count_a, rows["mover"].count_b) == (750, 750)
    assert rows["keeper"].count_b == 750


def test_words_missing_from_a_text_are_listed_not_compared(texts):
    a, b = texts
    result = compare_texts([a], [b], ["mover", "zebra"], options=OPTIONS, seg_options=None, k=5)
    assert [r.word for r in result.rows] == ["mover"] and result.missing == ["zebra"]


def test_it_needs_the_words_and_refuses_a_word_that_looks_tagged(texts, tmp_path):
    a, b = texts
    with pytest.raises(OptionError):
        compare_texts([a], [b], [], options=OPTIONS, seg_options=None)
    with pytest.raises(OptionError):
        compare_texts([a], [b], "mover", options=OPTIONS, seg_options=None)  # a string is not a list of words
    c = tmp_path / "c.txt"
    c.write_text("cat dog\nx" + TAG + " car\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"c\.txt: the word 'x@B' \(segmented line 2\) ends in '@B'"):
        compare_texts([a], [str(c)], ["cat"], options=OPTIONS, seg_options=None)


def test_cli_without_words_is_one_usage_line(invoke, texts):
    a, b = texts
    r = invoke(["compare", a, b, "--by", "referencing"])
    assert (r.exit_code, r.stderr) == (
        2,
        "Error: temporal referencing tags the words it tests: give the words (WORD… or --words FILE)\n",
    )


@pytest.mark.slow
def test_cli_compares_two_texts_in_json(invoke, texts):
    a, b = texts
    r = invoke(["compare", a, b, "--by", "referencing", "mover", "keeper", "--format", "json"])
    assert r.exit_code == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["by"] == "referencing" and [row["word"] for row in data["results"]] == ["mover", "keeper"]
    assert data["results"][0]["cosine"] < data["results"][1]["cosine"]
