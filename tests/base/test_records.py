"""The one door for records and arrays read back (w2vkit.base.records, w2vkit.base.cachefile):
hostile files give one RecordError line, in bounded time and memory."""

from __future__ import annotations

import json
import os
import time

import numpy as np
import pytest

from w2vkit.base.cachefile import StampedCache
from w2vkit.base.records import MAX_NESTING, RecordError, array_from, nesting_depth, parse_json, read_json


def test_a_record_nested_200000_deep_is_one_line_quickly(tmp_path):
    path = tmp_path / "meta.json"
    path.write_text('{"a": ' * 200_000 + "1" + "}" * 200_000)
    started = time.perf_counter()
    with pytest.raises(RecordError, match="nested more than"):
        read_json(path)
    assert time.perf_counter() - started < 10  # (a bound on a hang, not a speed target)


def test_nesting_is_counted_outside_strings_only():
    assert nesting_depth('{"a": "[[[[[[[[", "b": [1, {"c": "\\"]]"}]}') == 3
    assert nesting_depth("[" * (MAX_NESTING + 5)) > MAX_NESTING
    # json's own parser agrees on what it accepts: a record just under the bound is read
    text = "[" * (MAX_NESTING - 1) + "]" * (MAX_NESTING - 1)
    assert parse_json(text, "x", expect=list) == json.loads(text)


def test_a_fifo_a_folder_and_a_huge_file_are_refused_without_reading(tmp_path):
    fifo = tmp_path / "fifo.json"
    os.mkfifo(fifo)
    with pytest.raises(RecordError, match="not a regular file"):
        read_json(fifo)  # (reading it would wait for a writer forever)
    with pytest.raises(RecordError, match="not a regular file"):
        read_json(tmp_path)
    huge = tmp_path / "huge.json"
    with open(huge, "wb") as f:
        f.truncate(20 << 30)  # 20 GB, sparse
    with pytest.raises(RecordError, match="more than any record"):
        read_json(huge)


@pytest.mark.parametrize(
    "text, message",
    [("[1, 2]", "a JSON list, not an object"), ("{not json", "not valid JSON"), ("\udcff", "not UTF-8")],
)
def test_a_record_of_the_wrong_kind_is_named(tmp_path, text, message):
    path = tmp_path / "r.json"
    path.write_bytes(text.encode("utf-8", "surrogateescape"))
    with pytest.raises(RecordError) as caught:
        read_json(path)
    assert str(caught.value).startswith(f"{path}: ") and message in str(caught.value)


def load_array(path, **expected):
    """The array at `path` through records.array_from, as the one door reads it (from the file opened once)."""
    with open(path, "rb") as f:
        return array_from(f, os.path.getsize(path), path, "array", **expected)


def test_an_object_array_is_refused_before_numpy_reads_it(tmp_path):
    path = tmp_path / "view.npy"
    np.save(path, np.array([{"a": 1}, None], dtype=object), allow_pickle=True)
    with pytest.raises(RecordError, match="holds object, not numbers"):
        load_array(path)


def test_an_array_whose_header_and_size_disagree_is_refused(tmp_path):
    path = tmp_path / "a.npy"
    np.save(path, np.zeros((10, 4), dtype=np.float32))
    with open(path, "r+b") as f:
        f.truncate(os.path.getsize(path) - 4)
    with pytest.raises(RecordError, match="declares"):
        load_array(path)
    np.save(path, np.zeros((10, 4), dtype=np.float32))
    with pytest.raises(RecordError, match="has shape"):
        load_array(path, shape=(11, None))
    with pytest.raises(RecordError, match="not float64"):
        load_array(path, dtype=np.float64)
    assert load_array(path, shape=(10, None), dtype=np.float32, mmap=True).shape == (10, 4)


def sparse_npy(path, rows: int) -> None:
    """A valid .npy header declaring `rows` float32 values, the data a hole (no disk, no memory)."""
    with open(path, "wb") as f:
        np.lib.format.write_array_header_1_0(f, {"descr": "<f4", "fortran_order": False, "shape": (rows,)})
        f.truncate(f.tell() + rows * 4)


def test_a_cache_of_20_gb_is_a_miss_without_reading_it(tmp_path):
    cache = StampedCache(tmp_path / "hubness-topical.npy", "vectors-sha 10")
    sparse_npy(cache.path, 5 << 30)  # 20 GB declared and present (sparse)
    cache.stamp.write_text("vectors-sha 10 " + "0" * 64)
    started = time.perf_counter()
    assert cache.read((100,)) is None
    assert time.perf_counter() - started < 5  # (reading 20 GB would take minutes and the memory)


def test_a_cache_is_believed_only_with_its_key_and_its_checksum(tmp_path):
    values = np.arange(5, dtype=np.float32)
    cache = StampedCache(tmp_path / "norms.npy", "sha-a")
    assert cache.keep(values) is None
    assert np.array_equal(cache.read((5,)), values)
    assert StampedCache(tmp_path / "norms.npy", "sha-b").read((5,)) is None  # another key
    assert cache.read((6,)) is None  # another shape
    np.save(cache.path, values + 1)  # changed behind the stamp
    assert cache.read((5,)) is None
    cache.path.unlink()
    mine = tmp_path / "mine.npy"
    np.save(mine, values)
    cache.path.symlink_to(mine)
    assert cache.read((5,)) is None  # never read through a link
    assert "link" in cache.keep(values) and np.array_equal(np.load(mine), values)  # nor written
