"""What an index folder's meta.json must hold before a query reads the folder: ours, of a version
this w2vkit reads, built by the model asked for, and every file it reads checksummed (w2vkit.base.trust);
and whether the file it indexed has changed since."""

from __future__ import annotations

import os
from pathlib import Path

from ..base.trust import kept_file
from ..errors import CorruptModelError, UsageError

INDEX_FORMAT = "w2vkit-index"
# 2: metric and unit; 3: a checksum of every file (earlier indexes are refused: build them again)
INDEX_VERSION = 3


def open_files(folder: Path, meta: dict) -> dict:
    """Every file the index folder's queries read, open by descriptor (w2vkit.base.trust.kept_file):
    named in meta.json's checksums, inside the folder with no link on the way, of its recorded size
    (an index built before sizes were recorded: of the size its record implies) and no larger than
    that bound, both before a byte is read, then with that sha256 (hashed once, then believed while
    the file's stamp is unchanged); no file is read that the record does not list. A dict of name
    -> KeptFile (the caller reads from them and closes them); CorruptModelError naming the file
    otherwise."""
    from ..base.records import RecordError

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
    recorded_sizes = meta.get("sizes")
    sizes: dict = recorded_sizes if isinstance(recorded_sizes, dict) else {}
    opened: dict = {}
    try:
        for name in sorted(needed | present | set(checksums)):
            if name not in allowed:
                raise CorruptModelError(
                    f"{where}: field 'checksums' names {name[:80]!r}, not a file of an index; build the index again"
                )
            size, limit = _size_bound(name, meta, sizes.get(name), opened)
            try:  # (the one door: no link on the way, bounded, then the checksum, all from one descriptor)
                opened[name] = kept_file(folder, name, checksums.get(name), what="index", size=size, limit=limit)
            except RecordError as e:
                raise CorruptModelError(f"{e}; build the index again") from None
    except BaseException:
        for kept in opened.values():
            kept.close()
        raise
    return opened


def _size_bound(name: str, meta: dict, recorded, opened: dict) -> tuple[int | None, int]:
    """The size an index file must have (None: any) and the most bytes it may have: the recorded
    size where the build recorded one, else what the record's lines and dimensions imply (texts.txt
    is as long as its last offset says: offsets.npy sorts before it, so it is read first)."""
    import numpy as np

    from ..base.records import NPY_HEADER_BYTES, npy_bytes_at_most

    lines, dim = meta["lines"], meta["dim"]
    itemsize = 2 if meta.get("dtype") == "float16" else 4
    implied = {
        "vectors.f32": lines * dim * itemsize,
        "offsets.npy": npy_bytes_at_most(lines + 1, itemsize=8),
        "lines.npy": npy_bytes_at_most(lines, itemsize=8),
        "component.npy": npy_bytes_at_most(dim, itemsize=8),
    }
    if name == "texts.txt" and "offsets.npy" in opened:
        offsets = opened["offsets.npy"]
        from ..base.records import RecordError, array_header_of

        try:
            shape, dtype, offset = array_header_of(
                offsets.file, offsets.size, offsets.path, "index file", shape=(lines + 1,)
            )
            offsets.file.seek(offset + (shape[0] - 1) * dtype.itemsize)
            implied[name] = int(np.frombuffer(offsets.file.read(dtype.itemsize), dtype=dtype)[0])
        except (RecordError, ValueError, IndexError) as e:
            raise CorruptModelError(f"{offsets.path}: {getattr(e, 'reason', e)}; build the index again") from None
    # a Faiss file holds the vectors and, for HNSW, 32 links of each level a row: well under this
    bound = implied.get(name, lines * (dim * 4 + 1024) + (NPY_HEADER_BYTES << 8))
    if isinstance(recorded, int) and not isinstance(recorded, bool) and recorded >= 0:
        return recorded, min(recorded, max(bound, 0))  # (a recorded size past what the record implies: refused)
    return (bound if name == "vectors.f32" else None), max(bound, 0)


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
