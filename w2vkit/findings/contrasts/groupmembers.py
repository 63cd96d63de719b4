"""A contrast's group vectors asked of the model's resampled members (issue 57): each member builds
the same group vector from its own vectors (its own à la carte transform, fitted on the same
documents, the word's occurrences in the group's blocks), and says which words are nearest to
it. A group's neighbour then carries its recurrence: the share of the members whose own nearest
words hold it. Members resample the text the model was trained on (w2vkit.model.members), so a
neighbour of low recurrence is one another draw of that text would likely not give.

The members answer through the one member call (w2vkit.queries.ensemble.member_views), as
similar's, expand's and axis's do; this module builds only what they are asked: the group vector.
"""

from __future__ import annotations

import dataclasses
import logging

import numpy as np

from ...base.progress import counted_with_bar
from ...errors import UsageError
from ...queries.ensemble import member_views, spreads
from ...queries.query import Engine
from ..alacarte import Corpus, transform
from ..tabledocs import Documents
from ..targets import Target, block_side
from .grouprows import COLUMNS, GROUP, NEIGHBOURS, NEIGHBOURS_DRAWN

log = logging.getLogger(__name__)

DEPTH = max(NEIGHBOURS - 1, NEIGHBOURS_DRAWN)  # (a row's neighbours, a trajectory's: one answer serves both)


class GroupMembers:
    """The members' side of a contrast over `docs`: each member's documents in its own rows and
    its transform, made once; then, per word and group, the members' answers."""

    def __init__(self, engine: Engine, docs: Documents, window: int):
        self.engine, self.docs, self.window = engine, docs, window
        self._made: dict[int, tuple[Documents, np.ndarray] | None] = {}
        self._sides: dict[tuple[int, str], object] = {}
        self._views_made: dict[tuple[str, int], list] = {}

    def prepare(self, member: Engine) -> tuple[Documents, np.ndarray] | None:
        """The documents as the member's rows, and its transform (None: too few words to fit one)."""
        key = id(member)
        if key not in self._made:
            index = member.model.index
            mapping = np.array([index.get(w, -1) for w in self.engine.model.words], dtype=np.int32)
            ids = self.docs.corpus.ids
            corpus = Corpus(np.where(ids >= 0, mapping[np.maximum(ids, 0)], -1).astype(np.int32),
                            self.docs.corpus.doc, self.docs.corpus.documents)  # fmt: skip
            try:
                self._made[key] = (
                    dataclasses.replace(self.docs, corpus=corpus),
                    transform(member, corpus, self.window),
                )
            except UsageError as e:  # (a member whose draw left too few frequent words: it has no answer)
                log.debug("member %s: %s", member.model.path, e)
                self._made[key] = None
        return self._made[key]

    def _side(self, member: Engine, target: Target):
        """The target's blocks in the member's space (None: the member lacks one of its words)."""
        key = (id(member), target.text)
        if key not in self._sides:
            made = self.prepare(member)
            words = self.engine.model.words
            sequences = [[member.model.index.get(words[r], -1) for r in seq] for seq in target.sequences]
            if made is None or any(r < 0 for seq in sequences for r in seq):
                self._sides[key] = None
            else:
                docs, a = made
                own = Target(target.text, sequences)
                self._sides[key] = (block_side(member, docs, a, own, self.window)[2], own.rows)
        return self._sides[key]

    def _views(self, target: Target, group: int):
        """Each member's answer (w2vkit.queries.ensemble.MemberView, None: it has none) for the
        target's vector in `group`, its DEPTH nearest words: asked once, read at any depth up to it."""
        key = (target.text, group)
        if key not in self._views_made:

            def group_vector(member: Engine):
                found = self._side(member, target)
                if found is None:
                    return None
                side, own = found
                mean = side.sums[side.group == group].sum(axis=0)
                norm = float(np.linalg.norm(mean))
                return (mean / norm, own) if norm > 0 else None

            self._views_made[key] = member_views(self.engine, group_vector, DEPTH)
        return self._views_made[key]

    def recurrence(self, target: Target, group: int, words: list[str], depth: int) -> list[float | None]:
        """The share of the members with each of `words` among their `depth` (at most DEPTH) nearest
        to the target's vector in `group`."""
        return [s.recurrence for s in spreads(self._views(target, group), words, min(depth, DEPTH))]


def ask_members(
    engine: Engine,
    docs: Documents,
    window: int,
    targets: dict[str, Target | None],
    rows: list,
    trajectories: list,
    progress: bool = False,
) -> int:
    """With members: each row's neighbours' recurrence put after their cosines (a list, as they are),
    and each trajectory neighbour's under "recurrence". How many members answered (0: none).
    progress: a bar over the members' transforms (fitted once per table and kept: 2 s each on
    西游记, then read)."""
    if not engine.members:
        return 0
    asked, near = GroupMembers(engine, docs, window), COLUMNS.index("neighbours")
    members = engine.members
    counted_with_bar(map(asked.prepare, members), len(members), progress, "members' transforms", "members")
    for row in rows:
        target = targets.get(row[0])
        shares: list[float | None] = []
        if row[near] and target is not None:
            shares = asked.recurrence(target, docs.groups.index(row[GROUP]), row[near], NEIGHBOURS - 1)
        row.insert(near + 2, shares)
    for path in trajectories:
        target = targets.get(path["word"])
        if target is None:
            continue
        by_group: dict[str, list[dict]] = {}
        for neighbour in path["neighbours"]:
            by_group.setdefault(neighbour["group"], []).append(neighbour)
        for group, drawn in by_group.items():
            words = [n["word"] for n in drawn]
            for neighbour, share in zip(
                drawn, asked.recurrence(target, docs.groups.index(group), words, NEIGHBOURS_DRAWN)
            ):
                neighbour["recurrence"] = share
    return len(engine.members)
