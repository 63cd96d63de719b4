"""w2vkit.text.textsample: the start of a raw input is read once for the steps before segmenting, in the
read that hashes it for the cache key, so a cache miss opens each raw input twice (its hash and
start, its segmentation), where it opened it five times (its hash, dictionary detection twice,
discovery, its segmentation)."""

import builtins

from w2vkit.text.corpuscache import prepare_corpus
from w2vkit.text.segment import SegmentOptions
from w2vkit.text.textsample import text_sample


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
