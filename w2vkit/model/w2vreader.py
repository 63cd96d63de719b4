"""Reading word2vec files fast: the source in large chunks (a memory map, or a ring of reusable
buffers for gzip), hashed on threads of their own, parsed (binary or text) straight into a
vectors.npy written as it goes. w2vkit.model.interop drives these for `w2vkit import`."""

from __future__ import annotations

import hashlib
import os
import re
import threading
from collections import deque
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import InputError

# The source is read in chunks of this size into a small ring of reusable buffers.
IMPORT_CHUNK_BYTES = 16 << 20


def blake3_of(path: Path) -> str:
    from blake3 import blake3

    h = blake3()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 22), b""):
            h.update(chunk)
    return h.hexdigest()


def decode_keys(keys: list[bytes], path: Path, first: int = 0) -> tuple[list[str], int]:
    """Keys as text, in one decode call when all are valid UTF-8 (the common case).

    word2vec writes '\n' after each vector, so keys after the first start with it. Keys cut
    mid-character (the C tool truncates at 50 bytes) or in another encoding are repaired with
    U+FFFD and counted. first: the index of keys[0] in the file, for messages."""
    if not keys:
        return [], 0
    bad = 0
    text = None
    try:
        # Keys hold no spaces (the format ends a key at one).
        text = b" ".join(keys).decode("utf-8").replace("\n", "")
        words = text.split(" ")
    except UnicodeDecodeError:
        words = []
        for key in keys:
            try:
                words.append(key.replace(b"\n", b"").decode("utf-8"))
            except UnicodeDecodeError:
                words.append(key.replace(b"\n", b"").decode("utf-8", errors="replace"))
                bad += 1
    if "" in words:
        raise InputError(
            f"{path}: vector {first + words.index('') + 1:,} has no word (a stray space or "
            "newline?); check the file, and that its header gives the right dimension"
        )
    if "\t" in (text if text is not None else "".join(words)):
        i = next(i for i, w in enumerate(words) if "\t" in w)
        raise InputError(
            f"{path}: the word of vector {first + i + 1:,} ({words[i]!r}) has a tab, which no "
            "w2vkit model can store; remove or replace it in the file"
        )
    if UNSTORABLE.search(text if text is not None else "".join(words)):
        i = next(i for i, w in enumerate(words) if UNSTORABLE.search(w))
        char = UNSTORABLE.findall(words[i])[0]
        raise InputError(
            f"{path}: the word of vector {first + i + 1:,} ({words[i]!r}) holds the control character "
            f"U+{ord(char):04X}, which would break the model's word list; remove or replace it in the file"
        )
    return words, bad


# Characters refused in imported words (C0 and C1 controls, DEL, the line and paragraph
# separators): a line-based vocabulary file, a terminal or a text editor would take them for line
# breaks or commands. Refused, not escaped, so a word is always spelt as in the source.
UNSTORABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _lower_priority() -> None:
    """Run the calling thread at a lower priority (Linux: threads have their own nice value).

    An import runs three busy threads on two cores: the parser, whose work is serial, and the
    ones writing and hashing behind it, which can wait. Left equal, the parser gets two thirds
    of a core and the whole import waits for it; niced, the others take what it leaves."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 5)
    except (AttributeError, OSError):
        pass


class BackgroundHash:
    """A hash (hashlib.sha256(), blake3()) fed on a thread of its own, in order: both release the
    GIL on large blocks. `write(block)`, if given, runs on that thread before the block is hashed.

    The caller leaves each block unchanged until hexdigest(). At most `depth` blocks wait, so a
    producer faster than the hash cannot pile up memory."""

    def __init__(self, hasher, depth: int = 3, write=None):
        from concurrent.futures import ThreadPoolExecutor

        self._hash = hasher
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="w2vkit-hash", initializer=_lower_priority)
        self._queued: deque = deque()
        self._depth = depth
        self._write = write

    def _consume(self, block) -> None:
        if self._write is not None:
            self._write(block)
        self._hash.update(block)

    def update(self, block) -> None:
        while len(self._queued) >= self._depth:
            self._queued.popleft().result()
        self._queued.append(self._pool.submit(self._consume, block))

    def hexdigest(self) -> str:
        while self._queued:
            self._queued.popleft().result()
        return self._hash.hexdigest()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._queued.clear()


class ChunkReader:
    """Reads a gzip file in large chunks, while another thread hashes the file on disk (the
    checksum users can compare).

    next(carry) returns (buffer, pos, end): buffer[pos:pos + len(carry)] holds the carried-over
    bytes (the unparsed tail of the previous chunk), then come the new ones up to end; nothing
    new means end of file, and eof is set once the buffer holds the file's last byte. Each chunk
    is a new buffer, freed when the parser is done with it. See MappedReader for uncompressed
    files.
    """

    def __init__(self, f, path: Path):
        from concurrent.futures import ThreadPoolExecutor

        self.f = f
        self.chunk_bytes = IMPORT_CHUNK_BYTES
        self.eof = False
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="w2vkit-hash", initializer=_lower_priority)
        self._digest = self._pool.submit(blake3_of, path)

    def next(self, carry) -> tuple[bytearray, int, int]:
        kept = len(carry)
        buf = bytearray(max(self.chunk_bytes, 4 * kept))  # room for a record longer than a chunk
        buf[:kept] = carry
        view = memoryview(buf)
        end = kept
        while end < len(buf) and not self.eof:
            got = self.f.readinto(view[end:])
            if not got:
                self.eof = True
            end += got or 0
        return buf, 0, end

    def source_blake3(self) -> str:
        return self._digest.result()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._pool.shutdown(wait=True, cancel_futures=True)


class MappedReader:
    """ChunkReader for an uncompressed file, without copying it: each chunk is a read-only
    memory map of the next window of the file, starting at the carried-over bytes, and is
    hashed on another thread as it is mapped.

    Saves read()'s copy of the whole file (1.2 GB: 0.15 s of the parser's thread, the busiest).
    A window is unmapped when parsed and hashed, so memory stays at a few windows.
    """

    def __init__(self, f):
        self.fd = f.fileno()
        self.size = os.fstat(self.fd).st_size
        self.chunk_bytes = IMPORT_CHUNK_BYTES
        from blake3 import blake3

        self.hash = BackgroundHash(blake3())
        self.mapped_to = 0  # file offset of the end of the last window; hashed up to there
        self.eof = self.size == 0

    def next(self, carry):
        import mmap

        if self.eof:
            return bytes(carry), 0, len(carry)
        start = self.mapped_to - len(carry)
        while 2 * len(carry) > self.chunk_bytes:  # a record longer than half a window
            self.chunk_bytes *= 2
        base = start - start % mmap.ALLOCATIONGRANULARITY
        length = min(start - base + self.chunk_bytes, self.size - base)
        if hasattr(mmap, "MAP_POPULATE"):  # map the cached pages now, not one fault at a time
            window = mmap.mmap(
                self.fd, length, flags=mmap.MAP_SHARED | mmap.MAP_POPULATE, prot=mmap.PROT_READ, offset=base
            )
        else:
            window = mmap.mmap(self.fd, length, access=mmap.ACCESS_READ, offset=base)
        self.hash.update(memoryview(window)[self.mapped_to - base :])
        self.mapped_to = base + length
        self.eof = self.mapped_to == self.size
        return window, start - base, length

    def source_blake3(self) -> str:
        return self.hash.hexdigest()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.hash.close()


class NpyWriter:
    """A new .npy file of little-endian float32 [n x dim], written and hashed (sha256) on a
    thread of its own, which leaves the parser's thread to parsing (measured faster than writing
    on the parser's thread with benchmarks/import.py).

    Plain writes into the page cache, not a memory map: no 1.2 GB of zeroed pages to map first
    (a cost of seconds, measured) and nothing counted in this process's memory. finish() returns
    the sha256 of the whole file. Every SYNC_BYTES a background fdatasync starts writing the file
    to disk, so the fsync that publishing a model needs finds little left to do (1.2 GB: 0.03 s
    instead of 0.5 s here; without it the whole import also used 0.9 s more CPU).
    """

    SYNC_BYTES = 128 << 20

    def __init__(self, path: Path, n: int, dim: int):
        import io

        self.shape = (n, dim)
        self.rows = 0
        header = io.BytesIO()
        np.lib.format.write_array_header_1_0(header, {"descr": "<f4", "fortran_order": False, "shape": (n, dim)})
        self.fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        self.unsynced = 0
        self.syncing: Any = None  # (a Future)
        self.sync_pool: Any = None  # (a ThreadPoolExecutor, started on the first sync)
        self._write(header.getvalue())
        self.first_non_finite: int | None = None  # the first row holding NaN or infinity
        self._checked = 0
        self.hash = BackgroundHash(hashlib.sha256(header.getvalue()), write=self._check_and_write)

    def append(self, rows: np.ndarray) -> None:
        """rows: float32 [k x dim]; the caller must not change them afterwards."""
        self._queue(len(rows), np.ascontiguousarray(rows, dtype="<f4").view(np.uint8).reshape(-1))

    def append_from(self, buf, end: int, starts: np.ndarray) -> None:
        """The rows whose little-endian bytes start at offsets `starts` of buf[:end]: one numpy
        gather, no Python work per row."""
        windows = np.lib.stride_tricks.sliding_window_view(np.frombuffer(buf, np.uint8, end), self.shape[1] * 4)
        self._queue(len(starts), windows[starts].reshape(-1))

    def _queue(self, rows: int, block: np.ndarray) -> None:
        self.hash.update(block)  # written, then hashed, on the hash's thread
        self.rows += rows
        self.unsynced += rows * self.shape[1] * 4
        if self.unsynced >= self.SYNC_BYTES and (self.syncing is None or self.syncing.done()):
            if self.sync_pool is None:
                from concurrent.futures import ThreadPoolExecutor

                self.sync_pool = ThreadPoolExecutor(1, thread_name_prefix="w2vkit-sync")
            self.syncing = self.sync_pool.submit(getattr(os, "fdatasync", os.fsync), self.fd)
            self.unsynced = 0

    def _check_and_write(self, block) -> None:
        """On the hash's thread (numpy releases the GIL): note the first row with NaN or
        infinity, which no query could score, then write the rows."""
        rows = np.frombuffer(block, "<f4").reshape(-1, self.shape[1])
        if self.first_non_finite is None:
            bad = ~np.isfinite(rows).all(axis=1)
            if bad.any():
                self.first_non_finite = self._checked + int(bad.argmax())
        self._checked += len(rows)
        self._write(block)

    def _write(self, data) -> None:
        view = memoryview(data)
        while view:
            view = view[os.write(self.fd, view) :]

    def finish(self) -> str:
        if self.rows != self.shape[0]:
            raise AssertionError(f"{self.rows} rows written for a {self.shape} file")
        return self.hash.hexdigest()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.hash.close()
        if self.sync_pool is not None:
            self.sync_pool.shutdown(wait=True)
        os.close(self.fd)


def parse_binary(reader: ChunkReader, buf, end: int, pos: int, path, out: NpyWriter, n: int, dim: int):
    """Records 'KEY VECTOR-BYTES' (each key after the first usually starts with '\n').

    Appends the vectors to out and yields the keys, a chunk at a time.

    The hot loop of an import, with no Python work per record: one regex scan returns a
    chunk's keys, their lengths give every vector's offset, and one numpy gather copies the
    vectors out (1M x 300: 0.15 s + 0.3 s, where a find-and-slice loop per record took 1.6 s).
    The regex cannot skip bytes: `[^ ]*` also matches an empty key, so from any position it
    either matches (a stray space shows up as an empty key) or has run out of chunk."""
    import re

    row_bytes = dim * 4
    record = re.compile(rb"([^ ]*) (?s:.{%d})" % row_bytes)
    done = 0
    while True:
        found = record.findall(buf, pos, end)[: n - done]
        if found:
            lengths = np.fromiter(map(len, found), dtype=np.intp, count=len(found))
            record_ends = pos + np.cumsum(lengths + (1 + row_bytes))
            out.append_from(buf, end, record_ends - row_bytes)
            done += len(found)
            pos = int(record_ends[-1])
            yield found
        if done == n:
            return
        carry = memoryview(buf)[pos:end]
        buf, pos, end = reader.next(carry)
        if end - pos == len(carry):
            raise InputError(
                f"{path}: truncated after {done:,} of {n:,} vectors; re-download the file or pass {{limit}}", "limit"
            )
        carry.release()


def parse_text(reader: ChunkReader, buf, end: int, pos: int, path, out: NpyWriter, n: int, dim: int):
    """Lines 'KEY X1 X2 ... Xdim' (word2vec text, fastText .vec): appends the vectors to out and
    yields the keys, a chunk at a time."""
    done = 0
    block = np.empty((min(n, 4096), dim), dtype=np.float32)
    filled = 0
    while done < n:
        last = buf.rfind(b"\n", pos, end)
        stop = end if reader.eof else (last + 1 if last >= pos else pos)
        lines = bytes(buf[pos:stop]).split(b"\n") if stop > pos else []
        if lines and not lines[-1]:
            lines.pop()
        keys: list[bytes] = []
        for line in lines[: n - done]:
            # (a tab separates fields too: no stored word holds one)
            parts = line.rstrip(b"\r").replace(b"\t", b" ").rstrip(b" ").split(b" ")
            line_no = done + len(keys) + 2
            if len(parts) != dim + 1:
                raise InputError(f"{path}:{line_no}: expected a word and {dim} numbers, got {len(parts) - 1} numbers")
            try:
                with np.errstate(over="ignore"):  # (a value past float32's range: named below as infinity)
                    block[filled] = np.array(parts[1:], dtype=np.float32)
            except ValueError as e:
                word = parts[0].decode("utf-8", errors="replace")
                raise InputError(f"{path}:{line_no}: not a number in the vector of {word!r}") from e
            keys.append(parts[0])
            filled += 1
            if filled == len(block):
                out.append(block)
                block = np.empty_like(block)  # the writer's thread may still be reading the last one
                filled = 0
        done += len(keys)
        if done == n and filled:
            out.append(block[:filled])
        yield keys
        if done == n:
            return
        if reader.eof:
            raise InputError(
                f"{path}: truncated after {done:,} of {n:,} vectors; re-download the file or pass {{limit}}", "limit"
            )
        carry = memoryview(buf)[stop:end]
        buf, pos, end = reader.next(carry)
        carry.release()
