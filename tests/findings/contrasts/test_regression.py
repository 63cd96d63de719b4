"""Embedding regression (w2vkit.findings.contrasts.regression, regstats, design) against direct computations
written here: numpy least squares on every occurrence's vector, the cluster-robust sandwich, a
refit under one permutation; the one-covariate case against the group means; and the command line."""

from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import assert_close

from w2vkit.errors import OptionError, UsageError
from w2vkit.findings.alacarte import context_means, transform
from w2vkit.findings.contrasts import contrast
from w2vkit.findings.contrasts.regression import read_design
from w2vkit.findings.contrasts.regstats import (
    block_sums,
    debiased_norms,
    explained,
    fit,
    permuted_coefficients,
    residualized,
)
from w2vkit.model.store import load_model
from w2vkit.queries.query import Engine

WINDOW = 6


@pytest.fixture(scope="module")
def setting(halves, tmp_path_factory):
    """(engine, table): the halves model, and its lines as a table with a made-up year (a number, so
    that it changes along the text with noise), the half (levels) and a chapter block."""
    folder, source = halves
    lines = [line.split("\t") for line in source.read_text(encoding="utf-8").splitlines()[1:]]
    rng = np.random.default_rng(5)
    table = tmp_path_factory.mktemp("regression") / "years.tsv"
    with open(table, "w", encoding="utf-8") as f:
        f.write("year\thalf\tchapter\ttext\n")
        years: dict[str, int] = {}
        for half, chapter, text in lines:  # (a chapter's year: later chapters later, with noise)
            year = years.setdefault(chapter, 600 + 5 * len(years) + int(rng.integers(0, 3)))
            f.write(f"{year}\t{half}\t{chapter}\t{text}\n")
    return Engine(load_model(folder)), table


def occurrences(engine, design, word):
    """Every occurrence's vector (A times its context mean) with its document's design row and
    block, the long way."""
    corpus = design.corpus
    a = transform(engine, corpus, WINDOW).astype(np.float64)
    pos = np.flatnonzero(corpus.ids == engine.model.index[word])
    pos = pos[design.valid[corpus.doc[pos]]]
    means, k = context_means(engine, corpus, pos, WINDOW)
    pos, means = pos[k > 0], means[k > 0].astype(np.float64)
    docs = corpus.doc[pos]
    return means @ a.T, design.x[docs], design.block[docs]


def test_coefficients_are_least_squares_on_every_occurrence(setting):
    engine, table = setting
    design = read_design(engine, table, ["year", "half"], None, "text", None, False)
    assert [c.kind for c in design.covariates] == ["number", "levels"]
    v, x, block = occurrences(engine, design, "菩萨")
    direct, *_ = np.linalg.lstsq(x, v, rcond=None)
    blocks = block_sums(x, v, np.ones(len(v)), block, np.zeros(len(v), dtype=int))
    _, coef = fit(blocks, np.ones((1, len(blocks.n))))
    np.testing.assert_allclose(coef[0], direct, rtol=1e-6, atol=1e-7)


def test_the_debiased_norm_takes_the_cluster_robust_variance_from_the_square(setting):
    engine, table = setting
    design = read_design(engine, table, ["year", "half"], "chapter", "text", None, False)
    v, x, block = occurrences(engine, design, "悟空")
    blocks = block_sums(x, v, np.ones(len(v)), block, np.zeros(len(v), dtype=int))
    ones = np.ones((1, len(blocks.n)))
    xtx, coef = fit(blocks, ones)
    got = debiased_norms(blocks, ones, xtx, coef)[0]
    # the sandwich the long way: each block's score X_b' E_b, per dimension
    m = np.linalg.inv(x.T @ x)
    residual = v - x @ coef[0]
    g = len(np.unique(block))
    variance = np.zeros(x.shape[1])
    for b in np.unique(block):
        score = x[block == b].T @ residual[block == b]  # terms x dim
        variance += ((m @ score) ** 2).sum(axis=1)
    variance *= g / (g - 1)
    expected = np.sqrt(np.maximum((coef[0] ** 2).sum(axis=1) - variance, 0))
    np.testing.assert_allclose(got, expected, rtol=1e-4)  # (one product in float32 for speed)
    assert (got < np.linalg.norm(coef[0], axis=1)).all()  # (debiasing shrinks: it can fail)


def test_a_permutation_refit_equals_least_squares_with_the_dealt_values(setting):
    engine, table = setting
    design = read_design(engine, table, ["year", "half"], "chapter", "text", None, False)
    v, x, block = occurrences(engine, design, "悟空")
    blocks = block_sums(x, v, np.ones(len(v)), block, np.zeros(len(v), dtype=int))
    present = np.unique(block)
    columns = np.array([1])  # the year
    perm = np.random.default_rng(0).permutation(len(present))[None, :]
    got = np.linalg.norm(permuted_coefficients(blocks, columns, perm, blocks.x[:, columns])[:, columns, :], axis=2)[0]
    dealt = x.copy()
    index = np.searchsorted(present, block)
    dealt[:, 1] = blocks.x[perm[0], 1][index]  # (each occurrence takes its block's dealt year)
    direct, *_ = np.linalg.lstsq(dealt, v, rcond=None)
    np.testing.assert_allclose(got, np.linalg.norm(direct[columns], axis=1), rtol=1e-6)


def test_one_covariate_of_levels_is_the_difference_of_the_group_means(setting):
    engine, table = setting
    design = read_design(engine, table, ["half:levels"], None, "text", None, False)
    v, x, block = occurrences(engine, design, "菩萨")
    blocks = block_sums(x, v, np.ones(len(v)), block, np.zeros(len(v), dtype=int))
    _, coef = fit(blocks, np.ones((1, len(blocks.n))))
    later = x[:, 1] == 1
    np.testing.assert_allclose(coef[0][1], v[later].mean(axis=0) - v[~later].mean(axis=0), rtol=1e-6, atol=1e-7)
    # and contrast answers one column of levels as the group contrast it always was
    assert "group" in contrast(engine, ["菩萨"], table, by="half", permutations=19, bootstrap=10).columns
    assert "covariate" in contrast(engine, ["菩萨"], table, by=["half", "year"], permutations=19, bootstrap=10).columns


def test_a_regression_result_names_terms_intervals_and_fitted_neighbours(setting):
    engine, table = setting
    r = contrast(
        engine,
        ["菩萨", "悟空"],
        table,
        by=["year", "half"],
        block="chapter",
        permutations=99,
        bootstrap=50,
        at=[{"year": "600"}, {"year": "700", "half": "后"}],
    )
    rows = r.records()
    terms = [(x["word"], x["covariate"], x["term"]) for x in rows]
    assert terms[:3] == [("菩萨", "year", "per unit"), ("菩萨", "half", "前"), ("菩萨", "half", "后")]
    assert ("悟空", "fitted", "year=700,half=后") in terms
    for row in rows:
        if row["p"] is not None:
            assert row["low"] <= row["norm"] + 1e-9 <= row["high"] + 2e-9 or row["norm"] == 0
            assert 1 / 100 <= row["p"] <= 1 and row["q"] >= row["p"] and row["permutations"] == 99
            assert len(row["neighbours"]) == len(row["cosines"]) > 0
    year = rows[0]
    assert year["per_sd"] == pytest.approx(year["norm"] * np.std(_occurrence_years(engine, table, "菩萨")), rel=0.02)
    assert [c["kind"] for c in r.fields["covariates"]] == ["number", "levels"]
    assert r.fields["covariates"][1]["baseline"] == "前"


def _occurrence_years(engine, table, word):
    design = read_design(engine, table, ["year"], None, "text", None, False)
    _, x, _ = occurrences(engine, design, word)
    return x[:, 1]


def test_the_residualized_covariate_gives_the_full_models_coefficient(setting):
    """Permuting a covariate less what the others explain (Kennedy 1995): unpermuted, its fit is the
    full model's (Frisch–Waugh–Lovell), and the residuals are uncorrelated with the others."""
    engine, table = setting
    design = read_design(engine, table, ["year", "half"], "chapter", "text", None, False)
    v, x, block = occurrences(engine, design, "悟空")
    blocks = block_sums(x, v, np.ones(len(v)), block, np.zeros(len(v), dtype=int))
    _, coef = fit(blocks, np.ones((1, len(blocks.n))))
    identity = np.arange(len(blocks.n))[None, :]
    for columns in (np.array([1]), np.array([2])):
        values = residualized(blocks, columns)
        share = explained(blocks.xx.sum(axis=0), columns)
        np.testing.assert_allclose(
            np.linalg.norm(permuted_coefficients(blocks, columns, identity, values)[:, columns, :], axis=2)[0],
            np.linalg.norm(coef[0][columns], axis=1),
            rtol=1e-6,
        )
        others = np.setdiff1d(np.arange(3), columns)
        np.testing.assert_allclose(blocks.x[:, others].T @ (blocks.n[:, None] * values), 0, atol=1e-4)
        assert 0.3 < share < 1  # (the year and the half go together: the half is the later years)
        # (the share explained is 1 − the residuals' weighted spread over the covariate's own)
        xc = blocks.x[:, columns]
        centred = xc - (blocks.n @ xc) / blocks.n.sum()
        spread = float(blocks.n @ (centred**2).sum(axis=1))
        assert_close(share, 1 - float(blocks.n @ (values**2).sum(axis=1)) / spread)


@pytest.mark.parametrize(
    "by, message",
    [
        (["half", "half"], "names 'half' twice"),
        (["year:number", "text:number"], "is to be a number"),
        (["text:levels", "year"], "too many levels"),
    ],
)
def test_bad_covariates_are_one_line(setting, by, message):
    engine, table = setting
    with pytest.raises(UsageError, match=message):
        contrast(engine, ["菩萨"], table, by=by)


def test_a_number_column_is_a_regression_from_the_command_line(setting, invoke):
    engine, table = setting
    model = engine.model.path
    r = invoke(
        [
            "contrast",
            "菩萨",
            "--in",
            table,
            "--by",
            "year",
            "--by",
            "half",
            "--block",
            "chapter",
            "-m",
            model,
            "--permutations",
            "19",
            "--bootstrap",
            "10",
            "--at",
            "year=650,half=后",
            "--format",
            "json",
        ]
    )
    assert r.exit_code == 0, r.stderr
    assert "year: number (numbers" in r.stderr and "half: levels (2 distinct values), against 前" in r.stderr
    for args, message in [
        (["--by", "half", "--by", "half"], "Error: --by names 'half' twice: give each column once\n"),
        (["--by", "year", "--at", "month=3"], "Error: --at names 'month', which is not a covariate (year)\n"),
        (["--by", "year", "--at", "year=soon"], "Error: --at gives year='soon': year is a finite number\n"),
        (["--by", "year", "--at", "year"], "Error: --at takes COLUMN=VALUE, not 'year'\n"),
        (["--by", "year", "--scan"], "Error: --scan contrasts the groups of one column; a regression takes WORDs\n"),
        (
            ["--by", "half", "--at", "half=前"],
            "Error: --at asks for fitted vectors of a regression: give a number column or several --by\n",
        ),
        (
            ["--by", "year", "--by", "half", "--groups", "前,后"],
            "Error: --groups orders the groups of one column; with several --by, use --where\n",
        ),
    ]:
        words = [] if "--scan" in args else ["菩萨"]
        bad = invoke(["contrast", *words, "--in", table, "-m", model, *args])
        assert (bad.exit_code, bad.stderr) == (2, message), args


def test_a_dataframe_is_read_as_its_file_is(setting):
    import hashlib

    import pandas  # (in the test extra)

    engine, table = setting
    frame = pandas.read_csv(table, sep="\t", dtype={"half": str, "chapter": str}, keep_default_na=False)
    assert frame["year"].dtype.kind == "i"  # (numbers as numbers: read back as their file's text)
    settings = dict(by=["year", "half"], block="chapter", permutations=19, bootstrap=10)
    from_file = contrast(engine, ["菩萨"], table, **settings)
    from_frame = contrast(engine, ["菩萨"], frame, **settings)
    assert from_frame.records() == from_file.records()
    assert from_frame.provenance["table"]["path"] == "DataFrame" and from_frame.fields["table"] == "the DataFrame"
    assert from_file.provenance["table"]["sha256"] == hashlib.sha256(table.read_bytes()).hexdigest()
    with pytest.raises(Exception, match="the DataFrame has no column 'period'; it has 'year', 'half'"):
        contrast(engine, ["菩萨"], frame, by=["period", "half"])


def test_occurrences_are_the_vectors_regressed_with_their_rows(setting):
    from w2vkit import occurrences as occurrence_vectors

    engine, table = setting
    found = occurrence_vectors(engine, "悟空", table)
    design = read_design(engine, table, ["year"], None, "text", None, False)
    v, x, _ = occurrences(engine, design, "悟空")
    np.testing.assert_allclose(found.vectors, v, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose([float(r["year"]) for r in found.rows], x[:, 1] + design.covariates[0].center)
    lines = table.read_text(encoding="utf-8").splitlines()
    for r in found.rows[:20]:  # (each occurrence's line holds the word, and its columns)
        assert "悟空" in lines[r["line"] - 1] and lines[r["line"] - 1].startswith(f"{r['year']}\t{r['half']}\t")
    frame = found.to_frame()
    assert frame.shape == (len(v), 5 + engine.model.dim)
    assert list(frame.columns[:5]) == ["line", "token", "year", "half", "chapter"]
    assert occurrence_vectors(engine, "菩萨", table, where={"half": "后"}).rows[0]["half"] == "后"


def test_a_phrase_is_one_target_its_context_around_the_span(setting):
    """A phrase of the model's tokens (明月 in a model of characters) is found where its tokens stand
    in a row, and its context is the tokens around the whole span, the long way here."""
    from w2vkit import occurrences as occurrence_vectors

    engine, table = setting
    design = read_design(engine, table, ["year"], None, "text", None, False)
    corpus, words = design.corpus, engine.model.words
    ids = corpus.ids
    pairs = {}
    for p in range(len(ids) - 1):  # (a frequent pair of tokens of one row)
        if ids[p] >= 0 and ids[p + 1] >= 0 and corpus.doc[p] == corpus.doc[p + 1]:
            pairs[(ids[p], ids[p + 1])] = pairs.get((ids[p], ids[p + 1]), 0) + 1
    first, second = max((k for k in pairs if words[k[0]] != words[k[1]]), key=pairs.get)
    phrase = f"{words[first]} {words[second]}"
    found = occurrence_vectors(engine, phrase, table, columns=[])
    starts = [
        p
        for p in range(len(ids) - 1)
        if ids[p] == first and ids[p + 1] == second and corpus.doc[p] == corpus.doc[p + 1]
    ]
    assert len(found.rows) == len(starts) == pairs[(first, second)]
    a = found.transform.astype(np.float64)
    unit = engine.unit.astype(np.float64)
    p = starts[0]
    # (each context token weighted by 1/its distance from the span: 1 next to it)
    around = [(q, p - q) for q in range(p - WINDOW, p)] + [(q, q - p - 1) for q in range(p + 2, p + 2 + WINDOW)]
    context = [
        (ids[q], 1 / d) for q, d in around if 0 <= q < len(ids) and corpus.doc[q] == corpus.doc[p] and ids[q] >= 0
    ]
    weights = np.array([w for _, w in context])
    expected = a @ (weights @ unit[[i for i, _ in context]]) / weights.sum()
    np.testing.assert_allclose(found.vectors[0], expected, rtol=1e-4, atol=1e-5)
    # pooled words: the occurrences of each
    pooled = occurrence_vectors(engine, "悟空+菩萨", table, columns=[])
    alone = [len(occurrence_vectors(engine, w, table, columns=[]).rows) for w in ("悟空", "菩萨")]
    assert len(pooled.rows) == sum(alone)
    r = contrast(engine, ["悟空+菩萨", phrase], table, by="half", permutations=19, bootstrap=10).records()
    assert sum(x["occurrences"] for x in r if x["word"] == "悟空+菩萨") == sum(alone)
    assert all(words[first] not in x["neighbours"] for x in r if x["word"] == phrase)
    with pytest.raises(UsageError, match="the model has no 'zzqx'"):
        contrast(engine, ["悟空 zzqx"], table, by="half")


def test_imported_vectors_read_a_table_and_say_what_the_fit_rests_on(setting, tmp_path):
    """conText's main workflow: someone else's vectors (word2vec text here, as GloVe or Tencent
    vectors come) and a table; the table is cut by today's default segmentation."""
    from w2vkit.model.interop import export_model, import_word2vec

    engine, table = setting
    export_model(engine.model, "word2vec-txt", tmp_path / "vectors.txt")
    folder, _ = import_word2vec(tmp_path / "vectors.txt", tmp_path / "imported")
    imported = Engine(load_model(folder))
    got = contrast(imported, ["菩萨"], table, by="half", permutations=19, bootstrap=10)
    trained = contrast(engine, ["菩萨"], table, by="half", permutations=19, bootstrap=10)
    assert [r["occurrences"] for r in got.records()] == [r["occurrences"] for r in trained.records()]
    fit = got.fields["transform"]
    assert fit["words"] > 100 and 0 < fit["r2"] <= 1 and fit["contexts"] >= fit["words"]
    assert any("the à la carte transform rests on" in str(n) for n in got.notes)
    assert got.fields["transform"]["r2"] == pytest.approx(trained.fields["transform"]["r2"], abs=0.05)  # (6 decimals)


def test_a_scan_permutes_again_only_the_words_at_the_floor_of_p():
    from w2vkit.findings.permutation import undecided

    # 1,000 words: 990 far from significance, 10 at p's floor after 1,000 permutations (BH: q 0.0999),
    # one at p 0.03 (29 permuted changes reached it: more permutations will not lower it enough)
    tested = [(i, 0.9, 1000) for i in range(989)] + [(989 + i, 1 / 1001, 1000) for i in range(10)] + [(999, 0.03, 1000)]
    assert undecided(tested, 10_000, floor=True) == set(range(989, 999))
    assert undecided(tested, 10_000) == set(range(989, 1000))
    assert undecided(tested, 1000) == set()  # (all had the permutations asked)


def test_the_cosine_to_named_words_is_the_debiased_group_means(setting):
    from w2vkit.findings.permutation import Side, cosines_to

    engine, table = setting
    plain = contrast(engine, ["菩萨"], table, by="half", block="chapter", permutations=19, bootstrap=20)
    named = contrast(
        engine, ["菩萨"], table, by="half", block="chapter", permutations=19, bootstrap=20, to=["师父", "大圣"]
    )
    assert named.columns[-12:] == [  # (two groups: the difference and its interval too, issue 92)
        f"cos_{w}{end}" for w in ("师父", "大圣") for end in ("", "_low", "_high", "_vs", "_vs_low", "_vs_high")
    ]
    for a, b in zip(plain.records(), named.records()):  # (the other numbers stay as they were)
        assert_close({k: v for k, v in b.items() if not k.startswith("cos_")}, a)
        assert b["cos_师父_low"] <= b["cos_师父"] <= b["cos_师父_high"]
        # scores beside every neighbour (its cosine) and context word (its log-odds z), best first
        assert len(b["neighbours"]) == len(b["cosines"]) > 0 and b["cosines"] == sorted(b["cosines"], reverse=True)
        assert len(b["context"]) == len(b["context_z"]) > 0 and b["context_z"] == sorted(b["context_z"], reverse=True)
    # the long way on made-up blocks: the mean's length less its between-block variance
    rng = np.random.default_rng(0)
    sums, counts = rng.normal(size=(6, 4)) + 1, rng.integers(1, 5, 6).astype(float)
    side = Side(sums, counts, np.array([0, 0, 0, 1, 1, 1]))
    unit = np.eye(4)[:1]
    mean = sums[:3].sum(axis=0) / counts[:3].sum()
    spread = sum(((sums[b] - counts[b] * mean) ** 2).sum() for b in range(3)) / counts[:3].sum() ** 2 * 3 / 2
    expected = mean[0] / np.sqrt(mean @ mean - spread)
    assert cosines_to(side, 0, unit, 10, rng)[0][0] == pytest.approx(expected)


def test_a_numbers_curve_is_the_fitted_vectors_cosine_across_its_range(setting):
    """The curve's first point against the fitted vector `at` asks for at the same value: the
    cosine to its nearest word is the same number, and the band there is the `at` row's interval
    (both the jackknife's, z standard errors each side)."""
    engine, table = setting
    first = contrast(engine, ["菩萨"], table, by=["year", "half"], block="chapter", permutations=19, bootstrap=50)
    [curve] = first.fields["curves"]
    assert curve["word"] == "菩萨" and curve["covariate"] == "year" and len(curve["values"]) == 21
    assert curve["values"] == sorted(curve["values"]) and len(curve["lines"]) == 6  # (3 gaining, 3 losing)
    gaining = [line["cosine"][-1] - line["cosine"][0] for line in curve["lines"]]
    assert min(gaining[:3]) > 0 > max(gaining[3:])
    at = {"year": repr(curve["values"][0])}
    fitted = contrast(
        engine, ["菩萨"], table, by=["year", "half"], block="chapter", permutations=19, bootstrap=50, at=[at]
    )
    row = [r for r in fitted.records() if r["covariate"] == "fitted"][0]
    named = contrast(
        engine,
        ["菩萨"],
        table,
        by=["year", "half"],
        block="chapter",
        permutations=19,
        bootstrap=50,
        to=row["neighbours"][:2],
        at=[at],
    )
    lines = named.fields["curves"][0]["lines"]
    assert [line["word"] for line in lines] == row["neighbours"][:2]
    assert [line["cosine"][0] for line in lines] == pytest.approx(row["cosines"][:2], rel=1e-6)
    at_row = [r for r in named.records() if r["covariate"] == "fitted"][0]
    for line in lines:
        widths = np.array(line["high"]) - np.array(line["low"])
        assert (widths > 0).all() and -1 <= min(line["low"]) and max(line["high"]) <= 1  # (clipped to a cosine's range)
        assert at_row[f"cos_{line['word']}_low"] == pytest.approx(line["low"][0], rel=1e-6)
        assert at_row[f"cos_{line['word']}_high"] == pytest.approx(line["high"][0], rel=1e-6)


def test_a_regression_draws_its_curve_and_refuses_a_picture_without_a_number(setting, invoke, tmp_path):
    engine, table = setting
    model = engine.model.path
    common = ["contrast", "菩萨", "--in", table, "-m", model, "--permutations", "19", "--bootstrap", "10"]
    r = invoke([*common, "--by", "year", "--block", "chapter", "--to", "悟空,行者", "-o", tmp_path / "c.png"])
    assert r.exit_code == 0, r.stderr
    assert "drew 1 curve -> " in r.stderr and (tmp_path / "c.png").read_bytes()[:4] == b"\x89PNG"
    bad = invoke([*common, "--by", "half:levels", "--by", "chapter:levels", "-o", tmp_path / "d.png"])
    assert (bad.exit_code, bad.stderr) == (
        2,
        "Error: the picture of a regression draws a number's curve: give a column of numbers in --by\n",
    )
    assert not (tmp_path / "d.png").exists()


def test_a_fitted_vector_is_least_squares_at_the_values_asked(setting):
    """The `at` row's neighbours and cosines against the vector of numpy's least squares on every
    occurrence, evaluated at year=650 and the level 后; each cosine's length debiased by the
    fitted vector's cluster-robust variance, computed chapter by chapter the long way."""
    engine, table = setting
    design = read_design(engine, table, ["year", "half"], "chapter", "text", None, False)
    v, x, block = occurrences(engine, design, "菩萨")
    direct, *_ = np.linalg.lstsq(x, v, rcond=None)
    point = np.array([1.0, 650 - design.covariates[0].center, 1.0])
    fitted = point @ direct
    along = point @ np.linalg.inv(x.T @ x)
    residual = v - x @ direct
    chapters = np.unique(block)
    variance = sum(np.sum((along @ (x[block == b].T @ residual[block == b])) ** 2) for b in chapters)
    variance *= len(chapters) / (len(chapters) - 1)
    assert 0 < variance < fitted @ fitted
    scores = engine.unit @ fitted / np.sqrt(fitted @ fitted - variance)
    scores[engine.model.index["菩萨"]] = -np.inf
    best = np.argsort(-scores)[:8]
    r = contrast(engine, ["菩萨"], table, by=["year", "half"], block="chapter", permutations=19, bootstrap=10,
                at=[{"year": "650", "half": "后"}])  # fmt: skip
    row = [x for x in r.records() if x["covariate"] == "fitted"][0]
    assert row["neighbours"] == [engine.model.words[i] for i in best]
    np.testing.assert_allclose(row["cosines"], scores[best], rtol=1e-5)


def test_a_bootstrap_draw_that_lost_a_terms_variation_is_no_error():
    """A rare word's draw may hold blocks of one value only (孟获 in 三国演义 against a number): its
    X'X is singular. Every inverse goes through the ridge the solve uses (numpy said 'Singular
    matrix' before)."""
    rng = np.random.default_rng(3)
    x = np.column_stack([np.ones(6), [1.0, 1.0, 2.0, 2.0, 3.0, 3.0]])  # (two documents a block)
    sums, counts = rng.normal(size=(6, 4)), np.full(6, 2.0)
    blocks = block_sums(x, sums, counts, np.array([0, 0, 1, 1, 2, 2]), np.zeros(6, dtype=int))
    one_block = np.array([[3.0, 0.0, 0.0]])  # (the draw: block 0 three times, its one value)
    xtx, coef = fit(blocks, one_block)
    assert np.linalg.matrix_rank(blocks.xx[0]) == 1
    norms = debiased_norms(blocks, one_block, xtx, coef)
    assert norms.shape == (1, 2) and not np.isnan(norms).any()


def test_a_norms_interval_holds_0_whenever_p_does_not_reject_0_at_its_level(setting):
    """Issue 74: the bootstrap's interval of a norm excluded 0 for 22-50% of words with no effect
    while p < 0.05 for 0-10%; at that boundary the permutation test is inverted, so the two agree.
    A covariate drawn at random for each chapter: no effect."""
    engine, table = setting
    rng = np.random.default_rng(9)
    lines = table.read_text(encoding="utf-8").splitlines()
    noise = {}
    random_table = table.with_name("random-covariate.tsv")
    with open(random_table, "w", encoding="utf-8") as f:
        f.write(lines[0] + "\tnoise\n")
        for line in lines[1:]:
            chapter = line.split("\t")[2]
            f.write(f"{line}\t{noise.setdefault(chapter, rng.uniform(0, 100)):.2f}\n")
    words = [w for w, c in zip(engine.model.words, engine.model.counts) if 30 <= c <= 400 and len(w) > 1][:12]
    result = contrast(engine, words, random_table, by=["noise"], block="chapter", permutations=99, bootstrap=20)
    rows = [r for r in result.records() if r["p"] is not None]
    assert len(rows) >= 10
    for r in rows:
        if r["p"] >= 0.10:
            assert r["low"] == 0.0, r
        assert r["low"] <= r["norm"] <= r["high"] or r["norm"] == 0.0, r


@pytest.mark.parametrize("by", [["year", "half"], "half"])
def test_a_higher_level_widens_every_interval_from_the_same_draws_and_is_recorded(setting, by):
    """--level 0.95 (issue 74): the same seed draws the same resamples, so each 95% interval holds
    the 90% one; a regression's norm holds 0 whenever p ≥ 0.05; the level is in the provenance and
    a curve's record."""
    engine, table = setting
    ask = dict(by=by, block="chapter", permutations=99, bootstrap=40, seed=3, to=["菩萨"] if by == "half" else None)
    ninety = contrast(engine, ["行者", "师父"], table, **ask)
    wider = contrast(engine, ["行者", "师父"], table, level=0.95, **ask)
    assert ninety.provenance["options"]["level"] == 0.9 and wider.provenance["options"]["level"] == 0.95
    pairs = [(a, b) for a, b in zip(ninety.records(), wider.records()) if a.get("low") is not None]
    assert len(pairs) >= (2 if by != "half" else 1)
    for a, b in pairs:
        assert a["p"] == b["p"]
        assert b["low"] <= a["low"] + 1e-12 and b["high"] >= a["high"] - 1e-12, (a, b)
        if "norm" in b and b["p"] >= 0.05:
            assert b["low"] == 0.0
        for key in [k for k in a if k.startswith("cos_") and k.endswith("_low")]:
            assert b[key] <= a[key] + 1e-12 and b[key[:-4] + "_high"] >= a[key[:-4] + "_high"] - 1e-12
    for curve in wider.fields.get("curves", []):
        assert curve["level"] == 0.95


@pytest.mark.parametrize("level", [1.5, 0.2, float("nan"), "0.95", True])
def test_a_level_outside_half_to_099_is_refused_naming_it(setting, level):
    engine, table = setting
    with pytest.raises(OptionError, match=r"level must be a number from 0.5 to 0.99 \(an interval's coverage"):
        contrast(engine, ["行者"], table, by="half", level=level)


def test_the_command_line_takes_the_level_and_refuses_one_out_of_range(setting, invoke, halves):
    engine, table = setting
    model = str(halves[0])
    ask = [
        "contrast",
        "行者",
        "--in",
        str(table),
        "--by",
        "half",
        "-m",
        model,
        "--permutations",
        "19",
        "--format",
        "json",
    ]
    ok = invoke([*ask, "--bootstrap", "10", "--level", "0.95"])
    assert ok.exit_code == 0 and json.loads(ok.stdout)["provenance"]["options"]["level"] == 0.95
    bad = invoke([*ask, "--level", "1"])
    assert bad.exit_code == 2 and "Invalid value for '--level': 1.0 is not in the range 0.5<=x<=0.99" in bad.stderr


def test_a_baseline_asked_for_is_the_level_the_others_are_against(setting):
    """--baseline half=后 (issue 74): the half's row is 前 against 后; with two levels the coefficient
    only changes sign, so the norm is the same (p from other draws, as the strata are swapped)."""
    engine, table = setting
    ask = dict(by=["year", "half"], block="chapter", permutations=99, bootstrap=20, seed=4)
    default = [r for r in contrast(engine, ["菩萨"], table, **ask).records() if r["covariate"] == "half"]
    turned = [r for r in contrast(engine, ["菩萨"], table, baseline={"half": "后"}, **ask).records()]
    turned = [r for r in turned if r["covariate"] == "half"]
    assert [(r["term"], r["vs"]) for r in default] == [("前", None), ("后", "前")]
    assert [(r["term"], r["vs"]) for r in turned] == [("后", None), ("前", "后")]
    # (the debiased norm is a difference, |b|² less the fit's variance: it magnifies float32 rounding)
    assert_close(turned[1]["norm"], default[1]["norm"], rel=1e-4)
    assert abs(turned[1]["p"] - default[1]["p"]) < 0.15  # (the draws' strata are dealt in another order)


@pytest.mark.parametrize(
    "by, baseline, message",
    [
        (["year", "half"], {"half": "中"}, "baseline gives half='中'; column 'half' has 前, 后"),
        (["year", "half"], {"year": "600"}, "baseline names 'year', which is not a covariate of levels in by"),
        ("half", {"half": "后"}, "baseline sets a regression's reference level; one column's groups"),
    ],
)
def test_a_baseline_that_is_no_level_of_a_covariate_is_refused(setting, by, baseline, message):
    engine, table = setting
    with pytest.raises(UsageError, match=message):
        contrast(engine, ["行者"], table, by=by, baseline=baseline)


def test_the_command_line_baseline_takes_column_equals_value(setting, invoke, halves):
    _, table = setting
    ask = ["contrast", "行者", "--in", str(table), "--by", "year", "--by", "half", "-m", str(halves[0])]
    bad = invoke([*ask, "--baseline", "half"])
    assert bad.exit_code == 2 and bad.stderr.endswith("Error: --baseline takes COLUMN=VALUE, not 'half'\n")
    wrong = invoke([*ask, "--baseline", "year=600"])
    assert wrong.exit_code == 2 and "Error: --baseline names 'year', which is not a covariate of levels in --by" in (
        wrong.stderr
    )


def test_a_concept_as_to_is_the_unit_mean_of_its_words(setting):
    """--to 隐+逸+孤 (issue 74): the cosine with a concept is linear in its unit vector, so it equals
    the sum of the cosines with its words over the length of the sum of their unit vectors."""
    engine, table = setting
    result = contrast(
        engine, ["菩萨"], table, by="half", to=["行者", "大圣", "行者+大圣"], bootstrap=20, permutations=19
    )
    rows = [r for r in result.records() if r.get("cos_行者") is not None]
    assert rows
    length = np.sqrt(2 + 2 * engine.similarity("行者", "大圣"))
    for r in rows:
        assert_close(r["cos_行者+大圣"], (r["cos_行者"] + r["cos_大圣"]) / length)
    curve = contrast(
        engine, ["菩萨"], table, by=["year"], block="chapter", to=["行者+大圣"], bootstrap=20, permutations=19
    )
    assert [line["word"] for line in curve.fields["curves"][0]["lines"]] == ["行者+大圣"]


@pytest.mark.parametrize(
    "to, message",
    [
        (["行者+"], "to names '行者\\+': an empty part; join a concept's words as 隐\\+逸\\+孤"),
        (["行者+行者"], "to names '行者\\+行者', with '行者' twice"),
    ],
)
def test_a_concept_with_an_empty_part_or_a_word_twice_is_refused(setting, to, message):
    engine, table = setting
    with pytest.raises(UsageError, match=message):
        contrast(engine, ["菩萨"], table, by="half", to=to)


def test_a_terms_percentile_places_its_norm_among_the_norms_of_words_of_its_frequency(setting):
    """Issue 74: the percentile on regression rows, as a group contrast has it: the share of the 50
    words seen about as often in the table whose own regression gives the term a norm no larger."""
    from w2vkit.findings.contrasts.peers import REFERENCE, similar_frequency

    engine, table = setting
    ask = dict(by=["year"], block="chapter", permutations=19, bootstrap=10)
    row = [r for r in contrast(engine, ["菩萨"], table, **ask).records() if r["covariate"] == "year"][0]
    design = read_design(engine, table, ["year"], "chapter", "text", None, False)
    counts = np.bincount(design.corpus.ids[design.corpus.ids >= 0], minlength=len(engine.model))
    comparable = np.array([w.isalpha() for w in engine.model.words])
    peers = [engine.model.words[int(i)] for i in similar_frequency(counts, comparable, {engine.model.index["菩萨"]})]
    assert len(peers) == REFERENCE
    theirs = [r["norm"] for r in contrast(engine, peers, table, **ask).records() if r["norm"] is not None]
    assert len(theirs) >= 10
    assert_close(row["percentile"], 100 * np.mean(np.array(theirs) <= row["norm"]))


def test_to_in_a_regression_gives_each_levels_cosine_and_its_difference_from_the_baseline(setting):
    """Issue 74: --to as columns of a regression. A level's cosine is the fitted vector's there (the
    other covariates at the word's means), so it equals the cosine `--at` gives at that level; the
    `_vs` columns are the difference from the baseline's, each with an interval from the draws."""
    engine, table = setting
    ask = dict(by=["year", "half"], block="chapter", permutations=19, bootstrap=30, seed=2)
    result = contrast(engine, ["菩萨"], table, to=["行者", "师父+徒弟"], at=[{"half": "前"}, {"half": "后"}], **ask)
    assert result.columns[-12:-6] == [
        "cos_行者",
        "cos_行者_low",
        "cos_行者_high",
        "cos_行者_vs",
        "cos_行者_vs_low",
        "cos_行者_vs_high",
    ]
    records = result.records()
    level = {r["term"]: r for r in records if r["covariate"] == "half"}
    fitted = {r["term"]: r for r in records if r["covariate"] == "fitted"}
    for w in ("行者", "师父+徒弟"):
        assert_close(level["前"][f"cos_{w}"], fitted["half=前"][f"cos_{w}"])
        assert_close(level["后"][f"cos_{w}"], fitted["half=后"][f"cos_{w}"])
        assert level["前"][f"cos_{w}_vs"] is None
        assert_close(level["后"][f"cos_{w}_vs"], level["后"][f"cos_{w}"] - level["前"][f"cos_{w}"])
        assert level["后"][f"cos_{w}_vs_low"] < level["后"][f"cos_{w}_vs_high"]
    assert all(r["cos_行者"] is None for r in records if r["covariate"] == "year")
    plain = contrast(engine, ["菩萨"], table, **ask)
    assert plain.columns == result.columns[:-12]


def test_a_level_difference_under_the_identity_permutation_is_the_observed_one(setting):
    """Issue 74: the --to difference's interval inverts the permutations that give the level's p.
    Fitted on the residualized values (not the 0/1 indicator), at the points level_differences
    takes, the unpermuted data must give the observed difference exactly; and the interval is the
    observed less the permuted differences' outer 9 of 199 at each end, as p's rule."""
    from w2vkit.findings.contrasts.regfit import Fit, level_terms
    from w2vkit.findings.contrasts.regstats import permuted_coefficients
    from w2vkit.findings.permutation import inverted

    engine, table = setting
    design = read_design(engine, table, ["half", "year"], "chapter", "text", None, False)
    v, x, block = occurrences(engine, design, "悟空")
    blocks = block_sums(x, v, np.ones(len(v)), block, np.zeros(len(v), dtype=int))
    _, coef = fit(blocks, np.ones((1, len(blocks.n))))
    word_fit = Fit(coef[0], np.arange(x.shape[1]), x.mean(axis=0))
    units = engine.unit[[engine.model.index[w] for w in ("行者", "师父")]].astype(np.float64)
    columns = design.columns_of(0)
    values = residualized(blocks, columns)
    identity = np.arange(len(blocks.n))[None, :]
    same = word_fit.level_differences(
        design,
        0,
        permuted_coefficients(blocks, columns, identity, values),
        blocks.n @ values / blocks.n.sum(),
        units,
    )[0, 0]

    def unit(w):
        return w / np.linalg.norm(w)

    at = [unit(word_fit.row(level_terms(design, 0, k)) @ coef[0]) @ units.T for k in (0, 1)]
    np.testing.assert_allclose(same, at[1] - at[0], atol=1e-9)
    # the interval leaves out a δ exactly when a one-sided permutation p of observed − δ, (1 + the
    # permuted values beyond)/(n + 1), is under 5%: under no effect for 2 x 9/200 = 9% of words
    rng = np.random.default_rng(0)
    permuted = rng.normal(size=199)
    low, high = inverted(permuted, 0.3, 0.9)
    for delta in np.linspace(-3, 3, 601):
        t = 0.3 - delta
        p_high, p_low = ((1 + (permuted >= t).sum()) / 200, (1 + (permuted <= t).sum()) / 200)
        assert (low <= delta <= high) == (min(p_high, p_low) >= 0.05), delta
    draws = rng.normal(size=(4000, 200))  # (the observed one first, exchangeable with the rest)
    left_out = [not (lo <= 0 <= hi) for lo, hi in (inverted(d[1:], d[0], 0.9) for d in draws)]
    assert 0.075 < np.mean(left_out) < 0.105


def test_an_interaction_is_the_product_of_its_parts_and_fits_as_least_squares(setting):
    """Issue 74: `--by half*year` adds half, year and a term per pair of their terms (their
    product); its coefficients are least squares on every occurrence with the product as a column."""
    engine, table = setting
    design = read_design(engine, table, ["half*year"], None, "text", None, False)
    assert [(c.name, c.kind) for c in design.covariates] == [
        ("half", "levels"),
        ("year", "number"),
        ("half*year", "interaction"),
    ]
    late = design.covariates[0].levels[1]
    assert design.terms[-1] == f"half*year={late}*year"
    np.testing.assert_allclose(design.x[:, 3], design.x[:, 1] * design.x[:, 2])
    v, x, block = occurrences(engine, design, "菩萨")
    blocks = block_sums(x, v, np.ones(len(v)), block, np.zeros(len(v), dtype=int))
    _, coef = fit(blocks, np.ones((1, len(blocks.n))))
    direct, *_ = np.linalg.lstsq(x, v, rcond=None)
    np.testing.assert_allclose(coef[0], direct, rtol=1e-6, atol=1e-7)
    # a part named on its own too is taken once; the interaction's row carries its p
    again = read_design(engine, table, ["year", "half*year"], None, "text", None, False)
    assert [c.name for c in again.covariates] == ["year", "half", "half*year"]
    result = contrast(engine, ["菩萨"], table, by=["half*year"], block="chapter", permutations=19, bootstrap=10)
    row = [r for r in result.records() if r["covariate"] == "half*year"][0]
    assert row["term"] == f"{late}*year" and 0 < row["p"] <= 1 and row["low"] <= row["norm"] <= row["high"]
    assert any("how half's term differs with year" in n.named() for n in result.notes)


def test_an_interaction_with_no_rows_to_show_it_or_badly_written_is_one_line(setting, tmp_path, invoke):
    engine, table = setting
    with pytest.raises(UsageError, match=r"an interaction is two columns joined by \*"):
        contrast(engine, ["菩萨"], table, by=["half*year*chapter"])
    with pytest.raises(UsageError, match="twice, or of one column with itself"):
        contrast(engine, ["菩萨"], table, by=["half*half"])
    # a genre of 词 found only in the later half (as every 词 is 宋): no rows show the interaction
    rows = table.read_text(encoding="utf-8").splitlines()
    late = rows[-1].split("\t")[1]
    marked = tmp_path / "marked.tsv"
    lines = [rows[0] + "\tgenre"]
    for n, r in enumerate(rows[1:]):
        lines.append(r + "\t" + ("词" if r.split("\t")[1] == late and n % 2 else "诗"))
    marked.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(UsageError, match="half\\*genre cannot be told from half and genre in these rows"):
        contrast(engine, ["菩萨"], marked, by=["half*genre"])
    r = invoke(["contrast", "-m", engine.model.path, "菩萨", "--in", marked, "--by", "half*genre"])
    assert r.exit_code == 2 and "half*genre cannot be told from half and genre" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr
    with pytest.raises(UsageError, match="an interaction: give the value of each of its columns"):
        contrast(engine, ["菩萨"], table, by=["half*year"], block="chapter", at=[{"half*year": "1"}])
