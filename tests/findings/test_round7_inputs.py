"""Round 7's contrast and regression cases (../shared/reports/round7-hostile.md, R6, R8, R9,
R16-R19, R21): each gets one clear line or a right answer. The table is the halves model's text
with hostile covariate columns."""

from __future__ import annotations

import numpy as np
import pytest

from w2vkit.errors import UsageError
from w2vkit.findings.contrasts import contrast
from w2vkit.findings.tabledocs import number_value
from w2vkit.model.store import load_model
from w2vkit.queries.query import Engine

WORD = "菩萨"
QUICK = {"permutations": 19, "bootstrap": 10}


@pytest.fixture(scope="module")
def setting(halves, tmp_path_factory):
    """(engine, table path, rows as dicts): year by chapter, and the hostile columns beside it."""
    folder, source = halves
    lines = [line.split("\t") for line in source.read_text(encoding="utf-8").splitlines()[1:]]
    rng = np.random.default_rng(5)
    rows = []
    years: dict[str, int] = {}
    poems: dict[str, int] = {}  # (a skewed number per chapter: as authors' poem counts, 1 to thousands)
    for n, (half, chapter, text) in enumerate(lines):
        year = years.setdefault(chapter, 600 + 5 * len(years) + int(rng.integers(0, 3)))
        count = poems.setdefault(chapter, int(np.ceil(rng.lognormal(1.0, 2.0))))
        rows.append({
            "year": str(year),
            "year_nan": "nan" if n % 3 == 0 else str(year),
            "year_inf": "inf" if n == 7 else str(year),
            "huge": f"{(year - 590) * 1e305:.6g}",
            "under": f"{year // 1000}_{year % 1000:03d}",
            "sparse": half if n % 2 else "",
            "row_year": str(600 + n),
            "year:number": str(year),
            "count": str(count),
            "signed": str(year - 700),
            "half": half,
            "chapter": chapter,
            "text": text,
        })  # fmt: skip
    # (uneven blocks, runs of 1 to 20 chapters, and a number that follows their sizes: as an author's
    # poem count follows the author's block)
    lengths = [1, 1, 1, 1, 2, 2, 4, 8, 20]
    run = {chapter: int(np.searchsorted(np.cumsum(lengths), k, side="right")) for k, chapter in enumerate(years)}
    sizes = {k: sum(run[r["chapter"]] == k for r in rows) for k in set(run.values())}
    for r in rows:
        r["run"], r["run_rows"] = f"run{run[r['chapter']]}", str(sizes[run[r["chapter"]]])
    table = tmp_path_factory.mktemp("round7") / "hostile.tsv"
    columns = list(rows[0])
    table.write_text(
        "\t".join(columns) + "\n" + "".join("\t".join(r[c] for c in columns) + "\n" for r in rows), encoding="utf-8"
    )
    return Engine(load_model(folder)), table, rows


@pytest.mark.parametrize(("column", "bad"), [("year_nan", "nan"), ("year_inf", "inf")])
def test_a_missing_value_spelt_as_a_number_is_said_not_read_as_hundreds_of_levels(setting, column, bad):
    engine, table, _ = setting  # (C05, C06)
    with pytest.raises(UsageError, match=f"column '{column}' holds numbers and '{bad}': leave a missing value's cell"):
        contrast(engine, [WORD], table, by=[column], **QUICK)


def test_a_dataframe_with_an_infinite_year_is_said_too(setting):
    pandas = pytest.importorskip("pandas")  # (API15; pandas is in the test extra)
    engine, _, rows = setting
    frame = pandas.DataFrame({"year": [float(r["year"]) for r in rows], "text": [r["text"] for r in rows]})
    frame.loc[7, "year"] = float("inf")
    with pytest.raises(UsageError, match="column 'year' holds numbers and 'inf'"):
        contrast(engine, [WORD], frame, by=["year"], **QUICK)


def test_values_too_large_to_fit_are_refused_in_one_line(setting):
    engine, table, _ = setting  # (C07, C08: numpy's overflow warnings, then LinAlgError)
    with pytest.raises(UsageError, match=r"column 'huge' has values too large to fit \(.*e\+30\d\); rescale it"):
        contrast(engine, [WORD], table, by=["huge:number"], **QUICK)
    with pytest.raises(UsageError, match="too large to fit"):
        contrast(engine, [WORD], table, by=["huge"], **QUICK)


def test_numbers_are_read_as_r_and_pandas_read_them():
    assert number_value("1_700") is None and number_value("1700") == 1700.0  # (C21: Python's syntax, not R's)
    assert number_value("nan") is None and number_value("-inf") is None and number_value("1e308") is None
    assert number_value("-2.5e3") == -2500.0


def test_underscored_numbers_are_levels(setting):
    from w2vkit.findings.contrasts.design import resolve

    _, table, rows = setting
    (under,) = resolve(table, list(enumerate(rows, 2)), ["under"])
    assert under.kind == "levels" and "write under:number" not in under.why


def test_rows_without_a_group_are_counted_in_a_note(setting):
    engine, table, rows = setting  # (C15: dropped silently)
    result = contrast(engine, [WORD], table, by="sparse", **QUICK)
    empty = sum(1 for r in rows if not r["sparse"])
    assert any(str(n) == f"{empty:,} rows have no value in sparse and are left out" for n in result.notes)


def test_a_column_named_like_a_kind_is_not_taken_silently(setting):
    engine, table, _ = setting  # (C27)
    with pytest.raises(UsageError, match="'year:number' names a column, and also column 'year' as a number"):
        contrast(engine, [WORD], table, by=["year:number"], **QUICK)


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "1e308"])
def test_at_a_value_that_is_not_a_finite_number_is_refused(setting, value):
    engine, table, _ = setting  # (C33, C33b, C35)
    with pytest.raises(UsageError, match=f"^at gives year='{value}': year is a finite number$"):
        contrast(engine, [WORD], table, by=["year"], at=[{"year": value}], **QUICK)


def test_at_outside_the_data_is_noted(setting):
    """C36b, issue 74: beyond the 1st-99th percentile of the documents' values (the researcher's
    --at length=5000 lay inside the longest poem's length, yet where almost no poem is)."""
    engine, table, rows = setting
    low, high = np.percentile([float(r["year"]) for r in rows], [1, 99])
    result = contrast(engine, [WORD], table, by=["year"], at=[{"year": "650"}, {"year": "2599"}], **QUICK)
    outside = [str(n) for n in result.notes if "outside the data" in str(n)]
    assert outside == [
        f"at year=2599 lie outside the data (year's 1st to 99th percentile over the documents: {low:g} to {high:g}): "
        "the fit there extends the line past what the text shows"
    ]
    years = [float(r["row_year"]) for r in rows]  # (a year per row: the last lie past the 99th percentile)
    last, top = max(years), np.percentile(years, 99)
    assert last > top
    near_top = contrast(engine, [WORD], table, by=["row_year"], at=[{"row_year": f"{last:g}"}], **QUICK)
    assert any(f"{top:g}): the fit there extends" in str(n) for n in near_top.notes)


def test_at_of_the_wrong_type_and_column_names_that_are_not_text_are_type_errors(setting):
    engine, table, _ = setting  # (API21, API05)
    with pytest.raises(TypeError, match="at must be a list of {column: value} dicts, not dict"):
        contrast(engine, [WORD], table, by=["year"], at={"year": "700"}, **QUICK)
    with pytest.raises(TypeError, match="by must be a column name or a list of them"):
        contrast(engine, [WORD], table, by=1, **QUICK)
    with pytest.raises(TypeError, match="text_column must be a column name .str., not int"):
        contrast(engine, [WORD], table, by="half", text_column=1, **QUICK)


def test_a_dataframe_is_named_so_in_messages_never_by_its_repr(setting):
    pandas = pytest.importorskip("pandas")  # (API03, API23)
    engine, _, rows = setting
    with pytest.raises(Exception, match=r"^the DataFrame: no rows$"):
        contrast(engine, [WORD], pandas.DataFrame({"half": [], "text": []}), by="half", **QUICK)
    frame = pandas.DataFrame({"half": [r["half"] for r in rows], "region": ["north"] * len(rows),
                              "text": [r["text"] for r in rows]})  # fmt: skip
    with pytest.raises(UsageError, match=r"^the DataFrame: no row has region='south'; the column 'region' has 'north'"):
        contrast(engine, [WORD], frame, by="half", where={"region": "south"}, **QUICK)


def test_a_pooled_target_names_each_part_once_and_at_most_100(setting):
    engine, table, _ = setting  # (C72, C73, C77, C78)
    with pytest.raises(UsageError, match=f"names '{WORD}' twice; pool each word once"):
        contrast(engine, [f"{WORD}+{WORD}"], table, by="half", **QUICK)
    with pytest.raises(UsageError, match="more than 100 pooled parts"):
        contrast(engine, ["+".join([WORD] * 20_000)], table, by="half", **QUICK)
    many = "+".join(f"{w}{n}" for n in range(3000) for w in ("月", "日", "风", "花", "雪"))
    with pytest.raises(UsageError, match="more than 100 pooled parts"):
        contrast(engine, [many], table, by="half", **QUICK)


def test_blocks_a_number_varies_inside_stay_whole_and_p_is_a_wild_bootstrap(setting):
    """C64 / issue 74: --split-blocks with a number made a block per row, and p permuted rows of one
    chapter as if independent. The chapters now stay whole: the result says how p was found, and it
    has as many blocks as chapters."""
    engine, table, rows = setting
    result = contrast(engine, [WORD], table, by=["row_year"], block="chapter", split_blocks=True, **QUICK)
    said = [str(n) for n in result.notes if "wild bootstrap of whole chapters" in str(n)]
    assert said and "blocks hold several values" in said[0]
    assert "wild bootstrap" in result.fields["permuted"]
    chapters = len({r["chapter"] for r in rows})
    assert {r["blocks"] for r in result.records() if r["p"] is not None} <= set(range(3, chapters + 1))
    kept = contrast(engine, [WORD], table, by=["year"], block="chapter", **QUICK)
    assert not any("wild" in str(n) for n in kept.notes) and "wild" not in kept.fields["permuted"]


def test_with_blocks_split_a_levels_cosine_difference_inverts_the_wild_draws(setting):
    """Issue 74: with a number inside the blocks, a level's --to difference from the baseline's
    takes its interval from the wild bootstrap's draws under the level's null (no permutation keeps
    the blocks whole), or the jackknife's where they leave out 0; within its bound in the harness,
    so no note calls it rough any more."""
    engine, table, _ = setting
    result = contrast(
        engine, [WORD], table, by=["half", "row_year"], block="chapter", split_blocks=True, to=["师父"], **QUICK
    )
    [row] = [r for r in result.records() if r["covariate"] == "half" and r.get("cos_师父_vs") is not None]
    assert np.isfinite([row["cos_师父_vs_low"], row["cos_师父_vs_high"]]).all()
    assert row["cos_师父_vs_low"] < row["cos_师父_vs_high"]
    assert not any("rough" in str(n) for n in result.notes)
    if not row["cos_师父_vs_low"] <= 0 <= row["cos_师父_vs_high"]:  # (then the jackknife's: symmetric)
        assert row["cos_师父_vs_high"] - row["cos_师父_vs"] == pytest.approx(
            row["cos_师父_vs"] - row["cos_师父_vs_low"]
        )


def test_to_naming_no_word_and_rank_without_scan_are_usage_errors(setting, invoke, halves):
    engine, table, _ = setting  # (C38c, C43)
    model = str(halves[0])
    to = invoke(["contrast", WORD, "--in", str(table), "--by", "half", "-m", model, "--to", ",,"])
    assert to.exit_code == 2 and "--to names no word" in to.stderr and to.stderr.count("\n") == 1
    rank = invoke(["contrast", WORD, "--in", str(table), "--by", "half", "-m", model, "--rank", "low"])
    assert rank.exit_code == 2 and "--rank orders a scan's words: give --scan N" in rank.stderr


def test_a_skewed_number_is_said_and_its_logarithm_can_be_asked(setting):
    engine, table, _ = setting  # (issue 74: authors' poem counts as a covariate gave p 0.99 for every word)
    raw = contrast(engine, [WORD], table, by=["count"], block="chapter", **QUICK)
    assert any("count is skewed (skewness" in str(n) and "count:log" in str(n) for n in raw.notes)
    logged = contrast(engine, [WORD], table, by=["count:log"], block="chapter", **QUICK)
    assert not any("skewed" in str(n) for n in logged.notes)
    assert any("count: number (count:log (log10 of the values))" in str(n) for n in logged.notes)
    assert [r["term"] for r in logged.records() if r["covariate"] == "count"] == ["per tenfold"]
    with pytest.raises(UsageError, match="column 'signed' has '-.*'; ':log' takes numbers above 0"):
        contrast(engine, [WORD], table, by=["signed:log"], **QUICK)
    with pytest.raises(UsageError, match="^at gives count='0': count is a finite number above 0$"):
        contrast(engine, [WORD], table, by=["count:log"], at=[{"count": "0"}], **QUICK)


def test_a_number_that_follows_the_blocks_sizes_is_said(setting):
    """A run of chapters' own number of rows, blocked by run: its blocks' values follow their sizes,
    so its values are dealt only among blocks of about one size (dealt among all, its p was
    conservative) and what makes a block large changes with the number (docs/findings.md,
    nulls.py); a year by chapter does not."""
    engine, table, rows = setting
    tied = contrast(engine, [WORD], table, by=["run_rows:log"], block="run", **QUICK)
    (row,) = [r for r in tied.records() if r["covariate"] == "run_rows"]
    assert "follows the blocks' sizes (correlation 0." in row["note"]
    assert "dealt only among blocks of about one size" in row["note"]
    year = contrast(engine, [WORD], table, by=["year"], block="chapter", **QUICK)
    assert not any("blocks' sizes" in str(r.get("note")) for r in year.records())
