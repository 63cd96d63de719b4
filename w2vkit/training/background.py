"""A small text read beside related texts (`train TEXT --background CORPUS...`, issue 60).

The model's vocabulary and counts stay the text's. The background is segmented as the text is
(and cached as any corpus is). It then informs one more view, "background": a count model of the
paradigmatic settings counted over the text and the background together, the text's words only,
beside the predictive part (VIEW_WEIGHTS["background"] of each cosine). Each word's vector in that
view is its topical view's vector and that joint one side by side, in the shares sqrt(a) and
sqrt(1 - a), a = p_text / (p_text + p_background) (p: the word's share of each corpus's tokens). A
name the background never uses (a = 1) keeps the text's own voice; an everyday word used alike in
both (a near 1/2) is read half from the background's evidence. Chosen by measurement on four texts
(benchmarks/background.py, docs/defaults.md "A background"): a background trained into the
predictive part too crowded out the text's names.

Bad input is refused before any training: a background in another language, one that is the text
or holds it, one without a token, one that shares almost none of the text's words (another
script), one inside the output folder.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..base.choices import BACKGROUND_OWN_POWER, BACKGROUND_WORDS_MAX
from ..errors import InputError, OptionError, UsageError

if TYPE_CHECKING:
    import numpy as np

    from ..text.corpus.corpuscache import PreparedCorpus

# A Chinese background whose characters cover less of the text's characters than this is refused
# (another script): 三国演义's characters are 0.985 in 西游记's, and 0.93 in a sixth of it; in
# 西游记 in Traditional script (OpenCC s2t), 0.71 (0.65 in a sixth). An English background, by
# words, below MIN_SHARED_WORDS.
MIN_SHARED_CHARACTERS = 0.85
MIN_SHARED_WORDS = 0.5
# A model's words are those seen min_count times, so its characters cover less of the text's: a
# model of 西游记 0.91 of 三国演义's (and 三国演义's of 西游记's), one of a 120,000-character slice 0.80
# of another slice's; one of that slice in Traditional script
# 0.66 (tests/training/test_background.py; texts in that script: 0.71 above).
MIN_SHARED_CHARACTERS_OF_A_MODEL = 0.75
# A background holding this share of the text's lines (of 8 characters or more) holds the text.
MAX_TEXT_LINES_INSIDE = 0.5
TEXT_LINE_MIN_CHARS = 8
VECTOR_SUFFIXES = (".bin", ".vec", ".npy", ".kv", ".model")


@dataclass(frozen=True)
class Background:
    """A background as training uses it: the segmented file (None for a model's vectors), its
    words' shares of its tokens, and what a model's meta.json keeps of it; for a model, its
    vectors of the text's words (`words`: their rows)."""

    corpus: Path | None
    tokens: int
    rates: dict[str, float]
    record: dict
    words: dict[str, int] | None = None
    vectors: Any = None

    def own_shares(self, words: list[str], counts: Any, tokens: int) -> np.ndarray:
        """Each word's share of its use that is the text's: p_text / (p_text + p_background), to
        BACKGROUND_OWN_POWER (1 for a word the background never uses)."""
        import numpy as np

        text_rate = np.asarray(counts, dtype=np.float64) / max(1, tokens)
        back_rate = np.array([self.rates.get(w, 0.0) for w in words], dtype=np.float64)
        return (text_rate / (text_rate + back_rate)) ** BACKGROUND_OWN_POWER

    def vectors_of(self, words: list[str]) -> np.ndarray | None:
        """A model background's vectors of `words`, a row each (zeros for a word it lacks, whose
        own share is then 1); None for a counted background."""
        if self.vectors is None or self.words is None:
            return None
        import numpy as np

        out = np.zeros((len(words), self.vectors.shape[1]), dtype=np.float32)
        for i, w in enumerate(words):
            row = self.words.get(w)
            if row is not None:
                out[i] = self.vectors[row]
        return out


def background_view(topical: np.ndarray, joint: np.ndarray, own: np.ndarray) -> np.ndarray:
    """The background view's vectors: each word's unit topical vector and unit joint vector side by
    side at sqrt(own) and sqrt(1 - own); the cosine of two words is then
    sqrt(a_x a_y) cos_topical + sqrt((1 - a_x)(1 - a_y)) cos_joint, and every row has unit length."""
    import numpy as np

    from ..base.vecmath import unit_rows

    own = np.clip(np.asarray(own, dtype=np.float64), 0.0, 1.0)[:, None]
    return np.hstack([np.sqrt(own) * unit_rows(topical), np.sqrt(1 - own) * unit_rows(joint)]).astype(np.float32)


def prepare_background(
    inputs: list[str], seg_options, text: PreparedCorpus, jobs=None, progress: bool = False, where=None
) -> Background:
    """Segment the background as the text is (cached; a table's rows by `where`, COLUMN=VALUE,
    when given) and check it against the text, before any training: InputError naming the
    background and what to do."""
    from dataclasses import replace

    from ..text.corpus.corpuscache import prepare_corpus
    from ..text.reading.tables import is_table, parse_conditions

    if where is not None:  # (checked as --where is; a dict, as the text's are)
        conditions = parse_conditions(where, "background_where")
        other = [p for p in inputs if not (Path(p).is_file() and is_table(p))]
        if other:
            raise OptionError(
                f"{{background_where}} chooses a background table's rows; {other[0]} is not a table "
                "(TSV, CSV, JSON Lines)",
                "background_where",
            )
        if seg_options is not None:
            seg_options = replace(seg_options, where=conditions)

    named = inputs[0] if len(inputs) == 1 else f"{inputs[0]} and {len(inputs) - 1} more"
    models = [path for path in inputs if (Path(path) / "meta.json").is_file()]
    if models:
        if len(inputs) > 1:
            raise InputError(f"{models[0]}: a model as a background stands alone; give one model, or texts (not both)")
        return _model_background(models[0], text)
    for path in inputs:  # (raw vectors: through `import`, the one door a model's files pass)
        if Path(path).suffix.lower() in VECTOR_SUFFIXES:
            raise InputError(
                f"{path}: vectors are read as a background once imported: w2vkit import {path} -o DIR, "
                "then --background DIR"
            )
    prepared = prepare_corpus(inputs, seg_options, jobs, progress)  # (the text itself: its cache, at once)
    # (a table is named as given, not by its text's copy in the cache)
    same = [i.get("table") or i["path"] for i in prepared.inputs if i["sha256"] in {t["sha256"] for t in text.inputs}]
    if same:
        raise InputError(
            f"{same[0]}: the background holds the text itself; give related texts as the background, not the text"
        )
    if prepared.tokens == 0:
        raise InputError(f"{named}: the background has no words; give related texts with some")
    if prepared.language != text.language:
        raise InputError(
            f"{named}: the background is {_LANGUAGES.get(prepared.language, prepared.language)} and the text "
            f"{_LANGUAGES.get(text.language, text.language)}; give a background in the text's language"
        )
    counts, text_counts = _word_counts(prepared), _word_counts(text)
    _check_shared(named, text_counts, counts.keys(), text.language)
    _check_not_inside(named, text.path, prepared.path)
    record = {
        "inputs": prepared.inputs,
        "tokens": prepared.tokens,
        **prepared.record(),
        **({"file_starts": prepared.file_starts} if prepared.file_starts else {}),
    }
    rates = {w: c / prepared.tokens for w, c in counts.items()}
    return Background(prepared.path, prepared.tokens, rates, record)


def _model_background(path: str, text: PreparedCorpus) -> Background:
    """A w2vkit model (trained, or imported vectors) as the background: its default view's vectors
    of the text's words beside the text's own (measured as a counted background of the same text,
    docs/defaults.md "A background"), and its words' shares of use: a trained model's counts, an
    imported one's by rank (Zipf: such files list words most frequent first, without counts)."""
    import numpy as np

    from ..model.store import load_model
    from ..model.views import with_view
    from ..text.reading.inputs import detect_language

    model = with_view(load_model(path), None)  # (the trust door: checksums, record types)
    meta = model.meta
    if meta.get("items"):
        raise InputError(f"{path}: a model of item sequences is not a background for a text; give a model of text")
    words = list(model.words)
    language = detect_language(" ".join(words[:20_000]))  # (by its words: an imported model records none)
    if language != text.language:
        raise InputError(
            f"{path}: the background model is {_LANGUAGES.get(language, language)} and the text "
            f"{_LANGUAGES.get(text.language, text.language)}; give a background in the text's language"
        )
    own = {i["sha256"] for i in text.inputs}
    read = [*((meta.get("corpus") or {}).get("inputs") or []), *((meta.get("background") or {}).get("inputs") or [])]
    trained_on = [i for i in read if i.get("sha256") in own]
    if trained_on:
        raise InputError(
            f"{path}: the background model was trained on the text itself ({trained_on[0]['path']}); "
            "give a model of related texts"
        )
    _check_model_not_holding(model, path, text)
    tokens = (meta.get("corpus") or {}).get("tokens")
    if tokens:  # (a trained model: its counts over its corpus)
        rates = dict(zip(words, (np.asarray(model.counts, dtype=np.float64) / tokens).tolist()))
    else:  # (imported: rank r of n words used about 1 / (r (ln n + 0.577)) of the time)
        harmonic = np.log(max(2, len(words))) + 0.5772
        rates = {w: 1.0 / ((r + 1) * harmonic) for r, w in enumerate(words)}
    text_counts = _word_counts(text)
    _check_shared(path, text_counts, rates.keys(), text.language, MIN_SHARED_CHARACTERS_OF_A_MODEL)
    kept = [i for i, w in enumerate(words) if w in text_counts]  # (the text's words: all the view reads)
    beyond = [i for i, w in enumerate(words) if w not in text_counts][:BACKGROUND_WORDS_MAX]  # (and its own words)
    kept = sorted(kept + beyond)
    vectors = np.asarray(model.vectors[kept], dtype=np.float32) if kept else np.zeros((0, model.dim), np.float32)
    record: dict = {
        "model": {
            "path": str(path),
            "vectors_sha256": meta.get("vectors_sha256") or "",
            "dim": int(model.dim),
            "words": len(words),
            "view": meta.get("view") or "mixed",
        },
        **({"tokens": int(tokens)} if tokens else {}),
    }
    return Background(None, int(tokens or 0), rates, record, {words[i]: n for n, i in enumerate(kept)}, vectors)


_LANGUAGES = {"zh": "Chinese", "en": "English"}


def _word_counts(corpus: PreparedCorpus) -> dict[str, int]:
    """A corpus's word counts: the cache's, else counted (a corpus cached before they were kept)."""
    counted = corpus.word_counts()
    if counted is not None:
        return dict(counted[0])
    from .countmodel import vocabulary

    words, counts, _ = vocabulary(corpus.path, 1)
    return dict(zip(words, counts.tolist()))


def _check_shared(
    named: str, text_counts: dict[str, int], counts, language: str, least_characters: float = MIN_SHARED_CHARACTERS
) -> None:
    """Refuse a background written otherwise (another script): by characters for Chinese, by words
    for English."""
    if language == "zh":
        from collections import Counter

        text_chars: Counter = Counter()
        for word, count in text_counts.items():
            for char in word:
                text_chars[char] += count
        known = {char for word in counts for char in word}
        total = sum(text_chars.values())
        shared = sum(c for char, c in text_chars.items() if char in known)
        least, what = least_characters, "characters"
    else:
        total = sum(text_counts.values())
        shared = sum(c for w, c in text_counts.items() if w in counts)
        least, what = MIN_SHARED_WORDS, "words"
    if total and shared / total < least:
        raise InputError(
            f"{named}: the background uses only {shared / total:.0%} of the text's {what} (another script?); "
            "give a background written as the text is (--to-simplified reads Traditional text as Simplified)"
        )


def _check_model_not_holding(model, named: str, text: PreparedCorpus) -> None:
    """Refuse a model whose training text holds the text (a larger file around it, which no
    checksum of its inputs shows): its segmented copy, read through the one door for a model's
    corpus (inside the cache, checksum matched), when it is still there."""
    from ..text.corpus.corpuscache import model_corpus

    if not (model.meta.get("corpus") or {}).get("cache"):
        return
    try:
        corpus, _ = model_corpus(model)
    except UsageError:  # (the cache cleared or moved: the inputs' checksums above are what is known)
        return
    _check_not_inside(named, text.path, corpus)


def _check_not_inside(named: str, text_corpus: Path, background_corpus: Path) -> None:
    """Refuse a background holding most of the text's longer lines (the text inside it)."""
    lines = {_digest(line) for line in _lines(text_corpus) if len(line.replace(" ", "")) >= TEXT_LINE_MIN_CHARS}
    if not lines:
        return
    inside = set()
    for line in _lines(background_corpus):
        digest = _digest(line)
        if digest in lines:
            inside.add(digest)
    if len(inside) / len(lines) >= MAX_TEXT_LINES_INSIDE:
        raise InputError(
            f"{named}: the background holds the text ({len(inside) / len(lines):.0%} of its lines); "
            "give related texts as the background, without the text"
        )


def _lines(corpus: Path):
    with open(corpus, encoding="utf-8") as f:
        for line in f:
            yield line.strip()


def _digest(line: str) -> bytes:
    return hashlib.blake2b(line.encode("utf-8"), digest_size=12).digest()
