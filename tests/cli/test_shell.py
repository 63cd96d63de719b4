"""The interactive shell (w2vkit.cli.shell): its replies are the declared similar and similarity, the
commands' own rows under their names, on a model with members too; errors are one line and the
session goes on."""

import json

import pytest

from w2vkit.cli.shell import parse_expression


def test_an_expression_is_split_at_its_operators_not_inside_words():
    assert parse_expression("king + woman - man") == (["king", "woman"], ["man"])
    assert parse_expression("a -b +c") == (["a", "c"], ["b"])
    assert parse_expression("e-mail x-ray") == (["e-mail", "x-ray"], [])


def test_shell_through_stdin(invoke, small_model, engine):
    r = invoke(
        ["shell", "-m", small_model, "-n", "2", "--format", "tsv"],
        input="行者\n行者 ~ 八戒\n不存在的词语\n行者 + 八戒 - 悟空\n:quit\n行者\n",
    )
    out = r.stdout.splitlines()
    assert r.exit_code == 0
    similar = invoke(["similar", "行者", "-m", small_model, "-n", "2", "--format", "tsv"]).stdout.splitlines()
    assert out[:3] == similar  # (the command's own rows, under its names)
    pair = invoke(["similarity", "行者", "八戒", "-m", small_model, "--format", "tsv"]).stdout.splitlines()
    assert out[3:5] == pair
    assert out[5].startswith("Error: '不存在的词语' is not in the model")
    analogy = invoke(["similar", "行者", "八戒", "--minus", "悟空", "-m", small_model, "-n", "2", "--format", "tsv"])
    assert out[6:9] == analogy.stdout.splitlines()
    assert len(out) == 9  # nothing after :quit


def test_the_shells_json_lines_are_results_documents(invoke, small_model, engine):
    """The shell answers through the one renderer: each reply is its Result's to_dict() on a line."""
    r = invoke(["shell", "-m", small_model, "-n", "2", "--format", "json"], input="行者\n行者 ~ 八戒\n不存在的词语\n")
    assert r.exit_code == 0, r.output
    neighbours, similarity, error = (json.loads(line) for line in r.stdout.splitlines())
    assert [row["word"] for row in neighbours["results"]] == [w for w, _ in engine.most_similar(["行者"], topn=2)]
    assert neighbours["positive"] == ["行者"] and neighbours["provenance"]["model"] == str(small_model)
    assert similarity["results"][0]["similarity"] == pytest.approx(engine.similarity("行者", "八戒"))
    assert list(error) == ["error"] and "不存在的词语" in error["error"]


def test_the_shell_prints_the_commands_numbers_on_a_model_with_members(invoke, halves):
    """Round 7's B4: on a model with members the shell's `a ~ b` was the model's cosine (0.9099)
    while `w2vkit similarity` printed the members' estimate (0.9046) under the same name."""
    model = str(halves[0])
    r = invoke(["shell", "-m", model, "-n", "5", "--format", "json"], input="行者 ~ 八戒\n行者\n")
    assert r.exit_code == 0, r.output
    pair, neighbours = (json.loads(line) for line in r.stdout.splitlines())
    cli_pair = json.loads(invoke(["similarity", "行者", "八戒", "-m", model, "--format", "json"]).stdout)
    cli_neighbours = json.loads(invoke(["similar", "行者", "-m", model, "-n", "5", "--format", "json"]).stdout)
    assert pair["results"] == cli_pair["results"] and {"model", "low", "high"} <= set(pair["results"][0])
    assert neighbours["results"] == cli_neighbours["results"]
