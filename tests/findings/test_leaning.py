"""Which group of a table each word leans to (w2vkit.findings.leaning), against a count made the
long way, and the map coloured by it (plot --in TABLE --by COLUMN)."""

import json
import re

import numpy as np
import pytest

from w2vkit.errors import UsageError
from w2vkit.findings.leaning import LEAN_FACTOR, LEAN_MIN_COUNT, MAX_GROUPS, leanings
from w2vkit.model.store import load_model
from w2vkit.queries.query import Engine


def counted_the_long_way(engine, table):
    """Each word's occurrences in each half, the table's rows cut by the model's own tokenizer."""
    from w2vkit.queries.segmentation import row_tokenizer

    rows = [line.split("\t") for line in table.read_text(encoding="utf-8").splitlines()[1:]]
    halves = list(dict.fromkeys(r[0] for r in rows))
    counts = np.zeros((len(halves), len(engine.model)))
    texts = [r[-1] for r in rows]
    for (half, *_), tokens in zip(rows, row_tokenizer(engine.row_options, texts[0])(texts)):
        for token in tokens:
            if token in engine.model.index:
                counts[halves.index(half), engine.model.index[token]] += 1
    return halves, counts


def test_each_word_leans_to_the_group_where_its_rate_is_clearly_highest(halves):
    folder, table = halves
    engine = Engine(load_model(folder))
    words = engine.model.words[:400]
    found = leanings(engine, words, table, "half")
    groups, counts = counted_the_long_way(engine, table)
    assert found.groups == [f"{g} ({int(t):,} tokens)" for g, t in zip(groups, counts.sum(axis=1))] + ["no clear lean"]
    rows = [engine.model.index[w] for w in words]
    rates = counts[:, rows] / counts.sum(axis=1, keepdims=True)
    shares = rates / rates.sum(axis=0)
    want = np.where(
        (counts[:, rows].sum(axis=0) < LEAN_MIN_COUNT) | (shares.max(axis=0) < LEAN_FACTOR / len(groups)),
        len(groups),
        shares.argmax(axis=0),
    )
    assert found.group == want.tolist()
    assert len(set(found.group)) == 3  # (both halves and words spread evenly, on this text)
    # 八戒 joins the pilgrims in chapter 19: the second half of the first twenty chapters
    assert found.group[words.index("八戒")] == groups.index("后")


def test_a_column_of_too_many_groups_is_one_line(halves, tmp_path):
    folder, table = halves
    engine = Engine(load_model(folder))
    lines = table.read_text(encoding="utf-8").splitlines()
    many = tmp_path / "many.tsv"
    many.write_text(
        "\n".join(["row\t" + lines[0]] + [f"r{i % (MAX_GROUPS + 5)}\t{line}" for i, line in enumerate(lines[1:])]),
        encoding="utf-8",
    )
    with pytest.raises(UsageError, match=f"has {MAX_GROUPS + 5} groups; a map colours at most {MAX_GROUPS}"):
        leanings(engine, engine.model.words[:50], many, "row")


def test_plot_colours_the_map_by_the_tables_groups(halves, invoke, tmp_path):
    folder, table = halves
    out = tmp_path / "halves.html"
    r = invoke(["plot", "-m", folder, "--top", "300", "--method", "pca", "--in", table, "--by", "half", "-o", out])
    assert r.exit_code == 0, r.stderr
    assert "in 3 groups" in r.stderr
    page = out.read_text(encoding="utf-8")
    data = json.loads(re.search(r'<script id="map-data" type="application/json">(.*?)</script>', page, re.S).group(1))
    assert data["groups"][-1] == "no clear lean" and data["plain"] == 2
    assert data["group"] == leanings(Engine(load_model(folder)), data["words"], table, "half").group
    half = invoke(["plot", "-m", folder, "--in", table, "-o", tmp_path / "x.html"])
    assert half.exit_code == 2 and "give --by COLUMN with --in TABLE" in half.stderr
    both = invoke(["plot", "-m", folder, "--in", table, "--by", "half", "--clusters", "4", "-o", tmp_path / "y.html"])
    assert both.exit_code == 2 and "colour a map by --clusters or by a column's groups --by, not both" in both.stderr


def test_a_legend_of_chinas_periods_is_in_times_order_and_other_groups_as_they_are():
    """Issue 93's trial: the period legend read 宋, 元, 唐, 五代."""
    from w2vkit.findings.leaning import in_time

    groups = ["宋", "元", "唐", "五代", "先秦"]
    assert [groups[i] for i in in_time(groups)] == ["先秦", "唐", "五代", "宋", "元"]
    assert [["漢", "唐", "戰國"][i] for i in in_time(["漢", "唐", "戰國"])] == ["戰國", "漢", "唐"]
    assert in_time(["前", "后"]) == [0, 1] and in_time(["宋", "liberal"]) == [0, 1]
