"""What `train` says it expects before it starts (w2vkit.training.fitting.expected_seconds):
rising with the work, said on stderr before the work."""

from w2vkit.training.fitting import about, expected_seconds
from w2vkit.training.trainoptions import TrainOptions


def test_the_expected_time_rises_with_the_work():
    small = TrainOptions(epochs=10, dim=100, method="word2vec", workers=2)
    base = expected_seconds(small, 1_000_000)
    assert expected_seconds(small, 2_000_000) > base
    assert expected_seconds(TrainOptions(epochs=20, dim=100, method="word2vec", workers=2), 1_000_000) > base
    assert expected_seconds(TrainOptions(epochs=10, dim=300, method="word2vec", workers=2), 1_000_000) > base
    assert expected_seconds(small, 1_000_000, members=4) > 4 * base
    assert expected_seconds(TrainOptions(epochs=10, dim=100, method="hybrid", workers=2), 1_000_000) > base
    with_ngrams = TrainOptions(epochs=10, dim=100, method="word2vec", workers=2, subwords=True)
    assert expected_seconds(with_ngrams, 1_000_000) > base  # (n-grams: 1.4x the time a pass)


def test_times_are_said_in_words_a_reader_takes_in():
    assert about(3) == "about 3 s"
    assert about(42) == "about 40 s"
    assert about(600) == "about 10 minutes"
    assert about(3 * 3600) == "about 3.0 hours"


def test_train_says_what_it_expects_before_it_trains(novel_slice, invoke, tmp_path):
    result = invoke(
        ["train", novel_slice, "-o", tmp_path / "m", "--epochs", "1", "--dim", "16", "--method", "word2vec"]
    )
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    said = next(i for i, line in enumerate(lines) if line.startswith("expected to take about"))
    assert "1 pass over" in lines[said]
    assert said < next(i for i, line in enumerate(lines) if line.startswith("trained "))


def test_a_background_adds_its_count_not_passes():
    hybrid = TrainOptions(epochs=80, dim=100, method="hybrid", workers=2)
    alone, beside = expected_seconds(hybrid, 300_000), expected_seconds(hybrid, 300_000, background_tokens=300_000)
    assert alone < beside < alone + 5  # (a second or two of counting, not 80 more passes)
