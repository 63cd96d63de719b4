"""A table given as input is known by its own path, not its text's copy in the cache (issue 58):
the model records the table and its checksum, info and kwic name it, segment's manifest too."""

from __future__ import annotations

import hashlib
import json


def test_a_model_trained_on_a_table_records_the_table_and_its_checksum(invoke, tmp_path):
    table = tmp_path / "in" / "p.tsv"
    table.parent.mkdir()
    table.write_text("period\ttext\n" + "".join(f"唐\t春风{i % 9}明月\n" for i in range(300)), encoding="utf-8")
    r = invoke(["train", table, "--tokens", "chars", "--dim", "8", "--epochs", "1", "-o", tmp_path / "m", "-q"])
    assert r.exit_code == 0, r.stderr
    meta = json.loads((tmp_path / "m" / "meta.json").read_text(encoding="utf-8"))
    [entry] = meta["corpus"]["inputs"]
    assert entry["table"] == str(table)
    assert meta["hyperparameters"]["subwords"] is False  # (characters: their n-grams would be their own)
    assert entry["table_sha256"] == hashlib.sha256(table.read_bytes()).hexdigest()
    info = invoke(["info", "-m", tmp_path / "m"])
    assert "from p.tsv" in info.stdout and "-p.txt" not in info.stdout
    kwic = invoke(["kwic", "春", "-m", tmp_path / "m", "-n", "1", "--format", "json"])
    assert kwic.exit_code == 0 and json.loads(kwic.stdout)["results"][0]["file"] == str(table)
    seg = invoke(["segment", table, "-o", tmp_path / "seg", "--format", "json"])
    assert seg.exit_code == 0 and json.loads(seg.stdout)["files"][0]["path"] == str(table)


def test_train_and_segment_read_only_the_rows_where_asks(invoke, tmp_path):
    """--where on train and segment: only those rows are the corpus (the other period's characters
    are not in the model), recorded with the table; a value no row has, a condition without `=`, and
    a plain text given --where are one line each, before any work."""
    table = tmp_path / "p.tsv"
    rows = [f"唐\t春风明月{i % 7}\n" for i in range(200)] + [f"宋\t梅花细雨{i % 7}\n" for i in range(200)]
    table.write_text("period\ttext\n" + "".join(rows), encoding="utf-8")
    common = ["--tokens", "chars", "--dim", "8", "--epochs", "1", "--min-count", "1", "-q"]
    r = invoke(["train", table, "--where", "period=宋", *common, "-o", tmp_path / "m"])
    assert r.exit_code == 0, r.stderr
    meta = json.loads((tmp_path / "m" / "meta.json").read_text(encoding="utf-8"))
    assert meta["corpus"]["inputs"][0]["where"] == {"period": "宋"}
    words = (tmp_path / "m" / "vocab.tsv").read_text(encoding="utf-8")
    assert "梅" in words and "春" not in words
    assert "from p.tsv (rows with period=宋)" in invoke(["info", "-m", tmp_path / "m"]).stdout
    seg = invoke(["segment", table, "--where", "period=唐", "--tokens", "chars", "-o", tmp_path / "seg", "-q"])
    assert seg.exit_code == 0, seg.stderr
    text = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "seg").glob("*.txt"))
    assert "春" in text and "梅" not in text
    plain = tmp_path / "plain.txt"
    plain.write_text("春风\n", encoding="utf-8")
    for args, message in [
        (
            [table, "--where", "period=元"],
            f"Error: {table}: no row has period='元'; the column 'period' has '唐', '宋'\n",
        ),
        ([table, "--where", "period"], "Error: --where takes COLUMN=VALUE, not 'period'\n"),
        (
            [plain, "--where", "period=唐"],
            f"Error: --where chooses a table's rows; {plain} is not a table (TSV, CSV, JSON Lines)\n",
        ),
    ]:
        bad = invoke(["train", *args, *common, "-o", tmp_path / "bad"])
        assert (bad.exit_code, bad.stderr) == (2, message), args
        assert not (tmp_path / "bad").exists()


def test_a_model_of_chosen_rows_resumes_on_a_plain_text(invoke, tmp_path):
    """--where says which rows this call reads, not how text is cut: resuming a model of a table's
    宋 rows on a plain text reads the text (the model's own choice of rows does not follow it)."""
    table = tmp_path / "p.tsv"
    table.write_text("period\ttext\n" + "".join(f"宋\t梅花细雨{i % 7}\n" for i in range(200)), encoding="utf-8")
    common = ["--tokens", "chars", "--dim", "8", "--epochs", "1", "--min-count", "1", "-q"]
    assert (
        invoke(
            ["train", table, "--where", "period=宋", *common, "--method", "word2vec", "-o", tmp_path / "m"]
        ).exit_code
        == 0
    )
    plain = tmp_path / "more.txt"
    plain.write_text("春风明月\n" * 200, encoding="utf-8")
    r = invoke(["train", plain, "--resume", tmp_path / "m", "--epochs", "1", "-q"])
    assert r.exit_code == 0, r.stderr
