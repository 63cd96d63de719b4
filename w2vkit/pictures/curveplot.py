"""Pictures of a regression's number (`w2vkit contrast 月 --by year ... -o curve.png`): for each
word, the cosine of its fitted vector to a few words across the number's range (5th to 95th
percentile of its occurrences), each with its jackknife band (90%, or --level), as a line per word. The curves
come from w2vkit.findings.contrasts.regression (the result's fields["curves"]); a number drawn as 690
groups was unreadable."""

from __future__ import annotations

import logging
from pathlib import Path

from ..base.render import terminal_safe
from .trajectoryplot import panels

log = logging.getLogger(__name__)


def draw_curves(curves: list[dict], output: str | Path, *, font: str | None = None) -> Path:
    """Draw each word's curves in a panel of its own (a panel per word and number), written
    atomically to `output` (.png, .svg, .pdf).

    Raises
    ------
    UsageError
        No word could be fitted (nothing to draw).
    """
    from .plotting import draw_labelled

    fmt, output, shown = panels(
        curves, output, "no word could be fitted on the number: there is no curve to draw", "curves", "curve"
    )
    words = [w for c in shown for w in [c["word"], c["covariate"], *(line["word"] for line in c["lines"])]]
    draw_labelled(lambda plt, text_kw, choice: curve_figure(plt, shown, text_kw), output, fmt, font, words)
    return output


def curve_figure(plt, shown: list[dict], text_kw: dict):
    """The figure: a panel per curve, a line and band per named word, its name at the line's end
    (names moved apart where two ends meet)."""
    from .plotting import palette

    fig, axes = plt.subplots(1, len(shown), figsize=(6.2 * len(shown), 5.2), squeeze=False)
    for ax, curve in zip(axes[0], shown):
        xs = curve["values"]
        colours = palette(len(curve["lines"]))
        ends = []
        for colour, line in zip(colours, curve["lines"]):
            ax.fill_between(xs, line["low"], line["high"], color=colour, alpha=0.15, lw=0)
            ax.plot(xs, line["cosine"], color=colour, lw=2)
            ends.append([line["cosine"][-1], terminal_safe(line["word"]), colour])
        _spread_labels(ends, ax)
        for y, label, colour in ends:
            ax.annotate(label, (xs[-1], y), xytext=(6, 0), textcoords="offset points", va="center", color=colour,
                        fontsize=11, annotation_clip=False, parse_math=False, **text_kw)  # fmt: skip
        ax.set_title(f"{terminal_safe(curve['word'])} along {terminal_safe(curve['covariate'])}", parse_math=False,
                     **text_kw)  # fmt: skip
        ax.set_xlabel(terminal_safe(curve["covariate"]), parse_math=False, **text_kw)
        ax.set_ylabel("cosine of the fitted vector")
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    level = shown[0].get("level", 0.9)  # (a curve kept before --level: 90%)
    import textwrap

    title = ("each word's fitted vector across the number (the other covariates at the word's means): its cosine "
             f"to a few words, with a {level:.0%} jackknife band")  # fmt: skip
    # (wrapped to the figure, as the paths' title is: one panel is narrower than the sentence, which
    # was cut at both ends)
    fig.suptitle(textwrap.fill(title, 80 * len(shown)), fontsize=10, color="#444")
    fig.tight_layout(rect=(0, 0, 0.97, 0.92))
    return fig


def _spread_labels(ends: list[list], ax) -> None:
    """Move the end labels' heights apart (at least a 22nd of the panel's height), keeping their
    order, so that no name covers another."""
    low, high = ax.get_ylim()
    gap = (high - low) / 22
    ends.sort(key=lambda e: e[0])
    for before, after in zip(ends, ends[1:]):
        after[0] = max(after[0], before[0] + gap)
