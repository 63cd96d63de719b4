"""An operation's parameters from a page's request (strings in, each bounded and checked in one
line) and as the command line that asks the same (w2vkit.operations.declared gives both)."""

from __future__ import annotations

from collections.abc import Mapping

from ..base.limits import LIMITS
from ..errors import UsageError
from .declared import MAX_ROWS, MAX_WORD_CHARS, MAX_WORDS
from .parameters import Operation, Parameter

WORD_KINDS = ("words", "word", "pairs", "poles")

__all__ = ["MAX_ROWS", "MAX_WORD_CHARS", "MAX_WORDS", "command_line", "page_value", "read_page"]


def read_page(operation: Operation, params: Mapping[str, str]) -> dict:
    """A page's request (strings) as the operation's parameters, each bounded (the limits table's
    range, under the page's cap) and checked in one line naming it (UsageError); a parameter a page
    does not ask, or left empty, is not given."""
    asked: dict = {}
    for p in operation.parameters:
        value = page_value(p, params)
        if value is not None:
            asked[p.name] = value
    return asked


def page_value(p: Parameter, params: Mapping[str, str]):
    """One parameter of a page's request, read and bounded as read_page reads each; None when it
    is not given (or is one a page does not ask), UsageError when a required one is missing."""
    raw = params.get(p.name)
    if p.page_most is False or raw is None or not raw.strip():
        if p.positional and p.least and p.kind in WORD_KINDS:
            raise UsageError(f"give {p.name}: {'a word' if p.least == 1 else f'at least {p.least} words'}")
        return None
    return _read(p, raw.strip())


def _read(p: Parameter, raw: str):
    if p.kind == "names":  # (a page's list of names: apart by spaces or commas, as words are)
        return _read(p._replace(kind="words"), raw)
    if p.kind == "points":  # (a page's points: apart by spaces or commas, a point's values by ;)
        from ..text.reading.tables import parse_conditions

        return [parse_conditions(point.split(";"), p.name) for point in _read(p._replace(kind="words"), raw)]
    if p.kind == "optional":  # (the flag alone: 1, true, …; else its count)
        return p.alone if raw.lower() in ("1", "true", "yes", "on") else _read(p._replace(kind="count"), raw)
    if p.kind in WORD_KINDS:
        # (words apart by spaces or commas, Chinese ones too; a `word` is the whole string)
        words = raw.replace("，", " ").replace("、", " ").replace(",", " ").split() if p.kind != "word" else [raw]
        if len(raw) > MAX_WORDS * (MAX_WORD_CHARS + 1) or len(words) > MAX_WORDS:
            raise UsageError(f"{p.name}: give at most {MAX_WORDS} words")
        if any(len(w) > MAX_WORD_CHARS for w in words):
            raise UsageError(f"{p.name}: a word of that many characters is too long (at most {MAX_WORD_CHARS})")
        if len(words) < p.least:
            raise UsageError(f"give {p.name}: at least {p.least} words")
        return words[0] if p.kind == "word" else words
    if p.kind == "choice":
        if raw not in p.choices:
            raise UsageError(f"{p.name}: choose {', '.join(p.choices)}, not {raw[:20]!r}")
        return raw
    if p.kind == "flag":
        return raw.lower() in ("1", "true", "yes", "on")
    low, high, integer, _ = LIMITS[p.limit or p.name]
    try:
        value = int(raw) if integer else float(raw)
    except ValueError:
        raise UsageError(f"{p.name} must be {'a whole number' if integer else 'a number'}, not {raw[:20]!r}") from None
    high = min(high, p.page_most) if isinstance(p.page_most, int) and high is not None else high
    if not (low is None or value >= low) or not (high is None or value <= high):
        raise UsageError(f"{p.name} must be from {low} to {high}, not {value}")
    return value


def command_line(operation: Operation, asked: Mapping) -> list[str]:
    """The command line's words for the parameters given (after `w2vkit NAME -m MODEL`): the
    positional words first, each option by its first long spelling (`--minus` once a word)."""
    argv: list[str] = []
    for p in operation.parameters:
        value = asked.get(p.name)
        if value is None or value == [] or value is False:
            continue
        values = value if isinstance(value, (list, tuple)) else [value]
        if p.positional:
            argv += [str(v) for v in values]
        elif p.kind == "poles":  # (the flag once, then its words: `--vs 恶 坏`)
            argv += [_spelling(p), *map(str, values)]
        elif p.kind == "flag":
            argv.append(_spelling(p))
        elif p.kind == "conditions":
            for column, v in value.items():
                argv += [_spelling(p), f"{column}={v}"]
        elif p.kind == "names":
            argv += [_spelling(p), ",".join(map(str, values))]
        elif p.kind == "points":  # (each point once: --at year=700 --at year=1200,genre=诗)
            for point in values:
                argv += [_spelling(p), ",".join(f"{column}={v}" for column, v in point.items())]
        elif p.kind == "optional":  # (the flag alone for its value alone, or with the count)
            argv += [_spelling(p)] if value is True or value == p.alone else [_spelling(p), str(value)]
        else:
            for v in values:
                argv += [_spelling(p), str(v)]
    return argv


def _spelling(p: Parameter) -> str:
    return next((f for f in p.flags if f.startswith("--")), p.flags[0])
