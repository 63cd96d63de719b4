"""An item model's files (items/labels.tsv, items/holdout.txt) go through the one door for files a
record names (w2vkit.base.trust.kept_file): confined, no link on the way, bounded before reading,
checksummed (issue 57: a textual path check, the leaf's link only and an unbounded read before)."""

from __future__ import annotations

import shutil

import pytest
from test_items import item_data, item_model  # noqa: F401 (fixtures)

from w2vkit.base.records import RecordError
from w2vkit.base.trust import kept_file
from w2vkit.errors import CorruptModelError
from w2vkit.model.itemfiles import model_item_file
from w2vkit.model.store import load_model


def test_an_item_models_labels_are_read_through_the_door(item_model, tmp_path):  # noqa: F811
    model = load_model(item_model)
    path, data = model_item_file(model, "labels")
    assert path == item_model / "items" / "labels.tsv" and data == path.read_bytes()
    copy = tmp_path / "m"
    shutil.copytree(item_model, copy)
    # the items folder swapped for a link to an identical folder elsewhere: refused (only the leaf was checked)
    elsewhere = tmp_path / "elsewhere"
    shutil.move(copy / "items", elsewhere)
    (copy / "items").symlink_to(elsewhere)
    with pytest.raises(CorruptModelError, match="a link on the way to the item labels file"):
        model_item_file(load_model(copy), "labels")


def test_a_kept_file_is_confined_bounded_and_checksummed(tmp_path):
    import hashlib

    folder = tmp_path / "model"
    (folder / "items").mkdir(parents=True)
    data = b"a\tname\tgroup\n"
    (folder / "items" / "labels.tsv").write_bytes(data)
    sha = hashlib.sha256(data).hexdigest()
    with kept_file(folder, "items/labels.tsv", sha, what="labels", limit=100) as kept:
        assert kept.path == folder / "items" / "labels.tsv" and kept.read_bytes() == data
    for relative, message in [
        ("../model/items/labels.tsv", "is not inside the folder"),
        ("/etc/passwd", "is not inside the folder"),
        (None, "names no labels file"),
        ("items/absent.tsv", "is missing"),
    ]:
        with pytest.raises(RecordError, match=message):
            kept_file(folder, relative, sha, what="labels", limit=100)
    with pytest.raises(RecordError, match="does not match its checksum"):
        kept_file(folder, "items/labels.tsv", "0" * 64, what="labels", limit=100)
    huge = folder / "items" / "holdout.txt"
    with open(huge, "wb") as f:
        f.truncate(20 << 30)  # 20 GB, sparse: refused from its size, never hashed
    with pytest.raises(RecordError, match="more than any holdout file"):
        kept_file(folder, "items/holdout.txt", sha, what="holdout", limit=1 << 30)
