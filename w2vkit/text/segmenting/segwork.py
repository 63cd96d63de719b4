"""The work of one segmentation worker (a local process of w2vkit.base.workers, or a Dask worker of
w2vkit.base.cluster): a batch of paragraphs sent to it, or a byte range of a file it reads by path and
segments into a shard file beside the run's outputs (w2vkit.text.reading.ranges)."""

from __future__ import annotations

import os
import socket
from array import array
from collections import Counter
from dataclasses import dataclass, field

from ...errors import ClusterError
from ..reading.ranges import range_paragraphs
from ..reading.textnorm import normalise
from .segment import BATCH_CHARS, SegmentOptions, Tokenizer


@dataclass
class BatchResult:
    text: str
    lines: int
    tokens: int
    vocabulary: set | Counter  # distinct tokens, with counts when auditing
    shard: str | None = None  # for a RangeTask: the file holding the text (text is then "")
    # the lines each paragraph gave, in order (Tokenizer.counted_lines); None: not known
    given: array | None = field(default_factory=lambda: array("I"))


@dataclass(frozen=True)
class RangeTask:
    """Bytes [start, end) of a plain file, to segment into the file `shard`."""

    path: str
    codec: str
    lang: str
    start: int
    end: int
    shard: str


_worker_options: SegmentOptions | None = None
_worker_counts = False
_worker_tokenizers: dict[str, Tokenizer] = {}


def init_worker(options: SegmentOptions, with_counts: bool):
    global _worker_options, _worker_counts
    _worker_options = options
    _worker_counts = with_counts
    _worker_tokenizers.clear()


def _tokenizer(lang: str) -> Tokenizer:
    tok = _worker_tokenizers.get(lang)
    if tok is None:
        assert _worker_options is not None, "init_worker sets the options first"
        tok = _worker_tokenizers[lang] = Tokenizer(_worker_options, lang)
    return tok


def segment_work(item: tuple[str, list[str]] | RangeTask) -> BatchResult:
    """A (lang, paragraphs) batch or a RangeTask, segmented."""
    return segment_range(item) if isinstance(item, RangeTask) else segment_batch(item)


def segment_batch(batch: tuple[str, list[str]]) -> BatchResult:
    lang, paras = batch
    paras = [normalise(p) for p in paras]
    tok = _tokenizer(lang)
    out_lines = []
    n_tokens = 0
    found, given = tok.counted_lines(paras)
    for toks in found:
        out_lines.append(" ".join(toks))
        n_tokens += len(toks)
    text = "\n".join(out_lines) + "\n" if out_lines else ""
    # Distinct tokens are collected here, in parallel: counting every token in the parent
    # process made it the bottleneck (hashing 1.5M fresh strings), and merging per-batch Counters
    # is a Python loop; a set union is a C loop over far fewer items. Counts only for --audit.
    words = text.split()
    vocabulary = Counter(words) if _worker_counts else set(words)
    return BatchResult(text, len(out_lines), n_tokens, vocabulary, None, None if given is None else array("I", given))


def segment_range(task: RangeTask) -> BatchResult:
    """The task's bytes read by path, segmented in batches of BATCH_CHARS as the client would
    send them, written to task.shard (whole or not at all: a task run again after its worker died
    rewrites it)."""
    total = BatchResult("", 0, 0, Counter() if _worker_counts else set(), task.shard)
    partial = f"{task.shard}.{os.getpid()}.part"
    try:
        with open(partial, "w", encoding="utf-8", newline="\n") as out:
            batch, size = [], 0
            for para in range_paragraphs(task.path, task.codec, task.start, task.end):
                batch.append(para)
                size += len(para)
                if size >= BATCH_CHARS:
                    _add(total, segment_batch((task.lang, batch)), out)
                    batch, size = [], 0
            _add(total, segment_batch((task.lang, batch)), out)
        os.replace(partial, task.shard)
    except OSError as e:
        raise ClusterError(
            f"{task.path}: a worker on {socket.gethostname()} cannot read it or write its shard {e.filename} "
            f"({e.strerror}); "
            "the workers must see the inputs and the output folder at the same paths (a shared filesystem)"
        ) from None
    finally:
        if os.path.exists(partial):
            os.unlink(partial)
    return total


def _add(total: BatchResult, part: BatchResult, out) -> None:
    out.write(part.text)
    total.lines += part.lines
    total.tokens += part.tokens
    if total.given is not None and part.given is not None:
        total.given.extend(part.given)
    else:
        total.given = None
    if isinstance(total.vocabulary, Counter):
        total.vocabulary.update(part.vocabulary)
    else:
        total.vocabulary |= set(part.vocabulary)
