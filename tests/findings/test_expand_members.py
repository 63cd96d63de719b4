"""expand with members and iterations: the members answer the query that ranked the candidates,
the centroid of the grown seed set (issue 57: they were asked about the seeds given, so the printed
estimate and interval belonged to another query)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import model_with_members

from w2vkit.findings.analysis import expand
from w2vkit.model.store import load_model
from w2vkit.queries.query import Engine


def unit_rows(v):
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_the_members_answer_the_grown_seed_set(tmp_path):
    engine = Engine(load_model(model_with_members(tmp_path, members=6, noise=0.3)))
    result = expand(engine, ["w01", "w02"], topn=5, min_count=1, iterations=2)
    grown = result.fields["grown_seeds"]
    assert grown[:2] == ["w01", "w02"] and len(grown) > 2  # (the iterations added words)
    for row in result.records():
        values = []
        for member in engine.members:  # each member's cosine with its own centroid of the grown seeds
            unit = unit_rows(np.asarray(member.model.vectors, dtype=np.float64))
            rows = [member.model.index[w] for w in grown if w in member.model.index]
            centroid = unit[rows].mean(axis=0)
            centroid /= np.linalg.norm(centroid)
            if row["word"] in member.model.index:
                values.append(float(unit[member.model.index[row["word"]]] @ centroid))
        expected = math.tanh(np.mean(np.arctanh(values)))  # (w2vkit.base.intervals.estimate: Fisher z mean)
        assert row["score"] == pytest.approx(expected, abs=1e-5)
        assert row["members"] == len(values)
    # the model's own cosine is the grown centroid's too
    unit = unit_rows(np.asarray(engine.model.vectors, dtype=np.float64))
    centroid = unit[[engine.model.index[w] for w in grown]].mean(axis=0)
    centroid /= np.linalg.norm(centroid)
    for row in result.records():
        assert row["model"] == pytest.approx(float(unit[engine.model.index[row["word"]]] @ centroid), abs=1e-5)


def test_with_members_the_rows_keep_the_models_order_as_similar_does(tmp_path):
    """One ordering rule (docs/findings.md): the model's cosine orders the rows of expand, as it
    does similar's by default; the printed score is the ensemble's estimate."""
    from w2vkit.queries.ensemble import similar

    engine = Engine(load_model(model_with_members(tmp_path, members=6, noise=0.4)))
    rows = expand(engine, ["w01", "w02"], topn=12, min_count=1).records()
    assert [r["model"] for r in rows] == sorted((r["model"] for r in rows), reverse=True)
    assert any(a["score"] < b["score"] for a, b in zip(rows, rows[1:]))  # (the estimate's order differs here)
    neighbours = similar(engine, ["w01"], topn=12).records()
    assert [r["model"] for r in neighbours] == sorted((r["model"] for r in neighbours), reverse=True)
