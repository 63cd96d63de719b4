"""Concept axes: where words fall between two poles, and whether the poles define one direction.

The axis is mean(unit POS) − mean(unit NEG) at unit length and a word's score its cosine with it
(Kozlowski, Taddy & Evans 2019; SemAxis, An et al. 2018). Given as pairs (慈悲:凶恶 好人:歹人), the
direction is the mean of the pair offsets (the same vector when the poles pair up one to one),
and the pairs are what the anchor check compares.

The anchor check (Boutyline & Johnston 2023, text2map's test_anchors): **PairDir**, the mean
cosine between the pairs' offset vectors (unit POS − unit NEG; every POS × NEG combination when
the poles are not paired), each pair's contribution (its mean cosine with the others), each pole
word's count, and how far the scores move when one pole word is left out (the Spearman
correlation of the scores without it with the scores with all). With resampled members
(w2vkit.findings.stability), each word's score gets an interval and the ranking its stability.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np

from ..base.choices import DEFAULT_TOPN, EXPAND_MIN_COUNT
from ..base.limits import check_number
from ..errors import Named, UnknownWordError, UsageError
from ..queries.query import Engine
from .stability import Ensemble, Spread, mean_spearman

# Below this PairDir the pole pairs point in different directions: the axis is their average, not
# a concept (the 善/恶 pairs of 西游记 measured -0.15 to 0.09; 文/武 with four words a pole 0.2+).
PAIRDIR_WARNING = 0.1
# A pole word seen fewer times than this has a noisy vector (docs/findings.md).
RARE_POLE_COUNT = 50


@dataclass
class AxisRow:
    word: str
    score: float
    count: int  # in the corpus (0: composed from n-grams)
    composed: bool  # the vector was composed from character n-grams (not in the vocabulary)
    spread: Spread | None = None  # with members
    stability: float | None = None  # with members: mean recurrence of the word's top-10 neighbours


@dataclass
class AnchorCheck:
    pair_dir: float | None  # mean cosine between pair offsets (None: a single pair)
    pairs: list[tuple[str, str, float | None]]  # each pair and its contribution
    counts: dict[str, int]  # each pole word's count (0: composed)
    leave_one_out: dict[str, float | None]  # Spearman of the scores without the word vs with all
    warnings: list[str | Named] = field(default_factory=list)  # (Named: they name parameters)


@dataclass
class AxisResult:
    positive: list[str]
    negative: list[str]
    scores: list[tuple[str, float]]  # (word, cosine with the axis), highest first
    extremes: bool  # True when the words are the vocabulary's extremes, not given ones
    rows: list[AxisRow] = field(default_factory=list)  # the same words, with counts and spreads
    ranking_stability: float | None = None  # mean Spearman between the members' rankings
    anchors: AnchorCheck | None = None
    paired: bool = False
    skipped: list[str] = field(default_factory=list)  # unknown words left out (skip_unknown)


def parse_pairs(pairs: list[str]) -> tuple[list[str], list[str]]:
    """POS:NEG strings -> the two poles, in pair order; UsageError naming a malformed one."""
    positive, negative = [], []
    for pair in pairs:
        a, sep, b = pair.partition(":")
        if not sep or not a or not b or ":" in b:
            raise UsageError(f"{pair!r}: a pair is POS:NEG, e.g. 慈悲:凶恶")
        positive.append(a)
        negative.append(b)
    return positive, negative


def axis_vector(engine: Engine, positive: list[str], negative: list[str]) -> np.ndarray:
    """mean(unit POS) - mean(unit NEG), at unit length (for pairs: the mean of the pair offsets)."""
    if not positive or not negative:
        raise UsageError("an axis needs words at both poles, positive and negative")
    if set(positive) == set(negative):
        raise UsageError(f"the two poles are the same words ({' '.join(positive)}); give different words at each pole")
    pos = np.mean([engine.vector_of(w)[0] for w in positive], axis=0)
    neg = np.mean([engine.vector_of(w)[0] for w in negative], axis=0)
    axis = pos - neg
    norm = float(np.linalg.norm(axis))
    if not np.isfinite(norm) or norm < 1e-6:
        raise UsageError("the two poles have the same mean vector; give words that differ")
    return (axis / norm).astype(np.float32)


def pair_offsets(engine: Engine, positive: list[str], negative: list[str], paired: bool) -> list[tuple]:
    """(pos, neg, unit pos - unit neg) for each pair (every combination when not paired)."""
    combos = zip(positive, negative) if paired else itertools.product(positive, negative)
    return [(a, b, engine.vector_of(a)[0] - engine.vector_of(b)[0]) for a, b in combos]


def check_anchors(
    engine: Engine, positive: list[str], negative: list[str], paired: bool, words: list[str], scores: np.ndarray
) -> AnchorCheck:
    """The anchor check of the module docstring, for the axis scoring `words` as `scores`."""
    offsets = pair_offsets(engine, positive, negative, paired)
    units = np.array([o / max(float(np.linalg.norm(o)), 1e-12) for _, _, o in offsets])
    cos = units @ units.T
    n = len(offsets)
    pair_dir = float(cos[np.triu_indices(n, 1)].mean()) if n > 1 else None
    contributions = [
        (a, b, float((cos[i].sum() - cos[i, i]) / (n - 1)) if n > 1 else None) for i, (a, b, _) in enumerate(offsets)
    ]
    counts = {w: _count(engine, w) for w in dict.fromkeys(positive + negative)}
    moved: dict[str, float | None] = {}
    vectors = np.array([engine.vector_of(w)[0] for w in words]) if words else None
    for w in counts:
        pos = [x for x in positive if x != w]
        neg = [x for x in negative if x != w]
        if not pos or not neg or vectors is None or len(words) < 3:
            moved[w] = None
            continue
        try:
            without = vectors @ axis_vector(engine, pos, neg)
        except UsageError:
            moved[w] = None
            continue
        moved[w] = mean_spearman([list(scores), list(without)])
    warnings: list[str | Named] = []
    if pair_dir is not None and pair_dir < PAIRDIR_WARNING:
        warnings.append(
            Named(
                f"warning: the pole pairs do not point one way (PairDir {pair_dir:.2f}; 1 is one direction): the "
                "axis averages different contrasts; give pairs that differ in the same respect ({pairs} A:B C:D)",
                "pairs",
            )
        )
    weak = [w for w, c in counts.items() if len(w) == 1 or c < RARE_POLE_COUNT]
    shown = " ".join(f"{w} {c:,}" for w, c in counts.items())
    if len(positive) == 1 and len(negative) == 1:
        warnings.append(
            Named(
                f"warning: the poles are one word each ({shown}): an axis needs several frequent words a pole "
                "(or {pairs}); see how the scores move without each (JSON: anchors.leave_one_out)",
                "pairs",
            )
        )
    elif len(weak) == len(counts):
        warnings.append(
            f"warning: every pole word is a single character or seen under {RARE_POLE_COUNT} times ({shown}): "
            "their vectors are noisy; give frequent words of two characters or more"
        )
    return AnchorCheck(pair_dir, contributions, counts, moved, warnings)


def _count(engine: Engine, word: str) -> int:
    i = engine.model.index.get(word)
    return int(engine.model.counts[i]) if i is not None else 0


def axis_scores(
    engine: Engine,
    positive: list[str],
    negative: list[str],
    words: list[str] | None = None,
    *,
    topn: int = DEFAULT_TOPN,
    min_count: int = EXPAND_MIN_COUNT,
    paired: bool = False,
    ensemble: Ensemble | None = None,
    skip_unknown: bool = False,
) -> AxisResult:
    """Each word's cosine with the axis; with no words, the `topn` words at each end of the
    vocabulary (seen at least min_count times, pole words excluded). Rows carry each word's count
    and whether its vector was composed; with an ensemble that has members, each score's interval
    and the ranking's stability; with given words, the anchor check. paired: the poles are
    positive[i]:negative[i] pairs.

    Parameters
    ----------
    engine : Engine
        The model's query engine.
    positive, negative : list of str
        The poles' words (the axis: mean of positive's unit vectors minus negative's).
    words : list of str, optional
        Words to place; None: the `topn` words at each end of the vocabulary.
    topn : int
        Words at each end, without `words`.
    min_count : int
        Only words seen this many times are placed at the ends.
    paired : bool
        The poles are pairs positive[i]:negative[i] (the axis: the mean of the pairs' offsets).
    ensemble : w2vkit.findings.stability.Ensemble, optional
        The model's members (None: read from the model when it has any).
    skip_unknown : bool
        Words the model cannot place are left out (listed in `skipped`) instead of failing.

    Returns
    -------
    AxisResult
        Rows (word, score, count, interval), the anchor check of the poles and warnings.

    Raises
    ------
    UsageError
        A pole without known words, or the same words at both poles.
    UnknownWordError
        A given word the model cannot place (unless skip_unknown).

    Examples
    --------
    >>> r = axis_scores(Engine(load_model("models/xiyouji")), ["善"], ["恶"], ["行者", "妖精"])  # doctest: +SKIP
    >>> [(row.word, round(row.score, 2)) for row in r.rows]  # doctest: +SKIP
    [('行者', 0.12), ('妖精', -0.2)]
    """
    for name, value in (("positive", positive), ("negative", negative), ("words", words)):
        if isinstance(value, str):
            raise UsageError(f"{name} must be a list of words, not one string")
    check_number("topn", topn)
    if paired and len(positive) != len(negative):
        raise UsageError("paired poles need as many POS words as NEG words")
    axis = axis_vector(engine, positive, negative)
    skipped: list[str] = []
    if words:
        placed = []
        for w in dict.fromkeys(words):
            try:
                vector, row = engine.vector_of(w)
            except UnknownWordError:
                if not skip_unknown:
                    raise
                skipped.append(w)
                continue
            placed.append((w, float(vector @ axis), row))
        placed.sort(key=lambda x: -x[1])
        extremes = False
    else:
        scores = engine.unit @ axis
        eligible = np.asarray(engine.model.counts) >= min_count
        for w in positive + negative:
            i = engine.model.index.get(w)
            if i is not None:
                eligible[i] = False
        idx = np.nonzero(eligible)[0]
        order = idx[np.argsort(-scores[idx], kind="stable")]
        high = set(order[:topn].tolist())  # (built once: per element it made -n 60000 quadratic)
        ends = list(order[:topn]) + [i for i in order[-topn:] if i not in high]
        placed = [(engine.model.words[i], float(scores[i]), int(i)) for i in ends]
        extremes = True
    counts = engine.model.counts
    rows = [AxisRow(w, s, int(counts[i]) if i is not None else 0, i is None) for w, s, i in placed]
    result = AxisResult(
        positive, negative, [(r.word, r.score) for r in rows], extremes, rows, paired=paired, skipped=skipped
    )
    if ensemble:
        spreads, result.ranking_stability = ensemble.axis(positive, negative, [r.word for r in rows])
        for r, spread in zip(rows, spreads):
            r.spread = spread
            if not r.composed:
                r.stability = ensemble.word_stability(r.word)
    if not extremes:
        result.anchors = check_anchors(
            engine, positive, negative, paired, [r.word for r in rows], np.array([r.score for r in rows])
        )
    return result


# ------------------------------------------------------------------ texts on an axis


@dataclass
class TextScore:
    document: str  # "line N" or the chapter's heading
    score: float  # cosine of the text's vector with the axis (NaN: no known word)
    tokens: int  # tokens of the text the model knows


def score_texts(engine: Engine, axis: np.ndarray, path, unit: str = "line") -> list[TextScore]:
    """Each line (unit="line") or chapter (unit="chapter": from one heading, 第…回 or CHAPTER …, to
    the next) of a raw text file placed on the axis: the text is segmented as the model's text was,
    its known words' unit vectors averaged (w2vkit.sentences.embed's "mean" sentence vector, so every word
    counts once per occurrence and frequent function words are not down-weighted), and the score is
    that vector's cosine with the axis (cntext's project_text, text2map's CMDist in spirit). Rows in
    the file's order."""
    from ..sentences.embed import Embedder
    from ..text.corpus import lines, open_text
    from ..text.documents import is_heading

    if unit not in ("line", "chapter"):
        raise UsageError(f"texts are scored by line or chapter, not {unit!r}")
    stream, first = open_text(str(path))
    names, texts = [], []
    try:
        for number, text in enumerate(lines(stream, first), 1):
            stripped = text.strip()
            if unit == "line":
                if stripped:
                    names.append(f"line {number}")
                    texts.append(stripped)
            elif stripped and len(stripped) <= 80 and is_heading(stripped):
                names.append(stripped)
                texts.append("")
            elif names:
                texts[-1] += "\n" + stripped
    finally:
        stream.close()
    if not texts:
        raise UsageError(
            f"{path}: no {'lines' if unit == 'line' else 'chapter headings (第…回, CHAPTER …)'} to score"
            + ("; score by line" if unit == "chapter" else "")
        )
    embedded = Embedder(engine.model, "mean").embed(texts)
    vectors = embedded.vectors
    norms = np.linalg.norm(vectors, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        scores = (vectors @ axis) / norms
    return [TextScore(n, float(s), len(t)) for n, s, t in zip(names, scores, embedded.tokens)]
