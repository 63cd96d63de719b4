"""The training corpus cache: counts from the writing pass, and damaged caches rebuilt."""

import json
from pathlib import Path

import pytest

from w2vkit.text.corpus.corpuscache import CORPUS_STATS, NEW_WORDS, prepare_corpus
from w2vkit.text.reading.inputs import detect_language
from w2vkit.text.segmenting.segment import SegmentOptions


@pytest.fixture
def novel_part(novel_text, tmp_path, monkeypatch):
    monkeypatch.setenv("W2VKIT_CACHE", str(tmp_path / "cache"))
    path = tmp_path / "part.txt"
    path.write_text(novel_text[:60_000], encoding="utf-8")
    return path


def recount(path):
    text = path.read_text(encoding="utf-8")
    return sum(len(line.split()) for line in text.splitlines())


def test_counts_and_language_are_those_of_the_written_corpus(novel_part):
    prepared = prepare_corpus([str(novel_part)], SegmentOptions())
    assert prepared.tokens == recount(prepared.path) > 5000
    assert prepared.language == detect_language(prepared.path.read_text(encoding="utf-8")[:300_000]) == "zh"
    again = prepare_corpus([str(novel_part)], SegmentOptions())
    assert again.cached and (again.tokens, again.language, again.path) == (prepared.tokens, "zh", prepared.path)


def test_tokens_cut_by_block_boundaries_count_once(tmp_path, monkeypatch):
    import w2vkit.text.segmenting.corpusfile as corpusfile

    monkeypatch.setenv("W2VKIT_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(corpusfile, "COPY_BLOCK", 7)  # tiny blocks: most tokens are cut
    text = tmp_path / "en.txt"
    text.write_text("The quick brown fox jumps over the lazy dog.\nA  second\tline here.\n" * 50, encoding="utf-8")
    prepared = prepare_corpus([str(text)], SegmentOptions(lang="en"))
    assert prepared.tokens == recount(prepared.path) and prepared.language == "en"
    assert prepared.word_counts() == word_counts_of(prepared.path)


def test_text_written_in_pieces_that_cut_tokens_is_counted_whole(tmp_path):
    """A cluster's shards are copied in COPY_BLOCK pieces: a token a piece's end cuts is one token
    and one word, in the writer's figures and in the counts."""
    from w2vkit.text.segmenting.corpusfile import CorpusWriter, WordCounts

    data = "孙悟空 道 ： 师父 ， 我 去 也 。\nthe quick  brown\tfox\n".encode() * 20
    counts = WordCounts()
    with CorpusWriter(tmp_path / "corpus.txt") as out:
        for i in range(0, len(data), 7):  # 7 bytes: UTF-8 characters cut too
            counts.add(data[i : i + 7])
            out.write(data[i : i + 7])
    counts.end_file("zh")
    expected, lines = word_counts_of(tmp_path / "corpus.txt")
    assert list(counts.words.items()) == list(expected.items()) and counts.zh == expected
    assert out.tokens == sum(expected.values()) and out.lines == lines == 40


def word_counts_of(path):
    """Each word's count in order of first appearance, and the lines: what gensim's scan sees."""
    from collections import Counter

    counts, lines = Counter(), 0
    for line in path.read_text(encoding="utf-8").splitlines():
        counts.update(line.split())
        lines += 1
    return counts, lines


@pytest.mark.parametrize("block", [7, 4096])
def test_the_word_counts_kept_with_the_corpus_are_those_of_its_text(novel_part, monkeypatch, block):
    import w2vkit.text.segmenting.corpusfile as corpusfile

    monkeypatch.setattr(corpusfile, "COPY_BLOCK", block)  # 7: most tokens cut by a block's end
    prepared = prepare_corpus([str(novel_part)], SegmentOptions())
    counts, lines = prepared.word_counts()
    theirs, their_lines = word_counts_of(prepared.path)
    assert lines == their_lines and counts == theirs and list(counts) == list(theirs)  # (order too)
    assert sum(counts.values()) == prepared.tokens


def test_training_from_the_kept_counts_gives_gensims_own_vocabulary_and_vectors(novel_part, tmp_path):
    """The vocabulary built from the cache's counts (no scan of the corpus) and the one gensim's
    scan builds (a corpus cached before the counts were kept) train the same model, bit for bit."""
    import numpy as np

    from w2vkit.model.store import load_model
    from w2vkit.training.trainer import train
    from w2vkit.training.trainoptions import TrainOptions

    options = TrainOptions(dim=16, epochs=2, min_count=2, deterministic=True, method="word2vec")
    train([str(novel_part)], tmp_path / "counted", options, SegmentOptions())
    prepared = prepare_corpus([str(novel_part)], SegmentOptions())
    assert prepared.cached and prepared.counts_path is not None
    prepared.counts_path.unlink()  # as a cache of an earlier w2vkit (no counts, no checksum): gensim scans
    stats_path = prepared.path.parent / "corpus.json"
    stats = json.loads(stats_path.read_text(encoding="utf-8"))
    del stats["counts_sha256"]
    stats_path.write_text(json.dumps(stats), encoding="utf-8")
    assert prepare_corpus([str(novel_part)], SegmentOptions()).word_counts() is None
    train([str(novel_part)], tmp_path / "scanned", options, SegmentOptions())
    a, b = load_model(tmp_path / "counted"), load_model(tmp_path / "scanned")
    assert a.words == b.words and np.array_equal(a.counts, b.counts) and len(a.words) > 100
    assert np.array_equal(a.vectors, b.vectors)


def damage_truncate(cache):
    with open(cache / "corpus.txt", "r+b") as f:
        f.truncate(100)


def damage_bytes(cache):
    data = bytearray((cache / "corpus.txt").read_bytes())
    data[200:210] = b"\xff" * 10  # invalid UTF-8, same size
    (cache / "corpus.txt").write_bytes(bytes(data))


def damage_record(cache):
    (cache / CORPUS_STATS).write_text("{", encoding="utf-8")


def damage_new_words(cache):
    (cache / NEW_WORDS).unlink()


@pytest.mark.parametrize(
    "damage, why",
    [
        (damage_truncate, "100 bytes where"),
        (damage_bytes, "its content changed since it was written"),
        (damage_record, "it cannot be read"),
        (damage_new_words, "new_words.json is missing"),
    ],
)
def test_a_damaged_cache_is_named_and_built_again(novel_part, caplog, damage, why):
    first = prepare_corpus([str(novel_part)], SegmentOptions())
    good = first.path.read_bytes()
    damage(first.path.parent)
    again = prepare_corpus([str(novel_part)], SegmentOptions())
    assert not again.cached and again.path.read_bytes() == good and again.tokens == first.tokens
    warning = [r.getMessage() for r in caplog.records if "damaged" in r.getMessage()]
    assert (
        warning == [f"warning: the cached segmentation {first.path.parent} is damaged ({warning[0].split('(', 1)[1]}"]
        and why in warning[0]
        and warning[0].endswith("; segmenting the text again")
    )
    assert json.loads((again.path.parent / CORPUS_STATS).read_text())["tokens"] == first.tokens


def test_train_through_a_damaged_cache_gives_the_same_model(invoke, novel_part, tmp_path):
    args = ["train", novel_part, "--method", "word2vec", "--epochs", "1", "--seed", "3", "--min-count", "3"]
    assert invoke([*args, "-o", tmp_path / "a"]).exit_code == 0
    cache = next((tmp_path / "cache" / "corpora").iterdir())
    damage_bytes(cache)
    r = invoke([*args, "-o", tmp_path / "b"])
    assert r.exit_code == 0, r.stderr
    assert f"warning: the cached segmentation {cache} is damaged (its content changed" in r.stderr
    assert (tmp_path / "a" / "vocab.tsv").read_text() == (tmp_path / "b" / "vocab.tsv").read_text()


def test_each_corpus_line_knows_its_raw_line_as_kwic_in_numbers_it(tmp_path, monkeypatch):
    """The corpus drops blank lines and cuts a long paragraph into lines of max_line_tokens; its line
    map gives each corpus line the line of its own input it came from (kwic -m shows those). A line
    per sentence does not say its paragraph, and a table's line is its row: no map."""
    from w2vkit.queries.kwic import concordance
    from w2vkit.text.corpus.corpuscache import text_lines

    monkeypatch.setenv("W2VKIT_CACHE", str(tmp_path / "cache"))
    one, two = tmp_path / "one.txt", tmp_path / "two.txt"
    one.write_text("alpha beta\n\n\ngamma delta\r\n" + " ".join(["word"] * 25) + " marker\n\n", encoding="utf-8")
    two.write_text("\nmarker epsilon\n\nzeta marker\n", encoding="utf-8")
    prepared = prepare_corpus([str(one), str(two)], SegmentOptions(lang="en", max_line_tokens=10))
    lines = text_lines(prepared.path)
    assert lines is not None and lines.tolist() == [1, 4, 5, 5, 5, 2, 4]
    hits = concordance(prepared.path, "marker", segmented=True, files=[(1, "one.txt"), (6, "two.txt")], numbers=lines)
    raw = [(p.name, h.line) for p in (one, two) for h in concordance(p, "marker").hits]
    assert [(h.file, h.line) for h in hits.hits] == raw == [("one.txt", 5), ("two.txt", 2), ("two.txt", 4)]
    sentences = prepare_corpus([str(one)], SegmentOptions(lang="en", sentences=True))
    assert text_lines(sentences.path) is None
    table = tmp_path / "t.tsv"
    table.write_text("text\nalpha beta\n\ngamma\n", encoding="utf-8")
    # (a table's rows: each named by the line of the table it is on, the header and the blank line between)
    assert text_lines(prepare_corpus([str(table)], SegmentOptions(lang="en")).path).tolist() == [2, 4]


def test_a_corpus_built_meanwhile_by_another_run_is_kept_under_its_readers(novel_part, monkeypatch):
    """Two runs segmenting the same text at once (two trainings, or pytest's workers) build the same
    cached corpus: the one finishing second keeps the first one's, which a reader may hold open
    (a cluster's workers read it by path), rather than removing it to put its own in place."""
    import subprocess
    import sys

    from w2vkit.text.corpus import corpuscache

    unchanged = corpuscache.check_unchanged
    other = []

    def another_run_finishes_first(stamps):
        unchanged(stamps)
        other.append("started")
        code = (
            "import sys\nfrom w2vkit.text.corpus.corpuscache import prepare_corpus\n"
            "from w2vkit.text.segmenting.segment import SegmentOptions\n"
            "print(prepare_corpus([sys.argv[1]], SegmentOptions()).path)"
        )
        done = subprocess.run([sys.executable, "-c", code, str(novel_part)], capture_output=True, text=True, check=True)
        other.append(Path(done.stdout.strip()))
        other.append(other[-1].stat().st_ino)

    monkeypatch.setattr(corpuscache, "check_unchanged", another_run_finishes_first)
    ours = prepare_corpus([str(novel_part)], SegmentOptions())
    _, path, inode = other
    assert not ours.cached and ours.path == path
    assert ours.path.stat().st_ino == inode, "the other run's corpus was replaced under its readers"
    assert recount(ours.path) == ours.tokens
    assert [p.name for p in ours.path.parent.parent.iterdir()] == [ours.path.parent.name]  # (ours dropped)
