"""A contrast's group vectors asked of the model's members (w2vkit.findings.contrasts.groupmembers): each
neighbour's recurrence equals a direct computation, member by member (its own transform, each
occurrence's context mean, the group's sum, its nearest words); no members, no column."""

from __future__ import annotations

import numpy as np
import pytest

from w2vkit.findings.alacarte import Corpus, context_means, fit_transform
from w2vkit.findings.contrasts import contrast
from w2vkit.findings.contrasts.grouprows import COLUMNS, NEIGHBOURS, NEIGHBOURS_DRAWN
from w2vkit.findings.tabledocs import read_documents
from w2vkit.queries.query import Engine

WINDOW = 6


def nearest_in_member(member: Engine, model_words: list[str], docs, word: str, group: int, depth: int) -> set[str]:
    """The member's `depth` nearest words to its own vector of `word` in `group`, made directly."""
    index = member.model.index
    mapping = np.array([index.get(w, -1) for w in model_words])
    ids = docs.corpus.ids
    corpus = Corpus(np.where(ids >= 0, mapping[np.maximum(ids, 0)], -1).astype(np.int32), docs.corpus.doc, 0)
    a = fit_transform(member, corpus, WINDOW)[0]
    row = index[word]
    pos = np.flatnonzero(corpus.ids == row)
    pos = pos[docs.group[corpus.doc[pos]] == group]
    means, _ = context_means(member, corpus, pos, WINDOW)
    vector = (means.astype(np.float64) @ a.T.astype(np.float64)).sum(axis=0)
    scores = member.unit @ (vector / np.linalg.norm(vector))
    scores[row] = -np.inf
    return {member.model.words[i] for i in np.argsort(-scores)[:depth]}


def test_each_group_neighbours_recurrence_is_the_share_of_members_that_find_it(halves):
    folder, table = halves
    engine = Engine(folder)
    result = contrast(engine, ["行者"], table, by="half", block="chapter", groups=["前", "后"], window=WINDOW)
    at = COLUMNS.index("cosines") + 1  # (beside the neighbours and their cosines)
    assert result.columns == [*COLUMNS[:at], "recurrence", *COLUMNS[at:]]
    assert any("recurrence: the share of the 3 members" in n.template for n in result.notes)
    docs = read_documents(engine, table, "half", "chapter", "text", ["前", "后"])
    members = engine.members
    assert len(members) == 3
    for record in result.records():
        group = docs.groups.index(record["group"])
        found = [nearest_in_member(m, engine.model.words, docs, "行者", group, NEIGHBOURS - 1) for m in members]
        expected = [sum(w in f for f in found) / len(members) for w in record["neighbours"]]
        assert record["recurrence"] == pytest.approx(expected), record["group"]
        assert len(record["recurrence"]) == len(record["neighbours"]) == NEIGHBOURS - 1
    (path,) = result.fields["trajectories"]
    for group_name in result.fields["groups"]:
        drawn = [n for n in path["neighbours"] if n["group"] == group_name]
        group = docs.groups.index(group_name)
        found = [nearest_in_member(m, engine.model.words, docs, "行者", group, NEIGHBOURS_DRAWN) for m in members]
        assert [n["recurrence"] for n in drawn] == pytest.approx(
            [sum(n["word"] in f for f in found) / len(members) for n in drawn]
        )


def test_a_model_without_members_has_no_recurrence_column(halves, tmp_path):
    from conftest import train_on_table

    _, table = halves
    lone = Engine(train_on_table(table, tmp_path / "lone", members=0))
    result = contrast(lone, ["行者"], table, by="half", block="chapter", groups=["前", "后"], window=WINDOW)
    assert result.columns == list(COLUMNS)
    assert all("recurrence" not in n for n in result.fields["trajectories"][0]["neighbours"])
    assert not any("recurrence" in n.template for n in result.notes)
