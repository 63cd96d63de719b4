"""One parameter of the library, declared once for every front end: its kind, its command-line
flags, its help, the library's default and how it is checked. The segmentation and training
options (w2vkit.base.optiontable) and every operation's parameters (w2vkit.operations.declared)
are rows of this one type, and the command line makes each click option from it by one rule
(w2vkit.cli.options)."""

from __future__ import annotations

from typing import Any, NamedTuple

from ..errors import OptionError
from .limits import check_number

NUMBER_KINDS = ("number", "count", "share")


class Parameter(NamedTuple):
    """One parameter: the library's keyword `name`, its spellings on the command line (`flags`;
    none: the command's positional words, or, for an option class's field, the library's only),
    what it is, its help, the library's default (unset, a front end gives None and the library
    resolves it: a value given is never replaced), and, for a page, the most it may ask
    (`page_most`, under the limits table's) or False when a page does not ask it at all. (A named
    tuple, not a dataclass: --help reads these tables, and creating dataclasses at import made it
    slow.)"""

    name: str
    # words | word | pairs (words, two at a time) | poles (words after one flag: axis's --vs) |
    # number, count, share (range: w2vkit.base.limits[limit or name]) | choice | flag (on when
    # given) | switch (--x/--no-x; None: decided by the library) | text | repeated (a repeatable
    # flag's values: a tuple) | names (one flag's comma-separated names: a list) | conditions
    # (COLUMN=VALUE, repeatable: the library's one shape of a table's row filter, a dict, None when
    # unset) | points (COLUMN=VALUE[,…], repeatable: a list of dicts) | optional (a count, or the
    # flag alone for `alone`) | weight (a number from 0 to 1, or "gensim")
    kind: str
    help: str
    flags: tuple[str, ...] = ()
    default: Any = None
    choices: tuple[str, ...] = ()
    least: int = 1  # words: how many at the least
    limit: str | None = None  # its row in the limits table (None: its name)
    page_most: int | bool | None = None  # a page's cap (a count); False: not asked from a page
    metavar: str | None = None
    shown: Any = None  # --help's default where the library's is None and resolves to this one
    alone: Any = None  # an optional count's value when its flag is given alone
    values: dict | None = None  # the command line's words for the library's values (--lines sentence)

    @property
    def positional(self) -> bool:
        return not self.flags

    def check(self, value) -> None:
        """OptionError naming this parameter unless `value` is one the library can use."""
        if self.kind == "choice" and value is not None and value not in self.choices:
            raise OptionError(f"{{{self.name}}} must be one of {', '.join(self.choices)}, not {value!r}", self.name)
        if self.kind in NUMBER_KINDS:
            check_number(self.limit or self.name, value)
        if self.kind == "repeated":
            if isinstance(value, str):  # ("xiyouji" would be read as x, i, y, ...)
                raise OptionError(f"{{{self.name}}} must be a list or tuple of names, not one string", self.name)
            if not isinstance(value, (tuple, list)):
                raise OptionError(f"{{{self.name}}} must be a list or tuple of names, not {value!r}", self.name)
        if self.kind == "conditions" and value is not None and not isinstance(value, dict):
            raise OptionError(f"{{{self.name}}} must be a dict of COLUMN: VALUE, not {value!r}", self.name)
        if self.kind in ("flag", "switch") and not (
            isinstance(value, bool) or (value is None and self.kind == "switch")
        ):
            raise OptionError(f"{{{self.name}}} must be True or False, not {value!r}", self.name)
        if self.kind == "weight" and value not in (None, "gensim"):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
                raise OptionError(f"{{{self.name}}} must be a number from 0 to 1, or gensim, not {value!r}", self.name)
