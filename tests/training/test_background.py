"""A text read beside a background (`train --background`, w2vkit.training.background): the view's
arithmetic against its formula, the joint count against one count over both texts in one file,
a model's record, vocabulary and default view, members, and each bad background refused before
any work with one line."""

import json
import os

import numpy as np
import pytest

from w2vkit.base.vecmath import unit_rows
from w2vkit.model.store import load_model
from w2vkit.model.views import with_view
from w2vkit.training.background import Background, background_view
from w2vkit.training.countmodel import CountOptions, cooccurrences, train_count_models

QUICK = ["--epochs", "2", "--dim", "24", "--min-count", "3", "--seed", "3", "-q"]


@pytest.fixture(scope="module")
def texts(background_texts):
    return background_texts


@pytest.fixture(scope="module")
def beside(background_beside):
    return background_beside


def test_view_cosines_follow_their_formula():
    rng = np.random.default_rng(0)
    topical, joint = rng.normal(size=(6, 5)), rng.normal(size=(6, 7))
    own = np.array([1.0, 0.5, 0.0, 0.2, 0.9, 0.7])
    view = background_view(topical, joint, own)
    assert np.allclose(np.linalg.norm(view, axis=1), 1, atol=1e-6)
    ct, cj = unit_rows(topical) @ unit_rows(topical).T, unit_rows(joint) @ unit_rows(joint).T
    expected = np.sqrt(np.outer(own, own)) * ct + np.sqrt(np.outer(1 - own, 1 - own)) * cj
    assert np.allclose(view @ view.T, expected, atol=1e-5)
    # a word of the text alone (share 1) is its topical vector
    assert np.allclose(view[0, :5], unit_rows(topical)[0], atol=1e-6) and not view[0, 5:].any()


def test_own_share_is_the_text_s_part_of_a_word_s_rate():
    background = Background(corpus=None, tokens=1000, rates={"刀": 10 / 1000, "马": 30 / 1000}, record={})
    shares = background.own_shares(["刀", "马", "悟空"], [20, 30, 7], tokens=2000)
    # 刀: 0.01 in both -> 1/2; 马: 0.015 against 0.03 -> 1/3; 悟空, never in the background -> 1
    from w2vkit.base.choices import BACKGROUND_OWN_POWER

    assert np.allclose(shares, np.array([0.5, 1 / 3, 1.0]) ** BACKGROUND_OWN_POWER)


def test_joint_count_is_one_count_over_both_texts(tmp_path):
    text, back, both = tmp_path / "t.txt", tmp_path / "b.txt", tmp_path / "both.txt"
    text.write_text("a b c a d\nb c d e\n", encoding="utf-8")
    back.write_text("a a b x c\ne d c b a\nx x a\n", encoding="utf-8")
    both.write_text(text.read_text() + back.read_text(), encoding="utf-8")
    words = ["a", "b", "c", "d", "e"]  # (the text's vocabulary: x, the background's alone, is not counted)
    options = CountOptions(dim=3, window=2, background=True)
    joint = train_count_models(text, words, [options], background=back)[0]
    single = train_count_models(both, words, [CountOptions(dim=3, window=2)])[0]
    assert np.allclose(joint.vectors, single.vectors, atol=1e-5)
    index = {w: i for i, w in enumerate(words)}
    summed = cooccurrences(text, index, 2) + cooccurrences(back, index, 2)
    assert joint.pairs == summed.nnz == cooccurrences(both, index, 2).nnz


def test_a_model_read_beside_a_background(beside, texts, invoke):
    with_background, alone = beside
    model, plain = load_model(with_background), load_model(alone)
    meta = model.meta
    assert meta["background"]["inputs"][0]["path"].endswith("background.txt")
    assert meta["background"]["tokens"] > meta["corpus"]["tokens"]
    # the words and counts are the text's: as the model of the text alone has them
    assert list(model.words) == list(plain.words)
    assert np.array_equal(np.asarray(model.counts), np.asarray(plain.counts))
    background_words = set(texts[1].read_text(encoding="utf-8")) - set(texts[0].read_text(encoding="utf-8"))
    assert background_words and not background_words & set(model.words)
    assert set(meta["views"]) == {"topical", "paradigmatic", "background"}
    assert "background" not in plain.meta and "background" not in plain.meta["views"]
    # the default view is the background's, and its JSON says which background made it
    result = invoke(["similar", "悟空", "-m", with_background, "-n", "5", "--format", "json"])
    assert result.exit_code == 0, result.output
    provenance = json.loads(result.stdout)["provenance"]
    assert provenance["similarity"] == "background"
    assert provenance["background"]["inputs"][0]["sha256"] == meta["background"]["inputs"][0]["sha256"]
    assert (
        "background"
        not in json.loads(invoke(["similar", "悟空", "-m", alone, "-n", "5", "--format", "json"]).stdout)["provenance"]
    )
    shown = invoke(["info", "-m", with_background])
    assert "background  " in shown.stdout and "background.txt" in shown.stdout
    assert "[default: background]" in shown.stdout


def test_a_name_of_the_text_alone_keeps_its_topical_neighbours(beside):
    """A word the background never uses has share 1: its row is its topical vector, so its
    cosines with other such words are the topical view's."""
    model = load_model(beside[0])
    view, topical = with_view(model, "background"), with_view(model, "topical")
    words = list(model.words)
    background_counts = _background_counts(model)
    own = [i for i, w in enumerate(words) if w not in background_counts][:20]
    assert len(own) >= 2
    v, t = unit_rows(np.asarray(view.vectors)[own]), unit_rows(np.asarray(topical.vectors)[own])
    assert np.allclose(v @ v.T, t @ t.T, atol=1e-5)


def test_the_view_is_the_topical_view_beside_one_count_over_both_texts(beside, tmp_path):
    """Rebuilt from its parts by another path: both texts' segmented files in one file, counted
    as one corpus; each word's share from counting both files here."""
    from w2vkit.base.choices import BACKGROUND_OWN_POWER, VIEW_COUNT_SETTINGS, VIEW_WEIGHTS
    from w2vkit.training.countmodel import combine

    model = load_model(beside[0])
    meta, words = model.meta, list(model.words)
    both = tmp_path / "both.txt"
    text_lines = open(meta["corpus"]["cache"], encoding="utf-8").read()
    background_lines = open(meta["background"]["cache"], encoding="utf-8").read()
    both.write_text(text_lines + background_lines, encoding="utf-8")
    fields = {k: meta["count_model"][k] for k in ("dim", "smoothing", "add_context", "shift", "seed")}
    settings = {k: v for k, v in VIEW_COUNT_SETTINGS["background"].items() if k != "background"}
    joint = train_count_models(both, words, [CountOptions(**fields, **settings)])[0].vectors
    predictive = np.asarray(model.vectors)[:, : meta["count_model"]["layout"]["predictive_dim"]]
    text_counts, back_counts = _counts(text_lines), _counts(background_lines)
    text_rate = np.array([text_counts.get(w, 0) for w in words]) / sum(text_counts.values())
    back_rate = np.array([back_counts.get(w, 0) for w in words]) / sum(back_counts.values())
    own = (text_rate / (text_rate + back_rate)) ** BACKGROUND_OWN_POWER
    topical = unit_rows(np.asarray(with_view(model, "topical").vectors))
    joint_part = unit_rows(combine(predictive, joint, VIEW_WEIGHTS["background"]))
    expected = np.hstack([np.sqrt(own)[:, None] * topical, np.sqrt(1 - own)[:, None] * joint_part])
    np.testing.assert_allclose(np.asarray(with_view(model, "background").vectors), expected, atol=1e-4)


def _counts(text: str) -> dict:
    counts: dict = {}
    for w in text.split():
        counts[w] = counts.get(w, 0) + 1
    return counts


def _background_counts(model):
    counts = {}
    with open(model.meta["background"]["cache"], encoding="utf-8") as f:
        for line in f:
            for w in line.split():
                counts[w] = counts.get(w, 0) + 1
    return counts


def test_members_resample_the_text_and_read_the_whole_background(beside):
    model = load_model(beside[0])
    record = model.meta["members"]
    assert record["background"] == "whole in every member"
    for member in record["members"]:
        member_meta = json.loads((beside[0] / member["path"] / "meta.json").read_text(encoding="utf-8"))
        assert "background" in member_meta["views"]


def _refused(invoke, args, tmp_path, code=1):
    out = tmp_path / "out"
    result = invoke(["train", *map(str, args), "-o", str(out), *QUICK])
    assert result.exit_code == code, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert "Traceback" not in result.stderr and lines[-1].startswith("Error: ")
    assert not out.exists() or not any(out.iterdir())
    return lines[-1]


def test_the_text_itself_as_background_is_refused(texts, invoke, tmp_path):
    line = _refused(invoke, [texts[0], "--background", texts[0]], tmp_path)
    assert "the background holds the text itself" in line and "text.txt" in line


def test_a_background_holding_the_text_is_refused(texts, invoke, tmp_path):
    holding = tmp_path / "all.txt"
    holding.write_text(texts[1].read_text(encoding="utf-8") + texts[0].read_text(encoding="utf-8"), encoding="utf-8")
    line = _refused(invoke, [texts[0], "--background", holding], tmp_path)
    assert "all.txt: the background holds the text" in line


def test_an_empty_background_is_refused(texts, invoke, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("。。。\n\n", encoding="utf-8")
    line = _refused(invoke, [texts[0], "--background", empty], tmp_path)
    assert "empty.txt" in line and ("no words" in line or "empty" in line)


def test_a_background_in_another_script_or_language_is_refused(texts, invoke, tmp_path):
    import opencc

    traditional = tmp_path / "traditional.txt"
    traditional.write_text(opencc.OpenCC("s2t").convert(texts[1].read_text(encoding="utf-8")), encoding="utf-8")
    line = _refused(invoke, [texts[0], "--background", traditional], tmp_path)
    assert "traditional.txt: the background uses only" in line and "another script" in line
    english = tmp_path / "english.txt"
    english.write_text("the monkey king rode the cloud to the west and back again\n" * 400, encoding="utf-8")
    line = _refused(invoke, [texts[0], "--background", english], tmp_path)
    assert "english.txt: the background is English and the text Chinese" in line


def test_a_background_inside_the_output_is_refused_and_kept(texts, invoke, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    inside = out / "background.txt"
    inside.write_text(texts[1].read_text(encoding="utf-8"), encoding="utf-8")
    before = inside.read_bytes()
    result = invoke(["train", str(texts[0]), "--background", str(inside), "-o", str(out), *QUICK])
    assert result.exit_code == 1 and "write the model to a directory outside the inputs" in result.stderr
    assert inside.read_bytes() == before
    link = tmp_path / "link.txt"
    os.symlink(inside, link)
    result = invoke(["train", str(texts[0]), "--background", str(link), "-o", str(out), *QUICK])
    assert result.exit_code == 1 and "outside the inputs" in result.stderr
    assert inside.read_bytes() == before


def test_a_background_needs_a_count_part(texts, invoke, tmp_path):
    line = _refused(invoke, [texts[0], "--background", texts[1], "--method", "word2vec"], tmp_path, code=2)
    assert "--background informs the count part's view" in line and "--method hybrid" in line


def test_kwic_shows_the_text_then_its_background_labelled(beside, invoke):
    with_background, alone = beside
    plain = invoke(["kwic", "悟空", "-m", with_background, "-n", "5", "--format", "json"])
    both = invoke(["kwic", "悟空", "-m", with_background, "-n", "5", "--background", "--format", "json"])
    assert plain.exit_code == 0 and both.exit_code == 0, both.output
    plain_rows, rows = json.loads(plain.stdout)["results"], json.loads(both.stdout)["results"]
    sources = [r["from"] for r in rows]
    assert sources == sorted(sources, key=lambda s: s != "text") and {"text", "background"} <= set(sources)
    assert [{k: v for k, v in r.items() if k != "from"} for r in rows if r["from"] == "text"] == plain_rows
    assert all(r["file"].endswith("background.txt") for r in rows if r["from"] == "background")
    refused = invoke(["kwic", "悟空", "-m", alone, "--background"])
    assert refused.exit_code == 2 and "was not trained with a background" in refused.stderr


@pytest.fixture(scope="module")
def model_beside(background_model_beside):
    return background_model_beside


def test_a_model_as_background_gives_its_vectors_beside_the_topical_ones(model_beside, beside):
    """The view rebuilt from its parts: each word's topical vector beside the background model's
    vector of it (its default view), in the shares of the text's and the model's counts."""
    from w2vkit.base.choices import BACKGROUND_OWN_POWER

    background_model, made = model_beside
    model, source = load_model(made), with_view(load_model(background_model), None)
    record = model.meta["background"]["model"]
    assert record["path"] == str(background_model) and record["dim"] == source.dim and record["view"] == "topical"
    assert model.meta["views"]["background"]["from"] == "model"
    assert list(model.words) == list(load_model(beside[1]).words)  # (the text's words, as alone)
    words, index = list(model.words), {w: i for i, w in enumerate(source.words)}
    text_rate = np.asarray(model.counts, dtype=np.float64) / model.meta["corpus"]["tokens"]
    back_counts = np.array([source.counts[index[w]] if w in index else 0 for w in words], dtype=np.float64)
    back_rate = back_counts / source.meta["corpus"]["tokens"]
    own = (text_rate / (text_rate + back_rate)) ** BACKGROUND_OWN_POWER
    beside_rows = np.array([source.vectors[index[w]] if w in index else np.zeros(source.dim) for w in words])
    topical = unit_rows(np.asarray(with_view(model, "topical").vectors))
    expected = np.hstack([np.sqrt(own)[:, None] * topical, np.sqrt(1 - own)[:, None] * unit_rows(beside_rows)])
    np.testing.assert_allclose(np.asarray(with_view(model, "background").vectors), expected, atol=1e-5)
    assert own.min() < 0.9 and (own == 1).any()  # (shared words read partly from the model; the text's own not)


def test_a_model_background_is_said_and_has_no_passages(model_beside, invoke):
    shown = invoke(["info", "-m", model_beside[1]])
    dim = with_view(load_model(model_beside[0]), None).dim  # (its topical view's: 16 + the count part's)
    assert f"background  the model {model_beside[0]} (" in shown.stdout and f"dim {dim}," in shown.stdout
    assert "background (from the background model)" in shown.stdout
    result = invoke(["similar", "悟空", "-m", model_beside[1], "-n", "3", "--format", "json"])
    assert json.loads(result.stdout)["provenance"]["background"]["model"]["dim"] == dim
    refused = invoke(["kwic", "悟空", "-m", model_beside[1], "--background"])
    assert refused.exit_code == 2 and "its background is a model's vectors, which hold no passages" in refused.stderr


def test_imported_vectors_as_background_are_read_by_rank(model_beside, texts, invoke, tmp_path):
    """Vectors from elsewhere (here the background model's, exported and imported again) have
    no counts: a word's share of use comes from its rank."""
    exported = tmp_path / "background.vec"
    assert invoke(["export", "-m", model_beside[0], "--format", "word2vec-txt", "-o", exported]).exit_code == 0
    raw = _refused(invoke, [texts[0], "--background", exported], tmp_path)
    assert f"{exported}: vectors are read as a background once imported: w2vkit import" in raw
    assert invoke(["import", exported, "-o", tmp_path / "imported", "-q"]).exit_code == 0
    made = invoke(["train", texts[0], "--background", tmp_path / "imported", "-o", tmp_path / "with", *QUICK])
    assert made.exit_code == 0, made.output
    meta = load_model(tmp_path / "with").meta
    assert "tokens" not in meta["background"] and meta["background"]["model"]["view"] == "mixed"
    assert "background" in meta["views"]


def test_a_model_of_the_text_itself_or_beside_texts_is_refused(beside, model_beside, texts, invoke, tmp_path):
    line = _refused(invoke, [texts[0], "--background", beside[1]], tmp_path)
    assert "the background model was trained on the text itself" in line
    line = _refused(invoke, [texts[0], "--background", model_beside[0], "--background", texts[1]], tmp_path)
    assert "a model as a background stands alone" in line
    holding = tmp_path / "all.txt"  # (a model of a file around the text: no input's checksum is the text's)
    holding.write_text(texts[1].read_text(encoding="utf-8") + texts[0].read_text(encoding="utf-8"), encoding="utf-8")
    assert invoke(["train", holding, "-o", tmp_path / "holding", *QUICK]).exit_code == 0
    line = _refused(invoke, [texts[0], "--background", tmp_path / "holding"], tmp_path)
    assert "holding: the background holds the text (" in line
    sequences = tmp_path / "sequences.txt"
    sequences.write_text("".join(f"{i} {i + 1} {i + 2} {i + 3}\n" for i in range(40)) * 5, encoding="utf-8")
    assert invoke(["train", "--items", sequences, "-o", tmp_path / "items", "--epochs", "1", "-q"]).exit_code == 0
    line = _refused(invoke, [texts[0], "--background", tmp_path / "items"], tmp_path)
    assert "a model of item sequences is not a background for a text" in line
    # (a second positional path is more text: the model, trained on it, is then refused as above)
    line = _refused(invoke, [texts[0], "--background", model_beside[0], texts[1]], tmp_path)
    assert "the background model was trained on the text itself (" in line


def test_counts_of_a_cache_without_them_are_counted_alike(texts, monkeypatch):
    from w2vkit.text.corpus.corpuscache import PreparedCorpus, prepare_corpus
    from w2vkit.text.segmenting.segment import SegmentOptions
    from w2vkit.training.background import prepare_background

    text = prepare_corpus([str(texts[0])], SegmentOptions())
    kept = prepare_background([str(texts[1])], SegmentOptions(), text)
    monkeypatch.setattr(PreparedCorpus, "word_counts", lambda self: None)  # (a corpus cached before 0.4.2)
    counted = prepare_background([str(texts[1])], SegmentOptions(), text)
    assert counted.rates == kept.rates and abs(sum(kept.rates.values()) - 1) < 1e-9


def test_a_model_in_another_script_is_refused(texts, invoke, tmp_path):
    import opencc

    traditional = tmp_path / "traditional.txt"
    traditional.write_text(opencc.OpenCC("s2t").convert(texts[1].read_text(encoding="utf-8")), encoding="utf-8")
    assert invoke(["train", traditional, "-o", tmp_path / "traditional", *QUICK]).exit_code == 0
    line = _refused(invoke, [texts[0], "--background", tmp_path / "traditional"], tmp_path)
    assert "traditional: the background uses only" in line and "another script" in line


def test_one_tables_rows_beside_its_other_rows(novel_text, invoke, tmp_path):
    """--where chooses the text's rows and --background-where the background's, of one table."""
    from conftest import write_table

    table = write_table(tmp_path / "t.tsv", novel_text[:150_000].splitlines())
    out = tmp_path / "m"
    args = ["train", table, "--where", "half=前", "--background", table, "--background-where", "half=后"]
    made = invoke([*args, "-o", out, *QUICK])
    assert made.exit_code == 0, made.output
    meta = load_model(out).meta
    assert meta["corpus"]["inputs"][0]["where"] == {"half": "前"}
    assert meta["background"]["inputs"][0]["where"] == {"half": "后"}
    assert "background" in meta["views"]
    # (without --background-where the background takes the text's rows: the text itself, refused)
    line = _refused(invoke, [table, "--where", "half=前", "--background", table], tmp_path)
    assert line.startswith(
        f"Error: {table}: the background holds the text itself"
    )  # (round 7's BG25: not the cache's copy)
    lone = invoke(["train", table, "--background-where", "half=后", "-o", tmp_path / "x", *QUICK])
    assert (
        lone.exit_code == 2 and "--background-where chooses the background's rows: give --background too" in lone.stderr
    )
    text = tmp_path / "plain.txt"
    text.write_text(novel_text[200_000:260_000], encoding="utf-8")
    line = _refused(invoke, [table, "--background", text, "--background-where", "half=后"], tmp_path, code=2)
    assert f"--background-where chooses a background table's rows; {text} is not a table" in line
