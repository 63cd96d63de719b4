"""w2vkit.text.reading.textsample: the start of a raw input is read once for the steps before segmenting, in the
read that hashes it for the cache key, so a cache miss opens each raw input twice (its hash and
start, its segmentation), where it opened it five times (its hash, dictionary detection twice,
discovery, its segmentation)."""

import builtins

import pytest

from w2vkit.text.corpus.corpuscache import prepare_corpus
from w2vkit.text.reading.textsample import text_sample
from w2vkit.text.segmenting.segment import SegmentOptions


def test_a_cache_miss_opens_each_raw_input_twice(novel_text, tmp_path, monkeypatch):
    monkeypatch.setenv("W2VKIT_CACHE", str(tmp_path / "cache"))
    path = tmp_path / "novel.txt"
    path.write_text(novel_text[:200_000], encoding="utf-8")
    opened = []
    real_open = builtins.open

    def counting_open(file, *args, **kwargs):
        if str(file) == str(path):
            opened.append(file)
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", counting_open)
    # no dictionary: built-in dictionary detection and new-word discovery both look at the start
    prepared = prepare_corpus([str(path)], SegmentOptions(auto_dict=True, discover=True), jobs=1)
    assert not prepared.cached and prepared.tokens > 10_000
    assert len(opened) == 2, opened


def test_a_sample_is_read_again_when_more_is_asked_or_the_file_changed(tmp_path, monkeypatch):
    path = tmp_path / "t.txt"
    path.write_text("第一段\n第二段\n第三段\n", encoding="utf-8")
    first = text_sample(str(path), None, 3)
    assert first.paragraphs == ["第一段"] and not first.complete
    assert text_sample(str(path), None, 2) is first  # less than read: from memory
    more = text_sample(str(path), None, 100)
    assert more.paragraphs == ["第一段", "第二段", "第三段"] and more.complete
    path.write_text("新的一段\n", encoding="utf-8")
    assert text_sample(str(path), None, 100).paragraphs == ["新的一段"]


@pytest.mark.parametrize("compressed", [False, True])
@pytest.mark.parametrize("chars", [0, 1_000, 1_500_000, 10_000_000])
def test_the_digest_is_of_the_whole_file_however_much_of_it_the_sample_takes(tmp_path, novel_text, compressed, chars):
    """Past the sample (and past the first decoded block) the rest of the file is read for its hash
    in the same open; the sample stops where it was asked to."""
    import bz2

    from w2vkit.base.files import sha256_of

    data = (novel_text[:400_000] * 4).encode("utf-8")  # 4.6 MB: beyond the 1 MB first block
    path = tmp_path / ("big.txt.bz2" if compressed else "big.txt")
    path.write_bytes(bz2.compress(data) if compressed else data)
    sample = text_sample(str(path), None, chars, digest=True)
    assert sample.sha256 == sha256_of(path)
    assert sample.complete == (chars >= len(data.decode("utf-8")))
    if not sample.complete:
        assert sum(map(len, sample.paragraphs)) - len(sample.paragraphs[-1]) < max(chars, 1)


def test_a_run_lets_go_of_the_samples_it_kept(novel_text, tmp_path, monkeypatch):
    """The starts kept for segmenting are dropped once segmenting starts, or when the cache has the
    corpus already: a library caller training one text after another holds none of them."""
    import w2vkit.text.reading.textsample as textsample

    monkeypatch.setenv("W2VKIT_CACHE", str(tmp_path / "cache"))
    path = tmp_path / "novel.txt"
    path.write_text(novel_text[:100_000], encoding="utf-8")
    for cached in (False, True):
        assert prepare_corpus([str(path)], SegmentOptions(), jobs=1).cached == cached
        assert textsample._SAMPLES == {}
