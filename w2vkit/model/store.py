"""The w2vkit model format: a directory that numpy alone can read, without unpickling anything.

    MODEL_DIR/
      vectors.npy    float32 [vocab x dim], C order; np.load(..., mmap_mode="r", allow_pickle=False)
      vocab.tsv      one "word<TAB>count" per line, in the row order of vectors.npy (by frequency)
      meta.json      format version, versions, hyperparameters, corpus hashes, losses, timings,
                     sha256 of vectors.npy
      dropped.tsv    optional: words seen in training but below min_count, with their counts
      dicts/         the dictionaries and stopword lists the text was segmented with (by sha256)
      members/NN/    optional: resampled members, each a compact model (w2vkit.model.members)
      gensim/        optional: full gensim state, read only by `train --resume`

Saving is atomic: the new directory is written beside the old one and swapped in with one rename
(renameat2 RENAME_EXCHANGE on Linux), so a kill at any moment leaves the previous model loadable.
Only a w2vkit model (or an empty directory) is ever replaced: check_model_output refuses any other
existing path, and one that holds, is, or lies inside an input, before the work starts, and
publish checks again just before the swap.
Also here: finding the model a query should use. Import and export of word2vec files: w2vkit.model.interop.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .. import __version__
from ..base.choices import MIXED
from ..base.files import note_read, sha256_of
from ..base.records import RecordError, npy_bytes_at_most
from ..base.trust import HashedWriter
from ..errors import CorruptModelError, ModelNotFoundError
from .itemfiles import ITEMS_DIR
from .metacheck import check_meta
from .modelfolder import (
    DICTS_DIR,
    DROPPED,
    META,
    VECTORS,
    VOCAB,
    staged_model,
)
from .subwords import load_ngrams

log = logging.getLogger(__name__)

# 2: the dictionaries and stopword lists of the segmentation are copied into dicts/ (w2vkit.model.dictcopies),
# and resampled members may live in members/ (w2vkit.model.members).
FORMAT_VERSION = 2
MODEL_CACHES = "models"  # under the user's cache: what is computed from a model, a folder per model
READABLE_FORMAT_VERSIONS = (1, 2)
# Below this size the vectors are scanned for NaN and infinity on every load (< 0.1 s); above it
# `w2vkit info --verify` scans them. (The checksums are checked on every load, of every size.)
VERIFY_ON_LOAD_BYTES = 64 << 20
# dropped.tsv of a model saved before its size and checksum were recorded: bounds no honest file
# nears (a word of the English Wikipedia below min_count is some 20 bytes a line).
MAX_DROPPED_BYTES = 1 << 30
MAX_DROPPED_LINE = 1 << 20
# vocab.tsv of a model saved before its size was recorded: a line per word, at most this many bytes
# on average (checked before the file is hashed or read).
MAX_VOCAB_LINE_BYTES = 1 << 16
MIN_VOCAB_LIMIT = 256 << 20


@dataclass
class Model:
    """A loaded model directory (load_model): its vocabulary and vectors, read with numpy only.

    Parameters
    ----------
    path : Path
        The model directory.
    words : list of str
        The vocabulary, most frequent first.
    counts : numpy.ndarray
        Each word's count in the training text.
    vectors : numpy.ndarray
        float32, a row per word (possibly a read-only memory map).
    meta : dict
        meta.json: parameters, corpus, versions, checksums.
    saved : Model, optional
        The model as saved, when this one answers with one of its views (w2vkit.model.views);
        None for a model as loaded.
    root : Path, optional
        For a member: its model's folder, from which the one door opens the member's files.
    within : str
        For a member: its folder inside `root` (members/NN); "" otherwise.

    Examples
    --------
    >>> model = load_model("models/xiyouji")  # doctest: +SKIP
    >>> model.vectors.shape  # doctest: +SKIP
    (8355, 200)
    """

    path: Path
    words: list[str]
    counts: np.ndarray
    vectors: np.ndarray  # float32, possibly a read-only memmap
    meta: dict
    _index: dict | None = field(default=None, repr=False)
    _ngrams: tuple | None = field(default=None, repr=False)
    # the model as saved, when this one answers with one of its views (w2vkit.model.views)
    saved: Model | None = field(default=None, repr=False)
    # a member's files are named from its model's folder (root/within): a link at its folder is refused
    root: Path | None = field(default=None, repr=False)
    within: str = field(default="", repr=False)

    def door(self, name: str) -> tuple[Path, str]:
        """(folder, relative name) the one door opens one of this model's files by (door_of)."""
        return door_of(self.path, self.root, self.within, name)

    @property
    def index(self) -> dict[str, int]:
        if self._index is None:
            self._index = {w: i for i, w in enumerate(self.words)}
        return self._index

    @property
    def dim(self) -> int:
        return int(self.vectors.shape[1])

    def __len__(self) -> int:
        return len(self.words)

    def cache_file(self, name: str) -> Path:
        """Where a value computed from this model is kept (norms, hubness, layouts, a table's tokens
        and transform): the user's cache, a folder per content (the saved vectors' checksum, else
        the folder's path), never the model folder: a query writes nothing into a model."""
        from ..base.env import cache_root

        own = str(self.meta.get("saved_vectors_sha256") or self.meta.get("vectors_sha256"))
        if len(own) != 64 or not set(own) <= set("0123456789abcdef"):  # (never a path of the record's)
            own = hashlib.sha256(os.fsencode(self.path.resolve())).hexdigest()
        return cache_root() / MODEL_CACHES / own[:32] / name

    def ngram_table(self):
        """The character n-gram vectors of a subword model (w2vkit.model.subwords), or None."""
        if self._ngrams is None:
            self._ngrams = (load_ngrams(self.door, self.meta),)
        return self._ngrams[0]

    def dropped_counts(self) -> dict[str, int]:
        """Words seen in the corpus but below min_count (empty for imported models): dropped.tsv
        through the one door (w2vkit.base.trust.kept_file: no link, its recorded size and checksum;
        a model saved before they were recorded: at most MAX_DROPPED_BYTES, a line at most
        MAX_DROPPED_LINE characters), so a 20 GB file is refused before it is read."""
        from ..base.trust import kept_file

        path = self.path / DROPPED
        if not os.path.lexists(path):
            return {}
        fix = "delete it (it only explains unknown words) or retrain the model"
        try:
            dropped = kept_file(
                *self.door(DROPPED), self.meta.get("dropped_sha256"), what="dropped words",
                size=self.meta.get("dropped_bytes"), limit=MAX_DROPPED_BYTES, unrecorded=True,
            )  # fmt: skip
        except RecordError as e:
            raise CorruptModelError(f"{e}; {fix}") from None
        out = {}
        lineno = 0
        try:
            with dropped, dropped.text_stream(newline="\n") as f:
                while line := f.readline(MAX_DROPPED_LINE + 1):
                    lineno += 1
                    if len(line) > MAX_DROPPED_LINE:
                        raise ValueError("a line too long")
                    word, _, count = line.rstrip("\n").rpartition("\t")
                    out[word] = int(count)
        except (ValueError, UnicodeDecodeError) as e:
            where = f"line {lineno}" if isinstance(e, ValueError) else "not UTF-8"
            raise CorruptModelError(f"{path}: malformed ({where}); {fix}") from e
        return out


def write_model_files(
    directory: Path,
    words: list[str],
    counts,
    vectors: np.ndarray | None,
    meta: dict,
    dropped: dict[str, int] | None = None,
    vectors_sha256: str | None = None,
    extra_files: dict[str, bytes] | None = None,
) -> dict:
    """Write vectors, vocabulary and metadata into directory (not atomic: use staged_model).

    vectors=None: directory already holds vectors.npy (written in place by an importer, which
    may pass its checksum). extra_files: relative path (under dicts/ or items/) -> bytes."""
    written = vectors is None
    if written:
        vectors = np.load(directory / VECTORS, mmap_mode="r", allow_pickle=False)
    else:
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    if vectors.ndim != 2 or vectors.shape[0] != len(words):
        raise ValueError(f"vectors shape {vectors.shape} does not match {len(words)} words")
    for w in words:
        if not w or "\t" in w or "\n" in w:
            raise ValueError(f"word {w!r} cannot be stored (empty, or has a tab or newline)")
    if not written:  # (hashed as numpy writes it: nothing is read back)
        with HashedWriter(directory / VECTORS) as out:
            np.save(out, vectors, allow_pickle=False)
        vectors_sha256 = out.sha256
    for relative, data in (extra_files or {}).items():
        if Path(relative).parts[:1] not in ((DICTS_DIR,), (ITEMS_DIR,)) or ".." in Path(relative).parts:
            raise ValueError(f"{relative}: a model's extra files go under {DICTS_DIR}/ or items/")
        (directory / relative).parent.mkdir(parents=True, exist_ok=True)
        (directory / relative).write_bytes(data)
    vectors_sha = vectors_sha256 or sha256_of(directory / VECTORS)  # (an importer's file, unhashed)
    vocab_sha = write_vocab(directory, words, counts)
    if dropped:
        with open(directory / DROPPED, "w", encoding="utf-8", newline="\n") as f:
            f.writelines(f"{w}\t{c}\n" for w, c in sorted(dropped.items(), key=lambda x: -x[1]))
    meta = dict(meta, vocab_sha256=vocab_sha)
    return write_meta(directory, meta, len(words), int(vectors.shape[1]), vectors_sha)


def write_vocab(directory: Path, words: list[str], counts, name: str = VOCAB) -> str:
    """vocab.tsv (or another list of words and counts, `name`), and its sha256 (of the bytes written)."""
    import hashlib

    counts = np.asarray(counts).astype(np.int64).tolist()
    data = "".join([f"{w}\t{c}\n" for w, c in zip(words, counts)]).encode("utf-8")
    with open(directory / name, "wb") as f:
        f.write(data)
    return hashlib.sha256(data).hexdigest()


def write_meta(directory: Path, meta: dict, vocab_size: int, dim: int, vectors_sha256: str) -> dict:
    """meta.json, with what the files beside it hold: the vocabulary's size in bytes, and
    dropped.tsv's size and checksum (when there is one), so a reader compares sizes before it
    hashes or reads (w2vkit.base.trust.kept_file)."""
    meta = {k: v for k, v in meta.items() if k not in ("vocab_bytes", "dropped_bytes", "dropped_sha256")}
    if (directory / VOCAB).is_file():
        meta["vocab_bytes"] = (directory / VOCAB).stat().st_size
    if (directory / DROPPED).is_file():
        meta.update(dropped_bytes=(directory / DROPPED).stat().st_size, dropped_sha256=sha256_of(directory / DROPPED))
    meta.update(
        format="w2vkit-model",
        format_version=FORMAT_VERSION,
        w2vkit_version=__version__,
        vocab_size=vocab_size,
        dim=dim,
        vectors_sha256=vectors_sha256,
    )
    with open(directory / META, "w", encoding="utf-8") as f:
        json.dump(meta, f, ensure_ascii=False, indent=2)
    return meta


def model_in_memory(vectors, words: list[str] | None = None, counts=None) -> Model:
    """A model of vectors held in memory, never saved (words v0, v1, … and counts of 1 unless
    given): what Engine asks of a matrix a caller made, such as a simulation's made-up vectors."""
    vectors = np.asarray(vectors, dtype=np.float32)
    words = [f"v{i}" for i in range(len(vectors))] if words is None else list(words)
    counts = np.ones(len(words), dtype=np.int64) if counts is None else np.asarray(counts, dtype=np.int64)
    if vectors.ndim != 2 or len(words) != len(vectors) or len(counts) != len(words):
        raise ValueError(f"give a matrix with a row per word and a count per word, not {vectors.shape}")
    return Model(Path("(in memory)"), words, counts, vectors, {"view": MIXED})


def save_model(
    target: str | os.PathLike,
    words: list[str],
    counts: np.ndarray,
    vectors: np.ndarray,
    meta: dict,
    *,
    dropped: dict[str, int] | None = None,
    extra_files: dict[str, bytes] | None = None,
) -> Path:
    """Save vectors as a model directory (vectors.npy, vocab.tsv, meta.json with checksums),
    atomically: the directory appears complete or not at all.

    Parameters
    ----------
    target : str or Path
        The model directory: new, empty, or a w2vkit model (replaced as a whole).
    words : list of str
        The vocabulary, most frequent first.
    counts : numpy.ndarray
        Each word's count in the training text (int64).
    vectors : numpy.ndarray
        One row per word (saved as float32).
    meta : dict
        What meta.json records (parameters, corpus, versions); checksums are added.
    dropped : dict, optional
        Words left out below min_count, with their counts (for unknown-word messages).
    extra_files : dict, optional
        Further files of the model: a path under dicts/ or items/ -> its bytes.

    Returns
    -------
    Path
        The model directory.

    Raises
    ------
    OutputError
        The target holds something w2vkit did not make, or cannot be written.

    Examples
    --------
    >>> import numpy as np
    >>> save_model("m", ["a", "b"], np.array([3, 2]), np.eye(2), {})  # doctest: +SKIP
    PosixPath('m')
    """
    with staged_model(target) as tmp:
        write_model_files(tmp, words, counts, vectors, meta, dropped, extra_files=extra_files)
    return Path(target)


REPLACED_RETRIES = 3  # loads begun again when the model folder was replaced while being read


def load_model(
    path: str | os.PathLike, *, mmap: bool = True, verify: bool | None = None, within: tuple[Path, str] | None = None
) -> Model:
    """Load a model directory with numpy only (no pickle, no gensim).

    A model is replaced by renaming folders (publish), so a load that began before a retrain
    finished may read meta.json of one folder and vectors.npy of the next: when the folder at
    `path` is another one by the end of the load (its inode changed), the load starts again rather
    than reporting a false "checksum mismatch" or returning a mixture.

    Parameters
    ----------
    path : str or Path
        The model directory.
    mmap : bool
        Memory-map vectors.npy (read-only) rather than reading it into memory.
    within : (Path, str), optional
        For a member: its model's folder and its own inside it (members/NN), the door's start.
    verify : bool or None
        The checksums of vectors.npy and vocab.tsv are checked on every load (a file unchanged
        since it was last hashed is not hashed again: w2vkit.base.trust). True: hash the vectors
        afresh and scan them for NaN and infinity; None: scan small models only (below
        VERIFY_ON_LOAD_BYTES); False: no scan.

    Returns
    -------
    Model
        Its words, counts, vectors and meta.

    Raises
    ------
    ModelNotFoundError
        No model directory at `path`.
    CorruptModelError
        A file missing, damaged, or not matching its checksum.

    Examples
    --------
    >>> model = load_model("models/xiyouji")  # doctest: +SKIP
    >>> model.words[:3]  # doctest: +SKIP
    ['道', '行者', '了']
    """
    path = Path(path)
    for attempt in range(REPLACED_RETRIES + 1):
        folder = _folder_id(path)
        try:
            model = _load_model_once(path, mmap, verify, within)
        except (CorruptModelError, ModelNotFoundError):
            if attempt < REPLACED_RETRIES and _replaced(path, folder):
                continue
            raise
        if attempt < REPLACED_RETRIES and _replaced(path, folder):
            continue
        return model
    raise AssertionError("unreachable")  # (the last attempt returns or raises)


def door_of(path: Path, root: Path | None, within: str, name: str) -> tuple[Path, str]:
    """(folder, name) the one door opens a model's file by: its folder, or its model's and `within` it."""
    return (path, name) if root is None else (root, f"{within}/{name}")


def _folder_id(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _replaced(path: Path, folder) -> bool:
    """Whether the folder at `path` is not the one a load began with (after a moment for the
    second rename of publish, if the path is missing now)."""
    now = _folder_id(path)
    if now is None and folder is not None:
        time.sleep(0.05)
        now = _folder_id(path)
    return folder is not None and now is not None and now != folder


def _load_model_once(path: Path, mmap: bool, verify: bool | None, within: tuple[Path, str] | None = None) -> Model:
    from ..base.trust import kept_array, kept_file, kept_json

    meta_path = path / META
    if not path.is_dir():
        raise ModelNotFoundError(f"{path}: no such model directory")
    note_read(path)  # nothing this run writes may land in it
    fix = "retrain or re-import the model"
    if not os.path.lexists(meta_path):
        raise CorruptModelError(f"{path}: not a w2vkit model (no {META}); import other formats with `w2vkit import`")
    root, prefix = within if within is not None else (None, "")

    def door(name: str) -> tuple[Path, str]:
        return door_of(path, root, prefix, name)

    try:  # (every file of the folder through the one door: w2vkit.base.trust, opened once, no link on the way)
        meta = kept_json(*door(META), "model record")
    except RecordError as e:
        raise CorruptModelError(f"{e}; {fix}") from None
    check_meta(meta, meta_path)  # each field w2vkit reads has its type (w2vkit.model.metacheck)
    if meta.get("format_version") not in READABLE_FORMAT_VERSIONS:
        raise CorruptModelError(
            f"{path}: model format version {meta.get('format_version')!r} is not supported by "
            f"w2vkit {__version__} (reads versions {', '.join(map(str, READABLE_FORMAT_VERSIONS))}); retrain or upgrade w2vkit"
        )
    vocab_size, dim = meta.get("vocab_size"), meta.get("dim")
    # Every load checks both checksums, after the sizes the record implies: hashed when the file
    # may have changed since it was last hashed, else from the stamp cache (w2vkit.base.trust), so
    # a large model costs its hash once.
    try:
        vectors = kept_array(
            *door(VECTORS), meta.get("vectors_sha256"), what="vectors", shape=(vocab_size, dim),
            dtype=np.float32, mmap=mmap, rehash=bool(verify), limit=npy_bytes_at_most(vocab_size, dim),
        )  # fmt: skip
        vocab_limit = max(MIN_VOCAB_LIMIT, (vocab_size or 0) * MAX_VOCAB_LINE_BYTES)
        # (models saved before 0.3.0 have no vocabulary checksum)
        with kept_file(
            *door(VOCAB), meta.get("vocab_sha256"), what="vocabulary", size=meta.get("vocab_bytes"),
            limit=vocab_limit, unrecorded=True,
        ) as vocab_file:  # fmt: skip
            vocab_path, vocab_data = vocab_file.path, vocab_file.read_bytes()
    except RecordError as e:
        raise CorruptModelError(f"{e}; {fix}") from None
    words, counts = read_vocab(vocab_path, vocab_data)
    if len(words) != vectors.shape[0]:
        raise CorruptModelError(f"{vocab_path}: {len(words)} words for {vectors.shape[0]} vectors; {fix}")
    if verify or (verify is None and vectors.nbytes <= VERIFY_ON_LOAD_BYTES):
        broken = non_finite_rows(vectors)  # (with the checksum: small models on load, any with --verify)
        if len(broken):
            shown = ", ".join(repr(words[i]) for i in broken[:5]) + (" …" if len(broken) > 5 else "")
            raise CorruptModelError(
                f"{path / VECTORS}: {len(broken):,} vector{'s are' if len(broken) > 1 else ' is'} not finite (NaN or "
                f"infinity): {shown}; retrain, or re-import without them"
            )
    return Model(path, words, counts, vectors, meta, root=root, within=prefix)


def non_finite_rows(vectors: np.ndarray, block: int = 1 << 16) -> np.ndarray:
    """The rows holding a NaN or an infinity, read a block at a time (a memmap is not copied whole)."""
    found = [
        start + np.nonzero(~np.isfinite(np.asarray(vectors[start : start + block])).all(axis=1))[0]
        for start in range(0, len(vectors), block)
    ]
    return np.concatenate(found) if found else np.zeros(0, dtype=np.int64)


def read_vocab(path: Path, data: bytes) -> tuple[list[str], np.ndarray]:
    """The words and counts of a vocabulary file's bytes `data` (read through the door; `path`
    names it in messages)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise CorruptModelError(f"{path}: not UTF-8 (byte {e.start}); retrain or re-import the model") from e
    words, counts = [], []
    # Split at "\n" only: str.splitlines() also splits at U+2028, form feeds and other characters
    # a word may hold.
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    for line in lines:
        word, _, count = line.rpartition("\t")
        words.append(word)
        counts.append(count)
    try:
        array = np.array(counts, dtype=np.int64)
    except (ValueError, OverflowError):
        array = None
    if array is None or (len(array) and array.min() < 0):
        # (the slow path, on failure only: which line)
        lineno, count = next(
            (n, c) for n, c in enumerate(counts, 1) if not (c.isascii() and c.isdigit() and int(c) < 1 << 63)
        )
        raise CorruptModelError(
            f"{path}: line {lineno}: the count {count[:30]!r} is not a whole number from 0 to 2^63; retrain or "
            "re-import the model"
        )
    return words, array
