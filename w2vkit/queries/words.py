"""Words as a model has them: the form w2vkit's segmentation wrote them in training (so 孫悟空 finds
孙悟空 in a --to-simplified model, Paris finds paris), why a word has no vector (with close words
that do), and the word lists commands are given (-w WORD, --words FILE)."""

from __future__ import annotations

import unicodedata

from ..errors import EvalSetError, Named, UsageError, quoted
from ..model.store import Model

# An unknown word is shown at most this long in a message (a pasted paragraph is not a word).
MAX_WORD_IN_MESSAGE = 40


def training_form(model: Model, word: str) -> str:
    """The word as w2vkit's segmentation would have written it in training: spaces and full-width
    letters and digits unified, lowercased, and in Simplified characters when the model was trained
    with --to-simplified. Imported models keep the word as it is (their case is meaningful)."""
    seg = model.meta.get("segmentation")
    if not seg:
        return word
    from ..text.reading.textnorm import normalise  # here (as segment below): a query of a known word needs neither

    form = normalise(word).strip().lower()
    if seg.get("phrases") and " " in form:  # "new york" as the model has it: new_york
        form = "_".join(form.split())
    if seg.get("to_simplified"):
        from ..text.segmenting.segment import to_simplified

        form = to_simplified(form)
    return form


def unknown_word_message(model: Model, word: str, note: str = "", *, dropped: dict, segmentation=None) -> Named:
    """Why the word has no vector, and up to five close words that do (then `note`); the
    parameters it names (min_count, max_vocab) as fields, for the command line to name its flags.
    `dropped`: the words training left out, with their counts; `segmentation()`: the model's
    segmentation restored (an engine's data: Engine.dropped, Engine.row_options)."""
    min_count = model.meta.get("hyperparameters", {}).get("min_count")
    if word not in dropped and training_form(model, word) in dropped:  # TXT, ＴＸＴ: as training wrote it
        word_seen = training_form(model, word)
        dropped = {word: dropped[word_seen]}
    max_vocab = model.meta.get("hyperparameters", {}).get("max_vocab")
    if word in dropped and max_vocab and isinstance(min_count, int) and dropped[word] >= min_count:
        why = (  # frequent enough, but the vocabulary was capped
            f"seen {dropped[word]} time{'s' if dropped[word] != 1 else ''} in the corpus, but the vocabulary "
            f"keeps only the {max_vocab:,} most frequent words (max_vocab); retrain with a larger {{max_vocab}}"
        )
    elif word in dropped:
        why = (
            f"seen {dropped[word]} time{'s' if dropped[word] != 1 else ''} in the corpus, below "
            f"min_count {min_count}; retrain with {{min_count}} {dropped[word]} to keep it"
        )
    elif model.meta.get("corpus"):
        why = "never seen in the corpus"
        pieces = _segmenter_split(segmentation, word) if len(word) <= MAX_WORD_IN_MESSAGE else None
        if pieces:
            why += f"; the segmenter splits it into {' / '.join(pieces)}"
    else:
        why = "not in the imported vocabulary"
    long_word = len(word) > MAX_WORD_IN_MESSAGE
    close = [] if long_word else close_words(model, word)
    shown = word if len(word) <= MAX_WORD_IN_MESSAGE else f"{word[:MAX_WORD_IN_MESSAGE]}… ({len(word):,} characters)"
    msg = f"{shown!r} is not in the model ({why})"
    if close:
        msg += "; close words: " + ", ".join(close)
    return Named(msg + note, *(p for p in ("min_count", "max_vocab") if f"{{{p}}}" in why))


def _segmenter_split(segmentation, word: str) -> list[str] | None:
    if segmentation is None or not any(_is_cjk(ch) for ch in word):
        return None
    try:
        from ..text.segmenting.segment import segment_lines

        opts = segmentation()
        if opts is None:
            return None
        lines = segment_lines(word, opts, "zh")
    except Exception:  # the explanation is a courtesy; never fail the error message on it
        return None
    pieces = [t for line in lines for t in line]
    return pieces if len(pieces) > 1 else None


def _is_cjk(ch: str) -> bool:
    return "CJK" in unicodedata.name(ch, "")


def close_words(model: Model, word: str, n: int = 5, scan: int = 200_000) -> list[str]:
    """Vocabulary words sharing characters with `word`, closest by edit similarity, then frequency."""
    import difflib

    words = model.words[:scan]
    chars = set(word)
    if any(_is_cjk(ch) for ch in word):
        cands = [w for w in words if chars & set(w)]
    else:
        cands = [w for w in words if w[:1] == word[:1] or w[-2:] == word[-2:]]
    scored = []
    for rank, w in enumerate(cands):
        ratio = difflib.SequenceMatcher(None, word, w).ratio()
        if ratio >= 0.4:
            scored.append((-ratio, rank, w))
    scored.sort()
    return [w for _, _, w in scored[:n]]


def read_word_list(given, path=None) -> list[str]:
    """The words given on the command line, then those of `path` (one a line, # comments), as
    they are, each once: no model is needed to read them. A file with no word is an error naming
    it (it once became "no words", and with it the vocabulary's extremes)."""
    if isinstance(given, str):  # (one word, not its characters)
        given = [given]
    words = list(given)
    if path is not None:
        try:
            with open(path, "rb") as f:
                text = f.read().decode("utf-8-sig")
        except FileNotFoundError:
            raise EvalSetError(f"{path}: no such words file") from None
        except UnicodeDecodeError as e:
            raise EvalSetError(f"{path}: not UTF-8 (byte {e.start}); save it as UTF-8") from None
        except IsADirectoryError:
            raise EvalSetError(f"{path}: is a directory; give a file with one word a line") from None
        listed = [s for s in (line.strip() for line in text.split("\n")) if s and not s.startswith("#")]
        if not listed:
            raise EvalSetError(f"{path}: no words in it; give one word a line (# starts a comment)")
        words += listed
    return list(dict.fromkeys(words))


def listed_words(model: Model, given, path=None) -> list[str]:
    """The words a command was given (-w WORD ..., and --words FILE: one a line, # comments), in
    order, each once. A value holding whitespace or a comma is refused unless the model has it as
    a phrase (new york -> new_york): it is most likely several words pasted into one."""
    words = read_word_list(given, path)
    for w in words:
        if (any(ch.isspace() for ch in w) or "," in w or "，" in w) and training_form(model, w) not in model.index:
            raise UsageError(
                f"{quoted(w)} holds a space or comma and is not a phrase of the model: give each word on its own "
                "(-w A -w B, or --words FILE with one a line)"
            )
    return words
