"""Writing output files safely: the one place w2vkit writes a file a reader may see half-written.

A regular file is written to a temporary sibling, flushed to disk and renamed over the target, so
readers see the old content or the new, never a part, and an interrupted run leaves the old file.
A symlink is followed (its target is replaced, the link stays a link). A file that is replaced
keeps its permission bits (and, where this process may set them, its owner and group): they are
copied onto the temporary file before the rename, so a 0600 file stays 0600. A path that is not a
regular file (a pipe, /dev/stdout, a terminal, `>(cat)`) is streamed to: renaming over it would
replace a device node with a file. "-" is standard output.

Also here: refusing an output that would overwrite or sit inside one of the run's inputs. Every
model and text a run reads is recorded (`note_read`, called where models are loaded and texts
opened); every write checks its resolved target against them, so no output, through a link or
not, lands in something the command reads (links to elsewhere are still written through). A model's
own cache files are written by `write_own_file`, which never follows a link.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import stat
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from ..errors import OutputError

STDOUT = "-"
HASH_BLOCK = 1 << 20

# What this process reads: resolved paths of models and input texts (see the module docstring).
# The CLI starts each command with an empty set (reads_scope); a library caller's set grows, which
# only ever refuses more writes into what it has read.
_reads: set[Path] = set()


def note_read(path: str | os.PathLike) -> None:
    """Record that this run reads path (a model directory or an input file): no write may land in it."""
    if str(path) != STDOUT and os.path.exists(path):
        _reads.add(real_path(path))


@contextlib.contextmanager
def reads_scope() -> Iterator[None]:
    """What is read inside the block is forgotten after it (one CLI command is one scope)."""
    saved = set(_reads)
    _reads.clear()
    try:
        yield
    finally:
        _reads.clear()
        _reads.update(saved)


def check_not_read(output: str | os.PathLike, into: bool = False) -> None:
    """OutputError when output (resolved through links) is, holds or lies inside something this run
    reads. A file output that is an existing directory is left to the writer to refuse as such."""
    if str(output) == STDOUT or not _reads or (not into and os.path.isdir(output)):
        return
    why = input_conflict(output, sorted(_reads))
    if why:
        target = real_path(output)
        through = f" (it links to {target})" if os.path.islink(output) else ""
        raise OutputError(f"{output}: {why}{through}; this command reads it: write the output somewhere else")


def sha256_of(source) -> str:
    """The sha256 hex digest of a file, given by path or as an open binary file (read to its end
    and closed)."""
    import hashlib

    h = hashlib.sha256()
    with open(source, "rb") if isinstance(source, (str, os.PathLike)) else source as f:
        for chunk in iter(lambda: f.read(HASH_BLOCK), b""):
            h.update(chunk)
    return h.hexdigest()


def temp_sibling(path: Path) -> Path:
    """A hidden name beside path for writing it (`.NAME.tmp-PID`), removable once PID is gone."""
    return path.with_name(f".{path.name}.tmp-{os.getpid()}")


@contextlib.contextmanager
def atomic_output(path: str | os.PathLike, mode: str = "wb") -> Iterator[IO]:
    """Open path for writing as described in the module docstring; errors become OutputError."""
    if str(path) == STDOUT:
        check_stdout_open()
        yield sys.stdout.buffer if "b" in mode else sys.stdout
        return
    path = Path(path)
    kind = _existing_kind(path)
    if kind == "directory":
        raise OutputError(f"{path}: is a directory; give a file name")
    if kind == "special":  # stream: a pipe, a device, a terminal
        try:
            with open(path, mode) as f:
                yield f
        except OSError as e:
            raise _output_error(path, e) from e
        return
    check_not_read(path)
    target = Path(os.path.realpath(path))  # write through a symlink to what it points at
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise _output_error(target.parent, e) from e
    # what killed runs left beside this target (their process is gone)
    remove_stale(target.parent, f".{target.name}.tmp-*", lambda name: pid_suffix(name, ".tmp-"))
    with _replacing(target, mode, named=path, same_owner=kind == "file") as f:
        yield f


def check_stdout_open() -> None:
    """OutputError when standard output is closed (`>&-`): results must not vanish with exit 0."""
    if sys.stdout is None or sys.stdout.closed:
        raise OutputError("standard output is closed; the results could not be written (redirect it to a file)")


def check_writable(path: str | os.PathLike, into: bool = False) -> None:
    """OutputError now, before any work, when path (a file or directory to be created or replaced;
    with into=True, a folder to write files in) cannot be written: its nearest existing folder is
    read-only or not ours to write. A stream ("-", a pipe, a device) is checked when opened."""
    if str(path) == STDOUT or (os.path.exists(path) and _existing_kind(Path(path)) == "special"):
        return
    check_not_read(path, into)
    if into and os.path.lexists(path) and not os.path.isdir(path):
        return  # the caller says "exists and is not a directory"
    folder = real_path(path) if into else real_path(path).parent
    while not os.path.lexists(folder) and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir():
        raise OutputError(f"{path}: cannot write ({folder} is a file, not a folder); choose another place")
    if not os.access(folder, os.W_OK, effective_ids=os.access in os.supports_effective_ids):
        reason = "read-only file system" if _read_only_fs(folder) else "permission denied"
        raise OutputError(f"{path}: cannot write ({reason} at {folder}); choose a writable place")


def _read_only_fs(folder: Path) -> bool:
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):
        return False


def keep_ownership(existing: Path, replacement: Path) -> None:
    """Give replacement the permission bits of the existing file (and its owner and group where
    this process is allowed to set them), before it is renamed over it."""
    try:
        st = os.stat(existing)
    except FileNotFoundError:
        return
    os.chmod(replacement, stat.S_IMODE(st.st_mode))
    if hasattr(os, "chown"):
        with contextlib.suppress(PermissionError):  # only root may give a file away
            os.chown(replacement, st.st_uid, st.st_gid)


def real_path(path: str | os.PathLike) -> Path:
    """The absolute path with symlinks resolved (also for a path that does not exist yet)."""
    return Path(os.path.realpath(path))


def input_conflict(output: str | os.PathLike, inputs) -> str | None:
    """Why writing `output` would touch one of `inputs` (paths of files or directories; "-" and
    names that are no path are ignored), or None: the output is an input, holds one, or lies
    inside an input directory."""
    out = real_path(output)
    for raw in inputs:
        if str(raw) == STDOUT or not os.path.exists(raw):
            continue
        given = real_path(raw)
        if out == given:
            return f"is the input {raw}"
        if out in given.parents:
            return f"holds the input {raw}"
        if given in out.parents and os.path.isdir(given):
            return f"is inside the input directory {raw}"
    return None


def check_not_input(output: str | os.PathLike, inputs, what: str = "output") -> None:
    """Refuse (OutputError) to write `output` over, into or around one of the run's inputs."""
    if str(output) == STDOUT:
        return
    why = input_conflict(output, inputs)
    if why:
        raise OutputError(f"{output}: {why}; write the {what} somewhere else")


def is_stream(path: str | os.PathLike) -> bool:
    """Whether writing to path streams (stdout, a pipe, a device) rather than replacing a file."""
    return str(path) == STDOUT or _existing_kind(Path(path)) == "special"


def write_atomic(path: str | os.PathLike, data: bytes | str) -> None:
    with atomic_output(path, "wb") as f:
        f.write(data.encode("utf-8") if isinstance(data, str) else data)


def write_own_file(path: str | os.PathLike, data: bytes | str) -> None:
    """Write one of w2vkit's own files inside a folder it owns (a model's cache) atomically, never
    through a link: OutputError when path is a link or anything but a regular file, so a file a
    link points at is never replaced."""
    path = Path(path)
    if os.path.islink(path) or (os.path.lexists(path) and not stat.S_ISREG(os.lstat(path).st_mode)):
        raise OutputError(f"{path}: is a link or not a regular file; w2vkit does not write its cache through it")
    with _replacing(path, "xb", named=path) as f:
        f.write(data.encode("utf-8") if isinstance(data, str) else data)


@contextlib.contextmanager
def _replacing(target: Path, mode: str, *, named, same_owner: bool = False) -> Iterator[IO]:
    """A hidden file beside target, opened with `mode`, synced and renamed over target when the
    block ends without error (keeping target's owner when same_owner), removed whatever happens;
    an OSError becomes OutputError naming `named` (the path as the user gave it)."""
    tmp = temp_sibling(target)
    try:
        with open(tmp, mode) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        if same_owner:
            keep_ownership(target, tmp)
        os.replace(tmp, target)
    except OSError as e:
        raise _output_error(named, e) from e
    finally:
        # OSError, not just FileNotFoundError: on a read-only filesystem unlinking the temporary
        # file that could not be created fails with EROFS, which must not hide the real error.
        with contextlib.suppress(OSError):
            tmp.unlink()


def _existing_kind(path: Path) -> str | None:
    try:
        st = os.stat(path)  # follows symlinks
    except FileNotFoundError:
        return None
    except OSError as e:
        raise _output_error(path, e) from e
    if stat.S_ISDIR(st.st_mode):
        return "directory"
    if stat.S_ISREG(st.st_mode):
        return "file"
    return "special"


def _output_error(path: Path, e: OSError) -> OutputError:
    if e.errno == errno.ENOSPC:
        return OutputError(f"{path}: no space left on the device; free some space or choose another place")
    if e.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return OutputError(f"{path}: cannot write ({e.strerror}); choose a writable place")
    return OutputError(f"{path}: cannot write ({e.strerror or e})")


def publish_cached(tmp: Path, cache: Path, sound) -> None:
    """Move a finished cache folder `tmp` into place at `cache`. Another run may have built the same
    one meanwhile (the same key: the same inputs and options) and be reading it, on this machine or
    on a cluster's workers: one that `sound(cache)` finds sound is kept and ours dropped, never
    removed under its readers (replacing it did, and a worker's member lost its corpus mid-run)."""
    try:
        os.rename(tmp, cache)  # (atomic; fails when another run's folder is there)
        return
    except OSError as e:
        if e.errno not in (errno.ENOTEMPTY, errno.EEXIST):
            raise
    if not sound(cache):
        shutil.rmtree(cache, ignore_errors=True)
        os.rename(tmp, cache)


def pid_is_gone(pid: int) -> bool:
    """Whether no process has this id (a leftover of a killed run can be removed)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def remove_stale(directory: Path, pattern: str, pid_of) -> int:
    """Remove the leftovers matching pattern in directory whose owning process (pid_of(name), or
    None when not one of ours) has gone; the number removed."""

    removed = 0
    if not directory.is_dir():
        return 0
    for p in directory.glob(pattern):
        pid = pid_of(p.name)
        if pid is None or pid == os.getpid() or not pid_is_gone(pid):
            continue
        if p.is_dir() and not p.is_symlink():
            shutil.rmtree(p, ignore_errors=True)
        else:
            with contextlib.suppress(FileNotFoundError):
                p.unlink()
        removed += 1
    return removed


def pid_suffix(name: str, marker: str) -> int | None:
    """The PID in a name like `.staging-123` or `.x.tmp-123-456` (the number after marker)."""
    if marker not in name:
        return None
    digits = name.rsplit(marker, 1)[1].split("-")[0].split(".")[0]
    return int(digits) if digits.isdigit() else None


_stdin_copy: tuple[object, Path] | None = None  # (the stdin it copies, the copy)


def stdin_copy() -> Path:
    """Standard input, copied once (on first use, a block at a time) to a temporary file removed
    at exit, so that "-" is read as a file is: sampled for the built-in dictionary and new-word
    discovery, then segmented and hashed, with the same tokens as the file would give. The copy
    costs disk space equal to the input (in $TMPDIR). A new sys.stdin (a test runner's) gets a
    new copy."""
    global _stdin_copy
    if _stdin_copy is None or _stdin_copy[0] is not sys.stdin:
        import atexit
        import tempfile

        fd, name = tempfile.mkstemp(prefix="w2vkit-stdin-", suffix=".txt")
        atexit.register(lambda: Path(name).unlink(missing_ok=True))
        with os.fdopen(fd, "wb") as out:
            shutil.copyfileobj(sys.stdin.buffer, out, 1 << 20)
        _stdin_copy = (sys.stdin, Path(name))
    return _stdin_copy[1]


def file_stamps(paths) -> dict[str, tuple[int, int]]:
    """Size and modification time (ns) of each regular file among `paths` ("-" and streams left
    out), to tell afterwards whether one changed while it was being read."""
    stamps = {}
    for path in paths:
        try:
            st = os.stat(path)
        except OSError:
            continue
        if stat.S_ISREG(st.st_mode):
            stamps[str(path)] = (st.st_size, st.st_mtime_ns)
    return stamps


def check_unchanged(stamps: dict[str, tuple[int, int]]) -> None:
    """InputError naming the first file whose size or modification time differs from `stamps`:
    what was read is not what the file holds now, and a record of it would be wrong."""
    from ..errors import InputError

    for path, (size, mtime) in stamps.items():
        try:
            st = os.stat(path)
        except OSError:
            raise InputError(f"{path}: removed while it was being read; run again with the file in place") from None
        if (st.st_size, st.st_mtime_ns) != (size, mtime):
            what = f"{size:,} bytes, now {st.st_size:,}" if st.st_size != size else "modified"
            raise InputError(
                f"{path}: changed while it was being read ({what}); nothing was written, run again once it is complete"
            )
