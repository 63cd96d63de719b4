"""Hostile records met by commands (issue 57's hostile round): every JSON record w2vkit reads and
every array a record names gives one clear line, in bounded time, never a Python exception."""

from __future__ import annotations

import hashlib
import json
import os
import shutil

import numpy as np
import pytest

DEEP = '{"a": ' * 200_000 + "1" + "}" * 200_000


@pytest.fixture(scope="module")
def hybrid_model(novel_slice, tmp_path_factory):
    from w2vkit.training.trainer import train
    from w2vkit.training.trainoptions import TrainOptions

    out = tmp_path_factory.mktemp("hostile") / "m"
    train([str(novel_slice)], out, TrainOptions(dim=24, epochs=2, min_count=3, seed=2, deterministic=True))
    return out


def copy_of(model, tmp_path):
    target = tmp_path / "copy"
    shutil.copytree(model, target)
    return target


def edit_meta(folder, change):
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    change(meta)
    (folder / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")


def one_line_error(r, code=1):
    assert r.exit_code == code, (r.exit_code, r.stderr)
    assert r.stderr.startswith("Error: ") and r.stderr.count("\n") == 1, r.stderr
    assert "Traceback" not in r.stderr and "unexpected" not in r.stderr and "RecursionError" not in r.stderr
    return r.stderr


def test_views_given_as_a_list_are_refused_not_ignored(invoke, hybrid_model, tmp_path):
    model = copy_of(hybrid_model, tmp_path)
    edit_meta(model, lambda m: m.__setitem__("views", ["topical"]))
    err = one_line_error(invoke(["similar", "行者", "-m", model]))
    assert "field 'views' should be an object, not a list" in err
    edit_meta(model, lambda m: m.__setitem__("views", {"evil": {"sha256": "0", "bytes": 1}}))
    assert "names 'evil', not a kind of similarity" in one_line_error(invoke(["similar", "行者", "-m", model]))


def test_an_object_view_with_its_checksum_rewritten_is_one_line(invoke, hybrid_model, tmp_path):
    model = copy_of(hybrid_model, tmp_path)
    view = model / "view-topical.npy"
    view.unlink()
    np.save(view, np.array([None] * 5, dtype=object), allow_pickle=True)
    data = view.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    edit_meta(model, lambda m: m["views"]["topical"].update(sha256=sha, bytes=len(data)))
    err = one_line_error(invoke(["similar", "行者", "-m", model]))
    assert f"{view}: the topical view file holds object, not numbers; retrain the model" in err


def test_a_deep_stamp_record_of_the_vectors_only_costs_the_hash(invoke, hybrid_model, tmp_path, monkeypatch):
    from w2vkit.base.env import cache_root
    from w2vkit.base.trust import STAMPS_DIR

    monkeypatch.setenv("W2VKIT_CACHE", str(tmp_path / "cache"))  # (every stamp is damaged: not the shared cache's)

    model = copy_of(hybrid_model, tmp_path)
    first = invoke(["similar", "行者", "-m", model, "--format", "json"])
    assert first.exit_code == 0, first.stderr
    stamps = cache_root() / STAMPS_DIR
    for record in stamps.glob("*.json"):  # (every stamp: the one of these vectors among them)
        record.write_text(DEEP)
    again = invoke(["similar", "行者", "-m", model, "--format", "json"])
    assert again.exit_code == 0, again.stderr
    assert json.loads(again.stdout)["results"] == json.loads(first.stdout)["results"]


def test_a_deep_index_record_is_one_line(invoke, small_model, tmp_path):
    lines = tmp_path / "lines.txt"
    lines.write_text("行者 八戒 沙僧\n师父 行者\n", encoding="utf-8")
    built = invoke(["index", lines, "-o", tmp_path / "ix", "-m", small_model, "-q"])
    assert built.exit_code == 0, built.stderr
    (tmp_path / "ix" / "meta.json").write_text(DEEP)
    err = one_line_error(invoke(["search", "行者", "--index", tmp_path / "ix", "-m", small_model]))
    assert "nested more than 100 levels deep" in err and "build the index again" in err


def test_a_deep_segment_manifest_is_one_line(invoke, tmp_path):
    (tmp_path / "a.txt").write_text("孙悟空 大闹 天宫\n", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "manifest.json").write_text(DEEP)
    err = one_line_error(invoke(["segment", tmp_path / "a.txt", "-o", out, "-q"]))
    assert "exists and was not written by w2vkit segment" in err


def test_a_deep_corpus_cache_record_is_built_again(invoke, tmp_path, monkeypatch):
    from w2vkit.base.env import cache_root

    # (every record is damaged: a cache of its own, not the one both test workers share)
    monkeypatch.setenv("W2VKIT_CACHE", str(tmp_path / "cache"))

    text = tmp_path / "t.txt"
    text.write_text("孙悟空 大闹 天宫。\n" * 50, encoding="utf-8")
    assert invoke(["train", text, "-o", tmp_path / "m1", "--epochs", "1", "--dim", "8", "-q"]).exit_code == 0
    records = list((cache_root() / "corpora").glob("*/corpus.json"))
    assert records
    for record in records:
        record.write_text(DEEP)
    r = invoke(["train", text, "-o", tmp_path / "m2", "--epochs", "1", "--dim", "8"])
    assert r.exit_code == 0, r.stderr
    assert "is damaged (it cannot be read (JSON nested more than 100 levels deep" in r.stderr


@pytest.mark.parametrize("command", ["segment", "kwic", "contrast"])
def test_a_json_lines_table_nested_200000_deep_is_one_line(invoke, small_model, tmp_path, command):
    table = tmp_path / "t.jsonl"
    table.write_text('{"text": "行者", "period": "唐"}\n' + DEEP + "\n", encoding="utf-8")
    args = {
        "segment": ["segment", table, "-o", tmp_path / "out", "-q"],
        "kwic": ["kwic", "行者", "--in", table],
        "contrast": ["contrast", "行者", "--in", table, "--by", "period", "-m", small_model],
    }[command]
    err = one_line_error(invoke(args))
    assert f"{table}:2: JSON nested more than 100 levels deep" in err


def test_kwic_of_a_model_reads_only_a_corpus_file_of_the_cache(invoke, small_model, tmp_path):
    from w2vkit.base.env import cache_root

    secret = cache_root() / "stamps" / "secret.txt"
    secret.parent.mkdir(parents=True, exist_ok=True)
    secret.write_text("行者 secret line\n", encoding="utf-8")
    data = secret.read_bytes()
    model = copy_of(small_model, tmp_path)
    edit_meta(
        model,
        lambda m: m["corpus"].update(
            cache=str(secret), cache_sha256=hashlib.sha256(data).hexdigest(), cache_bytes=len(data)
        ),
    )
    err = one_line_error(invoke(["kwic", "行者", "-m", model]), code=2)
    assert "names a file w2vkit will not read (it is outside" in err and "secret line" not in err


def test_a_view_file_that_is_a_fifo_is_one_line(invoke, hybrid_model, tmp_path):
    model = copy_of(hybrid_model, tmp_path)
    (model / "view-topical.npy").unlink()
    os.mkfifo(model / "view-topical.npy")
    err = one_line_error(invoke(["similar", "行者", "-m", model]))
    assert "view-topical.npy: the topical view file is not a regular file" in err
