"""The model format: round trips, corruption, atomic saves under kill, finding a model."""

import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from w2vkit.errors import CorruptModelError, ModelNotFoundError
from w2vkit.model.modelchoice import find_model
from w2vkit.model.store import load_model, read_vocab, save_model


def make(tmp_path, n=50, dim=8, name="m", seed=0):
    rng = np.random.default_rng(seed)
    words = [f"w{i}" for i in range(n - 2)] + ["孙悟空", "猪八戒"]
    vectors = rng.standard_normal((n, dim)).astype(np.float32)
    path = save_model(tmp_path / name, words, np.arange(n, 0, -1), vectors, {"note": "test"})
    return path, words, vectors


def test_round_trip_is_numpy_only_and_mmapped(tmp_path):
    path, words, vectors = make(tmp_path)
    model = load_model(path)
    assert isinstance(model.vectors, np.memmap) and not model.vectors.flags.writeable
    assert model.words == words and np.array_equal(model.vectors, vectors)
    assert np.load(path / "vectors.npy", allow_pickle=False).dtype == np.float32
    meta = json.loads((path / "meta.json").read_text())
    assert meta["format_version"] == 2 and meta["vocab_size"] == 50 and meta["dim"] == 8
    assert read_vocab(path / "vocab.tsv", (path / "vocab.tsv").read_bytes())[1][0] == 50


def test_a_version_1_model_still_loads(tmp_path):
    """Version 2 added the dictionaries' copies (dicts/); a model saved before has none and loads."""
    path, words, _ = make(tmp_path)
    meta = json.loads((path / "meta.json").read_text())
    (path / "meta.json").write_text(json.dumps(dict(meta, format_version=1)))
    assert load_model(path).words == words
    (path / "meta.json").write_text(json.dumps(dict(meta, format_version=3)))
    with pytest.raises(CorruptModelError, match="model format version 3 is not supported"):
        load_model(path)


def test_truncated_vectors(tmp_path):
    path, *_ = make(tmp_path)
    data = (path / "vectors.npy").read_bytes()
    (path / "vectors.npy").write_bytes(data[: len(data) // 2])
    with pytest.raises(
        CorruptModelError,
        match=r"vectors.npy: the vectors file declares \(50, 8\) float32 \(1,600 bytes\) in a file of .*; retrain or re-import",
    ):
        load_model(path)


def test_checksum_mismatch(tmp_path):
    path, *_ = make(tmp_path)
    data = bytearray((path / "vectors.npy").read_bytes())
    data[-1] ^= 0xFF
    (path / "vectors.npy").write_bytes(bytes(data))
    with pytest.raises(CorruptModelError) as e:
        load_model(path)
    assert str(e.value) == (
        f"{path / 'vectors.npy'}: the vectors file does not match its checksum in the record; retrain or re-import the model"
    )


def test_unknown_format_version(tmp_path):
    path, *_ = make(tmp_path)
    meta = json.loads((path / "meta.json").read_text())
    meta["format_version"] = 99
    (path / "meta.json").write_text(json.dumps(meta))
    with pytest.raises(CorruptModelError, match="model format version 99 is not supported by w2vkit"):
        load_model(path)


def test_missing_model(tmp_path):
    with pytest.raises(ModelNotFoundError, match="no such model directory"):
        load_model(tmp_path / "nope")


def test_find_model_order(tmp_path, monkeypatch):
    monkeypatch.delenv("W2VKIT_MODEL", raising=False)
    with pytest.raises(ModelNotFoundError, match="train one with `w2vkit train CORPUS`"):
        find_model(None, tmp_path / "models")
    old, *_ = make(tmp_path / "models", name="old")
    new, *_ = make(tmp_path / "models", name="new")
    os.utime(old / "meta.json", (time.time() - 100, time.time() - 100))
    assert find_model(None, tmp_path / "models") == new
    monkeypatch.setenv("W2VKIT_MODEL", str(old))
    assert find_model(None, tmp_path / "models") == old
    assert find_model("explicit", tmp_path / "models").name == "explicit"


SAVER = """
import sys, numpy as np
from w2vkit.model.store import save_model
path = sys.argv[1]
words = [f"w{i}" for i in range(20000)]
v = 0
while True:
    v += 1
    save_model(path, words, np.ones(20000), np.full((20000, 64), v, dtype=np.float32), {"version": v})
    print(v, flush=True)
"""


def test_save_is_atomic_under_sigkill(tmp_path):
    path = tmp_path / "model"
    rng = np.random.default_rng(1)
    for _ in range(6):
        proc = subprocess.Popen([sys.executable, "-c", SAVER, str(path)], stdout=subprocess.PIPE, text=True)
        proc.stdout.readline()  # at least one complete save
        time.sleep(float(rng.uniform(0.0, 0.3)))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        model = load_model(path, verify=True)
        v = model.meta["version"]
        assert np.all(np.asarray(model.vectors) == v)


def test_a_load_that_straddles_a_replacement_starts_again(tmp_path, monkeypatch):
    """A retrain replaces the model folder while a query reads it: the query must not mix the
    two folders' files, nor call the model damaged (issue 37.12)."""
    import w2vkit.model.store as store
    from w2vkit.model.modelfolder import publish

    path, _, _ = make(tmp_path, n=50, name="m")
    real = store.read_vocab
    replaced = []

    def replace_then_read(vocab_path, data):
        if not replaced:  # meta.json and vectors.npy of the old folder are read by now
            replaced.append(True)
            new = make(tmp_path / "next", n=60, name="m", seed=1)
            publish(new[0], path)  # how save_model replaces a model: folder renames
        return real(vocab_path, data)

    monkeypatch.setattr(store, "read_vocab", replace_then_read)
    model = load_model(path)
    assert replaced and len(model.words) == 60 and model.vectors.shape == (60, 8)
    assert model.meta["vocab_size"] == 60
