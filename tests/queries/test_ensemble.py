"""w2vkit.queries.ensemble: the members' answers (recurrence, the estimate and its interval, a
query's stability, a pair's similarity) against a brute-force computation over the members' own
vector files."""

import json
import math

import numpy as np
import pytest
from conftest import WORDS, model_with_members

from w2vkit.base.intervals import t_quantile
from w2vkit.model.members import member_dir
from w2vkit.model.store import load_model
from w2vkit.queries.ensemble import STABILITY_NEIGHBOURS, member_views, query_stability, similarity
from w2vkit.queries.ensemble import spreads as member_spreads
from w2vkit.queries.query import Engine


def unit(v):
    return v / np.linalg.norm(v)


def member_cosines(folder, word):
    """Each member's cosines of `word` with its other words, from its own files (None: it lacks the word)."""
    out = []
    for k in range(1, 7):
        m = load_model(member_dir(folder, k))
        vec = {w: unit(v.astype(np.float64)) for w, v in zip(m.words, np.asarray(m.vectors))}
        out.append({w: float(vec[word] @ v) for w, v in vec.items() if w != word} if word in vec else None)
    return out


def test_recurrence_and_intervals_equal_a_brute_force_count(tmp_path):
    folder = model_with_members(tmp_path)
    engine = Engine(load_model(folder))
    assert len(engine.members) == 6
    hits = [w for w, _ in engine.most_similar(["w01"], topn=5)] + ["w39"]
    spreads = member_spreads(member_views(engine, engine.query(["w01"]), 5), hits, 5)
    members = [load_model(member_dir(folder, k)) for k in range(1, 7)]
    for hit, spread in zip(hits, spreads):
        inside, values = 0, []
        for m in members:
            vec = {w: unit(v.astype(np.float64)) for w, v in zip(m.words, np.asarray(m.vectors))}
            if hit not in vec:
                continue
            sims = {w: float(vec["w01"] @ v) for w, v in vec.items() if w != "w01"}
            top = sorted(sims, key=lambda w: -sims[w])[:5]
            inside += hit in top
            values.append(sims[hit])
        assert spread.recurrence == pytest.approx(inside / 6)  # absent in a member: not recurring there
        assert spread.found == len(values)
        z = np.arctanh(values)
        half = t_quantile(0.95, len(z) - 1) * z.std(ddof=1) * math.sqrt(1 + 1 / len(z))
        assert (spread.low, spread.high) == pytest.approx(
            (math.tanh(z.mean() - half), math.tanh(z.mean() + half)), abs=1e-5
        )
        assert spread.estimate == pytest.approx(math.tanh(z.mean()), abs=1e-5)  # (inside, by construction)
        assert spread.low <= spread.estimate <= spread.high
    assert spreads[-1].found == 3  # w39 is in the odd members only


def test_a_querys_stability_is_the_mean_recurrence_of_its_top_neighbours(tmp_path):
    folder = model_with_members(tmp_path)
    engine = Engine(load_model(folder))
    tops = [w for w, _ in engine.most_similar(["w03"], topn=STABILITY_NEIGHBOURS)]
    members = member_cosines(folder, "w03")
    shares = []
    for hit in tops:
        inside = 0
        for sims in members:
            if sims is not None and hit in sims:
                inside += hit in sorted(sims, key=lambda w: -sims[w])[:STABILITY_NEIGHBOURS]
        shares.append(inside / len(members))
    assert query_stability(engine, engine.query(["w03"])) == pytest.approx(np.mean(shares))


def test_a_pairs_similarity_is_the_members_estimate_beside_the_models_cosine(tmp_path):
    folder = model_with_members(tmp_path)
    engine = Engine(load_model(folder))
    row = similarity(engine, (WORDS[0], WORDS[39])).records()[0]
    values = [sims[WORDS[39]] for sims in member_cosines(folder, WORDS[0]) if sims is not None and WORDS[39] in sims]
    assert row["members"] == len(values) == 3  # (w39 is in the odd members only)
    assert row["similarity"] == pytest.approx(math.tanh(np.arctanh(values).mean()), abs=1e-5)
    assert row["model"] == pytest.approx(engine.similarity(WORDS[0], WORDS[39]), abs=1e-6)
    assert row["low"] <= row["similarity"] <= row["high"]


@pytest.mark.parametrize("similarity", [None, "mixed"])
def test_similar_and_similarity_print_one_score_to_the_last_digit(halves, invoke, similarity):
    """Issue 91 (the review's B8): similar gave 八戒 0.9489270448684692 and similarity 0.9489269852638245,
    one cosine by two formulas. similarity reads Engine.scores at b's row, as similar ranks it, for
    the model and for each member: every printed number of a pair is the same, digit for digit."""
    model, _ = halves
    kind = ["--similarity", similarity] if similarity else []
    found = json.loads(invoke(["similar", "行者", "-m", model, "-n", "10", "--format", "json", *kind]).stdout)
    rows = found["results"]
    assert len(rows) == 10 and {"similarity", "model", "low", "high"} <= set(rows[0])
    for row in rows:
        pair = invoke(["similarity", "行者", row["word"], "-m", model, "--format", "json", *kind])
        got = json.loads(pair.stdout)["results"][0]
        assert [got[c] for c in ("similarity", "model", "low", "high")] == [
            row[c] for c in ("similarity", "model", "low", "high")
        ], row["word"]
