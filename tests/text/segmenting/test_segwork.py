"""w2vkit.text.segmenting.segwork: a worker's range task writes the batches' text to its shard, whole; a worker
that cannot read the input or write the shard says so in one line."""

import socket

import pytest

from w2vkit.errors import ClusterError
from w2vkit.text.segmenting.segment import SegmentOptions
from w2vkit.text.segmenting.segwork import RangeTask, init_worker, segment_batch, segment_range


@pytest.fixture
def worker():
    init_worker(SegmentOptions(discover=False), False)


def test_a_range_gives_the_text_of_its_batches(worker, novel_text, tmp_path):
    text = novel_text[:30_000]
    path = tmp_path / "in.txt"
    path.write_text(text, encoding="utf-8")
    shard = tmp_path / "0.txt"
    result = segment_range(RangeTask(str(path), "utf-8", "zh", 0, path.stat().st_size, str(shard)))
    expected = segment_batch(("zh", text.splitlines()))
    assert shard.read_text(encoding="utf-8") == expected.text
    assert (result.lines, result.tokens, result.vocabulary) == (expected.lines, expected.tokens, expected.vocabulary)
    assert result.text == "" and result.shard == str(shard)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["0.txt", "in.txt"]  # no partial file left


def test_a_worker_that_cannot_read_the_input_says_the_filesystem_must_be_shared(worker, tmp_path):
    missing = tmp_path / "elsewhere.txt"
    with pytest.raises(ClusterError) as error:
        segment_range(RangeTask(str(missing), "utf-8", "zh", 0, 100, str(tmp_path / "0.txt")))
    assert str(error.value) == (
        f"{missing}: a worker on {socket.gethostname()} cannot read it or write its shard {missing} "
        "(No such file or directory); the workers must see the inputs and the output folder at the same paths "
        "(a shared filesystem)"
    )
    assert list(tmp_path.iterdir()) == []  # no partial shard left


def test_a_worker_that_cannot_write_its_shard_leaves_nothing(worker, tmp_path):
    path = tmp_path / "in.txt"
    path.write_text("行者道\n", encoding="utf-8")
    shard = tmp_path / "staging" / "0.txt"  # its folder does not exist on this worker
    with pytest.raises(ClusterError, match="cannot read it or write its shard"):
        segment_range(RangeTask(str(path), "utf-8", "zh", 0, path.stat().st_size, str(shard)))
    assert [p.name for p in tmp_path.iterdir()] == ["in.txt"]
