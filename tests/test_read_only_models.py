"""A query writes nothing into a model folder (issue 91, the review's B9: the first CSLS question
wrote `hubness-topical.npy` into the model three minutes after training). What is computed from a
model (norms, hubness, layouts, clusters, a table's tokens and à la carte transforms) is kept in
the user's cache. Each operation is run on a model trained by this version, with its members and
views, and the folder is listed before and after: names, sizes and modification times alike."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest


def listing(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(folder)): (p.lstat().st_size, p.lstat().st_mtime_ns) for p in folder.rglob("*")}


@pytest.fixture
def model_and_table(halves, tmp_path):
    model, table = halves
    copy = tmp_path / "model"
    shutil.copytree(model, copy)
    return copy, table


def operations(model: Path, table: Path, out: Path) -> list[list]:
    m = ["-m", model]
    return [
        ["similar", "行者", *m],
        ["similar", "行者", *m, "--hubness", "csls"],
        ["similar", "行者", *m, "--hubness", "csls", "--similarity", "topical"],
        ["similarity", "行者", "八戒", *m],
        ["analogy", "行者", "八戒", "师父", *m],
        ["expand", "行者", "八戒", *m, "-n", "5"],
        ["axis", "--pairs", "行者:八戒", "-w", "师父", *m],
        ["compare", model, sorted((model / "members").iterdir())[0], "行者", "菩萨"],
        ["kwic", "行者", *m, "-n", "2"],
        ["kwic", "菩萨", "--in", table, "--where", "half=前", "--typical", *m, "-n", "2"],
        ["contrast", "菩萨", "--in", table, "--by", "half", "--block", "chapter", "--permutations", "19", *m],
        ["contrast", "菩萨", "--in", table, "--by", "half", "--permutations", "19", "--ratio", *m],
        ["plot", "行者", "八戒", "--neighbors", "5", "--method", "pca", *m, "-o", out / "p.png"],
        ["plot", "--top", "300", "--method", "pca", *m, "-o", out / "map.html"],
        ["info", *m],
        ["embed", table, *m, "-o", out / "e.npy", "--format", "npy"],
        ["index", table, *m, "-o", out / "ix"],
        ["search", "行者", "--index", out / "ix", *m],
    ]


def test_no_operation_writes_into_the_model_folder(model_and_table, invoke, tmp_path):
    model, table = model_and_table
    out = tmp_path / "out"
    out.mkdir()
    before = listing(model)
    assert (model / "members").is_dir() and any(name.startswith("view-") for name in before)
    for args in operations(model, table, out):
        r = invoke(args)
        assert r.exit_code == 0, (args, r.stderr)
        assert listing(model) == before, (args, sorted(set(listing(model)) ^ set(before)))
    cache = Path(os.environ["W2VKIT_CACHE"]) / "models"
    kept = {p.name for p in cache.rglob("*.npy")}
    # (each kept under the view it was computed for: the explorer's two views keep both)
    assert {"hubness-topical.npy", "alacarte-topical.npy", "table-tokens-topical.npy", "layout-pca-topical.npy"} <= kept


def test_the_explorer_writes_nothing_into_the_model_folder(model_and_table):
    from w2vkit.explore.launch import open_session
    from w2vkit.explore.mapview import map_page_of, map_question
    from w2vkit.explore.questions import answer, fit_group_transforms

    model, table = model_and_table
    before = listing(model)
    session = open_session(model, table=table, by="half", block="chapter")
    for name, params in [
        ("similar", {"positive": "行者", "hubness": "csls"}),
        ("neighbourhood", {"positive": "行者"}),
        ("contrast", {"words": "菩萨"}),
        ("kwic", {"word": "菩萨", "group": "前"}),
    ]:
        answer(session, name, params)
        assert listing(model) == before, name
    fit_group_transforms(session)
    map_page_of(session, map_question(session, {"top": "300"}))
    assert listing(model) == before


def test_a_models_cache_folder_is_never_a_path_of_its_records_making(tmp_path, monkeypatch):
    import numpy as np

    from w2vkit.model.store import Model

    monkeypatch.setenv("W2VKIT_CACHE", str(tmp_path / "cache"))
    for sha in ("../../../etc", "a" * 63 + "/", None, 5):
        model = Model(tmp_path / "m", ["w"], np.ones(1), np.ones((1, 2), np.float32), {"vectors_sha256": sha})
        kept = model.cache_file("norms.npy")
        assert kept.parent.parent == tmp_path / "cache" / "models" and len(kept.parent.name) == 32, kept
    good = Model(tmp_path / "m", ["w"], np.ones(1), np.ones((1, 2), np.float32), {"vectors_sha256": "ab" * 32})
    assert good.cache_file("x.npy").parent.name == "ab" * 16
