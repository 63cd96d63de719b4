"""A segmentation's output folder: which of its files w2vkit wrote (manifest.json lists them, this
run's and earlier runs'), refusing a folder that would mix with the inputs or with files of the
user's, staging a run's files beside them and publishing them with the manifest (w2vkit.text.segmenting.pipeline
runs the segmentation itself), and the files of a run as segmentation writes them there
(StagedOutputs, the segment command's w2vkit.text.segmenting.pipeline.SegmentSink)."""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ...base.files import check_writable, input_conflict, pid_suffix, remove_stale, write_atomic
from ...base.records import RecordError, read_json
from ...errors import OutputError
from ..reading.inputs import STDIN, InputFile
from .corpusfile import WordCounts, check_tokens
from .glue import counts_after, find_glued, split_glued_in_files
from .phrases import join_phrases
from .segment import SegmentOptions

MANIFEST = "manifest.json"


def check_segment_output(outdir: Path, inputs: list[str], files: list[InputFile]) -> None:
    """Refuse, before any work, an output folder that would overwrite or mix with the inputs (it
    is, holds or lies inside an input; an output file would be an input file), or whose files at
    the output names were not written by w2vkit segment (not listed in its manifest.json)."""
    why = input_conflict(outdir, [i for i in inputs if i != STDIN and os.path.exists(i)])
    if why:
        raise OutputError(f"{outdir}: {why}; write the segmented text to a folder outside the inputs")
    check_writable(outdir, into=True)
    if not outdir.is_dir():
        return
    ours = _manifest_outputs(outdir)
    for f in files:
        target = outdir / f.output_name
        if os.path.lexists(target) and f.output_name not in ours:
            raise OutputError(
                f"{target}: exists and was not written by w2vkit segment (not in {outdir / MANIFEST}); "
                "choose a new or empty output folder"
            )


def _manifest_outputs(outdir: Path) -> set[str]:
    """The output names the folder's manifest.json lists, this run's and earlier ones' (empty when
    it has none); a manifest.json that is not w2vkit's, or is damaged, is refused saying what to do."""
    manifest = _read_manifest(outdir)
    return {r["output"] for r in manifest["inputs"] + manifest.get("earlier", [])} if manifest else set()


def _read_manifest(outdir: Path) -> dict | None:
    path = outdir / MANIFEST
    if not os.path.lexists(path):
        return None
    try:
        manifest = read_json(path, "manifest") if path.is_file() else None
    except RecordError:
        manifest = None
    if not isinstance(manifest, dict) or "w2vkit_version" not in manifest:
        raise OutputError(f"{path}: exists and was not written by w2vkit segment; choose a new or empty output folder")
    entries = manifest.get("inputs"), manifest.get("earlier", [])
    if not all(
        isinstance(e, list) and all(isinstance(r, dict) and isinstance(r.get("output"), str) for r in e)
        for e in entries
    ):
        raise OutputError(
            f"{path}: damaged (its list of outputs cannot be read); delete the folder's segmented files and "
            "manifest.json, or choose a new output folder"
        )
    return manifest


def make_staging(outdir: Path) -> Path:
    if outdir.exists() and not outdir.is_dir():
        raise OutputError(f"{outdir}: exists and is not a directory; choose another -o")
    # Staging directories of runs that were killed (their process is gone) go first.
    remove_stale(outdir, ".staging-*", lambda name: pid_suffix(name, ".staging-"))
    staging = outdir / f".staging-{os.getpid()}"
    try:
        staging.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise OutputError(f"{outdir}: cannot write ({e.strerror}); choose another -o") from e
    return staging


def publish_outputs(staging: Path, outdir: Path, names: list[str], manifest: dict) -> None:
    """Move the staged files into place, then write the manifest (last: it marks a whole run). The
    manifest keeps the files of earlier runs into the same folder (under "earlier", while they are
    there and not replaced by this run), so a second run into a folder does not disown the first's;
    runs at once take turns here (a lock on the folder)."""
    import fcntl

    folder = os.open(outdir, os.O_RDONLY)
    try:
        fcntl.flock(folder, fcntl.LOCK_EX)
        for name in names:
            target = outdir / name
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / name, target)
        try:
            previous = _read_manifest(outdir)
        except OutputError:
            previous = None  # refused before the run; a file damaged since is replaced by this one
        earlier = []
        if previous:
            mine = set(names)
            for entry in previous.get("earlier", []) + [
                dict(r, options=previous.get("options"), w2vkit_version=previous.get("w2vkit_version"))
                for r in previous["inputs"]
            ]:
                if entry["output"] not in mine and os.path.lexists(outdir / entry["output"]):
                    earlier.append(entry)
                    mine.add(entry["output"])
        write_atomic(outdir / MANIFEST, json.dumps(dict(manifest, earlier=earlier), ensure_ascii=False, indent=2))
    finally:
        os.close(folder)  # (releases the lock)


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


class StagedOutputs:
    """The segmented files being written under the staging folder, one open at a time, with each
    file's line and token counts and the vocabulary (with counts when auditing), the Chinese files'
    apart from the others' (the glue split below recounts the Chinese ones)."""

    jobs = 0

    def __init__(self, files: list[InputFile], outdir: Path, audit: bool):
        self.files, self.outdir, self.audit = files, outdir, audit
        self.staging: Path | None = None
        self.lines: Counter = Counter()
        self.tokens: Counter = Counter()
        self.langs: dict[int, str] = {}
        # Counters with --audit; else sets (which words occur is all that is needed, and a set
        # union is far cheaper than merging Counters; see segwork.segment_batch)
        self.zh_vocabulary: Counter | set = Counter() if audit else set()
        self.other_vocabulary: Counter | set = Counter() if audit else set()
        self._open: tuple[int, BinaryIO] | None = None
        self.counts: WordCounts | None = None

    @property
    def folder(self) -> Path:
        """The staging folder (made by begin)."""
        assert self.staging is not None
        return self.staging

    def begin(self, options: SegmentOptions) -> None:
        self.staging = make_staging(self.outdir)
        self.shard_dir = self.folder / ".shards"
        # the words' counts, taken as the text is written, when the glue split will judge them
        self.counts = WordCounts() if options.split_name_verb and not options.user_dicts else None

    def add(self, idx: int, lang: str, result) -> None:
        if self._open is None or self._open[0] != idx:
            self.close()
            target = self.folder / self.files[idx].output_name
            target.parent.mkdir(parents=True, exist_ok=True)
            self._open = (idx, open(target, "wb"))
            self.langs[idx] = lang
        if result.shard:  # a range a worker segmented into a file
            with open(result.shard, "rb") as shard:
                for block in iter(lambda: shard.read(1 << 20), b""):
                    self._write(block)
            os.unlink(result.shard)
        else:
            self._write(result.text.encode("utf-8"))
        self.lines[idx] += result.lines
        self.tokens[idx] += result.tokens
        vocabulary = self.zh_vocabulary if lang == "zh" else self.other_vocabulary
        if self.audit:
            vocabulary.update(result.vocabulary)
        else:
            vocabulary |= result.vocabulary

    def _write(self, data: bytes) -> None:
        assert self._open is not None
        if self.counts is not None:
            self.counts.add(data)
        self._open[1].write(data)

    def close(self) -> None:
        if self._open is not None:
            self._open[1].close()
            if self.counts is not None:
                self.counts.end_file(self.langs[self._open[0]])
            self._open = None

    def split_glued(self, protected: frozenset) -> None:
        """Split names glued to a neighbour in the Chinese outputs (see find_glued), judged on the
        counts taken as they were written. With a user dictionary its words are unglued as they are
        cut (_unglue) and this pass, measured, changed nothing on the novel; without one it is the
        only defence, at the cost of rewriting the Chinese output."""
        zh = [i for i, lang in self.langs.items() if lang == "zh"]
        if not zh or self.counts is None:
            return
        split = find_glued(self.counts.zh, protected)
        added = split_glued_in_files([self.folder / self.files[i].output_name for i in zh], split)
        for idx, n in zip(zh, added):
            self.tokens[idx] += n
        counts = counts_after(self.counts.zh, split)
        self.zh_vocabulary = counts if self.audit else set(counts)

    def join_phrases(self, passes: int, scoring: str = "default", threshold: float | None = None) -> None:
        """Join collocations in all the outputs (see join_phrases); counts are recomputed."""
        paths = [self.folder / self.files[i].output_name for i in sorted(self.langs)]
        counts, tokens = join_phrases(paths, passes, scoring, threshold)
        for i, n in zip(sorted(self.langs), tokens):
            self.tokens[i] = n
        self.zh_vocabulary = counts if self.audit else set(counts)
        self.other_vocabulary = Counter() if self.audit else set()

    def vocabulary(self) -> Counter | set:
        """All the outputs' words: a Counter with --audit, else a set."""
        if self.audit:
            return Counter(self.zh_vocabulary) + Counter(self.other_vocabulary)
        return set(self.zh_vocabulary) | set(self.other_vocabulary)

    def reports(self, streams: dict) -> list[FileReport]:
        check_tokens(self.files, [self.tokens[idx] for idx in range(len(self.files))])
        out = []
        for idx, f in enumerate(self.files):
            s = streams[idx]
            out.append(
                FileReport(
                    f.shown,  # (a table as given, not its text's copy in the cache)
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
