"""Defaults free of the table's row order (issue 92: a shuffled table made 宋 the baseline of every
default regression row): the baseline of a column of levels is its largest group (said in the
header), the groups' rows follow a stated order, and the same table shuffled gives the same rows."""

from __future__ import annotations

import json
import random

import pytest
from test_regression import setting  # noqa: F401 (the fixture)

from w2vkit.findings.contrasts import contrast
from w2vkit.findings.tabledocs import ordered_levels

ASK = dict(permutations=19, bootstrap=20, seed=1)


def shuffled(table, tmp_path, seed: int):
    header, *rows = table.read_text(encoding="utf-8").splitlines()
    random.Random(seed).shuffle(rows)
    out = tmp_path / f"shuffled-{seed}.tsv"
    out.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return out


# what each row is, in order: its group or term, what it is against, its counts (the numbers move a
# little: the transform's fit samples contexts, and the draws fall on other rows of a shuffled table)
SAME = ("word", "covariate", "term", "vs", "group", "occurrences", "documents", "blocks")


def rows_of(result) -> str:
    return json.dumps([{k: r.get(k) for k in SAME} for r in result.to_dict()["results"]], sort_keys=True)


@pytest.mark.parametrize("by", [["year", "half"], "half"])
def test_a_shuffled_table_gives_the_same_rows_and_baseline(setting, tmp_path, by):  # noqa: F811
    engine, table = setting
    first = contrast(engine, ["菩萨"], table, by=by, block="chapter", **ASK)
    for seed in (1, 2):
        again = contrast(engine, ["菩萨"], shuffled(table, tmp_path, seed), by=by, block="chapter", **ASK)
        assert rows_of(again) == rows_of(first)
    if by == "half":
        return
    said = [n["message"] for n in first.to_dict()["notes"] if n["message"].startswith("half: levels")]
    sizes = {h: sum(1 for line in table.read_text(encoding="utf-8").splitlines()[1:] if line.split("\t")[1] == h)
             for h in ("前", "后")}  # fmt: skip
    largest = max(sorted(sizes), key=lambda h: sizes[h])
    assert said and said[0].endswith(f"against {largest} (the largest group)"), said


def test_levels_are_the_largest_first_then_in_their_own_order():
    values = ["宋"] * 3 + ["唐"] * 5 + ["元"] * 2 + ["五代"]
    assert ordered_levels(list(dict.fromkeys(values)), values) == ["唐", "五代", "元", "宋"]
    numbers = ["10", "2", "2", "1", "10", "10"]
    assert ordered_levels(["10", "2", "1"], numbers) == ["10", "1", "2"]
    tied = ["b", "a", "a", "b"]
    assert ordered_levels(["b", "a"], tied) == ["a", "b"]  # (a tie: the first in the order)
