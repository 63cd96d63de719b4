"""Tables as corpora: TSV, CSV and JSON Lines (each optionally .gz), a row a document.

One column holds the text (`text_column`, default "text"); the others are metadata that can group
documents (a period, a party) or block them for resampling and permutation (an author, a
collection). A row that does not parse is refused with its line number; a missing column is named
with the columns the table has; a file that is not UTF-8 is named with its byte.

Training and segmentation read a table as plain text: `table_text` writes the text column, a row a
line (newlines inside a cell become spaces), to the cache once per table content and column
(a streamed pass; the file is then segmented as any text), so a row is a line of the segmented
corpus and a document of resampling (`--unit lines:1`).
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import logging
import os
import sys
from array import array
from collections.abc import Iterator
from pathlib import Path

from ...base.choices import TEXT_COLUMN
from ...base.env import cache_root
from ...base.files import pid_suffix, remove_stale, write_own_file
from ...base.records import RecordError, parse_json
from ...base.trust import HashedWriter, matches
from ...errors import InputError, UsageError, quoted

TABLE_SUFFIXES = (".tsv", ".csv", ".jsonl", ".tsv.gz", ".csv.gz", ".jsonl.gz")
DEFAULT_TEXT_COLUMN = TEXT_COLUMN
# A cell, or a JSON Lines row, of at most this many characters: a long document's text is more than
# csv's default limit (128 KB), and a whole novel is under a million characters. A row is held whole
# while it is read and cut (several times its size): a 400 MB cell once peaked at 4.7 GB.
MAX_CELL_CHARS = 16 << 20
csv.field_size_limit(MAX_CELL_CHARS)
# A physical line of a table: a cell at its bound and the row's other cells beside it.
MAX_LINE_CHARS = MAX_CELL_CHARS + (1 << 16)
# A compressed input that expands more than EXPANSION_WARNING_RATIO times (text expands a few tens of
# times at most), once EXPANSION_WARNING_AFTER bytes of text have come out, is said on stderr to be a
# possible decompression bomb (tables here; plain and compressed text in w2vkit.text.reading.inputs).
EXPANSION_WARNING_RATIO = 100
EXPANSION_WARNING_AFTER = 64 << 20
log = logging.getLogger(__name__)


def is_table(path: str | os.PathLike) -> bool:
    return str(path).lower().endswith(TABLE_SUFFIXES)


def _kind(path: str) -> str:
    name = path.lower().removesuffix(".gz")
    return name.rsplit(".", 1)[-1]


def _open(path: str) -> io.TextIOWrapper:
    raw = io.BufferedReader(_Watched(path)) if path.lower().endswith(".gz") else open(path, "rb")
    return io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")


class _Watched(io.RawIOBase):
    """A .gz table's decompressed bytes, counted against the compressed bytes read, so that a table
    that expands like a decompression bomb is said once (EXPANSION_WARNING_RATIO)."""

    def __init__(self, path: str):
        self.path, self.file = path, open(path, "rb")
        self.gz = gzip.GzipFile(fileobj=self.file)
        self.out, self.warned = 0, False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = self.gz.readinto(buffer)
        self.out += n
        if (
            not self.warned
            and self.out >= EXPANSION_WARNING_AFTER
            and self.out >= EXPANSION_WARNING_RATIO * max(self.file.tell(), 1)
        ):
            self.warned = True
            log.warning(
                "warning: %s expands more than %d times (%s MB on disk gave %s MB of text so far; text usually "
                "expands 3-10 times): it may be a decompression bomb; press Ctrl-C to stop",
                self.path,
                EXPANSION_WARNING_RATIO,
                f"{self.file.tell() / 1e6:,.1f}",
                f"{self.out / 1e6:,.0f}",
            )
        return n

    def close(self) -> None:
        self.gz.close()
        self.file.close()
        super().close()


def read_rows(path: str | os.PathLike, columns: list[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, {column: value}) for each row of the table, with the `columns` asked for (all
    must exist: else InputError naming the missing ones and those the table has). Blank lines are
    skipped; a ragged row, a JSON line that is not an object, a value that is not text, or bytes that
    are not UTF-8 are an InputError naming the line."""
    if is_frame(path):
        yield from frame_rows(path, columns)
        return
    path = str(path)
    if not is_table(path):  # (a .txt.gz read as CSV once quoted its 400 MB first line as a column name)
        raise InputError(f"{path}: not a table; give a .tsv, .csv or .jsonl file (optionally .gz) with a header row")
    kind = _kind(path)
    try:
        with _open(path) as f:
            if kind == "jsonl":
                yield from _json_rows(path, f, columns)
            else:
                yield from _delimited_rows(path, f, columns, "\t" if kind == "tsv" else ",")
    except FileNotFoundError:
        raise InputError(f"{path}: no such table") from None
    except IsADirectoryError:
        raise InputError(f"{path}: a folder, not a table") from None
    except UnicodeDecodeError as e:
        raise InputError(f"{path}: not UTF-8 (byte {e.start} of a block); save the table as UTF-8") from None
    except (OSError, EOFError, gzip.BadGzipFile) as e:
        raise InputError(f"{path}: cannot read ({e})") from None


def is_frame(table) -> bool:
    """A pandas DataFrame (or anything shaped like one) given instead of a table's path."""
    return (
        not isinstance(table, (str, bytes, os.PathLike)) and hasattr(table, "columns") and hasattr(table, "itertuples")
    )


def frame_rows(frame, columns: list[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """A DataFrame's rows as a table file's (read_rows): (its place + 2, as a file with a header
    would number it; {column: value as text}), a missing value (NaN, None) empty, a whole number
    without ".0"; a missing column named with those it has."""
    have = [str(c) for c in frame.columns]
    missing = [c for c in columns if c not in have]
    if missing:
        shown = ", ".join(map(repr, have[:30]))
        raise InputError(f"the DataFrame has no column {', '.join(map(repr, missing))}; it has {shown}")
    at = [have.index(c) for c in columns]
    for n, row in enumerate(frame.itertuples(index=False, name=None), 2):
        yield n, {c: _cell_text(row[i]) for c, i in zip(columns, at)}


def _cell_text(value) -> str:
    try:
        if value is None or value != value:  # (None, NaN, NaT; pandas' NA refuses to be a bool: below)
            return ""
    except TypeError:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    if len(text) > MAX_CELL_CHARS:
        raise InputError(f"a DataFrame cell holds {len(text):,} characters (at most {MAX_CELL_CHARS:,})")
    return text


def chosen_columns(path, columns: list[str] | None) -> list[str] | None:
    """The `columns` a passage is to be shown with (`--columns author,title`), checked against the
    table's own before any work: a column it lacks is a UsageError naming those it has."""
    if columns is None:
        return None
    if isinstance(columns, str):
        raise TypeError(f"columns must be a list of column names, not a string ({columns!r}): split it first")
    names = [str(c).strip() for c in columns]
    if not names or "" in names:
        raise UsageError(
            "{columns} names an empty column: give column names separated by commas (author,title)", "columns"
        )
    have = [str(c) for c in path.columns] if is_frame(path) else table_columns(path)
    missing = [c for c in names if c not in have]
    if missing:
        raise UsageError(f"{path}: no column {missing[0]!r} for {{columns}}; it has {', '.join(have)}", "columns")
    return list(dict.fromkeys(names))


# the columns a reader cites a passage by, shown with it when the table has them (else its first three)
CITED_COLUMNS = ("author", "title", "period", "作者", "题目", "标题", "朝代")
LABEL_COLUMNS = 3


def shown_columns(path, columns: list[str] | None, text_column: str, leave=()) -> list[str]:
    """The row's columns shown with each of its passages: `columns` checked (chosen_columns), else
    those of CITED_COLUMNS the table has (author, title, period), else its first LABEL_COLUMNS but
    the text and `leave` (a filter's columns, said once)."""
    chosen = chosen_columns(path, columns)
    if chosen is not None:
        return chosen
    have = [str(c) for c in path.columns] if is_frame(path) else table_columns(path)
    have = [c for c in have if c != text_column and c not in leave]
    return [c for c in CITED_COLUMNS if c in have] or have[:LABEL_COLUMNS]


def table_columns(path: str | os.PathLike) -> list[str]:
    """The names of a table's columns (its header; a JSON Lines table's first object's keys)."""
    path = str(path)
    if not is_table(path):
        raise InputError(f"{path}: not a table; give a .tsv, .csv or .jsonl file (optionally .gz) with a header row")
    try:
        with _open(path) as f:
            first = f.readline(MAX_CELL_CHARS + 1)
    except (OSError, EOFError, gzip.BadGzipFile, UnicodeDecodeError) as e:
        raise InputError(f"{path}: cannot read ({e})") from None
    if _kind(path) == "jsonl":
        try:
            row = parse_json(first, f"{path}:1")
        except RecordError:
            return []
        return [str(k) for k in row]
    delimiter = "\t" if _kind(path) == "tsv" else ","
    return [h.strip() for h in next(csv.reader([first.rstrip("\r\n")], delimiter=delimiter), [])]


def _missing(path: str, wanted: list[str], have: list[str]) -> InputError:
    missing = [c for c in wanted if c not in have]
    return InputError(
        f"{path}: no column {', '.join(map(repr, missing))}; its columns are {', '.join(map(repr, have[:30]))}"
        + (" …" if len(have) > 30 else "")
        + (" (choose the text with --text-column)" if DEFAULT_TEXT_COLUMN in missing else "")
    )


def bounded_lines(path: str, f):
    """The file's lines, each read with a bound (MAX_LINE_CHARS): a line is refused before it is
    held whole, so a compressed table of one 10^9-character cell never reaches memory (the csv
    module's cell bound applies only to a line it was handed whole)."""
    lineno = 0
    while line := f.readline(MAX_LINE_CHARS + 1):
        lineno += 1
        if len(line) > MAX_LINE_CHARS:
            raise InputError(
                f"{path}:{lineno}: a line of more than {MAX_LINE_CHARS:,} characters (a cell holds at most "
                f"{MAX_CELL_CHARS:,}); split its text into rows"
            )
        yield line


def _delimited_rows(path: str, f, columns: list[str], delimiter: str):
    lines = bounded_lines(path, f)
    if delimiter == "\t":  # (strict: a CSV quote left open is an error, not the rest of the file)
        reader = csv.reader(lines, delimiter=delimiter, quoting=csv.QUOTE_NONE, strict=True)
    else:
        reader = csv.reader(lines, delimiter=delimiter, quoting=csv.QUOTE_MINIMAL, strict=True)
    try:
        header = next(reader, None)
    except csv.Error as e:
        raise InputError(f"{path}:1: not a {('TSV' if delimiter == chr(9) else 'CSV')} header ({e})") from None
    if not header:
        raise InputError(f"{path}: empty; a table needs a header row naming its columns")
    if "\x00" in "".join(header):
        raise InputError(f"{path}: a binary file, not a table")
    header = [h.strip() for h in header]
    if any(c not in header for c in columns):
        raise _missing(path, columns, header)
    at = [header.index(c) for c in columns]
    start = reader.line_num + 1  # (a row is cited at its first line: a quoted cell may span lines)
    try:
        for row in reader:
            lineno, start = start, reader.line_num + 1
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            if len(row) != len(header):
                raise InputError(
                    f"{path}:{lineno}: {len(row)} fields where the header has {len(header)}: {quoted(delimiter.join(row))}"
                )
            yield lineno, {c: row[i] for c, i in zip(columns, at)}
    except csv.Error as e:
        if "field larger than field limit" in str(e):
            raise InputError(
                f"{path}:{start}: a cell of more than {MAX_CELL_CHARS:,} characters; split its text into rows"
            ) from None
        if "unexpected end of data" in str(e):  # (strict: it once swallowed the rest of the file silently)
            raise InputError(
                f"{path}:{start}: a quote opened in this row is never closed; close it, or double a quote "
                'inside a cell ("")'
            ) from None
        raise InputError(f"{path}:{start}: {e}") from None


def _json_rows(path: str, f, columns: list[str]):
    seen_keys: list[str] | None = None
    # (read a line at a time with a bound: a line is never held beyond MAX_CELL_CHARS)
    for lineno, line in enumerate(iter(lambda: f.readline(MAX_CELL_CHARS + 1), ""), 1):
        if len(line) > MAX_CELL_CHARS:
            raise InputError(
                f"{path}:{lineno}: a row of more than {MAX_CELL_CHARS:,} characters; split its text into rows"
            )
        if not line.strip():
            continue
        if "\x00" in line:
            raise InputError(f"{path}:{lineno}: a binary file, not JSON Lines")
        try:
            row = parse_json(line, f"{path}:{lineno}", expect=None)
        except RecordError as e:
            raise InputError(f"{e}: {quoted(line.strip())}") from None
        if not isinstance(row, dict):
            raise InputError(f"{path}:{lineno}: a JSON {type(row).__name__}, not an object: {quoted(line.strip())}")
        if seen_keys is None:
            seen_keys = list(row)
            if any(c not in row for c in columns):
                raise _missing(path, columns, seen_keys)
        missing = [c for c in columns if c not in row]
        if missing:
            raise InputError(f"{path}:{lineno}: no {', '.join(map(repr, missing))} in this row")
        values = {}
        for c in columns:
            value = row[c]
            if isinstance(value, (dict, list)) or isinstance(value, bool):
                raise InputError(f"{path}:{lineno}: {c!r} is {type(value).__name__}, not text or a number")
            values[c] = "" if value is None else str(value)
        yield lineno, values


def table_text(
    path: str | os.PathLike, text_column: str = DEFAULT_TEXT_COLUMN, where: dict[str, str] | None = None
) -> Path:
    """The table's text column as a plain text file, a row a line, in the cache (written once per
    table content, column and `where`: COLUMN=VALUE conditions, only the rows that meet them; an
    interrupted write leaves nothing)."""
    path = str(path)
    if not isinstance(text_column, str) or not text_column:
        raise UsageError("{text_column} must name a column", "text_column")
    conditions = parse_conditions(where)
    digest = hashlib.sha256()
    with open(path, "rb") as raw:
        for block in iter(lambda: raw.read(1 << 20), b""):
            digest.update(block)
    chosen = " ".join(f"{k}={v}" for k, v in sorted(conditions.items()))
    key = hashlib.sha256(f"{digest.hexdigest()} {text_column}{' ' + chosen if chosen else ''}".encode()).hexdigest()[
        :24
    ]
    folder = cache_root() / "tables"
    out = folder / f"{key}-{Path(path).name.split('.')[0]}.txt"
    # "sha256 bytes lines-sha256" of the text as it was written, and of its line map (line_numbers)
    record = out.with_suffix(".sha256")
    if out.is_file():
        try:
            recorded, written, numbered = record.read_text(encoding="utf-8").split()
            why = matches(out, recorded, int(written)) or matches(_numbers_file(out), numbered)
        except (OSError, ValueError):
            why = "its record is missing, damaged or from an earlier w2vkit"
        if why is None:
            return out
        log.warning("warning: the cached text of %s is damaged (%s); reading the table again", path, why)
    folder.mkdir(parents=True, exist_ok=True)
    # texts half-written by runs that were killed (their process is gone) go first
    remove_stale(folder, ".*.tmp-*", lambda name: pid_suffix(name, ".tmp-"))
    tmp = out.with_name(f".{out.name}.tmp-{os.getpid()}")
    numbers = array("I")  # (each text line's row, by the line of the table it starts on)
    try:
        with HashedWriter(tmp) as w:  # (hashed as written)
            for lineno, row in read_rows(path, list(dict.fromkeys([text_column, *conditions]))):
                if conditions and not meets(row, conditions):
                    continue
                w.write((" ".join(row[text_column].split("\n")).replace("\r", " ") + "\n").encode("utf-8"))
                numbers.append(lineno)
        if not numbers:
            if conditions:
                raise no_row_meets(path, read_rows(path, list(conditions)), conditions)
            raise InputError(f"{path}: no rows")
        size = tmp.stat().st_size
        numbered = _write_numbers(_numbers_file(out), numbers)
        os.replace(tmp, out)
        write_own_file(record, f"{w.sha256} {size} {numbered}")
    finally:
        tmp.unlink(missing_ok=True)
    return out


def _numbers_file(text: Path) -> Path:
    return text.with_name(text.stem + ".lines")


def _write_numbers(path: Path, numbers: array) -> str:
    """The table's line of each row of its text (uint32, little-endian), written atomically; its sha256."""
    ordered = array("I", numbers)
    if sys.byteorder != "little":
        ordered.byteswap()
    data = ordered.tobytes()
    write_own_file(path, data)
    return hashlib.sha256(data).hexdigest()


def table_line_numbers(text: str | os.PathLike):
    """For a table's text in the cache (table_text): the line of the table each of its lines (a
    row) starts on, as the table file numbers them (its header line 1; a row of cells that span
    lines named by its first), believed only with the record's checksum; None when the text is not
    a table's or its map cannot be believed (the caller numbers rows by their place)."""
    import numpy as np

    text = Path(text)
    try:
        _, _, numbered = text.with_suffix(".sha256").read_text(encoding="utf-8").split()
        data = _numbers_file(text).read_bytes()  # (read once, then checked: the bytes believed are the bytes hashed)
    except (OSError, ValueError):
        return None
    if hashlib.sha256(data).hexdigest() != numbered or len(data) % 4:
        return None
    return np.frombuffer(data, dtype="<u4").astype(np.uint32)


def parse_conditions(pairs, option: str = "where") -> dict[str, str]:
    """COLUMN=VALUE pairs (`where`'s, or one of contrast's `at`) as a dict; UsageError for a pair
    without `=` or a column named twice (it has one value, never the last one silently)."""
    if isinstance(pairs, dict):
        return {str(k).strip(): str(v).strip() for k, v in pairs.items()}
    if isinstance(pairs, str):
        raise UsageError(f"{{{option}}} takes a list of COLUMN=VALUE, not one string", option)
    conditions: dict[str, str] = {}
    for condition in pairs or ():
        column, sep, value = str(condition).partition("=")
        if not sep or not column.strip():
            raise UsageError(f"{{{option}}} takes COLUMN=VALUE, not {condition!r}", option)
        if column.strip() in conditions:
            raise UsageError(f"{{{option}}} names the column {column.strip()!r} twice: it has one value", option)
        conditions[column.strip()] = value.strip()
    return conditions


def meets(row: dict[str, str], conditions: dict[str, str]) -> bool:
    """Whether a row's columns have the conditions' values (spaces around a cell aside)."""
    return all(row[k].strip() == v for k, v in conditions.items())


def no_row_meets(path, rows, conditions: dict[str, str]) -> UsageError:
    """The error for conditions no row meets: a value the column lacks is named with the values it
    has (of its first 100,000 rows)."""
    head = [r for _, r in zip(range(100_000), (row for _, row in rows))]
    for k, v in conditions.items():
        have = sorted({r[k].strip() for r in head})
        if v not in have:
            shown = ", ".join(map(repr, have[:20])) + (" …" if len(have) > 20 else "")
            return UsageError(f"{path}: no row has {k}={v!r}; the column {k!r} has {shown}")
    return UsageError(f"{path}: no row has all of {', '.join(f'{k}={v}' for k, v in conditions.items())}")
