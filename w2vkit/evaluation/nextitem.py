"""Next-item evaluation of an item model, beside two baselines computed in the same run.

For each held-out sequence (history, then the item to predict): the query is the mean of the unit
vectors of the last HISTORY items of the history that the model knows; every item is scored by
cosine to it, the items already in the history are excluded, and the target's rank is read off
(an unknown target is a miss). Hit rate@k: the share of sequences whose target ranks within k;
MRR: the mean of 1/rank (0 past RANK_CUTOFF).

Baselines on the same sequences and the same exclusions: most popular items (by training count),
and item-item co-occurrence (each item a row of its co-occurrence counts within training
sequences; a candidate scored by its summed cosine to the last HISTORY items). Group coherence@k:
the share of an item's k nearest that share a group with it (labels), beside the share two random
items share a group.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..base.choices import NEXT_ITEM_K
from ..base.results import Result

HISTORY = 10
RANK_CUTOFF = 1000  # ranks past this count 0 in MRR (as the literature's truncated MRR)


@dataclass
class Scores:
    hit_rate: float
    mrr: float


@dataclass
class NextItemResult:
    k: int
    sequences: int  # held-out sequences evaluated
    unknown_targets: int  # of which the target has no vector (a miss for every method)
    model: Scores
    popular: Scores
    cooccurrence: Scores | None
    coherence: float | None = None  # group coherence@k, with labels
    coherence_chance: float | None = None
    extra: dict = field(default_factory=dict)

    def as_result(self, provenance: dict | None = None) -> Result:
        """The scores as a Result: a row per method (hit rate@k, MRR), the counts as fields, what
        they rest on as notes."""
        k = self.k
        rows = [
            ("item model", self.model.hit_rate, self.model.mrr),
            ("most popular", self.popular.hit_rate, self.popular.mrr),
        ]
        if self.cooccurrence is not None:
            rows.append(("co-occurrence", self.cooccurrence.hit_rate, self.cooccurrence.mrr))
        fields = {
            "k": k,
            "sequences": self.sequences,
            "unknown_targets": self.unknown_targets,
            "coherence": self.coherence,
            "coherence_chance": self.coherence_chance,
            **self.extra,
        }
        result = Result("evaluate", ["method", f"hit_rate@{k}", "mrr"], rows, fields, [], provenance or {})
        result.note(
            f"{self.sequences:,} held-out sequences from {self.extra.get('held_out')} ({self.unknown_targets:,} targets "
            "unknown to the model: misses)"
            + (
                ""
                if self.cooccurrence is not None
                else f"; no co-occurrence baseline: {self.extra.get('no_baseline') or 'the training sequences are gone'}"
            ),
            kind="info",
        )
        if self.coherence is not None:
            result.note(
                f"group coherence@{k}: {self.coherence:.3f} of an item's {k} nearest share a group "
                f"(chance {self.coherence_chance:.3f})",
                kind="info",
            )
        return result


def read_held_out(path, data: bytes | None = None) -> list[list[str]]:
    """The held-out sequences of a file (or of its bytes `data`, read through the door)."""
    from ..errors import InputError
    from .evalsets import rows_of_words

    try:
        if data is None:
            with open(path, "rb") as f:
                data = f.read()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file of held-out sequences") from None
    except IsADirectoryError:
        raise InputError(f"{path}: a folder, not a file of held-out sequences") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputError(f"{path}: not UTF-8 (byte {e.start}); give a text file of held-out sequences") from None
    return rows_of_words(
        path,
        enumerate(text.split("\n"), 1),
        InputError,
        "a held-out sequence needs a history and an item to predict",
        "no held-out sequences",
    )


def evaluate_next_item(engine, held_out: list[list[str]], k: int = NEXT_ITEM_K, training_corpus=None, labels=None):
    """Hit rate@k and MRR of the model and the baselines (module docstring). training_corpus: the
    sequences the model was trained on (a path), for the co-occurrence baseline."""
    index = engine.model.index
    unit = engine.unit
    counts = np.asarray(engine.model.counts, dtype=np.float64)
    cooc = _cooccurrence(training_corpus, index) if training_corpus else None
    ranks: dict[str, list[int]] = {"model": [], "popular": [], "cooccurrence": []}
    unknown = 0
    for sequence in held_out:
        history, target = sequence[:-1], sequence[-1]
        rows = [index[i] for i in history if i in index]
        seen = np.array(sorted(set(rows)), dtype=np.int64)
        t = index.get(target)
        if t is None:
            unknown += 1
            for name in ranks:
                ranks[name].append(0)
            continue
        recent = rows[-HISTORY:]
        if recent:
            query = unit[recent].mean(axis=0)
            ranks["model"].append(_rank(engine.scores(query), t, seen))
        else:
            ranks["model"].append(0)
        ranks["popular"].append(_rank(counts.copy(), t, seen))
        if cooc is not None:
            ranks["cooccurrence"].append(_rank(cooc.scores(recent), t, seen) if recent else 0)
    result = NextItemResult(
        k,
        len(held_out),
        unknown,
        _scores(ranks["model"], k),
        _scores(ranks["popular"], k),
        _scores(ranks["cooccurrence"], k) if cooc is not None else None,
    )
    if labels:
        result.coherence, result.coherence_chance = group_coherence(engine, labels, k)
    return result


def _rank(scores: np.ndarray, target: int, seen: np.ndarray) -> int:
    """1-based rank of target among all items but the seen ones (ties counted against it)."""
    scores = np.asarray(scores, dtype=np.float64)
    if len(seen):
        scores[seen] = -np.inf
    if target in set(seen.tolist()):
        return 0  # (the target was in the history: excluded by the rules, a miss)
    value = scores[target]
    if not np.isfinite(value):
        return 0
    return int((scores > value).sum()) + 1


def _scores(ranks: list[int], k: int) -> Scores:
    r = np.asarray(ranks)
    hits = ((r > 0) & (r <= k)).mean() if len(r) else 0.0
    mrr = np.where((r > 0) & (r <= RANK_CUTOFF), 1.0 / np.maximum(r, 1), 0.0).mean() if len(r) else 0.0
    return Scores(float(hits), float(mrr))


class _Cooccurrence:
    def __init__(self, matrix):
        from scipy import sparse

        m = sparse.csr_matrix(matrix, dtype=np.float64)
        norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
        norms[norms == 0] = 1
        self.unit = sparse.diags(1 / norms) @ m
        self.unit_t = self.unit.T.tocsr()

    def scores(self, rows: list[int]) -> np.ndarray:
        if not rows:
            return np.zeros(self.unit.shape[0])
        q = np.asarray(self.unit[rows].sum(axis=0)).ravel()
        return np.asarray(self.unit @ q).ravel()


def _cooccurrence(path, index: dict[str, int]):
    """Counts of two items in one training sequence (each pair once per sequence), as a sparse
    matrix over the model's items."""
    from scipy import sparse

    rows, cols = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            ids = sorted({index[i] for i in line.split() if i in index})
            if len(ids) < 2:
                continue
            a = np.repeat(ids, len(ids))
            b = np.tile(ids, len(ids))
            keep = a != b
            rows.append(a[keep])
            cols.append(b[keep])
    n = len(index)
    if not rows:
        return _Cooccurrence(sparse.csr_matrix((n, n)))
    r, c = np.concatenate(rows), np.concatenate(cols)
    return _Cooccurrence(sparse.coo_matrix((np.ones(len(r)), (r, c)), shape=(n, n)).tocsr())


def group_coherence(engine, labels: dict, k: int = 10) -> tuple[float | None, float | None]:
    """The share of each labelled item's k nearest items that share a group with it, and the
    share two random labelled items share a group (the level chance gives)."""
    words = engine.model.words
    grouped = [i for i, w in enumerate(words) if w in labels and labels[w][1]]
    if len(grouped) < k + 2:
        return None, None
    groups = [set(labels[words[i]][1]) for i in grouped]
    from ..base.vecmath import row_neighbours

    top, _ = row_neighbours(engine.unit[grouped], k)
    shared = [sum(bool(groups[i] & groups[j]) for j in top[i] if j >= 0) / k for i in range(len(grouped))]
    rng = np.random.default_rng(0)
    pairs = rng.integers(0, len(grouped), size=(20_000, 2))
    chance = float(np.mean([bool(groups[a] & groups[b]) for a, b in pairs if a != b]))
    return float(np.mean(shared)), chance


def run_next_item(engine, held_out_path=None, k: int = NEXT_ITEM_K) -> NextItemResult:
    """evaluate_next_item on a held-out file, or the one the model kept (train --holdout last),
    with the co-occurrence baseline from the model's training sequences when the corpus cache
    still holds them, and group coherence when the model has labels with groups."""
    from pathlib import Path

    from ..base.limits import check_number
    from ..errors import UsageError
    from ..model.itemfiles import model_item_file, read_labels
    from ..text.corpus.corpuscache import model_corpus

    check_number("topn", k)
    model = engine.model
    held_out_data = None
    if held_out_path is None:
        kept = model_item_file(model, "holdout")
        if kept is None:
            raise UsageError(
                f"{model.path}: keeps no held-out sequences; give a file (history, then the item to predict, "
                "one sequence per line) or train with {items} {holdout} last",
                "items",
                "holdout",
            )
        held_out_path, held_out_data = kept
    corpus: Path | None = None
    why = None
    if (model.meta.get("corpus") or {}).get("cache"):
        try:
            corpus, _ = model_corpus(model)  # (believed only inside the cache, with its checksum)
        except UsageError as e:  # (said in the result's note: a Python caller sees it in to_dict())
            why = str(e)
    labels_file = model_item_file(model, "labels")
    labels = read_labels(*labels_file) if labels_file else None
    result = evaluate_next_item(engine, read_held_out(held_out_path, held_out_data), k, corpus, labels)
    result.extra["held_out"] = str(held_out_path)
    result.extra["cooccurrence_from"] = str(corpus) if corpus else None
    if why:
        result.extra["no_baseline"] = why
    return result
