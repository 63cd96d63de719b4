"""One word's rows of a group contrast (w2vkit.findings.contrasts), a row per group: its
occurrences, documents and blocks, the change from the group before (or from the rest) with its
interval and p, the group's nearest words and its most typical context words, and the cosines to
words the user named. Run in worker processes when `jobs` asks: each word's generator is seeded by
(seed, its place), so the numbers do not depend on the processes. Beside them, the words a scan
contrasts and what its permutations ran, and each word's path through ordered groups.

A word's path through ordered groups (periods), as Hamilton, Leskovec & Jurafsky (2016) draw
semantic change: the word's vector in each group placed on a plane among the words nearest to it
in any group, so that one sees what it moves away from and towards.

The plane is the first two principal axes of the unit vectors drawn (the group vectors and their
neighbours), not t-SNE as in the paper: with twenty or thirty points t-SNE's layout changes with its
seed, and principal axes keep distances along them faithful. The coordinates are data (JSON-ready,
in the contrast's result); w2vkit.pictures.trajectoryplot draws them."""

from __future__ import annotations

from typing import Any

import numpy as np

from ...base.choices import HOLDS_BELOW
from ...base.vecmath import principal_plane, top_k
from ...queries.query import Engine
from ..alacarte import context_offsets
from ..permutation import compare_groups, cosines_to, observed_change
from ..tabledocs import Documents
from ..targets import block_side
from .peers import REFERENCE, REFERENCE_MOST, similar_frequency

NEIGHBOURS = 8
CONTEXT_WORDS = 8


COLUMNS = (
    "word",
    "group",
    "vs",
    "occurrences",
    "documents",
    "blocks",
    "change",
    "low",
    "high",
    "percentile",
    "p",
    "q",
    "permutations",
    "neighbours",
    "cosines",
    "context",
    "context_z",
    "note",
)
GROUP, CHANGE, LOW, PERCENTILE, P, Q, PERMUTATIONS, OCCURRENCES, NOTE = (
    COLUMNS.index(c) for c in ("group", "change", "low", "percentile", "p", "q", "permutations", "occurrences", "note")
)
VS, NEAREST, COSINES, CONTEXT = (COLUMNS.index(c) for c in ("vs", "neighbours", "cosines", "context"))


_STATE: dict[str, Any] = {}


def begin(state: dict) -> None:
    """A worker's start: the state every word needs (the engine, the documents, the transform, …)."""
    _STATE.clear()
    _STATE.update(state)
    if state.get("threads"):  # (a worker of several: BLAS gets its share of the cores, not all of them)
        from threadpoolctl import threadpool_limits

        _STATE["limits"] = threadpool_limits(limits=state["threads"])


def contrast_word(item) -> tuple[list[list[Any]], str | None, list]:
    """One word's rows (a row per group); its own generator, seeded by (seed, its place), so the
    numbers are the same whatever the number of processes."""
    number, (word, target) = item
    s = _STATE
    engine, docs, a, window = s["engine"], s["docs"], s["a"], s["window"]
    min_occurrences = s["min_occurrences"]
    rng = np.random.default_rng([s["seed"], number])
    if target is None:
        return [], f"{word}: composed from character n-grams, so it has no occurrences to contrast", []
    own = target.rows
    pos, spans, side = block_side(engine, docs, a, target, window)
    means: list[np.ndarray | None] = [None] * len(docs.groups)
    group_of = docs.group[docs.corpus.doc[pos]]
    rows: list[list[Any]] = []
    for g, name in enumerate(docs.groups):
        mine = group_of == g
        occurrences = int(mine.sum())
        documents = len(np.unique(docs.corpus.doc[pos[mine]]))
        n_blocks = int((side.group == g).sum())
        base = g - 1 if docs.ordered else None
        change: dict = {}
        note = None
        if docs.ordered and g == 0:
            note = "first group"
        elif occurrences < min_occurrences:
            note = f"{occurrences} occurrences, under {min_occurrences}"
        else:
            other = (group_of == base) if base is not None else ~mine
            if int(other.sum()) < min_occurrences:
                note = f"{int(other.sum())} occurrences in {docs.groups[base] if base is not None else 'the rest'}"
            elif n_blocks < 2 or int(((side.group == base) if base is not None else (side.group != g)).sum()) < 2:
                note = "fewer than 2 blocks on a side"
            else:
                change = compare_groups(side, g, base, s["permutations"], s["bootstrap"], rng, s["first"], s["level"])
        near: list[tuple[str, float]] = []  # (the nearest words with their cosines)
        context: tuple[list[str], list[float]] = ([], [])  # (the most typical context words with their z)
        if occurrences:
            mean = side.sums[side.group == g].sum(axis=0)
            norm = float(np.linalg.norm(mean))
            if norm > 0:
                means[g] = mean / norm
                near = engine.nearest(means[g], NEIGHBOURS - 1, exclude=own).pairs
            if len(docs.groups) > 1:
                context = typical_context(docs, engine, pos, window, g, CONTEXT_WORDS, spans)
        vs = (docs.groups[base] if base is not None else "rest") if not (docs.ordered and g == 0) else None
        cosines: list[float | None] = []
        if s["to"] is not None and occurrences >= min_occurrences and n_blocks >= 2:  # (a generator of their own)
            found = cosines_to(
                side, g, s["to"], s["bootstrap"], np.random.default_rng([s["seed"], number, g, 1]), s["level"]
            )
            cosines = [c for triple in found for c in triple]
        rows.append(
            [
                word,
                name,
                vs,
                occurrences,
                documents,
                n_blocks,
                change.get("change"),
                change.get("low"),
                change.get("high"),
                None,
                change.get("p"),
                None,
                change.get("permutations"),
                [w for w, _ in near],
                [c for _, c in near],
                *context,
                note,
                *(cosines or [None] * (3 * len(s["to"]) if s["to"] is not None else 0)),
            ]
        )
    if s.get("counts") is not None:
        _place_among_similar(rows, target, s)
    return rows, _small_but_sure(rows), means


def _place_among_similar(rows: list[list[Any]], target, s: dict) -> None:
    """Each change's percentile among the changes, between the same groups, of REFERENCE words of
    about the word's frequency (a change at the median of its peers is no finding, whatever its p)."""
    from ..targets import Target

    docs = s["docs"]
    asked = [(k, k - 1 if docs.ordered else None) for k, r in enumerate(rows) if r[CHANGE] is not None]
    if not asked:
        return
    peers: dict[int, list[float]] = {k: [] for k, _ in asked}
    # (each peer's changes computed once per contrast, and only they are kept, not its sums: the
    # words of one call share most of their peers)
    changes = s.setdefault("peer_changes", {})
    for row in map(int, similar_frequency(s["counts"], s["comparable"], target.rows)):
        missing = [(k, base) for k, base in asked if (row, k, base) not in changes]
        if missing:
            peer = Target(s["engine"].model.words[row], [[row]])
            side = block_side(s["engine"], docs, s["a"], peer, s["window"], REFERENCE_MOST)[2]
            for k, base in missing:
                changes[row, k, base] = observed_change(side, k, base, s["min_occurrences"])
        for k, base in asked:
            if changes[row, k, base] is not None:
                peers[k].append(changes[row, k, base])
    for k, _ in asked:
        if peers[k]:
            rows[k][PERCENTILE] = 100.0 * float(np.mean(np.array(peers[k]) <= rows[k][CHANGE]))


def _small_but_sure(rows: list[list[Any]]) -> str | None:
    """A note for a change whose p is small but which most words of its frequency exceed."""
    for r in rows:
        if r[P] is not None and r[P] < 0.05 and r[PERCENTILE] is not None and r[PERCENTILE] < 50:
            return (
                f"{r[0]}, {r[GROUP]}: p {r[P]:.3g}, yet its change is no larger than those of {100 - r[PERCENTILE]:.0f}% "
                f"of {REFERENCE} words of its frequency (column percentile): surely there, and small"
            )
    return None


def scan_percentiles(rows: list[list[Any]], n: int = REFERENCE) -> None:
    """A scan's percentiles: each change among those of the `n` scanned words nearest to it in
    occurrences (its peers are already measured)."""
    measured = [r for r in rows if r[CHANGE] is not None]
    if len(measured) < 2:
        return
    logn = np.log(np.array([max(r[OCCURRENCES], 1) for r in measured], dtype=float))
    change = np.array([r[CHANGE] for r in measured])
    for i, r in enumerate(measured):
        distance = np.abs(logn - logn[i])
        distance[i] = np.inf
        peers = np.argsort(distance, kind="stable")[: min(n, len(measured) - 1)]
        r[PERCENTILE] = 100.0 * float(np.mean(change[peers] <= change[i]))


def scan_rows(rows: list[list[Any]], last: str, rank: str) -> list[list[Any]]:
    """A scan's rows: the last group's, in the order `rank` names (SCAN_RANKS: the changes that hold
    first, each part by the lower bound; the lower bound; the change), each carrying the earlier
    group's neighbours, cosines and context words, and each whose q is not below HOLDS_BELOW saying
    so in its note."""
    by = CHANGE if rank == "change" else LOW

    def order(r):
        held = r[Q] is not None and r[Q] < HOLDS_BELOW
        return (not held if rank == "held" else False, -(r[by] if r[by] is not None else -9))

    earlier = {(r[0], r[GROUP]): r for r in rows}  # (each word's row in the group it is compared with)
    out = sorted((r for r in rows if r[GROUP] == last), key=order)
    for r in out:
        before = earlier.get((r[0], r[VS]))
        r.extend([before[i] if before else [] for i in (NEAREST, COSINES, CONTEXT)])
        if r[CHANGE] is not None and not (r[Q] is not None and r[Q] < HOLDS_BELOW):
            r[NOTE] = "; ".join(filter(None, [r[NOTE], f"does not hold: q ≥ {HOLDS_BELOW}"]))
    return out


# ------------------------------------------------------------------ a scan's words, a group's typical context


def scanned_words(engine: Engine, docs: Documents, least: int, top: int) -> list[str]:
    """The words seen at least `least` times in each group, the `top` most frequent."""
    corpus = docs.corpus
    known = corpus.ids >= 0
    group = docs.group[corpus.doc]
    vocab = len(engine.model)
    per_group = [np.bincount(corpus.ids[known & (group == g)], minlength=vocab) for g in range(len(docs.groups))]
    enough = np.all(np.vstack(per_group) >= least, axis=0)
    total = np.sum(per_group, axis=0)
    rows = [int(r) for r in top_k(np.where(enough, total, -np.inf).astype(float), top)]
    return [engine.model.words[r] for r in rows]


def typical_context(
    docs: Documents, engine: Engine, pos: np.ndarray, window: int, group: int, n: int, spans: np.ndarray | None = None
) -> tuple[list[str], list[float]]:
    """The context words most typical of `group` against the others: log-odds with an informative
    Dirichlet prior (Monroe, Colaresi & Quinn 2008), the prior the contexts' counts over all groups
    (`spans`: each occurrence's length in tokens, its context after the span); and their z-scores."""
    corpus = docs.corpus
    offsets = context_offsets(window)
    after = (offsets > 0)[None, :] * ((spans[:, None] - 1) if spans is not None else 0)
    at = np.clip(pos[:, None] + offsets[None, :] + after, 0, len(corpus.ids) - 1)
    ok = (corpus.doc[at] == corpus.doc[pos][:, None]) & (corpus.ids[at] >= 0)
    mine = docs.group[corpus.doc[pos]] == group
    words_a = corpus.ids[at][ok & mine[:, None]]
    words_b = corpus.ids[at][ok & ~mine[:, None]]
    vocab = len(engine.model)
    ya = np.bincount(words_a, minlength=vocab).astype(np.float64)
    yb = np.bincount(words_b, minlength=vocab).astype(np.float64)
    prior = ya + yb
    alpha0 = 500.0
    alpha = alpha0 * prior / max(prior.sum(), 1)
    na, nb = ya.sum(), yb.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        delta = np.log((ya + alpha) / (na + alpha0 - ya - alpha)) - np.log((yb + alpha) / (nb + alpha0 - yb - alpha))
        z = delta / np.sqrt(1 / (ya + alpha) + 1 / (yb + alpha))
    z = np.where(ya > 0, z, -np.inf)
    best = top_k(z, n)
    return [engine.model.words[i] for i in best], [float(z[i]) for i in best]


def what_ran(rule: str, tested: list[tuple[int, float, int]]) -> str:
    """A scan's `permuted` field: the rule, then how many words were permuted how many times
    (`tested`: each row's word, p and permutations)."""
    from collections import Counter

    most: dict[int, int] = {}  # (each word's most permutations over its rows)
    for i, _, n in tested:
        most[i] = max(most.get(i, 0), n)
    counts = sorted(Counter(most.values()).items())
    said = "; ".join(f"{n:,} times for {k:,} word{'s' * (k != 1)}" for n, k in counts)
    more = "" if len(counts) > 1 else "; no word needed more"
    return f"{rule} (ran: {said}{more})" if counts else rule


# ------------------------------------------------------------------ a word's path through ordered groups

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
