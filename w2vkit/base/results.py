"""The result of a query or a finding, as the library returns it and every front end shows it:
rows under named columns, the call's fields (what was asked), notes, and provenance.

`to_dict()` is the document `--format json` prints, the same from Python and from the command
line (tests/base/test_results.py). Notes are warnings and remarks kept as data: a template whose
{param} fields name parameters, so that Python reads `stable=0.5` where the command line reads
`--stable 0.5` (w2vkit.errors.fill); in the JSON they are filled with the Python names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..errors import Named, python_name


@dataclass
class Note:
    """A remark on a result: `kind` "warning" (the result may mislead) or "info"."""

    template: str
    params: tuple[str, ...] = ()
    kind: str = "warning"

    def named(self, name_of=python_name) -> str:
        return Named(self.template, *self.params).named(name_of) if self.params else self.template

    def __str__(self) -> str:
        return self.named()


@dataclass
class Result:
    """What a query or finding returns.

    Attributes
    ----------
    command : str
        What was run (similar, expand, axis, ...).
    columns : list of str
        The names of the rows' cells.
    rows : list of tuple
        The results, best first.
    fields : dict
        What was asked and found besides the rows (the query words, anchors, ...), JSON-ready.
    notes : list of Note
        Warnings and remarks, in order.
    provenance : dict
        What made the result: the model, its checksum, w2vkit's version, the options.
    """

    command: str
    columns: list[str]
    rows: list[tuple]
    fields: dict[str, Any] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)
    provenance: dict[str, Any] = field(default_factory=dict)

    def note(self, template: str, *params: str, kind: str = "warning") -> None:
        self.notes.append(Note(template, params, kind))

    def records(self) -> list[dict[str, Any]]:
        """The rows as dicts by column name."""
        return [dict(zip(self.columns, row)) for row in self.rows]

    def to_dict(self) -> dict[str, Any]:
        """The JSON document: the fields, then notes (warnings filled with Python's names),
        provenance and the rows as "results"."""
        out = dict(self.fields)
        out["notes"] = [{"kind": n.kind, "message": n.named()} for n in self.notes]
        out["provenance"] = self.provenance
        out["results"] = self.records()
        return out

    def to_frame(self):
        """The rows as a pandas DataFrame, a column per name (pandas is not a dependency of
        w2vkit: `pip install pandas`). Missing numbers are NaN in numeric columns, a list stays a
        list in its cell; the fields, notes and provenance are kept in `frame.attrs`."""
        try:
            import pandas as pd
        except ImportError:
            from ..errors import UsageError

            raise UsageError("to_frame needs pandas: pip install pandas") from None
        frame = pd.DataFrame.from_records(self.rows, columns=self.columns)
        frame.attrs.update(
            command=self.command,
            fields=dict(self.fields),
            notes=[n.named() for n in self.notes],
            provenance=dict(self.provenance),
        )
        return frame

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self):
        return iter(self.records())
