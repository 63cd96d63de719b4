"""The explorer's whole-model map as a question: its parameters read and bounded by the questions'
one reader (the same map however it was asked, so that a warmed map answers the page's first ask),
and the page `plot` itself writes (w2vkit.pictures.plotting.map_page) for it."""

from __future__ import annotations

from dataclasses import dataclass

from ..base.choices import PLOT_METHODS, TEXT_COLUMN
from ..base.render import shell_line
from ..errors import UsageError
from ..operations.parameters import Parameter
from ..operations.requests import page_value
from .questions import Session, similarity_asked

MAP_MOST = 1_000_000  # (the limits table's most for `top`: the whole vocabulary unless asked)
MAP_CLUSTERS = 8  # (the page's default too)


@dataclass(frozen=True)
class MapQuestion:
    top: int
    method: str
    clusters: int | None
    words: tuple[str, ...]
    similarity: str | None
    groups: bool = False  # coloured by the session's table's groups (each word's leaning)
    frequency: bool = False  # coloured by how often each word occurs


MAP_WORDS = Parameter("words", "words", "The words drawn with their neighbours", least=0)
MAP_SIZE = Parameter("top", "count", "The most frequent words drawn", limit="top", page_most=MAP_MOST)
MAP_COLOURS = Parameter("clusters", "count", "Clusters coloured", limit="clusters")
MAP_METHOD = Parameter("method", "choice", "The projection", choices=PLOT_METHODS)
MAP_COLOUR = Parameter("colour", "choice", "What colours the words", choices=("clusters", "groups", "frequency"))


def map_question(session: Session, params: dict) -> MapQuestion:
    """The map asked for, its parameters read and bounded by the questions' one reader
    (w2vkit.operations.requests.page_value): the same map however it was asked."""
    words = tuple(page_value(MAP_WORDS, params) or ())
    clusters = page_value(MAP_COLOURS, params)
    # (with a table the map is coloured by its groups unless asked otherwise: a period's region)
    colour = page_value(MAP_COLOUR, params) or ("groups" if session.table else "clusters")
    if colour == "groups" and session.table is None:
        raise UsageError("colour=groups needs a table: start explore with --in TABLE --by COLUMN")
    by_groups = colour == "groups" and not words
    by_frequency = colour == "frequency" and not words
    return MapQuestion(
        page_value(MAP_SIZE, params) or len(session.engine().model),
        page_value(MAP_METHOD, params) or "pca",
        None if words or by_groups or by_frequency else (MAP_CLUSTERS if clusters is None else clusters) or None,
        words,
        similarity_asked(session, params),
        by_groups,
        by_frequency,
    )


def map_page_of(session: Session, asked: MapQuestion) -> str:
    """The whole-model map: `plot`'s own HTML page (w2vkit.pictures.plotting.map_page) of the `top`
    most frequent words, coloured by k-means clusters or by the given words and their neighbours,
    showing the `plot` command line that writes the same map. How far a t-SNE has got is kept in
    `session.drawing` for the page that waits for it."""
    from ..pictures.plotting import map_page

    engine = session.engine(asked.similarity)
    coloured = asked.groups
    return map_page(
        engine, list(asked.words), with_neighbours=bool(asked.words), command=shell_line(map_command(session, asked)),
        top=asked.top, method=asked.method, clusters=asked.clusters,
        table=session.table if coloured else None, by=session.by if coloured else None,
        text_column=session.text_column or TEXT_COLUMN, frequency=asked.frequency,
        progress=lambda done, total: session.drawing.__setitem__(asked, (done, total)),
    )  # fmt: skip


def map_command(session: Session, asked: MapQuestion) -> list[str]:
    """`plot`'s command line for the map asked: the same words, places and colours."""
    argv = [*session.base_command("plot", asked.similarity), *asked.words, "--method", asked.method]
    if not asked.words:
        argv += ["--top", str(asked.top)]
    if asked.clusters:
        argv += ["--clusters", str(asked.clusters)]
    if asked.frequency:
        argv += ["--frequency"]
    if asked.groups:
        argv += ["--in", str(session.table), "--by", str(session.by)]
        if session.text_column and session.text_column != TEXT_COLUMN:
            argv += ["--text-column", session.text_column]
    return [*argv, "-o", "map.html"]
