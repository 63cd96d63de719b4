"""The start of an input, read once and shared by the steps that look at it before segmenting:
built-in dictionary detection (w2vkit.segment) and new-word discovery (w2vkit.pipeline), which
each opened the file before (two opens of every raw input besides its hash and its segmentation).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from .corpus import STDIN, open_text, paragraphs


@dataclass
class TextSample:
    """The start of an input, read once and shared by the steps that look at it before
    segmenting (built-in dictionary detection, new-word discovery)."""

    first: str  # the first decoded block, as open_text returns it
    paragraphs: list[str]  # the first paragraphs, until `chars` characters were taken
    chars: int
    complete: bool  # the paragraphs are the whole file


_SAMPLES: dict[tuple, TextSample] = {}
SAMPLES_KEPT = 4  # files whose samples are kept (a run looks at each input's start in turn)


def text_sample(path: str, encoding: str | None = None, chars: int = 0) -> TextSample:
    """The first block and the first paragraphs (at least `chars` characters, or the whole file) of
    an input, read once per run: a second caller for the same unchanged file and no more characters
    is answered from memory rather than by opening the file again."""
    key = None
    if path != STDIN:
        st = os.stat(path)
        key = (os.path.realpath(path), st.st_size, st.st_mtime_ns, encoding)
        kept = _SAMPLES.get(key)
        if kept is not None and (kept.complete or kept.chars >= chars):
            return kept
    stream, first = open_text(path, encoding)
    taken, found, complete = 0, [], True
    try:
        for para in paragraphs(stream, first):
            found.append(para)
            taken += len(para)
            if taken >= chars:
                complete = False
                break
    finally:
        stream.close()
    sample = TextSample(first, found, chars, complete)
    if key is not None:
        while len(_SAMPLES) >= SAMPLES_KEPT:
            _SAMPLES.pop(next(iter(_SAMPLES)))
        _SAMPLES[key] = sample
    return sample
