"""The start of an input, read once and shared by the steps that look at it before segmenting:
built-in dictionary detection (w2vkit.text.segmenting.segment) and new-word discovery (w2vkit.text.segmenting.pipeline). The corpus
cache asks for it with ``digest=True`` as it hashes each input for its key, so the one read that
hashes the file also takes its start: a cache miss opens each raw input twice (this read and its
segmentation).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from .inputs import STDIN, open_text, paragraphs


@dataclass
class TextSample:
    """The start of an input, read once and shared by the steps that look at it before
    segmenting (built-in dictionary detection, new-word discovery)."""

    first: str  # the first decoded block, as open_text returns it
    paragraphs: list[str]  # the first paragraphs, until `chars` characters were taken
    chars: int
    complete: bool  # the paragraphs are the whole file
    sha256: str | None = None  # of the file's bytes on disk, when asked for (digest=True)

    @property
    def size(self) -> int:
        """Characters held (what the kept samples' budget counts)."""
        return len(self.first) + sum(len(p) for p in self.paragraphs)


_SAMPLES: dict[tuple, TextSample] = {}
# The samples kept, first come first kept: the steps after hashing look at the first inputs (the
# first 3 for dictionary detection, discovery's 2M characters from the first ones), so a run over
# thousands of files keeps those, not the last ones hashed.
SAMPLES_KEPT = 64
SAMPLES_KEPT_CHARS = 8_000_000


def text_sample(path: str, encoding: str | None = None, chars: int = 0, *, digest: bool = False) -> TextSample:
    """The first block and the first paragraphs (at least `chars` characters, or the whole file) of
    an input, read once per run: a second caller for the same unchanged file and no more characters
    is answered from memory rather than by opening the file again. With ``digest`` the rest of the
    file is read too (not decoded) for the sha256 of its bytes, in the same open."""
    key = None
    if path != STDIN:
        st = os.stat(path)
        key = (os.path.realpath(path), st.st_size, st.st_mtime_ns, encoding)
        kept = _SAMPLES.get(key)
        if kept is not None and (kept.complete or kept.chars >= chars) and (kept.sha256 or not digest):
            return kept
    stream, first = open_text(path, encoding)
    taken, found, complete = 0, [], True
    # Held here, not left to the loop: a generator dropped at the break is closed at once, and with
    # it the file, whose rest the hash still has to read.
    taking = paragraphs(stream, first)
    try:
        for para in taking:
            found.append(para)
            taken += len(para)
            if taken >= chars:
                complete = False
                break
        if digest and not complete:
            stream.skip_rest()  # (closes it; a complete sample read the whole file)
    finally:
        stream.close()
        taking.close()
    sample = TextSample(first, found, chars, complete, stream.sha256 if digest else None)
    if key is not None:
        _SAMPLES.pop(key, None)
        held = sum(s.size for s in _SAMPLES.values())
        if len(_SAMPLES) < SAMPLES_KEPT and held + sample.size <= SAMPLES_KEPT_CHARS:
            _SAMPLES[key] = sample
    return sample


def forget_samples() -> None:
    """Drop the kept samples (a run's steps before segmenting are done with them)."""
    _SAMPLES.clear()
