"""The passages most typical of a word's use in one group of a table (conText's "most typical
contexts"): each occurrence's à la carte vector (A times the mean of its context's unit vectors,
as contrast computes them) against the mean of the group's, the occurrences closest first.

A contrast says that 月 is used differently in 宋 than in 唐; the typical passages say how: they
are the occurrences that carry the group's usage, where the first passages of a table are only
the first rows."""

from __future__ import annotations

import os

import numpy as np

from ..base.choices import KWIC_LIMIT, KWIC_WIDTH, TEXT_COLUMN
from ..base.limits import check_number
from ..base.results import Result
from ..errors import UsageError
from ..queries.arguments import count_argument
from ..queries.kwic import joined_text, original_passage
from ..queries.query import Engine
from ..text.reading.tables import shown_columns
from .alacarte import DEFAULT_WINDOW, context_sums, transform
from .tabledocs import beyond_data_note, data_range, read_documents

SHOWN_TOKENS = 12  # tokens of context shown each side of a passage


def typical_passages(
    engine: Engine,
    word: str,
    path: str | os.PathLike,
    *,
    by: str,
    group: str | None = None,
    at: float | str | None = None,
    block: str | None = None,
    text_column: str = TEXT_COLUMN,
    window: int = DEFAULT_WINDOW,
    limit: int = KWIC_LIMIT,
    columns: list[str] | None = None,
) -> Result:
    """The `limit` occurrences of `word` in the rows of the table at `path` whose column `by` is
    `group`, most typical first: each occurrence's vector (A times its context's mean unit vector,
    `window` tokens each side) and its cosine with the mean of the group's occurrence vectors.
    With `at` (a number of the column `by`) in place of a group, the nearest contexts of the
    fitted vector there (conText's get_ncs): every row's occurrences against the least-squares
    line through their vectors along the number (as `contrast --by COLUMN --at COLUMN=VALUE` fits
    it on every occurrence), evaluated at `at`.

    Parameters
    ----------
    engine : Engine
        A model trained on the table (its segmentation is applied to the rows).
    word : str
        The word.
    path : str or Path
        The table.
    by, group : str
        The column of the groups, and the group.
    at : float or str, optional
        Instead of a group: a value of the number column `by`, the point of the fitted vector.
    block : str, optional
        The contrast's block column (read only to check it, as contrast does).
    text_column : str
        The column holding the text.
    columns : list of str, optional
        The row's columns shown with each passage, after its line; None: those a reader cites it by
        (author, title, period) the table has, else its first three (w2vkit.text.reading.tables.shown_columns).
    window : int
        Context tokens each side, as in contrast.
    limit : int
        Passages kept.

    Returns
    -------
    Result
        Rows (rank, line, typicality, left, word, right, original: the row as written around
        it, its punctuation and notes kept), best first; fields word, group, occurrences; the
        table line of each passage.

    Raises
    ------
    UsageError
        A word the model lacks, a group the column does not have, a block spanning groups.
    InputError
        A table that does not parse, or lacks a column.

    Examples
    --------
    >>> engine = Engine(load_model("models/poetry"))  # doctest: +SKIP
    >>> typical_passages(engine, "月", "poetry.tsv.gz", by="period", group="宋", limit=5).records()[0]  # doctest: +SKIP
    {'rank': 1, 'line': 181234, 'typicality': 0.71, 'left': '…', 'word': '月', 'right': '…'}
    """
    check_number("topn", limit)
    window = count_argument("window", window)
    shown = shown_columns(path, columns, text_column, [by] if group is not None else [])
    key = engine.lookup(word).key
    row = engine.model.index.get(key)
    if row is None:
        raise UsageError(f"{word}: composed from character n-grams, so it has no occurrences in the table")
    if (group is None) == (at is None):
        raise UsageError(
            "give a {group} of the column, or a number {at} on it, for the passages typical there", "group", "at"
        )
    point = None if at is None else number_argument(at, by)
    docs = read_documents(engine, path, by, block, text_column)
    corpus = docs.corpus
    pos = corpus.positions(row)
    if group is not None:
        if group not in docs.groups:
            have = ", ".join(map(repr, docs.groups[:20]))
            raise UsageError(f"{path}: no group {group!r} in column {by!r}; it has {have}")
        pos = pos[docs.group[corpus.doc[pos]] == docs.groups.index(group)]
    sums, counts, kept = context_sums(engine, corpus, pos, np.arange(len(pos)), len(pos), window)
    pos, sums, counts = pos[kept], sums[kept], counts[kept]
    vectors = (sums / counts[:, None]) @ transform(engine, corpus, window).T.astype(np.float64)
    beyond = None
    if point is None:
        reference = vectors.sum(axis=0)
    else:
        numbers = _numbers(docs, by, path)
        reference = fitted_at(vectors, numbers[docs.group[corpus.doc[pos]]], point, by)
        low, high = data_range(numbers[docs.group])
        # (contrast's rule: a point past the documents' 1st-99th percentile is read off an extended line)
        beyond = None if low <= point <= high else beyond_data_note(by, [f"{point:g}"], low, high)
    norms = np.linalg.norm(vectors, axis=1)
    scale = float(np.linalg.norm(reference))
    typicality = (vectors @ (reference / scale)) / np.where(norms > 0, norms, 1) if scale > 0 else np.zeros(len(pos))
    best = np.argsort(-typicality, kind="stable")[:limit]
    rows = _passages(engine, docs, pos[best], typicality[best], key)
    if shown:  # (the row's own columns after its line: author, title)
        cells = _row_cells(path, shown, {r[1] for r in rows})
        rows = [(*r[:2], *cells[r[1]], *r[2:]) for r in rows]
    fields = {"word": key, "table": str(path), "by": by, "occurrences": int(len(pos))}
    fields.update({"group": group} if point is None else {"at": point})
    result = Result(
        "typical",
        ["rank", "line", *shown, "typicality", "left", "word", "right", "original"],
        rows,
        fields,
        [],
        engine.provenance(window=window),
    )
    if point is None:
        said = f"in {by}={group}, the most typical first (cosine of each occurrence's à la carte vector with the group's mean)"
    else:
        said = (
            f"nearest the fitted vector at {by}={point:g} first (cosine of each occurrence's à la carte vector with "
            f"the least-squares line along {by} through them all, at {point:g})"
        )
    result.note(f"{len(rows)} of the {len(pos):,} occurrences of {key} {said}", kind="info")
    if beyond:
        result.note(beyond, "at")
    return result


def fitted_at(vectors: np.ndarray, x: np.ndarray, value: float, by: str) -> np.ndarray:
    """The least-squares line through the occurrence vectors along their number `x`, at `value`
    (a + b·value, fitted on every occurrence)."""
    design = np.column_stack([np.ones(len(x)), x])
    if len(x) < 2 or np.ptp(x) == 0:
        raise UsageError(f"the occurrences all have one value of {by!r}: no line along it to read at {value:g}")
    coefficients = np.linalg.lstsq(design, vectors, rcond=None)[0]
    return coefficients[0] + value * coefficients[1]


def number_argument(value: float | str, by: str) -> float:
    """`at` as a finite number (a UsageError naming it otherwise)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = float("nan")
    if not np.isfinite(number):
        raise UsageError(f"{{at}} {by}={value!r}: give a number (700, 1.5)", "at")
    return number


def _numbers(docs, by: str, path) -> np.ndarray:
    """Each group of the column `by` as a number (a value that is none: a UsageError naming it)."""
    out = []
    for value in docs.groups:
        try:
            out.append(float(value))
        except ValueError:
            raise UsageError(
                f"{path}: column {by!r} holds {value!r}, not a number; {{at}} reads a number column", "at"
            ) from None
    return np.asarray(out, dtype=np.float64)


def _row_cells(path, columns: list[str], lines: set[int]) -> dict[int, tuple[str, ...]]:
    """The `columns` of the table's rows at `lines` (read once more: the documents keep only
    their text, group and block)."""
    from ..text.reading.tables import read_rows

    return {n: tuple(row[c].strip() for c in columns) for n, row in read_rows(path, columns) if n in lines}


def _passages(engine: Engine, docs, positions: np.ndarray, scores: np.ndarray, key: str) -> list[tuple]:
    """Each occurrence's row of the table cut into tokens again (as the model reads it) and the
    tokens around it, CJK tokens joined without spaces, and the row as written around it."""
    from ..queries.segmentation import row_tokenizer

    if not len(positions):
        return []
    corpus = docs.corpus
    starts = np.searchsorted(corpus.doc, np.arange(corpus.documents))
    wanted = sorted({int(corpus.doc[p]) for p in positions})
    tokenize = row_tokenizer(engine.row_options, docs.texts[wanted[0]])
    tokens = dict(zip(wanted, tokenize([docs.texts[d] for d in wanted])))
    out = []
    for rank, (p, score) in enumerate(zip(positions.tolist(), scores.tolist()), 1):
        d = int(corpus.doc[p])
        at, these = p - int(starts[d]), tokens[d]
        left, right = these[max(0, at - SHOWN_TOKENS) : at], these[at + 1 : at + 1 + SHOWN_TOKENS]
        shown_left, shown_right = joined_text(left), joined_text(right)
        original = original_passage(docs.texts[d], at / max(len(these), 1), max(len(shown_left), len(shown_right)))
        out.append((rank, docs.lines[d], round(float(score), 4), shown_left, these[at] if at < len(these) else key,
                    shown_right, original))  # fmt: skip
    return out


def kwic(
    engine: Engine | None,
    word: str,
    *,
    source: str | None = None,
    typical: bool = False,
    at: dict[str, str] | None = None,
    where: dict[str, str] | None = None,
    columns: list[str] | None = None,
    text_column: str = TEXT_COLUMN,
    limit: int = KWIC_LIMIT,
    width: int = KWIC_WIDTH,
    near: str | None = None,
    background: bool = False,
) -> Result:
    """`kwic`'s one door (w2vkit.operations declares it for every front end): the passages of
    `word` (w2vkit.queries.kwic.passages: of the raw file or table `source`, else of the text the
    engine's model was trained on), or with `typical` those of a table most typical of the word's
    use where its one `where` condition holds, or nearest the fitted vector `at` one point of a
    number column (typical_passages). `engine` may be None for a raw file read without a model.
    width, near, background: as passages takes them (typical passages have none of them)."""
    from ..queries.kwic import passages
    from ..text.reading.tables import is_table

    if at and not typical:
        raise UsageError(
            "{at} COLUMN=VALUE is a point for {typical}: the passages nearest the fitted vector there", "at", "typical"
        )
    if not typical:
        model = engine.model if engine is not None and (source is None or is_table(source)) else None
        return passages(word, source=source, model=model, where=where, columns=columns, text_column=text_column,
                        limit=limit, width=width, near=near, background=background)  # fmt: skip
    asked = at or where or {}
    alone = near is None and not background
    if engine is None or source is None or not is_table(source) or len(asked) != 1 or (at and where) or not alone:
        raise UsageError(
            "{typical} takes {source} TABLE, {model} MODEL (trained on it) and one {where} COLUMN=GROUP or {at} "
            "COLUMN=NUMBER",
            "typical", "source", "model", "where", "at",
        )  # fmt: skip
    ((by, value),) = asked.items()
    return typical_passages(
        engine, word, source, by=by, group=None if at else value, at=value if at else None, text_column=text_column,
        limit=limit, columns=columns,
    )  # fmt: skip
