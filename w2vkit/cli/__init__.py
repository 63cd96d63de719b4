"""The ``w2vkit`` command line: parses options, calls one library function, renders the result.

Results go to stdout (a table by default, ``--format tsv|json`` for scripts); progress, summaries
and errors go to stderr. Modules: ``app`` (the group and error handling), ``options`` (options
shared by several commands), ``output`` (messages and rendering), and one module per group of
commands: ``text`` (segment), ``model`` (train, postprocess, info, export, import), ``query``,
``sentences`` (embed, search), ``pictures`` (plot), ``evaluate``, ``analysis`` (expand, axis,
compare).
"""

from .app import cli, main

__all__ = ["cli", "main"]
