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
from ..base.results import Note, Result
from ..errors import UnknownWordError, UsageError
from ..queries.arguments import words_argument
from ..queries.ensemble import NO_MEMBERS, UNSTABLE_BELOW, Spread
from ..queries.query import Engine
from .stability import axis_spreads, mean_spearman, word_stability

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
    warnings: list[Note] = field(default_factory=list)  # (the result's notes: they may name parameters)


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
    """POS:NEG strings -> the two poles, in pair order; UsageError naming a malformed one, or a
    pair given twice (one pair twice once scored PairDir 1.00: a direction agreeing with itself)."""
    positive, negative = [], []
    seen = set()
    for pair in pairs:
        a, sep, b = pair.partition(":")
        if not sep or not a or not b or ":" in b:
            raise UsageError(f"{pair!r}: a pair is POS:NEG, e.g. 慈悲:凶恶")
        if (a.strip(), b.strip()) in seen:
            raise UsageError(f"the pair {pair!r} is given twice; give each pair once")
        seen.add((a.strip(), b.strip()))
        positive.append(a)
        negative.append(b)
    return positive, negative


def pole_keys(engine: Engine, positive: list[str], negative: list[str], paired: bool) -> tuple[list[str], list[str]]:
    """The poles as the model has them (each word looked up once: normalised, Simplified, an
    item's ID), so that vectors, counts and members all read the same words; a pair given twice,
    or (unpaired) a word twice at one pole, is refused."""
    pos = [engine.lookup(w).key for w in positive]
    neg = [engine.lookup(w).key for w in negative]
    if paired:
        pairs = list(zip(pos, neg))
        twice = [f"{a}:{b}" for n, (a, b) in enumerate(pairs) if (a, b) in pairs[:n]]
        if twice:
            raise UsageError(f"the pair {twice[0]} is given twice (as the model spells its words); give each pair once")
    else:
        for pole in (pos, neg):
            if len(set(pole)) < len(pole):
                again = next(w for n, w in enumerate(pole) if w in pole[:n])
                raise UsageError(f"{again} is given twice at one pole (as the model spells it); give it once")
    return pos, neg


def axis_vector(engine: Engine, positive: list[str], negative: list[str]) -> np.ndarray:
    """mean(unit POS) - mean(unit NEG), at unit length (for pairs: the mean of the pair offsets)."""
    if not positive or not negative:
        raise UsageError("an axis needs words at both poles, positive and negative")
    if set(positive) == set(negative):
        raise UsageError(f"the two poles are the same words ({' '.join(positive)}); give different words at each pole")
    pos = np.mean([engine.lookup(w).vector for w in positive], axis=0)
    neg = np.mean([engine.lookup(w).vector for w in negative], axis=0)
    axis = pos - neg
    norm = float(np.linalg.norm(axis))
    if not np.isfinite(norm) or norm < 1e-6:
        raise UsageError("the two poles have the same mean vector; give words that differ")
    return (axis / norm).astype(np.float32)


def pair_offsets(engine: Engine, positive: list[str], negative: list[str], paired: bool) -> list[tuple]:
    """(pos, neg, unit pos - unit neg) for each pair (every combination when not paired)."""
    combos = zip(positive, negative) if paired else itertools.product(positive, negative)
    return [(a, b, engine.lookup(a).vector - engine.lookup(b).vector) for a, b in combos]


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
    vectors = np.array([engine.lookup(w).vector for w in words]) if words else None
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
    warnings: list[Note] = []
    if pair_dir is not None and pair_dir < PAIRDIR_WARNING:
        warnings.append(
            Note(
                f"the pole pairs do not point one way (PairDir {pair_dir:.2f}; 1 is one direction): the "
                "axis averages different contrasts; give pairs that differ in the same respect ({pairs} A:B C:D)",
                ("pairs",),
            )
        )
    weak = [w for w, c in counts.items() if len(w) == 1 or c < RARE_POLE_COUNT]
    shown = " ".join(f"{w} {c:,}" for w, c in counts.items())
    if len(positive) == 1 and len(negative) == 1:
        warnings.append(
            Note(
                f"the poles are one word each ({shown}): an axis needs several frequent words a pole "
                "(or {pairs}); see how the scores move without each (JSON: anchors.leave_one_out)",
                ("pairs",),
            )
        )
    elif len(weak) == len(counts):
        warnings.append(
            Note(
                f"every pole word is a single character or seen under {RARE_POLE_COUNT} times ({shown}): "
                "their vectors are noisy; give frequent words of two characters or more"
            )
        )
    return AnchorCheck(pair_dir, contributions, counts, moved, warnings)


def _count(engine: Engine, word: str) -> int:
    i = engine.model.index.get(word)
    return int(engine.model.counts[i]) if i is not None else 0


def _scored_axis(
    engine: Engine, positive: list[str], negative: list[str], words: list[str] | None = None, *,
    topn: int = DEFAULT_TOPN, min_count: int = EXPAND_MIN_COUNT, paired: bool = False, skip_unknown: bool = False
) -> AxisResult:  # fmt: skip
    """axis's computation for one axis (its parameters, axis's docstring): each word's score with
    the model's own cosine, count and composition, the members' spreads and the anchor check."""
    positive, negative = words_argument("positive", positive), words_argument("negative", negative)
    words = words_argument("words", words) if words is not None else None
    check_number("topn", topn)
    check_number("min_count", min_count)
    if paired and len(positive) != len(negative):
        raise UsageError("paired poles need as many POS words as NEG words")
    positive, negative = pole_keys(engine, positive, negative, paired)
    axis = axis_vector(engine, positive, negative)
    skipped: list[str] = []
    if words:
        placed = []
        for w in dict.fromkeys(words):
            try:
                word = engine.lookup(w)
            except UnknownWordError:
                if not skip_unknown:
                    raise
                skipped.append(w)
                continue
            placed.append((w, float(word.vector @ axis), word.row))
        placed.sort(key=lambda x: -x[1])
        extremes = False
    else:
        poles = {engine.model.index[w] for w in positive + negative if w in engine.model.index}
        found = engine.nearest(axis, None, exclude=poles, min_count=min_count if min_count > 1 else None)
        scores, order = found.scores, found.rows  # (every candidate, from the positive end to the negative)
        high = set(order[:topn])  # (built once: per element it made -n 60000 quadratic)
        ends = list(order[:topn]) + [i for i in order[-topn:] if i not in high]
        placed = [(engine.model.words[i], float(scores[i]), int(i)) for i in ends]
        extremes = True
    counts = engine.model.counts
    rows = [AxisRow(w, s, int(counts[i]) if i is not None else 0, i is None) for w, s, i in placed]
    result = AxisResult(
        positive, negative, [(r.word, r.score) for r in rows], extremes, rows, paired=paired, skipped=skipped
    )
    if engine.members:
        keys = [engine.lookup(r.word).key for r in rows]
        spreads, result.ranking_stability = axis_spreads(engine, positive, negative, keys)
        for r, key, spread in zip(rows, keys, spreads):
            r.spread = spread
            if not r.composed:
                r.stability = word_stability(engine, key)
    if not extremes:
        result.anchors = check_anchors(
            engine, positive, negative, paired, [r.word for r in rows], np.array([r.score for r in rows])
        )
    return result


def axis(
    engine: Engine,
    positive: str | list[str],
    negative: str | list[str],
    words: list[str] | None = None,
    *,
    y_positive: list[str] | None = None,
    y_negative: list[str] | None = None,
    topn: int = DEFAULT_TOPN,
    min_count: int = EXPAND_MIN_COUNT,
    paired: bool = False,
    skip_unknown: bool = False,
) -> Result:
    """Each word's cosine with the axis from the negative pole to the positive one (the mean of
    positive's unit vectors minus negative's, or with paired the mean of the pairs' offsets); with
    no words, the `topn` words at each end of the vocabulary (seen at least min_count times, pole
    words left out). Each row carries the word's count and whether its vector was composed; with
    given words, the anchor check of the poles (fields "anchors"); with a second axis (y_positive
    − y_negative), each word's score on it; with members, the ensemble's estimate as the score
    (the model's own cosine in `model`), its 90% interval and the ranking's stability. What `axis`
    prints, what `--format json` gives, and what draw_axis draws.

    Parameters
    ----------
    engine : Engine
        The model's engine.
    positive, negative : str or list of str
        The poles (with paired: positive[i]:negative[i] pairs).
    words : list of str, optional
        The words to place; None: the vocabulary's two extremes.
    y_positive, y_negative : list of str, optional
        A second axis's poles.
    topn : int
        Words at each end, without `words`.
    min_count : int
        Only words seen this often at the ends.
    paired : bool
        The poles are pairs.
    skip_unknown : bool
        Leave out words the model cannot place.

    Returns
    -------
    Result
        Rows (word, score, [y_score], count, composed, [model, low, high, members, stability]).

    Raises
    ------
    UsageError
        Poles that make no direction, a pair given twice.
    UnknownWordError
        A word the model cannot place (unless skip_unknown).

    Examples
    --------
    >>> axis(Engine(load_model("models/xiyouji")), ["善"], ["恶"], ["行者"]).records()[0]["word"]  # doctest: +SKIP
    '行者'
    """
    if bool(y_positive) != bool(y_negative):
        raise UsageError("a second axis needs words at both its poles ({y_positive} and {y_negative})")
    positive, negative = words_argument("positive", positive), words_argument("negative", negative)
    scored = _scored_axis(
        engine, positive, negative, words, topn=topn, min_count=min_count, paired=paired, skip_unknown=skip_unknown
    )
    y_scored = None
    if y_positive:
        y_scored = _scored_axis(engine, list(y_positive), list(y_negative or []), [w for w, _ in scored.scores])
    y = dict(y_scored.scores) if y_scored else {}
    members = engine.members
    columns = ["word", "score"] + (["y_score"] if y_scored else []) + ["count", "composed"]
    columns += ["model", "low", "high", "members", "stability"] if members else []
    rows = []
    for r in scored.rows:
        score = r.spread.estimate if members and r.spread is not None and r.spread.estimate is not None else r.score
        cells = (r.score, r.spread.low, r.spread.high, r.spread.found, r.stability) if members and r.spread else ()
        rows.append((r.word, score, *([y[r.word]] if y_scored else []), r.count, r.composed, *cells))
    fields: dict = {
        "positive": scored.positive,
        "negative": scored.negative,
        "paired": paired,
        "extremes": scored.extremes,
        "skipped": scored.skipped,
    }
    if y_scored:
        fields.update(y_positive=y_scored.positive, y_negative=y_scored.negative)
    provenance = engine.provenance(topn=topn, min_count=min_count, paired=paired)
    result = Result("axis", columns, rows, fields, provenance=provenance)
    if scored.skipped:
        n = len(scored.skipped)
        result.note(f"skipped {n} unknown word{'s' if n > 1 else ''}: {' '.join(scored.skipped)}", kind="info")
    _say_what_it_rests_on(result, scored, members)
    return result


def _say_what_it_rests_on(result: Result, scored: AxisResult, members: list) -> None:
    """axis's fields and notes from the anchor check of the poles and from the members: PairDir,
    each pole word's weight, leave-one-out, unstable words and the ranking's stability."""
    fields = result.fields
    if scored.anchors is not None:
        a = scored.anchors
        fields["anchors"] = {
            "pair_dir": a.pair_dir,
            "pairs": [{"positive": p, "negative": n, "contribution": c} for p, n, c in a.pairs],
            "counts": a.counts,
            "leave_one_out": a.leave_one_out,
        }
        moved = {w: v for w, v in a.leave_one_out.items() if v is not None}
        worst = min(moved, key=lambda w: moved[w]) if moved else None
        result.note(
            (f"anchors: PairDir {a.pair_dir:.2f}" if a.pair_dir is not None else "anchors: one pair")
            + (f"; without {worst} the ranking keeps Spearman {moved[worst]:.2f}" if worst else ""),
            kind="info",
        )
        result.notes += a.warnings
    if members:
        unstable = [r.word for r in scored.rows if r.stability is not None and r.stability < UNSTABLE_BELOW]
        if unstable:
            result.note(
                f"unstable ({len(unstable)} word{'s' if len(unstable) > 1 else ''} whose neighbours recur in under {UNSTABLE_BELOW:.0%} of the "
                f"members: their place owes much to which documents were drawn): {' '.join(unstable)}"
            )
        fields["ranking_stability"] = scored.ranking_stability
        if scored.ranking_stability is not None:
            result.note(
                f"ranking stability across {len(members)} members: mean Spearman {scored.ranking_stability:.2f}",
                kind="info",
            )
    else:
        result.note(NO_MEMBERS, kind="info")


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
    from ..text.corpus.documents import is_heading
    from ..text.reading.inputs import lines, open_text

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


def text_axis(engine: Engine, positive, negative, path, unit: str = "line", *, paired: bool = False) -> Result:
    """score_texts as a result: each line or chapter of the file at `path` on the axis."""
    positive, negative = words_argument("positive", positive), words_argument("negative", negative)
    positive, negative = pole_keys(engine, positive, negative, paired)
    scored = score_texts(engine, axis_vector(engine, positive, negative), path, unit)
    rows = [(t.document, t.score, t.tokens) for t in scored]
    fields = {"positive": positive, "negative": negative, "texts": str(path)}
    result = Result("axis", [unit, "score", "known_tokens"], rows, fields, provenance=engine.provenance(by=unit))
    result.note(
        f"scored {len(rows):,} {unit}{'s' if len(rows) != 1 else ''} of {path} (the mean unit vector of each one's "
        "known words)",
        kind="info",
    )
    return result
