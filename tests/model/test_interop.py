"""word2vec/fastText import and export: round trips equal gensim's reading, chunked parsing, bad files."""

import gzip
import subprocess
import sys

import numpy as np
import pytest
from test_store import make

from w2vkit.errors import InputError
from w2vkit.model.interop import export_model, import_word2vec
from w2vkit.model.store import load_model


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
    assert str(e.value) == f"{f}: truncated after 2 of 3 vectors; re-download the file or pass limit"
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

    import w2vkit.model.w2vreader

    monkeypatch.setattr(w2vkit.model.w2vreader, "IMPORT_CHUNK_BYTES", chunk)
    rng = np.random.default_rng(7)
    n, dim = 300, 50
    words = [f"k{i}" + "字" * (i % 5) for i in range(n)]
    vectors = rng.standard_normal((n, dim)).astype(np.float32)
    name = "v" + (".bin" if binary else ".txt") + (".gz" if gz else "")
    # fastText .vec lines end in a space; some files have Windows line ends.
    f = _word2vec_file(
        tmp_path / name,
        words,
        vectors,
        binary,
        gz,
        trailing=b"" if binary else b" ",
        line_end=b"\n" if binary else b"\r\n",
    )
    path, meta = import_word2vec(f, tmp_path / "imp")
    model = load_model(path, verify=True)
    kv = KeyedVectors.load_word2vec_format(str(f), binary=binary)
    assert model.words == kv.index_to_key == words
    assert np.array_equal(np.asarray(model.vectors), kv.vectors)
    assert meta["source"]["blake3"] == blake3(f.read_bytes()).hexdigest()  # the file on disk


def test_import_rejects_a_stray_space_and_a_tab_in_a_word(tmp_path):
    dim = 2
    rows = [("a", [1, 1]), ("b", [2, 2])]
    good = f"2 {dim}\n".encode() + b"".join(k.encode() + b" " + np.array(v, "<f4").tobytes() + b"\n" for k, v in rows)
    f = tmp_path / "space.bin"
    f.write_bytes(good.replace(b"\nb ", b"\n b "))
    with pytest.raises(InputError) as e:
        import_word2vec(f, tmp_path / "x")
    assert str(e.value) == (
        f"{f}: vector 2 has no word (a stray space or newline?); check the file, "
        "and that its header gives the right dimension"
    )
    f = tmp_path / "tab.bin"
    f.write_bytes(good.replace(b"\nb ", b"\nb\tc "))
    with pytest.raises(InputError) as e:
        import_word2vec(f, tmp_path / "x")
    assert str(e.value) == (
        f"{f}: the word of vector 2 ('b\\tc') has a tab, which no w2vkit model "
        "can store; remove or replace it in the file"
    )
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize("fmt", ["word2vec-bin", "word2vec-txt"])
def test_cli_export_then_import_gives_the_same_model(invoke, tmp_path, fmt):
    path, words, vectors = make(tmp_path)
    out = tmp_path / f"x.{fmt}"
    r = invoke(["export", "-m", path, "--format", fmt, "-o", out])
    assert r.exit_code == 0, r.stderr
    assert r.stderr == f"exported {len(words)} words (mixed vectors) -> {out}\n"
    r = invoke(["import", out, "-o", tmp_path / "back"])
    assert r.exit_code == 0, r.stderr
    back = load_model(tmp_path / "back", verify=True)
    assert back.words == words
    tolerance = 0 if fmt == "word2vec-bin" else 1e-5  # the text format prints 6 decimals
    assert np.allclose(np.asarray(back.vectors), vectors, atol=tolerance)
    assert r.stderr.endswith(f"-> {tmp_path / 'back'}/\n")


def test_cli_projector_export_writes_two_tsvs(invoke, tmp_path):
    path, words, _ = make(tmp_path)
    r = invoke(["export", "-m", path, "--format", "projector", "-o", tmp_path / "proj"])
    assert r.exit_code == 0, r.stderr
    assert (tmp_path / "proj" / "metadata.tsv").read_text(encoding="utf-8").split("\n")[:2] == words[:2]
    assert len((tmp_path / "proj" / "vectors.tsv").read_text().splitlines()) == len(words)


def test_export_writes_the_vectors_queries_answer_with(invoke, views_model, tmp_path):
    """The default view (topical here) unless --similarity says otherwise: gensim's most_similar
    on the exported file agrees with `w2vkit similar` asked the same way."""
    from gensim.models import KeyedVectors

    from w2vkit.model.views import with_view
    from w2vkit.queries.query import Engine

    model = load_model(views_model)
    for asked, view in ((None, "topical"), ("mixed", "mixed"), ("paradigmatic", "paradigmatic")):
        out = tmp_path / f"{view}.bin"
        r = invoke(["export", "-m", views_model, "-o", out, *(["--similarity", asked] if asked else [])])
        assert r.exit_code == 0 and f"({view} vectors)" in r.stderr, r.stderr
        exported = KeyedVectors.load_word2vec_format(str(out), binary=True)
        assert np.array_equal(exported.vectors, np.asarray(with_view(model, view).vectors))
        ours = Engine(model, similarity=view).most_similar(["行者"], topn=5)
        assert [w for w, _ in exported.most_similar("行者", topn=5)] == [w for w, _ in ours]


WORDS = ["月", "日", "风", "花", "雪", "山", "水", "酒"]


def _text_rows(words, vectors) -> list[str]:
    return [w + " " + " ".join(f"{x:.5f}" for x in row) for w, row in zip(words, vectors)]


def test_import_of_round_7s_malformed_text_files(tmp_path, invoke):
    """Round 7's I11, I12, I23, I24, I38: each a right answer or a line naming what is wrong."""
    vectors = np.random.default_rng(7).normal(size=(len(WORDS), 4)).astype(np.float32)
    rows = _text_rows(WORDS, vectors)
    header = f"{len(WORDS)} 4"
    crlf = tmp_path / "crlf.txt"  # (Windows line ends)
    crlf.write_bytes(("\r\n".join([header, *rows]) + "\r\n").encode())
    tabs = tmp_path / "tabs.txt"  # (fields separated by tabs)
    tabs.write_text("\n".join([header, *rows]).replace(" ", "\t") + "\n", encoding="utf-8")
    for source in (crlf, tabs):
        path, _ = import_word2vec(source, tmp_path / source.stem)
        model = load_model(path, verify=True)
        assert model.words == WORDS
        np.testing.assert_allclose(np.asarray(model.vectors), vectors, atol=1e-5)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    r = invoke(["import", str(empty), "-o", str(tmp_path / "e")])
    assert (r.exit_code, r.stderr) == (
        1,
        f"Error: {empty}:1: the first line is empty (or the file is); give a word2vec or fastText file\n",
    )
    control = tmp_path / "control.txt"  # (an escape sequence in word 7: the file is text all the same)
    control.write_text("\n".join([header, *rows[:6], "\x1b]0;pwn\x07 " + rows[6].split(" ", 1)[1], rows[7]]) + "\n")
    r = invoke(["import", str(control), "-o", str(tmp_path / "c")])
    assert r.exit_code == 1 and r.stderr == (
        f"Error: {control}: the word of vector 7 ('\\x1b]0;pwn\\x07') holds the control character U+001B, which "
        "would break the model's word list; remove or replace it in the file\n"
    )
    twice = tmp_path / "twice.txt"
    twice.write_text("\n".join([f"{len(WORDS) + 1} 4", *rows, rows[2]]) + "\n", encoding="utf-8")
    r = invoke(["import", str(twice), "-o", str(tmp_path / "t")])
    assert r.exit_code == 0 and "(1 word given more than once: the first vector of each kept)" in r.stderr
    huge = tmp_path / "huge.txt"  # (past float32's range: one line, no numpy warning)
    huge.write_text("\n".join([header, *rows[:3], "花 1e39 0 0 0", *rows[4:]]) + "\n", encoding="utf-8")
    # (a process of its own: pytest would catch numpy's warning before it reached stderr)
    r = subprocess.run([sys.executable, "-m", "w2vkit", "import", str(huge), "-o", str(tmp_path / "h")],
                       capture_output=True, text=True, timeout=120)  # fmt: skip
    assert r.returncode == 1 and r.stderr == (
        f"Error: {huge}: the vector of '花' (record 4) holds NaN or infinity, which no query can score; fix or "
        "remove that record\n"
    )
