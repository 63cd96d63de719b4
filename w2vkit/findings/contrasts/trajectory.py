"""A word's path through ordered groups (periods), as Hamilton, Leskovec & Jurafsky (2016) draw
semantic change: the word's vector in each group placed on a plane among the words nearest to it
in any group, so that one sees what it moves away from and towards.

The plane is the first two principal axes of the unit vectors drawn (the group vectors and their
neighbours), not t-SNE as in the paper: with twenty or thirty points t-SNE's layout changes with its
seed, and principal axes keep distances along them faithful. The coordinates are data (JSON-ready,
in the contrast's result); w2vkit.pictures.trajectoryplot draws them.
"""

from __future__ import annotations

import numpy as np

from ...base.vecmath import principal_plane
from ...queries.query import Engine

NEIGHBOURS_DRAWN = 6  # per group


def trajectory(word: str, groups: list[str], means: list[np.ndarray | None], engine: Engine, row: int) -> dict | None:
    """The word's group vectors (unit length; None for a group without occurrences) and each
    group's NEIGHBOURS_DRAWN nearest words (the word itself left out) on one plane:
    {"word", "points": [{"group", "x", "y"}], "neighbours": [{"word", "group", "x", "y"}]}; None
    when fewer than two groups have a vector."""
    placed = [(g, m) for g, m in zip(groups, means) if m is not None]
    if len(placed) < 2:
        return None
    near: dict[int, str] = {}
    for g, m in placed:
        for i in engine.nearest(m, NEIGHBOURS_DRAWN, exclude={row}).rows:
            near.setdefault(i, g)
    xy = principal_plane(np.vstack([m for _, m in placed] + [engine.unit_vector(i) for i in near]))
    words = engine.model.words
    k = len(placed)
    return {
        "word": word,
        "points": [{"group": g, "x": float(x), "y": float(y)} for (g, _), (x, y) in zip(placed, xy[:k])],
        "neighbours": [
            {"word": words[i], "group": g, "x": float(x), "y": float(y)} for (i, g), (x, y) in zip(near.items(), xy[k:])
        ],
    }


def paths(drawn: list[tuple], groups: list[str], engine: Engine) -> list[dict]:
    """Each word's path (trajectory), from (word, its row, its group means, {group: (change, low,
    high)}), each point with the change from the group before and its interval (written on the
    picture's arrows)."""
    out = []
    for word, row, means, changes in drawn:
        path = trajectory(word, groups, means, engine, row) if means else None
        if path is not None:
            for point in path["points"]:
                point.update(zip(("change", "low", "high"), changes.get(point["group"], (None,) * 3)))
            out.append(path)
    return out
