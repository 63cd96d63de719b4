"""The documents of a segmented corpus, and resamples of them (for `train --bootstrap`).

A finding from one text should say how much it would move had the text been another draw of the
same kind (Antoniak & Mimno 2018: a bootstrap over documents). The unit drawn is a document: a
chapter where the text has chapter headings (第…回, 第…章, CHAPTER …), else a block of K lines
(paragraphs), or each line. Documents are found on the segmented corpus (a line per paragraph), so
the corpus cache needs no second layout, and a resample is written by copying byte ranges of it:
the text is not segmented again.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ...base.choices import parse_unit
from ...errors import OptionError

UNITS = ("auto", "chapter", "paragraph", "lines:K")
# auto: chapters when the text has at least this many headings (a novel has ~100), else blocks
# of lines, this many documents in all (a bootstrap needs many units for its draws to differ).
MIN_CHAPTERS = 8
AUTO_BLOCKS = 200
# A heading: 第 + a number in Chinese or Arabic numerals + 回/章/节/卷 at the start of a line
# (tokens joined; after a 《book》 title, 正文, 目录 or 卷N as the novels' files have them), or
# "chapter" and a number in English (lowercased by segmentation).
_ZH_HEADING = re.compile(
    r"^(?:《[^》]{0,20}》)?(?:正文|目录|卷[〇零一二三四五六七八九十百千两0-9]{1,4})?"
    r"第[〇零一二三四五六七八九十百千两0-9０-９]{1,8}[回章节卷]"
)
MAX_HEADING_CHARS = 60  # a heading is a short line: prose that starts with 第…回 is not one
_EN_HEADING = re.compile(r"^chapter\s+(?:[0-9]+|[ivxlcdm]+|[a-z]+(?:[- ][a-z]+)?)\b")
MAX_UNIT_CHARS = 1_000_000  # iter_units: a paragraph or chapter longer than this is cut (bounded memory)


def is_heading(line: str) -> bool:
    joined = line.replace(" ", "")
    if len(joined) > MAX_HEADING_CHARS:
        return False
    return bool(_ZH_HEADING.match(joined)) or bool(_EN_HEADING.match(line))


@dataclass
class Documents:
    """Documents as runs of lines of a corpus file: document d is lines starts[d]..starts[d+1]-1,
    bytes offsets[starts[d]]..offsets[starts[d+1]]-1."""

    unit: str  # as chosen: chapter, paragraph or lines:K
    starts: np.ndarray  # first line of each document, and the number of lines last
    offsets: np.ndarray  # byte offset of each line, and the file's size last
    titles: list[str]  # a chapter's heading line (empty for other units)

    def __len__(self) -> int:
        return len(self.starts) - 1

    def describe(self) -> dict:
        return {"unit": self.unit, "documents": len(self), "lines": int(self.starts[-1])}


def find_documents(corpus: Path, unit: str = "auto") -> Documents:
    """The documents of a segmented corpus file by `unit` (see parse_unit). auto: chapters when
    there are at least MIN_CHAPTERS headings, else blocks of lines making about AUTO_BLOCKS."""
    kind, k = parse_unit(unit)
    offsets, headings, titles = [0], [], []
    with open(corpus, "rb") as f:
        for number, raw in enumerate(f):
            offsets.append(offsets[-1] + len(raw))
            if kind in ("auto", "chapter") and len(raw) < 4 * MAX_HEADING_CHARS:
                line = raw.decode("utf-8", "replace").strip()
                if is_heading(line):
                    headings.append(number)
                    titles.append(line.replace(" ", "") if not line.isascii() else line)
    lines = len(offsets) - 1
    offsets_arr = np.asarray(offsets, dtype=np.int64)
    if kind == "chapter" or (kind == "auto" and len(headings) >= MIN_CHAPTERS):
        if not headings:
            raise OptionError(
                f"{{unit}} chapter: {corpus} has no chapter headings (第…回, 第…章, CHAPTER …); use lines:K",
                "unit",
            )
        starts = ([0] if headings[0] > 0 else []) + headings
        if headings[0] > 0:
            titles = ["(before the first chapter)"] + titles
        return Documents("chapter", np.asarray(starts + [lines], dtype=np.int64), offsets_arr, titles)
    if kind == "paragraph":
        k = 1
    elif kind == "auto":
        k = max(1, math.ceil(lines / AUTO_BLOCKS))
    starts = list(range(0, lines, k)) + [lines]
    return Documents("paragraph" if k == 1 else f"lines:{k}", np.asarray(starts, dtype=np.int64), offsets_arr, [])


def draw_resample(documents: Documents, rng: np.random.Generator) -> np.ndarray:
    """As many documents as there are, drawn with replacement (a bootstrap sample), in order."""
    return np.sort(rng.integers(0, len(documents), size=len(documents)))


def write_resample(
    corpus: Path, documents: Documents, draw: np.ndarray, out: Path, on_write: Callable[[bytes], None] | None = None
) -> int:
    """The drawn documents' lines, each as many times as drawn, into out; the bytes written. Each
    piece written is handed to on_write too (training counts the resample's words as it is
    written, w2vkit.text.segmenting.corpusfile.WordCounts, rather than reading it again)."""
    written = 0
    with open(corpus, "rb") as src, open(out, "wb") as dst:
        for d in draw.tolist():
            start = int(documents.offsets[documents.starts[d]])
            end = int(documents.offsets[documents.starts[d + 1]])
            src.seek(start)
            data = src.read(end - start)
            if data and not data.endswith(b"\n"):
                data += b"\n"
            dst.write(data)
            if on_write is not None:
                on_write(data)
            written += len(data)
    return written


def iter_units(texts, unit: str, source: str = "the text"):
    """(first line number, text) of each line, paragraph (non-blank lines up to a blank one) or
    chapter (a heading line, 第…回 or CHAPTER …, up to the next; what comes before the first heading
    is a unit of its own) of an iterable of lines. Lines are kept whole and blank lines too (unit
    line), so rows match `search --in`'s; units are cut at MAX_UNIT_CHARS."""
    if unit == "line":
        yield from enumerate(texts, 1)
        return
    first: int | None = None
    held: list[str] = []
    size = headings = 0
    for number, text in enumerate(texts, 1):
        stripped = text.strip()
        starts = unit == "chapter" and len(stripped) <= 80 and is_heading(stripped)
        headings += starts
        if held and (starts or (unit == "paragraph" and not stripped) or size > MAX_UNIT_CHARS):
            yield first, " ".join(held)
            first, held, size = None, [], 0
        if stripped:
            first = number if first is None else first
            held.append(stripped)
            size += len(stripped)
    if held:
        yield first, " ".join(held)
    if unit == "chapter" and headings == 0:
        raise OptionError(
            f"{{unit}} chapter: {source} has no chapter headings (第…回, 第…章, CHAPTER …); index by line or paragraph",
            "unit",
        )
