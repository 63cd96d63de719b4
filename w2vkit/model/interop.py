"""word2vec and fastText files in and out: `w2vkit import` and `w2vkit export`.

Import is the fast path for large published vectors (GloVe-sized files of GBs): the source is read
in chunks into a small ring of reusable buffers, parsed (binary or text) straight into a
vectors.npy written as it goes, while sha256 and BLAKE3 of the source are computed on threads of
their own; the result is a normal w2vkit model directory (w2vkit.model.store), published atomically.
Export writes word2vec binary/text or the Embedding Projector's two TSV files.
"""

from __future__ import annotations

import errno
import gzip
import os
import time
import zlib
from pathlib import Path

import numpy as np

from ..base.choices import EXPORT_FORMATS
from ..base.files import atomic_output, check_not_input, check_writable, sha256_of, write_atomic
from ..base.progress import progress_bar
from ..errors import InputError, OutputError, UsageError
from .metadata import keep_metadata, read_metadata
from .modelfolder import VECTORS, VOCAB, prepare_model_output, staged_model
from .store import Model, write_meta, write_vocab
from .w2vreader import ChunkReader, MappedReader, NpyWriter, decode_keys, parse_binary, parse_text

# No real embedding is wider (the largest published ones are 4,096): a header saying more is not a
# word2vec header.
MAX_IMPORT_DIM = 100_000


def import_word2vec(
    path: str | os.PathLike,
    target: str | os.PathLike,
    *,
    limit: int | None = None,
    binary: bool | None = None,
    progress: bool = False,
    metadata: str | os.PathLike | None = None,
) -> tuple[Path, dict]:
    """Import a word2vec .bin, word2vec/fastText text (.txt/.vec, optionally .gz), or the Embedding
    Projector's vectors.tsv (a row of tab-separated numbers per vector, its words in `metadata`)
    into a model dir, with the metadata kept beside (w2vkit.model.metadata).

    One pass over the source, a chunk at a time (a memory-mapped window of it, or a read buffer
    for .gz): each chunk goes to a background sha256 of the source, is parsed (binary: one regex
    scan for the keys and one numpy gather for the vectors, no Python work per word), appended to
    the new vectors.npy with plain writes and handed to a second background sha256; its words
    are decoded and written to vocab.tsv while the checksums run. Memory stays at a few chunks
    plus the words, whatever the file size. Against gensim's load_word2vec_format: docs/benchmarks.md
    "Benchmarks" (benchmarks/import.py).

    Parameters
    ----------
    path : str or Path
        The word2vec or fastText file.
    target : str or Path
        The model directory to create (new, empty, or a w2vkit model).
    limit : int, optional
        Read only the first `limit` vectors.
    binary : bool or None
        The file's format (None: by its content).
    progress : bool
        A bar on stderr (when a TTY).
    metadata : str or Path, optional
        A TSV of a row per vector, as the Projector takes it (one column: the word, no header;
        several: a header, the word first); its columns colour maps (`plot --by COLUMN`, explore).

    Returns
    -------
    tuple of (Path, dict)
        The model directory and its meta.json.

    Raises
    ------
    InputError
        A file that is not word2vec's format, or truncated, named with its line or offset.
    OutputError
        A target that holds something w2vkit did not make.

    Examples
    --------
    >>> import_word2vec("GoogleNews-vectors-negative300.bin", "models/news")  # doctest: +SKIP
    (PosixPath('models/news'), {...})
    """
    import gzip

    path = Path(path)
    if path.is_dir():
        raise InputError(f"{path}: is a directory; give a word2vec (.bin, .txt) or fastText (.vec) file")
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    projector = path.name.endswith((".tsv", ".tsv.gz"))
    if projector and metadata is None:
        raise UsageError(f"{path}: the Projector's vectors.tsv holds no words; give its metadata.tsv with --metadata")
    described = read_metadata(metadata) if metadata is not None else None  # (before any work)
    if binary is None and not projector:
        binary = looks_binary(path)
    started = time.perf_counter()
    target = Path(target)
    prepare_model_output(target, [path, *([metadata] if metadata is not None else [])])
    try:
        with staged_model(target) as tmp:
            if projector:
                return _import_projector(path, target, tmp, described, limit, started)
            return _import_into(path, target, tmp, limit, binary, progress, started, described)
    except (gzip.BadGzipFile, EOFError, zlib.error) as e:
        raise InputError(
            f"{path}: not a complete gzip file ({e}); re-download it, or decompress it and import the plain file"
        ) from e
    except OSError as e:
        if e.errno == errno.ENOSPC:
            raise OutputError(
                f"{target}: no space left on the device while importing {path} "
                f"({path.stat().st_size / 2**20:,.0f} MB source); free some space or choose "
                "another -o"
            ) from e
        raise


def looks_binary(path: Path) -> bool:
    """Whether a word2vec file is the binary format, by its content (names like vectors.w2v or
    x.word2vec-bin say nothing): a first record that reads as a word and DIM numbers is text (a
    word may hold a control character, which the import then names); else, after the header
    line, a text file holds only printable characters, tabs and line ends, while 4 KB of packed
    float32s hold control bytes."""
    with gzip.open(path, "rb") if path.suffix == ".gz" else open(path, "rb") as f:
        try:
            head = f.read(1 << 16)
        except (gzip.BadGzipFile, EOFError, zlib.error):
            return ".bin" in path.suffixes  # the import reports the broken file
    header, _, rest = head.partition(b"\n")
    line = rest.split(b"\n", 1)[0].rstrip(b"\r").replace(b"\t", b" ").rstrip(b" ").split(b" ")
    fields = header.split()
    if len(fields) == 2 and fields[1].isdigit() and len(line) == int(fields[1]) + 1:
        try:  # (a first record of a word and DIM numbers in text: text, whatever bytes the word holds)
            [float(x) for x in line[1:]]
            return False
        except ValueError:
            pass
    sample = rest[:4096]
    return any(b < 9 or 13 < b < 32 or b == 127 for b in sample)


def _read_header(header: bytes, path: Path) -> tuple[int, int]:
    """COUNT and DIM from a word2vec header line, or a one-line error."""
    if not header.strip():
        raise InputError(f"{path}:1: the first line is empty (or the file is); give a word2vec or fastText file")
    try:
        n, dim = (int(x) for x in header.split())
        if n < 0 or dim <= 0 or dim > MAX_IMPORT_DIM:
            raise ValueError(header)
    except ValueError as e:
        raise InputError(
            f"{path}:1: expected a header 'COUNT DIM', got {header[:40]!r}; is this a word2vec file?"
        ) from e
    return n, dim


def _drop_duplicate_keys(tmp: Path, words: list[str]) -> tuple[list[str], str]:
    """Duplicate keys (after UTF-8 repair) keep the first, more frequent, occurrence: the staged
    vectors and vocabulary are rewritten; the words and the new vectors' sha256."""
    first: dict[str, int] = {}
    keep = [first.setdefault(w, i) for i, w in enumerate(words) if w not in first]
    kept = np.load(tmp / VECTORS, mmap_mode="r", allow_pickle=False)[keep]
    words = [words[i] for i in keep]
    np.save(tmp / VECTORS, kept, allow_pickle=False)
    del kept
    write_vocab(tmp, words, np.arange(len(words), 0, -1))
    return words, sha256_of(tmp / VECTORS)


def _import_into(
    path: Path, target: Path, tmp: Path, limit, binary, progress, started, described: tuple | None = None
) -> tuple[Path, dict]:
    import gzip

    f = gzip.open(path, "rb") if path.suffix == ".gz" else open(path, "rb", buffering=0)
    with f, ChunkReader(f, path) if path.suffix == ".gz" else MappedReader(f) as reader:
        buf, pos, end = reader.next(b"")
        newline = buf.find(b"\n", pos, end)
        n, dim = _read_header(bytes(buf[pos : newline if newline >= 0 else min(end, 60)]), path)
        if limit:
            n = min(n, limit)
        words: list[str] = []
        seen: set[str] = set()
        bad_utf8 = 0
        # Each chunk's words are decoded and written out while the checksums of the chunks
        # before it run on the other threads.
        bar = progress_bar(n, progress, "import")
        try:
            with (
                NpyWriter(tmp / VECTORS, n, dim) as out,
                open(tmp / VOCAB, "w", encoding="utf-8", newline="\n") as vocab,
            ):
                parse = parse_binary if binary else parse_text
                for keys in parse(reader, buf, end, newline + 1, path, out, n, dim):
                    chunk, bad = decode_keys(keys, path, first=len(words))
                    bad_utf8 += bad
                    seen.update(chunk)
                    # The format has no counts: the count column keeps the rank (n .. 1).
                    rank = n - len(words)
                    vocab.write("".join([f"{w}\t{c}\n" for w, c in zip(chunk, range(rank, rank - len(chunk), -1))]))
                    words += chunk
                    if bar is not None:
                        bar.update(len(chunk))
                vectors_sha = out.finish()
                if out.first_non_finite is not None:
                    i = out.first_non_finite
                    raise InputError(
                        f"{path}: the vector of {words[i]!r} (record {i + 1:,}) holds NaN or infinity, which "
                        "no query can score; fix or remove that record"
                    )
        finally:
            if bar is not None:
                bar.close()
        source_digest = reader.source_blake3()
    given = len(words)
    if len(seen) != len(words):
        words, vectors_sha = _drop_duplicate_keys(tmp, words)
    twice = given - len(words)
    del seen
    meta = {
        "source": {
            "path": str(path),
            "size": path.stat().st_size,
            "blake3": source_digest,
            "format": "word2vec-bin" if binary else "word2vec-txt",
        },
        "imported_words": len(words),
        "keys_with_bad_utf8": bad_utf8,
        "keys_given_twice": twice,
        "timings": {"import_seconds": round(time.perf_counter() - started, 3)},
        "hyperparameters": {"dim": dim},
    }
    meta["vocab_sha256"] = sha256_of(tmp / VOCAB)
    if described is not None:  # (the metadata's rows of the words kept, by the word in its first column)
        meta["metadata"] = keep_metadata(tmp, described[0], described[1], words)
    write_meta(tmp, meta, len(words), dim, vectors_sha)
    return target, meta


def _import_projector(path: Path, target: Path, tmp: Path, described, limit, started) -> tuple[Path, dict]:
    """The Projector's vectors.tsv (numbers only) with its words from the metadata's first column
    (a word given twice keeps its first vector, as an import does)."""
    import warnings

    header, table = described
    try:  # (no more rows than the metadata names: a --limit of 10^12 would be allocated whole)
        with warnings.catch_warnings():  # (an empty file: said below, as a count that differs)
            warnings.simplefilter("ignore", UserWarning)
            rows = len(table) + 1 if limit is None else min(limit, len(table) + 1)
            vectors = np.loadtxt(path, delimiter="\t", dtype=np.float32, ndmin=2, max_rows=rows)
    except ValueError as e:
        why = str(e).split(";")[0][:120]
        raise InputError(f"{path}: not a table of numbers, a vector per row ({why})") from None
    if limit is not None:
        table = table[:limit]
    if len(vectors) != len(table):
        found = f"{len(vectors):,}" if len(vectors) <= len(table) else "more"
        raise InputError(f"{path}: {found} vectors for {len(table):,} rows of metadata; give a row per vector")
    if not np.isfinite(vectors).all():
        row = int(np.argmax(~np.isfinite(vectors).all(axis=1)))
        raise InputError(f"{path}:{row + 1}: the vector of {table[row][0]!r} holds NaN or infinity; fix or remove it")
    first: dict[str, int] = {}
    keep = [first.setdefault(cells[0], i) for i, cells in enumerate(table) if cells[0] not in first]
    words = [table[i][0] for i in keep]
    np.save(tmp / VECTORS, np.ascontiguousarray(vectors[keep]), allow_pickle=False)
    write_vocab(tmp, words, np.arange(len(words), 0, -1))  # (no counts: the rank, as an import keeps)
    meta = {
        "source": {
            "path": str(path),
            "size": path.stat().st_size,
            "sha256": sha256_of(path),
            "format": "projector-tsv",
        },
        "imported_words": len(words),
        "keys_with_bad_utf8": 0,
        "keys_given_twice": len(table) - len(words),
        "timings": {"import_seconds": round(time.perf_counter() - started, 3)},
        "hyperparameters": {"dim": int(vectors.shape[1])},
        "vocab_sha256": sha256_of(tmp / VOCAB),
    }
    meta["metadata"] = keep_metadata(tmp, header, table, words)
    write_meta(tmp, meta, len(words), int(vectors.shape[1]), sha256_of(tmp / VECTORS))
    return target, meta


def export_model(model: Model, fmt: str, out: str | os.PathLike) -> list[Path]:
    """Write a model as word2vec-bin, word2vec-txt, or projector (vectors.tsv + metadata.tsv, for
    the TensorFlow Embedding Projector). Each file is written atomically.

    Parameters
    ----------
    model : Model
        The model to export.
    fmt : {"word2vec-bin", "word2vec-txt", "projector"}
        The format.
    out : str or Path
        The file (a folder for projector).

    Returns
    -------
    list of Path
        The files written.

    Raises
    ------
    UsageError
        An unknown format, or an output that is the model's own file.
    OutputError
        An output that cannot be written.

    Examples
    --------
    >>> export_model(load_model("models/xiyouji"), "word2vec-bin", "xiyouji.bin")  # doctest: +SKIP
    [PosixPath('xiyouji.bin')]
    """
    out = Path(out)
    if fmt == "projector" or not out.is_dir():  # (a directory for a file format is refused below)
        check_not_input(out, [model.path], "export")
    check_writable(out, into=fmt == "projector")
    if fmt == "projector":
        out.mkdir(parents=True, exist_ok=True)
        vec_path, meta_path = out / "vectors.tsv", out / "metadata.tsv"
        with atomic_output(vec_path) as f:
            np.savetxt(f, np.asarray(model.vectors), delimiter="\t", fmt="%.6g")
        write_atomic(meta_path, "".join(f"{w}\n" for w in model.words))
        return [vec_path, meta_path]
    if fmt not in EXPORT_FORMATS:
        raise UsageError(f"unknown export format {fmt!r}; choose {', '.join(EXPORT_FORMATS)}")
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

    with atomic_output(out) as f:
        write(f)
    return [out]
