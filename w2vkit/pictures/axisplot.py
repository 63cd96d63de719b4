"""Pictures of concept axes (`w2vkit axis -o FILE.png`): words placed along one axis, or on the
plane of two, with Chinese labels drawn in a CJK font (w2vkit.pictures.plotting.find_cjk_font)."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING

from ..base.files import STDOUT, atomic_output, check_writable, is_stream
from ..base.render import terminal_safe
from ..errors import Named, UsageError
from .fonts import find_cjk_font
from .plotting import output_format

log = logging.getLogger(__name__)

# Rows (words) an axis picture draws: the figure grows 0.32 inch a word, and 5,377 words made a
# 1500 x 258,246 px PNG of 2.4 GB. Beyond this, the highest and lowest halves are drawn (the table
# has every word); a plane labels this many points, the farthest from its centre.
MAX_DRAWN_WORDS = 200

if TYPE_CHECKING:
    from ..base.results import Result


def check_axis_output(output) -> str:
    """The image format of an axis picture's output (png, svg, pdf), or UsageError; OutputError
    when it cannot be written (into a model the command reads, a read-only place). Checked before
    the scores are printed."""
    if str(output) == STDOUT:
        raise UsageError("an axis picture is not written to standard output (it holds the table); give a file name")
    if os.path.isdir(output):
        raise UsageError(f"{output}: is a folder; give the picture's file name (.png, .svg or .pdf)")
    suffix = Path(output).suffix.lower()
    if suffix not in (".png", ".svg", ".pdf") and not is_stream(output):
        raise UsageError(f"{output}: an axis is drawn as an image; give a .png, .svg or .pdf name")
    check_writable(output)
    return output_format(Path(output))


def draw_axis(result: Result, output: str | Path, *, font: str | None = None) -> Path:
    """Draw what `axis` found: each word along the axis at the model's own cosine (with the 90%
    interval over members when the model has them), or, when it scored a second axis, a scatter
    on the two. Written atomically.

    Parameters
    ----------
    result : Result
        An axis result (w2vkit.findings.axes.axis).
    output : str or Path
        The picture (.png, .svg, .pdf).
    font : str, optional
        A font file for the labels (None: a CJK font found or bundled).

    Returns
    -------
    Path
        The picture written.

    Raises
    ------
    OutputError
        The picture cannot be written.

    Examples
    --------
    >>> engine = Engine(load_model("models/xiyouji"))  # doctest: +SKIP
    >>> draw_axis(axis(engine, ["善"], ["恶"]), "axis.png")  # doctest: +SKIP
    PosixPath('axis.png')
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fmt = check_axis_output(output)
    output = Path(output)
    choice = find_cjk_font(font)
    text_kw = {"fontproperties": choice.properties} if choice else {}
    rows = result.records()
    fields = result.fields
    words = [terminal_safe(r["word"]) for r in rows]  # (control characters: not well-formed SVG)
    own = "model" if "model" in result.columns else "score"  # (the model's own cosine; score: the estimate)
    xs = [r[own] for r in rows]
    x_label = terminal_safe(f"{' '.join(fields['negative'])}  ←→  {' '.join(fields['positive'])}")
    if "y_score" not in result.columns:
        order = sorted(range(len(words)), key=lambda i: xs[i])
        if len(order) > MAX_DRAWN_WORDS:
            log.warning(
                "drew the %d lowest and %d highest of %s words -> %s (the table lists them all)",
                MAX_DRAWN_WORDS // 2,
                MAX_DRAWN_WORDS // 2,
                f"{len(order):,}",
                output,
            )
            order = order[: MAX_DRAWN_WORDS // 2] + order[-(MAX_DRAWN_WORDS // 2) :]
        fig, ax = plt.subplots(figsize=(10, max(3.0, 0.32 * len(order) + 1)))
        spans = [(r.get("low"), r.get("high")) for r in rows]
        for row, i in enumerate(order):
            ax.plot([0, xs[i]], [row, row], color="#bbb", lw=1)
            low, high = spans[i]
            if low is not None:  # the 90% interval over members
                ax.plot([low, high or low], [row, row], color="#555", lw=4, alpha=0.35, solid_capstyle="butt")
            ax.plot([xs[i]], [row], "o", color="#c0392b" if xs[i] > 0 else "#2e6da4")
            ax.text(
                xs[i],
                row,
                f"  {words[i]}  ",
                va="center",
                ha="left" if xs[i] >= 0 else "right",
                parse_math=False,
                **text_kw,
            )
        ax.axvline(0, color="#888", lw=0.8)
        ax.set_yticks([])
        interval_note = "; bars: 90% intervals over resampled members" if any(lo is not None for lo, _ in spans) else ""
        ax.set_xlabel(f"cosine with the axis: {x_label}{interval_note}", parse_math=False, **text_kw)
        ends = [float(v) for span_ in spans for v in span_ if v is not None]
        span = max(abs(min(xs + ends)), abs(max(xs + ends)), 0.05) * 1.6
        ax.set_xlim(-span, span)
    else:
        ys = [r["y_score"] for r in rows]
        fig, ax = plt.subplots(figsize=(9, 8))
        ax.scatter(xs, ys, s=18, color="#2e6da4")
        labelled = sorted(range(len(words)), key=lambda i: -(abs(xs[i]) + abs(ys[i])))[:MAX_DRAWN_WORDS]
        if len(words) > MAX_DRAWN_WORDS:
            log.warning(
                "warning: labelled the %d words farthest from the centre of %s", MAX_DRAWN_WORDS, f"{len(words):,}"
            )
        for w, a, b in ((words[i], xs[i], ys[i]) for i in sorted(labelled)):
            ax.annotate(w, (a, b), xytext=(4, 3), textcoords="offset points", parse_math=False, **text_kw)
        ax.axvline(0, color="#888", lw=0.8)
        ax.axhline(0, color="#888", lw=0.8)
        ax.set_xlabel(x_label, parse_math=False, **text_kw)
        y_label = terminal_safe(f"{' '.join(fields['y_negative'])}  ←→  {' '.join(fields['y_positive'])}")
        ax.set_ylabel(y_label, parse_math=False, **text_kw)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    if choice is None and any(not w.isascii() for w in words):
        log.warning(Named("warning: no CJK font found, Chinese labels are boxes; give {font} FILE", "font"))
    with atomic_output(output) as f:
        fig.savefig(f, format=fmt, dpi=150)
    plt.close(fig)
    return output
