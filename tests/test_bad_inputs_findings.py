"""Issue 47's wrong or unclear answers of the finding commands, each one clear line or a correct
answer: compare of a model with itself, seed members as a floor, too few anchors; axis --texts with
-o; --resume with members; a text of one document resampled; evaluate --next-item on a binary file."""

import json

import numpy as np
from conftest import WORDS, model_with_members


def _kind(folder, kind):
    meta = json.loads((folder / "meta.json").read_text())
    meta["members"]["kind"] = kind
    (folder / "meta.json").write_text(json.dumps(meta))
    return folder


def test_compare_says_when_the_models_are_one(invoke, tmp_path):
    folder = model_with_members(tmp_path)
    r = invoke(["compare", folder, folder, "w10"])
    assert r.exit_code == 0
    assert f"warning: {folder} and {folder} are the same model (the same vectors checksum)" in r.stderr
    assert "too unstable" not in r.stderr and "z" not in r.stdout.splitlines()[0].split()


def test_compare_says_when_the_floor_is_seed_members_and_when_anchors_are_too_few(invoke, tmp_path):
    base = np.random.default_rng(0).normal(size=(len(WORDS), 8)).astype(np.float32)
    a = model_with_members(tmp_path, name="a", base=base, seed=1)
    b = _kind(model_with_members(tmp_path, name="b", base=base + 0.1, seed=2), "seeds")
    r = invoke(["compare", a, b, "--anchors", "2", "-n", "5"])
    assert r.exit_code == 0, r.stderr
    assert "the noise floor rests on seed members" in r.stderr and "z overstates the change" in r.stderr
    assert "the rotation of 8 dimensions was fitted on 2 words, fewer than the dimensions" in r.stderr
    assert "raise --anchors to at least 8" in r.stderr


def test_axis_texts_with_an_output_is_refused_before_any_work(invoke, tmp_path):
    folder = model_with_members(tmp_path)
    text = tmp_path / "t.txt"
    text.write_text("w01 w02\n")
    r = invoke(["axis", "w01", "--vs", "w04", "--texts", text, "-o", tmp_path / "x.png", "-m", folder])
    assert r.exit_code == 2 and "-o draws words on the axis; with --texts the scores are of lines" in r.stderr
    assert not (tmp_path / "x.png").exists()


def test_resume_with_members_names_the_real_options(invoke, small_model, novel_slice, tmp_path):
    r = invoke(["train", novel_slice, "--resume", small_model, "--bootstrap", "2"])
    assert (r.exit_code, r.stderr) == (
        2,
        "Error: members (--bootstrap or --seeds) are trained with a new model, not with --resume\n",
    )


def test_a_text_of_one_document_is_refused_before_training_naming_the_input(invoke, tmp_path):
    one = tmp_path / "one.txt"
    one.write_text("孙悟空道师父好\n", encoding="utf-8")
    r = invoke(["train", one, "--bootstrap", "2", "-o", tmp_path / "m"])
    assert r.exit_code == 1 and r.stderr.count("\n") == 1, r.stderr
    assert r.stderr.startswith(f"Error: {one}: 1 document") and "resampling needs at least 2" in r.stderr
    assert "RuntimeWarning" not in r.stderr and not (tmp_path / "m").exists()


def test_next_item_evaluation_of_a_binary_file_names_the_byte(invoke, tmp_path):
    seqs = tmp_path / "s.txt"
    seqs.write_text("\n".join(" ".join(f"i{(k + j) % 20}" for j in range(8)) for k in range(200)) + "\n")
    assert invoke(["train", "--items", seqs, "-o", tmp_path / "m", "--epochs", "1"]).exit_code == 0
    binary = tmp_path / "held.bin"
    binary.write_bytes(b"i1 i2\n\xff\xfe\x00")
    r = invoke(["evaluate", "--next-item", binary, "-m", tmp_path / "m"])
    assert (r.exit_code, r.stderr) == (
        1,
        f"Error: {binary}: not UTF-8 (byte 6); give a text file of held-out sequences\n",
    )


def test_an_empty_words_file_is_an_error_naming_it(invoke, tmp_path):
    folder = model_with_members(tmp_path)
    empty = tmp_path / "words.txt"
    empty.write_text("# nothing\n\n")
    for args in (["axis", "w01", "--vs", "w04", "--words", empty], ["compare", folder, folder, "--words", empty]):
        r = invoke([*args, "-m", folder] if args[0] == "axis" else args)
        assert (r.exit_code, r.stderr) == (
            1,
            f"Error: {empty}: no words in it; give one word a line (# starts a comment)\n",
        ), args
