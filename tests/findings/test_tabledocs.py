"""w2vkit.findings.tabledocs: a table's rows cut as the model cut its text, kept beside the model
and read back only for the same texts and the same model."""

from __future__ import annotations

import shutil

import numpy as np

import w2vkit.queries.segmentation as segmentation
from w2vkit.base.cachefile import StampedCache
from w2vkit.findings.tabledocs import TOKENS_FILE, segmented, table_rows
from w2vkit.model.store import load_model
from w2vkit.queries.query import Engine


def test_the_cut_is_kept_and_read_back_only_for_the_same_texts(halves, tmp_path, monkeypatch):
    folder, table = halves
    copy = tmp_path / "model"
    shutil.copytree(folder, copy)
    monkeypatch.setenv("W2VKIT_CACHE", str(tmp_path / "cache"))  # (a cache of its own: it tampers with it)
    engine = Engine(load_model(copy))
    rows = table_rows(engine, table, ["text"])
    first = segmented(engine, rows, "text")
    view = engine.model.meta["view"]  # (kept under the view's name: Engine.kept)
    kept = engine.model.cache_file(TOKENS_FILE.replace(".npy", f"-{view}.npy"))
    assert kept.is_file() and not list(copy.glob("table-tokens*"))

    def refuse(*args, **kwargs):
        raise AssertionError("cut again")

    with monkeypatch.context() as m:  # (the second time, nothing is cut, and the engine opens no file)
        m.setattr(segmentation, "row_tokenizer", refuse)
        m.setattr(StampedCache, "read", refuse)
        again = segmented(engine, rows, "text")
    with monkeypatch.context() as m:  # (another engine of the model reads the kept cut)
        m.setattr(segmentation, "row_tokenizer", refuse)
        read = segmented(Engine(load_model(copy)), rows, "text")
    np.testing.assert_array_equal(first.ids, read.ids)
    np.testing.assert_array_equal(first.ids, again.ids)
    np.testing.assert_array_equal(first.doc, again.doc)
    assert first.documents == again.documents == len(rows)

    # other texts (one row changed) are cut again, and the cut is theirs
    changed = [(n, dict(r)) for n, r in rows]
    changed[3][1]["text"] = "菩萨" + changed[3][1]["text"]
    other = segmented(engine, changed, "text")
    assert len(other.ids) == len(first.ids) + 1 and other.ids[other.doc == 3][0] == engine.model.index["菩萨"]

    # a kept file altered (its stamp not) is no longer believed: cut again, the same tokens
    segmented(engine, rows, "text")
    data = bytearray(kept.read_bytes())
    data[-4:] = (10**6).to_bytes(4, "little")
    kept.write_bytes(bytes(data))
    np.testing.assert_array_equal(segmented(Engine(load_model(copy)), rows, "text").ids, first.ids)
