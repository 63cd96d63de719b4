"""Embedding regression with several covariates (conText's `conText()`, Rodriguez, Spirling &
Stewart 2023, in Python): each occurrence's à la carte vector regressed on a table's columns, each
a number or levels, by ordinary least squares.

For each covariate term (a level against the baseline, or a number per unit): the norm of its
coefficient, debiased by its sampling variance (w2vkit.findings.contrasts.regstats), its 90% interval (a
jackknife over groups of blocks), a permutation p (the covariate's values, less what the other covariates explain,
dealt out again among blocks) and a Benjamini–Hochberg q over words × terms. Each level row names the nearest words
of the fitted vector at that level (the other covariates at the word's means); a number's row names
the words whose cosine to the fitted vector grows most from its 10th to its 90th percentile;
`at` asks for fitted vectors at chosen values. One covariate of levels is a group contrast
(w2vkit.findings.contrasts), which answers it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...base.results import Result
from ...errors import UsageError
from ...queries.query import Engine
from ..alacarte import fit_note, transform_fit
from ..permutation import bh
from ..tabledocs import segmented, table_rows
from ..targets import concept_vectors, parse_target
from .contrastquestion import ContrastQuestion
from .design import SKEWED, Design, blocks_of, columns_named, design_rows, outside_note, point_terms, resolve
from .peers import occurrences_on, term_percentiles
from .regfit import Fit, cosine_columns, level_terms, row_cells
from .regstats import (
    NORM_INTERVAL_RULE,
    TIED_TO_SIZE,
    Blocks,
    block_sums,
    estimate,
    explained,
    fitted_spread,
    measured,
    norm_interval,
    permuted_p,
    residualized,
    size_correlation,
    size_strata,
    use_metric,
    wild_p,
)

CONFOUNDED = 0.9  # the others explain more of a covariate than this: its p is said to rest on little
TIED_NOTE = (  # (regstats.TIED_TO_SIZE)
    "follows the blocks' sizes (correlation {:.2f} with the log of the word's occurrences in each): its values are "
    "dealt only among blocks of about one size, and what makes a block large changes with it"
)
FREQUENT = 20  # a number's gaining words are seen this often in the table
COLUMNS = (
    "word",
    "covariate",
    "term",
    "vs",
    "occurrences",
    "documents",
    "blocks",
    "norm",
    "low",
    "high",
    "per_sd",
    "percentile",
    "p",
    "q",
    "permutations",
    "neighbours",
    "cosines",
    "note",
)
NORM, P, Q, COVARIATE, TERM = (COLUMNS.index(c) for c in ("norm", "p", "q", "covariate", "term"))


def read_design(
    engine: Engine, path, by: list[str], block, text_column: str, where, split_blocks: bool, rows=None, baseline=None
) -> Design:
    """The table's rows as a regression reads them: covariates resolved, the design matrix, blocks
    (checked constant in the covariates), and the texts segmented as the model's were."""
    names = columns_named(by)
    if rows is None:  # (the block may be a covariate's column: chapters permuted whole by their number)
        rows = table_rows(engine, path, [text_column, *names] + ([block] if block else []), where)
    covariates = resolve(path, rows, list(by), baseline)
    x, valid, terms, owner = design_rows(rows, covariates)
    _check_separable(path, x[valid], owner, covariates)
    block_of, block_names, split = blocks_of(path, rows, x, valid, block, split_blocks)
    corpus = segmented(engine, rows, text_column)
    lines, texts = [n for n, _ in rows], [r[text_column] for _, r in rows]
    design = Design(corpus, x, terms, owner, covariates, valid, block_of, block_names, split, lines, texts)
    design.counts = np.bincount(corpus.ids[corpus.ids >= 0], minlength=len(engine.model))
    design.frequent = design.counts >= FREQUENT
    design.comparable = np.array([w.isalpha() for w in engine.model.words], dtype=bool)  # (a term's peers: words)
    return design


def _check_separable(path, x: np.ndarray, owner: np.ndarray, covariates) -> None:
    """UsageError, before any work, when a covariate is determined by the ones before it (全唐诗 is
    唐: a collection and the period cannot both be asked), naming the two."""
    gram = x.T @ x
    kept = [0]
    for c, cov in enumerate(covariates):
        cols = kept + np.flatnonzero(owner == c).tolist()
        empty = cov.kind == "interaction" and not cov.levels  # (no row holds any pair of its terms)
        if empty or np.linalg.matrix_rank(gram[np.ix_(cols, cols)]) < len(cols):
            if cov.kind == "interaction":
                a, b = (covariates[p].name for p in cov.parts)
                raise UsageError(
                    f"{path}: {cov.name} cannot be told from {a} and {b} in these rows: a value of one is found "
                    f"with a single value of the other (as every 词 is 宋), so no rows show how {a}'s term differs "
                    f"with {b}: leave out the interaction, or keep the values found with both with {{where}}",
                    "where",
                )
            before = ", ".join(v.name for v in covariates[:c]) or "the intercept"
            raise UsageError(
                f"{path}: {cov.name} and {before} cannot be told apart in these rows (the values of one fix those "
                "of the other): ask of one, or of one inside the other with {where}",
                "where",
            )
        kept = cols


def regress(engine: Engine, question: ContrastQuestion, rows: list | None = None, table: dict | None = None) -> Result:
    """How each of the question's words is used as the table's covariates vary: a row per
    covariate term (and per baseline level), with the coefficient's debiased norm, its interval at
    the question's level, permutation p and BH q, and rows of fitted vectors at the values `at`
    names. Each number also gets a curve (fields["curves"]): the cosine of the fitted vector across
    its range to the words `to` names, else to those gaining and losing most, with a band from the
    jackknife; `picture` asks for one (UsageError, before the work, without a number to draw).
    Asked by w2vkit.findings.contrasts, the one door, with the table's `rows` it read and its
    `table` provenance."""
    words, path, by, block = question.words, question.path, question.by, question.block
    window, seed, level, where, at = question.window, question.seed, question.level, question.where, question.at
    permutations, min_occurrences = question.permutations, question.min_occurrences
    design = read_design(
        engine, path, list(by), block, question.text_column, where, question.split_blocks, rows, question.baseline
    )
    check_regression(None, None, False, question.picture, design.covariates)
    points = [point_terms(design, a) for a in (at or [])]
    targets = [parse_target(engine, w) for w in words]
    drawn = _named(engine, question.to)
    a, fit = transform_fit(engine, design.corpus, window)
    found = []
    for number, (word, target) in enumerate(zip(words, targets)):
        rng = np.random.default_rng([seed, number])
        found.append(
            _word_rows(
                engine,
                design,
                a,
                (word, target),
                window,
                (permutations, level),
                min_occurrences,
                rng,
                None if drawn is None else drawn[1],
            )  # fmt: skip
        )
    rows_out = [r for word_rows, _ in found for r in word_rows]
    for r, q in zip(rows_out, bh([r[P] for r in rows_out])):
        r[Q] = q
    fitted, curves = [], []
    for word, (word_rows, word_fit) in zip(words, found):
        if drawn is not None:  # (`to`'s words: each level's cosines, as columns)
            for r in word_rows:
                r.extend(row_cells(design, word_fit, r[COVARIATE], r[TERM], drawn[1]))
        if word_fit is not None:
            for p in points:
                extra = [] if drawn is None else word_fit.cosine_cells(word_fit.row(p[1]), None, drawn[1])
                fitted.append((*_fitted_row(engine, word, word_fit, p), *extra))
            curves += [word_fit.curve(engine, word, design, c, drawn) for c in word_fit.numbers]
    fields: dict[str, Any] = {
        "words": list(words),
        "table": str(path),
        "by": list(by),
        "covariates": [c.to_dict() for c in design.covariates],
        "block": block or "row",
        "at": [dict(p) for p, _ in points],
        "curves": curves,
        "permuted": (
            f"a wild bootstrap of whole {block}s under each covariate's null, {permutations} times"
            if design.split
            else f"each covariate's values, less what the others explain, among "
            f"{'whole ' + block + 's' if block else 'single rows'}, {permutations} times"
        ),
    }
    provenance = engine.provenance(
        window=window,
        permutations=permutations,
        min_occurrences=min_occurrences,
        seed=seed,
        level=level,
    )
    if table is not None:  # (the table's path, checksum and reading options: contrast's record of it)
        provenance["table"] = table
    provenance["interval"] = NORM_INTERVAL_RULE  # (the rule a methods section cites, where a reader looks)
    if where:
        fields["where"] = provenance["where"] = dict(where)
    columns = list(COLUMNS) + (cosine_columns(drawn[0]) if drawn is not None else [])
    result = Result("contrast", columns, [tuple(r) for r in rows_out + fitted], fields, provenance=provenance)
    _notes(result, design, block)
    outside = outside_note(design, at or [])
    if outside:
        result.note(outside, "at")
    if fit is not None:
        result.fields["transform"] = fit
        result.note(fit_note(fit) or "", kind="info")
    return result


def _notes(result: Result, design: Design, block: str | None) -> None:
    """What the regression rests on: how each covariate was taken, the rows left out, the blocks."""
    for c in design.covariates:
        result.note(
            f"{c.name}: {c.kind} ({c.why})"
            + (f", against {c.levels[0]}" + (" (the largest group)" * c.largest) if c.kind == "levels" else ""),
            kind="info",
        )
        if c.kind == "number" and not c.log and c.skew > SKEWED:
            result.note(
                f"{c.name} is skewed (skewness {c.skew:.1f}): a few large values carry its fit; {{by}} {c.name}:log "
                "takes the logarithm of each value",
                "by",
            )
    left = int((~design.valid).sum())
    if left:
        result.note(f"{left:,} rows lack a covariate's value and are left out")
    if not block:
        result.note("p assumes rows are exchangeable; rows of one author or collection are not: give {block}", "block")
    if design.split:
        result.note(
            f"{design.split:,} {block} blocks hold several values of the covariates ({{split_blocks}}): each is "
            f"kept whole, and p comes from a wild bootstrap of whole {block}s rather than a permutation",
            "split_blocks",
            kind="info",
        )


def _word_rows(engine: Engine, design: Design, a, asked: tuple, window, resampling: tuple, least, rng, units=None):
    """One word's rows, and what its fitted vectors need (None when it could not be fitted);
    `asked`: (the word, its target); `resampling`: (permutations, the intervals' level); `units`:
    the `to` words' unit vectors, whose cosine differences each covariate of levels' permutations
    also give."""
    word, target = asked
    permutations, level = resampling
    if target is None:
        return [_note_row(word, "composed from character n-grams, so it has no occurrences to regress")], None
    docs, sums, counts = occurrences_on(engine, design, a, target, window)
    if counts.sum() < least:
        return [_note_row(word, f"{int(counts.sum())} occurrences, under {least}")], None
    x = design.x[docs]
    keep, notes = _kept_terms(design, x, counts, least)
    if "" in notes:  # (a baseline too thin to compare with)
        return [_note_row(word, notes[""])], None
    x, docs, sums, counts = _without_thin_levels(design, x, docs, sums, counts, keep)
    cols = np.flatnonzero(keep)
    sub = x[:, cols]
    owner = design.term_covariate[cols]
    categorical = [c for c, cov in enumerate(design.covariates) if cov.kind == "levels"]
    level_key = design.x[docs][:, np.isin(design.term_covariate, categorical)]
    stratum = (
        np.unique(level_key, axis=0, return_inverse=True)[1].reshape(-1)
        if level_key.shape[1]
        else np.zeros(len(docs), int)
    )
    blocks = block_sums(sub, sums, counts, design.block[docs], stratum)
    if len(blocks.n) < 3 or np.linalg.matrix_rank(blocks.xx.sum(axis=0)) < len(cols):
        return [_note_row(word, "too few blocks or values to separate the covariates")], None
    tested = np.arange(1, len(cols))
    found = estimate(blocks, tested, level)
    found["percentile"] = term_percentiles(engine, design, a, window, target, (cols, found["norm"]), least)
    pvalues: dict[int, float] = {}
    done = 0
    word_fit = Fit(
        found["coef"], cols, (counts @ sub) / counts.sum(), found["jackknife"],
        fitted_spread(blocks, found["xtx"], found["coef"]), design.products(), bool(design.split), level,
        design.frequent, list(target.rows),
    )  # fmt: skip
    metric = use_metric(blocks)
    for c in sorted(set(owner.tolist()) - {-1}):
        columns, name = np.flatnonzero(owner == c), design.covariates[c].name
        observed = measured(found["coef"][columns], metric)
        collect = None
        if units is not None and design.covariates[c].kind == "levels":
            # (a permutation passes its dealt values' mean too; a wild draw, its coefficients alone)
            collect = lambda b, z=None, c=c: word_fit.level_differences(design, c, b, z, units)  # noqa: E731
        if design.split:  # (a covariate varies inside blocks: none can be permuted whole)
            ps, done, word_fit.permuted[c] = wild_p(blocks, columns, observed, permutations, rng, metric, collect)
        else:
            values = residualized(blocks, columns)
            # (a number that follows the blocks' sizes is dealt only among blocks of about one size)
            tied = size_correlation(blocks, columns) if design.covariates[c].kind == "number" else 0.0
            strata = size_strata(blocks.n) if abs(tied) > TIED_TO_SIZE else None
            ps, done, word_fit.permuted[c] = permuted_p(
                blocks, columns, values, observed, permutations, rng, metric, collect, strata
            )
            if strata is not None:
                notes[name] = "; ".join(filter(None, [notes.get(name), TIED_NOTE.format(tied)]))
        share = explained(blocks.xx.sum(axis=0), columns)
        if share > CONFOUNDED:
            notes[name] = "; ".join(
                filter(None, [notes.get(name), f"confounded: the other covariates explain {share:.0%} of it"])
            )
        pvalues.update(zip(columns.tolist(), ps.tolist()))
    word_fit.numbers = [  # (each number covariate: its design column, and its 5th and 95th percentiles)
        (c, int(design.columns_of(c)[0]), *_spread(x[:, design.columns_of(c)[0]], counts))
        for c, cov in enumerate(design.covariates)
        if cov.kind == "number"
    ]
    rows = _term_rows(
        engine, design, word, word_fit.own, blocks, found, pvalues, done, word_fit, x, docs, counts, notes
    )
    return rows, word_fit


def _kept_terms(design: Design, x: np.ndarray, counts: np.ndarray, least: int) -> tuple[np.ndarray, dict]:
    """Which terms the word's fit keeps: a level with fewer than `least` occurrences is left out
    (with its documents) and noted; a baseline so thin leaves its covariate out."""
    keep = np.ones(x.shape[1], dtype=bool)
    notes: dict[str, str] = {}
    for c, cov in enumerate(design.covariates):
        cols = design.columns_of(c)
        if cov.kind == "interaction":
            for j, label, (first, second) in zip(cols, cov.levels, cov.pairs):
                seen = counts @ (x[:, j] != 0)
                if seen < least or not keep[first] or not keep[second]:  # (after its parts: they come first)
                    keep[j] = False
                    notes[f"{cov.name}={label}"] = f"{int(seen)} occurrences, under {least}"
            continue
        if cov.kind == "number":
            continue
        seen = counts @ x[:, cols]
        base = counts.sum() - seen.sum()
        for j, level, n in zip(cols, cov.levels[1:], seen):
            if n < least:
                keep[j] = False
                notes[f"{cov.name}={level}"] = f"{int(n)} occurrences, under {least}"
        if base < least:
            notes[""] = f"{int(base)} occurrences in the baseline {cov.name}={cov.levels[0]}, under {least}"
    return keep, notes


def _without_thin_levels(design: Design, x, docs, sums, counts, keep):
    """The word's documents but those of the levels left out."""
    levels = np.array([c >= 0 and design.covariates[c].kind == "levels" for c in design.term_covariate.tolist()])
    dropped = np.flatnonzero(~keep & levels)  # (an interaction's term left out keeps its documents)
    if not len(dropped):
        return x, docs, sums, counts
    mine = ~(x[:, dropped] > 0).any(axis=1)
    return x[mine], docs[mine], sums[mine], counts[mine]


def _term_rows(engine, design, word, own, blocks: Blocks, found, pvalues, done, word_fit: Fit, x, docs, counts, notes):
    """The word's rows: for each covariate, the baseline level, each level, or the number."""
    cols = word_fit.cols
    place = {int(j): i for i, j in enumerate(cols)}
    tested = dict(documents=len(docs), blocks=len(blocks.n), permutations=done)
    rows: list[list[Any]] = []

    def numbers(i: int) -> dict:
        p = pvalues.get(i)
        # (0 to the norm's upper limit where the permutation test does not reject 0 at the
        # interval's level: resampling fails at that boundary; docs/findings.md)
        low, high = norm_interval(found, i, p, word_fit.level)
        percentile = float(found["percentile"][i])
        cells = dict(tested, norm=float(found["norm"][i]), low=low, high=high, p=p)
        return dict(cells, percentile=None if percentile != percentile else percentile)

    for c, cov in enumerate(design.covariates):
        full = design.columns_of(c)
        if cov.kind == "interaction":
            rows += _interaction_rows(engine, design, word, cov, full, word_fit, numbers, x, counts, notes)
            continue
        if cov.kind == "number":
            i = place[int(full[0])]
            values = x[:, full[0]]
            sd = float(np.sqrt(counts @ (values - (counts @ values) / counts.sum()) ** 2 / counts.sum()))
            low, high = np.quantile(np.repeat(values, counts.astype(int)), [0.1, 0.9])
            near, scores = word_fit.gaining(engine, int(full[0]), low, high)
            cells = numbers(i)
            cells.update(per_sd=cells["norm"] * sd, neighbours=near, cosines=scores, note=notes.get(cov.name))
            term = "per tenfold" if cov.log else "per unit"
            rows.append(_row(word, cov.name, term, occurrences=int(counts.sum()), **cells))
            continue
        seen = counts @ x[:, full]
        for k in range(len(cov.levels)):
            occurrences = int(counts.sum() - seen.sum()) if k == 0 else int(seen[k - 1])
            vs = cov.levels[0] if k else None
            if k and int(full[k - 1]) not in place:  # (a level too thin for this word)
                note = notes.get(f"{cov.name}={cov.levels[k]}")
                rows.append(_row(word, cov.name, cov.levels[k], vs=vs, occurrences=occurrences, note=note))
                continue
            near, scores = word_fit.nearest(engine, word_fit.row(level_terms(design, c, k)))
            cells = numbers(place[int(full[k - 1])]) if k else {}
            note = notes.get(cov.name) if k else "baseline"
            rows.append(
                _row(
                    word,
                    cov.name,
                    cov.levels[k],
                    vs=vs,
                    occurrences=occurrences,
                    neighbours=near,
                    cosines=scores,
                    note=note,
                    **cells,
                )
            )
    return rows


def _interaction_rows(engine, design: Design, word: str, cov, full, word_fit: Fit, numbers, x, counts, notes) -> list:
    """An interaction's rows: a term per pair of its parts' terms, with its norm, interval and p;
    for two covariates of levels, the nearest words of the fitted vector at the pair (宋 and 词)."""
    place = {int(j): i for i, j in enumerate(word_fit.cols)}
    out = []
    for j, label, pair in zip(full.tolist(), cov.levels, cov.pairs):
        seen = int(counts @ (x[:, j] != 0))
        if j not in place:  # (too few of the word's occurrences hold the pair)
            out.append(_row(word, cov.name, label, occurrences=seen, note=notes.get(f"{cov.name}={label}")))
            continue
        near: list[str] = []
        scores: list[float] = []
        if all(design.covariates[p].kind == "levels" for p in cov.parts):
            terms: dict[int, float] = {}
            for part, column in zip(cov.parts, pair):
                terms.update(level_terms(design, part, design.columns_of(part).tolist().index(column) + 1))
            near, scores = word_fit.nearest(engine, word_fit.row(terms))
        cells = dict(numbers(place[j]), neighbours=near, cosines=scores, note=notes.get(cov.name))
        out.append(_row(word, cov.name, label, occurrences=seen, **cells))
    return out


def _spread(values: np.ndarray, counts: np.ndarray) -> tuple[float, float]:
    """The 5th and 95th percentiles of a number over the word's occurrences."""
    low, high = np.quantile(np.repeat(values, counts.astype(int)), [0.05, 0.95])
    return float(low), float(high)


def _named(engine: Engine, to: list[str] | None) -> tuple[list[str], np.ndarray] | None:
    """The words a curve is drawn to, with their unit vectors (an unknown word: its own error)."""
    if not to:
        return None
    return list(to), concept_vectors(engine, to)  # (unit rows: a word's vector, or a concept's unit mean)


def _fitted_row(engine, word, word_fit: Fit, point) -> tuple:
    values, terms = point
    x = word_fit.row(terms)
    near, scores = word_fit.nearest(engine, x)
    label = ",".join(f"{k}={v}" for k, v in values.items())
    return tuple(_row(word, "fitted", label, neighbours=near, cosines=scores))


def _note_row(word: str, note: str) -> list:
    return _row(word, note=note)


def _row(word: str, covariate: str | None = None, term: str | None = None, **cells) -> list:
    """A row of COLUMNS: the cells given, None (or an empty list of words) for the others."""
    cells.update(word=word, covariate=covariate, term=term)
    return [cells.get(c, [] if c in ("neighbours", "cosines") else None) for c in COLUMNS]


def check_regression(scan, groups, ratio: bool, picture: bool, covariates) -> None:
    """What a regression (several covariates, or a number) cannot do, refused before any work: a
    scan, ordered groups, the ratio, a picture without a number to draw."""
    if picture and not any(c.kind == "number" for c in covariates):
        raise UsageError("the picture of a regression draws a number's curve: give a column of numbers in {by}", "by")
    if scan is not None:
        raise UsageError("{scan} contrasts the groups of one column; a regression takes WORDs", "scan")
    if groups is not None:
        raise UsageError(
            "{groups} orders the groups of one column; with several {by}, use {where}", "groups", "by", "where"
        )
    if ratio:
        raise UsageError("{ratio} compares two groups of one column, not a regression", "ratio", "by")
