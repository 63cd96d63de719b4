"""A two-group contrast's `--to` difference (issue 92: only the regression had `cos_W_vs`): on the
second group's row, its cosine with each word less the first group's, with the regression's
interval; empty on the first group's row; the CSV reads as numbers in pandas."""

from __future__ import annotations

import io

import pytest
from test_regression import setting  # noqa: F401 (the fixture)

from w2vkit.findings.contrasts import contrast

ASK = dict(permutations=99, bootstrap=50, seed=2)
TO = ["师父", "观音+菩萨"]


def test_the_second_groups_row_carries_the_difference_and_its_interval(setting):  # noqa: F811
    engine, table = setting
    result = contrast(engine, ["菩萨"], table, by="half", block="chapter", to=TO, groups=["前", "后"], **ASK)
    first, second = result.records()
    for w in TO:
        assert [first[f"cos_{w}{end}"] for end in ("_vs", "_vs_low", "_vs_high")] == [None, None, None]
        vs, low, high = (second[f"cos_{w}{end}"] for end in ("_vs", "_vs_low", "_vs_high"))
        assert low <= vs <= high
        # (the regression's fitted cosines and the groups' debiased means: the same to 1e-3)
        assert vs == pytest.approx(second[f"cos_{w}"] - first[f"cos_{w}"], abs=1e-3)
    columns = result.columns
    assert columns.index("cos_师父_vs") == columns.index("cos_师父_high") + 1


def test_the_difference_reads_as_numbers_in_pandas(setting, invoke):  # noqa: F811
    import pandas as pd

    engine, table = setting
    r = invoke(["contrast", "菩萨", "--in", table, "--by", "half", "--to", "师父", "-m", engine.model.path,
                "--permutations", "99", "--bootstrap", "50", "--format", "csv"])  # fmt: skip
    assert r.exit_code == 0, r.stderr
    frame = pd.read_csv(io.StringIO(r.stdout))
    assert frame["cos_师父_vs"].dtype.kind == "f" and frame["cos_师父_vs"].notna().sum() == 1
