"""A word's occurrence vectors in a table, with each occurrence's row, for an analysis of one's own
(the vectors `contrast` regresses: A times the mean of the context's unit vectors, as
w2vkit.findings.alacarte computes them)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..base.choices import TEXT_COLUMN
from ..errors import UsageError
from ..queries.query import Engine
from .alacarte import DEFAULT_WINDOW, context_means, transform
from .tabledocs import segmented, table_rows
from .targets import parse_target


@dataclass
class Occurrences:
    """A word's occurrences in a table.

    Attributes
    ----------
    word : str
        The word.
    vectors : numpy.ndarray
        One row per occurrence (float32, the model's dimension): its à la carte vector.
    rows : list of dict
        Per occurrence: `line` (the table's line, or a DataFrame's row number + 2), `token` (its
        place among the row's tokens) and the columns asked for (a column named `line` or `token`
        is shadowed by these).
    transform : numpy.ndarray
        The à la carte transform A the vectors were made with (dim x dim).
    """

    word: str
    vectors: np.ndarray
    rows: list[dict[str, Any]] = field(default_factory=list)
    transform: np.ndarray | None = None

    def to_frame(self, vectors: bool = True):
        """The rows as a pandas DataFrame, with the vector's components as columns v0, v1, …
        (`vectors=False`: the rows alone). pandas is not a dependency: `pip install pandas`."""
        import pandas

        frame = pandas.DataFrame(self.rows)
        if vectors:
            parts = pandas.DataFrame(self.vectors, columns=[f"v{i}" for i in range(self.vectors.shape[1])])
            frame = pandas.concat([frame, parts], axis=1)
        return frame


def occurrences(
    engine: Engine,
    word: str,
    table: str | os.PathLike | Any,
    *,
    columns: list[str] | None = None,
    text_column: str = TEXT_COLUMN,
    window: int = DEFAULT_WINDOW,
    where: dict[str, str] | None = None,
) -> Occurrences:
    """Every occurrence of `word` in the table's rows (segmented as the model's text was), with its
    à la carte vector and its row's columns: the data `contrast` regresses, for a model of one's own
    (a mixed model, a classifier, a plot in R).

    Parameters
    ----------
    engine : Engine
        A model trained on the table.
    word : str
        The word; a phrase of the model's tokens (明月 in a model of characters), or words pooled
        with `+` (月+月亮).
    table : str or Path or pandas.DataFrame
        The table (TSV, CSV, JSON Lines, .gz), or a DataFrame.
    columns : list of str, optional
        The columns kept beside each occurrence (None: every column but the text).
    text_column : str
        The column holding the text.
    window : int
        Context tokens each side, as in contrast.
    where : dict, optional
        Only the rows whose columns have these values.

    Returns
    -------
    Occurrences
        The vectors (occurrences x dim), each occurrence's row (line, token, columns) and the
        transform; `to_frame()` for pandas.

    Raises
    ------
    UsageError
        A word the model lacks or composes from n-grams; a model that records no training text.
    InputError
        A table that does not parse, or lacks a column.

    Examples
    --------
    >>> found = occurrences(Engine(load_model("models/poetry")), "月", "poetry.tsv.gz")  # doctest: +SKIP
    >>> found.to_frame().groupby("period")[["v0", "v1"]].mean()  # doctest: +SKIP
    """
    from ..text.reading.tables import is_frame, table_columns

    target = parse_target(engine, word)
    if target is None:
        raise UsageError(f"{word}: composed from character n-grams, so it has no occurrences in the table")
    if columns is None:
        have = [str(c) for c in table.columns] if is_frame(table) else table_columns(str(table))  # type: ignore[union-attr]
        columns = [c for c in have if c != text_column]
    rows = table_rows(engine, table, [text_column, *columns], where)
    corpus = segmented(engine, rows, text_column)
    a = transform(engine, corpus, window)
    starts = np.searchsorted(corpus.doc, np.arange(corpus.documents))  # (each row's first token)
    kept, found = [], []
    for pos, span in target.spans(corpus):
        means, counts = context_means(engine, corpus, pos, window, span)
        found.append(means[counts > 0])
        for p in pos[counts > 0].tolist():
            d = int(corpus.doc[p])
            line, values = rows[d]
            kept.append({"line": line, "token": p - int(starts[d]), **{c: values[c] for c in columns}})
    means = np.concatenate(found) if found else np.zeros((0, engine.model.dim), np.float32)
    vectors = (means @ a.T).astype(np.float32) if kept else np.zeros((0, engine.model.dim), np.float32)
    return Occurrences(word, vectors, kept, a)
