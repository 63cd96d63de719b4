"""Rendering result rows as an aligned table, TSV or JSON (used by the CLI and the shell)."""

from __future__ import annotations

import json
import unicodedata


def render(columns: list[str], rows: list[tuple], fmt: str, payload: dict | None = None) -> str:
    """Rows as a table, TSV or JSON (one object: ``payload`` plus ``results``), without a final newline."""
    if fmt == "json":
        obj = dict(payload or {})
        obj["results"] = [dict(zip(columns, row)) for row in rows]
        return json.dumps(obj, ensure_ascii=False, indent=2)
    cells = [[_cell(v) for v in row] for row in rows]
    if fmt == "tsv":
        return "\n".join("\t".join(r) for r in [columns] + cells)
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
