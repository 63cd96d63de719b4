"""A vector index of a text's lines, built once and searched many times (`w2vkit index`,
`search --index`), so a corpus is not embedded again for every query.

Building streams the text: lines are embedded in chunks with the model's sentence vectors (SIF's
common component estimated once on the first SIF_COMPONENT_LINES lines with a known word, as
`search --in` does, and stored, so queries embed exactly as the index did); each vector is written
at unit length (cosine is then a dot product) to `vectors.f32` (float32, or float16 with half,
read memory-mapped), and each line's text to `texts.txt` with its offsets, so results show the
line without the text in memory (and stdin or compressed inputs work the same). Memory is a few
chunks, whatever the file's size.

Kinds: `flat`, exact search by blocks of rows (numpy, no extra needed); `ivf` and `hnsw` (Faiss,
`pip install w2vkit[index]`), approximate. `auto` picks flat below FLAT_BELOW lines, ivf above. The folder is
published atomically; a query refuses an index built by another model and says when the indexed
file has changed since.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import CorruptModelError, OptionError, UsageError

INDEX_FORMAT = "w2vkit-index"
INDEX_VERSION = 1
KINDS = ("auto", "flat", "ivf", "hnsw")
FLAT_BELOW = 200_000  # lines: below this the exact index answers in milliseconds anyway
CHUNK_LINES = 10_000
IVF_NPROBE = 64  # lists searched of about 4 sqrt(n): benchmarks/index.py measures the recall
HNSW_EF_SEARCH = 64
SCORE_BLOCK_ROWS = 262_144  # rows scored at a time by the exact search


@dataclass
class IndexHit:
    line: int  # 1-based line of the indexed file
    score: float
    text: str


@dataclass
class IndexInfo:
    path: Path
    lines: int
    empty: int
    kind: str
    seconds: float


def build_index(embedder, source: str, output, kind: str = "auto", half: bool = False, progress: bool = False):
    """Index every line of `source` (a file, a built-in corpus name, or "-") with `embedder`
    (w2vkit.embed.Embedder) into the folder `output` (module docstring)."""
    from .embed import SIF_COMPONENT_LINES, gram, iter_texts, remove_component, top_eigenvector
    from .files import check_not_input, sha256_of
    from .progress import progress_bar
    from .store import staging_dir

    if kind not in KINDS:
        raise OptionError(f"{{kind}} must be one of {', '.join(KINDS)}", "kind")
    started = time.perf_counter()
    output = Path(output)
    _check_index_output(output)
    if os.path.exists(source):
        check_not_input(output, [source])
    texts, stream = iter_texts(source)
    tmp = staging_dir(output)
    tmp.mkdir(parents=True, exist_ok=True)
    dtype = np.float16 if half else np.float32
    dim = embedder.vectors.shape[1]
    lines = empty = 0
    held, component, known = [], None, 0
    size = os.stat(stream.path).st_size if stream.path != "-" else None
    bar = progress_bar(size, progress, "index", unit="B", binary=True)
    try:
        with open(tmp / "vectors.f32", "wb") as vec_out, open(tmp / "texts.txt", "w", encoding="utf-8") as text_out:
            offsets = [0]

            def flush(chunk, raw, blank):
                nonlocal lines, empty
                vectors = raw if component is None else remove_component(raw, component)
                norms = np.linalg.norm(vectors, axis=1, keepdims=True)
                unit = np.where(norms > 0, vectors / np.maximum(norms, 1e-12), 0).astype(dtype)
                unit[blank] = 0
                vec_out.write(unit.tobytes())
                for text in chunk:
                    data = text.replace("\n", " ") + "\n"
                    text_out.write(data)
                    offsets.append(offsets[-1] + len(data.encode("utf-8")))
                lines += len(chunk)
                empty += len(blank)

            import itertools

            while chunk := list(itertools.islice(texts, CHUNK_LINES)):
                raw, blank = embedder.raw_vectors(chunk)
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
        if lines == 0:
            raise UsageError(f"{source}: no lines to index")
        np.save(tmp / "offsets.npy", np.asarray(offsets, dtype=np.int64))
        if component is not None:
            np.save(tmp / "component.npy", component.astype(np.float32))
        # auto: above FLAT_BELOW, ivf: on 1.13M lines it met recall@10 0.95 at 39x the exact speed and
        # built in a third of hnsw's time (benchmarks/index.py, docs/benchmarks.md)
        chosen = ("flat" if lines < FLAT_BELOW else "ivf") if kind == "auto" else kind
        if chosen != "flat":
            _build_faiss(tmp, lines, dim, dtype, chosen)
        st = os.stat(stream.path) if stream.path != "-" else None
        meta = {
            "format": INDEX_FORMAT,
            "format_version": INDEX_VERSION,
            "lines": lines,
            "empty": empty,
            "dim": dim,
            "dtype": "float16" if half else "float32",
            "kind": chosen,
            "metric": "cosine",
            "method": embedder.method,
            "model": str(embedder.model.path),
            "model_vectors_sha256": embedder.model.meta.get("vectors_sha256"),
            "source": {
                "path": str(Path(stream.path).resolve()) if st else "-",
                "size": st.st_size if st else None,
                "mtime_ns": st.st_mtime_ns if st else None,
            },
            "texts_sha256": sha256_of(tmp / "texts.txt"),
        }
        (tmp / "meta.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")
        _publish(tmp, output)
    finally:
        stream.close()
        if bar is not None:
            bar.close()
        if tmp.exists():
            import shutil

            shutil.rmtree(tmp, ignore_errors=True)
    return IndexInfo(output, lines, empty, chosen, time.perf_counter() - started)


def _check_index_output(output: Path) -> None:
    """The output must be new, empty or an index w2vkit built: nothing of the user's is replaced."""
    if output.is_symlink() or (output.exists() and not output.is_dir()):
        raise UsageError(f"{output}: exists and is not a folder; choose a new folder for the index")
    if output.is_dir() and any(output.iterdir()):
        try:
            ours = json.loads((output / "meta.json").read_text(encoding="utf-8")).get("format") == INDEX_FORMAT
        except (OSError, ValueError, AttributeError):
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


def _build_faiss(folder: Path, lines: int, dim: int, dtype, kind: str) -> None:
    faiss = _faiss()
    vectors = np.memmap(folder / "vectors.f32", dtype=dtype, mode="r", shape=(lines, dim))
    if kind == "hnsw":
        index = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = 80
    else:
        nlist = max(1, int(4 * np.sqrt(lines)))
        index = faiss.IndexIVFFlat(faiss.IndexFlatIP(dim), dim, nlist, faiss.METRIC_INNER_PRODUCT)
        sample = np.asarray(vectors[:: max(1, lines // (nlist * 40))], dtype=np.float32)
        index.train(sample)
    for start in range(0, lines, 100_000):
        index.add(np.ascontiguousarray(vectors[start : start + 100_000], dtype=np.float32))
    faiss.write_index(index, str(folder / f"{kind}.faiss"))


class VectorIndex:
    """An index folder opened for queries (vectors memory-mapped, texts read per hit)."""

    def __init__(self, path, model=None):
        path = Path(path)
        try:
            meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise UsageError(f"{path}: not a w2vkit index (no meta.json); build one with w2vkit index") from None
        except (ValueError, UnicodeDecodeError) as e:
            raise CorruptModelError(f"{path / 'meta.json'}: unreadable ({e}); build the index again") from None
        if not isinstance(meta, dict) or meta.get("format") != INDEX_FORMAT:
            raise UsageError(f"{path}: not a w2vkit index; build one with w2vkit index")
        self.path, self.meta = path, meta
        lines, dim = int(meta["lines"]), int(meta["dim"])
        dtype = np.float16 if meta.get("dtype") == "float16" else np.float32
        expected = lines * dim * np.dtype(dtype).itemsize
        vec = path / "vectors.f32"
        if not vec.is_file() or vec.stat().st_size != expected:
            raise CorruptModelError(f"{vec}: not the {expected:,} bytes meta.json says; build the index again")
        self.vectors = np.memmap(vec, dtype=dtype, mode="r", shape=(lines, dim))
        self.offsets = np.load(path / "offsets.npy", allow_pickle=False)
        if len(self.offsets) != lines + 1:
            raise CorruptModelError(
                f"{path / 'offsets.npy'}: {len(self.offsets) - 1:,} lines for {lines:,}; build again"
            )
        component = path / "component.npy"
        self.component = np.load(component, allow_pickle=False) if component.exists() else None
        if model is not None and model.meta.get("vectors_sha256") != meta.get("model_vectors_sha256"):
            raise UsageError(
                f"{path}: built with the model {meta.get('model')}, not {model.path} (another model embeds queries "
                "differently); query with that model, or build the index again"
            )

    def changed_source(self) -> str | None:
        """Why the indexed file is not what was indexed any more (None: unchanged or unknown)."""
        source = self.meta.get("source") or {}
        if source.get("path") in (None, "-"):
            return None
        try:
            st = os.stat(source["path"])
        except OSError:
            return f"{source['path']} is gone (the index still answers from its copy of the lines)"
        if (st.st_size, st.st_mtime_ns) != (source.get("size"), source.get("mtime_ns")):
            return f"{source['path']} has changed since it was indexed; results are from the old text: index it again"
        return None

    def text(self, row: int) -> str:
        with open(self.path / "texts.txt", "rb") as f:
            f.seek(int(self.offsets[row]))
            return f.read(int(self.offsets[row + 1] - self.offsets[row])).decode("utf-8").rstrip("\n")

    def search(self, query_vectors: np.ndarray, top: int = 10, exact: bool = False) -> list[list[tuple[int, float]]]:
        """The `top` (row, cosine) of each query vector, best first; exact: brute force whatever
        the kind."""
        q = np.asarray(query_vectors, dtype=np.float32)
        norms = np.linalg.norm(q, axis=1, keepdims=True)
        q = np.where(norms > 0, q / np.maximum(norms, 1e-12), 0).astype(np.float32)
        kind = self.meta.get("kind", "flat")
        if kind == "flat" or exact:
            return self._exact(q, top)
        index = self._approximate(kind)
        if kind == "hnsw":
            index.hnsw.efSearch = max(HNSW_EF_SEARCH, 2 * top)
        else:
            index.nprobe = IVF_NPROBE
        scores, rows = index.search(q, top)
        return [[(int(r), float(s)) for r, s in zip(rr, ss) if r >= 0 and s > -1e30] for rr, ss in zip(rows, scores)]

    def _approximate(self, kind: str):
        """The Faiss index, read once per opened index (memory-mapped where Faiss can)."""
        if getattr(self, "_faiss_index", None) is None:
            faiss = _faiss()
            path = str(self.path / f"{kind}.faiss")
            try:
                self._faiss_index = faiss.read_index(path, faiss.IO_FLAG_MMAP | faiss.IO_FLAG_READ_ONLY)
            except RuntimeError:  # (not every kind can be memory-mapped)
                self._faiss_index = faiss.read_index(path)
        return self._faiss_index

    def _exact(self, q: np.ndarray, top: int):
        n = len(self.vectors)
        best_scores = np.full((len(q), 0), -np.inf, dtype=np.float32)
        best_rows = np.zeros((len(q), 0), dtype=np.int64)
        for start in range(0, n, SCORE_BLOCK_ROWS):
            block = np.asarray(self.vectors[start : start + SCORE_BLOCK_ROWS], dtype=np.float32)
            scores = q @ block.T
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
            out.append([(int(rows[i]), float(scores[i])) for i in order if np.isfinite(scores[i])])
        return out


def search_index(embedder, index: VectorIndex, queries: list[str], top: int = 10, exact: bool = False):
    """Each query's hits (IndexHit), embedded as the index's lines were (its stored component)."""
    from .embed import remove_component

    raw, blank = embedder.raw_vectors(queries)
    if blank:
        raise UsageError(f"no word of {queries[blank[0]]!r} is in the model; try other words")
    vectors = raw if index.component is None else remove_component(raw, index.component)
    results = index.search(vectors, top, exact)
    return [[IndexHit(row + 1, score, index.text(row)) for row, score in hits] for hits in results]
