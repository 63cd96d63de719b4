"""w2vkit.queries.kwic and `w2vkit kwic`: passages of a word, with line and chapter, from a raw file or a
model's training text."""

import json
from pathlib import Path

import pytest

from w2vkit.queries.kwic import concordance

TEXT = (
    "\n".join(
        [
            "序 庞统在此",
            "第一回 宴桃园",
            "刘备遇庞统于道，庞统笑曰：吾乃凤雏。",
            "无关的一行",
            "第二回 落凤坡",
            "庞统中箭而亡",
        ]
    )
    + "\n"
)


def test_a_raw_file_by_hand(tmp_path):
    path = tmp_path / "novel.txt"
    path.write_text(TEXT, encoding="utf-8")
    found = concordance(path, "庞统", width=3)
    assert (found.total, found.lines) == (4, 3)
    assert [(h.line, h.document, h.left, h.word, h.right) for h in found.hits] == [
        (1, "", "序 ", "庞统", "在此"),
        (3, "第一回 宴桃园", "刘备遇", "庞统", "于道，"),
        (3, "第一回 宴桃园", "于道，", "庞统", "笑曰："),
        (6, "第二回 落凤坡", "", "庞统", "中箭而"),
    ]
    assert len(concordance(path, "庞统", limit=2).hits) == 2 and concordance(path, "庞统", limit=2).total == 4


def test_a_segmented_corpus_matches_whole_tokens(tmp_path):
    path = tmp_path / "corpus.txt"
    path.write_text("第一回 宴 桃园\n庞统 之 计\n庞统之 子\n", encoding="utf-8")
    found = concordance(path, "庞统", segmented=True)
    assert [(h.line, h.document, h.left, h.word, h.right) for h in found.hits] == [
        (2, "第一回宴桃园", "", "庞统", "之计")
    ]


def test_kwic_over_a_models_training_text_and_when_it_is_gone(invoke, small_model, novel_slice, tmp_path):
    r = invoke(["kwic", "行者", "-m", small_model, "-n", "40", "--format", "json"])
    assert r.exit_code == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["segmented"] and data["total"] >= 40 and len(data["results"]) == 40
    assert all(row["word"] == "行者" for row in data["results"])
    # (the cache holds a line per segmented paragraph, blank lines left out; its line map numbers each
    # passage as the raw file does, as kwic --in FILE numbers it)
    every = invoke(["kwic", "行者", "--in", novel_slice, "-n", "1000", "--format", "json"])
    raw = {row["line"] for row in json.loads(every.stdout)["results"]}
    lines = [row["line"] for row in data["results"]]
    assert set(lines) <= raw  # (numbered in the segmented text, none of the 40 was a line of 行者 in the raw file)
    numbered = "lines are numbered in the segmented text, not the raw file"
    assert numbered not in data["notes"][0]["message"]
    # (a corpus cached before the map was kept, or whose map no longer matches: the note says so;
    # the model and its cached corpus copied into a cache of this test's own, since the test
    # workers share the small model's)
    import shutil

    meta = json.loads((Path(small_model) / "meta.json").read_text(encoding="utf-8"))
    cache = Path(meta["corpus"]["cache"]).parent
    own = tmp_path / "own-cache" / "corpora" / cache.name
    shutil.copytree(cache, own)
    mapped = tmp_path / "mapped"
    shutil.copytree(small_model, mapped)
    meta["corpus"]["cache"] = str(own / "corpus.txt")
    (mapped / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    kept = (own / "text_lines.npy").read_bytes()
    (own / "text_lines.npy").write_bytes(kept[:-4] + b"\xff\xff\xff\xff")
    with pytest.MonkeyPatch.context() as patched:
        patched.setenv("W2VKIT_CACHE", str(tmp_path / "own-cache"))
        r = invoke(["kwic", "行者", "-m", mapped, "-n", "3", "--format", "json"])
        assert numbered in json.loads(r.stdout)["notes"][0]["message"]
        (own / "text_lines.npy").write_bytes(kept)  # (and with the map as it was written, no note)
        r = invoke(["kwic", "行者", "-m", mapped, "-n", "3", "--format", "json"])
        assert numbered not in json.loads(r.stdout)["notes"][0]["message"]

    moved = tmp_path / "m"
    shutil.copytree(small_model, moved)
    meta = json.loads((moved / "meta.json").read_text(encoding="utf-8"))
    meta["corpus"]["cache"] = str(tmp_path / "gone" / "corpus.txt")
    (moved / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    r = invoke(["kwic", "行者", "-m", moved])
    assert (r.exit_code, r.stderr) == (
        2,
        f"Error: {tmp_path / 'gone' / 'corpus.txt'}: the segmented text {moved} was trained on is gone from the "
        "cache (cleared, or another machine); give the original text with --in FILE, or train again to cache it\n",
    )


def test_a_model_of_several_files_names_each_passages_file_and_chapter(invoke, tmp_path):
    """The corpus cache records where each input starts; the model keeps it; kwic maps each line
    back to its file, numbers lines within it and starts each file with no chapter."""
    words = "alpha beta gamma delta epsilon zeta eta theta".split()
    body = [" ".join(words[(i + j) % 8] for j in range(6)) for i in range(40)]
    (tmp_path / "one.txt").write_text("CHAPTER 1\n" + "\n".join(body) + "\nmarker here\n", encoding="utf-8")
    (tmp_path / "two.txt").write_text("\n".join(body) + "\nthe marker again\n", encoding="utf-8")
    model = tmp_path / "m"
    r = invoke(
        [
            "train",
            tmp_path / "one.txt",
            tmp_path / "two.txt",
            "-o",
            model,
            "--min-count",
            "1",
            "--epochs",
            "1",
            "--dim",
            "8",
            "--no-subwords",
            "--method",
            "word2vec",
            "-q",
        ]
    )
    assert r.exit_code == 0, r.stderr
    meta = json.loads((model / "meta.json").read_text(encoding="utf-8"))
    assert meta["corpus"]["file_starts"] == [1, 43]
    r = invoke(["kwic", "marker", "-m", model, "--format", "json"])
    assert r.exit_code == 0, r.stderr
    rows = [(Path(row["file"]).name, row["line"], row["chapter"]) for row in json.loads(r.stdout)["results"]]
    assert rows == [("one.txt", 42, "chapter1"), ("two.txt", 41, "")]


@pytest.mark.parametrize("args, code", [(["kwic", " ", "--in", "x.txt"], 2), (["kwic", "a", "--in", "missing.txt"], 1)])
def test_bad_input_is_one_line(invoke, tmp_path, args, code):
    r = invoke(args)
    assert r.exit_code == code and len(r.stderr.strip().splitlines()) == 1 and r.stderr.startswith("Error: ")


def test_kwic_of_a_tables_rows_of_one_group(invoke, tmp_path):
    table = tmp_path / "poems.tsv"
    table.write_text("period\ttext\n唐\t劝君更尽一杯酒\n宋\t明月几时有把酒问青天\n宋\t无酒\n", encoding="utf-8")
    r = invoke(["kwic", "酒", "--in", table, "--where", "period=宋", "--format", "json"])
    assert r.exit_code == 0, r.stderr
    hits = json.loads(r.stdout)["results"]
    assert [(h["line"], h["left"], h["right"]) for h in hits] == [(3, "明月几时有把", "问青天"), (4, "无", "")]
    r = invoke(["kwic", "酒", "--in", table, "--where", "era=宋"])
    assert (r.exit_code, r.stderr) == (1, f"Error: {table}: no column 'era'; its columns are 'period', 'text'\n")


def test_a_tables_passages_are_labelled_by_the_rows_columns(invoke, tmp_path):
    """Issue 58: a table's passages were labelled only by the filter (period=元), not by the row's
    author and title. Issue 93: each of the row's columns its own column (a "chapter" column
    repeated the row), those a reader cites a passage by (author, title, period) by default."""
    table = tmp_path / "poems.tsv"
    table.write_text(
        "period\tauthor\ttitle\ttext\n唐\t王维\t渭城曲\t劝君更尽一杯酒\n宋\t苏轼\t水调歌头\t明月几时有把酒问青天\n",
        encoding="utf-8",
    )
    r = invoke(["kwic", "酒", "--in", table, "--where", "period=宋", "--format", "json"])
    assert r.exit_code == 0, r.stderr
    [hit] = json.loads(r.stdout)["results"]
    assert {k: hit[k] for k in ("period", "author", "title")} == {"period": "宋", "author": "苏轼", "title": "水调歌头"}
    r = invoke(["kwic", "酒", "--in", table, "--format", "json"])
    assert [list(h)[:5] for h in json.loads(r.stdout)["results"]] == [["file", "line", "author", "title", "period"]] * 2
    assert [h["author"] + h["title"] for h in json.loads(r.stdout)["results"]] == ["王维渭城曲", "苏轼水调歌头"]
    # round 8's S11: a column both filtered and asked for is named once
    r = invoke(["kwic", "酒", "--in", table, "--where", "period=宋", "--columns", "period,author", "--format", "json"])
    assert [list(h)[2:4] for h in json.loads(r.stdout)["results"]] == [["period", "author"]]
    # a table of other columns: its first three; a column named as one of the passage's own is marked
    other = tmp_path / "other.tsv"
    other.write_text("word\tplace\tyear\tnote\ttext\n月\t长安\t750\tx\t一杯酒\n", encoding="utf-8")
    r = invoke(["kwic", "酒", "--in", other, "--format", "json"])
    assert list(json.loads(r.stdout)["results"][0])[:5] == ["file", "line", "word (row)", "place", "year"]


def _joined_token_by_token(tokens, word):
    """The former definition of a segmented line as it reads: tokens joined one by one, a space
    kept unless both sides are CJK; each occurrence's start in it."""

    def cjk(ch):
        return bool(ch) and "\u3400" <= ch <= "\u9fff"

    joined, starts = "", []
    for i, token in enumerate(tokens):
        if i and not (cjk(joined[-1:]) and cjk(token[:1])):
            joined += " "
        starts.append(len(joined))
        joined += token
    return [(joined[: starts[i]], joined[starts[i] + len(word) :]) for i, t in enumerate(tokens) if t == word]


def test_a_segmented_lines_passages_are_the_token_by_token_join(tmp_path):
    """The one-pass join (a regex) gives every passage the former token-by-token join gave, on
    random lines of CJK, Latin and empty tokens."""
    import random

    from w2vkit.queries.kwic import concordance

    rng = random.Random(5)
    pieces = ["行者", "八戒", "道", "a", "AI", "3", "", "。", "x行", "行x", "沙僧"]
    lines = [" ".join(rng.choice(pieces) for _ in range(rng.randint(1, 30))).strip() for _ in range(3000)]
    path = tmp_path / "corpus.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    found = concordance(path, "行者", segmented=True, width=1000, limit=None)  # (wider than any line)
    want = [pair for line in lines for pair in _joined_token_by_token(line.strip().split(" "), "行者")]
    assert found.total == len(want) > 1000
    assert [(h.left, h.right) for h in found.hits] == want


def test_the_original_passage_is_the_row_as_written_around_the_same_place():
    """Issue 74 (the original punctuated text beside the cleaned one): a short row whole; a long
    one as a window at the share of the way the occurrence was found, with ellipses."""
    from w2vkit.queries.kwic import original_passage

    assert original_passage("春眠不覺曉，\t處處聞啼鳥。", 0.5, 20) == "春眠不覺曉， 處處聞啼鳥。"
    raw = "，".join(f"句{i:03d}" for i in range(200))  # (1,000 characters, 句120 at 60% of the way)
    shown = original_passage(raw, raw.index("句120") / len(raw), 20)
    assert shown.startswith("…") and shown.endswith("…") and "句120" in shown
    assert len(shown) == 2 + 2 * 25 and shown.strip("…") in raw


def test_a_tables_passages_are_named_by_one_line_number_however_asked(invoke, tmp_path, novel_text):
    """Issue 92 (the researcher's trial): kwic -m named a poem at the table's line 14 "line 12,
    row 12", where kwic --in named it 14. The corpus cache keeps each row's line in the table (a
    shuffled table, blank lines and the header between): kwic -m, kwic --in and --typical name
    every passage by the line of the table it is on, and the note names no cache path."""
    import random

    rows = [line.strip() for line in novel_text[:60_000].splitlines() if line.strip()]
    random.Random(4).shuffle(rows)
    table = tmp_path / "shuffled.tsv"
    with open(table, "w", encoding="utf-8") as f:
        f.write("half\ttext\n")
        for i, text in enumerate(rows):
            if i % 37 == 5:
                f.write("\n")  # (a blank line: no row, one more line)
            f.write(f"{'前' if i % 2 else '后'}\t{text}\n")
    model = tmp_path / "m"
    r = invoke(["train", table, "--epochs", "1", "--dim", "16", "--min-count", "2", "-o", model, "-q"])
    assert r.exit_code == 0, r.stderr
    file_lines = table.read_text(encoding="utf-8").split("\n")

    def lines_of(args) -> list[int]:
        got = invoke(["kwic", "悟空", "-n", "500", "--format", "json", *args])
        assert got.exit_code == 0, got.stderr
        doc = json.loads(got.stdout)
        assert not any("cache" in n["message"] for n in doc["notes"]), doc["notes"]
        return [hit["line"] for hit in doc["results"]]

    by_model = lines_of(["-m", model])
    by_table = lines_of(["--in", table])
    typical = lines_of(["--in", table, "-m", model, "--where", "half=前", "--typical"])
    assert len(by_model) > 20 and set(by_model) <= set(by_table) and set(typical) <= set(by_table)
    assert max(by_model) > len(rows) // 2  # (far into the file, past many blank lines)
    for line in by_model + typical:
        assert "悟空" in file_lines[line - 1], line


def test_a_model_of_a_tables_passages_name_its_rows_columns_and_no_cache(invoke, halves, monkeypatch):
    """Issue 93: the passages of a model's text, the rows of the one table it was trained on, are
    labelled by the row's columns as kwic --in TABLE labels them (read from the table it recorded),
    and the result names no cache's path; a table changed since is not read."""
    import w2vkit.base.trust as trust

    model, table = halves
    asked = ["kwic", "菩萨", "-m", model, "-n", "3", "--format", "json"]
    r = invoke(asked)
    assert r.exit_code == 0, r.stderr
    got = json.loads(r.stdout)
    rows = {n: line.split("\t") for n, line in enumerate(table.read_text(encoding="utf-8").splitlines(), 1)}
    assert got["source"] is None and ".cache" not in json.dumps(got)
    assert [list(r)[:4] for r in got["results"]] == [["file", "line", "half", "chapter"]] * 3
    assert [[r["half"], r["chapter"]] for r in got["results"]] == [rows[r["line"]][:2] for r in got["results"]]
    again = json.loads(invoke([*asked[:-2], "--in", table, "--format", "json"]).stdout)  # (as --in labels them)
    assert [(r["line"], r["half"], r["chapter"]) for r in again["results"]] == [
        (r["line"], r["half"], r["chapter"]) for r in got["results"]
    ]
    real = trust.digest_of  # (the table another by now)
    monkeypatch.setattr(trust, "digest_of", lambda path: "0" * 64 if str(path) == str(table) else real(path))
    changed = json.loads(invoke(asked).stdout)["results"][0]
    assert "chapter" in changed and "half" not in changed
