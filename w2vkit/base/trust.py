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

import errno
import hashlib
import json
import os
import stat
import time
from pathlib import Path
from typing import Any, TypeVar

from .env import cache_root
from .files import HASH_BLOCK
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


def _stamp_key(path: str | os.PathLike) -> Path:
    """The name a file's stamp is kept under: its folder's real path and its own name (a link as
    the file itself is never resolved: the door refuses it)."""
    path = Path(path)
    try:
        return path.parent.resolve() / path.name
    except OSError:  # (a folder swapped away while resolved: its stamp is missed, the file hashed)
        return Path(os.path.abspath(path))


def digest_of(path: str | os.PathLike) -> str:
    """The sha256 of the file at `path` (links followed: a corpus cache's files, confined() first):
    from the stamp cache when the file is unchanged since it was last hashed (see the module's
    docstring), else hashed now and remembered."""
    with open(Path(path).resolve(), "rb") as f:
        return digest_of_open(f, Path(path).resolve())


def digest_of_open(f, path: str | os.PathLike) -> str:
    """The sha256 of the open binary file `f` (a descriptor the door opened; `path` names it for
    the stamp cache): the stamp is its fstat, so what is hashed is what was opened, whatever the
    name points at by now."""
    st = os.fstat(f.fileno())
    key = _stamp_key(path)
    record = _stamp_file(key)
    try:
        kept = read_json(record, "stamp record", limit=MAX_STAMP_BYTES)
        if kept.get("stamp") == _stamp(st) and isinstance(kept.get("sha256"), str):
            return kept["sha256"]
    except RecordError:
        pass  # (a missing or damaged stamp costs only the hash)
    f.seek(0)
    h = hashlib.sha256()
    for chunk in iter(lambda: f.read(HASH_BLOCK), b""):
        h.update(chunk)
    digest = h.hexdigest()
    if _stamp(os.fstat(f.fileno())) == _stamp(st):  # (not changed while it was read)
        remember(key, st, digest)
    return digest


def remember(path: str | os.PathLike, st: os.stat_result | None, digest: str) -> None:
    """Keep `digest` as the sha256 of the file at `path` as it is now (`st`: its stat, taken
    before it was hashed): a writer that hashed what it wrote saves its first reader the hash."""
    real = _stamp_key(path)
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


_Holder = TypeVar("_Holder", bound="_HoldsAFile")


class _HoldsAFile:
    """An object holding one open file (`file`): closed by close(), or at the end of a with block."""

    file: Any

    def close(self) -> None:
        self.file.close()

    def __enter__(self: _Holder) -> _Holder:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class HashedWriter(_HoldsAFile):
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

    @property
    def sha256(self) -> str:
        return self.hash.hexdigest()


class KeptFile(_HoldsAFile):
    """A file that came through the door, open by its descriptor: every read (its bytes, its text,
    its lines, an array memory-mapped from it) is of the file that was checked, never of whatever
    its name points at by now. A context manager; `path` names it in messages only."""

    def __init__(self, path: Path, file, st: os.stat_result):
        self.path, self.file, self.stat = path, file, st

    @property
    def size(self) -> int:
        return self.stat.st_size

    def read_bytes(self) -> bytes:
        self.file.seek(0)
        return self.file.read()

    def read_text(self, encoding: str = "utf-8") -> str:
        """The file's text; UnicodeDecodeError as str.decode raises it."""
        return self.read_bytes().decode(encoding)

    def text_stream(self, encoding: str = "utf-8", newline: str | None = None):
        """A text stream over the open file from its start (closing it leaves the descriptor open)."""
        import io

        self.file.seek(0)
        return io.TextIOWrapper(_Unclosed(self.file), encoding=encoding, newline=newline)

    def array(self, what: str, *, shape=None, dtype=None, mmap: bool = False):
        """The .npy array the file holds, its header checked first (w2vkit.base.records.array_from)."""
        from .records import array_from

        return array_from(self.file, self.size, self.path, what, shape=shape, dtype=dtype, mmap=mmap)

    def fd_path(self) -> str:
        """A name for a library that reads only by name (Faiss): the descriptor's own entry in
        /proc, which is the open file whatever its name points at by now."""
        return f"/proc/self/fd/{self.file.fileno()}"


class _Unclosed:
    """A binary file a TextIOWrapper may read through and close without closing the file."""

    def __init__(self, file):
        self._file = file

    def __getattr__(self, name):
        return getattr(self._file, name)

    def close(self) -> None:
        pass

    @property
    def closed(self) -> bool:
        return self._file.closed


def opened_inside(folder: str | os.PathLike, relative: object, what: str, *, limit: int) -> KeptFile:
    """The file a record names by `relative` inside `folder`, opened once: each folder on the way
    opened O_NOFOLLOW|O_DIRECTORY relative to the one before, the file O_NOFOLLOW relative to the
    last (a link anywhere on the way is refused, and nothing can be swapped in between a check and
    a read: every later read is of this descriptor); a regular file (fstat) of at most `limit`
    bytes, both checked before a byte is read. `folder` itself may be a link (a model folder kept
    elsewhere). RecordError naming the file otherwise."""
    parts = _parts(folder, relative, what)
    path = Path(folder)
    try:
        dir_fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError:
        raise RecordError(path, f"the folder of the {what} is missing") from None
    fd = -1
    try:
        for i, part in enumerate(parts):
            path = path / part
            last = i == len(parts) - 1
            flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC
            flags |= os.O_NONBLOCK if last else os.O_DIRECTORY  # (a FIFO never blocks the open)
            try:
                fd = os.open(part, flags, dir_fd=dir_fd)
            except OSError as e:
                raise _refusal(path, part, dir_fd, what, e) from None
            if not last:
                os.close(dir_fd)
                dir_fd, fd = fd, -1
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise RecordError(path, f"the {what} is not a regular file")
        if st.st_size > limit:
            raise RecordError(path, f"{st.st_size:,} bytes, more than any {what} w2vkit keeps ({limit:,})")
        file = os.fdopen(fd, "rb")
        fd = -1
        return KeptFile(path, file, st)
    finally:
        os.close(dir_fd)
        if fd >= 0:
            os.close(fd)


def _parts(folder, relative: object, what: str) -> tuple[str, ...]:
    from pathlib import PurePosixPath

    if not isinstance(relative, str) or not relative or "\\" in relative:
        raise RecordError(folder, f"the record names no {what} inside the folder")
    parts = PurePosixPath(relative).parts
    if PurePosixPath(relative).is_absolute() or any(p in ("..", ".") for p in parts):
        raise RecordError(folder, f"the {what} {relative!r} is not inside the folder")
    return parts


def _refusal(path: Path, part: str, dir_fd: int, what: str, error: OSError) -> RecordError:
    """Why an open inside the folder failed, in the door's words (O_NOFOLLOW's ELOOP is a link,
    whatever the name is by the time it is looked at again)."""
    if error.errno == errno.ELOOP:
        return RecordError(path, f"a link on the way to the {what}; w2vkit reads only files inside the folder")
    try:
        st = os.lstat(part, dir_fd=dir_fd)
    except OSError:
        return RecordError(path, f"the {what} is missing")
    # (a folder opened O_DIRECTORY|O_NOFOLLOW that is a folder again by now was a link: swapped meanwhile)
    swapped = error.errno == errno.ENOTDIR and stat.S_ISDIR(st.st_mode)
    if stat.S_ISLNK(st.st_mode) or swapped:
        return RecordError(path, f"a link on the way to the {what}; w2vkit reads only files inside the folder")
    if not stat.S_ISDIR(st.st_mode) and not stat.S_ISREG(st.st_mode):
        return RecordError(path, f"the {what} is not a regular file")
    return RecordError(path, f"the {what} cannot be read ({error.strerror})")


def kept_file(
    folder: str | os.PathLike,
    relative: object,
    sha256: object,
    *,
    what: str,
    limit: int,
    size: object = None,
    unrecorded: bool = False,
    rehash: bool = False,
) -> KeptFile:
    """The file a record names by `relative` inside `folder` (every file of a model folder: its
    vectors, vocabulary, record, n-grams, dropped words, views, members' files, items/ and dicts/
    files; an index's files), open by descriptor (opened_inside: no link on the way, a regular file
    of at most `limit` bytes: a bound every call gives), of the recorded `size` (when recorded),
    both checked before a byte is read, and its sha256 the recorded one, hashed from the same
    descriptor. RecordError naming the file otherwise. Close it (a context manager).

    unrecorded=True: a record without a checksum (a model saved before w2vkit recorded one) is
    believed after the other checks. rehash=True: hashed afresh, not from the stamp cache."""
    kept = opened_inside(folder, relative, f"{what} file", limit=limit)
    try:
        if isinstance(size, int) and not isinstance(size, bool) and kept.size != size:
            raise RecordError(kept.path, f"{kept.size:,} bytes where the record says {size:,}: the {what} file changed")
        if sha256 is None and unrecorded:
            return kept
        if not isinstance(sha256, str) or _digest(kept, rehash) != sha256:
            raise RecordError(kept.path, f"the {what} file does not match its checksum in the record")
    except BaseException:
        kept.close()
        raise
    return kept


def _digest(kept: KeptFile, rehash: bool) -> str:
    if rehash:
        kept.file.seek(0)
        h = hashlib.sha256()
        for chunk in iter(lambda: kept.file.read(HASH_BLOCK), b""):
            h.update(chunk)
        return h.hexdigest()
    return digest_of_open(kept.file, kept.path)


def kept_array(
    folder: str | os.PathLike,
    relative: object,
    sha256: object,
    *,
    what: str,
    limit: int,
    shape: tuple[int | None, ...] | None = None,
    dtype=None,
    mmap: bool = True,
    rehash: bool = False,
):
    """The .npy array a record names inside `folder`, through kept_file's door, all from one
    descriptor: numpy's header read and checked (a numeric dtype, the expected `shape` and `dtype`,
    a file exactly as long as the header and the data it declares) before a byte is hashed, then the
    recorded sha256, then the array read or memory-mapped. A 20 GB sparse file is refused from its
    size and header alone. RecordError naming the file otherwise."""
    from .records import array_header_of

    with opened_inside(folder, relative, f"{what} file", limit=limit) as kept:
        array_header_of(kept.file, kept.size, kept.path, f"{what} file", shape=shape, dtype=dtype)
        if not isinstance(sha256, str) or _digest(kept, rehash) != sha256:
            raise RecordError(kept.path, f"the {what} file does not match its checksum in the record")
        return kept.array(f"{what} file", shape=shape, dtype=dtype, mmap=mmap)


def kept_json(folder: str | os.PathLike, relative: object, what: str, *, limit: int | None = None):
    """The JSON record a folder keeps (a model's meta.json, an index's), through the door: no link
    on the way, at most `limit` bytes, read from the descriptor it was checked by, parsed as
    w2vkit.base.records.parse_json does."""
    from .records import MAX_RECORD_BYTES, parse_json

    with opened_inside(folder, relative, what, limit=MAX_RECORD_BYTES if limit is None else limit) as kept:
        try:
            text = kept.read_text()
        except UnicodeDecodeError:
            raise RecordError(kept.path, f"the {what} is not UTF-8 text") from None
        except OSError as e:
            raise RecordError(kept.path, f"the {what} cannot be read ({e.strerror})") from None
    return parse_json(text, str(kept.path), dict)


def inside(folder: str | os.PathLike, relative: object, what: str) -> tuple[Path, os.stat_result]:
    """The path a record names by `relative` inside `folder` and its lstat, when `relative` is a
    plain relative path (no "..", not absolute) and no part of the way from `folder` is a link (a
    member's folder, a file of the model); RecordError naming it otherwise."""
    parts = _parts(folder, relative, what)
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
