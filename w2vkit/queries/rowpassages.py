"""A table's row as a passage's context (w2vkit.queries.kwic): the row as written around an
occurrence found in the row as a model read it, and the columns a reader cites the row by, for the
passages of a model's text that are rows of the table it was trained on."""

from __future__ import annotations

from pathlib import Path

from ..base.choices import TEXT_COLUMN


def original_passage(raw: str, share: float, width: int) -> str:
    """A row as written (its punctuation, notes and script) around an occurrence found `share` of the
    way through the row as the model read it: the whole row when it is short (a poem), else a window
    at the same share of the way, a quarter wider each side than the passage's `width` (the notes
    and punctuation the model dropped take room); its whitespace as single spaces."""
    raw = " ".join(raw.split())
    reach = width + width // 4
    if len(raw) <= 3 * reach:
        return raw
    centre = round(len(raw) * share)
    low, high = max(0, centre - reach), min(len(raw), centre + reach)
    return ("…" if low else "") + raw[low:high] + ("…" if high < len(raw) else "")


def label_trained_rows(found, model) -> None:
    """The hits (a w2vkit.queries.kwic.Concordance's) of a model's text that are rows of the one table it was trained on (its line map
    names them by the table's lines): each labelled by the row's columns a reader cites it by, as
    kwic --in TABLE labels them, read from the table when it is the one the model recorded
    (its sha256); else left as they are."""
    from ..base.trust import digest_of
    from ..text.reading.tables import is_table, read_rows, shown_columns

    tables = {h.file for h in found.hits}
    path = next(iter(tables)) if len(tables) == 1 else ""
    recorded = [i for i in (model.meta.get("corpus") or {}).get("inputs") or [] if i.get("table") == path]
    if (
        not recorded
        or not is_table(path)
        or not Path(path).is_file()
        or digest_of(path) != recorded[0].get("table_sha256")
    ):
        return
    shown = shown_columns(path, None, TEXT_COLUMN)
    lines = {h.line for h in found.hits}
    cells: dict[int, tuple[str, ...]] = {}
    for n, row in read_rows(path, shown):  # (up to the last row shown: the first passages are near the top)
        if n in lines:
            cells[n] = tuple(row[c].strip() for c in shown)
        if n >= max(lines):
            break
    for hit in found.hits:
        hit.document = cells.get(hit.line, ("",) * len(shown))
    found.labels = shown
