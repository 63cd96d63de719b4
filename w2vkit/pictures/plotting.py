"""Maps of the vector space: t-SNE (or PCA) of words, with labels that render in Chinese.

matplotlib draws CJK labels as empty boxes unless it is given a font that has them: the font given
with font=, else the first of the usual CJK fonts of Linux, macOS and Windows, else Noto Sans SC from
the font package w2vkit depends on (so a fresh install with no system font still renders). Labels
are placed by a greedy search around each point so they do not pile up.
"""

from __future__ import annotations

import inspect
import logging
import re
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, cast

import numpy as np

from ..base.choices import (
    DEFAULT_IMAGE_TOP,
    DEFAULT_NEIGHBORS,
    DEFAULT_PAGE_TOP,
    DEFAULT_PLOT_FOLDER,
    METHOD_NAMES,
    SIMILAR_RANK,
    TEXT_COLUMN,
)
from ..base.files import atomic_output, check_writable, is_stream
from ..base.progress import progress_callback
from ..base.render import terminal_safe
from ..errors import Named, UsageError
from ..queries.query import Engine
from .fonts import INSTALL_HINT, find_cjk_font
from .labelplacing import place_label_subset, place_labels
from .projection import (
    checked_colours,
    choose_words,
    cluster_groups,
    column_groups,
    frequency_groups,
    label_groups,
    of_characters,
    project,
    whole_map_layout,
)
from .webmap import map_data, render_html

if TYPE_CHECKING:
    from ..findings.leaning import Leanings

log = logging.getLogger(__name__)

FORMATS = (".png", ".svg", ".pdf", ".html")
# Above this many points a static image labels only a readable subset (the most frequent word of
# each free spot); the HTML map labels more as you zoom in.
MAX_IMAGE_LABELS = 400
# Past this many words a map is said on stderr to be slow: memory stays bounded (docs/commands.md "The
# interactive map" measures it), but the t-SNE takes minutes per 10,000 words on 2 cores and the
# page grows by ~0.27 MB per 1,000 words.
SLOW_MAP_WORDS = 100_000


@dataclass
class PlotResult:
    path: Path
    points: int
    labels: int
    groups: int
    font: str | None  # the family name, None when no CJK font was found
    font_source: str | None  # family, origin and file, for messages
    seconds: float
    warnings: list[str]


def output_format(output) -> str:
    """png, svg, pdf or html from the file name; png for a pipe or device."""
    output = Path(output)
    fmt = output.suffix.lower()[1:]
    if f".{fmt}" not in FORMATS:
        if not is_stream(output):
            raise UsageError(f"{output}: choose a .png, .svg, .pdf or .html file name")
        fmt = "png"  # a pipe or device (-o >(display), -o /dev/stdout): PNG
    return fmt


def default_output(engine: Engine, method: str) -> Path:
    """Where a map goes when no output is given: plots/<model>-<method>.png."""
    return Path(DEFAULT_PLOT_FOLDER) / f"{engine.model.path.name}-{method}.png"


def plot(
    engine: Engine,
    output: str | Path | None = None,
    words: Sequence[str] = (),
    *,
    neighbors: int = DEFAULT_NEIGHBORS,
    rank: str = SIMILAR_RANK,
    top: int | None = None,
    method: str = "tsne",
    font: str | None = None,
    seed: int = 0,
    title: str | None = None,
    progress: bool | Callable[[int, int], None] = False,
    clusters: int | None = None,
    table: str | Path | None = None,
    by: str | None = None,
    text_column: str = TEXT_COLUMN,
    frequency: bool = False,
    chart: str | None = None,
) -> PlotResult:
    """Map the `top` most frequent words, or the given words and their neighbours, to `output`:
    an image (.png/.svg/.pdf) or an interactive page (.html, see w2vkit.pictures.webmap).

    Parameters
    ----------
    engine : Engine
        The model's query engine.
    output : str or Path, optional
        The picture (.png, .svg, .pdf) or page (.html); None: plots/<model>-<method>.png.
    words : sequence of str
        Words to map, each with its nearest neighbours (empty: the most frequent words).
    neighbors : int
        Neighbours drawn around each given word: those w2vkit.queries.ensemble.similar lists.
    rank : {"model", "ensemble"}
        similar's order of them (on a model with members, the ensemble's can hold other words).
    top : int, optional
        How many frequent words without `words` (None: DEFAULT_IMAGE_TOP for an image,
        DEFAULT_PAGE_TOP for a page).
    method : {"tsne", "pca"}
        The projection to two dimensions.
    font : str, optional
        A font file for the labels (None: a CJK font found or bundled).
    seed : int
        t-SNE's random seed.
    title : str, optional
        The picture's title.
    progress : bool or callable
        A bar on stderr for a long t-SNE; a function(done, total) is called instead of a bar (the
        explorer's page says so while it waits).
    clusters : int, optional
        Without `words`: colour the words by this many k-means clusters of their vectors, each
        named by its most frequent words (None: one colour).
    table, by, text_column : optional
        Without `words`: colour each word by the group of the table's column `by` it leans to
        (w2vkit.findings.leaning; the table the model was trained on, its `text_column` read as
        contrast reads it), so that a period's vocabulary shows as a region. `by` without a table:
        a column of the metadata the model was imported with (its values, w2vkit.model.metadata).
    frequency : bool
        Without `words`: colour each word by how often the model saw it, in bands of ten (1-9,
        10-99, ...).
    chart : str, optional
        In an .html page: a chart of this column's groups among the words selected on the page
        (each word's lean in `table`, or its metadata's value), a bar clicked keeping its words.

    Returns
    -------
    PlotResult
        The file written, the words drawn and the seconds spent.

    Raises
    ------
    UnknownWordError
        A given word the model has no vector for.
    UsageError
        Too few words to draw, or an unknown method or file type.

    Examples
    --------
    >>> plot(Engine(load_model("models/xiyouji")), "map.png", ["孙悟空", "猪八戒"])  # doctest: +SKIP
    """
    started = time.perf_counter()
    output = Path(output) if output is not None else default_output(engine, method)
    fmt = output_format(output)
    colours = checked_colours(method, clusters, table, by, text_column, frequency, chart is not None)
    if top is None:
        top = DEFAULT_PAGE_TOP if fmt == "html" else DEFAULT_IMAGE_TOP
    if chart is not None and fmt != "html":
        raise UsageError("{chart} draws its chart in an .html page: give -o map.html", "chart")
    check_writable(output)
    # (a column's groups, each word's, read once: its leaning in the table, or the model's metadata)
    charted = (chart, column_groups(engine, table, chart, text_column)) if chart is not None else None
    if isinstance(colours, tuple):
        colours = column_groups(engine, colours[0], colours[1], text_column)
    # The font first: a bad --font must fail before a t-SNE that can take a minute. (An HTML map
    # uses the system's CJK fonts, else the bundled font's glyphs it inlines: fonts.page_font_face.)
    font_choice = find_cjk_font(font) if fmt != "html" else None
    if fmt == "html":
        page, points, ngroups = _page(
            engine, words, neighbors, rank, top, method, seed, title, progress, colours, chart=charted
        )
        with atomic_output(output) as f:
            f.write(page.encode("utf-8"))
        seconds = time.perf_counter() - started
        drawn_in = "the system's CJK font, else the bundled font's glyphs inlined"
        return PlotResult(output, points, points, ngroups, None, drawn_in, seconds, [])
    chosen, groups, is_query, xy, shown, legend, name = _layout(
        engine, words, neighbors, rank, top, method, seed, title, progress, fmt, colours
    )
    # matplotlib reports a missing glyph as a warning while laying out as well as while saving:
    # catch them over the whole drawing, for the caller (and the tests) to see.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig, ax, ngroups = _draw(
            engine,
            xy,
            shown,
            groups,
            is_query,
            bool(words) or legend is not None,
            font_choice.properties if font_choice else None,
            name,
            legend,
        )
        save_figure(fig, output, fmt)
    if font_choice is None and any(not w.isascii() for w in chosen):
        log.warning("warning: no CJK font found, Chinese labels are boxes; %s", INSTALL_HINT)
    return _plot_result(output, ax, ngroups, font_choice, started, [str(w.message) for w in caught])


def map_page(
    engine: Engine,
    words: Sequence[str] = (),
    *,
    with_neighbours: bool = True,
    command: str | None = None,
    groups: Leanings | None = None,  # (findings.leaning's, over the vocabulary)
    chart: tuple[str, Leanings] | None = None,  # (a column and its leanings, charted for a selection)
    **choices,
) -> str:
    """plot's interactive page (w2vkit.pictures.webmap) as a string, for a caller that serves it
    (the explorer's whole-model map) rather than writing a file: the same words, places and
    colours as `plot(..., "map.html")` writes. `choices` are plot's keyword arguments, read with
    plot's own signature and defaults (a name plot does not take is a TypeError), but for `font`,
    which a page does not take (w2vkit.pictures.fonts.page_font_face inlines one), and a table,
    whose groups colour the page as `groups` (w2vkit.findings.leaning.leanings of the vocabulary:
    the caller's, read once). Without `with_neighbours`, the page lists no word's neighbours (the
    explorer's, whose word view does: the lists of 100,000 words take minutes). `command`: the
    command line shown as the one that writes the same map."""
    if {"font", "table", "by", "chart"} & set(choices):
        raise TypeError("map_page() takes no font (the page inlines its glyphs) and a table's groups as `groups`")
    asked = inspect.signature(plot).bind(engine, None, words, **choices)
    asked.apply_defaults()
    a = asked.arguments
    colours = checked_colours(a["method"], a["clusters"], None, None, a["text_column"], a["frequency"])
    colours = colours if groups is None else groups
    top = DEFAULT_PAGE_TOP if a["top"] is None else a["top"]
    return _page(
        engine, words, a["neighbors"], a["rank"], top, a["method"], a["seed"], a["title"], a["progress"], colours,
        with_neighbours, command, chart,
    )[0]  # fmt: skip


def _page(
    engine,
    words,
    neighbors,
    rank,
    top,
    method,
    seed,
    title,
    progress,
    colours,
    with_neighbours=True,
    command=None,
    chart=None,
) -> tuple[str, int, int]:
    """The page, how many words it draws and in how many groups."""
    chosen, groups, is_query, xy, shown, legend, name = _layout(
        engine, words, neighbors, rank, top, method, seed, title, progress, "html", colours
    )
    if engine.labels:  # (the page shows and searches "ID name")
        shown = [f"{w} {engine.name_of(w)}".strip() for w in chosen]
    group_names = legend or (list(words) if words else ["most frequent words"])
    data = map_data(engine, chosen, groups, is_query, xy, group_names, name, shown, with_neighbours)
    if command:
        data["command"] = command
    if chart is not None:  # (each word's group of a second column, charted for a selection)
        column, leaning = chart
        data["chart"] = {
            "column": column,
            "groups": leaning.groups,
            "group": [leaning.group[engine.model.index[w]] for w in chosen],
        }
    if not words and len(chosen) < len(engine.model):  # (what plot's rule left out of a whole-model map)
        data["left_out"] = (
            f"{len(chosen):,} of the model's {len(engine.model):,} words: stopwords, punctuation"
            + ("" if of_characters(engine.model, chosen) else " and single characters of a word model")
            + " left out"
        )
    if isinstance(colours, tuple) and not words:  # (the words that lean to no group: drawn grey)
        data["plain"] = len(group_names) - 1
    return render_html(data), len(chosen), max(groups) + 1


def _layout(engine, words, neighbors, rank, top, method, seed, title, progress, fmt, colours):
    """The words a map shows, their places and colours: (chosen, groups, query flags, xy, the
    labels shown, the legend's names or None, the title)."""
    chosen, groups, is_query = choose_words(engine, list(words), neighbors, top, rank)
    xy = _projected(engine, chosen, method, seed, progress, fmt, described=bool(words), top=top)
    name = title or f"{engine.model.path.name}: {METHOD_NAMES.get(method, 'PCA')} of {len(chosen)} words"
    shown, legend = chosen, None
    if engine.labels:  # an item model with labels: names on the points, colours by group
        shown = [engine.name_of(w) or w for w in chosen]
        if not words:
            groups, legend = label_groups(engine, chosen)
    if colours == "frequency" and not words:
        groups, legend = frequency_groups(engine, chosen)
    elif isinstance(colours, int) and not words:
        groups, legend = cluster_groups(engine, chosen, colours, seed)
    elif isinstance(colours, tuple) and not words:  # (findings.leaning's Leanings: each word's group)
        leaning = cast("Leanings", colours)
        groups, legend = [leaning.group[engine.model.index[w]] for w in chosen], leaning.groups
    return chosen, groups, is_query, xy, shown, legend, name


def _projected(engine, chosen, method: str, seed: int, progress, fmt: str, described: bool, top: int):
    """The words' 2-D places (t-SNE or PCA), saying first when a t-SNE will take long; a whole-model
    map's (no words asked) kept in the model's cache (w2vkit.pictures.projection.whole_map_layout)."""
    n = len(chosen)
    if n > SLOW_MAP_WORDS and method == "tsne":
        log.warning(
            Named(
                "warning: a t-SNE map of %s words takes tens of minutes%s; {top} %s or {method} pca is quicker",
                "top",
                "method",
            ),
            f"{n:,}",
            f" and makes a page of ~{n * 0.27 / 1000:,.0f} MB" if fmt == "html" else "",
            SLOW_MAP_WORDS,
        )
    if method in ("tsne", "umap"):
        log.info(
            "%s of %s...",
            "t-SNE" if method == "tsne" else "UMAP (its first run in a process compiles for about a minute)",
            "the words and their neighbours" if described else f"the {top:,} most frequent words",
        )
    log.debug("projecting %d words with %s ...", n, METHOD_NAMES.get(method, "PCA"))
    with progress_callback(progress, "t-SNE") as report:
        if not described:
            return whole_map_layout(engine, chosen, method, seed, report)
        return project(
            np.asarray(engine.vectors[[engine.model.index[w] for w in chosen]], dtype=np.float32), method, seed, report
        )


def _plot_result(output: Path, ax, ngroups: int, font_choice, started: float, messages: list[str]) -> PlotResult:
    """What was drawn (the small markers: one per word) and labelled, the font and matplotlib's messages."""
    for m in messages:
        log.debug("matplotlib: %s", m)
    drawn = sum(len(c.get_offsets()) for c in ax.collections if c.get_sizes()[0] < 50)
    labels = sum(1 for t in ax.texts if t.get_text())
    return PlotResult(
        output,
        drawn,
        labels,
        ngroups,
        font_choice.name if font_choice else None,
        font_choice.describe() if font_choice else None,
        time.perf_counter() - started,
        messages,
    )


def _draw(engine, xy, chosen, groups, is_query, with_words: bool, fontprops, title, legend_names=None):
    """The figure: points coloured by group, queries ringed, de-overlapped labels, legend, title.
    legend_names: a name per group (else each group is named by its query word)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    n = len(chosen)
    side = float(np.clip(np.sqrt(n) * 1.0, 7, 18))
    fontsize = float(np.clip(13 - np.log2(max(n, 2)), 7, 11))
    fig = Figure(figsize=(side, side * 0.8), dpi=110)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ngroups = max(groups) + 1
    cmap = palette(ngroups)
    marker = float(np.clip(14 * np.sqrt(300 / n), 1, 14))  # thousands of points: smaller dots
    xy = np.asarray(xy)
    # words from a corpus are data: control characters drawn as escapes (an SVG holding one is not
    # well-formed XML)
    chosen = [terminal_safe(w) for w in chosen]
    for g in range(ngroups):
        members = [i for i in range(n) if groups[i] == g]
        if not members:
            continue
        label = (legend_names[g] if legend_names else chosen[members[0]]) if with_words else None
        ax.scatter(xy[members, 0], xy[members, 1], s=marker, color=cmap[g], alpha=0.8, label=label)
        queries = [i for i in members if is_query[i]]
        if queries:
            ax.scatter(
                xy[queries, 0], xy[queries, 1], s=90, color=cmap[g], edgecolors="black", linewidths=1.2, zorder=3
            )
    text_kw = {"fontproperties": fontprops} if fontprops is not None else {}
    if n > MAX_IMAGE_LABELS:
        positions = place_label_subset(fig, ax, xy, chosen, fontsize, is_query, MAX_IMAGE_LABELS)
    else:
        positions = place_labels(fig, ax, xy, chosen, fontsize, is_query)
    for i, (word, position) in enumerate(zip(chosen, positions)):
        if position is None:
            continue
        dx, dy, ha, va = position
        ax.annotate(
            word,
            xy[i],
            xytext=(dx, dy),
            textcoords="offset points",
            ha=ha,
            va=va,
            fontsize=fontsize * (1.35 if is_query[i] else 1.0),
            fontweight="bold" if is_query[i] else "normal",
            color=cmap[groups[i]] if with_words else "#222222",
            parse_math=False,  # a word like $\\alpha$ is a word, not TeX
            **text_kw,
        )
    if with_words:
        legend = ax.legend(
            loc="best", fontsize=fontsize + 1, markerscale=2, title="group" if legend_names else "query (neighbours)"
        )
        if fontprops is not None:
            for t in legend.get_texts():
                t.set_fontproperties(fontprops)
        for t in legend.get_texts():
            t.set_parse_math(False)
    ax.set_title(title, parse_math=False, **text_kw)
    ax.set_xticks([])
    ax.set_yticks([])
    fig.tight_layout()
    return fig, ax, ngroups


def palette(k: int):
    from matplotlib import colormaps

    cmap = colormaps["tab10" if k <= 10 else "tab20"]
    return [cmap(i % cmap.N) for i in range(k)]


def save_figure(fig, output: Path, fmt: str) -> None:
    """Write atomically (a complete file or none), or stream to a pipe or device."""
    with atomic_output(output) as f:
        fig.savefig(f, format=fmt)


_MISSING = re.compile(r"Glyph (\d+) .*missing")  # (the number is the code point)


def draw_labelled(draw, output: Path, fmt: str, font: str | None, labels: list[str]) -> None:
    """A figure whose labels are words (contrast's paths, a regression's curves): `draw(text_kw,
    choice)` makes it in the CJK font found (or `font`), saved atomically. matplotlib warns of each
    glyph the font lacks, while laying out and while saving: caught over the whole drawing and said
    once, as is a missing CJK font when a label needs one."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    choice = find_cjk_font(font)
    text_kw = {"fontproperties": choice.properties} if choice else {}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig = draw(plt, text_kw, choice)
        save_figure(fig, output, fmt)
    plt.close(fig)
    missing = sorted({chr(int(m.group(1))) for w in caught if (m := _MISSING.search(str(w.message)))})
    if missing and choice is not None:
        log.warning(
            "warning: %d character%s no glyph in %s and %s drawn as a box (%s)",
            len(missing),
            " has" if len(missing) == 1 else "s have",
            choice.name,
            "is" if len(missing) == 1 else "are each",
            " ".join(missing[:5]),
        )
    if choice is None and any(not w.isascii() for w in labels):
        log.warning(Named("warning: no CJK font found, Chinese labels are boxes; give {font} FILE", "font"))
