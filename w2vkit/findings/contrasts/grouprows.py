"""One word's rows of a group contrast (w2vkit.findings.contrasts), a row per group: its
occurrences, documents and blocks, the change from the group before (or from the rest) with its
interval and p, the group's nearest words and its most typical context words, and the cosines to
words the user named. Run in worker processes when `jobs` asks: each word's generator is seeded by
(seed, its place), so the numbers do not depend on the processes."""

from __future__ import annotations

from typing import Any

import numpy as np

from ...base.choices import HOLDS_BELOW
from ..permutation import compare_groups, cosines_to, observed_change
from ..targets import block_side
from .groupwords import typical_context
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
