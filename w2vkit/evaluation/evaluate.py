"""Benchmarks for a model: analogies (3CosAdd / 3CosMul), word-pair similarity, alias groups.

Scores follow gensim's evaluate_word_analogies / evaluate_word_pairs exactly (case-insensitive
matching, restrict_vocab, skipping questions with unknown words) but are computed in batches with
matrix products, and without importing gensim or scipy.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..base.choices import ANALOGY_METHODS, DEFAULT_RESTRICT_VOCAB
from ..base.results import Result
from ..base.vecmath import top_k
from ..errors import OptionError, UsageError
from ..queries.query import Engine
from .evalsets import default_sets, read_analogies, read_groups, read_pairs, resolve_set

log = logging.getLogger(__name__)


# ------------------------------------------------------------------ analogies


@dataclass
class SectionScore:
    section: str
    correct: int
    incorrect: int
    skipped: int

    @property
    def accuracy(self) -> float | None:
        """None when no question could be answered (shown as n/a, not as a score of 0)."""
        n = self.correct + self.incorrect
        return self.correct / n if n else None


@dataclass
class AnalogyResult:
    name: str
    method: str
    sections: list[SectionScore]
    total: SectionScore = field(init=False)

    def __post_init__(self):
        self.total = SectionScore(
            "Total accuracy",
            sum(s.correct for s in self.sections),
            sum(s.incorrect for s in self.sections),
            sum(s.skipped for s in self.sections),
        )

    @property
    def coverage(self) -> float:
        t = self.total
        n = t.correct + t.incorrect + t.skipped
        return (t.correct + t.incorrect) / n if n else 0.0


def _ok_vocab(engine: Engine, restrict_vocab: int) -> dict[str, int]:
    """Upper-cased word -> row, the more frequent spelling winning (as gensim does)."""
    words = engine.model.words[:restrict_vocab]
    return {w.upper(): i for i, w in reversed(list(enumerate(words)))}


def evaluate_analogies(
    engine: Engine,
    path,
    restrict_vocab: int = DEFAULT_RESTRICT_VOCAB,
    method: str = "add",
    name: str | None = None,
    batch: int = 512,
) -> AnalogyResult:
    if method not in ANALOGY_METHODS:
        raise UsageError(f"unknown analogy method {method!r}; choose {' or '.join(ANALOGY_METHODS)}")
    sections = read_analogies(path)
    ok = _ok_vocab(engine, restrict_vocab)
    limit = min(restrict_vocab, len(engine.model))
    unit = engine.unit
    sub = np.asarray(unit[:limit])
    upper_words = [w.upper() for w in engine.model.words[:limit]]
    scores = []
    for section, questions in sections:
        rows, skipped = [], 0
        for q in questions:
            key = [q.a.upper(), q.b.upper(), q.c.upper(), q.expected.upper()]
            if all(k in ok for k in key):
                rows.append(key)
            else:
                skipped += 1
        correct = 0
        for start in range(0, len(rows), batch):
            chunk = rows[start : start + batch]
            ia = np.array([ok[r[0]] for r in chunk])
            ib = np.array([ok[r[1]] for r in chunk])
            ic = np.array([ok[r[2]] for r in chunk])
            # Scores as (question, word) rows: the per-question searches below run along
            # contiguous memory (searching along the other axis cost 8x the matrix product).
            if method == "add":
                # gensim: most_similar(positive=[b, c], negative=[a]) -> unitvec(mean(b, c, -a))
                mean = (unit[ib] + unit[ic] - unit[ia]) / np.float32(3)
                mean /= np.linalg.norm(mean, axis=1, keepdims=True)
                dists = mean.astype(np.float32) @ sub.T
            else:
                pb, pc, na = ((1 + unit[idx] @ sub.T) / 2 for idx in (ib, ic, ia))
                dists = pb * pc / (na + 0.000001)
            rows_at = np.arange(len(chunk))
            for idx in (ia, ib, ic):
                dists[rows_at, idx] = -np.inf
            best = dists.argmax(axis=1)
            for j, r in enumerate(chunk):
                predicted = upper_words[best[j]]
                if predicted in r[:3]:
                    # Another spelling of a question word (gensim skips those by their upper
                    # case): take the best of the top 5 that is not one, as gensim does.
                    k = min(5, limit)
                    for i in top_k(dists[j], k):
                        predicted = upper_words[i]
                        if predicted not in r[:3]:
                            break
                correct += predicted == r[3]
        scores.append(SectionScore(section, correct, len(rows) - correct, skipped))
    return AnalogyResult(name or str(path), method, scores)


# ------------------------------------------------------------------ word pairs


@dataclass
class PairsResult:
    name: str
    spearman: float
    pearson: float
    used: int
    skipped: int

    @property
    def oov_ratio(self) -> float:
        n = self.used + self.skipped
        return self.skipped / n if n else 0.0


def _rank(x: np.ndarray) -> np.ndarray:
    """Ranks with ties averaged (scipy.stats.rankdata 'average')."""
    order = np.argsort(x, kind="mergesort")
    ranks = np.empty(len(x), dtype=np.float64)
    xs = x[order]
    i = 0
    while i < len(x):
        j = i
        while j + 1 < len(x) and xs[j + 1] == xs[i]:
            j += 1
        ranks[order[i : j + 1]] = (i + j) / 2 + 1
        i = j + 1
    return ranks


def _pearson(x, y) -> float:
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    if len(x) < 2 or x.std() == 0 or y.std() == 0:
        return float("nan")
    return float(np.corrcoef(x, y)[0, 1])


def evaluate_pairs(
    engine: Engine, path, restrict_vocab: int = DEFAULT_RESTRICT_VOCAB, name: str | None = None
) -> PairsResult:
    ok = _ok_vocab(engine, restrict_vocab)
    gold, model = [], []
    skipped = 0
    unit = engine.unit
    for a, b, score in read_pairs(path):
        ia, ib = ok.get(a.upper()), ok.get(b.upper())
        if ia is None or ib is None:
            skipped += 1
            continue
        gold.append(score)
        model.append(float(np.dot(unit[ia], unit[ib])))
    gold_a, model_a = np.array(gold), np.array(model)
    spearman = _pearson(_rank(gold_a), _rank(model_a)) if len(gold) > 1 else float("nan")
    return PairsResult(name or str(path), spearman, _pearson(gold_a, model_a), len(gold), skipped)


# ------------------------------------------------------------------ alias groups


def alias_scores(engine: Engine, groups: list[list[str]], k: int = 10, restrict: int | None = None) -> dict:
    """Mean recall@k of each word's in-vocabulary aliases (among the `restrict` most frequent words)
    among its k nearest neighbours, and MRR of the first alias. Words without an in-vocabulary
    alias are not scored."""
    index = {w: i for i, w in enumerate(engine.model.words[: engine.limit(restrict)])}
    recalls, rrs, scored, skipped = [], [], 0, 0
    for group in groups:
        present = [w for w in group if w in index]
        skipped += len(group) - len(present)
        if len(present) < 2:
            continue
        for w in present:
            vector = engine.unit_vector(index[w])
            if not vector.any():  # (a zero row has no neighbours)
                continue
            found = engine.nearest(vector, k, exclude={index[w]}, restrict=len(index))
            others = {index[o] for o in present if o != w}
            recalls.append(len(set(found.rows) & others) / min(k, len(others)))
            # the first alias's rank: the words scoring above the best-scoring alias, plus one
            best = float(found.ranking[list(others)].max())
            rrs.append(1.0 / (int((found.ranking > best).sum()) + 1))
            scored += 1
    return {
        f"recall_at_{k}": float(np.mean(recalls)) if recalls else None,
        "mrr": float(np.mean(rrs)) if rrs else None,
        "words_scored": scored,
        "words_missing": skipped,
    }


def run_evaluation(
    engine: Engine,
    *,
    analogies: Sequence[str] = (),
    pairs: Sequence[str] = (),
    groups: Sequence[str] = (),
    restrict_vocab: int = DEFAULT_RESTRICT_VOCAB,
    methods: Sequence[str] = ("add",),
    data_dir: str | None = None,
    sections: bool = False,
) -> Result:
    """Every requested set, as one Result (what `evaluate --format json` prints). With no set
    named, the sets of the model's language that can be found here (evalsets.default_sets); those
    left out, and why, are logged and listed under "skipped".

    Parameters
    ----------
    engine : Engine
        The model's query engine.
    analogies, pairs, groups : sequence of str
        Analogy sets (a:b::c:d), word-pair similarity sets and alias-group sets, by name or path.
    restrict_vocab : int
        Only the most frequent words answer and count as known (as published numbers are made).
    methods : sequence of {"add", "mul"}
        3CosAdd and/or 3CosMul for the analogies.
    data_dir : str, optional
        The folder holding sets not shipped with w2vkit (CA8, wordsim; else $W2VKIT_DATA).
    sections : bool
        A row per analogy section too.

    Returns
    -------
    Result
        A row per score (report_rows); the report as fields: "analogies", "pairs", "groups"
        results and the "skipped" sets with why; the provenance names the vectors scored.

    Raises
    ------
    UsageError
        No set can be found at all.
    EvalSetError
        A set that cannot be parsed, named with its line.

    Examples
    --------
    >>> result = run_evaluation(Engine(load_model("models/xiyouji")))  # doctest: +SKIP
    >>> sorted(result.fields)  # doctest: +SKIP
    ['analogies', 'groups', 'model', 'pairs', 'restrict_vocab', 'skipped']"""
    skipped: list[tuple[str, str]] = []
    if not (analogies or pairs or groups):
        choice = default_sets(engine, data_dir)
        skipped = choice.skipped
        analogies, pairs, groups = choice.analogies, choice.pairs, choice.groups
        reasons: dict[str, list[str]] = {}
        for name, why in skipped:
            reasons.setdefault(why, []).append(name)
        for why, names in reasons.items():
            log.info("skipped %s: %s", ", ".join(names), why)
        if not (analogies or pairs or groups):
            raise OptionError(
                "no evaluation set for this model could be found; name one with {analogies}, {pairs} or {groups}",
                "analogies",
                "pairs",
                "groups",
            )
    report: dict[str, Any] = {
        "model": str(engine.model.path),
        "restrict_vocab": restrict_vocab,
        "analogies": [],
        "pairs": [],
        "groups": [],
        # (which vectors were scored: the view, w2vkit.model.views, and the model's checksum)
        "provenance": engine.provenance(restrict_vocab=restrict_vocab, methods=list(methods)),
    }
    for name in analogies:
        path = resolve_set(name, data_dir)
        for method in methods:
            r = evaluate_analogies(engine, path, restrict_vocab, method, name)
            t = r.total
            report["analogies"].append(
                {
                    "set": name,
                    "method": method,
                    "accuracy": t.accuracy,
                    "correct": t.correct,
                    "answered": t.correct + t.incorrect,
                    "skipped": t.skipped,
                    "coverage": r.coverage,
                    "sections": [
                        dict(
                            section=s.section,
                            accuracy=s.accuracy,
                            correct=s.correct,
                            incorrect=s.incorrect,
                            skipped=s.skipped,
                        )
                        for s in r.sections
                    ],
                }
            )
    for name in pairs:
        p = evaluate_pairs(engine, resolve_set(name, data_dir), restrict_vocab, name)
        report["pairs"].append(
            {
                "set": name,
                "spearman": _finite(p.spearman),
                "pearson": _finite(p.pearson),
                "used": p.used,
                "skipped": p.skipped,
                "oov_ratio": p.oov_ratio,
            }
        )
    for name in groups:
        g = read_groups(name)
        scores = alias_scores(engine, g, restrict=restrict_vocab)
        report["groups"].append(dict(set=name, **scores))
    report["skipped"] = [{"set": name, "reason": why} for name, why in skipped]
    return report_result(report, sections)


def _finite(x: float) -> float | None:
    """NaN (too few pairs to correlate) as None: JSON null, shown as n/a."""
    return None if x != x else x


REPORT_COLUMNS = ("set", "task", "metric", "score", "used", "skipped")


def report_rows(report: dict, sections: bool = False) -> list[tuple]:
    """run_evaluation's report as rows of REPORT_COLUMNS, one per score (and per analogy section
    with sections=True), for tables and TSV."""
    rows = []
    for r in report["analogies"]:
        rows.append((r["set"], f"analogy {r['method']}", "accuracy", r["accuracy"], r["answered"], r["skipped"]))
        if sections:
            for s in r["sections"]:
                used = s["correct"] + s["incorrect"]
                rows.append((f"  {s['section']}", "", "accuracy", s["accuracy"], used, s["skipped"]))
    for r in report["pairs"]:
        rows.append((r["set"], "pairs", "spearman", r["spearman"], r["used"], r["skipped"]))
        rows.append((r["set"], "pairs", "pearson", r["pearson"], r["used"], r["skipped"]))
    for r in report["groups"]:
        rows.append((r["set"], "aliases", "recall@10", r["recall_at_10"], r["words_scored"], r["words_missing"]))
        rows.append((r["set"], "aliases", "mrr", r["mrr"], r["words_scored"], r["words_missing"]))
    return rows


def report_result(report: dict, sections: bool = False) -> Result:
    """run_evaluation's report as a Result: its rows (report_rows), the report as fields (JSON: the
    report, the rows as "results"), its provenance (the vectors scored: the view) and a note naming them."""
    fields = {k: v for k, v in report.items() if k != "provenance"}
    provenance = report.get("provenance") or {}
    result = Result("evaluate", list(REPORT_COLUMNS), report_rows(report, sections), fields, [], provenance)
    result.note(
        f"model {report['model']} ({provenance.get('similarity', 'mixed')} vectors: {{similarity}} to score another "
        f"kind), restrict_vocab={report['restrict_vocab']}",
        "similarity",
        kind="info",
    )
    return result
