"""w2vkit.text.reading.ranges: the byte ranges a cluster's workers read must give, together, the paragraphs of
the whole file, whatever the block grid, line ends, long lines and multi-byte characters."""

import random

import pytest

from w2vkit.errors import DecodeError
from w2vkit.text.reading import inputs as corpus
from w2vkit.text.reading.inputs import open_text, paragraphs
from w2vkit.text.reading.ranges import plan_ranges, range_paragraphs


@pytest.fixture
def small_blocks(monkeypatch):
    """Blocks of 64 bytes and paragraphs cut at 50 characters: every case crosses the grid."""
    monkeypatch.setattr(corpus, "BLOCK_BYTES", 64)
    monkeypatch.setattr(corpus, "MAX_PARAGRAPH_CHARS", 50)


def awkward_text(seed: int) -> str:
    rng = random.Random(seed)
    pieces = ["孙悟空", "行者道", "word", " ", "，", "。", "\u3000", "𠀋", "é"]
    ends = ["\n", "\r\n", "\r", "\n\n", "\u2028"]
    lines = []
    for _ in range(rng.randint(5, 60)):
        length = rng.choice([0, 1, 5, 20, 49, 50, 51, 120, 300])
        lines.append("".join(rng.choice(pieces) for _ in range(length)) + rng.choice(ends))
    text = "".join(lines)
    return text if rng.random() < 0.7 else text.rstrip("\n\r\u2028")  # sometimes no final newline


def whole_file(path, codec=None):
    stream, first = open_text(str(path), codec)
    return list(paragraphs(stream, first, normalised=False)), stream.codec


@pytest.mark.parametrize("seed", range(40))
def test_ranges_read_as_the_whole_file_does(small_blocks, tmp_path, seed):
    rng = random.Random(seed)
    encoding = rng.choice(["utf-8", "utf-8-sig", "gb18030"])
    path = tmp_path / "text.txt"
    path.write_bytes(awkward_text(seed).encode(encoding))
    expected, codec = whole_file(path)
    size = path.stat().st_size
    for range_bytes in (1, 7, 64, 100, rng.randint(1, size)):
        spans = plan_ranges(str(path), codec, size, range_bytes)
        assert spans and spans[0][0] == 0 and spans[-1][1] == size
        assert all(a[1] == b[0] for a, b in zip(spans, spans[1:]))
        got = [p for start, end in spans for p in range_paragraphs(str(path), codec, start, end)]
        # Empty paragraphs (a "\r\n" cut by the grid) give no tokens; all others must match.
        assert [p for p in got if p] == [p for p in expected if p], (encoding, range_bytes)


def test_a_line_longer_than_the_scan_is_not_split(tmp_path, monkeypatch):
    monkeypatch.setattr("w2vkit.text.reading.ranges.SCAN_BYTES", 100)
    path = tmp_path / "one-line.txt"
    path.write_text("word " * 100 + "\n" + "short\n", encoding="utf-8")
    assert plan_ranges(str(path), "utf-8", path.stat().st_size, 10) is None
    path.write_text("word\n" * 100, encoding="utf-8")
    assert len(plan_ranges(str(path), "utf-8", path.stat().st_size, 10)) == 50


def test_utf16_is_never_split(tmp_path):
    path = tmp_path / "wide.txt"
    path.write_bytes("行者\n".encode("utf-16") * 100)
    assert plan_ranges(str(path), "utf-16", path.stat().st_size, 10) is None


def test_a_bad_byte_in_a_later_range_names_its_offset_in_the_file(small_blocks, tmp_path):
    path = tmp_path / "damaged.txt"
    path.write_bytes("行者\n".encode() * 40 + b"\xff\n" + "行者\n".encode() * 5)
    with pytest.raises(DecodeError) as whole:
        whole_file(path, "utf-8")
    spans = plan_ranges(str(path), "utf-8", path.stat().st_size, 30)
    with pytest.raises(DecodeError) as ranged:
        for start, end in spans:
            list(range_paragraphs(str(path), "utf-8", start, end))
    assert (
        str(ranged.value)
        == str(whole.value)
        == f"{path}: invalid utf-8 at byte 280; give the right one with encoding or fix the file"
    )
