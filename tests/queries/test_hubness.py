"""CSLS (w2vkit.base.vecmath.csls, the engine's hubness): against a direct computation on a small space; its cache is
believed only with the vectors' checksum; similar's frequency floor hides rare neighbours and says
how many."""

import numpy as np
import pytest

from w2vkit.base.vecmath import HUBNESS_K, csls
from w2vkit.model.store import load_model, save_model
from w2vkit.queries.ensemble import similar
from w2vkit.queries.query import Engine

WORDS = [f"w{i}" for i in range(50)]


@pytest.fixture
def engine(tmp_path):
    rng = np.random.default_rng(5)
    vectors = rng.normal(size=(50, 6)).astype(np.float32)
    vectors[3] = vectors[:10].mean(axis=0) * 4  # a hub: near many
    counts = np.arange(50, 0, -1) * 3
    return Engine(load_model(save_model(tmp_path / "m", WORDS, counts, vectors, {})))


def test_csls_equals_its_definition_computed_directly(engine):
    unit = engine.unit.astype(np.float64)
    sims = unit @ unit.T
    np.fill_diagonal(sims, -np.inf)
    r = np.sort(sims, axis=1)[:, -HUBNESS_K:].mean(axis=1)
    assert np.allclose(engine.hubness, r, atol=1e-5)
    q = engine.query(["w7"])
    scores = engine.scores(q.vector)
    r_q = np.sort(scores)[-HUBNESS_K:].mean()
    assert np.allclose(csls(scores, engine.hubness), 2 * scores - r - r_q, atol=1e-5)
    ranked = [row[1] for row in similar(engine, "w7", topn=5, hubness="csls").rows]
    direct = [WORDS[i] for i in np.argsort(-(2 * scores - r))[:6] if i != 7][:5]
    assert ranked == direct


def test_the_cache_is_used_only_for_these_vectors(engine):
    first = engine.hubness
    assert engine.model.cache_file("hubness.npy").is_file() and not (engine.model.path / "hubness.npy").exists()
    fresh = Engine(load_model(engine.model.path))
    assert np.array_equal(fresh.hubness, first)
    stamp = engine.model.cache_file("hubness.npy").with_suffix(".sha256")
    stamp.write_text("0" * 64 + " 10 " + "0" * 64)
    again = Engine(load_model(engine.model.path))
    assert np.allclose(again.hubness, first)  # (recomputed, and right)


def test_the_frequency_floor_hides_rare_neighbours_and_says_how_many(engine, invoke):
    plain = similar(engine, "w0", topn=10)
    floored = similar(engine, "w0", topn=10, min_neighbour_count=60)
    counts = dict(zip(WORDS, engine.model.counts.tolist()))
    assert all(counts[row[1]] >= 60 for row in floored.rows)
    hidden = sum(counts[row[1]] < 60 for row in plain.rows)
    assert hidden and f"hid {hidden} neighbour" in floored.notes[0].named()
    r = invoke(["similar", "w0", "-m", engine.model.path, "--min-neighbour-count", "60"])
    assert r.exit_code == 0 and "(--min-neighbour-count)" in r.stderr
