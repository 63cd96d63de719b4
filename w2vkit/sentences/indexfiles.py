"""What an index folder's meta.json must hold before a query reads the folder: ours, of a version
this w2vkit reads, built by the model asked for, and every file it reads checksummed (w2vkit.base.trust);
and whether the file it indexed has changed since."""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import CorruptModelError, UsageError

INDEX_FORMAT = "w2vkit-index"
# 2: metric and unit; 3: a checksum of every file (earlier indexes are refused: build them again)
INDEX_VERSION = 3


def check_files(folder: Path, meta: dict) -> None:
    """Every file the index folder's queries read is the one its build wrote: named in meta.json's
    checksums, inside the folder (no link out), and with that sha256 (w2vkit.base.trust: hashed
    once, then believed while the file's stamp is unchanged); no file is read that the record does
    not list. Else CorruptModelError naming the file."""
    from ..base.records import RecordError
    from ..base.trust import kept_file

    where = folder / "meta.json"
    checksums = meta.get("checksums")
    if not isinstance(checksums, dict):
        raise CorruptModelError(
            f"{where}: records no checksums of its files (an earlier w2vkit built it); build the index again"
        )
    for key, kind in (("lines", int), ("dim", int), ("empty", int)):
        if (
            not isinstance(meta.get(key), kind)
            or isinstance(meta.get(key), bool)
            or meta[key] < (0 if key == "empty" else 1)
        ):
            raise CorruptModelError(f"{where}: field {key!r} is damaged; build the index again")
    needed = {"vectors.f32", "texts.txt", "offsets.npy"}
    if meta.get("unit", "line") != "line":
        needed.add("lines.npy")
    if meta.get("kind", "flat") != "flat":
        needed.add(f"{meta.get('kind')}.faiss")
    allowed = needed | {"component.npy"}
    present = {name for name in allowed if os.path.lexists(folder / name)}
    for name in sorted(needed | present | set(checksums)):
        if name not in allowed:
            raise CorruptModelError(
                f"{where}: field 'checksums' names {name[:80]!r}, not a file of an index; build the index again"
            )
        try:  # (the one door: no link on the way, then the checksum)
            kept_file(folder, name, checksums.get(name), what="index")
        except RecordError as e:
            raise CorruptModelError(f"{e}; build the index again") from None


def check_meta(meta, where, model=None) -> None:
    """An index's meta is ours, of a version this w2vkit reads, and built by `model` (if given)."""
    if not isinstance(meta, dict) or meta.get("format") != INDEX_FORMAT:
        raise UsageError(f"{where}: not a w2vkit index; build one with w2vkit index")
    if not isinstance(meta.get("format_version"), int) or meta["format_version"] > INDEX_VERSION:
        raise UsageError(f"{where}: an index of a newer w2vkit (format {meta.get('format_version')}); upgrade w2vkit")
    if model is not None and model.meta.get("vectors_sha256") != meta.get("model_vectors_sha256"):
        raise UsageError(
            f"{where}: built with the model {meta.get('model')}, not {model.path} (another model embeds queries "
            "differently); query with that model, or build the index again"
        )


def changed_source(meta: dict) -> str | None:
    """Why the indexed file is not what was indexed any more (None: unchanged or unknown)."""
    source = meta.get("source") or {}
    if source.get("path") in (None, "-"):
        return None
    try:
        st = os.stat(source["path"])
    except OSError:
        return f"{source['path']} is gone (the index still answers from its copy of the lines)"
    if (st.st_size, st.st_mtime_ns) != (source.get("size"), source.get("mtime_ns")):
        return f"{source['path']} has changed since it was indexed; results are from the old text: index it again"
    return None
