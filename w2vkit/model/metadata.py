"""Metadata a user brings with their vectors (`w2vkit import FILE --metadata META.tsv`), as the
Embedding Projector takes it: a TSV with a row per vector, in the vectors' order; with one column,
no header and the column the word; with several, a header row and the first column the word. It
is kept in the model folder (METADATA, its checksum in meta.json) as the word and its other
columns, and read through the door (w2vkit.base.trust) by the engine that colours a map by a
column (w2vkit.findings.leaning.metadata_groups)."""

from __future__ import annotations

import os
from pathlib import Path

from ..base.files import sha256_of
from ..base.records import RecordError
from ..base.trust import kept_file
from ..errors import CorruptModelError, InputError, quoted

METADATA = "metadata.tsv"
MAX_METADATA_BYTES = 1 << 30  # (a cell per word and column: 1 GB is millions of words' columns)


def read_metadata(path: str | os.PathLike, rows: int | None = None) -> tuple[list[str], list[list[str]]]:
    """The header (the word's column first; ["word"] for a file of one column) and the rows of a
    Projector metadata TSV; `rows`: how many the vectors have, the count a metadata file must hold.
    A row of another width, or a count that differs, is an error naming the line."""
    import stat

    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):
            raise InputError(f"{path}: not a regular file (a folder, a pipe or a device); give the metadata TSV")
        if st.st_size > MAX_METADATA_BYTES:
            raise InputError(
                f"{path}: {st.st_size:,} bytes, more than metadata of {MAX_METADATA_BYTES:,}; cut its columns"
            )
        with open(path, encoding="utf-8-sig", newline="") as f:
            lines = [line.rstrip("\r\n") for line in f]
    except FileNotFoundError:
        raise InputError(f"{path}: no such metadata file") from None
    except OSError as e:
        raise InputError(f"{path}: cannot be read ({e.strerror})") from None
    except UnicodeDecodeError as e:
        raise InputError(f"{path}: not UTF-8 (byte {e.start}); save the metadata as UTF-8") from None
    while lines and not lines[-1]:
        lines.pop()
    if not lines:
        raise InputError(f"{path}: empty; give a row per vector (the word first)")
    several = bool(lines) and "\t" in lines[0]  # (the Projector's rule: a header only with several columns)
    header = [h.strip() for h in lines[0].split("\t")] if several else ["word"]
    body = lines[1:] if several else lines
    if several and (len(set(header)) < len(header) or "" in header):
        raise InputError(f"{path}:1: the header names a column twice or leaves one unnamed: {quoted(lines[0])}")
    table = []
    for lineno, line in enumerate(body, 2 if several else 1):
        cells = [c.strip() for c in line.split("\t")]
        if len(cells) != len(header) or not cells[0]:
            raise InputError(
                f"{path}:{lineno}: expected {len(header)} tab-separated cells, the first the word, got {quoted(line)}"
            )
        table.append(cells)
    if rows is not None and len(table) != rows:
        raise InputError(f"{path}: {len(table):,} rows of metadata for {rows:,} vectors; give a row per vector")
    return header, table


def keep_metadata(folder: Path, header: list[str], table: list[list[str]], words: list[str]) -> dict:
    """Write the rows of the model's `words` (a word's first row when it is given twice) into
    the staged model `folder`; what meta.json records of it."""
    first: dict[str, list[str]] = {}
    for cells in table:
        first.setdefault(cells[0], cells)
    lines = ["\t".join(header)] + ["\t".join(first[w]) for w in words if w in first]
    (folder / METADATA).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return {"file": METADATA, "sha256": sha256_of(folder / METADATA), "columns": header[1:]}


def model_metadata(model) -> dict[str, dict[str, str]]:
    """{column: {word: value}} of the model's metadata ({} without), read through the door and
    checked against its checksum."""
    record = model.meta.get("metadata") or {}
    if not record.get("file"):
        return {}
    try:
        with kept_file(
            model.path, record["file"], record.get("sha256"), what="metadata", limit=MAX_METADATA_BYTES
        ) as kept:
            text = kept.read_bytes().decode("utf-8")
    except (RecordError, UnicodeDecodeError) as e:
        raise CorruptModelError(f"{Path(model.path) / METADATA}: {e}; import the vectors again") from None
    lines = text.splitlines()
    header = lines[0].split("\t")
    columns: dict[str, dict[str, str]] = {c: {} for c in header[1:]}
    for line in lines[1:]:
        cells = line.split("\t")
        for column, value in zip(header[1:], cells[1:]):
            if value:
                columns[column][cells[0]] = value
    return columns
