"""Words of a table's groups (w2vkit.findings.contrasts): the words a scan contrasts (seen often
enough in every group), the context words most typical of one group against the others, and what
a scan's permutations ran."""

from __future__ import annotations

import numpy as np

from ...base.vecmath import top_k
from ...queries.query import Engine
from ..alacarte import context_offsets
from ..tabledocs import Documents


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
