"""Pictures of a word's path through ordered groups (`w2vkit contrast ... -o trajectory.png`): the
word's vector in each period, joined by arrows, among the words nearest to it in any period, as
Hamilton, Leskovec & Jurafsky (2016) draw semantic change. The coordinates come from
w2vkit.findings.contrasts.grouprows (in the contrast's JSON); labels in a CJK font."""

from __future__ import annotations

import logging
from pathlib import Path

from ..base.files import note_read
from ..base.render import terminal_safe
from ..errors import UsageError
from .axisplot import check_axis_output

log = logging.getLogger(__name__)

MAX_PANELS = 6  # words drawn side by side; the rest are in the JSON
FAINT_BELOW = 0.5  # a neighbour fewer of the resampled members find than this share is drawn faint


def check_trajectory_output(output, font: str | None = None, inputs=()) -> str:
    """The picture's format (png, svg, pdf) and the font file given, checked before any work (a
    contrast can take minutes; a font that is no font should not wait for it). The picture may not
    land on the font or on any of `inputs` (the table), through a link or not: both are recorded as
    read first, so the check that refuses a write into the model refuses them too."""
    if font is not None:
        from .fonts import find_cjk_font

        find_cjk_font(font)
    for path in (*inputs, *([font] if font else [])):
        note_read(path)
    return check_axis_output(output)


def draw_trajectories(trajectories: list[dict], output: str | Path, *, font: str | None = None) -> Path:
    """Draw each word's path (w2vkit.findings.contrasts.grouprows's dicts) in a panel of its own, written
    atomically to `output` (.png, .svg, .pdf).

    Raises
    ------
    UsageError
        No word has vectors in two groups (nothing to draw).
    """
    from .plotting import draw_labelled

    fmt, output, shown = panels(
        trajectories, output, "no word has occurrences in two of the groups: there is no path to draw", "words", "path"
    )
    words = [p["word"] for t in shown for p in [t, *t["neighbours"]]]
    draw_labelled(lambda plt, text_kw, choice: _draw(plt, shown, text_kw, choice), output, fmt, font, words)
    return output


def panels(items: list[dict], output, empty: str, what: str, each: str) -> tuple[str, Path, list[dict]]:
    """A picture of a panel per item (a word's path, a number's curve): its format, its path and
    the items drawn (the first MAX_PANELS, said when there are more); UsageError `empty` for none."""
    fmt = check_trajectory_output(output)
    if not items:
        raise UsageError(empty)
    if len(items) > MAX_PANELS:
        log.warning("warning: drew the first %d of %d %s (the JSON has every %s)", MAX_PANELS, len(items), what, each)
    return fmt, Path(output), items[:MAX_PANELS]


def _label_dy(points: list[dict], i: int) -> int:
    """Where point i's label goes, in points: above it when it lies above the path's nearest other
    point, below when below (so two near points' labels part), in turn when level with it."""
    others = [q for j, q in enumerate(points) if j != i]
    if not others:
        return 7
    p = points[i]
    near = min(others, key=lambda q: (q["x"] - p["x"]) ** 2 + (q["y"] - p["y"]) ** 2)
    span = (max(q["y"] for q in points) - min(q["y"] for q in points)) or 1.0
    if abs(p["y"] - near["y"]) < 0.05 * span:
        return 7 if i % 2 else -15
    return 7 if p["y"] > near["y"] else -15


def _change_label(point: dict) -> str:
    low, high = point.get("low"), point.get("high")
    interval = f" ({low:.3f}–{high:.3f})" if low is not None and high is not None else ""
    return f"{point['change']:.3f}{interval}"


def _draw(plt, shown: list[dict], text_kw: dict, choice):
    """The figure: a panel per word, its path among its neighbours."""
    from .plotting import palette

    fig, axes = plt.subplots(1, len(shown), figsize=(6.2 * len(shown), 5.8), squeeze=False)
    groups = list(dict.fromkeys(p["group"] for t in shown for p in t["points"]))
    colour = dict(zip(groups, palette(len(groups))))
    for ax, path in zip(axes[0], shown):
        word = terminal_safe(path["word"])
        for n in path["neighbours"]:
            ax.scatter([n["x"]], [n["y"]], s=14, color=colour[n["group"]], alpha=0.45)
            label = terminal_safe(n["word"])
            faint = n.get("recurrence") is not None and n["recurrence"] < FAINT_BELOW
            ax.annotate(label, (n["x"], n["y"]), xytext=(3, 2), textcoords="offset points",
                        color="#bbb" if faint else "#555", fontsize=10, parse_math=False, **text_kw)  # fmt: skip
        points = path["points"]
        for a, b in zip(points, points[1:]):
            ax.annotate("", xy=(b["x"], b["y"]), xytext=(a["x"], a["y"]),
                        arrowprops={"arrowstyle": "-|>", "color": "#333", "lw": 1.6})  # fmt: skip

        for i, p in enumerate(points):
            ax.scatter([p["x"]], [p["y"]], s=70, color=colour[p["group"]], edgecolor="#222", zorder=3)
            ax.annotate(f"{word} ({terminal_safe(p['group'])})", (p["x"], p["y"]), xytext=(6, _label_dy(points, i)),
                        textcoords="offset points", fontsize=12, fontweight="bold", parse_math=False, **text_kw)  # fmt: skip
        steps = [f"{terminal_safe(a['group'])} → {terminal_safe(b['group'])}  {_change_label(b)}"
                 for a, b in zip(points, points[1:]) if b.get("change") is not None]  # fmt: skip
        if steps:  # (each arrow's change and 90% interval, in a corner: on a short arrow they covered the points)
            ax.text(0.01, 0.01, "\n".join(steps), transform=ax.transAxes, fontsize=9, color="#a33", va="bottom",
                    parse_math=False, **text_kw)  # fmt: skip
        ax.set_title(word, parse_math=False, **text_kw)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.margins(0.18)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    handles = [plt.Line2D([], [], marker="o", ls="", color=colour[g], label=terminal_safe(g)) for g in groups]
    fig.legend(
        handles=handles, loc="lower center", ncol=len(groups), frameon=False, prop=choice.properties if choice else None
    )
    import textwrap

    members = any(n.get("recurrence") is not None for t in shown for n in t["neighbours"])
    title = ("the word's vector in each group, among its nearest words (coloured by the group they are nearest in); "
             "in a corner, each arrow's change with its 90% interval"
             + (f"; light grey: a neighbour fewer than {FAINT_BELOW:.0%} of the resampled members find" if members else ""))  # fmt: skip
    # (wrapped to the figure: one panel is narrower than the sentence, which was cut at both ends)
    fig.suptitle(textwrap.fill(title, 80 * len(shown)), fontsize=10, color="#444")
    fig.tight_layout(rect=(0, 0.06, 1, 0.95))
    return fig
