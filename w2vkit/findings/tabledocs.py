"""A table's rows as the documents of a contrast (w2vkit.findings.contrasts): each row segmented as
the model's text was (a batch of rows at a time), with its group (a column's value) and its block
(another column's value, or the row itself), checked before any work: an unknown group, a single
group, a block that spans groups (named, or split with `split_blocks`)."""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field

import numpy as np

from ..errors import InputError, UsageError
from ..queries.query import Engine
from .alacarte import Corpus, build_corpus

BATCH = 2000  # rows cut at a time
TOKENS_FILE = "table-tokens.npy"  # the last table's rows as the model cut them (segmented())


@dataclass
class Documents:
    """The table's documents as the contrast reads them: tokens, group and block of each."""

    corpus: Corpus
    group: np.ndarray  # group index per document (-1: not in a group asked for)
    block: np.ndarray  # block index per document
    groups: list[str]
    ordered: bool
    block_names: list[str]
    split: int = 0  # blocks that spanned groups, made a block per group (split_blocks)
    lines: list[int] = field(default_factory=list)  # each document's line in the table
    texts: list[str] = field(default_factory=list)  # each document's text as the table holds it
    unvalued: int = 0  # rows left out because their group's cell is empty

    def __post_init__(self):
        self.block_group = np.full(len(self.block_names), -1, dtype=np.int32)
        self.block_group[self.block] = self.group  # (a block lies in one group: checked on reading)


def read_documents(
    engine: Engine,
    path,
    by: str,
    block: str | None,
    text_column: str,
    groups=None,
    split_blocks: bool = False,
    where: dict[str, str] | None = None,
    rows: list | None = None,
) -> Documents:
    """The table's rows segmented as the model's text was, with their group (`by`) and block; with
    `where`, only the rows whose columns have those values (`rows`: those rows, read already by
    table_rows)."""
    if block == by:
        raise UsageError("{block} must be another column than {by}", "block", "by")
    if rows is None:
        rows = table_rows(engine, path, [text_column, by] + ([block] if block else []), where)
    values = [r[by].strip() for _, r in rows]
    wanted = None
    if groups is not None:
        wanted = [g.strip() for g in groups]
        if not wanted or "" in wanted:
            raise UsageError("{groups} names an empty group: give group names separated by commas (唐,宋)", "groups")
        repeated = [g for g in dict.fromkeys(wanted) if wanted.count(g) > 1]
        if repeated:
            raise UsageError(f"{{groups}} names {', '.join(map(repr, repeated))} twice: give each group once", "groups")
        present = set(values)
        missing = [g for g in wanted if g not in present]
        if missing:
            shown = ", ".join(list(dict.fromkeys(values))[:20])
            raise UsageError(f"{path}: no group {', '.join(map(repr, missing))} in column {by!r}; it has {shown}")
        order, ordered = wanted, True
    else:  # (an order free of the table's row order: numbers in theirs, else the largest group first)
        order = list(dict.fromkeys(v for v in values if v))
        numeric = all(number_value(v) is not None for v in order)
        order = sorted(order, key=lambda v: number_value(v) or 0.0) if numeric else ordered_levels(order, values)
        ordered = numeric or len(order) == 2  # (two groups: the second against the first, once)
    if len(order) < 2:
        raise UsageError(f"{path}: column {by!r} has {len(order)} group; a contrast needs two or more")
    position = {g: i for i, g in enumerate(order)}
    group = np.array([position.get(v, -1) for v in values], dtype=np.int32)
    blocks = [r[block].strip() for _, r in rows] if block else [str(n) for n, _ in rows]
    block_index: dict[str, int] = {}
    block_of = np.array([block_index.setdefault(b, len(block_index)) for b in blocks], dtype=np.int32)
    span: dict[int, set[int]] = {}
    for b, g in zip(block_of.tolist(), group.tolist()):
        if g >= 0:
            span.setdefault(b, set()).add(g)
    across = {b: gs for b, gs in span.items() if len(gs) > 1}
    split = 0
    if across and split_blocks:  # (a block of each group it spans: 无名氏 of 唐 and 无名氏 of 宋)
        split = len(across)
        keys = [f"{b}\x00{g}" if block_index[b] in across else b for b, g in zip(blocks, group.tolist())]
        block_index = {}
        block_of = np.array([block_index.setdefault(k, len(block_index)) for k in keys], dtype=np.int32)
        across = {}
    if across:
        names = list(block_index)
        shown = "; ".join(
            f"{names[b]!r} in {', '.join(order[g] for g in sorted(gs))}" for b, gs in list(across.items())[:3]
        )
        raise UsageError(
            f"{path}: {len(across):,} blocks span several groups ({shown}): a block must lie in one group; choose "
            "another {block}, or {split_blocks} to make each a block per group",
            "block",
            "split_blocks",
        )

    corpus = segmented(engine, rows, text_column)
    lines, texts = [n for n, _ in rows], [r[text_column] for _, r in rows]
    unvalued = sum(1 for v in values if not v)
    return Documents(corpus, group, block_of, order, ordered, list(block_index), split, lines, texts, unvalued)


def table_rows(engine: Engine, path, columns: list[str], where: dict[str, str] | None = None) -> list:
    """The table's rows ((line, {column: value})) with `columns` and `where`'s, only those `where`
    keeps; InputError for an empty table. An imported model's rows are cut by today's default
    segmentation (w2vkit.queries.segmentation.row_tokenizer)."""
    from ..text.reading.tables import read_rows

    where = dict(where or {})
    rows = list(read_rows(path, list(dict.fromkeys([*columns, *where]))))
    label = table_label(path)  # (a DataFrame is named so, never by its repr)
    if not rows:
        raise InputError(f"{label}: no rows")
    return _kept(label, rows, where) if where else rows


def table_label(table) -> str:
    """How messages and the result name a table: its path, or "the DataFrame" for a pandas one."""
    from ..text.reading.tables import is_frame

    return "the DataFrame" if is_frame(table) else str(table)


def table_provenance(table, rows: list, **options) -> dict:
    """What a result records of its table: the path and its sha256 (a DataFrame: its rows, read),
    and the options that changed what was read from it."""
    from ..base.files import sha256_of
    from ..text.reading.tables import is_frame

    if is_frame(table):
        return {"path": "DataFrame", "rows": len(rows), **options}
    return {"path": str(table), "sha256": sha256_of(table), **options}


def segmented(engine: Engine, rows: list, text_column: str) -> Corpus:
    """The rows' texts segmented as the model's text was (a batch of rows at a time), as a Corpus,
    made once per engine and kept in the model's cache (Engine.kept, TOKENS_FILE), keyed by the
    texts' checksum and how the model cuts them (332,878 poems: 12 s cut, 0.5 s read)."""
    from ..queries.segmentation import row_tokenizer

    texts = [row[text_column] for _, row in rows]
    digest = hashlib.sha256("\0".join(texts).encode("utf-8", "surrogatepass")).hexdigest()
    how = json.dumps([engine.model.meta.get("segmentation"), engine.model.meta.get("source")], sort_keys=True)

    def kept_form() -> np.ndarray:  # (the number of documents, each one's length, then the ids)
        tokenize = row_tokenizer(engine.row_options, next((t for t in texts if t.strip()), ""))
        batches = (tokenize(texts[start : start + BATCH]) for start in range(0, len(texts), BATCH))
        corpus = build_corpus((tokens for batch in batches for tokens in batch), engine.model.index)
        lengths = np.bincount(corpus.doc, minlength=corpus.documents)
        return np.concatenate([[corpus.documents], lengths, corpus.ids])

    key = f"{digest} {hashlib.sha256(how.encode()).hexdigest()}"
    kept = engine.kept(TOKENS_FILE, key, (None,), kept_form, "int32")
    corpus = _corpus_from(kept, len(texts), len(engine.model))
    if corpus is None:  # (a kept array that does not fit these rows, ids the model lacks: made again)
        corpus = _corpus_from(kept_form().astype(np.int32), len(texts), len(engine.model))
    return corpus  # type: ignore[return-value]


def _corpus_from(kept: np.ndarray | None, documents: int, vocab: int) -> Corpus | None:
    """A Corpus from the kept array (the number of documents, each one's length, then the ids); None
    when there is none, or it does not hold `documents` documents of ids the model has."""
    if kept is None or len(kept) < 1 or int(kept[0]) != documents or len(kept) < 1 + documents:
        return None
    lengths, ids = kept[1 : 1 + documents].astype(np.int64), kept[1 + documents :]
    if lengths.sum() != len(ids) or (len(ids) and (ids.min() < -1 or ids.max() >= vocab)) or (lengths < 0).any():
        return None
    doc = np.repeat(np.arange(documents, dtype=np.int32), lengths)
    return Corpus(np.ascontiguousarray(ids), doc, documents)


def _kept(path, rows: list, where: dict[str, str]) -> list:
    """The rows whose columns have `where`'s values; none: an error naming the values there are."""
    from ..text.reading.tables import meets, no_row_meets

    kept = [(n, r) for n, r in rows if meets(r, where)]
    if not kept:
        raise no_row_meets(path, iter(rows), where)
    return kept


# A number's magnitude past which its square (what a fit sums) would overflow a float: no year,
# count or measure comes near; a column that does is asked to be rescaled.
MAX_NUMBER = 1e150
# Cells that R and pandas read as a missing number (Python's float() takes them as numbers too).
MISSING_NUMBERS = frozenset({"nan", "-nan", "+nan", "na", "n/a", "null", "none", "inf", "-inf", "+inf", "infinity",
                             "-infinity", "+infinity"})  # fmt: skip


def ordered_levels(distinct: list[str], values: list[str]) -> list[str]:
    """A column's levels in an order free of the table's row order: the largest group first (the
    default baseline; ties by the order below), then the others in their own order: as numbers
    where every level is one (1, 2, 10), else by code point."""
    from collections import Counter

    numbers = [number_value(v) for v in distinct]
    if all(x is not None for x in numbers):
        order = [v for _, v in sorted(zip(numbers, distinct))]
    else:
        order = sorted(distinct)
    sizes = Counter(values)
    largest = max(order, key=lambda v: (sizes[v], -order.index(v)))
    return [largest] + [v for v in order if v != largest]


def number_value(value: str) -> float | None:
    """The number a cell holds as R and pandas read it (not Python's wider syntax: `1_700` is text),
    None for text, a missing value (nan, inf) or one too large to fit (MAX_NUMBER)."""
    if "_" in value:
        return None
    try:
        x = float(value)
    except ValueError:
        return None
    return x if math.isfinite(x) and abs(x) <= MAX_NUMBER else None


def data_range(values: np.ndarray) -> tuple[float, float]:
    """Where a fit along a number has data: the 1st and 99th percentiles of the documents' values."""
    low, high = np.percentile(values, [1, 99]) if len(values) else (0.0, 0.0)
    return float(low), float(high)


def beyond_data_note(name: str, outside: list[str], low: float, high: float) -> str:
    """The one wording for a fit read at numbers of `name` outside [low, high] (data_range)."""
    more = f" and {len(outside) - 1:,} more" if len(outside) > 1 else ""
    return (
        f"{{at}} {name}={outside[0]}{more} lie outside the data ({name}'s 1st to 99th percentile "
        f"over the documents: {low:g} to {high:g}): the fit there extends the line past what the "
        "text shows"
    )
