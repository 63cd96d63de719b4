"""How a word's use differs between groups of documents of one corpus (periods, parties, authors):
embedding regression with à la carte vectors (w2vkit.findings.alacarte), in Python; several
covariates, or a number, go to w2vkit.findings.contrasts.regression.

Each occurrence of a word gets a vector (A times the mean of its context's unit vectors); a group's
vector is the mean over its occurrences. The **change** between two groups is 1 − cos*, the cosine
of the two group means with each mean's squared length debiased by its sampling variance (between
blocks); without it a rare word's noisy means point apart and every rare word looks changed (the
raw norm's Spearman with frequency was −0.86 to −0.97 under no change). The **p-value** permutes
the blocks' group labels (`block` a column such as author, else each document is its own block),
p = (1 + #{permuted ≥ observed}) / (P + 1); q is Benjamini–Hochberg over the words asked. The
**interval** (90%) is the bootstrap of the debiased change over blocks within each group.
Documents are exchangeable only within a block: permuting single poems of a period whose authors
differ found 44% of words "changed" with no change present (docs/findings.md), hence `block`.

Groups are compared in order (each with the previous) when `groups` is given or the values are
numbers; otherwise each group with the rest.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from ...base.choices import (
    CONTRAST_BOOTSTRAP,
    CONTRAST_MIN_OCCURRENCES,
    CONTRAST_PERMUTATIONS,
    SCAN_RANK,
    SCAN_TOP,
    TEXT_COLUMN,
)
from ...base.progress import counted_with_bar
from ...base.results import Result
from ...base.workers import ordered_map
from ...errors import UsageError
from ...queries.arguments import count_argument
from ...queries.query import Engine
from ..alacarte import DEFAULT_WINDOW, fit_note, transform_fit
from ..permutation import bh, undecided
from ..tabledocs import read_documents, table_label, table_provenance, table_rows
from ..targets import Target, concept_vectors, parse_target
from .contrastchecks import check_literal_columns, checked_arguments, refuse_regression_options
from .contrastquestion import ContrastQuestion
from .design import columns_named, resolve
from .groupdifferences import with_differences
from .groupmembers import ask_members
from .grouprows import (
    CHANGE,
    COLUMNS,
    GROUP,
    PERMUTATIONS,
    P,
    Q,
    begin,
    contrast_word,
    paths,
    scan_percentiles,
    scan_rows,
    scanned_words,
    what_ran,
)
from .nnratio import check_ratio, ratio_result
from .regression import check_regression, regress

DEFAULT_PERMUTATIONS = CONTRAST_PERMUTATIONS
DEFAULT_BOOTSTRAP = CONTRAST_BOOTSTRAP
MIN_OCCURRENCES = CONTRAST_MIN_OCCURRENCES  # fewer in a group: a note, not a number
SCAN_FIRST = 99  # a scan's first permutations per word; all of them only for the words undecided()
MEMBERS_NOTE = (
    "recurrence: the share of the {members} members (models of resampled documents of the training text) whose "
    "own vector of the word in the group, made the same way, has the neighbour among its nearest"
)
SCAN_MORE, SCAN_MOST = 10, 100_000  # then rounds of 10 times more, up to this, for those at p's floor


def contrast(
    engine: Engine,
    words: str | list[str] | None = None,
    path: str | os.PathLike | None = None,
    *,
    by: str | list[str] | None = None,
    block: str | None = None,
    groups: list[str] | None = None,
    text_column: str = TEXT_COLUMN,
    window: int = DEFAULT_WINDOW,
    permutations: int = DEFAULT_PERMUTATIONS,
    bootstrap: int = DEFAULT_BOOTSTRAP,
    min_occurrences: int = MIN_OCCURRENCES,
    seed: int = 0,
    scan: int | bool | None = None,
    top: int = SCAN_TOP,
    split_blocks: bool = False,
    where: dict[str, str] | None = None,
    rank: str | None = None,
    at: list[dict[str, str]] | None = None,
    to: list[str] | None = None,
    ratio: bool = False,
    jobs: int | None = None,
    ordered: bool = False,
    progress: bool = False,
    level: float | None = None,
    baseline: dict[str, str] | None = None,
) -> Result:
    """How each of `words` is used in each group of the table at `path` (column `by`), and how much
    that changes from the previous group (ordered groups) or from the rest: the change (1 − cos*),
    its 90% interval, a permutation p-value by `block` and a Benjamini–Hochberg q over the words.

    Parameters
    ----------
    engine : Engine
        A model trained on the table (its segmentation is applied to the rows).
    words : str or list of str
        The words to contrast; a phrase of the model's tokens is one target (明月 in a model of
        characters, "united states"), and words joined by `+` are pooled (月+月亮).
    path : str or Path or pandas.DataFrame
        The table (TSV, CSV, JSON Lines, .gz; or a DataFrame): a row a document.
    by : str or list of str
        The column whose values are the groups. Several columns, or a column of numbers (many
        distinct values, or `year:number`), make it a regression on them all
        (w2vkit.findings.contrasts.regression.regress: a row per covariate term); `period:levels` takes
        numbers as groups.
    block : str, optional
        The column whose values are permuted and resampled whole (author, chapter); None: each row.
    groups : list of str, optional
        The groups, in order (then compared each with the previous); None: every value.
    text_column : str
        The column holding the text.
    window : int
        Context words each side of an occurrence.
    permutations, bootstrap : int
        Permutations of the blocks' groups (p), and bootstrap draws of blocks (a group change's
        interval; a regression's intervals and bands take the jackknife's, which needs no draws).
    min_occurrences : int
        Fewer occurrences in a group give a note, not a number.
    seed : int
        For the permutations and draws.
    level : float, optional
        The coverage of every interval and band (None: 0.90; 0.95 as many journals ask). A
        regression's norm holds 0 in its interval whenever p ≥ 1 − level.
    baseline : dict, optional
        In a regression, the level each covariate of levels is measured against ({"period": "唐"});
        None: its largest group (said in the header; no default depends on the rows' order).
    scan : int or True, optional
        Instead of `words`: every word seen at least this many times in each group (True:
        SCAN_MIN_OCCURRENCES), the `top` most frequent, ranked by the change of the last group;
        SCAN_FIRST permutations each, then all of them for the words they leave undecided.
    top : int
        At most this many words in a scan.
    jobs : int, optional
        Words contrasted at once in worker processes (None: one after another); the numbers are the
        same for any value (each word's permutations have their own seed).
    ordered : bool
        A picture is asked: ordered groups (each word's path), or for a regression a number (its
        curve); UsageError before the work when there are none.
    progress : bool
        A progress bar over the words on stderr (a line now and then when stderr is a log).
    split_blocks : bool
        A block that spans several groups (an author of two periods) becomes a block per group
        (else it is an error naming them); a note says how many.
    where : dict, optional
        Only the rows whose columns have these values ({"collection": "全唐诗"}); recorded in the
        fields and the provenance.
    to : list of str, optional
        Words whose cosine with each group's vector is given, with a 90% interval (columns
        cos_WORD, cos_WORD_low, cos_WORD_high).
    ratio : bool
        Instead of the change: for two groups, the nearest-neighbour ratio of each word
        (w2vkit.findings.contrasts.nnratio: which neighbours belong more to one group's use than the other's,
        with p, q and an interval): a row per word and neighbour, fields["ratio"] True.
    at : list of dict, optional
        A regression's fitted vectors at these values ([{"year": "700"}]), with their nearest words.
    rank : {"held", "low", "change"}
        A scan's order (None: "held"): the changes that hold (q < 0.05) first, each part by the
        lower bound of its interval; the lower bound alone (the changes surest to be large first: a
        rare word's big but wide change sinks); or the change. A row whose q is not below 0.05
        says so in its note.

    Returns
    -------
    Result
        A row per word and group: occurrences, documents, blocks, the change from the group before
        (or from the rest) with its interval, p and q, the group's nearest words (with a model's
        members: the share of them that find each, `recurrence`) and its most typical context
        words.

    Raises
    ------
    UsageError
        An unknown group, a block spanning groups, a word the model lacks.
    InputError
        A table that does not parse, or lacks a column (named with those it has).

    Examples
    --------
    >>> engine = Engine(load_model("models/poetry"))  # doctest: +SKIP
    >>> r = contrast(engine, ["月"], "poetry.tsv.gz", by="period", groups=["唐", "宋"], block="author")  # doctest: +SKIP
    >>> r.records()[1]["change"], r.records()[1]["p"]  # doctest: +SKIP
    (0.06, 0.001)
    """
    words, at, level, rank, scan, permutations, bootstrap, window = checked_arguments(
        engine, path, words, by, block=block, text_column=text_column, to=to, split_blocks=split_blocks, at=at,
        baseline=baseline, groups=groups, permutations=permutations, bootstrap=bootstrap,
        min_occurrences=min_occurrences, seed=seed, jobs=jobs, window=window, top=top, scan=scan, level=level, rank=rank,
    )  # fmt: skip
    targets = [parse_target(engine, w) for w in words]  # (a word the model lacks: said before any work)
    concepts = concept_vectors(engine, to) if to else None  # (and one of `to`'s)
    specs = [by] if isinstance(by, str) else list(by or [])
    check_literal_columns(path, specs)
    names = columns_named(specs)
    if not names or "" in names:
        raise UsageError("{by} names no column: give the column of the groups", "by")
    rows = read = table_rows(engine, path, [text_column, *names] + ([block] if block else []), where)
    table = table_provenance(path, rows, text_column=text_column, block=block, split_blocks=split_blocks)
    path = table_label(path)  # (a DataFrame is named so in messages; its rows are read)
    if len(names) > 1 or groups is None:  # (an interaction names two columns)
        covariates = resolve(path, rows, specs, baseline)
        if len(covariates) > 1 or covariates[0].kind == "number":  # (a regression: contrast is its one-level case)
            check_regression(scan, groups, ratio, ordered, covariates)
            question = ContrastQuestion(
                words, str(path), specs, block, text_column, window, permutations, bootstrap, min_occurrences, seed,
                level, split_blocks, where, at, to, baseline, picture=ordered,
            )  # fmt: skip
            return regress(engine, question, rows, table)
    refuse_regression_options(at, baseline)
    docs = read_documents(engine, path, names[0], block, text_column, groups, split_blocks, where, rows=rows)
    if ordered and not docs.ordered:  # (a picture of paths needs them: said before the work, not after)
        raise UsageError("the groups have no order: give {groups} A,B,C", "groups")
    if ratio:
        check_ratio(docs, scan)
    if scan is not None:
        words = _scanned(engine, docs, scan, top)
        targets = [Target(w, [[engine.model.index[w]]]) for w in words]
    a, fit = transform_fit(engine, docs.corpus, window)
    first = SCAN_FIRST if scan is not None else 0
    state = dict(engine=engine, docs=docs, a=a, window=window, first=first, seed=seed, level=level)
    state.update(permutations=permutations, bootstrap=bootstrap, min_occurrences=min_occurrences)
    provenance = engine.provenance(**{k: state[k] for k in NUMBERS}, seed=seed)
    provenance["table"] = table
    fields = _fields(words, path, names[0], docs, block, permutations, scan is not None)
    if where:
        fields["where"] = provenance["where"] = dict(where)
    if ratio:
        return ratio_result(engine, docs, a, list(zip(words, targets)), state, fields, provenance, fit)
    if scan is None:  # (each change placed among words of its frequency: their counts in these groups)
        state["counts"], state["comparable"] = _group_counts(engine, docs)
    state["to"] = concepts
    found = _contrast_all(state, list(enumerate(zip(words, targets))), jobs, scan is not None, progress)
    if scan is not None:  # (what ran, not only the rule: the trial read the rule as what happened)
        fields["permuted"] = what_ran(fields["permuted"], _tested(found))
    rows = _ranked_rows(found, docs, scan is not None, rank)
    notes = [note for _, note, _ in found if note]
    columns = list(COLUMNS) + [f"cos_{w}{end}" for w in to or [] for end in ("", "_low", "_high")]
    if scan is not None:
        columns += [f"vs_{c}" for c in ("neighbours", "cosines", "context")]
    if docs.ordered and scan is None:  # (the word's path through the groups, for a picture)
        changes = [{r[GROUP]: r[CHANGE : CHANGE + 3] for r in rows} for rows, _, _ in found]
        drawn = [(t.text, t.sequences[0][0], means, c) for t, (_, _, means), c in zip(targets, found, changes) if t]
        fields["trajectories"] = paths(drawn, docs.groups, engine)
    asked = 0
    if scan is not None:
        provenance["rank"] = rank
    else:  # (the group vectors asked of the members too: each neighbour's recurrence, beside its cosine)
        asked = ask_members(
            engine, docs, window, dict(zip(words, targets)), rows, fields.get("trajectories", []), progress
        )
        columns[columns.index("cosines") + 1 : columns.index("cosines") + 1] = ["recurrence"] if asked else []
    result = Result("contrast", columns, [tuple(r) for r in rows], fields, provenance=provenance)
    if to and scan is None and len(docs.groups) == 2:  # (the second group's cosines less the first's)
        question = ContrastQuestion(
            words, str(path), names, block, text_column, window, permutations, bootstrap, min_occurrences, seed,
            level, split_blocks, where, None, list(to),
        )  # fmt: skip
        with_differences(result, engine, question, read, table, docs.groups)
    _say_what_it_rests_on(result, notes, docs, block, scan, len(words), fit)
    if asked:
        result.note(MEMBERS_NOTE.format(members=asked), kind="info")
    return result


# the numbers a contrast's provenance records, as its state holds them
NUMBERS = ("window", "permutations", "bootstrap", "min_occurrences", "level")


def _fields(words: list[str], path, by: str, docs, block: str | None, permutations: int, scan: bool) -> dict:
    """What a contrast asked and found besides its rows: the words, the table, the groups, the
    blocks and what was permuted."""
    return {
        "words": words,
        "table": str(path),
        "by": by,
        "groups": docs.groups,
        "ordered": docs.ordered,
        "block": block or "row",
        "permuted": f"the group labels of {'whole ' + block + 's' if block else 'single rows'}, "
        + (
            f"{SCAN_FIRST} times, {permutations} for undecided words, up to {max(permutations, SCAN_MOST)} for those "
            "at p's floor"
            if scan
            else f"{permutations} times"
        ),  # fmt: skip
    }


def _scanned(engine: Engine, docs, scan: int, top) -> list[str]:
    """The words a scan contrasts (scanned_words), or UsageError: groups without an order, or no
    word seen `scan` times in each."""
    words = scanned_words(engine, docs, count_argument("scan", scan), count_argument("top", top))
    if docs.ordered is False:
        raise UsageError("a scan compares the groups in order: give {groups} A,B", "groups")
    if not words:
        raise UsageError(f"no word is seen {scan} times in each group; lower {{scan}}", "scan")
    return words


def _ranked_rows(found: list, docs, scan: bool, rank: str = SCAN_RANK) -> list[list[Any]]:
    """Every word's rows with their BH q over all of them; in a scan, the last group's rows in the
    order `rank` names (SCAN_RANKS), each row whose q is not below HOLDS_BELOW saying so."""
    rows: list[list[Any]] = [r for word_rows, _, _ in found for r in word_rows]
    for r, q in zip(rows, bh([r[P] for r in rows])):
        r[Q] = q
    if scan:
        rows = scan_rows(rows, docs.groups[-1], rank)
        scan_percentiles(rows)
    return rows


def _group_counts(engine: Engine, docs) -> tuple[np.ndarray, np.ndarray]:
    """Each model word's count in the groups compared, and which words are words (not punctuation
    or numbers): what a change's peers of similar frequency are chosen by."""
    ids, in_groups = docs.corpus.ids, docs.group[docs.corpus.doc] >= 0
    counts = np.bincount(ids[(ids >= 0) & in_groups], minlength=len(engine.model))
    return counts, np.array([w.isalpha() for w in engine.model.words], dtype=bool)


def _contrast_all(state: dict, items: list, jobs: int | None, scan: bool, progress: bool) -> list:
    """Each word's rows, note and group means, `jobs` words at once; in a scan, the words whose
    decision more permutations could change permuted again in full."""
    jobs = max(1, min(count_argument("jobs", jobs) if jobs is not None else 1, len(items)))
    if jobs > 1:
        from ...base.env import default_jobs

        state["threads"] = max(1, default_jobs() // jobs)
    found = counted_with_bar(
        ordered_map(contrast_word, iter(items), jobs, begin, (state,)), len(items), progress, "contrast", "words"
    )
    if scan:
        state["first"] = 0
        full = state["permutations"]
        # (then rounds of SCAN_MORE times more, up to SCAN_MOST, for the words still at p's floor,
        # which BH over a thousand words cannot call significant: 1/1,001 x 1,213 words / 10 is 0.12,
        # and the planted words of a held-out novel all sat there; at 10,000 three still did)
        limit, floor = full, False
        while True:
            again = sorted(undecided(_tested(found), limit, floor=floor))
            state["permutations"] = limit
            redone = ordered_map(contrast_word, (items[i] for i in again), jobs, begin, (state,))
            for i, result in zip(
                again, counted_with_bar(redone, len(again), progress, f"{limit} permutations", "words")
            ):
                found[i] = result
            if not again and floor or limit >= SCAN_MOST:
                break
            limit, floor = min(limit * SCAN_MORE, SCAN_MOST), True
        state["permutations"] = full
    return found


def _tested(found: list) -> list[tuple[int, float, int]]:
    """(place in `found`, p, permutations) of every row with a p: what undecided() reads."""
    return [(i, r[P], r[PERMUTATIONS]) for i, (rows, _, _) in enumerate(found) for r in rows if r[P] is not None]


def _say_what_it_rests_on(result: Result, notes: list, docs, block: str | None, scan, scanned: int, fit) -> None:
    """contrast's notes: what p assumes of the permuted blocks, each word's own note, blocks split
    by group, a scan's count of words at q < 0.05, and what the transform's fit rests on."""
    fields, rows = result.fields, result.rows
    if fit is not None:
        fields["transform"] = fit
        result.note(fit_note(fit) or "", kind="info")
    result.note(
        f"permuted {fields['permuted']}: p assumes {'blocks' if block else 'rows'} are exchangeable between groups"
        + ("" if block else "; rows of one author or collection are not: give {block}"),
        *(() if block else ("block",)),
        kind="info" if block else "warning",
    )
    for note in notes:
        result.note(note)
    if docs.unvalued:
        by = result.fields.get("by") or "the group column"
        result.note(f"{docs.unvalued:,} rows have no value in {by} and are left out", kind="info")
    if docs.split:
        result.note(
            f"{docs.split:,} {block} values span several groups; each is a block per group ({{split_blocks}})",
            "split_blocks",
            kind="info",
        )
    if scan is not None:
        qs = [r[Q] for r in rows if r[Q] is not None]
        significant = sum(q < 0.05 for q in qs)
        fields["scanned"] = scanned
        result.note(
            f"scanned {scanned:,} words seen {scan}+ times in each group: {significant:,} at q < 0.05"
            + (
                "; almost every word differs (a large corpus resolves tiny changes): read the change, not p"
                if qs and significant > 0.8 * len(qs)
                else ""
            ),
            kind="info",
        )
