"""Sequences of item IDs as a corpus (Item2Vec: Barkan & Koenigstein 2016): films a user watched,
products bought together, pages of a session, one sequence per line.

IDs are taken verbatim: any run of non-whitespace, with no lowercasing, no splitting on - : /,
no URL stripping and no Unicode normalisation (text normalisation would merge IDs that differ).
A sequence is never cut into sentences; one longer than ITEM_LINE_TOKENS (gensim reads at most
10,000 words of a line) is cut there, and the run says how many were.

Inputs: sequence files (one sequence per line), or an interaction table (CSV or TSV with a
header) grouped by a user column, ordered by a time column (ties, and rows without a time
column, in the file's order). Labels (ID<TAB>name[<TAB>group…]) name the items in every output.
"""

from __future__ import annotations

import csv
import hashlib
import json
import logging
import math
import os
from dataclasses import dataclass
from pathlib import Path

from ...base.choices import ITEMS_LANGUAGE
from ...base.records import RecordError, read_json
from ...base.trust import HashedWriter
from ...errors import InputError, OptionError, quoted
from ..reading.tables import bounded_lines

log = logging.getLogger(__name__)

ITEM_LINE_TOKENS = 10_000
HOLDOUT_FILE = "holdout.txt"  # (in the cache folder of an item corpus; a model keeps a copy: model/itemfiles)


@dataclass
class ItemCorpus:
    path: Path  # one sequence per line, IDs separated by single spaces
    tokens: int
    sequences: int
    cut: int  # sequences cut at ITEM_LINE_TOKENS
    held_out: Path | None = None  # with holdout: the full held-out sequences (history, then the target)
    sha256: str | None = None  # corpus.txt's, as written
    bytes: int | None = None


@dataclass(frozen=True)
class Table:
    """Which columns of an interaction table hold the user, the item and (optionally) the time."""

    user: str
    item: str
    time: str | None = None

    def __post_init__(self):
        named = [c for c in (self.user, self.item, self.time) if c is not None]
        if len(set(named)) < len(named):
            raise OptionError(
                "{user}, {item} and {time} must name different columns, not " + " and ".join(map(repr, named)),
                "user",
                "item",
                "time",
            )


def write_item_corpus(inputs: list[str], out_dir: Path, table: Table | None = None, holdout: str | None = None):
    """The sequences of `inputs` (sequence files, or with `table` interaction tables) written to
    out_dir/corpus.txt; with holdout="last", each sequence of two or more items loses its last
    item to out_dir/holdout.txt (written whole: history, then the item to predict)."""
    if isinstance(inputs, (str, os.PathLike)):
        raise OptionError("{inputs} must be a list of paths, not one path", "inputs")
    if holdout not in (None, "last"):
        raise OptionError("{holdout} must be 'last' (or nothing)", "holdout")
    out_dir.mkdir(parents=True, exist_ok=True)
    corpus = ItemCorpus(out_dir / "corpus.txt", 0, 0, 0, out_dir / HOLDOUT_FILE if holdout else None)
    held = open(corpus.held_out, "w", encoding="utf-8") if corpus.held_out is not None else None
    try:
        with HashedWriter(corpus.path) as out:  # (hashed as written: the cache checks it on reuse)
            for sequence in _sequences(inputs, table):
                if held is not None and len(sequence) >= 2:
                    held.write(" ".join(sequence) + "\n")
                    sequence = sequence[:-1]
                if len(sequence) > ITEM_LINE_TOKENS:
                    corpus.cut += 1
                    sequence = sequence[:ITEM_LINE_TOKENS]
                out.write((" ".join(sequence) + "\n").encode("utf-8"))
                corpus.tokens += len(sequence)
                corpus.sequences += 1
    finally:
        if held is not None:
            held.close()
    corpus.sha256, corpus.bytes = out.sha256, corpus.path.stat().st_size
    if corpus.tokens == 0:
        raise InputError(f"{', '.join(map(str, inputs))}: no item sequences found (one sequence per line)")
    if corpus.cut:
        log.warning(
            "warning: %s longer than %s items cut there (gensim reads no more of a line)",
            f"{corpus.cut:,} sequence{'s' if corpus.cut > 1 else ''}",
            f"{ITEM_LINE_TOKENS:,}",
        )
    return corpus


def item_input_files(inputs) -> list[str]:
    """The files of `inputs`: files as given, folders' files (recursively, by name, hidden ones
    left out)."""
    files = []
    for name in inputs:
        path = Path(name)
        if path.is_dir():
            found = sorted(
                str(f)
                for f in path.rglob("*")
                if f.is_file() and not any(p.startswith(".") for p in f.relative_to(path).parts)
            )
            if not found:
                raise InputError(f"{name}: a folder with no files of item sequences")
            files += found
        elif path.is_file():
            files.append(str(path))
        else:
            raise InputError(f"{name}: no such file of item sequences")
    return files


def _sequences(inputs, table: Table | None):
    for name in item_input_files(inputs):
        path = Path(name)
        if table is None:
            yield from _sequence_file(path)
        else:
            yield from _table_sequences(path, table)


def _sequence_file(path: Path):
    try:
        with open(path, encoding="utf-8-sig") as f:
            for line in f:
                items = line.split()
                if items:
                    yield items
    except UnicodeDecodeError as e:
        raise InputError(f"{path}: not UTF-8 (byte {e.start}); save the sequences as UTF-8") from None


def _table_sequences(path: Path, table: Table):
    """The items of each user in time order (ties in the file's order), users in the order they
    first appear."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            sample = f.read(65536)
            f.seek(0)
            delimiter = "\t" if sample.count("\t") >= sample.count(",") else ","
            reader = csv.reader(bounded_lines(str(path), f), delimiter=delimiter)
            header = next(reader, None)
            if not header:
                raise InputError(f"{path}: empty; an interaction table needs a header row naming its columns")
            wanted = [c for c in (table.user, table.item, table.time) if c is not None]
            missing = [c for c in wanted if c not in header]
            if missing:
                raise InputError(
                    f"{path}: no column {', '.join(map(repr, missing))}; its columns are "
                    f"{', '.join(map(repr, header[:20]))}"
                )
            at = {c: header.index(c) for c in wanted}
            users: dict[str, list] = {}
            for lineno, row in enumerate(reader, 2):
                if not row or all(not cell.strip() for cell in row):
                    continue
                if len(row) <= max(at.values()):
                    raise InputError(f"{path}:{lineno}: {len(row)} columns where the header has {len(header)}")
                user, item = row[at[table.user]].strip(), row[at[table.item]].strip()
                if not user or not item or any(ch.isspace() for ch in item):
                    raise InputError(
                        f"{path}:{lineno}: an empty user or item, or an item ID with a space: {quoted(row)}"
                    )
                when = 0.0
                if table.time is not None:
                    try:
                        when = float(row[at[table.time]])
                        if not math.isfinite(when):
                            raise ValueError
                    except ValueError:
                        raise InputError(
                            f"{path}:{lineno}: the time {quoted(row[at[table.time]])} is not a finite number (seconds, "
                            "or any sortable number)"
                        ) from None
                users.setdefault(user, []).append((when, lineno, item))
    except UnicodeDecodeError as e:
        raise InputError(f"{path}: not UTF-8 (byte {e.start}); save the table as UTF-8") from None
    for events in users.values():
        events.sort()
        yield [item for _, _, item in events]


def input_key(inputs: list[str], table: Table | None, holdout: str | None) -> str:
    """A cache key for the item corpus of these inputs, read as these options say."""
    h = hashlib.sha256(json.dumps([table.__dict__ if table else None, holdout]).encode())
    for name in inputs:
        with open(name, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
    return h.hexdigest()[:24]


# ------------------------------------------------------------------ training on items


@dataclass(frozen=True)
class ItemInput:
    """How train reads item inputs: sequence files (table None) or an interaction table; holdout
    "last" keeps each sequence's last item out of training, for evaluate --next-item; labels: a
    labels file stored with the model."""

    table: Table | None = None
    holdout: str | None = None
    labels: str | None = None


def prepare_items(inputs: list[str], item_input: ItemInput):
    """The item corpus of `inputs` in the corpus cache (built once per content and options), as
    train's PreparedCorpus, with the ItemCorpus record (its held-out file)."""
    import shutil
    import time

    from ...base.env import cache_root
    from ...base.files import publish_cached, sha256_of
    from .corpuscache import PreparedCorpus

    started = time.perf_counter()
    inputs = item_input_files(inputs)
    key = input_key(inputs, item_input.table, item_input.holdout)
    folder = cache_root() / "items" / key
    record = folder / "record.json"
    cached = record.is_file() and _sound(folder, record)
    if cached:
        stats = read_json(record, "cache record")
        corpus = ItemCorpus(
            folder / "corpus.txt",
            stats["tokens"],
            stats["sequences"],
            stats["cut"],
            folder / HOLDOUT_FILE if item_input.holdout else None,
        )
    else:
        tmp = folder.with_name(f".{key}.tmp-{os.getpid()}")
        shutil.rmtree(tmp, ignore_errors=True)
        try:
            corpus = write_item_corpus(inputs, tmp, item_input.table, item_input.holdout)
            stats = {
                "tokens": corpus.tokens,
                "sequences": corpus.sequences,
                "cut": corpus.cut,
                "sha256": corpus.sha256,
                "bytes": corpus.bytes,
            }
            (tmp / "record.json").write_text(json.dumps(stats), encoding="utf-8")
            publish_cached(
                tmp, folder, lambda there: (there / "record.json").is_file() and _sound(there, there / "record.json")
            )
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        corpus = ItemCorpus(
            folder / "corpus.txt",
            corpus.tokens,
            corpus.sequences,
            corpus.cut,
            folder / HOLDOUT_FILE if item_input.holdout else None,
        )
    hashes = [{"path": name, "sha256": sha256_of(name)} for name in inputs]
    prepared = PreparedCorpus(
        corpus.path,
        hashes,
        None,
        cached,
        time.perf_counter() - started,
        corpus.tokens,
        ITEMS_LANGUAGE,
        sha256=stats.get("sha256"),
        bytes=stats.get("bytes"),
    )
    return prepared, corpus


def _sound(folder: Path, record: Path) -> bool:
    """Whether a cached item corpus still holds what was written (its size and sha256); a damaged
    one is said and built again."""
    from ...base.trust import matches

    try:
        stats = read_json(record, "cache record")
        why = matches(folder / "corpus.txt", stats.get("sha256"), stats.get("bytes"))
    except RecordError:
        why = "its record cannot be read"
    if why is None:
        return True
    log.warning("warning: the cached item corpus %s is damaged (%s); reading the sequences again", folder, why)
    return False
