"""Each declared operation (w2vkit.operations) asked every way: the Python call, the command line
the declaration writes (run), and the explorer's question give one Result; the declaration's
defaults are the library's own."""

from __future__ import annotations

import inspect
import json
import shlex

import pytest
from conftest import WORDS, model_with_members

from w2vkit.explore.launch import open_session
from w2vkit.explore.questions import answer
from w2vkit.operations.declared import OPERATIONS, PLOT
from w2vkit.operations.requests import command_line, read_page
from w2vkit.queries.query import Engine

# what each operation is asked here, as a page sends it (strings)
ASKED = {
    "similar": {"positive": WORDS[0], "topn": "6", "rank": "ensemble", "hubness": "csls", "min_neighbour_count": "2"},
    "similarity": {"pairs": f"{WORDS[0]} {WORDS[1]} {WORDS[2]} {WORDS[39]}"},
    "analogy": {"a": WORDS[0], "b": WORDS[1], "c": WORDS[2], "method": "mul", "topn": "4"},
    "doesnt-match": {"words": f"{WORDS[0]} {WORDS[1]} {WORDS[5]}"},
    "kwic": {"word": "行者", "limit": "3", "width": "8", "near": "八戒"},
    "axis": {
        "positive": f"{WORDS[0]} {WORDS[1]}",
        "negative": WORDS[2],
        "words": f"{WORDS[3]} {WORDS[4]}",
        "topn": "3",
    },
    "expand": {"seeds": f"{WORDS[0]}，{WORDS[3]}", "topn": "5", "iterations": "1", "grow": "2", "min_count": "1"},
    # (of the halves' table: the page asks the words and what to measure them against; the table,
    # its groups and blocks are the session's, given to explore)
    "contrast": {"words": "行者 八戒", "to": "师父,菩萨"},
}
SESSION_TABLE = {"by": ["half"], "block": "chapter"}


def test_every_operation_is_asked_here():
    assert set(ASKED) == set(OPERATIONS)


@pytest.mark.parametrize("name", [*sorted(OPERATIONS), "plot"])
def test_the_declared_defaults_are_the_librarys(name):
    operation = PLOT if name == "plot" else OPERATIONS[name]
    signature = inspect.signature(operation.library()).parameters
    for p in operation.parameters:
        assert p.name in signature, (name, p.name)
        if not p.positional and p.kind not in (
            "words",
            "poles",
        ):  # (words not given: none, whichever empty value says so)
            assert signature[p.name].default == p.default, (name, p.name)


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_one_question_one_result_whoever_asks(name, tmp_path, invoke, request):
    # (kwic reads the text a model was trained on: the novel's model; contrast a model of a table and
    # the table; the rest a model with members)
    operation = OPERATIONS[name]
    asked = read_page(operation, ASKED[name])
    session = {}
    if name == "contrast":
        model, table = request.getfixturevalue("halves")
        session = dict(table=table, by="half", block="chapter")
        asked.update(path=str(table), **SESSION_TABLE)
    model = str(
        model if name == "contrast" else request.getfixturevalue("small_model") if name == "kwic"
        else model_with_members(tmp_path)
    )  # fmt: skip
    library = json.loads(json.dumps(operation.call(Engine(model), asked).to_dict()))
    page = answer(open_session(model, **session), name, ASKED[name])
    argv = shlex.split(page["command"])
    assert argv[:2] == ["w2vkit", name] and argv[2:] == ["-m", model, *command_line(operation, asked)]
    printed = invoke([*argv[1:], "--format", "json"])
    assert printed.exit_code == 0, printed.output
    cli = json.loads(printed.stdout)
    for doc in (page["result"], cli):
        assert doc["results"] == library["results"] and doc["notes"] == library["notes"]
        assert doc["provenance"].get("options") == library["provenance"].get("options")


def test_a_page_may_not_ask_what_the_declaration_keeps_from_it():
    asked = read_page(OPERATIONS["similar"], {"positive": "w00", "background_words": "5", "restrict_vocab": "3"})
    assert asked == {"positive": ["w00"]}
