"""The checks of a query's public arguments (words, terms, counts): a wrong kind or range named in
one line, as every query function raises it."""

from __future__ import annotations

import numpy as np

from ..errors import UsageError


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


def value_text(name: str, column: str, value) -> str:
    """A value a Python caller gives for a table's column (a point `at`, a level) as the text a
    cell holds: a str as it is; an int, a float, a numpy or pandas scalar as the number's text (700,
    700.5); nan or an infinity refused with the command line's line; anything else a TypeError."""
    import math
    import numbers

    if isinstance(value, str):
        return value
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        item = getattr(value, "item", None)  # (a 0-d array or another library's scalar)
        value = item() if callable(item) and getattr(value, "ndim", 0) == 0 else value
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise TypeError(f"{name}'s values must be numbers or strings, not {type(value).__name__} ({value!r})")
    if isinstance(value, numbers.Integral) and abs(int(value)) < 10**18:
        return str(int(value))
    try:
        number = float(value)
    except OverflowError:  # (an int past any float: 10**400)
        digits = str(value)
        shown = f"{digits[:12]}… ({len(digits):,} digits)"
        raise UsageError(f"{{{name}}} gives {column}={shown}: {column} is a finite number", name) from None
    if not math.isfinite(number):
        raise UsageError(f"{{{name}}} gives {column}={number!r}: {column} is a finite number", name)
    return str(int(number)) if number.is_integer() and abs(number) < 1e15 else repr(number)  # (700.0 as 700)


def points_argument(name: str, value) -> list[dict[str, str]] | None:
    """A list of points ({column: value} dicts, as contrast's `at`) with each value as its text
    (value_text); the same point given twice: a UsageError, as a repeated word or group is."""
    if value is None:
        return None
    if not isinstance(value, (list, tuple)) or not all(
        isinstance(point, dict) and all(isinstance(k, str) for k in point) for point in value
    ):
        raise TypeError(
            f"{name} must be a list of {{column: value}} dicts, not {type(value).__name__} ({str(value)[:60]})"
        )
    points = [{column: value_text(name, column, v) for column, v in point.items()} for point in value]
    seen: set = set()
    for point in points:
        key = tuple(sorted(point.items()))
        if key in seen:
            shown = ",".join(f"{k}={v}" for k, v in point.items())
            raise UsageError(f"{{{name}}} gives {shown} twice: give each point once", name)
        seen.add(key)
    return points


def distinct_words(words: list[str]) -> list[str]:
    """`words` when no word is given twice; else a UsageError naming it (each would be computed
    again: 1,000 copies of one word took minutes)."""
    repeated = [w for w in dict.fromkeys(words) if words.count(w) > 1] if len(set(words)) < len(words) else []
    if repeated:
        shown = ", ".join(map(repr, repeated[:5])) + (" …" if len(repeated) > 5 else "")
        raise UsageError(f"{shown} given more than once: give each word once")
    return words
