"""w2vkit.findings.contrasts.grouprows (a word's path through ordered groups, on the plane of principal axes,
cross-checked against scikit-learn's PCA) and w2vkit.pictures.trajectoryplot through the command."""

import json

import numpy as np
import pytest
from conftest import engine_of
from test_contrast import VOCAB, _table, english_model

from w2vkit.findings.contrasts.grouprows import NEIGHBOURS_DRAWN, trajectory


def test_the_plane_is_scikit_learns_pca_of_the_points_drawn():
    from sklearn.decomposition import PCA

    rng = np.random.default_rng(0)
    unit = rng.normal(size=(40, 8))
    unit /= np.linalg.norm(unit, axis=1, keepdims=True)
    means = [unit[3] + 0.2 * rng.normal(size=8), None, unit[9] + 0.2 * rng.normal(size=8)]
    means = [m / np.linalg.norm(m) if m is not None else None for m in means]
    words = [f"v{i}" for i in range(40)]
    engine = engine_of(unit)
    unit = engine.unit.astype(np.float64)  # (the model's vectors, as float32 keeps them)
    path = trajectory("v0", ["a", "b", "c"], means, engine, 0)
    assert [p["group"] for p in path["points"]] == ["a", "c"]
    near = [words.index(n["word"]) for n in path["neighbours"]]
    assert 0 not in near and len(near) <= 2 * NEIGHBOURS_DRAWN and len(set(near)) == len(near)
    for m in (means[0], means[2]):  # each group's nearest words are drawn
        scores = unit @ m
        scores[0] = -np.inf
        assert set(np.argsort(-scores)[:NEIGHBOURS_DRAWN]) <= set(near)
    vectors = np.vstack([means[0], means[2]] + [unit[i] for i in near])
    expected = PCA(n_components=2).fit_transform(vectors)
    got = np.array([[p["x"], p["y"]] for p in path["points"] + path["neighbours"]])
    signs = np.sign(np.sum(got * expected, axis=0))
    assert np.allclose(got, expected * signs, atol=1e-8)


def test_a_single_group_with_vectors_has_no_path():
    unit = np.eye(4)
    assert trajectory("v0", ["a", "b"], [unit[1], None], engine_of(unit), 0) is None


@pytest.fixture
def ordered_table(tmp_path):
    english_model(tmp_path, dim=16)
    rng = np.random.default_rng(3)
    rows = [("ABC"[n // 100], f"a{n // 5}", " ".join(VOCAB[i] for i in rng.integers(0, 60, 12))) for n in range(300)]
    return _table(tmp_path / "t.tsv", rows)


def test_the_command_draws_the_paths_of_ordered_groups(invoke, tmp_path, ordered_table):
    out = tmp_path / "paths.png"
    r = invoke(
        ["contrast", "w1", "w2", "--in", ordered_table, "--by", "group", "--groups", "A,B,C", "--block", "author"]
        + ["--permutations", "19", "--bootstrap", "10", "-m", tmp_path / "m", "-o", out]
    )
    assert r.exit_code == 0, r.stderr
    assert f"drew 2 paths -> {out}" in r.stderr
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # each point carries the change from the group before and its interval (the picture writes them)
    doc = json.loads(invoke(["contrast", "w1", "--in", ordered_table, "--by", "group", "--groups", "A,B,C", "--block",
                             "author", "--permutations", "19", "--bootstrap", "10", "-m", tmp_path / "m",
                             "--format", "json"]).stdout)  # fmt: skip
    rows = {r["group"]: r for r in doc["results"]}
    for point in doc["trajectories"][0]["points"]:
        assert [point["change"], point["low"], point["high"]] == [
            rows[point["group"]][k] for k in ("change", "low", "high")
        ]


@pytest.mark.parametrize(
    "args, message",
    [
        (["w1", "-o", "paths.txt"], "paths.txt: an axis is drawn as an image; give a .png, .svg or .pdf name"),
        (["--scan", "5", "-o", "paths.png"], "-o draws the paths of WORDs, not of a scan"),
        (["w1", "--groups", "C,A,B", "-o", "paths.png"], None),
        (["w1", "-o", "paths.png"], "the groups have no order: give --groups A,B,C"),
        (["w1", "--by", "author", "-o", "paths.png"], "too many groups to contrast each against the rest (at most 50)"),
        (["w1", "-o", "paths.png", "--font", "nofont.ttf"], "nofont.ttf: no such font file"),
        (["w1", "-o", "paths.png", "--font", "."], ".: a folder, not a font file; give a .ttf, .otf or .ttc file"),
    ],
)
def test_a_path_that_cannot_be_drawn_is_refused(invoke, tmp_path, ordered_table, args, message, monkeypatch):
    monkeypatch.chdir(tmp_path)
    by = [] if "--by" in args else ["--by", "group"]  # (--by is given once)
    r = invoke(["contrast", "--in", ordered_table, *by, "-m", tmp_path / "m", "--permutations", "19", *args])
    if message is None:  # (ordered groups in any order the user gives)
        assert r.exit_code == 0 and (tmp_path / "paths.png").is_file(), r.stderr
    else:
        assert r.exit_code == 2 and message in r.stderr and r.stderr.count("\n") == 1, r.stderr
        assert not (tmp_path / "paths.png").exists()


@pytest.mark.parametrize("target", ["table", "font", "model", "folder", "fifo-font"])
def test_a_picture_onto_the_table_the_font_or_the_model_is_refused_before_any_work(
    invoke, tmp_path, ordered_table, target, monkeypatch
):
    """A link named as the picture that leads to the table (or the font, or into the model) once
    had the table overwritten by the picture; a folder was refused only after the whole contrast."""
    import os
    import shutil

    from w2vkit.pictures.fonts import bundled_font_path

    font = tmp_path / "font.otf"
    shutil.copyfile(bundled_font_path(), font)
    before = {p: p.read_bytes() for p in (ordered_table, font, tmp_path / "m" / "vocab.tsv")}
    out = tmp_path / "paths.png"
    if target == "table":
        out.symlink_to(ordered_table)
    elif target == "font":
        out.symlink_to(font)
    elif target == "model":
        out.symlink_to(tmp_path / "m" / "vocab.tsv")
    elif target == "folder":
        out.mkdir()
    else:
        os.mkfifo(tmp_path / "fifo.otf")
    calls = []
    import w2vkit.findings.contrasts.contrasting as contrast_module

    monkeypatch.setattr(contrast_module, "read_documents", lambda *a, **k: calls.append(a))
    r = invoke(
        ["contrast", "w1", "--in", ordered_table, "--by", "group", "--groups", "A,B,C", "-m", tmp_path / "m"]
        + ["-o", out, "--font", tmp_path / "fifo.otf" if target == "fifo-font" else font]
    )
    assert r.exit_code in (1, 2) and r.stderr.startswith("Error: ") and r.stderr.count("\n") == 1, r.stderr
    expected = {
        "table": "this command reads it",
        "font": "this command reads it",
        "model": "this command reads it",
        "folder": "is a folder; give the picture's file name",
        "fifo-font": "not a regular file (a pipe or a device)",
    }[target]
    assert expected in r.stderr, r.stderr
    assert calls == []  # refused before the table was read
    assert all(p.read_bytes() == data for p, data in before.items())
