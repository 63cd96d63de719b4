"""Rendering result rows as an aligned table, TSV or JSON (used by the CLI and the shell), and
making text from a corpus safe to show on a terminal.

Words are data: a corpus or an imported file can hold escape sequences that would clear the
screen or retitle the terminal. Tables and messages show every control character (C0, C1, DEL,
the line and paragraph separators, the bidirectional overrides) as a visible escape such as
``\\x1b``; TSV and JSON carry the words exactly (JSON escapes them itself) and JSON never carries
NaN or infinity (they become null).
"""

from __future__ import annotations

import json
import math
import re
import unicodedata

# C0 and C1 controls, DEL, U+2028/2029, and the bidi embedding/override/isolate controls, which
# can make a line read differently from what it holds.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_UNSAFE_BUT_NEWLINE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _escape(m: re.Match) -> str:
    code = ord(m.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_safe(text: str, keep_newlines: bool = False) -> str:
    """text with control characters shown as escapes (keep_newlines: except "\\n")."""
    return (_UNSAFE_BUT_NEWLINE if keep_newlines else _UNSAFE).sub(_escape, text)


def json_safe(obj):
    """obj with every NaN or infinite float replaced by None (JSON has no such numbers)."""
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: json_safe(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [json_safe(v) for v in obj]
    if hasattr(obj, "item") and hasattr(obj, "dtype"):  # a numpy scalar
        return json_safe(obj.item())
    return obj


def to_json(obj, indent: int | None = 2) -> str:
    """obj as strict JSON (no NaN), non-ASCII characters as they are."""
    return json.dumps(json_safe(obj), ensure_ascii=False, indent=indent, allow_nan=False)


def render(columns: list[str], rows: list[tuple], fmt: str, payload: dict | None = None, indent: int | None = 2) -> str:
    """Rows as a table, TSV or JSON (one object: ``payload`` plus ``results``; indent=None: on one
    line), without a final newline."""
    if fmt == "json":
        obj = dict(payload or {})
        obj["results"] = [dict(zip(columns, row)) for row in rows]
        return to_json(obj, indent=indent)
    cells = [[_cell(v) for v in row] for row in rows]
    if fmt == "tsv":
        return "\n".join("\t".join(r) for r in [columns] + cells)
    cells = [[terminal_safe(v) for v in row] for row in cells]
    widths = [_width(c) for c in columns]
    for row in cells:
        widths = [max(w, _width(v)) for w, v in zip(widths, row)]
    lines = ["  ".join(_pad(c, w) for c, w in zip(columns, widths)).rstrip(), "  ".join("-" * w for w in widths)]
    lines += ["  ".join(_pad(v, w) for v, w in zip(row, widths)).rstrip() for row in cells]
    return "\n".join(lines)


def _cell(v) -> str:
    if v is None or (isinstance(v, float) and v != v):  # no score (nothing to score): not a zero
        return "n/a"
    if isinstance(v, float):
        return f"{v:.4f}"
    return str(v)


def _width(s: str) -> int:
    """Display width: CJK and other wide characters take two terminal columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _pad(s: str, width: int) -> str:
    return s + " " * (width - _width(s))
