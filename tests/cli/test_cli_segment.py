"""`w2vkit segment` through the CLI: outputs, messages and exit codes."""

import json
import os
import subprocess
import sys


def test_segment_directory_and_summary(invoke, tmp_path):
    src = tmp_path / "corpus"
    src.mkdir()
    (src / "a.txt").write_text("孙悟空大闹天宫。", encoding="utf-8")
    result = invoke(["segment", src, "-o", tmp_path / "out", "--user-dict", "xiyouji", "-j", "1"])
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr.startswith("segmented 1 file: 1 line, 2 tokens, 2 distinct in ")
    assert (tmp_path / "out" / "a.txt").read_text() == "孙悟空 大闹天宫\n"


def test_segment_quiet_prints_nothing(invoke, tmp_path):
    (tmp_path / "a.txt").write_text("hello world")
    result = invoke(["segment", tmp_path / "a.txt", "-o", tmp_path / "out", "-q"])
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")


def test_segment_stdin_paragraph_and_sentence_lines(invoke, tmp_path):
    text = "Hello World. Bye!\nNew paragraph.\n"
    result = invoke(["segment", "-", "-o", tmp_path / "p", "-q"], input=text)
    assert result.exit_code == 0
    assert (tmp_path / "p" / "stdin.txt").read_text() == "hello world bye\nnew paragraph\n"
    result = invoke(["segment", "-", "-o", tmp_path / "s", "-q", "--lines", "sentence"], input=text)
    assert result.exit_code == 0
    assert (tmp_path / "s" / "stdin.txt").read_text() == "hello world\nbye\nnew paragraph\n"


def test_stdin_gives_the_tokens_the_file_gives(invoke, tmp_path):
    """The built-in dictionary's detection and new-word discovery sample the input: stdin is
    read like a file (a copy), so 东胜神洲 stays one word either way."""
    import bz2

    from w2vkit.text.reading.datasets import builtin_corpus

    with bz2.open(builtin_corpus("xiyouji"), "rt", encoding="utf-8") as f:
        text = f.read(200_000)  # (the dictionary is detected by names all met by then)
    (tmp_path / "novel.txt").write_text(text, encoding="utf-8")
    from_file = invoke(["segment", tmp_path / "novel.txt", "-o", tmp_path / "f"])
    from_stdin = invoke(["segment", "-", "-o", tmp_path / "s"], input=text.encode("utf-8"))
    assert (from_file.exit_code, from_stdin.exit_code) == (0, 0), from_stdin.stderr
    assert "using built-in dictionary xiyouji" in from_file.stderr + from_stdin.stderr
    tokens = (tmp_path / "s" / "stdin.txt").read_text(encoding="utf-8")
    assert tokens == (tmp_path / "f" / "novel.txt").read_text(encoding="utf-8")
    assert " 东胜神洲 " in tokens


def test_segment_audit_json(invoke, tmp_path):
    (tmp_path / "a.txt").write_text("那怪大怒。那怪走了。", encoding="utf-8")
    result = invoke(["segment", tmp_path / "a.txt", "-o", tmp_path / "out", "--audit", "5", "--format", "json", "-q"])
    data = json.loads(result.stdout)
    assert data["results"][0] == {"rank": 1, "unknown_token": "那怪", "count": 2}


def error_of(invoke, args):
    result = invoke(args)
    return result.exit_code, result.stderr


def test_missing_path(invoke, tmp_path):
    assert error_of(invoke, ["segment", tmp_path / "nope.txt", "-o", tmp_path]) == (
        1,
        f"Error: {tmp_path / 'nope.txt'}: no such file or directory\n",
    )


def test_empty_input(invoke, tmp_path):
    (tmp_path / "e.txt").write_text("")
    assert error_of(invoke, ["segment", tmp_path / "e.txt", "-o", tmp_path / "o"]) == (
        1,
        f"Error: {tmp_path / 'e.txt'}: file is empty\n",
    )


def test_binary_input(invoke, tmp_path):
    (tmp_path / "b.txt").write_bytes(b"PK\x03\x04\x00\x00")
    assert error_of(invoke, ["segment", tmp_path / "b.txt", "-o", tmp_path / "o"]) == (
        1,
        f"Error: {tmp_path / 'b.txt'}: looks like a binary file (NUL byte at offset 4); "
        "give a text file, or --encoding if it is UTF-16 without a BOM\n",
    )


def test_malformed_dictionary(invoke, tmp_path):
    (tmp_path / "a.txt").write_text("你好")
    (tmp_path / "d.txt").write_text("好词 5\n坏 词 x y\n", encoding="utf-8")
    code, err = error_of(
        invoke, ["segment", tmp_path / "a.txt", "-o", tmp_path / "o", "--user-dict", tmp_path / "d.txt"]
    )
    assert (code, err) == (
        1,
        f"Error: {tmp_path / 'd.txt'}:2: expected 'word [freq] [tag]' "
        "(freq a positive integer, tag letters), got '坏 词 x y'\n",
    )


def test_unwritable_output(invoke, tmp_path):
    (tmp_path / "a.txt").write_text("hello")
    (tmp_path / "file").write_text("")
    assert error_of(invoke, ["segment", tmp_path / "a.txt", "-o", tmp_path / "file"]) == (
        1,
        f"Error: {tmp_path / 'file'}: exists and is not a directory; choose another -o\n",
    )
    assert error_of(invoke, ["segment", tmp_path / "a.txt", "-o", tmp_path / "file" / "sub"]) == (
        1,
        f"Error: {tmp_path / 'file' / 'sub'}: cannot write ({tmp_path / 'file'} is a file, not a folder); choose another place\n",
    )


def test_usage_errors_exit_2(invoke, tmp_path):
    result = invoke(["segment", tmp_path, "--lang", "fr"])
    assert result.exit_code == 2
    assert "Invalid value for '--lang'" in result.stderr
    assert invoke(["segment"]).exit_code == 2


def test_debug_shows_traceback(tmp_path):
    env = dict(os.environ, W2VKIT_DEBUG="1")
    proc = subprocess.run(
        [sys.executable, "-m", "w2vkit", "segment", str(tmp_path / "nope")], capture_output=True, text=True, env=env
    )
    assert proc.returncode == 1
    assert "Traceback" in proc.stderr and "InputNotFoundError" in proc.stderr
    env["W2VKIT_DEBUG"] = ""
    proc = subprocess.run(
        [sys.executable, "-m", "w2vkit", "segment", str(tmp_path / "nope")], capture_output=True, text=True, env=env
    )
    assert proc.stderr == f"Error: {tmp_path / 'nope'}: no such file or directory\n"


def test_help_has_examples(invoke):
    result = invoke(["segment", "--help"])
    assert result.exit_code == 0
    assert "w2vkit segment xiyouji " in result.stdout
