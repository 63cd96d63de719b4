"""w2vkit.text.segmenting.corpusfile: a cache miss segments straight into the corpus file, counts its words as they
arrive and writes the text once (spooled in memory for the glue split), with the same text and
counts as the segment command's output and a scan of the file."""

import builtins
from collections import Counter

import pytest

import w2vkit.text.segmenting.corpusfile
from w2vkit.text.corpus.corpuscache import COUNTS, prepare_corpus
from w2vkit.text.segmenting.pipeline import segment_corpus
from w2vkit.text.segmenting.segment import SegmentOptions

# No dictionary, so that the glue split runs (and finds glued names in the novel).
NO_DICT = SegmentOptions(auto_dict=False)


def scanned_counts(path) -> Counter:
    """Each word's count in order of first appearance, as gensim's scan of the file gives them."""
    counts: Counter = Counter()
    with open(path, encoding="utf-8") as f:
        for line in f:
            counts.update(line.split())
    return counts


def cached_counts(prepared) -> list[tuple[str, int]]:
    return list(prepared.word_counts()[0].items())


def segmented_text(outdir, result) -> str:
    return "".join((outdir / f.output).read_text(encoding="utf-8") for f in result.files)


@pytest.fixture(scope="module")
def two_chapters(tmp_path_factory, novel_text):
    folder = tmp_path_factory.mktemp("inputs")
    (folder / "a.txt").write_text(novel_text[:120_000], encoding="utf-8")
    (folder / "b.txt").write_text(novel_text[120_000:200_000], encoding="utf-8")
    return folder


def test_the_corpus_is_the_segment_commands_text_and_its_counts_a_scan(two_chapters, tmp_path, monkeypatch):
    monkeypatch.setenv("W2VKIT_CACHE", str(tmp_path / "cache"))
    result = segment_corpus([str(two_chapters)], tmp_path / "seg", NO_DICT, jobs=2)
    prepared = prepare_corpus([str(two_chapters)], NO_DICT, jobs=2)
    corpus = prepared.path.read_text(encoding="utf-8")
    assert corpus == segmented_text(tmp_path / "seg", result)
    # the glue split ran: a form it splits is in neither
    assert cached_counts(prepared) == list(scanned_counts(prepared.path).items())
    assert prepared.tokens == sum(f.tokens for f in result.files)
    lines = corpus.splitlines()
    assert prepared.file_starts == [1, len(lines) - result.files[1].lines + 1]


def test_the_glue_split_is_applied_through_the_spool(novel_text, tmp_path, monkeypatch):
    """Without the split the novel has glued forms (a name + a character) the split removes; the
    corpus then counts the parts, in the order a scan finds them."""
    monkeypatch.setenv("W2VKIT_CACHE", str(tmp_path / "cache"))
    path = tmp_path / "novel.txt"
    path.write_text(novel_text[:300_000], encoding="utf-8")
    split = prepare_corpus([str(path)], NO_DICT, jobs=2)
    glued = prepare_corpus([str(path)], SegmentOptions(auto_dict=False, split_name_verb=False), jobs=2)
    before, after = dict(cached_counts(glued)), dict(cached_counts(split))
    gone = [w for w in before if w not in after]
    assert gone, "the split changed nothing: the test text has no glued form"
    assert split.tokens > glued.tokens
    assert cached_counts(split) == list(scanned_counts(split.path).items())


def test_a_spool_that_spills_to_disk_gives_the_same_corpus(two_chapters, tmp_path, monkeypatch):
    monkeypatch.setenv("W2VKIT_CACHE", str(tmp_path / "memory"))
    in_memory = prepare_corpus([str(two_chapters)], NO_DICT, jobs=1)
    monkeypatch.setenv("W2VKIT_CACHE", str(tmp_path / "disk"))
    monkeypatch.setattr(w2vkit.text.segmenting.corpusfile, "SPOOL_BYTES", 1)
    spilled = prepare_corpus([str(two_chapters)], NO_DICT, jobs=1)
    assert spilled.path.read_bytes() == in_memory.path.read_bytes()
    assert cached_counts(spilled) == cached_counts(in_memory)


def test_phrases_and_mixed_languages_match_the_segment_command(tmp_path, monkeypatch, novel_text):
    monkeypatch.setenv("W2VKIT_CACHE", str(tmp_path / "cache"))
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "1-en.txt").write_text("new york is big . i love new york and new york loves me .\n" * 40)
    (folder / "2-zh.txt").write_text(novel_text[:60_000], encoding="utf-8")
    (folder / "3-en.txt").write_text("the new york times said new york was cold .\n" * 30)
    for phrases in (1, 0):  # phrases spool from the first input; the glue split from the first Chinese one
        options = SegmentOptions(auto_dict=False, phrases=phrases)
        result = segment_corpus([str(folder)], tmp_path / f"seg{phrases}", options, jobs=2)
        prepared = prepare_corpus([str(folder)], options, jobs=2)
        corpus = prepared.path.read_text(encoding="utf-8")
        assert ("new_york" in corpus) == bool(phrases)
        assert corpus == segmented_text(tmp_path / f"seg{phrases}", result)
        assert cached_counts(prepared) == list(scanned_counts(prepared.path).items())
        starts = [1]
        for f in result.files[:-1]:
            starts.append(starts[-1] + f.lines)
        assert prepared.file_starts == starts


def test_a_cache_miss_writes_the_segmented_text_once_and_reads_it_once(novel_text, tmp_path, monkeypatch):
    """Followed in-process (gensim's own reader, in C++, is outside): the raw file is opened twice
    (its hash and start, its segmentation), the corpus file written once, and read once besides
    the training epochs, by the count model; no other file of the segmented text is written."""
    import w2vkit
    from w2vkit.training.trainoptions import TrainOptions

    cache = tmp_path / "cache"
    monkeypatch.setenv("W2VKIT_CACHE", str(cache))
    path = tmp_path / "novel.txt"
    path.write_text(novel_text[:150_000], encoding="utf-8")
    opened: list[tuple[str, str]] = []
    real_open = builtins.open

    def recording_open(file, mode="r", *args, **kwargs):
        opened.append((str(file), mode))
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", recording_open)
    w2vkit.train([str(path)], tmp_path / "model", TrainOptions(method="hybrid", epochs=1), NO_DICT, jobs=1)
    monkeypatch.setattr(builtins, "open", real_open)
    raw = [mode for name, mode in opened if name == str(path)]
    assert len(raw) == 2, raw
    corpus = [(name, mode) for name, mode in opened if name.endswith("corpus.txt")]
    assert [m for _, m in corpus if "w" in m] == ["wb"], corpus
    assert len([m for _, m in corpus if "w" not in m]) == 1, corpus  # the count model's pass
    written_in_cache = {name.rsplit("/", 1)[-1] for name, mode in opened if name.startswith(str(cache)) and "w" in mode}
    assert "corpus.txt" in written_in_cache
    # (text_lines.npy: the raw line of each corpus line, as the workers counted them, 4 bytes a line)
    assert written_in_cache <= {"corpus.txt", COUNTS, "corpus.json", "new_words.json", "inputs.json", "text_lines.npy"}


def test_a_text_longer_than_discoverys_sample_is_hashed_and_segmented_whole(novel_text, tmp_path, monkeypatch):
    """Its start is taken for discovery and the rest read for its hash in the same open: the cache
    key is the file's sha256 and the corpus the segment command's text."""
    import json

    from w2vkit.base.choices import DISCOVERY_SAMPLE_CHARS
    from w2vkit.base.files import sha256_of

    monkeypatch.setenv("W2VKIT_CACHE", str(tmp_path / "cache"))
    path = tmp_path / "long.txt"
    path.write_text(novel_text * 4, encoding="utf-8")
    assert len(novel_text) * 4 > DISCOVERY_SAMPLE_CHARS
    prepared = prepare_corpus([str(path)], NO_DICT, jobs=2)
    assert [i["sha256"] for i in json.loads((prepared.path.parent / "inputs.json").read_text())] == [sha256_of(path)]
    result = segment_corpus([str(path)], tmp_path / "seg", NO_DICT, jobs=2)
    assert prepared.path.read_text(encoding="utf-8") == segmented_text(tmp_path / "seg", result)
