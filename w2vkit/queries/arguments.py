"""The checks of a query's public arguments (words, terms, counts): a wrong kind or range named in
one line, as every query function raises it."""

from __future__ import annotations

import numpy as np


def words_argument(name: str, value) -> list[str]:
    """A list of words from a public argument: one string is one word (not its characters)."""
    if isinstance(value, str):
        return [value]
    if value is None or not hasattr(value, "__iter__"):
        raise TypeError(f"{name} must be a word or a list of words, not {type(value).__name__}")
    out = list(value)
    for w in out:
        if not isinstance(w, str):
            raise TypeError(f"{name} must hold words (str), not {type(w).__name__} ({w!r})")
    return out


def terms_argument(name: str, value) -> list:
    """words_argument, where a 1-D array stands for a vector (as gensim's most_similar takes
    both): one array alone is one vector."""
    if isinstance(value, np.ndarray) and value.ndim == 1:
        return [value]
    if isinstance(value, str) or value is None or not hasattr(value, "__iter__"):
        return words_argument(name, value)
    out = list(value)
    for w in out:
        if not isinstance(w, (str, np.ndarray)):
            raise TypeError(f"{name} must hold words (str) or vectors (numpy arrays), not {type(w).__name__} ({w!r})")
    return out


def count_argument(name: str, value, low: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be a whole number, not {type(value).__name__} ({value!r})")
    if value < low:
        raise ValueError(f"{name} must be at least {low}, not {value}")
    return int(value)
