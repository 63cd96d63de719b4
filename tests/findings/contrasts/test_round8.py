"""Round 8's contrast cases (issue 90): a point `at` given as Python writes a number (S6: API20,
API38, API39, API42), one bound on the groups of every group contrast (S3: NC43c), a number column
with one text cell (S7: NC70), repeated words and points (S8: NC29, NC71, API40b) and
`--split-blocks` without `--block` (S9: NC55)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from test_regression import setting  # noqa: F401 (the fixture)

from w2vkit.errors import UsageError
from w2vkit.findings.contrasts import contrast

ASK = dict(permutations=19, bootstrap=20, seed=1)


def rows_at(result) -> list:
    return [r for r in result.to_dict()["results"] if r["covariate"] == "fitted"]


@pytest.mark.parametrize("year", [650, 650.0, np.int64(650), np.float64(650.0), np.int32(650)])
def test_a_point_at_takes_a_number_as_python_writes_it(setting, year):  # noqa: F811
    engine, table = setting
    as_text = contrast(engine, ["菩萨"], table, by=["year", "half"], block="chapter", at=[{"year": "650"}], **ASK)
    got = contrast(engine, ["菩萨"], table, by=["year", "half"], block="chapter", at=[{"year": year}], **ASK)
    assert json.dumps(rows_at(got), sort_keys=True) == json.dumps(rows_at(as_text), sort_keys=True)
    assert rows_at(got), got.to_dict()["results"]


def test_a_point_at_takes_a_pandas_scalar(setting):  # noqa: F811
    pd = pytest.importorskip("pandas")  # (in the test extra: never skipped in CI)
    engine, table = setting
    frame = pd.read_csv(table, sep="\t")
    year = frame["year"].iloc[0]  # (numpy's int64, as pandas hands a cell)
    got = contrast(engine, ["菩萨"], frame, by=["year", "half"], block="chapter", at=[{"year": year}], **ASK)
    assert rows_at(got)


@pytest.mark.parametrize("year", [float("nan"), float("inf"), -np.inf, 10**400, np.float32("nan")])
def test_a_point_at_that_is_no_finite_number_is_the_command_lines_line(setting, year):  # noqa: F811
    engine, table = setting
    with pytest.raises(UsageError, match="year is a finite number") as refused:
        contrast(engine, ["菩萨"], table, by=["year", "half"], block="chapter", at=[{"year": year}], **ASK)
    assert len(str(refused.value)) < 120  # (10**400 is not spelt out)


@pytest.mark.parametrize("year", [True, None, [700], {"y": 1}])
def test_a_point_at_of_another_type_is_a_type_error_naming_it(setting, year):  # noqa: F811
    engine, table = setting
    with pytest.raises(TypeError, match="at's values must be numbers or strings"):
        contrast(engine, ["菩萨"], table, by=["year", "half"], block="chapter", at=[{"year": year}], **ASK)


def test_a_word_or_a_point_given_twice_is_refused_before_any_work(setting, invoke):  # noqa: F811
    engine, table = setting
    with pytest.raises(UsageError, match="'菩萨' given more than once: give each word once"):
        contrast(engine, ["菩萨"] * 1000, table, by="half", **ASK)
    with pytest.raises(UsageError, match="at gives year=700 twice: give each point once"):
        contrast(engine, ["菩萨"], table, by=["year", "half"], at=[{"year": 700}, {"year": "700"}], **ASK)
    model = engine.model.path
    r = invoke(["contrast", "菩萨", "--in", table, "--by", "year", "-m", model, "--at", "year=700", "--at", "year=700"])
    assert (r.exit_code, r.stderr) == (2, "Error: --at gives year=700 twice: give each point once\n")


def test_split_blocks_without_a_block_is_refused(setting, invoke):  # noqa: F811
    engine, table = setting
    with pytest.raises(UsageError, match="split_blocks splits the blocks of block: give block COLUMN"):
        contrast(engine, ["菩萨"], table, by="half", split_blocks=True, **ASK)
    r = invoke(["contrast", "菩萨", "--in", table, "--by", "half", "--split-blocks", "-m", engine.model.path])
    assert (r.exit_code, r.stderr) == (2, "Error: --split-blocks splits the blocks of --block: give --block COLUMN\n")


def test_a_column_of_too_many_groups_is_refused_before_any_work(setting, tmp_path, invoke):  # noqa: F811
    """Round 8's NC43c: a single --by of 10^6 values was taken as 10^6 groups (1.5 GB, no answer
    in 180 s); beside another covariate it was refused. One bound for both now, said at once."""
    engine, table = setting
    lines = table.read_text(encoding="utf-8").splitlines()[1:]
    many = tmp_path / "many.tsv"
    with open(many, "w", encoding="utf-8") as f:
        f.write("who\ttext\n")
        for i in range(300_000):
            f.write(f"L{i}\t{lines[i % len(lines)].split(chr(9))[-1][:12]}\n")
    r = invoke(["contrast", "菩萨", "--in", many, "--by", "who", "-m", engine.model.path])
    assert r.exit_code == 2 and r.stderr == (
        f"Error: {many}: column 'who' has 300,000 values: too many groups to contrast each against the rest "
        "(at most 50); choose --groups A,B or a coarser column\n"
    )
    # with --groups, the same column is contrasted
    r = invoke(["contrast", "菩萨", "--in", many, "--by", "who", "--groups", "L0,L1", "-m", engine.model.path])
    assert r.exit_code in (0, 1) and "too many groups" not in r.stderr


def test_a_number_column_with_one_text_cell_is_said_not_taken_as_groups(setting, tmp_path):  # noqa: F811
    """Round 8's NC70: 3,499 years and one 'abc' became 695 groups without a word."""
    engine, table = setting
    lines = table.read_text(encoding="utf-8").splitlines()
    lines[5] = "abc" + lines[5][lines[5].index("\t") :]
    odd = tmp_path / "odd.tsv"
    odd.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(UsageError, match=r"column 'year' holds numbers and 'abc': leave a missing value's cell empty"):
        contrast(engine, ["菩萨"], odd, by="year", **ASK)
