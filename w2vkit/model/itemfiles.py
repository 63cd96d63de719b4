"""The files an item model keeps beside its vectors (`items/labels.tsv`, `items/holdout.txt`, each
checksummed in meta.json), and the labels file they come from: ID<TAB>name[<TAB>group…] per line.
Queries read an item's name from them (`similar "Toy Story"`), `evaluate --next-item` the held-out
sequences."""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..base.records import RecordError
from ..base.trust import kept_file
from ..errors import CorruptModelError, InputError, quoted

ITEMS_DIR = "items"  # inside a model: labels.tsv and holdout.txt, with checksums in meta.json
# The largest items/ file believed: a held-out line per user of tens of millions is under this.
MAX_ITEM_FILE_BYTES = 1 << 30
LABELS_FILE = "labels.tsv"
HOLDOUT_FILE = "holdout.txt"


def read_labels(path, data: bytes | None = None) -> dict[str, tuple[str, tuple[str, ...]]]:
    """ID -> (name, groups) from a labels file (or its bytes `data`, read through the door; `path`
    then names it): ID<TAB>name[<TAB>group…] per line (groups may also be one field of
    space-separated names: "Action Comedy"). A duplicate ID or an empty name is an error naming the
    line."""
    import io

    labels: dict[str, tuple[str, tuple[str, ...]]] = {}
    try:
        with open(path, encoding="utf-8-sig") if data is None else io.StringIO(data.decode("utf-8-sig")) as f:
            for lineno, line in enumerate(f, 1):
                line = line.rstrip("\r\n")
                if not line.strip() or line.startswith("#"):
                    continue
                fields = line.split("\t")
                if len(fields) < 2 or not fields[0].strip() or not fields[1].strip():
                    raise InputError(f"{path}:{lineno}: expected ID<TAB>name[<TAB>group...], got {quoted(line)}")
                item = fields[0].strip()
                if item in labels:
                    raise InputError(f"{path}:{lineno}: the ID {item!r} is labelled twice; keep one line per ID")
                groups = tuple(g for field in fields[2:] for g in field.split() if g)
                labels[item] = (fields[1].strip(), groups)
    except FileNotFoundError:
        raise InputError(f"{path}: no such labels file") from None
    except UnicodeDecodeError as e:
        raise InputError(f"{path}: not UTF-8 (byte {e.start}); save the labels as UTF-8") from None
    return labels


def item_files(corpus, item_input, vocabulary) -> tuple[dict[str, bytes], dict]:
    """The files an item model keeps (labels, held-out sequences) and what its meta.json records."""
    files: dict[str, bytes] = {}
    record: dict = {
        "sequences": corpus.sequences,
        "cut": corpus.cut,
        "table": item_input.table.__dict__ if item_input.table else None,
    }
    if item_input.labels:
        labels = read_labels(item_input.labels)
        known = set(vocabulary)
        record["labelled"] = sum(1 for item in labels if item in known)
        body = "".join("\t".join([i, n, " ".join(g)]) + "\n" for i, (n, g) in labels.items())
        files[f"{ITEMS_DIR}/{LABELS_FILE}"] = body.encode("utf-8")
        record["labels"] = f"{ITEMS_DIR}/{LABELS_FILE}"
        record["labels_sha256"] = hashlib.sha256(files[record["labels"]]).hexdigest()
    if corpus.held_out is not None:
        files[f"{ITEMS_DIR}/{HOLDOUT_FILE}"] = corpus.held_out.read_bytes()
        record["holdout"] = f"{ITEMS_DIR}/{HOLDOUT_FILE}"
        record["holdout_sha256"] = hashlib.sha256(files[record["holdout"]]).hexdigest()
    return files, record


def model_item_file(model, key: str) -> tuple[Path, bytes] | None:
    """A file an item model keeps (key "labels" or "holdout"), checked against its checksum: its
    path and the bytes read from the descriptor that was checked; None when the model has none."""
    record = model.meta.get("items") or {}
    relative = record.get(key)
    if not relative:
        return None
    try:  # (confined to the model folder, no link on the way, bounded, checksummed: w2vkit.base.trust)
        with kept_file(
            model.path, relative, record.get(f"{key}_sha256"), what=f"item {key}", limit=MAX_ITEM_FILE_BYTES
        ) as kept:
            path, data = kept.path, kept.read_bytes()
    except RecordError as e:
        raise CorruptModelError(f"{e}; retrain or restore it") from None
    if path.parent.name != ITEMS_DIR or path.parent.parent != Path(model.path):
        raise CorruptModelError(
            f"{model.path / 'meta.json'}: items.{key} should name a file under {ITEMS_DIR}/; retrain"
        )
    return path, data
