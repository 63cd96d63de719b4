"""A regression's curves drawn (w2vkit.pictures.curveplot): every text of the figure on its canvas."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from w2vkit.pictures.curveplot import curve_figure  # noqa: E402


def made_up_curve(word: str) -> dict:
    values = list(np.linspace(1014, 1040, 21))
    lines = [
        {"word": w, "cosine": list(0.3 + s * np.linspace(0, 0.1, 21)), "low": list(0.25 + s * np.linspace(0, 0.1, 21)),
         "high": list(0.35 + s * np.linspace(0, 0.1, 21))}
        for w, s in (("大王", 1), ("行李", -1), ("二郎", 0.5))
    ]  # fmt: skip
    return {"word": word, "covariate": "year", "values": values, "lines": lines, "level": 0.9}


@pytest.mark.parametrize("panels", [1, 2])
def test_every_text_of_a_curve_figure_lies_on_its_canvas(panels):
    """The title is a sentence longer than one panel is wide: it was cut at both ends of a
    one-panel picture (行者 along year) before it was wrapped."""
    fig = curve_figure(plt, [made_up_curve(w) for w in ("行者", "八戒")[:panels]], {})
    try:
        fig.canvas.draw()
        canvas = fig.bbox
        texts = [*fig.texts, *(t for ax in fig.axes for t in ax.texts), *(ax.title for ax in fig.axes)]
        assert fig.texts, "the figure has its title"
        for text in texts:
            box = text.get_window_extent()
            assert box.x0 >= canvas.x0 - 1 and box.x1 <= canvas.x1 + 1, (text.get_text(), box, canvas)
            assert box.y0 >= canvas.y0 - 1 and box.y1 <= canvas.y1 + 1, (text.get_text(), box, canvas)
    finally:
        plt.close(fig)
