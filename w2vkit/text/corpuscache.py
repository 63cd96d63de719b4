"""The training corpus cache: raw inputs segmented (or segmented inputs re-wrapped) into one file
of space-separated tokens per line, kept under the cache folder by content hash and options so
that retraining with other hyperparameters skips segmentation.

The pass that writes the corpus also counts its bytes, lines and tokens, counts each word
(`counts.tsv`, in order of first appearance, as gensim's own scan gives them), hashes it and
detects its language, and records them in `corpus.json` beside it: training builds its vocabulary
from those counts instead of reading the corpus again (gensim's build_vocab_from_freq, as for a
corpus counted on a cluster), and a cached corpus whose size or hash no longer matches
(a disk error, an edit, a copy cut short) is named on stderr and built again.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from .. import __version__
from ..base.choices import DEFAULT_MAX_LINE_TOKENS
from ..base.env import CACHE_ENV, cache_root
from ..base.files import check_unchanged, file_stamps, pid_suffix, remove_stale, sha256_of
from ..errors import InputError, OutputError, UsageError
from .corpus import discover_inputs, open_text, paragraphs
from .corpusfile import CorpusSink, CorpusWriter, WordCounts
from .pipeline import hash_inputs, segment_into
from .segment import SegmentOptions, with_detected_dicts
from .textsample import forget_samples

log = logging.getLogger(__name__)

CORPUS = "corpus.txt"
CORPUS_STATS = "corpus.json"
NEW_WORDS = "new_words.json"
COUNTS = "counts.tsv"  # word<TAB>count, in order of first appearance
INPUTS = "inputs.json"


@dataclass
class PreparedCorpus:
    path: Path  # one plain-text file, a sentence of space-separated tokens per line
    inputs: list[dict]  # path and sha256 of each input
    segmentation: dict | None  # options, or None for --segmented input
    cached: bool
    seconds: float
    tokens: int
    language: str  # "zh" or "en"
    file_starts: list[int] | None = None  # the corpus line each input's text starts on (1-based)
    lines: int | None = None  # lines of the corpus (None: cached before they were recorded)

    @property
    def counts_path(self) -> Path | None:
        """The corpus's word counts (COUNTS), when the cache has them (corpora cached before 0.4.2 do not)."""
        path = self.path.parent / COUNTS
        return path if self.lines is not None and path.is_file() else None

    def word_counts(self):
        """(Counter of each word in order of first appearance, lines) from the cache, or None."""
        path = self.counts_path
        if path is None:
            return None
        counts: Counter = Counter()
        with open(path, encoding="utf-8") as f:
            for line in f:
                word, _, count = line.rstrip("\n").rpartition("\t")
                counts[word] = int(count)
        return counts, self.lines


def prepare_corpus(
    inputs: list[str],
    seg_options: SegmentOptions | None,
    jobs: int | None = None,
    progress: bool = False,
    max_line_tokens: int = DEFAULT_MAX_LINE_TOKENS,
    cluster: str | None = None,
) -> PreparedCorpus:
    """Segment raw inputs (or re-wrap segmented ones) into one cached corpus file for gensim;
    raw inputs on a Dask cluster when given one (the same corpus: the cache serves both)."""
    started = time.perf_counter()
    files = discover_inputs(inputs)
    if any(f.path == "-" for f in files):
        raise UsageError("train reads files, not stdin; save the text to a file first")
    stamps = file_stamps(f.path for f in files)  # (the key's hashes must be of the text segmented)
    # (raw input: hashed in the read that takes its start for dictionary detection and discovery)
    digests = hash_inputs(files, seg_options) if seg_options is not None else [sha256_of(f.path) for f in files]
    hashes = [{"path": f.path, "sha256": digest} for f, digest in zip(files, digests)]
    if seg_options is not None:
        seg_options = with_detected_dicts(seg_options, files)
    # (segmented input: lines are only re-cut at max_line_tokens; with seg_options, theirs applies)
    described = seg_options.describe() if seg_options else {"segmented": True, "max_line_tokens": max_line_tokens}
    # The version stands for the segmenting code: a release that changes its output must not reuse
    # corpora cached by the one before.
    key_src = json.dumps(
        {"inputs": [h["sha256"] for h in hashes], "options": described, "w2vkit": __version__}, sort_keys=True
    )
    key = hashlib.sha256(key_src.encode()).hexdigest()[:24]
    cache = cache_root() / "corpora" / key
    cached = _cached(cache)
    if cached is not None:
        log.debug("using cached corpus %s", cache / CORPUS)
        forget_samples()  # (kept for segmenting, which a cached corpus skips)
        stats, words_found = cached
        return _prepared(cache, hashes, described if seg_options else None, words_found, stats, True, started)
    # Corpora half-written by runs that were killed (their process is gone) go first.
    remove_stale(cache.parent, ".*.tmp-*", lambda name: pid_suffix(name, ".tmp-"))
    tmp = cache.with_name(f".{key}.tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        tmp.mkdir(parents=True)
    except OSError as e:
        raise OutputError(
            f"{cache_root()}: cannot write the corpus cache ({e.strerror}); set {CACHE_ENV} to a writable directory"
        ) from e
    new_words = []
    try:
        with CorpusWriter(tmp / CORPUS) as out:
            if seg_options is not None:
                sink = CorpusSink(out, files, tmp)
                _, discovered, _ = segment_into(files, sink, seg_options, jobs=jobs, progress=progress, cluster=cluster)
                new_words = [w.word for w in discovered]
                counts = sink.finish()
            else:
                counts = _rewrap_segmented(files, out, max_line_tokens)
        stats = out.stats()
        counts.write(tmp / COUNTS)
        check_unchanged(stamps)
        (tmp / NEW_WORDS).write_text(json.dumps(new_words, ensure_ascii=False), encoding="utf-8")
        (tmp / INPUTS).write_text(json.dumps(hashes, ensure_ascii=False, indent=2), encoding="utf-8")
        # the record last: a corpus without it is unfinished, and is built again
        (tmp / CORPUS_STATS).write_text(json.dumps(stats, indent=2), encoding="utf-8")
        shutil.rmtree(cache, ignore_errors=True)
        os.rename(tmp, cache)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return _prepared(cache, hashes, described if seg_options else None, new_words, stats, False, started)


def _prepared(cache, hashes, described, new_words, stats, cached, started) -> PreparedCorpus:
    return PreparedCorpus(
        cache / CORPUS,
        hashes,
        dict(described, new_words=new_words) if described is not None else None,
        cached,
        time.perf_counter() - started,
        stats["tokens"],
        stats["language"],
        stats.get("file_starts"),  # (corpora cached before 0.4.1 have none)
        stats.get("lines") if (cache / COUNTS).is_file() else None,
    )


def _cached(cache: Path) -> tuple[dict, list[str]] | None:
    """The record and discovered words of a sound cached corpus; None when there is none. A
    damaged one is said on stderr and removed, so that it is built again."""
    if not cache.exists():
        return None
    why = None
    try:
        stats = json.loads((cache / CORPUS_STATS).read_text(encoding="utf-8"))
        new_words = json.loads((cache / NEW_WORDS).read_text(encoding="utf-8"))
        if not _well_formed(stats) or not isinstance(new_words, list):
            why = "its records are damaged"
        elif (size := (cache / CORPUS).stat().st_size) != stats["bytes"]:
            why = f"{size:,} bytes where {stats['bytes']:,} were written"
        elif sha256_of(cache / CORPUS) != stats["sha256"]:
            why = "its content changed since it was written"
    except FileNotFoundError as e:
        why = f"{Path(e.filename).name} is missing"
    except (OSError, ValueError, UnicodeDecodeError) as e:
        why = f"it cannot be read ({getattr(e, 'strerror', None) or e})"
    if why is None:
        return stats, new_words
    log.warning("warning: the cached segmentation %s is damaged (%s); segmenting the text again", cache, why)
    shutil.rmtree(cache, ignore_errors=True)
    return None


def _well_formed(stats) -> bool:
    types = {"bytes": int, "tokens": int, "sha256": str, "language": str}
    return isinstance(stats, dict) and all(isinstance(stats.get(k), t) for k, t in types.items())


def _rewrap_segmented(files, out: CorpusWriter, cap: int) -> WordCounts:
    """Copy already-tokenised input, cutting lines longer than `cap` tokens (text8 is one line);
    the words' counts, taken as it is written."""
    counts = WordCounts()
    lines: list[str] = []

    def flush():
        data = ("\n".join(lines) + "\n").encode("utf-8")
        counts.add(data)
        out.write(data)
        lines.clear()

    for f in files:
        if lines:  # (flushed at each file, so that its first line is known)
            flush()
        out.start_file()
        stream, first = open_text(f.path)
        for para in paragraphs(stream, first):
            toks = para.split()
            for i in range(0, len(toks), cap):
                lines.append(" ".join(toks[i : i + cap]))
            if len(lines) >= 1024:
                flush()
    if lines:
        flush()
    counts.end_file("")
    if out.tokens == 0:
        raise InputError(f"{files[0].path}: no tokens found in the segmented input")
    return counts
