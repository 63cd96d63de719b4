"""Bracketed notes removed in one pass (w2vkit.text.segmenting.variants): the same text as the
regex removed one level per pass, in time linear in the text (issue 58's hang)."""

from __future__ import annotations

import random
import re
import time

from w2vkit.text.segmenting.variants import MAX_NOTE, strip_notes

# The definition the one-pass stack replaced: innermost notes first, a pass per level.
REFERENCE = re.compile(
    "|".join(
        f"{re.escape(o)}[^{re.escape(o + c)}\\n]{{0,{MAX_NOTE}}}{re.escape(c)}"
        for o, c in ("[]", "〔〕", "【】", "［］", "〖〗")
    )
)


def reference(text: str) -> str:
    while True:
        stripped = REFERENCE.sub("", text)
        if stripped == text:
            return text
        text = stripped


def nested(rng: random.Random, depth: int = 0) -> str:
    """Text with notes of every kind inside one another (never crossing), some left unclosed."""
    out = []
    for _ in range(rng.randint(0, 4)):
        roll = rng.random()
        if roll < 0.3 and depth < 4:
            open_, close = rng.choice(["[]", "〔〕", "【】", "［］", "〖〗"])
            out.append(open_ + nested(rng, depth + 1) + (close if rng.random() < 0.9 else ""))
        elif roll < 0.35:
            out.append("\n")
        else:
            out.append(rng.choice("月日风") * rng.randint(1, 90))
    return "".join(out)


def test_the_one_pass_removal_equals_removal_a_level_at_a_time():
    rng = random.Random(0)
    for _ in range(3_000):  # notes inside notes, of every kind
        text = nested(rng)
        assert strip_notes(text) == reference(text), text
    for _ in range(3_000):  # one kind in any order, unmatched and unclosed brackets included
        text = "".join(rng.choice(["[", "]", "\n", "月", "日"]) for _ in range(rng.randint(0, 40)))
        assert strip_notes(text) == reference(text), text
    # the length bound, measured on what is left once the notes inside are gone
    for inner in (MAX_NOTE - 1, MAX_NOTE, MAX_NOTE + 1):
        text = "〔" + "甲" * inner + "[一]" + "〕乙"
        assert strip_notes(text) == reference(text)
    # (brackets of two kinds that cross, 〖[〗], may part differently: none of the 344,704 poems of
    # the shared poetry table has text on which the two differ, checked when this was written)


def test_100000_nested_levels_end_quickly():
    text = "月" + "〔" * 100_000 + "注" + "〕" * 100_000 + "光" + "(" * 30_000 + ")" * 30_000 + "。"
    started = time.perf_counter()
    assert strip_notes(text) == "月光。"
    assert time.perf_counter() - started < 10  # (a bound on a hang: it did not end in 150 s)


def test_a_long_line_of_editors_marks_stays_linear():
    text = "全唐詩" * 100_000  # (a mark every 3 characters and no sentence end)
    started = time.perf_counter()
    assert strip_notes(text) == ""
    assert time.perf_counter() - started < 10
