"""Decoding, normalisation and sentence splitting of raw inputs."""

import bz2
import codecs
import gzip
import hashlib

import pytest

from w2vkit.errors import BinaryInputError, DecodeError, EmptyInputError, InputError, InputNotFoundError, UsageError
from w2vkit.text.reading.inputs import (
    MAX_PARAGRAPH_CHARS,
    detect_encoding,
    detect_language,
    discover_inputs,
    open_text,
    paragraphs,
    split_sentences,
)
from w2vkit.text.reading.textnorm import normalise

TEXT = "孙悟空道：“师父，前面有山。”\n八戒笑道：“好！”\r\n沙僧不语。\rEnd"


def read_all(path, encoding=None):
    stream, first = open_text(str(path), encoding)
    return stream, list(paragraphs(stream, first))


@pytest.mark.parametrize(
    "encoding, prefix, expected",
    [
        ("utf-8", b"", "utf-8"),
        ("utf-8", codecs.BOM_UTF8, "utf-8-sig"),
        ("utf-16-le", codecs.BOM_UTF16_LE, "utf-16-le"),
        ("utf-16-be", codecs.BOM_UTF16_BE, "utf-16-be"),
        ("gb18030", b"", "gb18030"),
        ("gbk", b"", "gb18030"),
    ],
)
def test_every_encoding_decodes_to_the_same_paragraphs(tmp_path, encoding, prefix, expected):
    path = tmp_path / f"t-{encoding}.txt"
    path.write_bytes(prefix + TEXT.encode(encoding))
    stream, paras = read_all(path)
    assert stream.encoding == expected
    assert paras == ["孙悟空道：“师父，前面有山。”", "八戒笑道：“好！”", "沙僧不语。", "End"]


def test_gzip_and_bz2_are_read_transparently(tmp_path):
    gz, bz = tmp_path / "a.txt.gz", tmp_path / "b.txt.bz2"
    gz.write_bytes(gzip.compress(TEXT.encode("gb18030")))
    bz.write_bytes(bz2.compress(TEXT.encode("utf-8")))
    assert read_all(gz)[1] == read_all(bz)[1]
    assert read_all(gz)[0].encoding == "gb18030"


def test_sha256_is_of_the_bytes_on_disk(tmp_path):
    import hashlib

    gz = tmp_path / "a.txt.gz"
    gz.write_bytes(gzip.compress(TEXT.encode("utf-8")))
    stream, _ = read_all(gz)
    assert stream.sha256 == hashlib.sha256(gz.read_bytes()).hexdigest()


def test_forced_encoding_is_used(tmp_path):
    path = tmp_path / "t.txt"
    path.write_bytes("天地".encode("big5"))
    assert read_all(path, "big5")[1] == ["天地"]


def test_undecodable_bytes_are_reported_with_offset(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_bytes("好".encode() * 10 + b"\xff\xfe\xfd")
    with pytest.raises(DecodeError) as e:
        read_all(path, "utf-8")
    # the library names the parameter; the command line its flag
    assert str(e.value) == f"{path}: invalid utf-8 at byte 30; give the right one with encoding or fix the file"
    assert e.value.named(lambda p: "--" + p).endswith("give the right one with --encoding or fix the file")


def test_decode_error_offset_counts_earlier_blocks(tmp_path):
    path = tmp_path / "late.txt"
    head = b"a" * (3 << 20)
    path.write_bytes(head + b"\xc3")  # truncated 2-byte sequence at the very end
    with pytest.raises(DecodeError, match=f"invalid utf-8 at byte {len(head)};"):
        read_all(path, "utf-8")


def test_binary_file_is_refused(tmp_path):
    path = tmp_path / "img.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(BinaryInputError, match=r"looks like a binary file \(NUL byte at offset 8\)"):
        read_all(path)


def test_detect_encoding_tolerates_a_character_cut_at_the_sample_end():
    sample = "孙悟空".encode()[:-1]
    assert detect_encoding(sample, "x") == "utf-8"


def test_empty_file_is_an_error(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    with pytest.raises(EmptyInputError, match="empty.txt: file is empty"):
        read_all(path)


def test_normalise_spaces_fullwidth_ascii_and_urls():
    assert normalise("a\u3000b\xa0c\u200bd") == "a b cd"
    assert normalise("ＡＢＣ１２３！？") == "ABC123！？"
    assert normalise("网站 https://www.xstt5.com，最有") == "网站  ，最有"


def test_one_line_corpus_is_streamed_in_bounded_paragraphs(tmp_path):
    words = ["word"] * (3 * MAX_PARAGRAPH_CHARS // 5)
    path = tmp_path / "oneline.txt"
    path.write_text(" ".join(words))
    stream, paras = read_all(path)
    assert len(paras) > 1
    assert max(len(p) for p in paras) <= MAX_PARAGRAPH_CHARS
    assert " ".join(paras).split() == words  # cuts fall on spaces: no word is broken


def test_chinese_sentence_splitting_keeps_closing_quotes():
    text = "行者道：“你好。”他说！我去了……好吗？是；否"
    assert split_sentences(text, "zh") == ["行者道：“你好。”", "他说！", "我去了……", "好吗？", "是；", "否"]


def test_english_sentence_splitting():
    assert split_sentences("One two. Three! Four? five", "en") == ["One two.", "Three!", "Four?", "five"]


def test_language_detection():
    assert detect_language("孙悟空与猪八戒 went west") == "zh"
    assert detect_language("anarchism originated as a term of abuse") == "en"


def test_discover_inputs_mirrors_directories(tmp_path):
    (tmp_path / "d" / "sub").mkdir(parents=True)
    (tmp_path / "d" / "a.txt").write_text("x")
    (tmp_path / "d" / "sub" / "b.txt.gz").write_bytes(gzip.compress(b"x"))
    (tmp_path / "d" / "skip.md").write_text("x")
    found = discover_inputs([str(tmp_path / "d")])
    assert [f.output_name for f in found] == ["a.txt", "sub/b.txt"]


def test_discover_inputs_errors(tmp_path):
    with pytest.raises(InputNotFoundError, match="nope.txt: no such file or directory"):
        discover_inputs([str(tmp_path / "nope.txt")])
    (tmp_path / "empty").mkdir()
    with pytest.raises(EmptyInputError, match="directory holds no .txt, .txt.gz, .txt.bz2 files"):
        discover_inputs([str(tmp_path / "empty")])
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "a.txt").write_text("1")
    (tmp_path / "a.txt").write_text("2")
    with pytest.raises(UsageError, match="would both be written as a.txt"):
        discover_inputs([str(tmp_path / "x"), str(tmp_path / "a.txt")])


def test_a_builtin_corpus_is_found_by_name_unless_a_file_has_that_name(tmp_path, monkeypatch):
    from w2vkit.text.reading.datasets import BUILTIN_CORPORA, builtin_corpus

    monkeypatch.chdir(tmp_path)
    [found] = discover_inputs(["xiyouji"])
    assert (found.path, found.output_name) == (str(builtin_corpus("xiyouji")), "xiyouji.txt")
    with bz2.open(found.path, "rb") as f:
        assert hashlib.sha256(f.read()).hexdigest() == BUILTIN_CORPORA["xiyouji"].sha256
    (tmp_path / "xiyouji").write_text("my own text")
    assert discover_inputs(["xiyouji"])[0].path == "xiyouji"
    with pytest.raises(
        InputNotFoundError, match=r"^nosuch: no such file or directory, nor a built-in corpus \(xiyouji\)$"
    ):
        discover_inputs(["nosuch"])


def test_a_damaged_builtin_corpus_is_refused(tmp_path, monkeypatch):
    from w2vkit.text.reading import datasets

    (tmp_path / "xiyouji.txt.bz2").write_bytes(bz2.compress("不是西游记".encode()))
    monkeypatch.setattr(datasets, "DATA_DIR", tmp_path)
    with pytest.raises(InputError, match="the built-in corpus 'xiyouji' is damaged"):
        datasets.builtin_corpus("xiyouji")
