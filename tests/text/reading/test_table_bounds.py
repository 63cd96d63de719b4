"""A table's rows are bounded in memory and a compressed table that expands like a bomb is said
(issue 58: a 815 KB .tsv.gz with one 400 MB cell peaked at 4.7 GB in kwic, with no warning)."""

from __future__ import annotations

import gzip
import logging

import pytest

from w2vkit.errors import InputError
from w2vkit.text.reading import tables
from w2vkit.text.reading.tables import MAX_CELL_CHARS, read_rows


@pytest.mark.parametrize("name", ["t.tsv.gz", "t.csv.gz", "t.jsonl.gz"])
def test_a_cell_past_the_bound_is_one_line_naming_its_row(tmp_path, name):
    path = tmp_path / name
    huge = "月" * (MAX_CELL_CHARS + 10)
    with gzip.open(path, "wt", encoding="utf-8") as f:
        if name.startswith("t.jsonl"):
            f.write('{"text": "短"}\n{"text": "' + huge + '"}\n')
        else:
            sep = "\t" if ".tsv" in name else ","
            f.write(f"period{sep}text\n唐{sep}短\n宋{sep}{huge}\n")
    rows = read_rows(path, ["text"])
    assert next(rows)[1]["text"] == "短"
    with pytest.raises(InputError, match=r":\d: a (cell|row) of more than 16,777,216 characters; split its text"):
        next(rows)


def test_a_table_that_expands_like_a_bomb_is_said_once(tmp_path, monkeypatch, caplog):
    monkeypatch.setattr(tables, "EXPANSION_WARNING_AFTER", 1 << 20)  # (the real one is 64 MB)
    path = tmp_path / "bomb.tsv.gz"
    with gzip.open(path, "wt", encoding="utf-8") as f:
        f.write("period\ttext\n" + "唐\t" + "a" * 100 + "\n" * 1 + ("唐\t" + "a" * 1000 + "\n") * 4000)
    with caplog.at_level(logging.WARNING):
        assert sum(1 for _ in read_rows(path, ["text"])) == 4001
    said = [r.getMessage() for r in caplog.records if "decompression bomb" in r.getMessage()]
    assert len(said) == 1 and said[0].startswith(f"warning: {path} expands more than 100 times")


def test_an_ordinary_compressed_table_says_nothing(tmp_path, monkeypatch, caplog):
    import random

    monkeypatch.setattr(tables, "EXPANSION_WARNING_AFTER", 1 << 16)
    rng = random.Random(0)
    path = tmp_path / "p.tsv.gz"
    with gzip.open(path, "wt", encoding="utf-8") as f:
        f.write("period\ttext\n")
        for _ in range(2000):
            f.write("唐\t" + "".join(chr(0x4E00 + rng.randrange(3000)) for _ in range(40)) + "\n")
    with caplog.at_level(logging.WARNING):
        assert sum(1 for _ in read_rows(path, ["text"])) == 2000
    assert not [r for r in caplog.records if "decompression bomb" in r.getMessage()]


def test_an_unclosed_quote_is_named_at_the_row_it_opened_in(tmp_path):
    """Issue 58: an unterminated CSV quote swallowed the rest of the file silently."""
    path = tmp_path / "u.csv"
    path.write_text('period,text\n唐,ok\n唐,"a b\n宋,c\n元,d\n', encoding="utf-8")
    rows = read_rows(path, ["text"])
    assert next(rows) == (2, {"text": "ok"})
    with pytest.raises(InputError, match=r"u.csv:3: a quote opened in this row is never closed"):
        next(rows)


def test_a_quoted_row_over_two_lines_is_cited_at_its_first_line(tmp_path):
    path = tmp_path / "q.csv"
    path.write_text('period,text\n唐,"one\ntwo"\n宋,three,extra\n', encoding="utf-8")
    rows = read_rows(path, ["text"])
    assert next(rows) == (2, {"text": "one\ntwo"})
    with pytest.raises(InputError, match=r"q.csv:4: 3 fields where the header has 2"):
        next(rows)


@pytest.mark.parametrize("name", ["bomb.tsv.gz", "bomb.csv.gz"])
def test_a_compressed_cell_of_10_to_the_8_characters_is_refused_before_it_is_held(tmp_path, name):
    """Round 8's M07: a 100 KB .tsv.gz whose one cell is 10^9 characters reached 3 GB before the
    cell bound applied, for the line was read whole first. Each line is now read with a bound: the
    refusal comes with the memory of one bounded line (here 3 x 10^8 bytes of text; peak measured
    in a child process)."""
    import subprocess
    import sys

    path = tmp_path / name
    sep = "\t" if ".tsv" in name else ","
    with gzip.open(path, "wb", compresslevel=1) as f:
        f.write(f"period{sep}text\n唐{sep}".encode())
        block = "月".encode() * (10 << 20)
        for _ in range(10):  # (10^8 characters)
            f.write(block)
        f.write(b"\n")
    script = (  # (VmHWM: this process's own peak; ru_maxrss keeps the forking parent's across exec)
        "import sys\n"
        "from w2vkit.errors import InputError\n"
        "from w2vkit.text.reading.tables import read_rows\n"
        "try:\n"
        "    list(read_rows(sys.argv[1], ['text']))\n"
        "except InputError as e:\n"
        "    print(e)\n"
        "print(next(l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')))\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True, text=True, check=True)
    message, peak_kb = done.stdout.strip().split("\n")
    assert message.startswith(f"{path}:2: a line of more than ") and "split its text into rows" in message
    assert int(peak_kb) < 400 << 10, f"peak {int(peak_kb) >> 10} MB"
