"""An interactive shell that keeps a model loaded: neighbours, arithmetic and similarity.

    孙悟空              neighbours of a word (several words: of their sum)
    king + woman - man  neighbours of an expression
    孙悟空 ~ 猪八戒     cosine similarity
    :help  :quit        (Ctrl-D also leaves)

Each reply is the declared operation's answer (w2vkit.operations.declared: similar, similarity),
as `w2vkit similar` and `w2vkit similarity` give it: on a model with members the same estimate,
interval and rare-word floor under the same names. A front end of the command line's (no click
here): it reads the declarations, so it sits above them. An unknown word prints the same message as the CLI and the session goes on.
With JSON output every reply is one JSON document on one line (JSON Lines), errors as
{"error": "..."}, so a script can read the replies line by line.
"""

from __future__ import annotations

import sys
from typing import TextIO

from ..base.render import format_result, terminal_safe, to_json
from ..errors import W2vkitError
from ..operations.declared import OPERATIONS
from ..queries.query import Engine

HELP = __doc__.split("\n\n", 1)[1].strip()


def parse_expression(line: str) -> tuple[list[str], list[str]]:
    """'a + b - c' (or 'a b', or 'a -c') -> positive [a, b], negative [c]. An operator stands
    alone or starts a word: a hyphen inside a word is part of it (e-mail, x-ray)."""
    positive: list[str] = []
    negative: list[str] = []
    sign = "+"
    for token in line.split():
        if token in ("+", "-"):
            sign = token
            continue
        if token[0] in "+-":
            sign, token = token[0], token[1:]
        (negative if sign == "-" else positive).append(token)
        sign = "+"
    return positive, negative


def answer(
    engine: Engine, line: str, topn: int | None = None, restrict_vocab: int | None = None, fmt: str = "table"
) -> str | None:
    """The shell's reply to one input line; None means leave. topn and restrict_vocab: as
    `similar` takes them (None: its default)."""
    line = line.strip()
    if not line:
        return ""
    if line in (":q", ":quit", "quit", "exit"):
        return None
    if line in (":h", ":help", "help", "?"):
        return HELP
    if "~" in line:
        a, _, b = line.partition("~")
        return format_result(OPERATIONS["similarity"].call(engine, {"pairs": [a.strip(), b.strip()]}), fmt, indent=None)
    positive, negative = parse_expression(line)
    asked = {"positive": positive, "negative": negative, "topn": topn, "restrict_vocab": restrict_vocab}
    return format_result(OPERATIONS["similar"].call(engine, asked), fmt, indent=None)


def run(
    engine: Engine,
    stdin: TextIO = sys.stdin,
    stdout: TextIO = sys.stdout,
    topn: int | None = None,
    restrict_vocab: int | None = None,
    fmt: str = "table",
) -> None:
    interactive = stdin.isatty()
    if interactive:
        try:
            import readline  # noqa: F401  (history and line editing for input())
        except ImportError:
            pass
        print(
            f"w2vkit shell on {engine.model.path} ({len(engine.model):,} words). :help for help, Ctrl-D to leave.",
            file=stdout,
        )
    while True:
        try:
            line = input("w2vkit> ") if interactive else stdin.readline()
        except EOFError:
            break
        if not interactive and not line:
            break
        try:
            reply = answer(engine, line, topn, restrict_vocab, fmt)
        except W2vkitError as e:
            print(
                to_json({"error": str(e)}, indent=None) if fmt == "json" else f"Error: {terminal_safe(str(e))}",
                file=stdout,
            )
            continue
        if reply is None:
            break
        if reply:
            print(reply, file=stdout, flush=True)
