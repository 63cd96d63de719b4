"""w2vkit.model.views (--similarity): the views a hybrid model keeps are its predictive part beside
a count model with the view's settings, recomputed here from the model's own corpus; queries
answer from them; a damaged, linked or missing view is refused in one line; members and the CSLS
cache follow the view."""

import json
import os
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from w2vkit.base.choices import VIEW_COUNT_SETTINGS, VIEW_WEIGHTS
from w2vkit.model.store import load_model, write_model_files
from w2vkit.model.views import view_file, with_view, write_view
from w2vkit.queries.query import Engine


@pytest.fixture(scope="module")
def hybrid_model(novel_slice, tmp_path_factory):
    from w2vkit.training.trainer import train
    from w2vkit.training.trainoptions import TrainOptions

    out = tmp_path_factory.mktemp("views") / "m"
    train([str(novel_slice)], out, TrainOptions(dim=24, epochs=3, min_count=3, seed=2, deterministic=True))
    return out


def unit(v):
    return v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)


def test_each_view_is_the_predictive_part_beside_a_count_model_with_its_settings(hybrid_model):
    from w2vkit.training.countmodel import CountOptions, train_count_model

    model = load_model(hybrid_model)
    meta = model.meta
    assert set(meta["views"]) == set(VIEW_COUNT_SETTINGS) - {"background"}  # (that one needs a background)
    predictive_dim = meta["count_model"]["layout"]["predictive_dim"]
    weight = meta["hyperparameters"]["count_weight"]
    predictive = np.asarray(model.vectors)[:, :predictive_dim] / np.sqrt(1 - weight)
    base = CountOptions(
        **{
            k: meta["count_model"][k]
            for k in ("dim", "window", "weighting", "smoothing", "eig", "add_context", "shift")
        },
        seed=meta["count_model"]["seed"],
    )
    for name in meta["views"]:
        settings = VIEW_COUNT_SETTINGS[name]
        view = np.asarray(with_view(model, name).vectors)
        w = VIEW_WEIGHTS[name]
        count = train_count_model(Path(meta["corpus"]["cache"]), model.words, replace(base, **settings)).vectors
        np.testing.assert_allclose(view[:, :predictive_dim], np.sqrt(1 - w) * unit(predictive), atol=1e-5)
        np.testing.assert_allclose(view[:, predictive_dim:], np.sqrt(w) * unit(count), atol=1e-4)
        assert meta["views"][name]["count_model"]["window"] == settings["window"]


def test_similar_answers_from_the_view_and_says_which(invoke, hybrid_model):
    model = load_model(hybrid_model)
    view = unit(np.asarray(with_view(model, "paradigmatic").vectors, dtype=np.float64))
    row = model.words.index("行者")
    scores = view @ view[row]
    scores[row] = -np.inf
    expected = [model.words[i] for i in np.argsort(-scores)[:5]]
    r = invoke(["similar", "行者", "-n", "5", "--similarity", "paradigmatic", "-m", hybrid_model, "--format", "json"])
    assert r.exit_code == 0, r.stderr
    found = json.loads(r.stdout)
    assert [row["word"] for row in found["results"]] == expected
    assert found["provenance"]["similarity"] == "paradigmatic"
    r = invoke(["similar", "行者", "-m", hybrid_model, "--format", "json"])
    assert json.loads(r.stdout)["provenance"]["similarity"] == "topical"  # (the default where there is one)
    r = invoke(["similar", "行者", "-m", hybrid_model, "--format", "json", "--similarity", "mixed"])
    assert json.loads(r.stdout)["provenance"]["similarity"] == "mixed"
    assert Engine(hybrid_model).model.meta["view"] == "topical"
    assert "view" not in Engine(hybrid_model, similarity="mixed").model.meta
    r = invoke(["info", "-m", hybrid_model])
    assert "similarity  topical (count window 16, weight 0.4), paradigmatic (count window 2, weight 0.25)" in r.stdout


def test_a_view_that_is_not_there_or_not_sound_is_one_line(invoke, hybrid_model, small_model, tmp_path):
    r = invoke(["similar", "行者", "-m", small_model, "--format", "json"])  # (no views: its vectors)
    assert r.exit_code == 0 and json.loads(r.stdout)["provenance"]["similarity"] == "mixed"
    r = invoke(["similar", "行者", "--similarity", "topical", "-m", small_model])
    assert r.exit_code == 2
    assert r.stderr.startswith(f"Error: {small_model}: no topical view (") and r.stderr.count("\n") == 1
    import shutil

    copy = tmp_path / "m"
    shutil.copytree(hybrid_model, copy)
    data = bytearray((copy / view_file("topical")).read_bytes())
    data[-1] ^= 1
    (copy / view_file("topical")).write_bytes(bytes(data))
    r = invoke(["similar", "行者", "--similarity", "topical", "-m", copy])
    assert r.exit_code == 1 and r.stderr == (
        f"Error: {copy / view_file('topical')}: the topical view file does not match its checksum in the record; "
        "retrain the model\n"
    )
    (copy / view_file("topical")).unlink()
    os.symlink(hybrid_model / view_file("topical"), copy / view_file("topical"))
    r = invoke(["similar", "行者", "--similarity", "topical", "-m", copy])
    assert r.exit_code == 1 and "a link on the way to the topical view file" in r.stderr and r.stderr.count("\n") == 1


def test_members_and_the_csls_cache_follow_the_view(tmp_path, monkeypatch):
    from conftest import model_with_members

    monkeypatch.setenv("W2VKIT_CACHE", str(tmp_path / "cache"))  # (its own: another test may fill the shared one)

    folder = model_with_members(tmp_path, members=2)
    rng = np.random.default_rng(0)
    records = {}
    for where in [folder, *sorted((folder / "members").iterdir())]:
        model = load_model(where)
        vectors = rng.normal(size=(len(model.words), 8)).astype(np.float32)
        meta = json.loads((where / "meta.json").read_text())
        meta["views"] = {"topical": write_view(where, "topical", vectors)}
        if where != folder:
            saved = write_model_files(where, model.words, model.counts, np.array(model.vectors), meta)
            records[where.name] = (saved["vectors_sha256"], vectors)
        else:
            top_meta, top_vectors = meta, vectors
    for entry in top_meta["members"]["members"]:
        entry["vectors_sha256"] = records[entry["path"].split("/")[-1]][0]
    (folder / "meta.json").write_text(json.dumps(top_meta))
    engine = Engine(load_model(folder), similarity="topical")
    np.testing.assert_array_equal(engine.vectors, top_vectors)
    for member in engine.members:
        assert member.model.meta["view"] == "topical"
        assert any(np.array_equal(member.vectors, v) for _, v in records.values())
    engine.hubness  # noqa: B018 (computed and kept on first use)
    kept = engine.model.cache_file("hubness-topical.npy")  # (the model's cache: never its folder)
    assert kept.is_file() and not kept.with_name("hubness.npy").exists() and not (folder / kept.name).exists()


def test_trained_members_keep_the_views_their_model_answers_with(novel_slice, tmp_path, invoke):
    """train --bootstrap: each member keeps the views too, so the default (topical) answers with
    the members' own topical vectors, not an error that a member has no view."""
    from w2vkit.model.members import Resampling
    from w2vkit.training.trainer import train
    from w2vkit.training.trainoptions import TrainOptions

    out = tmp_path / "boot"
    options = TrainOptions(dim=16, epochs=1, min_count=3, seed=3, deterministic=True)
    train([str(novel_slice)], out, options, resampling=Resampling("bootstrap", 2))
    engine = Engine(load_model(out))
    assert engine.model.meta["view"] == "topical" and len(engine.members) == 2
    for member in engine.members:
        assert member.model.meta["view"] == "topical"
        mixed = np.asarray(load_model(member.model.path).vectors)
        assert member.vectors.shape[0] == mixed.shape[0] and not np.array_equal(member.vectors, mixed)
    result = invoke(["similar", "行者", "-m", str(out), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["provenance"]["similarity"] == "topical"


def test_the_similarity_asked_of_an_engine_always_wins(hybrid_model):
    """Issue 57: Engine(model, similarity="paradigmatic") answered from the topical view when the
    model object already carried one."""
    topical = Engine(hybrid_model).model
    assert topical.meta["view"] == "topical"
    paradigmatic = Engine(topical, similarity="paradigmatic").model
    assert paradigmatic.meta["view"] == "paradigmatic"
    assert np.array_equal(np.asarray(paradigmatic.vectors), np.load(hybrid_model / view_file("paradigmatic")))
    mixed = Engine(paradigmatic, similarity="mixed").model
    assert "view" not in mixed.meta
    assert np.array_equal(np.asarray(mixed.vectors), np.asarray(load_model(hybrid_model).vectors))
    assert Engine(paradigmatic).model.meta["view"] == "paradigmatic"  # (nothing asked: as given)


def test_a_post_processed_hybrid_model_answers_its_default_queries(hybrid_model, tmp_path, invoke):
    """Issue 57: postprocess kept `views` in the record with no view files, so every default query
    on the result failed asking to retrain."""
    out = tmp_path / "abtt"
    r = invoke(["postprocess", hybrid_model, "-o", out, "--remove-top", "1"])
    assert r.exit_code == 0, r.stderr
    meta = json.loads((out / "meta.json").read_text(encoding="utf-8"))
    assert "views" not in meta and not list(out.glob("view-*.npy"))
    r = invoke(["similar", "行者", "-m", out, "--format", "json"])
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout)["provenance"]["similarity"] == "mixed"


def test_evaluate_on_a_hybrid_model_says_which_view_it_scored_and_can_score_another(hybrid_model, invoke):
    """Issue 57: the topical view applied silently to evaluate, which could not choose it; its JSON
    did not say which vectors were scored."""
    scored = {}
    for asked in (None, "mixed", "paradigmatic"):
        args = ["evaluate", "-m", hybrid_model, "--groups", "xiyouji-aliases", "--format", "json"]
        r = invoke(args + (["--similarity", asked] if asked else []))
        assert r.exit_code == 0, r.stderr
        report = json.loads(r.stdout)
        scored[asked] = report["groups"][0]
        assert report["provenance"]["similarity"] == (asked or "topical")
        assert f"({asked or 'topical'} vectors: --similarity to score another kind)" in r.stderr
    assert scored["mixed"] != scored[None]  # (the views' scores differ from the saved vectors')
