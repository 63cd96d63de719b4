"""Byte ranges of a plain text file that segmentation's workers on a cluster read by path, each
decoding to exactly the paragraphs corpus.paragraphs gives for that stretch of the whole file.

Why they match: a range starts right after a b"\\n" byte, where the decoder holds no partial
character and no line is carried over (only encodings in which that byte is never part of another
character are split), and it is read on the whole file's grid of BLOCK_BYTES blocks, so each block
decodes to the same text and a line longer than MAX_PARAGRAPH_CHARS is cut at the same places
(tests/text/reading/test_ranges.py checks this on awkward files). A file with a line longer than SCAN_BYTES,
a compressed file or stdin is not split: the client reads it and sends its text.
"""

from __future__ import annotations

import codecs
import io
from collections.abc import Iterator
from typing import BinaryIO, cast

from . import inputs as corpus
from .inputs import DecodedStream, HashingReader, decoded_stream

# Codecs in which the byte b"\n" only ever stands for a newline (never inside a multi-byte
# character, as it can be in UTF-16): a range may start after any such byte.
SPLITTABLE_CODECS = frozenset(
    {"utf-8", "utf-8-sig", "gb18030", "gbk", "gb2312", "big5", "big5hkscs", "ascii", "iso8859-1", "cp1252"}
)
# How far past a range's intended end a newline is looked for; a file with a longer line is not split.
SCAN_BYTES = 4 << 20


def splittable(codec: str) -> bool:
    return codecs.lookup(codec).name in SPLITTABLE_CODECS


def plan_ranges(path: str, codec: str, size: int, range_bytes: int) -> list[tuple[int, int]] | None:
    """(start, end) byte ranges covering a plain file, each about range_bytes and ending right
    after a newline (the last one at the end of the file); None when the file cannot be split."""
    if not splittable(codec):
        return None
    spans = []
    start = 0
    with open(path, "rb") as f:
        while start < size:
            end = _next_line_start(f, start + range_bytes, size)
            if end is None:
                return None
            spans.append((start, end))
            start = end
    return spans


def _next_line_start(f, offset: int, size: int) -> int | None:
    """The offset just after the first newline at or after `offset` (the end of the file if there
    is none before it), or None if none comes within SCAN_BYTES."""
    if offset >= size:
        return size
    offset -= 1  # a newline just before `offset` makes `offset` itself a line start
    f.seek(offset)
    scanned = 0
    while scanned < SCAN_BYTES:
        chunk = f.read(min(1 << 16, SCAN_BYTES - scanned))
        if not chunk:
            return size
        at = chunk.find(b"\n")
        if at >= 0:
            return offset + scanned + at + 1
        scanned += len(chunk)
    return None


class _Slice(io.RawIOBase):
    """Bytes [start, end) of a file, then end of file."""

    def __init__(self, raw, start: int, end: int):
        raw.seek(start)
        self.raw, self.left = raw, end - start

    def readable(self):
        return True

    def readinto(self, buf):
        data = self.raw.read(min(len(buf), self.left))
        n = len(data)
        buf[:n] = data
        self.left -= n
        return n

    def close(self):
        self.raw.close()
        super().close()


def open_range(path: str, codec: str, start: int, end: int) -> tuple[DecodedStream, str]:
    """Bytes [start, end) of a plain file, decoded as open_text decodes the whole file: a stream
    and its first block of text (for corpus.paragraphs). OSError when it cannot be read: the
    caller, a worker, knows what that means there."""
    raw = open(path, "rb")
    counter = HashingReader(cast(BinaryIO, _Slice(raw, start, end)))
    fh = io.BufferedReader(counter, buffer_size=corpus.BLOCK_BYTES)
    if start > 0 and codecs.lookup(codec).name == "utf-8-sig":
        codec = "utf-8"  # the byte-order mark is at the start of the file only
    # The first read ends where the whole file's block does, so later blocks fall on its grid.
    first = fh.read(corpus.BLOCK_BYTES - start % corpus.BLOCK_BYTES)
    return decoded_stream(path, fh, first, codec, counter, codec, start)


def range_paragraphs(path: str, codec: str, start: int, end: int) -> Iterator[str]:
    """The paragraphs (not normalised) of bytes [start, end) of a plain file."""
    stream, first = open_range(path, codec, start, end)
    try:
        yield from corpus.paragraphs(stream, first, normalised=False)
    finally:
        stream.close()
