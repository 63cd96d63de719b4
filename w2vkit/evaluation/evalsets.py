"""Evaluation sets: the built-in ones (where each lives, which a model's language gets by default)
and the readers of the three formats (analogies, word pairs, alias groups). Reading is strict: a
malformed line is an error naming the file and line, never skipped in silence."""

from __future__ import annotations

import importlib.util
import logging
import math
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..base.choices import BUILTIN_SETS, DATA_ENV
from ..errors import EvalSetError, quoted

if TYPE_CHECKING:
    from ..queries.query import Engine

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
        path = Path(__file__).parents[1] / "data" / "eval" / rel
    else:
        base = data_dir or os.environ.get(DATA_ENV)
        if not base:
            raise EvalSetError(
                f"{name}: give the folder that holds {rel} with {{data_dir}} or ${DATA_ENV} (e.g. ../shared/eval/zh)",
                "data_dir",
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


# ------------------------------------------------------------------ readers


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
            raise EvalSetError(f"{path}:{lineno}: expected 4 words, got {len(words)}: {quoted(line)}")
        if not sections:
            raise EvalSetError(f"{path}:{lineno}: question before the first ': section' header")
        sections[-1][1].append(Question(*words))
    if not any(qs for _, qs in sections):
        raise EvalSetError(f"{path}: no analogy questions found")
    return sections


def read_pairs(path) -> list[tuple[str, str, float]]:
    """'w1 w2 score' per line, tab- or space-separated; '#' comments; an optional header line."""
    path = Path(path)
    pairs: list = []
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
            raise EvalSetError(f"{path}:{lineno}: expected 'word1 word2 score', got {quoted(line)}") from None
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


def read_groups(name_or_path) -> list[list[str]]:
    """One group of words that name the same thing per line; '#' comments."""
    path = resolve_set(str(name_or_path))
    lines = ((n, line) for n, line in _lines(path) if not line.startswith("#"))
    return rows_of_words(
        path,
        lines,
        EvalSetError,
        "a group needs at least two words",
        "no groups found; write one group of names per line (two or more words)",
    )


def rows_of_words(path, numbered_lines, error: type[Exception], needs: str, empty: str) -> list[list[str]]:
    """The words of each (number, line) that holds any: a line of one word is `error` naming the
    file and line and what a line `needs`; no line at all is `error` saying `empty`."""
    rows = []
    for lineno, line in numbered_lines:
        words = line.split()
        if not words:
            continue
        if len(words) < 2:
            raise error(f"{path}:{lineno}: {needs}, got {quoted(line.strip())}")
        rows.append(words)
    if not rows:
        raise error(f"{path}: {empty}")
    return rows


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
    from ..text.reading.inputs import CJK, language_of  # here: --help reads this module, and corpus is slow to load

    top = engine.model.words[:1000]
    return language_of(sum(1 for w in top if CJK.search(w)), len(top))
