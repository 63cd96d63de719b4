"""The passages most typical of a word's use in a group (w2vkit.findings.typical), against a
plain per-occurrence computation written here, and from the command line (kwic --typical)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from w2vkit.errors import UsageError
from w2vkit.findings.alacarte import transform
from w2vkit.findings.tabledocs import read_documents
from w2vkit.findings.typical import typical_passages
from w2vkit.model.store import load_model
from w2vkit.queries.query import Engine


def naive_typicality(engine, docs, row, group, window):
    """Each occurrence's vector the long way (its context's unit vectors one by one), and its
    cosine with the group's mean: {(line, position in the document): typicality}."""
    corpus = docs.corpus
    a = transform(engine, corpus, window).astype(np.float64)
    unit = engine.unit.astype(np.float64)
    found = {}
    for p in np.flatnonzero(corpus.ids == row):
        d = corpus.doc[p]
        if docs.groups[docs.group[d]] != group:
            continue
        context = [
            corpus.ids[q]
            for q in range(p - window, p + window + 1)
            if q != p and 0 <= q < len(corpus.ids) and corpus.doc[q] == d and corpus.ids[q] >= 0
        ]
        if context:
            found[p] = a @ unit[context].mean(axis=0)
    mean = np.sum(list(found.values()), axis=0)
    mean /= np.linalg.norm(mean)
    return {p: float(v @ mean / np.linalg.norm(v)) for p, v in found.items()}


def test_the_most_typical_passages_are_the_occurrences_closest_to_the_groups_mean(halves):
    model, table = halves
    engine = Engine(load_model(model))
    got = typical_passages(engine, "菩萨", table, by="half", group="后", block="chapter", window=6, limit=10)
    docs = read_documents(engine, table, "half", "chapter", "text")
    want = naive_typicality(engine, docs, engine.model.index["菩萨"], "后", 6)
    assert got.fields["occurrences"] == len(want)
    best = sorted(want.values(), reverse=True)[:10]
    scores = [r["typicality"] for r in got.records()]
    assert scores == sorted(scores, reverse=True)
    assert np.allclose(scores, best, atol=1e-3)
    lines = {docs.lines[docs.corpus.doc[p]] for p, v in want.items() if v >= best[-1] - 1e-6}
    assert {r["line"] for r in got.records()} <= lines
    assert all(r["word"] == "菩萨" for r in got.records())
    rows = table.read_text(encoding="utf-8").splitlines()
    first = got.records()[0]
    assert "菩萨" in rows[first["line"] - 1] and rows[first["line"] - 1].startswith("后\t")


def test_an_unknown_group_is_named(halves):
    model, table = halves
    with pytest.raises(UsageError, match="no group '中' in column 'half'; it has '前', '后'"):
        typical_passages(Engine(load_model(model)), "菩萨", table, by="half", group="中")


def test_kwic_typical_from_the_command_line(halves, invoke):
    model, table = halves
    result = invoke(
        ["kwic", "菩萨", "--in", str(table), "-m", str(model), "--where", "half=后", "--typical", "-n", "3"]
        + ["--format", "json"]
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["results"]
    assert "the most typical first" in result.stderr and [r["word"] for r in rows] == ["菩萨"] * 3
    # (issue 74: the row as written beside the passage as the model read it, its punctuation kept)
    texts = {n: line.split("\t")[-1] for n, line in enumerate(table.read_text(encoding="utf-8").splitlines(), 1)}
    for r in rows:
        assert r["original"].strip("…") in " ".join(texts[r["line"]].split()) and "菩萨" in r["original"]
    bad = invoke(["kwic", "菩萨", "--in", str(table), "--typical"])
    assert bad.exit_code == 2 and "--typical takes --in TABLE, -m MODEL" in bad.output


def test_typical_passages_show_the_columns_asked_for_from_their_own_row(halves):
    """--columns chapter (issue 74: passages with author and title): each passage's cells are its
    own row's, read from the table by its line."""
    model, table = halves
    engine = Engine(load_model(model))
    result = typical_passages(engine, "菩萨", table, by="half", group="后", limit=5, columns=["chapter", "half"])
    assert result.columns[:4] == ["rank", "line", "chapter", "half"]
    lines = table.read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    for r in result.records():
        row = dict(zip(header, lines[r["line"] - 1].split("\t")))
        assert (r["chapter"], r["half"]) == (row["chapter"], row["half"]) == (r["chapter"], "后")


def test_columns_a_table_lacks_are_named_with_those_it_has(halves, invoke):
    model, table = halves
    for extra in (["-m", str(model), "--where", "half=后", "--typical"], []):
        r = invoke(["kwic", "菩萨", "--in", str(table), "--columns", "author", *extra])
        assert (r.exit_code, r.stderr) == (
            2,
            f"Error: {table}: no column 'author' for --columns; it has half, chapter, text\n",
        )
    shown = invoke(["kwic", "菩萨", "--in", str(table), "--columns", "chapter", "-n", "2", "--format", "json"])
    chapters = [r["chapter"] for r in json.loads(shown.stdout)["results"]]
    assert shown.exit_code == 0 and all(c.startswith("chapter=") and " " not in c for c in chapters)
    text = invoke(["kwic", "菩萨", "-m", str(model), "--columns", "chapter"])
    assert text.exit_code == 2 and "--columns names a table's columns: give --in TABLE" in text.stderr
