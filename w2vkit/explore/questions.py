"""The questions the explorer's page asks (`w2vkit explore`), each answered by the library function
the command of the same name calls, as its `Result.to_dict()`, with the command line that prints
the same answer. Nothing here knows HTTP: the server (w2vkit.explore.server) hands over the
request's parameters as strings and gets a JSON-ready dict back.

The page never names a path: the model, the table and its columns are the ones the command line
gave (a `Session`). Every parameter is bounded here (a word's length, how many words, how many
rows), so that no request can ask for an answer too large to send.
"""

from __future__ import annotations

import bisect
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..base.choices import (
    DEFAULT_TOPN,
    KWIC_WIDTH,
    MIXED,
    SCAN_TOP,
    TEXT_COLUMN,
)
from ..base.render import shell_line
from ..base.results import Result
from ..base.vecmath import principal_plane
from ..errors import UsageError
from ..operations.declared import MAX_ROWS, MAX_WORD_CHARS, MAX_WORDS, OPERATIONS
from ..operations.requests import command_line, read_page

COMPLETIONS = 12
MAX_PREFIXED = 5000  # words read per prefix before the most frequent are chosen (a one-letter prefix)
PASSAGES = 20  # passages shown unless asked (MAX_ROWS at most)
PAGE_SCAN_TOP = 200  # a scan from the page: the most frequent words (the command line goes to SCAN_TOP)


class Args:
    """A request's parameters (strings), read and bounded: each reader names the parameter and
    what was wrong in one line (UsageError), shown on the page."""

    def __init__(self, params: Mapping[str, str]):
        self.params = params

    def text(self, name: str) -> str:
        value = self.optional(name)
        if value is None:
            raise UsageError(f"give {name}")
        return value

    def optional(self, name: str) -> str | None:
        value = self.params.get(name)
        if value is None or not value.strip():
            return None
        value = value.strip()
        if len(value) > MAX_WORD_CHARS:
            raise UsageError(f"{name}: {len(value):,} characters is too long for a word (at most {MAX_WORD_CHARS})")
        return value

    def words(self, name: str, *, required: bool = True, least: int = 1, lines: bool = False) -> list[str]:
        """Words separated by spaces or commas (，、 too); lines=True: one a line (a word the page
        got from the model, which may hold spaces)."""
        raw = self.params.get(name) or ""
        if len(raw) > MAX_WORDS * (MAX_WORD_CHARS + 1):
            raise UsageError(f"{name}: too long ({len(raw):,} characters); give at most {MAX_WORDS} words")
        if lines:
            words = [w for w in raw.split("\n") if w]
        else:
            words = [w for w in raw.replace("，", " ").replace("、", " ").replace(",", " ").split() if w]
        if not words and not required:
            return []
        if len(words) < least:
            raise UsageError(f"give {name}: {'a word' if least == 1 else f'at least {least} words'}")
        if len(words) > MAX_WORDS:
            raise UsageError(f"{name}: {len(words)} words; give at most {MAX_WORDS}")
        for w in words:
            if len(w) > MAX_WORD_CHARS:
                raise UsageError(f"{name}: a word of {len(w):,} characters is too long (at most {MAX_WORD_CHARS})")
        return words

    def number(self, name: str, default: int, low: int, high: int) -> int:
        value = self.params.get(name)
        if value is None or value == "":
            return default
        try:
            n = int(value)
        except ValueError:
            raise UsageError(f"{name} must be a whole number, not {value[:20]!r}") from None
        if not low <= n <= high:
            raise UsageError(f"{name} must be from {low} to {high}, not {n}")
        return n

    def choice(self, name: str, choices, default: str) -> str:
        return self.optional_choice(name, choices) or default

    def optional_choice(self, name: str, choices) -> str | None:
        value = self.params.get(name) or None
        if value is not None and value not in choices:
            raise UsageError(f"{name}: choose {', '.join(choices)}, not {value[:20]!r}")
        return value


@dataclass
class Session:
    """What `w2vkit explore` was given: the model, and a table with its group column (optional).
    Engines are made once per kind of similarity and kept (the model loaded, its norms read)."""

    model_path: Path
    similarity: str | None = None
    table: Path | None = None
    by: str | None = None
    block: str | None = None
    text_column: str | None = None
    groups: tuple[str, ...] | None = None  # (the groups a contrast compares, in order: --groups)
    split_blocks: bool = False
    _engines: dict = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _sorted: tuple[list[str], list[int]] | None = None  # the vocabulary sorted, and each word's row

    def sorted_vocabulary(self) -> tuple[list[str], list[int]]:
        """The words in code-point order and their rows, for completion by prefix (bisect)."""
        if self._sorted is None:
            words = self.engine().model.words
            order = sorted(range(len(words)), key=words.__getitem__)
            self._sorted = ([words[i] for i in order], order)
        return self._sorted

    def engine(self, similarity: str | None = None):
        """The model's engine answering with `similarity` (None: the one the command line chose)."""
        from ..model.store import load_model
        from ..queries.query import Engine

        kind = similarity or self.similarity
        with self._lock:
            if kind not in self._engines:
                base = self._engines.get("") or load_model(self.model_path)
                self._engines[""] = base
                self._engines[kind] = Engine(base, similarity=kind)
            return self._engines[kind]

    def kinds(self) -> list[str]:
        """The kinds of similarity the model answers with (mixed: its own vectors; its views)."""
        views = self.engine().model.meta.get("views")
        return [MIXED, *sorted(views)] if isinstance(views, dict) else [MIXED]

    def base_command(self, name: str, similarity: str | None = None) -> list[str]:
        argv = ["w2vkit", name, "-m", str(self.model_path)]
        kind = similarity or self.similarity
        return argv + ["--similarity", kind] if kind else argv


@dataclass
class Question:
    run: Callable[[Session, Args], tuple[Result, list[str]]]  # the answer and its command line
    slow: bool = False  # may take long: answered in the background, the page asks again


def _similarity(session: Session, args: Args) -> str | None:
    return args.optional_choice("similarity", session.kinds())


def declared(name: str) -> Callable[[Session, Args], tuple[Result, list[str]]]:
    """The question of a declared operation (w2vkit.operations): its parameters read from the
    request by the declaration, the library's answer with the session's engine, and the command
    line the declaration writes for the same parameters."""

    def run(session: Session, args: Args) -> tuple[Result, list[str]]:
        operation, kind = OPERATIONS[name], _similarity(session, args)
        asked = read_page(operation, args.params)
        result = operation.call(session.engine(kind), asked)
        return result, [*session.base_command(name, kind), *command_line(operation, asked)]

    return run


def neighbourhood(session: Session, args: Args):
    """The neighbours question (similar, with the same parameters as the page's table) drawn: the
    word and its neighbours on the plane of their first two principal axes (the one PCA,
    w2vkit.base.vecmath.principal_plane, which `plot --method pca` draws too), each row with the
    table's numbers under the table's names."""
    import numpy as np

    found, _ = declared("similar")(session, args)
    asked = read_page(OPERATIONS["similar"], args.params)
    engine = session.engine(_similarity(session, args))
    query = engine.query(asked["positive"], asked.get("negative", ()))
    records = found.records()
    xy = principal_plane(np.vstack([query.vector, *(engine.lookup(r["word"]).vector for r in records)]))
    numbers = [c for c in ("similarity", "model") if c in found.columns]
    places = [(round(float(x), 4), round(float(y), 4)) for x, y in xy]
    asked_words = " ".join(w.key for w in query.positive)
    rows = [(asked_words, *([1.0] * len(numbers)), *places[0])]
    rows += [(r["word"], *(r[c] for c in numbers), *place) for r, place in zip(records, places[1:])]
    fields = {"positive": asked["positive"]}
    result = Result("neighbourhood", ["word", *numbers, "x", "y"], rows, fields, [], found.provenance)
    topn, rank = asked.get("topn", OPERATIONS["similar"].parameter("topn").default), asked.get("rank")
    plotted = ["--neighbors", str(topn), *(["--rank", rank] if rank else []), "--method", "pca"]
    base = session.base_command("plot", _similarity(session, args))
    return result, [*base, *asked["positive"], *plotted, "-o", "neighbourhood.png"]


def kwic(session: Session, args: Args):
    """A word's passages in the training text (those near another word with `near`); with a
    group of the session's table, the group's passages most typical of the word's use there."""
    from ..queries.kwic import passages

    word, near = args.text("word"), args.optional("near")
    limit = args.number("limit", PASSAGES, 1, MAX_ROWS)
    group = args.optional("group")
    argv = ["w2vkit", "kwic", word, "-m", str(session.model_path), "-n", str(limit)]
    if group is not None:
        from ..findings.typical import typical_passages

        table, by = _table(session)
        result = typical_passages(
            session.engine(), word, table, by=by, group=group, block=session.block, text_column=_text_column(session),
            limit=limit,
        )  # fmt: skip
        return result, argv + ["--in", table, "--where", f"{by}={group}", "--typical"]
    # (the text the model was trained on, from the corpus cache: for a table too, where reading the
    # table again would cut every row into tokens at each click)
    result = passages(word, model=session.engine().model, near=near, limit=limit, width=KWIC_WIDTH)
    return result, argv + (["--near", near] if near else [])


def axis(session: Session, args: Args):
    from ..findings.axes import axis as find

    positive, negative = args.words("positive"), args.words("negative")
    words, kind = args.words("words", required=False), _similarity(session, args)
    topn = args.number("topn", DEFAULT_TOPN, 1, MAX_ROWS)
    result = find(session.engine(kind), positive, negative, words or None, topn=topn)
    argv = [*session.base_command("axis", kind), *positive, "--vs", *negative]
    argv += [a for w in words for a in ("-w", w)]
    return result, argv + ["-n", str(topn)]


def _table(session: Session) -> tuple[str, str]:
    if session.table is None or session.by is None:
        raise UsageError("groups need a table: start explore with --in TABLE --by COLUMN")
    return str(session.table), session.by


def _text_column(session: Session) -> str:
    return session.text_column or TEXT_COLUMN


def _table_options(session: Session) -> tuple[dict, list[str]]:
    """What explore was given of the table's groups, as contrast's arguments and as its command
    line's options (the same answer from either)."""
    kwargs: dict = {"block": session.block, "text_column": _text_column(session)}
    argv: list[str] = []
    if session.block:
        argv += ["--block", session.block]
    if session.groups:
        kwargs["groups"] = list(session.groups)
        argv += ["--groups", ",".join(session.groups)]
    if session.split_blocks:
        kwargs["split_blocks"] = True
        argv += ["--split-blocks"]
    if session.text_column:
        argv += ["--text-column", session.text_column]
    if session.similarity:
        argv += ["--similarity", session.similarity]
    return kwargs, argv


def contrast(session: Session, args: Args):
    from ..findings.contrast import contrast as find

    table, by = _table(session)
    words = args.words("words")
    kwargs, options = _table_options(session)
    result = find(session.engine(), words, table, by=by, **kwargs)
    return result, ["w2vkit", "contrast", *words, "--in", table, "--by", by, "-m", str(session.model_path), *options]


def scan(session: Session, args: Args):
    from ..findings.contrast import contrast as find

    table, by = _table(session)
    top = args.number("top", 50, 1, PAGE_SCAN_TOP)
    kwargs, options = _table_options(session)
    result = find(session.engine(), None, table, by=by, scan=True, top=top, **kwargs)
    argv = ["w2vkit", "contrast", "--scan", "--top", str(top), "--in", table, "--by", by, "-m", str(session.model_path)]
    return result, argv + options


def about(session: Session, args: Args):
    """The model's facts for the page's header: its size, kinds of similarity, members, table."""
    from ..queries.ensemble import UNSTABLE_BELOW

    engine = session.engine()
    model = engine.model
    fields = {
        "model": str(session.model_path),
        "words": len(model.words),
        "dimensions": int(engine.vectors.shape[1]),
        "similarities": session.kinds(),
        "similarity": model.meta.get("view", MIXED),
        "members": len(engine.members),
        "table": str(session.table) if session.table else None,
        "by": session.by,
        "scan_top": min(SCAN_TOP, PAGE_SCAN_TOP),
        "unstable_below": UNSTABLE_BELOW,  # (a neighbour found in fewer of the members is flagged)
    }
    result = Result("about", ["word", "count"], [], fields, [], engine.provenance())
    return result, ["w2vkit", "info", "-m", str(session.model_path)]


QUESTIONS: dict[str, Question] = {
    "about": Question(about),
    "similar": Question(declared("similar")),
    "neighbourhood": Question(neighbourhood),
    "kwic": Question(kwic),
    "similarity": Question(declared("similarity")),
    "analogy": Question(declared("analogy")),
    "doesnt-match": Question(declared("doesnt-match")),
    "expand": Question(declared("expand")),
    "axis": Question(axis),
    "contrast": Question(contrast, slow=True),
    "scan": Question(scan, slow=True),
}


def answer(session: Session, name: str, params: Mapping[str, str]) -> dict:
    """The answer to question `name` as the page gets it: {"result": Result.to_dict(), "command":
    the equivalent command line}. UsageError for an unknown question or a bad parameter; the
    library's own errors (an unknown word, ...) as they are raised."""
    question = QUESTIONS.get(name)
    if question is None:
        raise UsageError(f"no question {name[:40]!r}; ask {', '.join(QUESTIONS)}")
    result, argv = question.run(session, Args(params))
    return {"result": result.to_dict(), "command": shell_line(argv)}


def completions(session: Session, prefix: str) -> list[dict]:
    """The vocabulary's words starting with `prefix` (as the model normalises it: Traditional
    input finds Simplified words in a model trained on Simplified text), most frequent first."""
    from ..queries.words import training_form

    prefix = Args({"prefix": prefix}).optional("prefix") or ""
    if not prefix:
        return []
    model = session.engine().model
    forms = list(dict.fromkeys([prefix, training_form(model, prefix)]))
    found: list[int] = []
    words, rows = session.sorted_vocabulary()
    for form in forms:
        at = bisect.bisect_left(words, form)
        while at < len(words) and words[at].startswith(form) and len(found) < MAX_PREFIXED:
            found.append(rows[at])
            at += 1
    found = sorted(set(found))[:COMPLETIONS]  # (rows are by frequency, most frequent first)
    counts = model.counts
    return [{"word": model.words[i], "count": int(counts[i]) if counts is not None else 0} for i in found]
