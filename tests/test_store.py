"""The model format: round trips, corruption, atomic saves under kill, import and export."""

import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from w2vkit.errors import CorruptModelError, InputError, ModelNotFoundError
from w2vkit.store import (
    export_model,
    find_model,
    import_word2vec,
    load_model,
    read_vocab,
    save_model,
)


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
    assert meta["format_version"] == 1 and meta["vocab_size"] == 50 and meta["dim"] == 8
    assert read_vocab(path / "vocab.tsv")[1][0] == 50


def test_truncated_vectors(tmp_path):
    path, *_ = make(tmp_path)
    data = (path / "vectors.npy").read_bytes()
    (path / "vectors.npy").write_bytes(data[: len(data) // 2])
    with pytest.raises(CorruptModelError, match=r"vectors.npy: truncated or corrupt \(.*\); retrain or re-import"):
        load_model(path)


def test_checksum_mismatch(tmp_path):
    path, *_ = make(tmp_path)
    data = bytearray((path / "vectors.npy").read_bytes())
    data[-1] ^= 0xFF
    (path / "vectors.npy").write_bytes(bytes(data))
    with pytest.raises(CorruptModelError) as e:
        load_model(path)
    assert str(e.value) == (f"{path / 'vectors.npy'}: checksum mismatch (file changed or damaged); "
                            "retrain or re-import the model")


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
from w2vkit.store import save_model
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
    versions_seen = set()
    for _ in range(6):
        proc = subprocess.Popen([sys.executable, "-c", SAVER, str(path)], stdout=subprocess.PIPE, text=True)
        proc.stdout.readline()  # at least one complete save
        time.sleep(float(rng.uniform(0.0, 0.3)))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        model = load_model(path, verify=True)
        v = model.meta["version"]
        assert np.all(np.asarray(model.vectors) == v)
        versions_seen.add(v)
    assert versions_seen


def test_word2vec_binary_and_text_round_trip_and_match_gensim(tmp_path):
    from gensim.models import KeyedVectors

    path, words, vectors = make(tmp_path)
    model = load_model(path)
    for fmt, name, binary in (("word2vec-bin", "v.bin", True), ("word2vec-txt", "v.txt", False)):
        out = tmp_path / name
        export_model(model, fmt, out)
        back, _ = import_word2vec(out, tmp_path / f"back-{binary}")
        again = load_model(back)
        assert again.words == words
        np.testing.assert_allclose(again.vectors, vectors, rtol=1e-5 if not binary else 0)
        kv = KeyedVectors.load_word2vec_format(str(out), binary=binary)
        assert list(kv.index_to_key) == again.words
        np.testing.assert_allclose(kv.vectors, again.vectors, rtol=1e-6)


def test_projector_export(tmp_path):
    path, words, vectors = make(tmp_path)
    out = tmp_path / "proj"
    export_model(load_model(path), "projector", out)
    assert (out / "metadata.tsv").read_text(encoding="utf-8").split("\n")[:-1] == words
    np.testing.assert_allclose(np.loadtxt(out / "vectors.tsv", delimiter="\t"), vectors, rtol=1e-5)


def test_import_limit_bad_utf8_and_truncation(tmp_path):
    dim = 4
    rows = [("good", [1, 2, 3, 4]), ("\u5b59\u609f".encode()[:-1] + b"\xff", [5, 6, 7, 8]), ("last", [0, 0, 0, 1])]
    blob = f"3 {dim}\n".encode()
    for key, vec in rows:
        key = key if isinstance(key, bytes) else key.encode()
        blob += key + b" " + np.array(vec, dtype="<f4").tobytes() + b"\n"
    f = tmp_path / "v.bin"
    f.write_bytes(blob)
    path, meta = import_word2vec(f, tmp_path / "imp")
    model = load_model(path)
    assert model.words[0] == "good" and "\ufffd" in model.words[1] and meta["keys_with_bad_utf8"] == 1
    np.testing.assert_array_equal(model.vectors[2], [0, 0, 0, 1])
    path, _ = import_word2vec(f, tmp_path / "lim", limit=1)
    assert load_model(path).words == ["good"]
    f.write_bytes(blob[:-10])
    with pytest.raises(InputError) as e:
        import_word2vec(f, tmp_path / "trunc")
    assert str(e.value) == f"{f}: truncated after 2 of 3 vectors; re-download the file or pass --limit"
    bad = tmp_path / "notw2v.txt"
    bad.write_text("hello world\n")
    with pytest.raises(InputError, match="expected a header 'COUNT DIM'"):
        import_word2vec(bad, tmp_path / "x")


def test_import_across_read_chunks_equals_gensim(tmp_path):
    """24 MB: records straddle the importer's 16 MB reads; keys of varied length and bytes."""
    from gensim.models import KeyedVectors

    rng = np.random.default_rng(5)
    n, dim = 20_000, 300
    vectors = rng.standard_normal((n, dim), dtype=np.float32)
    words = [f"w{i}" + "字" * (i % 7) for i in range(n)]
    f = tmp_path / "big.bin"
    with open(f, "wb") as out:
        out.write(f"{n} {dim}\n".encode())
        for w, row in zip(words, vectors):
            out.write(w.encode() + b" " + row.astype("<f4").tobytes() + b"\n")
    path, meta = import_word2vec(f, tmp_path / "imp")
    model = load_model(path, verify=True)  # the checksum computed while parsing matches the file
    kv = KeyedVectors.load_word2vec_format(str(f), binary=True)
    assert model.words == kv.index_to_key == words
    assert np.array_equal(np.asarray(model.vectors), kv.vectors)
    assert meta["source"]["blake3"] == __import__("blake3").blake3(f.read_bytes()).hexdigest()
    assert meta["source"]["size"] == f.stat().st_size


def test_import_keeps_the_first_of_duplicate_keys(tmp_path):
    dim = 2
    blob = f"3 {dim}\n".encode()
    for key, vec in (("a", [1, 1]), ("b", [2, 2]), ("a", [3, 3])):
        blob += key.encode() + b" " + np.array(vec, dtype="<f4").tobytes() + b"\n"
    f = tmp_path / "dup.bin"
    f.write_bytes(blob)
    path, meta = import_word2vec(f, tmp_path / "imp")
    model = load_model(path, verify=True)
    assert model.words == ["a", "b"] and meta["imported_words"] == 2
    np.testing.assert_array_equal(np.asarray(model.vectors), [[1, 1], [2, 2]])


def _word2vec_file(path, words, vectors, binary, gz=False, line_end=b"\n", trailing=b""):
    import gzip

    blob = f"{len(words)} {vectors.shape[1]}".encode() + line_end
    for w, row in zip(words, vectors):
        if binary:
            blob += w.encode() + b" " + row.astype("<f4").tobytes() + line_end
        else:
            blob += (w + " " + " ".join(repr(float(x)) for x in row)).encode() + trailing + line_end
    if gz:
        blob = gzip.compress(blob)
    path.write_bytes(blob)
    return path


@pytest.mark.parametrize("binary", [True, False], ids=["bin", "txt"])
@pytest.mark.parametrize("gz", [False, True], ids=["plain", "gz"])
@pytest.mark.parametrize("chunk", [4096, 100], ids=["many-chunks", "records-longer-than-chunks"])
def test_import_in_small_chunks_equals_gensim(tmp_path, monkeypatch, binary, gz, chunk):
    """Tiny read chunks (and memory-map windows) put record boundaries everywhere, and force the
    reader to grow its chunk when one record does not fit."""
    from blake3 import blake3
    from gensim.models import KeyedVectors

    import w2vkit.store

    monkeypatch.setattr(w2vkit.store, "IMPORT_CHUNK_BYTES", chunk)
    rng = np.random.default_rng(7)
    n, dim = 300, 50
    words = [f"k{i}" + "字" * (i % 5) for i in range(n)]
    vectors = rng.standard_normal((n, dim)).astype(np.float32)
    name = "v" + (".bin" if binary else ".txt") + (".gz" if gz else "")
    # fastText .vec lines end in a space; some files have Windows line ends.
    f = _word2vec_file(tmp_path / name, words, vectors, binary, gz, trailing=b"" if binary else b" ",
                       line_end=b"\n" if binary else b"\r\n")
    path, meta = import_word2vec(f, tmp_path / "imp")
    model = load_model(path, verify=True)
    kv = KeyedVectors.load_word2vec_format(str(f), binary=binary)
    assert model.words == kv.index_to_key == words
    assert np.array_equal(np.asarray(model.vectors), kv.vectors)
    assert meta["source"]["blake3"] == blake3(f.read_bytes()).hexdigest()  # the file on disk


def test_import_rejects_a_stray_space_and_a_tab_in_a_word(tmp_path):
    dim = 2
    rows = [("a", [1, 1]), ("b", [2, 2])]
    good = f"2 {dim}\n".encode() + b"".join(k.encode() + b" " + np.array(v, "<f4").tobytes() + b"\n"
                                            for k, v in rows)
    f = tmp_path / "space.bin"
    f.write_bytes(good.replace(b"\nb ", b"\n b "))
    with pytest.raises(InputError) as e:
        import_word2vec(f, tmp_path / "x")
    assert str(e.value) == (f"{f}: vector 2 has no word (a stray space or newline?); check the file, "
                            "and that its header gives the right dimension")
    f = tmp_path / "tab.bin"
    f.write_bytes(good.replace(b"\nb ", b"\nb\tc "))
    with pytest.raises(InputError) as e:
        import_word2vec(f, tmp_path / "x")
    assert str(e.value) == (f"{f}: the word of vector 2 ('b\\tc') has a tab, which no w2vkit model "
                            "can store; remove or replace it in the file")
    assert not (tmp_path / "x").exists()
