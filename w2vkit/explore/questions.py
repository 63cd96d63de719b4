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
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..base.choices import MIXED, SCAN_TOP, TEXT_COLUMN
from ..base.render import shell_line
from ..base.results import Result
from ..base.vecmath import principal_plane
from ..errors import UsageError, W2vkitError
from ..operations.declared import OPERATIONS, PAGE_SCAN_TOP
from ..operations.parameters import Parameter
from ..operations.requests import command_line, page_value, read_page

COMPLETIONS = 12
MAX_PREFIXED = 5000  # words read per prefix before the most frequent are chosen (a one-letter prefix)


@dataclass
class Session:
    """What `w2vkit explore` was given: the model, and a table with its group column (optional),
    and the ready engines the launch opened (w2vkit.explore.launch.open_session: the model loaded
    once, an engine per kind of similarity): a question computes on them and opens no file of the
    model. `failure`: why the model could not be opened, said at each question."""

    model_path: Path
    similarity: str | None = None
    table: Path | None = None
    by: str | None = None
    block: str | None = None
    text_column: str | None = None
    groups: tuple[str, ...] | None = None  # (the groups a contrast compares, in order: --groups)
    split_blocks: bool = False
    columns: tuple[str, ...] | None = None  # (the row's columns shown with a group's passages: --columns)
    engines: dict = field(default_factory=dict)  # kind of similarity (None: the model's default) -> Engine
    failure: W2vkitError | None = None
    drawing: dict = field(default_factory=dict)  # each map being drawn: how far, (done, total)
    leaned: dict = field(default_factory=dict)  # a table's column -> each word's lean (leanings_of)
    colourable: tuple[
        str, ...
    ] = ()  # the table's columns but its text (or the model's metadata's): what may colour the map
    _sorted: tuple[list[str], list[int]] | None = None  # the vocabulary sorted, and each word's row

    def sorted_vocabulary(self) -> tuple[list[str], list[int]]:
        """The words in code-point order and their rows, for completion by prefix (bisect)."""
        if self._sorted is None:
            words = self.engine().model.words
            order = sorted(range(len(words)), key=words.__getitem__)
            self._sorted = ([words[i] for i in order], order)
        return self._sorted

    def leanings_of(self, column: str | None = None):
        """The group of `column` (None: --by) each word of the model leans to in the table (the
        map's colours: w2vkit.findings.leaning), or without a table its value in the model's
        metadata; read once per column."""
        from ..findings.leaning import leanings, metadata_groups

        column = colour_column(self, column)
        if column not in self.leaned:
            engine = self.engine()
            words = engine.model.words
            self.leaned[column] = (
                metadata_groups(engine, words, column)
                if self.table is None
                else leanings(engine, words, self.table, column, text_column=self.text_column or TEXT_COLUMN)
            )
        return self.leaned[column]

    def engine(self, similarity: str | None = None, *, on: str = "engine"):
        """The ready engine answering with `similarity` (None: the one the command line chose);
        for an operation on the text (on="text": kwic, whose command has no --similarity), the
        engine its command uses, the model's default kind, whatever explore was given."""
        if self.failure is not None:
            raise self.failure
        kind = (similarity or self.similarity) if on == "engine" else None
        if kind not in self.engines:
            raise UsageError(f"{self.model_path}: no {kind} view; it answers with {', '.join(self.kinds())}")
        return self.engines[kind]

    def kinds(self) -> list[str]:
        """The kinds of similarity the model answers with (mixed: its own vectors; its views)."""
        return [kind for kind in self.engines if kind is not None]

    def base_command(self, name: str, similarity: str | None = None) -> list[str]:
        """`w2vkit NAME -m MODEL`, with the kind of similarity for a command that answers from the
        vectors (a declared operation on the engine, or plot): kwic reads the text and has no
        --similarity (the review's B7: every printed kwic command failed under explore --similarity)."""
        argv = ["w2vkit", name, "-m", str(self.model_path)]
        kind = similarity or self.similarity
        on_vectors = name not in OPERATIONS or OPERATIONS[name].on == "engine"
        return argv + ["--similarity", kind] if kind and on_vectors else argv


Params = Mapping[str, str]  # a page's request: its parameters as strings


@dataclass
class Question:
    run: Callable[[Session, Params], tuple[Result, list[str]]]  # the answer and its command line
    slow: bool = False  # may take long: answered in the background, the page asks again


# What a page asks beside the declared operations' parameters (w2vkit.operations.declared), read
# by the same reader (page_value): bounded, and wrong in one line naming it.
GROUP = Parameter("group", "word", "A group of the table's column", least=0)
CONTRAST_WORDS = Parameter("words", "words", "The words to contrast")
# (a regression from the page: more columns of the table beside explore's --by; the points, the
# words to measure against and the ratio are the declared contrast's own parameters)
ALSO_BY = Parameter("also", "words", "More columns of the table as covariates (--by)", least=0)
SCANNED = OPERATIONS["contrast"].parameter("top")
SCAN_TOP_DEFAULT = 50
PREFIX = Parameter("prefix", "word", "The start of a word", least=0)


def similarity_asked(session: Session, params: Params) -> str | None:
    kinds = Parameter("similarity", "choice", "The kind of similarity", choices=tuple(session.kinds()), least=0)
    return page_value(kinds, params)


def declared(name: str) -> Callable[[Session, Params], tuple[Result, list[str]]]:
    """The question of a declared operation (w2vkit.operations): its parameters read from the
    request by the declaration, the library's answer with the session's engine, and the command
    line the declaration writes for the same parameters."""

    def run(session: Session, params: Params) -> tuple[Result, list[str]]:
        operation = OPERATIONS[name]
        kind = similarity_asked(session, params) if operation.on == "engine" else None  # (kwic reads text)
        asked = read_page(operation, params)
        result = operation.call(session.engine(kind, on=operation.on), asked)
        return result, [*session.base_command(name, kind), *command_line(operation, asked)]

    return run


def neighbourhood(session: Session, params: Params):
    """The neighbours question (similar, with the same parameters as the page's table) drawn: the
    word and its neighbours on the plane of their first two principal axes (the one PCA,
    w2vkit.base.vecmath.principal_plane, which `plot --method pca` draws too), each row with the
    table's numbers under the table's names."""
    import numpy as np

    found, command = declared("similar")(session, params)
    asked = read_page(OPERATIONS["similar"], params)
    engine = session.engine(similarity_asked(session, params))
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
    # (the picture is the plane of these rows: the command that asks for them is similar's, with
    # every parameter the page gave; plot draws each word's own neighbours, not an expression's:
    # the review's B6)
    return result, command


def kwic(session: Session, params: Params):
    """The declared kwic: a word's passages in the training text (from the corpus cache: for a
    table too, where reading the table again would cut every row into tokens at each click); with
    a group of the session's table, the group's passages most typical of the word's use there:
    the same operation asked with the table, the group and --typical, and the command line it
    writes for them."""
    group = page_value(GROUP, params)
    if group is None:
        return declared("kwic")(session, params)
    table, by = _table(session)
    operation = OPERATIONS["kwic"]
    asked = read_page(operation, params)
    asked.update(source=table, where={by: group}, typical=True, columns=list(session.columns or []) or None)
    if session.text_column:
        asked["text_column"] = session.text_column
    result = operation.call(session.engine(on=operation.on), asked)
    return result, [*session.base_command("kwic"), *command_line(operation, asked)]


def _table(session: Session) -> tuple[str, str]:
    if session.table is None or session.by is None:
        raise UsageError("groups need a table: start explore with --in TABLE --by COLUMN")
    return str(session.table), session.by


def colour_column(session: Session, column: str | None) -> str:
    """The column whose groups colour the map, one of session.colourable: of the table (None:
    --by), or of the model's metadata (None: its first)."""
    have = session.colourable
    if session.table is None and not have:
        raise UsageError(
            "groups need a table or a model's metadata: start explore with --in TABLE --by COLUMN, or import the "
            "vectors with --metadata TSV"
        )
    if column is None or column == session.by:
        return str(session.by) if session.table is not None else have[0]
    if column not in have:
        raise UsageError(f"column: there is no column {column!r} to colour by; there are {', '.join(have[:20])}")
    return column


def _table_asked(session: Session) -> dict:
    """What explore was given of the table's groups, as the declared contrast's parameters (those
    left unset are not given: the library's defaults apply)."""
    table, by = _table(session)
    asked: dict = {"path": table, "by": [by], "block": session.block, "text_column": session.text_column}
    asked.update(groups=list(session.groups) if session.groups else None, split_blocks=session.split_blocks or None)
    return {name: value for name, value in asked.items() if value is not None}


def contrasted(session: Session, asked: dict):
    """The declared contrast asked with the session's table and engine, and its command line."""
    operation = OPERATIONS["contrast"]
    result = operation.call(session.engine(), asked)
    return result, [*session.base_command("contrast"), *command_line(operation, asked)]


def contrast(session: Session, params: Params):
    """The declared contrast of the words between the groups of explore's --by, or, with more
    columns, points, words to measure against or the ratio asked (each a parameter of the
    declaration a page may ask), the regression `contrast` fits for the same flags."""
    asked = {**read_page(OPERATIONS["contrast"], params), **_table_asked(session)}
    asked["words"] = page_value(CONTRAST_WORDS, params)
    asked["by"] += page_value(ALSO_BY, params) or []
    return contrasted(session, asked)


WARM_WORD = 50  # the rank of the word whose contrast fits the transforms at start (a frequent one, not the most)


def fit_group_transforms(session: Session) -> None:
    """The à la carte transforms a group question needs, the model's and each member's, fitted on
    the table's rows and kept beside them (w2vkit.findings.alacarte), by a small contrast of a
    frequent word with the session's options: the server asks it at start, in the background, so
    that the first group question does not fit them (40 s on 36,000 poems with 5 members)."""
    from ..errors import W2vkitError

    if session.table is None or session.by is None:
        return
    words = session.engine().model.words
    warm = {"words": [words[min(WARM_WORD, len(words) - 1)]], "permutations": 19, "bootstrap": 10}
    try:
        OPERATIONS["contrast"].call(session.engine(), {**_table_asked(session), **warm})
    except W2vkitError:  # (the page's own questions say what is wrong with the table)
        pass


def scan(session: Session, params: Params):
    """The declared contrast's scan of the table's most frequent words (a page asks how many)."""
    top = page_value(SCANNED, params) or SCAN_TOP_DEFAULT
    return contrasted(session, {**_table_asked(session), "scan": True, "top": top})


def about(session: Session, params: Params):
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
        "columns": list(session.colourable),  # (those that may colour the map: all but the text)
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
    "axis": Question(declared("axis")),
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
    result, argv = question.run(session, params)
    return {"result": result.to_dict(), "command": shell_line(argv)}


def completions(session: Session, prefix: str) -> list[dict]:
    """The vocabulary's words starting with `prefix` (as the model normalises it: Traditional
    input finds Simplified words in a model trained on Simplified text), most frequent first."""
    from ..queries.words import training_form

    prefix = page_value(PREFIX, {"prefix": prefix}) or ""
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
