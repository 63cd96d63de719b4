"""Every table-printing command answers with a Result through one renderer (issue 57): its
--format json is the Result's to_dict(), with notes and provenance (the view named where a model
answers), and the old render(columns, rows, payload) helper is gone."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

import w2vkit.cli

CLI = Path(w2vkit.cli.__file__).parent


def test_no_command_renders_rows_by_hand():
    """Only the one helper (output.show) turns rows into text, and nothing in the package defines
    or imports a renderer of loose rows (render went; format_result takes a Result)."""
    package = CLI.parent
    for path in sorted(package.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
        names |= {a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) for a in n.names}
        assert "render" not in names, f"{path.relative_to(package)} defines or imports render"
    for path in sorted(p for p in CLI.glob("*.py") if p.name != "output.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                assert all(a.name != "render" for a in node.names), f"{path.name} imports render"
            if isinstance(node, ast.FunctionDef):
                assert node.name != "render", f"{path.name} defines render"


@pytest.fixture
def lines_file(tmp_path):
    path = tmp_path / "lines.txt"
    path.write_text("行者 八戒 沙僧 师父\n师父 行者 大圣\n妖精 洞 山\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "args, model_answers",
    [
        (["analogy", "行者", "八戒", "悟空"], True),
        (["doesnt-match", "行者", "八戒", "悟空", "山"], True),
        (["kwic", "行者", "-n", "3"], False),
        (["search", "行者 八戒", "--in", "LINES", "-n", "2"], True),
        (["evaluate", "--groups", "xiyouji-aliases"], True),
        (["expand", "行者", "八戒", "-n", "3"], True),
    ],
)
def test_json_is_the_results_document(invoke, small_model, lines_file, args, model_answers):
    args = [lines_file if a == "LINES" else a for a in args]
    r = invoke([*args, "-m", small_model, "--format", "json"])
    assert r.exit_code == 0, r.stderr
    doc = json.loads(r.stdout)
    assert list(doc)[-3:] == ["notes", "provenance", "results"]
    assert all(set(n) == {"kind", "message"} for n in doc["notes"])
    if model_answers:
        assert doc["provenance"]["similarity"] == "mixed" and doc["provenance"]["vectors_sha256"]
    else:
        assert doc["provenance"]["model"] == str(small_model)
    # the table shows the same rows (the notes go to stderr, said once)
    table = invoke([*args, "-m", small_model])
    assert table.exit_code == 0 and len(table.stdout.splitlines()) == len(doc["results"]) + 2, table.stdout
    for note in doc["notes"]:  # (a parameter is named as Python knows it in JSON, as a flag on stderr)
        assert note["message"][-30:] in table.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["similar", "行者", "-n", "3"],
        ["similarity", "行者", "八戒"],
        ["analogy", "行者", "八戒", "悟空", "-n", "3"],
        ["doesnt-match", "行者", "八戒", "悟空", "山"],
        ["expand", "行者", "八戒", "-n", "3"],
        ["axis", "行者", "--vs", "妖精", "-w", "八戒"],
        ["compare", "MODEL", "MODEL", "行者"],
        ["search", "行者 八戒", "--in", "LINES", "-n", "2"],
        ["evaluate", "--groups", "xiyouji-aliases"],
    ],
)
def test_every_command_that_answers_from_vectors_takes_the_view_asked_and_says_it(
    invoke, views_model, lines_file, args
):
    """Issue 57: the default topical view applied silently to evaluate, embed, search, index, plot,
    expand, axis, compare and contrast, none of which could choose it."""
    args = [views_model if a == "MODEL" else lines_file if a == "LINES" else a for a in args]
    model = [] if args[0] == "compare" else ["-m", views_model]
    for asked in ("paradigmatic", "mixed"):
        r = invoke([*args, *model, "--similarity", asked, "--format", "json"])
        assert r.exit_code == 0, r.stderr
        assert json.loads(r.stdout)["provenance"]["similarity"] == asked


def test_train_and_info_print_their_results_documents(invoke, novel_slice, tmp_path):
    """train's and info's JSON are Results too: the fields, notes, provenance, and the rows (a pass
    and its loss; a frequent word and its count), which TSV prints alone."""
    out = tmp_path / "m"
    args = ["train", novel_slice, "-o", out, "--dim", "8", "--epochs", "2", "--no-subwords", "--method", "word2vec"]
    r = invoke([*args, "--format", "json"])
    assert r.exit_code == 0, r.stderr
    doc = json.loads(r.stdout)
    assert list(doc)[-3:] == ["notes", "provenance", "results"] and doc["provenance"]["model"] == str(out)
    assert [row["epoch"] for row in doc["results"]] == [1, 2] and doc["epochs"] == 2
    r = invoke(["info", "-m", out, "--format", "json", "--top", "4"])
    assert r.exit_code == 0, r.stderr
    info = json.loads(r.stdout)
    assert list(info)[-3:] == ["notes", "provenance", "results"] and [row["rank"] for row in info["results"]] == [
        1,
        2,
        3,
        4,
    ]
    assert info["meta"]["vocab_size"] == len(open(out / "vocab.tsv", encoding="utf-8").readlines())
    r = invoke([*args[:3], tmp_path / "m2", *args[4:], "--format", "tsv"])
    assert r.exit_code == 0, r.output
    assert [line.split("\t")[0] for line in r.stdout.splitlines()] == ["epoch", "1", "2"], r.output
