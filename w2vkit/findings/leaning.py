"""Which group of a table each word leans to (a map coloured by a table's column: `plot --in TABLE
--by COLUMN`, the explorer's map with a table): a word's rate in each group (its occurrences per
token of the group, so that a large group does not claim every word), as shares of the word's
rates; the word leans to the group with the largest share when that share is clearly above an
even spread, else it is drawn as leaning nowhere. The rows are read as contrast reads them
(w2vkit.findings.tabledocs: the model's own segmentation), so the counts are the ones a contrast
of the same column would count."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..base.choices import TEXT_COLUMN
from ..errors import UsageError
from ..queries.query import Engine
from .tabledocs import read_documents

MAX_GROUPS = 20  # a map's palette: more groups than colours a reader can tell apart
LEAN_MIN_COUNT = 5  # occurrences in the table under which a word leans nowhere (its shares are noise)
# A word leans to a group when its share there is at least this many times an even share (1/G):
# with two groups, 0.75 of its rate in one of them (three times the other's).
LEAN_FACTOR = 1.5


class Leanings(NamedTuple):
    """Each word's group (an index into `groups`; len(groups) - 1: no clear lean), the legend's
    names, and each word's share in its group."""

    group: list[int]
    groups: list[str]
    share: list[float]


def leanings(engine: Engine, words: list[str], table, by: str, *, text_column: str = TEXT_COLUMN) -> Leanings:
    """The group of `by` in `table` each of `words` leans to (see the module's docstring): the
    legend names each group with its tokens, and last "no clear lean" (rarer than LEAN_MIN_COUNT
    in the table, or spread about evenly).

    Raises
    ------
    UsageError
        The column has fewer than two groups or more than MAX_GROUPS (a colour each), or the table
        cannot be read (as contrast says it).
    """
    docs = read_documents(engine, table, by, None, text_column)
    if len(docs.groups) > MAX_GROUPS:
        raise UsageError(
            f"{table}: column {by!r} has {len(docs.groups):,} groups; a map colours at most {MAX_GROUPS} "
            "(choose a column of fewer values, such as a period)"
        )
    ids, group = docs.corpus.ids, docs.group[docs.corpus.doc]
    kept = (ids >= 0) & (group >= 0)
    vocab, n_groups = len(engine.model), len(docs.groups)
    # (every word's count in every group at once, then the words asked: 18M tokens in about 1 s)
    every = np.bincount(group[kept].astype(np.int64) * vocab + ids[kept], minlength=n_groups * vocab)
    order = in_time(docs.groups)
    every, groups = every.reshape(n_groups, vocab)[order], [docs.groups[i] for i in order]
    counts = every[:, np.array([engine.model.index[w] for w in words], dtype=np.int64)]
    tokens = every.sum(axis=1).astype(np.float64)
    rates = counts / np.maximum(tokens, 1.0)[:, None]
    shares = rates / np.maximum(rates.sum(axis=0), 1e-300)
    lean, strongest = shares.argmax(axis=0), shares.max(axis=0)
    spread = (counts.sum(axis=0) < LEAN_MIN_COUNT) | (strongest < LEAN_FACTOR / n_groups)
    assigned = np.where(spread, n_groups, lean)
    names = [f"{g} ({int(t):,} tokens)" for g, t in zip(groups, tokens)] + ["no clear lean"]
    return Leanings(assigned.tolist(), names, np.round(strongest, 3).tolist())


# China's periods, oldest first (simplified and traditional): a legend of them is in time's order
PERIODS = {
    name: k
    for k, names in enumerate(
        ("先秦", "春秋", "战国 戰國", "秦", "西汉 西漢", "汉 漢", "东汉 東漢", "三国 三國", "魏晋 魏晉", "晋 晉",
         "南北朝", "隋", "唐", "五代", "北宋", "宋", "南宋", "辽 遼", "金", "元", "明", "清", "近代", "现代 現代", "当代 當代")
    )
    for name in names.split()
}  # fmt: skip


def in_time(groups: list[str]) -> list[int]:
    """The groups' indices oldest first when every group is a period of PERIODS, else as they are."""
    if all(g in PERIODS for g in groups):
        return sorted(range(len(groups)), key=lambda i: PERIODS[groups[i]])
    return list(range(len(groups)))


NUMBER_BANDS = 5  # a number column of more values than colours: coloured by quintiles


def metadata_groups(engine: Engine, words: list[str], column: str) -> Leanings:
    """Each word's group by a column of the metadata the model was imported with
    (w2vkit.model.metadata): its value's group (value_groups)."""
    from ..model.metadata import model_metadata

    found = model_metadata(engine.model)
    if column not in found:
        have = ", ".join(found) or "none: import the vectors with --metadata TSV, or give a table with --in"
        raise UsageError(f"{engine.model.path}: its metadata has no column {column!r}; it has {have}")
    values = [found[column].get(w) for w in words]
    group, names = value_groups(column, values)
    return Leanings(group, names, [1.0 if v is not None else 0.0 for v in values])


def value_groups(column: str, values: list[str | None]) -> tuple[list[int], list[str]]:
    """Each value's group and the groups' names (a word's metadata, a row's cell): the MAX_GROUPS
    - 1 commonest values each a group (a column of numbers with more values: NUMBER_BANDS bands of
    equal counts), last "(other or none)" (in brackets: no value of the column reads as it)."""
    from collections import Counter

    given = [v for v in values if v is not None]
    numbers = _numbers(given)
    if numbers is not None and len(set(given)) >= MAX_GROUPS:
        edges = np.unique(np.quantile(numbers, np.linspace(0, 1, NUMBER_BANDS + 1)))
        names = [f"{column} {a:g}–{b:g}" for a, b in zip(edges[:-1], edges[1:])]
        bands = {v: min(int(np.searchsorted(edges, float(v), side="right")) - 1, len(names) - 1) for v in set(given)}
        group = [bands[v] if v is not None else len(names) for v in values]
    else:
        names = [v for v, _ in Counter(given).most_common(MAX_GROUPS - 1)]
        index = {v: k for k, v in enumerate(names)}
        group = [index.get(v, len(names)) if v is not None else len(names) for v in values]
    return group, [*names, "(other or none)"]


def _numbers(values: list[str]) -> np.ndarray | None:
    try:
        found = np.array([float(v) for v in values])
    except ValueError:
        return None
    return found if len(found) and np.isfinite(found).all() else None
