"""w2vkit.queries.segmentation: a model keeps the dictionaries its text was segmented with, and reads them back
trusting nothing in meta.json (issue 34.4)."""

import json
import shutil
from pathlib import Path

import pytest

from w2vkit.errors import CorruptModelError


@pytest.fixture(scope="module")
def dict_model(novel_slice, tmp_path_factory):
    """A small model trained with a user dictionary that is then deleted."""
    from w2vkit.text.segmenting.segment import SegmentOptions
    from w2vkit.training.trainer import train
    from w2vkit.training.trainoptions import TrainOptions

    folder = tmp_path_factory.mktemp("dictmodel")
    words = folder / "mine.dict"
    words.write_text("孙行者\n齐天大圣\n", encoding="utf-8")
    model = folder / "m"
    opts = TrainOptions(dim=16, epochs=1, min_count=3, seed=1, subwords=False, method="word2vec")
    train([str(novel_slice)], model, opts, SegmentOptions(user_dicts=(str(words),), stopwords=("zh",)))
    words.unlink()
    return model


def tamper(model, tmp_path, change):
    copy = tmp_path / "m"
    shutil.copytree(model, copy)
    meta = json.loads((copy / "meta.json").read_text(encoding="utf-8"))
    change(meta["segmentation"], copy)
    (copy / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    return copy


def test_the_dictionaries_are_copied_into_the_model_and_used_after_the_original_is_gone(dict_model):
    from w2vkit.queries.segmentation import restore_options

    meta = json.loads((dict_model / "meta.json").read_text(encoding="utf-8"))
    entries = meta["segmentation"]["user_dicts"] + meta["segmentation"]["stopwords"]
    assert meta["format_version"] == 2 and len(entries) == 2
    for entry in entries:
        assert entry["copy"] == f"dicts/{entry['sha256']}.txt" and (dict_model / entry["copy"]).is_file()
    options = restore_options(meta["segmentation"], dict_model)
    from w2vkit.text.segmenting.segment import segment_lines

    assert ["孙行者"] in [line for line in segment_lines("孙行者", options, "zh")]


@pytest.mark.parametrize(
    "target",
    ["/etc/passwd", "/proc/self/environ", "/dev/zero"],
)
def test_a_path_in_meta_json_is_never_read_out(dict_model, tmp_path, target):
    from w2vkit.queries.segmentation import restore_options

    def point(seg, _):
        seg["user_dicts"] = [{"name": target, "sha256": "0" * 64}]

    model = tamper(dict_model, tmp_path, point)
    seg = json.loads((model / "meta.json").read_text(encoding="utf-8"))["segmentation"]
    with pytest.raises(CorruptModelError) as e:
        restore_options(seg, model)
    message = str(e.value)
    assert message.startswith(f"{target}: ") and "root" not in message and "PATH=" not in message
    assert len(message.splitlines()) == 1


@pytest.mark.parametrize(
    "copy, expected",
    [
        ("../../../etc/passwd", "a dictionary copy should be dicts/NAME inside the model; retrain"),
        ("/etc/passwd", "a dictionary copy should be dicts/NAME inside the model; retrain"),
        ("dicts/../meta.json", "a dictionary copy should be dicts/NAME inside the model; retrain"),
        (7, "a dictionary copy should be dicts/NAME inside the model; retrain"),
    ],
)
def test_a_copy_outside_the_models_dicts_folder_is_refused(dict_model, tmp_path, copy, expected):
    from w2vkit.queries.segmentation import restore_options

    def point(seg, _):
        seg["user_dicts"][0]["copy"] = copy

    model = tamper(dict_model, tmp_path, point)
    seg = json.loads((model / "meta.json").read_text(encoding="utf-8"))["segmentation"]
    with pytest.raises(CorruptModelError, match="^" + str(model / "meta.json") + ": " + expected):
        restore_options(seg, model)


def test_a_changed_or_linked_copy_is_refused_before_it_is_parsed(dict_model, tmp_path):
    from w2vkit.queries.segmentation import restore_options

    model = tamper(dict_model, tmp_path, lambda seg, m: None)
    seg = json.loads((model / "meta.json").read_text(encoding="utf-8"))["segmentation"]
    copy = model / seg["user_dicts"][0]["copy"]
    copy.write_text("bad line 0 x y z\n", encoding="utf-8")  # would be a parse error echoing the line
    with pytest.raises(CorruptModelError) as e:
        restore_options(seg, model)
    assert str(e.value) == f"{copy}: the dictionary file does not match its checksum in the record; retrain the model"
    secret = tmp_path / "secret.txt"
    secret.write_text("孙行者\n齐天大圣\n", encoding="utf-8")  # the same bytes, behind a link
    copy.unlink()
    copy.symlink_to(secret)
    with pytest.raises(CorruptModelError, match="a link on the way to the dictionary file"):
        restore_options(seg, model)


def test_embed_of_a_tampered_model_is_one_line_echoing_nothing(invoke, dict_model, tmp_path):
    def point(seg, _):
        seg["user_dicts"] = [{"name": "/etc/passwd", "sha256": "0" * 64}]

    model = tamper(dict_model, tmp_path, point)
    text = tmp_path / "q.txt"
    text.write_text("孙行者 来了\n", encoding="utf-8")
    r = invoke(["embed", text, "-m", model, "-o", tmp_path / "e.npy", "--format", "npy"])
    assert (r.exit_code, r.stderr) == (
        1,
        "Error: /etc/passwd: not the dictionary the model was segmented with (checksum differs); retrain the model\n",
    )


def test_postprocess_carries_the_copies(invoke, dict_model, tmp_path):
    from w2vkit.queries.segmentation import restore_options

    out = tmp_path / "pp"
    r = invoke(["postprocess", dict_model, "--remove-top", "1", "-o", out])
    assert r.exit_code == 0, r.stderr
    seg = json.loads((out / "meta.json").read_text(encoding="utf-8"))["segmentation"]
    copy = out / seg["user_dicts"][0]["copy"]
    assert copy.is_file() and copy.parent == out / "dicts"
    # (restored from the descriptor the door checked, into the user's cache: never re-read by name)
    restored = restore_options(seg, out).user_dicts[0]
    assert not restored.startswith(str(out)) and Path(restored).read_bytes() == copy.read_bytes()
