"""contrast's arguments checked before any work (w2vkit.findings.contrasts.contrasting's first
step): the Python API's types, the command line's ranges, the words, the points, the level and a
scan's order, and what only a regression answers asked of one column's groups; each wrong one said
in one line naming it."""

from __future__ import annotations

from typing import NamedTuple

from ...base.choices import SCAN_MIN_OCCURRENCES, SCAN_RANK, SCAN_RANKS
from ...base.limits import LIMITS, check_number
from ...errors import UsageError, W2vkitError
from ...queries.arguments import count_argument, distinct_words, points_argument, words_argument
from ...queries.query import Engine
from ..permutation import LEVEL
from ..tabledocs import table_label
from .design import parse_spec


class Checked(NamedTuple):
    """contrast's arguments as the work reads them (checked_arguments)."""

    words: list[str]
    at: list[dict[str, str]] | None
    level: float
    rank: str
    scan: int | None
    permutations: int
    bootstrap: int
    window: int


def checked_arguments(engine, path, words, by, **asked) -> Checked:
    """contrast's arguments, checked, with their values as the work reads them: the words (each
    once), the points `at` (numbers as text), the level and a scan's order (their defaults when
    unset), the scan's threshold, and the permutations, draws and window as ints."""
    if not isinstance(engine, Engine):
        raise TypeError(f"engine must be an Engine, not {type(engine).__name__}")
    if path is None:  # (keywords with no default, so that every front end reads one signature)
        raise UsageError("give the table: {path} TABLE, a row a document", "path")
    if by is None or by == []:
        raise UsageError("give the column of the groups: {by} COLUMN", "by")
    _check_types(by, asked["block"], asked["text_column"], asked["to"])
    if asked["split_blocks"] and not asked["block"]:
        raise UsageError("{split_blocks} splits the blocks of {block}: give {block} COLUMN", "split_blocks", "block")
    at = points_argument("at", asked["at"])  # (a year as Python writes it, 700 or np.int64(700): its text)
    baseline, scan = asked["baseline"], asked["scan"]
    if baseline is not None and not isinstance(baseline, dict):
        raise TypeError(f"baseline must be a dict of column to level ({{'period': '唐'}}), not {baseline!r}")
    words = distinct_words(words_argument("words", words)) if words is not None else []
    if bool(words) == (scan is not None):
        raise UsageError("give at least one word, or {scan} N (one of the two)", "scan")
    _check_arguments(**{k: asked[k] for k in RANGED}, groups=asked["groups"], scan=scan)
    level, rank = _level_and_rank(asked["level"], asked["rank"], scan)
    return Checked(
        words,
        at,
        level,
        rank,
        SCAN_MIN_OCCURRENCES if scan is True else scan,
        count_argument("permutations", asked["permutations"], 19),
        count_argument("bootstrap", asked["bootstrap"], 10),
        count_argument("window", asked["window"]),
    )


RANGED = ("permutations", "bootstrap", "min_occurrences", "seed", "jobs", "window", "top")


def refuse_regression_options(at, baseline) -> None:
    """What only a regression answers, asked of one column's groups: one line saying so."""
    if at:
        raise UsageError(
            "{at} asks for fitted vectors of a regression: give a number column or several {by}", "at", "by"
        )
    if baseline:  # (one column's groups are each against the rest, or against the one before)
        raise UsageError(
            "{baseline} sets a regression's reference level; one column's groups are each against the rest: give "
            "{groups} with the baseline first to compare each group with the one before",
            "baseline",
            "groups",
        )


def _level_and_rank(level, rank, scan) -> tuple[float, str]:
    """The interval's level and a scan's order, checked before any work (their defaults when unset)."""
    check_number("level", level)
    if rank is not None and scan is None:  # (it orders a scan's words: alone it would be ignored)
        raise UsageError("{rank} orders a scan's words: give {scan} N with it, or leave {rank} out", "rank", "scan")
    rank = SCAN_RANK if rank is None else rank
    if rank not in SCAN_RANKS:
        raise UsageError(f"{{rank}} is {' or '.join(SCAN_RANKS)}, not {rank!r}", "rank")
    return (LEVEL if level is None else float(level)), rank


def check_literal_columns(path, specs: list[str]) -> None:
    """`year:number` beside a column literally named so would be taken as `year` read as a number
    without a word: refused, naming both (round 7's C27)."""
    from ...text.reading.tables import is_frame, table_columns

    kinded = [s.strip() for s in specs if parse_spec(s)[1] is not None]
    if not kinded:
        return
    try:
        columns = [str(c) for c in path.columns] if is_frame(path) else table_columns(path)
    except W2vkitError:
        return  # (a table that cannot be read is said by the reading itself, as ever)
    for spec in kinded:
        if spec in columns:
            name, kind = parse_spec(spec)
            raise UsageError(
                f"{table_label(path)}: {{by}} {spec!r} names a column, and also column {name!r} as a {kind}; rename "
                "the column so that the two cannot be confused",
                "by",
            )


def _check_types(by, block, text_column, to) -> None:
    """The Python API's column names and `to` of the types the command line gives (TypeError
    naming the argument, as for every public function's arguments)."""
    names = [by] if isinstance(by, str) else by
    if not isinstance(names, (list, tuple)) or not all(isinstance(n, str) for n in names):
        raise TypeError(f"by must be a column name or a list of them (str), not {by!r}")
    for name, value in (("block", block), ("text_column", text_column)):
        if value is not None and not isinstance(value, str):
            raise TypeError(f"{name} must be a column name (str), not {type(value).__name__} ({value!r})")
    if to is not None and (isinstance(to, str) or not all(isinstance(w, str) for w in to)):
        raise TypeError(f"to must be a list of words (str), not {str(to)[:60]}")
    if to is not None and not [w for w in to if w.strip()]:
        raise UsageError("{to} names no word: give words such as 梅,酒 (or leave it out)", "to")


def _check_arguments(groups, permutations, bootstrap, min_occurrences, seed, jobs, window, top, scan) -> None:
    """contrast's arguments by the command line's ranges (w2vkit.base.limits; the window is
    contrast's own), and groups as a list."""
    if isinstance(groups, (str, bytes)):
        raise TypeError(f"groups must be a list of group names, not a string ({groups!r}): split it first")
    for name, value in (
        ("permutations", permutations),
        ("bootstrap", bootstrap),
        ("min_occurrences", min_occurrences),
        ("seed", seed),
        ("jobs", jobs),
    ):
        check_number(name, value)
    check_number("window", window, {"window": LIMITS["contrast_window"]})
    check_number("top", top, {"top": LIMITS["scan_top"]})
    if scan is not None and scan is not True:
        check_number("scan", scan)
