"""A regression's design (w2vkit.findings.contrasts.design) from rows written here: how each column is
taken, the matrix it makes against numpy and scipy, the baseline asked for, the blocks a number
varies inside, and the points `at` names."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import assert_close
from scipy import stats

from w2vkit.errors import UsageError
from w2vkit.findings.contrasts.design import (
    NUMBER_VALUES,
    Design,
    blocks_of,
    design_rows,
    outside_note,
    parse_spec,
    point_terms,
    resolve,
)


def rows_of(records: list[dict]) -> list[tuple[int, dict]]:
    return [(n, r) for n, r in enumerate(records, 2)]  # (line 1 is the header)


@pytest.fixture
def rows():
    rng = np.random.default_rng(4)
    out = []
    for i in range(60):
        out.append({
            "year": str(600 + 7 * i),
            "period": "唐" if i < 32 else "宋",
            "author": f"a{i // 4}",
            "poems": str(int(np.ceil(rng.lognormal(1.0, 2.0)))),
            "length": str(20 + (i % 4) * 10),
        })  # fmt: skip
    return rows_of(out)


@pytest.mark.parametrize(
    "spec, parsed",
    [("year", ("year", None)), ("year:number", ("year", "number")), ("period:levels", ("period", "levels")),
     ("poems:log", ("poems", "log")), ("a:b", ("a:b", None)), (":number", (":number", None))],
)  # fmt: skip
def test_a_spec_names_its_column_and_kind(spec, parsed):
    assert parse_spec(spec) == parsed


def test_numbers_are_centred_levels_are_indicators_against_the_first_and_log_is_log10(rows):
    covariates = resolve("t.tsv", rows, ["year", "period", "poems:log"])
    assert [c.kind for c in covariates] == ["number", "levels", "number"]
    assert covariates[1].levels == ["唐", "宋"] and covariates[2].log
    x, valid, terms, owner = design_rows(rows, covariates)
    years = np.array([float(r["year"]) for _, r in rows])
    logs = np.log10([float(r["poems"]) for _, r in rows])
    assert valid.all() and terms == ["(intercept)", "year", "period=宋", "poems"]
    np.testing.assert_allclose(x[:, 1], years - years.mean())
    np.testing.assert_allclose(x[:, 2], np.array([r["period"] == "宋" for _, r in rows], dtype=float))
    np.testing.assert_allclose(x[:, 3], logs - logs.mean())
    assert owner.tolist() == [-1, 0, 1, 2]
    # (the skewness is scipy's, the 1st and 99th percentiles numpy's)
    assert_close(covariates[2].skew, float(stats.skew(logs)))
    np.testing.assert_allclose([covariates[0].low, covariates[0].high], np.percentile(years, [1, 99]))


def test_a_column_of_few_numbers_is_levels_and_of_many_a_number(rows):
    length, year = resolve("t.tsv", rows, ["length", "year"])
    assert length.kind == "levels" and "write length:number" in length.why
    assert year.kind == "number" and len({r["year"] for _, r in rows}) >= NUMBER_VALUES


def test_the_baseline_asked_for_comes_first_and_the_indicators_follow_it(rows):
    (period,) = resolve("t.tsv", rows, ["period"], {"period": "宋"})
    assert period.levels == ["宋", "唐"] and period.to_dict()["baseline"] == "宋"
    x, _, terms, _ = design_rows(rows, [period])
    assert terms == ["(intercept)", "period=唐"]
    np.testing.assert_allclose(x[:, 1], np.array([r["period"] == "唐" for _, r in rows], dtype=float))
    with pytest.raises(UsageError, match="baseline gives period='元'; column 'period' has 唐, 宋"):
        resolve("t.tsv", rows, ["period"], {"period": "元"})
    with pytest.raises(UsageError, match="baseline names 'year', which is not a covariate of levels"):
        resolve("t.tsv", rows, ["year", "period"], {"year": "600"})


def test_blocks_a_number_varies_inside_are_counted_and_kept_whole_only_when_asked(rows):
    covariates = resolve("t.tsv", rows, ["year"])
    x, valid, _, _ = design_rows(rows, covariates)
    with pytest.raises(UsageError, match="15 author blocks have several values of the covariates"):
        blocks_of("t.tsv", rows, x, valid, "author", False)
    block, names, split = blocks_of("t.tsv", rows, x, valid, "author", True)
    assert split == 15 and len(names) == 15  # (each author whole: none split into a block per year)
    assert block.tolist() == [i // 4 for i in range(60)]
    constant = resolve("t.tsv", rows, ["period"])
    xc, validc, _, _ = design_rows(rows, constant)
    assert blocks_of("t.tsv", rows, xc, validc, "author", False)[2] == 0


def test_a_point_sets_its_terms_and_a_point_outside_the_data_is_noted(rows):
    covariates = resolve("t.tsv", rows, ["year", "period"])
    x, valid, terms, owner = design_rows(rows, covariates)
    design = Design(None, x, terms, owner, covariates, valid, np.arange(len(rows)), [])  # type: ignore[arg-type]
    values, set_ = point_terms(design, {"year": "700", "period": "宋"})
    assert_close(set_[1], 700 - covariates[0].center) and set_[2] == 1.0
    assert outside_note(design, [{"year": "700"}]) is None
    note = outside_note(design, [{"year": "1500"}, {"year": "2000"}])
    assert note is not None and note.startswith("{at} year=1500 and 1 more lie outside the data")
    with pytest.raises(UsageError, match="at gives period='元'; period has 唐, 宋"):
        point_terms(design, {"period": "元"})
    with pytest.raises(UsageError, match="at names 'poems', which is not a covariate"):
        point_terms(design, {"poems": "3"})
