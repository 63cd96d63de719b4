"""Rendering a Result as an aligned table, TSV, CSV or JSON (used by the CLI and the shell), and
making text from a corpus safe to show on a terminal.

The table is for reading (4 decimals, "n/a" where there is no number); TSV and CSV are for R and
pandas: every number at full precision (the shortest text that reads back as the same float), an
empty cell where there is none, a list's items in one cell joined by spaces, true/false. CSV is
RFC 4180 (Python's csv module: quoted where needed, CRLF line ends); a TSV cell's tabs and line
breaks become spaces (TSV has no quoting).

CSV is what spreadsheets open, and Excel and LibreOffice run a cell that begins with = + - @ (or
a tab or carriage return before one) as a formula, quoted or not: `=HYPERLINK(...)` as a word or a
group's label would send a cell's content away when the file is opened. So in CSV a text cell that
begins with one of these is written with a leading ' (OWASP's advice), which a spreadsheet shows
as the text; numbers, computed by w2vkit, are never changed (-0.25 stays a number), nor is a text
cell that is a plain number (a group labelled -1 or +1 runs nothing, and reads back as written). TSV and JSON
carry the text exactly, for R and pandas (`--format tsv`, `--format json`).

Words are data: a corpus or an imported file can hold escape sequences that would clear the
screen or retitle the terminal. Tables and messages show every control character (C0, C1, DEL,
the line and paragraph separators, the bidirectional overrides) as a visible escape such as
``\\x1b``; TSV and JSON carry the words exactly (JSON escapes them itself) and JSON never carries
NaN or infinity (they become null).
"""

from __future__ import annotations

import csv
import io
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


def format_result(result, fmt: str, indent: int | None = 2) -> str:
    """A Result (w2vkit.base.results) as a table, TSV, CSV or JSON (exactly its to_dict();
    indent=None: on one line), without a final newline: the one way rows become text."""
    if fmt == "json":
        return to_json(result.to_dict(), indent=indent)
    columns, rows = result.columns, result.rows
    if fmt == "tsv":
        return "\n".join(
            "\t".join(_tsv_safe(c) for c in r) for r in [columns] + [[exact(v) for v in row] for row in rows]
        )
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(columns)
        writer.writerows([spreadsheet_safe(v) for v in row] for row in rows)
        return out.getvalue()[: -len("\r\n")]
    cells = [[terminal_safe(_cell(v)) for v in row] for row in rows]
    widths = [_width(c) for c in columns]
    for row in cells:
        widths = [max(w, _width(v)) for w, v in zip(widths, row)]
    lines = ["  ".join(_pad(c, w) for c, w in zip(columns, widths)).rstrip(), "  ".join("-" * w for w in widths)]
    lines += ["  ".join(_pad(v, w) for v, w in zip(row, widths)).rstrip() for row in cells]
    return "\n".join(lines)


def _cell(v) -> str:
    if hasattr(v, "item") and hasattr(v, "dtype"):  # a numpy scalar
        v = v.item()
    if v is None or (isinstance(v, float) and v != v):  # no score (nothing to score): not a zero
        return "n/a"
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, float):
        # (four decimals; a number that would show as 0.0000 and is not 0, a regression's norm per
        # unit of a covariate counted in thousands, in three significant digits: 4.91e-05)
        return f"{v:.3g}" if 0 < abs(v) < 0.00005 else f"{v:.4f}"
    if isinstance(v, (list, tuple)):
        return " ".join(_cell(x) for x in v)
    return str(v)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A cell that is a plain number (-1, +1, 1.5e3) is no formula: a spreadsheet reads it as the number,
# and R and pandas read it back as written.
PLAIN_NUMBER = re.compile(r"[+-]?\d+(\.\d*)?([eE][+-]?\d+)?")


def spreadsheet_safe(v) -> str:
    """exact(v) for a CSV cell: text from the data that a spreadsheet would run as a formula gets a
    leading ' (see the module's docstring); a number, or a list of numbers, is left as it is."""
    cell = exact(v)
    is_text = isinstance(v, str) or (isinstance(v, (list, tuple)) and any(isinstance(x, str) for x in v))
    formula = cell.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(cell)
    return "'" + cell if is_text and formula else cell


def exact(v) -> str:
    """A cell for R and pandas: full precision, empty when missing, a list's items joined by spaces."""
    if hasattr(v, "item") and hasattr(v, "dtype"):  # a numpy scalar
        v = v.item()
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, (list, tuple)):
        return " ".join(exact(x) for x in v)
    return str(v)


def _tsv_safe(text: str) -> str:
    return text.replace("\t", " ").replace("\r", " ").replace("\n", " ")


def _width(s: str) -> int:
    """Display width: CJK and other wide characters take two terminal columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _pad(s: str, width: int) -> str:
    return s + " " * (width - _width(s))


_PLAIN = re.compile(r"[\w@%+=:,./-]+")  # (\w is Unicode: 孙悟空 needs no quotes)


def shell_line(argv: list[str]) -> str:
    """The command line as a shell reads it: a word quoted only when it must be."""
    import shlex

    return " ".join(a if _PLAIN.fullmatch(a) else shlex.quote(a) for a in argv)
