"""Reading raw text corpora: finding input files, detecting their encoding, decoding them as a
stream, normalising the text and splitting it into sentences.

Everything here streams: a multi-GB file, even one with a single 100 MB line (text8), is read in
bounded blocks, never whole.
"""

from __future__ import annotations

import bz2
import codecs
import gzip
import hashlib
import io
import logging
import re
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, cast

from ...base.files import note_read, stdin_copy
from ...errors import BinaryInputError, DecodeError, EmptyInputError, InputNotFoundError, UsageError
from .datasets import BUILTIN_CORPORA, builtin_corpus
from .tables import EXPANSION_WARNING_AFTER, EXPANSION_WARNING_RATIO, is_table, parse_conditions, table_text
from .textnorm import normalise

TEXT_SUFFIXES = (".txt", ".txt.gz", ".txt.bz2")
STDIN = "-"

# Bytes read at a time; also the sample used to detect encoding and language.
BLOCK_BYTES = 1 << 20
# A compressed input's on-disk bytes are read in smaller blocks, so that what has been read of it
# follows the decompression closely (the expansion ratio and the progress are estimated from it).
COMPRESSED_BLOCK_BYTES = 1 << 16
# Text compresses 3-4x with gzip or bz2 (the novel 3.1x, Wikipedia 3.1x) and very repetitive
# text a few tens of times; past this ratio, once EXPANSION_WARNING_AFTER bytes of text have come
# out, an input is said on stderr to be a possible decompression bomb.
# (EXPANSION_WARNING_RATIO and EXPANSION_WARNING_AFTER: w2vkit.text.reading.tables, which reads tables)
# Before any of a compressed file has been read, its text is estimated at this many times its size.
TYPICAL_EXPANSION = 4

log = logging.getLogger(__name__)
_warned_expansions: set[str] = set()  # one warning per input, though a run may open it twice
# A "paragraph" longer than this (in characters) is cut, so one-line corpora stream.
MAX_PARAGRAPH_CHARS = 1 << 18


@dataclass
class InputFile:
    """One input: where to read it and the relative name its output gets."""

    path: str  # filesystem path, or "-" for stdin
    output_name: str  # relative path of the output .txt
    size: int = 0  # bytes on disk (0 for stdin)
    table: str | None = None  # for a table's text column (path: its copy in the cache), the table as given
    where: dict[str, str] | None = None  # the table's rows read: those whose COLUMN is VALUE

    @property
    def shown(self) -> str:
        """The input as the user named it (a table, not its text's copy in the cache)."""
        return self.table or self.path


def discover_inputs(
    paths: list[str], text_column: str = "text", where: dict[str, str] | None = None
) -> list[InputFile]:
    """Expand files and directories (recursively, by TEXT_SUFFIXES) into input files.

    Files given directly keep their base name; files under a directory keep their path relative to
    it, so the output tree mirrors the input tree. A table (TSV, CSV, JSON Lines; w2vkit.text.reading.tables)
    given directly is read as its `text_column`, a row a line (with `where`, COLUMN=VALUE
    conditions, only the rows that meet them; UsageError for an input that is not a table).
    """
    found: list[InputFile] = []
    for raw in paths:
        if raw == STDIN:
            found.append(InputFile(STDIN, "stdin.txt"))
            continue
        p = Path(raw)
        if not p.exists():
            p = _builtin_or_missing(raw)
        if p.is_dir():
            inside = sorted(
                f
                for f in p.rglob("*")
                if f.is_file()
                and f.name.lower().endswith(TEXT_SUFFIXES)
                and not any(part.startswith(".") for part in f.relative_to(p).parts)
            )
            if not inside:
                raise EmptyInputError(f"{raw}: directory holds no {', '.join(TEXT_SUFFIXES)} files")
            for inner in inside:
                found.append(InputFile(str(inner), output_name(inner.relative_to(p)), inner.stat().st_size))
        elif is_table(p):
            text, name = table_text(p, text_column, where), output_name(Path(p.name.split(".")[0]))
            found.append(InputFile(str(text), name, text.stat().st_size, str(p), parse_conditions(where) or None))
        elif where:
            raise UsageError(f"{{where}} chooses a table's rows; {raw} is not a table (TSV, CSV, JSON Lines)", "where")
        else:
            found.append(InputFile(str(p), output_name(Path(p.name)), p.stat().st_size))
    seen: dict[str, str] = {}
    for f in found:
        if f.output_name in seen:
            raise UsageError(
                f"{seen[f.output_name]} and {f.shown} would both be written as {f.output_name}; "
                "segment them in separate runs or rename one"
            )
        seen[f.output_name] = f.shown
    return found


def _builtin_or_missing(raw: str) -> Path:
    """A name of a built-in corpus (when no file of that name exists) gives its packaged path."""
    if raw in BUILTIN_CORPORA:
        return builtin_corpus(raw)
    if "/" in raw or "." in raw:
        raise InputNotFoundError(f"{raw}: no such file or directory")
    names = ", ".join(BUILTIN_CORPORA)
    raise InputNotFoundError(f"{raw}: no such file or directory, nor a built-in corpus ({names})")


def output_name(rel: Path) -> str:
    name = rel.name
    for suffix in (".gz", ".bz2"):
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
    if not name.lower().endswith(".txt"):
        name += ".txt"
    return str(rel.with_name(name).as_posix())


class HashingReader(io.RawIOBase):
    """Wraps a binary file: hashes and counts the on-disk bytes as they are read."""

    def __init__(self, raw: BinaryIO):
        self.raw = raw
        self.sha256 = hashlib.sha256()
        self.bytes_read = 0

    def readable(self):
        return True

    def readinto(self, buf):
        data = self.raw.read(len(buf))
        n = len(data)
        buf[:n] = data
        self.sha256.update(data)
        self.bytes_read += n
        return n

    def close(self):
        self.raw.close()
        super().close()


def is_compressed(path: str) -> bool:
    """Whether open_raw decompresses this input (.gz, .bz2)."""
    return path.lower().endswith((".gz", ".bz2"))


def expected_text_bytes(path: str, size_on_disk: int) -> int:
    """The text an input not opened yet will give: its size, times TYPICAL_EXPANSION when
    compressed (once open, DecodedStream.expected_text_bytes knows better)."""
    return size_on_disk * (TYPICAL_EXPANSION if is_compressed(path) else 1)


def open_raw(path: str) -> tuple[BinaryIO, HashingReader]:
    """Open a path (or stdin) for binary reading, decompressing .gz/.bz2 transparently."""
    if path == STDIN:  # a copy: read like a file, as often as a file is (files.stdin_copy)
        counter = HashingReader(open(stdin_copy(), "rb"))
    else:
        try:
            counter = HashingReader(open(path, "rb"))
        except OSError as e:
            raise InputNotFoundError(f"{path}: cannot read ({e.strerror})") from e
        note_read(path)
    lower = path.lower()
    buffered = io.BufferedReader(counter, buffer_size=COMPRESSED_BLOCK_BYTES if is_compressed(path) else BLOCK_BYTES)
    if lower.endswith(".gz"):
        return cast(BinaryIO, gzip.GzipFile(fileobj=buffered, mode="rb")), counter
    if lower.endswith(".bz2"):
        return cast(BinaryIO, bz2.BZ2File(buffered, mode="rb")), counter
    return buffered, counter


_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def detect_encoding(sample: bytes, path: str) -> str:
    """Guess the encoding of a file from its first bytes.

    BOMs decide first; then UTF-8 if the sample decodes (a multi-byte character cut at the end of
    the sample is allowed); then GB18030, a superset of GBK and GB2312, the usual encodings of
    Chinese text files. A NUL byte outside UTF-16 means the file is not text.
    """
    for bom, name in _BOMS:
        if sample.startswith(bom):
            return name
    if b"\x00" in sample:
        raise BinaryInputError(
            f"{path}: looks like a binary file (NUL byte at offset {sample.index(0)}); "
            "give a text file, or {encoding} if it is UTF-16 without a BOM",
            "encoding",
        )
    if _decodes(sample, "utf-8"):
        return "utf-8"
    if _mostly_utf8(sample):
        # A UTF-8 file with a damaged byte decodes as GB18030 too, into nonsense: not evidence.
        offset = _first_bad_offset(sample)
        line = sample.count(b"\n", 0, offset) + 1
        raise DecodeError(
            f"{path}:{line}: not valid UTF-8 at byte {offset:,}, though the "
            "rest is UTF-8; fix or remove that byte (or give {encoding} if the file is not UTF-8)",
            "encoding",
        )
    if _decodes(sample, "gb18030"):
        return "gb18030"
    raise DecodeError(
        f"{path}: not UTF-8, UTF-16 or GB18030 text (first bad byte at offset "
        f"{_first_bad_offset(sample)}); give the right one with {{encoding}}",
        "encoding",
    )


# This many valid UTF-8 multi-byte characters per invalid byte: UTF-8 with damage, not another
# encoding (GB18030 Chinese read as UTF-8 gives 0.3; 8 let short damaged UTF-8 lines through).
UTF8_EVIDENCE_RATIO = 2


def _mostly_utf8(sample: bytes) -> bool:
    text = codecs.getincrementaldecoder("utf-8")("replace").decode(sample, final=False)
    bad = text.count("\ufffd")
    good = sum(1 for ch in text if ord(ch) > 127) - bad
    return bad > 0 and good >= UTF8_EVIDENCE_RATIO * bad


def _decodes(sample: bytes, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    try:
        decoder.decode(sample, final=False)
    except UnicodeDecodeError:
        return False
    return True


def _first_bad_offset(sample: bytes) -> int:
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as e:
        return e.start
    return 0


@dataclass
class DecodedStream:
    """Blocks of decoded text from one input, with what was learnt while reading it."""

    path: str
    encoding: str
    counter: HashingReader
    _blocks: Generator[str, None, None] | None = field(repr=False, default=None)
    text_bytes: int = 0  # bytes of (decompressed) text decoded so far
    compressed: bool = False
    codec: str = ""  # the codec decoding it (encoding is its name as the manifest shows it)
    raw: BinaryIO | None = field(repr=False, default=None)

    def expected_text_bytes(self, size_on_disk: int) -> int:
        """The text this input will give, estimated from what it gave so far (a plain file: its
        size; a compressed one: its size times the expansion seen so far)."""
        read = self.bytes_read
        if not self.compressed or not (read and self.text_bytes):
            return max(self.text_bytes, expected_text_bytes(self.path, size_on_disk))
        return max(self.text_bytes, int(size_on_disk * self.text_bytes / read))

    def note_text(self, n: int) -> None:
        self.text_bytes += n
        if (
            self.compressed
            and self.path not in _warned_expansions
            and self.text_bytes >= EXPANSION_WARNING_AFTER
            and self.text_bytes >= EXPANSION_WARNING_RATIO * max(self.bytes_read, 1)
        ):
            _warned_expansions.add(self.path)
            log.warning(
                "warning: %s expands more than %d times (%s on disk gave %s of text so far; text usually "
                "expands 3-10 times): it may be a decompression bomb; press Ctrl-C to stop",
                self.path,
                EXPANSION_WARNING_RATIO,
                _size(self.bytes_read),
                _size(self.text_bytes),
            )

    @property
    def sha256(self) -> str:
        return self.counter.sha256.hexdigest()

    @property
    def bytes_read(self) -> int:
        return self.counter.bytes_read

    def blocks(self) -> Iterator[str]:
        """The decoded text after the first block (which open_text returned)."""
        assert self._blocks is not None
        return self._blocks

    def close(self) -> None:
        """Close the file (the decoding generator closes it), also when not read to the end."""
        if self._blocks is not None:
            self._blocks.close()

    def skip_rest(self) -> None:
        """Read the rest of the file without decoding it (others decode it: segmentation's workers
        on a cluster), so that its hash and size are known; then close it."""
        assert self.raw is not None
        try:
            while chunk := self.raw.read(BLOCK_BYTES):
                self.note_text(len(chunk))
        except (OSError, EOFError) as e:
            raise DecodeError(f"{self.path}: cannot read ({e})") from e
        finally:
            self.close()


def open_text(path: str, encoding: str | None = None) -> tuple[DecodedStream, str]:
    """Open an input and return its stream and the first decoded block (for language detection)."""
    fh, counter = open_raw(path)
    try:  # the file is closed on every error before the stream takes it over
        try:
            first = fh.read(BLOCK_BYTES)
        except (OSError, EOFError) as e:  # corrupt gzip / bz2
            raise DecodeError(f"{path}: cannot decompress ({e})") from e
        if not first:
            raise EmptyInputError(f"{path}: file is empty")
        if encoding is None:
            enc = detect_encoding(first, path)
        else:
            try:
                enc = codecs.lookup(encoding).name
            except LookupError as e:
                raise UsageError(f"unknown encoding {encoding!r}") from e
            if enc == "utf-8" and first.startswith(codecs.BOM_UTF8):
                enc = "utf-8-sig"
    except BaseException:
        fh.close()
        raise
    return decoded_stream(path, fh, first, enc, counter, _display_encoding(enc, first))


def decoded_stream(
    path: str, fh: BinaryIO, first: bytes, codec: str, counter: HashingReader, encoding: str, start: int = 0
) -> tuple[DecodedStream, str]:
    """A stream decoding `first` (read at offset `start` of the file) and the rest of fh, and its
    first block of text. encoding: the codec's name as the manifest shows it."""
    stream = DecodedStream(path, encoding, counter, codec=codec, raw=fh)
    stream.compressed = is_compressed(path)
    stream._blocks = _decode_blocks(fh, first, codec, path, stream, start)
    return stream, next(stream._blocks, "")


def _display_encoding(enc: str, first: bytes) -> str:
    if enc == "utf-16":
        return "utf-16-le" if first.startswith(codecs.BOM_UTF16_LE) else "utf-16-be"
    return enc


def _size(n: float) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:,} {unit}" if unit == "bytes" else f"{n:,.1f} {unit}"
        n /= 1024
    return ""


def _decode_blocks(
    fh, first: bytes, enc: str, path: str, stream: DecodedStream, start: int = 0
) -> Generator[str, None, None]:
    """The text of `first` and of the BLOCK_BYTES blocks read after it from fh (which it closes),
    a block at a time; `start`: the file offset of `first`, for error messages."""
    decoder = codecs.getincrementaldecoder(enc)("strict")
    consumed = start  # decompressed bytes handed to the decoder before the current chunk
    chunk = first
    try:
        while True:
            final = not chunk
            try:
                text = decoder.decode(chunk, final=final)
            except UnicodeDecodeError as e:
                pending = len(e.object) - len(chunk)
                offset = consumed - pending + e.start
                raise DecodeError(
                    f"{path}: invalid {enc} at byte {offset}; give the right one with {{encoding}} or fix the file",
                    "encoding",
                ) from e
            stream.note_text(len(chunk))
            if text:
                yield text
            if final:
                return
            consumed += len(chunk)
            try:
                chunk = fh.read(BLOCK_BYTES)
            except (OSError, EOFError) as e:
                raise DecodeError(f"{path}: cannot decompress ({e})") from e
    finally:
        fh.close()


def paragraphs(stream: DecodedStream, first_text: str, normalised: bool = True) -> Generator[str, None, None]:
    """Yield normalised lines (paragraphs) of a decoded stream (normalised=False: the caller
    normalises them, as segmentation's worker processes do).

    Lines are split at \\n, \\r\\n and \\r. A line longer than MAX_PARAGRAPH_CHARS is cut at its last
    space (or anywhere, if it has none) so memory stays bounded on one-line corpora.
    """
    norm = normalise if normalised else _same
    carry = ""
    for block in _chain(first_text, stream.blocks()):
        text = carry + block
        parts = text.splitlines()
        # The last part may continue in the next block unless the text ended with a newline.
        if text and text[-1] not in "\n\r":
            carry = parts.pop() if parts else ""
        else:
            carry = ""
        yield from (map(normalise, parts) if normalised else parts)
        while len(carry) > MAX_PARAGRAPH_CHARS:
            cut = carry.rfind(" ", 0, MAX_PARAGRAPH_CHARS)
            if cut <= 0:
                cut = MAX_PARAGRAPH_CHARS
            yield norm(carry[:cut])
            carry = carry[cut:]
    if carry:
        yield norm(carry)


def lines(stream: DecodedStream, first_text: str) -> Iterator[str]:
    """The lines of a decoded stream as `wc -l` and `sed -n Np` count them (split at "\n" only, a "\r"
    before it dropped, never cut, U+2028 kept), for outputs whose rows match them (embed, search)."""
    carry: list[str] = []  # a line's pieces until it ends, joined once (not copied at every block)
    for block in _chain(first_text, stream.blocks()):
        if "\n" not in block:
            carry.append(block)
            continue
        parts = block.split("\n")
        parts[0] = "".join(carry) + parts[0]
        carry = [parts.pop()]
        for part in parts:
            yield part[:-1] if part.endswith("\r") else part
    if last := "".join(carry):
        yield last[:-1] if last.endswith("\r") else last


def _same(text: str) -> str:
    return text


def _chain(first, rest):
    if first:
        yield first
    yield from rest


CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")
_LETTER = re.compile(r"[^\W\d_]")
# The one rule for "is this Chinese", for texts and for models: a share of CJK this high. Mixed
# Chinese text with English names and numbers stays well above it; English with a few quoted
# Chinese words stays far below.
CHINESE_SHARE = 0.3


def language_of(cjk: int, total: int) -> str:
    """'zh' when at least CHINESE_SHARE of `total` (letters, or words) are CJK, else 'en'."""
    return "zh" if total and cjk / total >= CHINESE_SHARE else "en"


def detect_language(sample: str) -> str:
    """The language of a text sample by the share of its letters that are CJK ideographs."""
    sample = sample[:200_000]
    return language_of(len(CJK.findall(sample)), len(_LETTER.findall(sample)))


# Split after sentence-final marks (full-width ones are ASCII after normalise, except 。 and …),
# keeping closing quotes and brackets with the sentence they close.
_SENTENCE_END_ZH = re.compile(
    r"""(?<=[。！？!?；;…])(?![。！？!?；;…”’」』）)"'])|(?<=[。！？!?；;…][”’」』）)"'])(?![”’」』）)"'])"""
)
_SENTENCE_END_EN = re.compile(r"(?<=[.!?;])[\"')\]]*\s+")


def split_sentences(paragraph: str, lang: str) -> list[str]:
    if lang == "zh":
        return _SENTENCE_END_ZH.split(paragraph)
    return _SENTENCE_END_EN.split(paragraph)
