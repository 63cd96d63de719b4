"""A map of a table's rows (the explorer's map "of its rows", issue 93): each row (a poem, a
speech, a document) a point at its text's vector, coloured by the group of the table's column
(--by) it belongs to, labelled by the start of its text. What Embedding Atlas shows of a table,
from the model trained on it: no second model, no download.

A row's vector is the smooth-inverse-frequency mean of its tokens' unit vectors (Arora, Liang & Ma
2017: each token weighted a / (a + p(w)), a = 1e-3, p(w) its frequency in the model's text), the
rows' common direction (their first principal component) removed, as `embed --method sif` makes a
text's; the tokens are the ones contrast reads (w2vkit.findings.tabledocs: the model's own
segmentation, kept in the model's cache), so the rows are cut once for every question of the table.
"""

from __future__ import annotations

import numpy as np

from ..base.vecmath import unit_rows
from ..findings.tabledocs import read_documents
from ..queries.query import Engine
from ..sentences.embed import SIF_A, first_component, remove_component
from .projection import project
from .webmap import render_html

LABEL_CHARS = 12  # a row's label: the start of its text


def row_vectors(engine: Engine, ids: np.ndarray, doc: np.ndarray, documents: int) -> np.ndarray:
    """Each document's SIF vector (documents x dim, unit rows; a document with no known token: 0)
    from its tokens' rows `ids` (-1: unknown, left out) and their documents `doc`: embed's weights
    and common component (w2vkit.sentences.embed), summed over a table's tokens at once."""
    known = ids >= 0
    counts = np.asarray(engine.model.counts, dtype=np.float64)
    weight = (SIF_A / (SIF_A + counts / max(counts.sum(), 1.0))).astype(np.float32)
    sums = np.zeros((documents, engine.unit.shape[1]), dtype=np.float32)
    np.add.at(sums, doc[known], engine.unit[ids[known]] * weight[ids[known], None])
    present = np.abs(sums).sum(axis=1) > 0
    component = first_component(sums[present])  # (the rows' common direction, estimated on them)
    if component is not None:
        sums[present] = remove_component(sums[present], component)
    return unit_rows(sums)


def row_map_page(  # fmt: skip
    engine: Engine,
    table,
    by: str,
    *,
    text_column: str,
    method: str = "pca",
    seed: int = 0,
    progress=None,
    chart: str | None = None,
) -> str:
    """The page (w2vkit.pictures.webmap's, as plot writes it) of the table's rows: a point per row
    with text, at its SIF vector placed by `method`, coloured by its `by` group, named by the start
    of its text, its count the row's tokens; `chart`: a column whose values the page charts for a
    selection of rows (its MAX_GROUPS - 1 commonest, the rest "other")."""
    docs = read_documents(engine, table, by, None, text_column)
    corpus = docs.corpus
    vectors = row_vectors(engine, corpus.ids, corpus.doc, corpus.documents)
    tokens = np.bincount(corpus.doc, minlength=corpus.documents)
    rows = np.flatnonzero(np.abs(vectors).sum(axis=1) > 0)  # (a row with no known token has no place)
    xy = project(vectors[rows], method, seed, progress)
    low, high = xy.min(axis=0), xy.max(axis=0)
    scaled = (xy - low) / max(float((high - low).max()), 1e-12) * 1000
    texts = docs.texts
    labels = [" ".join(texts[d].split())[:LABEL_CHARS] if d < len(texts) else str(d) for d in rows]
    line = docs.lines
    data: dict = {
        "title": f"{getattr(table, 'name', table)}: {len(rows):,} rows by {by}",
        "words": labels,
        "counts": [int(tokens[d]) for d in rows],
        "x": [round(float(v), 1) for v in scaled[:, 0]],
        "y": [round(float(v), 1) for v in scaled[:, 1]],
        "group": [int(docs.group[d]) for d in rows],
        "groups": list(docs.groups),
        "query": [],
        "rows": [int(line[d]) if d < len(line) else int(d) for d in rows],  # (each point's line in the table)
        "left_out": f"{corpus.documents - len(rows):,} rows without a word the model knows left out"
        if len(rows) < corpus.documents
        else "",
    }
    if chart is not None:
        data["chart"] = _chart(table, chart, [int(line[d]) for d in rows])
    return render_html(data)


def _chart(table, column: str, lines: list[int]) -> dict:
    """Each row's value of `column` as the page's chart takes it (w2vkit.findings.leaning.value_groups)."""
    from ..findings.leaning import value_groups
    from ..text.reading.tables import read_rows

    wanted = set(lines)
    value = {n: row[column].strip() or None for n, row in read_rows(table, [column]) if n in wanted}
    group, names = value_groups(column, [value.get(n) for n in lines])
    return {"column": column, "groups": names, "group": group}
