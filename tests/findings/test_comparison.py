"""w2vkit.findings.comparison: the compared words are never anchors, the noise-floor z against a hand
computation (scipy's Procrustes), overlap without rotation, and the CLI's columns."""

import json

import numpy as np
import pytest
from conftest import WORDS, model_with_members
from scipy.linalg import orthogonal_procrustes

from w2vkit.findings.comparison import compare
from w2vkit.model.members import member_dir
from w2vkit.model.store import load_model
from w2vkit.queries.query import Engine


def found(result):
    """compare's Result as attributes: rows (word, cosine, overlap, z, ...), and the fields."""
    from types import SimpleNamespace

    return SimpleNamespace(rows=[SimpleNamespace(**r) for r in result.records()], **result.fields)


def unit_rows(x):
    x = np.asarray(x, dtype=np.float64)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


@pytest.fixture
def two_texts(tmp_path):
    rng = np.random.default_rng(3)
    base = rng.normal(size=(len(WORDS), 8)).astype(np.float32)
    moved = base.copy()
    moved[5] = rng.normal(size=8)  # w05 means something else in B
    a = model_with_members(tmp_path, members=4, seed=1, name="a", base=base, noise=0.2)
    b = model_with_members(tmp_path, members=4, seed=2, name="b", base=moved, noise=0.2)
    return a, b


def test_compared_words_are_never_anchors(two_texts, monkeypatch):
    import w2vkit.findings.comparison as comparison

    seen = []
    real = comparison.procrustes_rotation

    def spy(a_rows, b_rows):
        seen.append(a_rows.copy())
        return real(a_rows, b_rows)

    monkeypatch.setattr(comparison, "procrustes_rotation", spy)
    a, b = (Engine(load_model(p)) for p in two_texts)
    compare(a, b, ["w05", "w07"], anchors=100, noise_floor=False)
    anchors = seen[0]
    for word in ("w05", "w07"):
        row = a.unit_vector(a.model.index[word])
        assert not np.any(np.all(np.isclose(anchors, row, atol=1e-6), axis=1)), word
    assert len(anchors) == len(WORDS) - 2


def test_the_noise_floor_z_by_hand(two_texts):
    a_path, b_path = two_texts
    a, b = Engine(load_model(a_path)), Engine(load_model(b_path))
    result = found(compare(a, b, ["w05", "w10"], anchors=100))
    assert result.noise_floor
    rows = {r.word: r for r in result.rows}
    ua, ub = unit_rows(a.model.vectors), unit_rows(b.model.vectors)
    for word in ("w05", "w10"):
        j = WORDS.index(word)
        anchors = [i for i in range(len(WORDS)) if WORDS[i] not in ("w05", "w10")]
        rotation, _ = orthogonal_procrustes(ub[anchors], ua[anchors])
        between = float(ua[j] @ unit_rows(ub @ rotation)[j])
        assert rows[word].cosine == pytest.approx(between, abs=1e-4)
        within = []
        for path, full in ((a_path, ua), (b_path, ub)):
            for k in range(1, 5):
                member = load_model(member_dir(path, k))
                um = unit_rows(member.vectors)
                shared = [i for i in range(len(member.words)) if WORDS[i] not in ("w05", "w10")]
                r, _ = orthogonal_procrustes(um[shared], full[shared])
                if word in member.words:
                    within.append(float(full[j] @ unit_rows(um @ r)[j]))
        z = np.arctanh(np.clip(within, -0.999999, 0.999999))  # (clipped: a cosine of 1 has no Fisher z)
        expected = (z.mean() - np.arctanh(np.clip(between, -0.999999, 0.999999))) / max(z.std(ddof=1), 1e-3)
        assert rows[word].z == pytest.approx(expected, rel=1e-3, abs=1e-3)
    assert rows["w05"].z > 5 > rows["w10"].z  # the planted change stands far above the noise


def test_moved_most_with_a_noise_floor_finds_the_planted_word(two_texts, invoke):
    a, b = two_texts
    r = invoke(["compare", a, b, "--min-count", "1", "-n", "3", "--format", "json"])
    assert r.exit_code == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["noise_floor"] and data["results"][0]["word"] == "w05"
    assert list(data["results"][0]) == [
        "word",
        "z",
        "cosine",
        "overlap",
        "count_a",
        "count_b",
        "neighbours_a",
        "neighbours_b",
    ]


def test_the_moved_list_is_ordered_by_the_change_or_by_z(two_texts, invoke):
    a, b = two_texts
    orders = {}
    for rank in ("change", "z"):
        r = invoke(["compare", a, b, "--min-count", "1", "-n", "8", "--rank", rank, "--format", "json"])
        assert r.exit_code == 0, r.stderr
        rows = json.loads(r.stdout)["results"]
        orders[rank] = [row["word"] for row in rows]
        key = [round(row["cosine"] if rank == "change" else -row["z"], 5) for row in rows]
        assert key == sorted(key)
    assert orders["z"][0] == "w05" and "w05" in orders["change"]  # the planted change
    assert orders["change"] != orders["z"]


def test_overlap_needs_no_rotation_and_without_members_says_so(tmp_path, invoke):
    from w2vkit.model.store import save_model

    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(len(WORDS), 8)).astype(np.float32)
    a = save_model(tmp_path / "a", WORDS, np.arange(len(WORDS), 0, -1) + 50, vectors, {})
    b = save_model(
        tmp_path / "b",
        WORDS,
        np.arange(len(WORDS), 0, -1) + 50,
        vectors @ np.linalg.qr(rng.normal(size=(8, 8)))[0].astype(np.float32),
        {},
    )
    result = found(compare(Engine(load_model(a)), Engine(load_model(b)), ["w01", "w02"], by="overlap"))
    assert not result.aligned and all(r.overlap == 1.0 and r.cosine is None for r in result.rows)
    r = invoke(["compare", a, b, "w01"])
    assert r.exit_code == 0 and "no noise floor: without resampled members in both models" in r.stderr


def test_few_shared_words_are_a_note_a_python_caller_reads(tmp_path):
    """Issue 57: a warning inside a computation is a note of its Result, not a log line."""
    a = Engine(load_model(model_with_members(tmp_path, name="a", seed=1)))
    b = Engine(load_model(model_with_members(tmp_path, name="b", seed=2)))
    notes = [n["message"] for n in compare(a, b, [WORDS[3]]).to_dict()["notes"]]
    assert f"the models share only {len(WORDS)} words: the comparison rests on little" in notes
