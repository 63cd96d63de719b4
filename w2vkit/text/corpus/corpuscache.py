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

from ... import __version__
from ...base.choices import DEFAULT_MAX_LINE_TOKENS
from ...base.env import CACHE_ENV, cache_root
from ...base.files import check_unchanged, file_stamps, pid_suffix, publish_cached, remove_stale, sha256_of
from ...base.records import RecordError, read_json
from ...base.trust import confined, matches
from ...errors import InputError, OutputError, UsageError
from ..reading.inputs import discover_inputs, open_text, paragraphs
from ..reading.tables import table_line_numbers
from ..reading.textsample import forget_samples
from ..segmenting.corpusfile import CorpusSink, CorpusWriter, WordCounts
from ..segmenting.pipeline import hash_inputs, segment_into
from ..segmenting.segment import SegmentOptions, with_detected_dicts

log = logging.getLogger(__name__)

CORPUS = "corpus.txt"
CORPUS_STATS = "corpus.json"
NEW_WORDS = "new_words.json"
COUNTS = "counts.tsv"  # word<TAB>count, in order of first appearance
INPUTS = "inputs.json"
TEXT_LINES = "text_lines.npy"  # the line of its input each corpus line comes from (kwic -m: the raw file's numbers)


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
    sha256: str | None = None  # the corpus file's, as it was written
    bytes: int | None = None

    def record(self) -> dict:
        """What a model's meta.json keeps of its corpus file: where it is and what it held, so that
        `kwic -m` reads it only when it is still the text the model was trained on."""
        return {
            "cache": str(self.path),
            "cache_sha256": self.sha256,
            "cache_bytes": self.bytes,
            "cache_lines": self.lines,
        }

    @property
    def characters(self) -> bool:
        """Whether its tokens are characters (segmented with `--tokens chars`)."""
        return (self.segmentation or {}).get("tokens") == "chars"

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
        try:
            with open(path, encoding="utf-8") as f:
                for number, line in enumerate(f, 1):
                    word, _, count = line.rstrip("\n").rpartition("\t")
                    counts[word] = int(count)
                    if not word or counts[word] < 1:
                        raise ValueError(f"line {number}")
        except (ValueError, UnicodeDecodeError) as e:
            log.warning("warning: %s is damaged (%s); counting the corpus again", path, e)
            return None
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
    files = discover_inputs(
        inputs,
        seg_options.text_column if seg_options is not None else "text",
        seg_options.where if seg_options is not None else None,
    )
    if any(f.path == "-" for f in files):
        raise UsageError("train reads files, not stdin; save the text to a file first")
    stamps = file_stamps(f.path for f in files)  # (the key's hashes must be of the text segmented)
    # (raw input: hashed in the read that takes its start for dictionary detection and discovery)
    digests = hash_inputs(files, seg_options) if seg_options is not None else [sha256_of(f.path) for f in files]
    hashes = [{"path": f.path, "sha256": digest, **_table_of(f)} for f, digest in zip(files, digests)]
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
    new_words, text_lines = [], None
    try:
        with CorpusWriter(tmp / CORPUS) as out:
            if seg_options is not None:
                sink = CorpusSink(out, files, tmp)
                _, discovered, _ = segment_into(files, sink, seg_options, jobs=jobs, progress=progress, cluster=cluster)
                new_words = [w.word for w in discovered]
                counts = sink.finish()
                # (a table's text: each row named by its line in the table, as kwic --in names it)
                text_lines = sink.text_lines([table_line_numbers(f.path) if f.table else None for f in files])
            else:
                counts = _rewrap_segmented(files, out, max_line_tokens)
        stats = out.stats()
        stats["counts_sha256"] = counts.write(tmp / COUNTS)  # (hashed as it is written)
        if text_lines is not None and len(text_lines) == stats.get("lines"):
            stats["text_lines_sha256"] = _saved(tmp / TEXT_LINES, text_lines)
        check_unchanged(stamps)
        (tmp / NEW_WORDS).write_text(json.dumps(new_words, ensure_ascii=False), encoding="utf-8")
        (tmp / INPUTS).write_text(json.dumps(hashes, ensure_ascii=False, indent=2), encoding="utf-8")
        # the record last: a corpus without it is unfinished, and is built again
        (tmp / CORPUS_STATS).write_text(json.dumps(stats, indent=2), encoding="utf-8")
        publish_cached(tmp, cache, lambda folder: _cached(folder) is not None)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return _prepared(cache, hashes, described if seg_options else None, new_words, stats, False, started)


def _saved(path: Path, values) -> str:
    """`values` written as a .npy file at `path` (no pickle); its sha256, hashed as it is written."""
    import numpy as np

    from ...base.trust import HashedWriter

    with HashedWriter(path) as f:
        np.save(f, values, allow_pickle=False)
    return f.sha256


def text_lines(corpus: Path):
    """The line of its input each line of the cached `corpus` comes from (uint32, memory-mapped),
    believed only through the cache record's checksum (kept_array); None for a corpus that has no
    such map (a table, a line per sentence, segmented input, cached before it was kept) or whose
    map does not match."""
    import numpy as np

    from ...base.records import npy_bytes_at_most
    from ...base.trust import kept_array

    folder = corpus.parent
    try:
        stats = read_json(folder / CORPUS_STATS, "cache record")
        recorded = stats.get("text_lines_sha256") if isinstance(stats, dict) else None
        if recorded is None:
            return None
        lines = stats.get("lines")
        return kept_array(
            folder, TEXT_LINES, recorded, what="line map", shape=(lines,), dtype=np.uint32,
            limit=npy_bytes_at_most(lines, itemsize=4),
        )  # fmt: skip
    except (RecordError, OSError):
        return None


def _table_of(f) -> dict:
    """For a table's text: the table as given and its checksum (a model trained on it records
    them; its text's copy in the cache is only where it was read)."""
    if not f.table:
        return {}
    from ...base.trust import digest_of

    return {"table": f.table, "table_sha256": digest_of(f.table), **({"where": dict(f.where)} if f.where else {})}


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
        # (counts are believed only with their checksum, which _cached checked)
        stats.get("lines") if isinstance(stats.get("counts_sha256"), str) else None,
        stats["sha256"],
        stats["bytes"],
    )


def _cached(cache: Path) -> tuple[dict, list[str]] | None:
    """The record and discovered words of a sound cached corpus; None when there is none. A
    damaged one is said on stderr and removed, so that it is built again."""
    if not cache.exists():
        return None
    why = None
    try:
        stats = read_json(cache / CORPUS_STATS, "cache record")
        new_words = read_json(cache / NEW_WORDS, "cache record", expect=list)
        if not _well_formed(stats) or not isinstance(new_words, list):
            why = "its records are damaged"
        elif corpus_problem := matches(cache / CORPUS, stats["sha256"], stats["bytes"]):
            why = corpus_problem
        elif isinstance(stats.get("counts_sha256"), str) and (
            counts_problem := matches(cache / COUNTS, stats["counts_sha256"])
        ):
            why = f"{COUNTS}: {counts_problem}"
    except FileNotFoundError as e:
        why = f"{Path(e.filename).name} is missing"
    except RecordError as e:
        missing = e.reason.endswith(" is missing")
        why = f"{Path(e.where).name} is missing" if missing else f"it cannot be read ({e.reason})"
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


def model_corpus(model, part: str = "corpus") -> tuple[Path, list[tuple[int, str]] | None]:
    """The segmented corpus a model was trained on (its copy in the corpus cache) and where each of
    its inputs starts in it (None when the model does not record it: trained before 0.4.1); with
    part="background", the background it was read beside (w2vkit.training.background), likewise.

    The file is read only when it lies inside the corpus cache (links resolved) and still holds what
    was written: the size and sha256 the model recorded (models saved before 0.5.0: those the
    cache's own record gives). Anything else (a meta.json naming /etc/passwd, an edited or
    replaced cache) is a UsageError saying to give the text with {source}; nothing of the file
    named is shown."""
    where = Path(model.path) / "meta.json"
    record = model.meta.get(part) or {}
    corpus = record.get("cache")
    if not corpus and part != "corpus" and record.get("model"):
        raise UsageError(f"{model.path}: its background is a model's vectors, which hold no passages to show")
    if not corpus and part != "corpus":
        raise UsageError(f"{model.path}: the model was not trained with a background (train --background)")
    if not corpus:
        raise UsageError(
            f"{model.path}: the model records no training corpus (imported?); give {{source}} FILE", "source"
        )
    # (a corpus file of the cache's own: corpora/KEY/corpus.txt for text, items/KEY/corpus.txt for item
    # sequences; never the stamps, tables or anything else under the cache root)
    root = cache_root() / ("items" if model.meta.get("items") else "corpora")
    if not Path(corpus).is_file():
        raise UsageError(
            f"{corpus}: the segmented text {model.path} was trained on is gone from the cache (cleared, or "
            "another machine); give the original text with {source} FILE, or train again to cache it",
            "source",
        )
    why = confined(corpus, root)
    if why is None and (Path(corpus).name != CORPUS or Path(corpus).resolve().parent.parent != root.resolve()):
        why = f"it is not a corpus file of the cache ({root}/KEY/{CORPUS})"
    stats: dict = {}
    if why is None:
        sha256, size = record.get("cache_sha256"), record.get("cache_bytes")
        if sha256 is None:  # (saved before the model kept the checksum: the cache's record, if sound)
            stats_path = Path(corpus).parent / CORPUS_STATS
            try:
                if confined(stats_path, root) is None:
                    stats = read_json(stats_path, "cache record")
            except RecordError:
                stats = {}
            stats = stats if _well_formed(stats) else {}
            sha256, size = stats.get("sha256"), stats.get("bytes")
        why = matches(corpus, sha256, size)
    if why is not None:
        raise UsageError(
            f"{where}: {part}.cache names a file w2vkit will not read ({why}); give the text with {{source}} FILE",
            "source",
        )
    starts, inputs = record.get("file_starts"), record.get("inputs") or []
    lines = record.get("cache_lines", stats.get("lines"))
    if starts:
        bad = starts[0] != 1 or any(b <= a for a, b in zip(starts, starts[1:]))
        if bad or (isinstance(lines, int) and starts[-1] > lines + 1):
            raise UsageError(
                f"{where}: field '{part}.file_starts' should rise from 1 within the corpus's lines; "
                "give the text with {source} FILE, or retrain",
                "source",
            )
    files: list[tuple[int, str]] | None
    if starts and len(starts) == len(inputs):
        files = list(zip(starts, (i.get("table") or i["path"] for i in inputs)))
    elif len(inputs) == 1:
        files = [(1, inputs[0].get("table") or inputs[0]["path"])]
    else:  # (trained before the corpus cache recorded where each input starts)
        files = [(1, f"one of {len(inputs)} inputs")] if inputs else None
    return Path(corpus), files
