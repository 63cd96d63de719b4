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
            (corpus.ids[q], 1 / abs(q - p))  # (weighted by 1/distance, as GloVe weighs co-occurrences)
            for q in range(p - window, p + window + 1)
            if q != p and 0 <= q < len(corpus.ids) and corpus.doc[q] == d and corpus.ids[q] >= 0
        ]
        if context:
            weights = np.array([w for _, w in context])
            found[p] = a @ (weights @ unit[[i for i, _ in context]]) / weights.sum()
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
    assert (bad.exit_code, bad.stderr) == (
        2,
        "Error: --typical takes --in TABLE, --model MODEL (trained on it) and one --where COLUMN=GROUP or --at "
        "COLUMN=NUMBER\n",
    )


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
    assert shown.exit_code == 0 and len(chapters) == 2 and all(c.startswith("a") and " " not in c for c in chapters), (
        chapters
    )
    text = invoke(["kwic", "菩萨", "-m", str(model), "--columns", "chapter"])
    assert text.exit_code == 2 and "--columns names a table's columns: give --in TABLE" in text.stderr


def _with_place(table, path):
    """The halves table with a number column `place`: 0 in the first half, 1 in the second."""
    lines = table.read_text(encoding="utf-8").splitlines()
    rows = [f"{line}\t{int(line.startswith('后'))}" for line in lines[1:]]
    path.write_text("\n".join([lines[0] + "\tplace"] + rows) + "\n", encoding="utf-8")
    return path


def test_the_nearest_contexts_of_a_fitted_vector_at_a_number(halves, tmp_path):
    """Issue 74 (conText's get_ncs): the line through every occurrence's vector along a number,
    read at a value. Along a number that is 0 in one half and 1 in the other, the line at 1 is the
    second half's mean, so each of its occurrences is exactly as typical as `group="后"` says."""
    model, table = halves
    engine = Engine(load_model(model))
    placed = _with_place(table, tmp_path / "placed.tsv")
    by_group = typical_passages(engine, "菩萨", table, by="half", group="后", limit=10_000).records()
    at_one = typical_passages(engine, "菩萨", placed, by="place", at=1, limit=10_000)
    assert at_one.fields["at"] == 1.0 and "nearest the fitted vector at place=1" in at_one.notes[0].template
    second = {(r["line"], r["left"], r["right"]): r["typicality"] for r in by_group}
    matched = [r for r in at_one.records() if (r["line"], r["left"], r["right"]) in second]
    assert len(matched) == len(second) > 10
    assert all(abs(r["typicality"] - second[(r["line"], r["left"], r["right"])]) < 1e-3 for r in matched)
    assert at_one.fields["occurrences"] > len(second)  # (every row's occurrences are ranked)


def test_the_fitted_vector_is_the_least_squares_line_of_scikit_learn():
    from sklearn.linear_model import LinearRegression

    from w2vkit.findings.typical import fitted_at

    rng = np.random.default_rng(3)
    x = rng.uniform(600, 1300, 50)
    vectors = rng.normal(size=(50, 8)) + np.outer(x, rng.normal(size=8)) / 500
    expected = LinearRegression().fit(x[:, None], vectors).predict([[700.0]])[0]
    assert np.allclose(fitted_at(vectors, x, 700.0, "year"), expected)


def test_a_point_that_is_not_a_number_is_one_line(halves, invoke, tmp_path):
    model, table = halves
    placed = _with_place(table, tmp_path / "placed.tsv")
    cases = {
        ("--at", "place=soon"): "Error: --at place='soon': give a number (700, 1.5)\n",
        ("--at", "half=1"): f"Error: {placed}: column 'half' holds '前', not a number; --at reads a number column\n",
    }
    for extra, message in cases.items():
        r = invoke(["kwic", "菩萨", "--in", str(placed), "-m", str(model), "--typical", *extra])
        assert (r.exit_code, r.stderr) == (2, message)
    alone = invoke(["kwic", "菩萨", "--in", str(placed), "-m", str(model), "--at", "place=1"])
    assert alone.exit_code == 2 and "--at COLUMN=VALUE is a point for --typical" in alone.stderr
    both = invoke(
        ["kwic", "菩萨", "--in", str(placed), "-m", str(model), "--typical", "--at", "place=1", "--where", "half=后"]
    )
    assert both.exit_code == 2 and "one --where COLUMN=GROUP or --at COLUMN=NUMBER" in both.stderr


def test_a_point_outside_the_data_is_said_as_contrast_says_it(halves, invoke, tmp_path):
    """Reading the line at place=5 (the data hold 0 and 1) extends it past the text: warned with
    contrast's wording; a point inside the data gets no such warning."""
    model, table = halves
    placed = _with_place(table, tmp_path / "placed.tsv")
    engine = Engine(load_model(model))
    far = typical_passages(engine, "菩萨", placed, by="place", at=5, limit=3)
    warned = [n.named() for n in far.notes if n.kind == "warning"]
    assert warned == [
        "at place=5 lie outside the data (place's 1st to 99th percentile over the documents: 0 to 1): "
        "the fit there extends the line past what the text shows"
    ]
    inside = typical_passages(engine, "菩萨", placed, by="place", at=0.5, limit=3)
    assert [n for n in inside.notes if n.kind == "warning"] == []
    r = invoke(["kwic", "菩萨", "--in", str(placed), "-m", str(model), "--typical", "--at", "place=-1", "-n", "2"])
    assert r.exit_code == 0 and "--at place=-1 lie outside the data" in r.stderr
