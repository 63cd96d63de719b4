"""Benchmarks for a model: analogies (3CosAdd / 3CosMul), word-pair similarity, alias groups.

Scores follow gensim's evaluate_word_analogies / evaluate_word_pairs exactly (case-insensitive
matching, restrict_vocab, skipping questions with unknown words) but are computed in batches with
matrix products, and without importing gensim or scipy.
"""

from __future__ import annotations

import importlib.util
import logging
import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .errors import EvalSetError, UsageError
from .query import Engine
from .vecmath import unit_rows

DATA_ENV = "W2VKIT_DATA"

# Built-in set names -> (where, relative path). "gensim": inside the gensim package's test data;
# "data": under --data-dir / $W2VKIT_DATA (e.g. ../shared/eval/zh); "w2vkit": shipped here.
BUILTIN_SETS = {
    "google": ("gensim", "questions-words.txt", "analogies"),
    "wordsim353": ("gensim", "wordsim353.tsv", "pairs"),
    "simlex999": ("gensim", "simlex999.txt", "pairs"),
    "ca8-morphological": ("data", "CA8/morphological.txt", "analogies"),
    "ca8-semantic": ("data", "CA8/semantic.txt", "analogies"),
    "wordsim240": ("data", "wordsim/wordsim-240.txt", "pairs"),
    "wordsim297": ("data", "wordsim/wordsim-297.txt", "pairs"),
    "xiyouji-aliases": ("w2vkit", "xiyouji-aliases.txt", "groups"),
    "sanguo-aliases": ("w2vkit", "sanguo-aliases.txt", "groups"),
    "hongloumeng-aliases": ("w2vkit", "hongloumeng-aliases.txt", "groups"),
}
DEFAULT_SETS = {
    "en": ["google", "wordsim353", "simlex999"],
    "zh": ["ca8-morphological", "ca8-semantic", "wordsim240", "wordsim297"],
}

log = logging.getLogger(__name__)


def resolve_set(name: str, data_dir: str | None = None) -> Path:
    """A path, or a built-in set name."""
    p = Path(name)
    if p.is_file():
        return p
    if p.is_dir():
        raise EvalSetError(f"{name}: is a directory; give an evaluation file or a built-in set name")
    if name not in BUILTIN_SETS:
        raise EvalSetError(f"{name}: no such file or built-in set (built-in: {', '.join(BUILTIN_SETS)})")
    where, rel, _ = BUILTIN_SETS[name]
    if where == "gensim":
        spec = importlib.util.find_spec("gensim")
        if spec is None or not spec.submodule_search_locations:
            raise EvalSetError(f"{name}: ships with gensim, which is not installed")
        path = Path(spec.submodule_search_locations[0]) / "test" / "test_data" / rel
    elif where == "w2vkit":
        path = Path(__file__).parent / "data" / "eval" / rel
    else:
        base = data_dir or os.environ.get(DATA_ENV)
        if not base:
            raise EvalSetError(
                f"{name}: give the folder that holds {rel} with --data-dir or ${DATA_ENV} (e.g. ../shared/eval/zh)"
            )
        path = Path(base) / rel
        if not path.is_file() and (Path(base) / Path(rel).name).is_file():
            path = Path(base) / Path(rel).name
    if not path.is_file():
        raise EvalSetError(f"{name}: {path} not found")
    return path


def set_kind(name: str) -> str | None:
    return BUILTIN_SETS[name][2] if name in BUILTIN_SETS else None


def _lines(path: Path):
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as e:
        raise EvalSetError(f"{path}: not UTF-8 (byte {e.start})") from e
    for lineno, line in enumerate(text.splitlines(), 1):  # splitlines handles CRLF
        yield lineno, line.strip()


# ------------------------------------------------------------------ analogies


@dataclass
class Question:
    a: str
    b: str
    c: str
    expected: str


def read_analogies(path) -> list[tuple[str, list[Question]]]:
    """Google-analogy format: ': section' headers, then 'a b c expected' per line."""
    path = Path(path)
    sections: list[tuple[str, list[Question]]] = []
    for lineno, line in _lines(path):
        if not line or line.startswith("#"):
            continue
        if line.startswith(":"):
            sections.append((line[1:].strip(), []))
            continue
        words = line.split()
        if len(words) != 4:
            raise EvalSetError(f"{path}:{lineno}: expected 4 words, got {len(words)}: {line!r}")
        if not sections:
            raise EvalSetError(f"{path}:{lineno}: question before the first ': section' header")
        sections[-1][1].append(Question(*words))
    if not any(qs for _, qs in sections):
        raise EvalSetError(f"{path}: no analogy questions found")
    return sections


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
    engine: Engine, path, restrict_vocab: int = 300_000, method: str = "add", name: str | None = None, batch: int = 512
) -> AnalogyResult:
    if method not in ("add", "mul"):
        raise UsageError(f"unknown analogy method {method!r}; choose add or mul")
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
                    cand = np.argpartition(-dists[j], k - 1)[:k]
                    for i in cand[np.argsort(-dists[j][cand], kind="stable")]:
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


def read_pairs(path) -> list[tuple[str, str, float]]:
    """'w1 w2 score' per line, tab- or space-separated; '#' comments; an optional header line."""
    path = Path(path)
    pairs = []
    header = None  # (lineno, line) of a first line such as "word1 word2 score"
    for lineno, line in _lines(path):
        if not line or line.startswith("#"):
            continue
        parts = re.split(r"[\t ]+", line)
        try:
            if len(parts) != 3:
                raise ValueError
            score = float(parts[2])
        except ValueError:
            # A header ("word1 word2 score") is taken only as the first line and in ASCII, and said
            # on stderr: a first pair whose score is a word ("悟空 猴王 high") is an error, not
            # silently dropped.
            if not pairs and header is None and len(parts) == 3 and line.isascii():
                header = (lineno, line)
                continue
            raise EvalSetError(f"{path}:{lineno}: expected 'word1 word2 score', got {line!r}") from None
        if not math.isfinite(score):
            raise EvalSetError(f"{path}:{lineno}: the score {parts[2]!r} is not a finite number; give a number")
        pairs.append((parts[0], parts[1], score))
    if not pairs and header is not None:  # the only line was not a header but a pair without a score
        raise EvalSetError(f"{path}:{header[0]}: expected 'word1 word2 score', got {header[1]!r}")
    if not pairs:
        raise EvalSetError(f"{path}: no word pairs found; write 'word1 word2 score' per line")
    if header is not None:
        log.info("%s:%d: read as a header line, not a pair: %r", path, header[0], header[1])
    return pairs


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


def evaluate_pairs(engine: Engine, path, restrict_vocab: int = 300_000, name: str | None = None) -> PairsResult:
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


def read_groups(name_or_path) -> list[list[str]]:
    """One group of words that name the same thing per line; '#' comments."""
    path = resolve_set(str(name_or_path))
    groups = []
    for lineno, line in _lines(path):
        if line and not line.startswith("#"):
            words = line.split()
            if len(words) < 2:
                raise EvalSetError(f"{path}:{lineno}: a group needs at least two words, got {line!r}")
            groups.append(words)
    if not groups:
        raise EvalSetError(f"{path}: no groups found; write one group of names per line (two or more words)")
    return groups


def alias_scores(words: list[str], vectors: np.ndarray, groups: list[list[str]], k: int = 10) -> dict:
    """Mean recall@k of each word's in-vocabulary aliases among its k nearest neighbours, and MRR
    of the first alias. Words without an in-vocabulary alias are not scored."""
    index = {w: i for i, w in enumerate(words)}
    unit = unit_rows(vectors)
    recalls, rrs, scored, skipped = [], [], 0, 0
    for group in groups:
        present = [w for w in group if w in index]
        skipped += len(group) - len(present)
        if len(present) < 2:
            continue
        for w in present:
            sims = unit @ unit[index[w]]
            sims[index[w]] = -np.inf
            order = np.argsort(-sims)
            others = {index[o] for o in present if o != w}
            top = set(order[:k].tolist())
            recalls.append(len(top & others) / min(k, len(others)))
            ranks = np.nonzero(np.isin(order, list(others)))[0]
            rrs.append(1.0 / (ranks[0] + 1))
            scored += 1
    return {
        f"recall_at_{k}": float(np.mean(recalls)) if recalls else None,
        "mrr": float(np.mean(rrs)) if rrs else None,
        "words_scored": scored,
        "words_missing": skipped,
    }


NO_DATA_DIR = f"needs the folder holding CA8/ and wordsim/ (--data-dir DIR or ${DATA_ENV}, e.g. ../shared/eval/zh)"
# The novels w2vkit ships alias groups for, each recognised in a model by a frequent name of it.
ALIAS_SET_MARKERS = {"xiyouji-aliases": "行者", "sanguo-aliases": "玄德", "hongloumeng-aliases": "黛玉"}


@dataclass
class SetChoice:
    """The sets `evaluate` runs when none is named, and those it had to leave out (with why)."""

    analogies: tuple[str, ...]
    pairs: tuple[str, ...]
    groups: tuple[str, ...]
    skipped: list[tuple[str, str]]


def default_sets(engine: Engine, data_dir: str | None = None) -> SetChoice:
    """The standard sets for the model's language that can be found here, plus the alias groups
    of a novel w2vkit knows. A set that needs a data folder not given is skipped, with the reason."""
    lang = model_language(engine)
    usable, skipped = [], []
    for name in DEFAULT_SETS[lang]:
        if BUILTIN_SETS[name][0] == "data" and not (data_dir or os.environ.get(DATA_ENV)):
            skipped.append((name, NO_DATA_DIR))
            continue
        try:
            resolve_set(name, data_dir)
        except EvalSetError as e:
            skipped.append((name, str(e).split(": ", 1)[-1]))
        else:
            usable.append(name)
    groups = tuple(name for name, marker in ALIAS_SET_MARKERS.items() if marker in engine.model.index)
    return SetChoice(
        tuple(n for n in usable if set_kind(n) == "analogies"),
        tuple(n for n in usable if set_kind(n) == "pairs"),
        groups,
        skipped,
    )


def model_language(engine: Engine) -> str:
    """The language of a model by the share of its 1,000 most frequent words that hold CJK."""
    from .corpus import CJK, language_of

    top = engine.model.words[:1000]
    return language_of(sum(1 for w in top if CJK.search(w)), len(top))


def run_evaluation(
    engine: Engine,
    analogies=(),
    pairs=(),
    groups=(),
    restrict_vocab: int = 30000,
    methods=("add",),
    data_dir: str | None = None,
) -> dict:
    """Every requested set, as one JSON-ready report."""
    report = {
        "model": str(engine.model.path),
        "restrict_vocab": restrict_vocab,
        "analogies": [],
        "pairs": [],
        "groups": [],
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
        r = evaluate_pairs(engine, resolve_set(name, data_dir), restrict_vocab, name)
        report["pairs"].append(
            {
                "set": name,
                "spearman": _finite(r.spearman),
                "pearson": _finite(r.pearson),
                "used": r.used,
                "skipped": r.skipped,
                "oov_ratio": r.oov_ratio,
            }
        )
    for name in groups:
        g = read_groups(name)
        words = engine.model.words[:restrict_vocab]
        scores = alias_scores(words, engine.vectors[: len(words)], g)
        report["groups"].append(dict(set=name, **scores))
    return report


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
