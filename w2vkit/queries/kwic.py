"""Keyword in context: the passages behind a finding, from a raw text file or from the segmented
corpus a model was trained on (`w2vkit kwic WORD --in FILE | -m MODEL`).

In a raw file the word is found as written (a substring of the line: Chinese has no spaces); in a
segmented corpus as a whole token, so 孔明 does not match 孔明之 unless the segmenter cut it so.
Each hit comes with its file (of a model's several inputs, from the line each input starts on,
recorded in the corpus cache and the model's meta.json), its line number and its document: the
chapter whose heading (第…回, CHAPTER …) came last in that file (w2vkit.text.corpus.documents), and its context
cut to `width` characters each side.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ..base.choices import KWIC_LIMIT, KWIC_WIDTH, TEXT_COLUMN
from ..base.limits import check_number
from ..base.results import Result
from ..errors import UsageError
from ..model.store import Model
from ..text.corpus.documents import is_heading
from ..text.reading.inputs import lines, open_text
from .rowpassages import label_trained_rows, original_passage

DEFAULT_WIDTH = KWIC_WIDTH


@dataclass
class Hit:
    line: int  # 1-based line number in the file searched (a model's corpus: in that input's segmented text)
    file: str  # the input it comes from (the file searched, or one of a model's inputs)
    document: (
        str | tuple[str, ...]
    )  # the chapter heading it falls under ("" before any); a table's row: its cells shown
    left: str
    word: str
    right: str
    original: str | None = None  # a table's row read through a model: the row as written around it


@dataclass
class Concordance:
    word: str
    path: str
    segmented: bool
    total: int  # occurrences in the whole file
    lines: int  # lines holding it
    hits: list[Hit] = field(default_factory=list)  # the first `limit`
    near: str | None = None  # only occurrences with this word in their context are counted
    raw_lines: bool = False  # a model's corpus whose lines are numbered as its raw inputs' (text_lines)
    labels: list[str] = field(default_factory=list)  # a table's columns each hit's `document` holds


def concordance(
    path: str | Path,
    word: str,
    *,
    segmented: bool = False,
    width: int = DEFAULT_WIDTH,
    limit: int | None = KWIC_LIMIT,
    files: list[tuple[int, str]] | None = None,
    near: str | None = None,
    numbers=None,
) -> Concordance:
    """Every occurrence of `word` in the file at `path` (a raw text, any encoding w2vkit reads, or
    with segmented=True a corpus of space-separated tokens), the first `limit` with their context.

    Parameters
    ----------
    path : str or Path
        The text (raw, or with segmented=True a corpus of space-separated tokens).
    word : str
        The word to find (in raw text: wherever its characters occur; segmented: whole tokens).
    segmented : bool
        Whether `path` is segmented text.
    width : int
        Characters of context each side.
    limit : int or None
        At most this many occurrences (None: all).
    files : list of (int, str), optional
        The first line and name of each input a corpus joins (model_corpus); None: the file itself.
    near : str, optional
        Only the occurrences with this word within `width` characters of them (counted and kept).
    numbers : array, optional
        A corpus's line map (w2vkit.text.corpus.corpuscache.text_lines): each line's number in its
        raw input, shown in place of its number in the corpus.

    Returns
    -------
    Concordance
        The occurrences (file, line, left, word, right) and how many there are in all.

    Raises
    ------
    UsageError
        No word given.
    InputError
        The file cannot be read or decoded.

    Examples
    --------
    >>> found = concordance("xiyouji.txt", "紧箍", limit=3)  # doctest: +SKIP
    >>> found.total  # doctest: +SKIP
    57
    """
    if not isinstance(word, str) or not word.strip():
        raise UsageError("give the word to look for")
    check_number("width", width)
    if limit is not None:
        check_number("topn", limit)
    word = word.strip()
    stream, first = open_text(str(path))
    result = Concordance(word, str(path), segmented, 0, 0, near=_near_word(near), raw_lines=numbers is not None)
    chapter = ""
    starts = list(files or [(1, str(path))])
    first_line, name = starts[0]
    try:
        for number, text in enumerate(lines(stream, first), 1):
            while len(starts) > 1 and number >= starts[1][0]:
                starts.pop(0)
                (first_line, name), chapter = starts[0], ""  # a new file: no chapter yet
            stripped = text.strip()
            if stripped and len(stripped) <= 80 and is_heading(stripped):
                chapter = stripped.replace(" ", "") if segmented else stripped
            found = _find(stripped if segmented else text, word, segmented)
            shown = number - first_line + 1 if numbers is None else int(numbers[number - 1])
            _add_hits(result, found, shown, name, chapter, width, limit)
    finally:
        stream.close()
    return result


def _find(text: str, word: str, segmented: bool) -> list[tuple[int, int, str]]:
    """(start, end, the text shown) of each occurrence. Segmented text is matched token by token
    and shown with its spaces removed between CJK tokens (as the text reads)."""
    if not segmented:
        out, at = [], text.find(word)
        while at >= 0:
            out.append((at, at + len(word), text))
            at = text.find(word, at + len(word))
        return out
    if word not in text:  # (a substring test first: most lines lack the word, and it is 10x quicker than a split)
        return []
    # The word as a whole token: a regex (not a split of the line); the text as it reads: the spaces
    # between two CJK tokens removed in one pass, each occurrence's start moved back by those removed
    # before it (a token-by-token join took 0.4 s for a word on 658 lines of the novel).
    found = list(_token_pattern(word).finditer(text))
    if not found:
        return []
    joined = _JOINED_SPACE.sub("", text)
    out, done, removed = [], 0, 0
    for m in found:
        # (the spaces removed since the last occurrence: findall within bounds, whose lookbehind sees
        # before them; +1 so that a space just before the word sees the word's first character)
        removed += len(_JOINED_SPACE.findall(text, done, m.start() + 1))
        done = m.start() + 1
        at = m.start() - removed
        out.append((at, at + len(word), joined))
    return out


@lru_cache(maxsize=64)
def _token_pattern(word: str) -> re.Pattern:
    return re.compile("(?<![^ ])" + re.escape(word) + "(?![^ ])")


_JOINED_SPACE = re.compile("(?<=[\u3400-\u9fff]) (?=[\u3400-\u9fff])")


def joined_text(tokens: list[str]) -> str:
    """Tokens as the text reads: joined by spaces, but none between two CJK characters."""
    return _JOINED_SPACE.sub("", " ".join(tokens))


def _near_word(near: str | None) -> str | None:
    if near is None:
        return None
    if not isinstance(near, str) or not near.strip():
        raise UsageError("give the word to find near it, or leave {near} out", "near")
    return near.strip()


MAX_NAMED_VALUES = 1000  # (a column with more values, an ID, is not listed back)
ROW_BATCH = 2000  # rows cut into tokens at once (one call per batch: w2vkit.text.segmenting.segment)


def _as_the_model_reads(model, sample: str, word: str):
    """The model's row tokenizer, and `word` as the model reads it (夢 is 梦 to a model trained on
    simplified text) when it is one token to it."""
    from .segmentation import row_options, row_tokenizer

    tokenize = row_tokenizer(row_options(model), sample)
    tokens = tokenize([word])[0]
    return tokenize, tokens[0] if len(tokens) == 1 else word


def _add_token_hits(result: Concordance, rows: list[tuple[int, str, tuple]], tokenize, name, width, limit) -> None:
    """The hits of the word as a whole token of each row, the rows read as the model read them,
    each with the row as written around it (original_passage)."""
    for (lineno, raw, label), tokens in zip(rows, tokenize([t for _, t, _ in rows])):
        _add_hits(result, _find(" ".join(tokens), result.word, True), lineno, name, label, width, limit, raw)


def table_concordance(
    path: str | Path,
    word: str,
    *,
    text_column: str = TEXT_COLUMN,
    where: dict[str, str] | None = None,
    width: int = DEFAULT_WIDTH,
    limit: int | None = KWIC_LIMIT,
    model=None,
    near: str | None = None,
    columns: list[str] | None = None,
) -> Concordance:
    """Every occurrence of `word` in the text column of a table's rows (w2vkit.text.reading.tables), only
    the rows whose columns equal `where`'s values (period=宋); each hit names its line of the table
    and, as its "document", the row's cells of `labels` (the `where` columns, then those shown). With the `model` trained on the table, each
    row is read as the model read it (notes dropped, simplified, segmented:
    w2vkit.queries.segmentation.row_tokenizer) and `word` is found as a whole token, so the hits
    are the occurrences contrast counts; else the raw text is searched for the word as written.
    `columns`: the row's columns each passage is labelled with (else those shown_columns chooses)."""
    from ..text.reading.tables import read_rows, shown_columns

    if not isinstance(word, str) or not word.strip():
        raise UsageError("give the word to look for")
    check_number("width", width)
    if limit is not None:
        check_number("topn", limit)
    where = dict(where or {})
    word = word.strip()
    result = Concordance(word, str(path), False, 0, 0, near=_near_word(near))
    # each passage labelled by the row's own columns (author, title), beside the filter's values
    shown = shown_columns(path, columns, text_column, where)
    labelled = result.labels = list(dict.fromkeys([*where, *shown]))  # (a column both filtered and shown: once)
    seen: dict[str, set[str]] = {k: set() for k in where}  # (each column's values, to name when none matched)
    matched = False
    kept: list[tuple[int, str, tuple]] = []
    tokenize = None
    for lineno, row in read_rows(path, list(dict.fromkeys([text_column, *where, *shown]))):
        label = tuple(row[k].strip() for k in labelled)
        for k in where:
            if len(seen[k]) <= MAX_NAMED_VALUES:
                seen[k].add(row[k].strip())
        if any(row[k].strip() != v for k, v in where.items()):
            continue
        matched = True
        if model is None:
            _add_hits(result, _find(row[text_column], word, False), lineno, str(path), label, width, limit)
        else:
            kept.append((lineno, row[text_column], label))
            if tokenize is None and row[text_column].strip():  # (the model's reading, made once)
                tokenize, word = _as_the_model_reads(model, row[text_column], word)
                result.word, result.segmented = word, True
                if result.near is not None:
                    result.near = _as_the_model_reads(model, row[text_column], result.near)[1]
            if len(kept) >= ROW_BATCH and tokenize is not None:
                _add_token_hits(result, kept, tokenize, str(path), width, limit)
                kept = []
    if kept and tokenize is not None:
        _add_token_hits(result, kept, tokenize, str(path), width, limit)
    absent = [k for k, v in where.items() if v not in seen[k] and len(seen[k]) <= MAX_NAMED_VALUES]
    if not matched and absent:
        k = absent[0]
        have = ", ".join(map(repr, sorted(seen[k])[:20])) + (" …" if len(seen[k]) > 20 else "")
        raise UsageError(f"{path}: no row has {k}={where[k]!r}; the column {k!r} has {have}")
    return result


def _add_hits(
    result: Concordance, found, line: int, name: str, document: str | tuple, width: int, limit, raw=None
) -> None:
    """Count a line's occurrences and keep them (up to `limit` in all) with `width` of context (and,
    given the line as written, `raw`, the original_passage of each)."""
    if result.near is not None:  # (the other word within the context shown, either side)
        near = result.near
        found = [(s, e, t) for s, e, t in found if near in t[max(0, s - width) : s] or near in t[e : e + width]]
    if not found:
        return
    result.total += len(found)
    result.lines += 1
    for start, end, shown in found:
        if limit is not None and len(result.hits) >= limit:
            break
        original = None if raw is None else original_passage(raw, start / max(len(shown), 1), width)
        result.hits.append(
            Hit(line, name, document, shown[:start][-width:], shown[start:end], shown[end:][:width], original)
        )


def passages(
    word: str,
    *,
    source: str | None = None,
    model: Model | None = None,
    width: int = KWIC_WIDTH,
    limit: int | None = KWIC_LIMIT,
    text_column: str = TEXT_COLUMN,
    where: dict[str, str] | None = None,
    near: str | None = None,
    background: bool = False,
    columns: list[str] | None = None,
) -> Result:
    """Keyword in context as a Result: the passages `word` occurs in, of the raw file or table
    `source` (the word as written), or else of the segmented text `model` was trained on (the
    word as a whole token), and with `background` those of the background it was read beside
    after them, labelled.

    Parameters
    ----------
    word : str
        The word.
    source : str, optional
        A text file or a table (.tsv, .csv, .jsonl, .gz); None: the model's training text.
    model : Model, optional
        The model whose training text is searched (when `source` is None); with a table, the
        model trained on it: the rows are read as it read them (notes, script, segmentation) and
        the word found as a whole token, as contrast counts it.
    width : int
        Characters each side.
    limit : int, optional
        Passages kept (None: all); the total is counted anyway.
    text_column : str
        A table's text column.
    where : dict, optional
        A table's rows whose columns have these values.
    near : str, optional
        Only the passages where this word is within `width` characters of `word` (a neighbour's
        passages: the two words used together).
    background : bool
        With `model` (and no `source`): the passages of its background too (train --background),
        after the text's, a column `from` saying which ("text", "background"); `limit` for each.
    columns : list of str, optional
        A table's columns each passage is labelled with (author, title); None: its first three
        besides the text and `where`'s.

    Returns
    -------
    Result
        Rows (file, line, chapter, left, word, right; with a table and its model, `original`: the row
        as written around each passage, its punctuation and notes kept); fields word, source,
        segmented, total, lines.

    Raises
    ------
    UsageError
        No word, `where` without a table, a value of `where` no row has.
    InputError
        The file cannot be read, or the model's training text is no longer in the cache.

    Examples
    --------
    >>> r = passages("行者", model=load_model("models/xiyouji"), near="八戒", limit=5)  # doctest: +SKIP
    >>> r.fields["total"]  # doctest: +SKIP
    689
    """
    from ..text.corpus.corpuscache import model_corpus, text_lines
    from ..text.reading.tables import is_table

    found = _found(word, source, model, width, limit, text_column, where, near, background, columns)
    if not source and model is not None:  # (a model's text read from its cache: its table's rows named)
        label_trained_rows(found, model)
    # (a table a model was trained on: its text holds a line per row, and its line map names each by
    # the line of the table it starts on, as kwic --in and --typical name it)
    # (a table's rows: each shown column of the row its own column, as --typical shows them)
    cells = (lambda h: h.document) if found.labels else (lambda h: (h.document or "",))
    rows: list[tuple] = [(h.file, h.line, *cells(h), h.left, h.word, h.right) for h in found.hits]
    fields = {
        "word": found.word,
        "source": found.path if source or model is None else None,  # (a model's text: never its cache's path)
        "segmented": found.segmented,
        "total": found.total,
        "lines": found.lines,
    }
    provenance: dict = {"source": str(source) if source else None, "width": width, "limit": limit}
    if model is not None:
        provenance.update(model=str(model.path), vectors_sha256=model.meta.get("vectors_sha256"))
    if where:
        provenance["where"] = dict(where)
    if found.near is not None:
        fields["near"] = found.near
        provenance["near"] = found.near
    fixed = ("file", "line", "left", "word", "right", "original", "from")
    named = [f"{c} (row)" if c in fixed else c for c in found.labels] or ["chapter"]
    columns = ["file", "line", *named, "left", "word", "right"]
    if found.hits and found.hits[0].original is not None:  # (a table read as its model read it)
        columns.append("original")
        rows = [(*r, h.original) for r, h in zip(rows, found.hits)]
    # (the file column names the input; a model's cached text holds a line per segmented paragraph,
    # blank lines left out, and its line map gives each the raw file's number: the novel's line 149
    # there is its raw line 304; without a map, say so; a table's line is its row)
    numbered = ""
    if not source and not found.raw_lines:
        numbered = (
            "; rows are numbered by their place among the rows read, not by the table's lines (a model trained "
            "by w2vkit 0.10 or later numbers them by line; --in TABLE for its lines)"
            if found.hits and all(is_table(h.file) for h in found.hits)
            else "; lines are numbered in the segmented text, not the raw file (--in FILE for its lines)"
        )
    # (a model's text is named as the model, never by its copy's place in the cache)
    read = found.path if source or model is None else f"the text {model.path} was trained on"
    beside = None
    if background:  # (the background's passages after the text's, each row saying which it is from)
        corpus, files = model_corpus(model, "background")
        beside = concordance(
            corpus, word, segmented=True, width=width, limit=limit, files=files, near=near, numbers=text_lines(corpus)
        )
        rows = [("text", *r) for r in rows] + [
            ("background", h.file, h.line, h.document or "", h.left, h.word, h.right) for h in beside.hits
        ]
        columns = ["from", *columns]
        fields["background_total"] = beside.total
        provenance["background"] = True
    result = Result("kwic", columns, rows, fields, [], provenance)
    shown = f"; showing {len(found.hits)}" if len(found.hits) < found.total else ""
    near_it = f" near {found.near}" if found.near is not None else ""
    result.note(
        f"{found.total:,} occurrences of {found.word}{near_it} on {found.lines:,} line{'' if found.lines == 1 else 's'} of "
        f"{read}{shown}{numbered}",
        kind="info",
    )
    if beside is not None:
        more = f"; showing {len(beside.hits)}" if len(beside.hits) < beside.total else ""
        result.note(f"{beside.total:,} occurrences in the background, on {beside.lines:,} lines{more}", kind="info")
    return result


def _found(word, source, model, width, limit, text_column, where, near, background, columns):
    """passages' hits: the arguments checked together, then the concordance of the table, the raw
    file or the model's training text."""
    from ..text.corpus.corpuscache import model_corpus, text_lines
    from ..text.reading.tables import is_table

    if background and (source or model is None):
        raise UsageError(
            "{background} shows a model's background beside its text: give {model}, not {source}",
            "background",
            "model",
            "source",
        )
    if columns is not None and not (source and is_table(source)):
        raise UsageError("{columns} names a table's columns: give {source} TABLE", "columns", "source")
    if where and not (source and is_table(source)):
        raise UsageError("{where} filters a table's rows: give {source} TABLE (.tsv, .csv, .jsonl)", "where", "source")
    if source and is_table(source):  # (with the model trained on it: the rows as the model read them)
        return table_concordance(
            source,
            word,
            text_column=text_column,
            where=where or {},
            width=width,
            limit=limit,
            model=model,
            near=near,
            columns=columns,
        )
    if source:
        return concordance(source, word, segmented=False, width=width, limit=limit, near=near)
    if model is not None:
        corpus, files = model_corpus(model)
        return concordance(
            corpus, word, segmented=True, width=width, limit=limit, files=files, near=near, numbers=text_lines(corpus)
        )
    raise TypeError("give source (a file or table) or model (its training text)")
