"""Segmenting files: inputs in, segmented text out into a sink (SegmentSink): the segment
command's folder of files and manifest.json (w2vkit.text.segmenting.segoutput.StagedOutputs, staged in a hidden
folder and published at the end, so an interrupted run leaves earlier results untouched) or the
training cache's one corpus file (w2vkit.text.segmenting.corpusfile.CorpusSink).

Work is spread over processes in order-preserving, bounded batches, so output is identical
whatever ``jobs`` is and memory stays flat on multi-GB input. Without a dictionary, the text's own
new words are found first (w2vkit.text.segmenting.discover) and names glued to a neighbour are split
afterwards, by the sink (w2vkit.text.segmenting.glue).
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
from typing import Protocol

from ... import __version__
from ...base.choices import DISCOVERY_SAMPLE_CHARS
from ...base.cluster import ITEMS_PER_TASK, Cluster
from ...base.env import default_jobs
from ...base.files import check_unchanged, file_stamps
from ...base.limits import check_number
from ...base.progress import progress_bar
from ...base.results import Result
from ...base.workers import ordered_map
from ...errors import Named, OptionError
from ..reading.inputs import (
    STDIN,
    DecodedStream,
    InputFile,
    discover_inputs,
    expected_text_bytes,
    open_text,
    paragraphs,
)
from ..reading.ranges import plan_ranges
from ..reading.textsample import forget_samples, text_sample
from .discover import SAMPLE_CHARS, discover_words
from .segment import (
    BATCH_CHARS,
    DETECTION_FILES,
    SegmentOptions,
    Tokenizer,
    to_simplified,
    with_detected_dicts,
)
from .segoutput import FileReport, StagedOutputs, check_segment_output, publish_outputs
from .segwork import BatchResult, RangeTask, init_worker, segment_work
from .wordlists import read_stopwords, read_user_dict

log = logging.getLogger(__name__)

# On a cluster the workers read plain files by path (w2vkit.text.reading.ranges), in ranges of the files' total
# size / (RANGES_PER_THREAD x worker threads), within these bounds: enough ranges to keep every
# worker busy to the end, few enough that the scheduler's work per range does not show.
RANGES_PER_THREAD = 16
MIN_RANGE_BYTES = 512 << 10
MAX_RANGE_BYTES = 32 << 20


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
    new_words: list = field(default_factory=list)  # w2vkit.text.segmenting.discover.NewWord found in the text

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

    def as_result(self, audit: int = 0) -> Result:
        """The run as a Result: with audit=N, the N most frequent tokens no dictionary knows as rows
        (rank, unknown_token, count); the run's record as fields; what was found as notes."""
        rows = [(i, w, c) for i, (w, c) in enumerate(self.top_unknown(audit), 1)] if audit else []
        result = Result("segment", ["rank", "unknown_token", "count"], rows, self.to_dict(bool(audit)))
        result.provenance = {"w2vkit_version": __version__, "outdir": str(self.outdir)}
        if audit and self.new_words:
            shown = " ".join(w.word for w in self.new_words[:audit]) + (" …" if len(self.new_words) > audit else "")
            result.note(
                f"{len(self.new_words):,} new word{'' if len(self.new_words) == 1 else 's'} found in the text and "
                "kept whole ({no_discover} to stop): " + shown,
                "no_discover",
                kind="info",
            )
        if audit:
            result.note(
                f"the {audit} most frequent tokens no dictionary knows (words jieba's HMM made up; add the real ones "
                "to a {user_dict} file) are the rows",
                "user_dict",
                kind="info",
            )
        result.note(
            f"segmented {len(self.files):,} file{'' if len(self.files) == 1 else 's'}: {self.lines:,} "
            f"line{'' if self.lines == 1 else 's'}, {self.tokens:,} token{'' if self.tokens == 1 else 's'}, "
            f"{self.distinct_tokens:,} distinct in {self.seconds:.1f} s -> {self.outdir}/",
            kind="info",
        )
        return result


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
    files = discover_inputs(inputs, options.text_column, options.where)
    outdir = Path(outdir)
    check_segment_output(outdir, inputs, files)
    run = StagedOutputs(files, outdir, audit)
    try:
        options, discovered, streams = _segment_into(files, run, options, jobs=jobs, progress=progress, cluster=cluster)
        reports = run.reports(streams)
        vocabulary = run.vocabulary()
        counted = vocabulary if isinstance(vocabulary, Counter) else Counter()  # (a Counter with audit)
        result = SegmentResult(
            str(outdir),
            reports,
            sum(r.lines for r in reports),
            sum(r.tokens for r in reports),
            len(vocabulary),
            time.perf_counter() - started,
            counted,
            _unknown_tokens(counted, options) if audit else Counter(),
            discovered,
        )
        publish_outputs(run.folder, outdir, [r.output for r in reports], build_manifest(result, options, run.jobs))
        return result
    finally:
        if run.staging is not None:
            shutil.rmtree(run.staging, ignore_errors=True)


class SegmentSink(Protocol):
    """Where segmented text goes, batch by batch in input order: a folder of files mirroring the
    inputs (the segment command) or the one corpus file of the training cache
    (w2vkit.text.corpus.corpuscache). The glue split and phrases run on what it holds, after the last batch."""

    jobs: int
    audit: bool  # the workers count every token (a Counter per batch, not a set)
    shard_dir: Path  # where a cluster's workers write the ranges they segment (set by begin)

    def begin(self, options: SegmentOptions) -> None: ...

    def add(self, idx: int, lang: str, result: BatchResult) -> None: ...

    def close(self) -> None: ...

    def split_glued(self, protected: frozenset) -> None: ...

    def join_phrases(self, passes: int, scoring: str, threshold: float | None) -> None: ...


def segment_into(
    files: list[InputFile],
    sink: SegmentSink,
    options: SegmentOptions,
    *,
    jobs: int | None = None,
    progress: bool = False,
    cluster: str | None = None,
) -> tuple[SegmentOptions, list, dict[int, DecodedStream]]:
    """Segment the files into `sink` (see segment_corpus for the work's spread and order); returns
    the options applied (detected dictionaries, discovered words), the words discovery found and
    each input's stream (its hash, encoding and size). An input changed while it was read is
    refused at the end."""
    check_number("jobs", jobs)
    return _segment_into(files, sink, options, jobs=jobs, progress=progress, cluster=cluster)


def _segment_into(files, sink, options, *, jobs, progress, cluster):
    stamps = file_stamps(f.path for f in files)  # (an input changed while read is refused at the end)
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
        sink.jobs = jobs
        options, discovered = _prepare_options(files, options)
        forget_samples()  # (the steps before segmenting are done with the inputs' starts)
        sink.begin(options)
        batches = Batches(files, options, range_bytes, sink.shard_dir)
        # The bar counts (decompressed) text: a compressed input's share is estimated as it is read.
        bar = progress_bar(batches.expected_text_bytes(), progress, "segment", unit="B", binary=True)
        try:
            for result in mapper(segment_work, batches, initializer=init_worker, initargs=(options, sink.audit)):
                idx, mark = batches.done.popleft()
                sink.add(idx, batches.langs[idx], result)
                if bar is not None:
                    bar.total = max(batches.expected_text_bytes(), mark)
                    bar.update(max(0, mark - bar.n))
            sink.close()
            if options.split_name_verb and not options.user_dicts:
                sink.split_glued(frozenset(options.new_words))
            if options.phrases:
                sink.join_phrases(options.phrases, options.phrase_scoring, options.phrase_threshold)
        finally:
            if bar is not None:
                bar.close()
    check_unchanged(stamps)
    return options, discovered, batches.streams


def range_size(files: list[InputFile], threads: int) -> int:
    """The size of the ranges a cluster's workers read (see RANGES_PER_THREAD)."""
    total = sum(f.size for f in files if f.path != STDIN)
    return min(max(total // (RANGES_PER_THREAD * threads), MIN_RANGE_BYTES), MAX_RANGE_BYTES)


def _task_weight(item) -> int:
    """A range is a Dask task of its own; batches the client sends go ITEMS_PER_TASK to a task."""
    return ITEMS_PER_TASK if isinstance(item, RangeTask) else 1


def _prepare_options(files: list[InputFile], options: SegmentOptions) -> tuple[SegmentOptions, list]:
    """The options for these files: built-in dictionaries the text asks for, checked up front
    (for a clean error in this process), and the text's own new words when no dictionary applies."""
    options = with_detected_dicts(options, files)
    if options.tokens == "chars":  # (no name is glued to a verb when every character is a token)
        options = replace(options, split_name_verb=False)
    for name in options.user_dicts:
        read_user_dict(name)
    read_stopwords(options.stopwords)
    discovered: list = []
    if (
        options.discover
        and options.tokens == "words"  # (characters need no new words)
        and not options.user_dicts
        and not options.new_words
        and options.lang != "en"
    ):
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


def hash_inputs(files: list[InputFile], options: SegmentOptions) -> list[str]:
    """The sha256 of each raw input, read in the one open that also takes the start that built-in
    dictionary detection and new-word discovery look at (w2vkit.text.reading.textsample), so that a cache miss
    opens each input twice in all: here and to segment it."""
    per_file = _discovery_chars_per_file(files)
    digests, total = [], 0
    for i, f in enumerate(files):
        chars = 0
        if options.discover and total < SAMPLE_CHARS:
            chars = max(per_file, DISCOVERY_SAMPLE_CHARS if i < DETECTION_FILES else 0)
        sample = text_sample(f.path, options.encoding, chars, digest=True)
        total += min(sum(len(p) for p in sample.paragraphs), per_file)
        assert sample.sha256 is not None
        digests.append(sample.sha256)
    return digests


def _discovery_chars_per_file(files: list[InputFile]) -> int:
    return max(SAMPLE_CHARS // max(len(files), 1), 100_000)


def discover_new_words(files: list[InputFile], options: SegmentOptions) -> list:
    """New words of the Chinese inputs (w2vkit.text.segmenting.discover), from a sample of their first
    SAMPLE_CHARS characters, taken from each file in turn."""
    started = time.perf_counter()
    per_file = _discovery_chars_per_file(files)
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
            Named("found %d new words in the text (%s%s; {no_discover} to stop)", "no_discover"),
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
