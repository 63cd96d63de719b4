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
    [entry] = json.loads((tmp_path / "m" / "meta.json").read_text(encoding="utf-8"))["corpus"]["inputs"]
    assert entry["table"] == str(table)
    assert entry["table_sha256"] == hashlib.sha256(table.read_bytes()).hexdigest()
    info = invoke(["info", "-m", tmp_path / "m"])
    assert "from p.tsv" in info.stdout and "-p.txt" not in info.stdout
    kwic = invoke(["kwic", "春", "-m", tmp_path / "m", "-n", "1", "--format", "json"])
    assert kwic.exit_code == 0 and json.loads(kwic.stdout)["results"][0]["file"] == str(table)
    seg = invoke(["segment", table, "-o", tmp_path / "seg", "--format", "json"])
    assert seg.exit_code == 0 and json.loads(seg.stdout)["files"][0]["path"] == str(table)
