"""New-word discovery: planted words are found, pieces and chance pairs are not; it reaches the
segmenter, the audit and a dictionary file."""

import numpy as np
import pytest

from w2vkit.text.segmenting.discover import DiscoveryOptions, discover_words
from w2vkit.text.segmenting.pipeline import segment_corpus
from w2vkit.text.segmenting.segment import SegmentOptions
from w2vkit.text.segmenting.wordlists import read_user_dict

PLANTED = ["龘靐齉", "爨麤", "癵驫鱻"]  # rare characters: no dictionary holds these strings


def planted_text(seed=0, n=60_000):
    """Random characters with three planted words, each seen ~670 times in varied contexts, and
    one frequent string that only ever occurs inside a longer one (爨麤 inside 爨麤厵: a piece)."""
    rng = np.random.default_rng(seed)
    alphabet = [chr(c) for c in range(0x4E00, 0x4E00 + 400)]
    parts = []
    for i in range(n // 10):
        parts.append("".join(rng.choice(alphabet, 8)))
        if i % 3 == 0:
            parts.append(PLANTED[(i // 3) % 3] + ("厵" if PLANTED[(i // 3) % 3] == "爨麤" else ""))
        if i % 7 == 0:
            parts.append("，")
    return "".join(parts)


def test_planted_words_are_found_and_pieces_are_not():
    text = planted_text()
    found = {w.word: w for w in discover_words(text, DiscoveryOptions(max_len=6))}
    assert {"龘靐齉", "癵驫鱻", "爨麤厵"} <= set(found)
    # pieces of a planted word: always followed (or preceded) by the same character
    assert not {"龘靐", "靐齉", "爨麤", "麤厵", "驫鱻"} & set(found)
    # chance pairs of the random characters are not cohesive
    assert all(w in ("龘靐齉", "癵驫鱻", "爨麤厵") for w in found), sorted(found)
    w = found["龘靐齉"]
    assert w.count == text.count("龘靐齉") > 600 and w.pmi > 3 and min(w.left_entropy, w.right_entropy) > 1.5


def test_known_words_and_function_characters_are_left_out():
    text = planted_text()
    assert "龘靐齉" not in {w.word for w in discover_words(text, known=lambda w: w == "龘靐齉")}
    glued = text.replace("龘靐齉", "龘靐齉道")  # a name + a speech verb, always together
    assert "龘靐齉道" not in {w.word for w in discover_words(glued, DiscoveryOptions(max_len=6))}


def test_too_little_text_finds_nothing():
    assert discover_words("孙悟空" * 10) == []


@pytest.fixture(scope="module")
def discovered_novel(xiyouji_path, tmp_path_factory):
    """The novel segmented without its dictionary, with and without discovery."""
    out = tmp_path_factory.mktemp("discover")
    on = segment_corpus([str(xiyouji_path)], out / "on", SegmentOptions(auto_dict=False), jobs=2, audit=True)
    off = segment_corpus(
        [str(xiyouji_path)], out / "off", SegmentOptions(auto_dict=False, discover=False), jobs=2, audit=True
    )
    return on, off


def test_discovery_keeps_the_novels_own_words_whole(discovered_novel):
    on, off = discovered_novel
    words = {w.word for w in on.new_words}
    assert {"老孙", "钉钯", "悟能", "泼猴", "弼马温"} <= words
    for word in ("老孙", "钉钯", "悟能", "泼猴", "弼马温"):
        assert on.counts[word] > off.counts[word] + 40, (word, on.counts[word], off.counts[word])
    # not collocations of two words, nor a name with a function word
    assert not {"八戒沙僧", "十分欢喜", "好大圣", "师父啊", "等老孙"} & words
    assert off.new_words == []


def test_a_dictionary_turns_discovery_off(xiyouji_path, tmp_path):
    result = segment_corpus([str(xiyouji_path)], tmp_path, SegmentOptions(), jobs=2)  # finds its dictionary
    assert result.new_words == []


def test_cli_writes_the_words_as_a_dictionary(invoke, xiyouji_path, tmp_path, discovered_novel):

    r = invoke(
        [
            "segment",
            xiyouji_path,
            "--no-auto-dict",
            "-o",
            tmp_path / "out",
            "--discover-words",
            tmp_path / "novel.dict",
            "--audit",
            "5",
        ],
    )
    assert r.exit_code == 0, r.stderr
    entries = read_user_dict(str(tmp_path / "novel.dict"))
    assert [word for word, _, _ in entries] == [w.word for w in discovered_novel[0].new_words]
    assert f"wrote {len(entries):,} discovered words -> {tmp_path / 'novel.dict'}" in r.stderr
    assert "new words found in the text and kept whole (--no-discover to stop): 老孙 " in r.stderr
