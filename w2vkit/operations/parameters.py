"""What a declaration of an operation is made of (w2vkit.operations.declared holds the table):
a Parameter, with its kind, flags, help, the library's default and a page's cap, and an Operation,
the library function that answers and its parameters, called the one way every front end calls it."""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any, NamedTuple

from ..errors import UsageError


class Parameter(NamedTuple):
    """One parameter of an operation: the library function's keyword `name`, its spellings on the
    command line (`flags`; none: the command's positional words), what it is, its help, the
    library's default (the constant its signature names: tests/test_operations.py holds the two
    together; None: not given unless asked), and, for a page, the most it may ask (`page_most`,
    under the limits table's) or False when a page does not ask it at all. (A named tuple, not a
    dataclass: --help reads this table, and creating dataclasses at import made it slow.)"""

    name: str
    # words | word | pairs (words, two at a time) | poles (words after one flag: axis's --vs) |
    # count | share | choice | flag | conditions (COLUMN=VALUE, repeatable: a dict) | names (one
    # flag's comma-separated names: a list) | points (COLUMN=VALUE[,…], repeatable: a list of
    # dicts) | optional (a count, or the flag alone for `alone`)
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

    @property
    def positional(self) -> bool:
        return not self.flags


class Operation(NamedTuple):
    """A question and the library function that answers it (`function`, "module:name" under
    w2vkit, called with an engine first, or with `on="model"` the engine's model as its `model`;
    `on="text"`: an engine too, or None, whose kind of similarity the answer does not use, so no
    front end asks one; imported when asked, not when the table is read)."""

    name: str
    function: str
    parameters: tuple[Parameter, ...]
    on: str = "engine"

    def library(self):
        module, _, name = self.function.partition(":")
        return getattr(importlib.import_module(f"w2vkit.{module}"), name)

    def parameter(self, name: str) -> Parameter:
        return next(p for p in self.parameters if p.name == name)

    def call(self, engine, asked: Mapping):
        """The library's answer: the parameters given (None and empty: not given, the library's
        default applies; a value given is never replaced); words of a `pairs` parameter two at a
        time."""
        given = {k: list(v) if isinstance(v, tuple) else v for k, v in asked.items() if v not in (None, (), [])}
        for p in self.parameters:
            if p.kind == "pairs" and p.name in given:
                words = given[p.name]
                if len(words) % 2:
                    raise UsageError(f"give words in pairs: {p.metavar or 'A B'} ({len(words)} given)")
                given[p.name] = list(zip(words[::2], words[1::2]))
        if self.on == "model":
            return self.library()(model=engine.model, **given)
        return self.library()(engine, **given)
