"""User dictionaries and stopword lists: a file or the name of a built-in one, read and checked
(one line naming the file and line for a bad entry). Below the segmenter: its options record each
list by checksum, and the Tokenizer loads them."""

from __future__ import annotations

import re
from collections.abc import Iterable
from importlib import resources
from pathlib import Path

from ...base.choices import BUILTIN_DICTS, BUILTIN_STOPWORDS
from ...errors import DictionaryError, quoted


def data_file(kind: str, name: str) -> Path:
    return Path(str(resources.files("w2vkit") / "data" / kind / f"{name}.txt"))


def _resolve(name: str, kind: str, builtins: tuple[str, ...], what: str) -> Path:
    """An existing path, or the name of a built-in data file of this kind."""
    p = Path(name)
    if p.is_file():
        return p
    if name in builtins:
        return data_file(kind, name)
    raise DictionaryError(f"{name}: no such {what} file (built-in: {', '.join(builtins)})")


def resolve_dict(name: str) -> Path:
    return _resolve(name, "dicts", BUILTIN_DICTS, "dictionary")


def resolve_stopwords(name: str) -> Path:
    return _resolve(name, "stopwords", BUILTIN_STOPWORDS, "stopword")


def builtin_dict_markers(name: str) -> list[str]:
    """Words that must all occur in a text for the built-in dictionary to be applied by itself."""
    for line in data_file("dicts", name).read_text(encoding="utf-8").splitlines()[:10]:
        if line.startswith("# detect:"):
            return line.split(":", 1)[1].split()
    return []


def read_user_dict(name: str) -> list[tuple[str, int | None, str | None]]:
    """Parse a jieba-format dictionary (``word [freq] [tag]`` per line, ``#`` comments)."""
    path = resolve_dict(name)
    entries = []
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as e:
        raise DictionaryError(f"{path}: not UTF-8 (byte {e.start}); save the dictionary as UTF-8") from e
    for lineno, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        word, freq, tag = parts[0], None, None
        rest = parts[1:]
        if rest and rest[0].isdigit():
            freq = int(rest.pop(0))
        if rest and re.fullmatch(r"[A-Za-z]+", rest[0]):
            tag = rest.pop(0)
        if rest or freq == 0:
            raise DictionaryError(
                f"{path}:{lineno}: expected 'word [freq] [tag]' (freq a positive integer, tag letters), got {quoted(line)}"
            )
        entries.append((word, freq, tag))
    return entries


def read_stopwords(names: Iterable[str]) -> frozenset[str]:
    words = set()
    for name in names:
        path = resolve_stopwords(name)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as e:
            raise DictionaryError(f"{path}: not UTF-8 (byte {e.start}); save the list as UTF-8") from e
        for line in text.splitlines():
            w = line.strip()
            if w and not w.startswith("#"):
                words.add(w.lower())
    return frozenset(words)
