"""Bad inputs that used to get a wrong or silent answer (a first part of issue 26), through the
CLI: each gets a clear line and the right exit code, or a correct answer."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from w2vkit.model.store import load_model, save_model


def model_with_a_zero_vector(tmp_path):
    vectors = np.array([[1, 0, 0], [0, 0, 0], [0.9, 0.1, 0], [0, 1, 0]], dtype=np.float32)
    return save_model(tmp_path / "z", ["悟空", "空白", "行者", "八戒"], [4, 3, 2, 1], vectors, {})


def test_words_that_cancel_out_are_an_error_not_ten_zeros(invoke, tmp_path):
    model = model_with_a_zero_vector(tmp_path)
    r = invoke(["similar", "悟空", "--minus", "悟空", "-m", model])
    assert (r.exit_code, r.stderr) == (
        2,
        "Error: the words 悟空 悟空 have zero or cancelling vectors: their sum is the zero vector, which has no "
        "neighbours; give other words\n",
    )
    r = invoke(["similar", "空白", "-m", model])
    assert r.exit_code == 2 and "zero vector" in r.stderr


def test_a_zero_vector_is_never_a_neighbour_and_raises_no_warning(invoke, tmp_path):
    model = model_with_a_zero_vector(tmp_path)
    r = invoke(["similar", "悟空", "-m", model, "--format", "json"])
    assert r.exit_code == 0, r.stderr
    assert [row["word"] for row in json.loads(r.stdout)["results"]] == ["行者", "八戒"]
    # no numpy RuntimeWarning reaches the user
    out = subprocess.run(
        [sys.executable, "-W", "error::RuntimeWarning", "-m", "w2vkit", "similarity", "悟空", "空白", "-m", str(model)],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0 and "Warning" not in out.stderr, out.stderr


def test_doesnt_match_with_one_word_twice_is_an_error(invoke, tmp_path):
    model = model_with_a_zero_vector(tmp_path)
    r = invoke(["doesnt-match", "悟空", "悟空", "-m", model])
    assert (r.exit_code, r.stderr) == (2, "Error: give at least two different words\n")


def test_segment_json_without_audit_prints_the_run(invoke, tmp_path):
    text = tmp_path / "t.txt"
    text.write_text("孙悟空大闹天宫。\n" * 20, encoding="utf-8")
    r = invoke(["segment", text, "-o", tmp_path / "out", "--format", "json", "-q"])
    assert r.exit_code == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["files"][0]["output"] == "t.txt" and data["tokens"] > 0 and data["results"] == []


def test_closed_stdout_is_an_error_not_a_silent_success(tmp_path):
    model = model_with_a_zero_vector(tmp_path)
    r = subprocess.run(
        [sys.executable, "-m", "w2vkit", "similar", "悟空", "-m", str(model)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        close_fds=True,
        preexec_fn=lambda: os.close(1),
    )
    assert r.returncode == 1
    assert r.stderr.strip().endswith(
        "standard output is closed; the results could not be written (redirect it to a file)"
    )


def test_an_unwritable_cache_is_a_runtime_error(invoke, tmp_path, monkeypatch):
    blocked = tmp_path / "file-not-dir"
    blocked.write_text("x")
    monkeypatch.setenv("W2VKIT_CACHE", str(blocked / "cache"))
    text = tmp_path / "t.txt"
    text.write_text("孙悟空大闹天宫。\n" * 20, encoding="utf-8")
    r = invoke(["train", text, "-o", tmp_path / "m"])
    assert r.exit_code == 1
    assert r.stderr.startswith(f"Error: {blocked / 'cache'}: cannot write the corpus cache")


def test_words_that_look_like_tex_plot_as_words(invoke, tmp_path):
    words = ["$\\nosuchcommand$", "$x^$", "plain", "more"]
    vectors = np.random.default_rng(0).normal(size=(4, 5)).astype(np.float32)
    model = save_model(tmp_path / "tex", words, [4, 3, 2, 1], vectors, {})
    for suffix in ("png", "svg"):
        out = tmp_path / f"tex.{suffix}"
        r = invoke(["plot", words[0], "-k", "3", "--method", "pca", "-m", model, "-o", out, "-q"])
        assert r.exit_code == 0, r.stderr
        assert out.stat().st_size > 1000


def test_leftovers_of_killed_writes_are_removed(invoke, tmp_path):
    model = model_with_a_zero_vector(tmp_path)
    dead = tmp_path / ".out.bin.tmp-999999999"  # no such process
    dead.write_bytes(b"half")
    r = invoke(["export", "-m", model, "-o", tmp_path / "out.bin"])
    assert r.exit_code == 0, r.stderr
    assert not dead.exists() and load_model(model).words[0] == "悟空"


def test_a_word_below_min_count_is_explained_whatever_its_case(invoke, tmp_path):
    meta = {"segmentation": {"lang": "auto", "to_simplified": False}, "hyperparameters": {"min_count": 5}}
    vectors = np.eye(3, 4, dtype=np.float32)
    model = save_model(tmp_path / "m", ["abc", "def", "ghi"], [9, 8, 7], vectors, meta, dropped={"txt": 2})
    for typed in ("txt", "TXT", "ＴＸＴ"):
        r = invoke(["similar", typed, "-m", model])
        assert r.exit_code == 1
        assert r.stderr.startswith(
            f"Error: {typed!r} is not in the model (seen 2 times in the corpus, below min_count 5; "
            "retrain with --min-count 2 to keep it)"
        ), r.stderr


def test_evaluation_files_name_the_bad_line(invoke, tmp_path):
    model = model_with_a_zero_vector(tmp_path)
    one = tmp_path / "one.tsv"
    one.write_text("悟空 猴王 high\n", encoding="utf-8")
    r = invoke(["evaluate", "--pairs", one, "-m", model])
    assert (r.exit_code, r.stderr) == (1, f"Error: {one}:1: expected 'word1 word2 score', got '悟空 猴王 high'\n")
    nan = tmp_path / "nan.tsv"
    nan.write_text("悟空 行者 9.0\n悟空 八戒 nan\n", encoding="utf-8")
    r = invoke(["evaluate", "--pairs", nan, "-m", model])
    assert (r.exit_code, r.stderr) == (1, f"Error: {nan}:2: the score 'nan' is not a finite number; give a number\n")
    empty = tmp_path / "groups.txt"
    empty.write_text("# nothing but a comment\n\n", encoding="utf-8")
    r = invoke(["evaluate", "--groups", empty, "-m", model])
    assert (r.exit_code, r.stderr) == (
        1,
        f"Error: {empty}: no groups found; write one group of names per line (two or more words)\n",
    )


@pytest.mark.parametrize("count", ["100000000000000000000", "-3", "many"])
def test_a_vocabulary_count_out_of_range_names_its_line(invoke, tmp_path, count):
    import hashlib

    model = model_with_a_zero_vector(tmp_path)
    lines = (model / "vocab.tsv").read_text(encoding="utf-8").split("\n")
    word = lines[1].rpartition("\t")[0]
    lines[1] = f"{word}\t{count}"
    (model / "vocab.tsv").write_text("\n".join(lines), encoding="utf-8")
    meta = json.loads((model / "meta.json").read_text())  # a consistent checksum: the count is what is wrong
    meta["vocab_sha256"] = hashlib.sha256((model / "vocab.tsv").read_bytes()).hexdigest()
    meta["vocab_bytes"] = (model / "vocab.tsv").stat().st_size
    (model / "meta.json").write_text(json.dumps(meta))
    r = invoke(["similar", "悟空", "-m", model])
    assert (r.exit_code, r.stderr) == (
        1,
        f"Error: {model / 'vocab.tsv'}: line 2: the count {count!r} is not a whole number from 0 to 2^63; "
        "retrain or re-import the model\n",
    )


def test_a_damaged_meta_json_is_named(invoke, tmp_path):
    model = model_with_a_zero_vector(tmp_path)
    meta = json.loads((model / "meta.json").read_text())
    for field, value, expected in (
        ("hyperparameters", [1, 2], "'hyperparameters' should be an object, not a list"),
        ("dim", "3", "'dim' should be a whole number, not a string"),
        ("corpus", {"inputs": []}, "'corpus.tokens' is missing"),
        ("corpus", {"inputs": ["a.txt"], "tokens": 5}, "'corpus.inputs[0]' should be an object, not a string"),
        ("postprocess", ["a", "b"], "'postprocess[0]' should be an object, not a string"),
        (
            "segmentation",
            {"max_line_tokens": -5},
            "'segmentation.max_line_tokens' should be a whole number of at least 1, not -5",
        ),
        ("segmentation", {"user_dicts": "xiyouji"}, "'segmentation.user_dicts' should be a list, not a string"),
        ("count_model", {"layout": {"count_dim": 3}}, "'count_model.layout.predictive_dim' is missing"),
        ("losses_per_epoch", [1.0, "x"], "'losses_per_epoch[1]' should be a number, not a string"),
    ):
        broken = dict(meta, **{field: value})
        (model / "meta.json").write_text(json.dumps(broken))
        for command in (["similar", "悟空", "-m", model], ["info", "-m", model]):
            r = invoke(command)
            assert (r.exit_code, r.stderr) == (
                1,
                f"Error: {model / 'meta.json'}: field {expected}; retrain or re-import the model\n",
            )
    (model / "meta.json").write_text("[" * 100_000 + "]" * 100_000)
    r = invoke(["info", "-m", model])
    assert (r.exit_code, r.stderr) == (
        1,
        f"Error: {model / 'meta.json'}: JSON nested more than 100 levels deep; retrain or re-import the model\n",
    )


def test_embed_and_search_keep_the_inputs_lines(invoke, tmp_path):
    vectors = np.random.default_rng(0).normal(size=(4, 6)).astype(np.float32)
    model = save_model(tmp_path / "en", ["king", "queen", "man", "woman"], [4, 3, 2, 1], vectors, {})
    text = "king queen\fman\nwoman\u2028king\r\nqueen\x85man\n" + "king " * 300_000 + "\nman\n"
    source = tmp_path / "lines.txt"
    source.write_bytes(text.encode("utf-8"))
    expected_lines = source.read_bytes().count(b"\n")  # as wc -l counts
    r = invoke(["embed", source, "-m", model, "--method", "mean"])
    assert r.exit_code == 0, r.stderr
    assert len(r.stdout.splitlines()) == expected_lines == 5
    r = invoke(["search", "man", "--in", source, "-m", model, "--method", "mean", "-n", "5", "--format", "json"])
    assert r.exit_code == 0, r.stderr
    found = {row["line"]: row["text"] for row in json.loads(r.stdout)["results"]}
    assert found[5] == "man" and found[1] == "king queen\fman"


def test_a_utf8_file_with_one_bad_byte_is_not_read_as_gb18030(invoke, tmp_path):
    text = ("孙悟空大闹天宫。\n" * 20).encode("utf-8")
    damaged = tmp_path / "damaged.txt"
    damaged.write_bytes(text[:56] + b"\xff" + text[56:])  # a stray byte at the start of line 3
    r = invoke(["segment", damaged, "-o", tmp_path / "out"])
    assert (r.exit_code, r.stderr) == (
        1,
        f"Error: {damaged}:3: not valid UTF-8 at byte 56, though the rest is UTF-8; fix or remove that byte "
        "(or give --encoding if the file is not UTF-8)\n",
    )
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes(("孙悟空大闹天宫。\n" * 20).encode("gb18030"))
    assert invoke(["segment", gbk, "-o", tmp_path / "out2", "-q"]).exit_code == 0
    assert "孙悟空" in (tmp_path / "out2" / "gbk.txt").read_text(encoding="utf-8")


def test_embed_and_export_to_a_closed_stdout_are_an_error(tmp_path):
    model = model_with_a_zero_vector(tmp_path)
    lines = tmp_path / "l.txt"
    lines.write_text("悟空\n", encoding="utf-8")
    for args in (["embed", str(lines)], ["export", "-o", "-", "--format", "word2vec-txt"]):
        r = subprocess.run(
            [sys.executable, "-m", "w2vkit", *args, "-m", str(model)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            preexec_fn=lambda: os.close(1),
        )
        assert r.returncode == 1, r.stderr
        assert r.stderr.strip().splitlines()[-1] == (
            "Error: standard output is closed; the results could not be written (redirect it to a file)"
        )


def test_a_malformed_first_pair_is_an_error_and_a_header_is_said(invoke, tmp_path, small_model):
    bad = tmp_path / "pairs.txt"
    bad.write_text("悟空 猴王 high\n行者 八戒 5\n唐僧 沙僧 4\n八戒 沙僧 3\n", encoding="utf-8")
    r = invoke(["evaluate", "-m", small_model, "--pairs", bad])
    assert (r.exit_code, r.stderr) == (1, f"Error: {bad}:1: expected 'word1 word2 score', got '悟空 猴王 high'\n")
    good = tmp_path / "header.txt"
    good.write_text("word1 word2 score\n行者 八戒 5\n唐僧 沙僧 4\n八戒 沙僧 3\n", encoding="utf-8")
    r = invoke(["evaluate", "-m", small_model, "--pairs", good, "--format", "json"])
    assert r.exit_code == 0, r.stderr
    assert f"{good}:1: read as a header line, not a pair: 'word1 word2 score'\n" in r.stderr
    pairs = json.loads(r.stdout)["pairs"][0]
    assert pairs["used"] + pairs["skipped"] == 3  # the header is not counted as a pair


def test_a_directory_given_for_a_file_is_named_as_one(invoke, tmp_path, small_model):
    folder = tmp_path / "folder"
    folder.mkdir()
    r = invoke(["import", folder, "-o", tmp_path / "m"])
    assert (r.exit_code, r.stderr) == (
        1,
        f"Error: {folder}: is a directory; give a word2vec (.bin, .txt) or fastText (.vec) file\n",
    )
    r = invoke(["evaluate", "-m", small_model, "--groups", folder])
    assert (r.exit_code, r.stderr) == (
        1,
        f"Error: {folder}: is a directory; give an evaluation file or a built-in set name\n",
    )


# ------------------------------------------------------------------ issue 37 (groups 2 and 4)


def test_a_second_axis_marker_without_words_is_an_error_naming_it(invoke, small_model):
    for args, flag in ((["--y", "--y-vs", "八戒"], "--y"), (["--y", "行者", "--y-vs"], "--y-vs")):
        r = invoke(["axis", "悟空", "--vs", "三藏", *args, "-m", small_model])
        assert r.exit_code == 2 and r.stderr.splitlines()[-1] == f"Error: {flag} needs words after it", r.stderr
    r = invoke(["axis", "悟空", "--vs", "三藏", "--y", "行者", "--y-vs", "行者", "-m", small_model])
    assert r.exit_code == 2 and "give different words at each pole" in r.stderr and "--vs" not in r.stderr


def test_axis_svg_with_control_characters_is_well_formed_xml(invoke, tmp_path):
    import xml.dom.minidom

    words = ["a\x01b", "c\x1bd", "plain", "other"]
    vectors = np.array([[1, 0, 0], [0, 1, 0], [1, 1, 0], [0, 1, 1]], dtype=np.float32)
    model = save_model(tmp_path / "m", words, [9, 8, 7, 6], vectors, {})
    out = tmp_path / "a.svg"
    r = invoke(["axis", "plain", "--vs", "other", "-w", "a\x01b", "-w", "c\x1bd", "-m", model, "-o", out])
    assert r.exit_code == 0, r.stderr
    xml.dom.minidom.parse(str(out))  # raises on a control character


def test_compare_of_a_model_with_itself_by_another_form_and_zero_vectors(invoke, tmp_path):
    words = ["king", "queen", "man", "woman", "zero"]
    vectors = np.array([[1, 0, 0], [0.9, 0.1, 0], [0, 1, 0], [0.1, 0.9, 0], [0, 0, 0]], dtype=np.float32)
    meta = {"segmentation": {"lang": "en"}}  # trained text was lowercased: KING is looked up as king
    model = save_model(tmp_path / "m", words, [9, 8, 7, 6, 5], vectors, meta)
    r = invoke(["compare", model, model, "KING", "-k", "100", "--format", "json"])
    assert r.exit_code == 0, r.stderr
    row = json.loads(r.stdout)["results"][0]
    assert row["word"] == "king" and row["overlap"] == 1.0 and "zero" not in row["neighbours_a"]


def test_a_model_with_non_finite_rows_is_named_on_load_and_by_info_verify(invoke, tmp_path):
    words = ["a", "b", "c"]
    model = save_model(tmp_path / "m", words, [3, 2, 1], np.eye(3, 4, dtype=np.float32), {})
    vectors = np.load(model / "vectors.npy")
    vectors[1, 2] = np.nan
    np.save(model / "vectors.npy", vectors)
    meta = json.loads((model / "meta.json").read_text())
    from w2vkit.base.files import sha256_of

    meta["vectors_sha256"] = sha256_of(model / "vectors.npy")  # (not a damaged file: a NaN written by a tool)
    (model / "meta.json").write_text(json.dumps(meta))
    expected = f"Error: {model / 'vectors.npy'}: 1 vector is not finite (NaN or infinity): 'b'; retrain, or re-import without them\n"
    for args in (
        ["info", "-m", model, "--verify"],
        ["similar", "a", "-m", model],
        ["postprocess", model, "--remove-top", "1", "-o", tmp_path / "pp"],
    ):
        r = invoke(args)
        assert (r.exit_code, r.stderr) == (1, expected), args
    assert not (tmp_path / "pp").exists()


def test_a_short_utf8_line_with_one_bad_byte_is_named_not_decoded_as_gb18030(invoke, tmp_path):
    path = tmp_path / "short.txt"
    path.write_bytes("孙悟空".encode() + b"\xff" + "八戒\n".encode())  # 5 good characters, 1 bad byte
    r = invoke(["segment", path, "-o", tmp_path / "out"])
    assert (r.exit_code, r.stderr) == (
        1,
        f"Error: {path}:1: not valid UTF-8 at byte 9, though the rest is UTF-8; fix or remove that byte (or give "
        "--encoding if the file is not UTF-8)\n",
    )
    gb = tmp_path / "gb.txt"
    gb.write_bytes("孙悟空大闹天宫，猪八戒背媳妇。\n".encode("gb18030") * 3)
    assert invoke(["segment", gb, "-o", tmp_path / "out2", "--no-discover"]).exit_code == 0
