"""Files that a record names (a model's, a member's, an index's or a corpus cache's meta.json) are
believed only when they are where w2vkit put them and hold what it wrote.

Two checks, one for each way a record can lie:

* `confined(path, root)`: the path, links resolved, lies inside `root` (the corpus cache, or the
  folder the record sits in) and is a regular file. A meta.json naming /etc/passwd, a credentials
  file or a link out of the folder gets a reason, never the file's content.
* `digest_of(path)`: the file's sha256, taken again whenever the file may have changed. A full hash
  of a large file (a million-line index is 900 MB) on every query would cost most of the query, so
  the digest of a file hashed before is kept in the cache folder with the file's stamp (device,
  inode, size, modification and status-change times in nanoseconds). Any write to the file, a
  rename over it, or a reset of its modification time changes the status-change time, which only
  the kernel sets: the stamp then differs and the file is hashed again. A stamp that cannot be kept
  (a read-only cache) only costs the hash.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import time
from pathlib import Path

from .env import cache_root
from .files import sha256_of
from .records import RecordError, read_json

STAMPS_DIR = "stamps"
# A file's times tick coarsely (a few ms on Linux): two writes inside one tick leave the same stamp.
# A stamp is kept only for a file last changed this long before it was hashed (as git does for its
# index), so a change the stamp cannot see is always hashed.
RACY_NS = 2_000_000_000
MAX_STAMP_BYTES = 64 << 10  # (a stamp record is one path, five numbers and a checksum)


def confined(path: str | os.PathLike, root: str | os.PathLike) -> str | None:
    """None when `path` (links resolved) is a regular file inside `root`; otherwise why not, in a
    few words that quote the path but nothing of what it holds."""
    try:
        real, real_root = Path(path).resolve(strict=True), Path(root).resolve()
    except (OSError, RuntimeError):
        return "it does not exist"
    if real != real_root and real_root not in real.parents:
        return f"it is outside {root}"
    if not real.is_file():
        return "it is not a regular file"
    return None


def _stamp(st: os.stat_result) -> list[int]:
    return [st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns]


def _stamp_file(real: Path) -> Path:
    key = hashlib.sha256(os.fsencode(real)).hexdigest()[:32]
    return cache_root() / STAMPS_DIR / f"{key}.json"


def digest_of(path: str | os.PathLike) -> str:
    """The sha256 of the file at `path`: from the stamp cache when the file is unchanged since it
    was last hashed (see the module's docstring), else hashed now and remembered."""
    real = Path(path).resolve()
    st = os.stat(real)
    record = _stamp_file(real)
    try:
        kept = read_json(record, "stamp record", limit=MAX_STAMP_BYTES)
        if kept.get("stamp") == _stamp(st) and isinstance(kept.get("sha256"), str):
            return kept["sha256"]
    except RecordError:
        pass  # (a missing or damaged stamp costs only the hash)
    digest = sha256_of(real)
    if _stamp(os.stat(real)) == _stamp(st):  # (not changed while it was read)
        remember(real, st, digest)
    return digest


def remember(path: str | os.PathLike, st: os.stat_result | None, digest: str) -> None:
    """Keep `digest` as the sha256 of the file at `path` as it is now (`st`: its stat, taken
    before it was hashed): a writer that hashed what it wrote saves its first reader the hash."""
    real = Path(path).resolve()
    try:
        st = st or os.stat(real)
        if time.time_ns() - st.st_ctime_ns < RACY_NS:
            return  # (a change within the clock's tick would keep the stamp: hash it again next time)
        record = _stamp_file(real)
        record.parent.mkdir(parents=True, exist_ok=True)
        tmp = record.with_name(f".{record.name}.{os.getpid()}")
        tmp.write_text(json.dumps({"path": str(real), "stamp": _stamp(st), "sha256": digest}), encoding="utf-8")
        os.replace(tmp, record)
    except OSError:
        pass  # (a read-only cache: the next reader hashes the file again)


def matches(path: str | os.PathLike, sha256: object, size: object = None) -> str | None:
    """None when the file at `path` has the recorded `size` (when given) and sha256; otherwise why
    not. A record without a checksum matches nothing."""
    if not isinstance(sha256, str) or not sha256:
        return "no checksum was recorded for it"
    try:
        actual_size = os.stat(path).st_size
        if size is not None and actual_size != size:
            return f"{actual_size:,} bytes where {size:,} were written" if isinstance(size, int) else "its size differs"
        if digest_of(path) != sha256:
            return "its content changed since it was written"
    except OSError as e:
        return f"it cannot be read ({e.strerror})"
    return None


class HashedWriter:
    """A file being written that hashes what goes into it (sha256), so its checksum is recorded
    without reading back what was just written. numpy's np.save and Faiss's callback writer write
    through `write`."""

    def __init__(self, path: str | os.PathLike, mode: str = "wb"):
        self.path = Path(path)
        self.file = open(self.path, mode)
        self.hash = hashlib.sha256()

    def write(self, data) -> int:
        data = bytes(data) if not isinstance(data, bytes) else data
        self.file.write(data)
        self.hash.update(data)
        return len(data)

    def close(self) -> None:
        self.file.close()

    def __enter__(self) -> HashedWriter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def sha256(self) -> str:
        return self.hash.hexdigest()


def kept_file(
    folder: str | os.PathLike,
    relative: object,
    sha256: object,
    *,
    what: str,
    limit: int | None = None,
    size: object = None,
    unrecorded: bool = False,
    rehash: bool = False,
) -> Path:
    """The file a record names by `relative` inside `folder` (every file of a model folder: its
    vectors, vocabulary, record, n-grams, dropped words, views, members' files, items/ and dicts/
    files; an index's files), believed only when: it lies inside the folder with no link on the
    way (inside()), it is a regular file of the recorded `size` (when recorded) and at most `limit`
    bytes, both checked before a byte is read, and its sha256 is the recorded one. RecordError
    naming the file otherwise.

    unrecorded=True: a record without a checksum (a model saved before w2vkit recorded one) is
    believed after the other checks. rehash=True: hashed afresh, not from the stamp cache."""
    path, st = inside(folder, relative, f"{what} file")
    if not stat.S_ISREG(st.st_mode):
        raise RecordError(path, f"the {what} file is not a regular file")
    if isinstance(size, int) and not isinstance(size, bool) and st.st_size != size:
        raise RecordError(path, f"{st.st_size:,} bytes where the record says {size:,}: the {what} file changed")
    if limit is not None and st.st_size > limit:
        raise RecordError(path, f"{st.st_size:,} bytes, more than any {what} file w2vkit keeps ({limit:,})")
    if sha256 is None and unrecorded:
        return path
    if not isinstance(sha256, str) or (sha256_of(path) if rehash else digest_of(path)) != sha256:
        raise RecordError(path, f"the {what} file does not match its checksum in the record")
    return path


def kept_array(
    folder: str | os.PathLike,
    relative: object,
    sha256: object,
    *,
    what: str,
    shape: tuple[int | None, ...] | None = None,
    dtype=None,
    mmap: bool = True,
    rehash: bool = False,
):
    """The .npy array a record names inside `folder`, through kept_file's door: no link on the way,
    numpy's header read and checked (a numeric dtype, the expected `shape` and `dtype`, a file
    exactly as long as the header and the data it declares) before a byte is hashed, then the
    recorded sha256; memory-mapped with mmap=True. A 20 GB sparse file is refused from its size
    and header alone. RecordError naming the file otherwise."""
    from .records import expect_header, read_array

    path, st = inside(folder, relative, f"{what} file")
    if not stat.S_ISREG(st.st_mode):
        raise RecordError(path, f"the {what} file is not a regular file")
    expect_header(path, f"{what} file", shape=shape, dtype=dtype)
    kept_file(folder, relative, sha256, what=what, size=st.st_size, rehash=rehash)
    return read_array(path, f"{what} file", mmap=mmap)


def inside(folder: str | os.PathLike, relative: object, what: str) -> tuple[Path, os.stat_result]:
    """The path a record names by `relative` inside `folder` and its lstat, when `relative` is a
    plain relative path (no "..", not absolute) and no part of the way from `folder` is a link (a
    member's folder, a file of the model); RecordError naming it otherwise."""
    from pathlib import PurePosixPath

    if not isinstance(relative, str) or not relative or "\\" in relative:
        raise RecordError(folder, f"the record names no {what} inside the folder")
    parts = PurePosixPath(relative).parts
    if PurePosixPath(relative).is_absolute() or any(p in ("..", ".") for p in parts):
        raise RecordError(folder, f"the {what} {relative!r} is not inside the folder")
    path = Path(folder)
    for part in parts:
        path = path / part
        try:
            st = os.lstat(path)
        except OSError:
            raise RecordError(path, f"the {what} is missing") from None
        if stat.S_ISLNK(st.st_mode):
            raise RecordError(path, f"a link on the way to the {what}; w2vkit reads only files inside the folder")
    return path, st
