"""Semantic search as a Result (w2vkit.base.results): the lines of a file embedded now, or an
index built once (w2vkit.sentences.vectorindex), ranked by their sentence vectors' closeness to
each query; provenance names the model, its view and where the lines came from."""

from __future__ import annotations

from ..base.choices import DEFAULT_COLLECTION, DEFAULT_SENTENCE_METHOD, DEFAULT_TOPN
from ..base.results import Result
from .embed import Embedder, search_file
from .vectorindex import changed_source, open_index, search_index


def search(
    engine,
    queries: str | list[str],
    *,
    source: str | None = None,
    index: str | None = None,
    collection: str = DEFAULT_COLLECTION,
    method: str = DEFAULT_SENTENCE_METHOD,
    topn: int = DEFAULT_TOPN,
    exact: bool = False,
    progress: bool = False,
) -> Result:
    """The lines nearest in meaning to each query: of the file `source` (embedded now, one query),
    or of the index at `index` (a folder or milvus:…, built by build_index; several queries).

    Parameters
    ----------
    engine : Engine
        The model's engine (for an index: the model it was built with).
    queries : str or list of str
        The query, or (with an index) several.
    source : str, optional
        A text file, or a built-in corpus (xiyouji), searched line by line.
    index : str, optional
        An index folder, or milvus:FILE.db / milvus://HOST:PORT.
    collection : str
        With a Milvus index: its collection.
    method : {"sif", "mean"}
        How a file's lines and the query are embedded (an index keeps its own).
    topn : int
        Hits per query.
    exact : bool
        With an approximate index: search exactly.
    progress : bool
        Show progress while a file is embedded.

    Returns
    -------
    Result
        Rows (line, score, text), with query first when several; distance for an l2 index.
    """
    if (source is None) == (index is None):
        raise TypeError("give source (a file, embedded now) or index (built by build_index), one of the two")
    if source is not None:
        if not isinstance(queries, str):
            raise TypeError("a file is searched for one query (a str); search several with an index")
        found = search_file(Embedder(engine.model, method), queries, source, top=topn, progress=progress)
        result = Result(
            "search",
            ["line", "score", "text"],
            [(h.line, h.score, h.text) for h in found.hits],
            {"query": queries},
            [],
            engine.provenance(source=str(source), method=method, topn=topn),
        )
        result.note(
            f"searched {found.lines:,} line{'' if found.lines == 1 else 's'} ({method}); {found.empty:,} blank or "
            "with no known word",
            kind="info",
        )
        return result
    opened = open_index(index, engine.model, collection)
    asked = [queries] if isinstance(queries, str) else list(queries)
    method = opened.meta.get("method", "sif")
    hits = search_index(Embedder(engine.model, method), opened, asked, topn, exact)
    many = len(asked) > 1
    measure = "distance" if opened.meta.get("metric") == "l2" else "score"
    rows = [(*([q] if many else []), h.line, h.score, h.text) for q, found in zip(asked, hits) for h in found]
    provenance = engine.provenance(index=str(index), method=method, topn=topn, exact=exact)
    result = Result("search", [*(["query"] if many else []), "line", measure, "text"], rows, {"queries": asked})
    result.provenance = provenance
    changed = changed_source(opened.meta)
    if changed:
        result.note(changed)
    kind = "flat" if exact else opened.meta["kind"]
    unit = opened.meta.get("unit", "line")
    result.note(
        f"searched {opened.meta['lines']:,} indexed {unit}s ({kind}, {opened.meta.get('metric', 'cosine')}) "
        f"for {len(asked):,} quer{'y' if len(asked) == 1 else 'ies'}",
        kind="info",
    )
    return result
