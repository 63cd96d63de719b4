"""Normalising text before it is segmented, and query words as the text was: one form for
characters that look the same (NFC, full-width letters and digits, the many spaces), and no
invisible characters (zero-width and direction marks) or URLs."""

from __future__ import annotations

import re
import unicodedata

# Full-width space, no-break and typographic spaces become one ASCII space; zero-width characters
# vanish; full-width letters and digits (Ａ１) become ASCII so "Ａ" and "A" are one word.
# Full-width punctuation stays: it is dropped or split on later either way.
_SPACES = "\u3000\xa0\u202f\u2000-\u200a"
# (and the direction marks and embeddings a right-to-left editor adds around a word: LRM, RLM, ALM)
_ZERO_WIDTH = "\ufeff\u200b-\u200f\u2060\u061c\u202a-\u202e\u2066-\u2069"
_SPACE_CHARS = "\u3000\xa0\u202f"
_ODD_CHARS = re.compile(f"[{_SPACES}{_ZERO_WIDTH}]|[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]+")
_URL = re.compile(r"(?:https?://|www\.)[^\s\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]+")


def _fix_odd(m: re.Match) -> str:
    s = m.group(0)
    c = s[0]
    if c >= "\uff10":
        return "".join(chr(ord(ch) - 0xFEE0) for ch in s)
    return " " if c in _SPACE_CHARS or "\u2000" <= c <= "\u200a" else ""


def normalise(text: str) -> str:
    """Unify spaces and full-width letters and digits, drop zero-width characters and URLs, and
    compose characters (NFC: e + combining acute is é, as typed; CJK compatibility ideographs
    become the unified ones; nothing changes in either novel)."""
    if not unicodedata.is_normalized("NFC", text):  # (a quick check in C; most text passes)
        text = unicodedata.normalize("NFC", text)
    if "www." in text or "://" in text:
        text = _URL.sub(" ", text)
    # A search first: sub with a callback costs a Python call per match, and most text has none.
    if _ODD_CHARS.search(text):
        text = _ODD_CHARS.sub(_fix_odd, text)
    return text
