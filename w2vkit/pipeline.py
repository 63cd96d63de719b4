"""Segmenting files: inputs in, a folder of segmented files and manifest.json out.

Work is spread over processes in order-preserving, bounded batches, so output is identical
whatever ``jobs`` is and memory stays flat on multi-GB input. Files are staged in a hidden folder
and published at the end, so an interrupted run leaves earlier results untouched. Without a
dictionary, the text's own new words are found first (w2vkit.discover) and names glued to a
neighbour are split afterwards (find_glued).
"""

from __future__ import annotations

import functools
import logging
import os
import shutil
import time
from collections import Counter, deque
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import BinaryIO

from . import __version__
from .cluster import ITEMS_PER_TASK, Cluster
from .corpus import (
    STDIN,
    DecodedStream,
    InputFile,
    discover_inputs,
    expected_text_bytes,
    open_text,
    paragraphs,
)
from .discover import SAMPLE_CHARS, discover_words
from .env import default_jobs
from .errors import EmptyInputError, OptionError
from .files import check_unchanged, file_stamps
from .glue import split_glued_in_files
from .limits import check_number
from .phrases import join_phrases
from .progress import progress_bar
from .ranges import plan_ranges
from .segment import (
    BATCH_CHARS,
    SegmentOptions,
    Tokenizer,
    read_stopwords,
    read_user_dict,
    to_simplified,
    with_detected_dicts,
)
from .segoutput import check_segment_output, make_staging, publish_outputs
from .segwork import RangeTask, init_worker, segment_work
from .textsample import text_sample
from .workers import ordered_map

log = logging.getLogger(__name__)

# On a cluster the workers read plain files by path (w2vkit.ranges), in ranges of the files' total
# size / (RANGES_PER_THREAD x worker threads), within these bounds: enough ranges to keep every
# worker busy to the end, few enough that the scheduler's work per range does not show.
RANGES_PER_THREAD = 16
MIN_RANGE_BYTES = 512 << 10
MAX_RANGE_BYTES = 32 << 20


@dataclass
class FileReport:
    path: str
    output: str
    sha256: str
    encoding: str
    lang: str
    bytes: int
    lines: int
    tokens: int


@dataclass
class SegmentResult:
    outdir: str
    files: list[FileReport]
    lines: int
    tokens: int
    distinct_tokens: int
    seconds: float
    counts: Counter = field(repr=False)  # token counts and tokens no dictionary
    unknown: Counter = field(repr=False)  # knows, both filled only when audit=True
    new_words: list = field(default_factory=list)  # w2vkit.discover.NewWord found in the text

    def top_unknown(self, n: int) -> list[tuple[str, int]]:
        return self.unknown.most_common(n)

    def to_dict(self, audit: bool = False) -> dict:
        """The run as `segment --format json` prints it (with the count of unknown tokens when
        audited)."""
        record = {
            "outdir": str(self.outdir),
            "files": [{"path": f.path, "output": f.output, "lines": f.lines, "tokens": f.tokens} for f in self.files],
            "lines": self.lines,
            "tokens": self.tokens,
            "distinct_tokens": self.distinct_tokens,
            "seconds": round(self.seconds, 3),
            "new_words": [w.word for w in self.new_words],
        }
        if audit:
            record["unknown_tokens"] = len(self.unknown)
        return record


def segment_corpus(
    inputs: list[str],
    outdir: str | os.PathLike,
    options: SegmentOptions = SegmentOptions(),  # noqa: B008 (frozen: immutable)
    *,
    jobs: int | None = None,
    progress: bool = False,
    audit: bool = False,
    cluster: str | None = None,
) -> SegmentResult:
    """Segment every input file into ``outdir`` (mirroring the inputs) and write manifest.json.

    The batches run in ``jobs`` local processes or, given a cluster, on its workers, with the
    same output either way. Outputs appear only when the whole run succeeded: files are staged in
    a hidden directory and moved into place at the end, so an interrupted run leaves earlier
    results untouched.

    Parameters
    ----------
    inputs : list of str
        Files, directories (read recursively) or built-in corpus names; "-" for stdin.
    outdir : str or Path
        The output folder: new, empty, or one w2vkit segmented into.
    options : SegmentOptions
        How to segment.
    jobs : int, optional
        Local processes (None: all cores).
    progress : bool
        A progress bar on stderr.
    audit : bool
        Count every token (the result lists the most frequent unknown ones).
    cluster : str, optional
        A Dask scheduler's address (tcp://host:8786) or local:N.

    Returns
    -------
    SegmentResult
        Per file: its output, encoding, language, lines and tokens; the words discovery found.

    Raises
    ------
    InputError
        An input missing, binary, undecodable or empty, named with its line.
    OutputError
        An output folder that holds something w2vkit did not make.
    ClusterError
        A cluster that cannot be reached.

    Examples
    --------
    >>> result = segment_corpus(["xiyouji"], "segmented")  # doctest: +SKIP
    >>> result.files[0].tokens  # doctest: +SKIP
    365846
    """
    if isinstance(inputs, (str, os.PathLike)):  # a path would be read as its characters
        raise OptionError("{inputs} must be a list of paths, not one path", "inputs")
    check_number("jobs", jobs)
    started = time.perf_counter()
    files = discover_inputs(inputs)
    outdir = Path(outdir)
    check_segment_output(outdir, inputs, files)
    with ExitStack() as stack:
        if cluster:  # reached before any work starts: an unreachable address fails at once
            workers = stack.enter_context(Cluster(cluster))
            jobs = workers.threads
            mapper = functools.partial(workers.ordered_map, weight=_task_weight)
            range_bytes = range_size(files, jobs)
        else:
            jobs = jobs or default_jobs()
            mapper = functools.partial(ordered_map, jobs=jobs)
            range_bytes = None
        return _segment_files(files, outdir, options, jobs, mapper, range_bytes, progress, audit, started)


def range_size(files: list[InputFile], threads: int) -> int:
    """The size of the ranges a cluster's workers read (see RANGES_PER_THREAD)."""
    total = sum(f.size for f in files if f.path != STDIN)
    return min(max(total // (RANGES_PER_THREAD * threads), MIN_RANGE_BYTES), MAX_RANGE_BYTES)


def _task_weight(item) -> int:
    """A range is a Dask task of its own; batches the client sends go ITEMS_PER_TASK to a task."""
    return ITEMS_PER_TASK if isinstance(item, RangeTask) else 1


def _segment_files(files, outdir: Path, options, jobs, mapper, range_bytes, progress, audit, started: float):
    stamps = file_stamps(f.path for f in files)  # (an input changed while read is refused at the end)
    options, discovered = _prepare_options(files, options)
    staging = make_staging(outdir)
    batches = Batches(files, options, range_bytes, staging / ".shards")
    # The bar counts (decompressed) text: a compressed input's share is estimated as it is read.
    bar = progress_bar(batches.expected_text_bytes(), progress, "segment", unit="B", binary=True)
    try:
        run = _StagedOutputs(files, staging, audit)
        for result in mapper(segment_work, batches, initializer=init_worker, initargs=(options, audit)):
            idx, mark = batches.done.popleft()
            run.add(idx, batches.langs[idx], result)
            if bar is not None:
                bar.total = max(batches.expected_text_bytes(), mark)
                bar.update(max(0, mark - bar.n))
        run.close()
        if options.split_name_verb and not options.user_dicts:
            run.split_glued(frozenset(options.new_words))
        if options.phrases:
            run.join_phrases(options.phrases, options.phrase_scoring, options.phrase_threshold)
        reports = run.reports(batches.streams)
        if bar is not None:
            bar.close()
            bar = None
        vocabulary = run.vocabulary()
        result = SegmentResult(
            str(outdir),
            reports,
            sum(r.lines for r in reports),
            sum(r.tokens for r in reports),
            len(vocabulary),
            time.perf_counter() - started,
            vocabulary if audit else Counter(),
            _unknown_tokens(vocabulary, options) if audit else Counter(),
            discovered,
        )
        check_unchanged(stamps)
        publish_outputs(staging, outdir, [r.output for r in reports], build_manifest(result, options, jobs))
        return result
    finally:
        if bar is not None:
            bar.close()
        shutil.rmtree(staging, ignore_errors=True)


def _prepare_options(files: list[InputFile], options: SegmentOptions) -> tuple[SegmentOptions, list]:
    """The options for these files: built-in dictionaries the text asks for, checked up front
    (for a clean error in this process), and the text's own new words when no dictionary applies."""
    options = with_detected_dicts(options, files)
    for name in options.user_dicts:
        read_user_dict(name)
    read_stopwords(options.stopwords)
    discovered: list = []
    if options.discover and not options.user_dicts and not options.new_words and options.lang != "en":
        discovered = discover_new_words(files, options)
        options = replace(options, new_words=tuple(w.word for w in discovered))
    return options, discovered


class Batches:
    """Iterates (lang, paragraphs) batches of ~BATCH_CHARS over the files in order, for the
    workers; with range_bytes, a plain file that can be split is given as RangeTasks of about that
    size instead, which the workers read themselves, each writing its text to a file in shard_dir.
    For each item yielded, `done` gets (file index, bytes of text decoded so far over all files),
    which the consumer pops as the item's result comes back (results come back in order)."""

    def __init__(self, files: list[InputFile], options: SegmentOptions, range_bytes=None, shard_dir=None):
        self.files, self.options = files, options
        self.range_bytes, self.shard_dir = range_bytes, shard_dir
        self.done: deque = deque()
        self.streams: dict[int, DecodedStream] = {}
        self.langs: dict[int, str] = {}
        self._iter = self._generate()

    def __iter__(self):
        return self._iter

    def expected_text_bytes(self) -> int:
        """The text all the files will give: decoded so far, or estimated (corpus.DecodedStream)."""
        return sum(
            self.streams[idx].expected_text_bytes(f.size)
            if idx in self.streams
            else expected_text_bytes(f.path, f.size)
            for idx, f in enumerate(self.files)
        )

    def _generate(self):
        done_bytes = 0
        for idx, f in enumerate(self.files):
            stream, first = open_text(f.path, self.options.encoding)
            lang = self.options.language_of(first)
            self.streams[idx], self.langs[idx] = stream, lang
            spans = self._ranges(f, stream)
            if spans:
                for n, (start, end) in enumerate(spans):
                    self.done.append((idx, done_bytes + end))
                    # Absolute paths: a worker elsewhere does not share this process's directory.
                    shard = os.path.abspath(self.shard_dir / f"{idx}-{n}.txt")
                    yield RangeTask(os.path.abspath(f.path), stream.codec, lang, start, end, shard)
                stream.skip_rest()  # its hash and size, for the manifest, while the workers work
                done_bytes += stream.text_bytes
                continue
            buf, size = [], 0
            # Normalising is left to the workers: in the parent it was a fifth of the work of the
            # process that feeds and drains both workers.
            for para in paragraphs(stream, first, normalised=False):
                buf.append(para)
                size += len(para)
                if size >= BATCH_CHARS:
                    self.done.append((idx, done_bytes + stream.text_bytes))
                    yield lang, buf
                    buf, size = [], 0
            self.done.append((idx, done_bytes + stream.text_bytes))
            yield lang, buf
            done_bytes += stream.text_bytes

    def _ranges(self, f: InputFile, stream) -> list[tuple[int, int]] | None:
        if not self.range_bytes or f.path == STDIN or stream.compressed:
            return None
        spans = plan_ranges(f.path, stream.codec, f.size, self.range_bytes)
        if spans:
            self.shard_dir.mkdir(exist_ok=True)
        return spans


class _StagedOutputs:
    """The segmented files being written under the staging folder, one open at a time, with each
    file's line and token counts and the vocabulary (with counts when auditing), the Chinese files'
    apart from the others' (the glue split below recounts the Chinese ones)."""

    def __init__(self, files: list[InputFile], staging: Path, audit: bool):
        self.files, self.staging, self.audit = files, staging, audit
        self.lines: Counter = Counter()
        self.tokens: Counter = Counter()
        self.langs: dict[int, str] = {}
        # Counters with --audit; else sets (which words occur is all that is needed, and a set
        # union is far cheaper than merging Counters; see segwork.segment_batch)
        self.zh_vocabulary: Counter | set = Counter() if audit else set()
        self.other_vocabulary: Counter | set = Counter() if audit else set()
        self._open: tuple[int, BinaryIO] | None = None

    def add(self, idx: int, lang: str, result) -> None:
        if self._open is None or self._open[0] != idx:
            self.close()
            target = self.staging / self.files[idx].output_name
            target.parent.mkdir(parents=True, exist_ok=True)
            self._open = (idx, open(target, "wb"))
            self.langs[idx] = lang
        if result.shard:  # a range a worker segmented into a file
            with open(result.shard, "rb") as shard:
                shutil.copyfileobj(shard, self._open[1], 1 << 20)
            os.unlink(result.shard)
        else:
            self._open[1].write(result.text.encode("utf-8"))
        self.lines[idx] += result.lines
        self.tokens[idx] += result.tokens
        vocabulary = self.zh_vocabulary if lang == "zh" else self.other_vocabulary
        if self.audit:
            vocabulary.update(result.vocabulary)
        else:
            vocabulary |= result.vocabulary

    def close(self) -> None:
        if self._open is not None:
            self._open[1].close()
            self._open = None

    def split_glued(self, protected: frozenset) -> None:
        """Split names glued to a neighbour in the Chinese outputs (see find_glued). With a user
        dictionary its words are unglued as they are cut (_unglue) and this pass, measured, changed
        nothing on the novel; without one it is the only defence, at the cost of a second read of
        the Chinese output (+50% time)."""
        zh = [i for i, lang in self.langs.items() if lang == "zh"]
        if not zh:
            return
        counts, added = split_glued_in_files([self.staging / self.files[i].output_name for i in zh], protected)
        for idx, n in zip(zh, added):
            self.tokens[idx] += n
        self.zh_vocabulary = counts if self.audit else set(counts)

    def join_phrases(self, passes: int, scoring: str = "default", threshold: float | None = None) -> None:
        """Join collocations in all the outputs (see join_phrases); counts are recomputed."""
        paths = [self.staging / self.files[i].output_name for i in sorted(self.langs)]
        counts, tokens = join_phrases(paths, passes, scoring, threshold)
        for i, n in zip(sorted(self.langs), tokens):
            self.tokens[i] = n
        self.zh_vocabulary = counts if self.audit else set(counts)
        self.other_vocabulary = Counter() if self.audit else set()

    def vocabulary(self):
        """All the outputs' words: a Counter with --audit, else a set."""
        return self.zh_vocabulary + self.other_vocabulary if self.audit else self.zh_vocabulary | self.other_vocabulary

    def reports(self, streams: dict) -> list[FileReport]:
        out = []
        for idx, f in enumerate(self.files):
            if self.tokens[idx] == 0:
                raise EmptyInputError(f"{f.path}: no tokens found (empty, or only punctuation)")
            s = streams[idx]
            out.append(
                FileReport(
                    f.path,
                    f.output_name,
                    s.sha256,
                    s.encoding,
                    self.langs[idx],
                    s.bytes_read,
                    self.lines[idx],
                    self.tokens[idx],
                )
            )
        return out


def discover_new_words(files: list[InputFile], options: SegmentOptions) -> list:
    """New words of the Chinese inputs (w2vkit.discover), from a sample of their first
    SAMPLE_CHARS characters, taken from each file in turn."""
    started = time.perf_counter()
    per_file = max(SAMPLE_CHARS // max(len(files), 1), 100_000)
    parts, total = [], 0
    for f in files:
        if total >= SAMPLE_CHARS:
            continue
        sample = text_sample(f.path, options.encoding, per_file)  # (read once with dictionary detection)
        if options.language_of(sample.first) != "zh":
            continue
        taken = 0
        for para in sample.paragraphs:
            parts.append(para)
            taken += len(para)
            if taken >= per_file or total + taken >= SAMPLE_CHARS:
                break
        total += taken
    if not parts:
        return []
    text = "\n".join(parts).lower()
    if options.to_simplified:
        text = to_simplified(text)
    tokenizer = Tokenizer(replace(options, new_words=()), "zh")
    words = discover_words(text, known=tokenizer.is_known)
    if words:
        log.info(
            "found %d new words in the text (%s%s; --no-discover to stop)",
            len(words),
            " ".join(w.word for w in words[:8]),
            " …" if len(words) > 8 else "",
        )
    log.debug("new-word discovery on %d characters: %.2f s", total, time.perf_counter() - started)
    return words


def _unknown_tokens(counts: Counter, options: SegmentOptions) -> Counter:
    """Chinese tokens of 2+ characters that neither jieba's nor the user's dictionaries hold."""
    tok = Tokenizer(options, "zh")
    return Counter({w: c for w, c in counts.items() if len(w) > 1 and not w.isascii() and not tok.is_known(w)})


def build_manifest(result: SegmentResult, options: SegmentOptions, jobs: int) -> dict:
    return {
        "w2vkit_version": __version__,
        "engine_version": _engine_version(options.engine),
        "options": options.describe(),
        "jobs": jobs,
        "inputs": [asdict(r) for r in result.files],
        "lines": result.lines,
        "tokens": result.tokens,
        "distinct_tokens": result.distinct_tokens,
        "seconds": round(result.seconds, 3),
    }


def _engine_version(engine: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    name = "rjieba" if engine == "fast" else "jieba"
    try:
        return f"{name} {version(name)}"
    except PackageNotFoundError:
        return name
