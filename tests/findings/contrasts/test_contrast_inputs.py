"""Bad input to contrast and kwic on tables that once passed without a word (issue 58): one clear
line each, before any work."""

from __future__ import annotations

import gzip
import json

import pytest
from conftest import assert_close
from test_contrast import _table, english_model


@pytest.fixture
def table(tmp_path):
    english_model(tmp_path, dim=8)
    rows = [("A", "a1", "w1 w2 w3"), ("B", "a2", "w1 w2 w4"), ("A", "a3", "w2 w3"), ("B", "a4", "w1 w4")]
    return _table(tmp_path / "t.tsv", rows)


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--groups", "A,A"], "Error: --groups names 'A' twice: give each group once\n"),
        (["--groups", ",,,"], "Error: --groups names an empty group: give group names separated by commas (唐,宋)\n"),
        (["--by", "group"], "Error: --by names 'group' twice: give each column once\n"),
        (
            ["--by", "author", "--groups", "A,B"],
            "Error: --groups orders the groups of one column; with several --by, use --where\n",
        ),
    ],
)
def test_repeated_or_empty_groups_and_a_repeated_by_are_refused(invoke, tmp_path, table, extra, message):
    r = invoke(["contrast", "w1", "--in", table, "--by", "group", "-m", tmp_path / "m", *extra])
    assert (r.exit_code, r.stderr) == (2, message)


def test_a_text_file_is_not_read_as_a_table(invoke, tmp_path):
    english_model(tmp_path, dim=8)
    text = tmp_path / "novel.txt.gz"
    with gzip.open(text, "wt", encoding="utf-8") as f:
        f.write("w1 w2 w3 " * 1000 + "\n")
    r = invoke(["contrast", "w1", "--in", text, "--by", "group", "-m", tmp_path / "m"])
    assert r.exit_code == 1 and r.stderr == (
        f"Error: {text}: not a table; give a .tsv, .csv or .jsonl file (optionally .gz) with a header row\n"
    )


def test_kwic_where_names_the_values_a_column_has(invoke, table):
    r = invoke(["kwic", "w1", "--in", table, "--where", "group=C"])
    assert (r.exit_code, r.stderr) == (2, f"Error: {table}: no row has group='C'; the column 'group' has 'A', 'B'\n")
    ok = invoke(["kwic", "w4", "--in", table, "--where", "group=A"])  # (a value the column has, no hit: 0)
    assert ok.exit_code == 0 and "0 occurrences" in ok.stderr


def test_kwic_of_a_table_with_its_model_finds_the_occurrences_contrast_counts(invoke, tmp_path):
    """Issue 58: kwic 梦 --in poetry.tsv.gz --where period=唐 found 0 where contrast counted 916:
    kwic read the raw Traditional text (夢), not what the model read."""
    filler = "春夏秋冬山水花鸟风云雨雪天地人心江河"  # (enough words for the transform)
    rows = [("唐", f"a{i % 7}", "夢回" * (1 + i % 3) + "月明（一作日）春風" + filler) for i in range(60)]
    rows += [("宋", f"b{i % 7}", "梦中" + "酒醒月" * (1 + i % 2) + filler) for i in range(60)]
    table = _table(tmp_path / "p.tsv", rows)
    trained = invoke(
        ["train", table, "--tokens", "chars", "--strip-notes", "--to-simplified", "--dim", "8", "--epochs", "1"]
        + ["--min-count", "1", "-o", tmp_path / "m", "-q"]
    )
    assert trained.exit_code == 0, trained.stderr
    raw = invoke(["kwic", "梦", "--in", table, "--where", "group=唐", "--format", "json"])
    assert json.loads(raw.stdout)["total"] == 0  # (the raw text has 夢)
    read = invoke(["kwic", "夢", "--in", table, "--where", "group=唐", "-m", tmp_path / "m", "--format", "json"])
    assert read.exit_code == 0, read.stderr
    doc = json.loads(read.stdout)
    assert doc["word"] == "梦" and doc["total"] == sum(1 + i % 3 for i in range(60))
    # (the note 一作日 dropped, as the model read it; the row as written beside it, note and script kept)
    assert "日" not in "".join(r["left"] + r["right"] for r in doc["results"])
    written = {i + 2: text for i, (_, _, text) in enumerate(rows)}  # (line 1: the header)
    assert all(r["original"] == written[r["line"]] for r in doc["results"])
    contrast = invoke(
        ["contrast", "梦", "--in", table, "--by", "group", "--groups", "唐,宋", "-m", tmp_path / "m"]
        + ["--permutations", "19", "--bootstrap", "10", "--min-occurrences", "1", "--format", "json"]
    )
    assert contrast.exit_code == 0, contrast.stderr
    counted = {r["group"]: r["occurrences"] for r in json.loads(contrast.stdout)["results"]}
    assert counted["唐"] == doc["total"]


def test_where_contrasts_the_rows_it_names_as_a_table_of_those_rows_alone(halves, tmp_path, invoke):
    """--where col=val: the same numbers as the contrast of a table holding only those rows."""
    model, table = halves
    lines = table.read_text(encoding="utf-8").splitlines()
    header, rows = lines[0], lines[1:]
    tagged = tmp_path / "tagged.tsv"  # (a column kind: every third row "c", the others "ab")
    tagged.write_text(
        "\n".join([header + "\tkind"] + [f"{r}\t{'c' if i % 3 == 0 else 'ab'}" for i, r in enumerate(rows)]) + "\n",
        encoding="utf-8",
    )
    alone = tmp_path / "alone.tsv"
    alone.write_text("\n".join([header] + [r for i, r in enumerate(rows) if i % 3]) + "\n", encoding="utf-8")
    common = ["--by", "half", "--block", "chapter", "-m", str(model), "--permutations", "199", "--format", "json"]
    filtered = invoke(["contrast", "道", "菩萨", "--in", str(tagged), "--where", "kind=ab", *common])
    by_hand = invoke(["contrast", "道", "菩萨", "--in", str(alone), *common])
    assert filtered.exit_code == 0 and by_hand.exit_code == 0, filtered.output + by_hand.output
    got, want = json.loads(filtered.stdout), json.loads(by_hand.stdout)
    assert_close(got["results"], want["results"])
    assert got["where"] == {"kind": "ab"}
    assert got["provenance"]["where"] == {"kind": "ab"}
    unknown = invoke(["contrast", "道", "--in", str(tagged), "--where", "kind=x", *common])
    assert unknown.exit_code == 2 and "no row has kind='x'; the column 'kind' has 'ab', 'c'" in unknown.output
    twice = invoke(["contrast", "道", "--in", str(tagged), "--where", "kind=ab", "--where", "kind=c", *common])
    assert twice.exit_code == 2 and "names the column 'kind' twice" in twice.output


def test_a_scan_ranked_by_the_intervals_lower_bound(halves, invoke):
    model, table = halves
    common = ["--scan", "--top", "30", "--in", str(table), "--by", "half", "--block", "chapter", "-m", str(model)]
    by_low = invoke(["contrast", *common, "--rank", "low", "--permutations", "99", "--format", "json"])
    by_change = invoke(["contrast", *common, "--rank", "change", "--permutations", "99", "--format", "json"])
    assert by_low.exit_code == 0 and by_change.exit_code == 0, by_low.output
    low, change = json.loads(by_low.stdout), json.loads(by_change.stdout)
    lows = [r["low"] for r in low["results"] if r["low"] is not None]
    assert lows == sorted(lows, reverse=True) and low["provenance"]["rank"] == "low"
    by_word = sorted(low["results"], key=lambda r: r["word"]), sorted(change["results"], key=lambda r: r["word"])
    assert_close(*by_word)  # (the same rows, reordered)
    assert [r["word"] for r in low["results"]] != [r["word"] for r in change["results"]]


def test_a_scan_puts_the_changes_that_hold_first_and_marks_the_others(halves, invoke):
    """Issue 74: the default order (findings that hold first, each part by its interval's lower
    bound) put the most planted words first (scan-power); a row with q ≥ 0.05 says so."""
    model, table = halves
    common = ["--scan", "--top", "40", "--in", str(table), "--by", "half", "--block", "chapter", "-m", str(model)]
    found = invoke(["contrast", *common, "--permutations", "99", "--format", "json"])
    assert found.exit_code == 0, found.output
    result = json.loads(found.stdout)
    rows = [r for r in result["results"] if r["change"] is not None]
    held = [r["q"] < 0.05 for r in rows]
    assert result["provenance"]["rank"] == "held" and held == sorted(held, reverse=True)
    for part in ([r for r in rows if r["q"] < 0.05], [r for r in rows if r["q"] >= 0.05]):
        assert [r["low"] for r in part] == sorted((r["low"] for r in part), reverse=True)
    assert all(("does not hold: q ≥ 0.05" in (r["note"] or "")) == (r["q"] >= 0.05) for r in rows)
    assert any(held) and not all(held)  # (both parts there, so the order was tested)
    # (both groups' neighbours and context words on the row: those the word's own contrast gives)
    first = rows[0]
    own = invoke(["contrast", first["word"], *common[3:], "--groups", "前,后", "--format", "json"])
    before = [r for r in json.loads(own.stdout)["results"] if r["group"] == "前"][0]
    assert (first["vs_neighbours"], first["vs_context"]) == (before["neighbours"], before["context"])
    assert_close(first["vs_cosines"], before["cosines"])
