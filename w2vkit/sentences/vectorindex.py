"""A vector index of a text's lines, built once and searched many times (`w2vkit index`,
`search --index`), so a corpus is not embedded again for every query.

Building streams the text: lines are embedded in chunks with the model's sentence vectors (SIF's
common component estimated once on the first SIF_COMPONENT_LINES lines with a known word, as
`search --in` does, and stored, so queries embed exactly as the index did); each vector is written
at unit length (cosine is then a dot product) to `vectors.f32` (float32, or float16 with half,
read memory-mapped), and each line's text to `texts.txt` with its offsets, so results show the
line without the text in memory (and stdin or compressed inputs work the same). Memory is a few
chunks, whatever the file's size.

Units: each line (the default, as `search --in`), each paragraph (lines between blank lines) or
each chapter (from one heading, 第…回 or CHAPTER …, to the next); a hit names the unit's first line.
Metrics: cosine (vectors stored at unit length), ip (inner product of the vectors as embedded) or
l2 (Euclidean distance, smaller is closer). Lines with no known word get a zero row that is never a
hit.

Kinds: `flat`, exact search by blocks of rows (numpy, no extra needed); `ivf` and `hnsw` (Faiss,
`pip install w2vkit[index]`), approximate. `auto` picks flat below FLAT_BELOW lines, ivf above. The folder is
published atomically; a query refuses an index built by another model and says when the indexed
file has changed since. A target `milvus:FILE.db` or `milvus://HOST:PORT` puts the same vectors,
lines and texts into a Milvus collection instead (w2vkit.sentences.milvusindex).
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..base.choices import DEFAULT_COLLECTION, INDEX_FLAT_BELOW, INDEX_KINDS, INDEX_METRICS, INDEX_UNITS
from ..base.records import RecordError, read_json
from ..base.trust import kept_json
from ..errors import CorruptModelError, OptionError, UsageError
from .indexfiles import INDEX_FORMAT, INDEX_VERSION, changed_source, check_meta, open_files

KINDS, METRICS, UNITS = INDEX_KINDS, INDEX_METRICS, INDEX_UNITS
FLAT_BELOW = INDEX_FLAT_BELOW  # units: below this the exact index answers in milliseconds anyway
CHUNK_LINES = 10_000
IVF_NPROBE = 64  # lists searched of about 4 sqrt(n): benchmarks/index.py measures the recall
HNSW_EF_SEARCH = 64
SCORE_BLOCK_ROWS = 262_144  # rows scored at a time by the exact search


@dataclass
class IndexHit:
    line: int  # 1-based line of the indexed file (a paragraph's or chapter's first line)
    score: float  # cosine or inner product (larger is closer), or L2 distance (smaller is closer)
    text: str


@dataclass
class IndexInfo:
    path: Path | str  # the folder, or the milvus target
    lines: int  # units indexed (lines, paragraphs or chapters)
    empty: int
    kind: str
    seconds: float
    metric: str = "cosine"
    unit: str = "line"


def is_milvus(target) -> bool:
    """Whether an index target names Milvus (milvus:FILE.db, milvus://HOST:PORT) not a folder."""
    return isinstance(target, str) and target.startswith("milvus:")


def build_index(
    embedder,
    source: str,
    output,
    kind: str = "auto",
    half: bool = False,
    progress: bool = False,
    *,
    metric: str = "cosine",
    unit: str = "line",
    collection: str | None = None,
):
    """Index every line (or paragraph, chapter: `unit`) of `source` (a file, a built-in corpus name,
    or "-") with `embedder` (w2vkit.sentences.embed.Embedder) into the folder `output`, or into a Milvus
    collection when `output` is milvus:FILE.db or milvus://HOST:PORT (module docstring)."""
    from ..base.files import check_not_input

    for value, allowed, name in ((kind, KINDS, "kind"), (metric, METRICS, "metric"), (unit, UNITS, "unit")):
        if value not in allowed:
            raise OptionError(f"{{{name}}} must be one of {', '.join(allowed)}, not {value!r}", name)
    started = time.perf_counter()
    milvus = None
    if is_milvus(output):
        from . import milvusindex

        if half:
            raise OptionError("{half} is for an index folder: Milvus stores float32 vectors", "half")
        milvus = milvusindex.open_target(output, collection or DEFAULT_COLLECTION, for_writing=True)
        if milvus.path is not None and os.path.exists(source):
            check_not_input(milvus.path, [source])
        folder = None
    else:
        folder = Path(output)
        _check_index_output(folder)
        if os.path.exists(source):
            check_not_input(folder, [source])
    try:
        tmp, meta = _write_index_files(embedder, source, folder, kind, half, metric, unit, progress)
        try:
            if milvus is not None:
                milvus.publish(tmp, meta, progress)
            elif folder is not None:
                _publish(tmp, folder)
        finally:
            if tmp.exists():
                import shutil

                shutil.rmtree(tmp, ignore_errors=True)
    finally:
        if milvus is not None:
            milvus.close()
    where: Path | str = str(output) if folder is None else folder
    seconds = time.perf_counter() - started
    return IndexInfo(where, meta["lines"], meta["empty"], meta["kind"], seconds, metric, unit)


def _write_index_files(embedder, source, folder, kind, half, metric, unit, progress):
    """The index's files in a staging folder (beside `folder`, or a temporary one for Milvus) and
    its meta; the caller publishes or uploads them."""
    import itertools
    import tempfile

    from ..base.progress import progress_bar
    from ..base.trust import HashedWriter
    from ..model.modelfolder import staging_dir
    from ..text.corpus.documents import iter_units
    from .embed import SIF_COMPONENT_LINES, gram, iter_texts, remove_component, top_eigenvector

    texts, stream = iter_texts(source)
    tmp = staging_dir(folder) if folder is not None else Path(tempfile.mkdtemp(prefix="w2vkit-index-"))
    dtype = np.float16 if half else np.float32
    dim = embedder.vectors.shape[1]
    rows = empty = 0
    held, component, known = [], None, 0
    size = os.stat(stream.path).st_size if stream.path != "-" else None
    bar = progress_bar(size, progress, "index", unit="B", binary=True)
    offsets, first_lines = [0], []
    try:
        # every file hashed as it is written (its checksum goes into meta.json; nothing read back)
        with HashedWriter(tmp / "vectors.f32") as vec_out, HashedWriter(tmp / "texts.txt") as text_out:

            def flush(chunk, raw, blank):
                nonlocal rows, empty
                vectors = raw if component is None else remove_component(raw, component)
                if metric == "cosine":
                    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
                    vectors = np.where(norms > 0, vectors / np.maximum(norms, 1e-12), 0)
                vectors = vectors.astype(dtype)
                vectors[blank] = 0
                vec_out.write(vectors.tobytes())
                for number, text in chunk:
                    data = (text.replace("\n", " ") + "\n").encode("utf-8")
                    text_out.write(data)
                    offsets.append(offsets[-1] + len(data))
                    first_lines.append(number)
                rows += len(chunk)
                empty += len(blank)

            units = iter_units(texts, unit, source)
            while chunk := list(itertools.islice(units, CHUNK_LINES)):
                raw, blank = embedder.raw_vectors([text for _, text in chunk])
                if embedder.method == "sif" and component is None and known < SIF_COMPONENT_LINES:
                    held.append((chunk, raw, blank))
                    known += len(chunk) - len(blank)
                    if known >= SIF_COMPONENT_LINES:
                        component = _component(held, SIF_COMPONENT_LINES, gram, top_eigenvector)
                        for item in held:
                            flush(*item)
                        held.clear()
                else:
                    flush(chunk, raw, blank)
                if bar is not None:
                    bar.update(stream.bytes_read - bar.n)
            if held:
                component = _component(held, SIF_COMPONENT_LINES, gram, top_eigenvector) if known >= 2 else None
                for item in held:
                    flush(*item)
        if rows == 0:
            raise UsageError(f"{source}: no lines to index")
        checksums = {"vectors.f32": vec_out.sha256, "texts.txt": text_out.sha256}
        checksums.update(_write_arrays(tmp, offsets, first_lines if unit != "line" else None, component))
        # auto: above FLAT_BELOW, ivf: on 1.13M lines it met recall@10 0.95 at 39x the exact speed and
        # built in a third of hnsw's time (benchmarks/index.py, docs/benchmarks.md)
        chosen = ("flat" if rows < FLAT_BELOW else "ivf") if kind == "auto" else kind
        if chosen != "flat" and folder is not None:
            checksums[f"{chosen}.faiss"] = _build_faiss(tmp, rows, dim, dtype, chosen, metric)
        counts = {"lines": rows, "empty": empty, "dim": dim, "kind": chosen, "metric": metric, "unit": unit}
        meta = _index_meta(embedder, stream, counts, half, checksums, tmp)
        (tmp / "meta.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")
    except BaseException:
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        stream.close()
        if bar is not None:
            bar.close()
    return tmp, meta


def _write_arrays(tmp: Path, offsets, first_lines, component) -> dict:
    """The index's arrays beside its vectors (each line's offset in texts.txt; for units other than
    lines, each unit's first line; SIF's removed component), each hashed as it is written."""
    from ..base.trust import HashedWriter

    arrays = {"offsets.npy": np.asarray(offsets, dtype=np.int64)}
    if first_lines is not None:
        arrays["lines.npy"] = np.asarray(first_lines, dtype=np.int64)
    if component is not None:
        arrays["component.npy"] = component.astype(np.float32)
    checksums = {}
    for name, array in arrays.items():
        with HashedWriter(tmp / name) as out:
            np.save(out, array, allow_pickle=False)
        checksums[name] = out.sha256
    return checksums


def _index_meta(embedder, stream, counts: dict, half: bool, checksums: dict, staged: Path) -> dict:
    """meta.json of an index: its format, sizes and kind (`counts`), the model and the source read,
    and each file's checksum and size as `staged` holds it (the one door's bounds: indexfiles)."""
    st = os.stat(stream.path) if stream.path != "-" else None
    return {
        "format": INDEX_FORMAT,
        "format_version": INDEX_VERSION,
        "lines": counts["lines"],
        "empty": counts["empty"],
        "dim": counts["dim"],
        "dtype": "float16" if half else "float32",
        "kind": counts["kind"],
        "metric": counts["metric"],
        "unit": counts["unit"],
        "method": embedder.method,
        "model": str(embedder.model.path),
        "model_vectors_sha256": embedder.model.meta.get("vectors_sha256"),
        "source": {
            "path": str(Path(stream.path).resolve()) if st else "-",
            "size": st.st_size if st else None,
            "mtime_ns": st.st_mtime_ns if st else None,
        },
        "texts_sha256": checksums["texts.txt"],
        "checksums": checksums,
        "sizes": {name: os.stat(staged / name).st_size for name in checksums},
    }


def _check_index_output(output: Path) -> None:
    """The output must be new, empty or an index w2vkit built: nothing of the user's is replaced."""
    if output.is_symlink() or (output.exists() and not output.is_dir()):
        raise UsageError(f"{output}: exists and is not a folder; choose a new folder for the index")
    if output.is_dir() and any(output.iterdir()):
        try:
            ours = read_json(output / "meta.json", "index record").get("format") == INDEX_FORMAT
        except RecordError:
            ours = False
        if not ours:
            raise UsageError(f"{output}: a folder that is not a w2vkit index; choose a new or empty folder")


def _publish(tmp: Path, output: Path) -> None:
    """The finished folder in place of the old index in one rename (the old one moved aside first)."""
    import shutil

    _check_index_output(output)  # again: it may have changed while the index was built
    if output.exists():
        old = output.with_name(f".{output.name}.old-{os.getpid()}")
        os.rename(output, old)
        os.rename(tmp, output)
        shutil.rmtree(old, ignore_errors=True)
    else:
        output.parent.mkdir(parents=True, exist_ok=True)
        os.rename(tmp, output)


def _component(held, limit, gram, top_eigenvector):
    total, room = 0, limit
    for _, raw, blank in held:
        rows = np.delete(raw, blank, axis=0)[:room]
        total, room = total + gram(rows), room - len(rows)
    return top_eigenvector(total)


def _faiss():
    try:
        import faiss
    except ImportError:
        raise UsageError(
            "the ivf and hnsw kinds need Faiss: pip install 'w2vkit[index]' (flat, exact search, works without it)"
        ) from None
    return faiss


def _build_faiss(folder: Path, rows: int, dim: int, dtype, kind: str, metric: str = "cosine") -> str:
    """The Faiss index of the staged vectors, holding only the rows with a known word (by row id),
    so a blank line is never a hit (under l2 a zero row would be as near as the query is long); the
    sha256 of its file, hashed as Faiss writes it."""
    from ..base.trust import HashedWriter

    faiss = _faiss()
    vectors = np.memmap(folder / "vectors.f32", dtype=dtype, mode="r", shape=(rows, dim))
    measure = faiss.METRIC_L2 if metric == "l2" else faiss.METRIC_INNER_PRODUCT
    if kind == "hnsw":
        graph = faiss.IndexHNSWFlat(dim, 32, measure)
        graph.hnsw.efConstruction = 80
        index = faiss.IndexIDMap(graph)
    else:
        nlist = max(1, int(4 * np.sqrt(rows)))
        quantizer = faiss.IndexFlatL2(dim) if metric == "l2" else faiss.IndexFlatIP(dim)
        index = faiss.IndexIVFFlat(quantizer, dim, nlist, measure)
        sample = np.asarray(vectors[:: max(1, rows // (nlist * 40))], dtype=np.float32)
        index.train(sample[sample.any(axis=1)])
    for start in range(0, rows, 100_000):
        block = np.ascontiguousarray(vectors[start : start + 100_000], dtype=np.float32)
        keep = block.any(axis=1)
        index.add_with_ids(block[keep], np.flatnonzero(keep).astype(np.int64) + start)
    with HashedWriter(folder / f"{kind}.faiss") as out:
        faiss.write_index(index, faiss.PyCallbackIOWriter(out.write))
    return out.sha256


class VectorIndex:
    """An index folder opened for queries (vectors memory-mapped, texts read per hit)."""

    def __init__(self, path, model=None):
        path = Path(path)
        if not os.path.lexists(path / "meta.json"):
            raise UsageError(f"{path}: not a w2vkit index (no meta.json); build one with w2vkit index")
        try:
            meta = kept_json(path, "meta.json", "index record")
        except RecordError as e:
            raise CorruptModelError(f"{e}; build the index again") from None
        check_meta(meta, path, model)
        # (every file opened once, by descriptor, and read only from it: w2vkit.base.trust)
        self.files = open_files(path, meta)
        self.path, self.meta = path, meta
        lines, dim = int(meta["lines"]), int(meta["dim"])
        dtype = np.float16 if meta.get("dtype") == "float16" else np.float32
        vec = self.files["vectors.f32"]
        self.vectors = np.memmap(vec.file, dtype=dtype, mode="r", shape=(lines, dim))
        self.offsets = self._array("offsets.npy", (lines + 1,))
        self.first_lines = self._array("lines.npy", (lines,)) if meta.get("unit", "line") != "line" else None
        self.component = self._array("component.npy", (None,)) if "component.npy" in self.files else None
        self.texts = self.files["texts.txt"]

    def _array(self, name: str, shape: tuple) -> np.ndarray:
        from ..base.records import RecordError

        kept = self.files[name]
        try:
            return kept.array("index file", shape=shape)
        except RecordError as e:
            raise CorruptModelError(f"{e}; build the index again") from None

    def changed_source(self) -> str | None:
        return changed_source(self.meta)

    def line(self, row: int) -> int:
        return row + 1 if self.first_lines is None else int(self.first_lines[row])

    def text(self, row: int) -> str:
        start, end = int(self.offsets[row]), int(self.offsets[row + 1])
        data = os.pread(self.texts.file.fileno(), max(end - start, 0), start)
        return data.decode("utf-8", errors="replace").rstrip("\n")

    def search(self, query_vectors: np.ndarray, top: int = 10, exact: bool = False) -> list[list[tuple[int, float]]]:
        """The `top` (row, score) of each query vector (prepared by query_vectors), best first;
        exact: brute force whatever the kind."""
        q = np.asarray(query_vectors, dtype=np.float32)
        kind = self.meta.get("kind", "flat")
        if kind == "flat" or exact:
            return self._exact(q, top)
        index = self._approximate(kind)
        if kind == "hnsw":
            _faiss().downcast_index(index.index).hnsw.efSearch = max(HNSW_EF_SEARCH, 2 * top)
        else:
            index.nprobe = IVF_NPROBE
        scores, rows = index.search(q, top)
        l2 = self.meta.get("metric") == "l2"
        return [
            [(int(r), float(np.sqrt(max(s, 0.0))) if l2 else float(s)) for r, s in zip(rr, ss) if r >= 0]
            for rr, ss in zip(rows, scores)
        ]

    def _approximate(self, kind: str):
        """The Faiss index, read once per opened index (memory-mapped where Faiss can)."""
        if getattr(self, "_faiss_index", None) is None:
            faiss = _faiss()
            kept = self.files[f"{kind}.faiss"]
            path = kept.fd_path()  # (the descriptor the door checked, not the name: w2vkit.base.trust)
            try:
                self._faiss_index = faiss.read_index(path, faiss.IO_FLAG_MMAP | faiss.IO_FLAG_READ_ONLY)
            except RuntimeError:  # (not every kind can be memory-mapped)
                try:
                    self._faiss_index = faiss.read_index(path)
                except RuntimeError as e:
                    raise CorruptModelError(f"{kept.path}: unreadable ({e}); build the index again") from None
        return self._faiss_index

    def _exact(self, q: np.ndarray, top: int):
        """Brute force by blocks of rows: larger scores are closer (under l2 the negated squared
        distance, turned into the distance at the end)."""
        l2 = self.meta.get("metric") == "l2"
        q_norms = (q * q).sum(axis=1)[:, None]
        n = len(self.vectors)
        best_scores = np.full((len(q), 0), -np.inf, dtype=np.float32)
        best_rows = np.zeros((len(q), 0), dtype=np.int64)
        for start in range(0, n, SCORE_BLOCK_ROWS):
            block = np.asarray(self.vectors[start : start + SCORE_BLOCK_ROWS], dtype=np.float32)
            scores = q @ block.T
            if l2:
                scores = 2 * scores - (block * block).sum(axis=1)[None, :] - q_norms
            scores[:, ~block.any(axis=1)] = -np.inf  # lines with no known word: never hits
            k = min(top, scores.shape[1])
            part = np.argpartition(-scores, k - 1, axis=1)[:, :k]
            best_scores = np.concatenate([best_scores, np.take_along_axis(scores, part, axis=1)], axis=1)
            best_rows = np.concatenate([best_rows, part + start], axis=1)
            if best_scores.shape[1] > top:
                keep = np.argpartition(-best_scores, top - 1, axis=1)[:, :top]
                best_scores = np.take_along_axis(best_scores, keep, axis=1)
                best_rows = np.take_along_axis(best_rows, keep, axis=1)
        out = []
        for rows, scores in zip(best_rows, best_scores):
            order = np.lexsort((rows, -scores))  # best first; ties by line, as search --in
            out.append(
                [
                    (int(rows[i]), float(np.sqrt(max(-scores[i], 0.0))) if l2 else float(scores[i]))
                    for i in order
                    if np.isfinite(scores[i])
                ]
            )
        return out


def open_index(target, model=None, collection: str | None = None):
    """An index folder (VectorIndex) or a Milvus collection (w2vkit.sentences.milvusindex.MilvusIndex, for
    milvus:FILE.db or milvus://HOST:PORT), checked against `model`."""
    if is_milvus(target):
        from .milvusindex import MilvusIndex

        index = MilvusIndex(target, collection or DEFAULT_COLLECTION)
        check_meta(index.meta, f"{target} ({index.collection})", model)
        return index
    return VectorIndex(target, model)


def query_vectors(embedder, index, queries: list[str]) -> np.ndarray:
    """The queries embedded as the index's lines were (its stored component, unit length under
    cosine)."""
    from .embed import remove_component

    raw, blank = embedder.raw_vectors(queries)
    if blank:
        raise UsageError(f"no word of {queries[blank[0]]!r} is in the model; try other words")
    vectors = raw if index.component is None else remove_component(raw, index.component)
    if index.meta.get("metric", "cosine") == "cosine":
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        vectors = np.where(norms > 0, vectors / np.maximum(norms, 1e-12), 0)
    return np.asarray(vectors, dtype=np.float32)


def search_index(embedder, index, queries: list[str], top: int = 10, exact: bool = False):
    """Each query's hits (IndexHit), best first, from an index folder or a Milvus collection."""
    results = index.search(query_vectors(embedder, index, queries), top, exact)
    return [[IndexHit(index.line(row), score, index.text(row)) for row, score in hits] for hits in results]
