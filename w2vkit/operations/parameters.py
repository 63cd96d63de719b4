"""What a declaration of an operation is made of (w2vkit.operations.declared holds the table): its
parameters (w2vkit.base.parameter.Parameter, the one type every declared parameter of the library
has) and an Operation, the library function that answers and its parameters, called the one way
every front end calls it."""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import NamedTuple

from ..base.parameter import Parameter
from ..errors import UsageError

__all__ = ["Operation", "Parameter"]


class Operation(NamedTuple):
    """A question and the library function that answers it (`function`, "module:name" under
    w2vkit, called with an engine first; `on="text"`: an engine too, whose kind of similarity the
    answer does not use, so no front end asks one; imported when asked, not when the table is read)."""

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
        return self.library()(engine, **given)
