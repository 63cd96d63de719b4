"""The explorer's whole-model map as a question: its parameters read and bounded by the questions'
one reader (the same map however it was asked, so that a warmed map answers the page's first ask),
and the page `plot` itself writes (w2vkit.pictures.plotting.map_page) for it."""

from __future__ import annotations

from dataclasses import dataclass

from ..base.choices import TEXT_COLUMN
from ..base.render import shell_line
from ..errors import UsageError
from ..operations.declared import PLOT
from ..operations.parameters import Parameter
from ..operations.requests import command_line, page_value
from .questions import Session, colour_column, similarity_asked

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
    column: str | None = None  # the table's column whose groups colour it (--by unless asked)
    rows: bool = False  # a point per row of the table (w2vkit.pictures.rowmap), not per word
    chart: str | None = None  # the table's column charted for the page's selection


# (plot's declared parameters, read from the page as every question's are; the colour is the page's own)
MAP_COLOUR = Parameter("colour", "choice", "What colours the words", choices=("clusters", "groups", "frequency"))
MAP_COLUMN = Parameter("column", "word", "The table's column whose groups colour the words", least=0)
MAP_OF = Parameter("of", "choice", "What a point is: a word, or a row of the table", choices=("words", "rows"))


def map_question(session: Session, params: dict) -> MapQuestion:
    """The map asked for, its parameters read and bounded by the questions' one reader
    (w2vkit.operations.requests.page_value): the same map however it was asked."""
    words = tuple(page_value(PLOT.parameter("words"), params) or ())
    clusters = page_value(PLOT.parameter("clusters"), params)
    # (with a table the map is coloured by its groups unless asked otherwise: a period's region)
    colour = page_value(MAP_COLOUR, params) or ("groups" if session.table else "clusters")
    if colour == "groups" and session.table is None and not session.colourable:
        raise UsageError(
            "colour=groups needs a table (start explore with --in TABLE --by COLUMN) or a model's metadata"
        )
    by_groups = colour == "groups" and not words
    by_frequency = colour == "frequency" and not words
    if page_value(MAP_OF, params) == "rows":  # (the table's rows, coloured by --by's groups)
        if session.table is None:
            raise UsageError("of=rows maps a table's rows: start explore with --in TABLE --by COLUMN")
        method = page_value(PLOT.parameter("method"), params) or "pca"
        chart = page_value(PLOT.parameter("chart"), params)
        chart = colour_column(session, chart) if chart else None
        return MapQuestion(0, method, None, (), similarity_asked(session, params), True, False, session.by, True, chart)
    return MapQuestion(
        page_value(PLOT.parameter("top"), params) or len(session.engine().model),
        page_value(PLOT.parameter("method"), params) or "pca",
        None if words or by_groups or by_frequency else (MAP_CLUSTERS if clusters is None else clusters) or None,
        words,
        similarity_asked(session, params),
        by_groups,
        by_frequency,
        colour_column(session, page_value(MAP_COLUMN, params)) if by_groups else None,
        chart=colour_column(session, chart) if (chart := page_value(PLOT.parameter("chart"), params)) else None,
    )


def map_page_of(session: Session, asked: MapQuestion) -> str:
    """The whole-model map: `plot`'s own HTML page (w2vkit.pictures.plotting.map_page) of the `top`
    most frequent words, coloured by k-means clusters or by the given words and their neighbours,
    showing the `plot` command line that writes the same map. How far a t-SNE has got is kept in
    `session.drawing` for the page that waits for it."""
    from ..pictures.plotting import map_page

    engine = session.engine(asked.similarity)
    progress = lambda done, total: session.drawing.__setitem__(asked, (done, total))  # noqa: E731
    if asked.rows:
        from ..pictures.rowmap import row_map_page

        table, text = session.table, session.text_column or TEXT_COLUMN
        return row_map_page(
            engine, table, str(session.by), text_column=text, method=asked.method, progress=progress, chart=asked.chart
        )
    coloured = asked.groups
    return map_page(
        engine, list(asked.words), with_neighbours=bool(asked.words), command=shell_line(map_command(session, asked)),
        top=asked.top, method=asked.method, clusters=asked.clusters, frequency=asked.frequency,
        groups=session.leanings_of(asked.column) if coloured else None,
        chart=(asked.chart, session.leanings_of(asked.chart)) if asked.chart else None,
        progress=progress,
    )  # fmt: skip


def map_command(session: Session, asked: MapQuestion) -> list[str]:
    """`plot`'s command line for the map asked (its declaration writes it): the same words, places
    and colours."""
    table = {"by": asked.column} if asked.groups else {}
    table |= {"chart": asked.chart} if asked.chart else {}
    if table and session.table is not None:  # (without a table: the model's metadata's columns)
        table["table"] = str(session.table)
    if table and session.text_column and session.text_column != TEXT_COLUMN:
        table["text_column"] = session.text_column
    given = {"words": list(asked.words), "top": None if asked.words else asked.top, "method": asked.method}
    given |= {"clusters": asked.clusters, "frequency": asked.frequency, **table}
    return [*session.base_command("plot", asked.similarity), *command_line(PLOT, given), "-o", "map.html"]
