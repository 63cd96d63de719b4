"""The explorer's questions (w2vkit.explore.questions): each answer is the library's own Result, the
command line it names prints the same, and every parameter is bounded. No web server here (that
is test_server.py, with the explore extra)."""

from __future__ import annotations

import json
import shlex

import numpy as np
import pytest
from conftest import WORDS, model_with_members

from w2vkit.base.render import shell_line
from w2vkit.errors import UnknownWordError, UsageError
from w2vkit.explore.launch import open_session
from w2vkit.explore.questions import answer, completions
from w2vkit.operations.declared import MAX_WORD_CHARS, MAX_WORDS
from w2vkit.queries.ensemble import similar
from w2vkit.queries.query import Engine


@pytest.fixture
def members_session(tmp_path):
    return open_session(model_with_members(tmp_path))


def test_similar_is_the_librarys_result_and_its_command_prints_the_same(halves, invoke):
    model, _ = halves
    session = open_session(model)
    got = answer(session, "similar", {"positive": "行者", "rank": "ensemble", "topn": "7"})
    want = similar(Engine(model), ["行者"], topn=7, rank="ensemble").to_dict()
    assert got["result"] == json.loads(json.dumps(want))
    assert {"low", "high", "recurrence"} <= set(got["result"]["results"][0])  # (a model with members)
    argv = shlex.split(got["command"])
    assert argv[:2] == ["w2vkit", "similar"]
    printed = invoke([*argv[1:], "--format", "json"])
    assert printed.exit_code == 0, printed.output
    assert json.loads(printed.stdout)["results"] == got["result"]["results"]


def test_the_kind_of_similarity_changes_the_answer_and_is_named_in_the_command(halves):
    model, _ = halves
    session = open_session(model)
    kinds = answer(session, "about", {})["result"]["similarities"]
    assert {"mixed", "topical", "paradigmatic"} <= set(kinds)
    topical = answer(session, "similar", {"positive": "行者", "similarity": "topical"})
    mixed = answer(session, "similar", {"positive": "行者", "similarity": "mixed"})
    assert topical["result"]["provenance"]["similarity"] == "topical"
    assert mixed["result"]["provenance"]["similarity"] == "mixed"
    assert [r["similarity"] for r in topical["result"]["results"]] != [
        r["similarity"] for r in mixed["result"]["results"]
    ]
    assert "--similarity mixed" in mixed["command"]
    with pytest.raises(UsageError, match="similarity: choose mixed"):
        answer(session, "similar", {"positive": "行者", "similarity": "nonsense"})


def test_a_neighbours_passages_hold_both_words(halves, invoke):
    model, table = halves
    session = open_session(model, table=table, by="half")
    neighbour = answer(session, "similar", {"positive": "行者"})["result"]["results"][0]["word"]
    found = answer(session, "kwic", {"word": "行者", "near": neighbour})
    rows = found["result"]["results"]
    assert rows and found["result"]["near"] == neighbour
    for row in rows:
        assert row["word"] == "行者" and (neighbour in row["left"] or neighbour in row["right"])
    alone = answer(session, "kwic", {"word": "行者"})["result"]
    assert alone["total"] > found["result"]["total"]  # (near filters)
    typical = answer(session, "kwic", {"word": "菩萨", "group": "后", "limit": "5"})
    rows = typical["result"]["results"]
    lines = table.read_text(encoding="utf-8").splitlines()
    assert len(rows) == 5 and all(lines[r["line"] - 1].startswith("后\t") for r in rows)
    assert [r["typicality"] for r in rows] == sorted((r["typicality"] for r in rows), reverse=True)
    assert typical["command"].endswith("--where half=后 --typical")
    printed = invoke([*shlex.split(typical["command"])[1:], "--format", "json"])
    assert printed.exit_code == 0 and json.loads(printed.stdout)["results"] == rows


def test_a_groups_passages_carry_the_columns_explore_was_given(halves, invoke):
    """Issue 74: explore --columns shows the row's columns with a group's passages, as kwic
    --columns does, and the printed command carries them (its refusals: test_launch.py)."""
    model, table = halves
    session = open_session(model, table=table, by="half", columns=("chapter",))
    typical = answer(session, "kwic", {"word": "菩萨", "group": "后", "limit": "5"})
    assert "chapter" in typical["result"]["results"][0]  # (not there without --columns)
    assert typical["command"].endswith("--where half=后 --columns chapter --typical")
    printed = invoke([*shlex.split(typical["command"])[1:], "--format", "json"])
    assert printed.exit_code == 0 and json.loads(printed.stdout)["results"] == typical["result"]["results"]


@pytest.mark.parametrize(
    "params",
    [
        {"rank": "model", "topn": "6"},
        {"rank": "ensemble", "topn": "6"},
        # (the review's B6: an expression, CSLS and a rare-word floor, which plot cannot ask)
        {"negative": WORDS[3], "topn": "6"},
        {"hubness": "csls", "min_neighbour_count": "2", "topn": "6"},
    ],
)
def test_the_neighbourhood_is_the_tables_answer_and_prints_the_command_that_asks_it(members_session, invoke, params):
    """The picture beside the table: the table's words with the table's numbers under its names (on
    a model with members, the estimate as `similarity` and the model's cosine as `model`), on the
    plane of their first two principal axes; the command it prints is similar's with every
    parameter the page gave, and lists the same rows."""
    params = {"positive": WORDS[0], **params}
    table = answer(members_session, "similar", params)["result"]["results"]
    got = answer(members_session, "neighbourhood", params)
    rows = got["result"]["results"]
    assert [r["word"] for r in rows[1:]] == [r["word"] for r in table]
    for drawn, listed in zip(rows[1:], table):
        assert (drawn["similarity"], drawn["model"]) == (listed["similarity"], listed["model"])
    argv = shlex.split(got["command"])
    assert argv[:2] == ["w2vkit", "similar"]
    printed = invoke([*argv[1:], "--format", "json"])
    assert printed.exit_code == 0, printed.output
    assert json.loads(printed.stdout)["results"] == table
    from w2vkit.base.vecmath import principal_plane

    engine = members_session.engine()
    query = engine.query([WORDS[0]], [params["negative"]] if "negative" in params else ())
    want = principal_plane(np.vstack([query.vector, *(engine.lookup(r["word"]).vector for r in rows[1:])]))
    np.testing.assert_allclose(np.array([[r["x"], r["y"]] for r in rows]), want, atol=1e-4)


def test_findings_answer_as_their_commands(members_session, invoke):
    for name, params in [
        ("analogy", {"a": WORDS[0], "b": WORDS[1], "c": WORDS[2]}),
        ("doesnt-match", {"words": f"{WORDS[0]} {WORDS[1]},{WORDS[2]}"}),
        ("expand", {"seeds": f"{WORDS[0]} {WORDS[1]}", "topn": "5"}),
        ("axis", {"positive": WORDS[0], "negative": WORDS[1], "words": " ".join(WORDS[4:7])}),
    ]:
        got = answer(members_session, name, params)
        printed = invoke([*shlex.split(got["command"])[1:], "--format", "json"])
        assert printed.exit_code == 0, (name, printed.output)
        assert json.loads(printed.stdout)["results"] == got["result"]["results"], name


@pytest.mark.parametrize(
    ("name", "params", "message"),
    [
        ("similar", {}, "give positive: a word"),
        ("similar", {"positive": "   "}, "give positive: a word"),
        ("similar", {"positive": "字" * (MAX_WORD_CHARS + 1)}, "too long"),
        ("similar", {"positive": "w00", "topn": "ten"}, "topn must be a whole number"),
        ("similar", {"positive": "w00", "topn": "100000"}, "topn must be from 1 to"),
        ("similar", {"positive": "w00", "rank": "best"}, "rank: choose ensemble, model"),
        ("doesnt-match", {"words": " ".join(["w01"] * (MAX_WORDS + 1))}, f"give at most {MAX_WORDS}"),
        ("doesnt-match", {"words": "w01"}, "at least 2 words"),
        ("contrast", {"words": "w01"}, "start explore with --in TABLE --by COLUMN"),
        ("nothing", {}, "no question 'nothing'"),
    ],
)
def test_bad_questions_get_one_line(members_session, name, params, message):
    with pytest.raises(UsageError, match=message) as raised:
        answer(members_session, name, params)
    assert "\n" not in str(raised.value)


def test_an_unknown_word_is_the_models_own_message(members_session):
    with pytest.raises(UnknownWordError, match="not in the model"):
        answer(members_session, "similar", {"positive": "没有这个词"})


def test_a_table_without_the_column_is_named(halves):
    model, table = halves
    session = open_session(model, table=table, by="period")
    with pytest.raises(Exception, match="period") as raised:
        answer(session, "contrast", {"words": "行者"})
    assert "\n" not in str(raised.value)


def test_completion_is_the_vocabularys_words_with_the_prefix_most_frequent_first(halves):
    model, _ = halves
    session = open_session(model)
    engine = Engine(model)
    got = [c["word"] for c in completions(session, "行")]
    want = [w for w in engine.model.words if w.startswith("行")][: len(got)]
    assert got == want and 0 < len(got) <= 12
    assert completions(session, "") == [] and completions(session, "没有这个前缀") == []


def test_the_command_line_quotes_only_what_a_shell_would_misread():
    argv = ["w2vkit", "similar", "孙悟空", "-m", "models/a b", "$(rm -rf ~)", "<img src=x>", "it's"]
    line = shell_line(argv)
    assert shlex.split(line) == argv
    assert line.startswith("w2vkit similar 孙悟空 -m 'models/a b'")


def test_a_word_in_the_other_script_is_looked_up_and_completed_as_the_model_normalises_it(tmp_path):
    import numpy as np

    from w2vkit.model.store import save_model

    words = ["孙悟空", "孙行者", "猪八戒", "唐僧", "沙僧", "妖精"]
    rng = np.random.default_rng(1)
    folder = save_model(
        tmp_path / "simplified", words, np.arange(6, 0, -1) * 10, rng.normal(size=(6, 8)).astype(np.float32),
        {"segmentation": {"to_simplified": True}},
    )  # fmt: skip
    session = open_session(folder)
    assert [c["word"] for c in completions(session, "孫")] == ["孙悟空", "孙行者"]
    got = answer(session, "similar", {"positive": "孫悟空", "topn": "3"})["result"]
    assert got["query"][0]["key"] == "孙悟空" and "孙悟空" not in [r["word"] for r in got["results"]]


def test_groups_and_split_blocks_reach_the_contrast_and_its_command_line(halves, invoke, tmp_path):
    """Round 7's B25/E141: a column of three groups whose blocks span groups; explore's --groups
    and --split-blocks make the scan and the contrast possible, and their command lines say so."""
    model, source = halves
    lines = source.read_text(encoding="utf-8").splitlines()[1:]
    table = tmp_path / "thirds.tsv"
    third = len(lines) // 3 + 1
    with open(table, "w", encoding="utf-8") as f:
        f.write("part\tchapter\ttext\n")
        for n, line in enumerate(lines):  # (chapters of 30 lines: some span two parts)
            f.write(f"{'上中下'[n // third]}\tc{n // 30:03d}\t{line.split(chr(9))[2]}\n")
    plain = open_session(model, table=table, by="part", block="chapter")
    with pytest.raises(UsageError, match="span several groups"):
        answer(plain, "contrast", {"words": "行者"})
    session = open_session(model, table=table, by="part", block="chapter", groups=("上", "下"), split_blocks=True)
    got = answer(session, "contrast", {"words": "行者"})
    argv = shlex.split(got["command"])
    assert argv[argv.index("--groups") + 1] == "上,下" and "--split-blocks" in argv
    printed = invoke([*argv[1:], "--format", "json"])
    assert printed.exit_code == 0, printed.output
    assert json.loads(printed.stdout)["results"] == got["result"]["results"]
    scanned = answer(session, "scan", {"top": "5"})
    assert scanned["result"]["results"] and "--groups" in shlex.split(scanned["command"])


def test_a_regression_and_the_ratio_from_the_page_print_what_their_command_lines_print(halves, invoke, tmp_path):
    """Issue 76: the group view asks contrast's regression (a second column, a point on it, the
    cosine to a word) and the neighbour ratio; the command line each answer shows prints the same
    rows."""
    model, source = halves
    lines = source.read_text(encoding="utf-8").splitlines()
    table = tmp_path / "lengths.tsv"
    rows = [f"{line}\t{len(line.split(chr(9))[2])}" for line in lines[1:]]
    table.write_text("\n".join([lines[0] + "\tlength"] + rows) + "\n", encoding="utf-8")
    session = open_session(model, table=table, by="half", block="chapter", split_blocks=True)
    asked = {
        "regression": {"words": "菩萨", "also": "length", "at": "length=30", "to": "八戒"},
        "ratio": {"words": "菩萨", "ratio": "1"},
    }
    for name, params in asked.items():
        got = answer(session, "contrast", params)
        argv = shlex.split(got["command"])
        if name == "regression":
            assert argv.count("--by") == 2 and argv[argv.index("--at") + 1] == "length=30" and "--to" in argv
            assert "length" in {r["covariate"] for r in got["result"]["results"]}
        else:
            assert "--ratio" in argv
        printed = invoke([*argv[1:], "--format", "json"])
        assert printed.exit_code == 0, printed.output
        assert json.loads(printed.stdout)["results"] == got["result"]["results"], name


def test_the_group_transforms_are_fitted_at_start_for_the_model_and_each_member(halves, tmp_path):
    """Issue 76: the first group question took 40 s fitting the members' transforms; the server
    fits them at start, and they are kept in the caches of the model and of each member (a cache
    of its own: another worker's question may fit them into the shared one meanwhile)."""
    import os
    import shutil

    from w2vkit.explore.questions import fit_group_transforms
    from w2vkit.model.members import load_members
    from w2vkit.model.store import load_model

    shared, table = halves
    model = tmp_path / "model"
    shutil.copytree(shared, model)
    old = os.environ.get("W2VKIT_CACHE")
    os.environ["W2VKIT_CACHE"] = str(tmp_path / "cache")
    try:
        loaded = load_model(model)
        members = load_members(loaded)
        assert len(members) == 3
        transforms = lambda m: list(m.cache_file("alacarte.npy").parent.glob("alacarte*.npy"))  # noqa: E731
        assert not [m for m in [loaded, *members] if transforms(m)]
        fit_group_transforms(open_session(model, table=table, by="half", block="chapter"))
        for each in [loaded, *members]:
            kept = transforms(each)
            assert kept and all(k.with_suffix(".sha256").is_file() for k in kept), each.path
    finally:
        os.environ.pop("W2VKIT_CACHE") if old is None else os.environ.update(W2VKIT_CACHE=old)
    assert not list(model.rglob("alacarte*"))


def _rounded(value):
    """`value` with every float to 12 decimals (threads may sum a bootstrap's draws in another order)."""
    if isinstance(value, float):
        return round(value, 12)
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    return value


def _views(model) -> list[str]:
    from w2vkit.model.store import load_model

    return ["mixed", *sorted(load_model(model).meta.get("views") or {})]


@pytest.mark.slow
def test_every_printed_command_runs_and_asks_what_the_page_asked_under_each_similarity(halves, invoke, tmp_path):
    """Issue 91 (the review's B6, B7): with explore --similarity K every printed kwic command failed
    ("No such option '--similarity'"), and the neighbourhood printed a plot of other words. Each
    question's printed command, the neighbourhood's and the map's included, is run under each kind
    of similarity the model has: it succeeds and answers the page's rows (the map: its words and
    places)."""
    from w2vkit.explore.mapview import map_command, map_page_of, map_question

    model, table = halves
    questions = [
        ("similar", {"positive": "行者", "topn": "5", "hubness": "csls"}),
        ("similarity", {"pairs": "行者 八戒"}),
        ("analogy", {"a": "行者", "b": "八戒", "c": "师父", "topn": "3"}),
        ("expand", {"seeds": "行者 八戒", "topn": "3"}),
        ("axis", {"positive": "行者", "negative": "八戒", "words": "师父 菩萨"}),
        ("neighbourhood", {"positive": "行者", "negative": "八戒", "topn": "5", "min_neighbour_count": "3"}),
        ("kwic", {"word": "行者", "limit": "2"}),
        ("kwic", {"word": "菩萨", "group": "前", "limit": "2"}),
        ("contrast", {"words": "菩萨"}),
    ]
    kinds = _views(model)
    assert len(kinds) >= 2
    for kind in kinds:
        session = open_session(model, similarity=kind, table=table, by="half", block="chapter")
        for name, params in questions:
            got = answer(session, name, params)
            argv = shlex.split(got["command"])
            printed = invoke([*argv[1:], "--format", "json"])
            assert printed.exit_code == 0, (kind, name, printed.stderr)
            rows = json.loads(printed.stdout)["results"]
            page = got["result"]["results"]
            if name == "neighbourhood":  # (the page's rows less the query point: similar's rows)
                page = answer(session, "similar", params)["result"]["results"]
            assert _rounded(rows) == _rounded(page), (kind, name)  # (a bootstrap's sums: the last digit may move)
        asked = map_question(session, {"top": "200"})
        data = json.loads(
            map_page_of(session, asked).split('id="map-data" type="application/json">')[1].split("</script>")[0]
        )
        argv = map_command(session, asked)
        written = tmp_path / f"map-{kind}.html"
        ran = invoke([*argv[1:-1], written, "--quiet"])
        assert ran.exit_code == 0, (kind, ran.stderr)
        again = json.loads(
            written.read_text(encoding="utf-8").split('id="map-data" type="application/json">')[1].split("</script>")[0]
        )
        assert [again[k] for k in ("words", "x", "y")] == [data[k] for k in ("words", "x", "y")], kind
