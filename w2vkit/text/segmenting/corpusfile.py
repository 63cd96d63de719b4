"""The training corpus file as one pass writes it: segmented text streamed in from segmentation's
workers (CorpusSink) or re-wrapped segmented input, counted as it arrives (WordCounts, the one loop
that counts words) and written once (CorpusWriter: bytes, lines, tokens, sha256 and the language of
its start, on the way).

The glue split (w2vkit.text.segmenting.glue) needs the whole text's counts before it can rewrite a token, and
phrases (w2vkit.text.segmenting.phrases) need a pass to learn before they join, so the text they will rewrite is
held in a spool (memory up to SPOOL_BYTES, then an unnamed temporary file in the cache folder) and
written to the corpus file once, rewritten, at the end: the novel's segmented text touches the disk
once, where it was written to a staging folder, read to count, rewritten, read again to copy.
"""

from __future__ import annotations

import hashlib
import tempfile
from array import array
from collections import Counter
from pathlib import Path
from typing import IO

from ...errors import EmptyInputError
from ..reading.inputs import InputFile, detect_language
from .glue import counts_after, find_glued, split_glued_text
from .phrases import phrase_passes

LANGUAGE_SAMPLE_BYTES = 1 << 20
COPY_BLOCK = 1 << 22
# Segmented text held in memory for the glue split before it goes to disk: a novel's is ~2.5 MB,
# a 300 MB Chinese dump's ~400 MB and spills to a temporary file (written and read once more).
SPOOL_BYTES = 256 << 20


class WordCounts:
    """Each word's count, in order of first appearance (as gensim's own scan of the corpus gives
    them), with the Chinese inputs' counts apart (the glue split judges those alone). Counted as
    gensim's reader splits (str.split of the decoded text), a token cut by a block's end held back
    (an ASCII whitespace byte is always a character boundary in UTF-8, so the pieces are whole)."""

    def __init__(self):
        self.words: Counter = Counter()
        self.zh: Counter = Counter()
        self._file: Counter = Counter()
        self._carry = b""
        self.lines = 0  # newlines seen

    def add(self, data: bytes) -> None:
        self.lines += data.count(b"\n")
        data = self._carry + data
        self._carry = b""
        if data and not data[-1:].isspace():
            cut = max(data.rfind(c) for c in (b" ", b"\n", b"\t", b"\r", b"\x0b", b"\x0c"))
            data, self._carry = data[: cut + 1], data[cut + 1 :]
        self._file.update(data.decode("utf-8", errors="replace").split())

    def end_file(self, lang: str) -> None:
        """The file counted since the last call is done: its counts join the whole corpus's (in
        file order, so first appearances stay in order) and, for Chinese text, the Chinese ones."""
        if self._carry:
            self._file.update(self._carry.decode("utf-8", errors="replace").split())
            self._carry = b""
        self.words.update(self._file)
        if lang == "zh":
            self.zh.update(self._file)
        self._file = Counter()

    def write(self, path: Path) -> str:
        """word<TAB>count lines, in order of first appearance; their sha256, hashed as they are
        written (not read back)."""
        digest = hashlib.sha256()
        with open(path, "wb") as f:
            block: list[str] = []
            for word, count in self.words.items():
                block.append(f"{word}\t{count}\n")
                if len(block) >= 4096:
                    data = "".join(block).encode("utf-8")
                    f.write(data)
                    digest.update(data)
                    block.clear()
            data = "".join(block).encode("utf-8")
            f.write(data)
            digest.update(data)
        return digest.hexdigest()


class CorpusWriter:
    """The corpus file being written, with what one pass over it tells: bytes, tokens (runs of
    non-whitespace, as gensim splits lines), lines, the line each input starts on, sha256 and the
    language of its first MB."""

    def __init__(self, path: Path):
        self.path = path
        self.hash = hashlib.sha256()
        self.bytes = self.tokens = self.lines = 0
        self.file_starts: list[int] = []
        self.sample = bytearray()
        self.in_token = False  # whether the last byte written was part of a token

    def __enter__(self):
        self.file = open(self.path, "wb")
        return self

    def __exit__(self, *exc):
        self.file.close()

    def write(self, data: bytes) -> None:
        if not data:
            return
        try:
            self.file.write(data)
        except OSError as e:  # (a write names no file: a full disk would say nothing of where)
            raise OSError(e.errno, e.strerror, str(self.path)) from e
        self.hash.update(data)
        self.bytes += len(data)
        self.lines += data.count(b"\n")
        tokens = len(data.split())
        if tokens and self.in_token and not data[:1].isspace():
            tokens -= 1  # a token cut by the block boundary was counted in the block before
        self.tokens += tokens
        self.in_token = not data[-1:].isspace()
        if len(self.sample) < LANGUAGE_SAMPLE_BYTES:
            self.sample += data[: LANGUAGE_SAMPLE_BYTES - len(self.sample)]

    def start_file(self) -> None:
        """The next input's text starts here (a file's segmented text ends with a newline)."""
        self.file_starts.append(self.lines + 1)

    def stats(self) -> dict:
        language = detect_language(self.sample.decode("utf-8", errors="ignore"))
        return {
            "bytes": self.bytes,
            "tokens": self.tokens,
            "sha256": self.hash.hexdigest(),
            "language": language,
            "file_starts": self.file_starts,
            "lines": self.lines,
        }


class CorpusSink:
    """Segmentation's output (w2vkit.text.segmenting.pipeline.SegmentSink) going into the corpus file: counted as it
    arrives, written straight to the file until a step that rewrites the text needs it (the glue
    split from the first Chinese input on, phrases from the start), spooled from there and written
    once, rewritten, when the steps are done."""

    jobs = 0
    audit = False

    def __init__(self, out: CorpusWriter, files: list[InputFile], work_dir: Path):
        self.out, self.files, self.work_dir = out, files, work_dir
        self.shard_dir = work_dir / ".shards"
        self.counts = WordCounts()
        self.tokens = [0] * len(files)  # as the workers count them: an input with none is refused
        self.given: list[array | None] = [array("I") for _ in files]  # (the lines each paragraph gave)
        self.spool: IO[bytes] | None = None
        self.spooled: list[tuple[str, int]] = []  # (language, lines) of each input in the spool
        self._current: tuple[int, str] | None = None
        self._spool_from_zh = self._spool_from_start = False

    def _new_spool(self) -> IO[bytes]:
        return tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES, mode="w+b", dir=str(self.work_dir))

    def begin(self, options) -> None:
        self._spool_from_zh = options.split_name_verb and not options.user_dicts
        self._spool_from_start = bool(options.phrases)

    def add(self, idx: int, lang: str, result) -> None:
        if self._current is None or self._current[0] != idx:
            self._start_file(idx, lang)
        self.tokens[idx] += result.tokens
        known = self.given[idx]
        if known is not None and result.given is not None:
            known.extend(result.given)
        else:
            self.given[idx] = None
        if result.shard:  # a range a cluster's worker segmented into a file
            with open(result.shard, "rb") as shard:
                for block in iter(lambda: shard.read(COPY_BLOCK), b""):
                    self._write(block)
            Path(result.shard).unlink()
        else:
            self._write(result.text.encode("utf-8"))

    def _start_file(self, idx: int, lang: str) -> None:
        self._end_file()
        self._current = (idx, lang)
        if self.spool is None and (self._spool_from_start or (self._spool_from_zh and lang == "zh")):
            self.spool = self._new_spool()
        if self.spool is None:
            self.out.start_file()
        else:
            self.spooled.append((lang, 0))

    def _write(self, data: bytes) -> None:
        self.counts.add(data)
        if self.spool is None:
            self.out.write(data)
            return
        lang, lines = self.spooled[-1]
        self.spooled[-1] = (lang, lines + data.count(b"\n"))
        try:
            self.spool.write(data)
        except OSError as e:  # (spilled to an unnamed file: name its folder)
            raise OSError(e.errno, e.strerror, str(self.work_dir)) from e

    def _end_file(self) -> None:
        if self._current is not None:
            self.counts.end_file(self._current[1])
            self._current = None

    def close(self) -> None:
        """The last batch is in: the inputs' counts are complete; an input with no token is refused."""
        self._end_file()
        check_tokens(self.files, self.tokens)

    def split_glued(self, protected: frozenset) -> None:
        """Split the glued names (w2vkit.text.segmenting.glue) in the spooled Chinese text as it is written out,
        judged on the counts taken as it came in; the counts are carried over, not taken again."""
        if self.spool is None or not self.counts.zh:
            return
        split = find_glued(self.counts.zh, protected)
        self.counts.words = counts_after(self.counts.words, split, self.counts.zh)
        self.counts.zh = counts_after(self.counts.zh, split)
        if not self._spool_from_start:  # (phrases, if any, rewrite it after this)
            self._replay(self.out, split)
            return
        spool = self._new_spool()
        self._replay(spool, split)
        self.spool = spool

    def join_phrases(self, passes: int, scoring: str, threshold: float | None) -> None:
        """Join collocations (w2vkit.text.segmenting.phrases) over the spooled text, every pass learning from the
        last one's output; the last pass writes the corpus file and the counts are taken as it does."""
        assert self.spool is not None

        def sentences():
            assert self.spool is not None
            self.spool.seek(0)
            for line in self.spool:
                yield line.decode("utf-8").split()

        for k, join in enumerate(phrase_passes(sentences, passes, scoring, threshold)):
            last = k == passes - 1
            next_spool = None if last else self._new_spool()
            target: CorpusWriter | IO[bytes] = self.out if next_spool is None else next_spool
            if last:
                self.counts = WordCounts()
            spool = self.spool
            assert spool is not None
            spool.seek(0)
            for lang, lines in self.spooled:
                if last:
                    self.out.start_file()
                for _ in range(lines):
                    data = (join(spool.readline().decode("utf-8")) + "\n").encode("utf-8")
                    if last:
                        self.counts.add(data)
                    target.write(data)
                if last:
                    self.counts.end_file(lang)
            spool.close()
            self.spool = next_spool

    def text_lines(self, maps=None):
        """The line of its input (1-based) that each line of the corpus comes from, as uint32, or
        None where it is not known (a line per sentence). Glued names and phrases are split and
        joined within lines, so the lines the workers wrote are the corpus's. `maps`: for each
        input, the number its own lines stand for (a table's text: each row's line in the table),
        or None (its lines are its numbers); one that does not fit its input: None."""
        known = [k for k in self.given if k is not None]
        if len(known) < len(self.given):
            return None
        import numpy as np

        maps = maps or [None] * len(known)
        if any(m is not None and len(m) != len(k) for m, k in zip(maps, known)):
            return None
        parts = [
            np.repeat(np.arange(1, len(k) + 1, dtype=np.uint32) if m is None else np.asarray(m, np.uint32),
                      np.frombuffer(k, np.uint32))
            for k, m in zip(known, maps)
        ]  # fmt: skip
        return np.concatenate(parts) if parts else np.zeros(0, np.uint32)

    def finish(self) -> WordCounts:
        """Write out what is still spooled (no step rewrote it); the corpus's word counts."""
        if self.spool is not None:
            self._replay(self.out, {})
        return self.counts

    def _replay(self, target, split: dict[str, str]) -> None:
        """Copy the spool to target (the corpus file, or a new spool), splitting glued forms in the
        Chinese inputs' text."""
        assert self.spool is not None
        self.spool.seek(0)
        pending: list[bytes] = []
        for lang, lines in self.spooled:
            if target is self.out:
                self.out.start_file()
            left = lines
            while left:
                block = pending or self.spool.readlines(COPY_BLOCK)
                block, pending = block[:left], block[left:]
                left -= len(block)
                data = b"".join(block)
                if split and lang == "zh":
                    text, _ = split_glued_text(data.decode("utf-8"), split)
                    data = text.encode("utf-8")
                target.write(data)
        rest = b"".join(pending) + self.spool.read()  # (a last line with no newline)
        if rest:
            if split and self.spooled[-1][0] == "zh":
                rest = split_glued_text(rest.decode("utf-8"), split)[0].encode("utf-8")
            target.write(rest)
        self.spool.close()
        self.spool = None
        if target is self.out:
            self.spooled = []


def check_tokens(files: list[InputFile], tokens: list[int]) -> None:
    """An input segmented to no token is refused (empty, or only punctuation)."""
    for f, n in zip(files, tokens):
        if n == 0:
            raise EmptyInputError(f"{f.path}: no tokens found (empty, or only punctuation)")
