"""An index in Milvus: the vectors, first lines and texts w2vkit.sentences.vectorindex stages, put into a
Milvus collection (`w2vkit index FILE --to milvus:FILE.db` for Milvus Lite, embedded, one machine;
`--to milvus://HOST:PORT` for a Milvus server or cluster), and searched there (`search --index
milvus:…`). Needs pymilvus (`pip install 'w2vkit[milvus]'`).

A build writes a new collection, NAME__w2vkit_<time>, and only when it is complete and indexed
points the alias NAME at it (then drops the collection the alias pointed at before), so a query
never sees half an index and an interrupted build leaves the old one answering. A NAME that is a
collection of its own, or an alias to a collection w2vkit did not make, is refused before any work.
The index's meta.json (model checksum, options, SIF's common component) is a property of the
collection, so queries embed as the build did.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import numpy as np

from ..base.choices import DEFAULT_COLLECTION
from ..errors import CorruptModelError, OptionError, ServiceError, UsageError

META_PROPERTY = "w2vkit.meta"
BUILD_SUFFIX = "__w2vkit_"
INSERT_ROWS = 5_000
INSERT_BYTES = 16 << 20  # texts per insert call: Milvus takes at most 64 MB per request
SEARCH_QUERIES = 1_000  # queries per search call (Milvus takes at most 16,384)
MAX_TEXT_BYTES = 65_535  # Milvus's VARCHAR limit: a longer text is cut (its first line still names it)
CONNECT_SECONDS = 10
LITE_KEEPALIVE_MS = 3_600_000
MILVUS_KINDS = {"flat": "FLAT", "ivf": "IVF_FLAT", "hnsw": "HNSW"}
MILVUS_METRICS = {"cosine": "COSINE", "ip": "IP", "l2": "L2"}
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,200}$")


def _pymilvus():
    import logging
    import os

    try:
        import pymilvus
    except ImportError:
        raise UsageError("a Milvus index needs pymilvus: pip install 'w2vkit[milvus]'") from None
    if not os.environ.get("W2VKIT_DEBUG"):
        # pymilvus logs every failed call with its traceback, Milvus Lite's embedded gRPC server the
        # calls it does not implement, Faiss (loaded by Milvus Lite) how it loaded: w2vkit says what
        # failed in one line instead
        for name in ("pymilvus", "grpc", "milvus_lite", "faiss"):
            logging.getLogger(name).setLevel(logging.CRITICAL)
    return pymilvus


def parse_target(target: str) -> tuple[str, Path | None]:
    """(the uri pymilvus connects to, the local Milvus Lite path or None) of milvus:FILE.db or
    milvus://HOST:PORT."""
    rest = target[len("milvus:") :]
    if rest.startswith("//"):
        if not re.fullmatch(r"//[A-Za-z0-9.\-\[\]:]+:[0-9]{1,5}/?", rest):
            raise OptionError(f"{{output}} {target!r}: give milvus://HOST:PORT (or milvus:FILE.db)", "output")
        return "http:" + rest.rstrip("/"), None
    if not rest.endswith(".db"):
        raise OptionError(f"{{output}} {target!r}: a Milvus Lite file ends in .db (milvus:index.db)", "output")
    path = Path(rest).expanduser()
    if path.exists() and not (path.is_dir() and (path / "collections").is_dir()):
        raise UsageError(f"{path}: exists and is not a Milvus Lite database; choose a new .db path")
    return str(path), path


class MilvusTarget:
    """A connection to Milvus for one collection name (an alias w2vkit owns)."""

    def __init__(self, target: str, collection: str, for_reading: bool = False):
        if not _NAME.match(collection):
            raise OptionError(
                f"{{collection}} {collection!r}: letters, digits and _ only, not starting with a digit", "collection"
            )
        pymilvus = _pymilvus()
        self.target, self.collection = target, collection
        uri, self.path = parse_target(target)
        if for_reading and self.path is not None and not self.path.exists():  # (opening one would create it)
            raise UsageError(
                f"{self.path}: no such Milvus Lite database; build one with w2vkit index FILE {{output}} {target}",
                "output",
            )
        # Milvus Lite's in-process gRPC server allows a keepalive ping every 5 minutes: pymilvus's
        # 10 s pings during a long call (an HNSW index of a million rows) made it answer GOAWAY
        # "too_many_pings" and the build failed
        options = {"grpc_options": {"grpc.keepalive_time_ms": LITE_KEEPALIVE_MS}} if self.path is not None else {}
        try:
            self.client = pymilvus.MilvusClient(uri=uri, timeout=CONNECT_SECONDS, **options)
        except Exception as e:  # pymilvus raises MilvusException, and grpc/OS errors beneath it
            # (this process reuses its own Milvus Lite server, so a held lock means another process)
            if self.path is not None and _locked_elsewhere(self.path):
                raise ServiceError(
                    f"{self.path}: open in another process (Milvus Lite serves one process at a time); wait "
                    "for it to finish, or put the index on a Milvus server (milvus://HOST:PORT)"
                ) from None
            raise ServiceError(
                f"{target}: cannot reach Milvus ({_reason(e)}); check the address and that it runs"
            ) from None

    def close(self) -> None:
        try:
            self.client.close()
        except Exception:  # closing a connection that already failed: nothing left to keep
            pass

    def current(self) -> str | None:
        """The collection the alias points at (None: no alias yet); refuses a name that is not ours."""
        try:
            if self.collection in self.client.list_collections():
                raise UsageError(
                    f"{self.target}: {self.collection} is a collection w2vkit did not make; choose another {{collection}}",
                    "collection",
                )
            aliases = self.client.list_aliases().get("aliases", [])
            if self.collection not in aliases:
                return None
            name = self.client.describe_alias(self.collection)["collection_name"]
            props = self.client.describe_collection(name).get("properties", {})
        except UsageError:
            raise
        except Exception as e:
            raise ServiceError(f"{self.target}: Milvus refused the request ({_reason(e)})") from None
        if META_PROPERTY not in props:
            raise UsageError(
                f"{self.target}: the alias {self.collection} points at {name}, which w2vkit did not make; "
                "choose another {collection}",
                "collection",
            )
        return name

    def publish(self, folder: Path, meta: dict, progress: bool = False) -> None:
        """The staged index in `folder` into a new collection, then the alias switched to it."""
        from ..base.progress import progress_bar

        previous = self.current()
        self._drop_leftovers(previous)
        name = f"{self.collection}{BUILD_SUFFIX}{time.time_ns()}"
        rows, dim = int(meta["lines"]), int(meta["dim"])
        vectors = np.memmap(folder / "vectors.f32", dtype=np.float32, mode="r", shape=(rows, dim))
        offsets = np.load(folder / "offsets.npy")
        first_lines = np.load(folder / "lines.npy") if (folder / "lines.npy").exists() else None
        component = folder / "component.npy"
        stored = dict(meta, component=np.load(component).tolist() if component.exists() else None)
        client, pymilvus = self.client, _pymilvus()
        bar = progress_bar(rows, progress, "milvus", unit="line")
        try:
            schema = client.create_schema(auto_id=False)
            schema.add_field("id", pymilvus.DataType.INT64, is_primary=True)
            schema.add_field("line", pymilvus.DataType.INT64)
            schema.add_field("text", pymilvus.DataType.VARCHAR, max_length=MAX_TEXT_BYTES)
            schema.add_field("vector", pymilvus.DataType.FLOAT_VECTOR, dim=dim)
            client.create_collection(name, schema=schema, properties={META_PROPERTY: json.dumps(stored)})
            with open(folder / "texts.txt", "rb") as texts:
                for start in range(0, rows, INSERT_ROWS):
                    block = np.asarray(vectors[start : start + INSERT_ROWS], dtype=np.float32)
                    data, size = [], 0
                    for i, vector in enumerate(block):
                        row = start + i
                        text = texts.read(int(offsets[row + 1] - offsets[row]))
                        if not vector.any():  # a line with no known word: never a hit, not stored
                            continue
                        line = row + 1 if first_lines is None else int(first_lines[row])
                        data.append({"id": row, "line": line, "text": _cut(text), "vector": vector.tolist()})
                        size += len(text)
                        if size > INSERT_BYTES:
                            client.insert(name, data)
                            data, size = [], 0
                    if data:
                        client.insert(name, data)
                    if bar is not None:
                        bar.update(len(block))
            params = client.prepare_index_params()
            params.add_index(
                field_name="vector",
                index_type=MILVUS_KINDS[meta["kind"]],
                metric_type=MILVUS_METRICS[meta["metric"]],
                params=_build_params(meta["kind"], rows),
            )
            client.create_index(name, params)
            client.load_collection(name)
            if previous is None:
                client.create_alias(name, self.collection)
            else:
                client.alter_alias(name, self.collection)
        except BaseException as e:
            try:
                client.drop_collection(name)
            except Exception:  # the build's own failure is the one to report
                pass
            if isinstance(e, Exception) and not isinstance(e, (UsageError, OSError)):
                raise ServiceError(f"{self.target}: Milvus refused the index ({_reason(e)}); nothing changed") from None
            raise
        finally:
            if bar is not None:
                bar.close()
        if previous is not None:
            self._drop(previous)

    def _drop_leftovers(self, keep: str | None) -> None:
        """Collections of builds that were interrupted (ours, never pointed at by the alias)."""
        for name in self.client.list_collections():
            if name.startswith(self.collection + BUILD_SUFFIX) and name != keep:
                self._drop(name)

    def _drop(self, name: str) -> None:
        try:
            self.client.drop_collection(name)
        except Exception:  # a collection left behind costs space, not correctness; the next build retries
            pass


def _locked_elsewhere(path: Path) -> bool:
    """Whether another process holds the Milvus Lite database open (its advisory flock on LOCK)."""
    import fcntl

    lock = path / "LOCK"
    if not lock.is_file():
        return False
    try:
        with open(lock, "rb") as f:
            try:
                fcntl.flock(f, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except OSError:
                return True
            fcntl.flock(f, fcntl.LOCK_UN)
    except OSError:
        return False
    return False


def _build_params(kind: str, rows: int) -> dict:
    if kind == "ivf":
        return {"nlist": max(1, int(4 * np.sqrt(rows)))}
    if kind == "hnsw":
        return {"M": 32, "efConstruction": 80}
    return {}


def _cut(raw: bytes) -> str:
    text = raw.decode("utf-8").rstrip("\n")
    if len(text.encode("utf-8")) > MAX_TEXT_BYTES:
        text = text.encode("utf-8")[:MAX_TEXT_BYTES].decode("utf-8", "ignore")
    return text


def _reason(error: Exception) -> str:
    message = getattr(error, "message", None) or str(error) or type(error).__name__
    return " ".join(str(message).split())[:300]


def open_target(target: str, collection: str, for_writing: bool = False) -> MilvusTarget:
    """A connection for a build (checked before any work: the name must be free or ours)."""
    milvus = MilvusTarget(target, collection)
    if for_writing:
        try:
            milvus.current()
        except BaseException:
            milvus.close()
            raise
    return milvus


class MilvusIndex:
    """A collection built by w2vkit, opened for queries (hits carry their line and text)."""

    def __init__(self, target: str, collection: str):
        self._milvus = MilvusTarget(target, collection, for_reading=True)
        self.collection = collection
        name = self._milvus.current()
        if name is None:
            self._milvus.close()
            named = "" if collection == DEFAULT_COLLECTION else f" {{collection}} {collection}"
            raise UsageError(
                f"{target}: no w2vkit index named {collection}; build one with w2vkit index FILE {{output}} "
                f"{target}{named}",
                "output",
                "collection",
            )
        try:
            self.meta = json.loads(self._milvus.client.describe_collection(name)["properties"][META_PROPERTY])
            component = self.meta.pop("component", None)
        except (KeyError, ValueError, TypeError, AttributeError) as e:
            self._milvus.close()
            raise CorruptModelError(f"{target} ({name}): its w2vkit meta is unreadable ({e}); build it again") from None
        try:
            self._milvus.client.load_collection(name)  # (a collection is released when its server stops)
        except Exception as e:
            self._milvus.close()
            raise ServiceError(f"{target}: Milvus cannot load {name} ({_reason(e)})") from None
        self.component = None if component is None else np.asarray(component, dtype=np.float32)
        self.name = name
        self._found: dict[int, tuple[int, str]] = {}

    def search(self, query_vectors: np.ndarray, top: int = 10, exact: bool = False) -> list[list[tuple[int, float]]]:
        """The `top` (row, score) of each query, best first (scores as the local index gives them)."""
        kind = self.meta.get("kind")
        if exact and kind != "flat":
            raise UsageError(
                f"{self._milvus.target}: a {kind} collection answers approximately; build it with {{kind}} flat "
                "for exact answers",
                "kind",
            )
        l2 = self.meta.get("metric") == "l2"
        search_params = {"params": {"nprobe": 64} if kind == "ivf" else {"ef": max(64, 2 * top)}}
        queries = np.asarray(query_vectors, dtype=np.float32)
        results = []
        try:
            for start in range(0, len(queries), SEARCH_QUERIES):
                results += self._milvus.client.search(
                    self.collection,
                    data=[q.tolist() for q in queries[start : start + SEARCH_QUERIES]],
                    limit=top,
                    output_fields=["line", "text"],
                    anns_field="vector",
                    search_params=search_params,
                )
        except Exception as e:
            raise ServiceError(f"{self._milvus.target}: Milvus refused the search ({_reason(e)})") from None
        out = []
        for hits in results:
            found = []
            for hit in hits:
                row = int(hit["id"])
                self._found[row] = (int(hit["entity"]["line"]), hit["entity"]["text"])
                found.append((row, float(np.sqrt(max(hit["distance"], 0.0))) if l2 else float(hit["distance"])))
            # ties by line, as the local index orders them
            found.sort(key=lambda item: (item[1] if l2 else -item[1], self._found[item[0]][0]))
            out.append(found)
        return out

    def line(self, row: int) -> int:
        return self._found[row][0]

    def text(self, row: int) -> str:
        return self._found[row][1]

    def close(self) -> None:
        self._milvus.close()
