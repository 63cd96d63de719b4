"""The command line as a newcomer meets it: the main --help's session runs as written on the
built-in novel, and queries say which model they picked."""

import shlex
import shutil

import pytest
from conftest import main_help_examples

from w2vkit.cli import cli
from w2vkit.pictures.fonts import find_cjk_font
from w2vkit.queries.ensemble import NO_MEMBERS as NO_MEMBERS_HINT


@pytest.mark.slow
@pytest.mark.xdist_group("main_help_session")  # (one training of the novel for both)
def test_every_example_of_the_main_help_runs_on_the_builtin_novel(main_help_session, invoke, tmp_path, monkeypatch):
    # (segment and train ran as written in the session fixture, which asserts their exit codes;
    # their outputs are copied here so the rest of the session runs on its own folder)
    for made in ("segmented", "models"):
        shutil.copytree(main_help_session / made, tmp_path / made)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("W2VKIT_MODEL", raising=False)
    monkeypatch.delenv("W2VKIT_DATA", raising=False)
    examples = main_help_examples()
    assert [e[0] for e in examples] == [
        "segment",
        "train",
        "similar",
        "similarity",
        "analogy",
        "doesnt-match",
        "plot",
        "evaluate",
    ]
    outputs = {}
    for args in [e for e in examples if e[0] not in ("segment", "train")]:
        r = invoke(args)
        assert r.exit_code == 0, f"w2vkit {shlex.join(args)} -> {r.exit_code}: {r.stderr}"
        outputs[args[0]] = r
    assert (tmp_path / "segmented" / "xiyouji.txt").stat().st_size > 1_000_000
    assert (tmp_path / "models" / "xiyouji" / "vectors.npy").is_file()
    assert "using model models/xiyouji (the newest under models/; choose one with -m DIR)" in outputs["similar"].stderr
    assert outputs["analogy"].stderr.splitlines()[-1].startswith("孙悟空 + 八戒 − 猪八戒 ≈ ")
    assert "doesn't match 行者 八戒 沙僧" in outputs["doesnt-match"].stderr
    assert f"font {find_cjk_font().describe()}" in outputs["plot"].stderr
    assert (tmp_path / "plots" / "xiyouji-tsne.png").read_bytes()[:4] == b"\x89PNG"
    assert "xiyouji-aliases" in outputs["evaluate"].stdout


def test_queries_say_which_model_they_picked(invoke, small_model, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("W2VKIT_MODEL", raising=False)
    shutil.copytree(small_model, tmp_path / "models" / "small")
    r = invoke(["similarity", "行者", "八戒"])
    assert r.exit_code == 0, r.stderr
    hint = NO_MEMBERS_HINT + "\n"  # (the model has no resampled members)
    assert r.stderr == "using model models/small (the newest under models/; choose one with -m DIR)\n" + hint
    monkeypatch.setenv("W2VKIT_MODEL", str(small_model))
    assert invoke(["similarity", "行者", "八戒"]).stderr == f"using model {small_model} (from $W2VKIT_MODEL)\n" + hint
    # named on the command line: nothing to say of the model; -q silences the notes
    assert invoke(["similarity", "行者", "八戒", "-m", small_model]).stderr == hint
    monkeypatch.delenv("W2VKIT_MODEL")
    assert invoke(["similarity", "行者", "八戒", "-q"]).stderr == ""


def test_top_is_the_option_name_everywhere_and_topn_still_works(runner, small_model, invoke):
    by_top = invoke(["similar", "行者", "--top", "3", "-m", small_model, "--format", "tsv"]).stdout
    by_topn = invoke(["similar", "行者", "--topn", "3", "-m", small_model, "--format", "tsv"]).stdout
    assert by_top == by_topn and len(by_top.splitlines()) == 4
    for command in ("similar", "analogy", "shell", "info", "plot"):
        assert "--top" in runner.invoke(cli, [command, "--help"]).stdout


def test_doesnt_match_says_its_answer_in_a_line(invoke, small_model):
    r = invoke(["doesnt-match", "行者", "八戒", "悟空", "三藏", "-m", small_model, "--format", "tsv"])
    assert r.exit_code == 0
    odd = r.stdout.splitlines()[1].split("\t")[0]
    assert (
        r.stderr == f"{odd} doesn't match " + " ".join(w for w in ("行者", "八戒", "悟空", "三藏") if w != odd) + "\n"
    )


def test_builtin_corpus_name_in_help(runner, invoke):
    for command in ("segment", "train"):
        assert "xiyouji (西游记" in runner.invoke(cli, [command, "--help"]).stdout


def test_help_loads_no_numpy():
    """`w2vkit --help` and every command's --help stay light: numpy and the heavy libraries load
    inside the commands that use them."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from w2vkit.cli import cli\n"
        "for args in (['--help'], ['train', '--help'], ['expand', '--help'], ['axis', '--help']):\n"
        "    assert CliRunner().invoke(cli, args).exit_code == 0\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'numpy', 'gensim', 'scipy', 'sklearn', 'jieba'}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def _float_options():
    """(command, flag) of every option of every command whose values are numbers with a fraction."""
    import click

    from w2vkit.cli.options import WordWeight

    found = []
    for name in cli.list_commands(None):
        command = cli.get_command(None, name)
        for param in command.params:
            if isinstance(param, click.Option) and isinstance(param.type, (click.FloatRange, WordWeight)):
                found.append((name, param.opts[0]))
    return found


def test_every_float_option_of_every_command_refuses_nan_and_infinity(invoke):
    """NaN passes every range comparison (--stable nan once gave an empty table, exit 0)."""
    options = _float_options()
    assert len(options) >= 5 and ("similar", "--stable") in options
    for command, flag in options:
        for value in ("nan", "inf", "-inf"):
            r = invoke([command, flag, value, "x"])
            assert r.exit_code == 2 and r.stdout == "", (command, flag, value, r.stderr)
            assert flag in r.stderr and value.lstrip("-") in r.stderr.lower(), (command, flag, r.stderr)


def test_a_model_given_where_a_command_takes_none_says_to_use_m(invoke, small_model):
    r = invoke(["info", small_model])
    assert (r.exit_code, r.stderr.splitlines()[-1]) == (
        2,
        f"Error: Got unexpected extra argument ({small_model}); name the model with -m: w2vkit info -m {small_model}",
    )
    r = invoke(["info", "not-a-model"])  # (anything else: click's own line)
    assert (r.exit_code, r.stderr.splitlines()[-1]) == (2, "Error: Got unexpected extra argument (not-a-model)")
