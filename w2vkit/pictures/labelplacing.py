"""Where a static map's labels go (`plot -o map.png`): each label beside its point, clear of the
labels placed before it, queries and the most frequent words first."""

from __future__ import annotations


def place_labels(fig, ax, xy, words, fontsize, is_query):
    """Greedy label placement in display space: each label takes the first of eight spots around
    its point whose box overlaps no label placed before it (queries first); if none is free, the
    least-overlapping spot. Written here because it is a few dozen lines and runs in milliseconds
    for 300 labels, where iterative force-based packages take seconds."""
    fig.canvas.draw()  # fixes the axes' transform
    pts = ax.transData.transform(xy)
    dpi_scale = fig.dpi / 72.0
    order = sorted(range(len(words)), key=lambda i: (not is_query[i], i))
    placed: list[tuple[float, float, float, float]] = []
    result: list[tuple[int, int, str, str] | None] = [None] * len(words)
    pad = 3
    spots = [
        (pad, pad, "left", "bottom"),
        (-pad, pad, "right", "bottom"),
        (pad, -pad, "left", "top"),
        (-pad, -pad, "right", "top"),
        (0, 2 * pad, "center", "bottom"),
        (0, -2 * pad, "center", "top"),
        (2 * pad, 0, "left", "center"),
        (-2 * pad, 0, "right", "center"),
    ]
    for i in order:
        size = fontsize * (1.35 if is_query[i] else 1.0) * dpi_scale
        w = sum(size if not ch.isascii() else size * 0.6 for ch in words[i])
        h = size * 1.2
        best: tuple[tuple[int, int, str, str], tuple[float, float, float, float]] | None = None
        best_overlap = None
        for dx, dy, ha, va in spots:
            x0 = pts[i][0] + dx * dpi_scale - (w if ha == "right" else w / 2 if ha == "center" else 0)
            y0 = pts[i][1] + dy * dpi_scale - (h if va == "top" else h / 2 if va == "center" else 0)
            box = (x0, y0, x0 + w, y0 + h)
            overlap = sum(_overlap(box, b) for b in placed)
            if best_overlap is None or overlap < best_overlap:
                best, best_overlap = ((dx, dy, ha, va), box), overlap
            if overlap == 0:
                break
        assert best is not None  # (spots is not empty)
        result[i] = best[0]
        placed.append(best[1])
    return result


def place_label_subset(fig, ax, xy, words, fontsize, is_query, limit):
    """For maps with more points than readable labels: in order (queries, then the most frequent
    words first), label a word to the upper right of its point only where the label overlaps no
    label placed before, up to `limit` labels; None for the others. Occupied space is kept on a
    grid of cells, so 20,000 points take well under a second."""
    fig.canvas.draw()
    pts = ax.transData.transform(xy)
    dpi_scale = fig.dpi / 72.0
    cell = 4.0
    occupied: set[tuple[int, int]] = set()
    result: list[tuple[int, int, str, str] | None] = [None] * len(words)
    placed = 0
    for i in sorted(range(len(words)), key=lambda i: (not is_query[i], i)):
        if placed >= limit:
            break
        size = fontsize * (1.35 if is_query[i] else 1.0) * dpi_scale
        w = sum(size if not ch.isascii() else size * 0.6 for ch in words[i])
        x0, y0 = pts[i][0] + 2 * dpi_scale, pts[i][1] + 2 * dpi_scale
        cells = {
            (cx, cy)
            for cx in range(int(x0 // cell), int((x0 + w) // cell) + 1)
            for cy in range(int(y0 // cell), int((y0 + size * 1.2) // cell) + 1)
        }
        if cells & occupied:
            continue
        occupied |= cells
        result[i] = (2, 2, "left", "bottom")
        placed += 1
    return result


def _overlap(a, b) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0.0
