"""The w2vkit model format: a directory that numpy alone can read, without unpickling anything.

    MODEL_DIR/
      vectors.npy    float32 [vocab x dim], C order; np.load(..., mmap_mode="r", allow_pickle=False)
      vocab.tsv      one "word<TAB>count" per line, in the row order of vectors.npy (by frequency)
      meta.json      format version, versions, hyperparameters, corpus hashes, losses, timings,
                     sha256 of vectors.npy
      dropped.tsv    optional: words seen in training but below min_count, with their counts
      gensim/        optional: full gensim state, read only by `train --resume`

Saving is atomic: the new directory is written beside the old one and swapped in with one rename
(renameat2 RENAME_EXCHANGE on Linux), so a kill at any moment leaves the previous model loadable.
Also here: word2vec binary/text import and export, and finding the model a query should use.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import __version__
from .errors import CorruptModelError, InputError, ModelNotFoundError, OutputError

FORMAT_VERSION = 1
VECTORS = "vectors.npy"
VOCAB = "vocab.tsv"
META = "meta.json"
DROPPED = "dropped.tsv"
GENSIM_DIR = "gensim"
# Below this size the vectors' sha256 is checked on every load (< 0.1 s); above it only the
# shape is, and `w2vkit info --verify` checks the checksum.
VERIFY_ON_LOAD_BYTES = 64 << 20


@dataclass
class Model:
    path: Path
    words: list[str]
    counts: np.ndarray
    vectors: np.ndarray  # float32, possibly a read-only memmap
    meta: dict
    _index: dict | None = field(default=None, repr=False)

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

    def dropped_counts(self) -> dict[str, int]:
        """Words seen in the corpus but below min_count (empty for imported models)."""
        path = self.path / DROPPED
        if not path.exists():
            return {}
        out = {}
        with open(path, encoding="utf-8") as f:
            for line in f:
                word, _, count = line.rstrip("\n").rpartition("\t")
                out[word] = int(count)
        return out


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 22), b""):
            h.update(chunk)
    return h.hexdigest()


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux renameat2 RENAME_EXCHANGE); False if unsupported."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    AT_FDCWD, RENAME_EXCHANGE = -100, 2
    res = renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE)
    return res == 0


def staging_dir(target: Path) -> Path:
    """A fresh sibling directory to build a model in before publish()."""
    target = Path(target)
    _remove_stale_staging(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.parent / f".{target.name}.tmp-{os.getpid()}-{time.monotonic_ns()}"
        tmp.mkdir()
    except OSError as e:
        raise OutputError(f"{target}: cannot write ({e.strerror}); choose another -o") from e
    return tmp


def _remove_stale_staging(target: Path) -> None:
    """Delete staging directories left by killed runs (their process is gone)."""
    if not target.parent.is_dir():
        return
    for p in target.parent.glob(f".{target.name}.tmp-*"):
        try:
            pid = int(p.name.rsplit(".tmp-", 1)[1].split("-")[0])
            os.kill(pid, 0)
        except ProcessLookupError:
            shutil.rmtree(p, ignore_errors=True)
        except (ValueError, PermissionError, OSError):
            continue


def publish(tmp: Path, target: Path) -> None:
    """Replace target with the fully written tmp directory in one atomic step."""
    for p in tmp.iterdir():
        if p.is_file():
            with open(p, "rb") as f:
                os.fsync(f.fileno())
    _fsync_dir(tmp)
    if target.exists():
        if not target.is_dir():
            raise OutputError(f"{target}: exists and is not a directory; choose another -o")
        if _exchange(tmp, target):
            shutil.rmtree(tmp, ignore_errors=True)  # tmp now holds the old model
        else:  # no atomic exchange: the old model is moved aside for a moment
            old = target.parent / f".{target.name}.old-{os.getpid()}"
            os.rename(target, old)
            os.rename(tmp, target)
            shutil.rmtree(old, ignore_errors=True)
    else:
        os.rename(tmp, target)
    _fsync_dir(target.parent)


def write_model_files(directory: Path, words: list[str], counts, vectors: np.ndarray | None, meta: dict,
                      dropped: dict[str, int] | None = None, vectors_sha256: str | None = None) -> dict:
    """Write vectors, vocabulary and metadata into directory (not atomic: use staging_dir).

    vectors=None: directory already holds vectors.npy (written in place by an importer, which
    may pass its checksum)."""
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
    if not written:
        np.save(directory / VECTORS, vectors, allow_pickle=False)
    # The checksum of a large file is computed on the other core while the vocabulary is written
    # (hashlib releases the GIL).
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        vectors_sha = pool.submit(lambda: vectors_sha256 or sha256_of(directory / VECTORS))
        with open(directory / VOCAB, "w", encoding="utf-8", newline="\n") as f:
            f.writelines(f"{w}\t{int(c)}\n" for w, c in zip(words, counts))
        if dropped:
            with open(directory / DROPPED, "w", encoding="utf-8", newline="\n") as f:
                f.writelines(f"{w}\t{c}\n" for w, c in sorted(dropped.items(), key=lambda x: -x[1]))
        vectors_sha = vectors_sha.result()
    meta = dict(meta)
    meta.update(
        format="w2vkit-model",
        format_version=FORMAT_VERSION,
        w2vkit_version=__version__,
        vocab_size=len(words),
        dim=int(vectors.shape[1]),
        vectors_sha256=vectors_sha,
    )
    with open(directory / META, "w", encoding="utf-8") as f:
        json.dump(meta, f, ensure_ascii=False, indent=2)
    return meta


def save_model(target, words, counts, vectors, meta, dropped=None) -> Path:
    target = Path(target)
    tmp = staging_dir(target)
    try:
        write_model_files(tmp, words, counts, vectors, meta, dropped)
        publish(tmp, target)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return target


def load_model(path, mmap: bool = True, verify: bool | None = None) -> Model:
    """Load a model directory with numpy only. verify=None checks the checksum of small models."""
    path = Path(path)
    meta_path = path / META
    if not path.is_dir():
        raise ModelNotFoundError(f"{path}: no such model directory")
    if not meta_path.is_file():
        raise CorruptModelError(f"{path}: not a w2vkit model (no {META}); import other formats with "
                                "`w2vkit import`")
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as e:
        raise CorruptModelError(f"{meta_path}: unreadable ({e}); retrain or re-import the model") from e
    if meta.get("format_version") != FORMAT_VERSION:
        raise CorruptModelError(
            f"{path}: model format version {meta.get('format_version')!r} is not supported by "
            f"w2vkit {__version__} (reads version {FORMAT_VERSION}); retrain or upgrade w2vkit"
        )
    vec_path = path / VECTORS
    try:
        vectors = np.load(vec_path, mmap_mode="r" if mmap else None, allow_pickle=False)
    except FileNotFoundError as e:
        raise CorruptModelError(f"{vec_path}: missing; retrain or re-import the model") from e
    except (ValueError, OSError, EOFError) as e:
        raise CorruptModelError(f"{vec_path}: truncated or corrupt ({e}); retrain or re-import the model") from e
    expected = (meta.get("vocab_size"), meta.get("dim"))
    if vectors.dtype != np.float32 or vectors.ndim != 2 or tuple(vectors.shape) != expected:
        raise CorruptModelError(
            f"{vec_path}: holds {vectors.dtype} {tuple(vectors.shape)}, meta.json says float32 "
            f"{expected}; retrain or re-import the model"
        )
    if verify or (verify is None and vec_path.stat().st_size <= VERIFY_ON_LOAD_BYTES):
        if sha256_of(vec_path) != meta.get("vectors_sha256"):
            raise CorruptModelError(f"{vec_path}: checksum mismatch (file changed or damaged); "
                                    "retrain or re-import the model")
    words, counts = read_vocab(path / VOCAB)
    if len(words) != vectors.shape[0]:
        raise CorruptModelError(f"{path / VOCAB}: {len(words)} words for {vectors.shape[0]} vectors; "
                                "retrain or re-import the model")
    return Model(path, words, counts, vectors, meta)


def read_vocab(path: Path) -> tuple[list[str], np.ndarray]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as e:
        raise CorruptModelError(f"{path}: missing; retrain or re-import the model") from e
    words, counts = [], []
    for line in text.splitlines():
        word, _, count = line.rpartition("\t")
        words.append(word)
        counts.append(count)
    try:
        return words, np.array(counts, dtype=np.int64)
    except ValueError as e:
        raise CorruptModelError(f"{path}: malformed ({e}); retrain or re-import the model") from e


# ------------------------------------------------------------------ finding the model to query

MODEL_ENV = "W2VKIT_MODEL"


def find_model(explicit: str | None = None, models_root: str | os.PathLike = "models") -> Path:
    """--model, then $W2VKIT_MODEL, then the most recently trained model under ./models."""
    chosen = explicit or os.environ.get(MODEL_ENV)
    if chosen:
        return Path(chosen)
    root = Path(models_root)
    candidates = [p.parent for p in root.glob(f"*/{META}")] if root.is_dir() else []
    if not candidates:
        raise ModelNotFoundError(
            f"no model given and none under {root}/; train one with `w2vkit train CORPUS` "
            f"or pass --model DIR (or set {MODEL_ENV})"
        )
    return max(candidates, key=lambda p: (p / META).stat().st_mtime)


# ------------------------------------------------------------------ word2vec / fastText files


def import_word2vec(path, target, limit: int | None = None, binary: bool | None = None,
                    progress: bool = False) -> tuple[Path, dict]:
    """Import a word2vec .bin, word2vec/fastText text (.txt/.vec, optionally .gz) into a model dir.

    The vectors are parsed straight into the new model's memory-mapped vectors.npy (peak memory ~
    the vectors themselves, unlike gensim's loader which builds Python objects per word), while the
    other core hashes the source file; see benchmarks/import.py.
    """
    import gzip
    from concurrent.futures import ThreadPoolExecutor

    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    opener = gzip.open if path.suffix == ".gz" else open
    if binary is None:
        binary = ".bin" in path.suffixes
    started = time.perf_counter()
    target = Path(target)
    tmp = staging_dir(target)
    try:
        with ThreadPoolExecutor(1) as pool:
            source_sha = pool.submit(sha256_of, path)
            with opener(path, "rb") as f:
                header = f.readline()
                try:
                    n, dim = (int(x) for x in header.split())
                except ValueError as e:
                    raise InputError(f"{path}:1: expected a header 'COUNT DIM', got {header[:60]!r}; "
                                     "is this a word2vec file?") from e
                if limit:
                    n = min(n, limit)
                out = _NpyOutput(tmp / VECTORS, n, dim, pool)
                try:
                    reader = _read_binary if binary else _read_text
                    words, bad_utf8 = reader(f, path, out, n, dim)
                    vectors_sha = out.finish()
                finally:
                    out.close()
            # Duplicate keys (after UTF-8 repair) keep the first, more frequent, occurrence.
            if len(set(words)) != len(words):
                seen: dict[str, int] = {}
                keep = [seen.setdefault(w, i) for i, w in enumerate(words) if w not in seen]
                kept = np.load(tmp / VECTORS, mmap_mode="r", allow_pickle=False)[keep]
                words = [words[i] for i in keep]
                np.save(tmp / VECTORS, kept, allow_pickle=False)
                vectors_sha = None
            meta = {
                "source": {"path": str(path), "sha256": source_sha.result(),
                           "format": "word2vec-bin" if binary else "word2vec-txt"},
                "imported_words": len(words),
                "keys_with_bad_utf8": bad_utf8,
                "timings": {"import_seconds": round(time.perf_counter() - started, 3)},
                "hyperparameters": {"dim": dim},
            }
        counts = np.arange(len(words), 0, -1)  # no counts in the format: keep the rank order
        write_model_files(tmp, words, counts, None, meta, vectors_sha256=vectors_sha)
        publish(tmp, target)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return target, meta


def _decode_key(raw: bytes) -> tuple[str, bool]:
    try:
        return raw.decode("utf-8"), False
    except UnicodeDecodeError:
        # Keys cut mid-character (the C tool truncates at 50 bytes) or in another encoding.
        return raw.decode("utf-8", errors="replace"), True


def _decode_keys(keys: list[bytes]) -> tuple[list[str], int]:
    """Keys as text, in one decode call when all are valid UTF-8 (the common case)."""
    try:
        # Keys hold no spaces (the format ends a key at one); word2vec writes '\n' before each.
        return b" ".join(keys).decode("utf-8").replace("\n", "").split(" "), 0
    except UnicodeDecodeError:
        decoded = [_decode_key(k.replace(b"\n", b"")) for k in keys]
        return [w for w, _ in decoded], sum(bad for _, bad in decoded)


class _NpyOutput:
    """A new .npy file of float32 [n x dim], mapped for writing rows in order, hashed as it fills.

    The mapping is populated up front (MAP_POPULATE): writing 1.2 GB through page faults one
    4 KB page at a time cost 2.8 s here, populating it 0.13 s. Rows written are handed to the
    other core for sha256 as each block completes, so the checksum is ready when parsing ends.
    """

    def __init__(self, path: Path, n: int, dim: int, pool):
        import mmap

        header = np.lib.format.open_memmap(path, mode="w+", dtype=np.float32, shape=(n, dim))
        self.offset = header.offset
        del header
        self.fd = os.open(path, os.O_RDWR)
        size = os.fstat(self.fd).st_size
        flags = mmap.MAP_SHARED | getattr(mmap, "MAP_POPULATE", 0)
        self.map = mmap.mmap(self.fd, size, flags=flags)
        self.array = np.ndarray((n, dim), dtype=np.float32, buffer=self.map, offset=self.offset)
        self.bytes = memoryview(self.map)[self.offset :]
        self.hasher = hashlib.sha256(self.map[: self.offset])
        self.hashed = 0
        self.pool = pool
        self.pending = []

    def rows_done(self, rows: int) -> None:
        """Rows [0, rows) are written: hash the new ones on the other core."""
        end = rows * self.array.shape[1] * 4
        if end > self.hashed:
            self.pending.append(self.pool.submit(self.hasher.update, self.bytes[self.hashed : end]))
            self.hashed = end

    def finish(self) -> str:
        self.rows_done(self.array.shape[0])
        for fut in self.pending:
            fut.result()
        if sys.byteorder == "big":  # the format is little-endian float32; re-hash after swapping
            self.array.byteswap(inplace=True)
            self.hasher = hashlib.sha256(self.map)
        self.map.flush()
        return self.hasher.hexdigest()

    def close(self) -> None:
        for fut in self.pending:
            fut.cancel()
        for fut in self.pending:
            if not fut.cancelled():
                try:
                    fut.result()
                except Exception:
                    pass
        self.pending.clear()
        del self.array
        self.bytes.release()
        try:
            self.map.close()
        except BufferError:  # a view is still referenced by an error's traceback; GC closes it
            pass
        os.close(self.fd)


def _read_binary(f, path, vectors, n, dim):
    # The hot loop of an import: per record, one find and two slices. Vector bytes are copied
    # through memoryviews into the (memory-mapped) output, with no numpy call per row.
    row_bytes = dim * 4
    out = vectors.bytes
    keys: list[bytes] = []
    buf = b""
    pos = 0
    i = 0
    chunk_size = 1 << 24
    while i < n:
        view = memoryview(buf)
        find = buf.find
        end = len(buf)
        while i < n:
            sp = find(b" ", pos)
            start = sp + 1
            if sp < 0 or start + row_bytes > end:
                break
            keys.append(buf[pos:sp])
            o = i * row_bytes
            out[o : o + row_bytes] = view[start : start + row_bytes]
            pos = start + row_bytes
            i += 1
        vectors.rows_done(i)
        if i == n:
            break
        view.release()
        more = f.read(chunk_size)
        if not more:
            raise InputError(f"{path}: truncated after {i:,} of {n:,} vectors; "
                             "re-download the file or pass --limit")
        buf = buf[pos:] + more
        pos = 0
    return _decode_keys(keys)


def _read_text(f, path, vectors, n, dim):
    words = []
    bad = 0
    for i in range(n):
        line = f.readline()
        if not line:
            raise InputError(f"{path}: truncated after {i:,} of {n:,} vectors; "
                             "re-download the file or pass --limit")
        parts = line.rstrip(b"\r\n").rstrip(b" ").split(b" ")
        if len(parts) != dim + 1:
            raise InputError(f"{path}:{i + 2}: expected a word and {dim} numbers, got {len(parts) - 1} numbers")
        word, was_bad = _decode_key(parts[0])
        bad += was_bad
        words.append(word)
        try:
            vectors.array[i] = np.array(parts[1:], dtype=np.float32)
        except ValueError as e:
            raise InputError(f"{path}:{i + 2}: not a number in the vector of {word!r}") from e
    return words, bad


def export_model(model: Model, fmt: str, out) -> list[Path]:
    """Write word2vec-bin, word2vec-txt, or projector (vectors.tsv + metadata.tsv). Atomic per file."""
    out = Path(out)
    if fmt == "projector":
        out.mkdir(parents=True, exist_ok=True)
        vec_path, meta_path = out / "vectors.tsv", out / "metadata.tsv"
        _atomic(vec_path, lambda f: np.savetxt(f, np.asarray(model.vectors), delimiter="\t", fmt="%.6g"))
        _atomic(meta_path, lambda f: f.write("".join(f"{w}\n" for w in model.words).encode("utf-8")))
        return [vec_path, meta_path]
    vectors = np.asarray(model.vectors, dtype=np.float32)

    def write(f):
        f.write(f"{len(model.words)} {model.dim}\n".encode())
        if fmt == "word2vec-bin":
            little = vectors.astype("<f4", copy=False)
            for w, row in zip(model.words, little):
                f.write(w.encode("utf-8") + b" " + row.tobytes() + b"\n")
        else:
            for w, row in zip(model.words, vectors):
                f.write((w + " " + " ".join(f"{x:.6g}" for x in row) + "\n").encode("utf-8"))

    _atomic(out, write)
    return [out]


def _atomic(path: Path, write) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        with open(tmp, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
